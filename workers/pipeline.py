"""The work behind `bantin.synthesize`: a rendition id moved through its job states.

    claimed ──▶ opening produced (first audio) ──▶ spoken (whole text normalized once)
            ──▶ web audio stored, rendition ready ──▶ each extra profile ready or failed

Claiming the row atomically makes a duplicate delivery do no work. Each transition is
one short transaction (progress is visible at once). The spoken forms, the cues (with
their sentence index) and the seconds spent per stage are stored on the rendition, so
extra profiles start from them and benchmarks read them instead of re-timing the code.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy import or_, select, update
from sqlalchemy.exc import OperationalError

from audio.engines.chain import EngineChain
from audio.errors import PermanentEngineError, TransientEngineError
from audio.stages import Stages
from audio.text import NORMALIZER_VERSION, normalize
from audio.vocabulary import CAPTIONS, FIRST, TIMINGS, WEB, profile_kinds, style_for
from service import bounds, metrics_store
from service import bulletins as uc
from service.db import session_scope
from service.lexicon import respellings
from service.logs import bind, bound, state_change
from service.models import Bulletin, Rendition, utcnow
from service.rendition_view import FileRecord, ProfileStatus, RenditionStatus
from service.station import downloads
from service.storage import StorageError
from service.validation import ValidationError
from workers import jobstate as state
from workers import produce
from workers.context import WorkerContext
from workers.job import Job, from_rendition
from workers.produce import ProducedFile

log = logging.getLogger(__name__)


def claim(ctx: WorkerContext, rendition_id: int) -> Job | None:
    """Atomically take the rendition unless another worker is alive on it or it is done."""
    now = utcnow()
    stale = now - timedelta(seconds=ctx.settings.heartbeat_timeout_seconds)
    claimable = or_(Rendition.status == RenditionStatus.QUEUED,
                    (Rendition.status == RenditionStatus.SYNTHESIZING)
                    & (Rendition.heartbeat_at < stale))
    with session_scope(ctx.sessions) as s:
        exhausted = s.execute(  # type: ignore[attr-defined]
            update(Rendition)
            .where(Rendition.id == rendition_id, claimable,
                   Rendition.attempts >= state.MAX_ATTEMPTS)
            .values(status=RenditionStatus.FAILED, finished_at=now,
                    error=f"Đã thử {state.MAX_ATTEMPTS} lần nhưng tiến trình tạo âm thanh đều "
                          "dừng giữa chừng. Hãy báo quản trị viên hoặc rút gọn bản tin.")
        ).rowcount
        taken = 0 if exhausted else s.execute(  # type: ignore[attr-defined]
            update(Rendition)
            .where(Rendition.id == rendition_id, claimable)
            .values(status=RenditionStatus.SYNTHESIZING, started_at=now, heartbeat_at=now,
                    attempts=Rendition.attempts + 1)
        ).rowcount
        if exhausted:
            state_change("rendition", rendition_id, str(RenditionStatus.FAILED),
                         reason="attempts exhausted")
        if not taken:
            return None
        r = s.get(Rendition, rendition_id)
        assert r is not None
        job = from_rendition(s, r, ctx.settings.tts_engines, ctx.settings.tz)
        r.progress_total, r.progress_done = len(job.sentences), 0
        bind(bulletin_id=r.bulletin_id)
    state_change("rendition", rendition_id, str(RenditionStatus.SYNTHESIZING),
                 attempt=r.attempts)
    return job


def run(ctx: WorkerContext, rendition_id: int) -> str:
    """Produce a rendition's web audio; the outcome names the state it ended in."""
    with bound(rendition_id=rendition_id):
        try:
            job = claim(ctx, rendition_id)
        except Exception as exc:
            state.fail(ctx, rendition_id, _internal(exc))
            raise
        if job is None:
            log.info("rendition %s: nothing to do (done, missing, taken or given up)",
                     rendition_id)
            return "skipped"
        with state.Heartbeat(ctx, rendition_id, ctx.settings.heartbeat_seconds):
            return _produce(ctx, job)  # `claim` bound the bulletin's id


def _service_of(exc: BaseException) -> str:
    return "cơ sở dữ liệu" if isinstance(exc, OperationalError) else "Redis"


def _internal(exc: BaseException) -> str:
    return ("Lỗi nội bộ khi tạo âm thanh; hệ thống không tự thử lại. Hãy báo quản trị viên "
            f"(mã lỗi {type(exc).__name__}) hoặc bấm tạo lại sau khi lỗi được sửa.")


def _produce(ctx: WorkerContext, job: Job) -> str:
    rid = job.rendition_id
    stages = Stages()
    try:
        key = content_key(ctx, job)
        if _reuse(ctx, job, key):
            log.info("rendition %s: same input as an earlier one, audio reused", rid)
            return "ready"
        chain = ctx.chain(job.engines)
        # The opening first, before the rest is even normalized: time to first audio
        # must not grow with the bulletin's length.
        first = produce.FIRST_SENTENCES
        with stages.time("normalize"):
            opening, opening_warnings = job.normalize(0, first)
        hits = produce.cached(chain, opening[:first], job)
        with stages.time("opening"):
            _opening(ctx, chain, job, opening, first)
        with stages.time("normalize"):
            rest, rest_warnings = job.normalize(first)
        hits += produce.cached(chain, rest, job)
        job = job.with_spoken([*opening, *rest], [*opening_warnings, *rest_warnings])
        try:  # checked at submit too; a lexicon change may have come since
            bounds.check(bounds.measure(job.spoken or (), job.rate), ctx.settings)
        except ValidationError as exc:
            state.fail(ctx, rid, exc.message)
            return "failed"
        if len(job.sentences) > produce.EARLY_AFTER_SENTENCES:
            early = max(first + 1, int(len(job.sentences) * produce.EARLY_SHARE))
            with stages.time("opening"):
                _opening(ctx, chain, job, job.spoken or (), early)
        if not job.says_something:
            state.fail(ctx, rid, "Bản tin không có nội dung đọc được: sau khi chuẩn hóa, không "
                                 "câu nào còn chữ để đọc. Hãy kiểm tra lại văn bản.")
            return "failed"
        out = produce.produce_web(chain, job, lambda done: state.progress(ctx, rid, done),
                                  ctx.cache, stages)
        with stages.time("store"):
            files = [_store(ctx, f, out.cues if f.kind == "mp3" else None) for f in out.files]
            files.append(_store_text(ctx, TIMINGS, json.dumps({"cues": out.cues},
                                                             ensure_ascii=False), "json"))
            files.append(_store_text(ctx, CAPTIONS, out.vtt, "vtt"))
        warnings = list(job.warnings)
        if out.fallback:
            warnings.insert(0, f"Đã chuyển sang bộ đọc {out.engine}: {out.fallback}")
        with session_scope(ctx.sessions) as s:
            r = s.get(Rendition, rid)
            if r is None:
                return "gone"
            r.status, r.cues = RenditionStatus.READY, out.cues
            r.files = {**(r.files or {}), **{f.kind: f.to_json() for f in files}}
            r.spoken = list(job.spoken or ())
            now = utcnow()
            r.profiles = {p: {"state": ProfileStatus.READY, "finished_at": now.isoformat()}
                          if p == WEB and not _has_extra(WEB)
                          else {"state": ProfileStatus.PENDING}
                          for p in ctx.settings.audio_profiles}
            r.stages = stages.rounded()
            r.duration_ms, r.engine, r.engine_voice = (out.duration_ms, out.engine,
                                                       out.engine_voice)
            r.normalizer_version, r.warnings = NORMALIZER_VERSION, warnings[:200]
            r.progress_done, r.finished_at, r.error = len(job.sentences), now, None
            r.content_key = key
            bulletin_id = r.bulletin_id
            metrics_store.record(s, _render_samples(out, stages.rounded(), len(job.sentences),
                                                    hits))
        downloads.remember(ctx.sessions, {f.name: f.kind for f in files}, bulletin_id)
        state_change("rendition", rid, str(RenditionStatus.READY), engine=out.engine,
                     duration_ms=out.duration_ms)
    except PermanentEngineError as exc:
        state.fail(ctx, rid, str(exc))
        return "failed"
    except TransientEngineError as exc:
        # Every engine is busy or unreachable for now: the task retries later.
        raise RetryLater(exc.retry_after or 60.0, str(exc)) from exc
    except StorageError as exc:  # the audio volume is full or read-only: say so
        state.fail(ctx, rid, exc.message)
        return "failed"
    except (OperationalError, RedisConnectionError, RedisTimeoutError) as exc:
        # The database or Redis went away mid-job (a network cut, a restart): not the
        # bulletin's fault, and nothing was half-stored. Retry; if even the requeue
        # cannot be written, the silent heartbeat has the reconciler send it again.
        log.warning("rendition %s: a service went away mid-job (%s); retrying", rid, exc)
        raise RetryLater(30.0, f"Mất kết nối tới {_service_of(exc)} giữa chừng") from exc
    except SoftTimeLimitExceeded:
        state.fail(ctx, rid, f"Tạo âm thanh quá thời gian cho phép "
                             f"({ctx.settings.extras_time_limit:.0f} giây) và đã dừng. Hãy "
                             "chia bản tin thành nhiều bản ngắn hơn hoặc báo quản trị viên.")
        return "failed"
    except Exception as exc:
        state.fail(ctx, rid, _internal(exc))
        raise
    log.info("rendition ready %s", json.dumps({
        "rendition": rid, "duration_ms": out.duration_ms, "engine": out.engine,
        "engine_calls": out.engine_calls, "stages": stages.rounded()}))
    return "ready"


def is_emergency(ctx: WorkerContext, rendition_id: int) -> bool:
    with ctx.sessions() as s:
        r = s.get(Rendition, rendition_id)
        return r is not None and r.bulletin.priority == "emergency"


def lost_extras(ctx: WorkerContext, rendition_id: int) -> list[str]:
    """Profiles of a ready rendition that are pending and were never attempted: their
    tasks were lost (the worker died between marking it ready and sending them)."""
    with ctx.sessions() as s:
        r = s.get(Rendition, rendition_id)
        if r is None or r.status != RenditionStatus.READY:
            return []
        return [p for p, entry in (r.profiles or {}).items()
                if isinstance(entry, dict) and entry.get("state") == ProfileStatus.PENDING
                and not entry.get("attempts")]


def _has_extra(profile: str) -> bool:
    """Whether a profile has files beyond what the first pass made (web's Opus)."""
    return len(profile_kinds(profile)) > (1 if profile == WEB else 0)


def _store(ctx: WorkerContext, f: ProducedFile, cues: list | None = None) -> FileRecord:
    return FileRecord.made(f.kind, ctx.storage.put(f.data, f.extension), f.data, f.profile,
                           f.duration_ms, cues)


def _store_text(ctx: WorkerContext, kind: str, text: str, ext: str) -> FileRecord:
    data = text.encode("utf-8")
    return FileRecord.made(kind, ctx.storage.put(data, ext), data)


def content_key(ctx: WorkerContext, job: Job) -> str:
    """Everything that decides the audio: the written text (cues point into it), the
    normalizer, lexicon and document domain (what is said: the key is over the inputs of
    the normalizer, not its output, so a new category that changes the reading must not
    find the old audio), voice, rate, engines and output settings."""
    lexicon = sorted((e.written, e.spoken) for e in job.lexicon)
    emergency = job.emergency.key() if job.emergency else None
    blob = json.dumps([NORMALIZER_VERSION, job.doc.text, lexicon, job.engines, job.voice,
                       job.rate, ctx.settings.audio_profiles, ctx.settings.station_name,
                       produce.OUTPUT_VERSION, emergency, job.domain], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _reuse(ctx: WorkerContext, job: Job, key: str) -> bool:
    """Copy a ready rendition made from the same input by the first-choice engine (a
    fallback rendition is not reused, so a recovered engine gets its chance)."""
    with session_scope(ctx.sessions) as s:
        same = s.scalars(
            select(Rendition).where(Rendition.content_key == key,
                                    Rendition.status == RenditionStatus.READY,
                                    Rendition.engine == job.engines[0],
                                    Rendition.id != job.rendition_id)
            .order_by(Rendition.id.desc()).limit(1)).first()
        r = s.get(Rendition, job.rendition_id)
        if same is None or r is None:
            return False
        r.files, r.cues, r.duration_ms = dict(same.files or {}), same.cues, same.duration_ms
        r.engine, r.engine_voice, r.warnings = same.engine, same.engine_voice, same.warnings
        r.spoken, r.profiles = same.spoken, dict(same.profiles or {}) or None
        r.normalizer_version, r.content_key = same.normalizer_version, key
        r.status, r.error, r.finished_at = RenditionStatus.READY, None, utcnow()
        r.progress_done = r.progress_total
        r.stages = {"reused": 0.0}
        r.files.pop(FIRST, None)
    return True


def _opening(ctx: WorkerContext, chain: EngineChain, job: Job, spoken: tuple[str, ...] | list[str],
             count: int) -> None:
    """Produce and publish the opening `count` sentences, if there is anything to say."""
    part = produce.produce_opening(chain, job, spoken, count, ctx.cache)
    if part is None:
        return
    f, cues = part
    record = _store(ctx, f, cues)
    with session_scope(ctx.sessions) as s:
        r = s.get(Rendition, job.rendition_id)
        if r is not None and r.status == RenditionStatus.SYNTHESIZING:
            r.files = {**(r.files or {}), FIRST: record.to_json()}
            r.heartbeat_at = utcnow()


def produce_extra(ctx: WorkerContext, rendition_id: int, profile: str) -> str:
    """One more output (Opus, podcast, loudspeaker, telephony) of a ready rendition.

    Run as its own task after the web MP3 is ready, so a new bulletin never waits behind
    another's extras. It starts from the stored spoken forms; clips come from the cache.
    A failure never un-readies the rendition: the profile is marked failed with a reason.
    """
    with bound(rendition_id=rendition_id, profile=profile):
        return _produce_extra(ctx, rendition_id, profile)


def _render_samples(out: produce.Produced, stages: dict[str, float], sentences: int,
                    hits: int) -> list[metrics_store.Sample]:
    """What a web render adds to the worker metrics (`hits`: of the `sentences`, those
    the sentence cache had when the task began)."""
    Sample = metrics_store.Sample
    hits = min(hits, sentences)
    samples = [*metrics_store.stage_samples(stages, out.engine, WEB),
               *(Sample("bantin_renders_total", {"engine": out.engine, "kind": f.kind}, 1)
                 for f in out.files),
               Sample("bantin_sentence_cache_total", {"result": "hit"}, hits),
               Sample("bantin_sentence_cache_total", {"result": "miss"}, sentences - hits)]
    if out.fallback:
        samples.append(Sample("bantin_engine_fallbacks_total", {"engine": out.engine}, 1))
    samples += [Sample("bantin_engine_failures_total", {"engine": name}, 1)
                for name in out.failed_engines]
    return samples


def _produce_extra(ctx: WorkerContext, rendition_id: int, profile: str) -> str:
    with ctx.sessions() as s:
        r = s.get(Rendition, rendition_id)
        if r is None or r.status != RenditionStatus.READY:
            return "skipped"
        if all(k in (r.files or {}) for k in _extra_kinds(profile)):
            state.set_profile(ctx, rendition_id, profile, ProfileStatus.READY)
            return "exists"  # reused from an identical rendition
        job = from_rendition(s, r, ctx.settings.tts_engines, ctx.settings.tz)
        engines = (r.engine,) if r.engine else job.engines
        bulletin_id = r.bulletin_id
    bind(bulletin_id=bulletin_id)
    # A worker killed mid-profile (out of memory, say) gets the task again: count the
    # attempts so a profile that kills workers stops after a few instead of looping.
    attempts = state.profile_attempt(ctx, rendition_id, profile)
    if attempts > MAX_EXTRA_ATTEMPTS:
        state.set_profile(ctx, rendition_id, profile, ProfileStatus.FAILED,
                          f"Đã thử tạo bản âm thanh “{profile}” {MAX_EXTRA_ATTEMPTS} lần nhưng "
                          "tiến trình đều dừng giữa chừng; hệ thống ngừng thử. Bản nghe trên "
                          "web vẫn dùng được. Hãy báo quản trị viên.")
        return "failed"
    stages = Stages()
    try:
        job = job.spoken_all()
        files = produce.produce_profile(ctx.chain(engines), job, profile,
                                        ctx.settings.station_name, stages)
        with stages.time(f"store:{profile}"):
            stored = {f.kind: _store(ctx, f).to_json() for f in files}
    except Exception as exc:
        log.exception("rendition %s: profile %s failed", rendition_id, profile)
        state.set_profile(ctx, rendition_id, profile, ProfileStatus.FAILED,
                          f"Không tạo được bản âm thanh “{profile}” ({type(exc).__name__}); "
                          "bản nghe trên web vẫn dùng được. Hãy báo quản trị viên.")
        return "failed"
    # The web profile's extra (Opus) masters and encodes as "web" too: keep the first
    # pass's figures and record this one beside them.
    seconds = {(f"{k}-extra" if k.endswith(f":{WEB}") else k): v
               for k, v in stages.rounded().items()}
    made = [*metrics_store.stage_samples(stages.rounded(), engines[0], profile),
            *(metrics_store.Sample("bantin_renders_total", {"engine": engines[0], "kind": kind}, 1)
              for kind in stored)]
    state.set_profile(ctx, rendition_id, profile, ProfileStatus.READY, files=stored,
                      stages=seconds, metrics=made)
    downloads.remember(ctx.sessions, {v["name"]: k for k, v in stored.items()}, bulletin_id)
    log.info("rendition profile ready %s", json.dumps({
        "rendition": rendition_id, "profile": profile, "stages": stages.rounded()}))
    return "ready"


#: a profile whose production was cut off this many times is given up (dead letter)
MAX_EXTRA_ATTEMPTS = 3


def _extra_kinds(profile: str) -> tuple[str, ...]:
    kinds = profile_kinds(profile)
    return kinds[1:] if profile == WEB else kinds


def listen(ctx: WorkerContext, name: str, text: str, voice: str, rate: float,
           source: str) -> str:
    """Make the "Nghe thử" sample the web app is waiting for under `name`: normalized with
    the source's lexicon and the voice's style, through the source's engine chain."""
    if ctx.storage.path(name) is not None:
        return "exists"
    with ctx.sessions() as s:
        lexicon = respellings(s, source)
    spoken = normalize(text, style=style_for(voice), lexicon=lexicon).text
    if not spoken.strip():
        return "silent"
    data = produce.produce_sample(ctx.chain(ctx.settings.engines_for(source)), spoken, voice,
                                  rate)
    ctx.storage.put_as(name, data)
    return "ready"


def rerender_bulletins(ctx: WorkerContext, bulletin_ids: list[int]) -> int:
    """A new rendition of each bulletin's newest version (after a lexicon change); the
    jobs leave after the commit. Returns how many were queued."""
    with session_scope(ctx.sessions) as s:
        found = [b for b in (s.get(Bulletin, bid) for bid in bulletin_ids) if b is not None]
        for b in found:
            uc.request_rendition(s, ctx.settings, b, {})
    queued = len(found)
    log.info("lexicon change: %s of %s bulletins re-rendered", queued, len(bulletin_ids))
    return queued


class RetryLater(Exception):
    """Raised to the task so Celery schedules another attempt after `seconds`."""

    def __init__(self, seconds: float, message: str) -> None:
        super().__init__(message)
        self.seconds = seconds
