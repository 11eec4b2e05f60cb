"""Scenario files as YAML: the only module that imports yaml.

yaml is imported when a scenario is first read or written, not at import: ``fake-clickatell
serve`` without a scenario, and the pytest plugin, start faster without it. Documents load with
a safe loader that also refuses duplicate keys, within budgets that hold whatever the installed
PyYAML does: at most :data:`MAX_SCENARIO_BYTES` of text, and at most :data:`MAX_NODES` values
once every alias and merge key (``<<``) is expanded. The expansion is counted on the composed
document, before anything is built from it, so a "billion laughs" of nested aliases or merge
keys fails at once with an error instead of eating memory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..core.scenario_model import Scenario
from .schema import scenario_from_data
from .shipped import resolve, shipped_names
from .validation import ScenarioError

if TYPE_CHECKING:
    import yaml

#: The largest scenario text taken (a file, or a body put through the admin API).
MAX_SCENARIO_BYTES = 1024 * 1024
#: The most values a scenario may hold with its aliases and merge keys expanded.
MAX_NODES = 100_000


#: The loader made for each yaml module object: a test runner that drops and re-imports yaml
#: (pytester's inline runs do) must get a loader whose errors are those of the yaml it catches.
_LOADERS: dict[ModuleType, type[yaml.SafeLoader]] = {}


def _unique_key_loader() -> type[yaml.SafeLoader]:
    """A safe loader that refuses duplicate keys instead of keeping the last one."""
    import yaml

    loader = _LOADERS.get(yaml)
    if loader is None:
        loader = _LOADERS[yaml] = _make_loader()
    return loader


def _make_loader() -> type[yaml.SafeLoader]:
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

    if len(text) > MAX_SCENARIO_BYTES:
        raise ScenarioError(source, "", f"larger than {MAX_SCENARIO_BYTES} bytes")
    loader = _unique_key_loader()(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expanded_size(node, source)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = "; ".join(part for part in (error.context, error.problem) if part)
        raise ScenarioError(source, where, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(source, "", f"invalid YAML: {error}") from None
    except RecursionError:
        raise ScenarioError(source, "", "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    try:
        return scenario_from_data(data, source)
    except RecursionError:  # pragma: no cover - the YAML parser gives up first
        raise ScenarioError(source, "", "nested too deeply") from None


def _check_expanded_size(root: yaml.Node, source: str) -> None:
    """Refuse a document whose values, aliases and merge keys expanded, exceed
    :data:`MAX_NODES` (counted per distinct node, so the count itself stays cheap)."""
    import yaml

    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        known = sizes.get(key)
        if known is not None:
            return known
        if key in in_progress:
            raise ScenarioError(source, "", "invalid YAML: a value that contains itself")
        in_progress.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                total += size(key_node) + size(value_node)
                if total > MAX_NODES:
                    break
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item)
                if total > MAX_NODES:
                    break
        in_progress.discard(key)
        if total > MAX_NODES:
            raise ScenarioError(
                source,
                "",
                f"more than {MAX_NODES} values once its aliases and merge keys are expanded",
            )
        sizes[key] = total
        return total

    size(root)


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read, parse and validate a scenario file (of at most :data:`MAX_SCENARIO_BYTES`), or
    a shipped scenario by name (``flaky``)."""
    found = resolve(path)
    source = os.fspath(found)
    try:
        with found.open("rb") as file:
            raw = file.read(MAX_SCENARIO_BYTES + 1)
    except OSError as error:
        shipped = ", ".join(shipped_names())
        raise ScenarioError(
            source,
            "",
            f"cannot read the file: {error.strerror or error} (shipped scenarios: {shipped})",
        ) from None
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioError(source, "", f"larger than {MAX_SCENARIO_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(source, "", "the file is not UTF-8 text") from None
    return load_scenario_text(text, source)
