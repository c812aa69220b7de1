"""Correcting a recorded intervention of the facilitator's through the application:
after the city-centre story, the facilitator records that they explained the
traffic department to the bakery, then finds that it was the traffic working group
that asked, an hour later than recorded. The intervention shows as corrected, the
record keeps both, and the participation report says what was corrected, when and
why."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from samenspraak.application import InvalidInput, NotAllowed, NotFound, Samenspraak
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
RECORDED_AT = datetime(2026, 6, 25, 10, 0, tzinfo=SUMMER)
"""When the intervention was recorded, after the story's last step."""
CORRECTED_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""Five days later."""
BEFORE_THE_CORRECTION = "2026-06-29T12:00+02:00"
MADE_AT = "2026-04-02T18:30+02:00"
"""The time as first recorded (it was half past seven)."""
EVENING = "2026-04-02T19:30+02:00"
NOTE = "Explained how the traffic department decides."


@pytest.fixture
def asked(story: Story) -> Samenspraak:
    """The story, with intervention 1 recorded as asked for by the bakery."""
    app, _, _ = story
    with frozen_at(RECORDED_AT):
        app.record_intervention(
            {"actor": "facilitator", "initiative": CITY, "kind": "on-request",
             "note": NOTE, "intervened_at": MADE_AT, "requested_by": "bakery"}
        )  # fmt: skip
    return app


def correct(app: Samenspraak, **fields: object) -> tuple[str, ...]:
    with frozen_at(CORRECTED_AT):
        return app.correct_intervention(
            {"actor": "facilitator", "initiative": CITY, "intervention": 1, **fields}
        )


def test_a_corrected_intervention_shows_its_corrected_values(
    asked: Samenspraak,
) -> None:
    corrected = correct(
        asked,
        intervened_at=EVENING,
        group="traffic",
        reason="The working group asked, at its evening meeting.",
    )

    assert corrected == ("intervened_at", "requested_by", "group")
    [intervention] = asked.initiative_status(CITY).interventions
    assert intervention.intervened_at == datetime.fromisoformat(EVENING)
    assert (intervention.requested_by, intervention.group) == (None, "traffic")
    assert (intervention.kind, intervention.note) == ("on-request", NOTE)
    [correction] = intervention.corrections
    assert correction.corrected_at == CORRECTED_AT
    assert correction.fields == ["intervened_at", "requested_by", "group"]
    assert correction.reason == "The working group asked, at its evening meeting."


def test_the_record_keeps_the_intervention_as_first_recorded_and_the_correction(
    asked: Samenspraak,
) -> None:
    correct(asked, group="traffic", reason="The working group asked.")
    correct(
        asked,
        kind="general-interest",
        nobody_asked=True,
        reason="No one asked after all.",
    )

    lines = [
        (e.event, e.stakeholder, e.summary)
        for e in asked.audit_log(CITY)
        if e.event in ("FacilitatorIntervened", "InterventionCorrected")
    ]
    assert lines == [
        ("FacilitatorIntervened", "bakery",
         "Intervention 1 of the facilitator: on-request, asked for by a stakeholder"),
        ("InterventionCorrected", None,
         "Intervention 1 of the facilitator corrected: asked for by group traffic"),
        ("InterventionCorrected", None,
         "Intervention 1 of the facilitator corrected: general-interest, asked for "
         "by no one"),
    ]  # fmt: skip
    assert asked.verify_audit().intact
    assert asked.verify_audit(initiative=CITY).intact
    [intervention] = asked.initiative_status(CITY).interventions
    assert (intervention.kind, intervention.requested_by, intervention.group) == (
        "general-interest",
        None,
        None,
    )
    assert [c.fields for c in intervention.corrections] == [
        ["requested_by", "group"],
        ["kind", "group"],
    ]


def test_the_audit_log_names_the_stakeholder_a_correction_says_asked(
    asked: Samenspraak,
) -> None:
    correct(asked, requested_by="library", reason="It was the library that asked.")

    [entry] = asked.audit_log(CITY, event="InterventionCorrected")
    assert entry.stakeholder == "library"
    assert entry.summary == (
        "Intervention 1 of the facilitator corrected: asked for by a stakeholder"
    )
    assert asked.initiative_status(CITY).interventions[0].requested_by == "library"


def test_the_views_built_again_from_the_log_show_the_same_correction(
    asked: Samenspraak,
) -> None:
    correct(asked, intervened_at=EVENING, reason="It was in the evening.")
    correct(asked, group="traffic", reason="The working group asked.")
    caught_up = asked.initiative_status(CITY)

    assert asked.verify_projections().intact
    asked.rebuild_projections()

    assert asked.initiative_status(CITY) == caught_up
    assert asked.verify_projections().intact


def test_an_exported_record_replays_with_the_corrected_intervention(
    asked: Samenspraak, replayed_status: Callable[[Samenspraak], InitiativeStatus]
) -> None:
    correct(asked, group="traffic", reason="The working group asked.")

    assert (
        replayed_status(asked).interventions
        == asked.initiative_status(CITY).interventions
    )


def test_a_note_given_as_it_reads_is_left_out(asked: Samenspraak) -> None:
    corrected = correct(
        asked,
        note=NOTE,
        kind="connection",
        requested_by="bakery",
        reason="It was connecting the bakery with the department.",
    )

    assert corrected == ("kind",)
    [intervention] = asked.initiative_status(CITY).interventions
    assert (intervention.kind, intervention.note) == ("connection", NOTE)

    assert correct(
        asked,
        note="Explained how the traffic department decides, and whom to ask.",
        reason="The note was cut short.",
    ) == ("note",)
    assert asked.initiative_status(CITY).interventions[0].note == (
        "Explained how the traffic department decides, and whom to ask."
    )


def test_an_earlier_moment_shows_the_intervention_as_first_recorded(
    asked: Samenspraak,
) -> None:
    correct(asked, intervened_at=EVENING, group="traffic", reason="The group asked.")

    [then] = asked.initiative_status(CITY, as_of=BEFORE_THE_CORRECTION).interventions
    assert then.intervened_at == datetime.fromisoformat(MADE_AT)
    assert (then.requested_by, then.group) == ("bakery", None)
    assert then.corrections == []


def test_the_report_shows_the_corrected_intervention_and_says_why_it_was_corrected(
    asked: Samenspraak,
) -> None:
    correct(
        asked,
        intervened_at=EVENING,
        group="traffic",
        reason="The working group asked, at its evening meeting.",
    )

    report = asked.participation_report(CITY)
    [intervention] = report.interventions
    assert intervention.intervened_at == datetime.fromisoformat(EVENING)
    assert (intervention.requested_by, intervention.group) == (None, "traffic")
    english = render_markdown(report, "en")
    row = "| 1 | 2 Apr 2026, 19:30 | Present or helped on request | group traffic |"
    assert row in english
    assert (
        "The record of intervention 1 of the facilitator was corrected on 30 Jun "
        "2026, 10:00 (time and who asked). Reason: The working group asked, at its "
        "evening meeting."
    ) in english
    dutch = render_markdown(report, "nl")
    assert (
        "De vastlegging van wat de procesbegeleider deed (1) is op 30 jun 2026, "
        "10:00 gecorrigeerd (tijdstip en op wiens verzoek). Reden: The working "
        "group asked, at its evening meeting."
    ) in dutch
    html = render_html(report, "en")
    assert (
        "The record of intervention 1 of the facilitator was corrected on 30 Jun "
        "2026, 10:00"
    ) in html
    [correction] = json.loads(render_json(report))["interventions"][0]["corrections"]
    assert correction["fields"] == ["intervened_at", "requested_by", "group"]
    assert correction["reason"] == "The working group asked, at its evening meeting."


def test_a_report_as_of_before_the_correction_shows_the_intervention_as_recorded(
    asked: Samenspraak,
) -> None:
    correct(asked, group="traffic", reason="The working group asked.")

    report = asked.participation_report(CITY, as_of=BEFORE_THE_CORRECTION)

    assert report.interventions[0].requested_by == "bakery"
    assert report.interventions[0].corrections == []
    assert "The record of intervention" not in render_markdown(report, "en")


def test_a_correction_months_later_does_not_stretch_the_timeline(
    asked: Samenspraak,
) -> None:
    """A correction records something about the process afterwards, as a
    meeting's correction does: told in the report, but not a step of it."""
    before = asked.participation_report(CITY)
    with frozen_at(datetime(2026, 11, 20, 10, 0, tzinfo=SUMMER)):
        asked.correct_intervention(
            {"actor": "facilitator", "initiative": CITY, "intervention": 1,
             "group": "traffic", "reason": "The working group asked."}
        )  # fmt: skip

    after = asked.participation_report(CITY)
    assert after.last_event_at > before.last_event_at + timedelta(days=100)
    assert after.last_step_at == before.last_step_at


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_corrects_an_intervention_and_nothing_is_written(
    asked: Samenspraak,
) -> None:
    events = asked.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        asked.correct_intervention(
            {"actor": "bakery", "initiative": CITY, "intervention": 1,
             "group": "traffic", "reason": "The group asked."}
        )  # fmt: skip
    assert refused.value.rule == "only_the_facilitator_shapes_the_initiative"
    assert str(refused.value) == (
        "Only the facilitator of city-centre may correct interventions."
    )
    assert asked.stored_event_count() == events


@pytest.mark.parametrize(
    ("fields", "rule", "sentence"),
    [
        (
            {"intervention": 2, "kind": "mediation"},
            "an_intervention_named_must_exist",
            "city-centre has 1 intervention of the facilitator; there is no "
            "intervention 2 to correct.",
        ),
        (
            {"kind": "on-request", "requested_by": "bakery"},
            "an_intervention_correction_changes_something",
            "Intervention 1 of city-centre is recorded so already; a correction "
            "changes its kind, its time, its note or who asked for it.",
        ),
        (
            {"intervened_at": "2026-04-02T16:30Z"},
            "an_intervention_correction_changes_something",
            "Intervention 1 of city-centre is recorded so already; a correction "
            "changes its kind, its time, its note or who asked for it.",
        ),
        (
            {"note": NOTE},
            "an_intervention_correction_changes_something",
            "Intervention 1 of city-centre is recorded so already; a correction "
            "changes its kind, its time, its note or who asked for it.",
        ),
        (
            {"nobody_asked": True},
            "an_intervention_on_request_names_who_asked",
            "An intervention on request names who asked for it: a group or a "
            "stakeholder of city-centre.",
        ),
        (
            {"group": "traffic", "requested_by": "library"},
            "an_intervention_is_asked_for_by_a_group_or_a_stakeholder",
            "An intervention is asked for by a group or by a stakeholder, not both; "
            "name the one who asked.",
        ),
        (
            {"group": "cycling"},
            "an_intervention_is_asked_for_from_within_the_initiative",
            "The group cycling is not a group or a stakeholder of city-centre; an "
            "intervention is asked for by those who take part.",
        ),
        (
            {"requested_by": "facilitator"},
            "the_facilitator_does_not_ask_for_their_own_intervention",
            "The facilitator of city-centre does not ask for their own "
            "intervention; name the group or the stakeholder who asked.",
        ),
        (
            {"intervened_at": "2026-07-01T10:00+02:00"},
            "an_intervention_is_recorded_once_made",
            "An intervention is recorded once it was made; 2026-07-01T10:00+02:00 "
            "lies in the future.",
        ),
    ],
    ids=[
        "no such intervention",
        "as recorded",
        "the same moment",
        "the same note",
        "on request without who asked",
        "a group and a stakeholder",
        "no such group",
        "the facilitator",
        "in the future",
    ],
)
def test_a_correction_is_refused_by_its_rule_and_writes_nothing(
    asked: Samenspraak, fields: dict[str, object], rule: str, sentence: str
) -> None:
    events = asked.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        correct(asked, reason="To be sure.", **fields)
    assert (refused.value.rule, str(refused.value)) == (rule, sentence)
    assert asked.stored_event_count() == events
    assert asked.initiative_status(CITY).interventions[0].corrections == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "give the corrected kind, intervened_at, note, requested_by or group"),
        ({"kind": "mediation", "reason": " "}, "reason: must not be empty"),
        ({"kind": "advice"}, "kind: "),
        ({"intervened_at": "2026-04-02T19:30"}, "intervened_at: needs its"),
        ({"intervention": 0, "kind": "mediation"}, "intervention: "),
        (
            {"nobody_asked": True, "group": "traffic"},
            "nobody_asked goes without requested_by and group",
        ),
        ({"nobody_asked": "yes"}, "nobody_asked: "),
    ],
    ids=[
        "nothing to correct",
        "no reason",
        "no such kind",
        "no timezone",
        "intervention 0",
        "no one and a group",
        "not a boolean",
    ],
)
def test_malformed_input_is_refused_before_any_rule(
    asked: Samenspraak, fields: dict[str, object], message: str
) -> None:
    fields.setdefault("reason", "A reason.")
    events = asked.stored_event_count()
    with pytest.raises(InvalidInput) as refused:
        correct(asked, **fields)
    assert message in str(refused.value)
    assert asked.stored_event_count() == events


def test_a_stakeholder_not_in_the_directory_is_not_found(asked: Samenspraak) -> None:
    events = asked.stored_event_count()
    with pytest.raises(NotFound) as refused:
        correct(asked, requested_by="nobody", reason="Someone else asked.")
    assert str(refused.value) == "No stakeholder is registered as nobody."
    assert asked.stored_event_count() == events


def test_an_erased_stakeholder_is_not_named_afterwards_as_the_one_who_asked(
    asked: Samenspraak,
) -> None:
    with frozen_at(RECORDED_AT):
        asked.leave_initiative(
            {"actor": "library", "initiative": CITY, "stakeholder": "library"}
        )
        asked.erase_stakeholder({"actor": "library", "stakeholder": "library"})
    [erased] = [
        s.ref
        for s in asked.initiative_status(CITY).stakeholders
        if s.ref.startswith("erased-")
    ]
    events = asked.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        correct(asked, requested_by=erased, reason="The library asked.")
    assert refused.value.rule == "an_erased_stakeholder_takes_no_further_part"
    assert asked.stored_event_count() == events


def test_an_intervention_of_a_closed_initiative_is_not_corrected(
    asked: Samenspraak,
) -> None:
    with frozen_at(CORRECTED_AT):
        asked.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
    events = asked.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        correct(asked, group="traffic", reason="The working group asked.")
    assert refused.value.rule == "a_closed_initiative_takes_no_commands"
    assert asked.stored_event_count() == events


def test_in_a_phase_with_permissions_the_facilitator_still_corrects_an_intervention(
    asked: Samenspraak,
) -> None:
    """The facilitator is independent: they record and correct what they did in
    their own role whichever phase the initiative is in, and no template lists
    it."""
    asked.migrate_template(
        {"actor": "facilitator", "initiative": CITY,
         "template": "overheidsparticipatie@2"}
    )  # fmt: skip
    assert asked.initiative_status(CITY).phase == "council"

    assert correct(asked, group="traffic", reason="The working group asked.") == (
        "requested_by",
        "group",
    )


def test_erasing_the_facilitator_with_their_texts_keeps_the_note_and_the_reason(
    asked: Samenspraak,
) -> None:
    """An intervention's note and the reason its record was corrected are the
    facilitator's record of it, as a meeting's summary is: erasing the
    facilitator's texts leaves them, and the record stays intact."""
    correct(asked, group="traffic", reason="The working group asked.")
    with frozen_at(CORRECTED_AT + timedelta(days=1)):
        asked.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
        erasure = asked.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "facilitator", "texts": True}
        )

    assert erasure.texts == 0
    [intervention] = asked.initiative_status(CITY).interventions
    assert intervention.note == NOTE
    assert intervention.corrections[0].reason == "The working group asked."
    assert asked.verify_audit().intact
    assert asked.verify_audit(initiative=CITY).intact
    report = asked.participation_report(CITY)
    assert report.interventions[0].corrections[0].reason == "The working group asked."
