"""Who may do what: roles and the permission each write needs, as data.

`editor` writes bulletins (and edits its own drafts) and fixes pronunciation for a
bulletin's source; `approver` also publishes, withdraws and edits anyone's bulletin;
`admin` also manages accounts, tokens and global lexicon entries; `operator` runs the
loudspeaker station (programmes, editions, the operator page) and writes nothing a
reader sees. A CAP alert publishes at once, so it needs an approver's rights. Every write names
its permission, so the whole matrix is readable (and tested) here.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    EDITOR = "editor"
    APPROVER = "approver"
    ADMIN = "admin"
    OPERATOR = "operator"


ROLES: tuple[str, ...] = tuple(Role)

#: Vietnamese names, for pages and messages
ROLE_LABELS: dict[str, str] = {"editor": "biên tập viên", "approver": "người duyệt",
                               "admin": "quản trị viên", "operator": "người vận hành đài"}

_NEWSROOM = frozenset({Role.EDITOR, Role.APPROVER, Role.ADMIN})
_REVIEW = frozenset({Role.APPROVER, Role.ADMIN})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "submit": _NEWSROOM,                # create a bulletin (a draft)
    "edit_own": _NEWSROOM,              # edit or re-render a bulletin one created
    "edit_any": _REVIEW,                # edit or re-render anyone's bulletin
    "publish": _REVIEW,                 # publish and withdraw
    "lexicon_source": _NEWSROOM,        # respellings for one source
    "lexicon_global": frozenset({Role.ADMIN}),
    "audit": _REVIEW,                   # read the audit log
    "accounts": frozenset({Role.ADMIN}),  # users and tokens
    "view_drafts": _NEWSROOM,           # see unpublished bulletins
    # programmes, editions, the operator page
    "station": frozenset({Role.OPERATOR, Role.APPROVER, Role.ADMIN}),
    "alerts": _REVIEW,                  # CAP alerts in (published at once)
}

#: what a missing permission is called in the 403 message
PERMISSION_LABELS: dict[str, str] = {
    "submit": "gửi bản tin", "edit_own": "sửa bản tin của mình",
    "edit_any": "sửa bản tin của người khác", "publish": "xuất bản hoặc gỡ bản tin",
    "lexicon_source": "sửa cách đọc", "lexicon_global": "sửa cách đọc dùng chung cho mọi nguồn",
    "audit": "xem nhật ký", "accounts": "quản lý tài khoản và mã truy cập",
    "view_drafts": "xem bản nháp", "station": "vận hành đài truyền thanh",
    "alerts": "nhận cảnh báo CAP",
}


def allows(role: str, permission: str) -> bool:
    try:
        return Role(role) in PERMISSIONS[permission]
    except ValueError:
        return False


def denied_message(role: str, permission: str) -> tuple[str, str]:
    """(Vietnamese, English) for a 403."""
    who = ROLE_LABELS.get(role, role)
    return (f"Vai trò {who} không được phép {PERMISSION_LABELS.get(permission, permission)}.",
            f"The {role} role may not do this ({permission}).")
