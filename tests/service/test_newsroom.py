"""The newsroom: roles on every write, draft → published → withdrawn, edits as versions,
the audit log with audio hashes, sessions with CSRF, security headers, rate limits.

Real app, real database (PostgreSQL too in CI), real embedded Redis for the limits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.db import session_scope
from service.models import Bulletin, Rendition
from service.rendition_view import FileRecord, RenditionStatus
from service.settings import Settings
from workers.admin import new_token, new_user

JSON = {"Content-Type": "application/json"}
MP3 = b"\xff\xf3" + bytes(200)


@pytest.fixture
def tokens(settings: Settings, app: Flask) -> dict[str, dict[str, str]]:
    return {role: {"Authorization": f"Bearer {new_token(settings, role, f't-{role}')}"}
            for role in ("editor", "approver", "admin")}


def submit(client: FlaskClient, headers: dict[str, str], title: str = "Tin bão số 3",
           body: str = "Bão đổ bộ. Người dân sơ tán.") -> Any:
    return client.post("/api/v1/bulletins", data=json.dumps({"title": title, "body": body}),
                       headers={**headers, **JSON})


def make_ready(app: Flask, bulletin_id: int, payload: bytes = MP3) -> str:
    """Do what the worker does for the bulletin's newest rendition; returns its SHA-256."""
    rec = FileRecord.made("mp3", f"{abs(hash(payload)) % 10**32:032d}.mp3", payload, "web",
                          1000, [{"i": 0, "start": 0.1, "end": 0.9}])
    with session_scope(app.extensions["bantin"]["sessions"]) as s:
        b = s.get(Bulletin, bulletin_id)
        assert b is not None
        r = s.get(Rendition, b.current_rendition_id)
        assert r is not None
        r.status, r.duration_ms, r.files = RenditionStatus.READY, 1000, {"mp3": rec.to_json()}
        r.cues = [{"i": 0, "start": 0.1, "end": 0.9}]
    assert rec.sha256 is not None
    return rec.sha256


# ------------------------------------------------------------------ roles × writes

ROLE_MATRIX = [  # (action, editor, approver, admin): True = allowed
    ("submit", True, True, True),
    ("edit_others", False, True, True),
    ("rerender_others", False, True, True),
    ("publish", False, True, True),
    ("withdraw", False, True, True),
    ("lexicon_source", True, True, True),
    ("lexicon_global", False, False, True),
    ("audit", False, True, True),
]


def _attempt(client: FlaskClient, headers: dict[str, str], action: str, other: int) -> int:
    if action == "submit":
        return submit(client, headers).status_code
    if action == "edit_others":
        return client.patch(f"/api/v1/bulletins/{other}", data=json.dumps({"lead": "Sapo."}),
                            headers={**headers, **JSON}).status_code
    if action == "rerender_others":
        return client.post(f"/api/v1/bulletins/{other}/render", headers=headers).status_code
    if action in ("publish", "withdraw"):
        return client.post(f"/api/v1/bulletins/{other}/{action}", headers=headers).status_code
    if action.startswith("lexicon"):
        source = "bac-kan" if action == "lexicon_source" else ""
        return client.post("/api/v1/lexicon", headers={**headers, **JSON}, data=json.dumps(
            {"written": "UBND", "spoken": "ủy ban nhân dân", "source": source})).status_code
    return client.get("/api/v1/audit", headers=headers).status_code


@pytest.mark.parametrize("action,editor,approver,admin", ROLE_MATRIX)
def test_role_matrix(client: FlaskClient, tokens: dict[str, dict[str, str]], action: str,
                     editor: bool, approver: bool, admin: bool) -> None:
    other = submit(client, tokens["admin"]).get_json()["id"]  # not the editor's own
    for role, allowed in (("editor", editor), ("approver", approver), ("admin", admin)):
        status = _attempt(client, tokens[role], action, other)
        if allowed:
            assert status in (200, 201, 202), (action, role, status)
        else:
            assert status == 403, (action, role, status)
    assert _attempt(client, {}, action, other) == 401


def test_forbidden_says_why_in_vietnamese(client: FlaskClient,
                                          tokens: dict[str, dict[str, str]]) -> None:
    bid = submit(client, tokens["editor"]).get_json()["id"]
    resp = client.post(f"/api/v1/bulletins/{bid}/publish", headers=tokens["editor"])
    assert resp.status_code == 403
    assert resp.get_json()["error"]["message"] == \
        "Vai trò biên tập viên không được phép xuất bản hoặc gỡ bản tin."


def test_editor_edits_own_draft_only(client: FlaskClient, settings: Settings,
                                     tokens: dict[str, dict[str, str]]) -> None:
    mine = submit(client, tokens["editor"]).get_json()["id"]
    other_editor = {"Authorization": f"Bearer {new_token(settings, 'editor', 'someone')}"}
    patch = {"data": json.dumps({"lead": "Sapo mới."}), "headers": {**tokens["editor"], **JSON}}
    assert client.patch(f"/api/v1/bulletins/{mine}", **patch).status_code == 202
    theirs = submit(client, other_editor).get_json()["id"]
    assert client.patch(f"/api/v1/bulletins/{theirs}", **patch).status_code == 403


# ------------------------------------------------------------------ publication

def test_drafts_are_invisible_to_readers_until_published(
        app: Flask, client: FlaskClient, tokens: dict[str, dict[str, str]]) -> None:
    bid = submit(client, tokens["editor"], title="Tin chưa duyệt").get_json()["id"]
    make_ready(app, bid)
    reader_urls = [f"/api/v1/bulletins/{bid}", f"/bulletins/{bid}", f"/embed/{bid}",
                   f"/bulletins/{bid}/status.json", f"/bulletins/{bid}/audio.mp3"]
    for url in reader_urls:
        assert client.get(url).status_code == 404, url
    assert "Tin chưa duyệt" not in client.get("/").get_data(as_text=True)
    assert "Tin chưa duyệt" not in client.get("/feeds/podcast.xml").get_data(as_text=True)
    assert client.get("/api/v1/bulletins").get_json()["items"] == []
    staff = client.get(f"/bulletins/{bid}", headers=tokens["editor"]).get_data(as_text=True)
    assert "Bản nháp" in staff and "Tin chưa duyệt" in staff

    resp = client.post(f"/api/v1/bulletins/{bid}/publish", headers=tokens["approver"])
    assert resp.status_code == 200 and resp.get_json()["state"] == "published"
    for url in reader_urls:
        assert client.get(url).status_code in (200, 302), url
    assert "Tin chưa duyệt" in client.get("/").get_data(as_text=True)
    assert "Tin chưa duyệt" in client.get("/feeds/podcast.xml").get_data(as_text=True)
    assert "Bản nháp" not in client.get(f"/bulletins/{bid}").get_data(as_text=True)

    assert client.post(f"/api/v1/bulletins/{bid}/withdraw",
                       headers=tokens["approver"]).status_code == 200
    for url in reader_urls:
        assert client.get(url).status_code == 404, url
    assert "Tin chưa duyệt" not in client.get("/feeds/podcast.xml").get_data(as_text=True)
    assert "Đã gỡ" in client.get(f"/bulletins/{bid}", headers=tokens["editor"]).get_data(
        as_text=True)


def test_edit_of_a_published_bulletin_stays_on_the_published_audio(
        app: Flask, client: FlaskClient, tokens: dict[str, dict[str, str]]) -> None:
    bid = submit(client, tokens["editor"], title="Giá xăng").get_json()["id"]
    first_sha = make_ready(app, bid)
    client.post(f"/api/v1/bulletins/{bid}/publish", headers=tokens["approver"])
    edited = client.patch(f"/api/v1/bulletins/{bid}", headers={**tokens["editor"], **JSON},
                          data=json.dumps({"title": "Giá xăng giảm"}))
    assert edited.status_code == 202 and edited.get_json()["version"] == 2
    make_ready(app, bid, MP3 + b"new")
    public = client.get(f"/api/v1/bulletins/{bid}").get_json()
    assert (public["title"], public["version"]) == ("Giá xăng", 1)
    assert public["files"][0]["sha256"] == first_sha  # readers keep the published audio
    staff = client.get(f"/api/v1/bulletins/{bid}", headers=tokens["editor"]).get_json()
    assert (staff["title"], staff["version"]) == ("Giá xăng giảm", 2)
    assert staff["files"][0]["sha256"] != first_sha
    page = client.get(f"/bulletins/{bid}", headers=tokens["editor"]).get_data(as_text=True)
    assert "người đọc vẫn nghe phiên bản 1" in page
    client.post(f"/api/v1/bulletins/{bid}/publish", headers=tokens["approver"])
    assert client.get(f"/api/v1/bulletins/{bid}").get_json()["title"] == "Giá xăng giảm"


def test_duplicate_submission_is_accepted_with_a_warning(
        client: FlaskClient, tokens: dict[str, dict[str, str]]) -> None:
    first = submit(client, tokens["editor"]).get_json()
    assert first["duplicates"] == []
    again = submit(client, tokens["editor"]).get_json()
    assert [d["duplicate_of"] for d in again["duplicates"]] == [first["id"]]
    assert f"số {first['id']}" in again["duplicates"][0]["message"]


# ------------------------------------------------------------------ audit

def test_audit_log_holds_every_step_with_audio_hashes(
        app: Flask, client: FlaskClient, tokens: dict[str, dict[str, str]]) -> None:
    bid = submit(client, tokens["editor"]).get_json()["id"]
    sha = make_ready(app, bid)
    client.post(f"/api/v1/bulletins/{bid}/publish", headers=tokens["approver"])
    client.patch(f"/api/v1/bulletins/{bid}", headers={**tokens["editor"], **JSON},
                 data=json.dumps({"lead": "Sapo."}))
    client.post(f"/api/v1/bulletins/{bid}/render", headers=tokens["editor"])
    client.post(f"/api/v1/bulletins/{bid}/withdraw", headers=tokens["approver"])
    items = client.get(f"/api/v1/audit?bulletin={bid}", headers=tokens["approver"]).get_json()[
        "items"]
    steps = [(e["action"], e["actor"], e["version"]) for e in reversed(items)]
    assert steps == [("create", "t-editor", 1), ("publish", "t-approver", 1),
                     ("edit", "t-editor", 2), ("rerender", "t-editor", 2),
                     ("withdraw", "t-approver", 1)]
    publish = next(e for e in items if e["action"] == "publish")
    assert publish["details"]["audio"] == {"mp3": sha}
    assert publish["at"].endswith("Z") and publish["at_local"].endswith("+07:00")
    csv_text = client.get(f"/api/v1/audit?bulletin={bid}&format=csv",
                          headers=tokens["admin"]).get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("id,at_utc,at_vietnam,actor")
    assert f"mp3={sha}" in csv_text


# ------------------------------------------------------------------ sessions and CSRF

def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def _sign_in(client: FlaskClient, name: str, password: str) -> Any:
    token = _csrf(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": token, "next": "/editor"})


def test_login_session_and_csrf(app: Flask, client: FlaskClient, settings: Settings) -> None:
    new_user(settings, "lan", "mật khẩu dài đủ", "editor")
    assert client.get("/editor").status_code == 303  # sign in first
    assert _sign_in(client, "lan", "sai mật khẩu").status_code == 401
    ok = _sign_in(client, "lan", "mật khẩu dài đủ")
    assert ok.status_code == 303 and ok.headers["Location"] == "/editor"
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/editor").get_data(as_text=True)
    assert "lan" in page and 'name="token"' not in page  # no token box any more
    token = _csrf(page)
    # a write with the session cookie but no CSRF token is refused (a forged form)
    forged = client.post("/editor", data={"paste": "Tin\n\nNội dung."})
    assert forged.status_code == 400
    api_forged = submit(client, {})
    assert api_forged.status_code == 400 and api_forged.get_json()["error"]["field"] == \
        "csrf_token"
    sent = client.post("/editor", data={"paste": "Tin giả lập\n\nNội dung.", "csrf_token": token})
    assert sent.status_code == 303 and sent.headers["Location"].startswith("/bulletins/")
    via_api = submit(client, {"X-CSRFToken": token})
    assert via_api.status_code == 202 and via_api.get_json()["created_by"] == "lan"
    assert "Tin giả lập" in client.get("/editor").get_data(as_text=True)  # my drafts
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/editor").status_code == 303


def test_disabled_user_is_signed_out_at_once(app: Flask, client: FlaskClient,
                                            settings: Settings) -> None:
    from workers.admin import set_user_active

    new_user(settings, "minh", "mật khẩu dài đủ", "approver")
    assert _sign_in(client, "minh", "mật khẩu dài đủ").status_code == 303
    assert client.get("/review").status_code == 200
    set_user_active(settings, "minh", False)
    assert client.get("/review").status_code == 303
    assert _sign_in(client, "minh", "mật khẩu dài đủ").status_code == 401


def test_open_redirect_after_login_is_refused(app: Flask, client: FlaskClient,
                                              settings: Settings) -> None:
    new_user(settings, "hoa", "mật khẩu dài đủ", "editor")
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        token = _csrf(client.get("/login").get_data(as_text=True))  # a new one per session
        resp = client.post("/login", data={"name": "hoa", "password": "mật khẩu dài đủ",
                                           "csrf_token": token, "next": target})
        assert resp.headers["Location"] == "/editor", target


def test_review_queue_publishes_with_a_form(app: Flask, client: FlaskClient,
                                            settings: Settings,
                                            tokens: dict[str, dict[str, str]]) -> None:
    bid = submit(client, tokens["editor"], title="Thông báo cắt điện").get_json()["id"]
    new_user(settings, "duyet", "mật khẩu dài đủ", "approver")
    _sign_in(client, "duyet", "mật khẩu dài đủ")
    page = client.get("/review").get_data(as_text=True)
    assert "Thông báo cắt điện" in page
    resp = client.post(f"/review/{bid}/publish", data={"csrf_token": _csrf(page)})
    assert resp.status_code == 303
    client.post("/logout", data={"csrf_token": _csrf(page)})
    assert client.get(f"/api/v1/bulletins/{bid}").status_code == 200


# ------------------------------------------------------------------ tokens

def test_tokens_expire_are_revocable_and_never_exceed_their_owner(
        app: Flask, client: FlaskClient, settings: Settings) -> None:
    from datetime import timedelta

    from service.models import utcnow
    from workers.admin import revoke, set_user_active, tokens

    new_user(settings, "bot-owner", "mật khẩu dài đủ", "editor")
    owned = new_token(settings, "admin", "bot", owner="bot-owner")  # capped at editor
    head = {"Authorization": f"Bearer {owned}"}
    assert submit(client, head).status_code == 202
    assert client.get("/api/v1/audit", headers=head).status_code == 403
    set_user_active(settings, "bot-owner", False)
    assert submit(client, head).status_code == 401
    expired = new_token(settings, "editor", "old", expires_at=utcnow() - timedelta(seconds=1))
    assert submit(client, {"Authorization": f"Bearer {expired}"}).status_code == 401
    live = new_token(settings, "editor", "live")
    assert submit(client, {"Authorization": f"Bearer {live}"}).status_code == 202
    row = next(t for t in tokens(settings) if t["name"] == "live")
    revoke(settings, int(row["id"]))  # type: ignore[call-overload]
    assert submit(client, {"Authorization": f"Bearer {live}"}).status_code == 401


# ------------------------------------------------------------------ headers and limits

def test_security_headers(client: FlaskClient, tokens: dict[str, dict[str, str]],
                          publish: Callable[[int], None]) -> None:
    bid = submit(client, tokens["editor"]).get_json()["id"]
    publish(bid)
    for url in ("/", f"/bulletins/{bid}", "/login", "/api/v1/bulletins", "/feeds/podcast.xml"):
        h = client.get(url).headers
        csp = h["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp and h["X-Frame-Options"] == "DENY", url
        assert h["X-Content-Type-Options"] == "nosniff" and h["Referrer-Policy"], url
    embed = client.get(f"/embed/{bid}").headers
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed


def test_script_in_a_field_is_text(client: FlaskClient, tokens: dict[str, dict[str, str]],
                                   publish: Callable[[int], None]) -> None:
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    bid = submit(client, tokens["editor"], title=evil, body=evil).get_json()["id"]
    publish(bid)
    html = client.get(f"/bulletins/{bid}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.fixture
def strict_app(settings: Settings) -> Any:
    """The app with the default (production) limits."""
    from service.web.app import create_app
    from workers.admin import migrate

    strict = replace(settings, rate_limit_login="10 per minute",
                     rate_limit_bad_auth="20 per minute", rate_limit_writes="120 per minute")
    migrate(strict)
    app = create_app(strict)
    yield app
    app.extensions["bantin"]["engine"].dispose()


def test_repeated_bad_logins_get_429(strict_app: Flask, settings: Settings) -> None:
    client = strict_app.test_client()
    new_user(settings, "an", "mật khẩu dài đủ", "editor")
    token = _csrf(client.get("/login").get_data(as_text=True))
    codes = [client.post("/login", data={"name": "an", "password": f"sai {i}",
                                         "csrf_token": token}).status_code for i in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    blocked = client.post("/login", data={"name": "an", "password": "mật khẩu dài đủ",
                                          "csrf_token": token})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0


def test_guessing_tokens_gets_429(strict_app: Flask) -> None:
    client = strict_app.test_client()
    codes = [submit(client, {"Authorization": f"Bearer bt_guess{i}"}).status_code
             for i in range(22)]
    assert codes[:20] == [401] * 20 and codes[20:] == [429, 429]
    assert client.get("/api/v1/bulletins").status_code == 429  # everything, for a while


# ------------------------------------------------------------------ listen before submit

def test_listen_to_a_sentence_before_submitting(app: Flask, client: FlaskClient,
                                                settings: Settings,
                                                tokens: dict[str, dict[str, str]]) -> None:
    """The web app names the sample and queues it; a real worker function makes it with
    real espeak-ng; the same request then answers at once with a decodable MP3."""
    from audio.media import decode
    from workers import pipeline
    from workers.context import WorkerContext, redis_client

    ask = {"data": json.dumps({"text": "Ngày 2/9 có 07 đoàn.", "voice": "south"}),
           "headers": {**tokens["editor"], **JSON}}
    assert client.post("/api/v1/listen", data=ask["data"], headers=JSON).status_code == 401
    first = client.post("/api/v1/listen", **ask)
    assert first.status_code == 202 and first.get_json()["ready"] is False
    url = first.get_json()["url"]
    assert client.get(url).status_code == 404  # not made yet
    redis = redis_client(settings.broker_url)
    try:
        (msg,) = [json.loads(m) for m in redis.lrange(settings.queue, 0, -1)
                  if json.loads(m)["headers"]["task"] == "bantin.listen"]
    finally:
        redis.close()
    name, text, voice, rate, source = json.loads(msg["headers"]["argsrepr"].replace("'", '"'))
    assert url.endswith(name) and (text, voice) == ("Ngày 2/9 có 07 đoàn.", "south")
    worker = WorkerContext(settings)
    try:
        assert pipeline.listen(worker, name, text, voice, rate, source) == "ready"
    finally:
        worker.close()
    again = client.post("/api/v1/listen", **ask)
    assert again.status_code == 200 and again.get_json() == {"url": url, "ready": True}
    got = client.get(url)
    audio = decode(got.data)
    got.close()
    assert len(audio) > 1000 and audio.dBFS > -40
    too_long = client.post("/api/v1/listen", data=json.dumps({"text": "a" * 401}),
                           headers={**tokens["editor"], **JSON})
    assert too_long.status_code == 422 and too_long.get_json()["error"]["field"] == "text"


def test_pronunciation_fix_for_one_bulletin(app: Flask, client: FlaskClient,
                                            settings: Settings,
                                            tokens: dict[str, dict[str, str]]) -> None:
    """Scope "this bulletin": heard in that bulletin only, and it wins over the source's
    and the global entries there; an editor may do it only for an own bulletin."""
    from service.lexicon import respellings

    mine = submit(client, tokens["editor"], title="Tin TP.HCM",
                  body="TP.HCM mưa lớn.").get_json()["id"]
    other = submit(client, tokens["admin"], title="Tin khác", body="TP.HCM nắng.").get_json()[
        "id"]
    lex = {"headers": {**tokens["admin"], **JSON}}
    assert client.post("/api/v1/lexicon", data=json.dumps(
        {"written": "TP.HCM", "spoken": "thành phố Hồ Chí Minh"}), **lex).status_code == 201
    fix = client.post("/api/v1/lexicon", headers={**tokens["editor"], **JSON}, data=json.dumps(
        {"written": "TP.HCM", "spoken": "thành phố", "bulletin": mine}))
    assert fix.status_code == 201, fix.get_json()
    assert fix.get_json()["bulletin"] == mine and fix.get_json()["rerendered"] == [mine]
    denied = client.post("/api/v1/lexicon", headers={**tokens["editor"], **JSON},
                         data=json.dumps({"written": "TP", "spoken": "tê pê", "bulletin": other}))
    assert denied.status_code == 403
    with app.extensions["bantin"]["sessions"]() as s:
        assert [(r.written, r.spoken) for r in respellings(s, "", mine)] == [
            ("TP.HCM", "thành phố")]
        assert [(r.written, r.spoken) for r in respellings(s, "", other)] == [
            ("TP.HCM", "thành phố Hồ Chí Minh")]


def test_error_pages_are_vietnamese_pages(client: FlaskClient,
                                          tokens: dict[str, dict[str, str]]) -> None:
    bid = submit(client, tokens["editor"]).get_json()["id"]
    page = client.get(f"/bulletins/{bid}")  # a draft, to a reader
    html = page.get_data(as_text=True)
    assert page.status_code == 404 and 'lang="vi"' in html and "Không tìm thấy" in html
    forged = client.post("/editor", data={"paste": "x"})
    html = forged.get_data(as_text=True)
    assert forged.status_code == 400 and 'lang="vi"' in html and "Tải lại trang" in html


@pytest.mark.parametrize("hops", [0, 1])
def test_limits_count_the_client_behind_the_proxy(settings: Settings, hops: int) -> None:
    """Behind nginx (`PROXY_HOPS=1`) each client has its own count; without a trusted
    proxy, X-Forwarded-For is a header anyone can write and counts for nothing."""
    from service.web.app import create_app
    from workers.admin import migrate

    cfg = replace(settings, rate_limit_bad_auth="3 per minute", proxy_hops=hops)
    migrate(cfg)
    app = create_app(cfg)
    try:
        client = app.test_client()

        def guess(addr: str) -> int:
            return int(submit(client, {"Authorization": "Bearer bt_guess",
                                       "X-Forwarded-For": addr}).status_code)

        assert [guess("203.0.113.7") for _ in range(4)] == [401, 401, 401, 429]
        assert guess("198.51.100.9") == (401 if hops else 429)
    finally:
        app.extensions["bantin"]["engine"].dispose()
