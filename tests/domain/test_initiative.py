"""The Initiative: who takes part, groups, meetings, the council, phases, closing.

Each test reads given (the fixtures' past events) / when (one command) / then (the
new events, or the refusal with its rule and sentence and no new event).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from samenspraak.domain import clock, rules
from samenspraak.domain.initiative import Group, Initiative, PhaseFacts, initiative_id
from samenspraak.domain.templates import OVERHEIDSPARTICIPATIE
from samenspraak.domain.values import (
    AnnouncementChannel,
    CouncilSession,
    GroupKind,
    InterventionKind,
    MeetingKind,
    ParticipationLevel,
    StakeholderKind,
)

DOCUMENT_SHA256 = "3f" * 32


def names_and_actors(events):
    return [(type(e).__name__, e.actor) for e in events]


# --- Starting ----------------------------------------------------------------------


def test_the_facilitator_starts_the_city_centre_initiative_in_its_first_phase(text):
    initiative = Initiative.start(
        actor="facilitator",
        slug="city-centre",
        title=text("Together for a lively city centre"),
        description=text("decide together"),
        area=text("the old town within the canals"),
        budget=Decimal("250000.00"),
        level=ParticipationLevel.CO_DECIDING,
    )

    events = initiative.collect_events()
    assert names_and_actors(events) == [("Started", "facilitator")]
    started = events[0]
    assert started.slug == "city-centre"
    assert started.facilitator == "facilitator"
    assert started.budget == Decimal("250000.00")
    assert started.template_name == "overheidsparticipatie"
    assert started.template_version == "1"
    assert started.template_hash == OVERHEIDSPARTICIPATIE.content_hash
    assert started.phase == "society-decides"
    assert initiative.id == initiative_id("city-centre")
    assert initiative.stakeholders == {"facilitator": StakeholderKind.FACILITATOR}
    assert initiative.society_decides


def test_an_initiative_may_start_with_a_budget_of_zero(start_city_centre):
    initiative = start_city_centre(budget="0")

    assert initiative.budget == Decimal(0)


@pytest.mark.parametrize("budget", ["-0.01", "100.005", "NaN", "Infinity"])
def test_an_initiative_cannot_start_with_a_negative_or_fractional_cent_budget(
    start_city_centre, refused, budget
):
    with refused(
        rules.a_budget_is_not_negative,
        "A budget is an amount in euros of zero or more, with at most two decimals.",
    ):
        start_city_centre(budget=budget)


# --- Joining and leaving -------------------------------------------------------------


def test_a_resident_of_the_havenkwartier_joins_the_city_centre_themselves(
    start_city_centre,
):
    initiative = start_city_centre()

    initiative.join(
        actor="resident-havenkwartier",
        stakeholder="resident-havenkwartier",
        kind=StakeholderKind.RESIDENT,
    )

    events = initiative.collect_events()
    assert names_and_actors(events) == [("StakeholderJoined", "resident-havenkwartier")]
    assert events[0].stakeholder == "resident-havenkwartier"
    assert events[0].kind is StakeholderKind.RESIDENT
    assert initiative.kind_of("resident-havenkwartier") is StakeholderKind.RESIDENT


def test_the_facilitator_adds_the_bakery_on_the_market_square(start_city_centre):
    initiative = start_city_centre()

    initiative.join(
        actor="facilitator", stakeholder="bakery", kind=StakeholderKind.ENTREPRENEUR
    )

    events = initiative.collect_events()
    assert names_and_actors(events) == [("StakeholderJoined", "facilitator")]
    assert events[0].stakeholder == "bakery"
    assert initiative.is_active("bakery")


def test_the_bakery_cannot_add_another_stakeholder(city_centre, refused):
    with refused(
        rules.stakeholders_join_themselves_or_are_added_by_the_facilitator,
        "A stakeholder joins city-centre themselves or is added by its facilitator.",
        city_centre,
    ):
        city_centre.join(
            actor="bakery",
            stakeholder="resident-kerkstraat",
            kind=StakeholderKind.RESIDENT,
        )
    assert not city_centre.is_active("resident-kerkstraat")


def test_the_bakery_cannot_join_twice(city_centre, refused):
    with refused(
        rules.a_stakeholder_joins_once,
        "This stakeholder has already joined city-centre.",
        city_centre,
    ):
        city_centre.join(
            actor="bakery", stakeholder="bakery", kind=StakeholderKind.ENTREPRENEUR
        )


def test_no_one_joins_as_a_second_facilitator(city_centre, refused):
    with refused(
        rules.the_facilitator_is_the_one_who_started,
        "city-centre has one facilitator, the stakeholder who started it; join "
        "others with their own kind.",
        city_centre,
    ):
        city_centre.join(
            actor="facilitator",
            stakeholder="resident-kerkstraat",
            kind=StakeholderKind.FACILITATOR,
        )
    assert not city_centre.is_active("resident-kerkstraat")


def test_the_facilitator_cannot_join_their_own_initiative_again(city_centre, refused):
    with refused(
        rules.a_stakeholder_joins_once,
        "This stakeholder has already joined city-centre.",
        city_centre,
    ):
        city_centre.join(
            actor="facilitator",
            stakeholder="facilitator",
            kind=StakeholderKind.RESIDENT,
        )
    assert city_centre.kind_of("facilitator") is StakeholderKind.FACILITATOR


def test_a_stakeholder_who_left_rejoins_as_the_kind_they_were(city_centre, refused):
    city_centre.leave(
        actor="civil-servant-traffic", stakeholder="civil-servant-traffic"
    )
    city_centre.collect_events()

    with refused(
        rules.a_stakeholder_rejoins_as_the_kind_they_were,
        "This stakeholder took part in city-centre as a civil servant before, and "
        "rejoins as a civil servant, not as a resident.",
        city_centre,
    ):
        city_centre.join(
            actor="civil-servant-traffic",
            stakeholder="civil-servant-traffic",
            kind=StakeholderKind.RESIDENT,
        )
    assert not city_centre.is_active("civil-servant-traffic")


def test_a_stakeholder_who_left_may_join_again(city_centre):
    city_centre.leave(actor="bakery", stakeholder="bakery")
    city_centre.collect_events()

    city_centre.join(
        actor="bakery", stakeholder="bakery", kind=StakeholderKind.ENTREPRENEUR
    )

    events = city_centre.collect_events()
    assert names_and_actors(events) == [("StakeholderJoined", "bakery")]
    assert city_centre.is_active("bakery")
    assert "bakery" not in city_centre.former_stakeholders


def test_the_resident_leaves_the_city_centre_and_its_steering_group(city_centre):
    city_centre.leave(
        actor="resident-havenkwartier", stakeholder="resident-havenkwartier"
    )

    events = city_centre.collect_events()
    assert names_and_actors(events) == [("StakeholderLeft", "resident-havenkwartier")]
    assert events[0].stakeholder == "resident-havenkwartier"
    assert not city_centre.is_active("resident-havenkwartier")
    assert city_centre.former_stakeholders == {
        "resident-havenkwartier": StakeholderKind.RESIDENT
    }
    assert city_centre.groups["steering"].members == {"bakery", "library"}


def test_the_facilitator_removes_the_bakery(city_centre):
    city_centre.leave(actor="facilitator", stakeholder="bakery")

    events = city_centre.collect_events()
    assert names_and_actors(events) == [("StakeholderLeft", "facilitator")]
    assert events[0].stakeholder == "bakery"
    assert not city_centre.is_active("bakery")
    assert "bakery" not in city_centre.groups["traffic"].members


def test_the_bakery_cannot_remove_the_resident(city_centre, refused):
    with refused(
        rules.stakeholders_leave_themselves_or_are_removed_by_the_facilitator,
        "A stakeholder leaves city-centre themselves or is removed by its facilitator.",
        city_centre,
    ):
        city_centre.leave(actor="bakery", stakeholder="resident-havenkwartier")
    assert city_centre.is_active("resident-havenkwartier")


def test_the_facilitator_cannot_leave_the_city_centre(city_centre, refused):
    with refused(
        rules.the_facilitator_stays,
        "The facilitator cannot leave city-centre; close it instead.",
        city_centre,
    ):
        city_centre.leave(actor="facilitator", stakeholder="facilitator")


def test_a_stakeholder_who_never_joined_cannot_be_removed(city_centre, refused):
    with refused(
        rules.only_joined_stakeholders_act,
        "Only stakeholders who have joined city-centre and not left may leave it.",
        city_centre,
    ):
        city_centre.leave(actor="facilitator", stakeholder="resident-kerkstraat")


def test_a_stakeholder_cannot_leave_twice(city_centre, refused):
    city_centre.leave(actor="bakery", stakeholder="bakery")
    city_centre.collect_events()

    with refused(
        rules.only_joined_stakeholders_act,
        "Only stakeholders who have joined city-centre and not left may leave it.",
        city_centre,
    ):
        city_centre.leave(actor="bakery", stakeholder="bakery")


# --- Groups --------------------------------------------------------------------------


def test_the_facilitator_forms_a_working_group_for_parking(city_centre, text):
    city_centre.form_group(
        actor="facilitator",
        slug="parking",
        kind=GroupKind.WORKING,
        name=text("parking group"),
        mandate=text("find room for parking at the edge of the centre"),
    )

    events = city_centre.collect_events()
    assert names_and_actors(events) == [("GroupFormed", "facilitator")]
    assert events[0].group == "parking"
    assert events[0].kind is GroupKind.WORKING
    assert events[0].name == text("parking group")
    assert city_centre.groups["parking"] == Group(
        "parking",
        GroupKind.WORKING,
        text("parking group"),
        text("find room for parking at the edge of the centre"),
    )


def test_the_bakery_cannot_form_a_group(city_centre, text, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may form groups.",
        city_centre,
    ):
        city_centre.form_group(
            actor="bakery",
            slug="market",
            kind=GroupKind.WORKING,
            name=text("market group"),
            mandate=text("the market square"),
        )
    assert "market" not in city_centre.groups


def test_a_second_steering_group_cannot_take_the_same_name(city_centre, text, refused):
    with refused(
        rules.a_group_name_is_used_once,
        "city-centre already has a group called steering.",
        city_centre,
    ):
        city_centre.form_group(
            actor="facilitator",
            slug="steering",
            kind=GroupKind.STEERING,
            name=text("another steering group"),
            mandate=text("another mandate"),
        )
    assert city_centre.groups["steering"].name == text("steering group")


def test_the_facilitator_adds_the_library_to_the_traffic_group(city_centre):
    city_centre.add_member(actor="facilitator", group="traffic", stakeholder="library")

    events = city_centre.collect_events()
    assert names_and_actors(events) == [("MemberAdded", "facilitator")]
    assert (events[0].group, events[0].stakeholder) == ("traffic", "library")
    assert city_centre.groups["traffic"].members == {
        "bakery",
        "civil-servant-traffic",
        "library",
    }


def test_the_bakery_cannot_compose_the_steering_group(city_centre, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may compose groups.",
        city_centre,
    ):
        city_centre.add_member(
            actor="bakery", group="steering", stakeholder="civil-servant-traffic"
        )


def test_a_member_cannot_be_added_to_a_group_that_does_not_exist(city_centre, refused):
    with refused(
        rules.a_group_must_exist,
        "city-centre has no group called parking.",
        city_centre,
    ):
        city_centre.add_member(
            actor="facilitator", group="parking", stakeholder="bakery"
        )


def test_a_stakeholder_who_has_not_joined_cannot_be_a_member(city_centre, refused):
    with refused(
        rules.members_are_joined_stakeholders,
        "Only stakeholders who have joined city-centre can be members of steering.",
        city_centre,
    ):
        city_centre.add_member(
            actor="facilitator", group="steering", stakeholder="resident-kerkstraat"
        )


def test_the_bakery_cannot_be_added_to_the_steering_group_twice(city_centre, refused):
    with refused(
        rules.a_member_is_added_once,
        "This stakeholder is already a member of steering.",
        city_centre,
    ):
        city_centre.add_member(
            actor="facilitator", group="steering", stakeholder="bakery"
        )


def test_the_facilitator_removes_the_library_from_the_steering_group(city_centre):
    city_centre.remove_member(
        actor="facilitator", group="steering", stakeholder="library"
    )

    events = city_centre.collect_events()
    assert names_and_actors(events) == [("MemberRemoved", "facilitator")]
    assert (events[0].group, events[0].stakeholder) == ("steering", "library")
    assert city_centre.groups["steering"].members == {
        "bakery",
        "resident-havenkwartier",
    }
    assert city_centre.is_active("library")


def test_only_a_member_can_be_removed_from_a_group(city_centre, refused):
    with refused(
        rules.only_members_can_be_removed,
        "This stakeholder is not a member of steering.",
        city_centre,
    ):
        city_centre.remove_member(
            actor="facilitator", group="steering", stakeholder="civil-servant-traffic"
        )


def test_no_member_can_be_removed_from_a_group_that_does_not_exist(
    city_centre, refused
):
    with refused(
        rules.a_group_must_exist,
        "city-centre has no group called parking.",
        city_centre,
    ):
        city_centre.remove_member(
            actor="facilitator", group="parking", stakeholder="bakery"
        )


# --- Meetings ------------------------------------------------------------------------


def test_the_facilitator_records_the_evening_residents_meeting(
    city_centre, text, story_start
):
    evening = datetime(2026, 3, 12, 19, 30, tzinfo=story_start.tzinfo)

    number = city_centre.hold_meeting(
        actor="facilitator",
        starts_at=evening,
        kind=MeetingKind.RESIDENTS_MEETING,
        place=text("the library on the Kerkplein"),
        attendance=0,
        summary=text("an empty room: it snowed"),
    )

    events = city_centre.collect_events()
    assert number == 1
    assert names_and_actors(events) == [("MeetingHeld", "facilitator")]
    assert events[0].number == 1
    assert events[0].starts_at == evening
    assert events[0].attendance == 0
    assert city_centre.meeting(1).kind is MeetingKind.RESIDENTS_MEETING
    assert city_centre.meeting(2) is None


def test_meetings_are_numbered_in_the_order_they_are_recorded(city_centre, text):
    numbers = [
        city_centre.hold_meeting(
            actor="facilitator",
            starts_at=moment,
            kind=MeetingKind.WALK_IN,
            place=text("the market square"),
            attendance=12,
            summary=text(f"walk-in {moment:%d %B}"),
        )
        for moment in (
            datetime.fromisoformat("2026-02-02T16:00+01:00"),
            datetime.fromisoformat("2026-02-09T16:00+01:00"),
        )
    ]

    assert numbers == [1, 2]
    assert [e.number for e in city_centre.collect_events()] == [1, 2]


def test_a_meeting_without_a_timezone_is_refused(city_centre, text, refused):
    with refused(
        rules.times_carry_a_timezone,
        "The start of the meeting must include a timezone "
        "(for example 2026-03-12T19:30+01:00).",
        city_centre,
    ):
        city_centre.hold_meeting(
            actor="facilitator",
            starts_at=datetime(2026, 3, 12, 19, 30),
            kind=MeetingKind.RESIDENTS_MEETING,
            place=text("the library"),
            attendance=40,
            summary=text("summary"),
        )
    assert city_centre.meetings == []


def test_a_meeting_cannot_have_negative_attendance(city_centre, text, refused):
    with refused(
        rules.attendance_is_not_negative,
        "The attendance of a meeting cannot be negative.",
        city_centre,
    ):
        city_centre.hold_meeting(
            actor="facilitator",
            starts_at=datetime.fromisoformat("2026-03-12T19:30+01:00"),
            kind=MeetingKind.RESIDENTS_MEETING,
            place=text("the library"),
            attendance=-1,
            summary=text("summary"),
        )


def test_the_bakery_cannot_record_a_meeting(city_centre, text, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may record meetings.",
        city_centre,
    ):
        city_centre.hold_meeting(
            actor="bakery",
            starts_at=datetime.fromisoformat("2026-03-12T19:30+01:00"),
            kind=MeetingKind.SITE_VISIT,
            place=text("the bakery"),
            attendance=5,
            summary=text("summary"),
        )


# --- The council ---------------------------------------------------------------------


def test_the_facilitator_informs_the_council_in_an_informal_session(city_centre, text):
    informed_at = datetime.fromisoformat("2026-04-07T20:00+02:00")

    with clock.frozen_at(informed_at):
        city_centre.inform_council(
            actor="facilitator",
            document_title=text("the vision for the city centre"),
            document_sha256=DOCUMENT_SHA256,
            session=CouncilSession.INFORMAL,
            informed_at=informed_at,
        )

    events = city_centre.collect_events()
    assert names_and_actors(events) == [("CouncilInformed", "facilitator")]
    assert events[0].document_sha256 == DOCUMENT_SHA256
    assert events[0].session is CouncilSession.INFORMAL
    assert events[0].informed_at == informed_at
    assert len(city_centre.council_informings) == 1


def test_the_same_informing_of_the_council_is_not_recorded_twice(
    city_centre, text, refused
):
    """Given twice by mistake (the same document, session and time), the second
    is refused: the report would count the council informed once more. The same
    document in a later session is another informing."""
    informed_at = datetime.fromisoformat("2026-04-07T20:00+02:00")

    def inform(at: datetime, session: CouncilSession) -> None:
        city_centre.inform_council(
            actor="facilitator",
            document_title=text("the vision"),
            document_sha256=DOCUMENT_SHA256,
            session=session,
            informed_at=at,
        )

    with clock.frozen_at(informed_at + timedelta(days=30)):
        inform(informed_at, CouncilSession.INFORMAL)
        city_centre.collect_events()
        with refused(
            rules.an_informing_of_the_council_is_recorded_once,
            "Informing 1 of the council in city-centre already records this "
            "document, session and time; an informing is recorded once.",
            city_centre,
        ):
            inform(informed_at.astimezone(UTC), CouncilSession.INFORMAL)
        inform(informed_at + timedelta(days=14), CouncilSession.FORMAL)
    assert len(city_centre.council_informings) == 2


def test_an_erasure_is_recorded_in_an_initiative_the_person_left(city_centre):
    city_centre.leave(actor="bakery", stakeholder="bakery")
    city_centre.collect_events()

    city_centre.record_erasure(actor="bakery", stakeholder="bakery", with_texts=True)

    [event] = city_centre.collect_events()
    assert names_and_actors([event]) == [("PersonalDataErased", "bakery")]
    assert (event.stakeholder, event.with_texts) == ("bakery", True)


def test_an_erasure_is_recorded_only_where_they_took_part_and_left(
    city_centre, refused
):
    sentence = (
        "An erasure is recorded in city-centre only for someone who took part in it "
        "and has left it, or once it is closed."
    )
    for who in ("stranger", "library"):  # never joined; still taking part
        with refused(
            rules.an_erasure_is_recorded_where_they_took_part, sentence, city_centre
        ):
            city_centre.record_erasure(actor=who, stakeholder=who, with_texts=False)


def test_a_correction_is_recorded_for_someone_who_takes_part_or_took_part(
    city_centre, text
):
    city_centre.leave(actor="library", stakeholder="library")
    city_centre.collect_events()

    for who in ("bakery", "library"):  # still taking part; left
        city_centre.record_identity_correction(
            actor=who, stakeholder=who, identity=text(f"{who}, corrected")
        )

    events = city_centre.collect_events()
    assert names_and_actors(events) == [
        ("IdentityCorrected", "bakery"),
        ("IdentityCorrected", "library"),
    ]
    assert events[0].identity == text("bakery, corrected")
    assert events[0].actor_identity is None


def test_a_correction_is_recorded_in_a_closed_initiative_too(city_centre, text):
    city_centre.close(actor="facilitator", outcome=text("Done."))
    city_centre.collect_events()

    city_centre.record_identity_correction(
        actor="facilitator", stakeholder="bakery", identity=text("bakery, corrected")
    )

    [event] = city_centre.collect_events()
    assert names_and_actors([event]) == [("IdentityCorrected", "facilitator")]


def test_whoever_corrects_someone_without_taking_part_has_their_identity_kept(
    city_centre, text
):
    city_centre.record_identity_correction(
        actor="harbour-facilitator",
        stakeholder="bakery",
        identity=text("bakery, corrected"),
        actor_identity=text("harbour-facilitator"),
    )

    assert "harbour-facilitator" in city_centre.askers
    # Their own correction is then recorded here as well.
    city_centre.record_identity_correction(
        actor="harbour-facilitator",
        stakeholder="harbour-facilitator",
        identity=text("harbour-facilitator, corrected"),
    )
    assert [e.stakeholder for e in city_centre.collect_events()] == [
        "bakery",
        "harbour-facilitator",
    ]


def test_a_correction_is_recorded_only_where_their_identity_is(
    city_centre, refused, text
):
    sentence = (
        "A correction of someone's name is recorded in city-centre only for someone "
        "whose identity it holds: who took part in it, or asked for an erasure or a "
        "correction there."
    )
    with refused(
        rules.a_correction_is_recorded_where_their_identity_is, sentence, city_centre
    ):
        city_centre.record_identity_correction(
            actor="stranger", stakeholder="stranger", identity=text("stranger")
        )


def test_the_facilitator_records_how_the_process_was_announced(city_centre, text):
    sent = datetime.fromisoformat("2026-01-12T08:00+01:00")

    number = city_centre.announce(
        actor="facilitator",
        channel=AnnouncementChannel.LETTER,
        audience=text("every household within the canals"),
        announced_at=sent,
        reach=4200,
    )

    [event] = city_centre.collect_events()
    assert names_and_actors([event]) == [("Announced", "facilitator")]
    assert (number, event.channel, event.reach) == (1, "letter", 4200)
    assert city_centre.announcements[0].audience == text(
        "every household within the canals"
    )


def test_an_announcement_is_recorded_once_it_was_made(
    city_centre, text, refused, story_start
):
    tomorrow = story_start + timedelta(days=1)
    with refused(
        rules.an_announcement_is_recorded_once_made,
        "An announcement is recorded once it was made; "
        f"{tomorrow.isoformat(timespec='minutes')} lies "
        "in the future.",
        city_centre,
    ):
        city_centre.announce(
            actor="facilitator",
            channel=AnnouncementChannel.WEBSITE,
            audience=text("everyone"),
            announced_at=tomorrow,
        )
    with refused(
        rules.a_reach_is_not_negative,
        "The number of people an announcement reached cannot be negative.",
        city_centre,
    ):
        city_centre.announce(
            actor="facilitator",
            channel=AnnouncementChannel.WEBSITE,
            audience=text("everyone"),
            announced_at=story_start,
            reach=-1,
        )


def test_the_facilitator_records_naming_the_general_interest_and_help_on_request(
    city_centre, text, story_start
):
    """The facilitator names the general interest at the steering group, and
    joins the traffic group's evening because the group asked: both are events
    of their own, with who asked."""
    evening = datetime.fromisoformat("2026-01-12T08:30+01:00")
    first = city_centre.record_intervention(
        actor="facilitator",
        kind=InterventionKind.GENERAL_INTEREST,
        note=text("the square must stay reachable for the market"),
        intervened_at=evening,
    )
    second = city_centre.record_intervention(
        actor="facilitator",
        kind=InterventionKind.ON_REQUEST,
        note=text("explained how the traffic department decides"),
        intervened_at=story_start,
        group="traffic",
    )
    third = city_centre.record_intervention(
        actor="facilitator",
        kind=InterventionKind.ON_REQUEST,
        note=text("met the bakery about deliveries"),
        intervened_at=story_start,
        requested_by="bakery",
    )

    events = city_centre.collect_events()
    assert names_and_actors(events) == [("FacilitatorIntervened", "facilitator")] * 3
    assert (first, second, third) == (1, 2, 3)
    assert [(e.kind, e.group, e.requested_by) for e in events] == [
        ("general-interest", None, None),
        ("on-request", "traffic", None),
        ("on-request", None, "bakery"),
    ]
    assert city_centre.interventions[0].intervened_at == evening
    assert city_centre.interventions[2].note == text("met the bakery about deliveries")


def test_an_intervention_is_the_facilitators_made_and_on_request_says_who_asked(
    city_centre, text, refused, story_start
):
    def intervene(**fields):
        return city_centre.record_intervention(
            **{
                "actor": "facilitator",
                "kind": InterventionKind.ON_REQUEST,
                "note": text("a note"),
                "intervened_at": story_start,
                **fields,
            }
        )

    tomorrow = story_start + timedelta(days=1)
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may record interventions.",
        city_centre,
    ):
        intervene(actor="bakery", group="traffic")
    with refused(
        rules.an_intervention_is_recorded_once_made,
        "An intervention is recorded once it was made; "
        f"{tomorrow.isoformat(timespec='minutes')} lies "
        "in the future.",
        city_centre,
    ):
        intervene(intervened_at=tomorrow, group="traffic")
    with refused(
        rules.an_intervention_on_request_names_who_asked,
        "An intervention on request names who asked for it: a group or a "
        "stakeholder of city-centre.",
        city_centre,
    ):
        intervene()
    with refused(
        rules.an_intervention_is_asked_for_from_within_the_initiative,
        "The group cycling is not a group or a stakeholder of city-centre; an "
        "intervention is asked for by those who take part.",
        city_centre,
    ):
        intervene(group="cycling")
    with refused(
        rules.an_intervention_is_asked_for_from_within_the_initiative,
        "This stakeholder is not a group or a stakeholder of city-centre; an "
        "intervention is asked for by those who take part.",
        city_centre,
    ):
        intervene(requested_by="stranger")


def test_an_intervention_is_asked_for_by_a_group_or_a_stakeholder_not_both(
    city_centre, text, refused, story_start
):
    """Who asked is one group or one stakeholder: with both, the report and the
    status could show only one of them."""
    with refused(
        rules.an_intervention_is_asked_for_by_a_group_or_a_stakeholder,
        "An intervention is asked for by a group or by a stakeholder, not both; "
        "name the one who asked.",
        city_centre,
    ):
        city_centre.record_intervention(
            actor="facilitator",
            kind=InterventionKind.ON_REQUEST,
            note=text("a note"),
            intervened_at=story_start,
            group="traffic",
            requested_by="bakery",
        )


def test_the_facilitator_does_not_ask_for_their_own_intervention(
    city_centre, text, refused, story_start
):
    """On request means that someone who takes part asked: the facilitator named
    as the one who asked would make any intervention one on request."""
    with refused(
        rules.the_facilitator_does_not_ask_for_their_own_intervention,
        "The facilitator of city-centre does not ask for their own intervention; "
        "name the group or the stakeholder who asked.",
        city_centre,
    ):
        city_centre.record_intervention(
            actor="facilitator",
            kind=InterventionKind.ON_REQUEST,
            note=text("a note"),
            intervened_at=story_start,
            requested_by="facilitator",
        )


def test_the_facilitator_records_the_frameworks_the_council_set(
    city_centre, text, story_start
):
    set_at = datetime.fromisoformat("2025-11-20T20:00+01:00")

    first = city_centre.record_council_framework(
        actor="facilitator",
        framework=text("at most 2.1 million euros; the Saturday market stays"),
        set_at=set_at,
        document_sha256=DOCUMENT_SHA256,
    )
    second = city_centre.record_council_framework(
        actor="facilitator", framework=text("the trees stay"), set_at=story_start
    )

    events = city_centre.collect_events()
    assert names_and_actors(events) == [
        ("CouncilFrameworkSet", "facilitator"),
        ("CouncilFrameworkSet", "facilitator"),
    ]
    assert (first, second) == (1, 2)
    assert [(e.number, e.set_at, e.document_sha256) for e in events] == [
        (1, set_at, DOCUMENT_SHA256),
        (2, story_start, None),
    ]
    assert [f.framework for f in city_centre.frameworks] == [
        text("at most 2.1 million euros; the Saturday market stays"),
        text("the trees stay"),
    ]


def test_a_framework_is_recorded_once_the_council_set_it(
    city_centre, text, refused, story_start
):
    tomorrow = story_start + timedelta(days=1)
    with refused(
        rules.a_framework_is_recorded_once_set,
        "A framework of the council is recorded once the council set it; "
        f"{tomorrow.isoformat(timespec='minutes')} lies in the future.",
        city_centre,
    ):
        city_centre.record_council_framework(
            actor="facilitator", framework=text("the trees stay"), set_at=tomorrow
        )
    with refused(
        rules.a_document_is_named_by_its_sha256,
        "A council document is named by its SHA-256: 64 hexadecimal characters.",
        city_centre,
    ):
        city_centre.record_council_framework(
            actor="facilitator",
            framework=text("the trees stay"),
            set_at=story_start,
            document_sha256="not a hash",
        )


def test_only_the_facilitator_of_an_open_initiative_records_a_framework(
    city_centre, text, refused, story_start
):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may record the council's frameworks.",
        city_centre,
    ):
        city_centre.record_council_framework(
            actor="bakery", framework=text("the trees stay"), set_at=story_start
        )
    city_centre.close(actor="facilitator", outcome=text("done"))
    city_centre.collect_events()
    with refused(
        rules.a_closed_initiative_takes_no_commands,
        "city-centre is closed; nothing more can be recorded in it.",
        city_centre,
    ):
        city_centre.record_council_framework(
            actor="facilitator", framework=text("the trees stay"), set_at=story_start
        )


def test_a_frameworks_record_is_corrected_with_its_reason(
    city_centre, text, story_start
):
    set_at = datetime.fromisoformat("2025-11-20T20:00+01:00")
    city_centre.record_council_framework(
        actor="facilitator", framework=text("the trees stay"), set_at=set_at
    )
    city_centre.collect_events()
    city_centre.close(actor="facilitator", outcome=text("done"))
    city_centre.collect_events()

    # After the close too: the report is read then.
    corrected = city_centre.correct_council_framework(
        actor="facilitator",
        number=1,
        set_at=set_at + timedelta(days=7),
        document_sha256=DOCUMENT_SHA256,
        reason=text("the council decided a week later"),
    )

    [event] = city_centre.collect_events()
    assert names_and_actors([event]) == [("CouncilFrameworkCorrected", "facilitator")]
    assert corrected == ("set_at", "document_sha256")
    assert (event.framework, event.set_at, event.document_sha256) == (
        None,
        set_at + timedelta(days=7),
        DOCUMENT_SHA256,
    )
    [framework] = city_centre.frameworks
    assert (framework.framework, framework.set_at, framework.document_sha256) == (
        text("the trees stay"),
        set_at + timedelta(days=7),
        DOCUMENT_SHA256,
    )


def test_a_framework_correction_names_a_framework_gives_a_reason_and_changes_something(
    city_centre, text, refused, story_start
):
    with refused(
        rules.a_framework_named_must_exist,
        "city-centre has no frameworks of the council; there is no framework 1 to "
        "correct.",
        city_centre,
    ):
        city_centre.correct_council_framework(
            actor="facilitator", number=1, set_at=story_start, reason=text("why")
        )
    city_centre.record_council_framework(
        actor="facilitator", framework=text("the trees stay"), set_at=story_start
    )
    city_centre.collect_events()
    with refused(
        rules.a_framework_correction_gives_its_reason,
        "A correction of framework 1 of city-centre gives its reason.",
        city_centre,
    ):
        city_centre.correct_council_framework(
            actor="facilitator", number=1, document_sha256=DOCUMENT_SHA256, reason=None
        )
    with refused(
        rules.a_framework_correction_changes_something,
        "Framework 1 of city-centre is recorded so already; a correction changes "
        "its text, when the council set it or its document's SHA-256.",
        city_centre,
    ):
        city_centre.correct_council_framework(
            actor="facilitator",
            number=1,
            set_at=story_start.astimezone(UTC),  # the same moment
            reason=text("why"),
        )
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may correct the record of the "
        "council's frameworks.",
        city_centre,
    ):
        city_centre.correct_council_framework(
            actor="bakery", number=1, document_sha256=DOCUMENT_SHA256, reason=text("x")
        )


def informed(city_centre, text, at="2026-01-12T20:00+01:00"):
    informed_at = datetime.fromisoformat(at)
    with clock.frozen_at(informed_at):
        city_centre.inform_council(
            actor="facilitator",
            document_title=text("the vision for the city centre"),
            document_sha256=DOCUMENT_SHA256,
            session=CouncilSession.FORMAL,
            informed_at=informed_at,
        )
    city_centre.collect_events()
    return informed_at


def test_the_facilitator_records_what_the_council_did_with_it(city_centre, text):
    informed_at = informed(city_centre, text)
    decided_at = informed_at + timedelta(days=14)
    city_centre.close(actor="facilitator", outcome=text("done"))
    city_centre.collect_events()

    with clock.frozen_at(decided_at + timedelta(hours=1)):
        city_centre.record_council_follow_up(
            actor="facilitator",
            informing=1,
            summary=text("the council adopted the vision"),
            followed_up_at=decided_at,
            document_sha256="ab" * 32,
        )

    [event] = city_centre.collect_events()
    assert names_and_actors([event]) == [("CouncilFollowedUp", "facilitator")]
    assert (event.informing, event.followed_up_at) == (1, decided_at)
    [follow_up] = city_centre.council_follow_ups
    assert follow_up.summary == text("the council adopted the vision")


def test_a_follow_up_answers_an_informing_that_happened(city_centre, text, refused):
    informed_at = informed(city_centre, text)
    with refused(
        rules.a_follow_up_answers_an_informing,
        "city-centre has 1 informing of the council; there is no informing 2 to "
        "follow up.",
        city_centre,
    ):
        city_centre.record_council_follow_up(
            actor="facilitator",
            informing=2,
            summary=text("?"),
            followed_up_at=informed_at,
        )
    earlier = informed_at - timedelta(days=1)
    with (
        refused(
            rules.a_follow_up_comes_after_the_informing,
            f"The council cannot have followed up informing 1 at "
            f"{earlier.isoformat(timespec='minutes')}, before it was informed ("
            f"{informed_at.isoformat(timespec='minutes')}), "
            "nor in the future.",
            city_centre,
        ),
        clock.frozen_at(informed_at + timedelta(days=1)),
    ):
        city_centre.record_council_follow_up(
            actor="facilitator",
            informing=1,
            summary=text("?"),
            followed_up_at=earlier,
        )


def test_the_council_is_informed_of_what_happened_not_of_what_will(
    city_centre, text, refused, story_start
):
    tomorrow = story_start + timedelta(days=1)
    with refused(
        rules.the_council_was_informed_by_now,
        "Informing the council is recorded once it happened; "
        f"{tomorrow.isoformat(timespec='minutes')} lies in the future.",
        city_centre,
    ):
        city_centre.inform_council(
            actor="facilitator",
            document_title=text("the vision for the city centre"),
            document_sha256=DOCUMENT_SHA256,
            session=CouncilSession.INFORMAL,
            informed_at=tomorrow,
        )


@pytest.mark.parametrize(
    "document_sha256",
    ["3f" * 31, "3f" * 33, "3F" * 32, "3g" * 32],
    ids=["too-short", "too-long", "upper-case", "not-hexadecimal"],
)
def test_a_council_document_is_named_by_its_sha256(
    city_centre, text, refused, document_sha256
):
    with refused(
        rules.a_document_is_named_by_its_sha256,
        "A council document is named by its SHA-256: 64 hexadecimal characters.",
        city_centre,
    ):
        city_centre.inform_council(
            actor="facilitator",
            document_title=text("the vision"),
            document_sha256=document_sha256,
            session=CouncilSession.LETTER,
            informed_at=datetime.fromisoformat("2026-04-07T20:00+02:00"),
        )


def test_the_time_the_council_was_informed_carries_a_timezone(
    city_centre, text, refused
):
    with refused(
        rules.times_carry_a_timezone,
        "The time the council was informed must include a timezone "
        "(for example 2026-03-12T19:30+01:00).",
        city_centre,
    ):
        city_centre.inform_council(
            actor="facilitator",
            document_title=text("the vision"),
            document_sha256=DOCUMENT_SHA256,
            session=CouncilSession.FORMAL,
            informed_at=datetime(2026, 4, 7, 20, 0),
        )


def test_the_library_cannot_inform_the_council(city_centre, text, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may inform the council.",
        city_centre,
    ):
        city_centre.inform_council(
            actor="library",
            document_title=text("the vision"),
            document_sha256=DOCUMENT_SHA256,
            session=CouncilSession.LETTER,
            informed_at=datetime.fromisoformat("2026-04-07T20:00+02:00"),
        )


# --- Phases --------------------------------------------------------------------------


def test_the_facilitator_advances_past_the_stakeholders_decision(city_centre):
    phase = city_centre.advance_phase(actor="facilitator")

    events = city_centre.collect_events()
    assert phase == "colleagues-join"
    assert names_and_actors(events) == [("PhaseAdvanced", "facilitator")]
    assert (events[0].previous, events[0].phase) == (
        "society-decides",
        "colleagues-join",
    )
    assert not city_centre.society_decides


def test_phases_advance_in_the_order_of_the_template_and_stop_at_the_last(
    city_centre, refused
):
    reached = [city_centre.advance_phase(actor="facilitator") for _ in range(4)]
    events = city_centre.collect_events()

    assert reached == ["colleagues-join", "council", "implementation", "evaluation"]
    assert [(e.previous, e.phase) for e in events] == [
        ("society-decides", "colleagues-join"),
        ("colleagues-join", "council"),
        ("council", "implementation"),
        ("implementation", "evaluation"),
    ]
    with refused(
        rules.phases_advance_in_order,
        "city-centre is in its last phase (evaluation); there is no phase after it.",
        city_centre,
    ):
        city_centre.advance_phase(actor="facilitator")
    assert city_centre.phase == "evaluation"


def test_the_civil_servant_cannot_advance_the_phase(city_centre, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may advance its phase.",
        city_centre,
    ):
        city_centre.advance_phase(actor="civil-servant-traffic")
    assert city_centre.phase == "society-decides"


# --- Closing -------------------------------------------------------------------------


def test_the_facilitator_closes_the_city_centre_with_its_outcome(city_centre, text):
    city_centre.close(actor="facilitator", outcome=text("a lively city centre"))

    events = city_centre.collect_events()
    assert names_and_actors(events) == [("Closed", "facilitator")]
    assert events[0].outcome == text("a lively city centre")
    assert city_centre.is_closed


def test_an_initiative_closes_with_no_decision_point_open(city_centre, text, refused):
    with refused(
        rules.a_closed_initiative_leaves_no_decision_point_open,
        "city-centre still has 2 open decision points; decide or withdraw each "
        "before closing it.",
        city_centre,
    ):
        city_centre.close(
            actor="facilitator",
            outcome=text("we are done"),
            facts=PhaseFacts(open_decision_points=2),
        )


def test_one_open_decision_point_is_named_in_the_singular(city_centre, text, refused):
    with refused(
        rules.a_closed_initiative_leaves_no_decision_point_open,
        "city-centre still has 1 open decision point; decide or withdraw each "
        "before closing it.",
        city_centre,
    ):
        city_centre.close(
            actor="facilitator",
            outcome=text("we are done"),
            facts=PhaseFacts(open_decision_points=1),
        )


def test_an_initiative_closes_with_every_reaction_answered(city_centre, text, refused):
    for _ in range(4):  # to the last phase, evaluation
        city_centre.advance_phase(actor="facilitator")
    city_centre.collect_events()
    with refused(
        rules.a_closed_initiative_leaves_no_reaction_unanswered,
        "city-centre still has 3 unanswered reactions; answer each before closing "
        "it, so that the response report answers every reaction.",
        city_centre,
    ):
        city_centre.close(
            actor="facilitator",
            outcome=text("we are done"),
            facts=PhaseFacts(unanswered_reactions=3),
        )


def test_a_process_stopped_early_may_leave_reactions_unanswered(city_centre, text):
    city_centre.close(
        actor="facilitator",
        outcome=text("stopped: the council withdrew the plan"),
        facts=PhaseFacts(unanswered_reactions=3),
    )
    assert city_centre.is_closed


def test_the_bakery_cannot_close_the_city_centre(city_centre, text, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may close it.",
        city_centre,
    ):
        city_centre.close(actor="bakery", outcome=text("we are done"))
    assert not city_centre.is_closed


@pytest.mark.parametrize(
    ("command", "actor"),
    [
        ("join", "resident-kerkstraat"),
        ("leave", "bakery"),
        ("advance_phase", "facilitator"),
        ("form_group", "facilitator"),
        ("close", "facilitator"),
    ],
)
def test_a_closed_initiative_records_nothing_more(
    city_centre, text, refused, command, actor
):
    city_centre.close(actor="facilitator", outcome=text("a lively city centre"))
    city_centre.collect_events()
    when = {
        "join": lambda: city_centre.join(
            actor=actor, stakeholder=actor, kind=StakeholderKind.RESIDENT
        ),
        "leave": lambda: city_centre.leave(actor=actor, stakeholder=actor),
        "advance_phase": lambda: city_centre.advance_phase(actor=actor),
        "form_group": lambda: city_centre.form_group(
            actor=actor,
            slug="parking",
            kind=GroupKind.WORKING,
            name=text("parking"),
            mandate=text("parking"),
        ),
        "close": lambda: city_centre.close(actor=actor, outcome=text("again")),
    }[command]

    with refused(
        rules.a_closed_initiative_takes_no_commands,
        "city-centre is closed; nothing more can be recorded in it.",
        city_centre,
    ):
        when()
    assert city_centre.outcome == text("a lively city centre")


def test_only_the_facilitator_takes_someone_out_of_a_group(city_centre, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may compose groups.",
        city_centre,
    ):
        city_centre.remove_member(
            actor="bakery", group="steering", stakeholder="library"
        )


def test_only_the_facilitator_records_announcements_with_their_timezone(
    city_centre, text, refused
):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may record announcements.",
        city_centre,
    ):
        city_centre.announce(
            actor="library",
            channel=AnnouncementChannel.WEBSITE,
            audience=text("everyone"),
            announced_at=datetime.fromisoformat("2026-01-12T08:00+01:00"),
        )
    with refused(
        rules.times_carry_a_timezone,
        "The time of the announcement must include a timezone "
        "(for example 2026-03-12T19:30+01:00).",
        city_centre,
    ):
        city_centre.announce(
            actor="facilitator",
            channel=AnnouncementChannel.WEBSITE,
            audience=text("everyone"),
            announced_at=datetime(2026, 1, 12, 8, 0),
        )


def test_an_announcement_may_reach_no_one(city_centre, text):
    """A reach of 0 is a number of people, as an unknown reach is none."""
    city_centre.announce(
        actor="facilitator",
        channel=AnnouncementChannel.WEBSITE,
        audience=text("everyone"),
        announced_at=datetime.fromisoformat("2026-01-12T08:00+01:00"),
        reach=0,
    )
    assert city_centre.announcements[0].reach == 0


def test_only_the_facilitator_records_a_follow_up_with_its_timezone_and_sha256(
    city_centre, text, refused
):
    informed_at = informed(city_centre, text)
    later = informed_at + timedelta(days=14)
    follow_up = {
        "informing": 1,
        "summary": text("the council adopted the vision"),
        "followed_up_at": later,
    }
    with clock.frozen_at(later + timedelta(hours=1)):
        with refused(
            rules.only_the_facilitator_shapes_the_initiative,
            "Only the facilitator of city-centre may record the council's follow-up.",
            city_centre,
        ):
            city_centre.record_council_follow_up(actor="library", **follow_up)
        with refused(
            rules.times_carry_a_timezone,
            "The time of the council's follow-up must include a timezone "
            "(for example 2026-03-12T19:30+01:00).",
            city_centre,
        ):
            city_centre.record_council_follow_up(
                actor="facilitator",
                **{**follow_up, "followed_up_at": later.replace(tzinfo=None)},
            )
        with refused(
            rules.a_document_is_named_by_its_sha256,
            "A council document is named by its SHA-256: 64 hexadecimal characters.",
            city_centre,
        ):
            city_centre.record_council_follow_up(
                actor="facilitator", **follow_up, document_sha256="AB" * 32
            )


def test_a_follow_up_may_come_at_the_moment_the_council_was_informed(city_centre, text):
    informed_at = informed(city_centre, text)
    with clock.frozen_at(informed_at):
        city_centre.record_council_follow_up(
            actor="facilitator",
            informing=1,
            summary=text("noted at once"),
            followed_up_at=informed_at,
        )
    assert [f.followed_up_at for f in city_centre.council_follow_ups] == [informed_at]
