"""While audio is being made: status shown and announced, then the player without a reload;
and the editor (signed in): parsed fields, spoken-form preview, submit, progress, and what
a lost or replaced session says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.conftest import EDITOR, bulletin_count, publish, shot, sign_in, submit
from tests.conftest import SAMPLE
from tests.e2e.stack import Stack, stop_process


def test_status_then_player_without_reload(new_page: Callable[..., Any], stack: Stack,
                                           bulletin: dict[str, Any]) -> None:
    stop_process(stack.worker)  # hold the job in the queue so the "queued" state is certain
    try:
        text = SAMPLE.read_text(encoding="utf-8").rstrip() \
            + "\nMột câu mới để có bản tin khác.\nHoàng Anh\n"
        created = submit(stack, text)
        publish(stack, created["id"])  # readers may see it while its audio is made
        page = new_page()
        page.goto(f"{stack.url}/bulletins/{created['id']}")
        assert "chờ" in page.locator("[data-status-text]").inner_text()
        assert page.locator("progress[data-progress]").count() == 1
        assert page.locator("audio").count() == 0
        shot(page, "reading-queued", full_page=False)
        page.evaluate("window.__notReloaded = true")
        page.locator("h1").click()  # focus somewhere in the text; it must stay there
    finally:
        stack.start_worker()
    # The short first part (when the worker writes one) becomes playable before the whole.
    first = page.wait_for_function(
        "() => document.querySelector('audio[data-part=first]') ? 'first'"
        " : document.querySelector('.player[data-ready=true]') ? 'whole' : null",
        timeout=90000).json_value()
    if first == "first":
        assert page.locator("[data-controls]").is_visible()
        assert "phần đầu" in page.locator(".player").inner_text()
        shot(page, "reading-first-part", full_page=False)
    page.wait_for_selector(".player[data-ready=true] [data-controls]:not([hidden])",
                           timeout=90000)
    assert page.evaluate("window.__notReloaded") is True
    assert page.locator("audio[data-part=first]").count() == 0
    assert "sẵn sàng" in page.locator("[data-status-text]").inner_text()
    page.wait_for_function(
        "() => document.getElementById('thong-bao').textContent.includes('sẵn sàng')")
    assert page.locator(".s[data-start]").count() > 10, "timings arrived with the player"
    page.locator("[data-act=next-sentence]").click()
    assert page.evaluate("document.querySelector('.s[aria-current=true]').id") == "s-1"
    assert page.js_errors == []


def test_editor_preview_submit_progress(new_page: Callable[..., Any], stack: Stack) -> None:
    page = new_page(user=EDITOR)
    page.goto(f"{stack.url}/editor")
    sample = SAMPLE.read_text(encoding="utf-8")
    page.get_by_label("Nội dung bản tin").fill(sample)
    page.get_by_role("button", name="Xem trước cách đọc").click()
    result = page.locator("#editor-result")
    result.get_by_text("Cách đọc từng câu").wait_for()
    assert page.evaluate("document.activeElement.id") == "ket-qua"
    assert "Bắc Kạn triển khai Chỉ thị số 42-CT/TW" in result.locator("dl").inner_text()
    assert "26/06/2020" in result.locator("dl").inner_text()
    assert result.locator(".preview-list li").count() > 10
    assert "Đọc là:" in result.locator(".preview-list li").first.inner_text()
    shot(page, "editor-preview")
    page.get_by_role("button", name="Gửi bản tin").click()
    result.get_by_text("Đã nhận bản tin").wait_for()
    assert "bản nháp" in result.inner_text(), "the editor is told readers do not see it yet"
    progress = page.locator("#editor-progress")
    progress.get_by_role("link", name="Nghe bản tin trên trang đọc").wait_for(timeout=90000)
    assert "Đã tạo xong" in progress.inner_text()
    assert page.evaluate("document.querySelector('#editor-progress progress').value") == 100
    shot(page, "editor-submitted")
    assert page.js_errors == []


INVALID = """(id) => { const c = document.getElementById(id);
  const ids = (c.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  return {invalid: c.getAttribute('aria-invalid'),
          described: ids.map(i => document.getElementById(i).innerText).join(' | ')}; }"""


def test_editor_errors_name_fields_in_vietnamese(new_page: Callable[..., Any],
                                                 stack: Stack) -> None:
    page = new_page(user=EDITOR)
    page.goto(f"{stack.url}/editor")
    summary = page.locator("#loi-tom-tat")

    # Empty paste: checked before sending; the summary takes focus, the field is marked.
    page.get_by_role("button", name="Gửi bản tin").click()
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "loi-tom-tat"
    assert "Lỗi ở trường “Nội dung”" in summary.inner_text()
    paste = page.evaluate(INVALID, "paste")
    assert paste["invalid"] == "true"
    assert "Nội dung" in paste["described"] and "ký tự" in paste["described"], paste

    # A title and nothing else: the API's "body" error, in Vietnamese, on the textarea.
    page.get_by_label("Nội dung bản tin").fill("Chỉ có tiêu đề")
    page.get_by_role("button", name="Gửi bản tin").click()
    page.wait_for_function(
        "() => document.querySelector('#loi-tom-tat') && !document.querySelector('#loi-tom-tat')"
        ".innerText.includes('Hãy dán')")
    text = summary.inner_text()
    assert "“Nội dung”" in text or "“Tiêu đề”" in text, text
    assert "“body”" not in text and "“title”" not in text
    assert page.evaluate(INVALID, "paste")["invalid"] == "true"
    assert page.evaluate("document.activeElement.id") == "loi-tom-tat"

    # The session was replaced (the editor signed in again in another tab): this page's
    # CSRF token is stale. The error names the session in Vietnamese, marks no field as
    # wrong, and nothing is stored.
    page.get_by_label("Nội dung bản tin").fill(SAMPLE.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Xem trước cách đọc").click()
    page.locator("#editor-result").get_by_text("Cách đọc từng câu").wait_for()
    assert page.evaluate(INVALID, "paste")["invalid"] is None, "cleared on the next attempt"
    other = page.context.new_page()
    sign_in(other, stack, EDITOR)
    other.close()
    before = bulletin_count(stack)
    page.get_by_role("button", name="Gửi bản tin").click()
    page.wait_for_function("() => document.querySelector('#loi-tom-tat') && document.querySelector("
                           "'#loi-tom-tat').innerText.includes('Phiên làm việc')")
    text = summary.inner_text()
    assert "Lỗi ở trường “Phiên làm việc”" in text, text
    assert "tải lại trang" in text, text
    assert "CSRF check failed" not in text and "csrf_token" not in text, text
    assert page.evaluate("document.activeElement.id") == "loi-tom-tat"
    assert page.evaluate(INVALID, "paste")["invalid"] is None, "the paste is not the problem"
    assert page.evaluate("document.getElementById('paste').getAttribute('aria-describedby')") \
        == "paste-help"
    assert bulletin_count(stack) == before

    # Signed out (the session cookie expired or was cleared): a 401, said in Vietnamese as
    # "sign in again", never the API's message about bearer tokens.
    page.reload()  # a fresh token for the current session
    page.get_by_label("Nội dung bản tin").fill(SAMPLE.read_text(encoding="utf-8"))
    page.context.clear_cookies()
    page.get_by_role("button", name="Gửi bản tin").click()
    page.wait_for_function("() => document.querySelector('#loi-tom-tat') && document.querySelector("
                           "'#loi-tom-tat').innerText.includes('đăng nhập lại')")
    text = summary.inner_text()
    assert "Phiên đăng nhập đã hết; hãy đăng nhập lại rồi gửi." in text, text
    assert "Bearer" not in text and "token" not in text.lower(), text
    assert page.evaluate("document.activeElement.id") == "loi-tom-tat"
    assert page.evaluate(INVALID, "paste")["invalid"] is None
    assert bulletin_count(stack) == before
    page.reload()  # and the page itself now asks to sign in
    assert "/login?next=" in page.url and "editor" in page.url, page.url
    assert page.js_errors == []
