"""The budget of the city centre: EUR 250,000.00, allocated only after decisions.

Allocations never add up to more than the budget, follow from a decided decision
point of the same initiative, and are positive amounts in whole cents.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from samenspraak.domain import rules
from samenspraak.domain.initiative import Allocation
from samenspraak.domain.values import StakeholderKind


def names_and_actors(events):
    return [(type(e).__name__, e.actor) for e in events]


@pytest.fixture
def market_square_decided(city_centre, put_decision):
    """The market square was decided: car-free (the bakery and the resident)."""
    decision = put_decision()
    for stakeholder in ("bakery", "resident-havenkwartier"):
        decision.take_position(
            actor=stakeholder, initiative=city_centre, option="car-free"
        )
    decision.decide(actor="facilitator", initiative=city_centre)
    decision.collect_events()
    assert decision.is_decided
    return decision


@pytest.fixture
def allocate(city_centre, market_square_decided, text):
    def allocate(amount, *, actor="facilitator", decision=market_square_decided):
        city_centre.allocate_budget(
            actor=actor,
            amount=Decimal(amount),
            purpose=text(f"EUR {amount} for the car-free market square"),
            decision=decision,
        )

    return allocate


def test_the_facilitator_allocates_budget_for_the_car_free_market_square(
    city_centre, market_square_decided, text
):
    city_centre.allocate_budget(
        actor="facilitator",
        amount=Decimal("100000.00"),
        purpose=text("paving and benches on the market square"),
        decision=market_square_decided,
    )

    events = city_centre.collect_events()
    assert names_and_actors(events) == [("BudgetAllocated", "facilitator")]
    assert events[0].amount == Decimal("100000.00")
    assert events[0].purpose == text("paving and benches on the market square")
    assert events[0].decision_id == market_square_decided.id
    assert city_centre.allocations == [
        Allocation(
            Decimal("100000.00"),
            text("paving and benches on the market square"),
            market_square_decided.id,
        )
    ]
    assert city_centre.allocated == Decimal("100000.00")


def test_allocations_may_use_the_whole_budget(city_centre, allocate):
    allocate("150000.00")
    allocate("100000")
    events = city_centre.collect_events()

    assert [e.amount for e in events] == [Decimal("150000.00"), Decimal("100000")]
    assert city_centre.allocated == city_centre.budget == Decimal("250000.00")


def test_allocations_never_add_up_to_more_than_the_budget(
    city_centre, allocate, refused
):
    allocate("100000.00")
    city_centre.collect_events()

    with refused(
        rules.allocations_stay_within_the_budget,
        "Allocating EUR 150000.01 would bring the allocations of city-centre to "
        "EUR 250000.01, over its budget of EUR 250000.00.",
        city_centre,
    ):
        allocate("150000.01")
    assert city_centre.allocated == Decimal("100000.00")


def test_nothing_can_be_allocated_from_an_empty_budget(
    start_city_centre, put_decision, text, refused
):
    harbour = start_city_centre(slug="harbour", budget="0.00")
    decision = put_decision(
        slug="quay", eligible=[StakeholderKind.RESIDENT], initiative=harbour
    )
    harbour.join(
        actor="facilitator", stakeholder="quay-resident", kind=StakeholderKind.RESIDENT
    )
    harbour.collect_events()
    decision.take_position(actor="quay-resident", initiative=harbour, option="car-free")
    decision.decide(actor="facilitator", initiative=harbour)

    with refused(
        rules.allocations_stay_within_the_budget,
        "Allocating EUR 0.01 would bring the allocations of harbour to EUR 0.01, "
        "over its budget of EUR 0.00.",
        harbour,
    ):
        harbour.allocate_budget(
            actor="facilitator",
            amount=Decimal("0.01"),
            purpose=text("a bench on the quay"),
            decision=decision,
        )


@pytest.mark.parametrize("amount", ["0.01", "12.5", "12.50"])
def test_an_allocation_is_any_positive_amount_in_whole_cents(
    city_centre, allocate, amount
):
    allocate(amount)

    (allocated,) = city_centre.collect_events()
    assert allocated.amount == Decimal(amount)


@pytest.mark.parametrize("amount", ["0", "0.00", "-500.00", "10.005", "NaN"])
def test_an_allocation_is_a_positive_amount_with_at_most_two_decimals(
    city_centre, allocate, refused, amount
):
    with refused(
        rules.an_allocation_is_a_positive_amount,
        "An allocation is a positive amount in euros with at most two decimals.",
        city_centre,
    ):
        allocate(amount)
    assert city_centre.allocations == []


def test_an_allocation_cannot_follow_from_an_open_decision_point(
    city_centre, put_decision, allocate, refused
):
    open_question = put_decision(slug="bicycle-parking")

    with refused(
        rules.an_allocation_follows_from_a_decision,
        "A budget allocation follows from a decision taken in city-centre; "
        "bicycle-parking is open.",
        city_centre,
    ):
        allocate("5000.00", decision=open_question)


def test_an_allocation_cannot_follow_from_a_withdrawn_decision_point(
    city_centre, put_decision, allocate, refused
):
    withdrawn = put_decision(slug="bicycle-parking")
    withdrawn.withdraw(actor="facilitator", initiative=city_centre)

    with refused(
        rules.an_allocation_follows_from_a_decision,
        "A budget allocation follows from a decision taken in city-centre; "
        "bicycle-parking is withdrawn.",
        city_centre,
    ):
        allocate("5000.00", decision=withdrawn)


def test_an_allocation_cannot_follow_from_a_decision_point_without_a_decision(
    city_centre, put_decision, allocate, refused
):
    undecided = put_decision(slug="bicycle-parking")
    undecided.decide(actor="facilitator", initiative=city_centre)

    with refused(
        rules.an_allocation_follows_from_a_decision,
        "A budget allocation follows from a decision taken in city-centre; "
        "bicycle-parking ended without a decision.",
        city_centre,
    ):
        allocate("5000.00", decision=undecided)


def test_an_allocation_cannot_follow_from_a_decision_of_another_initiative(
    start_city_centre, put_decision, allocate, city_centre, refused
):
    harbour = start_city_centre(slug="harbour")
    theirs = put_decision(
        slug="quay", eligible=[StakeholderKind.RESIDENT], initiative=harbour
    )
    harbour.join(
        actor="facilitator", stakeholder="quay-resident", kind=StakeholderKind.RESIDENT
    )
    harbour.collect_events()
    theirs.take_position(actor="quay-resident", initiative=harbour, option="car-free")
    theirs.decide(actor="facilitator", initiative=harbour)
    assert theirs.is_decided

    with refused(
        rules.an_allocation_follows_from_a_decision,
        "A budget allocation follows from a decision taken in city-centre; "
        "quay belongs to another initiative.",
        city_centre,
    ):
        allocate("5000.00", decision=theirs)


def test_the_bakery_cannot_allocate_the_budget(city_centre, allocate, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may allocate the budget.",
        city_centre,
    ):
        allocate("5000.00", actor="bakery")


def test_a_closed_initiative_allocates_nothing(city_centre, allocate, text, refused):
    city_centre.close(actor="facilitator", outcome=text("done"))
    city_centre.collect_events()

    with refused(
        rules.a_closed_initiative_takes_no_commands,
        "city-centre is closed; nothing more can be recorded in it.",
        city_centre,
    ):
        allocate("5000.00")


def test_an_amount_beyond_any_budget_is_refused_by_the_rule_not_by_arithmetic(
    allocate, refused, city_centre
):
    with refused(
        rules.allocations_stay_within_the_budget,
        "Allocating EUR 1E+30 would bring the allocations of city-centre to "
        "EUR 1.000000000000000000000000000E+30, over its budget of EUR 250000.00.",
        city_centre,
    ):
        allocate("1E+30")


def test_an_allocation_cannot_follow_from_a_decision_put_to_civil_servants_alone(
    city_centre, put_decision, allocate, refused
):
    city_centre.advance_phase(actor="facilitator")  # colleagues join
    among_colleagues = put_decision(
        slug="office-hours", eligible=[StakeholderKind.CIVIL_SERVANT]
    )
    among_colleagues.take_position(
        actor="civil-servant-traffic", initiative=city_centre, option="car-free"
    )
    among_colleagues.decide(actor="facilitator", initiative=city_centre)
    assert among_colleagues.is_decided
    city_centre.collect_events()

    with refused(
        rules.an_allocation_follows_from_a_decision_of_society,
        "A budget allocation follows from a decision put to residents, entrepreneurs "
        "or institutions; office-hours was put to civil-servant only.",
        city_centre,
    ):
        allocate("5000.00", decision=among_colleagues)
