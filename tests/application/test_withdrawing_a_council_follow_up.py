"""Withdrawing a follow-up of the council through the application: after the
city-centre story, the facilitator records the council's questions against the
vision (informing 1) when the council asked them about the harbour district's
plan, and withdraws that follow-up a day later. The follow-up stays listed with
its number, marked withdrawn with when and why; the report says so instead of
counting it, and it no longer keeps the vision's informing from being withdrawn."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
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
from samenspraak.domain.clock import frozen_at

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
RECORDED_AT = datetime(2026, 6, 29, 10, 0, tzinfo=SUMMER)
"""When the follow-up was recorded against the vision by mistake."""
WITHDRAWN_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""The next morning, when the mistake is found."""
SUMMARY = "The council asks for a second walk-in evening."
REASON = "The council asked this about the harbour district's plan, not the vision."


def follow_up_by_mistake(
    app: Samenspraak, informing: int = 1, summary: str = SUMMARY
) -> None:
    with frozen_at(RECORDED_AT):
        app.record_council_follow_up(
            {"actor": "facilitator", "initiative": CITY, "informing": informing,
             "summary": summary, "followed_up_at": "2026-06-28T21:00+02:00"}
        )  # fmt: skip


def withdraw(app: Samenspraak, informing: int = 1, **fields: object) -> int:
    with frozen_at(WITHDRAWN_AT):
        return app.withdraw_council_follow_up(
            {"actor": "facilitator", "initiative": CITY, "informing": informing,
             "reason": REASON, **fields}
        )  # fmt: skip


@pytest.fixture
def withdrawn(story: Story) -> Samenspraak:
    """The story, with a follow-up of informing 1 recorded by mistake and
    withdrawn."""
    app, _, _ = story
    follow_up_by_mistake(app)
    withdraw(app)
    return app


def test_a_withdrawn_follow_up_stays_listed_with_its_number_and_says_when_and_why(
    story: Story,
) -> None:
    app, _, _ = story
    follow_up_by_mistake(app)
    recorded = app.initiative_status(CITY).council[0].follow_ups[0]

    assert withdraw(app) == 1

    vision, traffic = app.initiative_status(CITY).council
    (follow_up,) = vision.follow_ups
    assert follow_up.number == 1
    assert follow_up.withdrawn is not None
    assert follow_up.withdrawn.withdrawn_at == WITHDRAWN_AT
    assert follow_up.withdrawn.reason == REASON
    assert follow_up.model_copy(update={"withdrawn": None}) == recorded
    assert vision.withdrawn is None
    assert [f.withdrawn for f in traffic.follow_ups] == [None]


def test_the_follow_ups_of_an_informing_keep_their_numbers(story: Story) -> None:
    """The traffic plan's questions were recorded as a second follow-up of
    informing 2 by mistake: it is named by its number, and a follow-up recorded
    after it gets the next one."""
    app, _, _ = story
    follow_up_by_mistake(app, informing=2)

    assert withdraw(app, informing=2, follow_up=2) == 2
    with frozen_at(WITHDRAWN_AT):
        app.record_council_follow_up(
            {"actor": "facilitator", "initiative": CITY, "informing": 2,
             "summary": "The council asks how the modal filter works out.",
             "followed_up_at": "2026-06-29T21:00+02:00"}
        )  # fmt: skip

    follow_ups = app.initiative_status(CITY).council[1].follow_ups
    assert [(f.number, f.withdrawn is not None) for f in follow_ups] == [
        (1, False),
        (2, True),
        (3, False),
    ]


def test_the_record_keeps_the_follow_up_and_its_withdrawal(
    withdrawn: Samenspraak,
) -> None:
    lines = [
        (e.event, e.summary)
        for e in withdrawn.audit_log(CITY)
        if e.event.startswith("Council")
    ]
    assert lines[-2:] == [
        ("CouncilFollowedUp", "The council followed up informing 1"),
        ("CouncilFollowUpWithdrawn", "Follow-up 1 of council informing 1 withdrawn"),
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


def test_an_exported_record_replays_with_the_follow_up_withdrawn_and_verifies(
    withdrawn: Samenspraak, tmp_path: Path
) -> None:
    withdrawn.export_initiative(CITY, tmp_path / "city-centre.zip")
    Samenspraak.replay(tmp_path / "city-centre.zip", tmp_path / "replayed.db")
    replayed = Samenspraak.open(str(tmp_path / "replayed.db"), create=False)
    try:
        council = replayed.initiative_status(CITY).council
        assert council == withdrawn.initiative_status(CITY).council
        assert council[0].follow_ups[0].withdrawn is not None
        assert replayed.verify_audit().intact
        assert replayed.verify_audit(initiative=CITY).intact
    finally:
        replayed.close()


def test_an_earlier_moment_shows_the_follow_up_as_it_stood(
    withdrawn: Samenspraak,
) -> None:
    then = withdrawn.initiative_status(CITY, as_of="2026-06-29T12:00+02:00")
    (follow_up,) = then.council[0].follow_ups
    assert (follow_up.number, follow_up.summary) == (1, SUMMARY)
    assert follow_up.withdrawn is None


def test_the_report_marks_the_follow_up_withdrawn_and_says_when_and_why(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY)
    assert report.council[0].standing_follow_ups() == []

    english = render_markdown(report, "en")
    assert f"28 Jun 2026, 21:00: {SUMMARY} (withdrawn)" in english
    assert (
        "Follow-up 1 of informing 1 of the council was withdrawn on 30 Jun 2026, "
        f"10:00: it was recorded by mistake and does not count. Reason: {REASON}"
    ) in english
    dutch = render_markdown(report, "nl")
    assert f"28 jun 2026, 21:00: {SUMMARY} (ingetrokken)" in dutch
    assert (
        "Vervolg 1 door de raad op het informeren van de raad (1) is op 30 jun "
        "2026, 10:00 ingetrokken: het was ten onrechte vastgelegd en telt niet "
        f"mee. Reden: {REASON}"
    ) in dutch
    html = render_html(report, "en")
    assert "Follow-up 1 of informing 1 of the council was withdrawn on 30 Jun" in html
    assert f"{SUMMARY} (withdrawn)" in html
    first = json.loads(render_json(report))["council"][0]["follow_ups"][0]
    assert first["number"] == 1
    assert first["withdrawn"] == {"withdrawn_at": "2026-06-30T08:00:00Z",
                                  "reason": REASON}  # fmt: skip


def test_the_timeline_does_not_draw_a_withdrawn_follow_up(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY)
    wide = Timeline(report, words("en"), axis_of(report, WIDE)).svg()
    assert SUMMARY not in wide
    assert "The council adopts the traffic plan" in wide


def test_a_report_as_of_before_the_withdrawal_shows_the_follow_up_standing(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY, as_of="2026-06-29T12:00+02:00")

    assert report.council[0].follow_ups[0].withdrawn is None
    english = render_markdown(report, "en")
    assert "was withdrawn" not in english
    assert f"28 Jun 2026, 21:00: {SUMMARY} |" in english


def test_a_withdrawn_follow_up_no_longer_keeps_its_informing_from_being_withdrawn(
    withdrawn: Samenspraak,
) -> None:
    with frozen_at(WITHDRAWN_AT):
        withdrawn.withdraw_council_informing(
            {"actor": "facilitator", "initiative": CITY, "informing": 1,
             "reason": "The informal session was called off after all."}
        )  # fmt: skip

    vision = withdrawn.initiative_status(CITY).council[0]
    assert vision.withdrawn is not None
    assert vision.follow_ups[0].withdrawn is not None


def test_erasing_the_facilitator_with_their_texts_keeps_the_reason_for_withdrawing(
    withdrawn: Samenspraak,
) -> None:
    with frozen_at(WITHDRAWN_AT + timedelta(days=1)):
        withdrawn.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
        erasure = withdrawn.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "facilitator", "texts": True}
        )

    assert erasure.texts == 0
    follow_up = withdrawn.initiative_status(CITY).council[0].follow_ups[0]
    assert follow_up.withdrawn.reason == REASON
    assert withdrawn.verify_audit().intact


def test_only_the_facilitator_withdraws_a_follow_up_and_nothing_is_written(
    story: Story,
) -> None:
    app, _, _ = story
    events = app.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        app.withdraw_council_follow_up(
            {"actor": "bakery", "initiative": CITY, "informing": 2,
             "reason": "It never happened."}
        )  # fmt: skip
    assert refused.value.rule == "only_the_facilitator_shapes_the_initiative"
    assert str(refused.value) == (
        "Only the facilitator of city-centre may withdraw a follow-up of the council."
    )
    assert app.stored_event_count() == events


@pytest.mark.parametrize(
    ("fields", "rule", "sentence"),
    [
        (
            {"informing": 3},
            "a_follow_up_withdrawn_answers_an_informing",
            "city-centre has 2 informings of the council; there is no informing 3 "
            "whose follow-up to withdraw.",
        ),
        (
            {"informing": 1, "follow_up": 2},
            "a_follow_up_withdrawn_must_exist",
            "Informing 1 of city-centre has 1 follow-up by the council; there is no "
            "follow-up 2 of it to withdraw.",
        ),
        (
            {"informing": 1},
            "a_follow_up_is_withdrawn_once",
            "Follow-up 1 of informing 1 of city-centre was withdrawn already; a "
            "follow-up is withdrawn once.",
        ),
    ],
    ids=["no such informing", "no such follow-up", "withdrawn already"],
)
def test_a_refusal_of_a_withdrawal_names_its_rule_and_writes_nothing(
    withdrawn: Samenspraak, fields: dict[str, object], rule: str, sentence: str
) -> None:
    events = withdrawn.stored_event_count()
    with frozen_at(WITHDRAWN_AT), pytest.raises(NotAllowed) as refused:
        withdrawn.withdraw_council_follow_up(
            {"actor": "facilitator", "initiative": CITY, "reason": "Again.", **fields}
        )
    assert (refused.value.rule, str(refused.value)) == (rule, sentence)
    assert withdrawn.stored_event_count() == events


def test_with_several_follow_ups_which_one_is_named(story: Story) -> None:
    app, _, _ = story
    follow_up_by_mistake(app, informing=2)
    events = app.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        withdraw(app, informing=2)
    assert refused.value.rule == "a_follow_up_withdrawn_is_named"
    assert str(refused.value) == (
        "Informing 2 of city-centre has 2 follow-ups by the council; name the one "
        "to withdraw, from 1 in the order recorded."
    )
    assert app.stored_event_count() == events


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"informing": 2}, "reason: "),
        ({"informing": 2, "reason": " "}, "reason: "),
        ({"informing": 0, "reason": "A mistake."}, "informing: "),
        ({"informing": 2, "follow_up": 0, "reason": "A mistake."}, "follow_up: "),
        ({"informing": 2, "reason": "A mistake.", "summary": "x"}, "summary: "),
    ],
    ids=["no reason", "an empty reason", "informing 0", "follow-up 0", "not a field"],
)
def test_malformed_input_is_refused_before_any_rule(
    story: Story, fields: dict[str, object], message: str
) -> None:
    app, _, _ = story
    events = app.stored_event_count()
    with pytest.raises(InvalidInput) as refused:
        app.withdraw_council_follow_up(
            {"actor": "facilitator", "initiative": CITY, **fields}
        )
    assert message in str(refused.value)
    assert app.stored_event_count() == events


def test_a_follow_up_of_a_closed_initiative_is_withdrawn_as_it_is_recorded(
    story: Story,
) -> None:
    app, _, _ = story
    with frozen_at(RECORDED_AT):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
    follow_up_by_mistake(app)
    withdraw(app)

    assert app.initiative_status(CITY).council[0].follow_ups[0].withdrawn is not None
