from __future__ import annotations

import os

import pytest


@pytest.fixture
def broker(embedded_redis: str) -> str:
    """The embedded Redis locally; the CI Redis when REDIS_URL is set."""
    return os.environ.get("REDIS_URL") or embedded_redis


@pytest.fixture
def ci_redis() -> str:
    from tests.conftest import need_env

    return need_env("REDIS_URL")
