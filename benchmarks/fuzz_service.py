"""Schema fuzzing of the service: every operation of its own OpenAPI document, every caller.

Schemathesis turns ``/openapi.json`` into Hypothesis strategies of requests, valid ones
(``positive``) and invalid ones (``negative``). Each operation is sent every case with each set
of credentials given (one key per role, a revoked key, none), and every answer is checked: no
5xx, a status code the document lists, the documented content type, headers and body schema,
and invalid requests refused with a 4xx. Operations that take a ``dataset_id`` or ``run_id`` in
the path are also fuzzed with ids that exist, so that more than the 404 branch is reached.

``python -m benchmarks.fuzz_service`` starts a service on a temporary SQLite database on
loopback, fuzzes it and prints operations fuzzed, cases generated, 5xx seen and the other
failures; it exits with status 1 on any failure. The test suite runs :func:`fuzz` with a few
examples per operation (tests/api/http/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import re
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode, openapi
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.db.store import Store
from benchmarks.load_service import dataset_json, service

_log = logging.getLogger("benchmarks.fuzz_service")

#: What every answer is checked for.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
#: Path parameters that can name an existing record (never a key: a fuzzed DELETE would
#: revoke the fuzzer's own credentials).
KNOWN_IDS = ("dataset_id", "run_id")
_SECRET = re.compile(r"pen_[0-9a-f]{32}_[A-Za-z0-9_-]+")
MAX_EXAMPLES = 1000


@dataclass
class FuzzReport:
    """What a fuzzing session did and found.

    Attributes
    ----------
    operations
        Operations (method and path) of the document that were fuzzed.
    cases
        Requests sent.
    server_errors
        One line per answer with a 5xx status.
    failures
        One line per answer that failed another check.
    statuses
        Number of answers by status code.
    """

    operations: int = 0
    cases: int = 0
    server_errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values."""
        return {
            "operations": self.operations,
            "cases": self.cases,
            "server_errors": len(self.server_errors),
            "failures": len(self.failures),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "details": self.server_errors + self.failures,
        }


def _masked(text: str) -> str:
    return _SECRET.sub("pen_***", text)


def fuzz(
    url: str,
    credentials: Mapping[str, Mapping[str, str]],
    *,
    examples: int,
    known_ids: Mapping[str, str] | None = None,
) -> FuzzReport:
    """Fuzz every operation of the service at ``url``.

    Parameters
    ----------
    url
        Base URL of a running service.
    credentials
        Extra request headers by caller name, e.g. ``{"admin": {"Authorization": …}, "none": {}}``.
    examples
        Cases generated per operation, caller and generation mode (positive, negative).
    known_ids
        Existing ``dataset_id`` and ``run_id`` values: operations naming one in their path are
        fuzzed once more with it.

    Returns
    -------
    FuzzReport
        Counts and a line per failed answer; generation is derandomised, so a report is
        reproducible against the same service state.
    """
    schema = openapi.from_url(f"{url}/openapi.json")
    # Unknown query parameters are ignored on purpose (clients add cache busters and the like),
    # so a request carrying one is not an invalid request the service must refuse.
    schema.config.generation.update(allow_extra_parameters=False)
    report = FuzzReport()
    session = requests.Session()
    configured = settings(
        max_examples=examples,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            report.failures.append(f"the document has an operation that cannot be fuzzed: {result}")
            continue
        operation = result.ok()
        report.operations += 1
        fixed = {k: v for k, v in (known_ids or {}).items() if k in operation.path}
        variants: list[tuple[GenerationMode, dict[str, str] | None]] = [
            (GenerationMode.POSITIVE, None)
        ]
        # Free-text path segments and headers cannot be made invalid; only bodies and query
        # parameters have invalid forms worth sending (trying the others only burns time).
        if _has_items(operation.body) or _has_items(operation.query):
            variants.append((GenerationMode.NEGATIVE, None))
        if fixed:
            variants.append((GenerationMode.POSITIVE, fixed))
        for caller, headers in credentials.items():
            for mode, path_parameters in variants:
                strategy = operation.as_strategy(
                    generation_mode=mode, path_parameters=path_parameters
                )

                send = _sender(strategy, url, dict(headers), caller, session, report, configured)
                # Some operations have fewer distinct requests than ``examples``.
                with contextlib.suppress(Unsatisfiable):
                    send()
    session.close()
    return report


def _has_items(collection: Any) -> bool:
    return any(True for _ in collection)


def _sender(
    strategy: Any,
    url: str,
    headers: dict[str, str],
    caller: str,
    session: requests.Session,
    report: FuzzReport,
    configured: settings,
) -> Callable[[], None]:
    @configured
    @given(case=strategy)
    def send(case: Case) -> None:
        _send(case, url, headers, caller, session, report)

    return send


def _send(
    case: Case,
    url: str,
    headers: dict[str, str],
    caller: str,
    session: requests.Session,
    report: FuzzReport,
) -> None:
    response = case.call(base_url=url, headers=headers, session=session, timeout=60)
    report.cases += 1
    status = response.status_code
    report.statuses[status] = report.statuses.get(status, 0) + 1
    where = f"{case.method} {response.request.url} as {caller} -> {status}"
    if status >= 500:
        report.server_errors.append(_masked(f"{where}: {response.text[:300]}"))
        return
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except FailureGroup as group:
        titles = "; ".join(sorted({f.title for f in group.exceptions}))
        report.failures.append(_masked(f"{where}: {titles}: {response.text[:200]}"))


def prepare(url: str, planner: Mapping[str, str], admin: Mapping[str, str]) -> dict[str, str]:
    """Make one small dataset and one run on it; return their ids (for :func:`fuzz`).

    The run is waited for, so that its plan and gaps exist while the fuzzer asks for them.
    """
    with httpx.Client(base_url=url, timeout=120) as client:
        created = client.post("/v1/datasets", json=dataset_json(30), headers=dict(planner))
        created.raise_for_status()
        dataset_id = created.json()["id"]
        queued = client.post(
            "/v1/runs",
            json={"dataset_id": dataset_id, "policy": {"reference_date": "2026-07-01"}},
            headers=dict(planner),
        )
        queued.raise_for_status()
        run_id = queued.json()["id"]
        for _ in range(1200):
            status = client.get(f"/v1/runs/{run_id}", headers=dict(admin)).json()["status"]
            if status not in ("queued", "running"):
                break
            time.sleep(0.05)
    return {"dataset_id": dataset_id, "run_id": run_id}


def credentials_of(database_url: str) -> dict[str, dict[str, str]]:
    """One key per role, a revoked key and no key, as request headers by caller name."""
    callers: dict[str, dict[str, str]] = {}
    with Store(database_url) as store:
        store.migrate()
        for role in ("viewer", "planner", "admin"):
            callers[role] = {"Authorization": f"Bearer {store.keys.create(role=role)[1]}"}
        revoked, secret = store.keys.create(role="admin", name="revoked")
        store.keys.revoke(revoked.id)
        callers["revoked"] = {"Authorization": f"Bearer {secret}"}
    callers["none"] = {}
    return callers


def main() -> int:
    """Start a service, fuzz it, print the numbers; 1 when anything failed."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=100, help="per operation, caller, mode")
    parser.add_argument("--json", type=Path, help="write the report here as JSON")
    args = parser.parse_args()
    if not 1 <= args.examples <= MAX_EXAMPLES:
        parser.error(f"--examples must be 1…{MAX_EXAMPLES}")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="placement-fuzz-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'placement.db'}"
        callers = credentials_of(database_url)
        with service(database_url, workers=2) as url:
            ids = prepare(url, callers["planner"], callers["admin"])
            report = fuzz(url, callers, examples=args.examples, known_ids=ids)
    for line in report.server_errors + report.failures:
        _log.info("FAIL %s", line)
    _log.info(
        "operations fuzzed: %d\ncases generated: %d\n5xx seen: %d\nother failures: %d\n"
        "statuses: %s",
        report.operations,
        report.cases,
        len(report.server_errors),
        len(report.failures),
        json.dumps(report.as_dict()["statuses"]),
    )
    if args.json is not None:
        args.json.write_text(json.dumps(report.as_dict(), indent=2) + "\n")
    return 1 if report.server_errors or report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
