"""The cast and the scenery of the city-centre story, for the domain tests.

Every test starts on the story's first morning (the engine clock is frozen there) with
the city-centre initiative in its first phase: society decides. The facilitator has
let in the bakery on the market square, the library, a resident of the Havenkwartier
and a civil servant for traffic; there is a steering group and a traffic working
group. Fixtures hand over aggregates whose past events are already collected, so a
test's ``collect_events()`` returns only what its "when" recorded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from samenspraak.domain import clock
from samenspraak.domain.decision_point import DecisionPoint, Option
from samenspraak.domain.initiative import Initiative
from samenspraak.domain.plan import Plan
from samenspraak.domain.rules import Rule, RuleViolation
from samenspraak.domain.values import (
    SOCIETY,
    DecisionRule,
    GroupKind,
    ParticipationLevel,
    StakeholderKind,
    TextRef,
)

WINTER = timezone(timedelta(hours=1))
STORY_START = datetime(2026, 1, 12, 9, 0, tzinfo=WINTER)


def _text(name: str) -> TextRef:
    """A reference to a free text called ``name`` (the text itself lives elsewhere)."""
    return TextRef(id=name, sha256=hashlib.sha256(name.encode()).hexdigest())


@pytest.fixture(autouse=True)
def _story_clock() -> Iterator[None]:
    with clock.frozen_at(STORY_START):
        yield


@pytest.fixture
def story_start() -> datetime:
    """The moment every test starts at: Monday 12 January 2026, 09:00 (CET)."""
    return STORY_START


@pytest.fixture
def text() -> Callable[[str], TextRef]:
    return _text


@pytest.fixture
def start_city_centre() -> Callable[..., Initiative]:
    """Start a bare initiative (only the facilitator) with collected events."""

    def start(slug: str = "city-centre", budget: str = "250000.00") -> Initiative:
        initiative = Initiative.start(
            actor="facilitator",
            slug=slug,
            title=_text(f"{slug}: title"),
            description=_text(f"{slug}: description"),
            area=_text(f"{slug}: area"),
            budget=Decimal(budget),
            level=ParticipationLevel.CO_DECIDING,
        )
        initiative.collect_events()
        return initiative

    return start


@pytest.fixture
def city_centre(start_city_centre: Callable[..., Initiative]) -> Initiative:
    """The city-centre initiative with its cast and two groups, still society-only."""
    initiative = start_city_centre()
    for stakeholder, kind in [
        ("bakery", StakeholderKind.ENTREPRENEUR),
        ("library", StakeholderKind.INSTITUTION),
        ("resident-havenkwartier", StakeholderKind.RESIDENT),
        ("civil-servant-traffic", StakeholderKind.CIVIL_SERVANT),
    ]:
        initiative.join(actor="facilitator", stakeholder=stakeholder, kind=kind)
    for group, kind, members in [
        (
            "steering",
            GroupKind.STEERING,
            ["bakery", "library", "resident-havenkwartier"],
        ),
        ("traffic", GroupKind.WORKING, ["bakery", "civil-servant-traffic"]),
    ]:
        initiative.form_group(
            actor="facilitator",
            slug=group,
            kind=kind,
            name=_text(f"{group} group"),
            mandate=_text(f"{group} mandate"),
        )
        for member in members:
            initiative.add_member(actor="facilitator", group=group, stakeholder=member)
    initiative.collect_events()
    return initiative


@pytest.fixture
def traffic_plan(city_centre: Initiative) -> Plan:
    """The traffic plan of the traffic working group, drafted once by the bakery."""
    plan = Plan.create(
        actor="bakery",
        initiative=city_centre,
        slug="traffic-plan",
        title=_text("traffic plan"),
        group="traffic",
    )
    plan.propose_draft(
        actor="bakery",
        initiative=city_centre,
        text=_text("traffic plan v1"),
        changes=_text("first draft"),
    )
    plan.collect_events()
    return plan


@pytest.fixture
def put_decision(city_centre: Initiative) -> Callable[..., DecisionPoint]:
    """Put a decision point in the city centre (by default: the market square)."""

    def put(
        slug: str = "market-square",
        rule: DecisionRule = DecisionRule.MAJORITY,
        options: Sequence[str] = ("car-free", "deliveries-only"),
        eligible: Collection[StakeholderKind] = SOCIETY,
        closes_at: datetime | None = None,
        initiative: Initiative = city_centre,
        quorum: int | None = None,
    ) -> DecisionPoint:
        decision = DecisionPoint.put(
            actor="facilitator",
            initiative=initiative,
            slug=slug,
            question=_text(f"{slug}: question"),
            options=[Option(key, _text(f"{slug}: {key}")) for key in options],
            eligible=eligible,
            rule=rule,
            closes_at=closes_at,
            quorum=quorum,
        )
        decision.collect_events()
        return decision

    return put


@pytest.fixture
def refused() -> Callable[..., AbstractContextManager[Any]]:
    """``with refused(rule, sentence, *aggregates): <command>`` is the refused "then".

    The command must raise :class:`RuleViolation` for exactly ``rule`` with exactly
    ``sentence``, and the given aggregates must have recorded no new event.
    """

    @contextmanager
    def expect(rule: Rule, sentence: str, *aggregates: Any) -> Iterator[Any]:
        with pytest.raises(RuleViolation) as excinfo:
            yield excinfo
        assert excinfo.value.rule is rule
        assert str(excinfo.value) == sentence
        assert excinfo.value.sentence == sentence
        for aggregate in aggregates:
            assert aggregate.collect_events() == []

    return expect
