"""Withdrawing an intervention of the facilitator's recorded by mistake: the
facilitator recorded their evening with the traffic working group twice. The
intervention as first recorded stays in the record; it is marked withdrawn with
the reason and keeps its number (so do the interventions after it).

Each test reads given (the facilitator's evening with the traffic working group,
recorded twice) / when (the withdrawal) / then (the new event, or the refusal
with its rule and sentence and no new event).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from samenspraak.domain import rules
from samenspraak.domain.initiative import Initiative
from samenspraak.domain.values import InterventionKind, ParticipationLevel

EVENING = datetime.fromisoformat("2026-01-08T19:30+01:00")


def intervene(initiative, text, kind=InterventionKind.ON_REQUEST):
    return initiative.record_intervention(
        actor="facilitator",
        kind=kind,
        note=text("explained how the traffic department decides"),
        intervened_at=EVENING,
        group="traffic" if kind is InterventionKind.ON_REQUEST else None,
    )


@pytest.fixture
def twice(city_centre, text):
    """Interventions 1 and 2 of the city centre: the same evening with the traffic
    working group, recorded twice. Returns the number of the second record."""
    intervene(city_centre, text)
    number = intervene(city_centre, text)
    city_centre.collect_events()
    return number


def test_the_facilitator_withdraws_an_intervention_recorded_twice(
    city_centre, twice, text
):
    city_centre.withdraw_intervention(
        actor="facilitator",
        number=twice,
        reason=text("the evening with the working group was recorded twice"),
    )

    events = city_centre.collect_events()
    assert [(type(e).__name__, e.actor) for e in events] == [
        ("InterventionWithdrawn", "facilitator")
    ]
    withdrawn = events[0]
    assert withdrawn.number == 2
    assert withdrawn.reason == text(
        "the evening with the working group was recorded twice"
    )
    assert [i.withdrawn for i in city_centre.interventions] == [False, True]
    kept = city_centre.intervention(2)
    assert (kept.kind, kept.group) == (InterventionKind.ON_REQUEST, "traffic")


def test_the_interventions_after_a_withdrawn_one_keep_their_numbers(
    city_centre, twice, text
):
    city_centre.withdraw_intervention(
        actor="facilitator", number=1, reason=text("recorded twice")
    )
    number = intervene(city_centre, text, InterventionKind.GENERAL_INTEREST)

    assert number == 3
    assert [(i.number, i.withdrawn) for i in city_centre.interventions] == [
        (1, True),
        (2, False),
        (3, False),
    ]


def test_the_replayed_initiative_shows_the_intervention_withdrawn(text):
    city = Initiative.start(
        actor="facilitator",
        slug="city-centre",
        title=text("Together for a lively city centre"),
        description=text("decide together"),
        area=text("the old town within the canals"),
        budget=Decimal("250000.00"),
        level=ParticipationLevel.CO_DECIDING,
    )
    intervene(city, text, InterventionKind.GENERAL_INTEREST)
    intervene(city, text, InterventionKind.GENERAL_INTEREST)
    city.withdraw_intervention(
        actor="facilitator", number=2, reason=text("the same evening, twice")
    )

    replayed = None
    for event in city.collect_events():
        replayed = event.mutate(replayed)

    assert [i.withdrawn for i in replayed.interventions] == [False, True]


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_withdraws_an_intervention(
    city_centre, twice, text, refused
):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may withdraw interventions.",
        city_centre,
    ):
        city_centre.withdraw_intervention(
            actor="bakery", number=twice, reason=text("it never happened")
        )


def test_an_intervention_that_was_never_recorded_cannot_be_withdrawn(
    city_centre, twice, text, refused
):
    with refused(
        rules.an_intervention_withdrawn_must_exist,
        "city-centre has 2 interventions of the facilitator; there is no "
        "intervention 3 to withdraw.",
        city_centre,
    ):
        city_centre.withdraw_intervention(
            actor="facilitator", number=3, reason=text("a mistake")
        )


def test_an_intervention_withdrawal_without_a_reason_is_refused(
    city_centre, twice, refused
):
    with refused(
        rules.an_intervention_withdrawal_gives_its_reason,
        "A withdrawal of intervention 2 of city-centre gives its reason.",
        city_centre,
    ):
        city_centre.withdraw_intervention(
            actor="facilitator", number=twice, reason=None
        )


def test_an_intervention_is_withdrawn_once(city_centre, twice, text, refused):
    city_centre.withdraw_intervention(
        actor="facilitator", number=twice, reason=text("recorded twice")
    )
    city_centre.collect_events()
    with refused(
        rules.an_intervention_is_withdrawn_once,
        "Intervention 2 of city-centre was withdrawn already; an intervention is "
        "withdrawn once.",
        city_centre,
    ):
        city_centre.withdraw_intervention(
            actor="facilitator", number=twice, reason=text("recorded twice")
        )


def test_a_withdrawn_intervention_is_not_corrected(city_centre, twice, text, refused):
    city_centre.withdraw_intervention(
        actor="facilitator", number=twice, reason=text("recorded twice")
    )
    city_centre.collect_events()
    with refused(
        rules.a_withdrawn_intervention_is_not_corrected,
        "Intervention 2 of city-centre was withdrawn; a withdrawn intervention is "
        "not corrected.",
        city_centre,
    ):
        city_centre.correct_intervention(
            actor="facilitator",
            number=twice,
            kind=InterventionKind.CONNECTION,
            reason=text("it was a connection"),
        )


def test_an_intervention_of_a_closed_initiative_is_not_withdrawn(
    city_centre, twice, text, refused
):
    """As a correction, a withdrawal is given while the process runs."""
    city_centre.close(actor="facilitator", outcome=text("a lively city centre"))
    city_centre.collect_events()
    with refused(
        rules.a_closed_initiative_takes_no_commands,
        "city-centre is closed; nothing more can be recorded in it.",
        city_centre,
    ):
        city_centre.withdraw_intervention(
            actor="facilitator", number=twice, reason=text("found late")
        )
    assert not city_centre.intervention(2).withdrawn
