"""Turning the process-state document of an initiative into the views people read.

The document (see ``samenspraak.projections.state``) holds texts and stakeholders by
id; these functions fill in the texts from the text store and the stakeholders'
references from the directory, in one query each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from samenspraak.application import views as v
from samenspraak.domain.decision_point import quorum_reached
from samenspraak.domain.initiative import may_take_positions_in
from samenspraak.domain.templates import Phase, ProcessTemplate, pinned_template
from samenspraak.domain.values import StakeholderKind
from samenspraak.projections.state import awaits_answer

TEXT_KEYS = frozenset(
    {
        "title",
        "description",
        "area",
        "name",
        "mandate",
        "place",
        "summary",
        "document_title",
        "purpose",
        "outcome",
        "text",
        "changes",
        "section",
        "question",
        "label",
        "reason",
        "answer_text",
        "status_reason",
        "audience",
        "framework",
        "note",
        "own_initiative",
        "origin",
    }
)
PERSON_KEYS = frozenset(
    {
        "facilitator",
        "proposed_by",
        "stakeholder",
        "recorded_by",
        "by",
        "owner_stakeholder",
        "requested_by",
    }
)

Texts = Callable[[str | None], str | None]
People = Callable[[str], str]


def text_ids(value: Any) -> Iterator[str]:
    """Every text id in a document (or part of one)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in TEXT_KEYS and isinstance(item, str):
                yield item
            else:
                yield from text_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from text_ids(item)


def outline(document: dict[str, Any]) -> dict[str, Any]:
    """An initiative's document without its plans' reactions and its decision
    points' positions: what :func:`status` shows texts and people of (it only
    counts reactions). Its texts and people are resolved instead of the whole
    document's, which for a large initiative holds tens of thousands of reactions.
    """
    return {
        **document,
        "plans": {k: {**p, "reactions": {}} for k, p in document["plans"].items()},
        "decisions": {
            k: {**d, "positions": {}} for k, d in document["decisions"].items()
        },
    }


def texts_given_by(document: dict[str, Any], stakeholder_id: str) -> Iterator[str]:
    """The ids of the texts a stakeholder gave in an initiative: their reactions,
    the sections those concern and the platform comments they were imported from,
    the reasons for their positions, and the milestones they recorded."""
    for plan in document.get("plans", {}).values():
        for reaction in plan["reactions"].values():
            if reaction["stakeholder"] == stakeholder_id:
                given = (reaction["text"], reaction["section"], reaction.get("origin"))
                yield from (t for t in given if t)
    for decision in document.get("decisions", {}).values():
        position = decision["positions"].get(stakeholder_id)
        if position is not None and position.get("reason"):
            yield position["reason"]
    for action in document.get("implementation", {}).values():
        for milestone in action["milestones"]:
            if milestone["by"] == stakeholder_id and milestone.get("text"):
                yield milestone["text"]


def person_ids(document: dict[str, Any]) -> set[str]:
    """Every stakeholder id in an initiative's document."""
    found = set(document.get("stakeholders", {}))

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in PERSON_KEYS and isinstance(item, str):
                    found.add(item)
                elif key == "positions":
                    found.update(item)
                    walk(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(document)
    return found


def process_of(doc: dict[str, Any]) -> ProcessTemplate:
    """The template an initiative's document says it follows (pinned by its
    definition when the document keeps one)."""
    pinned = doc["template"]
    return pinned_template(
        pinned["name"],
        pinned["version"],
        pinned["content_hash"],
        pinned.get("definition"),
    )


def process_at(doc: dict[str, Any], moment: str | None) -> ProcessTemplate:
    """The template an initiative followed at ``moment`` (ISO), or follows now
    (``None``): the one it follows now, unless it was migrated since; then the one
    the first migration after ``moment`` moved it from (as the engine reads the
    initiative as it stood then: a migration recorded at ``moment`` was in force)."""
    if moment is not None:
        at = datetime.fromisoformat(moment)
        for migration in doc.get("migrations", []):
            if at < datetime.fromisoformat(migration["at"]):
                then = migration["from"]
                return pinned_template(
                    then["name"],
                    then["version"],
                    then["content_hash"],
                    then.get("definition"),
                )
    return process_of(doc)


def status(
    doc: dict[str, Any], text: Texts, ref: People, names: Texts
) -> v.InitiativeStatus:
    decisions = doc["decisions"]
    process = process_of(doc)

    def corrections(record: dict[str, Any]) -> list[v.CorrectionView]:
        """The corrections of a meeting's, an announcement's, an intervention's, a
        framework's or an informing's record."""
        return [
            v.CorrectionView(
                corrected_at=c["at"], fields=c["fields"], reason=text(c["reason"])
            )
            for c in record.get("corrections", [])
        ]

    def withdrawal(record: dict[str, Any]) -> v.WithdrawalView | None:
        """When and why a meeting, an announcement, an intervention, an informing
        or a follow-up was withdrawn as recorded by mistake (None while it
        stands)."""
        if "withdrawn" not in record:
            return None
        return v.WithdrawalView(
            withdrawn_at=record["withdrawn"]["at"],
            reason=text(record["withdrawn"]["reason"]),
        )

    return v.InitiativeStatus(
        initiative=doc["slug"],
        title=text(doc["title"]),
        description=text(doc["description"]),
        area=text(doc["area"]),
        budget=Decimal(doc["budget"]),
        allocated=sum(
            (Decimal(a["amount"]) for a in doc["allocations"]), Decimal("0.00")
        ),
        level=doc["level"],
        phase=doc["phase"],
        template=v.TemplateView(
            name=doc["template"]["name"],
            version=doc["template"]["version"],
            content_hash=doc["template"]["content_hash"],
            phases=[p.name for p in process.phases],
        ),
        facilitator=ref(doc["facilitator"]),
        closed=doc["closed"],
        outcome=text(doc["outcome"]),
        stakeholders=[
            v.StakeholderView(
                ref=ref(s), name=names(s), kind=person["kind"], active=person["active"]
            )
            for active in (True, False)
            for s, person in doc["stakeholders"].items()
            if person["active"] is active
        ],
        groups=[
            v.GroupView(
                group=slug,
                kind=g["kind"],
                name=text(g["name"]),
                mandate=text(g["mandate"]),
                members=sorted(ref(m) for m in g["members"]),
            )
            for slug, g in doc["groups"].items()
        ],
        meetings=[
            v.MeetingView(
                number=m["number"],
                starts_at=m["starts_at"],
                kind=m["kind"],
                place=text(m["place"]),
                attendance=m["attendance"],
                summary=text(m["summary"]),
                evening_or_weekend=m["evening_or_weekend"],
                corrections=corrections(m),
                withdrawn=withdrawal(m),
            )
            for m in doc["meetings"]
        ],
        announcements=[
            v.AnnouncementView(
                number=a["number"],
                channel=a["channel"],
                audience=text(a["audience"]),
                announced_at=a["announced_at"],
                reach=a["reach"],
                corrections=corrections(a),
                withdrawn=withdrawal(a),
            )
            for a in doc.get("announcements", [])
        ],
        interventions=[
            v.InterventionView(
                number=i["number"],
                kind=i["kind"],
                note=text(i["note"]),
                intervened_at=i["intervened_at"],
                requested_by=ref(i["requested_by"]) if i["requested_by"] else None,
                group=i["group"],
                corrections=corrections(i),
                withdrawn=withdrawal(i),
            )
            for i in doc.get("interventions", [])
        ],
        frameworks=[
            v.CouncilFrameworkView(
                number=f["number"],
                framework=text(f["framework"]),
                set_at=f["set_at"],
                document_sha256=f["document_sha256"],
                corrections=corrections(f),
            )
            for f in doc.get("frameworks", [])
        ],
        council=[
            v.CouncilInformingView(
                number=n,
                document_title=text(c["document_title"]),
                document_sha256=c["document_sha256"],
                session=c["session"],
                informed_at=c["informed_at"],
                audit_head=c.get("audit_head"),
                follow_ups=[
                    v.CouncilFollowUpView(
                        number=k,
                        summary=text(f["summary"]),
                        followed_up_at=f["followed_up_at"],
                        document_sha256=f["document_sha256"],
                        withdrawn=withdrawal(f),
                    )
                    for k, f in enumerate(c.get("follow_ups", []), start=1)
                ],
                corrections=corrections(c),
                withdrawn=withdrawal(c),
            )
            for n, c in enumerate(doc["council"], start=1)
        ],
        allocations=[
            v.AllocationView(
                amount=Decimal(a["amount"]),
                purpose=text(a["purpose"]),
                decision=decisions.get(a["decision_id"], {}).get(
                    "slug", a["decision_id"]
                ),
            )
            for a in doc["allocations"]
        ],
        implementation=[
            v.ImplementationActionView(
                action=a["slug"],
                title=text(a["title"]),
                owner=ref(a["owner_stakeholder"]) if a["owner_stakeholder"] else None,
                group=a["owner_group"],
                allocation=a["allocation"],
                percent=a["percent"],
                status=a["status"],
                status_reason=text(a.get("status_reason")),
                milestones=[
                    v.MilestoneView(percent=m["percent"], text=text(m["text"]))
                    for m in a["milestones"]
                ],
            )
            for a in doc.get("implementation", {}).values()
        ],
        plans=[
            v.PlanSummary(
                plan=p["slug"],
                title=text(p["title"]),
                group=p["group"],
                versions=len(p["versions"]),
                final_version=p["final_version"],
                reactions=len(p["reactions"]),
                unanswered=len(_unanswered(p)),
            )
            for p in doc["plans"].values()
        ],
        decisions=[
            v.DecisionSummary(
                decision=d["slug"],
                question=text(d["question"]),
                rule=d["rule"],
                state=d["state"],
                outcome=d["outcome"],
                tally=d["tally"],
                closes_at=d["closes_at"],
            )
            for d in decisions.values()
        ],
    )


def _unanswered(plan: dict[str, Any]) -> list[int]:
    return [r["number"] for r in plan["reactions"].values() if awaits_answer(r)]


def find(items: dict[str, dict[str, Any]], slug: str) -> dict[str, Any] | None:
    return next((item for item in items.values() if item["slug"] == slug), None)


def plan(
    doc: dict[str, Any], p: dict[str, Any], text: Texts, ref: People
) -> v.PlanView:
    return v.PlanView(
        initiative=doc["slug"],
        plan=p["slug"],
        title=text(p["title"]),
        group=p["group"],
        final_version=p["final_version"],
        versions=[
            v.VersionView(
                number=ver["number"],
                text=text(ver["text"]),
                changes=text(ver["changes"]),
                proposed_by=ref(ver["proposed_by"]),
                own_initiative=text(ver.get("own_initiative")),
            )
            for ver in p["versions"].values()
        ],
        reactions=[
            v.ReactionView(
                number=r["number"],
                stakeholder=ref(r["stakeholder"]),
                version=r["version"],
                stance=r["stance"],
                channel=r["channel"],
                section=text(r["section"]),
                meeting=r["meeting"],
                text=text(r["text"]),
                withdrawn=r["withdrawn"],
                given_at=r.get("given_at"),
                late=r.get("late", False),
                answer=(
                    v.AnswerView(
                        kind=r["answer"]["kind"],
                        by=ref(r["answer"]["by"]),
                        version=r["answer"]["version"],
                        text=text(r["answer"]["text"]),
                    )
                    if r["answer"]
                    else None
                ),
            )
            for r in p["reactions"].values()
        ],
        unanswered=_unanswered(p),
    )


def took_part_at(
    doc: dict[str, Any],
    person: str,
    moment: str | None,
    membership: int | None = None,
) -> bool:
    """Whether ``person`` took part in the initiative at ``moment`` (ISO), or now
    (``None``): a position of someone who had left by then is not counted. With
    ``membership`` (which time of joining a position was taken in), only in that
    same membership: a position lapses when they leave, also if they rejoin."""
    found = doc["stakeholders"].get(person)
    if found is None:
        return False
    periods = found.get("periods") or [[found["joined_at"], found["left_at"]]]
    if moment is None:
        if not found["active"]:
            return False
        current: int | None = len(periods)
    else:
        at = datetime.fromisoformat(moment)
        current = next(
            (
                number
                for number, (joined, left) in enumerate(periods, start=1)
                if datetime.fromisoformat(joined) <= at
                and (left is None or at < datetime.fromisoformat(left))
            ),
            None,
        )
        if current is None:
            return False
    return membership is None or membership == current


def counted_positions(doc: dict[str, Any], d: dict[str, Any]) -> dict[str, bool]:
    """Per stakeholder who took a position on decision point ``d``, whether it
    counts: for a decided point, whether they still took part when it was decided
    (at its closing time, when the deadline closed it); else whether they do now."""
    moment = counting_moment(d)
    return {
        s: took_part_at(doc, s, moment, p.get("membership"))
        for s, p in d["positions"].items()
    }


def phase_at(
    doc: dict[str, Any], moment: str | None, name: str | None = None
) -> Phase | None:
    """The phase an initiative was in at ``moment`` (ISO), or is in now, as the
    template in force then defines it (a migration since does not change it);
    ``None`` when that template has no such phase. ``name``: the phase's name, when
    it is known (as a decision point keeps the phase it was put in)."""
    if name is None:
        name = doc["phase"]
        if moment is not None:
            at = datetime.fromisoformat(moment)
            for entry in doc["phases"]:
                if datetime.fromisoformat(entry["at"]) <= at:
                    name = entry["phase"]
    try:
        return process_at(doc, moment).phase(name)
    except KeyError:
        return None


def counting_moment(d: dict[str, Any]) -> str | None:
    """When decision point ``d``'s positions are counted (ISO): when it was decided
    (at its closing time, if it was decided after that) or withdrawn; ``None``
    (now) while it is open."""
    if d["state"] == "decided":
        moment = d.get("closed_at") or d.get("ended_at")
        closes_at = d.get("closes_at")
        if (
            moment is not None
            and closes_at is not None
            and datetime.fromisoformat(closes_at) < datetime.fromisoformat(moment)
        ):
            moment = closes_at  # decided after its closing time: who took part then
    elif d["state"] == "withdrawn":
        moment = d.get("ended_at")
    else:
        moment = None
    return moment


def could_take_part(doc: dict[str, Any], d: dict[str, Any]) -> int:
    """Who could take a position on ``d`` when its positions were counted: those
    who took part then, of an eligible kind that the phase of that moment, or
    the phase it was put in, let take positions (the same rule the engine
    applies), and whoever's position counts (taken in an earlier phase that let
    them). Each phase is read in the template in force at its moment: a migration
    since, to a template without that phase or with other permissions in it,
    changes neither who could take part nor whether a quorum was reached. (A
    point put before it kept its phase counts only the phase of that moment, as
    the engine does.)"""
    moment = counting_moment(d)
    put_in = d.get("put_in_phase")
    phases = [
        phase_at(doc, moment),
        phase_at(doc, d["put_at"], put_in) if put_in is not None else None,
    ]

    def may(kind: str) -> bool:
        known = [p for p in phases if p is not None]
        return not known or any(
            may_take_positions_in(p, StakeholderKind(kind)) for p in known
        )

    could = {
        person
        for person, found in doc["stakeholders"].items()
        if found["kind"] in d["eligible"]
        and may(found["kind"])
        and took_part_at(doc, person, moment)
    }
    counted = {person for person, counts in counted_positions(doc, d).items() if counts}
    return len(could | counted)


def decision(
    doc: dict[str, Any], d: dict[str, Any], text: Texts, ref: People
) -> v.DecisionView:
    counted = counted_positions(doc, d)
    return v.DecisionView(
        initiative=doc["slug"],
        decision=d["slug"],
        question=text(d["question"]),
        rule=d["rule"],
        options=[
            v.OptionView(key=o["key"], label=text(o["label"])) for o in d["options"]
        ],
        eligible=d["eligible"],
        closes_at=d["closes_at"],
        state=d["state"],
        outcome=d["outcome"],
        tally=d["tally"],
        positions=[
            v.PositionView(
                stakeholder=ref(s),
                option=p["option"],
                reason=text(p["reason"]),
                counted=counted[s],
                recorded_by=ref(p["recorded_by"]) if p.get("recorded_by") else None,
                given_at=p.get("given_at"),
            )
            for s, p in d["positions"].items()
        ],
        quorum=d.get("quorum"),
        quorum_reached=(
            quorum_reached(d["quorum"], sum(counted.values()), could_take_part(doc, d))
            if d.get("quorum") is not None and d["state"] == "decided"
            else None
        ),
    )
