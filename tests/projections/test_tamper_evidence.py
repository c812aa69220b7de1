"""Tamper evidence: someone with write access to the SQLite file changes, deletes,
inserts or reorders stored events; ``audit verify`` finds the first position
affected, and ``projections rebuild`` refuses to re-chain the tampered record.

The head is taken through the application before tampering (``audit_head`` catches
the views up first). After tampering, only ``audit verify`` (which does not catch
up) and ``projections rebuild`` run, except in the tests that say otherwise.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from samenspraak.application import InvalidInput, NotAllowed, NotFound, Samenspraak
from samenspraak.application.config import storage_env
from samenspraak.application.integrity import TEXT_REF, TextCheck
from samenspraak.application.story import play
from samenspraak.projections.chain import (
    GENESIS,
    ChainLink,
    Head,
    canonical_record,
    next_chain_hash,
)

Run = Callable[..., Result]
Tamper = Callable[[sqlite3.Connection], int]


def published_head(db: Path) -> Head:
    app = Samenspraak.open(str(db), create=False)
    try:
        return app.audit_head()
    finally:
        app.close()


def tamper_with(db: Path, tamper: Tamper) -> int:
    """Apply a tampering to the file with sqlite3 directly; returns the first
    position it affects."""
    with closing(sqlite3.connect(db)) as connection:
        first = tamper(connection)
        connection.commit()
    return first


def row(connection: sqlite3.Connection, position: int) -> tuple[Any, ...]:
    found = connection.execute(
        "SELECT originator_id, originator_version, topic, state FROM stored_events "
        "WHERE rowid = ?",
        [position],
    ).fetchone()
    assert found is not None, position
    return tuple(found)


def change_one_byte(connection: sqlite3.Connection, k: int = 26) -> int:
    """The entrepreneurs' vote on the first priority gets one letter changed."""
    state = bytearray(row(connection, k)[3])
    at = state.index(b'"option":"') + len(b'"option":"')
    assert state[at : at + 5] == b"green"
    state[at] = ord("x")
    connection.execute(
        "UPDATE stored_events SET state = ? WHERE rowid = ?", [bytes(state), k]
    )
    return k


def rewrite_one_value_as_text(connection: sqlite3.Connection, k: int = 26) -> int:
    """The same vote changed with SQL's replace(), which leaves the state as TEXT."""
    connection.execute(
        "UPDATE stored_events SET state = replace(state, 'green', 'xreen') "
        "WHERE rowid = ?",
        [k],
    )
    kind = connection.execute(
        "SELECT typeof(state) FROM stored_events WHERE rowid = ?", [k]
    ).fetchone()
    assert kind == ("text",)
    return k


def delete_one_row(connection: sqlite3.Connection, k: int = 40) -> int:
    """The first version of the traffic plan disappears from the middle of the log."""
    deleted = connection.execute("DELETE FROM stored_events WHERE rowid = ?", [k])
    assert deleted.rowcount == 1
    return k


def insert_one_row(connection: sqlite3.Connection, k: int = 30) -> int:
    """A copy of the bakery's vote is slipped in after position k: every later row
    moves up one position (one by one, from the end), then the copy takes k + 1."""
    copied = row(connection, 25)
    later = [
        r[0]
        for r in connection.execute(
            "SELECT rowid FROM stored_events WHERE rowid > ? ORDER BY rowid DESC", [k]
        )
    ]
    for position in later:
        connection.execute(
            "UPDATE stored_events SET rowid = rowid + 1 WHERE rowid = ?", [position]
        )
    connection.execute(
        "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, "
        "state) VALUES (?, ?, ?, ?, ?)",
        [k + 1, copied[0], 99, copied[2], copied[3]],
    )
    return k + 1


def swap_two_rows(connection: sqlite3.Connection, j: int = 25, k: int = 30) -> int:
    """Two votes on the first priority change places in the log."""
    connection.execute("UPDATE stored_events SET rowid = -1 WHERE rowid = ?", [j])
    connection.execute("UPDATE stored_events SET rowid = ? WHERE rowid = ?", [j, k])
    connection.execute("UPDATE stored_events SET rowid = ? WHERE rowid = -1", [k])
    return j


TAMPERINGS: dict[str, Tamper] = {
    "one-byte-changed": change_one_byte,
    "one-value-rewritten-as-text": rewrite_one_value_as_text,
    "one-row-deleted": delete_one_row,
    "one-row-inserted": insert_one_row,
    "two-rows-swapped": swap_two_rows,
}

EXPECTED_FIRST_BAD = {
    "one-byte-changed": 26,
    "one-value-rewritten-as-text": 26,
    "one-row-deleted": 40,
    "one-row-inserted": 31,
    "two-rows-swapped": 25,
}

EXPECTED_PROBLEM = {
    "one-byte-changed": "was changed, inserted or moved",
    "one-value-rewritten-as-text": "was changed, inserted or moved",
    "one-row-deleted": "was deleted from the event store",
    "one-row-inserted": "was changed, inserted or moved",
    "two-rows-swapped": "was changed, inserted or moved",
}


def assert_not_intact(result: Result, position: int) -> None:
    assert result.exit_code == 1, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout.startswith(f"NOT INTACT at position {position}: "), (
        result.stdout
    )
    assert f"position {position}" in result.stdout


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_a_tampered_store_fails_verification_at_the_first_position_affected(
    story_db: Path,
    run: Run,
    dump_views: Callable[[Path], Any],
    tampering: str,
) -> None:
    head = published_head(story_db)
    assert head.position == 70
    untouched = run(story_db, "audit", "verify", "--head", str(head))
    assert untouched.exit_code == 0, untouched.output
    assert untouched.stdout.startswith(f"Intact: 70 events checked; head {head}.")
    views_before = dump_views(story_db)

    first = tamper_with(story_db, TAMPERINGS[tampering])
    assert first == EXPECTED_FIRST_BAD[tampering]

    with_head = run(story_db, "audit", "verify", "--head", str(head))
    assert_not_intact(with_head, first)
    assert EXPECTED_PROBLEM[tampering] in with_head.stdout
    without_head = run(story_db, "audit", "verify")
    assert_not_intact(without_head, first)
    as_json = run(story_db, "audit", "verify", "--head", str(head), "--json")
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    assert report["intact"] is False
    assert report["first_bad_position"] == first
    assert report["published_head"] == str(head)

    # A rebuild would re-chain the tampered record: it is refused, views untouched.
    rebuild = run(story_db, "projections", "rebuild")
    assert rebuild.exit_code == 1, rebuild.output
    assert rebuild.stdout == ""
    lines = rebuild.stderr.splitlines()
    assert len(lines) == 1, rebuild.stderr
    assert lines[0].startswith("Error: Refusing to rebuild: "), lines
    assert f"position {first}" in lines[0]
    assert dump_views(story_db) == views_before


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_no_report_is_built_from_a_tampered_record(
    story_db: Path, run: Run, tampering: str
) -> None:
    first = tamper_with(story_db, TAMPERINGS[tampering])

    report = run(story_db, "report", "city-centre", "--format", "md")

    assert report.exit_code == 1, report.output
    assert report.stdout == ""
    [line] = report.stderr.splitlines()
    assert line.startswith(
        "Error: Refusing to build the report: the record of city-centre is not intact "
        f"at position {first} ("
    ), line
    assert line.endswith(
        "); investigate first (samenspraak audit verify --initiative city-centre)."
    )


def test_an_event_the_views_have_not_read_yet_rewritten_as_text_cannot_be_read(
    story_db: Path, run: Run
) -> None:
    def as_text(connection: sqlite3.Connection) -> int:
        # The process state was last brought up to date at position 32.
        connection.execute(
            "UPDATE stored_events SET state = replace(state, 'a', 'a') WHERE rowid = 45"
        )
        return 45

    tamper_with(story_db, as_text)
    for args in (("report", "city-centre"), ("initiative", "status", "city-centre")):
        [line] = run(story_db, *args).stderr.splitlines()
        assert line == (
            "Error: A stored event cannot be read; it may have been edited outside "
            "the engine (check with: samenspraak audit verify)."
        )


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_verify_audit_reports_the_first_bad_position_through_the_api(
    story_db: Path, tampering: str
) -> None:
    head = published_head(story_db)
    first = tamper_with(story_db, TAMPERINGS[tampering])
    app = Samenspraak.open(str(story_db), create=False)
    try:
        with_head = app.verify_audit(head)
        assert with_head.intact is False
        assert with_head.first_bad_position == first
        assert with_head.published_head == str(head)
        assert with_head.problem is not None
        assert with_head.problem.startswith(f"The event at position {first} ")
        assert with_head.proves == ""
        # The recomputed head stops where the check stopped.
        assert Head.parse(with_head.head).position == with_head.checked
        assert with_head.checked in (first - 1, first)
        # The same through a head given as text, and without a head.
        assert app.verify_audit(str(head)).first_bad_position == first
        assert app.verify_audit().first_bad_position == first
        with pytest.raises(NotAllowed, match=r"^Refusing to rebuild: ") as refusal:
            app.rebuild_projections()
        assert refusal.value.rule == "a_tampered_record_is_not_rebuilt"
    finally:
        app.close()


def test_an_untouched_store_verifies_against_its_head_and_says_what_that_proves(
    story_db: Path, run: Run
) -> None:
    head = published_head(story_db)
    result = run(story_db, "audit", "verify", "--head", str(head))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Intact: 70 events checked; head {head}.",
        "Nothing in the record up to position 70 changed since its head was published. "
        "The directory's references and names match the identities the events commit "
        "to, and the texts kept match the commitments the events hold (58 references "
        "checked).",
    ]
    # An earlier head (published before the last events) still verifies.
    app = Samenspraak.open(str(story_db), create=False)
    try:
        rows = app.audit.rows(until_position=31)
        earlier = Head(31, rows[-1].chain_hash)
        check = app.verify_audit(earlier)
        assert check.intact is True
        assert check.checked == 70
        assert check.first_bad_position is None
        assert check.head == str(head)
        assert check.proves.startswith(
            "Nothing in the record up to position 31 changed since its head was published."
        )
    finally:
        app.close()


def test_verify_without_a_head_proves_internal_consistency_only(
    story_db: Path, run: Run
) -> None:
    result = run(story_db, "audit", "verify")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Intact: 70 events checked; head 70:")
    assert "internal consistency only" in lines[1]
    assert "published head" in lines[1]


def test_a_head_that_does_not_match_the_store_fails_at_its_position(
    story_db: Path, run: Run
) -> None:
    head = published_head(story_db)
    forged = Head(head.position, "f" * 64)
    result = run(story_db, "audit", "verify", "--head", str(forged))
    assert_not_intact(result, 70)
    assert "does not match the published head" in result.stdout
    # A head beyond the end of the store: the events it covers were cut off. (A
    # hash the store does reach, at another position, is a head of a replayed copy's
    # initiative; see test_bundle.)
    beyond = Head(head.position + 5, "e" * 64)
    result = run(story_db, "audit", "verify", "--head", str(beyond))
    assert_not_intact(result, 75)
    assert "has no event at position 75" in result.stdout


@pytest.mark.parametrize(
    "malformed",
    [
        "68",
        "68:abc",
        "sixty-eight:" + "0" * 64,
        "68:" + "g" * 64,
        "-1:" + "0" * 64,
        "",
        "\u0662\u0663:" + "0" * 64,  # digits, but not ASCII ones
        "9" * 23 + ":" + "0" * 64,  # beyond any log position
    ],
)
def test_a_malformed_head_is_refused_with_one_sentence(
    story_db: Path, run: Run, malformed: str
) -> None:
    result = run(story_db, "audit", "verify", "--head", malformed)
    assert result.exit_code == 2, result.output  # not checked, unlike NOT INTACT (1)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [
        "Error: --head: a head is written POSITION:SHA256, like 68:3f2a... "
        "(64 hex digits)."
    ]
    app = Samenspraak.open(str(story_db), create=False)
    try:
        with pytest.raises(InvalidInput, match=r"^head: a head is written"):
            app.verify_audit(malformed)
        with pytest.raises(InvalidInput, match=r"^head: a head is written"):
            app.verify_audit(Head(2**63, "0" * 64))  # given as an object
    finally:
        app.close()


def test_a_head_in_capitals_or_with_spaces_is_the_same_head(
    story_db: Path, run: Run
) -> None:
    head = published_head(story_db)
    result = run(story_db, "audit", "verify", "--head", f"  {str(head).upper()} ")
    assert result.exit_code == 0, result.output


def test_audit_verify_does_not_catch_the_views_up(
    story_db: Path, run: Run, dump_views: Callable[[Path], Any]
) -> None:
    # The story leaves the views behind the log (only informing the council
    # catches the audit trail up, to the event before it).
    before = dump_views(story_db)
    assert before["samenspraak.view.audit-trail"]["tracking"][0][1] < 68
    result = run(story_db, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert dump_views(story_db) == before


def test_a_read_command_after_tampering_does_not_hide_it(
    story_db: Path, run: Run
) -> None:
    """What happens when a read command runs between tampering and verifying: it
    catches the views up, which records the events shifted by the insertion at the
    end of the trail, but the trail still disagrees with the store from the first
    position affected."""
    head = published_head(story_db)
    first = tamper_with(story_db, insert_one_row)
    status = run(story_db, "projections", "catch-up")
    assert status.exit_code == 0, status.output
    assert "samenspraak.view.audit-trail: 1 events applied." in status.stderr
    read = run(story_db, "initiative", "status", "city-centre", "--json")
    assert read.exit_code == 0, read.output
    assert_not_intact(run(story_db, "audit", "verify", "--head", str(head)), first)
    assert_not_intact(run(story_db, "audit", "verify"), first)


def test_a_change_made_before_the_trail_recorded_it_is_caught_only_by_a_later_head(
    story_db: Path, run: Run
) -> None:
    """The documented boundary: an event the trail has not recorded yet is not
    covered by any head; once a read command records it, the trail agrees with the
    changed store. Only a head published before the change can tell."""
    head_before = published_head(story_db)
    app = Samenspraak.open(str(story_db), create=False)
    try:
        app.register_stakeholder(
            {"actor": "facilitator", "stakeholder": "newcomer", "name": "A newcomer"}
        )
        app.join_initiative(
            {
                "actor": "facilitator",
                "initiative": "city-centre",
                "stakeholder": "newcomer",
                "kind": "resident",
            }
        )
    finally:
        app.close()
    # Changed after it was written, before any catch-up recorded it.
    tamper_with(story_db, lambda c: change_kind_of_joiner(c, 71))
    assert run(story_db, "initiative", "status", "city-centre").exit_code == 0
    assert run(story_db, "audit", "verify").exit_code == 0
    assert run(story_db, "audit", "verify", "--head", str(head_before)).exit_code == 0


def change_kind_of_joiner(connection: sqlite3.Connection, k: int) -> int:
    state = row(connection, k)[3]
    assert b'"kind":"resident"' in state
    connection.execute(
        "UPDATE stored_events SET state = ? WHERE rowid = ?",
        [state.replace(b'"kind":"resident"', b'"kind":"facilitator"'), k],
    )
    return k


def test_a_rewritten_trail_is_caught_by_the_published_head_at_its_position(
    story_db: Path, run: Run
) -> None:
    """Someone changes an event and rebuilds the trail by hand (emptying the views
    with SQL, then catching up): the trail agrees with the store again, so only the
    published head proves the change, at the head's position."""
    head = published_head(story_db)

    def rewrite(connection: sqlite3.Connection) -> int:
        k = change_one_byte(connection)
        for table in ("view_audit_trail", "view_audit_heads", "view_audit_owners"):
            connection.execute(f"DELETE FROM {table}")
        connection.execute(
            "UPDATE tracking SET notification_id = 0 WHERE application_name = ?",
            ["samenspraak.view.audit-trail"],
        )
        return k

    tamper_with(story_db, rewrite)
    assert run(story_db, "projections", "catch-up").exit_code == 0
    internal = run(story_db, "audit", "verify")
    assert internal.exit_code == 0, internal.output
    assert "internal consistency only" in internal.stdout
    assert_not_intact(run(story_db, "audit", "verify", "--head", str(head)), 70)


def started(db: Path, *slugs: str) -> Path:
    """A new record in which these initiatives started, one event each."""
    app = Samenspraak.open(str(db))
    try:
        app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
        for slug in slugs:
            app.start_initiative(
                {"actor": "f", "initiative": slug, "title": f"The {slug}",
                 "description": "Together.", "area": "The old town",
                 "budget": "1000.00", "level": "co-deciding"}
            )  # fmt: skip
    finally:
        app.close()
    return db


def test_an_initiative_head_given_alone_is_never_passed_and_finds_tampering_named(
    tmp_path: Path, run: Run
) -> None:
    db = started(tmp_path / "two.db", "north", "south", "east")
    south = run(db, "audit", "head", "south").stdout.strip()
    assert south.startswith("2:")
    with closing(sqlite3.connect(db)) as connection:
        connection.execute(
            "UPDATE stored_events SET state = replace(state, 'co-deciding', "
            "'co-producing') WHERE rowid = 2"
        )
        connection.commit()
    # Alone, the head is taken as the whole record's, which it is not: not passed.
    alone = run(db, "audit", "verify", "--head", south)
    assert alone.exit_code == 2
    assert alone.stderr.endswith("verify it with --initiative south.\n")
    result = run(db, "audit", "verify", "--initiative", "south", "--head", south)
    assert result.exit_code == 1
    assert result.stdout.startswith("NOT INTACT at position 2")


@pytest.mark.parametrize("change", ["swap", "rename", "unerase"])
def test_a_changed_directory_is_found_by_audit_verify(
    story_db: Path, run: Run, change: str
) -> None:
    """Who is who: the directory's references and names against the identity
    texts the events commit to."""
    with closing(sqlite3.connect(story_db)) as connection:
        if change == "swap":
            for old, new in (
                ("bakery", "swapping"),
                ("library", "bakery"),
                ("swapping", "library"),
            ):
                connection.execute(
                    "UPDATE samenspraak_stakeholders SET ref = ? WHERE ref = ?",
                    [new, old],
                )
        elif change == "rename":
            connection.execute(
                "UPDATE samenspraak_stakeholders SET name = 'The evil bakery' "
                "WHERE ref = 'bakery'"
            )
        else:  # the identity texts erased, the name left standing
            connection.execute(
                "UPDATE samenspraak_texts SET body = NULL, salt = NULL "
                "WHERE purpose = 'identity' AND body LIKE '%bakery%'"
            )
        connection.commit()

    result = run(story_db, "audit", "verify")

    assert result.exit_code == 1, result.output
    position = int(result.stdout.split()[4].rstrip(":"))
    assert 1 <= position <= 70  # the event that committed to the identity
    expected = {
        "swap": "another reference or name than the identity the events commit to.",
        "rename": "another reference or name than the identity the events commit to.",
        "unerase": "was erased, but no erasure of theirs is recorded.",
    }[change]
    assert result.stdout.rstrip().endswith(expected), result.stdout


def test_a_name_put_back_after_an_erasure_is_found_by_audit_verify(
    story_db: Path, run: Run
) -> None:
    app = Samenspraak.open(str(story_db), create=False)
    try:
        erasure = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "bakery"}
        )
    finally:
        app.close()
    assert run(story_db, "audit", "verify").exit_code == 0
    with closing(sqlite3.connect(story_db)) as connection:
        connection.execute(
            "UPDATE samenspraak_stakeholders SET ref = 'bakery', name = 'A bakery' "
            "WHERE ref = ?",
            [erasure.now_named],
        )
        connection.commit()

    result = run(story_db, "audit", "verify")

    assert result.exit_code == 1
    assert result.stdout.rstrip().endswith(
        "The directory names bakery, whose identity was erased."
    )


def test_a_salt_that_is_not_hexadecimal_is_a_changed_identity(
    story_db: Path, run: Run
) -> None:
    with closing(sqlite3.connect(story_db)) as connection:
        connection.execute(
            "UPDATE samenspraak_texts SET salt = 'zz' WHERE purpose = 'identity' "
            "AND body LIKE '%bakery%'"
        )
        connection.commit()
    result = run(story_db, "audit", "verify")
    assert result.exit_code == 1
    assert result.stdout.startswith("NOT INTACT at position 2: The text ")
    assert result.stdout.rstrip().endswith(
        "(identity) that the event at position 2 refers to was changed: it no longer "
        "matches the commitment the event holds."
    )


def test_the_head_of_an_empty_store_verifies_against_that_store(
    tmp_path: Path, run: Run
) -> None:
    db = tmp_path / "empty.db"
    Samenspraak.open(str(db)).close()
    head = run(db, "audit", "head")
    assert head.stdout.strip() == f"0:{GENESIS}"
    result = run(db, "audit", "verify", "--head", head.stdout.strip())
    assert result.exit_code == 0, result.output


def test_an_initiative_head_verifies_when_the_log_holds_two_initiatives(
    tmp_path: Path, run: Run
) -> None:
    db = started(tmp_path / "two.db", "north", "south")
    # The south's chain holds only its own record, at position 2.
    south = run(db, "audit", "head", "south").stdout.strip()
    assert south.startswith("2:")
    global_head = run(db, "audit", "head").stdout.strip()
    assert global_head.startswith("2:")
    assert run(db, "audit", "verify", "--head", global_head).exit_code == 0
    # It is not the whole record's head but the south's own: that chain is checked
    # when it is named (given alone, a head is the whole record's).
    alone = run(db, "audit", "verify", "--head", south)
    assert alone.exit_code == 2
    assert alone.stderr == (
        f"Error: The head {south} is not the whole record's: the audit trail has it "
        "as south's own chain head (as reports, exports and the council's records "
        "give); verify it with --initiative south.\n"
    )
    result = run(db, "audit", "verify", "--initiative", "south", "--head", south)
    assert result.exit_code == 0, result.output
    north = run(db, "audit", "head", "north").stdout.strip()
    assert north.startswith("1:")
    assert (
        run(db, "audit", "verify", "--initiative", "north", "--head", north).exit_code
        == 0
    )
    # Another initiative's head cannot be checked against this one: exit 2, not 1.
    wrong = run(db, "audit", "verify", "--initiative", "north", "--head", south)
    assert wrong.exit_code == 2
    assert wrong.stderr == (
        f"Error: The head {south} is south's, not north's; verify it with "
        "--initiative south.\n"
    )
    # Nor can the whole record's head be checked against one initiative's chain.
    whole = run(db, "audit", "verify", "--initiative", "south", "--head", global_head)
    assert whole.exit_code == 2
    assert whole.stderr == (
        f"Error: The head {global_head} is the whole record's, not south's own chain "
        "head; verify it without naming the initiative.\n"
    )


@pytest.mark.parametrize("what", ["a renamed stakeholder", "a forged reaction text"])
def test_no_report_and_no_export_are_made_from_a_changed_directory_or_text(
    story_db: Path, run: Run, tmp_path: Path, what: str
) -> None:
    with closing(sqlite3.connect(story_db)) as connection:
        if what == "a renamed stakeholder":
            connection.execute(
                "UPDATE samenspraak_stakeholders SET ref = 'bakkerij' "
                "WHERE ref = 'bakery'"
            )
        else:
            connection.execute(
                "UPDATE samenspraak_texts SET body = 'Forged text' WHERE id = "
                "(SELECT id FROM samenspraak_texts WHERE purpose = 'reaction' "
                "ORDER BY id LIMIT 1)"
            )
        connection.commit()

    exported = run(story_db, "export", "city-centre", "-o", str(tmp_path / "b.zip"))
    assert exported.exit_code == 1, exported.output
    assert exported.stderr.startswith(
        "Error: Refusing to export: the event at position "
    )
    assert not (tmp_path / "b.zip").exists()
    if what == "a renamed stakeholder":
        report = run(story_db, "report", "city-centre")
        assert report.exit_code == 1
        assert report.stderr.startswith(
            "Error: Refusing to build the report: the record of city-centre is not "
            "intact at position "
        )
        assert "The directory gives bakkerij another reference or name" in report.stderr


# --- Texts against their commitments ---------------------------------------------------


def referring_position(connection: sqlite3.Connection, text_id: str) -> int:
    """The position of the (first) event that refers to a text."""
    found = connection.execute(
        "SELECT rowid FROM stored_events WHERE instr(state, ?) > 0 ORDER BY rowid",
        [text_id.encode()],
    ).fetchone()
    assert found is not None, text_id
    return int(found[0])


def a_reaction_text(connection: sqlite3.Connection) -> tuple[str, int]:
    """A reaction's text (the first kept) and the position that refers to it."""
    found = connection.execute(
        "SELECT id FROM samenspraak_texts WHERE purpose = 'reaction' "
        "AND body IS NOT NULL ORDER BY rowid"
    ).fetchone()
    assert found is not None
    return found[0], referring_position(connection, found[0])


def tamper_with_a_reaction_text(
    db: Path,
    statement: str = "UPDATE samenspraak_texts SET body = 'Something else' "
    "WHERE id = ?",
) -> tuple[str, int]:
    """Apply ``statement`` (with the text's id as its parameter) to a reaction's
    text; returns the text's id and the position of the event that refers to it."""
    with closing(sqlite3.connect(db)) as connection:
        text_id, position = a_reaction_text(connection)
        connection.execute(statement, [text_id])
        connection.commit()
    return text_id, position


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE samenspraak_texts SET body = body || ' (and more)' WHERE id = ?",
        "UPDATE samenspraak_texts SET salt = NULL WHERE id = ?",
        "UPDATE samenspraak_texts SET salt = 'not hexadecimal' WHERE id = ?",
    ],
    ids=["words added", "salt removed", "salt not hexadecimal"],
)
def test_a_changed_text_is_found_by_audit_verify_at_the_event_that_refers_to_it(
    story_db: Path, run: Run, change: str
) -> None:
    """Someone who can write the file rewrites what a resident said: the events
    and the chains are untouched, but the reaction's commitment no longer holds."""
    head = published_head(story_db)
    text_id, position = tamper_with_a_reaction_text(story_db, change)

    for args in ((), ("--head", str(head)), ("--initiative", "city-centre")):
        result = run(story_db, "audit", "verify", *args)
        assert result.exit_code == 1, result.output
        assert result.stdout.splitlines() == [
            f"NOT INTACT at position {position}: The text {text_id} (reaction) that "
            f"the event at position {position} refers to was changed: it no longer "
            "matches the commitment the event holds."
        ]


def references(connection: sqlite3.Connection, *, kept: bool) -> int:
    """How many times the stored events name a text that is kept (or erased)."""
    found = connection.execute(
        "SELECT count(*) FROM samenspraak_texts t JOIN stored_events e "
        "ON instr(e.state, CAST(t.id AS BLOB)) > 0 "
        f"WHERE t.body IS {'NOT ' if kept else ''}NULL"
    ).fetchone()
    return int(found[0])


def test_every_reference_to_a_text_kept_is_counted_when_the_record_verifies(
    story_db: Path,
) -> None:
    app = Samenspraak.open(str(story_db), create=False)
    try:
        before = app.verify_audit()
        with closing(sqlite3.connect(story_db)) as connection:
            all_before = references(connection, kept=True)
        app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "bakery", "texts": True}
        )
        after = app.verify_audit()
    finally:
        app.close()
    with closing(sqlite3.connect(story_db)) as connection:
        kept = references(connection, kept=True)
        erased = references(connection, kept=False)
    assert before.intact
    assert after.intact, after.problem
    assert erased > 0  # the texts the bakery gave, and its identity: passed over
    assert (before.texts_checked, after.texts_checked) == (all_before, kept)
    assert f"({kept} references checked)" in after.proves


def test_a_report_and_an_export_refuse_an_initiative_with_a_changed_text(
    story_db: Path, run: Run, tmp_path: Path
) -> None:
    text_id, position = tamper_with_a_reaction_text(story_db)

    report = run(story_db, "report", "city-centre")
    export = run(story_db, "export", "city-centre", "-o", str(tmp_path / "b.zip"))

    assert report.exit_code != 0
    assert report.output.startswith(
        "Error: Refusing to build the report: the record of city-centre is not "
        f"intact at position {position} (The text {text_id} (reaction) that the event"
    ), report.output
    assert export.exit_code != 0
    assert export.output.startswith(
        f"Error: Refusing to export: the event at position {position} refers to the "
        f"text {text_id}, which no longer matches the commitment it holds;"
    ), export.output
    assert not (tmp_path / "b.zip").exists()


def test_the_text_references_read_from_the_stored_bytes_are_those_the_events_hold(
    story_db: Path,
) -> None:
    """The check reads references without decoding events; decoding each event
    finds exactly the same ones."""
    app = Samenspraak.open(str(story_db), create=False)
    try:
        fast = TextCheck(app.store, app.mapper)
        slow = TextCheck(app.store, app.mapper)
        slow.plain = False
        records = app.store.select_records(0, 1000)
        found = [sorted(fast.refs(r)) for r in records]
        assert found == [sorted(slow.refs(r)) for r in records]
        assert sum(1 for refs in found if refs) > len(records) // 2  # most do
    finally:
        app.close()


def test_a_changed_text_is_found_when_the_stored_events_are_compressed(
    tmp_path: Path,
) -> None:
    db = tmp_path / "compressed.db"
    env = {
        **storage_env(str(db)),
        "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
    }
    app = Samenspraak(env)
    try:
        play(app, say=lambda line: None)
        assert app.verify_audit().intact
        with closing(sqlite3.connect(db)) as connection:
            assert b"text_ref" not in row(connection, 1)[3]  # compressed
            text_id = connection.execute(
                "SELECT id FROM samenspraak_texts WHERE purpose = 'reaction' "
                "ORDER BY rowid"
            ).fetchone()[0]
            connection.execute(
                "UPDATE samenspraak_texts SET body = 'Something else' WHERE id = ?",
                [text_id],
            )
            connection.commit()
        check = app.verify_audit()
    finally:
        app.close()
    assert not check.intact
    assert check.problem is not None
    assert check.problem.startswith(f"The text {text_id} (reaction) that the event")


def test_a_changed_text_is_found_whatever_purpose_its_row_claims(
    story_db: Path, run: Run
) -> None:
    """The purpose column is only a label: a rewritten reaction relabelled as an
    identity is still checked against its commitment."""
    with closing(sqlite3.connect(story_db)) as connection:
        text_id, position = a_reaction_text(connection)
        connection.execute(
            "UPDATE samenspraak_texts SET body = 'I fully support the plan', "
            "purpose = 'identity' WHERE id = ?",
            [text_id],
        )
        connection.commit()
    result = run(story_db, "audit", "verify", "--initiative", "city-centre")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"NOT INTACT at position {position}: The text ")


@pytest.mark.parametrize(
    ("column", "value", "intact"),
    [
        ("body", "CAST(body AS BLOB)", True),  # the same words, stored as bytes
        ("body", "CAST('Something else' AS BLOB)", False),
        ("salt", "CAST(salt AS BLOB)", False),  # a salt must be hexadecimal text
    ],
)
def test_a_text_stored_as_bytes_is_compared_by_its_bytes(
    story_db: Path, run: Run, column: str, value: str, intact: bool
) -> None:
    with closing(sqlite3.connect(story_db)) as connection:
        text_id, position = a_reaction_text(connection)
        connection.execute(
            f"UPDATE samenspraak_texts SET {column} = {value} WHERE id = ?", [text_id]
        )
        connection.commit()
    result = run(story_db, "audit", "verify")
    if intact:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1, result.output
        assert result.stdout.startswith(
            f"NOT INTACT at position {position}: The text {text_id} (reaction)"
        )


def test_a_state_stored_as_text_with_the_same_content_still_verifies_its_texts(
    story_db: Path, run: Run
) -> None:
    """SQLite keeps what an edit gives it: a state turned into TEXT without a
    change in content hashes the same, and its text references are read the same."""
    before = run(story_db, "audit", "verify").stdout
    with closing(sqlite3.connect(story_db)) as connection:
        text_id, position = a_reaction_text(connection)
        connection.execute(
            "UPDATE stored_events SET state = CAST(state AS TEXT) WHERE rowid = ?",
            [position],
        )
        kind = connection.execute(
            "SELECT typeof(state) FROM stored_events WHERE rowid = ?", [position]
        ).fetchone()
        connection.commit()
    assert kind == ("text",)
    result = run(story_db, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert result.stdout == before
    with closing(sqlite3.connect(story_db)) as connection:
        connection.execute(
            "UPDATE samenspraak_texts SET body = 'Something else' WHERE id = ?",
            [text_id],
        )
        connection.commit()
    changed = run(story_db, "audit", "verify")
    assert changed.exit_code == 1
    assert changed.stdout.startswith(f"NOT INTACT at position {position}: The text")


def test_a_text_changed_before_a_changed_event_is_the_first_problem(
    story_db: Path, run: Run
) -> None:
    _, position = tamper_with_a_reaction_text(story_db)
    later = tamper_with(story_db, change_one_byte)  # the vote at position 26
    assert position < later
    result = run(story_db, "audit", "verify")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"NOT INTACT at position {position}: The text ")


@pytest.mark.parametrize(
    "respell",
    [
        lambda state: json.dumps(json.loads(state)).encode(),  # with spaces
        lambda state: json.dumps(json.loads(state), sort_keys=True).encode(),
        lambda state: state.replace(b'"id":"', b'"\\u0069d":"'),  # escaped
    ],
    ids=["spaces", "keys reordered", "escaped"],
)
def test_text_references_are_found_in_a_state_written_another_way(
    story_db: Path, respell: Callable[[bytes], bytes]
) -> None:
    """A bundle's stored bytes are replayed as they are, so a state may be JSON
    written otherwise than the engine writes it: its references are decoded."""
    app = Samenspraak.open(str(story_db), create=False)
    try:
        check = TextCheck(app.store, app.mapper)
        records = app.store.select_records(0, 1000)
        respelled = [(*r[:4], respell(bytes(r[4]))) for r in records]
        assert [check.refs(r) for r in respelled] == [check.refs(r) for r in records]
        asked: list[str] = []

        class Texts:
            def select_text_bodies(self, ids: Sequence[str]) -> list[Any]:
                asked.extend(ids)
                return [(i, "reaction", "", None) for i in ids]  # as if erased

        check.texts = Texts()
        assert check.page(respelled) is None
        assert sorted(asked) == sorted(i for r in records for i, _ in check.refs(r))
        assert len(asked) > len(records) // 2
    finally:
        app.close()


def test_a_reaction_emptied_without_an_erasure_is_found(
    story_db: Path, run: Run
) -> None:
    """Emptying a text is what an erasure does, but only to the texts of someone
    whose texts were erased; a reaction quietly emptied is tampering."""
    with closing(sqlite3.connect(story_db)) as connection:
        text_id, position = a_reaction_text(connection)
        connection.execute(
            "UPDATE samenspraak_texts SET body = NULL, salt = NULL, erased_at = "
            "'2026-12-01' WHERE id = ?",
            [text_id],
        )
        connection.commit()
    result = run(story_db, "audit", "verify")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"NOT INTACT at position {position}: The text {text_id} (reaction) that the "
        f"event at position {position} refers to was emptied, but no erasure of the "
        "texts of the stakeholder who gave it is recorded."
    ]


def test_an_erasure_without_texts_does_not_explain_an_emptied_reaction(
    story_db: Path,
) -> None:
    app = Samenspraak.open(str(story_db), create=False)
    try:
        bakery = app.store.select_stakeholder(ref="bakery")
        assert bakery is not None
        app.erase_stakeholder({"actor": "facilitator", "stakeholder": "bakery"})
        assert app.verify_audit().intact
        with closing(sqlite3.connect(story_db)) as connection:
            position, state = connection.execute(
                "SELECT rowid, state FROM stored_events WHERE topic LIKE "
                "'%.ReactionAdded' AND instr(state, CAST(? AS BLOB)) > 0",
                [f'"stakeholder":"{bakery.id}"'],
            ).fetchone()
            text_id = TEXT_REF.findall(state)[0][0].decode()  # the reaction's text
            connection.execute(
                "UPDATE samenspraak_texts SET body = NULL, salt = NULL WHERE id = ?",
                [text_id],
            )
            connection.commit()
        check = app.verify_audit(initiative="city-centre")
    finally:
        app.close()
    assert not check.intact
    assert check.first_bad_position == position
    assert check.problem is not None
    assert check.problem.endswith(
        "was emptied, but no erasure of the texts of the stakeholder who gave it is "
        "recorded."
    )


def test_a_text_no_erasure_empties_is_found_emptied(story_db: Path, run: Run) -> None:
    with closing(sqlite3.connect(story_db)) as connection:
        text_id = connection.execute(
            "SELECT id FROM samenspraak_texts WHERE purpose = 'draft text' "
            "ORDER BY rowid"
        ).fetchone()[0]
        position = referring_position(connection, text_id)
        connection.execute(
            "UPDATE samenspraak_texts SET body = NULL, salt = NULL WHERE id = ?",
            [text_id],
        )
        connection.commit()
    result = run(story_db, "audit", "verify")
    assert result.exit_code == 1
    assert result.stdout.rstrip().endswith(
        f"The text {text_id} (draft text) that the event at position {position} "
        "refers to was emptied, but no erasure empties such a text."
    )


def test_a_text_deleted_from_the_store_is_found_missing(
    story_db: Path, run: Run
) -> None:
    with closing(sqlite3.connect(story_db)) as connection:
        text_id, position = a_reaction_text(connection)
        connection.execute("DELETE FROM samenspraak_texts WHERE id = ?", [text_id])
        connection.commit()
    for args in ((), ("--initiative", "city-centre")):
        result = run(story_db, "audit", "verify", *args)
        assert result.exit_code == 1
        assert result.stdout.splitlines() == [
            f"NOT INTACT at position {position}: The text {text_id} that the event at "
            f"position {position} refers to is missing from the text store."
        ]
    report = run(story_db, "report", "city-centre")
    assert report.exit_code != 0
    assert "is missing from the text store" in report.output


@pytest.mark.parametrize(
    ("tampering", "problem"),
    [
        (
            "DELETE FROM samenspraak_texts WHERE id = ?",
            "refers to is missing from the text store",
        ),
        (
            "UPDATE samenspraak_texts SET body = NULL, salt = NULL WHERE id = ?",
            "refers to was emptied, but no erasure of the texts of the stakeholder who "
            "gave it is recorded",
        ),
        (  # a text without its salt would otherwise be left out as if erased
            "UPDATE samenspraak_texts SET salt = NULL WHERE id = ?",
            "refers to was changed",
        ),
    ],
    ids=["deleted", "emptied", "salt removed"],
)
def test_an_export_refuses_a_text_missing_or_emptied_without_an_erasure(
    story_db: Path, run: Run, tmp_path: Path, tampering: str, problem: str
) -> None:
    text_id, position = tamper_with_a_reaction_text(story_db, tampering)
    bundle = tmp_path / "b.zip"
    result = run(story_db, "export", "city-centre", "-o", str(bundle))
    assert result.exit_code != 0
    assert result.output.startswith(
        "Error: Refusing to export: the record of city-centre is not intact at "
        f"position {position} (The text {text_id} "
    ), result.output
    assert problem in result.output
    assert not bundle.exists()


def test_states_stored_as_text_with_the_same_content_verify(
    story_db: Path, run: Run
) -> None:
    """Every state turned into TEXT, with an erasure among them: the chain and the
    checks read them as their UTF-8 bytes. (Reading the events themselves is the
    library's, which refuses a state stored as text.)"""
    app = Samenspraak.open(str(story_db), create=False)
    try:
        app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "bakery", "texts": True}
        )
        head = app.audit_head()
    finally:
        app.close()
    with closing(sqlite3.connect(story_db)) as connection:
        connection.execute("UPDATE stored_events SET state = CAST(state AS TEXT)")
        connection.commit()
    for args in (("--head", str(head)), ("--initiative", "city-centre")):
        verified = run(story_db, "audit", "verify", *args)
        assert verified.exit_code == 0, verified.output


def test_an_erasure_an_earlier_version_did_not_record_is_recorded_by_erasing_again(
    story_db: Path,
) -> None:
    """Before erasures were recorded as events, erasing someone's texts left no
    trace in the record; the check then finds their texts emptied without an
    erasure. Erasing them again records it."""
    app = Samenspraak.open(str(story_db), create=False)
    try:
        bakery = app.store.select_stakeholder(ref="bakery")
        assert bakery is not None
        app.catch_up()
        given = app._texts_given(app.state.documents(), bakery.id)
        assert given
        with closing(sqlite3.connect(story_db)) as connection:
            connection.executemany(
                "UPDATE samenspraak_texts SET body = NULL, salt = NULL WHERE id = ?",
                [[text_id] for text_id in given],
            )
            connection.commit()
        before = app.verify_audit()
        erasure = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "bakery", "texts": True}
        )
        after = app.verify_audit()
    finally:
        app.close()
    assert not before.intact
    assert before.problem is not None
    assert "no erasure of the texts of the stakeholder who gave it" in before.problem
    assert erasure.texts == 0  # nothing left to erase: only the record is new
    assert after.intact, after.problem


def test_verification_links_the_chain_exactly_as_the_audit_trail_does(
    story_db: Path,
) -> None:
    """``audit verify`` hashes each record part by part (ChainLink); the trail
    hashes the canonical record whole (next_chain_hash). Over every record of the
    story, and a state rewritten as text, the two agree."""
    with closing(sqlite3.connect(story_db)) as connection:
        rows = connection.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "ORDER BY rowid"
        ).fetchall()
    rows.append((rows[0][0], 99, rows[0][2], "a state rewritten as text"))
    link = ChainLink()
    whole, parts = GENESIS, bytes.fromhex(GENESIS)
    for originator, version, topic, state in rows:
        ident = str(originator).replace("-", "")
        whole = next_chain_hash(whole, canonical_record(ident, version, topic, state))
        parts = link.next(parts, ident, version, topic, state)
        assert parts.hex() == whole
    assert len(rows) == 71


def test_verifying_an_initiative_that_does_not_exist_says_so(story_db: Path) -> None:
    app = Samenspraak.open(story_db, create=False)
    try:
        with pytest.raises(NotFound) as missing:
            app.verify_audit(initiative="harbour")
    finally:
        app.close()
    assert str(missing.value) == "There is no initiative called harbour."


def test_a_head_at_another_position_than_its_hash_is_said_to_be_so(
    story_db: Path, run: Run
) -> None:
    """The hash decides what is proven; a position that does not match it is not
    passed over in silence."""
    head = published_head(story_db)
    moved = Head(5, head.chain_hash)
    found = run(story_db, "audit", "verify", "--head", str(moved))
    assert found.exit_code == 0, found.output
    assert found.stdout.splitlines()[1].startswith(
        f"The published head's hash is where the whole record's chain reaches at "
        f"position {head.position} of this record, not 5 (a replayed copy numbers its "
        "log anew), so it was checked up to there. "
    )


def test_a_record_slipped_in_from_another_initiative_fails_the_whole_record_s_head(
    story_db: Path,
) -> None:
    """With one initiative, the whole record's chain and the initiative's are the
    same; a record of another initiative slipped in before the head changes the
    first, and the head may not be taken as the initiative's to pass it."""
    head = published_head(story_db)
    app = Samenspraak.open(story_db, create=False)
    try:
        app.start_initiative(
            {"actor": "facilitator", "initiative": "fake", "title": "Fake",
             "description": "D", "area": "A", "budget": "0", "level": "informing"}
        )  # fmt: skip
    finally:
        app.close()
    with closing(sqlite3.connect(story_db)) as connection:
        # Move the new record to position 11 and the rest of the log after it.
        last = connection.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
        connection.execute(
            f"UPDATE stored_events SET rowid = rowid + 1000 WHERE rowid BETWEEN 11 AND {last - 1}"
        )
        connection.execute(f"UPDATE stored_events SET rowid = 11 WHERE rowid = {last}")
        connection.execute(
            "UPDATE stored_events SET rowid = rowid - 999 WHERE rowid > 1000"
        )
        for table in ("view_audit_trail", "view_audit_heads", "view_audit_owners"):
            connection.execute(f"DELETE FROM {table}")
        connection.execute(
            "UPDATE tracking SET notification_id = 0 "
            "WHERE application_name = 'samenspraak.view.audit-trail'"
        )
        connection.commit()
    app = Samenspraak.open(story_db, create=False)
    try:
        app.catch_up()
        # The trail was rebuilt over the changed log: the whole record's chain no
        # longer reaches the head anywhere, and the head is not passed. (The
        # trail still has it as city-centre's, whose own records are unchanged.)
        with pytest.raises(InvalidInput, match="is not the whole record's"):
            app.verify_audit(head)
        # A trail that hides the record slipped in changes nothing: the chain is
        # recomputed from the event store.
        with closing(sqlite3.connect(story_db)) as connection:
            connection.execute("DELETE FROM view_audit_trail WHERE position = 11")
            connection.commit()
        with pytest.raises(InvalidInput, match="is not the whole record's"):
            app.verify_audit(head)
    finally:
        app.close()


@pytest.mark.parametrize("moved", ["the start", "all"])
def test_a_text_whose_start_was_moved_into_its_salt_is_a_changed_text(
    story_db: Path, moved: str
) -> None:
    """The salt and the body are hashed one after the other; moving the start of a
    body into the salt would keep the commitment, so a salt is exactly 16 bytes."""
    head = published_head(story_db)
    with closing(sqlite3.connect(story_db)) as connection:
        text_id, salt, body = connection.execute(
            "SELECT id, salt, body FROM samenspraak_texts WHERE purpose = 'reaction' "
            "ORDER BY id LIMIT 1"
        ).fetchone()
        cut = 8 if moved == "the start" else len(body)
        connection.execute(
            "UPDATE samenspraak_texts SET salt = ?, body = ? WHERE id = ?",
            [salt + body[:cut].encode("utf-8").hex(), body[cut:], text_id],
        )
        connection.commit()
    app = Samenspraak.open(story_db, create=False)
    try:
        check = app.verify_audit(head)
        with pytest.raises(NotAllowed):
            app.participation_report("city-centre")
    finally:
        app.close()
    assert not check.intact
    assert check.problem is not None
    assert check.problem.startswith(f"The text {text_id} (reaction) ")


@pytest.mark.parametrize("how", ["before the first position", "an id in capitals"])
def test_a_record_the_engine_cannot_have_written_is_found(
    story_db: Path, how: str
) -> None:
    """Catching up reads from position 1 and ids as the engine writes them; a row
    put in at position 0, or under an id written in capitals (which the library
    still reads as the aggregate's), is reported, with or without an initiative."""
    head = published_head(story_db)
    with closing(sqlite3.connect(story_db)) as connection:
        originator, _version, topic, state = connection.execute(
            "SELECT originator_id, originator_version, topic, state "
            "FROM stored_events WHERE rowid = 2"
        ).fetchone()
        if how == "before the first position":
            connection.execute(
                "INSERT INTO stored_events (rowid, originator_id, originator_version, "
                "topic, state) VALUES (0, ?, 99, ?, ?)",
                [originator, topic, state],
            )
            at = 0
        else:
            connection.execute(
                "UPDATE stored_events SET originator_id = ? WHERE rowid = 2",
                [originator.upper()],
            )
            at = 2
        connection.commit()
    app = Samenspraak.open(story_db, create=False)
    try:
        checks = [
            app.verify_audit(head),
            app.verify_audit(head, initiative="city-centre"),
            app.verify_audit(),
        ]
    finally:
        app.close()
    for check in checks:
        assert not check.intact
        assert check.first_bad_position == at
        assert check.problem is not None
        assert check.problem.startswith(
            f"The event at position {at} was put in outside the engine"
        )


TEXT_CHANGES: dict[str, Tamper] = {
    "a-text-changed": lambda c: _change_a_reaction_text(
        c, "UPDATE samenspraak_texts SET body = 'Something else' WHERE id = ?"
    ),
    "a-text-emptied": lambda c: _change_a_reaction_text(
        c, "UPDATE samenspraak_texts SET body = NULL, salt = NULL WHERE id = ?"
    ),
    "a-text-deleted": lambda c: _change_a_reaction_text(
        c, "DELETE FROM samenspraak_texts WHERE id = ?"
    ),
    "a-text-changed-and-an-earlier-row-deleted": lambda c: min(
        _change_a_reaction_text(
            c, "UPDATE samenspraak_texts SET body = 'Something else' WHERE id = ?"
        ),
        delete_one_row(c),
    ),
}


def _change_a_reaction_text(connection: sqlite3.Connection, statement: str) -> int:
    text_id, position = a_reaction_text(connection)
    connection.execute(statement, [text_id])
    return position


@pytest.mark.parametrize("tampering", [*TAMPERINGS, *TEXT_CHANGES, "untouched"])
def test_a_large_record_whose_texts_are_checked_in_another_process_gets_the_same_verdict(
    story_db: Path, tampering: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a large log on, audit verify checks the texts in a process of its own
    while it recomputes the chain. Whatever was changed, it finds the same first
    position and problem as checking both in one pass, with and without a head."""
    import samenspraak.application.app as engine  # noqa: PLC0415

    head = published_head(story_db)
    changes = {**TAMPERINGS, **TEXT_CHANGES}
    if tampering in changes:
        tamper_with(story_db, changes[tampering])
    started: list[bool] = []
    apart = engine._TextsApart

    class Watched(apart):  # type: ignore[misc, valid-type]
        def __init__(self, *given: Any) -> None:
            started.append(True)
            super().__init__(*given)

    app = Samenspraak.open(str(story_db), create=False)
    try:
        in_one_pass = [app.verify_audit(), app.verify_audit(head)]
        monkeypatch.setattr(engine, "TEXTS_APART_FROM", 0)
        monkeypatch.setattr(engine, "_TextsApart", Watched)
        apart_ = [app.verify_audit(), app.verify_audit(head)]
    finally:
        app.close()
    assert started == [True, True]
    for one, other in zip(in_one_pass, apart_, strict=True):
        assert (other.intact, other.first_bad_position, other.problem) == (
            one.intact,
            one.first_bad_position,
            one.problem,
        )
        if one.intact:
            assert other == one
    assert in_one_pass[0].intact is (tampering == "untouched")


def test_a_server_that_embeds_python_checks_the_texts_in_its_own_process(
    story_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a server that embeds Python (uWSGI names itself as the executable),
    no second process is started: the texts are checked in the same pass."""
    import samenspraak.application.app as engine  # noqa: PLC0415

    text_id, position = tamper_with_a_reaction_text(story_db)
    started: list[bool] = []
    apart = engine._TextsApart

    class Watched(apart):  # type: ignore[misc, valid-type]
        def __init__(self, *given: Any) -> None:
            started.append(True)
            super().__init__(*given)

    monkeypatch.setattr(engine, "TEXTS_APART_FROM", 0)
    monkeypatch.setattr(engine, "_TextsApart", Watched)
    monkeypatch.setattr(engine.sys, "executable", "/usr/local/bin/uwsgi")
    app = Samenspraak.open(str(story_db), create=False)
    try:
        check = app.verify_audit()
    finally:
        app.close()
    assert started == []
    assert (check.intact, check.first_bad_position) == (False, position)
    assert check.problem is not None
    assert check.problem.startswith(f"The text {text_id} (reaction) that the event")


def _in_one_pass_and_apart(
    db: str, head: Head | None, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Any]:
    """``verify_audit(head)`` with the texts checked in the same pass, then by
    another process."""
    import samenspraak.application.app as engine  # noqa: PLC0415

    app = Samenspraak.open(db, create=False)
    try:
        one = app.verify_audit(head)
        with monkeypatch.context() as patch:
            patch.setattr(engine, "TEXTS_APART_FROM", 0)
            apart = app.verify_audit(head)
    finally:
        app.close()
    return one, apart


def test_a_text_changed_before_a_head_the_record_no_longer_matches_comes_first(
    story_db: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An event changed and the trail rebuilt by hand, and a text changed before
    it: the changed text is the first problem, with the texts checked in the same
    pass as in another process (however the log falls into pages)."""
    head = published_head(story_db)

    def rewrite(connection: sqlite3.Connection) -> int:
        k = change_one_byte(connection)
        for table in ("view_audit_trail", "view_audit_heads", "view_audit_owners"):
            connection.execute(f"DELETE FROM {table}")
        connection.execute(
            "UPDATE tracking SET notification_id = 0 WHERE application_name = ?",
            ["samenspraak.view.audit-trail"],
        )
        return k

    tamper_with(story_db, rewrite)
    assert run(story_db, "projections", "catch-up").exit_code == 0
    text_id, position = tamper_with_a_reaction_text(story_db)
    assert position < head.position
    one, apart = _in_one_pass_and_apart(str(story_db), head, monkeypatch)
    for check in (one, apart):
        assert (check.intact, check.first_bad_position) == (False, position)
        assert check.problem is not None
        assert check.problem.startswith(f"The text {text_id} (reaction) that")


def test_the_texts_are_checked_in_the_same_record_after_the_program_changed_folder(
    story_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record opened by a relative path, and the program then working in another
    folder: the process that checks the texts opens the same file (none is made
    in the other folder), and finds the changed text."""
    import samenspraak.application.app as engine  # noqa: PLC0415

    text_id, position = tamper_with_a_reaction_text(story_db)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(story_db.parent)
    app = Samenspraak.open(story_db.name, create=False)
    try:
        monkeypatch.chdir(elsewhere)
        monkeypatch.setattr(engine, "TEXTS_APART_FROM", 0)
        check = app.verify_audit()
    finally:
        app.close()
    assert (check.intact, check.first_bad_position) == (False, position)
    assert check.problem is not None
    assert check.problem.startswith(f"The text {text_id} (reaction) that")
    assert list(elsewhere.iterdir()) == []


def test_texts_the_other_process_does_not_read_are_checked_in_the_same_pass(
    story_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other process checks the texts of the log as it was when it started;
    those of events appended since are checked while the chain is recomputed. A
    process that opens another record than this one (or none) is not believed:
    the texts are then checked here."""
    import samenspraak.application.app as engine  # noqa: PLC0415

    text_id, position = tamper_with_a_reaction_text(story_db)
    apart = engine._TextsApart

    class Short(apart):  # type: ignore[misc, valid-type]
        """Told the log ends before the changed text's event."""

        def __init__(self, env: Any, upto: int) -> None:
            super().__init__(env, position - 1)

    class Elsewhere(apart):  # type: ignore[misc, valid-type]
        """Opens an empty record."""

        def __init__(self, env: Any, upto: int) -> None:
            super().__init__({**env, "SQLITE_DBNAME": str(story_db) + "-x"}, upto)

    monkeypatch.setattr(engine, "TEXTS_APART_FROM", 0)
    for kind in (Short, Elsewhere):
        monkeypatch.setattr(engine, "_TextsApart", kind)
        app = Samenspraak.open(str(story_db), create=False)
        try:
            check = app.verify_audit()
        finally:
            app.close()
        assert (check.intact, check.first_bad_position) == (False, position), kind
        assert check.problem is not None
        assert check.problem.startswith(f"The text {text_id} (reaction) that")
    assert not Path(str(story_db) + "-x").exists()


def test_a_text_checking_process_that_hangs_is_ended_and_the_texts_checked_here(
    story_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other process waits for something that never comes (a lock, say): after
    its time it is ended, and the texts are checked by the verifying process."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    import samenspraak.application.app as engine  # noqa: PLC0415

    text_id, position = tamper_with_a_reaction_text(story_db)
    apart = engine._TextsApart
    ended: list[object] = []

    class Hanging(apart):  # type: ignore[misc, valid-type]
        def __init__(self, env: Any, upto: int) -> None:
            self.upto = upto
            self.process = subprocess.Popen(
                [sys.executable, "-c", "import time; time.sleep(120)"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )

        def result(self, within: float) -> Any:
            found = super().result(within=0.5)
            ended.append(self.process.poll())
            return found

    monkeypatch.setattr(engine, "TEXTS_APART_FROM", 0)
    monkeypatch.setattr(engine, "_TextsApart", Hanging)
    app = Samenspraak.open(str(story_db), create=False)
    try:
        check = app.verify_audit()
    finally:
        app.close()
    assert len(ended) == 1
    assert ended[0] is not None  # it was ended
    assert (check.intact, check.first_bad_position) == (False, position)
    assert check.problem is not None
    assert check.problem.startswith(f"The text {text_id} (reaction) that the event")


def test_an_erasure_recorded_while_the_texts_process_runs_is_no_false_alarm(
    story_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chain was read before the bakery's erasure with texts was recorded; the
    process that checks the texts then finds their texts emptied. The erasure is
    read again at the end, so the record is intact, not "emptied, but no erasure
    is recorded"."""
    import samenspraak.application.app as engine  # noqa: PLC0415

    apart = engine._TextsApart
    other = Samenspraak.open(str(story_db), create=False)
    erased: list[bool] = []

    class Late(apart):  # type: ignore[misc, valid-type]
        def __init__(self, env: Any, upto: int) -> None:
            self.env = env
            super().__init__(env, upto)

        def result(self, within: float) -> Any:
            # The erasure comes after the chain was read; the texts are read after it.
            self.stop()
            other.erase_stakeholder(
                {"actor": "facilitator", "stakeholder": "bakery", "texts": True}
            )
            erased.append(True)
            super().__init__(self.env, self.upto)
            return super().result(within)

    read_again: list[int] = []
    erasure_records = Samenspraak._erasure_records

    def counted(self: Samenspraak) -> Any:
        found = erasure_records(self)
        read_again.append(len(found))
        return found

    monkeypatch.setattr(engine, "TEXTS_APART_FROM", 0)
    monkeypatch.setattr(engine, "_TextsApart", Late)
    monkeypatch.setattr(Samenspraak, "_erasure_records", counted)
    app = Samenspraak.open(str(story_db), create=False)
    try:
        check = app.verify_audit()
    finally:
        app.close()
        other.close()
    assert erased == [True]
    assert read_again == [1]  # the texts found emptied sent it to read them again
    assert check.intact, check.problem
