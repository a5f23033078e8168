from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.settings import Settings
from service.web.app import create_app
from workers.admin import migrate, new_token


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The API tests run on PostgreSQL too when DATABASE_URL is set (as in CI)."""
    if os.environ.get("DATABASE_URL"):
        return replace(settings, database_url=request.getfixturevalue("pg_url"))
    return settings


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    migrate(settings)
    app = create_app(settings)
    yield app
    app.extensions["bantin"]["engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def token(settings: Settings, app: Flask) -> str:
    return new_token(settings, "editor", "test")


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
