"""``samenspraak announcement withdraw``: after the demo's story, the facilitator
records the letter to every household a second time by mistake, and withdraws
the second record. Lists and the report show it withdrawn, with when and why;
every announcement keeps its number; wrong input is one sentence and a non-zero
exit, and nothing is recorded."""

from __future__ import annotations

import shlex
from datetime import datetime, timedelta, timezone
from pathlib import Path

from samenspraak.domain.clock import frozen_at

CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
RECORDED_AT = datetime(2026, 6, 29, 10, 0, tzinfo=SUMMER)
WITHDRAWN_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
AUDIENCE = "Every household in the old town and the Havenkwartier"
REASON = "The letter to every household was recorded twice."


def record_again(db: Path, ok) -> None:
    """Announcement 2: the demo's letter to every household, recorded again."""
    with frozen_at(RECORDED_AT):
        result = ok(
            db, "announcement", "record", CITY, "--channel", "letter",
            "--audience", AUDIENCE, "--reach", "4200",
            "--when", "2026-06-22T09:00+02:00", actor="facilitator",
        )  # fmt: skip
    assert result.stdout == "2\n"


def withdraw_the_second(db: Path, ok):
    with frozen_at(WITHDRAWN_AT):
        return ok(
            db, "announcement", "withdraw", CITY, "2", "--reason", REASON,
            actor="facilitator",
        )  # fmt: skip


def test_the_facilitator_withdraws_an_announcement_and_the_lists_show_it(
    demo_copy: Path, ok, read_json
) -> None:
    record_again(demo_copy, ok)
    recorded = read_json(demo_copy, "announcement", "list", CITY)[1]

    result = withdraw_the_second(demo_copy, ok)

    assert result.stdout == ""
    assert result.stderr == (
        "Withdrew announcement 2 of city-centre; the other announcements keep their "
        "numbers.\n"
    )
    announcements = read_json(demo_copy, "announcement", "list", CITY)
    assert [a["number"] for a in announcements] == [1, 2]
    assert announcements[1]["withdrawn"] == {
        "withdrawn_at": "2026-06-30T08:00:00Z",
        "reason": REASON,
    }
    assert {**announcements[1], "withdrawn": None} == recorded
    assert announcements[0]["withdrawn"] is None
    status = read_json(demo_copy, "initiative", "status", CITY)["announcements"]
    assert status == announcements
    table = ok(demo_copy, "announcement", "list", CITY).stdout.splitlines()
    assert table[0].split() == [
        "#", "when", "channel", "reach", "corrected", "withdrawn", "audience",
    ]  # fmt: skip
    for command in (["announcement", "list"], ["initiative", "status"]):
        lines = ok(demo_copy, *command, CITY).stdout.splitlines()
        at = lines.index(next(line for line in lines if "channel" in line))
        rows = lines[at + 2 : at + 4]
        assert [row.split()[5] for row in rows] == ["no", "yes"]
        assert (
            f"Announcement 2 was withdrawn at 2026-06-30T10:00+02:00: {REASON}"
        ) in lines
    log = ok(demo_copy, "audit", "log", CITY).stdout
    assert "Announcement 2 withdrawn" in log


def test_the_report_marks_a_withdrawn_announcement_and_says_why(
    demo_copy: Path, ok
) -> None:
    record_again(demo_copy, ok)
    withdraw_the_second(demo_copy, ok)

    english = ok(demo_copy, "report", CITY, "--lang", "en").stdout
    assert "| 2 | 22 Jun 2026, 09:00 (withdrawn) | Letter |" in english
    assert (
        "Announcement 2 was withdrawn on 30 Jun 2026, 10:00: it was recorded by "
        f"mistake and does not count. Reason: {REASON}"
    ) in english
    dutch = ok(demo_copy, "report", CITY, "--lang", "nl").stdout
    assert "| 2 | 22 jun 2026, 09:00 (ingetrokken) | Brief |" in dutch
    assert (
        "Bekendmaking 2 is op 30 jun 2026, 10:00 ingetrokken: zij was ten onrechte "
        f"vastgelegd en telt niet mee. Reden: {REASON}"
    ) in dutch


def test_as_of_before_the_withdrawal_shows_the_announcement_as_it_stood(
    demo_copy: Path, ok, read_json
) -> None:
    record_again(demo_copy, ok)
    withdraw_the_second(demo_copy, ok)

    status_then = read_json(
        demo_copy, "initiative", "status", CITY, "--as-of", "2026-06-29T12:00+02:00"
    )["announcements"][1]
    assert status_then["withdrawn"] is None
    report_then = ok(
        demo_copy, "report", CITY, "--lang", "en", "--as-of", "2026-06-29T12:00+02:00"
    ).stdout
    assert "was withdrawn" not in report_then


def test_the_record_verifies_rebuilds_and_replays_with_the_withdrawal(
    demo_copy: Path, ok, read_json, tmp_path: Path
) -> None:
    record_again(demo_copy, ok)
    withdraw_the_second(demo_copy, ok)
    announcements = read_json(demo_copy, "announcement", "list", CITY)

    ok(demo_copy, "audit", "verify")
    ok(demo_copy, "projections", "rebuild")
    ok(demo_copy, "projections", "verify")
    assert read_json(demo_copy, "announcement", "list", CITY) == announcements
    bundle = tmp_path / "city-centre.zip"
    ok(demo_copy, "export", CITY, "-o", str(bundle))
    replayed = tmp_path / "replayed.db"
    ok(replayed, "replay", str(bundle))
    assert read_json(replayed, "announcement", "list", CITY) == announcements


def test_a_withdrawn_announcement_is_neither_corrected_nor_withdrawn_again(
    demo_copy: Path, ok, refused
) -> None:
    record_again(demo_copy, ok)
    withdraw_the_second(demo_copy, ok)
    head = ok(demo_copy, "audit", "head").stdout

    assert refused(
        demo_copy, "announcement", "correct", CITY, "2", "--reach", "4150",
        "--reason", "50 came back.", actor="facilitator",
    ) == (
        "Announcement 2 of city-centre was withdrawn; a withdrawn announcement is not "
        "corrected."
    )  # fmt: skip
    assert refused(
        demo_copy, "announcement", "withdraw", CITY, "2", "--reason", "Twice.",
        actor="facilitator",
    ) == (
        "Announcement 2 of city-centre was withdrawn already; an announcement is "
        "withdrawn once."
    )  # fmt: skip
    assert ok(demo_copy, "audit", "head").stdout == head


def test_only_the_facilitator_withdraws_an_announcement(
    demo_copy: Path, ok, refused
) -> None:
    head = ok(demo_copy, "audit", "head").stdout
    assert refused(
        demo_copy, "announcement", "withdraw", CITY, "1", "--reason", "Never sent.",
        actor="bakery",
    ) == "Only the facilitator of city-centre may withdraw announcements."  # fmt: skip
    assert ok(demo_copy, "audit", "head").stdout == head


def test_wrong_input_is_one_sentence_and_records_nothing(
    demo_copy: Path, ok, refused, read_json
) -> None:
    record_again(demo_copy, ok)
    head = ok(demo_copy, "audit", "head").stdout

    def withdrawing(*args: str, exit_code: int = 1) -> str:
        return refused(
            demo_copy, "announcement", "withdraw", CITY, *args,
            actor="facilitator", exit_code=exit_code,
        )  # fmt: skip

    assert withdrawing("3", "--reason", "A mistake.") == (
        "city-centre has 2 announcements; there is no announcement 3 to withdraw."
    )
    assert withdrawing("1", "--reason", " ") == "--reason: must not be empty."
    assert withdrawing("1", exit_code=2) == "Missing option '--reason'."
    assert withdrawing("two", "--reason", "A mistake.", exit_code=2) == (
        "Invalid value for 'NUMBER': an announcement's number is a whole number "
        "from 1, like 2 (see announcement list)."
    )
    assert ok(demo_copy, "audit", "head").stdout == head
    announcements = read_json(demo_copy, "announcement", "list", CITY)
    assert [a["withdrawn"] for a in announcements] == [None, None]


def test_the_example_in_the_help_withdraws_an_announcement_recorded_twice(
    demo_copy: Path, ok, read_json
) -> None:
    """The example the help shows, run as it is written on the demo with the
    letter recorded twice, withdraws the second record."""
    record_again(demo_copy, ok)
    shown = ok(demo_copy, "announcement", "withdraw", "--help").stdout
    example = shown.split("Example:", 1)[1].split("Options:", 1)[0]
    words = shlex.split(example.replace("\\\n", " "))
    assert words[:3] == ["samenspraak", "--as", "facilitator"]

    with frozen_at(WITHDRAWN_AT):
        result = ok(demo_copy, *words[3:], actor="facilitator")

    assert result.stderr.startswith("Withdrew announcement 2 of ")
    announcements = read_json(demo_copy, "announcement", "list", CITY)
    assert announcements[1]["withdrawn"] is not None
