"""Server-rendered pages without a browser: the embed snippet and titles that are hard to show.

Bulletins are written straight to the database, so a title the API would refuse (only
invisible characters) can still be checked: the pages must stay sound whatever is stored.
They are published (readers get a 404 for drafts), and the pages are read as a reader.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import bulletins as uc
from service.models import Bulletin
from service.web.embed_code import embed_snippet
from service.web.pages import UNTITLED, display_title

TRICKY = 'Tin "nóng" <b>đậm</b> & giá 5 < 6 — \'trích\''


class Collect(HTMLParser):
    """Start tags with their (unescaped) attributes, and the text inside given tags."""

    def __init__(self, watch: tuple[str, ...] = ()) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.watch = watch
        self.open: list[str] = []
        self.text: dict[str, list[str]] = {t: [] for t in watch}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.watch:
            self.open.append(tag)
            self.text[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for tag in self.open:
            self.text[tag][-1] += data


def parse(html: str, *watch: str) -> Collect:
    p = Collect(watch)
    p.feed(html)
    p.close()
    return p


def store(app: Flask, title: str) -> int:
    with app.extensions["bantin"]["sessions"]() as s:
        b = Bulletin(title=title, lead="Sapo ngắn.", body="Câu một. Câu hai.", author="An")
        s.add(b)
        s.flush()  # the version number is set
        uc.publish(b)
        s.commit()
        return b.id


def test_snippet_escapes_attributes_once() -> None:
    code = embed_snippet("https://x.vn/embed/1?a=1&b=2", TRICKY)
    tags = parse(code).tags
    assert [t for t, _ in tags] == ["iframe"]
    attrs = tags[0][1]
    assert attrs["title"] == f"Nghe bản tin: {TRICKY}"
    assert attrs["src"] == "https://x.vn/embed/1?a=1&b=2"


def test_copied_embed_code_is_valid_html(app: Flask, client: FlaskClient) -> None:
    """What the textarea holds (what "Sao chép mã nhúng" copies) parses to one iframe whose
    title is the intended text, for a title with quotes, <, > and &."""
    bid = store(app, TRICKY)
    html = client.get(f"/bulletins/{bid}").get_data(as_text=True)
    page = parse(html, "textarea", "title", "h1")
    # the textareas' values, as the browser unescapes them: the full embed, the compact one
    assert len(page.text["textarea"]) == 2
    for copied, mode in zip(page.text["textarea"], ("full", "compact"), strict=True):
        tags = parse(copied).tags
        # the iframe, and the few lines that set its height from the embed's messages
        assert [t for t, _ in tags] == ["iframe", "script"], copied
        assert tags[0][1]["title"] == f"Nghe bản tin: {TRICKY}"
        src = urlsplit(str(tags[0][1]["src"]))
        assert src.path.endswith(f"/embed/{bid}")
        query = parse_qs(src.query)
        assert query["mode"] == [mode] and query["size"] == ["100"]
        assert query["frame"] == [tags[0][1]["id"]]
    # The page itself shows the title as text, escaped exactly once.
    assert page.text["h1"][0].strip() == TRICKY
    assert page.text["title"][0].startswith(TRICKY)
    assert "<b>" not in html.split("<textarea", 1)[0].split("<body", 1)[1]


@pytest.mark.parametrize("title", ["\u200b", " \u200b\u2060\ufeff ", "\u00ad"])
def test_invisible_title_never_renders_empty(app: Flask, client: FlaskClient, title: str) -> None:
    assert display_title(title) == UNTITLED
    bid = store(app, title)
    for path, prefix in ((f"/bulletins/{bid}", ""), (f"/embed/{bid}", "Nghe bản tin: ")):
        page = parse(client.get(path).get_data(as_text=True), "title", "h1")
        assert len(page.text["h1"]) == 1, path
        assert page.text["h1"][0].strip() == UNTITLED, path
        assert page.text["title"][0].startswith(prefix + UNTITLED), path
        labels = [a.get("aria-label") for t, a in page.tags if t == "audio"]
        assert all(label and UNTITLED in label for label in labels)
    index = parse(client.get("/").get_data(as_text=True), "a")
    assert UNTITLED in index.text["a"]


def test_visible_title_kept() -> None:
    assert display_title("  Tin sáng  ") == "Tin sáng"
    assert display_title("5") == "5"
    assert display_title("") == UNTITLED
    assert display_title(None) == UNTITLED
