"""Views built by an earlier release, whose logic computed less from the same events,
are rebuilt from the log the first time a writing instance catches them up; current
views are left as they are, a tampered record's audit trail is not re-chained, and
a reader who may not write is told what to do.

An earlier release is simulated on a record of this one: the process-state view
loses what version 2 of its logic added (``personal_data``, every erasure and
correction of personal data in an initiative), and its recorded version is deleted
(as a release before versions were recorded left it) or set to 1.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from samenspraak.application import NotAllowed, Samenspraak, StorageError
from samenspraak.application import app as engine
from samenspraak.application.config import DB_VARIABLE
from samenspraak.application.story import StoryRecord
from samenspraak.cli.main import cli
from samenspraak.domain.clock import frozen_at
from samenspraak.projections.views import (
    VERSIONS_TABLE,
    AuditTrailLogic,
    BaseView,
    ProcessStateLogic,
)

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
STATE = "samenspraak.view.process-state"
AUDIT = "samenspraak.view.audit-trail"
NOW = ProcessStateLogic.logic_version
"""The logic version of the process-state view that this release builds."""
RESPONSES = "samenspraak.view.response-report"
TRAIL = AuditTrailLogic.logic_version
"""The logic version of the audit trail that this release builds."""


def _correct_and_erase(app: Samenspraak) -> str:
    """A resident's name corrected, then a resident erased on request; returns the
    erased resident's reference now."""
    app.correct_stakeholder(
        {"actor": "bakery", "stakeholder": "bakery", "name": "The bakery, corrected"}
    )
    erasure = app.erase_stakeholder(
        {"actor": "facilitator", "stakeholder": "resident-kerkstraat"}
    )
    app.catch_up()
    return erasure.now_named


def _as_an_earlier_release_left_it(db: Path, *, version: int | None = None) -> None:
    """The process-state view as the logic before version 2 built it: without the
    erasures and corrections; its version deleted, or set to ``version``."""
    with closing(sqlite3.connect(db)) as connection:
        changed = connection.execute(
            "UPDATE view_process_state SET document = "
            "json_remove(document, '$.personal_data') "
            "WHERE part = 'core' AND json_type(document, '$.personal_data') "
            "IS NOT NULL"
        ).rowcount
        assert changed == 1
        if version is None:
            connection.execute(
                f"DELETE FROM {VERSIONS_TABLE} WHERE view_name = ?", [STATE]
            )
        else:
            connection.execute(
                f"UPDATE {VERSIONS_TABLE} SET version = ? WHERE view_name = ?",
                [version, STATE],
            )
        connection.commit()


def _versions(db: Path) -> dict[str, int]:
    with closing(sqlite3.connect(db)) as connection:
        return dict(
            connection.execute(f"SELECT view_name, version FROM {VERSIONS_TABLE}")
        )


@pytest.fixture
def old_record(story: Story) -> tuple[Path, str]:
    """The story, with a correction and an erasure, whose process-state view was
    built by a release before versions were recorded; closed."""
    app, _, db = story
    erased = _correct_and_erase(app)
    app.close()
    _as_an_earlier_release_left_it(db)
    return db, erased


REBUILT: list[list[str]] = []
"""The views each rebuild of the engine did rebuild (not finding them done)."""


@pytest.fixture
def rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The views each rebuild of the engine was asked to rebuild."""
    asked: list[list[str]] = []
    original = engine.rebuild_all

    def counted(
        source: Any, mapper: Any, views: Sequence[BaseView], **kwargs: Any
    ) -> dict[str, int]:
        asked.append([view.view_name for view in views])
        applied = original(source, mapper, views, **kwargs)
        REBUILT.append(sorted(applied))
        return applied

    monkeypatch.setattr(engine, "rebuild_all", counted)
    REBUILT.clear()
    return asked


def test_a_process_state_built_by_an_earlier_release_is_rebuilt_on_first_read_and_the_report_lists_the_erasure_and_correction(
    old_record: tuple[Path, str], rebuilds: list[list[str]]
) -> None:
    db, erased = old_record
    assert STATE not in _versions(db)
    app = Samenspraak.open(db, create=False)
    try:
        report = app.participation_report(CITY)
        assert [(q.request, q.stakeholder) for q in report.personal_data] == [
            ("correction", "bakery"),
            ("erasure", erased),
        ]
        assert rebuilds == [[STATE]]
        assert app.verify_projections().intact
    finally:
        app.close()
    assert _versions(db) == {STATE: NOW, AUDIT: TRAIL, RESPONSES: 1}


def test_a_view_recorded_as_built_with_an_older_logic_version_is_rebuilt_too(
    story: Story, rebuilds: list[list[str]]
) -> None:
    app, _, db = story
    _correct_and_erase(app)
    app.close()
    _as_an_earlier_release_left_it(db, version=1)
    app = Samenspraak.open(db, create=False)
    try:
        assert len(app.participation_report(CITY).personal_data) == 2
    finally:
        app.close()
    assert rebuilds == [[STATE]]
    assert _versions(db)[STATE] == NOW


def test_a_process_state_built_before_it_kept_the_last_step_is_rebuilt_and_the_timeline_ends_there(
    story: Story, rebuilds: list[list[str]]
) -> None:
    """Logic version 3 kept the council's frameworks but not the moment of the
    process's last step: a framework recorded months later stretched the report's
    timeline there, and ``projections verify`` took the view built again for one
    changed outside the engine."""
    app, _, db = story
    step = app.participation_report(CITY).last_step_at
    with frozen_at(datetime(2026, 11, 20, 10, 0, tzinfo=UTC)):
        app.record_council_framework(
            {"actor": "facilitator", "initiative": CITY,
             "framework": "The trees stay.", "set_at": "2025-12-11T21:30+01:00"}
        )  # fmt: skip
    app.catch_up()
    app.close()
    with closing(sqlite3.connect(db)) as connection:
        changed = connection.execute(
            "UPDATE view_process_state SET document = "
            "json_remove(document, '$.last_step_at') WHERE part = 'core'"
        ).rowcount
        assert changed == 1
        connection.execute(
            f"UPDATE {VERSIONS_TABLE} SET version = 3 WHERE view_name = ?", [STATE]
        )
        connection.commit()

    app = Samenspraak.open(db, create=False)
    try:
        report = app.participation_report(CITY)
        assert rebuilds == [[STATE]]
        assert report.last_step_at == step < report.last_event_at
        assert app.verify_projections().intact
    finally:
        app.close()
    assert _versions(db)[STATE] == NOW


def test_current_views_are_not_rebuilt_and_an_instance_checks_the_versions_once(
    old_record: tuple[Path, str], rebuilds: list[list[str]]
) -> None:
    db, _ = old_record
    app = Samenspraak.open(db, create=False)
    try:
        for _ in range(3):
            app.initiative_status(CITY)
            app.participation_report(CITY)
        assert rebuilds == [[STATE]]  # once, and only the outdated view
    finally:
        app.close()
    again = Samenspraak.open(db, create=False)
    try:
        checked: list[BaseView] = []
        original = BaseView.is_outdated

        def counted(view: BaseView) -> bool:
            checked.append(view)
            return original(view)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(BaseView, "is_outdated", counted)
            for _ in range(3):
                again.initiative_status(CITY)
        assert len(checked) == 3  # each view once, not on every read
        assert len(again.participation_report(CITY).personal_data) == 2
    finally:
        again.close()
    assert rebuilds == [[STATE]]


def test_a_new_record_records_the_version_of_each_view_it_builds(
    tmp_path: Path,
) -> None:
    db = tmp_path / "new.db"
    app = Samenspraak.open(db)
    try:
        app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
        app.catch_up()
        assert _versions(db) == {}  # empty views are simply current
        app.start_initiative(
            {"actor": "f", "initiative": "city", "title": "City", "description": "D",
             "area": "A", "budget": "10", "level": "co-deciding"}
        )  # fmt: skip
        app.catch_up()
    finally:
        app.close()
    assert _versions(db) == {STATE: NOW, AUDIT: TRAIL, RESPONSES: 1}


def test_projections_rebuild_records_the_version_of_every_view(
    old_record: tuple[Path, str],
) -> None:
    db, _ = old_record
    app = Samenspraak.open(db, create=False)
    try:
        app.rebuild_projections()
    finally:
        app.close()
    assert _versions(db) == {STATE: NOW, AUDIT: TRAIL, RESPONSES: 1}


@pytest.fixture
def audit_logic_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A release whose audit trail computes something new (a logic version after
    this release's), opening a record whose trail this release built."""
    monkeypatch.setattr(AuditTrailLogic, "logic_version", TRAIL + 1)


def test_an_outdated_audit_trail_on_a_tampered_record_is_refused_with_the_tamper_message(
    story: Story, audit_logic_changed: None
) -> None:
    app, _, db = story
    app.close()
    with closing(sqlite3.connect(db)) as connection:
        trail = connection.execute("SELECT * FROM view_audit_trail").fetchall()
        connection.execute("DELETE FROM stored_events WHERE rowid = 40")
        connection.commit()
    app = Samenspraak.open(db, create=False)
    try:
        with pytest.raises(NotAllowed) as refused:
            app.initiative_status(CITY)
    finally:
        app.close()
    assert refused.value.rule == "a_tampered_record_is_not_rebuilt"
    said = str(refused.value)
    assert said.startswith(
        f"The view {AUDIT} was built by an earlier version of samenspraak and is "
        "rebuilt before it is read. Refusing to rebuild: "
    )
    assert "was deleted from the event store" in said
    assert said.endswith(
        "Rebuilding would re-chain the changed record; investigate first "
        "(samenspraak audit verify)."
    )
    with closing(sqlite3.connect(db)) as connection:  # not re-chained
        assert connection.execute("SELECT * FROM view_audit_trail").fetchall() == trail


def test_an_outdated_audit_trail_on_an_intact_record_is_rebuilt_as_it_was(
    story: Story, rebuilds: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, db = story
    head = app.audit_head()
    app.close()
    with closing(sqlite3.connect(db)) as connection:
        trail = connection.execute("SELECT * FROM view_audit_trail").fetchall()
    monkeypatch.setattr(AuditTrailLogic, "logic_version", TRAIL + 1)
    app = Samenspraak.open(db, create=False)
    try:
        assert app.audit_head() == head
    finally:
        app.close()
    assert rebuilds == [[AUDIT]]
    assert _versions(db)[AUDIT] == TRAIL + 1
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("SELECT * FROM view_audit_trail").fetchall() == trail


def test_processes_that_upgrade_at_once_leave_the_views_whole_and_built_once_each(
    old_record: tuple[Path, str], rebuilds: list[list[str]]
) -> None:
    db, erased = old_record
    apps = [Samenspraak.open(db, create=False) for _ in range(4)]
    start = threading.Barrier(len(apps))
    errors: list[BaseException] = []
    reports: list[list[tuple[str, str]]] = []

    def read(app: Samenspraak) -> None:
        try:
            start.wait()
            report = app.participation_report(CITY)
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
        assert 1 <= len(rebuilds) <= 4  # each may have found it outdated
        assert [r for r in REBUILT if r] == [[STATE]]  # the others found it done
        assert apps[0].verify_projections().intact
    finally:
        for app in apps:
            app.close()
    with closing(sqlite3.connect(db)) as connection:
        (cores,) = connection.execute(
            "SELECT count(*) FROM view_process_state WHERE part = 'core'"
        ).fetchone()
        assert cores == 1
    assert _versions(db) == {STATE: NOW, AUDIT: TRAIL, RESPONSES: 1}


READ_AS_SOMEONE_ELSE = """
import sys
from samenspraak.application import Samenspraak, StorageError
app = Samenspraak.open(sys.argv[1], create=False)
try:
    app.initiative_status("city")
    print("read")
except StorageError as refused:
    print(refused)
finally:
    app.close()
"""


def test_a_reader_who_may_not_write_is_told_that_the_views_need_a_rebuild(
    tmp_path: Path,
) -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root, to open the file as another user (setpriv)")
    folder = Path(tempfile.mkdtemp(prefix="samenspraak-"))
    try:
        folder.chmod(0o755)  # the owner (root) writes; others only read
        db = folder / "city.db"
        owner = Samenspraak.open(db)
        try:
            for who in ("f", "bakery"):
                owner.register_stakeholder(
                    {"actor": who, "stakeholder": who, "name": who}
                )
            owner.start_initiative(
                {"actor": "f", "initiative": "city", "title": "City",
                 "description": "D", "area": "A", "budget": "10",
                 "level": "co-deciding"}
            )  # fmt: skip
            owner.catch_up()
            with closing(sqlite3.connect(db)) as connection:
                connection.execute(
                    f"DELETE FROM {VERSIONS_TABLE} WHERE view_name = ?", [STATE]
                )
                connection.commit()
            # The owner keeps it open: the reader reads it with the owner's locks.
            said = subprocess.run(
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                 sys.executable, "-c", READ_AS_SOMEONE_ELSE, str(db)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
        finally:
            owner.close()
        assert said.stderr == ""
        assert said.stdout == (
            f"This database is read-only here and the view {STATE} was built by an "
            "earlier version of samenspraak, so it lacks what this version computes "
            "from the events and cannot be rebuilt here: have someone who may write "
            "it run samenspraak projections rebuild with this version, or read a "
            "copy in a folder you can write to.\n"
        )
    finally:
        shutil.rmtree(folder)


def _documents(db: Path) -> Iterator[dict[str, Any]]:
    with closing(sqlite3.connect(db)) as connection:
        for (document,) in connection.execute(
            "SELECT document FROM view_process_state WHERE part = 'core'"
        ):
            yield json.loads(document)


def test_the_simulated_earlier_release_lacks_what_the_report_lists(
    old_record: tuple[Path, str],
) -> None:
    """What the tests above start from: the rows lack the erasures and
    corrections, and a reader of the rows as they are would list none."""
    db, _ = old_record
    assert [d.get("personal_data") for d in _documents(db)] == [None]


def test_projections_verify_and_status_say_that_a_view_was_built_with_an_older_logic(
    old_record: tuple[Path, str],
) -> None:
    db, _ = old_record
    app = Samenspraak.open(db, create=False)
    try:
        found = app.verify_projections()  # reads, rebuilds nothing
        status = {s.view: s for s in app.projections_status()}
    finally:
        app.close()
    assert not found.intact
    assert found.problem is not None
    assert found.problem.startswith(f"The view {STATE} does not match the events")
    assert found.problem.endswith(
        "it was built with logic version 1 of this view, by another version of "
        f"samenspraak, and this one builds version {NOW}; the first command that reads "
        "the views rebuilds it (or samenspraak projections rebuild)."
    )
    assert [(s.built_with, s.logic_version, s.outdated) for s in status.values()] == [
        (1, NOW, True),
        (TRAIL, TRAIL, False),
        (1, 1, False),
    ]
    shown = CliRunner().invoke(
        cli, ["projections", "status"], env={DB_VARIABLE: str(db)}
    )
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[-1] == (
        f"{STATE} was built with logic version 1 of this view, and this version of "
        f"samenspraak builds version {NOW}: the first command that reads the views "
        "rebuilds it (or samenspraak projections rebuild)."
    )
    as_json = CliRunner().invoke(
        cli, ["projections", "status", "--json"], env={DB_VARIABLE: str(db)}
    )
    assert set(json.loads(as_json.stdout)[0]) == {
        "view",
        "position",
        "log_end",
        "behind",
    }
    assert STATE not in _versions(db)  # nothing was rebuilt


UPGRADE_IN_A_PROCESS = """
import sys
from samenspraak.application import Samenspraak
app = Samenspraak.open(sys.argv[1], create=False)
try:
    report = app.participation_report("city-centre")
    print(len(report.personal_data))
finally:
    app.close()
"""


def test_two_processes_that_upgrade_at_once_both_read_the_rebuilt_view(
    old_record: tuple[Path, str],
) -> None:
    db, _ = old_record
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADE_IN_A_PROCESS, str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    said = [process.communicate(timeout=120) for process in processes]
    assert said == [("2\n", "")] * 2
    app = Samenspraak.open(db, create=False)
    try:
        assert app.verify_projections().intact
    finally:
        app.close()
    with closing(sqlite3.connect(db)) as connection:
        (cores,) = connection.execute(
            "SELECT count(*) FROM view_process_state WHERE part = 'core'"
        ).fetchone()
    assert cores == 1
    assert _versions(db) == {STATE: NOW, AUDIT: TRAIL, RESPONSES: 1}


def test_catching_up_a_view_built_by_an_earlier_release_says_it_was_rebuilt(
    old_record: tuple[Path, str],
) -> None:
    """The catch-up that rebuilds an outdated view counts the events the rebuild
    applied, and the command says that the view was rebuilt, instead of
    reporting that it applied nothing."""
    db, _ = old_record
    with closing(sqlite3.connect(db)) as connection:
        (end,) = connection.execute("SELECT max(rowid) FROM stored_events").fetchone()

    said = CliRunner().invoke(
        cli, ["projections", "catch-up"], env={DB_VARIABLE: str(db)}
    )

    assert said.exit_code == 0, said.output
    assert said.stderr.splitlines() == [
        f"{STATE}: rebuilt from the log, as an earlier version of samenspraak built "
        f"it: {end} events applied.",
        f"{AUDIT}: 0 events applied.",
        f"{RESPONSES}: 0 events applied.",
    ]
    assert _versions(db)[STATE] == NOW


def test_the_api_counts_the_events_a_rebuild_of_an_outdated_view_applied(
    old_record: tuple[Path, str],
) -> None:
    db, _ = old_record
    app = Samenspraak.open(db, create=False)
    try:
        end = app.projections_status()[0].log_end
        assert app.catch_up() == {STATE: end, AUDIT: 0, RESPONSES: 0}
        assert app.catch_up() == {STATE: 0, AUDIT: 0, RESPONSES: 0}
    finally:
        app.close()


def _newer_release(app: Samenspraak) -> Samenspraak:
    """The instance, as a newer release that computes the next version of the
    process-state view."""
    app.state.logic_version = NOW + 1  # type: ignore[misc]
    return app


def test_a_running_instance_does_not_add_its_rows_to_a_view_a_newer_release_rebuilt_since(
    story: Story, rebuilds: list[list[str]]
) -> None:
    app, _, db = story
    app.catch_up()  # this release has checked its views once, and goes on running
    newer = _newer_release(Samenspraak.open(db, create=False))
    try:
        newer.catch_up()
        assert newer.rebuilt_views == (STATE,)
        assert _versions(db)[STATE] == NOW + 1
        end = app.recorder.max_notification_id()
        app.correct_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "name": "The bakery"}
        )
        assert app.recorder.max_notification_id() == (end or 0) + 1
        applied = app.catch_up()
        # The view holds rows of one logic only: this release's, rebuilt whole.
        assert _versions(db)[STATE] == NOW
        assert app.rebuilt_views == (STATE,)
        assert applied[STATE] == app.recorder.max_notification_id()
        assert rebuilds == [[STATE], [STATE]]
        assert app.verify_projections().intact
    finally:
        newer.close()


def test_two_releases_that_keep_rebuilding_the_same_view_are_told_to_run_one_at_a_time(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, db = story
    app.catch_up()
    newer = _newer_release(Samenspraak.open(db, create=False))
    original = engine.rebuild_all

    def and_the_newer_release_rebuilds_it_again(
        source: Any, mapper: Any, views: Sequence[BaseView], **kwargs: Any
    ) -> dict[str, int]:
        applied = original(source, mapper, views, **kwargs)
        if views and views[0] is app.state:
            original(newer.recorder, newer.mapper, [newer.state])
        return applied

    try:
        newer.catch_up()
        monkeypatch.setattr(
            engine, "rebuild_all", and_the_newer_release_rebuilds_it_again
        )
        app.correct_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "name": "The bakery"}
        )
        before = _versions(db)
        with pytest.raises(StorageError) as refused:
            app.catch_up()
        assert str(refused.value) == (
            f"The view {STATE} keeps being rebuilt by another version of samenspraak "
            "that uses the same database; run one version at a time, then catch the "
            "views up (samenspraak projections catch-up)."
        )
        assert _versions(db) == before == {STATE: NOW + 1, AUDIT: TRAIL, RESPONSES: 1}
        monkeypatch.setattr(engine, "rebuild_all", original)
        newer.close()
        app.catch_up()  # with the newer release stopped, this one goes on
        assert _versions(db)[STATE] == NOW
        assert app.verify_projections().intact
    finally:
        newer.close()


def test_on_postgresql_too_a_running_instance_does_not_add_its_rows_to_a_view_a_newer_release_rebuilt(
    postgres_url: str,
) -> None:
    app = Samenspraak.open(postgres_url)
    newer = _newer_release(Samenspraak.open(postgres_url, create=False))
    try:
        app.register_stakeholder({"actor": "fac", "stakeholder": "fac", "name": "F"})
        app.start_initiative(
            {"actor": "fac", "initiative": "park", "title": "The park",
             "description": "What the park needs.", "area": "The park",
             "budget": "0", "level": "co-deciding",
             "template": "overheidsparticipatie@1"}
        )  # fmt: skip
        app.catch_up()
        newer.catch_up()
        assert newer.rebuilt_views == (STATE,)
        app.register_stakeholder(
            {"actor": "fac", "stakeholder": "resident", "name": "R"}
        )
        app.join_initiative(
            {"actor": "fac", "initiative": "park", "stakeholder": "resident",
             "kind": "resident"}
        )  # fmt: skip
        app.catch_up()
        built_with = {s.view: s.built_with for s in app.projections_status()}
        assert built_with == {STATE: NOW, AUDIT: TRAIL, RESPONSES: 1}
        assert app.rebuilt_views == (STATE,)
        joined = app.initiative_status("park").stakeholders
        assert [(s.ref, s.kind) for s in joined] == [
            ("fac", "facilitator"),
            ("resident", "resident"),
        ]
        assert app.verify_projections().intact
    finally:
        newer.close()
        app.close()


def test_a_process_state_built_before_it_kept_when_a_reaction_was_given_is_rebuilt(
    story: Story, rebuilds: list[list[str]]
) -> None:
    """Logic version 4 did not keep when a reaction was given where that is not
    when it was recorded (the meeting it was given at, or when a letter came in):
    a view it built lacks ``given_at``, which ``plan show`` and the report read, and
    ``projections verify`` took the view built again for one changed outside the
    engine."""
    app, _, db = story
    [given] = [
        r.given_at
        for r in app.plan_details(CITY, "traffic-plan").reactions
        if r.meeting is not None
    ]
    assert given is not None
    app.close()
    with closing(sqlite3.connect(db)) as connection:
        changed = connection.execute(
            "UPDATE view_process_state SET document = "
            "json_remove(document, '$.given_at') WHERE part LIKE 'reaction/%' "
            "AND json_type(document, '$.given_at') IS NOT NULL"
        ).rowcount
        assert changed >= 1
        connection.execute(
            f"UPDATE {VERSIONS_TABLE} SET version = 4 WHERE view_name = ?", [STATE]
        )
        connection.commit()

    app = Samenspraak.open(db, create=False)
    try:
        reactions = app.plan_details(CITY, "traffic-plan").reactions
        assert rebuilds == [[STATE]]
        assert [r.given_at for r in reactions if r.meeting is not None] == [given]
        assert app.verify_projections().intact
    finally:
        app.close()
    assert _versions(db)[STATE] == NOW
