"""Alembic migrations of the service's database, shipped inside the package."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

SCRIPT_LOCATION = Path(__file__).resolve().parent


def alembic_config(database_url: str | None = None) -> Config:
    """Build the Alembic configuration in code (no ``alembic.ini`` needed).

    Parameters
    ----------
    database_url
        Used only when Alembic runs without a connection of ours (offline SQL or the Alembic
        command line); :meth:`api.db.store.Store.migrate` passes its own connection instead.
    """
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if database_url is not None:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config
