"""Agencies (tenants): created by a platform admin, listed, looked up by code."""

from __future__ import annotations

import re

from sqlalchemy import select

from api.db.engine import Database, utc_now
from api.db.errors import Conflict
from api.db.models import Agency
from api.db.records import AgencyRecord
from placement.i18n import t

#: What an agency code looks like: short, lower-case, safe in URLs, logs and metric labels.
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


def check_code(code: str) -> str:
    """Return ``code`` if it is a valid agency code, else raise ValueError."""
    if not CODE.fullmatch(code):
        raise ValueError(t("api.agency.bad_code", code=repr(code)))
    return code


def agency_record(row: Agency) -> AgencyRecord:
    """The frozen record of an agency row."""
    return AgencyRecord(code=row.code, name=row.name, created_at=row.created_at)


class AgencyRepository:
    """Agencies of one database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def create(self, *, code: str, name: str) -> AgencyRecord:
        """Create an agency.

        Raises
        ------
        ValueError
            If the code is malformed.
        Conflict
            If an agency with that code exists.
        """
        check_code(code)
        with self._db.session(write=True) as session:
            if session.get(Agency, code) is not None:
                raise Conflict(t("api.agency.exists", code=repr(code)))
            row = Agency(code=code, name=name, created_at=utc_now())
            session.add(row)
        return agency_record(row)

    def get(self, code: str) -> AgencyRecord | None:
        """Return an agency, or None if unknown."""
        with self._db.session(write=False) as session:
            row = session.get(Agency, code)
            return None if row is None else agency_record(row)

    def all(self) -> list[AgencyRecord]:
        """Every agency, by code."""
        with self._db.session(write=False) as session:
            rows = session.execute(select(Agency).order_by(Agency.code)).scalars()
            return [agency_record(row) for row in rows]
