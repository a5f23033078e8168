"""Playback in a real browser: audio plays, Range seeking, the highlight follows the voice."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.browser.conftest import shot
from tests.e2e.stack import Stack

AUDIO = "document.getElementById('audio')"
CURRENT = "document.querySelector('.s[aria-current=true]')"


def test_audio_plays_seeks_and_highlight_follows(new_page: Callable[..., Any], stack: Stack,
                                                  bulletin: dict[str, Any]) -> None:
    page = new_page()
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/audio/" in r.url else None)
    page.goto(f"{stack.url}/bulletins/{bulletin['id']}")
    page.wait_for_selector("[data-controls]:not([hidden])")
    toggle = page.locator("[data-act=toggle]")
    toggle.focus()
    toggle.click()
    page.wait_for_function(f"() => {AUDIO}.currentTime > 0.8", timeout=15000)
    assert page.evaluate(f"{AUDIO}.paused") is False
    assert page.evaluate(f"{CURRENT}.id") == "s-0"
    assert 206 in statuses, f"the server answered Range requests: {statuses}"

    # Natural progression: just before sentence 2 starts, the highlight moves onto it.
    s2 = float(page.locator("#s-2").get_attribute("data-start"))
    page.evaluate(f"{AUDIO}.currentTime = {s2 - 0.6}")
    page.wait_for_function(f"() => {CURRENT} && {CURRENT}.id === 's-2'", timeout=10000)
    assert page.locator(".s[aria-current]").count() == 1
    assert page.locator(".s.is-current").count() == 1
    # Never a live region, and focus never moved off the button the user pressed.
    assert page.evaluate("document.querySelector('#s-2').closest('[aria-live],[role=status],"
                         "[role=log],[role=alert]')") is None
    assert page.evaluate("document.activeElement.dataset.act") == "toggle"

    # Seek far ahead (the browser must fetch a byte range it has not got).
    page.locator("[data-act=next-paragraph]").click()
    s3 = float(page.locator("#s-3").get_attribute("data-start"))
    page.wait_for_function(f"() => {CURRENT}.id === 's-3'")
    assert abs(page.evaluate(f"{AUDIO}.currentTime") - s3) < 1.5
    last = page.locator(".s[data-start]").last
    end_start = float(last.get_attribute("data-start"))
    page.evaluate(f"{AUDIO}.currentTime = {end_start + 0.2}")
    page.wait_for_function(f"() => {AUDIO}.readyState >= 3 && !{AUDIO}.seeking", timeout=10000)
    page.wait_for_function(f"() => {CURRENT}.id === '{last.get_attribute('id')}'")
    t = page.evaluate(f"{AUDIO}.currentTime")
    page.wait_for_function(f"() => {AUDIO}.currentTime > {t + 0.3} || {AUDIO}.ended", timeout=10000)

    # Previous sentence / paragraph and ±10 s.
    page.evaluate(f"{AUDIO}.pause(); {AUDIO}.currentTime = {s3 + 0.2}")
    page.locator("[data-act=prev-sentence]").click()
    page.wait_for_function(f"() => {CURRENT}.id === 's-2'")
    page.locator("[data-act=forward]").click()
    s2_start = float(page.locator("#s-2").get_attribute("data-start"))
    assert abs(page.evaluate(f"{AUDIO}.currentTime") - (s2_start + 10)) < 0.5
    page.locator("[data-act=back]").click()
    assert abs(page.evaluate(f"{AUDIO}.currentTime") - s2_start) < 0.5  # −10 s
    # Previous paragraph: from inside paragraph s-3's block, back to the start of the block
    # before it (the blocks are the page's sections of sentences).
    page.evaluate(f"{AUDIO}.currentTime = {s3 + 0.2}")
    page.wait_for_function(f"() => {CURRENT}.id === 's-3'")
    blocks = page.evaluate("""() => {
        const out = new Map();
        for (const s of document.querySelectorAll('.s[data-start]')) {
            if (!out.has(s.dataset.block)) { out.set(s.dataset.block, []); }
            out.get(s.dataset.block).push(s.id);
        }
        return [...out.values()]; }""")
    here = next(i for i, ids in enumerate(blocks) if "s-3" in ids)
    target = blocks[here - 1][0] if blocks[here][0] == "s-3" else blocks[here][0]
    page.locator("[data-act=prev-paragraph]").click()
    start = float(page.locator(f"#{target}").get_attribute("data-start"))
    assert abs(page.evaluate(f"{AUDIO}.currentTime") - start) < 0.5, (target, blocks)
    page.locator("[data-act=next-sentence]").click()
    following = page.evaluate(f"""() => {{
        const all = [...document.querySelectorAll('.s[data-start]')].map(s => s.id);
        return all[all.indexOf('{target}') + 1]; }}""")
    nxt = float(page.locator(f"#{following}").get_attribute("data-start"))
    assert abs(page.evaluate(f"{AUDIO}.currentTime") - nxt) < 0.5

    # The slider reads times in Vietnamese words.
    page.evaluate(f"{AUDIO}.currentTime = 65")
    page.wait_for_function(f"() => !{AUDIO}.seeking")
    page.evaluate(f"{AUDIO}.dispatchEvent(new Event('timeupdate'))")
    text = page.locator("#vi-tri").get_attribute("aria-valuetext")
    assert re.fullmatch(r"1 phút 5 giây trên (\d+ phút)?( ?\d+ giây)?", text), text
    duration = bulletin["duration"]
    assert f"{int(duration // 60)} phút" in text.split(" trên ")[1]
    # Using the slider seeks too.
    page.locator("#vi-tri").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"Math.round({AUDIO}.currentTime)") == 66
    assert page.locator("#vi-tri").get_attribute("aria-valuetext").startswith("1 phút 6 giây trên")

    # Clicking a sentence reads from there.
    page.locator("#s-5").click()
    page.wait_for_function(f"() => {CURRENT}.id === 's-5' && !{AUDIO}.paused")
    shot(page, "reading-playing", full_page=False)

    # Forced colours (Windows high contrast): the highlight keeps an outline.
    page.emulate_media(forced_colors="active")
    style = page.evaluate(f"getComputedStyle({CURRENT}).outlineStyle")
    width = page.evaluate(f"parseFloat(getComputedStyle({CURRENT}).outlineWidth)")
    assert style == "solid" and width >= 2
    shot(page, "reading-forced-colors", full_page=False)
    page.evaluate(f"{AUDIO}.pause()")
    assert page.js_errors == []


def test_embed_player(new_page: Callable[..., Any], stack: Stack, bulletin: dict[str, Any]) -> None:
    page = new_page(viewport={"width": 480, "height": 420})
    page.goto(f"{stack.url}/embed/{bulletin['id']}")
    page.wait_for_selector("[data-controls]:not([hidden])")
    page.get_by_role("button", name="Phát").click()
    page.wait_for_function(f"() => {AUDIO}.currentTime > 0.3", timeout=15000)
    page.get_by_role("button", name="Câu sau").click()
    page.wait_for_function(f"() => {CURRENT} && {CURRENT}.id === 's-1'")
    page.evaluate(f"{AUDIO}.pause()")
    shot(page, "embed-playing", full_page=False)
    assert page.js_errors == []


def test_embed_snippet_copy(new_page: Callable[..., Any], stack: Stack,
                            bulletin: dict[str, Any]) -> None:
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"{stack.url}/bulletins/{bulletin['id']}")
    snippet = page.get_by_label("Mã nhúng (dán vào trang web của bạn)").input_value()
    assert f'src="{stack.url}/embed/{bulletin["id"]}?mode=full&amp;size=100&amp;' in snippet
    assert 'title="Nghe bản tin: ' in snippet
    page.get_by_role("button", name="Sao chép mã nhúng").click()
    page.wait_for_function(
        "() => document.getElementById('thong-bao').textContent.includes('Đã sao chép')")
    assert page.evaluate("navigator.clipboard.readText()") == snippet


def test_media_session_names_the_bulletin_and_the_station(new_page: Callable[..., Any],
                                                          stack: Stack,
                                                          bulletin: dict[str, Any]) -> None:
    """A phone's lock screen and notification show the bulletin's title and the station
    (Media Session), not the page's address."""
    page = new_page()
    page.goto(f"{stack.url}/bulletins/{bulletin['id']}")
    page.wait_for_selector("[data-controls]:not([hidden])")
    meta = page.evaluate("(() => { const m = navigator.mediaSession.metadata;"
                         " return m && {title: m.title, artist: m.artist, album: m.album}; })()")
    heading = " ".join(page.locator("#tieu-de").inner_text().split())
    assert meta == {"title": heading, "artist": stack.settings.station_name,
                    "album": "Bản tin nghe được"}, meta
    assert heading
    assert page.js_errors == []
