"""The process diagram of a template: its phases, in order, and the transitions.

Three renderings of the same content, each a pure function of a
:class:`~samenspraak.domain.templates.ProcessTemplate` and, optionally, the phase an
initiative is in now:

- :func:`render_mermaid`: a Mermaid ``flowchart LR`` (for Markdown, GitHub, GitLab);
- :func:`render_dot`: Graphviz DOT (``dot -Tpng``);
- :func:`render_svg`: a self-contained SVG drawn here, so no Graphviz is needed.

Every phase is a node, in the template's order, from a start mark to an end mark
(the initiative closed). Each transition is labelled with the guards to leave the
phase it comes from. A society-only phase is drawn with a dashed border and says so;
the current phase is filled. No external tool is run and no script is written; every
text is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from samenspraak.application.commands import TEMPLATE_REF_LENGTH
from samenspraak.application.errors import InvalidInput, NotFound
from samenspraak.domain.templates import (
    GUARDS,
    Phase,
    ProcessTemplate,
    from_definition,
)

if TYPE_CHECKING:
    from samenspraak.application.templates import Registry

FORMATS: tuple[str, ...] = ("mermaid", "dot", "svg")
"""The formats a diagram is rendered in."""


@dataclass(frozen=True)
class DiagramWords:
    """The few words a diagram shows besides the phase and guard names."""

    current: str = "current phase"
    passed: str = "passed"
    to_come: str = "to come"
    society_only: str = "society only"
    start: str = "start"
    closed: str = "closed"
    guards: str = "guards: what must hold to leave a phase"
    legend: str = "Legend"
    title: str = "{name} v{version}: phases and transitions"
    reaction_period: str = "reaction period: {days} days"
    reaction_period_one: str = "reaction period: 1 day"
    texts: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    """Phase descriptions and guard explanations in the diagram's language, by
    their text in the template (those not found are shown as written)."""

    def said(self, text: str) -> str:
        """``text`` in the diagram's language, when a translation is known."""
        return self.texts.get(text, text)

    def period(self, days: int) -> str:
        """A reaction period of ``days`` days, in the singular for one day."""
        if days == 1:
            return self.reaction_period_one
        return self.reaction_period.format(days=days)

    def guard(self, name: str) -> str:
        """What the guard ``name`` asks, in the diagram's language."""
        return self.said(GUARDS.get(name, name))


ENGLISH = DiagramWords()


def check_format(fmt: str) -> str:
    """``fmt`` when it is a known format; otherwise :class:`InvalidInput`."""
    if fmt not in FORMATS:
        msg = f"format: must be one of {', '.join(FORMATS)}, not {fmt!r}."
        raise InvalidInput(msg)
    return fmt


def render(
    process: ProcessTemplate,
    current: str | None = None,
    *,
    fmt: str = "mermaid",
    labels: Mapping[str, str] | None = None,
    words: DiagramWords = ENGLISH,
) -> str:
    """The diagram in one of :data:`FORMATS`."""
    renderer = {"mermaid": render_mermaid, "dot": render_dot, "svg": render_svg}
    return renderer[check_format(fmt)](process, current, labels=labels, words=words)


# --- Looking templates up ------------------------------------------------------------

_REFERENCE = re.compile(r"^(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)(?:@(?P<version>[^@]+))?$")


def template_for(subject: str, registry: Registry | None = None) -> ProcessTemplate:
    """The template ``NAME`` (its latest version) or ``NAME@VERSION`` of
    ``registry``, by default the installed ones."""
    from samenspraak.application.templates import installed  # noqa: PLC0415 (cycle)

    found = _REFERENCE.match(subject)
    if found is None or len(subject) > TEMPLATE_REF_LENGTH:
        shown = (
            repr(subject)
            if len(subject) <= TEMPLATE_REF_LENGTH
            else f"{subject[:20]!r}... ({len(subject):,} characters)"
        )
        msg = (
            f"{shown} is neither an initiative nor a template; name a template as "
            "NAME or NAME@VERSION (like omgevingswet@1)."
        )
        raise NotFound(msg)
    templates = installed() if registry is None else registry
    return templates.get(found["name"], found["version"])


def template_of_initiative(
    name: str,
    version: str,
    phases: Sequence[str],
    *,
    content_hash: str | None = None,
    definition: Mapping[str, Any] | None = None,
) -> ProcessTemplate:
    """The template an initiative follows: rebuilt from the definition its record
    keeps, else the installed template of that name and version (when its content
    hash matches the recorded one), else a template of just the phase names."""
    from samenspraak.application import templates  # noqa: PLC0415 (imports the app)

    if definition is not None:
        # Read as the engine reads it (not as a file is checked: a definition
        # pinned once stays what the initiative follows, whatever files take now).
        try:
            kept: ProcessTemplate | None = from_definition(definition)
        except (KeyError, TypeError, ValueError, AttributeError):
            kept = None
        if kept is not None and content_hash in (None, kept.content_hash):
            return kept
    found = templates.installed().templates.get((name, version))
    if found is not None and content_hash in (None, found.content_hash):
        return found
    return ProcessTemplate(name, version, "", tuple(Phase(p, "") for p in phases))


# --- Shared --------------------------------------------------------------------------


def _phase_names(process: ProcessTemplate, current: str | None) -> list[str]:
    names = [p.name for p in process.phases]
    if current is not None and current not in names:
        msg = f"{process.name} v{process.version} has no phase {current}."
        raise ValueError(msg)
    return names


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _label(phase: Phase, labels: Mapping[str, str] | None) -> str:
    return _one_line((labels or {}).get(phase.name, phase.name))


# --- Mermaid -------------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label: quotes and angle brackets as entities."""
    return (
        _one_line(text)
        .replace("#", "#35;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
    )


def render_mermaid(
    process: ProcessTemplate,
    current: str | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    words: DiagramWords = ENGLISH,
) -> str:
    """A Mermaid ``flowchart LR``; the current phase has the class ``current``."""
    names = _phase_names(process, current)
    title = words.title.format(name=process.name, version=process.version)
    lines = ["flowchart LR", f"  %% {_one_line(title)}"]
    if current is not None:
        lines.append(f"  %% {_one_line(words.current)}: {current}")
    lines.append(f'  start(("{_mermaid_text(words.start)}"))')
    for i, phase in enumerate(process.phases, start=1):
        text = _mermaid_text(_label(phase, labels))
        if phase.society_only:
            text += f"<br/><i>{_mermaid_text(words.society_only)}</i>"
        lines.append(f'  p{i}["{text}"]')
    lines.append(f'  closed((("{_mermaid_text(words.closed)}")))')
    ids = ["start", *(f"p{i}" for i in range(1, len(names) + 1)), "closed"]
    for i, (source, target) in enumerate(pairwise(ids)):
        guards = process.phases[i - 1].guards if i > 0 else ()
        if guards:
            # In another language, what each guard asks (Mermaid has no tooltips).
            label = "<br/>".join(
                _mermaid_text(words.guard(g) if words.texts else g) for g in guards
            )
            lines.append(f'  {source} -->|"{label}"| {target}')
        else:
            lines.append(f"  {source} --> {target}")
    society = [f"p{i}" for i, p in enumerate(process.phases, 1) if p.society_only]
    at = names.index(current) if current is not None else None
    kinds: dict[str, list[str]] = {"phase": [], "passed": [], "current": []}
    for i in range(len(names)):
        kind = "phase" if at is None or i > at else "passed" if i < at else "current"
        kinds[kind].append(f"p{i + 1}")
    styles = {
        "phase": "fill:#ffffff,stroke:#1b3a5c,color:#1b3a5c",
        "passed": "fill:#eef2f6,stroke:#8a94a0,color:#52606d",
        "current": (
            "fill:#0f7c86,stroke:#0b5c63,stroke-width:3px,color:#ffffff,"
            "font-weight:bold"
        ),
    }
    for kind, nodes in kinds.items():
        if nodes:
            lines.append(f"  classDef {kind} {styles[kind]}")
            lines.append(f"  class {','.join(nodes)} {kind}")
    if society:
        lines.append("  classDef societyOnly stroke-dasharray:6 4")
        lines.append(f"  class {','.join(society)} societyOnly")
    return "\n".join(lines) + "\n"


# --- Graphviz DOT --------------------------------------------------------------------


def _dot_text(text: str) -> str:
    """Text inside a quoted DOT string."""
    return _one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def render_dot(
    process: ProcessTemplate,
    current: str | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    words: DiagramWords = ENGLISH,
) -> str:
    """A Graphviz ``digraph``, left to right; the current phase is filled."""
    names = _phase_names(process, current)
    at = names.index(current) if current is not None else None
    title = words.title.format(name=process.name, version=process.version)
    lines = [
        f'digraph "{_dot_text(process.name)} v{_dot_text(process.version)}" {{',
        f'  label="{_dot_text(title)}";',
        "  labelloc=t;",
        "  rankdir=LR;",
        '  fontname="Helvetica";',
        '  node [shape=box, style="rounded", fontname="Helvetica", '
        'color="#1b3a5c", fontcolor="#1b3a5c"];',
        '  edge [fontname="Helvetica", fontsize=10, color="#52606d"];',
    ]
    if current is not None:
        lines.append(f"  // {_one_line(words.current)}: {current}")
    lines.append(
        f'  start [shape=circle, style=filled, fillcolor="#1b3a5c", label="", '
        f'width=0.2, xlabel="{_dot_text(words.start)}"];'
    )
    for i, phase in enumerate(process.phases):
        text = _dot_text(_label(phase, labels))
        style = ["rounded"]
        extra = ""
        if phase.society_only:
            text += f"\\n({_dot_text(words.society_only)})"
            style.append("dashed")
        if at is not None and i == at:
            style += ["filled", "bold"]
            extra = ', fillcolor="#0f7c86", fontcolor="white", penwidth=2.5'
        elif at is not None and i < at:
            style.append("filled")
            extra = ', fillcolor="#eef2f6", fontcolor="#52606d", color="#8a94a0"'
        tooltip = _dot_text(words.said(phase.description) or phase.name)
        lines.append(
            f'  p{i + 1} [label="{text}", style="{",".join(style)}", '
            f'tooltip="{tooltip}"{extra}];'
        )
    lines.append(
        '  closed [shape=doublecircle, label="", width=0.18, style=filled, '
        f'fillcolor="#1b3a5c", xlabel="{_dot_text(words.closed)}"];'
    )
    ids = ["start", *(f"p{i}" for i in range(1, len(names) + 1)), "closed"]
    for i, (source, target) in enumerate(pairwise(ids)):
        guards = process.phases[i - 1].guards if i > 0 else ()
        if guards:
            label = "\\n".join(_dot_text(g) for g in guards)
            tooltip = _dot_text("; ".join(words.guard(g) for g in guards))
            lines.append(
                f'  {source} -> {target} [label="{label}", tooltip="{tooltip}"];'
            )
        else:
            lines.append(f"  {source} -> {target};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- SVG -----------------------------------------------------------------------------

NAVY = "#1b3a5c"
TEAL = "#0f7c86"
TEAL_DARK = "#0b5c63"
MUTED = "#52606d"
GREY = "#8a94a0"
PASSED_FILL = "#eef2f6"
GUARD_INK = "#7a4b06"
FONT = "system-ui,-apple-system,'Segoe UI',Roboto,'Liberation Sans',Arial,sans-serif"

NAME_SIZE = 13.0
TAG_SIZE = 10.5
GUARD_SIZE = 10.5
LINE = 13.0
CHAR = 0.6
BOLD = 0.68
BOX_H = 52.0
BADGE = 20.0
"""Room above each row for the current phase's badge."""
MARGIN = 14.0
MIN_BOX, MAX_BOX = 96.0, 250.0
MIN_GAP = 44.0
MARK = 16.0
"""The width of the start and end marks."""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _width(text: str, size: float, factor: float = CHAR) -> float:
    return len(text) * size * factor


def _fit(text: str, room: float, size: float, factor: float) -> str:
    """The text, shortened with an ellipsis when it is wider than ``room``."""
    if _width(text, size, factor) <= room:
        return text
    keep = max(1, int(room / (size * factor)) - 1)
    return text[:keep] + "…"


@dataclass
class _Item:
    kind: str
    """``start``, ``phase`` or ``end``."""
    width: float
    phase: Phase | None = None
    index: int = -1
    x: float = 0.0
    row: int = 0


def _guard_lines(phase: Phase | None) -> list[str]:
    return list(phase.guards) if phase is not None else []


def _gap_for(lines: list[str]) -> float:
    widest = max((_width(line, GUARD_SIZE) for line in lines), default=0.0)
    return max(MIN_GAP, widest + 22)


def render_svg(
    process: ProcessTemplate,
    current: str | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    words: DiagramWords = ENGLISH,
    width: float = 920,
    css_class: str = "pd",
    id_prefix: str = "pd",
    described_by: str | None = None,
) -> str:
    """A self-contained SVG: boxes in rows that wrap at ``width``, arrows between
    them labelled with the guards, the current phase filled, and a legend.
    ``described_by``: the id of what says the same in words (:func:`in_words`)."""
    names = _phase_names(process, current)
    at = names.index(current) if current is not None else None
    items = _items(process, labels, words)
    rows = _layout(items, width)
    row_heights = _row_heights(items, rows)
    tops: list[float] = []
    y = MARGIN
    for i, height in enumerate(row_heights):
        tops.append(y)
        y += height + (_wrap_room(items, rows, i) if i + 1 < len(rows) else 0)
    legend_y = y + 8
    legend, legend_height = _legend(words, at is not None, process, width, legend_y)
    total = legend_y + legend_height + 6
    title = words.title.format(name=process.name, version=process.version)
    if current is not None:
        title += f"; {words.current}: {_label(process.phases[at or 0], labels)}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{_e(css_class)}" '
        f'viewBox="0 0 {width:g} {total:.0f}" width="{width:g}" '
        f'height="{total:.0f}" role="img" aria-labelledby="{_e(id_prefix)}-title" '
        + (f'aria-describedby="{_e(described_by)}" ' if described_by else "")
        + f'font-family="{FONT}">',
        f'<title id="{_e(id_prefix)}-title">{_e(title)}</title>',
    ]
    for n, item in enumerate(items):
        mid = tops[item.row] + BADGE + BOX_H / 2
        out.append(_draw_item(item, mid, at, labels, words))
        if n + 1 == len(items):
            continue
        after = items[n + 1]
        lines = _guard_lines(item.phase)
        if after.row == item.row:
            x0, x1 = item.x + item.width, after.x
            out.append(
                f'<line x1="{x0 + 2:.1f}" y1="{mid:.1f}" x2="{x1 - 8:.1f}" '
                f'y2="{mid:.1f}" stroke="{MUTED}" stroke-width="1.6"/>'
                + _head(x1 - 2, mid, "right")
            )
            out.append(_in_row_labels(lines, (x0 + x1) / 2, mid, words))
        else:
            out.append(
                _wrap_connector(
                    item,
                    after,
                    tops=tops,
                    heights=row_heights,
                    lines=lines,
                    width=width,
                    mid=mid,
                    words=words,
                )
            )
    out.append(legend)
    out.append("</svg>")
    return "".join(out)


def in_words(
    process: ProcessTemplate,
    current: str | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    words: DiagramWords = ENGLISH,
    list_id: str = "pd-phases",
) -> str:
    """What the SVG shows, and tells only in its tooltips, as an HTML list: each
    phase in order with its description, whether it is the current one, whether
    it is for society only, its reaction period, and what must hold to leave it."""
    at = _phase_names(process, current).index(current) if current else None
    items = []
    for i, phase in enumerate(process.phases):
        notes = [words.current] if i == at else []
        if phase.society_only:
            notes.append(words.society_only)
        if phase.reaction_period_days is not None:
            notes.append(words.period(phase.reaction_period_days))
        said = f"<b>{_e(_label(phase, labels))}</b>"
        if notes:
            said += f" ({_e('; '.join(notes))})"
        if phase.description:
            said += f": {_e(words.said(phase.description))}"
        if phase.guards:
            guards = "".join(
                f"<li><code>{_e(g)}</code>: {_e(words.guard(g))}</li>"
                for g in phase.guards
            )
            said += f"<br>{_e(words.guards[:1].upper() + words.guards[1:])}:"
            said += f"<ul>{guards}</ul>"
        items.append(f"<li>{said}</li>")
    return f'<ol id="{_e(list_id)}">{"".join(items)}</ol>'


def _items(
    process: ProcessTemplate, labels: Mapping[str, str] | None, words: DiagramWords
) -> list[_Item]:
    items = [_Item("start", MARK)]
    for i, phase in enumerate(process.phases):
        name = _label(phase, labels)
        widths = [_width(name, NAME_SIZE, BOLD)]
        if phase.society_only:
            widths.append(_width(words.society_only, TAG_SIZE))
        box = min(MAX_BOX, max(MIN_BOX, max(widths) + 24))
        items.append(_Item("phase", box, phase, i))
    end = max(MARK, _width(words.closed, TAG_SIZE))
    items.append(_Item("end", end))
    return items


def _layout(items: list[_Item], width: float) -> list[list[_Item]]:
    """Place the items left to right, starting a new row when one does not fit."""
    rows: list[list[_Item]] = [[]]
    x = MARGIN
    previous: _Item | None = None
    for item in items:
        gap = _gap_for(_guard_lines(previous.phase)) if previous else 0.0
        if rows[-1] and x + gap + item.width > width - MARGIN:
            rows.append([])
            x = MARGIN
            gap = 0.0
        item.x = x + gap
        item.row = len(rows) - 1
        rows[-1].append(item)
        x = item.x + item.width
        previous = item
    return rows


def _below(lines: list[str]) -> int:
    """How many of a transition's guard lines go below its arrow (the rest above)."""
    return len(lines) - min(len(lines), 3) if len(lines) <= 6 else len(lines) - 3


def _row_heights(items: list[_Item], rows: list[list[_Item]]) -> list[float]:
    heights = []
    for row in rows:
        below = 0
        for item in row[:-1]:
            below = max(below, _below(_guard_lines(item.phase)))
        extra = max(0.0, below * LINE + 10 - BOX_H / 2)
        heights.append(BADGE + BOX_H + extra + 6)
    return heights


def _wrap_room(items: list[_Item], rows: list[list[_Item]], i: int) -> float:
    """The room between row ``i`` and the next, for the connector and its labels."""
    lines = _guard_lines(rows[i][-1].phase)
    return 18 + len(lines) * LINE + (8 if lines else 0)


def _in_row_labels(lines: list[str], x: float, mid: float, words: DiagramWords) -> str:
    below = _below(lines)
    above = lines[: len(lines) - below]
    out = []
    for k, line in enumerate(reversed(above)):
        out.append(_guard_text(line, x, mid - 6 - k * LINE, "middle", words))
    for k, line in enumerate(lines[len(above) :]):
        out.append(_guard_text(line, x, mid + 14 + k * LINE, "middle", words))
    return "".join(out)


def _head(x: float, y: float, direction: str) -> str:
    """An arrowhead with its tip at (x, y), pointing right or down."""
    if direction == "right":
        points = f"{x:.1f},{y:.1f} {x - 9:.1f},{y - 4.5:.1f} {x - 9:.1f},{y + 4.5:.1f}"
    else:
        points = f"{x:.1f},{y:.1f} {x - 4.5:.1f},{y - 9:.1f} {x + 4.5:.1f},{y - 9:.1f}"
    return f'<polygon points="{points}" fill="{MUTED}"/>'


def _guard_text(
    guard: str, x: float, y: float, anchor: str, words: DiagramWords
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{GUARD_SIZE}" '
        f'text-anchor="{anchor}" fill="{GUARD_INK}" font-style="italic">'
        f"<title>{_e(words.guard(guard))}</title>{_e(guard)}</text>"
    )


def _wrap_connector(
    item: _Item,
    after: _Item,
    *,
    tops: list[float],
    heights: list[float],
    lines: list[str],
    width: float,
    mid: float,
    words: DiagramWords,
) -> str:
    """From below the last item of a row to above the first item of the next."""
    x0 = item.x + item.width / 2
    x1 = after.x + after.width / 2
    y0 = mid + (BOX_H / 2 if item.kind == "phase" else MARK / 2)
    bend = tops[item.row] + heights[item.row] + 6
    y1 = tops[after.row] + BADGE + BOX_H / 2
    y1 -= BOX_H / 2 if after.kind == "phase" else MARK / 2
    path = (
        f'<path d="M{x0:.1f} {y0:.1f} L{x0:.1f} {bend:.1f} L{x1:.1f} {bend:.1f} '
        f'L{x1:.1f} {y1 - 8:.1f}" fill="none" stroke="{MUTED}" stroke-width="1.6" '
        'stroke-linejoin="round"/>' + _head(x1, y1 - 2, "down")
    )
    widest = max((_width(line, GUARD_SIZE) for line in lines), default=0.0)
    out = [path]
    if abs(x0 - x1) >= widest + 24:
        x, anchor = (x0 + x1) / 2, "middle"
    else:
        x, anchor = max(x0, x1) + 10, "start"
        if x + widest > width - 4:
            x, anchor = min(x0, x1) - 10, "end"
    for k, line in enumerate(lines):
        out.append(_guard_text(line, x, bend + 15 + k * LINE, anchor, words))
    return "".join(out)


def _draw_item(
    item: _Item,
    mid: float,
    at: int | None,
    labels: Mapping[str, str] | None,
    words: DiagramWords,
) -> str:
    if item.kind == "start":
        cx = item.x + MARK / 2
        return (
            f"<g><title>{_e(words.start)}</title>"
            f'<circle cx="{cx:.1f}" cy="{mid:.1f}" r="7" fill="{NAVY}"/></g>'
        )
    if item.kind == "end":
        cx = item.x + item.width / 2
        return (
            f"<g><title>{_e(words.closed)}</title>"
            f'<circle cx="{cx:.1f}" cy="{mid:.1f}" r="8" fill="#fff" '
            f'stroke="{NAVY}" stroke-width="1.6"/>'
            f'<circle cx="{cx:.1f}" cy="{mid:.1f}" r="4.5" fill="{NAVY}"/>'
            f'<text x="{cx:.1f}" y="{mid + 22:.1f}" font-size="{TAG_SIZE}" '
            f'text-anchor="middle" fill="{MUTED}">{_e(words.closed)}</text></g>'
        )
    assert item.phase is not None
    phase = item.phase
    name = _label(phase, labels)
    is_current = at is not None and item.index == at
    passed = at is not None and item.index < at
    fill, stroke, ink, stroke_width = "#fff", NAVY, NAVY, "1.5"
    if is_current:
        fill, stroke, ink, stroke_width = TEAL, TEAL_DARK, "#fff", "3"
    elif passed:
        fill, stroke, ink = PASSED_FILL, GREY, MUTED
    dash = ' stroke-dasharray="6 4"' if phase.society_only else ""
    top = mid - BOX_H / 2
    heading = f"{item.index + 1}. {name}"
    if phase.description:
        heading += f" — {words.said(phase.description).rstrip('.')}"
    tip = [heading]
    if phase.society_only:
        tip.append(f"({words.society_only})")
    if phase.reaction_period_days is not None:
        tip.append(words.period(phase.reaction_period_days))
    tip += [f"{g}: {words.guard(g)}" for g in phase.guards]
    cx = item.x + item.width / 2
    name_y = mid + (-3 if phase.society_only else 4.5)
    room = item.width - 16
    out = [
        f'<g class="phase{" current" if is_current else ""}">'
        f"<title>{_e('; '.join(tip))}</title>"
        f'<rect x="{item.x:.1f}" y="{top:.1f}" width="{item.width:.1f}" '
        f'height="{BOX_H}" rx="9" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{stroke_width}"{dash}/>'
        f'<text x="{cx:.1f}" y="{name_y:.1f}" font-size="{NAME_SIZE}" '
        f'font-weight="650" text-anchor="middle" fill="{ink}">'
        f"{_e(_fit(name, room, NAME_SIZE, BOLD))}</text>"
    ]
    if phase.society_only:
        out.append(
            f'<text x="{cx:.1f}" y="{mid + 13:.1f}" font-size="{TAG_SIZE}" '
            f'text-anchor="middle" fill="{ink}" font-style="italic">'
            f"{_e(_fit(words.society_only, room, TAG_SIZE, CHAR))}</text>"
        )
    if is_current:
        badge = _e(words.current)
        badge_w = _width(words.current, TAG_SIZE, BOLD) + 16
        out.append(
            f'<rect x="{cx - badge_w / 2:.1f}" y="{top - 19:.1f}" '
            f'width="{badge_w:.1f}" height="16" rx="8" fill="{TEAL_DARK}"/>'
            f'<text x="{cx:.1f}" y="{top - 7.5:.1f}" font-size="{TAG_SIZE}" '
            f'font-weight="650" text-anchor="middle" fill="#fff">▼ {badge}</text>'
        )
    out.append("</g>")
    return "".join(out)


def _legend(
    words: DiagramWords,
    with_position: bool,
    process: ProcessTemplate,
    width: float,
    y: float,
) -> tuple[str, float]:
    """The legend under the diagram, wrapping at ``width``: (SVG, height)."""

    def swatch(fill: str, stroke: str, extra: str = "") -> str:
        return (
            f'<rect x="0" y="-7" width="22" height="14" rx="4" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1.5"{extra}/>'
        )

    entries: list[tuple[str, str]] = []
    if with_position:
        entries += [
            (swatch(TEAL, TEAL_DARK), words.current),
            (swatch(PASSED_FILL, GREY), words.passed),
            (swatch("#fff", NAVY), words.to_come),
        ]
    if any(p.society_only for p in process.phases):
        entries.append(
            (swatch("#fff", NAVY, ' stroke-dasharray="5 3"'), words.society_only)
        )
    if any(p.guards for p in process.phases):
        entries.append(
            (
                f'<line x1="0" y1="0" x2="22" y2="0" stroke="{MUTED}" '
                'stroke-width="1.6"/>'
                f'<text x="11" y="-3" font-size="9" text-anchor="middle" '
                f'fill="{GUARD_INK}" font-style="italic">abc</text>',
                words.guards,
            )
        )
    if not entries:
        return "", 0.0
    out = [
        f'<g class="legend" aria-label="{_e(words.legend)}"><line x1="{MARGIN}" y1="{y:.1f}" x2="{width - MARGIN:g}" '
        f'y2="{y:.1f}" stroke="#d9e0e7"/>'
    ]
    x, line_y = MARGIN, y + 18
    for icon, text in entries:
        needed = 30 + _width(text, 11.5) + 18
        if x > MARGIN and x + needed > width - MARGIN:
            x, line_y = MARGIN, line_y + 20
        out.append(
            f'<g transform="translate({x:.1f} {line_y:.1f})">{icon}'
            f'<text x="30" y="4" font-size="11.5" fill="#334e68">{_e(text)}</text></g>'
        )
        x += needed
    out.append("</g>")
    return "".join(out), line_y - y + 10
