"""What /metrics says (Prometheus text format, prometheus-client), apart from HTTP.

Read at scrape time, so every web process answers the same whatever it served:

- `bantin_bulletins{state}` and `bantin_renditions{status}`: counted in the database;
- `bantin_queue_depth{queue}`: messages waiting in each Celery queue (emergency,
  default, extras), asked of the broker;
- the workers' series from `worker_metrics` (`service.metrics_store`): stage seconds
  per engine and profile, renders, sentence-cache hits and misses (and their ratio),
  engine failures and fallbacks, each worker host's peak memory.

A broker or database that does not answer leaves its series out and sets
`bantin_scrape_error{source}` to 1: a scrape never fails because a dependency did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import metrics_store
from service.models import Bulletin, Rendition
from service.publication import State
from service.queue import Sender, worker_queues
from service.rendition_view import RenditionStatus

log = logging.getLogger(__name__)

HELP = {
    "bantin_stage_seconds_total": "Seconds spent per pipeline stage, engine and profile",
    "bantin_renders_total": "Audio files made, per engine and kind (mp3, ogg, podcast, ...)",
    "bantin_sentence_cache_total": "Sentence-cache lookups by result (hit or miss)",
    "bantin_engine_failures_total": "Engine attempts that failed (the chain moved on)",
    "bantin_engine_fallbacks_total": "Renditions served by an engine after others failed",
    "bantin_worker_max_rss_bytes": "Peak resident memory of a worker process, per host",
    "bantin_profile_failures_total": "Output profiles that ended failed",
}


def queue_depths(sender: Sender) -> dict[str, int]:
    """Messages waiting per queue (0 for a queue no worker has declared yet)."""
    out: dict[str, int] = {}
    with sender.app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)
        channel = conn.default_channel
        for queue in worker_queues(sender.settings):
            try:
                out[queue] = int(channel.queue_declare(queue=queue, passive=True).message_count)
            except Exception:  # not declared yet: nothing can be waiting in it
                out[queue] = 0
    return out


class ServiceCollector(Collector):
    """The scrape-time series above, for a `prometheus_client` registry."""

    def __init__(self, sessions: Callable[[], Session], sender: Sender) -> None:
        self.sessions, self.sender = sessions, sender

    def collect(self) -> Iterator[Metric]:
        errors = GaugeMetricFamily("bantin_scrape_error",
                                   "1 when a source could not be read for this scrape",
                                   labels=["source"])
        try:
            yield from self._database()
            errors.add_metric(["database"], 0)
        except Exception as exc:
            log.warning("metrics: database unreadable: %s", exc)
            errors.add_metric(["database"], 1)
        try:
            depth = GaugeMetricFamily("bantin_queue_depth", "Tasks waiting per Celery queue",
                                      labels=["queue"])
            for queue, n in queue_depths(self.sender).items():
                depth.add_metric([queue], n)
            yield depth
            errors.add_metric(["broker"], 0)
        except Exception as exc:
            log.warning("metrics: broker unreachable: %s", exc)
            errors.add_metric(["broker"], 1)
        yield errors

    def _database(self) -> Iterator[Metric]:
        with self.sessions() as s:
            bulletins = {str(k): int(n) for k, n in s.execute(
                select(Bulletin.state, func.count()).group_by(Bulletin.state))}
            renditions = {str(k): int(n) for k, n in s.execute(
                select(Rendition.status, func.count()).group_by(Rendition.status))}
            samples = metrics_store.read(s)
        b = GaugeMetricFamily("bantin_bulletins", "Bulletins by publication state",
                              labels=["state"])
        for state in State:
            b.add_metric([str(state)], bulletins.get(str(state), 0))
        r = GaugeMetricFamily("bantin_renditions", "Renditions by status", labels=["status"])
        for status in RenditionStatus:
            r.add_metric([str(status)], renditions.get(str(status), 0))
        yield b
        yield r
        yield from _families(samples)


def _families(samples: list[metrics_store.Sample]) -> Iterator[Metric]:
    by_name: dict[str, list[metrics_store.Sample]] = {}
    for sample in samples:
        by_name.setdefault(sample.name, []).append(sample)
    for name, series in by_name.items():
        keys = sorted({k for s in series for k in s.labels})
        family: Any
        if series[0].kind == metrics_store.COUNTER:
            family = CounterMetricFamily(name.removesuffix("_total"), HELP.get(name, name),
                                         labels=keys)
        else:
            family = GaugeMetricFamily(name, HELP.get(name, name), labels=keys)
        for s in series:
            family.add_metric([str(s.labels.get(k, "")) for k in keys], s.value)
        yield family
    cache = {str(s.labels.get("result")): s.value for s in by_name.get(
        "bantin_sentence_cache_total", [])}
    lookups = cache.get("hit", 0.0) + cache.get("miss", 0.0)
    ratio = GaugeMetricFamily("bantin_sentence_cache_hit_ratio",
                              "Share of sentence-cache lookups that were hits (all time)")
    ratio.add_metric([], cache.get("hit", 0.0) / lookups if lookups else 0.0)
    yield ratio
