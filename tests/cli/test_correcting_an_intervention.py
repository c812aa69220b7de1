"""``samenspraak intervention correct``: after the demo's story, the facilitator
records that they explained the traffic department to the bakery, then puts right
who asked (the traffic working group) and when; wrong input is one sentence and a
non-zero exit, and nothing is recorded."""

from __future__ import annotations

import shlex
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from samenspraak.domain.clock import frozen_at

CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
RECORDED_AT = datetime(2026, 6, 25, 10, 0, tzinfo=SUMMER)
CORRECTED_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""A week after the story's last step."""


@pytest.fixture
def asked(demo_copy: Path, ok) -> Path:
    """The demo, with intervention 1 recorded as asked for by the bakery, at half
    past six (it was half past seven)."""
    with frozen_at(RECORDED_AT):
        ok(
            demo_copy, "intervention", "record", CITY, "--kind", "on-request",
            "--requested-by", "bakery", "--when", "2026-04-02T18:30+02:00",
            "--note", "Explained how the traffic department decides.",
            actor="facilitator",
        )  # fmt: skip
    return demo_copy


def test_the_facilitator_corrects_an_intervention_and_the_lists_show_it(
    asked: Path, ok, read_json
) -> None:
    with frozen_at(CORRECTED_AT):
        result = ok(
            asked, "intervention", "correct", CITY, "1",
            "--group", "traffic", "--when", "2026-04-02T19:30+02:00",
            "--reason", "The working group asked, at its evening meeting.",
            actor="facilitator",
        )  # fmt: skip

    assert result.stdout == ""
    assert result.stderr == (
        "Corrected intervention 1 of city-centre: the time and who asked.\n"
    )
    [listed] = read_json(asked, "intervention", "list", CITY)
    assert (listed["group"], listed["requested_by"], listed["intervened_at"]) == (
        "traffic",
        None,
        "2026-04-02T19:30:00+02:00",
    )
    assert listed["corrections"] == [
        {
            "corrected_at": "2026-06-30T08:00:00Z",
            "fields": ["intervened_at", "requested_by", "group"],
            "reason": "The working group asked, at its evening meeting.",
        }
    ]
    table = ok(asked, "intervention", "list", CITY).stdout.splitlines()
    assert table[0].split() == [
        "#", "when", "kind", "asked", "by", "corrected", "withdrawn", "note",
    ]  # fmt: skip
    assert "group traffic" in table[2]
    assert table[2].split()[5:7] == ["yes", "no"]
    log = ok(asked, "audit", "log", CITY).stdout
    assert (
        "Intervention 1 of the facilitator: on-request, asked for by a stakeholder"
        in log
    )
    assert (
        "Intervention 1 of the facilitator corrected: made at "
        "2026-04-02T19:30+02:00, asked for by group traffic"
    ) in log


def test_the_facilitator_says_that_no_one_asked(asked: Path, ok, read_json) -> None:
    with frozen_at(CORRECTED_AT):
        result = ok(
            asked, "intervention", "correct", CITY, "1", "--kind", "connection",
            "--nobody-asked", "--reason", "No one asked: it was connecting people.",
            actor="facilitator",
        )  # fmt: skip

    assert result.stderr == (
        "Corrected intervention 1 of city-centre: the kind and who asked.\n"
    )
    [listed] = read_json(asked, "intervention", "list", CITY)
    assert (listed["kind"], listed["requested_by"], listed["group"]) == (
        "connection",
        None,
        None,
    )


def test_as_of_before_the_correction_shows_the_intervention_as_first_recorded(
    asked: Path, ok, read_json
) -> None:
    with frozen_at(CORRECTED_AT):
        ok(
            asked, "intervention", "correct", CITY, "1", "--group", "traffic",
            "--reason", "The working group asked.", actor="facilitator",
        )  # fmt: skip

    [then] = read_json(
        asked, "initiative", "status", CITY, "--as-of", "2026-06-29T12:00+02:00"
    )["interventions"]
    [now] = read_json(asked, "initiative", "status", CITY)["interventions"]
    assert (then["requested_by"], then["group"], then["corrections"]) == (
        "bakery",
        None,
        [],
    )
    assert (now["requested_by"], now["group"]) == (None, "traffic")
    report_then = ok(
        asked, "report", CITY, "--lang", "en", "--as-of", "2026-06-29T12:00+02:00"
    ).stdout
    report_now = ok(asked, "report", CITY, "--lang", "en").stdout
    assert "The record of intervention 1" not in report_then
    assert (
        "The record of intervention 1 of the facilitator was corrected on 30 Jun "
        "2026, 10:00 (who asked). Reason: The working group asked."
    ) in report_now


def test_only_the_facilitator_corrects_an_intervention(asked: Path, refused) -> None:
    assert refused(
        asked, "intervention", "correct", CITY, "1", "--group", "traffic",
        "--reason", "The group asked.", actor="bakery",
    ) == "Only the facilitator of city-centre may correct interventions."  # fmt: skip


def test_a_correction_that_changes_nothing_is_refused(asked: Path, refused) -> None:
    assert refused(
        asked, "intervention", "correct", CITY, "1", "--requested-by", "bakery",
        "--kind", "on-request", "--reason", "To be sure.", actor="facilitator",
    ) == (
        "Intervention 1 of city-centre is recorded so already; a correction changes "
        "its kind, its time, its note or who asked for it."
    )  # fmt: skip


def test_the_rules_for_recording_hold_for_the_corrected_intervention(
    asked: Path, refused
) -> None:
    assert refused(
        asked, "intervention", "correct", CITY, "1", "--nobody-asked",
        "--reason", "No one asked.", actor="facilitator",
    ) == (
        "An intervention on request names who asked for it: a group or a "
        "stakeholder of city-centre."
    )  # fmt: skip
    assert refused(
        asked, "intervention", "correct", CITY, "1", "--group", "traffic",
        "--requested-by", "library", "--reason", "Both.", actor="facilitator",
    ) == (
        "An intervention is asked for by a group or by a stakeholder, not both; "
        "name the one who asked."
    )  # fmt: skip


def test_wrong_input_is_one_sentence_and_records_nothing(asked: Path, refused) -> None:
    def correcting(*args: str, exit_code: int = 1) -> str:
        with frozen_at(CORRECTED_AT):
            return refused(
                asked, "intervention", "correct", CITY, *args,
                actor="facilitator", exit_code=exit_code,
            )  # fmt: skip

    reason = ("--reason", "A reason.")
    assert correcting("9", "--kind", "mediation", *reason) == (
        "city-centre has 1 intervention of the facilitator; there is no "
        "intervention 9 to correct."
    )
    assert correcting("1", "--when", "2026-04-02T19:30", *reason).startswith("--when: ")
    assert correcting("1", "--when", "2026-07-01T10:00+02:00", *reason) == (
        "An intervention is recorded once it was made; 2026-07-01T10:00+02:00 "
        "lies in the future."
    )
    assert correcting("1", "--group", "cycling", *reason) == (
        "The group cycling is not a group or a stakeholder of city-centre; an "
        "intervention is asked for by those who take part."
    )
    assert correcting("1", "--requested-by", "nobody", *reason) == (
        "No stakeholder is registered as nobody."
    )
    assert correcting("1", "--kind", "mediation", "--reason", " ") == (
        "--reason: must not be empty."
    )
    assert correcting("1", "--kind", "advice", *reason, exit_code=2).startswith(
        "Invalid value for '--kind'"
    )
    assert correcting("1", *reason, exit_code=2) == (
        "Give what to correct: --kind, --when, --note, --requested-by, --group or "
        "--nobody-asked."
    )
    assert correcting(
        "1", "--nobody-asked", "--group", "traffic", *reason, exit_code=2
    ) == (
        "--nobody-asked says no one asked: give it without --requested-by or --group."
    )
    assert correcting("one", "--kind", "mediation", *reason, exit_code=2) == (
        "Invalid value for 'NUMBER': an intervention's number is a whole number "
        "from 1, like 2 (see intervention list)."
    )
    assert correcting("1", "--kind", "mediation", exit_code=2) == (
        "Missing option '--reason'."
    )


def test_the_example_in_the_help_corrects_who_asked_for_the_intervention(
    asked: Path, ok
) -> None:
    """The example the help shows, run as it is written on the demo with an
    intervention recorded, corrects something there (a correction that changes
    nothing would be refused)."""
    shown = ok(asked, "intervention", "correct", "--help").stdout
    example = shown.split("Example:", 1)[1].split("Options:", 1)[0]
    words = shlex.split(example.replace("\\\n", " "))
    assert words[:3] == ["samenspraak", "--as", "facilitator"]

    with frozen_at(CORRECTED_AT):
        result = ok(asked, *words[3:], actor="facilitator")

    assert result.stderr == "Corrected intervention 1 of city-centre: who asked.\n"
