"""The client against the fake, step by step, checked against a small model.

Hypothesis interleaves auth, ping, keep-alive, clock advances, sends, queries, deletes, charges
and balances on one account. The model knows only the rules (reference Part A §5, §9, §12, §16):

* a session dies after 900 s idle; every command that uses it renews it; the client opens one
  on first use and again after ``ERR: 003`` (so the journal's auth count is predictable);
* a message costs 1 credit per part while credit lasts, else ``301``; an invalid number is
  ``105`` and costs nothing;
* a message is at 003 when accepted, 004 five seconds later; held by ``deliv_time`` it is at
  011 until due; ``delmsg`` stops only a held message (006) and refunds it;
* unknown ids: querymsg answers status 001, getmsgcharge and delmsg ``103``.

After every step, the fake's journal must show exactly the auths the model expects, and every
body the client received must parse into the reply the fake meant to send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import assume, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
)

from fake_clickatell import strategies as cst
from fake_clickatell.client import Charge, ParameterError, Rejected, SendOptions, Sent, Status
from fake_clickatell.client.flows import parse_body

from .client_support import Fake, examples, expected_parts, open_mode
from .support import T0

SESSION_TTL = 900
KEEP_ALIVE_AFTER = 600  # 900 s ttl - the client's default 300 s margin
START_BALANCE = 30


@dataclass
class ModelMessage:
    accepted_at: float
    release_at: float | None
    charge: Decimal
    cancelled_at: float | None = None

    def status(self, now: float) -> int:
        if self.cancelled_at is not None:
            return 6
        if self.release_at is not None and now < self.release_at:
            return 11
        start = self.release_at if self.release_at is not None else self.accepted_at
        return 4 if now >= start + 5 else 3


# Up to three parts in either coding: the text strategies draw about half their texts at a
# part boundary (160 or 306 septets, 70 or 134 units), so runs send long texts as well as
# short ones and charge them by parts.
_TEXTS = st.one_of(
    cst.gsm7_texts(max_size=320).map(lambda text: (text, False)),
    cst.unicode_texts(max_size=140).map(lambda text: (text, True)),
)
_RECIPIENTS = st.lists(
    st.one_of(
        cst.msisdns().map(lambda n: (n, True)), cst.invalid_msisdns().map(lambda n: (n, False))
    ),
    min_size=1,
    max_size=4,
)
# Whole and half seconds only: T0 plus any sum of them is exact in binary floating point, so
# the model's clock and the fake's never differ by a rounding.
_SECONDS = st.sampled_from([0.5, 1, 4, 5, 60, 300, 600, 900, 1800])


class ClientAgainstFake(RuleBasedStateMachine):
    sent = Bundle("sent")

    def __init__(self) -> None:
        super().__init__()
        self.fake = Fake(open_mode(START_BALANCE))
        self.client = self.fake.client()
        self.now = T0
        self.balance = Decimal(START_BALANCE)
        self.session_used: float | None = None
        self.sessions: set[str] = set()
        self.auths = 0
        self.messages: dict[str, ModelMessage] = {}
        self.parsed = 0  # outcomes checked so far

    def teardown(self) -> None:
        self.fake.close()

    def use_session(self) -> None:
        """A command in the session: the client authenticates first if it has no session or
        the fake let it expire (then it retries after ``003``)."""
        if self.session_used is None or self.now - self.session_used > SESSION_TTL:
            self.auths += 1
        self.session_used = self.now

    # -- sessions and time -------------------------------------------------------------------

    def _advance(self, seconds: float) -> None:
        self.fake.advance(seconds)
        self.now += seconds

    def marks(self) -> list[float]:
        """Instants at which the model says something changes: a keep-alive falls due, the
        session expires, a held message is released, a message is delivered."""
        marks = []
        if self.session_used is not None:
            marks += [self.session_used + KEEP_ALIVE_AFTER, self.session_used + SESSION_TTL]
        for message in self.messages.values():
            start = message.release_at if message.release_at is not None else message.accepted_at
            marks += [start, start + 5]
        return sorted(mark for mark in marks if mark > self.now)

    @rule(seconds=_SECONDS, stepwise=st.booleans())
    def advance(self, seconds: float, stepwise: bool) -> None:
        """One jump, or (``stepwise``) stopping half a second before and exactly at every mark
        on the way to compare the fake with the model there: off-by-ones live at boundaries."""
        end = self.now + seconds
        if stepwise:
            stops = sorted({at for mark in self.marks() for at in (mark - 0.5, mark)})
            for stop in (at for at in stops if self.now < at < end):
                self._advance(stop - self.now)
                self.the_fake_holds_the_modelled_messages_and_credit()
                self.the_keep_alive_is_due_when_the_model_says()
        self._advance(end - self.now)

    @precondition(lambda self: bool(self.marks()))
    @rule(offset=st.sampled_from([-0.5, 0.0, 0.5]))
    def advance_to_the_next_mark(self, offset: float) -> None:
        """Half a second before, exactly at, or half a second after the next mark."""
        seconds = self.marks()[0] + offset - self.now
        if seconds > 0:
            self._advance(seconds)

    @rule()
    def auth(self) -> None:
        session = self.client.auth()
        assert re.fullmatch("[0-9a-f]{32}", session)
        assert session not in self.sessions
        self.sessions.add(session)
        self.auths += 1
        self.session_used = self.now

    @rule()
    def ping(self) -> None:
        self.client.ping()
        self.use_session()

    @rule()
    def keep_alive(self) -> None:
        due = self.session_used is not None and self.now - self.session_used >= KEEP_ALIVE_AFTER
        assert self.client.keep_alive() is due
        if due:
            self.use_session()

    @rule()
    def restart_client(self) -> None:
        """A new client knows no session, even if the fake still holds the old one."""
        self.client = self.fake.client()
        self.session_used = None

    # -- messages ----------------------------------------------------------------------------

    @rule(
        target=sent,
        recipients=_RECIPIENTS,
        text=_TEXTS,
        deliv_time=st.sampled_from([None, None, 1, 30]),
    )
    def send(
        self, recipients: list[tuple[str, bool]], text: tuple[str, bool], deliv_time: int | None
    ) -> object:
        body, ucs2 = text
        options: SendOptions = {} if deliv_time is None else {"deliv_time": deliv_time}
        results = self.client.send([n for n, _ in recipients], body, **options)
        self.use_session()
        parts = expected_parts(body, ucs2)
        event(f"send: {'ucs2' if ucs2 else 'gsm7'} {'one part' if parts == 1 else 'multi-part'}")
        accepted = []
        assert len(results) == len(recipients)
        for result, (number, valid) in zip(results, recipients, strict=True):
            assert result.to == number
            if not valid:
                assert result == Rejected(105, "Invalid destination address", number)
            elif parts > self.balance:
                assert result == Rejected(301, "No credit left", number)
            else:
                assert isinstance(result, Sent)
                assert result.apimsgid not in self.messages
                self.balance -= parts
                release = None if deliv_time is None else self.now + deliv_time * 60
                self.messages[result.apimsgid] = ModelMessage(self.now, release, Decimal(parts))
                accepted.append(result.apimsgid)
        return multiple(*accepted)

    @rule(apimsgid=sent)
    def query(self, apimsgid: str) -> None:
        status = self.client.query(apimsgid)
        self.use_session()
        assert status == Status(apimsgid, self.messages[apimsgid].status(self.now))

    @rule(apimsgid=sent)
    def delete(self, apimsgid: str) -> None:
        status = self.client.delete(apimsgid)
        self.use_session()
        message = self.messages[apimsgid]
        if message.status(self.now) == 11:
            message.cancelled_at = self.now
            self.balance += message.charge
            message.charge = Decimal(0)
        assert status == Status(apimsgid, message.status(self.now))

    @rule(apimsgid=sent)
    def charge(self, apimsgid: str) -> None:
        charge = self.client.charge(apimsgid)
        self.use_session()
        message = self.messages[apimsgid]
        assert charge == Charge(apimsgid, message.charge, message.status(self.now))

    @rule()
    def balance_matches(self) -> None:
        balance = self.client.balance()
        self.use_session()
        assert balance == self.balance

    @precondition(lambda self: self.session_used is not None)
    @rule(apimsgid=st.from_regex("[0-9a-f]{32}", fullmatch=True))
    def unknown_message(self, apimsgid: str) -> None:
        assume(apimsgid not in self.messages)
        assert self.client.query(apimsgid) == Status(apimsgid, 1)
        self.use_session()
        for command in (self.client.delete, self.client.charge):
            with pytest.raises(ParameterError) as info:
                command(apimsgid)
            assert info.value.code == 103

    # -- what must hold after every step ----------------------------------------------------

    @invariant()
    def the_fake_saw_the_expected_auths(self) -> None:
        assert self.fake.commands().count("auth") == self.auths

    @invariant()
    def the_fake_holds_the_modelled_messages_and_credit(self) -> None:
        held = {
            m["apimsgid"]: (int(m["status"]), Decimal(m["charge"])) for m in self.fake.messages()
        }
        now = self.now
        assert held == {k: (m.status(now), m.charge) for k, m in self.messages.items()}
        if self.auths:  # in open mode the account appears with its first auth
            assert self.fake.balance() == self.balance

    @invariant()
    def the_keep_alive_is_due_when_the_model_says(self) -> None:
        due_in = self.client.seconds_until_keep_alive()
        if self.session_used is None:
            assert due_in is None
        else:
            assert due_in == max(0.0, self.session_used + KEEP_ALIVE_AFTER - self.now)

    @invariant()
    def the_client_parsed_what_the_fake_meant(self) -> None:
        outcomes = self.fake.gateway.outcomes
        assert self.fake.received() == [outcome.body for outcome in outcomes]
        for outcome in outcomes[self.parsed :]:
            assert parse_body(outcome.body) == outcome.reply
        self.parsed = len(outcomes)


ClientAgainstFake.TestCase.settings = settings(examples(0.4), stateful_step_count=30)
TestClientAgainstFake = ClientAgainstFake.TestCase
