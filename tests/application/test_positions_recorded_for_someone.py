"""A position on a decision point given another way than by the stakeholder
themselves (a paper form, a show of hands at a meeting) is recorded by the
facilitator for them, as if given when it was given: it counts like one they took
themselves. Its event names the facilitator as the one who acted and the
stakeholder whose position it is, so the audit trail, its CloudEvents and its ZGW
records name who entered it; the views and the report say it was recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import NotAllowed, Samenspraak
from samenspraak.application.report_render import render_markdown
from samenspraak.domain import clock

START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
CLOSES = START + timedelta(days=7)
CC = "city-centre"
PEOPLE = {"bakery": "entrepreneur", "library": "institution", "resident": "resident"}


@pytest.fixture
def centre(small_centre: Callable[..., Samenspraak]) -> Samenspraak:
    """The bakery, the library and a resident take part; the benches were put to
    them on 12 January, closing a week later."""
    app = small_centre(PEOPLE)
    with clock.frozen_at(START + timedelta(hours=1)):
        app.put_decision_point(
            {"actor": "facilitator", "initiative": CC, "decision": "benches",
             "question": "Benches on the square?",
             "options": [{"key": "yes", "label": "Yes"}, {"key": "no", "label": "No"}],
             "eligible": list(PEOPLE.values()), "rule": "majority",
             "closes_at": CLOSES.isoformat()}
        )  # fmt: skip
    return app


def record(app: Samenspraak, who: str, option: str = "yes", **fields: Any) -> None:
    app.take_position(
        {"actor": "facilitator", "initiative": CC, "decision": "benches",
         "option": option, "for": who, **fields}
    )  # fmt: skip


def take(app: Samenspraak, who: str, option: str = "yes") -> None:
    app.take_position(
        {"actor": who, "initiative": CC, "decision": "benches", "option": option}
    )


def test_a_recorded_position_counts_in_the_tally_like_one_taken_by_the_stakeholder(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=2)):
        record(centre, "resident", given_at=START + timedelta(days=1))
        take(centre, "bakery")
        take(centre, "library", "no")
    with clock.frozen_at(CLOSES + timedelta(hours=1)):
        closed = centre.tick()

    assert [(c.subject, c.outcome) for c in closed] == [("benches", "yes")]
    d = centre.decision_details(CC, "benches")
    assert d.tally == {"yes": 2, "no": 1}
    by = {p.stakeholder: p for p in d.positions}
    assert by["resident"].recorded_by == "facilitator"
    assert by["resident"].given_at == START + timedelta(days=1)
    assert by["bakery"].recorded_by is None
    assert by["bakery"].given_at is None


def test_a_position_given_before_the_closing_time_is_on_time_when_recorded_after_it(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(CLOSES + timedelta(minutes=30)):
        record(centre, "resident", given_at=CLOSES - timedelta(hours=2))
        assert centre.decision_details(CC, "benches").positions[0].option == "yes"


def test_a_position_given_after_the_closing_time_is_refused_as_late_and_writes_nothing(
    centre: Samenspraak,
) -> None:
    before = centre.stored_event_count()
    with clock.frozen_at(CLOSES + timedelta(hours=1)), pytest.raises(NotAllowed) as e:
        record(centre, "resident", given_at=CLOSES + timedelta(minutes=1))
    assert e.value.rule == "a_late_position_is_refused"
    with clock.frozen_at(CLOSES + timedelta(hours=1)), pytest.raises(NotAllowed) as e:
        record(centre, "resident")
    assert e.value.rule == "a_late_position_is_refused"
    assert centre.stored_event_count() == before


@pytest.mark.parametrize(
    ("fields", "actor", "rule"),
    [
        ({"for": "resident", "given_at": START}, "facilitator",
         "a_position_was_given_after_the_point_was_put"),
        ({"for": "resident", "given_at": START + timedelta(days=3)}, "facilitator",
         "a_position_is_recorded_once_it_was_given"),
        ({"for": "resident"}, "bakery",
         "positions_are_taken_by_the_stakeholder_or_recorded_by_the_facilitator"),
        ({"given_at": START + timedelta(days=1)}, "bakery",
         "only_a_position_recorded_for_someone_says_when_it_was_given"),
        ({"for": "outsider"}, "facilitator",
         "a_position_is_recorded_for_someone_who_takes_part"),
        ({"for": "clerk"}, "facilitator", "society_decides_first"),
    ],
)  # fmt: skip
def test_a_position_that_cannot_be_recorded_for_someone_is_refused_and_writes_nothing(
    centre: Samenspraak, fields: dict[str, Any], actor: str, rule: str
) -> None:
    with clock.frozen_at(START + timedelta(days=2)):
        for ref in ("outsider", "clerk"):
            centre.register_stakeholder(
                {"actor": ref, "stakeholder": ref, "name": f"The {ref}"}
            )
        centre.join_initiative(
            {"actor": "clerk", "initiative": CC, "stakeholder": "clerk",
             "kind": "civil-servant"}
        )  # fmt: skip
        before = centre.stored_event_count()
        with pytest.raises(NotAllowed) as refused:
            centre.take_position(
                {"actor": actor, "initiative": CC, "decision": "benches",
                 "option": "yes", **fields}
            )  # fmt: skip
    assert refused.value.rule == rule
    assert centre.stored_event_count() == before


def test_the_position_of_an_erased_stakeholder_is_not_recorded(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=2)):
        erased = centre.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "resident"}
        ).now_named
        before = centre.stored_event_count()
        with pytest.raises(NotAllowed) as refused:
            record(centre, erased)
    assert refused.value.rule == "an_erased_stakeholder_takes_no_further_part"
    assert centre.stored_event_count() == before


def test_the_stakeholder_can_still_change_a_recorded_position_themselves(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=1)):
        record(centre, "resident")
    with clock.frozen_at(START + timedelta(days=2)):
        take(centre, "resident", "no")
    [position] = centre.decision_details(CC, "benches").positions
    assert (position.option, position.recorded_by) == ("no", None)


def test_a_decision_point_as_of_a_moment_shows_who_recorded_the_positions_by_then(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=1)):
        record(centre, "resident")
    with clock.frozen_at(START + timedelta(days=2)):
        take(centre, "bakery", "no")
    then = centre.decision_details(
        CC, "benches", as_of=START + timedelta(days=1, hours=1)
    )
    assert [(p.stakeholder, p.recorded_by) for p in then.positions] == [
        ("resident", "facilitator")
    ]


def test_the_report_and_the_audit_trail_say_the_facilitator_recorded_a_position(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=2)):
        record(centre, "resident", given_at=START + timedelta(days=1))
        take(centre, "bakery")
    report = centre.participation_report(CC)
    [entry] = report.decisions
    assert (entry.positions, entry.recorded) == (2, 1)
    assert "1 of them recorded by the facilitator" in render_markdown(report, "en")
    assert "waarvan 1 vastgelegd door de procesbegeleider" in render_markdown(
        report, "nl"
    )
    summaries = [e.summary for e in centre.audit_log(CC, decision="benches")]
    assert (
        "Position taken: yes, recorded for a stakeholder by the facilitator, given "
        "2026-01-13T10:00+01:00"  # a day after the start, on Dutch clocks
    ) in summaries
    assert "Position taken: yes" in summaries


def test_a_recorded_position_survives_a_rebuild_and_an_export_and_replay(
    centre: Samenspraak, tmp_path: Path
) -> None:
    with clock.frozen_at(START + timedelta(days=2)):
        record(centre, "resident", given_at=START + timedelta(days=1))

    def seen(app: Samenspraak) -> list[tuple[str, str | None, datetime | None]]:
        return [
            (p.stakeholder, p.recorded_by, p.given_at)
            for p in app.decision_details(CC, "benches").positions
        ]

    expected = [("resident", "facilitator", START + timedelta(days=1))]
    assert seen(centre) == expected
    centre.rebuild_projections()
    assert seen(centre) == expected
    bundle = tmp_path / "centre.zip"
    exported = centre.export_initiative(CC, bundle)
    assert Samenspraak.replay(bundle, tmp_path / "copy.db").head == exported.head
    with Samenspraak.open(tmp_path / "copy.db", create=False) as copy:
        assert seen(copy) == expected


def test_the_audit_trail_names_the_facilitator_who_recorded_a_position_as_actor(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=2)):
        record(centre, "resident", given_at=START + timedelta(days=1))
    *_, put, taken = centre.audit_log(CC, decision="benches")
    assert (put.event, taken.event) == ("Put", "PositionTaken")
    assert (taken.actor, taken.stakeholder) == ("facilitator", "resident")
    assert [e.event for e in centre.audit_log(CC, actor="resident")] == [
        "StakeholderJoined"
    ]

    notices = centre.cloud_events(
        source="urn:nld:oin:1:systeem:samenspraak", initiative=CC, limit=10_000
    )
    by_event = {n["data"]["event"]: n["data"] for n in notices}
    assert by_event["PositionTaken"]["actor_id"] == by_event["Put"]["actor_id"]

    trail = centre.zgw_audit_trail(
        CC,
        hoofd_object="https://zaken.example.nl/zaken/api/v1/zaken/1",
        bron="zrc",
        limit=10_000,
    )
    put_record, taken_record = trail[-2:]
    assert taken_record["gebruikersId"] == put_record["gebruikersId"]
    assert taken_record["gebruikersWeergave"] == put_record["gebruikersWeergave"]
    assert taken_record["gebruikersWeergave"] != "resident"


def test_erasing_the_texts_of_a_stakeholder_empties_the_reason_recorded_for_them(
    centre: Samenspraak,
) -> None:
    with clock.frozen_at(START + timedelta(days=1)):
        record(centre, "resident", "no", reason="Too little shade.")
    with clock.frozen_at(START + timedelta(days=2)):
        record(centre, "resident", "yes", reason="Shade after all.")
        centre.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "resident", "texts": True}
        )
    [position] = centre.decision_details(CC, "benches").positions
    assert position.reason is None
    assert position.counted is False  # they left when erased
    assert centre.verify_audit().intact


def test_an_older_position_without_its_stakeholder_counts_for_its_actor(
    centre: Samenspraak,
) -> None:
    """A ``PositionTaken`` stored before the event named its stakeholder apart
    names only its actor, who took it themselves: it still reads, counts, shows
    and lapses as theirs."""
    resident = centre._stakeholder("resident")
    with clock.frozen_at(START + timedelta(days=1)):
        decision = centre._decision(centre._initiative(CC), "benches")
        decision.take_position(
            actor=resident, initiative=centre._initiative(CC), option="no"
        )
        [taken] = decision.pending_events
        del taken.__dict__["stakeholder"]  # as recorded before it was kept
        centre.save(decision)
        take(centre, "bakery")

    def seen(app: Samenspraak) -> list[tuple[str, str, bool, str | None]]:
        return [
            (p.stakeholder, p.option, p.counted, p.recorded_by)
            for p in app.decision_details(CC, "benches").positions
        ]

    assert seen(centre) == [
        ("resident", "no", True, None),
        ("bakery", "yes", True, None),
    ]
    [entry] = centre.audit_log(CC, event="PositionTaken", actor="resident")
    assert (entry.actor, entry.summary) == ("resident", "Position taken: no")
    centre.rebuild_projections()
    assert seen(centre)[0] == ("resident", "no", True, None)

    with clock.frozen_at(START + timedelta(days=2)):
        centre.leave_initiative(
            {"actor": "resident", "initiative": CC, "stakeholder": "resident"}
        )
    assert seen(centre)[0] == ("resident", "no", False, None)
    with clock.frozen_at(CLOSES + timedelta(hours=1)):
        centre.tick()
    assert centre.decision_details(CC, "benches").tally == {"yes": 1, "no": 0}
