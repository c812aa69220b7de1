"""The process state of an initiative, projected from its events.

A plain document per initiative (JSON-ready dictionaries and lists) holding what
people ask about: the phase and its history, who takes part, groups, meetings, what
the council was told, the budget, every plan with its versions, reactions and
answers, every decision point with its positions and outcome, and every erasure and
correction of personal data recorded (by id, never a name). Texts and
stakeholders appear by id; the application fills in the texts and references.

``apply`` is a pure function of (document, event, position): the tracking view
stores its results, and a replay as of a moment runs the same function in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from samenspraak.domain.clock import MUNICIPAL_TIME
from samenspraak.domain.values import TextRef

Document = dict[str, Any]

INITIATIVE = "samenspraak.domain.initiative:Initiative"
PLAN = "samenspraak.domain.plan:Plan"
DECISION_POINT = "samenspraak.domain.decision_point:DecisionPoint"


def kind_of_topic(topic: str) -> tuple[str, str]:
    """('initiative' | 'plan' | 'decision-point', event name) from a stored topic."""
    module_class, _, name = topic.rpartition(".")
    kinds = {INITIATIVE: "initiative", PLAN: "plan", DECISION_POINT: "decision-point"}
    return kinds.get(module_class, "unknown"), name


def utc(moment: datetime) -> str:
    """A moment as an ISO string in UTC, so that times compare as strings too."""
    return moment.astimezone(UTC).isoformat()


def _text(value: TextRef | None) -> str | None:
    return value.id if value is not None else None


def _value(value: Any) -> Any:
    """Enumerations as their values; everything else as it is."""
    return getattr(value, "value", value)


# Dutch local time (``MUNICIPAL_TIME``, the domain's clock's): whether a meeting is
# in the evening does not depend on the offset its time was written with.


EVENING = 18
"""The hour office hours end: a meeting from then on is in the evening."""

MORNING = 7
"""The hour before which a meeting is at night (outside office hours too)."""


def is_evening_or_weekend(moment: datetime) -> bool:
    """A meeting outside office hours: in the evening or at night (from 18:00 to
    7:00) or on Saturday or Sunday, Dutch time.

    A moment at the very edge of the calendar (recorded before moments were
    bounded, or replayed from a crafted bundle) has no Dutch time; its own offset is
    used then, so that a recorded event never stops the views."""
    try:
        local = moment.astimezone(MUNICIPAL_TIME)
    except OverflowError:
        local = moment
    return local.weekday() >= 5 or local.hour >= EVENING or local.hour < MORNING


TOLD_AFTERWARDS = frozenset(
    {
        "PersonalDataErased",
        "IdentityCorrected",
        "MeetingCorrected",
        "MeetingWithdrawn",
        "InterventionCorrected",
        "InterventionWithdrawn",
        "AnnouncementCorrected",
        "AnnouncementWithdrawn",
        "CouncilInformingCorrected",
        "CouncilInformingWithdrawn",
        "CouncilFrameworkSet",
        "CouncilFrameworkCorrected",
        "CouncilFollowedUp",
        "CouncilFollowUpWithdrawn",
    }
)
"""Events of an initiative that record something about its process rather than
take it a step further: an erasure or correction of a name, a corrected or
withdrawn record, a framework the council set before, what the council did with
what it was told. They may come months after the last step, so the document's
``last_step_at`` (where the report's timeline ends) leaves them out; its
``updated_at`` does not. A withdrawal moves ``last_step_at`` back when the record
it withdraws was the last step (see :data:`RECORDS`)."""


RECORDS = {
    "MeetingHeld": "meetings",
    "Announced": "announcements",
    "FacilitatorIntervened": "interventions",
    "CouncilInformed": "council",
}
"""Events that record something that happened (a meeting, an announcement, an
intervention, an informing of the council), by the list of the document that
keeps it: a step of the process while the record stands. Withdrawn as recorded
by mistake, it is no step any more, and where the report's timeline ends goes
back to the last step that stands."""

WITHDRAWALS = frozenset(
    {
        "MeetingWithdrawn",
        "AnnouncementWithdrawn",
        "InterventionWithdrawn",
        "CouncilInformingWithdrawn",
    }
)


CLOSED_AT_THE_DEADLINE = frozenset(
    {("plan", "ReactionPeriodClosed"), ("decision-point", "ClosedByDeadline")}
)
"""Events that close something at its deadline (``closed_at``), recorded when
``tick`` runs: the process took that step at the deadline."""


def new_document(initiative_id: str) -> Document:
    return {
        "initiative_id": initiative_id,
        "slug": None,
        "stakeholders": {},
        "groups": {},
        "meetings": [],
        "announcements": [],
        "frameworks": [],
        "council": [],
        "allocations": [],
        "phases": [],
        "plans": {},
        "decisions": {},
        "closed": False,
        "outcome": None,
        "events": 0,
        "last_position": 0,
    }


class ProcessStateProjector:
    """Applies events to initiative documents; knows which aggregate belongs where."""

    def __init__(self) -> None:
        self.handlers: dict[tuple[str, str], Callable[[Document, Any, str], None]] = {
            ("initiative", "Started"): _started,
            ("initiative", "StakeholderJoined"): _joined,
            ("initiative", "StakeholderLeft"): _left,
            ("initiative", "GroupFormed"): _group_formed,
            ("initiative", "MemberAdded"): _member_added,
            ("initiative", "MemberRemoved"): _member_removed,
            ("initiative", "MeetingHeld"): _meeting_held,
            ("initiative", "MeetingCorrected"): _meeting_corrected,
            ("initiative", "MeetingWithdrawn"): _meeting_withdrawn,
            ("initiative", "Announced"): _announced,
            ("initiative", "AnnouncementCorrected"): _announcement_corrected,
            ("initiative", "AnnouncementWithdrawn"): _announcement_withdrawn,
            ("initiative", "FacilitatorIntervened"): _intervened,
            ("initiative", "InterventionCorrected"): _intervention_corrected,
            ("initiative", "InterventionWithdrawn"): _intervention_withdrawn,
            ("initiative", "PersonalDataErased"): _personal_data_erased,
            ("initiative", "IdentityCorrected"): _identity_corrected,
            ("initiative", "CouncilInformed"): _council_informed,
            ("initiative", "CouncilInformingCorrected"): _council_informing_corrected,
            ("initiative", "CouncilInformingWithdrawn"): _council_informing_withdrawn,
            ("initiative", "CouncilFollowedUp"): _council_followed_up,
            ("initiative", "CouncilFollowUpWithdrawn"): _council_follow_up_withdrawn,
            ("initiative", "CouncilFrameworkSet"): _council_framework_set,
            ("initiative", "CouncilFrameworkCorrected"): _council_framework_corrected,
            ("initiative", "PhaseAdvanced"): _phase_advanced,
            ("initiative", "TemplateMigrated"): _template_migrated,
            ("initiative", "BudgetAllocated"): _budget_allocated,
            ("initiative", "ImplementationActionAdded"): _implementation_action_added,
            ("initiative", "ImplementationProgressRecorded"): _progress_recorded,
            ("initiative", "ImplementationStatusChanged"): _status_changed,
            ("initiative", "Closed"): _closed,
            ("plan", "Created"): _plan_created,
            ("plan", "DraftProposed"): _draft_proposed,
            ("plan", "ReactionAdded"): _reaction_added,
            ("plan", "ReactionReceivedLate"): _reaction_received_late,
            ("plan", "ReactionWithdrawn"): _reaction_withdrawn,
            ("plan", "ChangeAdopted"): _change_adopted,
            ("plan", "PositionDefended"): _position_defended,
            ("plan", "SupportNoted"): _support_noted,
            ("plan", "Finalised"): _finalised,
            ("plan", "ReactionPeriodOpened"): _reaction_period_opened,
            ("plan", "ReactionPeriodClosed"): _reaction_period_closed,
            ("decision-point", "Put"): _put,
            ("decision-point", "PositionTaken"): _position_taken,
            ("decision-point", "Decided"): _decided,
            ("decision-point", "Withdrawn"): _withdrawn,
            ("decision-point", "ClosedByDeadline"): _closed_by_deadline,
        }

    def initiative_of(
        self,
        event: Any,
        kind: str,
        owners: dict[str, str],
        aggregate: str | None = None,
    ) -> str | None:
        """The initiative an event belongs to; ``owners`` maps aggregate to initiative
        and is extended when a plan or decision point is created. ``aggregate`` is
        the event's originator id as a string, when the caller has it already."""
        if aggregate is None:
            aggregate = str(event.originator_id)
        if kind == "initiative":
            return aggregate
        initiative = getattr(event, "initiative_id", None)
        if initiative is not None:
            owners[aggregate] = str(initiative)
        return owners.get(aggregate)

    def apply(
        self,
        document: Document,
        event: Any,
        topic: str,
        position: int,
        at: str | None = None,
    ) -> list[str]:
        """Apply one event; returns the keys of the parts of the document it changed
        (besides ``core``, which every event changes)."""
        kind, name = kind_of_topic(topic)
        return self.apply_known(
            document,
            event,
            kind=kind,
            name=name,
            aggregate=str(event.originator_id),
            position=position,
            at=at,
        )

    def apply_known(
        self,
        document: Document,
        event: Any,
        *,
        kind: str,
        name: str,
        aggregate: str,
        position: int,
        at: str | None = None,
    ) -> list[str]:
        """:meth:`apply`, given what the caller worked out already: the aggregate's
        kind, the event's name and the originator id as a string."""
        handler = self.handlers.get((kind, name))
        if handler is None:
            return []
        moment = at or utc(event.timestamp)
        handler(document, event, moment)
        document["events"] += 1
        document["last_position"] = position
        document["updated_at"] = moment
        if (kind, name) in CLOSED_AT_THE_DEADLINE:
            # Recorded whenever ``tick`` ran, maybe months later: the step is the
            # deadline, unless another step came after it.
            step = utc(event.closed_at)
            before = document.get("process_step_at") or step
            document["process_step_at"] = _latest(before, step)
            _end_timeline(document)
        elif kind == "initiative" and name in RECORDS:
            document["records_step_at"] = _latest(
                document.get("records_step_at"), moment
            )
            _end_timeline(document)
        elif kind == "initiative" and name in WITHDRAWALS:
            document["records_step_at"] = _latest(
                *(
                    record.get("recorded_at")
                    for records in RECORDS.values()
                    for record in document.get(records, [])
                    if "withdrawn" not in record
                )
            )
            _end_timeline(document)
        elif kind != "initiative" or name not in TOLD_AFTERWARDS:
            document["process_step_at"] = moment
            _end_timeline(document)
        return parts_touched(kind, name, event, aggregate)


def _latest(*moments: str | None) -> str | None:
    """The latest of moments in ISO 8601 (None among them left out; None if
    there are none)."""
    known = [m for m in moments if m is not None]
    return max(known, key=datetime.fromisoformat) if known else None


def _end_timeline(document: Document) -> None:
    """Where the report's timeline ends (``last_step_at``): the latest of the
    process's last step and the recording of the records that stand."""
    document["last_step_at"] = _latest(
        document.get("process_step_at"), document.get("records_step_at")
    )


# --- Parts: a document is stored in parts, so a batch writes only what changed ----------


def parts_touched(
    kind: str, name: str, event: Any, aggregate: str | None = None
) -> list[str]:
    if aggregate is None:
        aggregate = str(event.originator_id)
    if kind == "plan":
        if name in ("ReactionAdded", "ReactionReceivedLate", "ReactionWithdrawn"):
            return [f"reaction/{aggregate}/{event.reaction}"]
        if name in ("ChangeAdopted", "PositionDefended", "SupportNoted"):
            return [f"reaction/{aggregate}/{n}" for n in event.reactions]
        return [f"plan/{aggregate}"]
    if kind == "decision-point":
        if name == "PositionTaken":
            return [f"position/{aggregate}/{position_holder(event)}"]
        return [f"decision/{aggregate}"]
    return []


def part_of(document: Document, key: str) -> Document:
    """One part of a document: the core, a plan without its reactions, a reaction, a
    decision point without its positions, or a position."""
    if key == "core":
        return {k: v for k, v in document.items() if k not in ("plans", "decisions")}
    kind, _, rest = key.partition("/")
    if kind == "plan":
        return {k: v for k, v in document["plans"][rest].items() if k != "reactions"}
    if kind == "reaction":
        plan, number = rest.split("/")
        reaction: Document = document["plans"][plan]["reactions"][number]
        return reaction
    if kind == "decision":
        return {
            k: v for k, v in document["decisions"][rest].items() if k != "positions"
        }
    decision, stakeholder = rest.split("/")
    position: Document = document["decisions"][decision]["positions"][stakeholder]
    return position


_CORE: dict[str, type | None] = {
    "initiative_id": str,
    "slug": str,
    "title": None,
    "description": None,
    "area": None,
    "budget": str,
    "level": str,
    "facilitator": str,
    "template": dict,
    "phase": str,
    "started_at": str,
    "stakeholders": dict,
    "groups": dict,
    "meetings": list,
    "announcements": list,
    "frameworks": list,
    "council": list,
    "allocations": list,
    "phases": list,
    "closed": bool,
    "outcome": None,
    "events": int,
    "last_position": int,
}
PART_SHAPES: dict[str, dict[str, type | None]] = {
    "core": _CORE,
    "plan": {"slug": str, "title": None, "group": str, "created_at": str,
             "versions": dict, "final_version": None, "finalised_at": None},
    "reaction": {"number": int, "stakeholder": str, "version": int, "stance": str,
                 "text": None, "channel": str, "section": None, "meeting": None,
                 "recorded_by": str, "at": str, "withdrawn": bool, "answer": None},
    "decision": {"slug": str, "question": None, "options": list, "eligible": list,
                 "rule": str, "closes_at": None, "state": str, "outcome": None,
                 "tally": dict, "put_at": str, "ended_at": None},
    "position": {"option": str, "reason": None, "at": str},
}  # fmt: skip
"""What every part of a document holds, as the projector writes it: each key,
with the type of its value (None: a value of any type, or none)."""


_KEYS = {kind: frozenset(shape) for kind, shape in PART_SHAPES.items()}
_TYPED = {
    kind: tuple((name, t) for name, t in shape.items() if t is not None)
    for kind, shape in PART_SHAPES.items()
}


def has_its_shape(key: str, part: Document) -> bool:
    """Whether a part read back holds every key the projector writes into a part
    of its kind, each of its type: one that does not was changed outside the
    engine. (What lies deeper is not looked at here: the application builds
    the views again when reading one fails.)"""
    kind = key.partition("/")[0]
    if kind not in PART_SHAPES:
        kind = "position"
    if not part.keys() >= _KEYS[kind]:
        return False
    for name, t in _TYPED[kind]:  # noqa: SIM110 (a loop: all() costs more per part)
        if not isinstance(part[name], t):
            return False
    return True


def assemble(parts: list[tuple[str, Document]]) -> Document:
    """A document from its parts, given in the order they were first written."""
    document: Document = {}
    for key, part in parts:
        if key == "core":
            document.update(part)
            document.setdefault("plans", {})
            document.setdefault("decisions", {})
            continue
        kind, _, rest = key.partition("/")
        if kind == "plan":
            document["plans"][rest] = {**part, "reactions": {}}
        elif kind == "reaction":
            plan, number = rest.split("/")
            document["plans"][plan]["reactions"][number] = part
        elif kind == "decision":
            document["decisions"][rest] = {**part, "positions": {}}
        else:
            decision, stakeholder = rest.split("/")
            document["decisions"][decision]["positions"][stakeholder] = part
    return document


# --- Initiative ------------------------------------------------------------------------


def _started(d: Document, e: Any, at: str) -> None:
    d.update(
        slug=e.slug,
        title=_text(e.title),
        description=_text(e.description),
        area=_text(e.area),
        budget=str(e.budget),
        level=_value(e.level),
        facilitator=e.facilitator,
        template=_template(
            e.template_name,
            e.template_version,
            e.template_hash,
            getattr(e, "template_definition", None),
        ),
        phase=e.phase,
        started_at=at,
    )
    d["phases"].append({"phase": e.phase, "at": at})
    d["stakeholders"][e.facilitator] = {
        "kind": "facilitator",
        "active": True,
        "joined_at": at,
        "left_at": None,
        "identities": _identities(getattr(e, "facilitator_identity", None)),
    }


def _identities(identity: TextRef | None) -> list[str]:
    """The texts holding a stakeholder's reference and name, one per time they
    came into the initiative (erased with the name)."""
    return [identity.id] if identity is not None else []


def _template(
    name: str, version: str, content_hash: str, definition: dict[str, Any] | None
) -> Document:
    """The template an initiative follows; ``definition`` (kept since templates are
    pinned by their definition) only when the event carries it."""
    template: Document = {
        "name": name,
        "version": version,
        "content_hash": content_hash,
    }
    if definition is not None:
        template["definition"] = definition
    return template


def _template_migrated(d: Document, e: Any, at: str) -> None:
    # The template it moves from, with the definition the document kept of it (none
    # for a record from before definitions were kept): what was in force until now
    # still judges what happened before, as the engine judges it.
    previous = _template(
        e.previous_name,
        e.previous_version,
        e.previous_hash,
        d["template"].get("definition"),
    )
    d["template"] = _template(
        e.template_name, e.template_version, e.template_hash, e.template_definition
    )
    d.setdefault("migrations", []).append(
        {
            "from": previous,
            "to": {
                "name": e.template_name,
                "version": e.template_version,
                "content_hash": e.template_hash,
            },
            "phase": d["phase"],
            "at": at,
        }
    )


def _joined(d: Document, e: Any, at: str) -> None:
    """``joined_at`` is the first time they joined; ``periods`` holds every
    [joined, left] of someone who left and joined again."""
    before = d["stakeholders"].get(e.stakeholder)
    identities = _identities(getattr(e, "identity", None))
    if before is None:
        d["stakeholders"][e.stakeholder] = {
            "kind": _value(e.kind),
            "active": True,
            "joined_at": at,
            "left_at": None,
            "periods": [[at, None]],
            "identities": identities,
        }
        return
    periods = before.setdefault("periods", [[before["joined_at"], before["left_at"]]])
    periods.append([at, None])
    before.setdefault("identities", []).extend(identities)
    before.update(kind=_value(e.kind), active=True, left_at=None)


def _left(d: Document, e: Any, at: str) -> None:
    person = d["stakeholders"][e.stakeholder]
    person.update(active=False, left_at=at)
    periods = person.setdefault("periods", [[person["joined_at"], None]])
    periods[-1][1] = at
    for group in d["groups"].values():
        if e.stakeholder in group["members"]:
            group["members"].remove(e.stakeholder)


def _group_formed(d: Document, e: Any, at: str) -> None:
    d["groups"][e.group] = {
        "kind": _value(e.kind),
        "name": _text(e.name),
        "mandate": _text(e.mandate),
        "members": [],
        "formed_at": at,
    }


def _member_added(d: Document, e: Any, at: str) -> None:
    d["groups"][e.group]["members"].append(e.stakeholder)


def _member_removed(d: Document, e: Any, at: str) -> None:
    d["groups"][e.group]["members"].remove(e.stakeholder)


def _meeting_held(d: Document, e: Any, at: str) -> None:
    d["meetings"].append(
        {
            "number": e.number,
            "starts_at": e.starts_at.isoformat(),
            "kind": _value(e.kind),
            "place": _text(e.place),
            "attendance": e.attendance,
            "summary": _text(e.summary),
            "evening_or_weekend": is_evening_or_weekend(e.starts_at),
            "recorded_at": at,
        }
    )


def _meeting_corrected(d: Document, e: Any, at: str) -> None:
    """The meeting shows what was corrected (the evening/weekend flag follows a
    corrected time); ``corrections`` keeps each correction: when, which fields,
    what they said before and the reason."""
    meeting = next((m for m in d["meetings"] if m["number"] == e.number), None)
    if meeting is None:  # a record with a correction of no meeting: nothing to show
        return
    now: Document = {}
    if e.starts_at is not None:
        now["starts_at"] = e.starts_at.isoformat()
    if e.kind is not None:
        now["kind"] = _value(e.kind)
    if e.place is not None:
        now["place"] = _text(e.place)
    if e.attendance is not None:
        now["attendance"] = e.attendance
    if e.summary is not None:
        now["summary"] = _text(e.summary)
    _correct(meeting, now, at, e.reason)
    if e.starts_at is not None:
        meeting["evening_or_weekend"] = is_evening_or_weekend(e.starts_at)


def _meeting_withdrawn(d: Document, e: Any, at: str) -> None:
    """The meeting stays as recorded, with its number, and says when it was
    withdrawn and why (see ``_withdraw``)."""
    _withdraw(d["meetings"], e, at)


def _intervention_withdrawn(d: Document, e: Any, at: str) -> None:
    """The intervention stays as recorded, with its number, and says when it was
    withdrawn and why (see ``_withdraw``)."""
    _withdraw(d.get("interventions", []), e, at)


def _announcement_withdrawn(d: Document, e: Any, at: str) -> None:
    """The announcement stays as recorded, with its number, and says when it was
    withdrawn and why (see ``_withdraw``)."""
    _withdraw(d.get("announcements", []), e, at)


def _withdraw(records: list[Document], e: Any, at: str) -> None:
    """A record (a meeting, an announcement, an intervention) withdrawn as
    recorded by mistake stays, with its number and values, and says when it was
    withdrawn and why: the key ``withdrawn`` only on a withdrawn record, so that
    older documents stay the same."""
    record = next((r for r in records if r["number"] == e.number), None)
    if record is None:  # a record with a withdrawal of nothing: nothing to show
        return
    record["withdrawn"] = {"at": at, "reason": _text(e.reason)}


def _correct(record: Document, now: Document, at: str, reason: TextRef) -> None:
    """A record (a meeting, an announcement, an intervention, an informing of the
    council, a framework) shows what a correction changed; its ``corrections``
    keep each one: when, which fields, what they said before and the reason."""
    was = {field: record[field] for field in now}
    record.update(now)
    record.setdefault("corrections", []).append(
        {"at": at, "fields": list(now), "was": was, "reason": _text(reason)}
    )


def _personal_data_erased(d: Document, e: Any, at: str) -> None:
    """The erasure joins the requests about personal data recorded here (when,
    for whom, who asked, whether their texts went too). The identity of an actor
    who never took part here (a facilitator of another initiative who asked for the
    erasure) is kept with the others' identities, so that it is erased with that
    actor's name in turn."""
    _keep_actor_identity(d, e)
    d.setdefault("personal_data", []).append(
        {
            "request": "erasure",
            "stakeholder": e.stakeholder,
            "by": e.actor,
            "at": at,
            "with_texts": e.with_texts,
        }
    )


def _keep_actor_identity(d: Document, e: Any) -> None:
    identity = getattr(e, "actor_identity", None)
    if identity is not None:
        d.setdefault("other_identities", {}).setdefault(e.actor, []).append(identity.id)


def _identity_corrected(d: Document, e: Any, at: str) -> None:
    """The correction joins the requests about personal data recorded here (when,
    for whom, who asked; never the name). The corrected identity joins the
    person's identities (or the others', for someone whose identity is here only
    because they asked for something), so that it is erased with the name; an
    actor who is not known here is kept as for an erasure."""
    _keep_actor_identity(d, e)
    d.setdefault("personal_data", []).append(
        {"request": "correction", "stakeholder": e.stakeholder, "by": e.actor, "at": at}
    )
    person = d["stakeholders"].get(e.stakeholder)
    if person is not None:
        person.setdefault("identities", []).append(e.identity.id)
    else:
        d.setdefault("other_identities", {}).setdefault(e.stakeholder, []).append(
            e.identity.id
        )


def _intervened(d: Document, e: Any, at: str) -> None:
    d.setdefault("interventions", []).append(
        {
            "number": e.number,
            "kind": _value(e.kind),
            "note": _text(e.note),
            "intervened_at": e.intervened_at.isoformat(),
            "requested_by": e.requested_by,
            "group": e.group,
            "recorded_at": at,
        }
    )


def _intervention_corrected(d: Document, e: Any, at: str) -> None:
    """The intervention shows what was corrected; ``corrections`` keeps each
    correction (see ``_correct``). Who asked is corrected as a whole: a
    stakeholder named takes the place of a group recorded as asking and the other
    way round, and ``nobody_asked`` takes off whoever was recorded; only what
    differs is named among the fields corrected."""
    made = next(
        (i for i in d.get("interventions", []) if i["number"] == e.number), None
    )
    if made is None:  # a record with a correction of no intervention
        return
    now: Document = {}
    if e.kind is not None:
        now["kind"] = _value(e.kind)
    if e.intervened_at is not None:
        now["intervened_at"] = e.intervened_at.isoformat()
    if e.note is not None:
        now["note"] = _text(e.note)
    if e.nobody_asked or e.requested_by is not None or e.group is not None:
        for field, asked in (("requested_by", e.requested_by), ("group", e.group)):
            if made[field] != asked:
                now[field] = asked
    _correct(made, now, at, e.reason)


def _announced(d: Document, e: Any, at: str) -> None:
    d.setdefault("announcements", []).append(
        {
            "number": e.number,
            "channel": _value(e.channel),
            "audience": _text(e.audience),
            "announced_at": e.announced_at.isoformat(),
            "reach": e.reach,
            "recorded_at": at,
        }
    )


def _announcement_corrected(d: Document, e: Any, at: str) -> None:
    """The announcement shows what was corrected; ``corrections`` keeps each
    correction (see ``_correct``). ``reach_unknown`` takes off the reach recorded."""
    made = next(
        (a for a in d.get("announcements", []) if a["number"] == e.number), None
    )
    if made is None:  # a record with a correction of no announcement
        return
    now: Document = {}
    if e.channel is not None:
        now["channel"] = _value(e.channel)
    if e.audience is not None:
        now["audience"] = _text(e.audience)
    if e.announced_at is not None:
        now["announced_at"] = e.announced_at.isoformat()
    if e.reach is not None or e.reach_unknown:
        now["reach"] = e.reach
    _correct(made, now, at, e.reason)


def _council_informed(d: Document, e: Any, at: str) -> None:
    d["council"].append(
        {
            "document_title": _text(e.document_title),
            "document_sha256": e.document_sha256,
            "session": _value(e.session),
            "informed_at": e.informed_at.isoformat(),
            "audit_head": getattr(e, "audit_head", None),
            "recorded_at": at,
            "follow_ups": [],
        }
    )


def _council_informing_corrected(d: Document, e: Any, at: str) -> None:
    """The informing shows what was corrected, with each correction (as a
    meeting does); the audit head it recorded stays."""
    if not 1 <= e.informing <= len(d["council"]):  # a correction of no informing
        return
    now: Document = {}
    if e.document_title is not None:
        now["document_title"] = _text(e.document_title)
    if e.document_sha256 is not None:
        now["document_sha256"] = e.document_sha256
    if e.session is not None:
        now["session"] = _value(e.session)
    if e.informed_at is not None:
        now["informed_at"] = e.informed_at.isoformat()
    _correct(d["council"][e.informing - 1], now, at, e.reason)


def _council_informing_withdrawn(d: Document, e: Any, at: str) -> None:
    """The informing stays as recorded, with its number and audit head, and says
    when it was withdrawn and why (the key only on a withdrawn informing)."""
    if not 1 <= e.informing <= len(d["council"]):  # a withdrawal of no informing
        return
    d["council"][e.informing - 1]["withdrawn"] = {"at": at, "reason": _text(e.reason)}


def _council_followed_up(d: Document, e: Any, at: str) -> None:
    d["council"][e.informing - 1].setdefault("follow_ups", []).append(
        {
            "summary": _text(e.summary),
            "followed_up_at": e.followed_up_at.isoformat(),
            "document_sha256": e.document_sha256,
            "recorded_at": at,
        }
    )


def _council_follow_up_withdrawn(d: Document, e: Any, at: str) -> None:
    """The follow-up stays as recorded, with its number, and says when it was
    withdrawn and why (the key only on a withdrawn follow-up)."""
    if not 1 <= e.informing <= len(d["council"]):  # a withdrawal of no informing
        return
    follow_ups = d["council"][e.informing - 1].get("follow_ups", [])
    if not 1 <= e.follow_up <= len(follow_ups):  # nor of a follow-up
        return
    follow_ups[e.follow_up - 1]["withdrawn"] = {"at": at, "reason": _text(e.reason)}


def _council_framework_set(d: Document, e: Any, at: str) -> None:
    # Documents built before frameworks were recorded have no such key.
    d.setdefault("frameworks", []).append(
        {
            "number": e.number,
            "framework": _text(e.framework),
            "set_at": e.set_at.isoformat(),
            "document_sha256": e.document_sha256,
            "recorded_at": at,
        }
    )


def _council_framework_corrected(d: Document, e: Any, at: str) -> None:
    """The framework shows what was corrected, with each correction (as an
    informing does)."""
    frameworks = d.setdefault("frameworks", [])
    if not 1 <= e.number <= len(frameworks):  # a correction of no framework
        return
    now: Document = {}
    if e.framework is not None:
        now["framework"] = _text(e.framework)
    if e.set_at is not None:
        now["set_at"] = e.set_at.isoformat()
    if e.document_sha256 is not None:
        now["document_sha256"] = e.document_sha256
    _correct(frameworks[e.number - 1], now, at, e.reason)


def _phase_advanced(d: Document, e: Any, at: str) -> None:
    d["phase"] = e.phase
    d["phases"].append({"phase": e.phase, "at": at})


def _budget_allocated(d: Document, e: Any, at: str) -> None:
    d["allocations"].append(
        {
            "amount": str(e.amount),
            "purpose": _text(e.purpose),
            "decision_id": str(e.decision_id),
            "at": at,
        }
    )


def _implementation_action_added(d: Document, e: Any, at: str) -> None:
    # Documents from before implementation actions existed have no such key.
    d.setdefault("implementation", {})[e.action] = {
        "slug": e.action,
        "title": _text(e.title),
        "owner_stakeholder": e.owner_stakeholder,
        "owner_group": e.owner_group,
        "allocation": e.allocation,
        "percent": 0,
        "status": "planned",
        "milestones": [],
        "status_reason": None,
        "added_at": at,
        "updated_at": at,
    }


def _progress_recorded(d: Document, e: Any, at: str) -> None:
    action = d["implementation"][e.action]
    action["percent"] = e.percent
    if e.milestone is not None:
        action["milestones"].append(
            {"percent": e.percent, "text": _text(e.milestone), "by": e.actor, "at": at}
        )
    if e.percent == 100:
        action["status"] = "done"
        action["status_reason"] = None  # a reason is for on hold or cancelled
    elif e.percent > 0 and action["status"] == "planned":
        action["status"] = "under-way"
    action["updated_at"] = at


def _status_changed(d: Document, e: Any, at: str) -> None:
    action = d["implementation"][e.action]
    action.update(status=_value(e.status), status_reason=_text(e.reason), updated_at=at)


def _closed(d: Document, e: Any, at: str) -> None:
    d["closed"] = True
    d["outcome"] = _text(e.outcome)
    d["closed_at"] = at


# --- Plan ------------------------------------------------------------------------------


def _plan(d: Document, e: Any) -> Document:
    plan: Document = d["plans"][str(e.originator_id)]
    return plan


def _plan_created(d: Document, e: Any, at: str) -> None:
    d["plans"][str(e.originator_id)] = {
        "slug": e.slug,
        "title": _text(e.title),
        "group": e.group,
        "created_at": at,
        "versions": {},
        "reactions": {},
        "final_version": None,
        "finalised_at": None,
    }


def _draft_proposed(d: Document, e: Any, at: str) -> None:
    version = {
        "number": e.version,
        "text": _text(e.text),
        "changes": _text(e.changes),
        "proposed_by": e.actor,
        "at": at,
    }
    own = getattr(e, "own_initiative", None)
    if own is not None:  # kept only where given: earlier documents stay as they are
        version["own_initiative"] = _text(own)
    _plan(d, e)["versions"][str(e.version)] = version


def _reaction_added(d: Document, e: Any, at: str) -> None:
    _plan(d, e)["reactions"][str(e.reaction)] = {
        "number": e.reaction,
        "stakeholder": e.stakeholder,
        "version": e.version,
        "stance": _value(e.stance),
        "text": _text(e.text),
        "channel": _value(e.channel),
        "section": _text(e.section),
        "meeting": getattr(e, "meeting", None),  # none in one received late
        "recorded_by": e.actor,
        "at": at,
        "withdrawn": False,
        "answer": None,
    }
    given_at = getattr(e, "given_at", None)  # absent in events from before it
    if given_at is not None:  # from a meeting, or when a letter or e-mail came in
        _plan(d, e)["reactions"][str(e.reaction)]["given_at"] = given_at.isoformat()
    origin = getattr(e, "origin", None)  # absent in events from before it
    if origin is not None:  # imported from a participation platform's comment
        # The id of the text that names the comment (decidim:19736), erased with
        # the texts of whoever posted it.
        _plan(d, e)["reactions"][str(e.reaction)]["origin"] = _text(origin)


def awaits_answer(reaction: dict[str, Any]) -> bool:
    """A reaction in a document that still needs its answer: not answered, not
    withdrawn, and not received late (which needs none)."""
    return (
        reaction["answer"] is None
        and not reaction["withdrawn"]
        and not reaction.get("late", False)
    )


def _reaction_received_late(d: Document, e: Any, at: str) -> None:
    """A letter or e-mail that came in after the reaction period closed: listed
    with the reactions, needing no answer."""
    _reaction_added(d, e, at)
    _plan(d, e)["reactions"][str(e.reaction)]["late"] = True


def _reaction_withdrawn(d: Document, e: Any, at: str) -> None:
    reaction = _plan(d, e)["reactions"][str(e.reaction)]
    reaction["withdrawn"] = True
    reaction["withdrawn_at"] = at
    reaction["withdrawn_by"] = e.actor


def _answer(d: Document, e: Any, at: str, answer: Document) -> None:
    for number in e.reactions:
        _plan(d, e)["reactions"][str(number)]["answer"] = {
            **answer,
            "by": e.actor,
            "at": at,
        }


def _change_adopted(d: Document, e: Any, at: str) -> None:
    _answer(
        d,
        e,
        at,
        {
            "kind": "partly-adopted" if getattr(e, "partly", False) else "adopted",
            "version": e.version,
            "text": _text(e.explanation),
        },
    )


def _position_defended(d: Document, e: Any, at: str) -> None:
    _answer(d, e, at, {"kind": "defended", "version": None, "text": _text(e.reasoning)})


def _support_noted(d: Document, e: Any, at: str) -> None:
    _answer(d, e, at, {"kind": "noted", "version": None, "text": None})


def _finalised(d: Document, e: Any, at: str) -> None:
    plan = _plan(d, e)
    plan["final_version"] = e.version
    plan["finalised_at"] = at


def _reaction_period_opened(d: Document, e: Any, at: str) -> None:
    # Plans without a period have no key: no deadline, as before periods existed.
    plan = _plan(d, e)
    phase = getattr(e, "phase", None)
    plan["reaction_period"] = {
        "closes_at": e.closes_at.isoformat(),
        "opened_by": e.actor,
        "opened_at": at,
        "closed_at": None,
        "phase": phase,
    }
    # Every period, in order: a letter that came in under an earlier one is
    # judged by the period in force when it came in.
    plan.setdefault("reaction_periods", []).append(
        {"closes_at": e.closes_at.isoformat(), "opened_at": at, "phase": phase}
    )


def _reaction_period_closed(d: Document, e: Any, at: str) -> None:
    period = _plan(d, e)["reaction_period"]
    period.update(closed_at=e.closed_at.isoformat(), closed_by=e.actor, recorded_at=at)


# --- Decision point --------------------------------------------------------------------


def _decision(d: Document, e: Any) -> Document:
    decision: Document = d["decisions"][str(e.originator_id)]
    return decision


def _put(d: Document, e: Any, at: str) -> None:
    d["decisions"][str(e.originator_id)] = {
        "slug": e.slug,
        "question": _text(e.question),
        "options": [{"key": o.key, "label": _text(o.label)} for o in e.options],
        "eligible": [_value(k) for k in e.eligible],
        "rule": _value(e.rule),
        "closes_at": e.closes_at.isoformat() if e.closes_at else None,
        "state": "open",
        "outcome": None,
        "tally": {},
        "positions": {},
        "put_at": at,
        "ended_at": None,
    }
    quorum = getattr(e, "quorum", None)  # absent in events from before it
    if quorum is not None:  # kept only where set: earlier documents stay as they are
        d["decisions"][str(e.originator_id)]["quorum"] = quorum
    phase = getattr(e, "phase", None)  # absent in events from before it
    if phase is not None:  # the phase it was put in, as the engine counts it
        d["decisions"][str(e.originator_id)]["put_in_phase"] = phase


def _position_taken(d: Document, e: Any, at: str) -> None:
    # A later position replaces an earlier one (and keeps its place, as in the domain).
    positions = _decision(d, e)["positions"]
    whose = position_holder(e)
    positions[whose] = {"option": e.option, "reason": _text(e.reason), "at": at}
    membership = getattr(e, "membership", None)
    if membership is not None:  # which time of joining it was taken in
        positions[whose]["membership"] = membership
    if whose != e.actor:  # the facilitator recorded it for the stakeholder
        positions[whose]["recorded_by"] = e.actor
    given_at = getattr(e, "given_at", None)
    if given_at is not None:  # when it was given, where not when it was recorded
        positions[whose]["given_at"] = given_at.isoformat()


def position_holder(e: Any) -> str:
    """Whose position a ``PositionTaken`` records: its ``stakeholder``; in events
    from before it was kept (taken by the stakeholder themselves), its actor."""
    return str(getattr(e, "stakeholder", None) or e.actor)


def _decided(d: Document, e: Any, at: str) -> None:
    decision = _decision(d, e)
    decision.update(
        state="decided", outcome=e.outcome, tally=dict(e.tally), ended_at=at
    )


def _closed_by_deadline(d: Document, e: Any, at: str) -> None:
    decision = _decision(d, e)
    decision.update(
        state="decided",
        outcome=e.outcome,
        tally=dict(e.tally),
        ended_at=at,
        closed_at=e.closed_at.isoformat(),
        closed_by=e.actor,
    )


def _withdrawn(d: Document, e: Any, at: str) -> None:
    decision = _decision(d, e)
    decision.update(state="withdrawn", ended_at=at)
