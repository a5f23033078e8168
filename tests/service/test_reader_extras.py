"""The small things readers notice, without a browser: one duration wording, downloads
named by date and title, the embed's two modes and its code, "Nghe tiếp", today's list,
and a Vietnamese 404 with somewhere to go."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import Flask

from service.db import session_scope
from service.durations import clock, spoken_duration
from service.models import Bulletin, Rendition, StoredName, utcnow
from service.settings import Settings
from service.web.embed_code import initial_height, snippets


@pytest.mark.parametrize(("seconds", "words"), [
    (276, "4 phút 36 giây"), (276.4, "4 phút 36 giây"), (275.6, "4 phút 36 giây"),
    (60, "1 phút"), (5, "5 giây"), (2.5, "3 giây"), (0, "0 giây"), (None, "0 giây"),
    (-3, "0 giây"),
    (3600, "1 giờ"), (3725, "1 giờ 2 phút 5 giây"), (3605, "1 giờ 5 giây"),
])
def test_one_duration_wording(seconds: float | None, words: str) -> None:
    assert spoken_duration(seconds) == words


@pytest.mark.parametrize(("seconds", "shown", "words"), [
    (276.6, "4:37", "4 phút 37 giây"), (276.4, "4:36", "4 phút 36 giây"),
    (3725, "1:02:05", "1 giờ 2 phút 5 giây"), (59.5, "1:00", "1 phút"),
])
def test_the_clock_beside_the_player_agrees_with_the_words(seconds: float, shown: str,
                                                           words: str) -> None:
    assert (clock(seconds), spoken_duration(seconds)) == (shown, words)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    p = Links()
    p.feed(html)
    return p.tags


def make(client: Any, auth: dict[str, str], publish: Any, app: Flask, title: str,
         seconds: int = 276, published: bool = True, days_ago: int = 0) -> tuple[int, str]:
    """A bulletin whose current rendition is ready with a real web MP3 in storage."""
    resp = client.post("/api/v1/bulletins", json={"title": title, "body": "Nội dung một câu."},
                       headers=auth)
    bid = int(resp.get_json()["id"])
    name = app.extensions["bantin"]["storage"].put(b"ID3" + bytes(64) + title.encode(), "mp3")
    with session_scope(app.extensions["bantin"]["sessions"]) as s:
        b = s.get(Bulletin, bid)
        assert b is not None
        r = s.get(Rendition, b.current_rendition_id)
        assert r is not None
        r.status, r.duration_ms = "ready", seconds * 1000
        r.files = {"mp3": {"name": name, "bytes": 70, "duration_ms": seconds * 1000,
                           "profile": "web"}}
        s.add(StoredName(name=name, kind="mp3", bulletin_id=bid))
    if published:
        publish(bid)  # released now: today, on the station's clock
    if days_ago:
        with session_scope(app.extensions["bantin"]["sessions"]) as s:
            b = s.get(Bulletin, bid)
            assert b is not None and b.released_at is not None
            b.released_at -= timedelta(days=days_ago)
    return bid, name


def test_download_links_save_date_and_title(client: Any, auth: dict[str, str], publish: Any,
                                            app: Flask, settings: Settings) -> None:
    bid, name = make(client, auth, publish, app, "Bão số 9: đổ bộ")
    html = client.get(f"/bulletins/{bid}").get_data(as_text=True)
    links = [a for t, a in tags(html) if t == "a" and "download" in a]
    mp3 = [str(a["href"]) for a in links if name in str(a["href"])]
    assert mp3 and all(h.endswith("?download=1") for h in mp3), links
    resp = client.get(urlsplit(mp3[0]).path + "?download=1")
    resp.close()
    day = utcnow().replace(tzinfo=UTC).astimezone(settings.tz).date().isoformat()
    assert resp.headers["Content-Disposition"] == (
        f'attachment; filename="{day}-Bao-so-9-do-bo.mp3"; '
        f"filename*=UTF-8''{quote(f'{day} Bão số 9 đổ bộ.mp3', safe='')}")
    status = client.get(f"/bulletins/{bid}/status.json").get_json()
    assert all(d["url"].endswith("?download=1") for d in status["downloads"] if d["url"])


def test_durations_read_the_same_on_every_page(client: Any, auth: dict[str, str],
                                               publish: Any, app: Flask) -> None:
    bid, _ = make(client, auth, publish, app, "Tin dài", seconds=276)
    pages = {path: client.get(path).get_data(as_text=True) for path in (
        "/", f"/bulletins/{bid}", f"/embed/{bid}?mode=compact", "/hom-nay")}
    for path, html in pages.items():
        assert "4 phút 36 giây" in html, path
        assert not re.search(r"\b0 phút|\b4:36\b(?! /)", html.replace("0:00 / 4:36", "")), path


def test_embed_modes_headers_and_no_cookies(client: Any, auth: dict[str, str], publish: Any,
                                            app: Flask) -> None:
    bid, _ = make(client, auth, publish, app, "Tin nhúng")
    compact = client.get(f"/embed/{bid}?mode=compact&size=150&frame=khung-1")
    html = compact.get_data(as_text=True)
    assert compact.headers["Content-Security-Policy"].endswith("frame-ancestors *")
    assert "X-Frame-Options" not in compact.headers
    assert "Set-Cookie" not in compact.headers, "a portal's size is not the reader's choice"
    assert 'data-size="150"' in html and 'data-frame="khung-1"' in html
    assert "embed-row" in html and "data-transcript" not in html
    link = [a for t, a in tags(html) if t == "a" and a.get("class") == "embed-open"]
    assert link and link[0]["target"] == "_blank" and link[0]["href"] == f"/bulletins/{bid}"
    full = client.get(f"/embed/{bid}?frame=%22%3E%3Cscript%3E").get_data(as_text=True)
    assert "data-transcript" in full
    assert f'data-frame="bantin-{bid}-full"' in full, "a bad frame id is replaced"
    assert "data-embed-size" in full  # the text-size buttons
    reading = client.get(f"/bulletins/{bid}")
    assert "frame-ancestors 'none'" in reading.headers["Content-Security-Policy"]
    assert reading.headers["X-Frame-Options"] == "DENY"


def test_embed_code_carries_size_and_height() -> None:
    both = snippets("https://bantin.example", 7, "Tin", {"size": 150, "theme": "contrast",
                                                        "spacing": "normal"}, 3000)
    full = urlsplit(both["full"]["url"])
    assert parse_qs(full.query) == {"mode": ["full"], "size": ["150"], "theme": ["contrast"],
                                    "frame": ["bantin-7-full"]}
    code = both["full"]["code"]
    assert 'id="bantin-7-full"' in code
    # a portal page in another language still has the frame's title read in Vietnamese
    assert 'lang="vi"' in code.split(">", 1)[0]
    assert 'e.origin!=="https://bantin.example"' in code and "e.source!==f.contentWindow" in code
    assert initial_height("full", 100, 3000) < initial_height("full", 200, 3000)
    assert initial_height("full", 100, 1000) < initial_height("full", 100, 4000)
    assert initial_height("compact", 100, 4000) < 120
    assert f'height="{initial_height("full", 150, 3000)}"' in code


def test_listen_next_and_today(client: Any, auth: dict[str, str], publish: Any,
                               app: Flask) -> None:
    old, _ = make(client, auth, publish, app, "Tin hôm qua", days_ago=2)
    first, _ = make(client, auth, publish, app, "Tin sáng nay")
    draft, _ = make(client, auth, publish, app, "Bản nháp", published=False)
    last, _ = make(client, auth, publish, app, "Tin mới nhất")
    assert draft > first
    html = client.get(f"/bulletins/{last}").get_data(as_text=True)
    nxt = [a for t, a in tags(html) if t == "a" and "data-next-bulletin" in a]
    assert [a["href"] for a in nxt] == [f"/bulletins/{first}"], "the draft is skipped"
    html = client.get(f"/bulletins/{old}").get_data(as_text=True)
    assert "data-next-bulletin" not in html and "bản tin cuối cùng" in html
    today = client.get("/hom-nay").get_data(as_text=True)
    items = [a.get("data-title") for t, a in tags(today) if t == "li" and "data-audio" in a]
    assert items == ["Tin mới nhất", "Tin sáng nay"]


def test_not_found_is_vietnamese_with_navigation(client: Any) -> None:
    resp = client.get("/khong-co-trang-nay")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 404 and '<html lang="vi"' in html
    assert "Không tìm thấy trang này" in html
    hrefs = {a.get("href") for t, a in tags(html) if t == "a"}
    assert {"/", "/hom-nay"} <= hrefs
    assert client.get("/bulletins/999999").status_code == 404
