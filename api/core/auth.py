"""API-key authentication: ``Authorization: Bearer KEY``, the roles viewer < planner < admin
within an agency, and platform admins (keys of no agency)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from anyio import to_thread
from fastapi import Depends, Request

from api.core.problems import ApiError
from api.db.credentials import ROLES
from api.db.store import Store
from placement.i18n import t

_RANK = {role: i for i, role in enumerate(ROLES)}
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="placement"'}


@dataclass(frozen=True)
class Principal:
    """The caller: the key's id, role and agency (None for a platform admin); ``actor`` names
    it in the audit trail."""

    key_id: str
    role: str
    agency: str | None = None

    @property
    def platform(self) -> bool:
        """True for a platform admin's key, which manages agencies and keys only."""
        return self.agency is None

    @property
    def actor(self) -> str:
        """The audit trail's name of the caller."""
        return f"key:{self.key_id}"


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header, or ``None``."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


async def authenticate(request: Request) -> Principal:
    """The caller of ``request``; 401 when the key is missing, unknown or revoked."""
    store: Store = request.app.state.store
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise ApiError(
            401, t("api.auth.key_required"), kind="unauthorized",
            headers=_CHALLENGE,
        )  # fmt: skip
    key = await to_thread.run_sync(store.keys.authenticate, token)
    if key is None:
        raise ApiError(401, t("api.auth.key_invalid"), kind="unauthorized", headers=_CHALLENGE)
    principal = Principal(key_id=key.id, role=key.role, agency=key.agency)
    request.state.principal = principal
    return principal


def _require(role: str) -> Callable[[Principal], Awaitable[Principal]]:
    async def dependency(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if _RANK.get(principal.role, -1) < _RANK[role]:
            raise ApiError(
                403, t("api.auth.role_needed", role=role, has=principal.role), kind="forbidden"
            )
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


async def require_platform(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    """The caller, who must hold a platform admin's key; 403 otherwise."""
    if not principal.platform:
        raise ApiError(403, t("api.auth.platform_needed"), kind="forbidden")
    return principal


Viewer = Annotated[Principal, Depends(_require("viewer"))]
Planner = Annotated[Principal, Depends(_require("planner"))]
Admin = Annotated[Principal, Depends(_require("admin"))]
PlatformAdmin = Annotated[Principal, Depends(require_platform)]
