"""Worker metrics kept in the database, so one /metrics shows every worker host.

Celery workers run on many hosts, in prefork children that come and go; a Prometheus
registry in each would need a scrape target per child. Instead a worker adds what it
measured when a task ends (a few rows, one transaction) to `worker_metrics`: counters
add (`INSERT ... ON CONFLICT DO UPDATE SET value = value + excluded.value`, atomic in
SQLite and PostgreSQL alike), gauges are set. The web app's /metrics reads the table
(`service.metrics`). Series are few (stage × engine × profile), so the table stays
small whatever the traffic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.models import WorkerMetric, utcnow

#: a counter adds, a gauge is set, a peak keeps the largest value written (a gauge)
COUNTER, GAUGE, PEAK = "counter", "gauge", "peak"

Labels = Mapping[str, str]


@dataclass(frozen=True)
class Sample:
    name: str
    labels: Labels
    value: float
    kind: str = COUNTER


def _labels(labels: Labels) -> str:
    return json.dumps(dict(sorted(labels.items())), ensure_ascii=False)


def record(session: Session, samples: Iterable[Sample]) -> None:
    """Add each counter sample to its series and set each gauge (in `session`'s
    transaction: the caller commits)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    for sample in samples:
        stmt = insert(WorkerMetric).values(name=sample.name, labels=_labels(sample.labels),
                                           kind=sample.kind, value=float(sample.value),
                                           updated_at=now)
        value: Any = stmt.excluded.value
        if sample.kind == COUNTER:
            value = WorkerMetric.value + stmt.excluded.value
        elif sample.kind == PEAK:  # SQLite's two-argument max() is PostgreSQL's greatest()
            largest = func.greatest if dialect == "postgresql" else func.max
            value = largest(WorkerMetric.value, stmt.excluded.value)
        session.execute(stmt.on_conflict_do_update(
            index_elements=[WorkerMetric.name, WorkerMetric.labels],
            set_={"value": value, "updated_at": now}))


def read(session: Session) -> list[Sample]:
    rows = session.execute(select(WorkerMetric).order_by(WorkerMetric.name,
                                                         WorkerMetric.labels)).scalars()
    return [Sample(r.name, json.loads(r.labels), r.value, r.kind) for r in rows]


def stage_samples(stages: Mapping[str, float], engine: str, task: str) -> list[Sample]:
    """`bantin_stage_seconds_total` from a task's stage seconds: "master:podcast" is
    stage "master" of profile "podcast"; a bare stage ("synthesize") belongs to the web
    task. `task` names the task ("web" or the extra's profile)."""
    out = []
    for key, seconds in stages.items():
        stage, _sep, profile = key.partition(":")
        out.append(Sample("bantin_stage_seconds_total",
                          {"stage": stage, "profile": profile or "web", "engine": engine,
                           "task": task}, seconds))
    return out
