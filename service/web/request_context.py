"""Typed access to what the app factory put in `app.extensions`, and the request's one
database session.

`db()` opens the session on first use and the app tears it down after the request
(rolled back unless the view committed). Views commit explicitly; jobs queued with
`service.outbox` leave after that commit.
"""

from __future__ import annotations

from typing import cast

from flask import Flask, abort, current_app, g
from sqlalchemy.orm import Session, sessionmaker

from service.models import Bulletin
from service.queue import Sender
from service.settings import Settings
from service.storage import LocalStorage


def settings() -> Settings:
    return cast(Settings, current_app.extensions["bantin"]["settings"])


def sessions() -> sessionmaker[Session]:
    return cast("sessionmaker[Session]", current_app.extensions["bantin"]["sessions"])


def sender() -> Sender:
    return cast(Sender, current_app.extensions["bantin"]["sender"])


def storage() -> LocalStorage:
    return cast(LocalStorage, current_app.extensions["bantin"]["storage"])


def db() -> Session:
    """The request's session (one per request, whatever the view calls)."""
    if "db" not in g:
        g.db = sessions()()
    return cast(Session, g.db)


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def install(app: Flask) -> None:
    app.teardown_appcontext(close_session)


def bulletin_or_404(bulletin_id: int) -> Bulletin:
    """The bulletin whatever its state (writes check the actor's rights, not visibility)."""
    b = db().get(Bulletin, bulletin_id)
    if b is None:
        abort(404)
    return b
