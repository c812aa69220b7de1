"""A command is judged on what it read: the initiative, the plan or decision point,
and, for some, what the process state says about the initiative's plans and
decision points. When another writer records something that changes what it read
before it saves, it runs again and is judged on what is there now: nothing is
recorded as if it had been given a moment earlier."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from samenspraak.application import InvalidInput, NotAllowed, Samenspraak

SHA = "ab" * 32

BeforeSaving = Callable[[Callable[[], object]], list[bool]]


@pytest.fixture
def app(url: str) -> Iterator[Samenspraak]:
    engine = Samenspraak.open(url)
    yield engine
    engine.close()


@pytest.fixture
def other(app: Samenspraak, url: str) -> Iterator[Samenspraak]:
    """Another process with the same record open."""
    engine = Samenspraak.open(url, create=False)
    yield engine
    engine.close()


def _park(app: Samenspraak, template: str = "overheidsparticipatie@1") -> None:
    """The park: a facilitator, a resident, a working group's plan with a first
    draft, open to reactions."""
    app.register_stakeholder({"actor": "fac", "stakeholder": "fac", "name": "F"})
    app.start_initiative(
        {"actor": "fac", "initiative": "park", "title": "The park",
         "description": "What the park needs.", "area": "The park", "budget": "0",
         "level": "co-deciding", "template": template}
    )  # fmt: skip
    app.register_stakeholder(
        {"actor": "fac", "stakeholder": "resident", "name": "The resident"}
    )
    app.join_initiative(
        {
            "actor": "fac",
            "initiative": "park",
            "stakeholder": "resident",
            "kind": "resident",
        }
    )
    app.form_group(
        {"actor": "fac", "initiative": "park", "group": "team", "kind": "working",
         "name": "Team", "mandate": "The plan."}
    )  # fmt: skip
    app.create_plan(
        {"actor": "fac", "initiative": "park", "plan": "paths", "title": "Paths",
         "group": "team"}
    )  # fmt: skip
    app.propose_draft(
        {"actor": "fac", "initiative": "park", "plan": "paths", "text": "v1",
         "changes": "First."}
    )  # fmt: skip


def _resident_reacts(app: Samenspraak) -> int:
    return app.react_to_plan(
        {"actor": "resident", "initiative": "park", "plan": "paths", "version": 1,
         "stance": "concern", "text": "Too few benches."}
    )  # fmt: skip


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _events(app: Samenspraak) -> list[str]:
    return [e.event for e in app.audit_log("park")]


def test_a_reaction_judged_while_the_initiative_closes_is_refused_as_after_the_close(
    app: Samenspraak,
    other: Samenspraak,
    monkeypatch: pytest.MonkeyPatch,
    just_before_saving: BeforeSaving,
) -> None:
    _park(app)
    ran = just_before_saving(
        lambda: other.close_initiative(
            {"actor": "fac", "initiative": "park", "outcome": "Done."}
        ),
    )
    with pytest.raises(NotAllowed) as refused:
        _resident_reacts(app)
    monkeypatch.undo()
    assert ran == [True]
    assert refused.value.rule == "a_closed_initiative_takes_no_commands"
    assert _events(app)[-1] == "Closed"
    assert "ReactionAdded" not in _events(app)


def test_a_stakeholder_who_left_while_their_reaction_ran_is_not_recorded_reacting(
    app: Samenspraak,
    other: Samenspraak,
    monkeypatch: pytest.MonkeyPatch,
    just_before_saving: BeforeSaving,
) -> None:
    _park(app)
    just_before_saving(
        lambda: other.leave_initiative(
            {"actor": "resident", "initiative": "park", "stakeholder": "resident"}
        ),
    )
    with pytest.raises(NotAllowed) as refused:
        _resident_reacts(app)
    monkeypatch.undo()
    assert refused.value.rule == "only_joined_stakeholders_act"
    assert "ReactionAdded" not in _events(app)


def test_a_reaction_given_while_the_phase_was_advanced_keeps_it_from_advancing(
    app: Samenspraak,
    other: Samenspraak,
    monkeypatch: pytest.MonkeyPatch,
    just_before_saving: BeforeSaving,
) -> None:
    """The society-decides phase is left only when every reaction is answered. The
    facilitator's advance read that none was open; the resident's reaction came
    before the advance was saved. It runs again, sees the reaction, and is refused."""
    _park(app, "overheidsparticipatie@2")
    ran = just_before_saving(lambda: _resident_reacts(other))
    with pytest.raises(NotAllowed) as refused:
        app.advance_phase({"actor": "fac", "initiative": "park"})
    monkeypatch.undo()
    assert ran == [True]
    assert refused.value.rule == "a_phase_is_left_when_its_guards_hold"
    assert app.initiative_status("park").phase == "society-decides"


def test_a_decision_point_put_while_the_phase_was_advanced_keeps_it_from_advancing(
    app: Samenspraak,
    other: Samenspraak,
    monkeypatch: pytest.MonkeyPatch,
    just_before_saving: BeforeSaving,
) -> None:
    """The phase is left only when no decision point is open: one put while the
    advance read the initiative's decision points (there were none) counts too."""
    _park(app, "overheidsparticipatie@2")

    def put_a_decision_point() -> None:
        other.put_decision_point(
            {"actor": "fac", "initiative": "park", "decision": "first",
             "question": "What first?", "eligible": ["resident"], "rule": "plurality",
             "options": [{"key": "a", "label": "Trees"}, {"key": "b", "label": "Benches"}]}
        )  # fmt: skip

    ran = just_before_saving(put_a_decision_point)
    with pytest.raises(NotAllowed) as refused:
        app.advance_phase({"actor": "fac", "initiative": "park"})
    monkeypatch.undo()
    assert ran == [True]
    assert refused.value.rule == "a_phase_is_left_when_its_guards_hold"
    assert app.initiative_status("park").phase == "society-decides"


def test_closing_early_counts_a_reaction_given_while_it_read_the_plans(
    app: Samenspraak,
    other: Samenspraak,
    monkeypatch: pytest.MonkeyPatch,
    just_before_saving: BeforeSaving,
) -> None:
    _park(app)
    just_before_saving(lambda: _resident_reacts(other))
    closing = app.close_initiative(
        {"actor": "fac", "initiative": "park", "outcome": "Stopped."}
    )
    monkeypatch.undo()
    assert closing.unanswered == 1
    assert _events(app)[-2:] == ["ReactionAdded", "Closed"]


def test_the_council_is_given_the_head_as_it_stood_when_it_was_informed(
    app: Samenspraak,
    other: Samenspraak,
    monkeypatch: pytest.MonkeyPatch,
    just_before_saving: BeforeSaving,
) -> None:
    """A reaction recorded while the informing read the head comes before the
    informing in the record, so the head it gives the council includes it."""
    _park(app)
    just_before_saving(lambda: _resident_reacts(other))
    app.inform_council(
        {"actor": "fac", "initiative": "park", "document_title": "The plan",
         "document_sha256": SHA, "session": "formal",
         "informed_at": _now()}
    )  # fmt: skip
    monkeypatch.undo()
    *_, reaction, informing = app.audit_log("park")
    assert (reaction.event, informing.event) == (
        "ReactionAdded",
        "CouncilInformed",
    )
    [told] = app.initiative_status("park").council
    assert told.audit_head == f"{reaction.position}:{reaction.initiative_chain_hash}"


def _tries_of(monkeypatch: pytest.MonkeyPatch, method: str) -> list[int]:
    """Counts how often the engine calls one of its methods: once per try of a
    command that calls it once."""
    original = getattr(Samenspraak, method)
    calls: list[int] = []

    def counted(self: Samenspraak, *args: Any) -> Any:
        calls.append(1)
        return original(self, *args)

    monkeypatch.setattr(Samenspraak, method, counted)
    return calls


def test_a_reaction_saved_while_someone_else_joins_is_saved_at_its_first_try(
    app: Samenspraak,
    other: Samenspraak,
    monkeypatch: pytest.MonkeyPatch,
    just_before_saving: BeforeSaving,
) -> None:
    """Someone joining, a meeting recorded, the council informed: what only adds
    to an initiative cannot make a reaction judged a moment before wrong, so it
    does not make the reaction run again (on a busy evening, many join while
    others react)."""
    _park(app)
    other.register_stakeholder(
        {"actor": "fac", "stakeholder": "neighbour", "name": "The neighbour"}
    )

    def others_add() -> None:
        other.join_initiative({"actor": "fac", "initiative": "park",
                               "stakeholder": "neighbour", "kind": "resident"})  # fmt: skip
        other.hold_meeting({"actor": "fac", "initiative": "park", "starts_at": _now(),
                            "kind": "residents-meeting", "place": "The park",
                            "attendance": 12, "summary": "A walk."})  # fmt: skip

    ran = just_before_saving(others_add)
    tries = _tries_of(monkeypatch, "_plan")
    _resident_reacts(app)
    monkeypatch.undo()
    assert ran == [True]
    assert tries == [1]
    assert _events(app)[-3:] == ["StakeholderJoined", "MeetingHeld", "ReactionAdded"]


def test_a_decision_taken_while_someone_joins_runs_again_and_counts_them(
    app: Samenspraak,
    other: Samenspraak,
    monkeypatch: pytest.MonkeyPatch,
    just_before_saving: BeforeSaving,
) -> None:
    """Who takes part decides a decision point's outcome (a consensus needs every
    eligible participant), so taking a decision depends on every change of the
    initiative, joins included: the neighbour joined before the decision was saved,
    and the consensus that the resident alone would have made is not reached."""
    _park(app)
    app.put_decision_point(
        {"actor": "fac", "initiative": "park", "decision": "first",
         "question": "What first?", "eligible": ["resident"], "rule": "consensus",
         "options": [{"key": "a", "label": "Trees"}, {"key": "b", "label": "Benches"}]}
    )  # fmt: skip
    app.take_position(
        {"actor": "resident", "initiative": "park", "decision": "first", "option": "a"}
    )
    other.register_stakeholder(
        {"actor": "fac", "stakeholder": "neighbour", "name": "The neighbour"}
    )

    def neighbour_joins() -> None:
        other.join_initiative({"actor": "fac", "initiative": "park",
                               "stakeholder": "neighbour", "kind": "resident"})  # fmt: skip

    just_before_saving(neighbour_joins)
    tries = _tries_of(monkeypatch, "_decision")
    outcome = app.decide({"actor": "fac", "initiative": "park", "decision": "first"})
    monkeypatch.undo()
    assert tries == [1, 1]
    assert outcome is None
    assert _events(app)[-2:] == ["StakeholderJoined", "Decided"]


def test_an_engine_whose_cache_is_not_fast_forwarded_sees_what_others_recorded(
    app: Samenspraak, url: str, other: Samenspraak
) -> None:
    """With the library's aggregate cache on and not fast-forwarded, an engine
    keeps the initiative as it last read it. When another process closed it since,
    the engine's reaction finds the initiative changed when it saves, reads it
    again from the record, and is refused: not judged on its own old copy, and
    not refused eight times over as a collision."""
    _park(app)
    cached = Samenspraak.open(
        url,
        create=False,
        settings={"AGGREGATE_CACHE_MAXSIZE": "16", "AGGREGATE_CACHE_FASTFORWARD": "n"},
    )
    try:
        assert _resident_reacts(cached) == 1  # the initiative and plan are cached now
        other.react_to_plan(
            {"actor": "fac", "initiative": "park", "plan": "paths", "version": 1,
             "stance": "support", "text": "Fine."}
        )  # fmt: skip
        assert _resident_reacts(cached) == 3  # the plan read again after the collision
        other.close_initiative(
            {"actor": "fac", "initiative": "park", "outcome": "Done."}
        )
        with pytest.raises(NotAllowed) as refused:
            _resident_reacts(cached)
        assert refused.value.rule == "a_closed_initiative_takes_no_commands"
    finally:
        cached.close()


def test_aggregates_handed_out_from_the_cache_must_be_copies(url: str) -> None:
    """A command changes the aggregates it reads; one refused or run again would
    leave its unsaved changes in the cache, and the next would build on them."""
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.open(
            url,
            settings={
                "AGGREGATE_CACHE_MAXSIZE": "16",
                "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
            },
        )
    assert str(refused.value) == (
        "settings: DEEPCOPY_FROM_AGGREGATE_CACHE must stay on (y): a command changes "
        "the aggregates it reads, and one that is refused or runs again would "
        "leave its unsaved changes in the cache for the next."
    )
