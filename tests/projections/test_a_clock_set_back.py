"""Time travel over a record whose times go backwards: a clock set back (by hand,
by ``set_clock``, or a second server whose clock runs behind) records an event
with an earlier time than the one logged before it. As of a moment between the
two, the state shown is a log prefix: nothing recorded after the moment, and
nothing that follows what is left out (a reaction to a version not shown yet)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from samenspraak.application import Samenspraak
from samenspraak.application.story import WINTER
from samenspraak.domain import clock

CC = "city-centre"
START = datetime(2026, 1, 12, 9, 0, tzinfo=WINTER)
DRAFTED = START + timedelta(hours=2)
"""The first draft: recorded by a clock that was right (11:00)."""
REACTED = START + timedelta(hours=1)
"""The reaction to it: recorded after it, by a clock an hour behind (10:00)."""
BETWEEN = "2026-01-12T10:30+01:00"


@pytest.fixture
def record(tmp_path: Path) -> Iterator[Samenspraak]:
    app = Samenspraak.open(str(tmp_path / "city.db"))
    with clock.frozen_at(START):
        for ref in ("facilitator", "bakery"):
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
        app.join_initiative(
            {
                "actor": "facilitator",
                "initiative": CC,
                "stakeholder": "bakery",
                "kind": "entrepreneur",
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
    with clock.frozen_at(DRAFTED):
        app.propose_draft(
            {
                "actor": "facilitator",
                "initiative": CC,
                "plan": "traffic",
                "text": "Draft.",
                "changes": "First.",
            }
        )
    with clock.frozen_at(REACTED):
        app.react_to_plan(
            {
                "actor": "bakery",
                "initiative": CC,
                "plan": "traffic",
                "version": 1,
                "stance": "support",
                "text": "Yes.",
            }
        )
    with clock.frozen_at(DRAFTED + timedelta(hours=1)):
        yield app
    app.close()


def test_as_of_a_moment_between_them_no_reaction_shows_to_a_version_not_there_yet(
    record: Samenspraak,
) -> None:
    plan = record.plan_details(CC, "traffic", as_of=BETWEEN)
    assert plan.versions == []
    assert plan.reactions == []
    status = record.initiative_status(CC, as_of=BETWEEN)
    assert [(p.plan, p.versions, p.reactions) for p in status.plans] == [
        ("traffic", 0, 0)
    ]


def test_the_report_as_of_such_a_moment_names_the_head_of_exactly_what_it_shows(
    record: Samenspraak,
) -> None:
    report = record.participation_report(CC, as_of=BETWEEN)
    created = record.audit_log(CC, event="Created", plan="traffic")[0]
    assert report.responses == []
    assert report.plans[0].versions == []
    assert report.built_from.initiative_head == (
        f"{created.position}:{created.initiative_chain_hash}"
    )
    assert report.built_from.global_head == f"{created.position}:{created.chain_hash}"


def test_after_both_the_draft_and_the_reaction_show(record: Samenspraak) -> None:
    plan = record.plan_details(CC, "traffic", as_of="2026-01-12T11:00+01:00")
    assert [v.number for v in plan.versions] == [1]
    assert [r.number for r in plan.reactions] == [1]
