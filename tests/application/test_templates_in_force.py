"""Initiatives on any installed template: pinned by their definition, migrated only
explicitly, with the template's guards and permissions in force."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from samenspraak.application import InvalidInput, NotAllowed, NotFound, Samenspraak
from samenspraak.application.report_render import render_markdown
from samenspraak.application.templates import Registry, installed, load_template
from samenspraak.domain import clock
from samenspraak.domain.templates import OVERHEIDSPARTICIPATIE, Phase, ProcessTemplate

MOMENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

INSPRAAK = """\
name = "inspraak"
version = "{version}"
description = "A consultation: a draft, reactions, a response report."

[[phases]]
name = "reactions"
description = "Everyone may react to the draft."

[[phases]]
name = "response-report"
description = "{second}"
"""


def inspraak(tmp_path: Path, version: str, second: str) -> ProcessTemplate:
    path = tmp_path / f"inspraak-v{version}.toml"
    path.write_text(INSPRAAK.format(version=version, second=second), "utf-8")
    return load_template(path)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Samenspraak]:
    with clock.frozen_at(MOMENT):
        app = Samenspraak.open(str(tmp_path / "templates.db"))
        for person in ("facilitator", "resident", "bakery", "planner"):
            app.register_stakeholder(
                {"actor": person, "stakeholder": person, "name": person.title()}
            )
        yield app
        app.close()


def start(app: Samenspraak, slug: str, template: str | None = None) -> None:
    command = {
        "actor": "facilitator",
        "initiative": slug,
        "title": f"The {slug}",
        "description": "A participation process.",
        "area": "The harbour",
        "budget": "0",
        "level": "consulting",
    }
    if template is not None:
        command["template"] = template
    app.start_initiative(command)


def draft_a_plan(do: Callable[..., object]) -> None:
    """A working group of the facilitator's, its plan and the plan's first draft."""
    do("form_group", actor="facilitator", group="team", kind="working",
       name="Team", mandate="Writes the plan.")  # fmt: skip
    do("create_plan", actor="facilitator", plan="plan", title="Plan", group="team")
    do("propose_draft", actor="facilitator", plan="plan", text="Draft.",
       changes="First.")  # fmt: skip


def with_templates(app: Samenspraak, *extra: ProcessTemplate) -> None:
    app.templates = Registry.of([*installed().all(), *extra])


# --- Starting on a template --------------------------------------------------------------


def test_by_default_an_initiative_starts_on_overheidsparticipatie_version_1(engine):
    start(engine, "harbour")
    status = engine.initiative_status("harbour")
    assert (status.template.name, status.template.version) == (
        "overheidsparticipatie",
        "1",
    )
    assert status.template.content_hash == OVERHEIDSPARTICIPATIE.content_hash


@pytest.mark.parametrize(
    ("spec", "version", "phase"),
    [
        ("omgevingswet", "2", "announcement"),
        ("omgevingswet@1", "1", "announcement"),
        ("overheidsparticipatie", "2", "society-decides"),
        ("overheidsparticipatie@1", "1", "society-decides"),
        ("burgerbegroting", "2", "proposals"),
        ("burgerbegroting@1", "1", "proposals"),
    ],
)
def test_an_initiative_starts_on_any_installed_template(engine, spec, version, phase):
    start(engine, "harbour", spec)
    status = engine.initiative_status("harbour")
    expected = installed().get(spec.partition("@")[0], version)
    assert (status.template.name, status.template.version) == (
        expected.name,
        version,
    )
    assert status.template.content_hash == expected.content_hash
    assert status.template.phases == [p.name for p in expected.phases]
    assert status.phase == phase


def test_an_unknown_template_is_not_found_and_the_installed_ones_are_named(engine):
    with pytest.raises(NotFound) as excinfo:
        start(engine, "harbour", "inspraak")
    assert str(excinfo.value) == (
        "No template called inspraak is installed; installed are burgerbegroting, "
        "omgevingswet, overheidsparticipatie, uitdaagrecht."
    )
    with pytest.raises(NotFound, match="its versions are 1, 2"):
        start(engine, "harbour", "overheidsparticipatie@7")
    with pytest.raises(InvalidInput, match="template"):
        start(engine, "harbour", "Not A Template")
    assert engine.list_initiatives() == []


# --- Pinned by its definition ------------------------------------------------------------


def test_an_initiative_whose_template_is_uninstalled_still_loads_and_advances(
    engine, tmp_path
):
    mine = inspraak(tmp_path, "1", "Every reaction is answered.")
    with_templates(engine, mine)
    start(engine, "harbour", "inspraak@1")

    engine.templates = installed()  # uninstalled
    reopened = Samenspraak.open(str(tmp_path / "templates.db"))
    try:
        status = reopened.initiative_status("harbour")
        assert status.template.content_hash == mine.content_hash
        assert status.template.phases == ["reactions", "response-report"]
        with clock.frozen_at(MOMENT):
            assert reopened.advance_phase(
                {"actor": "facilitator", "initiative": "harbour"}
            ) == ("response-report")
        assert reopened.initiative_status("harbour").phase == "response-report"
        report = reopened.participation_report("harbour")
        assert report.process.phases == ["reactions", "response-report"]
    finally:
        reopened.close()


def test_an_initiative_is_drawn_as_its_record_pins_it_though_no_file_says_that_now(
    engine,
):
    # Pinned when files still took the version "01" (or made by an embedding):
    # the engine follows the definition its record keeps, and so does the diagram.
    older = ProcessTemplate(
        "inspraak",
        "01",
        "A consultation.",
        (
            Phase("reactions", "Everyone reacts.", guards=("a_draft_proposed",)),
            Phase("response-report", "Every reaction is answered."),
        ),
    )
    with_templates(engine, older)
    start(engine, "harbour", "inspraak@01")
    engine.templates = installed()  # uninstalled

    drawn = engine.process_diagram("harbour")
    assert '-->|"a_draft_proposed"|' in drawn
    report = engine.participation_report("harbour")
    assert '-->|"a_draft_proposed"|' in render_markdown(report, lang="en")


def test_a_running_initiative_keeps_its_version_until_it_is_migrated(engine, tmp_path):
    first = inspraak(tmp_path, "1", "Every reaction is answered.")
    second = inspraak(tmp_path, "2", "Every reaction is answered, with reasons.")
    with_templates(engine, first)
    start(engine, "harbour", "inspraak")

    with_templates(engine, first, second)  # a new version is installed
    assert engine.initiative_status("harbour").template.version == "1"
    start(engine, "dunes", "inspraak")
    assert engine.initiative_status("dunes").template.version == "2"

    with clock.frozen_at(MOMENT):
        content_hash = engine.migrate_template(
            {"actor": "facilitator", "initiative": "harbour", "template": "inspraak@2"}
        )
    status = engine.initiative_status("harbour")
    assert (status.template.version, status.template.content_hash) == (
        "2",
        second.content_hash,
    )
    assert content_hash == second.content_hash
    assert status.phase == "reactions"

    (entry,) = engine.audit_log("harbour", event="TemplateMigrated")
    assert entry.actor == "facilitator"
    assert entry.summary == (
        f"Process migrated from inspraak v1 to inspraak v2 "
        f"(hash {second.content_hash[:12]})"
    )
    assert engine.verify_audit().intact


def test_a_migration_is_refused_to_the_same_version_or_without_the_phase(engine):
    start(engine, "harbour", "omgevingswet")
    with pytest.raises(NotAllowed) as excinfo:
        engine.migrate_template(
            {
                "actor": "facilitator",
                "initiative": "harbour",
                "template": "overheidsparticipatie@2",
            }
        )
    assert excinfo.value.args[0] == (
        "harbour is in the phase announcement, which overheidsparticipatie version 2 "
        "does not have; it cannot move to that template in this phase."
    )
    with pytest.raises(NotAllowed, match="already follows omgevingswet version 2"):
        engine.migrate_template(
            {
                "actor": "facilitator",
                "initiative": "harbour",
                "template": "omgevingswet",
            }
        )


# --- Guards and permissions: the omgevingswet ----------------------------------------------


def test_the_omgevingswet_guards_and_permissions_are_in_force(engine):
    def do(use_case: str, **fields: object) -> object:
        return getattr(engine, use_case)({"initiative": "harbour", **fields})

    with clock.frozen_at(MOMENT):
        start(engine, "harbour", "omgevingswet")
        do(
            "join_initiative",
            actor="facilitator",
            stakeholder="resident",
            kind="resident",
        )
        do(
            "join_initiative",
            actor="planner",
            stakeholder="planner",
            kind="civil-servant",
        )
        with pytest.raises(NotAllowed) as excinfo:
            do(
                "join_initiative",
                actor="bakery",
                stakeholder="bakery",
                kind="entrepreneur",
            )
        assert str(excinfo.value) == (
            "In the phase announcement of harbour, an entrepreneur may not "
            "join the initiative; its template lets them do so in the phase views."
        )
        do("form_group", actor="facilitator", group="plan-team", kind="working",
           name="Plan team", mandate="Writes the omgevingsplan.")  # fmt: skip
        do("add_member", actor="facilitator", group="plan-team", stakeholder="planner")
        do("create_plan", actor="facilitator", plan="omgevingsplan",
           title="Omgevingsplan", group="plan-team")  # fmt: skip
        with pytest.raises(NotAllowed) as excinfo:
            do("advance_phase", actor="facilitator")
        assert str(excinfo.value) == (
            "harbour cannot leave the phase announcement until at least one plan of "
            "the initiative has a draft."
        )
        do("propose_draft", actor="facilitator", plan="omgevingsplan",
           text="The draft.", changes="First draft.")  # fmt: skip
        assert do("advance_phase", actor="facilitator") == "views"

        # views: a resident may react, but may not propose a draft
        do("react_to_plan", actor="resident", plan="omgevingsplan", version=1,
           stance="concern", text="Too little green.")  # fmt: skip
        with pytest.raises(NotAllowed) as excinfo:
            do("propose_draft", actor="resident", plan="omgevingsplan",
               text="My draft.", changes="Mine.")  # fmt: skip
        assert str(excinfo.value) == (
            "In the phase views of harbour, a resident may not propose drafts; "
            "its template lets them do so in no phase."
        )
        assert excinfo.value.rule == "only_permitted_roles_act_in_a_phase"
        with pytest.raises(NotAllowed) as excinfo:
            do("advance_phase", actor="facilitator")
        assert str(excinfo.value) == (
            "harbour cannot leave the phase views until the phase's reaction period "
            "has ended (at 2026-04-13T10:00+02:00)."
        )

    # The six weeks for views end 42 days after the phase began, at the same hour on
    # the clocks in the Netherlands (summer time by then: an hour less in UTC): a
    # view on the last moment counts, one after it is refused as late (no period
    # was opened on the plan itself, so the phase's own is in force).
    with clock.frozen_at(MOMENT + timedelta(days=42, hours=-1)):
        do("react_to_plan", actor="resident", plan="omgevingsplan", version=1,
           stance="support", text="More trees, please.")  # fmt: skip
    with clock.frozen_at(MOMENT + timedelta(days=42, hours=-1, seconds=1)):
        with pytest.raises(NotAllowed) as excinfo:
            do("react_to_plan", actor="resident", plan="omgevingsplan", version=1,
               stance="concern", text="Too late?")  # fmt: skip
        assert excinfo.value.rule == "a_late_reaction_is_refused"
        assert "2026" in str(excinfo.value)

    with clock.frozen_at(MOMENT + timedelta(days=42)):
        assert do("advance_phase", actor="facilitator") == "response-report"
        with pytest.raises(NotAllowed, match="every reaction on the initiative's"):
            do("advance_phase", actor="facilitator")
        do("defend_position", actor="planner", plan="omgevingsplan", reactions=[1],
           reasoning="The green is in the next chapter.")  # fmt: skip
        do("note_support", actor="planner", plan="omgevingsplan", reactions=[2])
        with pytest.raises(NotAllowed, match="every plan of the initiative is final"):
            do("advance_phase", actor="facilitator")
        do("finalise_plan", actor="facilitator", plan="omgevingsplan")
        assert do("advance_phase", actor="facilitator") == "council-decision"


def two_rounds_in_harbour(engine: Samenspraak) -> Callable[..., object]:
    """An initiative on a template of two rounds: a first round, where the plan's
    own period is 7 days, and from day 10 a phase of views that gives 42 days.
    Returns how to give its commands."""
    from samenspraak.domain.templates import Phase  # noqa: PLC0415

    process = ProcessTemplate(
        "two-rounds",
        "1",
        "A first round, then six weeks for views.",
        (
            Phase("first-round", "A first round."),
            Phase("views", "", reaction_period_days=42),
        ),
    )
    with_templates(engine, process)

    def do(use_case: str, **fields: object) -> object:
        return getattr(engine, use_case)({"initiative": "harbour", **fields})

    with clock.frozen_at(MOMENT):
        start(engine, "harbour", "two-rounds")
        do("join_initiative", actor="facilitator", stakeholder="resident",
           kind="resident")  # fmt: skip
        draft_a_plan(do)
        do("open_reaction_period", actor="facilitator", plan="plan", days=7)
    with clock.frozen_at(MOMENT + timedelta(days=10)):
        assert do("advance_phase", actor="facilitator") == "views"
    return do


def test_a_period_opened_in_an_earlier_phase_gives_way_to_the_phase_s_own(engine):
    do = two_rounds_in_harbour(engine)

    # The 7 days of the first round are over, but the views phase has its own 42.
    with clock.frozen_at(MOMENT + timedelta(days=11)):
        assert do("react_to_plan", actor="resident", plan="plan", version=1,
                  stance="support", text="Fine.") == 1  # fmt: skip
    with clock.frozen_at(MOMENT + timedelta(days=52, seconds=1)):
        with pytest.raises(NotAllowed) as late:
            do("react_to_plan", actor="resident", plan="plan", version=1,
               stance="concern", text="Late.")  # fmt: skip
        assert late.value.rule == "a_late_reaction_is_refused"


def test_a_letter_is_judged_by_the_period_of_the_phase_it_came_in(engine):
    """The first round's own period was 7 days; the views phase, begun on day 10,
    gives 42 days from then. Letters recorded later are judged by what was in
    force when they came in, not by the phase now."""
    do = two_rounds_in_harbour(engine)

    def letter(day: int) -> object:
        return do("react_to_plan", actor="facilitator", stakeholder="resident",
                  channel="letter", plan="plan", version=1, stance="concern",
                  text=f"Sent on day {day}.",
                  received_at=(MOMENT + timedelta(days=day)).isoformat())  # fmt: skip

    with clock.frozen_at(MOMENT + timedelta(days=60)):
        assert letter(5) == 1  # in the first round's 7 days
        with pytest.raises(NotAllowed) as between_the_rounds:
            letter(8)  # after them, before the views phase began
        assert letter(45) == 2  # in the views phase's 42 days (to day 52)
        with pytest.raises(NotAllowed) as after_the_views:
            letter(53)
    assert between_the_rounds.value.rule == "a_late_reaction_is_refused"
    assert "closed at 2026-03-09T10:00+01:00" in str(between_the_rounds.value)
    assert after_the_views.value.rule == "a_late_reaction_is_refused"
    assert "closed at 2026-04-23T10:00+02:00" in str(after_the_views.value)


def test_the_six_weeks_for_views_cannot_be_cut_short_by_a_plans_period(engine):
    def do(use_case: str, **fields: object) -> object:
        return getattr(engine, use_case)({"initiative": "harbour", **fields})

    with clock.frozen_at(MOMENT):
        start(engine, "harbour", "omgevingswet")
        do("form_group", actor="facilitator", group="plan-team", kind="working",
           name="Plan team", mandate="Writes the omgevingsplan.")  # fmt: skip
        do("create_plan", actor="facilitator", plan="omgevingsplan",
           title="Omgevingsplan", group="plan-team")  # fmt: skip
        do("propose_draft", actor="facilitator", plan="omgevingsplan",
           text="The draft.", changes="First draft.")  # fmt: skip
        assert do("advance_phase", actor="facilitator") == "views"
    with clock.frozen_at(MOMENT + timedelta(days=2)):
        with pytest.raises(NotAllowed) as short:
            do("open_reaction_period", actor="facilitator", plan="omgevingsplan",
               days=1)  # fmt: skip
        assert str(short.value) == (
            "The phase views of harbour gives reactions until "
            "2026-04-13T10:00+02:00; a reaction period on omgevingsplan closes no "
            "earlier, not at 2026-03-05T10:00+01:00."
        )
        assert short.value.rule == "a_reaction_period_lasts_as_long_as_the_phase_gives"
        longer = do("open_reaction_period", actor="facilitator", plan="omgevingsplan",
                    days=50)  # fmt: skip
        assert longer == MOMENT + timedelta(days=52, hours=-1)  # summer time by then
        with pytest.raises(InvalidInput) as days:
            do("open_reaction_period", actor="facilitator", plan="omgevingsplan",
               days=0)  # fmt: skip
    assert str(days.value) == "days: must be at least 1."
    # The plan's longer period is not cut short: the phase waits for it.
    with (
        clock.frozen_at(MOMENT + timedelta(days=43)),
        pytest.raises(NotAllowed) as early,
    ):
        do("advance_phase", actor="facilitator")
    # It names the moment it waits for: the plan's longer period.
    assert str(early.value).endswith(
        "until the phase's reaction period has ended (at 2026-04-23T10:00+02:00)."
    )
    with clock.frozen_at(MOMENT + timedelta(days=52)):
        assert do("advance_phase", actor="facilitator") == "response-report"


def test_a_period_from_an_earlier_phase_does_not_close_reactions_in_a_later_one(
    engine,
):
    """overheidsparticipatie v2: 28 days for reactions in society-decides and in
    colleagues-join, none declared for the council, where residents may react."""

    def do(use_case: str, **fields: object) -> object:
        return getattr(engine, use_case)({"initiative": "harbour", **fields})

    with clock.frozen_at(MOMENT):
        start(engine, "harbour", "overheidsparticipatie@2")
        do("join_initiative", actor="facilitator", stakeholder="resident",
           kind="resident")  # fmt: skip
        draft_a_plan(do)
        do("open_reaction_period", actor="facilitator", plan="plan")
    for day in (28, 56):
        with clock.frozen_at(MOMENT + timedelta(days=day)):
            do("advance_phase", actor="facilitator")
    with clock.frozen_at(MOMENT + timedelta(days=60)):
        assert engine.initiative_status("harbour").phase == "council"
        assert do("react_to_plan", actor="resident", plan="plan", version=1,
                  stance="support", text="Still good.") == 1  # fmt: skip


def test_a_decision_waits_only_for_those_the_phase_lets_take_a_position(engine):
    from samenspraak.domain.templates import Phase  # noqa: PLC0415

    process = ProcessTemplate(
        "residents-vote",
        "1",
        "Residents vote; entrepreneurs follow.",
        (
            Phase(
                "vote",
                "Residents vote.",
                permissions={
                    "resident": ("take_position",),
                    "facilitator": ("put_decision_point", "decide", "join_initiative"),
                },
            ),
        ),
    )
    with_templates(engine, process)

    def do(use_case: str, **fields: object) -> object:
        return getattr(engine, use_case)({"initiative": "harbour", **fields})

    with clock.frozen_at(MOMENT):
        start(engine, "harbour", "residents-vote")
        for who, kind in (("resident", "resident"), ("bakery", "entrepreneur")):
            do("join_initiative", actor="facilitator", stakeholder=who, kind=kind)
        do("put_decision_point", actor="facilitator", decision="first",
           question="First?", options=[{"key": "a", "label": "A"},
                                       {"key": "b", "label": "B"}],
           eligible=["resident", "entrepreneur"], rule="consensus",
           closes_at=MOMENT + timedelta(days=7))  # fmt: skip
        do("take_position", actor="resident", decision="first", option="a")
        items = [
            (i.kind, i.text) for i in engine.todo("facilitator") if i.subject == "first"
        ]
        # The entrepreneur may not take a position here, so everyone who may did.
        assert any(kind == "ready-to-decide" for kind, _ in items), items
        assert do("decide", actor="facilitator", decision="first") == "a"


def test_a_decision_that_ended_without_an_outcome_is_not_a_decision_taken(engine):
    from samenspraak.domain.templates import Phase  # noqa: PLC0415

    process = ProcessTemplate(
        "vote-then-allocate",
        "1",
        "A vote, then the allocation.",
        (
            Phase("vote", "Society votes.", guards=("a_decision_taken",)),
            Phase("allocation", "The budget is allocated."),
        ),
    )
    with_templates(engine, process)

    def do(use_case: str, **fields: object) -> object:
        return getattr(engine, use_case)({"initiative": "harbour", **fields})

    with clock.frozen_at(MOMENT):
        start(engine, "harbour", "vote-then-allocate")
        for who in ("resident", "bakery"):
            do("join_initiative", actor="facilitator", stakeholder=who, kind="resident")
        do("put_decision_point", actor="facilitator", decision="first",
           question="First?", options=[{"key": "a", "label": "A"},
                                       {"key": "b", "label": "B"}],
           eligible=["resident"], rule="plurality")  # fmt: skip
        do("take_position", actor="resident", decision="first", option="a")
        do("take_position", actor="bakery", decision="first", option="b")
        assert do("decide", actor="facilitator", decision="first") is None  # a tie
        with pytest.raises(NotAllowed) as refused:
            do("advance_phase", actor="facilitator")
    assert str(refused.value) == (
        "harbour cannot leave the phase vote until at least one decision point of the "
        "initiative is decided with an outcome."
    )


def test_the_last_phase_says_there_is_none_after_it_whatever_its_permissions(engine):
    from samenspraak.domain.templates import Phase  # noqa: PLC0415

    process = ProcessTemplate(
        "one-phase",
        "1",
        "One phase.",
        (
            Phase(
                "only", "The only phase.", permissions={"resident": ("react_to_plan",)}
            ),
        ),
    )
    with_templates(engine, process)
    with clock.frozen_at(MOMENT):
        start(engine, "harbour", "one-phase")
        with pytest.raises(NotAllowed) as refused:
            engine.advance_phase({"actor": "facilitator", "initiative": "harbour"})
    assert str(refused.value) == (
        "harbour is in its last phase (only); there is no phase after it."
    )


def test_the_facilitator_records_a_reaction_only_for_someone_the_phase_lets_react(
    engine,
):
    """overheidsparticipatie v2: in society-decides a civil servant may do nothing;
    the facilitator may add one, to observe, but not be heard through."""

    def do(use_case: str, **fields: object) -> object:
        return getattr(engine, use_case)({"initiative": "harbour", **fields})

    with clock.frozen_at(MOMENT):
        start(engine, "harbour", "overheidsparticipatie@2")
        for person, kind in (("resident", "resident"), ("planner", "civil-servant")):
            do("join_initiative", actor="facilitator", stakeholder=person, kind=kind)
        draft_a_plan(do)
        before = engine.stored_event_count()
        with pytest.raises(NotAllowed) as refused:
            do("react_to_plan", actor="facilitator", stakeholder="planner", plan="plan",
               version=1, stance="concern", channel="letter",
               text="A letter from the planning department.")  # fmt: skip
        # The phase named is where civil servants may react, not the facilitator.
        assert str(refused.value) == (
            "In the phase society-decides of harbour, a civil servant may not react "
            "to plans; its template lets them do so in the phases colleagues-join, "
            "council, implementation and evaluation."
        )
        assert engine.stored_event_count() == before
        assert do("react_to_plan", actor="facilitator", stakeholder="resident",
                  plan="plan", version=1, stance="support", channel="letter",
                  text="A letter from a resident.") == 1  # fmt: skip


def test_society_decides_its_open_questions_before_colleagues_join(engine):
    """Two society-only phases, then colleagues: moving between the first two with
    a question open is fine; joining the colleagues with it open is not."""
    from samenspraak.domain.templates import Phase  # noqa: PLC0415

    process = ProcessTemplate(
        "two-society-phases",
        "1",
        "Society proposes, then votes; then colleagues join.",
        (
            Phase("proposals", "Society proposes.", society_only=True),
            Phase("vote", "Society votes.", society_only=True),
            Phase("colleagues", "Colleagues join."),
        ),
    )
    with_templates(engine, process)

    def do(use_case: str, **fields: object) -> object:
        return getattr(engine, use_case)({"initiative": "harbour", **fields})

    with clock.frozen_at(MOMENT):
        start(engine, "harbour", "two-society-phases")
        do("join_initiative", actor="facilitator", stakeholder="resident",
           kind="resident")  # fmt: skip
        do("put_decision_point", actor="facilitator", decision="first",
           question="First?", options=[{"key": "a", "label": "A"},
                                       {"key": "b", "label": "B"}],
           eligible=["resident"], rule="plurality")  # fmt: skip
        assert do("advance_phase", actor="facilitator") == "vote"
        assert not any(
            i.kind == "phase-can-advance" for i in engine.todo("facilitator")
        )
        before = engine.stored_event_count()
        with pytest.raises(NotAllowed) as refused:
            do("advance_phase", actor="facilitator")
        assert str(refused.value) == (
            "harbour cannot leave vote, where society decides alone, while decision "
            "points are still open (1): society decides first, colleagues join after."
        )
        assert engine.stored_event_count() == before
        do("take_position", actor="resident", decision="first", option="a")
        assert do("decide", actor="facilitator", decision="first") == "a"
        assert do("advance_phase", actor="facilitator") == "colleagues"


def test_a_plan_is_not_finalised_while_the_phases_reaction_period_runs(engine):
    """overheidsparticipatie v2 gives 28 days for reactions in society-decides."""

    def do(use_case: str, **fields: object) -> object:
        return getattr(engine, use_case)({"initiative": "harbour", **fields})

    with clock.frozen_at(MOMENT):
        start(engine, "harbour", "overheidsparticipatie@2")
        draft_a_plan(do)
    with (
        clock.frozen_at(MOMENT + timedelta(days=1)),
        pytest.raises(NotAllowed) as early,
    ):
        do("finalise_plan", actor="facilitator", plan="plan")
    assert str(early.value) == (
        "The reaction period of plan runs until 2026-03-30T10:00+02:00; the plan "
        "is finalised after that, so that everyone can react."
    )
    with clock.frozen_at(MOMENT + timedelta(days=29)):
        assert do("finalise_plan", actor="facilitator", plan="plan") == 1


TOLD_AGAIN = """\
name = "told-again"
version = "1"
description = "The vision is shown early; the council hears the outcome later."

[[phases]]
name = "draft"
description = "The plans are drafted."

[[phases]]
name = "council"
description = "The council is told."
guards = ["council_informed"]

[[phases]]
name = "end"
description = "Done."
"""


def test_the_council_phase_asks_for_an_informing_of_its_own_in_todo_and_in_advancing(
    engine, tmp_path
):
    path = tmp_path / "told-again-v1.toml"
    path.write_text(TOLD_AGAIN, "utf-8")
    with_templates(engine, load_template(path))
    start(engine, "harbour", "told-again")
    later = MOMENT

    def inform(title: str) -> None:
        engine.inform_council(
            {"actor": "facilitator", "initiative": "harbour", "document_title": title,
             "document_sha256": "0" * 64, "session": "informal", "informed_at": later}
        )  # fmt: skip

    def todo() -> dict[str, str]:
        return {i.kind: i.text for i in engine.todo("facilitator")}

    with clock.frozen_at(later):
        inform("The vision")
    later += timedelta(days=1)
    with clock.frozen_at(later):
        engine.advance_phase({"actor": "facilitator", "initiative": "harbour"})
    later += timedelta(days=1)
    with clock.frozen_at(later):
        assert todo()["inform-council"] == (
            "The council has not been informed in the phase council yet; leaving the "
            "phase asks for it."
        )
        assert "phase-can-advance" not in todo()
        with pytest.raises(NotAllowed, match="informed in this phase"):
            engine.advance_phase({"actor": "facilitator", "initiative": "harbour"})
        inform("The final plans")
        assert "inform-council" not in todo()
        assert "phase-can-advance" in todo()
        assert (
            engine.advance_phase({"actor": "facilitator", "initiative": "harbour"})
            == "end"
        )


def the_omgevingsplan_final_on_day_42(engine: Samenspraak) -> Callable[..., object]:
    """The harbour on the Omgevingswet: the planner's draft had its six weeks for
    views, none came in, and it was finalised in the response-report phase on day
    42. Returns ``do(use_case, **fields)``, a use case of the harbour."""

    def do(use_case: str, **fields: object) -> object:
        return getattr(engine, use_case)({"initiative": "harbour", **fields})

    with clock.frozen_at(MOMENT):
        start(engine, "harbour", "omgevingswet")
        do("join_initiative", actor="facilitator", stakeholder="resident",
           kind="resident")  # fmt: skip
        do("join_initiative", actor="planner", stakeholder="planner",
           kind="civil-servant")  # fmt: skip
        do("form_group", actor="facilitator", group="plan-team", kind="working",
           name="Plan team", mandate="Writes the omgevingsplan.")  # fmt: skip
        do("add_member", actor="facilitator", group="plan-team", stakeholder="planner")
        do("create_plan", actor="facilitator", plan="omgevingsplan",
           title="Omgevingsplan", group="plan-team")  # fmt: skip
        do("propose_draft", actor="facilitator", plan="omgevingsplan",
           text="The draft.", changes="First draft.")  # fmt: skip
        assert do("advance_phase", actor="facilitator") == "views"
    with clock.frozen_at(MOMENT + timedelta(days=42)):
        assert do("advance_phase", actor="facilitator") == "response-report"
        do("finalise_plan", actor="facilitator", plan="omgevingsplan")
    return do


def a_letter(
    do: Callable[..., object], day: int, stakeholder: str = "resident"
) -> object:
    """The facilitator records a letter that came in on ``day``."""
    return do("react_to_plan", actor="facilitator", stakeholder=stakeholder,
              channel="letter", plan="omgevingsplan", version=1,
              stance="objection", text=f"Sent on day {day}.",
              received_at=(MOMENT + timedelta(days=day)).isoformat())  # fmt: skip


def reactions_to_answer(engine: Samenspraak, who: str) -> list[tuple[str, int | None]]:
    return [
        (item.subject, item.count)
        for item in engine.todo(who)
        if item.kind == "unanswered-reactions"
    ]


def test_a_view_found_after_the_plan_was_final_is_still_recorded_and_answered(engine):
    """Under the Omgevingswet every view that came in during the six weeks is
    answered. A letter that came in on day 41 is found after the plan was
    finalised, in the response-report phase, where no one reacts any more: it is
    recorded as the views phase allowed, answered with reasoning (no change can
    be made in the final plan), and the phase is not left before it is."""

    do = the_omgevingsplan_final_on_day_42(engine)

    def letter(day: int) -> object:
        return a_letter(do, day)

    def to_answer(who: str) -> list[tuple[str, int | None]]:
        return reactions_to_answer(engine, who)

    with clock.frozen_at(MOMENT + timedelta(days=50)):
        assert letter(41) == 1
        assert to_answer("planner") == [("omgevingsplan", 1)]
        with pytest.raises(NotAllowed) as too_late:
            letter(43)
        with pytest.raises(NotAllowed) as leaving:
            do("advance_phase", actor="facilitator")
        with pytest.raises(NotAllowed) as adopting:
            do("adopt_change", actor="planner", plan="omgevingsplan", reactions=[1],
               version=1, explanation="Done.")  # fmt: skip
        do("defend_position", actor="planner", plan="omgevingsplan", reactions=[1],
           reasoning="The plan was final; the council hears of it.")  # fmt: skip
        assert do("advance_phase", actor="facilitator") == "council-decision"
    with clock.frozen_at(MOMENT + timedelta(days=55)):
        do("inform_council", actor="facilitator", document_title="Response report",
           document_sha256="0" * 64, session="formal",
           informed_at=(MOMENT + timedelta(days=55)).isoformat())  # fmt: skip
    # Another letter from the six weeks turns up while the council decides, where
    # the template lets no one answer: it is answered as the phase the plan was
    # finalised in allowed, so that every view gets its answer, and the council
    # is to hear of it.
    with clock.frozen_at(MOMENT + timedelta(days=60)):
        assert letter(40) == 2
        assert to_answer("planner") == [("omgevingsplan", 1)]
        do("defend_position", actor="planner", plan="omgevingsplan", reactions=[2],
           reasoning="Also too late for the final plan.")  # fmt: skip
        assert [
            item.text
            for item in engine.todo("facilitator")
            if item.kind == "inform-council"
        ] == [
            "Letters found after the plan was final, answered since the council "
            "was last informed: omgevingsplan."
        ]
    assert too_late.value.rule == "only_permitted_roles_act_in_a_phase"
    assert "every reaction on the initiative's plans" in str(leaving.value)
    assert adopting.value.rule == "a_finalised_plan_is_not_changed"
    details = engine.plan_details("harbour", "omgevingsplan")
    assert details.unanswered == []
    reaction = details.reactions[0]
    assert (details.final_version, reaction.given_at, reaction.answer.kind) == (
        1,
        MOMENT + timedelta(days=41),
        "defended",
    )
    report = render_markdown(engine.participation_report("harbour"), "en")
    assert (
        "Sent on day 41. (resident (resident), recorded by facilitator, received 12 Apr"
    ) in report


def test_a_letter_recorded_for_the_wrong_resident_after_the_plan_was_final_is_withdrawn(
    engine,
):
    """While the council decides, the facilitator records a letter from the six
    weeks for the bakery, where the resident sent it. No one reacts or withdraws in
    the council's phase, but the letter came in during the views phase, which let
    the facilitator withdraw a reaction for someone: so it is withdrawn (not by the
    resident, whose reaction it is not), needs no answer, and is recorded again
    for the resident. The response report shows both."""
    do = the_omgevingsplan_final_on_day_42(engine)
    with clock.frozen_at(MOMENT + timedelta(days=43)):
        do("join_initiative", actor="facilitator", stakeholder="bakery",
           kind="entrepreneur")  # fmt: skip
        do("advance_phase", actor="facilitator")
    with clock.frozen_at(MOMENT + timedelta(days=50)):
        assert a_letter(do, 30, stakeholder="bakery") == 1
        with pytest.raises(NotAllowed) as by_the_resident:
            do("withdraw_reaction", actor="resident", plan="omgevingsplan", reaction=1)
        do("withdraw_reaction", actor="facilitator", plan="omgevingsplan", reaction=1)
        assert reactions_to_answer(engine, "planner") == []
        assert a_letter(do, 30) == 2
        assert reactions_to_answer(engine, "planner") == [("omgevingsplan", 1)]
    assert engine.initiative_status("harbour").phase == "council-decision"
    assert by_the_resident.value.rule == "a_stakeholder_withdraws_their_own_reaction"
    details = engine.plan_details("harbour", "omgevingsplan")
    assert [(r.number, r.withdrawn) for r in details.reactions] == [
        (1, True),
        (2, False),
    ]
    assert [(e.reaction, e.outcome) for e in engine.response_report("harbour")] == [
        (1, "withdrawn"),
        (2, "unanswered"),
    ]


def test_a_civil_servants_letter_from_while_society_decided_alone_is_refused_later(
    engine,
):
    """Society decides first: a civil servant's letter is refused while it does.
    Once the facilitator advanced to colleagues-join, a letter that came in while
    society still decided alone is refused too; one that came in since is not."""

    def do(use_case: str, **fields: object) -> object:
        return getattr(engine, use_case)({"initiative": "harbour", **fields})

    def letter(day: int) -> object:
        return do("react_to_plan", actor="facilitator", stakeholder="planner",
                  channel="letter", plan="plan", version=1, stance="concern",
                  text=f"Sent on day {day}.",
                  received_at=(MOMENT + timedelta(days=day)).isoformat())  # fmt: skip

    with clock.frozen_at(MOMENT):
        start(engine, "harbour")
        do("join_initiative", actor="facilitator", stakeholder="planner",
           kind="civil-servant")  # fmt: skip
        draft_a_plan(do)
    with clock.frozen_at(MOMENT + timedelta(days=2)):
        with pytest.raises(NotAllowed) as while_society_decides:
            letter(1)
        assert do("advance_phase", actor="facilitator") == "colleagues-join"
    with clock.frozen_at(MOMENT + timedelta(days=5)):
        with pytest.raises(NotAllowed) as from_then:
            letter(1)
        assert letter(3) == 1
    assert while_society_decides.value.rule == "society_decides_first"
    assert from_then.value.rule == (
        "a_civil_servants_reaction_came_in_after_society_decided"
    )
    assert "the phase society-decides, where society decides alone" in str(
        from_then.value
    )
    details = engine.plan_details("harbour", "plan")
    assert [r.given_at for r in details.reactions] == [MOMENT + timedelta(days=3)]


def test_a_letter_is_judged_by_the_template_in_force_when_it_came_in(engine, tmp_path):
    """The reactions phase of inspraak version 1 gives fourteen days; version 2,
    installed and migrated to on day 12, gives seven. A letter that came in on day
    10, on time under version 1, is found on day 20 and recorded: it is judged by
    the template in force when it came in, not by the one the initiative follows
    now. One that came in on day 13, under version 2, is late."""

    def versioned(version: str, days: int) -> ProcessTemplate:
        path = tmp_path / f"inspraak-v{version}.toml"
        text = INSPRAAK.format(version=version, second="Every reaction is answered.")
        text = text.replace(
            'description = "Everyone may react to the draft."',
            f'description = "Everyone may react to the draft."\n'
            f"reaction_period_days = {days}",
        )
        path.write_text(text, "utf-8")
        return load_template(path)

    def do(use_case: str, **fields: object) -> object:
        return getattr(engine, use_case)({"initiative": "harbour", **fields})

    def letter(day: int) -> object:
        return do("react_to_plan", actor="facilitator", stakeholder="resident",
                  channel="letter", plan="plan", version=1, stance="concern",
                  text=f"Sent on day {day}.",
                  received_at=(MOMENT + timedelta(days=day)).isoformat())  # fmt: skip

    with_templates(engine, versioned("1", 14))
    with clock.frozen_at(MOMENT):
        start(engine, "harbour", "inspraak")
        do("join_initiative", actor="facilitator", stakeholder="resident",
           kind="resident")  # fmt: skip
        draft_a_plan(do)
    with_templates(engine, versioned("1", 14), versioned("2", 7))
    with clock.frozen_at(MOMENT + timedelta(days=12)):
        do("migrate_template", actor="facilitator", template="inspraak@2")
    with clock.frozen_at(MOMENT + timedelta(days=20)):
        assert letter(10) == 1
        with pytest.raises(NotAllowed) as late:
            letter(13)
    assert late.value.rule == "a_late_reaction_is_refused"
    [reaction] = engine.plan_details("harbour", "plan").reactions
    assert reaction.given_at == MOMENT + timedelta(days=10)


def omgevingswet_3(response_report: str) -> ProcessTemplate:
    """A version 3 of the omgevingswet, after version 2: without its
    response-report phase (``dropped``), or with one where no civil servant
    answers views (``closed``)."""
    from dataclasses import replace  # noqa: PLC0415

    v2 = installed().get("omgevingswet", "2")
    phases = [
        p
        if p.name != "response-report"
        else replace(p, permissions={**p.permissions, "civil-servant": ()})
        for p in v2.phases
        if not (p.name == "response-report" and response_report == "dropped")
    ]
    return ProcessTemplate("omgevingswet", "3", v2.description, tuple(phases))


@pytest.mark.parametrize("response_report", ["dropped", "closed"])
def test_todo_asks_to_answer_a_letter_as_the_template_in_force_when_final_let(
    engine, response_report
):
    """The omgevingsplan was final on day 42 under version 2, whose
    response-report phase lets the planner answer views. While the council
    decides, the harbour migrates to a version 3 whose response-report phase is
    gone, or lets no civil servant answer. A letter from the six weeks turns up:
    the engine lets the planner answer it as the phase the plan was finalised in
    allowed, under the template in force then, and so the planner's and the
    facilitator's todo ask for its answer."""
    do = the_omgevingsplan_final_on_day_42(engine)
    with_templates(engine, omgevingswet_3(response_report))
    with clock.frozen_at(MOMENT + timedelta(days=50)):
        assert do("advance_phase", actor="facilitator") == "council-decision"
    with clock.frozen_at(MOMENT + timedelta(days=55)):
        do("migrate_template", actor="facilitator", template="omgevingswet@3")
    with clock.frozen_at(MOMENT + timedelta(days=60)):
        assert a_letter(do, 40) == 1
        asked = [reactions_to_answer(engine, who) for who in ("planner", "facilitator")]
        do("defend_position", actor="planner", plan="omgevingsplan", reactions=[1],
           reasoning="Too late for the final plan; the council hears of it.")  # fmt: skip
        answered = [
            reactions_to_answer(engine, who) for who in ("planner", "facilitator")
        ]
    assert asked == [[("omgevingsplan", 1)], [("omgevingsplan", 1)]]
    assert answered == [[], []]
