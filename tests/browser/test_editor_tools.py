"""An editor who has never seen a shell: signs in, previews, listens to a sentence made by
the real worker ("Nghe thử"), fixes a word's pronunciation for the source ("Sửa cách
đọc"), sees the fix in the preview, and submits the draft for review."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tests.browser.conftest import EDITOR
from tests.e2e.stack import Stack


def preview(page: Any, source: str, title: str, sentence: str) -> Any:
    """Paste a short bulletin for `source` into the editor and preview it; its first
    sentence's list item (the title)."""
    page.get_by_label("Nội dung bản tin (bắt buộc)").fill(
        f"26/06/2020\n{title}\nSapo ngắn.\n{sentence} Câu thứ hai.\nHoàng Anh\n")
    page.get_by_label("Nguồn (không bắt buộc)").fill(source)
    page.get_by_role("button", name="Xem trước cách đọc").click()
    return page.locator(".preview-list li").first


def test_listen_fix_a_word_and_submit(new_page: Callable[..., Any], stack: Stack) -> None:
    page = new_page(user=EDITOR)
    source = f"nguon-{uuid.uuid4().hex[:6]}"
    word = f"Zalo{uuid.uuid4().hex[:4]}"
    first = preview(page, source, f"Ứng dụng {word} ra mắt", f"Người dùng {word} tăng nhanh.")
    first.get_by_role("button", name="Nghe thử câu").wait_for()

    # Nghe thử: the real worker makes the sample; the page plays it.
    first.get_by_role("button", name="Nghe thử câu").click()
    audio = first.locator("audio")
    audio.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => { const a = document.querySelector('.preview-list li audio');"
        " return a && a.readyState >= 1 && a.duration > 0.3; }", timeout=60_000)
    assert audio.get_attribute("src", timeout=1000).startswith("/audio/")
    assert "Đã có âm thanh thử." in first.inner_text()

    # Sửa cách đọc for this source, then the preview says it that way.
    first.get_by_role("button", name="Sửa cách đọc").click()
    assert first.get_by_role("button", name="Sửa cách đọc").get_attribute(
        "aria-expanded") == "true"
    first.get_by_label("Từ viết").fill(word)
    first.get_by_label("Đọc là").fill("da lô")
    assert first.get_by_label("Áp dụng cho").input_value() == "source"
    assert first.get_by_label("Áp dụng cho").locator("option").count() == 1  # not admin
    first.get_by_role("button", name="Lưu cách đọc").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.preview-list .spoken')]"
        ".some(p => p.textContent.includes('da lô'))", timeout=30_000)
    assert "Đã lưu cách đọc" in page.locator("#thong-bao").inner_text()

    # Submit: a draft, with the banner on its page and in "Bản tin của tôi".
    page.get_by_role("button", name="Gửi bản tin để duyệt").click()
    page.get_by_role("link", name="Mở trang đọc").wait_for()
    assert page.js_errors == []
    page.goto(f"{stack.url}/editor")
    assert f"Ứng dụng {word} ra mắt" in page.locator("#ban-nhap-cua-toi + *").inner_text()


def test_a_guessed_abbreviation_goes_to_the_lexicon_in_one_click(
        new_page: Callable[..., Any], stack: Stack) -> None:
    """An all-capital word no table knows is spelled, and the preview says it guessed;
    "Thêm … vào từ điển" opens the fix with the word filled in and the reading focused;
    saved for the source, the next preview reads it and guesses no more."""
    page = new_page(user=EDITOR)
    source = f"nguon-{uuid.uuid4().hex[:6]}"
    word = "QXZ" + "".join(c for c in uuid.uuid4().hex.upper() if c in "BCDFGHJKLMNPQRSTVWXZ")[:2]
    first = preview(page, source, f"Hội nghị của {word} tại xã", f"Đại diện {word} phát biểu.")
    add = first.get_by_role("button", name=f"Thêm “{word}” vào từ điển")
    add.wait_for()
    assert f"Đoán: chữ viết tắt chưa có trong bảng, đã đánh vần: {word}" in first.inner_text()
    assert "chữ viết tắt phải đoán" in page.locator(".preview-list").locator("..").inner_text()
    add.click()
    assert add.get_attribute("aria-expanded") == "true"
    assert first.get_by_label("Từ viết").input_value() == word
    assert page.evaluate("document.activeElement.id").startswith("sua-doc-")
    page.keyboard.type("hội quần xã")
    first.get_by_role("button", name="Lưu cách đọc").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.preview-list .spoken')]"
        ".some(p => p.textContent.includes('hội quần xã'))", timeout=30_000)
    page.get_by_role("button", name=f"Thêm “{word}” vào từ điển").first.wait_for(
        state="detached", timeout=30_000)
    assert "Đoán:" not in page.locator(".preview-list").inner_text()
    assert page.js_errors == []
