from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.settings import Settings
from service.web.app import create_app
from workers.admin import migrate, new_token


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
