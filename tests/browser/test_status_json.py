"""The reading page swaps its player in from the polled status JSON alone: queued → the
first part → a longer early part → the whole, with no second request for the page's HTML.

The states are written straight into the database (the worker is held), with real MP3s
in the real storage, so each step is certain and its files and cues are known exactly.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlparse

import numpy as np
import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from audio.encode import encode_mp3
from service.db import make_engine, make_session_factory, session_scope
from service.models import Rendition, utcnow
from service.rendition_view import FileRecord
from service.storage import LocalStorage
from tests.browser.conftest import publish, shot
from tests.e2e.stack import Stack, stop_process

AUDIO = "document.getElementById('audio')"
CURRENT = "document.querySelector('.s[aria-current=true]')"
RATE = 24000
BULLETIN = {
    "title": "Thử trình phát nạp từ trạng thái",
    "lead": "Câu mở đầu của bản tin thử. Câu thứ hai của phần mở đầu.",
    "body": "Đoạn thứ nhất có một câu. Đoạn thứ nhất có thêm câu nữa.\n\nĐoạn thứ hai kết thúc.",
    "author": "Hoàng Anh",
}
SECONDS = 5.0  # every sentence lasts this long in the made-up audio


class States:
    """Writes a rendition's states the way the worker does (files, cues, progress)."""

    def __init__(self, stack: Stack, rendition_id: int) -> None:
        self.engine = make_engine(stack.settings)
        self.sessions = make_session_factory(self.engine)
        self.storage = LocalStorage(stack.settings.audio_dir)
        self.id = rendition_id

    def mp3(self, seconds: float, hz: float) -> tuple[str, bytes]:
        t = np.arange(int(seconds * RATE), dtype=np.float32) / RATE
        data = encode_mp3((0.2 * np.sin(2 * np.pi * hz * t)).astype(np.float32), RATE, 32)
        return self.storage.put(data, "mp3"), data

    @staticmethod
    def cues(count: int) -> list[dict[str, Any]]:
        return [{"i": i, "start": i * SECONDS, "end": (i + 1) * SECONDS} for i in range(count)]

    def opening(self, sentences: int, total: int, hz: float) -> str:
        """A first part of `sentences` sentences; returns its storage name."""
        name, data = self.mp3(sentences * SECONDS, hz)
        record = FileRecord.made("first", name, data, "web", int(sentences * SECONDS * 1000),
                                 self.cues(sentences))
        with session_scope(self.sessions) as s:
            r = s.get(Rendition, self.id)
            assert r is not None
            r.status, r.heartbeat_at, r.started_at = "synthesizing", utcnow(), utcnow()
            r.progress_total, r.progress_done = total, sentences
            r.files = {**(r.files or {}), "first": record.to_json()}
        return name

    def ready(self, total: int) -> dict[str, str]:
        """The whole: web MP3 (+ an "Ogg" entry), captions and cues; returns the names."""
        cues = self.cues(total)
        name, data = self.mp3(total * SECONDS, 330.0)
        # No Opus encoder here: the Ogg entry holds MP3 bytes. The test checks the markup
        # (Ogg <source> first); the browser plays whichever of the two it can.
        ogg = self.storage.put(data, "ogg")
        vtt_text = "WEBVTT\n\n" + "".join(
            f"{i + 1}\n00:00:{c['start']:06.3f} --> 00:00:{c['end']:06.3f}\nCâu {i + 1}\n\n"
            for i, c in enumerate(cues))
        vtt = self.storage.put(vtt_text.encode(), "vtt")
        ms = int(total * SECONDS * 1000)
        with session_scope(self.sessions) as s:
            r = s.get(Rendition, self.id)
            assert r is not None
            r.files = {**(r.files or {}),
                       "mp3": FileRecord.made("mp3", name, data, "web", ms, cues).to_json(),
                       "ogg": FileRecord.made("ogg", ogg, data, "web", ms).to_json(),
                       "vtt": FileRecord.made("vtt", vtt, vtt_text.encode()).to_json()}
            r.status, r.cues, r.duration_ms = "ready", cues, ms
            r.profiles = {"web": {"state": "ready"}}
            r.progress_done, r.finished_at, r.error = total, utcnow(), None
            r.engine, r.engine_voice = "espeak", "vi"
        return {"mp3": name, "ogg": ogg}


@pytest.fixture
def held(stack: Stack) -> Iterator[dict[str, Any]]:
    """A published bulletin whose job waits in the queue (the worker is stopped until the
    test ends)."""
    stop_process(stack.worker)
    try:
        resp = requests.post(f"{stack.url}/api/v1/bulletins", data=json.dumps(BULLETIN),
                             timeout=30, headers=stack.headers(
                                 **{"Content-Type": "application/json"}))
        assert resp.status_code == 202, resp.text
        bid = resp.json()["id"]
        publish(stack, bid)  # readers watch it while it is made
        sessions = make_session_factory(make_engine(stack.settings))
        with session_scope(sessions) as s:
            rid = s.scalars(select(Rendition.id).where(Rendition.bulletin_id == bid)
                            .order_by(Rendition.id.desc())).first()
        assert rid is not None
        yield {"id": bid, "states": States(stack, rid)}
    finally:
        stack.start_worker()  # it finds the rendition done and skips it


def _sources(page: Any) -> list[list[str | None]]:
    return page.evaluate(f"""Array.from({AUDIO}.querySelectorAll('source'))
        .map(s => [s.getAttribute('src'), s.getAttribute('type')])""")


def _no_axe_violations(page: Any, state: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{state}:\n{results.generate_report()}"


def _starts(page: Any) -> dict[str, str | None]:
    return page.evaluate("""Object.fromEntries(Array.from(document.querySelectorAll('.s[data-i]'))
        .map(s => [s.id, s.getAttribute('data-start')]))""")


def test_player_swaps_in_from_status_json_only(new_page: Callable[..., Any], stack: Stack,
                                               held: dict[str, Any]) -> None:
    bid, states = held["id"], held["states"]
    path = f"/bulletins/{bid}"
    page = new_page()
    seen: list[Any] = []
    page.on("request", lambda r: seen.append(r))
    page.goto(f"{stack.url}{path}")

    # Queued: no <audio> in the page, the player's markup waits inert in a <template>.
    assert "chờ" in page.locator("[data-status-text]").inner_text()
    assert page.locator("audio").count() == 0
    assert page.locator("template[data-player-template]").count() == 1
    assert page.locator(".s[data-start]").count() == 0
    total = page.locator(".s[data-i]").count()
    assert total >= 5, "title, two lead sentences, three body sentences, author"
    _no_axe_violations(page, "queued")
    page.evaluate("window.__notReloaded = true")
    # The embed player uses the same markup and script; it is watched alongside.
    embed = new_page()
    embed_seen: list[Any] = []
    embed.on("request", lambda r: embed_seen.append(r))
    embed.goto(f"{stack.url}/embed/{bid}")
    assert embed.locator("audio").count() == 0

    # The first part: two sentences. Its cues make the first two sentences seekable.
    first = states.opening(2, total, 440.0)
    page.wait_for_selector("audio[data-part=first]", state="attached", timeout=15000)
    assert _sources(page) == [[f"/audio/{first}", "audio/mpeg"]]
    assert page.locator("template[data-player-template]").count() == 0
    assert page.locator("[data-controls]").is_visible()
    assert page.locator("[data-part-note]").is_visible()
    assert page.locator("audio track").count() == 0
    starts = _starts(page)
    assert starts["s-0"] == "0.000" and starts["s-1"] == "5.000", starts
    assert all(v is None for k, v in starts.items() if k not in ("s-0", "s-1")), starts
    assert page.evaluate("document.querySelector('[data-progress]').value") > 0
    page.wait_for_function(
        "() => document.getElementById('thong-bao').textContent.includes('phần đầu')")
    shot(page, "reading-json-first-part", full_page=False)
    _no_axe_violations(page, "first part")

    # Highlight and seeking work during the first part.
    toggle = page.locator("[data-act=toggle]")
    toggle.click()
    page.wait_for_function(
        f"() => {AUDIO}.currentTime > 0.3 && {CURRENT} && {CURRENT}.id === 's-0'", timeout=15000)
    page.locator("#s-1").click()
    page.wait_for_function(f"() => {AUDIO}.currentTime >= 5 && {CURRENT}.id === 's-1'",
                           timeout=10000)
    assert page.evaluate(f"{AUDIO}.paused") is False
    toggle.focus()

    # A longer early part replaces it: same place, still playing, focus where it was.
    at = page.evaluate(f"{AUDIO}.currentTime")
    longer = states.opening(3, total, 550.0)
    page.wait_for_function(f"() => {AUDIO}.querySelector('source').getAttribute('src')"
                           f" === '/audio/{longer}'", timeout=15000)
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime >= {at}", timeout=10000)
    assert page.evaluate("document.activeElement.dataset.act") == "toggle"
    assert _starts(page)["s-2"] == "10.000"
    assert page.locator("audio").count() == 1
    page.wait_for_function(
        "() => document.getElementById('thong-bao').textContent.includes('phần tiếp theo')")

    # The whole: full files, captions, downloads, every sentence timed; polling stops.
    at = page.evaluate(f"{AUDIO}.currentTime")
    names = states.ready(total)
    page.wait_for_selector(".player[data-ready=true]", state="attached", timeout=15000)
    assert _sources(page) == [[f"/audio/{names['ogg']}", "audio/ogg; codecs=opus"],
                              [f"/audio/{names['mp3']}", "audio/mpeg"]]
    assert page.locator("audio[data-part]").count() == 0
    assert page.get_attribute("audio track", "src") == f"/bulletins/{bid}/captions.vtt"
    assert page.get_attribute("audio track", "srclang") == "vi"
    assert page.locator("[data-part-note]").is_hidden()
    assert page.locator("[data-progress]").count() == 0
    assert "sẵn sàng" in page.locator("[data-status-text]").inner_text()
    duration = total * SECONDS
    assert page.get_attribute("#audio", "data-duration") == f"{duration:.3f}"
    assert page.get_attribute("[data-fallback]", "href") == f"/audio/{names['mp3']}"
    links = page.locator(".downloads a")
    assert "MP3 (phổ biến nhất)" in links.first.inner_text()
    # saved under the date and title (Content-Disposition), not the content hash
    assert links.first.get_attribute("href") == f"/audio/{names['mp3']}?download=1"
    assert links.first.get_attribute("download") == ""
    assert "Phụ đề WebVTT" in links.last.inner_text()
    assert page.get_attribute("ul.downloads", "aria-labelledby") == "tai-ve"
    assert page.locator("#tai-ve").inner_text() == "Tải về"
    assert _starts(page) == {f"s-{i}": f"{i * SECONDS:.3f}" for i in range(total)}
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime >= {at}", timeout=10000)
    assert page.evaluate("document.activeElement.dataset.act") == "toggle"
    page.wait_for_function(
        "() => document.getElementById('thong-bao').textContent.includes('sẵn sàng')")
    # The slider's end: the JSON's duration, then (now that its metadata is in) the file's own.
    real = page.evaluate(f"isFinite({AUDIO}.duration) ? {AUDIO}.duration : null")
    assert page.get_attribute("#vi-tri", "max") == str(math.ceil(real or duration))
    spoken = requests.get(f"{stack.url}{path}/status.json", timeout=30).json()["duration_words"]
    page.wait_for_function(f"() => document.getElementById('vi-tri').getAttribute('aria-valuetext')"
                           f".endsWith(' trên {spoken}')")
    clock = f"{int(duration) // 60}:{int(duration) % 60:02d}"
    page.wait_for_function(
        f"() => document.querySelector('[data-time]').textContent.endsWith('/ {clock}')")
    page.locator(f"#s-{total - 1}").click()  # the last sentence: timed from the whole file
    page.wait_for_function(f"() => {CURRENT} && {CURRENT}.id === 's-{total - 1}'"
                           f" && {AUDIO}.currentTime >= {(total - 1) * SECONDS}")
    shot(page, "reading-json-ready", full_page=False)
    _no_axe_violations(page, "whole, swapped in")

    polls = sum(1 for r in seen if r.url.endswith("/status.json"))
    page.wait_for_timeout(3200)
    assert sum(1 for r in seen if r.url.endswith("/status.json")) == polls, "polling stopped"

    # Only JSON was fetched: the page itself exactly once (the navigation), no HTML again.
    assert page.evaluate("window.__notReloaded") is True
    own = [r for r in seen if urlparse(r.url).path == path]
    assert [r.resource_type for r in own] == ["document"], [r.url for r in own]
    fetched = [urlparse(r.url).path for r in seen if r.resource_type in ("fetch", "xhr")]
    # status.json while the audio is made; the word times (words.js) once, for the whole
    timings = f"{path}/timings.json"
    assert fetched and set(fetched) == {f"{path}/status.json", timings}, fetched
    assert fetched.count(timings) == 1 and fetched.index(timings) > fetched.index(
        f"{path}/status.json"), fetched
    assert page.js_errors == []

    embed.wait_for_selector(".player[data-ready=true] [data-controls]:not([hidden])",
                            timeout=15000)
    assert _sources(embed)[-1] == [f"/audio/{names['mp3']}", "audio/mpeg"]
    assert "Phụ đề WebVTT" in embed.locator(".downloads").inner_text()
    assert embed.locator("[data-shortcuts]").count() == 0, "the embed has no shortcuts"
    _no_axe_violations(embed, "embed, swapped in")
    own = [r.resource_type for r in embed_seen if urlparse(r.url).path == f"/embed/{bid}"]
    assert own == ["document"] and not any(
        urlparse(r.url).path == path for r in embed_seen), [r.url for r in embed_seen]
    assert embed.js_errors == []
