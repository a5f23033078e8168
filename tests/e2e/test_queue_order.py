"""Extras never delay a new bulletin's web audio: with every bulletin queued before the
one worker process starts, each bulletin's web MP3 is ready before any Opus, podcast or
telephony file of any of them (kombu's `queue_order_strategy=priority` drains the
default queue before the extras queue; round robin would interleave them)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.stack import Stack, run_stack

pytestmark = pytest.mark.e2e
EXTRAS = ("podcast", "telephony")


def all_done(stack: Stack, bulletin_id: int, timeout: float = 300) -> dict[str, Any]:
    """The bulletin's rendition once no profile is pending."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = requests.get(f"{stack.url}/api/v1/bulletins/{bulletin_id}",
                                            headers=stack.headers(), timeout=30).json()
        profiles = (body.get("rendition") or {}).get("profiles") or {}
        if profiles and all(p["state"] != "pending" for p in profiles.values()):
            assert all(p["state"] == "ready" for p in profiles.values()), body
            return dict(body["rendition"])
        time.sleep(0.3)
    raise AssertionError(f"bulletin {bulletin_id} not done\n" + stack.logs())


def at(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(record["finished_at"]).removesuffix("Z"))


def test_extras_wait_for_every_queued_web_audio(tmp_path: Path, broker: str) -> None:
    with run_stack(tmp_path, broker, worker=False,
                   extra_env={"AUDIO_PROFILES": "web," + ",".join(EXTRAS)}) as stack:
        ids = []
        for n in range(1, 5):
            resp = requests.post(
                f"{stack.url}/api/v1/bulletins", headers=stack.headers(), timeout=30,
                json={"title": f"Tin số {n} về vụ lúa đông xuân",
                      "body": " ".join(f"Câu {k} của tin {n}: bà con xuống đồng sớm."
                                       for k in range(1, 6))})
            assert resp.status_code == 202, resp.text
            ids.append(int(resp.json()["id"]))
        stack.start_worker()
        renditions = [all_done(stack, bid) for bid in ids]
        # the web MP3 is the rendition's "ready"; the web profile itself also waits for
        # its Opus file, an extra like the others
        webs = sorted(at(r) for r in renditions)
        extras = sorted(at(r["profiles"][name]) for r in renditions
                        for name in ("web", *EXTRAS))
        assert len(webs) == 4 and len(extras) == 12
        # every web MP3 before the first extra: none waited behind another's podcast
        assert webs[-1] < extras[0], (webs, extras)
