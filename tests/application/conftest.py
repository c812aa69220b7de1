from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import Samenspraak, SamenspraakError
from samenspraak.application.story import StoryRecord, play
from samenspraak.application.templates import TEMPLATES_VARIABLE
from samenspraak.application.views import InitiativeStatus

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def reachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        import psycopg  # noqa: PLC0415 (optional driver)
    except ImportError:
        return "the PostgreSQL driver is not installed (pip install 'samenspraak[postgres]')"
    try:
        psycopg.connect(POSTGRES, connect_timeout=3).close()
    except psycopg.Error as error:
        return f"no PostgreSQL at {POSTGRES}: {str(error).strip().splitlines()[0]}"
    return None


@pytest.fixture
def schema() -> Iterator[str]:
    """A PostgreSQL schema of its own, dropped afterwards (skips, or fails where
    PostgreSQL is required, when none is reachable)."""
    reason = reachable()
    if reason is not None:
        if os.environ.get("SAMENSPRAAK_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here, but {reason}.")
        pytest.skip(f"PostgreSQL is not reachable: {reason}.")
    import psycopg  # noqa: PLC0415

    name = f"samenspraak_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {name}")
    try:
        yield name
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture
def postgres_url(schema: str) -> str:
    """Where to open an engine on a PostgreSQL schema of its own."""
    return f"{POSTGRES}?schema={schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a story runs that is told on both backends: a SQLite file, and a
    PostgreSQL schema of its own."""
    if request.param == "sqlite":
        return str(tmp_path / "samenspraak.db")
    found: str = request.getfixturevalue("postgres_url")
    return found


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Samenspraak]:
    engine = Samenspraak.open(str(tmp_path / "samenspraak.db"))
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def played_story(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, StoryRecord]:
    """The whole city-centre story, played once into a SQLite file."""
    db = tmp_path_factory.mktemp("played") / "story.db"
    engine = Samenspraak.open(str(db))
    try:
        record = play(engine, say=lambda line: None)
        engine.catch_up()
    finally:
        engine.close()
    return db, record


@pytest.fixture
def story(
    played_story: tuple[Path, StoryRecord], tmp_path: Path
) -> Iterator[tuple[Samenspraak, StoryRecord, Path]]:
    """The whole city-centre story in a SQLite file of this test's own (a copy of
    the one played for the session)."""
    played, record = played_story
    db = tmp_path / "story.db"
    shutil.copyfile(played, db)
    assert not played.with_name(
        f"{played.name}-wal"
    ).exists()  # closed: all in the file
    engine = Samenspraak.open(str(db), create=False)
    yield engine, record, db
    engine.close()


@pytest.fixture
def replayed_status(tmp_path: Path) -> Callable[[Samenspraak], InitiativeStatus]:
    """``replayed_status(app)``: the city-centre initiative exported from ``app``
    and replayed into a new database, as it stands there."""

    def replay(app: Samenspraak) -> InitiativeStatus:
        app.export_initiative("city-centre", tmp_path / "city-centre.zip")
        Samenspraak.replay(tmp_path / "city-centre.zip", tmp_path / "replayed.db")
        replayed = Samenspraak.open(str(tmp_path / "replayed.db"), create=False)
        try:
            return replayed.initiative_status("city-centre")
        finally:
            replayed.close()

    return replay


@pytest.fixture(autouse=True)
def _no_templates_folder_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed templates are the built-in ones unless a test names a folder."""
    monkeypatch.delenv(TEMPLATES_VARIABLE, raising=False)


ThreadedReactions = Callable[[Samenspraak], list[str]]


@pytest.fixture
def react_from_threads() -> ThreadedReactions:
    """Eight threads share one instance on a played story: each reacts ten times to
    a new plan (benches) and reads the initiative after each reaction, as a web
    server's threads would. Returns the refusals, if any."""

    def run(app: Samenspraak) -> list[str]:
        app.create_plan({"actor": "bakery", "initiative": "city-centre",
                         "plan": "benches", "title": "Benches",
                         "group": "steering-group"})  # fmt: skip
        app.propose_draft({"actor": "bakery", "initiative": "city-centre",
                           "plan": "benches", "text": "Benches on the square.",
                           "changes": "First."})  # fmt: skip
        refused: list[str] = []

        def react(thread: int) -> None:
            for n in range(10):
                try:
                    app.react_to_plan({"actor": "library", "initiative": "city-centre",
                                       "plan": "benches", "version": 1,
                                       "stance": "support",
                                       "text": f"Reaction {n} of thread {thread}"})  # fmt: skip
                    app.initiative_status("city-centre")
                except SamenspraakError as refusal:
                    refused.append(str(refusal))

        threads = [threading.Thread(target=react, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return refused

    return run


BeforeSaving = Callable[[Callable[[], object]], list[bool]]


@pytest.fixture
def just_before_saving(monkeypatch: pytest.MonkeyPatch) -> BeforeSaving:
    """``just_before_saving(action)``: the first time a command is about to save,
    ``action`` runs first: what another process records after the command read
    what it judged on. Returns a list that holds True once the action ran."""

    def arrange(action: Callable[[], object]) -> list[bool]:
        save = Samenspraak.save
        done: list[bool] = []

        def first_the_action(self: Samenspraak, *objs: Any, **kwargs: Any) -> Any:
            if not done:
                done.append(True)
                action()
            return save(self, *objs, **kwargs)

        monkeypatch.setattr(Samenspraak, "save", first_the_action)
        return done

    return arrange


@pytest.fixture
def small_centre(app: Samenspraak) -> Callable[..., Samenspraak]:
    """``small_centre(joined={"bakery": "entrepreneur"})``: the city centre started
    by the facilitator, with these stakeholders joined and a working group for
    traffic, all on 12 January 2026 at 09:00 UTC."""
    from datetime import UTC, datetime  # noqa: PLC0415

    from samenspraak.domain import clock  # noqa: PLC0415

    def start(joined: dict[str, str] | None = None) -> Samenspraak:
        joined = joined or {}
        with clock.frozen_at(datetime(2026, 1, 12, 9, 0, tzinfo=UTC)):
            for ref in ("facilitator", *joined):
                app.register_stakeholder(
                    {"actor": ref, "stakeholder": ref, "name": f"The {ref}"}
                )
            app.start_initiative(
                {"actor": "facilitator", "initiative": "city-centre",
                 "title": "The centre", "description": "Residents decide first.",
                 "area": "The old town", "budget": "0", "level": "co-deciding"}
            )  # fmt: skip
            for ref, kind in joined.items():
                app.join_initiative(
                    {"actor": ref, "initiative": "city-centre", "stakeholder": ref,
                     "kind": kind}
                )  # fmt: skip
            app.form_group(
                {"actor": "facilitator", "initiative": "city-centre",
                 "group": "traffic", "kind": "working", "name": "Traffic",
                 "mandate": "A traffic plan."}
            )  # fmt: skip
        return app

    return start


@pytest.fixture
def traffic_plan_open(
    small_centre: Callable[..., Samenspraak],
) -> Callable[..., Samenspraak]:
    """``traffic_plan_open(closes, joined=None)``: the small centre (see
    :func:`small_centre`) whose traffic plan's version 1 was proposed on
    12 January 2026 at 09:00 UTC, with a reaction period that closes at
    ``closes``."""
    from datetime import UTC, datetime  # noqa: PLC0415

    from samenspraak.domain import clock  # noqa: PLC0415

    def open_it(closes: datetime, joined: dict[str, str] | None = None) -> Samenspraak:
        app = small_centre(joined)
        plan = {"actor": "facilitator", "initiative": "city-centre", "plan": "traffic"}
        with clock.frozen_at(datetime(2026, 1, 12, 9, 0, tzinfo=UTC)):
            app.create_plan({**plan, "title": "Traffic plan", "group": "traffic"})
            app.propose_draft({**plan, "text": "Draft.", "changes": "First."})
            app.open_reaction_period({**plan, "closes_at": closes.isoformat()})
        return app

    return open_it
