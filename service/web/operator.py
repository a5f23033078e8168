"""The station operator's pages: today's board (emergencies in force, today's bulletins
with their loudspeaker files, the programmes and their editions, the playlist for IP
speakers) and a public page per programme that plays its latest edition.

Like the newsroom pages: signed in, one permission per action, every form posted with a
CSRF token and answered with a redirect and a Vietnamese status message; the same use
cases and audit records as the station API (`service.web.station`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    get_flashed_messages,
    redirect,
    request,
    url_for,
)
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from service import bulletins as uc
from service.durations import spoken_duration, whole_seconds
from service.models import Edition, Programme, utcnow
from service.rendition_view import (
    AudioFile,
    BulletinView,
    FileRecord,
    ProfileStatus,
)
from service.roles import allows
from service.station import schedule
from service.station.downloads import download_link
from service.station.playlist import LOUDSPEAKER, on_air
from service.station.programmes import (
    EditionStatus,
    assemble_now,
    latest_edition,
    latest_ready_edition,
    save_programme,
    validate_programme,
)
from service.station.vocabulary import EMERGENCY, HAZARDS, PRIORITIES, RISK_COLOURS
from service.validation import ValidationError
from service.web.auth import current_actor, require_actor
from service.web.pages import display_title, render_page
from service.web.request_context import bulletin_or_404, db, settings

bp = Blueprint("operator", __name__)

#: ISO weekdays as a station says them (1 = Monday)
WEEKDAYS: dict[int, str] = {1: "Thứ Hai", 2: "Thứ Ba", 3: "Thứ Tư", 4: "Thứ Năm",
                            5: "Thứ Sáu", 6: "Thứ Bảy", 7: "Chủ nhật"}
EDITION_LABELS: dict[str, str] = {
    EditionStatus.QUEUED: "đang chờ ghép", EditionStatus.ASSEMBLING: "đang ghép",
    EditionStatus.READY: "đã sẵn sàng", EditionStatus.FAILED: "ghép bị lỗi",
}
#: the programme form's fields: label, and the id of the control an error points at
PROGRAMME_FIELDS: dict[str, tuple[str, str]] = {
    "name": ("Tên chương trình", "ct-ten"), "sources": ("Nguồn tin", "ct-nguon"),
    "times": ("Giờ phát", "ct-gio"), "days": ("Ngày phát", "ct-ngay-1"),
    "opening": ("Lời mở đầu", "ct-mo-dau"), "closing": ("Lời kết", "ct-loi-ket"),
}
ALL_DAYS = tuple(WEEKDAYS)
PLAYLIST_PATH = "/playlists/today.m3u8"


@bp.app_template_global("may")
def may(actor: Any, permission: str) -> bool:
    """For templates (the site navigation): whether the actor holds `permission`."""
    return actor is not None and allows(actor.role, permission)


# --- formatting -------------------------------------------------------------------------

def clock(seconds: float | None) -> str:
    """A place in a programme as "mm:ss" ("h:mm:ss" from an hour): a chapter's start.
    Durations are said in words (`spoken_duration`), as on every page."""
    total = whole_seconds(seconds)  # rounded as every duration on the pages
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


@dataclass(frozen=True)
class When:
    """An instant as the station's wall clock shows it."""

    iso: str  # for <time datetime>, with the station's offset
    text: str  # "14:30 ngày 01/12/2026"

    @classmethod
    def of(cls, at: datetime | None, tz: ZoneInfo) -> When | None:
        if at is None:
            return None
        local = schedule.to_local(at, tz)
        return cls(local.isoformat(timespec="minutes"), f"{local:%H:%M} ngày {local:%d/%m/%Y}")


def day_names(days: Sequence[int]) -> str:
    if tuple(sorted(days)) == ALL_DAYS:
        return "Hằng ngày (Thứ Hai đến Chủ nhật)"
    return ", ".join(WEEKDAYS[d] for d in sorted(days) if d in WEEKDAYS)


# --- the board's rows --------------------------------------------------------------------

@dataclass(frozen=True)
class Emergency:
    id: int
    title: str
    hazard: str
    level: int | None
    colour: str  # the colour's Vietnamese name, always shown beside the colour
    instruction: str
    issued: When | None
    expires: When | None
    repeat: str
    next_repeat: When | None


@dataclass(frozen=True)
class TodayRow:
    id: int
    title: str
    priority: str
    priority_label: str
    level: int | None
    colour: str | None
    file: AudioFile | None
    waiting: str  # why there is no loudspeaker file yet ("" when there is one)

    @property
    def duration(self) -> str | None:
        return spoken_duration(self.file.duration) if self.file and self.file.duration else None

    @property
    def download(self) -> str | None:
        return download_link(self.file.url) if self.file else None


@dataclass(frozen=True)
class EditionRow:
    id: int
    status: str
    label: str
    error: str | None
    scheduled: When | None
    finished: When | None
    audio: str | None
    download: str | None
    cue_sheet: str | None
    sha256: str | None
    seconds: float | None
    chapters: list[dict[str, Any]] = field(default_factory=list)

    @property
    def duration(self) -> str | None:
        return spoken_duration(self.seconds) if self.seconds else None


@dataclass(frozen=True)
class ProgrammeRow:
    id: int
    name: str
    times: str
    days: str
    sources: str
    active: bool
    next_slot: When | None
    latest: EditionRow | None


def _repeat_words(minutes: int | None) -> str:
    if minutes is None or minutes == 0:
        return "không phát lại"
    return f"phát lại mỗi {minutes} phút"


def _emergency(view: BulletinView, now: datetime, tz: ZoneInfo) -> Emergency:
    b = view.bulletin
    nxt = None
    if b.repeat_minutes is not None and b.issued_at is not None:
        nxt = schedule.next_repeat(b.issued_at, b.repeat_minutes, expires=b.expires_at,
                                   stopped_at=b.stopped_at, after=now)
    level = b.risk_level
    return Emergency(
        b.id, display_title(view.text.title), HAZARDS.get(b.hazard or "", HAZARDS["other"]),
        level, RISK_COLOURS[level][0] if level in RISK_COLOURS else "",
        b.instruction or "", When.of(b.issued_at, tz), When.of(b.expires_at, tz),
        _repeat_words(b.repeat_minutes), When.of(nxt, tz))


def _waiting(view: BulletinView) -> str:
    playing = view.playing
    if playing is not None:
        state = next((p for p in playing.profiles if p.name == LOUDSPEAKER), None)
        if state is not None and state.state == ProfileStatus.FAILED:
            return f"Không tạo được âm thanh loa: {state.error or 'lỗi không rõ'}"
        if state is None and LOUDSPEAKER not in settings().audio_profiles:
            return "Máy chủ chưa bật tạo âm thanh loa (AUDIO_PROFILES)"
    return "Đang tạo âm thanh loa"


def _today_row(view: BulletinView) -> TodayRow:
    b = view.bulletin
    f = view.playing.file(LOUDSPEAKER) if view.playing else None
    level = b.risk_level if b.priority == EMERGENCY else None
    return TodayRow(b.id, display_title(view.text.title), b.priority,
                    PRIORITIES.get(b.priority, b.priority), level,
                    RISK_COLOURS[level][0] if level in RISK_COLOURS else None, f,
                    "" if f else _waiting(view))


def _edition_row(e: Edition, tz: ZoneInfo) -> EditionRow:
    files = {k: FileRecord.from_json(k, v) for k, v in (e.files or {}).items()
             if isinstance(v, dict) and isinstance(v.get("name"), str)}
    audio, sheet = files.get(LOUDSPEAKER), files.get("cues")
    url = f"/audio/{audio.name}" if audio else None
    return EditionRow(
        e.id, e.status, EDITION_LABELS.get(e.status, e.status), e.error,
        When.of(e.scheduled_for, tz), When.of(e.finished_at, tz), url,
        download_link(url) if url else None, f"/audio/{sheet.name}" if sheet else None,
        audio.sha256 if audio else None,
        e.duration_ms / 1000 if e.duration_ms else None,
        [{**c, "at": clock(c.get("start"))} for c in (e.chapters or [])
         if isinstance(c, dict) and isinstance(c.get("start"), int | float)])


def _programme_row(p: Programme, now: datetime, tz: ZoneInfo,
                   latest: Edition | None) -> ProgrammeRow:
    upcoming = schedule.next_slot(p.times, p.days, now, tz) if p.active and p.times \
        and p.days else None
    return ProgrammeRow(p.id, p.name, ", ".join(p.times), day_names(p.days),
                        ", ".join(p.sources or []), p.active, When.of(upcoming, tz),
                        _edition_row(latest, tz) if latest else None)


# --- the board ----------------------------------------------------------------------------

def _sign_in_first() -> WerkzeugResponse | None:
    if current_actor() is None:
        return redirect(url_for("accounts.login", next=request.path), code=303)
    return None


def _board(status: int = 200, errors: list[dict[str, str]] | None = None,
           form: dict[str, Any] | None = None) -> Response:
    actor = require_actor("station")
    cfg = settings()
    tz, now = cfg.tz, utcnow()
    today = on_air(db(), tz, now, "")
    emergencies = [_emergency(v, now, tz) for v in today
                   if v.bulletin.priority == EMERGENCY]
    s = db()
    rows = list(s.scalars(select(Programme).order_by(Programme.id)))
    programmes = [_programme_row(p, now, tz, latest_edition(s, p)) for p in rows]
    sources = sorted({src for v in today if (src := v.bulletin.source)}
                     | {src for p in rows for src in p.sources or []})
    playlist = cfg.public_url + PLAYLIST_PATH
    local_today = schedule.local_day(now, tz)
    return render_page(
        "operator.html", status, emergencies=emergencies,
        today=[_today_row(v) for v in today], programmes=programmes,
        playlist_url=playlist, playlist_sources=sources,
        day=f"{local_today:%d/%m/%Y}", weekday=WEEKDAYS[local_today.isoweekday()],
        can_stop=allows(actor.role, "publish"),
        messages=get_flashed_messages(), errors=errors or [],
        form=form or {"days": list(ALL_DAYS)}, fields=PROGRAMME_FIELDS,
        weekdays=WEEKDAYS, tz_name=cfg.station_timezone)


@bp.get("/operator")
def board() -> WerkzeugResponse:
    return _sign_in_first() or _board()


def _back() -> WerkzeugResponse:
    return redirect(url_for("operator.board"), code=303)


@bp.post("/operator/bulletins/<int:bulletin_id>/stop")
def stop(bulletin_id: int) -> WerkzeugResponse:
    """"Dừng phát": the emergency's repeats stop now; it leaves every playlist."""
    actor = require_actor("publish")
    s = db()
    b = bulletin_or_404(bulletin_id)
    uc.cancel_repeats(s, actor, b, via_form=True)
    s.commit()
    title = display_title(b.title)
    flash(f"Đã dừng phát “{title}”: bản tin không còn trong danh sách phát và các "
          "chương trình.")
    return _back()


@bp.post("/operator/programmes/<int:programme_id>/assemble")
def assemble(programme_id: int) -> WerkzeugResponse:
    """"Ghép ngay": an edition now; the worker assembles it."""
    actor = require_actor("station")
    s = db()
    p = s.get(Programme, programme_id)
    if p is None:
        abort(404)
    e = assemble_now(s, actor, p, via_form=True)
    s.commit()
    flash(f"Đã gửi yêu cầu ghép chương trình “{p.name}” (bản số {e.id}). Tải lại trang "
          "sau ít phút để thấy tệp âm thanh.")
    return _back()


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _days(values: list[str]) -> list[Any]:
    # a tampered value stays as it is, so the validator names the field
    return [int(v) if v.isascii() and v.isdigit() else v for v in values]


@bp.post("/operator/programmes")
def create_programme() -> WerkzeugResponse:
    actor = require_actor("station")
    text = {name: request.form.get(name, "")
            for name in ("name", "sources", "times", "opening", "closing")}
    days = _days(request.form.getlist("days"))
    data = {**text, "sources": _split(text["sources"]), "times": _split(text["times"]),
            "days": days}
    try:
        item = validate_programme(data)
    except ValidationError as err:
        # what was typed comes back as typed
        shown = {**text, "days": [d for d in days if d in WEEKDAYS]}
        name = err.field if err.field in PROGRAMME_FIELDS else "name"
        label = PROGRAMME_FIELDS[name][0]
        message = err.message if err.message.lower().startswith(label.lower()) \
            else f"{label}: {err.message}"
        return _board(err.status, [{"field": name, "message": message}], shown)
    s = db()
    p = save_programme(s, actor, item, via_form=True)
    s.commit()
    flash(f"Đã tạo chương trình “{p.name}”.")
    return _back()


# --- a programme's public page -------------------------------------------------------------

@bp.get("/programmes/<int:programme_id>")
def programme_page(programme_id: int) -> Response:
    p = db().get(Programme, programme_id)
    if p is None:
        abort(404)
    tz, now = settings().tz, utcnow()
    ready = latest_ready_edition(db(), p)
    newest = latest_edition(db(), p)
    pending = newest if newest is not None and newest.status in (
        EditionStatus.QUEUED, EditionStatus.ASSEMBLING) else None
    return render_page("programme.html", programme=_programme_row(p, now, tz, newest),
                       edition=_edition_row(ready, tz) if ready else None,
                       pending=pending is not None)
