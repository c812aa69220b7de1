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
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import TypeAdapter, ValidationError

from samenspraak.application import commands as c
from samenspraak.application.errors import InvalidInput

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
    r"(?P<type>[A-Z][A-Za-z0-9]*(?:::[A-Z][A-Za-z0-9]*)*):(?P<id>\d+)"
)
"""``Decidim::Meetings::Meeting:905``: a commented thing, as ``--on`` names it."""

_Fault = Callable[[str], InvalidInput]
"""Makes the refusal of a row from what is wrong with it."""
_Cell = Callable[[str], str]
"""A row's value in a column, by the column's name."""

_BODY: TypeAdapter[str] = TypeAdapter(c.LongText)
_NAME: TypeAdapter[str] = TypeAdapter(c.ShortText)


@dataclass(frozen=True)
class Comment:
    """One comment of the export, checked."""

    line: int
    """The line of the file its row starts on (the header is line 1)."""
    id: int
    created_at: datetime
    body: str | None
    """None when the comment has no text (nothing but spaces)."""
    author_id: int
    author_name: str | None
    alignment: int
    """1 in favour, -1 against, 0 neither."""
    group_id: int | None
    """The user group the author commented for, if any."""
    group_name: str | None
    commentable: str
    """What it comments on, as ``TYPE:ID`` (another comment, for a reply)."""
    root_url: str

    @property
    def origin(self) -> str:
        """The comment as a reaction's ``origin`` names it: ``decidim:19736``."""
        return f"{PLATFORM}:{self.id}"

    @property
    def stakeholder(self) -> str:
        """The pseudonymous reference of whoever the comment is from: the user
        group it was posted for (``decidim-group-37715``), else its author
        (``decidim-27324``)."""
        if self.group_id is not None:
            return f"{PLATFORM}-group-{self.group_id}"
        return f"{PLATFORM}-{self.author_id}"

    @property
    def name(self) -> str | None:
        """The name the platform shows for the stakeholder: the group's or the
        author's (for the erasable directory, never for an event)."""
        return self.group_name if self.group_id is not None else self.author_name


def read_comments(export: str) -> list[Comment]:
    """Every comment of a Decidim comments export, in the order of the file."""
    text = export.removeprefix("\ufeff")
    if not text.strip():
        raise InvalidInput("export: is empty; it must be a Decidim comments export.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    start = 1  # the line the row being read starts on
    try:
        header = next(reader)
        columns = _columns(header)
        comments: list[Comment] = []
        seen: dict[int, int] = {}
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row:
                continue  # a blank line between rows
            comment = _comment(line, row, columns, len(header))
            if comment.id in seen:
                msg = (
                    f"export: line {line} repeats comment {comment.id} of line "
                    f"{seen[comment.id]}."
                )
                raise InvalidInput(msg)
            seen[comment.id] = line
            comments.append(comment)
    except csv.Error as error:
        msg = (
            f"export: line {start} is not CSV as Decidim writes it "
            f"({str(error).rstrip('.')})."
        )
        raise InvalidInput(msg) from None
    return comments


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
) -> Comment:
    def at_fault(problem: str) -> InvalidInput:
        return InvalidInput(f"export: line {line}: {problem}.")

    if len(row) != width:
        raise at_fault(f"has {len(row)} fields where the header has {width}")

    def cell(name: str) -> str:
        i = columns.get(name)
        return row[i].strip() if i is not None else ""

    def whole(name: str, *, optional: bool = False) -> int | None:
        value = cell(name)
        if optional and not value:
            return None
        if not re.fullmatch(r"\d{1,18}", value):
            raise at_fault(f"{name} must be a whole number, not {_shown(value)}")
        return int(value)

    comment_id = whole("id")
    author_id = whole("author/id")
    group_id = whole("user_group/id", optional=True)
    commentable_id = whole("commentable_id")
    assert comment_id is not None
    assert author_id is not None
    alignment = cell("alignment")
    if alignment not in ("-1", "0", "1"):
        raise at_fault(f"alignment must be -1, 0 or 1, not {_shown(alignment)}")
    commentable_type = cell("commentable_type")
    commentable = f"{commentable_type}:{commentable_id}"
    if not COMMENTABLE.fullmatch(commentable):
        msg = (
            "commentable_type must name a kind of thing, like "
            f"Decidim::Meetings::Meeting, not {_shown(commentable_type)}"
        )
        raise at_fault(msg)
    body = row[columns["body"]]
    try:
        checked_body: str | None = _BODY.validate_python(body)
    except ValidationError as error:
        if not body.strip() or "empty" in _first(error):
            checked_body = None
        else:
            raise at_fault(f"body {_first(error)}") from None
    return Comment(
        line=line,
        id=comment_id,
        created_at=_moment(cell("created_at"), at_fault),
        body=checked_body,
        author_id=author_id,
        author_name=_name(cell("author/name"), "author/name", at_fault),
        alignment=int(alignment),
        group_id=group_id,
        group_name=_name(_group_name(cell, columns), "user_group/name", at_fault),
        commentable=commentable,
        root_url=cell("root_commentable_url"),
    )


def _group_name(cell: _Cell, columns: dict[str, int]) -> str:
    """The group's name: ``user_group/name``, else its first translation given
    (``user_group/name/ca``, ``user_group/name/es``)."""
    for name in ["user_group/name", *sorted(columns)]:
        if name.startswith("user_group/name") and cell(name):
            return cell(name)
    return ""


def _name(value: str, column: str, at_fault: _Fault) -> str | None:
    if not value:
        return None
    try:
        return _NAME.validate_python(value)
    except ValidationError as error:
        raise at_fault(f"{column} {_first(error)}") from None


def _moment(value: str, at_fault: _Fault) -> datetime:
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
            f"{_shown(value)}"
        )
        raise at_fault(msg)
    return moment


def _first(error: ValidationError) -> str:
    return str(error.errors()[0]["msg"]).removeprefix("Value error, ")


def _shown(value: str) -> str:
    return f"'{value[:40]}'" if value else "nothing"


def threads(comments: Sequence[Comment]) -> dict[int, str | None]:
    """What each comment's thread is on, by comment id: the ``TYPE:ID`` its first
    comment comments on (a reply's parent is followed up the export), or None
    when the export lacks a parent on the way."""
    by_id = {comment.id: comment for comment in comments}
    found: dict[int, str | None] = {}
    for comment in comments:
        seen: set[int] = set()
        on: Comment | None = comment
        while on is not None and on.commentable.startswith(f"{A_REPLY}:"):
            seen.add(on.id)
            parent = int(on.commentable.rpartition(":")[2])
            on = by_id.get(parent) if parent not in seen else None
        found[comment.id] = on.commentable if on is not None else None
    return found


def is_on(comment: Comment, thread: str | None, wanted: Sequence[str]) -> bool:
    """Whether the comment belongs to one of the ``wanted`` things (``TYPE:ID``):
    it comments on one, or replies in a thread on one. A reply whose parent is not
    in the export is placed by its ``root_commentable_url``, which ends in the
    thing's collection and id (``.../meetings/905`` for
    ``Decidim::Meetings::Meeting:905``)."""
    if comment.commentable in wanted or (thread is not None and thread in wanted):
        return True
    if thread is not None:
        return False
    path = comment.root_url.split("?")[0].rstrip("/")
    return any(path.endswith(f"/{_collection(w)}") for w in wanted)


def _collection(commentable: str) -> str:
    """``meetings/905`` for ``Decidim::Meetings::Meeting:905``."""
    kind, _, number = commentable.rpartition(":")
    return f"{kind.rpartition('::')[2].lower()}s/{number}"
