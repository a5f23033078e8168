"""Read a CAP 1.2 alert (OASIS Common Alerting Protocol) into plain, checked values.

A CAP document arrives from outside the newsroom (a provincial disaster committee, a
weather service feed), so it is treated as hostile: the size is capped before parsing,
the XML is parsed with defusedxml with DTDs, entities and external references all
forbidden (billion laughs, XXE), and every failure, whatever raised it, leaves as a
`ValidationError` naming the element and saying why in Vietnamese and English. Only what
the station needs is read: the alert's identity, status and type, its references, and the
one Vietnamese <info> block, with a hazard type and a QĐ 18/2021 risk level resolved from
the data. No Flask here: the API, the importer and the worker share it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from service.station.vocabulary import HAZARDS, RISK_LEVELS
from service.validation import ValidationError, clean_string, is_blank

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
MAX_CAP_BYTES = 256 * 1024

STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
#: statuses that are never broadcast to the public (drills, system checks, drafts)
EXERCISE_STATUSES = frozenset({"Exercise", "System", "Test", "Draft"})
MSG_TYPES = ("Alert", "Update", "Cancel")
#: valid CAP types the station does not take: they answer messages, they warn nobody
REFUSED_MSG_TYPES = ("Ack", "Error")
SCOPES = ("Public", "Restricted", "Private")
CATEGORIES = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
              "Transport", "Infra", "CBRNE", "Other")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
#: CAP 1.0's "Very Likely": CAP 1.2 says to treat it as "Likely"
_CERTAINTY_ALIASES = {"Very Likely": "Likely"}

MAX_HEADLINE = 500
MAX_LONG_TEXT = 20_000
#: identifiers, event names, sender names: a line, not a page
MAX_SHORT_TEXT = 500
MAX_AREA_DESC = 2_000
MAX_PARAMETER = 1_000

#: when no risk-level parameter is given: CAP severity → QĐ 18/2021 risk level
SEVERITY_RISK: dict[str, int] = {"Extreme": 5, "Severe": 4, "Moderate": 3, "Minor": 2,
                                 "Unknown": 1}
#: <parameter> names (compared case-insensitively) that carry the risk level directly
RISK_PARAMETERS = frozenset(
    name.casefold() for name in ("riskLevel", "risk_level", "capDoRuiRo", "cap_do_rui_ro",
                                 "Cấp độ rủi ro")
)
HAZARD_PARAMETER = "hazard"

#: event keywords → hazard, tried IN THIS ORDER on the lowercased event (then headline):
#: a more specific keyword must come before the general one it contains ("lũ quét" before
#: "lũ", "cháy rừng" before "cháy"), and the umbrella hazard before its consequences (a
#: storm that brings heavy rain is a storm). Keywords match whole words only, so "lũ" does
#: not match "lũy kế" and "fire" does not match "wildfire".
HAZARD_KEYWORDS: dict[str, str] = {
    "bão": "storm", "áp thấp": "storm", "typhoon": "storm", "hurricane": "storm",
    "tropical depression": "storm", "storm": "storm", "cyclone": "storm",
    "lũ quét": "flash_flood", "sạt lở": "flash_flood", "landslide": "flash_flood",
    "flash flood": "flash_flood", "mudslide": "flash_flood",
    "lũ": "flood", "ngập": "flood", "flood": "flood", "flooding": "flood",
    "mưa lớn": "heavy_rain", "mưa to": "heavy_rain", "heavy rain": "heavy_rain",
    "nắng nóng": "heat", "heat": "heat", "heatwave": "heat",
    "rét": "cold", "sương muối": "cold", "cold": "cold",
    "hạn hán": "drought", "xâm nhập mặn": "drought", "drought": "drought",
    "động đất": "earthquake", "earthquake": "earthquake",
    "sóng thần": "tsunami", "tsunami": "tsunami",
    "cháy rừng": "wildfire", "wildfire": "wildfire", "forest fire": "wildfire",
    "cháy": "fire", "nổ": "fire", "fire": "fire", "explosion": "fire",
    "dịch": "epidemic", "epidemic": "epidemic", "disease": "epidemic",
    "outbreak": "epidemic",
}
#: CAP category → hazard, when no keyword matched (Met alone says too little: "other")
CATEGORY_HAZARDS: dict[str, str] = {"Health": "epidemic", "Fire": "fire"}
DEFAULT_HAZARD = "other"

_KEYWORD_PATTERNS = tuple(
    (re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)"), hazard)
    for keyword, hazard in HAZARD_KEYWORDS.items()
)

#: letters only Vietnamese writes (ă đ ĩ ơ ũ ư and the Latin Extended Additional vowels
#: with hook, dot below or two marks): â, ê, ô, á, à... alone are French or Portuguese too
_VIETNAMESE_LETTERS = re.compile("[ăđĩơũưĂĐĨƠŨƯ\u1ea0-\u1ef9]")
#: spaces within a line (tabs, no-break spaces, runs): one space each
_SPACES = re.compile(r"[^\S\n]+")
#: a CAP dateTime: xs:dateTime with a mandatory offset ("-00:00" is UTC)
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})",
    re.ASCII,
)
#: what CAP forbids in identifier and sender (they are joined with commas in references)
_ID_FORBIDDEN = re.compile(r"[\s,<&]")
_MAX_OFFSET = timedelta(hours=14)


@dataclass(frozen=True)
class CapReference:
    """One earlier message an Update or Cancel refers to."""

    sender: str
    identifier: str
    sent: str  # as written in <references>


@dataclass(frozen=True)
class CapInfo:
    """The Vietnamese <info> block: what to say, where, until when, and how dangerous."""

    language: str
    event: str
    categories: tuple[str, ...]
    urgency: str
    severity: str
    certainty: str
    headline: str
    description: str
    instruction: str
    sender_name: str
    onset: datetime | None  # UTC, naive
    effective: datetime | None
    expires: datetime | None
    areas: tuple[str, ...]  # areaDesc of each <area>
    parameters: dict[str, str]  # valueName -> value (the first one of a name)
    hazard: str  # a key of service.station.vocabulary.HAZARDS
    risk_level: int  # 1..5


@dataclass(frozen=True)
class CapAlert:
    """A checked CAP 1.2 alert, reduced to what the station uses."""

    identifier: str
    sender: str
    sent: datetime  # UTC, naive
    status: str  # Actual | Exercise | System | Test | Draft
    msg_type: str  # Alert | Update | Cancel
    scope: str  # Public | Restricted | Private
    references: tuple[CapReference, ...]
    info: CapInfo | None  # the Vietnamese <info>; None only for a Cancel without one

    @property
    def is_exercise(self) -> bool:
        """A drill, a system check or a draft: it must never reach a loudspeaker."""
        return self.status in EXERCISE_STATUSES


def parse_cap(data: bytes, max_bytes: int = MAX_CAP_BYTES) -> CapAlert:
    """Parse and check a CAP 1.2 document; every problem raises `ValidationError`.

    413 when larger than `max_bytes` (checked before any parsing), 400 when it is not
    well-formed XML or carries a DTD or entity declarations, 422 when it is XML but not
    an acceptable CAP 1.2 alert (the field names the element, e.g. "alert/info/expires").
    """
    if isinstance(data, str):  # tolerated: the size limit then counts UTF-8 bytes
        data = data.encode("utf-8")
    if len(data) > max_bytes:
        raise ValidationError(
            "alert", f"Tài liệu CAP quá lớn: tối đa {max_bytes} byte.",
            f"CAP document too large: at most {max_bytes} bytes.", status=413,
        )
    root = _parse_xml(bytes(data))
    if root.tag != _q("alert"):
        raise ValidationError(
            "alert",
            f"Không phải cảnh báo CAP 1.2: cần phần tử gốc <alert> trong không gian tên "
            f"{CAP_NS}.",
            f"Not a CAP 1.2 alert: the root must be <alert> in the namespace {CAP_NS}.",
        )
    identifier = _identifier(root, "identifier")
    sender = _identifier(root, "sender")
    sent = _required_datetime(root, "sent", "alert/sent")
    status = _enum(root, "status", "alert/status", STATUSES)
    msg_type = _msg_type(root)
    scope = _enum(root, "scope", "alert/scope", SCOPES)
    references = _references(root, required=msg_type in ("Update", "Cancel"))
    chosen = _vietnamese_info(root, msg_type)
    info = None if chosen is None else _info(*chosen)
    return CapAlert(identifier=identifier, sender=sender, sent=sent, status=status,
                    msg_type=msg_type, scope=scope, references=references, info=info)


def guess_hazard(event: str, headline: str = "", categories: tuple[str, ...] = ()) -> str:
    """The hazard named by the event text (then the headline), else by CAP category.

    Senders rarely give a hazard parameter; the event text ("Bão số 5", "Lũ quét") names
    it in words, so the keyword table decides, in its order, on whole words.
    """
    for text in (event, headline):
        lowered = unicodedata.normalize("NFC", text).lower()
        for pattern, hazard in _KEYWORD_PATTERNS:
            if pattern.search(lowered):
                return hazard
    for category in categories:
        if category in CATEGORY_HAZARDS:
            return CATEGORY_HAZARDS[category]
    return DEFAULT_HAZARD


# --- XML ------------------------------------------------------------------------------


def _parse_xml(data: bytes) -> Element:
    """The root element; any parser failure becomes a 400 (never another exception)."""
    try:
        root: Element = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                          forbid_external=True)
    except DefusedXmlException as exc:
        raise ValidationError(
            "alert",
            "Tài liệu CAP chứa DTD hoặc thực thể, không được chấp nhận.",
            "The CAP document contains a DTD or entity declarations, which are refused.",
            status=400,
        ) from exc
    except ParseError as exc:
        raise _not_xml(str(exc)) from exc
    except Exception as exc:  # expat and codecs can raise others on hostile input
        raise _not_xml(type(exc).__name__) from exc
    return root


def _not_xml(detail: str) -> ValidationError:
    return ValidationError(
        "alert", f"Tài liệu CAP không phải XML hợp lệ ({detail}).",
        f"The CAP document is not well-formed XML ({detail}).", status=400,
    )


def _q(name: str) -> str:
    return f"{{{CAP_NS}}}{name}"


def _children(parent: Element, name: str) -> list[Element]:
    """Children named `name` in the CAP namespace (others, e.g. signatures, are ignored)."""
    tag = _q(name)
    return [child for child in parent if child.tag == tag]


def _one(parent: Element, name: str, field: str) -> Element | None:
    """The element that CAP allows once; two of them would be ambiguous, so refused."""
    found = _children(parent, name)
    if len(found) > 1:
        raise ValidationError(field, f"Phần tử <{name}> xuất hiện nhiều lần.",
                              f"<{name}> appears more than once.")
    return found[0] if found else None


def _clean(raw: str, field: str, max_len: int) -> str:
    """Text as it will be read aloud: no control characters, NFC, one space between
    words, lines and paragraph breaks kept (XML indentation removed)."""
    value = unicodedata.normalize("NFC", clean_string(raw, field))
    lines: list[str] = []
    gap = False
    for line in value.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if not line:
            gap = bool(lines)
            continue
        if gap:
            lines.append("")
            gap = False
        lines.append(line)
    value = "\n".join(lines)
    if is_blank(value):
        return ""
    if len(value) > max_len:
        raise ValidationError(field, f"Quá dài: tối đa {max_len} ký tự.",
                              f"Too long: at most {max_len} characters.")
    return value


def _text(parent: Element, name: str, field: str, max_len: int) -> str:
    element = _one(parent, name, field)
    return "" if element is None else _clean("".join(element.itertext()), field, max_len)


def _required(parent: Element, name: str, field: str, max_len: int = MAX_SHORT_TEXT) -> str:
    value = _text(parent, name, field, max_len)
    if not value:
        raise ValidationError(field, f"Thiếu phần tử bắt buộc <{name}> hoặc để trống.",
                              f"The required element <{name}> is missing or empty.")
    return value


def _enum(parent: Element, name: str, field: str, allowed: tuple[str, ...],
          aliases: dict[str, str] | None = None) -> str:
    value = _required(parent, name, field)
    value = (aliases or {}).get(value, value)
    if value not in allowed:
        raise ValidationError(field, f"<{name}> phải là một trong {', '.join(allowed)}.",
                              f"<{name}> must be one of {', '.join(allowed)}.")
    return value


def _identifier(root: Element, name: str) -> str:
    """identifier and sender: CAP forbids spaces, commas, '<' and '&' in them."""
    field = f"alert/{name}"
    value = _required(root, name, field)
    if _ID_FORBIDDEN.search(value):
        raise ValidationError(
            field, f"<{name}> không được chứa khoảng trắng, dấu phẩy, '<' hoặc '&'.",
            f"<{name}> must not contain spaces, commas, '<' or '&'.",
        )
    return value


def _msg_type(root: Element) -> str:
    value = _required(root, "msgType", "alert/msgType")
    if value in REFUSED_MSG_TYPES:
        raise ValidationError(
            "alert/msgType",
            f"Không nhận bản tin CAP loại {value}: chỉ nhận Alert, Update hoặc Cancel.",
            f"CAP messages of type {value} are not accepted: only Alert, Update or Cancel.",
        )
    if value not in MSG_TYPES:
        raise ValidationError("alert/msgType",
                              "<msgType> phải là một trong Alert, Update, Cancel.",
                              "<msgType> must be one of Alert, Update, Cancel.")
    return value


# --- dates and references -------------------------------------------------------------


def parse_cap_datetime(value: str, field: str) -> datetime:
    """A CAP dateTime ("2026-12-01T14:30:00+07:00") as a naive UTC datetime.

    CAP requires the offset: without it the time is ambiguous, so it is refused. "Z",
    which CAP 1.2 forbids but some feeds write anyway, is taken as UTC: it is not
    ambiguous.
    """
    match = _DATETIME.fullmatch(value.strip())
    error = ValidationError(
        field,
        "Ngày giờ CAP không hợp lệ (dạng 2026-12-01T14:30:00+07:00, bắt buộc có múi giờ).",
        "Invalid CAP dateTime (use 2026-12-01T14:30:00+07:00; the offset is required).",
    )
    if match is None:
        raise error
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction, zone = match.group(7), match.group(8)
    offset = timedelta(0)
    if zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        if abs(offset) > _MAX_OFFSET or int(zone[4:6]) > 59:
            raise error
    try:
        local = datetime(year, month, day, hour, minute, second,
                         int((fraction or "0")[:6].ljust(6, "0")), tzinfo=timezone(offset))
        return local.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError) as exc:
        raise error from exc


def _required_datetime(parent: Element, name: str, field: str) -> datetime:
    return parse_cap_datetime(_required(parent, name, field), field)


def _optional_datetime(parent: Element, name: str, field: str) -> datetime | None:
    value = _text(parent, name, field, MAX_SHORT_TEXT)
    return parse_cap_datetime(value, field) if value else None


def _references(root: Element, *, required: bool) -> tuple[CapReference, ...]:
    """Space-separated "sender,identifier,sent" triples; Update and Cancel need them,
    or the station cannot tell which alert to replace or stop."""
    field = "alert/references"
    value = _text(root, "references", field, MAX_LONG_TEXT)
    if not value:
        if required:
            raise ValidationError(
                field, "Bản tin Update hoặc Cancel phải có <references> (cảnh báo được thay "
                "thế hoặc hủy).",
                "An Update or Cancel must have <references> (the alerts it replaces or "
                "cancels).",
            )
        return ()
    found: list[CapReference] = []
    for triple in value.split():
        parts = triple.split(",")
        if len(parts) != 3 or not all(parts):
            raise ValidationError(
                field, f"Tham chiếu không hợp lệ: {triple!r} (dạng sender,identifier,sent).",
                f"Invalid reference: {triple!r} (use sender,identifier,sent).",
            )
        parse_cap_datetime(parts[2], field)
        reference = CapReference(sender=parts[0], identifier=parts[1], sent=parts[2])
        if reference not in found:
            found.append(reference)
    return tuple(found)


# --- info -----------------------------------------------------------------------------


def _is_vietnamese_tag(language: str) -> bool:
    """"vi", "vi-VN", "VI_vn", "vie" (ISO 639-2): the primary subtag must be Vietnamese;
    a bare prefix test would also take "vic" or "vin", which are other languages."""
    primary = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return primary in ("vi", "vie")


def _vietnamese_info(root: Element, msg_type: str) -> tuple[Element, str] | None:
    """The <info> block to broadcast, with its language, or None for a Cancel without one.

    A block tagged vi wins. A lone untagged block (CAP would call it en-US) is taken only
    when its headline or description is visibly Vietnamese: some local senders omit the
    tag, and broadcasting English to a commune would be worse than refusing.
    """
    infos = _children(root, "info")
    languages = [_text(info, "language", "alert/info/language", MAX_SHORT_TEXT)
                 for info in infos]
    for info, language in zip(infos, languages, strict=True):
        if _is_vietnamese_tag(language):
            return info, language
    if len(infos) == 1 and not languages[0]:
        sample = " ".join("".join(element.itertext()) for name in ("headline", "description")
                          for element in _children(infos[0], name))
        if _VIETNAMESE_LETTERS.search(unicodedata.normalize("NFC", sample)):
            return infos[0], "vi"
    if msg_type == "Cancel":
        return None
    if not infos:
        raise ValidationError("alert/info",
                              f"Bản tin {msg_type} phải có khối <info> tiếng Việt.",
                              f"An {msg_type} must have a Vietnamese <info> block.")
    raise ValidationError(
        "alert/info/language",
        "Cần một khối <info> tiếng Việt (<language>vi-VN</language>).",
        "A Vietnamese <info> block is needed (<language>vi-VN</language>).",
    )


def _info(info: Element, language: str) -> CapInfo:
    event = _required(info, "event", "alert/info/event")
    categories = _categories(info)
    urgency = _enum(info, "urgency", "alert/info/urgency", URGENCIES)
    severity = _enum(info, "severity", "alert/info/severity", SEVERITIES)
    certainty = _enum(info, "certainty", "alert/info/certainty", CERTAINTIES,
                      _CERTAINTY_ALIASES)
    headline = _text(info, "headline", "alert/info/headline", MAX_HEADLINE)
    description = _text(info, "description", "alert/info/description", MAX_LONG_TEXT)
    instruction = _text(info, "instruction", "alert/info/instruction", MAX_LONG_TEXT)
    if not description and not instruction:
        raise ValidationError(
            "alert/info/description",
            "Khối <info> cần <description> hoặc <instruction> để đọc.",
            "The <info> block needs a <description> or an <instruction> to read.",
        )
    parameters = _parameters(info)
    return CapInfo(
        language=language,
        event=event,
        categories=categories,
        urgency=urgency,
        severity=severity,
        certainty=certainty,
        headline=headline,
        description=description,
        instruction=instruction,
        sender_name=_text(info, "senderName", "alert/info/senderName", MAX_SHORT_TEXT),
        onset=_optional_datetime(info, "onset", "alert/info/onset"),
        effective=_optional_datetime(info, "effective", "alert/info/effective"),
        expires=_optional_datetime(info, "expires", "alert/info/expires"),
        areas=_areas(info),
        parameters=parameters,
        hazard=_hazard(parameters, event, headline, categories),
        risk_level=_risk_level(parameters, severity),
    )


def _categories(info: Element) -> tuple[str, ...]:
    field = "alert/info/category"
    found: list[str] = []
    for element in _children(info, "category"):
        value = _clean("".join(element.itertext()), field, MAX_SHORT_TEXT)
        if value not in CATEGORIES:
            raise ValidationError(field, f"<category> phải là một trong {', '.join(CATEGORIES)}.",
                                  f"<category> must be one of {', '.join(CATEGORIES)}.")
        if value not in found:
            found.append(value)
    if not found:
        raise ValidationError(field, "Thiếu phần tử bắt buộc <category>.",
                              "The required element <category> is missing.")
    return tuple(found)


def _areas(info: Element) -> tuple[str, ...]:
    """areaDesc of each <area>: CAP requires it, and it is what the announcer reads."""
    return tuple(_required(area, "areaDesc", "alert/info/area/areaDesc", MAX_AREA_DESC)
                 for area in _children(info, "area"))


def _parameters(info: Element) -> dict[str, str]:
    """valueName → value; a nameless parameter means nothing and is skipped, and the
    first of a repeated name is kept (the document order decides, not chance)."""
    field = "alert/info/parameter"
    found: dict[str, str] = {}
    for element in _children(info, "parameter"):
        name = _text(element, "valueName", field, MAX_PARAMETER)
        if name:
            found.setdefault(name, _text(element, "value", field, MAX_PARAMETER))
    return found


def _hazard(parameters: dict[str, str], event: str, headline: str,
            categories: tuple[str, ...]) -> str:
    """An explicit hazard parameter naming a known hazard wins over guessing."""
    for name, value in parameters.items():
        if name.casefold() == HAZARD_PARAMETER and value.strip().lower() in HAZARDS:
            return value.strip().lower()
    return guess_hazard(event, headline, categories)


def _risk_level(parameters: dict[str, str], severity: str) -> int:
    """The sender's QĐ 18/2021 risk level when given as a parameter (it knows better than
    the coarse CAP severity), else the level the severity maps to."""
    for name, value in parameters.items():
        if name.strip().casefold() in RISK_PARAMETERS:
            text = value.strip()
            if not text.isascii() or not text.isdigit() or int(text) not in RISK_LEVELS:
                raise ValidationError(
                    "alert/info/parameter",
                    f"Cấp độ rủi ro ({name}) phải là số nguyên từ 1 đến 5.",
                    f"The risk level ({name}) must be an integer from 1 to 5.",
                )
            return int(text)
    return SEVERITY_RISK[severity]
