"""Podcast feed: exact enclosure length, stable GUID, new URL after a re-render."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from flask import Flask
from flask.testing import FlaskClient

from service.db import session_scope
from service.models import Rendition, utcnow


def _make_ready(app: Flask, rendition_id: int, data: bytes) -> str:
    name = app.extensions["bantin"]["storage"].put(data, "mp3")
    with session_scope(app.extensions["bantin"]["sessions"]) as s:
        r = s.get(Rendition, rendition_id)
        assert r is not None
        r.status, r.duration_ms, r.finished_at = "ready", 61_500, utcnow()
        r.files = {"mp3": {"name": name, "bytes": len(data)},
                   "podcast": {"name": name, "bytes": len(data)}}
    return name


def _items(client: FlaskClient) -> list[ET.Element]:
    resp = client.get("/feeds/podcast.xml")
    assert resp.status_code == 200 and resp.mimetype == "application/rss+xml"
    root = ET.fromstring(resp.data)
    assert root.find("channel/language").text == "vi"  # type: ignore[union-attr]
    return root.findall("channel/item")


def test_feed(app: Flask, client: FlaskClient, auth: dict[str, str], publish) -> None:
    post = client.post("/api/v1/bulletins",
                       data=json.dumps({"title": "Tin sáng", "lead": "Sapo.", "body": "Thân.",
                                        "author": "Hương Dịu"}),
                       headers={**auth, "Content-Type": "application/json"})
    bid = post.get_json()["id"]
    first = _make_ready(app, 1, b"\xff\xfb" + b"a" * 999)
    assert _items(client) == []  # ready, but a draft: not in the feed
    publish(bid)
    assert _items(client) != []
    with session_scope(app.extensions["bantin"]["sessions"]) as s:
        s.get(Rendition, 1).status = "queued"  # type: ignore[union-attr]
    assert _items(client) == []  # published, nothing ready yet
    first = _make_ready(app, 1, b"\xff\xfb" + b"a" * 999)
    (item,) = _items(client)
    enclosure = item.find("enclosure")
    assert enclosure is not None
    assert enclosure.get("url", "").endswith(first)
    assert enclosure.get("length") == "1001"
    audio = client.get(f"/audio/{first}")
    assert len(audio.data) == 1001
    audio.close()
    guid = item.findtext("guid")
    assert item.findtext("title") == "Tin sáng"
    assert item.findtext("{http://www.itunes.com/dtds/podcast-1.0.dtd}duration") == "62"

    client.post(f"/api/v1/bulletins/{bid}/render", headers=auth)
    second = _make_ready(app, 2, b"\xff\xfb" + b"b" * 1999)
    (item,) = _items(client)
    assert item.findtext("guid") == guid
    assert item.find("enclosure").get("url", "").endswith(second)  # type: ignore[union-attr]
    assert second != first
