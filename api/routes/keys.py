"""``/v1/keys``: create, list and revoke API keys (an agency's admin for its own agency, a
platform admin for any); ``/v1/agencies``: create and list agencies (platform admins)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.core.auth import Admin, PlatformAdmin
from api.core.problems import ApiError
from api.routes.common import problems
from api.routes.deps import AdminStoreDep, ServiceStoreDep
from api.schemas.keys import AgencyCreate, AgencyList, AgencyOut, KeyCreate, KeyCreated, KeyList
from api.services.keys import agency_out, key_out
from api.services.keys import create_agency as new_agency
from api.services.keys import create_key as create
from api.services.keys import revoke_key as revoke
from placement.i18n import t

router = APIRouter(tags=["keys"])


@router.post(
    "/v1/keys",
    status_code=status.HTTP_201_CREATED,
    response_model=KeyCreated,
    responses=problems(404, 422),
    summary="Create an API key",
)
def create_key(
    body: KeyCreate, response: Response, principal: Admin, store: AdminStoreDep
) -> KeyCreated:
    """A new key of the given role and agency; its secret is in this response only."""
    record, secret = create(
        store, role=body.role, name=body.name, actor=principal.actor, agency=body.agency
    )
    response.headers["Location"] = f"/v1/keys/{record.id}"
    return KeyCreated(**key_out(record).model_dump(), key=secret)


@router.get("/v1/keys", response_model=KeyList, responses=problems(), summary="API keys")
def list_keys(_: Admin, store: AdminStoreDep) -> KeyList:
    """Every key of the caller's agency (every key, for a platform admin), revoked ones
    included, without secrets."""
    return KeyList(keys=[key_out(k) for k in store.keys.all()])


@router.delete(
    "/v1/keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problems(404),
    summary="Revoke an API key",
)
def revoke_key(key_id: str, principal: Admin, store: AdminStoreDep) -> Response:
    """Revoke the key; requests with it get 401 from now on."""
    if not revoke(store, key_id, actor=principal.actor):
        raise ApiError(404, t("api.keys.not_found", id=repr(key_id)), kind="not-found")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/v1/agencies",
    status_code=status.HTTP_201_CREATED,
    response_model=AgencyOut,
    responses=problems(409, 422),
    summary="Create an agency",
)
def create_agency(
    body: AgencyCreate, response: Response, principal: PlatformAdmin, store: ServiceStoreDep
) -> AgencyOut:
    """A new agency (tenant); make its first admin key with ``POST /v1/keys``."""
    record = new_agency(store, code=body.code, name=body.name, actor=principal.actor)
    response.headers["Location"] = f"/v1/agencies/{record.code}"
    return agency_out(record)


@router.get("/v1/agencies", response_model=AgencyList, responses=problems(), summary="Agencies")
def list_agencies(_: PlatformAdmin, store: ServiceStoreDep) -> AgencyList:
    """Every agency, by code."""
    return AgencyList(agencies=[agency_out(a) for a in store.agencies.all()])
