"""A real Chromium against the real service (gunicorn + a Celery worker process).

One stack and one ready, published bulletin (the sample) per session keep the suite fast.
Chromium is Debian's (`/usr/bin/chromium`): Playwright cannot download browsers here.

Bulletins are drafts until an approver publishes them: a test that reads a bulletin's
public page publishes it first (`publish`). The newsroom pages need a signed-in user:
`sign_in` goes through the real /login page with one of the accounts made for the stack
(`EDITOR`, `APPROVER`); `new_page(user=EDITOR)` opens a page that is signed in already.

The pages' Content-Security-Policy forbids eval, and Playwright evaluates a bare string
given to `wait_for_function` with eval on every poll after the first: predicates are
written as arrow functions (`"() => ..."`), which are evaluated once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import pytest
import requests
from sqlalchemy import func, select

from service.db import make_engine, make_session_factory
from service.models import Bulletin
from tests.conftest import REQUIRE_SERVICES, ROOT, SAMPLE
from tests.e2e.stack import Stack, run_stack
from workers.admin import new_user

CHROMIUM = os.environ.get("BANTIN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required"]
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}
#: The stack's accounts (passwords: at least 10 characters).
EDITOR = {"name": "bien-tap-vien", "password": "mat-khau-bien-tap", "role": "editor"}
APPROVER = {"name": "nguoi-duyet", "password": "mat-khau-nguoi-duyet", "role": "approver"}
#: One browser signs in, previews and submits far more often than a person: the limits
#: have their own tests (tests/service/test_newsroom.py) with the real defaults.
LIMITS = {"RATE_LIMIT_LOGIN": "100000 per minute", "RATE_LIMIT_WRITES": "100000 per minute",
          "RATE_LIMIT_PREVIEW": "100000 per minute", "RATE_LIMIT_BAD_AUTH": "100000 per minute"}


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
    with run_stack(tmp_path_factory.mktemp("browser"), broker, extra_env=LIMITS) as s:
        for user in (EDITOR, APPROVER):
            new_user(s.settings, user["name"], user["password"], user["role"])
        yield s


def submit(stack: Stack, text: str) -> dict[str, Any]:
    resp = requests.post(f"{stack.url}/api/v1/bulletins", data=text.encode(), timeout=30,
                         headers=stack.headers(**{"Content-Type": "text/plain; charset=utf-8"}))
    assert resp.status_code == 202, resp.text
    body: dict[str, Any] = resp.json()
    return body


def publish(stack: Stack, bulletin_id: int) -> None:
    """An approver publishes the bulletin (the API); from then on readers get it."""
    stack.publish(bulletin_id)
    resp = requests.get(f"{stack.url}/api/v1/bulletins/{bulletin_id}", timeout=30)
    assert resp.status_code == 200, f"published, yet hidden from readers: {resp.text}"


def public_status(stack: Stack, path: str) -> int:
    """The HTTP status a reader (no cookie, no token) gets for `path`."""
    return requests.get(stack.url + path, timeout=30, allow_redirects=False).status_code


def bulletin_count(stack: Stack) -> int:
    """How many bulletins the database holds, whatever their state."""
    engine = make_engine(stack.settings)
    try:
        with make_session_factory(engine)() as s:
            return int(s.scalar(select(func.count()).select_from(Bulletin)) or 0)
    finally:
        engine.dispose()


def sign_in(page: Any, stack: Stack, user: dict[str, str], then: str = "/editor") -> None:
    """Sign in through the real /login form, as a person does; lands on `then`."""
    page.goto(f"{stack.url}/login?next={quote(then)}")
    page.get_by_label("Tên đăng nhập").fill(user["name"])
    page.get_by_label("Mật khẩu").fill(user["password"])
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    assert urlparse(page.url).path == urlparse(then).path, page.url
    account = page.locator("header .account")
    assert user["name"] in account.inner_text()
    assert account.get_by_role("button", name="Đăng xuất").count() == 1


@pytest.fixture(scope="session")
def bulletin(stack: Stack) -> dict[str, Any]:
    """The sample bulletin, submitted once, rendered by the real worker and published."""
    created = submit(stack, SAMPLE.read_text(encoding="utf-8"))
    done = stack.wait_for(created["id"])
    assert done["status"] == "ready", f"{done.get('error')}\n{done}\n{stack.logs()}"
    publish(stack, created["id"])
    return done


@pytest.fixture
def new_page(browser: Any, stack: Stack) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh context (its own cookies), signed in as `user` if given;
    every context is closed after. `page.js_errors` collects uncaught errors and whatever
    the Content-Security-Policy refused (Chromium reports both on the console), so the
    tests that assert no errors also assert that the pages never break their own CSP."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None, cookies: dict[str, str] | None = None,
             user: dict[str, str] | None = None, **options: Any) -> Any:
        ctx = browser.new_context(viewport=viewport or DESKTOP, locale="vi-VN", **options)
        contexts.append(ctx)
        if cookies:
            ctx.add_cookies([{"name": f"bantin_{k}", "value": v, "url": stack.url}
                             for k, v in cookies.items()])
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text)
                if msg.type == "error" and "Content Security Policy" in msg.text else None)
        page.js_errors = errors
        if user is not None:
            sign_in(page, stack, user)
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def shot(page: Any, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def axe_clean(axe: Any, page: Any, label: str, full_page: bool = True) -> None:
    """No axe violation, `lang="vi"`, no sideways scrolling; a screenshot for the record."""
    page.wait_for_load_state("load")
    results = axe.run(page)
    assert results.violations_count == 0, f"{label}:\n{results.generate_report()}"
    assert page.evaluate("document.documentElement.lang") == "vi"
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, f"{label}: horizontal scroll {scroll} > {client}"
    shot(page, label.replace(" ", "-"), full_page=full_page)
