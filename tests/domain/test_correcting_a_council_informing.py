"""Correcting the record of informing the council: the facilitator puts right a
mistyped SHA-256, the wrong session, time or title, with a reason; the informing as
first recorded stays in the record, with its audit head, and the correction carries
only what changed.

Each test reads given (the vision shown to the council in an informal session,
recorded with a mistyped SHA-256 and as a formal one) / when (one correction) / then
(the new event, or the refusal with its rule and sentence and no new event).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from samenspraak.domain import rules
from samenspraak.domain.initiative import Initiative
from samenspraak.domain.templates import Phase, ProcessTemplate
from samenspraak.domain.values import CouncilSession, ParticipationLevel

VISION = hashlib.sha256(b"the vision for the city centre").hexdigest()
MISTYPED = VISION[:-1] + ("0" if VISION[-1] != "0" else "1")
"""The vision's SHA-256 with its last digit mistyped."""
HEAD = "12:" + "ab" * 32


@pytest.fixture
def informing(city_centre, text, story_start):
    """Informing 1 of the city centre: the vision, shown in an informal session
    yesterday evening, recorded with a mistyped SHA-256 and as a formal session."""
    city_centre.inform_council(
        actor="facilitator",
        document_title=text("Vision for the city centre"),
        document_sha256=MISTYPED,
        session=CouncilSession.FORMAL,
        informed_at=story_start - timedelta(hours=14),
        audit_head=HEAD,
    )
    city_centre.collect_events()
    return 1


def names_and_actors(events):
    return [(type(e).__name__, e.actor) for e in events]


def test_the_facilitator_corrects_the_sha256_and_session_of_an_informing(
    city_centre, informing, text, story_start
):
    fields = city_centre.correct_council_informing(
        actor="facilitator",
        informing=informing,
        document_sha256=VISION,
        session=CouncilSession.INFORMAL,
        reason=text("the hash was copied from the draft; it was an informal session"),
    )

    assert fields == ("document_sha256", "session")
    events = city_centre.collect_events()
    assert names_and_actors(events) == [("CouncilInformingCorrected", "facilitator")]
    corrected = events[0]
    assert corrected.informing == 1
    assert corrected.document_sha256 == VISION
    assert corrected.session is CouncilSession.INFORMAL
    assert (corrected.document_title, corrected.informed_at) == (None, None)
    assert corrected.reason == text(
        "the hash was copied from the draft; it was an informal session"
    )
    assert not hasattr(corrected, "audit_head")
    now = city_centre.council_informing(1)
    assert (now.document_sha256, now.session) == (VISION, CouncilSession.INFORMAL)
    assert now.document_title == text("Vision for the city centre")
    assert now.informed_at == story_start - timedelta(hours=14)


def test_an_informing_correction_carries_only_what_changed(
    city_centre, informing, text, story_start
):
    fields = city_centre.correct_council_informing(
        actor="facilitator",
        informing=informing,
        document_sha256=MISTYPED,
        session=CouncilSession.INFORMAL,
        informed_at=story_start - timedelta(hours=14),
        reason=text("it was an informal session"),
    )

    assert fields == ("session",)
    (corrected,) = city_centre.collect_events()
    assert corrected.session is CouncilSession.INFORMAL
    assert (corrected.document_sha256, corrected.informed_at) == (None, None)


def test_a_new_title_and_time_are_corrected(city_centre, informing, text, story_start):
    evening = story_start - timedelta(hours=13, minutes=30)
    city_centre.correct_council_informing(
        actor="facilitator",
        informing=informing,
        document_title=text("Vision for a lively city centre"),
        informed_at=evening,
        reason=text("the title on the agenda, and the hour it was on"),
    )

    (corrected,) = city_centre.collect_events()
    assert corrected.document_title == text("Vision for a lively city centre")
    assert corrected.informed_at == evening
    assert city_centre.council_informing(1).informed_at == evening


def test_the_replayed_initiative_shows_the_corrected_informing(text, story_start):
    city = Initiative.start(
        actor="facilitator",
        slug="city-centre",
        title=text("Together for a lively city centre"),
        description=text("decide together"),
        area=text("the old town within the canals"),
        budget=Decimal("250000.00"),
        level=ParticipationLevel.CO_DECIDING,
    )
    city.inform_council(
        actor="facilitator",
        document_title=text("Vision for the city centre"),
        document_sha256=MISTYPED,
        session=CouncilSession.FORMAL,
        informed_at=story_start,
    )
    city.correct_council_informing(
        actor="facilitator",
        informing=1,
        document_sha256=VISION,
        reason=text("the hash was copied from the draft"),
    )
    city.correct_council_informing(
        actor="facilitator",
        informing=1,
        session=CouncilSession.INFORMAL,
        reason=text("it was an informal session"),
    )

    replayed = None
    for event in city.collect_events():
        replayed = event.mutate(replayed)

    assert replayed.council_informing(1).document_sha256 == VISION
    assert replayed.council_informing(1).session is CouncilSession.INFORMAL
    assert len(replayed.council_informings) == 1


def test_a_follow_up_recorded_after_a_correction_goes_by_the_corrected_time(
    city_centre, informing, text, story_start, refused
):
    city_centre.correct_council_informing(
        actor="facilitator",
        informing=informing,
        informed_at=story_start - timedelta(hours=1),
        reason=text("it was this morning's letter"),
    )
    city_centre.collect_events()
    with refused(
        rules.a_follow_up_comes_after_the_informing,
        "The council cannot have followed up informing 1 at 2026-01-12T07:00+01:00, "
        "before it was informed (2026-01-12T08:00+01:00), nor in the future.",
        city_centre,
    ):
        city_centre.record_council_follow_up(
            actor="facilitator",
            informing=1,
            summary=text("the council asked questions"),
            followed_up_at=story_start - timedelta(hours=2),
        )


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


def test_correcting_an_earlier_phase_s_informing_does_not_inform_the_council_again(
    city_centre, informing, text, story_start, refused
):
    city_centre.migrate_template(actor="facilitator", process=told_twice())
    city_centre.advance_phase(actor="facilitator")
    city_centre.correct_council_informing(
        actor="facilitator",
        informing=informing,
        informed_at=story_start,
        reason=text("the vision was shown this morning"),
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


def test_an_informing_of_this_phase_corrected_to_an_earlier_time_still_counts(
    city_centre, text, story_start
):
    city_centre.migrate_template(actor="facilitator", process=told_twice())
    city_centre.advance_phase(actor="facilitator")
    city_centre.inform_council(
        actor="facilitator",
        document_title=text("The final plans"),
        document_sha256=VISION,
        session=CouncilSession.LETTER,
        informed_at=story_start,
    )
    city_centre.correct_council_informing(
        actor="facilitator",
        informing=1,
        informed_at=story_start - timedelta(days=30),
        reason=text("the letter went out a month ago; recorded late"),
    )

    assert city_centre.advance_phase(actor="facilitator") == "implementation"


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_corrects_an_informing(
    city_centre, informing, text, refused
):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may correct the record of informing "
        "the council.",
        city_centre,
    ):
        city_centre.correct_council_informing(
            actor="bakery",
            informing=informing,
            session=CouncilSession.INFORMAL,
            reason=text("it was informal"),
        )


def test_an_informing_that_was_never_recorded_cannot_be_corrected(
    city_centre, informing, text, refused
):
    with refused(
        rules.an_informing_named_must_exist,
        "city-centre has 1 informing of the council; there is no informing 2 to "
        "correct.",
        city_centre,
    ):
        city_centre.correct_council_informing(
            actor="facilitator",
            informing=2,
            session=CouncilSession.INFORMAL,
            reason=text("a mistake"),
        )


def test_an_informing_correction_that_changes_nothing_is_refused(
    city_centre, informing, text, refused, story_start
):
    with refused(
        rules.an_informing_correction_changes_something,
        "Informing 1 of city-centre is recorded so already; a correction changes its "
        "document's title or SHA-256, its session or its time.",
        city_centre,
    ):
        city_centre.correct_council_informing(
            actor="facilitator",
            informing=informing,
            document_sha256=MISTYPED,
            session=CouncilSession.FORMAL,
            # The same moment, written in UTC.
            informed_at=(story_start - timedelta(hours=14)).astimezone(UTC),
            reason=text("to be sure"),
        )


def test_an_informing_correction_without_a_reason_is_refused(
    city_centre, informing, refused
):
    with refused(
        rules.an_informing_correction_gives_its_reason,
        "A correction of informing 1 of city-centre gives its reason.",
        city_centre,
    ):
        city_centre.correct_council_informing(
            actor="facilitator",
            informing=informing,
            session=CouncilSession.INFORMAL,
            reason=None,
        )


def test_a_corrected_sha256_must_be_one(city_centre, informing, text, refused):
    with refused(
        rules.a_document_is_named_by_its_sha256,
        "A council document is named by its SHA-256: 64 hexadecimal characters.",
        city_centre,
    ):
        city_centre.correct_council_informing(
            actor="facilitator",
            informing=informing,
            document_sha256=VISION[:63],
            reason=text("the right hash"),
        )
    assert city_centre.council_informing(1).document_sha256 == MISTYPED


def test_a_corrected_time_without_a_timezone_is_refused(
    city_centre, informing, text, refused
):
    with refused(
        rules.times_carry_a_timezone,
        "The time the council was informed must include a timezone "
        "(for example 2026-03-12T19:30+01:00).",
        city_centre,
    ):
        city_centre.correct_council_informing(
            actor="facilitator",
            informing=informing,
            informed_at=datetime(2026, 1, 11, 19, 30),
            reason=text("the evening"),
        )


def test_a_corrected_time_in_the_future_is_refused(
    city_centre, informing, text, refused, story_start
):
    with refused(
        rules.the_council_was_informed_by_now,
        "Informing the council is recorded once it happened; "
        "2026-01-19T09:00+01:00 lies in the future.",
        city_centre,
    ):
        city_centre.correct_council_informing(
            actor="facilitator",
            informing=informing,
            informed_at=story_start + timedelta(days=7),
            reason=text("next week's session"),
        )


def test_an_informing_is_not_corrected_to_after_its_follow_up(
    city_centre, informing, text, refused, story_start
):
    city_centre.record_council_follow_up(
        actor="facilitator",
        informing=informing,
        summary=text("the council asked for a traffic plan"),
        followed_up_at=story_start - timedelta(hours=13),
    )
    city_centre.collect_events()
    with refused(
        rules.a_corrected_informing_comes_before_its_follow_ups,
        "The council followed up informing 1 of city-centre at "
        "2026-01-11T20:00+01:00; it cannot have been informed after that, at "
        "2026-01-12T08:00+01:00.",
        city_centre,
    ):
        city_centre.correct_council_informing(
            actor="facilitator",
            informing=informing,
            informed_at=story_start - timedelta(hours=1),
            reason=text("it was this morning"),
        )


def test_an_informing_is_corrected_also_once_the_initiative_is_closed(
    city_centre, informing, text, refused
):
    """A council often decides after the participation ended, and a wrong
    document hash may be found then: the record of what the council was told is
    put right as its follow-up is recorded, after the close too (by the
    facilitator only)."""
    city_centre.close(actor="facilitator", outcome=text("a lively city centre"))
    city_centre.collect_events()
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may correct the record of informing "
        "the council.",
        city_centre,
    ):
        city_centre.correct_council_informing(
            actor="bakery",
            informing=informing,
            session=CouncilSession.INFORMAL,
            reason=text("late"),
        )
    city_centre.correct_council_informing(
        actor="facilitator",
        informing=informing,
        session=CouncilSession.INFORMAL,
        reason=text("late"),
    )
    assert city_centre.council_informing(1).session is CouncilSession.INFORMAL
