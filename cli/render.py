"""Readable tables and JSON for the CLI's read commands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import click
from pydantic import BaseModel

from samenspraak.application.commands import replace_controls
from samenspraak.domain.clock import on_dutch_clocks

NONE = "(none)"


def table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], whole: Sequence[int] = ()
) -> str:
    """A plain-text table with aligned columns; long texts are shortened, except
    in the ``whole`` columns (hashes, which are only useful in full). With no rows,
    ``(none)``: headers over nothing read as a fault."""
    if not rows:
        return NONE
    cells = [[_cell(v, i in whole) for i, v in enumerate(row)] for row in rows]
    widths = [
        max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)
    ]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
    return "\n".join(lines)


def _cell(value: Any, whole: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):  # on Dutch clocks; to the second, when not
        return on_dutch_clocks(value)  # a whole minute
    return one_line(str(value)) if whole else short(str(value))


def short(text: str) -> str:
    """A text as a table shows it: on one line, and cut short with ``...`` when it
    is longer than 60 characters."""
    text = one_line(text)
    return text if len(text) <= 60 else text[:57] + "..."


def one_line(text: str) -> str:
    """A text on one line, for a table cell: each line break (``\\n``, ``\\r\\n``,
    a lone ``\\r``) and tab becomes a space, so that no row is broken or written
    over on a terminal."""
    return visible(" ".join(text.splitlines()).replace("\t", " "))


def visible(text: str) -> str:
    """A text with each control character that is not a line break or a tab shown
    as U+FFFD: a terminal would run an escape sequence (a record kept before such
    characters were refused, or replayed from a bundle, may hold one)."""
    return replace_controls(text)


def continued(first: str, text: str, indent: str = "    ") -> list[str]:
    """``first`` followed by a text that may run over several lines: the lines after
    its first are indented, so that they read as part of it."""
    head, *rest = visible(text).splitlines() or [""]
    return [first + head, *(indent + line if line else "" for line in rest)]


def emit_json(model: BaseModel | Sequence[BaseModel]) -> None:
    click.echo(json_text(model))


def json_text(model: BaseModel | Sequence[BaseModel]) -> str:
    if isinstance(model, BaseModel):
        return model.model_dump_json(indent=2)
    if not model:
        return "[]"
    return "[" + ",\n".join(m.model_dump_json(indent=2) for m in model) + "]"


def section(title: str) -> str:
    return f"\n{title}\n"


def tally_text(tally: dict[str, int]) -> str:
    return ", ".join(f"{k} {n}" for k, n in tally.items()) or "-"
