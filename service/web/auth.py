"""Who is asking: a bearer token (machine clients) or a signed-in session (people).

Every write names the permission it needs (`require("publish")`); a missing actor is a
401, a role without the permission a 403 with a Vietnamese message. Writes made with a
session cookie (and every form posted to a page) must carry the CSRF token; bearer-token
requests carry no cookie, so they cannot be forged across sites and need none.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, g, request, session
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import Forbidden

from service.accounts import Actor, check_token, session_stamp
from service.models import Bulletin, User
from service.publication import Audience
from service.rendition_view import visible
from service.roles import allows, denied_message
from service.web.request_context import db

F = TypeVar("F", bound=Callable[..., Any])
csrf = CSRFProtect()
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RoleMissing(Forbidden):
    """A 403 whose message says which permission the role lacks."""

    def __init__(self, role: str, permission: str) -> None:
        self.vi, self.en = denied_message(role, permission)
        super().__init__(self.en)


def _bearer() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def current_actor() -> Actor | None:
    """The request's actor, looked up once; a bad bearer token is a 401 at once."""
    if "actor" in g:
        return cast("Actor | None", g.actor)
    actor = None
    token = _bearer()
    if token is not None:
        actor = check_token(db(), token)
        if actor is None:
            abort(401)
    elif "uid" in session:
        user = db().get(User, session["uid"])
        if user is not None and user.active and session.get("stamp") == session_stamp(user):
            actor = Actor(user.name, user.role, user.id, "session")
        else:
            session.clear()
    g.actor = actor
    return actor


def audience() -> Audience:
    actor = current_actor()
    return Audience.STAFF if actor and allows(actor.role, "view_drafts") else Audience.PUBLIC


def visible_or_404(bulletin_id: int) -> Bulletin:
    """The bulletin if this request may see it: readers get a 404 for unpublished ones."""
    b = db().get(Bulletin, bulletin_id)
    if b is None or not visible(b, audience()):
        abort(404)
    return b


def require_actor(permission: str) -> Actor:
    """The actor, if it holds `permission` (401 without one, 403 without the right)."""
    actor = current_actor()
    if actor is None:
        abort(401)
    if not allows(actor.role, permission):
        raise RoleMissing(actor.role, permission)
    return actor


def may_edit(actor: Actor, b: Bulletin) -> None:
    """Editors change their own bulletins; approvers and admins anyone's (else a 403)."""
    if b.created_by != actor.name:
        require_actor("edit_any")


def require(permission: str) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require_actor(permission)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def sign_in(user: User) -> None:
    session.clear()  # a fresh session: no fixation
    session["uid"], session["stamp"] = user.id, session_stamp(user)
    session.permanent = True


def _check_csrf() -> None:
    if request.method not in UNSAFE or _bearer() is not None:
        return
    if request.path.startswith("/api/") and "uid" not in session:
        return  # anonymous API calls: nothing to forge (writes answer 401)
    csrf.protect()


def install(app: Flask) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked by `_check_csrf` instead
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # valid as long as the session
    csrf.init_app(app)
    app.before_request(_check_csrf)
