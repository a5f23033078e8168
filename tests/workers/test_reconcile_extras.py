"""The reconciler re-sends extra profiles whose task was lost or whose worker died,
once per period, and leaves alone those running, done, or failed (a real rendition made
by the worker function with espeak-ng; times moved back in the row)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from service.db import session_scope
from service.models import Rendition, utcnow
from service.settings import Settings
from tests.workers.test_job_states import row, submit
from workers import jobstate, pipeline, reconcile
from workers.admin import migrate
from workers.context import WorkerContext


def _edit(ctx: WorkerContext, rid: int, finished_ago: timedelta,
          **profiles: dict[str, Any]) -> None:
    with session_scope(ctx.sessions) as s:
        r = s.get(Rendition, rid)
        assert r is not None
        r.finished_at = utcnow() - finished_ago
        r.profiles = {**(r.profiles or {}), **profiles}


def test_lost_and_dead_extras_are_sent_again_once_per_period(settings: Settings) -> None:
    migrate(settings)
    ctx = WorkerContext(settings.with_(audio_profiles=("web", "podcast", "telephony",
                                                       "loudspeaker")))
    try:
        rid = submit(ctx, "Lịch cắt điện", "Điện lực thông báo cắt điện từ bảy giờ sáng.")
        assert pipeline.run(ctx, rid) == "ready"
        now = utcnow()
        # just made: its extras are on their way, nothing to send again
        assert reconcile.lost_extras(ctx, now) == []
        stale = timedelta(seconds=ctx.settings.stale_job_seconds + 5)
        limit = timedelta(seconds=ctx.settings.extras_time_limit)
        _edit(ctx, rid, stale,
              podcast={"state": "pending"},  # never started: its message was lost
              telephony={"state": "pending", "attempts": 1,  # started, worker gone
                         "started_at": (now - limit - timedelta(minutes=5)).isoformat()},
              loudspeaker={"state": "pending", "attempts": 1,  # running, within its limit
                           "started_at": (now - timedelta(minutes=1)).isoformat()})
        jobstate.set_profile(ctx, rid, "web", jobstate.ProfileStatus.READY)
        queue = f"{ctx.settings.queue}-extras"
        sent = reconcile.lost_extras(ctx, now)
        assert sorted(sent) == [(rid, "podcast", queue), (rid, "telephony", queue)]
        # marked: the next tick does not send them again...
        assert reconcile.lost_extras(ctx, now + timedelta(seconds=30)) == []
        # ...until a whole period has passed without them starting
        assert sorted(p for _, p, _ in reconcile.lost_extras(ctx, now + stale)) == \
            ["podcast", "telephony"]
        entry = row(ctx, rid).profiles or {}
        assert "sent_at" in entry["podcast"] and "sent_at" not in entry["loudspeaker"]
        # a profile that started after the re-send is judged by its own start
        assert pipeline.produce_extra(ctx, rid, "podcast") == "ready"
        assert all(p != "podcast" for _, p, _ in
                   reconcile.lost_extras(ctx, now + 3 * stale))
    finally:
        ctx.close()


def test_profiles_finishing_at_once_are_all_recorded(settings: Settings) -> None:
    """Two worker processes finishing profiles of one rendition at the same moment: each
    outcome and file record survives (SQLite ignores FOR UPDATE; the lock is taken by
    `service.db.lock_row` before the JSON is read). Processes, not threads: each has its
    own connection, as pool processes do."""
    import multiprocessing

    migrate(settings)
    ctx = WorkerContext(settings)
    try:
        rid = submit(ctx, "Hai tiến trình", "Câu một.")
    finally:
        ctx.close()
    names = [f"p{n}" for n in range(120)]
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(2)
    procs = [spawn.Process(target=_record_profiles, args=(settings, rid, names[k::2], start))
             for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    ctx = WorkerContext(settings)
    try:
        r = row(ctx, rid)
        assert sorted(set(r.profiles or {}) - {"warm-up"}) == sorted(names)
        assert all((r.profiles or {})[n]["state"] == "ready" for n in names)
        assert {f"file-{n}" for n in names} <= set(r.files or {})
    finally:
        ctx.close()


def _record_profiles(settings: Settings, rid: int, names: list[str], start: Any) -> None:
    ctx = WorkerContext(settings)
    try:
        jobstate.set_profile(ctx, rid, "warm-up", jobstate.ProfileStatus.PENDING)
        start.wait(60)  # both at once
        for name in names:
            jobstate.set_profile(ctx, rid, name, jobstate.ProfileStatus.READY,
                                 files={f"file-{name}": {"name": name}})
    finally:
        ctx.close()
