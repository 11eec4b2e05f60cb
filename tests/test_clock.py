"""The virtual clock on its own: set, advance, freeze, and what it refuses, message and all."""

from __future__ import annotations

import pytest

from fake_clickatell.core.clock import MAX_TIME, ClockError, VirtualClock

#: 9999-12-31T23:59:59Z, computed apart from the module: days from 1970 to 10000, less 1 s.
LAST_SECOND = (2_932_897 * 86_400) - 1


class Source:
    """A hand-moved time source: the wall clock the adapter would inject."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_max_time_is_the_last_second_of_9999():
    assert MAX_TIME == LAST_SECOND


@pytest.mark.parametrize("frozen", [True, False])
def test_set_reaches_both_ends_of_the_range(frozen: bool):
    clock = VirtualClock(Source(1000.0), start=5.0, frozen=frozen)
    clock.set(0)
    assert clock.now() == 0
    clock.set(LAST_SECOND)
    assert clock.now() == LAST_SECOND
    assert clock.frozen is frozen


@pytest.mark.parametrize("time", [-1, -0.5, LAST_SECOND + 1, LAST_SECOND + 0.5])
def test_set_refuses_times_outside_the_range(time: float):
    clock = VirtualClock(Source(1000.0), start=5.0, frozen=True)
    with pytest.raises(ClockError) as info:
        clock.set(time)
    assert str(info.value) == f"time must be from 0 (1970) to 253402300799 (9999), got {time}"
    assert clock.now() == 5.0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), "time must be finite, got nan"),
        (float("inf"), "time must be finite, got inf"),
        (float("-inf"), "time must be finite, got -inf"),
        (True, "time must be a number, got True"),
        ("5", "time must be a number, got '5'"),
    ],
)
def test_set_refuses_what_is_not_a_finite_number(value: object, message: str):
    clock = VirtualClock(Source(1000.0), start=5.0, frozen=True)
    with pytest.raises(ClockError) as info:
        clock.set(value)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_advance_moves_a_frozen_or_running_clock_forward():
    source = Source(1000.0)
    clock = VirtualClock(source, start=50.0)
    clock.advance(0)
    assert clock.now() == 50.0
    clock.advance(10)
    source.now += 1
    assert clock.now() == 61.0
    clock.freeze()
    source.now += 100
    clock.advance(4)
    assert clock.now() == 65.0
    clock.unfreeze()
    source.now += 1
    assert clock.now() == 66.0


def test_advance_refuses_to_go_backwards():
    clock = VirtualClock(Source(1000.0), start=50.0, frozen=True)
    with pytest.raises(ClockError) as info:
        clock.advance(-0.5)
    assert str(info.value) == "the clock only moves forward; cannot advance by -0.5"
    assert clock.now() == 50.0


def test_advance_refuses_to_pass_the_year_9999():
    clock = VirtualClock(Source(1000.0), start=LAST_SECOND - 10, frozen=True)
    clock.advance(10)  # exactly the last second is fine
    assert clock.now() == LAST_SECOND
    with pytest.raises(ClockError) as info:
        clock.advance(1)
    assert str(info.value) == "advancing by 1 s would go past the year 9999"
    assert clock.now() == LAST_SECOND


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), "seconds must be finite, got nan"),
        (float("-inf"), "seconds must be finite, got -inf"),
        (None, "seconds must be a number, got None"),
    ],
)
def test_advance_refuses_what_is_not_a_finite_number(value: object, message: str):
    clock = VirtualClock(Source(1000.0), start=5.0, frozen=True)
    with pytest.raises(ClockError) as info:
        clock.advance(value)  # type: ignore[arg-type]
    assert str(info.value) == message
