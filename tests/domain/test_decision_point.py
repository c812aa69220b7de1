"""Decision points: putting the question, taking positions, deciding, withdrawing.

Given the city centre (still society-only) the facilitator puts the question of the
market square: car-free, or deliveries only?
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from samenspraak.domain import clock, rules
from samenspraak.domain.decision_point import (
    DecisionPoint,
    DecisionState,
    Option,
    Position,
)
from samenspraak.domain.templates import OVERHEIDSPARTICIPATIE, Phase, ProcessTemplate
from samenspraak.domain.values import SOCIETY, DecisionRule, StakeholderKind

CLOSES_AT = datetime.fromisoformat("2026-02-01T20:00+01:00")


def names_and_actors(events):
    return [(type(e).__name__, e.actor) for e in events]


def put_market_square(initiative, text, **changes):
    """Put the market-square question directly (the command under test)."""
    arguments = {
        "actor": "facilitator",
        "initiative": initiative,
        "slug": "market-square",
        "question": text("what becomes of the market square?"),
        "options": [
            Option("car-free", text("car-free")),
            Option("deliveries-only", text("deliveries before 11:00")),
        ],
        "eligible": SOCIETY,
        "rule": DecisionRule.MAJORITY,
        "closes_at": None,
    }
    return DecisionPoint.put(**{**arguments, **changes})


# --- Putting the question ------------------------------------------------------------


def test_the_facilitator_puts_the_market_square_to_society(city_centre, text):
    decision = put_market_square(city_centre, text, closes_at=CLOSES_AT)

    events = decision.collect_events()
    assert names_and_actors(events) == [("Put", "facilitator")]
    put = events[0]
    assert put.initiative_id == city_centre.id
    assert put.slug == "market-square"
    assert [o.key for o in put.options] == ["car-free", "deliveries-only"]
    assert put.eligible == [
        StakeholderKind.ENTREPRENEUR,
        StakeholderKind.INSTITUTION,
        StakeholderKind.RESIDENT,
    ]
    assert put.rule is DecisionRule.MAJORITY
    assert put.closes_at == CLOSES_AT
    assert decision.state is DecisionState.OPEN
    assert decision.positions == {}


def test_the_bakery_cannot_put_a_decision_point(city_centre, text, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may put decision points.",
    ):
        put_market_square(city_centre, text, actor="bakery")


def test_a_proposal_put_for_consent_is_one_proposal(city_centre, text):
    decision = put_market_square(
        city_centre,
        text,
        slug="bicycle-parking",
        options=[Option("at-the-library", text("bicycle parking at the library"))],
        rule=DecisionRule.CONSENT,
    )

    events = decision.collect_events()
    assert names_and_actors(events) == [("Put", "facilitator")]
    assert events[0].rule is DecisionRule.CONSENT
    assert decision.option_keys == ["at-the-library"]


def test_consent_is_not_asked_for_two_proposals_at_once(city_centre, text, refused):
    with refused(
        rules.a_decision_point_has_valid_options,
        "A decision by consent needs exactly one proposal; 2 given.",
    ):
        put_market_square(city_centre, text, rule=DecisionRule.CONSENT)


@pytest.mark.parametrize(
    "rule", [DecisionRule.MAJORITY, DecisionRule.PLURALITY, DecisionRule.CONSENSUS]
)
def test_a_choice_needs_at_least_two_options(city_centre, text, refused, rule):
    with refused(
        rules.a_decision_point_has_valid_options,
        f"A decision by {rule.value} needs at least two options; 1 given.",
    ):
        put_market_square(
            city_centre, text, rule=rule, options=[Option("car-free", text("car-free"))]
        )


def test_each_option_has_its_own_key(city_centre, text, refused):
    with refused(
        rules.option_keys_are_unique,
        "Each option of a decision point has its own key; car-free appears twice.",
    ):
        put_market_square(
            city_centre,
            text,
            options=[
                Option("car-free", text("car-free")),
                Option("car-free", text("car-free all day")),
            ],
        )


def test_no_option_may_take_the_key_reserved_for_objections(city_centre, text, refused):
    with refused(
        rules.the_key_object_is_reserved,
        "The key 'object' is reserved for objections to a proposal; "
        "choose another key.",
    ):
        put_market_square(
            city_centre,
            text,
            options=[
                Option("car-free", text("car-free")),
                Option("object", text("I object")),
            ],
        )


def test_a_decision_point_names_who_takes_part(city_centre, text, refused):
    with refused(
        rules.a_decision_point_names_who_takes_part,
        "A decision point names at least one kind of stakeholder who may take part.",
    ):
        put_market_square(city_centre, text, eligible=[])


def test_a_decision_point_is_not_put_to_the_independent_facilitator(
    city_centre, text, refused
):
    with refused(
        rules.the_facilitator_takes_no_position,
        "The facilitator is independent: a decision point is not put to facilitators.",
    ):
        put_market_square(
            city_centre,
            text,
            eligible=[StakeholderKind.RESIDENT, StakeholderKind.FACILITATOR],
        )


def test_a_closing_time_carries_a_timezone(city_centre, text, refused):
    with refused(
        rules.times_carry_a_timezone,
        "The closing time must include a timezone (for example 2026-03-12T19:30+01:00).",
    ):
        put_market_square(city_centre, text, closes_at=datetime(2026, 2, 1, 20, 0))


@pytest.mark.parametrize("delta", [timedelta(0), -timedelta(days=1)])
def test_a_decision_point_cannot_close_now_or_in_the_past(
    city_centre, text, refused, story_start, delta
):
    closes_at = story_start + delta

    with refused(
        rules.a_decision_point_closes_in_the_future,
        "A decision point's closing time ("
        f"{closes_at.isoformat(timespec='minutes')}) must lie in the "
        "future.",
    ):
        put_market_square(city_centre, text, closes_at=closes_at)


def test_a_decision_point_may_close_a_minute_from_now(city_centre, text, story_start):
    decision = put_market_square(
        city_centre, text, closes_at=story_start + timedelta(minutes=1)
    )

    assert decision.closes_at == datetime.fromisoformat("2026-01-12T09:01+01:00")


# --- Taking positions ----------------------------------------------------------------


def test_the_bakery_takes_a_position_on_the_market_square(
    city_centre, put_decision, story_start
):
    decision = put_decision()

    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")

    events = decision.collect_events()
    assert names_and_actors(events) == [("PositionTaken", "bakery")]
    assert (events[0].option, events[0].reason) == ("car-free", None)
    assert decision.positions == {
        "bakery": Position("bakery", "car-free", None, membership=1)
    }


def test_a_later_position_replaces_an_earlier_one(
    city_centre, put_decision, story_start
):
    decision = put_decision()
    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")
    decision.collect_events()

    decision.take_position(
        actor="bakery", initiative=city_centre, option="deliveries-only"
    )

    events = decision.collect_events()
    assert names_and_actors(events) == [("PositionTaken", "bakery")]
    assert events[0].option == "deliveries-only"
    assert decision.positions == {
        "bakery": Position("bakery", "deliveries-only", None, membership=1)
    }


def test_only_eligible_kinds_take_a_position(city_centre, put_decision, refused):
    decision = put_decision(
        eligible=[StakeholderKind.RESIDENT, StakeholderKind.ENTREPRENEUR]
    )

    with refused(
        rules.only_eligible_stakeholders_take_positions,
        "Only these kinds of stakeholder may take a position on market-square: "
        "entrepreneur, resident; you take part as institution.",
        decision,
    ):
        decision.take_position(
            actor="library", initiative=city_centre, option="car-free"
        )


def test_the_resident_of_the_havenkwartier_is_eligible_as_a_resident(
    city_centre, put_decision
):
    decision = put_decision(eligible=[StakeholderKind.RESIDENT])

    decision.take_position(
        actor="resident-havenkwartier", initiative=city_centre, option="car-free"
    )

    assert names_and_actors(decision.collect_events()) == [
        ("PositionTaken", "resident-havenkwartier")
    ]


def test_a_stranger_cannot_take_a_position(city_centre, put_decision, refused):
    decision = put_decision()

    with refused(
        rules.only_joined_stakeholders_act,
        "Only stakeholders who have joined city-centre and not left may take "
        "positions.",
        decision,
    ):
        decision.take_position(
            actor="resident-kerkstraat", initiative=city_centre, option="car-free"
        )


def test_a_position_chooses_one_of_the_options(city_centre, put_decision, refused):
    decision = put_decision()

    with refused(
        rules.a_position_chooses_an_option,
        "tunnel is not an option of market-square; choose one of car-free, "
        "deliveries-only.",
        decision,
    ):
        decision.take_position(actor="bakery", initiative=city_centre, option="tunnel")


def test_an_objection_is_no_option_when_the_majority_decides(
    city_centre, put_decision, text, refused
):
    decision = put_decision()

    with refused(
        rules.a_position_chooses_an_option,
        "object is not an option of market-square; choose one of car-free, "
        "deliveries-only.",
        decision,
    ):
        decision.take_position(
            actor="bakery",
            initiative=city_centre,
            option="object",
            reason=text("neither"),
        )


def test_the_resident_objects_to_a_proposal_with_a_reason(
    city_centre, put_decision, text
):
    decision = put_decision(
        slug="bicycle-parking", rule=DecisionRule.CONSENT, options=["at-the-library"]
    )

    decision.take_position(
        actor="resident-havenkwartier",
        initiative=city_centre,
        option="object",
        reason=text("the pavement is too narrow there"),
    )

    events = decision.collect_events()
    assert names_and_actors(events) == [("PositionTaken", "resident-havenkwartier")]
    assert events[0].option == "object"
    assert events[0].reason == text("the pavement is too narrow there")


def test_an_objection_gives_its_reason(city_centre, put_decision, refused):
    decision = put_decision(
        slug="bicycle-parking", rule=DecisionRule.CONSENT, options=["at-the-library"]
    )

    with refused(
        rules.an_objection_gives_a_reason,
        "An objection to bicycle-parking gives its reason.",
        decision,
    ):
        decision.take_position(
            actor="resident-havenkwartier", initiative=city_centre, option="object"
        )


def test_a_position_on_a_proposal_chooses_the_proposal_or_an_objection(
    city_centre, put_decision, refused
):
    decision = put_decision(
        slug="bicycle-parking", rule=DecisionRule.CONSENT, options=["at-the-library"]
    )

    with refused(
        rules.a_position_chooses_an_option,
        "on-the-quay is not an option of bicycle-parking; choose one of "
        "at-the-library, object.",
        decision,
    ):
        decision.take_position(
            actor="bakery", initiative=city_centre, option="on-the-quay"
        )


def test_a_position_at_the_closing_moment_is_in_time(city_centre, put_decision):
    decision = put_decision(closes_at=CLOSES_AT)

    with clock.frozen_at(CLOSES_AT):
        decision.take_position(
            actor="bakery", initiative=city_centre, option="car-free"
        )

    events = decision.collect_events()
    assert names_and_actors(events) == [("PositionTaken", "bakery")]
    assert events[0].timestamp == CLOSES_AT


def test_a_position_after_the_closing_time_is_late_though_no_closing_was_recorded(
    city_centre, put_decision, refused
):
    decision = put_decision(closes_at=CLOSES_AT)
    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")
    decision.collect_events()

    with (
        clock.frozen_at(CLOSES_AT + timedelta(seconds=1)),
        refused(
            rules.a_late_position_is_refused,
            "market-square closed at 2026-02-01T20:00+01:00; a position taken "
            "after that is late.",
            decision,
        ),
    ):
        decision.take_position(
            actor="resident-havenkwartier",
            initiative=city_centre,
            option="deliveries-only",
        )
    assert decision.state is DecisionState.OPEN
    assert list(decision.positions) == ["bakery"]


def test_a_late_position_cannot_replace_one_taken_in_time(
    city_centre, put_decision, refused
):
    decision = put_decision(closes_at=CLOSES_AT)
    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")
    decision.collect_events()

    with (
        clock.frozen_at(datetime.fromisoformat("2026-02-02T08:00+01:00")),
        refused(
            rules.a_late_position_is_refused,
            "market-square closed at 2026-02-01T20:00+01:00; a position taken "
            "after that is late.",
            decision,
        ),
    ):
        decision.take_position(
            actor="bakery", initiative=city_centre, option="deliveries-only"
        )
    assert decision.positions["bakery"].option == "car-free"


def test_a_decision_point_without_a_closing_time_takes_positions_a_year_later(
    city_centre, put_decision, story_start
):
    decision = put_decision()

    with clock.frozen_at(story_start + timedelta(days=365)):
        decision.take_position(
            actor="bakery", initiative=city_centre, option="car-free"
        )

    assert names_and_actors(decision.collect_events()) == [("PositionTaken", "bakery")]


@pytest.mark.parametrize(
    ("ending", "state"), [("decide", "decided"), ("withdraw", "withdrawn")]
)
def test_positions_are_taken_only_while_the_decision_point_is_open(
    city_centre, put_decision, refused, ending, state
):
    decision = put_decision()
    getattr(decision, ending)(actor="facilitator", initiative=city_centre)
    decision.collect_events()

    with refused(
        rules.positions_are_taken_while_open,
        f"market-square is {state}; it takes no more positions.",
        decision,
    ):
        decision.take_position(
            actor="bakery", initiative=city_centre, option="car-free"
        )


# --- Deciding and withdrawing --------------------------------------------------------


def test_the_facilitator_decides_the_market_square(city_centre, put_decision):
    decision = put_decision()
    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")
    decision.take_position(
        actor="resident-havenkwartier", initiative=city_centre, option="car-free"
    )
    decision.take_position(
        actor="library", initiative=city_centre, option="deliveries-only"
    )
    decision.collect_events()

    outcome = decision.decide(actor="facilitator", initiative=city_centre)

    events = decision.collect_events()
    assert outcome == "car-free"
    assert names_and_actors(events) == [("Decided", "facilitator")]
    assert events[0].outcome == "car-free"
    assert events[0].tally == {"car-free": 2, "deliveries-only": 1}
    assert decision.state is DecisionState.DECIDED
    assert decision.is_decided
    assert decision.state_description == "was decided"


def test_a_decision_point_may_be_decided_after_its_closing_time(
    city_centre, put_decision
):
    decision = put_decision(closes_at=CLOSES_AT)
    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")
    decision.collect_events()

    with clock.frozen_at(CLOSES_AT + timedelta(days=3)):
        outcome = decision.decide(actor="facilitator", initiative=city_centre)

    assert outcome == "car-free"
    assert names_and_actors(decision.collect_events()) == [("Decided", "facilitator")]


def test_a_decision_point_may_end_without_a_decision(city_centre, put_decision):
    decision = put_decision()

    outcome = decision.decide(actor="facilitator", initiative=city_centre)

    events = decision.collect_events()
    assert outcome is None
    assert names_and_actors(events) == [("Decided", "facilitator")]
    assert events[0].outcome is None
    assert events[0].tally == {"car-free": 0, "deliveries-only": 0}
    assert not decision.is_decided
    assert decision.state_description == "ended without a decision"


def test_the_bakery_cannot_decide_the_market_square(city_centre, put_decision, refused):
    decision = put_decision()

    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may decide decision points.",
        decision,
    ):
        decision.decide(actor="bakery", initiative=city_centre)
    assert decision.state is DecisionState.OPEN


def test_the_facilitator_withdraws_the_market_square(city_centre, put_decision):
    decision = put_decision()

    decision.withdraw(actor="facilitator", initiative=city_centre)

    events = decision.collect_events()
    assert names_and_actors(events) == [("Withdrawn", "facilitator")]
    assert decision.state is DecisionState.WITHDRAWN
    assert decision.state_description == "is withdrawn"


def test_the_library_cannot_withdraw_the_market_square(
    city_centre, put_decision, refused
):
    decision = put_decision()

    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may withdraw decision points.",
        decision,
    ):
        decision.withdraw(actor="library", initiative=city_centre)


@pytest.mark.parametrize(
    ("ending", "state"), [("decide", "decided"), ("withdraw", "withdrawn")]
)
@pytest.mark.parametrize("then", ["decide", "withdraw"])
def test_only_an_open_decision_point_is_decided_or_withdrawn(
    city_centre, put_decision, refused, ending, state, then
):
    decision = put_decision()
    getattr(decision, ending)(actor="facilitator", initiative=city_centre)
    decision.collect_events()

    with refused(
        rules.only_an_open_decision_point_is_decided_or_withdrawn,
        f"market-square is {state}; it can no longer be decided or withdrawn.",
        decision,
    ):
        getattr(decision, then)(actor="facilitator", initiative=city_centre)
    assert decision.state.value == state


def test_a_position_of_someone_who_left_stays_lapsed_when_they_join_again(
    city_centre, put_decision
):
    decision = put_decision()
    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")
    decision.take_position(
        actor="library", initiative=city_centre, option="deliveries-only"
    )
    # All at the same moment: what counts is the order, not the clock.
    city_centre.leave(actor="bakery", stakeholder="bakery")
    city_centre.join(
        actor="facilitator", stakeholder="bakery", kind=StakeholderKind.ENTREPRENEUR
    )
    outcome = decision.decide(actor="facilitator", initiative=city_centre)

    # Only the library's position counts: the bakery took none since coming back.
    assert outcome == "deliveries-only"
    assert decision.tally == {"car-free": 0, "deliveries-only": 1}


def test_a_lapsed_position_does_not_let_a_decision_point_be_decided_early(
    city_centre, put_decision, story_start, refused
):
    decision = put_decision(
        eligible=[StakeholderKind.ENTREPRENEUR, StakeholderKind.INSTITUTION],
        closes_at=story_start + timedelta(days=7),
    )
    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")
    decision.take_position(actor="library", initiative=city_centre, option="car-free")
    city_centre.leave(actor="bakery", stakeholder="bakery")
    city_centre.join(
        actor="facilitator", stakeholder="bakery", kind=StakeholderKind.ENTREPRENEUR
    )
    decision.collect_events()

    with refused(
        rules.a_decision_point_is_decided_once_it_closes,
        "market-square closes at 2026-01-19T09:00+01:00; before then it is "
        "decided only once everyone who may take part has taken a position (1 of 2 "
        "have not).",
        decision,
    ):
        decision.decide(actor="facilitator", initiative=city_centre)

    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")
    assert decision.decide(actor="facilitator", initiative=city_centre) == "car-free"


@pytest.mark.parametrize("command", ["take", "decide", "withdraw", "deadline"])
def test_a_decision_point_answers_only_to_its_own_initiative(
    start_city_centre, put_decision, refused, command
):
    decision = put_decision()
    other = start_city_centre("harbour")
    when = {
        "take": lambda: decision.take_position(
            actor="facilitator", initiative=other, option="car-free"
        ),
        "decide": lambda: decision.decide(actor="facilitator", initiative=other),
        "withdraw": lambda: decision.withdraw(actor="facilitator", initiative=other),
        "deadline": lambda: decision.close_by_deadline(other),
    }[command]
    with refused(
        rules.plans_and_decision_points_belong_to_their_initiative,
        "market-square belongs to another initiative than harbour.",
        decision,
    ):
        when()


def test_at_its_closing_time_a_position_still_counts_and_the_point_may_be_decided(
    city_centre, put_decision
):
    """The closing time belongs to the period: a position taken at that very
    moment is in time, and from that moment the facilitator decides without
    waiting for those who took none."""
    decision = put_decision(closes_at=CLOSES_AT)
    with clock.frozen_at(CLOSES_AT):
        decision.take_position(
            actor="bakery", initiative=city_centre, option="car-free"
        )
        decision.decide(actor="facilitator", initiative=city_centre)
    assert decision.state is DecisionState.DECIDED
    assert decision.outcome == "car-free"


def test_without_its_quorum_a_majority_decides_nothing(
    city_centre, put_decision, story_start
):
    """Three of society may take part (the bakery, the library and the resident);
    with a quorum of 50%, the bakery alone decides nothing, two of three do."""
    thin = put_decision("thin", quorum=50, closes_at=story_start + timedelta(days=1))
    thin.take_position(actor="bakery", initiative=city_centre, option="car-free")
    enough = put_decision(
        "enough", quorum=50, closes_at=story_start + timedelta(days=1)
    )
    for who in ("bakery", "library"):
        enough.take_position(actor=who, initiative=city_centre, option="car-free")
    with clock.frozen_at(story_start + timedelta(days=2)):
        assert thin.close_by_deadline(city_centre) is None
        assert enough.close_by_deadline(city_centre) == "car-free"
    assert (thin.tally, thin.quorum) == ({"car-free": 1, "deliveries-only": 0}, 50)


def test_a_migration_since_it_was_put_does_not_shrink_those_a_quorum_is_a_share_of(
    city_centre, put_decision, story_start
):
    """Put with a quorum of 50% while the city centre's template let the bakery,
    the library and the resident take positions; the bakery takes one. The
    initiative then migrates to a template whose phase lets only entrepreneurs
    take positions: at the closing time, the bakery alone is still one of the
    three the template in force when it was put let take part, short of the
    quorum."""
    entrepreneurs_only = ProcessTemplate(
        "entrepreneurs-decide",
        "1",
        "Only entrepreneurs take positions.",
        (
            Phase(
                "society-decides",
                "Entrepreneurs decide.",
                society_only=True,
                permissions={"entrepreneur": ("take_position",)},
            ),
            Phase("colleagues-join", "The colleagues join."),
        ),
    )
    decision = put_decision(quorum=50, closes_at=story_start + timedelta(days=1))
    decision.take_position(actor="bakery", initiative=city_centre, option="car-free")
    city_centre.migrate_template(actor="facilitator", process=entrepreneurs_only)

    with clock.frozen_at(story_start + timedelta(days=2)):
        outcome = decision.close_by_deadline(
            city_centre, put_under=OVERHEIDSPARTICIPATIE
        )

    assert (outcome, decision.tally) == (None, {"car-free": 1, "deliveries-only": 0})


def test_a_quorum_is_a_percentage_that_goes_with_a_vote(
    city_centre, put_decision, refused
):
    with refused(
        rules.a_quorum_goes_with_a_vote,
        "A quorum (at least 30% of those who may take part) goes with a majority or "
        "a plurality: under consent it has no meaning.",
    ):
        put_decision(rule=DecisionRule.CONSENT, options=("proposal",), quorum=30)
    with refused(
        rules.a_quorum_is_a_percentage,
        "A quorum is a percentage of those who may take part, from 1 to 100; not 0.",
    ):
        put_decision(quorum=0)
    assert put_decision(rule=DecisionRule.PLURALITY, quorum=100).quorum == 100
