"""The station operator's board and a programme's page in a real browser, on the real
stack: emergencies on top in their QĐ 18 colour (named in words), today's loudspeaker
files with their SHA-256, the playlist URL, "Ghép ngay" by keyboard with the real worker
assembling the edition, the programme page playing it and seeking by chapter, named
downloads, the programme form's errors, and "Dừng phát" by an approver.

This module runs its own stack: the shared one makes only the web profile
(`AUDIO_PROFILES=web`), and the board is about the loudspeaker files.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe

from service.models import utcnow
from service.station import schedule
from service.station.vocabulary import RISK_COLOURS
from tests.browser.conftest import (
    APPROVER,
    DESKTOP,
    EDITOR,
    LIMITS,
    NARROW,
    axe_clean,
    sign_in,
)
from tests.e2e.stack import Stack, run_stack
from workers.admin import new_token, new_user

OPERATOR = {"name": "van-hanh-dai", "password": "mat-khau-van-hanh", "role": "operator"}
PROGRAMME = "Bản tin sáng"
SHA = re.compile(r"[0-9a-f]{64}")
BOARD = "/operator"


def unique(title: str) -> str:
    return f"{title} {uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
def stack(browser: Any, embedded_redis: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Stack]:
    """The real stack, making loudspeaker files too (overrides the shared `stack` here)."""
    env = {**LIMITS, "AUDIO_PROFILES": "web,loudspeaker"}
    with run_stack(tmp_path_factory.mktemp("operator"), embedded_redis, extra_env=env) as s:
        for user in (EDITOR, APPROVER, OPERATOR):
            new_user(s.settings, user["name"], user["password"], user["role"])
        yield s


def _submit(stack: Stack, title: str, **fields: Any) -> int:
    body = {"title": title, "lead": "Sapo của bản tin cho đài.",
            "body": "Câu thứ nhất của bản tin. Câu thứ hai của bản tin.",
            "author": "Đài xã", **fields}
    resp = requests.post(f"{stack.url}/api/v1/bulletins", json=body, headers=stack.headers(),
                         timeout=30)
    assert resp.status_code == 202, resp.text
    bid: int = resp.json()["id"]
    return bid


def _loudspeaker(stack: Stack, bid: int, timeout: float = 180) -> dict[str, Any]:
    """The bulletin's loudspeaker file, once the worker has made it."""
    deadline = time.monotonic() + timeout
    while True:
        body = requests.get(f"{stack.url}/api/v1/bulletins/{bid}", headers=stack.headers(),
                            timeout=30).json()
        found = [f for f in body["files"] if f["kind"] == "loudspeaker"]
        if found:
            return dict(found[0])
        assert body["status"] != "failed", body
        assert time.monotonic() < deadline, f"no loudspeaker file: {body}\n{stack.logs()}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def station(stack: Stack) -> dict[str, Any]:
    """An emergency and a normal bulletin, published, with loudspeaker files; a programme
    made through the API with an operator's token."""
    emergency = _submit(stack, unique("Bão số 9 đổ bộ vào đất liền"), priority="emergency",
                        hazard="storm", risk_level=4,
                        instruction="Người dân không ra khơi.")
    normal = _submit(stack, unique("Lịch tiêm chủng tháng này"))
    titles = {}
    for bid in (emergency, normal):
        done = stack.wait_for(bid)
        assert done["status"] == "ready", f"{done}\n{stack.logs()}"
        titles[bid] = done["title"]
        stack.publish(bid)
    files = {bid: _loudspeaker(stack, bid) for bid in (emergency, normal)}
    token = new_token(stack.settings, "operator", "tram-loa", OPERATOR["name"],
                      utcnow() + timedelta(days=1))
    resp = requests.post(f"{stack.url}/api/v1/programmes", timeout=30,
                         json={"name": PROGRAMME, "times": ["06:00", "17:00"]},
                         headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 201, resp.text
    return {"emergency": emergency, "normal": normal, "titles": titles, "files": files,
            "programme": resp.json()["id"], "token": token}




def _board_page(new_page: Callable[..., Any], stack: Stack, user: dict[str, str],
                viewport: dict[str, int] | None = None) -> Any:
    page = new_page(viewport=viewport or DESKTOP)
    sign_in(page, stack, user, then=BOARD)
    return page


def _hex(colour: str) -> str:
    """'rgb(215, 38, 61)' → '#d7263d'."""
    parts = [int(n) for n in re.findall(r"\d+", colour)[:3]]
    return "#" + "".join(f"{n:02x}" for n in parts)


# --- who sees the board ---------------------------------------------------------------------

def test_signed_out_visitor_and_editor_do_not_see_the_board(
        new_page: Callable[..., Any], stack: Stack, station: dict[str, Any]) -> None:
    title = station["titles"][station["emergency"]]
    resp = requests.get(stack.url + BOARD, timeout=30, allow_redirects=False)
    assert resp.status_code == 303 and "/login" in resp.headers["Location"], resp.status_code
    assert title not in resp.text
    page = new_page()
    page.goto(stack.url + BOARD)
    assert urlparse(page.url).path == "/login", "sign in first"
    assert title not in page.content()
    nav = page.get_by_role("navigation", name="Chính")
    assert nav.get_by_role("link", name="Đài truyền thanh").count() == 0

    editor = new_page(user=EDITOR)
    answer = editor.goto(stack.url + BOARD)
    assert answer is not None and answer.status == 403
    assert "không được phép vận hành đài truyền thanh" in editor.locator("main").inner_text()
    assert title not in editor.content()
    assert editor.get_by_role("navigation", name="Chính") \
        .get_by_role("link", name="Đài truyền thanh").count() == 0


# --- the board --------------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280x900", "320x640"])
def test_board_shows_emergency_first_with_files_and_playlist(
        viewport: dict[str, int], axe: Axe, new_page: Callable[..., Any], stack: Stack,
        station: dict[str, Any]) -> None:
    page = _board_page(new_page, stack, OPERATOR, viewport)
    nav = page.get_by_role("navigation", name="Chính")
    assert nav.get_by_role("link", name="Đài truyền thanh").get_attribute("aria-current") \
        == "page"
    assert page.locator("h1").inner_text() == "Đài truyền thanh — hôm nay"
    axe_clean(axe, page, f"operator-board-{viewport['width']}")

    emergency, normal = station["emergency"], station["normal"]
    e_title = station["titles"][emergency]
    # Emergencies on top: the section comes first, and in it the storm, in red, named.
    sections = page.locator("main section h2").all_inner_texts()
    assert sections[0].startswith("Cảnh báo khẩn cấp đang có hiệu lực"), sections
    card = page.locator(f"#khan-cap-{emergency}")
    text = card.inner_text()
    name, hex_colour = RISK_COLOURS[4]
    assert e_title in text and f"Cấp độ rủi ro 4 — màu {name}" in text, text
    assert "bão, áp thấp nhiệt đới" in text and "Người dân không ra khơi." in text, text
    assert "phát lại mỗi 120 phút" in text and "lần phát lại tới lúc" in text, text
    badge = card.locator(".risk-badge")
    assert _hex(badge.evaluate("e => getComputedStyle(e).backgroundColor")) == hex_colour
    assert _hex(card.evaluate("e => getComputedStyle(e).borderLeftColor")) == hex_colour
    # The next repeat is the rule's, on the station's clock.
    shown = card.locator("dd time").nth(2).get_attribute("datetime")
    api = requests.get(f"{stack.url}/api/v1/bulletins/{emergency}", timeout=30).json()
    issued = api["broadcast"]["issued_at"]
    assert shown is not None and issued is not None
    expected = schedule.next_repeat(
        _naive(issued), 120, expires=_naive(api["broadcast"]["expires"]), stopped_at=None,
        after=utcnow())
    assert expected is not None
    assert shown == schedule.to_local(expected, stack.settings.tz).isoformat(
        timespec="minutes"), shown
    # An operator may not stop an alert (that is an approver's), so no button.
    assert card.get_by_role("button", name=re.compile("Dừng phát")).count() == 0

    # Today's bulletins: the emergency above the normal one, each with its loudspeaker file.
    items = page.locator(".today-list > li")
    ids = [items.nth(i).get_attribute("id") for i in range(items.count())]
    assert ids.index(f"ban-tin-{emergency}") < ids.index(f"ban-tin-{normal}"), ids
    row = page.locator(f"#ban-tin-{emergency}")
    assert "Khẩn cấp" in row.inner_text() and f"màu {name}" in row.inner_text()
    assert "Thông thường" in page.locator(f"#ban-tin-{normal}").inner_text()
    for i in range(items.count()):
        item = items.nth(i)
        if item.locator("[data-waiting]").count():
            continue  # not ready yet: says so instead of a file
        code = item.locator("code.sha")
        assert SHA.fullmatch(code.inner_text()), item.inner_text()
    for bid in (emergency, normal):
        row = page.locator(f"#ban-tin-{bid}")
        assert row.locator("code.sha").inner_text() == station["files"][bid]["sha256"]
        # the one duration wording of every page: "4 phút 36 giây"
        said = r"Thời lượng\s+\d+ (giờ|phút|giây)( \d+ (phút|giây))*\s*\n"
        assert re.search(said, row.inner_text() + "\n"), row.inner_text()
        link = row.get_by_role("link", name=re.compile("Tải tệp MP3 cho loa"))
        href = link.get_attribute("href")
        assert href is not None and href.endswith("?download=1")
        assert urlparse(station["files"][bid]["url"]).path == urlparse(href).path
        # The SHA-256 wraps instead of widening the page (checked by the reflow above).

    # The playlist URL for IP speakers, read-only and labelled, and a link to it.
    field = page.get_by_label("Địa chỉ danh sách phát hôm nay (M3U)")
    assert field.input_value() == f"{stack.settings.public_url}/playlists/today.m3u8"
    assert field.get_attribute("readonly") is not None
    assert page.get_by_role("link", name="Mở danh sách phát hôm nay").get_attribute("href") \
        == field.input_value()
    assert "?source=" in page.locator("section[aria-labelledby=danh-sach-phat]").inner_text()

    # The programme made through the API is listed, with its schedule in Vietnamese.
    programme = page.locator(f"#ct-{station['programme']}")
    text = programme.inner_text()
    assert PROGRAMME in text and "06:00, 17:00" in text and "Thứ Hai" in text, text
    assert "Chủ nhật" in text and "Lần phát tới" in text, text
    assert page.js_errors == []


def _naive(iso: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).replace(tzinfo=None)


# --- "Ghép ngay", by keyboard, and the programme page ---------------------------------------------

def _tab_to(page: Any, predicate: str, most: int = 120) -> None:
    """Press Tab until the focused element matches `predicate` (an arrow function)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError("never reached by Tab")


def _ready_edition(stack: Stack, programme: int, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body = requests.get(f"{stack.url}/api/v1/programmes/{programme}", timeout=30).json()
        latest = body["latest_edition"]
        if latest and latest["status"] == "ready":
            return dict(latest)
        assert not latest or latest["status"] != "failed", latest
        assert time.monotonic() < deadline, f"no ready edition: {body}\n{stack.logs()}"
        time.sleep(0.5)


def test_assemble_by_keyboard_then_play_the_programme(
        axe: Axe, new_page: Callable[..., Any], stack: Stack, station: dict[str, Any]) -> None:
    pid = station["programme"]
    page = _board_page(new_page, stack, OPERATOR)
    target = (f"() => document.activeElement.matches("
              f"\"form[action='/operator/programmes/{pid}/assemble'] button\")")
    _tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path == BOARD
    status = page.get_by_role("status").filter(has_text="Đã gửi yêu cầu ghép chương trình")
    assert status.count() == 1 and PROGRAMME in status.inner_text()

    edition = _ready_edition(stack, pid)
    assert SHA.fullmatch(edition["sha256"] or ""), edition
    page.reload()
    row = page.locator(f"#ct-{pid}")
    assert row.locator("[data-edition-status]").get_attribute("data-edition-status") == "ready"
    assert row.locator("code.sha").inner_text() == edition["sha256"]
    assert "đã sẵn sàng" in row.inner_text()

    # The edition is named by its date and the programme when downloaded.
    href = row.get_by_role("link", name=re.compile("Tải tệp MP3")).get_attribute("href")
    assert href is not None
    resp = requests.get(stack.url + href, timeout=60)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "audio/mpeg"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    day = schedule.local_day(_naive(edition["scheduled_for"]), stack.settings.tz)
    name = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    assert name == f"{day.isoformat()} {PROGRAMME}.mp3", name
    # And a bulletin's loudspeaker file by its date and title.
    bid = station["normal"]
    href = page.locator(f"#ban-tin-{bid}").get_by_role(
        "link", name=re.compile("Tải tệp MP3 cho loa")).get_attribute("href")
    resp = requests.get(stack.url + str(href), timeout=60)
    disposition = resp.headers["Content-Disposition"]
    name = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    today = schedule.local_day(utcnow(), stack.settings.tz)
    assert disposition.startswith("attachment;") and name == \
        f"{today.isoformat()} {station['titles'][bid]}.mp3", disposition

    # The programme page (public): plays the edition, its chapters seek.
    with page.expect_navigation():
        row.get_by_role("link", name=f"Trang chương trình “{PROGRAMME}”").click()
    assert urlparse(page.url).path == f"/programmes/{pid}"
    assert page.locator("h1").inner_text() == PROGRAMME
    axe_clean(axe, page, "programme-page")
    reader = new_page()
    reader.goto(f"{stack.url}/programmes/{pid}")
    assert reader.locator("h1").inner_text() == PROGRAMME, "public, no sign-in"
    assert reader.locator("code.sha").inner_text() == edition["sha256"]
    audio = reader.locator("audio")
    assert audio.get_attribute("src") == urlparse(edition["audio"]).path
    reader.evaluate("() => document.querySelector('audio').play()")
    reader.wait_for_function("() => document.querySelector('audio').duration > 0 && "
                             "document.querySelector('audio').currentTime > 0.2",
                             timeout=15000)
    chapters = reader.locator("[data-chapters] a[data-start]")
    titles = chapters.all_inner_texts()
    emergency_title = station["titles"][station["emergency"]]
    assert len(titles) == len(edition["chapters"]) >= 4, titles
    assert "Mở đầu" in titles[0] and "Kết thúc" in titles[-1], titles
    assert emergency_title in titles[1], "the emergency is read first"
    assert station["titles"][station["normal"]] in " ".join(titles[2:])
    for text, chapter in zip(titles, edition["chapters"], strict=True):
        minutes, seconds = divmod(round(chapter["start"]), 60)
        assert text.startswith(f"{minutes:02d}:{seconds:02d}"), (text, chapter)
    third = edition["chapters"][2]
    chapters.nth(2).click()
    reader.wait_for_function(
        f"() => Math.abs(document.querySelector('audio').currentTime - {third['start']}) < 0.5"
        " && !document.querySelector('audio').paused", timeout=10000)
    assert abs(audio.evaluate("a => a.currentTime") - third["start"]) < 0.5
    assert chapters.nth(2).get_attribute("aria-current") == "true"
    assert "Đang phát từ phần" in reader.locator("[data-chapter-status]").inner_text()
    # By keyboard too: Enter on the first chapter goes back to the start.
    chapters.nth(0).focus()
    reader.keyboard.press("Enter")
    reader.wait_for_function("() => document.querySelector('audio').currentTime < 0.6")
    cue = requests.get(stack.url + reader.get_by_role(
        "link", name=re.compile("Bảng mốc thời gian")).get_attribute("href"), timeout=30)
    assert cue.status_code == 200 and cue.json()["chapters"] == edition["chapters"]
    assert page.js_errors == [] and reader.js_errors == []


# --- the programme form --------------------------------------------------------------------------

def test_create_programme_form_keeps_input_and_names_the_field(
        axe: Axe, new_page: Callable[..., Any], stack: Stack, station: dict[str, Any]) -> None:
    page = _board_page(new_page, stack, OPERATOR, NARROW)
    name = unique("Bản tin chiều")
    page.get_by_label("Tên chương trình (bắt buộc)").fill(name)
    page.get_by_label("Nguồn tin (không bắt buộc)").fill("bac-kan, thoi-tiet")
    page.get_by_label("Giờ phát (bắt buộc)").fill("17 giờ")
    page.get_by_label("Chủ nhật").uncheck()
    page.get_by_label("Lời mở đầu (không bắt buộc)").fill("Kính thưa bà con.")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Tạo chương trình").click()
    assert answer.value.status == 422
    page.wait_for_load_state("load")
    summary = page.locator("#loi-chuong-trinh")
    assert summary.get_attribute("role") == "alert"
    page.wait_for_function("() => document.activeElement.id === 'loi-chuong-trinh'")
    assert "Giờ phát" in summary.inner_text()
    assert summary.get_by_role("link").get_attribute("href") == "#ct-gio"
    times = page.get_by_label("Giờ phát (bắt buộc)")
    assert times.get_attribute("aria-invalid") == "true"
    described = times.evaluate("e => e.getAttribute('aria-describedby').split(' ')"
                               ".map(i => document.getElementById(i).innerText).join(' | ')")
    assert "06:00" in described and "Giờ phát" in described, described
    # Nothing typed is lost.
    assert page.get_by_label("Tên chương trình (bắt buộc)").input_value() == name
    assert page.get_by_label("Nguồn tin (không bắt buộc)").input_value() == "bac-kan, thoi-tiet"
    assert times.input_value() == "17 giờ"
    assert not page.get_by_label("Chủ nhật").is_checked()
    assert page.get_by_label("Thứ Hai").is_checked()
    assert page.get_by_label("Lời mở đầu (không bắt buộc)").input_value() == "Kính thưa bà con."
    axe_clean(axe, page, "operator-form-error-320")

    times.fill("17:00, 06:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo chương trình").click()
    assert urlparse(page.url).path == BOARD
    assert f"Đã tạo chương trình “{name}”" in page.get_by_role("status")\
        .filter(has_text="Đã tạo").inner_text()
    made = page.locator(".programme", has=page.get_by_role("link", name=name, exact=True))
    text = made.inner_text()
    assert "06:00, 17:00" in text and "bac-kan, thoi-tiet" in text, text
    assert "Chủ nhật" not in text and "Thứ Bảy" in text, text
    assert "chưa có" in text
    # Its page says there is no edition yet, clearly.
    with page.expect_navigation():
        made.get_by_role("link", name=name, exact=True).click()
    assert page.get_by_role("heading", name="Chưa có bản phát").count() == 1
    assert page.locator("audio").count() == 0
    axe_clean(axe, page, "programme-page-empty-320")
    assert page.js_errors == []


# --- "Dừng phát" -------------------------------------------------------------------------------

def test_approver_stops_the_emergency(new_page: Callable[..., Any], stack: Stack,
                                      station: dict[str, Any]) -> None:
    emergency = station["emergency"]
    title = station["titles"][emergency]
    url = station["files"][emergency]["url"]
    playlist = requests.get(f"{stack.url}/playlists/today.m3u8", timeout=30).text
    assert f"[KHẨN CẤP] {title}" in playlist and url in playlist, playlist

    page = _board_page(new_page, stack, APPROVER)
    card = page.locator(f"#khan-cap-{emergency}")
    with page.expect_navigation():
        card.get_by_role("button", name=f"Dừng phát “{title}”").click()
    assert urlparse(page.url).path == BOARD
    assert f"Đã dừng phát “{title}”" in page.get_by_role("status")\
        .filter(has_text="Đã dừng phát").inner_text()
    assert page.locator(f"#khan-cap-{emergency}").count() == 0
    assert page.locator(f"#ban-tin-{emergency}").count() == 0
    assert "Không có cảnh báo khẩn cấp nào đang có hiệu lực." in page.locator(
        "section[aria-labelledby=khan-cap]").inner_text()
    assert page.locator(f"#ban-tin-{station['normal']}").count() == 1, "the rest stays"

    playlist = requests.get(f"{stack.url}/playlists/today.m3u8", timeout=30).text
    assert title not in playlist and url not in playlist, playlist
    assert station["files"][station["normal"]]["url"] in playlist
    # Recorded, by whom.
    page.goto(f"{stack.url}/audit?bulletin={emergency}")
    first = page.locator("table.audit tbody tr").first.inner_text()
    assert "dừng phát cảnh báo" in first and APPROVER["name"] in first, first
    assert page.js_errors == []
