"""docs/pytest.md and the README's pytest quick start: each section's example files pass."""

from __future__ import annotations

import re
from pathlib import Path

# pytester's inline runs drop the modules first imported inside them. httpx imports httpcore
# lazily and keeps a map of its exception classes: a copy imported inside an inner run would
# leave httpx unable to translate the errors of the next copy. So import it here, up front.
import httpcore  # noqa: F401
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "pytest.md"
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
#: The first line of a file example names it: ``# test_x.py``, ``# scenarios/base.yaml``.
FILE_HEADER = re.compile(r"# ([\w./-]+\.(?:py|yaml|ini))\n")
TEST_DEF = re.compile(r"^\s*def test_", re.MULTILINE)


def sections(doc: Path) -> dict[str, dict[str, str]]:
    """The ``##`` sections that hold file examples: "doc: title" -> {file name: contents}."""
    found: dict[str, dict[str, str]] = {}
    for chunk in re.split(r"^## ", doc.read_text(), flags=re.MULTILINE)[1:]:
        title = f"{doc.name}: {chunk.partition(chr(10))[0]}"
        files: dict[str, str] = {}
        for _, body in FENCE.findall(chunk):
            header = FILE_HEADER.match(body)
            if header:
                assert header[1] not in files, f"{title}: {header[1]} given twice"
                files[header[1]] = body
        if files:
            found[title] = files
    return found


SECTIONS = sections(DOC) | sections(README)  # the README's pytest quick start too


def test_every_python_and_yaml_example_is_a_named_file():
    for language, body in FENCE.findall(DOC.read_text()):
        if language in ("python", "yaml", "ini"):
            assert FILE_HEADER.match(body), f"an example without a file name:\n{body}"
    assert len(SECTIONS) >= 8
    assert "README.md: Quick start: the pytest fixture" in SECTIONS


@pytest.mark.parametrize("title", list(SECTIONS))
def test_the_examples_of_each_section_pass(
    title: str, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("FAKE_CLICKATELL_URL", raising=False)
    monkeypatch.delenv("PYTEST_XDIST_WORKER_COUNT", raising=False)
    files = SECTIONS[title]
    for name, body in files.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    result = pytester.runpytest("-p", "no:hypothesispytest", "-W", "error::DeprecationWarning")
    tests = sum(len(TEST_DEF.findall(body)) for name, body in files.items() if name.endswith(".py"))
    assert tests, f"{title}: no test among {sorted(files)}"
    result.assert_outcomes(passed=tests)
