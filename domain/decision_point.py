"""The DecisionPoint aggregate: a question put to the stakeholders (besluitpunt).

The question, its options, who may take part and the rule that decides are fixed
when it is put. Eligible stakeholders take positions while it is open (a later
position replaces an earlier one); deciding applies the rule to the positions taken.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from samenspraak.domain import clock, rules
from samenspraak.domain.initiative import Initiative, may_take_positions_in
from samenspraak.domain.templates import ProcessTemplate
from samenspraak.domain.values import (
    SYSTEM_ACTOR,
    DecisionRule,
    Immutable,
    StakeholderKind,
    TextRef,
)

OBJECT = "object"
"""The position that objects to a proposal put for consent."""


class DecisionState(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Option(Immutable):
    key: str
    label: TextRef


@dataclass(frozen=True)
class Position(Immutable):
    stakeholder: str
    option: str
    reason: TextRef | None
    membership: int | None = None
    """Which time of joining its stakeholder took it in (None: recorded before
    positions kept it): it lapses when they leave, also if they join again."""


def decision_point_id(initiative_id: UUID, slug: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/initiatives/{initiative_id}/decision-points/{slug}")


def tally_positions(
    rule: DecisionRule,
    options: Sequence[str],
    positions: Collection[Position],
    participants: Collection[str],
) -> tuple[str | None, dict[str, int]]:
    """Apply a decision rule: the outcome (an option key, or None) and the tally.

    - majority: the option chosen by more than half of the positions taken;
    - plurality: the option with the most positions, provided no other ties with it;
    - consent: the one proposal, unless someone objected;
    - consensus: every eligible participant took the same option.
    Anything else is no decision.
    """
    counts = Counter(p.option for p in positions)
    keys = [*options, OBJECT] if rule is DecisionRule.CONSENT else list(options)
    tally = {key: counts.get(key, 0) for key in keys}
    total = sum(tally.values())
    ranked = sorted(tally.items(), key=lambda item: item[1], reverse=True)
    if rule is DecisionRule.MAJORITY:
        winner = [k for k, n in ranked if n * 2 > total]
        return (winner[0] if winner else None), tally
    if rule is DecisionRule.PLURALITY:
        if total == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None, tally
        return ranked[0][0], tally
    if rule is DecisionRule.CONSENT:
        return (None if tally[OBJECT] else options[0]), tally
    taken = {p.stakeholder: p.option for p in positions}
    everyone = bool(participants) and all(s in taken for s in participants)
    chosen = set(taken.values())
    if everyone and len(chosen) == 1:
        return chosen.pop(), tally
    return None, tally


def quorum_reached(quorum: int | None, taken: int, could: int) -> bool:
    """Whether ``taken`` positions of ``could`` who could take part reach a
    quorum of ``quorum`` percent (no quorum: always)."""
    return quorum is None or taken * 100 >= quorum * could


class DecisionPoint(Aggregate):
    """A question put to the stakeholders, decided by a rule fixed in advance."""

    class Event(Aggregate.Event):
        actor: str

        @staticmethod
        def create_timestamp() -> datetime:
            return clock.now()

    @staticmethod
    def create_id(initiative_id: UUID, slug: str) -> UUID:
        return decision_point_id(initiative_id, slug)

    @classmethod
    def put(
        cls,
        *,
        actor: str,
        initiative: Initiative,
        slug: str,
        question: TextRef,
        options: Sequence[Option],
        eligible: Collection[StakeholderKind],
        rule: DecisionRule,
        closes_at: datetime | None = None,
        quorum: int | None = None,
    ) -> DecisionPoint:
        """Put a decision point to the stakeholders (the facilitator does this).
        ``quorum``: under a majority or a plurality, the percentage of those who
        may take part who must have taken a position for there to be a decision."""
        initiative.require_facilitator(actor, "put decision points")
        if rule is DecisionRule.CONSENT:
            needed, ok = "exactly one proposal", len(options) == 1
        else:
            needed, ok = "at least two options", len(options) >= 2
        rules.a_decision_point_has_valid_options.check(
            ok, rule=rule.value, needed=needed, given=len(options)
        )
        keys = [o.key for o in options]
        for key in keys:
            rules.the_key_object_is_reserved.check(key != OBJECT)
            rules.option_keys_are_unique.check(keys.count(key) == 1, option=key)
        rules.a_decision_point_names_who_takes_part.check(len(eligible) > 0)
        kinds = sorted({StakeholderKind(k) for k in eligible})
        rules.the_facilitator_takes_no_position.check(
            StakeholderKind.FACILITATOR not in kinds
        )
        rules.a_question_put_while_society_decides_goes_to_society.check(
            not (initiative.society_decides and StakeholderKind.CIVIL_SERVANT in kinds),
            initiative=initiative.slug,
            phase=initiative.phase,
        )
        rules.a_decision_point_is_put_to_someone_who_may_take_a_position.check(
            any(initiative.may_take_positions(k) for k in kinds),
            phase=initiative.phase,
            initiative=initiative.slug,
            kinds=" or ".join(k.value for k in kinds),
        )
        if closes_at is not None:
            rules.times_carry_a_timezone.check(
                closes_at.tzinfo is not None, what="closing time"
            )
            rules.a_decision_point_closes_in_the_future.check(
                closes_at > clock.now(),
                closes_at=clock.on_dutch_clocks(closes_at),
            )
        if quorum is not None:
            rules.a_quorum_is_a_percentage.check(1 <= quorum <= 100, quorum=quorum)
            rules.a_quorum_goes_with_a_vote.check(
                rule in (DecisionRule.MAJORITY, DecisionRule.PLURALITY),
                quorum=quorum,
                rule=rule.value,
            )
        return cls(
            actor=actor,
            initiative_id=initiative.id,
            slug=slug,
            question=question,
            options=list(options),
            eligible=kinds,
            rule=rule,
            closes_at=closes_at,
            quorum=quorum,
            phase=initiative.phase,
        )

    @event("Put")
    def __init__(
        self,
        *,
        actor: str,
        initiative_id: UUID,
        slug: str,
        question: TextRef,
        options: list[Option],
        eligible: list[StakeholderKind],
        rule: DecisionRule,
        closes_at: datetime | None,
        quorum: int | None = None,
        phase: str | None = None,
    ) -> None:
        self.initiative_id = initiative_id
        self.slug = slug
        self.question = question
        self.options = list(options)
        self.eligible = [StakeholderKind(k) for k in eligible]
        self.rule = DecisionRule(rule)
        self.closes_at = closes_at
        self.quorum = quorum
        """The percentage of those who may take part who must have taken a
        position for there to be a decision (None: no quorum)."""
        self.put_in_phase = phase
        """The phase it was put in (None: put before this was kept)."""
        self.positions: dict[str, Position] = {}
        self.state = DecisionState.OPEN
        self.outcome: str | None = None
        self.tally: dict[str, int] = {}

    # --- Questions -------------------------------------------------------------------

    @property
    def option_keys(self) -> list[str]:
        return [o.key for o in self.options]

    @property
    def is_decided(self) -> bool:
        """Decided with an outcome (not "no decision")."""
        return self.state is DecisionState.DECIDED and self.outcome is not None

    @property
    def state_description(self) -> str:
        if self.state is DecisionState.DECIDED:
            return "was decided" if self.outcome else "ended without a decision"
        return f"is {self.state.value}"

    def is_late(self, moment: datetime) -> bool:
        return self.closes_at is not None and moment > self.closes_at

    @property
    def deadline_is_due(self) -> bool:
        """Open, and its closing time has passed: tick closes it."""
        return (
            self.state is DecisionState.OPEN
            and self.closes_at is not None
            and clock.now() >= self.closes_at
        )

    def participants(self, initiative: Initiative) -> list[str]:
        """The eligible stakeholders who may take part now: of an eligible kind
        that the current phase lets take positions."""
        return [
            s
            for s, kind in initiative.stakeholders.items()
            if kind in self.eligible and initiative.may_take_positions(kind)
        ]

    # --- Positions -------------------------------------------------------------------

    def _require_own(self, initiative: Initiative) -> None:
        rules.plans_and_decision_points_belong_to_their_initiative.check(
            initiative.id == self.initiative_id,
            subject=self.slug,
            initiative=initiative.slug,
        )

    def take_position(
        self,
        *,
        actor: str,
        initiative: Initiative,
        option: str,
        reason: TextRef | None = None,
        stakeholder: str | None = None,
        given_at: datetime | None = None,
        given_in: str | None = None,
        given_under: ProcessTemplate | None = None,
    ) -> None:
        """The actor takes (or changes) their position while the point is open.

        The facilitator records the position of a ``stakeholder`` who gave it
        another way (a paper form, a letter, a show of hands at a meeting), as if
        they had taken it themselves at ``given_at`` (default: now): it must lie
        in the past, after the point was put and not after its closing time.
        ``given_in`` names the phase the initiative was in then and
        ``given_under`` the template in force then (the application reads them
        from the record): where society decided alone, a civil servant's position
        from then is not recorded."""
        self._require_own(initiative)
        whose = actor if stakeholder is None else stakeholder
        recorded_by = None if whose == actor else actor
        if recorded_by is not None:
            initiative.require_open()
            rules.positions_are_taken_by_the_stakeholder_or_recorded_by_the_facilitator.check(
                actor == initiative.facilitator
            )
            rules.a_position_is_recorded_for_someone_who_takes_part.check(
                initiative.is_active(whose),
                stakeholder="This stakeholder",
                initiative=initiative.slug,
            )
        initiative.require_participant(whose, "take positions")
        kind = initiative.stakeholders[whose]
        rules.only_eligible_stakeholders_take_positions.check(
            kind in self.eligible,
            eligible=", ".join(k.value for k in self.eligible),
            decision=self.slug,
            kind=kind.value,
        )
        rules.positions_are_taken_while_open.check(
            self.state is DecisionState.OPEN,
            decision=self.slug,
            state=self.state.value,
        )
        if given_at is not None:
            self._was_given(
                initiative=initiative,
                recorded_by=recorded_by,
                kind=kind,
                given_at=given_at,
                given_in=given_in,
                given_under=given_under,
            )
        rules.a_late_position_is_refused.check(
            not self.is_late(given_at or clock.now()),
            decision=self.slug,
            closes_at=clock.on_dutch_clocks(self.closes_at) if self.closes_at else "",
        )
        allowed = self.option_keys
        if self.rule is DecisionRule.CONSENT:
            allowed = [*allowed, OBJECT]
        rules.a_position_chooses_an_option.check(
            option in allowed,
            option=option,
            decision=self.slug,
            options=", ".join(allowed),
        )
        if option == OBJECT:
            rules.an_objection_gives_a_reason.check(
                reason is not None, decision=self.slug
            )
        self._position_taken(
            actor=actor,
            stakeholder=whose,
            option=option,
            reason=reason,
            membership=initiative.membership_of(whose),
            given_at=given_at,
        )

    def _was_given(
        self,
        *,
        initiative: Initiative,
        recorded_by: str | None,
        kind: StakeholderKind,
        given_at: datetime,
        given_in: str | None,
        given_under: ProcessTemplate | None,
    ) -> None:
        """When a position the facilitator records for someone was given, checked:
        it is said only of such a position, lies in the past, after the point was
        put, and, from a civil servant, not while society decided alone."""
        rules.only_a_position_recorded_for_someone_says_when_it_was_given.check(
            recorded_by is not None
        )
        rules.times_carry_a_timezone.check(
            given_at.tzinfo is not None, what="time the position was given"
        )
        rules.a_position_is_recorded_once_it_was_given.check(
            given_at <= clock.now(),
            given_at=clock.on_dutch_clocks(given_at),
        )
        rules.a_position_was_given_after_the_point_was_put.check(
            given_at >= self.created_on,
            given_at=clock.on_dutch_clocks(given_at),
            decision=self.slug,
            put_at=clock.on_dutch_clocks(self.created_on),
        )
        rules.society_decides_first.check(
            not (
                kind is StakeholderKind.CIVIL_SERVANT
                and initiative.society_decided_alone_in(given_in, given_under)
            ),
            initiative=initiative.slug,
            action="take positions",
        )

    @event("PositionTaken")
    def _position_taken(
        self,
        *,
        actor: str,
        option: str,
        reason: TextRef | None,
        membership: int | None = None,
        stakeholder: str | None = None,
        given_at: datetime | None = None,
    ) -> None:
        # ``actor``: who recorded it, the stakeholder or the facilitator for them;
        # ``stakeholder``: whose position it is (None in events from before it
        # was kept, which their stakeholder took themselves).
        whose = stakeholder or actor
        self.positions[whose] = Position(whose, option, reason, membership)

    # --- Ending ----------------------------------------------------------------------

    def decide(
        self,
        *,
        actor: str,
        initiative: Initiative,
        at_closing: Initiative | None = None,
        put_under: ProcessTemplate | None = None,
    ) -> str | None:
        """Apply the rule to the positions taken; returns the outcome or None.

        Before its closing time, only once everyone who may take part has taken a
        position. After it, the rule counts who took part at the closing time:
        ``at_closing`` is the initiative as it stood then (by default, as it is).
        ``put_under``: the template in force when it was put (by default, the one
        the initiative follows when it is decided), whose phase it was put in
        says who could take part then."""
        self._require_own(initiative)
        initiative.require_facilitator(actor, "decide decision points")
        rules.only_an_open_decision_point_is_decided_or_withdrawn.check(
            self.state is DecisionState.OPEN,
            decision=self.slug,
            state=self.state.value,
        )
        if self.closes_at is not None and clock.now() < self.closes_at:
            everyone = self.participants(initiative)
            waiting = [s for s in everyone if not self._counts(s, initiative)]
            rules.a_decision_point_is_decided_once_it_closes.check(
                not waiting,
                decision=self.slug,
                closes_at=clock.on_dutch_clocks(self.closes_at),
                waiting=len(waiting),
                total=len(everyone),
            )
            at_closing = None
        outcome, tally = self._tally(at_closing or initiative, put_under)
        self._decided(actor=actor, outcome=outcome, tally=tally)
        return outcome

    def _counts(self, stakeholder: str, initiative: Initiative) -> bool:
        """The stakeholder has a position that counts: taken in their present
        membership of the initiative."""
        position = self.positions.get(stakeholder)
        return position is not None and initiative.still_in(
            stakeholder, position.membership
        )

    def _tally(
        self, initiative: Initiative, put_under: ProcessTemplate | None = None
    ) -> tuple[str | None, dict[str, int]]:
        # A stakeholder who left no longer takes part: their position lapses, and
        # stays lapsed if they join again (until they take a new one).
        counted = [
            p
            for p in self.positions.values()
            if initiative.still_in(p.stakeholder, p.membership)
        ]
        participants = self.participants(initiative)
        outcome, tally = tally_positions(
            self.rule, self.option_keys, counted, participants
        )
        # Those who could take part: who may take positions now or could in the
        # phase it was put in, and whoever's position counts (taken in an earlier
        # phase that let them), as the report counts them; so a position never
        # counts towards a quorum without its stakeholder counting among those it
        # is a share of, and moving on to a phase that lets fewer take positions
        # does not make the quorum easier to reach; nor does a migration since it
        # was put, to a template without that phase or with fewer let in it.
        could = {
            *participants,
            *self._could_when_put(initiative, put_under),
            *(p.stakeholder for p in counted),
        }
        if not quorum_reached(self.quorum, len(counted), len(could)):
            return None, tally
        return outcome, tally

    def _could_when_put(
        self, initiative: Initiative, put_under: ProcessTemplate | None = None
    ) -> list[str]:
        """The eligible stakeholders taking part now whom the phase it was put in
        let take positions, as ``put_under``, the template in force then, defines
        it (by default, the one the initiative follows now); none when the phase is
        not known, or that template has no such phase."""
        if self.put_in_phase is None:
            return []
        try:
            then = (put_under or initiative.process).phase(self.put_in_phase)
        except KeyError:
            return []
        return [
            s
            for s, kind in initiative.stakeholders.items()
            if kind in self.eligible and may_take_positions_in(then, kind)
        ]

    def close_by_deadline(
        self,
        initiative: Initiative,
        at_closing: Initiative | None = None,
        put_under: ProcessTemplate | None = None,
    ) -> str | None:
        """Its closing time has passed: decide by the rule with the positions taken
        by then (a later one is refused as late), counting who took part at the
        closing time (``at_closing``: the initiative as it stood then; by default,
        as it is) and whom the phase it was put in let take positions
        (``put_under``: the template in force then, see :meth:`decide`). Recorded
        by the system, with the deadline as the moment it closed; returns the
        outcome or None."""
        self._require_own(initiative)
        rules.only_an_open_decision_point_is_decided_or_withdrawn.check(
            self.state is DecisionState.OPEN,
            decision=self.slug,
            state=self.state.value,
        )
        closes_at = rules.passed_deadline(self.slug, self.closes_at, clock.now())
        outcome, tally = self._tally(at_closing or initiative, put_under)
        self._closed_by_deadline(
            actor=SYSTEM_ACTOR, closed_at=closes_at, outcome=outcome, tally=tally
        )
        return outcome

    @event("ClosedByDeadline")
    def _closed_by_deadline(
        self,
        *,
        actor: str,
        closed_at: datetime,
        outcome: str | None,
        tally: dict[str, int],
    ) -> None:
        self.state = DecisionState.DECIDED
        self.outcome = outcome
        self.tally = dict(tally)

    @event("Decided")
    def _decided(
        self, *, actor: str, outcome: str | None, tally: dict[str, int]
    ) -> None:
        self.state = DecisionState.DECIDED
        self.outcome = outcome
        self.tally = dict(tally)

    def withdraw(self, *, actor: str, initiative: Initiative) -> None:
        self._require_own(initiative)
        initiative.require_facilitator(actor, "withdraw decision points")
        rules.only_an_open_decision_point_is_decided_or_withdrawn.check(
            self.state is DecisionState.OPEN,
            decision=self.slug,
            state=self.state.value,
        )
        self._withdrawn(actor=actor)

    @event("Withdrawn")
    def _withdrawn(self, *, actor: str) -> None:
        self.state = DecisionState.WITHDRAWN
