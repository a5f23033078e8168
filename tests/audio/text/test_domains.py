"""Document domains (issue 14): `detect_domain`, and the precedence of the readings of an
abbreviation: the source's lexicon, then a matching context, then the document's
domain, then the context-free default; an unknown capital is still spelled and
reported."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from audio.text import LexiconEntry, detect_domain, normalize
from audio.text.audit import heard
from audio.text.data_files import rows
from audio.text.domains import THRESHOLD, from_slug, scores
from audio.text.tables import abbreviations, domain_names, expand_abbreviation

CORPUS = Path(__file__).resolve().parents[2] / "data" / "normalize" / "real_news.tsv"


# ------------------------------------------------------------ detect()

DETECT = [
    # (title, lead, source, category, domain)
    ("Tin trong ngày", "", "", "suc-khoe", "health"),
    ("Tin trong ngày", "", "", "tin-the-thao", "sport"),  # a whole run of segments
    ("Tin trong ngày", "", "", "phap-luat", "court"),
    ("Tin trong ngày", "", "", "giao-duc", "education"),
    ("Tin trong ngày", "", "", "thoi-tiet", "weather"),
    ("Tin trong ngày", "", "so-y-te-bac-kan", "", "health"),  # the source, when no category
    ("Tin trong ngày", "", "so-y-te", "the-thao", "sport"),  # the category wins
    ("Tin trong ngày", "", "", "thoi-su", None),  # a category the table lacks decides nothing
    ("Tin trong ngày", "", "", "quy-te", None),  # "y-te" inside another word is not "y-te"
    ("Xét xử vụ án tham ô", "Bị cáo bị truy tố về tội tham ô tài sản.", "", "", "court"),
    ("Điểm chuẩn vào lớp 10", "Hơn 90.000 thí sinh dự thi.", "", "", "education"),
    ("Bão số 3 đổ bộ", "Sạt lở và lũ quét ở vùng núi.", "", "", "disaster"),
    ("Bệnh viện quá tải", "Số ca mắc sốt xuất huyết tăng.", "", "", "health"),
    ("Tay vợt số 1 thế giới vào bán kết", "", "", "", "sport"),
    ("Hội nghị tổng kết", "Sáng nay, tại hội trường.", "", "", None),  # no evidence
    ("Y tế", "", "", "", None),  # one weak keyword is below the threshold
    # health and court, equally strong: mixed evidence decides nothing
    ("Bệnh nhân bị cáo", "", "", "", None),
]


@pytest.mark.parametrize(("title", "lead", "source", "category", "domain"), DETECT)
def test_detect(title: str, lead: str, source: str, category: str, domain: str | None) -> None:
    assert detect_domain(title, lead, source=source, category=category) == domain


def test_title_counts_more_than_lead_and_threshold_is_a_real_bar() -> None:
    assert scores("bệnh nhân", "")["health"] > scores("", "bệnh nhân")["health"]
    assert 0 < scores("", "bệnh nhân")["health"] <= THRESHOLD
    assert detect_domain("", "bệnh nhân") == "health"  # exactly at the bar
    assert detect_domain("", "bác sĩ") is None  # below it


def test_capitalised_keywords_match_only_as_written() -> None:
    assert scores("HĐXX", "").get("court", 0) > 0
    assert scores("hđxx", "").get("court", 0) == 0


def test_every_domain_in_the_data_is_in_the_vocabulary() -> None:
    known = domain_names()
    assert {"health", "court", "education", "disaster", "security", "traffic", "party",
            "sport", "economy", "weather"} <= known
    assert {a.domain for a in abbreviations() if a.domain} <= known
    assert {r["domain"] for r in rows("domain_slugs")} <= known
    assert {r["domain"] for r in rows("domain_keywords")} <= known
    assert from_slug("", "category") is None


# ------------------------------------------------------------ precedence


def _expand(sentence: str, token: str, domain: str | None) -> str | None:
    start = sentence.index(token)
    return expand_abbreviation(sentence, start, start + len(token), domain)


@pytest.mark.parametrize(
    ("sentence", "token", "domain", "expected"),
    [
        # a domain decides what the words around the token leave open
        ("Ghi nhận 5 BN mới", "BN", "health", "bệnh nhân"),
        ("Ghi nhận 5 BN mới", "BN", None, None),
        ("Ghi nhận 5 BN mới", "BN", "sport", None),
        ("BTC đã chuẩn bị chu đáo", "BTC", "sport", "ban tổ chức"),
        ("BTC đã chuẩn bị chu đáo", "BTC", "economy", "bộ tài chính"),
        ("BCH đã họp", "BCH", "disaster", "ban chỉ huy"),
        ("BCH đã họp", "BCH", None, "ban chấp hành"),  # the default, as before
        # a matching context beats the domain
        ("BTC giải chạy công bố kết quả", "BTC", "economy", "ban tổ chức"),
        ("TS Nguyễn Văn An phát biểu", "TS", "education", "tiến sĩ"),
        ("Có 500 TS vắng mặt", "TS", "education", "thí sinh"),
        # a domain with no reading of its own falls back to the default
        ("UBND tỉnh họp", "UBND", "sport", "ủy ban nhân dân"),
        ("BCH đã họp", "BCH", "sport", "ban chấp hành"),
    ],
)
def test_context_then_domain_then_default(
    sentence: str, token: str, domain: str | None, expected: str | None
) -> None:
    assert _expand(sentence, token, domain) == expected


def test_normalize_with_a_domain() -> None:
    assert normalize("Ghi nhận 5 BN mới", domain="health").text == (
        "ghi nhận năm bệnh nhân mới"
    )
    plain = normalize("Ghi nhận 5 BN mới")
    assert plain.text == "ghi nhận năm bê en nờ mới"
    assert plain.guessed == ["BN"]  # undecided, spelled: a guess the editor should see
    assert normalize("Ghi nhận 5 BN mới", domain="health").guessed == []


def test_the_lexicon_has_the_last_word() -> None:
    lexicon = [LexiconEntry("BN", "bạn nghe")]
    said = normalize("Ghi nhận 5 BN mới", lexicon=lexicon, domain="health")
    assert said.text == "ghi nhận năm bạn nghe mới"
    assert said.guessed == []


def test_unknown_capitals_are_spelled_and_reported_in_any_domain() -> None:
    said = normalize("Đại diện QXZV và BN phát biểu", domain="health")
    assert said.text == "đại diện quy ích xì dét vê và bệnh nhân phát biểu"
    assert said.guessed == ["QXZV"]


def test_no_domain_and_an_unknown_domain_read_as_before() -> None:
    for sentence in ("BCH đã họp", "Ghi nhận 5 BN mới", "TS Nguyễn Văn An"):
        assert normalize(sentence, domain="no-such-domain") == normalize(sentence)
        assert normalize(sentence, domain=None) == normalize(sentence)


# ------------------------------------------------------------ real news


def test_the_domain_never_makes_the_real_corpus_worse() -> None:
    """Each row of the real corpus carries its domain: reading in that domain must get
    at least as many sentences right as reading without one, and none newly wrong."""
    with CORPUS.open(encoding="utf-8", newline="") as f:
        corpus = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    known = domain_names()
    newly_wrong = []
    right_plain = right_domain = 0
    for r in corpus:
        want = heard(r["expected"])
        plain = heard(normalize(r["input"]).text) == want
        domain = r["domain"] if r["domain"] in known else None
        with_domain = heard(normalize(r["input"], domain=domain).text) == want
        right_plain += plain
        right_domain += with_domain
        if plain and not with_domain:
            newly_wrong.append(r["id"])
    assert newly_wrong == []
    assert right_domain >= right_plain
