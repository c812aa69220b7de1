"""Withdrawing an announcement through the application: at the end of the
city-centre story a letter told every household what was decided; the
facilitator records the same letter again by mistake, and five days later
withdraws the second record. It stays listed with its number, marked withdrawn
with when and why, and no longer counts among how the process was announced: the
participation report says so, and its timeline does not draw it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from samenspraak.application import InvalidInput, NotAllowed, Samenspraak
from samenspraak.application.report import ParticipationReport
from samenspraak.application.report_render import (
    render_html,
    render_json,
    render_markdown,
)
from samenspraak.application.report_timeline import WIDE, Timeline, axis_of, legend
from samenspraak.application.report_words import words
from samenspraak.application.story import StoryRecord
from samenspraak.application.templates import COMMANDS, OUTSIDE_PHASES
from samenspraak.application.views import InitiativeStatus
from samenspraak.domain.clock import frozen_at

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
RECORDED_AT = datetime(2026, 6, 25, 10, 0, tzinfo=SUMMER)
"""When the letter is recorded a second time, after the story's last step."""
WITHDRAWN_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""Five days later, when the mistake is found."""
BEFORE_THE_WITHDRAWAL = "2026-06-29T12:00+02:00"
SENT = "2026-06-22T09:00+02:00"
"""When the story's letter went out."""
AUDIENCE = "Every household in the old town and the Havenkwartier"
REASON = "The letter to every household was recorded twice."


def announce_again(app: Samenspraak) -> int:
    """The story's letter to every household, recorded a second time."""
    with frozen_at(RECORDED_AT):
        return app.announce(
            {"actor": "facilitator", "initiative": CITY, "channel": "letter",
             "audience": AUDIENCE, "announced_at": SENT, "reach": 4200}
        )  # fmt: skip


def withdraw(app: Samenspraak, announcement: int, reason: str = REASON) -> None:
    with frozen_at(WITHDRAWN_AT):
        app.withdraw_announcement(
            {"actor": "facilitator", "initiative": CITY,
             "announcement": announcement, "reason": reason}
        )  # fmt: skip


@pytest.fixture
def withdrawn(story: Story) -> Samenspraak:
    """The story, with announcements 1 and 2 the same letter, and 2 withdrawn."""
    app, _, _ = story
    withdraw(app, announce_again(app))
    return app


def test_a_withdrawn_announcement_stays_listed_with_its_number_and_says_when_and_why(
    story: Story,
) -> None:
    app, _, _ = story
    number = announce_again(app)
    recorded = app.initiative_status(CITY).announcements[1]

    withdraw(app, number)

    announcements = app.initiative_status(CITY).announcements
    assert [a.number for a in announcements] == [1, 2]
    announcement = announcements[1]
    assert announcement.withdrawn is not None
    assert announcement.withdrawn.withdrawn_at == WITHDRAWN_AT
    assert announcement.withdrawn.reason == REASON
    assert announcement.model_copy(update={"withdrawn": None}) == recorded
    assert announcements[0].withdrawn is None


def test_the_announcements_after_a_withdrawn_one_keep_their_numbers(
    withdrawn: Samenspraak,
) -> None:
    assert announce_again(withdrawn) == 3
    announcements = withdrawn.initiative_status(CITY).announcements
    assert [(a.number, a.withdrawn is None) for a in announcements] == [
        (1, True),
        (2, False),
        (3, True),
    ]


def test_the_record_keeps_the_announcement_and_its_withdrawal(
    withdrawn: Samenspraak,
) -> None:
    lines = [
        (e.event, e.summary)
        for e in withdrawn.audit_log(CITY)
        if e.event in ("Announced", "AnnouncementWithdrawn")
    ]
    assert lines == [
        ("Announced", "Announcement 1 by letter, reaching 4200"),
        ("Announced", "Announcement 2 by letter, reaching 4200"),
        ("AnnouncementWithdrawn", "Announcement 2 withdrawn"),
    ]
    assert withdrawn.verify_audit().intact
    assert withdrawn.verify_audit(initiative=CITY).intact


def test_the_views_built_again_from_the_log_show_the_same_withdrawal(
    withdrawn: Samenspraak,
) -> None:
    caught_up = withdrawn.initiative_status(CITY)

    assert withdrawn.verify_projections().intact
    withdrawn.rebuild_projections()

    assert withdrawn.initiative_status(CITY) == caught_up
    assert withdrawn.verify_projections().intact


def test_an_exported_record_replays_with_the_announcement_withdrawn(
    withdrawn: Samenspraak, replayed_status: Callable[[Samenspraak], InitiativeStatus]
) -> None:
    announcements = replayed_status(withdrawn).announcements
    assert announcements == withdrawn.initiative_status(CITY).announcements
    assert announcements[1].withdrawn is not None


def test_an_earlier_moment_shows_the_announcement_as_it_stood(
    withdrawn: Samenspraak,
) -> None:
    then = withdrawn.initiative_status(CITY, as_of=BEFORE_THE_WITHDRAWAL)
    assert then.announcements[1].withdrawn is None
    assert then.announcements[1].reach == 4200


def test_the_report_marks_the_announcement_withdrawn_and_says_when_and_why(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY)
    assert [a.number for a in report.announcements] == [1, 2]
    assert [a.number for a in report.standing_announcements()] == [1]

    english = render_markdown(report, "en")
    assert f"| 1 | 22 Jun 2026, 09:00 | Letter | {AUDIENCE} | 4,200 |" in english
    assert (
        f"| 2 | 22 Jun 2026, 09:00 (withdrawn) | Letter | {AUDIENCE} | 4,200 |"
    ) in english
    assert (
        "Announcement 2 was withdrawn on 30 Jun 2026, 10:00: it was recorded by "
        "mistake and does not count. Reason: The letter to every household was "
        "recorded twice."
    ) in english
    dutch = render_markdown(report, "nl")
    assert "| 2 | 22 jun 2026, 09:00 (ingetrokken) | Brief |" in dutch
    assert (
        "Bekendmaking 2 is op 30 jun 2026, 10:00 ingetrokken: zij was ten onrechte "
        "vastgelegd en telt niet mee. Reden: The letter to every household was "
        "recorded twice."
    ) in dutch
    html = render_html(report, "en")
    assert "Announcement 2 was withdrawn on 30 Jun 2026, 10:00" in html
    assert "22 Jun 2026, 09:00 (withdrawn)" in html
    dutch_html = render_html(report, "nl")
    assert "Bekendmaking 2 is op 30 jun 2026, 10:00 ingetrokken" in dutch_html
    first, second = json.loads(render_json(report))["announcements"]
    assert first["withdrawn"] is None
    assert second["withdrawn"] == {"withdrawn_at": "2026-06-30T08:00:00Z",
                                   "reason": REASON}  # fmt: skip
    assert (second["number"], second["reach"]) == (2, 4200)


def test_the_timeline_does_not_draw_a_withdrawn_announcement(story: Story) -> None:
    """The story's only announcement, withdrawn: no announcements' lane, no mark,
    no legend entry."""
    app, _, _ = story
    before = app.participation_report(CITY)
    withdraw(app, 1)
    after = app.participation_report(CITY)

    def drawn(report: ParticipationReport) -> str:
        return Timeline(report, words("en"), axis_of(report, WIDE)).svg()

    assert AUDIENCE in drawn(before)
    assert AUDIENCE not in drawn(after)
    assert "Announcement or invitation" in legend(before, words("en"))
    assert "Announcement or invitation" not in legend(after, words("en"))
    assert [a.number for a in after.announcements] == [1]
    assert after.standing_announcements() == []


def test_the_timeline_counts_the_announcements_that_stand(
    withdrawn: Samenspraak,
) -> None:
    """The same letter recorded twice and withdrawn once is drawn once."""
    report = withdrawn.participation_report(CITY)
    svg = Timeline(report, words("en"), axis_of(report, WIDE)).svg()
    assert svg.count(AUDIENCE) == 1


def test_a_withdrawal_months_later_does_not_stretch_the_timeline(
    story: Story,
) -> None:
    """Nor does the letter recorded a second time: withdrawn, it is no step, and
    the timeline ends at the story's last step again."""
    app, _, _ = story
    story_ends = app.participation_report(CITY).last_step_at
    number = announce_again(app)
    before = app.participation_report(CITY)
    with frozen_at(datetime(2026, 11, 20, 10, 0, tzinfo=SUMMER)):
        app.withdraw_announcement(
            {"actor": "facilitator", "initiative": CITY, "announcement": number,
             "reason": REASON}
        )  # fmt: skip

    after = app.participation_report(CITY)
    assert after.last_event_at > before.last_event_at + timedelta(days=100)
    assert before.last_step_at == RECORDED_AT
    assert after.last_step_at == story_ends < RECORDED_AT


def test_a_report_as_of_before_the_withdrawal_shows_the_announcement_standing(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY, as_of=BEFORE_THE_WITHDRAWAL)

    assert [a.withdrawn for a in report.announcements] == [None, None]
    english = render_markdown(report, "en")
    assert "was withdrawn" not in english
    assert "(withdrawn)" not in english


def test_erasing_the_facilitator_with_their_texts_keeps_the_reason_for_withdrawing(
    withdrawn: Samenspraak,
) -> None:
    """A withdrawal belongs to the record of how the process was announced, as
    the reason for correcting it does: erasing the facilitator's texts leaves it,
    and the record stays intact."""
    with frozen_at(WITHDRAWN_AT + timedelta(days=1)):
        withdrawn.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
        erasure = withdrawn.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "facilitator", "texts": True}
        )

    assert erasure.texts == 0
    status = withdrawn.initiative_status(CITY)
    assert status.announcements[1].withdrawn.reason == REASON
    assert withdrawn.verify_audit().intact
    assert withdrawn.verify_audit(initiative=CITY).intact


def test_a_withdrawal_is_given_outside_any_phase_as_recording_one_is() -> None:
    assert "withdraw_announcement" in OUTSIDE_PHASES
    assert "withdraw_announcement" not in COMMANDS


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_withdraws_an_announcement_and_nothing_is_written(
    withdrawn: Samenspraak,
) -> None:
    head = withdrawn.audit_head()
    events = withdrawn.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        withdrawn.withdraw_announcement(
            {"actor": "bakery", "initiative": CITY, "announcement": 1,
             "reason": "It was never sent."}
        )  # fmt: skip
    assert refused.value.rule == "only_the_facilitator_shapes_the_initiative"
    assert str(refused.value) == (
        "Only the facilitator of city-centre may withdraw announcements."
    )
    assert withdrawn.stored_event_count() == events
    assert withdrawn.audit_head() == head


@pytest.mark.parametrize(
    ("command", "fields", "rule", "sentence"),
    [
        (
            "withdraw_announcement",
            {"announcement": 3, "reason": "A mistake."},
            "an_announcement_withdrawn_must_exist",
            "city-centre has 2 announcements; there is no announcement 3 to withdraw.",
        ),
        (
            "withdraw_announcement",
            {"announcement": 2, "reason": "Twice."},
            "an_announcement_is_withdrawn_once",
            "Announcement 2 of city-centre was withdrawn already; an announcement "
            "is withdrawn once.",
        ),
        (
            "correct_announcement",
            {"announcement": 2, "reach": 4150, "reason": "50 came back."},
            "a_withdrawn_announcement_is_not_corrected",
            "Announcement 2 of city-centre was withdrawn; a withdrawn announcement "
            "is not corrected.",
        ),
    ],
    ids=["no such announcement", "withdrawn already", "correcting it"],
)
def test_a_refusal_around_a_withdrawal_names_its_rule_and_writes_nothing(
    withdrawn: Samenspraak,
    command: str,
    fields: dict[str, object],
    rule: str,
    sentence: str,
) -> None:
    head = withdrawn.audit_head()
    events = withdrawn.stored_event_count()
    with frozen_at(WITHDRAWN_AT), pytest.raises(NotAllowed) as refused:
        getattr(withdrawn, command)(
            {"actor": "facilitator", "initiative": CITY, **fields}
        )
    assert (refused.value.rule, str(refused.value)) == (rule, sentence)
    assert withdrawn.stored_event_count() == events
    assert withdrawn.audit_head() == head


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"announcement": 1}, "reason: "),
        ({"announcement": 1, "reason": " "}, "reason: "),
        ({"announcement": 0, "reason": "A mistake."}, "announcement: "),
        ({"announcement": 1, "reason": "A mistake.", "reach": 4150}, "reach: "),
    ],
    ids=["no reason", "an empty reason", "announcement 0", "not a field of it"],
)
def test_malformed_input_is_refused_before_any_rule(
    withdrawn: Samenspraak, fields: dict[str, object], message: str
) -> None:
    head = withdrawn.audit_head()
    events = withdrawn.stored_event_count()
    with pytest.raises(InvalidInput) as refused:
        withdrawn.withdraw_announcement(
            {"actor": "facilitator", "initiative": CITY, **fields}
        )
    assert message in str(refused.value)
    assert withdrawn.stored_event_count() == events
    assert withdrawn.audit_head() == head


def test_an_announcement_of_a_closed_initiative_is_not_withdrawn(
    story: Story,
) -> None:
    app, _, _ = story
    number = announce_again(app)
    with frozen_at(WITHDRAWN_AT):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
    head = app.audit_head()
    with frozen_at(WITHDRAWN_AT), pytest.raises(NotAllowed) as refused:
        app.withdraw_announcement(
            {"actor": "facilitator", "initiative": CITY, "announcement": number,
             "reason": REASON}
        )  # fmt: skip
    assert refused.value.rule == "a_closed_initiative_takes_no_commands"
    assert app.audit_head() == head
