"""Podcast feed (RSS 2.0 + iTunes tags) of ready bulletins.

Podcast apps need an exact enclosure length and a GUID that never changes: the GUID is
the bulletin's id, while a re-rendered episode gets a new (content-addressed) audio URL
so apps fetch the new file.
"""

from __future__ import annotations

import re
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from flask import Blueprint, Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from service.models import Bulletin
from service.publication import Audience, State
from service.rendition_view import bulletin_view
from service.web.request_context import db, settings

bp = Blueprint("feeds", __name__)
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ET.register_namespace("itunes", ITUNES)
FEED_SIZE = 50
#: characters XML 1.0 cannot hold; one of them would break the feed for every app
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrib=dict(attrs))
    el.text = _NOT_XML.sub("", value)
    return el


def _episode(channel: ET.Element, b: Bulletin, base: str) -> None:
    view = bulletin_view(b, base, Audience.PUBLIC)  # the published version only
    ready = view.playing
    audio = (ready.file("podcast") or ready.file("mp3")) if ready else None
    if ready is None or audio is None:
        return
    t = view.text
    item = ET.SubElement(channel, "item")
    _text(item, "title", t.title)
    _text(item, "description", t.lead or (t.paragraphs or [""])[0])
    ET.SubElement(item, "link").text = f"{base}/bulletins/{b.id}"
    ET.SubElement(item, "guid", isPermaLink="false").text = f"bantin-bulletin-{b.id}"
    when = b.published_at or b.created_at
    ET.SubElement(item, "pubDate").text = format_datetime(when)
    ET.SubElement(item, "enclosure", url=audio.url, length=str(audio.size), type="audio/mpeg")
    seconds = round((ready.duration_ms or 0) / 1000)
    ET.SubElement(item, f"{{{ITUNES}}}duration").text = str(seconds)
    if t.author:
        _text(item, f"{{{ITUNES}}}author", t.author)


@bp.get("/feeds/podcast.xml")
def podcast() -> Response:
    cfg = settings()
    base = cfg.public_url
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = f"Bản tin {cfg.station_name}"
    ET.SubElement(channel, "link").text = base + "/"
    ET.SubElement(channel, "description").text = "Bản tin thời sự đọc thành tiếng."
    ET.SubElement(channel, "language").text = "vi"
    ET.SubElement(channel, f"{{{ITUNES}}}explicit").text = "false"
    rows = db().scalars(select(Bulletin).options(selectinload(Bulletin.renditions),
                                                 selectinload(Bulletin.versions))
                        .where(Bulletin.state == State.PUBLISHED)
                        .order_by(Bulletin.id.desc()).limit(FEED_SIZE))
    for b in rows:
        _episode(channel, b, base)
    body = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/rss+xml")
