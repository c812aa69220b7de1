"""The comments of a CONSUL Democracy export, read for an import.

CONSUL Democracy (the platform of decide.madrid.es and many other cities) has its
proposals' comments exported as a ``,``-separated CSV file in UTF-8:
``id,parentId,proposalId,page,userId,userType,date,time,text,numVotes,...``, the
texts quoted where they need it, over several lines where they were written so (a
first, unnamed column numbering the rows is ignored, as is every column not
needed). :func:`read_comments` reads such a file whole, or refuses it with one
sentence that names the line at fault: an import records all of it or nothing.

What the export does not hold, the import does not invent:

- a comment says nothing in favour or against: every comment takes the stance the
  facilitator gives for a neutral one (alignment 0);
- its author has no name in it: the stakeholder ``consul-<userId>`` comes with no
  name, so the directory holds the pseudonymous reference alone;
- its date and time have no offset: they are read as the platform's local time,
  Europe/Madrid (the time of decide.madrid.es), summer time where it applied; a
  time in the hour the clocks go back is taken as the first of the two (summer
  time), one in the hour they skip as if they had not gone forward yet.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from samenspraak.application.errors import InvalidInput
from samenspraak.application.platform_comments import (
    Fault,
    PlatformComment,
    body_of,
    once,
    shown,
    whole_number,
)
from samenspraak.domain.values import StakeholderKind

PLATFORM = "consul"
"""How the platform is named in a reaction's ``origin`` and in the references of
the stakeholders it brings in."""

TIMEZONE = ZoneInfo("Europe/Madrid")
"""The local time the export's dates and times are written in."""

REQUIRED = ("id", "proposalId", "userId", "userType", "date", "time", "text")
"""The columns an import cannot do without."""

KINDS = {
    "": None,
    "Autor": None,  # the proposal's author replying: says nothing of who they are
    "Colectivo": StakeholderKind.INSTITUTION,  # an organisation's account
    "Empleados públicos": StakeholderKind.CIVIL_SERVANT,  # a public employee's
}
"""What a comment's ``userType`` says of who its author is (None: nothing; they are
a resident unless another of their comments says otherwise)."""

PUBLIC_EMPLOYEES_LEFT_OUT = "by a public employee"
"""Why an import with ``leave_out_civil_servants`` skipped a comment."""

_TIME = re.compile(r"(?:0 days )?([0-9]{2}):([0-9]{2}):([0-9]{2})")
"""``0 days 10:50:19`` (as the export writes a time of day) or ``10:50:19``."""


def read_comments(export: str) -> list[PlatformComment]:
    """Every comment of a CONSUL comments export, in the order of the file."""
    text = export.removeprefix("\ufeff")
    if not text.strip():
        raise InvalidInput("export: is empty; it must be a CONSUL comments export.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=",", strict=True)
    start = 1  # the line the row being read starts on
    rows: list[tuple[int, Sequence[str]]] = []
    try:
        header = next(reader)
        columns = _columns(header)
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if row:  # not a blank line between rows
                rows.append((line, row))
    except csv.Error as error:
        msg = (
            f"export: line {start} is not CSV as CONSUL's export writes it "
            f"({str(error).rstrip('.')})."
        )
        raise InvalidInput(msg) from None
    seen: dict[int, int] = {}
    said: dict[str, tuple[StakeholderKind, int]] = {}
    comments: list[PlatformComment] = []
    for line, fields in rows:
        comment, kind = _comment(line, fields, columns, len(header))
        once(seen, comment)
        if kind is not None:
            earlier = said.setdefault(comment.stakeholder, (kind, line))
            if earlier[0] != kind:
                msg = (
                    f"export: line {line}: user {comment.stakeholder} comments as "
                    f"{kind.value}, but as {earlier[0].value} on line {earlier[1]}."
                )
                raise InvalidInput(msg)
        comments.append(comment)
    kinds = {ref: kind for ref, (kind, _) in said.items()}
    return [
        replace(x, kind=kinds[x.stakeholder]) if x.stakeholder in kinds else x
        for x in comments
    ]


def is_on(comment: PlatformComment, wanted: Sequence[str]) -> bool:
    """Whether the comment is on one of the ``wanted`` proposals
    (``proposal:ID``): every row names its proposal, so a reply whose parent is
    not in the export is placed as well."""
    return comment.on in wanted


def _columns(header: Sequence[str]) -> dict[str, int]:
    columns = {name.strip(): i for i, name in enumerate(header)}
    if len(header) < 2:
        msg = (
            "export: is not a CONSUL comments export: its first line has no "
            f"columns separated by ',' (it needs {', '.join(REQUIRED)})."
        )
        raise InvalidInput(msg)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        msg = (
            "export: is not a CONSUL comments export: it has no "
            f"{'column' if len(missing) == 1 else 'columns'} {', '.join(missing)}."
        )
        raise InvalidInput(msg)
    return columns


def _comment(
    line: int, row: Sequence[str], columns: dict[str, int], width: int
) -> tuple[PlatformComment, StakeholderKind | None]:
    """The row's comment, and who its author is if the row says so."""

    def at_fault(problem: str) -> InvalidInput:
        return InvalidInput(f"export: line {line}: {problem}.")

    if len(row) != width:
        raise at_fault(f"has {len(row)} fields where the header has {width}")

    def cell(name: str) -> str:
        return row[columns[name]].strip()

    comment_id = whole_number(cell("id"), "id", at_fault)
    proposal = whole_number(cell("proposalId"), "proposalId", at_fault)
    user = whole_number(cell("userId"), "userId", at_fault)
    user_type = cell("userType")
    if user_type not in KINDS:
        known = ", ".join(f"'{k}'" for k in KINDS if k)
        raise at_fault(f"userType must be empty, {known}, not {shown(user_type)}")
    body = body_of(row[columns["text"]], "text", at_fault)
    on = f"proposal:{proposal}"
    comment = PlatformComment(
        platform=PLATFORM,
        line=line,
        id=comment_id,
        created_at=_moment(cell("date"), cell("time"), at_fault),
        body=body,
        stakeholder=f"{PLATFORM}-{user}",
        name=None,  # the export holds no name: the directory holds the reference
        kind=StakeholderKind.RESIDENT,
        alignment=0,  # a CONSUL comment is neither in favour nor against
        on=on,
        thread=on,
    )
    return comment, KINDS[user_type]


def _moment(date: str, time: str, at_fault: Fault) -> datetime:
    """``2015-09-15`` and ``0 days 10:50:19``, in Madrid's local time, as the
    moment in UTC."""
    clock = _TIME.fullmatch(time)
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", date):
            raise ValueError(date)
        day = datetime.strptime(date, "%Y-%m-%d")
    except ValueError:
        raise at_fault(
            f"date must be a day like 2015-09-15, not {shown(date)}"
        ) from None
    if clock is None or int(clock[1]) > 23 or int(clock[2]) > 59 or int(clock[3]) > 59:
        msg = f"time must be a time of day like 0 days 10:50:19, not {shown(time)}"
        raise at_fault(msg)
    hour, minute, second = (int(clock[i]) for i in (1, 2, 3))
    local = day.replace(hour=hour, minute=minute, second=second, tzinfo=TIMEZONE)
    return local.astimezone(UTC)
