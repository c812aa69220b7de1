"""``samenspraak intervention withdraw``: after the demo's story, the facilitator
records their evening with the traffic working group twice, and withdraws the
second record. Lists and the report show it withdrawn, with when and why; every
intervention keeps its number; wrong input is one sentence and a non-zero exit,
and nothing is recorded."""

from __future__ import annotations

import shlex
from datetime import datetime, timedelta, timezone
from pathlib import Path

from samenspraak.domain.clock import frozen_at

CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
RECORDED_AT = datetime(2026, 6, 29, 10, 0, tzinfo=SUMMER)
WITHDRAWN_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
REASON = "The evening with the traffic group was recorded twice."


def record_twice(db: Path, ok) -> None:
    """Interventions 1 and 2: the same evening, recorded twice."""
    with frozen_at(RECORDED_AT):
        for number in ("1", "2"):
            result = ok(
                db, "intervention", "record", CITY, "--kind", "on-request",
                "--group", "traffic", "--when", "2026-04-02T19:30+02:00",
                "--note", "Explained how the traffic department decides.",
                actor="facilitator",
            )  # fmt: skip
            assert result.stdout == f"{number}\n"


def withdraw_the_second(db: Path, ok):
    with frozen_at(WITHDRAWN_AT):
        return ok(
            db, "intervention", "withdraw", CITY, "2", "--reason", REASON,
            actor="facilitator",
        )  # fmt: skip


def test_the_facilitator_withdraws_an_intervention_and_the_lists_show_it(
    demo_copy: Path, ok, read_json
) -> None:
    record_twice(demo_copy, ok)
    recorded = read_json(demo_copy, "intervention", "list", CITY)[1]

    result = withdraw_the_second(demo_copy, ok)

    assert result.stdout == ""
    assert result.stderr == (
        "Withdrew intervention 2 of city-centre; the other interventions keep their "
        "numbers.\n"
    )
    interventions = read_json(demo_copy, "intervention", "list", CITY)
    assert [i["number"] for i in interventions] == [1, 2]
    assert interventions[1]["withdrawn"] == {
        "withdrawn_at": "2026-06-30T08:00:00Z",
        "reason": REASON,
    }
    assert {**interventions[1], "withdrawn": None} == recorded
    assert interventions[0]["withdrawn"] is None
    status = read_json(demo_copy, "initiative", "status", CITY)["interventions"]
    assert status == interventions
    table = ok(demo_copy, "intervention", "list", CITY).stdout.splitlines()
    assert table[0].split() == [
        "#", "when", "kind", "asked", "by", "corrected", "withdrawn", "note",
    ]  # fmt: skip
    for command in (["intervention", "list"], ["initiative", "status"]):
        lines = ok(demo_copy, *command, CITY).stdout.splitlines()
        at = lines.index(next(line for line in lines if "asked by" in line))
        rows = lines[at + 2 : at + 4]
        assert [row.split()[6] for row in rows] == ["no", "yes"]
        assert (
            f"Intervention 2 was withdrawn at 2026-06-30T10:00+02:00: {REASON}"
        ) in lines
    log = ok(demo_copy, "audit", "log", CITY).stdout
    assert "Intervention 2 of the facilitator withdrawn" in log


def test_the_report_marks_a_withdrawn_intervention_and_says_why(
    demo_copy: Path, ok
) -> None:
    record_twice(demo_copy, ok)
    withdraw_the_second(demo_copy, ok)

    english = ok(demo_copy, "report", CITY, "--lang", "en").stdout
    assert "| 2 | 2 Apr 2026, 19:30 (withdrawn) |" in english
    assert (
        "Intervention 2 of the facilitator was withdrawn on 30 Jun 2026, 10:00: it "
        f"was recorded by mistake and does not count. Reason: {REASON}"
    ) in english
    dutch = ok(demo_copy, "report", CITY, "--lang", "nl").stdout
    assert "| 2 | 2 apr 2026, 19:30 (ingetrokken) |" in dutch
    assert (
        "Wat de procesbegeleider deed (2) is op 30 jun 2026, 10:00 ingetrokken: het "
        f"was ten onrechte vastgelegd en telt niet mee. Reden: {REASON}"
    ) in dutch


def test_as_of_before_the_withdrawal_shows_the_intervention_as_it_stood(
    demo_copy: Path, ok, read_json
) -> None:
    record_twice(demo_copy, ok)
    withdraw_the_second(demo_copy, ok)

    then = read_json(
        demo_copy, "initiative", "status", CITY, "--as-of", "2026-06-29T12:00+02:00"
    )["interventions"][1]
    assert then["withdrawn"] is None
    report_then = ok(
        demo_copy, "report", CITY, "--lang", "en", "--as-of", "2026-06-29T12:00+02:00"
    ).stdout
    assert "was withdrawn" not in report_then


def test_the_record_verifies_rebuilds_and_replays_with_the_withdrawal(
    demo_copy: Path, ok, read_json, tmp_path: Path
) -> None:
    record_twice(demo_copy, ok)
    withdraw_the_second(demo_copy, ok)
    interventions = read_json(demo_copy, "intervention", "list", CITY)

    ok(demo_copy, "audit", "verify")
    ok(demo_copy, "projections", "rebuild")
    ok(demo_copy, "projections", "verify")
    assert read_json(demo_copy, "intervention", "list", CITY) == interventions
    bundle = tmp_path / "city-centre.zip"
    ok(demo_copy, "export", CITY, "-o", str(bundle))
    replayed = tmp_path / "replayed.db"
    ok(replayed, "replay", str(bundle))
    assert read_json(replayed, "intervention", "list", CITY) == interventions


def test_a_withdrawn_intervention_is_neither_corrected_nor_withdrawn_again(
    demo_copy: Path, ok, refused
) -> None:
    record_twice(demo_copy, ok)
    withdraw_the_second(demo_copy, ok)

    assert refused(
        demo_copy, "intervention", "correct", CITY, "2", "--kind", "connection",
        "--nobody-asked", "--reason", "A connection.", actor="facilitator",
    ) == (
        "Intervention 2 of city-centre was withdrawn; a withdrawn intervention is not "
        "corrected."
    )  # fmt: skip
    assert refused(
        demo_copy, "intervention", "withdraw", CITY, "2", "--reason", "Twice.",
        actor="facilitator",
    ) == (
        "Intervention 2 of city-centre was withdrawn already; an intervention is "
        "withdrawn once."
    )  # fmt: skip


def test_only_the_facilitator_withdraws_an_intervention(
    demo_copy: Path, ok, refused
) -> None:
    record_twice(demo_copy, ok)
    assert refused(
        demo_copy, "intervention", "withdraw", CITY, "1", "--reason", "Never made.",
        actor="bakery",
    ) == "Only the facilitator of city-centre may withdraw interventions."  # fmt: skip


def test_wrong_input_is_one_sentence_and_records_nothing(
    demo_copy: Path, ok, refused, read_json
) -> None:
    record_twice(demo_copy, ok)

    def withdrawing(*args: str, exit_code: int = 1) -> str:
        return refused(
            demo_copy, "intervention", "withdraw", CITY, *args,
            actor="facilitator", exit_code=exit_code,
        )  # fmt: skip

    assert withdrawing("3", "--reason", "A mistake.") == (
        "city-centre has 2 interventions of the facilitator; there is no "
        "intervention 3 to withdraw."
    )
    assert withdrawing("1", "--reason", " ") == "--reason: must not be empty."
    assert withdrawing("1", exit_code=2) == "Missing option '--reason'."
    assert withdrawing("two", "--reason", "A mistake.", exit_code=2) == (
        "Invalid value for 'NUMBER': an intervention's number is a whole number "
        "from 1, like 2 (see intervention list)."
    )
    interventions = read_json(demo_copy, "intervention", "list", CITY)
    assert [i["withdrawn"] for i in interventions] == [None, None]


def test_the_example_in_the_help_withdraws_an_intervention_recorded_twice(
    demo_copy: Path, ok, read_json
) -> None:
    """The example the help shows, run as it is written on the demo with the
    evening recorded twice, withdraws the second record."""
    record_twice(demo_copy, ok)
    shown = ok(demo_copy, "intervention", "withdraw", "--help").stdout
    example = shown.split("Example:", 1)[1].split("Options:", 1)[0]
    words = shlex.split(example.replace("\\\n", " "))
    assert words[:3] == ["samenspraak", "--as", "facilitator"]

    with frozen_at(WITHDRAWN_AT):
        result = ok(demo_copy, *words[3:], actor="facilitator")

    assert result.stderr.startswith("Withdrew intervention 2 of ")
    interventions = read_json(demo_copy, "intervention", "list", CITY)
    assert interventions[1]["withdrawn"] is not None
