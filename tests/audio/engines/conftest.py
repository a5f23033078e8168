from __future__ import annotations

import pytest

from .fakegoogle import Sleeps


@pytest.fixture
def sleeps() -> Sleeps:
    """Record sleeps instead of waiting, so retry and backoff tests take no time."""
    return Sleeps()
