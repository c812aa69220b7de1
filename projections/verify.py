"""Verifying the audit chain: recompute it from the event store and compare.

The threat: someone with write access to the database file changes, inserts,
deletes or reorders stored events. The recorded audit trail lives in the same file,
so comparing with it proves only internal consistency (that the trail and the store
agree); a head published outside the file (in a council document, a report, an
export) proves that nothing up to it changed.

The global chain covers every record; an initiative's chain covers its own records
(its events and those of its plans and decision points, found from the store
itself, not from the trail).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

from samenspraak.projections.chain import (
    GENESIS,
    Head,
    canonical_record,
    content_hash,
    next_chain_hash,
)
from samenspraak.projections.state import kind_of_topic
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


class _Members:
    """Which records belong to one initiative, decided from the store itself."""

    def __init__(self, initiative_id: str, mapper: Mapper[Any]) -> None:
        self.initiative_id = initiative_id
        self.mapper = mapper
        self.aggregates = {initiative_id}

    def __contains__(self, n: Notification) -> bool:
        aggregate = str(n.originator_id)
        if aggregate in self.aggregates:
            return True
        kind, name = kind_of_topic(n.topic)
        if (kind, name) in (("plan", "Created"), ("decision-point", "Put")):
            event = self.mapper.to_domain_event(n)
            if str(getattr(event, "initiative_id", "")) == self.initiative_id:
                self.aggregates.add(aggregate)
                return True
        return False


def verify_chain(
    recorder: ApplicationRecorder,
    audit: AuditTrailLogic,
    published: Head | None,
    *,
    initiative_id: str | None = None,
    mapper: Mapper[Any] | None = None,
) -> ChainCheck:
    """Recompute a chain over the event store (the global one, or one initiative's
    with ``initiative_id`` and the ``mapper`` to read creations), comparing each
    record with the recorded audit trail and, if given, the published head."""
    members = None
    if initiative_id is not None:
        assert mapper is not None
        members = _Members(initiative_id, mapper)
    trail = audit.iter_rows(initiative_id)
    recorded: AuditRow | None = next(trail, None)
    chain = GENESIS
    checked = 0
    position = 0
    head_seen = published is None or published.position == 0

    def bad(at: int, problem: str) -> ChainCheck:
        return ChainCheck(False, checked, Head(position, chain), at, problem)

    def recorded_chain(row: AuditRow) -> str | None:
        return row.chain_hash if members is None else row.initiative_chain_hash

    for n in _log(recorder):
        if members is not None and n not in members:
            continue
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
            if recorded_chain(recorded) != chain:
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
    if (
        published is not None
        and published.position == 0
        and published.chain_hash != GENESIS
    ):
        return bad(0, "A head at position 0 is the empty chain, 64 zeros.")
    if recorded is not None and (
        published is None or recorded.position <= published.position
    ):
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
    scope = "the initiative's records" if members is not None else "the record"
    proves = (
        f"Nothing in {scope} up to position {published.position} changed since its "
        "head was published."
        if published is not None
        else "The audit trail and the event store agree (internal consistency only: "
        "someone who can write the database could rewrite both; verify against a "
        "published head to prove more)."
    )
    return ChainCheck(True, checked, Head(position, chain), proves=proves)
