"""The bulletin's domain reaches the normalizer, and a category change that changes the
reading never reuses the old audio (issue 14: domain-aware abbreviations)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from service import bulletins as uc
from service.db import session_scope
from service.models import Bulletin, Rendition
from service.validation import validate_bulletin
from workers import pipeline
from workers.context import WorkerContext
from workers.job import Job, from_rendition, new_job

TITLE, BODY = "Tin trong ngày", "Hôm nay ghi nhận 5 BN mới."


@pytest.fixture
def ctx(worker_context: Callable[..., WorkerContext]) -> WorkerContext:
    return worker_context()  # the configured engines


def _job(category: str = "", source: str = "") -> Job:
    return new_job(0, TITLE, "", [BODY], "", engines=("espeak",), voice="north", rate=1.0,
                   source=source, category=category)


def test_new_job_takes_its_domain_from_the_category_and_speaks_with_it() -> None:
    plain, health = _job(), _job(category="suc-khoe")
    assert plain.domain is None and health.domain == "health"
    assert "bê en nờ" in (plain.spoken_all().spoken or ())[1]
    assert "bệnh nhân" in (health.spoken_all().spoken or ())[1]
    assert _job(source="so-y-te-bac-kan").domain == "health"


def test_content_key_follows_the_domain_not_the_category_slug(ctx: WorkerContext) -> None:
    plain, health, also_health = _job(), _job("suc-khoe"), _job("y-te")
    key = pipeline.content_key
    assert key(ctx, plain) != key(ctx, health)
    assert key(ctx, health) == key(ctx, also_health)


def _spoken(ctx: WorkerContext, rid: int) -> list[str]:
    with ctx.sessions() as s:
        r = s.get(Rendition, rid)
        assert r is not None and r.status == "ready"
        return list(r.spoken or [])


def test_a_new_category_renders_again_instead_of_reusing_stale_audio(
        ctx: WorkerContext) -> None:
    item = validate_bulletin({"title": TITLE, "body": BODY}, 10_000)
    with session_scope(ctx.sessions) as s:
        b = uc.create_bulletin(s, ctx.settings, item)
        s.flush()
        bid, first = b.id, b.current_rendition_id
    assert first is not None and pipeline.run(ctx, first) == "ready"
    assert "bê en nờ" in _spoken(ctx, first)[1]

    edited = validate_bulletin({"title": TITLE, "body": BODY, "category": "suc-khoe"}, 10_000)
    with session_scope(ctx.sessions) as s:
        current = s.get(Bulletin, bid)
        assert current is not None
        second = uc.edit_bulletin(s, ctx.settings, current, edited).id
    with ctx.sessions() as s:
        r = s.get(Rendition, second)
        assert r is not None
        assert from_rendition(s, r, ("espeak",)).domain == "health"
    assert pipeline.run(ctx, second) == "ready"
    assert "bệnh nhân" in _spoken(ctx, second)[1]
