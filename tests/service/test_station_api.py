"""The station's API without a worker: priorities and emergency rules on bulletins,
programmes, permissions, the playlist's rules, CAP input and download names."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask

from service.db import session_scope
from service.models import Bulletin, Rendition, StoredName, utcnow
from service.settings import Settings
from service.station.downloads import ascii_fallback, content_disposition, file_title
from workers.admin import new_token

EMERGENCY = {"title": "Cảnh báo bão số 9", "body": "Bão đang tiến vào đất liền.",
             "priority": "emergency", "hazard": "storm", "risk_level": 4,
             "instruction": "Không ra khơi."}


@pytest.fixture
def operator_auth(settings: Settings, app: Flask) -> dict[str, str]:
    return {"Authorization": f"Bearer {new_token(settings, 'operator', 'test-operator')}"}


def create(client: Any, auth: dict[str, str], **fields: Any) -> Any:
    return client.post("/api/v1/bulletins", json={"title": "Tin", "body": "Nội dung.",
                                                   **fields}, headers=auth)


def test_priority_defaults_to_normal_and_is_in_the_api(client: Any, auth: dict[str, str]
                                                       ) -> None:
    body = create(client, auth).get_json()
    assert body["broadcast"] == {"priority": "normal", "priority_label": "Thông thường",
                                 "category": None}
    body = create(client, auth, priority="priority", category="thoi-tiet").get_json()
    assert body["broadcast"]["priority_label"] == "Ưu tiên"
    assert body["broadcast"]["category"] == "thoi-tiet"


def test_an_emergency_gets_its_rules_with_defaults(client: Any, auth: dict[str, str]) -> None:
    before = utcnow()
    body = client.post("/api/v1/bulletins", json=EMERGENCY, headers=auth).get_json()
    rules = body["broadcast"]
    assert rules["priority"] == "emergency" and rules["hazard"] == "storm"
    assert rules["risk_level"] == 4 and rules["repeat_minutes"] == 120
    assert rules["instruction"] == "Không ra khơi."
    from datetime import datetime

    issued = datetime.fromisoformat(rules["issued_at"].rstrip("Z"))
    expires = datetime.fromisoformat(rules["expires"].rstrip("Z"))
    assert before - timedelta(seconds=1) <= issued <= utcnow()
    assert expires - issued == timedelta(hours=24)


def test_times_without_offset_are_the_station_clock(client: Any, auth: dict[str, str]) -> None:
    body = client.post("/api/v1/bulletins", headers=auth, json={
        **EMERGENCY, "issued_at": "2030-01-02T07:00", "expires": "2030-01-02T19:00+07:00",
        "repeat_minutes": 0}).get_json()
    assert body["broadcast"]["issued_at"] == "2030-01-02T00:00:00Z"  # 07:00 in Hà Nội
    assert body["broadcast"]["expires"] == "2030-01-02T12:00:00Z"
    assert body["broadcast"]["repeat_minutes"] == 0


@pytest.mark.parametrize(("fields", "field"), [
    ({"priority": "urgent"}, "priority"),
    ({"priority": "emergency", "risk_level": 3}, "hazard"),
    ({"priority": "emergency", "hazard": "storm"}, "risk_level"),
    ({"hazard": "volcano"}, "hazard"),
    ({"risk_level": 6}, "risk_level"),
    ({"risk_level": True}, "risk_level"),
    ({"repeat_minutes": -5}, "repeat_minutes"),
    ({"repeat_minutes": 1441}, "repeat_minutes"),
    ({"category": "Thời tiết"}, "category"),
    ({"instruction": 5}, "instruction"),
    ({"expires": "ngày mai"}, "expires"),
    ({"issued_at": "2030-01-02T10:00Z", "expires": "2030-01-02T09:00Z"}, "expires"),
])
def test_bad_broadcast_rules_name_the_field(client: Any, auth: dict[str, str],
                                            fields: dict[str, Any], field: str) -> None:
    resp = create(client, auth, **fields)
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["field"] == field


def test_patch_keeps_the_rules_it_does_not_change(client: Any, auth: dict[str, str]) -> None:
    bid = client.post("/api/v1/bulletins", json=EMERGENCY, headers=auth).get_json()["id"]
    resp = client.patch(f"/api/v1/bulletins/{bid}", json={"repeat_minutes": 60}, headers=auth)
    assert resp.status_code == 202, resp.get_json()
    rules = resp.get_json()["broadcast"]
    assert rules["repeat_minutes"] == 60 and rules["hazard"] == "storm"
    assert rules["priority"] == "emergency"


def test_editor_form_posts_the_rules(client: Any, settings: Settings, app: Flask) -> None:
    import re

    from workers.admin import new_user

    def token(page: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found
        return found.group(1)

    new_user(settings, "bien-tap", "mat-khau-rat-dai", "editor")
    client.post("/login", data={"name": "bien-tap", "password": "mat-khau-rat-dai",
                                "csrf_token": token(client.get("/login").get_data(as_text=True))})
    page = client.get("/editor").get_data(as_text=True)
    assert 'name="priority"' in page and "Khẩn cấp" in page and 'name="hazard"' in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    form = {"csrf_token": csrf.group(1), "paste": "Bão số 9\n\nBão vào đất liền.",
            "priority": "emergency", "hazard": "storm", "risk_level": "x"}
    resp = client.post("/editor", data=form)
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "Cấp độ rủi ro: Phải là số nguyên." in text and 'id="risk_level"' in text
    assert 'value="storm" selected' in text  # nothing typed is lost
    resp = client.post("/editor", data={**form, "risk_level": "5"})
    assert resp.status_code == 303
    with session_scope(app.extensions["bantin"]["sessions"]) as s:
        b = s.query(Bulletin).order_by(Bulletin.id.desc()).first()
        assert b is not None and b.priority == "emergency" and b.risk_level == 5


def test_programmes_need_the_station_permission(client: Any, auth: dict[str, str],
                                                operator_auth: dict[str, str]) -> None:
    body = {"name": "Bản tin sáng", "times": ["06:00", "17:00"]}
    assert client.post("/api/v1/programmes", json=body).status_code == 401
    assert client.post("/api/v1/programmes", json=body, headers=auth).status_code == 403
    resp = client.post("/api/v1/programmes", json=body, headers=operator_auth)
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    assert p["days"] == [1, 2, 3, 4, 5, 6, 7] and p["times"] == ["06:00", "17:00"]
    assert p["latest_edition"] is None and p["next"].endswith("Z")
    assert resp.headers["Location"].endswith(f"/api/v1/programmes/{p['id']}")
    shown = client.get(f"/api/v1/programmes/{p['id']}").get_json()
    assert shown["name"] == "Bản tin sáng"
    patched = client.patch(f"/api/v1/programmes/{p['id']}", json={"times": ["5:30"]},
                           headers=operator_auth).get_json()
    assert patched["times"] == ["05:30"] and patched["name"] == "Bản tin sáng"
    # an operator runs the station, but writes no bulletin
    assert create(client, operator_auth).status_code == 403
    resp = client.post(f"/api/v1/programmes/{p['id']}/assemble", headers=operator_auth)
    assert resp.status_code == 202 and resp.get_json()["status"] == "queued"
    again = client.get(f"/api/v1/programmes/{p['id']}").get_json()["latest_edition"]
    assert again["id"] == resp.get_json()["id"]
    assert client.get("/api/v1/programmes/999999").status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"times": ["06:00"]}, "name"),
    ({"name": "A"}, "times"),
    ({"name": "A", "times": ["24:00"]}, "times"),
    ({"name": "A", "times": ["06:00", "6:00"]}, "times"),
    ({"name": "A", "times": ["06:00"], "days": [0]}, "days"),
    ({"name": "A", "times": ["06:00"], "sources": ["Xã A"]}, "sources"),
    ({"name": "A", "times": ["06:00"], "active": "yes"}, "active"),
    ({"name": "A", "times": ["06:00"], "colour": "red"}, "colour"),
])
def test_bad_programmes_name_the_field(client: Any, operator_auth: dict[str, str],
                                       body: dict[str, Any], field: str) -> None:
    resp = client.post("/api/v1/programmes", json=body, headers=operator_auth)
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["field"] == field


def _ready_loudspeaker(app: Flask, bid: int, duration_ms: int = 61_000) -> str:
    """Give a bulletin's rendition a stored loudspeaker file (no worker in these tests)."""
    name = f"{bid:032x}.mp3"
    with session_scope(app.extensions["bantin"]["sessions"]) as s:
        b = s.get(Bulletin, bid)
        assert b is not None
        r = s.get(Rendition, b.current_rendition_id)
        assert r is not None
        r.status, r.duration_ms = "ready", duration_ms
        r.files = {"loudspeaker": {"name": name, "bytes": 10, "sha256": "ab" * 32,
                                   "duration_ms": duration_ms, "profile": "loudspeaker"}}
        s.add(StoredName(name=name, kind="loudspeaker", bulletin_id=bid))
    return name


def _set(app: Flask, bid: int, **values: Any) -> None:
    with session_scope(app.extensions["bantin"]["sessions"]) as s:
        b = s.get(Bulletin, bid)
        for k, v in values.items():
            setattr(b, k, v)


def test_playlist_rules(client: Any, app: Flask, auth: dict[str, str],
                        publish: Any, approver_auth: dict[str, str]) -> None:
    ids = {}
    for key, fields in {
        "normal": {"title": "Tin thường"},
        "priority": {"title": "Tin ưu tiên", "priority": "priority"},
        "emergency": {**EMERGENCY, "title": "Khẩn cấp một"},
        "yesterday": {"title": "Tin hôm qua"},
        "expired": {**EMERGENCY, "title": "Khẩn cấp đã hết hạn"},
        "draft": {"title": "Bản nháp"},
        "other": {"title": "Nguồn khác", "source": "xa-b"},
    }.items():
        body = create(client, auth, **{"source": "xa-a", **fields}).get_json()
        ids[key] = body["id"]
        _ready_loudspeaker(app, body["id"])
        if key != "draft":
            publish(body["id"])
    _set(app, ids["yesterday"], released_at=utcnow() - timedelta(days=2))
    _set(app, ids["expired"], expires_at=utcnow() - timedelta(minutes=1))
    m3u = client.get("/playlists/today.m3u8?source=xa-a")
    assert m3u.status_code == 200
    assert m3u.headers["Content-Type"].startswith("application/vnd.apple.mpegurl")
    lines = m3u.get_data(as_text=True).splitlines()
    assert lines[0] == "#EXTM3U"
    titles = [line.split(",", 1)[1] for line in lines if line.startswith("#EXTINF:")]
    assert titles == ["[KHẨN CẤP] Khẩn cấp một", "Tin ưu tiên", "Tin thường"]
    assert all(line.startswith("#EXTINF:61,") for line in lines if line.startswith("#EXTINF"))
    assert lines[lines.index("#EXTINF:61,Tin thường") + 1].endswith(
        f"/audio/{ids['normal']:032x}.mp3")
    # withdrawn and cancelled ones leave it at once
    client.post(f"/api/v1/bulletins/{ids['normal']}/withdraw", headers=approver_auth)
    assert client.post(f"/api/v1/bulletins/{ids['emergency']}/cancel",
                       headers=auth).status_code == 403  # editors cannot stop an alert
    client.post(f"/api/v1/bulletins/{ids['emergency']}/cancel", headers=approver_auth)
    text = client.get("/playlists/today.m3u8?source=xa-a").get_data(as_text=True)
    assert "Tin thường" not in text and "Khẩn cấp một" not in text and "Tin ưu tiên" in text
    assert "Nguồn khác" in client.get("/playlists/today.m3u8").get_data(as_text=True)
    assert client.get("/playlists/today.m3u8?source=Xã").status_code == 400


def test_downloads_are_named_by_date_and_title(client: Any, app: Flask, auth: dict[str, str],
                                               publish: Any, settings: Settings) -> None:
    bid = create(client, auth, title="Bão số 9: đổ bộ \"Quảng Ngãi\"").get_json()["id"]
    name = _ready_loudspeaker(app, bid)
    path = settings.audio_dir / name[:2] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"ID3" + b"\0" * 7)
    # a draft's file does not tell its title
    resp = client.get(f"/audio/{name}?download=1")
    resp.close()
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="bantin-')
    publish(bid)
    _set(app, bid, released_at=utcnow().replace(hour=3))
    resp = client.get(f"/audio/{name}?download=1")
    resp.close()
    day = utcnow().replace(hour=3).date().isoformat()  # 03:00 UTC is 10:00 in Hà Nội
    expected = f"{day} Bão số 9 đổ bộ Quảng Ngãi.mp3"
    assert resp.headers["Content-Disposition"] == (
        f'attachment; filename="{day}-Bao-so-9-do-bo-Quang-Ngai.mp3"; '
        f"filename*=UTF-8''{quote(expected, safe='')}")
    inline = client.get(f"/audio/{name}")
    inline.close()
    assert not inline.headers.get("Content-Disposition", "").startswith("attachment")
    redirect = client.get(f"/bulletins/{bid}/audio.loudspeaker?download=1")
    assert redirect.status_code == 302 and redirect.headers["Location"].endswith("?download=1")


@pytest.mark.parametrize(("title", "name"), [
    ("Đường Điện Biên", "Duong-Dien-Bien"),
    ("a/b\\c:d*e?f\"g<h>i|j%k", "a-b-c-d-e-f-g-h-i-j-k"),
    ("\n\t", "ban-tin"),
])
def test_file_names_are_safe(title: str, name: str) -> None:
    assert ascii_fallback(file_title(None, title)) == name
    assert "\n" not in content_disposition(None, title, "mp3")


def test_alerts_need_cap_and_rights(client: Any, auth: dict[str, str],
                                    approver_auth: dict[str, str]) -> None:
    cap = b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'/>"
    xml = {"Content-Type": "application/cap+xml"}
    assert client.post("/api/v1/alerts", data=cap, headers=xml).status_code == 401
    assert client.post("/api/v1/alerts", data=cap, headers={**auth, **xml}).status_code == 403
    resp = client.post("/api/v1/alerts", data=cap, headers={**approver_auth, **xml})
    assert resp.status_code == 422 and resp.get_json()["error"]["field"].startswith("alert/")
    bomb = (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><alert>&b;</alert>')
    resp = client.post("/api/v1/alerts", data=bomb, headers={**approver_auth, **xml})
    assert resp.status_code == 400 and resp.get_json()["error"]["field"] == "alert"
    resp = client.post("/api/v1/alerts", data=b"x" * (300 * 1024),
                       headers={**approver_auth, **xml})
    assert resp.status_code == 413


def test_a_day_of_repeats_and_programmes(client: Any, app: Flask, auth: dict[str, str],
                                         publish: Any, operator_auth: dict[str, str]) -> None:
    """A storm warning issued 07:10, every two hours, expiring 19:00; programmes at 06:00
    and 17:00; then the warning is cancelled at 12:00 (simulated day: 2030-01-02)."""
    bid = create(client, auth, **{**EMERGENCY, "issued_at": "2030-01-02T07:10",
                                  "expires": "2030-01-02T19:00"}).get_json()["id"]
    _ready_loudspeaker(app, bid)
    draft = create(client, auth, **{**EMERGENCY, "title": "Chưa duyệt",
                                    "issued_at": "2030-01-02T08:00"}).get_json()["id"]
    publish(bid)
    client.post("/api/v1/programmes", json={"name": "Bản tin", "times": ["06:00", "17:00"]},
                headers=operator_auth)

    def plan() -> list[tuple[str, str, int | None]]:
        body = client.get("/api/v1/station/schedule?date=2030-01-02").get_json()
        assert body["timezone"] == "Asia/Ho_Chi_Minh"
        return [(i["local"], i["kind"], i["bulletin_id"]) for i in body["items"]]

    assert plan() == [("06:00", "programme", None), ("07:10", "repeat", bid),
                      ("09:10", "repeat", bid), ("11:10", "repeat", bid),
                      ("13:10", "repeat", bid), ("15:10", "repeat", bid),
                      ("17:00", "programme", None), ("17:10", "repeat", bid)]
    assert all(b != draft for _t, _k, b in plan())
    from datetime import datetime

    _set(app, bid, stopped_at=datetime(2030, 1, 2, 5, 0))  # 12:00 in Hà Nội
    assert [t for t, kind, _b in plan() if kind == "repeat"] == ["07:10", "09:10", "11:10"]
    assert plan()[-1] == ("17:00", "programme", None)
    after = client.get("/api/v1/station/schedule?date=2030-01-03").get_json()["items"]
    assert [i["kind"] for i in after] == ["programme", "programme"]  # nothing after expiry
    assert client.get("/api/v1/station/schedule?date=２０３０-01-02").status_code == 400


def test_the_page_says_which_broadcast_files_are_missing(client: Any, app: Flask,
                                                        auth: dict[str, str],
                                                        publish: Any) -> None:
    """"ready" never hides a missing loudspeaker or podcast file: each profile's state."""
    bid = create(client, auth).get_json()["id"]
    _ready_loudspeaker(app, bid)
    with session_scope(app.extensions["bantin"]["sessions"]) as s:
        b = s.get(Bulletin, bid)
        assert b is not None
        r = s.get(Rendition, b.current_rendition_id)
        assert r is not None
        r.files = {**(r.files or {}), "mp3": {"name": "ab" * 16 + ".mp3", "bytes": 5,
                                              "profile": "web"}}
        r.profiles = {"web": {"state": "pending"}, "loudspeaker": {"state": "ready"},
                      "podcast": {"state": "failed", "error": "Hết chỗ trên đĩa."}}
    publish(bid)
    page = client.get(f"/bulletins/{bid}").get_data(as_text=True)
    assert "Ogg Opus (nhỏ gọn): đang tạo" in page
    assert "MP3 cho podcast: không tạo được: Hết chỗ trên đĩa." in page
    assert 'href="/audio/' in page  # the ready ones are links
    status = client.get(f"/bulletins/{bid}/status.json").get_json()
    assert status["profiles"] == {"web": "pending", "loudspeaker": "ready", "podcast": "failed"}
    states = {d["kind"]: d.get("state") for d in status["downloads"]}
    assert states["ogg"] == "pending" and states["podcast"] == "failed"
    assert states["loudspeaker"] is None and states["mp3"] is None
