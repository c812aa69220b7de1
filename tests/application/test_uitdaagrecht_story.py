"""The right to challenge (uitdaagrecht) of the Vlinderbuurt, told through the engine.

The residents of the Vlinderbuurt, with the neighbourhood's community centre,
challenge the municipality to let them maintain the green strips of their
neighbourhood themselves, with the EUR 18,000 a year the municipality spends on
them. In ``challenge`` the facilitator forms their group and they write their
offer as a plan, while civil servants observe. In ``assessment`` the civil servant
of public green asks two questions; the challengers adopt one in a second version
of their offer and defend their position on the other, and make the offer final.
In ``municipal-decision`` the council is informed of the municipality's decision;
in ``execution`` the challengers record their progress; in ``evaluation`` the
facilitator puts an evaluation to everyone and tells the council again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from samenspraak.application import NotAllowed, Samenspraak
from samenspraak.application.report_render import render_markdown
from samenspraak.domain import clock

SPRING = timezone(timedelta(hours=2))
DAY_ONE = datetime(2026, 4, 6, 9, 0, tzinfo=SPRING)
SLUG = "vlinderbuurt-green"
OFFER = "green-offer"


@pytest.fixture
def engine(app: Samenspraak) -> Iterator[Samenspraak]:
    with clock.frozen_at(DAY_ONE):
        yield app


def status(app: Samenspraak) -> Any:
    return app.initiative_status(SLUG)


def advance(app: Samenspraak, to: str) -> None:
    assert app.advance_phase({"actor": "facilitator", "initiative": SLUG}) == to
    assert status(app).phase == to


def on(app: Samenspraak, command: str, actor: str, **fields: Any) -> Any:
    """Give ``command`` as ``actor`` in the initiative."""
    return getattr(app, command)({"actor": actor, "initiative": SLUG, **fields})


def test_the_right_to_challenge_from_the_offer_to_its_evaluation(
    engine: Samenspraak,
) -> None:
    app = engine
    for ref, name in [
        ("facilitator", "The facilitator of participation"),
        ("resident-initiator", "A resident of the Vlinderbuurt"),
        ("resident-volunteer", "Another resident of the Vlinderbuurt"),
        ("community-centre", "The community centre De Vlinder"),
        ("civil-servant-green", "The civil servant for public green"),
        ("council-member", "A council member"),
    ]:
        app.register_stakeholder({"actor": ref, "stakeholder": ref, "name": name})
    app.start_initiative(
        {
            "actor": "facilitator",
            "initiative": SLUG,
            "title": "Uitdaagrecht: the Vlinderbuurt maintains its own green",
            "description": "Residents offer to maintain the green strips themselves.",
            "area": "Vlinderbuurt",
            "budget": "18000.00",
            "level": "co-producing",
            "template": "uitdaagrecht",
        }
    )
    s = status(app)
    assert (s.template.name, s.template.version, s.phase) == (
        "uitdaagrecht",
        "1",
        "challenge",
    )
    assert s.template.phases == [
        "challenge",
        "assessment",
        "municipal-decision",
        "execution",
        "evaluation",
    ]

    # --- Challenge: the challengers write their offer; civil servants observe -----
    for ref, kind in [
        ("resident-initiator", "resident"),
        ("resident-volunteer", "resident"),
        ("community-centre", "institution"),
    ]:
        on(app, "join_initiative", ref, stakeholder=ref, kind=kind)
    on(app, "join_initiative", "facilitator", stakeholder="civil-servant-green",
       kind="civil-servant")  # fmt: skip
    on(app, "form_group", "facilitator", group="challengers", kind="working",
       name="The green team of the Vlinderbuurt",
       mandate="Write the offer and, if it is granted, carry it out")  # fmt: skip
    for member in ("resident-initiator", "community-centre"):
        on(app, "add_member", "facilitator", group="challengers", stakeholder=member)
    on(app, "create_plan", "resident-initiator", plan=OFFER,
       title="Our offer: we maintain the green strips", group="challengers")  # fmt: skip
    on(app, "propose_draft", "community-centre", plan=OFFER,
       text="We mow, prune and plant the six green strips, for EUR 18,000 a year.",
       changes="First version")  # fmt: skip
    support = on(app, "react_to_plan", "resident-volunteer", plan=OFFER, version=1,
                 stance="support", text="Count me in for the mowing.")  # fmt: skip
    with pytest.raises(NotAllowed) as observing:
        on(app, "react_to_plan", "civil-servant-green", plan=OFFER, version=1,
           stance="concern", text="Who is liable?")  # fmt: skip
    assert observing.value.rule == "only_permitted_roles_act_in_a_phase"
    advance(app, "assessment")

    # --- Assessment: the municipality asks, the challengers answer every question --
    liability = on(app, "react_to_plan", "civil-servant-green", plan=OFFER,
                   version=1, stance="concern",
                   text="Who is liable when a volunteer is hurt?")  # fmt: skip
    trees = on(app, "react_to_plan", "civil-servant-green", plan=OFFER, version=1,
               stance="objection",
               text="The trees must stay with the municipality's arborists.")  # fmt: skip
    with pytest.raises(NotAllowed) as early:
        advance(app, "municipal-decision")
    assert early.value.rule == "a_phase_is_left_when_its_guards_hold"
    on(app, "propose_draft", "resident-initiator", plan=OFFER,
       text="We mow, prune shrubs and plant the six strips, for EUR 15,000 a year; "
       "the trees stay with the municipality. The community centre insures the "
       "volunteers.", changes="Trees left out; volunteers insured")  # fmt: skip
    on(app, "adopt_change", "resident-initiator", plan=OFFER, reactions=[trees],
       version=2, explanation="The trees stay with the arborists.")  # fmt: skip
    on(app, "defend_position", "community-centre", plan=OFFER,
       reactions=[liability],
       reasoning="Our volunteer insurance covers it; the policy is attached.")  # fmt: skip
    on(app, "note_support", "resident-initiator", plan=OFFER, reactions=[support])
    on(app, "finalise_plan", "community-centre", plan=OFFER)
    advance(app, "municipal-decision")

    # --- Municipal decision: the council is told, with the decision's document -----
    with pytest.raises(NotAllowed) as untold:
        advance(app, "execution")
    assert untold.value.rule == "a_phase_is_left_when_its_guards_hold"
    with clock.frozen_at(DAY_ONE + timedelta(days=56)):
        on(app, "inform_council", "facilitator",
           document_title="The college grants the Vlinderbuurt's challenge",
           document_sha256="cd" * 32, session="letter",
           informed_at=DAY_ONE + timedelta(days=56))  # fmt: skip
        on(app, "add_implementation_action", "facilitator", action="green-strips",
           title="Maintaining the six green strips", owner_group="challengers")  # fmt: skip
        advance(app, "execution")

        # --- Execution: the challengers carry it out, the municipality follows -----
        on(app, "record_progress", "community-centre", action="green-strips",
           percent=50, milestone="Four strips planted")  # fmt: skip
        with pytest.raises(NotAllowed) as outsider:
            on(app, "record_progress", "resident-volunteer", action="green-strips",
               percent=60)  # fmt: skip
        assert outsider.value.rule == "only_the_owner_or_the_facilitator_follows_up"
        # A neighbour who lends a hand joins the challengers' group.
        on(app, "add_member", "facilitator", group="challengers",
           stakeholder="resident-volunteer")  # fmt: skip
        on(app, "record_progress", "resident-volunteer", action="green-strips",
           percent=60, milestone="The fifth strip planted")  # fmt: skip
        on(app, "record_progress", "resident-initiator", action="green-strips",
           percent=100, milestone="All six strips maintained for a year")  # fmt: skip
        [action] = status(app).implementation
        assert (action.percent, action.status, action.group) == (
            100,
            "done",
            "challengers",
        )
        advance(app, "evaluation")

        # --- Evaluation: everyone may react; the council is told again -------------
        on(app, "join_initiative", "facilitator", stakeholder="council-member",
           kind="council-member")  # fmt: skip
        # The municipality evaluates, with a group of its own.
        on(app, "form_group", "facilitator", group="evaluators", kind="working",
           name="Evaluation of the challenge",
           mandate="Evaluate the challenge and tell the council")  # fmt: skip
        on(app, "add_member", "facilitator", group="evaluators",
           stakeholder="civil-servant-green")  # fmt: skip
        on(app, "create_plan", "facilitator", plan="evaluation",
           title="How the challenge went", group="evaluators")  # fmt: skip
        on(app, "propose_draft", "facilitator", plan="evaluation",
           text="A year of green by the neighbourhood: what went well and what not.",
           changes="First version")  # fmt: skip
        praise = on(app, "react_to_plan", "council-member", plan="evaluation",
                    version=1, stance="support",
                    text="Worth repeating in other neighbourhoods.")  # fmt: skip
        on(app, "note_support", "facilitator", plan="evaluation", reactions=[praise])
        # What was said at the evaluation evening is recorded by the facilitator.
        evening = on(app, "hold_meeting", "facilitator",
                     starts_at=DAY_ONE + timedelta(days=55, hours=10),
                     kind="residents-meeting", place="De Vlinder", attendance=30,
                     summary="The neighbourhood looks back on its year of green.")  # fmt: skip
        heard = on(app, "react_to_plan", "facilitator", plan="evaluation",
                   version=1, stakeholder="resident-volunteer", meeting=evening,
                   stance="suggestion", text="Ask the school to join next year.")  # fmt: skip
        on(app, "defend_position", "facilitator", plan="evaluation",
           reactions=[heard], reasoning="The school is asked in the next offer.")  # fmt: skip
        on(app, "inform_council", "facilitator",
           document_title="Evaluation of the Vlinderbuurt's challenge",
           document_sha256="ef" * 32, session="informal",
           informed_at=DAY_ONE + timedelta(days=56))  # fmt: skip
        app.close_initiative(
            {"actor": "facilitator", "initiative": SLUG,
             "outcome": "The neighbourhood maintains its own green."}
        )  # fmt: skip

    s = status(app)
    assert s.closed
    assert [p.plan for p in s.plans] == [OFFER, "evaluation"]
    offer = app.plan_details(SLUG, OFFER)
    assert offer.unanswered == []
    assert [(r.number, r.answer and r.answer.kind) for r in offer.reactions] == [
        (support, "noted"),
        (liability, "defended"),
        (trees, "adopted"),
    ]
    report = render_markdown(app.participation_report(SLUG), "nl")
    assert "uitdaagrecht versie 1" in report
    assert "| Uitdaging |" in report
    assert "| Gemeentelijk besluit |" in report
    assert app.verify_audit(initiative=SLUG).intact


def test_the_facilitator_records_a_reaction_given_by_letter_or_at_a_meeting(
    engine: Samenspraak,
) -> None:
    """Questions and views reach the municipality by letter, e-mail and at its
    meetings too: the facilitator records them for whoever may react in the phase
    (in the challenge, in the assessment and at the evaluation), and withdraws one
    for its author; a civil servant is still not heard through them while the
    challengers write their offer."""
    app = engine
    for ref in (
        "facilitator",
        "resident-initiator",
        "resident-volunteer",
        "civil-servant",
    ):
        app.register_stakeholder({"actor": ref, "stakeholder": ref, "name": ref})
    app.start_initiative(
        {"actor": "facilitator", "initiative": SLUG, "title": "Uitdaagrecht",
         "description": "The green.", "area": "Vlinderbuurt", "budget": "1.00",
         "level": "co-producing", "template": "uitdaagrecht"}
    )  # fmt: skip
    for ref in ("resident-initiator", "resident-volunteer"):
        on(app, "join_initiative", ref, stakeholder=ref, kind="resident")
    on(app, "join_initiative", "facilitator", stakeholder="civil-servant",
       kind="civil-servant")  # fmt: skip
    on(app, "form_group", "facilitator", group="challengers", kind="working",
       name="The green team", mandate="The offer")  # fmt: skip
    on(app, "add_member", "facilitator", group="challengers",
       stakeholder="resident-initiator")  # fmt: skip
    on(app, "create_plan", "resident-initiator", plan=OFFER, title="Our offer",
       group="challengers")  # fmt: skip
    on(app, "propose_draft", "resident-initiator", plan=OFFER, text="We mow.",
       changes="First version")  # fmt: skip
    by_letter = {"plan": OFFER, "version": 1, "channel": "letter"}
    on(app, "react_to_plan", "facilitator", **by_letter,
       stakeholder="resident-volunteer", stance="support",
       text="I will help.")  # fmt: skip
    with pytest.raises(NotAllowed) as observing:
        on(app, "react_to_plan", "facilitator", **by_letter,
           stakeholder="civil-servant", stance="concern", text="Who is liable?")  # fmt: skip
    assert observing.value.rule == "only_permitted_roles_act_in_a_phase"
    advance(app, "assessment")

    question = on(app, "react_to_plan", "facilitator", **by_letter,
                  stakeholder="civil-servant", stance="concern",
                  text="Who is liable?")  # fmt: skip
    second = on(app, "react_to_plan", "facilitator", **by_letter,
                stakeholder="civil-servant", stance="concern",
                text="Who is liable? (sent twice)")  # fmt: skip
    on(app, "withdraw_reaction", "facilitator", plan=OFFER, reaction=second)
    reactions = app.plan_details(SLUG, OFFER).reactions
    assert [(r.number, r.stakeholder, r.channel) for r in reactions[:2]] == [
        (1, "resident-volunteer", "letter"),
        (question, "civil-servant", "letter"),
    ]
    assert reactions[2].withdrawn
