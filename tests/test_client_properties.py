"""Properties of the client and the fake together, driven by Hypothesis.

The bulk runs in-process (``httpx.WSGITransport``); the main send property repeats, with fewer
examples, over a real socket and with the async client. Every example builds its own fake.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from fake_clickatell import strategies as cst
from fake_clickatell.client import (
    ERROR_FAMILIES,
    APIError,
    AsyncClickatellClient,
    Charge,
    ParameterError,
    Rejected,
    RouteCoverage,
    SendOptions,
    SendResult,
    Sent,
)
from fake_clickatell.client.flows import parse_body
from fake_clickatell.client.http import Method
from fake_clickatell.core.endpoints import PATHS
from fake_clickatell.core.scenario_model import Route, Scenario

from .client_support import (
    BASE_URL,
    Fake,
    RecordingTransport,
    examples,
    expected_parts,
    fake,
    open_mode,
)
from .support import T0, frozen
from .test_robustness import NAMES

STATUS_AT_GATEWAY, STATUS_ROUTING_ERROR, STATUS_DEFERRED = 3, 9, 11
METHODS: tuple[Method, ...] = ("GET", "POST")


@dataclass(frozen=True)
class SendCase:
    """One generated send: what goes in, and what the fake must make of it."""

    text: str
    needs_ucs2: bool  # drawn from unicode_texts(), not gsm7_texts()
    unicode: bool | None  # what the caller forces, if anything
    recipients: tuple[tuple[str, bool], ...]  # (entry, valid)
    options: SendOptions
    balance: int
    method: Method

    @property
    def kwargs(self) -> dict[str, Any]:
        extra = {} if self.unicode is None else {"unicode": self.unicode}
        return {**self.options, **extra}

    @property
    def to(self) -> list[str]:
        return [entry for entry, _ in self.recipients]

    @property
    def coding(self) -> str:
        ucs2 = self.needs_ucs2 if self.unicode is None else self.unicode
        return "ucs2" if ucs2 else "gsm7"

    @property
    def parts(self) -> int:
        return expected_parts(self.text, unicode=self.coding == "ucs2")

    def first_status(self) -> int:
        options = self.options
        scheduled = options.get("scheduled_time")
        if scheduled is not None:
            at = scheduled if isinstance(scheduled, int) else scheduled.timestamp()
            deferred = at > T0
        else:
            deferred = bool(options.get("deliv_time"))
        if deferred:
            return STATUS_DEFERRED
        capped = self.capped
        return STATUS_ROUTING_ERROR if capped else STATUS_AT_GATEWAY

    @property
    def capped(self) -> bool:
        cap = self.options.get("max_credits")
        return cap is not None and self.parts > cap

    def expected(self) -> list[tuple[int | None, Decimal]]:
        """Per recipient, in order: (error code or None, charge). Charge = 1 per part, taken
        while the balance lasts; over max_credits a message is accepted at no charge."""
        balance = Decimal(self.balance)
        outcome: list[tuple[int | None, Decimal]] = []
        for _, valid in self.recipients:
            if not valid:
                outcome.append((105, Decimal(0)))
            elif self.capped:
                outcome.append((None, Decimal(0)))
            elif self.parts > balance:
                outcome.append((301, Decimal(0)))
            else:
                balance -= self.parts
                outcome.append((None, Decimal(self.parts)))
        return outcome


@st.composite
def send_cases(draw: st.DrawFn, max_recipients: int = 8) -> SendCase:
    needs_ucs2 = draw(st.booleans())
    text = draw(cst.unicode_texts(max_size=250) if needs_ucs2 else cst.gsm7_texts(max_size=500))
    recipient = st.one_of(
        cst.msisdns().map(lambda n: (n, True)), cst.invalid_msisdns().map(lambda n: (n, False))
    )
    return SendCase(
        text=text,
        needs_ucs2=needs_ucs2,
        unicode=draw(st.sampled_from([None, None, True, False])),
        recipients=tuple(draw(st.lists(recipient, min_size=1, max_size=max_recipients))),
        options=draw(cst.sendmsg_options(now=T0)),
        balance=draw(st.integers(0, 40)),
        method=draw(st.sampled_from(METHODS)),
    )


def check_send(
    case: SendCase,
    results: tuple[SendResult, ...],
    charges: dict[str, Charge],
    messages: list[dict[str, Any]],
    before: Decimal,
    after: Decimal,
) -> None:
    """Everything a send must satisfy, from the client's results and the fake's admin view."""
    # Shown by --hypothesis-show-statistics: the share of sends that needed several parts.
    event(f"{case.coding}: {'one part' if case.parts == 1 else 'multi-part'}")
    assert before == case.balance
    expected = case.expected()
    # Results align with the recipients, in order.
    assert [result.to for result in results] == case.to
    assert [getattr(result, "code", None) for result in results] == [c for c, _ in expected]
    for result in results:
        if isinstance(result, Rejected):
            texts = {105: "Invalid destination address", 301: "No credit left"}
            assert result.description == texts[result.code]
    sent = [result for result in results if isinstance(result, Sent)]
    assert len({result.apimsgid for result in sent}) == len(sent)
    # The fake stored exactly the text, with the parts computed independently here.
    assert [m["apimsgid"] for m in messages] == [result.apimsgid for result in sent]
    for message, result in zip(messages, sent, strict=True):
        assert message["to"] == result.to
        assert message["text"] == case.text
        assert message["coding"] == case.coding
        assert message["parts"] == case.parts
    # Charges as modelled, and the balance fell by exactly their sum.
    modelled = [charge for code, charge in expected if code is None]
    assert [charges[result.apimsgid].charge for result in sent] == modelled
    assert {charge.status for charge in charges.values()} <= {case.first_status()}
    assert before - after == sum(modelled, Decimal(0))


def run_send(case: SendCase, *, socket: bool = False) -> None:
    with fake(open_mode(case.balance), socket=socket) as f:
        client = f.client(case.method)
        before = client.balance()
        results = client.send(case.to, case.text, **case.kwargs)
        charges = {r.apimsgid: client.charge(r.apimsgid) for r in results if isinstance(r, Sent)}
        check_send(case, results, charges, f.messages(), before, client.balance())


@given(send_cases())
def test_a_send_stores_the_text_charges_by_parts_and_aligns_results(case: SendCase):
    run_send(case)


@examples(0.2)
@given(send_cases())
def test_a_send_over_a_real_socket(case: SendCase):
    run_send(case, socket=True)


async def send_async(
    client: AsyncClickatellClient, case: SendCase
) -> tuple[Decimal, tuple[SendResult, ...], dict[str, Charge], Decimal]:
    async with client:
        before = await client.balance()
        results = await client.send(case.to, case.text, **case.kwargs)
        charges = {
            r.apimsgid: await client.charge(r.apimsgid) for r in results if isinstance(r, Sent)
        }
        return before, results, charges, await client.balance()


@examples(0.2)
@given(send_cases())
def test_a_send_with_the_async_client(case: SendCase):
    with fake(open_mode(case.balance), socket=True) as f:
        before, results, charges, after = asyncio.run(send_async(f.async_client(case.method), case))
        check_send(case, results, charges, f.messages(), before, after)


@examples(0.1)
@given(st.lists(send_cases(max_recipients=3), min_size=2, max_size=6))
def test_concurrent_async_sends_charge_exactly_what_they_report(cases: list[SendCase]):
    """Sends racing on one account through separate sessions: every accepted message is
    charged once, and credit is never oversold."""

    async def race(f: Fake) -> tuple[list[tuple[Any, ...]], Decimal]:
        clients = [f.async_client(case.method) for case in cases]
        runs = await asyncio.gather(
            *(send_async(c, case) for c, case in zip(clients, cases, strict=True))
        )
        async with f.async_client() as client:
            return runs, await client.balance()

    with fake(open_mode(20), socket=True) as f:
        runs, final = asyncio.run(race(f))
        charged = sum((c.charge for _, _, charges, _ in runs for c in charges.values()), Decimal(0))
        assert final == 20 - charged >= 0
        messages = f.messages()
        assert len(messages) == sum(len(charges) for _, _, charges, _ in runs)
        by_id = {m["apimsgid"]: m for m in messages}
        for case, (_, results, _, _) in zip(cases, runs, strict=True):
            for result in results:
                if isinstance(result, Sent):
                    assert by_id[result.apimsgid]["text"] == case.text
                else:
                    assert result.code in (105, 301)


@examples(0.5)  # test_strategies.py checks the codes on the core with more examples
@given(
    case=cst.invalid_sendmsg_options(now=T0),
    text=cst.texts(),
    to=st.lists(cst.msisdns(), min_size=1, max_size=3),
)
def test_an_invalid_option_refuses_the_whole_send_and_costs_nothing(
    case: tuple[SendOptions, int], text: str, to: list[str]
):
    options, code = case
    with fake() as f:
        client = f.client()
        with pytest.raises(APIError) as info:
            client.send(to, text, **options)
        assert type(info.value) is ERROR_FAMILIES[code]
        assert info.value.code == code
        assert f.messages() == []
        assert client.balance() == 100


@examples(0.25)  # one narrow rule
@given(needs_ucs2=st.booleans(), data=st.data())
def test_a_text_longer_than_concat_allows_is_refused_with_113(
    needs_ucs2: bool, data: st.DataObject
):
    # 71 characters take at least 71 UCS-2 units, 161 at least 161 septets: two parts or more.
    text = data.draw(
        cst.unicode_texts(min_size=71, max_size=400)
        if needs_ucs2
        else cst.gsm7_texts(min_size=161, max_size=800)
    )
    parts = expected_parts(text, unicode=needs_ucs2)
    assert parts >= 2
    concat = data.draw(st.integers(1, parts - 1))
    with fake() as f:
        with pytest.raises(ParameterError) as info:
            f.client().send("27999000001", text, concat=concat)
        assert info.value.code == 113
        assert f.messages() == []


# -- routeCoverage ---------------------------------------------------------------------------

_PREFIXES = st.text("0123456789", min_size=1, max_size=3).filter(lambda p: p[0] != "0")


@examples(0.5)  # a narrow rule, checked on up to four numbers per example
@given(
    routes=st.dictionaries(_PREFIXES, st.decimals(min_value=0, max_value=5, places=2), max_size=4),
    data=st.data(),
)
def test_coverage_tells_what_a_send_will_cost(routes: dict[str, Decimal], data: st.DataObject):
    """A number is covered exactly when a one-part message to it is routed, at the charge
    coverage named: the longest matching prefix's (every number at 1 with no routes)."""
    near = st.sampled_from(sorted(routes)) if routes else st.just("27")
    routed_like = st.builds("{}{}".format, near, st.text("0123456789", min_size=6, max_size=10))
    numbers = data.draw(st.lists(st.one_of(cst.msisdns(), routed_like), min_size=1, max_size=4))
    scenario = Scenario(routes=tuple(Route(prefix, charge) for prefix, charge in routes.items()))
    with fake(frozen(scenario)) as f:
        client = f.client()
        for number in numbers:
            matching = [prefix for prefix in routes if number.startswith(prefix)]
            expected = Decimal(1) if not routes else None
            if matching:
                expected = routes[max(matching, key=len)]
            assert client.coverage(number) == RouteCoverage(number, expected)
            (result,) = client.send(number, "hi")
            if expected is None:
                assert result == Rejected(114, "Cannot route message", number)
            else:
                assert isinstance(result, Sent)
                assert client.charge(result.apimsgid).charge == expected


# -- batches ---------------------------------------------------------------------------------


@examples(0.5)  # the send property above runs the same checks with every example
@given(send_cases())
def test_a_quick_send_is_a_send_of_the_template(case: SendCase):
    """quicksend must do to the template what sendmsg does to a text: the same stored text,
    coding, parts, per-recipient results and charges (one check for both)."""
    with fake(open_mode(case.balance)) as f:
        client = f.client(case.method)
        before = client.balance()
        batch = client.start_batch(case.text, **case.kwargs)
        assert batch.unicode == (case.coding == "ucs2")
        results = client.quick_send(batch, case.to)
        charges = {r.apimsgid: client.charge(r.apimsgid) for r in results if isinstance(r, Sent)}
        check_send(case, results, charges, f.messages(), before, client.balance())


#: Names the API reads as senditem's own parameters (some in any case): never fields.
_NOT_FIELD_NAMES = {"session_id", "api_id", "user", "password", "batch_id", "to"}
_NOT_FIELD_NAMES_ANY_CASE = {"climsgid", "apimsgid", "callback", "msg_callback"}
_FIELD_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True).filter(
    lambda name: name not in _NOT_FIELD_NAMES | _NOT_FIELD_NAMES_ANY_CASE
)
# Anything a str can carry but "#". Where a value holds "#", substitution has no one meaning
# (the reference defines none), so it is left out here.
_FIELD_VALUES = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="#"), max_size=40
)
_LITERALS = st.one_of(
    cst.gsm7_texts(min_size=0, max_size=40),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
).map(lambda text: text.replace("#", ""))


@dataclass(frozen=True)
class BatchCase:
    """A template of literal pieces and placeholders, and items that fill them in."""

    pieces: tuple[str | tuple[str], ...]  # a literal, or (name,) for "#name#"
    items: tuple[tuple[str, bool, dict[str, str]], ...]  # (to, valid, fields)
    method: Method

    @property
    def template(self) -> str:
        # A space on both sides of every placeholder: no "#" of one placeholder can pair with
        # another's to spell a third, so filling them in has one meaning.
        return "".join(
            piece if isinstance(piece, str) else f" #{piece[0]}# " for piece in self.pieces
        )

    def text(self, fields: dict[str, str]) -> str:
        """The template with every placeholder whose field is given filled in, written out
        apart from the fake (which replaces field by field)."""
        return "".join(
            piece
            if isinstance(piece, str)
            else f" {fields[piece[0]]} "
            if piece[0] in fields
            else f" #{piece[0]}# "
            for piece in self.pieces
        )


@st.composite
def batch_cases(draw: st.DrawFn) -> BatchCase:
    names = draw(st.lists(_FIELD_NAMES, min_size=1, max_size=4, unique=True))
    pieces = draw(
        st.lists(st.one_of(_LITERALS, st.sampled_from(names).map(lambda n: (n,))), max_size=8)
    )
    if not any(pieces):
        pieces.append(draw(cst.gsm7_texts(max_size=20)).replace("#", "") or "x")
    recipient = st.one_of(
        cst.msisdns().map(lambda n: (n, True)), cst.invalid_msisdns().map(lambda n: (n, False))
    )
    # Fields the template may or may not hold (then they change nothing), in drawn order.
    fields = st.dictionaries(st.sampled_from([*names, "extra"]), _FIELD_VALUES, max_size=5)
    items = draw(
        st.lists(st.tuples(recipient, fields).map(lambda t: (*t[0], t[1])), min_size=1, max_size=4)
    )
    return BatchCase(tuple(pieces), tuple(items), draw(st.sampled_from(METHODS)))


@given(batch_cases())
def test_each_item_stores_the_template_with_its_fields_filled_in(case: BatchCase):
    with fake(open_mode(1000)) as f:
        client = f.client(case.method)
        # A template that is not GSM-7 is sent as text all the same: UCS-2 would fill in nothing.
        batch = client.start_batch(case.template, unicode=False)
        results = [client.send_item(batch, to, **fields) for to, _, fields in case.items]
        assert [result.to for result in results] == [to for to, _, _ in case.items]
        expected = [(case.text(fields), to) for to, valid, fields in case.items if valid]
        for result, (_, valid, _) in zip(results, case.items, strict=True):
            assert isinstance(result, Sent) == valid
            if not valid:
                assert result == Rejected(105, "Invalid destination address", result.to)
        messages = f.messages()
        assert [(m["text"], m["to"]) for m in messages] == expected
        assert [m["apimsgid"] for m in messages] == [
            r.apimsgid for r in results if isinstance(r, Sent)
        ]
        parts = [expected_parts(text, unicode=False) for text, _ in expected]
        assert [(m["coding"], m["parts"]) for m in messages] == [("gsm7", n) for n in parts]
        assert f.balance() == 1000 - sum(parts)


# -- the client parses exactly what the fake meant -------------------------------------------

_PATHS = [f"/{prefix}/{segment}" for prefix, table in PATHS.items() for segment in table]
_PATHS.append("/http/bogus")
_PARAM_NAMES = st.sampled_from(NAMES)
_PARAM_VALUES = st.one_of(
    st.text(max_size=12),
    cst.msisdns(),
    st.integers(-5, 20_000).map(str),
    st.sampled_from(["1", "0", "UTF-8", "03A9", "0504158a0000", "SMS_FLASH", "1800000000"]),
)


@given(
    requests=st.lists(
        st.tuples(
            st.sampled_from(_PATHS),
            st.dictionaries(_PARAM_NAMES, _PARAM_VALUES, max_size=6),
            st.booleans(),
            st.sampled_from(["GET", "POST"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_the_client_parses_every_body_into_the_reply_the_fake_meant(
    requests: list[tuple[str, dict[str, str], bool, str]],
):
    with fake() as f:
        transport = RecordingTransport(httpx.WSGITransport(app=f.app))
        with httpx.Client(base_url=BASE_URL, transport=transport) as http:
            session = http.get("/http/auth", params={"api_id": "1", "user": "u", "password": "p"})
            for path, params, with_session, method in requests:
                if with_session:
                    params = {"session_id": session.text[4:], **params}
                if method == "GET":
                    http.get(path, params=params)
                else:
                    http.post(path, data=params)
        outcomes = f.gateway.outcomes
        assert transport.bodies == [outcome.body for outcome in outcomes]
        for body, outcome in zip(transport.bodies, outcomes, strict=True):
            assert parse_body(body) == outcome.reply
