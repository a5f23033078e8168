"""The `bantin` command: run the service, its parts, and offline tools."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from audio.vocabulary import STYLES, VOICES
from service.queue import worker_queues
from service.roles import ROLES
from service.settings import Settings


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from workers.supervisor import run

    return run(settings, with_demo=not args.no_demo)


def _cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from workers.celery_app import make_celery

    app = make_celery(settings)
    argv = ["worker", "--loglevel", args.loglevel, "--concurrency", str(args.concurrency),
            "--prefetch-multiplier", "1", "-Q", ",".join(worker_queues(settings)),
            "--without-gossip", "--without-mingle"]
    if args.beat:
        argv += ["--beat", "--schedule", str(settings.var_dir / "celerybeat-schedule")]
    app.worker_main(argv)
    return 0


def _cmd_beat(args: argparse.Namespace, settings: Settings) -> int:
    from workers.celery_app import make_celery

    settings.var_dir.mkdir(parents=True, exist_ok=True)  # its schedule file lives there
    make_celery(settings).start(["beat", "--loglevel", args.loglevel,
                                 "--schedule", str(settings.var_dir / "celerybeat-schedule")])
    return 0


def _cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from workers.admin import migrate

    migrate(settings)
    print("database is at the newest schema")
    return 0


def _cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    from service.accounts import AccountError
    from workers import admin

    admin.migrate(settings)
    try:
        if args.action == "list":
            for t in admin.tokens(settings):
                state = "revoked" if t["revoked"] else "active"
                print(f"{t['id']}\t{t['role']}\t{state}\t{t['name']}\t{t['owner']}\t"
                      f"{t['expires_at'] or '-'}")
            return 0
        if args.action == "revoke":
            if args.id is None:
                print("bantin token revoke: give the token's id (see bantin token list)",
                      file=sys.stderr)
                return 2
            admin.revoke(settings, args.id)
            print(f"token {args.id} revoked", file=sys.stderr)
            return 0
        expires = None
        if args.days:
            from datetime import timedelta

            from service.models import utcnow

            expires = utcnow() + timedelta(days=args.days)
        token = admin.new_token(settings, args.role, args.name, args.owner, expires)
    except AccountError as exc:
        print(f"bantin token: {exc}", file=sys.stderr)
        return 2
    print(f"new {args.role} token (shown once; only its hash is stored):", file=sys.stderr)
    print(token)
    return 0


def _cmd_user(args: argparse.Namespace, settings: Settings) -> int:
    from service.accounts import AccountError
    from workers import admin

    admin.migrate(settings)
    try:
        if args.action == "create":
            password = sys.stdin.readline().rstrip("\r\n")
            admin.new_user(settings, args.name, password, args.role)
            print(f"user {args.name} ({args.role}) created", file=sys.stderr)
        else:
            admin.set_user_active(settings, args.name, args.action == "enable")
            print(f"user {args.name} {args.action}d", file=sys.stderr)
    except AccountError as exc:
        print(f"bantin user: {exc}", file=sys.stderr)
        return 2
    return 0


def _cmd_speak(args: argparse.Namespace, settings: Settings) -> int:
    from workers.speak import speak_file

    return speak_file(settings, Path(args.file), Path(args.output), engine=args.engine,
                      voice=args.voice, rate=args.rate, progress=not args.quiet)


def _cmd_normalize(args: argparse.Namespace, settings: Settings) -> int:
    from audio.text import normalize

    for line in sys.stdin:
        line = line.rstrip("\n")
        result = normalize(line, style=args.style) if line.strip() else None
        sys.stdout.write((result.text if result else "") + "\n")
        if result:
            for warning in result.warnings:
                print(f"cảnh báo: {warning}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bantin", description="Bản tin tiếng Việt thành giọng nói.")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="start everything locally (embedded Redis, worker, web)")
    r.add_argument("--no-demo", action="store_true")
    r.set_defaults(func=_cmd_run)
    w = sub.add_parser("worker", help="start a Celery worker")
    w.add_argument("--concurrency", type=int, default=1)
    w.add_argument("--beat", action="store_true", help="also run the periodic reconciler")
    w.add_argument("--loglevel", default="INFO")
    w.set_defaults(func=_cmd_worker)
    b = sub.add_parser("beat", help="start the periodic scheduler (reconciler)")
    b.add_argument("--loglevel", default="INFO")
    b.set_defaults(func=_cmd_beat)
    d = sub.add_parser("db", help="database schema")
    d.add_argument("action", choices=["upgrade"])
    d.set_defaults(func=_cmd_db)
    t = sub.add_parser("token", help="API tokens")
    t.add_argument("action", choices=["create", "list", "revoke"])
    t.add_argument("id", nargs="?", type=int, help="token id (revoke)")
    t.add_argument("--role", default="editor", choices=list(ROLES))
    t.add_argument("--name", default="")
    t.add_argument("--owner", default=None, help="user the token acts for")
    t.add_argument("--days", type=int, default=0, help="expires after this many days")
    t.set_defaults(func=_cmd_token)
    u = sub.add_parser("user", help="newsroom accounts (create reads the password from stdin)")
    u.add_argument("action", choices=["create", "disable", "enable"])
    u.add_argument("name")
    u.add_argument("--role", default="editor", choices=list(ROLES))
    u.set_defaults(func=_cmd_user)
    s = sub.add_parser("speak", help="speak a bulletin file to an MP3 without the server")
    s.add_argument("file")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--engine", default=None, help="gtts, espeak or piper (or a chain a,b)")
    s.add_argument("--voice", default="north", choices=list(VOICES))
    s.add_argument("--rate", type=float, default=1.0)
    s.add_argument("-q", "--quiet", action="store_true")
    s.set_defaults(func=_cmd_speak)
    n = sub.add_parser("normalize", help="stdin lines → spoken-form lines on stdout")
    n.add_argument("--style", default="north", choices=list(STYLES))
    n.set_defaults(func=_cmd_normalize)
    return p


def main(argv: list[str] | None = None) -> int:
    from service.logs import configure

    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    configure(settings.log_format,
              logging.WARNING if args.cmd == "normalize" else logging.INFO)
    return int(args.func(args, settings) or 0)


if __name__ == "__main__":
    sys.exit(main())
