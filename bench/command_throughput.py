"""Command throughput: the engine against the bare eventsourcing library.

The engine adds a reaction to a plan that already has many reactions (1,000 by
default), through its public API (``Samenspraak.react_to_plan``). The baseline is
the bare eventsourcing library doing the same storage work per command on the same
SQLite file: it reads an initiative-like aggregate and a plan-like aggregate with
the same numbers of events and comparable payloads (``repository.get`` twice),
triggers one event on the plan and saves it (``Application.save``).

Both sides run in the same process on the same SQLite file, in alternating rounds
(engine first in even rounds, the bare library first in odd rounds) to cancel drift.
The aggregate cache and snapshots are off on both sides unless ``--cache`` is given,
which turns the library's aggregate cache on for both sides alike.

Run it from the project root::

    .venv/bin/python bench/command_throughput.py

It always exits with status 0; the line that starts with "Goal" says whether the goal (the engine
reaches at least 80% of the bare library's throughput) is met.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import math
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from profiling import profile

from samenspraak.application import Samenspraak
from samenspraak.application.config import storage_env
from samenspraak.domain.initiative import initiative_id
from samenspraak.domain.plan import plan_id

GOAL = 0.8
INITIATIVE = "city-centre"
PLAN = "traffic-plan"
FACILITATOR = "facilitator"
REACTOR = "bakery"
PEOPLE = (
    ("bakery", "entrepreneur"),
    ("library", "institution"),
    ("resident-kerkstraat", "resident"),
    ("resident-havenkwartier", "resident"),
    ("civil-servant-traffic", "civil-servant"),
)
GROUP_MEMBERS = ("bakery", "resident-kerkstraat")


def reaction_text(n: int) -> str:
    """A reaction of a realistic length (about 80 characters), different each time."""
    return f"Deliveries before 11:00 are too early for fresh bread to the shops ({n})."


# --- The engine ----------------------------------------------------------------------


def open_engine(db: Path, tuning: dict[str, str]) -> Samenspraak:
    """Open the engine on a SQLite file: what ``Samenspraak.open(db)`` does, plus
    the same library settings (``tuning``) that the bare side gets."""
    return Samenspraak({**storage_env(str(db)), **tuning})


def set_up_engine(db: Path, reactions: int) -> None:
    """An initiative with stakeholders and a working group, and a plan with one
    draft and ``reactions`` reactions, all through the public API.

    The setup uses an instance with the library's aggregate cache (without copies
    from the cache) so that it takes seconds rather than a minute; the stored record
    is the same either way. It is closed before the measured instance is opened.
    """
    app = open_engine(
        db, {"AGGREGATE_CACHE_MAXSIZE": "16", "DEEPCOPY_FROM_AGGREGATE_CACHE": "n"}
    )
    try:
        app.register_stakeholder(
            {"actor": FACILITATOR, "stakeholder": FACILITATOR, "name": "Facilitator"}
        )
        app.start_initiative(
            {
                "actor": FACILITATOR,
                "initiative": INITIATIVE,
                "title": "Together for a lively city centre",
                "description": "Residents, entrepreneurs and institutions decide "
                "together what the city centre should look like.",
                "area": "The old town within the canals",
                "budget": Decimal("250000.00"),
                "level": "co-deciding",
            }
        )
        for ref, kind in PEOPLE:
            app.register_stakeholder(
                {"actor": FACILITATOR, "stakeholder": ref, "name": f"The {ref}"}
            )
            app.join_initiative(
                {
                    "actor": FACILITATOR,
                    "initiative": INITIATIVE,
                    "stakeholder": ref,
                    "kind": kind,
                }
            )
        app.form_group(
            {
                "actor": FACILITATOR,
                "initiative": INITIATIVE,
                "group": "traffic",
                "kind": "working",
                "name": "Working group for traffic",
                "mandate": "Make a traffic plan with the residents and entrepreneurs.",
            }
        )
        for ref in GROUP_MEMBERS:
            app.add_member(
                {
                    "actor": FACILITATOR,
                    "initiative": INITIATIVE,
                    "group": "traffic",
                    "stakeholder": ref,
                }
            )
        app.create_plan(
            {
                "actor": REACTOR,
                "initiative": INITIATIVE,
                "plan": PLAN,
                "title": "Traffic plan for the city centre",
                "group": "traffic",
            }
        )
        app.propose_draft(
            {
                "actor": REACTOR,
                "initiative": INITIATIVE,
                "plan": PLAN,
                "text": "Through traffic is kept out of the old town; the market "
                "square becomes car-free; deliveries before 11:00.",
                "changes": "First draft by the working group.",
            }
        )
        for n in range(1, reactions + 1):
            engine_command(app, n)
    finally:
        app.close()


def engine_command(app: Samenspraak, n: int) -> None:
    """One command: a stakeholder reacts to version 1 of the plan."""
    app.react_to_plan(
        {
            "actor": REACTOR,
            "initiative": INITIATIVE,
            "plan": PLAN,
            "version": 1,
            "stance": "concern",
            "text": reaction_text(n),
        }
    )


def engine_versions(app: Samenspraak) -> tuple[int, int]:
    """The versions (numbers of events) of the engine's initiative and plan."""
    initiative: Aggregate = app.repository.get(initiative_id(INITIATIVE))
    plan: Aggregate = app.repository.get(plan_id(initiative.id, PLAN))
    return initiative.version, plan.version


# --- The bare library ----------------------------------------------------------------


def text_ref(body: str) -> dict[str, str]:
    """A reference to a text, as the events carry it: an id and a SHA-256."""
    return {
        "id": str(uuid.uuid4()),
        "sha256": hashlib.sha256(body.encode()).hexdigest(),
    }


class BareInitiative(Aggregate):
    """An initiative-like aggregate: the events the engine's initiative has here."""

    @event("Started")
    def __init__(
        self,
        *,
        actor: str,
        slug: str,
        title: dict[str, str],
        description: dict[str, str],
        area: dict[str, str],
        budget: Decimal,
        level: str,
        facilitator: str,
        template_name: str,
        template_version: str,
        template_hash: str,
        phase: str,
    ) -> None:
        self.slug = slug
        self.facilitator = facilitator
        self.phase = phase
        self.stakeholders: dict[str, str] = {}
        self.groups: dict[str, set[str]] = {}

    @event("StakeholderJoined")
    def join(self, *, actor: str, stakeholder: str, kind: str) -> None:
        self.stakeholders[stakeholder] = kind

    @event("GroupFormed")
    def form_group(
        self,
        *,
        actor: str,
        group: str,
        kind: str,
        name: dict[str, str],
        mandate: dict[str, str],
    ) -> None:
        self.groups[group] = set()

    @event("MemberAdded")
    def add_member(self, *, actor: str, group: str, stakeholder: str) -> None:
        self.groups[group].add(stakeholder)


class BarePlan(Aggregate):
    """A plan-like aggregate: created, one draft, then reactions."""

    @event("Created")
    def __init__(
        self,
        *,
        actor: str,
        initiative_id: UUID,
        slug: str,
        title: dict[str, str],
        group: str,
    ) -> None:
        self.initiative_id = initiative_id
        self.slug = slug
        self.versions: dict[int, dict[str, Any]] = {}
        self.reactions: dict[int, dict[str, Any]] = {}

    @event("DraftProposed")
    def propose_draft(
        self,
        *,
        actor: str,
        version: int,
        text: dict[str, str],
        changes: dict[str, str],
    ) -> None:
        self.versions[version] = {"text": text, "changes": changes, "by": actor}

    @event("ReactionAdded")
    def add_reaction(
        self,
        *,
        actor: str,
        reaction: int,
        stakeholder: str,
        version: int,
        stance: str,
        text: dict[str, str],
        channel: str,
        section: str | None,
        meeting: int | None,
    ) -> None:
        self.reactions[reaction] = {
            "stakeholder": stakeholder,
            "version": version,
            "stance": stance,
            "text": text,
            "channel": channel,
            "section": section,
            "meeting": meeting,
            "recorded_by": actor,
        }


class BareLibrary(Application[UUID]):
    """A plain eventsourcing application with the library's own SQLite recorder."""

    name = "BareLibrary"


@dataclass
class BareSide:
    """The bare application, the ids of its two aggregates and the reacting actor."""

    app: BareLibrary
    initiative_id: UUID
    plan_id: UUID
    reactor: str


def open_bare(db: Path, tuning: dict[str, str]) -> BareLibrary:
    """The bare library on the same SQLite file, with the same storage settings
    as the engine (only the engine's own recorder is left out)."""
    env = {
        k: v
        for k, v in storage_env(str(db)).items()
        if k != "APPLICATION_RECORDER_TOPIC"
    }
    return BareLibrary({**env, **tuning})


def set_up_bare(app: BareLibrary, reactions: int) -> BareSide:
    """The same numbers of events, with comparable payloads, as the engine's setup."""
    facilitator = str(uuid.uuid4())
    people = {ref: str(uuid.uuid4()) for ref, _ in PEOPLE}
    initiative = BareInitiative(
        actor=facilitator,
        slug=INITIATIVE,
        title=text_ref("Together for a lively city centre"),
        description=text_ref("Residents, entrepreneurs and institutions decide."),
        area=text_ref("The old town within the canals"),
        budget=Decimal("250000.00"),
        level="co-deciding",
        facilitator=facilitator,
        template_name="overheidsparticipatie",
        template_version="1",
        template_hash=hashlib.sha256(b"template").hexdigest(),
        phase="society-decides",
    )
    for ref, kind in PEOPLE:
        initiative.join(actor=facilitator, stakeholder=people[ref], kind=kind)
    initiative.form_group(
        actor=facilitator,
        group="traffic",
        kind="working",
        name=text_ref("Working group for traffic"),
        mandate=text_ref("Make a traffic plan with the residents and entrepreneurs."),
    )
    for ref in GROUP_MEMBERS:
        initiative.add_member(
            actor=facilitator, group="traffic", stakeholder=people[ref]
        )
    reactor = people[REACTOR]
    plan = BarePlan(
        actor=reactor,
        initiative_id=initiative.id,
        slug=PLAN,
        title=text_ref("Traffic plan for the city centre"),
        group="traffic",
    )
    plan.propose_draft(
        actor=reactor,
        version=1,
        text=text_ref("Through traffic is kept out of the old town."),
        changes=text_ref("First draft by the working group."),
    )
    app.save(initiative)
    app.save(plan)
    for n in range(1, reactions + 1):
        add_bare_reaction(plan, reactor, n)
        if n % 100 == 0:
            app.save(plan)
    app.save(plan)
    return BareSide(app, initiative.id, plan.id, reactor)


def add_bare_reaction(plan: BarePlan, reactor: str, n: int) -> None:
    plan.add_reaction(
        actor=reactor,
        reaction=len(plan.reactions) + 1,
        stakeholder=reactor,
        version=1,
        stance="concern",
        text=text_ref(reaction_text(n)),
        channel="online",
        section=None,
        meeting=None,
    )


def bare_command(side: BareSide, n: int) -> None:
    """One command: read the initiative and the plan, add a reaction, save."""
    side.app.repository.get(side.initiative_id)
    plan: BarePlan = side.app.repository.get(side.plan_id)
    add_bare_reaction(plan, side.reactor, n)
    side.app.save(plan)


def bare_versions(side: BareSide) -> tuple[int, int]:
    initiative: Aggregate = side.app.repository.get(side.initiative_id)
    plan: Aggregate = side.app.repository.get(side.plan_id)
    return initiative.version, plan.version


# --- Measuring -----------------------------------------------------------------------


@dataclass
class Side:
    """One side of the comparison and its timed rounds (seconds, commands)."""

    name: str
    command: Callable[[int], None]
    next_n: int = 0
    rounds: list[tuple[float, int]] = field(default_factory=list)

    def run(self, count: int) -> float:
        """Run ``count`` commands; returns the seconds they took."""
        gc.collect()
        start = time.perf_counter()
        for _ in range(count):
            self.next_n += 1
            self.command(self.next_n)
        return time.perf_counter() - start

    @property
    def commands(self) -> int:
        return sum(n for _, n in self.rounds)

    @property
    def seconds(self) -> float:
        return sum(t for t, _ in self.rounds)

    @property
    def rate(self) -> float:
        """Commands per second over all rounds."""
        return self.commands / self.seconds

    @property
    def ms_per_command(self) -> float:
        return 1000 * self.seconds / self.commands

    @property
    def median_round_ms(self) -> float:
        """Milliseconds per command in the median round."""
        return 1000 * statistics.median(t / n for t, n in self.rounds)


def measure(sides: tuple[Side, Side], commands: int, round_size: int) -> None:
    """Alternate the sides round by round (ABBA order), each round timed alone."""
    rounds = math.ceil(commands / round_size)
    for r in range(rounds):
        size = min(round_size, commands - r * round_size)
        order = sides if r % 2 == 0 else sides[::-1]
        for side in order:
            side.rounds.append((side.run(size), size))


def profile_side(side: Side, count: int, top: int) -> str:
    """Run ``count`` more commands of one side under cProfile; the top functions."""
    return profile(lambda: side.run(count), top)


# --- Main ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reactions",
        type=int,
        default=1000,
        help="reactions on the plan before measuring (default: 1000)",
    )
    parser.add_argument(
        "--commands",
        type=int,
        default=300,
        help="measured commands per side (default: 300)",
    )
    parser.add_argument(
        "--round-size",
        type=int,
        default=10,
        help="commands per side in each alternating round (default: 10)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=5,
        help="unmeasured commands per side before measuring (default: 5)",
    )
    parser.add_argument(
        "--cache",
        type=int,
        default=0,
        metavar="SIZE",
        help="turn the library's aggregate cache on for both sides with this "
        "maximum size (default: 0, off)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after measuring, profile N more engine commands and print where "
        "the time goes (default: 0, no profile)",
    )
    args = parser.parse_args(argv)
    for name in ("reactions", "commands", "round_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def describe_settings(engine: Application[UUID], bare: Application[UUID]) -> str:
    """The cache and snapshot settings in force, checked on both sides."""
    settings = set()
    for app in (engine, bare):
        cache = app.repository.cache
        size = getattr(cache, "maxsize", None) if cache is not None else None
        settings.add(
            (
                "off" if cache is None else f"on (max {size})",
                "off" if app.snapshots is None else "on",
            )
        )
    if len(settings) != 1:
        msg = f"The two sides have different settings: {settings}"
        raise AssertionError(msg)
    cache_setting, snapshot_setting = settings.pop()
    return f"aggregate cache {cache_setting}, snapshots {snapshot_setting}"


def report(args: argparse.Namespace, engine: Side, bare: Side, settings: str) -> None:
    ratio = engine.rate / bare.rate
    paired = [
        tb / te for (te, _), (tb, _) in zip(engine.rounds, bare.rounds, strict=True)
    ]
    start = args.reactions + args.warmup
    print()
    print(
        f"Adding a reaction to a plan with {args.reactions:,} reactions "
        f"({start:,} after warm-up, {start + engine.commands:,} at the end)"
    )
    print(
        f"SQLite file, {settings}; {engine.commands} commands per side "
        f"in {len(engine.rounds)} alternating rounds of up to {args.round_size}"
    )
    print()
    print(f"{'side':<37}{'commands/s':>11}{'ms/command':>12}{'median round':>14}")
    for side in (engine, bare):
        print(
            f"{side.name:<37}{side.rate:>11.1f}{side.ms_per_command:>12.2f}"
            f"{side.median_round_ms:>11.2f} ms"
        )
    print()
    print(f"ratio engine/bare (all rounds): {ratio:.3f}")
    print(
        f"ratio per round: median {statistics.median(paired):.3f}, "
        f"min {min(paired):.3f}, max {max(paired):.3f}"
    )
    met = "met" if ratio >= GOAL else "NOT met"
    print(f"Goal (ratio >= {GOAL}): {met}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tuning = {"AGGREGATE_CACHE_MAXSIZE": str(args.cache)} if args.cache else {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="samenspraak-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        print(f"Setting up {args.reactions:,} reactions on each side ...", flush=True)
        set_up_engine(db, args.reactions)
        engine_app = open_engine(db, tuning)
        bare_app = open_bare(db, tuning)
        try:
            run_benchmark(args, engine_app, bare_app, started)
        finally:
            engine_app.close()
            bare_app.close()
    print(f"Total time: {time.perf_counter() - started:.1f} s")
    return 0


def run_benchmark(
    args: argparse.Namespace,
    engine_app: Samenspraak,
    bare_app: BareLibrary,
    started: float,
) -> None:
    bare = set_up_bare(bare_app, args.reactions)
    check_same_shape(engine_app, bare)
    settings = describe_settings(engine_app, bare_app)
    engine = Side(
        "engine (Samenspraak.react_to_plan)",
        lambda n: engine_command(engine_app, n),
        next_n=args.reactions,
    )
    baseline = Side(
        "bare eventsourcing (get, get, save)",
        lambda n: bare_command(bare, n),
        next_n=args.reactions,
    )
    print(f"Set up in {time.perf_counter() - started:.1f} s; measuring ...", flush=True)
    if args.warmup:
        engine.run(args.warmup)
        baseline.run(args.warmup)
    measure((engine, baseline), args.commands, args.round_size)
    check_same_shape(engine_app, bare)
    report(args, engine, baseline, settings)
    if args.profile:
        print()
        print(f"Profile of {args.profile} more engine commands:")
        print(profile_side(engine, args.profile, top=30))


def check_same_shape(engine_app: Samenspraak, bare: BareSide) -> None:
    """Both sides read aggregates with the same numbers of events."""
    if engine_versions(engine_app) != bare_versions(bare):
        msg = (
            "The two sides do not have the same numbers of events: "
            f"{engine_versions(engine_app)} and {bare_versions(bare)}."
        )
        raise AssertionError(msg)


if __name__ == "__main__":
    sys.exit(main())
