"""The small things readers notice, in a real browser: shortcuts with a modifier (a bare
letter belongs to the screen reader), selecting text does not play, the end is said once
per end, "Nghe tiếp" leads on, a day's list (today's by default) plays one after another
when asked, and a Vietnamese 404 with somewhere to go; axe stays clean in each of those states.

One short bulletin (published after the session's sample, so "Nghe tiếp" has somewhere
to go) and one page for the reading-page checks, which run in order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.browser.conftest import DESKTOP, axe_clean, publish
from tests.e2e.stack import Stack

AUDIO = "document.getElementById('audio')"
CURRENT = "document.querySelector('.s[aria-current=true]')"
END = "Đã đọc hết bản tin."
SHORT = {"title": "Tin ngắn nghe thử", "lead": "Bản tin ngắn để thử phần cuối.",
         "body": "Câu thứ nhất của bản tin. Câu thứ hai rất ngắn. Câu cuối cùng.",
         "author": "Phóng viên"}


@pytest.fixture(scope="module")
def short(stack: Stack, bulletin: dict[str, Any]) -> dict[str, Any]:
    resp = requests.post(f"{stack.url}/api/v1/bulletins", json=SHORT, headers=stack.headers(),
                         timeout=30)
    assert resp.status_code == 202, resp.text
    done = stack.wait_for(resp.json()["id"])
    assert done["status"] == "ready", done
    publish(stack, done["id"])
    return done


@pytest.fixture(scope="module")
def page(browser: Any, stack: Stack, short: dict[str, Any]) -> Iterator[Any]:
    ctx = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    p = ctx.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.js_errors = errors
    p.goto(f"{stack.url}/bulletins/{short['id']}")
    p.wait_for_selector("[data-controls]:not([hidden])")
    yield p
    ctx.close()


def paused(page: Any) -> bool:
    return bool(page.evaluate(f"{AUDIO}.paused"))


def test_shortcuts_need_their_modifier(page: Any) -> None:
    toggle = page.locator("[data-act=toggle]")
    assert toggle.get_attribute("aria-keyshortcuts") == "Alt+Shift+K"
    following = page.locator("[data-act=next-sentence]")
    assert following.get_attribute("aria-keyshortcuts") == "Alt+Shift+O"
    # Advertised once, with the way through NVDA's and JAWS's browse mode.
    hint = page.locator("#goi-y-phim-tat").text_content()
    assert "Alt+Shift" in hint and "NVDA" in hint and "JAWS" in hint
    assert page.locator("[aria-describedby~=goi-y-phim-tat]").count() == 1

    # From a sentence (not the player): a bare K does nothing, Alt+Shift+K plays and pauses.
    page.locator(".transcript .s[data-start]").first.focus()
    page.keyboard.press("k")
    page.keyboard.press("K")
    assert paused(page) and page.evaluate(f"{AUDIO}.currentTime") == 0
    page.keyboard.press("Alt+Shift+K")
    page.wait_for_function(f"() => !{AUDIO}.paused")
    page.keyboard.press("Alt+Shift+K")
    page.wait_for_function(f"() => {AUDIO}.paused")
    page.evaluate(f"{AUDIO}.currentTime = +document.getElementById('s-0').dataset.start + .1")
    page.wait_for_function(f"() => {CURRENT} && {CURRENT}.id === 's-0'")
    page.keyboard.press("Alt+Shift+O")
    page.wait_for_function(f"() => {CURRENT}.id === 's-1'")

    # Another modifier, by choice: the old one stops, the new one works and is announced.
    page.get_by_text("Phím tắt của trình phát").click()
    page.get_by_label("Tổ hợp phím tắt").select_option("ctrl-alt")
    assert toggle.get_attribute("aria-keyshortcuts") == "Control+Alt+K"
    assert "Ctrl+Alt" in page.locator("#goi-y-phim-tat").text_content()
    page.keyboard.press("Alt+Shift+K")
    assert paused(page)
    page.keyboard.press("Control+Alt+K")
    page.wait_for_function(f"() => !{AUDIO}.paused")
    page.keyboard.press("Control+Alt+K")
    page.wait_for_function(f"() => {AUDIO}.paused")
    page.get_by_label("Tổ hợp phím tắt").select_option("alt-shift")
    assert toggle.get_attribute("aria-keyshortcuts") == "Alt+Shift+K"
    assert page.js_errors == []


def test_selecting_text_does_not_play(page: Any) -> None:
    page.evaluate(f"{AUDIO}.currentTime = 0")
    sentence = page.locator("#s-2")
    sentence.scroll_into_view_if_needed()
    box = sentence.bounding_box()
    y = box["y"] + min(10, box["height"] / 2)
    page.mouse.move(box["x"] + 2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + min(box["width"] - 2, 160), y, steps=8)
    page.mouse.up()
    assert page.evaluate("String(window.getSelection()).trim().length") > 3
    assert paused(page) and page.evaluate(f"{AUDIO}.currentTime") == 0
    # A plain click on the same sentence still reads from it.
    page.evaluate("window.getSelection().removeAllRanges()")
    sentence.click()
    page.wait_for_function(f"() => !{AUDIO}.paused && {CURRENT}.id === 's-2'")
    page.evaluate(f"{AUDIO}.pause()")


def record_status(page: Any, name: str) -> None:
    """Collect every text the polite status region shows into `window[name]`."""
    page.evaluate("""(name) => { window[name] = [];
      const box = document.getElementById('thong-bao');
      new MutationObserver(() => window[name].push(box.textContent))
        .observe(box, {childList: true, characterData: true, subtree: true}); }""", name)


def test_a_play_cut_short_by_pause_is_not_called_a_refusal(page: Any) -> None:
    """Pressing Phát then pausing at once rejects play() with an AbortError; only the
    autoplay policy's NotAllowedError means the browser refused, so nothing is said (the
    message used to be held during playback and spoken at the end, out of the blue)."""
    record_status(page, "heard")
    rejected = page.evaluate(f"""() => new Promise(done => {{
      const a = {AUDIO}, play = a.play.bind(a);
      a.load();  // not ready to play: play() stays pending, so pause() interrupts it
      a.play = () => {{ const p = play(); p.then(() => done('resolved'), e => done(e.name));
                       a.pause(); return p; }};
      document.querySelector('[data-act=toggle]').click();
      a.play = play;
      setTimeout(() => done('not called: ' + a.paused), 3000);
    }})""")
    assert rejected == "AbortError"  # the case under test really happened
    # load() dropped the metadata; the duration is NaN until it is read again.
    page.wait_for_function(f"() => Number.isFinite({AUDIO}.duration)")
    page.evaluate(f"{AUDIO}.currentTime = {AUDIO}.duration - 0.5; {AUDIO}.play()")
    page.wait_for_function(f"() => {AUDIO}.ended")
    page.wait_for_timeout(500)
    assert not [t for t in page.evaluate("window.heard") if "chưa cho phát" in t]


def test_the_end_is_said_once_per_end(page: Any, axe: Any) -> None:
    record_status(page, "said")
    for n in (1, 2):
        page.evaluate(f"{AUDIO}.currentTime = {AUDIO}.duration - 1; {AUDIO}.play()")
        page.wait_for_function(f"() => {AUDIO}.ended")
        page.wait_for_function(f"(n) => window.said.filter(t => t === '{END}').length >= n", arg=n)
        page.wait_for_timeout(500)  # room for a repeat, were there one
        said = page.evaluate("window.said.filter(t => t.trim())")
        assert said == [END] * n, said
        assert page.locator("[data-act=toggle]").inner_text().strip() == "Phát"
    axe_clean(axe, page, "reading-ended-shortcuts-open")


def test_listen_next_goes_to_the_next_bulletin(page: Any, stack: Stack,
                                               short: dict[str, Any]) -> None:
    nxt = page.locator("[data-next-bulletin]")
    title = nxt.inner_text().strip()
    target = int(nxt.get_attribute("href").rsplit("/", 1)[1])
    assert target < short["id"]
    listed = requests.get(f"{stack.url}/api/v1/bulletins/{target}", timeout=30).json()
    assert listed["title"] == title
    with page.expect_navigation():
        page.get_by_role("link", name=title).click()
    assert page.url == f"{stack.url}/bulletins/{target}"
    assert " ".join(page.locator("h1").inner_text().split()) == title


def _released_day(stack: Stack, bulletin_id: int) -> date:
    """The station day (Hà Nội) on which readers first got the bulletin."""
    got = requests.get(f"{stack.url}/api/v1/bulletins/{bulletin_id}", timeout=30).json()
    at = datetime.fromisoformat(got["released_at"].replace("Z", "+00:00"))
    return at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def _two_on_one_day(stack: Stack) -> tuple[date, list[str]]:
    """Two bulletins published on one station day, whatever the clock: publishing a third
    when a midnight falls between two leaves the last two on the same day (a midnight comes
    once). Returns the day and the titles, newest first."""
    made = []
    for n in range(3):
        item = {**SHORT, "title": f"Tin trong ngày số {n + 1}"}
        resp = requests.post(f"{stack.url}/api/v1/bulletins", json=item,
                             headers=stack.headers(), timeout=30)
        assert resp.status_code == 202, resp.text
        made.append((resp.json()["id"], item["title"]))
    for bid, _ in made:
        assert stack.wait_for(bid)["status"] == "ready"
    published: list[tuple[date, str]] = []
    for bid, title in made:
        publish(stack, bid)
        published.append((_released_day(stack, bid), title))
        if len(published) >= 2 and published[-1][0] == published[-2][0]:
            return published[-1][0], [published[-1][1], published[-2][1]]
    raise AssertionError(f"no two on one day: {published}")


def test_a_day_lists_what_was_published_on_it(new_page: Any, stack: Stack, axe: Any,
                                              short: dict[str, Any]) -> None:
    """`?ngay=` shows another day's list; today's is /hom-nay; a bad date is a clear 400."""
    page = new_page()
    day = _released_day(stack, short["id"])
    page.goto(f"{stack.url}/hom-nay?ngay={day - timedelta(days=1)}")
    assert page.locator("h1").inner_text() == f"Bản tin ngày {day - timedelta(days=1):%d/%m/%Y}"
    titles = page.locator("[data-playlist-items] > li").evaluate_all(
        "(li) => li.map(e => e.dataset.title)")
    assert SHORT["title"] not in titles
    nav = page.get_by_role("navigation", name="Chọn ngày")
    nav.get_by_role("link", name="Ngày sau").click()
    page.wait_for_url(f"**/hom-nay?ngay={day}")
    titles = page.locator("[data-playlist-items] > li").evaluate_all(
        "(li) => li.map(e => e.dataset.title)")
    assert SHORT["title"] in titles
    axe_clean(axe, page, "today-other-day")
    resp = page.goto(f"{stack.url}/hom-nay?ngay=2026-13-01")
    assert resp.status == 400
    assert "2026-12-01" in page.locator("main").inner_text()


def test_today_plays_one_after_another(new_page: Any, stack: Stack, axe: Any) -> None:
    day, (newest, older) = _two_on_one_day(stack)
    page = new_page()
    page.goto(f"{stack.url}/hom-nay?ngay={day}")
    items = page.locator("[data-playlist-items] > li")
    titles = [t.strip() for t in items.evaluate_all("(li) => li.map(e => e.dataset.title)")]
    assert titles[:2] == [newest, older]
    assert "giây" in items.first.inner_text()
    axe_clean(axe, page, "today")
    # Not one after another until the reader asks.
    one_by_one = page.get_by_label("Phát lần lượt: hết bản tin này tự sang bản tin sau")
    assert one_by_one.is_checked() is False
    page.get_by_role("button", name="Phát lần lượt từ bản tin đầu").click()
    page.wait_for_function(f"() => !{AUDIO}.paused")
    first = page.evaluate(f"{AUDIO}.currentSrc")
    page.evaluate(f"{AUDIO}.currentTime = {AUDIO}.duration - 0.5")
    page.wait_for_function(f"(src) => {AUDIO}.currentSrc !== src && !{AUDIO}.paused", arg=first)
    assert items.nth(1).get_attribute("aria-current") == "true"
    assert items.first.get_attribute("aria-current") is None
    assert page.locator("[data-now]").inner_text() == titles[1]
    page.evaluate(f"{AUDIO}.pause()")
    assert page.js_errors == []


def test_not_found_is_vietnamese_with_a_way_on(new_page: Any, stack: Stack, axe: Any) -> None:
    page = new_page()
    resp = page.goto(f"{stack.url}/khong-co-trang-nay")
    assert resp.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy trang này"
    assert "404" in page.title() and page.evaluate("document.documentElement.lang") == "vi"
    nav = page.get_by_role("navigation", name="Bạn có thể")
    home = nav.get_by_role("link", name="Về danh sách bản tin mới nhất")
    assert home.get_attribute("href") == "/"
    assert nav.get_by_role("link", name="Nghe lần lượt các bản tin hôm nay").count() == 1
    axe_clean(axe, page, "not-found")
