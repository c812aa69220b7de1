"""A web backend gives a command again when its client timed out, or when the
connection to PostgreSQL was lost before the engine heard whether it was recorded.
Given with the same ``command_id``, it is recorded once: the retry is told it was
recorded already (``AlreadyRecorded``), and nothing is written a second time."""

from __future__ import annotations

import pickle
import re
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from samenspraak.application import (
    AlreadyRecorded,
    Conflict,
    InvalidInput,
    NotFound,
    Samenspraak,
    SamenspraakError,
)
from samenspraak.application import commands as c
from samenspraak.domain.clock import on_dutch_clocks


def _reaction(command_id: Any, **changes: Any) -> dict[str, Any]:
    return {
        "actor": "bakery",
        "initiative": "city-centre",
        "plan": "traffic-plan",
        "version": 1,
        "stance": "concern",
        "text": "Deliveries must still reach the shops.",
        "command_id": command_id,
        **changes,
    }


def _a_plan_open_for_reactions(app: Samenspraak) -> None:
    for ref in ("facilitator", "bakery"):
        app.register_stakeholder(
            {"actor": ref, "stakeholder": ref, "name": f"The {ref}"}
        )
    app.start_initiative(
        {
            "actor": "facilitator",
            "initiative": "city-centre",
            "title": "Together for a lively city centre",
            "description": "Residents decide first.",
            "area": "The old town",
            "budget": "250000.00",
            "level": "co-deciding",
        }
    )
    app.join_initiative(
        {
            "actor": "bakery",
            "initiative": "city-centre",
            "stakeholder": "bakery",
            "kind": "entrepreneur",
        }
    )
    app.form_group(
        {
            "actor": "facilitator",
            "initiative": "city-centre",
            "group": "traffic",
            "kind": "working",
            "name": "Working group for traffic",
            "mandate": "Make a traffic plan.",
        }
    )
    app.create_plan(
        {
            "actor": "facilitator",
            "initiative": "city-centre",
            "plan": "traffic-plan",
            "title": "Traffic plan",
            "group": "traffic",
        }
    )
    app.propose_draft(
        {
            "actor": "facilitator",
            "initiative": "city-centre",
            "plan": "traffic-plan",
            "text": "The market square becomes car-free.",
            "changes": "First draft.",
        }
    )


@pytest.fixture
def portal(url: str) -> Iterator[Samenspraak]:
    """A plan open for reactions, on SQLite and on PostgreSQL."""
    app = Samenspraak.open(url)
    _a_plan_open_for_reactions(app)
    yield app
    app.close()


@pytest.fixture
def local(app: Samenspraak) -> Samenspraak:
    """A plan open for reactions, in a SQLite file."""
    _a_plan_open_for_reactions(app)
    return app


def _reactions(app: Samenspraak) -> list[int]:
    return [r.number for r in app.plan_details("city-centre", "traffic-plan").reactions]


def test_a_reaction_given_again_with_its_id_is_told_it_was_recorded_and_not_recorded_twice(
    portal: Samenspraak,
) -> None:
    request = str(uuid.uuid4())
    number = portal.react_to_plan(_reaction(request))
    events = portal.stored_event_count()

    with pytest.raises(AlreadyRecorded) as retried:
        portal.react_to_plan(_reaction(request))

    position = portal.audit_log("city-centre", event="ReactionAdded")[0].position
    assert str(retried.value) == (
        f"The command {request} (react_to_plan) was recorded already, at "
        f"{on_dutch_clocks(retried.value.recorded_at.replace(microsecond=0))}, with "
        f"its first event at position {position}; it is not recorded again."
    )
    assert (retried.value.command_id, retried.value.use_case) == (
        request,
        "react_to_plan",
    )
    assert retried.value.position == position
    assert isinstance(retried.value, Conflict)  # an HTTP API answers 409
    assert portal.stored_event_count() == events
    assert _reactions(portal) == [number]


def test_a_registration_given_again_with_its_id_is_told_it_was_recorded_not_that_the_reference_is_taken(
    portal: Samenspraak,
) -> None:
    """Registering writes the directory and no event: its id is kept all the same,
    and the retry is not refused as a reference registered already."""
    command = {
        "actor": "library",
        "stakeholder": "library",
        "name": "The public library",
        "command_id": "registration-library-1",
    }
    portal.register_stakeholder(command)

    with pytest.raises(AlreadyRecorded) as retried:
        portal.register_stakeholder(command)

    assert retried.value.position is None
    assert "(register_stakeholder) was recorded already" in str(retried.value)
    assert "writing no event" in str(retried.value)


def test_a_command_the_rules_would_refuse_the_second_time_is_told_it_was_recorded(
    local: Samenspraak,
) -> None:
    """Finalising, starting or creating twice is refused by the rules; a retry
    with the id of the one recorded is told that it was recorded, so the backend
    answers its client as it would have the first time."""
    plan = {
        "actor": "facilitator",
        "initiative": "city-centre",
        "plan": "bus-plan",
        "title": "Bus plan",
        "group": "traffic",
        "command_id": "create-bus-plan",
    }
    local.create_plan(plan)
    with pytest.raises(AlreadyRecorded):
        local.create_plan(plan)
    with pytest.raises(Conflict, match="already") as without_id:
        local.create_plan({**plan, "command_id": None})
    assert not isinstance(without_id.value, AlreadyRecorded)


def test_the_same_id_given_to_another_use_case_is_refused_as_a_mistake(
    local: Samenspraak,
) -> None:
    local.react_to_plan(_reaction("request-7"))
    events = local.stored_event_count()

    with pytest.raises(InvalidInput) as mistake:
        local.note_support(
            {
                "actor": "facilitator",
                "initiative": "city-centre",
                "plan": "traffic-plan",
                "reactions": [1],
                "command_id": "request-7",
            }
        )

    assert str(mistake.value).startswith(
        "command_id: request-7 is the id of another command, recorded by "
        "react_to_plan at "
    )
    assert str(mistake.value).endswith("; give note_support an id of its own.")
    assert not isinstance(mistake.value, AlreadyRecorded)
    assert local.stored_event_count() == events


def test_a_refused_command_keeps_no_id_and_is_recorded_when_given_again_rightly(
    local: Samenspraak,
) -> None:
    with pytest.raises(NotFound):
        local.react_to_plan(_reaction("request-8", plan="bus-plan"))

    local.react_to_plan(_reaction("request-8"))

    assert _reactions(local) == [1]


def test_commands_without_an_id_are_recorded_each_time_as_before(
    local: Samenspraak,
) -> None:
    local.react_to_plan(_reaction(None))
    local.react_to_plan(_reaction(None))

    assert _reactions(local) == [1, 2]


def test_threads_giving_one_command_with_one_id_at_once_record_it_once(
    portal: Samenspraak,
) -> None:
    start = threading.Barrier(8)
    numbers: list[int] = []
    refused: list[SamenspraakError] = []

    def retry() -> None:
        start.wait()
        try:
            numbers.append(portal.react_to_plan(_reaction("request-at-once")))
        except SamenspraakError as error:
            refused.append(error)

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(numbers) == 1
    assert len(refused) == 7
    assert all(type(error) is AlreadyRecorded for error in refused), refused
    assert _reactions(portal) == numbers


def test_a_command_that_was_judged_before_its_twin_was_saved_is_refused_when_it_saves(
    url: str, portal: Samenspraak
) -> None:
    """Two instances (two workers of a web server): the second gives the command
    while the first holds the record to itself. It finds no command with that id,
    is judged, and waits to save; the first records it meanwhile. Saving, the
    second finds the id recorded, in its own transaction, and records nothing."""
    other = Samenspraak.open(url)
    outcome: list[object] = []

    def the_second_worker() -> None:
        try:
            outcome.append(other.react_to_plan(_reaction("request-twins")))
        except SamenspraakError as error:
            outcome.append(error)

    try:
        with portal.turns.alone():
            worker = threading.Thread(target=the_second_worker)
            worker.start()
            time.sleep(0.5)  # judged, and waiting for the turn to save
            first = portal.react_to_plan(_reaction("request-twins"))
        worker.join()
    finally:
        other.close()

    assert len(outcome) == 1
    assert type(outcome[0]) is AlreadyRecorded, outcome
    assert _reactions(portal) == [first]


@pytest.mark.parametrize(
    "given",
    [
        "",
        "   ",
        "with space",
        "-starts-with-a-dash",
        "a/b",
        "ünïcode",
        "x" * 65,
        12,
        True,
    ],
)
def test_a_command_id_that_is_no_id_is_refused_in_one_sentence(
    local: Samenspraak, given: object
) -> None:
    events = local.stored_event_count()

    with pytest.raises(InvalidInput) as refused:
        local.react_to_plan(_reaction(given))

    assert str(refused.value) == (
        "command_id: must be 1 to 64 letters, digits, dots, dashes, underscores and "
        "colons, starting with a letter or digit, like a UUID."
    )
    assert local.stored_event_count() == events
    with pytest.raises(ValidationError):
        c.AddReaction.model_validate(_reaction(given))


def test_a_uuid_is_an_id_and_is_kept_as_its_text(local: Samenspraak) -> None:
    request = uuid.uuid4()
    local.react_to_plan(c.AddReaction.model_validate(_reaction(request)))

    with pytest.raises(AlreadyRecorded) as retried:
        local.react_to_plan(_reaction(str(request)))

    assert retried.value.command_id == str(request)


def test_already_recorded_reaches_the_process_that_asked_whole(
    local: Samenspraak,
) -> None:
    local.react_to_plan(_reaction("request-9"))
    with pytest.raises(AlreadyRecorded) as retried:
        local.react_to_plan(_reaction("request-9"))

    copied = pickle.loads(pickle.dumps(retried.value))

    assert type(copied) is AlreadyRecorded
    assert str(copied) == str(retried.value)
    assert (copied.command_id, copied.use_case, copied.position) == (
        "request-9",
        "react_to_plan",
        retried.value.position,
    )
    assert copied.recorded_at == retried.value.recorded_at


def test_the_ids_stay_out_of_the_exported_record_which_replays_and_verifies_as_before(
    local: Samenspraak, tmp_path: Path
) -> None:
    local.react_to_plan(_reaction("request-for-export"))
    head = local.audit_head("city-centre")
    bundle = tmp_path / "city-centre.zip"

    local.export_initiative("city-centre", bundle)
    Samenspraak.replay(bundle, tmp_path / "replayed.db", head=str(head))

    with zipfile.ZipFile(bundle) as archive:
        for name in archive.namelist():
            assert b"request-for-export" not in archive.read(name), name
    assert local.verify_audit(str(head), initiative="city-centre").intact
    assert local.verify_projections().intact
    with Samenspraak.open(tmp_path / "replayed.db", create=False) as replayed:
        assert replayed.verify_audit(str(head), initiative="city-centre").intact
        # The ids are the original record's operations, not part of the record.
        replayed.react_to_plan(_reaction("request-for-export"))
        assert _reactions(replayed) == [1, 2]


def test_every_use_case_given_a_command_with_an_id_runs_it_once_by_that_id() -> None:
    # A use case that parses a command model but runs without it would take a
    # command_id and silently ignore it: a retry would be recorded again.
    import inspect  # noqa: PLC0415

    from samenspraak.application import commands  # noqa: PLC0415

    missing = []
    for name, method in inspect.getmembers(Samenspraak, inspect.isfunction):
        source = inspect.getsource(method)
        parsed = re.search(r"parse\(c\.(\w+)", source)
        if name.startswith("_") or parsed is None or "self._run(" not in source:
            continue
        model = getattr(commands, parsed.group(1))
        if issubclass(model, commands.Command) and (
            f'command=cmd, named="{name}"' not in source
        ):
            missing.append(name)
    assert missing == []


def test_ids_forgotten_before_a_moment_are_recorded_again_and_the_later_ones_still_refused(
    portal: Samenspraak,
) -> None:
    """The backend's retries are over after a day: it forgets the ids of the
    commands recorded before yesterday evening, and keeps today's."""
    from datetime import UTC, datetime  # noqa: PLC0415

    from samenspraak.domain.clock import frozen_at  # noqa: PLC0415

    with frozen_at(datetime(2026, 3, 1, 9, 0, tzinfo=UTC)):
        first = portal.react_to_plan(_reaction("monday-1"))
        portal.react_to_plan(_reaction("monday-2", text="The square needs trees."))
    with frozen_at(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)):
        portal.react_to_plan(_reaction("tuesday-1", text="Bicycles, please."))
        events = portal.stored_event_count()

        forgotten = portal.forget_command_ids("2026-03-01T20:00+01:00")

        assert forgotten == 2
        assert portal.stored_event_count() == events  # no event: upkeep
        with pytest.raises(AlreadyRecorded):
            portal.react_to_plan(_reaction("tuesday-1", text="Bicycles, please."))
        again = portal.react_to_plan(_reaction("monday-1"))
    assert again != first  # a retry of a forgotten id is recorded again
    assert portal.forget_command_ids("2026-03-01T20:00+01:00") == 0


def test_ids_are_not_forgotten_before_a_moment_to_come(local: Samenspraak) -> None:
    local.react_to_plan(_reaction("kept"))

    with pytest.raises(InvalidInput) as refused:
        local.forget_command_ids("2999-01-01T00:00+01:00")

    assert str(refused.value) == (
        "before: 2999-01-01T00:00+01:00 lies in the future; the id of a command "
        "recorded from now on must not be forgotten, or its retry would be recorded "
        "again."
    )
    with pytest.raises(AlreadyRecorded):
        local.react_to_plan(_reaction("kept"))
