"""Everyday reads and commands on a large record: how long they take.

A SQLite file is filled as in ``rebuild_views.py`` (the engine's own aggregates and
``Application.save``): one large initiative that is still open (its stakeholders,
groups, meetings, plans with two drafts, many reactions of which most are answered,
decision points with positions) and a few small initiatives that ran to their close.

Measured, in the same process on the same file (median of ``--repeat``):

- loading the largest plan from its events, with the library's projector
  (``project_aggregate``, which checks every event against a runtime protocol)
  and with the engine's own (``samenspraak.application.app.project``), alternating,
  the two aggregates compared;
- a command on that plan (withdrawing a reaction that has its answer: it loads the
  initiative and the plan, and is refused, so nothing is written);
- ``initiative_status`` now, as of the first day and as of near the end;
- the participation report, built (``participation_report``) and rendered as
  Markdown and as HTML;
- the audit log of the large initiative.

Run it from the project root::

    .venv/bin/python bench/large_record.py
    .venv/bin/python bench/large_record.py --reactions 48000

It exits with status 0; it states no goal (see docs/performance.md, "A large
record").
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import project_aggregate
from rebuild_views import START, Process, Shape, shape_for, tell

from samenspraak.application import NotAllowed, Samenspraak
from samenspraak.application.app import project
from samenspraak.application.report_render import render_html, render_markdown
from samenspraak.domain.initiative import initiative_id
from samenspraak.domain.plan import plan_id


class OpenProcess(Process):
    """A process told up to its second consultation: still open, most reactions
    answered, no plan final."""

    def steps(self) -> Iterator[int]:
        yield from self.consulted()


def make_record(app: Samenspraak, reactions: int, small: int, seed: int) -> int:
    """The large open initiative and ``small`` closed ones, their steps
    interleaved; returns the number of events saved."""
    rng = random.Random(seed)
    large = Shape(
        stakeholders=2000,
        plans=4,
        reactions_per_plan=max(60, reactions // 4),
        decisions=3,
        meetings=60,
    )
    closed = [Process(app, rng, n, shape_for(1500, 1)) for n in range(2, small + 2)]
    return tell(rng, [OpenProcess(app, rng, 1, large), *closed])


def median_seconds(run: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def largest_plan(app: Samenspraak) -> tuple[str, UUID]:
    """The slug and the aggregate id of the large initiative's plan with the most
    events."""
    ids = {
        p.plan: plan_id(initiative_id("district-1"), p.plan)
        for p in app.initiative_status("district-1").plans
    }
    slug = max(ids, key=lambda s: len(app.recorder.select_events(ids[s])))
    return slug, ids[slug]


def run_benchmark(app: Samenspraak, repeat: int) -> None:
    slug, plan_id = largest_plan(app)
    events = len(app.recorder.select_events(plan_id))
    print(f"The largest plan, {slug}: {events:,} events")

    library: list[float] = []
    ours: list[float] = []
    for _ in range(max(repeat, 3)):
        for way, times in ((project_aggregate, library), (project, ours)):
            gc.collect()
            started = time.perf_counter()
            app.repository.get(plan_id, projector_func=way)
            times.append(time.perf_counter() - started)
    theirs = app.repository.get(plan_id, projector_func=project_aggregate)
    mine = app.repository.get(plan_id, projector_func=project)
    if vars(theirs) != vars(mine):
        msg = "The plan loaded with the engine's projector differs."
        raise AssertionError(msg)
    before, after = statistics.median(library), statistics.median(ours)
    print(
        f"loading it, library's projector: {before:.3f} s; engine's: {after:.3f} s "
        f"({after / before:.2f})"
    )

    answered = next(r for r in mine.reactions.values() if r.answer is not None)
    facilitator = app.initiative_status("district-1").facilitator

    def command() -> None:
        try:
            app.withdraw_reaction(
                {
                    "actor": facilitator,
                    "initiative": "district-1",
                    "plan": slug,
                    "reaction": answered.number,
                }
            )
        except NotAllowed:
            return
        msg = "Withdrawing an answered reaction was not refused."
        raise AssertionError(msg)

    rows = [
        ("a command on that plan (refused, nothing written)", command),
        ("initiative status", lambda: app.initiative_status("district-1")),
        (
            "initiative status as of the first day",
            lambda: app.initiative_status(
                "district-1", as_of=START + timedelta(days=1)
            ),
        ),
    ]
    end = app.audit_log("district-1")[-1].recorded_at
    rows.append(
        (
            "initiative status as of near the end",
            lambda: app.initiative_status("district-1", as_of=end),
        )
    )
    report = app.participation_report("district-1")
    rows += [
        ("participation report, built", lambda: app.participation_report("district-1")),
        ("  rendered as Markdown", lambda: render_markdown(report, "nl")),
        ("  rendered as HTML", lambda: render_html(report, "nl")),
        ("audit log of the initiative", lambda: app.audit_log("district-1")),
    ]
    for name, run in rows:
        print(f"{name}: {median_seconds(run, repeat):.3f} s")
    print(
        f"(Markdown {len(render_markdown(report, 'nl')) / 1e6:.1f} MB, "
        f"HTML {len(render_html(report, 'nl')) / 1e6:.1f} MB)"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reactions",
        type=int,
        default=12_000,
        help="reactions on the large initiative (default: 12000)",
    )
    parser.add_argument(
        "--small",
        type=int,
        default=4,
        help="small initiatives that ran to their close (default: 4)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="timed repetitions of each; the median counts (default: 3)",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default: 7)")
    args = parser.parse_args(argv)
    for name in ("reactions", "repeat"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.small < 0:
        parser.error("--small must not be negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="samenspraak-bench-") as tmp:
        db = Path(tmp) / "large.db"
        app = Samenspraak.open(str(db))
        try:
            print(f"Recording {args.reactions:,} reactions on one initiative ...")
            saved = make_record(app, args.reactions, args.small, args.seed)
            size = db.stat().st_size / 1e6
            print(
                f"Recorded {saved:,} events in {time.perf_counter() - started:.1f} s "
                f"({size:.0f} MB file)"
            )
            app.initiative_status("district-1")  # catches the views up
            run_benchmark(app, args.repeat)
        finally:
            app.close()
    print(f"Total time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
