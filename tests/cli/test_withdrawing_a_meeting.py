"""``samenspraak meeting withdraw``: after the demo's story, the facilitator records
a Wednesday afternoon walk-in in the library that was called off, and withdraws it
the next morning. Lists and the report show it withdrawn, with when and why, and
leave it out of the meetings held; every meeting keeps its number; wrong input is
one sentence and a non-zero exit, and nothing is recorded."""

from __future__ import annotations

import json
import shlex
from datetime import datetime, timedelta, timezone
from pathlib import Path

from samenspraak.domain.clock import frozen_at

CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
RECORDED_AT = datetime(2026, 6, 29, 10, 0, tzinfo=SUMMER)
WITHDRAWN_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
REASON = "The walk-in was called off; no one came to the library that afternoon."


def record_by_mistake(db: Path, ok) -> None:
    with frozen_at(RECORDED_AT):
        result = ok(
            db, "meeting", "hold", CITY, "--start", "2026-06-24T14:00+02:00",
            "--kind", "walk-in", "--place", "The library on the Kerkplein",
            "--attendance", "12", "--summary", "Questions about the modal filter.",
            actor="facilitator",
        )  # fmt: skip
    assert result.stdout == "3\n"


def withdraw_the_walk_in(db: Path, ok):
    with frozen_at(WITHDRAWN_AT):
        return ok(
            db, "meeting", "withdraw", CITY, "3", "--reason", REASON,
            actor="facilitator",
        )  # fmt: skip


def test_the_facilitator_withdraws_a_meeting_and_the_lists_show_it(
    demo_copy: Path, ok, read_json
) -> None:
    record_by_mistake(demo_copy, ok)
    recorded = read_json(demo_copy, "meeting", "list", CITY)[2]

    result = withdraw_the_walk_in(demo_copy, ok)

    assert result.stdout == ""
    assert result.stderr == (
        "Withdrew meeting 3 of city-centre; the other meetings keep their numbers.\n"
    )
    meetings = read_json(demo_copy, "meeting", "list", CITY)
    assert [m["number"] for m in meetings] == [1, 2, 3]
    assert meetings[2]["withdrawn"] == {
        "withdrawn_at": "2026-06-30T08:00:00Z",
        "reason": REASON,
    }
    assert {**meetings[2], "withdrawn": None} == recorded
    assert [m["withdrawn"] for m in meetings[:2]] == [None, None]
    status = read_json(demo_copy, "initiative", "status", CITY)["meetings"]
    assert status == meetings
    table = ok(demo_copy, "meeting", "list", CITY).stdout.splitlines()
    assert table[0].split() == [
        "#", "starts", "kind", "attendance", "evening/weekend", "corrected",
        "withdrawn", "place",
    ]  # fmt: skip
    for command in (["meeting", "list"], ["initiative", "status"]):
        lines = ok(demo_copy, *command, CITY).stdout.splitlines()
        rows = [line for line in lines if line[:3] in ("1  ", "2  ", "3  ")][:3]
        assert [row.split()[6] for row in rows] == ["no", "no", "yes"]
        # When, as the other times of the table: on Dutch clocks.
        assert f"Meeting 3 was withdrawn at 2026-06-30T10:00+02:00: {REASON}" in lines
    log = ok(demo_copy, "audit", "log", CITY).stdout
    assert "Meeting 3 withdrawn" in log


def test_the_report_leaves_a_withdrawn_meeting_out_of_its_counts(
    demo_copy: Path, ok
) -> None:
    record_by_mistake(demo_copy, ok)
    withdraw_the_walk_in(demo_copy, ok)

    english = ok(demo_copy, "report", CITY, "--lang", "en").stdout
    assert "**2** meetings (2 outside office hours, 1 withdrawn)" in english
    assert (
        "2 of the 2 meetings were held in the evening, at night or at the weekend."
    ) in english
    assert (
        "Meeting 3 was withdrawn on 30 Jun 2026, 10:00: it was recorded by mistake "
        f"and does not count. Reason: {REASON}"
    ) in english
    dutch = ok(demo_copy, "report", CITY, "--lang", "nl").stdout
    assert "**2** bijeenkomsten (2 buiten kantooruren, 1 ingetrokken)" in dutch
    assert (
        "Bijeenkomst 3 is op 30 jun 2026, 10:00 ingetrokken: zij was ten onrechte "
        f"vastgelegd en telt niet mee. Reden: {REASON}"
    ) in dutch


def test_as_of_before_the_withdrawal_shows_the_meeting_as_it_stood(
    demo_copy: Path, ok, read_json
) -> None:
    record_by_mistake(demo_copy, ok)
    withdraw_the_walk_in(demo_copy, ok)

    then = read_json(
        demo_copy, "initiative", "status", CITY, "--as-of", "2026-06-29T12:00+02:00"
    )["meetings"][2]
    assert then["withdrawn"] is None
    report_then = ok(
        demo_copy, "report", CITY, "--lang", "en", "--as-of", "2026-06-29T12:00+02:00"
    ).stdout
    assert "was withdrawn" not in report_then
    assert "**3** meetings (2 outside office hours)" in report_then


def test_the_record_verifies_rebuilds_and_replays_with_the_withdrawal(
    demo_copy: Path, ok, read_json, tmp_path: Path
) -> None:
    record_by_mistake(demo_copy, ok)
    withdraw_the_walk_in(demo_copy, ok)
    meetings = read_json(demo_copy, "meeting", "list", CITY)

    ok(demo_copy, "audit", "verify")
    ok(demo_copy, "projections", "rebuild")
    ok(demo_copy, "projections", "verify")
    assert read_json(demo_copy, "meeting", "list", CITY) == meetings
    bundle = tmp_path / "city-centre.zip"
    ok(demo_copy, "export", CITY, "-o", str(bundle))
    replayed = tmp_path / "replayed.db"
    ok(replayed, "replay", str(bundle))
    assert read_json(replayed, "meeting", "list", CITY) == meetings


def test_a_withdrawn_meeting_is_neither_corrected_nor_reacted_at(
    demo_copy: Path, ok, refused
) -> None:
    record_by_mistake(demo_copy, ok)
    withdraw_the_walk_in(demo_copy, ok)

    assert refused(
        demo_copy, "meeting", "correct", CITY, "3", "--attendance", "14",
        "--reason", "Fourteen came.", actor="facilitator",
    ) == (
        "Meeting 3 of city-centre was withdrawn; a withdrawn meeting is not corrected."
    )  # fmt: skip
    assert refused(
        demo_copy, "meeting", "withdraw", CITY, "3", "--reason", "Twice.",
        actor="facilitator",
    ) == (
        "Meeting 3 of city-centre was withdrawn already; a meeting is withdrawn once."
    )  # fmt: skip


def test_only_the_facilitator_withdraws_a_meeting(demo_copy: Path, refused) -> None:
    assert refused(
        demo_copy, "meeting", "withdraw", CITY, "1", "--reason", "Never held.",
        actor="bakery",
    ) == "Only the facilitator of city-centre may withdraw meetings."  # fmt: skip


def test_wrong_input_is_one_sentence_and_records_nothing(
    demo_copy: Path, refused, ok
) -> None:
    head = ok(demo_copy, "audit", "head").stdout

    def withdrawing(*args: str, exit_code: int = 1) -> str:
        return refused(
            demo_copy, "meeting", "withdraw", CITY, *args,
            actor="facilitator", exit_code=exit_code,
        )  # fmt: skip

    assert withdrawing("3", "--reason", "A mistake.") == (
        "city-centre has 2 meetings; there is no meeting 3 to withdraw."
    )
    assert withdrawing("2", "--reason", "Recorded twice.") == (
        "Meeting 2 of city-centre has reactions recorded as given there (reaction 1 "
        "on traffic-plan); a meeting that reactions were given at took place, and is "
        "not withdrawn."
    )
    assert withdrawing("1", "--reason", " ") == "--reason: must not be empty."
    assert withdrawing("1", exit_code=2) == "Missing option '--reason'."
    assert withdrawing("two", "--reason", "A mistake.", exit_code=2) == (
        "Invalid value for 'NUMBER': a meeting's number is a whole number from 1, "
        "like 2 (see meeting list)."
    )
    assert ok(demo_copy, "audit", "head").stdout == head
    assert [m["withdrawn"] for m in read_meetings(demo_copy, ok)] == [None, None]


def read_meetings(db: Path, ok) -> list:
    return json.loads(ok(db, "meeting", "list", CITY, "--json").stdout)


def test_the_example_in_the_help_withdraws_a_meeting_of_the_demo(
    demo_copy: Path, ok, read_json
) -> None:
    """The example the help shows, run on the demo as it is written, withdraws
    something there (the residents' evening, which a reaction was given at, would
    be refused)."""
    shown = ok(demo_copy, "meeting", "withdraw", "--help").stdout
    example = shown.split("Example:", 1)[1].split("Options:", 1)[0]
    words = shlex.split(example.replace("\\\n", " "))
    assert words[:3] == ["samenspraak", "--as", "facilitator"]

    with frozen_at(WITHDRAWN_AT):
        result = ok(demo_copy, *words[3:], actor="facilitator")

    assert result.stderr.startswith("Withdrew meeting 1 of ")
    assert read_json(demo_copy, "meeting", "list", CITY)[0]["withdrawn"] is not None
