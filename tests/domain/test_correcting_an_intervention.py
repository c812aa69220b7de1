"""Correcting a recorded intervention of the facilitator's: the facilitator puts
right its kind, its time, its note or who asked for it, with a reason; the
intervention as first recorded stays in the record, and the correction carries
only what changed. The rules for recording an intervention hold for it as
corrected.

Each test reads given (the facilitator's evening with the traffic working group,
recorded as asked for by the bakery and an hour too early) / when (one
correction) / then (the new event, or the refusal with its rule and sentence and
no new event).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from samenspraak.domain import rules
from samenspraak.domain.initiative import Initiative
from samenspraak.domain.values import InterventionKind, ParticipationLevel

RECORDED = datetime.fromisoformat("2026-01-08T18:30+01:00")
"""The time as first recorded: half past six (it was half past seven)."""
EVENING = datetime.fromisoformat("2026-01-08T19:30+01:00")


@pytest.fixture
def intervention(city_centre, text):
    """Intervention 1 of the city centre: present on request at the traffic
    group's evening, recorded as asked for by the bakery and an hour early."""
    number = city_centre.record_intervention(
        actor="facilitator",
        kind=InterventionKind.ON_REQUEST,
        note=text("explained how the traffic department decides"),
        intervened_at=RECORDED,
        requested_by="bakery",
    )
    city_centre.collect_events()
    return number


def names_and_actors(events):
    return [(type(e).__name__, e.actor) for e in events]


def test_the_facilitator_corrects_the_time_and_who_asked_for_an_intervention(
    city_centre, intervention, text
):
    corrected = city_centre.correct_intervention(
        actor="facilitator",
        number=intervention,
        intervened_at=EVENING,
        group="traffic",
        reason=text("the working group asked, at its evening meeting"),
    )

    assert corrected == ("intervened_at", "requested_by", "group")
    events = city_centre.collect_events()
    assert names_and_actors(events) == [("InterventionCorrected", "facilitator")]
    [event] = events
    assert event.number == 1
    assert event.intervened_at == EVENING
    assert (event.requested_by, event.group, event.nobody_asked) == (
        None,
        "traffic",
        False,
    )
    assert (event.kind, event.note) == (None, None)
    assert event.reason == text("the working group asked, at its evening meeting")
    now = city_centre.intervention(1)
    assert (now.intervened_at, now.requested_by, now.group) == (
        EVENING,
        None,
        "traffic",
    )
    assert now.kind is InterventionKind.ON_REQUEST
    assert now.note == text("explained how the traffic department decides")


def test_a_correction_carries_only_what_changed(city_centre, intervention, text):
    corrected = city_centre.correct_intervention(
        actor="facilitator",
        number=intervention,
        kind=InterventionKind.ON_REQUEST,
        intervened_at=RECORDED,
        requested_by="bakery",
        note=text("explained how the traffic department decides, and who to ask"),
        reason=text("the note was cut short"),
    )

    assert corrected == ("note",)
    [event] = city_centre.collect_events()
    assert event.note == text(
        "explained how the traffic department decides, and who to ask"
    )
    assert (event.kind, event.intervened_at, event.requested_by, event.group) == (
        None,
        None,
        None,
        None,
    )
    assert not event.nobody_asked


def test_a_correction_says_that_no_one_asked_when_the_kind_was_wrong(
    city_centre, intervention, text
):
    corrected = city_centre.correct_intervention(
        actor="facilitator",
        number=intervention,
        kind=InterventionKind.GENERAL_INTEREST,
        nobody_asked=True,
        reason=text("no one asked: the facilitator named the general interest"),
    )

    assert corrected == ("kind", "requested_by")
    [event] = city_centre.collect_events()
    assert event.kind is InterventionKind.GENERAL_INTEREST
    assert (event.requested_by, event.group, event.nobody_asked) == (None, None, True)
    now = city_centre.intervention(1)
    assert (now.kind, now.requested_by, now.group) == (
        InterventionKind.GENERAL_INTEREST,
        None,
        None,
    )


def test_another_stakeholder_who_asked_takes_the_place_of_the_one_recorded(
    city_centre, intervention, text
):
    corrected = city_centre.correct_intervention(
        actor="facilitator",
        number=intervention,
        requested_by="library",
        reason=text("it was the library that asked"),
    )

    assert corrected == ("requested_by",)
    assert city_centre.intervention(1).requested_by == "library"


def test_the_same_moment_written_with_another_offset_is_no_change(
    city_centre, intervention, text, refused
):
    with refused(
        rules.an_intervention_correction_changes_something,
        "Intervention 1 of city-centre is recorded so already; a correction changes "
        "its kind, its time, its note or who asked for it.",
        city_centre,
    ):
        city_centre.correct_intervention(
            actor="facilitator",
            number=intervention,
            intervened_at=datetime.fromisoformat("2026-01-08T17:30+00:00"),
            reason=text("written in UTC"),
        )


def test_the_replayed_initiative_shows_the_corrected_intervention(text, story_start):
    city = Initiative.start(
        actor="facilitator",
        slug="city-centre",
        title=text("Together for a lively city centre"),
        description=text("decide together"),
        area=text("the old town within the canals"),
        budget=Decimal("250000.00"),
        level=ParticipationLevel.CO_DECIDING,
    )
    city.record_intervention(
        actor="facilitator",
        kind=InterventionKind.CONNECTION,
        note=text("introduced the bakery to the traffic department"),
        intervened_at=RECORDED,
    )
    city.correct_intervention(
        actor="facilitator",
        number=1,
        kind=InterventionKind.MEDIATION,
        reason=text("they disagreed; it was mediation"),
    )
    city.correct_intervention(
        actor="facilitator",
        number=1,
        intervened_at=EVENING,
        reason=text("it was in the evening"),
    )

    replayed = None
    for event in city.collect_events():
        replayed = event.mutate(replayed)

    assert replayed.intervention(1).kind is InterventionKind.MEDIATION
    assert replayed.intervention(1).intervened_at == EVENING
    assert len(replayed.interventions) == 1


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_corrects_an_intervention(
    city_centre, intervention, text, refused
):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may correct interventions.",
        city_centre,
    ):
        city_centre.correct_intervention(
            actor="bakery",
            number=intervention,
            group="traffic",
            reason=text("the group asked"),
        )


def test_an_intervention_that_was_never_recorded_cannot_be_corrected(
    city_centre, intervention, text, refused
):
    with refused(
        rules.an_intervention_named_must_exist,
        "city-centre has 1 intervention of the facilitator; there is no "
        "intervention 2 to correct.",
        city_centre,
    ):
        city_centre.correct_intervention(
            actor="facilitator",
            number=2,
            kind=InterventionKind.MEDIATION,
            reason=text("a mistake"),
        )


def test_a_correction_that_changes_nothing_is_refused(
    city_centre, intervention, text, refused
):
    with refused(
        rules.an_intervention_correction_changes_something,
        "Intervention 1 of city-centre is recorded so already; a correction changes "
        "its kind, its time, its note or who asked for it.",
        city_centre,
    ):
        city_centre.correct_intervention(
            actor="facilitator",
            number=intervention,
            kind=InterventionKind.ON_REQUEST,
            intervened_at=RECORDED,
            requested_by="bakery",
            reason=text("to be sure"),
        )


def test_a_correction_without_anything_to_correct_is_refused(
    city_centre, intervention, text, refused
):
    with refused(
        rules.an_intervention_correction_changes_something,
        "Intervention 1 of city-centre is recorded so already; a correction changes "
        "its kind, its time, its note or who asked for it.",
        city_centre,
    ):
        city_centre.correct_intervention(
            actor="facilitator", number=intervention, reason=text("nothing")
        )


def test_a_correction_without_a_reason_is_refused(city_centre, intervention, refused):
    with refused(
        rules.an_intervention_correction_gives_its_reason,
        "A correction of intervention 1 of city-centre gives its reason.",
        city_centre,
    ):
        city_centre.correct_intervention(
            actor="facilitator", number=intervention, group="traffic", reason=None
        )


def test_a_correction_names_who_asked_or_says_no_one_did_not_both(
    city_centre, intervention, text, refused
):
    with refused(
        rules.an_intervention_correction_names_who_asked_or_that_no_one_did,
        "A correction of intervention 1 of city-centre names who asked for it or "
        "says that no one did, not both.",
        city_centre,
    ):
        city_centre.correct_intervention(
            actor="facilitator",
            number=intervention,
            kind=InterventionKind.CONNECTION,
            group="traffic",
            nobody_asked=True,
            reason=text("unsure"),
        )
    assert city_centre.intervention(1).requested_by == "bakery"


@pytest.mark.parametrize(
    ("fields", "rule", "sentence"),
    [
        (
            {"nobody_asked": True},
            rules.an_intervention_on_request_names_who_asked,
            "An intervention on request names who asked for it: a group or a "
            "stakeholder of city-centre.",
        ),
        (
            {"group": "traffic", "requested_by": "library"},
            rules.an_intervention_is_asked_for_by_a_group_or_a_stakeholder,
            "An intervention is asked for by a group or by a stakeholder, not both; "
            "name the one who asked.",
        ),
        (
            {"requested_by": "facilitator"},
            rules.the_facilitator_does_not_ask_for_their_own_intervention,
            "The facilitator of city-centre does not ask for their own "
            "intervention; name the group or the stakeholder who asked.",
        ),
        (
            {"group": "cycling"},
            rules.an_intervention_is_asked_for_from_within_the_initiative,
            "The group cycling is not a group or a stakeholder of city-centre; an "
            "intervention is asked for by those who take part.",
        ),
        (
            {"requested_by": "stranger"},
            rules.an_intervention_is_asked_for_from_within_the_initiative,
            "This stakeholder is not a group or a stakeholder of city-centre; an "
            "intervention is asked for by those who take part.",
        ),
    ],
    ids=["on request, no one", "both", "the facilitator", "no such group", "outsider"],
)
def test_the_rules_for_who_asked_hold_for_the_corrected_intervention(
    city_centre, intervention, text, refused, fields, rule, sentence
):
    with refused(rule, sentence, city_centre):
        city_centre.correct_intervention(
            actor="facilitator",
            number=intervention,
            reason=text("who asked was wrong"),
            **fields,
        )
    assert city_centre.intervention(1).requested_by == "bakery"


def test_an_intervention_corrected_to_on_request_keeps_who_asked_or_names_it(
    city_centre, text, story_start, refused
):
    city_centre.record_intervention(
        actor="facilitator",
        kind=InterventionKind.CONNECTION,
        note=text("introduced the bakery to the traffic department"),
        intervened_at=story_start,
    )
    city_centre.collect_events()
    with refused(
        rules.an_intervention_on_request_names_who_asked,
        "An intervention on request names who asked for it: a group or a "
        "stakeholder of city-centre.",
        city_centre,
    ):
        city_centre.correct_intervention(
            actor="facilitator",
            number=1,
            kind=InterventionKind.ON_REQUEST,
            reason=text("the bakery asked"),
        )

    assert city_centre.correct_intervention(
        actor="facilitator",
        number=1,
        kind=InterventionKind.ON_REQUEST,
        requested_by="bakery",
        reason=text("the bakery asked"),
    ) == ("kind", "requested_by")


def test_a_corrected_time_is_not_in_the_future_and_carries_a_timezone(
    city_centre, intervention, text, refused, story_start
):
    tomorrow = story_start + timedelta(days=1)
    with refused(
        rules.an_intervention_is_recorded_once_made,
        "An intervention is recorded once it was made; "
        f"{tomorrow.isoformat(timespec='minutes')} lies "
        "in the future.",
        city_centre,
    ):
        city_centre.correct_intervention(
            actor="facilitator",
            number=intervention,
            intervened_at=tomorrow,
            reason=text("it is tomorrow"),
        )
    with refused(
        rules.times_carry_a_timezone,
        "The time of the intervention must include a timezone "
        "(for example 2026-03-12T19:30+01:00).",
        city_centre,
    ):
        city_centre.correct_intervention(
            actor="facilitator",
            number=intervention,
            intervened_at=datetime(2026, 1, 8, 19, 30),
            reason=text("the evening"),
        )
    assert city_centre.intervention(1).intervened_at == RECORDED


def test_an_intervention_of_a_closed_initiative_is_not_corrected(
    city_centre, intervention, text, refused
):
    city_centre.close(actor="facilitator", outcome=text("a lively city centre"))
    city_centre.collect_events()
    with refused(
        rules.a_closed_initiative_takes_no_commands,
        "city-centre is closed; nothing more can be recorded in it.",
        city_centre,
    ):
        city_centre.correct_intervention(
            actor="facilitator",
            number=intervention,
            group="traffic",
            reason=text("late"),
        )
    assert city_centre.intervention(1).requested_by == "bakery"
