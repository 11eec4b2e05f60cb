"""``python -m mutation [MODULE ...]``: mutation scores of the core, per module.

MODULE is a path inside fake_clickatell/ (``core/encoding.py``) or a module's bare name
(``encoding``); none means every module of ``fake_clickatell/core``. For each module the tool
runs the module's own tests first and the in-process suite only on what survives
(mutation/plan.py), then prints one table row per module and every surviving mutant.
Mutants known to change nothing observable are listed, one key and reason a line, in
mutation/equivalent.txt: they are left out of the score and of the survivors, and a listed
mutant that the tests kill after all is reported so the list stays honest.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .operators import Mutant, mutants, mutate
from .plan import CORE, PYTEST_ARGS, core_modules, stages
from .runner import Job, run, warm_up

EQUIVALENT = Path(__file__).with_name("equivalent.txt")


def load_equivalents(path: Path = EQUIVALENT) -> dict[str, str]:
    """Key -> reason, from a file of ``key  reason`` lines (``#`` starts a comment line)."""
    listed: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{path}:{number}: {key} has no reason")
        listed[key] = reason.strip()
    return listed


@dataclass
class Score:
    """What became of one module's mutants."""

    module: str
    total: int = 0
    killed: int = 0
    timeouts: int = 0
    equivalent: int = 0
    survivors: list[Mutant] = field(default_factory=list)
    #: Keys listed as equivalent that the tests kill, or that name no mutant any more.
    stale: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: How many mutants the module has when only a sample of them (``total``) was run.
    population: int | None = None

    @property
    def score(self) -> float:
        """Killed over the mutants that are not known equivalents."""
        real = self.total - self.equivalent
        return 100.0 if real == 0 else 100.0 * self.killed / real


def _resolve(name: str, known: list[str]) -> str:
    if name in known:
        return name
    matches = [m for m in known if Path(m).stem == name or m == f"core/{name}"]
    if len(matches) != 1:
        raise SystemExit(f"unknown or ambiguous module {name!r}; one of: {', '.join(known)}")
    return matches[0]


def _dotted(module: str) -> str:
    """``core/rest/body.py`` -> ``fake_clickatell.core.rest.body``; a package's
    ``__init__.py`` is the package itself."""
    dotted = module.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    return "fake_clickatell." + dotted


def draw(module: str, count: int, sample: int | None, seed: int) -> list[int]:
    """The indexes of the mutants to run: all ``count``, or ``sample`` of them drawn at random,
    the same for the same module and seed."""
    every = list(range(count))
    if sample is None or count <= sample:
        return every
    return sorted(random.Random(f"{seed}:{module}").sample(every, sample))


def score_module(
    module: str,
    equivalents: dict[str, str],
    *,
    workers: int,
    log: bool,
    first_only: bool = False,
    sample: int | None = None,
    seed: int = 0,
) -> Score:
    """Run every mutant of ``module`` through its stages (``first_only``: stage 1 alone); the
    unmutated tests of each stage must pass first. With ``sample``, only that many mutants
    drawn at random (seeded: the same draw each run) when the module has more."""
    started = time.monotonic()
    path = CORE.parent / module
    source = path.read_text(encoding="utf-8")
    found = mutants(source, module)
    alive = draw(module, len(found), sample, seed)
    score = Score(module, total=len(alive))
    if len(alive) < len(found):
        score.population = len(found)
    planned = stages(module)
    alive_at_start = list(alive)
    for number, tests in enumerate(planned[:1] if first_only else planned, 1):
        if not alive:
            break
        (baseline,) = run([Job(tests)], pytest_args=PYTEST_ARGS, workers=1, timeout=600)
        if not baseline.passed:
            raise SystemExit(f"{module}: the unmutated tests fail (stage {number}: {tests})")
        timeout = 3 * baseline.seconds + 10
        jobs = [
            Job(tests, _dotted(module), compile(mutate(source, module, i), path, "exec"), str(path))
            for i in alive
        ]
        if log:
            print(f"  {module}: stage {number}: {len(jobs)} mutants", flush=True)
        results = run(jobs, pytest_args=PYTEST_ARGS, workers=workers, timeout=timeout)
        survivors = []
        for index, result in zip(alive, results, strict=True):
            if result.passed:
                survivors.append(index)
            else:
                score.killed += 1
                score.timeouts += result.exit_code is None
        alive = survivors
    drawn = set(range(len(found))) if score.population is None else set(alive_at_start)
    keys = {found[index].key for index in drawn}
    for index, mutant in enumerate(found):
        if index not in alive:
            continue
        if mutant.key in equivalents:
            score.equivalent += 1
        else:
            score.survivors.append(mutant)
    survived = {found[index].key for index in alive}
    every = {mutant.key for mutant in found}
    score.stale = [
        key
        for key in equivalents
        if key.startswith(f"{module}:")
        and (key not in every or (key in keys and key not in survived))
    ]
    score.seconds = time.monotonic() - started
    return score


def margin(score: Score) -> float:
    """The 95% margin of a sampled score, in points (normal approximation, finite population)."""
    real = score.total - score.equivalent
    if score.population is None or real <= 0:
        return 0.0
    p = score.killed / real
    shrink = (score.population - score.total) / max(score.population - 1, 1)
    return 100.0 * 1.96 * math.sqrt(p * (1 - p) / real * shrink)


def report(scores: list[Score]) -> str:
    """The table, the survivors and the stale entries of the equivalent list."""
    lines = [
        f"{'module':32} {'mutants':>7} {'killed':>6} {'equiv':>5} {'survived':>8} "
        f"{'score':>7} {'time':>6}"
    ]
    for s in scores:
        lines.append(
            f"{s.module:32} {s.total:7} {s.killed:6} {s.equivalent:5} {len(s.survivors):8} "
            f"{s.score:6.1f}% {s.seconds:5.0f}s"
            + ("" if s.population is None else f"  sample of {s.population}, ±{margin(s):.0f}%")
        )
    total = sum(s.total for s in scores)
    killed = sum(s.killed for s in scores)
    equivalent = sum(s.equivalent for s in scores)
    real = total - equivalent
    overall = 100.0 if real == 0 else 100.0 * killed / real
    lines.append(
        f"{'all':32} {total:7} {killed:6} {equivalent:5} {real - killed:8} {overall:6.1f}%"
    )
    survivors = [m for s in scores for m in s.survivors]
    lines.append("")
    lines.append(f"surviving mutants: {len(survivors)}")
    lines.extend(f"  {m.describe()}" for m in survivors)
    stale = [key for s in scores for key in s.stale]
    if stale:
        lines.append("")
        lines.append("mutation/equivalent.txt entries to remove (killed, or no such mutant):")
        lines.extend(f"  {key}" for key in stale)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mutation", description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="core/encoding.py or encoding; default: all")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument(
        "--first-stage",
        action="store_true",
        help="each module's own tests only: quicker, a lower score (survivors may die later)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        metavar="N",
        help="at most N mutants per module, drawn at random (seeded): an estimate, with its margin",
    )
    parser.add_argument("--seed", type=int, default=0, help="the draw of --sample (default 0)")
    args = parser.parse_args(argv)
    known = core_modules()
    modules = [_resolve(name, known) for name in args.modules] or known
    equivalents = load_equivalents()
    if args.list:
        for module in modules:
            source = (CORE.parent / module).read_text(encoding="utf-8")
            for mutant in mutants(source, module):
                print(mutant.describe())
        return 0
    warm_up()
    scores = []
    for module in modules:
        score = score_module(
            module,
            equivalents,
            workers=args.workers,
            log=True,
            first_only=args.first_stage,
            sample=args.sample,
            seed=args.seed,
        )
        scores.append(score)
        for mutant in score.survivors:  # as they come: a whole run takes a while
            print(f"  survived: {mutant.describe()}", flush=True)
    print()
    print(report(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
