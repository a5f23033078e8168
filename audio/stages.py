"""Seconds per stage of one piece of work, so the product measures itself.

The worker stores these on each rendition (normalize, synthesize, master and encode per
profile, store); benchmarks read them instead of re-timing the pipeline step by step.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Stages:
    """Accumulates wall-clock seconds by stage name (a stage may run several times)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def time(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def rounded(self) -> dict[str, float]:
        """Milliseconds precision: what is stored and logged."""
        return {k: round(v, 3) for k, v in self.seconds.items()}


@contextmanager
def maybe(stages: Stages | None, name: str) -> Iterator[None]:
    """`stages.time(name)` when there is something to record into."""
    if stages is None:
        yield
    else:
        with stages.time(name):
            yield
