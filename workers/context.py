"""Per-process worker resources, created on first use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy.orm import Session, sessionmaker

from service.db import make_engine, make_session_factory
from service.settings import Settings
from service.storage import LocalStorage


@dataclass
class WorkerContext:
    settings: Settings

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_session_factory(make_engine(self.settings))

    @cached_property
    def storage(self) -> LocalStorage:
        return LocalStorage(self.settings.audio_dir)
