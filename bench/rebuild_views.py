"""Rebuilding the views: the engine's rebuild against reading the log alone.

A SQLite file is filled with a realistic record: several initiatives run at the same
time (their events interleave in the log), each with stakeholders joining and
leaving, groups, meetings, plans with drafts, many reactions and their answers,
decision points with positions, phases, the council, budget allocations and the
close. The record is made with the engine's own aggregates and ``Application.save``
(several events per save), not through the public API, so that setting up 40,000
events takes well under a minute; the stored events are the same as the API's.

Measured, in the same process on the same file, in alternating order:

- **rebuild**: every view emptied and built again from the whole log, as
  ``Samenspraak.rebuild_projections`` does after its audit check
  (``rebuild_all(recorder, mapper, views)``: one transaction, each batch of the log
  read and decoded once for all three views);
- **baseline**: the log read in pages of the same batch size
  (``recorder.select_notifications``) and every event decoded
  (``mapper.to_domain_event``), with nothing written.

Also measured, for the analysis:

- each view alone, emptied and caught up (each reads and decodes the log itself);
- **the views' computing alone**: the rebuild's reading, decoding and every view's
  own logic (projecting, hashing, summarising, encoding its rows), with statements
  handed to a cursor that discards them, so nothing is written or committed. Its
  rate is the most a rebuild could reach if writing to SQLite cost nothing, which
  bounds the ratio this design can reach;
- **storing the rows alone**: the rows a rebuild leaves in the views copied, inside
  SQLite (``INSERT INTO ... SELECT`` into an attached empty file with the same
  tables and indexes, one transaction), with no Python work at all: the least that
  writing these rows can cost;
- **writing the rows alone, from Python**: the same rows handed back to the views'
  tables through ``executemany`` on the engine's connection, emptied first and
  written in as many transactions as the rebuild has batches, with nothing
  computed. Reading and decoding the log and then writing these rows is the least
  any rebuild that writes from Python does, which bounds the ratio from above
  whatever the views' logic is compiled to;
- ``Samenspraak.rebuild_projections`` (which verifies the audit chain first), once
  at the end.

Run it from the project root::

    .venv/bin/python bench/rebuild_views.py

It always exits with status 0; the line that starts with "Goal" says whether the goal (the rebuild
reaches at least half the baseline's events per second) is met.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteCursor,
)
from profiling import profile

from samenspraak.application import Samenspraak
from samenspraak.application.persistence import StakeholderRow, TextRow
from samenspraak.domain import clock
from samenspraak.domain.decision_point import DecisionPoint, Option
from samenspraak.domain.initiative import Initiative, initiative_id
from samenspraak.domain.plan import Plan
from samenspraak.domain.values import (
    Channel,
    CouncilSession,
    DecisionRule,
    GroupKind,
    MeetingKind,
    ParticipationLevel,
    StakeholderKind,
    Stance,
    TextRef,
)
from samenspraak.projections.views import (
    BaseView,
    Decoder,
    batch_size_for,
    catch_up,
    rebuild_all,
)

GOAL = 0.5
START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
KINDS = (
    (StakeholderKind.RESIDENT, 70),
    (StakeholderKind.ENTREPRENEUR, 12),
    (StakeholderKind.INSTITUTION, 8),
    (StakeholderKind.CIVIL_SERVANT, 8),
    (StakeholderKind.COUNCIL_MEMBER, 2),
)
STANCES = (
    (Stance.SUPPORT, 30),
    (Stance.CONCERN, 35),
    (Stance.OBJECTION, 20),
    (Stance.SUGGESTION, 15),
)
SOCIETY = [
    StakeholderKind.RESIDENT,
    StakeholderKind.ENTREPRENEUR,
    StakeholderKind.INSTITUTION,
]


# --- Making the record ---------------------------------------------------------------


class Clock:
    """The engine's clock for the setup: each step happens a little later."""

    def __init__(self) -> None:
        self.moment = START

    def now(self) -> datetime:
        return self.moment

    def later(self, minutes: float) -> None:
        self.moment += timedelta(minutes=minutes)


@dataclass
class Batch:
    """Texts and directory rows to save with the events of one step."""

    initiative_id: str
    texts: list[TextRow] = field(default_factory=list)
    stakeholders: list[StakeholderRow] = field(default_factory=list)

    def seal(self, purpose: str, body: str) -> TextRef:
        salt = uuid.uuid4().hex
        text_id = str(uuid.uuid4())
        self.texts.append(TextRow(text_id, self.initiative_id, purpose, salt, body))
        digest = hashlib.sha256(bytes.fromhex(salt) + body.encode()).hexdigest()
        return TextRef(text_id, digest)


def pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


@dataclass
class Shape:
    """The size of one initiative's process."""

    stakeholders: int
    plans: int
    reactions_per_plan: int
    decisions: int
    meetings: int


class Process:
    """One initiative's process, told step by step; each step saves some events."""

    def __init__(
        self, app: Samenspraak, rng: random.Random, n: int, shape: Shape
    ) -> None:
        self.app = app
        self.rng = rng
        self.slug = f"district-{n}"
        self.shape = shape
        self.facilitator = str(uuid.uuid4())
        self.people: dict[str, StakeholderKind] = {}
        self.initiative: Initiative
        self.plans: list[Plan] = []
        self.open_reactions: dict[int, list[int]] = {}
        self.decisions: list[DecisionPoint] = []

    def save(self, batch: Batch, *aggregates: Any) -> int:
        events = sum(len(a.pending_events) for a in aggregates)
        self.app.save(*aggregates, texts=batch.texts, stakeholders=batch.stakeholders)
        return events

    def batch(self) -> Batch:
        return Batch(str(self.initiative.id))

    def steps(self) -> Iterator[int]:
        """Yields the number of events saved by each step."""
        yield from self.consulted()
        for plan in self.plans:
            yield from self.answer_all(plan)
            yield self.finalise(plan)
        yield self.decide_and_allocate()
        yield self.advance()  # council
        yield self.inform_council()
        yield self.leave()
        yield self.close()

    def consulted(self) -> Iterator[int]:
        """The steps up to the end of the second consultation: the process still
        open, most reactions answered, no plan final."""
        yield self.start()
        people = list(self._new_people(self.shape.stakeholders))
        for start in range(0, len(people), 25):
            yield self.join(people[start : start + 25])
        yield self.groups()
        for _ in range(2):
            yield self.meeting()
        yield self.create_plans()
        for _ in range(self.shape.decisions):
            yield self.put_decision()
        yield from self.consultation(first_half=True)
        yield self.advance()  # colleagues join: civil servants may react now
        for plan in self.plans:
            yield self.second_draft(plan)
        yield from self.consultation(first_half=False)

    # The steps.

    def _new_people(self, count: int) -> Iterator[tuple[str, StakeholderKind]]:
        for _ in range(count):
            yield str(uuid.uuid4()), pick(self.rng, KINDS)

    def start(self) -> int:
        batch = Batch(str(initiative_id(self.slug)))
        self.initiative = Initiative.start(
            actor=self.facilitator,
            slug=self.slug,
            title=batch.seal("title", f"Together for {self.slug}"),
            description=batch.seal("description", "Residents decide together. " * 8),
            area=batch.seal("area", f"The streets of {self.slug}"),
            budget=Decimal("250000.00"),
            level=ParticipationLevel.CO_DECIDING,
        )
        batch.stakeholders.append(
            StakeholderRow(self.facilitator, f"facilitator-{self.slug}", "F", None)
        )
        return self.save(batch, self.initiative)

    def join(self, people: list[tuple[str, StakeholderKind]]) -> int:
        batch = self.batch()
        for person, kind in people:
            ref = f"person-{person[:12]}"
            batch.stakeholders.append(StakeholderRow(person, ref, "A person", None))
            actor = person if self.rng.random() < 0.6 else self.facilitator
            self.initiative.join(actor=actor, stakeholder=person, kind=kind)
            self.people[person] = kind
        return self.save(batch, self.initiative)

    def society(self) -> list[str]:
        return [
            p
            for p, kind in self.people.items()
            if kind in SOCIETY and self.initiative.is_active(p)
        ]

    def groups(self) -> int:
        batch = self.batch()
        society = self.society()
        for slug, kind in (
            ("steering", GroupKind.STEERING),
            ("works", GroupKind.WORKING),
        ):
            self.initiative.form_group(
                actor=self.facilitator,
                slug=slug,
                kind=kind,
                name=batch.seal("group name", f"The {slug} group"),
                mandate=batch.seal("group mandate", "Work out a plan with everyone."),
            )
            for person in self.rng.sample(society, 12):
                self.initiative.add_member(
                    actor=self.facilitator, group=slug, stakeholder=person
                )
        member = next(iter(self.initiative.groups["works"].members))
        self.initiative.remove_member(
            actor=self.facilitator, group="works", stakeholder=member
        )
        return self.save(batch, self.initiative)

    def meeting(self) -> int:
        batch = self.batch()
        self.initiative.hold_meeting(
            actor=self.facilitator,
            starts_at=clock.now().replace(hour=19, minute=30),
            kind=pick(
                self.rng,
                ((MeetingKind.RESIDENTS_MEETING, 3), (MeetingKind.WALK_IN, 1)),
            ),
            place=batch.seal("meeting place", "The community centre"),
            attendance=self.rng.randint(12, 140),
            summary=batch.seal("meeting summary", "People talked about traffic. " * 6),
        )
        return self.save(batch, self.initiative)

    def create_plans(self) -> int:
        batch = self.batch()
        for n in range(1, self.shape.plans + 1):
            plan = Plan.create(
                actor=self.facilitator,
                initiative=self.initiative,
                slug=f"plan-{n}",
                title=batch.seal("plan title", f"Plan {n} for {self.slug}"),
                group="works",
            )
            plan.propose_draft(
                actor=self.facilitator,
                initiative=self.initiative,
                text=batch.seal("draft text", "The square becomes car-free. " * 10),
                changes=batch.seal("draft changes", "First draft."),
            )
            self.plans.append(plan)
            self.open_reactions[len(self.plans) - 1] = []
        return self.save(batch, *self.plans)

    def put_decision(self) -> int:
        batch = self.batch()
        n = len(self.decisions) + 1
        decision = DecisionPoint.put(
            actor=self.facilitator,
            initiative=self.initiative,
            slug=f"choice-{n}",
            question=batch.seal("question", "Where should the budget go?"),
            options=[
                Option(key, batch.seal("option", f"Option {key}"))
                for key in ("park", "square", "bikes")
            ],
            eligible=SOCIETY,
            rule=DecisionRule.PLURALITY,
        )
        self.decisions.append(decision)
        return self.save(batch, decision)

    def consultation(self, *, first_half: bool) -> Iterator[int]:
        """Reactions, answers, positions and meetings, mixed."""
        per_half = self.shape.reactions_per_plan * len(self.plans) // 2
        rounds = max(1, per_half // 20)
        meeting_every = max(1, rounds // (self.shape.meetings // 2 or 1))
        for r in range(rounds):
            yield self.react(self.rng.randrange(len(self.plans)), 20)
            if r % 3 == 2:
                yield self.answer(self.rng.randrange(len(self.plans)), 12)
            if r % 2 == 0 and first_half:
                yield self.take_positions(10)
            if r % meeting_every == meeting_every - 1:
                yield self.meeting()

    def react(self, index: int, count: int) -> int:
        plan = self.plans[index]
        batch = self.batch()
        who = (
            self.society()
            if self.initiative.society_decides
            else [p for p in self.people if self.initiative.is_active(p)]
        )
        for _ in range(count):
            person = self.rng.choice(who)
            by_letter = self.rng.random() < 0.15
            number = plan.add_reaction(
                actor=self.facilitator if by_letter else person,
                initiative=self.initiative,
                stakeholder=person,
                version=plan.latest_version,
                stance=pick(self.rng, STANCES),
                text=batch.seal("reaction", "I would like fewer cars here. " * 4),
                channel=Channel.LETTER if by_letter else Channel.ONLINE,
                section=batch.seal("reaction section", "Section 2.1")
                if self.rng.random() < 0.2
                else None,
            )
            self.open_reactions[index].append(number)
        if self.rng.random() < 0.3:
            number = self.open_reactions[index].pop(0)
            plan.withdraw_reaction(
                actor=self.facilitator, initiative=self.initiative, reaction=number
            )
        return self.save(batch, plan)

    def answer(self, index: int, count: int) -> int:
        """Answer up to ``count`` of a plan's open reactions, a few at a time."""
        plan = self.plans[index]
        batch = self.batch()
        waiting, self.open_reactions[index] = (
            self.open_reactions[index][:count],
            self.open_reactions[index][count:],
        )
        support = [n for n in waiting if plan.reactions[n].stance is Stance.SUPPORT]
        other = [n for n in waiting if n not in support]
        if support:
            plan.note_support(
                actor=self.facilitator, initiative=self.initiative, reactions=support
            )
        for start in range(0, len(other), 3):
            numbers = other[start : start + 3]
            later = (
                max(plan.reactions[n].version for n in numbers) < plan.latest_version
            )
            if later and self.rng.random() < 0.6:
                plan.adopt_change(
                    actor=self.facilitator,
                    initiative=self.initiative,
                    reactions=numbers,
                    version=plan.latest_version,
                    explanation=batch.seal("explanation", "The plan now says so. " * 3),
                )
            else:
                plan.defend_position(
                    actor=self.facilitator,
                    initiative=self.initiative,
                    reactions=numbers,
                    reasoning=batch.seal(
                        "reasoning", "The bus needs this street. " * 3
                    ),
                )
        return self.save(batch, plan)

    def answer_all(self, plan: Plan) -> Iterator[int]:
        index = self.plans.index(plan)
        while self.open_reactions[index]:
            yield self.answer(index, 30)

    def second_draft(self, plan: Plan) -> int:
        batch = self.batch()
        plan.propose_draft(
            actor=self.facilitator,
            initiative=self.initiative,
            text=batch.seal("draft text", "The square becomes car-free. " * 11),
            changes=batch.seal("draft changes", "Deliveries until 11:30."),
        )
        return self.save(batch, plan)

    def take_positions(self, count: int) -> int:
        decision = self.rng.choice(self.decisions)
        batch = self.batch()
        for person in self.rng.sample(self.society(), count):
            option = pick(self.rng, (("park", 5), ("square", 3), ("bikes", 2)))
            decision.take_position(
                actor=person,
                initiative=self.initiative,
                option=option,
                reason=batch.seal("position reason", "Children play there.")
                if self.rng.random() < 0.3
                else None,
            )
        return self.save(batch, decision)

    def finalise(self, plan: Plan) -> int:
        plan.finalise(actor=self.facilitator, initiative=self.initiative)
        return self.save(self.batch(), plan)

    def decide_and_allocate(self) -> int:
        batch = self.batch()
        for decision in self.decisions:
            if decision.decide(actor=self.facilitator, initiative=self.initiative):
                self.initiative.allocate_budget(
                    actor=self.facilitator,
                    amount=Decimal("40000.00"),
                    purpose=batch.seal("allocation purpose", "As decided."),
                    decision=decision,
                )
        return self.save(batch, self.initiative, *self.decisions)

    def advance(self) -> int:
        self.initiative.advance_phase(actor=self.facilitator)
        return self.save(self.batch(), self.initiative)

    def inform_council(self) -> int:
        batch = self.batch()
        self.initiative.inform_council(
            actor=self.facilitator,
            document_title=batch.seal("council document title", "The plans"),
            document_sha256=hashlib.sha256(self.slug.encode()).hexdigest(),
            session=CouncilSession.INFORMAL,
            informed_at=clock.now(),
        )
        return self.save(batch, self.initiative)

    def leave(self) -> int:
        for person in self.rng.sample(self.society(), 5):
            self.initiative.leave(actor=person, stakeholder=person)
        return self.save(self.batch(), self.initiative)

    def close(self) -> int:
        batch = self.batch()
        self.initiative.close(
            actor=self.facilitator, outcome=batch.seal("outcome", "Plans adopted.")
        )
        return self.save(batch, self.initiative)


def shape_for(events: int, initiatives: int) -> Shape:
    """A process shape that gives about ``events`` events over ``initiatives``."""
    per_initiative = events / initiatives
    # Besides its reactions, a process of this shape records about 500 events, and
    # each reaction brings about 0.35 more (its answer, sometimes a withdrawal, a
    # meeting now and then, positions on the decision points).
    reactions = max(60, int((per_initiative - 500) / 1.35 / 3))
    return Shape(
        stakeholders=300,
        plans=3,
        reactions_per_plan=reactions,
        decisions=2,
        meetings=24,
    )


def make_record(app: Samenspraak, events: int, initiatives: int, seed: int) -> int:
    """Tell ``initiatives`` processes at once, a step of each in turn; returns the
    number of events saved."""
    rng = random.Random(seed)
    shape = shape_for(events, initiatives)
    return tell(rng, [Process(app, rng, n, shape) for n in range(1, initiatives + 1)])


def tell(rng: random.Random, processes: list[Process]) -> int:
    """Tell these processes at once, a step of each in turn, each step a little
    later on the engine's clock; returns the number of events saved."""
    the_clock = Clock()
    previous = clock.set_clock(the_clock.now)
    try:
        running = [process.steps() for process in processes]
        saved = 0
        while running:
            for steps in list(running):
                the_clock.later(rng.uniform(1, 20))
                try:
                    saved += next(steps)
                except StopIteration:
                    running.remove(steps)
        return saved
    finally:
        clock.set_clock(previous)


# --- What is measured ----------------------------------------------------------------


def rebuild_view(app: Samenspraak, view: BaseView, batch_size: int | None) -> int:
    """One view alone, emptied and caught up (for the analysis, not the goal)."""
    view.clear()
    return catch_up(app.recorder, app.mapper, view, batch_size=batch_size)


def rebuild(app: Samenspraak, batch_size: int | None) -> int:
    """What ``Samenspraak.rebuild_projections`` does after its audit check
    (``rebuild_all``): in one transaction, every view emptied, then each batch of
    the log read and decoded once and written to all three views."""
    applied = rebuild_all(app.recorder, app.mapper, app.views, batch_size=batch_size)
    counts = set(applied.values())
    if len(counts) != 1:
        msg = f"The views applied different numbers of events: {applied}."
        raise AssertionError(msg)
    return counts.pop()


class DiscardingCursor:
    """Takes every statement and keeps nothing; a read finds no rows (as in views
    being rebuilt from empty)."""

    def execute(self, statement: Any, params: Any = (), /) -> None:
        pass

    def executemany(self, statement: Any, params: Any, /) -> None:
        pass

    def fetchall(self) -> list[Any]:
        return []

    def fetchone(self) -> None:
        return None


def compute_only(app: Samenspraak, batch_size: int) -> int:
    """The rebuild with nothing written: each batch read and decoded once, then
    handed to every view's own logic (``_write``, the method a batch goes through
    inside the rebuild's transaction) with a cursor that discards its statements.
    The views keep what they worked out in memory from batch to batch, as in a
    rebuild."""
    decoder = Decoder(app.mapper)
    cursor = DiscardingCursor()
    for view in app.views:
        view.forget()
    position = 0
    try:
        while True:
            page = app.recorder.select_notifications(
                start=position, limit=batch_size, inclusive_of_start=False
            )
            if not page:
                return position
            items = decoder.items(page)
            for view in app.views:
                view._position_before = position
                view._write(cursor, items)
                view.remembered_position = items[-1].position
            position = page[-1].id
    finally:
        for view in app.views:
            view.forget()


def breakdown(app: Samenspraak, batch_size: int | None) -> str:
    """Time the parts of one rebuild by wrapping the calls that make it up with
    timers (the views' ``_write`` includes its own statements)."""
    spent: dict[str, float] = {}
    wrapped: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, method: str, label: str) -> None:
        original = getattr(owner, method)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

        wrapped.append((owner, method, original))
        spent.setdefault(label, 0.0)
        setattr(owner, method, timed)

    wrap(app.recorder, "select_notifications", "reading the log")
    wrap(Decoder, "items", "decoding the events")
    for view in app.views:
        name = view.view_name.rpartition(".")[2]
        wrap(view, "_write", f"{name}: its batches, with its statements")
    wrap(SQLiteCursor, "executemany", "  (of which the views' executemany)")
    wrap(SQLiteConnection, "commit", "committing (once, at the end)")
    for view in app.views:
        wrap(view, "_empty", "emptying the views first")
    gc.collect()
    started = time.perf_counter()
    try:
        rebuild(app, batch_size)
    finally:
        total = time.perf_counter() - started
        for owner, method, original in reversed(wrapped):
            if isinstance(owner, type):
                setattr(owner, method, original)
            else:
                delattr(owner, method)
    lines = [f"  {label:<48}{seconds:>7.2f} s" for label, seconds in spent.items()]
    return "\n".join([*lines, f"  {'the whole rebuild':<48}{total:>7.2f} s"])


def store_rows_alone(db: Path, tmp: Path) -> float:
    """Seconds to copy every view's rows into an empty file with the same tables and
    indexes, inside SQLite, in one transaction: the least that storing them costs."""
    copy = tmp / f"copy-{uuid.uuid4().hex}.db"
    source = sqlite3.connect(db, isolation_level=None)
    try:
        schema = source.execute(
            "SELECT type, name, sql FROM sqlite_schema "
            "WHERE tbl_name LIKE 'view_%' AND sql IS NOT NULL ORDER BY type DESC"
        ).fetchall()
        target = sqlite3.connect(copy, isolation_level=None)
        target.execute("PRAGMA journal_mode=WAL")
        for _, _, sql in schema:
            target.execute(sql)
        target.close()
        tables = [name for kind, name, _ in schema if kind == "table"]
        for name in tables:  # warm the file cache, as the rebuild's reads are
            source.execute(f"SELECT * FROM {name}").fetchall()
        source.execute("ATTACH DATABASE ? AS copy", [str(copy)])
        gc.collect()
        started = time.perf_counter()
        source.execute("BEGIN")
        for name in tables:
            source.execute(f"INSERT INTO copy.{name} SELECT * FROM main.{name}")
        source.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        source.close()


def write_rows_alone(app: Samenspraak, batches: int) -> float:
    """Seconds to write every view's rows again from Python, as a rebuild writes
    them but with nothing to compute: in one transaction, as a rebuild, the views'
    tables emptied, then the rows they hold handed back to ``executemany`` in
    ``batches`` slices, on the engine's own connection. Each row is written once
    (a rebuild writes a process-state part again when a later batch changes it), so
    this is the least the rebuild's writing costs. The views hold the same rows
    afterwards."""
    tables = [view._table(name) for view in app.views for name in view.table_names()]
    recorder = app.recorder
    assert isinstance(recorder, SQLiteApplicationRecorder)
    datastore = recorder.datastore
    with datastore.transaction(commit=False) as c:
        rows = {}
        for table in tables:
            c.execute(f"SELECT * FROM {table} ORDER BY rowid")
            rows[table] = [tuple(row) for row in c.fetchall()]
    gc.collect()
    started = time.perf_counter()
    with datastore.transaction(commit=True) as c:
        for table in tables:
            c.execute(f"DELETE FROM {table}")
        for b in range(batches):
            for table, found in rows.items():
                size = -(-len(found) // batches)
                part = found[b * size : (b + 1) * size]
                if part:
                    marks = ", ".join(["?"] * len(part[0]))
                    c.executemany(f"INSERT INTO {table} VALUES ({marks})", part)
    return time.perf_counter() - started


def read_log(app: Samenspraak, batch_size: int) -> int:
    """The baseline: read the log in pages and decode every event."""
    position = 0
    decoded = 0
    while True:
        page = app.recorder.select_notifications(
            start=position, limit=batch_size, inclusive_of_start=False
        )
        if not page:
            return decoded
        for n in page:
            app.mapper.to_domain_event(n)
        decoded += len(page)
        position = page[-1].id


def views_fingerprint(app: Samenspraak) -> tuple[Any, ...]:
    """What the views hold, in short: to check that every way builds the same."""
    responses = [
        tuple(sorted(r.items()))
        for d in app.state.documents()
        for r in app.responses.responses(d["initiative_id"])
    ]
    return (
        str(app.audit.head()),
        hashlib.sha256(repr(app.state.documents()).encode()).hexdigest(),
        hashlib.sha256(repr(responses).encode()).hexdigest(),
        tuple(v.position() for v in app.views),
    )


@dataclass
class Way:
    """One way of going through the log, and its timed repetitions."""

    name: str
    run: Callable[[], int]
    seconds: list[float] = field(default_factory=list)
    events: int = 0

    def time_once(self) -> float:
        gc.collect()
        started = time.perf_counter()
        self.events = self.run()
        elapsed = time.perf_counter() - started
        self.seconds.append(elapsed)
        return elapsed

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rate(self) -> float:
        return self.events / self.median


# --- Main ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--events",
        type=int,
        default=40_000,
        help="about how many events to record (default: 40000)",
    )
    parser.add_argument(
        "--initiatives",
        type=int,
        default=8,
        help="initiatives running at the same time (default: 8)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="timed repetitions of each way; the median counts (default: 3)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="events per batch, for the views and the baseline (default: the "
        "engine's own choice for a rebuild, the same pages for the baseline)",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default: 7)")
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="after measuring, time the parts of one rebuild (reading, decoding, "
        "each view's batches, commits, emptying the views)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after measuring, profile one rebuild and print where the time goes",
    )
    args = parser.parse_args(argv)
    for name in ("events", "initiatives", "repeat"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="samenspraak-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        app = Samenspraak.open(str(db))
        try:
            print(f"Recording about {args.events:,} events ...", flush=True)
            saved = make_record(app, args.events, args.initiatives, args.seed)
            setup = time.perf_counter() - started
            size = db.stat().st_size / 1e6
            print(f"Recorded {saved:,} events in {setup:.1f} s ({size:.0f} MB file)")
            run_benchmark(args, app, db)
        finally:
            app.close()
    print(f"Total time: {time.perf_counter() - started:.1f} s")
    return 0


def run_benchmark(args: argparse.Namespace, app: Samenspraak, db: Path) -> None:
    b = args.batch_size
    page = b or batch_size_for(app.recorder.max_notification_id() or 0)
    parts: dict[str, list[float]] = {view.view_name: [] for view in app.views}

    def each_view_alone() -> int:
        applied = 0
        for view in app.views:
            started = time.perf_counter()
            applied = rebuild_view(app, view, b)
            parts[view.view_name].append(time.perf_counter() - started)
        return applied

    engine = Way("rebuild: 3 views, one pass", lambda: rebuild(app, b))
    baseline = Way(
        f"baseline: read + decode the log ({page}/page)", lambda: read_log(app, page)
    )
    alone = Way("(each view alone, one after the other)", each_view_alone)
    computing = Way(
        "(the views' computing alone, no writes)", lambda: compute_only(app, page)
    )
    ways = [engine, baseline, alone, computing]
    print(f"Measuring {args.repeat} repetitions of each, alternating ...", flush=True)
    engine.time_once()  # warm-up: builds the views and warms the file cache
    engine.seconds.clear()
    expected = views_fingerprint(app)
    for r in range(args.repeat):
        order = ways[r % len(ways) :] + ways[: r % len(ways)]
        for way in order:
            way.time_once()
        if views_fingerprint(app) != expected:
            msg = "The views differ after a repetition."
            raise AssertionError(msg)
    gc.collect()
    started = time.perf_counter()
    app.rebuild_projections()
    with_check = time.perf_counter() - started
    storing = statistics.median(
        store_rows_alone(db, db.parent) for _ in range(args.repeat)
    )
    events = app.recorder.max_notification_id() or 0
    batches = -(-events // page)
    writing = statistics.median(
        write_rows_alone(app, batches) for _ in range(args.repeat)
    )
    if views_fingerprint(app) != expected:
        msg = "The views differ after writing their rows again."
        raise AssertionError(msg)
    report(
        args,
        engine=engine,
        baseline=baseline,
        one_pass=alone,
        computing=computing,
        parts=parts,
        with_check=with_check,
        storing=storing,
        writing=writing,
    )
    if args.breakdown:
        print()
        print("Where the time goes in one rebuild:")
        print(breakdown(app, b))
    if args.profile:
        print()
        print("Profile of one rebuild:")
        print(profile(lambda: rebuild(app, b), top=35))


def report(
    args: argparse.Namespace,
    *,
    engine: Way,
    baseline: Way,
    one_pass: Way,
    computing: Way,
    parts: dict[str, list[float]],
    with_check: float,
    storing: float,
    writing: float,
) -> None:
    n = baseline.events
    print()
    print(
        f"{n:,} events, {args.initiatives} initiatives, batches of "
        f"{args.batch_size or 'the engine default'}, "
        f"median of {args.repeat}"
    )
    print()
    print(f"{'way':<42}{'seconds':>9}{'events/s':>11}{'vs baseline':>13}")
    for way in (engine, baseline, one_pass, computing):
        print(
            f"{way.name:<42}{way.median:>9.2f}{way.rate:>11,.0f}"
            f"{way.rate / baseline.rate:>13.2f}"
        )
    print(
        f"{'(storing the rows alone, inside SQLite)':<42}{storing:>9.2f}"
        f"{n / storing:>11,.0f}{(n / storing) / baseline.rate:>13.2f}"
    )
    print(
        f"{'(writing the rows alone, from Python)':<42}{writing:>9.2f}"
        f"{n / writing:>11,.0f}{(n / writing) / baseline.rate:>13.2f}"
    )
    print()
    print("Each view alone (clear + catch_up), for the analysis:")
    for name, seconds in parts.items():
        median = statistics.median(seconds)
        print(
            f"  {name:<40}{median:>9.2f}{n / median:>11,.0f}"
            f"{(n / median) / baseline.rate:>13.2f}"
        )
    print()
    print(
        f"Samenspraak.rebuild_projections() (audit check, then the rebuild), once: "
        f"{with_check:.2f} s, {n / with_check:,.0f} events/s"
    )
    ratio = engine.rate / baseline.rate
    spread = [b / e for e, b in zip(engine.seconds, baseline.seconds, strict=True)]
    print(
        f"ratio rebuild/baseline (medians): {ratio:.3f}; per repetition "
        f"min {min(spread):.3f}, max {max(spread):.3f}"
    )
    ceiling = computing.rate / baseline.rate
    print(
        f"ceiling of this design (the views' computing alone, nothing written): "
        f"{ceiling:.3f}"
    )
    floor = baseline.median / (baseline.median + writing)
    print(
        f"most a rebuild writing these rows from Python can reach (reading, decoding "
        f"and writing them, nothing computed): {floor:.3f}"
    )
    met = "met" if ratio >= GOAL else "NOT met"
    print(f"Goal (ratio >= {GOAL}): {met}")


if __name__ == "__main__":
    sys.exit(main())
