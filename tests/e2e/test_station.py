"""The loudspeaker station through the real processes: an emergency skips the backlog,
a programme edition made by the station tick (time injected) holds exactly the
published bulletins of its window, priority first, and the playlist and CAP alerts obey
publication, cancels and expiry."""

from __future__ import annotations

import hashlib
import io
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests
from celery import Celery
from mutagen.id3 import ID3

from audio.media import decode
from service.queue import STATION_TICK, celery_config
from service.station import schedule
from tests.e2e.stack import Stack, run_stack

pytestmark = pytest.mark.e2e
CAP_DIR = Path(__file__).resolve().parents[1] / "data" / "cap"


def submit(stack: Stack, title: str, body: str, **fields: Any) -> int:
    resp = requests.post(f"{stack.url}/api/v1/bulletins", headers=stack.headers(),
                         json={"title": title, "body": body, **fields}, timeout=30)
    assert resp.status_code == 202, resp.text
    return int(resp.json()["id"])


def approver(stack: Stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.approver}"}


def finished(stack: Stack, bulletin_id: int) -> datetime:
    body = stack.wait_for(bulletin_id, timeout=300)
    assert body["status"] == "ready", body
    return datetime.fromisoformat(body["rendition"]["finished_at"].rstrip("Z"))


def test_emergency_is_ready_before_a_backlog(tmp_path: Path, broker: str) -> None:
    with run_stack(tmp_path, broker) as stack:
        backlog = [submit(stack, f"Tin thường số {n}",
                          " ".join(f"Câu thứ {k} của tin số {n} nói về mùa màng ở xã."
                                   for k in range(1, 9)))
                   for n in range(1, 21)]
        urgent = submit(stack, "Bão số 9 sắp đổ bộ", "Người dân khẩn trương gia cố nhà cửa.",
                        priority="emergency", hazard="storm", risk_level=4,
                        instruction="Không ra khơi.")
        done = {bid: finished(stack, bid) for bid in backlog}
        urgent_at = finished(stack, urgent)
        later = sum(1 for t in done.values() if t > urgent_at)
        # The worker finishes the bulletin it holds, then takes the emergency queue first.
        assert later >= 15, (later, urgent_at, sorted(done.values()))


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory, embedded_redis: str) -> Iterator[Stack]:
    broker = os.environ.get("REDIS_URL") or embedded_redis
    with run_stack(tmp_path_factory.mktemp("station"), broker,
                   extra_env={"AUDIO_PROFILES": "web,loudspeaker"}) as stack:
        yield stack


def loudspeaker_ready(stack: Stack, bulletin_id: int, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = requests.get(f"{stack.url}/api/v1/bulletins/{bulletin_id}",
                                            headers=stack.headers(), timeout=30).json()
        profiles = (body.get("rendition") or {}).get("profiles") or {}
        if profiles.get("loudspeaker", {}).get("state") in ("ready", "failed"):
            assert profiles["loudspeaker"]["state"] == "ready", body
            return body
        time.sleep(0.3)
    raise AssertionError(f"no loudspeaker file for {bulletin_id}\n" + stack.logs())


def send_tick(stack: Stack, now: datetime) -> None:
    app = Celery("e2e-tick", set_as_current=False)
    app.conf.update(celery_config(stack.settings))
    app.send_task(STATION_TICK, kwargs={"now": now.isoformat()})


def programme_edition(stack: Stack, programme_id: int, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = requests.get(f"{stack.url}/api/v1/programmes/{programme_id}", timeout=30).json()
        latest = body.get("latest_edition")
        if latest and latest["status"] in ("ready", "failed"):
            assert latest["status"] == "ready", latest
            return dict(latest)
        time.sleep(0.5)
    raise AssertionError("no edition\n" + stack.logs())


def rms_db(x: np.ndarray, rate: int, start_s: float, end_s: float) -> float:
    part = x[max(0, int(start_s * rate)):int(end_s * rate)]
    return float(20 * np.log10(np.sqrt(np.mean(part ** 2)) + 1e-9))


def test_programme_edition_by_the_station_tick(station: Stack) -> None:
    s = station
    normal = submit(s, "Xã tổ chức ngày hội đại đoàn kết", "Ngày hội diễn ra tại nhà văn hóa.",
                    source="xa-a")
    priority = submit(s, "Lịch cắt điện ngày mai", "Điện lực thông báo cắt điện từ bảy giờ.",
                      source="xa-a", priority="priority")
    urgent = submit(s, "Cảnh báo lũ trên sông Trà Khúc", "Mực nước đang lên nhanh.",
                    source="xa-a", priority="emergency", hazard="flood", risk_level=3,
                    instruction="Di chuyển người già và trẻ em lên chỗ cao.")
    draft = submit(s, "Bản nháp chưa duyệt", "Không được phát.", source="xa-a")
    withdrawn = submit(s, "Tin đã gỡ", "Không được phát nữa.", source="xa-a")
    other = submit(s, "Tin của xã khác", "Không thuộc chương trình này.", source="xa-b")
    for bid in (normal, priority, urgent, draft, withdrawn, other):
        loudspeaker_ready(s, bid)
    for bid in (normal, priority, urgent, withdrawn, other):
        s.publish(bid)
    resp = requests.post(f"{s.url}/api/v1/bulletins/{withdrawn}/withdraw", headers=approver(s),
                         timeout=30)
    assert resp.status_code == 200

    # The programme's next broadcast after now: its window (since the previous one)
    # holds everything just published.
    resp = requests.post(f"{s.url}/api/v1/programmes", headers=approver(s), timeout=30,
                         json={"name": "Bản tin sáng", "sources": ["xa-a"], "times": ["06:00"],
                               "days": [1, 2, 3, 4, 5, 6, 7],
                               "opening": "Kính chào bà con.", "closing": "Hẹn gặp lại."})
    assert resp.status_code == 201, resp.text
    programme = resp.json()
    now = datetime.now(UTC).replace(tzinfo=None)
    slot = schedule.next_slot(["06:00"], range(1, 8), now, s.settings.tz)
    assert slot is not None and programme["next"] == slot.isoformat() + "Z"
    send_tick(s, slot + timedelta(seconds=20))
    edition = programme_edition(s, programme["id"])
    send_tick(s, slot + timedelta(seconds=50))  # a second tick in the grace window: no copy
    time.sleep(2)
    assert programme_edition(s, programme["id"])["id"] == edition["id"]

    assert edition["bulletin_ids"] == [urgent, priority, normal]  # priority first
    data = requests.get(edition["audio"], timeout=30).content
    assert hashlib.sha256(data).hexdigest() == edition["sha256"]
    audio = decode(data)
    assert audio.channels == 1 and audio.frame_rate == 44100
    assert abs(len(audio) / 1000 - edition["duration"]) < 0.2
    sheet = requests.get(edition["cue_sheet"], timeout=30).json()
    chapters = edition["chapters"]
    assert [c["bulletin_id"] for c in chapters] == [None, urgent, priority, normal, None]
    assert sheet["chapters"] == chapters
    x = np.array(audio.get_array_of_samples(), dtype=np.float64) / 32768
    for ch in chapters[1:]:
        first = min((c for c in sheet["cues"] if c["bulletin_id"] == ch["bulletin_id"]
                     and c["start"] >= ch["start"] - 0.05), key=lambda c: c["start"])
        assert abs(first["start"] - ch["start"]) <= 0.05
        # a pause before each chapter, speech right after it: the marks are where they say
        assert rms_db(x, audio.frame_rate, ch["start"] - 0.35, ch["start"] - 0.05) < -45
        assert rms_db(x, audio.frame_rate, ch["start"], ch["start"] + 0.4) > -40
    tags = ID3(io.BytesIO(data))
    assert len(tags.getall("CHAP")) == len(chapters)
    download = requests.get(edition["download"], timeout=30)
    disposition = download.headers["Content-Disposition"]
    day = schedule.local_day(slot, s.settings.tz).isoformat()
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{day}" in disposition
    assert "B%E1%BA%A3n%20tin%20s%C3%A1ng" in disposition  # "Bản tin sáng"

    # Today's playlist: the emergency first; no draft, no withdrawn bulletin.
    m3u = requests.get(f"{s.url}/playlists/today.m3u8?source=xa-a", timeout=30).text
    entries = [line for line in m3u.splitlines() if line.startswith("#EXTINF")]
    assert entries[0].endswith("[KHẨN CẤP] Cảnh báo lũ trên sông Trà Khúc")
    assert all(int(e.split(":")[1].split(",")[0]) > 0 for e in entries)
    assert "Bản nháp" not in m3u and "Tin đã gỡ" not in m3u and "xã khác" not in m3u
    # A cancel stops the emergency at once.
    resp = requests.post(f"{s.url}/api/v1/bulletins/{urgent}/cancel", headers=approver(s),
                         timeout=30)
    assert resp.status_code == 200
    m3u = requests.get(f"{s.url}/playlists/today.m3u8?source=xa-a", timeout=30).text
    assert "Trà Khúc" not in m3u and "Lịch cắt điện" in m3u



def cap_now(name: str, expires_in: timedelta | None = timedelta(days=1)) -> bytes:
    """A sample alert sent an hour ago (and expiring in a day): the samples carry fixed
    dates, the test must not depend on today's."""
    import re

    now = datetime.now(UTC).replace(microsecond=0)
    xml = (CAP_DIR / name).read_text(encoding="utf-8")
    xml = re.sub(r"<sent>[^<]+</sent>", f"<sent>{(now - timedelta(hours=1)).isoformat()}</sent>",
                 xml)
    if expires_in is not None:
        xml = re.sub(r"<expires>[^<]+</expires>",
                     f"<expires>{(now + expires_in).isoformat()}</expires>", xml)
    return xml.encode("utf-8")


def send_cap(stack: Stack, data: bytes, content_type: str = "application/cap+xml"
             ) -> requests.Response:
    return requests.post(f"{stack.url}/api/v1/alerts", data=data, timeout=30,
                         headers={**approver(stack), "Content-Type": content_type})


def playlist_titles(stack: Stack) -> str:
    return requests.get(f"{stack.url}/playlists/today.m3u8", timeout=30).text


def test_cap_alert_update_cancel_and_drill(station: Stack) -> None:
    s = station
    resp = send_cap(s, cap_now("quang-ngai-storm.xml"))
    assert resp.status_code == 202, resp.text
    storm = resp.json()["id"]
    assert resp.json()["state"] == "published"
    body = loudspeaker_ready(s, storm)
    assert body["broadcast"]["priority"] == "emergency"
    assert body["broadcast"]["hazard"] == "storm" and body["broadcast"]["risk_level"] in range(1, 6)
    again = send_cap(s, cap_now("quang-ngai-storm.xml"))
    assert again.status_code == 200 and again.json()["id"] == storm  # delivered twice
    headline = body["title"]
    assert headline in playlist_titles(s)

    resp = send_cap(s, cap_now("quang-ngai-flood-update.xml"))
    assert resp.status_code == 202, resp.text
    update = resp.json()["id"]
    assert resp.json()["affected"] == [storm]
    loudspeaker_ready(s, update)
    old = requests.get(f"{s.url}/api/v1/bulletins/{storm}", timeout=30).json()["broadcast"]
    assert old["superseded_by"] == update and old["stopped_at"]
    titles = playlist_titles(s)
    new_title = requests.get(f"{s.url}/api/v1/bulletins/{update}", timeout=30).json()["title"]
    assert new_title in titles and headline not in titles

    resp = send_cap(s, cap_now("quang-ngai-cancel.xml", None))
    assert resp.status_code == 202, resp.text
    assert set(resp.json()["affected"]) == {storm, update}
    assert new_title not in playlist_titles(s)

    resp = send_cap(s, cap_now("drill-tsunami-test.xml"))
    assert resp.status_code == 202, resp.text
    drill = resp.json()
    assert drill["state"] == "draft" and drill["cap_status"] == "Test"
    loudspeaker_ready(s, drill["id"])
    drill_title = requests.get(f"{s.url}/api/v1/bulletins/{drill['id']}", headers=s.headers(),
                               timeout=30).json()["title"]
    assert drill_title not in playlist_titles(s)
    assert requests.get(f"{s.url}/bulletins/{drill['id']}", timeout=30).status_code == 404

    expired = send_cap(s, (CAP_DIR / "landslide-risk-parameter.xml").read_bytes())
    assert expired.status_code == 422 and expired.json()["error"]["field"] == "alert/info/expires"
    assert send_cap(s, b"<alert>").status_code == 400
    wrong = send_cap(s, cap_now("quang-ngai-storm.xml"), "application/json")
    assert wrong.status_code == 415 and wrong.json()["error"]["field"] == "Content-Type"
    editor = requests.post(f"{s.url}/api/v1/alerts", data=cap_now("quang-ngai-storm.xml"),
                           headers=s.headers(**{"Content-Type": "application/cap+xml"}),
                           timeout=30)
    assert editor.status_code == 403  # an alert publishes at once: approvers only
