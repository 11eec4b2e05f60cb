"""The protocol core does no I/O: it imports no network, thread, file, clock or web module."""

from __future__ import annotations

import ast
from pathlib import Path

import fake_clickatell.core

FORBIDDEN = {
    "asyncio",
    "flask",
    "http",
    "httpx",
    "io",
    "os",
    "pathlib",
    "requests",
    "selectors",
    "shutil",
    "signal",
    "socket",
    "socketserver",
    "subprocess",
    "sys",
    "threading",
    "time",
    "urllib",
    "werkzeug",
    "yaml",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_no_io_module():
    core = Path(fake_clickatell.core.__file__).parent
    files = sorted(core.glob("*.py"))
    assert len(files) >= 10
    offenders = {f.name: sorted(_imports(f) & FORBIDDEN) for f in files}
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_the_check_itself_would_catch_an_import(tmp_path: Path):
    module = tmp_path / "m.py"
    module.write_text("import socket\nfrom time import time\n")
    assert _imports(module) & FORBIDDEN == {"socket", "time"}
