"""Correcting how the process was recorded as announced: the facilitator puts right
an announcement's channel, audience, time or reach, with a reason; the
announcement as first recorded stays in the record, and the correction carries
only what changed. The rules for recording an announcement hold for the corrected
values.

Each test reads given (the letter to every household within the canals, recorded
as sent on the wrong day and reaching 4,200) / when (one correction) / then (the
new event, or the refusal with its rule and sentence and no new event).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from samenspraak.domain import rules
from samenspraak.domain.initiative import Initiative
from samenspraak.domain.values import AnnouncementChannel, ParticipationLevel

RECORDED = datetime.fromisoformat("2026-01-05T09:00+01:00")
"""The time as first recorded: the Monday (the letters went out on Tuesday)."""
TUESDAY = datetime.fromisoformat("2026-01-06T09:00+01:00")


@pytest.fixture
def announcement(city_centre, text):
    """Announcement 1 of the city centre: a letter to every household within the
    canals, recorded a day early, reaching 4,200."""
    number = city_centre.announce(
        actor="facilitator",
        channel=AnnouncementChannel.LETTER,
        audience=text("every household within the canals"),
        announced_at=RECORDED,
        reach=4200,
    )
    city_centre.collect_events()
    return number


def test_the_facilitator_corrects_the_time_and_reach_of_an_announcement(
    city_centre, announcement, text
):
    corrected = city_centre.correct_announcement(
        actor="facilitator",
        number=announcement,
        announced_at=TUESDAY,
        reach=4150,
        reason=text("the letters went out on Tuesday; 50 came back"),
    )

    assert corrected == ("announced_at", "reach")
    events = city_centre.collect_events()
    assert [(type(e).__name__, e.actor) for e in events] == [
        ("AnnouncementCorrected", "facilitator")
    ]
    [event] = events
    assert (event.number, event.announced_at, event.reach) == (1, TUESDAY, 4150)
    assert (event.channel, event.audience, event.reach_unknown) == (None, None, False)
    assert event.reason == text("the letters went out on Tuesday; 50 came back")
    now = city_centre.announcement(1)
    assert (now.announced_at, now.reach, now.channel) == (
        TUESDAY,
        4150,
        AnnouncementChannel.LETTER,
    )
    assert now.audience == text("every household within the canals")


def test_a_correction_carries_only_what_changed(city_centre, announcement, text):
    corrected = city_centre.correct_announcement(
        actor="facilitator",
        number=announcement,
        channel=AnnouncementChannel.DOOR_TO_DOOR,
        announced_at=RECORDED,
        reach=4200,
        audience=text("every household in the old town"),
        reason=text("delivered door to door, in the old town"),
    )

    assert corrected == ("channel", "audience")
    [event] = city_centre.collect_events()
    assert event.channel is AnnouncementChannel.DOOR_TO_DOOR
    assert event.audience == text("every household in the old town")
    assert (event.announced_at, event.reach) == (None, None)


def test_a_reach_that_is_not_known_after_all_is_taken_off(
    city_centre, announcement, text
):
    corrected = city_centre.correct_announcement(
        actor="facilitator",
        number=announcement,
        reach_unknown=True,
        reason=text("4,200 was the print run, not how many it reached"),
    )

    assert corrected == ("reach",)
    [event] = city_centre.collect_events()
    assert (event.reach, event.reach_unknown) == (None, True)
    assert city_centre.announcement(1).reach is None


def test_the_same_moment_written_with_another_offset_is_no_change(
    city_centre, announcement, text, refused
):
    with refused(
        rules.an_announcement_correction_changes_something,
        "Announcement 1 of city-centre is recorded so already; a correction changes "
        "its channel, its audience, its time or how many it reached.",
        city_centre,
    ):
        city_centre.correct_announcement(
            actor="facilitator",
            number=announcement,
            announced_at=datetime.fromisoformat("2026-01-05T08:00+00:00"),
            reason=text("written in UTC"),
        )


def test_the_replayed_initiative_shows_the_corrected_announcement(text):
    city = Initiative.start(
        actor="facilitator",
        slug="city-centre",
        title=text("Together for a lively city centre"),
        description=text("decide together"),
        area=text("the old town within the canals"),
        budget=Decimal("250000.00"),
        level=ParticipationLevel.CO_DECIDING,
    )
    city.announce(
        actor="facilitator",
        channel=AnnouncementChannel.NEWSPAPER,
        audience=text("readers of the local paper"),
        announced_at=RECORDED,
    )
    city.correct_announcement(
        actor="facilitator",
        number=1,
        reach=12500,
        reason=text("the paper told us its circulation"),
    )
    city.correct_announcement(
        actor="facilitator",
        number=1,
        announced_at=TUESDAY,
        reason=text("it appeared on Tuesday"),
    )

    replayed = None
    for event in city.collect_events():
        replayed = event.mutate(replayed)

    assert replayed.announcement(1).reach == 12500
    assert replayed.announcement(1).announced_at == TUESDAY
    assert len(replayed.announcements) == 1


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_corrects_an_announcement(
    city_centre, announcement, text, refused
):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may correct announcements.",
        city_centre,
    ):
        city_centre.correct_announcement(
            actor="bakery", number=announcement, reach=5000, reason=text("more")
        )


def test_an_announcement_that_was_never_recorded_cannot_be_corrected(
    city_centre, announcement, text, refused
):
    with refused(
        rules.an_announcement_named_must_exist,
        "city-centre has 1 announcement; there is no announcement 2 to correct.",
        city_centre,
    ):
        city_centre.correct_announcement(
            actor="facilitator", number=2, reach=10, reason=text("a mistake")
        )


def test_a_correction_that_changes_nothing_is_refused(
    city_centre, announcement, text, refused
):
    with refused(
        rules.an_announcement_correction_changes_something,
        "Announcement 1 of city-centre is recorded so already; a correction changes "
        "its channel, its audience, its time or how many it reached.",
        city_centre,
    ):
        city_centre.correct_announcement(
            actor="facilitator",
            number=announcement,
            channel=AnnouncementChannel.LETTER,
            announced_at=RECORDED,
            reach=4200,
            reason=text("to be sure"),
        )


def test_a_reach_not_known_where_none_was_recorded_changes_nothing(
    city_centre, text, refused, story_start
):
    city_centre.announce(
        actor="facilitator",
        channel=AnnouncementChannel.WEBSITE,
        audience=text("everyone"),
        announced_at=story_start,
    )
    city_centre.collect_events()
    with refused(
        rules.an_announcement_correction_changes_something,
        "Announcement 1 of city-centre is recorded so already; a correction changes "
        "its channel, its audience, its time or how many it reached.",
        city_centre,
    ):
        city_centre.correct_announcement(
            actor="facilitator",
            number=1,
            reach_unknown=True,
            reason=text("not known"),
        )


def test_a_correction_without_a_reason_is_refused(city_centre, announcement, refused):
    with refused(
        rules.an_announcement_correction_gives_its_reason,
        "A correction of announcement 1 of city-centre gives its reason.",
        city_centre,
    ):
        city_centre.correct_announcement(
            actor="facilitator", number=announcement, reach=4150, reason=None
        )


def test_a_correction_gives_a_reach_or_says_it_is_unknown_not_both(
    city_centre, announcement, text, refused
):
    with refused(
        rules.an_announcement_correction_gives_a_reach_or_says_it_is_unknown,
        "A correction of announcement 1 of city-centre gives how many it reached "
        "or says that it is not known, not both.",
        city_centre,
    ):
        city_centre.correct_announcement(
            actor="facilitator",
            number=announcement,
            reach=4150,
            reach_unknown=True,
            reason=text("unsure"),
        )
    assert city_centre.announcement(1).reach == 4200


def test_the_rules_for_recording_hold_for_the_corrected_values(
    city_centre, announcement, text, refused, story_start
):
    tomorrow = story_start + timedelta(days=1)
    with refused(
        rules.an_announcement_is_recorded_once_made,
        "An announcement is recorded once it was made; "
        f"{tomorrow.isoformat(timespec='minutes')} lies "
        "in the future.",
        city_centre,
    ):
        city_centre.correct_announcement(
            actor="facilitator",
            number=announcement,
            announced_at=tomorrow,
            reason=text("it goes out tomorrow"),
        )
    with refused(
        rules.times_carry_a_timezone,
        "The time of the announcement must include a timezone "
        "(for example 2026-03-12T19:30+01:00).",
        city_centre,
    ):
        city_centre.correct_announcement(
            actor="facilitator",
            number=announcement,
            announced_at=datetime(2026, 1, 6, 9, 0),
            reason=text("Tuesday"),
        )
    with refused(
        rules.a_reach_is_not_negative,
        "The number of people an announcement reached cannot be negative.",
        city_centre,
    ):
        city_centre.correct_announcement(
            actor="facilitator",
            number=announcement,
            reach=-1,
            reason=text("minus"),
        )
    assert city_centre.announcement(1).announced_at == RECORDED


def test_an_announcement_of_a_closed_initiative_is_not_corrected(
    city_centre, announcement, text, refused
):
    city_centre.close(actor="facilitator", outcome=text("a lively city centre"))
    city_centre.collect_events()
    with refused(
        rules.a_closed_initiative_takes_no_commands,
        "city-centre is closed; nothing more can be recorded in it.",
        city_centre,
    ):
        city_centre.correct_announcement(
            actor="facilitator", number=announcement, reach=4150, reason=text("late")
        )
    assert city_centre.announcement(1).reach == 4200
