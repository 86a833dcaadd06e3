"""The planners' web page at ``/``: static files shipped inside the package (``api/web``).

Every asset is served from the package with its content type and a strict Content Security
Policy: the page loads scripts, styles and data from this service only, never from elsewhere.
The page itself is public; everything it shows comes from the API with the planner's key.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter, Response

from api.core.problems import ApiError
from placement.i18n import t

router = APIRouter(include_in_schema=False)

#: Content types of the assets, by suffix.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@cache
def assets() -> dict[str, bytes]:
    """The page's files by name (``index.html``, ``app.js`` …), read once from the package."""
    folder = resources.files("api") / "web"
    return {
        entry.name: entry.read_bytes()
        for entry in folder.iterdir()
        if entry.is_file() and any(entry.name.endswith(s) for s in CONTENT_TYPES)
    }


def _asset(name: str) -> Response:
    content = assets().get(name)
    suffix = name[name.rfind(".") :] if "." in name else ""
    if content is None or suffix not in CONTENT_TYPES:
        raise ApiError(404, t("api.file.not_found", name=repr(name)), kind="not-found")
    return Response(content, media_type=CONTENT_TYPES[suffix], headers=HEADERS)


@router.get("/")
def index() -> Response:
    """The page."""
    return _asset("index.html")


@router.get("/web/{name}")
def asset(name: str) -> Response:
    """One file of the page."""
    return _asset(name)
