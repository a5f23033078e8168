"""The real bulletin (service/demo/bac-kan-chi-thi-42.txt), sentence by sentence, the way
the worker calls `normalize`: no digits, no codes spelled as gibberish, "./." silent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audio.text import normalize, split_sentences

SAMPLE = Path(__file__).resolve().parents[3] / "service" / "demo" / "bac-kan-chi-thi-42.txt"
TEXT = SAMPLE.read_text(encoding="utf-8")
SENTENCES = [s.text for line in TEXT.splitlines() for s in split_sentences(line)]


def test_sample_has_many_sentences() -> None:
    assert len(SENTENCES) >= 15


@pytest.mark.parametrize("sentence", SENTENCES, ids=range(len(SENTENCES)))
def test_every_sentence_is_clean(sentence: str) -> None:
    result = normalize(sentence)
    assert result.warnings == []
    assert not re.search(r"\d", result.text)
    assert not re.search(r"[^\w\s.,;:!?]", result.text)
    # document codes read in their short form, never letter soup
    for gibberish in ("xê tê", "ca hát", "tê u", "tê vê kép", "/", "-"):
        assert gibberish not in result.text


KEY_SENTENCES = {
    "26/06/2020": "ngày hai mươi sáu tháng sáu năm hai nghìn không trăm hai mươi",
    "Bắc Kạn triển khai Chỉ thị số 42-CT/TW của Ban Bí thư": (
        "bắc kạn triển khai chỉ thị số bốn mươi hai của ban bí thư"
    ),
    "Ngày 24/3/2020, Ban Bí thư ban hành Chỉ thị số 42-CT/TW về tăng cường sự lãnh đạo": (
        "ngày hai mươi tư tháng ba năm hai nghìn không trăm hai mươi, ban bí thư ban hành"
        " chỉ thị số bốn mươi hai về tăng cường sự lãnh đạo"
    ),
    "Thực hiện Chỉ thị số 42-CT/TW của Ban Bí thư, ngày 23/6/2020, Ban Thường vụ Tỉnh ủy "
    "đã ban hành Kế hoạch số 193-KH/TU đề ra 07 nhóm nhiệm vụ và giải pháp": (
        "thực hiện chỉ thị số bốn mươi hai của ban bí thư, ngày hai mươi ba tháng sáu năm"
        " hai nghìn không trăm hai mươi, ban thường vụ tỉnh ủy đã ban hành kế hoạch số một"
        " trăm chín mươi ba đề ra bảy nhóm nhiệm vụ và giải pháp"
    ),
    "Ban cán sự đảng UBND tỉnh chỉ đạo cụ thể hóa Kế hoạch 193-KH/TU thành các chương trình": (
        "ban cán sự đảng ủy ban nhân dân tỉnh chỉ đạo cụ thể hóa kế hoạch một trăm chín"
        " mươi ba thành các chương trình"
    ),
    "báo cáo kết quả thực hiện cho Ban Thường vụ Tỉnh ủy./.": (
        "báo cáo kết quả thực hiện cho ban thường vụ tỉnh ủy."
    ),
    "theo phương châm “bốn tại chỗ” gắn với xây dựng cộng đồng an toàn.": (
        "theo phương châm bốn tại chỗ gắn với xây dựng cộng đồng an toàn."
    ),
}


@pytest.mark.parametrize(("written", "spoken"), KEY_SENTENCES.items())
def test_key_sentences(written: str, spoken: str) -> None:
    assert written.split(",")[0].split("./.")[0][:30] in TEXT
    assert normalize(written).text == spoken


def test_whole_article_at_once_keeps_every_word() -> None:
    result = normalize(TEXT)
    assert result.warnings == []
    assert "./." not in result.text and not re.search(r"\d", result.text)
    assert result.text.endswith("hương dịu")
