"""Version 2 of burgerbegroting and omgevingswet: in the phase where reactions are
answered (``feasibility-check``, ``response-report``), the facilitator brings in
the civil servants who answer them.

Only members of a plan's owning group (and the facilitator) answer its reactions.
In version 1 the facilitator could not compose groups in those phases (and in the
omgevingswet's response report nobody could join), so civil servants not put in the
plan's group beforehand could not do the work the phase is for. Version 2 lets the
facilitator add them to the initiative and to the group there and then; version 1
stays as it was, for the initiatives pinned to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from samenspraak.application import NotAllowed, Samenspraak
from samenspraak.application.templates import installed
from samenspraak.domain import clock

MOMENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PERIOD_OVER = MOMENT + timedelta(days=43)
"""After the 42 days of proposals or of views."""
SLUG = "park"

Do = Callable[..., object]


@pytest.fixture
def engine(app: Samenspraak) -> Iterator[Samenspraak]:
    with clock.frozen_at(MOMENT):
        for person in ("facilitator", "resident", "neighbour", "planner", "engineer"):
            app.register_stakeholder(
                {"actor": person, "stakeholder": person, "name": person.title()}
            )
        yield app


def doer(app: Samenspraak) -> Do:
    def do(use_case: str, **fields: object) -> object:
        return getattr(app, use_case)({"initiative": SLUG, **fields})

    return do


def start(app: Samenspraak, template: str) -> None:
    app.start_initiative(
        {"actor": "facilitator", "initiative": SLUG, "title": "The park",
         "description": "What shall we do with the park?", "area": "The park",
         "budget": "50000.00", "level": "co-deciding", "template": template}
    )  # fmt: skip


def plan_of_a_team_without_civil_servants(do: Do) -> None:
    do("form_group", actor="facilitator", group="team", kind="working",
       name="Team", mandate="Owns the plan.")  # fmt: skip
    do("create_plan", actor="facilitator", plan="plan", title="The plan",
       group="team")  # fmt: skip
    do("propose_draft", actor="facilitator", plan="plan", text="The draft.",
       changes="First draft.")  # fmt: skip


def burgerbegroting_in_feasibility_check(app: Samenspraak, template: str) -> None:
    """Two proposals on the budget plan; the 42 days are over and the initiative is
    in feasibility-check. No civil servant has joined."""
    do = doer(app)
    start(app, template)
    for person in ("resident", "neighbour"):
        do("join_initiative", actor=person, stakeholder=person, kind="resident")
    plan_of_a_team_without_civil_servants(do)
    assert do("react_to_plan", actor="resident", plan="plan", version=1,
              stance="suggestion", text="A playground by the pond.") == 1  # fmt: skip
    assert do("react_to_plan", actor="neighbour", plan="plan", version=1,
              stance="suggestion", text="Floodlights on the pitch.") == 2  # fmt: skip
    with clock.frozen_at(PERIOD_OVER):
        assert do("advance_phase", actor="facilitator") == "feasibility-check"


def omgevingswet_in_response_report(app: Samenspraak, template: str) -> None:
    """Three views on the draft (a concern, an objection, support); the six weeks
    are over and the initiative is in response-report. No civil servant has
    joined."""
    do = doer(app)
    start(app, template)
    for person in ("resident", "neighbour"):
        do("join_initiative", actor="facilitator", stakeholder=person,
           kind="resident")  # fmt: skip
    plan_of_a_team_without_civil_servants(do)
    assert do("advance_phase", actor="facilitator") == "views"
    for who, stance, text in (
        ("resident", "concern", "Too little green."),
        ("neighbour", "objection", "No flats by the water."),
        ("resident", "support", "The cycle path is good."),
    ):
        do("react_to_plan", actor=who, plan="plan", version=1, stance=stance,
           text=text)  # fmt: skip
    with clock.frozen_at(PERIOD_OVER):
        assert do("advance_phase", actor="facilitator") == "response-report"


def unanswered_items(app: Samenspraak, who: str) -> list[tuple[str, int | None]]:
    return [
        (i.subject, i.count) for i in app.todo(who) if i.kind == "unanswered-reactions"
    ]


# --- The newest version is version 2 --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "first_phase"),
    [("burgerbegroting", "proposals"), ("omgevingswet", "announcement")],
)
def test_the_name_alone_starts_on_version_2_and_name_at_1_on_version_1(
    engine: Samenspraak, name: str, first_phase: str
) -> None:
    start(engine, name)
    status = engine.initiative_status(SLUG)
    assert (status.template.name, status.template.version, status.phase) == (
        name,
        "2",
        first_phase,
    )
    assert status.template.content_hash == installed().get(name, "2").content_hash
    engine.start_initiative(
        {"actor": "facilitator", "initiative": "dunes", "title": "The dunes",
         "description": "D", "area": "The dunes", "budget": "0",
         "level": "consulting", "template": f"{name}@1"}
    )  # fmt: skip
    assert engine.initiative_status("dunes").template.version == "1"


# --- burgerbegroting v2: the feasibility check -------------------------------------------


def test_in_the_feasibility_check_a_civil_servant_brought_in_answers_every_proposal(
    engine: Samenspraak,
) -> None:
    app, do = engine, doer(engine)
    burgerbegroting_in_feasibility_check(app, "burgerbegroting")
    with clock.frozen_at(PERIOD_OVER):
        with pytest.raises(NotAllowed) as outside:
            do("defend_position", actor="planner", plan="plan", reactions=[2],
               reasoning="Not feasible.")  # fmt: skip
        assert outside.value.rule == "only_joined_stakeholders_act"

        do("join_initiative", actor="facilitator", stakeholder="planner",
           kind="civil-servant")  # fmt: skip
        # Joined, but not yet in the plan's group: not theirs to answer.
        assert unanswered_items(app, "planner") == []
        with pytest.raises(NotAllowed) as not_a_member:
            do("defend_position", actor="planner", plan="plan", reactions=[2],
               reasoning="Not feasible.")  # fmt: skip
        assert not_a_member.value.rule == (
            "plans_are_made_by_the_owning_group_or_the_facilitator"
        )

        do("add_member", actor="facilitator", group="team", stakeholder="planner")
        assert unanswered_items(app, "planner") == [("plan", 2)]
        assert do("propose_draft", actor="planner", plan="plan",
                  text="Feasible: the playground by the pond.",
                  changes="The playground was found feasible.") == 2  # fmt: skip
        do("adopt_change", actor="planner", plan="plan", reactions=[1], version=2,
           explanation="Feasible: the pond side has room for it.")  # fmt: skip
        assert unanswered_items(app, "planner") == [("plan", 1)]
        do("defend_position", actor="planner", plan="plan", reactions=[2],
           reasoning="Not feasible: floodlights disturb the birds.")  # fmt: skip
        assert unanswered_items(app, "planner") == []

        plan = app.plan_details(SLUG, "plan")
        assert [(r.number, r.answer and r.answer.kind) for r in plan.reactions] == [
            (1, "adopted"),
            (2, "defended"),
        ]
        assert {r.answer.by for r in plan.reactions if r.answer} == {"planner"}
        assert do("advance_phase", actor="facilitator") == "vote"


def test_in_the_feasibility_check_civil_servants_join_and_groups_are_composed(
    engine: Samenspraak,
) -> None:
    app, do = engine, doer(engine)
    burgerbegroting_in_feasibility_check(app, "burgerbegroting")
    with clock.frozen_at(PERIOD_OVER):
        do("join_initiative", actor="engineer", stakeholder="engineer",
           kind="civil-servant")  # fmt: skip
        do("form_group", actor="facilitator", group="check-team", kind="working",
           name="Check team", mandate="Checks the proposals.")  # fmt: skip
        do("add_member", actor="facilitator", group="check-team",
           stakeholder="engineer")  # fmt: skip
        do("add_member", actor="facilitator", group="team", stakeholder="engineer")
        assert unanswered_items(app, "engineer") == [("plan", 2)]
        do("remove_member", actor="facilitator", group="team", stakeholder="engineer")
        assert unanswered_items(app, "engineer") == []
        groups = {g.group: g.members for g in app.initiative_status(SLUG).groups}
        assert groups["check-team"] == ["engineer"]
        assert "engineer" not in groups["team"]
        # Residents have no commands in the feasibility check.
        with pytest.raises(NotAllowed) as resident:
            do("form_group", actor="resident", group="mine", kind="working",
               name="Mine", mandate="Mine.")  # fmt: skip
        assert resident.value.rule == "only_permitted_roles_act_in_a_phase"


# --- omgevingswet v2: the response report ----------------------------------------------


def test_in_the_response_report_a_civil_servant_brought_in_answers_every_view(
    engine: Samenspraak,
) -> None:
    app, do = engine, doer(engine)
    omgevingswet_in_response_report(app, "omgevingswet")
    with clock.frozen_at(PERIOD_OVER):
        do("join_initiative", actor="facilitator", stakeholder="planner",
           kind="civil-servant")  # fmt: skip
        assert unanswered_items(app, "planner") == []
        do("add_member", actor="facilitator", group="team", stakeholder="planner")
        assert unanswered_items(app, "planner") == [("plan", 3)]

        assert do("propose_draft", actor="planner", plan="plan",
                  text="The draft, with a park by the water.",
                  changes="More green.") == 2  # fmt: skip
        do("adopt_change", actor="planner", plan="plan", reactions=[1], version=2,
           explanation="A park by the water is added.")  # fmt: skip
        do("defend_position", actor="planner", plan="plan", reactions=[2],
           reasoning="The flats are needed; they stay low.")  # fmt: skip
        assert unanswered_items(app, "planner") == [("plan", 1)]
        do("note_support", actor="planner", plan="plan", reactions=[3])
        assert unanswered_items(app, "planner") == []

        plan = app.plan_details(SLUG, "plan")
        assert [(r.number, r.answer and r.answer.kind) for r in plan.reactions] == [
            (1, "adopted"),
            (2, "defended"),
            (3, "noted"),
        ]
        do("finalise_plan", actor="facilitator", plan="plan")
        assert do("advance_phase", actor="facilitator") == "council-decision"


def test_in_the_response_report_civil_servants_join_and_groups_are_composed(
    engine: Samenspraak,
) -> None:
    app, do = engine, doer(engine)
    omgevingswet_in_response_report(app, "omgevingswet")
    with clock.frozen_at(PERIOD_OVER):
        do("join_initiative", actor="engineer", stakeholder="engineer",
           kind="civil-servant")  # fmt: skip
        do("form_group", actor="facilitator", group="answers", kind="working",
           name="Answers", mandate="Answers the views.")  # fmt: skip
        do("add_member", actor="facilitator", group="answers", stakeholder="engineer")
        do("add_member", actor="facilitator", group="team", stakeholder="engineer")
        do("defend_position", actor="engineer", plan="plan", reactions=[2],
           reasoning="The flats are needed.")  # fmt: skip
        do("remove_member", actor="facilitator", group="team", stakeholder="engineer")
        with pytest.raises(NotAllowed) as removed:
            do("note_support", actor="engineer", plan="plan", reactions=[3])
        assert removed.value.rule == (
            "plans_are_made_by_the_owning_group_or_the_facilitator"
        )
        # Residents still only observe the response report: no one joins as one.
        with pytest.raises(NotAllowed) as resident:
            do("join_initiative", actor="planner", stakeholder="planner",
               kind="resident")  # fmt: skip
        assert str(resident.value) == (
            "In the phase response-report of park, a resident may not join the "
            "initiative; its template lets them do so in the phase views."
        )


# --- Version 1 as it was, and the migration to version 2 --------------------------------


@pytest.mark.parametrize(
    ("template", "to_the_phase", "phase", "where"),
    [
        (
            "burgerbegroting@1",
            burgerbegroting_in_feasibility_check,
            "feasibility-check",
            "the phase proposals",
        ),
        (
            "omgevingswet@1",
            omgevingswet_in_response_report,
            "response-report",
            "the phase announcement",
        ),
    ],
)
def test_on_version_1_the_facilitator_still_may_not_add_members_in_the_answer_phase(
    engine: Samenspraak,
    template: str,
    to_the_phase: Callable[[Samenspraak, str], None],
    phase: str,
    where: str,
) -> None:
    do = doer(engine)
    to_the_phase(engine, template)
    with clock.frozen_at(PERIOD_OVER), pytest.raises(NotAllowed) as refused:
        do("add_member", actor="facilitator", group="team", stakeholder="resident")
    assert str(refused.value) == (
        f"In the phase {phase} of park, a facilitator may not add members to "
        f"groups; its template lets them do so in {where}."
    )


def test_on_version_1_a_refusal_to_bring_someone_in_says_the_facilitator_may_not_add_them(
    engine: Samenspraak,
) -> None:
    """In omgevingswet 1's response report nobody joins: the facilitator is told
    they may not add stakeholders (they were not joining), a civil servant that
    they may not join."""
    do = doer(engine)
    omgevingswet_in_response_report(engine, "omgevingswet@1")
    with clock.frozen_at(PERIOD_OVER):
        with pytest.raises(NotAllowed) as adding:
            do("join_initiative", actor="facilitator", stakeholder="planner",
               kind="civil-servant")  # fmt: skip
        with pytest.raises(NotAllowed) as joining:
            do("join_initiative", actor="planner", stakeholder="planner",
               kind="civil-servant")  # fmt: skip
    assert str(adding.value).startswith(
        "In the phase response-report of park, a facilitator may not add "
        "stakeholders to the initiative; its template lets them do so in "
    )
    assert str(joining.value).startswith(
        "In the phase response-report of park, a civil servant may not join the "
        "initiative; its template lets them do so in "
    )


def test_migrated_to_version_2_in_the_feasibility_check_a_civil_servant_answers_too(
    engine: Samenspraak,
) -> None:
    app, do = engine, doer(engine)
    burgerbegroting_in_feasibility_check(app, "burgerbegroting@1")
    with clock.frozen_at(PERIOD_OVER):
        # The facilitator answers the first proposal on version 1 ...
        do("propose_draft", actor="facilitator", plan="plan",
           text="Feasible: the playground.", changes="Playground.")  # fmt: skip
        do("adopt_change", actor="facilitator", plan="plan", reactions=[1],
           version=2, explanation="Feasible.")  # fmt: skip
        do("join_initiative", actor="facilitator", stakeholder="planner",
           kind="civil-servant")  # fmt: skip
        with pytest.raises(NotAllowed) as on_v1:
            do("add_member", actor="facilitator", group="team", stakeholder="planner")
        assert on_v1.value.rule == "only_permitted_roles_act_in_a_phase"

        # ... and moves the initiative to version 2 in the middle of the phase.
        migrated = app.migrate_template(
            {"actor": "facilitator", "initiative": SLUG,
             "template": "burgerbegroting@2"}
        )  # fmt: skip
        assert migrated == installed().get("burgerbegroting", "2").content_hash
        status = app.initiative_status(SLUG)
        assert (status.template.version, status.phase) == ("2", "feasibility-check")

        do("add_member", actor="facilitator", group="team", stakeholder="planner")
        assert unanswered_items(app, "planner") == [("plan", 1)]
        do("defend_position", actor="planner", plan="plan", reactions=[2],
           reasoning="Not feasible: it costs more than the budget leaves.")  # fmt: skip
        assert unanswered_items(app, "planner") == []
        assert do("advance_phase", actor="facilitator") == "vote"
    (entry,) = app.audit_log(SLUG, event="TemplateMigrated")
    assert entry.summary.startswith(
        "Process migrated from burgerbegroting v1 to burgerbegroting v2"
    )


def test_migrated_to_version_2_in_the_response_report_a_civil_servant_answers_too(
    engine: Samenspraak,
) -> None:
    app, do = engine, doer(engine)
    omgevingswet_in_response_report(app, "omgevingswet@1")
    with clock.frozen_at(PERIOD_OVER):
        do("note_support", actor="facilitator", plan="plan", reactions=[3])
        with pytest.raises(NotAllowed) as on_v1:
            do("join_initiative", actor="facilitator", stakeholder="planner",
               kind="civil-servant")  # fmt: skip
        assert on_v1.value.rule == "only_permitted_roles_act_in_a_phase"

        app.migrate_template(
            {"actor": "facilitator", "initiative": SLUG, "template": "omgevingswet"}
        )
        status = app.initiative_status(SLUG)
        assert (status.template.version, status.phase) == ("2", "response-report")

        do("join_initiative", actor="facilitator", stakeholder="planner",
           kind="civil-servant")  # fmt: skip
        do("add_member", actor="facilitator", group="team", stakeholder="planner")
        assert unanswered_items(app, "planner") == [("plan", 2)]
        do("propose_draft", actor="planner", plan="plan", text="With more green.",
           changes="More green.")  # fmt: skip
        do("adopt_change", actor="planner", plan="plan", reactions=[1], version=2,
           explanation="More green.")  # fmt: skip
        do("defend_position", actor="planner", plan="plan", reactions=[2],
           reasoning="The flats stay.")  # fmt: skip
        assert unanswered_items(app, "planner") == []
