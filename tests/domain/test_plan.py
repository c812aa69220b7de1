"""The traffic plan: drafts, reactions, answers and finalising.

Given the traffic plan (version 1, drafted by the bakery for the traffic working
group), stakeholders react and the working group answers every reaction that was not
withdrawn; only then is the plan finalised.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

import pytest

from samenspraak.domain import clock, rules
from samenspraak.domain.plan import Answer, AnswerKind, Plan
from samenspraak.domain.values import Channel, MeetingKind, Stance


def names_and_actors(events):
    return [(type(e).__name__, e.actor) for e in events]


def react(plan, initiative, text, stakeholder, stance, *, actor=None, version=1):
    """Record a reaction (by the stakeholder unless ``actor`` says otherwise)."""
    return plan.add_reaction(
        actor=actor or stakeholder,
        initiative=initiative,
        stakeholder=stakeholder,
        version=version,
        stance=stance,
        text=text(f"{stakeholder}: {stance} on version {version}"),
        channel=Channel.ONLINE,
    )


def draft(plan, initiative, text, actor="bakery"):
    number = plan.latest_version + 1
    return plan.propose_draft(
        actor=actor,
        initiative=initiative,
        text=text(f"traffic plan v{number}"),
        changes=text(f"changes in v{number}"),
    )


@pytest.fixture
def reacted_plan(city_centre, traffic_plan, text):
    """The traffic plan with reactions: 1 objection (resident), 2 support (bakery),
    3 concern (library)."""
    react(traffic_plan, city_centre, text, "resident-havenkwartier", Stance.OBJECTION)
    react(traffic_plan, city_centre, text, "bakery", Stance.SUPPORT)
    react(traffic_plan, city_centre, text, "library", Stance.CONCERN)
    traffic_plan.collect_events()
    return traffic_plan


# --- Creating and drafting -----------------------------------------------------------


def test_the_bakery_creates_the_traffic_plan_for_its_working_group(city_centre, text):
    plan = Plan.create(
        actor="bakery",
        initiative=city_centre,
        slug="traffic-plan",
        title=text("traffic plan"),
        group="traffic",
    )

    events = plan.collect_events()
    assert names_and_actors(events) == [("Created", "bakery")]
    assert events[0].initiative_id == city_centre.id
    assert (events[0].slug, events[0].group) == ("traffic-plan", "traffic")
    assert events[0].title == text("traffic plan")
    assert plan.versions == {}
    assert not plan.is_finalised


def test_the_facilitator_creates_the_vision_without_being_a_member(city_centre, text):
    plan = Plan.create(
        actor="facilitator",
        initiative=city_centre,
        slug="vision",
        title=text("vision for the city centre"),
        group="steering",
    )

    events = plan.collect_events()
    assert names_and_actors(events) == [("Created", "facilitator")]
    assert events[0].group == "steering"


def test_the_library_cannot_create_a_plan_for_the_traffic_group(
    city_centre, text, refused
):
    with refused(
        rules.plans_are_made_by_the_owning_group_or_the_facilitator,
        "parking-plan is drafted and answered by members of the traffic group or "
        "the facilitator.",
    ):
        Plan.create(
            actor="library",
            initiative=city_centre,
            slug="parking-plan",
            title=text("parking plan"),
            group="traffic",
        )


def test_a_plan_cannot_be_made_for_a_group_that_does_not_exist(
    city_centre, text, refused
):
    with refused(rules.a_group_must_exist, "city-centre has no group called parking."):
        Plan.create(
            actor="facilitator",
            initiative=city_centre,
            slug="parking-plan",
            title=text("parking plan"),
            group="parking",
        )


def test_a_stranger_cannot_create_a_plan(city_centre, text, refused):
    with refused(
        rules.only_joined_stakeholders_act,
        "Only stakeholders who have joined city-centre and not left may create plans.",
    ):
        Plan.create(
            actor="resident-kerkstraat",
            initiative=city_centre,
            slug="kerkstraat-plan",
            title=text("kerkstraat plan"),
            group="traffic",
        )


def test_the_facilitator_proposes_the_second_version_of_the_traffic_plan(
    city_centre, traffic_plan, text
):
    version = traffic_plan.propose_draft(
        actor="facilitator",
        initiative=city_centre,
        text=text("traffic plan v2"),
        changes=text("a modal filter for the Havenkwartier"),
    )

    events = traffic_plan.collect_events()
    assert version == 2
    assert names_and_actors(events) == [("DraftProposed", "facilitator")]
    assert events[0].version == 2
    assert events[0].text == text("traffic plan v2")
    assert events[0].changes == text("a modal filter for the Havenkwartier")
    assert traffic_plan.latest_version == 2


def test_a_later_version_names_the_changes_made_of_the_authoritys_own_accord(
    city_centre, traffic_plan, text, refused
):
    """Version 2 answers reactions and also moves the bus stop, which no one
    asked for: that change is named apart (ambtshalve). The first draft has
    nothing to name so; a version without such changes names none."""
    traffic_plan.propose_draft(
        actor="facilitator",
        initiative=city_centre,
        text=text("traffic plan v2"),
        changes=text("a modal filter, as reactions asked"),
        own_initiative=text("the bus stop moves to the Grote Markt"),
    )
    [proposed] = traffic_plan.collect_events()
    assert proposed.own_initiative == text("the bus stop moves to the Grote Markt")
    assert traffic_plan.versions[2].own_initiative == proposed.own_initiative
    traffic_plan.propose_draft(
        actor="facilitator",
        initiative=city_centre,
        text=text("traffic plan v3"),
        changes=text("wider pavements"),
    )
    [plain] = traffic_plan.collect_events()
    assert plain.own_initiative is None
    assert traffic_plan.versions[3].own_initiative is None

    vision = Plan.create(
        actor="facilitator",
        initiative=city_centre,
        slug="vision",
        title=text("vision"),
        group="steering",
    )
    vision.collect_events()
    with refused(
        rules.own_initiative_changes_come_in_a_later_version,
        "Version 1 of vision is its first draft; changes of the authority's own "
        "accord are named in a later version.",
        vision,
    ):
        vision.propose_draft(
            actor="facilitator",
            initiative=city_centre,
            text=text("vision v1"),
            changes=text("first draft"),
            own_initiative=text("something"),
        )


def test_the_library_cannot_propose_a_draft_of_the_traffic_plan(
    city_centre, traffic_plan, text, refused
):
    with refused(
        rules.plans_are_made_by_the_owning_group_or_the_facilitator,
        "traffic-plan is drafted and answered by members of the traffic group or "
        "the facilitator.",
        traffic_plan,
    ):
        draft(traffic_plan, city_centre, text, actor="library")
    assert traffic_plan.latest_version == 1


def test_the_bakery_cannot_propose_a_draft_after_leaving(
    city_centre, traffic_plan, text, refused
):
    city_centre.leave(actor="bakery", stakeholder="bakery")

    with refused(
        rules.only_joined_stakeholders_act,
        "Only stakeholders who have joined city-centre and not left may propose "
        "drafts.",
        traffic_plan,
    ):
        draft(traffic_plan, city_centre, text, actor="bakery")


# --- Reactions -----------------------------------------------------------------------


def test_the_resident_reacts_online_to_a_section_of_the_traffic_plan(
    city_centre, traffic_plan, text
):
    number = traffic_plan.add_reaction(
        actor="resident-havenkwartier",
        initiative=city_centre,
        stakeholder="resident-havenkwartier",
        version=1,
        stance=Stance.OBJECTION,
        text=text("through traffic will move to the Havenkwartier"),
        channel=Channel.ONLINE,
        section="2.3",
    )

    events = traffic_plan.collect_events()
    assert number == 1
    assert names_and_actors(events) == [("ReactionAdded", "resident-havenkwartier")]
    added = events[0]
    assert added.reaction == 1
    assert added.stakeholder == "resident-havenkwartier"
    assert added.version == 1
    assert added.stance is Stance.OBJECTION
    assert added.channel is Channel.ONLINE
    assert (added.section, added.meeting) == ("2.3", None)
    assert traffic_plan.unanswered == [1]


def test_the_facilitator_records_a_letter_from_the_resident(
    city_centre, traffic_plan, text
):
    traffic_plan.add_reaction(
        actor="facilitator",
        initiative=city_centre,
        stakeholder="resident-havenkwartier",
        version=1,
        stance=Stance.SUGGESTION,
        text=text("a letter: plant trees on the quay"),
        channel=Channel.LETTER,
    )

    events = traffic_plan.collect_events()
    assert names_and_actors(events) == [("ReactionAdded", "facilitator")]
    assert events[0].stakeholder == "resident-havenkwartier"
    assert traffic_plan.reactions[1].recorded_by == "facilitator"


def test_a_letter_from_someone_who_has_not_joined_asks_the_facilitator_to_add_them(
    city_centre, traffic_plan, text, refused
):
    """A letter from a resident who never joined: the facilitator is told to add
    them to the initiative first, not only that the ones who joined may react."""
    with refused(
        rules.a_reaction_is_recorded_for_someone_who_takes_part,
        "This stakeholder has not joined city-centre, or has left it; the "
        "facilitator adds them to it first, then records their reaction.",
        traffic_plan,
    ):
        traffic_plan.add_reaction(
            actor="facilitator",
            initiative=city_centre,
            stakeholder="a-resident-who-wrote",
            version=1,
            stance=Stance.CONCERN,
            text=text("a letter from someone not in the process"),
            channel=Channel.LETTER,
        )


def test_the_facilitator_records_a_reaction_given_at_the_residents_meeting(
    city_centre, traffic_plan, text
):
    meeting = city_centre.hold_meeting(
        actor="facilitator",
        starts_at=datetime.fromisoformat("2026-03-12T19:30+01:00"),
        kind=MeetingKind.RESIDENTS_MEETING,
        place=text("the library"),
        attendance=60,
        summary=text("an evening about traffic"),
    )

    with clock.frozen_at(datetime.fromisoformat("2026-03-12T21:00+01:00")):
        traffic_plan.add_reaction(
            actor="facilitator",
            initiative=city_centre,
            stakeholder="library",
            version=1,
            stance=Stance.SUPPORT,
            text=text("bicycle parking at the library, please"),
            channel=Channel.MEETING,
            meeting=meeting,
        )

    events = traffic_plan.collect_events()
    assert names_and_actors(events) == [("ReactionAdded", "facilitator")]
    assert events[0].meeting == 1
    assert events[0].channel is Channel.MEETING


def test_a_reaction_given_at_a_meeting_is_recorded_once_it_began(
    city_centre, traffic_plan, text, refused, story_start
):
    ahead = story_start + timedelta(days=30)
    meeting = city_centre.hold_meeting(
        actor="facilitator",
        starts_at=ahead,
        kind=MeetingKind.WALK_IN,
        place=text("the market"),
        attendance=0,
        summary=text("planned"),
    )
    with refused(
        rules.a_reaction_at_a_meeting_comes_after_it_began,
        f"Meeting 1 of city-centre begins at {ahead.isoformat(timespec='minutes')}; a "
        "reaction given there is recorded once it has begun.",
        traffic_plan,
    ):
        traffic_plan.add_reaction(
            actor="facilitator",
            initiative=city_centre,
            stakeholder="library",
            version=1,
            stance=Stance.SUPPORT,
            text=text("too early"),
            channel=Channel.MEETING,
            meeting=meeting,
        )


def test_a_reaction_cannot_name_a_meeting_that_was_not_held(
    city_centre, traffic_plan, text, refused
):
    with refused(
        rules.a_meeting_named_must_exist,
        "city-centre has no meeting 2.",
        traffic_plan,
    ):
        traffic_plan.add_reaction(
            actor="facilitator",
            initiative=city_centre,
            stakeholder="library",
            version=1,
            stance=Stance.SUPPORT,
            text=text("said at a meeting"),
            channel=Channel.MEETING,
            meeting=2,
        )


def test_a_reaction_at_a_meeting_says_which_meeting_it_was(
    city_centre, traffic_plan, text, refused
):
    with refused(
        rules.a_reaction_at_a_meeting_names_the_meeting,
        "A reaction given at a meeting says which meeting it was.",
        traffic_plan,
    ):
        traffic_plan.add_reaction(
            actor="facilitator",
            initiative=city_centre,
            stakeholder="library",
            version=1,
            stance=Stance.SUPPORT,
            text=text("said at some meeting"),
            channel=Channel.MEETING,
        )


def test_a_reaction_that_names_a_meeting_came_in_at_that_meeting(
    city_centre, traffic_plan, text, refused
):
    with refused(
        rules.a_reaction_that_names_a_meeting_was_given_there,
        "A reaction that names meeting 1 was given at that meeting: its channel is "
        "meeting, not letter.",
        traffic_plan,
    ):
        traffic_plan.add_reaction(
            actor="facilitator",
            initiative=city_centre,
            stakeholder="library",
            version=1,
            stance=Stance.SUPPORT,
            text=text("a letter about the meeting"),
            channel=Channel.LETTER,
            meeting=1,
        )


def test_the_bakery_cannot_react_in_the_residents_name(
    city_centre, traffic_plan, text, refused
):
    with refused(
        rules.reactions_come_from_the_stakeholder_or_are_recorded_by_the_facilitator,
        "A reaction is given by the stakeholder themselves, or recorded for them by "
        "the facilitator (from a meeting, a letter or an email).",
        traffic_plan,
    ):
        react(
            traffic_plan,
            city_centre,
            text,
            "resident-havenkwartier",
            Stance.SUPPORT,
            actor="bakery",
        )
    assert traffic_plan.reactions == {}


def test_a_reaction_recorded_for_someone_says_how_it_came_in(
    city_centre, traffic_plan, text, refused
):
    with refused(
        rules.a_reaction_recorded_for_someone_says_how_it_came_in,
        "A reaction recorded for someone else says how it came in: by letter, by "
        "email, at a meeting (name it) or online.",
        traffic_plan,
    ):
        traffic_plan.add_reaction(
            actor="facilitator",
            initiative=city_centre,
            stakeholder="library",
            version=1,
            stance=Stance.SUGGESTION,
            text=text("by telephone"),
        )

    own = traffic_plan.add_reaction(
        actor="library",
        initiative=city_centre,
        stakeholder="library",
        version=1,
        stance=Stance.SUGGESTION,
        text=text("bicycle parking"),
    )
    assert traffic_plan.reactions[own].channel is Channel.ONLINE


def test_a_reaction_cannot_refer_to_a_version_that_does_not_exist(
    city_centre, traffic_plan, text, refused
):
    with refused(
        rules.a_reaction_refers_to_an_existing_version,
        "traffic-plan has no version 2; its versions are 1.",
        traffic_plan,
    ):
        react(
            traffic_plan,
            city_centre,
            text,
            "resident-havenkwartier",
            Stance.CONCERN,
            version=2,
        )


def test_a_plan_without_a_draft_takes_no_reactions(city_centre, text, refused):
    vision = Plan.create(
        actor="facilitator",
        initiative=city_centre,
        slug="vision",
        title=text("vision"),
        group="steering",
    )
    vision.collect_events()

    with refused(
        rules.a_reaction_refers_to_an_existing_version,
        "vision has no version 1; it has no draft yet.",
        vision,
    ):
        react(vision, city_centre, text, "library", Stance.SUPPORT)


def test_a_resident_who_left_cannot_react(city_centre, traffic_plan, text, refused):
    city_centre.leave(
        actor="resident-havenkwartier", stakeholder="resident-havenkwartier"
    )

    with refused(
        rules.only_joined_stakeholders_act,
        "Only stakeholders who have joined city-centre and not left may react to "
        "plans.",
        traffic_plan,
    ):
        react(traffic_plan, city_centre, text, "resident-havenkwartier", Stance.CONCERN)


def test_no_reaction_is_recorded_in_a_closed_initiative(
    city_centre, traffic_plan, text, refused
):
    city_centre.close(actor="facilitator", outcome=text("stopped"))

    with refused(
        rules.a_closed_initiative_takes_no_commands,
        "city-centre is closed; nothing more can be recorded in it.",
        traffic_plan,
    ):
        react(traffic_plan, city_centre, text, "bakery", Stance.SUPPORT)


# --- Withdrawing ---------------------------------------------------------------------


def test_the_resident_withdraws_their_objection(city_centre, reacted_plan):
    reacted_plan.withdraw_reaction(
        actor="resident-havenkwartier", initiative=city_centre, reaction=1
    )

    events = reacted_plan.collect_events()
    assert names_and_actors(events) == [("ReactionWithdrawn", "resident-havenkwartier")]
    assert events[0].reaction == 1
    assert reacted_plan.reactions[1].withdrawn
    assert reacted_plan.unanswered == [2, 3]


def test_the_facilitator_withdraws_a_reaction_for_the_library(
    city_centre, reacted_plan
):
    reacted_plan.withdraw_reaction(
        actor="facilitator", initiative=city_centre, reaction=3
    )

    events = reacted_plan.collect_events()
    assert names_and_actors(events) == [("ReactionWithdrawn", "facilitator")]
    assert events[0].reaction == 3


def test_the_bakery_cannot_withdraw_the_residents_reaction(
    city_centre, reacted_plan, refused
):
    with refused(
        rules.a_stakeholder_withdraws_their_own_reaction,
        "Reaction 1 on traffic-plan is withdrawn by the stakeholder who gave it, or "
        "by the facilitator for them.",
        reacted_plan,
    ):
        reacted_plan.withdraw_reaction(
            actor="bakery", initiative=city_centre, reaction=1
        )
    assert not reacted_plan.reactions[1].withdrawn


def test_a_reaction_is_withdrawn_once(city_centre, reacted_plan, refused):
    reacted_plan.withdraw_reaction(
        actor="resident-havenkwartier", initiative=city_centre, reaction=1
    )
    reacted_plan.collect_events()

    with refused(
        rules.a_reaction_is_withdrawn_once,
        "Reaction 1 on traffic-plan was already withdrawn.",
        reacted_plan,
    ):
        reacted_plan.withdraw_reaction(
            actor="resident-havenkwartier", initiative=city_centre, reaction=1
        )
    assert reacted_plan.reactions[1].withdrawn


def test_an_answered_reaction_cannot_be_withdrawn(
    city_centre, reacted_plan, text, refused
):
    reacted_plan.defend_position(
        actor="bakery",
        initiative=city_centre,
        reactions=[1],
        reasoning=text("the ring road takes the traffic"),
    )
    reacted_plan.collect_events()

    with refused(
        rules.an_answered_reaction_stays,
        "Reaction 1 on traffic-plan is already answered and cannot be withdrawn.",
        reacted_plan,
    ):
        reacted_plan.withdraw_reaction(
            actor="resident-havenkwartier", initiative=city_centre, reaction=1
        )
    assert not reacted_plan.reactions[1].withdrawn


def test_a_reaction_that_does_not_exist_cannot_be_withdrawn(
    city_centre, reacted_plan, refused
):
    with refused(
        rules.a_reaction_must_exist,
        "traffic-plan has no reaction 7.",
        reacted_plan,
    ):
        reacted_plan.withdraw_reaction(
            actor="facilitator", initiative=city_centre, reaction=7
        )


# --- Answering -----------------------------------------------------------------------


def test_the_working_group_adopts_a_change_in_the_second_version(
    city_centre, reacted_plan, text
):
    draft(reacted_plan, city_centre, text)
    reacted_plan.collect_events()

    reacted_plan.adopt_change(
        actor="bakery",
        initiative=city_centre,
        reactions=[1, 3],
        version=2,
        explanation=text("a modal filter keeps through traffic out"),
    )

    events = reacted_plan.collect_events()
    assert names_and_actors(events) == [("ChangeAdopted", "bakery")]
    assert events[0].reactions == [1, 3]
    assert events[0].version == 2
    assert events[0].explanation == text("a modal filter keeps through traffic out")
    expected = Answer(
        AnswerKind.ADOPTED,
        "bakery",
        version=2,
        text=text("a modal filter keeps through traffic out"),
    )
    assert reacted_plan.reactions[1].answer == expected
    assert reacted_plan.reactions[3].answer == expected
    assert reacted_plan.unanswered == [2]


def test_a_change_cannot_be_adopted_in_the_version_that_was_reacted_to(
    city_centre, reacted_plan, text, refused
):
    with refused(
        rules.a_change_is_adopted_in_a_later_version,
        "A change answering reaction 1 (on version 1) is adopted in a later version "
        "of traffic-plan; version 1 is not one.",
        reacted_plan,
    ):
        reacted_plan.adopt_change(
            actor="bakery",
            initiative=city_centre,
            reactions=[1],
            version=1,
            explanation=text("it is already in there"),
        )
    assert reacted_plan.unanswered == [1, 2, 3]


def test_a_change_may_meet_reactions_in_part(city_centre, reacted_plan, text):
    draft(reacted_plan, city_centre, text)
    reacted_plan.adopt_change(
        actor="bakery",
        initiative=city_centre,
        reactions=[1],
        version=2,
        explanation=text("the filter, but not at night"),
        partly=True,
    )

    [event] = reacted_plan.collect_events()[-1:]
    assert (type(event).__name__, event.partly) == ("ChangeAdopted", True)
    answer = reacted_plan.reactions[1].answer
    assert (answer.kind, answer.version) == (AnswerKind.PARTLY_ADOPTED, 2)
    assert reacted_plan.unanswered == [2, 3]


def test_a_change_is_carried_by_a_version_proposed_after_the_reaction(
    city_centre, traffic_plan, text, refused
):
    draft(traffic_plan, city_centre, text)
    late = react(
        traffic_plan, city_centre, text, "resident-havenkwartier", Stance.OBJECTION
    )
    traffic_plan.collect_events()

    with refused(
        rules.a_change_follows_the_reaction,
        "Reaction 1 on traffic-plan was given when version 2 already existed; a "
        "change it led to is carried by a version proposed after it, not by version 2.",
        traffic_plan,
    ):
        traffic_plan.adopt_change(
            actor="bakery",
            initiative=city_centre,
            reactions=[late],
            version=2,
            explanation=text("version 2 already did it"),
        )

    draft(traffic_plan, city_centre, text)
    traffic_plan.adopt_change(
        actor="bakery",
        initiative=city_centre,
        reactions=[late],
        version=3,
        explanation=text("version 3 does it"),
    )
    assert traffic_plan.unanswered == []


def test_a_change_cannot_be_adopted_in_a_version_not_yet_proposed(
    city_centre, reacted_plan, text, refused
):
    with refused(
        rules.a_change_is_adopted_in_a_version_that_exists,
        "traffic-plan has no version 3 yet; propose it first, then adopt the change "
        "in it.",
        reacted_plan,
    ):
        reacted_plan.adopt_change(
            actor="bakery",
            initiative=city_centre,
            reactions=[3],
            version=3,
            explanation=text("will be in version 3"),
        )


def test_the_working_group_defends_its_position_to_the_resident(
    city_centre, reacted_plan, text
):
    reacted_plan.defend_position(
        actor="bakery",
        initiative=city_centre,
        reactions=[1],
        reasoning=text("the ring road takes the traffic"),
    )

    events = reacted_plan.collect_events()
    assert names_and_actors(events) == [("PositionDefended", "bakery")]
    assert events[0].reactions == [1]
    assert events[0].reasoning == text("the ring road takes the traffic")
    assert reacted_plan.reactions[1].answer == Answer(
        AnswerKind.DEFENDED, "bakery", text=text("the ring road takes the traffic")
    )


@pytest.mark.parametrize("answer", ["defend", "adopt", "note"])
def test_the_library_outside_the_working_group_cannot_answer(
    city_centre, reacted_plan, text, refused, answer
):
    with refused(
        rules.plans_are_made_by_the_owning_group_or_the_facilitator,
        "traffic-plan is drafted and answered by members of the traffic group or "
        "the facilitator.",
        reacted_plan,
    ):
        if answer == "defend":
            reacted_plan.defend_position(
                actor="library",
                initiative=city_centre,
                reactions=[1],
                reasoning=text("we think so"),
            )
        elif answer == "adopt":
            reacted_plan.adopt_change(
                actor="library",
                initiative=city_centre,
                reactions=[1],
                version=1,
                explanation=text("it is in there"),
            )
        else:
            reacted_plan.note_support(
                actor="library", initiative=city_centre, reactions=[2]
            )


def test_the_facilitator_notes_the_bakerys_support(city_centre, reacted_plan):
    reacted_plan.note_support(
        actor="facilitator", initiative=city_centre, reactions=[2]
    )

    events = reacted_plan.collect_events()
    assert names_and_actors(events) == [("SupportNoted", "facilitator")]
    assert events[0].reactions == [2]
    assert reacted_plan.reactions[2].answer == Answer(AnswerKind.NOTED, "facilitator")


def test_a_concern_is_not_merely_noted(city_centre, reacted_plan, refused):
    with refused(
        rules.only_support_is_noted,
        "Only support is noted without more; reaction 3 has the stance concern: "
        "adopt a change or defend the position.",
        reacted_plan,
    ):
        reacted_plan.note_support(
            actor="facilitator", initiative=city_centre, reactions=[2, 3]
        )
    assert reacted_plan.reactions[2].answer is None


def test_an_answer_names_at_least_one_reaction(
    city_centre, reacted_plan, text, refused
):
    with refused(
        rules.an_answer_names_the_reactions_it_answers,
        "An answer names the reactions it answers; none were named.",
        reacted_plan,
    ):
        reacted_plan.defend_position(
            actor="bakery",
            initiative=city_centre,
            reactions=[],
            reasoning=text("nothing to say"),
        )


def test_an_answer_cannot_name_a_reaction_that_does_not_exist(
    city_centre, reacted_plan, text, refused
):
    with refused(
        rules.a_reaction_must_exist,
        "traffic-plan has no reaction 7.",
        reacted_plan,
    ):
        reacted_plan.defend_position(
            actor="bakery",
            initiative=city_centre,
            reactions=[1, 7],
            reasoning=text("the ring road takes it"),
        )
    assert reacted_plan.reactions[1].answer is None


def test_a_reaction_named_twice_in_one_answer_is_answered_once(
    city_centre, reacted_plan, text
):
    reacted_plan.defend_position(
        actor="bakery",
        initiative=city_centre,
        reactions=[1, 1],
        reasoning=text("the ring road takes it"),
    )

    assert reacted_plan.collect_events()[0].reactions == [1]


def test_every_reaction_gets_exactly_one_answer(
    city_centre, reacted_plan, text, refused
):
    reacted_plan.defend_position(
        actor="bakery",
        initiative=city_centre,
        reactions=[1],
        reasoning=text("the ring road takes the traffic"),
    )
    draft(reacted_plan, city_centre, text)
    reacted_plan.collect_events()

    with refused(
        rules.every_reaction_gets_exactly_one_answer,
        "Reaction 1 on traffic-plan already has an answer (defended).",
        reacted_plan,
    ):
        reacted_plan.adopt_change(
            actor="bakery",
            initiative=city_centre,
            reactions=[3, 1],
            version=2,
            explanation=text("after all: a modal filter"),
        )
    assert reacted_plan.reactions[1].answer.kind is AnswerKind.DEFENDED
    assert reacted_plan.reactions[3].answer is None


def test_a_withdrawn_reaction_needs_no_answer(city_centre, reacted_plan, text, refused):
    reacted_plan.withdraw_reaction(
        actor="resident-havenkwartier", initiative=city_centre, reaction=1
    )
    reacted_plan.collect_events()

    with refused(
        rules.a_withdrawn_reaction_needs_no_answer,
        "Reaction 1 on traffic-plan was withdrawn; it needs no answer.",
        reacted_plan,
    ):
        reacted_plan.defend_position(
            actor="bakery",
            initiative=city_centre,
            reactions=[1],
            reasoning=text("anyway"),
        )


# --- Finalising ----------------------------------------------------------------------


def test_a_plan_is_finalised_when_every_reaction_is_answered_or_withdrawn(
    city_centre, reacted_plan, text
):
    draft(reacted_plan, city_centre, text)
    reacted_plan.adopt_change(
        actor="bakery",
        initiative=city_centre,
        reactions=[3],
        version=2,
        explanation=text("bicycle parking at the library"),
    )
    reacted_plan.note_support(actor="bakery", initiative=city_centre, reactions=[2])
    reacted_plan.withdraw_reaction(
        actor="resident-havenkwartier", initiative=city_centre, reaction=1
    )
    reacted_plan.collect_events()

    version = reacted_plan.finalise(actor="bakery", initiative=city_centre)

    events = reacted_plan.collect_events()
    assert version == 2
    assert names_and_actors(events) == [("Finalised", "bakery")]
    assert events[0].version == 2
    assert reacted_plan.final_version == 2


def test_a_plan_cannot_be_finalised_while_a_reaction_is_unanswered(
    city_centre, reacted_plan, refused, text
):
    reacted_plan.note_support(actor="bakery", initiative=city_centre, reactions=[2])
    reacted_plan.collect_events()

    with refused(
        rules.a_plan_is_finalised_when_every_reaction_is_answered,
        "traffic-plan cannot be finalised while reactions 1, 3 are unanswered.",
        reacted_plan,
    ):
        reacted_plan.finalise(actor="bakery", initiative=city_centre)
    assert not reacted_plan.is_finalised

    reacted_plan.defend_position(
        actor="bakery",
        initiative=city_centre,
        reactions=[1],
        reasoning=text("the ring road takes the traffic"),
    )
    reacted_plan.collect_events()
    with refused(
        rules.a_plan_is_finalised_when_every_reaction_is_answered,
        "traffic-plan cannot be finalised while reaction 3 is unanswered.",
        reacted_plan,
    ):
        reacted_plan.finalise(actor="bakery", initiative=city_centre)


def test_a_plan_without_a_draft_cannot_be_finalised(city_centre, text, refused):
    vision = Plan.create(
        actor="facilitator",
        initiative=city_centre,
        slug="vision",
        title=text("vision"),
        group="steering",
    )
    vision.collect_events()

    with refused(
        rules.a_plan_has_a_draft_before_it_is_finalised,
        "vision has no draft yet; propose one before finalising it.",
        vision,
    ):
        vision.finalise(actor="facilitator", initiative=city_centre)


FINALISED = (
    "traffic-plan is finalised (version 1); it takes no more drafts, reactions or "
    "answers."
)


@pytest.mark.parametrize(
    "command", ["propose a draft", "react", "answer", "withdraw", "finalise again"]
)
def test_a_finalised_plan_is_not_changed(
    city_centre, traffic_plan, text, refused, command
):
    react(traffic_plan, city_centre, text, "bakery", Stance.SUPPORT)
    traffic_plan.note_support(actor="bakery", initiative=city_centre, reactions=[1])
    traffic_plan.finalise(actor="bakery", initiative=city_centre)
    traffic_plan.collect_events()
    when = {
        "propose a draft": lambda: draft(traffic_plan, city_centre, text),
        "react": lambda: react(
            traffic_plan, city_centre, text, "library", Stance.CONCERN
        ),
        "answer": lambda: traffic_plan.defend_position(
            actor="bakery",
            initiative=city_centre,
            reactions=[1],
            reasoning=text("late"),
        ),
        "withdraw": lambda: traffic_plan.withdraw_reaction(
            actor="bakery", initiative=city_centre, reaction=1
        ),
        "finalise again": lambda: traffic_plan.finalise(
            actor="bakery", initiative=city_centre
        ),
    }[command]

    with refused(rules.a_finalised_plan_is_not_changed, FINALISED, traffic_plan):
        when()
    assert traffic_plan.final_version == 1


def test_a_plan_answers_only_to_its_own_initiative(
    start_city_centre, reacted_plan, text, refused
):
    other = start_city_centre("harbour")
    with refused(
        rules.plans_and_decision_points_belong_to_their_initiative,
        "traffic-plan belongs to another initiative than harbour.",
        reacted_plan,
    ):
        reacted_plan.add_reaction(
            actor="facilitator",
            initiative=other,
            stakeholder="facilitator",
            version=1,
            stance=Stance.SUPPORT,
            text=text("wrong initiative"),
            channel=Channel.ONLINE,
        )


def test_a_stakeholder_who_left_cannot_withdraw_their_reaction(
    city_centre, reacted_plan, refused
):
    city_centre.leave(
        actor="resident-havenkwartier", stakeholder="resident-havenkwartier"
    )
    city_centre.collect_events()
    with refused(
        rules.only_joined_stakeholders_act,
        "Only stakeholders who have joined city-centre and not left may withdraw "
        "reactions.",
        reacted_plan,
    ):
        reacted_plan.withdraw_reaction(
            actor="resident-havenkwartier", initiative=city_centre, reaction=1
        )
    reacted_plan.withdraw_reaction(
        actor="facilitator", initiative=city_centre, reaction=1
    )
    assert reacted_plan.reactions[1].withdrawn


# --- Comments imported from a participation platform ---------------------------------


def test_a_platform_comment_is_recorded_with_only_a_commitment_to_where_it_came_from(
    city_centre, traffic_plan, text
):
    """A comment posted on the municipality's participation platform, imported as
    an online reaction: the reaction refers to a text that names the platform's
    comment, as it does to its own text, so that the link can be erased with it;
    the plan knows no more of it than that reference and commitment."""
    origin = text("decidim:19736")
    number = traffic_plan.add_reaction(
        actor="facilitator",
        initiative=city_centre,
        stakeholder="resident-havenkwartier",
        version=1,
        stance=Stance.OBJECTION,
        text=text("a comment on the platform: keep the quay open"),
        channel=Channel.ONLINE,
        origin=origin,
    )

    [added] = traffic_plan.collect_events()
    assert (type(added).__name__, added.origin) == ("ReactionAdded", origin)
    assert traffic_plan.reactions[number].origin == origin


def test_a_reaction_recorded_before_platform_comments_were_kept_replays_without_one(
    city_centre, traffic_plan, text
):
    """An event stored before the field existed has no ``origin``: it replays as a
    reaction recorded here."""
    before = copy.deepcopy(traffic_plan)
    react(traffic_plan, city_centre, text, "resident-havenkwartier", Stance.CONCERN)
    [added] = traffic_plan.collect_events()
    stored = object.__new__(type(added))
    stored.__dict__.update({k: v for k, v in added.__dict__.items() if k != "origin"})

    replayed = stored.mutate(before)

    assert replayed.reactions[1].origin is None
