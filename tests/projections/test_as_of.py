"""Time travel: ``as_of`` (``--as-of``) shows the initiative, a plan or a decision
point exactly as it stood at a moment of the story; moments are compared as times,
whatever offset they are written in."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from samenspraak.application import InvalidInput, NotFound, Samenspraak
from samenspraak.domain.clock import frozen_at

Run = Callable[..., Result]

AFTER_START = "2026-01-12T12:00+01:00"
VISION_V1 = "2026-02-10T12:00+01:00"
VOTING = "2026-02-15T12:00+01:00"
AFTER_COUNCIL = "2026-03-06T12:00+01:00"
TRAFFIC_V1 = "2026-04-12T12:00+02:00"
FINAL = "2026-06-05T12:00+02:00"
END = "2026-06-23T12:00+02:00"


def same_moment_in(moment: str, hours: float) -> str:
    """The same moment written with another UTC offset (0: with a Z)."""
    at = datetime.fromisoformat(moment).astimezone(timezone(timedelta(hours=hours)))
    text = at.isoformat()
    return text.replace("+00:00", "Z") if hours == 0 else text


@pytest.fixture(scope="module")
def app(shared_db: Path) -> Iterator[Samenspraak]:
    engine = Samenspraak.open(str(shared_db), create=False)
    yield engine
    engine.close()


def test_just_after_the_start_only_the_first_stakeholders_have_joined(
    app: Samenspraak,
) -> None:
    status = app.initiative_status("city-centre", as_of=AFTER_START)
    assert status.phase == "society-decides"
    # The facilitator, and one joining every half hour from 09:30 up to 12:00.
    assert [s.ref for s in status.stakeholders] == [
        "facilitator",
        "bakery",
        "entrepreneurs",
        "library",
        "housing-corporation",
        "resident-kerkstraat",
        "resident-havenkwartier",
    ]
    assert status.groups == status.meetings == status.council == []
    assert status.plans == status.decisions == []
    with pytest.raises(NotFound) as missing:
        app.plan_details("city-centre", "vision", as_of=AFTER_START)
    assert str(missing.value) == (
        "city-centre had no plan called vision at 2026-01-12T12:00+01:00."
    )
    with pytest.raises(NotFound, match=r"had no decision point called first-prio"):
        app.decision_details("city-centre", "first-priority", as_of=AFTER_START)


def test_in_february_the_vision_has_one_version_and_two_unanswered_reactions(
    app: Samenspraak,
) -> None:
    status = app.initiative_status("city-centre", as_of=VISION_V1)
    assert status.phase == "society-decides"
    assert len(status.stakeholders) == 9
    assert [g.group for g in status.groups] == ["steering-group"]
    assert [m.number for m in status.meetings] == [1]
    assert status.council == status.decisions == []
    [vision] = status.plans
    assert (vision.plan, vision.versions, vision.reactions, vision.unanswered) == (
        "vision",
        1,
        2,
        2,
    )
    assert vision.final_version is None
    plan = app.plan_details("city-centre", "vision", as_of=VISION_V1)
    assert [v.number for v in plan.versions] == [1]
    assert plan.unanswered == [1, 2]
    assert [(r.stakeholder, r.stance, r.answer) for r in plan.reactions] == [
        ("resident-havenkwartier", "support", None),
        ("housing-corporation", "suggestion", None),
    ]
    with pytest.raises(NotFound, match=r"at 2026-02-10T12:00\+01:00\.$"):
        app.decision_details("city-centre", "first-priority", as_of=VISION_V1)


def test_while_the_vote_is_open_the_positions_so_far_show_without_a_tally(
    app: Samenspraak,
) -> None:
    decision = app.decision_details("city-centre", "first-priority", as_of=VOTING)
    assert decision.state == "open"
    assert decision.outcome is None
    assert decision.tally == {}
    assert [p.stakeholder for p in decision.positions] == [
        "bakery",
        "entrepreneurs",
        "library",
        "resident-kerkstraat",
        "resident-havenkwartier",
    ]


def test_after_the_informal_council_session_the_vision_is_final_and_decided(
    app: Samenspraak,
) -> None:
    status = app.initiative_status("city-centre", as_of=AFTER_COUNCIL)
    assert status.phase == "society-decides"
    [council] = status.council
    assert council.session == "informal"
    assert council.audit_head is not None
    assert council.audit_head.startswith("31:")
    [vision] = status.plans
    assert (vision.versions, vision.unanswered, vision.final_version) == (2, 0, 2)
    [decision] = status.decisions
    assert (decision.decision, decision.state, decision.outcome) == (
        "first-priority",
        "decided",
        "car-free-square",
    )
    assert decision.tally == {
        "car-free-square": 4,
        "green-streets": 2,
        "evening-library": 0,
    }
    with pytest.raises(NotFound, match=r"had no plan called traffic-plan at "):
        app.plan_details("city-centre", "traffic-plan", as_of=AFTER_COUNCIL)


def test_in_april_the_traffic_plan_has_five_unanswered_reactions(
    app: Samenspraak,
) -> None:
    status = app.initiative_status("city-centre", as_of=TRAFFIC_V1)
    assert status.phase == "colleagues-join"
    assert [g.group for g in status.groups] == ["steering-group", "traffic"]
    assert [m.number for m in status.meetings] == [1, 2]
    assert [(p.plan, p.versions, p.reactions, p.unanswered) for p in status.plans] == [
        ("vision", 2, 2, 0),
        ("traffic-plan", 1, 5, 5),
    ]
    assert [d.decision for d in status.decisions] == ["first-priority"]
    plan = app.plan_details("city-centre", "traffic-plan", as_of=TRAFFIC_V1)
    assert [v.number for v in plan.versions] == [1]
    assert plan.unanswered == [1, 2, 3, 4, 5]
    assert plan.final_version is None
    assert all(r.answer is None for r in plan.reactions)
    with pytest.raises(
        NotFound,
        match=r"^city-centre had no decision point called traffic-plan-consent at ",
    ):
        app.decision_details("city-centre", "traffic-plan-consent", as_of=TRAFFIC_V1)


def test_at_the_end_of_the_story_as_of_equals_the_present(app: Samenspraak) -> None:
    """The same state, except that a view as of a moment says which moment."""
    end = datetime.fromisoformat(END).astimezone(UTC)
    status = app.initiative_status("city-centre", as_of=END)
    assert status.as_of == end
    assert status == app.initiative_status("city-centre").model_copy(
        update={"as_of": end}
    )
    assert status.phase == "council"
    assert [c.session for c in status.council] == ["informal", "formal"]
    assert [len(c.follow_ups) for c in status.council] == [0, 1]
    assert [a.channel for a in status.announcements] == ["letter"]
    for plan in ("vision", "traffic-plan"):
        assert app.plan_details("city-centre", plan, as_of=END) == (
            app.plan_details("city-centre", plan).model_copy(update={"as_of": end})
        )
    for decision in ("first-priority", "traffic-plan-consent", "budget-first-part"):
        assert app.decision_details("city-centre", decision, as_of=END) == (
            app.decision_details("city-centre", decision).model_copy(
                update={"as_of": end}
            )
        )
    assert app.initiative_status("city-centre").as_of is None


def test_after_the_council_was_informed_its_follow_up_and_the_letter_are_to_come(
    app: Samenspraak,
) -> None:
    status = app.initiative_status("city-centre", as_of=FINAL)
    assert [c.session for c in status.council] == ["informal", "formal"]
    assert [len(c.follow_ups) for c in status.council] == [0, 0]
    assert status.announcements == []
    assert status != app.initiative_status("city-centre")


@pytest.mark.parametrize(
    "moment", [AFTER_START, VISION_V1, VOTING, AFTER_COUNCIL, TRAFFIC_V1, FINAL, END]
)
def test_the_same_moment_in_another_offset_gives_the_same_answer(
    app: Samenspraak, moment: str
) -> None:
    expected = app.initiative_status("city-centre", as_of=moment)
    for hours in (0, 5, -3, 5.5):
        other = same_moment_in(moment, hours)
        assert other != moment
        assert app.initiative_status("city-centre", as_of=other) == expected
    # A datetime object is the same as its text.
    at = datetime.fromisoformat(moment)
    assert app.initiative_status("city-centre", as_of=at) == expected
    assert app.initiative_status("city-centre", as_of=at.astimezone(UTC)) == expected


def test_an_event_counts_from_its_own_moment_in_any_offset(app: Samenspraak) -> None:
    """The informal council session was recorded at 19:30 (+01:00): at that moment
    it counts, a second earlier it does not, however the moment is written. Written
    at +05:00 it is the next day, which compared as text would be wrong."""
    recorded = datetime(2026, 3, 5, 19, 30, tzinfo=timezone(timedelta(hours=1)))
    for hours in (1, 0, 5, -8):
        at = recorded.astimezone(timezone(timedelta(hours=hours)))
        before = at - timedelta(seconds=1)
        assert len(app.initiative_status("city-centre", as_of=at).council) == 1
        assert len(app.initiative_status("city-centre", as_of=before).council) == 0
        assert (
            len(app.initiative_status("city-centre", as_of=at.isoformat()).council) == 1
        )
    # Across the change to summer time: 16:00 (+02:00) is 15:00 (+01:00).
    draft = app.plan_details(
        "city-centre", "traffic-plan", as_of="2026-03-30T15:00+01:00"
    )
    assert [v.number for v in draft.versions] == [1]
    with pytest.raises(
        NotFound,
        match=r"^city-centre had no plan called traffic-plan at 2026-03-09T08:59",
    ):
        app.plan_details("city-centre", "traffic-plan", as_of="2026-03-09T08:59+01:00")


def test_a_moment_before_the_initiative_started_is_not_found_with_a_sentence(
    app: Samenspraak, run: Run, shared_db: Path
) -> None:
    with pytest.raises(NotFound) as early:
        app.initiative_status("city-centre", as_of="2026-01-12T08:59+01:00")
    assert str(early.value) == (
        "city-centre had not started yet at 2026-01-12T08:59+01:00."
    )
    with pytest.raises(NotFound, match=r"^city-centre had not started yet at "):
        app.plan_details("city-centre", "vision", as_of="2025-12-31T23:59Z")
    with pytest.raises(NotFound, match=r"^city-centre had not started yet at "):
        app.decision_details("city-centre", "first-priority", as_of="2020-01-01T00:00Z")
    result = run(
        shared_db, "initiative", "status", "city-centre", "--as-of", "2026-01-01T00:00Z"
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: city-centre had not started yet at 2026-01-01T00:00+00:00."
    ]


@pytest.mark.parametrize(
    "naive",
    ["2026-02-10T12:00", "2026-02-10T12:00:00", datetime(2026, 2, 10, 12, 0)],
)
def test_a_time_without_a_timezone_is_refused(app: Samenspraak, naive: Any) -> None:
    with pytest.raises(InvalidInput, match=r"^as_of: .*timezone") as refused:
        app.initiative_status("city-centre", as_of=naive)
    assert str(refused.value).endswith(".")
    with pytest.raises(InvalidInput, match=r"^as_of: "):
        app.plan_details("city-centre", "vision", as_of=naive)
    with pytest.raises(InvalidInput, match=r"^as_of: "):
        app.decision_details("city-centre", "first-priority", as_of=naive)


def test_the_cli_refuses_a_naive_or_malformed_time_with_one_sentence(
    run: Run, shared_db: Path
) -> None:
    for moment in ("2026-02-10T12:00", "yesterday"):
        for args in (
            ("initiative", "status", "city-centre"),
            ("plan", "show", "city-centre", "vision"),
            ("decision", "show", "city-centre", "first-priority"),
        ):
            result = run(shared_db, *args, "--as-of", moment)
            assert result.exit_code == 1, (args, result.output)
            assert result.stdout == ""
            [line] = result.stderr.splitlines()
            assert line.startswith("Error: --as-of: "), line


@pytest.mark.parametrize(
    ("args", "query"),
    [
        (("initiative", "status", "city-centre"), "status"),
        (("plan", "show", "city-centre", "traffic-plan"), "plan"),
        (("decision", "show", "city-centre", "first-priority"), "decision"),
    ],
)
def test_the_cli_as_of_with_json_matches_the_api_at_every_moment(
    app: Samenspraak, run: Run, shared_db: Path, args: tuple[str, ...], query: str
) -> None:
    def api(moment: str) -> Any:
        if query == "status":
            return app.initiative_status("city-centre", as_of=moment)
        if query == "plan":
            return app.plan_details("city-centre", "traffic-plan", as_of=moment)
        return app.decision_details("city-centre", "first-priority", as_of=moment)

    answered = 0
    for moment in (AFTER_START, VISION_V1, VOTING, AFTER_COUNCIL, TRAFFIC_V1, FINAL):
        result = run(shared_db, *args, "--as-of", moment, "--json")
        try:
            expected = api(moment)
        except NotFound as missing:
            expected, sentence = None, str(missing)
        if expected is None:
            assert result.exit_code == 1
            assert result.stderr.splitlines() == [f"Error: {sentence}"]
            continue
        assert result.exit_code == 0, (moment, result.output)
        assert json.loads(result.stdout) == expected.model_dump(mode="json")
        # The same moment in UTC prints the same document.
        in_utc = run(shared_db, *args, "--as-of", same_moment_in(moment, 0), "--json")
        assert in_utc.stdout == result.stdout
        answered += 1
    assert answered >= 2


def test_the_cli_shows_the_traffic_plan_in_april_with_five_unanswered_reactions(
    run: Run, shared_db: Path
) -> None:
    result = run(
        shared_db,
        "plan",
        "show",
        "city-centre",
        "traffic-plan",
        "--as-of",
        "2026-04-12T10:00Z",
        "--json",
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["unanswered"] == [1, 2, 3, 4, 5]
    assert [v["number"] for v in plan["versions"]] == [1]
    status = run(
        shared_db, "initiative", "status", "city-centre", "--as-of", TRAFFIC_V1
    )
    assert status.exit_code == 0, status.output
    assert "phase: colleagues-join" in status.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("initiative", "status", "city-centre"),
        ("plan", "show", "city-centre", "traffic-plan"),
        ("decision", "show", "city-centre", "first-priority"),
    ],
    ids=["status", "plan", "decision"],
)
def test_a_view_as_of_a_moment_says_so_first_and_the_current_one_does_not(
    run: Run, shared_db: Path, args: tuple[str, ...]
) -> None:
    then = run(shared_db, *args, "--as-of", "2026-04-12T10:00Z")
    assert then.exit_code == 0, then.output
    assert then.stdout.splitlines()[0] == (
        "As it stood at 2026-04-12T10:00Z (from the events recorded by then):"
    )
    now = run(shared_db, *args)
    assert not now.stdout.startswith("As it stood")


def test_a_moment_written_to_the_minute_or_second_covers_all_of_it(
    tmp_path: Path, run: Run
) -> None:
    """What a person reads as 10:15 (or 10:15:42) includes an event recorded at
    10:15:42.5; a moment written with its fraction is exact."""
    engine = Samenspraak.open(tmp_path / "minute.db")
    try:
        with frozen_at(datetime(2026, 5, 4, 10, 15, 42, 500_000, tzinfo=UTC)):
            engine.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
            engine.start_initiative(
                {"actor": "f", "initiative": "park", "title": "Park", "area": "A",
                 "description": "D", "budget": "0", "level": "consulting"}
            )  # fmt: skip
        for covering in ("2026-05-04T10:15Z", "2026-05-04T10:15:42Z",
                         "2026-05-04T12:15:42+02:00", "2026-05-04T10:15:42.5Z"):  # fmt: skip
            assert engine.initiative_status("park", as_of=covering).initiative == "park"
            assert [e.event for e in engine.audit_log("park", until=covering)] == [
                "Started"
            ]
        for before in ("2026-05-04T10:14Z", "2026-05-04T10:15:41Z",
                       "2026-05-04T10:15:42.4Z"):  # fmt: skip
            with pytest.raises(NotFound, match="had not started yet"):
                engine.initiative_status("park", as_of=before)
            assert engine.audit_log("park", until=before) == []
        # A datetime is a moment, exact to the microsecond.
        with pytest.raises(NotFound, match="had not started yet"):
            engine.initiative_status(
                "park", as_of=datetime(2026, 5, 4, 10, 15, 42, tzinfo=UTC)
            )
    finally:
        engine.close()
    # The log shows the second, so that a time copied from it finds the event.
    shown = run(tmp_path / "minute.db", "audit", "log", "park")
    assert shown.stdout.splitlines()[2].split()[:3] == [
        "1", "2026-05-04T12:15:42+02:00", "park"
    ]  # fmt: skip
    copied = run(tmp_path / "minute.db", "initiative", "status", "park",
                 "--as-of", "2026-05-04T12:15:42+02:00")  # fmt: skip
    assert copied.exit_code == 0, copied.output


def test_a_moment_still_to_come_has_no_state_yet(app: Samenspraak) -> None:
    with frozen_at(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)):
        with pytest.raises(InvalidInput) as refused:
            app.initiative_status("city-centre", as_of="2030-01-01T00:00Z")
        assert str(refused.value) == (
            "as_of: 2030-01-01T00:00+00:00 is still to come; without it, the state "
            "now is shown."
        )
        with pytest.raises(InvalidInput, match="still to come"):
            app.participation_report("city-centre", as_of="2026-07-01T12:01Z")
        # The minute it is now is not to come.
        assert app.initiative_status("city-centre", as_of="2026-07-01T12:00Z")


def test_a_span_that_ends_before_it_begins_is_refused(app: Samenspraak) -> None:
    with pytest.raises(InvalidInput) as refused:
        app.audit_log(
            "city-centre", since="2026-06-01T00:00Z", until="2026-03-01T00:00Z"
        )
    assert str(refused.value) == (
        "since: it is later than the end of the period asked for, so nothing "
        "can be between them."
    )


def test_a_date_without_a_time_asks_for_the_time_and_its_timezone(
    app: Samenspraak,
) -> None:
    with pytest.raises(InvalidInput) as date_alone:
        app.initiative_status("city-centre", as_of="2026-03-01")
    with pytest.raises(InvalidInput) as no_zone:
        app.initiative_status("city-centre", as_of="2026-03-01T12:00")
    assert str(date_alone.value) == (
        "as_of: needs a time and its timezone, like 2026-04-09T19:30+02:00."
    )
    assert str(no_zone.value) == (
        "as_of: needs its timezone, like 2026-04-09T19:30+02:00."
    )
