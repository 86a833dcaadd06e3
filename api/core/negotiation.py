"""Content negotiation: 406 when the ``Accept`` header names nothing an operation can answer.

What an operation can answer is read from its route, as OpenAPI documents it: its response class's
media type and the content types of its 200 response, plus JSON and problem details (every
operation answers its errors as ``application/problem+json``). No ``Accept`` header, ``*/*`` or a
matching ``type/*`` accept anything.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute

from api.core.problems import ApiError
from placement.i18n import t

JSON_TYPES = ("application/json", "application/problem+json")


def offered(route: APIRoute) -> tuple[str, ...]:
    """The media types ``route`` answers with, JSON and problem details included."""
    types = list(JSON_TYPES)
    response_class: Any = getattr(route.response_class, "value", route.response_class)
    media = getattr(response_class, "media_type", None)
    if media:
        types.append(str(media))
    success: dict[str, Any] = route.responses.get(200, route.responses.get("200", {}))
    types.extend(str(name) for name in success.get("content", {}))
    return tuple(dict.fromkeys(t.split(";")[0].strip().lower() for t in types))


def accepted_ranges(header: str) -> list[str]:
    """The media ranges of an ``Accept`` header, without those of quality 0."""
    ranges = []
    for part in header.split(","):
        name, *params = (piece.strip() for piece in part.split(";"))
        quality = next((p[2:] for p in params if p.lower().startswith("q=")), "1")
        try:
            refused = float(quality) <= 0
        except ValueError:
            refused = False
        if name and not refused:
            ranges.append(name.lower())
    return ranges


def acceptable(header: str | None, types: tuple[str, ...]) -> bool:
    """Whether an ``Accept`` header admits one of ``types``."""
    if header is None or not header.strip():
        return True
    for wanted in accepted_ranges(header):
        if wanted == "*/*" or wanted in types:
            return True
        if wanted.endswith("/*") and any(t.startswith(wanted[:-1]) for t in types):
            return True
    return False


async def negotiate(request: Request) -> None:
    """Refuse with 406 a request whose ``Accept`` admits nothing its operation answers."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.include_in_schema:
        return
    types = offered(route)
    if not acceptable(request.headers.get("accept"), types):
        raise ApiError(
            406,
            t(
                "api.request.not_acceptable",
                accept=repr(request.headers.get("accept")),
                types=", ".join(types),
            ),
            kind="not-acceptable",
        )
