"""The comments of a participation platform's export, as an import reads them.

Each platform writes its comments its own way; a reader per platform
(:mod:`~samenspraak.application.decidim`, :mod:`~samenspraak.application.consul`)
checks its export whole and gives the same :class:`PlatformComment` records, which
one import path records as reactions. A reader refuses an export with one
sentence that names the line at fault: an import records all of it or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import TypeAdapter, ValidationError

from samenspraak.application import commands as c
from samenspraak.application.errors import InvalidInput
from samenspraak.domain.values import StakeholderKind

Fault = Callable[[str], InvalidInput]
"""Makes the refusal of a row from what is wrong with it."""

_BODY: TypeAdapter[str] = TypeAdapter(c.LongText)
_NAME: TypeAdapter[str] = TypeAdapter(c.ShortText)


@dataclass(frozen=True)
class PlatformComment:
    """One comment of a platform's export, checked."""

    platform: str
    """How the platform is named in an ``origin`` and in references: ``decidim``,
    ``consul``."""
    line: int
    """The line of the file its row starts on (the header is line 1)."""
    id: int
    """The comment's id on the platform."""
    created_at: datetime
    """When it was posted, with its offset."""
    body: str | None
    """None when the comment has no text (nothing but spaces)."""
    stakeholder: str
    """The pseudonymous reference of whom it is from: ``decidim-27324``,
    ``decidim-group-37715``, ``consul-2780``."""
    name: str | None
    """The name the platform shows for them (for the erasable directory, never for
    an event); None when the export holds none."""
    kind: StakeholderKind
    """Who they are in the process, when the import brings them in."""
    alignment: int
    """1 in favour, -1 against, 0 neither (or not said)."""
    on: str
    """What it comments on directly, as ``--on`` names a thing: another comment
    for a reply (``Decidim::Comments::Comment:501``), ``proposal:7``."""
    thread: str | None
    """What its thread is on (not a comment), or None when the export lacks a
    parent on the way."""
    url: str = ""
    """The address of what its thread is on, as the export gives it ("": not
    given)."""

    @property
    def origin(self) -> str:
        """The comment as a reaction's ``origin`` names it: ``decidim:19736``."""
        return f"{self.platform}:{self.id}"


def chosen(
    comments: Sequence[PlatformComment],
    wanted: Sequence[str],
    is_on: Callable[[PlatformComment, Sequence[str]], bool],
) -> list[PlatformComment]:
    """The comments on the things ``wanted`` (every comment when none is), or a
    refusal naming a thing no comment of the export is on."""
    for thing in wanted:
        if not any(is_on(x, [thing]) for x in comments):
            raise InvalidInput(f"on: no comment of the export is on {thing}.")
    return [x for x in comments if not wanted or is_on(x, wanted)]


def once(seen: dict[int, int], comment: PlatformComment) -> PlatformComment:
    """The comment, noted in ``seen`` (the line of each comment id read so far),
    or the refusal of an export that gives it twice, naming both lines."""
    if comment.id in seen:
        msg = (
            f"export: line {comment.line} repeats comment {comment.id} of line "
            f"{seen[comment.id]}."
        )
        raise InvalidInput(msg)
    seen[comment.id] = comment.line
    return comment


def whole_number(value: str, column: str, at_fault: Fault) -> int:
    """A column's whole number (an id), or the row's refusal."""
    if not re.fullmatch(r"[0-9]{1,18}", value):  # digits as exports write them
        raise at_fault(f"{column} must be a whole number, not {shown(value)}")
    return int(value)


def body_of(value: str, column: str, at_fault: Fault) -> str | None:
    """A comment's text, checked as a reaction's; None when it has none."""
    try:
        return _BODY.validate_python(value)
    except ValidationError as error:
        if not value.strip() or "empty" in first(error):
            return None
        raise at_fault(f"{column} {first(error)}") from None


def name_of(value: str, column: str, at_fault: Fault) -> str | None:
    """A name as the platform shows it, checked; None when there is none."""
    if not value:
        return None
    try:
        return _NAME.validate_python(value)
    except ValidationError as error:
        raise at_fault(f"{column} {first(error)}") from None


def first(error: ValidationError) -> str:
    return str(error.errors()[0]["msg"]).removeprefix("Value error, ")


def shown(value: str) -> str:
    return f"'{value[:40]}'" if value else "nothing"
