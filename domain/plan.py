"""The Plan aggregate: a vision or a traffic plan, drafted in numbered versions.

Everyone who takes part may react to a version. Every reaction that is not withdrawn
gets exactly one answer: a change adopted in a later version, a position defended
with reasoning, or (for support) noted. A plan is finalised only when none is left
unanswered: that is what makes it a plan with broad support (een gedragen plan).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from samenspraak.domain import clock, rules
from samenspraak.domain.initiative import Initiative, Meeting
from samenspraak.domain.templates import ProcessTemplate
from samenspraak.domain.values import (
    SYSTEM_ACTOR,
    Channel,
    Immutable,
    StakeholderKind,
    Stance,
    TextRef,
)

STANCES = {s.value: s for s in Stance}
CHANNELS = {c.value: c for c in Channel}
"""Look-ups for replay: a dictionary is cheaper than calling the enum per event."""


class AnswerKind(StrEnum):
    ADOPTED = "adopted"
    PARTLY_ADOPTED = "partly-adopted"
    DEFENDED = "defended"
    NOTED = "noted"


@dataclass(frozen=True)
class Version(Immutable):
    number: int
    text: TextRef
    changes: TextRef
    proposed_by: str
    proposed_at: datetime | None = None
    """When it was proposed (None: recorded before versions kept their time)."""
    own_initiative: TextRef | None = None
    """The changes made in it of the authority's own accord (*ambtshalve*), apart
    from those that answer reactions."""


@dataclass(frozen=True)
class Answer(Immutable):
    kind: AnswerKind
    by: str
    version: int | None = None
    """For an adopted change (in whole or in part): the version that carries it."""
    text: TextRef | None = None
    """The explanation (adopted) or reasoning (defended); none for noted support."""


@dataclass
class Reaction:
    number: int
    stakeholder: str
    version: int
    stance: Stance
    text: TextRef
    channel: Channel
    section: TextRef | None
    meeting: int | None
    recorded_by: str
    answer: Answer | None = None
    withdrawn: bool = False
    latest_then: int = 0
    """The plan's latest version when the reaction was given (at its meeting, for
    one given there)."""
    after_final: bool = False
    """Recorded after the plan was finalised: a letter or e-mail that came in
    before then. It is answered with reasoning or noted, on the final plan."""
    given_at: datetime | None = None
    """When a reaction counts from, when not from when it was recorded: the
    meeting it was given at, or when a letter or e-mail came in."""
    late: bool = False
    """A letter or e-mail that came in after the reaction period closed, recorded
    as received late: it is listed with the others, but needs no answer."""
    origin: TextRef | None = None
    """The comment on a participation platform it was imported from: a text
    (``decidim:19736``) kept in the text store, like the reaction's own text, so
    that erasing the texts of whoever posted it erases the link to the platform's
    comment too; None for one recorded here."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Reaction:
        # Every field holds an immutable value: a shallow copy is a deep one.
        return copy.copy(self)

    @property
    def is_open(self) -> bool:
        """Waiting for an answer (one received late needs none)."""
        return self.answer is None and not self.withdrawn and not self.late


def plan_id(initiative_id: UUID, slug: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/initiatives/{initiative_id}/plans/{slug}")


class Plan(Aggregate):
    """A plan with numbered draft versions, reactions and their answers."""

    class Event(Aggregate.Event):
        actor: str

        @staticmethod
        def create_timestamp() -> datetime:
            return clock.now()

    @staticmethod
    def create_id(initiative_id: UUID, slug: str) -> UUID:
        return plan_id(initiative_id, slug)

    @classmethod
    def create(
        cls,
        *,
        actor: str,
        initiative: Initiative,
        slug: str,
        title: TextRef,
        group: str,
    ) -> Plan:
        """Create a plan owned by a group of the initiative."""
        initiative.require_participant(actor, "create plans")
        owners = initiative.group(group).members
        rules.plans_are_made_by_the_owning_group_or_the_facilitator.check(
            actor in owners or actor == initiative.facilitator, plan=slug, group=group
        )
        return cls(
            actor=actor,
            initiative_id=initiative.id,
            slug=slug,
            title=title,
            group=group,
        )

    @event("Created")
    def __init__(
        self, *, actor: str, initiative_id: UUID, slug: str, title: TextRef, group: str
    ) -> None:
        self.initiative_id = initiative_id
        self.slug = slug
        self.title = title
        self.group = group
        self.versions: dict[int, Version] = {}
        self.reactions: dict[int, Reaction] = {}
        self.final_version: int | None = None
        self.finalised_at: datetime | None = None
        """When it was finalised (None: not, or recorded before finalising kept
        its time)."""
        self.reaction_period_closes_at: datetime | None = None
        """The closing time of the latest reaction period (None: no deadline)."""
        self.reaction_period_closed = False
        """Whether that period's closing was recorded (by tick)."""
        self.reaction_period_phase: str | None = None
        """The initiative's phase when that period was opened (None: recorded
        before periods kept their phase). A period holds in that phase only."""

    # --- Questions -------------------------------------------------------------------

    @property
    def latest_version(self) -> int:
        return max(self.versions, default=0)

    @property
    def is_finalised(self) -> bool:
        return self.final_version is not None

    def is_late(self, moment: datetime) -> bool:
        """A reaction at ``moment`` comes after the reaction period closed."""
        closes_at = self.reaction_period_closes_at
        return closes_at is not None and moment > closes_at

    def reaction_period_in_force(self, initiative: Initiative) -> datetime | None:
        """The closing time of the plan's own period, when it was opened in the
        initiative's current phase: a period does not carry into a later phase."""
        if self.reaction_period_phase not in (None, initiative.phase):
            return None
        return self.reaction_period_closes_at

    @property
    def reaction_period_is_due(self) -> bool:
        """The period's closing time has passed but its closing is not recorded."""
        closes_at = self.reaction_period_closes_at
        return (
            closes_at is not None
            and not self.reaction_period_closed
            and clock.now() >= closes_at
        )

    @property
    def unanswered(self) -> list[int]:
        return [n for n, r in self.reactions.items() if r.is_open]

    def _require_own(self, initiative: Initiative) -> None:
        rules.plans_and_decision_points_belong_to_their_initiative.check(
            initiative.id == self.initiative_id,
            subject=self.slug,
            initiative=initiative.slug,
        )

    def _require_editable(
        self,
        actor: str,
        initiative: Initiative,
        action: str,
        answering: Sequence[int] = (),
    ) -> None:
        self._require_own(initiative)
        initiative.require_participant(actor, action)
        self._require_not_finalised(answering)
        members = initiative.groups[self.group].members
        rules.plans_are_made_by_the_owning_group_or_the_facilitator.check(
            actor in members or actor == initiative.facilitator,
            plan=self.slug,
            group=self.group,
        )

    def _require_not_finalised(self, answering: Sequence[int] = ()) -> None:
        """A finalised plan is not changed, but for the answer (reasoning or noted
        support) to reactions recorded after it was finalised, which came in
        before, or their withdrawal: ``answering`` names the reactions an answer
        (or the withdrawal) is for."""
        recorded_after = bool(answering) and all(
            n in self.reactions and self.reactions[n].after_final for n in answering
        )
        rules.a_finalised_plan_is_not_changed.check(
            not self.is_finalised or recorded_after,
            plan=self.slug,
            version=self.final_version,
        )

    def _reaction(self, number: int) -> Reaction:
        rules.a_reaction_must_exist.check(
            number in self.reactions, plan=self.slug, reaction=number
        )
        return self.reactions[number]

    def _require_answerable(self, numbers: Sequence[int]) -> list[Reaction]:
        rules.an_answer_names_the_reactions_it_answers.check(len(numbers) > 0)
        answerable = []
        for number in dict.fromkeys(numbers):
            reaction = self._reaction(number)
            rules.a_withdrawn_reaction_needs_no_answer.check(
                not reaction.withdrawn, plan=self.slug, reaction=number
            )
            rules.every_reaction_gets_exactly_one_answer.check(
                reaction.answer is None,
                plan=self.slug,
                reaction=number,
                answer=reaction.answer.kind if reaction.answer else "",
            )
            answerable.append(reaction)
        return answerable

    # --- Drafts ----------------------------------------------------------------------

    def propose_draft(
        self,
        *,
        actor: str,
        initiative: Initiative,
        text: TextRef,
        changes: TextRef,
        own_initiative: TextRef | None = None,
    ) -> int:
        """Propose the next draft version; returns its number. ``own_initiative``
        names the changes in it made of the authority's own accord (*ambtshalve*),
        apart from those that answer reactions, which a response report lists
        separately."""
        self._require_editable(actor, initiative, "propose drafts")
        number = self.latest_version + 1
        rules.own_initiative_changes_come_in_a_later_version.check(
            own_initiative is None or number > 1, plan=self.slug
        )
        self._draft_proposed(
            actor=actor,
            version=number,
            text=text,
            changes=changes,
            proposed_at=clock.now(),
            own_initiative=own_initiative,
        )
        return number

    @event("DraftProposed")
    def _draft_proposed(
        self,
        *,
        actor: str,
        version: int,
        text: TextRef,
        changes: TextRef,
        proposed_at: datetime | None = None,
        own_initiative: TextRef | None = None,
    ) -> None:
        self.versions[version] = Version(
            version,
            text,
            changes,
            proposed_by=actor,
            proposed_at=proposed_at,
            own_initiative=own_initiative,
        )

    def latest_version_at(self, moment: datetime | None) -> int:
        """The latest version proposed by ``moment`` (all of them when None; a
        version recorded before versions kept their time counts as before)."""
        if moment is None:
            return self.latest_version
        return max(
            (
                n
                for n, v in self.versions.items()
                if v.proposed_at is None or v.proposed_at <= moment
            ),
            default=0,
        )

    # --- Reactions -------------------------------------------------------------------

    def add_reaction(
        self,
        *,
        actor: str,
        initiative: Initiative,
        stakeholder: str,
        version: int,
        stance: Stance,
        text: TextRef,
        channel: Channel | None = None,
        section: TextRef | None = None,
        meeting: int | None = None,
        closes_at: datetime | None = None,
        received_at: datetime | None = None,
        came_in_during: str | None = None,
        came_in_under: ProcessTemplate | None = None,
        late: bool = False,
        origin: TextRef | None = None,
    ) -> int:
        """Record a stakeholder's reaction to a version; returns its number.

        Without a ``channel`` it came in online, from the stakeholder themselves; a
        reaction recorded for someone else says how it came in.

        Reactions close at ``closes_at`` when the caller knows when they close
        (the application works it out from the plan's own period and the current
        phase's default one), else at the plan's own reaction period if it was
        opened in the current phase. For a reaction that came in at
        ``received_at``, ``closes_at`` is the closing time in force when it came in
        (the application works it out from the periods and phases recorded), and
        without it there was none: a new period or phase since does not judge it.
        ``came_in_during`` names the phase the initiative was in then (the
        application reads it from the phases recorded), and ``came_in_under``
        the template in force then (default: the one now): where society decided
        alone, a civil servant's reaction from then is not recorded, though
        colleagues have joined since.

        ``late``: a letter or e-mail that came in after the reaction period in
        force then closed, recorded as received late (as a response report lists
        such reactions) instead of refused: it needs no answer.

        ``origin``: the comment on a participation platform the reaction is
        imported from, as a text (``decidim:19736``). The plan holds only its
        reference and commitment, so it cannot tell one comment from another: the
        application checks that each is recorded once, from the texts kept."""
        self._require_own(initiative)
        initiative.require_open()
        rules.reactions_come_from_the_stakeholder_or_are_recorded_by_the_facilitator.check(
            actor in (stakeholder, initiative.facilitator)
        )
        rules.a_reaction_is_recorded_for_someone_who_takes_part.check(
            actor == stakeholder or initiative.is_active(stakeholder),
            stakeholder="This stakeholder",
            initiative=initiative.slug,
        )
        initiative.require_participant(stakeholder, "react to plans")
        if received_at is None:
            self._require_not_finalised()
        rules.a_reaction_refers_to_an_existing_version.check(
            version in self.versions,
            plan=self.slug,
            version=version,
            versions=(
                f"its versions are {', '.join(map(str, self.versions))}"
                if self.versions
                else "it has no draft yet"
            ),
        )
        rules.a_reaction_recorded_for_someone_says_how_it_came_in.check(
            channel is not None or actor == stakeholder
        )
        channel = channel if channel is not None else Channel.ONLINE
        if received_at is None:
            closes_at = closes_at or self.reaction_period_in_force(initiative)
        held = self._meeting_named(initiative, meeting, channel)
        # A reaction the facilitator records from a meeting, to a version proposed
        # before it, counts from the meeting: written up after the deadline, it is
        # still on time. One the facilitator records from a letter or an e-mail
        # counts from when it came in. Anyone's own reaction counts from when they
        # give it, meeting or not.
        given_at = (
            held.starts_at
            if held is not None
            and actor == initiative.facilitator
            and stakeholder != actor
            and version <= self.latest_version_at(held.starts_at)
            else None
        )
        if received_at is not None:
            given_at = self._came_in(
                actor=actor,
                initiative=initiative,
                stakeholder=stakeholder,
                version=version,
                channel=channel,
                received_at=received_at,
                came_in_during=came_in_during,
                came_in_under=came_in_under,
            )
        if self.is_finalised:
            rules.a_reaction_to_a_final_plan_came_in_before_it_was_final.check(
                self.finalised_at is not None
                and given_at is not None
                and given_at < self.finalised_at,
                plan=self.slug,
                version=self.final_version,
                finalised_at=clock.on_dutch_clocks(self.finalised_at)
                if self.finalised_at
                else "",
            )
        if late:
            rules.only_a_letter_is_recorded_as_received_late.check(
                received_at is not None
            )
            rules.a_reaction_received_late_came_in_after_the_period.check(
                closes_at is not None and given_at is not None and given_at > closes_at,
                plan=self.slug,
                received_at=clock.on_dutch_clocks(given_at) if given_at else "",
                closed=f"closed to reactions at {clock.on_dutch_clocks(closes_at)}"
                if closes_at
                else "had no reaction period when it came in",
            )
            number = len(self.reactions) + 1
            self._reaction_received_late(
                actor=actor,
                reaction=number,
                stakeholder=stakeholder,
                version=version,
                stance=stance,
                text=text,
                channel=channel,
                section=section,
                given_at=given_at,
                origin=origin,
            )
            return number
        rules.a_late_reaction_is_refused.check(
            closes_at is None or (given_at or clock.now()) <= closes_at,
            plan=self.slug,
            closes_at=clock.on_dutch_clocks(closes_at) if closes_at else "",
        )
        number = len(self.reactions) + 1
        self._reaction_added(
            actor=actor,
            reaction=number,
            stakeholder=stakeholder,
            version=version,
            stance=stance,
            text=text,
            channel=channel,
            section=section,
            meeting=meeting,
            given_at=given_at,
            origin=origin,
        )
        return number

    def _came_in(
        self,
        *,
        actor: str,
        initiative: Initiative,
        stakeholder: str,
        version: int,
        channel: Channel,
        received_at: datetime,
        came_in_during: str | None = None,
        came_in_under: ProcessTemplate | None = None,
    ) -> datetime:
        """When a reaction the facilitator records for someone came in, checked: it
        is said only of such a reaction, not of one from a meeting (which counts
        from the meeting), lies in the past, follows the version it reacts to
        and, from a civil servant, did not come in while society decided alone
        (``came_in_during``: the phase then)."""
        rules.only_a_reaction_recorded_for_someone_says_when_it_came_in.check(
            actor == initiative.facilitator
            and stakeholder != actor
            and channel != Channel.MEETING
        )
        rules.times_carry_a_timezone.check(
            received_at.tzinfo is not None, what="time the reaction came in"
        )
        rules.a_reaction_is_recorded_once_it_came_in.check(
            received_at <= clock.now(),
            received_at=clock.on_dutch_clocks(received_at),
        )
        rules.a_reaction_came_in_after_the_version_it_reacts_to.check(
            version <= self.latest_version_at(received_at),
            received_at=clock.on_dutch_clocks(received_at),
            version=version,
            plan=self.slug,
        )
        rules.a_civil_servants_reaction_came_in_after_society_decided.check(
            not (
                initiative.kind_of(stakeholder) is StakeholderKind.CIVIL_SERVANT
                and initiative.society_decided_alone_in(came_in_during, came_in_under)
            ),
            initiative=initiative.slug,
            phase=came_in_during or initiative.phase,
            received_at=clock.on_dutch_clocks(received_at),
        )
        return received_at

    def _meeting_named(
        self,
        initiative: Initiative,
        meeting: int | None,
        channel: Channel,
    ) -> Meeting | None:
        """The meeting a reaction says it was given at, checked: it exists, was not
        withdrawn, and had begun."""
        rules.a_reaction_at_a_meeting_names_the_meeting.check(
            channel != Channel.MEETING or meeting is not None
        )
        rules.a_reaction_that_names_a_meeting_was_given_there.check(
            meeting is None or channel == Channel.MEETING,
            meeting=meeting,
            channel=getattr(channel, "value", channel),
        )
        if meeting is None:
            return None
        held = initiative.meeting(meeting)
        rules.a_meeting_named_must_exist.check(
            held is not None, initiative=initiative.slug, meeting=meeting
        )
        assert held is not None
        rules.a_withdrawn_meeting_records_no_reactions.check(
            not held.withdrawn, meeting=meeting, initiative=initiative.slug
        )
        rules.a_reaction_at_a_meeting_comes_after_it_began.check(
            held.starts_at <= clock.now(),
            meeting=meeting,
            initiative=initiative.slug,
            starts_at=clock.on_dutch_clocks(held.starts_at),
        )
        return held

    @event("ReactionAdded")
    def _reaction_added(
        self,
        *,
        actor: str,
        reaction: int,
        stakeholder: str,
        version: int,
        stance: Stance,
        text: TextRef,
        channel: Channel,
        section: TextRef | None,
        meeting: int | None,
        given_at: datetime | None = None,
        origin: TextRef | None = None,
    ) -> None:
        self.reactions[reaction] = self._reaction_of(
            actor=actor,
            reaction=reaction,
            stakeholder=stakeholder,
            version=version,
            stance=stance,
            text=text,
            channel=channel,
            section=section,
            meeting=meeting,
            given_at=given_at,
            origin=origin,
        )

    def _reaction_of(
        self,
        *,
        actor: str,
        reaction: int,
        stakeholder: str,
        version: int,
        stance: Stance,
        text: TextRef,
        channel: Channel,
        section: TextRef | None,
        meeting: int | None,
        given_at: datetime | None,
        origin: TextRef | None = None,
    ) -> Reaction:
        return Reaction(
            number=reaction,
            stakeholder=stakeholder,
            version=version,
            stance=STANCES[stance],
            text=text,
            channel=CHANNELS[channel],
            section=section,
            meeting=meeting,
            recorded_by=actor,
            latest_then=self.latest_version_at(given_at),
            after_final=self.is_finalised,
            given_at=given_at,
            origin=origin,
        )

    @event("ReactionReceivedLate")
    def _reaction_received_late(
        self,
        *,
        actor: str,
        reaction: int,
        stakeholder: str,
        version: int,
        stance: Stance,
        text: TextRef,
        channel: Channel,
        section: TextRef | None,
        given_at: datetime | None,
        origin: TextRef | None = None,
    ) -> None:
        received = self._reaction_of(
            actor=actor,
            reaction=reaction,
            stakeholder=stakeholder,
            version=version,
            stance=stance,
            text=text,
            channel=channel,
            section=section,
            meeting=None,
            given_at=given_at,
            origin=origin,
        )
        received.late = True
        self.reactions[reaction] = received

    def withdraw_reaction(
        self, *, actor: str, initiative: Initiative, reaction: int
    ) -> None:
        """Withdraw a reaction that has no answer yet. On a finalised plan only
        one recorded after it was finalised (a letter that came in before, or one
        entered there by mistake) is withdrawn."""
        self._require_own(initiative)
        initiative.require_open()
        given = self._reaction(reaction)
        self._require_not_finalised((reaction,))
        rules.a_stakeholder_withdraws_their_own_reaction.check(
            actor in (given.stakeholder, initiative.facilitator),
            plan=self.slug,
            reaction=reaction,
        )
        rules.only_joined_stakeholders_act.check(
            initiative.is_active(actor),
            initiative=initiative.slug,
            action="withdraw reactions",
        )
        rules.a_reaction_is_withdrawn_once.check(
            not given.withdrawn, plan=self.slug, reaction=reaction
        )
        rules.an_answered_reaction_stays.check(
            given.answer is None,
            plan=self.slug,
            reaction=reaction,
        )
        self._reaction_withdrawn(actor=actor, reaction=reaction)

    @event("ReactionWithdrawn")
    def _reaction_withdrawn(self, *, actor: str, reaction: int) -> None:
        self.reactions[reaction].withdrawn = True

    # --- Reaction periods ------------------------------------------------------------

    def open_reaction_period(
        self,
        *,
        actor: str,
        initiative: Initiative,
        closes_at: datetime,
        phase_gives_until: datetime | None = None,
    ) -> None:
        """Open a reaction period until ``closes_at``: a reaction after it is late.
        It holds in the current phase. When the phase gives reactions a period of
        its own (``phase_gives_until``, from the phase's ``reaction_period_days``),
        the plan's period closes no earlier.

        A period whose closing time has passed but was not yet recorded is closed
        first (by the system, as tick would have done).
        """
        self._require_editable(actor, initiative, "open reaction periods")
        rules.a_reaction_period_opens_on_a_draft.check(
            bool(self.versions), plan=self.slug
        )
        rules.times_carry_a_timezone.check(
            closes_at.tzinfo is not None, what="closing time"
        )
        now = clock.now()
        rules.a_reaction_period_closes_in_the_future.check(
            closes_at > now,
            plan=self.slug,
            closes_at=clock.on_dutch_clocks(closes_at),
        )
        if phase_gives_until is not None:
            # To the second, as both are shown: the phase's period counts from
            # the moment it began, with its fraction of a second, and a period
            # of as many days opened in that same second closes no earlier.
            until = phase_gives_until.astimezone(closes_at.tzinfo)
            rules.a_reaction_period_lasts_as_long_as_the_phase_gives.check(
                closes_at >= until.replace(microsecond=0),
                phase=initiative.phase,
                initiative=initiative.slug,
                until=clock.on_dutch_clocks(until),
                plan=self.slug,
                closes_at=clock.on_dutch_clocks(closes_at),
            )
        current = self.reaction_period_in_force(initiative)
        rules.a_plan_has_one_reaction_period_at_a_time.check(
            current is None or self.reaction_period_closed or now >= current,
            plan=self.slug,
            closes_at=clock.on_dutch_clocks(current) if current else "",
        )
        if self.reaction_period_is_due:
            self.close_reaction_period()
        self._reaction_period_opened(
            actor=actor, closes_at=closes_at, phase=initiative.phase
        )

    @event("ReactionPeriodOpened")
    def _reaction_period_opened(
        self, *, actor: str, closes_at: datetime, phase: str | None = None
    ) -> None:
        self.reaction_period_closes_at = closes_at
        self.reaction_period_closed = False
        self.reaction_period_phase = phase

    def close_reaction_period(self) -> datetime:
        """Record that the reaction period closed at its closing time (tick does
        this, as the system); returns that closing time."""
        closes_at = rules.passed_deadline(
            f"The reaction period of {self.slug}",
            self.reaction_period_closes_at,
            clock.now(),
            recorded=self.reaction_period_closed,
        )
        self._reaction_period_closed(actor=SYSTEM_ACTOR, closed_at=closes_at)
        return closes_at

    @event("ReactionPeriodClosed")
    def _reaction_period_closed(self, *, actor: str, closed_at: datetime) -> None:
        self.reaction_period_closed = True

    # --- Answers ---------------------------------------------------------------------

    def adopt_change(
        self,
        *,
        actor: str,
        initiative: Initiative,
        reactions: Sequence[int],
        version: int,
        explanation: TextRef,
        partly: bool = False,
    ) -> None:
        """Answer reactions with a change carried by a later version; ``partly``
        when the change meets them in part (the explanation says to what extent)."""
        self._require_editable(actor, initiative, "answer reactions")
        answered = self._require_answerable(reactions)
        rules.a_change_is_adopted_in_a_version_that_exists.check(
            version in self.versions, plan=self.slug, version=version
        )
        for reaction in answered:
            rules.a_change_is_adopted_in_a_later_version.check(
                version > reaction.version,
                plan=self.slug,
                reaction=reaction.number,
                reacted=reaction.version,
                version=version,
            )
            rules.a_change_follows_the_reaction.check(
                version > reaction.latest_then,
                reaction=reaction.number,
                plan=self.slug,
                latest=reaction.latest_then,
                version=version,
            )
        self._change_adopted(
            actor=actor,
            reactions=[r.number for r in answered],
            version=version,
            explanation=explanation,
            partly=partly,
        )

    @event("ChangeAdopted")
    def _change_adopted(
        self,
        *,
        actor: str,
        reactions: list[int],
        version: int,
        explanation: TextRef,
        partly: bool = False,
    ) -> None:
        kind = AnswerKind.PARTLY_ADOPTED if partly else AnswerKind.ADOPTED
        answer = Answer(kind, actor, version=version, text=explanation)
        for number in reactions:
            self.reactions[number].answer = answer

    def defend_position(
        self,
        *,
        actor: str,
        initiative: Initiative,
        reactions: Sequence[int],
        reasoning: TextRef,
    ) -> None:
        """Answer reactions with reasoning: the plan stays as it is (on a
        finalised plan too, for reactions recorded after it was finalised)."""
        self._require_editable(actor, initiative, "answer reactions", reactions)
        answered = self._require_answerable(reactions)
        self._position_defended(
            actor=actor, reactions=[r.number for r in answered], reasoning=reasoning
        )

    @event("PositionDefended")
    def _position_defended(
        self, *, actor: str, reactions: list[int], reasoning: TextRef
    ) -> None:
        answer = Answer(AnswerKind.DEFENDED, actor, text=reasoning)
        for number in reactions:
            self.reactions[number].answer = answer

    def note_support(
        self, *, actor: str, initiative: Initiative, reactions: Sequence[int]
    ) -> None:
        """Acknowledge reactions of support: nothing to change (on a finalised
        plan too, for reactions recorded after it was finalised)."""
        self._require_editable(actor, initiative, "answer reactions", reactions)
        answered = self._require_answerable(reactions)
        for reaction in answered:
            rules.only_support_is_noted.check(
                reaction.stance is Stance.SUPPORT,
                reaction=reaction.number,
                stance=reaction.stance.value,
            )
        self._support_noted(actor=actor, reactions=[r.number for r in answered])

    @event("SupportNoted")
    def _support_noted(self, *, actor: str, reactions: list[int]) -> None:
        answer = Answer(AnswerKind.NOTED, actor)
        for number in reactions:
            self.reactions[number].answer = answer

    # --- Finalising ------------------------------------------------------------------

    def finalise(
        self,
        *,
        actor: str,
        initiative: Initiative,
        closes_at: datetime | None = None,
    ) -> int:
        """Finalise the latest version; returns its number. Not while reactions are
        still open: until ``closes_at`` when the caller knows when they close (as
        for :meth:`add_reaction`), else the plan's own period in this phase."""
        self._require_editable(actor, initiative, "finalise plans")
        rules.a_plan_has_a_draft_before_it_is_finalised.check(
            bool(self.versions), plan=self.slug
        )
        rules.a_plan_is_finalised_when_every_reaction_is_answered.check(
            not self.unanswered,
            plan=self.slug,
            reactions=rules.numbered(sorted(self.unanswered), "reaction", "reactions")
            + (" is" if len(self.unanswered) == 1 else " are"),
        )
        closes_at = closes_at or self.reaction_period_in_force(initiative)
        rules.a_plan_is_finalised_after_its_reaction_period.check(
            closes_at is None or clock.now() > closes_at,
            plan=self.slug,
            closes_at=clock.on_dutch_clocks(closes_at) if closes_at else "",
        )
        version = self.latest_version
        self._finalised(actor=actor, version=version, finalised_at=clock.now())
        return version

    @event("Finalised")
    def _finalised(
        self, *, actor: str, version: int, finalised_at: datetime | None = None
    ) -> None:
        self.final_version = version
        self.finalised_at = finalised_at
