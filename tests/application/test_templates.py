"""Process templates as TOML files: the built-ins, the pinned version 1, and broken
files that say which file, which place in it and what is wrong."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import InvalidInput, NotFound, Samenspraak
from samenspraak.application.templates import (
    ALL_COMMANDS,
    COMMANDS,
    OUTSIDE_PHASES,
    ROLES,
    TEMPLATES_VARIABLE,
    Registry,
    TemplateError,
    check_template_file,
    installed,
    load_template,
    parse_template,
)
from samenspraak.domain.templates import (
    DEFAULT_TEMPLATE,
    GUARDS,
    OVERHEIDSPARTICIPATIE,
    PERMITTED_WITH,
    Phase,
    ProcessTemplate,
    template,
)

V1_HASH = "58eef33623056c5f0940c0af2603431bc10abf7e04cafde1e4c8709c70817a73"
"""The content hash of overheidsparticipatie v1: every initiative started so far is
pinned to it, so it never changes."""

V1_CANONICAL = (
    '{"description":"Government participation: residents, entrepreneurs and '
    "institutions decide first; then municipal colleagues join; then the council; "
    'then implementation and evaluation.","name":"overheidsparticipatie","phases":'
    '[{"description":"Residents, entrepreneurs and institutions deliberate and '
    'decide.","name":"society-decides","society_only":true},{"description":'
    '"Municipal colleagues join the stakeholders.","name":"colleagues-join",'
    '"society_only":false},{"description":"The municipal council is informed and '
    'decides.","name":"council","society_only":false},{"description":"Stakeholders '
    'carry out the plan; the municipality follows.","name":"implementation",'
    '"society_only":false},{"description":"The process and its results are '
    'evaluated.","name":"evaluation","society_only":false}],"version":"1"}'
)


BUILT_IN_HASHES = {
    ("burgerbegroting", "1"): (
        "680ddea5fbe31898e913f7612bbdc1ddf979fae706eb8b953196df607feece79"
    ),
    ("burgerbegroting", "2"): (
        "2eb5f40933d27d4e896bfd50a1b1ffc7a0dcbb7554a40bb543202a0731822f27"
    ),
    ("omgevingswet", "1"): (
        "63b3a995d09b19866fd11a1fae57fc245b81522f3d654a303c78737ff8604ce8"
    ),
    ("omgevingswet", "2"): (
        "65d1a370df6ce46e244c0b447d59c2d7456dcc33192bb91d2d79c490fec95036"
    ),
    ("overheidsparticipatie", "1"): V1_HASH,
    ("overheidsparticipatie", "2"): (
        "6671f57825d4f5c8f4afa104f6a373102af1bdea22592f7d091a387c39b381c1"
    ),
    ("uitdaagrecht", "1"): (
        "acef9e935ad078cfd3bfb6eda149ea5f830d354345d2ca895c6490f617d69e32"
    ),
}
"""The content hash of every built-in template version. Initiatives are pinned to
these: a built-in version, once released, never changes (a change is a new
version)."""

ANSWER_PHASES = {
    "burgerbegroting": "feasibility-check",
    "omgevingswet": "response-report",
}
"""The phase of each template in which civil servants answer the reactions."""


def _canonical(process: ProcessTemplate) -> str:
    return json.dumps(
        process.definition(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


# --- Version 1 stays as it was --------------------------------------------------------


def test_version_1_keeps_its_definition_and_content_hash() -> None:
    assert _canonical(OVERHEIDSPARTICIPATIE) == V1_CANONICAL
    assert OVERHEIDSPARTICIPATIE.content_hash == V1_HASH
    assert installed().get("overheidsparticipatie", "1") is OVERHEIDSPARTICIPATIE


def test_new_initiatives_still_start_on_version_1_and_the_domain_resolves_it() -> None:
    assert DEFAULT_TEMPLATE is OVERHEIDSPARTICIPATIE
    assert template("overheidsparticipatie", "1").content_hash == V1_HASH


def test_version_1_written_as_a_toml_file_has_the_same_content_hash(
    tmp_path: Path,
) -> None:
    lines = [
        'name = "overheidsparticipatie"',
        'version = "1"',
        f"description = {json.dumps(OVERHEIDSPARTICIPATIE.description)}",
    ]
    for phase in OVERHEIDSPARTICIPATIE.phases:
        lines += [
            "[[phases]]",
            f"name = {json.dumps(phase.name)}",
            f"description = {json.dumps(phase.description)}",
            f"society_only = {str(phase.society_only).lower()}",
        ]
    path = tmp_path / "v1.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_template(path).content_hash == V1_HASH
    assert check_template_file(path) == OVERHEIDSPARTICIPATIE


def test_a_phase_with_declarations_is_still_hashable_and_compares_by_value() -> None:
    phase = Phase("p", "d", permissions={"resident": ("react_to_plan",)})
    assert phase == Phase("p", "d", permissions={"resident": ("react_to_plan",)})
    assert hash(phase) == hash(Phase("p", "d", permissions={}))


# --- The built-ins ---------------------------------------------------------------------


def test_the_installed_templates_are_the_seven_built_ins() -> None:
    assert [(t.name, t.version) for t in installed().all()] == [
        ("burgerbegroting", "1"),
        ("burgerbegroting", "2"),
        ("omgevingswet", "1"),
        ("omgevingswet", "2"),
        ("overheidsparticipatie", "1"),
        ("overheidsparticipatie", "2"),
        ("uitdaagrecht", "1"),
    ]


def test_a_folder_named_by_the_environment_is_installed_beside_the_built_ins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = OVERHEIDSPARTICIPATIE.definition()
    own.update(name="stadsdeel", version="3", description="A district's own process.")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "stadsdeel.toml").write_text(
        "\n".join(f"{k} = {json.dumps(v)}" for k, v in own.items() if k != "phases")
        + "\n"
        + "".join(
            "\n[[phases]]\n"
            + "".join(f"{k} = {json.dumps(v)}\n" for k, v in phase.items())
            for phase in own["phases"]
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv(TEMPLATES_VARIABLE, str(folder))
    process = installed().get("stadsdeel")
    assert process.version == "3"
    assert [p.name for p in process.phases] == [
        p.name for p in OVERHEIDSPARTICIPATIE.phases
    ]
    assert len(installed().all()) == len(BUILT_IN_HASHES) + 1
    app = Samenspraak.open(str(tmp_path / "t.db"))
    try:
        assert app.templates.get("stadsdeel", "3") == process
    finally:
        app.close()
    monkeypatch.delenv(TEMPLATES_VARIABLE)
    assert len(installed().all()) == len(BUILT_IN_HASHES)


def test_a_folder_of_templates_that_cannot_be_read_is_named_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()

    listed = Path.iterdir

    def denied(self: Path) -> Any:
        if self == folder:
            raise PermissionError(13, "Permission denied", str(self))
        return listed(self)

    monkeypatch.setenv(TEMPLATES_VARIABLE, str(folder))
    monkeypatch.setattr(Path, "iterdir", denied)
    with pytest.raises(TemplateError) as refused:
        installed()
    assert str(refused.value) == f"{folder}: cannot be read (permission denied)."


@pytest.mark.parametrize(
    "name",
    [
        "overheidsparticipatie-v2.toml",
        "omgevingswet-v1.toml",
        "omgevingswet-v2.toml",
        "burgerbegroting-v1.toml",
        "burgerbegroting-v2.toml",
    ],
)
def test_every_built_in_file_validates(name: str) -> None:
    import samenspraak.application  # noqa: PLC0415

    folder = Path(inspect.getfile(samenspraak.application)).parent
    path = folder / "builtin_templates" / name
    process = check_template_file(path)
    assert installed().get(process.name, process.version) == process
    for phase in process.phases:
        assert phase.permissions, phase.name
        assert set(phase.permissions) <= set(ROLES)
        assert set(phase.guards) <= set(GUARDS)


def test_version_2_has_the_phases_of_version_1_with_more_declared() -> None:
    v2 = installed().get("overheidsparticipatie")
    assert v2.version == "2"
    assert [(p.name, p.description, p.society_only) for p in v2.phases] == [
        (p.name, p.description, p.society_only) for p in OVERHEIDSPARTICIPATIE.phases
    ]
    assert v2.content_hash != V1_HASH
    first = v2.phase("society-decides")
    assert first.reaction_period_days == 28
    assert "no_open_decision_point" in first.guards
    assert first.permissions["civil-servant"] == ()
    assert "take_position" in first.permissions["resident"]
    assert "take_position" in v2.phase("colleagues-join").permissions["civil-servant"]
    assert "council_informed" in v2.phase("council").guards


def test_omgevingswet_has_a_six_week_period_for_views_and_a_response_report() -> None:
    process = installed().get("omgevingswet", "1")
    assert [p.name for p in process.phases] == [
        "announcement",
        "views",
        "response-report",
        "council-decision",
    ]
    assert process.phase("views").reaction_period_days == 42
    assert process.phase("views").guards == ("reaction_period_over",)
    assert "every_reaction_answered" in process.phase("response-report").guards
    assert "council_informed" in process.phase("council-decision").guards


def test_burgerbegroting_has_civil_servants_give_a_reason_for_not_feasible() -> None:
    process = installed().get("burgerbegroting")
    assert [p.name for p in process.phases] == [
        "proposals",
        "feasibility-check",
        "vote",
        "allocation",
        "implementation",
    ]
    check = process.phase("feasibility-check")
    assert "defend_position" in check.permissions["civil-servant"]
    assert "every_reaction_answered" in check.guards
    assert "take_position" in process.phase("vote").permissions["resident"]
    assert process.phase("allocation").permissions["facilitator"][0] == (
        "allocate_budget"
    )


def test_every_built_in_version_keeps_the_content_hash_it_was_released_with() -> None:
    assert {
        (t.name, t.version): t.content_hash for t in installed().all()
    } == BUILT_IN_HASHES


@pytest.mark.parametrize(("name", "phase"), ANSWER_PHASES.items())
def test_version_2_differs_from_1_only_in_who_brings_in_those_who_answer(
    name: str, phase: str
) -> None:
    v1, v2 = installed().get(name, "1"), installed().get(name, "2")
    assert installed().get(name) == v2

    def without_the_answer_phase_permissions(process: ProcessTemplate) -> object:
        definition = process.definition()
        del definition["version"]
        for each in definition["phases"]:
            if each["name"] == phase:
                del each["permissions"]
        return definition

    first, second = (without_the_answer_phase_permissions(p) for p in (v1, v2))
    assert first == second
    before, after = v1.phase(phase).permissions, v2.phase(phase).permissions
    assert set(before) == set(after) == {"civil-servant", "facilitator"}
    bringing_in = {"join_initiative", "form_group", "add_member", "remove_member"}
    assert set(after["facilitator"]) == set(before["facilitator"]) | bringing_in
    assert not bringing_in <= set(before["facilitator"])
    assert set(after["civil-servant"]) == set(before["civil-servant"]) | {
        "join_initiative"
    }


def test_the_commands_are_the_engines_public_command_methods() -> None:
    methods = [
        name
        for name, member in vars(Samenspraak).items()
        if inspect.isfunction(member)
        and not name.startswith("_")
        and "command" in inspect.signature(member).parameters
    ]
    assert list(ALL_COMMANDS) == methods
    assert set(COMMANDS) == set(methods) - set(OUTSIDE_PHASES) - set(PERMITTED_WITH)
    assert {"react_to_plan", "propose_draft", "take_position"} <= set(COMMANDS)
    assert {"put_decision_point", "inform_council", "advance_phase"} <= set(COMMANDS)


# --- The registry ----------------------------------------------------------------------


def test_the_registry_finds_the_latest_version_or_the_one_asked() -> None:
    registry = installed()
    assert registry.get("overheidsparticipatie").version == "2"
    assert registry.get("overheidsparticipatie", "1").content_hash == V1_HASH
    assert registry.versions("overheidsparticipatie") == ["1", "2"]


def test_an_unknown_template_or_version_is_not_found_with_what_is_there() -> None:
    with pytest.raises(NotFound, match="versions are 1, 2"):
        installed().get("overheidsparticipatie", "3")
    with pytest.raises(NotFound, match="installed are burgerbegroting, omgevingswet"):
        installed().get("inspraak")


def test_a_version_sorts_by_number_not_by_text() -> None:
    process = OVERHEIDSPARTICIPATIE
    versions = [
        ProcessTemplate(process.name, v, process.description, process.phases)
        for v in ("2", "10", "9.1")
    ]
    registry = Registry.of(versions)
    assert registry.versions(process.name) == ["2", "9.1", "10"]
    assert registry.get(process.name).version == "10"


def test_the_same_name_and_version_is_installed_once() -> None:
    with pytest.raises(ValueError, match="installed twice"):
        Registry.of([OVERHEIDSPARTICIPATIE, OVERHEIDSPARTICIPATIE])


def test_templates_set_to_anything_but_a_registry_are_refused_in_one_sentence(
    app: Samenspraak,
) -> None:
    for wrong in (None, [OVERHEIDSPARTICIPATIE], installed().templates):
        with pytest.raises(InvalidInput, match=r"^templates: must be a Registry "):
            app.templates = wrong  # type: ignore[assignment]
    assert app.templates == installed()


def test_a_changed_template_under_an_installed_version_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "changed.toml"
    path.write_text(
        'name = "overheidsparticipatie"\nversion = "1"\ndescription = "Changed."\n'
        '[[phases]]\nname = "all"\ndescription = "Everything at once."\n',
        encoding="utf-8",
    )
    assert load_template(path).version == "1"
    with pytest.raises(TemplateError) as refused:
        check_template_file(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: version: overheidsparticipatie version 1 ")
    assert "a changed template is a new version" in message


# --- Broken files ------------------------------------------------------------------------

HEAD = 'name = "inspraak"\nversion = "1"\ndescription = "A test process."\n'
PHASE = '[[phases]]\nname = "{name}"\ndescription = "A phase."\n'


def _phase(name: str = "one", extra: str = "") -> str:
    return PHASE.format(name=name) + extra


BROKEN = {
    "toml syntax": (
        HEAD + "[[phases]\nname = 'one'\n",
        "line 4, column 9",
        "not valid TOML: expected ']]' at the end of an array declaration",
    ),
    "missing name": (
        'version = "1"\ndescription = "d"\n' + _phase(),
        "name",
        "missing; every template has a name",
    ),
    "missing version": (
        'name = "inspraak"\ndescription = "d"\n' + _phase(),
        "version",
        "missing; every template has a version",
    ),
    "missing phase description": (
        HEAD + '[[phases]]\nname = "one"\n',
        "phases[0].description",
        "missing; every phase has a description",
    ),
    "no phases": (
        HEAD + "phases = []\n",
        "phases",
        "a template declares at least one phase; none are given",
    ),
    "duplicate phase names": (
        HEAD + _phase("one") + _phase("two") + _phase("one"),
        "phases[2].name",
        "phase name 'one' is already used by phases[0]",
    ),
    "unknown role": (
        HEAD + _phase() + "[phases.permissions]\nmayor = ['decide']\n",
        "phases[0].permissions.mayor",
        "unknown role 'mayor'; roles are the kinds of stakeholder: resident, ",
    ),
    "unknown command": (
        HEAD
        + _phase()
        + _phase("two", "[phases.permissions]\nresident = ['react_to_plan', 'vote']\n"),
        "phases[1].permissions.resident[1]",
        "unknown command 'vote'; commands are: join_initiative, ",
    ),
    "misspelt command": (
        HEAD + _phase() + "[phases.permissions]\nresident = ['react_to_plann']\n",
        "phases[0].permissions.resident[0]",
        "unknown command 'react_to_plann' (did you mean 'react_to_plan'?)",
    ),
    "command outside any phase": (
        HEAD + _phase() + "[phases.permissions]\nfacilitator = ['start_initiative']\n",
        "phases[0].permissions.facilitator[0]",
        "'start_initiative' starts the initiative, before its first phase",
    ),
    "a command permitted with another": (
        HEAD + _phase() + "[phases.permissions]\nfacilitator = ['correct_meeting']\n",
        "phases[0].permissions.facilitator[0]",
        "'correct_meeting' is permitted with 'hold_meeting', which a phase lists "
        "instead",
    ),
    "a command listed twice": (
        HEAD + _phase() + "[phases.permissions]\nresident = ['decide', 'decide']\n",
        "phases[0].permissions.resident[1]",
        "'decide' is listed twice for resident",
    ),
    "civil servants in a society-only phase": (
        HEAD
        + _phase(
            extra="society_only = true\n[phases.permissions]\n"
            "civil-servant = ['react_to_plan']\n"
        ),
        "phases[0].permissions.civil-servant",
        "a society-only phase gives civil servants no commands",
    ),
    "unknown guard": (
        HEAD
        + _phase()
        + _phase("two", "guards = ['every_reaction_answered', 'all_done']\n"),
        "phases[1].guards[1]",
        "unknown guard 'all_done'; known guards: no_open_decision_point, ",
    ),
    "a guard that needs a period": (
        HEAD + _phase(extra="guards = ['reaction_period_over']\n"),
        "phases[0].guards[0]",
        "guard 'reaction_period_over' needs a reaction period",
    ),
    "a council guard the facilitator cannot meet": (
        HEAD
        + _phase(
            extra="guards = ['council_informed']\n[phases.permissions]\n"
            "facilitator = ['advance_phase']\n"
        ),
        "phases[0].guards[0]",
        "guard 'council_informed' asks for an informing in this phase: give the "
        "facilitator inform_council in its permissions",
    ),
    "negative duration": (
        HEAD + _phase(extra="reaction_period_days = -14\n"),
        "phases[0].reaction_period_days",
        "must be at least 1 (days), not -14",
    ),
    "duration as text": (
        HEAD + _phase(extra="reaction_period_days = '6 weeks'\n"),
        "phases[0].reaction_period_days",
        "must be a whole number, not text",
    ),
    "unknown field in the template": (
        HEAD + "colour = 'blue'\n" + _phase(),
        "colour",
        "unknown field 'colour'; a template has the fields name, version, ",
    ),
    "unknown field in a phase": (
        HEAD + _phase(extra="duration = 14\n"),
        "phases[0].duration",
        "unknown field 'duration'; a phase has the fields name, description, ",
    ),
    "flag as text": (
        HEAD + _phase(extra="society_only = 'yes'\n"),
        "phases[0].society_only",
        "must be true or false, not text",
    ),
    "a version that is not a number": (
        'name = "inspraak"\nversion = "two"\ndescription = "d"\n' + _phase(),
        "version",
        'must be a version number such as "2" or "2.1" (without leading zeros), '
        "not 'two'",
    ),
    "a name with capitals": (
        'name = "Inspraak"\nversion = "1"\ndescription = "d"\n' + _phase(),
        "name",
        "must be lower-case letters, digits and dashes",
    ),
}


@pytest.mark.parametrize(
    ("content", "place", "problem"), BROKEN.values(), ids=list(BROKEN)
)
def test_a_broken_file_names_the_file_the_place_and_the_problem(
    tmp_path: Path, content: str, place: str, problem: str
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        load_template(path)
    error = refused.value
    assert isinstance(error, InvalidInput)
    assert (error.file, error.place) == (str(path), place)
    assert error.problem.startswith(problem), error.problem
    message = str(error)
    assert message.startswith(f"{path}: {place}: {problem}")
    assert message.endswith(".")
    assert "\n" not in message


def test_more_problems_are_counted_after_the_first() -> None:
    with pytest.raises(TemplateError) as refused:
        parse_template(HEAD + "colour = 1\nphases = []\n", "two.toml")
    assert str(refused.value) == (
        "two.toml: phases: a template declares at least one phase; none are given "
        "(and 1 more problem)."
    )


def test_a_version_given_as_a_number_is_read_as_text() -> None:
    process = parse_template(HEAD.replace('"1"', "3") + _phase(), "three.toml")
    assert process.version == "3"


def test_a_file_that_cannot_be_read_or_is_not_utf8_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(TemplateError, match=r"missing\.toml: cannot be read: no such"):
        load_template(missing)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(TemplateError) as refused:
        load_template(latin)
    assert str(refused.value) == f"{latin}: byte 11: the file is not UTF-8 text."


def test_a_syntax_error_at_the_end_of_the_file_says_so() -> None:
    with pytest.raises(TemplateError) as refused:
        parse_template(HEAD + "guards = ", "end.toml")
    assert str(refused.value).startswith("end.toml: end of file: not valid TOML: ")


def test_where_anyone_may_react_the_facilitator_may_set_the_reaction_period() -> None:
    for process in installed().all():
        for phase in process.phases:
            reacting = any(
                "react_to_plan" in commands for commands in phase.permissions.values()
            )
            if reacting:
                assert "open_reaction_period" in phase.permissions.get(
                    "facilitator", ()
                ), (process.name, phase.name)


# --- The docs say what the engine does ---------------------------------------------

DOCS = Path(__file__).parents[2] / "docs" / "templates.md"


def test_the_docs_name_every_command_a_template_may_list() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("**Commands**")[1].split("**Guards**")[0]
    assert set(re.findall(r"`([a-z_]+)`", section)) == set(ALL_COMMANDS)


def test_the_docs_example_template_is_valid() -> None:
    text = DOCS.read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", text, re.DOTALL)
    assert example is not None
    process = parse_template(example[1].encode(), "the example in templates.md")
    assert [p.name for p in process.phases] == ["reactions", "response-report"]
    assert "join_initiative" in process.phases[0].permissions["facilitator"]


def test_every_command_a_phase_may_permit_has_words_for_its_refusal():
    from samenspraak.application.templates import COMMANDS  # noqa: PLC0415
    from samenspraak.domain.templates import COMMAND_PHRASES  # noqa: PLC0415

    assert sorted(COMMAND_PHRASES) == sorted(COMMANDS)


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (
            HEAD + "z = " + "[" * 100_000 + "]" * 100_000 + "\n",
            "deep.toml: not valid TOML: it is nested too deeply.",
        ),
        (
            HEAD + "z = " + "{a=" * 100_000 + "1" + "}" * 100_000 + "\n",
            "deep.toml: not valid TOML: it is nested too deeply.",
        ),
        (
            HEAD.replace('"1"', '"' + "9" * 5000 + '"') + _phase(),
            "deep.toml: version: is too long (at most 20 characters).",
        ),
    ],
    ids=["arrays", "inline tables", "a version of 5000 digits"],
)
def test_a_file_beyond_reason_is_refused_in_one_sentence(
    content: str, sentence: str
) -> None:
    with pytest.raises(TemplateError) as refused:
        parse_template(content, "deep.toml")
    assert str(refused.value) == sentence


def test_a_file_too_long_for_a_template_is_not_read_whole(tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    with huge.open("w") as out:
        out.write(HEAD + _phase())
        out.write(("#" + "x" * 1023 + "\n") * 1024)
    with pytest.raises(TemplateError) as refused:
        load_template(huge)
    assert str(refused.value) == (
        f"{huge}: is too long (a template file holds at most 262144 bytes)."
    )


def test_a_file_saved_with_a_byte_order_mark_is_read_as_without_one(
    tmp_path: Path,
) -> None:
    # Some editors on Windows start UTF-8 text with a byte order mark; TOML
    # itself would call the first line an invalid statement.
    plain = parse_template(HEAD + _phase(), "plain.toml")
    marked = tmp_path / "marked.toml"
    marked.write_bytes(b"\xef\xbb\xbf" + (HEAD + _phase()).encode("utf-8"))
    assert load_template(marked).content_hash == plain.content_hash
