"""The public surface: ``__all__`` is exact and sorted, and importing the package is cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import fake_clickatell


def test_all_is_sorted_and_every_name_resolves():
    assert fake_clickatell.__all__ == sorted(fake_clickatell.__all__)
    for name in fake_clickatell.__all__:
        assert getattr(fake_clickatell, name) is not None, name
    assert set(fake_clickatell.__all__) == set(fake_clickatell._EXPORTS) | {"__version__"}
    assert dir(fake_clickatell) == fake_clickatell.__all__


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="nothing_here"):
        getattr(fake_clickatell, "nothing_here")  # noqa: B009


def test_the_package_and_the_pytest_plugin_import_no_web_framework():
    # pytest imports the plugin in every project that installs fake_clickatell.
    code = (
        "import sys, fake_clickatell, fake_clickatell.pytest_plugin\n"
        "print(sorted(m for m in ('flask', 'werkzeug', 'yaml', 'httpx') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
