"""The CAP 1.2 parser: sample alerts read right, hostile XML refused, every error named.

Sample documents are in tests/data/cap/ (written from the OASIS CAP 1.2 schema); the
variants are built from a minimal alert so each test changes one thing.
"""

from __future__ import annotations

import re
import sys
import time
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.station import cap as cap_module
from service.station.cap import (
    CAP_NS,
    CATEGORY_HAZARDS,
    HAZARD_KEYWORDS,
    MAX_CAP_BYTES,
    CapAlert,
    CapReference,
    guess_hazard,
    parse_cap,
)
from service.station.vocabulary import HAZARDS
from service.validation import ValidationError

DATA = Path(__file__).resolve().parent.parent / "data" / "cap"

MINIMAL = f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="{CAP_NS}">
  <identifier>VN-TEST-0001</identifier>
  <sender>pctt@example.gov.vn</sender>
  <sent>2026-12-01T14:30:00+07:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>vi-VN</language>
    <category>Met</category>
    <event>Bão số 5</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <onset>2026-12-01T14:30:00+07:00</onset>
    <effective>2026-12-01T14:30:00+07:00</effective>
    <expires>2026-12-02T16:00:00+07:00</expires>
    <headline>Bão số 5 đổ bộ vào Quảng Ngãi</headline>
    <description>Bão mạnh cấp 11, giật cấp 13.</description>
    <instruction>Sơ tán người dân vùng trũng thấp.</instruction>
    <area><areaDesc>Huyện Lý Sơn</areaDesc></area>
  </info>
</alert>
"""
ALERT_ELEMENTS = ("identifier", "sender", "sent", "status", "msgType", "scope")
INFO_ELEMENTS = ("event", "urgency", "severity", "certainty", "category")
REFERENCE = "pctt@example.gov.vn,VN-TEST-0000,2026-11-30T16:00:00+07:00"


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def build(*, drop: tuple[str, ...] = (), params: tuple[tuple[str, str], ...] = (),
          references: str | None = None, info_extra: str = "", **values: str) -> bytes:
    """MINIMAL with elements replaced (`name=value`), removed (`drop`), parameters and
    references added, and more XML appended to the info block."""
    text = MINIMAL
    for name, value in values.items():
        text, count = re.subn(rf"<{name}>[^<]*</{name}>", f"<{name}>{value}</{name}>", text,
                              count=1)
        assert count == 1, name
    for name in drop:
        text, count = re.subn(rf"\s*<{name}>[^<]*</{name}>", "", text)
        assert count >= 1, name
    if references is not None:
        text = text.replace("  <info>", f"  <references>{references}</references>\n  <info>")
    extra = "".join(f"<parameter><valueName>{n}</valueName><value>{v}</value></parameter>"
                    for n, v in params) + info_extra
    text = text.replace("  </info>", f"    {extra}\n  </info>")
    return text.encode("utf-8")


def refused(data: bytes, status: int = 422, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_cap(data, **kwargs)
    assert caught.value.status == status, (caught.value.field, caught.value.message_en)
    assert caught.value.message and caught.value.message_en
    return caught.value


# --- the sample documents -------------------------------------------------------------


def test_storm_alert_takes_the_vietnamese_of_two_info_blocks() -> None:
    alert = parse_cap(load("quang-ngai-storm.xml"))
    assert alert.identifier == "VN-QNG-PCTT-2026-0005"
    assert alert.sender == "pctt@quangngai.gov.vn"
    assert alert.sent == datetime(2026, 11, 30, 9, 0)
    assert alert.sent.tzinfo is None
    assert (alert.status, alert.msg_type, alert.scope) == ("Actual", "Alert", "Public")
    assert alert.references == ()
    assert not alert.is_exercise
    info = alert.info
    assert info is not None
    assert info.language == "vi-VN"
    assert info.event == "Bão số 5"
    assert info.categories == ("Met", "Safety")
    assert (info.urgency, info.severity, info.certainty) == ("Immediate", "Severe", "Likely")
    assert info.headline == "Bão số 5 đổ bộ vào Quảng Ngãi chiều 1/12"
    assert info.description == (
        "Hồi 13 giờ ngày 30/11, vị trí tâm bão ở khoảng 14,8 độ Vĩ Bắc; 112,5 độ Kinh Đông.\n"
        "Sức gió mạnh nhất vùng gần tâm bão mạnh cấp 11, giật cấp 13.\n"
        "\n"
        "Dự báo chiều ngày 1/12, bão đổ bộ vào đất liền tỉnh Quảng Ngãi."
    )
    assert info.instruction == (
        "Tàu thuyền khẩn trương vào nơi tránh trú an toàn trước 17 giờ ngày 30/11.\n"
        "Sơ tán người dân vùng trũng thấp ven biển đến nơi an toàn."
    )
    assert info.sender_name == "Ban Chỉ huy Phòng chống thiên tai tỉnh Quảng Ngãi"
    assert info.effective == datetime(2026, 11, 30, 9, 0)
    assert info.onset == datetime(2026, 12, 1, 7, 30)
    assert info.expires == datetime(2026, 12, 2, 9, 0)
    assert info.areas == ("Huyện Lý Sơn", "Thị xã Đức Phổ", "Huyện Bình Sơn")
    assert info.parameters == {}
    assert info.hazard == "storm"
    assert info.risk_level == 4  # Severe


def test_flood_update_references_the_storm_alert() -> None:
    alert = parse_cap(load("quang-ngai-flood-update.xml"))
    assert alert.msg_type == "Update"
    assert alert.identifier == "VN-QNG-PCTT-2026-0006"
    assert alert.sent == datetime(2026, 11, 30, 23, 0)  # 06:00 +07:00 is the day before
    assert alert.references == (CapReference(sender="pctt@quangngai.gov.vn",
                                             identifier="VN-QNG-PCTT-2026-0005",
                                             sent="2026-11-30T16:00:00+07:00"),)
    info = alert.info
    assert info is not None
    assert info.language == "vi"
    assert info.headline == "Lũ trên sông Trà Khúc vượt báo động 3"
    assert info.instruction == "Không đi qua ngầm, tràn. Di dời tài sản lên cao."
    assert info.expires == datetime(2026, 12, 2, 23, 0)
    assert info.onset is None and info.effective is None
    assert info.areas == ("Thành phố Quảng Ngãi", "Huyện Tư Nghĩa")
    assert info.parameters == {"tram-thuy-van": "Trà Khúc"}
    assert info.hazard == "flood"
    assert info.risk_level == 5  # Extreme


def test_cancel_without_info_references_both_earlier_alerts() -> None:
    alert = parse_cap(load("quang-ngai-cancel.xml"))
    assert alert.msg_type == "Cancel"
    assert alert.info is None
    assert alert.sent == datetime(2026, 12, 3, 2, 0)  # "-00:00" is UTC
    assert [r.identifier for r in alert.references] == ["VN-QNG-PCTT-2026-0005",
                                                        "VN-QNG-PCTT-2026-0006"]
    assert alert.references[1].sent == "2026-12-01T06:00:00+07:00"
    assert {r.sender for r in alert.references} == {"pctt@quangngai.gov.vn"}


def test_test_status_alert_is_an_exercise() -> None:
    alert = parse_cap(load("drill-tsunami-test.xml"))
    assert alert.status == "Test"
    assert alert.is_exercise
    assert alert.info is not None
    assert alert.info.hazard == "tsunami"  # the event, not "động đất" in the description
    assert alert.info.risk_level == 5


def test_risk_level_parameter_beats_severity() -> None:
    alert = parse_cap(load("landslide-risk-parameter.xml"))
    info = alert.info
    assert info is not None
    assert info.severity == "Severe"
    assert info.risk_level == 3
    assert info.hazard == "flash_flood"
    assert info.instruction == ""
    assert info.parameters == {"Cấp độ rủi ro": "3", "luong-mua-24h": "150-250 mm"}
    assert info.expires == datetime(2026, 11, 3, 3, 0)


def test_minimal_alert_parses() -> None:
    alert = parse_cap(build())
    assert isinstance(alert, CapAlert)
    assert alert.sent == datetime(2026, 12, 1, 7, 30)
    assert alert.info is not None and alert.info.areas == ("Huyện Lý Sơn",)


@pytest.mark.parametrize(("status", "exercise"), [
    ("Actual", False), ("Exercise", True), ("System", True), ("Test", True), ("Draft", True),
])
def test_only_actual_alerts_are_public(status: str, exercise: bool) -> None:
    assert parse_cap(build(status=status)).is_exercise is exercise


# --- hostile and broken XML -----------------------------------------------------------


@pytest.mark.parametrize("data", [
    b"",
    b"not xml at all",
    b"<alert>",
    f'<alert xmlns="{CAP_NS}"><identifier>x</alert>'.encode(),
    b"<?xml version='1.0' encoding='utf-8'?><a>\xc3\x28</a>",  # invalid UTF-8
    b"<?xml version='1.0' encoding='klingon'?><a/>",
    f'<alert xmlns="{CAP_NS}">&undefined;</alert>'.encode(),
    f'<alert xmlns="{CAP_NS}"><identifier>a&#0;b</identifier></alert>'.encode(),
    b"\x00\x01\x02\xff",
], ids=["empty", "text", "unclosed", "mismatched", "bad-utf8", "bad-encoding",
        "undefined-entity", "nul-reference", "binary"])
def test_malformed_xml_is_400(data: bytes) -> None:
    error = refused(data, 400)
    assert error.field == "alert"
    assert "không phải XML hợp lệ" in error.message


def test_truncated_sample_is_400() -> None:
    data = load("quang-ngai-storm.xml")
    assert refused(data[: len(data) // 2], 400).field == "alert"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE alert [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol9;</identifier></alert>
"""


def test_billion_laughs_is_400_and_fast() -> None:
    started = time.monotonic()
    error = refused(BILLION_LAUGHS, 400)
    assert time.monotonic() - started < 1.0
    assert error.field == "alert"
    assert "DTD hoặc thực thể" in error.message


#: paths opened by Python code while armed (an XXE resolver would open the file)
_OPENED: list[str] = []
_ARMED: list[bool] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _ARMED and event == "open" and args:
        _OPENED.append(str(args[0]))


sys.addaudithook(_audit)


@pytest.mark.parametrize("template", [
    # an external general entity in the content
    '<?xml version="1.0"?>\n<!DOCTYPE alert [<!ENTITY xxe SYSTEM "{url}">]>\n'
    '<alert xmlns="' + CAP_NS + '"><identifier>&xxe;</identifier></alert>',
    # an external parameter entity (the classic out-of-band XXE)
    '<?xml version="1.0"?>\n<!DOCTYPE alert [<!ENTITY % ext SYSTEM "{url}"> %ext;]>\n'
    '<alert xmlns="' + CAP_NS + '"/>',
    # an external DTD subset
    '<?xml version="1.0"?>\n<!DOCTYPE alert SYSTEM "{url}">\n<alert xmlns="' + CAP_NS + '"/>',
], ids=["general-entity", "parameter-entity", "external-dtd"])
def test_xxe_is_400_and_reads_no_file(template: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a", encoding="utf-8")
    data = template.format(url=secret.as_uri()).encode()
    _OPENED.clear()
    _ARMED.append(True)
    try:
        error = refused(data, 400)
    finally:
        _ARMED.clear()
    assert error.field == "alert"
    assert "DTD hoặc thực thể" in error.message
    assert not [path for path in _OPENED if "secret" in path]
    assert "TOP-SECRET" not in f"{error} {error.message} {error.message_en}"


def test_dtd_alone_is_400() -> None:
    data = f'<?xml version="1.0"?>\n<!DOCTYPE alert>\n<alert xmlns="{CAP_NS}"/>'.encode()
    error = refused(data, 400)
    assert "DTD" in error.message_en


def test_parser_forbids_dtd_entities_and_external(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    real = cap_module.SafeET.fromstring

    def spy(data: bytes, **kwargs: Any) -> Any:
        seen.update(kwargs)
        return real(data, **kwargs)

    monkeypatch.setattr(cap_module.SafeET, "fromstring", spy)
    parse_cap(build())
    assert seen == {"forbid_dtd": True, "forbid_entities": True, "forbid_external": True}


def test_oversized_is_413_before_parsing() -> None:
    error = refused(b"<" * (MAX_CAP_BYTES + 1), 413)  # not XML either: size comes first
    assert error.field == "alert"
    assert refused(build(), 413, max_bytes=100).field == "alert"


def test_exactly_the_limit_is_accepted() -> None:
    data = build()
    padded = data + b"<!--" + b"x" * (MAX_CAP_BYTES - len(data) - 7) + b"-->"
    assert len(padded) == MAX_CAP_BYTES
    assert parse_cap(padded).identifier == "VN-TEST-0001"


@given(st.binary(max_size=300))
@settings(max_examples=150, deadline=None, database=None)
def test_random_bytes_only_ever_raise_validation_error(data: bytes) -> None:
    try:
        parse_cap(data)
    except ValidationError as exc:
        assert exc.status in (400, 413, 422)


@given(st.data())
@settings(max_examples=150, deadline=None, database=None)
def test_mutated_alerts_only_ever_raise_validation_error(data: st.DataObject) -> None:
    text = bytearray(build())
    for _ in range(data.draw(st.integers(1, 5))):
        position = data.draw(st.integers(0, len(text) - 1))
        text[position] = data.draw(st.integers(0, 255))
    try:
        parse_cap(bytes(text))
    except ValidationError as exc:
        assert exc.status in (400, 413, 422)


# --- CAP structure --------------------------------------------------------------------


@pytest.mark.parametrize("data", [
    MINIMAL.replace(CAP_NS, "urn:oasis:names:tc:emergency:cap:1.1").encode(),
    MINIMAL.replace(f' xmlns="{CAP_NS}"', "").encode(),
    MINIMAL.replace("<alert ", "<alerte ").replace("</alert>", "</alerte>").encode(),
], ids=["cap-1.1", "no-namespace", "other-root"])
def test_wrong_namespace_or_root_is_422_alert(data: bytes) -> None:
    assert refused(data).field == "alert"


@pytest.mark.parametrize("element", ALERT_ELEMENTS + INFO_ELEMENTS)
def test_missing_required_element_is_named(element: str) -> None:
    field = f"alert/{element}" if element in ALERT_ELEMENTS else f"alert/info/{element}"
    assert refused(build(drop=(element,))).field == field


@pytest.mark.parametrize("element", ALERT_ELEMENTS + INFO_ELEMENTS)
def test_empty_required_element_is_named(element: str) -> None:
    field = f"alert/{element}" if element in ALERT_ELEMENTS else f"alert/info/{element}"
    assert refused(build(**{element: "  \n  "})).field == field


@pytest.mark.parametrize(("element", "value"), [
    ("status", "Real"), ("status", "actual"), ("msgType", "Notice"), ("scope", "Everyone"),
    ("urgency", "Now"), ("severity", "Catastrophic"), ("certainty", "Sure"),
    ("category", "Weather"),
])
def test_invalid_enumeration_is_named(element: str, value: str) -> None:
    field = f"alert/{element}" if element in ALERT_ELEMENTS else f"alert/info/{element}"
    assert refused(build(**{element: value})).field == field


@pytest.mark.parametrize("msg_type", ["Ack", "Error"])
def test_ack_and_error_are_refused(msg_type: str) -> None:
    error = refused(build(msgType=msg_type, references=REFERENCE))
    assert error.field == "alert/msgType"
    assert msg_type in error.message


def test_very_likely_is_likely() -> None:
    info = parse_cap(build(certainty="Very Likely")).info
    assert info is not None and info.certainty == "Likely"


def test_repeated_single_element_is_refused() -> None:
    data = MINIMAL.replace("<status>Actual</status>",
                           "<status>Test</status><status>Actual</status>").encode()
    assert refused(data).field == "alert/status"


@pytest.mark.parametrize("value", ["VN TEST", "VN,TEST", "a&amp;b", "x&lt;y"])
def test_identifier_without_spaces_commas_or_markup(value: str) -> None:
    assert refused(build(identifier=value)).field == "alert/identifier"
    assert refused(build(sender=value)).field == "alert/sender"


# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "utc"), [
    ("2026-12-01T14:30:00+07:00", datetime(2026, 12, 1, 7, 30)),
    ("2026-12-01T07:30:00-00:00", datetime(2026, 12, 1, 7, 30)),
    ("2026-12-01T07:30:00+00:00", datetime(2026, 12, 1, 7, 30)),
    ("2026-12-01T07:30:00Z", datetime(2026, 12, 1, 7, 30)),
    ("2026-11-30T21:30:00-10:00", datetime(2026, 12, 1, 7, 30)),
    ("2026-12-01T14:30:00.250+07:00", datetime(2026, 12, 1, 7, 30, 0, 250000)),
    (" 2026-12-01T14:30:00+07:00\n", datetime(2026, 12, 1, 7, 30)),
])
def test_datetimes_become_naive_utc(value: str, utc: datetime) -> None:
    alert = parse_cap(build(sent=value, expires=value))
    assert alert.sent == utc and alert.sent.tzinfo is None
    assert alert.info is not None and alert.info.expires == utc


@pytest.mark.parametrize("value", [
    "2026-12-01T14:30:00",  # no offset: ambiguous
    "2026-12-01 14:30:00+07:00",
    "2026-12-01",
    "01/12/2026 14:30",
    "2026-13-01T14:30:00+07:00",
    "2026-02-30T14:30:00+07:00",
    "2026-12-01T25:00:00+07:00",
    "2026-12-01T14:30:60+07:00",
    "2026-12-01T14:30:00+15:00",
    "2026-12-01T14:30:00+07:60",
    "2026-12-01T14:30:00+0700",
    "0001-01-01T00:00:00+07:00",  # before year 1 in UTC
    "２０２６-12-01T14:30:00+07:00",  # full-width digits
])
@pytest.mark.parametrize("element", ["sent", "onset", "effective", "expires"])
def test_invalid_datetime_is_named(element: str, value: str) -> None:
    field = "alert/sent" if element == "sent" else f"alert/info/{element}"
    assert refused(build(**{element: value})).field == field


# --- references -----------------------------------------------------------------------


@pytest.mark.parametrize("msg_type", ["Update", "Cancel"])
def test_update_and_cancel_need_references(msg_type: str) -> None:
    assert refused(build(msgType=msg_type)).field == "alert/references"
    assert refused(build(msgType=msg_type, references="  ")).field == "alert/references"


@pytest.mark.parametrize("value", [
    "VN-TEST-0000",
    "pctt@example.gov.vn,VN-TEST-0000",
    "pctt@example.gov.vn,VN-TEST-0000,2026-11-30T16:00:00+07:00,extra",
    "pctt@example.gov.vn,,2026-11-30T16:00:00+07:00",
    "pctt@example.gov.vn,VN-TEST-0000,yesterday",
    f"{REFERENCE} garbage",
])
def test_malformed_references_are_422(value: str) -> None:
    assert refused(build(msgType="Update", references=value)).field == "alert/references"


def test_references_are_split_kept_as_written_and_deduplicated() -> None:
    other = "pctt@example.gov.vn,VN-TEST-0002,2026-11-30T18:00:00-00:00"
    alert = parse_cap(build(msgType="Update", references=f"\n {REFERENCE}  {other} {REFERENCE}"))
    assert alert.references == (
        CapReference("pctt@example.gov.vn", "VN-TEST-0000", "2026-11-30T16:00:00+07:00"),
        CapReference("pctt@example.gov.vn", "VN-TEST-0002", "2026-11-30T18:00:00-00:00"),
    )


def test_an_alert_may_carry_references() -> None:
    assert len(parse_cap(build(references=REFERENCE)).references) == 1


# --- choosing the Vietnamese info -----------------------------------------------------

ENGLISH_INFO = """<info><language>en-US</language><category>Met</category>
<event>Typhoon</event><urgency>Immediate</urgency><severity>Severe</severity>
<certainty>Likely</certainty><headline>Typhoon warning</headline>
<description>A typhoon is coming.</description></info>"""


def test_only_english_info_is_refused() -> None:
    data = MINIMAL.replace("<language>vi-VN</language>", "<language>en-US</language>")
    error = refused(data.encode())
    assert error.field == "alert/info/language"
    assert "tiếng Việt" in error.message


@pytest.mark.parametrize("language", ["vi", "VI", "vi-VN", "vi_VN", " vi-vn ", "vie"])
def test_vietnamese_language_tags(language: str) -> None:
    info = parse_cap(build(language=language)).info
    assert info is not None and info.language == language.strip()


@pytest.mark.parametrize("language", ["vic", "vin", "en-VN", "fr"])
def test_other_languages_starting_with_vi_are_not_vietnamese(language: str) -> None:
    assert refused(build(language=language)).field == "alert/info/language"


def test_vietnamese_block_is_found_after_an_english_one() -> None:
    data = MINIMAL.replace("  <info>", f"  {ENGLISH_INFO}\n  <info>", 1).encode()
    info = parse_cap(data).info
    assert info is not None and info.event == "Bão số 5"


def test_untagged_sole_info_in_vietnamese_is_accepted() -> None:
    info = parse_cap(build(drop=("language",))).info
    assert info is not None
    assert info.language == "vi"
    assert info.headline == "Bão số 5 đổ bộ vào Quảng Ngãi"


def test_untagged_decomposed_vietnamese_is_recognised_and_composed() -> None:
    headline = unicodedata.normalize("NFD", "Lũ quét ở Sơn Tây")
    info = parse_cap(build(drop=("language",), headline=headline,
                           description="Mua lon.")).info
    assert info is not None
    assert info.headline == "Lũ quét ở Sơn Tây"  # NFC


def test_untagged_sole_info_in_english_or_french_is_refused() -> None:
    english = build(drop=("language",), headline="Typhoon warning",
                    description="A typhoon is coming.")
    assert refused(english).field == "alert/info/language"
    french = build(drop=("language",), headline="Tempête à côté",
                   description="Évacuez les zones côtières.")
    assert refused(french).field == "alert/info/language"


def test_two_untagged_infos_are_refused() -> None:
    data = build(drop=("language",)).decode()
    block = data[data.index("<info>"):data.index("</info>") + len("</info>")]
    data = data.replace(block, block + block)
    assert refused(data.encode()).field == "alert/info/language"


def test_alert_without_info_is_refused() -> None:
    data = re.sub(r"<info>.*</info>", "", MINIMAL, flags=re.S).encode()
    assert refused(data).field == "alert/info"


def test_cancel_with_only_english_info_has_no_info() -> None:
    data = MINIMAL.replace("<language>vi-VN</language>", "<language>en-US</language>")
    data = data.replace("<msgType>Alert</msgType>",
                        f"<msgType>Cancel</msgType><references>{REFERENCE}</references>")
    assert parse_cap(data.encode()).info is None


# --- text -----------------------------------------------------------------------------


def test_body_needs_description_or_instruction() -> None:
    error = refused(build(drop=("description", "instruction")))
    assert error.field == "alert/info/description"
    only_instruction = parse_cap(build(drop=("description",))).info
    assert only_instruction is not None and only_instruction.description == ""


def test_text_is_collapsed_but_keeps_paragraphs() -> None:
    description = ("  Dòng\tmột   có   khoảng trắng\u00a0thừa  \r\n  dòng hai\n\n\n\n"
                   "   đoạn hai&#x9f;&#x7f; \n")
    info = parse_cap(build(description=description)).info
    assert info is not None
    assert info.description == "Dòng một có khoảng trắng thừa\ndòng hai\n\nđoạn hai"


@pytest.mark.parametrize(("element", "limit"), [
    ("headline", 500), ("description", 20_000), ("instruction", 20_000),
])
def test_text_length_limits(element: str, limit: int) -> None:
    ok = parse_cap(build(**{element: "ă" * limit})).info
    assert ok is not None and len(getattr(ok, element)) == limit
    assert refused(build(**{element: "ă" * (limit + 1)})).field == f"alert/info/{element}"


def test_area_needs_a_description() -> None:
    data = build(info_extra="<area><circle>15.28,108.75 20</circle></area>")
    assert refused(data).field == "alert/info/area/areaDesc"


def test_unknown_and_foreign_elements_are_ignored() -> None:
    data = MINIMAL.replace(
        "<scope>Public</scope>",
        '<scope>Public</scope><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
        "<status>Test</status></ds:Signature><note>ghi chú</note>",
    )
    assert parse_cap(data.encode()).status == "Actual"


# --- risk level and hazard ------------------------------------------------------------


@pytest.mark.parametrize(("severity", "level"), [
    ("Extreme", 5), ("Severe", 4), ("Moderate", 3), ("Minor", 2), ("Unknown", 1),
])
def test_risk_level_from_severity(severity: str, level: int) -> None:
    info = parse_cap(build(severity=severity)).info
    assert info is not None and info.risk_level == level


@pytest.mark.parametrize("name", [
    "riskLevel", "RISKLEVEL", "risk_level", "capDoRuiRo", "cap_do_rui_ro", "Cấp độ rủi ro",
    "CẤP ĐỘ RỦI RO",
])
def test_risk_level_parameter_names(name: str) -> None:
    info = parse_cap(build(params=((name, " 2 "),))).info
    assert info is not None and info.risk_level == 2


@pytest.mark.parametrize("value", ["0", "6", "-1", "3.5", "ba", "", "３"])
def test_risk_level_parameter_out_of_range_is_422(value: str) -> None:
    error = refused(build(params=(("riskLevel", value),)))
    assert error.field == "alert/info/parameter"


def test_first_parameter_of_a_name_wins() -> None:
    info = parse_cap(build(params=(("riskLevel", "1"), ("riskLevel", "5")))).info
    assert info is not None and info.risk_level == 1 and info.parameters == {"riskLevel": "1"}


def test_hazard_parameter_wins_when_known() -> None:
    info = parse_cap(build(params=(("hazard", "Drought"),))).info
    assert info is not None and info.hazard == "drought"
    info = parse_cap(build(params=(("hazard", "volcano"),))).info
    assert info is not None and info.hazard == "storm"  # unknown: guessed from "Bão số 5"


@pytest.mark.parametrize(("event", "hazard"), [
    ("Bão số 5", "storm"),
    ("Áp thấp nhiệt đới", "storm"),
    ("Typhoon Yagi", "storm"),
    ("Tropical Storm Warning", "storm"),
    ("Bão gây mưa lớn", "storm"),
    ("Lũ quét", "flash_flood"),
    ("Lũ", "flood"),
    ("LŨ QUÉT", "flash_flood"),
    (unicodedata.normalize("NFD", "Lũ quét"), "flash_flood"),
    ("Lũ lớn trên sông Hồng", "flood"),
    ("Sạt lở đất", "flash_flood"),
    ("Landslide", "flash_flood"),
    ("Flash Flood Warning", "flash_flood"),
    ("Flood Warning", "flood"),
    ("Ngập úng đô thị", "flood"),
    ("Mưa lớn diện rộng", "heavy_rain"),
    ("Heavy Rain", "heavy_rain"),
    ("Nắng nóng gay gắt", "heat"),
    ("Extreme heat", "heat"),
    ("Rét đậm, rét hại", "cold"),
    ("Sương muối", "cold"),
    ("Cold wave", "cold"),
    ("Hạn hán", "drought"),
    ("Xâm nhập mặn", "drought"),
    ("Động đất", "earthquake"),
    ("Earthquake", "earthquake"),
    ("Sóng thần", "tsunami"),
    ("Tsunami", "tsunami"),
    ("Cháy rừng", "wildfire"),
    ("Cấp dự báo cháy rừng cấp V", "wildfire"),
    ("Wildfire", "wildfire"),
    ("Cháy", "fire"),
    ("Cháy nhà xưởng", "fire"),
    ("Nổ khí gas", "fire"),
    ("Structure Fire", "fire"),
    ("Dịch sốt xuất huyết", "epidemic"),
    ("Epidemic", "epidemic"),
    ("Disease outbreak", "epidemic"),
    ("Lượng mưa lũy kế", "other"),  # "lũy" is not "lũ"
    ("Nổi gió", "other"),  # "nổi" is not "nổ"
    ("Thông báo khẩn", "other"),
])
def test_hazard_keywords(event: str, hazard: str) -> None:
    assert guess_hazard(event) == hazard


def test_hazard_through_the_parser() -> None:
    info = parse_cap(build(event="Cháy rừng", headline="Cảnh báo cháy rừng",
                           category="Fire")).info
    assert info is not None and info.hazard == "wildfire"


@pytest.mark.parametrize(("categories", "hazard"), [
    (("Health",), "epidemic"), (("Fire",), "fire"), (("Met",), "other"),
    (("Geo", "Health"), "epidemic"), ((), "other"),
])
def test_hazard_by_category_when_no_keyword(categories: tuple[str, ...], hazard: str) -> None:
    assert guess_hazard("Thông báo khẩn", "", categories) == hazard


def test_keyword_beats_category_and_headline_is_second_chance() -> None:
    assert guess_hazard("Lũ", "", ("Health",)) == "flood"
    assert guess_hazard("Cảnh báo thiên tai", "Nguy cơ sạt lở đất", ("Met",)) == "flash_flood"


def test_every_guessed_hazard_is_a_station_hazard() -> None:
    assert set(HAZARD_KEYWORDS.values()) | set(CATEGORY_HAZARDS.values()) <= set(HAZARDS)
    assert "other" in HAZARDS
