"""What is next: the items each person in an initiative has to act on.

Pure functions from an initiative's process-state document (see
:mod:`samenspraak.projections.state`), the template it is pinned to and a moment,
to a list of :class:`TodoItem`. The facilitator of an initiative sees reactions
still to answer, decision points ready to decide, a phase whose guards all hold,
a council not yet informed and the deadlines of the coming week. Any other active
stakeholder sees the decision points they may take a position on, the plans they
may react to, meetings ahead and recent answers to their own reactions. Owners of
implementation actions (or members of the owning group) see their actions not yet
done; the facilitator sees the actions on hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from samenspraak.application import reading
from samenspraak.application.views import View
from samenspraak.domain import clock
from samenspraak.domain.rules import counted
from samenspraak.domain.templates import GUARDS, ProcessTemplate
from samenspraak.projections.state import awaits_answer

HORIZON = timedelta(days=7)
"""How far ahead deadlines are shown, and how far back answers."""

Texts = Callable[[str | None], str | None]


class TodoItem(View):
    """One thing to do (or to know) in an initiative."""

    kind: str
    """What sort of item: unanswered-reactions, ready-to-decide, phase-can-advance,
    inform-council, deadline, take-position, react-to-plan, meeting, answer,
    implementation-action, action-on-hold."""
    initiative: str
    subject: str
    """The plan, decision point, phase or meeting (by number) it is about."""
    text: str
    due: datetime | None = None
    count: int | None = None
    """How many (of the reactions still to answer), where that applies."""


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def todo_for(
    doc: dict[str, Any],
    stakeholder: str,
    now: datetime,
    *,
    process: ProcessTemplate | None = None,
    texts: Mapping[str, str | None] | None = None,
) -> list[TodoItem]:
    """The items for one stakeholder (by id) in one initiative, as of ``now``;
    ``texts`` gives the bodies of plan titles and questions (else their slugs)."""
    known = texts or {}

    def text(text_id: str | None) -> str | None:
        return known.get(text_id) if text_id else None

    person = doc["stakeholders"].get(stakeholder)
    if person is None or not person["active"] or doc.get("closed"):
        return []
    process = process or reading.process_of(doc)
    if stakeholder == doc.get("facilitator"):
        items = list(_facilitator(doc, process, now, text))
    else:
        items = list(_participant(doc, stakeholder, process, now, text))
    items += _implementation(doc, stakeholder, process, text)
    items += _meetings(doc, now)
    return ordered(items)


def ordered(items: list[TodoItem]) -> list[TodoItem]:
    """By due date (undated last), then kind, initiative and subject."""
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(items, key=lambda i: (i.due or far, i.kind, i.initiative, i.subject))


# --- What the document says -----------------------------------------------------------


def phase_began(doc: dict[str, Any]) -> datetime | None:
    return _at(doc["phases"][-1]["at"]) if doc["phases"] else None


def reaction_period_end(
    doc: dict[str, Any], process: ProcessTemplate, plan: dict[str, Any] | None = None
) -> datetime | None:
    """When reactions close: the plan's own period when it was opened in the
    current phase, else the current phase's default period, else no period: a
    period opened in an earlier phase does not carry into this one. (A period
    recorded before periods kept their phase does, as the engine still reads it.)"""
    own = _plan_period(plan) if plan is not None else None
    began = phase_began(doc)
    if own is not None and (began is None or _opened_in_phase(plan, began)):
        return own
    days = process.phase(doc["phase"]).reaction_period_days
    if days is not None and began is not None:
        return clock.days_later(began, days)
    period = (plan or {}).get("reaction_period")
    kept_its_phase = isinstance(period, dict) and period.get("phase") is not None
    return None if kept_its_phase else own


def _phases_by(doc: dict[str, Any], moment: datetime) -> list[dict[str, Any]]:
    """The phases the initiative had entered by ``moment``, in order."""
    return [p for p in doc["phases"] if datetime.fromisoformat(p["at"]) <= moment]


def phase_at(doc: dict[str, Any], moment: datetime) -> str | None:
    """The phase the initiative was in at ``moment`` (None: before it began)."""
    phases = _phases_by(doc, moment)
    return str(phases[-1]["phase"]) if phases else None


def reaction_period_end_at(
    doc: dict[str, Any],
    process: ProcessTemplate,
    plan: dict[str, Any] | None,
    moment: datetime,
) -> datetime | None:
    """When reactions on ``plan`` closed for one that came in at ``moment``, as
    :func:`reaction_period_end` says for now but with what was in force then: the
    latest period the plan had opened by that moment, if opened in the phase the
    initiative was in, else that phase's default period, else none. A letter that
    came in under an earlier period, before a new one opened or the phase moved
    on, is judged by that earlier one."""
    at = datetime.fromisoformat
    phases = _phases_by(doc, moment)
    began = at(phases[-1]["at"]) if phases else None
    periods = [
        p
        for p in (plan or {}).get("reaction_periods", [])
        if at(p["opened_at"]) <= moment
    ]
    latest = periods[-1] if periods else None
    own = at(latest["closes_at"]) if latest is not None else None
    if latest is not None and (began is None or at(latest["opened_at"]) >= began):
        return own
    days = next(
        (
            p.reaction_period_days
            for p in process.phases
            if phases and p.name == phases[-1]["phase"]
        ),
        None,
    )
    if days is not None and began is not None:
        return clock.days_later(began, days)
    kept_its_phase = latest is not None and latest.get("phase") is not None
    return None if kept_its_phase else own


def phase_reaction_period_end(
    doc: dict[str, Any], process: ProcessTemplate
) -> datetime | None:
    """When the phase's reaction period is over, for its guard: the end of the
    phase's own period, or later when a plan's own period, opened in this phase,
    runs longer (a period announced to people is not cut short)."""
    ends = [
        end
        for end in (
            reaction_period_end(doc, process),
            *(
                reaction_period_end(doc, process, plan)
                for plan in doc["plans"].values()
            ),
        )
        if end is not None
    ]
    return max(ends) if ends else None


def _opened_in_phase(plan: dict[str, Any] | None, began: datetime) -> bool:
    period = (plan or {}).get("reaction_period")
    opened = _at(period.get("opened_at")) if isinstance(period, dict) else None
    return opened is None or opened >= began


def _plan_period(plan: dict[str, Any]) -> datetime | None:
    """A plan's own reaction period, when the document keeps one."""
    period = plan.get("reaction_period")
    for found in (
        period.get("closes_at") if isinstance(period, dict) else None,
        plan.get("reaction_period_closes_at"),
        plan.get("reactions_close_at"),
    ):
        if isinstance(found, str):
            return datetime.fromisoformat(found)
    return None


def _live_reactions(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in plan["reactions"].values() if not r["withdrawn"]]


def unanswered(plan: dict[str, Any]) -> int:
    return sum(awaits_answer(r) for r in plan["reactions"].values())


def participants(
    doc: dict[str, Any], process: ProcessTemplate, decision: dict[str, Any]
) -> list[str]:
    """The active stakeholders who may take a position on a decision point now: of
    an eligible kind the phase lets take positions (as the engine counts them)."""
    society = process.phase(doc["phase"]).society_only
    return [
        s
        for s, person in doc["stakeholders"].items()
        if person["active"]
        and person["kind"] in decision["eligible"]
        and not (society and person["kind"] == "civil-servant")
        and _permitted(process, doc["phase"], person["kind"], "take_position")
    ]


def _permitted(process: ProcessTemplate, phase: str, kind: str, command: str) -> bool:
    permissions = process.phase(phase).permissions
    return not permissions or command in permissions.get(kind, ())


ANSWERS = ("adopt_change", "defend_position", "note_support")
"""The commands that answer a reaction."""


def _may_answer(
    doc: dict[str, Any],
    process: ProcessTemplate,
    kind: str,
    plan: dict[str, Any] | None = None,
) -> bool:
    """Whether this kind of stakeholder may answer reactions in the current phase
    (a civil servant observes in a society-only phase); on a finalised ``plan``
    (where only letters recorded after it are open), in the phase it was
    finalised in, as the template in force then defines it (a migration since
    changes nothing), as the engine lets them be answered."""
    name = doc["phase"]
    finalised_at = (plan or {}).get("finalised_at")
    if finalised_at is not None:
        then = phase_at(doc, datetime.fromisoformat(finalised_at))
        in_force = reading.process_at(doc, finalised_at)
        if then is not None and then in {p.name for p in in_force.phases}:
            name, process = then, in_force
    phase = process.phase(name)
    if phase.society_only and kind == "civil-servant":
        return False
    return any(_permitted(process, phase.name, kind, c) for c in ANSWERS)


def _unanswered_item(
    plan: dict[str, Any], initiative: str, text: Texts
) -> Iterator[TodoItem]:
    open_count = unanswered(plan)
    if open_count:  # on a finalised plan: letters recorded after it, to answer
        name = text(plan["title"]) or plan["slug"]
        yield TodoItem(
            kind="unanswered-reactions",
            initiative=initiative,
            subject=plan["slug"],
            text=f"{counted(open_count, 'reaction', 'reactions')} on '{name}' still "
            "to answer.",
            count=open_count,
        )


def guard_holds(
    doc: dict[str, Any], process: ProcessTemplate, guard: str, now: datetime
) -> bool:
    """Whether one of the phase's guards holds, read from the document as the
    application gathers it before the facilitator advances the phase."""
    plans = list(doc["plans"].values())
    decisions = list(doc["decisions"].values())
    if guard == "reaction_period_over":
        ends = phase_reaction_period_end(doc, process)
        return ends is not None and now >= ends
    holds = {
        "no_open_decision_point": all(d["state"] != "open" for d in decisions),
        "every_reaction_answered": all(unanswered(p) == 0 for p in plans),
        "every_plan_finalised": all(p["final_version"] is not None for p in plans),
        "a_draft_proposed": any(p["versions"] for p in plans),
        "a_decision_taken": any(
            d["state"] == "decided" and d["outcome"] is not None for d in decisions
        ),
        "council_informed": informed_in_phase(doc),
        "budget_allocated": bool(doc["allocations"]),
    }
    return holds.get(guard, False)


# --- The facilitator ----------------------------------------------------------------


def _facilitator(
    doc: dict[str, Any], process: ProcessTemplate, now: datetime, text: Texts
) -> Iterator[TodoItem]:
    slug = doc["slug"]
    for plan in doc["plans"].values():
        if _may_answer(doc, process, "facilitator", plan):
            yield from _unanswered_item(plan, slug, text)
        closes = _plan_period(plan)
        if plan["final_version"] is None and closes and now <= closes <= now + HORIZON:
            yield TodoItem(
                kind="deadline",
                initiative=slug,
                subject=plan["slug"],
                text=f"Reactions on '{text(plan['title']) or plan['slug']}' close "
                "within a week.",
                due=closes,
            )
    for decision in doc["decisions"].values():
        if decision["state"] != "open":
            continue
        closes = _at(decision["closes_at"])
        who = participants(doc, process, decision)
        counted = reading.counted_positions(doc, decision)  # none that lapsed
        everyone = bool(who) and all(counted.get(s, False) for s in who)
        question = text(decision["question"]) or decision["slug"]
        if (closes is not None and now > closes) or everyone:
            if _permitted(process, doc["phase"], "facilitator", "decide"):
                why = (
                    "it has closed" if closes and now > closes else "everyone took part"
                )
                yield TodoItem(
                    kind="ready-to-decide",
                    initiative=slug,
                    subject=decision["slug"],
                    text=f"Ready to decide ({why}): {question}",
                    due=closes,
                )
        elif closes is not None and closes <= now + HORIZON:
            taken = len([s for s in who if counted.get(s, False)])
            yield TodoItem(
                kind="deadline",
                initiative=slug,
                subject=decision["slug"],
                text=(
                    f"Closes within a week ({taken} of {len(who)} positions taken): "
                    f"{question}"
                ),
                due=closes,
            )
    yield from _phase_items(doc, process, now)
    if _permitted(process, doc["phase"], "facilitator", "inform_council"):
        yield from _council_item(doc, process)


def _phase_items(
    doc: dict[str, Any], process: ProcessTemplate, now: datetime
) -> Iterator[TodoItem]:
    slug, phase = doc["slug"], process.phase(doc["phase"])
    following = process.next_phase(phase.name)
    if (
        phase.guards
        and following is not None
        and _permitted(process, phase.name, "facilitator", "advance_phase")
        and all(guard_holds(doc, process, g, now) for g in phase.guards)
        and not (
            phase.society_only
            and not following.society_only
            and any(d["state"] == "open" for d in doc["decisions"].values())
        )  # society decides before colleagues join
    ):
        met = "; ".join(GUARDS.get(g, g) for g in phase.guards)
        yield TodoItem(
            kind="phase-can-advance",
            initiative=slug,
            subject=phase.name,
            text=f"The phase can advance to {following.name}: {met}.",
        )
    ends = reaction_period_end(doc, process)
    if ends is not None and now <= ends <= now + HORIZON:
        yield TodoItem(
            kind="deadline",
            initiative=slug,
            subject=phase.name,
            text=f"The reaction period of the phase {phase.name} ends within a week.",
            due=ends,
        )


def informings(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The informings of the council that stand: a withdrawn one was recorded by
    mistake, and the council was not informed so."""
    return [c for c in doc["council"] if "withdrawn" not in c]


def informed_in_phase(doc: dict[str, Any]) -> bool:
    """An informing of the council was recorded since the current phase began and
    not withdrawn (the guard ``council_informed``, as the initiative itself keeps
    it)."""
    began = phase_began(doc)
    return any(
        began is None or datetime.fromisoformat(c["recorded_at"]) >= began
        for c in informings(doc)
    )


def _council_item(doc: dict[str, Any], process: ProcessTemplate) -> Iterator[TodoItem]:
    slug = doc["slug"]
    standing = informings(doc)
    if not standing:
        yield TodoItem(
            kind="inform-council",
            initiative=slug,
            subject="council",
            text="The council has not been informed yet.",
        )
        return
    phase = process.phase(doc["phase"])
    if "council_informed" in phase.guards and not informed_in_phase(doc):
        yield TodoItem(
            kind="inform-council",
            initiative=slug,
            subject="council",
            text=f"The council has not been informed in the phase {phase.name} yet; "
            "leaving the phase asks for it.",
        )
        return
    last = max(datetime.fromisoformat(c["recorded_at"]) for c in standing)
    later = [
        p["slug"]
        for p in doc["plans"].values()
        if p["finalised_at"] is not None
        and datetime.fromisoformat(p["finalised_at"]) > last
    ]
    if later:
        yield TodoItem(
            kind="inform-council",
            initiative=slug,
            subject="council",
            text="Finalised since the council was last informed: "
            + ", ".join(later)
            + ".",
        )
    answered = [p["slug"] for p in doc["plans"].values() if _answered_after(p, last)]
    if answered:
        yield TodoItem(
            kind="inform-council",
            initiative=slug,
            subject="council",
            text="Letters found after the plan was final, answered since the council "
            "was last informed: " + ", ".join(answered) + ".",
        )


def _answered_after(plan: dict[str, Any], last: datetime) -> bool:
    """Whether a reaction on the finalised ``plan`` was answered after it was
    finalised (a letter found late) and after the council was last informed."""
    if plan["finalised_at"] is None:
        return False
    since = max(datetime.fromisoformat(plan["finalised_at"]), last)
    return any(
        r["answer"] is not None and datetime.fromisoformat(r["answer"]["at"]) > since
        for r in plan["reactions"].values()
    )


# --- Other stakeholders -------------------------------------------------------------


def _participant(
    doc: dict[str, Any],
    stakeholder: str,
    process: ProcessTemplate,
    now: datetime,
    text: Texts,
) -> Iterator[TodoItem]:
    slug = doc["slug"]
    kind = doc["stakeholders"][stakeholder]["kind"]
    society = process.phase(doc["phase"]).society_only
    observer = society and kind == "civil-servant"
    for decision in doc["decisions"].values():
        closes = _at(decision["closes_at"])
        if (
            observer
            or decision["state"] != "open"
            or kind not in decision["eligible"]
            or (closes is not None and now > closes)
            or not _permitted(process, doc["phase"], kind, "take_position")
        ):
            continue
        question = text(decision["question"]) or decision["slug"]
        mine = decision["positions"].get(stakeholder)
        if mine and not reading.counted_positions(doc, decision).get(stakeholder):
            mine = None  # taken before they left: it lapsed
        said = (
            f"You chose {mine['option']}; you may change it while it is open: "
            if mine
            else "Take your position: "
        )
        yield TodoItem(
            kind="take-position",
            initiative=slug,
            subject=decision["slug"],
            text=said + question,
            due=closes,
        )
    for plan in doc["plans"].values():
        if (
            observer
            or not plan["versions"]
            or plan["final_version"] is not None
            or not _permitted(process, doc["phase"], kind, "react_to_plan")
        ):
            continue
        closes = reaction_period_end(doc, process, plan)
        if closes is not None and now > closes:
            continue
        latest = max(int(n) for n in plan["versions"])
        name = text(plan["title"]) or plan["slug"]
        yield TodoItem(
            kind="react-to-plan",
            initiative=slug,
            subject=plan["slug"],
            text=f"Version {latest} of '{name}' is open for reactions.",
            due=closes,
        )
    for plan in doc["plans"].values():
        members = doc["groups"].get(plan["group"], {}).get("members", [])
        if stakeholder in members and _may_answer(doc, process, kind, plan):
            yield from _unanswered_item(plan, slug, text)
    yield from _answers(doc, stakeholder, now, text)


def _implementation(
    doc: dict[str, Any], stakeholder: str, process: ProcessTemplate, text: Texts
) -> Iterator[TodoItem]:
    """The owner's actions not yet done (or cancelled), by a stakeholder or as a
    member of the owning group, where the phase lets them record progress; for the
    facilitator, the actions on hold."""
    slug = doc["slug"]
    kind = doc["stakeholders"][stakeholder]["kind"]
    facilitator = stakeholder == doc.get("facilitator")
    for action in doc.get("implementation", {}).values():
        name = text(action["title"]) or action["slug"]
        group = doc["groups"].get(action["owner_group"] or "", {})
        owner = stakeholder == action["owner_stakeholder"] or stakeholder in group.get(
            "members", []
        )
        if (
            owner
            and action["status"] not in ("done", "cancelled")
            and _permitted(process, doc["phase"], kind, "record_progress")
        ):
            yield TodoItem(
                kind="implementation-action",
                initiative=slug,
                subject=action["slug"],
                text=f"Carry out '{name}': {action['percent']}% done, "
                f"{action['status']}.",
            )
        elif (
            facilitator
            and action["status"] == "on-hold"
            and _permitted(process, doc["phase"], kind, "change_implementation_status")
        ):
            yield TodoItem(
                kind="action-on-hold",
                initiative=slug,
                subject=action["slug"],
                text=f"'{name}' is on hold.",
            )


def _answers(
    doc: dict[str, Any], stakeholder: str, now: datetime, text: Texts
) -> Iterator[TodoItem]:
    """Answers given in the past week to the stakeholder's own reactions."""
    for plan in doc["plans"].values():
        name = text(plan["title"]) or plan["slug"]
        for reaction in _live_reactions(plan):
            answer = reaction["answer"]
            if reaction["stakeholder"] != stakeholder or answer is None:
                continue
            answered = datetime.fromisoformat(answer["at"])
            if now - HORIZON <= answered <= now:
                yield TodoItem(
                    kind="answer",
                    initiative=doc["slug"],
                    subject=plan["slug"],
                    text=f"Your reaction {reaction['number']} on '{name}' was "
                    f"answered ({answer['kind']}).",
                    due=None,
                )


def _meetings(doc: dict[str, Any], now: datetime) -> Iterator[TodoItem]:
    """The meetings ahead; not one withdrawn as recorded by mistake."""
    for meeting in doc["meetings"]:
        starts = datetime.fromisoformat(meeting["starts_at"])
        if starts > now and "withdrawn" not in meeting:
            yield TodoItem(
                kind="meeting",
                initiative=doc["slug"],
                subject=str(meeting["number"]),
                text=f"Meeting {meeting['number']} ({meeting['kind']}) is ahead.",
                due=starts,
            )
