"""Bearer-token check for write endpoints."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, request

from service.tokens import check_token
from service.web.request_context import db

F = TypeVar("F", bound=Callable[..., Any])


def require_token(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            abort(401)
        row = check_token(db(), token.strip())
        if row is None:
            abort(401)
        g.token_role = row.role
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
