"""Keyboard only: every control reachable and usable, sentences seekable, shortcuts opt-out.

Shortcuts are Alt+Shift+letter (a bare letter belongs to the screen reader's browse mode)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.e2e.stack import Stack

FOCUSED = """() => { const e = document.activeElement;
  return {tag: e.tagName, id: e.id, act: e.dataset.act || null, text: (e.innerText || '').trim(),
          label: e.labels && e.labels[0] ? e.labels[0].innerText.trim() : null,
          sentence: e.classList.contains('s')}; }"""


def tab_until(page: Any, pred: Callable[[dict[str, Any]], bool], limit: int = 80) -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        info: dict[str, Any] = page.evaluate(FOCUSED)
        if pred(info):
            return info
    raise AssertionError("never reached by Tab")


def test_every_control_reachable_by_tab(new_page: Callable[..., Any], stack: Stack,
                                        bulletin: dict[str, Any]) -> None:
    page = new_page()
    page.goto(f"{stack.url}/bulletins/{bulletin['id']}")
    page.wait_for_selector("[data-controls]:not([hidden])")
    seen: list[dict[str, Any]] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUSED)
        if seen and info == seen[0]:
            break
        seen.append(info)
    acts = {s["act"] for s in seen if s["act"]}
    assert acts == {"toggle", "back", "forward", "prev-sentence", "next-sentence",
                    "prev-paragraph", "next-paragraph"}, acts
    labels = {s["label"] for s in seen if s["label"]}
    assert {"Vị trí", "Tốc độ đọc"} <= labels, labels
    texts = {s["text"] for s in seen}
    for name in ("Tăng cỡ chữ", "Giảm cỡ chữ", "Cỡ chữ mặc định", "Giãn dòng rộng",
                 "Tương phản cao", "Phím tắt của trình phát", "Sao chép mã nhúng",
                 "MP3 (phổ biến nhất)"):
        assert any(t.startswith(name) for t in texts), (name, texts)
    # The whole transcript is a single tab stop (roving tabindex), not one per sentence.
    assert sum(1 for s in seen if s["sentence"]) == 1


def test_play_seek_and_shortcuts_by_keyboard(new_page: Callable[..., Any], stack: Stack,
                                             bulletin: dict[str, Any]) -> None:
    page = new_page()
    page.goto(f"{stack.url}/bulletins/{bulletin['id']}")
    page.wait_for_selector("[data-controls]:not([hidden])")
    tab_until(page, lambda i: i["act"] == "toggle")
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert page.locator("[data-act=toggle]").inner_text().endswith("Tạm dừng")
    page.keyboard.press(" ")
    page.wait_for_function("() => document.getElementById('audio').paused")

    # Shortcuts work while the player has focus: Alt+Shift+L = forward 10 s.
    before = page.evaluate("document.getElementById('audio').currentTime")
    page.keyboard.press("Alt+Shift+L")
    after = page.evaluate("document.getElementById('audio').currentTime")
    assert 9 < after - before < 11
    page.keyboard.press("Alt+Shift+K")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    page.keyboard.press("Alt+Shift+K")
    page.wait_for_function("() => document.getElementById('audio').paused")
    # A bare letter is the screen reader's, never the player's.
    paused_at = page.evaluate("document.getElementById('audio').currentTime")
    for key in ("l", "k", "L"):
        page.keyboard.press(key)
    assert page.evaluate("document.getElementById('audio').currentTime") == paused_at
    assert page.evaluate("document.getElementById('audio').paused") is True

    # Speed: the native select, by keyboard.
    tab_until(page, lambda i: i["label"] == "Tốc độ đọc")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.getElementById('audio').playbackRate") == 1.25
    assert page.evaluate("document.getElementById('audio').preservesPitch") is True

    # Switch shortcuts off with the keyboard; then Alt+Shift+L does nothing, and the choice
    # is kept.
    info = tab_until(page, lambda i: i["text"] == "Phím tắt của trình phát")
    page.keyboard.press("Enter")
    info = tab_until(page, lambda i: i["label"] == "Bật phím tắt")
    assert info["tag"] == "INPUT"
    page.keyboard.press(" ")
    assert page.locator("#bat-phim-tat").is_checked() is False
    t0 = page.evaluate("document.getElementById('audio').currentTime")
    page.keyboard.press("Alt+Shift+L")
    assert page.evaluate("document.getElementById('audio').currentTime") == t0
    page.reload()
    page.wait_for_selector("[data-controls]:not([hidden])")
    assert page.locator("#bat-phim-tat").is_checked() is False
    assert page.evaluate("document.getElementById('audio').playbackRate") == 1.25, "speed kept"

    # Seek to a sentence: Tab to the transcript, arrows to choose, Enter to read from there.
    info = tab_until(page, lambda i: i["sentence"])
    # Entering the transcript says what it is for: a named group described by the visible
    # hint. The sentences themselves stay plain text (no role), so reading is not noisy.
    group = page.evaluate("""() => { const t = document.activeElement.closest('[data-transcript]');
      const hint = document.getElementById(t.getAttribute('aria-describedby'));
      return {role: t.getAttribute('role'), name: t.getAttribute('aria-label'),
              hint: hint && !hint.hidden ? hint.innerText : null,
              sentenceRole: document.activeElement.getAttribute('role'),
              live: !!t.closest('[aria-live]')}; }""")
    assert group["role"] == "group"
    assert group["name"] == "Nội dung bản tin — chọn câu để nghe từ đó"
    assert group["hint"] and "Enter" in group["hint"]
    assert group["sentenceRole"] is None and group["live"] is False
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.id")
    page.keyboard.press("Enter")
    start = float(page.locator(f"#{focused}").get_attribute("data-start"))
    page.wait_for_function(
        f"() => document.querySelector('#{focused}').getAttribute('aria-current') === 'true'")
    t = page.evaluate("document.getElementById('audio').currentTime")
    assert start - 0.01 <= t < start + 3
    assert page.evaluate("document.activeElement.id") == focused, "focus stays put"
    page.evaluate("document.getElementById('audio').pause()")

    # The same by a real button, the next Tab stop: it names the chosen sentence.
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.activeElement.id")
    info = tab_until(page, lambda i: i["text"] == "Đọc từ câu đang chọn", limit=2)
    assert info["tag"] == "BUTTON"
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == chosen
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => document.querySelector('#{chosen}').getAttribute('aria-current') === 'true'")
    assert page.evaluate("document.activeElement.dataset.readFrom") == "", "focus stays put"
    page.evaluate("document.getElementById('audio').pause()")
    assert page.js_errors == []


def test_embed_has_no_shortcuts(new_page: Callable[..., Any], stack: Stack,
                                bulletin: dict[str, Any]) -> None:
    """The embed has no shortcut list or switch, so no key does anything there, and nothing
    on the page (visible or for screen readers) mentions shortcuts."""
    page = new_page()
    page.goto(f"{stack.url}/embed/{bulletin['id']}")
    page.wait_for_selector("[data-controls]:not([hidden])")
    assert page.locator("[data-shortcuts], [data-shortcuts-toggle], #goi-y-phim-tat").count() == 0
    assert "Phím tắt" not in page.evaluate("document.body.textContent")
    assert page.locator("[aria-describedby~=goi-y-phim-tat]").count() == 0
    tab_until(page, lambda i: i["act"] == "forward")
    t0 = page.evaluate("document.getElementById('audio').currentTime")
    for key in ("l", "k", ".", "Alt+Shift+L", "Alt+Shift+K", "Alt+Shift+O"):
        page.keyboard.press(key)
    assert page.evaluate("document.getElementById('audio').currentTime") == t0
    assert page.evaluate("document.getElementById('audio').paused") is True
    # The transcript still works from the keyboard, as the embed's hint says.
    tab_until(page, lambda i: i["sentence"])
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.id")
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => document.querySelector('#{focused}').getAttribute('aria-current') === 'true'")
    page.evaluate("document.getElementById('audio').pause()")
    assert page.js_errors == []
