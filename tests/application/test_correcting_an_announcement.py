"""Correcting how the process was recorded as announced, through the application:
at the end of the city-centre story a letter told every household what was
decided; the facilitator then finds that it went out a day later, and that 50 of
the 4,200 letters came back. The announcement shows as corrected, the record keeps
both, and the participation report says what was corrected, when and why."""

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
SUMMER = timezone(timedelta(hours=2))
CORRECTED_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""A week after the story's last step."""
BEFORE_THE_CORRECTION = "2026-06-29T12:00+02:00"
SENT = datetime(2026, 6, 22, 9, 0, tzinfo=SUMMER)
"""When the letter is recorded as sent."""
A_DAY_LATER = "2026-06-23T09:00+02:00"
AUDIENCE = "Every household in the old town and the Havenkwartier"


def correct(app: Samenspraak, **fields: object) -> tuple[str, ...]:
    with frozen_at(CORRECTED_AT):
        return app.correct_announcement(
            {"actor": "facilitator", "initiative": CITY, "announcement": 1, **fields}
        )


def test_a_corrected_announcement_shows_its_corrected_values(story: Story) -> None:
    app, _, _ = story
    [before] = app.initiative_status(CITY).announcements
    assert (before.announced_at, before.reach) == (SENT, 4200)

    corrected = correct(
        app,
        announced_at=A_DAY_LATER,
        reach=4150,
        reason="The letters went out on Tuesday; 50 came back undelivered.",
    )

    assert corrected == ("announced_at", "reach")
    [announcement] = app.initiative_status(CITY).announcements
    assert announcement.announced_at == datetime.fromisoformat(A_DAY_LATER)
    assert announcement.reach == 4150
    assert (announcement.channel, announcement.audience) == ("letter", AUDIENCE)
    [correction] = announcement.corrections
    assert correction.corrected_at == CORRECTED_AT
    assert correction.fields == ["announced_at", "reach"]
    assert correction.reason == (
        "The letters went out on Tuesday; 50 came back undelivered."
    )


def test_the_record_keeps_the_announcement_as_first_recorded_and_the_correction(
    story: Story,
) -> None:
    app, _, _ = story
    correct(app, reach=4150, reason="50 came back undelivered.")
    correct(app, reach_unknown=True, reason="No one counted what came back.")

    lines = [
        (e.event, e.summary)
        for e in app.audit_log(CITY)
        if e.event in ("Announced", "AnnouncementCorrected")
    ]
    assert lines == [
        ("Announced", "Announcement 1 by letter, reaching 4200"),
        ("AnnouncementCorrected", "Announcement 1 corrected: reaching 4150"),
        ("AnnouncementCorrected", "Announcement 1 corrected: reach not known"),
    ]
    assert app.verify_audit().intact
    assert app.verify_audit(initiative=CITY).intact
    [announcement] = app.initiative_status(CITY).announcements
    assert announcement.reach is None
    assert [c.fields for c in announcement.corrections] == [["reach"], ["reach"]]


def test_the_views_built_again_from_the_log_show_the_same_correction(
    story: Story,
) -> None:
    app, _, _ = story
    correct(app, announced_at=A_DAY_LATER, reason="It went out on Tuesday.")
    correct(app, channel="door-to-door", reason="It was delivered by hand.")
    caught_up = app.initiative_status(CITY)

    assert app.verify_projections().intact
    app.rebuild_projections()

    assert app.initiative_status(CITY) == caught_up
    assert app.verify_projections().intact


def test_an_exported_record_replays_with_the_corrected_announcement(
    story: Story, replayed_status: Callable[[Samenspraak], InitiativeStatus]
) -> None:
    app, _, _ = story
    correct(app, reach=4150, reason="50 came back undelivered.")

    assert (
        replayed_status(app).announcements == app.initiative_status(CITY).announcements
    )


def test_an_audience_given_as_it_reads_is_left_out(story: Story) -> None:
    app, _, _ = story
    corrected = correct(
        app,
        audience=AUDIENCE,
        channel="door-to-door",
        reason="The letters were delivered by hand.",
    )

    assert corrected == ("channel",)
    assert correct(
        app,
        audience="Every household within the canals",
        reason="The Havenkwartier had its own letter.",
    ) == ("audience",)
    [announcement] = app.initiative_status(CITY).announcements
    assert (announcement.channel, announcement.audience) == (
        "door-to-door",
        "Every household within the canals",
    )


def test_an_earlier_moment_shows_the_announcement_as_first_recorded(
    story: Story,
) -> None:
    app, _, _ = story
    correct(app, announced_at=A_DAY_LATER, reach=4150, reason="Tuesday; 50 back.")

    [then] = app.initiative_status(CITY, as_of=BEFORE_THE_CORRECTION).announcements
    assert (then.announced_at, then.reach, then.corrections) == (SENT, 4200, [])


def test_the_report_shows_the_corrected_announcement_and_says_why(
    story: Story,
) -> None:
    app, _, _ = story
    correct(
        app,
        announced_at=A_DAY_LATER,
        reach=4150,
        reason="The letters went out on Tuesday; 50 came back undelivered.",
    )

    report = app.participation_report(CITY)
    [announcement] = report.announcements
    assert (announcement.announced_at, announcement.reach) == (
        datetime.fromisoformat(A_DAY_LATER),
        4150,
    )
    english = render_markdown(report, "en")
    assert f"| 1 | 23 Jun 2026, 09:00 | Letter | {AUDIENCE} | 4,150 |" in english
    assert (
        "The record of announcement 1 was corrected on 30 Jun 2026, 10:00 (time "
        "and reach). Reason: The letters went out on Tuesday; 50 came back "
        "undelivered."
    ) in english
    dutch = render_markdown(report, "nl")
    assert (
        "De vastlegging van bekendmaking 1 is op 30 jun 2026, 10:00 gecorrigeerd "
        "(tijdstip en bereik). Reden: The letters went out on Tuesday; 50 came "
        "back undelivered."
    ) in dutch
    html = render_html(report, "en")
    assert "The record of announcement 1 was corrected on 30 Jun 2026, 10:00" in html
    [correction] = json.loads(render_json(report))["announcements"][0]["corrections"]
    assert correction["fields"] == ["announced_at", "reach"]


def test_a_report_as_of_before_the_correction_shows_the_announcement_as_recorded(
    story: Story,
) -> None:
    app, _, _ = story
    correct(app, reach=4150, reason="50 came back undelivered.")

    report = app.participation_report(CITY, as_of=BEFORE_THE_CORRECTION)

    assert report.announcements[0].reach == 4200
    assert report.announcements[0].corrections == []
    assert "The record of announcement" not in render_markdown(report, "en")


def test_a_correction_months_later_does_not_stretch_the_timeline(
    story: Story,
) -> None:
    app, _, _ = story
    before = app.participation_report(CITY)
    with frozen_at(datetime(2026, 11, 20, 10, 0, tzinfo=SUMMER)):
        app.correct_announcement(
            {"actor": "facilitator", "initiative": CITY, "announcement": 1,
             "reach": 4150, "reason": "50 came back undelivered."}
        )  # fmt: skip

    after = app.participation_report(CITY)
    assert after.last_event_at > before.last_event_at + timedelta(days=100)
    assert after.last_step_at == before.last_step_at


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_corrects_an_announcement_and_nothing_is_written(
    story: Story,
) -> None:
    app, _, _ = story
    events = app.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        app.correct_announcement(
            {"actor": "bakery", "initiative": CITY, "announcement": 1,
             "reach": 5000, "reason": "More read it."}
        )  # fmt: skip
    assert refused.value.rule == "only_the_facilitator_shapes_the_initiative"
    assert str(refused.value) == (
        "Only the facilitator of city-centre may correct announcements."
    )
    assert app.stored_event_count() == events


@pytest.mark.parametrize(
    ("fields", "rule", "sentence"),
    [
        (
            {"announcement": 2, "reach": 10},
            "an_announcement_named_must_exist",
            "city-centre has 1 announcement; there is no announcement 2 to correct.",
        ),
        (
            {"channel": "letter", "reach": 4200},
            "an_announcement_correction_changes_something",
            "Announcement 1 of city-centre is recorded so already; a correction "
            "changes its channel, its audience, its time or how many it reached.",
        ),
        (
            {"announced_at": "2026-06-22T07:00Z"},
            "an_announcement_correction_changes_something",
            "Announcement 1 of city-centre is recorded so already; a correction "
            "changes its channel, its audience, its time or how many it reached.",
        ),
        (
            {"audience": AUDIENCE},
            "an_announcement_correction_changes_something",
            "Announcement 1 of city-centre is recorded so already; a correction "
            "changes its channel, its audience, its time or how many it reached.",
        ),
        (
            {"announced_at": "2026-07-01T10:00+02:00"},
            "an_announcement_is_recorded_once_made",
            "An announcement is recorded once it was made; 2026-07-01T10:00+02:00 "
            "lies in the future.",
        ),
    ],
    ids=[
        "no such announcement",
        "as recorded",
        "the same moment",
        "the same audience",
        "in the future",
    ],
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
        ({}, "give the corrected channel, audience, announced_at or reach"),
        ({"reach": 10, "reason": " "}, "reason: must not be empty"),
        ({"reach": -5}, "reach: "),
        ({"channel": "carrier-pigeon"}, "channel: "),
        ({"announced_at": "2026-06-23T09:00"}, "announced_at: needs its"),
        ({"announcement": 0, "reach": 10}, "announcement: "),
        ({"reach": 10, "reach_unknown": True}, "reach_unknown goes without reach"),
    ],
    ids=[
        "nothing to correct",
        "no reason",
        "negative",
        "no such channel",
        "no timezone",
        "announcement 0",
        "a reach and none",
    ],
)
def test_malformed_input_is_refused_before_any_rule(
    story: Story, fields: dict[str, object], message: str
) -> None:
    app, _, _ = story
    fields.setdefault("reason", "A reason.")
    events = app.stored_event_count()
    with pytest.raises(InvalidInput) as refused:
        correct(app, **fields)
    assert message in str(refused.value)
    assert app.stored_event_count() == events


def test_an_announcement_of_a_closed_initiative_is_not_corrected(
    story: Story,
) -> None:
    app, _, _ = story
    with frozen_at(CORRECTED_AT):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
    with pytest.raises(NotAllowed) as refused:
        correct(app, reach=4150, reason="50 came back undelivered.")
    assert refused.value.rule == "a_closed_initiative_takes_no_commands"


def test_in_a_phase_with_permissions_the_facilitator_still_corrects_an_announcement(
    story: Story,
) -> None:
    app, _, _ = story
    app.migrate_template(
        {"actor": "facilitator", "initiative": CITY,
         "template": "overheidsparticipatie@2"}
    )  # fmt: skip
    assert app.initiative_status(CITY).phase == "council"

    assert correct(app, reach=4150, reason="50 came back undelivered.") == ("reach",)


def test_erasing_the_facilitator_with_their_texts_keeps_the_reason(
    story: Story,
) -> None:
    """An announcement's audience and the reason its record was corrected are the
    facilitator's record of it: erasing the facilitator's texts leaves them, and
    the record stays intact."""
    app, _, _ = story
    correct(app, reach=4150, reason="50 came back undelivered.")
    with frozen_at(CORRECTED_AT + timedelta(days=1)):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
        erasure = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "facilitator", "texts": True}
        )

    assert erasure.texts == 0
    [announcement] = app.initiative_status(CITY).announcements
    assert announcement.audience == AUDIENCE
    assert announcement.corrections[0].reason == "50 came back undelivered."
    assert app.verify_audit().intact
    assert app.verify_audit(initiative=CITY).intact
