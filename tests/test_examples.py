"""The example suite in examples/ (an app with retries and re-authentication) passes."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.slow
def test_the_example_suite_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("FAKE_CLICKATELL_URL", raising=False)
    result = pytester.runpytest_subprocess(str(EXAMPLES), "-v")  # as CI would run it
    outcomes = result.parseoutcomes()
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert set(outcomes) == {"passed"}  # nothing skipped, xfailed or warned
    defined = sum(path.read_text().count("\ndef test_") for path in EXAMPLES.glob("test_*.py"))
    assert outcomes["passed"] == defined >= 8
