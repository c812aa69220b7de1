"""The accountability page (docs/accountability.md) gives the logic version each view
declares, so that an operator reading it after an upgrade knows what is rebuilt."""

from __future__ import annotations

import re
from pathlib import Path

from samenspraak.projections.views import (
    AuditTrailLogic,
    ProcessStateLogic,
    ResponseReportLogic,
)

PAGE = Path(__file__).parents[2] / "docs" / "accountability.md"


def test_the_accountability_page_gives_the_logic_version_of_each_view() -> None:
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    declared = re.search(
        r"\(`logic_version`: the process state (\d+), the audit trail (\d+) and "
        r"the response report (\d+)\)",
        text,
    )
    assert declared, "the page no longer says which logic version each view has"
    assert int(declared.group(1)) == ProcessStateLogic.logic_version
    assert int(declared.group(2)) == AuditTrailLogic.logic_version
    assert int(declared.group(3)) == ResponseReportLogic.logic_version


def test_the_accountability_page_says_what_each_logic_version_of_the_process_state_added() -> (
    None
):
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    for version in range(2, ProcessStateLogic.logic_version + 1):
        assert re.search(rf"since (?:its logic )?version {version}\b", text), version


def test_the_accountability_page_says_what_each_logic_version_of_the_audit_trail_changed() -> (
    None
):
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    for version in range(2, AuditTrailLogic.logic_version + 1):
        assert re.search(rf"since its version {version}\b", text), version
