"""What queries return: plain models with the texts filled in, ready for JSON.

A text that was erased (on an AVG request) shows as ``None``; references to
stakeholders show their reference, never their id.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, computed_field


class View(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class StakeholderView(View):
    ref: str
    name: str | None
    kind: str
    active: bool


class GroupView(View):
    group: str
    kind: str
    name: str | None
    mandate: str | None
    members: list[str]


class CorrectionView(View):
    """A correction of what was recorded of a meeting, an announcement, an
    intervention, a framework or an informing of the council."""

    corrected_at: datetime
    """When the correction was recorded."""
    fields: list[str]
    """What it corrected: of a meeting ``starts_at``, ``kind``, ``place``,
    ``attendance``, ``summary``; of an announcement ``channel``, ``audience``,
    ``announced_at``, ``reach``; of an intervention ``kind``, ``intervened_at``,
    ``note``, ``requested_by``, ``group``; of an informing ``document_title``,
    ``document_sha256``, ``session``, ``informed_at``."""
    reason: str | None
    """Why (None once erased)."""


class WithdrawalView(View):
    """A meeting, an announcement, an intervention of the facilitator's, an
    informing of the council, or a follow-up of one, withdrawn as recorded by
    mistake: when, and why."""

    withdrawn_at: datetime
    """When the withdrawal was recorded."""
    reason: str | None
    """Why (None once erased)."""


class MeetingView(View):
    """A meeting as recorded, with any correction applied (``corrections``)."""

    number: int
    starts_at: datetime
    kind: str
    place: str | None
    attendance: int
    summary: str | None
    evening_or_weekend: bool
    corrections: list[CorrectionView] = []
    """The corrections of its record, in the order recorded."""
    withdrawn: WithdrawalView | None = None
    """When and why it was withdrawn, as recorded by mistake (None while it
    stands): it keeps its number and stays listed, but no longer counts among the
    meetings held."""


class AnnouncementView(View):
    number: int
    channel: str
    audience: str | None
    """Who was reached or invited (None once erased)."""
    announced_at: datetime
    reach: int | None
    corrections: list[CorrectionView] = []
    """The corrections of its record, in the order recorded (the values above are
    the corrected ones)."""
    withdrawn: WithdrawalView | None = None
    """When and why it was withdrawn, as recorded by mistake (None while it
    stands): it keeps its number and stays listed, but no longer counts among
    how the process was announced."""


class InterventionView(View):
    number: int
    """Its number in the initiative, from 1."""
    kind: str
    """``general-interest``, ``on-request``, ``connection`` or ``mediation``."""
    note: str | None
    """What the facilitator did and why (None once erased)."""
    intervened_at: datetime
    requested_by: str | None
    """The stakeholder who asked for it, by reference."""
    group: str | None
    """The group that asked for it."""
    corrections: list[CorrectionView] = []
    """The corrections of its record, in the order recorded (the values above are
    the corrected ones)."""
    withdrawn: WithdrawalView | None = None
    """When and why it was withdrawn, as recorded by mistake (None while it
    stands): it keeps its number and stays listed, but no longer counts among
    what the facilitator did."""


class CouncilFrameworkView(View):
    number: int
    """Its number in the initiative, from 1."""
    framework: str | None
    """What the council fixed beforehand (None once erased)."""
    set_at: datetime
    """When the council set it."""
    document_sha256: str | None = None
    """The council's document that sets it, if one was given."""
    corrections: list[CorrectionView] = []
    """The corrections of its record, in the order recorded (the values above are
    the corrected ones)."""


class CouncilFollowUpView(View):
    number: int
    """Its number among the informing's follow-ups, from 1 in the order recorded,
    as ``council withdraw-follow-up --follow-up`` names it."""
    summary: str | None
    """What the council did (None once erased)."""
    followed_up_at: datetime
    document_sha256: str | None = None
    withdrawn: WithdrawalView | None = None
    """When and why it was withdrawn, as recorded by mistake (None while it
    stands): it keeps its number and stays listed."""


class CouncilInformingView(View):
    number: int
    """Its number in the initiative, from 1, as ``council follow-up`` names it."""
    document_title: str | None
    document_sha256: str
    session: str
    informed_at: datetime
    audit_head: str | None = None
    """The initiative's audit chain head when the council was informed (as
    recorded then: a correction leaves it)."""
    follow_ups: list[CouncilFollowUpView] = []
    """What the council did with it, in the order recorded."""
    corrections: list[CorrectionView] = []
    """The corrections of its record, in the order recorded (the values above are
    the corrected ones)."""
    withdrawn: WithdrawalView | None = None
    """When and why it was withdrawn, as recorded by mistake (None while it
    stands): it keeps its number and stays listed, but no longer counts as
    informing the council."""


class AllocationView(View):
    amount: Decimal
    purpose: str | None
    decision: str


class MilestoneView(View):
    percent: int
    text: str | None


class ImplementationActionView(View):
    action: str
    title: str | None
    owner: str | None
    """The owning stakeholder's reference (None when a group owns it)."""
    group: str | None
    """The owning group (None when a stakeholder owns it)."""
    allocation: int | None
    percent: int
    status: str
    status_reason: str | None = None
    """Why it is on hold or cancelled (None otherwise, or when the text was erased)."""
    milestones: list[MilestoneView]


class PlanSummary(View):
    plan: str
    title: str | None
    group: str
    versions: int
    final_version: int | None
    reactions: int
    unanswered: int


class DecisionSummary(View):
    decision: str
    question: str | None
    rule: str
    state: str
    outcome: str | None
    tally: dict[str, int]
    closes_at: datetime | None


class TemplateView(View):
    name: str
    version: str
    content_hash: str
    phases: list[str]


class InitiativeStatus(View):
    initiative: str
    title: str | None
    description: str | None
    area: str | None
    budget: Decimal
    allocated: Decimal
    level: str
    phase: str
    template: TemplateView
    facilitator: str
    closed: bool
    outcome: str | None
    stakeholders: list[StakeholderView]
    groups: list[GroupView]
    meetings: list[MeetingView]
    announcements: list[AnnouncementView] = []
    interventions: list[InterventionView] = []
    """What the facilitator did in their own role, in the order recorded."""
    frameworks: list[CouncilFrameworkView] = []
    """The frameworks (*kaders*) the council set for the process, in the order
    recorded."""
    council: list[CouncilInformingView]
    allocations: list[AllocationView]
    implementation: list[ImplementationActionView]
    plans: list[PlanSummary]
    decisions: list[DecisionSummary]
    as_of: datetime | None = None
    """The moment asked for, when this is how things stood then (not now)."""


class InitiativeSummary(View):
    initiative: str
    title: str | None
    phase: str
    closed: bool


class VersionView(View):
    number: int
    text: str | None
    changes: str | None
    proposed_by: str
    own_initiative: str | None = None
    """The changes made of the authority's own accord (*ambtshalve*), when named
    (None when not, or once erased)."""


class AnswerView(View):
    kind: str
    by: str
    version: int | None
    text: str | None


class ReactionView(View):
    number: int
    stakeholder: str
    version: int
    stance: str
    channel: str
    section: str | None
    meeting: int | None
    text: str | None
    withdrawn: bool
    answer: AnswerView | None
    given_at: datetime | None = None
    """When it was given, where that is not when it was recorded: the start of the
    meeting it was given at, or when the letter or e-mail came in."""
    late: bool = False
    """Received after the reaction period closed (recorded as received late): it
    needs no answer."""


class PlanView(View):
    initiative: str
    plan: str
    title: str | None
    group: str
    final_version: int | None
    versions: list[VersionView]
    reactions: list[ReactionView]
    unanswered: list[int]
    as_of: datetime | None = None
    """The moment asked for, when this is how things stood then (not now)."""
    reactions_until: datetime | None = None
    """Until when the plan takes reactions to its draft, while it is not final and
    its initiative open: the reaction period opened on it in the current phase,
    else the period the phase gives; None when neither sets one."""


class OptionView(View):
    key: str
    label: str | None


class PositionView(View):
    stakeholder: str
    option: str
    reason: str | None
    counted: bool = True
    """False when the stakeholder had left (when it was decided, or now while it is
    open), or took it before they left and joined again: their position lapsed and
    the tally leaves it out."""
    recorded_by: str | None = None
    """The facilitator who recorded it for the stakeholder (a paper form, a
    letter, a show of hands at a meeting); None when the stakeholder took it
    themselves."""
    given_at: datetime | None = None
    """When a position recorded for the stakeholder was given, where that is not
    when it was recorded."""


class DecisionView(View):
    initiative: str
    decision: str
    question: str | None
    rule: str
    options: list[OptionView]
    eligible: list[str]
    closes_at: datetime | None
    state: str
    outcome: str | None
    tally: dict[str, int]
    positions: list[PositionView]
    quorum: int | None = None
    """The percentage of those who may take part who must have taken a position
    for there to be a decision (None: no quorum)."""
    quorum_reached: bool | None = None
    """Once decided, whether the quorum was reached (None: no quorum, or not
    decided), counted as the participation report counts it."""
    deadline_passed: bool = False
    """Still open although its deadline passed by the moment shown (now, or
    ``as_of``; at the closing time itself a position is still on time, so not
    yet): it takes no more positions, and closes when the deadlines are next run
    (``tick``)."""
    as_of: datetime | None = None
    """The moment asked for, when this is how things stood then (not now)."""


class ResponseEntry(View):
    """One line of the response report (reactienota): a reaction and what was done
    with it, read from the response-report view."""

    plan: str
    reaction: int
    version: int
    stakeholder: str
    stance: str
    channel: str
    section: str | None
    meeting: int | None
    text: str | None
    """``None`` when it was erased."""
    recorded_at: datetime
    outcome: str
    """``adopted``, ``partly-adopted``, ``defended``, ``noted``, ``withdrawn``,
    ``late`` (received after the reaction period, needing no answer, and given
    none) or ``unanswered`` (as in the participation report)."""
    answer_version: int | None
    """For an adopted reaction: the version that adopted it."""
    answer_text: str | None
    """The explanation (adopted) or the reasoning (defended)."""
    answered_by: str | None
    answered_at: datetime | None
    withdrawn_by: str | None = None
    """Who withdrew the reaction: the stakeholder who gave it, or the facilitator
    for them."""
    withdrawn_at: datetime | None = None
    late: bool = False
    """Received after the reaction period closed (a letter or e-mail recorded as
    received late): it needs no answer."""
    origin: str | None = None
    """The platform comment it was imported from (``decidim:19736``), if any; None
    also when that was erased (see ``origin_erased``)."""
    origin_erased: bool = False
    """It was imported from a platform comment whose origin was erased with the
    texts of whoever posted it: which comment it was is no longer known."""
    given_at: datetime | None = None
    """When it was given, where that is not when it was recorded (in UTC): the
    start of the meeting it was given at, or when the letter, e-mail or platform
    comment came in. It counts from then (for the reaction period: a letter
    received late came in after it closed); ``None`` when it was given when it was
    recorded (``recorded_at``). Read from the process state, as ``plan_details``
    gives it."""


class ImportedComment(View):
    """A platform comment an import records as a reaction."""

    line: int
    """The line of the export its row starts on."""
    comment: str
    """The comment, as the reaction's ``origin`` names it: ``decidim:19736``."""
    reaction: int
    """Its number among the plan's reactions."""
    stakeholder: str
    """Whom it is from, by reference: ``decidim-27324``, ``decidim-group-37715``."""
    stance: str
    received_at: datetime
    """When it was posted: the reaction counts from then."""
    late: bool
    """Posted after the reaction period closed: recorded as received late."""


class CommentsImport(View):
    """What an import of a platform's comments recorded (or, in a dry run, would
    record), and what it left out and why."""

    recorded: list[ImportedComment]
    already: int
    """Comments recorded before (by an earlier import of the same comments)."""
    skipped: dict[str, int]
    """Comments left out, counted by why: ``not on what was chosen`` (``on``),
    ``by a public employee`` (CONSUL, ``leave_out_civil_servants``), ``without
    text``."""
    joined: list[str]
    """The stakeholders it brings into the initiative, by reference."""
    registered: int
    """How many of them it puts in the directory (the others were there)."""
    origins_erased: int = 0
    """How many reactions of the record (in any initiative, on any plan) were
    imported from comments whose origin was erased since (with the texts of
    whoever posted them): those comments are not recognised any more."""
    origins_erased_in: list[str] = []
    """The initiatives that hold those reactions, by reference."""
    dry_run: bool


class Closing(View):
    """How an initiative was closed: from which phase, whether that ended the
    process early (before the template's last phase), and how many reactions were
    left unanswered (only an early closing leaves any)."""

    initiative: str
    phase: str
    early: bool
    unanswered: int


class Erasure(View):
    """What an erasure did: the stakeholder's reference before and after, how many
    of their texts were erased, and the open initiatives they left."""

    stakeholder: str
    now_named: str
    texts: int
    erased_at: datetime
    left: list[str] = []
    released: bool = True
    """Whether what it overwrote left the database's files too; False when, on
    SQLite, another program held a read of the record open for longer than the
    lock timeout, and the write-ahead log still holds a copy (see the
    architecture's section on erasure)."""


class Correction(View):
    """What a correction did: whose personal data was corrected, and the
    initiatives that record it (``IdentityCorrected``; none when only the contact
    changed, or when they took part in none)."""

    stakeholder: str
    name_corrected: bool
    """Whether the name changed (else only the contact did)."""
    initiatives: list[str] = []
    released: bool = True
    """As for an erasure: whether the name and contact as they were left the
    database's files too."""


class ViewsVerification(View):
    """Whether every view holds what the events, built into it again, give."""

    intact: bool
    checked: int
    """The position in the log up to which the views were built again."""
    problem: str | None


class ProjectionStatus(View):
    view: str
    position: int
    log_end: int
    logic_version: int = Field(default=1, exclude=True)
    """The version of the logic this version of samenspraak builds the view with."""
    built_with: int = Field(default=1, exclude=True)
    """The logic version the view's rows were built with (the same, unless they
    were built by another version of samenspraak)."""

    @property
    def outdated(self) -> bool:
        """Built with another logic version: rebuilt the first time a command that
        may write the record reads the views."""
        return self.built_with != self.logic_version

    @computed_field  # type: ignore[prop-decorator]
    @property
    def behind(self) -> int:
        """How many events of the log the view has not applied yet."""
        return self.log_end - self.position


class AuditEntry(View):
    position: int
    recorded_at: datetime
    aggregate: str
    aggregate_id: str
    about: str
    """The reference of the initiative, plan or decision point the event is about."""
    version: int
    event: str
    actor: str | None
    stakeholder: str | None = None
    """The stakeholder the event is about, by reference, besides the actor: who
    joined, left, was added to or taken out of a group, gave a reaction, took a
    position (also one the facilitator recorded for them), whose personal data
    was erased, or who asked for an intervention of the
    facilitator."""
    summary: str
    content_hash: str
    chain_hash: str
    initiative_chain_hash: str | None


class Verification(View):
    intact: bool
    checked: int
    first_bad_position: int | None
    problem: str | None
    head: str
    """The head recomputed from the event store (POSITION:SHA256)."""
    published_head: str | None
    proves: str
    initiative: str | None = None
    """The initiative whose own chain was checked (None: the whole record's)."""
    texts_checked: int = 0
    """How many references to texts kept (not erased) were compared with the
    commitments the events hold."""


class ExportSummary(View):
    initiative: str
    bundle: str
    events: int
    texts: int
    stakeholders: int
    head: str
    """The initiative's chain head the bundle ends at (POSITION:SHA256): publish it
    to let others check the bundle when they replay it."""
    exported_at: datetime


class ReplaySummary(View):
    initiative: str
    events: int
    texts: int
    stakeholders: int
    bundle_head: str
    """The head in the bundle's manifest, at the position of the original log."""
    head: str
    """The initiative's chain head in the new database: the same hash, at the new
    log's position (the same when the original log held this initiative only)."""
    engine_version: str
    """The version of samenspraak that made the bundle."""
    exported_at: datetime
    unchecked_stakeholders: int = 0
    """Stakeholders whose reference and name could not be checked against the
    events: recorded before the events kept an identity for them, or brought in
    without a name (a CONSUL comment's author) by an earlier version's import."""
    published_head: str | None = None
    """The published head the bundle was checked against, when one was given."""
    published_at: int | None = None
    """Where in the bundle's log the chain reaches that head's hash (another
    position than the head's when the bundle's log was numbered anew)."""
    recorded_after: int = 0
    """How many of the bundle's events were recorded after that published head."""


class ClosedDeadline(View):
    """What ``tick`` closed: a decision point or a plan's reaction period."""

    kind: str
    """``decision-point`` or ``reaction-period``."""
    initiative: str
    subject: str
    """The decision point's or the plan's reference."""
    deadline: datetime
    outcome: str | None = None
    """For a decision point: the option decided (None: no decision)."""
