"""A version of a plan names the changes made of the authority's own accord
(*ambtshalve*), apart from those that answer reactions; the report lists them
separately, as a reactienota lists its ambtshalve wijzigingen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from samenspraak.application import InvalidInput, Samenspraak
from samenspraak.application.report_render import render_html, render_markdown
from samenspraak.domain import clock

START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
CC = "city-centre"


@pytest.fixture
def centre(small_centre: Callable[..., Samenspraak]) -> Samenspraak:
    """The city centre with a working group for traffic."""
    return small_centre()


def test_changes_of_the_authoritys_own_accord_are_listed_apart_in_the_report(
    centre: Samenspraak,
) -> None:
    """Version 2 of the traffic plan answers reactions and also moves the bus
    stop, which no one asked for: the report lists that change apart, as a
    reactienota lists its ambtshalve wijzigingen."""
    with clock.frozen_at(START + timedelta(days=1)):
        centre.create_plan(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "title": "Traffic plan", "group": "traffic"}
        )  # fmt: skip
        for n, own in ((1, None), (2, "The bus stop moves to the market.")):
            centre.propose_draft(
                {"actor": "facilitator", "initiative": CC, "plan": "traffic",
                 "text": f"Draft {n}.", "changes": f"Changes {n}.",
                 "own_initiative": own}
            )  # fmt: skip
    with pytest.raises(InvalidInput) as empty:
        centre.propose_draft(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "text": "Draft 3.", "changes": "Changes 3.", "own_initiative": ""}
        )  # fmt: skip

    details = centre.plan_details(CC, "traffic")
    assert [v.own_initiative for v in details.versions] == [
        None,
        "The bus stop moves to the market.",
    ]
    report = centre.participation_report(CC)
    assert (
        "Ambtshalve (op eigen initiatief, niet op een reactie) gewijzigd in versie 2: "
        "The bus stop moves to the market."
    ) in render_markdown(report, "nl")
    assert (
        "<p>Changed of the authority&#x27;s own accord (not in answer to a reaction) "
        "in version 2: The bus stop moves to the market.</p>"
    ) in render_html(report, "en")
    assert str(empty.value) == "own_initiative: must not be empty."
    assert centre.verify_audit().intact
