"""RFC 9457 problem details: every error the service answers is ``application/problem+json``.

Errors raised on purpose in the service are :class:`ApiError`; the engine's
:class:`~placement.errors.PlacementError` and the storage layer's errors are translated here, at
the boundary. Anything else becomes a 500 whose body says nothing about the internals.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from api.core.locale import request_locale
from api.db.errors import Conflict, NotFound, Unavailable
from placement.errors import DatasetError, DatasetTooLargeError, PlacementError, Problem
from placement.i18n import current_locale, t, use_locale

Handler = Callable[[Request, Exception], Awaitable[Response]]

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
#: Most input problems one answer lists: a large refused upload can have millions.
MAX_LISTED_PROBLEMS = 1000
_TYPE_BASE = "https://penempatan.example/problems/"

#: The catalog key of each status's title (literal keys, so that the catalogs can be checked).
_TITLES: dict[int, str] = {
    400: "api.problem.title.400",
    401: "api.problem.title.401",
    403: "api.problem.title.403",
    404: "api.problem.title.404",
    405: "api.problem.title.405",
    406: "api.problem.title.406",
    409: "api.problem.title.409",
    413: "api.problem.title.413",
    415: "api.problem.title.415",
    422: "api.problem.title.422",
    429: "api.problem.title.429",
    500: "api.problem.title.500",
    503: "api.problem.title.503",
}
#: Request validation messages of the service's own for pydantic's commonest error types; any
#: other keeps pydantic's (English) message.
_VALIDATION: dict[str, str] = {
    "missing": "api.validation.missing",
    "extra_forbidden": "api.validation.extra_forbidden",
    "json_invalid": "api.validation.json_invalid",
    "model_attributes_type": "api.validation.object_expected",
    "dict_type": "api.validation.object_expected",
    "list_type": "api.validation.list_expected",
    "string_type": "api.validation.string_expected",
    "int_type": "api.validation.integer_expected",
    "int_parsing": "api.validation.integer_expected",
    "float_type": "api.validation.number_expected",
    "float_parsing": "api.validation.number_expected",
    "bool_type": "api.validation.boolean_expected",
    "bool_parsing": "api.validation.boolean_expected",
    "literal_error": "api.validation.literal",
    "enum": "api.validation.literal",
    "greater_than_equal": "api.validation.greater_than_equal",
    "greater_than": "api.validation.greater_than",
    "less_than_equal": "api.validation.less_than_equal",
    "less_than": "api.validation.less_than",
    "string_too_short": "api.validation.string_too_short",
    "string_too_long": "api.validation.string_too_long",
    "too_short": "api.validation.too_short",
    "too_long": "api.validation.too_long",
    "string_pattern_mismatch": "api.validation.pattern",
}


class ApiError(Exception):
    """An error answered as problem details.

    Parameters
    ----------
    status
        HTTP status code.
    detail
        Human-readable explanation of this occurrence, in the request's locale (rendered with
        :func:`placement.i18n.t` where it is raised, inside the request).
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
    """A problem+json response, its title and listed problems in the current locale."""
    title = t(_TITLES[status]) if status in _TITLES else t("api.problem.title.other")
    body: dict[str, Any] = {
        "type": _TYPE_BASE + kind if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    if problems is not None:
        body["problems"] = [
            {"table": p.table, "row": p.row, "column": p.column, "message": str(p.message)}
            for p in problems
        ]
    # Said here as well as by the locale middleware: a 500 is answered outside of it.
    language = {"Content-Language": current_locale()}
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_JSON, headers={**language, **(headers or {})}
    )


def validation_message(error: Mapping[str, Any]) -> str:
    """The message of one of pydantic's validation errors, in the current locale."""
    key = _VALIDATION.get(str(error.get("type", "")))
    context = error.get("ctx") or {}
    if key is None:
        return str(error.get("msg") or t("api.validation.invalid"))
    expected = context.get("expected", "")
    limit = next((context[k] for k in ("ge", "gt", "le", "lt") if k in context), "")
    length = next((context[k] for k in ("min_length", "max_length") if k in context), "")
    return t(
        key,
        expected=str(expected),
        limit=str(limit),
        length=str(length),
        pattern=str(context.get("pattern", "")),
    )


def _validation_problems(errors: Sequence[Any]) -> list[Problem]:
    problems = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        where = loc[0] if loc else "request"
        column = ".".join(loc[1:]) or None
        problems.append(Problem(where, None, column, validation_message(error)))
    return problems


def _localized(handler: Handler) -> Handler:
    """``handler`` run in its request's locale: the handler of unexpected errors is called
    outside of the locale middleware."""

    async def run(request: Request, exc: Exception) -> Response:
        with use_locale(request_locale(request.scope)):
            return await handler(request, exc)

    return run


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
        # The library's own summary of the problems, rendered in the request's locale.
        detail = str(exc) if isinstance(exc, DatasetError) else t("api.problem.input_refused")
        if len(problems) > MAX_LISTED_PROBLEMS:
            problems = problems[:MAX_LISTED_PROBLEMS]
            detail += t("api.problem.first_listed", n=MAX_LISTED_PROBLEMS)
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
            t("api.problem.invalid_request", n=len(problems)),
            kind="invalid-request",
            instance=request.url.path,
            problems=problems,
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        # Starlette's own details are the status's English phrase (an unknown path, a method
        # the path does not take): the localized title says the same.
        standard = exc.detail == HTTPStatus(exc.status_code).phrase
        detail = str(exc.detail)
        if standard and exc.status_code in _TITLES:
            detail = t(_TITLES[exc.status_code])
        return problem_response(
            exc.status_code,
            detail,
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
            t("api.problem.database_unavailable"),
            kind="unavailable",
            instance=request.url.path,
            headers={"Retry-After": "5"},
        )

    async def internal(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem_response(
            500, t("api.problem.internal"), kind="internal", instance=request.url.path
        )

    app.add_exception_handler(ApiError, _localized(api_problem))
    app.add_exception_handler(PlacementError, _localized(placement_error))
    app.add_exception_handler(RequestValidationError, _localized(validation_error))
    app.add_exception_handler(StarletteHTTPException, _localized(http_error))
    app.add_exception_handler(Conflict, _localized(conflict))
    app.add_exception_handler(NotFound, _localized(not_found))
    app.add_exception_handler(Unavailable, _localized(unavailable))
    app.add_exception_handler(Exception, _localized(internal))
