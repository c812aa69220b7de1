"""What the facilitator does in their own role (independent, present on request,
naming the general interest) is recorded as events too: their interventions, with
who asked for them, in the status, the audit trail and the participation report."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from samenspraak.application import InvalidInput, NotAllowed, NotFound, Samenspraak
from samenspraak.application.report_render import render_html, render_markdown
from samenspraak.application.report_timeline import WIDE, Timeline, axis_of, legend
from samenspraak.application.report_words import words
from samenspraak.domain import clock

START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
CC = "city-centre"


@pytest.fixture
def centre(small_centre: Callable[..., Samenspraak]) -> Samenspraak:
    """The city centre with the bakery and a working group for traffic."""
    return small_centre({"bakery": "entrepreneur"})


def intervene(app: Samenspraak, **fields: object) -> int:
    return app.record_intervention(
        {"actor": "facilitator", "initiative": CC, **fields}  # type: ignore[dict-item]
    )


def test_the_facilitator_names_the_general_interest_and_helps_on_request(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=3)):
        first = intervene(
            centre,
            kind="general-interest",
            note="The square must stay reachable for the market.",
            intervened_at="2026-01-14T20:00+01:00",
        )
        second = intervene(
            centre,
            kind="on-request",
            note="Explained how the traffic department decides.",
            intervened_at="2026-01-13T19:30+01:00",
            group="traffic",
        )
        third = intervene(
            centre,
            kind="on-request",
            note="Met the bakery about deliveries.",
            intervened_at="2026-01-15T10:00+01:00",
            requested_by="bakery",
        )

    assert (first, second, third) == (1, 2, 3)
    status = centre.initiative_status(CC)
    assert [
        (i.number, i.kind, i.requested_by, i.group, i.note)
        for i in status.interventions
    ] == [
        (1, "general-interest", None, None, "The square must stay reachable for the market."),
        (2, "on-request", None, "traffic", "Explained how the traffic department decides."),
        (3, "on-request", "bakery", None, "Met the bakery about deliveries."),
    ]  # fmt: skip
    assert [
        (e.event, e.actor, e.summary)
        for e in centre.audit_log(CC, event="FacilitatorIntervened")
    ] == [
        ("FacilitatorIntervened", "facilitator",
         "Intervention 1 of the facilitator: general-interest"),
        ("FacilitatorIntervened", "facilitator",
         "Intervention 2 of the facilitator: on-request, asked for by group traffic"),
        ("FacilitatorIntervened", "facilitator",
         "Intervention 3 of the facilitator: on-request, asked for by a stakeholder"),
    ]  # fmt: skip
    assert centre.verify_audit().intact


def test_the_report_says_what_the_facilitator_did_in_the_order_it_happened(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=3)):
        intervene(centre, kind="general-interest", note="The market stays.",
                  intervened_at="2026-01-14T20:00+01:00")  # fmt: skip
        intervene(centre, kind="on-request", note="Explained the department.",
                  intervened_at="2026-01-13T19:30+01:00", group="traffic")  # fmt: skip

    report = centre.participation_report(CC)
    assert [i.number for i in report.interventions] == [2, 1]
    dutch = render_markdown(report, "nl")
    assert "## Wat de procesbegeleider deed" in dutch
    assert (
        "| 2 | 13 jan 2026, 19:30 | Op verzoek aanwezig of geholpen | groep traffic "
        "| Explained the department. |"
    ) in dutch
    assert "| 1 | 14 jan 2026, 20:00 | Benoemde het algemeen belang | - |" in dutch
    english = render_html(report, "en")
    assert '<section id="interventions"><h2>What the facilitator did</h2>' in english
    assert "Named the general interest" in english
    assert json.loads(report.model_dump_json())["interventions"][0]["group"] == (
        "traffic"
    )


def test_a_report_without_interventions_has_no_such_section(
    centre: Samenspraak,
) -> None:
    report = centre.participation_report(CC)
    assert report.interventions == []
    assert "Wat de procesbegeleider deed" not in render_markdown(report, "nl")
    assert 'id="interventions"' not in render_html(report, "en")


def test_as_of_before_an_intervention_it_is_not_there_yet(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=3)):
        intervene(centre, kind="mediation", note="Helped them agree.",
                  intervened_at="2026-01-15T10:00+01:00")  # fmt: skip
    assert (
        centre.initiative_status(CC, as_of=START + timedelta(days=1)).interventions
        == []
    )
    assert len(centre.initiative_status(CC).interventions) == 1


def test_an_intervention_that_is_refused_records_nothing(centre: Samenspraak) -> None:
    before = centre.stored_event_count()
    with pytest.raises(NotAllowed) as by_the_bakery:
        centre.record_intervention(
            {"actor": "bakery", "initiative": CC, "kind": "mediation",
             "note": "I mediated.", "intervened_at": START.isoformat()}
        )  # fmt: skip
    with pytest.raises(NotAllowed) as without_who_asked:
        intervene(centre, kind="on-request", note="Came along.",
                  intervened_at=START.isoformat())  # fmt: skip
    with pytest.raises(NotAllowed) as from_outside:
        intervene(centre, kind="on-request", note="Came along.",
                  intervened_at=START.isoformat(), group="cycling")  # fmt: skip
    with pytest.raises(NotFound) as unknown:
        intervene(centre, kind="on-request", note="Came along.",
                  intervened_at=START.isoformat(), requested_by="nobody")  # fmt: skip
    with pytest.raises(InvalidInput) as kind:
        intervene(centre, kind="advice", note="x", intervened_at=START.isoformat())
    with pytest.raises(NotAllowed) as future:
        intervene(centre, kind="connection", note="x",
                  intervened_at=(clock.now() + timedelta(days=1)).isoformat())  # fmt: skip
    assert by_the_bakery.value.rule == "only_the_facilitator_shapes_the_initiative"
    assert without_who_asked.value.rule == "an_intervention_on_request_names_who_asked"
    assert str(from_outside.value) == (
        "The group cycling is not a group or a stakeholder of city-centre; an "
        "intervention is asked for by those who take part."
    )
    assert str(unknown.value) == "No stakeholder is registered as nobody."
    assert str(kind.value).startswith("kind: ")
    assert future.value.rule == "an_intervention_is_recorded_once_made"
    assert centre.stored_event_count() == before


def test_the_stakeholder_who_asked_shows_as_erased_once_their_data_is_erased(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=3)):
        intervene(centre, kind="on-request", note="Met about deliveries.",
                  intervened_at=START.isoformat(), requested_by="bakery")  # fmt: skip
    centre.leave_initiative(
        {"actor": "bakery", "initiative": CC, "stakeholder": "bakery"}
    )
    centre.erase_stakeholder({"actor": "bakery", "stakeholder": "bakery"})
    [asked] = centre.initiative_status(CC).interventions
    assert asked.requested_by is not None
    assert asked.requested_by.startswith("erased-")
    assert asked.note == "Met about deliveries."  # the facilitator's own record
    assert centre.verify_audit().intact


def test_an_exported_record_replays_with_the_interventions(
    centre: Samenspraak, tmp_path: Path
) -> None:
    with clock.frozen_at(START + timedelta(days=3)):
        intervene(centre, kind="connection", note="Introduced the bakery to the "
                  "traffic department.", intervened_at=START.isoformat())  # fmt: skip
    bundle = tmp_path / "centre.zip"
    exported = centre.export_initiative(CC, bundle)
    replayed = Samenspraak.replay(bundle, tmp_path / "copy.db")
    assert replayed.head == exported.head
    with Samenspraak.open(tmp_path / "copy.db", create=False) as copy:
        assert copy.initiative_status(CC).interventions == (
            centre.initiative_status(CC).interventions
        )


def test_an_erased_stakeholder_is_not_named_afterwards_as_the_one_who_asked(
    centre: Samenspraak,
) -> None:
    centre.erase_stakeholder({"actor": "facilitator", "stakeholder": "bakery"})
    [erased] = [
        s.ref
        for s in centre.initiative_status(CC).stakeholders
        if s.ref != "facilitator"
    ]
    before = centre.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        intervene(centre, kind="on-request", note="Met about deliveries.",
                  intervened_at=START.isoformat(), requested_by=erased)  # fmt: skip
    assert refused.value.rule == "an_erased_stakeholder_takes_no_further_part"
    assert str(refused.value) == (
        f"{erased} was erased; an erased stakeholder takes no further part."
    )
    assert centre.stored_event_count() == before


def test_the_audit_log_says_which_stakeholder_asked_for_an_intervention(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=3)):
        intervene(centre, kind="on-request", note="Met about deliveries.",
                  intervened_at=START.isoformat(), requested_by="bakery")  # fmt: skip
        intervene(centre, kind="on-request", note="Explained the department.",
                  intervened_at=START.isoformat(), group="traffic")  # fmt: skip
    assert [
        e.stakeholder for e in centre.audit_log(CC, event="FacilitatorIntervened")
    ] == ["bakery", None]
    centre.erase_stakeholder({"actor": "facilitator", "stakeholder": "bakery"})
    [asked, _] = centre.audit_log(CC, event="FacilitatorIntervened")
    assert asked.stakeholder is not None
    assert asked.stakeholder.startswith("erased-")


def test_the_timeline_shows_what_the_facilitator_did_in_a_lane_of_its_own(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=3)):
        intervene(centre, kind="on-request", note="Explained the department.",
                  intervened_at="2026-01-13T19:30+01:00", group="traffic")  # fmt: skip
    report = centre.participation_report(CC)
    wide = Timeline(report, words("en"), axis_of(report, WIDE)).svg()
    assert ">Facilitator<" in wide
    assert (
        "<title>Present or helped on request (group traffic) – 13 Jan 2026, 19:30"
        "</title>"
    ) in wide
    assert "What the facilitator did" in legend(report, words("en"))
    without = centre.participation_report(CC, as_of=START + timedelta(days=1))
    assert (
        ">Facilitator<"
        not in Timeline(without, words("en"), axis_of(without, WIDE)).svg()
    )
    assert "What the facilitator did" not in legend(without, words("en"))
