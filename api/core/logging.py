"""Keeping personal data out of the service's logs.

The service logs ids, counts and statuses, never dataset rows; but a URL (``…/employees/{nip}``)
or an unexpected exception can carry an NIP. :class:`PersonalDataFilter`, installed on every
handler by :func:`log_config`, replaces every 18-digit number (the shape of an NIP) in a
record's message and traceback before it is written.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Scope
from uvicorn.config import LOGGING_CONFIG

from api.core.metrics import ExchangeObserver, route_template

NIP = re.compile(r"(?<![0-9])[0-9]{18}(?![0-9])")
MASK = "<nip>"
#: The access log's logger.
ACCESS = logging.getLogger("api.access")


def mask(text: str) -> str:
    """``text`` with every 18-digit number replaced by :data:`MASK`."""
    return NIP.sub(MASK, text)


def _masked_arg(arg: object) -> object:
    if isinstance(arg, int | float) and not isinstance(arg, bool):
        return arg
    return mask(str(arg))


class PersonalDataFilter(logging.Filter):
    """Masks NIPs in a record's message and traceback; never drops a record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place with its personal data masked."""
        record.msg = mask(str(record.msg))
        # Arguments stay arguments (uvicorn's access formatter reads them one by one); any that
        # is not a number becomes its masked text.
        if isinstance(record.args, tuple):
            record.args = tuple(_masked_arg(arg) for arg in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {key: _masked_arg(arg) for key, arg in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


def log_config(level: str = "INFO") -> dict[str, Any]:
    """uvicorn's logging configuration with :class:`PersonalDataFilter` on every handler, and
    the service's own records (``api``, ``placement``, ``solvers``) written at ``level``."""
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"personal_data": {"()": f"{__name__}.PersonalDataFilter"}}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("personal_data")
    for name in ("api", "placement", "solvers"):
        config["loggers"][name] = {"handlers": ["default"], "level": level, "propagate": False}
    return config


class AccessLogMiddleware(ExchangeObserver):
    """Writes one ``api.access`` line per request: method, route template, status, duration and
    the caller's key id.

    The raw path and the query string are never written (a path or a query value may be an
    NIP), and neither is the client's address.
    """

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, self.write)

    def write(self, scope: Scope, status: int, seconds: float) -> None:
        """Write the request's access line."""
        principal = scope.get("state", {}).get("principal")
        ACCESS.info(
            "%s %s %d %.1fms key=%s",
            scope.get("method", ""),
            route_template(scope),
            status,
            seconds * 1000,
            getattr(principal, "key_id", "-"),
        )
