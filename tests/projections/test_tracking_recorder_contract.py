"""The views are tracking recorders: they pass eventsourcing's own contract tests,
on SQLite (a fresh file each) and on PostgreSQL (a fresh schema each).

PostgreSQL tests skip with the reason when the server is not reachable, unless
SAMENSPRAAK_REQUIRE_POSTGRES=1, when they fail instead.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from typing import Any, ClassVar

import eventsourcing.tests.persistence as contract
from eventsourcing.persistence import TrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore

from samenspraak.projections.views import (
    VERSIONS_TABLE,
    BaseView,
    SQLiteAuditTrailView,
    SQLiteProcessStateView,
    SQLiteResponseReportView,
)

SERVER = "postgresql://postgres@127.0.0.1:5432/test"


class SQLiteViewContract(contract.TrackingRecorderTestCase):
    """Each test gets a view on a fresh SQLite file in a temporary directory."""

    __test__ = False
    view_class: ClassVar[type[BaseView]]

    def setUp(self) -> None:
        self.directory = tempfile.TemporaryDirectory()
        self.datastores: list[SQLiteDatastore] = []

    def tearDown(self) -> None:
        for datastore in self.datastores:
            datastore.close()
        self.directory.cleanup()

    def create_recorder(self) -> TrackingRecorder:
        path = Path(self.directory.name) / f"{uuid.uuid4().hex}.db"
        datastore = SQLiteDatastore(str(path))
        self.datastores.append(datastore)
        view: Any = self.view_class(datastore)  # type: ignore[call-arg]
        view.create_table()
        assert isinstance(view, TrackingRecorder)
        # The view's own position starts at zero, beside the contract's names.
        assert view.position() == 0
        return view


class TestSQLiteProcessStateView(SQLiteViewContract):
    __test__ = True
    view_class = SQLiteProcessStateView


class TestSQLiteAuditTrailView(SQLiteViewContract):
    __test__ = True
    view_class = SQLiteAuditTrailView


class TestSQLiteResponseReportView(SQLiteViewContract):
    __test__ = True
    view_class = SQLiteResponseReportView


def postgres_unreachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        import psycopg  # noqa: PLC0415 (optional driver)
    except ImportError:
        return "the PostgreSQL driver is not installed (pip install 'samenspraak[postgres]')"
    try:
        psycopg.connect(SERVER, connect_timeout=3).close()
    except psycopg.Error as error:
        return f"no PostgreSQL at {SERVER}: {str(error).strip().splitlines()[0]}"
    return None


class PostgresViewContract(contract.TrackingRecorderTestCase):
    """Each test gets a view in a fresh schema of the ``test`` database."""

    __test__ = False
    view_class_name: ClassVar[str]

    def setUp(self) -> None:
        reason = postgres_unreachable()
        if reason is not None:
            if os.environ.get("SAMENSPRAAK_REQUIRE_POSTGRES") == "1":
                self.fail(f"PostgreSQL is required here, but {reason}.")
            self.skipTest(f"PostgreSQL is not reachable: {reason}.")
        import psycopg  # noqa: PLC0415

        self.schema = f"samenspraak_views_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(SERVER, autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA {self.schema}")
        self.datastores: list[Any] = []

    def tearDown(self) -> None:
        import psycopg  # noqa: PLC0415

        for datastore in self.datastores:
            datastore.close()
        with psycopg.connect(SERVER, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {self.schema} CASCADE")

    def create_recorder(self) -> TrackingRecorder:
        from eventsourcing.postgres import PostgresDatastore  # noqa: PLC0415

        from samenspraak.projections import postgres  # noqa: PLC0415

        datastore = PostgresDatastore(
            dbname="test",
            host="127.0.0.1",
            port=5432,
            user="postgres",
            password="",
            schema=self.schema,
        )
        self.datastores.append(datastore)
        view = getattr(postgres, self.view_class_name)(datastore)
        view.create_table()
        assert isinstance(view, TrackingRecorder)
        assert view.position() == 0
        # Its tables (and the table of the views' logic versions) are in the fresh
        # schema, nowhere else.
        with datastore.transaction(commit=False) as curs:
            curs.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = %s",
                [self.schema],
            )
            tables = {row["table_name"] for row in curs.fetchall()}
        assert (
            set(view.table_names()) | {postgres.TRACKING_TABLE, VERSIONS_TABLE}
            == tables
        )
        return view


class TestPostgresProcessStateView(PostgresViewContract):
    __test__ = True
    view_class_name = "PostgresProcessStateView"


class TestPostgresAuditTrailView(PostgresViewContract):
    __test__ = True
    view_class_name = "PostgresAuditTrailView"


class TestPostgresResponseReportView(PostgresViewContract):
    __test__ = True
    view_class_name = "PostgresResponseReportView"
