"""RFC 9457 problem details: every error the service answers is ``application/problem+json``.

Errors raised on purpose in the service are :class:`ApiError`; the engine's
:class:`~placement.errors.PlacementError` and the storage layer's errors are translated here, at
the boundary. Anything else becomes a 500 whose body says nothing about the internals.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from api.db.errors import Conflict, NotFound, Unavailable
from placement.errors import DatasetError, DatasetTooLargeError, PlacementError, Problem

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
#: Most input problems one answer lists: a large refused upload can have millions.
MAX_LISTED_PROBLEMS = 1000
_TYPE_BASE = "https://penempatan.example/problems/"

_TITLES: dict[int, str] = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class ApiError(Exception):
    """An error answered as problem details.

    Parameters
    ----------
    status
        HTTP status code.
    detail
        Human-readable explanation of this occurrence.
    kind
        Short slug naming the problem type (the last part of the ``type`` URI).
    problems
        Input problems (table, row, column, message), for 422 answers.
    headers
        Extra response headers (``WWW-Authenticate``, ``Retry-After`` …).
    """

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        problems: Sequence[Problem] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.problems = list(problems) if problems is not None else None
        self.headers = dict(headers or {})


def problem_response(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    instance: str | None = None,
    problems: Sequence[Problem] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": _TYPE_BASE + kind if kind else "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    if problems is not None:
        body["problems"] = [
            {"table": p.table, "row": p.row, "column": p.column, "message": p.message}
            for p in problems
        ]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_problems(errors: Sequence[Any]) -> list[Problem]:
    problems = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        where = loc[0] if loc else "request"
        column = ".".join(loc[1:]) or None
        problems.append(Problem(where, None, column, str(error.get("msg", "invalid value"))))
    return problems


def install(app: FastAPI) -> None:
    """Register the exception handlers that turn every error into problem details."""

    async def api_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return problem_response(
            exc.status,
            exc.detail,
            kind=exc.kind,
            instance=request.url.path,
            problems=exc.problems,
            headers=exc.headers,
        )

    async def placement_error(request: Request, exc: Exception) -> Response:
        problems = exc.problems if isinstance(exc, DatasetError) else []
        detail = str(exc) if isinstance(exc, DatasetError) else "the input was refused"
        if len(problems) > MAX_LISTED_PROBLEMS:
            problems = problems[:MAX_LISTED_PROBLEMS]
            detail += f" (the first {MAX_LISTED_PROBLEMS} are listed)"
        if not isinstance(exc, DatasetError):
            problems = [Problem("request", None, None, str(exc))]
        if isinstance(exc, DatasetTooLargeError):
            return problem_response(
                413, detail, kind="too-large", instance=request.url.path, problems=problems
            )
        return problem_response(
            422, detail, kind="invalid-input", instance=request.url.path, problems=problems
        )

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = _validation_problems(exc.errors())
        return problem_response(
            422,
            f"{len(problems)} problem(s) in the request",
            kind="invalid-request",
            instance=request.url.path,
            problems=problems,
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return problem_response(
            exc.status_code,
            str(exc.detail),
            instance=request.url.path,
            headers=exc.headers,
        )

    async def conflict(request: Request, exc: Exception) -> Response:
        return problem_response(409, str(exc), kind="conflict", instance=request.url.path)

    async def not_found(request: Request, exc: Exception) -> Response:
        return problem_response(404, str(exc), kind="not-found", instance=request.url.path)

    async def unavailable(request: Request, exc: Exception) -> Response:
        log.warning("database unavailable: %s", type(exc).__name__)
        return problem_response(
            503,
            "the database is unavailable; try again later",
            kind="unavailable",
            instance=request.url.path,
            headers={"Retry-After": "5"},
        )

    async def internal(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem_response(
            500, "an internal error occurred", kind="internal", instance=request.url.path
        )

    app.add_exception_handler(ApiError, api_problem)
    app.add_exception_handler(PlacementError, placement_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Conflict, conflict)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(Unavailable, unavailable)
    app.add_exception_handler(Exception, internal)
