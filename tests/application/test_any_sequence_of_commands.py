"""Any sequence of plausible commands keeps the record sound.

A stateful property test: Hypothesis drives the public API with random but plausible
commands (stakeholders of every kind, one or two initiatives on different templates,
plans with drafts, reactions and answers, decision points with positions, phases
advanced, meetings, announcements, the council informed, the facilitator's
interventions, corrections of announcements and interventions, erasures, and time
moving on) in orders no story tells. Every command either succeeds or is refused
with one of the engine's own errors, and after every step the record still holds
together:

- a refused command recorded nothing;
- the audit trail is intact;
- what ``initiative_status`` counts agrees with ``plan_details`` and
  ``decision_details``;

and, now and then during the run and always at its end:

- the views equal the views built again from the log;
- the participation report renders, as Markdown and HTML, in Dutch and English;
- ``as_of`` a moment recorded earlier in the run shows what was seen at that moment;
- an initiative exported and replayed has the same chain head, and reads the same.

Most commands are aimed at what the record lets them do at that moment (a plan
with a draft, a reaction still open, a version proposed after it, a decision point
still open, someone whose kind the phase permits the command), and the rest are
given at random: so the deeper paths (answering, finalising, letters that came in
before a plan was finalised, positions and decisions, erasing someone who took
part) are reached, and refusals still are. Set ``SAMENSPRAAK_PROPERTY_TALLY`` to a
file to count how often each command succeeds.

The regular suite runs a modest number of short sequences, the same every run. Set
``SAMENSPRAAK_PROPERTY_PROFILE=slow`` to run many more and longer ones, with a new
seed each time (Hypothesis prints the seed of a failing run, to rerun it with
``--hypothesis-seed``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from samenspraak.application import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    Samenspraak,
)
from samenspraak.application.report_render import render_html, render_markdown
from samenspraak.domain.clock import frozen_at
from samenspraak.domain.templates import SOCIETY_FIRST, Phase

REFUSALS = (NotAllowed, InvalidInput, NotFound, Conflict)
"""The engine's own ways of refusing a command; any other exception is a defect."""

CET = timezone(timedelta(hours=1))
FIRST_MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=CET)

FACILITATORS = ("fac-a", "fac-b")
KIND_OF = {
    "res-1": "resident",
    "res-2": "resident",
    "ent-1": "entrepreneur",
    "inst-1": "institution",
    "cs-1": "civil-servant",
    "cm-1": "council-member",
}
PEOPLE = (*FACILITATORS, *KIND_OF)
KINDS = (
    "resident",
    "entrepreneur",
    "institution",
    "civil-servant",
    "council-member",
    "facilitator",
)
INITIATIVES = ("one", "two")
TEMPLATES = (
    None,
    "overheidsparticipatie@2",
    "burgerbegroting",
    "omgevingswet",
    "uitdaagrecht",
)
GROUPS = ("steering", "working")
PLANS = ("vision", "traffic")
DECISIONS = ("priority", "budget", "route")
OPTIONS = ("green", "square", "object")
STANCES = ("support", "concern", "objection", "suggestion")
ANNOUNCEMENT_CHANNELS = ("letter", "website", "door-to-door")
INTERVENTIONS = ("general-interest", "on-request", "connection", "mediation")

PROFILES = {
    "quick": settings(
        max_examples=40,
        stateful_step_count=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    ),
    "slow": settings(
        max_examples=int(os.environ.get("SAMENSPRAAK_PROPERTY_EXAMPLES", "400")),
        stateful_step_count=80,
        deadline=None,
        derandomize=False,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    ),
}
PROFILE = os.environ.get("SAMENSPRAAK_PROPERTY_PROFILE", "quick")

TALLY: Counter[str] = Counter()
"""How often each command was given, and how often it was done, over the run."""
TALLY_FILE = os.environ.get("SAMENSPRAAK_PROPERTY_TALLY")
"""Where to write ``TALLY`` after every sequence, if anywhere: a JSON object that
counts, per command, ``<command> given``, ``<command> done`` and ``<command> refused
<rule>``, to show how often each command succeeds."""

people = st.sampled_from(PEOPLE)
facilitators = st.sampled_from(FACILITATORS)
initiatives = st.sampled_from(("one", "one", "one", "two"))
"""The first initiative mostly: the second one starts (or not) along the way."""
plans = st.sampled_from(PLANS)
decisions = st.sampled_from(DECISIONS)
existing = st.integers(min_value=0, max_value=3)
"""A plan or decision point: 0 to 2 one that exists (if any does), 3 any."""
numbers = st.integers(min_value=1, max_value=4)
actors = st.integers(min_value=0, max_value=9)
"""Who gives a command: mostly someone taking part, else the facilitator, else
anyone (see ``AnySequenceOfCommands.who``)."""
versions = st.integers(min_value=0, max_value=4)
"""A plan's version: 0 for its latest, else that number."""
aims = st.integers(min_value=0, max_value=9)
"""How a command is aimed: 0 to 7 at what the record lets it do now (an open reaction,
a version proposed after it, someone whose kind the phase permits the command, an
open decision point, an option of it), 8 and 9 at random: so that most commands
reach the paths behind the refusals, and some are still refused."""
AIMED = 8
RECEIVED = (
    timedelta(minutes=5),
    timedelta(days=3),
    timedelta(days=20),
    timedelta(days=60),
)
"""How long ago a letter came in, before it is recorded."""


def permits(phase: Phase | None, kind: str, command: str) -> bool:
    """Whether ``phase`` (None: not known) lets ``kind`` give ``command``."""
    if phase is None:
        return True
    society_first = (
        phase.society_only and kind == "civil-servant" and command in SOCIETY_FIRST
    )
    return phase.grants(kind, command) and not society_first


def without_as_of(view: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = view.model_dump(mode="json", exclude={"as_of"})
    return dumped


def differences(seen: Any, then: Any, erased_since: bool, at: str = "") -> list[str]:
    """Where ``then`` differs from ``seen``. An erasure reaches back in time (see
    docs/accountability.md): once someone was erased after ``seen`` was taken, a
    name, reference or text seen then may read ``erased-...`` or nothing now."""
    if isinstance(seen, dict) and isinstance(then, dict):
        if seen.keys() != then.keys():
            return [f"{at}: keys {sorted(seen)} != {sorted(then)}"]
        return [
            found
            for key in seen
            for found in differences(seen[key], then[key], erased_since, f"{at}.{key}")
        ]
    if isinstance(seen, list) and isinstance(then, list):
        if len(seen) != len(then):
            return [f"{at}: {len(seen)} items then, {len(then)} now"]
        if erased_since and all(isinstance(item, str) for item in seen + then):
            # references in order: an erased one now sorts elsewhere
            kept = {item for item in then if not item.startswith("erased-")}
            return [] if kept <= set(seen) else [f"{at}: {seen} then, {then} now"]
        return [
            found
            for n, (a, b) in enumerate(zip(seen, then, strict=True))
            for found in differences(a, b, erased_since, f"{at}[{n}]")
        ]
    if seen == then:
        return []
    if (
        erased_since
        and isinstance(seen, str)
        and (then is None or (isinstance(then, str) and then.startswith("erased-")))
    ):
        return []
    return [f"{at}: {seen!r} then, {then!r} now"]


class AnySequenceOfCommands(RuleBasedStateMachine):
    """The record, driven by random commands, checked after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="samenspraak-property-"))
        self.app = Samenspraak.open(str(self.folder / "record.db"))
        self.now = FIRST_MORNING
        self.refused_without_writing = True
        self.started: set[str] = set()
        self.meetings: dict[str, int] = {}
        self.snapshots: list[tuple[datetime, str, dict[str, Any], int]] = []
        self.checked_snapshots = 0
        self.erasures = 0
        self.exports = 0
        self.proposed_at: dict[tuple[str, str, int], datetime] = {}
        """When each version was proposed, to date a letter after it."""
        self.finalised_at: dict[tuple[str, str], datetime] = {}
        self.period_closes: dict[tuple[str, str], datetime] = {}
        """When the reaction period last opened on a plan closes (a letter
        received late came in after it)."""
        """When each plan was finalised, to date a letter before it."""

    # --- giving commands --------------------------------------------------------

    @contextmanager
    def at_this_moment(self) -> Iterator[None]:
        with frozen_at(self.now):
            yield

    def attempt(self, command: str, fields: dict[str, Any]) -> Any:
        """Give ``command``; a refusal is one of the engine's own and writes
        nothing. Returns what the command returned, or None when refused."""
        method: Callable[[dict[str, Any]], Any] = getattr(self.app, command)
        before = self.app.stored_event_count()
        refused: Exception | None = None
        with self.at_this_moment():
            try:
                result = method(fields)
            except REFUSALS as refusal:
                refused = refusal
        TALLY[f"{command} given"] += 1
        if refused is not None:
            rule_name = getattr(refused, "rule", None) or type(refused).__name__
            event(f"{command}: refused ({rule_name})")
            TALLY[f"{command} refused {rule_name}"] += 1
            after = self.app.stored_event_count()
            assert after == before, (
                f"{command} was refused ({refused}) but recorded "
                f"{after - before} events"
            )
            return None
        event(f"{command}: done")
        TALLY[f"{command} done"] += 1
        return result

    def on(self, command: str, actor: str, initiative: str, **fields: Any) -> Any:
        return self.attempt(
            command, {"actor": actor, "initiative": initiative, **fields}
        )

    # --- the people and the initiatives -----------------------------------------

    @initialize(
        template=st.sampled_from((None, None, *TEMPLATES)),
        joined=st.lists(st.sampled_from(sorted(KIND_OF)), unique=True),
        with_a_draft=st.sampled_from([True, True, True, False]),
    )
    def begin(
        self, template: str | None, joined: list[str], with_a_draft: bool
    ) -> None:
        """Everyone registers, and one initiative starts with some of them (and
        most often a working group of them with a draft plan they react to): most
        sequences then go further than a refusal for an unknown name."""
        for ref in PEOPLE:
            self.attempt(
                "register_stakeholder",
                {"actor": ref, "stakeholder": ref, "name": f"Participant {ref}"},
            )
        self.start("fac-a", "one", template, "1000.00")
        for ref in joined:
            self.join("one", ref, by_facilitator=False, own_kind=1, kind=KIND_OF[ref])
        if with_a_draft:
            self.form_group("one", "working", "working")
            for ref in joined:
                self.on("add_member", "fac-a", "one", group="working", stakeholder=ref)
            self.create_plan("one", "vision", "working", 6, AIMED)
            self.propose_draft("one", 0, 6, AIMED)
            for n, _ in enumerate(joined):
                self.react("one", 0, n, 0, STANCES[n % 4], "own", None, AIMED)

    @rule(ref=people, by_someone_else=st.booleans())
    def register(self, ref: str, by_someone_else: bool) -> None:
        actor = "fac-a" if by_someone_else else ref
        self.attempt(
            "register_stakeholder",
            {
                "actor": actor,
                "stakeholder": ref,
                "name": f"Participant {ref}",
                "contact": f"{ref}@example.org",
            },
        )

    @rule(
        actor=facilitators,
        initiative=initiatives,
        template=st.sampled_from(TEMPLATES),
        budget=st.sampled_from(["0", "1000.00", "250000.50"]),
    )
    def start(
        self, actor: str, initiative: str, template: str | None, budget: str
    ) -> None:
        fields: dict[str, Any] = {
            "title": f"Initiative {initiative}",
            "description": "Residents decide first.",
            "area": "The old town",
            "budget": budget,
            "level": "co-deciding",
        }
        if template is not None:
            fields["template"] = template
        if self.on("start_initiative", actor, initiative, **fields) is not None:
            self.started.add(initiative)

    @rule(
        initiative=initiatives,
        ref=people,
        by_facilitator=st.booleans(),
        own_kind=st.integers(0, 5),
        kind=st.sampled_from(KINDS),
    )
    def join(
        self,
        initiative: str,
        ref: str,
        by_facilitator: bool,
        own_kind: int,
        kind: str,
    ) -> None:
        actor = self.facilitator(initiative) if by_facilitator else ref
        chosen = KIND_OF.get(ref, kind) if own_kind else kind
        self.on("join_initiative", actor, initiative, stakeholder=ref, kind=chosen)

    @rule(initiative=initiatives, ref=people, by_facilitator=st.booleans())
    def leave(self, initiative: str, ref: str, by_facilitator: bool) -> None:
        actor = self.facilitator(initiative) if by_facilitator else ref
        self.on("leave_initiative", actor, initiative, stakeholder=ref)

    @rule(
        initiative=initiatives,
        group=st.sampled_from(GROUPS),
        kind=st.sampled_from(["steering", "working"]),
    )
    def form_group(self, initiative: str, group: str, kind: str) -> None:
        self.on(
            "form_group",
            self.facilitator(initiative),
            initiative,
            group=group,
            kind=kind,
            name=f"The {group} group",
            mandate="Make a plan.",
        )

    @rule(
        initiative=initiatives,
        group=st.sampled_from(GROUPS),
        ref=people,
        add=st.integers(0, 3),
    )
    def membership(self, initiative: str, group: str, ref: str, add: int) -> None:
        command = "add_member" if add else "remove_member"
        self.on(
            command,
            self.facilitator(initiative),
            initiative,
            group=group,
            stakeholder=ref,
        )

    @rule(
        initiative=initiatives,
        hours=st.sampled_from([-48, -2, 0, 1, 24 * 10]),
        kind=st.sampled_from(["residents-meeting", "walk-in", "online"]),
    )
    def hold_meeting(self, initiative: str, hours: int, kind: str) -> None:
        number = self.on(
            "hold_meeting",
            self.facilitator(initiative),
            initiative,
            starts_at=(self.now + timedelta(hours=hours)).isoformat(),
            kind=kind,
            place="The community centre",
            attendance=12,
            summary="People talked about the square.",
        )
        if number is not None:
            assert number == self.meetings.get(initiative, 0) + 1
            self.meetings[initiative] = number

    @rule(
        initiative=initiatives,
        days_ago=st.sampled_from([0, 1, 30]),
        session=st.sampled_from(["informal", "formal", "letter"]),
    )
    def inform_council(self, initiative: str, days_ago: int, session: str) -> None:
        self.on(
            "inform_council",
            self.facilitator(initiative),
            initiative,
            document_title="Interim report",
            document_sha256="ab" * 32,
            session=session,
            informed_at=(self.now - timedelta(days=days_ago)).isoformat(),
        )

    @rule(
        initiative=initiatives,
        kind=st.sampled_from(INTERVENTIONS),
        asked=st.integers(0, 3),
        someone=actors,
        days_ago=st.sampled_from([0, 2]),
    )
    def record_intervention(
        self, initiative: str, kind: str, asked: int, someone: int, days_ago: int
    ) -> None:
        """By the facilitator, on request of no one, a group, or someone (taking
        part, or anyone)."""
        fields: dict[str, Any] = {
            "kind": kind,
            "note": "Named what the whole town needs.",
            "intervened_at": (self.now - timedelta(days=days_ago)).isoformat(),
        }
        if asked == 1:
            fields["group"] = GROUPS[someone % len(GROUPS)]
        elif asked > 1:
            fields["requested_by"] = self.who(initiative, someone)
        self.on(
            "record_intervention", self.facilitator(initiative), initiative, **fields
        )

    @rule(
        initiative=initiatives,
        channel=st.sampled_from(ANNOUNCEMENT_CHANNELS),
        reach=st.sampled_from([None, 0, 4200]),
        days_ago=st.sampled_from([0, 3]),
    )
    def announce(
        self, initiative: str, channel: str, reach: int | None, days_ago: int
    ) -> None:
        self.on(
            "announce",
            self.facilitator(initiative),
            initiative,
            channel=channel,
            audience="Every household in the old town",
            announced_at=(self.now - timedelta(days=days_ago)).isoformat(),
            reach=reach,
        )

    @rule(
        initiative=initiatives,
        number=st.integers(1, 2),
        channel=st.sampled_from((None, *ANNOUNCEMENT_CHANNELS)),
        reach=st.sampled_from([None, "unknown", 4150]),
        audience=st.booleans(),
        days_ago=st.sampled_from([None, 1]),
    )
    def correct_announcement(
        self,
        initiative: str,
        number: int,
        channel: str | None,
        reach: int | str | None,
        audience: bool,
        days_ago: int | None,
    ) -> None:
        """By the facilitator: another channel, audience, time or reach (or a
        reach not known after all), with a reason."""
        fields: dict[str, Any] = {
            "announcement": number,
            "channel": channel,
            "reason": "It was recorded wrongly.",
        }
        if reach == "unknown":
            fields["reach_unknown"] = True
        else:
            fields["reach"] = reach
        if audience:
            fields["audience"] = "Every household within the canals"
        if days_ago is not None:
            fields["announced_at"] = (self.now - timedelta(days=days_ago)).isoformat()
        self.on(
            "correct_announcement", self.facilitator(initiative), initiative, **fields
        )

    @rule(
        initiative=initiatives,
        number=st.integers(1, 2),
        kind=st.sampled_from((None, *INTERVENTIONS)),
        asked=st.integers(0, 4),
        someone=actors,
        days_ago=st.sampled_from([None, 1]),
    )
    def correct_intervention(
        self,
        initiative: str,
        number: int,
        kind: str | None,
        asked: int,
        someone: int,
        days_ago: int | None,
    ) -> None:
        """By the facilitator: another kind, time or note, or who asked (no one,
        a group, or someone taking part or anyone), with a reason."""
        fields: dict[str, Any] = {
            "intervention": number,
            "kind": kind,
            "reason": "It was recorded wrongly.",
        }
        if days_ago is not None:
            fields["intervened_at"] = (self.now - timedelta(days=days_ago)).isoformat()
        if asked == 0:
            fields["note"] = "Helped the group into the municipal organisation."
        elif asked == 1:
            fields["nobody_asked"] = True
        elif asked == 2:
            fields["group"] = GROUPS[someone % len(GROUPS)]
        elif asked == 3:
            fields["requested_by"] = self.who(initiative, someone)
        self.on(
            "correct_intervention", self.facilitator(initiative), initiative, **fields
        )

    @rule(initiative=initiatives, actor=actors, aim=aims)
    def advance_phase(self, initiative: str, actor: int, aim: int) -> None:
        """Aimed (less often than other commands, so that each phase is used a
        while): by the facilitator."""
        actor_ref = self.who(initiative, actor)
        if aim < AIMED // 2:
            actor_ref = self.facilitator(initiative)
        self.on("advance_phase", actor_ref, initiative)

    @rule(initiative=initiatives, now=st.integers(0, 7))
    def close(self, initiative: str, now: int) -> None:
        if now:  # closing ends everything else: try it an eighth as often
            return
        self.on(
            "close_initiative",
            self.facilitator(initiative),
            initiative,
            outcome="The process ended.",
        )

    @rule(
        ref=people,
        by_facilitator=st.booleans(),
        texts=st.booleans(),
        now=st.integers(0, 2),
    )
    def erase(self, ref: str, by_facilitator: bool, texts: bool, now: int) -> None:
        if now:  # an erasure ends someone's part: try it a third as often
            return
        actor = "fac-a" if by_facilitator else ref
        erasure = self.attempt(
            "erase_stakeholder", {"actor": actor, "stakeholder": ref, "texts": texts}
        )
        if erasure is not None:
            self.erasures += 1

    # --- plans ---------------------------------------------------------------------

    @rule(
        initiative=initiatives,
        plan=plans,
        group=st.sampled_from(GROUPS),
        actor=actors,
        aim=aims,
    )
    def create_plan(
        self, initiative: str, plan: str, group: str, actor: int, aim: int
    ) -> None:
        initiative = self.an_initiative(initiative, aim)
        status = self.status(initiative) if aim < AIMED else None
        if status is not None:
            taken = {summary.plan for summary in status.plans}
            plan = next((p for p in PLANS if p not in taken), plan)
            groups = [g.group for g in status.groups]
            group = groups[actor % len(groups)] if groups else group
        self.on(
            "create_plan",
            self.someone_who_may(initiative, "create_plan", actor, aim, group=group),
            initiative,
            plan=plan,
            title=f"The {plan} plan",
            group=group,
        )

    @rule(
        initiative=initiatives,
        which=existing,
        actor=actors,
        aim=aims,
        own=st.booleans(),
    )
    def propose_draft(
        self, initiative: str, which: int, actor: int, aim: int, own: bool = False
    ) -> None:
        initiative = self.an_initiative(initiative, aim)
        plan = self.a_plan(initiative, which, aim, lambda p: p.final_version is None)
        self.propose(initiative, plan, actor, aim, own=own)

    def propose(
        self,
        initiative: str,
        plan: str,
        actor: int | str,
        aim: int,
        *,
        own: bool = False,
    ) -> int:
        """Propose a draft of ``plan`` (``actor``: a stakeholder, or a number to
        choose one by), with changes of the authority's own accord when ``own``
        (refused for a first draft); its number, or None when refused."""
        before = self.versions(initiative, plan)
        if isinstance(actor, int):
            actor = self.someone_who_may(
                initiative, "propose_draft", actor, aim, plan=plan
            )
        number = self.on(
            "propose_draft",
            actor,
            initiative,
            plan=plan,
            text="The market square becomes car-free.",
            changes="A new draft.",
            **({"own_initiative": "The bus stop moves."} if own else {}),
        )
        if number is not None:
            assert before is not None
            assert number == before + 1
            self.proposed_at[initiative, plan, number] = self.now
        return number  # type: ignore[no-any-return]

    @rule(
        initiative=initiatives,
        which=existing,
        ref=actors,
        version=versions,
        stance=st.sampled_from(STANCES),
        how=st.sampled_from(["own", "letter", "email", "meeting", "received"]),
        section=st.sampled_from([None, "3.2"]),
        aim=aims,
        came_in=st.sampled_from(RECEIVED),
        late=st.booleans(),
    )
    def react(
        self,
        initiative: str,
        which: int,
        ref: int,
        version: int,
        stance: str,
        how: str,
        section: str | None,
        aim: int = 0,
        came_in: timedelta = RECEIVED[0],
        late: bool = False,
    ) -> None:
        """React to a plan; aimed: to one with a draft, and to a finalised one only
        with a letter that came in before it was finalised."""
        initiative = self.an_initiative(initiative, aim)
        plan = self.a_plan(initiative, which, aim, lambda p: p.versions > 0)
        details = self.details(initiative, plan) if aim < AIMED else None
        fields: dict[str, Any] = {
            "plan": plan,
            "version": version or self.versions(initiative, plan) or 1,
            "stance": stance,
            "text": f"A {stance} about the square.",
        }
        if section is not None:
            fields["section"] = section
        if details is not None and details.final_version is not None:
            how = "received"
        actor = self.someone_who_may(initiative, "react_to_plan", ref, aim)
        if how != "own":
            fields["stakeholder"] = actor
            actor = self.facilitator(initiative)
        if how in {"letter", "email"}:
            fields["channel"] = how
        if how == "received":
            fields["channel"] = "letter"
            received_at = self.now - came_in
            closed = self.period_closes.get((initiative, plan))
            if late and details is not None and closed is not None:
                received_at = max(received_at, min(closed + came_in, self.now))
            if details is not None and details.versions:
                received_at = self.letter_came_in(initiative, details, received_at)
                fields["version"] = max(
                    [
                        n
                        for (i, p, n), at in self.proposed_at.items()
                        if (i, p) == (initiative, plan) and at <= received_at
                    ],
                    default=fields["version"],
                )
            fields["received_at"] = received_at.isoformat()
            if late:  # recorded as received late: refused unless the period closed
                fields["late"] = True
        if how == "meeting":
            fields["meeting"] = self.meetings.get(initiative, 1)
        before = self.reactions(initiative, plan)
        number = self.on("react_to_plan", actor, initiative, **fields)
        if fields.get("late"):
            TALLY["letter-received-late given"] += 1
            TALLY["letter-received-late done"] += number is not None
        if details is not None and details.final_version is not None:
            TALLY["letter-on-a-finalised-plan given"] += 1
            TALLY["letter-on-a-finalised-plan done"] += number is not None
        if number is not None:
            assert before is not None
            assert number == before + 1

    def letter_came_in(
        self, initiative: str, details: Any, received_at: datetime
    ) -> datetime:
        """When a letter on the plan of ``details`` came in, aimed: after its first
        version was proposed, and before the plan was finalised."""
        first = self.proposed_at.get((initiative, details.plan, 1))
        if first is not None and received_at < first:
            received_at = first + (self.now - first) / 2
        finalised = self.finalised_at.get((initiative, details.plan))
        if details.final_version is not None and finalised is not None:
            received_at = min(received_at, finalised - timedelta(minutes=1))
        return received_at

    @rule(
        initiative=initiatives,
        which=existing,
        reaction=numbers,
        actor=actors,
        aim=aims,
    )
    def withdraw_reaction(
        self, initiative: str, which: int, reaction: int, actor: int, aim: int
    ) -> None:
        initiative = self.an_initiative(initiative, aim)
        plan = self.a_plan(initiative, which, aim, lambda p: p.unanswered > 0)
        actor_ref = self.who(initiative, actor)
        details = self.details(initiative, plan) if aim < AIMED else None
        if details is not None and details.unanswered:
            reaction = details.unanswered[reaction % len(details.unanswered)]
            given_by = next(r for r in details.reactions if r.number == reaction)
            actor_ref = (
                given_by.stakeholder if actor % 2 else self.facilitator(initiative)
            )
        self.on(
            "withdraw_reaction",
            actor_ref,
            initiative,
            plan=plan,
            reaction=reaction,
        )

    @rule(
        initiative=initiatives,
        which=existing,
        reactions=st.lists(st.integers(0, 4), min_size=1, max_size=2),
        how=st.sampled_from(["adopt", "adopt-partly", "defend", "note"]),
        version=versions,
        actor_number=st.sampled_from([6, 6, 7, 0, 1, 8]),
        aim=aims,
    )
    def answer(
        self,
        initiative: str,
        which: int,
        reactions: list[int],
        how: str,
        version: int,
        actor_number: int,
        aim: int,
    ) -> None:
        """Answer reactions (mostly as the facilitator, who may answer any): 0
        names the first one still unanswered. Aimed: unanswered reactions of one
        stance, noted if they support, else defended, or a change adopted in a
        draft proposed for it (a finalised plan takes no change)."""
        initiative = self.an_initiative(initiative, aim)
        plan = self.a_plan(initiative, which, aim, lambda p: p.unanswered > 0)
        command = {"adopt": "adopt_change", "adopt-partly": "adopt_change"}.get(
            how, "defend_position" if how == "defend" else "note_support"
        )
        details = self.details(initiative, plan) if aim < AIMED else None
        if details is not None and details.unanswered:
            open_ = [r for r in details.reactions if r.number in details.unanswered]
            first = open_[reactions[0] % len(open_)]
            alike = [
                r.number
                for r in open_
                if (r.stance == "support") == (first.stance == "support")
            ]
            reactions = sorted({first.number, alike[reactions[-1] % len(alike)]})
            if first.stance != "support" and how == "note":
                how = "defend"
            if details.final_version is not None and how.startswith("adopt"):
                how = "note" if first.stance == "support" else "defend"
            command = {"adopt": "adopt_change", "adopt-partly": "adopt_change"}.get(
                how, "defend_position" if how == "defend" else "note_support"
            )
        else:
            unanswered = self.unanswered(initiative, plan)
            reactions = [n or (unanswered[0] if unanswered else 1) for n in reactions]
        actor = self.someone_who_may(initiative, command, actor_number, aim, plan=plan)
        if how.startswith("adopt"):
            if details is not None and details.unanswered:
                proposed = self.propose(initiative, plan, actor, aim)
                version = proposed or self.versions(initiative, plan) or 1
            version = version or self.versions(initiative, plan) or 1
            self.on(
                "adopt_change",
                actor,
                initiative,
                plan=plan,
                reactions=reactions,
                version=version,
                explanation="The change is in the new draft.",
                partly=how == "adopt-partly",
            )
        elif how == "defend":
            self.on(
                "defend_position",
                actor,
                initiative,
                plan=plan,
                reactions=reactions,
                reasoning="The square stays as it is, for the market.",
            )
        else:
            self.on("note_support", actor, initiative, plan=plan, reactions=reactions)

    @rule(
        initiative=initiatives,
        which=existing,
        days=st.sampled_from([None, 1, 30]),
        aim=aims,
    )
    def open_reaction_period(
        self, initiative: str, which: int, days: int | None, aim: int
    ) -> None:
        initiative = self.an_initiative(initiative, aim)
        plan = self.a_plan(
            initiative,
            which,
            aim,
            lambda p: p.versions > 0 and p.final_version is None,
        )
        fields: dict[str, Any] = {"plan": plan}
        if days is not None:
            fields["days"] = days
        until = self.on(
            "open_reaction_period", self.facilitator(initiative), initiative, **fields
        )
        if until is not None:
            self.period_closes[initiative, plan] = until

    @rule(initiative=initiatives, which=existing, actor=actors, aim=aims)
    def finalise_plan(self, initiative: str, which: int, actor: int, aim: int) -> None:
        initiative = self.an_initiative(initiative, aim)
        plan = self.a_plan(
            initiative,
            which,
            aim,
            lambda p: p.versions > 0 and p.final_version is None and not p.unanswered,
        )
        actor_ref = self.someone_who_may(
            initiative, "finalise_plan", actor, aim, plan=plan
        )
        if self.on("finalise_plan", actor_ref, initiative, plan=plan) is not None:
            self.finalised_at[initiative, plan] = self.now

    # --- decision points ---------------------------------------------------------

    @rule(
        initiative=initiatives,
        decision=decisions,
        rule_name=st.sampled_from(["majority", "plurality", "consent", "consensus"]),
        eligible=st.lists(st.sampled_from(KINDS[:5]), min_size=1, max_size=3),
        days=st.sampled_from([None, 1, 14]),
        aim=aims,
        quorum=st.sampled_from([None, None, 1, 50, 100]),
    )
    def put_decision_point(
        self,
        initiative: str,
        decision: str,
        rule_name: str,
        eligible: list[str],
        days: int | None,
        aim: int,
        quorum: int | None,
    ) -> None:
        """Aimed: a decision point not yet put, to those the phase lets take a
        position (and who take part, if any do)."""
        initiative = self.an_initiative(initiative, aim)
        status = self.status(initiative) if aim < AIMED else None
        if status is not None:
            taken = {point.decision for point in status.decisions}
            decision = next((d for d in DECISIONS if d not in taken), decision)
            phase = self.phase_of(status)
            may = [k for k in KINDS[:5] if permits(phase, k, "take_position")]
            present = {s.kind for s in status.stakeholders if s.active}
            chosen = (
                [k for k in eligible if k in may]
                or [k for k in may if k in present][:2]
                or may[:1]
            )
            eligible = chosen or eligible
        options = [{"key": "green", "label": "Greener streets"}]
        if rule_name in {"majority", "plurality"}:
            options.append({"key": "square", "label": "A car-free square"})
        fields: dict[str, Any] = {
            "decision": decision,
            "question": "What comes first?",
            "options": options,
            "eligible": eligible,
            "rule": rule_name,
        }
        if days is not None:
            fields["closes_at"] = (self.now + timedelta(days=days)).isoformat()
        if quorum is not None and (
            rule_name in {"majority", "plurality"} or aim >= AIMED
        ):
            fields["quorum"] = quorum  # aimed: only with a rule it goes with
        self.on(
            "put_decision_point", self.facilitator(initiative), initiative, **fields
        )

    @rule(
        initiative=initiatives,
        which=existing,
        ref=actors,
        option=st.sampled_from(OPTIONS),
        aim=aims,
    )
    def take_position(
        self, initiative: str, which: int, ref: int, option: str, aim: int
    ) -> None:
        """Aimed: on an open decision point, by someone eligible whom the phase
        lets take a position, for one of its options or (by consent) objecting."""
        initiative = self.an_initiative(initiative, aim)
        decision = self.a_decision(initiative, which, aim)
        actor = self.who(initiative, ref)
        if aim < AIMED and initiative in self.started:
            point = self.decision_of(initiative, decision)
            if point is not None:
                actor = self.someone_who_may(
                    initiative, "take_position", ref, aim, eligible=point.eligible
                )
                keys = [o.key for o in point.options]
                if point.rule == "consent":
                    keys.append("object")
                if option not in keys:
                    option = keys[ref % len(keys)]
        fields: dict[str, Any] = {"decision": decision, "option": option}
        if option == "object":
            fields["reason"] = "It sends traffic into the side streets."
        self.on("take_position", actor, initiative, **fields)

    @rule(
        initiative=initiatives,
        which=existing,
        withdraw=st.integers(0, 3),
        aim=aims,
    )
    def decide(self, initiative: str, which: int, withdraw: int, aim: int) -> None:
        initiative = self.an_initiative(initiative, aim)
        decision = self.a_decision(initiative, which, aim)
        command = "withdraw_decision_point" if withdraw == 0 else "decide"
        self.on(command, self.facilitator(initiative), initiative, decision=decision)

    @rule(
        initiative=initiatives,
        which=existing,
        number=actors,
        texts=st.booleans(),
        now=st.integers(0, 2),
    )
    def erase_someone_who_took_part(
        self, initiative: str, which: int, number: int, texts: bool, now: int
    ) -> None:
        """The facilitator removes someone who reacted or took a position, and
        erases their personal data (a third as often as asked)."""
        if now or initiative not in self.started:
            return
        status = self.status(initiative)
        assert status is not None
        took_part: list[str] = []
        for summary in status.plans:
            details = self.details(initiative, summary.plan)
            if details is not None:
                took_part += [r.stakeholder for r in details.reactions]
        for point in status.decisions:
            found = self.decision_of(initiative, point.decision)
            if found is not None:
                took_part += [p.stakeholder for p in found.positions]
        candidates = sorted(
            set(took_part) & set(KIND_OF) - {status.facilitator}, key=took_part.index
        )
        if not candidates:
            return
        ref = candidates[(which + number) % len(candidates)]
        actor = status.facilitator
        self.on("leave_initiative", actor, initiative, stakeholder=ref)
        erasure = self.attempt(
            "erase_stakeholder", {"actor": actor, "stakeholder": ref, "texts": texts}
        )
        if erasure is not None:
            self.erasures += 1

    # --- time ----------------------------------------------------------------------

    @rule(
        step=st.sampled_from(
            [
                timedelta(minutes=1),
                timedelta(hours=3),
                timedelta(days=1),
                timedelta(days=15),
                timedelta(days=29),
                timedelta(days=43),
            ]
        )
    )
    def time_passes(self, step: timedelta) -> None:
        """Remember how every initiative stands now, then let time move on: nothing
        more can be recorded at this moment, so ``as_of`` it must show the same."""
        self.remember_how_things_stand()
        self.now += step

    @rule()
    def tick(self) -> None:
        before = self.app.stored_event_count()
        with self.at_this_moment():
            closed = self.app.tick()
            again = self.app.tick()
        assert again == []
        assert self.app.stored_event_count() >= before + len(closed)
        event(f"tick: closed {min(len(closed), 2)}+")

    # --- the thorough checks, now and then -----------------------------------------

    @precondition(lambda self: bool(self.started))
    @rule(now=st.integers(0, 2))
    def check_thoroughly(self, now: int = 0, every: bool = False) -> None:
        if now:  # the thorough checks take time: a third as often as asked
            return
        self.the_views_equal_a_rebuild()
        self.every_report_renders()
        self.as_of_shows_what_was_seen_then(every)
        self.export_and_replay_agree()

    def teardown(self) -> None:
        try:
            if self.started:
                self.check_thoroughly(every=True)
        finally:
            self.app.close()
            shutil.rmtree(self.folder, ignore_errors=True)
            if TALLY_FILE:
                Path(TALLY_FILE).write_text(json.dumps(TALLY, sort_keys=True))

    # --- what must hold after every step -------------------------------------------

    @invariant()
    def the_audit_trail_is_intact(self) -> None:
        check = self.app.verify_audit()
        assert check.intact, check.problem

    @invariant()
    def the_status_counts_what_the_details_show(self) -> None:
        with self.at_this_moment():
            for initiative in sorted(self.started):
                status = self.app.initiative_status(initiative)
                for summary in status.plans:
                    details = self.app.plan_details(initiative, summary.plan)
                    assert summary.versions == len(details.versions)
                    assert summary.final_version == details.final_version
                    assert summary.reactions == len(details.reactions)
                    assert summary.unanswered == len(details.unanswered)
                    assert details.unanswered == [
                        r.number
                        for r in details.reactions
                        if r.answer is None and not r.withdrawn and not r.late
                    ]
                for point in status.decisions:
                    decision = self.app.decision_details(initiative, point.decision)
                    assert point.state == decision.state
                    assert point.outcome == decision.outcome
                    assert point.tally == decision.tally
                    assert point.closes_at == decision.closes_at

    # --- helpers ---------------------------------------------------------------------

    def facilitator(self, initiative: str) -> str:
        """Who started the initiative, as far as the views know; else the first."""
        if initiative in self.started:
            with self.at_this_moment():
                return self.app.initiative_status(initiative).facilitator
        return FACILITATORS[0]

    def who(self, initiative: str, number: int) -> str:
        """0 to 5: someone taking part in the initiative now (if anyone does); 6
        and 7: its facilitator; 8 and 9: anyone at all."""
        if number < 6 and initiative in self.started:
            with self.at_this_moment():
                status = self.app.initiative_status(initiative)
            taking_part = [s.ref for s in status.stakeholders if s.active]
            if taking_part:
                return taking_part[number % len(taking_part)]
        if number < 8:
            return self.facilitator(initiative)
        return PEOPLE[number % len(PEOPLE)]

    def an_initiative(self, initiative: str, aim: int) -> str:
        """Aimed: one that was started, if any was."""
        if aim < AIMED and initiative not in self.started and self.started:
            return sorted(self.started)[0]
        return initiative

    def status(self, initiative: str) -> Any:
        """How ``initiative`` stands now; None if it was not started."""
        if initiative not in self.started:
            return None
        with self.at_this_moment():
            return self.app.initiative_status(initiative)

    def details(self, initiative: str, plan: str) -> Any:
        if initiative not in self.started:
            return None
        with self.at_this_moment():
            try:
                return self.app.plan_details(initiative, plan)
            except NotFound:
                return None

    def decision_of(self, initiative: str, decision: str) -> Any:
        if initiative not in self.started:
            return None
        with self.at_this_moment():
            try:
                return self.app.decision_details(initiative, decision)
            except NotFound:
                return None

    def phase_of(self, status: Any) -> Phase | None:
        """The phase the initiative of ``status`` is in, as its template defines it."""
        try:
            template = self.app.templates.get(
                status.template.name, status.template.version
            )
            return template.phase(status.phase)
        except (NotFound, KeyError):
            return None

    def someone_who_may(
        self,
        initiative: str,
        command: str,
        number: int,
        aim: int,
        *,
        group: str | None = None,
        plan: str | None = None,
        eligible: list[str] | None = None,
    ) -> str:
        """Aimed: someone taking part whom the phase lets give ``command`` (of
        those who make the plan or its ``group``, and of the ``eligible`` kinds),
        if anyone is; else (and not aimed) as :meth:`who` chooses."""
        status = self.status(initiative) if aim < AIMED else None
        if status is None:
            return self.who(initiative, number)
        if plan is not None:
            group = next((p.group for p in status.plans if p.plan == plan), group)
        members: set[str] | None = None
        if group is not None:
            members = {status.facilitator} | {
                ref for g in status.groups if g.group == group for ref in g.members
            }
        phase = self.phase_of(status)
        found = [
            s.ref
            for s in status.stakeholders
            if s.active
            and (members is None or s.ref in members)
            and (eligible is None or s.kind in eligible)
            and permits(phase, s.kind, command)
        ]
        if not found:
            return self.who(initiative, number)
        return str(found[number % len(found)])

    def a_plan(
        self,
        initiative: str,
        which: int,
        aim: int = AIMED,
        fit: Callable[[Any], bool] | None = None,
    ) -> str:
        """Aimed: one of the initiative's plans that ``fit`` the command, if any
        does; else as :meth:`one_of` chooses."""
        if aim < AIMED and fit is not None:
            status = self.status(initiative)
            found = [p.plan for p in status.plans if fit(p)] if status else []
            if found:
                return str(found[which % len(found)])
        return self.one_of(initiative, which, "plans", "plan", PLANS)

    def a_decision(self, initiative: str, which: int, aim: int = AIMED) -> str:
        """Aimed: one of the initiative's open decision points, if any."""
        if aim < AIMED:
            status = self.status(initiative)
            found = (
                [d.decision for d in status.decisions if d.state == "open"]
                if status
                else []
            )
            if found:
                return str(found[which % len(found)])
        return self.one_of(initiative, which, "decisions", "decision", DECISIONS)

    def one_of(
        self, initiative: str, which: int, part: str, key: str, known: tuple[str, ...]
    ) -> str:
        """One of the initiative's plans or decision points (``which`` 0 to 2, if
        it has any), or any of those this test knows."""
        if which < 3 and initiative in self.started:
            with self.at_this_moment():
                status = self.app.initiative_status(initiative)
            found = [getattr(item, key) for item in getattr(status, part)]
            if found:
                return str(found[which % len(found)])
        return known[which % len(known)]

    def unanswered(self, initiative: str, plan: str) -> list[int]:
        if initiative not in self.started:
            return []
        with self.at_this_moment():
            try:
                return self.app.plan_details(initiative, plan).unanswered
            except NotFound:
                return []

    def versions(self, initiative: str, plan: str) -> int | None:
        return self.counted(initiative, plan, "versions")

    def reactions(self, initiative: str, plan: str) -> int | None:
        return self.counted(initiative, plan, "reactions")

    def counted(self, initiative: str, plan: str, what: str) -> int | None:
        if initiative not in self.started:
            return None
        with self.at_this_moment():
            status = self.app.initiative_status(initiative)
        for summary in status.plans:
            if summary.plan == plan:
                found: int = getattr(summary, what)
                return found
        return None

    def remember_how_things_stand(self) -> None:
        with self.at_this_moment():
            for initiative in sorted(self.started):
                status = self.app.initiative_status(initiative)
                self.snapshots.append(
                    (
                        self.now,
                        f"status {initiative}",
                        without_as_of(status),
                        self.erasures,
                    )
                )
                for summary in status.plans:
                    details = self.app.plan_details(initiative, summary.plan)
                    self.snapshots.append(
                        (
                            self.now,
                            f"plan {initiative}/{summary.plan}",
                            without_as_of(details),
                            self.erasures,
                        )
                    )
                for point in status.decisions:
                    decision = self.app.decision_details(initiative, point.decision)
                    self.snapshots.append(
                        (
                            self.now,
                            f"decision {initiative}/{point.decision}",
                            without_as_of(decision),
                            self.erasures,
                        )
                    )

    def the_views_equal_a_rebuild(self) -> None:
        check = self.app.verify_projections()
        assert check.intact, check.problem

    def every_report_renders(self) -> None:
        with self.at_this_moment():
            for initiative in sorted(self.started):
                report = self.app.participation_report(initiative)
                for entry in report.decisions:
                    details = self.app.decision_details(initiative, entry.decision)
                    assert details.quorum == entry.quorum
                    # The engine's outcome and the verdict the report and decision
                    # show give on the quorum agree: a decision only with it.
                    if details.quorum_reached is False:
                        assert details.outcome is None, entry.decision
                    if details.quorum is not None and details.outcome is not None:
                        assert details.quorum_reached, entry.decision
                for lang in ("nl", "en"):
                    assert render_markdown(report, lang).startswith("# ")
                    assert "</html>" in render_html(report, lang)

    def as_of_shows_what_was_seen_then(self, every: bool = False) -> None:
        """Each moment remembered since the last check (``every``: all of them)."""
        start = 0 if every else self.checked_snapshots
        self.checked_snapshots = len(self.snapshots)
        with self.at_this_moment():
            for moment, what, seen, erasures in self.snapshots[start:]:
                kind, _, subject = what.partition(" ")
                initiative, _, part = subject.partition("/")
                then: Any
                if kind == "status":
                    then = self.app.initiative_status(initiative, as_of=moment)
                elif kind == "plan":
                    then = self.app.plan_details(initiative, part, as_of=moment)
                else:
                    then = self.app.decision_details(initiative, part, as_of=moment)
                found = differences(seen, without_as_of(then), self.erasures > erasures)
                assert not found, f"{what} as of {moment}: {found}"

    def export_and_replay_agree(self) -> None:
        with self.at_this_moment():
            for initiative in sorted(self.started):
                self.exports += 1
                bundle = self.folder / f"{initiative}-{self.exports}.zip"
                copy = self.folder / f"{initiative}-{self.exports}.db"
                exported = self.app.export_initiative(initiative, bundle)
                assert exported.head == str(self.app.audit_head(initiative))
                replayed = Samenspraak.replay(bundle, str(copy), head=exported.head)
                assert (
                    replayed.head.partition(":")[2] == exported.head.partition(":")[2]
                )
                there = Samenspraak.open(str(copy), create=False)
                try:
                    assert without_as_of(there.initiative_status(initiative)) == (
                        without_as_of(self.app.initiative_status(initiative))
                    )
                    for plan in self.app.initiative_status(initiative).plans:
                        assert without_as_of(
                            there.plan_details(initiative, plan.plan)
                        ) == without_as_of(self.app.plan_details(initiative, plan.plan))
                    assert there.response_report(initiative) == (
                        self.app.response_report(initiative)
                    )
                finally:
                    there.close()


AnySequenceOfCommands.TestCase.settings = PROFILES[PROFILE]
TestAnySequenceOfCommands = AnySequenceOfCommands.TestCase
