"""The typed read model and the one-session request: what API, poll and page see.

Rows are written the way the worker writes them (`FileRecord`), then read back through
the real app on a real database (PostgreSQL too in CI).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from service.db import session_scope
from service.models import Bulletin, Rendition
from service.publication import Audience
from service.rendition_view import FileRecord, ProfileStatus, RenditionStatus, bulletin_view

MP3 = b"\xff\xf3" + bytes(98)


def _submit(client: FlaskClient, auth: dict[str, str], title: str = "Tin") -> int:
    resp = client.post("/api/v1/bulletins",
                       data=json.dumps({"title": title, "body": "Câu một. Câu hai."}),
                       headers={**auth, "Content-Type": "application/json"})
    assert resp.status_code == 202, resp.get_json()
    return int(resp.get_json()["id"])


def _make_ready(app: Flask, bid: int, **profiles: dict[str, Any]) -> None:
    cues = [{"i": 0, "start": 0.2, "end": 1.0, "char_start": 0, "char_end": 3, "text": "Tin",
             "kind": "title"}]
    files = {"mp3": FileRecord.made("mp3", "a" * 32 + ".mp3", MP3, "web", 1500, cues),
             "podcast": FileRecord.made("podcast", "b" * 32 + ".mp3", MP3 * 2, "podcast", 1600),
             "vtt": FileRecord.made("vtt", "c" * 32 + ".vtt", b"WEBVTT\n")}
    with session_scope(app.extensions["bantin"]["sessions"]) as s:
        r = s.get(Bulletin, bid).renditions[-1]  # type: ignore[union-attr]
        r.status, r.duration_ms, r.cues = RenditionStatus.READY, 1500, cues
        r.files = {k: f.to_json() for k, f in files.items()}
        r.profiles = profiles or None


def test_api_lists_typed_files_and_profile_states(app: Flask, client: FlaskClient,
                                                   auth: dict[str, str]) -> None:
    bid = _submit(client, auth)
    _make_ready(app, bid, web={"state": "ready"}, podcast={"state": "ready"},
                loudspeaker={"state": "failed", "error": "Không tạo được",
                             "finished_at": "2026-12-01T08:30:00.250000"},
                telephony={"state": "pending"})
    body = client.get(f"/api/v1/bulletins/{bid}", headers=auth).get_json()
    assert body["status"] == "ready"
    by_kind = {f["kind"]: f for f in body["files"]}
    assert set(by_kind) == {"mp3", "podcast"}  # timings and captions are not audio files
    assert by_kind["podcast"] == {
        "kind": "podcast", "profile": "podcast", "url": f"/audio/{'b' * 32}.mp3",
        "bytes": 200, "sha256": FileRecord.made("x", "n", MP3 * 2).sha256, "duration": 1.6}
    assert body["audio"] == {"mp3": f"/audio/{'a' * 32}.mp3", "podcast": f"/audio/{'b' * 32}.mp3"}
    assert body["rendition"]["profiles"]["loudspeaker"] == {
        "state": "failed", "error": "Không tạo được",
        "finished_at": "2026-12-01T08:30:00.250000Z"}
    assert body["rendition"]["profiles"]["telephony"] == {"state": "pending", "error": None,
                                                          "finished_at": None}
    listed = client.get("/api/v1/bulletins", headers=auth).get_json()["items"][0]
    assert listed["files"] == body["files"] and "body" not in listed


def test_rows_without_recorded_profiles_derive_their_state(app: Flask, client: FlaskClient,
                                                           auth: dict[str, str]) -> None:
    bid = _submit(client, auth)
    _make_ready(app, bid)
    with app.extensions["bantin"]["sessions"]() as s:
        view = bulletin_view(s.get(Bulletin, bid), audience=Audience.STAFF)
        assert view.playing is not None
        states = {p.name: p.state for p in view.playing.profiles}
    # web lacks its Opus file; the podcast profile has everything it makes
    assert states == {"web": ProfileStatus.PENDING, "podcast": ProfileStatus.READY}


def test_status_poll_carries_what_the_page_swaps_in(app: Flask, client: FlaskClient,
                                                    auth: dict[str, str]) -> None:
    bid = _submit(client, auth)
    queued = client.get(f"/bulletins/{bid}/status.json", headers=auth).get_json()
    assert (queued["status"], queued["ready"], queued["audio"], queued["cues"]) == \
        ("queued", False, {}, [])
    opening_cues = [{"i": 0, "start": 0.1, "end": 0.9}, {"i": 1, "start": 1.2, "end": 2.0}]
    with session_scope(app.extensions["bantin"]["sessions"]) as s:
        r = s.get(Bulletin, bid).renditions[-1]  # type: ignore[union-attr]
        r.status = RenditionStatus.SYNTHESIZING
        r.files = {"first": FileRecord.made("first", "d" * 32 + ".mp3", MP3, "web", 2000,
                                            opening_cues).to_json()}
    part = client.get(f"/bulletins/{bid}/status.json", headers=auth).get_json()
    assert part["first"] == f"/audio/{'d' * 32}.mp3"
    assert part["cues"] == opening_cues  # the first part is highlighted while it plays
    assert "phần đầu" in part["text"]
    page = client.get(f"/bulletins/{bid}", headers=auth).get_data(as_text=True)
    assert "Bản nháp" in page  # staff see the draft, marked as one
    assert 'id="s-1"' in page and 'data-start="1.200"' in page
    _make_ready(app, bid)
    done = client.get(f"/bulletins/{bid}/status.json", headers=auth).get_json()
    assert done["ready"] and done["first"] is None
    assert done["audio"] == {"mp3": f"/audio/{'a' * 32}.mp3"}  # web files only
    assert done["captions"] == f"/bulletins/{bid}/captions.vtt"
    assert [d["kind"] for d in done["downloads"] if d["url"]] == ["mp3", "podcast", "vtt"]
    # the web profile's Opus file is not there yet: said so, not silently left out
    pending = [(d["kind"], d["state"]) for d in done["downloads"] if not d["url"]]
    assert ("ogg", "pending") in pending
    assert done["cues"] == [{"i": 0, "start": 0.2, "end": 1.0}]


def test_one_database_session_per_request(app: Flask, client: FlaskClient,
                                          auth: dict[str, str]) -> None:
    """A submit (token check, insert, read back, send) opens exactly one session."""
    factory = app.extensions["bantin"]["sessions"]
    opened: list[Any] = []  # the sessions themselves, kept alive so ids stay unique

    def count(session: Any, _transaction: Any, _connection: Any) -> None:
        opened.append(session)

    event.listen(factory, "after_begin", count)
    try:
        _submit(client, auth)
        client.get("/api/v1/bulletins", headers=auth)
    finally:
        event.remove(factory, "after_begin", count)
    # the submit's session and the list's session: one each (a session may begin
    # more than one transaction, but no request opens a second session)
    assert len({id(s) for s in opened}) == 2, opened


def test_a_rolled_back_request_sends_nothing(app: Flask, settings: Any) -> None:
    from service import bulletins as uc
    from service.validation import validate_bulletin
    from workers.context import redis_client

    item = validate_bulletin({"title": "Tin", "body": "Nội dung."}, 1000)
    factory = app.extensions["bantin"]["sessions"]
    with factory() as s:
        uc.create_bulletin(s, settings, item)
        s.rollback()
    with factory() as s:
        b = uc.create_bulletin(s, settings, item)
        s.commit()
        rid = b.current_rendition_id
    client = redis_client(settings.broker_url)
    try:
        queued = [json.loads(m)["headers"]["argsrepr"]
                  for m in client.lrange(settings.queue, 0, -1)]
    finally:
        client.close()
    assert queued == [f"[{rid}]"]
    with factory() as s:
        assert s.query(Rendition).count() == 1
