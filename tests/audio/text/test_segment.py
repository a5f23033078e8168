"""Sentence segmentation and chunking, as input → expected tables plus properties."""

from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audio.text.segment import Span, chunk, split_sentences
from tests.conftest import SAMPLE


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip() and span.text
    return [s.text for s in spans]


CASES: list[tuple[str, list[str]]] = [
    # plain
    ("Trời mưa. Đường ngập.", ["Trời mưa.", "Đường ngập."]),
    ("Một câu duy nhất", ["Một câu duy nhất"]),
    ("", []),
    ("   \n \t ", []),
    ("  Có khoảng trắng.  ", ["Có khoảng trắng."]),
    ("Hỏi gì? Đáp ngay! Xong.", ["Hỏi gì?", "Đáp ngay!", "Xong."]),
    ("Thật sao?! Đúng vậy.", ["Thật sao?!", "Đúng vậy."]),
    # abbreviations from the table
    (
        "Tại TP. Hồ Chí Minh trời nắng. Hà Nội mưa.",
        ["Tại TP. Hồ Chí Minh trời nắng.", "Hà Nội mưa."],
    ),
    ("Tp. Cần Thơ đón khách. Xong.", ["Tp. Cần Thơ đón khách.", "Xong."]),
    (
        "GS.TS Nguyễn Văn A phát biểu. Hội nghị bế mạc.",
        ["GS.TS Nguyễn Văn A phát biểu.", "Hội nghị bế mạc."],
    ),
    ("PGS.TS. Trần Văn B chủ trì. Xong.", ["PGS.TS. Trần Văn B chủ trì.", "Xong."]),
    ("GS. Phan Huy Lê nói. Xong.", ["GS. Phan Huy Lê nói.", "Xong."]),
    ("ThS. Lê C và BS. Đỗ D dự họp.", ["ThS. Lê C và BS. Đỗ D dự họp."]),
    ("Nhà ở Q. 1, TP. HCM. Giá cao.", ["Nhà ở Q. 1, TP. HCM.", "Giá cao."]),
    ("Số 5, P. Bến Nghé, Q. 1. Xong.", ["Số 5, P. Bến Nghé, Q. 1.", "Xong."]),
    ("Tại TX. Sơn Tây và TT. Phủ Thông. Xong.", ["Tại TX. Sơn Tây và TT. Phủ Thông.", "Xong."]),
    ("Ông Nguyễn V. A phát biểu. Xong.", ["Ông Nguyễn V. A phát biểu.", "Xong."]),
    ("Tác giả J. R. R. Tolkien. Xong.", ["Tác giả J. R. R. Tolkien.", "Xong."]),
    ("(TP. Huế) đẹp. Xong.", ["(TP. Huế) đẹp.", "Xong."]),
    # v.v.
    ("Gạo, muối v.v. đều tăng giá. Xong.", ["Gạo, muối v.v. đều tăng giá.", "Xong."]),
    ("Rau, củ, quả v.v. Ngày mai giá giảm.", ["Rau, củ, quả v.v.", "Ngày mai giá giảm."]),
    ("Có gạo, muối v.v.", ["Có gạo, muối v.v."]),
    # numbers and dates
    (
        "Ngày 24/3/2020, Ban Bí thư ban hành. Xong.",
        ["Ngày 24/3/2020, Ban Bí thư ban hành.", "Xong."],
    ),
    ("Ngày 24.3.2020 trời nắng. Xong.", ["Ngày 24.3.2020 trời nắng.", "Xong."]),
    ("Tăng 3,5%. Giá 1.000.000 đồng.", ["Tăng 3,5%.", "Giá 1.000.000 đồng."]),
    (
        "Giá 1.000.000 đồng/tấn. 15 hộ được hỗ trợ.",
        ["Giá 1.000.000 đồng/tấn.", "15 hộ được hỗ trợ."],
    ),
    ("Năm 2020. Năm 2021.", ["Năm 2020.", "Năm 2021."]),
    ("Chỉ thị số 42-CT/TW. Kế hoạch 193-KH/TU.", ["Chỉ thị số 42-CT/TW.", "Kế hoạch 193-KH/TU."]),
    # ellipses
    ("Ông nói... rồi đi. Xong.", ["Ông nói... rồi đi.", "Xong."]),
    ("Chờ đợi… Ngày mai trời nắng.", ["Chờ đợi…", "Ngày mai trời nắng."]),
    ("Chờ đợi... Ngày mai.", ["Chờ đợi...", "Ngày mai."]),
    # quotes
    (
        "Theo phương châm “bốn tại chỗ.” Tiếp theo.",
        ["Theo phương châm “bốn tại chỗ.”", "Tiếp theo."],
    ),
    ("Ông nói: “Tốt lắm.” Mọi người vỗ tay.", ["Ông nói: “Tốt lắm.”", "Mọi người vỗ tay."]),
    ("“Đi đâu?” ông hỏi. Tôi đáp.", ["“Đi đâu?” ông hỏi.", "Tôi đáp."]),
    ("Xong. “Câu trích” mở đầu.", ["Xong.", "“Câu trích” mở đầu."]),
    ('Ông nói "được." Xong.', ['Ông nói "được."', "Xong."]),
    # end mark
    (
        "Báo cáo kết quả cho Ban Thường vụ Tỉnh ủy./.",
        ["Báo cáo kết quả cho Ban Thường vụ Tỉnh ủy./."],
    ),
    ("Kết thúc./. Hương Dịu", ["Kết thúc./.", "Hương Dịu"]),
    # lists and semicolons
    (
        "Gồm: tuyên truyền; kiểm tra; giám sát. Xong.",
        ["Gồm: tuyên truyền; kiểm tra; giám sát.", "Xong."],
    ),
    (
        "Hoàn thiện cơ chế; nâng cao năng lực; huy động nguồn lực.",
        ["Hoàn thiện cơ chế; nâng cao năng lực; huy động nguồn lực."],
    ),
    (
        "1. Tăng cường lãnh đạo.\n2. Hoàn thiện cơ chế.",
        ["1. Tăng cường lãnh đạo.", "2. Hoàn thiện cơ chế."],
    ),
    ("II. Nhiệm vụ trọng tâm", ["II. Nhiệm vụ trọng tâm"]),
    ("a. Tuyên truyền; b. Kiểm tra.", ["a. Tuyên truyền; b. Kiểm tra."]),
    # newlines always end a sentence
    ("26/06/2020\nTăng cỡ chữ Giảm cỡ chữ", ["26/06/2020", "Tăng cỡ chữ Giảm cỡ chữ"]),
    ("Dòng một không dấu\ndòng hai chữ thường", ["Dòng một không dấu", "dòng hai chữ thường"]),
    ("Tại TP.\nHồ Chí Minh", ["Tại TP.", "Hồ Chí Minh"]),
    ("Một.\r\nHai.", ["Một.", "Hai."]),
    ("Đoạn một.\n\n\nĐoạn hai.", ["Đoạn một.", "Đoạn hai."]),
    # lower case after a full stop is not a new sentence
    ("Khoảng 3 km. và hơn nữa.", ["Khoảng 3 km. và hơn nữa."]),
    ("Số người chết: 15. Bị thương: 20.", ["Số người chết: 15.", "Bị thương: 20."]),
    ("Đến TP.HCM hôm qua. Xong.", ["Đến TP.HCM hôm qua.", "Xong."]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def _heads(text: str) -> list[str]:
    return [" ".join(s.split()[:4]) for s in sentences(text)]


SAMPLE_PARAGRAPHS: list[list[str]] = [
    ["PublishingPortal - Block_BanTin_Toolbar"],
    ["26/06/2020"],
    ["Tăng cỡ chữ Giảm"],
    ["Bắc Kạn triển khai"],
    ["Thực hiện Chỉ thị"],
    ["PublishingPortal - Block_BanTin_ViewData"],
    ["Ngày 24/3/2020, Ban Bí"],
    ["Thực hiện Chỉ thị"],
    ["Các nhiệm vụ và"],
    ["Đối với nhiệm vụ", "Quán triệt sâu sắc"],
    ["Cấp ủy, tổ chức", "Tăng cường lãnh đạo,", "Nâng cao kiến thức,"],
    ["Để Kế hoạch 193-KH/TU", "Tổ chức kiểm tra,"],
    ["Ban Thường vụ Tỉnh"],
    ["Ban cán sự đảng", "Thường xuyên theo dõi,"],
    ["Hương Dịu"],
]


def _paragraphs() -> list[str]:
    return [line for line in SAMPLE.read_text("utf-8").split("\n") if line.strip()]


@pytest.mark.parametrize("index", range(len(SAMPLE_PARAGRAPHS)))
def test_sample_paragraphs(index: int) -> None:
    paragraphs = _paragraphs()
    assert len(paragraphs) == len(SAMPLE_PARAGRAPHS)
    assert _heads(paragraphs[index]) == SAMPLE_PARAGRAPHS[index]


def test_sample_whole_offsets_and_end_mark() -> None:
    text = SAMPLE.read_text("utf-8")
    spans = split_sentences(text)
    assert len(spans) == sum(len(p) for p in SAMPLE_PARAGRAPHS)
    assert spans[-2].text.endswith("Tỉnh ủy./.")
    assert spans[-1] == Span(len(text) - len("Hương Dịu"), len(text), "Hương Dịu")
    assert [s.start for s in spans] == sorted(s.start for s in spans)


def test_fast_on_one_megabyte() -> None:
    text = SAMPLE.read_text("utf-8")
    big = text * (1_000_000 // len(text) + 1)
    split_sentences(big)  # warm caches (table load)
    t0 = time.perf_counter()
    spans = split_sentences(big)
    assert time.perf_counter() - t0 < 1.0
    assert len(spans) > 1000


# ---------------------------------------------------------------- chunk

LONG = (
    "Ngày 24/3/2020, Ban Bí thư ban hành Chỉ thị số 42-CT/TW về tăng cường sự lãnh đạo "
    "của Đảng đối với công tác phòng ngừa, ứng phó, khắc phục hậu quả thiên tai nhằm tạo "
    "sự chuyển biến mạnh mẽ trong nhận thức và hành động; phát huy sức mạnh tổng hợp."
)


def test_chunk_short_text_is_one_piece() -> None:
    assert chunk("  Trời   mưa to. ", 100) == ["Trời mưa to."]
    assert chunk("", 100) == []


def test_chunk_prefers_semicolon() -> None:
    pieces = chunk(LONG, 220)
    assert pieces[0].endswith("và hành động;")
    assert pieces[1] == "phát huy sức mạnh tổng hợp."


def test_chunk_prefers_clause_over_space() -> None:
    text = "Tăng cường sự lãnh đạo của các cấp ủy đảng, nâng cao năng lực dự báo thiên tai"
    assert chunk(text, 60) == [
        "Tăng cường sự lãnh đạo của các cấp ủy đảng,",
        "nâng cao năng lực dự báo thiên tai",
    ]


def test_chunk_breaks_before_conjunction() -> None:
    text = "Ban Thường vụ Tỉnh ủy chỉ đạo các cơ quan truyền thông nhằm đẩy mạnh tuyên truyền"
    assert chunk(text, 70) == [
        "Ban Thường vụ Tỉnh ủy chỉ đạo các cơ quan truyền thông",
        "nhằm đẩy mạnh tuyên truyền",
    ]


def test_chunk_sentence_end_beats_comma() -> None:
    assert chunk("Một, hai ba bốn. Năm sáu, bảy tám", 25) == [
        "Một, hai ba bốn.",
        "Năm sáu, bảy tám",
    ]


def test_chunk_overlong_word_alone() -> None:
    url = "https://example.vn/" + "a" * 150
    assert chunk(f"Xem {url} ngay", 100) == ["Xem", url, "ngay"]


def test_chunk_rejects_nonpositive_limit() -> None:
    with pytest.raises(ValueError):
        chunk("a b", 0)


def test_chunk_whole_sample_for_gtts() -> None:
    for span in split_sentences(SAMPLE.read_text("utf-8")):
        pieces = chunk(span.text, 100)
        assert all(len(p) <= 100 for p in pieces)
        assert " ".join(pieces).split() == span.text.split()


_WORD = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyáàạếọ,.;:!?…”“")),
    min_size=1,
    max_size=30,
)
_SEP = st.sampled_from([" ", "  ", "\n", "\t", " \u00a0"])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_WORD, _SEP), max_size=60),
    st.integers(min_value=1, max_value=120),
)
def test_chunk_properties(pairs: list[tuple[str, str]], max_chars: int) -> None:
    text = "".join(w + s for w, s in pairs)
    words = text.split()
    pieces = chunk(text, max_chars)
    # words preserved in order, never split inside a word
    assert " ".join(pieces).split() == words
    assert [w for p in pieces for w in p.split(" ")] == words
    # limit respected unless a single word is longer
    for p in pieces:
        assert len(p) <= max_chars or " " not in p
        assert p == p.strip() and p


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_split_sentences_offsets_property(text: str) -> None:
    spans = split_sentences(text)
    for a, b in itertools.pairwise(spans):
        assert a.end <= b.start
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip() and span.text
    covered = "".join(s.text for s in spans)
    assert "".join(covered.split()) == "".join(text.split())
