from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

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


@pytest.fixture
def approver_auth(settings: Settings, app: Flask) -> dict[str, str]:
    return {"Authorization": f"Bearer {new_token(settings, 'approver', 'test-approver')}"}


@pytest.fixture
def admin_auth(settings: Settings, app: Flask) -> dict[str, str]:
    return {"Authorization": f"Bearer {new_token(settings, 'admin', 'test-admin')}"}


@pytest.fixture
def publish(client: Any, approver_auth: dict[str, str]) -> Callable[[int], None]:
    """Publish a bulletin as an approver (what readers see from then on)."""

    def do(bulletin_id: int) -> None:
        resp = client.post(f"/api/v1/bulletins/{bulletin_id}/publish", headers=approver_auth)
        assert resp.status_code == 200, resp.get_json()

    return do
