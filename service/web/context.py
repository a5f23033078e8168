"""Typed access to what the app factory put in `app.extensions`."""

from __future__ import annotations

from typing import cast

from flask import abort, current_app
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


def bulletin_or_404(s: Session, bulletin_id: int) -> Bulletin:
    b = s.get(Bulletin, bulletin_id)
    if b is None:
        abort(404)
    return b
