"""Imports point down the layers, never in a circle: in the package and in the benchmarks.

Every import counts, wherever it stands: at the top, inside a function (a lazy import), or
under ``if TYPE_CHECKING:``. A lazy import still ties two modules together; it only hides the
tie from the interpreter. Every part of the package is declared below with the parts it may
import, so a new module has to take its place in the order before the suite passes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

import fake_clickatell

ROOT = Path(fake_clickatell.__file__).parent.parent

#: Part of the package -> the parts it may import (its own modules always). From the bottom:
#: the protocol core and the HTTP server know nothing of ours; the scenario loader and the
#: reference client stand on the core; the running fake (app) on the core, the server and the
#: scenario loader; the test handle on the app; intercept mode on the handle; the plugin and the
#: CLI on top; the package's
#: ``__init__`` is the public surface and may re-export any of them.
LAYERS: Mapping[str, frozenset[str]] = {
    "_version": frozenset(),
    "core": frozenset(),
    "server": frozenset(),
    "scenario": frozenset({"core"}),
    "client": frozenset({"_version", "core"}),
    "strategies": frozenset({"core", "client"}),
    "app": frozenset({"_version", "core", "server", "scenario"}),
    "testing": frozenset({"core", "app", "scenario"}),
    "interception": frozenset({"core", "server", "app", "scenario", "testing"}),
    "pytest_plugin": frozenset({"scenario", "testing", "interception"}),
    "cli": frozenset({"_version", "core", "server", "scenario", "app"}),
    "__main__": frozenset({"cli"}),
    "__init__": frozenset(
        {"_version", "core", "scenario", "client", "app", "testing", "interception"}
    ),
}


def module_name(path: Path, root: Path) -> str:
    """``fake_clickatell/core/gateway.py`` -> ``fake_clickatell.core.gateway`` (a package is
    named by its ``__init__``'s folder)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of a relative import ``from <level dots><target> import ...``."""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def imports_of(path: Path, root: Path, known: set[str]) -> set[str]:
    """Every module of ``known`` that the file at ``path`` imports, anywhere in it."""
    module = module_name(path, root)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                target = _resolve(module, is_package, node.level, node.module)
            else:
                target = node.module or ""
            # ``from . import x`` imports the module x when there is one, else a name of target.
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in known else target)
        elif isinstance(node, ast.Dict) and _is_exports(node, tree):
            # The public API imports what its _EXPORTS table names, on first use.
            for value in node.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.add(_resolve(module, is_package, 1, value.value.lstrip(".")))
    resolved = set()
    for name in found:
        # ``import a.b.c`` and ``from a.b import C`` both tie to the deepest known module.
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name != module:
            resolved.add(name)
    return resolved


def _is_exports(node: ast.Dict, tree: ast.Module) -> bool:
    for statement in tree.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is node:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            return any(isinstance(t, ast.Name) and t.id == "_EXPORTS" for t in targets)
    return False


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same tree it imports."""
    root = package.parent
    files = sorted(package.rglob("*.py"))
    known = {module_name(path, root) for path in files}
    return {module_name(path, root): imports_of(path, root, known) for path in files}


def circles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The import circles: each strongly connected group of two or more modules (or one that
    imports itself), sorted (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def part_of(module: str) -> str:
    """``fake_clickatell.core.gateway`` -> ``core``; the package itself -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def upward_imports(
    graph: Mapping[str, Iterable[str]], layers: Mapping[str, frozenset[str]]
) -> list[str]:
    """``a -> b`` for every import the layer table does not allow (or from an undeclared part)."""
    problems = []
    for module, targets in sorted(graph.items()):
        part = part_of(module)
        if part not in layers:
            problems.append(f"{module}: its part {part!r} has no place in LAYERS")
            continue
        for target in sorted(targets):
            other = part_of(target)
            if other != part and other not in layers[part]:
                problems.append(f"{module} -> {target} ({part} may not import {other})")
    return problems


# -- the package and the benchmarks ------------------------------------------------------------


def test_the_package_has_no_import_circle():
    graph = import_graph(ROOT / "fake_clickatell")
    assert len(graph) > 40  # the whole package was read
    assert circles(graph) == []


def test_every_import_points_down_the_layers():
    graph = import_graph(ROOT / "fake_clickatell")
    assert upward_imports(graph, LAYERS) == []
    assert {part_of(module) for module in graph} == set(LAYERS)


def test_the_benchmarks_have_no_import_circle():
    graph = import_graph(ROOT / "benchmarks")
    assert len(graph) > 10
    assert circles(graph) == []


# -- the checks themselves ----------------------------------------------------------------------


def _write(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "pkg"


def test_a_circle_closed_by_a_lazy_or_type_checking_import_is_found(tmp_path: Path):
    package = _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/core/__init__.py": "",
            "pkg/core/a.py": "from .b import thing\n",
            "pkg/core/b.py": "def f():\n    from . import c\n",
            "pkg/core/c.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import x\n"
            ),
            "pkg/core/d.py": "import pkg.core.a\n",
        },
    )
    graph = import_graph(package)
    assert graph["pkg.core.d"] == {"pkg.core.a"}
    assert circles(graph) == [["pkg.core.a", "pkg.core.b", "pkg.core.c"]]


def test_an_upward_import_is_found_even_inside_a_function(tmp_path: Path):
    package = _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/core/__init__.py": "",
            "pkg/core/gateway.py": "def f():\n    from ..app import runtime\n",
            "pkg/app/__init__.py": "",
            "pkg/app/runtime.py": "from ..core import gateway\n",
            "pkg/extra.py": "",
        },
    )
    graph = import_graph(package)
    layers = {"__init__": frozenset(), "core": frozenset(), "app": frozenset({"core"})}
    assert upward_imports(graph, layers) == [
        "pkg.core.gateway -> pkg.app.runtime (core may not import app)",
        "pkg.extra: its part 'extra' has no place in LAYERS",
    ]


@pytest.mark.parametrize(
    ("module", "is_package", "level", "target", "expected"),
    [
        ("p.core.gateway", False, 1, "handlers", "p.core.handlers"),
        ("p.core.handlers", True, 1, "context", "p.core.handlers.context"),
        ("p.core.handlers.auth", False, 2, "grammar", "p.core.grammar"),
        ("p.app", True, 2, "core.gateway", "p.core.gateway"),
        ("p.core.handlers", True, 1, None, "p.core.handlers"),
    ],
)
def test_relative_imports_resolve(module, is_package, level, target, expected):
    assert _resolve(module, is_package, level, target) == expected
