"""Job states against a real database: nothing to say, retry cap, delayed retry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

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
def ctx(worker_context: Callable[..., WorkerContext]) -> WorkerContext:
    return worker_context()  # the configured engines


def submit(ctx: WorkerContext, title: str, body: str) -> int:
    item = validate_bulletin({"title": title, "body": body}, 10_000)
    with session_scope(ctx.sessions) as s:
        rid = uc.create_bulletin(s, ctx.settings, item).current_rendition_id
    assert rid is not None
    return rid


def row(ctx: WorkerContext, rid: int) -> Rendition:
    with ctx.sessions() as s:
        r = s.get(Rendition, rid)
        assert r is not None
        return r


def test_nothing_speakable_fails_with_a_reason(ctx: WorkerContext) -> None:
    rid = submit(ctx, "***", "./.")
    assert pipeline.run(ctx, rid) == "failed"
    r = row(ctx, rid)
    assert r.status == "failed" and "không có nội dung đọc được" in (r.error or "")


def test_speakable_bulletin_becomes_ready_once(ctx: WorkerContext) -> None:
    rid = submit(ctx, "Thời tiết", "Hôm nay trời nắng. Chiều có mưa.")
    assert pipeline.run(ctx, rid) == "ready"
    assert pipeline.run(ctx, rid) == "skipped"  # a duplicate delivery is a no-op
    r = row(ctx, rid)
    assert r.status == "ready" and r.attempts == 1 and r.files and "mp3" in r.files


def test_crashing_job_is_given_up_after_max_attempts(ctx: WorkerContext) -> None:
    rid = submit(ctx, "Tin", "Nội dung.")
    long_ago = utcnow() - timedelta(hours=1)
    jobstate.set_values(ctx, rid, status="synthesizing", heartbeat_at=long_ago,
                        attempts=jobstate.MAX_ATTEMPTS)
    assert pipeline.run(ctx, rid) == "skipped"
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
    assert pipeline.run(ctx, first) == "ready"
    again = submit(ctx, "Thời tiết", "Hôm nay trời nắng. Chiều có mưa.")
    other = submit(ctx, "Thời tiết", "Hôm nay trời nắng. Tối có mưa.")

    def no_engines(engines: tuple[str, ...]) -> None:
        raise AssertionError("an identical bulletin must not reach the engines")

    monkeypatch.setattr(ctx, "chain", no_engines)
    assert pipeline.run(ctx, again) == "ready"
    a, b = row(ctx, first), row(ctx, again)
    assert b.files is not None and a.files is not None
    assert b.files["mp3"] == a.files["mp3"] and b.cues == a.cues and b.content_key == a.content_key
    assert "first" not in b.files
    with pytest.raises(AssertionError):  # a different text is not reused
        pipeline.run(ctx, other)


def test_long_bulletin_gets_a_longer_early_part(ctx: WorkerContext,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from audio.media import decode
    from workers import produce

    paragraphs = [" ".join(f"Câu số {p * 10 + k + 1} của đoạn {p + 1}." for k in range(10))
                  for p in range(5)]
    rid = submit(ctx, "Bản tin dài", "\n\n".join(paragraphs))
    stored: list[bytes] = []
    opening_cues: list[list[dict]] = []
    real = pipeline._store

    def spy(c: WorkerContext, f: produce.ProducedFile, cues: list | None = None):
        if f.kind == "first":
            stored.append(f.data)
            opening_cues.append(cues or [])
        return real(c, f, cues)

    monkeypatch.setattr(pipeline, "_store", spy)
    assert pipeline.run(ctx, rid) == "ready"
    assert len(stored) == 2  # the title + first sentence, then a quarter of the bulletin
    first, early = (len(decode(d)) for d in stored)
    final = row(ctx, rid).duration_ms or 0
    assert first < early < final
    assert early > final * produce.EARLY_SHARE * 0.7
    # The opening parts keep their cues with the sentence index, so the page highlights
    # while they play: sentences 0 and 1 in the first part, more in the early part.
    assert [c["i"] for c in opening_cues[0]] == [0, 1]
    assert [c["i"] for c in opening_cues[1]] == list(range(len(opening_cues[1])))
    assert len(opening_cues[1]) > 2


def test_spoken_forms_are_made_once_and_carried_to_every_profile(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker normalizes each sentence once; extra profiles start from the stored
    spoken forms, and every stage's seconds and every profile's state are recorded."""
    from workers.job import Job

    migrate(settings)
    ctx = WorkerContext(settings.with_(audio_profiles=("web", "telephony")))
    rid = submit(ctx, "Giá vàng", "Giá vàng hôm nay là 80 triệu đồng. Ngày 2/9 là Quốc khánh.")
    calls: list[int] = []
    real = Job.normalize

    def counting(self: Job, start: int = 0, stop: int | None = None):
        texts, warnings = real(self, start, stop)
        calls.append(len(texts))
        return texts, warnings

    monkeypatch.setattr(Job, "normalize", counting)
    assert pipeline.run(ctx, rid) == "ready"
    r = row(ctx, rid)
    assert sum(calls) == r.progress_total == 3  # title and two sentences, once each
    assert r.spoken is not None and "tám mươi triệu đồng" in r.spoken[1], r.spoken
    assert r.profiles == {"web": {"state": "pending"}, "telephony": {"state": "pending"}}
    assert set(r.stages or {}) >= {"normalize", "opening", "synthesize", "master:web",
                                   "encode:web", "store"}
    calls.clear()
    first_pass = dict(r.stages or {})
    assert pipeline.produce_extra(ctx, rid, "telephony") == "ready"
    assert pipeline.produce_extra(ctx, rid, "web") == "ready"  # the Opus file
    assert calls == []  # no sentence normalized again
    r = row(ctx, rid)
    finished = {p: datetime.fromisoformat(e.pop("finished_at"))
                for p, e in (r.profiles or {}).items()}
    assert r.profiles == {"web": {"state": "ready", "attempts": 1},
                          "telephony": {"state": "ready", "attempts": 1}}
    assert r.finished_at is not None
    assert r.finished_at <= finished["telephony"] <= finished["web"]  # in the order made
    assert {"telephony", "ogg"} <= set(r.files or {})
    assert r.files["telephony"]["profile"] == "telephony"
    assert len(r.files["telephony"]["sha256"]) == 64
    assert {"master:telephony", "encode:telephony", "encode:web-extra"} <= set(r.stages or {})
    assert (r.stages or {})["encode:web"] == first_pass["encode:web"]  # not overwritten


def test_a_profile_that_keeps_killing_workers_is_given_up(settings: Settings) -> None:
    """Redelivered after each crash, an extra stops after MAX_EXTRA_ATTEMPTS with a reason
    an editor can read, and the web audio stays ready."""
    migrate(settings)
    ctx = WorkerContext(settings.with_(audio_profiles=("web", "podcast")))
    rid = submit(ctx, "Tin", "Nội dung ngắn.")
    assert pipeline.run(ctx, rid) == "ready"
    for _ in range(pipeline.MAX_EXTRA_ATTEMPTS):  # three deliveries that died mid-way
        jobstate.profile_attempt(ctx, rid, "podcast")
    assert pipeline.produce_extra(ctx, rid, "podcast") == "failed"
    r = row(ctx, rid)
    assert r.status == "ready" and "podcast" not in (r.files or {})
    podcast = (r.profiles or {})["podcast"]
    assert podcast["state"] == "failed" and "ngừng thử" in podcast["error"]
    assert podcast["attempts"] == pipeline.MAX_EXTRA_ATTEMPTS + 1
