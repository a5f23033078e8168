"""The station's names, defined once: priorities, hazard types, risk levels and colours.

Priorities follow Thông tư 39/2020/TT-BTTTT (thông thường, ưu tiên, khẩn cấp); hazard
types and the five risk levels with their colours follow QĐ 18/2021/QĐ-TTg. Plain data:
the API, the editor, the pages, the CAP importer and the worker all read it from here.
"""

from __future__ import annotations

NORMAL, PRIORITY, EMERGENCY = "normal", "priority", "emergency"
#: in broadcast order: an emergency plays at once, a priority bulletin first in a programme
PRIORITIES: dict[str, str] = {NORMAL: "Thông thường", PRIORITY: "Ưu tiên",
                              EMERGENCY: "Khẩn cấp"}
PRIORITY_RANK: dict[str, int] = {EMERGENCY: 0, PRIORITY: 1, NORMAL: 2}

#: hazard type → how an announcer names it (QĐ 18/2021 types, grouped as stations say them)
HAZARDS: dict[str, str] = {
    "storm": "bão, áp thấp nhiệt đới",
    "flood": "lũ, ngập lụt",
    "flash_flood": "lũ quét, sạt lở đất",
    "heavy_rain": "mưa lớn",
    "heat": "nắng nóng",
    "cold": "rét hại, sương muối",
    "drought": "hạn hán, xâm nhập mặn",
    "earthquake": "động đất",
    "tsunami": "sóng thần",
    "wildfire": "cháy rừng",
    "fire": "cháy, nổ",
    "epidemic": "dịch bệnh",
    "other": "tình huống khẩn cấp khác",
}
#: hazards whose bulletins repeat on the rule even when not marked emergency
REPEATING_HAZARDS = frozenset({"storm", "flood", "flash_flood", "heavy_rain", "tsunami"})
#: minutes between repeats unless the editor sets another rule (QĐ 18: every 2 hours)
DEFAULT_REPEAT_MINUTES = 120
#: an emergency without `expires` stops playing this long after it was issued
DEFAULT_EXPIRES_HOURS = 24

RISK_LEVELS = (1, 2, 3, 4, 5)
#: QĐ 18/2021 colours: 1 light blue, 2 light yellow, 3 orange, 4 red, 5 purple
RISK_COLOURS: dict[int, tuple[str, str]] = {
    1: ("xanh dương nhạt", "#9fd3f5"),
    2: ("vàng nhạt", "#fff3a0"),
    3: ("da cam", "#f5a142"),
    4: ("đỏ", "#d7263d"),
    5: ("tím", "#7b2d8b"),
}
