"""The timeline picture of a participation report: inline SVG, no scripts.

A horizontal time axis from the start of the process to its last event, one lane
per kind of thing: the phases as coloured bands, the meetings (evening and weekend
meetings filled), every plan with its versions, reactions and finalisation, every
decision point from when it was put to when it was decided, the announcements, the
facilitator's interventions, the council informings with the council's follow-ups, and the budget allocations. A
legend follows the picture; each mark carries a tooltip with its date. An informing
of the council withdrawn as recorded by mistake is not drawn: the council was not
informed so (the report's council section lists it, marked withdrawn); nor is a
meeting, an announcement or an intervention withdrawn as recorded by mistake.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from samenspraak.application.report import (
    DecisionEntry,
    ParticipationReport,
    PlanEntry,
    ReactionEntry,
)
from samenspraak.application.report_words import MONTHS, Lang, Words, zone

PHASE_COLOURS = ("#cfe3f3", "#d5eedc", "#fbe7c6", "#ecd9ec", "#dcdcf3", "#f6d6cf")
PHASE_INK = ("#18456b", "#1f5a33", "#7a4b06", "#5b2a5b", "#33336e", "#7a2d1e")
NAVY = "#1b3a5c"
TEAL = "#0f7c86"
ORANGE = "#c97420"
GREEN = "#2e8540"
AMBER = "#b7791f"
PURPLE = "#6b46a1"
GREY = "#808a96"
LABEL_INK = "#334e68"
BAND_EDGE = ".65"
"""The opacity of a phase band's outline: at least 3:1 against a lane's background
(WCAG 1.4.11), where the pale band itself is not."""
PLAN_LINE = ".8"
"""The opacity of a plan's line, which stands out 3:1 from a lane's background."""

TOP = 40
FONT = "system-ui,-apple-system,'Segoe UI',Roboto,'Liberation Sans',Arial,sans-serif"
CHAR = 0.62
"""The width of an average character, as a share of the font size."""
BOLD = 0.7
"""The same for bold text."""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _dated(text: str, when: str) -> str:
    """A tooltip that quotes a text from the record, then its date after a dash (a
    text may end in a full stop, which a comma would follow badly)."""
    return f"{text} – {when}"


def _tip(text: str) -> str:
    return f"<title>{_e(text)}</title>"


@dataclass(frozen=True)
class Geometry:
    """The picture's size: wide (lane labels on the left) or narrow, for a phone
    (lane labels above the lane, the whole width for time)."""

    name: str
    width: float
    left: float
    right: float
    lane: float
    labels_above: bool


WIDE = Geometry("wide", 920, 170, 24, 40, labels_above=False)
NARROW = Geometry("narrow", 420, 10, 16, 50, labels_above=True)


@dataclass(frozen=True)
class Axis:
    start: datetime
    end: datetime
    g: Geometry = WIDE
    last: datetime | None = None
    """The last moment drawn (the end without the room after it)."""

    def x(self, moment: datetime) -> float:
        span = (self.end - self.start).total_seconds() or 1.0
        share = (moment - self.start).total_seconds() / span
        plot = self.g.width - self.g.left - self.g.right
        return round(self.g.left + max(0.0, min(1.0, share)) * plot, 1)


def axis_of(r: ParticipationReport, g: Geometry = WIDE) -> Axis:
    """From the start of the process to its last step (or the last moment drawn),
    with a little room."""
    moments = [r.started_at, r.last_step_at]
    moments += [m.starts_at for m in r.standing_meetings()]
    moments += [c.informed_at for c in r.informings()]
    moments += [
        f.followed_up_at for c in r.informings() for f in c.standing_follow_ups()
    ]
    moments += [a.announced_at for a in r.standing_announcements()]
    moments += [i.intervened_at for i in r.standing_interventions()]
    first = min(moments)
    last = max([*moments, _plus(first, timedelta(days=1))])
    pad = (last - first) * 0.03
    return Axis(_plus(first, -pad), _plus(last, pad), g, max(moments))


def _plus(moment: datetime, span: timedelta) -> datetime:
    """``moment + span``, kept within the calendar: a moment at its very edge
    (recorded before moments were bounded) gets no room beyond it."""
    try:
        return moment + span
    except OverflowError:
        return (datetime.max if span > timedelta(0) else datetime.min).replace(
            tzinfo=moment.tzinfo
        )


MOST_TICKS = 16
"""At most this many labels along the time axis, however long the process."""

MONTH_STEPS = (1, 3, 6, 12, 24, 60, 120, 240, 600, 1200)
"""The steps between ticks, in months: from monthly to once a century."""


def ticks(axis: Axis, lang: Lang) -> list[tuple[datetime, str]]:
    """Tick moments (local midnight) and their labels: months, quarters or years
    for a long process (at most :data:`MOST_TICKS`), weeks or days for a short
    one."""
    span = axis.end - axis.start
    months = MONTHS[lang]
    found: list[tuple[datetime, str]] = []
    cursor = axis.start.astimezone(zone()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    if span > timedelta(days=75):
        spanned = span.days / 30.4
        step = next(
            (s for s in MONTH_STEPS if spanned / s <= MOST_TICKS),
            MONTH_STEPS[-1] * math.ceil(spanned / MONTH_STEPS[-1] / MOST_TICKS),
        )
        cursor = cursor.replace(day=1)
        if step >= 12:  # whole years, on a multiple of the step
            years = step // 12
            cursor = cursor.replace(month=1, year=cursor.year - cursor.year % years)
        while cursor <= axis.end:
            if cursor >= axis.start:
                year = not found or cursor.month == 1
                label = months[cursor.month - 1] + (f" {cursor.year}" if year else "")
                found.append((cursor, str(cursor.year) if step >= 12 else label))
            month = cursor.month - 1 + step
            if cursor.year + month // 12 > datetime.max.year:  # the calendar's end
                break
            cursor = cursor.replace(
                year=cursor.year + month // 12, month=month % 12 + 1
            )
        return found
    days = timedelta(days=7 if span > timedelta(days=14) else 1)
    while cursor <= axis.end:
        if cursor >= axis.start:
            found.append((cursor, f"{cursor.day} {months[cursor.month - 1]}"))
        try:
            cursor += days
        except OverflowError:  # the end of the calendar
            break
    return found


# --- Marks -------------------------------------------------------------------------


def diamond(x: float, y: float, size: float, fill: str) -> str:
    return (
        f'<path d="M{x:.1f} {y - size:.1f} L{x + size:.1f} {y:.1f} L{x:.1f} '
        f'{y + size:.1f} L{x - size:.1f} {y:.1f} Z" fill="{fill}" stroke="#fff" '
        'stroke-width="1.5"/>'
    )


def triangle(x: float, y: float, size: float, fill: str) -> str:
    return (
        f'<path d="M{x:.1f} {y - size:.1f} L{x + size:.1f} {y + size * 0.8:.1f} '
        f'L{x - size:.1f} {y + size * 0.8:.1f} Z" fill="{fill}" stroke="{PURPLE}" '
        'stroke-width="2" stroke-linejoin="round"/>'
    )


def check(x: float, y: float, radius: float = 8, fill: str = GREEN) -> str:
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{fill}" '
        'stroke="#fff" stroke-width="1.5"/>'
        f'<path d="M{x - 3.8:.1f} {y + 0.2:.1f} L{x - 1:.1f} {y + 3:.1f} '
        f'L{x + 4:.1f} {y - 3:.1f}" fill="none" stroke="#fff" stroke-width="2.2" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )


def meeting_mark(x: float, y: float, number: int | str, evening: bool) -> str:
    fill, ink, stroke = (NAVY, "#fff", "#fff") if evening else ("#fff", NAVY, NAVY)
    width = "1.5" if evening else "2"
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{width}"/>'
        f'<text x="{x:.1f}" y="{y + 3.8:.1f}" font-size="10.5" font-weight="700" '
        f'text-anchor="middle" fill="{ink}">{number}</text>'
    )


def speech(x: float, y: float) -> str:
    """A speech balloon: the process made known, people invited."""
    return (
        f'<path d="M{x - 8:.1f} {y - 7:.1f} h16 v10 h-9 l-4 4 v-4 h-3 Z" '
        f'fill="{TEAL}" stroke="#fff" stroke-width="1.5" stroke-linejoin="round"/>'
    )


def star(x: float, y: float, size: float = 8) -> str:
    """A five-pointed star: the facilitator named the general interest, helped,
    connected or mediated."""
    points = " ".join(
        f"{x + r * math.sin(math.pi * k / 5):.1f},{y - r * math.cos(math.pi * k / 5):.1f}"
        for k, r in enumerate([size, size * 0.45] * 5)
    )
    return (
        f'<polygon points="{points}" fill="{NAVY}" stroke="#fff" '
        'stroke-width="1.2" stroke-linejoin="round"/>'
    )


def cross(x: float, y: float) -> str:
    return (
        f'<path d="M{x - 5:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 5:.1f} '
        f'M{x + 5:.1f} {y - 5:.1f} L{x - 5:.1f} {y + 5:.1f}" '
        f'stroke="{GREY}" stroke-width="2.5" stroke-linecap="round"/>'
    )


def label_beside(
    g: Geometry,
    text: str,
    *,
    after: float,
    before: float,
    y: float,
    size: float = 11,
    taken: Sequence[float] = (),
) -> str:
    """A label to the right of a mark when it fits, else to its left, else none; on
    either side only where it covers none of the marks at ``taken``."""
    width = len(text) * size * CHAR
    right = after + 6 + width
    if right <= g.width - 4 and not any(after - 2 < x < right + 10 for x in taken):
        return (
            f'<text x="{after + 6:.1f}" y="{y + 4:.1f}" font-size="{size}" '
            f'fill="{LABEL_INK}">{_e(text)}</text>'
        )
    left = before - 6 - width
    if left >= g.left and not any(left - 10 < x < before + 2 for x in taken):
        return (
            f'<text x="{before - 6:.1f}" y="{y + 4:.1f}" font-size="{size}" '
            f'text-anchor="end" fill="{LABEL_INK}">{_e(text)}</text>'
        )
    return ""


# --- Lanes -------------------------------------------------------------------------

Lane = tuple[str, bool, Callable[[float], str]]
"""A lane's label, whether it is a heading lane, and how to draw it at height y."""


@dataclass(frozen=True)
class Timeline:
    report: ParticipationReport
    w: Words
    axis: Axis

    def lanes(self) -> list[Lane]:
        r, w = self.report, self.w
        lanes: list[Lane] = [
            (w("lane_phases"), True, self.phases),
            (w("lane_meetings"), True, self.meetings),
        ]
        if r.standing_announcements():
            lanes.append((w("lane_announcements"), True, self.announcements))
        if r.standing_interventions():
            lanes.append((w("lane_interventions"), True, self.interventions))
        lanes += [(f"{w('plan')}: {p.plan}", False, self.plan(p)) for p in r.plans]
        lanes += [(d.decision, False, self.decision(d)) for d in r.decisions]
        lanes.append((w("lane_council"), True, self.council))
        if r.budget.allocations:
            lanes.append((w("lane_budget"), True, self.budget))
        return lanes

    def phases(self, y: float) -> str:
        out = []
        for i, p in enumerate(self.report.phases):
            x0 = self.axis.x(p.began_at)
            x1 = self.axis.x(p.ended_at or self.axis.end)
            colour, ink = PHASE_COLOURS[i % 6], PHASE_INK[i % 6]
            label = self.w.value(p.phase)
            until = self.w.when(p.ended_at) if p.ended_at else self.w("current")
            span = f"{self.w.when(p.began_at)} – {until}"
            out.append(
                f"<g>{_tip(f'{label}: {span}')}"
                f'<rect x="{x0:.1f}" y="{y - 13:.1f}" width="{max(x1 - x0, 2):.1f}" '
                f'height="26" rx="4" fill="{colour}" stroke="{ink}" '
                f'stroke-opacity="{BAND_EDGE}"/></g>'
            )
            placed, size = self._phase_label(x0, x1, label)
            if placed == "inside":
                out.append(
                    f'<text x="{x0 + 6:.1f}" y="{y + 4:.1f}" font-size="{size}" '
                    f'font-weight="600" fill="{ink}">{_e(label)}</text>'
                )
            elif placed == "above":
                out.append(
                    f'<text x="{x1:.1f}" y="{y - 17:.1f}" font-size="10.5" '
                    f'font-weight="600" text-anchor="end" fill="{ink}">{_e(label)}'
                    "</text>"
                )
            elif placed == "number":
                out.append(
                    f'<text x="{(x0 + x1) / 2:.1f}" y="{y + 4:.1f}" font-size="11" '
                    f'font-weight="600" text-anchor="middle" fill="{ink}">{i + 1}'
                    "</text>"
                )
        return "".join(out)

    def _phase_label(self, x0: float, x1: float, label: str) -> tuple[str, float]:
        """Where a phase's name goes: inside its band (at the size given) when it
        fits, else above the band (narrow picture), else its number in the band
        (the legend names it), else nowhere (too narrow for a number)."""
        for size in (11.5, 10):
            if len(label) * size * BOLD + 10 <= x1 - x0:
                return "inside", size
        if self.axis.g.labels_above and x1 - len(label) * 10.5 * BOLD > 80:
            return "above", 10.5
        return ("number" if x1 - x0 > 16 else "none"), 11

    def numbered_phases(self) -> list[int]:
        """The phases (by their place, from 0) shown by their number, not by name."""
        return [
            i
            for i, p in enumerate(self.report.phases)
            if self._phase_label(
                self.axis.x(p.began_at),
                self.axis.x(p.ended_at or self.axis.end),
                self.w.value(p.phase),
            )[0]
            == "number"
        ]

    def meetings(self, y: float) -> str:
        w, out = self.w, []
        for m in self.report.standing_meetings():
            tip = (
                f"{w('meeting_number', n=m.number)}: {w.meeting_kind(m.kind)}, "
                f"{w.when(m.starts_at, weekday=True)}, "
                + (
                    f"{w('attendance').lower()} {w.count(m.attendance)}"
                    if m.held
                    else w("not_held_yet")
                )
            )
            mark = meeting_mark(
                self.axis.x(m.starts_at), y, m.number, m.evening_or_weekend
            )
            out.append(f"<g>{_tip(tip)}{mark}</g>")
        return "".join(out)

    def plan(self, plan: PlanEntry) -> Callable[[float], str]:
        reactions = [x for x in self.report.responses if x.plan == plan.plan]

        def draw(y: float) -> str:
            axis, w = self.axis, self.w
            final = plan.finalised_at
            x0, x1 = axis.x(plan.created_at), axis.x(final or axis.end)
            dash = "" if final else ' stroke-dasharray="5 4"'
            out = [
                f'<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="{TEAL}" '
                f'stroke-opacity="{PLAN_LINE}" stroke-width="3" stroke-linecap="round"{dash}/>'
            ]
            out += self._reactions(reactions, y)
            last = x0
            for v in plan.versions:
                last = axis.x(v.proposed_at)
                tip = f"{w('version')} {v.number}: {w.when(v.proposed_at)}"
                out.append(
                    f"<g>{_tip(tip)}{diamond(last, y, 7, TEAL)}</g>"
                    f'<text x="{last:.1f}" y="{y - 10:.1f}" font-size="10.5" '
                    f'text-anchor="middle" font-weight="600" fill="{TEAL}">'
                    f"v{v.number}</text>"
                )
            if final is not None:
                x = max(axis.x(final), last + 16)
                tip = f"{w('final_in', n=plan.final_version)}, {w.when(final)}"
                out.append(f"<g>{_tip(tip)}{check(x, y)}</g>")
            return "".join(out)

        return draw

    def _reactions(self, reactions: list[ReactionEntry], y: float) -> list[str]:
        """Small dots under the plan's line, each when it was given (a letter when
        it came in, where that was said; one given at a meeting at the meeting's
        start); dots of one moment sit side by side."""
        out, last = [], -100.0

        def given(r: ReactionEntry) -> datetime:
            return r.given_at or r.received_at or r.recorded_at

        for r in sorted(reactions, key=given):
            x = max(self.axis.x(given(r)), last + 7)
            last = x
            at_meeting = r.given_at is not None and r.meeting is not None
            tip = (
                f"{self.w('reaction')} {r.number}: {self.w.value(r.stance)}, "
                f"{self.w.when(given(r))}"
                + (f", {self.w('received_late')}" if r.late else "")
                + (f", {self.w('given_at_meeting', n=r.meeting)}" if at_meeting else "")
            )
            out.append(
                f"<g>{_tip(tip)}"
                f'<circle cx="{x:.1f}" cy="{y + 10:.1f}" r="3.6" fill="{ORANGE}" '
                'stroke="#fff" stroke-width="1"/></g>'
            )
        return out

    def decision(self, d: DecisionEntry) -> Callable[[float], str]:
        def draw(y: float) -> str:
            axis, w = self.axis, self.w
            x0 = axis.x(d.put_at)
            end = min(d.ended_at or d.closes_at or axis.end, axis.end)
            x1 = max(axis.x(end), x0 + 3)
            style = (
                f'fill="#fdf3e1" stroke="{AMBER}" stroke-dasharray="4 3"'
                if d.ended_at is None
                else f'fill="#f6dfb5" stroke="{AMBER}"'
            )
            tip = (
                f"{w.text(d.question)} ({w.value(d.rule)}): {w.when(d.put_at)} – "
                f"{w.when(d.ended_at) if d.ended_at else w('current')}; {w.outcome(d)}"
            )
            out = [
                f'<g>{_tip(tip)}<rect x="{x0:.1f}" y="{y - 6:.1f}" '
                f'width="{x1 - x0:.1f}" height="12" rx="6" {style}/></g>'
            ]
            if d.state == "decided":
                out.append(
                    f'<rect x="{x1 - 7:.1f}" y="{y - 7:.1f}" width="14" height="14" '
                    f'rx="2" fill="{AMBER}" stroke="#fff" stroke-width="1.5"/>'
                )
                label = d.outcome or w("no_outcome")
            elif d.state == "withdrawn":
                out.append(cross(x1, y))
                label = w.value("withdrawn")
            else:
                label = w("still_open")
            out.append(
                label_beside(self.axis.g, label, after=x1 + 8, before=x0 - 2, y=y)
            )
            return "".join(out)

        return draw

    def announcements(self, y: float) -> str:
        out = []
        w = self.w
        for a in self.report.standing_announcements():
            x = self.axis.x(a.announced_at)
            reach = "" if a.reach is None else f" ({w.count(a.reach)})"
            tip = _dated(
                f"{w.value(a.channel)}: {w.text(a.audience)}{reach}",
                w.when(a.announced_at),
            )
            out.append(f"<g>{_tip(tip)}{speech(x, y)}</g>")
            label = w.value(a.channel)
            out.append(label_beside(self.axis.g, label, after=x + 8, before=x - 8, y=y))
        return "".join(out)

    def interventions(self, y: float) -> str:
        """A star for each, with what it was and who asked in its tooltip (the
        note is in the table under the picture)."""
        out = []
        w = self.w
        for i in self.report.standing_interventions():
            asked = w("group_named", group=i.group) if i.group else i.requested_by
            what = w.value(i.kind) + (f" ({asked})" if asked else "")
            tip = _dated(what, w.when(i.intervened_at))
            out.append(f"<g>{_tip(tip)}{star(self.axis.x(i.intervened_at), y)}</g>")
        return "".join(out)

    def council(self, y: float) -> str:
        out = []
        w = self.w
        followed = [
            self.axis.x(f.followed_up_at)
            for c in self.report.informings()
            for f in c.standing_follow_ups()
        ]
        for c in self.report.informings():
            x = self.axis.x(c.informed_at)
            fill = "#fff" if c.session == "informal" else PURPLE
            tip = _dated(
                f"{w.council_session(c.session)}: {w.text(c.document_title)}",
                w.when(c.informed_at),
            )
            out.append(f"<g>{_tip(tip)}{triangle(x, y, 8, fill)}</g>")
            label = w.session(c.session)
            out.append(
                label_beside(
                    self.axis.g, label, after=x + 8, before=x - 8, y=y, taken=followed
                )
            )
        for c in self.report.informings():
            for f in c.standing_follow_ups():
                x = self.axis.x(f.followed_up_at)
                tip = _dated(
                    f"{w('follow_up')}: {w.text(f.summary)}", w.when(f.followed_up_at)
                )
                out.append(f"<g>{_tip(tip)}{check(x, y, 7, PURPLE)}</g>")
        return "".join(out)

    def budget(self, y: float) -> str:
        out = []
        w = self.w
        for a in self.report.budget.allocations:
            if a.allocated_at is None:
                continue
            x = self.axis.x(a.allocated_at)
            tip = f"{w.money(a.amount)}: {w.text(a.purpose)}"
            out.append(
                f'<g>{_tip(tip)}<rect x="{x - 8:.1f}" y="{y - 8:.1f}" width="16" '
                f'height="16" rx="3" fill="{GREEN}" stroke="#fff"/>'
                f'<text x="{x:.1f}" y="{y + 4:.1f}" font-size="11" font-weight="700" '
                'text-anchor="middle" fill="#fff">€</text></g>'
            )
            out.append(
                label_beside(
                    self.axis.g, w.money(a.amount), after=x + 9, before=x - 9, y=y
                )
            )
        return "".join(out)

    def svg(self) -> str:
        g, lanes = self.axis.g, self.lanes()
        bottom = TOP + g.lane * len(lanes)
        title = self.w(
            "timeline_title",
            start=self.w.date(self.report.started_at),
            end=self.w.date(self.axis.last or self.report.last_step_at),
        )
        out = [
            f'<svg class="tl tl-{g.name}" viewBox="0 0 {g.width} {bottom + 10}" '
            f'role="img" aria-labelledby="tl-{g.name}" font-family="{FONT}">'
            f'<title id="tl-{g.name}">{_e(title)}</title>'
        ]
        out += [
            f'<rect x="0" y="{TOP + i * g.lane}" width="{g.width}" '
            f'height="{g.lane}" fill="#f5f7fa"/>'
            for i in range(0, len(lanes), 2)
        ]
        free_from = 0.0  # where the last label ended: labels never overlap
        for moment, label in ticks(self.axis, self.w.lang):
            x = self.axis.x(moment)
            out.append(
                f'<line x1="{x}" y1="{TOP - 6}" x2="{x}" y2="{bottom}" '
                'stroke="#dde3ea" stroke-width="1"/>'
            )
            ends = x + 4 + len(label) * 11.5 * CHAR
            if ends <= g.width and x + 4 >= free_from:
                out.append(
                    f'<text x="{x + 4}" y="{TOP - 12}" font-size="11.5" '
                    f'fill="#52606d">{_e(label)}</text>'
                )
                free_from = ends + 6
        out.append(
            f'<line x1="{g.left}" y1="{TOP - 0.5}" x2="{g.width - g.right}" '
            f'y2="{TOP - 0.5}" stroke="#9aa5b1"/>'
        )
        for i, (label, heading, draw) in enumerate(lanes):
            top = TOP + i * g.lane
            weight = "600" if heading else "400"
            if g.labels_above:
                y = top + g.lane * 0.62
                text = (
                    f'<text x="{g.left}" y="{top + 12:.1f}" font-size="10.5" '
                    f'font-weight="{weight}" fill="#52606d">{_e(label)}</text>'
                )
            else:
                y = top + g.lane / 2
                short = label if len(label) <= 24 else label[:23] + "…"
                text = (
                    f'<text x="12" y="{y + 4:.1f}" font-size="12" '
                    f'font-weight="{weight}" fill="#243b53">{_e(short)}'
                    f"{_tip(label)}</text>"
                )
            out += [text, draw(y)]
        out.append("</svg>")
        return "".join(out)


def legend(r: ParticipationReport, w: Words, numbered: Sequence[int] = ()) -> str:
    """What the marks mean: those the picture shows. A phase whose band is too
    narrow for its name shows its number (``numbered``: their places, from 0); the
    legend names each of those."""

    def icon(body: str) -> str:
        return (
            '<svg width="22" height="18" viewBox="-11 -9 22 18" aria-hidden="true">'
            f"{body}</svg>"
        )

    band = (
        f'<rect x="-10" y="-7" width="20" height="14" rx="3" fill="{PHASE_COLOURS[0]}" '
        f'stroke="{PHASE_INK[0]}" stroke-opacity="{BAND_EDGE}"/>'
    )
    bar = (
        f'<rect x="-10" y="-5" width="17" height="10" rx="5" fill="#f6dfb5" '
        f'stroke="{AMBER}"/>'
        f'<rect x="1" y="-6" width="12" height="12" rx="2" fill="{AMBER}"/>'
    )
    square = f'<rect x="-7" y="-7" width="14" height="14" rx="3" fill="{GREEN}"/>'
    sessions = {c.session for c in r.informings()}
    candidates = [
        (True, icon(band), w("legend_phase")),
        (
            any(not m.evening_or_weekend for m in r.standing_meetings()),
            icon(meeting_mark(0, 0, "", evening=False)),
            w("legend_meeting_day"),
        ),
        (
            any(m.evening_or_weekend for m in r.standing_meetings()),
            icon(meeting_mark(0, 0, "", evening=True)),
            w("legend_meeting_evening"),
        ),
        (
            any(p.versions for p in r.plans),
            icon(diamond(0, 0, 6.5, TEAL)),
            w("legend_version"),
        ),
        (
            bool(r.responses),
            icon(f'<circle r="3.6" fill="{ORANGE}"/>'),
            w("legend_reaction"),
        ),
        (
            any(p.final_version for p in r.plans),
            icon(check(0, 0, 7)),
            w("legend_final"),
        ),
        (bool(r.decisions), icon(bar), w("legend_decision")),
        (
            any(d.state == "withdrawn" for d in r.decisions),
            icon(cross(0, 0)),
            w("legend_withdrawn"),
        ),
        (
            "informal" in sessions,
            icon(triangle(0, 1, 6.5, "#fff")),
            w("legend_council_informal"),
        ),
        (
            bool(sessions - {"informal"}),
            icon(triangle(0, 1, 6.5, PURPLE)),
            w("legend_council_formal"),
        ),
        (
            any(c.standing_follow_ups() for c in r.informings()),
            icon(check(0, 0, 7, PURPLE)),
            w("follow_up"),
        ),
        (
            bool(r.standing_announcements()),
            icon(speech(0, 1)),
            w("legend_announcement"),
        ),
        (
            bool(r.standing_interventions()),
            icon(star(0, 0)),
            w("legend_intervention"),
        ),
        (bool(r.budget.allocations), icon(square), w("legend_allocation")),
    ]
    items = [(svg, text) for shown, svg, text in candidates if shown]
    numbers = [
        (
            icon(
                f'<rect x="-10" y="-7" width="20" height="14" rx="3" '
                f'fill="{PHASE_COLOURS[i % 6]}" stroke="{PHASE_INK[i % 6]}" '
                f'stroke-opacity="{BAND_EDGE}"/>'
                f'<text x="0" y="4" font-size="10.5" font-weight="600" '
                f'text-anchor="middle" fill="{PHASE_INK[i % 6]}">{i + 1}</text>'
            ),
            w("legend_phase_number", n=i + 1, phase=w.value(r.phases[i].phase)),
        )
        for i in numbered
    ]
    items[1:1] = numbers
    body = "".join(f"<li>{svg}<span>{_e(text)}</span></li>" for svg, text in items)
    return f'<ul class="legend" aria-label="{_e(w("legend"))}">{body}</ul>'


def timeline_html(r: ParticipationReport, w: Words) -> str:
    """The timeline picture with its legend, as a figure for the HTML report."""
    wide = Timeline(r, w, axis_of(r, WIDE))
    narrow = Timeline(r, w, axis_of(r, NARROW))
    numbered = sorted({*wide.numbered_phases(), *narrow.numbered_phases()})
    return (
        '<figure class="timeline">'
        f'<div class="scroll">{wide.svg()}{narrow.svg()}</div>'
        f"{legend(r, w, numbered)}</figure>"
    )
