"""``samenspraak meeting correct``: after the demo's story, the facilitator puts
right the attendance of the residents' meeting on the traffic plan; wrong input is
one sentence and a non-zero exit, and nothing is recorded."""

from __future__ import annotations

import shlex
from datetime import datetime, timedelta, timezone
from pathlib import Path

from samenspraak.domain.clock import frozen_at

CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
CORRECTED_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""A week after the story's last step."""


def test_the_facilitator_corrects_a_meeting_and_the_lists_show_it(
    demo_copy: Path, ok, read_json
) -> None:
    with frozen_at(CORRECTED_AT):
        result = ok(
            demo_copy, "meeting", "correct", CITY, "2",
            "--attendance", "46", "--starts-at", "2026-04-09T20:00+02:00",
            "--reason", "64 was counted twice; it began at eight.",
            actor="facilitator",
        )  # fmt: skip

    assert result.stdout == ""
    assert result.stderr == (
        "Corrected meeting 2 of city-centre: its time and attendance.\n"
    )
    meeting = read_json(demo_copy, "meeting", "list", CITY)[1]
    assert (meeting["attendance"], meeting["starts_at"]) == (
        46,
        "2026-04-09T20:00:00+02:00",
    )
    assert meeting["corrections"] == [
        {
            "corrected_at": "2026-06-30T08:00:00Z",
            "fields": ["starts_at", "attendance"],
            "reason": "64 was counted twice; it began at eight.",
        }
    ]
    table = ok(demo_copy, "meeting", "list", CITY).stdout.splitlines()
    assert table[0].split() == [
        "#", "starts", "kind", "attendance", "evening/weekend", "corrected",
        "withdrawn", "place",
    ]  # fmt: skip
    assert [line.split()[5] for line in table[2:]] == ["no", "yes"]
    log = ok(demo_copy, "audit", "log", CITY).stdout
    assert (
        "Meeting 2 held (residents-meeting, 2026-04-09T19:30+02:00, 64 present)" in log
    )
    assert "Meeting 2 corrected: starts at 2026-04-09T20:00+02:00, 46 present" in log


def test_as_of_before_the_correction_shows_the_meeting_as_first_recorded(
    demo_copy: Path, ok, read_json
) -> None:
    with frozen_at(CORRECTED_AT):
        ok(
            demo_copy, "meeting", "correct", CITY, "2", "--attendance", "46",
            "--reason", "64 was counted twice.", actor="facilitator",
        )  # fmt: skip

    then = read_json(
        demo_copy, "initiative", "status", CITY, "--as-of", "2026-06-29T12:00+02:00"
    )["meetings"][1]
    now = read_json(demo_copy, "initiative", "status", CITY)["meetings"][1]
    assert (then["attendance"], then["corrections"]) == (64, [])
    assert now["attendance"] == 46
    report_then = ok(
        demo_copy, "report", CITY, "--lang", "en", "--as-of", "2026-06-29T12:00+02:00"
    ).stdout
    report_now = ok(demo_copy, "report", CITY, "--lang", "en").stdout
    assert "The record of meeting 2 was corrected" not in report_then
    assert (
        "The record of meeting 2 was corrected on 30 Jun 2026, 10:00 (attendance). "
        "Reason: 64 was counted twice."
    ) in report_now


def test_only_the_facilitator_corrects_a_meeting(demo_copy: Path, refused) -> None:
    assert refused(
        demo_copy, "meeting", "correct", CITY, "2", "--attendance", "80",
        "--reason", "More came.", actor="bakery",
    ) == "Only the facilitator of city-centre may correct meetings."  # fmt: skip


def test_a_correction_that_changes_nothing_is_refused(demo_copy: Path, refused) -> None:
    assert refused(
        demo_copy, "meeting", "correct", CITY, "2", "--attendance", "64",
        "--kind", "residents-meeting", "--reason", "To be sure.", actor="facilitator",
    ) == (
        "Meeting 2 of city-centre is recorded so already; a correction changes its "
        "time, kind, place, attendance or summary."
    )  # fmt: skip


def test_wrong_input_is_one_sentence_and_records_nothing(
    demo_copy: Path, refused
) -> None:
    def correcting(*args: str, exit_code: int = 1) -> str:
        return refused(
            demo_copy, "meeting", "correct", CITY, *args,
            actor="facilitator", exit_code=exit_code,
        )  # fmt: skip

    reason = ("--reason", "A reason.")
    assert correcting("9", "--attendance", "5", *reason) == (
        "city-centre has no meeting 9."
    )
    assert correcting("2", "--start", "2026-04-09T20:00", *reason).startswith(
        "--start: "
    )
    assert correcting("2", "--attendance", "-5", *reason) == (
        "--attendance: must not be negative."
    )
    assert correcting("2", "--attendance", "5", "--reason", " ") == (
        "--reason: must not be empty."
    )
    assert correcting("2", *reason, exit_code=2) == (
        "Give what to correct: --start, --kind, --place, --attendance or --summary."
    )
    assert correcting("two", "--attendance", "5", *reason, exit_code=2) == (
        "Invalid value for 'NUMBER': a meeting's number is a whole number from 1, "
        "like 2 (see meeting list)."
    )
    assert correcting("2", "--attendance", "5", exit_code=2) == (
        "Missing option '--reason'."
    )


def test_the_example_in_the_help_corrects_the_demo_s_residents_meeting(
    demo_copy: Path, ok
) -> None:
    """The example the help shows, run on the demo as it is written, corrects
    something there (a correction that changes nothing would be refused)."""
    shown = ok(demo_copy, "meeting", "correct", "--help").stdout
    example = shown.split("Example:", 1)[1].split("Options:", 1)[0]
    words = shlex.split(example.replace("\\\n", " "))
    assert words[:3] == ["samenspraak", "--as", "facilitator"]

    with frozen_at(CORRECTED_AT):
        result = ok(demo_copy, *words[3:], actor="facilitator")

    assert result.stderr.startswith("Corrected meeting 2 of city-centre: its ")
