"""ASGI middleware: the request size limit and ``Idempotency-Key`` replays.

Both read the whole body before the application sees it (it is bounded by the size limit), so
they are plain ASGI middleware rather than route code.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable

from anyio import to_thread
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.auth import bearer_token
from api.core.problems import problem_response
from api.db.store import Store
from placement.i18n import t

log = logging.getLogger(__name__)

_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
#: Response headers worth replaying (the rest are recomputed by the server).
_REPLAYED = ("content-type", "content-language", "location", "retry-after")
MAX_KEY_LENGTH = 200


class _TooLargeError(Exception):
    pass


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLargeError
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class BodyLimitMiddleware:
    """Answers 413 to a request whose body is larger than ``limit`` bytes."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY:
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        try:
            if declared is not None and declared.isdigit() and int(declared) > self.limit:
                raise _TooLargeError
            body = await _read_body(receive, self.limit)
        except _TooLargeError:
            response = problem_response(
                413,
                t("api.request.too_large", limit=self.limit),
                kind="too-large",
                instance=scope["path"],
            )
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body), send)


class IdempotencyMiddleware:
    """Replays the first response to a POST retried with the same ``Idempotency-Key``.

    The key is scoped to the caller (the API key); the same key with a different request
    (method, path or body) is refused with 409. Responses of 5xx are not remembered, so a
    retry after a server error runs again. Requests without a valid API key pass through and
    get their 401 from the route.
    """

    def __init__(self, app: ASGIApp, store: Callable[[], Store]) -> None:
        self.app = app
        self.store = store
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        if key is None:
            await self.app(scope, receive, send)
            return
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            response = problem_response(
                422,
                t("api.request.idempotency_key_length", max=MAX_KEY_LENGTH),
                kind="invalid-request",
                instance=scope["path"],
            )
            await response(scope, receive, send)
            return
        store = self.store()
        token = bearer_token(headers.get("authorization"))
        found = await to_thread.run_sync(store.keys.authenticate, token) if token else None
        if found is None:
            await self.app(scope, receive, send)
            return
        actor = f"key:{found.id}"
        agency = found.agency
        body = await _read_body(receive, 2**62)
        digest = hashlib.sha256()
        for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode()):
            digest.update(part.encode() + b"\0")
        digest.update(headers.get("content-type", "").encode() + b"\0")
        digest.update(body)
        request_hash = digest.hexdigest()
        # Requests with one key run one at a time, so that a retry sent while the first is
        # still running waits for it and then replays its answer.
        slot = (actor, key)
        lock, users = self._locks.get(slot, (asyncio.Lock(), 0))
        self._locks[slot] = (lock, users + 1)
        try:
            async with lock:
                await self._once(scope, body, send, store, actor, key, request_hash, agency)
        finally:
            lock, users = self._locks[slot]
            if users == 1:
                del self._locks[slot]
            else:
                self._locks[slot] = (lock, users - 1)

    async def _once(
        self,
        scope: Scope,
        body: bytes,
        send: Send,
        store: Store,
        actor: str,
        key: str,
        request_hash: str,
        agency: str | None,
    ) -> None:
        """Replay the stored answer, or run the request, remember its answer, then send it."""
        earlier = await to_thread.run_sync(lambda: store.idempotency.get(actor=actor, key=key))
        if earlier is not None:
            if earlier.request_hash != request_hash:
                response = problem_response(
                    409,
                    t("api.request.idempotency_key_reused"),
                    kind="idempotency-key-reused",
                    instance=scope["path"],
                )
                await response(scope, _replay(b""), send)
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": earlier.status_code,
                    "headers": [(k.encode(), v.encode()) for k, v in earlier.headers.items()]
                    + [(b"idempotent-replayed", b"true")],
                }
            )
            await send({"type": "http.response.body", "body": earlier.body})
            return

        # The answer is held back until it is remembered, so that a retry sent as soon as the
        # client has it is always a replay.
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        await self.app(scope, _replay(body), capture)
        start = next(m for m in messages if m["type"] == "http.response.start")
        status = int(start["status"])
        if status < 500:
            kept = {
                name.decode().lower(): value.decode()
                for name, value in start.get("headers", [])
                if name.decode().lower() in _REPLAYED
            }
            content = b"".join(
                m.get("body", b"") for m in messages if m["type"] == "http.response.body"
            )
            kept["content-length"] = str(len(content))

            def remember() -> None:
                store.idempotency.put(
                    actor=actor,
                    key=key,
                    request_hash=request_hash,
                    status_code=status,
                    body=content,
                    headers=kept,
                    agency=agency,
                )

            try:
                await to_thread.run_sync(remember)
            except Exception:  # failing to remember an answer only loses a later replay
                log.warning("could not remember an idempotent response", exc_info=True)
        for message in messages:
            await send(message)
