"""Properties that must hold for any input the worker may see (hypothesis)."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audio.text import normalize
from audio.text.audit import lost_words
from audio.text.unicode_clean import clean

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# News-like fragments: Vietnamese words, numbers in every written shape, codes, marks.
VOCABULARY = (
    "ngày tháng năm quý thứ khóa số từ đến tỷ số thắng gọi mã sáng lúc khoảng người"
    " hộ đồng tỉnh huyện xã Ban Thường vụ Tỉnh ủy Chỉ thị Kế hoạch hoà thuỷ Đảng"
)
VIET_WORDS = st.sampled_from(VOCABULARY.split())
TOKENS = st.one_of(
    VIET_WORDS,
    st.integers(0, 10**13).map(str),
    st.from_regex(r"\d{1,2}/\d{1,2}(/\d{4})?", fullmatch=True),
    st.from_regex(r"\d{1,3}(\.\d{3}){0,3}(,\d{1,3})?", fullmatch=True),
    st.from_regex(r"\d{1,4}[-/][A-ZĐ]{1,4}([-/][A-ZĐ]{1,5})?", fullmatch=True),
    st.from_regex(r"[A-ZĐ]{1,5}\d{0,3}[A-Z]?", fullmatch=True),
    st.from_regex(r"\d{1,2}(h|:)\d{2}", fullmatch=True),
    st.sampled_from(
        ["UBND", "TP.", "./.", "v.v.", "“", "”", "(", ")", "-", "–", "%", "km", "m2",
         "°C", "đ", "USD", "$", "/", ",", ".", ":", "XIV", "II", "0912 345 678", "&"]
    ),
)
NEWS = st.lists(TOKENS, max_size=14).map(" ".join)
ANY_TEXT = st.text(max_size=80)


@FAST
@given(st.one_of(ANY_TEXT, NEWS))
def test_never_raises_and_output_is_speakable(text: str) -> None:
    result = normalize(text)
    assert isinstance(result.text, str)
    assert unicodedata.is_normalized("NFC", result.text)
    assert not re.search(r"\d", result.text)
    for ch in result.text:
        assert ch.isalpha() or ch in " .,;:!?" or unicodedata.category(ch)[0] == "M", ch


@FAST
@given(st.one_of(ANY_TEXT, NEWS))
def test_idempotent(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once


@FAST
@given(NEWS, st.sampled_from(["north", "south"]))
def test_no_digits_and_no_word_lost_on_news(text: str, style: str) -> None:
    result = normalize(text, style=style)
    assert not re.search(r"\d", result.text)
    assert lost_words(clean(text), result.text) == []
    assert not any(w.startswith("từ bị bỏ sót") for w in result.warnings)


@FAST
@given(st.lists(VIET_WORDS, min_size=1, max_size=12).map(" ".join))
def test_plain_words_survive_in_order(text: str) -> None:
    words = [clean(w).lower() for w in text.split()]
    spoken = iter(normalize(text).text.split())
    # tone placement is normalized ("hoà" → "hòa"); every word is said, in input order
    # (a subsequence check: consuming the iterator keeps the order)
    missing = [w for w in words if w not in spoken]
    assert missing == [], (text, missing)


@FAST
@given(st.integers(0, 10**15), st.sampled_from(["north", "south"]))
def test_every_integer_is_read_without_digits(n: int, style: str) -> None:
    spoken = normalize(f"{n} người", style=style).text
    assert spoken.endswith("người") and not re.search(r"\d", spoken)
