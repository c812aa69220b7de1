"""History replays, and the engine clock dates it.

The whole city-centre story is recorded on its own calendar, then every aggregate is
rebuilt from its events a year later. Rebuilding runs no rule: a decision point whose
closing time passed long ago, positions of a civil servant, an initiative that is
closed, all load as they were.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from samenspraak.domain import clock
from samenspraak.domain.decision_point import DecisionPoint, DecisionState, Option
from samenspraak.domain.initiative import Initiative
from samenspraak.domain.plan import Plan
from samenspraak.domain.values import (
    SOCIETY,
    Channel,
    CouncilSession,
    DecisionRule,
    GroupKind,
    MeetingKind,
    ParticipationLevel,
    StakeholderKind,
    Stance,
)


def moment(iso):
    return datetime.fromisoformat(iso)


def rebuild(events):
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def record_the_story(text):
    """The story from January to June 2026; returns the aggregates, uncollected."""
    with clock.frozen_at(moment("2026-01-12T09:00+01:00")):
        city = Initiative.start(
            actor="facilitator",
            slug="city-centre",
            title=text("Together for a lively city centre"),
            description=text("decide together"),
            area=text("the old town within the canals"),
            budget=Decimal("250000.00"),
            level=ParticipationLevel.CO_DECIDING,
        )
        for stakeholder, kind in [
            ("bakery", StakeholderKind.ENTREPRENEUR),
            ("library", StakeholderKind.INSTITUTION),
            ("resident-havenkwartier", StakeholderKind.RESIDENT),
            ("resident-kerkstraat", StakeholderKind.RESIDENT),
            ("civil-servant-traffic", StakeholderKind.CIVIL_SERVANT),
        ]:
            city.join(actor="facilitator", stakeholder=stakeholder, kind=kind)
        city.form_group(
            actor="facilitator",
            slug="traffic",
            kind=GroupKind.WORKING,
            name=text("traffic group"),
            mandate=text("a traffic plan"),
        )
        for member in ("bakery", "resident-kerkstraat", "civil-servant-traffic"):
            city.add_member(actor="facilitator", group="traffic", stakeholder=member)
        city.remove_member(
            actor="facilitator", group="traffic", stakeholder="resident-kerkstraat"
        )

    with clock.frozen_at(moment("2026-01-20T10:00+01:00")):
        plan = Plan.create(
            actor="bakery",
            initiative=city,
            slug="traffic-plan",
            title=text("traffic plan"),
            group="traffic",
        )
        plan.propose_draft(
            actor="bakery",
            initiative=city,
            text=text("traffic plan v1"),
            changes=text("first draft"),
        )

    with clock.frozen_at(moment("2026-02-01T09:00+01:00")):
        market = DecisionPoint.put(
            actor="facilitator",
            initiative=city,
            slug="market-square",
            question=text("what becomes of the market square?"),
            options=[
                Option("car-free", text("car-free")),
                Option("deliveries-only", text("deliveries only")),
            ],
            eligible=SOCIETY,
            rule=DecisionRule.MAJORITY,
            closes_at=moment("2026-02-15T20:00+01:00"),
        )
        for stakeholder, option in [
            ("bakery", "car-free"),
            ("resident-havenkwartier", "deliveries-only"),
            ("library", "car-free"),
            ("resident-havenkwartier", "car-free"),
        ]:
            market.take_position(actor=stakeholder, initiative=city, option=option)

    with clock.frozen_at(moment("2026-02-12T19:30+01:00")):
        meeting = city.hold_meeting(
            actor="facilitator",
            starts_at=moment("2026-02-12T19:30+01:00"),
            kind=MeetingKind.RESIDENTS_MEETING,
            place=text("the library"),
            attendance=64,
            summary=text("an evening about traffic"),
        )
        plan.add_reaction(
            actor="resident-havenkwartier",
            initiative=city,
            stakeholder="resident-havenkwartier",
            version=1,
            stance=Stance.OBJECTION,
            text=text("through traffic moves to the Havenkwartier"),
            channel=Channel.ONLINE,
            section="2.3",
        )
        plan.add_reaction(
            actor="facilitator",
            initiative=city,
            stakeholder="library",
            version=1,
            stance=Stance.SUPPORT,
            text=text("yes to bicycle parking"),
            channel=Channel.MEETING,
            meeting=meeting,
        )
        plan.add_reaction(
            actor="resident-kerkstraat",
            initiative=city,
            stakeholder="resident-kerkstraat",
            version=1,
            stance=Stance.SUGGESTION,
            text=text("trees on the quay"),
            channel=Channel.LETTER,
        )
        plan.withdraw_reaction(actor="resident-kerkstraat", initiative=city, reaction=3)

    with clock.frozen_at(moment("2026-02-16T09:00+01:00")):
        market.decide(actor="facilitator", initiative=city)
        city.advance_phase(actor="facilitator")
        bicycles = DecisionPoint.put(
            actor="facilitator",
            initiative=city,
            slug="bicycle-parking",
            question=text("bicycle parking at the library?"),
            options=[Option("at-the-library", text("at the library"))],
            eligible=[*SOCIETY, StakeholderKind.CIVIL_SERVANT],
            rule=DecisionRule.CONSENT,
            closes_at=moment("2026-06-30T20:00+02:00"),
        )
        bicycles.take_position(
            actor="civil-servant-traffic",
            initiative=city,
            option="object",
            reason=text("the pavement is too narrow"),
        )
        plan.add_reaction(
            actor="civil-servant-traffic",
            initiative=city,
            stakeholder="civil-servant-traffic",
            version=1,
            stance=Stance.CONCERN,
            text=text("the ring road is busy"),
            channel=Channel.EMAIL,
        )

    with clock.frozen_at(moment("2026-03-02T10:00+01:00")):
        plan.propose_draft(
            actor="civil-servant-traffic",
            initiative=city,
            text=text("traffic plan v2"),
            changes=text("a modal filter for the Havenkwartier"),
        )
        plan.adopt_change(
            actor="bakery",
            initiative=city,
            reactions=[1],
            version=2,
            explanation=text("a modal filter"),
        )
        plan.note_support(actor="facilitator", initiative=city, reactions=[2])
        plan.defend_position(
            actor="bakery",
            initiative=city,
            reactions=[4],
            reasoning=text("the ring road takes it"),
        )
        plan.finalise(actor="bakery", initiative=city)
        city.allocate_budget(
            actor="facilitator",
            amount=Decimal("120000.00"),
            purpose=text("paving the car-free market square"),
            decision=market,
        )

    with clock.frozen_at(moment("2026-04-07T20:00+02:00")):
        city.inform_council(
            actor="facilitator",
            document_title=text("the traffic plan"),
            document_sha256="ab" * 32,
            session=CouncilSession.INFORMAL,
            informed_at=moment("2026-04-07T20:00+02:00"),
        )
        city.leave(actor="resident-kerkstraat", stakeholder="resident-kerkstraat")
        city.advance_phase(actor="facilitator")

    with clock.frozen_at(moment("2026-06-30T17:00+02:00")):
        city.close(actor="facilitator", outcome=text("a car-free market square"))

    return city, plan, market, bicycles


def test_every_aggregate_rebuilds_from_its_events_a_year_later(text):
    originals = record_the_story(text)
    histories = [aggregate.collect_events() for aggregate in originals]
    assert [[type(e).__name__ for e in events] for events in histories] == [
        [
            "Started",
            *["StakeholderJoined"] * 5,
            "GroupFormed",
            *["MemberAdded"] * 3,
            "MemberRemoved",
            "MeetingHeld",
            "PhaseAdvanced",
            "BudgetAllocated",
            "CouncilInformed",
            "StakeholderLeft",
            "PhaseAdvanced",
            "Closed",
        ],
        [
            "Created",
            "DraftProposed",
            *["ReactionAdded"] * 3,
            "ReactionWithdrawn",
            "ReactionAdded",
            "DraftProposed",
            "ChangeAdopted",
            "SupportNoted",
            "PositionDefended",
            "Finalised",
        ],
        ["Put", *["PositionTaken"] * 4, "Decided"],
        ["Put", "PositionTaken"],
    ]

    a_year_later = moment("2027-07-01T09:00+02:00")
    with clock.frozen_at(a_year_later):
        rebuilt = [rebuild(events) for events in histories]
        assert clock.now() == a_year_later

    for original, copy in zip(originals, rebuilt, strict=True):
        assert type(copy) is type(original)
        assert vars(copy) == vars(original)
    city, plan, market, _ = rebuilt
    assert city.is_closed
    assert city.phase == "council"
    assert city.allocated == Decimal("120000.00")
    assert city.former_stakeholders == {"resident-kerkstraat": StakeholderKind.RESIDENT}
    assert plan.final_version == 2
    assert plan.unanswered == []
    assert market.outcome == "car-free"
    assert market.tally == {"car-free": 3, "deliveries-only": 0}
    assert market.modified_on == moment("2026-02-16T09:00+01:00")


def test_a_decision_point_whose_closing_time_passed_long_ago_still_loads(text):
    *_, bicycles = record_the_story(text)
    history = bicycles.collect_events()

    a_year_later = moment("2027-07-01T09:00+02:00")
    with clock.frozen_at(a_year_later):
        rebuilt = rebuild(history)

    assert rebuilt.state is DecisionState.OPEN
    assert rebuilt.is_late(a_year_later)
    assert rebuilt.closes_at == moment("2026-06-30T20:00+02:00")
    assert rebuilt.positions["civil-servant-traffic"].option == "object"
    assert vars(rebuilt) == vars(bicycles)


def test_events_are_dated_by_the_engine_clock(text, story_start):
    with clock.frozen_at(story_start):
        city = Initiative.start(
            actor="facilitator",
            slug="city-centre",
            title=text("title"),
            description=text("description"),
            area=text("area"),
            budget=Decimal("250000.00"),
            level=ParticipationLevel.ADVISING,
        )
    an_hour_later = story_start + timedelta(hours=1)
    with clock.frozen_at(an_hour_later):
        city.join(
            actor="bakery", stakeholder="bakery", kind=StakeholderKind.ENTREPRENEUR
        )
        city.form_group(
            actor="facilitator",
            slug="traffic",
            kind=GroupKind.WORKING,
            name=text("traffic"),
            mandate=text("traffic"),
        )
        city.add_member(actor="facilitator", group="traffic", stakeholder="bakery")

    started, joined, *_ = city.collect_events()
    assert started.timestamp == story_start
    assert joined.timestamp == an_hour_later
    assert city.created_on == story_start
    assert city.modified_on == an_hour_later


def test_plans_and_decision_points_are_dated_by_the_engine_clock(
    city_centre, put_decision, text
):
    in_february = moment("2026-02-03T14:15+01:00")
    in_march = moment("2026-03-04T11:45+01:00")
    with clock.frozen_at(in_february):
        plan = Plan.create(
            actor="bakery",
            initiative=city_centre,
            slug="traffic-plan",
            title=text("traffic plan"),
            group="traffic",
        )
        decision = put_decision()
    with clock.frozen_at(in_march):
        plan.propose_draft(
            actor="bakery",
            initiative=city_centre,
            text=text("v1"),
            changes=text("first draft"),
        )
        decision.take_position(
            actor="bakery", initiative=city_centre, option="car-free"
        )

    assert [e.timestamp for e in plan.collect_events()] == [in_february, in_march]
    (position,) = decision.collect_events()
    assert position.timestamp == in_march
    assert (plan.created_on, plan.modified_on) == (in_february, in_march)
    assert (decision.created_on, decision.modified_on) == (in_february, in_march)


def test_a_copy_of_a_plan_changes_independently_of_the_original(
    city_centre, traffic_plan, text
):
    import copy  # noqa: PLC0415

    traffic_plan.add_reaction(
        actor="bakery",
        initiative=city_centre,
        stakeholder="bakery",
        version=1,
        stance=Stance.CONCERN,
        text=text("deliveries start too early"),
        channel=Channel.ONLINE,
    )
    city_centre.form_group(
        actor="facilitator",
        slug="market",
        kind=GroupKind.WORKING,
        name=text("market"),
        mandate=text("the market"),
    )
    plan_copy = copy.deepcopy(traffic_plan)
    initiative_copy = copy.deepcopy(city_centre)

    plan_copy.withdraw_reaction(actor="bakery", initiative=city_centre, reaction=1)
    initiative_copy.add_member(
        actor="facilitator", group="market", stakeholder="bakery"
    )

    assert plan_copy.reactions[1].withdrawn
    assert not traffic_plan.reactions[1].withdrawn
    assert initiative_copy.groups["market"].members == {"bakery"}
    assert city_centre.groups["market"].members == set()


def test_a_council_informing_recorded_before_audit_heads_existed_still_loads(text):
    city, *_ = record_the_story(text)
    history = city.collect_events()
    older = []
    for e in history:
        if type(e).__name__ == "CouncilInformed":
            # As stored before the event carried the audit head.
            old = object.__new__(type(e))
            old.__dict__.update({k: v for k, v in vars(e).items() if k != "audit_head"})
            e = old  # noqa: PLW2901
        older.append(e)
    assert not any(
        hasattr(e, "audit_head") for e in older if type(e).__name__ == "CouncilInformed"
    )

    rebuilt = rebuild(older)

    assert rebuilt.council_informings == city.council_informings


def test_a_start_and_joins_recorded_before_identities_were_kept_still_load(text):
    city, *_ = record_the_story(text)
    history = city.collect_events()
    older = []
    for e in history:
        if type(e).__name__ in ("Started", "StakeholderJoined"):
            # As stored before the events committed to who is who.
            old = object.__new__(type(e))
            old.__dict__.update(
                {
                    k: v
                    for k, v in vars(e).items()
                    if k not in ("identity", "facilitator_identity")
                }
            )
            e = old  # noqa: PLW2901
        older.append(e)

    rebuilt = rebuild(older)

    assert rebuilt.stakeholders == city.stakeholders
    assert rebuilt.facilitator == city.facilitator


@pytest.mark.parametrize(
    "frozen",
    [
        datetime(2026, 1, 12, 9, 0),  # no timezone
        "2026-01-12T09:00+01:00",  # text, not a datetime
        datetime(1, 1, 1, tzinfo=UTC),  # before any process
        datetime(1930, 6, 1, 20, 0, tzinfo=timezone(timedelta(seconds=4772))),
    ],
    ids=["naive", "text", "year 1", "an offset with seconds"],
)
def test_the_clock_is_frozen_only_at_a_moment_a_command_could_be_given(
    frozen: object,
) -> None:
    before = moment("2026-01-12T09:00+01:00")
    with clock.frozen_at(before):
        with pytest.raises(ValueError, match=r"^A frozen moment "):
            clock.frozen_at(frozen).__enter__()  # type: ignore[arg-type]
        assert clock.now() == before  # the clock was left as it was
