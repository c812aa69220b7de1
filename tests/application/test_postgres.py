"""The same engine on PostgreSQL: the story plays, and texts stay out of the events."""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from samenspraak.application import NotFound, Samenspraak, StorageError
from samenspraak.application.story import play
from samenspraak.projections.views import AuditTrailLogic, ProcessStateLogic

ThreadedReactions = Callable[[Samenspraak], list[str]]

SERVER = "postgresql://postgres@127.0.0.1:5432/test"
GAVE_UP = (
    "Others changed the same record at the same moment; gave up after 8 tries. "
    "Please try again."
)


SELECT_ONLY = (
    "GRANT USAGE ON SCHEMA {schema} TO {role}",
    "GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}",
)
"""An auditor's rights: reading the record's tables."""

USE_THE_TABLES = (
    "GRANT USAGE ON SCHEMA {schema} TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
)
"""An application's rights: using the record's tables, not creating any."""


def _a_role(schema: str, kind: str, grants: tuple[str, ...] = ()) -> str:
    """A login role of its own with these grants on ``schema``."""
    import psycopg  # noqa: PLC0415

    role = f"samenspraak_{kind}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f"CREATE ROLE {role} LOGIN")
        for grant in grants:
            connection.execute(grant.format(role=role, schema=schema))
    return role


def _as(role: str, schema: str) -> str:
    """Where to open ``schema`` as ``role``."""
    return f"postgresql://{role}@127.0.0.1:5432/test?schema={schema}"


def _drop_role(role: str) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f"DROP OWNED BY {role}")
        connection.execute(f"DROP ROLE {role}")


def test_the_story_plays_on_postgresql_through_the_same_code_path(schema: str) -> None:
    import psycopg  # noqa: PLC0415

    app = Samenspraak.open(f"{SERVER}?schema={schema}")
    try:
        record = play(app, say=lambda line: None)
        status = app.initiative_status("city-centre")
        assert status.phase == "council"
        assert [p.final_version for p in status.plans] == [2, 2]
        assert app.plan_details("city-centre", "traffic-plan").unanswered == []
        counts = app.store.count_rows()
        assert counts[app.store.events_table] == app.stored_event_count() == 70
    finally:
        app.close()
    with psycopg.connect(SERVER) as connection:
        rows = connection.execute(
            f"SELECT topic, state FROM {schema}.samenspraak_events"
        ).fetchall()
    assert all(topic.startswith("samenspraak.domain.") for topic, _ in rows)
    everything = b"".join(bytes(state) for _, state in rows)
    assert [t for t in record.texts if t.encode() in everything] == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql://nobody-here@127.0.0.1:5432/test", 'role "nobody-here" does not exist'),
        ("postgresql://postgres@127.0.0.1:5432/no_such_db", 'database "no_such_db" does not exist'),
        # A socket's folder, percent-encoded as libpq reads it: it was taken as a
        # host's name, and then as no such file.
        ("postgresql://postgres@%2Fno%2Fsuch%2Ffolder:5432/test", "no PostgreSQL answers "
         "on the socket /no/such/folder/.s.PGSQL.5432 (no such file or directory)"),
    ],
    ids=["unknown user", "missing database", "no socket in the folder"],
)  # fmt: skip
def test_a_wrong_user_or_database_is_said_in_words_at_once(
    schema: str, url: str, reason: str
) -> None:
    with pytest.raises(StorageError) as refused:
        Samenspraak.open(url)
    assert str(refused.value) == f"The database cannot be opened: {reason}."


def test_processes_that_open_an_empty_schema_at_once_all_succeed(schema: str) -> None:
    import psycopg  # noqa: PLC0415

    url = f"{SERVER}?schema={schema}"
    errors: list[BaseException] = []

    def open_and_close() -> None:
        try:
            Samenspraak.open(url).close()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=open_and_close) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with psycopg.connect(SERVER) as connection:
        found = connection.execute(
            "SELECT to_regclass(%s)", [f"{schema}.samenspraak_events"]
        ).fetchone()
    assert found is not None
    assert found[0] is not None
    # Now that it holds a record (empty, but its tables are there), it opens to read.
    Samenspraak.open(url, create=False).close()


def test_reading_an_empty_schema_finds_no_record_and_creates_nothing(
    schema: str,
) -> None:
    import psycopg  # noqa: PLC0415

    with pytest.raises(NotFound) as refused:
        Samenspraak.open(f"{SERVER}?schema={schema}", create=False)
    assert str(refused.value) == (
        f"There is no samenspraak record in schema {schema} of test; commands that "
        "record something create it."
    )
    with psycopg.connect(SERVER) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
            [schema],
        ).fetchone()
    assert tables == (0,)


@pytest.mark.parametrize("create", [True, False], ids=["recording", "reading"])
def test_a_schema_that_does_not_exist_is_named_with_how_to_make_it(
    schema: str, create: bool
) -> None:
    missing = f"{schema}_not_made"
    with pytest.raises(StorageError) as refused:
        Samenspraak.open(f"{SERVER}?schema={missing}", create=create)
    assert str(refused.value) == (
        f"There is no schema {missing} in test; samenspraak creates its tables, not "
        f"schemas: create it first (CREATE SCHEMA {missing};)."
    )


@pytest.mark.parametrize("word", ["select", "user", "left", "int"])
def test_a_schema_named_by_a_keyword_of_sql_is_refused_in_one_sentence(
    schema: str, word: str
) -> None:
    """The event-sourcing library writes the schema's name into SQL unquoted: a
    schema named ``select`` (which exists, made with ``CREATE SCHEMA "select"``)
    ended in PostgreSQL's syntax error, over several lines."""
    import psycopg  # noqa: PLC0415

    del schema  # (PostgreSQL is reachable)
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{word}"')
    try:
        for create in (True, False):
            with pytest.raises(StorageError) as refused:
                Samenspraak.open(f"{SERVER}?schema={word}", create=create)
            assert str(refused.value) == (
                f"{word} is a keyword of SQL, which samenspraak cannot use as a "
                "schema's name; keep the record in a schema named otherwise."
            )
        with psycopg.connect(SERVER, autocommit=True) as connection:
            made = connection.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = %s",
                [word],
            ).fetchone()
        assert made == (0,)
    finally:
        with psycopg.connect(SERVER, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{word}" CASCADE')


def test_the_cli_plays_the_demo_and_ticks_on_postgresql(schema: str) -> None:
    from click.testing import CliRunner  # noqa: PLC0415

    from samenspraak.cli.main import cli  # noqa: PLC0415

    url = f"{SERVER}?schema={schema}"
    runner = CliRunner(env={"SAMENSPRAAK_DB": None, "SAMENSPRAAK_ACTOR": None})
    demo = runner.invoke(cli, ["--db", url, "demo"])
    assert demo.exit_code == 0, demo.output
    ticked = runner.invoke(cli, ["--db", url, "tick"])
    assert ticked.exit_code == 0, ticked.output
    assert ticked.stdout.strip() == "Nothing was due."
    again = runner.invoke(cli, ["--db", url, "demo"])
    assert again.exit_code == 1
    assert again.stderr.startswith(f"Error: {url} already holds a record;")


def test_erasure_works_on_postgresql(schema: str) -> None:
    app = Samenspraak.open(f"{SERVER}?schema={schema}")
    try:
        play(app, say=lambda line: None)
        head = app.audit_head()
        erasure = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "bakery", "texts": True}
        )
        assert erasure.texts > 0
        refs = {s.ref for s in app.initiative_status("city-centre").stakeholders}
        assert erasure.now_named in refs
        assert "bakery" not in refs
        assert app.verify_audit(head).intact
    finally:
        app.close()


def test_a_changed_directory_is_found_on_postgresql(schema: str) -> None:
    import psycopg  # noqa: PLC0415

    app = Samenspraak.open(f"{SERVER}?schema={schema}")
    try:
        play(app, say=lambda line: None)
        assert app.verify_audit().intact
        with psycopg.connect(SERVER, autocommit=True) as connection:
            connection.execute(
                f"UPDATE {schema}.samenspraak_stakeholders SET name = 'Someone else' "
                "WHERE ref = 'bakery'"
            )
        check = app.verify_audit()
        assert not check.intact
        assert check.first_bad_position is not None
        assert check.first_bad_position > 0
        assert check.problem == (
            "The directory gives bakery another reference or name than the identity "
            "the events commit to."
        )
    finally:
        app.close()


def test_a_changed_text_is_found_on_postgresql(schema: str) -> None:
    import psycopg  # noqa: PLC0415

    import samenspraak.application.app as engine  # noqa: PLC0415

    app = Samenspraak.open(f"{SERVER}?schema={schema}")
    try:
        play(app, say=lambda line: None)
        intact = app.verify_audit()
        assert intact.intact
        assert (
            "the texts kept match the commitments the events hold (58 references"
            in (intact.proves)
        )
        assert intact.texts_checked == 58
        with psycopg.connect(SERVER, autocommit=True) as connection:
            text_id = connection.execute(
                f"UPDATE {schema}.samenspraak_texts SET body = 'Something else' "
                f"WHERE id = (SELECT min(id) FROM {schema}.samenspraak_texts "
                "WHERE purpose = 'reaction') RETURNING id"
            ).fetchone()
        assert text_id is not None
        check = app.verify_audit(initiative="city-centre")
        assert not check.intact
        assert check.problem is not None
        assert check.problem.startswith(f"The text {text_id[0]} (reaction) that the ")
        assert check.problem.endswith(
            "no longer matches the commitment the event holds."
        )
        # A large log's texts are checked by another process, which opens the
        # same schema: the same verdict.
        in_one_pass = app.verify_audit()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(engine, "TEXTS_APART_FROM", 0)
            apart = app.verify_audit()
        assert not in_one_pass.intact
        assert (apart.first_bad_position, apart.problem) == (
            in_one_pass.first_bad_position,
            in_one_pass.problem,
        )
    finally:
        app.close()


def test_threads_sharing_one_instance_keep_the_audit_chain_whole(
    schema: str, react_from_threads: ThreadedReactions
) -> None:
    app = Samenspraak.open(f"{SERVER}?schema={schema}")
    try:
        play(app, say=lambda line: None)
        refused = react_from_threads(app)
        # Under heavy load a command may collide eight times and say so; nothing
        # else goes wrong, and every other reaction is recorded.
        assert set(refused) <= {GAVE_UP}
        assert len(refused) < 40  # most are recorded, even under load
        reactions = app.plan_details("city-centre", "benches").reactions
        assert len(reactions) == 80 - len(refused)
        assert app.verify_audit().intact
    finally:
        app.close()


def test_a_schema_in_the_environment_does_not_move_the_tables(
    schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backend built on the same event-sourcing library may have POSTGRES_SCHEMA
    set; a URL without ?schema= still means public. Tried in a database of its own,
    so that public is empty before."""
    import psycopg  # noqa: PLC0415

    database = f"samenspraak_env_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {database}")
    try:
        with psycopg.connect(SERVER.replace("/test", f"/{database}"),
                             autocommit=True) as connection:  # fmt: skip
            connection.execute(f"CREATE SCHEMA {schema}")
        monkeypatch.setenv("POSTGRES_SCHEMA", schema)
        app = Samenspraak.open(SERVER.replace("/test", f"/{database}"))
        try:
            app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
        finally:
            app.close()
        with psycopg.connect(SERVER.replace("/test", f"/{database}")) as connection:
            found = connection.execute(
                "SELECT table_schema, count(*) FROM information_schema.tables "
                "WHERE table_name LIKE 'samenspraak_%' GROUP BY table_schema"
            ).fetchall()
        assert [schema for schema, _ in found] == ["public"]
    finally:
        with psycopg.connect(SERVER, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE {database} WITH (FORCE)")


def test_a_closed_engine_on_postgresql_says_so(schema: str) -> None:
    app = Samenspraak.open(f"{SERVER}?schema={schema}")
    app.close()
    with pytest.raises(StorageError) as refused:
        app.initiative_status("city-centre")
    assert str(refused.value) == (
        "This instance of the engine was closed; open the record again."
    )


def test_a_connection_the_engine_records_through_prepares_no_statements_on_the_server(
    schema: str,
) -> None:
    """Under many writers, with commands refused inside the library's pipelined
    writes, the driver's record of the statements it had prepared fell out of
    step with the server ("prepared statement ... does not exist"). With one
    connection in the pool, opened to prepare statements (as the pool opens its
    first ones, before the engine is built), recording a command makes it
    prepare none; a connection opened later prepares none from the start."""
    app = Samenspraak.open(
        f"{SERVER}?schema={schema}",
        settings={"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0"},
    )
    try:
        pool = app.recorder.datastore.pool
        conn = pool.getconn()
        conn.prepare_threshold = 5
        pool.putconn(conn)
        app.register_stakeholder({"actor": "fac", "stakeholder": "fac", "name": "F"})
        app.start_initiative(
            {"actor": "fac", "initiative": "park", "title": "The park",
             "description": "What the park needs.", "area": "The park",
             "budget": "0", "level": "co-deciding"}
        )  # fmt: skip
        conn = pool.getconn()
        try:
            assert conn.prepare_threshold is None
        finally:
            pool.putconn(conn)
        assert pool.kwargs["prepare_threshold"] is None
    finally:
        app.close()


def test_a_user_without_rights_on_the_schema_is_told_so_in_words(schema: str) -> None:

    app = Samenspraak.open(f"{SERVER}?schema={schema}")
    app.close()
    role = _a_role(schema, "limited")
    try:
        url = _as(role, schema)
        for create in (False, True):
            with pytest.raises(StorageError) as refused:
                Samenspraak.open(url, create=create)
            assert str(refused.value).startswith(
                "The database cannot be opened: permission denied for schema "
            ), str(refused.value)
    finally:
        _drop_role(role)


def test_a_user_who_may_only_use_the_tables_reads_and_records(schema: str) -> None:
    """A municipality that keeps creating tables for its migration role: once the
    record exists, a role with only SELECT, INSERT, UPDATE and DELETE (and its
    sequences) opens it, reads it and records commands."""

    owner = Samenspraak.open(f"{SERVER}?schema={schema}")
    try:
        play(owner, say=lambda line: None)
    finally:
        owner.close()
    # CREATE on the schema (as public grants everyone on PostgreSQL 14 and older)
    # is not ownership of the tables: it must not make opening try to change them.
    role = _a_role(
        schema,
        "app",
        ("GRANT USAGE, CREATE ON SCHEMA {schema} TO {role}", *USE_THE_TABLES[1:]),
    )
    try:
        app = Samenspraak.open(_as(role, schema), create=False)
        try:
            assert app.initiative_status("city-centre").phase == "council"
            app.create_plan({"actor": "bakery", "initiative": "city-centre",
                             "plan": "benches", "title": "Benches",
                             "group": "steering-group"})  # fmt: skip
            assert app.plan_details("city-centre", "benches").versions == []
            assert app.verify_audit().intact
        finally:
            app.close()
    finally:
        _drop_role(role)


def test_a_user_who_may_only_select_reads_while_the_views_are_up_to_date(
    schema: str,
) -> None:
    """An auditor's role with SELECT only: it reads and verifies the record while
    the views are up to date, and is told in words what it lacks once they are
    not (catching them up writes)."""

    url = f"{SERVER}?schema={schema}"
    owner = Samenspraak.open(url)
    try:
        play(owner, say=lambda line: None)
        owner.catch_up()  # the views up to date, as a record handed over is
    finally:
        owner.close()
    role = _a_role(schema, "audit", SELECT_ONLY)
    try:
        auditor = Samenspraak.open(_as(role, schema), create=False)
        try:
            assert auditor.initiative_status("city-centre").phase == "council"
            assert auditor.verify_audit().intact
            owner = Samenspraak.open(url)
            try:
                owner.register_stakeholder(
                    {"actor": "cafe", "stakeholder": "cafe", "name": "The cafe"}
                )
                owner.join_initiative(
                    {"actor": "cafe", "initiative": "city-centre",
                     "stakeholder": "cafe", "kind": "entrepreneur"}
                )  # fmt: skip
            finally:
                owner.close()
            with pytest.raises(StorageError) as refused:
                auditor.initiative_status("city-centre")
        finally:
            auditor.close()
        assert str(refused.value).startswith(
            "This database user lacks a right it needs (permission denied for table "
        )
        assert "samenspraak projections catch-up" in str(refused.value)
    finally:
        _drop_role(role)


def test_a_user_who_may_create_tables_gets_every_table_and_index_on_opening(
    schema: str,
) -> None:
    """An upgrade may add an index or a table: opening as a user who may create
    them makes sure they all exist, even when the record has its tables."""
    import psycopg  # noqa: PLC0415

    Samenspraak.open(f"{SERVER}?schema={schema}").close()
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f"DROP INDEX {schema}.view_audit_trail_by_initiative")
    Samenspraak.open(f"{SERVER}?schema={schema}", create=False).close()
    with psycopg.connect(SERVER) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_indexes WHERE schemaname = %s "
            "AND indexname = 'view_audit_trail_by_initiative'",
            [schema],
        ).fetchone()
    assert found is not None


def test_a_correction_works_on_postgresql(schema: str) -> None:
    app = Samenspraak.open(f"{SERVER}?schema={schema}")
    try:
        play(app, say=lambda line: None)
        head = app.audit_head()
        correction = app.correct_stakeholder(
            {"actor": "facilitator", "stakeholder": "bakery",
             "name": "The bakery on the Grote Markt", "contact": "bakker@example.org"}
        )  # fmt: skip
        assert correction.initiatives == ["city-centre"]
        names = {
            s.ref: s.name for s in app.initiative_status("city-centre").stakeholders
        }
        assert names["bakery"] == "The bakery on the Grote Markt"
        assert app.verify_audit(head).intact
        assert app.verify_audit(initiative="city-centre").intact
        app.correct_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "contact": "06 12345678"}
        )
        assert app.stored_event_count() == head.position + 1
        app.erase_stakeholder({"actor": "bakery", "stakeholder": "bakery"})
        assert app.verify_audit(head).intact
    finally:
        app.close()


def test_the_report_lists_corrections_and_erasures_on_postgresql(schema: str) -> None:
    app = Samenspraak.open(f"{SERVER}?schema={schema}")
    try:
        play(app, say=lambda line: None)
        app.correct_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery",
             "name": "The bakery on the Grote Markt"}
        )  # fmt: skip
        erasure = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "resident-kerkstraat"}
        )
        report = app.participation_report("city-centre")
        assert [
            (q.request, q.stakeholder, q.asked_by) for q in report.personal_data
        ] == [
            ("correction", "bakery", "bakery"),
            ("erasure", erasure.now_named, "facilitator"),
        ]
        assert app.verify_projections().intact
    finally:
        app.close()


def test_a_join_that_read_the_name_before_a_correction_is_run_again_on_postgresql(
    schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"{SERVER}?schema={schema}"
    app, other = Samenspraak.open(url), Samenspraak.open(url)
    try:
        play(app, say=lambda line: None)
        app.register_stakeholder(
            {"actor": "facilitator", "stakeholder": "baker", "name": "Baker"}
        )
        read_the_name = Samenspraak._identity
        corrected: list[bool] = []

        def correct_meanwhile(self: Samenspraak, *args: object) -> object:
            sealed = read_the_name(self, *args)  # type: ignore[arg-type]
            if not corrected:
                corrected.append(True)
                other.correct_stakeholder(
                    {"actor": "baker", "stakeholder": "baker", "name": "The baker"}
                )
            return sealed

        monkeypatch.setattr(Samenspraak, "_identity", correct_meanwhile)
        app.join_initiative(
            {"actor": "baker", "initiative": "city-centre", "stakeholder": "baker",
             "kind": "entrepreneur"}
        )  # fmt: skip
        monkeypatch.undo()
        assert corrected == [True]
        checked = app.verify_audit(initiative="city-centre")
        assert checked.intact, checked.problem
        assert app.verify_audit().intact
    finally:
        app.close()
        other.close()


def test_a_correction_that_missed_a_join_meanwhile_is_run_again_on_postgresql(
    schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"{SERVER}?schema={schema}"
    app, other = Samenspraak.open(url), Samenspraak.open(url)
    try:
        play(app, say=lambda line: None)
        app.register_stakeholder(
            {"actor": "facilitator", "stakeholder": "harbour-facilitator",
             "name": "The facilitator of the harbour"}
        )  # fmt: skip
        app.start_initiative(
            {"actor": "harbour-facilitator", "initiative": "harbour",
             "title": "The harbour", "description": "The quay.",
             "area": "The harbour", "budget": "0", "level": "consulting"}
        )  # fmt: skip
        correct_in = Samenspraak._correct_in
        joined: list[bool] = []

        def join_meanwhile(self: Samenspraak, *args: Any, **kwargs: Any) -> Any:
            if not joined:
                joined.append(True)
                other.join_initiative(
                    {"actor": "harbour-facilitator", "initiative": "harbour",
                     "stakeholder": "bakery", "kind": "entrepreneur"}
                )  # fmt: skip
            return correct_in(self, *args, **kwargs)

        monkeypatch.setattr(Samenspraak, "_correct_in", join_meanwhile)
        correction = app.correct_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "name": "The bakery"}
        )
        monkeypatch.undo()
        assert joined == [True]
        assert correction.initiatives == ["city-centre", "harbour"]
        for initiative in ("city-centre", "harbour"):
            checked = app.verify_audit(initiative=initiative)
            assert checked.intact, checked.problem
    finally:
        app.close()
        other.close()


def test_a_reaction_saved_while_its_giver_is_erased_is_erased_too_on_postgresql(
    schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bakery's reaction has checked, in its transaction, that the bakery is not
    erased; its erasure, saved at that moment by another engine, waits for it, then
    runs again and erases the reaction's text too."""
    from samenspraak.application.persistence import TextStoreRecorder  # noqa: PLC0415

    url = f"{SERVER}?schema={schema}"
    app, other = Samenspraak.open(url), Samenspraak.open(url)
    try:
        play(app, say=lambda line: None)
        bakery = app.store.select_stakeholder(ref="bakery")
        assert bakery is not None
        app.create_plan(
            {"actor": "facilitator", "initiative": "city-centre", "plan": "benches",
             "title": "Benches", "group": "steering-group"}
        )  # fmt: skip
        app.propose_draft(
            {"actor": "facilitator", "initiative": "city-centre", "plan": "benches",
             "text": "Benches on the square.", "changes": "First draft."}
        )  # fmt: skip
        checked, erasing = threading.Event(), threading.Event()
        refuse = TextStoreRecorder._refuse_an_erased_actor

        def then_wait(self: Any, c: Any, acting: Any) -> None:
            refuse(self, c, acting)
            if acting == bakery.id and not checked.is_set():
                checked.set()
                erasing.wait(5)
                threading.Event().wait(0.5)  # the erasure is waiting for this one

        monkeypatch.setattr(TextStoreRecorder, "_refuse_an_erased_actor", then_wait)
        done: dict[str, Any] = {}

        def erase() -> None:
            checked.wait(5)
            erasing.set()
            done["erasure"] = other.erase_stakeholder(
                {"actor": "facilitator", "stakeholder": "bakery", "texts": True}
            )

        eraser = threading.Thread(target=erase)
        eraser.start()
        app.react_to_plan(
            {"actor": "bakery", "initiative": "city-centre", "plan": "benches",
             "version": 1, "stance": "concern", "text": "A PRIVATE NOTE"}
        )  # fmt: skip
        eraser.join(30)
        monkeypatch.undo()

        assert "erasure" in done
        [reaction] = app.plan_details("city-centre", "benches").reactions
        assert reaction.stakeholder == done["erasure"].now_named
        assert reaction.text is None  # erased with the rest of theirs
        assert app.verify_audit().intact
    finally:
        app.close()
        other.close()


def test_two_corrections_of_one_person_at_once_wait_for_each_other_on_postgresql(
    schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resident corrects their name while the facilitator corrects their contact,
    at the same moment. Each has checked that the resident is not erased; the one
    that changes their row second waits for the first instead of deadlocking with it
    (which PostgreSQL ends after a second, by aborting one of them)."""
    import psycopg  # noqa: PLC0415

    from samenspraak.application.persistence import TextStoreRecorder  # noqa: PLC0415

    url = f"{SERVER}?schema={schema}"
    app, other = Samenspraak.open(url), Samenspraak.open(url)
    try:
        play(app, say=lambda line: None)
        both_checked = threading.Barrier(2)
        refuse, correct = (
            TextStoreRecorder._refuse_an_erased_actor,
            TextStoreRecorder._correct_row,
        )
        deadlocked: list[Exception] = []

        def then_wait(self: Any, c: Any, acting: Any) -> None:
            refuse(self, c, acting)
            # (the barrier breaks when the other waits for this one's row)
            with contextlib.suppress(threading.BrokenBarrierError):
                both_checked.wait(1.5)

        def noting_a_deadlock(self: Any, c: Any, correction: Any) -> None:
            try:
                correct(self, c, correction)
            except psycopg.errors.DeadlockDetected as error:
                deadlocked.append(error)
                raise

        monkeypatch.setattr(TextStoreRecorder, "_refuse_an_erased_actor", then_wait)
        monkeypatch.setattr(TextStoreRecorder, "_correct_row", noting_a_deadlock)
        done: dict[str, Any] = {}

        def by_the_facilitator() -> None:
            done["contact"] = other.correct_stakeholder(
                {"actor": "facilitator", "stakeholder": "bakery",
                 "contact": "bakker@example.org"}
            )  # fmt: skip

        facilitator = threading.Thread(target=by_the_facilitator)
        facilitator.start()
        done["name"] = app.correct_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "name": "The bakery"}
        )
        facilitator.join(30)
        monkeypatch.undo()

        assert deadlocked == []
        assert set(done) == {"contact", "name"}
        row = app.store.select_stakeholder(ref="bakery")
        assert row is not None
        assert (row.name, row.contact) == ("The bakery", "bakker@example.org")
    finally:
        app.close()
        other.close()


def _as_an_earlier_release_left_it(schema: str) -> None:
    """The process-state view as a release before its logic version 2 built it:
    without the erasures and corrections, and no version recorded."""
    import psycopg  # noqa: PLC0415

    with psycopg.connect(SERVER, autocommit=True) as connection:
        changed = connection.execute(
            f"UPDATE {schema}.view_process_state "
            "SET document = (document::jsonb - 'personal_data')::text "
            "WHERE part = 'core' AND document::jsonb ? 'personal_data'"
        ).rowcount
        assert changed == 1
        connection.execute(
            f"DELETE FROM {schema}.samenspraak_view_versions WHERE view_name = %s",
            ["samenspraak.view.process-state"],
        )


def _versions(schema: str) -> dict[str, int]:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(SERVER) as connection:
        return dict(
            connection.execute(
                f"SELECT view_name, version FROM {schema}.samenspraak_view_versions"
            ).fetchall()
        )


def _old_record(url: str, schema: str) -> str:
    """The story with a correction and an erasure, its process state as an earlier
    release left it; returns the erased resident's reference."""
    app = Samenspraak.open(url)
    try:
        play(app, say=lambda line: None)
        app.correct_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery",
             "name": "The bakery on the Grote Markt"}
        )  # fmt: skip
        erased = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "resident-kerkstraat"}
        ).now_named
        app.catch_up()
    finally:
        app.close()
    _as_an_earlier_release_left_it(schema)
    return erased


def test_a_process_state_built_by_an_earlier_release_is_rebuilt_on_postgresql(
    schema: str,
) -> None:
    url = f"{SERVER}?schema={schema}"
    erased = _old_record(url, schema)
    app = Samenspraak.open(url, create=False)
    try:
        report = app.participation_report("city-centre")
        assert [(q.request, q.stakeholder) for q in report.personal_data] == [
            ("correction", "bakery"),
            ("erasure", erased),
        ]
        assert app.verify_projections().intact
    finally:
        app.close()
    assert _versions(schema) == {
        "samenspraak.view.process-state": ProcessStateLogic.logic_version,
        "samenspraak.view.audit-trail": AuditTrailLogic.logic_version,
        "samenspraak.view.response-report": 1,
    }


def test_processes_that_upgrade_at_once_on_postgresql_rebuild_the_view_once(
    schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samenspraak.application import app as engine  # noqa: PLC0415

    url = f"{SERVER}?schema={schema}"
    erased = _old_record(url, schema)
    rebuilt: list[dict[str, int]] = []
    original = engine.rebuild_all

    def counted(*args: Any, **kwargs: Any) -> dict[str, int]:
        applied = original(*args, **kwargs)
        rebuilt.append(applied)
        return applied

    monkeypatch.setattr(engine, "rebuild_all", counted)
    apps = [Samenspraak.open(url, create=False) for _ in range(4)]
    start = threading.Barrier(len(apps))
    errors: list[BaseException] = []
    reports: list[list[tuple[str, str]]] = []

    def read(app: Samenspraak) -> None:
        try:
            start.wait()
            report = app.participation_report("city-centre")
            reports.append([(q.request, q.stakeholder) for q in report.personal_data])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=read, args=(app,)) for app in apps]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        assert reports == [[("correction", "bakery"), ("erasure", erased)]] * 4
        # Each may have asked; the first rebuilt, the others found it done.
        assert [list(a) for a in rebuilt if a] == [["samenspraak.view.process-state"]]
        assert apps[0].verify_projections().intact
    finally:
        for app in apps:
            app.close()


def test_a_user_who_may_only_select_is_told_that_outdated_views_need_a_rebuild(
    schema: str,
) -> None:

    url = f"{SERVER}?schema={schema}"
    _old_record(url, schema)
    role = _a_role(schema, "audit", SELECT_ONLY)
    try:
        auditor = Samenspraak.open(_as(role, schema), create=False)
        try:
            with pytest.raises(StorageError) as refused:
                auditor.participation_report("city-centre")
        finally:
            auditor.close()
        assert str(refused.value) == (
            "The view samenspraak.view.process-state was built by an earlier "
            "version of samenspraak, so it lacks what this version computes from "
            "the events, and this database user may not rebuild it: have someone "
            "who may write the record's views (and create its tables) run "
            "samenspraak projections rebuild with this version."
        )
    finally:
        _drop_role(role)
    owner = Samenspraak.open(url, create=False)
    try:
        owner.rebuild_projections()
    finally:
        owner.close()
    assert _versions(schema)["samenspraak.view.process-state"] == (
        ProcessStateLogic.logic_version
    )


def test_a_user_who_may_only_use_the_tables_of_a_record_without_versions_is_told_who_rebuilds(
    schema: str,
) -> None:
    """A record of a release before versions were recorded has no table of them;
    a user who may not create tables opens it, and is told that its views need a
    rebuild by someone who may."""
    import psycopg  # noqa: PLC0415

    url = f"{SERVER}?schema={schema}"
    _old_record(url, schema)
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f"DROP TABLE {schema}.samenspraak_view_versions")
    role = _a_role(schema, "app", USE_THE_TABLES)
    try:
        app = Samenspraak.open(_as(role, schema), create=False)
        try:
            with pytest.raises(StorageError) as refused:
                app.initiative_status("city-centre")
        finally:
            app.close()
        assert str(refused.value).startswith(  # each view built before version 2
            "The views samenspraak.view.process-state and samenspraak.view.audit-trail "
            "were built by an earlier version of samenspraak"
        )
        assert str(refused.value).endswith(
            "run samenspraak projections rebuild with this version."
        )
    finally:
        _drop_role(role)
    owner = Samenspraak.open(url, create=False)  # makes the table, and rebuilds
    try:
        assert len(owner.participation_report("city-centre").personal_data) == 2
    finally:
        owner.close()
    versions = _versions(schema)
    assert versions["samenspraak.view.process-state"] == ProcessStateLogic.logic_version
    assert versions["samenspraak.view.audit-trail"] == AuditTrailLogic.logic_version


def test_a_user_who_may_only_use_the_tables_of_an_unused_record_without_versions_is_told_who_makes_the_table(
    schema: str,
) -> None:
    """A record made by a release before versions were recorded, with nothing in
    it yet: a user who may not create tables records the first initiative, and
    catching the views up would record the version of their first rows in a table
    that is not there. They are told in one sentence who makes it, not shown the
    database's error; once the owner opens the record, it is read."""
    import psycopg  # noqa: PLC0415

    url = f"{SERVER}?schema={schema}"
    Samenspraak.open(url).close()
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f"DROP TABLE {schema}.samenspraak_view_versions")
    role = _a_role(schema, "app", USE_THE_TABLES)
    try:
        app = Samenspraak.open(_as(role, schema))
        try:
            app.register_stakeholder(
                {
                    "actor": "facilitator",
                    "stakeholder": "facilitator",
                    "name": "A facilitator",
                }
            )
            app.start_initiative(
                {"actor": "facilitator", "initiative": "city-centre",
                 "title": "Together", "description": "Residents decide first.",
                 "area": "The old town", "budget": "0", "level": "consulting"}
            )  # fmt: skip
            with pytest.raises(StorageError) as refused:
                app.initiative_status("city-centre")
        finally:
            app.close()
        assert str(refused.value) == (
            "The table samenspraak_view_versions, which this version of samenspraak "
            "keeps beside the views, is missing, and this database user may not "
            "create it: have someone who may create the record's tables open the "
            "record once with this version (samenspraak projections status does)."
        )
    finally:
        _drop_role(role)
    owner = Samenspraak.open(url, create=False)  # makes the table
    try:
        assert owner.initiative_status("city-centre").initiative == "city-centre"
    finally:
        owner.close()
    assert _versions(schema)["samenspraak.view.process-state"] == (
        ProcessStateLogic.logic_version
    )
