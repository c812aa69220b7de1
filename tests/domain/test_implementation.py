"""Carrying out what was decided in the city centre: implementation actions.

An action has one owner (a joined stakeholder or a group), may be funded by a budget
allocation, and is followed up by its owner (or a member of the owning group) and
the facilitator: progress that never goes down, milestones, and a status.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from samenspraak.domain import rules
from samenspraak.domain.initiative import Milestone
from samenspraak.domain.values import ImplementationStatus


def names_and_actors(events):
    return [(type(e).__name__, e.actor) for e in events]


@pytest.fixture
def benches(city_centre, text):
    """Benches on the market square, owned by the steering group."""
    city_centre.add_implementation_action(
        actor="facilitator",
        slug="benches",
        title=text("benches on the market square"),
        owner_group="steering",
    )
    city_centre.collect_events()
    return city_centre.implementation["benches"]


def test_the_facilitator_adds_an_action_owned_by_a_group(city_centre, text):
    city_centre.add_implementation_action(
        actor="facilitator",
        slug="benches",
        title=text("benches"),
        owner_group="steering",
    )

    events = city_centre.collect_events()
    assert names_and_actors(events) == [("ImplementationActionAdded", "facilitator")]
    assert events[0].action == "benches"
    assert events[0].owner_group == "steering"
    assert events[0].owner_stakeholder is None
    action = city_centre.implementation["benches"]
    assert (action.percent, action.status) == (0, ImplementationStatus.PLANNED)


def test_an_action_may_be_owned_by_a_stakeholder_and_funded_by_an_allocation(
    city_centre, put_decision, text
):
    decision = put_decision()
    for stakeholder in ("bakery", "resident-havenkwartier"):
        decision.take_position(
            actor=stakeholder, initiative=city_centre, option="car-free"
        )
    decision.decide(actor="facilitator", initiative=city_centre)
    city_centre.allocate_budget(
        actor="facilitator",
        amount=Decimal("1000.00"),
        purpose=text("paving"),
        decision=decision,
    )
    city_centre.add_implementation_action(
        actor="facilitator",
        slug="paving",
        title=text("paving"),
        owner_stakeholder="bakery",
        allocation=1,
    )

    action = city_centre.implementation["paving"]
    assert (action.owner_stakeholder, action.allocation) == ("bakery", 1)


def test_only_the_facilitator_adds_actions(city_centre, text, refused):
    with refused(
        rules.only_the_facilitator_shapes_the_initiative,
        "Only the facilitator of city-centre may add implementation actions.",
        city_centre,
    ):
        city_centre.add_implementation_action(
            actor="bakery", slug="x", title=text("x"), owner_group="steering"
        )


def test_an_action_slug_is_used_once(city_centre, benches, text, refused):
    with refused(
        rules.an_implementation_action_is_added_once,
        "city-centre already has an implementation action called benches.",
        city_centre,
    ):
        city_centre.add_implementation_action(
            actor="facilitator",
            slug="benches",
            title=text("again"),
            owner_group="traffic",
        )


@pytest.mark.parametrize(
    ("stakeholder", "group"), [(None, None), ("bakery", "steering")]
)
def test_an_action_has_exactly_one_owner(
    city_centre, text, refused, stakeholder, group
):
    with refused(
        rules.an_implementation_action_has_one_owner,
        "An implementation action has exactly one owner: a stakeholder or a group.",
        city_centre,
    ):
        city_centre.add_implementation_action(
            actor="facilitator",
            slug="x",
            title=text("x"),
            owner_stakeholder=stakeholder,
            owner_group=group,
        )


def test_an_owner_has_joined_and_not_left(city_centre, text, refused):
    city_centre.leave(actor="library", stakeholder="library")
    city_centre.collect_events()
    for owner in ("library", "stranger"):
        with refused(
            rules.an_owner_is_a_joined_stakeholder,
            "The owner of x must be a stakeholder who has joined city-centre and "
            "not left.",
            city_centre,
        ):
            city_centre.add_implementation_action(
                actor="facilitator", slug="x", title=text("x"), owner_stakeholder=owner
            )


def test_an_owning_group_exists(city_centre, text, refused):
    with refused(
        rules.a_group_must_exist,
        "city-centre has no group called parking.",
        city_centre,
    ):
        city_centre.add_implementation_action(
            actor="facilitator", slug="x", title=text("x"), owner_group="parking"
        )


def test_a_funding_allocation_exists(city_centre, text, refused):
    with refused(
        rules.an_action_is_funded_by_an_existing_allocation,
        "city-centre has no budget allocation number 1.",
        city_centre,
    ):
        city_centre.add_implementation_action(
            actor="facilitator",
            slug="x",
            title=text("x"),
            owner_group="steering",
            allocation=1,
        )


def test_a_group_member_records_progress_with_a_milestone(city_centre, benches, text):
    city_centre.record_progress(
        actor="library", action="benches", percent=40, milestone=text("ordered")
    )
    city_centre.record_progress(actor="facilitator", action="benches", percent=40)

    events = city_centre.collect_events()
    assert names_and_actors(events) == [
        ("ImplementationProgressRecorded", "library"),
        ("ImplementationProgressRecorded", "facilitator"),
    ]
    assert benches.percent == 40
    assert benches.status is ImplementationStatus.UNDER_WAY
    assert benches.milestones == [Milestone(40, text("ordered"))]


def test_at_100_percent_the_action_is_done(city_centre, benches, text):
    city_centre.record_progress(
        actor="bakery", action="benches", percent=100, milestone=text("placed")
    )

    assert (benches.percent, benches.status) == (100, ImplementationStatus.DONE)


def test_only_the_owner_or_the_facilitator_records_progress(
    city_centre, benches, refused
):
    with refused(
        rules.only_the_owner_or_the_facilitator_follows_up,
        "Only the owner of benches or the facilitator of city-centre may record "
        "its progress.",
        city_centre,
    ):
        city_centre.record_progress(
            actor="civil-servant-traffic", action="benches", percent=10
        )


def test_an_owner_who_left_no_longer_follows_up_the_action(city_centre, text, refused):
    city_centre.add_implementation_action(
        actor="facilitator",
        slug="bicycle-racks",
        title=text("bicycle racks at the library"),
        owner_stakeholder="library",
    )
    city_centre.leave(actor="library", stakeholder="library")
    city_centre.collect_events()

    with refused(
        rules.an_owner_who_left_no_longer_follows_up,
        "The owner of bicycle-racks left city-centre; the facilitator follows it up "
        "now.",
        city_centre,
    ):
        city_centre.record_progress(actor="library", action="bicycle-racks", percent=50)
    city_centre.record_progress(actor="facilitator", action="bicycle-racks", percent=50)
    assert city_centre.implementation["bicycle-racks"].percent == 50


def test_progress_is_recorded_on_an_existing_action(city_centre, refused):
    with refused(
        rules.an_implementation_action_must_exist,
        "city-centre has no implementation action called fountain.",
        city_centre,
    ):
        city_centre.record_progress(actor="facilitator", action="fountain", percent=1)


@pytest.mark.parametrize("percent", [-1, 101])
def test_progress_is_a_percentage(city_centre, benches, refused, percent):
    with refused(
        rules.progress_is_a_percentage,
        f"Progress is a percentage from 0 to 100, not {percent}.",
        city_centre,
    ):
        city_centre.record_progress(
            actor="facilitator", action="benches", percent=percent
        )


def test_progress_never_goes_down(city_centre, benches, refused):
    city_centre.record_progress(actor="facilitator", action="benches", percent=50)
    city_centre.collect_events()
    with refused(
        rules.progress_never_goes_down,
        "benches is 50% done; its progress cannot go down to 40%.",
        city_centre,
    ):
        city_centre.record_progress(actor="facilitator", action="benches", percent=40)


def test_the_owner_puts_an_action_on_hold_with_a_reason(city_centre, benches, text):
    city_centre.change_implementation_status(
        actor="resident-havenkwartier",
        action="benches",
        status="on-hold",
        reason=text("waiting for the permit"),
    )
    city_centre.change_implementation_status(
        actor="facilitator", action="benches", status="under-way"
    )

    events = city_centre.collect_events()
    assert names_and_actors(events) == [
        ("ImplementationStatusChanged", "resident-havenkwartier"),
        ("ImplementationStatusChanged", "facilitator"),
    ]
    assert events[0].reason == text("waiting for the permit")
    assert benches.status is ImplementationStatus.UNDER_WAY


def test_only_the_owner_or_the_facilitator_changes_the_status(
    city_centre, benches, refused
):
    with refused(
        rules.only_the_owner_or_the_facilitator_follows_up,
        "Only the owner of benches or the facilitator of city-centre may change "
        "its status.",
        city_centre,
    ):
        city_centre.change_implementation_status(
            actor="civil-servant-traffic", action="benches", status="done"
        )


def test_a_status_is_one_of_the_known_ones(city_centre, benches, refused):
    with refused(
        rules.an_implementation_status_is_known,
        "finished is not an implementation status; it is one of planned, under-way, "
        "on-hold, done, cancelled.",
        city_centre,
    ):
        city_centre.change_implementation_status(
            actor="facilitator", action="benches", status="finished"
        )


@pytest.mark.parametrize("status", ["on-hold", "cancelled"])
def test_stopping_an_action_gives_a_reason(city_centre, benches, refused, status):
    with refused(
        rules.stopping_an_action_gives_a_reason,
        f"Putting benches {status} gives its reason.",
        city_centre,
    ):
        city_centre.change_implementation_status(
            actor="facilitator", action="benches", status=status
        )


def test_an_action_is_done_only_at_100_percent(city_centre, benches, refused):
    with refused(
        rules.an_action_is_done_at_100_percent,
        "benches is 0% done; it is done when its progress reaches 100%.",
        city_centre,
    ):
        city_centre.change_implementation_status(
            actor="facilitator", action="benches", status="done"
        )
    city_centre.record_progress(actor="facilitator", action="benches", percent=100)
    assert benches.status is ImplementationStatus.DONE


@pytest.mark.parametrize(
    ("percent", "status", "said"),
    [(40, "planned", "planned"), (100, "under-way", "under way")],
)
def test_a_status_fits_the_progress(
    city_centre, benches, refused, percent, status, said
):
    city_centre.record_progress(actor="facilitator", action="benches", percent=percent)
    city_centre.collect_events()

    with refused(
        rules.a_status_fits_the_progress,
        f"benches is {percent}% done, so it cannot be {said}: planned is for 0%, "
        "under way for less than 100%.",
        city_centre,
    ):
        city_centre.change_implementation_status(
            actor="facilitator", action="benches", status=status
        )


def test_a_status_change_changes_the_status(city_centre, benches, refused):
    with refused(
        rules.a_status_change_changes_the_status,
        "benches is planned already.",
        city_centre,
    ):
        city_centre.change_implementation_status(
            actor="facilitator", action="benches", status="planned"
        )


def test_a_cancelled_action_takes_no_progress_until_it_is_resumed(
    city_centre, benches, refused, text
):
    city_centre.change_implementation_status(
        actor="facilitator",
        action="benches",
        status="cancelled",
        reason=text("no permit"),
    )
    city_centre.collect_events()
    with refused(
        rules.a_cancelled_action_takes_no_progress,
        "benches was cancelled; it takes no more progress (put it planned or under "
        "way again first).",
        city_centre,
    ):
        city_centre.record_progress(actor="facilitator", action="benches", percent=40)
    city_centre.change_implementation_status(
        actor="facilitator", action="benches", status="under-way"
    )
    city_centre.record_progress(actor="facilitator", action="benches", percent=40)
    assert benches.percent == 40


@pytest.mark.parametrize("command", ["record_progress", "change_status"])
def test_a_closed_initiative_takes_no_more_follow_up_of_its_actions(
    city_centre, benches, text, refused, command
):
    city_centre.close(actor="facilitator", outcome=text("a lively city centre"))
    city_centre.collect_events()
    with refused(
        rules.a_closed_initiative_takes_no_commands,
        "city-centre is closed; nothing more can be recorded in it.",
        city_centre,
    ):
        if command == "record_progress":
            city_centre.record_progress(
                actor="facilitator", action="benches", percent=50
            )
        else:
            city_centre.change_implementation_status(
                actor="facilitator", action="benches", status="under-way"
            )
    assert (benches.percent, benches.status) == (0, ImplementationStatus.PLANNED)


def test_progress_may_start_at_zero_and_an_action_go_back_to_planned_there(
    city_centre, benches
):
    """0% is a percentage, and an action under way without progress may be planned
    again."""
    city_centre.record_progress(actor="facilitator", action="benches", percent=0)
    city_centre.change_implementation_status(
        actor="facilitator", action="benches", status="under-way"
    )
    city_centre.change_implementation_status(
        actor="facilitator", action="benches", status="planned"
    )
    assert (benches.percent, benches.status) == (0, ImplementationStatus.PLANNED)


def test_a_copy_of_the_initiative_follows_its_actions_apart(city_centre, benches, text):
    """The library's aggregate cache hands out deep copies: progress recorded on
    a copy leaves the action in the cache as it was."""
    import copy  # noqa: PLC0415

    copied = copy.deepcopy(city_centre)
    copied.record_progress(
        actor="facilitator", action="benches", percent=20, milestone=text("ordered")
    )
    assert (copied.implementation["benches"].percent, benches.percent) == (20, 0)
    assert benches.milestones == []
    assert copied.implementation["benches"].title == benches.title
