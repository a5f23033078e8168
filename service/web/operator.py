"""Operator pages (the operator board lands next)."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("operator", __name__)


@bp.get("/programmes/<int:programme_id>")
def programme_page(programme_id: int) -> str:
    abort(404)
