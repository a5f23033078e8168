"""API tokens: random, shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import ApiToken

ROLES = ("editor", "admin")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, role: str = "editor", name: str = "") -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    token = "bt_" + secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=_hash(token), role=role, name=name))
    return token


def check_token(session: Session, token: str) -> ApiToken | None:
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    return row
