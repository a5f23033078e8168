"""Text size, line spacing and contrast: instant with JavaScript, a GET form without it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.conftest import EDITOR, NARROW, shot, sign_in
from tests.e2e.stack import Stack


def lead_px(page: Any) -> float:
    return float(page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.lead')).fontSize)"))


def test_text_size_buttons_with_javascript(new_page: Callable[..., Any], stack: Stack,
                                           bulletin: dict[str, Any]) -> None:
    page = new_page()
    url = f"{stack.url}/bulletins/{bulletin['id']}"
    page.goto(url)
    base = lead_px(page)
    status = page.locator("[data-prefs-status]")
    assert status.get_attribute("role") == "status"
    page.get_by_role("button", name="Tăng cỡ chữ").click()
    assert lead_px(page) == base * 1.25
    assert page.url == url, "with JavaScript the size changes without a reload"
    assert "125%" in status.inner_text()
    for _ in range(3):
        page.get_by_role("button", name="Tăng cỡ chữ").click()
    assert lead_px(page) == base * 2
    assert "200%" in status.inner_text()
    page.reload()
    assert lead_px(page) == base * 2, "the size is remembered"
    page.get_by_role("button", name="Giãn dòng rộng").click()
    page.get_by_role("button", name="Tương phản cao").click()
    assert "tương phản cao" in status.inner_text()
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert bg == "rgb(0, 0, 0)"
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "contrast"
    assert page.evaluate("document.documentElement.dataset.spacing") == "wide"
    page.get_by_role("button", name="Giảm cỡ chữ").click()
    assert lead_px(page) == base * 1.75
    page.get_by_role("button", name="Cỡ chữ mặc định").click()
    assert lead_px(page) == base
    assert page.js_errors == []


def test_text_size_without_javascript(new_page: Callable[..., Any], stack: Stack,
                                      bulletin: dict[str, Any]) -> None:
    page = new_page(java_script_enabled=False)
    url = f"{stack.url}/bulletins/{bulletin['id']}"
    page.goto(url)
    base = lead_px(page)
    for _ in range(4):
        page.get_by_role("button", name="Tăng cỡ chữ").click()
        page.wait_for_load_state("load")
    assert lead_px(page) == base * 2
    assert "200%" in page.locator("[data-prefs-status]").inner_text()
    page.get_by_role("button", name="Tương phản cao").click()
    page.wait_for_load_state("load")
    assert "Đã bật tương phản cao" in page.locator("[data-prefs-status]").inner_text()
    page.goto(url)  # a later visit, no query string: the cookie remembers
    assert lead_px(page) == base * 2
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    # The native player is the fallback, labelled in Vietnamese.
    audio = page.locator("audio")
    assert audio.get_attribute("controls") is not None
    assert audio.get_attribute("aria-label").startswith("Âm thanh bản tin")
    shot(page, "reading-no-javascript-200")


def test_no_horizontal_scroll_at_320px_and_max_size(new_page: Callable[..., Any], stack: Stack,
                                                    bulletin: dict[str, Any]) -> None:
    page = new_page(viewport=NARROW, cookies={"size": "250"})
    for path in (f"/bulletins/{bulletin['id']}", f"/embed/{bulletin['id']}", "/", "/editor"):
        if path == "/editor":
            sign_in(page, stack, EDITOR)
        page.goto(stack.url + path)
        page.wait_for_load_state("load")
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, (path, scroll, client)
