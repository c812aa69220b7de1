"""What the participation report says about moments that are easy to misstate: a
process moved to another template, a reaction withdrawn for someone, a decision
point closed by its deadline or without a decision, a meeting recorded before it
took place, and the hour the clocks go back."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import Samenspraak
from samenspraak.application.report import ParticipationReport
from samenspraak.application.report_render import (
    render_html,
    render_json,
    render_markdown,
)
from samenspraak.application.report_timeline import (
    NARROW,
    WIDE,
    Timeline,
    axis_of,
    ticks,
)
from samenspraak.application.report_words import words
from samenspraak.domain.clock import frozen_at

CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))


def march(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=CET)


Do = Callable[..., Any]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Samenspraak]:
    opened = Samenspraak.open(str(tmp_path / "record.db"))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def do(app: Samenspraak) -> Do:
    """``do(moment, use_case, **fields)``: a command at a moment, by the
    facilitator unless ``actor`` says otherwise, in the initiative ``x``."""

    def run(moment: datetime, use_case: Callable[[Any], Any], **fields: Any) -> Any:
        fields.setdefault("actor", "facilitator")
        if use_case not in (app.register_stakeholder, app.start_initiative):
            fields.setdefault("initiative", "x")
        with frozen_at(moment):
            return use_case(fields)

    return run


@pytest.fixture
def started(app: Samenspraak, do: Do) -> Samenspraak:
    do(march(2), app.register_stakeholder, stakeholder="facilitator", name="F")
    do(march(2), app.start_initiative, initiative="x", title="X", description="d",
       area="a", budget="1000", level="co-deciding")  # fmt: skip
    for resident in ("resident-1", "resident-2"):
        do(march(2), app.register_stakeholder, stakeholder=resident, name=resident)
        do(march(2), app.join_initiative, stakeholder=resident, kind="resident")
    return app


def report_at(app: Samenspraak, moment: datetime) -> ParticipationReport:
    with frozen_at(moment):
        return app.participation_report("x")


def test_a_move_to_another_template_shows_which_one_it_started_on_and_when(
    started: Samenspraak, do: Do
) -> None:
    do(march(21), started.migrate_template, template="overheidsparticipatie@2")
    report = report_at(started, march(23))
    assert (report.process.name, report.process.version) == (
        "overheidsparticipatie",
        "2",
    )
    [moved] = report.process.migrations
    assert (moved.from_name, moved.from_version, moved.to_version, moved.phase) == (
        "overheidsparticipatie",
        "1",
        "2",
        "society-decides",
    )
    assert moved.migrated_at == march(21)
    assert (
        "begonnen op overheidsparticipatie versie 1; op 21 mrt 2026, 09:00 (in de fase "
        "Samenleving beslist) overgezet naar overheidsparticipatie versie 2"
    ) in render_markdown(report, "nl")
    assert (
        "started on overheidsparticipatie version 1; moved to overheidsparticipatie "
        "version 2 on 21 Mar 2026, 09:00"
    ) in render_html(report, "en")
    assert '"from_version": "1"' in render_json(report)


def test_a_reaction_withdrawn_by_the_facilitator_says_who_withdrew_it_and_when(
    started: Samenspraak, do: Do
) -> None:
    do(march(2), started.form_group, group="g", kind="working", name="G", mandate="m")
    do(march(2), started.create_plan, plan="p", title="P", group="g")
    do(march(2), started.propose_draft, plan="p", text="t", changes="c")
    number = do(march(2), started.react_to_plan, actor="resident-1", plan="p",
                version=1, stance="objection", text="No.")  # fmt: skip
    assert started.response_report("x")[0].outcome == "unanswered"  # caught up
    do(march(3), started.withdraw_reaction, plan="p", reaction=number)
    report = report_at(started, march(4))
    [reaction] = report.responses
    assert (reaction.outcome, reaction.withdrawn_by, reaction.withdrawn_at) == (
        "withdrawn",
        "facilitator",
        march(3),
    )
    markdown = render_markdown(report, "nl")
    assert "| Ingetrokken (door facilitator, 3 mrt 2026, 09:00) |" in markdown
    assert "door de indiener" not in markdown
    # The response report says the same, whether its view learnt of the withdrawal
    # after the reaction or together with it (a rebuild).
    for rebuilt in (False, True):
        if rebuilt:
            started.rebuild_projections()
        [line] = started.response_report("x")
        assert (line.outcome, line.withdrawn_by, line.withdrawn_at) == (
            "withdrawn",
            "facilitator",
            march(3),
        )
        assert (line.answered_by, line.answered_at) == (None, None)


def test_the_summary_counts_the_withdrawn_reactions_the_response_report_lists(
    started: Samenspraak, do: Do
) -> None:
    do(march(2), started.form_group, group="g", kind="working", name="G", mandate="m")
    do(march(2), started.create_plan, plan="p", title="P", group="g")
    do(march(2), started.propose_draft, plan="p", text="t", changes="c")
    for resident in ("resident-1", "resident-2", "resident-1"):
        do(march(3), started.react_to_plan, actor=resident, plan="p", version=1,
           stance="concern", text="Too far.")  # fmt: skip
    do(march(4), started.defend_position, plan="p", reactions=[1], reasoning="r")
    do(march(4), started.withdraw_reaction, actor="resident-1", plan="p", reaction=3)
    report = report_at(started, march(5))
    assert len(report.responses) == 3
    # 1 of the 2 not withdrawn is answered; with the one withdrawn, the 3 listed.
    markdown = render_markdown(report, "nl")
    assert "- **1/2** reacties beantwoord (1 ingetrokken)" in markdown
    assert "- **1/2** reactions answered (1 withdrawn)" in render_markdown(report, "en")
    assert ">reacties beantwoord (1 ingetrokken)</div>" in render_html(report, "nl")
    # None withdrawn yet: nothing to add.
    before = started.participation_report("x", as_of=march(3).isoformat())
    assert "- **0/3** reacties beantwoord\n" in render_markdown(before, "nl")


def test_a_decision_point_closed_by_its_deadline_shows_the_deadline_not_when_tick_ran(
    started: Samenspraak, do: Do
) -> None:
    do(march(3), started.put_decision_point, decision="late", question="Q?",
       options=[{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
       eligible=["resident"], rule="plurality",
       closes_at="2026-03-05T12:00+01:00")  # fmt: skip
    do(march(4), started.take_position, actor="resident-1", decision="late", option="a")
    with frozen_at(march(20)):
        started.tick()  # fifteen days late
    report = report_at(started, march(21))
    [decision] = report.decisions
    assert decision.closed_by_deadline is True
    assert decision.ended_at == datetime(2026, 3, 5, 12, 0, tzinfo=CET)
    markdown = render_markdown(report, "nl")
    assert "- **Status:** Besloten bij de sluitingstijd, 5 mrt 2026, 12:00" in markdown
    assert "20 mrt" not in markdown.split("## Besluitpunten")[1].split("##")[0]


def test_a_decision_point_past_its_deadline_that_tick_has_not_closed_is_not_called_just_open(
    started: Samenspraak, do: Do
) -> None:
    """Deadlines close when ``tick`` runs: until then the point is still open in
    the record, but takes no more positions. The report says that its deadline
    passed and it awaits the closing, not that it is open as before."""
    do(march(3), started.put_decision_point, decision="late", question="Q?",
       options=[{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
       eligible=["resident"], rule="plurality",
       closes_at="2026-03-05T12:00+01:00")  # fmt: skip
    do(march(4), started.take_position, actor="resident-1", decision="late", option="a")

    before = render_markdown(report_at(started, march(5, 11)), "en")
    after = report_at(started, march(6))

    assert "- **State:** Open\n" in before
    assert (
        "- **State:** Open: its deadline passed, it closes when the deadlines are "
        "next run (samenspraak tick)\n"
    ) in render_markdown(after, "en")
    assert (
        "- **Status:** Open: de sluitingstijd is verstreken, het sluit wanneer de "
        "termijnen weer worden verwerkt (samenspraak tick)\n"
    ) in render_markdown(after, "nl")
    assert "Open: its deadline passed" in render_html(after, "en")


def test_a_decision_point_at_its_very_closing_time_still_takes_positions_and_is_not_called_past_it(
    started: Samenspraak, do: Do
) -> None:
    """A position taken at the closing time itself is on time (only one after it
    is late), so at that moment the point is not yet past its deadline: neither
    ``decision show`` nor the report says it takes no more positions."""
    closes = datetime(2026, 3, 5, 12, 0, tzinfo=CET)
    do(march(3), started.put_decision_point, decision="late", question="Q?",
       options=[{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
       eligible=["resident"], rule="plurality", closes_at=closes.isoformat())  # fmt: skip

    with frozen_at(closes):
        shown = started.decision_details("x", "late")
    at_the_deadline = render_markdown(report_at(started, closes), "en")
    do(closes, started.take_position, actor="resident-1", decision="late", option="a")
    with frozen_at(closes + timedelta(seconds=1)):
        after = started.decision_details("x", "late")

    assert shown.deadline_passed is False
    assert "- **State:** Open\n" in at_the_deadline
    assert [p.stakeholder for p in started.decision_details("x", "late").positions] == [
        "resident-1"
    ]
    assert after.deadline_passed is True


def test_a_decision_point_that_ended_without_a_decision_is_not_called_decided(
    started: Samenspraak, do: Do
) -> None:
    do(march(3), started.put_decision_point, decision="tie", question="T?",
       options=[{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
       eligible=["resident"], rule="majority")  # fmt: skip
    do(march(4), started.take_position, actor="resident-1", decision="tie", option="a")
    do(march(4), started.take_position, actor="resident-2", decision="tie", option="b")
    do(march(5), started.decide, decision="tie")
    report = report_at(started, march(6))
    markdown = render_markdown(report, "nl")
    assert "- **Status:** Afgesloten zonder besluit, 5 mrt 2026, 09:00" in markdown
    assert "- **0/1** besluitpunt besloten" in markdown
    assert "Ended without a decision, 5 Mar 2026, 09:00" in render_html(report, "en")


def test_a_withdrawn_decision_point_is_not_counted_as_one_left_undecided(
    started: Samenspraak, do: Do
) -> None:
    # Two questions put; one decided, the other withdrawn by the facilitator. The
    # summary does not read as if one were still waiting for its decision.
    for slug in ("square", "benches"):
        do(march(3), started.put_decision_point, decision=slug, question="Q?",
           options=[{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
           eligible=["resident"], rule="plurality")  # fmt: skip
    do(march(4), started.take_position, actor="resident-1", decision="square",
       option="a")  # fmt: skip
    do(march(5), started.decide, decision="square")
    do(march(5), started.withdraw_decision_point, decision="benches")
    report = report_at(started, march(6))
    assert "- **1/1** besluitpunt besloten (1 ingetrokken)" in render_markdown(
        report, "nl"
    )
    assert "- **1/1** decision point decided (1 withdrawn)" in render_markdown(
        report, "en"
    )
    assert "decision point decided (1 withdrawn)" in render_html(report, "en")


def test_a_meeting_recorded_before_it_took_place_is_not_reported_as_held(
    started: Samenspraak, do: Do
) -> None:
    do(march(3), started.hold_meeting, starts_at="2026-03-02T19:30+01:00",
       kind="residents-meeting", place="Hall", attendance=30, summary="Held.")  # fmt: skip
    do(march(3), started.hold_meeting, starts_at="2026-09-01T19:30+02:00",
       kind="residents-meeting", place="Hall", attendance=80, summary="Ahead.")  # fmt: skip
    report = report_at(started, march(4))
    assert [(m.number, m.held) for m in report.meetings] == [(1, True), (2, False)]
    markdown = render_markdown(report, "nl")
    assert "- **1** bijeenkomst (1 buiten kantooruren)" in markdown
    assert "De bijeenkomst vond 's avonds, 's nachts of in het weekend plaats." in (
        markdown
    )
    assert "1 bijeenkomst nog niet gehouden (vooraf vastgelegd)." in markdown
    assert (
        "| 2 | di 1 sep 2026, 19:30 (nog niet gehouden) | Bewonersbijeenkomst | - |"
        in (markdown)
    )
    # Once its time has come, it counts as held.
    later = report_at(started, datetime(2026, 9, 2, 9, 0, tzinfo=CEST))
    assert [m.held for m in later.meetings] == [True, True]
    assert "2 van de 2 bijeenkomsten vonden" in render_markdown(later, "nl")


def test_an_informing_recorded_later_says_its_head_is_from_when_it_was_recorded(
    started: Samenspraak, do: Do
) -> None:
    # The council was told on 4 March; the facilitator recorded it on 10 March,
    # after a meeting of 6 March. The head it recorded holds that meeting too, so
    # the report does not call it the head of 4 March.
    do(march(6), started.hold_meeting, starts_at="2026-03-05T19:30+01:00",
       kind="residents-meeting", place="Hall", attendance=30, summary="Held.")  # fmt: skip
    do(march(10), started.inform_council, document_title="Letter",
       document_sha256="a" * 64, session="letter", informed_at=march(4))  # fmt: skip
    report = report_at(started, march(11))
    [informing] = report.council
    assert informing.informed_at == march(4)
    assert informing.recorded_at == march(10)
    markdown = render_markdown(report, "en")
    assert "The initiative's audit head when this was recorded" in markdown
    assert f"`{informing.audit_head}` (recorded 10 Mar 2026, 09:00)" in markdown
    assert "(vastgelegd 10 mrt 2026, 09:00)" in render_markdown(report, "nl")
    assert "recorded 10 Mar 2026, 09:00" in render_html(report, "en")

    # One recorded as it happened needs no such note.
    do(march(12), started.inform_council, document_title="Plan",
       document_sha256="b" * 64, session="formal", informed_at=march(12))  # fmt: skip
    same = render_markdown(report_at(started, march(13)), "en")
    assert same.count("(recorded ") == 1


def test_a_time_in_the_hour_the_clocks_go_back_says_which_of_the_two_it_is() -> None:
    w = words("nl")
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET
    assert w.when(first) == "25 okt 2026, 02:30 CEST"
    assert w.when(second) == "25 okt 2026, 02:30 CET"
    assert w.when(datetime(2026, 10, 25, 2, 30, tzinfo=UTC)) == ("25 okt 2026, 03:30")


def test_phases_a_closed_initiative_never_reached_are_not_reached_not_yet_to_come(
    started: Samenspraak, do: Do
) -> None:
    assert "| nog niet bereikt | - |" in render_markdown(report_at(started, march(3)))
    do(march(22), started.close_initiative, outcome="Stopped.")
    markdown = render_markdown(report_at(started, march(23)), "nl")
    assert "| niet bereikt | - |" in markdown
    assert "nog niet bereikt" not in markdown


@pytest.mark.parametrize(
    ("last", "most_labels"),
    [
        (datetime(2036, 2, 3, 19, 30, tzinfo=CET), 16),  # a typo for 2026
        (datetime(2999, 12, 31, 19, 30, tzinfo=CET), 16),  # the end of the calendar
    ],
)
def test_the_timeline_of_a_long_span_keeps_its_labels_few_and_apart(
    started: Samenspraak, do: Do, last: datetime, most_labels: int
) -> None:
    do(march(3), started.hold_meeting, starts_at=last.isoformat(),
       kind="residents-meeting", place="Hall", attendance=5, summary="Far.")  # fmt: skip
    report = report_at(started, march(4))
    for geometry in (WIDE, NARROW):
        axis = axis_of(report, geometry)
        assert len(ticks(axis, "nl")) <= most_labels
        svg = Timeline(report, words("nl"), axis).svg()
        labels = [
            float(x)
            for x in re.findall(
                r'<text x="([0-9.]+)" y="[0-9.]+" font-size="11.5" fill="#52606d">',
                svg,
            )
        ]
        assert len(labels) >= 2
        assert labels == sorted(labels)
        assert all(b - a >= 30 for a, b in itertools.pairwise(labels))
    assert len(render_html(report)) < 300_000


def test_closing_early_says_so_and_counts_the_reactions_left_unanswered(
    started: Samenspraak, do: Do
) -> None:
    do(march(2), started.form_group, group="g", kind="working", name="G", mandate="m")
    do(march(2), started.create_plan, plan="p", title="P", group="g")
    do(march(2), started.propose_draft, plan="p", text="t", changes="c")
    for resident in ("resident-1", "resident-2"):
        do(march(3), started.react_to_plan, actor=resident, plan="p", version=1,
           stance="concern", text="Too far.")  # fmt: skip
    closing = do(march(4), started.close_initiative, outcome="Stopped.")
    assert (closing.phase, closing.early, closing.unanswered) == (
        "society-decides",
        True,
        2,
    )


def test_closing_from_the_last_phase_is_no_early_end(
    started: Samenspraak, do: Do
) -> None:
    for day in range(3, 7):  # to the last phase of overheidsparticipatie v1
        do(march(day), started.advance_phase)
    closing = do(march(8), started.close_initiative, outcome="Done.")
    assert (closing.phase, closing.early, closing.unanswered) == (
        "evaluation",
        False,
        0,
    )


def test_meetings_are_reported_in_the_order_they_took_place_not_the_order_recorded(
    started: Samenspraak, do: Do
) -> None:
    do(march(20), started.hold_meeting, starts_at="2026-03-19T19:30+01:00",
       kind="residents-meeting", place="Hall", attendance=30, summary="Later.")  # fmt: skip
    do(march(20), started.hold_meeting, starts_at="2026-03-05T19:30+01:00",
       kind="residents-meeting", place="Library", attendance=12,
       summary="Entered afterwards.")  # fmt: skip
    report = report_at(started, march(21))
    assert [m.number for m in report.meetings] == [2, 1]
    markdown = render_markdown(report, "en")
    assert markdown.index("| 2 | Thu 5 Mar 2026") < markdown.index("| 1 | Thu 19 Mar")


def test_a_plans_reaction_periods_show_from_when_to_when_everyone_could_react(
    started: Samenspraak, do: Do
) -> None:
    do(march(2), started.form_group, group="working", kind="working", name="W",
       mandate="Draft the traffic plan.")  # fmt: skip
    do(march(2), started.add_member, group="working", stakeholder="resident-1")
    do(march(2), started.create_plan, plan="traffic-plan", title="Traffic plan",
       group="working")  # fmt: skip
    do(march(3), started.propose_draft, plan="traffic-plan", text="A loop.",
       changes="First draft.")  # fmt: skip
    # Before a period opens, there is nothing to say about one.
    markdown = render_markdown(report_at(started, march(3, 10)), "en")
    assert "Reaction period" not in markdown
    do(march(3, 10), started.open_reaction_period, plan="traffic-plan", days=14)
    with frozen_at(march(18)):
        started.tick()
    do(march(20), started.open_reaction_period, plan="traffic-plan",
       closes_at="2026-04-01T00:00+02:00")  # fmt: skip
    report = report_at(started, march(21))
    [plan] = report.plans
    assert [(p.opened_at, p.closes_at) for p in plan.reaction_periods] == [
        (march(3, 10), march(17, 10)),
        (march(20), datetime(2026, 4, 1, 0, 0, tzinfo=CEST)),
    ]
    periods_nl = (
        "Reactietermijnen: 3 mrt 2026, 10:00 tot 17 mrt 2026, 10:00; "
        "20 mrt 2026, 09:00 tot 1 apr 2026, 00:00"
    )
    assert periods_nl in render_markdown(report, "nl")
    periods_en = (
        "Reaction periods: 3 Mar 2026, 10:00 to 17 Mar 2026, 10:00; "
        "20 Mar 2026, 09:00 to 1 Apr 2026, 00:00"
    )
    assert periods_en in render_html(report, "en")
    assert '"reaction_periods": [' in render_json(report)
    # As it stood before the second period opened: only the first.
    with frozen_at(march(21)):
        earlier_report = started.participation_report("x", as_of=march(19).isoformat())
    earlier = render_markdown(earlier_report, "en")
    assert "Reaction period: 3 Mar 2026, 10:00 to 17 Mar 2026, 10:00 ·" in earlier
