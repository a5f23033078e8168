"""A bulletin's publication state, kept apart from its audio status.

    draft ──publish──▶ published ──withdraw──▶ withdrawn ──publish──▶ published

Readers (anonymous pages, the API without credentials, feeds, and everything built for
loudspeakers) see published bulletins only, in their published version; signed-in staff
see every bulletin in its newest version. `Audience` says which of the two a request is.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


STATE_LABELS: dict[str, str] = {"draft": "Bản nháp", "published": "Đã xuất bản",
                                "withdrawn": "Đã gỡ"}


class Audience(StrEnum):
    PUBLIC = "public"
    STAFF = "staff"
