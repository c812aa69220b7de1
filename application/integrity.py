"""Checking the texts a record refers to against the commitments its events hold.

Free text lives outside the events, in its own store, so that it can be erased; an
event holds only the text's id and its salted SHA-256 commitment (see
:func:`samenspraak.application.app.commitment`). Someone with write access to the
database could change a text without touching an event: the hash chains would not
notice, but the commitment does. :class:`TextCheck` compares every text kept (not
erased) that a page of stored records refers to with the commitment there, finds a
text missing from the store (texts are never deleted), and notes every text without
a body, which only an erasure of its giver's texts may have emptied.

The references are found in the stored bytes themselves: the library's JSON
transcoder writes each one as ``{"_type_":"text_ref","_data_":{"id":...,
"sha256":...}}``, compactly and always in that order, so a regular expression finds
them without decoding the events (a million events are checked in seconds). A
state written otherwise (spaces, other key order, escaped characters: a bundle's
bytes are replayed as they are) is decoded instead: when it escapes a character or
names ``"text_ref"`` more often than the expression finds. So is every state when
they are compressed or encrypted (the library's ``COMPRESSOR_TOPIC`` or
``CIPHER_TOPIC``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

from samenspraak.domain.values import TextRef
from samenspraak.projections.verify import Record, check_the_log

TEXT_REF = re.compile(
    rb'\{"_type_":"text_ref","_data_":\{"id":"([^"\\]{1,200})",'
    rb'"sha256":"([^"\\]{0,200})"\}\}'
)
"""A text reference as the transcoder stores it: the id and the commitment."""


def as_bytes(state: bytes | str) -> bytes:
    """A state as bytes: one rewritten outside the engine may be stored as text
    (it is hashed into the chain as UTF-8, and read here the same way)."""
    return state.encode("utf-8") if isinstance(state, str) else bytes(state)


def _as_written(state: bytes) -> bool:
    """The state holds no escaped character, so every reference in it is written
    as the transcoder writes it or not at all: the engine escapes none (it writes
    UTF-8, and its ids, slugs and times hold no control characters). A state made
    elsewhere (a bundle's bytes are replayed as they are) may escape or reorder,
    and is decoded instead."""
    return b"\\u" not in state


Ref = tuple[str, str]
"""A reference to a text in an event: its id and the commitment."""

Stored = tuple[str, str, str, bytes | None]
"""A text in the store: id, purpose, salt, and the body's UTF-8 bytes (None when
the text was erased)."""


class Texts(Protocol):
    def select_text_bodies(self, ids: Sequence[str]) -> list[Stored]: ...


GIVEN = {
    "samenspraak.domain.plan:Plan.ReactionAdded": (
        ("text", "section", "origin"),
        "stakeholder",
    ),
    "samenspraak.domain.plan:Plan.ReactionReceivedLate": (
        ("text", "section", "origin"),
        "stakeholder",
    ),
    "samenspraak.domain.decision_point:DecisionPoint.PositionTaken": (
        ("reason",),
        "stakeholder",
    ),
    "samenspraak.domain.initiative:Initiative.ImplementationProgressRecorded": (
        ("milestone",),
        "actor",
    ),
    "samenspraak.domain.initiative:Initiative.ImplementationStatusChanged": (
        ("reason",),
        "actor",
    ),
}
"""The texts an erasure of someone's texts empties: by topic, the fields that hold
them and the field that names who gave them (as the erasure finds them)."""


def giver(event: Any, who: str) -> str:
    """Who gave the texts of an event, named by its field ``who``; a position
    recorded before it named its stakeholder apart names none, and was taken by
    its actor."""
    return str(getattr(event, who, None) or event.actor)


IDENTITIES = {
    "samenspraak.domain.initiative:Initiative.Started": ("facilitator_identity",),
    "samenspraak.domain.initiative:Initiative.StakeholderJoined": ("identity",),
    "samenspraak.domain.initiative:Initiative.PersonalDataErased": ("actor_identity",),
    "samenspraak.domain.initiative:Initiative.IdentityCorrected": (
        "identity",
        "actor_identity",
    ),
}
"""The identity texts (by topic, the fields that hold them), which an erasure
always empties; the directory check asks for the erasure of each emptied one."""


@dataclass(frozen=True)
class Emptied:
    """A text without a body, and what its event says about it."""

    position: int
    text_id: str
    purpose: str
    giver: str | None
    """Who gave it, when it is a text an erasure of someone's texts empties."""


SALT = re.compile(r"[0-9a-f]{32}")
"""A text's salt: 16 random bytes in lower-case hex, never another length (else the
start of a body could be moved into its salt and keep the commitment)."""


def commitment(salt: str, body: str) -> str:
    """The salted SHA-256 commitment to a text: sha256(salt bytes + UTF-8 body).
    Raises ``ValueError`` for a salt that is not 32 lower-case hex digits."""
    if not isinstance(salt, str) or SALT.fullmatch(salt) is None:
        msg = "a salt is 32 lower-case hexadecimal digits"
        raise ValueError(msg)
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
    """Checks, page by page of stored records, that every text they refer to is
    still what the events commit to: a text kept matches its commitment, and no
    text is missing. An erased text (no body) shows as erased, never as other
    words; :meth:`unexplained` then asks that an erasure emptied it."""

    def __init__(self, texts: Texts, mapper: Mapper[Any]) -> None:
        self.texts = texts
        self.mapper = mapper
        self.plain = not mapper.compressor and not mapper.cipher
        self.checked = 0
        """How many references to a kept text were compared."""
        self.emptied: list[Emptied] = []
        """The references to texts without a body, in the order of the log."""

    def refs(self, record: Record) -> list[Ref]:
        """The (id, commitment) of each text the stored record refers to: found in
        the bytes when they are written as the engine writes them, else decoded."""
        state = as_bytes(record[4])
        if self.plain and _as_written(state):
            found = TEXT_REF.findall(state)
            if len(found) == state.count(b'"text_ref"'):
                return [(i.decode(), sha256.decode()) for i, sha256 in found]
        return [(ref.id, ref.sha256) for ref in text_refs(self._event(record))]

    def page(self, records: Sequence[Record]) -> tuple[int, str] | None:
        """The first reference in these records to a text that no longer matches
        its commitment or is missing, as (position, problem); ``None`` when there is
        none. Texts without a body are noted for :meth:`unexplained`."""
        refs: list[Ref] | None = None
        if self.plain:
            # One search over the whole page, when every record in it is written
            # as the engine writes; positions only when a text fails.
            joined = b"\n".join(as_bytes(record[4]) for record in records)
            if _as_written(joined):
                found = TEXT_REF.findall(joined)
                if len(found) == joined.count(b'"text_ref"'):
                    refs = [(i.decode(), sha256.decode()) for i, sha256 in found]
        if refs is None:
            refs = [ref for record in records for ref in self.refs(record)]
        if not refs:
            return None
        texts = self.texts.select_text_bodies([text_id for text_id, _ in refs])
        return self._compare(records, refs, texts)

    def _compare(
        self, records: Sequence[Record], refs: list[Ref], texts: list[Stored]
    ) -> tuple[int, str] | None:
        sha256 = hashlib.sha256
        fromhex = bytes.fromhex
        made: dict[str, str | None] = {}
        """What each kept text's salt and body give now ("" when they cannot), and
        None for an erased one."""
        for text_id, _, salt, body in texts:
            if body is None:
                made[text_id] = None
                continue
            if not isinstance(salt, str) or SALT.fullmatch(salt) is None:
                made[text_id] = ""  # no salt, or one of another form or length
                continue
            made[text_id] = sha256(fromhex(salt) + body).hexdigest()
        compared = [(text_id, sha) for text_id, sha in refs if made.get(text_id)]
        self.checked += len(compared)
        if all(made.get(text_id) == sha for text_id, sha in refs):
            return None  # every text there, kept and as committed
        purposes = {text_id: purpose for text_id, purpose, _, _ in texts}
        for record in records:
            for text_id, sha in self.refs(record):
                if text_id not in made:
                    problem = (
                        f"The text {text_id} that the event at position {record[0]} "
                        "refers to is missing from the text store."
                    )
                    return record[0], problem
                if made[text_id] is None:
                    self._note_emptied(record, text_id, purposes[text_id])
                elif made[text_id] != sha:
                    problem = (
                        f"The text {text_id} ({purposes[text_id]}) that the event at "
                        f"position {record[0]} refers to was changed: it no longer "
                        "matches the commitment the event holds."
                    )
                    return record[0], problem
        return None

    def note_emptied(self, record: Record, text_id: str, purpose: str) -> None:
        """Note that ``record`` refers to a text without a body (as one left out
        of a bundle), for :meth:`unexplained`."""
        self._note_emptied(record, text_id, purpose)

    def _note_emptied(self, record: Record, text_id: str, purpose: str) -> None:
        position, topic = record[0], record[3]
        if topic in IDENTITIES:
            event = self._event(record)
            if any(
                getattr(getattr(event, f, None), "id", None) == text_id
                for f in IDENTITIES[topic]
            ):
                return  # an identity: the directory check asks for its erasure
        given_by = None
        if topic in GIVEN:
            fields, who = GIVEN[topic]
            event = self._event(record)
            if any(
                getattr(getattr(event, f, None), "id", None) == text_id for f in fields
            ):
                given_by = giver(event, who)
        self.emptied.append(Emptied(position, text_id, purpose, given_by))

    def _event(self, record: Record) -> Any:
        _, ident, version, topic, state = record
        return self.mapper.to_domain_event(
            StoredEvent(UUID(ident), version, topic, as_bytes(state))
        )

    def unexplained(self, erased_with_texts: set[str]) -> tuple[int, str] | None:
        """The first text without a body that no recorded erasure emptied, given
        the stakeholders whose texts an erasure (``PersonalDataErased`` with their
        texts) emptied; as (position, problem), or None."""
        for found in self.emptied:
            if found.giver is None:
                problem = (
                    f"The text {found.text_id} ({found.purpose}) that the event at "
                    f"position {found.position} refers to was emptied, but no erasure "
                    "empties such a text."
                )
                return found.position, problem
            if found.giver not in erased_with_texts:
                problem = (
                    f"The text {found.text_id} ({found.purpose}) that the event at "
                    f"position {found.position} refers to was emptied, but no erasure "
                    "of the texts of the stakeholder who gave it is recorded."
                )
                return found.position, problem
        return None


@dataclass(frozen=True)
class TextsChecked:
    """What checking every text of the log found, in a process of its own: the
    first problem (position, problem) or None, how many references to kept texts
    were compared, the texts found without a body, and the position of the last
    record read (None when none was)."""

    found: tuple[int, str] | None
    checked: int
    emptied: tuple[Emptied, ...]
    last: int | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "found": self.found,
                "checked": self.checked,
                "emptied": [dataclasses.astuple(e) for e in self.emptied],
                "last": self.last,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> TextsChecked:
        data = json.loads(text)
        found, last = data["found"], data["last"]
        return cls(
            (int(found[0]), str(found[1])) if found is not None else None,
            int(data["checked"]),
            tuple(Emptied(*e) for e in data["emptied"]),
            int(last) if last is not None else None,
        )


class _Reach:
    """Notes the position of the last record it is shown."""

    last: int | None = None

    def page(self, records: Sequence[Record]) -> tuple[int, str] | None:
        self.last = records[-1][0] if records else self.last
        return None


def check_the_texts_apart(env: Mapping[str, str], upto: int) -> TextsChecked:
    """Open the record ``env`` names and check every text the log up to position
    ``upto`` refers to against its commitment (run by ``python -m
    samenspraak.application.integrity`` in a process of its own, while the
    process that asked recomputes the chain; see ``Samenspraak.verify_audit``).
    A SQLite file that is not there is not made: ``FileNotFoundError``."""
    from samenspraak.application.app import Samenspraak  # noqa: PLC0415 (a cycle)

    name = env.get("SQLITE_DBNAME", "")
    if (
        env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres"
        and not name.startswith("file:")
        and not Path(name).is_file()
    ):
        raise FileNotFoundError(name)
    app = Samenspraak({**env, "CREATE_TABLE": "no"})
    try:
        texts, reach = TextCheck(app.store, app.mapper), _Reach()
        found = check_the_log(app.recorder, [reach, texts], upto)
        return TextsChecked(found, texts.checked, tuple(texts.emptied), reach.last)
    finally:
        app.close()


if __name__ == "__main__":  # the settings as JSON on stdin, the result on stdout
    import sys

    given = json.loads(sys.stdin.read())
    found = check_the_texts_apart(given["settings"], int(given["upto"]))
    sys.stdout.write(found.to_json())
