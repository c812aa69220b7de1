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

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent

from samenspraak.projections.chain import GENESIS, ChainLink, Head, encode_record
from samenspraak.projections.state import kind_of_topic
from samenspraak.projections.views import AuditTrailLogic

PAGE = 5000
_HEX32 = re.compile(r"[0-9a-f]{32}")
"""An aggregate id as the engine stores it."""


Record = tuple[int, str, int, str, bytes]
"""A stored record: position, originator id (32 hex digits), version, topic, state."""


@dataclass(frozen=True)
class ChainCheck:
    intact: bool
    checked: int
    head: Head
    first_bad_position: int | None = None
    problem: str | None = None
    proves: str = ""
    kept: tuple[Record, ...] = ()
    """The records of the topics asked for (``keep_topics``), in order, read in
    the same pass, for further checks of the caller's."""


class PageCheck(Protocol):
    """A further check over the records of a chain, a page at a time, made in the
    same pass (the application checks texts against their commitments)."""

    def page(self, records: Sequence[Record]) -> tuple[int, str] | None:
        """The first problem in these records, as (position, problem), or None."""
        ...


@runtime_checkable
class RawLog(Protocol):
    """A recorder that reads stored records as plain tuples (the engine's do)."""

    def select_records(self, after: int, limit: int) -> list[Record]: ...


def _put_in_outside(
    at: int, ident: str, well_formed: set[str]
) -> tuple[int, str] | None:
    """A record the engine cannot have written: at a position below 1, or with
    its aggregate's id written otherwise than the engine writes ids (an id found
    well formed is remembered in ``well_formed``)."""
    if at < 1:
        return at, (
            f"The event at position {at} was put in outside the engine, before the "
            "log's first position."
        )
    if _HEX32.fullmatch(ident) is None:
        return at, (
            f"The event at position {at} was put in outside the engine: its "
            f"aggregate is written {ident!r}, not as the engine writes ids."
        )
    well_formed.add(ident)
    return None


def _not_stored_by_the_engine(at: int) -> tuple[int, str]:
    """A record whose version, topic or state is of another kind than the engine
    stores (a negative version, a number as a version's text, a topic as bytes,
    a number as a state): SQLite keeps whatever an edit gives it."""
    return at, (
        f"The event at position {at} was put in outside the engine: its version, "
        "topic or state is not of the kind the engine stores."
    )


def _log(recorder: ApplicationRecorder, size: int = PAGE) -> Iterator[Record]:
    """Every stored record in log order, also any at a position below 1 (which
    the engine never gives, and catching up never reads), read ``size`` at a
    time."""
    after = -(2**63)
    while True:
        if isinstance(recorder, RawLog):
            page = recorder.select_records(after, size)
        else:
            page = [
                (
                    n.id,
                    UUID(str(n.originator_id)).hex,
                    n.originator_version,
                    n.topic,
                    n.state,
                )
                for n in recorder.select_notifications(
                    start=after, limit=size, inclusive_of_start=False
                )
            ]
        yield from page
        if len(page) < size:
            return
        after = page[-1][0]


def check_the_log(
    recorder: ApplicationRecorder,
    checks: Sequence[PageCheck],
    upto: int | None = None,
) -> tuple[int, str] | None:
    """Every record of the log (up to position ``upto``, when given), a page at a
    time, through ``checks``: the first problem found, as (position, problem), or
    None. (The same pages :func:`verify_chain` gives its checks, read apart from
    the chain.)"""
    page: list[Record] = []
    for record in _log(recorder):
        if upto is not None and record[0] > upto:
            break
        page.append(record)
        if len(page) >= PAGE:
            if (found := _first_found(checks, page)) is not None:
                return found
            page = []
    return _first_found(checks, page) if page else None


def _first_found(
    checks: Sequence[PageCheck], page: Sequence[Record]
) -> tuple[int, str] | None:
    for check in checks:
        found = check.page(page)
        if found is not None:
            return found
    return None


class _Members:
    """Which records belong to one initiative, decided from the store itself."""

    def __init__(self, initiative_id: str, mapper: Mapper[Any]) -> None:
        self.initiative_hex = UUID(initiative_id).hex
        self.mapper = mapper
        self.aggregates = {self.initiative_hex}

    def __contains__(self, record: Record) -> bool:
        at, ident, version, topic, state = record
        if (
            ident in self.aggregates
            or at < 1
            or _HEX32.fullmatch(ident) is None
            or type(topic) is not str
            or type(version) is not int
        ):
            return True  # (one put in outside the engine is reported, not passed)
        kind, name = kind_of_topic(topic)
        if (kind, name) in (("plan", "Created"), ("decision-point", "Put")):
            stored: bytes | str = state  # SQLite keeps a state rewritten as text
            if isinstance(stored, str):
                stored = stored.encode("utf-8")
            event = self.mapper.to_domain_event(
                StoredEvent(UUID(ident), version, topic, stored)
            )
            if UUID(str(getattr(event, "initiative_id", UUID(int=0)))).hex == (
                self.initiative_hex
            ):
                self.aggregates.add(ident)
                return True
        return False


def _out_of_step(trail_has: int, store_has: int) -> tuple[int, str]:
    """The trail and the store disagree about the next position."""
    if trail_has < store_has:  # the trail has a record the store no longer has
        return (
            trail_has,
            f"The event at position {trail_has} was deleted from the event store.",
        )
    return (
        store_has,
        f"An event was inserted at position {store_has} after the audit trail "
        "recorded the events around it.",
    )


def _missing_at_the_end(
    published: Head | None,
    recorded: Any,
    head_seen: bool,
    one_initiative: bool,
) -> tuple[int, str] | None:
    """What the log lacks once it has been read to its end: a record the trail
    still has (``recorded``), or the position of the published head."""
    if (
        published is not None
        and published.position == 0
        and published.chain_hash != GENESIS
    ):
        return 0, "A head at position 0 is the empty chain, 64 zeros."
    if recorded is not None:
        return (
            recorded[0],
            f"The event at position {recorded[0]} was deleted from the event store.",
        )
    if not head_seen:
        assert published is not None
        where = (
            "The initiative's chain has no record"
            if one_initiative
            else "The event store has no event"
        )
        return (
            published.position,
            f"{where} at position {published.position}, which the published head "
            "covers.",
        )
    return None


def _head_missed(
    published: Head | None, head_seen: bool, before: int, one_initiative: bool
) -> tuple[int, str] | None:
    """What is already known to be wrong with the published head at a position
    below ``before``, once the log has been read up to ``before``: the empty chain
    given another hash, or no record at the head's position."""
    if published is None or published.position >= before:
        return None
    if published.position == 0:
        if published.chain_hash == GENESIS:
            return None
        return 0, "A head at position 0 is the empty chain, 64 zeros."
    if head_seen:
        return None
    return _missing_at_the_end(published, None, head_seen, one_initiative)


def verify_chain(
    recorder: ApplicationRecorder,
    audit: AuditTrailLogic,
    published: Head | None,
    *,
    initiative_id: str | None = None,
    mapper: Mapper[Any] | None = None,
    keep_topics: frozenset[str] = frozenset(),
    checks: Sequence[PageCheck] = (),
    page_size: int = PAGE,
) -> ChainCheck:
    """Recompute a chain over the event store (the global one, or one initiative's
    with ``initiative_id`` and the ``mapper`` to read creations), comparing each
    record with the recorded audit trail and, if given, the published head. The
    records of ``keep_topics`` come back in ``kept``. Each of ``checks`` sees the
    chain's records a page at a time, once the chain up to them is found intact;
    the first problem it finds ends the verification. Of the problems found, the
    one at the lowest position is given, however the log falls into pages (a head
    found wrong or missing, say, comes after a changed text before it). The log
    and the trail are read ``page_size`` records at a time (an export, which keeps
    its memory flat, reads fewer at a time)."""
    kept: list[Record] = []
    unchecked: list[Record] = []
    members = None
    if initiative_id is not None:
        assert mapper is not None
        members = _Members(initiative_id, mapper)
    trail = audit.chain_rows(initiative_id, page_size=max(page_size, 1))
    recorded = next(trail, None)
    chain = bytes(32)
    checked = 0
    position = 0
    head_seen = published is None or published.position == 0
    sha256 = hashlib.sha256

    def bad(at: int, problem: str) -> ChainCheck:
        # The problem at ``at``, unless the published head is already known to
        # be missing or wrong at a position before it, which comes first.
        at, problem = _head_missed(published, head_seen, at, members is not None) or (
            at,
            problem,
        )
        return ChainCheck(False, checked, Head(position, chain.hex()), at, problem)

    def changed_at(at: int, problem: str) -> ChainCheck:
        """A record found changed at ``at``: unless the checks find a problem in
        the records before it that they have not seen yet, which comes first."""
        if unchecked and (found := checked_page()) is not None:
            return bad(*found)
        return bad(at, problem)

    def checked_page() -> tuple[int, str] | None:
        nonlocal unchecked
        page, unchecked = unchecked, []
        for check in checks:
            found = check.page(page)
            if found is not None:
                return found
        return None

    link = ChainLink().next
    well_formed: set[str] = set()  # ids seen written as the engine writes them
    records = (r for r in _log(recorder, page_size) if members is None or r in members)
    for record in records:
        at, ident, version, topic, state = record
        wrong = (
            None
            if at > 0 and ident in well_formed
            else _put_in_outside(at, ident, well_formed)
        ) or (
            _out_of_step(recorded[0], at)
            if recorded is not None and recorded[0] != at
            else None
        )
        if wrong is not None:
            return changed_at(*wrong)
        if topic in keep_topics:
            kept.append(record)
        try:
            chain = link(chain, ident, version, topic, state)
        except (AttributeError, TypeError, OverflowError, UnicodeEncodeError):
            return changed_at(*_not_stored_by_the_engine(at))
        position = at
        checked += 1
        if recorded is not None:
            if recorded[2] != chain.hex():
                encoded = encode_record(ident, version, topic, state)
                kind = (
                    "changed, inserted or moved"
                    if recorded[1] != sha256(encoded).hexdigest()
                    else "preceded by a change"
                )
                return changed_at(
                    at,
                    f"The event at position {at} was {kind} after the audit trail "
                    "recorded it.",
                )
            recorded = next(trail, None)
        if published is not None and at == published.position:
            head_seen = True
            if chain.hex() != published.chain_hash:
                return changed_at(
                    at,
                    f"The record up to position {at} does not match the published "
                    "head.",
                )
        if checks:
            unchecked.append(record)
            if len(unchecked) >= PAGE and (found := checked_page()) is not None:
                return bad(*found)
    ends = [  # what the last page's checks find, and what the log lacks
        checked_page() if unchecked else None,
        _missing_at_the_end(published, recorded, head_seen, members is not None),
    ]
    if any(ends):  # the one at the lower position
        return bad(*min(end for end in ends if end is not None))
    return ChainCheck(
        True,
        checked,
        Head(position, chain.hex()),
        proves=_what_it_proves(published, one_initiative=members is not None),
        kept=tuple(kept),
    )


def _what_it_proves(published: Head | None, *, one_initiative: bool) -> str:
    scope = "the initiative's records" if one_initiative else "the record"
    if published is not None:
        return (
            f"Nothing in {scope} up to position {published.position} changed since "
            "its head was published."
        )
    return (
        "The audit trail and the event store agree (internal consistency only: "
        "someone who can write the database could rewrite both; verify against a "
        "published head to prove more)."
    )
