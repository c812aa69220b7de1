"""The views on PostgreSQL, through the same application code: a rebuild gives
identical views, two catch-ups at once end equal to it, and a changed event is
found and not rebuilt.

Skips with the reason when PostgreSQL is not reachable, unless
SAMENSPRAAK_REQUIRE_POSTGRES=1, when it fails instead.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from samenspraak.application import NotAllowed, Samenspraak
from samenspraak.application.story import play
from samenspraak.projections.views import catch_up

SERVER = "postgresql://postgres@127.0.0.1:5432/test"


def reachable() -> str | None:
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


def played_schema() -> Iterator[str]:
    """A schema of its own with the story played into it, dropped afterwards."""
    reason = reachable()
    if reason is not None:
        if os.environ.get("SAMENSPRAAK_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here, but {reason}.")
        pytest.skip(f"PostgreSQL is not reachable: {reason}.")
    import psycopg  # noqa: PLC0415

    name = f"samenspraak_views_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {name}")
    try:
        app = Samenspraak.open(f"{SERVER}?schema={name}")
        try:
            play(app, say=lambda line: None)
        finally:
            app.close()
        yield name
    finally:
        with psycopg.connect(SERVER, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture(scope="module")
def schema() -> Iterator[str]:
    yield from played_schema()


@pytest.fixture
def own_schema() -> Iterator[str]:
    yield from played_schema()


@pytest.fixture
def opened(schema: str) -> Iterator[Any]:
    apps: list[Samenspraak] = []

    def open_one() -> Samenspraak:
        app = Samenspraak.open(f"{SERVER}?schema={schema}")
        apps.append(app)
        return app

    yield open_one
    for app in apps:
        app.close()


def dump(schema: str) -> dict[str, list[tuple[Any, ...]]]:
    import psycopg  # noqa: PLC0415

    tables = [
        "view_process_state",
        "view_process_owners",
        "view_audit_trail",
        "view_audit_heads",
        "view_audit_owners",
        "view_responses",
        "view_response_plans",
    ]
    found: dict[str, list[tuple[Any, ...]]] = {}
    with psycopg.connect(SERVER) as connection:
        for table in tables:
            rows = connection.execute(f"SELECT * FROM {schema}.{table}").fetchall()
            found[table] = sorted(rows, key=repr)
        found["tracking"] = sorted(
            connection.execute(
                f"SELECT * FROM {schema}.samenspraak_tracking "
                "WHERE application_name LIKE 'samenspraak.view.%'"
            ).fetchall()
        )
    return found


def test_the_views_on_postgresql_rebuild_race_and_refuse_a_changed_record(
    schema: str, opened: Any
) -> None:
    import psycopg  # noqa: PLC0415

    app = opened()
    assert app.catch_up() == {
        "samenspraak.view.process-state": 38,
        "samenspraak.view.audit-trail": 3,
        "samenspraak.view.response-report": 38,
    }
    head = app.audit_head()
    assert head.position == 70
    caught_up = dump(schema)
    assert [position for _, position in caught_up["tracking"]] == [70, 70, 70]
    assert len(caught_up["view_audit_trail"]) == 70
    assert len(caught_up["view_responses"]) == 7

    # A clean rebuild gives identical views.
    assert set(app.rebuild_projections().values()) == {70}
    assert dump(schema) == caught_up

    # Two applications catching up at once, in small batches, end the same.
    for view in app.views:
        view.clear()
    racers = [opened(), opened()]
    applied: list[dict[str, int]] = [{}, {}]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(index: int) -> None:
        racer = racers[index]
        try:
            start.wait(timeout=10)
            for view in racer.views:
                applied[index][view.view_name] = catch_up(
                    racer.recorder, racer.mapper, view, batch_size=3
                )
        except BaseException as error:  # pragma: no cover (reported below)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    for name in applied[0]:
        assert applied[0][name] + applied[1][name] == 70
    assert dump(schema) == caught_up

    # One changed byte is found, and the rebuild is refused with the views intact.
    with psycopg.connect(SERVER) as connection:
        connection.execute(
            f"UPDATE {schema}.samenspraak_events SET state = state || '\\x20'::bytea "
            "WHERE notification_id = 26"
        )
    check = app.verify_audit(head)
    assert (check.intact, check.first_bad_position) == (False, 26)
    with pytest.raises(
        NotAllowed, match=r"^Refusing to rebuild: The event at position 26"
    ):
        app.rebuild_projections()
    assert dump(schema) == caught_up


def test_projections_verify_on_postgresql_finds_a_changed_view(
    own_schema: str,
) -> None:
    """The views on PostgreSQL are compared with views built again from the
    events (in a scratch SQLite file): the same rows, whatever the backend."""
    import psycopg  # noqa: PLC0415

    app = Samenspraak.open(f"{SERVER}?schema={own_schema}")
    try:
        assert app.verify_projections().intact
        with psycopg.connect(SERVER, autocommit=True) as connection:
            connection.execute(
                f"UPDATE {own_schema}.view_responses SET stance = 'support' "
                "WHERE reaction = 2"
            )
        found = app.verify_projections()
        assert not found.intact
        assert found.problem is not None
        assert "its table view_responses differs" in found.problem
        app.rebuild_projections()
        assert app.verify_projections().intact
    finally:
        app.close()
