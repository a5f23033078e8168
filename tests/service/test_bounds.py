"""Bounds measured on what will be said: long digit runs, exploding respellings and
thousands of one-word lines are refused at submit and in the preview, naming `body` and
saying by how much; the worker refuses them too."""

from __future__ import annotations

from typing import Any

import pytest

from service import bulletins as uc
from service.bounds import measure
from service.db import session_scope
from service.models import LexiconEntry
from service.settings import Settings
from service.validation import validate_bulletin
from workers import pipeline
from workers.admin import migrate
from workers.context import WorkerContext


def submit(client: Any, auth: dict[str, str], body: str, title: str = "Tin") -> Any:
    return client.post("/api/v1/bulletins", json={"title": title, "body": body},
                       headers=auth)


def test_a_long_run_of_digits_is_refused(client: Any, auth: dict[str, str]) -> None:
    digits = "".join(str(i % 10) for i in range(15_000))
    resp = submit(client, auth, f"Mã số {digits}.")
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["field"] == "body" and "15000 chữ số" in error["message"]
    # 40 digits are still read (an account number with its check digits)
    assert submit(client, auth, f"Số tài khoản {'1' * 40}.").status_code == 202


def test_a_respelling_used_everywhere_is_counted(client: Any, auth: dict[str, str]) -> None:
    """Within its ratio, a respelling repeated 8,000 times is 320,000 characters said."""
    ok = client.post("/api/v1/lexicon", headers=auth, json={
        "written": "UB", "spoken": "ủy ban nhân dân xã an phú huyện đức phổ", "source": "xa-a"})
    assert ok.status_code in (200, 201), ok.get_json()
    body = "\n".join(" ".join(["UB"] * 100) + "." for _ in range(80))
    resp = client.post("/api/v1/bulletins", headers=auth,
                       json={"title": "Tin", "body": body, "source": "xa-a"})
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["field"] == "body" and "ký tự" in error["message"]
    assert "tối đa 90,000 ký tự" in error["message"] and "(vượt 2" in error["message"]
    # the same text from another source (no such respelling) is accepted
    other = client.post("/api/v1/bulletins", headers=auth,
                        json={"title": "Tin", "body": body, "source": "xa-b"})
    assert other.status_code == 202


def test_thousands_of_short_lines_are_refused(client: Any, auth: dict[str, str]) -> None:
    body = "\n".join("Có." for _ in range(2000))
    resp = submit(client, auth, body)
    assert resp.status_code == 422
    assert "câu" in resp.get_json()["error"]["message"]
    preview = client.post("/api/v1/preview", json={"title": "Tin", "body": body},
                          headers=auth)
    assert preview.status_code == 422 and preview.get_json()["error"]["field"] == "body"


def test_an_ordinary_bulletin_passes(client: Any, auth: dict[str, str], sample_text: str
                                     ) -> None:
    resp = client.post("/api/v1/bulletins", data=sample_text.encode(), headers={
        **auth, "Content-Type": "text/plain; charset=utf-8"})
    assert resp.status_code == 202


def test_a_respelling_may_not_multiply_a_word(client: Any, auth: dict[str, str]) -> None:
    resp = client.post("/api/v1/lexicon", headers=auth, json={
        "written": "ABC", "spoken": " ".join(["rất dài"] * 100), "source": "xa-a"})
    assert resp.status_code == 422 and resp.get_json()["error"]["field"] == "spoken"
    ok = client.post("/api/v1/lexicon", headers=auth, json={
        "written": "UBND", "spoken": "ủy ban nhân dân", "source": "xa-a"})
    assert ok.status_code in (200, 201), ok.get_json()


def test_estimate_errs_long() -> None:
    # the demo bulletin: 4,670 spoken characters, 16 sentences, 276 s at rate 1.0
    m = measure(["x" * 292] * 16)
    assert m.chars == 4672 and m.sentences == 16
    assert 276 < m.seconds < 276 * 1.6


@pytest.fixture
def ctx(settings: Settings) -> Any:
    migrate(settings)
    context = WorkerContext(settings.with_(audio_profiles=("web",), tts_engines=("espeak",)))
    yield context
    context.close()


def test_the_worker_checks_again(ctx: WorkerContext) -> None:
    """A respelling added after the submit (within its ratio, but everywhere) makes the
    bulletin too long: the worker fails it with the reason, synthesizing nothing."""
    body = " ".join(["UBND xã họp."] * 300)
    item = validate_bulletin({"title": "Tin", "body": body, "source": "xa-a"}, 60_000)
    with session_scope(ctx.sessions) as s:
        rid = uc.create_bulletin(s, ctx.settings, item).current_rendition_id
        s.add(LexiconEntry(written="UBND", spoken="ủy ban nhân dân " * 4, source="xa-a"))
    tight = WorkerContext(ctx.settings.with_(max_spoken_chars=12_000))
    try:
        assert rid is not None and pipeline.run(tight, rid) == "failed"
        with tight.sessions() as s:
            from service.models import Rendition

            r = s.get(Rendition, rid)
            assert r is not None and "quá dài khi đọc" in (r.error or "")
            assert not (r.files or {}).get("mp3")
    finally:
        tight.close()


def test_lexicon_writes_are_strict(client: Any, auth: dict[str, str]) -> None:
    typo = client.post("/api/v1/lexicon", headers=auth, json={
        "written": "UBND", "spoken": "ủy ban nhân dân", "source": "xa-a", "scope": "all"})
    assert typo.status_code == 422 and typo.get_json()["error"]["field"] == "scope"
    plain = client.post("/api/v1/lexicon", data='{"written": "A", "spoken": "a"}',
                        headers={**auth, "Content-Type": "text/plain"})
    assert plain.status_code == 415 and plain.get_json()["error"]["field"] == "Content-Type"
