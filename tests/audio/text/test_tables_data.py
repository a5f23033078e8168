"""The shipped data tables are well formed, and legacy text converts exactly."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audio.text.legacy import convert_legacy, decode_legacy, detect_legacy
from audio.text.tables import (
    LegacyName,
    abbreviation_index,
    abbreviations,
    dotted_abbreviations,
    expand_abbreviation,
    legacy_map,
)
from tests.conftest import SAMPLE

DATA = resources.files("audio.text").joinpath("data")
VI_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)


def _rows(name: str) -> list[list[str]]:
    text = DATA.joinpath(name).read_text("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert text.endswith("\n") and "\r" not in text
    return list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))


# ------------------------------------------------------------ abbreviations


def test_abbreviation_header_and_shape() -> None:
    rows = _rows("abbreviations.tsv")
    assert rows[0] == ["abbr", "expansion", "context", "domain", "source"]
    assert all(len(r) == 5 for r in rows[1:])
    assert len(rows) - 1 >= 200
    assert len(abbreviations()) == len(rows) - 1


def test_no_duplicate_abbr_and_context() -> None:
    keys = Counter((a.abbr, a.context) for a in abbreviations())
    assert [k for k, n in keys.items() if n > 1] == []


def test_fields_are_clean() -> None:
    allowed = re.compile(rf"[{VI_LETTERS} ]+")
    for a in abbreviations():
        assert a.abbr == a.abbr.strip() and a.abbr and " " not in a.abbr
        assert allowed.fullmatch(a.expansion), a
        assert not re.search(r"\d", a.expansion), a
        assert a.expansion == " ".join(a.expansion.split()), a
        assert a.source.strip(), a
        for field in (a.abbr, a.expansion, a.source, a.context or ""):
            assert unicodedata.is_normalized("NFC", field)


def test_every_context_compiles() -> None:
    for a in abbreviations():
        if a.context is not None:
            re.compile(a.context)


def test_context_free_reading_comes_last() -> None:
    """A context-free row always applies, so one before a contextual row hides it."""
    for abbr, entries in abbreviation_index().items():
        free = [i for i, e in enumerate(entries) if e.context is None and e.domain is None]
        assert len(free) <= 1, abbr
        assert not free or free[0] == len(entries) - 1, abbr


@pytest.mark.parametrize("abbr", ["CT", "TT", "Q.", "P.", "CP", "BTC", "BCT", "KH", "CĐ"])
def test_ambiguous_forms_need_context(abbr: str) -> None:
    entries = abbreviation_index()[abbr]
    assert all(e.context for e in entries)


@pytest.mark.parametrize(
    "abbr",
    ["UBND", "HĐND", "MTTQ", "TAND", "VKSND", "CSGT", "TW", "BCH", "BTV", "BCT", "BBT", "TU",
     "HU", "ĐU", "QU", "BGDĐT", "BYT", "BCA", "BQP", "BTC", "BKHĐT", "NHNN", "KBNN", "BHXH",
     "BHYT", "NQ", "QĐ", "CT", "KH", "TB", "CV", "NĐ", "TT", "TP.", "TP", "Q.", "P.", "TX.",
     "H.", "ATGT", "ATVSTP", "PCCC", "THPT", "THCS", "GDP", "CPI", "ĐBSCL", "KCN", "BOT",
     "Covid", "WHO", "ASEAN", "GS.", "PGS.", "TS.", "ThS.", "BS.", "KS.", "GS.TS", "v.v."],
)  # fmt: skip
def test_required_abbreviations_present(abbr: str) -> None:
    assert abbr in abbreviation_index()


def _expand(sentence: str, token: str, nth: int = 0) -> str | None:
    starts = [m.start() for m in re.finditer(re.escape(token), sentence)]
    start = starts[nth]
    return expand_abbreviation(sentence, start, start + len(token))


@pytest.mark.parametrize(
    ("sentence", "token", "nth", "expected"),
    [
        ("Chủ tịch UBND tỉnh chỉ đạo", "UBND", 0, "ủy ban nhân dân"),
        ("TP. Hồ Chí Minh", "TP.", 0, "thành phố"),
        ("Chỉ thị số 42-CT/TW của Ban Bí thư", "CT", 0, "chỉ thị"),
        ("Chỉ thị số 42-CT/TW của Ban Bí thư", "TW", 0, "trung ương"),
        ("Chỉ thị 42-CT/TW và ông A, CT UBND tỉnh", "CT", 0, "chỉ thị"),
        ("Chỉ thị 42-CT/TW và ông A, CT UBND tỉnh", "CT", 1, "chủ tịch"),
        ("Ông A làm việc tại CT TNHH Minh Long", "CT", 0, "công ty"),
        ("Ông CT nói gì đó", "CT", 0, None),
        ("Thông tư 01/2020/TT-BYT hướng dẫn", "TT", 0, "thông tư"),
        ("Thông tri 05-TT/TW của Ban Bí thư", "TT", 0, "thông tri"),
        ("Kế hoạch số 193-KH/TU", "TU", 0, "tỉnh ủy"),
        ("Ban Thường vụ TU thành phố Hà Nội", "TU", 0, "thành ủy"),
        ("Nhà số 5, Q. 1, TP. HCM", "Q.", 0, "quận"),
        ("Ông Nguyễn Q. Huy phát biểu", "Q.", 0, None),
        ("Số 5, P. Bến Nghé, Q. 1", "P.", 0, "phường"),
        ("Công ty CP Sữa Việt Nam", "CP", 0, "cổ phần"),
        ("Nghị định 30/2020/NĐ-CP", "CP", 0, "chính phủ"),
        ("BTC giải chạy công bố kết quả", "BTC", 0, "ban tổ chức"),
        ("BTC vừa ban hành thông tư về thuế", "BTC", 0, "bộ tài chính"),
        ("Ủy viên BCT, Bí thư Thành ủy", "BCT", 0, "bộ chính trị"),
        ("BTV đài truyền hình tỉnh", "BTV", 0, "biên tập viên"),
        ("BTV Tỉnh ủy họp", "BTV", 0, "ban thường vụ"),
        ("Tổ chức Y tế Thế giới WHO", "WHO", 0, "tổ chức y tế thế giới"),
        ("rau, củ v.v.", "v.v.", 0, "vân vân"),
        ("Không có trong bảng XYZ", "XYZ", 0, None),
    ],
)
def test_expand_in_context(sentence: str, token: str, nth: int, expected: str | None) -> None:
    assert _expand(sentence, token, nth) == expected


def test_dotted_abbreviations_for_segmenter() -> None:
    dotted = dotted_abbreviations()
    assert {"TP.", "GS.", "Q.", "v.v.", "GS.TS"} <= dotted
    assert all("." in d for d in dotted)


# ------------------------------------------------------------ legacy encodings

PARAGRAPH = (
    "Thực hiện Chỉ thị số 42 của Ban Bí thư, ngày 23/6/2020, Ban Thường vụ Tỉnh ủy đã ban "
    "hành kế hoạch đề ra bảy nhóm nhiệm vụ và giải pháp nhằm tăng cường sự lãnh đạo của Đảng "
    "đối với công tác phòng ngừa, ứng phó, khắc phục hậu quả thiên tai trên địa bàn tỉnh; "
    "người dân được hướng dẫn kỹ năng ứng phó với bão, lũ quét, sạt lở đất. Ăn ở, Âu lo, "
    "Ơn nghĩa, Ưu tiên, Êm ả, Ông bà. Ngụy, quỹ, tuổi, khuyến khích, nghĩa, mỹ, lý, kỷ, chỉ, hỷ."
)
VNI_EXTRA = " ỨNG PHÓ THIÊN TAI: ĐỒNG LÒNG, ỦY BAN, Ở ĐÂY, ỊA, ỸỶỴỲÝ, ẴẲẶẰẮ, Ễ Ỗ Ỡ Ữ Ĩ Ũ."


def _encode(text: str, name: LegacyName) -> str:
    inverse = {uni: legacy for legacy, uni in legacy_map(name).items()}
    return "".join(inverse.get(ch, ch) for ch in text)


@pytest.mark.parametrize("name", ["tcvn3", "vni"])
def test_legacy_table_shape(name: LegacyName) -> None:
    rows = _rows(f"legacy_{name}.tsv")
    assert rows[0] == ["legacy", "unicode", "legacy_codepoints", "source"]
    for legacy, uni, codepoints, source in rows[1:]:
        assert codepoints == " ".join(f"U+{ord(c):04X}" for c in legacy)
        assert all(0xA0 <= ord(c) <= 0xFF or c.isascii() for c in legacy)
        assert len(uni) == 1 and uni.lower() in VI_LETTERS
        assert uni != legacy or legacy == "ý"  # TCVN3 keeps ý at its Latin-1 place
        assert source
    mapping = legacy_map(name)
    assert len(set(mapping.values())) == len(mapping)


def test_legacy_tables_cover_vietnamese() -> None:
    non_ascii = {c for c in VI_LETTERS if not c.isascii()} - {"í", "ì"}
    assert non_ascii <= set(legacy_map("tcvn3").values())
    uppers = {c.upper() for c in non_ascii} | {"đ", "Đ"} | non_ascii
    assert uppers <= set(legacy_map("vni").values())


@pytest.mark.parametrize(
    ("name", "text"),
    [("tcvn3", PARAGRAPH), ("vni", PARAGRAPH), ("vni", PARAGRAPH + VNI_EXTRA)],
)
def test_legacy_round_trip(name: LegacyName, text: str) -> None:
    encoded = _encode(text, name)
    assert encoded != text and all(ord(c) <= 0xFF for c in encoded)
    assert detect_legacy(encoded) == name
    assert convert_legacy(encoded) == text


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("Hµ Néi, ngµy 26 th¸ng 6", "Hà Nội, ngày 26 tháng 6"),
        ("§¶ng bé tØnh B¾c K¹n", "Đảng bộ tỉnh Bắc Kạn"),
        ("Uû ban nh©n d©n tØnh quyÕt ®Þnh", "Uỷ ban nhân dân tỉnh quyết định"),
        ("Haø Noäi, ngaøy 26 thaùng 6", "Hà Nội, ngày 26 tháng 6"),
        ("Ñaûng boä tænh Baéc Kaïn", "Đảng bộ tỉnh Bắc Kạn"),
        ("Ngöôøi daân ñöôïc höôùng daãn", "Người dân được hướng dẫn"),
    ],
)
def test_known_legacy_strings(legacy: str, expected: str) -> None:
    assert convert_legacy(legacy) == unicodedata.normalize("NFC", expected)


NOT_LEGACY = [
    "Où est le château? Le goût du café, août à Noël. Raphaël est naïf à l'aéroport; "
    "« Bonjour », dit-il, très ému. Déjà vu, maïs, égoïste, cœur.",
    "Größe, Straße, Mädchen über Köln. Müller aß Brötchen mit Käse für 3 € (§ 12 BGB).",
    "Aún así, el país y el baúl de Raúl; España, año, niño, ñandú, pingüino.",
    "La col·lecció de l'Ajuntament: intel·ligència, il·lusió, paral·lel.",
    "Microsoft® Windows © 2020, ½ price, 50 µm, 3 × 4 ÷ 2, ¡Hola! ¿Qué? Ø 5 mm, Æsop.",
    "Hoà bình, toán học, khoá học, hoãn lại, thuý, tuần",
    "Kobenhavn: smørrebrød, æbler og blåbær; Øresund.",
]


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_no_false_positive_latin1(text: str) -> None:
    assert detect_legacy(text) is None
    assert convert_legacy(text) == text


def test_no_false_positive_on_sample() -> None:
    text = SAMPLE.read_text("utf-8")  # a missing sample fails, never skips
    assert detect_legacy(text) is None
    assert convert_legacy(text) == text
    decomposed = unicodedata.normalize("NFD", text)
    assert detect_legacy(decomposed) is None


_VI_TEXT = st.text(alphabet=st.sampled_from(list(VI_LETTERS + " ,.")), max_size=80)


@settings(max_examples=100, deadline=None)
@given(_VI_TEXT)
def test_decode_inverts_encode(text: str) -> None:
    names: tuple[LegacyName, ...] = ("tcvn3", "vni")
    for name in names:
        assert decode_legacy(_encode(text, name), name) == text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x24F), max_size=120))
def test_convert_never_raises(text: str) -> None:
    assert isinstance(convert_legacy(text), str)
