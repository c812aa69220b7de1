"""What an embedding program may hand the engine from Python: paths as text or as
path objects, and anything else refused as invalid input in one sentence, never a
raw Python error from inside the engine."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.application import Application

from samenspraak.application import (
    InvalidInput,
    NotFound,
    Samenspraak,
    StorageError,
    commands,
)
from samenspraak.application.story import StoryRecord
from samenspraak.domain import clock

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"


def test_paths_may_be_path_objects(story: Story, tmp_path: Path) -> None:
    app, _, db = story
    bundle = tmp_path / "city-centre.zip"
    exported = app.export_initiative(CITY, bundle)
    assert bundle.is_file()
    replayed = Samenspraak.replay(bundle, tmp_path / "copy.db")
    assert replayed.bundle_head == exported.head
    again = Samenspraak.open(db, create=False)
    try:
        assert again.initiative_status(CITY).initiative == CITY
    finally:
        again.close()


@pytest.mark.parametrize(
    ("call", "sentence"),
    [
        (lambda app: app.verify_audit(5), "head: a head is written POSITION:SHA256"),
        (lambda app: app.audit_log(CITY, event=5), "event: must be the name of an event"),
        (lambda app: app.export_initiative(CITY, 5), "path: must be a file path."),
        (lambda app: Samenspraak.replay(5, "x.db"), "bundle: must be a file path."),
        (lambda app: Samenspraak.open(5), "db: must be a file path."),
        (lambda app: app.process_diagram(123), "subject: must be an initiative or"),
        (lambda app: app.audit_log(CITY, since=5), "since: must be a moment with a"),
        (lambda app: app.initiative_status(CITY, as_of=1.5), "as_of: must be a moment"),
        (lambda app: app.initiative_status(CITY, as_of="0"), "as_of: must be a moment"),
        (lambda app: app.audit_log(CITY, until="1700000000"), "until: must be a moment"),
        (lambda app: Samenspraak.replay("x.zip", "x.db", head=5), "head: a head is"),
        (lambda app: Samenspraak.open("a\x00.db"), "db: must not contain the NUL"),
        (lambda app: Samenspraak.open("\ud800.db"), "db: is not a file name this"),
        (lambda app: app.export_initiative(CITY, "\x00"), "path: must not contain"),
        (lambda app: Samenspraak.open("x.db", create="no"), "create: must be true or"),
        (lambda app: app.erase_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "texts": "yes"}),
         "texts: must be true or false."),
        (lambda app: app.allocate_budget(
            {"actor": "facilitator", "initiative": CITY, "amount": 0.1 + 0.2,
             "purpose": "Benches", "decision": "budget-first-part"}),
         "amount: has more than two decimals; give whole cents, like 1250.50."),
        (lambda app: app.allocate_budget(
            {"actor": "facilitator", "initiative": CITY, "amount": Decimal("1E-50"),
             "purpose": "Benches", "decision": "budget-first-part"}),
         "amount: has more than two decimals; give whole cents, like 1250.50."),
        (lambda app: app.audit_log(CITY, event="\ud800" * 3),
         "event: must be the name of an event, like ReactionAdded."),
        (lambda app: app.react_to_plan(
            {"actor": "library", "initiative": CITY, "plan": "traffic-plan",
             "version": True, "stance": "support", "text": "Yes."}),
         "version: must be a whole number, not true or false."),
        (lambda app: app.hold_meeting(
            {"actor": "facilitator", "initiative": CITY, "kind": "walk-in",
             "starts_at": "2026-06-30T19:30+02:00", "place": "Town hall",
             "attendance": False, "summary": "Questions."}),
         "attendance: must be a whole number, not true or false."),
        (lambda app: app.put_decision_point(
            {"actor": "facilitator", "initiative": CITY, "decision": "benches",
             "question": "Benches?", "options": ["yes", "no"],
             "eligible": ["resident"], "rule": "majority"}),
         "options.0: must be an object with the fields key and label (options.1 is "
         "at fault too)."),
    ],
    ids=["head", "event", "export path", "bundle", "database", "diagram subject",
         "since", "as of", "as of a number as text", "until seconds since 1970",
         "a replay's head", "a NUL in a path", "a path no system can write",
         "a NUL in an export path", "create as text", "an erasure of texts as text",
         "a float with more than cents", "a decimal of 1E-50",
         "an event name that is no name", "a version as a flag",
         "an attendance as a flag", "an option as text"],
)  # fmt: skip
def test_a_value_of_the_wrong_type_is_invalid_input(
    story: Story, call: Any, sentence: str
) -> None:
    app, _, _ = story
    with pytest.raises(InvalidInput) as refused:
        call(app)
    assert str(refused.value).startswith(sentence)


def test_a_database_in_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(StorageError) as refused:
        Samenspraak.open(missing / "x.db")
    assert (
        str(refused.value) == f"There is no folder {missing} to keep the database in."
    )
    assert not missing.exists()


def test_a_closed_engine_says_so(tmp_path: Path) -> None:
    app = Samenspraak.open(tmp_path / "x.db")
    app.close()
    with pytest.raises(StorageError) as refused:
        app.register_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "name": "B"}
        )
    assert str(refused.value) == (
        "This instance of the engine was closed; open the record again."
    )


def test_the_audit_log_names_an_erased_stakeholder_as_the_status_does(
    story: Story,
) -> None:
    app, _, db = story
    bakery = next(e for e in app.audit_log(CITY) if e.actor == "bakery")
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM samenspraak_stakeholders WHERE ref = 'bakery'")
    [name] = [
        s.ref
        for s in app.initiative_status(CITY).stakeholders
        if s.ref.startswith("erased-")
    ]
    again = next(e for e in app.audit_log(CITY) if e.position == bakery.position)
    assert again.actor == name
    assert again.actor.startswith("erased-")
    # The name shown is the name to filter by.
    theirs = app.audit_log(CITY, actor=name)
    assert bakery.position in [e.position for e in theirs]
    assert {e.actor for e in theirs} == {name}


@pytest.mark.parametrize(
    "name",
    [
        "Bakery\nin the square",
        "Bakery\tsquare",
        "Bakery\u2028square",
        "Bakery\x85square",
    ],
)
def test_a_name_or_title_is_one_line(tmp_path: Path, name: str) -> None:
    app = Samenspraak.open(tmp_path / "lines.db")
    try:
        with pytest.raises(InvalidInput) as refused:
            app.register_stakeholder(
                {"actor": "bakery", "stakeholder": "bakery", "name": name}
            )
        assert str(refused.value) == (
            "name: must be one line, without line breaks or other control characters."
        )
        assert app.stored_event_count() == 0
        assert app.store.select_stakeholder(ref="bakery") is None
    finally:
        app.close()


@pytest.mark.parametrize(
    "name",
    ["\u200b", "\u200e\u200f", " \u2060 ", "\u00a0\u200b", "\u3164", "\u2800\ufe0f"],
)
def test_a_name_of_only_invisible_characters_is_empty(
    tmp_path: Path, name: str
) -> None:
    app = Samenspraak.open(tmp_path / "invisible.db")
    try:
        with pytest.raises(InvalidInput) as refused:
            app.register_stakeholder(
                {"actor": "bakery", "stakeholder": "bakery", "name": name}
            )
        assert str(refused.value) == (
            "name: must not be empty (it has only invisible characters)."
        )
        assert app.store.select_stakeholder(ref="bakery") is None
        app.register_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "name": f"Bakery{name}"}
        )
        assert app.store.select_stakeholder(ref="bakery") is not None
    finally:
        app.close()


def test_the_embedding_docs_name_every_public_method() -> None:
    page = (Path(__file__).parents[2] / "docs" / "embedding.md").read_text("utf-8")
    public = [
        name
        for name, member in vars(Samenspraak).items()
        if not name.startswith("_")
        and callable(member)
        and not isinstance(member, type)  # classes it offers, like TodoItem
        and not hasattr(Application, name)  # the library's own, like save
    ]
    assert [
        name for name in public if f"`{name}`" not in page and f"`{name}(" not in page
    ] == []


def test_the_rules_page_maps_every_command_model_to_its_method():
    page = (Path(__file__).parents[2] / "docs" / "rules.md").read_text("utf-8")
    table = page[page.index("## Commands and their Python methods") :]
    models = [
        name
        for name, member in vars(commands).items()
        if isinstance(member, type)
        and issubclass(member, commands.Command)
        and member is not commands.Command
    ]
    assert [m for m in models if f"| `{m}` |" not in table] == []


def test_the_rules_page_names_every_command_not_given_within_a_phase() -> None:
    # The rule on roles in a phase listed seven of them after eight more had
    # been added outside any phase.
    from samenspraak.application.templates import OUTSIDE_PHASES  # noqa: PLC0415

    page = (Path(__file__).parents[2] / "docs" / "rules.md").read_text("utf-8")
    table = page[page.index("## Commands and their Python methods") :]
    cli_names = {
        method: command
        for command, method in re.findall(
            r"^\| `([a-z -]+)` \| `(\w+)` \|", table, re.M
        )
    }
    [row] = [
        line
        for line in page.splitlines()
        if line.startswith("| `only_permitted_roles_act_in_a_phase` |")
    ]
    exempt = row[row.index("every command within a phase (not ") :]
    exempt = exempt[: exempt.index("which are not given within a phase")]
    assert sorted(re.findall(r"`([a-z -]+)`", exempt)) == sorted(
        cli_names[method] for method in OUTSIDE_PHASES
    )


MEETING = {
    "actor": "facilitator",
    "initiative": CITY,
    "kind": "walk-in",
    "place": "The library",
    "attendance": 12,
    "summary": "A walk-in afternoon.",
}


@pytest.mark.parametrize(
    ("starts_at", "sentence"),
    [
        (
            datetime(2026, 3, 1, 20, tzinfo=timezone(timedelta(seconds=4772))),
            "starts_at: needs a timezone offset in whole minutes, like +01:00.",
        ),
        ("1772395200", "starts_at: must be a moment with a timezone, like "),
        (Decimal(0), "starts_at: must be a moment with a timezone, like "),
    ],
    ids=["an offset with seconds", "seconds since 1970 as text", "a number"],
)
def test_a_moment_is_refused_unless_views_and_reports_can_write_it_back(
    story: Story, starts_at: Any, sentence: str
) -> None:
    app, _, _ = story
    before = app.stored_event_count()
    with pytest.raises(InvalidInput) as refused:
        app.hold_meeting({**MEETING, "starts_at": starts_at})
    assert str(refused.value).startswith(sentence)
    assert app.stored_event_count() == before


def test_a_command_model_made_without_its_checks_is_checked_when_given(
    story: Story,
) -> None:
    app, _, _ = story
    before = app.stored_event_count()
    checked = commands.HoldMeeting(**MEETING, starts_at="2026-03-01T20:00+01:00")
    for unchecked, sentence in [
        (
            checked.model_copy(update={"starts_at": datetime(1, 1, 1, tzinfo=UTC)}),
            "starts_at: must be a moment between the years 1900 and 2999.",
        ),
        (
            checked.model_copy(update={"place": "The\x00library"}),
            "place: must not contain the NUL character (\\x00).",
        ),
        (
            checked.model_copy(update={"attendance": "many"}),
            "attendance: must be a whole number, like 2.",
        ),
        (
            commands.RegisterStakeholder.model_construct(
                actor="facilitator", stakeholder="Not A Ref!", name="x"
            ),
            "stakeholder: must be a reference of lower-case letters, digits and "
            "dashes, like not-a-ref.",
        ),
    ]:
        given = (
            app.hold_meeting
            if isinstance(unchecked, commands.HoldMeeting)
            else app.register_stakeholder
        )
        with pytest.raises(InvalidInput) as refused:
            given(unchecked)
        assert str(refused.value) == sentence
    assert app.stored_event_count() == before
    assert app.store.select_stakeholder(ref="Not A Ref!") is None


def test_a_reaction_named_twice_in_an_answer_is_answered_and_recorded_once(
    story: Story,
) -> None:
    app, _, db = story
    app.create_plan({"actor": "bakery", "initiative": CITY, "plan": "benches",
                     "title": "Benches", "group": "steering-group"})  # fmt: skip
    app.propose_draft({"actor": "bakery", "initiative": CITY, "plan": "benches",
                       "text": "Benches on the square.", "changes": "First."})  # fmt: skip
    app.react_to_plan({"actor": "library", "initiative": CITY, "plan": "benches",
                       "version": 1, "stance": "support", "text": "Yes."})  # fmt: skip
    app.note_support({"actor": "bakery", "initiative": CITY, "plan": "benches",
                      "reactions": [1, 1]})  # fmt: skip
    with sqlite3.connect(db) as connection:
        state = connection.execute(
            "SELECT state FROM stored_events WHERE topic LIKE '%.SupportNoted' "
            "ORDER BY rowid DESC LIMIT 1"
        ).fetchone()[0]
    connection.close()
    assert b'"reactions":[1]' in state


def test_the_librarys_own_settings_are_given_to_open(tmp_path: Path) -> None:
    db = tmp_path / "cached.db"
    app = Samenspraak.open(db, settings={"AGGREGATE_CACHE_MAXSIZE": "16"})
    try:
        assert app.repository.cache is not None
        app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
    finally:
        app.close()
    assert db.is_file()  # the record is where db says, not in memory
    plain = Samenspraak.open(db)
    try:
        assert plain.repository.cache is None
        assert plain.store.select_stakeholder(ref="f") is not None
    finally:
        plain.close()
    for settings, said in (
        ({"SQLITE_DBNAME": ":memory:"}, "SQLITE_DBNAME is not one open takes"),
        ({"SAMENSPRAAK_POSTGRES_SCHEMA": "x"}, "POSTGRES_SCHEMA is not one open takes"),
        ({"CREATE_TABLE": "no"}, "CREATE_TABLE is not one open takes"),
        ({"COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor"}, "not one"),
        ({"CIPHER_KEY": "x"}, "where and how the record is stored is db's to say"),
        ({"ORIGINATOR_ID_TYPE": "text"}, "ORIGINATOR_ID_TYPE is not one open takes"),
        ({"AGGREGATE_CACHE_MAXSIZE": 16}, "must map the library's setting names"),
        (["AGGREGATE_CACHE_MAXSIZE"], "must map the library's setting names"),
    ):
        with pytest.raises(InvalidInput, match=said):
            Samenspraak.open(tmp_path / "never.db", settings=settings)  # type: ignore[arg-type]
    assert not (tmp_path / "never.db").exists()


def test_a_library_setting_with_a_value_the_library_cannot_read_is_refused_in_a_sentence(
    tmp_path: Path,
) -> None:
    for settings, said in (
        ({"AGGREGATE_CACHE_MAXSIZE": "lots"}, "AGGREGATE_CACHE_MAXSIZE must be a whole number of zero or more, like 16, not 'lots'"),
        ({"AGGREGATE_CACHE_MAXSIZE": "-1"}, "must be a whole number of zero or more"),
        ({"AGGREGATE_CACHE_FASTFORWARD": "maybe"}, "AGGREGATE_CACHE_FASTFORWARD must be y or n, not 'maybe'"),
        ({"POSTGRES_PRE_PING": ""}, "must be y or n, not ''"),
        ({"SQLITE_LOCK_TIMEOUT": "-1"}, "SQLITE_LOCK_TIMEOUT must be a whole number of seconds of zero or more, like 10, not '-1'"),
        ({"POSTGRES_CONN_MAX_AGE": "soon"}, "must be a number of seconds of zero or more"),
        ({"POSTGRES_CONNECT_TIMEOUT": "0"}, "must be a whole number of seconds of one or more"),
        ({"POSTGRES_POOL_SIZE": "-1"}, "must be a whole number of zero or more"),
        ({"POSTGRES_POOL_SIZE": "0", "POSTGRES_MAX_OVERFLOW": "0"}, "allows no connection"),
    ):  # fmt: skip
        with pytest.raises(InvalidInput, match=re.escape(said)):
            Samenspraak.open(tmp_path / "never.db", settings=settings)
    assert not (tmp_path / "never.db").exists()
    for settings in (
        {"AGGREGATE_CACHE_MAXSIZE": "0"},
        {"AGGREGATE_CACHE_FASTFORWARD": "N", "POSTGRES_CONN_MAX_AGE": "0.5"},
        {"POSTGRES_POOL_SIZE": "0"},  # the overflow still allows connections
    ):
        Samenspraak.open(tmp_path / "cached.db", settings=settings).close()


def test_an_in_memory_record_rebuilds_and_verifies_its_views() -> None:
    app = Samenspraak()  # in memory: no one else reads it while it is rebuilt
    try:
        app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
        app.start_initiative(
            {"actor": "f", "initiative": "city", "title": "City", "description": "D",
             "area": "A", "budget": "0", "level": "consulting"}
        )  # fmt: skip
        assert set(app.rebuild_projections().values()) == {1}
        assert app.verify_projections().intact
        assert app.initiative_status("city").facilitator == "f"
    finally:
        app.close()


@pytest.mark.parametrize(
    "given",
    [
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
        datetime(1850, 1, 1, tzinfo=UTC),
        datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(seconds=1172))),
        datetime(2026, 3, 1, 12, 0),  # no timezone
        "2026-03-01T12:00+01:00",
    ],
    ids=["year 10000 in UTC", "before 1900", "offset with seconds", "naive", "text"],
)
def test_a_clock_of_ones_own_that_gives_a_moment_no_command_takes_records_nothing(
    app: Samenspraak, given: object
) -> None:
    """A clock installed with set_clock is held to what frozen_at takes: an event
    stamped in the year 10000 in UTC would leave its initiative unreadable."""
    app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
    previous = clock.set_clock(lambda: given)  # type: ignore[arg-type,return-value]
    try:
        with pytest.raises(ValueError, match=r"^The clock must give timezone-aware"):
            app.start_initiative(
                {"actor": "f", "initiative": "city", "title": "City", "description": "D",
                 "area": "A", "budget": "0", "level": "consulting"}
            )  # fmt: skip
    finally:
        clock.set_clock(previous)
    assert app.stored_event_count() == 0
    assert app.list_initiatives() == []


def test_a_clock_that_is_not_a_function_is_refused_when_it_is_set(
    app: Samenspraak, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "_now", clock._now)  # put back, whatever happens
    with pytest.raises(ValueError, match=r"^A clock is a function that gives the "):
        clock.set_clock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))  # type: ignore[arg-type]
    app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
    app.start_initiative(
        {"actor": "f", "initiative": "city", "title": "City", "description": "D",
         "area": "A", "budget": "0", "level": "consulting"}
    )  # fmt: skip
    assert app.stored_event_count() == 1


def test_the_process_that_checks_the_texts_apart_runs_no_module_of_the_working_folder(
    story: tuple[Samenspraak, StoryRecord, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A backend's own module in the folder it runs in, named like one the check
    imports, is not imported by the second process (python -m puts that folder
    first on its path)."""
    from samenspraak.application import app as engine  # noqa: PLC0415

    app, _, _ = story
    backend = tmp_path / "backend"
    backend.mkdir()
    (backend / "decimal.py").write_text(
        "import pathlib\n"
        "pathlib.Path(__file__).with_name('ran').touch()\n"
        "raise ImportError('a decimal of the backend')\n",
        encoding="utf-8",
    )
    answered: list[bool] = []

    class Watched(engine._TextsApart):
        def result(self, within: float) -> Any:
            checked = super().result(within)
            answered.append(checked is not None)
            return checked

    monkeypatch.chdir(backend)
    monkeypatch.setattr(engine, "TEXTS_APART_FROM", 0)
    monkeypatch.setattr(engine, "_TextsApart", Watched)
    assert app.verify_audit().intact
    assert answered == [True]
    assert not (backend / "ran").exists()


def test_a_renderer_given_something_else_than_a_report_says_so() -> None:
    from samenspraak.application.report_render import (  # noqa: PLC0415
        render_html,
        render_json,
        render_markdown,
    )

    for render in (render_html, render_markdown, render_json):
        with pytest.raises(InvalidInput) as refused:
            render({"title": "not a report"})  # type: ignore[arg-type]
        assert str(refused.value) == (
            "report: give the ParticipationReport that participation_report() "
            "returns, not dict."
        )


def test_an_engine_opened_in_a_with_block_is_closed_at_its_end(tmp_path: Path) -> None:
    with Samenspraak.open(tmp_path / "city.db") as app:
        app.register_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "name": "The bakery"}
        )
    with pytest.raises(StorageError) as closed:
        app.register_stakeholder(
            {"actor": "library", "stakeholder": "library", "name": "The library"}
        )
    assert str(closed.value) == (
        "This instance of the engine was closed; open the record again."
    )


def test_a_refusal_reaches_another_worker_process_as_it_was_raised(
    story: Story, tmp_path: Path
) -> None:
    # A backend that runs commands in worker processes (a process pool, a task
    # queue) gets their refusals back pickled; frameworks copy them too.
    import copy  # noqa: PLC0415
    import pickle  # noqa: PLC0415

    from samenspraak.application import NotAllowed  # noqa: PLC0415
    from samenspraak.application.templates import (  # noqa: PLC0415
        TemplateError,
        load_template,
    )
    from samenspraak.application.turns import TurnNotFree  # noqa: PLC0415

    app, _, _ = story
    with pytest.raises(NotAllowed) as refused:
        app.advance_phase({"actor": "bakery", "initiative": CITY})
    broken = tmp_path / "broken.toml"
    broken.write_text("name = [", encoding="utf-8")
    with pytest.raises(TemplateError) as unreadable:
        load_template(broken)
    for raised in (refused.value, unreadable.value, TurnNotFree()):
        for arrived in (pickle.loads(pickle.dumps(raised)), copy.copy(raised)):
            assert type(arrived) is type(raised)
            assert str(arrived) == str(raised)
            assert vars(arrived) == vars(raised)
    assert refused.value.rule  # and it came with its rule


def test_a_template_named_at_great_length_is_refused_without_repeating_it(
    story: Story,
) -> None:
    # A template is named by at most 60 characters and its version by 20: a
    # longer name is not echoed back, whole, in the sentence an API returns.
    app, _, _ = story
    named = "omgevingswet@" + "1" * 100_000
    with pytest.raises(InvalidInput) as refused:
        app.migrate_template(
            {"actor": "facilitator", "initiative": CITY, "template": named}
        )
    assert str(refused.value) == "template: is too long (at most 81 characters)."
    for subject in (named, "Omgevingswet " * 10_000):
        with pytest.raises(NotFound) as unknown:
            app.process_diagram(subject)
        assert str(unknown.value).endswith(
            "characters) is neither an initiative nor a template; name a template "
            "as NAME or NAME@VERSION (like omgevingswet@1)."
        )
        assert len(str(unknown.value)) < 200


def test_a_sqlite_lock_timeout_of_zero_waits_as_long_as_one_not_given(
    tmp_path: Path,
) -> None:
    # The record's turn waits 10 seconds for a lock timeout of 0, as for none
    # given; SQLite's own wait for the file's lock did not (the library took 0
    # for its own default, 5 seconds).
    import threading  # noqa: PLC0415
    import time  # noqa: PLC0415

    db = tmp_path / "city.db"
    app = Samenspraak.open(db, settings={"SQLITE_LOCK_TIMEOUT": "0"})
    try:
        app.register_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "name": "The bakery"}
        )
        assert app.turns.wait == 10
        other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        later = threading.Timer(6.5, lambda: other.execute("ROLLBACK"))
        later.start()
        started = time.monotonic()
        app.register_stakeholder(
            {"actor": "library", "stakeholder": "library", "name": "The library"}
        )
        assert time.monotonic() - started > 6
        later.join()
        other.close()
    finally:
        app.close()
