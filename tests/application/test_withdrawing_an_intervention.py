"""Withdrawing an intervention of the facilitator's through the application: after
the city-centre story, the facilitator records their evening with the traffic
working group, and records it again by mistake the same morning; five days later
they withdraw the second record. It stays listed with its number, marked
withdrawn with when and why, and no longer counts among what the facilitator
did: the participation report says so instead of listing it as done."""

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
from samenspraak.application.report_timeline import WIDE, Timeline, axis_of
from samenspraak.application.report_words import words
from samenspraak.application.story import StoryRecord
from samenspraak.application.templates import COMMANDS, OUTSIDE_PHASES
from samenspraak.application.views import InitiativeStatus
from samenspraak.domain.clock import frozen_at

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
RECORDED_AT = datetime(2026, 6, 25, 10, 0, tzinfo=SUMMER)
"""When the intervention was recorded, after the story's last step."""
WITHDRAWN_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""Five days later, when the mistake is found."""
BEFORE_THE_WITHDRAWAL = "2026-06-29T12:00+02:00"
EVENING = "2026-04-02T19:30+02:00"
NOTE = "Explained how the traffic department decides."
REASON = "The evening with the traffic group was recorded twice."


def intervene(app: Samenspraak) -> int:
    """The facilitator's evening with the traffic working group, on request."""
    with frozen_at(RECORDED_AT):
        return app.record_intervention(
            {"actor": "facilitator", "initiative": CITY, "kind": "on-request",
             "note": NOTE, "intervened_at": EVENING, "group": "traffic"}
        )  # fmt: skip


def withdraw(app: Samenspraak, intervention: int, reason: str = REASON) -> None:
    with frozen_at(WITHDRAWN_AT):
        app.withdraw_intervention(
            {"actor": "facilitator", "initiative": CITY,
             "intervention": intervention, "reason": reason}
        )  # fmt: skip


@pytest.fixture
def withdrawn(story: Story) -> Samenspraak:
    """The story, with interventions 1 and 2 the same evening, and 2 withdrawn."""
    app, _, _ = story
    intervene(app)
    withdraw(app, intervene(app))
    return app


def test_a_withdrawn_intervention_stays_listed_with_its_number_and_says_when_and_why(
    story: Story,
) -> None:
    app, _, _ = story
    intervene(app)
    number = intervene(app)
    recorded = app.initiative_status(CITY).interventions[1]

    withdraw(app, number)

    interventions = app.initiative_status(CITY).interventions
    assert [i.number for i in interventions] == [1, 2]
    intervention = interventions[1]
    assert intervention.withdrawn is not None
    assert intervention.withdrawn.withdrawn_at == WITHDRAWN_AT
    assert intervention.withdrawn.reason == REASON
    assert intervention.model_copy(update={"withdrawn": None}) == recorded
    assert interventions[0].withdrawn is None


def test_an_intervention_recorded_by_mistake_after_the_last_step_no_longer_ends_the_timeline_once_withdrawn(
    story: Story,
) -> None:
    app, _, _ = story
    before = app.participation_report(CITY)
    number = intervene(app)
    assert app.participation_report(CITY).last_step_at == RECORDED_AT
    withdraw(app, number)

    assert app.participation_report(CITY).last_step_at == before.last_step_at
    assert before.last_step_at < RECORDED_AT


def test_the_interventions_after_a_withdrawn_one_keep_their_numbers(
    withdrawn: Samenspraak,
) -> None:
    assert intervene(withdrawn) == 3
    interventions = withdrawn.initiative_status(CITY).interventions
    assert [(i.number, i.withdrawn is None) for i in interventions] == [
        (1, True),
        (2, False),
        (3, True),
    ]


def test_the_record_keeps_the_intervention_and_its_withdrawal(
    withdrawn: Samenspraak,
) -> None:
    lines = [
        (e.event, e.summary)
        for e in withdrawn.audit_log(CITY)
        if e.event in ("FacilitatorIntervened", "InterventionWithdrawn")
    ]
    assert lines[-2:] == [
        ("FacilitatorIntervened", "Intervention 2 of the facilitator: on-request, "
         "asked for by group traffic"),
        ("InterventionWithdrawn", "Intervention 2 of the facilitator withdrawn"),
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


def test_an_exported_record_replays_with_the_intervention_withdrawn(
    withdrawn: Samenspraak, replayed_status: Callable[[Samenspraak], InitiativeStatus]
) -> None:
    interventions = replayed_status(withdrawn).interventions
    assert interventions == withdrawn.initiative_status(CITY).interventions
    assert interventions[1].withdrawn is not None


def test_an_earlier_moment_shows_the_intervention_as_it_stood(
    withdrawn: Samenspraak,
) -> None:
    then = withdrawn.initiative_status(CITY, as_of=BEFORE_THE_WITHDRAWAL)
    assert then.interventions[1].withdrawn is None
    assert then.interventions[1].kind == "on-request"


def test_the_report_marks_the_intervention_withdrawn_and_says_when_and_why(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY)
    assert [i.number for i in report.interventions] == [1, 2]
    assert [i.number for i in report.standing_interventions()] == [1]

    english = render_markdown(report, "en")
    assert "| 1 | 2 Apr 2026, 19:30 | Present or helped on request |" in english
    assert (
        "| 2 | 2 Apr 2026, 19:30 (withdrawn) | Present or helped on request |"
    ) in english
    assert (
        "Intervention 2 of the facilitator was withdrawn on 30 Jun 2026, 10:00: it "
        "was recorded by mistake and does not count. Reason: The evening with the "
        "traffic group was recorded twice."
    ) in english
    dutch = render_markdown(report, "nl")
    assert "2 apr 2026, 19:30 (ingetrokken)" in dutch
    assert (
        "Wat de procesbegeleider deed (2) is op 30 jun 2026, 10:00 ingetrokken: het "
        "was ten onrechte vastgelegd en telt niet mee. Reden: The evening with the "
        "traffic group was recorded twice."
    ) in dutch
    html = render_html(report, "en")
    assert "Intervention 2 of the facilitator was withdrawn on 30 Jun 2026" in html
    assert "2 Apr 2026, 19:30 (withdrawn)" in html
    first, second = json.loads(render_json(report))["interventions"]
    assert first["withdrawn"] is None
    assert second["withdrawn"] == {"withdrawn_at": "2026-06-30T08:00:00Z",
                                   "reason": REASON}  # fmt: skip
    assert second["number"] == 2


def test_the_timeline_does_not_draw_a_withdrawn_intervention(
    story: Story,
) -> None:
    """The only intervention, withdrawn: no facilitator's lane, no star."""
    app, _, _ = story
    number = intervene(app)
    before = app.participation_report(CITY)
    withdraw(app, number)
    after = app.participation_report(CITY)

    def drawn(report: ParticipationReport) -> str:
        return Timeline(report, words("en"), axis_of(report, WIDE)).svg()

    assert "Present or helped on request" in drawn(before)
    assert "Present or helped on request" not in drawn(after)


def test_a_report_as_of_before_the_withdrawal_shows_the_intervention_standing(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY, as_of=BEFORE_THE_WITHDRAWAL)

    assert [i.withdrawn for i in report.interventions] == [None, None]
    english = render_markdown(report, "en")
    assert "was withdrawn" not in english
    assert "(withdrawn)" not in english


def test_erasing_the_facilitator_with_their_texts_keeps_the_reason_for_withdrawing(
    withdrawn: Samenspraak,
) -> None:
    """A withdrawal belongs to the record of what the facilitator did, as the
    reason for correcting it does: erasing the facilitator's texts leaves it, and
    the record stays intact."""
    with frozen_at(WITHDRAWN_AT + timedelta(days=1)):
        withdrawn.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
        erasure = withdrawn.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "facilitator", "texts": True}
        )

    assert erasure.texts == 0
    status = withdrawn.initiative_status(CITY)
    assert status.interventions[1].withdrawn.reason == REASON
    assert withdrawn.verify_audit().intact
    assert withdrawn.verify_audit(initiative=CITY).intact


def test_a_withdrawal_is_given_outside_any_phase_as_recording_one_is() -> None:
    assert "withdraw_intervention" in OUTSIDE_PHASES
    assert "withdraw_intervention" not in COMMANDS


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_withdraws_an_intervention_and_nothing_is_written(
    withdrawn: Samenspraak,
) -> None:
    events = withdrawn.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        withdrawn.withdraw_intervention(
            {"actor": "bakery", "initiative": CITY, "intervention": 1,
             "reason": "It never happened."}
        )  # fmt: skip
    assert refused.value.rule == "only_the_facilitator_shapes_the_initiative"
    assert str(refused.value) == (
        "Only the facilitator of city-centre may withdraw interventions."
    )
    assert withdrawn.stored_event_count() == events


@pytest.mark.parametrize(
    ("command", "fields", "rule", "sentence"),
    [
        (
            "withdraw_intervention",
            {"intervention": 3, "reason": "A mistake."},
            "an_intervention_withdrawn_must_exist",
            "city-centre has 2 interventions of the facilitator; there is no "
            "intervention 3 to withdraw.",
        ),
        (
            "withdraw_intervention",
            {"intervention": 2, "reason": "Twice."},
            "an_intervention_is_withdrawn_once",
            "Intervention 2 of city-centre was withdrawn already; an intervention "
            "is withdrawn once.",
        ),
        (
            "correct_intervention",
            {"intervention": 2, "kind": "connection", "reason": "A connection."},
            "a_withdrawn_intervention_is_not_corrected",
            "Intervention 2 of city-centre was withdrawn; a withdrawn intervention "
            "is not corrected.",
        ),
    ],
    ids=["no such intervention", "withdrawn already", "correcting it"],
)
def test_a_refusal_around_a_withdrawal_names_its_rule_and_writes_nothing(
    withdrawn: Samenspraak,
    command: str,
    fields: dict[str, object],
    rule: str,
    sentence: str,
) -> None:
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
        ({"intervention": 1}, "reason: "),
        ({"intervention": 1, "reason": " "}, "reason: "),
        ({"intervention": 0, "reason": "A mistake."}, "intervention: "),
        ({"intervention": 1, "reason": "A mistake.", "kind": "mediation"}, "kind: "),
    ],
    ids=["no reason", "an empty reason", "intervention 0", "not a field of it"],
)
def test_malformed_input_is_refused_before_any_rule(
    withdrawn: Samenspraak, fields: dict[str, object], message: str
) -> None:
    events = withdrawn.stored_event_count()
    with pytest.raises(InvalidInput) as refused:
        withdrawn.withdraw_intervention(
            {"actor": "facilitator", "initiative": CITY, **fields}
        )
    assert message in str(refused.value)
    assert withdrawn.stored_event_count() == events


def test_an_intervention_of_a_closed_initiative_is_not_withdrawn(
    story: Story,
) -> None:
    app, _, _ = story
    number = intervene(app)
    with frozen_at(WITHDRAWN_AT):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
    events = app.stored_event_count()
    with frozen_at(WITHDRAWN_AT), pytest.raises(NotAllowed) as refused:
        app.withdraw_intervention(
            {"actor": "facilitator", "initiative": CITY, "intervention": number,
             "reason": REASON}
        )  # fmt: skip
    assert refused.value.rule == "a_closed_initiative_takes_no_commands"
    assert app.stored_event_count() == events
