"""ID3 tags and chapters for podcast MP3s (mutagen).

Podcast apps show the title, artist and cover from ID3, and many (Apple Podcasts,
Overcast, Pocket Casts) offer chapter navigation from CHAP/CTOC frames: for a
bulletin that means jumping straight to the lead or a given paragraph. We write
ID3v2.3 because it is what those apps read most reliably; mutagen stores the text as
UTF-16 there, so Vietnamese diacritics survive.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from mutagen import id3

from audio.assemble import Cue

LEAD_TITLE = "Tóm tắt"
#: words of a paragraph's first sentence used in its chapter title
TITLE_WORDS = 8


@dataclass(frozen=True)
class Meta:
    """Bulletin fields the outputs carry. `artist` is the author, else the source."""

    title: str
    artist: str = ""
    album: str = ""  # the programme or source name
    date: dt.date | None = None
    language: str = "vie"  # ISO 639-2, as ID3's TLAN wants
    cover: bytes | None = None
    cover_mime: str = "image/jpeg"
    comment: str = ""


@dataclass(frozen=True)
class Chapter:
    element_id: str
    start_ms: int
    end_ms: int
    title: str


def _snippet(text: str) -> str:
    words = text.split()
    return " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")


def chapters_from_cues(cues: Sequence[Cue], duration_ms: int) -> list[Chapter]:
    """One chapter per title, lead and paragraph, covering the file without gaps.

    The header (and any chime before it) belongs to the first chapter and the author
    line to the last, so chapter starts are where a listener would want to jump.
    """
    starts: list[tuple[int, str]] = []  # (part_index, title)
    first_ms: dict[int, int] = {}
    paragraph = 0
    for cue in cues:
        if cue.kind in ("header", "author") or cue.part_index in first_ms:
            continue
        first_ms[cue.part_index] = cue.start_ms
        if cue.kind == "title":
            title = " ".join(c.text for c in cues if c.part_index == cue.part_index)
        elif cue.kind == "lead":
            title = LEAD_TITLE
        else:
            paragraph += 1
            title = f"Đoạn {paragraph}: {_snippet(cue.text)}"
        starts.append((cue.part_index, title))
    out: list[Chapter] = []
    for i, (part, title) in enumerate(starts):
        start = 0 if i == 0 else first_ms[part]
        end = first_ms[starts[i + 1][0]] if i + 1 < len(starts) else duration_ms
        out.append(Chapter(f"chp{i}", start, end, title))
    return out


def id3_tag(meta: Meta, chapters: Sequence[Chapter] = ()) -> bytes:
    """The ID3v2.3 tag alone: what `tag_mp3` puts before the audio frames, so a file
    encoded as a stream can start with it (`tag_mp3(mp3, ...) == id3_tag(...) + mp3`)."""
    return tag_mp3(b"", meta, chapters)


def tag_mp3(mp3: bytes, meta: Meta, chapters: Sequence[Chapter] = ()) -> bytes:
    """The MP3 with an ID3v2.3 tag prepended (the audio frames are untouched)."""
    tags = id3.ID3()
    tags.add(id3.TIT2(encoding=3, text=meta.title))
    if meta.artist:
        tags.add(id3.TPE1(encoding=3, text=meta.artist))
    if meta.album:
        tags.add(id3.TALB(encoding=3, text=meta.album))
    if meta.date:
        tags.add(id3.TDRC(encoding=3, text=meta.date.isoformat()))
    tags.add(id3.TLAN(encoding=3, text=meta.language))
    if meta.comment:
        tags.add(id3.COMM(encoding=3, lang=meta.language, desc="", text=meta.comment))
    if meta.cover:
        tags.add(id3.APIC(encoding=3, mime=meta.cover_mime, type=id3.PictureType.COVER_FRONT,
                          desc="Cover", data=meta.cover))
    if chapters:
        tags.add(id3.CTOC(element_id="toc", flags=id3.CTOCFlags.TOP_LEVEL | id3.CTOCFlags.ORDERED,
                          child_element_ids=[c.element_id for c in chapters],
                          sub_frames=[id3.TIT2(encoding=3, text=meta.title)]))
        for c in chapters:
            tags.add(id3.CHAP(element_id=c.element_id, start_time=c.start_ms,
                              end_time=c.end_ms, start_offset=0xFFFFFFFF,
                              end_offset=0xFFFFFFFF,
                              sub_frames=[id3.TIT2(encoding=3, text=c.title)]))
    buf = io.BytesIO(mp3)
    tags.update_to_v23()
    tags.save(buf, v2_version=3, v1=0, padding=lambda info: 0)
    return buf.getvalue()
