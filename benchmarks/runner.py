"""``python -m benchmarks``: run every suite, print the table, save the samples as JSON."""

from __future__ import annotations

import argparse
import compileall
import datetime
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from . import (
    breakdown,
    coldstart,
    fixtures,
    framing,
    gcpause,
    inbox,
    intercept,
    memory,
    profile,
    rules,
    throughput,
)
from .config import Config
from .machine import describe_machine, load_average, plan_pinning
from .stats import Report
from .targets import ROOT, find_wiremock
from .wrk import WRK_MISSING, find_wrk

#: Suites in the order they run; ``breakdown`` reads ``throughput``'s socket numbers.
SUITES: dict[str, Callable[[Report, Config], None]] = {
    "throughput": throughput.run,
    "breakdown": breakdown.run,
    "framing": framing.run,
    "gc": gcpause.run,
    "coldstart": coldstart.run,
    "fixtures": fixtures.run,
    "intercept": intercept.run,
    "rules": rules.run,
    "inbox": inbox.run,
    "memory": memory.run,
    "profile": profile.run,
}
RESULTS = ROOT / "benchmarks" / "results"


def _load() -> str:
    average = load_average()
    return "unknown" if average is None else " / ".join(f"{x:.2f}" for x in average)


def header(config: Config, suites: Sequence[str]) -> list[str]:
    """What the report says about the machine and the run before any number."""
    jar, why_not = find_wiremock()
    lines = [
        f"fake-clickatell benchmarks, {datetime.datetime.now().isoformat(timespec='seconds')}",
        describe_machine(),
        config.pinning.describe(),
        f"load generator: {config.wrk or WRK_MISSING}",
        f"WireMock: {jar or why_not}",
        f"load average (1/5/15 min) at start: {_load()}",
        f"suites: {', '.join(suites)}; {config.rounds} rounds"
        f", {config.duration:g} s per load run, {config.connections} connections",
        "every ratio is against a baseline measured in this run (paired by round where both"
        " have one sample per round); spread = [min - max] over rounds",
    ]
    if "throughput" in suites:
        lines.append("legend: " + throughput.LEGEND)
    return lines


def compile_package() -> str:
    """Write the package's bytecode caches, as installing it does: every process started here
    then imports it as a user's would, even under ``PYTHONDONTWRITEBYTECODE``."""
    ok = compileall.compile_dir(ROOT / "fake_clickatell", quiet=2, force=False)
    return "bytecode of fake_clickatell compiled" + ("" if ok else " (with errors)")


def run(config: Config, suites: Sequence[str], results_dir: Path | None = None) -> Report:
    """Run ``suites`` and return the report (nothing printed)."""
    report = Report()
    report.header = header(config, suites)
    report.header.append(compile_package())
    for name in suites:
        if name == "profile":
            profile.run(report, config, results_dir)
        else:
            SUITES[name](report, config)
    report.header.append(f"load average (1/5/15 min) at end: {_load()}")
    return report


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m benchmarks``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run fake-clickatell's benchmarks and print medians, spreads and ratios.",
    )
    defaults = Config()
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument(
        "--duration", type=float, default=defaults.duration, help="seconds per wrk run"
    )
    parser.add_argument("--connections", type=int, default=defaults.connections)
    parser.add_argument(
        "--warmup", type=float, default=defaults.warmup, help="WireMock's JIT warm-up, seconds"
    )
    parser.add_argument("--messages", type=int, default=defaults.messages)
    parser.add_argument(
        "--only",
        default=",".join(SUITES),
        help=f"comma-separated suites (default: all of {', '.join(SUITES)})",
    )
    parser.add_argument("--quick", action="store_true", help="short runs: checks the harness")
    parser.add_argument("--no-wrk", action="store_true", help="act as if wrk were missing")
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="directory for the JSON record (default: benchmarks/results)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    suites = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in suites if name not in SUITES]
    if unknown:
        print(f"unknown suites: {', '.join(unknown)}; known: {', '.join(SUITES)}")
        return 2
    suites = [name for name in SUITES if name in suites]  # breakdown after throughput
    base = Config.quick() if args.quick else Config()
    overrides = {
        key: getattr(args, key)
        for key in ("rounds", "duration", "connections", "warmup", "messages")
        if getattr(args, key) != getattr(Config(), key)
    }
    config = replace(
        base,
        **overrides,
        wrk=None if args.no_wrk else find_wrk(),
        pinning=plan_pinning(),
    )
    started = time.monotonic()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    report = run(config, suites, args.results)
    report.header.append(f"wall time: {time.monotonic() - started:.0f} s")
    text = report.render()
    print(text)
    args.results.mkdir(parents=True, exist_ok=True)
    record = args.results / f"run-{stamp}.json"
    record.write_text(json.dumps({**report.to_json(), "table": text}, indent=1))
    print(f"\nsamples saved to {record}")
    return 0
