"""The participation report as Markdown, as one self-contained HTML page, as JSON.

Wording comes in Dutch (``nl``, the municipality's language) and English (``en``).
The HTML page carries its own styles and pictures: no scripts, no external assets;
it reads on a phone and prints. Every text from the record is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from samenspraak.application import diagram
from samenspraak.application.commands import replace_controls
from samenspraak.application.errors import InvalidInput
from samenspraak.application.report import (
    CouncilEntry,
    DecisionEntry,
    ImplementationEntry,
    MeetingEntry,
    Participant,
    ParticipantsOfKind,
    ParticipationReport,
    PersonalDataEntry,
    PlanEntry,
    ReactionEntry,
    VersionEntry,
)
from samenspraak.application.report_timeline import timeline_html
from samenspraak.application.report_words import TIMEZONE, Words, words
from samenspraak.domain.decision_point import quorum_reached
from samenspraak.domain.templates import ProcessTemplate

# --- The process diagram -----------------------------------------------------------


def _diagram(
    r: ParticipationReport, w: Words
) -> tuple[ProcessTemplate, dict[str, str], diagram.DiagramWords]:
    """The template the initiative follows, its phases' names in the report's
    language, and the diagram's words."""
    process = diagram.template_of_initiative(
        r.process.name,
        r.process.version,
        r.process.phases,
        content_hash=r.process.content_hash,
        definition=r.process.definition,
    )
    labels = {p.name: w.value(p.name) for p in process.phases}
    # The phase the diagram marks is the one the report names: its last phase once
    # it closed, the one it was in at the moment asked, or the current one.
    return process, labels, diagram_words(w, current=w(_phase_label(r)).lower())


def _follow_ups(c: CouncilEntry, w: Words) -> str:
    """What the council did with a document: each follow-up with its date. A
    withdrawn informing gets none (a follow-up answers one that stands), so it is
    not said to have none *yet*; one that stands may get it also once the
    initiative closed (a council often decides after the participation ended)."""
    if not c.follow_ups:
        return replace(w, ended=c.withdrawn is not None)("no_follow_up")
    return "; ".join(
        f"{w.when(f.followed_up_at)}: {w.text(f.summary)}"
        + (
            f" ({w('follow_up_sha256')} {f.document_sha256})"
            if f.document_sha256
            else ""
        )
        + (f" ({w('follow_up_withdrawn_mark')})" if f.withdrawn is not None else "")
        for f in c.follow_ups
    )


def _positions(d: DecisionEntry, w: Words) -> str:
    """How many positions count, of how many who could take part, and how many
    lapsed (their takers left); under consent, what silence meant."""
    said = str(d.positions)
    if d.could_take_part is not None:
        one = d.could_take_part == 1
        said += (
            f" {w('of_eligible_one' if one else 'of_eligible', n=d.could_take_part)}"
        )
    lapsed = w("lapsed_one" if d.lapsed == 1 else "lapsed", n=d.lapsed)
    notes = [w("recorded_positions", n=d.recorded)] if d.recorded else []
    if d.lapsed:
        notes.append(lapsed)
    if d.rule == "consent":
        notes.append(w("silence_consents"))
    if d.quorum is not None:
        if d.state != "decided" or d.could_take_part is None:
            notes.append(w("quorum", p=d.quorum))
        elif quorum_reached(d.quorum, d.positions, d.could_take_part):
            notes.append(w("quorum_reached", p=d.quorum))
        else:
            notes.append(w("quorum_missed", p=d.quorum))
    return f"{said} ({'; '.join(notes)})" if notes else said


def _closes(d: DecisionEntry, w: Words) -> str:
    """When a decision point closes, or that it has no deadline."""
    return w.when(d.closes_at) if d.closes_at is not None else w("no_deadline")


def _verify_command(r: ParticipationReport) -> str:
    """How to check the record the report was built from: against the
    initiative's own head, which holds in a replayed copy too."""
    return (
        f"samenspraak audit verify --initiative {r.initiative} "
        f"--head {r.built_from.initiative_head}"
    )


def _phase_label(r: ParticipationReport) -> str:
    """The phase it ended in, the one it was in at the moment asked, or now."""
    if r.closed:
        return "last_phase"
    return "current_phase" if r.as_of is None else "phase_then"


def diagram_words(w: Words, current: str | None = None) -> diagram.DiagramWords:
    """What a diagram says besides the phase names, in the report's language;
    ``current`` names the phase it marks (by default: the current phase)."""
    return diagram.DiagramWords(
        current=current or w("current_phase").lower(),
        passed=w("diagram_passed"),
        to_come=w("diagram_to_come"),
        society_only=w("diagram_society_only"),
        start=w("diagram_start"),
        closed=w("diagram_closed"),
        guards=w("diagram_guards"),
        legend=w("legend"),
        title=w("diagram_title", name="{name}", version="{version}"),
        reaction_period=w("diagram_reaction_period", days="{days}"),
        reaction_period_one=w("diagram_reaction_period_one"),
        texts=w.template_texts(),
    )


def diagram_html(r: ParticipationReport, w: Words) -> str:
    """The process diagram, wide and narrow, as a figure for the HTML report."""
    process, labels, said = _diagram(r, w)
    current = r.phase if r.phase in {p.name for p in process.phases} else None
    pictures = "".join(
        diagram.render_svg(
            process,
            current,
            labels=labels,
            words=said,
            width=width,
            css_class=f"pd pd-{name}",
            id_prefix=f"pd-{name}",
            described_by="pd-phases",
        )
        for name, width in (("wide", 920), ("narrow", 420))
    )
    # What the pictures tell only in tooltips (which a keyboard or touch cannot
    # reach, and a screen reader does not read in an image), in words.
    listed = diagram.in_words(process, current, labels=labels, words=said)
    return (
        f'<figure class="diagram">{pictures}<details class="in-words">'
        f"<summary>{_e(w('diagram_in_words'))}</summary>{listed}</details></figure>"
    )


def diagram_markdown(r: ParticipationReport, w: Words) -> list[str]:
    """The process diagram as a Mermaid block for the Markdown report."""
    process, labels, said = _diagram(r, w)
    current = r.phase if r.phase in {p.name for p in process.phases} else None
    text = diagram.render_mermaid(process, current, labels=labels, words=said)
    return [f"### {w('diagram')}", "", "```mermaid", *text.splitlines(), "```", ""]


# --- JSON --------------------------------------------------------------------------


def _a_report(report: object) -> ParticipationReport:
    """The report given to a renderer, checked: a caller's mistake gets one
    sentence, not an error from deep inside the rendering."""
    if not isinstance(report, ParticipationReport):
        msg = (
            "report: give the ParticipationReport that participation_report() "
            f"returns, not {type(report).__name__}."
        )
        raise InvalidInput(msg)
    return report


def render_json(report: ParticipationReport) -> str:
    return _a_report(report).model_dump_json(indent=2)


# --- Markdown ----------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#~&])")
"""Characters that Markdown (with GitHub's tables and strikethrough) would read as
markup: each is shown as itself behind a backslash (``&`` too, or ``&lt;`` would
show as ``<``)."""
_MD_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")
"""At the start of a paragraph, a dash, plus or equals sign, or a number followed
by a full stop or parenthesis, would begin a list, a rule or a heading."""


@dataclass(frozen=True)
class _Code:
    """A Markdown cell shown as code (hashes: hex digits and a colon), with plain
    text after it in brackets, if any."""

    value: str
    after: str = ""


def _md(value: object) -> str:
    """A cell or line of Markdown: special characters escaped, one line, and a
    control character (kept from before they were refused, or replayed from a
    bundle) shown as U+FFFD, as the command line shows it."""
    if isinstance(value, _Code):
        after = f" ({_md(value.after)})" if value.after else ""
        return f"`{value.value}`{after}"
    text = str(value).replace("\r", "").replace("\n", " ")
    text = replace_controls(text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def _escape_line_start(found: re.Match[str]) -> str:
    mark = found.group(1)
    return f"{mark}\\" if mark[0].isdigit() else f"\\{mark}"


def _paragraphs(text: str) -> list[str]:
    """A longer text's paragraphs (separated by blank lines), each on one line."""
    blocks = re.split(r"\n\s*\n", text.replace("\r", ""))
    return [" ".join(b.split()) for b in blocks if b.strip()] or [text]


def _md_paragraphs(text: str) -> list[str]:
    """A longer text as Markdown paragraphs, each followed by a blank line."""
    return [
        line
        for p in _paragraphs(text)
        for line in (_MD_LINE_START.sub(_escape_line_start, _md(p)), "")
    ]


def _md_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = [
        "| " + " | ".join(_md(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _md_facts(rows: Iterable[Sequence[object]]) -> list[str]:
    """Named facts as a list: **name:** value."""
    return [*(f"- **{_md(name)}:** {_md(value)}" for name, value in rows), ""]


def render_markdown(report: ParticipationReport, lang: str = "nl") -> str:
    r = _a_report(report)
    # Nothing more is recorded in a closed initiative: nothing is still to come.
    w = replace(words(lang), ended=r.closed)
    out: list[str] = [
        f"# {w('report')}: {_md(w.text(r.title))}",
        "",
        f"**{w('initiative')}:** {_md(r.initiative)}  ",
        f"**{w('area')}:** {_md(w.text(r.area))}  ",
        f"**{w('as_of')}:** {_md(w.when(r.as_of, full=True) if r.as_of else w('now'))}  ",
        f"**{w('generated')}:** {_md(w.when(r.generated_at, full=True))}  ",
        f"**{w('initiative_head')}:** `{r.built_from.initiative_head}`",
        "",
        *_md_paragraphs(w.text(r.description)),
        f"## {w('summary')}",
        "",
        *(f"- {line}" for line in _summary_lines(r, w)),
        "",
        f"## {w('process')}",
        "",
    ]
    out += _md_facts(
        [
            [w("level"), w.value(r.level)],
            [
                w("design"),
                w("template_version", name=r.process.name, version=r.process.version)
                + f" ({w('content_hash')} {r.process.content_hash})"
                + "".join(f"; {line}" for line in _moves(r, w)),
            ],
            [w("facilitator"), r.facilitator],
            [w(_phase_label(r)), w.value(r.phase)],
            [w("started"), w.when(r.started_at)],
            *(
                [
                    [w("closed"), w.when(r.closed_at)],
                    [w("closing_outcome"), w.text(r.closing_outcome)],
                ]
                if r.closed
                else []
            ),
        ],
    )
    out += _md_table(
        [w("phase"), w("began"), w("ended")],
        _phase_rows(r, w),
    )
    out += _md_frameworks(r, w)
    out += diagram_markdown(r, w)
    out += [f"## {w('participants')}", "", _md(w("no_names")), ""]
    out += _md_table(
        [w("kind"), w("active"), w("former"), w("refs")],
        [
            [
                w.value(p.kind),
                p.active,
                p.former,
                _refs_of_kind(p, w, _erased_refs(r)),
            ]
            for p in r.participants
        ],
    )
    out += [f"### {w('who_when')}", ""]
    out += _md_table(
        [w("reference"), w("kind"), w("joined"), w("former")],
        [[p.ref, w.value(p.kind), w.when(p.joined_at), _left(p, w)] for p in r.people],
    )
    out += _md_personal_data(r, w)
    out += [f"### {w('groups')}", ""]
    out += (
        _md_table(
            [w("group"), w("kind"), w("name"), w("mandate"), w("members"), w("formed")],
            [
                [
                    g.group,
                    w.value(g.kind),
                    w.text(g.name),
                    w.text(g.mandate),
                    ", ".join(g.members),
                    w.when(g.formed_at),
                ]
                for g in r.groups
            ],
        )
        if r.groups
        else [w("no_groups"), ""]
    )
    out += _md_meetings_and_announcements(r, w)
    out += [f"## {w('plans')}", ""]
    for p in r.plans:
        out += [f"### {_md(w.text(p.title))} ({_md(p.plan)})", "", _plan_status(p, w)]
        out += [""]
        out += _md_table(
            [w("version"), w("proposed"), w("proposed_by"), w("changes"), w("adopts")],
            [
                [
                    v.number,
                    w.when(v.proposed_at),
                    v.proposed_by,
                    w.text(v.changes),
                    _adopts(v, w),
                ]
                for v in p.versions
            ],
        )
        for line in _own_initiative_lines(p, w):
            out += [_md(line), ""]
    if not r.plans:
        out += [w("no_plans"), ""]
    out += [f"## {w('responses')}", ""]
    if not r.plans:
        out += [w("no_plans_to_react_to"), ""]
    for p in r.plans:
        reactions = [x for x in r.responses if x.plan == p.plan]
        out += [f"### {_md(w.text(p.title))} ({_md(p.plan)})", ""]
        if not reactions:
            out += [w("no_reactions"), ""]
            continue
        out += _md_table(
            [
                w("number"),
                w("version"),
                w("stance"),
                w("channel"),
                w("section"),
                w("reaction"),
                w("answer"),
            ],
            [
                [
                    x.number,
                    x.version,
                    w.value(x.stance),
                    w.channel(x),
                    _section(x, w),
                    f"{w.text(x.text)} ({_given_by(x, w)}, {_when_given(x, w)})",
                    w.answer(x)
                    + (f": {w.text(x.answer_text)}" if _explained(x) else "")
                    + "".join(f" ({line})" for line in _dealt_with(x, w)),
                ]
                for x in reactions
            ],
        )
        out += [_md(_unanswered_line(p, reactions, w)), ""]
    out += [f"## {w('decisions')}", ""]
    for d in r.decisions:
        out += [f"### {_md(w.text(d.question))} ({_md(d.decision)})", ""]
        out += _md_facts(
            [
                [w("rule"), w.value(d.rule)],
                [w("eligible"), w.kinds(d.eligible)],
                [w("put"), w.when(d.put_at)],
                [w("closes"), _closes(d, w)],
                [
                    w("state"),
                    w.state(d, r.as_of or r.generated_at)
                    + (f", {w.when(d.ended_at)}" if d.ended_at else ""),
                ],
                [w("positions"), _positions(d, w)],
                [w("outcome"), w.outcome(d)],
            ],
        )
        out += _md_table(
            [w("options"), w("tally")],
            [
                [f"{label} ({key})", "-" if votes is None else votes]
                for key, label, votes in _tally_rows(d, w)
            ],
        )
    if not r.decisions:
        out += [w("no_decisions"), ""]
    out += [f"## {w('council')}", ""]
    if r.council:
        out += _md_table(
            [
                w("number"),
                w("when"),
                w("session"),
                w("document"),
                w("sha256"),
                w("head_then"),
                w("follow_up"),
            ],
            [
                [
                    c.number,
                    _informed_when(c, w),
                    w.council_session(c.session),
                    w.text(c.document_title),
                    _Code(c.document_sha256),
                    _head_then(c, w),
                    _follow_ups(c, w),
                ]
                for c in r.council
            ],
        )
        for line in (
            _informing_corrections(r, w)
            + _informing_withdrawals(r, w)
            + _follow_up_withdrawals(r, w)
        ):
            out += [_md(line), ""]
    else:
        out += [w("nothing_to_council"), ""]
    out += [f"## {w('budget')}", ""]
    out += _md_table(
        [w("budget_total"), w("allocated"), w("remaining")],
        [
            [
                w.money(r.budget.total),
                w.money(r.budget.allocated),
                w.money(r.budget.remaining),
            ]
        ],
    )
    if r.budget.allocations:
        out += _md_table(
            [w("amount"), w("purpose"), w("following"), w("when")],
            [
                [
                    w.money(a.amount),
                    w.text(a.purpose),
                    a.decision,
                    w.when(a.allocated_at),
                ]
                for a in r.budget.allocations
            ],
        )
    out += _md_implementation(r, w)
    out += [
        f"## {w('accountability')}",
        "",
        _md(w("built_from")),
        "",
        f"- {w('initiative_head')}: `{r.built_from.initiative_head}`",
        f"- {w('global_head')}: `{r.built_from.global_head}`",
        f"- {w('verify_with')}: `{_verify_command(r)}`",
        f"- {w('as_of')}: {_md(w.when(r.as_of, full=True) if r.as_of else w('now'))}",
        f"- {w('generated')}: {_md(w.when(r.generated_at, full=True))}",
        f"- {_md(w('times_in', zone=TIMEZONE))}",
        "",
    ]
    return "\n".join(out)


def _md_frameworks(r: ParticipationReport, w: Words) -> list[str]:
    """The frameworks the council set, with their corrections (Markdown)."""
    out = [f"### {w('frameworks')}", ""]
    out += (
        _md_table(
            _framework_headers(w),
            [
                [*row[:-1], _Code(row[-1]) if row[-1] != "-" else "-"]
                for row in _framework_rows(r, w)
            ],
        )
        if r.frameworks
        else [w("no_frameworks"), ""]
    )
    for line in _framework_corrections(r, w):
        out += [_md(line), ""]
    return out


def _md_personal_data(r: ParticipationReport, w: Words) -> list[str]:
    """Who was shown as erased only later, and every erasure and correction of
    personal data recorded, with when and who asked."""
    out: list[str] = []
    if r.erased_later:
        out += [_md(w("erased_later", refs=", ".join(r.erased_later))), ""]
    out += [f"### {w('personal_data')}", "", _md(_requests_line(r, w)), ""]
    if r.personal_data:
        out += _md_table(
            [w("when"), w("request"), w("concerning"), w("asked_by")],
            [_request_row(q, w) for q in r.personal_data],
        )
    return [*out, _md(w("requests_note")), ""]


def _md_implementation(r: ParticipationReport, w: Words) -> list[str]:
    out: list[str] = [f"## {w('implementation')}", ""]
    if r.implementation:
        out += _md_table(
            [w("action"), w("owner"), w("progress"), w("status"), w("milestones")],
            [
                [
                    w.text(a.title),
                    _owner(a, w),
                    f"{a.percent}%",
                    _status(a, w),
                    _milestones(a, w),
                ]
                for a in r.implementation
            ],
        )
    else:
        out += [w("nothing_implemented"), ""]
    return out


def _owner(a: ImplementationEntry, w: Words) -> str:
    return a.owner if a.owner is not None else w("group_owner", group=a.group)


def _status(a: ImplementationEntry, w: Words) -> str:
    status = w.value(a.status)
    return f"{status}: {a.status_reason}" if a.status_reason else status


def _in_brackets(parts: list[str]) -> str:
    """`` (1 withdrawn, 2 received late)`` after a figure; nothing without parts."""
    return f" ({', '.join(parts)})" if parts else ""


def _milestones(a: ImplementationEntry, w: Words) -> str:
    return "; ".join(f"{m.percent}% {w.text(m.text)}" for m in a.milestones) or "-"


def _key_figures(r: ParticipationReport, w: Words) -> list[tuple[str, str, bool]]:
    """The summary's figures: (number, what it counts, whether it needs attention).
    A figure that has no number to give says so in words (number ``""``): the
    council not informed yet."""
    outcomes = r.outcomes()
    counted = len(r.responses) - outcomes["withdrawn"] - outcomes["late"]
    decided = sum(1 for d in r.decisions if d.outcome is not None)
    withdrawn = sum(1 for d in r.decisions if d.state == "withdrawn")
    # A withdrawn meeting was recorded by mistake: it was not held so.
    held = [m for m in r.standing_meetings() if m.held]
    evening = sum(1 for m in held if m.evening_or_weekend)
    struck = len(r.meetings) - len(r.standing_meetings())
    people = sum(p.active + p.former for p in r.participants)
    share = _share(r.budget.allocated, r.budget.total)

    def counted_as(n: int, key: str) -> str:
        return w(f"{key}_one" if n == 1 else key)

    def of(done: int, total: int) -> str:
        """``done/total``; none of none is just ``0``, with the noun alone."""
        return f"{done}/{total}" if total else "0"

    # A withdrawn decision point is not one waiting for its decision, as a
    # withdrawn reaction is not one waiting for its answer.
    decisions = len(r.decisions) - withdrawn
    # A withdrawn informing was recorded by mistake: the council was not informed.
    informings = r.informings()
    taken_back = (
        f" ({w('card_withdrawn', n=len(r.council) - len(informings))})"
        if len(informings) < len(r.council)
        else ""
    )
    return [
        (str(people), counted_as(people, "card_participants"), False),
        (
            str(len(held)),
            counted_as(len(held), "card_meetings")
            + _in_brackets(
                ([f"{evening} {w('card_evening')}"] if held else [])
                + ([w("card_withdrawn", n=struck)] if struck else [])
            ),
            False,
        ),
        (
            of(counted - outcomes["unanswered"], counted),
            (counted_as(counted, "card_answered") if counted else w("card_reactions"))
            + _in_brackets(
                [
                    w(f"card_{key}", n=outcomes[key])
                    for key in ("withdrawn", "late")
                    if outcomes[key]
                ]
            ),
            outcomes["unanswered"] > 0,
        ),
        (
            of(decided, decisions),
            (
                counted_as(decisions, "card_decisions")
                if decisions
                else w("card_decision_points")
            )
            + (f" ({w('card_withdrawn', n=withdrawn)})" if withdrawn else ""),
            False,
        ),
        (
            (
                str(len(informings)),
                counted_as(len(informings), "card_council") + taken_back,
                False,
            )
            if informings
            else ("", w("card_council_none") + taken_back, False)
        ),
        (share, w("card_allocated"), False),
    ]


def _share(allocated: Decimal, total: Decimal) -> str:
    """The share of the budget allocated, in whole percents; a share that is
    neither all nor nothing never reads as either (``>99%``, ``<1%``): rounded,
    all but a thousand euros of a large budget would read ``100%``."""
    if not total:
        return "-"
    percent = allocated / total * 100
    if 0 < percent < 1:
        return "<1%"
    if 99 < percent < 100:
        return ">99%"
    return f"{percent:.0f}%"


def _summary_lines(r: ParticipationReport, w: Words) -> list[str]:
    lines = [
        f"**{n}** {_md(label)}" if n else _md(label)
        for n, label, _ in _key_figures(r, w)
    ]
    lines[-1] += (
        f" ({_md(w.money(r.budget.allocated))} / {_md(w.money(r.budget.total))})"
    )
    return lines


def _moves(r: ParticipationReport, w: Words) -> list[str]:
    """The templates the initiative followed before its present one, and when it
    was moved to the next (the first move names the one it started on)."""
    return [
        w(
            "moved" if n == 0 else "moved_again",
            old=w("template_version", name=m.from_name, version=m.from_version),
            new=w("template_version", name=m.to_name, version=m.to_version),
            when=w.when(m.migrated_at),
            phase=w.value(m.phase),
        )
        for n, m in enumerate(r.process.migrations)
    ]


def _phase_rows(r: ParticipationReport, w: Words) -> list[list[str]]:
    began = {p.phase for p in r.phases}
    rows = [
        [
            w.value(p.phase),
            w.when(p.began_at),
            w.when(p.ended_at) if p.ended_at or r.closed else w("current"),
        ]
        for p in r.phases
    ]
    rows += [
        [w.value(name), w("never_reached" if r.closed else "not_reached"), "-"]
        for name in r.process.phases
        if name not in began
    ]
    return rows


def _plan_status(p: PlanEntry, w: Words) -> str:
    status = (
        w("final_in", n=p.final_version) + f" ({w.when(p.finalised_at)})"
        if p.final_version is not None
        else w("not_final")
    )
    periods = _periods_part(p, w)
    return (
        f"{w('group')}: {_md(p.group)} · {w('created')}: {w.when(p.created_at)} · "
        f"{_md(periods) + ' · ' if periods else ''}{status}"
    )


def _periods_part(p: PlanEntry, w: Words) -> str:
    """From when to when everyone could react to the plan, for each reaction
    period opened on it; empty when none was."""
    if not p.reaction_periods:
        return ""
    key = "reaction_period" if len(p.reaction_periods) == 1 else "reaction_periods"
    spans = "; ".join(
        w("from_to", start=w.when(x.opened_at), end=w.when(x.closes_at))
        for x in p.reaction_periods
    )
    return f"{w(key)}: {spans}"


def _own_initiative_lines(p: PlanEntry, w: Words) -> list[str]:
    """The changes each version made of the authority's own accord, apart from
    those that answer reactions (*ambtshalve wijzigingen*), where named."""
    return [
        w("own_initiative_in", n=v.number, text=w.text(v.own_initiative))
        for v in p.versions
        if v.own_initiative is not None
    ]


def _adopts(v: VersionEntry, w: Words) -> str:
    """The reactions a version adopts; a later version that adopts none was made
    on its proposers' own initiative (ambtshalve), and says so."""
    if v.answers:
        return ", ".join(str(n) for n in v.answers)
    return w("own_initiative") if v.number > 1 else "-"


def _section(x: ReactionEntry, w: Words) -> str:
    if x.section is not None:
        return x.section
    return w("erased") if x.section_erased else "-"


def _explained(x: ReactionEntry) -> bool:
    """Whether the answer carries a text: an adopted change its explanation, a
    defended position its reasoning (shown as erased when the text was erased)."""
    return x.answer_text is not None or x.outcome in (
        "adopted",
        "partly-adopted",
        "defended",
    )


def _unanswered_line(p: PlanEntry, reactions: list[ReactionEntry], w: Words) -> str:
    """The reactions of plan ``p`` still to answer; else that every one has its
    answer, but for the letters received late that have none (they need none)."""
    if p.unanswered:
        numbers = ", ".join(str(n) for n in p.unanswered)
        one = len(p.unanswered) == 1
        key = "unanswered_warning_one" if one else "unanswered_warning"
        return w(key, n=len(p.unanswered), numbers=numbers)
    late = [x.number for x in reactions if x.outcome == "late"]
    if late:
        return w("all_answered_but_late", numbers=", ".join(map(str, late)))
    return w("all_answered")


# --- HTML --------------------------------------------------------------------------


def _e(value: object) -> str:
    """A text from the record, escaped for HTML, with a control character kept
    from before they were refused (or replayed from a bundle) shown as U+FFFD: a
    bidirectional override would show the letters after it in another order."""
    text = replace_controls(str(value))
    return html.escape(text, quote=True)


CSS = """
:root{--navy:#1b3a5c;--ink:#1f2933;--muted:#5f6b7a;--line:#d9e0e7;--soft:#f4f7fa;
--teal:#0f7c86;--green:#2e8540;--amber:#b7791f;--red:#b42318;--purple:#6b46a1}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#eef2f6;color:var(--ink);font:16px/1.55 system-ui,-apple-system,
"Segoe UI",Roboto,"Helvetica Neue","Noto Sans","Liberation Sans",Arial,sans-serif}
.page{max-width:1040px;margin:0 auto;background:#fff;min-height:100vh;
box-shadow:0 0 0 1px var(--line)}
header.top{background:var(--navy);color:#fff;padding:28px 32px 24px;
border-bottom:6px solid var(--teal)}
.eyebrow{text-transform:uppercase;letter-spacing:.12em;font-size:.78rem;opacity:.85;
margin:0 0 6px}
header.top h1{margin:0 0 6px;font-size:1.9rem;line-height:1.2;font-weight:650}
header.top .sub{margin:0;opacity:.92}
.meta{display:flex;flex-wrap:wrap;gap:6px 18px;margin-top:14px;font-size:.86rem;
opacity:.95}
.meta b{font-weight:600}
main{padding:8px 32px 32px}
section{padding-top:10px}
h2{font-size:1.3rem;color:var(--navy);margin:30px 0 12px;padding-bottom:6px;
border-bottom:2px solid var(--line)}
h3{font-size:1.06rem;margin:22px 0 8px;color:var(--ink)}
p{margin:8px 0}
.muted{color:var(--muted)}
.small{font-size:.86rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;
margin:10px 0 4px}
.card{background:var(--soft);border:1px solid var(--line);border-left:4px solid var(--teal);
border-radius:8px;padding:12px 14px}
.card .num{font-size:1.55rem;font-weight:700;color:var(--navy);line-height:1.15}
.card .lbl{font-size:.84rem;color:var(--muted)}
.card .say{font-size:1rem;font-weight:600;color:var(--navy);line-height:1.3}
.card.warn{border-left-color:var(--red)}
dl.facts{display:grid;grid-template-columns:minmax(140px,max-content) 1fr;gap:6px 18px;
margin:8px 0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:8px 0 14px;
border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid var(--line)}
th{background:#eaf0f6;color:#243b53;font-weight:600;white-space:nowrap}
tr:last-child td{border-bottom:0}
td.num,th.num{text-align:right;white-space:nowrap}
td.nowrap{white-space:nowrap}
code,.hash{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono",
monospace;font-size:.8rem;background:#f1f4f8;padding:1px 4px;border-radius:4px}
code{white-space:nowrap}
code.command{white-space:normal;overflow-wrap:anywhere}
.hash{word-break:break-all}
td.text{min-width:15em}
dl.pinned{margin:6px 0 0;font-size:.8rem}
dl.pinned dt{color:var(--muted);margin-top:4px}
dl.pinned dd{margin:2px 0 0;display:inline-block}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:.78rem;
font-weight:600;white-space:nowrap;border:1px solid transparent}
.b-support{background:#e3f4e8;color:#1f5a33;border-color:#b7dfc3}
.b-concern{background:#fdf1dc;color:#7a4b06;border-color:#f1d29b}
.b-objection{background:#fde4e1;color:#8a1c12;border-color:#f5b8b0}
.b-suggestion{background:#e2eefa;color:#18456b;border-color:#b5d1ee}
.b-adopted{background:#2e8540;color:#fff}
.b-partly-adopted{background:#5e7a2c;color:#fff}
.b-defended{background:#1b3a5c;color:#fff}
.b-noted{background:#e6eaef;color:#394b59}
.b-withdrawn{background:#f1f1f1;color:#6b6b6b;border-color:#d0d0d0}
.b-late{background:#f1f1f1;color:#6b4a00;border-color:#d9c27a}
.b-unanswered{background:#b42318;color:#fff}
.answer-text{margin-top:4px}
.who{display:block;color:var(--muted);font-size:.8rem;margin-top:3px}
.note{background:#fff8e6;border:1px solid #f1d29b;border-radius:8px;padding:8px 12px}
.ok{background:#eaf6ee;border:1px solid #b7dfc3;border-radius:8px;padding:8px 12px}
.alert{background:#fdecea;border:1px solid #f5b8b0;border-radius:8px;padding:8px 12px}
figure.timeline{margin:8px 0 14px;border:1px solid var(--line);border-radius:8px;
background:#fff;padding:6px 4px}
.timeline .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
.timeline svg.tl{display:block;width:100%;height:auto}
.timeline svg.tl-wide{min-width:640px}
.timeline svg.tl-narrow{display:none}
figure.diagram{margin:8px 0 14px;border:1px solid var(--line);border-radius:8px;
background:#fff;padding:8px 6px}
.diagram svg.pd{display:block;width:100%;max-width:920px;height:auto;margin:0 auto}
.diagram svg.pd-narrow{display:none;max-width:420px}
.in-words{margin:8px 8px 0;padding-top:8px;border-top:1px solid var(--line);
font-size:.86rem;color:#334e68}
.in-words summary{cursor:pointer;font-weight:600}
.in-words ol{margin:6px 0;padding-left:1.4em}
.in-words ul{margin:2px 0 4px;padding-left:1.2em}
.in-words code{white-space:normal;overflow-wrap:anywhere}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;list-style:none;margin:8px 0 0;
padding:8px 10px 2px;border-top:1px solid var(--line);font-size:.84rem;color:#334e68}
.legend li{display:flex;align-items:center;gap:6px}
.legend svg{flex:none}
.decision{border:1px solid var(--line);border-radius:8px;padding:4px 16px 12px;
margin:12px 0}
.bars{list-style:none;padding:0;margin:8px 0}
.bars li{margin:6px 0}
.bar{height:10px;background:#e6ebf0;border-radius:5px;overflow:hidden;margin-top:3px}
.bar span{display:block;height:100%;background:#8fb3d1}
.bars li.win .bar span{background:var(--teal)}
.bars li.win .opt{font-weight:650}
footer{padding:18px 32px 28px;color:var(--muted);font-size:.82rem;
border-top:1px solid var(--line)}
@media (max-width:760px){
body{font-size:15px;background:#fff}
.page{box-shadow:none}
header.top{padding:20px 16px 18px}
header.top h1{font-size:1.45rem}
main{padding:4px 16px 24px}
footer{padding:16px}
dl.facts{grid-template-columns:1fr;gap:0}
dl.facts dd{margin-bottom:8px}
table.cards-sm thead{position:absolute;width:1px;height:1px;overflow:hidden;
clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
table.cards-sm,table.cards-sm tbody,table.cards-sm tr,table.cards-sm td{display:block;
width:100%}
table.cards-sm tr{border-bottom:1px solid var(--line);padding:8px 0}
table.cards-sm td{border:0;padding:3px 12px}
table.cards-sm td.num{text-align:left}
table.cards-sm td.inl{display:inline-block;width:auto;padding-right:4px}
table.cards-sm td.text{min-width:0}
table.cards-sm td{overflow-wrap:anywhere}
table.cards-sm td:empty{display:none}
.badge{white-space:normal}
table.cards-sm td::before{content:attr(data-label);content:attr(data-label) / "";
display:block;font-size:.72rem;
text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
}
@media (max-width:640px){
.timeline svg.tl-wide{display:none}
.timeline svg.tl-narrow{display:block}
.diagram svg.pd-wide{display:none}
.diagram svg.pd-narrow{display:block}
}
@media print{body{background:#fff}.page{box-shadow:none;max-width:none}
.timeline svg.tl-wide{min-width:0}
header.top{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def render_html(report: ParticipationReport, lang: str = "nl") -> str:
    r = _a_report(report)
    # Nothing more is recorded in a closed initiative: nothing is still to come.
    w = replace(words(lang), ended=r.closed)
    title = f"{w('report')}: {w.text(r.title)}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{w.lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<div class="page">',
        _html_header(r, w),
        "<main>",
        _html_summary(r, w),
        _html_process(r, w),
        _html_participants(r, w),
        _html_meetings(r, w),
        _html_announcements(r, w),
        _html_interventions(r, w),
        _html_plans(r, w),
        _html_responses(r, w),
        _html_decisions(r, w),
        _html_council(r, w),
        _html_budget(r, w),
        _html_implementation(r, w),
        _html_accountability(r, w),
        "</main>",
        f"<footer>{_e(w('footer'))} {_e(w('times_in', zone=TIMEZONE))}</footer>",
        "</div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _html_header(r: ParticipationReport, w: Words) -> str:
    moment = w.when(r.as_of, full=True) if r.as_of else w("now")
    return (
        '<header class="top">'
        f'<p class="eyebrow">{_e(w("report"))}</p>'
        f"<h1>{_e(w.text(r.title))}</h1>"
        f'<p class="sub">{_e(w.text(r.area))}</p>'
        '<div class="meta">'
        f"<span><b>{_e(w('initiative'))}:</b> {_e(r.initiative)}</span>"
        f"<span><b>{_e(w('as_of'))}:</b> {_e(moment)}</span>"
        f"<span><b>{_e(w('generated'))}:</b> {_e(w.when(r.generated_at, full=True))}</span>"
        "</div></header>"
    )


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    classes: Sequence[str] = (),
    cards: bool = False,
) -> str:
    """A table whose cells are already HTML; ``cards`` stacks rows on a phone.

    A card shows each cell's header before it (``data-label``). Laid out as
    blocks, a table's parts lose their roles in some browsers: a table of cards
    names them (``role``), and its header row stays for screen readers, hidden
    only from sight."""

    def role(name: str) -> str:
        return f' role="{name}"' if cards else ""

    head = "".join(
        f'<th scope="col"{role("columnheader")}'
        + (f' class="{c}"' if c else "")
        + f">{_e(h)}</th>"
        for h, c in zip(headers, _pad(classes, len(headers)), strict=True)
    )
    body = "".join(
        f"<tr{role('row')}>"
        + "".join(
            f'<td data-label="{_e(h)}"{role("cell")}'
            + (f' class="{c}"' if c else "")
            + f">{cell}</td>"
            for h, c, cell in zip(
                headers, _pad(classes, len(headers)), row, strict=True
            )
        )
        + "</tr>"
        for row in rows
    )
    kind = f' class="cards-sm"{role("table")}' if cards else ""
    return (
        f'<div class="table-wrap"><table{kind}><thead{role("rowgroup")}>'
        f"<tr{role('row')}>{head}</tr></thead>"
        f"<tbody{role('rowgroup')}>{body}</tbody></table></div>"
    )


def _pad(classes: Sequence[str], n: int) -> list[str]:
    return [*classes, *([""] * (n - len(classes)))][:n]


def _html_summary(r: ParticipationReport, w: Words) -> str:
    body = "".join(
        f'<div class="card{" warn" if warn else ""}"><div class="num">{_e(num)}</div>'
        f'<div class="lbl">{_e(label)}</div></div>'
        if num
        else f'<div class="card"><div class="say">{_e(label)}</div></div>'
        for num, label, warn in _key_figures(r, w)
    )
    return (
        f'<section id="summary"><h2>{_e(w("summary"))}</h2>'
        + "".join(f"<p>{_e(p)}</p>" for p in _paragraphs(w.text(r.description)))
        + f'<div class="cards">{body}</div></section>'
    )


def _html_process(r: ParticipationReport, w: Words) -> str:
    facts = [
        (w("level"), _e(w.value(r.level))),
        (
            w("design"),
            _e(w("template_version", name=r.process.name, version=r.process.version))
            + f' <span class="muted small">({_e(w("content_hash"))} '
            f'<span class="hash">{_e(r.process.content_hash)}</span>)</span>'
            + "".join(f"<br>{_e(line)}" for line in _moves(r, w)),
        ),
        (w("facilitator"), _e(r.facilitator)),
        (w(_phase_label(r)), _e(w.value(r.phase))),
        (w("started"), _e(w.when(r.started_at))),
    ]
    if r.closed:
        facts += [
            (w("closed"), _e(w.when(r.closed_at))),
            (w("closing_outcome"), _e(w.text(r.closing_outcome))),
        ]
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts)
    phases = _table(
        [w("phase"), w("began"), w("ended")],
        [[_e(c) for c in row] for row in _phase_rows(r, w)],
        classes=["", "nowrap inl", "nowrap inl"],
        cards=True,
    )
    frameworks = (
        _table(
            _framework_headers(w),
            [
                [
                    str(number),
                    _e(when),
                    _e(framework),
                    f'<span class="hash">{_e(sha256)}</span>',
                ]
                for number, when, framework, sha256 in _framework_rows(r, w)
            ],
            classes=["num inl", "nowrap inl", "text", "text"],
            cards=True,
        )
        if r.frameworks
        else f"<p>{_e(w('no_frameworks'))}</p>"
    )
    frameworks += "".join(f"<p>{_e(line)}</p>" for line in _framework_corrections(r, w))
    return (
        f'<section id="process"><h2>{_e(w("process"))}</h2>'
        f'<dl class="facts">{dl}</dl>'
        f'<h3 id="frameworks">{_e(w("frameworks"))}</h3>{frameworks}'
        f"<h3>{_e(w('timeline'))}</h3>{timeline_html(r, w)}"
        f"<h3>{_e(w('diagram'))}</h3>{diagram_html(r, w)}"
        f"{phases}</section>"
    )


def _html_participants(r: ParticipationReport, w: Words) -> str:
    erased = _erased_refs(r)
    rows = [
        [
            _e(w.value(p.kind)),
            str(p.active),
            str(p.former),
            _e(", ".join(_marked(ref, w, erased) for ref in p.active_refs))
            + (
                f' <span class="muted">'
                f"{_e(_former_refs(p, w, erased, alone=not p.active_refs))}</span>"
                if p.former_refs
                else ""
            ),
        ]
        for p in r.participants
    ]
    total = sum(p.active for p in r.participants), sum(p.former for p in r.participants)
    rows.append(
        [f"<b>{_e(w('total'))}</b>", f"<b>{total[0]}</b>", f"<b>{total[1]}</b>", ""]
    )
    groups = _table(
        [w("group"), w("kind"), w("name"), w("mandate"), w("members"), w("formed")],
        [
            [
                f"<code>{_e(g.group)}</code>",
                _e(w.value(g.kind)),
                _e(w.text(g.name)),
                _e(w.text(g.mandate)),
                _e(", ".join(g.members)),
                _e(w.when(g.formed_at)),
            ]
            for g in r.groups
        ],
        classes=["inl", "nowrap inl", "", "", "", "nowrap"],
        cards=True,
    )
    return (
        f'<section id="participants"><h2>{_e(w("participants"))}</h2>'
        f'<p class="muted small">{_e(w("no_names"))}</p>'
        + _table(
            [w("kind"), w("active"), w("former"), w("refs")],
            rows,
            classes=["nowrap inl", "num inl", "num inl", ""],
            cards=True,
        )
        + f"<h3>{_e(w('who_when'))}</h3>"
        + _table(
            [w("reference"), w("kind"), w("joined"), w("former")],
            [
                [
                    f"<code>{_e(p.ref)}</code>",
                    _e(w.value(p.kind)),
                    _e(w.when(p.joined_at)),
                    _e(_left(p, w)),
                ]
                for p in r.people
            ],
            classes=["inl", "nowrap inl", "nowrap", "nowrap"],
            cards=True,
        )
        + _html_personal_data(r, w)
        + f"<h3>{_e(w('groups'))}</h3>"
        + (groups if r.groups else f"<p>{_e(w('no_groups'))}</p>")
        + "</section>"
    )


def _meeting_lines(r: ParticipationReport, w: Words) -> list[str]:
    """How many of the meetings held were outside office hours, and how many
    recorded in advance are still ahead."""
    standing = r.standing_meetings()
    held = [m for m in standing if m.held]
    ahead = len(standing) - len(held)
    lines = []
    if held:
        evening = sum(1 for m in held if m.evening_or_weekend)
        lines.append(w.evening_share(evening, len(held)))
    if ahead:
        lines.append(w("ahead_one") if ahead == 1 else w("ahead", n=ahead))
    return lines


def _corrections(r: ParticipationReport, w: Words) -> list[str]:
    """That the record of a meeting was corrected, when, what and why: one line
    for each correction, below the meetings (which show the corrected values)."""
    return [w.meeting_corrected(m.number, c) for m in r.meetings for c in m.corrections]


def _meeting_withdrawals(r: ParticipationReport, w: Words) -> list[str]:
    """That a meeting was withdrawn, as recorded by mistake, when and why: one
    line for each, below the meetings (which list it, marked withdrawn)."""
    return [
        w.meeting_withdrawn(m.number, m.withdrawn)
        for m in r.meetings
        if m.withdrawn is not None
    ]


def _announcement_corrections(r: ParticipationReport, w: Words) -> list[str]:
    """That the record of an announcement was corrected, when, what and why: one
    line for each correction, below the announcements (which show the corrected
    values)."""
    return [
        w.announcement_corrected(a.number, c)
        for a in r.announcements
        for c in a.corrections
    ]


def _announcement_withdrawals(r: ParticipationReport, w: Words) -> list[str]:
    """That an announcement was withdrawn, as recorded by mistake, when and why:
    one line for each, below the announcements (which list it, marked
    withdrawn)."""
    return [
        w.announcement_withdrawn(a.number, a.withdrawn)
        for a in r.announcements
        if a.withdrawn is not None
    ]


def _intervention_corrections(r: ParticipationReport, w: Words) -> list[str]:
    """That the record of an intervention was corrected, when, what and why: one
    line for each correction, below the interventions (which show the corrected
    values)."""
    return [
        w.intervention_corrected(i.number, c)
        for i in r.interventions
        for c in i.corrections
    ]


def _intervention_withdrawals(r: ParticipationReport, w: Words) -> list[str]:
    """That an intervention was withdrawn, as recorded by mistake, when and why:
    one line for each, below the interventions (which list it, marked
    withdrawn)."""
    return [
        w.intervention_withdrawn(i.number, i.withdrawn)
        for i in r.interventions
        if i.withdrawn is not None
    ]


def _framework_corrections(r: ParticipationReport, w: Words) -> list[str]:
    """That the record of a framework of the council was corrected, when, what and
    why: one line for each correction, below the frameworks (which show the
    corrected values)."""
    return [
        w.framework_corrected(f.number, c) for f in r.frameworks for c in f.corrections
    ]


def _informing_corrections(r: ParticipationReport, w: Words) -> list[str]:
    """That the record of an informing of the council was corrected, when, what
    and why: one line for each correction, below the informings (which show the
    corrected values, and the audit head recorded when the council was informed)."""
    return [
        w.informing_corrected(c.number, k) for c in r.council for k in c.corrections
    ]


def _informing_withdrawals(r: ParticipationReport, w: Words) -> list[str]:
    """That an informing of the council was withdrawn, as recorded by mistake, when
    and why: one line for each, below the informings (which list it, marked
    withdrawn, with the audit head it recorded)."""
    return [
        w.informing_withdrawn(c.number, c.withdrawn)
        for c in r.council
        if c.withdrawn is not None
    ]


def _follow_up_withdrawals(r: ParticipationReport, w: Words) -> list[str]:
    """That a follow-up of the council was withdrawn, as recorded by mistake, when
    and why: one line for each, below the informings (which list it, marked
    withdrawn, in its place among the informing's follow-ups)."""
    return [
        w.follow_up_withdrawn(c.number, f.number, f.withdrawn)
        for c in r.council
        for f in c.follow_ups
        if f.withdrawn is not None
    ]


def _informed_when(c: CouncilEntry, w: Words) -> str:
    """When the council was informed, and ``(withdrawn)`` after an informing
    withdrawn as recorded by mistake."""
    when = w.when(c.informed_at)
    return when if c.withdrawn is None else f"{when} ({w('informing_withdrawn_mark')})"


def _meeting_when(m: MeetingEntry, w: Words) -> str:
    """When a meeting began, with ``(withdrawn)`` after one withdrawn as recorded
    by mistake, or ``(not held yet)`` after one still ahead."""
    when = w.when(m.starts_at, weekday=True)
    if m.withdrawn is not None:
        return f"{when} ({w('meeting_withdrawn_mark')})"
    return when if m.held else f"{when} ({w('not_held_yet')})"


def _html_meetings(r: ParticipationReport, w: Words) -> str:
    if not r.meetings:
        body = f"<p>{_e(w('no_meetings'))}</p>"
    else:
        body = "".join(f"<p>{_e(line)}</p>" for line in _meeting_lines(r, w))
        body += _table(
            [
                w("number"),
                w("when"),
                w("kind"),
                w("attendance"),
                w("evening_weekend"),
                w("reactions"),
                w("place"),
                w("report_of_meeting"),
            ],
            [
                [
                    str(m.number),
                    _e(_meeting_when(m, w)),
                    _e(w.meeting_kind(m.kind)),
                    w.count(m.attendance) if m.held else "-",
                    _e(w.yes_no(m.evening_or_weekend)),
                    str(m.reactions),
                    _e(w.text(m.place)),
                    _e(w.text(m.summary)),
                ]
                for m in r.meetings
            ],
            classes=[
                "num inl",
                "nowrap inl",
                "nowrap inl",
                "num inl",
                "inl",
                "num inl",
            ],
            cards=True,
        )
        body += "".join(
            f"<p>{_e(line)}</p>"
            for line in _corrections(r, w) + _meeting_withdrawals(r, w)
        )
    return f'<section id="meetings"><h2>{_e(w("meetings"))}</h2>{body}</section>'


def _md_meetings_and_announcements(r: ParticipationReport, w: Words) -> list[str]:
    """The meetings held, and how the process was announced (Markdown)."""
    out: list[str] = []
    out += [f"## {w('meetings')}", ""]
    if r.meetings:
        for line in _meeting_lines(r, w):
            out += [_md(line), ""]
        out += _md_table(
            [
                w("number"),
                w("when"),
                w("kind"),
                w("attendance"),
                w("evening_weekend"),
                w("reactions"),
                w("place"),
                w("report_of_meeting"),
            ],
            [
                [
                    m.number,
                    _meeting_when(m, w),
                    w.meeting_kind(m.kind),
                    w.count(m.attendance) if m.held else "-",
                    w.yes_no(m.evening_or_weekend),
                    m.reactions,
                    w.text(m.place),
                    w.text(m.summary),
                ]
                for m in r.meetings
            ],
        )
        for line in _corrections(r, w) + _meeting_withdrawals(r, w):
            out += [_md(line), ""]
    else:
        out += [w("no_meetings"), ""]
    out += [f"## {w('announcements')}", ""]
    out += (
        _md_table(_announcement_headers(w), _announcement_rows(r, w))
        if r.announcements
        else [w("no_announcements"), ""]
    )
    for line in _announcement_corrections(r, w) + _announcement_withdrawals(r, w):
        out += [_md(line), ""]
    if r.interventions:
        out += [f"## {w('interventions')}", "", _md(w("interventions_intro")), ""]
        out += _md_table(_intervention_headers(w), _intervention_rows(r, w))
        for line in _intervention_corrections(r, w) + _intervention_withdrawals(r, w):
            out += [_md(line), ""]
    return out


def _intervention_headers(w: Words) -> list[str]:
    return [
        w("number"),
        w("when"),
        w("intervention_kind"),
        w("requested_by"),
        w("note"),
    ]


def _intervention_rows(r: ParticipationReport, w: Words) -> list[list[Any]]:
    return [
        [
            i.number,
            w.when(i.intervened_at)
            + (f" ({w('intervention_withdrawn_mark')})" if i.withdrawn else ""),
            w.value(i.kind),
            w("group_named", group=i.group) if i.group else i.requested_by or "-",
            w.text(i.note),
        ]
        for i in r.interventions
    ]


def _html_interventions(r: ParticipationReport, w: Words) -> str:
    if not r.interventions:
        return ""
    body = _table(
        _intervention_headers(w),
        [[_e(str(cell)) for cell in row] for row in _intervention_rows(r, w)],
        classes=["num inl", "nowrap inl", "nowrap inl", "nowrap inl", "text"],
        cards=True,
    )
    body += "".join(
        f"<p>{_e(line)}</p>"
        for line in _intervention_corrections(r, w) + _intervention_withdrawals(r, w)
    )
    return (
        f'<section id="interventions"><h2>{_e(w("interventions"))}</h2>'
        f"<p>{_e(w('interventions_intro'))}</p>{body}</section>"
    )


def _framework_headers(w: Words) -> list[str]:
    return [w("number"), w("framework_set"), w("framework"), w("framework_sha256")]


def _framework_rows(r: ParticipationReport, w: Words) -> list[list[Any]]:
    """The council's frameworks: number, when set, what, and the document's SHA-256
    (``-`` when none was given)."""
    return [
        [f.number, w.when(f.set_at), w.text(f.framework), f.document_sha256 or "-"]
        for f in r.frameworks
    ]


def _announcement_headers(w: Words) -> list[str]:
    return [
        w("number"),
        w("when"),
        w("announcement_channel"),
        w("audience"),
        w("reach"),
    ]


def _announcement_rows(r: ParticipationReport, w: Words) -> list[list[Any]]:
    return [
        [
            a.number,
            w.when(a.announced_at)
            + (f" ({w('announcement_withdrawn_mark')})" if a.withdrawn else ""),
            w.value(a.channel),
            w.text(a.audience),
            "-" if a.reach is None else w.count(a.reach),
        ]
        for a in r.announcements
    ]


def _html_announcements(r: ParticipationReport, w: Words) -> str:
    if not r.announcements:
        body = f"<p>{_e(w('no_announcements'))}</p>"
    else:
        body = _table(
            _announcement_headers(w),
            [[_e(str(cell)) for cell in row] for row in _announcement_rows(r, w)],
            classes=["num inl", "nowrap inl", "nowrap inl", "text", "num inl"],
            cards=True,
        )
        body += "".join(
            f"<p>{_e(line)}</p>"
            for line in _announcement_corrections(r, w)
            + _announcement_withdrawals(r, w)
        )
    return (
        f'<section id="announcements"><h2>{_e(w("announcements"))}</h2>{body}</section>'
    )


def _html_plans(r: ParticipationReport, w: Words) -> str:
    out = [f'<section id="plans"><h2>{_e(w("plans"))}</h2>']
    for p in r.plans:
        status = (
            w("final_in", n=p.final_version) + f" ({w.when(p.finalised_at)})"
            if p.final_version is not None
            else w("not_final")
        )
        periods = _periods_part(p, w)
        out.append(
            f"<h3>{_e(w.text(p.title))} <code>{_e(p.plan)}</code></h3>"
            f'<p class="small muted">{_e(w("group"))}: {_e(p.group)} · '
            f"{_e(w('created'))}: {_e(w.when(p.created_at))} · "
            f"{_e(periods) + ' · ' if periods else ''}"
            f'<span class="badge {"b-adopted" if p.final_version else "b-noted"}">'
            f"{_e(status)}</span></p>"
        )
        out.append(
            _table(
                [
                    w("version"),
                    w("proposed"),
                    w("proposed_by"),
                    w("changes"),
                    w("adopts"),
                ],
                [
                    [
                        str(v.number),
                        _e(w.when(v.proposed_at)),
                        _e(v.proposed_by),
                        _e(w.text(v.changes)),
                        _e(_adopts(v, w)),
                    ]
                    for v in p.versions
                ],
                classes=["num inl", "nowrap inl", "nowrap inl"],
                cards=True,
            )
        )
        out += [f"<p>{_e(line)}</p>" for line in _own_initiative_lines(p, w)]
    if not r.plans:
        out.append(f"<p>{_e(w('no_plans'))}</p>")
    out.append("</section>")
    return "".join(out)


def _html_responses(r: ParticipationReport, w: Words) -> str:
    out = [f'<section id="responses"><h2>{_e(w("responses"))}</h2>']
    for p in r.plans:
        reactions = [x for x in r.responses if x.plan == p.plan]
        out.append(f"<h3>{_e(w.text(p.title))} <code>{_e(p.plan)}</code></h3>")
        if not reactions:
            out.append(f"<p>{_e(w('no_reactions'))}</p>")
            continue
        line = _unanswered_line(p, reactions, w)
        css = "alert" if p.unanswered else "ok"
        out.append(f'<p class="{css} small">{_e(line)}</p>')
        out.append(
            _table(
                [
                    w("number"),
                    w("stance"),
                    w("channel"),
                    w("section"),
                    w("reaction"),
                    w("answer"),
                ],
                [_reaction_row(x, w) for x in reactions],
                classes=["num inl", "nowrap inl", "inl", "inl", "text", "text"],
                cards=True,
            )
        )
    if not r.plans:
        out.append(f"<p>{_e(w('no_plans_to_react_to'))}</p>")
    out.append("</section>")
    return "".join(out)


def _refs_of_kind(p: ParticipantsOfKind, w: Words, erased: set[str]) -> str:
    """Who of a kind take part, then who left (in brackets after the others);
    each one erased marked so (one erased after the close did not leave)."""
    active = ", ".join(_marked(ref, w, erased) for ref in p.active_refs)
    if not p.former_refs:
        return active
    former = _former_refs(p, w, erased, alone=not p.active_refs)
    return f"{active} {former}" if p.active_refs else former


def _marked(ref: str, w: Words, erased: set[str]) -> str:
    return f"{ref} ({w('data_erased_short')})" if ref in erased else ref


def _erased_refs(r: ParticipationReport) -> set[str]:
    """Who was erased in the record reported (not someone erased after ``as_of``,
    although their reference is gone)."""
    return {p.ref for p in r.people if p.erased}


def _former_refs(
    p: ParticipantsOfKind, w: Words, erased: set[str], *, alone: bool
) -> str:
    """``vertrokken: a, erased-1 (gewist)``; in brackets when it follows others."""
    refs = ", ".join(_marked(ref, w, erased) for ref in p.former_refs)
    said = f"{w('former').lower()}: {refs}"
    return said if alone else f"({said})"


def _left(p: Participant, w: Words) -> str:
    """When someone left, and whether their personal data was erased (which is
    not the same as leaving of their own accord): then, or later (an erasure of
    someone who still took part records their leaving just before it)."""
    if not p.erased:
        return w.when(p.left_at)
    if p.erased_at is None or w.when(p.erased_at) == w.when(p.left_at):
        return f"{w.when(p.left_at)} ({w('data_erased')})"
    return f"{w.when(p.left_at)} ({w('data_erased_on', when=w.when(p.erased_at))})"


def _requests_line(r: ParticipationReport, w: Words) -> str:
    counts = r.requests()
    by_then = r.as_of is not None
    return w.requests(counts["erasure"], counts["correction"], by_then=by_then)


def _request_row(q: PersonalDataEntry, w: Words) -> list[str]:
    """When, what, whose (with their kind) and who asked, as plain text."""
    what = (
        "request_correction"
        if q.request == "correction"
        else "request_erasure_with_texts"
        if q.with_texts
        else "request_erasure"
    )
    whose = q.stakeholder + (
        f" ({w.value(q.stakeholder_kind).lower()})" if q.stakeholder_kind else ""
    )
    asked = w("themselves") if q.asked_by == q.stakeholder else q.asked_by
    return [w.when(q.at), w(what), whose, asked]


def _html_personal_data(r: ParticipationReport, w: Words) -> str:
    """Who was shown as erased only later, and every erasure and correction of
    personal data recorded, with when and who asked."""
    later = (
        f'<p class="muted small">'
        f"{_e(w('erased_later', refs=', '.join(r.erased_later)))}</p>"
        if r.erased_later
        else ""
    )
    table = (
        _table(
            [w("when"), w("request"), w("concerning"), w("asked_by")],
            [[_e(cell) for cell in _request_row(q, w)] for q in r.personal_data],
            classes=["nowrap", "", "inl", "inl"],
            cards=True,
        )
        if r.personal_data
        else ""
    )
    return (
        later
        + f'<h3 id="personal-data">{_e(w("personal_data"))}</h3>'
        + f"<p>{_e(_requests_line(r, w))}</p>"
        + table
        + f'<p class="muted small">{_e(w("requests_note"))}</p>'
    )


def _reacted(x: ReactionEntry, w: Words) -> str:
    """Who gave a reaction, with their kind: ``resident-kerkstraat (inwoner)``."""
    kind = w.value(x.stakeholder_kind).lower() if x.stakeholder_kind else None
    return f"{x.stakeholder} ({kind})" if kind else x.stakeholder


def _given_by(x: ReactionEntry, w: Words) -> str:
    """Who gave a reaction (with their kind) and, when someone else recorded it,
    who did."""
    recorded = f", {w('recorded_by', who=x.recorded_by)}" if x.recorded_by else ""
    return f"{_reacted(x, w)}{recorded}"


def _when_given(x: ReactionEntry, w: Words) -> str:
    """When a reaction was recorded and, for a letter or e-mail that came in
    earlier, when it came in (from which it counts), and whether that was after
    the reaction period (received late: so it stays said once it is answered);
    for one given at a meeting, the meeting's start (from which it counts)."""
    if x.received_at is not None:
        return w(
            "received_late_and_recorded" if x.late else "received_and_recorded",
            received=w.when(x.received_at),
            recorded=w.when(x.recorded_at),
        )
    if x.given_at is not None and x.meeting is not None:
        return w(
            "given_at_meeting_and_recorded",
            given=w.when(x.given_at),
            recorded=w.when(x.recorded_at),
        )
    return w.when(x.recorded_at)


def _dealt_with(x: ReactionEntry, w: Words) -> list[str]:
    """Who answered or withdrew a reaction, and when."""
    if x.answered_by:
        return [f"{w('by')} {x.answered_by}, {w.when(x.answered_at)}"]
    if x.withdrawn_by:
        return [f"{w('by')} {x.withdrawn_by}, {w.when(x.withdrawn_at)}"]
    return []


def _reaction_row(x: ReactionEntry, w: Words) -> list[str]:
    who = _given_by(x, w) + f", {w('on_version', n=x.version)}, {_when_given(x, w)}"
    answer = f'<span class="badge b-{_e(x.outcome)}">{_e(w.answer(x))}</span>'
    if _explained(x):
        answer += f'<div class="answer-text">{_e(w.text(x.answer_text))}</div>'
    answer += "".join(
        f'<span class="who">{_e(line)}</span>' for line in _dealt_with(x, w)
    )
    return [
        str(x.number),
        f'<span class="badge b-{_e(x.stance)}">{_e(w.value(x.stance))}</span>',
        _e(w.channel(x)),
        _e(_section(x, w)),
        f'{_e(w.text(x.text))}<span class="who">{_e(who)}</span>',
        answer,
    ]


def _html_decisions(r: ParticipationReport, w: Words) -> str:
    out = [f'<section id="decisions"><h2>{_e(w("decisions"))}</h2>']
    for d in r.decisions:
        facts = [
            (w("rule"), w.value(d.rule)),
            (w("eligible"), w.kinds(d.eligible)),
            (w("put"), w.when(d.put_at)),
            (w("closes"), _closes(d, w)),
            (
                w("state"),
                w.state(d, r.as_of or r.generated_at)
                + (f", {w.when(d.ended_at)}" if d.ended_at else ""),
            ),
            (w("positions"), _positions(d, w)),
            (w("outcome"), w.outcome(d)),
        ]
        dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
        rows = _tally_rows(d, w)
        most = max((votes or 0 for _, _, votes in rows), default=0) or 1
        bars = "".join(
            f'<li class="{"win" if key == d.outcome else ""}">'
            f'<span class="opt">{_e(label)}</span> <code>{_e(key)}</code>'
            + (
                f' <span class="muted small">{votes} '
                f"{_e(w('vote' if votes == 1 else 'votes'))}</span>"
                f'<div class="bar"><span style="width:{(votes * 100) // most}%">'
                "</span></div>"
                if votes is not None
                else ""
            )
            + "</li>"
            for key, label, votes in rows
        )
        out.append(
            '<div class="decision">'
            f"<h3>{_e(w.text(d.question))} <code>{_e(d.decision)}</code></h3>"
            f'<dl class="facts">{dl}</dl>'
            f'<b>{_e(w("options"))}</b><ul class="bars">{bars}</ul>'
            "</div>"
        )
    if not r.decisions:
        out.append(f"<p>{_e(w('no_decisions'))}</p>")
    out.append("</section>")
    return "".join(out)


def _tally_rows(d: DecisionEntry, w: Words) -> list[tuple[str, str, int | None]]:
    """(key, label, votes) of every option, then of any other key in the tally
    (objections to a proposal put for consent); votes once decided."""
    rows = [(o.key, w.text(o.label), o.votes) for o in d.options]
    keys = {o.key for o in d.options}
    rows += [(k, w.value(k), n) for k, n in d.tally.items() if k not in keys]
    return rows


def _recorded_later(c: CouncilEntry, w: Words) -> str:
    """When an informing was recorded, where that is not when the council was
    informed (as the report shows them): its audit head is from then, and holds
    what was recorded in between."""
    recorded, informed = w.when(c.recorded_at), w.when(c.informed_at)
    return "" if recorded == informed else w("head_recorded", when=recorded)


def _head_then(c: CouncilEntry, w: Words) -> _Code:
    """The audit head an informing recorded, with when it was recorded if that
    was not when the council was informed."""
    return _Code(c.audit_head or "-", _recorded_later(c, w))


def _html_council(r: ParticipationReport, w: Words) -> str:
    if not r.council:
        body = f"<p>{_e(w('nothing_to_council'))}</p>"
    else:
        body = _table(
            [w("number"), w("when"), w("session"), w("document"), w("follow_up")],
            [
                [
                    str(c.number),
                    _e(_informed_when(c, w)),
                    _e(w.council_session(c.session)),
                    f"{_e(w.text(c.document_title))}"
                    f'<dl class="pinned"><dt>{_e(w("sha256"))}</dt>'
                    f'<dd class="hash">{_e(c.document_sha256)}</dd>'
                    f"<dt>{_e(w('head_then'))}</dt>"
                    f'<dd class="hash">{_e(c.audit_head or "-")}</dd>'
                    + (
                        f"<dd>{_e(_recorded_later(c, w))}</dd></dl>"
                        if _recorded_later(c, w)
                        else "</dl>"
                    ),
                    _e(_follow_ups(c, w)),
                ]
                for c in r.council
            ],
            classes=["num inl", "nowrap inl", "nowrap inl", "text", "text"],
            cards=True,
        )
        body += "".join(
            f"<p>{_e(line)}</p>"
            for line in _informing_corrections(r, w)
            + _informing_withdrawals(r, w)
            + _follow_up_withdrawals(r, w)
        )
    return f'<section id="council"><h2>{_e(w("council"))}</h2>{body}</section>'


def _html_budget(r: ParticipationReport, w: Words) -> str:
    b = r.budget
    facts = [
        (w("budget_total"), w.money(b.total)),
        (w("allocated"), w.money(b.allocated)),
        (w("remaining"), w.money(b.remaining)),
    ]
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    table = (
        _table(
            [w("amount"), w("purpose"), w("following"), w("when")],
            [
                [
                    _e(w.money(a.amount)),
                    _e(w.text(a.purpose)),
                    f"<code>{_e(a.decision)}</code>",
                    _e(w.when(a.allocated_at)),
                ]
                for a in b.allocations
            ],
            classes=["num inl", "", "inl", "nowrap inl"],
            cards=True,
        )
        if b.allocations
        else ""
    )
    return (
        f'<section id="budget"><h2>{_e(w("budget"))}</h2>'
        f'<dl class="facts">{dl}</dl>{table}</section>'
    )


def _html_implementation(r: ParticipationReport, w: Words) -> str:
    body = (
        _table(
            [w("action"), w("owner"), w("progress"), w("status"), w("milestones")],
            [
                [
                    _e(w.text(a.title)),
                    _e(_owner(a, w)),
                    _e(f"{a.percent}%"),
                    _e(_status(a, w)),
                    _e(_milestones(a, w)),
                ]
                for a in r.implementation
            ],
            classes=["", "inl", "num inl", "inl", ""],
            cards=True,
        )
        if r.implementation
        else f"<p>{_e(w('nothing_implemented'))}</p>"
    )
    return (
        f'<section id="implementation"><h2>{_e(w("implementation"))}</h2>'
        f"{body}</section>"
    )


def _html_accountability(r: ParticipationReport, w: Words) -> str:
    heads = r.built_from
    facts = [
        (
            w("initiative_head"),
            f'<span class="hash">{_e(heads.initiative_head)}</span>',
        ),
        (w("global_head"), f'<span class="hash">{_e(heads.global_head)}</span>'),
        (
            w("verify_with"),
            f'<code class="command">{_e(_verify_command(r))}</code>',
        ),
        (w("as_of"), _e(w.when(r.as_of, full=True) if r.as_of else w("now"))),
        (w("generated"), _e(w.when(r.generated_at, full=True))),
    ]
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts)
    return (
        f'<section id="accountability"><h2>{_e(w("accountability"))}</h2>'
        f"<p>{_e(w('built_from'))}</p>"
        f'<dl class="facts">{dl}</dl>'
        f'<p class="muted small">{_e(w("no_names"))}</p></section>'
    )
