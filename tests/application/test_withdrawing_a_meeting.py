"""Withdrawing a meeting through the application: after the city-centre story, the
facilitator records a Wednesday afternoon walk-in in the library that was called
off, and withdraws it the next morning. The meeting stays listed with its number,
marked withdrawn with when and why; it no longer counts among the meetings held,
and the participation report says so instead of counting it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from samenspraak.application import InvalidInput, NotAllowed, Samenspraak
from samenspraak.application.report_render import (
    render_html,
    render_json,
    render_markdown,
)
from samenspraak.application.report_timeline import WIDE, Timeline, axis_of
from samenspraak.application.report_words import words
from samenspraak.application.story import StoryRecord
from samenspraak.application.views import InitiativeStatus
from samenspraak.domain.clock import frozen_at

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
RECORDED_AT = datetime(2026, 6, 29, 10, 0, tzinfo=SUMMER)
"""When the walk-in was recorded by mistake: a week after the story's last step."""
WITHDRAWN_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""The next morning, when the mistake is found."""
REASON = "The walk-in was called off; no one came to the library that afternoon."


def hold(app: Samenspraak, starts_at: str = "2026-06-24T14:00+02:00") -> int:
    """A walk-in in the library, recorded as held (by default on Wednesday
    afternoon 24 June): meeting 3."""
    with frozen_at(RECORDED_AT):
        return app.hold_meeting(
            {"actor": "facilitator", "initiative": CITY, "starts_at": starts_at,
             "kind": "walk-in", "place": "The library on the Kerkplein",
             "attendance": 12, "summary": "Questions about the modal filter."}
        )  # fmt: skip


def withdraw(app: Samenspraak, meeting: int, reason: str = REASON) -> None:
    with frozen_at(WITHDRAWN_AT):
        app.withdraw_meeting(
            {"actor": "facilitator", "initiative": CITY, "meeting": meeting,
             "reason": reason}
        )  # fmt: skip


def draft_a_parking_plan(app: Samenspraak) -> None:
    """The traffic group drafts a parking plan, open for reactions."""
    with frozen_at(RECORDED_AT):
        app.create_plan(
            {"actor": "bakery", "initiative": CITY, "plan": "parking-plan",
             "title": "Parking plan for the old town", "group": "traffic"}
        )  # fmt: skip
        app.propose_draft(
            {"actor": "bakery", "initiative": CITY, "plan": "parking-plan",
             "text": "Delivery vans park on the Kerkplein before ten.",
             "changes": "First draft by the traffic group."}
        )  # fmt: skip


@pytest.fixture
def withdrawn(story: Story) -> Samenspraak:
    """The story, with meeting 3 recorded by mistake and withdrawn."""
    app, _, _ = story
    withdraw(app, hold(app))
    return app


def test_a_withdrawn_meeting_stays_listed_with_its_number_and_says_when_and_why(
    story: Story,
) -> None:
    app, _, _ = story
    number = hold(app)
    recorded = app.initiative_status(CITY).meetings[2]

    withdraw(app, number)

    meetings = app.initiative_status(CITY).meetings
    assert [m.number for m in meetings] == [1, 2, 3]
    meeting = meetings[2]
    assert meeting.withdrawn is not None
    assert meeting.withdrawn.withdrawn_at == WITHDRAWN_AT
    assert meeting.withdrawn.reason == REASON
    assert meeting.model_copy(update={"withdrawn": None}) == recorded
    assert [m.withdrawn for m in meetings[:2]] == [None, None]


def test_the_meetings_after_a_withdrawn_one_keep_their_numbers(
    withdrawn: Samenspraak,
) -> None:
    assert hold(withdrawn, "2026-06-25T19:30+02:00") == 4
    meetings = withdrawn.initiative_status(CITY).meetings
    assert [(m.number, m.withdrawn is None) for m in meetings] == [
        (1, True),
        (2, True),
        (3, False),
        (4, True),
    ]


def test_the_record_keeps_the_meeting_and_its_withdrawal(
    withdrawn: Samenspraak,
) -> None:
    lines = [
        (e.event, e.summary)
        for e in withdrawn.audit_log(CITY)
        if e.event.startswith("Meeting")
    ]
    assert lines[-2:] == [
        ("MeetingHeld", "Meeting 3 held (walk-in, 2026-06-24T14:00+02:00, 12 "
         "present)"),
        ("MeetingWithdrawn", "Meeting 3 withdrawn"),
    ]  # fmt: skip
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


def test_an_exported_record_replays_with_the_meeting_withdrawn(
    withdrawn: Samenspraak, replayed_status: Callable[[Samenspraak], InitiativeStatus]
) -> None:
    meetings = replayed_status(withdrawn).meetings
    assert meetings == withdrawn.initiative_status(CITY).meetings
    assert meetings[2].withdrawn is not None


def test_an_earlier_moment_shows_the_meeting_as_it_stood(
    withdrawn: Samenspraak,
) -> None:
    then = withdrawn.initiative_status(CITY, as_of="2026-06-29T12:00+02:00")
    assert then.meetings[2].withdrawn is None
    assert then.meetings[2].kind == "walk-in"


def test_the_report_marks_the_meeting_withdrawn_and_leaves_it_out_of_the_counts(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY)
    assert [m.number for m in report.meetings] == [1, 2, 3]
    assert [m.number for m in report.standing_meetings()] == [1, 2]

    english = render_markdown(report, "en")
    assert "| 3 | Wed 24 Jun 2026, 14:00 (withdrawn) | Walk-in meeting |" in english
    assert (
        "Meeting 3 was withdrawn on 30 Jun 2026, 10:00: it was recorded by mistake "
        "and does not count. Reason: The walk-in was called off; no one came to the "
        "library that afternoon."
    ) in english
    assert "**2** meetings (2 outside office hours, 1 withdrawn)" in english
    assert (
        "2 of the 2 meetings were held in the evening, at night or at the weekend."
    ) in english
    dutch = render_markdown(report, "nl")
    assert (
        "Bijeenkomst 3 is op 30 jun 2026, 10:00 ingetrokken: zij was ten onrechte "
        "vastgelegd en telt niet mee. Reden: The walk-in was called off; no one came "
        "to the library that afternoon."
    ) in dutch
    assert "24 jun 2026, 14:00 (ingetrokken)" in dutch
    assert "**2** bijeenkomsten (2 buiten kantooruren, 1 ingetrokken)" in dutch
    html = render_html(report, "en")
    assert "Meeting 3 was withdrawn on 30 Jun 2026, 10:00" in html
    assert "24 Jun 2026, 14:00 (withdrawn)" in html
    third = json.loads(render_json(report))["meetings"][2]
    assert third["withdrawn"] == {"withdrawn_at": "2026-06-30T08:00:00Z",
                                  "reason": REASON}  # fmt: skip
    assert third["number"] == 3


def test_the_timeline_does_not_draw_a_withdrawn_meeting(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY)
    wide = Timeline(report, words("en"), axis_of(report, WIDE)).svg()
    assert "Meeting 3" not in wide
    assert "Meeting 2" in wide


def test_a_meeting_recorded_by_mistake_after_the_last_step_no_longer_ends_the_timeline_once_withdrawn(
    story: Story,
) -> None:
    app, _, _ = story
    before = app.participation_report(CITY)
    meeting = hold(app)  # a week after the story's last step
    recorded = app.participation_report(CITY)
    withdraw(app, meeting)

    after = app.participation_report(CITY)
    assert recorded.last_step_at == RECORDED_AT
    assert after.last_step_at == before.last_step_at < RECORDED_AT
    assert axis_of(after, WIDE).end < RECORDED_AT
    then = app.participation_report(CITY, as_of="2026-06-29T12:00+02:00")
    assert then.last_step_at == RECORDED_AT


def test_a_step_taken_after_the_meeting_recorded_by_mistake_still_ends_the_timeline(
    story: Story,
) -> None:
    app, _, _ = story
    meeting = hold(app)
    draft_a_parking_plan(app)  # the same morning, after the meeting was recorded
    with frozen_at(RECORDED_AT + timedelta(hours=2)):
        app.propose_draft(
            {"actor": "bakery", "initiative": CITY, "plan": "parking-plan",
             "text": "Delivery vans park on the Kerkplein before eleven.",
             "changes": "An hour later, as the shops asked."}
        )  # fmt: skip
    withdraw(app, meeting)

    after = app.participation_report(CITY)
    assert after.last_step_at == RECORDED_AT + timedelta(hours=2)


def test_a_deadline_passed_before_the_meeting_recorded_by_mistake_ends_the_timeline_once_it_is_withdrawn(
    story: Story,
) -> None:
    """A decision point closes at its deadline between the story's last step and
    the meeting recorded by mistake; the deadlines are run only after that
    recording, and the meeting is withdrawn: the timeline ends at the deadline."""
    app, _, _ = story
    put_at = datetime(2026, 6, 23, 10, 0, tzinfo=SUMMER)
    deadline = datetime(2026, 6, 26, 17, 0, tzinfo=SUMMER)
    with frozen_at(put_at):
        app.put_decision_point(
            {"actor": "facilitator", "initiative": CITY, "decision": "market-day",
             "question": "Which day for the market?",
             "options": [{"key": "wed", "label": "Wednesday"},
                         {"key": "sat", "label": "Saturday"}],
             "eligible": ["resident", "entrepreneur"], "rule": "plurality",
             "closes_at": deadline.isoformat()}
        )  # fmt: skip
    meeting = hold(app)
    with frozen_at(RECORDED_AT + timedelta(hours=1)):
        assert [c.subject for c in app.tick()] == ["market-day"]
    withdraw(app, meeting)

    assert app.participation_report(CITY).last_step_at == deadline


def test_a_report_as_of_before_the_withdrawal_counts_the_meeting(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY, as_of="2026-06-29T12:00+02:00")

    assert report.meetings[2].withdrawn is None
    english = render_markdown(report, "en")
    assert "was withdrawn" not in english
    assert "**3** meetings (2 outside office hours)" in english
    assert (
        "2 of the 3 meetings were held in the evening, at night or at the weekend."
    ) in english


def test_a_meeting_ahead_that_is_withdrawn_is_no_longer_on_the_todo_list(
    story: Story,
) -> None:
    app, _, _ = story
    number = hold(app, "2026-07-08T19:30+02:00")
    with frozen_at(WITHDRAWN_AT):
        ahead = [i.subject for i in app.todo("bakery") if i.kind == "meeting"]
    withdraw(app, number, "Recorded for the wrong week.")
    with frozen_at(WITHDRAWN_AT):
        after = [i.subject for i in app.todo("bakery") if i.kind == "meeting"]

    assert ahead == ["3"]
    assert after == []


def test_erasing_the_facilitator_with_their_texts_keeps_the_reason_for_withdrawing(
    withdrawn: Samenspraak,
) -> None:
    """A withdrawal belongs to the record of the meetings, as the reason for
    correcting one does: erasing the facilitator's texts leaves it, and the
    record stays intact."""
    with frozen_at(WITHDRAWN_AT + timedelta(days=1)):
        withdrawn.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
        erasure = withdrawn.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "facilitator", "texts": True}
        )

    assert erasure.texts == 0
    assert withdrawn.initiative_status(CITY).meetings[2].withdrawn.reason == REASON
    assert withdrawn.verify_audit().intact
    assert withdrawn.verify_audit(initiative=CITY).intact


# --- Reactions from the meeting -------------------------------------------------------


def test_a_meeting_that_a_reaction_was_given_at_is_not_withdrawn(
    story: Story,
) -> None:
    """Meeting 2, the residents' evening, has the objection from the
    Havenkwartier recorded from it: it took place."""
    app, _, _ = story
    events = app.stored_event_count()
    with frozen_at(WITHDRAWN_AT), pytest.raises(NotAllowed) as refused:
        app.withdraw_meeting(
            {"actor": "facilitator", "initiative": CITY, "meeting": 2,
             "reason": "Recorded twice."}
        )  # fmt: skip
    assert refused.value.rule == "a_meeting_reactions_were_given_at_is_not_withdrawn"
    assert str(refused.value) == (
        "Meeting 2 of city-centre has reactions recorded as given there (reaction 1 "
        "on traffic-plan); a meeting that reactions were given at took place, and is "
        "not withdrawn."
    )
    assert app.stored_event_count() == events


def test_a_reaction_entered_from_the_wrong_meeting_is_withdrawn_first(
    withdrawn: Samenspraak,
) -> None:
    """A reaction recorded from meeting 4, the evening recorded twice, keeps it
    until the reaction is withdrawn; then the meeting is withdrawn too."""
    app = withdrawn
    draft_a_parking_plan(app)
    twice = hold(app, "2026-04-09T19:30+02:00")
    with frozen_at(WITHDRAWN_AT):
        reaction = app.react_to_plan(
            {"actor": "facilitator", "stakeholder": "library", "initiative": CITY,
             "plan": "parking-plan", "version": 1, "stance": "concern",
             "channel": "meeting", "meeting": twice,
             "text": "Where do the delivery vans park?"}
        )  # fmt: skip
        with pytest.raises(NotAllowed) as refused:
            app.withdraw_meeting(
                {"actor": "facilitator", "initiative": CITY, "meeting": twice,
                 "reason": "Recorded twice."}
            )  # fmt: skip
        app.withdraw_reaction(
            {"actor": "facilitator", "initiative": CITY, "plan": "parking-plan",
             "reaction": reaction}
        )  # fmt: skip
        app.withdraw_meeting(
            {"actor": "facilitator", "initiative": CITY, "meeting": twice,
             "reason": "Recorded twice."}
        )  # fmt: skip

    assert refused.value.rule == "a_meeting_reactions_were_given_at_is_not_withdrawn"
    assert app.initiative_status(CITY).meetings[3].withdrawn is not None


# --- Permissions ----------------------------------------------------------------------


def at(day: int) -> datetime:
    return datetime(2026, 9, day, 10, 0, tzinfo=SUMMER)


@pytest.fixture
def harbour(app: Samenspraak) -> Samenspraak:
    """The harbour district's initiative on overheidsparticipatie version 2,
    in its council phase, with a meeting the facilitator recorded there."""
    with frozen_at(at(1)):
        app.register_stakeholder({"actor": "facilitator", "stakeholder": "facilitator",
                                  "name": "The facilitator"})  # fmt: skip
        app.register_stakeholder({"actor": "facilitator", "stakeholder": "bakery",
                                  "name": "The bakery"})  # fmt: skip
        app.start_initiative(
            {"actor": "facilitator", "initiative": "harbour", "title": "The harbour",
             "description": "Decide together.", "area": "The harbour district",
             "budget": Decimal("1000.00"), "level": "co-deciding",
             "template": "overheidsparticipatie@2"}
        )  # fmt: skip
        app.join_initiative(
            {"actor": "facilitator", "initiative": "harbour", "stakeholder": "bakery",
             "kind": "entrepreneur"}
        )  # fmt: skip
        for _ in ("colleagues-join", "council"):
            app.advance_phase({"actor": "facilitator", "initiative": "harbour"})
        app.hold_meeting(
            {"actor": "facilitator", "initiative": "harbour",
             "starts_at": "2026-08-31T19:30+02:00", "kind": "residents-meeting",
             "place": "The harbour office", "attendance": 20,
             "summary": "The quays."}
        )  # fmt: skip
    return app


def test_in_a_phase_with_permissions_who_may_hold_meetings_may_withdraw_them(
    harbour: Samenspraak,
) -> None:
    events = harbour.stored_event_count()
    with frozen_at(at(2)), pytest.raises(NotAllowed) as refused:
        harbour.withdraw_meeting(
            {"actor": "bakery", "initiative": "harbour", "meeting": 1,
             "reason": "Never held."}
        )  # fmt: skip
    assert refused.value.rule == "only_permitted_roles_act_in_a_phase"
    assert str(refused.value) == (
        "In the phase council of harbour, an entrepreneur may not withdraw meetings; "
        "its template lets them do so in no phase."
    )
    assert harbour.stored_event_count() == events

    with frozen_at(at(2)):
        harbour.withdraw_meeting(
            {"actor": "facilitator", "initiative": "harbour", "meeting": 1,
             "reason": "Recorded in the wrong initiative."}
        )  # fmt: skip
    assert harbour.initiative_status("harbour").meetings[0].withdrawn is not None


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_withdraws_a_meeting_and_nothing_is_written(
    story: Story,
) -> None:
    app, _, _ = story
    events = app.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        app.withdraw_meeting(
            {"actor": "bakery", "initiative": CITY, "meeting": 1,
             "reason": "It never happened."}
        )  # fmt: skip
    assert refused.value.rule == "only_the_facilitator_shapes_the_initiative"
    assert str(refused.value) == (
        "Only the facilitator of city-centre may withdraw meetings."
    )
    assert app.stored_event_count() == events


@pytest.mark.parametrize(
    ("command", "fields", "rule", "sentence"),
    [
        (
            "withdraw_meeting",
            {"meeting": 4, "reason": "A mistake."},
            "a_meeting_withdrawn_must_exist",
            "city-centre has 3 meetings; there is no meeting 4 to withdraw.",
        ),
        (
            "withdraw_meeting",
            {"meeting": 3, "reason": "Twice."},
            "a_meeting_is_withdrawn_once",
            "Meeting 3 of city-centre was withdrawn already; a meeting is withdrawn "
            "once.",
        ),
        (
            "correct_meeting",
            {"meeting": 3, "attendance": 14, "reason": "Fourteen came."},
            "a_withdrawn_meeting_is_not_corrected",
            "Meeting 3 of city-centre was withdrawn; a withdrawn meeting is not "
            "corrected.",
        ),
        (
            "react_to_plan",
            {
                "stakeholder": "library",
                "plan": "parking-plan",
                "version": 1,
                "stance": "concern",
                "channel": "meeting",
                "meeting": 3,
                "text": "Where do the delivery vans park?",
            },
            "a_withdrawn_meeting_records_no_reactions",
            "Meeting 3 of city-centre was withdrawn; a reaction is recorded from a "
            "meeting that stands.",
        ),
    ],
    ids=["no such meeting", "withdrawn already", "correcting it", "reacting there"],
)
def test_a_refusal_around_a_withdrawal_names_its_rule_and_writes_nothing(
    withdrawn: Samenspraak,
    command: str,
    fields: dict[str, object],
    rule: str,
    sentence: str,
) -> None:
    draft_a_parking_plan(withdrawn)
    events = withdrawn.stored_event_count()
    with frozen_at(WITHDRAWN_AT), pytest.raises(NotAllowed) as refused:
        getattr(withdrawn, command)(
            {"actor": "facilitator", "initiative": CITY, **fields}
        )
    assert (refused.value.rule, str(refused.value)) == (rule, sentence)
    assert withdrawn.stored_event_count() == events


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"meeting": 1}, "reason: "),
        ({"meeting": 1, "reason": " "}, "reason: "),
        ({"meeting": 0, "reason": "A mistake."}, "meeting: "),
        ({"meeting": 1, "reason": "A mistake.", "attendance": 3}, "attendance: "),
    ],
    ids=["no reason", "an empty reason", "meeting 0", "not a field of it"],
)
def test_malformed_input_is_refused_before_any_rule(
    story: Story, fields: dict[str, object], message: str
) -> None:
    app, _, _ = story
    events = app.stored_event_count()
    with pytest.raises(InvalidInput) as refused:
        app.withdraw_meeting({"actor": "facilitator", "initiative": CITY, **fields})
    assert message in str(refused.value)
    assert app.stored_event_count() == events


def test_a_meeting_of_a_closed_initiative_is_not_withdrawn_as_it_is_not_corrected(
    story: Story,
) -> None:
    app, _, _ = story
    number = hold(app)
    with frozen_at(WITHDRAWN_AT):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
    events = app.stored_event_count()
    with frozen_at(WITHDRAWN_AT), pytest.raises(NotAllowed) as refused:
        app.withdraw_meeting(
            {"actor": "facilitator", "initiative": CITY, "meeting": number,
             "reason": REASON}
        )  # fmt: skip
    assert refused.value.rule == "a_closed_initiative_takes_no_commands"
    assert app.stored_event_count() == events


def test_the_json_report_does_not_call_a_withdrawn_meeting_held(
    withdrawn: Samenspraak,
) -> None:
    """A program that counts the meetings held in the JSON report counts those
    that stand, as the summary does: a withdrawn meeting was not held so, and the
    attendance recorded with it is not a count of who came."""
    report = withdrawn.participation_report(CITY)
    meetings = json.loads(render_json(report))["meetings"]

    assert [(m["number"], m["held"]) for m in meetings] == [
        (1, True),
        (2, True),
        (3, False),
    ]
    assert sum(m["held"] for m in meetings) == len(report.standing_meetings())
    english = render_markdown(report, "en")
    assert "| 3 | Wed 24 Jun 2026, 14:00 (withdrawn) | Walk-in meeting | - |" in english
