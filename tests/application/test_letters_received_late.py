"""A letter that came in after the reaction period closed is not lost: the
facilitator records it as received late, and the response report lists it, as a
reactienota lists reactions received after the term. It needs no answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from samenspraak.application import NotAllowed, Samenspraak
from samenspraak.application.report_render import render_html, render_markdown
from samenspraak.domain import clock

START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
CLOSES = START + timedelta(days=14)
CC = "city-centre"


@pytest.fixture
def consulted(traffic_plan_open: Callable[..., Samenspraak]) -> Samenspraak:
    """The traffic plan's reaction period closed on day 14; the resident's own
    reaction came in on day 3."""
    app = traffic_plan_open(CLOSES, {"resident": "resident"})
    with clock.frozen_at(START + timedelta(days=3)):
        app.react_to_plan(
            {"actor": "resident", "initiative": CC, "plan": "traffic", "version": 1,
             "stance": "concern", "text": "Too many cars."}
        )  # fmt: skip
    return app


def letter(app: Samenspraak, day: int, **fields: object) -> int:
    return app.react_to_plan(
        {"actor": "facilitator", "initiative": CC, "plan": "traffic", "version": 1,
         "stance": "objection", "text": f"A letter of day {day}.",
         "stakeholder": "resident", "channel": "letter",
         "received_at": (START + timedelta(days=day)).isoformat(), **fields}
    )  # fmt: skip


def test_a_letter_after_the_period_is_recorded_as_received_late_and_listed(
    consulted: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        with pytest.raises(NotAllowed) as refused:
            letter(consulted, 16)
        assert letter(consulted, 16, late=True) == 2

    assert refused.value.rule == "a_late_reaction_is_refused"
    details = consulted.plan_details(CC, "traffic")
    assert [(r.number, r.late, r.given_at) for r in details.reactions] == [
        (1, False, None),
        (2, True, START + timedelta(days=16)),
    ]
    assert details.unanswered == [1]
    assert [(e.reaction, e.outcome, e.late) for e in consulted.response_report(CC)] == [
        (1, "unanswered", False),
        (2, "late", True),
    ]
    [summary] = [
        e.summary for e in consulted.audit_log(CC, event="ReactionReceivedLate")
    ]
    assert summary == "Reaction 2 on version 1 received late (objection, letter)"
    report = consulted.participation_report(CC)
    assert report.outcomes()["late"] == 1
    dutch = render_markdown(report, "nl")
    assert "Te laat ontvangen, na de reactietermijn" in dutch
    assert "- **0/1** reactie beantwoord (1 te laat ontvangen)" in dutch
    assert "Received after the reaction period" in render_html(report, "en")
    assert consulted.verify_audit().intact


def test_the_response_report_says_when_each_letter_came_in_not_only_when_it_was_recorded(
    consulted: Samenspraak,
) -> None:
    """The reactienota is published with the decision, and the moment a letter
    came in decides whether it was on time: the letter of day 16 was late and the
    one of day 13 was not, though both were recorded on day 20. The resident's
    own reaction was given when it was recorded."""
    with clock.frozen_at(START + timedelta(days=20)):
        letter(consulted, 16, late=True)
        letter(consulted, 13)

    entries = consulted.response_report(CC)
    assert [(e.reaction, e.late, e.given_at, e.recorded_at) for e in entries] == [
        (1, False, None, START + timedelta(days=3)),
        (2, True, START + timedelta(days=16), START + timedelta(days=20)),
        (3, False, START + timedelta(days=13), START + timedelta(days=20)),
    ]
    assert [e.given_at for e in entries] == [
        r.given_at for r in consulted.plan_details(CC, "traffic").reactions
    ]
    assert [e.given_at for e in entries] == [
        r.given_at for r in consulted.participation_report(CC).responses
    ]


def test_a_letter_received_late_does_not_hold_up_the_plan(
    consulted: Samenspraak,
) -> None:
    """Answered the resident's own reaction, the plan is finalised: the late
    letter needs no answer."""
    with clock.frozen_at(START + timedelta(days=20)):
        letter(consulted, 16, late=True)
        consulted.defend_position(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "reactions": [1], "reasoning": "The cars stay outside."}
        )  # fmt: skip
        assert (
            consulted.finalise_plan(
                {"actor": "facilitator", "initiative": CC, "plan": "traffic"}
            )
            == 1
        )
    assert [item.kind for item in consulted.todo("facilitator")
            if item.kind == "unanswered-reactions"] == []  # fmt: skip


def test_a_letter_that_came_in_on_time_is_not_recorded_as_late(
    consulted: Samenspraak,
) -> None:
    before = consulted.stored_event_count()
    with clock.frozen_at(START + timedelta(days=20)):
        with pytest.raises(NotAllowed) as on_time:
            letter(consulted, 10, late=True)
        with pytest.raises(NotAllowed) as own:
            consulted.react_to_plan(
                {"actor": "resident", "initiative": CC, "plan": "traffic",
                 "version": 1, "stance": "concern", "text": "Mine.", "late": True}
            )  # fmt: skip
    assert on_time.value.rule == "a_reaction_received_late_came_in_after_the_period"
    assert own.value.rule == "only_a_letter_is_recorded_as_received_late"
    assert consulted.stored_event_count() == before


def test_erasing_the_writer_with_their_texts_erases_a_late_letter_too(
    consulted: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        letter(consulted, 16, late=True)
    consulted.leave_initiative(
        {"actor": "resident", "initiative": CC, "stakeholder": "resident"}
    )
    erased = consulted.erase_stakeholder(
        {"actor": "resident", "stakeholder": "resident", "texts": True}
    )
    assert erased.texts == 2
    assert [r.text for r in consulted.plan_details(CC, "traffic").reactions] == [
        None,
        None,
    ]
    assert consulted.verify_audit().intact


def test_an_exported_record_replays_with_the_late_letter(
    consulted: Samenspraak, tmp_path: Path
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        letter(consulted, 16, late=True)
    bundle = tmp_path / "centre.zip"
    exported = consulted.export_initiative(CC, bundle)
    assert Samenspraak.replay(bundle, tmp_path / "copy.db").head == exported.head
    with Samenspraak.open(tmp_path / "copy.db", create=False) as copy:
        assert [e.outcome for e in copy.response_report(CC)] == ["unanswered", "late"]
        copy.rebuild_projections()
        assert [e.outcome for e in copy.response_report(CC)] == ["unanswered", "late"]


def test_an_answered_late_letter_still_reads_as_received_late_in_the_report(
    consulted: Samenspraak,
) -> None:
    """Answering a letter received late is allowed: the report still says it came
    in after the reaction period (its JSON, the table's line, the timeline)."""
    with clock.frozen_at(START + timedelta(days=20)):
        letter(consulted, 16, late=True)
        consulted.defend_position(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "reactions": [2], "reasoning": "Read, and answered all the same."}
        )  # fmt: skip
    report = consulted.participation_report(CC)
    assert [(x.number, x.outcome, x.late) for x in report.responses] == [
        (1, "unanswered", False),
        (2, "defended", True),
    ]
    english = render_markdown(report, "en")
    [row] = [line for line in english.splitlines() if "A letter of day 16." in line]
    assert "received late 28 Jan 2026" in row
    assert "(after the reaction period)" in row
    html = render_html(report, "en")
    assert "Reaction 2: Objection, 28 Jan 2026, 10:00, received late" in html


def test_a_plan_whose_open_letter_came_in_late_does_not_say_every_reaction_has_an_answer(
    consulted: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        letter(consulted, 16, late=True)
        consulted.defend_position(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "reactions": [1], "reasoning": "The cars stay outside."}
        )  # fmt: skip
    report = consulted.participation_report(CC)
    for render, lang in ((render_markdown, "en"), (render_html, "nl")):
        assert "Every reaction has an answer." not in render(report, lang)
        assert "Elke reactie heeft een antwoord." not in render(report, lang)
    assert (
        "Every reaction that needs an answer has one; received late, needing none: 2."
        in render_markdown(report, "en")
    )
    assert (
        "Elke reactie die een antwoord nodig heeft, heeft er een; te laat ontvangen, "
        "zonder antwoord nodig: 2." in render_html(report, "nl")
    )


def test_the_key_figure_names_withdrawn_and_late_reactions_in_one_bracket(
    consulted: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=20)):
        letter(consulted, 16, late=True)
        consulted.withdraw_reaction(
            {"actor": "resident", "initiative": CC, "plan": "traffic", "reaction": 1}
        )
    english = render_markdown(consulted.participation_report(CC), "en")
    assert "- **0** reactions (1 withdrawn, 1 received late)" in english


def test_the_phase_waits_for_the_reactions_to_answer_and_says_a_late_letter_needs_none(
    consulted: Samenspraak,
) -> None:
    """Moved to a template whose phase waits for every reaction's answer, the
    initiative advances once the resident's reaction has one: not the letter."""
    advance = {"actor": "facilitator", "initiative": CC}
    with clock.frozen_at(START + timedelta(days=20)):
        letter(consulted, 16, late=True)
        consulted.migrate_template(
            {"actor": "facilitator", "initiative": CC,
             "template": "overheidsparticipatie@2"}
        )  # fmt: skip
        with pytest.raises(NotAllowed) as waiting:
            consulted.advance_phase(advance)
        consulted.defend_position(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "reactions": [1], "reasoning": "The cars stay outside."}
        )  # fmt: skip
        consulted.advance_phase(advance)
    assert "(a letter received late needs none)" in str(waiting.value)
    assert consulted.initiative_status(CC).phase != "society-decides"
