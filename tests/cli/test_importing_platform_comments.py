"""``samenspraak import decidim-comments``: the facilitator brings the comments of
the municipality's participation platform into the record from the command line,
sees what was recorded, and is told in one sentence what is wrong with a file."""

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
    "id;created_at;body;locale;author/id;author/name;alignment;depth;user_group/id;"
    "user_group/name/ca;user_group/name/es;commentable_id;commentable_type;"
    "root_commentable_url;user_group/name"
)
URL = "https://participate.example/processes/centre/f/3/meetings/905"
EXPORT = "\n".join(
    [
        HEADER,
        f'501;2026-01-14 09:00:00 UTC;"No cars on the quay;\nthe children walk '
        f'there.";nl;101;participant-101;-1;0;;;;905;Decidim::Meetings::Meeting;{URL};',
        f"502;2026-01-15 09:00:00 UTC;.;nl;102;participant-102;0;0;;;;905;"
        f"Decidim::Meetings::Meeting;{URL};",
        f"503;2026-01-15 10:00:00 UTC;Next meeting?;nl;101;participant-101;0;0;;;;906;"
        f"Decidim::Meetings::Meeting;{URL[:-3]}906;",
    ]
)


@pytest.fixture
def record(traffic_plan_proposed: Path) -> Path:
    return traffic_plan_proposed


@pytest.fixture
def comments(tmp_path: Path) -> Path:
    path = tmp_path / "meeting_comments.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


def importing(db: Path, path: Path, *more: str) -> list[str]:
    return ["import", "decidim-comments", CC, "traffic", str(path), "--version", "1",
            "--on", "Decidim::Meetings::Meeting:905", *more]  # fmt: skip


def test_the_facilitator_imports_the_comments_and_is_told_what_was_recorded(
    record: Path, comments: Path, ok: Callable[..., object]
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        result = ok(record, *importing(record, comments), actor=F)
        again = ok(record, *importing(record, comments), actor=F)

    lines = result.stdout.splitlines()  # type: ignore[attr-defined]
    assert lines[0].split() == [
        "line", "comment", "#", "stakeholder", "stance", "posted", "late",
    ]  # fmt: skip
    assert [line.split()[:5] for line in lines[2:]] == [
        ["2", "decidim:501", "1", "decidim-101", "objection"],
        ["4", "decidim:502", "2", "decidim-102", "suggestion"],
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


def test_an_import_given_again_with_its_command_id_exits_with_3_and_records_nothing(
    record: Path, comments: Path, ok: Callable[..., object], refused: Callable[..., str]
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        ok(record, "--command-id", "meeting-905", *importing(record, comments), actor=F)
        said = refused(
            record, "--command-id", "meeting-905", *importing(record, comments),
            actor=F, exit_code=3,
        )  # fmt: skip

    assert "meeting-905" in said


def test_the_response_report_names_the_platform_comment_of_each_imported_reaction(
    record: Path, comments: Path, ok: Callable[..., object]
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        ok(record, *importing(record, comments, "--neutral", "concern"), actor=F)
        shown = ok(record, "plan", "responses", CC, "--format", "csv")
        as_json = ok(record, "plan", "responses", CC, "--format", "json")

    rows = list(csv.DictReader(io.StringIO(shown.stdout)))  # type: ignore[attr-defined]
    assert [(r["origin"], r["channel"], r["stance"]) for r in rows] == [
        ("decidim:501", "online", "objection"),
        ("decidim:502", "online", "concern"),
    ]
    entries = json.loads(as_json.stdout)  # type: ignore[attr-defined]
    assert [e["origin"] for e in entries] == ["decidim:501", "decidim:502"]


def test_a_dry_run_prints_what_would_be_recorded_and_records_nothing(
    record: Path, comments: Path, ok: Callable[..., object], event_count
) -> None:
    before = event_count(record)
    with clock.frozen_at(START + timedelta(days=20)):
        result = ok(
            record, *importing(record, comments, "--dry-run", "--json"), actor=F
        )

    said = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert [r["comment"] for r in said["recorded"]] == ["decidim:501", "decidim:502"]
    assert said["dry_run"] is True
    assert result.stderr.startswith("Would record 2 comments")  # type: ignore[attr-defined]
    assert event_count(record) == before


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        ('{"comments": []}', "is not a Decidim comments export: its first line has "
         "no columns separated by ';'"),
        (EXPORT.replace("created_at", "posted_at", 1), "is not a Decidim comments "
         "export: it has no column created_at."),
        (EXPORT.replace("2026-01-15 09:00:00 UTC", "yesterday"), "line 4: created_at "
         "must be a time like 2017-10-16 07:18:14 UTC, not 'yesterday'."),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_in_one_sentence_that_names_it(
    record: Path, tmp_path: Path, refused: Callable[..., str], content: str,
    sentence: str,
) -> None:  # fmt: skip
    path = tmp_path / "comments.csv"
    path.write_text(content, encoding="utf-8")

    with clock.frozen_at(START + timedelta(days=20)):
        said = refused(record, *importing(record, path), actor=F)

    assert said.startswith(f"{path}: {sentence}")


def test_a_file_that_is_not_text_or_not_there_is_a_usage_error(
    record: Path, tmp_path: Path, refused: Callable[..., str]
) -> None:
    binary = tmp_path / "export.zip"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00")

    said = refused(record, *importing(record, binary), actor=F, exit_code=2)
    missing = refused(
        record, *importing(record, tmp_path / "gone.csv"), actor=F, exit_code=2
    )

    assert (
        said == f"Cannot read {binary}: it is not UTF-8 text, so not a Decidim export."
    )
    assert missing.startswith(f"Cannot read {tmp_path / 'gone.csv'}: ")


def test_a_comment_the_rules_refuse_records_nothing_and_names_its_line(
    record: Path, comments: Path, refused: Callable[..., str]
) -> None:
    """Imported on 13 January, the comments of the 14th and 15th lie ahead."""
    with clock.frozen_at(START + timedelta(days=1)):
        said = refused(record, *importing(record, comments), actor=F)

    assert said.startswith("Nothing was imported: line 2 (comment 501): ")
    assert said.endswith("1 other comment was refused too (line 4).")


def test_an_unknown_thing_commented_on_is_named(
    record: Path, comments: Path, refused: Callable[..., str]
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        said = refused(
            record, *importing(record, comments, "--on", "Decidim::Blogs::Post:7"),
            actor=F,
        )  # fmt: skip

    assert said == "--on: no comment of the export is on Decidim::Blogs::Post:7."


def test_an_erased_authors_origin_shows_as_erased_and_new_comments_wait_for_their_rows_left_out(
    record: Path,
    comments: Path,
    ok: Callable[..., object],
    refused: Callable[..., str],
    tmp_path: Path,
) -> None:
    without_the_erased = tmp_path / "later_comments.csv"
    without_the_erased.write_text(
        "\n".join([HEADER, *EXPORT.splitlines()[3:4]]).replace("502;", "505;") + "\n",
        encoding="utf-8",
    )
    with clock.frozen_at(START + timedelta(days=20)):
        ok(record, *importing(record, comments), actor=F)
        ok(record, "stakeholder", "erase", "decidim-101", "--with-texts", actor=F)
        shown = ok(record, "plan", "responses", CC, "--format", "csv")
        said = refused(record, *importing(record, comments), actor=F)
        again = ok(
            record, *importing(record, without_the_erased), "--erased-left-out",
            actor=F,
        )  # fmt: skip

    rows = list(csv.DictReader(io.StringIO(shown.stdout)))  # type: ignore[attr-defined]
    assert [(r["text"], r["origin"], r["origin_erased"]) for r in rows] == [
        ("", "", "true"),
        (".", "decidim:502", "false"),
    ]
    assert said == (
        "Nothing was imported: 1 reaction in city-centre was imported from a comment "
        "whose origin was erased since, with the texts of whoever posted it, so "
        "such a comment is not recognised any more and would be recorded again; "
        "leave the rows of whoever was erased out of the export, then import with "
        "erased_left_out (--erased-left-out)."
    )
    assert again.stderr == (  # type: ignore[attr-defined]
        "Recorded 1 comment as a reaction on traffic. 1 reaction in city-centre was "
        "imported from a comment whose origin was erased since, with the texts of "
        "whoever posted it: such a comment is not recognised any more, and the rows "
        "of whoever was erased were left out of the file (--erased-left-out).\n"
    )
