"""The code a portal copies to embed a bulletin: an iframe and a tiny listener.

Two embeds: `compact` (one row: play, duration, speed, a link to the whole text) and
`full` (the text with its player and text-size buttons). The embed page posts its height
(`{"type": "bantin:height", "id", "height"}`, static/embed.js); the few lines of script
beside the iframe set the iframe's height from it, accepting only messages from our
origin and from that very iframe, so a 2,000–4,000 px bulletin is never cut to 420 px.

The reader's text size and display choices go into the URL (query parameters, not
cookies: inside a portal's page our cookies are third-party and usually refused).
Attribute values are escaped here, once, as HTML; the template escapes the whole string
again as <textarea> text, so what the reader copies is exactly this string.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from markupsafe import escape

MODES = ("full", "compact")
#: CSS pixels at text size 100 %, measured in a 700 px portal column: the compact row,
#: the full embed's title, buttons and player, a line of text, and the characters a line
#: holds. Bigger text means taller lines *and* fewer characters a line (scale squared);
#: the player's rows wrap a little more as well.
COMPACT_PX, FULL_BASE_PX, LINE_PX, LINE_CHARS = 70, 880, 26, 75
MAX_INITIAL_PX = 8000
#: the id a parent page knows its iframe by (echoed in the height messages)
FRAME_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


def embed_query(mode: str, prefs: dict[str, Any], frame: str) -> str:
    """`mode=full&size=125&frame=bantin-12-full` (+ theme/spacing when not the default)."""
    params: dict[str, str] = {"mode": mode, "size": str(prefs.get("size", 100))}
    if prefs.get("theme", "default") != "default":
        params["theme"] = str(prefs["theme"])
    if prefs.get("spacing", "normal") != "normal":
        params["spacing"] = str(prefs["spacing"])
    params["frame"] = frame
    return urlencode(params)


def initial_height(mode: str, size: int, text_chars: int) -> int:
    """A first height close to the content, so the page barely moves when the real
    height arrives (and nothing is cut off if the script beside the iframe is dropped
    by the portal's editor: the compact row always fits, the full one roughly)."""
    scale = size / 100
    if mode == "compact":
        return round(COMPACT_PX * scale)
    lines = text_chars * scale / LINE_CHARS
    return min(MAX_INITIAL_PX, round(FULL_BASE_PX * scale ** 1.3 + lines * LINE_PX * scale))


def frame_id(bulletin_id: int, mode: str) -> str:
    return f"bantin-{bulletin_id}-{mode}"


def _js(value: str) -> str:
    """A JavaScript string literal that cannot end the <script> it sits in."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")


def listener(frame: str, origin: str) -> str:
    """The parent-side script: sets the iframe's height from our messages only."""
    return ("<script>(function(){var f=document.getElementById(" + _js(frame) + ");"
            "window.addEventListener(\"message\",function(e){var d=e.data;"
            "if(!f||e.origin!==" + _js(origin) + "||e.source!==f.contentWindow||!d||"
            "d.type!==\"bantin:height\"||d.id!==f.id){return;}"
            "var h=Math.ceil(Number(d.height));"
            "if(h>0&&h<100000){f.height=String(h);}});})();</script>")


def embed_snippet(embed_url: str, title: str, frame: str = "", height: int = 420) -> str:
    """The iframe (named, sized) and, when it has an id to be found by, its listener."""
    id_attr = f'id="{escape(frame)}" ' if frame else ""
    iframe = (f'<iframe {id_attr}lang="vi" src="{escape(embed_url)}" '
              f'title="{escape("Nghe bản tin: " + title)}" '
              f'width="100%" height="{int(height)}" loading="lazy"></iframe>')
    if not frame:
        return iframe
    parts = urlsplit(embed_url)
    return iframe + "\n" + listener(frame, f"{parts.scheme}://{parts.netloc}")


def snippets(base_url: str, bulletin_id: int, title: str, prefs: dict[str, Any],
             text_chars: int, sizes: tuple[int, ...] = ()) -> dict[str, dict[str, Any]]:
    """Both embeds' URL and code, for the reader's current text size and display, and
    the first height at each of `sizes` (the page rewrites the code when the reader
    changes size without a reload: one formula, this one, decides every height)."""
    out = {}
    for mode in MODES:
        frame = frame_id(bulletin_id, mode)
        url = f"{base_url}/embed/{bulletin_id}?{embed_query(mode, prefs, frame)}"
        height = initial_height(mode, int(prefs.get("size", 100)), text_chars)
        out[mode] = {"url": url, "code": embed_snippet(url, title, frame, height),
                     "heights": {str(s): initial_height(mode, s, text_chars) for s in sizes}}
    return out
