"""Job states against a real database: nothing to say, retry cap, delayed retry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service import bulletins as uc
from service.db import session_scope
from service.models import Rendition, utcnow
from service.settings import Settings
from service.validation import validate_bulletin
from workers import jobstate, pipeline
from workers.admin import migrate
from workers.context import WorkerContext


@pytest.fixture
def ctx(settings: Settings) -> WorkerContext:
    migrate(settings)
    return WorkerContext(settings.with_(audio_profiles=("web",)))


def submit(ctx: WorkerContext, title: str, body: str) -> int:
    item = validate_bulletin({"title": title, "body": body}, 10_000)
    _, rid = uc.create_bulletin(ctx.sessions, None, ctx.settings, item)
    return rid


def row(ctx: WorkerContext, rid: int) -> Rendition:
    with ctx.sessions() as s:
        r = s.get(Rendition, rid)
        assert r is not None
        return r


def test_nothing_speakable_fails_with_a_reason(ctx: WorkerContext) -> None:
    rid = submit(ctx, "***", "./.")
    assert pipeline.render_rendition(ctx, rid) == "failed"
    r = row(ctx, rid)
    assert r.status == "failed" and "không có nội dung đọc được" in (r.error or "")


def test_speakable_bulletin_becomes_ready_once(ctx: WorkerContext) -> None:
    rid = submit(ctx, "Thời tiết", "Hôm nay trời nắng. Chiều có mưa.")
    assert pipeline.render_rendition(ctx, rid) == "ready"
    assert pipeline.render_rendition(ctx, rid) == "skipped"  # a duplicate delivery is a no-op
    r = row(ctx, rid)
    assert r.status == "ready" and r.attempts == 1 and r.files and "mp3" in r.files


def test_crashing_job_is_given_up_after_max_attempts(ctx: WorkerContext) -> None:
    rid = submit(ctx, "Tin", "Nội dung.")
    long_ago = utcnow() - timedelta(hours=1)
    jobstate.set_values(ctx, rid, status="synthesizing", heartbeat_at=long_ago,
                        attempts=jobstate.MAX_ATTEMPTS)
    assert pipeline.render_rendition(ctx, rid) == "skipped"
    r = row(ctx, rid)
    assert r.status == "failed" and f"{jobstate.MAX_ATTEMPTS} lần" in (r.error or "")


def test_delayed_retry_is_not_resent_early(ctx: WorkerContext) -> None:
    rid = submit(ctx, "Tin", "Nội dung.")
    jobstate.requeue(ctx, rid, "Google trả lời 429", delay=900)
    now = utcnow()
    with session_scope(ctx.sessions) as s:
        stale = uc.stale_renditions(s, now - timedelta(seconds=600), now - timedelta(seconds=60),
                                    now - timedelta(seconds=15))
    assert rid not in stale
    with session_scope(ctx.sessions) as s:
        later = now + timedelta(seconds=1600)
        stale = uc.stale_renditions(s, later - timedelta(seconds=600),
                                    later - timedelta(seconds=60), later)
    assert rid in stale
    assert "429" in (row(ctx, rid).error or "")


def test_same_input_reuses_audio_without_engines(ctx: WorkerContext,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    first = submit(ctx, "Thời tiết", "Hôm nay trời nắng. Chiều có mưa.")
    assert pipeline.render_rendition(ctx, first) == "ready"
    again = submit(ctx, "Thời tiết", "Hôm nay trời nắng. Chiều có mưa.")
    other = submit(ctx, "Thời tiết", "Hôm nay trời nắng. Tối có mưa.")

    def no_engines(engines: tuple[str, ...]) -> None:
        raise AssertionError("an identical bulletin must not reach the engines")

    monkeypatch.setattr(ctx, "chain", no_engines)
    assert pipeline.render_rendition(ctx, again) == "ready"
    a, b = row(ctx, first), row(ctx, again)
    assert b.files is not None and a.files is not None
    assert b.files["mp3"] == a.files["mp3"] and b.cues == a.cues and b.content_key == a.content_key
    assert "first" not in b.files
    with pytest.raises(AssertionError):  # a different text is not reused
        pipeline.render_rendition(ctx, other)


def test_long_bulletin_gets_a_longer_early_part(ctx: WorkerContext,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from audio.media import decode
    from workers import render

    paragraphs = [" ".join(f"Câu số {p * 10 + k + 1} của đoạn {p + 1}." for k in range(10))
                  for p in range(5)]
    rid = submit(ctx, "Bản tin dài", "\n\n".join(paragraphs))
    stored: list[bytes] = []
    real = pipeline._store_first

    def spy(c: WorkerContext, r: int, ext: str, data: bytes) -> None:
        stored.append(data)
        real(c, r, ext, data)

    monkeypatch.setattr(pipeline, "_store_first", spy)
    assert pipeline.render_rendition(ctx, rid) == "ready"
    assert len(stored) == 2  # the title + first sentence, then a quarter of the bulletin
    first, early = (len(decode(d)) for d in stored)
    final = row(ctx, rid).duration_ms or 0
    assert first < early < final
    assert early > final * render.EARLY_SHARE * 0.7
