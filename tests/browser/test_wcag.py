"""What axe cannot see: text spacing and reflow, target sizes, the contrast of focus rings
and of the time slider, and editor input errors (WCAG 2.2 AA 1.4.10, 1.4.11, 1.4.12,
2.4.7, 2.5.8, 3.3.1)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import APPROVER, DESKTOP, EDITOR, NARROW, shot
from tests.e2e.stack import Stack

PAGES = {"index": "/", "reading": "/bulletins/{id}", "embed": "/embed/{id}", "editor": "/editor",
         "login": "/login", "review": "/review", "audit": "/audit"}
#: who the newsroom's pages are opened as (signed in through /login)
USERS = {"/editor": EDITOR, "/review": APPROVER, "/audit": APPROVER}
#: The WCAG 1.4.12 text-spacing bookmarklet's styles.
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: .12em !important;
  word-spacing: .16em !important; } p { margin-bottom: 2em !important; }"""
#: The Content-Security-Policy refuses inline <style>, so the bookmarklet's styles come as a
#: stylesheet of the site's own origin (served by the test, never by the app).
SPACING_CSS = "/static/__test-text-spacing.css"
INTERACTIVE = "a[href], button, input, select, textarea, summary, [tabindex]"

LUMINANCE = """
  function rgb(c) { return (c.match(/[\\d.]+/g) || []).map(Number); }
  function lum(c) {
    var v = rgb(c).slice(0, 3).map(function (x) {
      x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }
  function ratio(a, b) {
    var x = lum(a), y = lum(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  function bgOf(el) {
    for (; el; el = el.parentElement) {
      var c = getComputedStyle(el).backgroundColor, a = rgb(c);
      if (a.length === 3 || (a.length === 4 && a[3] > 0)) { return c; }
    }
    return "rgb(255, 255, 255)";
  }
"""


def open_page(new_page: Callable[..., Any], stack: Stack, bulletin: dict[str, Any], path: str,
              **kw: Any) -> Any:
    page = new_page(user=USERS.get(path), **kw)
    page.goto(stack.url + path.format(id=bulletin["id"]))
    if "{id}" in path and kw.get("java_script_enabled", True):
        page.wait_for_selector("[data-controls]:not([hidden])")
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    return page


@pytest.mark.parametrize("size", ["100", "200"])
def test_text_spacing_at_320px_loses_nothing(size: str, new_page: Callable[..., Any], stack: Stack,
                                             bulletin: dict[str, Any]) -> None:
    """1.4.10 + 1.4.12: 320 CSS px (1280 px at 400 %) with the bookmarklet's spacing: no
    sideways scrolling, no control pushed off screen, no text clipped inside a box."""
    for name, path in PAGES.items():
        page = open_page(new_page, stack, bulletin, path, viewport=NARROW, cookies={"size": size})
        page.route(stack.url + SPACING_CSS, lambda route: route.fulfill(
            body=TEXT_SPACING, content_type="text/css"))
        page.add_style_tag(url=stack.url + SPACING_CSS)
        spacing = page.evaluate("getComputedStyle(document.querySelector('main p, main h1'))"
                                ".letterSpacing")
        assert spacing not in ("normal", "0px"), f"{name}: the spacing styles did not apply"
        problems = page.evaluate("""(sel) => {
          var vw = document.documentElement.clientWidth, out = [];
          if (document.documentElement.scrollWidth > vw) { out.push('page scrolls sideways'); }
          document.querySelectorAll('body *').forEach(function (el) {
            if (el.closest('.visually-hidden, .skip-links, [hidden]')) { return; }
            var r = el.getBoundingClientRect(), cs = getComputedStyle(el);
            var what = el.tagName + '.' + el.className;
            if (r.width && (r.right > vw + 1 || r.left < -1)) { out.push('off screen: ' + what); }
            if (cs.overflow !== 'visible' &&
                !/^(TEXTAREA|INPUT|SELECT|AUDIO|HTML|BODY)$/.test(el.tagName) &&
                (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
              out.push('clipped: ' + what);
            }
          });
          return out;
        }""", INTERACTIVE)
        assert problems == [], f"{name} at {size}%: {problems}"
        shot(page, f"{name}-text-spacing-320-{size}")


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "narrow"])
def test_targets_at_least_24px(viewport: dict[str, int], new_page: Callable[..., Any], stack: Stack,
                               bulletin: dict[str, Any]) -> None:
    """2.5.8: every control on every page is at least 24 × 24 CSS px. Sentences are words in
    running text (the inline exception); the skip links are off screen until focused."""
    for name, path in PAGES.items():
        page = open_page(new_page, stack, bulletin, path, viewport=viewport)
        small = page.evaluate("""(sel) => {
          var out = [];
          document.querySelectorAll(sel).forEach(function (el) {
            if (el.matches('.s, main, input[type=hidden]') ||
                el.closest('[hidden], .visually-hidden')) { return; }
            if (el.matches('.skip-link')) { el.focus(); }
            var r = el.getBoundingClientRect();
            if (r.width < 24 || r.height < 24) {
              out.push(el.tagName + ' "' + (el.innerText || el.id).slice(0, 40) + '" ' +
                       Math.round(r.width) + 'x' + Math.round(r.height));
            }
          });
          return out;
        }""", INTERACTIVE)
        assert small == [], f"{name}: {small}"


@pytest.mark.parametrize("theme", ["default", "contrast"])
def test_focus_indicator_contrast(theme: str, new_page: Callable[..., Any], stack: Stack,
                                  bulletin: dict[str, Any]) -> None:
    """2.4.7 + 1.4.11: every control, focused from the keyboard, shows an outline at least
    2 px wide whose colour has 3:1 against what is behind it, in both themes."""
    for name, path in PAGES.items():
        page = open_page(new_page, stack, bulletin, path, cookies={"theme": theme})
        page.keyboard.press("Tab")  # keyboard modality, so :focus-visible applies
        bad = page.evaluate("(sel) => {" + LUMINANCE + """
          var out = [];
          document.querySelectorAll(sel).forEach(function (el) {
            if (el.matches('main, input[type=hidden]') ||
                el.closest('[hidden], .visually-hidden') ||
                (el.tabIndex < 0 && !el.matches('.s'))) { return; }
            el.focus();
            if (document.activeElement !== el) { return; }
            var cs = getComputedStyle(el), behind = bgOf(el.parentElement);
            var r = ratio(cs.outlineColor, behind);
            if (cs.outlineStyle === 'none' || parseFloat(cs.outlineWidth) < 2 || r < 3) {
              out.push(el.tagName + ' "' + (el.innerText || el.id).slice(0, 30) + '" ' +
                       cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor +
                       ' on ' + behind + ' = ' + r.toFixed(2));
            }
          });
          return out;
        }""", INTERACTIVE)
        assert bad == [], f"{theme} {name}: {bad}"


@pytest.mark.parametrize("theme", ["default", "contrast"])
def test_time_slider_track_is_visible(theme: str, new_page: Callable[..., Any], stack: Stack,
                                      bulletin: dict[str, Any]) -> None:
    """1.4.11: the slider's track (not only its thumb) stands out 3:1 from the player panel.
    The thumb sits at 0, so the right half of the slider shows only the track."""
    image = pytest.importorskip("PIL.Image")
    page = open_page(new_page, stack, bulletin, "/bulletins/{id}", cookies={"theme": theme})
    panel = page.evaluate("getComputedStyle(document.querySelector('.player')).backgroundColor")
    slider = page.locator("[data-seek]")
    box = slider.bounding_box()
    png = page.screenshot(clip={"x": box["x"] + box["width"] / 2, "y": box["y"],
                                "width": box["width"] / 2 - 2, "height": box["height"]})
    raw = image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = {tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)}

    def lum(c: tuple[int, ...]) -> float:
        v = [x / 255 for x in c]
        v = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in v]
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]

    bg = lum(tuple(int(float(x)) for x in panel[panel.index("(") + 1:-1].split(",")[:3]))
    best = max((max(lum(p), bg) + 0.05) / (min(lum(p), bg) + 0.05) for p in pixels)
    assert best >= 3, f"{theme}: slider track contrast {best:.2f} against {panel}"


def test_forced_colors_slider_and_highlight(new_page: Callable[..., Any], stack: Stack,
                                            bulletin: dict[str, Any]) -> None:
    """Windows high contrast: the drawn slider keeps system colours and the highlight shows."""
    page = new_page()
    page.emulate_media(forced_colors="active")
    page.goto(f"{stack.url}/bulletins/{bulletin['id']}")
    page.wait_for_selector("[data-controls]:not([hidden])")
    page.get_by_role("button", name="Câu sau").click()
    current = page.locator(".s.is-current")
    assert current.count() == 1
    style = current.evaluate(
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).backgroundColor]")
    assert style[0] != "none" and style[1] not in ("rgba(0, 0, 0, 0)", "transparent")
    adjust = page.locator("[data-seek]").evaluate("e => getComputedStyle(e).forcedColorAdjust")
    assert adjust == "none"


def test_editor_never_cuts_a_long_paste(new_page: Callable[..., Any], stack: Stack) -> None:
    """3.3.1: a paste over the limit is kept whole and reported, not silently truncated."""
    page = new_page(user=EDITOR)
    page.goto(f"{stack.url}/editor")
    field = page.locator("#paste")
    limit = int(field.get_attribute("data-limit") or 0)
    assert field.get_attribute("maxlength") is None
    assert "bắt buộc" in page.locator("label[for=paste]").inner_text()
    field.evaluate(
        "(e, n) => { e.value = 'Tin. '.repeat(n); e.dispatchEvent(new Event('input')); }",
        limit // 5 + 10)
    assert field.evaluate("e => e.value.length") > limit
    assert "Quá giới hạn" in page.locator("#paste-help").inner_text()
    page.get_by_role("button", name="Gửi bản tin").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "quá giới hạn" in summary.inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "loi-tom-tat"


def test_english_code_is_marked_english(new_page: Callable[..., Any], stack: Stack,
                                        bulletin: dict[str, Any]) -> None:
    """3.1.2: code (commands, file hashes) is not read with the Vietnamese voice: it is
    marked English, on itself or on what holds it. The audit log shows the published
    sample's audio hashes, so there is code to check."""
    langs: list[str] = []
    for path in ("/editor", "/audit"):
        page = new_page(user=USERS[path])
        page.goto(stack.url + path)
        langs += page.evaluate(
            "[...document.querySelectorAll('code')].map(c => c.closest('[lang]').lang)")
    assert langs and set(langs) == {"en"}, langs
