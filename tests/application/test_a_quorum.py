"""A decision point put with a quorum: under a majority or a plurality, without
enough of those who may take part taking a position there is no decision, and
the report says whether the quorum was reached."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from samenspraak.application import InvalidInput, NotAllowed, Samenspraak
from samenspraak.application.report_render import render_html, render_markdown
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
