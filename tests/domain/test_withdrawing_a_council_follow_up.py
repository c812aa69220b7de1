"""Withdrawing a follow-up of the council recorded by mistake: the facilitator
recorded the council's decision against the vision when it answered the traffic
plan, or recorded a follow-up the council never gave. The follow-up as first
recorded stays in the record; it is marked withdrawn with the reason, keeps its
number among its informing's follow-ups, and no longer keeps its informing from
being withdrawn.

Each test reads given (the vision shown to the council in an informal session
yesterday evening, and what the council did with it) / when (the withdrawal) /
then (the new event, or the refusal with its rule and sentence and no new event).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest

from samenspraak.domain import rules
from samenspraak.domain.initiative import Initiative
from samenspraak.domain.values import CouncilSession, ParticipationLevel

VISION = hashlib.sha256(b"the vision for the city centre").hexdigest()
TRAFFIC_PLAN = hashlib.sha256(b"the traffic plan for the city centre").hexdigest()


def inform(initiative, text, at, sha256=VISION, title="Vision for the city centre"):
    initiative.inform_council(
        actor="facilitator",
        document_title=text(title),
        document_sha256=sha256,
        session=CouncilSession.INFORMAL,
        informed_at=at,
    )


def follow_up(initiative, text, at, informing=1, summary="the council adopted it"):
    initiative.record_council_follow_up(
        actor="facilitator",
        informing=informing,
        summary=text(summary),
        followed_up_at=at,
    )


@pytest.fixture
def followed_up(city_centre, text, story_start):
    """Informing 1 of the city centre (the vision, yesterday evening) with one
    follow-up: the council adopted it, an hour later."""
    inform(city_centre, text, story_start - timedelta(hours=14))
    follow_up(city_centre, text, story_start - timedelta(hours=13))
    city_centre.collect_events()
    return 1


def test_the_facilitator_withdraws_a_follow_up_recorded_against_the_wrong_informing(
    city_centre, followed_up, text
):
    withdrawn = city_centre.withdraw_council_follow_up(
        actor="facilitator",
        informing=followed_up,
        reason=text("the decision answers the traffic plan, not the vision"),
    )

    events = city_centre.collect_events()
    assert [(type(e).__name__, e.actor) for e in events] == [
        ("CouncilFollowUpWithdrawn", "facilitator")
    ]
    assert withdrawn == 1
    assert (events[0].informing, events[0].follow_up) == (1, 1)
    assert events[0].reason == text(
        "the decision answers the traffic plan, not the vision"
    )
    kept = city_centre.council_follow_ups_of(1)
    assert [f.withdrawn for f in kept] == [True]
    assert kept[0].summary == text("the council adopted it")


def test_the_follow_up_is_named_by_its_number_when_there_are_several_and_the_others_keep_theirs(
    city_centre, followed_up, text, story_start
):
    follow_up(city_centre, text, story_start - timedelta(hours=12), summary="a motion")
    follow_up(city_centre, text, story_start - timedelta(hours=11), summary="questions")
    city_centre.collect_events()

    city_centre.withdraw_council_follow_up(
        actor="facilitator",
        informing=followed_up,
        follow_up=2,
        reason=text("no motion was adopted"),
    )

    kept = city_centre.council_follow_ups_of(1)
    assert [(f.summary, f.withdrawn) for f in kept] == [
        (text("the council adopted it"), False),
        (text("a motion"), True),
        (text("questions"), False),
    ]


def test_a_follow_up_withdrawn_no_longer_keeps_its_informing_from_being_withdrawn(
    city_centre, followed_up, text
):
    """The follow-up was all that showed the council acted on it; once it is
    withdrawn, the informing recorded by mistake can be withdrawn too."""
    city_centre.withdraw_council_follow_up(
        actor="facilitator", informing=followed_up, reason=text("never given")
    )
    city_centre.withdraw_council_informing(
        actor="facilitator", informing=followed_up, reason=text("never shown")
    )

    assert [type(e).__name__ for e in city_centre.collect_events()] == [
        "CouncilFollowUpWithdrawn",
        "CouncilInformingWithdrawn",
    ]
    assert city_centre.council_informing(1).withdrawn


def test_an_informing_with_a_follow_up_that_stands_is_still_not_withdrawn(
    city_centre, followed_up, text, refused, story_start
):
    follow_up(city_centre, text, story_start - timedelta(hours=12), summary="a motion")
    city_centre.withdraw_council_follow_up(
        actor="facilitator", informing=1, follow_up=1, reason=text("never given")
    )
    city_centre.collect_events()
    with refused(
        rules.an_informing_the_council_followed_up_is_not_withdrawn,
        "The council followed up informing 1 of city-centre at "
        "2026-01-11T21:00+01:00; an informing the council acted on is not "
        "withdrawn.",
        city_centre,
    ):
        city_centre.withdraw_council_informing(
            actor="facilitator", informing=1, reason=text("a mistake")
        )


def test_a_withdrawn_follow_up_no_longer_bounds_a_correction_of_its_informings_time(
    city_centre, followed_up, text, story_start
):
    city_centre.withdraw_council_follow_up(
        actor="facilitator", informing=followed_up, reason=text("never given")
    )
    city_centre.correct_council_informing(
        actor="facilitator",
        informing=followed_up,
        informed_at=story_start - timedelta(hours=1),
        reason=text("it was shown this morning"),
    )

    assert city_centre.council_informing(1).informed_at == story_start - timedelta(
        hours=1
    )


def test_the_replayed_initiative_shows_the_follow_up_withdrawn(text, story_start):
    city = Initiative.start(
        actor="facilitator",
        slug="city-centre",
        title=text("Together for a lively city centre"),
        description=text("decide together"),
        area=text("the old town within the canals"),
        budget=Decimal("250000.00"),
        level=ParticipationLevel.CO_DECIDING,
    )
    inform(city, text, story_start - timedelta(days=2))
    inform(city, text, story_start - timedelta(days=1), sha256=TRAFFIC_PLAN)
    follow_up(city, text, story_start - timedelta(hours=20), informing=2)
    follow_up(city, text, story_start - timedelta(hours=10), informing=1)
    follow_up(city, text, story_start - timedelta(hours=5), informing=2)
    city.withdraw_council_follow_up(
        actor="facilitator", informing=2, follow_up=2, reason=text("a mistake")
    )

    replayed = None
    for event in city.collect_events():
        replayed = event.mutate(replayed)

    assert [(f.informing, f.withdrawn) for f in replayed.council_follow_ups] == [
        (2, False),
        (1, False),
        (2, True),
    ]


def test_only_the_facilitator_withdraws_a_follow_up(
    city_centre, followed_up, text, refused
):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may withdraw a follow-up of the council.",
        city_centre,
    ):
        city_centre.withdraw_council_follow_up(
            actor="bakery", informing=followed_up, reason=text("never given")
        )


def test_a_follow_up_of_an_informing_never_recorded_cannot_be_withdrawn(
    city_centre, followed_up, text, refused
):
    with refused(
        rules.a_follow_up_withdrawn_answers_an_informing,
        "city-centre has 1 informing of the council; there is no informing 2 whose "
        "follow-up to withdraw.",
        city_centre,
    ):
        city_centre.withdraw_council_follow_up(
            actor="facilitator", informing=2, reason=text("a mistake")
        )


def test_a_follow_up_never_recorded_cannot_be_withdrawn(
    city_centre, followed_up, text, refused
):
    with refused(
        rules.a_follow_up_withdrawn_must_exist,
        "Informing 1 of city-centre has 1 follow-up by the council; there is no "
        "follow-up 2 of it to withdraw.",
        city_centre,
    ):
        city_centre.withdraw_council_follow_up(
            actor="facilitator", informing=1, follow_up=2, reason=text("a mistake")
        )


def test_an_informing_without_follow_ups_has_none_to_withdraw(
    city_centre, text, refused, story_start
):
    inform(city_centre, text, story_start - timedelta(hours=14))
    city_centre.collect_events()
    with refused(
        rules.a_follow_up_withdrawn_must_exist,
        "Informing 1 of city-centre has no follow-ups by the council; there is no "
        "follow-up 1 of it to withdraw.",
        city_centre,
    ):
        city_centre.withdraw_council_follow_up(
            actor="facilitator", informing=1, reason=text("a mistake")
        )


def test_which_follow_up_is_named_when_the_informing_has_several(
    city_centre, followed_up, text, refused, story_start
):
    follow_up(city_centre, text, story_start - timedelta(hours=12), summary="a motion")
    city_centre.collect_events()
    with refused(
        rules.a_follow_up_withdrawn_is_named,
        "Informing 1 of city-centre has 2 follow-ups by the council; name the one "
        "to withdraw, from 1 in the order recorded.",
        city_centre,
    ):
        city_centre.withdraw_council_follow_up(
            actor="facilitator", informing=1, reason=text("a mistake")
        )


def test_a_follow_up_withdrawal_without_a_reason_is_refused(
    city_centre, followed_up, refused
):
    with refused(
        rules.a_follow_up_withdrawal_gives_its_reason,
        "A withdrawal of follow-up 1 of informing 1 of city-centre gives its reason.",
        city_centre,
    ):
        city_centre.withdraw_council_follow_up(
            actor="facilitator", informing=followed_up, reason=None
        )


def test_a_follow_up_is_withdrawn_once(city_centre, followed_up, text, refused):
    city_centre.withdraw_council_follow_up(
        actor="facilitator", informing=followed_up, reason=text("never given")
    )
    city_centre.collect_events()
    with refused(
        rules.a_follow_up_is_withdrawn_once,
        "Follow-up 1 of informing 1 of city-centre was withdrawn already; a "
        "follow-up is withdrawn once.",
        city_centre,
    ):
        city_centre.withdraw_council_follow_up(
            actor="facilitator", informing=followed_up, reason=text("never given")
        )


def test_the_right_follow_up_is_recorded_after_the_wrong_one_is_withdrawn(
    city_centre, followed_up, text, story_start
):
    city_centre.withdraw_council_follow_up(
        actor="facilitator", informing=followed_up, reason=text("a motion, really")
    )
    follow_up(city_centre, text, story_start - timedelta(hours=12), summary="a motion")

    assert [(f.summary, f.withdrawn) for f in city_centre.council_follow_ups_of(1)] == [
        (text("the council adopted it"), True),
        (text("a motion"), False),
    ]


def test_a_follow_up_is_withdrawn_also_once_the_initiative_is_closed(
    city_centre, followed_up, text, refused
):
    """The council often decides after the participation ended, so a follow-up
    recorded by mistake may be found then too: the facilitator withdraws it (and
    only the facilitator)."""
    city_centre.close(actor="facilitator", outcome=text("a lively city centre"))
    city_centre.collect_events()
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may withdraw a follow-up of the council.",
        city_centre,
    ):
        city_centre.withdraw_council_follow_up(
            actor="bakery", informing=followed_up, reason=text("late")
        )
    city_centre.withdraw_council_follow_up(
        actor="facilitator", informing=followed_up, reason=text("found late")
    )
    assert city_centre.council_follow_ups_of(1)[0].withdrawn
