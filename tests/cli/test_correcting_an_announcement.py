"""``samenspraak announcement correct``: after the demo's story, the facilitator
puts right when the letter to every household went out and how many it reached;
wrong input is one sentence and a non-zero exit, and nothing is recorded."""

from __future__ import annotations

import shlex
from datetime import datetime, timedelta, timezone
from pathlib import Path

from samenspraak.domain.clock import frozen_at

CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
CORRECTED_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""A week after the story's last step."""


def test_the_facilitator_corrects_an_announcement_and_the_lists_show_it(
    demo_copy: Path, ok, read_json
) -> None:
    with frozen_at(CORRECTED_AT):
        result = ok(
            demo_copy, "announcement", "correct", CITY, "1",
            "--when", "2026-06-23T09:00+02:00", "--reach", "4150",
            "--reason", "The letters went out on Tuesday; 50 came back.",
            actor="facilitator",
        )  # fmt: skip

    assert result.stdout == ""
    assert result.stderr == (
        "Corrected announcement 1 of city-centre: the time and the reach.\n"
    )
    [listed] = read_json(demo_copy, "announcement", "list", CITY)
    assert (listed["announced_at"], listed["reach"]) == (
        "2026-06-23T09:00:00+02:00",
        4150,
    )
    assert listed["corrections"] == [
        {
            "corrected_at": "2026-06-30T08:00:00Z",
            "fields": ["announced_at", "reach"],
            "reason": "The letters went out on Tuesday; 50 came back.",
        }
    ]
    table = ok(demo_copy, "announcement", "list", CITY).stdout.splitlines()
    assert table[0].split() == [
        "#",
        "when",
        "channel",
        "reach",
        "corrected",
        "withdrawn",
        "audience",
    ]
    assert table[2].split()[3:6] == ["4150", "yes", "no"]
    log = ok(demo_copy, "audit", "log", CITY).stdout
    assert "Announcement 1 by letter, reaching 4200" in log
    assert (
        "Announcement 1 corrected: made at 2026-06-23T09:00+02:00, reaching 4150" in log
    )


def test_a_reach_not_known_after_all_is_taken_off(
    demo_copy: Path, ok, read_json
) -> None:
    with frozen_at(CORRECTED_AT):
        result = ok(
            demo_copy, "announcement", "correct", CITY, "1", "--reach-unknown",
            "--reason", "4,200 was the print run.", actor="facilitator",
        )  # fmt: skip

    assert result.stderr == "Corrected announcement 1 of city-centre: the reach.\n"
    [listed] = read_json(demo_copy, "announcement", "list", CITY)
    assert listed["reach"] is None


def test_as_of_before_the_correction_shows_the_announcement_as_first_recorded(
    demo_copy: Path, ok, read_json
) -> None:
    with frozen_at(CORRECTED_AT):
        ok(
            demo_copy, "announcement", "correct", CITY, "1", "--reach", "4150",
            "--reason", "50 came back.", actor="facilitator",
        )  # fmt: skip

    [then] = read_json(
        demo_copy, "initiative", "status", CITY, "--as-of", "2026-06-29T12:00+02:00"
    )["announcements"]
    [now] = read_json(demo_copy, "initiative", "status", CITY)["announcements"]
    assert (then["reach"], then["corrections"]) == (4200, [])
    assert now["reach"] == 4150
    report_then = ok(
        demo_copy, "report", CITY, "--lang", "en", "--as-of", "2026-06-29T12:00+02:00"
    ).stdout
    report_now = ok(demo_copy, "report", CITY, "--lang", "en").stdout
    assert "The record of announcement 1" not in report_then
    assert (
        "The record of announcement 1 was corrected on 30 Jun 2026, 10:00 (reach). "
        "Reason: 50 came back."
    ) in report_now


def test_only_the_facilitator_corrects_an_announcement(
    demo_copy: Path, refused
) -> None:
    assert refused(
        demo_copy, "announcement", "correct", CITY, "1", "--reach", "5000",
        "--reason", "More read it.", actor="bakery",
    ) == "Only the facilitator of city-centre may correct announcements."  # fmt: skip


def test_a_correction_that_changes_nothing_is_refused(demo_copy: Path, refused) -> None:
    assert refused(
        demo_copy, "announcement", "correct", CITY, "1", "--reach", "4200",
        "--channel", "letter", "--reason", "To be sure.", actor="facilitator",
    ) == (
        "Announcement 1 of city-centre is recorded so already; a correction changes "
        "its channel, its audience, its time or how many it reached."
    )  # fmt: skip


def test_wrong_input_is_one_sentence_and_records_nothing(
    demo_copy: Path, refused
) -> None:
    def correcting(*args: str, exit_code: int = 1) -> str:
        with frozen_at(CORRECTED_AT):
            return refused(
                demo_copy, "announcement", "correct", CITY, *args,
                actor="facilitator", exit_code=exit_code,
            )  # fmt: skip

    reason = ("--reason", "A reason.")
    assert correcting("9", "--reach", "5", *reason) == (
        "city-centre has 1 announcement; there is no announcement 9 to correct."
    )
    assert correcting("1", "--when", "2026-06-23T09:00", *reason).startswith("--when: ")
    assert correcting("1", "--when", "2026-07-01T10:00+02:00", *reason) == (
        "An announcement is recorded once it was made; 2026-07-01T10:00+02:00 "
        "lies in the future."
    )
    assert correcting("1", "--reach", "-5", *reason).startswith("--reach: ")
    assert correcting("1", "--reach", "5", "--reason", " ") == (
        "--reason: must not be empty."
    )
    assert correcting("1", "--channel", "pigeon", *reason, exit_code=2).startswith(
        "Invalid value for '--channel'"
    )
    assert correcting("1", *reason, exit_code=2) == (
        "Give what to correct: --channel, --audience, --when, --reach or "
        "--reach-unknown."
    )
    assert correcting("1", "--reach", "5", "--reach-unknown", *reason, exit_code=2) == (
        "--reach-unknown says the reach is not known: give it without --reach."
    )
    assert correcting("first", "--reach", "5", *reason, exit_code=2) == (
        "Invalid value for 'NUMBER': an announcement's number is a whole number "
        "from 1, like 2 (see announcement list)."
    )
    assert correcting("1", "--reach", "5", exit_code=2) == (
        "Missing option '--reason'."
    )


def test_the_example_in_the_help_corrects_the_demo_s_letter(
    demo_copy: Path, ok
) -> None:
    """The example the help shows, run on the demo as it is written, corrects
    something there (a correction that changes nothing would be refused)."""
    shown = ok(demo_copy, "announcement", "correct", "--help").stdout
    example = shown.split("Example:", 1)[1].split("Options:", 1)[0]
    words = shlex.split(example.replace("\\\n", " "))
    assert words[:3] == ["samenspraak", "--as", "facilitator"]

    with frozen_at(CORRECTED_AT):
        result = ok(demo_copy, *words[3:], actor="facilitator")

    assert result.stderr == "Corrected announcement 1 of city-centre: the reach.\n"
