"""Bad input gets a 4xx JSON error naming the field; nothing is stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

GOOD = {"title": "Tiêu đề", "body": "Nội dung bản tin.", "language": "vi"}


def post(client: FlaskClient, auth: dict[str, str], data: Any, **kw: Any) -> Any:
    body = data if isinstance(data, (bytes, str)) else json.dumps(data)
    headers = {**auth, "Content-Type": kw.pop("content_type", "application/json")}
    return client.post("/api/v1/bulletins", data=body, headers=headers)


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"body": "x"}, 422, "title"),
        ({"title": "   ", "body": "x"}, 422, "title"),
        ({"title": "T"}, 422, "body"),
        ({"title": "T", "body": ""}, 422, "body"),
        ({"title": 5, "body": "x"}, 422, "title"),
        ({"title": "T", "body": ["x"]}, 422, "body"),
        ({"title": "T", "body": "x", "lead": 3}, 422, "lead"),
        ({"title": "T", "body": "x", "language": "en"}, 422, "language"),
        ({"title": "T", "body": "x", "published_at": "hôm qua"}, 422, "published_at"),
        ({"title": "T", "body": "x", "source_url": "javascript:alert(1)"}, 422, "source_url"),
        ({"title": "T", "body": "x", "voice": "robot"}, 422, "voice"),
        ({"title": "T", "body": "x", "rate": 9}, 422, "rate"),
        ({"title": "T", "body": "x", "rate": True}, 422, "rate"),
        ({"title": "T", "body": "x", "engine": "siri"}, 422, "engine"),
        ({"title": "T", "body": "x", "colour": "red"}, 422, "colour"),
        ({"title": "T" * 501, "body": "x"}, 422, "title"),
        ({"title": "T", "body": "x", "author": "A" * 201}, 422, "author"),
        ({"title": "T", "body": "x", "lead": "L" * 5001}, 422, "lead"),
        ({"title": "T", "body": "a\x00b"}, 422, "body"),
        ([1, 2], 400, "body"),
    ],
)
def test_field_errors(client: FlaskClient, auth: dict[str, str], payload: Any, status: int,
                      field: str) -> None:
    resp = post(client, auth, payload)
    assert resp.status_code == status, resp.get_json()
    err = resp.get_json()["error"]
    assert err["field"] == field
    assert err["message"] and err["message_en"]
    assert client.get("/api/v1/bulletins").get_json()["items"] == []


def test_text_over_limit_is_413_and_states_limit(client: FlaskClient, auth: dict[str, str],
                                                 settings: Any) -> None:
    resp = post(client, auth, {"title": "T", "body": "a " * settings.max_text_chars})
    assert resp.status_code == 413
    assert str(settings.max_text_chars) in resp.get_json()["error"]["message"]


def test_request_body_over_byte_limit(client: FlaskClient, auth: dict[str, str],
                                      settings: Any) -> None:
    resp = post(client, auth, b"x" * (settings.max_body_bytes + 1), content_type="text/plain")
    assert resp.status_code == 413
    assert resp.get_json()["error"]["field"] == "body"


def test_invalid_utf8(client: FlaskClient, auth: dict[str, str]) -> None:
    resp = post(client, auth, b"26/06/2020\nTi\xeau \xff\xfe", content_type="text/plain")
    assert resp.status_code == 400
    assert resp.get_json()["error"]["field"] == "body"
    assert "UTF-8" in resp.get_json()["error"]["message"]


def test_malformed_json(client: FlaskClient, auth: dict[str, str]) -> None:
    resp = post(client, auth, b'{"title": "x",')
    assert resp.status_code == 400
    assert "JSON" in resp.get_json()["error"]["message"]


def test_unsupported_content_type(client: FlaskClient, auth: dict[str, str]) -> None:
    resp = post(client, auth, b"<xml/>", content_type="application/xml")
    assert resp.status_code == 415
    assert resp.get_json()["error"]["field"] == "Content-Type"


def test_paste_without_text(client: FlaskClient, auth: dict[str, str]) -> None:
    resp = post(client, auth, "PublishingPortal - Block_BanTin_Toolbar\n",
                content_type="text/plain")
    assert resp.status_code == 422
    assert resp.get_json()["error"]["field"] == "title"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong", "Basic abc"])
def test_writes_need_a_valid_token(client: FlaskClient, header: str | None) -> None:
    headers = {"Content-Type": "application/json"}
    if header:
        headers["Authorization"] = header
    resp = client.post("/api/v1/bulletins", data=json.dumps(GOOD), headers=headers)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_bulletin_is_json_404(client: FlaskClient) -> None:
    resp = client.get("/api/v1/bulletins/999")
    assert resp.status_code == 404
    assert resp.get_json()["error"]["message"]
    assert client.get("/api/v1/bulletins?cursor=abc").status_code == 400


def test_hostile_requests_are_4xx(client: FlaskClient, auth: dict[str, str]) -> None:
    assert client.get("/api/v1/bulletins/99999999999999999999").status_code == 404
    assert client.get("/bulletins/99999999999999999999").status_code == 404
    assert client.get("/api/v1/bulletins?cursor=99999999999999999999").status_code == 200
    assert client.get("/?cursor=99999999999999999999").status_code == 200
    deep = post(client, auth, b"[" * 50_000 + b"]" * 50_000)
    assert deep.status_code == 400 and deep.get_json()["error"]["field"] == "body"
    aware = post(client, auth, {**GOOD, "published_at": "2020-06-26T08:00:00+07:00"})
    assert aware.status_code == 202
    assert aware.get_json()["published_at"] == "2020-06-26T08:00:00"
    assert post(client, auth, {**GOOD, "published_at": "2020-13-45"}).status_code == 422


def test_unicode_and_control_characters(client: FlaskClient, auth: dict[str, str]) -> None:
    lone = post(client, auth, '{"title": "\\ud800", "body": "x"}')
    assert lone.status_code == 422 and lone.get_json()["error"]["field"] == "title"
    big = post(client, auth, '{"title": "a", "body": "b", "rate": 1' + "0" * 5000 + "}")
    assert big.status_code == 400 and big.get_json()["error"]["field"] == "body"
    for url in ("http://[::1/", "http://a.vn/\x00", "http://a b.vn/"):
        bad = post(client, auth, {**GOOD, "source_url": url})
        assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "source_url"
    invisible = post(client, auth, {"title": "\u200b\u00a0", "body": "x"})
    assert invisible.status_code == 422 and invisible.get_json()["error"]["field"] == "title"
    dup = post(client, auth, {**GOOD, "engine": "espeak,espeak"})
    assert dup.status_code == 422 and dup.get_json()["error"]["field"] == "engine"
    word = post(client, auth, {"title": "Tin\x0bnóng\x1f", "body": "Dòng một\x0bdòng hai"})
    assert word.status_code == 202
    assert word.get_json()["title"] == "Tin\nnóng"
    assert word.get_json()["body"] == "Dòng một\ndòng hai"
    lex = client.post("/api/v1/lexicon", data='{"written": "a\\u0000", "spoken": "x"}',
                      headers={**auth, "Content-Type": "application/json"})
    assert lex.status_code == 422 and lex.get_json()["error"]["field"] == "written"


def test_ids_in_other_digit_scripts_address_nothing(client: FlaskClient,
                                                    auth: dict[str, str]) -> None:
    bid = post(client, auth, {**GOOD}).get_json()["id"]
    assert client.get(f"/api/v1/bulletins/{bid}", headers=auth).status_code == 200
    for spelled in ("\uff11", "\u0661", "\u09e7"):  # fullwidth, Arabic-Indic, Bengali one
        digits = str(bid).replace("1", spelled) if "1" in str(bid) else spelled
        assert client.get(f"/api/v1/bulletins/{digits}", headers=auth).status_code == 404
        assert client.delete(f"/api/v1/lexicon/{digits}", headers=auth).status_code == 404


def test_fields_that_show_nothing_are_blank(client: FlaskClient, auth: dict[str, str],
                                            admin_auth: dict[str, str]) -> None:
    for nothing in ("\u0300\u0301", "\u3164\u3164", "\u2800", "\u202e\u2066", "\u115f"):
        resp = post(client, auth, {"title": nothing, "body": "Nội dung."})
        assert resp.status_code == 422 and resp.get_json()["error"]["field"] == "title", nothing
        lex = client.post("/api/v1/lexicon", headers={**admin_auth, "Content-Type":
                                                      "application/json"},
                          data=json.dumps({"written": "Bắc Kạn", "spoken": nothing}))
        assert lex.status_code == 422 and lex.get_json()["error"]["field"] == "spoken", nothing
