"""The whole service: real web app, real Celery worker process, real broker and database."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from audio.media import decode
from tests.e2e.stack import Stack, run_stack

pytestmark = pytest.mark.e2e


def submit_sample_and_listen(stack: Stack, sample_text: str) -> int:
    resp = requests.post(f"{stack.url}/api/v1/bulletins", data=sample_text.encode(),
                         headers=stack.headers(**{"Content-Type": "text/plain; charset=utf-8"}),
                         timeout=30)
    assert resp.status_code == 202, resp.text
    body = resp.json()
    assert body["status"] == "queued"
    done = stack.wait_for(body["id"])
    assert done["status"] == "ready", done
    assert done["progress"]["done"] == done["progress"]["total"] > 10
    assert done["engine"] == "espeak"
    mp3 = requests.get(stack.url + done["links"]["audio"], timeout=30)
    assert mp3.status_code == 200 and mp3.headers["Content-Type"] == "audio/mpeg"
    audio = decode(mp3.content)
    seconds = len(audio) / 1000
    spoken_chars = len(body["title"]) + len(body["lead"]) + len(body["body"])
    # Vietnamese news is read at roughly 12–20 characters a second: minutes, not seconds.
    assert spoken_chars / 40 < seconds < spoken_chars / 5, seconds
    assert seconds > 120
    assert audio.dBFS > -35, "decoded audio is (nearly) silent"
    assert abs(seconds - done["duration"]) < 1.0
    assert requests.get(f"{stack.url}/bulletins/{body['id']}", timeout=30).status_code == 404
    stack.publish(body["id"])  # a draft until an approver publishes it
    page = requests.get(f"{stack.url}/bulletins/{body['id']}", timeout=30)
    assert page.status_code == 200 and 'lang="vi"' in page.text
    assert done["links"]["audio"] in page.text
    assert "<audio" in page.text and "Tăng cỡ chữ" in page.text
    return int(body["id"])


def test_sample_end_to_end_sqlite(tmp_path: Path, broker: str, sample_text: str) -> None:
    """Every profile: web MP3 + Opus first, then podcast, loudspeaker and telephony."""
    profiles = {"AUDIO_PROFILES": "web,podcast,loudspeaker,telephony"}
    with run_stack(tmp_path, broker, extra_env=profiles) as stack:
        bid = submit_sample_and_listen(stack, sample_text)
        deadline = time.monotonic() + 240
        while True:
            audio = requests.get(f"{stack.url}/api/v1/bulletins/{bid}", headers=stack.headers(),
                         timeout=30).json()["audio"]
            if set(audio) >= {"mp3", "ogg", "podcast", "loudspeaker", "telephony"}:
                break
            assert time.monotonic() < deadline, audio
            time.sleep(0.5)
        web = decode(requests.get(stack.url + audio["mp3"], timeout=30).content)
        for kind in ("ogg", "podcast", "loudspeaker", "telephony"):
            data = requests.get(stack.url + audio[kind], timeout=30).content
            decoded = decode(data)
            assert decoded.dBFS > -35, kind
            # the loudspeaker programmes are slower and carry a header and two chimes
            assert len(decoded) >= len(web) * (1.05 if kind in ("loudspeaker", "telephony")
                                               else 0.95), kind


@pytest.mark.production
def test_sample_end_to_end_postgresql(tmp_path: Path, broker: str, pg_url: str,
                                      sample_text: str) -> None:
    with run_stack(tmp_path, broker, database_url=pg_url) as stack:
        submit_sample_and_listen(stack, sample_text)


@pytest.mark.production
def test_production_redis(tmp_path: Path, ci_redis: str, sample_text: str) -> None:
    """The CI Redis (REDIS_URL) as the broker, on SQLite."""
    with run_stack(tmp_path, ci_redis) as stack:
        submit_sample_and_listen(stack, sample_text)


def test_gtts_unreachable_fallback_to_espeak(tmp_path: Path, broker: str) -> None:
    """Google unreachable (a host under .invalid never resolves) → espeak-ng, recorded."""
    with run_stack(tmp_path, broker, engines="gtts,espeak",
                   extra_env={"GTTS_TLD": "invalid"}) as stack:
        resp = requests.post(
            f"{stack.url}/api/v1/bulletins",
            json={"title": "Thời tiết", "body": "Hôm nay trời nắng. Chiều có mưa rào."},
            headers=stack.headers(), timeout=30)
        assert resp.status_code == 202
        done = stack.wait_for(resp.json()["id"])
        assert done["status"] == "ready", done
        assert done["engine"] == "espeak"
        assert done["requested"]["engines"] == "gtts,espeak"
        assert any("gtts" in w for w in done["warnings"]), done["warnings"]
