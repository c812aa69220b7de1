"""``samenspraak council withdraw-follow-up``: after the demo's story, the
facilitator records the council's questions against the vision (informing 1) when
the council asked them about the harbour district's plan, and withdraws that
follow-up the next morning. Lists and the report show it withdrawn, with when and
why, and every follow-up keeps its number; wrong input is one sentence and a
non-zero exit, and nothing is recorded."""

from __future__ import annotations

import shlex
from datetime import datetime, timedelta, timezone
from pathlib import Path

from samenspraak.domain.clock import frozen_at

CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
RECORDED_AT = datetime(2026, 6, 29, 10, 0, tzinfo=SUMMER)
WITHDRAWN_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
SUMMARY = "The council asks for a second walk-in evening."
REASON = "The council asked this about the harbour district's plan."


def follow_up_by_mistake(db: Path, ok, informing: str = "1") -> None:
    with frozen_at(RECORDED_AT):
        ok(
            db, "council", "follow-up", CITY, "--informing", informing,
            "--summary", SUMMARY, "--when", "2026-06-28T21:00+02:00",
            actor="facilitator",
        )  # fmt: skip


def withdraw(db: Path, ok, *args: str):
    with frozen_at(WITHDRAWN_AT):
        return ok(
            db, "council", "withdraw-follow-up", CITY, *args, "--reason", REASON,
            actor="facilitator",
        )  # fmt: skip


def test_the_facilitator_withdraws_a_follow_up_and_the_lists_show_it(
    demo_copy: Path, ok, read_json
) -> None:
    follow_up_by_mistake(demo_copy, ok)
    recorded = read_json(demo_copy, "council", "list", CITY)[0]["follow_ups"][0]

    result = withdraw(demo_copy, ok, "--informing", "1")

    assert result.stdout == ""
    assert result.stderr == (
        "Withdrew follow-up 1 of informing 1 of the council in city-centre; the "
        "other follow-ups keep their numbers.\n"
    )
    vision, traffic = read_json(demo_copy, "council", "list", CITY)
    assert vision["follow_ups"] == [
        {**recorded, "withdrawn": {"withdrawn_at": "2026-06-30T08:00:00Z",
                                   "reason": REASON}}
    ]  # fmt: skip
    assert vision["withdrawn"] is None
    assert [f["withdrawn"] for f in traffic["follow_ups"]] == [None]
    for command in (["council", "list"], ["initiative", "status"]):
        shown = ok(demo_copy, *command, CITY).stdout
        assert f"2026-06-28T21:00+02:00: {SUMMARY} (withdrawn)" in shown
        assert (
            f"Follow-up 1 of informing 1 was withdrawn at 2026-06-30T10:00+02:00: "
            f"{REASON}"
        ) in shown.splitlines()
    log = ok(demo_copy, "audit", "log", CITY).stdout
    assert "Follow-up 1 of council informing 1 withdrawn" in log
    assert ok(demo_copy, "audit", "verify").exit_code == 0


def test_the_follow_up_is_named_when_the_informing_has_several(
    demo_copy: Path, ok, read_json, refused
) -> None:
    """Informing 2 already has the council's decision on the traffic plan; the
    questions recorded against it by mistake are its follow-up 2."""
    follow_up_by_mistake(demo_copy, ok, informing="2")
    assert refused(
        demo_copy, "council", "withdraw-follow-up", CITY, "--informing", "2",
        "--reason", REASON, actor="facilitator",
    ) == (
        "Informing 2 of city-centre has 2 follow-ups by the council; name the one "
        "to withdraw, from 1 in the order recorded."
    )  # fmt: skip
    assert (
        "1. 2026-06-18T21:00+02:00: " in ok(demo_copy, "council", "list", CITY).stdout
    )

    result = withdraw(demo_copy, ok, "--informing", "2", "--follow-up", "2")

    assert result.stderr.startswith("Withdrew follow-up 2 of informing 2 ")
    follow_ups = read_json(demo_copy, "council", "list", CITY)[1]["follow_ups"]
    assert [(f["number"], f["withdrawn"] is None) for f in follow_ups] == [
        (1, True),
        (2, False),
    ]
    assert (
        f"2. 2026-06-28T21:00+02:00: {SUMMARY} (withdrawn)"
        in ok(demo_copy, "council", "list", CITY).stdout
    )


def test_as_of_before_the_withdrawal_shows_the_follow_up_as_it_stood(
    demo_copy: Path, ok, read_json
) -> None:
    follow_up_by_mistake(demo_copy, ok)
    withdraw(demo_copy, ok, "--informing", "1")

    then = read_json(
        demo_copy, "initiative", "status", CITY, "--as-of", "2026-06-29T12:00+02:00"
    )["council"][0]["follow_ups"]
    assert [(f["number"], f["withdrawn"]) for f in then] == [(1, None)]
    report_then = ok(
        demo_copy, "report", CITY, "--lang", "en", "--as-of", "2026-06-29T12:00+02:00"
    ).stdout
    report_now = ok(demo_copy, "report", CITY, "--lang", "en").stdout
    assert "was withdrawn" not in report_then
    assert (
        "Follow-up 1 of informing 1 of the council was withdrawn on 30 Jun 2026, "
        "10:00: it was recorded by mistake and does not count. Reason: "
        f"{REASON}"
    ) in report_now


def test_a_withdrawn_follow_up_lets_its_informing_be_withdrawn(
    demo_copy: Path, ok, read_json, refused
) -> None:
    follow_up_by_mistake(demo_copy, ok)
    assert refused(
        demo_copy, "council", "withdraw", CITY, "1", "--reason", "Called off.",
        actor="facilitator",
    ).startswith("The council followed up informing 1 of city-centre at ")  # fmt: skip
    withdraw(demo_copy, ok, "--informing", "1")

    with frozen_at(WITHDRAWN_AT):
        ok(
            demo_copy, "council", "withdraw", CITY, "1", "--reason", "Called off.",
            actor="facilitator",
        )  # fmt: skip

    assert read_json(demo_copy, "council", "list", CITY)[0]["withdrawn"] is not None


def test_only_the_facilitator_withdraws_a_follow_up(demo_copy: Path, refused) -> None:
    assert refused(
        demo_copy, "council", "withdraw-follow-up", CITY, "--informing", "2",
        "--reason", "Never given.", actor="bakery",
    ) == (
        "Only the facilitator of city-centre may withdraw a follow-up of the council."
    )  # fmt: skip


def test_wrong_input_is_one_sentence_and_records_nothing(
    demo_copy: Path, refused
) -> None:
    def withdrawing(*args: str, exit_code: int = 1) -> str:
        return refused(
            demo_copy, "council", "withdraw-follow-up", CITY, *args,
            actor="facilitator", exit_code=exit_code,
        )  # fmt: skip

    assert withdrawing("--informing", "3", "--reason", "A mistake.") == (
        "city-centre has 2 informings of the council; there is no informing 3 "
        "whose follow-up to withdraw."
    )
    assert withdrawing("--informing", "1", "--reason", "A mistake.") == (
        "Informing 1 of city-centre has no follow-ups by the council; there is no "
        "follow-up 1 of it to withdraw."
    )
    assert withdrawing(
        "--informing", "2", "--follow-up", "2", "--reason", "A mistake."
    ) == (
        "Informing 2 of city-centre has 1 follow-up by the council; there is no "
        "follow-up 2 of it to withdraw."
    )
    assert withdrawing("--informing", "2", "--reason", " ") == (
        "--reason: must not be empty."
    )
    assert withdrawing("--informing", "2", exit_code=2) == (
        "Missing option '--reason'."
    )
    assert withdrawing("--reason", "A mistake.", exit_code=2) == (
        "Missing option '--informing'."
    )
    assert withdrawing("--informing", "two", "--reason", "A mistake.").startswith(
        "--informing: "
    )
    assert withdrawing(
        "--informing", "2", "--follow-up", "0", "--reason", "A mistake."
    ).startswith("--follow-up: ")


def test_a_follow_up_is_withdrawn_once(demo_copy: Path, ok, refused) -> None:
    withdraw(demo_copy, ok, "--informing", "2")
    assert refused(
        demo_copy, "council", "withdraw-follow-up", CITY, "--informing", "2",
        "--reason", "Twice.", actor="facilitator",
    ) == (
        "Follow-up 1 of informing 2 of city-centre was withdrawn already; a "
        "follow-up is withdrawn once."
    )  # fmt: skip


def test_the_example_in_the_help_withdraws_the_demo_s_follow_up(
    demo_copy: Path, ok, read_json
) -> None:
    """The example the help shows, run on the demo as it is written, withdraws
    the council's decision on the traffic plan (informing 2, its one follow-up)."""
    shown = ok(demo_copy, "council", "withdraw-follow-up", "--help").stdout
    example = shown.split("Example:", 1)[1].split("Options:", 1)[0]
    words = shlex.split(example.replace("\\\n", " "))
    assert words[:3] == ["samenspraak", "--as", "facilitator"]

    with frozen_at(WITHDRAWN_AT):
        result = ok(demo_copy, *words[3:], actor="facilitator")

    assert result.stderr.startswith("Withdrew follow-up 1 of informing 2 ")
    follow_up = read_json(demo_copy, "council", "list", CITY)[1]["follow_ups"][0]
    assert follow_up["withdrawn"] is not None
