"""``decision take --for REF [--given TIME]``: the facilitator records a position
given on a paper form or at a meeting; ``decision show`` marks it, in its table
and its JSON, also as of an earlier moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from samenspraak.application import Samenspraak
from samenspraak.domain import clock

START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
CC = "city-centre"
GIVEN = (START + timedelta(days=1)).isoformat()


@pytest.fixture
def put(tmp_path: Path) -> Path:
    """The bakery and a resident take part; the benches were put to them on
    12 January 2026, closing in 2099."""
    db = tmp_path / "samenspraak.db"
    app = Samenspraak.open(str(db))
    try:
        with clock.frozen_at(START):
            for ref in ("facilitator", "bakery", "resident"):
                app.register_stakeholder(
                    {"actor": ref, "stakeholder": ref, "name": f"The {ref}"}
                )
            app.start_initiative(
                {"actor": "facilitator", "initiative": CC, "title": "The centre",
                 "description": "Residents decide first.", "area": "The old town",
                 "budget": "0", "level": "co-deciding"}
            )  # fmt: skip
            for ref, kind in (("bakery", "entrepreneur"), ("resident", "resident")):
                app.join_initiative(
                    {"actor": ref, "initiative": CC, "stakeholder": ref, "kind": kind}
                )
            app.put_decision_point(
                {"actor": "facilitator", "initiative": CC, "decision": "benches",
                 "question": "Benches on the square?",
                 "options": [{"key": "yes", "label": "Yes"},
                             {"key": "no", "label": "No"}],
                 "eligible": ["resident", "entrepreneur"], "rule": "majority",
                 "closes_at": "2099-01-01T00:00+01:00"}
            )  # fmt: skip
    finally:
        app.close()
    return db


def test_the_facilitator_records_a_position_for_a_resident_and_show_marks_it(
    put: Path, ok, read_json
) -> None:
    said = ok(put, "decision", "take", CC, "benches", "yes", "--for", "resident",
              "--given", GIVEN, actor="facilitator")  # fmt: skip
    assert "Recorded the position of resident on benches: yes." in said.stderr
    ok(put, "decision", "take", CC, "benches", "no", actor="bakery")

    shown = ok(put, "decision", "show", CC, "benches").stdout
    assert "resident (recorded by facilitator)" in shown
    assert "bakery (recorded by" not in shown
    positions = {
        p["stakeholder"]: p for p in read_json(put, "decision", "show", CC, "benches")
        ["positions"]
    }  # fmt: skip
    assert positions["resident"]["recorded_by"] == "facilitator"
    assert datetime.fromisoformat(positions["resident"]["given_at"]) == START + (
        timedelta(days=1)
    )
    assert positions["bakery"]["recorded_by"] is None


def test_a_position_shown_as_of_before_it_was_recorded_is_not_there(
    put: Path, ok, read_json
) -> None:
    ok(put, "decision", "take", CC, "benches", "yes", "--for", "resident",
       actor="facilitator")  # fmt: skip
    then = read_json(put, "decision", "show", CC, "benches", "--as-of", GIVEN)
    assert then["positions"] == []


def test_a_position_given_in_the_future_is_refused_and_writes_nothing(
    put: Path, refused
) -> None:
    sentence = refused(put, "decision", "take", CC, "benches", "yes", "--for",
                       "resident", "--given", "2098-01-01T10:00+01:00",
                       actor="facilitator")  # fmt: skip
    assert sentence == (
        "A position is recorded once it was given; 2098-01-01T10:00+01:00 lies "
        "in the future."
    )


def test_the_bakery_cannot_record_the_residents_position(put: Path, refused) -> None:
    sentence = refused(put, "decision", "take", CC, "benches", "yes", "--for",
                       "resident", actor="bakery")  # fmt: skip
    assert sentence.startswith("A position is taken by the stakeholder themselves")
