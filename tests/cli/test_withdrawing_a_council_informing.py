"""``samenspraak council withdraw``: after the demo's story, the facilitator records
the harbour district's council information letter in the city centre by mistake,
and withdraws it the next morning. Lists and the report show it withdrawn, with
when and why, and every informing keeps its number; wrong input is one sentence
and a non-zero exit, and nothing is recorded."""

from __future__ import annotations

import hashlib
import shlex
from datetime import datetime, timedelta, timezone
from pathlib import Path

from samenspraak.domain.clock import frozen_at

CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
RECORDED_AT = datetime(2026, 6, 29, 10, 0, tzinfo=SUMMER)
WITHDRAWN_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
HARBOUR_PLAN = hashlib.sha256(b"the harbour district's plan").hexdigest()
REASON = "The letter was about the harbour district; recorded here by mistake."


def record_by_mistake(db: Path, ok) -> None:
    with frozen_at(RECORDED_AT):
        result = ok(
            db, "council", "inform", CITY, "--title", "Plan for the harbour district",
            "--sha256", HARBOUR_PLAN, "--session", "letter",
            "--when", "2026-06-29T09:00+02:00", actor="facilitator",
        )  # fmt: skip
    assert result.stdout == "3\n"


def withdraw_the_letter(db: Path, ok):
    with frozen_at(WITHDRAWN_AT):
        return ok(
            db, "council", "withdraw", CITY, "3", "--reason", REASON,
            actor="facilitator",
        )  # fmt: skip


def test_the_facilitator_withdraws_an_informing_and_the_lists_show_it(
    demo_copy: Path, ok, read_json
) -> None:
    record_by_mistake(demo_copy, ok)
    recorded = read_json(demo_copy, "council", "list", CITY)[2]

    result = withdraw_the_letter(demo_copy, ok)

    assert result.stdout == ""
    assert result.stderr == (
        "Withdrew informing 3 of the council in city-centre; the other informings "
        "keep their numbers.\n"
    )
    council = read_json(demo_copy, "council", "list", CITY)
    assert [c["number"] for c in council] == [1, 2, 3]
    assert council[2]["withdrawn"] == {
        "withdrawn_at": "2026-06-30T08:00:00Z",
        "reason": REASON,
    }
    assert {**council[2], "withdrawn": None} == recorded
    assert [c["withdrawn"] for c in council[:2]] == [None, None]
    for command in (["council", "list"], ["initiative", "status"]):
        lines = ok(demo_copy, *command, CITY).stdout.splitlines()
        rows = [line for line in lines if line[:3] in ("1  ", "2  ", "3  ")]
        assert [row.split()[4] for row in rows[-3:]] == ["no", "no", "yes"]
        # When, as the other times of the table: on Dutch clocks.
        assert f"Informing 3 was withdrawn at 2026-06-30T10:00+02:00: {REASON}" in lines
    log = ok(demo_copy, "audit", "log", CITY).stdout
    assert "Council informing 3 withdrawn" in log


def test_as_of_before_the_withdrawal_shows_the_informing_as_it_stood(
    demo_copy: Path, ok, read_json
) -> None:
    record_by_mistake(demo_copy, ok)
    withdraw_the_letter(demo_copy, ok)

    then = read_json(
        demo_copy, "initiative", "status", CITY, "--as-of", "2026-06-29T12:00+02:00"
    )["council"][2]
    assert then["withdrawn"] is None
    report_then = ok(
        demo_copy, "report", CITY, "--lang", "en", "--as-of", "2026-06-29T12:00+02:00"
    ).stdout
    report_now = ok(demo_copy, "report", CITY, "--lang", "en").stdout
    assert "was withdrawn" not in report_then
    assert (
        "Informing 3 of the council was withdrawn on 30 Jun 2026, 10:00: it was "
        "recorded by mistake and does not count. Reason: The letter was about the "
        "harbour district; recorded here by mistake."
    ) in report_now


def test_a_withdrawn_informing_is_neither_corrected_nor_followed_up(
    demo_copy: Path, ok, refused
) -> None:
    record_by_mistake(demo_copy, ok)
    withdraw_the_letter(demo_copy, ok)

    assert refused(
        demo_copy, "council", "correct", CITY, "3", "--session", "formal",
        "--reason", "It was formal.", actor="facilitator",
    ) == (
        "Informing 3 of city-centre was withdrawn; a withdrawn informing is not "
        "corrected."
    )  # fmt: skip
    assert refused(
        demo_copy, "council", "follow-up", CITY, "--informing", "3",
        "--summary", "The council asks questions.",
        "--when", "2026-06-29T21:00+02:00", actor="facilitator",
    ) == (
        "Informing 3 of city-centre was withdrawn; the council's follow-up answers "
        "an informing that stands."
    )  # fmt: skip
    assert refused(
        demo_copy, "council", "withdraw", CITY, "3", "--reason", "Twice.",
        actor="facilitator",
    ) == (
        "Informing 3 of city-centre was withdrawn already; an informing is "
        "withdrawn once."
    )  # fmt: skip


def test_only_the_facilitator_withdraws_an_informing(demo_copy: Path, refused) -> None:
    assert refused(
        demo_copy, "council", "withdraw", CITY, "1", "--reason", "Never shown.",
        actor="bakery",
    ) == (
        "Only the facilitator of city-centre may withdraw an informing of the council."
    )  # fmt: skip


def test_wrong_input_is_one_sentence_and_records_nothing(
    demo_copy: Path, refused
) -> None:
    def withdrawing(*args: str, exit_code: int = 1) -> str:
        return refused(
            demo_copy, "council", "withdraw", CITY, *args,
            actor="facilitator", exit_code=exit_code,
        )  # fmt: skip

    assert withdrawing("3", "--reason", "A mistake.") == (
        "city-centre has 2 informings of the council; there is no informing 3 to "
        "withdraw."
    )
    assert withdrawing("2", "--reason", "A mistake.") == (
        "The council followed up informing 2 of city-centre at "
        "2026-06-18T21:00+02:00; an informing the council acted on is not "
        "withdrawn."
    )
    assert withdrawing("1", "--reason", " ") == "--reason: must not be empty."
    assert withdrawing("1", exit_code=2) == "Missing option '--reason'."
    assert withdrawing("two", "--reason", "A mistake.", exit_code=2) == (
        "Invalid value for 'NUMBER': an informing's number is a whole number from 1, "
        "like 2 (see council list)."
    )


def test_the_example_in_the_help_withdraws_the_demo_s_vision_informing(
    demo_copy: Path, ok, read_json
) -> None:
    """The example the help shows, run on the demo as it is written, withdraws
    something there (the traffic plan's informing, which the council followed up,
    would be refused)."""
    shown = ok(demo_copy, "council", "withdraw", "--help").stdout
    example = shown.split("Example:", 1)[1].split("Options:", 1)[0]
    words = shlex.split(example.replace("\\\n", " "))
    assert words[:3] == ["samenspraak", "--as", "facilitator"]

    with frozen_at(WITHDRAWN_AT):
        result = ok(demo_copy, *words[3:], actor="facilitator")

    assert result.stderr.startswith("Withdrew informing 1 of the council in ")
    assert read_json(demo_copy, "council", "list", CITY)[0]["withdrawn"] is not None
