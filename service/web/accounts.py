"""Sign-in and sign-out pages. Sessions are Flask's signed cookies (HttpOnly, SameSite,
Secure behind HTTPS) carrying the user id and a stamp of the password hash."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, request, session

from service import audit
from service.accounts import Actor, authenticate
from service.web.auth import sign_in
from service.web.pages import render_page
from service.web.request_context import db

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never `//host` or a scheme): no open redirect."""
    if not target:
        return "/editor"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/editor"
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response:
    error = None
    name = ""
    nxt = _safe_next(request.values.get("next"))
    if request.method == "POST":
        name = request.form.get("name", "").strip()[:100]
        user = authenticate(db(), name, request.form.get("password", "")[:1000])
        if user is not None:
            sign_in(user)
            audit.record(db(), Actor(user.name, user.role, user.id, "session"), "login")
            db().commit()
            return redirect(nxt, code=303)  # type: ignore[return-value]
        error = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."
    return render_page("login.html", 401 if error else 200, error=error, name=name, next=nxt)


@bp.post("/logout")
def logout() -> Response:
    session.clear()
    return redirect("/", code=303)  # type: ignore[return-value]
