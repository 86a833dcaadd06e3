"""``/v1/datasets``: upload (JSON, CSV files or xlsx), read and delete datasets."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Query, Request, Response, status
from starlette.datastructures import UploadFile

from api.core.auth import Planner, Viewer
from api.core.problems import ApiError
from api.routes.common import problems
from api.routes.deps import SettingsDep, StoreDep
from api.schemas.datasets import DatasetList, DatasetOut
from api.services.datasets import (
    XLSX,
    Upload,
    check_pairs,
    dataset_from_body,
    dataset_from_uploads,
    dataset_from_xlsx,
    dataset_out,
    store_dataset,
)
from api.services.datasets import delete_dataset as delete
from api.services.datasets import get_dataset as get
from placement.contract.dataset import Dataset
from placement.i18n import t

router = APIRouter(prefix="/v1/datasets", tags=["datasets"])

_BODY = {
    "requestBody": {
        "required": True,
        "description": "The dataset: the contract's JSON form (one array of row objects per "
        "table), CSV files (one per table, the file name is the table name) or one .xlsx "
        "workbook as multipart/form-data, or the .xlsx workbook as the whole body.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "object"}},
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                    },
                }
            },
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


async def _dataset_of(request: Request, max_bytes: int, max_rows: int) -> Dataset:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        async with request.form(max_part_size=max_bytes) as form:
            uploads = [
                Upload(value.filename or "", await value.read())
                for _, value in form.multi_items()
                if isinstance(value, UploadFile)
            ]
        return await to_thread.run_sync(dataset_from_uploads, uploads, max_rows)
    body = await request.body()
    if media == XLSX:
        return await to_thread.run_sync(dataset_from_xlsx, body, max_rows)
    if media in ("application/json", "") or media.endswith("+json"):
        return await to_thread.run_sync(dataset_from_body, body, max_rows)
    raise ApiError(
        415,
        t("api.request.unsupported_media_type", media=repr(media), xlsx=XLSX),
        kind="unsupported-media-type",
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=DatasetOut,
    responses=problems(409, 413, 415, 422),
    openapi_extra=_BODY,
    summary="Upload and validate a dataset",
)
async def create_dataset(
    request: Request, response: Response, principal: Planner, store: StoreDep, settings: SettingsDep
) -> DatasetOut:
    """Validate the dataset fully; 201 with its id, row counts and sha256, or 422 listing
    every problem (table, row, column, message)."""
    dataset = await _dataset_of(request, settings.max_request_bytes, settings.max_rows)
    check_pairs(dataset, settings.max_pairs)
    record = await to_thread.run_sync(partial(store_dataset, store, dataset, actor=principal.actor))
    response.headers["Location"] = f"/v1/datasets/{record.id}"
    return dataset_out(record)


@router.get("", response_model=DatasetList, responses=problems(422), summary="Datasets")
def list_datasets(
    _: Viewer,
    store: StoreDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DatasetList:
    """The agency's datasets, newest first; pass ``next_cursor`` as ``cursor`` for the next
    page."""
    try:
        records, after = store.datasets.page(cursor=cursor, limit=limit)
    except ValueError as exc:
        raise ApiError(422, str(exc), kind="invalid-input") from exc
    return DatasetList(datasets=[dataset_out(r) for r in records], next_cursor=after)


@router.get(
    "/{dataset_id}", response_model=DatasetOut, responses=problems(404), summary="A dataset"
)
def get_dataset(dataset_id: str, _: Viewer, store: StoreDep) -> DatasetOut:
    """The dataset's id, row counts and sha256."""
    return dataset_out(get(store, dataset_id))


@router.delete(
    "/{dataset_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problems(404, 409),
    summary="Delete a dataset",
)
def delete_dataset(dataset_id: str, principal: Planner, store: StoreDep) -> Response:
    """Delete the dataset; 409, naming how many use it, while queued or running runs or
    sweeps use it (nothing is deleted; cancel them or wait until they finish)."""
    delete(store, dataset_id, actor=principal.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
