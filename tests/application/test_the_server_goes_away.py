"""PostgreSQL goes away under a running engine (shut down, restarted, or the network
between is cut): the engine says so in one sentence, and a command's writing is
kept whole or not at all. The server is reached through a relay of the test's
own, which is cut while a command waits for a lock."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import Samenspraak, StorageError

SERVER = "postgresql://postgres@127.0.0.1:5432/test"


class Relay:
    """A TCP relay to the server, on a port of its own, that can be cut: every
    connection through it is closed and no new one is let through."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        self.cut_off = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut_off:
                client.close()
                return
            server = socket.create_connection(("127.0.0.1", 5432))
            self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for end in (a, b):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.cut_off = True
        self.listener.close()
        self.drop_connections()

    def drop_connections(self) -> None:
        """As when the server restarts: every connection open through the relay is
        closed, and new ones are let through again."""
        open_now, self.open = self.open, []
        for connection in open_now:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()


@pytest.fixture
def relay() -> Iterator[Relay]:
    through = Relay()
    yield through
    through.cut()


def _while_waiting_for(
    schema: str,
    table: str,
    action: Callable[[], Any],
    relay: Relay,
    mode: str = "ACCESS EXCLUSIVE",
) -> BaseException | None:
    """Run ``action`` while another session holds ``table`` locked (in ``mode``);
    cut the relay once it waits for the lock, then let the lock go. What it
    raised, if anything."""
    import psycopg  # noqa: PLC0415

    raised: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as error:
            raised.append(error)

    with psycopg.connect(SERVER) as holder:
        holder.execute(f"LOCK TABLE {schema}.{table} IN {mode} MODE")
        worker = threading.Thread(target=run)
        worker.start()
        deadline = time.monotonic() + 20
        with psycopg.connect(SERVER, autocommit=True) as watcher:
            while watcher.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted "
                "AND relation = to_regclass(%s)",
                [f"{schema}.{table}"],
            ).fetchone() != (1,):
                assert time.monotonic() < deadline, "it never waited for the lock"
                time.sleep(0.02)
        relay.cut()
        holder.rollback()
    worker.join(timeout=120)
    assert not worker.is_alive()
    return raised[0] if raised else None


def _one_sentence(error: BaseException | None) -> str:
    assert isinstance(error, StorageError), repr(error)
    said = str(error)
    assert "\n" not in said, said
    return said


def test_a_server_that_goes_away_while_the_record_opens_is_said_in_one_sentence(
    schema: str, relay: Relay
) -> None:
    Samenspraak.open(f"{SERVER}?schema={schema}").close()
    through = f"postgresql://postgres@127.0.0.1:{relay.port}/test?schema={schema}"
    raised = _while_waiting_for(
        schema, "samenspraak_events", lambda: Samenspraak.open(through), relay
    )
    said = _one_sentence(raised)
    assert said.startswith("The database cannot be opened: the connection was lost (")


def test_a_server_that_goes_away_while_a_query_reads_is_said_in_one_sentence(
    schema: str, relay: Relay
) -> None:
    through = f"postgresql://postgres@127.0.0.1:{relay.port}/test?schema={schema}"
    app = Samenspraak.open(through)
    try:
        app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
        app.catch_up()
        raised = _while_waiting_for(
            schema, "view_process_state", app.list_initiatives, relay
        )
    finally:
        app.close()
    said = _one_sentence(raised)
    assert said.startswith("The connection to the database was lost (")
    assert said.endswith(
        "): what was being written then is kept whole or not at all; look whether "
        "the command was recorded before giving it again."
    )


def test_a_server_that_goes_away_while_a_command_saves_records_nothing_of_it(
    schema: str, relay: Relay
) -> None:
    through = f"postgresql://postgres@127.0.0.1:{relay.port}/test?schema={schema}"
    app = Samenspraak.open(through)
    try:
        app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
        raised = _while_waiting_for(
            schema,
            "samenspraak_stakeholders",
            lambda: app.start_initiative(
                {
                    "actor": "f",
                    "initiative": "park",
                    "title": "The park",
                    "description": "What the park needs.",
                    "area": "The park",
                    "budget": "0",
                    "level": "co-deciding",
                }
            ),
            relay,
        )
    finally:
        app.close()
    said = _one_sentence(raised)
    assert said.startswith("The connection to the database was lost (")
    after = Samenspraak.open(f"{SERVER}?schema={schema}", create=False)
    try:
        assert after.stored_event_count() == 0
        assert after.store.count_rows()[after.store.texts_table] == 0
        assert after.list_initiatives() == []
    finally:
        after.close()


def test_a_pool_with_no_connection_to_give_is_said_in_one_sentence(schema: str) -> None:
    app = Samenspraak.open(
        f"{SERVER}?schema={schema}",
        settings={"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0",
                  "POSTGRES_CONNECT_TIMEOUT": "1"},
    )  # fmt: skip
    try:
        with (
            app.factory.datastore.pool.connection(),  # the only one, held
            pytest.raises(StorageError) as refused,
        ):
            app.list_initiatives()
    finally:
        app.close()
    # What the pool says in the brackets depends on how the wait ended (its own
    # timeout, or the server refusing one more client when others hold many).
    said = str(refused.value)
    assert said.startswith("No connection to the database could be had (")
    assert said.endswith(
        "): PostgreSQL does not answer, or this instance's commands were using "
        "every connection its pool may open (POSTGRES_POOL_SIZE and "
        "POSTGRES_MAX_OVERFLOW); try again."
    )
    assert "\n" not in said


def test_a_server_that_goes_away_while_a_bundle_is_replayed_keeps_none_of_it(
    schema: str, relay: Relay, tmp_path: Path
) -> None:
    source = Samenspraak.open(str(tmp_path / "source.db"))
    try:
        source.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
        source.start_initiative(
            {"actor": "f", "initiative": "park", "title": "The park",
             "description": "What the park needs.", "area": "The park",
             "budget": "0", "level": "co-deciding"}
        )  # fmt: skip
        source.export_initiative("park", tmp_path / "park.zip")
    finally:
        source.close()
    Samenspraak.open(f"{SERVER}?schema={schema}").close()  # its tables, to lock
    through = f"postgresql://postgres@127.0.0.1:{relay.port}/test?schema={schema}"
    raised = _while_waiting_for(
        schema,
        "samenspraak_texts",
        lambda: Samenspraak.replay(tmp_path / "park.zip", through),
        relay,
        mode="SHARE",  # opening makes sure of its indexes; writing a text waits
    )
    said = _one_sentence(raised)
    assert said.startswith("The database failed while replaying: ")
    assert said.endswith("; nothing was kept.")
    after = Samenspraak.open(f"{SERVER}?schema={schema}", create=False)
    try:
        assert after.stored_event_count() == 0
        assert not any(after.store.count_rows().values())
    finally:
        after.close()


def test_after_the_server_restarts_only_the_first_request_finds_its_connection_lost(
    schema: str, relay: Relay
) -> None:
    through = f"postgresql://postgres@127.0.0.1:{relay.port}/test?schema={schema}"
    app = Samenspraak.open(through)
    try:
        app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
        assert app.factory.datastore.pool.get_stats()["pool_available"] > 1
        relay.drop_connections()
        with pytest.raises(StorageError) as lost:
            app.list_initiatives()
        assert str(lost.value).startswith("The connection to the database was lost (")
        # Every connection the pool held was lost with the server; none is handed
        # out again, so the requests after the first are served.
        assert app.list_initiatives() == []
        app.start_initiative(
            {"actor": "f", "initiative": "park", "title": "The park",
             "description": "What the park needs.", "area": "The park",
             "budget": "0", "level": "co-deciding"}
        )  # fmt: skip
        assert [i.initiative for i in app.list_initiatives()] == ["park"]
    finally:
        app.close()


def test_a_pipeline_aborted_by_a_statement_before_it_is_not_called_a_lost_connection() -> (
    None
):
    """The driver raises PipelineAborted (an OperationalError without a state)
    for the statements that follow a failed one in a pipeline: the connection is
    still there, so no one should be told to look whether it was lost."""
    import psycopg  # noqa: PLC0415 (PostgreSQL only)

    from samenspraak.application.opening import no_connection  # noqa: PLC0415

    def raised(error: Exception) -> Exception:
        try:
            raise StorageError("The database failed.") from error
        except StorageError as wrapped:
            return wrapped

    assert (
        no_connection(raised(psycopg.errors.PipelineAborted("pipeline aborted")))
        is None
    )
    lost = no_connection(
        raised(psycopg.OperationalError("server closed the connection"))
    )
    assert lost is not None
    assert lost.startswith("The connection to the database was lost")
