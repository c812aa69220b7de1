"""The engine's clock: every event's timestamp and every deadline check reads it.

Tests and replays set it (``frozen_at``) instead of patching the standard library,
so a story can be told at the moments it happened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

_now: Callable[[], datetime] = lambda: datetime.now(tz=UTC)  # noqa: E731

MUNICIPAL_TIME = ZoneInfo("Europe/Amsterdam")
"""Dutch local time, in which a period of days is counted."""

FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a moment of a process may fall in: any process's dates fit, and every
moment can be written in UTC and in Dutch time."""


def now() -> datetime:
    """The current moment, timezone-aware (UTC unless the clock was set). A clock
    set with :func:`set_clock` is held to what :func:`frozen_at` takes: every event
    carries this moment, and one no view can read (the year 9999 in New York is in
    the year 10000 in UTC) would make its initiative unreadable for good."""
    moment = _now()
    if not _a_moment_of_a_process(moment):
        msg = (
            "The clock must give timezone-aware datetimes between the years "
            f"{FIRST_YEAR} and {LAST_YEAR}, with an offset from UTC in whole "
            f"minutes; it gave {moment!r}."
        )
        raise ValueError(msg)
    return moment


def _a_moment_of_a_process(moment: object) -> bool:
    """A timezone-aware datetime between the years 1900 and 2999, its offset from
    UTC in whole minutes (as the moments commands take)."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        return False
    offset = moment.utcoffset()
    return FIRST_YEAR <= moment.year <= LAST_YEAR and (
        offset is None or not offset.total_seconds() % 60
    )


def set_clock(clock: Callable[[], datetime]) -> Callable[[], datetime]:
    """Replace the clock; returns the previous one so it can be restored."""
    global _now
    given: object = clock  # from Python, anything may come
    if not callable(given):
        msg = (
            "A clock is a function that gives the current moment, like "
            f"lambda: datetime.now(tz=UTC), not {given!r}."
        )
        raise ValueError(msg)
    previous, _now = _now, clock
    return previous


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make ``now()`` return ``moment`` inside the block: a timezone-aware datetime
    between the years 1900 and 2999, its offset from UTC in whole minutes (as the
    moments commands take)."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        msg = "A frozen moment must be a timezone-aware datetime."
        raise ValueError(msg)
    if not _a_moment_of_a_process(moment):
        msg = (
            f"A frozen moment falls between the years {FIRST_YEAR} and {LAST_YEAR}, "
            "with an offset from UTC in whole minutes."
        )
        raise ValueError(msg)
    previous = set_clock(lambda: moment)
    try:
        yield
    finally:
        set_clock(previous)


def to_the_second(moment: datetime) -> str:
    """A moment in ISO 8601: to the minute when it is a whole minute, else to the
    second (never cut to a minute earlier than it is)."""
    whole_minute = moment.second == 0 and moment.microsecond == 0
    return moment.isoformat(timespec="minutes" if whole_minute else "seconds")


def on_dutch_clocks(moment: datetime) -> str:
    """A moment as the clocks in the Netherlands showed it, in the offset they had
    then (``2026-11-21T00:30+01:00``), to the minute when it is a whole minute,
    else to the second: how a table or a sentence shows a moment, whatever offset
    it was typed in or recorded in (the engine's clock runs in UTC), so that the
    moments beside each other read alike. A moment whose Dutch time the calendar
    cannot hold (the last hour of the year 9999 in UTC, recorded before moments
    were bounded) is shown in the offset it was recorded in."""
    try:
        return to_the_second(moment.astimezone(MUNICIPAL_TIME))
    except OverflowError:
        return to_the_second(moment)


def days_later(moment: datetime, days: int) -> datetime:
    """``days`` calendar days after ``moment``, counted on the clocks in the
    Netherlands: at the same time of day, also across the change to or from summer
    time (an hour less or more in UTC). Given as those clocks show it, in the
    offset the Netherlands has then, not in the offset of ``moment`` (the engine's
    clock runs in UTC): a deadline reads as the people it is set for read it."""
    local = moment.astimezone(MUNICIPAL_TIME) + timedelta(days=days)
    shown = local.astimezone(moment.tzinfo).astimezone(MUNICIPAL_TIME)
    return shown.replace(tzinfo=timezone(shown.utcoffset() or timedelta(0)))
