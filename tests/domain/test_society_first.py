"""Society decides first: in the first phase civil servants observe; afterwards they act.

The civil servant for traffic joined the city centre and sits in the traffic working
group, yet while the initiative is in "society-decides" they may not create plans,
propose drafts, react, answer or take positions. Once the facilitator advances the
initiative, they can.
"""

from __future__ import annotations

from samenspraak.domain import rules
from samenspraak.domain.initiative import PhaseFacts
from samenspraak.domain.plan import Plan
from samenspraak.domain.values import (
    SOCIETY,
    Channel,
    DecisionRule,
    StakeholderKind,
    Stance,
)


def society_first(action):
    return (
        f"Society decides first: civil servants may observe, but may not {action} "
        "until the facilitator advances city-centre past the stakeholders' decision."
    )


def names_and_actors(events):
    return [(type(e).__name__, e.actor) for e in events]


EVERYONE = [*SOCIETY, StakeholderKind.CIVIL_SERVANT]


def test_the_refusal_tells_that_society_decides_first(city_centre, text, refused):
    with refused(
        rules.society_decides_first, society_first("create plans"), city_centre
    ) as excinfo:
        Plan.create(
            actor="civil-servant-traffic",
            initiative=city_centre,
            slug="parking-plan",
            title=text("parking plan"),
            group="traffic",
        )
    assert str(excinfo.value).startswith("Society decides first")


def test_a_civil_servant_may_join_and_observe_while_society_decides(
    start_city_centre,
):
    initiative = start_city_centre()

    initiative.join(
        actor="civil-servant-traffic",
        stakeholder="civil-servant-traffic",
        kind=StakeholderKind.CIVIL_SERVANT,
    )

    events = initiative.collect_events()
    assert names_and_actors(events) == [("StakeholderJoined", "civil-servant-traffic")]
    assert initiative.society_decides


def test_a_civil_servant_cannot_create_a_plan_while_society_decides(
    city_centre, text, refused
):
    with refused(rules.society_decides_first, society_first("create plans")):
        Plan.create(
            actor="civil-servant-traffic",
            initiative=city_centre,
            slug="parking-plan",
            title=text("parking plan"),
            group="traffic",
        )


def test_a_civil_servant_creates_a_plan_once_colleagues_join(city_centre, text):
    city_centre.advance_phase(actor="facilitator")

    plan = Plan.create(
        actor="civil-servant-traffic",
        initiative=city_centre,
        slug="parking-plan",
        title=text("parking plan"),
        group="traffic",
    )

    events = plan.collect_events()
    assert names_and_actors(events) == [("Created", "civil-servant-traffic")]
    assert events[0].slug == "parking-plan"
    assert events[0].group == "traffic"


def test_a_civil_servant_cannot_propose_a_draft_while_society_decides(
    city_centre, traffic_plan, text, refused
):
    with refused(
        rules.society_decides_first, society_first("propose drafts"), traffic_plan
    ):
        traffic_plan.propose_draft(
            actor="civil-servant-traffic",
            initiative=city_centre,
            text=text("traffic plan v2 by the municipality"),
            changes=text("the municipality's view"),
        )
    assert traffic_plan.latest_version == 1


def test_a_civil_servant_proposes_a_draft_once_colleagues_join(
    city_centre, traffic_plan, text
):
    city_centre.advance_phase(actor="facilitator")

    version = traffic_plan.propose_draft(
        actor="civil-servant-traffic",
        initiative=city_centre,
        text=text("traffic plan v2"),
        changes=text("a modal filter for the Havenkwartier"),
    )

    events = traffic_plan.collect_events()
    assert version == 2
    assert names_and_actors(events) == [("DraftProposed", "civil-servant-traffic")]
    assert traffic_plan.versions[2].proposed_by == "civil-servant-traffic"


def test_a_civil_servant_cannot_react_while_society_decides(
    city_centre, traffic_plan, text, refused
):
    with refused(
        rules.society_decides_first, society_first("react to plans"), traffic_plan
    ):
        traffic_plan.add_reaction(
            actor="civil-servant-traffic",
            initiative=city_centre,
            stakeholder="civil-servant-traffic",
            version=1,
            stance=Stance.CONCERN,
            text=text("the ring road cannot take more traffic"),
            channel=Channel.EMAIL,
        )


def test_the_facilitator_cannot_record_a_civil_servants_reaction_while_society_decides(
    city_centre, traffic_plan, text, refused
):
    with refused(
        rules.society_decides_first, society_first("react to plans"), traffic_plan
    ):
        traffic_plan.add_reaction(
            actor="facilitator",
            initiative=city_centre,
            stakeholder="civil-servant-traffic",
            version=1,
            stance=Stance.CONCERN,
            text=text("an email from the traffic department"),
            channel=Channel.EMAIL,
        )


def test_a_civil_servant_reacts_once_colleagues_join(city_centre, traffic_plan, text):
    city_centre.advance_phase(actor="facilitator")

    number = traffic_plan.add_reaction(
        actor="civil-servant-traffic",
        initiative=city_centre,
        stakeholder="civil-servant-traffic",
        version=1,
        stance=Stance.CONCERN,
        text=text("the ring road cannot take more traffic"),
        channel=Channel.EMAIL,
    )

    events = traffic_plan.collect_events()
    assert number == 1
    assert names_and_actors(events) == [("ReactionAdded", "civil-servant-traffic")]
    assert events[0].stakeholder == "civil-servant-traffic"


def test_a_civil_servant_in_the_working_group_cannot_answer_while_society_decides(
    city_centre, traffic_plan, text, refused
):
    traffic_plan.add_reaction(
        actor="resident-havenkwartier",
        initiative=city_centre,
        stakeholder="resident-havenkwartier",
        version=1,
        stance=Stance.OBJECTION,
        text=text("through traffic will move to the Havenkwartier"),
        channel=Channel.ONLINE,
    )
    traffic_plan.collect_events()

    with refused(
        rules.society_decides_first, society_first("answer reactions"), traffic_plan
    ):
        traffic_plan.defend_position(
            actor="civil-servant-traffic",
            initiative=city_centre,
            reactions=[1],
            reasoning=text("the ring road takes it"),
        )
    assert traffic_plan.unanswered == [1]


def test_a_question_put_while_society_decides_is_not_put_to_civil_servants(
    city_centre, put_decision, refused
):
    with refused(
        rules.a_question_put_while_society_decides_goes_to_society,
        "Society decides first: while city-centre is in the phase society-decides, a "
        "decision point is not put to civil servants.",
    ):
        put_decision(eligible=EVERYONE)


def test_a_civil_servant_takes_a_position_on_a_question_put_once_colleagues_join(
    city_centre, put_decision
):
    city_centre.advance_phase(actor="facilitator")
    decision = put_decision(eligible=EVERYONE)
    decision.collect_events()

    decision.take_position(
        actor="civil-servant-traffic", initiative=city_centre, option="car-free"
    )

    events = decision.collect_events()
    assert names_and_actors(events) == [("PositionTaken", "civil-servant-traffic")]
    assert events[0].option == "car-free"


def test_society_decides_its_own_question_even_after_colleagues_join(
    city_centre, put_decision
):
    decision = put_decision(
        slug="bicycle-parking",
        options=("at-the-library", "on-the-market-square"),
        eligible=SOCIETY,
        rule=DecisionRule.CONSENSUS,
    )
    for stakeholder in ("bakery", "library", "resident-havenkwartier"):
        decision.take_position(
            actor=stakeholder, initiative=city_centre, option="at-the-library"
        )
    city_centre.advance_phase(actor="facilitator")

    assert "civil-servant-traffic" not in decision.participants(city_centre)
    assert decision.decide(actor="facilitator", initiative=city_centre) == (
        "at-the-library"
    )


def test_colleagues_join_only_once_society_has_decided_its_open_questions(
    city_centre, refused
):
    with refused(
        rules.society_decides_before_colleagues_join,
        "city-centre cannot leave society-decides, where society decides alone, while "
        "decision points are still open (1): society decides first, colleagues join "
        "after.",
        city_centre,
    ):
        city_centre.advance_phase(
            actor="facilitator", facts=PhaseFacts(open_decision_points=1)
        )

    assert city_centre.advance_phase(actor="facilitator") == "colleagues-join"
