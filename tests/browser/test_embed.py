"""The embed inside a portal: the page's own suggested code, pasted into a parent page
served from another origin (127.0.0.1 on another port), grows the iframe to its content;
the text-size buttons inside change that height; the compact one-row embed plays.

One parent page (module-scoped) holds both embeds; the checks run on it in order."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from tests.browser.conftest import DESKTOP, axe_clean
from tests.e2e.stack import Stack

FULL, COMPACT = "ma-nhung", "ma-nhung-gon"


class Textareas(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "textarea":
            self._in = dict(attrs).get("id") or ""
            self.values[self._in] = ""

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self.values[self._in] += data


def suggested_codes(stack: Stack, bulletin_id: int, size: int = 100) -> dict[str, str]:
    """The codes the reading page offers to copy (as a reader would copy them), for a
    reader whose text size is `size`."""
    p = Textareas()
    p.feed(requests.get(f"{stack.url}/bulletins/{bulletin_id}", timeout=30,
                        cookies={"bantin_size": str(size)}).text)
    return p.values


@pytest.fixture(scope="module")
def portal(stack: Stack, bulletin: dict[str, Any]) -> Iterator[str]:
    """A portal's page on another origin with both suggested codes pasted in."""
    codes = suggested_codes(stack, bulletin["id"])
    body = ("<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
            "<title>Cổng thông tin thử</title></head><body><main><h1>Cổng thông tin</h1>"
            f"<section><h2>Bản tin kèm toàn văn</h2>{codes[FULL]}</section>"
            f"<section><h2>Trình phát gọn</h2>{codes[COMPACT]}</section>"
            "</main></body></html>").encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def parent(browser: Any, portal: str) -> Iterator[Any]:
    ctx = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = ctx.new_page()
    page.goto(portal)
    yield page
    ctx.close()


def frame_of(page: Any, frame_id: str) -> Any:
    handle = page.wait_for_selector(f"iframe#{frame_id}")
    frame = handle.content_frame()
    frame.wait_for_selector("[data-controls]:not([hidden])")
    return frame


def settled(page: Any, frame_id: str, frame: Any, timeout: float = 15.0) -> int:
    """The iframe's height once it equals its document's height (what the embed posts).
    Both are read again on every poll: the embed's layout may still move (the audio's
    metadata arriving) between one reading and the next."""
    deadline = time.monotonic() + timeout
    while True:
        content = int(frame.evaluate(
            "Math.ceil(document.documentElement.getBoundingClientRect().height)"))
        if int(page.get_attribute(f"#{frame_id}", "height") or 0) == content:
            return content
        assert time.monotonic() < deadline, f"iframe never grew to {content} px"
        page.wait_for_timeout(100)


def test_full_embed_grows_to_its_content(parent: Any, stack: Stack,
                                         bulletin: dict[str, Any]) -> None:
    frame_id = f"bantin-{bulletin['id']}-full"
    first = int(suggested_codes(stack, bulletin["id"])[FULL].split('height="', 1)[1].split('"')[0])
    frame = frame_of(parent, frame_id)
    height = settled(parent, frame_id, frame)
    assert height > 1000, "the whole text, not a 420 px window onto it"
    assert height != first, "the height came from the embed, not the snippet"
    # Nothing is cut off or scrolls inside the iframe.
    inner = frame.evaluate("[document.documentElement.scrollHeight, window.innerHeight]")
    assert inner[0] <= inner[1] + 1, inner
    shown = parent.evaluate("(id) => document.getElementById(id).clientHeight", frame_id)
    assert abs(shown - height) <= 1, (shown, height)

    # A message from anywhere else (here: the portal page itself) is ignored.
    parent.evaluate("""(id) => window.postMessage({type: 'bantin:height', id, height: 50}, '*')""",
                    frame_id)
    parent.evaluate("() => new Promise(r => setTimeout(r, 200))")
    assert int(parent.get_attribute(f"#{frame_id}", "height")) != 50

    # Text size inside the embed: bigger text, a taller iframe; and back.
    frame.get_by_role("button", name="Tăng cỡ chữ").click()
    frame.get_by_role("button", name="Tăng cỡ chữ").click()
    assert frame.evaluate("document.documentElement.dataset.size") == "150"
    bigger = settled(parent, frame_id, frame)
    assert bigger > height * 1.2, (height, bigger)
    assert "150%" in frame.locator("[data-embed-size-status]").inner_text()
    frame.get_by_role("button", name="Giảm cỡ chữ").click()
    smaller = settled(parent, frame_id, frame)
    assert height < smaller < bigger


def test_compact_embed_is_one_row_and_plays(parent: Any, bulletin: dict[str, Any]) -> None:
    frame_id = f"bantin-{bulletin['id']}-compact"
    frame = frame_of(parent, frame_id)
    height = settled(parent, frame_id, frame)
    assert height < 120, f"one row at 1280 px, got {height}"
    row = frame.locator("[data-controls]")
    tops = row.evaluate("""(g) => [...g.querySelectorAll('button, select, .embed-duration')]
        .map(e => { const r = e.getBoundingClientRect(); return Math.round(r.top + r.height / 2); })
    """)
    assert max(tops) - min(tops) <= 8, tops
    assert "giây" in frame.locator(".embed-duration").inner_text()
    link = frame.get_by_role("link", name="Mở toàn văn bản tin trên bantin (mở cửa sổ mới)")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("href") == f"/bulletins/{bulletin['id']}"

    frame.get_by_role("button", name="Phát").click()
    frame.wait_for_function("() => document.getElementById('audio').currentTime > 0.3",
                            timeout=15000)
    toggle = frame.locator("[data-act=toggle]")
    assert toggle.inner_text().strip() == "Tạm dừng"
    # The pause icon is drawn (CSS), not a glyph a font may lack.
    icon = toggle.locator("[data-icon]")
    assert icon.get_attribute("data-icon") == "pause" and icon.inner_text() == ""
    assert icon.bounding_box()["width"] > 4
    frame.locator("#toc-do").select_option("1.5")
    assert frame.evaluate("document.getElementById('audio').playbackRate") == 1.5
    toggle.click()
    frame.wait_for_function("() => document.getElementById('audio').paused")
    frame.wait_for_selector("[data-act=toggle] [data-icon=play]")
    assert toggle.inner_text().strip() == "Phát"


def test_embeds_are_axe_clean(new_page: Any, stack: Stack, axe: Any,
                              bulletin: dict[str, Any]) -> None:
    codes = suggested_codes(stack, bulletin["id"])
    page = new_page(viewport={"width": 480, "height": 700})
    # The codes follow the reader's text size as they change it (no reload).
    page.goto(f"{stack.url}/bulletins/{bulletin['id']}")
    page.get_by_role("button", name="Tăng cỡ chữ").click()
    for field, code in ((FULL, codes[FULL]), (COMPACT, codes[COMPACT])):
        now = page.locator(f"#{field}").input_value()
        assert "&amp;size=125&amp;" in now and "&amp;size=100&amp;" in code
        assert now.replace("size=125", "size=100").split("height=")[0] == code.split("height=")[0]
        # the first height too, as the server makes it for a reader at that size
        assert now == suggested_codes(stack, bulletin["id"], 125)[field]
    for label, code in (("embed-full", codes[FULL]), ("embed-compact", codes[COMPACT])):
        src = code.split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        page.goto(src.replace("size=100", "size=200"))
        page.wait_for_selector("[data-controls]:not([hidden])")
        axe_clean(axe, page, f"{label}-text-200")
    assert page.js_errors == []
