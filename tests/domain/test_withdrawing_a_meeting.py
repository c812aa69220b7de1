"""Withdrawing a meeting recorded by mistake: the facilitator recorded yesterday's
residents' evening twice, or a walk-in that was called off. The meeting as first
recorded stays in the record; it is marked withdrawn with the reason, keeps its
number (so do the meetings after it), and a reaction is no longer recorded from it.

Each test reads given (yesterday evening's residents' meeting in the library) /
when (the withdrawal) / then (the new event, or the refusal with its rule and
sentence and no new event).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from samenspraak.domain import rules
from samenspraak.domain.initiative import Initiative, ReactionFromMeeting
from samenspraak.domain.templates import Phase, ProcessTemplate
from samenspraak.domain.values import Channel, MeetingKind, ParticipationLevel, Stance


def hold(initiative, text, at, kind=MeetingKind.RESIDENTS_MEETING):
    return initiative.hold_meeting(
        actor="facilitator",
        starts_at=at,
        kind=kind,
        place=text("the library on the Kerkplein"),
        attendance=40,
        summary=text("traffic in the old town"),
    )


@pytest.fixture
def evening(story_start):
    """Yesterday, Sunday 11 January 2026, at 19:00."""
    return story_start - timedelta(hours=14)


@pytest.fixture
def twice(city_centre, text, evening):
    """Meetings 1 and 2 of the city centre: the same residents' evening, recorded
    twice. Returns the number of the second record."""
    hold(city_centre, text, evening)
    number = hold(city_centre, text, evening)
    city_centre.collect_events()
    return number


def test_the_facilitator_withdraws_a_meeting_recorded_twice(city_centre, twice, text):
    city_centre.withdraw_meeting(
        actor="facilitator",
        number=twice,
        reason=text("the residents' evening was recorded twice"),
    )

    events = city_centre.collect_events()
    assert [(type(e).__name__, e.actor) for e in events] == [
        ("MeetingWithdrawn", "facilitator")
    ]
    withdrawn = events[0]
    assert withdrawn.number == 2
    assert withdrawn.reason == text("the residents' evening was recorded twice")
    assert [m.withdrawn for m in city_centre.meetings] == [False, True]
    kept = city_centre.meeting(2)
    assert (kept.kind, kept.attendance) == (MeetingKind.RESIDENTS_MEETING, 40)


def test_the_meetings_after_a_withdrawn_one_keep_their_numbers(
    city_centre, twice, text, evening
):
    city_centre.withdraw_meeting(
        actor="facilitator", number=1, reason=text("recorded twice")
    )
    number = hold(city_centre, text, evening + timedelta(hours=1), MeetingKind.WALK_IN)

    assert number == 3
    assert [(m.number, m.withdrawn) for m in city_centre.meetings] == [
        (1, True),
        (2, False),
        (3, False),
    ]


def test_the_replayed_initiative_shows_the_meeting_withdrawn(text, evening):
    city = Initiative.start(
        actor="facilitator",
        slug="city-centre",
        title=text("Together for a lively city centre"),
        description=text("decide together"),
        area=text("the old town within the canals"),
        budget=Decimal("250000.00"),
        level=ParticipationLevel.CO_DECIDING,
    )
    hold(city, text, evening)
    hold(city, text, evening)
    city.withdraw_meeting(
        actor="facilitator", number=2, reason=text("the same evening, twice")
    )

    replayed = None
    for event in city.collect_events():
        replayed = event.mutate(replayed)

    assert [m.withdrawn for m in replayed.meetings] == [False, True]


def test_a_meeting_whose_reactions_were_withdrawn_may_be_withdrawn(
    city_centre, twice, text, evening
):
    """Only reactions that stand keep a meeting, as only follow-ups that stand
    keep an informing of the council: a reaction entered from the wrong record
    of the evening is withdrawn first, then that record."""
    entered_there = ReactionFromMeeting(
        plan="traffic-plan",
        reaction=1,
        recorded_at=evening + timedelta(hours=2),
        withdrawn=True,
    )
    city_centre.withdraw_meeting(
        actor="facilitator",
        number=twice,
        reason=text("recorded twice"),
        reactions=[entered_there],
    )

    assert city_centre.meeting(2).withdrawn


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_withdraws_a_meeting(city_centre, twice, text, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may withdraw meetings.",
        city_centre,
    ):
        city_centre.withdraw_meeting(
            actor="bakery", number=twice, reason=text("it never happened")
        )


def test_a_meeting_that_was_never_recorded_cannot_be_withdrawn(
    city_centre, twice, text, refused
):
    with refused(
        rules.a_meeting_withdrawn_must_exist,
        "city-centre has 2 meetings; there is no meeting 3 to withdraw.",
        city_centre,
    ):
        city_centre.withdraw_meeting(
            actor="facilitator", number=3, reason=text("a mistake")
        )


def test_a_meeting_withdrawal_without_a_reason_is_refused(city_centre, twice, refused):
    with refused(
        rules.a_meeting_withdrawal_gives_its_reason,
        "A withdrawal of meeting 2 of city-centre gives its reason.",
        city_centre,
    ):
        city_centre.withdraw_meeting(actor="facilitator", number=twice, reason=None)


def test_a_meeting_is_withdrawn_once(city_centre, twice, text, refused):
    city_centre.withdraw_meeting(
        actor="facilitator", number=twice, reason=text("recorded twice")
    )
    city_centre.collect_events()
    with refused(
        rules.a_meeting_is_withdrawn_once,
        "Meeting 2 of city-centre was withdrawn already; a meeting is withdrawn once.",
        city_centre,
    ):
        city_centre.withdraw_meeting(
            actor="facilitator", number=twice, reason=text("recorded twice")
        )


def test_a_meeting_that_reactions_were_given_at_is_not_withdrawn(
    city_centre, twice, text, refused, evening
):
    """Reactions recorded as given there show that it took place."""
    given = [
        ReactionFromMeeting(
            plan="traffic-plan", reaction=n, recorded_at=evening + timedelta(hours=2)
        )
        for n in (1, 3)
    ] + [
        ReactionFromMeeting(
            plan="vision", reaction=2, recorded_at=evening + timedelta(hours=2)
        ),
        ReactionFromMeeting(
            plan="vision",
            reaction=4,
            recorded_at=evening + timedelta(hours=2),
            withdrawn=True,
        ),
    ]
    with refused(
        rules.a_meeting_reactions_were_given_at_is_not_withdrawn,
        "Meeting 2 of city-centre has reactions recorded as given there (reactions "
        "1, 3 on traffic-plan; reaction 2 on vision); a meeting that reactions were "
        "given at took place, and is not withdrawn.",
        city_centre,
    ):
        city_centre.withdraw_meeting(
            actor="facilitator",
            number=twice,
            reason=text("recorded twice"),
            reactions=given,
        )


def test_a_withdrawn_meeting_is_not_corrected(city_centre, twice, text, refused):
    city_centre.withdraw_meeting(
        actor="facilitator", number=twice, reason=text("recorded twice")
    )
    city_centre.collect_events()
    with refused(
        rules.a_withdrawn_meeting_is_not_corrected,
        "Meeting 2 of city-centre was withdrawn; a withdrawn meeting is not corrected.",
        city_centre,
    ):
        city_centre.correct_meeting(
            actor="facilitator",
            number=twice,
            attendance=46,
            reason=text("forty-six signed in"),
        )


def test_a_withdrawn_meeting_records_no_reactions(
    city_centre, traffic_plan, twice, text, refused
):
    city_centre.withdraw_meeting(
        actor="facilitator", number=twice, reason=text("recorded twice")
    )
    city_centre.collect_events()
    with refused(
        rules.a_withdrawn_meeting_records_no_reactions,
        "Meeting 2 of city-centre was withdrawn; a reaction is recorded from a "
        "meeting that stands.",
        traffic_plan,
    ):
        traffic_plan.add_reaction(
            actor="facilitator",
            initiative=city_centre,
            stakeholder="library",
            version=1,
            stance=Stance.CONCERN,
            text=text("too few benches"),
            channel=Channel.MEETING,
            meeting=twice,
        )
    # The first record of the evening stands: the reaction is recorded from it.
    traffic_plan.add_reaction(
        actor="facilitator",
        initiative=city_centre,
        stakeholder="library",
        version=1,
        stance=Stance.CONCERN,
        text=text("too few benches"),
        channel=Channel.MEETING,
        meeting=1,
    )
    assert traffic_plan.reactions[1].meeting == 1


def test_a_meeting_of_a_closed_initiative_is_not_withdrawn(
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
        city_centre.withdraw_meeting(
            actor="facilitator", number=twice, reason=text("found late")
        )
    assert not city_centre.meeting(2).withdrawn


def test_withdrawing_a_meeting_is_permitted_wherever_holding_one_is(
    city_centre, twice, text, refused
):
    city_centre.migrate_template(
        actor="facilitator",
        process=ProcessTemplate(
            name="meetings-by-residents",
            version="1",
            description="Residents hold their own meetings in the second phase.",
            phases=(
                Phase(
                    "society-decides",
                    "Society decides.",
                    society_only=True,
                    permissions={"facilitator": ("hold_meeting",)},
                ),
                Phase(
                    "views",
                    "Everyone gives their views.",
                    permissions={"entrepreneur": ("hold_meeting",)},
                ),
            ),
        ),
    )
    with refused(
        rules.only_permitted_roles_act_in_a_phase,
        "In the phase society-decides of city-centre, an entrepreneur may not "
        "withdraw meetings; its template lets them do so in the phase views.",
    ):
        city_centre.require_permission("bakery", "withdraw_meeting")
    city_centre.require_permission("facilitator", "withdraw_meeting")
