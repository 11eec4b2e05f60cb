"""The rule index prunes, never decides: it fires exactly the rule a plain loop would."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from fake_clickatell.core.commands import Params
from fake_clickatell.core.rules import RequestFacts, RuleBook
from fake_clickatell.core.scenario_model import (
    NumberPattern,
    PatternKind,
    Rule,
    RuleAction,
    RuleCondition,
)

COMMANDS = ["sendmsg", "querymsg", "getbalance"]
NUMBERS = ["27999000001", "27999000002", "27888000001", "447700900001"]
PARAMS = ["from", "climsgid", "queue"]
VALUES = ["ACME", "ACME Corp", "x", ""]

patterns = st.one_of(
    st.builds(NumberPattern, st.just(PatternKind.NUMBER), st.sampled_from(NUMBERS)),
    st.builds(
        NumberPattern,
        st.just(PatternKind.PREFIX),
        st.sampled_from(["27", "2799", "44", "2788800", "3"]),
    ),
    st.builds(
        NumberPattern, st.just(PatternKind.GLOB), st.sampled_from(["27*", "*1", "44?7*", "*"])
    ),
)
counts = st.sampled_from([{}, {"first": 2}, {"every": 2}, {"call": 3}, {"after": 1}])
conditions = st.builds(
    lambda commands, recipient, params, count: RuleCondition(
        commands=commands, recipient=recipient, params=params, **count
    ),
    st.one_of(st.none(), st.frozensets(st.sampled_from(COMMANDS), min_size=1)),
    st.one_of(st.none(), patterns),
    st.lists(
        st.tuples(st.sampled_from(PARAMS), st.sampled_from(["ACME*", "x", "", "*"])),
        max_size=2,
        unique_by=lambda p: p[0],
    ).map(tuple),
    counts,
)
rules = st.lists(
    st.builds(
        lambda when, times: (when, times), conditions, st.one_of(st.none(), st.integers(1, 3))
    ),
    max_size=12,
).map(
    lambda items: [
        Rule(f"r{i}", when, RuleAction(error=901), times) for i, (when, times) in enumerate(items)
    ]
)
requests = st.lists(
    st.tuples(
        st.sampled_from(COMMANDS),
        st.lists(st.sampled_from(NUMBERS), max_size=3),
        st.dictionaries(st.sampled_from(PARAMS), st.sampled_from(VALUES), max_size=3),
    ),
    min_size=1,
    max_size=15,
)


@dataclass
class Plain:
    """The rules' meaning, written as directly as possible (no index, no compiled checks)."""

    rules: list[Rule]
    matched: dict[str, int] = field(default_factory=dict)
    fired: dict[str, int] = field(default_factory=dict)

    def evaluate(self, command: str, recipients: list[str], params: dict[str, str]) -> str | None:
        for rule in self.rules:
            when = rule.when
            if when.commands is not None and command not in when.commands:
                continue
            if any(
                name not in params or not fnmatch.fnmatchcase(params[name], glob)
                for name, glob in when.params
            ):
                continue
            if when.recipient is not None and not any(
                when.recipient.matches(n) for n in recipients
            ):
                continue
            n = self.matched[rule.name] = self.matched.get(rule.name, 0) + 1
            if rule.times is not None and self.fired.get(rule.name, 0) >= rule.times:
                continue
            counted = (
                (when.call is None or n == when.call)
                and (when.first is None or n <= when.first)
                and (when.every is None or n % when.every == 0)
                and (when.after is None or n > when.after)
            )
            if counted:
                self.fired[rule.name] = self.fired.get(rule.name, 0) + 1
                return rule.name
        return None


@settings(max_examples=300, deadline=None)
@given(rules=rules, requests=requests)
def test_the_index_fires_what_a_plain_loop_fires(rules, requests):
    book = RuleBook(rules, 0)
    plain = Plain(rules)
    for command, recipients, params in requests:
        if recipients:  # as on the wire: the recipients are the "to" parameter
            params = {**params, "to": ",".join(recipients)}
        facts = RequestFacts(command, Params(params.items()), None, recipients, 0.0)
        decision = book.evaluate(facts)
        assert (decision.rule if decision else None) == plain.evaluate(command, recipients, params)
    counters = {r["name"]: (r["matched"], r["fired"]) for r in book.to_json()["rules"]}
    assert counters == {
        rule.name: (plain.matched.get(rule.name, 0), plain.fired.get(rule.name, 0))
        for rule in rules
    }
