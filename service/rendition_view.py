"""The read model: what a bulletin's audio looks like to the API, the status poll and the
pages, built once per request from the rows and shaped for each of them here.

`Rendition.files` is stored JSON; `FileRecord` is its one schema (the worker writes it,
this module reads it). A bulletin may be re-rendered while its previous audio keeps
playing, so the view keeps two renditions apart: the *current* one (the newest, whose
status and progress the page reports, and whose opening part is playable early) and the
*playing* one (the newest ready one, whose files and cues the page plays).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from audio.vocabulary import AUDIO_KINDS, CAPTIONS, FIRST, PROFILES, TIMINGS, WEB
from service.models import Bulletin, Rendition, parse_utc
from service.publication import Audience, State
from service.station import rules as broadcast_rules


class RenditionStatus(StrEnum):
    QUEUED = "queued"
    SYNTHESIZING = "synthesizing"
    READY = "ready"
    FAILED = "failed"


class ProfileStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class FileRecord:
    """One stored file of a rendition, as kept in `Rendition.files[kind]`."""

    kind: str  # mp3, ogg, podcast, loudspeaker, telephony, first, timings, vtt
    name: str  # content-addressed storage name
    size: int  # bytes
    profile: str | None = None
    sha256: str | None = None
    duration_ms: int | None = None
    #: sentence cues of this file (the opening part has its own)
    cues: tuple[dict[str, Any], ...] | None = None

    @classmethod
    def made(cls, kind: str, name: str, data: bytes, profile: str | None = None,
             duration_ms: int | None = None,
             cues: Sequence[dict[str, Any]] | None = None) -> FileRecord:
        return cls(kind, name, len(data), profile, hashlib.sha256(data).hexdigest(),
                   duration_ms, tuple(cues) if cues is not None else None)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "bytes": self.size}
        for key in ("profile", "sha256", "duration_ms"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.cues is not None:
            out["cues"] = list(self.cues)
        return out

    @classmethod
    def from_json(cls, kind: str, raw: Mapping[str, Any]) -> FileRecord:
        profile = raw.get("profile") or AUDIO_KINDS.get(kind, (None, None))[0]
        cues = raw.get("cues")
        return cls(kind, str(raw["name"]), int(raw.get("bytes") or 0), profile,
                   raw.get("sha256"), raw.get("duration_ms"),
                   tuple(cues) if isinstance(cues, list) else None)


def file_records(r: Rendition | None) -> dict[str, FileRecord]:
    """The rendition's files by kind (malformed entries from older rows are skipped)."""
    out: dict[str, FileRecord] = {}
    for kind, raw in ((r.files or {}) if r is not None else {}).items():
        if isinstance(raw, Mapping) and isinstance(raw.get("name"), str):
            out[kind] = FileRecord.from_json(kind, raw)
    return out


@dataclass(frozen=True)
class AudioFile:
    kind: str
    profile: str | None
    url: str
    size: int  # bytes
    sha256: str | None
    duration: float | None  # seconds

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "profile": self.profile, "url": self.url,
                "bytes": self.size, "sha256": self.sha256, "duration": self.duration}


def _audio_file(rec: FileRecord, base: str) -> AudioFile:
    return AudioFile(rec.kind, rec.profile, f"{base}/audio/{rec.name}", rec.size, rec.sha256,
                     rec.duration_ms / 1000 if rec.duration_ms is not None else None)


@dataclass(frozen=True)
class ProfileState:
    name: str
    state: ProfileStatus
    error: str | None = None
    #: when the worker recorded the profile ready or failed (None before then, and for
    #: rows from before it recorded the time)
    finished_at: datetime | None = None


def profile_states(r: Rendition, files: Mapping[str, FileRecord]) -> tuple[ProfileState, ...]:
    """Each profile's state: recorded by the worker, or (rows from before it recorded
    them) ready when all its files are there and pending otherwise."""
    recorded = r.profiles or {}
    names = list(recorded) or [p for p in PROFILES
                               if any(rec.profile == p for rec in files.values())]
    out = []
    for name in names:
        raw = recorded.get(name) or {}
        try:
            state = ProfileStatus(raw.get("state", ""))
        except ValueError:
            kinds = [k for k, (p, _f) in AUDIO_KINDS.items() if p == name]
            state = ProfileStatus.READY if all(k in files for k in kinds) \
                else ProfileStatus.PENDING
        out.append(ProfileState(name, state, raw.get("error"), parse_utc(raw.get("finished_at"))))
    return tuple(out)


def _iso(at: datetime | None) -> str | None:
    """UTC (stored naive) as the API writes instants: ISO 8601 with a Z."""
    return at.isoformat() + "Z" if at is not None else None


@dataclass(frozen=True)
class RenditionView:
    id: int
    status: RenditionStatus
    engine: str | None
    engine_voice: str | None
    voice: str
    rate: float
    normalizer_version: str | None
    duration_ms: int | None
    finished_at: datetime | None
    audio: tuple[AudioFile, ...]  # playable and downloadable files, profile order
    profiles: tuple[ProfileState, ...]
    cues: tuple[dict[str, Any], ...]
    #: every stored file by kind, timings and captions included
    stored: Mapping[str, FileRecord]

    @property
    def has_captions(self) -> bool:
        return CAPTIONS in self.stored

    def url(self, kind: str) -> str | None:
        return next((f.url for f in self.audio if f.kind == kind), None)

    def file(self, kind: str) -> AudioFile | None:
        return next((f for f in self.audio if f.kind == kind), None)


def rendition_view(r: Rendition, base: str = "") -> RenditionView:
    files = file_records(r)
    audio = tuple(_audio_file(files[k], base) for k in AUDIO_KINDS if k in files)
    return RenditionView(
        r.id, RenditionStatus(r.status), r.engine, r.engine_voice, r.voice, r.rate,
        r.normalizer_version, r.duration_ms, r.finished_at, audio, profile_states(r, files),
        tuple(r.cues or ()), files)


@dataclass(frozen=True)
class Opening:
    """The part playable before the whole is ready, with its own cues."""

    file: AudioFile
    cues: tuple[dict[str, Any], ...]


class Text(Protocol):
    """The written text a view shows: a `BulletinVersion` (or the bulletin's own fields)."""

    title: str
    lead: str
    body: str
    author: str

    @property
    def paragraphs(self) -> list[str]: ...


@dataclass(frozen=True)
class BulletinView:
    bulletin: Bulletin
    base: str
    audience: Audience
    #: the text version shown: the published one for readers, the newest for staff
    version: int
    text: Text
    #: the newest rendition: what is being made (status, progress, error)
    current: Rendition | None
    #: the newest ready rendition: what plays
    playing: RenditionView | None
    opening: Opening | None

    @property
    def id(self) -> int:
        return self.bulletin.id

    @property
    def status(self) -> RenditionStatus:
        return RenditionStatus(self.current.status) if self.current else RenditionStatus.QUEUED

    @property
    def progress(self) -> tuple[int, int]:
        return (self.current.progress_done, self.current.progress_total) if self.current \
            else (0, 0)

    @property
    def duration(self) -> float | None:
        return (self.playing.duration_ms or 0) / 1000 if self.playing else None

    @property
    def cues(self) -> tuple[dict[str, Any], ...]:
        """What the page highlights now: the playing audio's cues, else the opening's."""
        if self.playing is not None:
            return self.playing.cues
        return self.opening.cues if self.opening else ()

    def links(self) -> dict[str, str | None]:
        b, base = self.id, self.base
        return {
            "self": f"{base}/api/v1/bulletins/{b}",
            "page": f"{base}/bulletins/{b}",
            "audio": self.playing.url("mp3") if self.playing else None,
            "timings": f"{base}/bulletins/{b}/timings.json" if self.playing else None,
            "vtt": f"{base}/bulletins/{b}/captions.vtt" if self.playing else None,
        }

    @property
    def is_draft(self) -> bool:
        return self.bulletin.state != State.PUBLISHED

    def to_api(self, full: bool = True) -> dict[str, Any]:
        """The API's shape (`full=False` for list items: no body text)."""
        b, cur, ready, t = self.bulletin, self.current, self.playing, self.text
        done, total = self.progress
        out: dict[str, Any] = {
            "id": b.id, "title": t.title, "lead": t.lead,
            "author": t.author,
            "state": b.state, "version": self.version,
            "published_version": b.published_version,
            "published_at": b.published_at.isoformat() if b.published_at else None,
            "source_url": b.source_url, "source": b.source, "language": b.language,
            "created_at": b.created_at.isoformat() + "Z",
            "released_at": b.released_at.isoformat() + "Z" if b.released_at else None,
            "status": str(self.status),
            "progress": {"done": done, "total": total} if cur else None,
            "error": cur.error if cur else None,
            "warnings": (cur.warnings or []) if cur else [],
            "rendition": {
                "id": ready.id, "engine": ready.engine, "engine_voice": ready.engine_voice,
                "voice": ready.voice, "rate": ready.rate,
                "normalizer_version": ready.normalizer_version,
                "duration_ms": ready.duration_ms,
                "finished_at": _iso(ready.finished_at),
                "profiles": {p.name: {"state": str(p.state), "error": p.error,
                                      "finished_at": _iso(p.finished_at)}
                             for p in ready.profiles},
            } if ready else None,
            "requested": {"engines": cur.engines, "voice": cur.voice, "rate": cur.rate}
            if cur else None,
            "engine": ready.engine if ready else None,
            "voice": ready.engine_voice if ready else None,
            "duration": self.duration,
            "audio": {f.kind: f.url for f in ready.audio} if ready else {},
            "files": [f.to_json() for f in ready.audio] if ready else [],
            "first_audio": self.opening.file.url if self.opening else None,
            "links": self.links(),
            "broadcast": broadcast_rules.as_api(b),
        }
        if self.audience == Audience.STAFF:
            out["latest_version"], out["created_by"] = b.version, b.created_by
        if full:
            out["body"], out["paragraphs"] = t.body, t.paragraphs
        return out

    def to_status(self) -> dict[str, Any]:
        """The small JSON the reading page polls while audio is made: everything it needs
        to swap the player in and highlight, without fetching the page again."""
        done, total = self.progress
        ready = self.playing
        return {
            "status": str(self.status),
            "ready": ready is not None,
            "progress": {"done": done, "total": total},
            "percent": int(100 * done / total) if total else 0,
            "error": self.current.error if self.current else None,
            "first": self.opening.file.url if self.opening else None,
            "audio": {f.kind: f.url for f in ready.audio if f.profile == WEB} if ready else {},
            "duration": self.duration,
            "captions": self.links()["vtt"] if ready and ready.has_captions else None,
            "cues": [{"i": c["i"], "start": c["start"], "end": c["end"]}
                     for c in self.cues if "i" in c],
            "profiles": {p.name: str(p.state) for p in ready.profiles} if ready else {},
        }


def visible(b: Bulletin, audience: Audience) -> bool:
    """Readers see published bulletins only; staff see every one."""
    return audience == Audience.STAFF or (b.state == State.PUBLISHED
                                          and b.published_version is not None)


def bulletin_view(b: Bulletin, base: str = "",
                  audience: Audience = Audience.PUBLIC) -> BulletinView:
    """The view of one bulletin for an audience (check `visible` first): its text version
    and the renditions of that version only."""
    number = b.version if audience == Audience.STAFF or b.published_version is None \
        else b.published_version
    text: Text = next((v for v in b.versions if v.number == number), b)
    renditions = [r for r in b.renditions if r.version == number]
    current = renditions[-1] if renditions else None
    ready = next((r for r in reversed(renditions) if r.status == RenditionStatus.READY),
                 None)
    opening = None
    if current is not None and current.status != RenditionStatus.READY:
        first = file_records(current).get(FIRST)
        if first is not None:
            opening = Opening(_audio_file(first, base), first.cues or ())
    return BulletinView(b, base, audience, number, text, current,
                        rendition_view(ready, base) if ready else None, opening)


__all__ = ["CAPTIONS", "FIRST", "TIMINGS", "AudioFile", "BulletinView", "FileRecord",
           "ProfileState", "ProfileStatus", "RenditionStatus", "RenditionView",
           "bulletin_view", "file_records", "rendition_view", "visible"]
