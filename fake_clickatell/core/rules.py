"""Scenario rules at run time: which rule fires for a request, with counters and switches.

Rules are tried in order; the first one that fires wins and the rest are not consulted. A rule
*matches* a request when every static condition holds (command, API, method, path, account,
recipient, parameter patterns, clock window); it *fires* when, in addition, its count condition
(``call``, ``first``, ``every``, ``after``, counted over its matches), its probability and its
``times`` budget allow.
A quota rule fires only for the requests over its quota. Disabled rules are skipped entirely.

Evaluation is cheap by construction: rules are indexed by command, so a request only looks at
the rules that name its command (or name none).
"""

from __future__ import annotations

import fnmatch
import math
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .accounts import AccountKey
from .commands import Params
from .scenario_model import NumberPattern, PatternKind, Rule, RuleAction, RuleCondition


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What rules can look at in a request."""

    command: str
    params: Params
    account: AccountKey | None
    recipients: Sequence[str]
    now: float
    #: The API it came to, by which method, on which path.
    api: str = "http"
    method: str = "GET"
    path: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """A rule fired: its action, and for quotas the time the limit lifts."""

    rule: str
    action: RuleAction
    #: For ``recipient_error``: the recipients the rule's recipient condition picks (None: all).
    recipients: frozenset[str] | None = None
    quota_until: int | None = None
    #: Why it fired, for the user: which of its matches this was, what it counts.
    why: str = ""


class _RuleState:
    """One rule and its live counters."""

    __slots__ = (
        "checks",
        "enabled",
        "fired",
        "index",
        "matched",
        "needs",
        "rule",
        "window_count",
        "window_start",
    )

    def __init__(self, index: int, rule: Rule) -> None:
        self.index = index
        self.rule = rule
        # Only the conditions the rule states are checked: a rule costs what it asks for.
        self.checks = _compile(rule.when)
        #: Parameters a request must carry for the rule to match at all. (A recipient condition
        #: reads the recipients each API finds, wherever they are: a One API send has no
        #: ``to`` parameter, only messages that each name one.)
        self.needs = frozenset(name for name, _ in rule.when.params)
        self.enabled = True
        self.matched = 0
        self.fired = 0
        self.window_start = -math.inf
        self.window_count = 0

    def counted_in(self) -> bool:
        """Whether this match (already counted) satisfies the count condition."""
        when, n = self.rule.when, self.matched
        if when.call is not None:
            return n == when.call
        if when.first is not None:
            return n <= when.first
        if when.every is not None:
            return n % when.every == 0
        if when.after is not None:
            return n > when.after
        return True

    def why_fired(self) -> str:
        """How the count condition and probability let this match fire (for reasons)."""
        when, n = self.rule.when, self.matched
        if when.call is not None:
            counted = f"match {n} (call: {when.call})"
        elif when.first is not None:
            counted = f"match {n} of its first {when.first}"
        elif when.every is not None:
            counted = f"match {n} (every: {when.every})"
        elif when.after is not None:
            counted = f"match {n}, after {when.after}"
        else:
            counted = f"match {n}"
        if when.probability is not None:
            counted += f", drawn with probability {when.probability:g}"
        return counted

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "name": self.rule.name,
            "enabled": self.enabled,
            "matched": self.matched,
            "fired": self.fired,
            "times": self.rule.times,
        }


Check = Callable[[RequestFacts], bool]


def _compile(when: RuleCondition) -> tuple[Check, ...]:
    """The static conditions of ``when`` as a tuple of predicates (command is indexed apart)."""
    checks: list[Check] = []
    apis, methods, path = when.apis, when.methods, when.path
    if apis is not None:
        checks.append(lambda f: f.api in apis)
    if methods is not None:
        checks.append(lambda f: f.method in methods)
    if path is not None:
        path_match = re.compile(fnmatch.translate(path), re.DOTALL).match
        checks.append(lambda f: path_match(f.path) is not None)
    api_id, user = when.api_id, when.user
    if api_id is not None:
        checks.append(lambda f: f.account is not None and f.account[0] == api_id)
    if user is not None:
        checks.append(lambda f: f.account is not None and f.account[1] == user)
    start, until = when.clock_from, when.clock_until
    if start is not None:
        checks.append(lambda f: f.now >= start)
    if until is not None:
        checks.append(lambda f: f.now < until)
    for name, pattern in when.params:
        checks.append(_param_check(name, pattern))
    if when.recipient is not None:
        checks.append(_recipient_check(when.recipient))
    return tuple(checks)


def _param_check(name: str, pattern: str) -> Check:
    match = re.compile(fnmatch.translate(pattern), re.DOTALL).match

    def check(facts: RequestFacts) -> bool:
        value = facts.params.get(name)
        return value is not None and match(value) is not None

    return check


def _recipient_check(pattern: NumberPattern) -> Check:
    value = pattern.value
    if pattern.kind is PatternKind.PREFIX:
        return lambda f: any(n.startswith(value) for n in f.recipients)
    if pattern.kind is PatternKind.NUMBER:
        return lambda f: value in f.recipients
    match = re.compile(fnmatch.translate(value), re.DOTALL).match
    return lambda f: any(match(n) is not None for n in f.recipients)


@dataclass(frozen=True, slots=True)
class _Plan:
    """The rules that can apply to requests of one command with one set of parameter names.

    ``plain`` must each be checked; ``by_number`` holds the rules whose recipient condition is a
    number or a prefix, keyed by it, so that only those a recipient starts with are checked.
    """

    plain: tuple[_RuleState, ...]
    by_number: Mapping[str, tuple[_RuleState, ...]]
    lengths: tuple[int, ...]

    def candidates(self, recipients: Sequence[str]) -> Sequence[_RuleState]:
        if not self.by_number:
            return self.plain
        hits = {
            state
            for number in recipients
            for length in self.lengths
            for state in self.by_number.get(number[:length], ())
        }
        if not hits:
            return self.plain
        return sorted((*self.plain, *hits), key=lambda state: state.index)  # rule order


#: Distinct (command, parameter names) plans kept; past it, plans are built per request.
_PLAN_CACHE_LIMIT = 1024


class RuleBook:
    """The rules of a scenario with their counters; ``evaluate`` picks the one that fires.

    Evaluation stays cheap with many rules: a request only looks at the rules that name its
    command (or none), whose parameter conditions name parameters it has, and whose number or
    prefix condition one of its recipients starts with. The survivors are checked in full, in
    rule order.
    """

    __slots__ = ("_plans", "_random", "_seed", "_states")

    def __init__(self, rules: Sequence[Rule], seed: int | str | None) -> None:
        self._seed = seed
        self._random: random.Random | None = None
        self._states = [_RuleState(index, rule) for index, rule in enumerate(rules)]
        self._plans: dict[tuple[str, frozenset[str]], _Plan] = {}

    def __len__(self) -> int:
        return len(self._states)

    @property
    def random(self) -> random.Random:
        """The seeded stream for probabilities and generated garbage (made on first use:
        seeding costs more than a whole reset otherwise does)."""
        if self._random is None:
            self._random = random.Random(self._seed)
        return self._random

    def _plan(self, command: str, names: frozenset[str]) -> _Plan:
        plan = self._plans.get((command, names))
        if plan is not None:
            return plan
        plain: list[_RuleState] = []
        by_number: dict[str, list[_RuleState]] = {}
        for state in self._states:
            when = state.rule.when
            if when.commands is not None and command not in when.commands:
                continue
            if not state.needs <= names:
                continue
            recipient = when.recipient
            if recipient is not None and recipient.kind is not PatternKind.GLOB:
                by_number.setdefault(recipient.value, []).append(state)
            else:
                plain.append(state)
        plan = _Plan(
            tuple(plain),
            {key: tuple(states) for key, states in by_number.items()},
            tuple(sorted({len(key) for key in by_number})),
        )
        if len(self._plans) < _PLAN_CACHE_LIMIT:
            self._plans[(command, names)] = plan
        return plan

    def evaluate(self, facts: RequestFacts) -> Decision | None:
        """The decision of the first rule that fires for ``facts``, if any."""
        plan = self._plan(facts.command, facts.params.names())
        for state in plan.candidates(facts.recipients):
            if not state.enabled:
                continue
            for check in state.checks:
                if not check(facts):
                    break
            else:
                state.matched += 1
                decision = self._consider(state, facts)
                if decision is not None:
                    return decision
        return None

    def _consider(self, state: _RuleState, facts: RequestFacts) -> Decision | None:
        """A matching rule: count it, and return its decision if it fires."""
        rule = state.rule
        if rule.times is not None and state.fired >= rule.times:
            return None
        quota = rule.then.quota
        if quota is not None:
            if facts.now >= state.window_start + quota.window:
                state.window_start, state.window_count = facts.now, 0
            state.window_count += 1
            if state.window_count <= quota.calls:
                return None
            state.fired += 1
            until = math.ceil(state.window_start + quota.window)
            why = (
                f"call {state.window_count} in its window, over its quota of {quota.calls}"
                f" per {quota.window:g} s"
            )
            return Decision(rule.name, rule.then, quota_until=until, why=why)
        if not state.counted_in():
            return None
        probability = rule.when.probability
        if probability is not None and self.random.random() >= probability:
            return None
        state.fired += 1
        picked = None
        if rule.when.recipient is not None:
            pattern = rule.when.recipient
            picked = frozenset(n for n in facts.recipients if pattern.matches(n))
        return Decision(rule.name, rule.then, recipients=picked, why=state.why_fired())

    def set_enabled(self, key: str, enabled: bool) -> bool:
        """Switch the rule named ``key`` (or at index ``key``) on or off; False if none."""
        state = self._find(key)
        if state is None:
            return False
        state.enabled = enabled
        return True

    def _find(self, key: str) -> _RuleState | None:
        for state in self._states:
            if state.rule.name == key:
                return state
        if key.isascii() and key.isdigit() and len(key) <= 6 and int(key) < len(self._states):
            return self._states[int(key)]
        return None

    def to_json(self) -> dict[str, Any]:
        """Every rule with its counters, and the names of those that never fired."""
        return {
            "rules": [state.to_json() for state in self._states],
            "never_fired": [state.rule.name for state in self._states if state.fired == 0],
        }
