"""The number core, the audit's reports, the lexicon and the never-raise guarantee."""

from __future__ import annotations

import logging

import pytest

from audio.text import NORMALIZER_VERSION, LexiconEntry, normalize
from audio.text import normalize as normalize_module_facade
from audio.text.numbers import NORTH, SOUTH, read_digits, read_int, read_number

NUMBERS = [
    (0, "không", "không"),
    (15, "mười lăm", "mười lăm"),
    (21, "hai mươi mốt", "hai mươi mốt"),
    (24, "hai mươi tư", "hai mươi bốn"),
    (105, "một trăm linh năm", "một trăm lẻ năm"),
    (3008, "ba nghìn không trăm linh tám", "ba ngàn không trăm lẻ tám"),
    (40090, "bốn mươi nghìn không trăm chín mươi", "bốn mươi ngàn không trăm chín mươi"),
    (1_000_005, "một triệu không trăm linh năm", "một triệu không trăm lẻ năm"),
    (2_000_000_001, "hai tỷ không trăm linh một", "hai tỷ không trăm lẻ một"),
    (10**12, "một nghìn tỷ", "một ngàn tỷ"),
]


@pytest.mark.parametrize(("n", "north", "south"), NUMBERS)
def test_number_core_styles(n: int, north: str, south: str) -> None:
    assert read_int(n, NORTH) == north
    assert read_int(n, SOUTH) == south


def test_decimals_and_digits() -> None:
    assert read_number("0,08") == "không phẩy không tám"
    assert read_number("4,25") == "bốn phẩy hai mươi lăm"
    assert read_number("2.450") == "hai nghìn bốn trăm năm mươi"
    assert read_digits("0042") == "không không bốn hai"
    assert read_int(-5) == "âm năm"


def test_version_is_bumped() -> None:
    assert NORMALIZER_VERSION == "1.13"


def test_unknown_style_falls_back_to_north() -> None:
    assert normalize("24 người", style="weird").text == "hai mươi tư người"


def test_symbols_are_reported_not_silently_dropped(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="audio.text.normalize"):
        result = normalize("Chúc mừng 🎉 năm mới")
    assert result.text == "chúc mừng năm mới"
    assert result.warnings == ["đã bỏ ký hiệu không đọc được: '🎉'"]
    assert any("🎉" in r.getMessage() for r in caplog.records)


def test_lexicon_first_whole_word_case_insensitive_longest_first() -> None:
    lexicon = [
        LexiconEntry("Facebook", "phây búc"),
        LexiconEntry("Facebook Live", "phây búc lai"),
        LexiconEntry("book", "búc"),
    ]
    result = normalize("Xem trên FACEBOOK LIVE và facebook, không phải notebook", lexicon=lexicon)
    assert result.text == "xem trên phây búc lai và phây búc, không phải notebook"
    assert result.warnings == []


def test_lexicon_beats_abbreviation_table() -> None:
    result = normalize("UBND xã", lexicon=[LexiconEntry("UBND", "u bê en đê")])
    assert result.text == "u bê en đê xã"


def test_a_failing_stage_is_skipped_and_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    module = importlib.import_module("audio.text.normalize")

    def broken(text: str, style: object) -> str:
        raise RuntimeError("boom")

    stages = tuple((n, broken if n == "money" else s) for n, s in module.STAGES)
    monkeypatch.setattr(module, "STAGES", stages)
    result = normalize_module_facade("Giá 500.000đ")
    assert result.text.startswith("giá năm trăm nghìn")  # cardinals still read it
    assert result.warnings == [
        "lỗi ở bước tiền tệ (money: RuntimeError), đã bỏ qua bước này: hãy nghe lại câu"
    ]
    assert not any(c.isdigit() for c in result.text)


def test_every_stage_has_a_vietnamese_name_for_editors() -> None:
    import importlib

    module = importlib.import_module("audio.text.normalize")
    for name, _ in module.STAGES:
        assert name in module._STAGE_NAMES_VI, name


def test_audit_warnings_are_vietnamese() -> None:
    from audio.text.audit import audit

    spoken, warnings = audit("số 12 ✓", "số 12 ✓ \u200b")
    assert spoken == "số một hai"
    assert warnings == [
        "còn chữ số chưa đọc được, đã đọc từng chữ số: hãy kiểm tra cách đọc",
        "đã bỏ ký hiệu không đọc được: U+200B, '✓'",
    ]


def test_words_that_are_lost_are_reported() -> None:
    from audio.text.audit import audit

    spoken, warnings = audit("ban bí thư họp", "ban thư họp")
    assert spoken == "ban thư họp"
    assert warnings == ["từ bị bỏ sót khi đọc: bí"]


def test_never_raises_on_odd_input() -> None:
    for text in ["", " ", "\x00\x01", "\ud800", "9" * 500, "./././.", "0/0", "99/99/9999"]:
        result = normalize(text)
        assert not any(c.isdigit() for c in result.text)


def test_dropping_a_symbol_leaves_no_trailing_pause() -> None:
    """Found by hypothesis: the audit must trim like `tidy`, or a second pass differs."""
    once = normalize("0:\U00018cd6").text
    assert once == "không"
    assert normalize(once).text == once
