"""Medians, spreads, same-run ratios, targets, and the table that shows them. No I/O.

A *metric* is one quantity measured once per round (``samples``: one value per round). A *row*
compares a metric with a *baseline* metric measured in the same run. When both have one sample
per round, the ratio is taken round by round (each run against the baseline of its own round,
so drift on a shared machine cancels out) and its median and spread are reported; otherwise the
ratio of the medians is reported with worst-case bounds.
"""

from __future__ import annotations

import enum
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Summary:
    """The median of some samples and their spread (smallest and largest)."""

    median: float
    low: float
    high: float
    n: int


def summarize(samples: Sequence[float]) -> Summary:
    """Median, min and max of ``samples`` (``ValueError`` when there are none)."""
    if not samples:
        raise ValueError("no samples")
    return Summary(statistics.median(samples), min(samples), max(samples), len(samples))


def _divide(a: float, b: float) -> float:
    if b == 0:
        return math.inf if a > 0 else (math.nan if a == 0 else -math.inf)
    return a / b


def ratio(metric: Sequence[float], baseline: Sequence[float]) -> Summary:
    """``metric / baseline``: paired by round when the sample counts match."""
    if len(metric) == len(baseline) and metric:
        return summarize([_divide(m, b) for m, b in zip(metric, baseline, strict=True)])
    m, b = summarize(metric), summarize(baseline)
    return Summary(_divide(m.median, b.median), _divide(m.low, b.high), _divide(m.high, b.low), 0)


def difference(minuend: Sequence[float], subtrahend: Sequence[float]) -> list[float]:
    """``minuend - subtrahend`` by round when the counts match, else of the medians."""
    if len(minuend) == len(subtrahend):
        return [a - b for a, b in zip(minuend, subtrahend, strict=True)]
    return [statistics.median(minuend) - statistics.median(subtrahend)]


class Better(enum.Enum):
    """Which direction is an improvement."""

    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True, slots=True)
class Target:
    """A bound the median must meet: on the ratio (``on_ratio``) or on the value itself."""

    bound: float
    better: Better
    on_ratio: bool = True

    def describe(self, unit: str = "") -> str:
        """``≥ 1x``, ``≤ 0.125x``, ``≤ 1,024 B``."""
        sign = "≥" if self.better is Better.HIGHER else "≤"
        if self.on_ratio:
            return f"{sign} {_number(self.bound)}x"
        return f"{sign} {format_value(self.bound, unit)}"

    def verdict(self, value: Summary, ratio_: Summary | None) -> str:
        """``ok`` or ``MISSED by N%``, judged on the median; notes a spread that crosses."""
        observed = ratio_ if self.on_ratio else value
        if observed is None:
            return "n/a"
        meets = self._meets(observed.median)
        if meets:
            crosses = not (self._meets(observed.low) and self._meets(observed.high))
            return "ok (spread crosses)" if crosses else "ok"
        if self.better is Better.HIGHER:
            shortfall = 1 - _divide(observed.median, self.bound)
        else:
            shortfall = _divide(observed.median, self.bound) - 1
        return f"MISSED by {shortfall:.0%}"

    def _meets(self, x: float) -> bool:
        if math.isnan(x):
            return False
        return x >= self.bound if self.better is Better.HIGHER else x <= self.bound


@dataclass
class Metric:
    """One measured quantity: a sample per round, or the reason it was not measured."""

    key: str
    label: str
    unit: str
    samples: list[float] = field(default_factory=list)
    skipped: str | None = None

    def summary(self) -> Summary | None:
        """The summary, or ``None`` when skipped or empty."""
        if self.skipped is not None or not self.samples:
            return None
        return summarize(self.samples)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: a metric, optionally against a baseline, optionally a target."""

    section: str
    metric: str
    baseline: str | None = None
    target: Target | None = None
    label: str | None = None


class Report:
    """Collects metrics and rows; renders the table and a JSON-ready record."""

    def __init__(self) -> None:
        self.metrics: dict[str, Metric] = {}
        self.rows: list[Row] = []
        self.header: list[str] = []
        self.notes: list[str] = []
        self.sections: dict[str, str] = {}

    def metric(self, key: str, label: str, unit: str) -> Metric:
        """The metric ``key``, created on first use."""
        if key not in self.metrics:
            self.metrics[key] = Metric(key, label, unit)
        return self.metrics[key]

    def add(self, key: str, label: str, unit: str, value: float) -> None:
        """Record one round's value of ``key``."""
        self.metric(key, label, unit).samples.append(value)

    def skip(self, key: str, label: str, unit: str, reason: str) -> None:
        """Mark ``key`` as not measured, saying why (the first reason given is kept)."""
        metric = self.metric(key, label, unit)
        if metric.skipped is None:
            metric.skipped = reason

    def section(self, name: str, description: str) -> None:
        """Declare a section (shown as a heading, in declaration order)."""
        self.sections.setdefault(name, description)

    def row(
        self,
        section: str,
        metric: str,
        baseline: str | None = None,
        target: Target | None = None,
        label: str | None = None,
    ) -> None:
        """Add a table row."""
        self.rows.append(Row(section, metric, baseline, target, label))

    def verdicts(self) -> list[tuple[Row, str]]:
        """Every row with a target, and its verdict (``skipped`` when unmeasured)."""
        return [(row, self._cells(row)[0][-1]) for row in self.rows if row.target is not None]

    def _cells(self, row: Row) -> tuple[list[str], str | None]:
        """The row's cells, and why part of it was skipped (``None`` when complete)."""
        metric = self.metrics.get(row.metric)
        baseline = self.metrics.get(row.baseline) if row.baseline else None
        label = row.label or (metric.label if metric else row.metric)
        unit = metric.unit if metric else ""
        target = row.target.describe(unit) if row.target else ""
        against = f"vs {baseline.label if baseline else row.baseline}" if row.baseline else ""
        value = metric.summary() if metric else None
        if value is None:
            reason = _skip_reason(metric, row.metric)
            return [label, "skipped", "", "", against, target, "skipped" if target else ""], reason
        if unit == "B":
            spread = f"[{format_value(value.low, unit)} - {format_value(value.high, unit)}]"
        else:
            spread = f"[{_number(value.low)} - {_number(value.high)}]"
        cells = [label, format_value(value.median, unit), spread, "", against, target, ""]
        reason = None
        ratio_summary: Summary | None = None
        if row.baseline:
            reason = _skip_reason(baseline, row.baseline)
            if baseline is not None and reason is None:
                ratio_summary = ratio(metric.samples if metric else [], baseline.samples)
                cells[3] = (
                    f"{_number(ratio_summary.median)}x "
                    f"[{_number(ratio_summary.low)} - {_number(ratio_summary.high)}]"
                )
            else:
                cells[3] = "skipped"
        if row.target is not None:
            if row.target.on_ratio and ratio_summary is None:
                cells[6] = "skipped"
            else:
                cells[6] = row.target.verdict(value, ratio_summary)
        return cells, reason

    def render(self) -> str:
        """The whole report as text: header, one table per section, notes, footnotes."""
        lines = list(self.header)
        headings = ["measurement", "median", "[min - max]", "ratio [min - max]", "baseline"]
        headings += ["target", "verdict"]
        footnotes: dict[str, int] = {}
        for name, description in self.sections.items():
            rows = []
            for row in self.rows:
                if row.section != name:
                    continue
                cells, reason = self._cells(row)
                if reason is not None:
                    mark = f"skipped [{footnotes.setdefault(reason, len(footnotes) + 1)}]"
                    cells = [mark if cell == "skipped" else cell for cell in cells]
                rows.append(cells)
            if rows:
                lines += ["", f"== {name}: {description}", *_table([headings, *rows])]
        if self.notes:
            lines += ["", "Notes:", *(f"- {note}" for note in self.notes)]
        if footnotes:
            lines += ["", "Skipped:", *(f"[{n}] {reason}" for reason, n in footnotes.items())]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Every metric with its samples, and every row as shown."""
        columns = ["label", "median", "spread", "ratio", "baseline", "target", "verdict"]
        rows = []
        for row in self.rows:
            cells, reason = self._cells(row)
            rows.append({**dict(zip(columns, cells, strict=True)), "section": row.section})
            if reason is not None:
                rows[-1]["skipped"] = reason
        return {
            "header": self.header,
            "notes": self.notes,
            "metrics": {
                key: {"label": m.label, "unit": m.unit, "samples": m.samples, "skipped": m.skipped}
                for key, m in self.metrics.items()
            },
            "rows": rows,
        }


def _skip_reason(metric: Metric | None, key: str | None) -> str | None:
    if metric is None:
        return f"{key} was not measured"
    if metric.skipped is not None:
        return metric.skipped
    if not metric.samples:
        return "no samples"
    return None


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            cell.rjust(width) if 0 < i < 4 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def _number(x: float) -> str:
    """Three significant digits, thousands separated: 0.0123, 1.42, 12.3, 4,135."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    magnitude = abs(x)
    if magnitude >= 100:
        return f"{x:,.0f}"
    if magnitude >= 10:
        return f"{x:.1f}"
    if magnitude >= 1 or magnitude == 0:
        return f"{x:.2f}"
    return f"{x:.3g}"


def format_value(x: float, unit: str) -> str:
    """A value with its unit; bytes are shown in B, KiB or MiB."""
    if unit == "B":
        if abs(x) >= 1024 * 1024:
            return f"{_number(x / 1024 / 1024)} MiB"
        if abs(x) >= 10 * 1024:
            return f"{_number(x / 1024)} KiB"
        return f"{x:,.0f} B"
    return f"{_number(x)} {unit}".rstrip()
