"""The layering of the code holds, and the tool that enforces it fails on a wrong import.

The contracts live in pyproject.toml (``[tool.importlinter]``); ``make test`` runs
``lint-imports`` on the tree, and these tests run it on copies of the tree with one import
added where it must not be, so a contract that silently stopped checking would be noticed.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests.paths import ROOT

PACKAGES = ("placement", "solvers", "api", "benchmarks")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports())"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the packages' Python files and of pyproject.toml."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "data", "web", "*.md", "results"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _add_import(module: Path, statement: str) -> None:
    text = module.read_text(encoding="utf-8")
    head, sep, rest = text.partition("from __future__ import annotations\n")
    assert sep, f"{module} has no __future__ import to add after"
    module.write_text(f"{head}{sep}\n{statement}  # noqa\n{rest}", encoding="utf-8")


def test_the_tree_keeps_every_layering_contract(tree: Path) -> None:
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "statement", "message"),
    [
        (
            "placement/contract/enums.py",
            "import placement.engine",
            "placement.contract is not allowed to import placement.engine",
        ),
        (
            "placement/model/rules.py",
            "import placement.runs.record",
            "placement.model is not allowed to import placement.runs",
        ),
        (
            "placement/check/vectorised.py",
            "import placement.model.rules",
            "placement.check is not allowed to import placement.model",
        ),
        (
            "solvers/model.py",
            "import placement.errors",
            "solvers is not allowed to import placement",
        ),
        ("placement/engine.py", "import api.settings", "placement is not allowed to import api"),
        (
            "api/db/store.py",
            "import api.services.runs",
            "api.db is not allowed to import api.services",
        ),
        (
            "solvers/backends/flow.py",
            "import solvers.portfolio",
            "solvers.backends is not allowed to import solvers.portfolio",
        ),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    tree: Path, module: str, statement: str, message: str
) -> None:
    _add_import(tree / module, statement)
    result = _lint(tree)
    assert result.returncode != 0
    assert message in result.stdout, result.stdout


def _module_level_imports(path: Path) -> list[str]:
    """Modules imported by statements at module level (also under ``if`` and ``try``)."""
    found: list[str] = []
    body = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while body:
        node = body.pop()
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
        elif isinstance(node, ast.If | ast.Try):
            body += node.body + node.orelse + getattr(node, "finalbody", [])
            body += [s for h in getattr(node, "handlers", []) for s in h.body]
    return found


def test_placement_never_imports_the_service_or_the_benchmarks_at_module_level() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "placement").rglob("*.py"))
        for name in _module_level_imports(path)
        if name.split(".")[0] in ("api", "benchmarks")
    ]
    assert offenders == []


def test_the_module_level_check_sees_an_import_under_an_if(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import os\nif os.name:\n    from api import cli\n", encoding="utf-8")
    assert _module_level_imports(module) == ["api", "os"]


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_no_two_modules_import_each_other_even_through_others() -> None:
    graph = grimp.build_graph(*PACKAGES)
    # A package's __init__ re-exporting its modules is not a cycle of the code's logic.
    for package in [m for m in graph.modules if (ROOT / m.replace(".", "/")).is_dir()]:
        for child in graph.find_modules_directly_imported_by(package):
            graph.remove_import(importer=package, imported=child)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(name)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.z")
    graph.add_import(importer="a.z", imported="a.x")
    assert _cycles(graph) == [["a.x", "a.y", "a.z"]]


def test_every_module_says_what_it_is_for() -> None:
    undocumented = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
            if not doc or len(doc.splitlines()[0].strip()) < 10:
                undocumented.append(str(path.relative_to(ROOT)))
    assert undocumented == []
