"""Scenario files as YAML: the only module that imports yaml.

yaml is imported when a scenario is first read or written, not at import: ``fake-clickatell
serve`` without a scenario, and the pytest plugin, start faster without it. Documents load with
a safe loader that also refuses duplicate keys.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.scenario_model import Scenario
from .schema import scenario_from_data
from .validation import ScenarioError

if TYPE_CHECKING:
    import yaml


@functools.cache
def _unique_key_loader() -> type[yaml.SafeLoader]:
    """A safe loader that refuses duplicate keys instead of keeping the last one."""
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        loader.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            mark = key_node.start_mark
            try:
                duplicate = key in mapping
            except TypeError:  # a list or mapping used as a key ("? [a, b]")
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a plain value, not a list or a mapping", mark
                ) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", mark)
            mapping[key] = loader.construct_object(value_node, deep=True)
        return mapping

    UniqueKeyLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping
    )
    return UniqueKeyLoader


def scenario_to_yaml(data: Mapping[str, Any]) -> str:
    """Scenario data (a dict shaped like the YAML) as YAML text, e.g. for ``PUT
    /__admin/scenario`` (this module is the only one that imports yaml)."""
    import yaml

    text: str = yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False)
    return text


def load_scenario_text(text: str, source: str = "<scenario>") -> Scenario:
    """Parse and validate scenario YAML."""
    import yaml

    try:
        data = yaml.load(text, Loader=_unique_key_loader())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = "; ".join(part for part in (error.context, error.problem) if part)
        raise ScenarioError(source, where, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(source, "", f"invalid YAML: {error}") from None
    except RecursionError:
        raise ScenarioError(source, "", "invalid YAML: nested too deeply") from None
    try:
        return scenario_from_data(data, source)
    except RecursionError:  # pragma: no cover - the YAML parser gives up first
        raise ScenarioError(source, "", "nested too deeply") from None


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read, parse and validate a scenario file."""
    source = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(
            source, "", f"cannot read the file: {error.strerror or error}"
        ) from None
    except UnicodeDecodeError:
        raise ScenarioError(source, "", "the file is not UTF-8 text") from None
    return load_scenario_text(text, source)
