"""Correcting a recorded meeting through the application: after the city-centre
story, the facilitator finds that the steering group's first evening was in fact an
afternoon meeting, and that the residents' meeting on the traffic plan had 46
people, not 64. The meetings show as corrected, the record keeps both, and the
participation report says what was corrected, when and why."""

from __future__ import annotations

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
CORRECTED_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""A week after the story's last step."""
AFTERNOON = "2026-01-20T14:00+01:00"


def correct(app: Samenspraak, **fields: object) -> tuple[str, ...]:
    with frozen_at(CORRECTED_AT):
        return app.correct_meeting(
            {"actor": "facilitator", "initiative": CITY, **fields}
        )


def test_a_corrected_meeting_shows_its_corrected_values(story: Story) -> None:
    app, _, _ = story
    before = app.initiative_status(CITY).meetings[0]
    assert before.evening_or_weekend

    corrected = correct(
        app,
        meeting=1,
        starts_at=AFTERNOON,
        reason="The steering group met in the afternoon; the invitation was wrong.",
    )

    assert corrected == ("starts_at",)
    meeting = app.initiative_status(CITY).meetings[0]
    assert meeting.starts_at == datetime.fromisoformat(AFTERNOON)
    assert not meeting.evening_or_weekend
    assert (meeting.kind, meeting.attendance) == (before.kind, before.attendance)
    assert (meeting.place, meeting.summary) == (before.place, before.summary)
    [correction] = meeting.corrections
    assert correction.corrected_at == CORRECTED_AT
    assert correction.fields == ["starts_at"]
    assert correction.reason == (
        "The steering group met in the afternoon; the invitation was wrong."
    )


def test_the_record_keeps_the_meeting_as_first_recorded_and_the_correction(
    story: Story,
) -> None:
    app, _, _ = story
    correct(app, meeting=2, attendance=46, reason="64 was counted twice.")

    lines = [
        (e.event, e.summary)
        for e in app.audit_log(CITY)
        if e.event in ("MeetingHeld", "MeetingCorrected")
    ]
    assert lines == [
        (
            "MeetingHeld",
            "Meeting 1 held (steering-group, 2026-01-20T19:30+01:00, 9 present)",
        ),
        (
            "MeetingHeld",
            "Meeting 2 held (residents-meeting, 2026-04-09T19:30+02:00, 64 present)",
        ),
        ("MeetingCorrected", "Meeting 2 corrected: 46 present"),
    ]
    assert app.verify_audit().intact
    assert app.verify_audit(initiative=CITY).intact


def test_the_views_built_again_from_the_log_show_the_same_correction(
    story: Story,
) -> None:
    app, _, _ = story
    correct(app, meeting=1, starts_at=AFTERNOON, reason="It was in the afternoon.")
    correct(app, meeting=2, attendance=46, reason="64 was counted twice.")
    caught_up = app.initiative_status(CITY)

    assert app.verify_projections().intact
    app.rebuild_projections()

    assert app.initiative_status(CITY) == caught_up
    assert app.verify_projections().intact


def test_an_exported_record_replays_with_the_corrected_meeting(
    story: Story, replayed_status: Callable[[Samenspraak], InitiativeStatus]
) -> None:
    app, _, _ = story
    correct(app, meeting=2, attendance=46, reason="64 was counted twice.")

    assert replayed_status(app).meetings == app.initiative_status(CITY).meetings


def test_a_place_or_summary_given_as_it_reads_is_left_out(story: Story) -> None:
    app, _, _ = story
    place = app.initiative_status(CITY).meetings[1].place

    corrected = correct(
        app,
        meeting=2,
        place=place,
        kind="walk-in",
        summary="Residents of the Havenkwartier fear through traffic in their streets.",
        reason="It was a walk-in evening; the summary is sharper now.",
    )

    assert corrected == ("kind", "summary")
    meeting = app.initiative_status(CITY).meetings[1]
    assert meeting.kind == "walk-in"
    assert meeting.place == place
    assert meeting.summary == (
        "Residents of the Havenkwartier fear through traffic in their streets."
    )


def test_an_earlier_moment_shows_the_meeting_as_first_recorded(story: Story) -> None:
    app, _, _ = story
    correct(app, meeting=1, starts_at=AFTERNOON, reason="It was in the afternoon.")

    then = app.initiative_status(CITY, as_of="2026-06-29T12:00+02:00").meetings[0]
    assert then.starts_at == datetime(2026, 1, 20, 19, 30, tzinfo=WINTER)
    assert then.evening_or_weekend
    assert then.corrections == []


def test_the_report_counts_the_corrected_meeting_and_says_why_it_was_corrected(
    story: Story,
) -> None:
    app, _, _ = story
    before = app.participation_report(CITY)
    correct(
        app,
        meeting=1,
        starts_at=AFTERNOON,
        attendance=11,
        reason="The sign-in list says 11, in the afternoon.",
    )

    report = app.participation_report(CITY)
    meeting = report.meetings[0]
    assert (meeting.starts_at, meeting.attendance) == (
        datetime.fromisoformat(AFTERNOON),
        11,
    )
    assert not meeting.evening_or_weekend
    assert [m.evening_or_weekend for m in before.meetings] == [True, True]
    english = render_markdown(report, "en")
    assert (
        "1 of the 2 meetings was held in the evening, at night or at the weekend."
    ) in english
    assert (
        "The record of meeting 1 was corrected on 30 Jun 2026, 10:00 (time and "
        "attendance). Reason: The sign-in list says 11, in the afternoon."
    ) in english
    dutch = render_markdown(report, "nl")
    assert (
        "De vastlegging van bijeenkomst 1 is op 30 jun 2026, 10:00 gecorrigeerd "
        "(tijdstip en aantal aanwezigen). Reden: The sign-in list says 11, in the "
        "afternoon."
    ) in dutch
    html = render_html(report, "en")
    assert "The record of meeting 1 was corrected on 30 Jun 2026, 10:00" in html
    [correction] = json.loads(render_json(report))["meetings"][0]["corrections"]
    assert correction["fields"] == ["starts_at", "attendance"]
    assert correction["reason"] == "The sign-in list says 11, in the afternoon."


def test_a_report_as_of_before_the_correction_shows_the_meeting_as_recorded(
    story: Story,
) -> None:
    app, _, _ = story
    correct(app, meeting=2, attendance=46, reason="64 was counted twice.")

    report = app.participation_report(CITY, as_of="2026-06-29T12:00+02:00")

    assert report.meetings[1].attendance == 64
    assert report.meetings[1].corrections == []
    assert "The record of meeting" not in render_markdown(report, "en")


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_corrects_a_meeting_and_nothing_is_written(
    story: Story,
) -> None:
    app, _, _ = story
    events = app.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        app.correct_meeting(
            {"actor": "bakery", "initiative": CITY, "meeting": 2,
             "attendance": 80, "reason": "More came."}
        )  # fmt: skip
    assert refused.value.rule == "only_the_facilitator_shapes_the_initiative"
    assert (
        str(refused.value)
        == "Only the facilitator of city-centre may correct meetings."
    )
    assert app.stored_event_count() == events


@pytest.mark.parametrize(
    ("fields", "rule", "sentence"),
    [
        (
            {"meeting": 3, "attendance": 5},
            "a_meeting_named_must_exist",
            "city-centre has no meeting 3.",
        ),
        (
            {"meeting": 2, "attendance": 64, "kind": "residents-meeting"},
            "a_meeting_correction_changes_something",
            "Meeting 2 of city-centre is recorded so already; a correction changes "
            "its time, kind, place, attendance or summary.",
        ),
        (
            {"meeting": 2, "starts_at": "2026-04-09T17:30Z"},
            "a_meeting_correction_changes_something",
            "Meeting 2 of city-centre is recorded so already; a correction changes "
            "its time, kind, place, attendance or summary.",
        ),
        (
            {"meeting": 2, "place": "The community centre in the Havenkwartier"},
            "a_meeting_correction_changes_something",
            "Meeting 2 of city-centre is recorded so already; a correction changes "
            "its time, kind, place, attendance or summary.",
        ),
    ],
    ids=["no such meeting", "as recorded", "the same moment", "the same place"],
)
def test_a_correction_is_refused_by_its_rule_and_writes_nothing(
    story: Story, fields: dict[str, object], rule: str, sentence: str
) -> None:
    app, _, _ = story
    events = app.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        correct(app, reason="To be sure.", **fields)
    assert (refused.value.rule, str(refused.value)) == (rule, sentence)
    assert app.stored_event_count() == events


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"meeting": 2}, "give the corrected starts_at, kind, place, attendance"),
        ({"meeting": 2, "attendance": 5, "reason": " "}, "reason: must not be empty"),
        ({"meeting": 2, "attendance": -5}, "attendance: must not be negative"),
        ({"meeting": 2, "starts_at": "2026-04-09T19:30"}, "starts_at: needs its"),
        ({"meeting": 0, "attendance": 5}, "meeting: "),
    ],
    ids=["nothing to correct", "no reason", "negative", "no timezone", "meeting 0"],
)
def test_malformed_input_is_refused_before_any_rule(
    story: Story, fields: dict[str, object], message: str
) -> None:
    app, _, _ = story
    fields.setdefault("reason", "A reason.")
    with pytest.raises(InvalidInput) as refused:
        correct(app, **fields)
    assert message in str(refused.value)


def test_a_meeting_is_not_moved_past_a_reaction_recorded_from_it(
    story: Story,
) -> None:
    # The residents' meeting began at 19:30; the objection from the Havenkwartier
    # was recorded from it at 21:30. Moved to the next evening, the record would
    # say the objection was recorded from a meeting that had not begun.
    app, _, _ = story
    events = app.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        correct(
            app,
            meeting=2,
            starts_at="2026-04-10T19:30+02:00",
            reason="It was on Friday.",
        )
    assert (
        refused.value.rule == "a_meeting_begins_before_the_reactions_recorded_from_it"
    )
    assert str(refused.value) == (
        "Reaction 1 on traffic-plan was recorded from meeting 2 of city-centre at "
        "2026-04-09T21:30+02:00; the meeting had begun by then, so it cannot begin "
        "at 2026-04-10T19:30+02:00."
    )
    assert app.stored_event_count() == events
    assert app.initiative_status(CITY).meetings[1].starts_at == datetime(
        2026, 4, 9, 19, 30, tzinfo=SUMMER
    )

    # Half an hour later is still before the objection was recorded.
    assert correct(
        app, meeting=2, starts_at="2026-04-09T20:00+02:00", reason="It began late."
    ) == ("starts_at",)


def test_a_meeting_of_a_closed_initiative_is_not_corrected(story: Story) -> None:
    app, _, _ = story
    with frozen_at(CORRECTED_AT):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
    with pytest.raises(NotAllowed) as refused:
        correct(app, meeting=2, attendance=46, reason="64 was counted twice.")
    assert refused.value.rule == "a_closed_initiative_takes_no_commands"


def test_in_a_phase_with_permissions_who_may_hold_meetings_may_correct_them(
    story: Story,
) -> None:
    app, _, _ = story
    app.migrate_template(
        {"actor": "facilitator", "initiative": CITY,
         "template": "overheidsparticipatie@2"}
    )  # fmt: skip
    assert app.initiative_status(CITY).phase == "council"

    with pytest.raises(NotAllowed) as refused:
        app.correct_meeting(
            {"actor": "bakery", "initiative": CITY, "meeting": 2,
             "attendance": 46, "reason": "64 was counted twice."}
        )  # fmt: skip
    assert refused.value.rule == "only_permitted_roles_act_in_a_phase"
    assert str(refused.value) == (
        "In the phase council of city-centre, an entrepreneur may not correct "
        "meetings; its template lets them do so in no phase."
    )
    assert correct(app, meeting=2, attendance=46, reason="Counted twice.") == (
        "attendance",
    )


def test_erasing_the_facilitator_with_their_texts_keeps_the_reasons_for_correcting_meetings(
    story: Story,
) -> None:
    """A meeting's correction belongs to the meeting's record, as its place and
    summary do: erasing the facilitator's texts leaves it, and the record stays
    intact (verified, exported, reported)."""
    app, _, _ = story
    correct(app, meeting=2, attendance=46, reason="64 was counted twice.")
    with frozen_at(CORRECTED_AT + timedelta(days=1)):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
        erasure = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "facilitator", "texts": True}
        )

    assert erasure.texts == 0
    [correction] = app.initiative_status(CITY).meetings[1].corrections
    assert correction.reason == "64 was counted twice."
    assert app.verify_audit().intact
    assert app.verify_audit(initiative=CITY).intact
    report = app.participation_report(CITY)
    assert report.meetings[1].corrections[0].reason == "64 was counted twice."
