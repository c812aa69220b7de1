"""Where the record is kept: a PostgreSQL URL is read whole or refused in one
sentence, never read in part (a schema dropped silently would write elsewhere)."""

from __future__ import annotations

import pytest

from samenspraak.application import StorageError
from samenspraak.application.config import storage_env

BASE = "postgresql://someone:secret@db.example:6543/municipality"


def test_a_url_gives_every_setting() -> None:
    env = storage_env(f"{BASE}?schema=zuid")
    assert (
        env["POSTGRES_HOST"],
        env["POSTGRES_PORT"],
        env["POSTGRES_DBNAME"],
        env["POSTGRES_USER"],
        env["POSTGRES_PASSWORD"],
        env["POSTGRES_SCHEMA"],
    ) == ("db.example", "6543", "municipality", "someone", "secret", "zuid")
    # Without a schema it is public, named: a POSTGRES_SCHEMA in the environment
    # (which the event-sourcing library reads) must not move the tables.
    assert storage_env(BASE)["POSTGRES_SCHEMA"] == "public"


def test_a_socket_folder_and_a_database_written_percent_encoded_are_decoded() -> None:
    """A Unix-domain socket's folder is given as the host, percent-encoded (as
    libpq reads a URL); it was passed on as written, %2F and all, and no server
    was found by that name."""
    env = storage_env(
        "postgresql://someone@%2Fvar%2Frun%2Fpostgresql:5433/gemeente%20zuid"
    )
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == (
        "/var/run/postgresql",
        "5433",
        "gemeente zuid",
    )


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        (f"{BASE}?schema=", "A PostgreSQL schema name is lower-case letters, digits and _."),
        (f"{BASE}?schema=Zuid", "A PostgreSQL schema name is lower-case letters, digits and _."),
        (f"{BASE}?schema=pg_catalog", "pg_catalog is one of PostgreSQL's own schemas; "
         "keep the record in a schema of its own."),
        (f"{BASE}?schema=information_schema", "information_schema is one of "
         "PostgreSQL's own schemas; keep the record in a schema of its own."),
        (f"{BASE}?Schema=zuid", "A PostgreSQL URL takes only ?schema=SCHEMA, not Schema."),
        (f"{BASE}?schema=a&schema=b", "A PostgreSQL URL names one schema, not several."),
        ("postgresql://someone@db.example:99999/municipality",
         "The port in 'postgresql://someone@db.example:99999/municipality' is not a port "
         "number (1 to 65535); a / or @ in a password is written %2F or %40."),
        ("postgresql://someone@db.example:0/municipality",
         "The port in 'postgresql://someone@db.example:0/municipality' is not a port "
         "number (1 to 65535); a / or @ in a password is written %2F or %40."),
        ("postgresql://db.example", "A PostgreSQL database is given as "
         "postgresql://USER@HOST[:PORT]/DBNAME[?schema=SCHEMA]."),
        # Everything after a # was dropped: the record went into schema zu.
        (f"{BASE}?schema=zu#id", "postgresql://someone:***@db.example:6543/municipality"
         "?schema=zu#id has a #, after which the rest would be ignored; a # in a "
         "password is written %23."),
        ("postgresql://someone:se#cret@db.example/municipality?schema=zuid",
         "postgresql://someone:***@db.example/municipality?schema=zuid has a #, after "
         "which the rest would be ignored; a # in a password is written %23."),
    ],
    ids=["empty schema", "capitals", "catalog", "information schema", "another parameter", "two schemas", "port",
         "port zero", "no database", "a # in the schema", "a # in the password"],
)  # fmt: skip
def test_a_url_that_cannot_be_read_whole_is_refused(url: str, sentence: str) -> None:
    with pytest.raises(StorageError) as refused:
        storage_env(url)
    assert str(refused.value) == sentence
