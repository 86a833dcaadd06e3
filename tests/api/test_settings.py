"""The service's settings come from ``PLACEMENT_*`` variables, with safe defaults."""

from __future__ import annotations

import pydantic
import pytest

from api.settings import Settings


def test_the_default_database_is_a_local_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLACEMENT_DATABASE_URL", raising=False)
    assert Settings().database_url == "sqlite:///./placement-data/placement.db"


def test_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLACEMENT_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("PLACEMENT_WORKERS", "4")
    monkeypatch.setenv("PLACEMENT_MAX_SYNC_EMPLOYEES", "200")
    settings = Settings()
    assert (settings.database_url, settings.workers, settings.max_sync_employees) == (
        "postgresql://u@h/db", 4, 200,
    )  # fmt: skip


def test_a_default_time_limit_above_the_maximum_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError):
        Settings(default_time_limit_s=100, max_time_limit_s=10)


def test_at_least_one_worker_is_required() -> None:
    with pytest.raises(pydantic.ValidationError):
        Settings(workers=0)
