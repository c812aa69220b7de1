"""``samenspraak council correct``: after the demo's story, the facilitator puts
right the record of the traffic plan's informing (it went by letter, a day
earlier) and the vision's SHA-256 (the file the council holds); wrong input is one
sentence and a non-zero exit, and nothing is recorded."""

from __future__ import annotations

import hashlib
import shlex
from datetime import datetime, timedelta, timezone
from pathlib import Path

from samenspraak.domain.clock import frozen_at

CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
CORRECTED_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""A week after the story's last step."""


def test_the_facilitator_corrects_an_informing_and_the_lists_show_it(
    demo_copy: Path, ok, read_json
) -> None:
    head = read_json(demo_copy, "council", "list", CITY)[1]["audit_head"]
    with frozen_at(CORRECTED_AT):
        result = ok(
            demo_copy, "council", "correct", CITY, "2",
            "--session", "letter", "--when", "2026-06-03T16:00+02:00",
            "--reason", "It went by council information letter the day before.",
            actor="facilitator",
        )  # fmt: skip

    assert result.stdout == ""
    assert result.stderr == (
        "Corrected informing 2 of the council in city-centre: its session and time.\n"
    )
    informing = read_json(demo_copy, "council", "list", CITY)[1]
    assert (informing["session"], informing["informed_at"]) == (
        "letter",
        "2026-06-03T16:00:00+02:00",
    )
    assert informing["audit_head"] == head
    assert informing["corrections"] == [
        {
            "corrected_at": "2026-06-30T08:00:00Z",
            "fields": ["session", "informed_at"],
            "reason": "It went by council information letter the day before.",
        }
    ]
    table = ok(demo_copy, "council", "list", CITY).stdout.splitlines()
    assert [line.split()[3] for line in table[2:]] == ["no", "yes"]
    log = ok(demo_copy, "audit", "log", CITY).stdout
    assert (
        "Council informing 2 corrected: letter, informed at 2026-06-03T16:00+02:00"
        in log
    )


def test_the_document_itself_gives_the_corrected_sha256(
    demo_copy: Path, ok, read_json, tmp_path: Path
) -> None:
    vision = tmp_path / "vision.pdf"
    vision.write_bytes(b"%PDF the vision as the council received it")
    with frozen_at(CORRECTED_AT):
        result = ok(
            demo_copy, "council", "correct", CITY, "1", "--document", str(vision),
            "--reason", "The hash was copied from the draft.", actor="facilitator",
        )  # fmt: skip

    assert result.stderr == (
        "Corrected informing 1 of the council in city-centre: its document's SHA-256.\n"
    )
    informing = read_json(demo_copy, "council", "list", CITY)[0]
    assert (
        informing["document_sha256"] == hashlib.sha256(vision.read_bytes()).hexdigest()
    )


def test_as_of_before_the_correction_shows_the_informing_as_first_recorded(
    demo_copy: Path, ok, read_json
) -> None:
    with frozen_at(CORRECTED_AT):
        ok(
            demo_copy, "council", "correct", CITY, "2", "--session", "letter",
            "--reason", "It went by letter.", actor="facilitator",
        )  # fmt: skip

    then = read_json(
        demo_copy, "initiative", "status", CITY, "--as-of", "2026-06-29T12:00+02:00"
    )["council"][1]
    assert (then["session"], then["corrections"]) == ("formal", [])
    report_then = ok(
        demo_copy, "report", CITY, "--lang", "en", "--as-of", "2026-06-29T12:00+02:00"
    ).stdout
    report_now = ok(demo_copy, "report", CITY, "--lang", "en").stdout
    assert "The record of informing 2 of the council was corrected" not in report_then
    assert (
        "The record of informing 2 of the council was corrected on 30 Jun 2026, "
        "10:00 (session). Reason: It went by letter."
    ) in report_now


def test_only_the_facilitator_corrects_an_informing(demo_copy: Path, refused) -> None:
    assert refused(
        demo_copy, "council", "correct", CITY, "2", "--session", "letter",
        "--reason", "By letter.", actor="bakery",
    ) == (
        "Only the facilitator of city-centre may correct the record of informing "
        "the council."
    )  # fmt: skip


def test_an_informing_correction_that_changes_nothing_is_refused(
    demo_copy: Path, refused
) -> None:
    assert refused(
        demo_copy, "council", "correct", CITY, "2", "--session", "formal",
        "--when", "2026-06-04T18:00Z", "--reason", "To be sure.", actor="facilitator",
    ) == (
        "Informing 2 of city-centre is recorded so already; a correction changes its "
        "document's title or SHA-256, its session or its time."
    )  # fmt: skip


def test_wrong_input_is_one_sentence_and_records_nothing(
    demo_copy: Path, refused
) -> None:
    def correcting(*args: str, exit_code: int = 1) -> str:
        return refused(
            demo_copy, "council", "correct", CITY, *args,
            actor="facilitator", exit_code=exit_code,
        )  # fmt: skip

    reason = ("--reason", "A reason.")
    assert correcting("3", "--session", "letter", *reason) == (
        "city-centre has 2 informings of the council; there is no informing 3 to "
        "correct."
    )
    assert correcting("2", "--when", "2026-06-03T16:00", *reason).startswith("--when: ")
    assert correcting("2", "--sha256", "abc", *reason).startswith("--sha256: ")
    assert correcting("2", "--session", "letter", "--reason", " ") == (
        "--reason: must not be empty."
    )
    assert correcting("2", *reason, exit_code=2) == (
        "Give what to correct: --title, --document or --sha256, --session or --when."
    )
    assert correcting("two", "--session", "letter", *reason, exit_code=2) == (
        "Invalid value for 'NUMBER': an informing's number is a whole number from 1, "
        "like 2 (see council list)."
    )
    assert correcting("2", "--when", "2026-06-19T09:00+02:00", *reason) == (
        "The council followed up informing 2 of city-centre at "
        "2026-06-18T21:00+02:00; it cannot have been informed after that, at "
        "2026-06-19T09:00+02:00."
    )


def test_the_example_in_the_help_corrects_the_demo_s_traffic_plan_informing(
    demo_copy: Path, ok
) -> None:
    """The example the help shows, run on the demo as it is written, corrects
    something there (a correction that changes nothing would be refused)."""
    shown = ok(demo_copy, "council", "correct", "--help").stdout
    example = shown.split("Example:", 1)[1].split("Options:", 1)[0]
    words = shlex.split(example.replace("\\\n", " "))
    assert words[:3] == ["samenspraak", "--as", "facilitator"]

    with frozen_at(CORRECTED_AT):
        result = ok(demo_copy, *words[3:], actor="facilitator")

    assert result.stderr.startswith(
        "Corrected informing 2 of the council in city-centre: its "
    )
