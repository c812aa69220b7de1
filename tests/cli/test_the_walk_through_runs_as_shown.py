"""The walk-through of the command-line reference (docs/cli.md) runs as shown: its
blocks, pasted one after the other into a POSIX shell in an empty folder, print what
the page says they print, and only the commands it calls refused are refused."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REFERENCE = Path(__file__).parents[2] / "docs" / "cli.md"

MARK = "=== block"

# A time as the audit log prints it, on Dutch clocks (in winter or in summer), and
# one in UTC as JSON gives it: they differ on every run.
_A_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?"
DUTCH_TIME = _A_TIME + r"\+0[12]:00"
UTC_TIME = _A_TIME + r"(?:\+00:00|Z)"


def _walk_through() -> list[tuple[str, str, str]]:
    """The blocks of the walk-through in order: (language, body, prose before)."""
    text = REFERENCE.read_text(encoding="utf-8")
    part = text[text.index("## Walk-through") : text.index("## Command reference")]
    blocks = []
    end = 0
    for block in re.finditer(r"^```(\w*)\n(.*?)^```$", part, re.S | re.M):
        blocks.append((block.group(1), block.group(2), part[end : block.start()]))
        end = block.end()
    return blocks


def _pattern(expected: str) -> re.Pattern[str]:
    """A line as the page shows it: spaces of any width, `...` for what it leaves
    out, and any time on Dutch clocks, or in UTC, for a time that differs on every
    run shown so."""
    words = " ".join(expected.split())
    parts = re.split(rf"(\.\.\.|{DUTCH_TIME}|{UTC_TIME})", words)
    regex = "".join(
        ".*"
        if part == "..."
        else DUTCH_TIME
        if re.fullmatch(DUTCH_TIME, part)
        else UTC_TIME
        if re.fullmatch(UTC_TIME, part)
        else re.escape(part)
        for part in parts
    )
    return re.compile(regex)


def _shown(expected: str) -> list[str]:
    """The lines of a printed block worth comparing: not the rules under a table's
    header, whose width follows the widest value."""
    return [
        line
        for line in expected.splitlines()
        if line.strip() and not re.fullmatch(r"[-\s]+", line)
    ]


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_the_walk_through_prints_what_the_page_shows(tmp_path: Path) -> None:
    blocks = _walk_through()
    commands = [(body, prose) for language, body, prose in blocks if language == "sh"]
    assert len(commands) > 15, "the walk-through's blocks were not found"
    script = "".join(
        f'{body}\necho "{MARK} $?"\necho "{MARK}" >&2\n' for body, _ in commands
    )
    bin_folder = Path(sys.executable).parent
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SAMENSPRAAK_")
    }
    environment["PATH"] = f"{bin_folder}{os.pathsep}{environment.get('PATH', '')}"
    completed = subprocess.run(
        ["sh", "-c", script],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    stdouts = re.split(rf"^{MARK} (\d+)\n", completed.stdout, flags=re.M)
    statuses = [int(s) for s in stdouts[1::2]]
    outputs = stdouts[0::2]
    errors = re.split(rf"^{MARK}\n", completed.stderr, flags=re.M)
    assert len(statuses) == len(commands), completed.stderr

    refused = [i for i, (_, prose) in enumerate(commands) if "**refused**" in prose]
    assert refused, "the walk-through shows no refusal"
    for i, ((body, _), status) in enumerate(zip(commands, statuses, strict=True)):
        assert status == (1 if i in refused else 0), (body, errors[i])

    # A printed block shows what the commands since the one before it printed.
    ran = -1
    printed: list[str] = []
    compared = True
    for language, body, _ in blocks:
        if language == "sh":
            ran += 1
            if compared:
                printed, compared = [], False
            printed += [
                " ".join(line.split())
                for line in (outputs[ran] + errors[ran]).splitlines()
            ]
            continue
        for expected in _shown(body):
            pattern = _pattern(expected)
            assert any(pattern.fullmatch(line) for line in printed), (expected, printed)
        compared = True
