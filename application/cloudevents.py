"""The record as CloudEvents: a notification per stored event, for the systems a
municipality connects (its case system, a participation platform, a message
broker), in the form the NL GOV profile for CloudEvents (version 1.0) gives.

A notification carries what the audit trail holds and nothing more: ids, the
event's name and version, a one-line summary without free text, and the hashes
that tie it to the record. No one's reference or name goes out: the actor is the
stakeholder's id as the event holds it, so an erasure in the directory still
leaves nothing about the person behind in the systems that received it.

- ``id`` is the content hash of the stored event: unique for each event, and the
  same in a copy replayed from an export (where the positions differ), so a
  receiver can tell an event it has seen before.
- ``sequence`` (with ``sequencetype`` ``integer``, as the profile has it) is the
  position in the record's log: a receiver asks for the events after the last one
  it took.
- ``subject`` is the initiative's reference; ``type`` is
  ``nl.samenspraak.<aggregate>.<event>``, such as ``nl.samenspraak.plan.reaction-added``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from samenspraak.application.errors import InvalidInput
from samenspraak.projections.views import AuditRow

SPEC_VERSION = "1.0"
TYPE_PREFIX = "nl.samenspraak"
MOST_AT_ONCE = 10_000
"""The most notifications one call gives; a receiver pages on with ``after``."""
SOURCE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[!-~]+")
"""A source is an absolute URI without spaces: the profile asks for a URN such as
``urn:nld:oin:<OIN>:systeem:<name>``; a URL is allowed too."""
SOURCE_EXAMPLE = "urn:nld:oin:00000001234567890000:systeem:samenspraak"


def checked_request(source: object, after: object, limit: object) -> int:
    """Check what a receiver asks for and return ``after`` as a log position:
    ``source`` an absolute URI, ``after`` a position as a number or as the digits
    of a notification's ``sequence``, ``limit`` a whole number from 1 to
    :data:`MOST_AT_ONCE`. Raises :class:`InvalidInput` naming the one at fault."""
    if not isinstance(source, str) or not SOURCE.fullmatch(source):
        msg = (
            f"source: must be a URI that names this system, like {SOURCE_EXAMPLE} "
            "(the municipality's OIN and the system's name)."
        )
        raise InvalidInput(msg)
    if len(source) > 1000:
        raise InvalidInput("source: must be at most 1000 characters.")
    if isinstance(after, str) and after.isascii() and after.isdigit():
        after = int(after)
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        msg = (
            "after: must be a log position: 0 or more, as a number or as the "
            "digits of a notification's sequence."
        )
        raise InvalidInput(msg)
    if (
        not isinstance(limit, int)
        or isinstance(limit, bool)
        or not 1 <= limit <= MOST_AT_ONCE
    ):
        raise InvalidInput(f"limit: must be a whole number from 1 to {MOST_AT_ONCE}.")
    return after


def event_type(kind: str, name: str) -> str:
    """``nl.samenspraak.plan.reaction-added`` for a plan's ``ReactionAdded``."""
    words = re.findall(r"[A-Z][a-z0-9]*", name)
    return f"{TYPE_PREFIX}.{kind}.{'-'.join(w.lower() for w in words)}"


def cloud_event(row: AuditRow, source: str, slugs: dict[str, str]) -> dict[str, Any]:
    """The notification of one audit row, in structured JSON form.
    ``slugs`` gives the references of the initiative and its plans and decision
    points by id."""
    initiative = row.initiative_id
    notice: dict[str, Any] = {
        "specversion": SPEC_VERSION,
        "type": event_type(row.aggregate_kind, row.event),
        "source": source,
        "id": row.content_hash,
        "time": _rfc3339(row.recorded_at),
        "sequence": str(row.position),
        "sequencetype": "integer",
        "datacontenttype": "application/json",
    }
    if initiative is not None and initiative in slugs:
        notice["subject"] = slugs[initiative]
    notice["data"] = {
        "initiative_id": initiative,
        "aggregate": row.aggregate_kind,
        "aggregate_id": row.aggregate_id,
        "about": slugs.get(row.aggregate_id),
        "version": row.version,
        "event": row.event,
        "actor_id": row.actor,
        "summary": row.summary,
        "content_hash": row.content_hash,
        "chain_hash": row.chain_hash,
        "initiative_chain_hash": row.initiative_chain_hash,
    }
    return notice


def _rfc3339(recorded_at: str) -> str:
    """The trail's time (UTC, ISO 8601) as RFC 3339 with ``Z``."""
    moment = datetime.fromisoformat(recorded_at)
    return moment.isoformat().replace("+00:00", "Z")
