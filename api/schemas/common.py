"""What every resource shares: the frozen base of responses, problem details, health."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class Out(BaseModel):
    """Base of the response bodies: immutable once built."""

    model_config = ConfigDict(frozen=True)


class ProblemItem(Out):
    """One input problem: where it is (table, 1-based row, column) and what is wrong."""

    table: str
    row: int | None
    column: str | None
    message: str


class ProblemDetails(Out):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    problems: list[ProblemItem] | None = None


class Health(Out):
    """Liveness or readiness."""

    status: Literal["ok", "unavailable"]


class Readiness(Health):
    """Readiness: the database and this instance's worker pool."""

    database: Literal["ok", "unavailable"]
    workers: Literal["ok", "stopped"]
