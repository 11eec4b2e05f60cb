"""Messages and their status lifecycle on the virtual clock.

Theory of operation
-------------------
Everything that moves a message from one status to the next lives in this file.

* A message is accepted with a *script*: a tuple of :class:`StatusStep` (``status`` reached
  ``after`` seconds past the previous step). The default script is 003 at once, 004 five
  seconds later; scenarios script others per recipient.
* Its first status is 011 when it is deferred (deliv_time/scheduled_time), else the first
  step's status when that step is immediate, else 002 (queued, not yet handed on).
* The first step fires at the release time (acceptance, or when due) plus its ``after``; each
  later step fires ``after`` seconds after the one before. A pending step sits in the
  :class:`Timeline`, a heap ordered by virtual time then by insertion.
* :meth:`Timeline.run_due` applies every step whose time has come, in time order, stamping
  each status with the virtual time it was *due* (not the time somebody looked).
* A final status (:func:`codes.is_final`) ends the script; ``delmsg`` on a stoppable message
  (002, 011) moves it to 006 and drops its pending steps.
* ``validity`` (minutes, from the release time) bounds how long a message may wait unsent
  (002 or 008): a message still waiting when it runs out expires (010) instead of taking its
  next step.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .accounts import AccountKey
from .clock import iso_time
from .codes import (
    STATUS_CANCELLED,
    STATUS_EXPIRED,
    STATUS_QUEUED,
    STATUS_QUEUED_LATER,
    STOPPABLE_STATUSES,
    UNSENT_STATUSES,
    format_code,
    is_final,
)
from .commands import MessageBody, MessageOptions
from .encoding import Coding
from .grammar import format_decimal
from .scenario_model import StatusStep


class Message:
    """One accepted message: what was sent, what it cost, and where it stands."""

    __slots__ = (
        "_history",
        "accepted_at",
        "account",
        "apimsgid",
        "body",
        "charge",
        "next_step",
        "options",
        "release_at",
        "script",
        "status",
        "step_time",
        "to",
    )

    def __init__(
        self,
        *,
        apimsgid: str,
        account: AccountKey,
        to: str,
        body: MessageBody,
        options: MessageOptions,
        charge: Decimal,
        accepted_at: float,
        script: tuple[StatusStep, ...],
    ) -> None:
        self.apimsgid = apimsgid
        self.account = account
        self.to = to
        self.body = body
        self.options = options
        self.charge = charge
        self.accepted_at = accepted_at
        self.release_at = options.release_at if options.release_at is not None else accepted_at
        self.script = script
        #: When the last scripted step fell due (the next one counts its ``after`` from here).
        self.step_time = self.release_at
        self.next_step = 0
        if options.release_at is not None:
            first = STATUS_QUEUED_LATER
        elif script and script[0].after == 0:
            first = script[0].status
            self.next_step = 1
        else:
            first = STATUS_QUEUED
        self.status = first
        # Flat (time, status, time, status, ...): a tuple per message is far smaller than a
        # list of pairs, and a message has only a few statuses (memory per message matters).
        self._history: tuple[float | int, ...] = (accepted_at, first)
        if is_final(first):
            self.next_step = len(script)

    @property
    def history(self) -> list[tuple[float, int]]:
        """Every status the message reached, with the virtual time it was reached."""
        flat = self._history
        return [(float(flat[i]), int(flat[i + 1])) for i in range(0, len(flat), 2)]

    @property
    def status_time(self) -> float:
        """When the message reached the status it has."""
        return float(self._history[-2])

    def record(self, at: float, status: int) -> None:
        """The message reaches ``status`` at virtual time ``at``."""
        self.status = status
        self._history += (at, status)

    @property
    def climsgid(self) -> str | None:
        """The client's own id for the message, if it gave one."""
        return self.options.climsgid

    @property
    def api_id(self) -> str:
        """The api_id of the account that sent it."""
        return self.account[0]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready view (the admin API's shape); money as exact decimal strings."""
        options = self.options
        body = self.body
        return {
            "apimsgid": self.apimsgid,
            "api": options.api,
            "integration": options.integration,
            "climsgid": options.climsgid,
            "api_id": self.account[0],
            "user": self.account[1],
            "to": self.to,
            "from": options.sender,
            "text": body.text,
            "unicode": body.coding is Coding.UCS2,
            "coding": body.coding.value,
            "udh": body.udh,
            "data": body.data,
            "kind": body.kind,
            "push": dict(body.details) if body.details else None,
            "parts": body.parts,
            "charge": format_decimal(self.charge),
            "status": format_code(self.status),
            "status_history": [
                {"status": format_code(status), "time": at, "time_iso": iso_time(at)}
                for at, status in self.history
            ],
            "accepted_at": self.accepted_at,
            "accepted_at_iso": iso_time(self.accepted_at),
            "release_at": self.release_at,
            "release_at_iso": iso_time(self.release_at),
            "options": {
                "callback": options.callback,
                "deliv_ack": options.deliv_ack,
                "concat": options.concat,
                "max_credits": None
                if options.max_credits is None
                else format_decimal(options.max_credits),
                "req_feat": options.req_feat,
                "queue": options.queue,
                "escalate": options.escalate,
                "mo": options.mo,
                "msg_type": options.msg_type,
                "binary": options.binary,
                "validity": options.validity,
                "charset": options.charset,
            },
        }


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A message reached a new status at a virtual time (callbacks are built from these)."""

    message: Message
    status: int
    time: float


StatusListener = Callable[[StatusEvent], None]


#: The pending "step" that expires a message instead of a scripted one.
_EXPIRE = -1


class Timeline:
    """Pending status steps, ordered by virtual time; applies them as the clock passes."""

    __slots__ = ("_heap", "_seq")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Message, int]] = []
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def start(self, message: Message) -> None:
        """Schedule the message's next scripted step, or its expiry when that comes first."""
        index = message.next_step
        due = None
        if index < len(message.script):
            after = message.script[index].after
            due = (message.release_at if index == 0 else message.step_time) + after
        if message.status in UNSENT_STATUSES:
            expires_at = message.release_at + message.options.validity * 60
            if due is None or due > expires_at:
                heapq.heappush(self._heap, (expires_at, next(self._seq), message, _EXPIRE))
                return
        if due is not None:
            heapq.heappush(self._heap, (due, next(self._seq), message, index))

    def next_due(self) -> float | None:
        """The virtual time of the earliest pending step, if any."""
        return self._heap[0][0] if self._heap else None

    def run_due(self, now: float, listener: StatusListener | None = None) -> int:
        """Apply every step due by ``now``, earliest first; returns how many were applied."""
        heap = self._heap
        applied = 0
        while heap and heap[0][0] <= now:
            due, _, message, index = heapq.heappop(heap)
            if index == _EXPIRE:
                if message.status in UNSENT_STATUSES:  # not stopped or sent meanwhile
                    message.record(due, STATUS_EXPIRED)
                    message.next_step = len(message.script)
                    applied += 1
                    if listener is not None:
                        listener(StatusEvent(message, STATUS_EXPIRED, due))
                continue
            if index != message.next_step or is_final(message.status):
                continue  # superseded (the message was stopped) or already finished
            status = message.script[index].status
            message.next_step = index + 1
            message.step_time = due
            if status != message.status:  # a step to the status it has is no change
                message.record(due, status)
                applied += 1
                if listener is not None:
                    listener(StatusEvent(message, status, due))
            if is_final(status):
                message.next_step = len(message.script)
            else:
                self.start(message)
        return applied


def stop(message: Message, now: float) -> bool:
    """``delmsg``: cancel a message still inside the router (True), else leave it (False)."""
    if message.status not in STOPPABLE_STATUSES:
        return False
    message.record(now, STATUS_CANCELLED)
    message.next_step = len(message.script)
    return True
