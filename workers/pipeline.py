"""The work behind `bantin.synthesize`: from a rendition id to ready audio files.

Steps: claim the row (so a duplicate delivery does no work), snapshot the bulletin,
normalize each written sentence to its spoken form, synthesize through the engine
chain (sentence cache first), assemble with pauses, encode each format, store the files
under content-addressed names, record cue timings, mark ready. Progress is written as
it goes so the page can show it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from audio.engines.chain import EngineChain
from audio.errors import PermanentEngineError, TransientEngineError
from audio.text import NORMALIZER_VERSION, LexiconEntry, normalize
from service.db import session_scope
from service.document import Document, Sentence, build_document
from service.lexicon import respellings
from service.models import Bulletin, Rendition, utcnow
from workers import jobstate as state
from workers import render
from workers.context import WorkerContext

log = logging.getLogger(__name__)


@dataclass
class Job:
    rendition_id: int
    doc: Document
    sentences: list[Sentence]
    engines: tuple[str, ...]
    voice: str
    rate: float
    title: str
    author: str
    published_at: Any
    source: str
    lexicon: list[LexiconEntry] = field(default_factory=list)


def claim(ctx: WorkerContext, rendition_id: int) -> Job | None:
    """Atomically take the rendition unless another worker is alive on it or it is done."""
    now = utcnow()
    stale = now - timedelta(seconds=ctx.settings.heartbeat_timeout_seconds)
    claimable = or_(Rendition.status == "queued",
                    (Rendition.status == "synthesizing") & (Rendition.heartbeat_at < stale))
    with session_scope(ctx.sessions) as s:
        exhausted = s.execute(  # type: ignore[attr-defined]
            update(Rendition)
            .where(Rendition.id == rendition_id, claimable,
                   Rendition.attempts >= state.MAX_ATTEMPTS)
            .values(status="failed", finished_at=now,
                    error=f"Đã thử {state.MAX_ATTEMPTS} lần nhưng tiến trình tạo âm thanh đều "
                          "dừng giữa chừng. Hãy báo quản trị viên hoặc rút gọn bản tin.")
        ).rowcount
        taken = 0 if exhausted else s.execute(  # type: ignore[attr-defined]
            update(Rendition)
            .where(Rendition.id == rendition_id, claimable)
            .values(status="synthesizing", started_at=now, heartbeat_at=now,
                    attempts=Rendition.attempts + 1)
        ).rowcount
        if not taken:
            return None
        r = s.get(Rendition, rendition_id)
        assert r is not None
        job = _job(ctx, s, r)
        r.progress_total, r.progress_done = len(job.sentences), 0
        return job


def _job(ctx: WorkerContext, s: Session, r: Rendition) -> Job:
    b = s.get(Bulletin, r.bulletin_id)
    assert b is not None
    doc = build_document(b.title, b.lead, b.paragraphs, b.author)
    return Job(
        rendition_id=r.id, doc=doc, sentences=doc.sentences(),
        engines=tuple(e for e in r.engines.split(",") if e) or ctx.settings.tts_engines,
        voice=r.voice, rate=r.rate, title=b.title, author=b.author,
        published_at=b.published_at, source=b.source, lexicon=respellings(s, b.source),
    )


def spoken_forms(job: Job, count: int | None = None) -> tuple[list[str], list[str]]:
    """Normalize each sentence (or the first `count`); spoken texts and audit warnings."""
    style = "south" if job.voice == "south" else "north"
    texts: list[str] = []
    warnings: list[str] = []
    for sent in job.sentences[:count]:
        result = normalize(sent.text, style=style, lexicon=job.lexicon)
        texts.append(result.text)
        warnings.extend(f"Câu {sent.index + 1}: {w}" for w in result.warnings)
    return texts, warnings


def render_rendition(ctx: WorkerContext, rendition_id: int) -> str:
    try:
        job = claim(ctx, rendition_id)
    except Exception as exc:
        state.fail(ctx, rendition_id, _internal(exc))
        raise
    if job is None:
        log.info("rendition %s: nothing to do (done, missing, taken or given up)", rendition_id)
        return "skipped"
    with state.Heartbeat(ctx, rendition_id, ctx.settings.heartbeat_seconds):
        return _render(ctx, job)


def _internal(exc: BaseException) -> str:
    return ("Lỗi nội bộ khi tạo âm thanh; hệ thống không tự thử lại. Hãy báo quản trị viên "
            f"(mã lỗi {type(exc).__name__}) hoặc bấm tạo lại sau khi lỗi được sửa.")


def _render(ctx: WorkerContext, job: Job) -> str:
    rid = job.rendition_id
    try:
        key = content_key(ctx, job)
        if _reuse(ctx, job, key):
            log.info("rendition %s: same input as an earlier one, audio reused", rid)
            return "ready"
        chain = ctx.chain(job.engines)
        # The opening first, before the rest is even normalized: time to first audio
        # must not grow with the bulletin's length.
        opening, _ = spoken_forms(job, render.FIRST_SENTENCES)
        _early_part(ctx, chain, job, opening, render.FIRST_SENTENCES)
        spoken, warnings = spoken_forms(job)
        if len(spoken) > render.EARLY_AFTER_SENTENCES:
            early = max(render.FIRST_SENTENCES + 1, int(len(spoken) * render.EARLY_SHARE))
            _early_part(ctx, chain, job, spoken, early)
        if not any(text.strip() for text in spoken):
            state.fail(ctx, rid, "Bản tin không có nội dung đọc được: sau khi chuẩn hóa, không "
                                 "câu nào còn chữ để đọc. Hãy kiểm tra lại văn bản.")
            return "failed"
        out = render.produce(chain, job, spoken, lambda done: state.progress(ctx, rid, done),
                             ctx.cache)
        files: dict[str, Any] = {fmt: {"name": ctx.storage.put(data, ext), "bytes": len(data)}
                                 for fmt, (ext, data) in out.files.items()}
        files["timings"] = {"name": ctx.storage.put(
            json.dumps({"cues": out.cues}, ensure_ascii=False).encode(), "json")}
        files["vtt"] = {"name": ctx.storage.put(out.vtt.encode("utf-8"), "vtt")}
        if out.fallback:
            warnings.insert(0, f"Đã chuyển sang bộ đọc {out.engine}: {out.fallback}")
        with session_scope(ctx.sessions) as s:
            r = s.get(Rendition, rid)
            if r is None:
                return "gone"
            r.status, r.files, r.cues = "ready", {**(r.files or {}), **files}, out.cues
            r.duration_ms, r.engine, r.engine_voice = (out.duration_ms, out.engine,
                                                       out.engine_voice)
            r.normalizer_version, r.warnings = NORMALIZER_VERSION, warnings[:200]
            r.progress_done, r.finished_at, r.error = len(job.sentences), utcnow(), None
            r.content_key = key
    except PermanentEngineError as exc:
        state.fail(ctx, rid, str(exc))
        return "failed"
    except TransientEngineError as exc:
        # Every engine is busy or unreachable for now: the task retries later.
        raise RetryLater(exc.retry_after or 60.0, str(exc)) from exc
    except Exception as exc:
        state.fail(ctx, rid, _internal(exc))
        raise
    log.info("rendition %s ready: %s ms by %s (%s engine calls)", rid, out.duration_ms,
             out.engine, out.engine_calls)
    return "ready"


def content_key(ctx: WorkerContext, job: Job) -> str:
    """Everything that decides the audio: the written text (cues point into it), the
    normalizer and lexicon (what is said), voice, rate, engines and output settings."""
    lexicon = sorted((e.written, e.spoken) for e in job.lexicon)
    blob = json.dumps([NORMALIZER_VERSION, job.doc.text, lexicon, job.engines, job.voice,
                       job.rate, ctx.settings.audio_profiles, ctx.settings.station_name,
                       render.OUTPUT_VERSION], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _reuse(ctx: WorkerContext, job: Job, key: str) -> bool:
    """Copy a ready rendition made from the same input by the first-choice engine (a
    fallback rendition is not reused, so a recovered engine gets its chance)."""
    with session_scope(ctx.sessions) as s:
        same = s.scalars(
            select(Rendition).where(Rendition.content_key == key, Rendition.status == "ready",
                                    Rendition.engine == job.engines[0],
                                    Rendition.id != job.rendition_id)
            .order_by(Rendition.id.desc()).limit(1)).first()
        r = s.get(Rendition, job.rendition_id)
        if same is None or r is None:
            return False
        r.files, r.cues, r.duration_ms = dict(same.files or {}), same.cues, same.duration_ms
        r.engine, r.engine_voice, r.warnings = same.engine, same.engine_voice, same.warnings
        r.normalizer_version, r.content_key = same.normalizer_version, key
        r.status, r.error, r.finished_at = "ready", None, utcnow()
        r.progress_done = r.progress_total
        r.files.pop("first", None)
    return True


def _early_part(ctx: WorkerContext, chain: EngineChain, job: Job, spoken: list[str],
                count: int) -> None:
    """Make and publish the opening `count` sentences, if there is anything to say."""
    if any(text.strip() for text in spoken[:count]):
        part = render.opening_part(chain, job, spoken, count, ctx.cache)
        if part is not None:
            _store_first(ctx, job.rendition_id, *part)


def _store_first(ctx: WorkerContext, rendition_id: int, ext: str, data: bytes) -> None:
    name = ctx.storage.put(data, ext)
    with session_scope(ctx.sessions) as s:
        r = s.get(Rendition, rendition_id)
        if r is not None and r.status == "synthesizing":
            r.files = {**(r.files or {}), "first": {"name": name, "bytes": len(data)}}
            r.heartbeat_at = utcnow()


def render_extra(ctx: WorkerContext, rendition_id: int, profile: str) -> str:
    """One more output (Opus, podcast, loudspeaker, telephony) of a ready rendition.

    Run as its own task after the web MP3 is ready, so a new bulletin never waits behind
    another's extras. Clips come from the sentence cache. A failure never un-readies
    the rendition: it is logged and shown as a warning.
    """
    with ctx.sessions() as s:
        r = s.get(Rendition, rendition_id)
        if r is None or r.status != "ready":
            return "skipped"
        if all(k in (r.files or {}) for k in render.profile_keys(profile)):
            return "exists"  # reused from an identical rendition
        job = _job(ctx, s, r)
        job = replace(job, engines=(r.engine,) if r.engine else job.engines)
    try:
        spoken, _ = spoken_forms(job)
        files, _cues = render.produce_profile(ctx.chain(job.engines), job, spoken, profile,
                                              ctx.settings.station_name)
        stored = {key: {"name": ctx.storage.put(data, ext), "bytes": len(data)}
                  for key, (ext, data) in files.items()}
    except Exception as exc:
        log.exception("rendition %s: profile %s failed", rendition_id, profile)
        state.add_files(ctx, rendition_id, {},
                        f"Không tạo được bản âm thanh “{profile}” ({type(exc).__name__}); "
                        "bản nghe trên web vẫn dùng được. Hãy báo quản trị viên.")
        return "failed"
    state.add_files(ctx, rendition_id, stored)
    return "ready"


class RetryLater(Exception):
    """Raised to the task so Celery schedules another attempt after `seconds`."""

    def __init__(self, seconds: float, message: str) -> None:
        super().__init__(message)
        self.seconds = seconds
