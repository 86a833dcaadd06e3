"""What the evaluation endpoints do: evaluate a stored dataset's history, and forecast a run.

The evaluation of a dataset is deterministic, so it is computed once per dataset and kept in the
trust memory (:class:`api.services.trust.Trust`), like the other slow results: a request waits
at most the synchronous time limit, then gets 503 with ``Retry-After`` while it goes on. A run's
forecast uses the evaluation of the run's own dataset.
"""

from __future__ import annotations

from typing import Any

from anyio import to_thread

from api.core.problems import ApiError
from api.db.store import Store
from api.schemas.evaluation import EvaluationOut, ForecastOut
from api.services.datasets import load_stored
from api.services.trust import Trust
from placement.analysis.evaluation import evaluate
from placement.analysis.forecast import forecast_plan, has_history
from placement.contract.dataset import Dataset
from placement.i18n import t
from placement.reports.evaluation import render_evaluation


def _no_history() -> ApiError:
    return ApiError(
        409,
        t("api.dataset.no_history"),
        kind="no-history",
    )


async def _evaluation(trust: Trust, store: Store, dataset_id: str) -> dict[str, Any]:
    """evaluation.json of the stored dataset ``dataset_id``; 404 unknown, 409 without history."""
    dataset = await to_thread.run_sync(load_stored, store, dataset_id)
    return await _evaluation_of(trust, dataset_id, dataset)


async def _evaluation_of(trust: Trust, dataset_id: str, dataset: Dataset) -> dict[str, Any]:
    if not has_history(dataset):
        raise _no_history()
    return await trust.compute(("evaluation", dataset_id), lambda: evaluate(dataset).to_dict())


async def evaluation(trust: Trust, store: Store, dataset_id: str) -> EvaluationOut:
    """What the moves in the history of dataset ``dataset_id`` did to SKP ratings."""
    return EvaluationOut.model_validate(await _evaluation(trust, store, dataset_id))


async def evaluation_page(trust: Trust, store: Store, dataset_id: str) -> str:
    """evaluation.html of dataset ``dataset_id``."""
    found = await _evaluation(trust, store, dataset_id)
    return await trust.compute(("evaluation-page", dataset_id), lambda: render_evaluation(found))


async def forecast(trust: Trust, store: Store, run_id: str) -> ForecastOut:
    """What the moves of run ``run_id`` are expected to do to SKP ratings; 409 without history
    in the run's dataset."""
    run = await trust.finished(store, run_id)
    found = await _evaluation_of(trust, run.record.dataset_id, run.dataset)
    return await trust.compute(
        ("forecast", run_id),
        lambda: ForecastOut.model_validate(
            forecast_plan(found, run.dataset, run.policy, run.solution).to_dict()
        ),
    )
