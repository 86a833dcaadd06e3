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


class KeyOut(Out):
    """An API key without its secret."""

    id: str
    role: str
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class KeyCreated(KeyOut):
    """A new API key; ``key`` is shown this once and never stored in clear."""

    key: str


class KeyList(Out):
    """Every API key, revoked ones included."""

    keys: list[KeyOut]
