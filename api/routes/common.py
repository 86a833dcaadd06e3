"""What several routers share: problem responses in OpenAPI, and content negotiation."""

from __future__ import annotations

from typing import Any

from api.schemas.common import ProblemDetails

_PROBLEM = {"model": ProblemDetails, "content": {"application/problem+json": {}}}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the problem statuses ``codes`` (and 401, 403 and 406,
    which every authenticated operation may answer)."""
    return {code: dict(_PROBLEM) for code in (401, 403, 406, *codes)}


def accepts(header: str | None, media_type: str) -> bool:
    """Whether an ``Accept`` header names ``media_type`` (ignoring parameters)."""
    if not header:
        return False
    return any(part.split(";")[0].strip().lower() == media_type for part in header.split(","))
