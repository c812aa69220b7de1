"""Deadlines are events: a decision point or a reaction period closes when the
closing is recorded (by the system, dated at the deadline), never by a timer.
Lateness depends on the deadline alone, whether or not the closing was recorded."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

import pytest

from samenspraak.domain import clock, rules
from samenspraak.domain.decision_point import DecisionState
from samenspraak.domain.plan import Plan
from samenspraak.domain.values import (
    SYSTEM_ACTOR,
    Channel,
    DecisionRule,
    MeetingKind,
    StakeholderKind,
    Stance,
)

DEADLINE = datetime.fromisoformat("2026-01-19T17:00+01:00")
AFTER = DEADLINE + timedelta(minutes=1)


# --- Decision points -------------------------------------------------------------------


def test_a_decision_point_closes_by_its_deadline_as_the_system(
    city_centre, put_decision
):
    decision = put_decision(closes_at=DEADLINE)
    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")
    decision.take_position(actor="library", initiative=city_centre, option="car-free")
    decision.collect_events()

    with clock.frozen_at(DEADLINE + timedelta(days=7)):
        outcome = decision.close_by_deadline(city_centre)

    [closed] = decision.collect_events()
    assert type(closed).__name__ == "ClosedByDeadline"
    assert closed.actor == SYSTEM_ACTOR == "system"
    assert closed.closed_at == DEADLINE
    assert closed.timestamp == DEADLINE + timedelta(days=7)
    assert closed.outcome == outcome == "car-free"
    assert closed.tally == {"car-free": 2, "deliveries-only": 0}
    assert decision.state is DecisionState.DECIDED
    assert decision.is_decided


def test_closing_by_deadline_does_not_count_who_left(city_centre, put_decision):
    decision = put_decision(closes_at=DEADLINE)
    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")
    decision.take_position(
        actor="library", initiative=city_centre, option="deliveries-only"
    )
    decision.take_position(
        actor="resident-havenkwartier", initiative=city_centre, option="car-free"
    )
    city_centre.leave(actor="bakery", stakeholder="bakery")
    decision.collect_events()

    with clock.frozen_at(DEADLINE):
        outcome = decision.close_by_deadline(city_centre)

    assert outcome is None  # one each: no majority
    assert decision.tally == {"car-free": 1, "deliveries-only": 1}


def test_a_decision_point_is_closed_by_deadline_only_once_it_has_passed(
    city_centre, put_decision, refused
):
    decision = put_decision(closes_at=DEADLINE)

    with refused(
        rules.only_a_passed_deadline_closes,
        "market-square has no deadline that has passed: it closes at "
        "2026-01-19T17:00+01:00.",
        decision,
    ):
        decision.close_by_deadline(city_centre)


def test_a_decision_point_without_a_closing_time_is_not_closed_by_deadline(
    city_centre, put_decision, refused
):
    decision = put_decision()

    with refused(
        rules.only_a_passed_deadline_closes,
        "market-square has no deadline that has passed: it has no closing time.",
        decision,
    ):
        decision.close_by_deadline(city_centre)


def test_closing_by_deadline_counts_who_took_part_at_the_deadline(
    city_centre, put_decision
):
    decision = put_decision(closes_at=DEADLINE, rule=DecisionRule.CONSENSUS)
    for who in ("bakery", "library", "resident-havenkwartier"):
        decision.take_position(actor=who, initiative=city_centre, option="car-free")
    decision.collect_events()
    at_the_deadline = copy.deepcopy(city_centre)
    # After the deadline, before the closing is recorded, a newcomer joins.
    city_centre.join(
        actor="facilitator",
        stakeholder="newcomer",
        kind=StakeholderKind.RESIDENT,
    )

    with clock.frozen_at(AFTER):
        outcome = decision.close_by_deadline(city_centre, at_the_deadline)

    assert outcome == "car-free"  # everyone who took part then agreed
    assert decision.tally == {"car-free": 3, "deliveries-only": 0}


def test_before_its_closing_time_a_decision_point_waits_for_everyone(
    city_centre, put_decision, refused
):
    decision = put_decision(closes_at=DEADLINE)
    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")
    decision.collect_events()

    with refused(
        rules.a_decision_point_is_decided_once_it_closes,
        "market-square closes at 2026-01-19T17:00+01:00; before then it is decided "
        "only once everyone who may take part has taken a position (2 of 3 have not).",
        decision,
    ):
        decision.decide(actor="facilitator", initiative=city_centre)

    for who in ("library", "resident-havenkwartier"):
        decision.take_position(actor=who, initiative=city_centre, option="car-free")
    assert decision.decide(actor="facilitator", initiative=city_centre) == "car-free"


def test_a_decided_decision_point_is_not_closed_by_deadline(
    city_centre, put_decision, refused
):
    decision = put_decision(closes_at=DEADLINE)
    with clock.frozen_at(AFTER):
        decision.decide(actor="facilitator", initiative=city_centre)
    decision.collect_events()

    with (
        clock.frozen_at(AFTER),
        refused(
            rules.only_an_open_decision_point_is_decided_or_withdrawn,
            "market-square is decided; it can no longer be decided or withdrawn.",
            decision,
        ),
    ):
        decision.close_by_deadline(city_centre)


def test_a_decision_point_is_due_from_its_deadline(put_decision):
    decision = put_decision(closes_at=DEADLINE)
    assert not decision.deadline_is_due
    with clock.frozen_at(DEADLINE):
        assert decision.deadline_is_due
    assert not put_decision(slug="no-deadline").deadline_is_due


# --- Reaction periods ------------------------------------------------------------------


def react(plan, initiative, text, stakeholder="library"):
    return plan.add_reaction(
        actor=stakeholder,
        initiative=initiative,
        stakeholder=stakeholder,
        version=1,
        stance=Stance.CONCERN,
        text=text(f"{stakeholder} reacts"),
        channel=Channel.ONLINE,
    )


def test_the_facilitator_or_the_owning_group_opens_a_reaction_period(
    city_centre, traffic_plan
):
    traffic_plan.open_reaction_period(
        actor="bakery", initiative=city_centre, closes_at=DEADLINE
    )

    [opened] = traffic_plan.collect_events()
    assert type(opened).__name__ == "ReactionPeriodOpened"
    assert opened.actor == "bakery"
    assert opened.closes_at == DEADLINE
    assert traffic_plan.reaction_period_closes_at == DEADLINE
    assert not traffic_plan.reaction_period_closed


def test_others_do_not_open_a_reaction_period(city_centre, traffic_plan, refused):
    with refused(
        rules.plans_are_made_by_the_owning_group_or_the_facilitator,
        "traffic-plan is drafted and answered by members of the traffic group or "
        "the facilitator.",
        traffic_plan,
    ):
        traffic_plan.open_reaction_period(
            actor="library", initiative=city_centre, closes_at=DEADLINE
        )


def test_a_reaction_period_opens_on_a_draft(city_centre, refused, text):
    vision = Plan.create(
        actor="facilitator",
        initiative=city_centre,
        slug="vision",
        title=text("vision"),
        group="steering",
    )
    vision.collect_events()
    with refused(
        rules.a_reaction_period_opens_on_a_draft,
        "vision has no draft yet; propose one before opening a reaction period on "
        "it: there is nothing to react to.",
        vision,
    ):
        vision.open_reaction_period(
            actor="facilitator", initiative=city_centre, closes_at=DEADLINE
        )


def test_a_reaction_period_closes_in_the_future(
    city_centre, traffic_plan, refused, story_start
):
    with refused(
        rules.a_reaction_period_closes_in_the_future,
        "The reaction period of traffic-plan must close in the future; "
        "2026-01-12T09:00+01:00 has passed.",
        traffic_plan,
    ):
        traffic_plan.open_reaction_period(
            actor="facilitator", initiative=city_centre, closes_at=story_start
        )


def test_a_reaction_periods_closing_time_carries_a_timezone(
    city_centre, traffic_plan, refused
):
    with refused(
        rules.times_carry_a_timezone,
        "The closing time must include a timezone (for example "
        "2026-03-12T19:30+01:00).",
        traffic_plan,
    ):
        traffic_plan.open_reaction_period(
            actor="facilitator",
            initiative=city_centre,
            closes_at=DEADLINE.replace(tzinfo=None),
        )


def test_a_plan_has_one_reaction_period_at_a_time(city_centre, traffic_plan, refused):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    traffic_plan.collect_events()

    with refused(
        rules.a_plan_has_one_reaction_period_at_a_time,
        "traffic-plan already has a reaction period open until 2026-01-19T17:00+01:00.",
        traffic_plan,
    ):
        traffic_plan.open_reaction_period(
            actor="facilitator",
            initiative=city_centre,
            closes_at=DEADLINE + timedelta(days=7),
        )


def test_a_new_period_after_a_passed_one_records_the_old_ones_closing_first(
    city_centre, traffic_plan
):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    traffic_plan.collect_events()
    later = DEADLINE + timedelta(days=14)

    with clock.frozen_at(AFTER):
        traffic_plan.open_reaction_period(
            actor="facilitator", initiative=city_centre, closes_at=later
        )

    closed, opened = traffic_plan.collect_events()
    assert type(closed).__name__ == "ReactionPeriodClosed"
    assert (closed.actor, closed.closed_at) == (SYSTEM_ACTOR, DEADLINE)
    assert opened.closes_at == later
    assert traffic_plan.reaction_period_closes_at == later


def test_a_reaction_before_the_deadline_is_taken(city_centre, traffic_plan, text):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )

    with clock.frozen_at(DEADLINE):
        assert react(traffic_plan, city_centre, text) == 1


def test_a_late_reaction_is_refused_whether_or_not_the_closing_was_recorded(
    city_centre, traffic_plan, text, refused
):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    traffic_plan.collect_events()
    sentence = (
        "The reaction period of traffic-plan closed at 2026-01-19T17:00+01:00; "
        "a reaction after that is late."
    )

    with (
        clock.frozen_at(AFTER),
        refused(rules.a_late_reaction_is_refused, sentence, traffic_plan),
    ):
        react(traffic_plan, city_centre, text)

    with clock.frozen_at(AFTER):
        traffic_plan.close_reaction_period()
    traffic_plan.collect_events()
    with (
        clock.frozen_at(AFTER),
        refused(rules.a_late_reaction_is_refused, sentence, traffic_plan),
    ):
        react(traffic_plan, city_centre, text)


def test_a_period_opened_in_an_earlier_phase_does_not_hold_in_a_later_one(
    city_centre, traffic_plan, text
):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    city_centre.advance_phase(actor="facilitator")
    traffic_plan.collect_events()

    with clock.frozen_at(AFTER):
        assert react(traffic_plan, city_centre, text) == 1
    assert traffic_plan.reaction_period_in_force(city_centre) is None

    # The new phase may open a period of its own while the old one still runs.
    traffic_plan.open_reaction_period(
        actor="facilitator",
        initiative=city_centre,
        closes_at=DEADLINE - timedelta(hours=1),
    )
    assert traffic_plan.reaction_period_phase == "colleagues-join"


def test_a_plan_period_closes_no_earlier_than_the_phase_gives(
    city_centre, traffic_plan, refused
):
    phase_end = DEADLINE + timedelta(days=42)
    with refused(
        rules.a_reaction_period_lasts_as_long_as_the_phase_gives,
        "The phase society-decides of city-centre gives reactions until "
        f"{phase_end.isoformat(timespec='minutes')}; a reaction period on "
        "traffic-plan closes no earlier, not at "
        f"{DEADLINE.isoformat(timespec='minutes')}.",
        traffic_plan,
    ):
        traffic_plan.open_reaction_period(
            actor="facilitator",
            initiative=city_centre,
            closes_at=DEADLINE,
            phase_gives_until=phase_end,
        )

    traffic_plan.open_reaction_period(
        actor="facilitator",
        initiative=city_centre,
        closes_at=phase_end,
        phase_gives_until=phase_end,
    )
    assert traffic_plan.reaction_period_closes_at == phase_end


def test_a_plan_without_a_period_has_no_deadline(city_centre, traffic_plan, text):
    with clock.frozen_at(DEADLINE + timedelta(days=365)):
        assert react(traffic_plan, city_centre, text) == 1
    assert not traffic_plan.reaction_period_is_due


def test_the_system_records_a_reaction_periods_closing_at_its_deadline(
    city_centre, traffic_plan
):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    traffic_plan.collect_events()
    assert not traffic_plan.reaction_period_is_due

    with clock.frozen_at(DEADLINE + timedelta(days=7)):
        assert traffic_plan.reaction_period_is_due
        assert traffic_plan.close_reaction_period() == DEADLINE
        assert not traffic_plan.reaction_period_is_due

    [closed] = traffic_plan.collect_events()
    assert type(closed).__name__ == "ReactionPeriodClosed"
    assert closed.actor == SYSTEM_ACTOR
    assert closed.closed_at == DEADLINE
    assert closed.timestamp == DEADLINE + timedelta(days=7)
    assert traffic_plan.reaction_period_closed


def test_a_reaction_period_closes_only_once_it_has_passed(
    city_centre, traffic_plan, refused
):
    with refused(
        rules.only_a_passed_deadline_closes,
        "The reaction period of traffic-plan has no deadline that has passed: it "
        "has no closing time.",
        traffic_plan,
    ):
        traffic_plan.close_reaction_period()

    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    traffic_plan.collect_events()
    with refused(
        rules.only_a_passed_deadline_closes,
        "The reaction period of traffic-plan has no deadline that has passed: it "
        "closes at 2026-01-19T17:00+01:00.",
        traffic_plan,
    ):
        traffic_plan.close_reaction_period()

    with clock.frozen_at(AFTER):
        traffic_plan.close_reaction_period()
    traffic_plan.collect_events()
    with (
        clock.frozen_at(AFTER),
        refused(
            rules.only_a_passed_deadline_closes,
            "The reaction period of traffic-plan has no deadline that has passed: "
            "it already closed at 2026-01-19T17:00+01:00.",
            traffic_plan,
        ),
    ):
        traffic_plan.close_reaction_period()


def test_reactions_close_when_the_caller_says_else_with_the_plan_s_own_period(
    city_centre, traffic_plan, text, refused
):
    def react_by(moment, **more):
        with clock.frozen_at(moment):
            return traffic_plan.add_reaction(
                actor="library",
                initiative=city_centre,
                stakeholder="library",
                version=1,
                stance=Stance.CONCERN,
                text=text("the library reacts"),
                channel=Channel.ONLINE,
                **more,
            )

    assert react_by(DEADLINE, closes_at=DEADLINE) == 1
    traffic_plan.collect_events()
    with refused(
        rules.a_late_reaction_is_refused,
        "The reaction period of traffic-plan closed at 2026-01-19T17:00+01:00; "
        "a reaction after that is late.",
        traffic_plan,
    ):
        react_by(AFTER, closes_at=DEADLINE)
    # Without the caller's closing time, the plan's own period is the one in force.
    later = DEADLINE + timedelta(days=14)
    with clock.frozen_at(AFTER):
        traffic_plan.open_reaction_period(
            actor="facilitator", initiative=city_centre, closes_at=later
        )
    assert react_by(AFTER) == 2


def test_a_plan_is_finalised_once_its_reaction_period_is_over(
    city_centre, traffic_plan, refused
):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    traffic_plan.collect_events()

    with (
        clock.frozen_at(DEADLINE),
        refused(
            rules.a_plan_is_finalised_after_its_reaction_period,
            "The reaction period of traffic-plan runs until 2026-01-19T17:00+01:00; "
            "the plan is finalised after that, so that everyone can react.",
            traffic_plan,
        ),
    ):
        traffic_plan.finalise(actor="facilitator", initiative=city_centre)

    with clock.frozen_at(AFTER):
        assert traffic_plan.finalise(actor="facilitator", initiative=city_centre) == 1


def held_at(initiative, text, starts_at):
    """A residents' evening the facilitator records, at ``starts_at``."""
    return initiative.hold_meeting(
        actor="facilitator",
        starts_at=starts_at,
        kind=MeetingKind.RESIDENTS_MEETING,
        place=text("the community centre"),
        attendance=40,
        summary=text("an evening on the traffic plan"),
    )


def said_at_the_meeting(plan, initiative, text, meeting, version=1):
    return plan.add_reaction(
        actor="facilitator",
        initiative=initiative,
        stakeholder="resident-havenkwartier",
        version=version,
        stance=Stance.OBJECTION,
        text=text("said at the meeting"),
        channel=Channel.MEETING,
        meeting=meeting,
    )


def test_a_reaction_given_at_a_meeting_before_the_deadline_is_on_time_when_written_up_later(
    city_centre, traffic_plan, text
):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    meeting = held_at(city_centre, text, DEADLINE - timedelta(hours=2))
    with clock.frozen_at(DEADLINE + timedelta(hours=12)):  # a second draft, at night
        traffic_plan.propose_draft(
            actor="bakery", initiative=city_centre, text=text("v2"), changes=text("c")
        )

    with clock.frozen_at(DEADLINE + timedelta(days=1)):  # the minutes, the next day
        number = said_at_the_meeting(traffic_plan, city_centre, text, meeting)
        # Given when version 1 was the latest: version 2 may answer it.
        traffic_plan.adopt_change(
            actor="bakery",
            initiative=city_centre,
            reactions=[number],
            version=2,
            explanation=text("met in version 2"),
        )
    assert traffic_plan.reactions[number].latest_then == 1
    assert traffic_plan.unanswered == []


def test_a_reaction_at_a_meeting_counts_from_its_recording_unless_it_saw_the_version(
    city_centre, traffic_plan, text, refused
):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    meeting = held_at(city_centre, text, DEADLINE - timedelta(hours=2))
    with clock.frozen_at(AFTER):
        traffic_plan.propose_draft(
            actor="bakery", initiative=city_centre, text=text("v2"), changes=text("c")
        )
    late = (
        "The reaction period of traffic-plan closed at 2026-01-19T17:00+01:00; "
        "a reaction after that is late."
    )
    traffic_plan.collect_events()

    # The meeting never saw version 2: a reaction to it counts from now, and is late.
    with (
        clock.frozen_at(AFTER + timedelta(days=1)),
        refused(rules.a_late_reaction_is_refused, late, traffic_plan),
    ):
        said_at_the_meeting(traffic_plan, city_centre, text, meeting, version=2)


@pytest.mark.parametrize("who", ["resident-havenkwartier", "facilitator"])
def test_a_stakeholder_s_own_reaction_naming_a_meeting_counts_from_when_they_give_it(
    city_centre, traffic_plan, text, refused, who
):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    meeting = held_at(city_centre, text, DEADLINE - timedelta(hours=2))
    traffic_plan.collect_events()
    late = (
        "The reaction period of traffic-plan closed at 2026-01-19T17:00+01:00; "
        "a reaction after that is late."
    )

    def own(moment):
        with clock.frozen_at(moment):
            return traffic_plan.add_reaction(
                actor=who,
                initiative=city_centre,
                stakeholder=who,
                version=1,
                stance=Stance.OBJECTION,
                text=text("I was there"),
                channel=Channel.MEETING,
                meeting=meeting,
            )

    # Naming a meeting held before the deadline does not make it on time.
    with refused(rules.a_late_reaction_is_refused, late, traffic_plan):
        own(AFTER)
    assert own(DEADLINE) == 1  # given in time, it is taken
    [added] = traffic_plan.collect_events()
    assert added.given_at is None  # it counts from when it was given


def test_a_reaction_given_at_a_meeting_after_the_deadline_is_late(
    city_centre, traffic_plan, text, refused
):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    meeting = held_at(city_centre, text, AFTER)
    traffic_plan.collect_events()

    with (
        clock.frozen_at(AFTER + timedelta(hours=3)),
        refused(
            rules.a_late_reaction_is_refused,
            "The reaction period of traffic-plan closed at 2026-01-19T17:00+01:00; "
            "a reaction after that is late.",
            traffic_plan,
        ),
    ):
        said_at_the_meeting(traffic_plan, city_centre, text, meeting)


def test_a_new_period_may_open_at_the_moment_the_old_one_closes(
    city_centre, traffic_plan
):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    traffic_plan.collect_events()
    later = DEADLINE + timedelta(days=14)

    with clock.frozen_at(DEADLINE):
        traffic_plan.open_reaction_period(
            actor="facilitator", initiative=city_centre, closes_at=later
        )

    assert [type(e).__name__ for e in traffic_plan.collect_events()][-1] == (
        "ReactionPeriodOpened"
    )
    assert traffic_plan.reaction_period_closes_at == later


def letter(
    plan, initiative, text, received_at, *, actor="facilitator", version=1, closes_at
):
    """The facilitator records the library's letter, which came in at
    ``received_at`` while reactions closed at ``closes_at`` (the application
    works that out from the periods and phases recorded)."""
    return plan.add_reaction(
        actor=actor,
        initiative=initiative,
        stakeholder="library",
        version=version,
        stance=Stance.CONCERN,
        text=text("the library's letter"),
        channel=Channel.LETTER if actor != "library" else Channel.ONLINE,
        received_at=received_at,
        closes_at=closes_at,
    )


def test_a_letter_that_came_in_on_time_is_on_time_whenever_it_is_recorded(
    city_centre, traffic_plan, text, refused
):
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    traffic_plan.collect_events()
    in_time = DEADLINE - timedelta(days=1)

    with clock.frozen_at(AFTER + timedelta(days=2)):  # recorded two days late
        assert letter(traffic_plan, city_centre, text, in_time, closes_at=DEADLINE) == 1
    [event] = traffic_plan.collect_events()
    assert (event.channel, event.given_at) == (Channel.LETTER, in_time)

    with (
        clock.frozen_at(AFTER + timedelta(days=2)),
        refused(
            rules.a_late_reaction_is_refused,
            "The reaction period of traffic-plan closed at 2026-01-19T17:00+01:00; "
            "a reaction after that is late.",
            traffic_plan,
        ),
    ):
        letter(traffic_plan, city_centre, text, AFTER, closes_at=DEADLINE)


def test_a_letter_that_came_in_after_the_period_is_recorded_as_received_late(
    city_centre, traffic_plan, text, refused, story_start
):
    """The library's letter came in a day after the period closed. Refused as a
    reaction, it is recorded as received late when the facilitator says so: it is
    listed, and needs no answer. One that came in on time is not late, and only a
    letter or an e-mail recorded with when it came in is."""
    traffic_plan.open_reaction_period(
        actor="facilitator", initiative=city_centre, closes_at=DEADLINE
    )
    traffic_plan.collect_events()

    def late(received_at, **fields):
        return traffic_plan.add_reaction(
            **{
                "actor": "facilitator",
                "initiative": city_centre,
                "stakeholder": "library",
                "version": 1,
                "stance": Stance.OBJECTION,
                "text": text("the library's late letter"),
                "channel": Channel.LETTER,
                "received_at": received_at,
                "closes_at": DEADLINE,
                "late": True,
                **fields,
            }
        )

    with clock.frozen_at(AFTER + timedelta(days=2)):
        assert late(AFTER) == 1
        [event] = traffic_plan.collect_events()
        with refused(
            rules.a_reaction_received_late_came_in_after_the_period,
            "traffic-plan closed to reactions at 2026-01-19T17:00+01:00; a reaction "
            "that came in at 2026-01-19T16:00+01:00 is not late: record it without "
            "marking it late.",
            traffic_plan,
        ):
            late(DEADLINE - timedelta(hours=1))
        with refused(
            rules.only_a_letter_is_recorded_as_received_late,
            "Only a letter or an e-mail the facilitator records for someone, with "
            "when it came in, is recorded as received late.",
            traffic_plan,
        ):
            late(None, closes_at=None)
    assert (type(event).__name__, event.given_at, event.stakeholder) == (
        "ReactionReceivedLate",
        AFTER,
        "library",
    )
    assert traffic_plan.reactions[1].late
    assert traffic_plan.unanswered == []


def test_a_letter_is_not_received_late_where_there_was_no_reaction_period_to_miss(
    city_centre, traffic_plan, text, refused, story_start
):
    """Without a reaction period in force when the letter came in, it is on time,
    and the refusal of --late says so in a sentence that reads."""
    with (
        clock.frozen_at(AFTER + timedelta(days=2)),
        refused(
            rules.a_reaction_received_late_came_in_after_the_period,
            "traffic-plan had no reaction period when it came in; a reaction that "
            "came in at 2026-01-19T17:01+01:00 is not late: record it without "
            "marking it late.",
            traffic_plan,
        ),
    ):
        traffic_plan.add_reaction(
            actor="facilitator",
            initiative=city_centre,
            stakeholder="library",
            version=1,
            stance=Stance.OBJECTION,
            text=text("the library's letter"),
            channel=Channel.LETTER,
            received_at=AFTER,
            late=True,
        )


def test_only_a_reaction_recorded_for_someone_says_when_it_came_in(
    city_centre, traffic_plan, text, refused, story_start
):
    with refused(
        rules.only_a_reaction_recorded_for_someone_says_when_it_came_in,
        "Only a reaction the facilitator records for someone, by letter, e-mail or "
        "another way than at a meeting, says when it came in; one from a meeting "
        "counts from the meeting's start.",
        traffic_plan,
    ):
        letter(
            traffic_plan,
            city_centre,
            text,
            story_start,
            actor="library",
            closes_at=None,
        )


def test_a_reaction_came_in_in_the_past_and_after_its_version(
    city_centre, traffic_plan, text, refused, story_start
):
    tomorrow = story_start + timedelta(days=1)
    with refused(
        rules.a_reaction_is_recorded_once_it_came_in,
        "A reaction is recorded once it came in; "
        f"{tomorrow.isoformat(timespec='minutes')} lies in "
        "the future.",
        traffic_plan,
    ):
        letter(traffic_plan, city_centre, text, tomorrow, closes_at=None)
    before = traffic_plan.versions[1].proposed_at - timedelta(hours=1)
    with refused(
        rules.a_reaction_came_in_after_the_version_it_reacts_to,
        f"A reaction that came in at {before.isoformat(timespec='minutes')} cannot "
        "react to version 1 of traffic-plan: that version was proposed after it.",
        traffic_plan,
    ):
        letter(traffic_plan, city_centre, text, before, closes_at=None)


def test_a_letter_is_judged_by_the_closing_time_it_came_in_under(
    city_centre, traffic_plan, text, refused
):
    """A second period opened after the first closed. A letter that came in
    between is late by the first; one that came in under the second is on time,
    and with no period when it came in, so is any."""
    between = DEADLINE + timedelta(hours=2)
    reopened = DEADLINE + timedelta(days=1)
    traffic_plan.open_reaction_period(
        actor="facilitator",
        initiative=city_centre,
        closes_at=DEADLINE + timedelta(days=14),
    )
    traffic_plan.collect_events()
    with (
        clock.frozen_at(reopened + timedelta(days=1)),
        refused(
            rules.a_late_reaction_is_refused,
            "The reaction period of traffic-plan closed at 2026-01-19T17:00+01:00; "
            "a reaction after that is late.",
            traffic_plan,
        ),
    ):
        letter(traffic_plan, city_centre, text, between, closes_at=DEADLINE)
    with clock.frozen_at(reopened + timedelta(days=1)):
        second = DEADLINE + timedelta(days=14)
        assert letter(traffic_plan, city_centre, text, reopened, closes_at=second) == 1
        assert letter(traffic_plan, city_centre, text, between, closes_at=None) == 2


def test_a_letter_found_after_the_plan_was_final_is_recorded_if_it_came_in_before(
    city_centre, traffic_plan, text, refused, story_start
):
    """The plan has no reaction period; it was finalised at noon. A letter that
    came in that morning is recorded and answered with reasoning or noted; one
    that came in after noon, and anything else on the final plan, is refused."""
    noon = story_start + timedelta(hours=3)
    with clock.frozen_at(noon):
        traffic_plan.finalise(actor="bakery", initiative=city_centre)
    [finalised] = traffic_plan.collect_events()
    assert finalised.finalised_at == noon
    later = noon + timedelta(days=2)
    with clock.frozen_at(later):
        morning = letter(
            traffic_plan, city_centre, text, noon - timedelta(hours=2), closes_at=None
        )
        supporting = traffic_plan.add_reaction(
            actor="facilitator", initiative=city_centre, stakeholder="library",
            version=1, stance=Stance.SUPPORT, text=text("support by e-mail"),
            channel=Channel.EMAIL, received_at=noon - timedelta(minutes=1),
        )  # fmt: skip
    added = traffic_plan.collect_events()
    assert [(e.reaction, e.given_at) for e in added] == [
        (morning, noon - timedelta(hours=2)),
        (supporting, noon - timedelta(minutes=1)),
    ]
    with (
        clock.frozen_at(later),
        refused(
            rules.a_reaction_to_a_final_plan_came_in_before_it_was_final,
            "traffic-plan is finalised (version 1) since 2026-01-12T12:00+01:00; a "
            "reaction that came in before then is still recorded, with when it came "
            "in, but not one that came in after.",
            traffic_plan,
        ),
    ):
        letter(traffic_plan, city_centre, text, noon, closes_at=None)
    final = (
        "traffic-plan is finalised (version 1); it takes no more drafts, reactions "
        "or answers."
    )
    with clock.frozen_at(later), refused(rules.a_finalised_plan_is_not_changed, final):
        traffic_plan.add_reaction(
            actor="library", initiative=city_centre, stakeholder="library",
            version=1, stance=Stance.CONCERN, text=text("online, now"),
        )  # fmt: skip
    with refused(rules.a_finalised_plan_is_not_changed, final, traffic_plan):
        traffic_plan.adopt_change(
            actor="bakery", initiative=city_centre, reactions=[morning], version=1,
            explanation=text("adopted"),
        )  # fmt: skip
    traffic_plan.defend_position(
        actor="bakery", initiative=city_centre, reactions=[morning],
        reasoning=text("the plan was final; the council hears of it"),
    )  # fmt: skip
    traffic_plan.note_support(
        actor="bakery", initiative=city_centre, reactions=[supporting]
    )
    assert [type(e).__name__ for e in traffic_plan.collect_events()] == [
        "PositionDefended",
        "SupportNoted",
    ]
    assert traffic_plan.unanswered == []


def test_a_letter_recorded_on_the_final_plan_by_mistake_is_withdrawn_until_answered(
    city_centre, traffic_plan, text, refused, story_start
):
    """The library's support, given online, is noted and the plan finalised at
    noon. Two days later the facilitator records two letters that came in that
    morning; one was entered by mistake and is withdrawn: it then needs no
    answer. The other is answered and stays, and so does the reaction from before
    the plan was final."""
    noon = story_start + timedelta(hours=3)
    with clock.frozen_at(noon - timedelta(hours=1)):
        online = traffic_plan.add_reaction(
            actor="library", initiative=city_centre, stakeholder="library",
            version=1, stance=Stance.SUPPORT, text=text("online support"),
        )  # fmt: skip
    traffic_plan.note_support(
        actor="bakery", initiative=city_centre, reactions=[online]
    )
    with clock.frozen_at(noon):
        traffic_plan.finalise(actor="bakery", initiative=city_centre)
    with clock.frozen_at(noon + timedelta(days=2)):
        mistaken = letter(
            traffic_plan, city_centre, text, noon - timedelta(hours=2), closes_at=None
        )
        kept = letter(
            traffic_plan, city_centre, text, noon - timedelta(hours=1), closes_at=None
        )
    traffic_plan.collect_events()
    traffic_plan.withdraw_reaction(
        actor="facilitator", initiative=city_centre, reaction=mistaken
    )
    [withdrawn] = traffic_plan.collect_events()
    assert (type(withdrawn).__name__, withdrawn.reaction) == (
        "ReactionWithdrawn",
        mistaken,
    )
    assert traffic_plan.unanswered == [kept]
    traffic_plan.defend_position(
        actor="bakery", initiative=city_centre, reactions=[kept],
        reasoning=text("the plan was final; the council hears of it"),
    )  # fmt: skip
    traffic_plan.collect_events()
    with refused(
        rules.an_answered_reaction_stays,
        f"Reaction {kept} on traffic-plan is already answered and cannot be withdrawn.",
        traffic_plan,
    ):
        traffic_plan.withdraw_reaction(
            actor="facilitator", initiative=city_centre, reaction=kept
        )
    with refused(
        rules.a_finalised_plan_is_not_changed,
        "traffic-plan is finalised (version 1); it takes no more drafts, reactions "
        "or answers.",
        traffic_plan,
    ):
        traffic_plan.withdraw_reaction(
            actor="library", initiative=city_centre, reaction=online
        )
    assert traffic_plan.reactions[mistaken].given_at == noon - timedelta(hours=2)
    assert traffic_plan.reactions[online].given_at is None


def test_a_civil_servants_letter_from_while_society_decided_alone_is_refused_later(
    city_centre, traffic_plan, text, refused, story_start
):
    """Colleagues have joined; a letter from the civil servant for traffic that
    came in while society still decided alone is not recorded, whatever the
    phase now: society decided first then. One from since colleagues joined is."""
    with clock.frozen_at(story_start + timedelta(days=1)):
        city_centre.advance_phase(actor="facilitator")
    city_centre.collect_events()

    def from_the_civil_servant(phase: str) -> int:
        return traffic_plan.add_reaction(
            actor="facilitator", initiative=city_centre,
            stakeholder="civil-servant-traffic", version=1, stance=Stance.CONCERN,
            text=text("the civil servant's letter"), channel=Channel.LETTER,
            received_at=story_start, came_in_during=phase,
        )  # fmt: skip

    with (
        clock.frozen_at(story_start + timedelta(days=2)),
        refused(
            rules.a_civil_servants_reaction_came_in_after_society_decided,
            "city-centre was in the phase society-decides, where society decides "
            "alone, when this reaction came in (2026-01-12T09:00+01:00); a civil "
            "servant's reaction from then is not recorded.",
            traffic_plan,
        ),
    ):
        from_the_civil_servant("society-decides")
    with clock.frozen_at(story_start + timedelta(days=2)):
        assert from_the_civil_servant("colleagues-join") == 1
