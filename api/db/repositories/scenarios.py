"""Scenarios: what-if runs, each stored with its changed dataset and queued run at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from api.db.engine import Database, capped
from api.db.models import Run, Scenario
from api.db.records import DEFAULT_AGENCY, DatasetRecord, RunRecord, ScenarioRecord
from api.db.repositories.datasets import dataset_record, new_dataset_row
from api.db.repositories.runs import new_run_row, run_record
from placement.i18n import DEFAULT_LOCALE


def scenario_record(row: Scenario) -> ScenarioRecord:
    """The frozen record of a scenario row."""
    return ScenarioRecord(
        run_id=row.run_id,
        base_run_id=row.base_run_id,
        base_dataset_id=row.base_dataset_id,
        changes=list(row.changes),
        created_at=row.created_at,
        created_by=row.created_by,
        agency=row.agency,
    )


class ScenarioRepository:
    """Scenarios of one database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def create(
        self,
        *,
        payload: bytes,
        sha256: str,
        counts: dict[str, int],
        policy: dict[str, Any],
        base_run_id: str | None,
        base_dataset_id: str,
        changes: list[Any],
        created_by: str,
        agency: str = DEFAULT_AGENCY,
        locale: str = DEFAULT_LOCALE,
    ) -> tuple[DatasetRecord, RunRecord, ScenarioRecord]:
        """Store a scenario's changed dataset and queue its run (its texts in ``locale``), in
        one transaction.

        Returns the new dataset, the queued run and the scenario, whose id is the run's.
        """
        dataset = new_dataset_row(
            payload=payload, sha256=sha256, counts=counts, created_by=created_by, agency=agency
        )
        run = new_run_row(
            dataset_id=dataset.id,
            policy=policy,
            created_by=created_by,
            agency=agency,
            locale=locale,
        )
        run.created_at = dataset.created_at
        scenario = Scenario(
            run_id=run.id,
            agency=agency,
            base_run_id=base_run_id,
            base_dataset_id=base_dataset_id,
            changes=changes,
            created_at=dataset.created_at,
            created_by=created_by,
        )
        with self._db.session(write=True) as session:
            session.add(dataset)
            session.flush()
            session.add(run)
            session.flush()
            session.add(scenario)
        return dataset_record(dataset), run_record(run), scenario_record(scenario)

    def get(self, run_id: str, *, agency: str | None = None) -> ScenarioRecord | None:
        """Return the scenario of run ``run_id``, or None if that run is not a scenario (or is
        of another agency)."""
        with self._db.session(write=False) as session:
            row = session.get(Scenario, run_id)
            if row is None or (agency is not None and row.agency != agency):
                return None
            return scenario_record(row)

    def latest(self, *, limit: int = 100, agency: str | None = None) -> list[ScenarioRecord]:
        """Return scenarios whose run is not deleted (of ``agency`` only, when given), newest
        first (``limit`` capped at 1000)."""
        query = (
            select(Scenario)
            .join(Run, Run.id == Scenario.run_id)
            .where(Run.deleted_at.is_(None))
            .order_by(Scenario.created_at.desc(), Scenario.run_id)
            .limit(capped(limit))
        )
        if agency is not None:
            query = query.where(Scenario.agency == agency)
        with self._db.session(write=False) as session:
            return [scenario_record(row) for row in session.execute(query).scalars()]
