"""The language of each answer: Indonesian by default, English on request (``Accept-Language``).

Every text a person reads in an answer — problem details, input problems, rule reasons,
explanations, diagnoses — is rendered in the request's locale, which the middleware sets for
the whole exchange with :func:`placement.i18n.use_locale`. Machine fields (codes, rule ids, JSON
names, plan.csv) never change. The answer says which language it is in (``Content-Language``)
and that it depends on the request's ``Accept-Language`` (``Vary``), so caches keep one copy per
language.

The language is negotiated from the header alone, like the media type from ``Accept``: the
service has no query parameter that changes the form of an answer.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from placement.i18n import locale_from_accept_language, use_locale

__all__ = ["LocaleMiddleware", "request_locale"]


def request_locale(scope: Scope) -> str:
    """The locale a request asks for with ``Accept-Language`` (Indonesian when it asks none)."""
    return locale_from_accept_language(Headers(scope=scope).get("accept-language"))


class LocaleMiddleware:
    """Renders each exchange in its request's locale and says so in the answer's headers.

    A ``Content-Language`` already set (an idempotent replay of an answer given in another
    language) is kept: it names the language the body is really in.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        locale = request_locale(scope)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                if "content-language" not in headers:
                    headers["Content-Language"] = locale
                vary = [v.strip() for v in headers.get("vary", "").split(",") if v.strip()]
                if not any(v.lower() in ("accept-language", "*") for v in vary):
                    headers["Vary"] = ", ".join([*vary, "Accept-Language"])
            await send(message)

        with use_locale(locale):
            await self.app(scope, receive, send_with_language)
