"""Jobs leave only after the database commit, from an after-commit hook.

A use case calls `send_after_commit(session, rendition)`; when that session's
transaction commits, the hook sends every pending job by task name, so a worker never
looks for a row that is not there yet, and a rolled-back request sends nothing.

The row is marked as sent (`enqueued_at`) inside the transaction itself, which costs
no second write on the common path; if the broker is unreachable the hook clears the
mark again, and the reconciler sends the job within seconds. If the process dies
between the commit and the send, the mark stays and the reconciler re-sends the job
after `STALE_JOB_SECONDS`: late, but never lost.
"""

from __future__ import annotations

import logging

from sqlalchemy import event, update
from sqlalchemy.orm import Session, sessionmaker

from service.models import Rendition, utcnow
from service.queue import SYNTHESIZE, Sender, queue_for

log = logging.getLogger(__name__)
_PENDING = "bantin.outbox"
_TASKS = "bantin.outbox.tasks"


def send_after_commit(session: Session, rendition: Rendition) -> None:
    """Queue `rendition`'s synthesis job for when `session` commits."""
    rendition.enqueued_at = utcnow()
    priority = rendition.bulletin.priority if rendition.bulletin is not None else "normal"
    session.info.setdefault(_PENDING, []).append((rendition, priority))


def task_after_commit(session: Session, task: str, *args: object) -> None:
    """Queue another task (by name, JSON arguments) for when `session` commits. If the
    broker is down it is logged and lost: use this only for work a periodic job or the
    next change would redo (no bulletin depends on it)."""
    session.info.setdefault(_TASKS, []).append((task, args))


def install(factory: sessionmaker[Session], sender: Sender | None) -> None:
    """Send pending jobs after each commit of sessions made by `factory`.

    With no sender (tests of the web layer alone, offline tools) nothing is sent and
    the rows are left to the reconciler, exactly as when the broker is down.
    """

    @event.listens_for(factory, "after_commit")
    def _send(session: Session) -> None:
        for task, args in session.info.pop(_TASKS, []):
            if sender is not None and sender.send(task, *args) is None:
                log.error("task %s%r not sent: broker unreachable", task, args)
        pending: list[tuple[Rendition, str]] = session.info.pop(_PENDING, [])
        unsent = [r.id for r, priority in pending if sender is None or sender.send(
            SYNTHESIZE, r.id, queue=queue_for(sender.settings, priority)) is None]
        if unsent:
            # The session may not run SQL in this hook; one short statement on its own
            # connection hands the rows to the reconciler.
            engine = session.get_bind().engine
            with engine.connect() as conn:
                conn.execute(update(Rendition).where(Rendition.id.in_(unsent))
                             .values(enqueued_at=None))
                conn.commit()
            for r, _priority in pending:
                if r.id in unsent:
                    r.enqueued_at = None

    @event.listens_for(factory, "after_rollback")
    def _drop(session: Session) -> None:
        session.info.pop(_PENDING, None)
        session.info.pop(_TASKS, None)
