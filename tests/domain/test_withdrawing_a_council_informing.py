"""Withdrawing an informing of the council recorded by mistake: the facilitator
recorded the neighbouring initiative's vision here, or an informal session that
was called off. The informing as first recorded stays in the record, with its
audit head; it is marked withdrawn with the reason, keeps its number, and no longer
counts as informing the council.

Each test reads given (the vision recorded as shown to the council in an informal
session yesterday evening) / when (the withdrawal) / then (the new event, or the
refusal with its rule and sentence and no new event).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest

from samenspraak.domain import rules
from samenspraak.domain.initiative import Initiative
from samenspraak.domain.templates import Phase, ProcessTemplate
from samenspraak.domain.values import CouncilSession, ParticipationLevel

VISION = hashlib.sha256(b"the vision for the city centre").hexdigest()
TRAFFIC_PLAN = hashlib.sha256(b"the traffic plan for the city centre").hexdigest()
HEAD = "12:" + "ab" * 32


@pytest.fixture
def informing(city_centre, text, story_start):
    """Informing 1 of the city centre: the vision, recorded as shown in an
    informal session yesterday evening."""
    city_centre.inform_council(
        actor="facilitator",
        document_title=text("Vision for the city centre"),
        document_sha256=VISION,
        session=CouncilSession.INFORMAL,
        informed_at=story_start - timedelta(hours=14),
        audit_head=HEAD,
    )
    city_centre.collect_events()
    return 1


def inform(initiative, text, at, sha256=TRAFFIC_PLAN):
    initiative.inform_council(
        actor="facilitator",
        document_title=text("The traffic plan"),
        document_sha256=sha256,
        session=CouncilSession.LETTER,
        informed_at=at,
    )


def test_the_facilitator_withdraws_an_informing_recorded_for_the_wrong_initiative(
    city_centre, informing, text
):
    city_centre.withdraw_council_informing(
        actor="facilitator",
        informing=informing,
        reason=text("the vision of the harbour district, recorded here by mistake"),
    )

    events = city_centre.collect_events()
    assert [(type(e).__name__, e.actor) for e in events] == [
        ("CouncilInformingWithdrawn", "facilitator")
    ]
    withdrawn = events[0]
    assert withdrawn.informing == 1
    assert withdrawn.reason == text(
        "the vision of the harbour district, recorded here by mistake"
    )
    assert not hasattr(withdrawn, "audit_head")
    assert len(city_centre.council_informings) == 1
    kept = city_centre.council_informing(1)
    assert kept.withdrawn
    assert (kept.document_sha256, kept.session) == (VISION, CouncilSession.INFORMAL)


def test_the_informings_after_a_withdrawn_one_keep_their_numbers(
    city_centre, informing, text, story_start
):
    inform(city_centre, text, story_start - timedelta(hours=2))
    city_centre.withdraw_council_informing(
        actor="facilitator", informing=informing, reason=text("never shown")
    )
    city_centre.record_council_follow_up(
        actor="facilitator",
        informing=2,
        summary=text("the council asked questions about the traffic plan"),
        followed_up_at=story_start - timedelta(hours=1),
    )

    assert [i.withdrawn for i in city_centre.council_informings] == [True, False]
    assert city_centre.council_informing(2).document_sha256 == TRAFFIC_PLAN
    assert [f.informing for f in city_centre.council_follow_ups] == [2]


def test_the_replayed_initiative_shows_the_informing_withdrawn(text, story_start):
    city = Initiative.start(
        actor="facilitator",
        slug="city-centre",
        title=text("Together for a lively city centre"),
        description=text("decide together"),
        area=text("the old town within the canals"),
        budget=Decimal("250000.00"),
        level=ParticipationLevel.CO_DECIDING,
    )
    inform(city, text, story_start - timedelta(days=1))
    inform(city, text, story_start, sha256=VISION)
    city.withdraw_council_informing(
        actor="facilitator", informing=1, reason=text("the session was called off")
    )

    replayed = None
    for event in city.collect_events():
        replayed = event.mutate(replayed)

    assert [i.withdrawn for i in replayed.council_informings] == [True, False]
    assert replayed.informings_in_phase == {2}


def test_an_informing_withdrawn_may_be_recorded_again_once_it_turns_out_it_happened(
    city_centre, informing, text, story_start
):
    city_centre.withdraw_council_informing(
        actor="facilitator", informing=informing, reason=text("thought called off")
    )
    city_centre.inform_council(
        actor="facilitator",
        document_title=text("Vision for the city centre"),
        document_sha256=VISION,
        session=CouncilSession.INFORMAL,
        informed_at=story_start - timedelta(hours=14),
    )

    assert len(city_centre.council_informings) == 2
    assert not city_centre.council_informing(2).withdrawn


# --- The guard council_informed -------------------------------------------------------


def told_twice() -> ProcessTemplate:
    """The vision is shown early; the council phase ends once it was informed there."""
    return ProcessTemplate(
        name="told-twice",
        version="1",
        description="The vision is shown early; the council hears the outcome later.",
        phases=(
            Phase("society-decides", "Society decides.", society_only=True),
            Phase("council", "The council is told.", guards=("council_informed",)),
            Phase("implementation", "It is carried out."),
        ),
    )


@pytest.fixture
def in_the_council_phase(city_centre, informing):
    """The city centre follows told-twice and is in its council phase (the vision
    was informing 1, in the phase before)."""
    city_centre.migrate_template(actor="facilitator", process=told_twice())
    city_centre.advance_phase(actor="facilitator")
    city_centre.collect_events()
    return city_centre


def test_a_withdrawn_informing_no_longer_lets_the_phase_be_left(
    in_the_council_phase, text, story_start, refused
):
    city_centre = in_the_council_phase
    inform(city_centre, text, story_start)
    city_centre.withdraw_council_informing(
        actor="facilitator", informing=2, reason=text("the letter was never sent")
    )
    city_centre.collect_events()

    with refused(
        rules.a_phase_is_left_when_its_guards_hold,
        "city-centre cannot leave the phase council until the council has been "
        "informed in this phase (an informing recorded since the phase began and "
        "not withdrawn).",
        city_centre,
    ):
        city_centre.advance_phase(actor="facilitator")


def test_another_informing_of_the_phase_still_lets_it_be_left(
    in_the_council_phase, text, story_start
):
    city_centre = in_the_council_phase
    inform(city_centre, text, story_start - timedelta(hours=1))
    inform(city_centre, text, story_start, sha256=VISION)
    city_centre.withdraw_council_informing(
        actor="facilitator", informing=2, reason=text("recorded twice")
    )

    assert city_centre.advance_phase(actor="facilitator") == "implementation"


def test_a_phase_left_on_the_strength_of_an_informing_stays_left_when_it_is_withdrawn(
    in_the_council_phase, text, story_start
):
    """History is not rewritten: the phase was left when the guard held."""
    city_centre = in_the_council_phase
    inform(city_centre, text, story_start)
    city_centre.advance_phase(actor="facilitator")

    city_centre.withdraw_council_informing(
        actor="facilitator", informing=2, reason=text("the neighbourhood's letter")
    )

    assert city_centre.phase == "implementation"
    assert [type(e).__name__ for e in city_centre.collect_events()] == [
        "CouncilInformed",
        "PhaseAdvanced",
        "CouncilInformingWithdrawn",
    ]


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_withdraws_an_informing(
    city_centre, informing, text, refused
):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may withdraw an informing of the council.",
        city_centre,
    ):
        city_centre.withdraw_council_informing(
            actor="bakery", informing=informing, reason=text("it never happened")
        )


def test_an_informing_that_was_never_recorded_cannot_be_withdrawn(
    city_centre, informing, text, refused
):
    with refused(
        rules.an_informing_withdrawn_must_exist,
        "city-centre has 1 informing of the council; there is no informing 2 to "
        "withdraw.",
        city_centre,
    ):
        city_centre.withdraw_council_informing(
            actor="facilitator", informing=2, reason=text("a mistake")
        )


def test_an_informing_withdrawal_without_a_reason_is_refused(
    city_centre, informing, refused
):
    with refused(
        rules.an_informing_withdrawal_gives_its_reason,
        "A withdrawal of informing 1 of city-centre gives its reason.",
        city_centre,
    ):
        city_centre.withdraw_council_informing(
            actor="facilitator", informing=informing, reason=None
        )


def test_an_informing_is_withdrawn_once(city_centre, informing, text, refused):
    city_centre.withdraw_council_informing(
        actor="facilitator", informing=informing, reason=text("called off")
    )
    city_centre.collect_events()
    with refused(
        rules.an_informing_is_withdrawn_once,
        "Informing 1 of city-centre was withdrawn already; an informing is "
        "withdrawn once.",
        city_centre,
    ):
        city_centre.withdraw_council_informing(
            actor="facilitator", informing=informing, reason=text("called off")
        )


def test_an_informing_the_council_followed_up_is_not_withdrawn(
    city_centre, informing, text, refused, story_start
):
    """The council acted on it, so it happened: a follow-up answers it."""
    city_centre.record_council_follow_up(
        actor="facilitator",
        informing=informing,
        summary=text("the council asked for a traffic plan"),
        followed_up_at=story_start - timedelta(hours=13),
    )
    city_centre.collect_events()
    with refused(
        rules.an_informing_the_council_followed_up_is_not_withdrawn,
        "The council followed up informing 1 of city-centre at "
        "2026-01-11T20:00+01:00; an informing the council acted on is not "
        "withdrawn.",
        city_centre,
    ):
        city_centre.withdraw_council_informing(
            actor="facilitator", informing=informing, reason=text("a mistake")
        )


def test_a_withdrawn_informing_is_not_corrected(city_centre, informing, text, refused):
    city_centre.withdraw_council_informing(
        actor="facilitator", informing=informing, reason=text("called off")
    )
    city_centre.collect_events()
    with refused(
        rules.a_withdrawn_informing_is_not_corrected,
        "Informing 1 of city-centre was withdrawn; a withdrawn informing is not "
        "corrected.",
        city_centre,
    ):
        city_centre.correct_council_informing(
            actor="facilitator",
            informing=informing,
            session=CouncilSession.FORMAL,
            reason=text("it was formal after all"),
        )


def test_a_withdrawn_informing_is_not_followed_up(
    city_centre, informing, text, refused, story_start
):
    city_centre.withdraw_council_informing(
        actor="facilitator", informing=informing, reason=text("called off")
    )
    city_centre.collect_events()
    with refused(
        rules.a_withdrawn_informing_is_not_followed_up,
        "Informing 1 of city-centre was withdrawn; the council's follow-up answers "
        "an informing that stands.",
        city_centre,
    ):
        city_centre.record_council_follow_up(
            actor="facilitator",
            informing=informing,
            summary=text("the council adopted the vision"),
            followed_up_at=story_start - timedelta(hours=1),
        )


def test_an_informing_is_withdrawn_also_once_the_initiative_is_closed(
    city_centre, informing, text, refused
):
    """A mistake in the record of what the council was told may be found after
    the participation ended, as a wrong document hash may: the facilitator
    withdraws it then too (and only the facilitator)."""
    city_centre.close(actor="facilitator", outcome=text("a lively city centre"))
    city_centre.collect_events()
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may withdraw an informing of the council.",
        city_centre,
    ):
        city_centre.withdraw_council_informing(
            actor="bakery", informing=informing, reason=text("late")
        )
    city_centre.withdraw_council_informing(
        actor="facilitator", informing=informing, reason=text("found late")
    )
    assert city_centre.council_informing(1).withdrawn
