"""The service's configuration: one typed settings class, read from ``PLACEMENT_*`` variables."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of one service instance.

    Every field can be set by an environment variable with the ``PLACEMENT_`` prefix, for
    example ``PLACEMENT_DATABASE_URL`` or ``PLACEMENT_WORKERS``.

    Attributes
    ----------
    database_url
        SQLAlchemy URL of the database; SQLite by default, PostgreSQL by
        ``postgresql+psycopg://…``.
    workers
        Number of runs solved at the same time.
    max_queued_runs
        Runs waiting for a worker beyond which ``POST /v1/runs`` answers 429.
    max_request_bytes
        Largest accepted request body; larger ones get 413.
    max_sync_employees
        Largest dataset ``POST /v1/solve`` accepts; larger ones get 413.
    max_rows
        Most rows (blank ones included) one table of an uploaded dataset may have; a larger
        table is refused with 413 as soon as it is seen, before it is read whole.
    max_pairs
        Most employee × position pairs (the candidates the compiler examines) a dataset may
        have to be stored, run or solved; more get 413.
    max_active_runs_per_key
        Queued and running runs one API key may have at once; ``POST /v1/runs`` beyond it
        answers 429.
    database_busy_timeout_s
        How long a request waits for a locked SQLite database before it answers 503.
    default_time_limit_s
        Time limit of a solve whose policy sets none.
    max_time_limit_s
        Largest time limit a policy may ask for.
    sync_time_limit_s
        Time limit of a synchronous ``POST /v1/solve``.
    lease_s
        How long a worker's claim on a run lasts without renewal. Workers renew it while they
        solve; when an instance dies, its runs are claimed again by another instance (and
        solved from the start) this long after its last renewal.
    max_attempts
        Claims of one run after which a run whose lease expired again is failed rather than
        claimed once more (it keeps ending the instances that solve it).
    poll_s
        How often an idle instance looks in the database for queued runs (runs queued by the
        instance itself are taken at once).
    sweep_workers
        Sweeps one instance works on at the same time; without a Dask cluster each solves its
        points one after another, one solver thread each.
    max_sweep_points
        Most points one sweep may have; ``POST /v1/sweeps`` refuses more (422).
    dask_address
        Address of a Dask scheduler (``tcp://host:8786``, or ``local`` for a ``LocalCluster``
        per sweep) that solves the points of sweeps in parallel; unset, the instance's own
        sweep workers solve them (``PLACEMENT_DASK_ADDRESS``; empty means unset).
    """

    model_config = SettingsConfigDict(env_prefix="PLACEMENT_", extra="ignore")

    database_url: str = "sqlite:///./placement-data/placement.db"
    workers: int = Field(default=2, ge=1, le=64)
    max_queued_runs: int = Field(default=100, ge=1)
    max_request_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    max_sync_employees: int = Field(default=1000, ge=1)
    max_rows: int = Field(default=250_000, ge=1)
    max_pairs: int = Field(default=400_000_000, ge=1)
    max_active_runs_per_key: int = Field(default=10, ge=1)
    database_busy_timeout_s: float = Field(default=30.0, gt=0)
    default_time_limit_s: float = Field(default=60.0, gt=0)
    max_time_limit_s: float = Field(default=600.0, gt=0)
    sync_time_limit_s: float = Field(default=20.0, gt=0)
    lease_s: float = Field(default=30.0, ge=0.5)
    max_attempts: int = Field(default=3, ge=1)
    poll_s: float = Field(default=1.0, gt=0)
    sweep_workers: int = Field(default=1, ge=1, le=16)
    max_sweep_points: int = Field(default=1000, ge=1, le=10_000)
    dask_address: str | None = None

    @model_validator(mode="after")
    def _limits_are_ordered(self) -> Settings:
        if self.default_time_limit_s > self.max_time_limit_s:
            raise ValueError("default_time_limit_s must not exceed max_time_limit_s")
        return self
