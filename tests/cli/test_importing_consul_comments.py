"""``samenspraak import consul-comments``: the facilitator brings the comments of a
CONSUL Democracy platform into the record from the command line, sees what was
recorded (on Dutch clocks, from Madrid's local time), and is told in one sentence
what is wrong with a file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from samenspraak.domain import clock

START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
CC = "city-centre"
F = "facilitator"
HEADER = (
    ",id,parentId,proposalId,page,userId,userType,date,time,text,numVotes,"
    "numPositiveVotes,numNegativeVotes"
)
EXPORT = "\n".join(
    [
        HEADER,
        '0,701,-1,7,1,2780,,2026-01-14,0 days 10:50:19,"More trees, please;\nit is '
        'hot.",1,1,0',
        "1,702,701,7,1,10016,,2026-01-15,0 days 11:07:10,Agreed.,0,0,0",
        "2,703,-1,19,1,2780,,2026-01-15,0 days 12:00:00,Another matter.,0,0,0",
    ]
)


@pytest.fixture
def record(traffic_plan_proposed: Path) -> Path:
    return traffic_plan_proposed


@pytest.fixture
def comments(tmp_path: Path) -> Path:
    path = tmp_path / "comments.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


def importing(path: Path, *more: str) -> list[str]:
    return ["import", "consul-comments", CC, "traffic", str(path), "--version", "1",
            "--on", "proposal:7", *more]  # fmt: skip


def test_the_facilitator_imports_the_comments_and_is_told_what_was_recorded(
    record: Path, comments: Path, ok: Callable[..., object]
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        result = ok(record, *importing(comments), actor=F)
        again = ok(record, *importing(comments), actor=F)

    lines = result.stdout.splitlines()  # type: ignore[attr-defined]
    assert [line.split()[:6] for line in lines[2:]] == [
        [
            "2",
            "consul:701",
            "1",
            "consul-2780",
            "suggestion",
            "2026-01-14T10:50:19+01:00",
        ],
        [
            "4",
            "consul:702",
            "2",
            "consul-10016",
            "suggestion",
            "2026-01-15T11:07:10+01:00",
        ],
    ]
    assert result.stderr == (  # type: ignore[attr-defined]
        "Recorded 2 comments as reactions on traffic; skipped 1 (not on what was "
        "chosen: 1). 2 stakeholders joined the initiative (2 new in the "
        "directory).\n"
    )
    assert again.stderr == (  # type: ignore[attr-defined]
        "Recorded 0 comments as reactions on traffic; 2 comments were already "
        "there; skipped 1 (not on what was chosen: 1).\n"
    )


def test_the_neutral_stance_given_is_every_comments_and_the_report_names_their_origin(
    record: Path, comments: Path, ok: Callable[..., object]
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        ok(record, *importing(comments, "--neutral", "concern"), actor=F)
        shown = ok(record, "plan", "responses", CC, "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(shown.stdout)))  # type: ignore[attr-defined]
    assert [(r["origin"], r["channel"], r["stance"]) for r in rows] == [
        ("consul:701", "online", "concern"),
        ("consul:702", "online", "concern"),
    ]


def test_a_dry_run_prints_what_would_be_recorded_and_records_nothing(
    record: Path, comments: Path, ok: Callable[..., object], event_count
) -> None:
    before = event_count(record)
    with clock.frozen_at(START + timedelta(days=20)):
        result = ok(record, *importing(comments, "--dry-run", "--json"), actor=F)

    said = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert [r["comment"] for r in said["recorded"]] == ["consul:701", "consul:702"]
    assert said["dry_run"] is True
    assert event_count(record) == before


def test_an_import_given_again_with_its_command_id_exits_with_3_and_records_nothing(
    record: Path, comments: Path, ok: Callable[..., object], refused: Callable[..., str]
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        ok(record, "--command-id", "proposal-7", *importing(comments), actor=F)
        said = refused(
            record, "--command-id", "proposal-7", *importing(comments), actor=F,
            exit_code=3,
        )  # fmt: skip

    assert "proposal-7" in said


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        ('{"comments": []}', "is not a CONSUL comments export: its first line has "
         "no columns separated by ','"),
        (EXPORT.replace(",date,", ",day,", 1), "is not a CONSUL comments export: it "
         "has no column date."),
        (EXPORT.replace("2026-01-15,0 days 11", "yesterday,0 days 11"), "line 4: date "
         "must be a day like 2015-09-15, not 'yesterday'."),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_in_one_sentence_that_names_it(
    record: Path, tmp_path: Path, refused: Callable[..., str], content: str,
    sentence: str,
) -> None:  # fmt: skip
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")

    with clock.frozen_at(START + timedelta(days=20)):
        said = refused(record, *importing(path), actor=F)

    assert said.startswith(f"{path}: {sentence}")


def test_a_file_that_is_not_text_is_a_usage_error(
    record: Path, tmp_path: Path, refused: Callable[..., str]
) -> None:
    binary = tmp_path / "export.zip"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00")

    said = refused(record, *importing(binary), actor=F, exit_code=2)

    assert (
        said == f"Cannot read {binary}: it is not UTF-8 text, so not a CONSUL export."
    )


def test_a_proposal_without_comments_in_the_file_is_named(
    record: Path, comments: Path, refused: Callable[..., str]
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        said = refused(record, *importing(comments, "--on", "proposal:8"), actor=F)

    assert said == "--on: no comment of the export is on proposal:8."


def test_a_public_employees_comment_is_left_out_where_society_decides_first_when_asked(
    record: Path,
    tmp_path: Path,
    ok: Callable[..., object],
    refused: Callable[..., str],
) -> None:
    """Comment 702 is a public employee's; in the first phase, where society
    decides first, civil servants may not react."""
    path = tmp_path / "with-a-public-employee.csv"
    path.write_text(
        EXPORT.replace(",10016,,", ",10016,Empleados públicos,"), encoding="utf-8"
    )
    with clock.frozen_at(START + timedelta(days=20)):
        sentence = refused(record, *importing(path), actor=F)
        result = ok(record, *importing(path, "--leave-out-civil-servants"), actor=F)

    assert sentence.startswith("Nothing was imported: line 4 (comment 702): ")
    assert sentence.endswith(
        "To leave the comments of public employees out, import with "
        "leave_out_civil_servants (--leave-out-civil-servants)."
    )
    assert result.stderr == (  # type: ignore[attr-defined]
        "Recorded 1 comment as a reaction on traffic; skipped 2 (not on what was "
        "chosen: 1, by a public employee: 1). 1 stakeholder joined the initiative "
        "(1 new in the directory).\n"
    )
