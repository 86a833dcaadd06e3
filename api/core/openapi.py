"""The OpenAPI document, completed with what the routes alone cannot declare.

FastAPI documents what each route says; the answers of the middleware and the exception
handlers are added here, for every operation at once, so that a new route is documented
correctly without repeating them:

* every error is ``application/problem+json`` with the :class:`~api.schemas.common.ProblemDetails`
  schema (FastAPI's default ``HTTPValidationError`` body is never sent);
* an operation with a body may answer 400 (the body cannot be parsed) and 413 (the size limit);
* a POST takes an optional ``Idempotency-Key`` header, and may answer 409 (the key was used with
  another request) and 422 (the key is malformed);
* an authenticated operation names the bearer scheme, and may answer 503 (the database is
  unavailable);
* every operation takes an optional ``Accept-Language`` header (the language of the texts in the
  answer) and says the language it answered in with ``Content-Language``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.core.middleware import MAX_KEY_LENGTH
from api.core.problems import PROBLEM_JSON
from placement.i18n import LOCALES

_PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}
_ERROR_SCHEMAS = ("#/components/schemas/ProblemDetails", "#/components/schemas/HTTPValidationError")
_DESCRIPTIONS = {
    400: "The body cannot be parsed",
    409: "Conflict (also: the Idempotency-Key was used with another request)",
    413: "The body is larger than the service accepts",
    422: "The request is not valid",
    503: "The database is unavailable; retry after Retry-After seconds",
}
_METHODS = ("get", "put", "post", "delete", "patch")
_SCHEME = "bearer"
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Retrying a POST with the same key replays the first answer.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}


_ACCEPT_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": (
        "The language of the texts people read in the answer (problem details, input problems, "
        "rule reasons, explanations, diagnoses): Indonesian (`id`, the default) or English "
        "(`en`); regional forms and quality values are understood (`en-GB, id;q=0.5`). Codes, "
        "rule ids, field names and CSV contents never change."
    ),
    "schema": {"type": "string", "example": "en"},
}
_CONTENT_LANGUAGE = {
    "description": "The language of the texts in the answer: `id` or `en`.",
    "schema": {"type": "string", "enum": list(LOCALES)},
}


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """``app``'s OpenAPI document, built once and completed by :func:`complete`."""
    built = app.openapi_schema is not None
    document = FastAPI.openapi(app)
    if not built:
        complete(document)
    return document


def _problem(status: int) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS.get(status, "Error"),
        "content": {PROBLEM_JSON: {"schema": dict(_PROBLEM_REF)}},
    }


def _is_error_body(response: dict[str, Any]) -> bool:
    content = response.get("content", {})
    if PROBLEM_JSON in content:
        return True
    schema = content.get("application/json", {}).get("schema", {})
    return schema.get("$ref") in _ERROR_SCHEMAS


def complete(document: dict[str, Any]) -> None:
    """Add the service-wide answers, parameters and security to ``document`` in place."""
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})[_SCHEME] = {"type": "http", "scheme": "bearer"}
    for item in document.get("paths", {}).values():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses: dict[str, Any] = operation.setdefault("responses", {})
            for code, response in list(responses.items()):
                if code.isdigit() and int(code) >= 400 and _is_error_body(response):
                    responses[code] = {**_problem(int(code)), "description": response.get(
                        "description", _DESCRIPTIONS.get(int(code), "Error"))}  # fmt: skip
            extra: list[int] = []
            if "requestBody" in operation:
                extra += [400, 413]
            if method == "post":
                extra += [409, 422]
                operation.setdefault("parameters", []).append(dict(_IDEMPOTENCY_KEY))
            if "401" in responses:
                extra.append(503)
                operation["security"] = [{_SCHEME: []}]
            for status in extra:
                responses.setdefault(str(status), _problem(status))
            operation.setdefault("parameters", []).append(dict(_ACCEPT_LANGUAGE))
            for response in responses.values():
                response.setdefault("headers", {})["Content-Language"] = dict(_CONTENT_LANGUAGE)
