"""Table-driven tests for the error classes of issue 14, one table per class."""

from __future__ import annotations

import pytest

from audio.text import normalize

DOMAIN_ABBREVIATIONS = [
    ("HĐXX tuyên án", "hội đồng xét xử tuyên án"),
    ("đại diện VKS đề nghị", "đại diện viện kiểm sát đề nghị"),
    ("có 100.000 TS dự thi", "có một trăm nghìn thí sinh dự thi"),
    ("TS Nguyễn Văn A", "tiến sĩ nguyễn văn a"),
    ("BN 1234 điều trị tại BV", "bệnh nhân một nghìn hai trăm ba mươi tư điều trị tại bệnh viện"),
    ("Ban Chỉ đạo PTDS quốc gia", "ban chỉ đạo phòng thủ dân sự quốc gia"),
    ("BCH Quân sự tỉnh", "ban chỉ huy quân sự tỉnh"),
    ("Covid-19 ngày 27/2", "cô vít mười chín ngày hai mươi bảy tháng hai"),
    ("tổ TTKS của CSGT", "tổ tuần tra kiểm soát của cảnh sát giao thông"),
    ("bão YAGI (bão số 3)", "bão yagi bão số ba"),
    ("(PLVN) - Theo Phó Chủ tịch", "theo phó chủ tịch"),
]
UNITS = [
    ("pin 5.000 mAh", "pin năm nghìn mi li am pe giờ"),
    ("sạc 220V", "sạc hai trăm hai mươi vôn"),
    ("tấm pin 620W", "tấm pin sáu trăm hai mươi oát"),
    ("xe 50cc", "xe năm mươi phân khối"),
    ("750 triệu kWh/ngày", "bảy trăm năm mươi triệu ki lô oát giờ một ngày"),
    ("giảm 970 đồng/kg", "giảm chín trăm bảy mươi đồng một ki lô gam"),
    ("nhà 120 m2", "nhà một trăm hai mươi mét vuông"),
    ("Xăng RON95-III tăng", "xăng rôn chín mươi lăm ba tăng"),
    ("Giá xăng E5RON92 tăng", "giá xăng e năm rôn chín mươi hai tăng"),
]
DOTTED_DATES = [
    ("ngày 5.12", "ngày năm tháng mười hai"),
    ("sáng qua 19.1, Đại hội", "sáng qua ngày mười chín tháng một, đại hội"),
    ("vào chiều 30.8", "vào chiều ngày ba mươi tháng tám"),
    ("từ 19 - 25.1 tại Hà Nội", "từ mười chín đến hai mươi lăm tháng một tại hà nội"),
    ("phiên bản 4.0", "phiên bản bốn chấm không"),
    ("khoảng 5.000 người", "khoảng năm nghìn người"),
]
TIMES = [
    ("lúc 7 giờ 00 ngày 5/6", "lúc bảy giờ ngày năm tháng sáu"),
    ("hạn chót 17 giờ 00", "hạn chót mười bảy giờ"),
    ("lúc 7g30", "lúc bảy giờ ba mươi"),
    ("lúc 7h30 sáng", "lúc bảy giờ ba mươi sáng"),
    ("vào 7 giờ 30 ngày 11-1", "vào bảy giờ ba mươi ngày mười một tháng một"),
]
SCORES = [
    ("thắng 2-1", "thắng hai một"),
    ("tỉ số 3-0", "tỉ số ba không"),
    (
        "thắng lợi 6-2, 2-6, 4-6, 6-2 và 6-3",
        "thắng lợi sáu hai, hai sáu, bốn sáu, sáu hai và sáu ba",
    ),
    ("với tỉ số các set là 6-4, 2-6, 7-5", "với tỉ số các set là sáu bốn, hai sáu, bảy năm"),
    ("từ 3-4 tuần, 5-6 tháng", "từ ba đến bốn tuần, năm đến sáu tháng"),
]
MONTH_RANGES = [
    ("tháng 3-5/2024", "tháng ba đến tháng năm năm hai nghìn không trăm hai mươi tư"),
    ("quy hoạch tỷ lệ 1/2000", "quy hoạch tỷ lệ một trên hai nghìn"),
    ("quý III/2020", "quý ba năm hai nghìn không trăm hai mươi"),
]


@pytest.mark.parametrize(
    ("written", "spoken"),
    DOMAIN_ABBREVIATIONS + UNITS + DOTTED_DATES + TIMES + SCORES + MONTH_RANGES,
)
def test_class(written: str, spoken: str) -> None:
    result = normalize(written)
    assert result.text == spoken
    assert result.warnings == []


def test_unknown_capitals_are_spelled_and_noticed() -> None:
    result = normalize("WTO và OPEC họp")
    assert result.text == "tổ chức thương mại thế giới và o pê e xê họp"
    assert result.guessed == ["OPEC"]
    assert len(result.notices) == 1 and "OPEC" in result.notices[0]
    assert result.warnings == []


def test_known_and_vietnamese_capitals_are_not_noticed() -> None:
    for text in ("UBND TỈNH BẮC KẠN", "khóa XIV", "Chỉ thị 42-CT/TW"):
        assert normalize(text).guessed == []
