"""Submit → stored and queued on a real (embedded) Redis; broker down → nothing lost."""

from __future__ import annotations

import json
from dataclasses import replace

from flask.testing import FlaskClient

from service.models import Rendition
from service.settings import Settings
from service.web.app import create_app
from workers.admin import new_token
from workers.context import redis_client


def queue_length(settings: Settings) -> int:
    client = redis_client(settings.broker_url)
    try:
        return int(client.llen(settings.queue))
    finally:
        client.close()


def test_paste_submit_returns_202_with_parsed_fields(client: FlaskClient, auth: dict[str, str],
                                                     sample_text: str, settings: Settings) -> None:
    resp = client.post("/api/v1/bulletins", data=sample_text.encode(),
                       headers={**auth, "Content-Type": "text/plain; charset=utf-8"})
    assert resp.status_code == 202, resp.get_json()
    body = resp.get_json()
    assert resp.headers["Location"].endswith(f"/api/v1/bulletins/{body['id']}")
    assert body["status"] == "queued"
    assert set(body["links"]) >= {"self", "page", "audio"}
    assert body["parsed"]["title"] == "Bắc Kạn triển khai Chỉ thị số 42-CT/TW của Ban Bí thư"
    assert body["parsed"]["author"] == "Hương Dịu"
    assert body["parsed"]["published_at"] == "2020-06-26T00:00:00"
    assert len(body["parsed"]["paragraphs"]) == 8
    assert queue_length(settings) == 1
    shown = client.get(resp.headers["Location"], headers=auth).get_json()  # staff see drafts
    assert shown["status"] == "queued"
    assert shown["progress"] == {"done": 0, "total": 0}


def test_list_is_newest_first_with_cursor(client: FlaskClient, auth: dict[str, str]) -> None:
    ids = []
    for n in range(5):
        r = client.post("/api/v1/bulletins",
                        data=json.dumps({"title": f"Tin {n}", "body": "Nội dung."}),
                        headers={**auth, "Content-Type": "application/json"})
        ids.append(r.get_json()["id"])
    page1 = client.get("/api/v1/bulletins?limit=3", headers=auth).get_json()
    assert [i["id"] for i in page1["items"]] == ids[::-1][:3]
    page2 = client.get(f"/api/v1/bulletins?limit=3&cursor={page1['next']}",
                       headers=auth).get_json()
    assert [i["id"] for i in page2["items"]] == ids[::-1][3:]
    assert page2["next"] is None


def test_broker_down_keeps_bulletin_queued(settings: Settings, tmp_path) -> None:
    from service.db import make_engine, make_session_factory
    from workers.admin import migrate

    down = replace(settings, redis_url=f"redis+socket://{tmp_path}/nothing.sock")
    migrate(down)
    app = create_app(down)
    token = new_token(down)
    resp = app.test_client().post(
        "/api/v1/bulletins", data=json.dumps({"title": "Tin", "body": "Nội dung."}),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    app.extensions["bantin"]["engine"].dispose()
    assert resp.status_code == 202
    engine = make_engine(down)
    try:
        with make_session_factory(engine)() as s:
            r = s.get(Rendition, resp.get_json()["id"])
            assert r is not None and r.status == "queued" and r.enqueued_at is None
    finally:
        engine.dispose()


def test_rerender_with_another_engine(client: FlaskClient, auth: dict[str, str],
                                      settings: Settings) -> None:
    bid = client.post("/api/v1/bulletins", data=json.dumps({"title": "T", "body": "Nội dung."}),
                      headers={**auth, "Content-Type": "application/json"}).get_json()["id"]
    resp = client.post(f"/api/v1/bulletins/{bid}/render",
                       data=json.dumps({"engine": "espeak", "voice": "south", "rate": 0.9}),
                       headers={**auth, "Content-Type": "application/json"})
    assert resp.status_code == 202
    shown = client.get(f"/api/v1/bulletins/{bid}", headers=auth).get_json()
    assert shown["requested"] == {"engines": "espeak", "voice": "south", "rate": 0.9}
    # the operator configured espeak only: no request reaches another engine
    other = client.post(f"/api/v1/bulletins/{bid}/render", json={"engine": "piper,espeak"},
                        headers=auth)
    assert other.status_code == 422 and other.get_json()["error"]["field"] == "engine"
    assert "espeak" in other.get_json()["error"]["message"]
    typo = client.post(f"/api/v1/bulletins/{bid}/render", json={"voise": "south"},
                       headers=auth)
    assert typo.status_code == 422 and typo.get_json()["error"]["field"] == "voise"
    form = client.post(f"/api/v1/bulletins/{bid}/render", data="voice=south",
                       headers={**auth, "Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415 and form.get_json()["error"]["field"] == "Content-Type"
    assert queue_length(settings) == 2
    bad = client.post(f"/api/v1/bulletins/{bid}/render", data=json.dumps({"engine": "x"}),
                      headers={**auth, "Content-Type": "application/json"})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "engine"
    assert client.post("/api/v1/bulletins/999/render", headers=auth).status_code == 404


def test_engine_chain_per_source(tmp_path, embedded_redis: str) -> None:
    from service.settings import SettingsError

    s = Settings.from_env({"BANTIN_VAR_DIR": str(tmp_path), "REDIS_URL": embedded_redis,
                           "TTS_ENGINES": "gtts,espeak",
                           "TTS_ENGINES_BY_SOURCE": "bac-kan=piper,espeak; ha-noi=espeak"})
    assert s.engines_for("bac-kan") == ("piper", "espeak")
    assert s.engines_for("ha-noi") == ("espeak",)
    assert s.engines_for("other") == ("gtts", "espeak")
    for bad in ("bac-kan", "=espeak", "x=siri", "x=espeak,espeak"):
        try:
            Settings.from_env({"TTS_ENGINES_BY_SOURCE": bad})
        except SettingsError as exc:
            assert "TTS_ENGINES_BY_SOURCE" in str(exc)
        else:
            raise AssertionError(f"{bad!r} accepted")
    app = create_app(s)
    try:
        from workers.admin import migrate

        migrate(s)
        token = new_token(s)
        resp = app.test_client().post(
            "/api/v1/bulletins",
            data=json.dumps({"title": "T", "body": "Nội dung.", "source": "bac-kan"}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert resp.get_json()["requested"]["engines"] == "piper,espeak"
    finally:
        app.extensions["bantin"]["engine"].dispose()
