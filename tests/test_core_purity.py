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


#: Pure string handling inside otherwise forbidden packages.
ALLOWED = {"urllib.parse"}


def _imports(path: Path) -> set[str]:
    """The top-level packages a module imports, not counting the allowed pure modules."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return {module.split(".")[0] for module in modules - ALLOWED}


def test_core_imports_no_io_module():
    core = Path(fake_clickatell.core.__file__).parent
    files = sorted(core.glob("*.py"))
    assert len(files) >= 10
    offenders = {f.name: sorted(_imports(f) & FORBIDDEN) for f in files}
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_the_check_itself_would_catch_an_import(tmp_path: Path):
    module = tmp_path / "m.py"
    module.write_text(
        "import socket\nfrom time import time\nimport urllib.request\nfrom urllib.parse import quote\n"
    )
    assert _imports(module) & FORBIDDEN == {"socket", "time", "urllib"}
