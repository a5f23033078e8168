"""The preview reads a bulletin in its domain, as the worker will (issue 14)."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient


def _preview(client: FlaskClient, **fields: Any) -> dict[str, Any]:
    body = {"title": "Tin trong ngày", "body": "Hôm nay ghi nhận 5 BN mới.", **fields}
    resp = client.post("/api/v1/preview", data=json.dumps(body),
                       headers={"Content-Type": "application/json"})
    assert resp.status_code == 200, resp.get_json()
    got: dict[str, Any] = resp.get_json()
    return got


def _said(client: FlaskClient, **fields: Any) -> dict[str, Any]:
    sentence: dict[str, Any] = _preview(client, **fields)["sentences"][1]
    return sentence


def test_the_category_decides_an_abbreviation_the_sentence_leaves_open(
        client: FlaskClient) -> None:
    plain = _said(client)
    assert "bê en nờ" in plain["spoken"] and plain["guessed"] == ["BN"]
    health = _said(client, category="suc-khoe")
    assert "bệnh nhân" in health["spoken"] and health["guessed"] == []


def test_the_title_and_lead_decide_when_there_is_no_category(client: FlaskClient) -> None:
    said = _said(client, title="Bệnh viện tỉnh: số ca mắc sốt xuất huyết tăng")
    assert "bệnh nhân" in said["spoken"]


def test_the_preview_names_the_domain_it_read_in(client: FlaskClient) -> None:
    plain = _preview(client)
    assert plain["domain"] is None and plain["domain_label"] is None
    court = _preview(client, category="phap-luat")
    assert court["domain"] == "court"
    assert court["domain_label"] == "pháp luật, tòa án"  # what the editor is shown
