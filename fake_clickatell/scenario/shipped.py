"""The scenarios shipped with the package, by name: ``flaky`` is ``scenario/shipped/flaky.yaml``.

They install with the package (a checkout has them under ``scenarios/`` too), so
``fake-clickatell serve --scenario flaky`` and ``@pytest.mark.clickatell_scenario("flaky")``
work from any directory. A name is looked up only when no file of that name exists.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Where the shipped scenario files are.
SHIPPED = Path(__file__).parent / "shipped"


def shipped_names() -> list[str]:
    """The names of the shipped scenarios, sorted."""
    return sorted(path.stem for path in SHIPPED.glob("*.yaml"))


def describe(name: str) -> str:
    """A shipped scenario's one-line description (its first comment, after its file name)."""
    first = (SHIPPED / f"{name}.yaml").read_text(encoding="utf-8").split("\n", 1)[0]
    return first.lstrip("# ").split(": ", 1)[-1]


def resolve(source: str | os.PathLike[str]) -> Path:
    """The file ``source`` names: a path as given when it exists, else a shipped scenario of
    that name (``flaky`` or ``flaky.yaml``), else the path as given (reading it then fails
    with the file's name)."""
    path = Path(source)
    if path.exists():
        return path
    name = path.name.removesuffix(".yaml")
    if path.parent == Path(".") and (SHIPPED / f"{name}.yaml").is_file():
        return SHIPPED / f"{name}.yaml"
    return path
