"""``samenspraak report``: the participation report on stdout or in a file."""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]
Refused = Callable[..., str]

CITY = "city-centre"


def test_the_report_is_markdown_in_dutch_on_stdout_by_default(
    ok: Run, demo_db: Path
) -> None:
    head = ok(demo_db, "audit", "head", CITY).stdout.strip()
    result = ok(demo_db, "report", CITY)
    assert result.stdout.startswith(
        "# Participatieverslag: Together for a lively city centre\n"
    )
    for heading in (
        "## Samenvatting",
        "## Het proces",
        "## Wie deed mee",
        "## Bijeenkomsten",
        "## Plannen en versies",
        "## Reactienota: elke reactie en wat ermee is gedaan",
        "## Besluitpunten",
        "## Wat naar de gemeenteraad ging",
        "## Budget",
        "## Verantwoording",
    ):
        assert f"\n{heading}\n" in result.stdout
    assert f"`{head}`" in result.stdout
    assert result.stderr == (
        f"The participation report of {CITY} (as it stands), built from audit "
        f"head {head}.\n"
    )


def test_the_html_report_goes_to_a_file(ok: Run, demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "participatieverslag.html"
    result = ok(demo_db, "report", CITY, "--format", "html", "-o", str(target))
    assert result.stdout == ""
    assert result.stderr.endswith(f", written to {target}.\n")
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="nl">' in page
    assert "<svg" in page
    assert "<script" not in page


def test_the_json_report_in_english_as_of_a_moment(ok: Run, demo_db: Path) -> None:
    result = ok(
        demo_db,
        "report",
        CITY,
        "--format",
        "json",
        "--lang",
        "en",
        "--as-of",
        "2026-02-10T12:00+01:00",
    )
    data = json.loads(result.stdout)
    assert data["initiative"] == CITY
    assert data["as_of"] == "2026-02-10T12:00:00+01:00"
    assert data["council"] == []
    assert [r["outcome"] for r in data["responses"]] == ["unanswered", "unanswered"]
    assert "as of 2026-02-10T12:00+01:00" in result.stderr


def test_the_english_report_speaks_english(ok: Run, demo_db: Path) -> None:
    out = ok(demo_db, "report", CITY, "--lang", "en").stdout
    assert out.startswith("# Participation report: ")
    assert "## Response report: every reaction and what was done with it" in out
    assert "Adopted in version 2" in out
    assert "Reactienota" not in out


def test_the_english_summary_says_how_often_the_council_was_informed(
    ok: Run, demo_db: Path
) -> None:
    out = ok(demo_db, "report", CITY, "--lang", "en").stdout
    assert "- **2** times the council was informed\n" in out
    assert "informings" not in out


def test_a_report_of_nothing_is_refused(
    refused: Refused, demo_db: Path, tmp_path: Path
) -> None:
    assert (
        refused(demo_db, "report", "nowhere")
        == "There is no initiative called nowhere."
    )
    assert "had not started yet" in refused(
        demo_db, "report", CITY, "--as-of", "2025-01-01T00:00+01:00"
    )
    assert "'pdf' is not one of" in refused(
        demo_db, "report", CITY, "--format", "pdf", exit_code=2
    )
    missing = tmp_path / "missing.db"
    assert "There is no samenspraak database" in refused(missing, "report", CITY)
    assert not missing.exists()


def test_a_report_that_cannot_be_written_says_so(
    run: Run, demo_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "no-such-folder" / "report.md"
    result = run(demo_db, "report", CITY, "-o", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: Cannot write {target}: ")
    assert not target.exists()


def test_why_a_file_cannot_be_written_is_said_as_why_one_cannot_be_read(
    run: Run, demo_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "no-such-folder" / "report.md"
    written = run(demo_db, "report", CITY, "-o", str(target))
    assert written.stderr == (
        f"Error: Cannot write {target}: no such file or directory.\n"
    )
    read = run(demo_db, "plan", "propose", CITY, "vision", "--text-file",
               str(target), "--changes", "None.", actor="facilitator")  # fmt: skip
    assert read.stderr.endswith(
        f"Error: Cannot read {target}: no such file or directory.\n"
    )


def test_a_report_that_fails_half_way_leaves_the_file_that_was_there(
    run: Run, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.md"
    target.write_text("The report of last week.\n", encoding="utf-8")

    def disk_full(source: str, destination: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", disk_full)
    result = run(demo_db, "report", CITY, "-o", str(target))
    assert result.stderr == (
        f"Error: Cannot write {target}: no space left on device.\n"
    )
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8") == "The report of last week.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_a_report_written_again_replaces_the_file_and_keeps_its_permissions(
    ok: Run, demo_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "report.md"
    target.write_text("The report of last week.\n", encoding="utf-8")
    target.chmod(0o640)
    ok(demo_db, "report", CITY, "-o", str(target))
    assert target.read_text(encoding="utf-8").startswith("# Participatieverslag")
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_a_report_written_through_a_link_replaces_the_file_and_keeps_the_link(
    ok: Run, demo_db: Path, tmp_path: Path
) -> None:
    real = tmp_path / "archive" / "report.md"
    real.parent.mkdir()
    real.write_text("The report of last week.\n", encoding="utf-8")
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    ok(demo_db, "report", CITY, "-o", str(link))
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("# Participatieverslag")
    assert sorted(p.name for p in real.parent.iterdir()) == ["report.md"]


def test_a_report_to_a_pipe_is_written_into_it_not_over_it(
    ok: Run, demo_db: Path, tmp_path: Path
) -> None:
    """A named pipe (like a device) is written into as it is: nothing is put in
    its place. A reader on the other end receives the whole report."""
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    ok(demo_db, "report", CITY, "-o", str(pipe))
    reader.join(timeout=30)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert received[0].decode("utf-8").startswith("# Participatieverslag")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pipe"]


def test_a_file_this_user_may_not_write_is_left_as_it_was(
    run: Run, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replacing a file needs only the folder's permission; a file its owner made
    read-only is still not replaced, as the shell's > would not. (The test stands
    in for a user without the right, which root is not.)"""
    target = tmp_path / "published.md"
    target.write_text("The report as it was published.\n", encoding="utf-8")
    target.chmod(0o444)
    real_access = os.access
    monkeypatch.setattr(
        "samenspraak.application.files.os.access",
        lambda path, mode: (
            False
            if Path(path) == target and mode == os.W_OK
            else real_access(path, mode)
        ),
    )
    result = run(demo_db, "report", CITY, "-o", str(target))
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Error: Cannot write {target}: permission denied.\n"
    assert target.read_text(encoding="utf-8") == "The report as it was published.\n"


def test_a_corrected_name_is_told_in_the_report_from_the_moment_it_was_recorded(
    ok: Run, demo_copy: Path
) -> None:
    """``stakeholder correct`` records the correction; the report then says so, in
    every format, and a report as of a moment before it does not."""
    before = json.loads(ok(demo_copy, "report", CITY, "--format", "json").stdout)
    assert before["personal_data"] == []
    ok(
        demo_copy,
        "stakeholder",
        "correct",
        "bakery",
        "--name",
        "The bakery on the market square, spelt right",
        actor="facilitator",
    )
    report = ok(demo_copy, "report", CITY, "--lang", "en").stdout
    assert "In this initiative, 1 correction of personal data was recorded." in report
    assert (
        "| Name corrected (GDPR art. 16) | bakery (entrepreneur) | facilitator |"
        in (report)
    )
    assert "spelt right" not in report
    page = ok(demo_copy, "report", CITY, "--format", "html").stdout
    assert "In dit initiatief is 1 correctie van persoonsgegevens vastgelegd." in page
    [entry] = json.loads(ok(demo_copy, "report", CITY, "--format", "json").stdout)[
        "personal_data"
    ]
    assert (entry["request"], entry["stakeholder"], entry["asked_by"]) == (
        "correction",
        "bakery",
        "facilitator",
    )
    earlier = ok(
        demo_copy, "report", CITY, "--lang", "en", "--as-of", before["last_event_at"]
    ).stdout
    # As of an earlier moment, it says so of that moment, not of the initiative.
    assert "By then, no personal data had been erased or corrected in this " in earlier
    assert "No personal data was erased" not in earlier
    assert "Name corrected" not in earlier


def test_the_timeline_legend_names_a_withdrawn_decision_point_as_such_in_english(
    ok: Run, stage_copy: Path
) -> None:
    ok(
        stage_copy, "decision", "put", CITY, "first-priority",
        "--question", "What comes first?",
        "--option", "square=A car-free square", "--option", "green=Greener streets",
        "--eligible", "resident", "--rule", "plurality",
        actor="facilitator",
    )  # fmt: skip
    ok(stage_copy, "decision", "withdraw", CITY, "first-priority", actor="facilitator")
    english = ok(stage_copy, "report", CITY, "--format", "html", "--lang", "en")
    assert "<span>Decision point withdrawn</span>" in english.stdout
    dutch = ok(stage_copy, "report", CITY, "--format", "html")
    assert "<span>Besluitpunt ingetrokken</span>" in dutch.stdout
