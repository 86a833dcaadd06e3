"""API documentation pages: Swagger UI at ``/docs`` and ReDoc at ``/redoc``, served offline.

Both viewers are shipped inside the package (``api/web/vendor``, copied from the npm packages
with their licences), so the pages work on an intranet without access to any CDN.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from api.core.problems import ApiError
from placement.i18n import t

router = APIRouter(include_in_schema=False)

VENDOR = "/web/vendor"
#: The vendored files served, with their content types.
VENDORED = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
}
_ICON = "/web/icon.svg"
REDOC_CSP = "img-src 'self' data: blob:"


@cache
def vendored(name: str) -> bytes:
    """One vendored file's bytes, read once from the package."""
    return (resources.files("api") / "web" / "vendor" / name).read_bytes()


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    """Swagger UI on the service's OpenAPI document."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="penempatan — API",
        swagger_js_url=f"{VENDOR}/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui.css",
        swagger_favicon_url=_ICON,
    )


@router.get("/redoc")
def redoc() -> HTMLResponse:
    """ReDoc on the service's OpenAPI document.

    No web fonts (they would come from elsewhere), and images from this service only: ReDoc's
    sidebar credit shows a logo from the vendor's CDN, which the browser then never requests.
    """
    page = get_redoc_html(
        openapi_url="/openapi.json",
        title="penempatan — API",
        redoc_js_url=f"{VENDOR}/redoc.standalone.js",
        redoc_favicon_url=_ICON,
        with_google_fonts=False,
    )
    page.headers["Content-Security-Policy"] = REDOC_CSP
    return page


@router.get(VENDOR + "/{name}")
def vendor_file(name: str) -> Response:
    """One vendored file of the documentation pages."""
    media_type = VENDORED.get(name)
    if media_type is None:
        raise ApiError(404, t("api.file.not_found", name=repr(name)), kind="not-found")
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=86400"}
    return Response(vendored(name), media_type=media_type, headers=headers)
