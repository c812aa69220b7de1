"""Verifying the audit chain: recompute it from the event store and compare.

The threat: someone with write access to the database file changes, inserts,
deletes or reorders stored events. The recorded audit trail lives in the same file,
so comparing with it proves only internal consistency (that the trail and the store
agree); a head published outside the file (in a council document, a report, an
export) proves that nothing up to it changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from eventsourcing.persistence import ApplicationRecorder, Notification

from samenspraak.projections.chain import (
    GENESIS,
    Head,
    canonical_record,
    content_hash,
    next_chain_hash,
)
from samenspraak.projections.views import AuditRow, AuditTrailLogic

PAGE = 5000


@dataclass(frozen=True)
class ChainCheck:
    intact: bool
    checked: int
    head: Head
    first_bad_position: int | None = None
    problem: str | None = None
    proves: str = ""


def _log(recorder: ApplicationRecorder) -> Iterator[Notification]:
    start: int | None = None
    while True:
        page = recorder.select_notifications(
            start=start, limit=PAGE, inclusive_of_start=False
        )
        yield from page
        if len(page) < PAGE:
            return
        start = page[-1].id


def verify_chain(
    recorder: ApplicationRecorder, audit: AuditTrailLogic, published: Head | None
) -> ChainCheck:
    """Recompute the global chain over the event store, comparing each record with
    the recorded audit trail and, if given, the published head."""
    trail = audit.iter_rows()
    recorded: AuditRow | None = next(trail, None)
    chain = GENESIS
    checked = 0
    position = 0
    head_seen = published is None

    def bad(at: int, problem: str) -> ChainCheck:
        return ChainCheck(False, checked, Head(position, chain), at, problem)

    for n in _log(recorder):
        # Records in the trail that the store no longer has were deleted.
        if recorded is not None and recorded.position < n.id:
            return bad(
                recorded.position,
                f"The event at position {recorded.position} was deleted from the "
                "event store.",
            )
        # A record between two the trail has was inserted.
        if recorded is not None and recorded.position > n.id:
            return bad(
                n.id,
                f"An event was inserted at position {n.id} after the audit trail "
                "recorded the events around it.",
            )
        record = canonical_record(
            n.originator_id, n.originator_version, n.topic, n.state
        )
        chain = next_chain_hash(chain, record)
        position = n.id
        checked += 1
        if recorded is not None and recorded.position == n.id:
            if recorded.chain_hash != chain:
                kind = (
                    "changed, inserted or moved"
                    if recorded.content_hash != content_hash(record)
                    else "preceded by a change"
                )
                return bad(
                    n.id,
                    f"The event at position {n.id} was {kind} after the audit trail "
                    "recorded it.",
                )
            recorded = next(trail, None)
        if published is not None and n.id == published.position:
            head_seen = True
            if chain != published.chain_hash:
                return bad(
                    n.id,
                    f"The record up to position {n.id} does not match the published "
                    "head.",
                )
    if recorded is not None:
        return bad(
            recorded.position,
            f"The event at position {recorded.position} was deleted from the event "
            "store.",
        )
    if not head_seen:
        assert published is not None
        return bad(
            published.position,
            f"The event store has no event at position {published.position}, which "
            "the published head covers.",
        )
    proves = (
        f"Nothing up to position {published.position} changed since its head was "
        "published."
        if published is not None
        else "The audit trail and the event store agree (internal consistency only: "
        "someone who can write the database could rewrite both; verify against a "
        "published head to prove more)."
    )
    return ChainCheck(True, checked, Head(position, chain), proves=proves)
