"""axe-core finds nothing on every page in every reader state; the check itself works."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import APPROVER, DESKTOP, EDITOR, NARROW, axe_clean, sign_in
from tests.e2e.stack import Stack

STATES: dict[str, tuple[dict[str, int], dict[str, str]]] = {
    "default": (DESKTOP, {}),
    "text-200": (DESKTOP, {"size": "200"}),
    "narrow-320-text-200": (NARROW, {"size": "200"}),
    "narrow-320": (NARROW, {}),
    "contrast": (DESKTOP, {"theme": "contrast", "spacing": "wide"}),
}
PAGES = {"index": "/", "reading": "/bulletins/{id}", "embed": "/embed/{id}",
         "embed-compact": "/embed/{id}?mode=compact", "today": "/hom-nay", "editor": "/editor"}
#: pages only a signed-in user sees (read after the readers' pages, in the same context)
SIGNED_IN = {"editor": EDITOR}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("state", list(STATES))
def test_no_axe_violations(state: str, axe: Axe, new_page: Callable[..., Any], stack: Stack,
                           bulletin: dict[str, Any]) -> None:
    viewport, cookies = STATES[state]
    page = new_page(viewport=viewport, cookies=cookies)
    for name, path in PAGES.items():
        if name in SIGNED_IN:
            sign_in(page, stack, SIGNED_IN[name], then=path)
        page.goto(stack.url + path.format(id=bulletin["id"]))
        page.wait_for_load_state("load")
        if name in ("reading", "embed", "embed-compact"):
            page.wait_for_selector("[data-controls]:not([hidden])")
        # axe, lang="vi", and reflow: nothing scrolls sideways, even at 320 px and 200 % text
        axe_clean(axe, page, f"{name}-{state}", full_page=viewport == DESKTOP)
    assert page.js_errors == []


def test_axe_finds_violations_on_a_broken_page(axe: Axe, new_page: Callable[..., Any]) -> None:
    """Proves the check runs: an unlabelled image, button and field must be reported."""
    page = new_page()
    page.set_content("""<!doctype html><html><head><title>x</title></head><body><main>
        <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
        <button></button><input type="text">
        <p style="color:#bbb;background:#fff">nhạt quá</p></main></body></html>""")
    results = axe.run(page)
    ids = {v["id"] for v in results.response["violations"]}
    assert {"image-alt", "button-name", "label", "color-contrast", "html-has-lang"} <= ids, ids


@pytest.mark.parametrize("path", ["/bulletins/{id}", "/embed/{id}", "/", "/editor", "/login",
                                  "/review", "/audit", "/hom-nay"])
def test_page_structure(path: str, new_page: Callable[..., Any], stack: Stack,
                        bulletin: dict[str, Any]) -> None:
    """One h1, a main landmark, a meaningful Vietnamese title; reading page in portal order."""
    user = {"/editor": EDITOR, "/review": APPROVER, "/audit": APPROVER}.get(path)
    page = new_page(user=user)
    page.goto(stack.url + path.format(id=bulletin["id"]))
    assert urlparse(page.url).path == path.format(id=bulletin["id"]), page.url
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.title().strip() and page.title() != "bantin"
    if path == "/bulletins/{id}":
        assert bulletin["title"] in page.title()
        assert page.locator("header").count() and page.locator("nav").count()
        order = page.evaluate("""() => ['.date', 'form.toolbar', 'h1', '.lead',
            '.transcript p:not(.lead):not(.author)', '.author'].map(
            sel => document.querySelector(sel).getBoundingClientRect().top)""")
        assert order == sorted(order), order
        page.keyboard.press("Tab")
        skip = page.locator(":focus")
        assert skip.inner_text() == "Bỏ qua, đến nội dung chính"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "noi-dung"
