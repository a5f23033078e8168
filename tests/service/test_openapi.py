"""The OpenAPI 3.1 document at /api/v1/openapi.json: valid, in step with the app's routes
(neither can gain or lose a route or a method without the other), and true of the live
app: schemathesis sends what the document allows, and worse, to the real app over its
real database and checks there is no 5xx and that every answer (status, content type,
body) is one the document describes."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.db import session_scope
from service.models import Bulletin
from service.rendition_view import FileRecord, RenditionStatus
from service.settings import Settings
from service.station import rules
from service.web.openapi import SLUG, build_document

IGNORED_METHODS = {"HEAD", "OPTIONS"}
#: operations that need more than an editor's rights: sent with an approver's token
APPROVER_ONLY = {
    ("POST", "/api/v1/bulletins/{bulletin_id}/publish"),
    ("POST", "/api/v1/bulletins/{bulletin_id}/withdraw"),
    ("POST", "/api/v1/bulletins/{bulletin_id}/cancel"),
    ("GET", "/api/v1/audit"),
    ("POST", "/api/v1/alerts"),
    ("POST", "/api/v1/programmes"),
    ("PATCH", "/api/v1/programmes/{programme_id}"),
    ("POST", "/api/v1/programmes/{programme_id}/assemble"),
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
#: fuzzed examples per operation (on top of the document's examples and the coverage
#: cases): the whole file stays within ~90 s on two cores
EXAMPLES = 20


def openapi_path(rule: str) -> str:
    """`/api/v1/bulletins/<int:bulletin_id>` → `/api/v1/bulletins/{bulletin_id}`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def flask_routes(app: Flask) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        out.setdefault(openapi_path(rule.rule), set()).update(
            m.lower() for m in (rule.methods or set()) - IGNORED_METHODS)
    return out


def documented(doc: dict[str, Any]) -> dict[str, set[str]]:
    verbs = {"get", "put", "post", "delete", "patch"}
    return {path: {k for k in item if k in verbs} for path, item in doc["paths"].items()}


@pytest.fixture
def doc(client: Any) -> dict[str, Any]:
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    return resp.get_json()  # type: ignore[no-any-return]


def test_the_document_is_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    assert doc["openapi"].startswith("3.1.")
    validate(doc, cls=OpenAPIV31SpecValidator)
    info = doc["info"]
    assert "Gửi bản tin" in info["description"] and "Submit bulletins" in info["description"]
    assert "Bản tin" in info["title"] and "news API" in info["title"]


def test_every_api_route_is_documented_with_its_methods(app: Flask,
                                                         doc: dict[str, Any]) -> None:
    routes = flask_routes(app)
    paths = documented(doc)
    api = {p: m for p, m in routes.items() if p.startswith("/api/v1/")}
    assert api, "no /api/v1/ routes found"
    missing = {p: sorted(m - paths.get(p, set())) for p, m in api.items()
               if m - paths.get(p, set())}
    assert not missing, f"routes not in the document: {missing}"
    for path, methods in paths.items():
        assert path in routes, f"documented path {path} is no route of the app"
        assert methods == routes[path], f"{path}: documented {sorted(methods)}, " \
                                        f"app has {sorted(routes[path])}"


def test_every_operation_has_an_id_responses_and_security(doc: dict[str, Any]) -> None:
    ids = []
    for path, item in doc["paths"].items():
        for verb, op in item.items():
            if verb == "parameters":
                continue
            ids.append(op["operationId"])
            assert "security" in op, f"{verb} {path}: no security"
            assert op["responses"], f"{verb} {path}: no responses"
            if "requestBody" in op and verb != "get":
                assert "415" in op["responses"], f"{verb} {path}: a body without a 415"
    assert len(ids) == len(set(ids))


def test_the_document_follows_the_validators(doc: dict[str, Any]) -> None:
    """Limits in the document are the validators' own (a change moves both)."""
    schemas = doc["components"]["schemas"]
    body = schemas["BulletinInput"]
    assert body["properties"]["source"]["pattern"] == rules._SLUG.pattern == SLUG
    assert body["additionalProperties"] is False
    assert set(body["properties"]) == {
        "title", "lead", "body", "author", "published_at", "source_url", "source", "language",
        "voice", "rate", "engine", *rules.FIELDS}
    assert body["properties"]["body"]["maxLength"] == 60_000  # MAX_TEXT_CHARS default
    assert "language" not in schemas["BulletinPatch"]["properties"]
    error = schemas["Error"]["properties"]["error"]
    assert set(error["required"]) == {"field", "message", "message_en"}
    alerts = doc["paths"]["/api/v1/alerts"]["post"]["requestBody"]["content"]
    assert "application/cap+xml" in alerts


# --- schemathesis against the live app --------------------------------------------------


@schemathesis.serializer("application/cap+xml", "application/xml", "text/xml")
def _cap_text(ctx: Any, value: Any) -> bytes | None:
    """A CAP document is XML text: sent as it is (schemathesis would otherwise wrap the
    generated string in an XML element of its own)."""
    if value is None:
        return None
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _make_ready(app: Flask, bulletin_id: int) -> None:
    """What the worker leaves on a bulletin's rendition: files, cues, profile states."""
    cues = [{"i": 0, "start": 0.2, "end": 1.0, "char_start": 0, "char_end": 3, "text": "Tin",
             "kind": "title"}]
    files = {"mp3": FileRecord.made("mp3", "a" * 32 + ".mp3", b"ID3mp3", "web", 1500, cues),
             "podcast": FileRecord.made("podcast", "b" * 32 + ".mp3", b"ID3pod", "podcast"),
             "timings": FileRecord.made("timings", "c" * 32 + ".json", b"[]"),
             "vtt": FileRecord.made("vtt", "d" * 32 + ".vtt", b"WEBVTT\n")}
    with session_scope(app.extensions["bantin"]["sessions"]) as s:
        b = s.get(Bulletin, bulletin_id)
        assert b is not None
        r = b.renditions[-1]
        r.status, r.duration_ms, r.cues = RenditionStatus.READY, 1500, cues
        r.files = {k: f.to_json() for k, f in files.items()}
        r.profiles = {"web": {"state": "ready"}, "podcast": {"state": "ready"},
                      "loudspeaker": {"state": "failed", "error": "Không tạo được"}}


def _seed(app: Flask, client: Any, auth: dict[str, str],
          approver_auth: dict[str, str]) -> None:
    """Something for the ids in paths (the document's example is 1) to find: bulletins
    1–3 (a published one with audio as the worker leaves it, a draft, an emergency),
    programme 1 with edition 1, lexicon entry 1."""
    for body in ({"title": "Tin đã đăng", "body": "Sáng nay trời nắng.", "source": "backan"},
                 {"title": "Bản nháp", "body": "Đêm qua trời mưa to."},
                 {"title": "Khẩn cấp", "body": "Lũ đang lên.", "priority": "emergency",
                  "hazard": "flood", "risk_level": 3}):
        assert client.post("/api/v1/bulletins", json=body, headers=auth).status_code == 202
    _make_ready(app, 1)
    assert client.post("/api/v1/bulletins/1/publish", headers=approver_auth).status_code == 200
    resp = client.post("/api/v1/programmes", headers=approver_auth,
                       json={"name": "Bản tin sáng", "times": ["06:00"]})
    assert resp.status_code == 201
    assert client.post("/api/v1/programmes/1/assemble",
                       headers=approver_auth).status_code == 202
    resp = client.post("/api/v1/lexicon", headers=auth,
                       json={"written": "UBND", "spoken": "ủy ban nhân dân", "source": "backan"})
    assert resp.status_code == 201


CONFIG = schemathesis.Config.from_dict({
    "seed": 20261201,
    "generation": {"deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
})
#: the document the test app serves (its settings: tests/conftest.py), checked below to
#: be the one /api/v1/openapi.json answers. (Loading it from the app fixture with
#: `schemathesis.pytest.from_fixture` fails on pytest 9.2: `Function` has no `_nodeid`.)
DOCUMENT = build_document(Settings.from_env({"TTS_ENGINES": "espeak"}))
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


@pytest.fixture
def live(app: Flask, client: Any, auth: dict[str, str], approver_auth: dict[str, str]) -> Flask:
    """The app, seeded, serving the document the cases come from."""
    assert client.get("/api/v1/openapi.json").get_json() == DOCUMENT
    _seed(app, client, auth, approver_auth)
    return app


#: Server bugs schemathesis found (or that the document's ranges lead straight to), each
#: reproduced below as a strict expected failure: once fixed, that test passes, fails as
#: XPASS, and its entry here goes. A fuzzed case matching one may answer 500; any other
#: answer it gives is still checked.
@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_live_app_answers_as_documented(case: Any, live: Flask, auth: dict[str, str],
                                            approver_auth: dict[str, str]) -> None:
    key = (case.operation.method.upper(), case.operation.path)
    headers = approver_auth if key in APPROVER_ONLY else auth
    resp = case.call(app=live, headers=headers)
    case.validate_response(resp, checks=CHECKS, headers=headers)


TEXT = {"title": "Tin thử", "body": "Nội dung thử."}
EMERGENCY = {**TEXT, "priority": "emergency", "hazard": "flood", "risk_level": 3}


@pytest.mark.parametrize(("method", "url", "body", "approver"), [
    pytest.param("POST", "/api/v1/bulletins", {**TEXT, "hazard": [None, None]}, False,
                 id="create-hazard-array"),
    pytest.param("POST", "/api/v1/preview", {**TEXT, "hazard": [None, None]}, False,
                 id="preview-hazard-array"),
    pytest.param("PATCH", "/api/v1/bulletins/1", {"priority": ["emergency"]}, False,
                 id="patch-priority-array"),
    pytest.param("POST", "/api/v1/bulletins", {**TEXT, "issued_at": "0001-01-01T00:00:00+01:00"},
                 False, id="create-issued-year-1"),
    pytest.param("POST", "/api/v1/preview", {**TEXT, "expires": "0001-01-01T03:00:00"}, False,
                 id="preview-expires-year-1-station-clock"),
    pytest.param("POST", "/api/v1/bulletins",
                 {**EMERGENCY, "issued_at": "9999-12-31T23:00:00Z"}, False,
                 id="create-emergency-issued-9999"),
    pytest.param("GET", "/api/v1/station/schedule?date=9999-12-31", None, False,
                 id="schedule-9999-12-31"),
    pytest.param("GET", "/api/v1/station/schedule?date=0001-01-01", None, False,
                 id="schedule-0001-01-01"),
    pytest.param("GET", f"/api/v1/audit?bulletin={2**63}", None, True,
                 id="audit-bulletin-2**63"),
])
def test_edge_values_are_client_errors(client: Any, auth: dict[str, str],
                                       approver_auth: dict[str, str], method: str, url: str,
                                       body: Any, approver: bool) -> None:
    """What schemathesis and probing the documented ranges once found as 500s: arrays
    where a name is expected, years 1 and 9999, an id beyond 64 bits. Each is a 4xx."""
    assert client.post("/api/v1/bulletins", json=TEXT, headers=auth).status_code == 202
    resp = client.open(url, method=method, json=body,
                       headers=approver_auth if approver else auth)
    assert 400 <= resp.status_code < 500, resp.get_json()
    assert resp.get_json()["error"]["field"]


def test_the_cap_example_is_a_real_alert(doc: dict[str, Any], client: Any,
                                         approver_auth: dict[str, str]) -> None:
    """The document's CAP example is accepted (a drill: created, never published)."""
    content = doc["paths"]["/api/v1/alerts"]["post"]["requestBody"]["content"]
    example = content["application/cap+xml"]["schema"]["examples"][0]
    assert "urn:oasis:names:tc:emergency:cap:1.2" in example
    resp = client.post("/api/v1/alerts", data=example.encode("utf-8"),
                       headers={**approver_auth, "Content-Type": "application/cap+xml"})
    assert resp.status_code == 202, resp.get_json()
    assert resp.get_json()["action"] == "created"
