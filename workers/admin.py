"""Operator chores shared by the CLI and `bantin run`: migrations, tokens, demo data."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service import audit, outbox
from service import bulletins as uc
from service.accounts import (
    Actor,
    check_token,
    create_token,
    create_user,
    list_tokens,
    revoke_token,
    set_active,
)
from service.db import make_engine, make_session_factory, session_scope, upgrade
from service.models import Bulletin, User
from service.paste import parse_paste
from service.queue import Sender
from service.settings import Settings
from service.validation import validate_bulletin

DEMO = Path(__file__).resolve().parent.parent / "service" / "demo" / "bac-kan-chi-thi-42.txt"


#: the actor recorded for what an operator does from the command line
SHELL = Actor("bantin-cli", "admin", None, "shell")


@contextmanager
def _sessions(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """A session factory whose engine (and its pool) is closed afterwards."""
    engine = make_engine(settings)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def migrate(settings: Settings) -> None:
    engine = make_engine(settings)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def new_token(settings: Settings, role: str = "editor", name: str = "",
              owner: str | None = None, expires_at: datetime | None = None) -> str:
    with _sessions(settings) as factory, session_scope(factory) as s:
        token = create_token(s, role, name, owner, expires_at)
        audit.record(s, SHELL, "token", action_detail="create", role_given=role, name=name)
        return token


def new_user(settings: Settings, name: str, password: str, role: str) -> None:
    with _sessions(settings) as factory, session_scope(factory) as s:
        create_user(s, name, password, role)
        audit.record(s, SHELL, "user", action_detail="create", name=name, role_given=role)


def set_user_active(settings: Settings, name: str, active: bool) -> None:
    with _sessions(settings) as factory, session_scope(factory) as s:
        set_active(s, name, active)
        audit.record(s, SHELL, "user", action_detail="enable" if active else "disable",
                     name=name)


def tokens(settings: Settings) -> list[dict[str, object]]:
    with _sessions(settings) as factory, factory() as s:
        return [{"id": t.id, "name": t.name, "role": t.role,
                 "owner": t.owner.name if t.owner else "",
                 "expires_at": t.expires_at.isoformat() if t.expires_at else "",
                 "revoked": bool(t.revoked_at), "created_at": t.created_at.isoformat()}
                for t in list_tokens(s)]


def revoke(settings: Settings, token_id: int) -> None:
    with _sessions(settings) as factory, session_scope(factory) as s:
        revoke_token(s, token_id)
        audit.record(s, SHELL, "token", action_detail="revoke", token_id=token_id)


def local_admin(settings: Settings) -> tuple[str, str] | None:
    """The embedded setup's first account: `admin` with a random password kept in var/
    (mode 600), made once so a newsroom can sign in without a shell."""
    path = settings.var_dir / "admin-password.txt"
    with _sessions(settings) as factory, factory() as s:
        exists = s.scalar(select(func.count()).select_from(User))
    if exists:
        return ("admin", path.read_text().strip()) if path.exists() else None
    password = secrets.token_urlsafe(12)
    new_user(settings, "admin", password, "admin")
    path.write_text(password + "\n")
    os.chmod(path, 0o600)
    return "admin", password


def local_editor_token(settings: Settings) -> str:
    """The embedded setup's editor token: made once, kept in var/ (mode 600) to reprint."""
    path = settings.var_dir / "editor-token.txt"
    if path.exists():
        token = path.read_text().strip()
        with _sessions(settings) as factory, factory() as s:
            if check_token(s, token) is not None:
                return token
    token = new_token(settings, "editor", "make run")
    path.write_text(token + "\n")
    os.chmod(path, 0o600)
    return token


def submit_paste(settings: Settings, text: str, sender: Sender | None,
                 publish: bool = False) -> int:
    parsed = parse_paste(text)
    item = validate_bulletin(
        {"title": parsed.title, "lead": parsed.lead, "body": parsed.body, "author": parsed.author,
         "published_at": parsed.published_at.isoformat() if parsed.published_at else None},
        settings.max_text_chars,
    )
    with _sessions(settings) as factory:
        outbox.install(factory, sender)
        with session_scope(factory) as s:
            b = uc.create_bulletin(s, settings, item, by=SHELL.name)
            audit.record(s, SHELL, "create", b.id, b.version)
            if publish:
                uc.publish(b)
                audit.record(s, SHELL, "publish", b.id, b.version)
            bid = b.id
    return bid


def load_demo_once(settings: Settings) -> int | None:
    """On first run, load the sample bulletin so there is something to hear."""
    with _sessions(settings) as factory, factory() as s:
        if s.scalar(select(func.count()).select_from(Bulletin)):
            return None
    return submit_paste(settings, DEMO.read_text(encoding="utf-8"), Sender(settings),
                        publish=True)
