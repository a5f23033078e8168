"""Accounts and API tokens: argon2 password hashes, tokens stored as SHA-256.

An actor is whoever makes a request: a signed-in user or a token (for machine clients,
optionally owned by a user, optionally expiring, revocable). A disabled user's session
and tokens stop working at once because every request checks the row.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import ApiToken, User, utcnow
from service.roles import ROLES

_hasher = PasswordHasher()
#: checked against when the user does not exist, so timing does not tell names apart
_DUMMY = _hasher.hash("bantin-no-such-user")
MIN_PASSWORD = 10


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message is Vietnamese."""


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    user_id: int | None  # None for a token without an owner
    via: str  # "session" | "token"


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Vai trò phải là một trong {', '.join(ROLES)}.")


def create_user(s: Session, name: str, password: str, role: str = "editor") -> User:
    name = name.strip()
    _check_role(role)
    if not name or len(name) > 100 or any(ch.isspace() for ch in name):
        raise AccountError("Tên đăng nhập phải có 1–100 ký tự, không có khoảng trắng.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    if s.scalar(select(User).where(User.name == name)) is not None:
        raise AccountError(f"Đã có tài khoản “{name}”.")
    user = User(name=name, password_hash=_hasher.hash(password), role=role, active=True)
    s.add(user)
    s.flush()
    return user


def set_active(s: Session, name: str, active: bool) -> User:
    user = s.scalar(select(User).where(User.name == name))
    if user is None:
        raise AccountError(f"Không có tài khoản “{name}”.")
    user.active = active
    return user


def authenticate(s: Session, name: str, password: str) -> User | None:
    """The active user with this name and password, else None (same cost either way)."""
    user = s.scalar(select(User).where(User.name == name)) if name else None
    try:
        _hasher.verify(user.password_hash if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def session_stamp(user: User) -> str:
    """Changes when the password does: a session cookie carries it, so a new password
    signs out every other session."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(s: Session, role: str = "editor", name: str = "", owner: str | None = None,
                 expires_at: datetime | None = None) -> str:
    """A new token, shown once; only its hash is stored."""
    _check_role(role)
    owner_id = None
    if owner:
        user = s.scalar(select(User).where(User.name == owner))
        if user is None:
            raise AccountError(f"Không có tài khoản “{owner}”.")
        owner_id = user.id
    token = "bt_" + secrets.token_urlsafe(32)
    s.add(ApiToken(token_hash=_hash(token), role=role, name=name, owner_id=owner_id,
                   expires_at=expires_at))
    s.flush()
    return token


def check_token(s: Session, token: str) -> Actor | None:
    """The actor behind a bearer token, if it is known, not revoked, not expired and its
    owner (if any) is active. A token never has more rights than its owner's role."""
    if not token or len(token) > 200:
        return None
    row = s.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= utcnow():
        return None
    if row.owner is not None:
        if not row.owner.active:
            return None
        role = min(row.role, row.owner.role, key=ROLES.index)
        return Actor(row.owner.name, role, row.owner.id, "token")
    return Actor(row.name or f"token-{row.id}", row.role, None, "token")


def revoke_token(s: Session, token_id: int) -> ApiToken:
    row = s.get(ApiToken, token_id)
    if row is None:
        raise AccountError(f"Không có mã truy cập số {token_id}.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    return row


def list_tokens(s: Session) -> list[ApiToken]:
    return list(s.scalars(select(ApiToken).order_by(ApiToken.id)))
