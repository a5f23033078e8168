"""Operator chores shared by the CLI and `bantin run`: migrations, tokens, demo data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service import bulletins as uc
from service import outbox
from service.db import make_engine, make_session_factory, session_scope, upgrade
from service.models import Bulletin
from service.paste import parse_paste
from service.queue import Sender
from service.settings import Settings
from service.tokens import check_token, create_token
from service.validation import validate_bulletin

DEMO = Path(__file__).resolve().parent.parent / "service" / "demo" / "bac-kan-chi-thi-42.txt"


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


def new_token(settings: Settings, role: str = "editor", name: str = "") -> str:
    with _sessions(settings) as factory, session_scope(factory) as s:
        return create_token(s, role, name)


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


def submit_paste(settings: Settings, text: str, sender: Sender | None) -> int:
    parsed = parse_paste(text)
    item = validate_bulletin(
        {"title": parsed.title, "lead": parsed.lead, "body": parsed.body, "author": parsed.author,
         "published_at": parsed.published_at.isoformat() if parsed.published_at else None},
        settings.max_text_chars,
    )
    with _sessions(settings) as factory:
        outbox.install(factory, sender)
        with session_scope(factory) as s:
            bid = uc.create_bulletin(s, settings, item).id
    return bid


def load_demo_once(settings: Settings) -> int | None:
    """On first run, load the sample bulletin so there is something to hear."""
    with _sessions(settings) as factory, factory() as s:
        if s.scalar(select(func.count()).select_from(Bulletin)):
            return None
    return submit_paste(settings, DEMO.read_text(encoding="utf-8"), Sender(settings))
