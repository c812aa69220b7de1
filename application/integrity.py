"""Checking the texts a record refers to against the commitments its events hold.

Free text lives outside the events, in its own store, so that it can be erased; an
event holds only the text's id and its salted SHA-256 commitment (see
:func:`samenspraak.application.app.commitment`). Someone with write access to the
database could change a text without touching an event: the hash chains would not
notice, but the commitment does. :class:`TextCheck` compares every text kept (not
erased) that a page of stored records refers to with the commitment there.

The references are found in the stored bytes themselves: the library's JSON
transcoder writes each one as ``{"_type_":"text_ref","_data_":{"id":...,
"sha256":...}}``, compactly and always in that order, so a regular expression finds
them without decoding the events (a million events are checked in seconds). When
the stored states are compressed or encrypted (the library's ``COMPRESSOR_TOPIC``
or ``CIPHER_TOPIC``), each event is decoded instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

from samenspraak.domain.values import TextRef
from samenspraak.projections.verify import Record

TEXT_REF = re.compile(
    rb'\{"_type_":"text_ref","_data_":\{"id":"([^"\\]{1,200})",'
    rb'"sha256":"([^"\\]{0,200})"\}\}'
)
"""A text reference as the transcoder stores it: the id and the commitment."""

IDENTITY = "identity"
"""The purpose of the texts that seal stakeholders' identities: the directory check
compares those (and names the person), so this one leaves them out."""


Ref = tuple[str, str]
"""A reference to a text in an event: its id and the commitment."""

Kept = tuple[str, str, str, str]
"""A text kept in the store: id, purpose, salt, body."""


class Texts(Protocol):
    def select_kept_texts(self, ids: Sequence[str]) -> list[Kept]: ...


def commitment(salt: str, body: str) -> str:
    """The salted SHA-256 commitment to a text: sha256(salt bytes + UTF-8 body)."""
    return hashlib.sha256(bytes.fromhex(salt) + body.encode("utf-8")).hexdigest()


def keeps_its_commitment(salt: str | None, body: str, sha256: str) -> bool:
    """The text and its salt still give the commitment its event holds."""
    if salt is None:
        return False
    try:
        return commitment(salt, body) == sha256
    except ValueError:  # a salt that is not hexadecimal
        return False


def text_refs(value: Any) -> Iterator[TextRef]:
    """Every text reference in a decoded event, however deep."""
    if isinstance(value, TextRef):
        yield value
    elif isinstance(value, _PLAIN):
        return
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from text_refs(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from text_refs(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            # An event stored before a field existed lacks it.
            yield from text_refs(getattr(value, f.name, None))
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        for item in vars(value).values():
            yield from text_refs(item)


_PLAIN = (str, int, float, Decimal, datetime, UUID, Enum, type(None))


class TextCheck:
    """Checks, page by page of stored records, that every text kept that they refer
    to still matches its commitment. Erased texts (no body) and texts a store does
    not have (a replayed copy holds no erased text) are passed over: an erased text
    shows as erased, never as other words."""

    def __init__(self, texts: Texts, mapper: Mapper[Any]) -> None:
        self.texts = texts
        self.mapper = mapper
        self.plain = not mapper.compressor and not mapper.cipher
        self.checked = 0
        """How many references to a kept text were compared."""

    def refs(self, record: Record) -> list[Ref]:
        """The (id, commitment) of each text the stored record refers to."""
        _, ident, version, topic, state = record
        if self.plain:
            return [
                (found[1].decode(), found[2].decode())
                for found in TEXT_REF.finditer(state)
            ]
        event = self.mapper.to_domain_event(
            StoredEvent(UUID(ident), version, topic, bytes(state))
        )
        return [(ref.id, ref.sha256) for ref in text_refs(event)]

    def page(self, records: Sequence[Record]) -> tuple[int, str] | None:
        """The first reference in these records to a text that no longer matches
        its commitment, as (position, problem); ``None`` when every one matches."""
        if self.plain:
            # One search over the whole page; positions only when one fails.
            found = TEXT_REF.findall(b"\n".join(record[4] for record in records))
            refs = [(text_id.decode(), sha256.decode()) for text_id, sha256 in found]
        else:
            refs = [ref for record in records for ref in self.refs(record)]
        if not refs:
            return None
        texts = self.texts.select_kept_texts([text_id for text_id, _ in refs])
        return self._compare(records, refs, texts)

    def _compare(
        self, records: Sequence[Record], refs: list[Ref], texts: list[Kept]
    ) -> tuple[int, str] | None:
        sha256 = hashlib.sha256
        fromhex = bytes.fromhex
        made: dict[str, str] = {}
        """What each kept text's salt and body give now ("" when they cannot)."""
        for text_id, purpose, salt, body in texts:
            if purpose == IDENTITY:
                continue
            try:
                made[text_id] = sha256(fromhex(salt) + body.encode()).hexdigest()
            except ValueError:  # a salt that is not hexadecimal
                made[text_id] = ""
            if not salt:
                made[text_id] = ""
        compared = [(text_id, sha) for text_id, sha in refs if text_id in made]
        self.checked += len(compared)
        if all(made[text_id] == sha for text_id, sha in compared):
            return None
        purposes = {text_id: purpose for text_id, purpose, _, _ in texts}
        for record in records:
            for text_id, sha in self.refs(record):
                if made.get(text_id, sha) != sha:
                    problem = (
                        f"The text {text_id} ({purposes[text_id]}) that the event at "
                        f"position {record[0]} refers to was changed: it no longer "
                        "matches the commitment the event holds."
                    )
                    return record[0], problem
        raise AssertionError  # pragma: no cover (a changed text was found above)
