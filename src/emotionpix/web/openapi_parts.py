"""The pieces every part of the OpenAPI document builds its answers from (the main document
and the rooms' and taste's paths share them)."""

from __future__ import annotations

from typing import Any


def error(description: str) -> dict[str, Any]:
    """A 4xx answer: the JSON error body, described."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON answer of ``schema``."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}
