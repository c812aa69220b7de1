"""The audit trail as ZGW AuditTrail records: one per stored event, in the form the
ZGW APIs (Zaken, Documenten, Besluiten, as Open Zaak serves them) give their own
audit trail, so that a municipality's case system that keeps a zaak for the
participation process shows samenspraak's trail beside that of its other
components.

A record carries what the audit trail holds and nothing more, as a CloudEvents
notification does (see :mod:`samenspraak.application.cloudevents`): ids, the
event's name and version, the one-line summary without free text, and the hashes
that tie it to the record. No one's reference or name goes out: the user is the
stakeholder's id as the event holds it, shown as the kind they take part as.

- ``uuid`` is derived from the event's content hash (a name-based UUID, version
  5): the same for the same event in a copy replayed from an export, where the
  positions differ.
- ``bron`` is the ZGW component the trail is shown under, as the caller names it:
  ZGW knows only its own components (``zrc`` for the Zaken API, where the zaak
  is).
- ``actie`` is ``create`` for an aggregate's first event (``resultaat`` 201) and
  ``update`` for every later one (``resultaat`` 200): an event adds to what its
  aggregate holds and never takes it away.
- ``hoofdObject`` is the zaak's URL, as the caller gives it; ``resourceUrl`` is
  ``urn:uuid:`` and the aggregate's id.
- ``wijzigingen`` holds ``nieuw`` only: what the trail holds of the event, with
  its log position to page on from. ``oud`` is left out, as the schema asks of a
  record without one: the state before and after an event holds free text and
  personal data, which stay outside the record sent.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from samenspraak.application.errors import InvalidInput
from samenspraak.domain.values import SYSTEM_ACTOR
from samenspraak.projections.views import AuditRow

BRONNEN = ("ac", "nrc", "zrc", "ztc", "drc", "brc", "cmc", "kc", "vrc")
"""The ZGW components an audit record can name as its ``bron`` (the schema's
``BronEnum``)."""
APPLICATIE = "samenspraak"
"""``applicatieId`` and ``applicatieWeergave`` unless the caller names them."""
MOST_AT_ONCE = 10_000
"""The most records one call gives; a case system pages on with ``after``."""
HOOFD_OBJECT_EXAMPLE = "https://zaken.example.nl/zaken/api/v1/zaken/<uuid>"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:samenspraak:zgw:audittrail")
"""The namespace of the records' uuids: the uuid is the name-based UUID of the
event's content hash in it."""

_MAX_LENGTH = {
    "applicatieId": 100,
    "applicatieWeergave": 200,
    "gebruikersId": 255,
    "gebruikersWeergave": 255,
    "actie": 50,
    "actieWeergave": 200,
    "hoofdObject": 1000,
    "resource": 50,
    "resourceUrl": 1000,
    "resourceWeergave": 200,
}
"""The longest value the schema allows for each field that has a limit."""
_PRINTABLE = re.compile(r"[ -~]+")


def checked_request(
    hoofd_object: object,
    bron: object,
    *,
    applicatie_id: object,
    applicatie_weergave: object,
    after: object,
    limit: object,
) -> tuple[str, str, int]:
    """Check what a case system asks for; return the ``bron`` as the schema
    writes it (trimmed, lower case) and ``after`` as a log position. Raises
    :class:`InvalidInput` naming the one at fault, in one sentence."""
    url = _checked_url(hoofd_object)
    if not isinstance(bron, str) or bron.strip().lower() not in BRONNEN:
        msg = (
            f"bron: must be one of the ZGW components {', '.join(BRONNEN)} (the "
            "component the trail is shown under, such as zrc for the Zaken API, "
            "where the zaak is)."
        )
        raise InvalidInput(msg)
    for field, value, most in (
        ("applicatie_id", applicatie_id, _MAX_LENGTH["applicatieId"]),
        ("applicatie_weergave", applicatie_weergave, _MAX_LENGTH["applicatieWeergave"]),
    ):
        if (
            not isinstance(value, str)
            or not value.strip()
            or len(value) > most
            or not _PRINTABLE.fullmatch(value)
        ):
            msg = (
                f"{field}: must be 1 to {most} characters: letters, digits, spaces "
                "and punctuation, on one line."
            )
            raise InvalidInput(msg)
    if isinstance(after, str) and after.isascii() and after.isdigit():
        after = int(after)
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        msg = (
            "after: must be a log position: 0 or more, such as the position in "
            "the last record's wijzigingen."
        )
        raise InvalidInput(msg)
    if (
        not isinstance(limit, int)
        or isinstance(limit, bool)
        or not 1 <= limit <= MOST_AT_ONCE
    ):
        raise InvalidInput(f"limit: must be a whole number from 1 to {MOST_AT_ONCE}.")
    return url, bron.strip().lower(), after


def _checked_url(hoofd_object: object) -> str:
    """``hoofd_object`` must be an absolute http(s) URL of printable characters
    without spaces, of at most 1000 characters."""
    if isinstance(hoofd_object, str) and re.fullmatch(r"[!-~]+", hoofd_object):
        parts = urlsplit(hoofd_object)
        try:
            port_ok = parts.port is None or parts.port > 0
        except ValueError:
            port_ok = False
        if parts.scheme in ("http", "https") and parts.hostname and port_ok:
            if len(hoofd_object) > _MAX_LENGTH["hoofdObject"]:
                msg = "hoofd_object: must be at most 1000 characters."
                raise InvalidInput(msg)
            return hoofd_object
    msg = (
        "hoofd_object: must be the URL of the zaak the trail belongs to, an "
        f"absolute http or https URL such as {HOOFD_OBJECT_EXAMPLE}."
    )
    raise InvalidInput(msg)


def record_uuid(content_hash: str) -> str:
    """The record's uuid: the same for the same stored event, wherever it is."""
    return str(uuid.uuid5(NAMESPACE, content_hash))


def in_words(name: str) -> str:
    """``Reaction added`` for ``ReactionAdded``."""
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", name)
    text = " ".join(w.lower() for w in words)
    return text[:1].upper() + text[1:]


def user_shown_as(actor: str, kinds: dict[str, str]) -> str:
    """``gebruikersWeergave``: the kind the actor takes part in the initiative as
    (``resident``, ``civil servant``, ``facilitator``), what a passing deadline
    recorded as such, and otherwise the actor's id."""
    if actor == SYSTEM_ACTOR:
        return "samenspraak (a deadline passed)"
    kind = kinds.get(actor)
    return kind.replace("-", " ") if kind else actor


def audit_record(
    row: AuditRow,
    *,
    hoofd_object: str,
    bron: str,
    applicatie_id: str,
    applicatie_weergave: str,
    slugs: dict[str, str],
    kinds: dict[str, str],
) -> dict[str, Any]:
    """The ZGW AuditTrail record of one audit row. ``slugs`` gives the references
    of the initiative and its plans and decision points by id, ``kinds`` the kind
    of each of its stakeholders by id."""
    create = row.version == 1
    record: dict[str, Any] = {
        "uuid": record_uuid(row.content_hash),
        "bron": bron,
        "applicatieId": applicatie_id,
        "applicatieWeergave": applicatie_weergave,
    }
    if row.actor:
        record["gebruikersId"] = row.actor
        record["gebruikersWeergave"] = user_shown_as(row.actor, kinds)
    record.update(
        {
            "actie": "create" if create else "update",
            "actieWeergave": in_words(row.event),
            "resultaat": 201 if create else 200,
            "hoofdObject": hoofd_object,
            "resource": row.aggregate_kind,
            "resourceUrl": f"urn:uuid:{row.aggregate_id}",
            "resourceWeergave": slugs.get(row.aggregate_id, row.aggregate_id),
            "toelichting": row.summary,
            "aanmaakdatum": _utc(row.recorded_at),
            "wijzigingen": {
                "nieuw": {
                    "position": row.position,
                    "initiative_id": row.initiative_id,
                    "aggregate": row.aggregate_kind,
                    "aggregate_id": row.aggregate_id,
                    "version": row.version,
                    "event": row.event,
                    "content_hash": row.content_hash,
                    "chain_hash": row.chain_hash,
                    "initiative_chain_hash": row.initiative_chain_hash,
                }
            },
        }
    )
    for field in ("gebruikersWeergave", "actieWeergave", "resourceWeergave"):
        value = record.get(field)
        most = _MAX_LENGTH[field]
        if isinstance(value, str) and len(value) > most:  # a name, cut to fit
            record[field] = value[: most - 1] + "…"
    return record


def _utc(recorded_at: str) -> str:
    """The trail's time (UTC, ISO 8601) with ``Z``."""
    moment = datetime.fromisoformat(recorded_at)
    return moment.isoformat().replace("+00:00", "Z")
