"""The four decision rules: majority, plurality, consent and consensus.

First the rules on their own (``tally_positions``), then as the facilitator applies
them to a decision point in the city centre (``DecisionPoint.decide``).
"""

from __future__ import annotations

from samenspraak.domain.decision_point import OBJECT, Position, tally_positions
from samenspraak.domain.values import DecisionRule, StakeholderKind

MARKET_SQUARE = ["car-free", "deliveries-only", "as-it-is"]
BICYCLE_PARKING = ["at-the-library"]


def taken(**options_by_stakeholder):
    """Positions from keyword arguments: ``taken(bakery="car-free", ...)``."""
    return [
        Position(stakeholder.replace("_", "-"), option, None)
        for stakeholder, option in options_by_stakeholder.items()
    ]


# --- Majority: more than half of the positions taken ---------------------------------


def test_a_majority_is_more_than_half_of_the_positions_taken():
    outcome, tally = tally_positions(
        DecisionRule.MAJORITY,
        MARKET_SQUARE,
        taken(
            bakery="car-free",
            library="car-free",
            resident_havenkwartier="car-free",
            resident_kerkstraat="deliveries-only",
            entrepreneurs="deliveries-only",
        ),
        participants=[],
    )

    assert outcome == "car-free"
    assert tally == {"car-free": 3, "deliveries-only": 2, "as-it-is": 0}


def test_exactly_half_of_the_positions_is_no_majority():
    outcome, tally = tally_positions(
        DecisionRule.MAJORITY,
        MARKET_SQUARE,
        taken(
            bakery="car-free",
            library="car-free",
            resident_havenkwartier="deliveries-only",
            entrepreneurs="as-it-is",
        ),
        participants=[],
    )

    assert outcome is None
    assert tally == {"car-free": 2, "deliveries-only": 1, "as-it-is": 1}


def test_a_majority_counts_the_positions_taken_not_everyone_who_could_take_one():
    participants = ["bakery", "library", "resident-havenkwartier", "entrepreneurs"]

    outcome, _ = tally_positions(
        DecisionRule.MAJORITY,
        MARKET_SQUARE,
        taken(bakery="as-it-is"),
        participants,
    )

    assert outcome == "as-it-is"


def test_the_most_positions_without_more_than_half_is_no_majority():
    outcome, _ = tally_positions(
        DecisionRule.MAJORITY,
        MARKET_SQUARE,
        taken(
            bakery="car-free",
            library="car-free",
            resident_havenkwartier="deliveries-only",
            entrepreneurs="as-it-is",
            resident_kerkstraat="as-it-is",
        ),
        participants=[],
    )

    assert outcome is None


def test_no_positions_is_no_majority():
    outcome, tally = tally_positions(
        DecisionRule.MAJORITY, MARKET_SQUARE, [], participants=["bakery"]
    )

    assert outcome is None
    assert tally == {"car-free": 0, "deliveries-only": 0, "as-it-is": 0}


# --- Plurality: the most positions, unless another option ties with it -------------


def test_plurality_chooses_the_option_with_the_most_positions():
    outcome, tally = tally_positions(
        DecisionRule.PLURALITY,
        MARKET_SQUARE,
        taken(
            bakery="car-free",
            library="car-free",
            resident_havenkwartier="deliveries-only",
            entrepreneurs="as-it-is",
            resident_kerkstraat="as-it-is",
            housing_corporation="car-free",
        ),
        participants=[],
    )

    assert outcome == "car-free"
    assert tally == {"car-free": 3, "deliveries-only": 1, "as-it-is": 2}


def test_plurality_needs_no_more_than_half():
    outcome, _ = tally_positions(
        DecisionRule.PLURALITY,
        MARKET_SQUARE,
        taken(
            bakery="car-free",
            library="car-free",
            resident_havenkwartier="deliveries-only",
            entrepreneurs="as-it-is",
        ),
        participants=[],
    )

    assert outcome == "car-free"


def test_a_tie_for_the_most_positions_is_no_decision_by_plurality():
    outcome, tally = tally_positions(
        DecisionRule.PLURALITY,
        MARKET_SQUARE,
        taken(
            bakery="car-free",
            library="deliveries-only",
            resident_havenkwartier="car-free",
            entrepreneurs="deliveries-only",
            resident_kerkstraat="as-it-is",
        ),
        participants=[],
    )

    assert outcome is None
    assert tally == {"car-free": 2, "deliveries-only": 2, "as-it-is": 1}


def test_a_tie_below_the_most_positions_does_not_matter():
    outcome, _ = tally_positions(
        DecisionRule.PLURALITY,
        MARKET_SQUARE,
        taken(
            bakery="car-free",
            library="car-free",
            resident_havenkwartier="deliveries-only",
            entrepreneurs="as-it-is",
        ),
        participants=[],
    )

    assert outcome == "car-free"


def test_no_positions_is_no_decision_by_plurality():
    outcome, _ = tally_positions(
        DecisionRule.PLURALITY, MARKET_SQUARE, [], participants=["bakery"]
    )

    assert outcome is None


# --- Consent: the one proposal, unless someone objects ------------------------------


def test_a_proposal_without_objection_is_consented_to():
    outcome, tally = tally_positions(
        DecisionRule.CONSENT,
        BICYCLE_PARKING,
        taken(bakery="at-the-library", library="at-the-library"),
        participants=["bakery", "library", "resident-havenkwartier"],
    )

    assert outcome == "at-the-library"
    assert tally == {"at-the-library": 2, OBJECT: 0}


def test_consent_is_the_absence_of_objection_even_when_nobody_took_a_position():
    outcome, tally = tally_positions(
        DecisionRule.CONSENT, BICYCLE_PARKING, [], participants=["bakery"]
    )

    assert outcome == "at-the-library"
    assert tally == {"at-the-library": 0, OBJECT: 0}


def test_one_objection_stops_a_proposal_put_for_consent():
    outcome, tally = tally_positions(
        DecisionRule.CONSENT,
        BICYCLE_PARKING,
        taken(
            bakery="at-the-library",
            library="at-the-library",
            entrepreneurs="at-the-library",
            resident_havenkwartier=OBJECT,
        ),
        participants=[],
    )

    assert outcome is None
    assert tally == {"at-the-library": 3, OBJECT: 1}


# --- Consensus: every eligible participant took the same option ----------------------

SOCIETY_AT_THE_TABLE = ["bakery", "library", "resident-havenkwartier"]


def test_consensus_is_every_participant_choosing_the_same_option():
    outcome, tally = tally_positions(
        DecisionRule.CONSENSUS,
        MARKET_SQUARE,
        taken(bakery="car-free", library="car-free", resident_havenkwartier="car-free"),
        SOCIETY_AT_THE_TABLE,
    )

    assert outcome == "car-free"
    assert tally == {"car-free": 3, "deliveries-only": 0, "as-it-is": 0}


def test_a_participant_who_took_no_position_leaves_no_consensus():
    outcome, _ = tally_positions(
        DecisionRule.CONSENSUS,
        MARKET_SQUARE,
        taken(bakery="car-free", library="car-free"),
        SOCIETY_AT_THE_TABLE,
    )

    assert outcome is None


def test_one_different_position_leaves_no_consensus():
    outcome, _ = tally_positions(
        DecisionRule.CONSENSUS,
        MARKET_SQUARE,
        taken(
            bakery="car-free",
            library="car-free",
            resident_havenkwartier="deliveries-only",
        ),
        SOCIETY_AT_THE_TABLE,
    )

    assert outcome is None


def test_no_participants_is_no_consensus():
    outcome, _ = tally_positions(
        DecisionRule.CONSENSUS, MARKET_SQUARE, taken(bakery="car-free"), []
    )

    assert outcome is None


# --- The rules applied by deciding a decision point ----------------------------------


def decide(decision, initiative):
    """When the facilitator decides; then one Decided event (the given is cleared)."""
    decision.collect_events()
    outcome = decision.decide(actor="facilitator", initiative=initiative)
    (decided,) = decision.collect_events()
    assert (type(decided).__name__, decided.actor) == ("Decided", "facilitator")
    assert decided.outcome == outcome
    return outcome, decided.tally


def take(decision, initiative, stakeholder, option, reason=None):
    decision.take_position(
        actor=stakeholder, initiative=initiative, option=option, reason=reason
    )


def test_a_majority_decides_with_only_the_latest_position_of_each_stakeholder(
    city_centre, put_decision
):
    decision = put_decision()
    take(decision, city_centre, "bakery", "car-free")
    take(decision, city_centre, "resident-havenkwartier", "car-free")
    take(decision, city_centre, "library", "deliveries-only")
    take(decision, city_centre, "resident-havenkwartier", "deliveries-only")

    outcome, tally = decide(decision, city_centre)

    assert outcome == "deliveries-only"
    assert tally == {"car-free": 1, "deliveries-only": 2}


def test_a_tie_by_plurality_ends_without_a_decision(city_centre, put_decision):
    decision = put_decision(rule=DecisionRule.PLURALITY)
    take(decision, city_centre, "bakery", "car-free")
    take(decision, city_centre, "library", "deliveries-only")

    outcome, tally = decide(decision, city_centre)

    assert outcome is None
    assert tally == {"car-free": 1, "deliveries-only": 1}
    assert not decision.is_decided


def test_plurality_decides_once_the_tie_is_broken(city_centre, put_decision):
    decision = put_decision(rule=DecisionRule.PLURALITY)
    take(decision, city_centre, "bakery", "car-free")
    take(decision, city_centre, "library", "deliveries-only")
    take(decision, city_centre, "resident-havenkwartier", "car-free")

    outcome, _ = decide(decision, city_centre)

    assert outcome == "car-free"


def test_the_residents_objection_stops_bicycle_parking_at_the_library(
    city_centre, put_decision, text
):
    decision = put_decision(
        slug="bicycle-parking", rule=DecisionRule.CONSENT, options=BICYCLE_PARKING
    )
    take(decision, city_centre, "bakery", "at-the-library")
    take(
        decision,
        city_centre,
        "resident-havenkwartier",
        OBJECT,
        text("the pavement is too narrow"),
    )

    outcome, tally = decide(decision, city_centre)

    assert outcome is None
    assert tally == {"at-the-library": 1, OBJECT: 1}


def test_a_withdrawn_objection_lets_the_proposal_pass(city_centre, put_decision, text):
    decision = put_decision(
        slug="bicycle-parking", rule=DecisionRule.CONSENT, options=BICYCLE_PARKING
    )
    take(
        decision,
        city_centre,
        "resident-havenkwartier",
        OBJECT,
        text("the pavement is too narrow"),
    )
    take(decision, city_centre, "resident-havenkwartier", "at-the-library")

    outcome, tally = decide(decision, city_centre)

    assert outcome == "at-the-library"
    assert tally == {"at-the-library": 1, OBJECT: 0}


def test_consensus_is_reached_when_every_joined_eligible_stakeholder_agrees(
    city_centre, put_decision
):
    decision = put_decision(rule=DecisionRule.CONSENSUS)
    for stakeholder in ("bakery", "library", "resident-havenkwartier"):
        take(decision, city_centre, stakeholder, "car-free")

    outcome, tally = decide(decision, city_centre)

    assert outcome == "car-free"
    assert tally == {"car-free": 3, "deliveries-only": 0}


def test_an_eligible_stakeholder_who_stayed_silent_blocks_consensus(
    city_centre, put_decision
):
    decision = put_decision(rule=DecisionRule.CONSENSUS)
    take(decision, city_centre, "bakery", "car-free")
    take(decision, city_centre, "library", "car-free")

    outcome, _ = decide(decision, city_centre)

    assert outcome is None


def test_a_stakeholder_who_left_without_a_position_does_not_block_consensus(
    city_centre, put_decision
):
    decision = put_decision(rule=DecisionRule.CONSENSUS)
    take(decision, city_centre, "bakery", "car-free")
    take(decision, city_centre, "library", "car-free")
    city_centre.leave(
        actor="resident-havenkwartier", stakeholder="resident-havenkwartier"
    )

    outcome, _ = decide(decision, city_centre)

    assert outcome == "car-free"


def test_a_stakeholder_who_joins_late_must_agree_too(city_centre, put_decision):
    decision = put_decision(rule=DecisionRule.CONSENSUS)
    for stakeholder in ("bakery", "library", "resident-havenkwartier"):
        take(decision, city_centre, stakeholder, "car-free")
    city_centre.join(
        actor="facilitator",
        stakeholder="resident-kerkstraat",
        kind=StakeholderKind.RESIDENT,
    )

    outcome, _ = decide(decision, city_centre)

    assert outcome is None


def test_a_stakeholder_who_left_after_taking_a_position_does_not_block_consensus(
    city_centre, put_decision
):
    decision = put_decision(rule=DecisionRule.CONSENSUS)
    take(decision, city_centre, "bakery", "car-free")
    take(decision, city_centre, "library", "car-free")
    take(decision, city_centre, "resident-havenkwartier", "deliveries-only")
    city_centre.leave(
        actor="resident-havenkwartier", stakeholder="resident-havenkwartier"
    )

    outcome, _ = decide(decision, city_centre)

    assert outcome == "car-free"
