"""The day's list plays through Vietnamese controls like the reading page's, in a real
browser with real audio: the native controls give way to Phát / Tạm dừng, 10 s back and
forward, "Bản tin trước" / "Bản tin sau", the "Vị trí" slider (following the voice, its keys
stepping from the audio's real position) and "Tốc độ đọc", which stays from one bulletin to
the next; axe stays clean while it plays. Another day's last end says "trong ngày"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import requests

from service.db import make_engine, make_session_factory
from service.models import Bulletin
from tests.browser.conftest import axe_clean, publish
from tests.browser.test_reader_extras import SHORT, _two_on_one_day
from tests.e2e.stack import Stack

AUDIO = "document.getElementById('audio')"
SLIDER = "document.getElementById('vi-tri')"


def _loaded(page: Any, src: str | None = None) -> None:
    """Wait for the audio's metadata (of a source other than `src`, when given)."""
    page.wait_for_function(
        f"(src) => {AUDIO}.currentSrc !== src && Number.isFinite({AUDIO}.duration)", arg=src)


def test_today_has_a_vietnamese_player(new_page: Callable[..., Any], stack: Stack,
                                       axe: Any) -> None:
    day, (newest, older) = _two_on_one_day(stack)
    page = new_page()
    page.goto(f"{stack.url}/hom-nay?ngay={day}")
    page.wait_for_selector("[data-controls]:not([hidden])")
    items = page.locator("[data-playlist-items] > li")
    titles = [t.strip() for t in items.evaluate_all("(li) => li.map(e => e.dataset.title)")]
    assert titles[:2] == [newest, older]

    # The browser's own controls give way to the Vietnamese ones on the same element.
    assert page.evaluate(f"{AUDIO}.hasAttribute('controls')") is False
    assert page.locator("#audio").is_hidden()
    player = page.get_by_role("group", name="Điều khiển trình phát")
    toggle = player.get_by_role("button", name="Phát", exact=True)
    for name in ("Phát", "Lùi 10 giây", "Tới 10 giây", "Bản tin trước", "Bản tin sau"):
        assert player.get_by_role("button", name=name, exact=True).is_visible(), name
    assert player.get_by_role("slider", name="Vị trí").is_visible()
    assert player.get_by_label("Tốc độ đọc").input_value() == "1"
    # At the top of the list there is no bulletin before.
    prev, nxt = (player.get_by_role("button", name=n) for n in ("Bản tin trước", "Bản tin sau"))
    assert prev.get_attribute("aria-disabled") == "true"
    assert nxt.get_attribute("aria-disabled") is None
    _loaded(page)
    assert "giây trên" in page.locator("#vi-tri").get_attribute("aria-valuetext")

    # Phát plays, and says so: the button becomes Tạm dừng, its icon the pause bars.
    toggle.click()
    page.wait_for_function(f"() => !{AUDIO}.paused")
    pause = player.get_by_role("button", name="Tạm dừng", exact=True)
    assert pause.count() == 1
    assert pause.locator("[data-icon]").get_attribute("data-icon") == "pause"

    # The focused slider follows the audio (within 2 s).
    slider = page.locator("#vi-tri")
    slider.focus()
    samples = page.evaluate("""(ms) => new Promise(resolve => {
      const s = document.getElementById('vi-tri'), out = [], t0 = performance.now();
      const timer = setInterval(() => {
        out.push({value: Number(s.value), t: document.getElementById('audio').currentTime,
                  focused: document.activeElement === s});
        if (performance.now() - t0 > ms) { clearInterval(timer); resolve(out); }
      }, 250);
    })""", 3000)
    assert all(s["focused"] for s in samples)
    late = [s for s in samples if abs(s["value"] - s["t"]) > 2]
    assert late == [], late
    assert len({s["value"] for s in samples}) >= 2, samples
    axe_clean(axe, page, "today-player-playing")

    # ArrowRight steps from where the audio is, not from the slider's (here stale) value.
    page.evaluate(f"{AUDIO}.pause()")
    page.wait_for_function(f"() => {AUDIO}.paused")
    assert toggle.is_visible()
    page.evaluate(f"{AUDIO}.currentTime = 4.6")
    page.wait_for_function(f"() => !{AUDIO}.seeking")
    slider.focus()
    page.evaluate(f"{SLIDER}.value = '0'")
    page.keyboard.press("ArrowRight")
    after = page.evaluate(f"{AUDIO}.currentTime")
    assert 5.2 < after < 6, after
    assert slider.get_attribute("aria-valuetext").startswith(f"{round(after)} giây trên")
    page.keyboard.press("ArrowLeft")
    assert 4.2 < page.evaluate(f"{AUDIO}.currentTime") < 5

    # The chosen speed goes on to the next bulletin; "Bản tin sau" moves aria-current.
    player.get_by_label("Tốc độ đọc").select_option("1.5")
    assert page.evaluate(f"{AUDIO}.playbackRate") == 1.5
    toggle.click()
    page.wait_for_function(f"() => !{AUDIO}.paused")
    first = page.evaluate(f"{AUDIO}.currentSrc")
    nxt.click()
    _loaded(page, first)
    page.wait_for_function(f"() => !{AUDIO}.paused")  # playing went on playing
    assert items.nth(1).get_attribute("aria-current") == "true"
    assert items.first.get_attribute("aria-current") is None
    assert page.locator("[data-now]").inner_text() == titles[1]
    assert page.evaluate(f"{AUDIO}.playbackRate") == 1.5
    assert player.get_by_label("Tốc độ đọc").input_value() == "1.5"
    assert prev.get_attribute("aria-disabled") is None
    # The slider starts again from the new bulletin's beginning.
    assert page.evaluate(f"Number({SLIDER}.value)") <= 2
    axe_clean(axe, page, "today-player-next")

    # Back to the first: the speed still holds.
    second = page.evaluate(f"{AUDIO}.currentSrc")
    prev.click()
    _loaded(page, second)
    assert items.first.get_attribute("aria-current") == "true"
    assert page.evaluate(f"{AUDIO}.playbackRate") == 1.5
    page.evaluate(f"{AUDIO}.pause()")
    assert page.js_errors == []


def _on_another_day(stack: Stack, when: datetime) -> str:
    """One short bulletin, published, then dated `when` (UTC): the only one on its day."""
    item = {**SHORT, "title": "Tin của một ngày đã qua"}
    resp = requests.post(f"{stack.url}/api/v1/bulletins", json=item, headers=stack.headers(),
                         timeout=30)
    assert resp.status_code == 202, resp.text
    bid: int = resp.json()["id"]
    assert stack.wait_for(bid)["status"] == "ready"
    publish(stack, bid)
    engine = make_engine(stack.settings)
    try:
        with make_session_factory(engine)() as s:
            b = s.get(Bulletin, bid)
            assert b is not None
            b.released_at = when
            s.commit()
    finally:
        engine.dispose()
    return item["title"]


def test_another_days_last_end_says_the_day(new_page: Callable[..., Any], stack: Stack) -> None:
    title = _on_another_day(stack, datetime(2021, 5, 1, 5, 0))  # noon in Hà Nội
    page = new_page()
    page.goto(f"{stack.url}/hom-nay?ngay=2021-05-01")
    page.wait_for_selector("[data-controls]:not([hidden])")
    assert page.locator("[data-now]").inner_text() == title
    player = page.get_by_role("group", name="Điều khiển trình phát")
    for name in ("Bản tin trước", "Bản tin sau"):  # one bulletin: nowhere to go
        assert player.get_by_role("button", name=name).get_attribute("aria-disabled") == "true"
    _loaded(page)
    page.evaluate("""() => { window.said = [];
      const box = document.getElementById('thong-bao');
      new MutationObserver(() => window.said.push(box.textContent))
        .observe(box, {childList: true, characterData: true, subtree: true}); }""")
    page.evaluate(f"{AUDIO}.currentTime = {AUDIO}.duration - 0.5; {AUDIO}.play()")
    page.wait_for_function(f"() => {AUDIO}.ended")
    page.wait_for_function("() => window.said.some(t => t.trim())")
    page.wait_for_timeout(300)
    said = page.evaluate("window.said.filter(t => t.trim())")
    assert said == ["Đã nghe hết các bản tin trong ngày."], said
    assert player.get_by_role("button", name="Phát", exact=True).is_visible()
    assert page.js_errors == []
