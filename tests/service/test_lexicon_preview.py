"""Pronunciation lexicon API and the spoken-form preview."""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from service.models import Bulletin
from service.settings import Settings


def _post(client: FlaskClient, url: str, auth: dict[str, str], data: object) -> object:
    return client.post(url, data=json.dumps(data),
                       headers={**auth, "Content-Type": "application/json"})


def test_lexicon_entry_rerenders_affected_bulletins(client: FlaskClient, auth: dict[str, str],
                                                    admin_auth: dict[str, str],
                                                    app, settings: Settings) -> None:
    """A global entry (an admin's) re-renders the bulletins it is heard in, as a task."""
    from workers import pipeline
    from workers.context import WorkerContext, redis_client

    a = _post(client, "/api/v1/bulletins", auth,
              {"title": "Facebook ra mắt", "body": "Người dùng Facebook tăng."}).get_json()
    b = _post(client, "/api/v1/bulletins", auth,
              {"title": "Thời tiết", "body": "Trời nắng."}).get_json()
    resp = _post(client, "/api/v1/lexicon", admin_auth,
                 {"written": "Facebook", "spoken": "phây búc"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["rerendered"] == [a["id"]]
    assert resp.get_json()["updated_by"] == "test-admin"
    redis = redis_client(settings.broker_url)
    try:  # the request only queued the work: a `lexicon_changed` task with the ids
        sent = [json.loads(m)["headers"] for m in redis.lrange(settings.queue, 0, -1)]
    finally:
        redis.close()
    assert [(h["task"], h["argsrepr"]) for h in sent if h["task"] == "bantin.lexicon_changed"] \
        == [("bantin.lexicon_changed", f"[[{a['id']}]]")]
    with app.extensions["bantin"]["sessions"]() as s:
        assert len(s.get(Bulletin, a["id"]).renditions) == 1
    worker = WorkerContext(settings)
    try:
        assert pipeline.rerender_bulletins(worker, [a["id"]]) == 1  # what the task does
    finally:
        worker.close()
    with app.extensions["bantin"]["sessions"]() as s:
        assert len(s.get(Bulletin, a["id"]).renditions) == 2
        assert len(s.get(Bulletin, b["id"]).renditions) == 1
    # updating the same entry is a 200, listing shows it
    again = _post(client, "/api/v1/lexicon", admin_auth,
                  {"written": "Facebook", "spoken": "phê búc"})
    assert again.status_code == 200
    items = client.get("/api/v1/lexicon").get_json()["items"]
    assert [(i["written"], i["spoken"]) for i in items] == [("Facebook", "phê búc")]
    # the preview applies it
    prev = _post(client, "/api/v1/preview", auth,
                 {"title": "Facebook", "body": "Dùng Facebook."}).get_json()
    assert "phê búc" in prev["sentences"][0]["spoken"]
    assert client.delete(f"/api/v1/lexicon/{items[0]['id']}", headers=auth).status_code == 403
    deleted = client.delete(f"/api/v1/lexicon/{items[0]['id']}", headers=admin_auth)
    assert deleted.status_code == 200
    assert client.get("/api/v1/lexicon").get_json()["items"] == []


def test_lexicon_validation(client: FlaskClient, auth: dict[str, str]) -> None:
    r = _post(client, "/api/v1/lexicon", auth, {"written": "", "spoken": "x", "source": "a"})
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "written"
    r = _post(client, "/api/v1/lexicon", auth,
              {"written": "H5N1", "spoken": "h 5 n 1", "source": "a"})
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "spoken"
    r = client.post("/api/v1/lexicon", data="{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 401


def test_preview_of_paste_has_spoken_forms(client: FlaskClient, sample_text: str) -> None:
    resp = client.post("/api/v1/preview", data=sample_text.encode(),
                       headers={"Content-Type": "text/plain; charset=utf-8"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["parsed"]["author"] == "Hương Dịu"
    sentences = body["sentences"]
    assert sentences[0]["text"] == "Bắc Kạn triển khai Chỉ thị số 42-CT/TW của Ban Bí thư"
    assert sentences[0]["kind"] == "title"
    for s in sentences:
        assert s["spoken"].strip()
        assert "./." not in s["spoken"]


def test_preview_names_each_guessed_abbreviation_and_the_lexicon_ends_the_guess(
        client: FlaskClient, auth: dict[str, str]) -> None:
    """An abbreviation no table knows is spelled and reported per sentence (not as a
    warning: spelling is an acceptable reading); once the source's lexicon has it, it
    is read that way and no longer guessed."""
    body = {"title": "Hội nghị QXZV", "body": "Đại diện QXZV và UBND xã phát biểu.",
            "source": "xa-thu"}
    headers = {**auth, "Content-Type": "application/json"}
    first = client.post("/api/v1/preview", data=json.dumps(body), headers=headers).get_json()
    assert first["guessed"] == 2 and first["warnings"] == 0
    title, sentence = first["sentences"]
    assert title["guessed"] == sentence["guessed"] == ["QXZV"]  # UBND is in the table
    assert "QXZV" in sentence["notices"][0] and sentence["warnings"] == []
    saved = client.post("/api/v1/lexicon", headers=headers, data=json.dumps(
        {"written": "QXZV", "spoken": "hội quần xã", "source": "xa-thu"}))
    assert saved.status_code in (200, 201), saved.get_json()
    again = client.post("/api/v1/preview", data=json.dumps(body), headers=headers).get_json()
    assert again["guessed"] == 0 and "hội quần xã" in again["sentences"][1]["spoken"]


def test_preview_output_is_capped(client: FlaskClient) -> None:
    from service.preview import MAX_SENTENCES

    body = " ".join(f"Câu số {i}." for i in range(MAX_SENTENCES + 50))
    resp = client.post("/api/v1/preview", data=json.dumps({"title": "Dài", "body": body}),
                       headers={"Content-Type": "application/json"})
    got = resp.get_json()
    assert resp.status_code == 200 and got["truncated"] is True
    assert len(got["sentences"]) == MAX_SENTENCES < got["total_sentences"]
