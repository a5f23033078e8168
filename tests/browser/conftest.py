"""A real Chromium against the real service (gunicorn + a Celery worker process).

One stack and one ready bulletin (the sample) per session keep the suite fast. Chromium
is Debian's (`/usr/bin/chromium`): Playwright cannot download browsers here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import REQUIRE_SERVICES, ROOT, SAMPLE
from tests.e2e.stack import Stack, run_stack

CHROMIUM = os.environ.get("BANTIN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required"]
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if REQUIRE_SERVICES:
            pytest.fail(f"{CHROMIUM} is missing and BANTIN_REQUIRE_SERVICES=1")
        pytest.skip(f"{CHROMIUM} not installed (apt install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def stack(browser: Any, embedded_redis: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Stack]:
    broker = os.environ.get("REDIS_URL") or embedded_redis
    with run_stack(tmp_path_factory.mktemp("browser"), broker) as s:
        yield s


def submit(stack: Stack, text: str) -> dict[str, Any]:
    resp = requests.post(f"{stack.url}/api/v1/bulletins", data=text.encode(), timeout=30,
                         headers=stack.headers(**{"Content-Type": "text/plain; charset=utf-8"}))
    assert resp.status_code == 202, resp.text
    body: dict[str, Any] = resp.json()
    return body


@pytest.fixture(scope="session")
def bulletin(stack: Stack) -> dict[str, Any]:
    """The sample bulletin, submitted once and rendered by the real worker."""
    created = submit(stack, SAMPLE.read_text(encoding="utf-8"))
    done = stack.wait_for(created["id"])
    assert done["status"] == "ready", done
    return done


@pytest.fixture
def new_page(browser: Any, stack: Stack) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh context (its own cookies); every context is closed after."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None, cookies: dict[str, str] | None = None,
             **options: Any) -> Any:
        ctx = browser.new_context(viewport=viewport or DESKTOP, locale="vi-VN", **options)
        contexts.append(ctx)
        if cookies:
            ctx.add_cookies([{"name": f"bantin_{k}", "value": v, "url": stack.url}
                             for k, v in cookies.items()])
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def shot(page: Any, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
