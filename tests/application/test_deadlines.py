"""tick: deadlines closed as events, in deadline order, once (with a set clock)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from samenspraak.application import InvalidInput, NotAllowed, Samenspraak
from samenspraak.application.report_render import render_html, render_markdown
from samenspraak.application.report_timeline import WIDE, Timeline, axis_of
from samenspraak.application.report_words import words
from samenspraak.application.story import WINTER
from samenspraak.domain import clock
from samenspraak.domain.decision_point import DecisionPoint, decision_point_id
from samenspraak.domain.initiative import initiative_id
from samenspraak.domain.plan import Plan, plan_id

START = datetime(2026, 1, 12, 9, 0, tzinfo=WINTER)
FIRST = datetime(2026, 1, 14, 17, 0, tzinfo=WINTER)
SECOND = datetime(2026, 1, 15, 12, 0, tzinfo=WINTER)
THIRD = datetime(2026, 1, 16, 20, 0, tzinfo=WINTER)
WEEK_LATER = START + timedelta(days=7)
CC = "city-centre"


@pytest.fixture
def city(tmp_path: Path) -> Iterator[Samenspraak]:
    """An initiative with a plan in draft and two decision points that close."""
    app = Samenspraak.open(str(tmp_path / "city.db"))
    with clock.frozen_at(START):
        for ref in ("facilitator", "bakery", "library"):
            app.register_stakeholder({"actor": ref, "stakeholder": ref, "name": ref})
        app.start_initiative(
            {
                "actor": "facilitator",
                "initiative": CC,
                "title": "City centre",
                "description": "Together.",
                "area": "Centre",
                "budget": "1000",
                "level": "co-deciding",
            }
        )
        for ref, kind in (("bakery", "entrepreneur"), ("library", "institution")):
            app.join_initiative(
                {
                    "actor": "facilitator",
                    "initiative": CC,
                    "stakeholder": ref,
                    "kind": kind,
                }
            )
        app.form_group(
            {
                "actor": "facilitator",
                "initiative": CC,
                "group": "traffic",
                "kind": "working",
                "name": "Traffic",
                "mandate": "Traffic.",
            }
        )
        app.create_plan(
            {
                "actor": "facilitator",
                "initiative": CC,
                "plan": "traffic",
                "title": "Traffic plan",
                "group": "traffic",
            }
        )
        app.propose_draft(
            {
                "actor": "facilitator",
                "initiative": CC,
                "plan": "traffic",
                "text": "Draft.",
                "changes": "First.",
            }
        )
        # Put in another order than they close: "later" first, "sooner" second.
        for slug, closes_at in (("later", THIRD), ("sooner", FIRST)):
            app.put_decision_point(
                {
                    "actor": "facilitator",
                    "initiative": CC,
                    "decision": slug,
                    "question": "Which?",
                    "options": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
                    "eligible": ["entrepreneur", "institution"],
                    "rule": "majority",
                    "closes_at": closes_at,
                }
            )
        app.take_position(
            {"actor": "bakery", "initiative": CC, "decision": "sooner", "option": "a"}
        )
        app.open_reaction_period(
            {
                "actor": "facilitator",
                "initiative": CC,
                "plan": "traffic",
                "closes_at": SECOND,
            }
        )
    yield app  # fmt: skip
    app.close()


def events(app: Samenspraak, after: int) -> list[tuple[str, str]]:
    rows = app.recorder.select_notifications(start=after + 1, limit=100)
    return [(r.topic.rpartition(".")[2], str(r.originator_id)) for r in rows]


def test_after_a_week_without_ticks_one_tick_closes_everything_in_deadline_order(
    city: Samenspraak,
) -> None:
    before = city.stored_event_count()
    with clock.frozen_at(WEEK_LATER):
        closed = city.tick()

    assert [(c.kind, c.subject, c.deadline) for c in closed] == [
        ("decision-point", "sooner", FIRST),
        ("reaction-period", "traffic", SECOND),
        ("decision-point", "later", THIRD),
    ]
    assert [c.initiative for c in closed] == [CC] * 3
    assert [c.outcome for c in closed] == ["a", None, None]
    cc = initiative_id(CC)
    sooner, later = (str(decision_point_id(cc, s)) for s in ("sooner", "later"))
    assert events(city, before) == [
        ("ClosedByDeadline", sooner),
        ("ReactionPeriodClosed", str(plan_id(cc, "traffic"))),
        ("ClosedByDeadline", later),
    ]
    recorded = [
        city.mapper.to_domain_event(r)
        for r in city.recorder.select_notifications(start=before + 1, limit=10)
    ]
    assert [e.closed_at for e in recorded] == [FIRST, SECOND, THIRD]
    assert {e.actor for e in recorded} == {"system"}
    assert {e.timestamp for e in recorded} == {WEEK_LATER}
    log = city.audit_log(CC, event="ClosedByDeadline")
    assert [e.actor for e in log] == ["system", "system"]
    by_the_engine = city.audit_log(CC, actor="system")
    assert [e.event for e in by_the_engine] == [
        "ClosedByDeadline",
        "ReactionPeriodClosed",
        "ClosedByDeadline",
    ]
    decision = city.decision_details(CC, "sooner")
    assert (decision.state, decision.outcome) == ("decided", "a")


def test_tick_twice_adds_nothing_the_second_time(city: Samenspraak) -> None:
    with clock.frozen_at(WEEK_LATER):
        assert len(city.tick()) == 3
        count = city.stored_event_count()
        assert city.tick() == []
    assert city.stored_event_count() == count


def test_tick_closes_only_what_is_due(city: Samenspraak) -> None:
    with clock.frozen_at(START):
        assert city.tick() == []
    with clock.frozen_at(FIRST):
        assert [c.subject for c in city.tick()] == ["sooner"]
    with clock.frozen_at(SECOND - timedelta(seconds=1)):
        assert city.tick() == []
    with clock.frozen_at(SECOND):
        assert [c.subject for c in city.tick()] == ["traffic"]


def test_a_late_reaction_is_refused_before_tick_ran(city: Samenspraak) -> None:
    with (
        clock.frozen_at(SECOND + timedelta(minutes=1)),
        pytest.raises(NotAllowed) as refused,
    ):
        city.react_to_plan({"actor": "library", "initiative": CC, "plan": "traffic",
                            "version": 1, "stance": "concern", "text": "Late."})  # fmt: skip
    assert str(refused.value) == (
        "The reaction period of traffic closed at 2026-01-15T12:00+01:00; "
        "a reaction after that is late."
    )
    assert refused.value.rule == "a_late_reaction_is_refused"


def test_a_letter_that_came_in_on_time_is_recorded_after_the_deadline_and_tick(
    city: Samenspraak,
) -> None:
    """The library's letter came in the morning before the period closed; the
    facilitator records it a week later, after tick closed the period. It counts
    from when it came in, and the report says both moments."""
    came_in = SECOND - timedelta(hours=3)
    with clock.frozen_at(WEEK_LATER):
        city.tick()
        number = city.react_to_plan(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "version": 1, "stance": "concern", "text": "By letter, in time.",
             "stakeholder": "library", "channel": "letter",
             "received_at": came_in.isoformat()}
        )  # fmt: skip
        with pytest.raises(NotAllowed) as late:
            city.react_to_plan(
                {"actor": "facilitator", "initiative": CC, "plan": "traffic",
                 "version": 1, "stance": "concern", "text": "By letter, too late.",
                 "stakeholder": "bakery", "channel": "letter",
                 "received_at": (SECOND + timedelta(hours=1)).isoformat()}
            )  # fmt: skip
    assert late.value.rule == "a_late_reaction_is_refused"
    [reaction] = city.plan_details(CC, "traffic").reactions
    assert (reaction.number, reaction.channel, reaction.given_at) == (
        number,
        "letter",
        came_in,
    )
    report = render_markdown(city.participation_report(CC), "en")
    assert (
        "By letter, in time. (library (institution), recorded by facilitator, "
        "received 15 Jan 2026, 09:00, recorded 19 Jan 2026, 09:00)"
    ) in report
    # The timeline draws it when it came in, before the period closed.
    whole = city.participation_report(CC)
    picture = Timeline(whole, words("en"), axis_of(whole, WIDE)).svg()
    assert "<title>Reaction 1: Concern, 15 Jan 2026, 09:00</title>" in picture


def test_a_letter_is_judged_by_the_period_it_came_in_under(
    city: Samenspraak,
) -> None:
    """The library's letter came in two hours after the period closed, the
    bakery's three hours before. The facilitator records them a week later, after
    a new period was opened, and again after the phase moved on: the bakery's is
    on time and the library's late by the period they came in under, not by the
    one now in force."""
    late = {"actor": "facilitator", "initiative": CC, "plan": "traffic",
            "version": 1, "stance": "concern", "text": "By letter, late.",
            "stakeholder": "library", "channel": "letter",
            "received_at": (SECOND + timedelta(hours=2)).isoformat()}  # fmt: skip
    on_time = {**late, "stakeholder": "bakery", "text": "By letter, in time.",
               "received_at": (SECOND - timedelta(hours=3)).isoformat()}  # fmt: skip
    with clock.frozen_at(WEEK_LATER):
        city.tick()
        city.open_reaction_period(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "closes_at": WEEK_LATER + timedelta(days=14)}
        )  # fmt: skip
        with pytest.raises(NotAllowed) as refused:
            city.react_to_plan(late)
        assert city.react_to_plan(on_time) == 1
        city.advance_phase({"actor": "facilitator", "initiative": CC})
        with pytest.raises(NotAllowed) as refused_in_the_next_phase:
            city.react_to_plan(late)
        assert city.react_to_plan({**on_time, "text": "And a second one."}) == 2
    for refusal in (refused, refused_in_the_next_phase):
        assert refusal.value.rule == "a_late_reaction_is_refused"
        assert str(refusal.value) == (
            "The reaction period of traffic closed at 2026-01-15T12:00+01:00; "
            "a reaction after that is late."
        )
    reactions = city.plan_details(CC, "traffic").reactions
    assert [(r.stakeholder, r.given_at) for r in reactions] == [
        ("bakery", SECOND - timedelta(hours=3)),
        ("bakery", SECOND - timedelta(hours=3)),
    ]


def test_a_letter_that_came_in_under_the_new_period_is_judged_by_it(
    city: Samenspraak,
) -> None:
    """A letter that came in after the new period opened, and before it closes,
    is on time, though the period before it had closed."""
    reopened = WEEK_LATER - timedelta(days=2)
    with clock.frozen_at(reopened):
        city.tick()
        city.open_reaction_period(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "closes_at": reopened + timedelta(days=1)}
        )  # fmt: skip
    with clock.frozen_at(WEEK_LATER):
        number = city.react_to_plan(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "version": 1, "stance": "support", "text": "By e-mail.",
             "stakeholder": "library", "channel": "email",
             "received_at": (reopened + timedelta(hours=5)).isoformat()}
        )  # fmt: skip
    assert number == 1


def test_replay_reproduces_the_closed_state(city: Samenspraak, tmp_path: Path) -> None:
    with clock.frozen_at(WEEK_LATER):
        city.tick()
    again = Samenspraak.open(str(tmp_path / "city.db"))
    try:
        cc = initiative_id(CC)
        decision = again.repository.get(decision_point_id(cc, "sooner"))
        plan = again.repository.get(plan_id(cc, "traffic"))
        assert isinstance(decision, DecisionPoint)
        assert isinstance(plan, Plan)
        assert (decision.state.value, decision.outcome) == ("decided", "a")
        assert plan.reaction_period_closed
        assert plan.reaction_period_closes_at == SECOND
        for view in again.views:
            view.clear()
        again.catch_up()
        doc = again.state.document(str(cc))
        assert doc is not None
        traffic = doc["plans"][str(plan_id(cc, "traffic"))]
        assert traffic["reaction_period"]["closed_at"] == SECOND.isoformat()
        with clock.frozen_at(WEEK_LATER):
            assert again.tick() == []
    finally:
        again.close()


def test_a_reaction_period_for_days_or_the_phases_period(city: Samenspraak) -> None:
    with clock.frozen_at(START):
        city.create_plan({"actor": "facilitator", "initiative": CC, "plan": "vision",
                          "title": "Vision", "group": "traffic"})  # fmt: skip
        with pytest.raises(NotAllowed) as no_draft:
            city.open_reaction_period(
                {"actor": "facilitator", "initiative": CC, "plan": "vision", "days": 3}
            )
        assert no_draft.value.rule == "a_reaction_period_opens_on_a_draft"
        city.propose_draft({"actor": "facilitator", "initiative": CC, "plan": "vision",
                            "text": "A lively centre.", "changes": "First."})  # fmt: skip
        until = city.open_reaction_period(
            {"actor": "facilitator", "initiative": CC, "plan": "vision", "days": 3}
        )
        assert until == START + timedelta(days=3)
        with pytest.raises(InvalidInput) as invalid:
            city.open_reaction_period(
                {"actor": "facilitator", "initiative": CC, "plan": "vision",
                 "days": 3, "closes_at": THIRD}
            )  # fmt: skip
        assert "not both" in str(invalid.value)


def test_a_period_opened_without_a_time_in_a_phase_that_declares_none_is_refused(
    city: Samenspraak,
) -> None:
    # The phase's own period, where it declares one, is used instead (see
    # test_the_phases_own_period_opened_in_the_second_the_phase_began_is_not_too_short).
    phase = city._initiative(CC).process.phase(city._initiative(CC).phase)
    assert phase.reaction_period_days is None
    command = {"actor": "facilitator", "initiative": CC, "plan": "traffic"}
    with clock.frozen_at(WEEK_LATER), pytest.raises(InvalidInput) as invalid:
        city.open_reaction_period(command)
    assert "declares no reaction period" in str(invalid.value)


def test_tick_leaves_closed_initiatives_alone(city: Samenspraak) -> None:
    with clock.frozen_at(START):
        with pytest.raises(NotAllowed) as refused:
            city.close_initiative({"actor": "facilitator", "initiative": CC,
                                   "outcome": "Stopped."})  # fmt: skip
        assert refused.value.rule == "a_closed_initiative_leaves_no_decision_point_open"
        for decision in ("sooner", "later"):
            city.withdraw_decision_point(
                {"actor": "facilitator", "initiative": CC, "decision": decision}
            )
        city.close_initiative({"actor": "facilitator", "initiative": CC,
                               "outcome": "Stopped."})  # fmt: skip
    with clock.frozen_at(WEEK_LATER):
        assert city.tick() == []  # the traffic plan's period stays as it was


def test_tick_counts_who_took_part_at_the_deadline_not_when_it_runs(
    city: Samenspraak,
) -> None:
    # "sooner" closes at FIRST with bakery for "a"; library never took a position.
    with clock.frozen_at(FIRST + timedelta(hours=1)):
        # After the deadline, before tick: bakery leaves and a newcomer joins.
        city.leave_initiative(
            {"actor": "bakery", "initiative": CC, "stakeholder": "bakery"}
        )
        city.register_stakeholder(
            {"actor": "newcomer", "stakeholder": "newcomer", "name": "N"}
        )
        city.join_initiative(
            {"actor": "newcomer", "initiative": CC, "stakeholder": "newcomer",
             "kind": "entrepreneur"}
        )  # fmt: skip
    with clock.frozen_at(FIRST + timedelta(hours=2)):
        [closed] = city.tick()

    assert (closed.subject, closed.outcome) == ("sooner", "a")
    decision = city.decision_details(CC, "sooner")
    assert decision.tally == {"a": 1, "b": 0}


def test_a_decision_point_decided_after_its_deadline_counts_who_took_part_then(
    city: Samenspraak,
) -> None:
    with clock.frozen_at(FIRST + timedelta(hours=1)):
        city.leave_initiative(
            {"actor": "bakery", "initiative": CC, "stakeholder": "bakery"}
        )
        outcome = city.decide(
            {"actor": "facilitator", "initiative": CC, "decision": "sooner"}
        )
    assert outcome == "a"
    shown = city.decision_details(CC, "sooner")
    assert [(p.stakeholder, p.counted) for p in shown.positions] == [("bakery", True)]
    [entry] = [
        d for d in city.participation_report(CC).decisions if d.decision == "sooner"
    ]
    assert (entry.positions, entry.lapsed, entry.tally) == (1, 0, {"a": 1, "b": 0})


def test_before_its_deadline_a_decision_point_waits_for_everyone(
    city: Samenspraak,
) -> None:
    with clock.frozen_at(FIRST - timedelta(hours=1)), pytest.raises(NotAllowed) as e:
        city.decide({"actor": "facilitator", "initiative": CC, "decision": "sooner"})
    assert str(e.value) == (
        "sooner closes at 2026-01-14T17:00+01:00; before then it is decided only "
        "once everyone who may take part has taken a position (1 of 2 have not)."
    )


def test_a_position_counts_when_its_taker_still_took_part_at_the_deadline(
    city: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(hours=1)):
        city.take_position(
            {"actor": "bakery", "initiative": CC, "decision": "later", "option": "b"}
        )
    # Between the two deadlines, bakery leaves: "sooner" (closed before) counts
    # their position, "later" (closing after) does not.
    with clock.frozen_at(FIRST + timedelta(hours=1)):
        city.leave_initiative(
            {"actor": "bakery", "initiative": CC, "stakeholder": "bakery"}
        )
    open_now = city.decision_details(CC, "later")
    assert [(p.stakeholder, p.counted) for p in open_now.positions] == [
        ("bakery", False)
    ]
    with clock.frozen_at(WEEK_LATER):
        city.tick()

    counted = {
        slug: [
            (p.stakeholder, p.counted)
            for p in city.decision_details(CC, slug).positions
        ]
        for slug in ("sooner", "later")
    }
    assert counted == {"sooner": [("bakery", True)], "later": [("bakery", False)]}
    entries = {d.decision: d for d in city.participation_report(CC).decisions}
    assert (entries["sooner"].positions, entries["sooner"].lapsed) == (1, 0)
    assert (entries["later"].positions, entries["later"].lapsed) == (0, 1)
    assert entries["later"].tally == {"a": 0, "b": 0}
    # The library (an institution) could still take part in "later"; the bakery
    # had left by its deadline.
    assert (entries["sooner"].could_take_part, entries["later"].could_take_part) == (
        2,
        1,
    )
    report = city.participation_report(CC)
    # Nothing allocated is written in cents, as the status writes it.
    assert str(report.budget.allocated) == str(city.initiative_status(CC).allocated)
    assert report.model_dump(mode="json")["budget"]["allocated"] == "0.00"
    assert (
        "- **Positions taken:** 0 of the 1 who could take part (1 lapsed: of a "
        "participant who left)"
    ) in render_markdown(report, "en")
    assert (
        "0 van de 1 die mocht meebeslissen (1 vervallen: van een vertrokken deelnemer)"
    ) in render_html(report, "nl")


BEGAN = datetime(2026, 1, 12, 9, 0, 0, 700_000, tzinfo=WINTER)
"""A phase begins at a moment with its fraction of a second, as the clock gives it."""


@pytest.fixture
def budgeting(tmp_path: Path) -> Iterator[Samenspraak]:
    """A participatory budget in its proposals phase (42 days for reactions), with
    a plan in draft, all recorded in the second the phase began."""
    app = Samenspraak.open(str(tmp_path / "budget.db"))
    with clock.frozen_at(BEGAN):
        app.register_stakeholder(
            {"actor": "facilitator", "stakeholder": "facilitator", "name": "F"}
        )
        app.start_initiative(
            {
                "actor": "facilitator",
                "initiative": "budget",
                "title": "Budget",
                "description": "Residents propose.",
                "area": "Centre",
                "budget": "1000",
                "level": "co-deciding",
                "template": "burgerbegroting",
            }
        )
        app.form_group(
            {
                "actor": "facilitator",
                "initiative": "budget",
                "group": "team",
                "kind": "working",
                "name": "Team",
                "mandate": "Proposals.",
            }
        )
        app.create_plan(
            {
                "actor": "facilitator",
                "initiative": "budget",
                "plan": "ideas",
                "title": "Ideas",
                "group": "team",
            }
        )
        app.propose_draft(
            {
                "actor": "facilitator",
                "initiative": "budget",
                "plan": "ideas",
                "text": "Ideas.",
                "changes": "First.",
            }
        )
    yield app  # fmt: skip
    app.close()


def test_the_phases_own_period_opened_in_the_second_the_phase_began_is_not_too_short(
    budgeting: Samenspraak,
) -> None:
    """Opened without a time or days, the period is the phase's 42 days from now,
    to the second; that is no shorter than the phase gives, even within the second
    the phase began."""
    with clock.frozen_at(BEGAN + timedelta(microseconds=200_000)):
        closes_at = budgeting.open_reaction_period(
            {"actor": "facilitator", "initiative": "budget", "plan": "ideas"}
        )
    assert closes_at == datetime(2026, 2, 23, 9, 0, tzinfo=WINTER)


def test_a_period_shorter_than_the_phase_gives_is_refused_with_both_times_alike(
    budgeting: Samenspraak,
) -> None:
    """Both times in the refusal are written on Dutch clocks, whatever offset the
    closing time was given in, so that the one is seen to be earlier."""
    with (
        clock.frozen_at(BEGAN + timedelta(days=1)),
        pytest.raises(NotAllowed) as short,
    ):
        budgeting.open_reaction_period(
            {
                "actor": "facilitator",
                "initiative": "budget",
                "plan": "ideas",
                "closes_at": "2026-02-20T12:00+01:00",
            }
        )
    assert str(short.value) == (
        "The phase proposals of budget gives reactions until "
        "2026-02-23T09:00:00+01:00; a reaction period on ideas closes no earlier, "
        "not at 2026-02-20T12:00+01:00."
    )


SPRING = datetime(2026, 3, 16, 10, 0, tzinfo=WINTER)
"""A Monday at 10:00 in winter time; the clocks go forward on Sunday 29 March."""


def test_a_period_of_days_across_the_change_to_summer_time_closes_at_the_same_hour(
    city: Samenspraak,
) -> None:
    """Fourteen days from Monday 16 March, 10:00, is Monday 30 March, 10:00 on the
    clocks in the Netherlands: summer time by then, an hour less in UTC."""
    with clock.frozen_at(SPRING):
        closes_at = city.open_reaction_period(
            {
                "actor": "facilitator",
                "initiative": CC,
                "plan": "traffic",
                "days": 14,
            }
        )
    assert closes_at == datetime.fromisoformat("2026-03-30T10:00+02:00")


def test_the_phases_own_period_across_the_change_to_winter_time_ends_at_the_same_hour(
    budgeting: Samenspraak,
) -> None:
    """A phase that began on Monday 12 October, 09:00 (summer time), gives 42
    days: until Monday 23 November, 09:00 winter time, an hour more in UTC. A
    plan's period closing at 08:30 that day would cut it short."""
    autumn = datetime.fromisoformat("2026-10-12T09:00+02:00")
    with clock.frozen_at(autumn):
        budgeting.start_initiative(
            {
                "actor": "facilitator",
                "initiative": "autumn",
                "title": "Autumn",
                "description": "Residents propose.",
                "area": "Centre",
                "budget": "1000",
                "level": "co-deciding",
                "template": "burgerbegroting",
            }
        )
        budgeting.form_group(
            {
                "actor": "facilitator",
                "initiative": "autumn",
                "group": "team",
                "kind": "working",
                "name": "Team",
                "mandate": "Proposals.",
            }
        )
        budgeting.create_plan(
            {
                "actor": "facilitator",
                "initiative": "autumn",
                "plan": "ideas",
                "title": "Ideas",
                "group": "team",
            }
        )
        budgeting.propose_draft(
            {
                "actor": "facilitator",
                "initiative": "autumn",
                "plan": "ideas",
                "text": "Ideas.",
                "changes": "First.",
            }
        )
    with (
        clock.frozen_at(autumn + timedelta(days=1)),
        pytest.raises(NotAllowed) as short,
    ):
        budgeting.open_reaction_period(
            {
                "actor": "facilitator",
                "initiative": "autumn",
                "plan": "ideas",
                "closes_at": "2026-11-23T08:30+01:00",
            }
        )
    assert "gives reactions until 2026-11-23T09:00+01:00;" in str(short.value)
