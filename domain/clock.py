"""The engine's clock: every event's timestamp and every deadline check reads it.

Tests and replays set it (``frozen_at``) instead of patching the standard library,
so a story can be told at the moments it happened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_now: Callable[[], datetime] = lambda: datetime.now(tz=UTC)  # noqa: E731


def now() -> datetime:
    """The current moment, timezone-aware (UTC unless the clock was set)."""
    moment = _now()
    if moment.tzinfo is None:
        msg = "The clock must give timezone-aware times."
        raise ValueError(msg)
    return moment


def set_clock(clock: Callable[[], datetime]) -> Callable[[], datetime]:
    """Replace the clock; returns the previous one so it can be restored."""
    global _now
    previous, _now = _now, clock
    return previous


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make ``now()`` return ``moment`` inside the block."""
    if moment.tzinfo is None:
        msg = "A frozen moment must be timezone-aware."
        raise ValueError(msg)
    previous = set_clock(lambda: moment)
    try:
        yield
    finally:
        set_clock(previous)
