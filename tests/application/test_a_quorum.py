"""A decision point put with a quorum: under a majority or a plurality, without
enough of those who may take part taking a position there is no decision, and
the report says whether the quorum was reached."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from samenspraak.application import InvalidInput, NotAllowed, Samenspraak
from samenspraak.application.report_render import render_html, render_markdown
from samenspraak.application.templates import TEMPLATES_VARIABLE
from samenspraak.domain import clock

START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
CC = "city-centre"
PEOPLE = {"bakery": "entrepreneur", "library": "institution", "resident": "resident"}


@pytest.fixture
def centre(small_centre: Callable[..., Samenspraak]) -> Samenspraak:
    """Three of society take part: the bakery, the library and a resident."""
    return small_centre(PEOPLE)


def put(app: Samenspraak, decision: str, **fields: object) -> None:
    with clock.frozen_at(START):
        app.put_decision_point(
            {"actor": "facilitator", "initiative": CC, "decision": decision,
             "question": "Benches on the square?",
             "options": [{"key": "yes", "label": "Yes"}, {"key": "no", "label": "No"}],
             "eligible": list(PEOPLE.values()), "rule": "majority",
             "closes_at": (START + timedelta(days=7)).isoformat(), **fields}
        )  # fmt: skip


def take(app: Samenspraak, decision: str, *who: str) -> None:
    with clock.frozen_at(START + timedelta(days=1)):
        for ref in who:
            app.take_position(
                {"actor": ref, "initiative": CC, "decision": decision, "option": "yes"}
            )


def test_one_of_three_does_not_reach_a_quorum_of_half_two_of_three_do(
    centre: Samenspraak,
) -> None:
    put(centre, "benches", quorum=50)
    put(centre, "trees", quorum="50")
    take(centre, "benches", "bakery")
    take(centre, "trees", "bakery", "library")
    with clock.frozen_at(START + timedelta(days=8)):
        closed = centre.tick()

    assert [(c.subject, c.outcome) for c in closed] == [
        ("benches", None),
        ("trees", "yes"),
    ]
    assert centre.decision_details(CC, "benches").quorum == 50
    report = centre.participation_report(CC)
    dutch = render_markdown(report, "nl")
    assert "quorum van 50% niet gehaald: geen besluit" in dutch
    assert "quorum van 50% gehaald" in dutch
    assert "quorum of 50% not reached: no decision" in render_html(report, "en")


def test_a_quorum_goes_with_a_majority_or_a_plurality_from_1_to_100(
    centre: Samenspraak,
) -> None:
    before = centre.stored_event_count()
    with pytest.raises(NotAllowed) as with_consent:
        put(centre, "proposal", rule="consent", options=[{"key": "go", "label": "Go"}],
            quorum=30)  # fmt: skip
    with pytest.raises(InvalidInput) as too_high:
        put(centre, "benches", quorum=101)
    with pytest.raises(InvalidInput) as not_a_number:
        put(centre, "benches", quorum="half")
    assert with_consent.value.rule == "a_quorum_goes_with_a_vote"
    assert str(too_high.value) == "quorum: must be at most 100."
    assert str(not_a_number.value).startswith("quorum: must be a whole number")
    assert centre.stored_event_count() == before


TWO_PHASES = """name = "twee"
version = "1"
description = "All vote, then residents alone."

[[phases]]
name = "all"
description = "Residents and entrepreneurs take positions."

[phases.permissions]
resident = ["join_initiative", "take_position"]
entrepreneur = ["join_initiative", "take_position"]
facilitator = ["join_initiative", "put_decision_point", "decide", "advance_phase"]

[[phases]]
name = "residents"
description = "Residents alone take positions."

[phases.permissions]
resident = ["take_position"]
facilitator = ["decide", "advance_phase"]
"""


def test_the_engine_and_the_report_count_the_same_people_after_a_phase_lets_fewer_vote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bakery takes a position in a phase that lets entrepreneurs; decided in
    a phase that lets only residents, its position still counts, so the bakery is
    one of those who could take part: one of four is 25%, short of a quorum of 30%,
    as the report says too."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "twee-1.toml").write_text(TWO_PHASES)
    monkeypatch.setenv(TEMPLATES_VARIABLE, str(folder))
    app = Samenspraak.open(tmp_path / "twee.db")
    people = {"bakery": "entrepreneur", "r1": "resident", "r2": "resident",
              "r3": "resident"}  # fmt: skip
    try:
        for who in ("f", *people):
            app.register_stakeholder({"actor": who, "stakeholder": who, "name": who})
        app.start_initiative(
            {"actor": "f", "initiative": "park", "title": "Park", "description": "D",
             "area": "A", "budget": "0", "level": "co-deciding",
             "template": "twee@1"}
        )  # fmt: skip
        for who, kind in people.items():
            app.join_initiative(
                {"actor": "f", "initiative": "park", "stakeholder": who, "kind": kind}
            )
        app.put_decision_point(
            {"actor": "f", "initiative": "park", "decision": "benches",
             "question": "Benches?", "options": [{"key": "yes", "label": "Yes"},
                                                 {"key": "no", "label": "No"}],
             "eligible": ["resident", "entrepreneur"], "rule": "majority",
             "quorum": 30}
        )  # fmt: skip
        app.take_position(
            {"actor": "bakery", "initiative": "park", "decision": "benches",
             "option": "yes"}
        )  # fmt: skip
        app.advance_phase({"actor": "f", "initiative": "park"})
        outcome = app.decide(
            {"actor": "f", "initiative": "park", "decision": "benches"}
        )
        report = app.participation_report("park")
    finally:
        app.close()
    [entry] = report.decisions
    assert (entry.positions, entry.could_take_part) == (1, 4)
    assert "quorum of 30% not reached: no decision" in render_markdown(report, "en")
    assert (outcome, entry.outcome) == (None, None)


def test_the_details_of_a_decided_point_say_whether_its_quorum_was_reached(
    centre: Samenspraak,
) -> None:
    put(centre, "benches", quorum=50)
    put(centre, "trees", quorum=50)
    put(centre, "lights", quorum=50)
    take(centre, "benches", "bakery")
    take(centre, "trees", "bakery", "library")
    with clock.frozen_at(START + timedelta(days=8)):
        centre.tick()
    details = {d: centre.decision_details(CC, d) for d in ("benches", "trees")}
    put(centre, "open", quorum=50)
    assert [d.quorum_reached for d in details.values()] == [False, True]
    assert centre.decision_details(CC, "open").quorum_reached is None
    assert centre.decision_details(CC, "benches", as_of=START).quorum_reached is None


def test_a_quorum_counts_who_took_part_at_the_closing_time_on_both_backends(
    url: str, tmp_path: Path
) -> None:
    """Of three who may take part, the bakery and the library take a position on
    both points (two of three would reach a quorum of 60%); the library leaves and
    joins again before the closing time, its position lapses, and it takes one
    again on the trees alone: one of three on the benches is short of the quorum,
    two of three on the trees reach it. Someone joining after the closing time,
    before it is ticked, is not counted. A point ended without a decision
    for want of its quorum allows no allocation; export, replay and a rebuild
    keep the quorum and the verdict."""
    app = Samenspraak.open(url)
    try:
        with clock.frozen_at(START):
            for ref in ("facilitator", *PEOPLE, "newcomer"):
                app.register_stakeholder(
                    {"actor": ref, "stakeholder": ref, "name": f"The {ref}"}
                )
            app.start_initiative(
                {"actor": "facilitator", "initiative": CC, "title": "The centre",
                 "description": "D", "area": "A", "budget": "1000",
                 "level": "co-deciding"}
            )  # fmt: skip
            for ref, kind in PEOPLE.items():
                app.join_initiative(
                    {"actor": ref, "initiative": CC, "stakeholder": ref, "kind": kind}
                )
        put(app, "benches", quorum=60)
        put(app, "trees", quorum=60)
        take(app, "benches", "bakery", "library")
        take(app, "trees", "bakery", "library")
        with clock.frozen_at(START + timedelta(days=2)):
            app.leave_initiative(
                {"actor": "library", "initiative": CC, "stakeholder": "library"}
            )
        with clock.frozen_at(START + timedelta(days=3)):
            app.join_initiative(
                {"actor": "library", "initiative": CC, "stakeholder": "library",
                 "kind": "institution"}
            )  # fmt: skip
            app.take_position(
                {"actor": "library", "initiative": CC, "decision": "trees",
                 "option": "yes"}
            )  # fmt: skip
        with clock.frozen_at(START + timedelta(days=7, hours=1)):
            app.join_initiative(
                {"actor": "newcomer", "initiative": CC, "stakeholder": "newcomer",
                 "kind": "resident"}
            )  # fmt: skip
        with clock.frozen_at(START + timedelta(days=8)):
            closed = {c.subject: c.outcome for c in app.tick()}
            with pytest.raises(NotAllowed) as refused:
                app.allocate_budget(
                    {"actor": "facilitator", "initiative": CC, "amount": "100",
                     "purpose": "Benches", "decision": "benches"}
                )  # fmt: skip
            report = app.participation_report(CC)
            seen = [app.decision_details(CC, d) for d in ("benches", "trees")]
            exported = app.export_initiative(CC, tmp_path / "cc.zip")
            app.rebuild_projections()
            assert app.verify_projections().intact
            assert [app.decision_details(CC, d) for d in ("benches", "trees")] == seen
    finally:
        app.close()
    assert closed == {"benches": None, "trees": "yes"}
    assert refused.value.rule == "an_allocation_follows_from_a_decision"
    assert [(d.positions, d.could_take_part) for d in report.decisions] == [
        (1, 3),
        (2, 3),
    ]
    assert [d.quorum_reached for d in seen] == [False, True]
    replayed = Samenspraak.replay(
        tmp_path / "cc.zip", str(tmp_path / "copy.db"), head=exported.head
    )
    assert replayed.head.partition(":")[2] == exported.head.partition(":")[2]
    there = Samenspraak.open(str(tmp_path / "copy.db"), create=False)
    try:
        assert [there.decision_details(CC, d) for d in ("benches", "trees")] == seen
    finally:
        there.close()


SILENT_AFTER = """name = "stil"
version = "1"
description = "Residents vote, then no one does."

[[phases]]
name = "vote"
description = "Residents take positions."

[phases.permissions]
resident = ["join_initiative", "take_position"]
facilitator = ["join_initiative", "put_decision_point", "decide", "advance_phase"]

[[phases]]
name = "after"
description = "No one takes positions."

[phases.permissions]
facilitator = ["decide", "advance_phase"]
"""


def test_moving_on_to_a_phase_where_no_one_votes_does_not_reach_the_quorum(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One of three residents took a position; decided after the initiative moved
    on to a phase where no one takes positions, those who could take part are
    still the three the phase it was put in let take positions: one of three
    does not reach a quorum of half, in the engine as in the report."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "stil-1.toml").write_text(SILENT_AFTER)
    monkeypatch.setenv(TEMPLATES_VARIABLE, str(folder))
    app = Samenspraak.open(tmp_path / "stil.db")
    try:
        for who in ("f", "r1", "r2", "r3"):
            app.register_stakeholder({"actor": who, "stakeholder": who, "name": who})
        app.start_initiative(
            {"actor": "f", "initiative": "park", "title": "Park", "description": "D",
             "area": "A", "budget": "0", "level": "co-deciding",
             "template": "stil@1"}
        )  # fmt: skip
        for who in ("r1", "r2", "r3"):
            app.join_initiative(
                {"actor": "f", "initiative": "park", "stakeholder": who,
                 "kind": "resident"}
            )  # fmt: skip
        app.put_decision_point(
            {"actor": "f", "initiative": "park", "decision": "benches",
             "question": "Benches?", "options": [{"key": "yes", "label": "Yes"},
                                                 {"key": "no", "label": "No"}],
             "eligible": ["resident"], "rule": "majority", "quorum": 50}
        )  # fmt: skip
        app.take_position(
            {"actor": "r1", "initiative": "park", "decision": "benches",
             "option": "yes"}
        )  # fmt: skip
        app.advance_phase({"actor": "f", "initiative": "park"})
        outcome = app.decide(
            {"actor": "f", "initiative": "park", "decision": "benches"}
        )
        report = app.participation_report("park")
    finally:
        app.close()
    [entry] = report.decisions
    assert (outcome, entry.outcome) == (None, None)
    assert (entry.positions, entry.could_take_part) == (1, 3)
    assert "quorum of 50% not reached: no decision" in render_markdown(report, "en")


SILENT_AFTER_WITHOUT_THE_VOTE = """name = "stil"
version = "2"
description = "No one takes positions any more."

[[phases]]
name = "after"
description = "No one takes positions."

[phases.permissions]
facilitator = ["decide", "advance_phase"]
"""

SILENT_AFTER_WITHOUT_RESIDENTS_VOTING = SILENT_AFTER.replace(
    'version = "1"', 'version = "2"'
).replace(
    'resident = ["join_initiative", "take_position"]', 'resident = ["join_initiative"]'
)


def three_residents_on_stil(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version_2: str
) -> Samenspraak:
    """Three residents take part in a park initiative on stil version 1, with
    ``version_2`` installed beside it; the clock starts at START."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "stil-1.toml").write_text(SILENT_AFTER)
    (folder / "stil-2.toml").write_text(version_2)
    monkeypatch.setenv(TEMPLATES_VARIABLE, str(folder))
    app = Samenspraak.open(tmp_path / "stil.db")
    with clock.frozen_at(START):
        for who in ("f", "r1", "r2", "r3"):
            app.register_stakeholder({"actor": who, "stakeholder": who, "name": who})
        app.start_initiative(
            {"actor": "f", "initiative": "park", "title": "Park", "description": "D",
             "area": "A", "budget": "0", "level": "co-deciding",
             "template": "stil@1"}
        )  # fmt: skip
        for who in ("r1", "r2", "r3"):
            app.join_initiative(
                {"actor": "f", "initiative": "park", "stakeholder": who,
                 "kind": "resident"}
            )  # fmt: skip
        app.put_decision_point(
            {"actor": "f", "initiative": "park", "decision": "benches",
             "question": "Benches?", "options": [{"key": "yes", "label": "Yes"},
                                                 {"key": "no", "label": "No"}],
             "eligible": ["resident"], "rule": "majority", "quorum": 50}
        )  # fmt: skip
    with clock.frozen_at(START + timedelta(days=1)):
        app.take_position(
            {"actor": "r1", "initiative": "park", "decision": "benches",
             "option": "yes"}
        )  # fmt: skip
    with clock.frozen_at(START + timedelta(days=2)):
        app.advance_phase({"actor": "f", "initiative": "park"})
    return app


@pytest.mark.parametrize(
    "version_2",
    [SILENT_AFTER_WITHOUT_THE_VOTE, SILENT_AFTER_WITHOUT_RESIDENTS_VOTING],
    ids=["without-the-vote-phase", "where-residents-no-longer-vote"],
)
def test_a_migration_after_the_decision_does_not_change_who_could_take_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version_2: str
) -> None:
    """One of three residents took a position, put in the vote phase and decided
    after the initiative moved on: one of three does not reach a quorum of half.
    Then the initiative migrates to a version whose vote phase is gone, or no
    longer lets residents take positions. The report and the details still count
    three who could take part, as the template in force then did, also as of a
    moment after the migration."""
    app = three_residents_on_stil(tmp_path, monkeypatch, version_2)
    try:
        with clock.frozen_at(START + timedelta(days=3)):
            outcome = app.decide(
                {"actor": "f", "initiative": "park", "decision": "benches"}
            )
        before = app.participation_report("park")
        with clock.frozen_at(START + timedelta(days=4)):
            app.migrate_template(
                {"actor": "f", "initiative": "park", "template": "stil@2"}
            )
        with clock.frozen_at(START + timedelta(days=5)):
            after = app.participation_report("park")
            as_of = app.participation_report("park", as_of=START + timedelta(days=4))
            details = app.decision_details("park", "benches")
            details_as_of = app.decision_details(
                "park", "benches", as_of=START + timedelta(days=4)
            )
    finally:
        app.close()
    assert outcome is None
    assert [
        (d.positions, d.could_take_part)
        for r in (before, after, as_of)
        for d in r.decisions
    ] == [(1, 3)] * 3
    assert after.process.version == "2"
    assert "quorum of 50% not reached: no decision" in render_markdown(after, "en")
    assert (details.quorum_reached, details_as_of.quorum_reached) == (False, False)


def test_a_migration_that_drops_the_phase_a_point_was_put_in_makes_no_quorum_easier(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Put in the vote phase, where three residents may take positions; one
    does. The initiative moves on to a phase where no one takes positions, and
    migrates to a version without the vote phase before the point is decided.
    Those who could take part are still the three the vote phase let take
    positions when it was put: one of three does not reach a quorum of half, in
    the engine as in the report."""
    app = three_residents_on_stil(tmp_path, monkeypatch, SILENT_AFTER_WITHOUT_THE_VOTE)
    try:
        with clock.frozen_at(START + timedelta(days=3)):
            app.migrate_template(
                {"actor": "f", "initiative": "park", "template": "stil@2"}
            )
        with clock.frozen_at(START + timedelta(days=4)):
            outcome = app.decide(
                {"actor": "f", "initiative": "park", "decision": "benches"}
            )
            report = app.participation_report("park")
            details = app.decision_details("park", "benches")
    finally:
        app.close()
    [entry] = report.decisions
    assert (outcome, entry.outcome) == (None, None)
    assert (entry.positions, entry.could_take_part) == (1, 3)
    assert details.quorum_reached is False


def test_the_report_counts_the_phase_a_point_was_put_in_also_when_it_moved_on_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Put in the phase where residents and entrepreneurs take positions, at the
    same moment the initiative moves on to one where residents alone do (as a
    story recorded step by step at given moments may have it). The bakery and a
    resident take positions; the florist, an entrepreneur too, takes none. Those
    who could take part are the three the phase the point was put in let: two of
    three fall short of a quorum of 70%, in the engine as in the report, which
    reads that phase from the point, not from the moment."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "twee-1.toml").write_text(TWO_PHASES)
    monkeypatch.setenv(TEMPLATES_VARIABLE, str(folder))
    app = Samenspraak.open(tmp_path / "twee.db")
    people = {"bakery": "entrepreneur", "florist": "entrepreneur", "r1": "resident"}
    try:
        with clock.frozen_at(START):
            for who in ("f", *people):
                app.register_stakeholder(
                    {"actor": who, "stakeholder": who, "name": who}
                )
            app.start_initiative(
                {"actor": "f", "initiative": "park", "title": "Park",
                 "description": "D", "area": "A", "budget": "0",
                 "level": "co-deciding", "template": "twee@1"}
            )  # fmt: skip
            for who, kind in people.items():
                app.join_initiative(
                    {"actor": "f", "initiative": "park", "stakeholder": who,
                     "kind": kind}
                )  # fmt: skip
            app.put_decision_point(
                {"actor": "f", "initiative": "park", "decision": "benches",
                 "question": "Benches?", "options": [{"key": "yes", "label": "Yes"},
                                                     {"key": "no", "label": "No"}],
                 "eligible": ["resident", "entrepreneur"], "rule": "majority",
                 "quorum": 70}
            )  # fmt: skip
            for who in ("bakery", "r1"):
                app.take_position(
                    {"actor": who, "initiative": "park", "decision": "benches",
                     "option": "yes"}
                )  # fmt: skip
            app.advance_phase({"actor": "f", "initiative": "park"})
        with clock.frozen_at(START + timedelta(days=1)):
            outcome = app.decide(
                {"actor": "f", "initiative": "park", "decision": "benches"}
            )
            report = app.participation_report("park")
            details = app.decision_details("park", "benches")
    finally:
        app.close()
    [entry] = report.decisions
    assert (outcome, entry.outcome) == (None, None)
    assert (entry.positions, entry.could_take_part) == (2, 3)
    assert details.quorum_reached is False
