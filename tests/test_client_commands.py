"""The reference client's batch, coverage, voucher and push commands, by example.

Requests are checked as the client builds them and as the fake's journal saw them; replies
as the bytes the fake sent (``Fake.received``) and the values the client made of them. The
properties are in test_client_properties.py.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest

from fake_clickatell import load_scenario_text
from fake_clickatell.client import (
    AsyncClickatellClient,
    Batch,
    ClickatellClient,
    CreditError,
    MmsPushFields,
    ParameterError,
    ParseError,
    Rejected,
    RouteCoverage,
    Sent,
    Status,
    WapPushFields,
)
from fake_clickatell.client.params import (
    BatchOptions,
    Call,
    ind_push_params,
    senditem_params,
    si_push_params,
    startbatch_params,
)

from .client_support import BASE_URL, CREDENTIALS, Fake, fake, open_mode
from .support import frozen
from .test_client import EVERY_OPTION, EVERY_OPTION_ON_THE_WIRE

ID = "e74dee1bbed22ee3a39f9aeab606ccf9"
HEX_ID = re.compile(r"[0-9a-f]{32}")
COVERED = "OK: This prefix is currently supported. Messages sent to this prefix will be routed."
NO_ROUTE = (
    "ERR: This prefix is not currently supported. Messages sent to this prefix will fail. "
    "Please contact support for assistance."
)
INVALID_BATCH = "ERR: 201, Invalid batch ID"
ROUTES = frozen(
    load_scenario_text(
        "routes: [{prefix: '27', charge: 0.8}, {prefix: '2782', charge: 1.1}, "
        "{prefix: '44', charge: 1}]",
        "routes.yaml",
    )
)
VOUCHERS = frozen(
    load_scenario_text(
        "accounts: [{api_id: '3442105', user: demo, password: secret, balance: 10}]\n"
        "vouchers: [{token: '1234567890123456', credit: 50}, {token: '6543210987654321', "
        "credit: 2.5}]",
        "vouchers.yaml",
    )
)
MMS: MmsPushFields = {
    "sender": "27831234567",
    "mms_subject": "Your photo",
    "mms_class": "informational",
    "mms_expire": 3600,
    "mms_from": "Studio",
    "mms_url": "http://mms.example.com/m/1",
}
WAP: WapPushFields = {"si_id": "42", "si_url": "https://example.com/offer?a=1&b=2"}


def scripted(*bodies: str) -> ClickatellClient:
    """A client whose transport answers every auth, and ``bodies`` in turn to the rest."""
    answers = list(bodies)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/http/auth":
            return httpx.Response(200, text=f"OK: {ID}")
        assert answers, f"an unscripted request: {request.url}"
        return httpx.Response(200, text=answers.pop(0))

    return ClickatellClient(BASE_URL, transport=httpx.MockTransport(handler), **CREDENTIALS)


def journal(f: Fake) -> list[dict[str, Any]]:
    """The fake's request journal (params as it read them, the body it answered)."""
    entries: list[dict[str, Any]] = f.admin("requests")["requests"]
    return entries


# -- building requests -----------------------------------------------------------------------


def batch_params(template: str, **options: Any) -> dict[str, str]:
    given: BatchOptions = options  # type: ignore[assignment]
    return dict(startbatch_params(template, given))


def test_a_template_goes_out_like_a_text_and_concat_defaults_to_the_most_allowed():
    # An item's length is known only once its fields are filled in: 35 caps nothing.
    assert batch_params("Hi #field1#") == {
        "template": "Hi #field1#",
        "charset": "UTF-8",
        "concat": "35",
    }
    assert batch_params("Привет #name#") == {
        "template": "041F0440043804320435044200200023006E0061006D00650023",
        "unicode": "1",
        "concat": "35",
    }
    assert batch_params("Привет", unicode=False, concat=2) == {
        "template": "Привет",
        "charset": "UTF-8",
        "concat": "2",
    }


def test_batch_options_go_out_as_sendmsg_options_do():
    params = batch_params("x", **EVERY_OPTION)
    assert params == {
        "template": "x",
        "charset": "UTF-8",
        "concat": "35",
        **EVERY_OPTION_ON_THE_WIRE,
    }
    assert list(params)[3:] == list(EVERY_OPTION_ON_THE_WIRE)


def test_item_parameters_batch_recipient_climsgid_then_fields_in_order():
    params = senditem_params(Batch(ID, unicode=False), "27999000001", "c-1", {"b": "2", "a": "1"})
    assert params == (
        ("batch_id", ID),
        ("to", "27999000001"),
        ("climsgid", "c-1"),
        ("b", "2"),
        ("a", "1"),
    )
    assert senditem_params(ID, "1234567", None, {}) == (("batch_id", ID), ("to", "1234567"))


def test_push_parameters():
    assert ind_push_params(("27999000001", "27999000002"), MMS) == (
        ("to", "27999000001,27999000002"),
        ("from", "27831234567"),
        ("mms_subject", "Your photo"),
        ("mms_class", "82"),
        ("mms_expire", "3600"),
        ("mms_from", "Studio"),
        ("mms_url", "http://mms.example.com/m/1"),
    )
    created = datetime(2027, 1, 15, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    full: WapPushFields = {
        **WAP,
        "si_text": "An offer",
        "si_created": created,
        "si_expires": created + timedelta(days=1),
        "si_action": "signal-high",
    }
    assert si_push_params(("27999000001",), full) == (
        ("to", "27999000001"),
        ("si_id", "42"),
        ("si_url", "https://example.com/offer?a=1&b=2"),
        ("si_text", "An offer"),
        ("si_created", "2027-01-15T08:00:00Z"),
        ("si_expires", "2027-01-16T08:00:00Z"),
        ("si_action", "signal-high"),
    )


UNICODE_BATCH = Batch(ID, unicode=True)
GSM7_BATCH = Batch(ID, unicode=False)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda c: c.start_batch("x", udh=b"\x00"), TypeError, "udh"),
        (lambda c: c.start_batch("bad \ud800"), ValueError, "surrogate"),
        (lambda c: c.send_item(UNICODE_BATCH, "27999000001", name="Joe"), ValueError, "unicode"),
        (lambda c: c.send_item(GSM7_BATCH, "27999000001", to="x"), ValueError, "parameter"),
        (lambda c: c.send_item(GSM7_BATCH, "1234567", batch_id="x"), ValueError, "parameter"),
        (lambda c: c.send_item(GSM7_BATCH, "1234567", Climsgid="x"), ValueError, "parameter"),
        (lambda c: c.send_item(GSM7_BATCH, "1234567", msg_callback="x"), ValueError, "parameter"),
        (lambda c: c.send_item(GSM7_BATCH, "1234567", **{"a#b": "x"}), ValueError, "'#'"),
        (lambda c: c.send_item(GSM7_BATCH, "1234567", **{"": "x"}), ValueError, "empty"),
        (lambda c: c.send_item(GSM7_BATCH, "1234567", n=1), TypeError, "field n"),
        (lambda c: c.send_item(GSM7_BATCH, "1,2"), ValueError, "comma"),
        (lambda c: c.send_item(GSM7_BATCH, ["1234567"]), TypeError, "one recipient"),
        (lambda c: c.quick_send(GSM7_BATCH, ["1234567", ""]), ValueError, "empty"),
        (lambda c: c.mms_push("1234567", **{**MMS, "mms_class": "80"}), ValueError, "mms_class"),
        (lambda c: c.mms_push("1234567", **{**MMS, "colour": "red"}), TypeError, "colour"),
        (
            lambda c: c.mms_push("1234567", **{k: v for k, v in MMS.items() if k != "mms_url"}),
            TypeError,
            "needs mms_url",
        ),
        (lambda c: c.wap_push("1234567", si_id="1"), TypeError, "needs si_url"),
        (
            lambda c: c.wap_push("1234567", **WAP, si_created=datetime(2027, 1, 1)),
            ValueError,
            "timezone",
        ),
    ],
)
def test_misuse_is_refused_before_anything_is_sent(
    call: Callable[[Any], object], error: type[Exception], match: str
):
    client = scripted()  # any request would exhaust its (empty) script
    with client, pytest.raises(error, match=match):
        call(client)


def test_the_voucher_never_shows_in_a_calls_repr():
    call = Call("/http/token_pay", (("session_id", ID), ("token", "1234567890123456")))
    assert "1234567890123456" not in repr(call)
    assert "('token', '***')" in repr(call)


# -- routeCoverage ---------------------------------------------------------------------------


def test_coverage_from_the_scenarios_routes():
    with fake(ROUTES) as f:
        client = f.client("GET")
        assert client.coverage("27999000001") == RouteCoverage("27999000001", Decimal("0.8"))
        assert client.coverage("27821234567") == RouteCoverage("27821234567", Decimal("1.1"))
        assert client.coverage("447700900001") == RouteCoverage("447700900001", Decimal(1))
        unrouted = client.coverage("15551234567")
        assert unrouted == RouteCoverage("15551234567", None)
        assert not unrouted.supported
        assert client.coverage("27999000001").supported
        assert f.received()[1:] == [
            f"{COVERED} Charge: 0.8",
            f"{COVERED} Charge: 1.1",
            f"{COVERED} Charge: 1",
            NO_ROUTE,
            f"{COVERED} Charge: 0.8",
        ]
        entry = journal(f)[1]
        assert (entry["path"], entry["params"]["msisdn"]) == ("/utils/routeCoverage", "27999000001")
        assert f.commands() == ["auth", *["routeCoverage"] * 5]


def test_coverage_without_routes_is_the_default_charge_and_a_malformed_number_raises():
    with fake() as f:
        client = f.client()
        assert client.coverage("27999000001") == RouteCoverage("27999000001", Decimal(1))
        for number in ("+27999000001", "abc", "12"):
            with pytest.raises(ParameterError) as info:
                client.coverage(number)
            assert (info.value.code, info.value.description) == (105, "Invalid destination address")
        with pytest.raises(ParameterError) as info:
            client.coverage("")
        assert info.value.code == 101


@pytest.mark.parametrize(
    "body",
    [
        "ERR: This prefix is not supported.",  # another sentence: not the documented answer
        "OK: This prefix is currently supported.",
        "Credit: 1.00",
    ],
)
def test_coverage_replies_outside_the_two_answers_are_parse_errors(body: str):
    with scripted(body) as client, pytest.raises(ParseError) as info:
        client.coverage("27999000001")
    assert info.value.body == body


# -- token_pay -------------------------------------------------------------------------------


def test_a_voucher_adds_its_credit_once():
    with fake(VOUCHERS) as f:
        client = f.client()
        client.token_pay("1234567890123456")
        assert client.balance() == Decimal(60)
        with pytest.raises(ParameterError) as info:
            client.token_pay("1234567890123456")  # spent
        assert info.value.code == 101
        with pytest.raises(ParameterError):
            client.token_pay("1111111111111111")  # unknown
        client.token_pay("6543210987654321")
        assert client.balance() == Decimal("62.50")
        assert f.received()[1:] == [
            "OK: 605",
            "Credit: 60.00",
            "ERR: 101, Invalid or missing parameters",
            "ERR: 101, Invalid or missing parameters",
            "OK: 605",
            "Credit: 62.50",
        ]
        entry = journal(f)[1]
        # the journal masks vouchers like passwords
        assert (entry["path"], entry["params"]["token"]) == ("/http/token_pay", "********")


def test_token_pay_takes_any_ok_and_nothing_else():
    # Clients of the real API tested only for "OK" (what 605 means was never documented).
    with scripted("OK: 605", "OK: 42") as client:
        client.token_pay("1234567890123456")
        client.token_pay("1234567890123456")
    with scripted("ID: 1") as client, pytest.raises(ParseError):
        client.token_pay("1234567890123456")


# -- batches ---------------------------------------------------------------------------------


def test_a_batch_from_start_to_end():
    with fake(open_mode(20)) as f:
        client = f.client()
        batch = client.start_batch("Hi #name#, your code is #code# {ok}", sender="ACME")
        assert batch == Batch(batch.batch_id, unicode=False)
        assert HEX_ID.fullmatch(batch.batch_id)
        item = client.send_item(batch, "27999000001", name="Zoë & Łukasz", code="4+2=6%")
        assert isinstance(item, Sent)
        assert item.to == "27999000001"
        results = client.quick_send(batch, ["27999000002", "123", "27999000003"])
        assert [type(r) for r in results] == [Sent, Rejected, Sent]
        assert results[1] == Rejected(105, "Invalid destination address", "123")
        client.end_batch(batch)
        second, third = (r for r in results if isinstance(r, Sent))
        assert f.received()[1:] == [
            f"ID: {batch.batch_id}",
            f"ID: {item.apimsgid}",
            f"ID: {second.apimsgid} To: 27999000002\n"
            "ERR: 105, Invalid destination address To: 123\n"
            f"ID: {third.apimsgid} To: 27999000003",
            "OK",
        ]
        messages = f.messages()
        assert [m["text"] for m in messages] == [
            "Hi Zoë & Łukasz, your code is 4+2=6% {ok}",
            "Hi #name#, your code is #code# {ok}",
            "Hi #name#, your code is #code# {ok}",
        ]
        assert {m["from"] for m in messages} == {"ACME"}
        assert {m["options"]["concat"] for m in messages} == {35}
        assert [m["to"] for m in messages] == ["27999000001", "27999000002", "27999000003"]
        assert f.balance() == Decimal(17)
        assert f.commands() == ["auth", "startbatch", "senditem", "quicksend", "endbatch"]
        with pytest.raises(ParameterError) as info:
            client.send_item(batch, "27999000001")
        assert (info.value.code, info.value.description) == (201, "Invalid batch ID")
        for call in (
            lambda: client.quick_send(batch, "27999000001"),
            lambda: client.end_batch(batch),
        ):
            with pytest.raises(ParameterError) as info:
                call()
            assert info.value.code == 201
        assert f.received()[-3:] == [INVALID_BATCH] * 3


def test_an_item_by_climsgid_and_a_batch_by_its_bare_id():
    with fake() as f:
        client = f.client()
        batch_id = client.start_batch("Order #n# shipped").batch_id
        item = client.send_item(batch_id, "27999000001", climsgid="order-7", n="7")
        assert isinstance(item, Sent)
        assert client.query(climsgid="order-7") == Status(item.apimsgid, 3)
        assert f.messages()[0]["text"] == "Order 7 shipped"
        assert client.quick_send(batch_id, "27999000002") == (
            Sent(f.messages()[1]["apimsgid"], "27999000002"),
        )
        # quicksend answers per destination even for one: "ID: x To: n", never a bare "ID: x".
        assert f.received()[-1] == f"ID: {f.messages()[1]['apimsgid']} To: 27999000002"
        client.end_batch(batch_id)


def test_a_batch_expires_after_24_hours_of_virtual_time():
    with fake() as f:
        client = f.client()
        batch = client.start_batch("x")
        f.advance(24 * 3600 - 1)
        assert isinstance(client.send_item(batch, "27999000001"), Sent)
        f.advance(1)
        with pytest.raises(ParameterError) as info:
            client.send_item(batch, "27999000001")
        assert info.value.code == 201
        # The session had idled out meanwhile: the client renewed it and the item went out.
        assert f.commands() == [
            *("auth", "startbatch", "senditem", "auth", "senditem"),
            "senditem",  # a second later: the same session, the batch gone
        ]
        assert f.received()[-1] == INVALID_BATCH


def test_an_unknown_batch_and_another_accounts_batch_are_invalid():
    with fake() as f:
        batch = f.client().start_batch("x")
        other = f.client(api_id="999")
        for name in (batch.batch_id, "f" * 32, "nope"):
            with pytest.raises(ParameterError) as info:
                other.quick_send(name, "27999000001")
            assert info.value.code == 201
        assert f.messages() == []


@pytest.mark.parametrize(
    ("template", "options", "code", "body"),
    [
        ("", {}, 202, "ERR: 202, No batch template"),
        ("x" * 161, {"concat": 1}, 113, "ERR: 113, Maximum message parts exceeded"),
        ("x", {"sender": "!"}, 106, "ERR: 106, Invalid source address"),
        ("x", {"callback": 8}, 101, "ERR: 101, Invalid or missing parameters"),
    ],
)
def test_start_batch_errors_raise(template: str, options: dict[str, Any], code: int, body: str):
    with fake() as f:
        with pytest.raises(ParameterError) as info:
            f.client().start_batch(template, **options)
        assert info.value.code == code
        assert f.received()[-1] == body


def test_item_errors_the_recipients_are_values_the_rest_raise():
    with fake(open_mode(1)) as f:
        client = f.client()
        batch = client.start_batch("#text#", concat=1)
        assert client.send_item(batch, "123", text="x") == Rejected(
            105, "Invalid destination address", "123"
        )
        assert isinstance(client.send_item(batch, "27999000001", text="x"), Sent)
        assert client.send_item(batch, "27999000002", text="x") == Rejected(
            301, "No credit left", "27999000002"
        )
        for fields, code in (({"text": ""}, 107), ({"text": "x" * 161}, 113)):
            with pytest.raises(ParameterError) as info:
                client.send_item(batch, "27999000001", **fields)
            assert info.value.code == code
        assert f.received()[2:] == [
            "ERR: 105, Invalid destination address",
            f"ID: {f.messages()[0]['apimsgid']}",
            "ERR: 301, No credit left",
            "ERR: 107, Empty message",
            "ERR: 113, Maximum message parts exceeded",
        ]
        assert len(f.messages()) == 1


def test_credit_runs_out_along_a_quick_send():
    with fake(open_mode(2)) as f:
        client = f.client()
        batch = client.start_batch("x" * 161)  # two parts
        results = client.quick_send(batch, ["27999000001", "27999000002"])
        assert isinstance(results[0], Sent)
        assert results[1] == Rejected(301, "No credit left", "27999000002")
        assert isinstance(results[1].error(), CreditError)
        assert f.balance() == 0


def test_a_unicode_template_goes_out_as_ucs2_and_is_sent_as_it_is():
    with fake() as f:
        client = f.client()
        batch = client.start_batch("Привет 😀 #name#")
        assert batch.unicode
        assert journal(f)[1]["params"]["unicode"] == "1"
        client.quick_send(batch, "27999000001")
        client.send_item(batch, "27999000002")
        # Through a bare id the client cannot tell; the API then leaves the fields as they are.
        client.send_item(batch.batch_id, "27999000003", name="Joe")
        assert {(m["text"], m["coding"]) for m in f.messages()} == {("Привет 😀 #name#", "ucs2")}


def test_a_template_that_is_not_gsm7_can_still_be_personalised_as_text():
    with fake() as f:
        client = f.client()
        batch = client.start_batch("Bonjour #name#, ça va?", unicode=False)
        assert not batch.unicode
        client.send_item(batch, "27999000001", name="Zoë")
        (message,) = f.messages()
        assert (message["text"], message["coding"]) == ("Bonjour Zoë, ça va?", "gsm7")


def test_batch_options_apply_to_every_message():
    with fake() as f:
        client = f.client()
        batch = client.start_batch("later", deliv_time=30, callback=3, validity=60)
        item = client.send_item(batch, "27999000001")
        (queued,) = client.quick_send(batch, "27999000002")
        assert isinstance(item, Sent)
        assert isinstance(queued, Sent)
        assert client.query(item.apimsgid).status == 11
        assert client.delete(queued.apimsgid).status == 6
        for message in f.messages():
            assert message["options"]["callback"] == 3
            assert message["options"]["validity"] == 60


@pytest.mark.parametrize(
    ("command", "body"),
    [
        ("start_batch", "OK"),
        ("start_batch", f"ID: {ID} To: 27999000001"),
        ("send_item", f"ID: {ID} Status: 004"),
        ("quick_send", f"ID: {ID} To: 27999000001\nID: {ID} To: 27999000002"),
        ("end_batch", "OK: "),
        ("end_batch", f"ID: {ID}"),
    ],
)
def test_batch_replies_a_command_cannot_have_are_parse_errors(command: str, body: str):
    calls: dict[str, Callable[[ClickatellClient], object]] = {
        "start_batch": lambda c: c.start_batch("x"),
        "send_item": lambda c: c.send_item(ID, "27999000001"),
        "quick_send": lambda c: c.quick_send(ID, "27999000001"),
        "end_batch": lambda c: c.end_batch(ID),
    }
    with scripted(body) as client, pytest.raises(ParseError) as info:
        calls[command](client)
    assert info.value.body == body


def test_a_single_line_without_to_is_still_read_for_one_recipient():
    # Some servers answered one recipient with a bare "ID: x" (reference B §3.11, Perl stubs).
    with scripted(f"ID: {ID}", "ERR: 114, Cannot route message") as client:
        assert client.wap_push("27999000001", **WAP) == (Sent(ID, "27999000001"),)
        assert client.quick_send(ID, "27999000001") == (
            Rejected(114, "Cannot route message", "27999000001"),
        )


# -- MMS and WAP pushes ----------------------------------------------------------------------


def test_pushes_answer_per_recipient_and_store_their_parameters():
    with fake(open_mode(10)) as f:
        client = f.client()
        mms = client.mms_push(["27999000001", "123"], **MMS)
        assert isinstance(mms[0], Sent)
        assert mms[1] == Rejected(105, "Invalid destination address", "123")
        offer: WapPushFields = {**WAP, "si_text": "An offer", "si_action": "delete"}
        (wap,) = client.wap_push("27999000002", **offer)
        assert isinstance(wap, Sent)
        assert f.received()[1:] == [
            f"ID: {mms[0].apimsgid} To: 27999000001\nERR: 105, Invalid destination address To: 123",
            f"ID: {wap.apimsgid} To: 27999000002",
        ]
        first, second = f.messages()
        assert (first["kind"], first["text"], first["from"]) == (
            "mms_ind_push",
            "Your photo",
            "27831234567",
        )
        assert first["push"] == {
            "mms_class": "82",
            "mms_expire": "3600",
            "mms_from": "Studio",
            "mms_subject": "Your photo",
            "mms_url": "http://mms.example.com/m/1",
        }
        assert (second["kind"], second["text"]) == ("wap_si_push", "An offer")
        assert second["push"] == {
            "si_action": "delete",
            "si_id": "42",
            "si_text": "An offer",
            "si_url": "https://example.com/offer?a=1&b=2",
        }
        assert [e["path"] for e in journal(f)[1:]] == ["/mms/ind_push.php", "/mms/si_push"]
        assert f.balance() == Decimal(8)


@pytest.mark.parametrize(
    ("push", "code"),
    [
        (lambda c: c.mms_push("27999000001", **{**MMS, "mms_url": "ftp://x"}), 101),
        (lambda c: c.mms_push("27999000001", **{**MMS, "mms_expire": -1}), 101),
        (lambda c: c.mms_push("27999000001", **{**MMS, "sender": "!"}), 106),
        (lambda c: c.wap_push("27999000001", **{**WAP, "si_url": "example.com"}), 101),
        (lambda c: c.wap_push(["27999000001"] * 301, **WAP), 101),
    ],
)
def test_push_errors_raise(push: Callable[[ClickatellClient], object], code: int):
    with fake() as f:
        with pytest.raises(ParameterError) as info:
            push(f.client("GET"))
        assert info.value.code == code
        assert f.messages() == []


# -- the async client ------------------------------------------------------------------------


def test_the_async_client_speaks_the_new_commands_over_a_socket():
    async def conversation(client: AsyncClickatellClient) -> Batch:
        async with client:
            assert await client.coverage("27999000001") == RouteCoverage(
                "27999000001", Decimal("0.8")
            )
            assert await client.coverage("15551234567") == RouteCoverage("15551234567", None)
            batch = await client.start_batch("Hi #name#")
            assert isinstance(await client.send_item(batch, "27999000001", name="Joe"), Sent)
            results = await client.quick_send(batch, ["27999000002", "15551234567"])
            assert results[1] == Rejected(114, "Cannot route message", "15551234567")
            await client.end_batch(batch)
            with pytest.raises(ParameterError):
                await client.end_batch(batch)
            (mms,) = await client.mms_push("27999000003", **MMS)
            (wap,) = await client.wap_push("27999000004", **WAP)
            assert isinstance(mms, Sent)
            assert isinstance(wap, Sent)
            with pytest.raises(ParameterError):
                await client.token_pay("1234567890123456")
            return batch

    with fake(ROUTES, socket=True) as f:
        batch = asyncio.run(conversation(f.async_client("GET")))
        assert [m["text"] for m in f.messages()] == ["Hi Joe", "Hi #name#", "Your photo", ""]
        assert f.commands() == [
            *("auth", "routeCoverage", "routeCoverage", "startbatch", "senditem"),
            *("quicksend", "endbatch", "endbatch", "ind_push", "si_push", "token_pay"),
        ]
        assert journal(f)[3]["body"] == f"ID: {batch.batch_id}"
