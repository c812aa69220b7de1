"""The catalogue: which initiatives, plans and decision points exist.

Read from the notification log by topic, so it needs no table of its own. The
accountability views (current state, audit trail, reports) build on tracking
recorders instead; this is the small index the commands need to list things.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from eventsourcing.persistence import ApplicationRecorder, Notification

PAGE = 1000


def notifications_with_topics(
    recorder: ApplicationRecorder, topics: Sequence[str]
) -> Iterator[Notification]:
    """Every notification with one of these topics, in log order, page by page."""
    start: int | None = None
    while True:
        page = recorder.select_notifications(
            start=start, limit=PAGE, topics=topics, inclusive_of_start=False
        )
        yield from page
        if len(page) < PAGE:
            return
        start = page[-1].id
