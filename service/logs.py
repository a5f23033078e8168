"""Log lines: text for a person at a terminal, JSON for a log shipper, ids bound.

`LOG_FORMAT=json` (production) makes every line one JSON object (python-json-logger)
with the time, level, logger and message, plus whatever ids are bound where the line
was written: `bound(bulletin_id=..., rendition_id=...)` holds them in a context
variable for the code inside it (a task, a request), so a line deep in the pipeline
carries the ids of the job it belongs to without passing them down. Celery's task id
and name are bound for every task (`workers.celery_app`).

`state_change` writes the one line per state change an operator searches for:
`{"event": "state", "entity": "rendition", "id": 12, "state": "ready", ...}`.
"""

from __future__ import annotations

import contextvars
import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from pythonjsonlogger.json import JsonFormatter

FORMATS = ("text", "json")
TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s%(ids)s"

_NONE: Mapping[str, Any] = MappingProxyType({})
_ids: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar("bantin_log_ids",
                                                                         default=_NONE)
log = logging.getLogger("bantin.state")


def bind(**ids: Any) -> contextvars.Token[Mapping[str, Any]]:
    """Add ids to what every line written from here on (in this context) carries."""
    return _ids.set({**_ids.get(), **{k: v for k, v in ids.items() if v is not None}})


def unbind(token: contextvars.Token[Mapping[str, Any]]) -> None:
    _ids.reset(token)


@contextmanager
def bound(**ids: Any) -> Iterator[None]:
    token = bind(**ids)
    try:
        yield
    finally:
        unbind(token)


class _BoundIds(logging.Filter):
    """Puts the bound ids on each record: as fields (JSON) and as a suffix (text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = _ids.get()
        for key, value in ids.items():
            if not hasattr(record, key):
                setattr(record, key, value)
        record.ids = "".join(f" {k}={v}" for k, v in ids.items()) if ids else ""
        return True


class _Json(JsonFormatter):
    def add_fields(self, log_record: dict[str, Any], record: logging.LogRecord,
                   message_dict: dict[str, Any]) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record.pop("ids", None)  # the text suffix; the ids are fields of their own


def configure(fmt: str = "text", level: int = logging.INFO, stream: Any = None) -> None:
    """Send the root logger's lines to `stream` (stderr) in `fmt`; replaces handlers a
    previous call installed, so a process can call it once it knows its settings."""
    if fmt not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {FORMATS}, not {fmt!r}")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(_BoundIds())
    if fmt == "json":
        handler.setFormatter(_Json("%(asctime)s %(levelname)s %(name)s %(message)s",
                                   rename_fields={"asctime": "time", "levelname": "level",
                                                  "name": "logger"},
                                   json_ensure_ascii=False))
    else:
        handler.setFormatter(logging.Formatter(TEXT))
    handler.set_name("bantin")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "bantin"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


def state_change(entity: str, entity_id: int, state: str, **details: Any) -> None:
    """One line for one state change of a bulletin, rendition, profile or edition."""
    fields = {"event": "state", "entity": entity, "id": entity_id, "state": state,
              **{k: v for k, v in details.items() if v is not None}}
    log.info("%s %s → %s", entity, entity_id, state, extra=fields)
