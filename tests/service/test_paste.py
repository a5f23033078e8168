from datetime import datetime

import pytest

from service.paste import parse_date_line, parse_paste


def test_sample_fields_exact(sample_text: str) -> None:
    r = parse_paste(sample_text)
    assert r.title == "Bắc Kạn triển khai Chỉ thị số 42-CT/TW của Ban Bí thư"
    assert r.lead.startswith("Thực hiện Chỉ thị số 42-CT/TW của Ban Bí thư, Ban Thường vụ Tỉnh ủy")
    assert r.lead.endswith("khắc phục hậu quả thiên tai trên địa bàn tỉnh.")
    assert r.author == "Hương Dịu"
    assert r.published_at == datetime(2020, 6, 26)
    assert len(r.paragraphs) == 8
    assert r.paragraphs[0].startswith("Ngày 24/3/2020, Ban Bí thư ban hành")
    assert r.paragraphs[-1].endswith("cho Ban Thường vụ Tỉnh ủy./.")
    assert "Tăng cỡ chữ Giảm cỡ chữ" in r.dropped
    assert not any("PublishingPortal" in p for p in [r.title, r.lead, *r.paragraphs])


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("26/06/2020", datetime(2020, 6, 26)),
        ("Thứ Sáu, 26/06/2020 08:15", datetime(2020, 6, 26, 8, 15)),
        ("26-6-2020", datetime(2020, 6, 26)),
        ("31/02/2020", None),
        ("Ngày 24/3/2020, Ban Bí thư", None),
    ],
)
def test_date_lines(line: str, expected: datetime | None) -> None:
    assert parse_date_line(line) == expected


def test_crlf_and_no_author() -> None:
    text = "01/02/2021\r\nTiêu đề\r\nSapo ngắn.\r\nĐoạn một.\r\nĐoạn hai kết thúc."
    r = parse_paste(text)
    assert (r.title, r.lead, r.author) == ("Tiêu đề", "Sapo ngắn.", "")
    assert r.paragraphs == ["Đoạn một.", "Đoạn hai kết thúc."]


def test_empty_paste() -> None:
    r = parse_paste("PublishingPortal - Block_X\n\n  \n")
    assert r.title == "" and r.paragraphs == []
