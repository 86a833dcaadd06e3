# Set-up is part of every target: a fresh clone needs only Python ≥ 3.11 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck unit bench clean fuzz load audit-deps

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/placement demo

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

# On every core (pytest-xdist; at most PYTEST_WORKERS processes, the two of CI's machine there):
# the work-stealing scheduler hands an idle worker half of the other's queue, so a few long tests
# do not leave a core idle at the end. `pytest -q` alone still runs the suite in one process.
PYTEST_WORKERS ?= 4
unit: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --maxprocesses $(PYTEST_WORKERS) --dist worksteal

# Schema fuzzing of the service (every operation, every caller), 25 examples per operation,
# caller and mode (valid, invalid): about 6,500 cases, roughly 10 minutes on 2 cores.
# FUZZ_EXAMPLES=100 for a deeper run.
FUZZ_EXAMPLES ?= 25
fuzz: $(STAMP)
	$(BIN)/python -m benchmarks.fuzz_service --examples $(FUZZ_EXAMPLES)

# Loopback load: concurrent clients of two agencies uploading datasets, queueing runs and
# polling them, on two instances sharing the PostgreSQL of PLACEMENT_TEST_POSTGRES_URL
# (scripts/ci-postgres.sh starts one).
load: $(STAMP)
	$(BIN)/python -m benchmarks.load_service --clients 50 --seconds 60 --instances 2 --agencies 2

# Known vulnerabilities of the pinned dependencies (asks PyPI's advisory data, so it needs the
# network); every line of constraints.txt is pinned, so nothing is resolved or installed. It
# fails on any known vulnerability and, with AUDIT_STRICT=--strict (the default), also when a
# package could not be audited; CI passes AUDIT_STRICT= where the package index it reaches is a
# mirror without PyPI's per-release advisory data, so an unreachable advisory is a warning there.
AUDIT_STRICT ?= --strict
audit-deps: $(STAMP)
	$(BIN)/pip-audit $(AUDIT_STRICT) --no-deps --disable-pip --progress-spinner off -r constraints.txt

# The full benchmark suite (long: not part of CI); regenerates benchmarks/RESULTS.md.
bench: $(STAMP)
	$(BIN)/python -m benchmarks all --time-limit 60

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache .hypothesis
