"""The CLI's projections and audit commands on the story's database."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

Run = Callable[..., Result]

STATE = "samenspraak.view.process-state"
AUDIT = "samenspraak.view.audit-trail"
RESPONSES = "samenspraak.view.response-report"
HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$")


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.exception is None
    assert "Traceback" not in result.output
    return result


def refused(result: Result) -> str:
    """The one sentence of a refusal (exit 1, nothing on stdout)."""
    assert result.exit_code == 1, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ")
    return line.removeprefix("Error: ")


def log(run: Run, db: Path, *args: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(
        ok(run(db, "audit", "log", "city-centre", *args, "--json")).stdout
    )
    return entries


# --- projections ------------------------------------------------------------------


def test_projections_status_shows_each_view_against_the_end_of_the_log(
    story_db: Path, run: Run
) -> None:
    # The story brings the views up to date when it leaves the phase where society
    # decides (position 32), and the audit trail when it informs the council (67).
    table = ok(run(story_db, "projections", "status")).stdout.splitlines()
    assert re.split(r"\s{2,}", table[0]) == ["view", "position", "log end", "behind"]
    assert set(table[1]) == {"-", " "}
    assert [line.split() for line in table[2:]] == [
        [STATE, "32", "70", "38"],
        [AUDIT, "67", "70", "3"],
        [RESPONSES, "32", "70", "38"],
    ]
    as_json = json.loads(ok(run(story_db, "projections", "status", "--json")).stdout)
    assert as_json == [
        {"view": STATE, "position": 32, "log_end": 70, "behind": 38},
        {"view": AUDIT, "position": 67, "log_end": 70, "behind": 3},
        {"view": RESPONSES, "position": 32, "log_end": 70, "behind": 38},
    ]


def test_projections_catch_up_applies_what_is_new_and_then_nothing(
    story_db: Path, run: Run, reference: dict[str, Any], dump_views: Callable[..., Any]
) -> None:
    first = ok(run(story_db, "projections", "catch-up"))
    assert first.stdout == ""
    assert first.stderr.splitlines() == [
        f"{STATE}: 38 events applied.",
        f"{AUDIT}: 3 events applied.",
        f"{RESPONSES}: 38 events applied.",
    ]
    status = json.loads(ok(run(story_db, "projections", "status", "--json")).stdout)
    assert [(s["position"], s["log_end"]) for s in status] == [(70, 70)] * 3
    again = ok(run(story_db, "projections", "catch-up"))
    assert again.stderr.splitlines() == [
        f"{view}: 0 events applied." for view in (STATE, AUDIT, RESPONSES)
    ]
    assert dump_views(story_db) == reference


def test_projections_rebuild_gives_identical_views(
    story_db: Path, run: Run, reference: dict[str, Any], dump_views: Callable[..., Any]
) -> None:
    ok(run(story_db, "projections", "catch-up"))
    before = dump_views(story_db)
    head = ok(run(story_db, "audit", "head")).stdout
    rebuilt = ok(run(story_db, "projections", "rebuild"))
    assert rebuilt.stdout == ""
    assert rebuilt.stderr.splitlines() == [
        f"{view}: rebuilt from 70 events." for view in (STATE, AUDIT, RESPONSES)
    ]
    assert dump_views(story_db) == before == reference
    assert ok(run(story_db, "audit", "head")).stdout == head
    # Rebuilding twice changes nothing either.
    ok(run(story_db, "projections", "rebuild"))
    assert dump_views(story_db) == before


@pytest.mark.parametrize(
    ("table", "change"),
    [
        ("view_responses", "UPDATE view_responses SET answer = 'defended' "
         "WHERE reaction = 1 AND answer = 'adopted'"),
        ("view_process_state", "UPDATE view_process_state SET slug = 'elsewhere' "
         "WHERE part = 'core'"),
        ("view_audit_trail", "UPDATE view_audit_trail SET actor = 'someone' "
         "WHERE position = 5"),
        ("view_response_plans", "DELETE FROM view_response_plans"),
    ],
)  # fmt: skip
def test_projections_verify_finds_a_view_changed_outside_the_engine(
    story_db: Path, run: Run, dump_views: Callable[..., Any], table: str, change: str
) -> None:
    ok(run(story_db, "projections", "catch-up"))
    agreed = ok(run(story_db, "projections", "verify"))
    assert agreed.stdout == (
        "The views agree with the events up to position 70: built again from them, "
        "they hold the same rows.\n"
    )
    with sqlite3.connect(story_db) as connection:
        assert connection.execute(change).rowcount > 0
    before = dump_views(story_db)
    sentence = refused(run(story_db, "projections", "verify"))
    assert sentence.startswith("The view samenspraak.view.")
    assert f"its table {table} differs from the one built from them again" in sentence
    assert sentence.endswith("rebuild the views (samenspraak projections rebuild).")
    assert dump_views(story_db) == before  # verifying changes nothing
    found = json.loads(run(story_db, "projections", "verify", "--json").stdout)
    assert (found["intact"], found["checked"]) == (False, 70)
    ok(run(story_db, "projections", "rebuild"))
    assert json.loads(ok(run(story_db, "projections", "verify", "--json")).stdout) == {
        "intact": True,
        "checked": 70,
        "problem": None,
    }


@pytest.mark.parametrize(
    ("position", "said"),
    [
        (75, "says it applied the log up to position 75, but the log ends at 70"),
        (60, "does not match the events up to position 60"),
    ],
)
def test_projections_verify_finds_a_position_changed_outside_the_engine(
    story_db: Path, run: Run, position: int, said: str
) -> None:
    ok(run(story_db, "projections", "catch-up"))
    with sqlite3.connect(story_db) as connection:
        connection.execute(
            "UPDATE tracking SET notification_id = ? WHERE application_name = ?",
            [position, AUDIT],
        )
    sentence = refused(run(story_db, "projections", "verify"))
    assert sentence.startswith(f"The view {AUDIT} ")
    assert said in sentence


def test_projections_verify_of_a_log_that_lost_its_last_event_sends_to_audit_verify(
    story_db: Path, run: Run
) -> None:
    ok(run(story_db, "projections", "catch-up"))
    with sqlite3.connect(story_db) as connection:
        connection.execute(
            "DELETE FROM stored_events WHERE rowid = (SELECT max(rowid) FROM "
            "stored_events)"
        )
    sentence = refused(run(story_db, "projections", "verify"))
    assert "but the log ends at 69: events were deleted from the end of the log" in (
        sentence
    )
    assert sentence.endswith(
        "check the record (samenspraak audit verify) and, if it is intact, rebuild "
        "the views (samenspraak projections rebuild)."
    )
    # Rebuilding, the advice alone, is refused: the record is not intact.
    assert refused(run(story_db, "projections", "rebuild")).startswith(
        "Refusing to rebuild: The event at position 70 was deleted"
    )


def test_projections_commands_never_create_a_database(tmp_path: Path, run: Run) -> None:
    missing = tmp_path / "missing.db"
    for args in (
        ("projections", "status"),
        ("projections", "catch-up"),
        ("projections", "rebuild"),
        ("projections", "verify"),
        ("audit", "head"),
        ("audit", "log", "city-centre"),
    ):
        sentence = refused(run(missing, *args))
        assert sentence.startswith(f"There is no samenspraak database at {missing}")
        assert not missing.exists()
    # audit verify exits 2 when it could not check: 1 would mean "not intact".
    verify = run(missing, "audit", "verify")
    assert verify.exit_code == 2, verify.output
    assert verify.stderr.startswith(
        f"Error: There is no samenspraak database at {missing}"
    )
    assert not missing.exists()


# --- audit head -------------------------------------------------------------------


def test_audit_head_prints_position_and_hash(story_db: Path, run: Run) -> None:
    global_head = ok(run(story_db, "audit", "head")).stdout
    found = HEAD.match(global_head.strip())
    assert found is not None, global_head
    assert found.group(1) == "70"
    assert global_head.endswith("\n")
    assert global_head.count("\n") == 1
    # One initiative in the log: its chain is the global chain.
    city = ok(run(story_db, "audit", "head", "city-centre")).stdout
    assert city == global_head
    assert refused(run(story_db, "audit", "head", "nowhere")) == (
        "There is no initiative called nowhere."
    )
    assert refused(run(story_db, "audit", "head", "Not_A_Ref")).startswith(
        "initiative: must be a reference"
    )


# --- audit log --------------------------------------------------------------------


def test_audit_log_lists_every_event_of_the_initiative(
    story_db: Path, run: Run
) -> None:
    lines = ok(run(story_db, "audit", "log", "city-centre")).stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == [
        "#",
        "recorded at",
        "about",
        "event",
        "actor",
        "summary",
    ]
    assert len(lines) == 2 + 70
    assert lines[2].split()[:5] == [
        "1",
        "2026-01-12T09:00+01:00",
        "city-centre",
        "Started",
        "facilitator",
    ]
    assert lines[-1].split()[:5] == [
        "70",
        "2026-06-22T09:00+02:00",
        "city-centre",
        "Announced",
        "facilitator",
    ]
    entries = log(run, story_db)
    assert [e["position"] for e in entries] == list(range(1, 71))
    assert set(entries[0]) == {
        "position",
        "recorded_at",
        "aggregate",
        "aggregate_id",
        "about",
        "version",
        "event",
        "actor",
        "stakeholder",
        "summary",
        "content_hash",
        "chain_hash",
        "initiative_chain_hash",
    }
    head = ok(run(story_db, "audit", "head")).stdout.strip()
    assert head == f"70:{entries[-1]['chain_hash']}"


def test_audit_log_says_whom_an_event_is_about_besides_who_gave_the_command(
    story_db: Path, run: Run
) -> None:
    """The facilitator let the bakery join, and recorded the resident's reaction
    given at a meeting: the log says both who did it and whom it was about."""
    joined = log(run, story_db, "--event", "StakeholderJoined")
    assert [(e["actor"], e["stakeholder"]) for e in joined[:2]] == [
        ("facilitator", "bakery"),
        ("facilitator", "entrepreneurs"),
    ]
    reactions = ok(
        run(
            story_db,
            "audit",
            "log",
            "city-centre",
            "--plan",
            "traffic-plan",
            "--event",
            "ReactionAdded",
        )
    ).stdout.splitlines()
    assert reactions[2].endswith(
        "Reaction 1 on version 1 (objection, meeting): resident-havenkwartier"
    )
    assert reactions[3].endswith("Reaction 2 on version 1 (concern, online)")
    assert [e["stakeholder"] for e in log(run, story_db, "--event", "Started")] == [
        None
    ]


def test_audit_log_says_which_plan_or_decision_point_and_filters_by_them(
    story_db: Path, run: Run
) -> None:
    """Reaction 1 on version 1 happened on both plans: the log says which."""
    lines = ok(
        run(story_db, "audit", "log", "city-centre", "--event", "ReactionAdded")
    ).stdout.splitlines()
    abouts = [re.split(r"\s{2,}", line)[2] for line in lines[2:]]
    assert abouts == ["plan vision"] * 2 + ["plan traffic-plan"] * 5
    traffic = log(run, story_db, "--plan", "traffic-plan")
    assert {e["about"] for e in traffic} == {"traffic-plan"}
    assert [e["event"] for e in traffic][:2] == ["Created", "DraftProposed"]
    both = log(run, story_db, "--plan", "vision", "--decision", "first-priority")
    assert {e["about"] for e in both} == {"vision", "first-priority"}
    args = ["--decision", "first-priority", "--event", "Decided"]
    decided = ok(run(story_db, "audit", "log", "city-centre", *args)).stdout
    decided = decided.splitlines()
    # The summary is shown whole: the tally is what a reader looks for.
    assert decided[2].endswith(
        "Decided: car-free-square (car-free-square 4, green-streets 2, "
        "evening-library 0)"
    )
    assert refused(
        run(story_db, "audit", "log", "city-centre", "--plan", "harbour")
    ) == ("city-centre has no plan called harbour.")


def test_audit_log_filters_by_actor(story_db: Path, run: Run) -> None:
    everything = log(run, story_db)
    bakery = log(run, story_db, "--actor", "bakery")
    assert bakery == [e for e in everything if e["actor"] == "bakery"]
    assert [e["event"] for e in bakery] == [
        "Created",
        "DraftProposed",
        "PositionTaken",
        "ReactionAdded",
        "PositionDefended",
        "PositionTaken",
        "PositionTaken",
    ]
    nobody = run(story_db, "audit", "log", "city-centre", "--actor", "nobody")
    assert refused(nobody) == "No stakeholder is registered as nobody."
    malformed = run(story_db, "audit", "log", "city-centre", "--actor", "Bad Ref")
    assert refused(malformed) == (
        "--actor: must be a reference of lower-case letters, digits and dashes, "
        "like bad-ref."
    )


def test_audit_log_filters_by_event_in_any_case(story_db: Path, run: Run) -> None:
    reactions = log(run, story_db, "--event", "ReactionAdded")
    assert [e["position"] for e in reactions] == [18, 19, 42, 43, 44, 45, 46]
    assert log(run, story_db, "--event", "reactionadded") == reactions
    # An event that exists but did not happen here: an empty list, not a refusal.
    assert log(run, story_db, "--event", "TemplateMigrated") == []


def test_audit_log_refuses_an_event_name_that_does_not_exist(
    story_db: Path, run: Run
) -> None:
    sentence = refused(run(story_db, "audit", "log", "city-centre", "--event", "Voted"))
    assert sentence.startswith("--event: no event is called Voted; the events are ")
    assert "ReactionAdded" in sentence


def test_audit_log_filters_by_time_compared_as_times(story_db: Path, run: Run) -> None:
    until = log(run, story_db, "--until", "2026-01-12T12:00+01:00")
    assert [e["position"] for e in until] == list(range(1, 8))
    assert log(run, story_db, "--until", "2026-01-12T11:00Z") == until
    assert log(run, story_db, "--until", "2026-01-12T16:00+05:00") == until
    since = log(run, story_db, "--since", "2026-03-01T09:00+01:00")
    assert [e["position"] for e in since] == list(range(31, 71))
    assert log(run, story_db, "--since", "2026-03-01T08:00Z") == since
    window = log(
        run,
        story_db,
        "--since",
        "2026-03-01T00:00+01:00",
        "--until",
        "2026-03-09T09:00+01:00",
    )
    assert [e["position"] for e in window] == list(range(31, 40))
    combined = log(
        run,
        story_db,
        "--actor",
        "facilitator",
        "--event",
        "ReactionAdded",
        "--since",
        "2026-04-01T00:00+02:00",
    )
    # The reactions the facilitator recorded for others: at the meeting, by letter.
    assert [e["position"] for e in combined] == [42, 45]
    assert log(run, story_db, "--since", "2026-07-01T00:00+02:00") == []


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_audit_log_refuses_a_time_without_a_timezone(
    story_db: Path, run: Run, option: str
) -> None:
    sentence = refused(
        run(story_db, "audit", "log", "city-centre", option, "2026-03-01T00:00")
    )
    assert sentence.startswith(f"{option}: needs its timezone")
    assert "timezone" in sentence


STATUS = ("initiative", "status", "city-centre")
BOTH = [STATUS, ("report", "city-centre")]


def _changed_then_mended(
    db: Path,
    run: Run,
    document: str,
    part: str,
    values: list[str],
    refusing: list[tuple[str, ...]],
) -> None:
    """The process state's parts like ``part`` set to ``document`` (SQL, with its
    ``values``) outside the engine: the commands ``refusing`` say how to mend it,
    and a rebuild mends it."""
    ok(run(db, "projections", "catch-up"))
    with sqlite3.connect(db) as connection:
        connection.execute(
            f"UPDATE view_process_state SET document = {document} WHERE part LIKE ?",
            [*values, part],
        )
    connection.close()
    for args in refusing:
        assert refused(run(db, *args)) == (
            "The view samenspraak.view.process-state cannot be read: it was changed "
            "outside the engine; rebuild the views (samenspraak projections rebuild)."
        )
    ok(run(db, "projections", "rebuild"))
    status = json.loads(ok(run(db, *STATUS, "--json")).stdout)
    assert status["phase"] == "council"


@pytest.mark.parametrize(
    "document",
    ["{bad", "[]", '"x"', "null"],
    ids=["no JSON", "a list", "a text", "null"],
)
def test_a_view_changed_outside_the_engine_asks_for_a_rebuild_which_mends_it(
    story_db: Path, run: Run, document: str
) -> None:
    _changed_then_mended(story_db, run, "?", "core", [document], BOTH)


@pytest.mark.parametrize(
    ("part", "change"),
    [
        ("core", "json_remove(document, '$.template')"),
        ("core", "'{}'"),
        ("core", "json_set(document, '$.stakeholders', json('[]'))"),
        ("plan/%", "json_remove(document, '$.slug')"),
        ("reaction/%", "json_remove(document, '$.stance')"),
        ("decision/%", "json_remove(document, '$.options')"),
    ],
    ids=["a core without its template", "an empty core", "stakeholders as a list",
         "a plan without its reference", "a reaction without its stance",
         "a decision point without its options"],
)  # fmt: skip
def test_a_view_whose_part_lacks_what_the_engine_wrote_asks_for_a_rebuild_too(
    story_db: Path, run: Run, part: str, change: str
) -> None:
    # A part still an object, but without a key the engine always writes, stopped
    # the command with "an unexpected KeyError", not the sentence that says how to
    # mend the view.
    _changed_then_mended(story_db, run, change, part, [], BOTH)


@pytest.mark.parametrize(
    "change",
    [
        "json_set(document, '$.stakeholders', json_object('someone', 1))",
        "json_set(document, '$.meetings', json_array(1))",
        "json_set(document, '$.budget', 'not an amount')",
    ],
    ids=["a stakeholder no longer an object", "a meeting no longer an object",
         "a budget that is no amount"],
)  # fmt: skip
def test_a_view_changed_below_what_reading_a_part_checks_asks_for_a_rebuild_too(
    story_db: Path, run: Run, change: str
) -> None:
    # A part of the right shape whose entries were changed stopped the command
    # with "an unexpected TypeError": the views are now built again to tell a
    # view changed outside the engine from a fault of the program.
    # (The report, built from the verified events, reads only the initiative's
    # id from the view, which is intact.)
    _changed_then_mended(story_db, run, change, "core", [], [STATUS])


def test_a_fault_of_the_program_is_not_blamed_on_the_views(
    story_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The views hold what the events build: the fault is passed on as it is.
    from samenspraak.application import Samenspraak, reading  # noqa: PLC0415

    def faulty(*_: object) -> None:
        raise KeyError("a fault of the program")

    monkeypatch.setattr(reading, "status", faulty)
    app = Samenspraak.open(str(story_db))
    try:
        with pytest.raises(KeyError, match="a fault of the program"):
            app.initiative_status("city-centre")
    finally:
        app.close()
