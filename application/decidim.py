"""The comments of a Decidim open-data export, read for an import.

Decidim (the participation platform many municipalities run the online part of a
reaction period on) publishes its comments as a ``;``-separated CSV file in UTF-8:
``id;created_at;body;locale;author/id;author/name;alignment;depth;user_group/id;
...;commentable_id;commentable_type;root_commentable_url``, bodies quoted, over
several lines where they were written so. :func:`read_comments` reads such a file
whole, or refuses it with one sentence that names the line at fault: an import
records all of it or nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from samenspraak.application.errors import InvalidInput
from samenspraak.application.platform_comments import (
    Fault,
    PlatformComment,
    body_of,
    name_of,
    once,
    shown,
    whole_number,
)
from samenspraak.domain.clock import FIRST_YEAR, LAST_YEAR
from samenspraak.domain.values import StakeholderKind

PLATFORM = "decidim"
"""How the platform is named in a reaction's ``origin`` and in the references of
the stakeholders it brings in."""

REQUIRED = (
    "id",
    "created_at",
    "body",
    "author/id",
    "author/name",
    "alignment",
    "commentable_id",
    "commentable_type",
)
"""The columns an import cannot do without."""

A_REPLY = "Decidim::Comments::Comment"
"""The ``commentable_type`` of a reply: it comments on another comment."""

COMMENTABLE = re.compile(
    r"(?P<type>[A-Z][A-Za-z0-9]*(?:::[A-Z][A-Za-z0-9]*)*):(?P<id>[0-9]+)"
)
"""``Decidim::Meetings::Meeting:905``: a commented thing, as ``--on`` names it."""

_Cell = Callable[[str], str]
"""A row's value in a column, by the column's name."""


def read_comments(export: str) -> list[PlatformComment]:
    """Every comment of a Decidim comments export, in the order of the file, each
    with what its thread is on."""
    text = export.removeprefix("\ufeff")
    if not text.strip():
        raise InvalidInput("export: is empty; it must be a Decidim comments export.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    start = 1  # the line the row being read starts on
    try:
        header = next(reader)
        columns = _columns(header)
        comments: list[PlatformComment] = []
        seen: dict[int, int] = {}
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row:
                continue  # a blank line between rows
            comments.append(once(seen, _comment(line, row, columns, len(header))))
    except csv.Error as error:
        msg = (
            f"export: line {start} is not CSV as Decidim writes it "
            f"({str(error).rstrip('.')})."
        )
        raise InvalidInput(msg) from None
    found = threads(comments)
    return [replace(x, thread=found[x.id]) for x in comments]


def _columns(header: Sequence[str]) -> dict[str, int]:
    columns = {name.strip(): i for i, name in enumerate(header)}
    missing = [name for name in REQUIRED if name not in columns]
    if len(header) < 2:
        msg = (
            "export: is not a Decidim comments export: its first line has no "
            f"columns separated by ';' (it needs {', '.join(REQUIRED)})."
        )
        raise InvalidInput(msg)
    if missing:
        msg = (
            "export: is not a Decidim comments export: it has no "
            f"{'column' if len(missing) == 1 else 'columns'} {', '.join(missing)}."
        )
        raise InvalidInput(msg)
    return columns


def _comment(
    line: int, row: Sequence[str], columns: dict[str, int], width: int
) -> PlatformComment:
    def at_fault(problem: str) -> InvalidInput:
        return InvalidInput(f"export: line {line}: {problem}.")

    if len(row) != width:
        raise at_fault(f"has {len(row)} fields where the header has {width}")

    def cell(name: str) -> str:
        i = columns.get(name)
        return row[i].strip() if i is not None else ""

    comment_id = whole_number(cell("id"), "id", at_fault)
    author_id = whole_number(cell("author/id"), "author/id", at_fault)
    group = cell("user_group/id")
    group_id = whole_number(group, "user_group/id", at_fault) if group else None
    commentable_id = whole_number(cell("commentable_id"), "commentable_id", at_fault)
    alignment = cell("alignment")
    if alignment not in ("-1", "0", "1"):
        raise at_fault(f"alignment must be -1, 0 or 1, not {shown(alignment)}")
    commentable_type = cell("commentable_type")
    commentable = f"{commentable_type}:{commentable_id}"
    if not COMMENTABLE.fullmatch(commentable):
        msg = (
            "commentable_type must name a kind of thing, like "
            f"Decidim::Meetings::Meeting, not {shown(commentable_type)}"
        )
        raise at_fault(msg)
    body = body_of(row[columns["body"]], "body", at_fault)
    created_at = _moment(cell("created_at"), at_fault)
    author_name = name_of(cell("author/name"), "author/name", at_fault)
    group_name = name_of(_group_name(cell, columns), "user_group/name", at_fault)
    return PlatformComment(
        platform=PLATFORM,
        line=line,
        id=comment_id,
        created_at=created_at,
        body=body,
        # Posted for a user group: from the group (an institution), else from
        # its author (a resident).
        stakeholder=(
            f"{PLATFORM}-group-{group_id}"
            if group_id is not None
            else f"{PLATFORM}-{author_id}"
        ),
        name=group_name if group_id is not None else author_name,
        kind=(
            StakeholderKind.INSTITUTION
            if group_id is not None
            else StakeholderKind.RESIDENT
        ),
        alignment=int(alignment),
        on=commentable,
        thread=None,
        url=cell("root_commentable_url"),
    )


def _group_name(cell: _Cell, columns: dict[str, int]) -> str:
    """The group's name: ``user_group/name``, else its first translation given
    (``user_group/name/ca``, ``user_group/name/es``)."""
    for name in ["user_group/name", *sorted(columns)]:
        if name.startswith("user_group/name") and cell(name):
            return cell(name)
    return ""


def _moment(value: str, at_fault: Fault) -> datetime:
    """``2017-10-16 07:18:14 UTC`` as Decidim writes it, or ISO 8601 with an
    offset (``2017-10-16T09:18:14+02:00``)."""
    try:
        if value.endswith(" UTC"):
            moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S UTC").replace(
                tzinfo=UTC
            )
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        msg = (
            "created_at must be a time like 2017-10-16 07:18:14 UTC, not "
            f"{shown(value)}"
        )
        raise at_fault(msg)
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        # As a moment given by hand: no view or report could write it back.
        msg = (
            "created_at needs a timezone offset in whole minutes, like +01:00, "
            f"not {shown(value)}"
        )
        raise at_fault(msg)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        msg = (
            f"created_at must be a moment between the years {FIRST_YEAR} and "
            f"{LAST_YEAR}, not {shown(value)}"
        )
        raise at_fault(msg)
    return moment


def threads(comments: Sequence[PlatformComment]) -> dict[int, str | None]:
    """What each comment's thread is on, by comment id: the ``TYPE:ID`` its first
    comment comments on (a reply's parent is followed up the export), or None
    when the export lacks a parent on the way."""
    by_id = {comment.id: comment for comment in comments}
    found: dict[int, str | None] = {}
    for comment in comments:
        seen: set[int] = set()
        on: PlatformComment | None = comment
        while on is not None and on.on.startswith(f"{A_REPLY}:"):
            seen.add(on.id)
            parent = int(on.on.rpartition(":")[2])
            on = by_id.get(parent) if parent not in seen else None
        found[comment.id] = on.on if on is not None else None
    return found


def is_on(comment: PlatformComment, wanted: Sequence[str]) -> bool:
    """Whether the comment belongs to one of the ``wanted`` things (``TYPE:ID``):
    it comments on one, or replies in a thread on one. A reply whose parent is not
    in the export is placed by its ``root_commentable_url``, which ends in the
    thing's collection and id (``.../meetings/905`` for
    ``Decidim::Meetings::Meeting:905``)."""
    thread = comment.thread
    if comment.on in wanted or (thread is not None and thread in wanted):
        return True
    if thread is not None:
        return False
    path = comment.url.split("?")[0].rstrip("/")
    return any(path.endswith(f"/{_collection(w)}") for w in wanted)


def _collection(commentable: str) -> str:
    """``meetings/905`` for ``Decidim::Meetings::Meeting:905``."""
    kind, _, number = commentable.rpartition(":")
    return f"{kind.rpartition('::')[2].lower()}s/{number}"
