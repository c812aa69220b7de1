"""Correcting a recorded meeting: the facilitator puts right its time, kind, place,
attendance or summary, with a reason; the meeting as first recorded stays in the
record, and the correction carries only what changed.

Each test reads given (a residents' meeting recorded with a wrong date and
attendance) / when (one correction) / then (the new event, or the refusal with its
rule and sentence and no new event).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from samenspraak.domain import rules
from samenspraak.domain.initiative import Initiative, ReactionFromMeeting
from samenspraak.domain.values import Channel, MeetingKind, ParticipationLevel, Stance

RECORDED = datetime.fromisoformat("2026-03-12T14:00+01:00")
"""The start as first recorded: a Thursday afternoon (it was the evening)."""
EVENING = datetime.fromisoformat("2026-03-12T19:30+01:00")


@pytest.fixture
def meeting(city_centre, text):
    """Meeting 1 of the city centre: a residents' meeting in the library, recorded
    at the wrong hour and with 4 present instead of 40."""
    number = city_centre.hold_meeting(
        actor="facilitator",
        starts_at=RECORDED,
        kind=MeetingKind.RESIDENTS_MEETING,
        place=text("the library on the Kerkplein"),
        attendance=4,
        summary=text("traffic in the old town"),
    )
    city_centre.collect_events()
    return number


def names_and_actors(events):
    return [(type(e).__name__, e.actor) for e in events]


def test_the_facilitator_corrects_the_time_and_attendance_of_a_meeting(
    city_centre, meeting, text
):
    city_centre.correct_meeting(
        actor="facilitator",
        number=meeting,
        starts_at=EVENING,
        attendance=40,
        reason=text("typed from the invitation's draft"),
    )

    events = city_centre.collect_events()
    assert names_and_actors(events) == [("MeetingCorrected", "facilitator")]
    corrected = events[0]
    assert corrected.number == 1
    assert corrected.starts_at == EVENING
    assert corrected.attendance == 40
    assert (corrected.kind, corrected.place, corrected.summary) == (None, None, None)
    assert corrected.reason == text("typed from the invitation's draft")
    assert city_centre.meeting(1).starts_at == EVENING
    assert city_centre.meeting(1).attendance == 40
    assert city_centre.meeting(1).kind is MeetingKind.RESIDENTS_MEETING
    assert city_centre.meeting(1).place == text("the library on the Kerkplein")


def test_a_correction_carries_only_what_changed(city_centre, meeting, text):
    city_centre.correct_meeting(
        actor="facilitator",
        number=meeting,
        starts_at=RECORDED,
        kind=MeetingKind.WALK_IN,
        attendance=4,
        reason=text("it was a walk-in"),
    )

    (corrected,) = city_centre.collect_events()
    assert corrected.kind is MeetingKind.WALK_IN
    assert (corrected.starts_at, corrected.attendance) == (None, None)


def test_the_same_moment_written_with_another_offset_is_no_change(
    city_centre, meeting, text, refused
):
    same_moment = datetime.fromisoformat("2026-03-12T13:00+00:00")
    with refused(
        rules.a_meeting_correction_changes_something,
        "Meeting 1 of city-centre is recorded so already; a correction changes its "
        "time, kind, place, attendance or summary.",
        city_centre,
    ):
        city_centre.correct_meeting(
            actor="facilitator",
            number=meeting,
            starts_at=same_moment,
            reason=text("written in UTC"),
        )


def test_a_new_place_and_summary_are_corrected_as_texts(city_centre, meeting, text):
    city_centre.correct_meeting(
        actor="facilitator",
        number=meeting,
        place=text("the community centre De Brug"),
        summary=text("traffic and parking in the old town"),
        reason=text("the library was closed that evening"),
    )

    (corrected,) = city_centre.collect_events()
    assert corrected.place == text("the community centre De Brug")
    assert city_centre.meeting(1).summary == text("traffic and parking in the old town")


def test_the_replayed_initiative_shows_the_corrected_meeting(text):
    city = Initiative.start(
        actor="facilitator",
        slug="city-centre",
        title=text("Together for a lively city centre"),
        description=text("decide together"),
        area=text("the old town within the canals"),
        budget=Decimal("250000.00"),
        level=ParticipationLevel.CO_DECIDING,
    )
    city.hold_meeting(
        actor="facilitator",
        starts_at=RECORDED,
        kind=MeetingKind.RESIDENTS_MEETING,
        place=text("the library on the Kerkplein"),
        attendance=4,
        summary=text("traffic in the old town"),
    )
    city.correct_meeting(
        actor="facilitator",
        number=1,
        attendance=40,
        reason=text("counted again from the sign-in list"),
    )
    city.correct_meeting(
        actor="facilitator",
        number=1,
        starts_at=EVENING,
        reason=text("the invitation said half past seven"),
    )

    replayed = None
    for event in city.collect_events():
        replayed = event.mutate(replayed)

    assert replayed.meeting(1).starts_at == EVENING
    assert replayed.meeting(1).attendance == 40
    assert len(replayed.meetings) == 1


def test_a_reaction_from_a_corrected_meeting_is_judged_on_its_corrected_start(
    city_centre, traffic_plan, meeting, text, refused, story_start
):
    later = story_start.replace(year=2027)
    city_centre.correct_meeting(
        actor="facilitator",
        number=meeting,
        starts_at=later,
        reason=text("the meeting was postponed by a year"),
    )
    with refused(
        rules.a_reaction_at_a_meeting_comes_after_it_began,
        "Meeting 1 of city-centre begins at 2027-01-12T09:00+01:00; a reaction "
        "given there is recorded once it has begun.",
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
            meeting=meeting,
        )


# --- Refusals -------------------------------------------------------------------------


def test_a_meeting_is_not_moved_past_a_reaction_recorded_from_it(
    city_centre, meeting, text, refused
):
    # Given the library's concern, recorded from the meeting at 22:00 that evening.
    recorded = datetime.fromisoformat("2026-03-12T22:00+01:00")
    concern = ReactionFromMeeting(plan="traffic-plan", reaction=3, recorded_at=recorded)
    with refused(
        rules.a_meeting_begins_before_the_reactions_recorded_from_it,
        "Reaction 3 on traffic-plan was recorded from meeting 1 of city-centre at "
        "2026-03-12T22:00+01:00; the meeting had begun by then, so it cannot begin "
        "at 2026-03-19T19:30+01:00.",
        city_centre,
    ):
        city_centre.correct_meeting(
            actor="facilitator",
            number=meeting,
            starts_at=datetime.fromisoformat("2026-03-19T19:30+01:00"),
            reason=text("it was a week later"),
            reactions=[concern],
        )
    assert city_centre.meeting(1).starts_at == RECORDED

    city_centre.correct_meeting(
        actor="facilitator",
        number=meeting,
        starts_at=EVENING,
        reason=text("it was the evening"),
        reactions=[concern],
    )
    assert city_centre.meeting(1).starts_at == EVENING


def test_a_meeting_keeps_its_reactions_when_only_its_attendance_is_corrected(
    city_centre, meeting, text
):
    recorded = datetime.fromisoformat("2026-03-12T15:00+01:00")
    concern = ReactionFromMeeting(plan="traffic-plan", reaction=3, recorded_at=recorded)
    city_centre.correct_meeting(
        actor="facilitator",
        number=meeting,
        attendance=40,
        reason=text("forty came"),
        reactions=[concern],
    )
    assert city_centre.meeting(1).attendance == 40


def test_only_the_facilitator_corrects_a_meeting(city_centre, meeting, text, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may correct meetings.",
        city_centre,
    ):
        city_centre.correct_meeting(
            actor="bakery", number=meeting, attendance=80, reason=text("more came")
        )


def test_a_meeting_that_was_never_recorded_cannot_be_corrected(
    city_centre, meeting, text, refused
):
    with refused(
        rules.a_meeting_named_must_exist,
        "city-centre has no meeting 2.",
        city_centre,
    ):
        city_centre.correct_meeting(
            actor="facilitator", number=2, attendance=10, reason=text("a mistake")
        )


def test_a_correction_that_changes_nothing_is_refused(
    city_centre, meeting, text, refused
):
    with refused(
        rules.a_meeting_correction_changes_something,
        "Meeting 1 of city-centre is recorded so already; a correction changes its "
        "time, kind, place, attendance or summary.",
        city_centre,
    ):
        city_centre.correct_meeting(
            actor="facilitator",
            number=meeting,
            starts_at=RECORDED,
            kind=MeetingKind.RESIDENTS_MEETING,
            attendance=4,
            reason=text("to be sure"),
        )


def test_a_correction_without_anything_to_correct_is_refused(
    city_centre, meeting, text, refused
):
    with refused(
        rules.a_meeting_correction_changes_something,
        "Meeting 1 of city-centre is recorded so already; a correction changes its "
        "time, kind, place, attendance or summary.",
        city_centre,
    ):
        city_centre.correct_meeting(
            actor="facilitator", number=meeting, reason=text("nothing")
        )


def test_a_correction_without_a_reason_is_refused(city_centre, meeting, refused):
    with refused(
        rules.a_meeting_correction_gives_its_reason,
        "A correction of meeting 1 of city-centre gives its reason.",
        city_centre,
    ):
        city_centre.correct_meeting(
            actor="facilitator", number=meeting, attendance=40, reason=None
        )


def test_a_corrected_time_without_a_timezone_is_refused(
    city_centre, meeting, text, refused
):
    with refused(
        rules.times_carry_a_timezone,
        "The start of the meeting must include a timezone "
        "(for example 2026-03-12T19:30+01:00).",
        city_centre,
    ):
        city_centre.correct_meeting(
            actor="facilitator",
            number=meeting,
            starts_at=datetime(2026, 3, 12, 19, 30),
            reason=text("the evening"),
        )
    assert city_centre.meeting(1).starts_at == RECORDED


def test_a_corrected_attendance_cannot_be_negative(city_centre, meeting, text, refused):
    with refused(
        rules.attendance_is_not_negative,
        "The attendance of a meeting cannot be negative.",
        city_centre,
    ):
        city_centre.correct_meeting(
            actor="facilitator", number=meeting, attendance=-4, reason=text("minus")
        )


def test_a_meeting_of_a_closed_initiative_is_not_corrected(
    city_centre, meeting, text, refused
):
    city_centre.close(actor="facilitator", outcome=text("a lively city centre"))
    city_centre.collect_events()
    with refused(
        rules.a_closed_initiative_takes_no_commands,
        "city-centre is closed; nothing more can be recorded in it.",
        city_centre,
    ):
        city_centre.correct_meeting(
            actor="facilitator", number=meeting, attendance=40, reason=text("late")
        )
    assert city_centre.meeting(1).attendance == 4
