from __future__ import annotations

import os
from dataclasses import replace

import pytest
from flask import Flask

from service.settings import Settings
from workers.admin import new_token


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The API tests run on PostgreSQL too when DATABASE_URL is set (as in CI)."""
    if os.environ.get("DATABASE_URL"):
        return replace(settings, database_url=request.getfixturevalue("pg_url"))
    return settings


@pytest.fixture
def token(settings: Settings, app: Flask) -> str:
    return new_token(settings, "editor", "test")


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
