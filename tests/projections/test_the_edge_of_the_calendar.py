"""A moment at the very edge of the calendar, recorded before moments were bounded
(or replayed from a crafted bundle), never stops the views, the read commands or
the participation report."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from click.testing import Result

from samenspraak.application import Samenspraak
from samenspraak.application.persistence import TextRow
from samenspraak.domain.initiative import Initiative, initiative_id
from samenspraak.domain.values import MeetingKind, TextRef

CITY = "city-centre"


def _text(initiative: str, purpose: str, body: str) -> tuple[TextRef, TextRow]:
    salt = uuid.uuid4().hex
    text_id = str(uuid.uuid4())
    digest = hashlib.sha256(bytes.fromhex(salt) + body.encode()).hexdigest()
    return TextRef(text_id, digest), TextRow(text_id, initiative, purpose, salt, body)


def test_a_meeting_on_the_last_day_of_the_calendar_is_projected_and_shown(
    story_db: Path, run: Callable[..., Result]
) -> None:
    app = Samenspraak.open(str(story_db), create=False)
    try:
        app.catch_up()
        initiative = app.repository.get(initiative_id(CITY))
        assert isinstance(initiative, Initiative)
        place, place_row = _text(str(initiative.id), "meeting place", "Nowhere")
        summary, summary_row = _text(str(initiative.id), "meeting summary", "None.")
        # In Dutch time this is already the year 10000, which datetime cannot hold.
        edge = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
        initiative.hold_meeting(
            actor=initiative.facilitator,
            starts_at=edge,
            kind=MeetingKind.ONLINE,
            place=place,
            attendance=1,
            summary=summary,
        )
        app.save(initiative, texts=[place_row, summary_row])
        applied = app.catch_up()
        assert set(applied.values()) == {1}
        meetings = app.initiative_status(CITY).meetings
        assert meetings[-1].starts_at == edge
        assert meetings[-1].evening_or_weekend is True  # 23:59, in its own offset
    finally:
        app.close()
    listed = run(story_db, "initiative", "list")
    assert listed.exit_code == 0, listed.output
    assert CITY in listed.stdout
    shown = run(story_db, "meeting", "list", CITY)
    assert shown.exit_code == 0, shown.output
    assert "9999-12-31T23:59+00:00" in shown.stdout  # no Dutch clock shows it
    logged = run(story_db, "audit", "log", CITY, "--event", "MeetingHeld")
    assert logged.exit_code == 0, logged.output
    assert "(online, 9999-12-31T23:59+00:00, 1 present)" in logged.stdout
    for fmt in ("md", "html"):
        report = run(story_db, "report", CITY, "--format", fmt)
        assert report.exit_code == 0, report.output
        assert "9999" in report.stdout  # the meeting, in the offset it was recorded in
