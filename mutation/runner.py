"""Runs the tests against mutants, each in a forked child of one warm parent.

The parent imports pytest, Hypothesis and the web stack once and never imports the package
under test. Each child installs an import hook that serves the mutated module in place of the
file on disk, then runs pytest in-process: nothing is written to the work tree, the mutant
costs no interpreter start-up, and two mutants never see each other. The children run
Hypothesis under the ``mutation`` profile (tests/conftest.py): derandomized, no example
database, so a score is reproducible and no mutant's failure is replayed by a later test run.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import CodeType, ModuleType

#: Imported by the parent so that no child pays for them (each is optional).
WARM_IMPORTS = (
    "pytest",
    "hypothesis",
    "flask",
    "werkzeug",
    "httpx",
    "yaml",
    "httptools",
    "anyio.pytest_plugin",
    "pytest_httpserver",
    "_hypothesis_pytestplugin",
)


def warm_up() -> None:
    """Import the heavy third-party modules once, before the first fork."""
    for name in WARM_IMPORTS:
        with contextlib.suppress(ImportError):  # an optional speed-up only
            importlib.import_module(name)


class _MutantLoader(importlib.abc.Loader):
    def __init__(self, code: CodeType, filename: str) -> None:
        self.code = code
        self.filename = filename
        self.ran = False

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        self.ran = True  # even if the mutant then fails to import: that is a kill
        module.__file__ = self.filename
        exec(self.code, module.__dict__)


class _MutantFinder(importlib.abc.MetaPathFinder):
    """Finds ``name`` as the mutated code; leaves every other import to the usual finders."""

    def __init__(self, name: str, code: CodeType, filename: str) -> None:
        self.name = name
        self.loader = _MutantLoader(code, filename)
        self.filename = filename

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        package = os.path.basename(self.filename) == "__init__.py"
        spec = importlib.util.spec_from_loader(
            fullname, self.loader, origin=self.filename, is_package=package
        )
        if spec is not None and package:  # its submodules are found beside it, as usual
            spec.submodule_search_locations = [os.path.dirname(self.filename)]
        return spec


#: A child's exit code when the tests imported the module from somewhere else than the hook
#: (the mutant was never run: the tool is broken, not the tests).
NOT_APPLIED = 97


@dataclass(frozen=True, slots=True)
class Job:
    """One pytest run: the tests to run, and the mutated module to run them against."""

    tests: tuple[str, ...]
    module: str | None = None  # dotted name; None runs the unmutated package
    code: CodeType | None = None
    filename: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    """How a job ended: pytest's exit code, or None when it ran out of time."""

    exit_code: int | None
    seconds: float

    @property
    def passed(self) -> bool:
        """True when every selected test passed (the mutant, if any, survived)."""
        return self.exit_code == 0


def _child(job: Job, pytest_args: Sequence[str]) -> None:  # pragma: no cover - runs forked
    os.setpgid(0, 0)  # its own group, so a timeout kills whatever the tests started too
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.environ["HYPOTHESIS_PROFILE"] = "mutation"
    code = 3
    try:
        finder = None
        if job.module is not None and job.code is not None:
            finder = _MutantFinder(job.module, job.code, job.filename)
            sys.meta_path.insert(0, finder)
        import pytest

        code = int(pytest.main([*pytest_args, *job.tests]))
        if finder is not None:
            loaded = sys.modules.get(finder.name)
            if not finder.loader.ran or (
                loaded is not None and not isinstance(loaded.__loader__, _MutantLoader)
            ):
                code = NOT_APPLIED  # never imported, or imported past the hook
    finally:
        os._exit(code)


def run(
    jobs: Sequence[Job],
    *,
    pytest_args: Sequence[str],
    workers: int,
    timeout: float,
) -> list[Result]:
    """Run ``jobs`` at most ``workers`` at a time; a job still running after ``timeout``
    seconds is killed (a mutant that loops forever counts as caught)."""
    results: list[Result | None] = [None] * len(jobs)
    running: dict[int, tuple[int, float]] = {}  # pid -> (job index, start)
    try:
        _loop(jobs, results, running, pytest_args=pytest_args, workers=workers, timeout=timeout)
    finally:  # interrupted (Ctrl-C) or failed: leave no child running
        for pid in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return [result for result in results if result is not None]


def _loop(
    jobs: Sequence[Job],
    results: list[Result | None],
    running: dict[int, tuple[int, float]],
    *,
    pytest_args: Sequence[str],
    workers: int,
    timeout: float,
) -> None:
    pending = list(range(len(jobs)))
    pending.reverse()
    while pending or running:
        while pending and len(running) < workers:
            index = pending.pop()
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child never returns
                _child(jobs[index], pytest_args)
            with contextlib.suppress(OSError):  # the child does the same: whoever runs first
                os.setpgid(pid, pid)
            running[pid] = (index, time.monotonic())
        pid, status = os.waitpid(-1, os.WNOHANG)
        now = time.monotonic()
        if pid:
            index, start = running.pop(pid)
            code = os.waitstatus_to_exitcode(status)
            if code == NOT_APPLIED:
                raise RuntimeError(
                    f"{jobs[index].module}: the tests never ran the mutant (not imported, or "
                    "imported past the mutant's hook)"
                )
            results[index] = Result(code, now - start)
            continue
        for pid, (index, start) in list(running.items()):
            if now - start > timeout:
                with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                    os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                del running[pid]
                results[index] = Result(None, now - start)
        time.sleep(0.01)  # polling children: the tool's own loop, not a test
