"""Scenario files: YAML in, a validated, frozen :class:`~..core.scenario_model.Scenario` out.

Every error names the file, the key path and what was expected, e.g.::

    flaky.yaml: accounts[0].frozen: expected true or false, got 'maybe'

Unknown keys are errors (they are usually typos), and so are duplicate keys. :mod:`.validation`
is the generic validator, :mod:`.schema` the scenario's keys, :mod:`.yaml_io` the YAML.
"""

from __future__ import annotations

from .schema import scenario_from_data
from .validation import ScenarioError
from .yaml_io import load_scenario, load_scenario_text, scenario_to_yaml

__all__ = [
    "ScenarioError",
    "load_scenario",
    "load_scenario_text",
    "scenario_from_data",
    "scenario_to_yaml",
]
