"""``/v1/keys``: create, list and revoke API keys (admin)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.core.auth import Admin
from api.core.problems import ApiError
from api.routes.common import problems
from api.routes.deps import StoreDep
from api.schemas.keys import KeyCreate, KeyCreated, KeyList
from api.services.keys import create_key as create
from api.services.keys import key_out
from api.services.keys import revoke_key as revoke

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=KeyCreated,
    responses=problems(422),
    summary="Create an API key",
)
def create_key(
    body: KeyCreate, response: Response, principal: Admin, store: StoreDep
) -> KeyCreated:
    """A new key of the given role; its secret is in this response only."""
    record, secret = create(store, role=body.role, name=body.name, actor=principal.actor)
    response.headers["Location"] = f"/v1/keys/{record.id}"
    return KeyCreated(**key_out(record).model_dump(), key=secret)


@router.get("", response_model=KeyList, responses=problems(), summary="API keys")
def list_keys(_: Admin, store: StoreDep) -> KeyList:
    """Every key, revoked ones included, without secrets."""
    return KeyList(keys=[key_out(k) for k in store.keys.all()])


@router.delete(
    "/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problems(404),
    summary="Revoke an API key",
)
def revoke_key(key_id: str, principal: Admin, store: StoreDep) -> Response:
    """Revoke the key; requests with it get 401 from now on."""
    if not revoke(store, key_id, actor=principal.actor):
        raise ApiError(404, f"no active key {key_id!r}", kind="not-found")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
