"""A worker context over the test database, for tests that run pipeline steps in-process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from service.settings import Settings
from workers.admin import migrate
from workers.context import WorkerContext


@pytest.fixture
def worker_context(settings: Settings) -> Iterator[Callable[..., WorkerContext]]:
    """`worker_context(**overrides)`: a migrated database and a context with those
    settings (web audio only unless asked), closed after the test."""
    made: list[WorkerContext] = []

    def make(**overrides: Any) -> WorkerContext:
        migrate(settings)
        made.append(WorkerContext(settings.with_(**{"audio_profiles": ("web",), **overrides})))
        return made[-1]

    yield make
    for context in made:
        context.close()


@pytest.fixture
def ctx(worker_context: Callable[..., WorkerContext]) -> WorkerContext:
    """Web audio spoken by espeak-ng alone (offline, deterministic)."""
    return worker_context(tts_engines=("espeak",))
