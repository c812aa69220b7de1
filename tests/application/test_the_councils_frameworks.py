"""The frameworks (*kaders*) the council set for the process, through the
application: after the city-centre story, the facilitator records the two
frameworks the council set before the process started (a budget ceiling with the
market's place, and the trees on the square, by a council decision). They belong to
the process design: the status lists them, an earlier moment shows them only once
recorded, an export carries them, and the participation report gives them in every
format and language, or says that none were recorded."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from samenspraak.application import InvalidInput, NotAllowed, Samenspraak
from samenspraak.application.report_render import (
    render_html,
    render_json,
    render_markdown,
)
from samenspraak.application.story import StoryRecord
from samenspraak.application.views import InitiativeStatus
from samenspraak.domain.clock import frozen_at

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
WINTER = timezone(timedelta(hours=1))
SUMMER = timezone(timedelta(hours=2))
RECORDED_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""A week after the story's last step."""
BUDGET = "At most EUR 2.1 million; the Saturday market keeps its place."
TREES = "The trees on the Grote Markt stay."
DECISION = hashlib.sha256(b"the council's decision on the trees").hexdigest()


def record(app: Samenspraak, **fields: object) -> int:
    with frozen_at(RECORDED_AT):
        return app.record_council_framework(
            {"actor": "facilitator", "initiative": CITY, **fields}
        )


def record_both(app: Samenspraak) -> None:
    assert record(app, framework=BUDGET, set_at="2025-11-20T20:00+01:00") == 1
    assert (
        record(
            app,
            framework=TREES,
            set_at="2025-12-11T21:30+01:00",
            document_sha256=DECISION,
        )
        == 2
    )


def test_the_facilitator_records_the_frameworks_and_the_status_lists_them(
    story: Story,
) -> None:
    app, _, _ = story
    assert app.initiative_status(CITY).frameworks == []

    record_both(app)

    listed = app.initiative_status(CITY).frameworks
    assert [(f.number, f.framework, f.set_at, f.document_sha256) for f in listed] == [
        (1, BUDGET, datetime(2025, 11, 20, 20, 0, tzinfo=WINTER), None),
        (2, TREES, datetime(2025, 12, 11, 21, 30, tzinfo=WINTER), DECISION),
    ]
    assert app.verify_audit(initiative=CITY).intact
    assert app.verify_projections().intact


def test_an_earlier_moment_shows_the_frameworks_recorded_by_then(
    story: Story,
) -> None:
    app, _, _ = story
    record(app, framework=BUDGET, set_at="2025-11-20T20:00+01:00")
    with frozen_at(RECORDED_AT + timedelta(hours=2)):
        app.record_council_framework(
            {
                "actor": "facilitator",
                "initiative": CITY,
                "framework": TREES,
                "set_at": "2025-12-11T21:30+01:00",
            }
        )

    # Set by the council long before, but recorded only on the 30th of June.
    assert app.initiative_status(CITY, as_of="2026-06-29T12:00+02:00").frameworks == []
    [then] = app.initiative_status(CITY, as_of="2026-06-30T11:00+02:00").frameworks
    assert (then.number, then.framework) == (1, BUDGET)


def test_an_exported_record_replays_with_the_frameworks(
    story: Story, replayed_status: Callable[[Samenspraak], InitiativeStatus]
) -> None:
    app, _, _ = story
    record_both(app)

    replayed = replayed_status(app).frameworks
    assert replayed == app.initiative_status(CITY).frameworks
    assert len(replayed) == 2


def test_the_report_gives_the_frameworks_in_its_process_design(story: Story) -> None:
    app, _, _ = story
    record_both(app)
    report = app.participation_report(CITY)

    dutch = render_markdown(report, "nl")
    design = dutch[dutch.index("## Het proces") : dutch.index("## Wie deed mee")]
    assert "### Kaders van de raad" in design
    assert f"| 1 | 20 nov 2025, 20:00 | {BUDGET} | - |" in design
    assert f"| 2 | 11 dec 2025, 21:30 | {TREES} | `{DECISION}` |" in design
    english = render_markdown(report, "en")
    assert "### Frameworks set by the council" in english
    assert "| No. | Set | Framework | SHA-256 of the council's document |" in english

    html = render_html(report, "en")
    process = html[html.index('<section id="process">') :]
    process = process[: process.index("</section>")]
    assert '<h3 id="frameworks">Frameworks set by the council</h3>' in process
    assert TREES in process
    assert DECISION in process

    given = json.loads(render_json(report))["frameworks"]
    assert given == [
        {
            "number": 1,
            "framework": BUDGET,
            "set_at": "2025-11-20T20:00:00+01:00",
            "document_sha256": None,
            "corrections": [],
        },
        {
            "number": 2,
            "framework": TREES,
            "set_at": "2025-12-11T21:30:00+01:00",
            "document_sha256": DECISION,
            "corrections": [],
        },
    ]


def test_a_report_without_frameworks_says_none_were_recorded(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)

    assert (
        "### Kaders van de raad\n\nEr zijn geen kaders van de raad vastgelegd."
    ) in render_markdown(report, "nl")
    assert "<p>No frameworks set by the council have been recorded.</p>" in (
        render_html(report, "en")
    )


def test_only_the_facilitator_records_a_framework_and_never_one_set_in_the_future(
    story: Story,
) -> None:
    app, _, _ = story
    end = app.projections_status()[0].log_end

    with pytest.raises(NotAllowed) as refused, frozen_at(RECORDED_AT):
        app.record_council_framework(
            {
                "actor": "bakery",
                "initiative": CITY,
                "framework": TREES,
                "set_at": "2025-12-11T21:30+01:00",
            }
        )
    assert str(refused.value) == (
        "Only the facilitator of city-centre may record the council's frameworks."
    )
    with pytest.raises(NotAllowed) as refused:
        record(app, framework=TREES, set_at="2026-07-01T20:00+02:00")
    assert str(refused.value) == (
        "A framework of the council is recorded once the council set it; "
        "2026-07-01T20:00+02:00 lies in the future."
    )
    with pytest.raises(InvalidInput) as invalid:
        record(
            app, framework=TREES, set_at="2025-12-11T21:30+01:00", document_sha256="x"
        )
    assert str(invalid.value).startswith("document_sha256: ")
    with pytest.raises(InvalidInput) as invalid:
        record(app, framework=" ", set_at="2025-12-11T21:30+01:00")
    assert str(invalid.value).startswith("framework: ")

    assert app.projections_status()[0].log_end == end


def test_a_frameworks_record_is_corrected_and_the_first_record_stays(
    story: Story, replayed_status: Callable[[Samenspraak], InitiativeStatus]
) -> None:
    app, _, _ = story
    record_both(app)
    with frozen_at(RECORDED_AT + timedelta(days=1)):
        corrected = app.correct_council_framework(
            {
                "actor": "facilitator",
                "initiative": CITY,
                "number": 2,
                "framework": TREES,  # reads the same: left out
                "set_at": "2025-12-18T21:30+01:00",
                "reason": "The council decided a week later than the agenda said.",
            }
        )

    assert corrected == ("set_at",)
    framework = app.initiative_status(CITY).frameworks[1]
    assert (framework.framework, framework.set_at) == (
        TREES,
        datetime(2025, 12, 18, 21, 30, tzinfo=WINTER),
    )
    [correction] = framework.corrections
    assert correction.fields == ["set_at"]
    assert correction.reason == "The council decided a week later than the agenda said."
    # The day before, as first recorded.
    then = app.initiative_status(CITY, as_of="2026-06-30T12:00+02:00").frameworks[1]
    assert then.set_at == datetime(2025, 12, 11, 21, 30, tzinfo=WINTER)
    assert then.corrections == []
    report = render_markdown(app.participation_report(CITY), "en")
    assert (
        "The record of framework 2 of the council was corrected on 1 Jul 2026, 10:00 "
        "(when it was set). Reason: The council decided a week later than the agenda "
        "said."
    ) in report
    assert replayed_status(app).frameworks == app.initiative_status(CITY).frameworks
    assert app.verify_audit(initiative=CITY).intact


def test_a_correction_that_changes_nothing_is_refused_and_writes_nothing(
    story: Story,
) -> None:
    app, _, _ = story
    record_both(app)
    end = app.projections_status()[0].log_end

    with pytest.raises(NotAllowed) as refused, frozen_at(RECORDED_AT):
        app.correct_council_framework(
            {
                "actor": "facilitator",
                "initiative": CITY,
                "number": 1,
                "framework": BUDGET,
                "set_at": "2025-11-20T19:00Z",  # the same moment, in UTC
                "reason": "Checked.",
            }
        )
    assert str(refused.value) == (
        "Framework 1 of city-centre is recorded so already; a correction changes "
        "its text, when the council set it or its document's SHA-256."
    )
    with pytest.raises(InvalidInput) as invalid:
        app.correct_council_framework(
            {"actor": "facilitator", "initiative": CITY, "number": 1,
             "reason": "Nothing given."}
        )  # fmt: skip
    assert "give the corrected framework, set_at or document_sha256" in str(
        invalid.value
    )
    assert app.projections_status()[0].log_end == end
