"""What an outside accessibility audit of the reader pages found, each checked where a reader
meets it: the high-contrast theme's focus ring on today's current bulletin and the emergency
banner's link (WCAG 2.4.11, 1.4.3), the compact bar's speed box at 400 % zoom (1.4.10), and
the current sentence's outline kept clear of the bar (2.4.11)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from service.db import make_engine, make_session_factory
from service.models import Bulletin, utcnow
from tests.browser.conftest import DESKTOP, shot
from tests.browser.test_wcag import LUMINANCE
from tests.e2e.stack import Stack

CONTRAST = {"theme": "contrast"}
ZOOM_400 = {"width": 320, "height": 225}
AUDIO = "document.getElementById('audio')"
CURRENT_IS = "(id) => (document.querySelector('.s.is-current') || {}).id === id"


def test_focus_ring_on_todays_current_bulletin_in_high_contrast(
        new_page: Callable[..., Any], stack: Stack, bulletin: dict[str, Any]) -> None:
    """The current item is yellow in high contrast; the theme's cyan ring was 1.1:1 on it."""
    page = new_page(cookies=CONTRAST)
    page.goto(f"{stack.url}/hom-nay")
    page.locator(".playlist li[aria-current] a").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # by keyboard, so :focus-visible holds
    found = page.evaluate("() => {" + LUMINANCE + """
      const e = document.activeElement, li = e.closest('li[aria-current]');
      const ring = getComputedStyle(e).outlineColor;
      return {inCurrent: !!li, style: getComputedStyle(e).outlineStyle,
              ratio: ratio(ring, bgOf(li))}; }""")
    assert found["inCurrent"] and found["style"] != "none", found
    assert found["ratio"] >= 3, f"focus ring on the current bulletin: {found}"
    shot(page, "audit-today-contrast-focus", full_page=False)


def _stopped_emergency(stack: Stack) -> int:
    """A published emergency, then stopped and replaced by another bulletin (what a CAP
    Update does), so its banner links to the new one."""
    body: dict[str, Any] = {
        "title": "Lũ quét ở các xã vùng cao", "lead": "Nước lên nhanh ở các suối.",
        "body": "Người dân không qua suối. Di chuyển lên vùng cao.", "author": "Đài xã",
        "priority": "emergency", "hazard": "flood", "risk_level": 4,
        "instruction": "Không qua suối khi nước lên."}
    resp = requests.post(f"{stack.url}/api/v1/bulletins", json=body, headers=stack.headers(),
                         timeout=30)
    assert resp.status_code == 202, resp.text
    bid: int = resp.json()["id"]
    done = stack.wait_for(bid)
    assert done["status"] == "ready", f"{done}\n{stack.logs()}"
    stack.publish(bid)
    engine = make_engine(stack.settings)
    try:
        with make_session_factory(engine)() as s:
            b = s.get(Bulletin, bid)
            assert b is not None
            b.stopped_at, b.superseded_by = utcnow(), bid + 1000
            s.commit()
    finally:
        engine.dispose()
    return bid


def test_emergency_banner_follows_high_contrast(new_page: Callable[..., Any],
                                                stack: Stack) -> None:
    """The banner was a white box in the black theme: its yellow link was 1.06:1."""
    bid = _stopped_emergency(stack)
    page = new_page(cookies=CONTRAST)
    page.goto(f"{stack.url}/bulletins/{bid}")
    banner = page.locator(".broadcast-banner")
    link = banner.get_by_role("link", name="bản tin mới")
    assert link.count() == 1, banner.inner_html()
    found = page.evaluate("() => {" + LUMINANCE + """
      const b = document.querySelector('.broadcast-banner'), a = b.querySelector('a');
      const h = b.querySelector('h2');
      return {link: ratio(getComputedStyle(a).color, bgOf(a)),
              heading: ratio(getComputedStyle(h).color, bgOf(h))}; }""")
    assert found["link"] >= 4.5 and found["heading"] >= 4.5, found
    shot(page, "audit-emergency-banner-contrast", full_page=False)


def _open_with_bar(new_page: Callable[..., Any], stack: Stack, bulletin: dict[str, Any],
                   viewport: dict[str, int], playing: bool) -> Any:
    """The reading page scrolled down to the middle, the compact bar showing. Playing, with
    auto-scroll off (it would bring the page back up to the voice and hide the bar)."""
    page = new_page(viewport=viewport, reduced_motion="reduce")
    page.goto(f"{stack.url}/bulletins/{bulletin['id']}")
    page.wait_for_selector("[data-controls]:not([hidden])")
    if playing:
        page.get_by_label("Tự cuộn theo giọng đọc").uncheck()
        page.locator("[data-act=toggle]").click()
        page.wait_for_function(f"() => {AUDIO}.currentTime > 0.3 && !{AUDIO}.paused",
                               timeout=15000)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    page.locator("[data-bar]").wait_for(state="visible")
    return page


def test_bar_speed_box_is_not_squeezed_at_400_percent(new_page: Callable[..., Any],
                                                      stack: Stack,
                                                      bulletin: dict[str, Any]) -> None:
    """At 320 px the bar's "Tạm dừng" squeezed the speed box to "1 l": a low-vision reader
    could not read the speed. Its width must be the width it needs."""
    page = _open_with_bar(new_page, stack, bulletin, ZOOM_400, playing=True)
    bar = page.locator("[data-bar]")
    bar.get_by_label("Tốc độ").select_option("1.75")
    widths = page.evaluate("""() => {
      const box = document.querySelector('[data-bar] .bar-rate'), sel = box.querySelector('select');
      const squeezed = sel.getBoundingClientRect().width;
      box.style.flexShrink = '0';
      const needed = sel.getBoundingClientRect().width;
      box.style.flexShrink = '';
      return {squeezed, needed}; }""")
    assert widths["squeezed"] >= widths["needed"] - 1, widths
    toggle = bar.get_by_role("button", name="Tạm dừng", exact=True)
    assert toggle.is_visible(), "the toggle keeps its name while it shows its icon only"
    box = toggle.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client
    assert bar.bounding_box()["height"] <= ZOOM_400["height"] * 0.25, "still one row"
    page.evaluate(f"{AUDIO}.pause()")
    shot(page, "audit-bar-400", full_page=False)
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, ZOOM_400], ids=["desktop", "zoom-400"])
def test_current_sentence_outline_clears_the_bar(viewport: dict[str, int],
                                                 new_page: Callable[..., Any], stack: Stack,
                                                 bulletin: dict[str, Any]) -> None:
    """The next sentence sits just above the bar (its box clear, its outline not); "Câu
    sau" must bring it, outline and all, above the bar."""
    page = _open_with_bar(new_page, stack, bulletin, viewport, playing=False)
    bar = page.locator("[data-bar]")
    # A sentence shorter than the space above the bar, and the one before it.
    placed = page.evaluate("""() => {
      const bar = document.querySelector('[data-bar]'), top = bar.getBoundingClientRect().top;
      const stops = [...document.querySelectorAll('.transcript .s[data-start]')];
      const k = stops.findIndex((s, i) => i > 1 && s.getBoundingClientRect().height < top / 2);
      const a = document.getElementById('audio');
      a.currentTime = parseFloat(stops[k - 1].dataset.start) + 0.1;
      return [stops[k - 1].id, stops[k].id]; }""")
    before, placed = placed
    page.wait_for_function(CURRENT_IS, arg=before)
    page.evaluate("""(id) => {
      const bar = document.querySelector('[data-bar]'), s = document.getElementById(id);
      window.scrollBy(0, s.getBoundingClientRect().bottom - (bar.getBoundingClientRect().top - 1));
    }""", placed)
    assert bar.is_visible()
    bar.get_by_role("button", name="Câu sau", exact=True).click()
    page.wait_for_function(CURRENT_IS, arg=placed)
    found = page.evaluate("""(id) => {
      const bar = document.querySelector('[data-bar]'), s = document.getElementById(id);
      const cs = getComputedStyle(s);
      return {bottom: s.getBoundingClientRect().bottom, top: s.getBoundingClientRect().top,
              outline: parseFloat(cs.outlineWidth) + parseFloat(cs.outlineOffset || 0),
              bar: bar.getBoundingClientRect().top}; }""", placed)
    assert found["outline"] > 0, found
    assert found["top"] >= 0 and found["bottom"] + found["outline"] <= found["bar"], found
    assert page.js_errors == []


def test_speed_boxes_name_their_shortcuts(new_page: Callable[..., Any], stack: Stack,
                                          bulletin: dict[str, Any]) -> None:
    """Every button named its key; the speed boxes did not, so C and N (slower, faster)
    were heard of only in the shortcut table. The embed has no shortcuts and names none."""
    page = new_page()
    page.goto(f"{stack.url}/bulletins/{bulletin['id']}")
    page.wait_for_selector("[data-controls]:not([hidden])")
    boxes = [page.locator("#toc-do"), page.locator("#toc-do-thanh")]
    assert [b.get_attribute("aria-keyshortcuts") for b in boxes] == [
        "Alt+Shift+C Alt+Shift+N"] * 2
    page.keyboard.press("Alt+Shift+N")
    assert boxes[0].input_value() == "1.25" == boxes[1].input_value()
    page.get_by_text("Phím tắt của trình phát").click()
    page.get_by_label("Tổ hợp phím tắt").select_option("ctrl-alt")
    assert boxes[0].get_attribute("aria-keyshortcuts") == "Control+Alt+C Control+Alt+N"
    page.get_by_label("Bật phím tắt").uncheck()
    assert [b.get_attribute("aria-keyshortcuts") for b in boxes] == [None, None]
    page.goto(f"{stack.url}/embed/{bulletin['id']}?mode=compact")
    page.wait_for_selector("[data-controls]:not([hidden])")
    assert page.locator("#toc-do").get_attribute("aria-keyshortcuts") is None
    assert page.js_errors == []
