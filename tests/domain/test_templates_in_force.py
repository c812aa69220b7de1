"""The template an initiative follows is in force: pinned by its definition, left
phase by phase only when the phase's guards hold, changed only by an explicit
migration, and in phases that declare permissions, only permitted roles act.

The city centre starts on overheidsparticipatie version 1, which declares no guards
and no permissions. To put a guard or a permission in force, the facilitator first
migrates it to a template of the test's own with the same first phase.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest

from samenspraak.domain import rules
from samenspraak.domain.decision_point import DecisionPoint, Option
from samenspraak.domain.initiative import Initiative, PhaseFacts
from samenspraak.domain.templates import (
    GUARDS,
    OVERHEIDSPARTICIPATIE,
    Phase,
    ProcessTemplate,
    from_definition,
    pinned_template,
)
from samenspraak.domain.values import (
    CouncilSession,
    DecisionRule,
    ParticipationLevel,
    StakeholderKind,
)

DOCUMENT_SHA256 = hashlib.sha256(b"the vision for the city centre").hexdigest()


def guarded(*guards: str, version: str = "1") -> ProcessTemplate:
    """A template whose first phase (society decides) has these guards."""
    return ProcessTemplate(
        name="guarded",
        version=version,
        description="Society decides, then the colleagues join.",
        phases=(
            Phase(
                "society-decides",
                "Society decides.",
                society_only=True,
                guards=guards,
                reaction_period_days=42,
            ),
            Phase("colleagues-join", "The colleagues join."),
        ),
    )


def permitting(**permissions: tuple[str, ...]) -> ProcessTemplate:
    return ProcessTemplate(
        name="permitting",
        version="1",
        description="Society decides with declared permissions.",
        phases=(
            Phase(
                "society-decides",
                "Society decides.",
                society_only=True,
                permissions={k.replace("_", "-"): v for k, v in permissions.items()},
            ),
            Phase("colleagues-join", "The colleagues join."),
        ),
    )


def on(initiative: Initiative, process: ProcessTemplate) -> Initiative:
    initiative.migrate_template(actor="facilitator", process=process)
    initiative.collect_events()
    return initiative


# --- The definition is pinned ----------------------------------------------------------


def test_the_started_event_keeps_the_definition_its_hash_covers(text):
    process = guarded("a_draft_proposed")
    initiative = Initiative.start(
        actor="facilitator",
        slug="harbour",
        title=text("harbour"),
        description=text("harbour description"),
        area=text("harbour area"),
        budget=Decimal("0.00"),
        level=ParticipationLevel.CONSULTING,
        process=process,
    )

    (started,) = initiative.collect_events()
    assert started.template_definition == process.definition()
    assert started.template_hash == process.content_hash
    assert initiative.process == process
    assert initiative.phase == "society-decides"


def test_a_definition_builds_the_same_template_and_hash():
    process = permitting(resident=("react_to_plan",))
    rebuilt = from_definition(process.definition())

    assert rebuilt == process
    assert rebuilt.content_hash == process.content_hash
    assert from_definition(OVERHEIDSPARTICIPATIE.definition()) == OVERHEIDSPARTICIPATIE


def test_a_definition_that_does_not_match_its_recorded_hash_is_not_used():
    process = guarded("a_draft_proposed")
    changed = {**process.definition(), "description": "Something else."}

    with pytest.raises(ValueError, match="does not match its recorded content hash"):
        pinned_template("guarded", "1", process.content_hash, changed)


def test_a_started_event_without_a_definition_follows_version_1(text):
    initiative = Initiative.start(
        actor="facilitator",
        slug="old-record",
        title=text("old record"),
        description=text("old record description"),
        area=text("old record area"),
        budget=Decimal("1.00"),
        level=ParticipationLevel.CONSULTING,
    )
    (started,) = initiative.collect_events()
    del started.__dict__["template_definition"]  # as recorded before it was kept

    replayed = started.mutate(None)

    assert replayed.template_definition is None
    assert replayed.process is OVERHEIDSPARTICIPATIE


# --- Migration is explicit -------------------------------------------------------------


def test_the_facilitator_migrates_to_another_template_in_the_same_phase(city_centre):
    process = guarded("a_draft_proposed")
    city_centre.migrate_template(actor="facilitator", process=process)

    (migrated,) = city_centre.collect_events()
    assert type(migrated).__name__ == "TemplateMigrated"
    assert (migrated.previous_name, migrated.previous_version) == (
        "overheidsparticipatie",
        "1",
    )
    assert migrated.previous_hash == OVERHEIDSPARTICIPATIE.content_hash
    assert (migrated.template_name, migrated.template_version) == ("guarded", "1")
    assert migrated.template_hash == process.content_hash
    assert migrated.template_definition == process.definition()
    assert city_centre.process == process
    assert city_centre.phase == "society-decides"


def test_a_migration_changes_the_template(city_centre, refused):
    with refused(
        rules.a_migration_changes_the_template,
        "city-centre already follows overheidsparticipatie version 1; a migration "
        "moves it to another template or version.",
        city_centre,
    ):
        city_centre.migrate_template(actor="facilitator", process=OVERHEIDSPARTICIPATIE)


def test_a_migration_keeps_the_current_phase(city_centre, refused):
    elsewhere = ProcessTemplate(
        "elsewhere", "1", "No society phase.", (Phase("views", "Views."),)
    )
    with refused(
        rules.a_migration_keeps_the_current_phase,
        "city-centre is in the phase society-decides, which elsewhere version 1 "
        "does not have; it cannot move to that template in this phase.",
        city_centre,
    ):
        city_centre.migrate_template(actor="facilitator", process=elsewhere)


def test_a_migration_keeps_society_deciding_alone(city_centre, refused):
    colleagues_at_once = ProcessTemplate(
        "open-doors",
        "1",
        "Everyone from the start.",
        (Phase("society-decides", "Everyone decides."), Phase("end", "Done.")),
    )
    with refused(
        rules.a_migration_keeps_society_deciding_alone,
        "city-centre is in the phase society-decides, where society decides alone; "
        "in open-doors version 1 that phase lets colleagues in, and a migration does "
        "not end society's turn: advance city-centre past society-decides first.",
        city_centre,
    ):
        city_centre.migrate_template(actor="facilitator", process=colleagues_at_once)

    city_centre.advance_phase(actor="facilitator")
    city_centre.collect_events()
    in_colleagues_join = ProcessTemplate(
        "open-doors",
        "2",
        "Everyone, once society has decided.",
        (Phase("colleagues-join", "Everyone decides."), Phase("end", "Done.")),
    )
    city_centre.migrate_template(actor="facilitator", process=in_colleagues_join)
    assert city_centre.process == in_colleagues_join


def test_only_the_facilitator_migrates(city_centre, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may move it to another process template.",
        city_centre,
    ):
        city_centre.migrate_template(actor="bakery", process=guarded())


# --- Guards ----------------------------------------------------------------------------

UNMET_AND_MET = {
    "no_open_decision_point": (
        PhaseFacts(open_decision_points=1),
        PhaseFacts(open_decision_points=0),
    ),
    "every_reaction_answered": (
        PhaseFacts(unanswered_reactions=2),
        PhaseFacts(unanswered_reactions=0),
    ),
    "every_plan_finalised": (
        PhaseFacts(unfinalised_plans=1),
        PhaseFacts(unfinalised_plans=0),
    ),
    "a_draft_proposed": (PhaseFacts(any_draft=False), PhaseFacts(any_draft=True)),
    "a_decision_taken": (
        PhaseFacts(any_decision_taken=False),
        PhaseFacts(any_decision_taken=True),
    ),
}


@pytest.mark.parametrize("guard", list(UNMET_AND_MET))
def test_each_guard_on_plans_and_decisions_refuses_until_it_holds(
    city_centre, refused, guard
):
    on(city_centre, guarded(guard))
    unmet, met = UNMET_AND_MET[guard]

    with refused(
        rules.a_phase_is_left_when_its_guards_hold,
        f"city-centre cannot leave the phase society-decides until {GUARDS[guard]}.",
        city_centre,
    ):
        city_centre.advance_phase(actor="facilitator", facts=unmet)

    assert city_centre.advance_phase(actor="facilitator", facts=met) == (
        "colleagues-join"
    )


def test_the_reaction_period_guard_holds_once_the_period_has_ended(
    city_centre, refused, story_start
):
    on(city_centre, guarded("reaction_period_over"))
    sentence = (
        "city-centre cannot leave the phase society-decides until the phase's "
        "reaction period has ended"
    )
    later = story_start + timedelta(minutes=1)

    for facts, said in (
        (PhaseFacts(), "."),
        (
            PhaseFacts(reaction_period_ends=later),
            f" (at {later.isoformat(timespec='minutes')}).",
        ),
    ):
        with refused(
            rules.a_phase_is_left_when_its_guards_hold, sentence + said, city_centre
        ):
            city_centre.advance_phase(actor="facilitator", facts=facts)

    ended = PhaseFacts(reaction_period_ends=story_start)
    assert city_centre.advance_phase(actor="facilitator", facts=ended) == (
        "colleagues-join"
    )


def test_the_council_informed_guard_holds_once_the_council_was_informed(
    city_centre, refused, story_start, text
):
    on(city_centre, guarded("council_informed"))
    with refused(
        rules.a_phase_is_left_when_its_guards_hold,
        "city-centre cannot leave the phase society-decides until the council has "
        "been informed in this phase (an informing recorded since the phase began "
        "and not withdrawn).",
        city_centre,
    ):
        city_centre.advance_phase(actor="facilitator")

    city_centre.inform_council(
        actor="facilitator",
        document_title=text("the vision"),
        document_sha256=DOCUMENT_SHA256,
        session=CouncilSession.INFORMAL,
        informed_at=story_start,
    )
    assert city_centre.advance_phase(actor="facilitator") == "colleagues-join"


def test_an_informing_in_an_earlier_phase_does_not_let_the_council_phase_end(
    city_centre, refused, story_start, text
):
    told_twice = ProcessTemplate(
        name="told-twice",
        version="1",
        description="The vision is shown early; the council hears the outcome later.",
        phases=(
            Phase("society-decides", "Society decides.", society_only=True),
            Phase("council", "The council is told.", guards=("council_informed",)),
            Phase("implementation", "It is carried out."),
        ),
    )
    on(city_centre, told_twice)

    def inform(title: str, sha256: str = DOCUMENT_SHA256) -> None:
        city_centre.inform_council(
            actor="facilitator",
            document_title=text(title),
            document_sha256=sha256,
            session=CouncilSession.INFORMAL,
            informed_at=story_start,
        )

    inform("the vision")
    city_centre.advance_phase(actor="facilitator")
    city_centre.collect_events()
    with refused(
        rules.a_phase_is_left_when_its_guards_hold,
        "city-centre cannot leave the phase council until the council has been "
        "informed in this phase (an informing recorded since the phase began and "
        "not withdrawn).",
        city_centre,
    ):
        city_centre.advance_phase(actor="facilitator")

    inform("the final plans", "4e" * 32)
    assert city_centre.advance_phase(actor="facilitator") == "implementation"


def test_the_budget_allocated_guard_holds_once_budget_was_allocated(
    city_centre, refused, put_decision, text
):
    on(city_centre, guarded("budget_allocated"))
    with refused(
        rules.a_phase_is_left_when_its_guards_hold,
        "city-centre cannot leave the phase society-decides until at least part of "
        "the budget has been allocated.",
        city_centre,
    ):
        city_centre.advance_phase(actor="facilitator")

    decision = put_decision()
    for stakeholder in ("bakery", "resident-havenkwartier"):
        decision.take_position(
            actor=stakeholder, initiative=city_centre, option="car-free"
        )
    decision.decide(actor="facilitator", initiative=city_centre)
    city_centre.allocate_budget(
        actor="facilitator",
        amount=Decimal("1000.00"),
        purpose=text("benches"),
        decision=decision,
    )
    assert city_centre.advance_phase(actor="facilitator") == "colleagues-join"


def test_every_guard_of_the_phase_must_hold_the_first_unmet_one_is_named(
    city_centre, refused
):
    on(city_centre, guarded("a_draft_proposed", "no_open_decision_point"))
    with refused(
        rules.a_phase_is_left_when_its_guards_hold,
        "city-centre cannot leave the phase society-decides until no decision point "
        "of the initiative is still open.",
        city_centre,
    ):
        city_centre.advance_phase(
            actor="facilitator",
            facts=PhaseFacts(any_draft=True, open_decision_points=1),
        )


def test_every_guard_is_tested_here():
    assert set(UNMET_AND_MET) | {
        "reaction_period_over",
        "council_informed",
        "budget_allocated",
    } == set(GUARDS)


def test_version_1_has_no_guards_so_the_phase_is_left_without_facts(city_centre):
    assert city_centre.advance_phase(actor="facilitator") == "colleagues-join"


# --- Permissions -----------------------------------------------------------------------


def test_in_a_phase_with_permissions_a_role_gives_only_its_commands(
    city_centre, refused
):
    on(
        city_centre,
        permitting(
            resident=("react_to_plan",), facilitator=("advance_phase", "form_group")
        ),
    )
    city_centre.require_permission("resident-havenkwartier", "react_to_plan")
    city_centre.require_permission("facilitator", "advance_phase")

    with refused(
        rules.only_permitted_roles_act_in_a_phase,
        "In the phase society-decides of city-centre, a resident may not "
        "propose drafts; its template lets them do so in the phase colleagues-join.",
        city_centre,
    ):
        city_centre.require_permission("resident-havenkwartier", "propose_draft")

    with refused(
        rules.only_permitted_roles_act_in_a_phase,
        "In the phase society-decides of city-centre, an entrepreneur may not "
        "react to plans; its template lets them do so in the phase colleagues-join.",
    ):
        city_centre.require_permission("bakery", "react_to_plan")


def test_who_has_not_joined_is_checked_with_the_kind_they_join_with(
    city_centre, refused
):
    on(city_centre, permitting(resident=("join_initiative",)))
    city_centre.require_permission(
        "newcomer", "join_initiative", StakeholderKind.RESIDENT
    )
    with refused(
        rules.only_permitted_roles_act_in_a_phase,
        "In the phase society-decides of city-centre, an institution may not "
        "join the initiative; its template lets them do so in the phase "
        "colleagues-join.",
    ):
        city_centre.require_permission(
            "newcomer", "join_initiative", StakeholderKind.INSTITUTION
        )


def in_phases(*phases: Phase) -> ProcessTemplate:
    """A template of these phases, after a society-only first phase in which only
    residents may react."""
    return ProcessTemplate(
        name="phased",
        version="1",
        description="Society decides, then the phases given.",
        phases=(
            Phase(
                "society-decides",
                "Society decides.",
                society_only=True,
                permissions={"resident": ("react_to_plan",)},
            ),
            *phases,
        ),
    )


def test_a_refusal_names_every_phase_that_lets_the_kind_in_the_template_s_order(
    city_centre, refused
):
    on(
        city_centre,
        in_phases(
            Phase(
                "views",
                "Everyone gives their views.",
                permissions={"entrepreneur": ("react_to_plan", "hold_meeting")},
            ),
            Phase(
                "council",
                "The council is informed.",
                permissions={"entrepreneur": ("hold_meeting",)},
            ),
            Phase("decision", "Nothing is restricted."),
        ),
    )
    with refused(
        rules.only_permitted_roles_act_in_a_phase,
        "In the phase society-decides of city-centre, an entrepreneur may not react "
        "to plans; its template lets them do so in the phases views and decision.",
        city_centre,
    ):
        city_centre.require_permission("bakery", "react_to_plan")

    # Correcting a meeting is permitted wherever holding one is.
    with refused(
        rules.only_permitted_roles_act_in_a_phase,
        "In the phase society-decides of city-centre, an entrepreneur may not "
        "correct meetings; its template lets them do so in the phases views, "
        "council and decision.",
    ):
        city_centre.require_permission("bakery", "correct_meeting")


def test_a_refusal_says_so_when_no_phase_of_the_template_lets_the_kind(
    city_centre, refused
):
    on(
        city_centre,
        in_phases(
            Phase(
                "views",
                "Residents give their views.",
                permissions={"resident": ("react_to_plan",)},
            )
        ),
    )
    with refused(
        rules.only_permitted_roles_act_in_a_phase,
        "In the phase society-decides of city-centre, an entrepreneur may not react "
        "to plans; its template lets them do so in no phase.",
    ):
        city_centre.require_permission("bakery", "react_to_plan")


def test_a_society_only_phase_is_not_named_for_what_civil_servants_do_not_do_there(
    city_centre, refused
):
    on(
        city_centre,
        in_phases(
            Phase("society-continues", "Society decides more.", society_only=True),
            Phase("colleagues-join", "The colleagues join."),
        ),
    )
    with refused(
        rules.only_permitted_roles_act_in_a_phase,
        "In the phase society-decides of city-centre, a civil servant may not react "
        "to plans; its template lets them do so in the phase colleagues-join.",
    ):
        city_centre.require_permission("civil-servant-traffic", "react_to_plan")

    with refused(
        rules.only_permitted_roles_act_in_a_phase,
        "In the phase society-decides of city-centre, a civil servant may not join "
        "the initiative; its template lets them do so in the phases "
        "society-continues and colleagues-join.",
    ):
        city_centre.require_permission(
            "newcomer", "join_initiative", StakeholderKind.CIVIL_SERVANT
        )


def test_a_question_goes_to_at_least_one_kind_the_phase_lets_take_a_position(
    city_centre, text, refused
):
    on(city_centre, permitting(resident=("take_position",)))

    def put(*kinds: StakeholderKind) -> DecisionPoint:
        return DecisionPoint.put(
            actor="facilitator",
            initiative=city_centre,
            slug="market-square",
            question=text("what becomes of the market square?"),
            options=[Option("car-free", text("car-free")), Option("no", text("no"))],
            eligible=kinds,
            rule=DecisionRule.MAJORITY,
        )

    with refused(
        rules.a_decision_point_is_put_to_someone_who_may_take_a_position,
        "In the phase society-decides of city-centre no entrepreneur or institution "
        "may take a position, so a decision point put only to them could never be "
        "answered.",
    ):
        put(StakeholderKind.INSTITUTION, StakeholderKind.ENTREPRENEUR)

    decision = put(StakeholderKind.ENTREPRENEUR, StakeholderKind.RESIDENT)
    assert [type(e).__name__ for e in decision.collect_events()] == ["Put"]


def test_without_declared_permissions_every_role_may_act(city_centre):
    for command in ("propose_draft", "react_to_plan", "advance_phase"):
        city_centre.require_permission("resident-havenkwartier", command)


def test_closing_from_the_last_phase_leaves_it_so_its_guards_must_hold(
    city_centre, refused, story_start, text
):
    last_guarded = ProcessTemplate(
        name="closing",
        version="1",
        description="Society decides, and the council is told before the close.",
        phases=(
            Phase("society-decides", "Society decides.", society_only=True),
            Phase("council", "The council is told.", guards=("council_informed",)),
        ),
    )
    on(city_centre, last_guarded)
    city_centre.advance_phase(actor="facilitator")
    city_centre.collect_events()
    with refused(
        rules.a_phase_is_left_when_its_guards_hold,
        "city-centre cannot leave the phase council until the council has been "
        "informed in this phase (an informing recorded since the phase began and "
        "not withdrawn).",
        city_centre,
    ):
        city_centre.close(actor="facilitator", outcome=text("done"))

    city_centre.inform_council(
        actor="facilitator",
        document_title=text("the plans"),
        document_sha256=DOCUMENT_SHA256,
        session=CouncilSession.INFORMAL,
        informed_at=story_start,
    )
    city_centre.close(actor="facilitator", outcome=text("done"))
    assert city_centre.is_closed


def test_closing_from_an_earlier_phase_ends_the_process_early(city_centre, text):
    on(city_centre, guarded("council_informed"))
    city_centre.close(actor="facilitator", outcome=text("stopped by the council"))
    assert city_centre.is_closed
