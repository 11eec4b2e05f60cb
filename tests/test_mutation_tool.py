"""The mutation tool (``make mutate``): which mutants it makes, and that its lists stay true.

Running mutants takes minutes, so ``make test`` checks only what is cheap: the operators on
small sources, the staged plan against the files on disk, and mutation/equivalent.txt against
the mutants the current core has (an entry whose mutant is gone would hide nothing, silently).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mutation.__main__ import Score, _dotted, draw, load_equivalents, margin, report
from mutation.operators import mutants, mutate
from mutation.plan import BROAD, CORE, FIRST, core_modules, stages

SOURCE = '''"""Docstring."""
from __future__ import annotations

LIMIT = 160
NAMES = {"latin1": "latin-1"}
__all__ = ["f"]


class Box:
    """Docstring."""

    __slots__ = ("size",)
    size: int = 3

    def grow(self, by: int = 1) -> int:
        """Docstring."""
        self.size += by
        return self.size


def f(x: int, flag: bool = True) -> bool:
    if x > LIMIT and not flag:
        raise ValueError("too long")
    return x // 2 == 0 or x is None


def g() -> None:
    raise TypeError("never")  # pragma: no cover
'''


def keys(source: str) -> list[str]:
    return [m.key for m in mutants(source, "m.py")]


def test_each_kind_of_mutant_is_made_once_per_point():
    # Nothing in docstrings, annotations, __all__, __slots__ or the "no cover" line; children
    # before their parent, a block's statements before its condition.
    assert keys(SOURCE) == [
        "m.py:LIMIT:num:+1:1",
        "m.py:NAMES:str:wrap:1",
        "m.py:NAMES:str:drop1:1",
        "m.py:NAMES:str:wrap:2",
        "m.py:NAMES:str:drop1:2",
        "m.py:Box:num:+1:1",
        "m.py:Box.grow:num:+1:1",
        "m.py:Box.grow:Add=->Sub=:1",
        "m.py:Box.grow:del:AugAssign:1",
        "m.py:f:True->False:1",
        "m.py:f:str:wrap:1",
        "m.py:f:str:drop1:1",
        "m.py:f:del:Raise:1",
        "m.py:f:Gt->GtE:1",
        "m.py:f:drop:Not:1",
        "m.py:f:And->Or:1",
        "m.py:f:num:+1:1",
        "m.py:f:FloorDiv->Div:1",
        "m.py:f:num:+1:2",
        "m.py:f:Eq->NotEq:1",
        "m.py:f:Is->IsNot:1",
        "m.py:f:Or->And:1",
    ]


def test_protocol_classes_and_bare_ellipses_make_no_mutants():
    source = """from typing import Protocol
import typing


class Shape(Protocol):
    def area(self, scale: int = 2) -> int:
        ...


class Other(typing.Protocol):
    LIMIT = 3


def stub(x: int = 1) -> None:
    ...
    x += 1
"""
    assert keys(source) == [
        "m.py:stub:num:+1:1",
        "m.py:stub:num:+1:2",
        "m.py:stub:Add=->Sub=:1",
        "m.py:stub:del:AugAssign:1",
    ]


def test_each_mutant_changes_exactly_its_point():
    original = ast.unparse(ast.parse(SOURCE))
    found = mutants(SOURCE, "m.py")
    for index, mutant in enumerate(found):
        mutated = ast.unparse(mutate(SOURCE, "m.py", index))
        assert mutated != original, mutant.key
        assert mutated.count(mutant.after) > original.count(mutant.after) or mutated.count(
            mutant.before
        ) < original.count(mutant.before), mutant.key
        assert len(mutated.splitlines()) == len(original.splitlines()), mutant.key
        compile(mutate(SOURCE, "m.py", index), "m.py", "exec")


def test_keys_of_one_function_do_not_move_when_another_changes():
    edited = SOURCE.replace(
        "def g() -> None:", "def h(y: int) -> int:\n    return y + 1\n\n\ndef g() -> None:"
    )
    before = {k for k in keys(SOURCE) if ":f:" in k}
    after = {k for k in keys(edited) if ":f:" in k}
    assert before == after
    assert "m.py:h:Add->Sub:1" in keys(edited)


def test_the_plan_names_real_modules_and_test_files():
    modules = core_modules()
    assert "core/encoding.py" in modules
    assert "core/handlers/auth.py" in modules
    # A package's __init__ with code (a protocol's table) is a module to mutate; one that
    # only re-exports is not.
    assert "core/platform/__init__.py" in modules
    assert "core/handlers/__init__.py" not in modules
    assert set(FIRST) == set(modules)  # every module's own tests run first
    for module in modules:
        for stage in stages(module):
            assert stage
            assert all(Path(path).is_file() for path in stage), stage
    assert all(Path(path).is_file() for path in BROAD)
    assert stages("core/encoding.py")[0] == ("tests/test_encoding.py", "tests/test_strategies.py")
    assert "tests/test_encoding.py" not in stages("core/encoding.py")[1]


def test_every_listed_equivalent_mutant_exists_and_has_a_reason():
    listed = load_equivalents()
    by_module: dict[str, set[str]] = {}
    for key in listed:
        module = key.split(":", 1)[0]
        if module not in by_module:
            source = (CORE.parent / module).read_text(encoding="utf-8")
            by_module[module] = {m.key for m in mutants(source, module)}
        assert key in by_module[module], f"{key} names no mutant of the current {module}"
    assert all(len(reason) > 10 for reason in listed.values())


def test_an_entry_without_a_reason_is_refused(tmp_path: Path):
    path = tmp_path / "equivalent.txt"
    path.write_text("# comment\n\ncore/x.py:f:num:+1:1\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no reason"):
        load_equivalents(path)
    path.write_text("core/x.py:f:num:+1:1   because\n", encoding="utf-8")
    assert load_equivalents(path) == {"core/x.py:f:num:+1:1": "because"}


def test_a_sample_is_a_seeded_draw_of_distinct_mutants():
    first = draw("core/gateway.py", 496, 25, 0)
    assert first == draw("core/gateway.py", 496, 25, 0)  # the same draw, run after run
    assert len(set(first)) == 25
    assert first == sorted(first)
    assert all(0 <= index < 496 for index in first)
    assert first != draw("core/gateway.py", 496, 25, 1)
    assert first != draw("core/outbox.py", 496, 25, 0)
    assert draw("core/ids.py", 20, 25, 0) == list(range(20))  # fewer than asked: all of them
    assert draw("core/ids.py", 20, None, 0) == list(range(20))


def test_a_sampled_score_is_reported_with_its_margin():
    whole = Score("core/ids.py", total=20, killed=19)
    sampled = Score("core/gateway.py", total=25, killed=20, population=496)
    assert margin(whole) == 0.0
    # 80% of 25: 1.96 * sqrt(0.8 * 0.2 / 25 * 471 / 495) = 15.3 points
    assert round(margin(sampled), 1) == 15.3
    lines = report([whole, sampled]).splitlines()
    assert lines[1].startswith("core/ids.py")
    assert "sample of" not in lines[1]
    assert lines[2].endswith("80.0%     0s  sample of 496, ±15%")


def test_a_packages_init_is_mutated_as_the_package():
    assert _dotted("core/rest/body.py") == "fake_clickatell.core.rest.body"
    assert _dotted("core/one_api/__init__.py") == "fake_clickatell.core.one_api"
