"""Withdrawing an announcement recorded by mistake: the facilitator recorded the
letter to every household within the canals twice. The announcement as first
recorded stays in the record; it is marked withdrawn with the reason and keeps
its number (so do the announcements after it).

Each test reads given (the letter to every household within the canals,
recorded twice) / when (the withdrawal) / then (the new event, or the refusal
with its rule and sentence and no new event).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from samenspraak.domain import rules
from samenspraak.domain.initiative import Initiative
from samenspraak.domain.values import AnnouncementChannel, ParticipationLevel

SENT = datetime.fromisoformat("2026-01-05T09:00+01:00")


def announce(initiative, text, channel=AnnouncementChannel.LETTER):
    return initiative.announce(
        actor="facilitator",
        channel=channel,
        audience=text("every household within the canals"),
        announced_at=SENT,
        reach=4200,
    )


@pytest.fixture
def twice(city_centre, text):
    """Announcements 1 and 2 of the city centre: the same letter to every
    household within the canals, recorded twice. Returns the number of the second
    record."""
    announce(city_centre, text)
    number = announce(city_centre, text)
    city_centre.collect_events()
    return number


def test_the_facilitator_withdraws_an_announcement_recorded_twice(
    city_centre, twice, text
):
    city_centre.withdraw_announcement(
        actor="facilitator",
        number=twice,
        reason=text("the letter was recorded twice"),
    )

    events = city_centre.collect_events()
    assert [(type(e).__name__, e.actor) for e in events] == [
        ("AnnouncementWithdrawn", "facilitator")
    ]
    withdrawn = events[0]
    assert withdrawn.number == 2
    assert withdrawn.reason == text("the letter was recorded twice")
    assert [a.withdrawn for a in city_centre.announcements] == [False, True]
    kept = city_centre.announcement(2)
    assert (kept.channel, kept.reach) == (AnnouncementChannel.LETTER, 4200)


def test_the_announcements_after_a_withdrawn_one_keep_their_numbers(
    city_centre, twice, text
):
    city_centre.withdraw_announcement(
        actor="facilitator", number=1, reason=text("recorded twice")
    )
    number = announce(city_centre, text, AnnouncementChannel.WEBSITE)

    assert number == 3
    assert [(a.number, a.withdrawn) for a in city_centre.announcements] == [
        (1, True),
        (2, False),
        (3, False),
    ]


def test_the_replayed_initiative_shows_the_announcement_withdrawn(text):
    city = Initiative.start(
        actor="facilitator",
        slug="city-centre",
        title=text("Together for a lively city centre"),
        description=text("decide together"),
        area=text("the old town within the canals"),
        budget=Decimal("250000.00"),
        level=ParticipationLevel.CO_DECIDING,
    )
    announce(city, text)
    announce(city, text)
    city.withdraw_announcement(
        actor="facilitator", number=2, reason=text("the same letter, twice")
    )

    replayed = None
    for event in city.collect_events():
        replayed = event.mutate(replayed)

    assert [a.withdrawn for a in replayed.announcements] == [False, True]


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_withdraws_an_announcement(
    city_centre, twice, text, refused
):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may withdraw announcements.",
        city_centre,
    ):
        city_centre.withdraw_announcement(
            actor="bakery", number=twice, reason=text("it was never sent")
        )


def test_an_announcement_that_was_never_recorded_cannot_be_withdrawn(
    city_centre, twice, text, refused
):
    with refused(
        rules.an_announcement_withdrawn_must_exist,
        "city-centre has 2 announcements; there is no announcement 3 to withdraw.",
        city_centre,
    ):
        city_centre.withdraw_announcement(
            actor="facilitator", number=3, reason=text("a mistake")
        )


def test_an_announcement_withdrawal_without_a_reason_is_refused(
    city_centre, twice, refused
):
    with refused(
        rules.an_announcement_withdrawal_gives_its_reason,
        "A withdrawal of announcement 2 of city-centre gives its reason.",
        city_centre,
    ):
        city_centre.withdraw_announcement(
            actor="facilitator", number=twice, reason=None
        )


def test_an_announcement_is_withdrawn_once(city_centre, twice, text, refused):
    city_centre.withdraw_announcement(
        actor="facilitator", number=twice, reason=text("recorded twice")
    )
    city_centre.collect_events()
    with refused(
        rules.an_announcement_is_withdrawn_once,
        "Announcement 2 of city-centre was withdrawn already; an announcement is "
        "withdrawn once.",
        city_centre,
    ):
        city_centre.withdraw_announcement(
            actor="facilitator", number=twice, reason=text("recorded twice")
        )


def test_a_withdrawn_announcement_is_not_corrected(city_centre, twice, text, refused):
    city_centre.withdraw_announcement(
        actor="facilitator", number=twice, reason=text("recorded twice")
    )
    city_centre.collect_events()
    with refused(
        rules.a_withdrawn_announcement_is_not_corrected,
        "Announcement 2 of city-centre was withdrawn; a withdrawn announcement is "
        "not corrected.",
        city_centre,
    ):
        city_centre.correct_announcement(
            actor="facilitator",
            number=twice,
            reach=4150,
            reason=text("50 came back"),
        )


def test_an_announcement_of_a_closed_initiative_is_not_withdrawn(
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
        city_centre.withdraw_announcement(
            actor="facilitator", number=twice, reason=text("found late")
        )
    assert not city_centre.announcement(2).withdrawn
