"""The participation report (participatieverslag) of an initiative.

What a municipality must be able to show about a participation process: how it was
designed, who took part (and what was done with their personal data on request:
every erasure and correction recorded, by reference), every meeting, every plan
version and what changed, every reaction with what was done with it (the response
report), the decision points and their outcomes, what went to the council, the
budget, and the audit head the report was built from, so that anyone can verify
later that the record behind it was not altered.

:func:`build_report` works on the resolved process-state document (texts and
references filled in by the caller), so the same function reports the initiative
as it stands now and as it stood at any past moment. The renderers are in
:mod:`samenspraak.application.report_render`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from samenspraak.application.persistence import ERASED_PREFIX
from samenspraak.application.reading import (
    People,
    Texts,
    could_take_part,
    counted_positions,
)
from samenspraak.domain import clock
from samenspraak.domain.templates import pinned_template
from samenspraak.projections.chain import GENESIS, Head
from samenspraak.projections.state import awaits_answer, utc
from samenspraak.projections.views import AuditTrailLogic

Outcome = Literal[
    "adopted", "partly-adopted", "defended", "noted", "withdrawn", "late", "unanswered"
]
"""What became of a reaction."""

Request = Literal["erasure", "correction"]
"""What a person asked of their personal data (AVG): erasure (art. 17) or the
correction of their name (rectification, art. 16)."""

KIND_ORDER = (
    "resident",
    "entrepreneur",
    "institution",
    "civil-servant",
    "council-member",
    "facilitator",
)


class Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class MigrationEntry(Part):
    """The initiative was moved from one process template to another (an audited
    command of the facilitator): from then on the new one's rules applied."""

    from_name: str
    from_version: str
    from_content_hash: str
    to_name: str
    to_version: str
    to_content_hash: str
    phase: str
    """The phase the initiative was in when it moved."""
    migrated_at: datetime


class ProcessDesign(Part):
    """The process template the initiative follows, pinned by its content hash,
    and the ones it followed before, if it was moved."""

    name: str
    version: str
    content_hash: str
    phases: list[str]
    """Every phase of the template, in order (also those not reached yet)."""
    migrations: list[MigrationEntry] = []
    """Every move to another template, in order: the first one's ``from_*`` is the
    template the initiative started on."""
    definition: dict[str, Any] | None = None
    """The definition the record pins (its hash is ``content_hash``), so that the
    report draws the process as its record holds it, installed or not."""


class PhaseEntry(Part):
    phase: str
    began_at: datetime
    ended_at: datetime | None
    """When the next phase began, or the initiative closed; ``None`` for the
    current phase."""


class ParticipantsOfKind(Part):
    """Who took part, by kind: counts and pseudonymous references, no names."""

    kind: str
    active: int
    former: int
    active_refs: list[str]
    former_refs: list[str]


class Participant(Part):
    """One stakeholder's time in the process: by reference and kind, when they
    joined and, if they did, when they left. Someone who left and joined again has
    one entry for each time."""

    ref: str
    kind: str
    joined_at: datetime
    left_at: datetime | None
    erased: bool = False
    """Their personal data was erased on request (AVG), in the record the report
    was built from (by ``as_of``); if they still took part then, the erasure is
    when they left."""
    erased_at: datetime | None = None
    """When their personal data was erased: ``left_at`` when they still took part
    then, later for someone who had left before. Only on their last time taking
    part; ``None`` where the view does not keep it (written by an earlier version:
    rebuild the views)."""


class PersonalDataEntry(Part):
    """A request about someone's personal data, recorded in the initiative: its
    erasure or the correction of their name. It names people by reference, as the
    rest of the report does; a correction carries no name, old or new."""

    request: Request
    stakeholder: str
    """Whose personal data it was."""
    stakeholder_kind: str | None
    """Their kind in the initiative; ``None`` for someone who never took part in
    it (their identity is kept here because they asked for something)."""
    asked_by: str
    """Who asked for it: the person themselves, or a facilitator for them."""
    at: datetime
    with_texts: bool = False
    """For an erasure: the texts they gave were erased too."""


class GroupEntry(Part):
    group: str
    kind: str
    name: str | None
    mandate: str | None
    members: list[str]
    formed_at: datetime | None


class CorrectionEntry(Part):
    """The record of a meeting, an announcement, an intervention, a framework or
    an informing of the council was corrected: when, what, and why."""

    corrected_at: datetime
    fields: list[str]
    """What was corrected: of a meeting ``starts_at``, ``kind``, ``place``,
    ``attendance``, ``summary``; of an announcement ``channel``, ``audience``,
    ``announced_at``, ``reach``; of an intervention ``kind``, ``intervened_at``,
    ``note``, ``requested_by``, ``group``; of an informing ``document_title``,
    ``document_sha256``, ``session``, ``informed_at``."""
    reason: str | None
    """Why (None once erased)."""


class WithdrawalEntry(Part):
    """A meeting, an announcement, an intervention of the facilitator's, an
    informing of the council, or a follow-up of one, was withdrawn, as recorded
    by mistake: when, and why."""

    withdrawn_at: datetime
    reason: str | None
    """Why (None once erased)."""


class MeetingEntry(Part):
    number: int
    starts_at: datetime
    kind: str
    place: str | None
    attendance: int
    summary: str | None
    evening_or_weekend: bool
    reactions: int
    """How many reactions were recorded from this meeting."""
    held: bool = True
    """The meeting had begun at the moment of the report (``as_of``, or when it
    was made) and stands; one still ahead was recorded in advance, and one
    withdrawn as recorded by mistake was not held so: the attendance of either is
    not a count of who came."""
    corrections: list[CorrectionEntry] = []
    """The corrections of its record (the values above are the corrected ones)."""
    withdrawn: WithdrawalEntry | None = None
    """When and why it was withdrawn, as recorded by mistake (None while it
    stands): it keeps its number, but no longer counts among the meetings."""


class VersionEntry(Part):
    number: int
    proposed_at: datetime
    proposed_by: str
    changes: str | None
    """What changed in this version, and why (as its author wrote it)."""
    text: str | None
    answers: list[int]
    """The reactions adopted in this version."""
    own_initiative: str | None = None
    """The changes made in it of the authority's own accord (*ambtshalve*),
    apart from those that answer reactions, when named."""


class ReactionEntry(Part):
    """One reaction and what was done with it (a line of the reactienota)."""

    plan: str
    number: int
    version: int
    stakeholder: str
    stakeholder_kind: str | None
    stance: str
    channel: str
    section: str | None
    section_erased: bool = False
    """The reaction named a section whose text was erased (``section`` is then
    ``None``, as for a reaction that named none)."""
    meeting: int | None
    text: str | None
    recorded_at: datetime
    outcome: Outcome
    answer_version: int | None
    """For an adopted reaction: the version that adopted it."""
    answer_text: str | None
    """The explanation (adopted) or the reasoning (defended)."""
    answered_by: str | None
    answered_at: datetime | None
    recorded_by: str | None = None
    """Who recorded the reaction, when not the stakeholder who gave it (the
    facilitator, for a letter or a reaction given at a meeting)."""
    withdrawn_by: str | None = None
    """Who withdrew the reaction: the stakeholder who gave it, or the facilitator
    for them."""
    withdrawn_at: datetime | None = None
    received_at: datetime | None = None
    """When a reaction by letter or e-mail came in, where the facilitator said so
    (it counts from then; ``recorded_at`` is when it was recorded), or when the
    platform comment it was imported from was posted. ``None`` for a reaction
    given at a meeting: see ``given_at``."""
    late: bool = False
    """A letter or e-mail received after the reaction period closed: it needs no
    answer (its outcome is ``late`` while it has none), but may get one, and
    stays received late once answered or withdrawn."""
    given_at: datetime | None = None
    """When it was given, where that is not when it was recorded: the start of
    the meeting it was given at (to a version proposed by then), from which it
    counts, or, for one that came in, ``received_at``. ``None`` when it was given
    when it was recorded, as in ``plan_details`` and the response report."""


class ReactionPeriodEntry(Part):
    """A reaction period opened on a plan: from when to when everyone could react."""

    opened_at: datetime
    closes_at: datetime
    phase: str | None
    """The initiative's phase it was opened in, and held in (None: recorded before
    periods kept their phase)."""


class PlanEntry(Part):
    plan: str
    title: str | None
    group: str
    created_at: datetime
    versions: list[VersionEntry]
    final_version: int | None
    finalised_at: datetime | None
    reactions: int
    unanswered: list[int]
    reaction_periods: list[ReactionPeriodEntry] = []
    """The reaction periods opened on it (``plan period``), in the order opened."""


class OptionEntry(Part):
    key: str
    label: str | None
    votes: int | None
    """The option's count in the tally, once the decision point was decided."""


class DecisionEntry(Part):
    decision: str
    question: str | None
    options: list[OptionEntry]
    eligible: list[str]
    rule: str
    closes_at: datetime | None
    state: str
    put_at: datetime
    ended_at: datetime | None
    """When it was decided or withdrawn; for one closed by its deadline, the
    deadline (``tick`` may have recorded the closing later)."""
    closed_by_deadline: bool = False
    """It was decided by its rule when its deadline passed, not by the
    facilitator."""
    outcome: str | None
    outcome_label: str | None
    tally: dict[str, int]
    positions: int
    """Positions that count (taken by stakeholders who still took part)."""
    lapsed: int = 0
    """Positions of stakeholders who had left: not counted."""
    recorded: int = 0
    """Of the positions that count, those the facilitator recorded for their
    stakeholders (given on a paper form, by letter or at a meeting)."""
    could_take_part: int | None = None
    """Stakeholders of the eligible kinds who took part when the positions were
    counted (when it was decided or withdrawn; now, while it is open)."""
    quorum: int | None = None
    """The percentage of those who could take part who had to take a position for
    there to be a decision (None: no quorum)."""


class AnnouncementEntry(Part):
    """How the process was made known, and who was invited."""

    number: int
    channel: str
    audience: str | None
    announced_at: datetime
    reach: int | None
    corrections: list[CorrectionEntry] = []
    """The corrections of its record (the values above are the corrected ones)."""
    withdrawn: WithdrawalEntry | None = None
    """When and why it was withdrawn, as recorded by mistake (None while it
    stands): it keeps its number, but no longer counts among how the process was
    announced."""


class InterventionEntry(Part):
    """Something the facilitator did in their own role, and who asked for it."""

    number: int
    kind: str
    """``general-interest``, ``on-request``, ``connection`` or ``mediation``."""
    note: str | None
    intervened_at: datetime
    requested_by: str | None
    """The stakeholder who asked for it, by reference."""
    group: str | None
    corrections: list[CorrectionEntry] = []
    """The corrections of its record (the values above are the corrected ones)."""
    withdrawn: WithdrawalEntry | None = None
    """When and why it was withdrawn, as recorded by mistake (None while it
    stands): it keeps its number, but no longer counts among what the facilitator
    did."""


class FrameworkEntry(Part):
    """A framework (*kader*) the council set for the process: what was not up for
    discussion."""

    number: int
    framework: str | None
    set_at: datetime
    document_sha256: str | None
    corrections: list[CorrectionEntry] = []
    """The corrections of its record (the values above are the corrected ones)."""


class CouncilFollowUpEntry(Part):
    """What the council did with a document it was sent."""

    number: int
    """Its number among the informing's follow-ups, from 1 in the order
    recorded."""
    summary: str | None
    followed_up_at: datetime
    document_sha256: str | None
    withdrawn: WithdrawalEntry | None = None
    """When and why it was withdrawn, as recorded by mistake (None while it
    stands): it keeps its number, but the council did not follow up so."""


class CouncilEntry(Part):
    """A document sent to the council, pinned by its SHA-256 and the audit head,
    and what the council did with it."""

    number: int
    document_title: str | None
    document_sha256: str
    session: str
    informed_at: datetime
    recorded_at: datetime
    audit_head: str | None
    """The audit head recorded when the council was informed (a correction
    leaves it)."""
    follow_ups: list[CouncilFollowUpEntry] = []
    corrections: list[CorrectionEntry] = []
    """The corrections of its record (the values above are the corrected ones)."""
    withdrawn: WithdrawalEntry | None = None
    """When and why it was withdrawn, as recorded by mistake (None while it
    stands): it keeps its number, but no longer counts as informing the
    council."""

    def standing_follow_ups(self) -> list[CouncilFollowUpEntry]:
        """Its follow-ups that stand: those not withdrawn."""
        return [f for f in self.follow_ups if f.withdrawn is None]


class AllocationEntry(Part):
    amount: Decimal
    purpose: str | None
    decision: str
    allocated_at: datetime | None


class BudgetEntry(Part):
    total: Decimal
    allocated: Decimal
    remaining: Decimal
    allocations: list[AllocationEntry]


class MilestoneEntry(Part):
    percent: int
    text: str | None
    reached_at: datetime | None


class ImplementationEntry(Part):
    """An action carrying out what was decided, with its owner and progress."""

    action: str
    title: str | None
    owner: str | None
    """The owning stakeholder's reference (None when a group owns it)."""
    group: str | None
    allocation: int | None
    percent: int
    status: str
    status_reason: str | None
    milestones: list[MilestoneEntry]


class AuditHeads(Part):
    """The heads of the audit chains the report was built from (POSITION:SHA256)."""

    global_head: str
    initiative_head: str


class ParticipationReport(Part):
    """The participatieverslag: the whole process as it stood at one moment."""

    initiative: str
    title: str | None
    description: str | None
    area: str | None
    level: str
    process: ProcessDesign
    phase: str
    closed: bool
    closing_outcome: str | None
    started_at: datetime
    closed_at: datetime | None
    last_event_at: datetime
    last_step_at: datetime
    """When the process last took a step: its last event, leaving out those that
    record something about it afterwards (an erasure or correction of a name, a
    corrected or withdrawn record, a framework of the council, the council's
    follow-up); a deadline's closing counts at the deadline, though ``tick`` may
    have recorded it later. A meeting, an announcement, an intervention or an
    informing withdrawn as recorded by mistake is no step: when its recording was
    the last step, this is the last step that stands. The timeline ends there."""
    facilitator: str
    phases: list[PhaseEntry]
    participants: list[ParticipantsOfKind]
    people: list[Participant] = []
    """Everyone who took part, in the order they joined."""
    personal_data: list[PersonalDataEntry] = []
    """Every erasure and correction of personal data recorded in the initiative
    (by ``as_of``), in the order they were recorded."""
    erased_later: list[str] = []
    """Participants shown as ``erased-...`` whose personal data was erased after
    ``as_of``: the reference they had then is gone from the directory."""
    groups: list[GroupEntry]
    meetings: list[MeetingEntry]
    """Every meeting recorded, as they took place, withdrawn ones too (marked
    so; :meth:`standing_meetings` gives those that stand)."""
    plans: list[PlanEntry]
    responses: list[ReactionEntry]
    decisions: list[DecisionEntry]
    announcements: list[AnnouncementEntry] = []
    """How the process was announced and who was invited, in the order recorded,
    withdrawn ones too (marked so; :meth:`standing_announcements` gives those
    that stand)."""
    interventions: list[InterventionEntry] = []
    """What the facilitator did in their own role (naming the general interest,
    present on request, connecting, mediating), in the order it happened,
    withdrawn ones too (marked so; :meth:`standing_interventions` gives those
    that stand)."""
    frameworks: list[FrameworkEntry] = []
    """The frameworks the council set for the process, in the order recorded."""
    council: list[CouncilEntry]
    """Every informing of the council recorded, by its number, withdrawn ones
    too (marked so; :meth:`informings` gives those that stand)."""
    budget: BudgetEntry
    implementation: list[ImplementationEntry] = []
    built_from: AuditHeads
    as_of: datetime | None
    generated_at: datetime

    def outcomes(self, plan: str | None = None) -> dict[str, int]:
        """How many reactions (of one plan, or all) ended in each outcome."""
        counts = dict.fromkeys(
            ("adopted", "partly-adopted", "defended", "noted", "withdrawn", "late"), 0
        )
        counts["unanswered"] = 0
        for r in self.responses:
            if plan is None or r.plan == plan:
                counts[r.outcome] += 1
        return counts

    def standing_meetings(self) -> list[MeetingEntry]:
        """The meetings that stand: those not withdrawn as recorded by mistake."""
        return [m for m in self.meetings if m.withdrawn is None]

    def standing_announcements(self) -> list[AnnouncementEntry]:
        """The announcements that stand: those not withdrawn as recorded by
        mistake."""
        return [a for a in self.announcements if a.withdrawn is None]

    def standing_interventions(self) -> list[InterventionEntry]:
        """The interventions of the facilitator's that stand: those not withdrawn
        as recorded by mistake."""
        return [i for i in self.interventions if i.withdrawn is None]

    def informings(self) -> list[CouncilEntry]:
        """The informings of the council that stand: those not withdrawn."""
        return [c for c in self.council if c.withdrawn is None]

    def requests(self) -> dict[Request, int]:
        """How many erasures and corrections of personal data were recorded."""
        counts: dict[Request, int] = {"erasure": 0, "correction": 0}
        for entry in self.personal_data:
            counts[entry.request] += 1
        return counts


# --- Building ----------------------------------------------------------------------


def _time_or_none(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def heads_at(
    audit: AuditTrailLogic, initiative_id: str, moment: datetime | None
) -> AuditHeads:
    """The global and the initiative's audit heads now, or as they stood at
    ``moment``: the last rows of the log before the first one recorded after it
    (rows a clock set back logged later with an earlier time do not count)."""
    if moment is None:
        return AuditHeads(
            global_head=str(audit.head() or Head(0, GENESIS)),
            initiative_head=str(audit.head(initiative_id) or Head(0, GENESIS)),
        )
    at = utc(moment)
    initiative = Head(0, GENESIS)
    for row in audit.iter_rows(initiative_id):
        if row.recorded_at > at:
            break  # the log as it stood ends before the first row recorded after
        if row.initiative_chain_hash is not None:
            initiative = Head(row.position, row.initiative_chain_hash)
    position = audit.position_at(at)
    rows = audit.rows(after=position - 1, until_position=position, limit=1)
    whole = Head(position, rows[0].chain_hash) if rows else Head(0, GENESIS)
    return AuditHeads(global_head=str(whole), initiative_head=str(initiative))


def _corrections(record: dict[str, Any], text: Texts) -> list[CorrectionEntry]:
    """The corrections of a meeting's, an announcement's, an intervention's, a
    framework's or an informing's record."""
    return [
        CorrectionEntry(
            corrected_at=_time(c["at"]), fields=c["fields"], reason=text(c["reason"])
        )
        for c in record.get("corrections", [])
    ]


def _withdrawal(record: dict[str, Any], text: Texts) -> WithdrawalEntry | None:
    """When and why a meeting, an announcement, an intervention, an informing or
    a follow-up was withdrawn as recorded by mistake (None while it stands)."""
    if "withdrawn" not in record:
        return None
    return WithdrawalEntry(
        withdrawn_at=_time(record["withdrawn"]["at"]),
        reason=text(record["withdrawn"]["reason"]),
    )


def build_report(
    doc: dict[str, Any],
    text: Texts,
    ref: People,
    *,
    heads: AuditHeads,
    as_of: datetime | None = None,
    generated_at: datetime | None = None,
) -> ParticipationReport:
    """The report of an initiative's process-state document (now or replayed as of
    a moment); ``text`` and ``ref`` fill in its texts and stakeholders."""
    kinds = {s: p["kind"] for s, p in doc["stakeholders"].items()}
    decisions = doc["decisions"]
    responses = [
        _reaction(p["slug"], r, text, ref, kinds)
        for p in doc["plans"].values()
        for r in p["reactions"].values()
    ]
    allocated = sum((Decimal(a["amount"]) for a in doc["allocations"]), Decimal("0.00"))
    budget = Decimal(doc["budget"])
    generated_at = generated_at or clock.now()
    moment = as_of or generated_at
    requests = doc.get("personal_data", [])
    erased_at: dict[str, datetime] = {}
    for q in requests:
        if q["request"] == "erasure":
            erased_at.setdefault(q["stakeholder"], _time(q["at"]))

    def erased(stakeholder: str) -> bool:
        """Erased in the record reported; a report of now also believes the
        directory (a view written before it kept erasures, or an erasure an early
        version did not record as an event)."""
        return stakeholder in erased_at or (
            as_of is None and ref(stakeholder).startswith(ERASED_PREFIX)
        )

    return ParticipationReport(
        initiative=doc["slug"],
        title=text(doc["title"]),
        description=text(doc["description"]),
        area=text(doc["area"]),
        level=doc["level"],
        process=ProcessDesign(
            name=doc["template"]["name"],
            version=doc["template"]["version"],
            content_hash=doc["template"]["content_hash"],
            phases=_template_phases(doc),
            definition=doc["template"].get("definition"),
            migrations=[
                MigrationEntry(
                    from_name=m["from"]["name"],
                    from_version=m["from"]["version"],
                    from_content_hash=m["from"]["content_hash"],
                    to_name=m["to"]["name"],
                    to_version=m["to"]["version"],
                    to_content_hash=m["to"]["content_hash"],
                    phase=m["phase"],
                    migrated_at=_time(m["at"]),
                )
                for m in doc.get("migrations", [])
            ],
        ),
        phase=doc["phase"],
        closed=doc["closed"],
        closing_outcome=text(doc["outcome"]),
        started_at=_time(doc["started_at"]),
        closed_at=_time_or_none(doc.get("closed_at")),
        last_event_at=_time(doc.get("updated_at", doc["started_at"])),
        last_step_at=_time(
            doc.get("last_step_at") or doc.get("updated_at", doc["started_at"])
        ),
        facilitator=ref(doc["facilitator"]),
        phases=[
            PhaseEntry(
                phase=p["phase"],
                began_at=_time(p["at"]),
                ended_at=_time_or_none(
                    following["at"] if following else doc.get("closed_at")
                ),
            )
            for p, following in zip(
                doc["phases"], [*doc["phases"][1:], None], strict=True
            )
        ],
        participants=_participants(doc, ref),
        people=sorted(
            (
                Participant(
                    ref=ref(stakeholder),
                    kind=person["kind"],
                    joined_at=_time(joined),
                    left_at=_time_or_none(left),
                    # The erasure ended their last time taking part, if any.
                    erased=last and erased(stakeholder),
                    erased_at=erased_at.get(stakeholder) if last else None,
                )
                for stakeholder, person in doc["stakeholders"].items()
                for joined, left, last in _periods(person)
            ),
            key=lambda p: (p.joined_at, p.ref),
        ),
        personal_data=[
            PersonalDataEntry(
                request=q["request"],
                stakeholder=ref(q["stakeholder"]),
                stakeholder_kind=kinds.get(q["stakeholder"]),
                asked_by=ref(q["by"]),
                at=_time(q["at"]),
                with_texts=q.get("with_texts", False),
            )
            for q in requests
        ],
        erased_later=sorted(
            ref(s)
            for s in doc["stakeholders"]
            if ref(s).startswith(ERASED_PREFIX) and not erased(s)
        ),
        groups=[
            GroupEntry(
                group=slug,
                kind=g["kind"],
                name=text(g["name"]),
                mandate=text(g["mandate"]),
                members=sorted(ref(m) for m in g["members"]),
                formed_at=_time_or_none(g.get("formed_at")),
            )
            for slug, g in doc["groups"].items()
        ],
        meetings=[
            MeetingEntry(
                number=m["number"],
                starts_at=_time(m["starts_at"]),
                kind=m["kind"],
                place=text(m["place"]),
                attendance=m["attendance"],
                summary=text(m["summary"]),
                evening_or_weekend=m["evening_or_weekend"],
                reactions=sum(1 for r in responses if r.meeting == m["number"]),
                # A withdrawn meeting was recorded by mistake: not held so.
                held=_time(m["starts_at"]) <= moment and "withdrawn" not in m,
                corrections=_corrections(m, text),
                withdrawn=_withdrawal(m, text),
            )
            for m in sorted(
                doc["meetings"], key=lambda m: (_time(m["starts_at"]), m["number"])
            )  # as they took place: one can be recorded after a later one
        ],
        plans=[_plan(p, text, ref) for p in doc["plans"].values()],
        responses=responses,
        decisions=[_decision(doc, d, text) for d in decisions.values()],
        announcements=[
            AnnouncementEntry(
                number=a["number"],
                channel=a["channel"],
                audience=text(a["audience"]),
                announced_at=_time(a["announced_at"]),
                reach=a["reach"],
                corrections=_corrections(a, text),
                withdrawn=_withdrawal(a, text),
            )
            for a in doc.get("announcements", [])
        ],
        interventions=[
            InterventionEntry(
                number=i["number"],
                kind=i["kind"],
                note=text(i["note"]),
                intervened_at=_time(i["intervened_at"]),
                requested_by=ref(i["requested_by"]) if i["requested_by"] else None,
                group=i["group"],
                corrections=_corrections(i, text),
                withdrawn=_withdrawal(i, text),
            )
            for i in sorted(
                doc.get("interventions", []),
                key=lambda i: (_time(i["intervened_at"]), i["number"]),
            )
        ],
        frameworks=[
            FrameworkEntry(
                number=f["number"],
                framework=text(f["framework"]),
                set_at=_time(f["set_at"]),
                document_sha256=f["document_sha256"],
                corrections=_corrections(f, text),
            )
            for f in doc.get("frameworks", [])
        ],
        council=[
            CouncilEntry(
                number=n,
                document_title=text(c["document_title"]),
                document_sha256=c["document_sha256"],
                session=c["session"],
                informed_at=_time(c["informed_at"]),
                recorded_at=_time(c["recorded_at"]),
                audit_head=c.get("audit_head"),
                follow_ups=[
                    CouncilFollowUpEntry(
                        number=k,
                        summary=text(f["summary"]),
                        followed_up_at=_time(f["followed_up_at"]),
                        document_sha256=f["document_sha256"],
                        withdrawn=_withdrawal(f, text),
                    )
                    for k, f in enumerate(c.get("follow_ups", []), start=1)
                ],
                corrections=_corrections(c, text),
                withdrawn=_withdrawal(c, text),
            )
            for n, c in enumerate(doc["council"], start=1)
        ],
        budget=BudgetEntry(
            total=budget,
            allocated=allocated,
            remaining=budget - allocated,
            allocations=[
                AllocationEntry(
                    amount=Decimal(a["amount"]),
                    purpose=text(a["purpose"]),
                    decision=decisions.get(a["decision_id"], {}).get(
                        "slug", a["decision_id"]
                    ),
                    allocated_at=_time_or_none(a.get("at")),
                )
                for a in doc["allocations"]
            ],
        ),
        implementation=[
            ImplementationEntry(
                action=a["slug"],
                title=text(a["title"]),
                owner=ref(a["owner_stakeholder"]) if a["owner_stakeholder"] else None,
                group=a["owner_group"],
                allocation=a["allocation"],
                percent=a["percent"],
                status=a["status"],
                status_reason=text(a["status_reason"]),
                milestones=[
                    MilestoneEntry(
                        percent=m["percent"],
                        text=text(m["text"]),
                        reached_at=_time_or_none(m.get("at")),
                    )
                    for m in a["milestones"]
                ],
            )
            for a in doc.get("implementation", {}).values()
        ],
        built_from=heads,
        as_of=as_of,
        generated_at=generated_at,
    )


def _template_phases(doc: dict[str, Any]) -> list[str]:
    try:
        pinned = doc["template"]
        process = pinned_template(
            pinned["name"],
            pinned["version"],
            pinned["content_hash"],
            pinned.get("definition"),
        )
    except (KeyError, ValueError):
        return [p["phase"] for p in doc["phases"]]
    return [p.name for p in process.phases]


def _participants(doc: dict[str, Any], ref: People) -> list[ParticipantsOfKind]:
    by_kind: dict[str, tuple[list[str], list[str]]] = {}
    for stakeholder, person in doc["stakeholders"].items():
        active, former = by_kind.setdefault(person["kind"], ([], []))
        (active if person["active"] else former).append(ref(stakeholder))
    order = [k for k in KIND_ORDER if k in by_kind]
    order += sorted(k for k in by_kind if k not in KIND_ORDER)
    return [
        ParticipantsOfKind(
            kind=kind,
            active=len(by_kind[kind][0]),
            former=len(by_kind[kind][1]),
            active_refs=sorted(by_kind[kind][0]),
            former_refs=sorted(by_kind[kind][1]),
        )
        for kind in order
    ]


def _reaction(
    plan: str, r: dict[str, Any], text: Texts, ref: People, kinds: dict[str, str]
) -> ReactionEntry:
    answer = r["answer"] or {}
    outcome: Outcome
    if r["withdrawn"]:
        outcome = "withdrawn"
    elif answer:
        outcome = answer["kind"]
    elif r.get("late"):
        outcome = "late"  # received after the reaction period: needs no answer
    else:
        outcome = "unanswered"
    return ReactionEntry(
        plan=plan,
        number=r["number"],
        version=r["version"],
        stakeholder=ref(r["stakeholder"]),
        stakeholder_kind=kinds.get(r["stakeholder"]),
        stance=r["stance"],
        channel=r["channel"],
        section=text(r["section"]),
        section_erased=r["section"] is not None and text(r["section"]) is None,
        meeting=r["meeting"],
        text=text(r["text"]),
        recorded_at=_time(r["at"]),
        outcome=outcome,
        answer_version=answer.get("version"),
        answer_text=text(answer.get("text")),
        answered_by=ref(answer["by"]) if answer.get("by") else None,
        answered_at=_time_or_none(answer.get("at")),
        recorded_by=(
            ref(r["recorded_by"])
            if r.get("recorded_by") not in (None, r["stakeholder"])
            else None
        ),
        withdrawn_by=ref(r["withdrawn_by"]) if r.get("withdrawn_by") else None,
        withdrawn_at=_time_or_none(r.get("withdrawn_at")),
        received_at=(
            _time_or_none(r.get("given_at")) if r["meeting"] is None else None
        ),
        late=bool(r.get("late", False)),
        given_at=_time_or_none(r.get("given_at")),
    )


def _plan(p: dict[str, Any], text: Texts, ref: People) -> PlanEntry:
    reactions = p["reactions"].values()
    return PlanEntry(
        plan=p["slug"],
        title=text(p["title"]),
        group=p["group"],
        created_at=_time(p["created_at"]),
        versions=[
            VersionEntry(
                number=v["number"],
                proposed_at=_time(v["at"]),
                proposed_by=ref(v["proposed_by"]),
                changes=text(v["changes"]),
                text=text(v["text"]),
                own_initiative=text(v.get("own_initiative")),
                answers=[
                    r["number"]
                    for r in reactions
                    if r["answer"]
                    and r["answer"]["kind"] in ("adopted", "partly-adopted")
                    and r["answer"]["version"] == v["number"]
                ],
            )
            for v in p["versions"].values()
        ],
        final_version=p["final_version"],
        finalised_at=_time_or_none(p.get("finalised_at")),
        reactions=len(reactions),
        unanswered=[r["number"] for r in reactions if awaits_answer(r)],
        reaction_periods=[
            ReactionPeriodEntry(
                opened_at=_time(period["opened_at"]),
                closes_at=_time(period["closes_at"]),
                phase=period.get("phase"),
            )
            for period in p.get("reaction_periods", [])
        ],
    )


def _periods(person: dict[str, Any]) -> list[tuple[str, str | None, bool]]:
    """A stakeholder's times of taking part: joined, left, and whether it is the
    last."""
    periods = person.get("periods") or [(person["joined_at"], person["left_at"])]
    return [
        (joined, left, n == len(periods)) for n, (joined, left) in enumerate(periods, 1)
    ]


def _decision(doc: dict[str, Any], d: dict[str, Any], text: Texts) -> DecisionEntry:
    decided = d["state"] == "decided"
    counted = counted_positions(doc, d)
    labels = {o["key"]: text(o["label"]) for o in d["options"]}
    return DecisionEntry(
        decision=d["slug"],
        question=text(d["question"]),
        options=[
            OptionEntry(
                key=o["key"],
                label=labels[o["key"]],
                votes=d["tally"].get(o["key"], 0) if decided else None,
            )
            for o in d["options"]
        ],
        eligible=list(d["eligible"]),
        rule=d["rule"],
        closes_at=_time_or_none(d["closes_at"]),
        state=d["state"],
        put_at=_time(d["put_at"]),
        ended_at=_time_or_none(d.get("closed_at") or d.get("ended_at")),
        closed_by_deadline="closed_at" in d,
        outcome=d["outcome"],
        outcome_label=labels.get(d["outcome"]) if d["outcome"] else None,
        tally=dict(d["tally"]),
        positions=sum(counted.values()),
        lapsed=len(counted) - sum(counted.values()),
        recorded=sum(
            1
            for s, p in d["positions"].items()
            if counted[s] and p.get("recorded_by") is not None
        ),
        could_take_part=could_take_part(doc, d),
        quorum=d.get("quorum"),
    )
