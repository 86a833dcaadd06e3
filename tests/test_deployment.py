"""The container image and the compose file, linted (no container runtime is needed): the
Dockerfile's instructions are parsed and checked, and compose.yaml runs two instances of the
service on one PostgreSQL behind a proxy whose configuration names both."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
KNOWN = {
    "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
    "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
}  # fmt: skip


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        found.append((keyword, rest.strip()))
    return found


def test_the_dockerfile_builds_the_package_and_serves_it_as_an_unprivileged_user() -> None:
    steps = instructions((ROOT / "Dockerfile").read_text())
    keywords = [keyword for keyword, _ in steps]
    assert set(keywords) <= KNOWN, set(keywords) - KNOWN
    assert keywords[0] == "FROM" and keywords.count("FROM") == 1
    base = steps[0][1]
    assert re.fullmatch(r"python:3\.1[1-9][\w.-]*", base), base
    copied = [args.split()[0] for keyword, args in steps if keyword == "COPY"]
    for needed in ("pyproject.toml", "placement", "solvers", "api"):
        assert needed in copied
    for source in copied:
        assert (ROOT / source).exists(), source
    installs = [args for keyword, args in steps if keyword == "RUN" and "pip install" in args]
    assert installs and all("-c constraints.txt" in args for args in installs)
    users = [args for keyword, args in steps if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")
    assert ("EXPOSE", "8000") in steps
    entry = json.loads(dict(steps)["ENTRYPOINT"])
    command = json.loads(dict(steps)["CMD"])
    assert entry == ["placement"] and command[0] == "serve"
    assert "0.0.0.0" in command and "8000" in command
    assert "/readyz" in dict(steps)["HEALTHCHECK"]


def test_compose_runs_two_instances_on_one_postgres_behind_a_proxy() -> None:
    compose: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    instances = [name for name, spec in services.items() if spec.get("build") == "."]
    assert len(instances) >= 2
    urls = {services[name]["environment"]["PLACEMENT_DATABASE_URL"] for name in instances}
    assert len(urls) == 1
    url = urls.pop()
    assert url.startswith("postgresql+psycopg://") and "@postgres:5432/" in url
    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:")
    assert postgres["healthcheck"]["test"]
    for name in instances:
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    proxy = services["proxy"]
    mount = next(v for v in proxy["volumes"] if "nginx" in v)
    config = (ROOT / mount.split(":")[0].removeprefix("./")).read_text()
    for name in instances:
        assert f"server {name}:8000" in config
    assert set(proxy["depends_on"]) >= set(instances)
    assert "pgdata" in compose["volumes"]


def test_the_readme_explains_deployment_with_the_files_it_names() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Deployment") :]
    for needed in ("compose.yaml", "Dockerfile", "PLACEMENT_LEASE_S", "keys create --platform"):
        assert needed in section
    for line in section.splitlines():
        if line.startswith("docker "):
            assert shlex.split(line)[0] == "docker"
