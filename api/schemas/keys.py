"""Bodies of ``/v1/keys``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Out

Role = Literal["viewer", "planner", "admin"]


class KeyCreate(BaseModel):
    """An API key to create."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    name: str = Field(default="", max_length=200)
    agency: str | None = Field(
        default=None,
        max_length=32,
        description="The key's agency: an agency admin's own when omitted; for a platform "
        "admin, omitted means a new platform admin key (role admin).",
    )


class KeyOut(Out):
    """An API key without its secret."""

    id: str
    role: str
    name: str
    agency: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class KeyCreated(KeyOut):
    """A new API key; ``key`` is shown this once and never stored in clear."""

    key: str


class KeyList(Out):
    """Every API key, revoked ones included."""

    keys: list[KeyOut]


class AgencyCreate(BaseModel):
    """An agency (tenant) to create."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(default="", max_length=200)


class AgencyOut(Out):
    """An agency: its code (as keys and records name it) and its name."""

    code: str
    name: str
    created_at: dt.datetime


class AgencyList(Out):
    """Every agency, by code."""

    agencies: list[AgencyOut]
