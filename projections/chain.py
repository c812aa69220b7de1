"""Hash chains over the stored event records, exactly as stored.

Each record is encoded canonically from what the event store holds (originator id,
version, topic and the stored bytes), never from re-serialised events, so the chain
proves the stored record itself. A chain hash is SHA-256 over the previous chain
hash and that encoding; the first record follows 32 zero bytes. Two chains are kept:
the global chain over the whole log, and one per initiative over its own records.

Free text and personal data live outside the events, so erasing them later leaves
every chain intact.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from uuid import UUID

GENESIS = "0" * 64
"""The chain hash before the first record."""

LAST_POSITION = 2**63 - 1
"""The largest log position a database can hold (a signed 64-bit integer)."""


def canonical_record(
    originator_id: UUID | str, version: int, topic: str, state: bytes | str
) -> bytes:
    """The stored record as bytes: id, version, then length-prefixed topic and state."""
    ident = (
        originator_id.hex
        if isinstance(originator_id, UUID)
        else UUID(str(originator_id)).hex
    )
    return encode_record(ident, version, topic, state)


def encode_record(ident: str, version: int, topic: str, state: bytes | str) -> bytes:
    """The canonical encoding, given the originator id as 32 hex digits: the id in
    ASCII, the version in 8 bytes, the topic (UTF-8) and the state, each after its
    length (4 and 8 bytes, big-endian).

    The engine stores states as bytes. A state found as text was rewritten outside
    the engine (SQLite keeps what an edit gives it); it is hashed as its UTF-8 bytes,
    so that the edit shows as a changed record instead of stopping the check."""
    if isinstance(state, str):
        state = state.encode("utf-8")
    encoded_topic = topic.encode("utf-8")
    return b"".join(
        (
            ident.encode("ascii"),
            version.to_bytes(8, "big"),
            len(encoded_topic).to_bytes(4, "big"),
            encoded_topic,
            len(state).to_bytes(8, "big"),
            state,
        )
    )


def content_hash(record: bytes) -> str:
    return hashlib.sha256(record).hexdigest()


def next_chain_hash(previous: str, record: bytes) -> str:
    """SHA-256 over the previous chain hash (as bytes) and the canonical record."""
    return hashlib.sha256(bytes.fromhex(previous) + record).hexdigest()


class ChainLink:
    """The next chain hash, as :func:`next_chain_hash` over :func:`encode_record`
    gives it, but fed to SHA-256 part by part and with each topic's part worked out
    once: verification goes through millions of records this way."""

    def __init__(self) -> None:
        self.topics: dict[str, bytes] = {}

    def next(
        self, chain: bytes, ident: str, version: int, topic: str, state: bytes | str
    ) -> bytes:
        topic_part = self.topics.get(topic)
        if topic_part is None:
            encoded_topic = topic.encode("utf-8")
            topic_part = len(encoded_topic).to_bytes(4, "big") + encoded_topic
            self.topics[topic] = topic_part
        if isinstance(state, str):  # rewritten outside the engine: hashed as UTF-8
            state = state.encode("utf-8")
        h = hashlib.sha256(chain)
        h.update(ident.encode("ascii"))
        h.update(version.to_bytes(8, "big"))
        h.update(topic_part)
        h.update(len(state).to_bytes(8, "big"))
        h.update(state)
        return h.digest()


@dataclass(frozen=True)
class Head:
    """The end of a chain: the last position it covers and its hash.

    Published outside the database (in a council document, a report, an export),
    a head lets anyone prove later that nothing up to it was changed.
    """

    position: int
    chain_hash: str

    def is_well_formed(self) -> bool:
        """A position a log can hold and a SHA-256 in lower-case hex (a head read
        from a changed view may be neither; one given to check must be both)."""
        return (
            type(self.position) is int
            and 0 <= self.position <= LAST_POSITION
            and isinstance(self.chain_hash, str)
            and _SHA256.fullmatch(self.chain_hash) is not None
        )

    def __str__(self) -> str:
        return f"{self.position}:{self.chain_hash}"

    @classmethod
    def parse(cls, text: str) -> Head:
        position, sep, chain_hash = text.strip().partition(":")
        head = (
            cls(int(position), chain_hash.lower())
            if sep and re.fullmatch(r"[0-9]{1,19}", position)  # ASCII digits
            else None
        )
        if head is None or not head.is_well_formed():
            raise ValueError(MALFORMED_HEAD)
        return head


HEAD_FORM = "a head is written POSITION:SHA256, like 68:3f2a... (64 hex digits)."
"""How a head is written, to end a sentence that names the option or field."""
MALFORMED_HEAD = HEAD_FORM[0].upper() + HEAD_FORM[1:]
_SHA256 = re.compile(r"[0-9a-f]{64}")
