"""The facilitator records the position of a stakeholder who gave it another way
(a paper form, a show of hands at a meeting), as if given when it was given.

Given the city centre (still society-only), the market-square question put on
1 February 2026 at 10:00, closing at 20:00 that evening.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

import pytest

from samenspraak.domain import clock, rules
from samenspraak.domain.decision_point import DecisionPoint, Option
from samenspraak.domain.values import SOCIETY, DecisionRule

PUT_AT = datetime.fromisoformat("2026-02-01T10:00+01:00")
CLOSES_AT = datetime.fromisoformat("2026-02-01T20:00+01:00")


@pytest.fixture
def market_square(city_centre, text):
    with clock.frozen_at(PUT_AT):
        decision = DecisionPoint.put(
            actor="facilitator",
            initiative=city_centre,
            slug="market-square",
            question=text("what becomes of the market square?"),
            options=[
                Option("car-free", text("car-free")),
                Option("deliveries-only", text("deliveries before 11:00")),
            ],
            eligible=SOCIETY,
            rule=DecisionRule.MAJORITY,
            closes_at=CLOSES_AT,
        )
    decision.collect_events()
    return decision


def record(decision, initiative, **changes):
    arguments = {
        "actor": "facilitator",
        "initiative": initiative,
        "option": "car-free",
        "stakeholder": "bakery",
    }
    decision.take_position(**{**arguments, **changes})


def test_the_facilitator_records_the_bakerys_paper_form_as_the_bakerys_position(
    market_square, city_centre
):
    given = PUT_AT + timedelta(hours=2)
    with clock.frozen_at(CLOSES_AT + timedelta(days=1)):
        record(market_square, city_centre, given_at=given)

    [taken] = market_square.collect_events()
    assert (type(taken).__name__, taken.actor) == ("PositionTaken", "facilitator")
    assert (taken.stakeholder, taken.given_at) == ("bakery", given)
    assert not hasattr(taken, "recorded_by")
    assert market_square.positions["bakery"].option == "car-free"
    assert "facilitator" not in market_square.positions


def test_a_position_the_stakeholder_takes_themselves_names_no_one_who_recorded_it(
    market_square, city_centre
):
    with clock.frozen_at(PUT_AT + timedelta(hours=1)):
        market_square.take_position(
            actor="bakery", initiative=city_centre, option="car-free"
        )
    [taken] = market_square.collect_events()
    assert (taken.actor, taken.stakeholder, taken.given_at) == (
        "bakery",
        "bakery",
        None,
    )


def test_an_older_position_taken_that_names_no_stakeholder_is_its_actors(
    market_square, city_centre
):
    """Events from before ``stakeholder`` was kept name only the actor, who took
    the position themselves; the aggregate replays them as the actor's."""
    before = copy.deepcopy(market_square)
    with clock.frozen_at(PUT_AT + timedelta(hours=1)):
        market_square.take_position(
            actor="bakery", initiative=city_centre, option="deliveries-only"
        )
    [taken] = market_square.collect_events()
    del taken.__dict__["stakeholder"]  # as recorded before it was kept
    assert getattr(taken, "stakeholder", None) is None

    replayed = taken.mutate(before)

    assert replayed is not None
    assert list(replayed.positions) == ["bakery"]
    assert replayed.positions["bakery"].option == "deliveries-only"


def test_the_bakery_cannot_record_the_librarys_position(
    market_square, city_centre, refused
):
    with (
        clock.frozen_at(PUT_AT + timedelta(hours=1)),
        refused(
            rules.positions_are_taken_by_the_stakeholder_or_recorded_by_the_facilitator,
            "A position is taken by the stakeholder themselves, or recorded for them "
            "by the facilitator (from a paper form, a letter or a show of hands at a "
            "meeting).",
            market_square,
        ),
    ):
        record(market_square, city_centre, actor="bakery", stakeholder="library")


def test_the_position_of_someone_who_has_not_joined_is_not_recorded(
    market_square, city_centre, refused
):
    with (
        clock.frozen_at(PUT_AT + timedelta(hours=1)),
        refused(
            rules.a_position_is_recorded_for_someone_who_takes_part,
            "This stakeholder has not joined city-centre, or has left it; the "
            "facilitator adds them to it first, then records their position.",
            market_square,
        ),
    ):
        record(market_square, city_centre, stakeholder="newcomer")


def test_a_position_the_stakeholder_takes_themselves_says_no_moment(
    market_square, city_centre, refused
):
    with (
        clock.frozen_at(PUT_AT + timedelta(hours=2)),
        refused(
            rules.only_a_position_recorded_for_someone_says_when_it_was_given,
            "Only a position the facilitator records for someone says when it was "
            "given; one taken by the stakeholder themselves counts from when they "
            "take it.",
            market_square,
        ),
    ):
        record(
            market_square,
            city_centre,
            actor="bakery",
            given_at=PUT_AT + timedelta(hours=1),
        )


def test_a_position_given_in_the_future_is_not_recorded(
    market_square, city_centre, refused
):
    with (
        clock.frozen_at(PUT_AT + timedelta(hours=1)),
        refused(
            rules.a_position_is_recorded_once_it_was_given,
            "A position is recorded once it was given; 2026-02-01T12:00+01:00 "
            "lies in the future.",
            market_square,
        ),
    ):
        record(market_square, city_centre, given_at=PUT_AT + timedelta(hours=2))


def test_a_position_given_before_the_point_was_put_is_not_recorded(
    market_square, city_centre, refused
):
    with (
        clock.frozen_at(PUT_AT + timedelta(hours=1)),
        refused(
            rules.a_position_was_given_after_the_point_was_put,
            "A position given at 2026-02-01T09:00+01:00 was given before "
            "market-square was put (at 2026-02-01T10:00+01:00).",
            market_square,
        ),
    ):
        record(market_square, city_centre, given_at=PUT_AT - timedelta(hours=1))


def test_a_position_given_before_the_point_was_put_is_refused_on_dutch_clocks(
    city_centre, text, refused
):
    """The engine's clock runs in UTC, and the facilitator types the moment in
    UTC too: the sentence gives both moments as the clocks in the Netherlands
    showed them, not one in the offset typed and the other in UTC."""
    put_at = datetime.fromisoformat("2026-11-28T07:14:42+00:00")
    with clock.frozen_at(put_at):
        decision = DecisionPoint.put(
            actor="facilitator",
            initiative=city_centre,
            slug="market-square",
            question=text("what becomes of the market square?"),
            options=[Option("car-free", text("car-free"))],
            eligible=SOCIETY,
            rule=DecisionRule.CONSENT,
        )
    decision.collect_events()
    with (
        clock.frozen_at(put_at + timedelta(hours=1)),
        refused(
            rules.a_position_was_given_after_the_point_was_put,
            "A position given at 2026-11-27T20:00+01:00 was given before "
            "market-square was put (at 2026-11-28T08:14:42+01:00).",
            decision,
        ),
    ):
        record(
            decision,
            city_centre,
            given_at=datetime.fromisoformat("2026-11-27T19:00Z"),
        )


def test_a_position_given_after_the_closing_time_is_late_whenever_it_is_recorded(
    market_square, city_centre, refused
):
    with (
        clock.frozen_at(CLOSES_AT + timedelta(hours=1)),
        refused(
            rules.a_late_position_is_refused,
            "market-square closed at 2026-02-01T20:00+01:00; a position taken "
            "after that is late.",
            market_square,
        ),
    ):
        record(market_square, city_centre, given_at=CLOSES_AT + timedelta(minutes=1))


def test_a_civil_servants_position_is_not_recorded_while_society_decides(
    market_square, city_centre, refused
):
    with (
        clock.frozen_at(PUT_AT + timedelta(hours=1)),
        refused(
            rules.society_decides_first,
            "Society decides first: civil servants may observe, but may not take "
            "positions until the facilitator advances city-centre past the "
            "stakeholders' decision.",
            market_square,
        ),
    ):
        record(market_square, city_centre, stakeholder="civil-servant-traffic")
