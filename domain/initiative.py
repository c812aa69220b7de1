"""The Initiative aggregate: one participation process (participatietraject).

It holds who takes part (stakeholders, groups), the phase the process is in, the
meetings held, what the council was told, and the budget with its allocations.
Plans and decision points are aggregates of their own that consult the initiative
for who may act.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from samenspraak.domain import clock, rules
from samenspraak.domain.templates import (
    COMMAND_PHRASES,
    DEFAULT_TEMPLATE,
    GUARDS,
    PERMITTED_WITH,
    Phase,
    ProcessTemplate,
    pinned_template,
)
from samenspraak.domain.values import (
    SOCIETY,
    AnnouncementChannel,
    CouncilSession,
    GroupKind,
    Immutable,
    ImplementationStatus,
    InterventionKind,
    MeetingKind,
    ParticipationLevel,
    StakeholderKind,
    TextRef,
)

if TYPE_CHECKING:
    from samenspraak.domain.decision_point import DecisionPoint


@dataclass
class Group:
    slug: str
    kind: GroupKind
    name: TextRef
    mandate: TextRef
    members: set[str] = field(default_factory=set)

    def __deepcopy__(self, memo: dict[int, Any]) -> Group:
        return Group(self.slug, self.kind, self.name, self.mandate, set(self.members))


@dataclass(frozen=True)
class Meeting(Immutable):
    number: int
    starts_at: datetime
    kind: MeetingKind
    place: TextRef
    attendance: int
    summary: TextRef
    withdrawn: bool = False
    """Withdrawn: recorded by mistake (twice, or one that never took place). It
    keeps its number and stays in the record, but no longer counts as held."""


@dataclass(frozen=True)
class ReactionFromMeeting:
    """A reaction recorded as given at a meeting, as a correction or a withdrawal
    of that meeting must know it (plans are aggregates of their own; the
    application gathers them): on which plan, its number, when it was recorded,
    and whether it was withdrawn since."""

    plan: str
    reaction: int
    recorded_at: datetime
    withdrawn: bool = False


@dataclass(frozen=True)
class CouncilInforming(Immutable):
    document_title: TextRef
    document_sha256: str
    session: CouncilSession
    informed_at: datetime
    withdrawn: bool = False
    """Withdrawn: recorded by mistake (another initiative's, or one that never
    happened). It keeps its number and stays in the record, but no longer counts
    as informing the council."""


@dataclass(frozen=True)
class Announcement(Immutable):
    """How the process was made known, and to whom: who was invited."""

    number: int
    channel: AnnouncementChannel
    audience: TextRef
    announced_at: datetime
    reach: int | None = None
    withdrawn: bool = False
    """Withdrawn: recorded by mistake (twice, or one that was not made). It keeps
    its number and stays in the record, but no longer counts among how the
    process was announced."""


@dataclass(frozen=True)
class Intervention(Immutable):
    """Something the facilitator did in their own role (see
    :class:`InterventionKind`), with a note of what and why, and who asked for it
    when it was done on request."""

    number: int
    kind: InterventionKind
    note: TextRef
    intervened_at: datetime
    requested_by: str | None = None
    """The stakeholder who asked for it (their pseudonymous id)."""
    group: str | None = None
    """The group that asked for it."""
    withdrawn: bool = False
    """Withdrawn: recorded by mistake (twice, or one that was not made). It keeps
    its number and stays in the record, but no longer counts among what the
    facilitator did."""


@dataclass(frozen=True)
class CouncilFramework(Immutable):
    """A framework (*kader*) the council set for the process: what is fixed
    beforehand and not up for discussion, such as a budget ceiling, a legal
    boundary or what must stay, with when it was set and the council's document."""

    number: int
    framework: TextRef
    set_at: datetime
    document_sha256: str | None = None


@dataclass(frozen=True)
class CouncilFollowUp(Immutable):
    """What the council did with what it was told: a decision, a motion, a
    question, recorded against the informing it follows up."""

    informing: int
    summary: TextRef
    followed_up_at: datetime
    document_sha256: str | None = None
    withdrawn: bool = False
    """Withdrawn as recorded by mistake (against the wrong informing, or one the
    council never gave): it keeps its number among the informing's follow-ups."""


@dataclass(frozen=True)
class Allocation(Immutable):
    amount: Decimal
    purpose: TextRef
    decision_id: UUID


@dataclass(frozen=True)
class Milestone(Immutable):
    percent: int
    text: TextRef


@dataclass
class ImplementationAction:
    """Carrying out what was decided: owned by one stakeholder or one group."""

    slug: str
    title: TextRef
    owner_stakeholder: str | None
    owner_group: str | None
    allocation: int | None
    percent: int = 0
    status: ImplementationStatus = ImplementationStatus.PLANNED
    milestones: list[Milestone] = field(default_factory=list)

    def __deepcopy__(self, memo: dict[int, Any]) -> ImplementationAction:
        return ImplementationAction(
            self.slug,
            self.title,
            self.owner_stakeholder,
            self.owner_group,
            self.allocation,
            self.percent,
            self.status,
            list(self.milestones),
        )


STOPPED = (ImplementationStatus.ON_HOLD, ImplementationStatus.CANCELLED)
"""The statuses that need a reason."""


@dataclass(frozen=True)
class PhaseFacts:
    """What the guards of a phase ask about the initiative's plans and decision
    points (aggregates of their own), gathered by the application before the
    facilitator advances the phase. The default: no plans, no decision points."""

    open_decision_points: int = 0
    unanswered_reactions: int = 0
    """Reactions that are neither answered nor withdrawn."""
    unfinalised_plans: int = 0
    any_draft: bool = False
    any_decision_taken: bool = False
    reaction_period_ends: datetime | None = None
    """When the current phase's reaction period ends (None: it has none)."""


def _is_euros(amount: Decimal) -> bool:
    """A finite amount with at most two decimals (whole cents)."""
    if not amount.is_finite():
        return False
    exponent = amount.normalize().as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -2


class Initiative(Aggregate):
    """A participation process with its stakeholders, groups, phase and budget."""

    class Event(Aggregate.Event):
        actor: str

        @staticmethod
        def create_timestamp() -> datetime:
            return clock.now()

    @staticmethod
    def create_id(slug: str) -> UUID:
        return initiative_id(slug)

    @classmethod
    def start(
        cls,
        *,
        actor: str,
        slug: str,
        title: TextRef,
        description: TextRef,
        area: TextRef,
        budget: Decimal,
        level: ParticipationLevel,
        process: ProcessTemplate = DEFAULT_TEMPLATE,
        facilitator_identity: TextRef | None = None,
    ) -> Initiative:
        """Start a participation process; the actor becomes its facilitator.
        ``facilitator_identity`` commits to their reference and name in the
        directory (a text: erasable, as the name must be)."""
        rules.a_budget_is_not_negative.check(_is_euros(budget) and budget >= 0)
        return cls(
            actor=actor,
            slug=slug,
            title=title,
            description=description,
            area=area,
            budget=budget,
            level=level,
            facilitator=actor,
            template_name=process.name,
            template_version=process.version,
            template_hash=process.content_hash,
            template_definition=process.definition(),
            phase=process.phases[0].name,
            facilitator_identity=facilitator_identity,
        )

    @event("Started")
    def __init__(
        self,
        *,
        actor: str,
        slug: str,
        title: TextRef,
        description: TextRef,
        area: TextRef,
        budget: Decimal,
        level: ParticipationLevel,
        facilitator: str,
        template_name: str,
        template_version: str,
        template_hash: str,
        phase: str,
        template_definition: dict[str, Any] | None = None,
        facilitator_identity: TextRef | None = None,
    ) -> None:
        self.slug = slug
        self.title = title
        self.description = description
        self.area = area
        self.budget = budget
        self.level = ParticipationLevel(level)
        self.facilitator = facilitator
        self.template_name = template_name
        self.template_version = template_version
        self.template_hash = template_hash
        self.template_definition = template_definition
        self.migrations = 0
        """How many times the initiative moved to another template (or version)."""
        self.phase = phase
        self.stakeholders: dict[str, StakeholderKind] = {
            facilitator: StakeholderKind.FACILITATOR
        }
        self.former_stakeholders: dict[str, StakeholderKind] = {}
        self.joins: dict[str, int] = {}
        """How many times each stakeholder joined (counted from the events, so it
        holds for every record)."""
        self.askers: set[str] = set()
        """Who asked for an erasure or a correction here without taking part
        (their identity was sealed with it, so their own erasure or correction is
        recorded here too)."""
        self.groups: dict[str, Group] = {}
        self.meetings: list[Meeting] = []
        self.announcements: list[Announcement] = []
        self.interventions: list[Intervention] = []
        self.council_informings: list[CouncilInforming] = []
        self.informings_in_phase: set[int] = set()
        """The numbers of the informings recorded since the current phase began
        and not withdrawn (the guard ``council_informed``): an informing in an
        earlier phase, such as a vision shown in an informal session, does not
        tell the council what came after."""
        self.council_follow_ups: list[CouncilFollowUp] = []
        self.frameworks: list[CouncilFramework] = []
        self.allocations: list[Allocation] = []
        self.implementation: dict[str, ImplementationAction] = {}
        self.outcome: TextRef | None = None

    # --- Questions the rules ask ---------------------------------------------------

    @property
    def process(self) -> ProcessTemplate:
        """The template this initiative follows: the definition pinned in its events
        (checked against its content hash), or for records from before definitions
        were kept, the installed template of that name and version."""
        return pinned_template(
            self.template_name,
            self.template_version,
            self.template_hash,
            self.template_definition,
        )

    @property
    def is_closed(self) -> bool:
        return self.outcome is not None

    @property
    def society_decides(self) -> bool:
        """True while society decides alone: civil servants observe and do not act
        (a template's permissions can keep other kinds out of the phase too, as
        ``overheidsparticipatie`` version 2 does council members)."""
        return self.process.phase(self.phase).society_only

    @property
    def council_informed_in_phase(self) -> bool:
        """Whether the council was informed since the current phase began (the
        guard ``council_informed``), by an informing that was not withdrawn."""
        return bool(self.informings_in_phase)

    @property
    def allocated(self) -> Decimal:
        return sum((a.amount for a in self.allocations), Decimal("0.00"))

    def kind_of(self, stakeholder: str) -> StakeholderKind | None:
        return self.stakeholders.get(stakeholder)

    def is_active(self, stakeholder: str) -> bool:
        return stakeholder in self.stakeholders

    def still_in(self, stakeholder: str, membership: int | None) -> bool:
        """The stakeholder takes part now, in the same membership as when they did
        something (``membership``: which time of joining it was, as
        :meth:`membership_of` said then; None: not known, any will do). Someone who
        left and joined again since did not stay in."""
        if not self.is_active(stakeholder):
            return False
        return membership is None or membership == self.membership_of(stakeholder)

    def membership_of(self, stakeholder: str) -> int:
        """Which time of joining the stakeholder takes part in now (1 for the
        first; 0 for the facilitator, who started the initiative)."""
        return self.joins.get(stakeholder, 0)

    def meeting(self, number: int) -> Meeting | None:
        return next((m for m in self.meetings if m.number == number), None)

    def council_informing(self, number: int) -> CouncilInforming | None:
        """Informing ``number`` of the council (from 1, in the order recorded)."""
        if 1 <= number <= len(self.council_informings):
            return self.council_informings[number - 1]
        return None

    def group(self, slug: str) -> Group:
        rules.a_group_must_exist.check(
            slug in self.groups, initiative=self.slug, group=slug
        )
        return self.groups[slug]

    def require_open(self) -> None:
        rules.a_closed_initiative_takes_no_commands.check(
            not self.is_closed, initiative=self.slug
        )

    def require_facilitator(self, actor: str, action: str) -> None:
        self.require_open()
        rules.only_the_facilitator_shapes_the_initiative.check(
            actor == self.facilitator, initiative=self.slug, action=action
        )

    def require_participant(self, actor: str, action: str) -> None:
        """The actor joined (and has not left), and society-first allows the action."""
        self.require_open()
        rules.only_joined_stakeholders_act.check(
            self.is_active(actor), initiative=self.slug, action=action
        )
        rules.society_decides_first.check(
            not (
                self.society_decides
                and self.stakeholders[actor] is StakeholderKind.CIVIL_SERVANT
            ),
            initiative=self.slug,
            action=action,
        )

    def society_decided_alone_in(
        self, phase: str | None, process: ProcessTemplate | None = None
    ) -> bool:
        """Whether society decided alone in ``phase`` (an earlier phase, by name;
        the current phase when the template does not have it or none is named),
        under ``process``, the template in force then (default: the one now)."""
        process = process or self.process
        named = phase if phase in {p.name for p in process.phases} else None
        return process.phase(named or self.phase).society_only

    def may_take_positions(self, kind: StakeholderKind) -> bool:
        """Whether stakeholders of this kind may take positions in the current
        phase (see :func:`may_take_positions_in`)."""
        return may_take_positions_in(self.process.phase(self.phase), kind)

    def require_permission(
        self,
        actor: str,
        command: str,
        kind: StakeholderKind | None = None,
        *,
        in_phase: str | None = None,
        process: ProcessTemplate | None = None,
        doing: str | None = None,
    ) -> None:
        """In a phase whose template declares permissions, the actor's kind must be
        granted ``command`` there; a refusal names the phases of the template where
        that kind may give it, and says what the actor may not do (``doing``, when
        the command's own words do not say it: the facilitator adding someone is
        not joining). ``kind`` is the kind the actor joins with when
        the actor has not joined yet. Actors who have not joined, a closed
        initiative and phases without permissions are left to the other rules.
        ``in_phase`` is the phase it was given in, when that was an earlier one
        (a letter that came in then, recorded now), if the template has it;
        ``process``, the template in force then (default: the one now)."""
        process = process or self.process
        named = in_phase if in_phase in {p.name for p in process.phases} else None
        phase = process.phase(named or self.phase)
        who = self.kind_of(actor) or kind
        if not phase.permissions or who is None or self.is_closed:
            return
        role = StakeholderKind(who).value
        if phase.grants(role, command):
            return
        _, phrase = PERMITTED_WITH.get(
            command,
            (command, COMMAND_PHRASES.get(command, command.replace("_", " "))),
        )
        phrase = doing or phrase
        rule = rules.only_permitted_roles_act_in_a_phase
        sentence = rule.sentence(
            phase=phase.name,
            initiative=self.slug,
            kind=_with_article(role),
            command=phrase,
            phases=rules.phases_named(process.phases_letting(role, command)),
        )
        raise rules.RuleViolation(rule, sentence)

    # --- Stakeholders ------------------------------------------------------------

    def join(
        self,
        *,
        actor: str,
        stakeholder: str,
        kind: StakeholderKind,
        identity: TextRef | None = None,
    ) -> None:
        """A stakeholder joins, by themselves or added by the facilitator.
        ``identity`` commits to their reference and name in the directory."""
        self.require_open()
        rules.stakeholders_join_themselves_or_are_added_by_the_facilitator.check(
            actor in (stakeholder, self.facilitator), initiative=self.slug
        )
        rules.the_facilitator_is_the_one_who_started.check(
            kind is not StakeholderKind.FACILITATOR, initiative=self.slug
        )
        rules.a_stakeholder_joins_once.check(
            stakeholder not in self.stakeholders,
            stakeholder="This stakeholder",
            initiative=self.slug,
        )
        before = self.former_stakeholders.get(stakeholder)
        rules.a_stakeholder_rejoins_as_the_kind_they_were.check(
            before is None or before is StakeholderKind(kind),
            stakeholder="This stakeholder",
            initiative=self.slug,
            kind=_with_article(before.value if before else ""),
            new=_with_article(StakeholderKind(kind).value),
        )
        self._stakeholder_joined(
            actor=actor,
            stakeholder=stakeholder,
            kind=kind,
            identity=identity,
        )

    @event("StakeholderJoined")
    def _stakeholder_joined(
        self,
        *,
        actor: str,
        stakeholder: str,
        kind: StakeholderKind,
        identity: TextRef | None = None,
    ) -> None:
        self.stakeholders[stakeholder] = StakeholderKind(kind)
        self.former_stakeholders.pop(stakeholder, None)
        self.joins[stakeholder] = self.joins.get(stakeholder, 0) + 1

    def leave(self, *, actor: str, stakeholder: str) -> None:
        """A stakeholder leaves; their past reactions and positions stay on record."""
        self.require_open()
        rules.stakeholders_leave_themselves_or_are_removed_by_the_facilitator.check(
            actor in (stakeholder, self.facilitator), initiative=self.slug
        )
        rules.the_facilitator_stays.check(
            stakeholder != self.facilitator, initiative=self.slug
        )
        rules.only_joined_stakeholders_act.check(
            stakeholder in self.stakeholders, initiative=self.slug, action="leave it"
        )
        self._stakeholder_left(actor=actor, stakeholder=stakeholder)

    @event("StakeholderLeft")
    def _stakeholder_left(self, *, actor: str, stakeholder: str) -> None:
        self.former_stakeholders[stakeholder] = self.stakeholders.pop(stakeholder)
        for group in self.groups.values():
            group.members.discard(stakeholder)

    def record_erasure(
        self,
        *,
        actor: str,
        stakeholder: str,
        with_texts: bool,
        actor_identity: TextRef | None = None,
    ) -> None:
        """Record that a stakeholder's personal data was erased (at the request of
        ``actor``; the application decides who may ask): the directory and the text
        store change, no event does, so this event keeps the erasure accountable.
        Also in a closed initiative; someone still taking part leaves first.
        ``actor_identity`` commits to the reference and name of an actor who never
        took part in this initiative (the facilitator of another one)."""
        rules.an_erasure_is_recorded_where_they_took_part.check(
            stakeholder in self.former_stakeholders
            or stakeholder in self.askers
            or (stakeholder in self.stakeholders and self.is_closed),
            initiative=self.slug,
        )
        self._personal_data_erased(
            actor=actor,
            stakeholder=stakeholder,
            with_texts=with_texts,
            actor_identity=actor_identity,
        )

    @event("PersonalDataErased")
    def _personal_data_erased(
        self,
        *,
        actor: str,
        stakeholder: str,
        with_texts: bool,
        actor_identity: TextRef | None = None,
    ) -> None:
        if actor_identity is not None:
            self.askers.add(actor)

    def record_identity_correction(
        self,
        *,
        actor: str,
        stakeholder: str,
        identity: TextRef,
        actor_identity: TextRef | None = None,
    ) -> None:
        """Record that a stakeholder's name in the directory was corrected (at the
        request of ``actor``; the application decides who may ask): ``identity``
        commits to their reference and corrected name, so that the record keeps
        proving who is who. Also in a closed initiative (a person may have their
        data corrected at any time). ``actor_identity`` commits to the reference
        and name of an actor who is not known in this initiative."""
        rules.a_correction_is_recorded_where_their_identity_is.check(
            stakeholder in self.stakeholders
            or stakeholder in self.former_stakeholders
            or stakeholder in self.askers,
            initiative=self.slug,
        )
        self._identity_corrected(
            actor=actor,
            stakeholder=stakeholder,
            identity=identity,
            actor_identity=actor_identity,
        )

    @event("IdentityCorrected")
    def _identity_corrected(
        self,
        *,
        actor: str,
        stakeholder: str,
        identity: TextRef,
        actor_identity: TextRef | None = None,
    ) -> None:
        if actor_identity is not None:
            self.askers.add(actor)

    # --- Groups ------------------------------------------------------------------

    def form_group(
        self,
        *,
        actor: str,
        slug: str,
        kind: GroupKind,
        name: TextRef,
        mandate: TextRef,
    ) -> None:
        self.require_facilitator(actor, "form groups")
        rules.a_group_name_is_used_once.check(
            slug not in self.groups, initiative=self.slug, group=slug
        )
        self._group_formed(
            actor=actor, group=slug, kind=kind, name=name, mandate=mandate
        )

    @event("GroupFormed")
    def _group_formed(
        self,
        *,
        actor: str,
        group: str,
        kind: GroupKind,
        name: TextRef,
        mandate: TextRef,
    ) -> None:
        self.groups[group] = Group(group, GroupKind(kind), name, mandate)

    def add_member(self, *, actor: str, group: str, stakeholder: str) -> None:
        self.require_facilitator(actor, "compose groups")
        members = self.group(group).members
        rules.members_are_joined_stakeholders.check(
            self.is_active(stakeholder), initiative=self.slug, group=group
        )
        rules.a_member_is_added_once.check(
            stakeholder not in members, stakeholder="This stakeholder", group=group
        )
        self._member_added(actor=actor, group=group, stakeholder=stakeholder)

    @event("MemberAdded")
    def _member_added(self, *, actor: str, group: str, stakeholder: str) -> None:
        self.groups[group].members.add(stakeholder)

    def remove_member(self, *, actor: str, group: str, stakeholder: str) -> None:
        self.require_facilitator(actor, "compose groups")
        rules.only_members_can_be_removed.check(
            stakeholder in self.group(group).members,
            stakeholder="This stakeholder",
            group=group,
        )
        self._member_removed(actor=actor, group=group, stakeholder=stakeholder)

    @event("MemberRemoved")
    def _member_removed(self, *, actor: str, group: str, stakeholder: str) -> None:
        self.groups[group].members.discard(stakeholder)

    # --- Meetings ----------------------------------------------------------------

    def announce(
        self,
        *,
        actor: str,
        channel: AnnouncementChannel,
        audience: TextRef,
        announced_at: datetime,
        reach: int | None = None,
    ) -> int:
        """Record how the process was announced and who was invited (through
        which channel, to whom, when, and how many it reached, if known); returns
        its number in this initiative."""
        self.require_facilitator(actor, "record announcements")
        rules.times_carry_a_timezone.check(
            announced_at.tzinfo is not None, what="time of the announcement"
        )
        rules.an_announcement_is_recorded_once_made.check(
            announced_at <= clock.now(),
            announced_at=clock.on_dutch_clocks(announced_at),
        )
        rules.a_reach_is_not_negative.check(reach is None or reach >= 0)
        number = len(self.announcements) + 1
        self._announced(
            actor=actor,
            number=number,
            channel=channel,
            audience=audience,
            announced_at=announced_at,
            reach=reach,
        )
        return number

    def announcement(self, number: int) -> Announcement | None:
        """Announcement ``number`` (from 1, in the order recorded), if there is
        one."""
        if 1 <= number <= len(self.announcements):
            return self.announcements[number - 1]
        return None

    def correct_announcement(
        self,
        *,
        actor: str,
        number: int,
        channel: AnnouncementChannel | None = None,
        audience: TextRef | None = None,
        announced_at: datetime | None = None,
        reach: int | None = None,
        reach_unknown: bool = False,
        reason: TextRef | None,
    ) -> tuple[str, ...]:
        """Correct what was recorded of announcement ``number`` (from 1): its
        channel, its audience, when it was made or how many it reached, with the
        reason; returns the names of the fields corrected, in the order
        ``channel``, ``audience``, ``announced_at``, ``reach``. The ``Announced``
        stays in the record; ``AnnouncementCorrected`` carries only what changed
        (a field given as it already is recorded is left out), and
        ``reach_unknown`` says that how many it reached is not known after all.
        The rules for recording an announcement hold for the corrected values.
        ``audience`` is a text, which the domain cannot compare: the caller
        passes it only when its text changed."""
        self.require_facilitator(actor, "correct announcements")
        recorded = self.announcement(number)
        rules.an_announcement_named_must_exist.check(
            recorded is not None,
            initiative=self.slug,
            announcements=_how_many(len(self.announcements), "announcement"),
            number=number,
        )
        assert recorded is not None  # for the type checker: the rule said so
        rules.a_withdrawn_announcement_is_not_corrected.check(
            not recorded.withdrawn, number=number, initiative=self.slug
        )
        rules.an_announcement_correction_gives_a_reach_or_says_it_is_unknown.check(
            not (reach_unknown and reach is not None),
            number=number,
            initiative=self.slug,
        )
        if announced_at is not None:
            rules.times_carry_a_timezone.check(
                announced_at.tzinfo is not None, what="time of the announcement"
            )
            rules.an_announcement_is_recorded_once_made.check(
                announced_at <= clock.now(),
                announced_at=clock.on_dutch_clocks(announced_at),
            )
        rules.a_reach_is_not_negative.check(reach is None or reach >= 0)
        rules.an_announcement_correction_gives_its_reason.check(
            reason is not None, number=number, initiative=self.slug
        )
        assert reason is not None
        changed = only_what_changed(
            channel=(channel, recorded.channel),
            audience=(audience, None),
            announced_at=(announced_at, recorded.announced_at),
            reach=(reach, recorded.reach),
        )
        if reach_unknown and recorded.reach is not None:
            changed["reach"] = None
        rules.an_announcement_correction_changes_something.check(
            bool(changed), number=number, initiative=self.slug
        )
        self._announcement_corrected(
            actor=actor,
            number=number,
            channel=changed.get("channel"),
            audience=changed.get("audience"),
            announced_at=changed.get("announced_at"),
            reach=changed.get("reach"),
            reach_unknown="reach" in changed and changed["reach"] is None,
            reason=reason,
        )
        return tuple(changed)

    @event("AnnouncementCorrected")
    def _announcement_corrected(
        self,
        *,
        actor: str,
        number: int,
        channel: AnnouncementChannel | None,
        audience: TextRef | None,
        announced_at: datetime | None,
        reach: int | None,
        reach_unknown: bool,
        reason: TextRef,
    ) -> None:
        recorded = self.announcement(number)
        if recorded is None:  # a record replayed without its announcement
            return
        self.announcements[number - 1] = replace(
            recorded,
            channel=recorded.channel
            if channel is None
            else AnnouncementChannel(channel),
            audience=recorded.audience if audience is None else audience,
            announced_at=recorded.announced_at
            if announced_at is None
            else announced_at,
            reach=None if reach_unknown else recorded.reach if reach is None else reach,
        )

    def withdraw_announcement(
        self, *, actor: str, number: int, reason: TextRef | None
    ) -> None:
        """Withdraw announcement ``number`` (from 1), recorded by mistake (the same
        announcement recorded twice, or one that was not made), with the reason.
        The ``Announced`` stays in the record and every announcement keeps its
        number; a withdrawn one no longer counts among how the process was
        announced. The facilitator withdraws, whichever phase, as they record and
        correct one, while the initiative is open."""
        self.require_facilitator(actor, "withdraw announcements")
        recorded = self.announcement(number)
        rules.an_announcement_withdrawn_must_exist.check(
            recorded is not None,
            initiative=self.slug,
            announcements=_how_many(len(self.announcements), "announcement"),
            number=number,
        )
        assert recorded is not None  # for the type checker: the rule said so
        rules.an_announcement_is_withdrawn_once.check(
            not recorded.withdrawn, number=number, initiative=self.slug
        )
        rules.an_announcement_withdrawal_gives_its_reason.check(
            reason is not None, number=number, initiative=self.slug
        )
        assert reason is not None
        self._announcement_withdrawn(actor=actor, number=number, reason=reason)

    @event("AnnouncementWithdrawn")
    def _announcement_withdrawn(
        self, *, actor: str, number: int, reason: TextRef
    ) -> None:
        recorded = self.announcement(number)
        if recorded is None:  # a record replayed without its announcement
            return
        self.announcements[number - 1] = replace(recorded, withdrawn=True)

    def record_intervention(
        self,
        *,
        actor: str,
        kind: InterventionKind,
        note: TextRef,
        intervened_at: datetime,
        requested_by: str | None = None,
        group: str | None = None,
    ) -> int:
        """Record what the facilitator did in their own role: named the general
        interest, was present or helped on request (of a group or a stakeholder of
        the initiative, named), connected stakeholders, or helped them through a
        disagreement; returns its number in this initiative."""
        self.require_facilitator(actor, "record interventions")
        rules.times_carry_a_timezone.check(
            intervened_at.tzinfo is not None, what="time of the intervention"
        )
        rules.an_intervention_is_recorded_once_made.check(
            intervened_at <= clock.now(),
            intervened_at=clock.on_dutch_clocks(intervened_at),
        )
        kind = InterventionKind(kind)
        self._require_who_asked(kind, requested_by, group)
        number = len(self.interventions) + 1
        self._intervened(
            actor=actor,
            number=number,
            kind=kind,
            note=note,
            intervened_at=intervened_at,
            requested_by=requested_by,
            group=group,
        )
        return number

    @event("FacilitatorIntervened")
    def _intervened(
        self,
        *,
        actor: str,
        number: int,
        kind: InterventionKind,
        note: TextRef,
        intervened_at: datetime,
        requested_by: str | None,
        group: str | None,
    ) -> None:
        self.interventions.append(
            Intervention(
                number,
                InterventionKind(kind),
                note,
                intervened_at,
                requested_by,
                group,
            )
        )

    def _require_who_asked(
        self, kind: InterventionKind, requested_by: str | None, group: str | None
    ) -> None:
        """The rules for who asked for an intervention, as it is recorded or as a
        correction leaves it: one on request names who asked, a group or a
        stakeholder of the initiative (not both, and not the facilitator)."""
        rules.an_intervention_on_request_names_who_asked.check(
            kind is not InterventionKind.ON_REQUEST
            or requested_by is not None
            or group is not None,
            initiative=self.slug,
        )
        rules.an_intervention_is_asked_for_by_a_group_or_a_stakeholder.check(
            requested_by is None or group is None
        )
        rules.the_facilitator_does_not_ask_for_their_own_intervention.check(
            requested_by != self.facilitator, initiative=self.slug
        )
        if group is not None:
            rules.an_intervention_is_asked_for_from_within_the_initiative.check(
                group in self.groups, who=f"The group {group}", initiative=self.slug
            )
        if requested_by is not None:
            rules.an_intervention_is_asked_for_from_within_the_initiative.check(
                requested_by in self.stakeholders
                or requested_by in self.former_stakeholders,
                who="This stakeholder",
                initiative=self.slug,
            )

    def intervention(self, number: int) -> Intervention | None:
        """Intervention ``number`` (from 1, in the order recorded), if there is one."""
        if 1 <= number <= len(self.interventions):
            return self.interventions[number - 1]
        return None

    def correct_intervention(
        self,
        *,
        actor: str,
        number: int,
        kind: InterventionKind | None = None,
        intervened_at: datetime | None = None,
        note: TextRef | None = None,
        requested_by: str | None = None,
        group: str | None = None,
        nobody_asked: bool = False,
        reason: TextRef | None,
    ) -> tuple[str, ...]:
        """Correct what was recorded of intervention ``number`` (from 1): its kind,
        its time, its note or who asked for it, with the reason; returns the names
        of the fields corrected, in the order ``kind``, ``intervened_at``,
        ``note``, ``requested_by``, ``group``. The ``FacilitatorIntervened``
        stays in the record; ``InterventionCorrected`` carries only what changed
        (a field given as it already is recorded is left out). Who asked is
        corrected as a whole: a stakeholder given replaces a group that was
        recorded as asking and the other way round, and ``nobody_asked`` says that
        no one asked. The rules for recording an intervention hold for it as
        corrected. ``note`` is a text, which the domain cannot compare: the caller
        passes it only when its text changed."""
        self.require_facilitator(actor, "correct interventions")
        recorded = self.intervention(number)
        rules.an_intervention_named_must_exist.check(
            recorded is not None,
            initiative=self.slug,
            interventions=_how_many(len(self.interventions), "intervention"),
            number=number,
        )
        assert recorded is not None  # for the type checker: the rule said so
        rules.a_withdrawn_intervention_is_not_corrected.check(
            not recorded.withdrawn, number=number, initiative=self.slug
        )
        rules.an_intervention_correction_names_who_asked_or_that_no_one_did.check(
            not (nobody_asked and (requested_by is not None or group is not None)),
            number=number,
            initiative=self.slug,
        )
        if intervened_at is not None:
            rules.times_carry_a_timezone.check(
                intervened_at.tzinfo is not None, what="time of the intervention"
            )
            rules.an_intervention_is_recorded_once_made.check(
                intervened_at <= clock.now(),
                intervened_at=clock.on_dutch_clocks(intervened_at),
            )
        asker_given = nobody_asked or requested_by is not None or group is not None
        asked = (
            (requested_by, group)
            if asker_given
            else (recorded.requested_by, recorded.group)
        )
        self._require_who_asked(
            recorded.kind if kind is None else InterventionKind(kind), *asked
        )
        rules.an_intervention_correction_gives_its_reason.check(
            reason is not None, number=number, initiative=self.slug
        )
        assert reason is not None
        changed = only_what_changed(
            kind=(kind, recorded.kind),
            intervened_at=(intervened_at, recorded.intervened_at),
            note=(note, None),
        )
        if asked[0] != recorded.requested_by:
            changed["requested_by"] = asked[0]
        if asked[1] != recorded.group:
            changed["group"] = asked[1]
        rules.an_intervention_correction_changes_something.check(
            bool(changed), number=number, initiative=self.slug
        )
        asker_changed = "requested_by" in changed or "group" in changed
        self._intervention_corrected(
            actor=actor,
            number=number,
            kind=changed.get("kind"),
            intervened_at=changed.get("intervened_at"),
            note=changed.get("note"),
            requested_by=asked[0] if asker_changed else None,
            group=asked[1] if asker_changed else None,
            nobody_asked=asker_changed and asked == (None, None),
            reason=reason,
        )
        return tuple(changed)

    @event("InterventionCorrected")
    def _intervention_corrected(
        self,
        *,
        actor: str,
        number: int,
        kind: InterventionKind | None,
        intervened_at: datetime | None,
        note: TextRef | None,
        requested_by: str | None,
        group: str | None,
        nobody_asked: bool,
        reason: TextRef,
    ) -> None:
        recorded = self.intervention(number)
        if recorded is None:  # a record replayed without its intervention
            return
        asker_changed = nobody_asked or requested_by is not None or group is not None
        self.interventions[number - 1] = replace(
            recorded,
            kind=recorded.kind if kind is None else InterventionKind(kind),
            intervened_at=recorded.intervened_at
            if intervened_at is None
            else intervened_at,
            note=recorded.note if note is None else note,
            requested_by=requested_by if asker_changed else recorded.requested_by,
            group=group if asker_changed else recorded.group,
        )

    def withdraw_intervention(
        self, *, actor: str, number: int, reason: TextRef | None
    ) -> None:
        """Withdraw intervention ``number`` (from 1), recorded by mistake (the same
        intervention recorded twice, or one that was not made), with the reason.
        The ``FacilitatorIntervened`` stays in the record and every intervention
        keeps its number; a withdrawn one no longer counts among what the
        facilitator did. The facilitator withdraws, whichever phase, as they
        record and correct one, while the initiative is open."""
        self.require_facilitator(actor, "withdraw interventions")
        recorded = self.intervention(number)
        rules.an_intervention_withdrawn_must_exist.check(
            recorded is not None,
            initiative=self.slug,
            interventions=_how_many(len(self.interventions), "intervention"),
            number=number,
        )
        assert recorded is not None  # for the type checker: the rule said so
        rules.an_intervention_is_withdrawn_once.check(
            not recorded.withdrawn, number=number, initiative=self.slug
        )
        rules.an_intervention_withdrawal_gives_its_reason.check(
            reason is not None, number=number, initiative=self.slug
        )
        assert reason is not None
        self._intervention_withdrawn(actor=actor, number=number, reason=reason)

    @event("InterventionWithdrawn")
    def _intervention_withdrawn(
        self, *, actor: str, number: int, reason: TextRef
    ) -> None:
        recorded = self.intervention(number)
        if recorded is None:  # a record replayed without its intervention
            return
        self.interventions[number - 1] = replace(recorded, withdrawn=True)

    @event("Announced")
    def _announced(
        self,
        *,
        actor: str,
        number: int,
        channel: AnnouncementChannel,
        audience: TextRef,
        announced_at: datetime,
        reach: int | None,
    ) -> None:
        self.announcements.append(
            Announcement(
                number, AnnouncementChannel(channel), audience, announced_at, reach
            )
        )

    def hold_meeting(
        self,
        *,
        actor: str,
        starts_at: datetime,
        kind: MeetingKind,
        place: TextRef,
        attendance: int,
        summary: TextRef,
    ) -> int:
        """Record a meeting that was held; returns its number in this initiative."""
        self.require_facilitator(actor, "record meetings")
        rules.times_carry_a_timezone.check(
            starts_at.tzinfo is not None, what="start of the meeting"
        )
        rules.attendance_is_not_negative.check(attendance >= 0)
        number = len(self.meetings) + 1
        self._meeting_held(
            actor=actor,
            number=number,
            starts_at=starts_at,
            kind=kind,
            place=place,
            attendance=attendance,
            summary=summary,
        )
        return number

    @event("MeetingHeld")
    def _meeting_held(
        self,
        *,
        actor: str,
        number: int,
        starts_at: datetime,
        kind: MeetingKind,
        place: TextRef,
        attendance: int,
        summary: TextRef,
    ) -> None:
        self.meetings.append(
            Meeting(number, starts_at, MeetingKind(kind), place, attendance, summary)
        )

    def correct_meeting(
        self,
        *,
        actor: str,
        number: int,
        starts_at: datetime | None = None,
        kind: MeetingKind | None = None,
        place: TextRef | None = None,
        attendance: int | None = None,
        summary: TextRef | None = None,
        reason: TextRef | None,
        reactions: Sequence[ReactionFromMeeting] = (),
    ) -> tuple[str, ...]:
        """Correct what was recorded of meeting ``number``: its time, kind, place,
        attendance or summary, with the reason; returns the names of the fields
        corrected. The ``MeetingHeld`` stays in the record; ``MeetingCorrected``
        carries only what changed (a field given as it already is recorded is left
        out). ``place`` and ``summary`` are texts, which the domain cannot compare:
        the caller passes them only when their text changed. ``reactions`` are
        the reactions recorded from this meeting: a reaction is recorded once its
        meeting has begun, so a corrected start comes no later than any of them."""
        self.require_facilitator(actor, "correct meetings")
        meeting = self.meeting(number)
        rules.a_meeting_named_must_exist.check(
            meeting is not None, initiative=self.slug, meeting=number
        )
        assert meeting is not None  # for the type checker: the rule said so
        rules.a_withdrawn_meeting_is_not_corrected.check(
            not meeting.withdrawn, meeting=number, initiative=self.slug
        )
        if starts_at is not None:
            rules.times_carry_a_timezone.check(
                starts_at.tzinfo is not None, what="start of the meeting"
            )
        if attendance is not None:
            rules.attendance_is_not_negative.check(attendance >= 0)
        rules.a_meeting_correction_gives_its_reason.check(
            reason is not None, meeting=number, initiative=self.slug
        )
        assert reason is not None
        changed = only_what_changed(
            starts_at=(starts_at, meeting.starts_at),
            kind=(kind, meeting.kind),
            place=(place, None),
            attendance=(attendance, meeting.attendance),
            summary=(summary, None),
        )
        rules.a_meeting_correction_changes_something.check(
            bool(changed), meeting=number, initiative=self.slug
        )
        if "starts_at" in changed:
            for given in reactions:
                rules.a_meeting_begins_before_the_reactions_recorded_from_it.check(
                    changed["starts_at"] <= given.recorded_at,
                    reaction=given.reaction,
                    plan=given.plan,
                    meeting=number,
                    initiative=self.slug,
                    recorded_at=clock.on_dutch_clocks(given.recorded_at),
                    starts_at=clock.on_dutch_clocks(changed["starts_at"]),
                )
        self._meeting_corrected(
            actor=actor,
            number=number,
            starts_at=changed.get("starts_at"),
            kind=changed.get("kind"),
            place=changed.get("place"),
            attendance=changed.get("attendance"),
            summary=changed.get("summary"),
            reason=reason,
        )
        return tuple(changed)

    @event("MeetingCorrected")
    def _meeting_corrected(
        self,
        *,
        actor: str,
        number: int,
        starts_at: datetime | None,
        kind: MeetingKind | None,
        place: TextRef | None,
        attendance: int | None,
        summary: TextRef | None,
        reason: TextRef,
    ) -> None:
        meeting = self.meeting(number)
        if meeting is None:  # a record replayed without its meeting: nothing to do
            return
        corrected = replace(
            meeting,
            starts_at=meeting.starts_at if starts_at is None else starts_at,
            kind=meeting.kind if kind is None else MeetingKind(kind),
            place=meeting.place if place is None else place,
            attendance=meeting.attendance if attendance is None else attendance,
            summary=meeting.summary if summary is None else summary,
        )
        self.meetings = [corrected if m is meeting else m for m in self.meetings]

    def withdraw_meeting(
        self,
        *,
        actor: str,
        number: int,
        reason: TextRef | None,
        reactions: Sequence[ReactionFromMeeting] = (),
    ) -> None:
        """Withdraw meeting ``number``, recorded by mistake (the same meeting
        recorded twice, or one that never took place), with the reason. The
        ``MeetingHeld`` stays in the record and every meeting keeps its number; a
        withdrawn meeting no longer counts among the meetings held. ``reactions``
        are the reactions recorded as given at this meeting: while one of them
        stands, the meeting took place and is not withdrawn (one withdrawn since
        no longer keeps it, as a withdrawn follow-up no longer keeps an informing
        of the council). Permitted to whoever may correct it (the facilitator; in
        a phase whose template declares permissions, whoever may hold meetings
        there), while the initiative is open, as a correction is."""
        self.require_facilitator(actor, "withdraw meetings")
        meeting = self.meeting(number)
        rules.a_meeting_withdrawn_must_exist.check(
            meeting is not None,
            initiative=self.slug,
            meetings=_how_many(len(self.meetings), "meeting"),
            meeting=number,
        )
        assert meeting is not None  # for the type checker: the rule said so
        rules.a_meeting_is_withdrawn_once.check(
            not meeting.withdrawn, meeting=number, initiative=self.slug
        )
        standing = [r for r in reactions if not r.withdrawn]
        rules.a_meeting_reactions_were_given_at_is_not_withdrawn.check(
            not standing,
            meeting=number,
            initiative=self.slug,
            reactions=_reactions_named(standing),
        )
        rules.a_meeting_withdrawal_gives_its_reason.check(
            reason is not None, meeting=number, initiative=self.slug
        )
        assert reason is not None
        self._meeting_withdrawn(actor=actor, number=number, reason=reason)

    @event("MeetingWithdrawn")
    def _meeting_withdrawn(self, *, actor: str, number: int, reason: TextRef) -> None:
        meeting = self.meeting(number)
        if meeting is None:  # a record replayed without its meeting: nothing to do
            return
        withdrawn = replace(meeting, withdrawn=True)
        self.meetings = [withdrawn if m is meeting else m for m in self.meetings]

    # --- The council -------------------------------------------------------------

    def inform_council(
        self,
        *,
        actor: str,
        document_title: TextRef,
        document_sha256: str,
        session: CouncilSession,
        informed_at: datetime,
        audit_head: str | None = None,
    ) -> None:
        """Record what the council was told; ``audit_head`` is the initiative's audit
        chain head at this moment, so the council document anchors the history."""
        self.require_facilitator(actor, "inform the council")
        rules.a_document_is_named_by_its_sha256.check(_is_sha256(document_sha256))
        rules.times_carry_a_timezone.check(
            informed_at.tzinfo is not None, what="time the council was informed"
        )
        rules.the_council_was_informed_by_now.check(
            informed_at <= clock.now(),
            informed_at=clock.on_dutch_clocks(informed_at),
        )
        same = next(
            (
                n
                for n, told in enumerate(self.council_informings, 1)
                if not told.withdrawn
                and (told.document_sha256, told.session, told.informed_at)
                == (document_sha256, CouncilSession(session), informed_at)
            ),
            None,
        )
        rules.an_informing_of_the_council_is_recorded_once.check(
            same is None, informing=same, initiative=self.slug
        )
        self._council_informed(
            actor=actor,
            document_title=document_title,
            document_sha256=document_sha256,
            session=session,
            informed_at=informed_at,
            audit_head=audit_head,
        )

    def record_council_follow_up(
        self,
        *,
        actor: str,
        informing: int,
        summary: TextRef,
        followed_up_at: datetime,
        document_sha256: str | None = None,
    ) -> None:
        """Record what the council did with informing number ``informing`` (from
        1): by the facilitator, also once the initiative is closed, since a council
        often decides after the participation ended."""
        rules.only_the_facilitator_shapes_the_initiative.check(
            actor == self.facilitator,
            initiative=self.slug,
            action="record the council's follow-up",
        )
        rules.a_follow_up_answers_an_informing.check(
            1 <= informing <= len(self.council_informings),
            initiative=self.slug,
            informings=_how_many(len(self.council_informings), "informing"),
            informing=informing,
        )
        rules.a_withdrawn_informing_is_not_followed_up.check(
            not self.council_informings[informing - 1].withdrawn,
            informing=informing,
            initiative=self.slug,
        )
        rules.times_carry_a_timezone.check(
            followed_up_at.tzinfo is not None, what="time of the council's follow-up"
        )
        informed_at = self.council_informings[informing - 1].informed_at
        rules.a_follow_up_comes_after_the_informing.check(
            informed_at <= followed_up_at <= clock.now(),
            informing=informing,
            at=clock.on_dutch_clocks(followed_up_at),
            informed_at=clock.on_dutch_clocks(informed_at),
        )
        if document_sha256 is not None:
            rules.a_document_is_named_by_its_sha256.check(_is_sha256(document_sha256))
        self._council_followed_up(
            actor=actor,
            informing=informing,
            summary=summary,
            followed_up_at=followed_up_at,
            document_sha256=document_sha256,
        )

    @event("CouncilFollowedUp")
    def _council_followed_up(
        self,
        *,
        actor: str,
        informing: int,
        summary: TextRef,
        followed_up_at: datetime,
        document_sha256: str | None,
    ) -> None:
        self.council_follow_ups.append(
            CouncilFollowUp(informing, summary, followed_up_at, document_sha256)
        )

    def council_follow_ups_of(self, informing: int) -> list[CouncilFollowUp]:
        """The follow-ups recorded of informing ``informing``, in the order
        recorded, withdrawn ones too: follow-up K is the K-th of them (from 1)."""
        return [f for f in self.council_follow_ups if f.informing == informing]

    def withdraw_council_follow_up(
        self,
        *,
        actor: str,
        informing: int,
        follow_up: int | None = None,
        reason: TextRef | None,
    ) -> int:
        """Withdraw follow-up ``follow_up`` (from 1, in the order recorded) of
        informing ``informing`` of the council, recorded by mistake: against the
        wrong informing, or a follow-up the council never gave; with the reason.
        ``follow_up`` may be left out when the informing has one follow-up.
        Returns the number of the follow-up withdrawn. The ``CouncilFollowedUp``
        stays in the record as it was, and every follow-up keeps its number; a
        withdrawn follow-up no longer keeps its informing from being withdrawn.
        By the facilitator, whichever phase, also once the initiative is closed,
        as a follow-up is recorded."""
        rules.only_the_facilitator_shapes_the_initiative.check(
            actor == self.facilitator,
            initiative=self.slug,
            action="withdraw a follow-up of the council",
        )
        rules.a_follow_up_withdrawn_answers_an_informing.check(
            self.council_informing(informing) is not None,
            initiative=self.slug,
            informings=_how_many(len(self.council_informings), "informing"),
            informing=informing,
        )
        recorded = self.council_follow_ups_of(informing)
        rules.a_follow_up_withdrawn_is_named.check(
            follow_up is not None or len(recorded) <= 1,
            informing=informing,
            initiative=self.slug,
            follow_ups=_how_many(len(recorded), "follow-up"),
        )
        number = 1 if follow_up is None else follow_up
        rules.a_follow_up_withdrawn_must_exist.check(
            1 <= number <= len(recorded),
            informing=informing,
            initiative=self.slug,
            follow_ups=_how_many(len(recorded), "follow-up"),
            follow_up=number,
        )
        rules.a_follow_up_is_withdrawn_once.check(
            not recorded[number - 1].withdrawn,
            follow_up=number,
            informing=informing,
            initiative=self.slug,
        )
        rules.a_follow_up_withdrawal_gives_its_reason.check(
            reason is not None,
            follow_up=number,
            informing=informing,
            initiative=self.slug,
        )
        assert reason is not None
        self._council_follow_up_withdrawn(
            actor=actor, informing=informing, follow_up=number, reason=reason
        )
        return number

    @event("CouncilFollowUpWithdrawn")
    def _council_follow_up_withdrawn(
        self, *, actor: str, informing: int, follow_up: int, reason: TextRef
    ) -> None:
        seen = 0
        for i, f in enumerate(self.council_follow_ups):
            if f.informing == informing:
                seen += 1
                if seen == follow_up:
                    self.council_follow_ups[i] = replace(f, withdrawn=True)
                    return
        # a record replayed without that follow-up: nothing to mark

    def correct_council_informing(
        self,
        *,
        actor: str,
        informing: int,
        document_title: TextRef | None = None,
        document_sha256: str | None = None,
        session: CouncilSession | None = None,
        informed_at: datetime | None = None,
        reason: TextRef | None,
    ) -> tuple[str, ...]:
        """Correct what was recorded of informing ``informing`` of the council
        (from 1): the document's title or SHA-256, the session or the time, with
        the reason; returns the names of the fields corrected. The
        ``CouncilInformed`` stays in the record as it was, with the audit head it
        recorded; ``CouncilInformingCorrected`` carries only what changed (a field
        given as it already is recorded is left out). ``document_title`` is a
        text, which the domain cannot compare: the caller passes it only when its
        text changed. Also once the initiative is closed, as a follow-up of the
        council is recorded then: a wrong document hash may be found after the
        participation ended."""
        rules.only_the_facilitator_shapes_the_initiative.check(
            actor == self.facilitator,
            initiative=self.slug,
            action="correct the record of informing the council",
        )
        informed = self.council_informing(informing)
        rules.an_informing_named_must_exist.check(
            informed is not None,
            initiative=self.slug,
            informings=_how_many(len(self.council_informings), "informing"),
            informing=informing,
        )
        assert informed is not None  # for the type checker: the rule said so
        rules.a_withdrawn_informing_is_not_corrected.check(
            not informed.withdrawn, informing=informing, initiative=self.slug
        )
        if document_sha256 is not None:
            rules.a_document_is_named_by_its_sha256.check(_is_sha256(document_sha256))
        if informed_at is not None:
            rules.times_carry_a_timezone.check(
                informed_at.tzinfo is not None, what="time the council was informed"
            )
            rules.the_council_was_informed_by_now.check(
                informed_at <= clock.now(),
                informed_at=clock.on_dutch_clocks(informed_at),
            )
        rules.an_informing_correction_gives_its_reason.check(
            reason is not None, informing=informing, initiative=self.slug
        )
        assert reason is not None
        changed = only_what_changed(
            document_title=(document_title, None),
            document_sha256=(document_sha256, informed.document_sha256),
            session=(session, informed.session),
            informed_at=(informed_at, informed.informed_at),
        )
        rules.an_informing_correction_changes_something.check(
            bool(changed), informing=informing, initiative=self.slug
        )
        if "informed_at" in changed:
            for follow_up in self.council_follow_ups:
                rules.a_corrected_informing_comes_before_its_follow_ups.check(
                    follow_up.informing != informing
                    or follow_up.withdrawn
                    or changed["informed_at"] <= follow_up.followed_up_at,
                    informing=informing,
                    initiative=self.slug,
                    followed_up_at=clock.on_dutch_clocks(follow_up.followed_up_at),
                    informed_at=clock.on_dutch_clocks(changed["informed_at"]),
                )
        self._council_informing_corrected(
            actor=actor,
            informing=informing,
            document_title=changed.get("document_title"),
            document_sha256=changed.get("document_sha256"),
            session=changed.get("session"),
            informed_at=changed.get("informed_at"),
            reason=reason,
        )
        return tuple(changed)

    @event("CouncilInformingCorrected")
    def _council_informing_corrected(
        self,
        *,
        actor: str,
        informing: int,
        document_title: TextRef | None,
        document_sha256: str | None,
        session: CouncilSession | None,
        informed_at: datetime | None,
        reason: TextRef,
    ) -> None:
        # Whether the council was informed in this phase goes by when the
        # informing was recorded, which a correction does not change: it neither
        # informs the council again nor takes an informing back.
        informed = self.council_informing(informing)
        if informed is None:  # a record replayed without its informing
            return
        corrected = replace(
            informed,
            document_title=informed.document_title
            if document_title is None
            else document_title,
            document_sha256=informed.document_sha256
            if document_sha256 is None
            else document_sha256,
            session=informed.session if session is None else CouncilSession(session),
            informed_at=informed.informed_at if informed_at is None else informed_at,
        )
        self.council_informings[informing - 1] = corrected

    def withdraw_council_informing(
        self, *, actor: str, informing: int, reason: TextRef | None
    ) -> None:
        """Withdraw informing ``informing`` of the council (from 1), recorded by
        mistake: for another initiative, or an informing that never happened;
        with the reason. The ``CouncilInformed`` stays in the record as it was,
        with the audit head it recorded (it is evidence of what was recorded),
        and every informing keeps its number. A withdrawn informing no longer
        counts for the guard ``council_informed``; a phase left on the strength of
        it stays left. One the council followed up is not withdrawn: the council
        acted on it. Permitted to whoever may correct it (the facilitator; in a
        phase whose template declares permissions, whoever may inform the council
        there), also once the initiative is closed, as a correction is."""
        rules.only_the_facilitator_shapes_the_initiative.check(
            actor == self.facilitator,
            initiative=self.slug,
            action="withdraw an informing of the council",
        )
        informed = self.council_informing(informing)
        rules.an_informing_withdrawn_must_exist.check(
            informed is not None,
            initiative=self.slug,
            informings=_how_many(len(self.council_informings), "informing"),
            informing=informing,
        )
        assert informed is not None  # for the type checker: the rule said so
        rules.an_informing_is_withdrawn_once.check(
            not informed.withdrawn, informing=informing, initiative=self.slug
        )
        followed = next(
            (
                f
                for f in self.council_follow_ups
                if f.informing == informing and not f.withdrawn
            ),
            None,
        )
        rules.an_informing_the_council_followed_up_is_not_withdrawn.check(
            followed is None,
            informing=informing,
            initiative=self.slug,
            followed_up_at=clock.on_dutch_clocks(followed.followed_up_at)
            if followed is not None
            else "",
        )
        rules.an_informing_withdrawal_gives_its_reason.check(
            reason is not None, informing=informing, initiative=self.slug
        )
        assert reason is not None
        self._council_informing_withdrawn(
            actor=actor, informing=informing, reason=reason
        )

    @event("CouncilInformingWithdrawn")
    def _council_informing_withdrawn(
        self, *, actor: str, informing: int, reason: TextRef
    ) -> None:
        informed = self.council_informing(informing)
        if informed is None:  # a record replayed without its informing
            return
        self.council_informings[informing - 1] = replace(informed, withdrawn=True)
        # Only the current phase's guard forgets it: a phase left on the
        # strength of this informing stays left.
        self.informings_in_phase.discard(informing)

    @event("CouncilInformed")
    def _council_informed(
        self,
        *,
        actor: str,
        document_title: TextRef,
        document_sha256: str,
        session: CouncilSession,
        informed_at: datetime,
        audit_head: str | None = None,
    ) -> None:
        self.council_informings.append(
            CouncilInforming(
                document_title, document_sha256, CouncilSession(session), informed_at
            )
        )
        self.informings_in_phase.add(len(self.council_informings))

    def record_council_framework(
        self,
        *,
        actor: str,
        framework: TextRef,
        set_at: datetime,
        document_sha256: str | None = None,
    ) -> int:
        """Record a framework (*kader*) the council set for this process: what was
        fixed beforehand and is not up for discussion, when the council set it and
        its document, if there is one; returns its number in this initiative."""
        self.require_facilitator(actor, "record the council's frameworks")
        rules.times_carry_a_timezone.check(
            set_at.tzinfo is not None, what="time the council set the framework"
        )
        rules.a_framework_is_recorded_once_set.check(
            set_at <= clock.now(), set_at=clock.on_dutch_clocks(set_at)
        )
        if document_sha256 is not None:
            rules.a_document_is_named_by_its_sha256.check(_is_sha256(document_sha256))
        number = len(self.frameworks) + 1
        self._council_framework_set(
            actor=actor,
            number=number,
            framework=framework,
            set_at=set_at,
            document_sha256=document_sha256,
        )
        return number

    def council_framework(self, number: int) -> CouncilFramework | None:
        """Framework ``number`` (from 1, in the order recorded), if there is one."""
        if 1 <= number <= len(self.frameworks):
            return self.frameworks[number - 1]
        return None

    def correct_council_framework(
        self,
        *,
        actor: str,
        number: int,
        framework: TextRef | None = None,
        set_at: datetime | None = None,
        document_sha256: str | None = None,
        reason: TextRef | None,
    ) -> tuple[str, ...]:
        """Correct what was recorded of framework ``number`` of the council (from
        1): its text, when the council set it or its document's SHA-256, with the
        reason; returns the names of the fields corrected. The
        ``CouncilFrameworkSet`` stays in the record as it was;
        ``CouncilFrameworkCorrected`` carries only what changed (a field given as
        it already is recorded is left out). ``framework`` is a text, which the
        domain cannot compare: the caller passes it only when its text changed.
        Also once the initiative is closed: a wrong document hash may be found
        when the report is read."""
        rules.only_the_facilitator_shapes_the_initiative.check(
            actor == self.facilitator,
            initiative=self.slug,
            action="correct the record of the council's frameworks",
        )
        recorded = self.council_framework(number)
        rules.a_framework_named_must_exist.check(
            recorded is not None,
            initiative=self.slug,
            frameworks=_how_many(len(self.frameworks), "framework"),
            number=number,
        )
        assert recorded is not None  # for the type checker: the rule said so
        if document_sha256 is not None:
            rules.a_document_is_named_by_its_sha256.check(_is_sha256(document_sha256))
        if set_at is not None:
            rules.times_carry_a_timezone.check(
                set_at.tzinfo is not None, what="time the council set the framework"
            )
            rules.a_framework_is_recorded_once_set.check(
                set_at <= clock.now(), set_at=clock.on_dutch_clocks(set_at)
            )
        rules.a_framework_correction_gives_its_reason.check(
            reason is not None, number=number, initiative=self.slug
        )
        assert reason is not None
        changed = only_what_changed(
            framework=(framework, None),
            set_at=(set_at, recorded.set_at),
            document_sha256=(document_sha256, recorded.document_sha256),
        )
        rules.a_framework_correction_changes_something.check(
            bool(changed), number=number, initiative=self.slug
        )
        self._council_framework_corrected(
            actor=actor,
            number=number,
            framework=changed.get("framework"),
            set_at=changed.get("set_at"),
            document_sha256=changed.get("document_sha256"),
            reason=reason,
        )
        return tuple(changed)

    @event("CouncilFrameworkCorrected")
    def _council_framework_corrected(
        self,
        *,
        actor: str,
        number: int,
        framework: TextRef | None,
        set_at: datetime | None,
        document_sha256: str | None,
        reason: TextRef,
    ) -> None:
        recorded = self.council_framework(number)
        if recorded is None:  # a record replayed without its framework
            return
        self.frameworks[number - 1] = replace(
            recorded,
            framework=recorded.framework if framework is None else framework,
            set_at=recorded.set_at if set_at is None else set_at,
            document_sha256=recorded.document_sha256
            if document_sha256 is None
            else document_sha256,
        )

    @event("CouncilFrameworkSet")
    def _council_framework_set(
        self,
        *,
        actor: str,
        number: int,
        framework: TextRef,
        set_at: datetime,
        document_sha256: str | None,
    ) -> None:
        self.frameworks.append(
            CouncilFramework(number, framework, set_at, document_sha256)
        )

    # --- Phases, budget, closing ---------------------------------------------------

    def advance_phase(self, *, actor: str, facts: PhaseFacts | None = None) -> str:
        """Move to the template's next phase once every guard of the current phase
        holds; returns its name. ``facts`` tells what the guards ask about plans and
        decision points (by default: there are none)."""
        self.require_facilitator(actor, "advance its phase")
        following = self.require_a_next_phase()
        known = facts if facts is not None else PhaseFacts()
        current = self.process.phase(self.phase)
        for guard in current.guards:
            rules.a_phase_is_left_when_its_guards_hold.check(
                self._guard_holds(guard, known),
                initiative=self.slug,
                phase=self.phase,
                guard=self._guard_said(guard, known),
            )
        if current.society_only and not following.society_only:  # colleagues join
            rules.society_decides_before_colleagues_join.check(
                known.open_decision_points == 0,
                initiative=self.slug,
                phase=self.phase,
                count=known.open_decision_points,
            )
        self._phase_advanced(actor=actor, previous=self.phase, phase=following.name)
        return following.name

    def require_a_next_phase(self) -> Phase:
        """The phase after the current one; the last phase has none to go to."""
        following = self.process.next_phase(self.phase)
        rules.phases_advance_in_order.check(
            following is not None, initiative=self.slug, phase=self.phase
        )
        assert following is not None
        return following

    @event("PhaseAdvanced")
    def _phase_advanced(self, *, actor: str, previous: str, phase: str) -> None:
        self.phase = phase
        self.informings_in_phase = set()

    def _guard_said(self, guard: str, facts: PhaseFacts) -> str:
        """What a guard asks, with the moment it waits for when there is one."""
        ends = facts.reaction_period_ends
        if guard == "reaction_period_over" and ends is not None:
            return f"{GUARDS[guard]} (at {clock.on_dutch_clocks(ends)})"
        return GUARDS[guard]

    def _guard_holds(self, guard: str, facts: PhaseFacts) -> bool:
        if guard == "reaction_period_over":
            ends = facts.reaction_period_ends
            return ends is not None and clock.now() >= ends
        holds = {
            "no_open_decision_point": facts.open_decision_points == 0,
            "every_reaction_answered": facts.unanswered_reactions == 0,
            "every_plan_finalised": facts.unfinalised_plans == 0,
            "a_draft_proposed": facts.any_draft,
            "a_decision_taken": facts.any_decision_taken,
            "council_informed": self.council_informed_in_phase,
            "budget_allocated": bool(self.allocations),
        }
        return holds[guard]

    def migrate_template(self, *, actor: str, process: ProcessTemplate) -> None:
        """Move the initiative to another template (or version) explicitly; it stays
        in its current phase, which the new template must have."""
        self.require_facilitator(actor, "move it to another process template")
        rules.a_migration_changes_the_template.check(
            (process.name, process.version)
            != (self.template_name, self.template_version),
            initiative=self.slug,
            template=process.name,
            version=process.version,
        )
        rules.a_migration_keeps_the_current_phase.check(
            any(p.name == self.phase for p in process.phases),
            initiative=self.slug,
            phase=self.phase,
            template=process.name,
            version=process.version,
        )
        rules.a_migration_keeps_society_deciding_alone.check(
            not self.society_decides or process.phase(self.phase).society_only,
            initiative=self.slug,
            phase=self.phase,
            template=process.name,
            version=process.version,
        )
        self._template_migrated(
            actor=actor,
            previous_name=self.template_name,
            previous_version=self.template_version,
            previous_hash=self.template_hash,
            template_name=process.name,
            template_version=process.version,
            template_hash=process.content_hash,
            template_definition=process.definition(),
        )

    @event("TemplateMigrated")
    def _template_migrated(
        self,
        *,
        actor: str,
        previous_name: str,
        previous_version: str,
        previous_hash: str,
        template_name: str,
        template_version: str,
        template_hash: str,
        template_definition: dict[str, Any],
    ) -> None:
        self.template_name = template_name
        self.template_version = template_version
        self.template_hash = template_hash
        self.template_definition = template_definition
        self.migrations += 1

    def allocate_budget(
        self,
        *,
        actor: str,
        amount: Decimal,
        purpose: TextRef,
        decision: DecisionPoint,
    ) -> None:
        """Allocate part of the budget, following from a decision taken here."""
        self.require_facilitator(actor, "allocate the budget")
        rules.an_allocation_is_a_positive_amount.check(_is_euros(amount) and amount > 0)
        decided = decision.initiative_id == self.id and decision.is_decided
        state = (
            "belongs to another initiative"
            if decision.initiative_id != self.id
            else decision.state_description
        )
        rules.an_allocation_follows_from_a_decision.check(
            decided, initiative=self.slug, decision=decision.slug, state=state
        )
        rules.an_allocation_follows_from_a_decision_of_society.check(
            bool(SOCIETY & set(decision.eligible)),
            decision=decision.slug,
            kinds=" and ".join(k.value for k in decision.eligible),
        )
        total = self.allocated + amount
        rules.allocations_stay_within_the_budget.check(
            total <= self.budget,
            amount=amount,
            initiative=self.slug,
            total=total,
            budget=self.budget,
        )
        self._budget_allocated(
            actor=actor, amount=amount, purpose=purpose, decision_id=decision.id
        )

    @event("BudgetAllocated")
    def _budget_allocated(
        self, *, actor: str, amount: Decimal, purpose: TextRef, decision_id: UUID
    ) -> None:
        self.allocations.append(Allocation(amount, purpose, decision_id))

    # --- Implementation ----------------------------------------------------------

    def implementation_action(self, slug: str) -> ImplementationAction:
        rules.an_implementation_action_must_exist.check(
            slug in self.implementation, initiative=self.slug, action=slug
        )
        return self.implementation[slug]

    def owns(self, stakeholder: str, action: ImplementationAction) -> bool:
        """The stakeholder owns the action, or is a member of the group owning it."""
        if action.owner_stakeholder is not None:
            return stakeholder == action.owner_stakeholder
        group = self.groups.get(action.owner_group or "")
        return group is not None and stakeholder in group.members

    def add_implementation_action(
        self,
        *,
        actor: str,
        slug: str,
        title: TextRef,
        owner_stakeholder: str | None = None,
        owner_group: str | None = None,
        allocation: int | None = None,
    ) -> None:
        """Add an action that carries out what was decided, with one owner (a
        stakeholder or a group) and optionally the allocation that funds it."""
        self.require_facilitator(actor, "add implementation actions")
        rules.an_implementation_action_is_added_once.check(
            slug not in self.implementation, initiative=self.slug, action=slug
        )
        rules.an_implementation_action_has_one_owner.check(
            (owner_stakeholder is None) != (owner_group is None)
        )
        if owner_stakeholder is not None:
            rules.an_owner_is_a_joined_stakeholder.check(
                self.is_active(owner_stakeholder), initiative=self.slug, action=slug
            )
        if owner_group is not None:
            self.group(owner_group)
        if allocation is not None:
            rules.an_action_is_funded_by_an_existing_allocation.check(
                1 <= allocation <= len(self.allocations),
                initiative=self.slug,
                allocation=allocation,
            )
        self._implementation_action_added(
            actor=actor,
            action=slug,
            title=title,
            owner_stakeholder=owner_stakeholder,
            owner_group=owner_group,
            allocation=allocation,
        )

    @event("ImplementationActionAdded")
    def _implementation_action_added(
        self,
        *,
        actor: str,
        action: str,
        title: TextRef,
        owner_stakeholder: str | None,
        owner_group: str | None,
        allocation: int | None,
    ) -> None:
        self.implementation[action] = ImplementationAction(
            action, title, owner_stakeholder, owner_group, allocation
        )

    def _require_follow_up(
        self, actor: str, action: ImplementationAction, what: str
    ) -> None:
        self.require_open()
        rules.only_the_owner_or_the_facilitator_follows_up.check(
            actor == self.facilitator or self.owns(actor, action),
            action=action.slug,
            initiative=self.slug,
            what=what,
        )
        rules.an_owner_who_left_no_longer_follows_up.check(
            actor == self.facilitator or self.is_active(actor),
            action=action.slug,
            initiative=self.slug,
        )

    def record_progress(
        self,
        *,
        actor: str,
        action: str,
        percent: int,
        milestone: TextRef | None = None,
    ) -> None:
        """Record how far an action is (a percentage that never goes down), with
        the milestone reached; at 100% the action is done."""
        found = self.implementation_action(action)
        self._require_follow_up(actor, found, "record its progress")
        rules.progress_is_a_percentage.check(0 <= percent <= 100, percent=percent)
        rules.a_cancelled_action_takes_no_progress.check(
            found.status is not ImplementationStatus.CANCELLED, action=action
        )
        rules.progress_never_goes_down.check(
            percent >= found.percent,
            action=action,
            current=found.percent,
            percent=percent,
        )
        self._implementation_progress_recorded(
            actor=actor, action=action, percent=percent, milestone=milestone
        )

    @event("ImplementationProgressRecorded")
    def _implementation_progress_recorded(
        self, *, actor: str, action: str, percent: int, milestone: TextRef | None
    ) -> None:
        found = self.implementation[action]
        found.percent = percent
        if milestone is not None:
            found.milestones.append(Milestone(percent, milestone))
        found.status = progressed(found.status, percent)

    def change_implementation_status(
        self,
        *,
        actor: str,
        action: str,
        status: str,
        reason: TextRef | None = None,
    ) -> None:
        """Put an action planned, under way, on hold, done or cancelled; on hold
        and cancelled need a reason."""
        found = self.implementation_action(action)
        self._require_follow_up(actor, found, "change its status")
        statuses = [s.value for s in ImplementationStatus]
        rules.an_implementation_status_is_known.check(
            status in statuses, status=status, statuses=", ".join(statuses)
        )
        rules.stopping_an_action_gives_a_reason.check(
            status not in STOPPED or reason is not None,
            action=action,
            status=status,
        )
        rules.a_status_change_changes_the_status.check(
            status != found.status.value, action=action, status=status
        )
        rules.an_action_is_done_at_100_percent.check(
            status != ImplementationStatus.DONE.value or found.percent == 100,
            action=action,
            percent=found.percent,
        )
        rules.a_status_fits_the_progress.check(
            not (status == ImplementationStatus.PLANNED.value and found.percent > 0)
            and not (
                status == ImplementationStatus.UNDER_WAY.value and found.percent == 100
            ),
            action=action,
            percent=found.percent,
            status=status.replace("-", " "),
        )
        self._implementation_status_changed(
            actor=actor, action=action, status=status, reason=reason
        )

    @event("ImplementationStatusChanged")
    def _implementation_status_changed(
        self, *, actor: str, action: str, status: str, reason: TextRef | None
    ) -> None:
        self.implementation[action].status = ImplementationStatus(status)

    def close(
        self, *, actor: str, outcome: TextRef, facts: PhaseFacts | None = None
    ) -> None:
        """Close the initiative with its outcome. No decision point may be left open
        (``facts`` tells how many are); closing from the template's last phase
        leaves that phase, so every reaction must have its answer and the phase's
        guards must hold, as the process diagram shows. Closing from an earlier
        phase ends the process early: reactions not answered by then stay
        unanswered in the record."""
        self.require_facilitator(actor, "close it")
        known = facts if facts is not None else PhaseFacts()
        rules.a_closed_initiative_leaves_no_decision_point_open.check(
            known.open_decision_points == 0,
            initiative=self.slug,
            count=rules.counted(
                known.open_decision_points,
                "open decision point",
                "open decision points",
            ),
        )
        if self.process.next_phase(self.phase) is None:
            rules.a_closed_initiative_leaves_no_reaction_unanswered.check(
                known.unanswered_reactions == 0,
                initiative=self.slug,
                count=rules.counted(
                    known.unanswered_reactions,
                    "unanswered reaction",
                    "unanswered reactions",
                ),
            )
            for guard in self.process.phase(self.phase).guards:
                rules.a_phase_is_left_when_its_guards_hold.check(
                    self._guard_holds(guard, known),
                    initiative=self.slug,
                    phase=self.phase,
                    guard=self._guard_said(guard, known),
                )
        self._closed(actor=actor, outcome=outcome)

    @event("Closed")
    def _closed(self, *, actor: str, outcome: TextRef) -> None:
        self.outcome = outcome


def initiative_id(slug: str) -> UUID:
    """The initiative's id follows from its slug, so a slug resolves without a query."""
    return uuid5(NAMESPACE_URL, f"/initiatives/{slug}")


def progressed(status: ImplementationStatus, percent: int) -> ImplementationStatus:
    """The status after progress is recorded: done at 100%, under way once begun."""
    if percent == 100:
        return ImplementationStatus.DONE
    if percent > 0 and status is ImplementationStatus.PLANNED:
        return ImplementationStatus.UNDER_WAY
    return status


def _is_sha256(digest: str) -> bool:
    """64 lower-case hexadecimal characters."""
    return len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)


def only_what_changed(**given: tuple[Any, Any]) -> dict[str, Any]:
    """What a correction changes: of each field given as (the value given, the
    value recorded), those given with another value than the one recorded, in the
    order given. A moment written with another offset is the same time; a text,
    which the domain cannot compare, is passed with ``None`` as the value recorded
    (the application passes it only when its text changed)."""
    return {
        name: value
        for name, (value, recorded) in given.items()
        if value is not None and (recorded is None or value != recorded)
    }


def _with_article(kind: str) -> str:
    """'a resident', 'an entrepreneur', 'a civil servant'."""
    words = kind.replace("-", " ")
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"


def _reactions_named(reactions: Sequence[ReactionFromMeeting]) -> str:
    """'reaction 2 on traffic-plan', 'reactions 1, 3 on traffic-plan; reaction 2
    on vision': the reactions, by plan in the order given."""
    plans: dict[str, list[int]] = {}
    for given in reactions:
        plans.setdefault(given.plan, []).append(given.reaction)
    return "; ".join(
        f"{rules.numbered(numbers, 'reaction', 'reactions')} on {plan}"
        for plan, numbers in plans.items()
    )


def _how_many(count: int, thing: str) -> str:
    """'no informings', '1 informing', '2 informings'."""
    if count == 0:
        return f"no {thing}s"
    return f"{count} {thing}{'s' * (count != 1)}"


def may_take_positions_in(phase: Phase, kind: StakeholderKind) -> bool:
    """Whether stakeholders of this kind may take positions in this phase: where
    society decides alone, civil servants do not; a phase with permissions must
    grant it."""
    if phase.society_only and kind is StakeholderKind.CIVIL_SERVANT:
        return False
    return not phase.permissions or "take_position" in phase.permissions.get(
        kind.value, ()
    )
