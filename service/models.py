"""Database models (SQLAlchemy 2). Schema changes go through Alembic migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def parse_utc(raw: Any) -> datetime | None:
    """A time `utcnow().isoformat()` wrote into a JSON column (a trailing Z allowed), or
    None when absent or unreadable."""
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw.removesuffix("Z"))
    except ValueError:
        return None


class Base(DeclarativeBase):
    pass


class Bulletin(Base):
    """A news bulletin as the editor submitted it; the written text is never altered."""

    __tablename__ = "bulletins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    source_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    source: Mapped[str] = mapped_column(String(100), default="", index=True)
    language: Mapped[str] = mapped_column(String(8), default="vi")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    current_rendition_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: publication state: draft | published | withdrawn (see `service.publication`)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    #: the text version the fields above hold (the newest); readers see `published_version`
    version: Mapped[int] = mapped_column(Integer, default=1)
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    #: when it was last published (UTC): today's playlist and a programme's window use it
    released_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    #: a topic slug (e.g. "thoi-tiet") a programme can select, beside `source`
    category: Mapped[str] = mapped_column(String(100), default="", index=True)
    #: normal | priority | emergency (see `service.station.vocabulary`)
    priority: Mapped[str] = mapped_column(String(16), default="normal", index=True)
    # -- broadcast rules (emergencies and storm bulletins); times are UTC --
    issued_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    hazard: Mapped[str | None] = mapped_column(String(20), nullable=True)
    risk_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: what listeners must do; read again at the end of an emergency broadcast
    instruction: Mapped[str] = mapped_column(Text, default="")
    #: minutes between repeats; None = no repeats
    repeat_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: when repeats stopped: a cancel, or an update that superseded this bulletin
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    superseded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # -- where a CAP alert came from (sender + identifier name it, as CAP references do) --
    cap_sender: Mapped[str | None] = mapped_column(String(200), nullable=True)
    cap_identifier: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    #: Test/Exercise alerts are kept as drafts: they never reach a public playlist
    cap_status: Mapped[str | None] = mapped_column(String(16), nullable=True)

    renditions: Mapped[list[Rendition]] = relationship(
        back_populates="bulletin", order_by="Rendition.id", cascade="all, delete-orphan"
    )
    versions: Mapped[list[BulletinVersion]] = relationship(
        back_populates="bulletin", order_by="BulletinVersion.number",
        cascade="all, delete-orphan"
    )

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n") if p.strip()]


class BulletinVersion(Base):
    """One text of a bulletin; an edit makes the next one, and audio points at one."""

    __tablename__ = "bulletin_versions"
    __table_args__ = (UniqueConstraint("bulletin_id", "number", name="uq_version_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200), default="")
    #: of the written text, to tell an editor when a submission repeats another bulletin
    text_sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    bulletin: Mapped[Bulletin] = relationship(back_populates="versions")

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n") if p.strip()]


class Rendition(Base):
    """One attempt to turn a bulletin into audio with one engine/voice/rate.

    A re-render makes a new rendition (new audio URLs, so podcast clients refetch);
    the bulletin points at its current one.
    """

    __tablename__ = "renditions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id"), index=True)
    #: the text version this audio speaks
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    engines: Mapped[str] = mapped_column(String(100), default="")  # requested chain
    voice: Mapped[str] = mapped_column(String(40), default="north")
    rate: Mapped[float] = mapped_column(Float, default=1.0)
    engine: Mapped[str | None] = mapped_column(String(40), nullable=True)  # engine that made it
    engine_voice: Mapped[str | None] = mapped_column(String(100), nullable=True)
    normalizer_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    warnings: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    #: stored files by kind (see `service.rendition_view.FileRecord` for the shape)
    files: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: what each sentence is said as, computed once and reused by every profile
    spoken: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    #: state of each output profile: {"podcast": {"state": "failed", "error": "…"}}
    profiles: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: seconds spent per stage ("normalize", "synthesize", "master:web", "encode:web", …)
    stages: Mapped[dict[str, float] | None] = mapped_column(JSON, nullable=True)
    cues: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: hash of everything that decides the audio; a ready rendition with the same key
    #: is reused instead of synthesized again
    content_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    bulletin: Mapped[Bulletin] = relationship(back_populates="renditions")


class User(Base):
    """A newsroom account: an editor, an approver or an administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="editor")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(Base):
    """An API token for machine clients; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="editor")
    name: Mapped[str] = mapped_column(String(100), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    owner: Mapped[User | None] = relationship()


class AuditEntry(Base):
    """One step in a bulletin's life or the newsroom's setup. Rows are only ever added."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    bulletin_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class LexiconEntry(Base):
    """An editor's respelling: `written` is said as `spoken` everywhere, in one source, or
    in one bulletin (`bulletin_id`, 0 = not bound to a bulletin)."""

    __tablename__ = "lexicon"
    __table_args__ = (UniqueConstraint("written", "source", "bulletin_id",
                                       name="uq_lexicon_written_scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    written: Mapped[str] = mapped_column(String(200))
    spoken: Mapped[str] = mapped_column(String(400))
    source: Mapped[str] = mapped_column(String(100), default="")  # "" = global
    bulletin_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Programme(Base):
    """A loudspeaker programme: which bulletins, what is said around them, and when."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: bulletins of these sources and/or categories (both empty = every published bulletin)
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    opening: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(Text, default="")
    #: local "HH:MM" times and ISO weekdays (1 = Monday) in the station's time zone
    times: Mapped[list[str]] = mapped_column(JSON, default=list)
    days: Mapped[list[int]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    editions: Mapped[list[Edition]] = relationship(
        back_populates="programme", order_by="Edition.id", cascade="all, delete-orphan")


class Edition(Base):
    """One assembled broadcast of a programme, for one scheduled time (or "now")."""

    __tablename__ = "editions"
    __table_args__ = (UniqueConstraint("programme_id", "scheduled_for",
                                       name="uq_edition_slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    #: the broadcast time it was made for (UTC); its window ends here
    scheduled_for: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    #: in broadcast order
    bulletin_ids: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    #: the stitched MP3 (a `FileRecord`) and the cue sheet (JSON, with its own record)
    files: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    chapters: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    requested_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    programme: Mapped[Programme] = relationship(back_populates="editions")


class StoredName(Base):
    """Which bulletin or edition a stored audio file belongs to, so a download of
    `/audio/<sha>.mp3` can be named by its date and title."""

    __tablename__ = "stored_names"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    bulletin_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    edition_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class WorkerMetric(Base):
    """One series of a worker metric (`service.metrics_store`): a counter the workers
    add to or a gauge they set, on every host, read by the web app's /metrics."""

    __tablename__ = "worker_metrics"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    #: the labels as sorted JSON (`{"engine": "espeak", "stage": "synthesize"}`)
    labels: Mapped[str] = mapped_column(String(300), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # counter | gauge
    value: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

