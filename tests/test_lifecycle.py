"""The message lifecycle on the core alone: first statuses, the timeline, expiry and delmsg.

No gateway, no HTTP: a :class:`Message` and a :class:`Timeline` driven by hand, with virtual
times given as numbers (the timeline reads no clock). The same rules end to end are in
test_message_commands.py.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from fake_clickatell.core.commands import MessageBody, MessageOptions
from fake_clickatell.core.encoding import Coding
from fake_clickatell.core.lifecycle import Message, StatusEvent, Timeline, stop
from fake_clickatell.core.scenario_model import StatusStep

from .support import T0

OPTIONS = MessageOptions(
    sender=None,
    climsgid=None,
    callback=0,
    deliv_ack=False,
    release_at=None,
    concat=1,
    max_credits=None,
    req_feat=None,
    queue=3,
    escalate=False,
    mo=False,
    msg_type="SMS_TEXT",
    binary=False,
    validity=1,  # minutes
    charset=None,
)
BODY = MessageBody(text="hi", coding=Coding.GSM7, units=2, parts=1)
DEFAULT = (StatusStep(3, 0), StatusStep(4, 5))


def message(script: tuple[StatusStep, ...] = DEFAULT, **options: object) -> Message:
    return Message(
        apimsgid="a" * 32,
        account=("1", "u"),
        to="27999000001",
        body=BODY,
        options=replace(OPTIONS, **options),  # type: ignore[arg-type]
        charge=Decimal(1),
        accepted_at=T0,
        script=script,
    )


def started(msg: Message) -> tuple[Timeline, list[StatusEvent]]:
    timeline = Timeline()
    timeline.start(msg)
    return timeline, []


def statuses(msg: Message) -> list[tuple[float, int]]:
    return [(at - T0, status) for at, status in msg.history]


# -- the first status ------------------------------------------------------------------------


def test_an_immediate_first_step_is_the_first_status():
    msg = message()
    assert msg.status == 3
    assert msg.next_step == 1
    assert msg.history == [(T0, 3)]
    assert msg.release_at == T0
    assert msg.step_time == T0


def test_a_first_step_that_waits_leaves_the_message_queued():
    msg = message((StatusStep(3, 2), StatusStep(4, 5)))
    assert msg.status == 2
    assert msg.next_step == 0


def test_a_deferred_message_is_queued_for_later_whatever_its_script():
    msg = message(release_at=T0 + 600)
    assert msg.status == 11
    assert msg.next_step == 0
    assert msg.release_at == T0 + 600
    assert msg.step_time == T0 + 600


def test_a_final_first_status_ends_the_script():
    msg = message((StatusStep(9, 0), StatusStep(4, 5)))
    assert msg.status == 9
    assert msg.next_step == 2
    timeline, _ = started(msg)
    assert len(timeline) == 0
    assert timeline.next_due() is None


def test_an_empty_script_leaves_the_message_queued_until_it_expires():
    msg = message(())
    assert msg.status == 2
    timeline, _ = started(msg)
    assert timeline.next_due() == T0 + 60
    assert timeline.run_due(T0 + 60) == 1
    assert statuses(msg) == [(0, 2), (60, 10)]


# -- the timeline ----------------------------------------------------------------------------


def test_steps_fire_at_their_due_times_and_are_stamped_with_them():
    msg = message((StatusStep(3, 0), StatusStep(8, 5), StatusStep(4, 10)), validity=60)
    timeline, events = started(msg)
    assert timeline.next_due() == T0 + 5
    assert timeline.run_due(T0 + 4.5, events.append) == 0
    assert msg.status == 3
    # Looked at late: each status carries the time it was due, not the time of the look.
    assert timeline.run_due(T0 + 100, events.append) == 2
    assert statuses(msg) == [(0, 3), (5, 8), (15, 4)]
    assert [(e.status, e.time - T0, e.message is msg) for e in events] == [
        (8, 5, True),
        (4, 15, True),
    ]
    assert msg.step_time == T0 + 15
    assert len(timeline) == 0
    assert timeline.next_due() is None


def test_a_step_due_exactly_now_fires():
    msg = message()
    timeline, _ = started(msg)
    assert timeline.run_due(T0 + 5) == 1
    assert msg.status == 4


def test_a_deferred_message_counts_its_first_step_from_the_release():
    msg = message((StatusStep(3, 2), StatusStep(4, 5)), release_at=T0 + 600)
    timeline, _ = started(msg)
    assert timeline.next_due() == T0 + 602
    timeline.run_due(T0 + 1000)
    assert statuses(msg) == [(0, 11), (602, 3), (607, 4)]


def test_later_steps_count_from_the_step_before():
    msg = message((StatusStep(3, 1), StatusStep(8, 2), StatusStep(4, 3)), validity=60)
    timeline, _ = started(msg)
    timeline.run_due(T0 + 100)
    assert statuses(msg) == [(0, 2), (1, 3), (3, 8), (6, 4)]


def test_a_step_to_the_status_it_has_is_no_event_and_no_count():
    msg = message((StatusStep(3, 0), StatusStep(3, 5), StatusStep(4, 5)))
    timeline, events = started(msg)
    assert timeline.run_due(T0 + 5, events.append) == 0
    assert events == []
    assert msg.next_step == 2
    assert msg.step_time == T0 + 5  # the next step counts from it all the same
    assert timeline.next_due() == T0 + 10
    assert timeline.run_due(T0 + 10, events.append) == 1
    assert [e.status for e in events] == [4]


def test_a_final_step_ends_the_script():
    msg = message((StatusStep(3, 0), StatusStep(5, 5), StatusStep(4, 5)))
    timeline, _ = started(msg)
    timeline.run_due(T0 + 100)
    assert statuses(msg) == [(0, 3), (5, 5)]
    assert msg.next_step == 3
    assert len(timeline) == 0


def test_messages_fire_in_time_order_then_in_the_order_they_started():
    first = message((StatusStep(3, 0), StatusStep(4, 7)))
    second = message((StatusStep(3, 0), StatusStep(4, 5)))
    third = message((StatusStep(3, 0), StatusStep(4, 5)))
    timeline = Timeline()
    for msg in (first, second, third):
        timeline.start(msg)
    events: list[StatusEvent] = []
    assert timeline.run_due(T0 + 10, events.append) == 3
    assert [(e.message, e.time - T0) for e in events] == [(second, 5), (third, 5), (first, 7)]


def test_without_a_listener_steps_still_apply():
    msg = message()
    timeline, _ = started(msg)
    assert timeline.run_due(T0 + 5, None) == 1
    assert msg.status == 4


# -- validity: a message waiting unsent expires ------------------------------------------------

SLOW = (StatusStep(2, 0), StatusStep(3, 7200), StatusStep(4, 5))


def test_a_message_waiting_past_its_validity_expires():
    msg = message(SLOW)
    timeline, events = started(msg)
    assert timeline.next_due() == T0 + 60
    assert timeline.run_due(T0 + 59.5, events.append) == 0
    assert timeline.run_due(T0 + 60, events.append) == 1
    assert statuses(msg) == [(0, 2), (60, 10)]
    assert [(e.status, e.time) for e in events] == [(10, T0 + 60)]
    assert msg.next_step == 3
    assert timeline.run_due(T0 + 10_000) == 0


def test_a_step_due_exactly_at_the_expiry_instant_is_taken():
    # The step is due when the validity runs out: the message leaves in time (003, not 010).
    msg = message((StatusStep(2, 0), StatusStep(3, 60), StatusStep(4, 5)))
    timeline, _ = started(msg)
    assert timeline.next_due() == T0 + 60
    timeline.run_due(T0 + 1000)
    assert statuses(msg) == [(0, 2), (60, 3), (65, 4)]


def test_a_step_due_just_after_the_expiry_instant_is_too_late():
    msg = message((StatusStep(2, 0), StatusStep(3, 60.5), StatusStep(4, 5)))
    timeline, _ = started(msg)
    timeline.run_due(T0 + 1000)
    assert statuses(msg) == [(0, 2), (60, 10)]


def test_validity_counts_from_the_release():
    msg = message(SLOW, release_at=T0 + 600, validity=2)
    timeline, _ = started(msg)
    timeline.run_due(T0 + 10_000)
    assert statuses(msg) == [(0, 11), (600, 2), (720, 10)]


def test_a_message_waiting_in_008_expires_too():
    msg = message((StatusStep(3, 0), StatusStep(8, 5), StatusStep(4, 7200)))
    timeline, _ = started(msg)
    timeline.run_due(T0 + 10_000)
    assert statuses(msg) == [(0, 3), (5, 8), (60, 10)]


def test_a_message_handed_on_does_not_expire():
    msg = message((StatusStep(3, 0), StatusStep(4, 7200)))
    timeline, _ = started(msg)
    assert timeline.next_due() == T0 + 7200
    timeline.run_due(T0 + 10_000)
    assert statuses(msg) == [(0, 3), (7200, 4)]


# -- delmsg ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "release_at"),
    [(SLOW, None), (DEFAULT, T0 + 600)],
    ids=["queued", "queued-for-later"],
)
def test_delmsg_stops_a_message_still_in_the_router(
    script: tuple[StatusStep, ...], release_at: float | None
):
    msg = message(script, release_at=release_at, validity=60)
    timeline, events = started(msg)
    assert stop(msg, T0 + 30) is True
    assert msg.status == 6
    assert msg.history[-1] == (T0 + 30, 6)
    assert msg.next_step == len(script)
    # Its pending step (or expiry) is dropped when it falls due.
    assert timeline.run_due(T0 + 100_000, events.append) == 0
    assert events == []
    assert msg.status == 6


def test_delmsg_leaves_a_message_that_has_left_the_router():
    msg = message()
    assert stop(msg, T0 + 1) is False
    assert msg.history == [(T0, 3)]
    assert msg.next_step == 1


# -- the admin view --------------------------------------------------------------------------


def test_to_json_is_the_admin_view_key_for_key():
    msg = message(
        (StatusStep(3, 0), StatusStep(4, 5)),
        sender="Acme",
        climsgid="mine",
        callback=3,
        deliv_ack=True,
        release_at=T0 + 60,
        concat=2,
        max_credits=Decimal("2.50"),
        req_feat=48,
        queue=1,
        escalate=True,
        mo=True,
        msg_type="SMS_FLASH",
        binary=True,
        validity=90,
        charset="UTF-8",
    )
    msg.record(T0 + 65, 3)
    assert msg.to_json() == {
        "apimsgid": "a" * 32,
        "api": "http",
        "integration": None,
        "climsgid": "mine",
        "api_id": "1",
        "user": "u",
        "to": "27999000001",
        "from": "Acme",
        "text": "hi",
        "unicode": False,
        "coding": "gsm7",
        "udh": None,
        "data": None,
        "kind": "sms",
        "push": None,
        "parts": 1,
        "charge": "1",
        "status": "003",
        "status_history": [
            {"status": "011", "time": T0, "time_iso": "2027-01-15T08:00:00.000Z"},
            {"status": "003", "time": T0 + 65, "time_iso": "2027-01-15T08:01:05.000Z"},
        ],
        "accepted_at": T0,
        "accepted_at_iso": "2027-01-15T08:00:00.000Z",
        "release_at": T0 + 60,
        "release_at_iso": "2027-01-15T08:01:00.000Z",
        "options": {
            "callback": 3,
            "deliv_ack": True,
            "concat": 2,
            "max_credits": "2.5",
            "req_feat": 48,
            "queue": 1,
            "escalate": True,
            "mo": True,
            "msg_type": "SMS_FLASH",
            "binary": True,
            "validity": 90,
            "charset": "UTF-8",
        },
    }
    assert msg.climsgid == "mine"
    assert msg.api_id == "1"


def test_to_json_of_a_ucs2_push_without_a_cap():
    body = MessageBody(
        text="\u03a9",
        coding=Coding.UCS2,
        units=1,
        parts=1,
        kind="wap_si_push",
        details=(("si_url", "http://x"),),
    )
    msg = Message(
        apimsgid="b" * 32,
        account=("2", "v"),
        to="27999000002",
        body=body,
        options=OPTIONS,
        charge=Decimal("0.80"),
        accepted_at=T0,
        script=DEFAULT,
    )
    view = msg.to_json()
    assert (view["unicode"], view["coding"], view["kind"]) == (True, "ucs2", "wap_si_push")
    assert view["push"] == {"si_url": "http://x"}
    assert view["charge"] == "0.8"
    assert view["options"]["max_credits"] is None
    assert view["options"]["req_feat"] is None
