"""Scenarios as the test handle takes them: a file path or a dict, validated once."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.scenario_model import DEFAULT_SCENARIO, Scenario
from ..scenario import ScenarioError, load_scenario_text, scenario_from_data, scenario_to_yaml
from ..scenario.shipped import resolve, shipped_names


@dataclass(frozen=True, slots=True)
class LoadedScenario:
    """A validated scenario and the YAML text a remote fake is sent (``PUT /__admin/scenario``)."""

    scenario: Scenario
    text: str

    @property
    def source(self) -> str:
        """Where it came from (a path, ``<dict>`` or ``<default>``)."""
        return self.scenario.source


DEFAULT_LOADED = LoadedScenario(DEFAULT_SCENARIO, "{}\n")

ScenarioLike = str | os.PathLike[str] | Mapping[str, Any]


def read_scenario(source: ScenarioLike, search: Sequence[Path] = ()) -> LoadedScenario:
    """Validate a scenario given as a file path or as data (a dict, the YAML's shape).

    A relative path is looked up in each of ``search`` in turn, then in the working directory;
    a bare name (``flaky``) may name a shipped scenario.
    Raises :class:`~fake_clickatell.ScenarioError` (with file and key path) when it is invalid.
    """
    if isinstance(source, Mapping):
        scenario = scenario_from_data(dict(source), "<dict>")
        return LoadedScenario(scenario, scenario_to_yaml(source))
    path = _find(Path(source), search)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        tried = [] if path.is_absolute() else [base / path for base in search]
        where = ", ".join(str(candidate) for candidate in [*tried, path])
        shipped = ", ".join(shipped_names())
        raise ScenarioError(
            os.fspath(source),
            "",
            f"cannot read the file: {error.strerror or error} (tried {where};"
            f" shipped scenarios: {shipped})",
        ) from None
    except UnicodeDecodeError:
        raise ScenarioError(os.fspath(path), "", "the file is not UTF-8 text") from None
    return LoadedScenario(load_scenario_text(text, os.fspath(path)), text)


def _find(path: Path, search: Sequence[Path]) -> Path:
    if path.is_absolute():
        return path
    for base in search:
        if (base / path).is_file():
            return base / path
    return resolve(path)  # the working directory, then a shipped scenario by name
