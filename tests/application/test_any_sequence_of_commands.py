"""Any sequence of plausible commands keeps the record sound.

A stateful property test: Hypothesis drives the public API with random but plausible
commands (stakeholders of every kind, up to three initiatives on different
templates, plans with drafts, reactions, letters recorded for someone and answers,
decision points with positions, phases advanced, meetings, announcements, the
council informed, the facilitator's interventions, corrections of announcements and
interventions, erasures, initiatives closed, and time moving on) in orders no story
tells. Every command either succeeds or is refused with one of the engine's own
errors, and after every step the record still holds together:

- a refused command recorded nothing;
- the audit trail is intact;
- what ``initiative_status`` counts agrees with ``plan_details`` and
  ``decision_details``;

and, now and then during the run and always at its end:

- the views equal the views built again from the log;
- the participation report renders, as Markdown and HTML, in Dutch and English;
- ``as_of`` a moment recorded earlier in the run shows what was seen at that moment;
- an initiative exported and replayed has the same chain head, and reads the same.

Most commands are aimed at what the record lets them do at that moment: an
initiative whose phase lets someone taking part give the command, someone of a kind
the phase permits, a plan with a draft, a reaction still unanswered, a version
proposed after it, a decision point still open, an option of it. Where nothing fits,
an aimed command first does what it needs (a draft proposed, a reaction given, a
decision point put, someone brought in, an initiative started on the template that
restricts no one). Sequences often begin with the facilitator seeing a phase or a
few through, and ``advance_phase`` does so now and then: doing what the phase's
guards wait for (reactions answered, plans finalised, decision points decided or
withdrawn, a decision taken, the council informed, part of the budget allocated,
the reaction period over) before advancing it. The rest of the commands are given
at random, so the refusals are reached too.

So the deeper paths are reached. Each rule of the machine gives one command of its
own, after what it does first (answering by adopting a change, defending a position
or noting support; finalising, opening a reaction period, putting a decision point,
taking a position, deciding, withdrawing a decision point, removing a member,
advancing a phase, erasing someone who took part, and the rest), and succeeds when
that command is done (``time_passes``, ``tick`` and ``check_thoroughly`` give none:
when they did what they do; ``begin`` gives many, and counts by its last). Under
the quick profile every rule succeeds at least once in the run, which the test
checks for every rule the machine has. Initiatives go on to the later phases of
their templates in that run (which ones, and how often, varies with the sequences
Hypothesis draws). Two paths within ``react`` stay rare, and are not checked: a
letter that came in before its plan was finalised, and a letter recorded as
received late. Set ``SAMENSPRAAK_PROPERTY_TALLY`` to a file to count how often each
command and each rule succeeds, which phases are reached, and those two letters
(``letter-on-a-finalised-plan``, ``letter-received-late``).

The regular suite runs a modest number of sequences, the same every run. Set
``SAMENSPRAAK_PROPERTY_PROFILE=slow`` to run many more and longer ones, with a new
seed each time (Hypothesis prints the seed of a failing run, to rerun it with
``--hypothesis-seed``).
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import CodeType
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
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
from samenspraak.domain.templates import SOCIETY_FIRST, Phase, ProcessTemplate

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
    "res-3": "resident",
}
PEOPLE = (*FACILITATORS, *KIND_OF)
LATECOMER = "res-3"
"""Someone ``begin`` does not register: ``register`` does, later (or not)."""
KINDS = (
    "resident",
    "entrepreneur",
    "institution",
    "civil-servant",
    "council-member",
    "facilitator",
)
INITIATIVES = ("one", "two", "three")
"""Those the test starts: ``begin`` the first, and half the time the second; the
others when ``start`` is aimed at one not started yet, or when no initiative lets
an aimed command be given (see ``AnySequenceOfCommands.an_initiative``)."""
TEMPLATES = (
    None,
    "overheidsparticipatie@2",
    "burgerbegroting",
    "omgevingswet",
    "uitdaagrecht",
)
GROUPS = ("steering", "working")
PLANS = ("vision", "traffic", "budget")
DECISIONS = ("priority", "budget", "route", "order", "name")
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
<rule>``, to show how often each command succeeds; per rule of the machine, ``rule
<name> given`` and ``rule <name> done`` (see ``tally_the_step``); and the phases
reached, ``phase <template>:<phase> reached``."""

people = st.sampled_from(PEOPLE)
facilitators = st.sampled_from(FACILITATORS)
initiatives = st.sampled_from(("one", "one", "one", "two"))
"""The first initiative mostly: the second one starts at the beginning, along the
way, or not at all."""
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
answered = st.lists(st.integers(0, 4), min_size=1, max_size=2)
"""The reactions an answer names: 0 names the first one still unanswered."""
answerers = st.sampled_from([6, 6, 7, 0, 1, 8])
"""Who answers: mostly the facilitator (see ``AnySequenceOfCommands.who``)."""
ANSWERS = {
    "adopt": "adopt_change",
    "adopt-partly": "adopt_change",
    "defend": "defend_position",
    "note": "note_support",
}
aims = st.integers(min_value=0, max_value=9)
"""How a command is aimed: 0 to 7 at what the record lets it do now (an open reaction,
a version proposed after it, someone whose kind the phase permits the command, an
open decision point, an option of it), after doing first what it needs if nothing
fits; 8 and 9 at random: so that most commands reach the paths behind the
refusals, and some are still refused."""
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


def unanswered_in(status: Any) -> int:
    """How many reactions on the plans of an initiative await an answer."""
    return sum(p.unanswered for p in status.plans)


def drafts_in(status: Any) -> int:
    """How many plans of an initiative have a draft and are not final."""
    return sum(p.versions > 0 and p.final_version is None for p in status.plans)


def open_points_in(status: Any) -> int:
    """How many decision points of an initiative are open."""
    return sum(d.state == "open" for d in status.decisions)


def rule_codes(machine: type[RuleBasedStateMachine]) -> dict[CodeType, str]:
    """The names of the rules and initialize rules of ``machine``, by the code of
    the function Hypothesis runs for each."""
    found = RULE_CODES.get(machine)
    if found is None:
        state = machine.setup_state()
        found = {
            r.function.__code__: r.function.__name__
            for r in (*state.initializers, *state.rules)
        }
        RULE_CODES[machine] = found
    return found


RULE_CODES: dict[type[RuleBasedStateMachine], dict[CodeType, str]] = {}


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
        """When each plan was finalised, to date a letter before it."""
        self.period_closes: dict[tuple[str, str], datetime] = {}
        """When the reaction period last opened on a plan closes (a letter
        received late came in after it)."""
        self.period_opened: dict[tuple[str, str], datetime] = {}
        """When the reaction period on a plan last opened."""
        self.phase_began: dict[str, datetime] = {}
        """When each initiative entered the phase it is in."""
        self.informed_in_phase: set[str] = set()
        """The initiatives whose council was informed in the phase they are in."""
        self.registered: set[str] = set()
        """Who is in the directory under their own reference (not erased)."""
        self.informings = 0
        """How many documents were sent to the council, to name a new one by."""
        self.pinned = False
        """Whether commands are aimed at the initiative given (see
        :meth:`staying`)."""
        self.steps = 0
        """How many steps were run so far."""
        self.seen: dict[tuple[str, ...], Any] = {}
        """Views read to aim commands by (see :meth:`read`)."""
        self.step: dict[str, bool] = {}
        """The rule run in this step (see :meth:`running_rule`), if it gave a
        command or did what it does without one: whether it succeeded."""

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
        self.step[self.running_rule()] = refused is None
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
        self.seen.clear()
        return result

    def running_rule(self) -> str:
        """The rule of this machine that Hypothesis runs now: the outermost rule on
        the stack (``begin`` calls other rules, and rules call helpers)."""
        codes = rule_codes(type(self))
        found = "(no rule)"
        frame = inspect.currentframe()
        while frame is not None:
            found = codes.get(frame.f_code, found)
            frame = frame.f_back
        return found

    @contextmanager
    def staying(self) -> Iterator[None]:
        """Rules called within, to do first what a command needs, are aimed at
        the initiative they are given (see :meth:`an_initiative`), not another."""
        pinned, self.pinned = self.pinned, True
        try:
            yield
        finally:
            self.pinned = pinned

    def now_and_then(self, now: int, every: int) -> bool:
        """Whether the rule that drew ``now`` (from 0 to ``every`` - 1) acts this
        time: one time in ``every``, by ``now`` counted on from the steps run so
        far (so that a sequence in which Hypothesis draws the same ``now`` every
        time still acts now and then)."""
        return (now + self.steps) % every == 0

    def done_without_a_command(self) -> None:
        """For a rule that gives the engine no command through :meth:`attempt`:
        it did what it does."""
        self.step[self.running_rule()] = True

    def on(self, command: str, actor: str, initiative: str, **fields: Any) -> Any:
        return self.attempt(
            command, {"actor": actor, "initiative": initiative, **fields}
        )

    # --- the people and the initiatives -----------------------------------------

    @initialize(
        template=st.sampled_from((None, None, *TEMPLATES)),
        joined=st.lists(
            st.sampled_from(sorted(set(KIND_OF) - {LATECOMER})), unique=True
        ),
        with_a_draft=st.sampled_from([True, True, True, False]),
        phases_on=st.sampled_from([0, 0, 1, 1, 2, 3, 4]),
        second=st.sampled_from((False, True)),
        second_template=st.sampled_from(TEMPLATES),
    )
    def begin(
        self,
        template: str | None,
        joined: list[str],
        with_a_draft: bool,
        phases_on: int,
        second: bool,
        second_template: str | None,
    ) -> None:
        """Everyone but the latecomer registers, and one initiative starts with
        some of them (added by the facilitator where the phase does not let them
        join themselves), and most often a working group of them with a draft plan
        they react to; then, as often as not, the facilitator sees a phase or a
        few through (see :meth:`advance_phase`); and half the time a second
        initiative starts, with the same people, on a template of its own, and
        goes as many phases on. Most sequences then go further than a refusal for
        an unknown name, many start in a later phase, and where one initiative's
        phase lets no one give a command, the other's may."""
        with self.staying():  # aimed at the initiative named
            for ref in PEOPLE:
                if ref != LATECOMER:
                    self.register(ref, by_someone_else=False, aim=AIMED)
            self.start("fac-a", "one", template, "1000.00", AIMED)
            for ref in joined:
                self.join("one", ref, False, 1, KIND_OF[ref], 0)
            if with_a_draft:
                self.form_group("one", "working", "working")
                for ref in joined:
                    self.on(
                        "add_member", "fac-a", "one", group="working", stakeholder=ref
                    )
                self.create_plan("one", "vision", "working", 6, AIMED)
                self.propose_draft("one", 0, 6, AIMED)
                for n, _ in enumerate(joined):
                    self.react("one", 0, n, 0, STANCES[n % 4], "own", None, AIMED)
            for _ in range(phases_on):
                self.advance_phase("one", 6, 0)
            if second:
                self.start("fac-b", "two", second_template, "250000.50", AIMED)
                for ref in joined:
                    self.join("two", ref, False, 1, KIND_OF[ref], 0)
                for _ in range(phases_on):
                    self.advance_phase("two", 6, 0)

    @rule(ref=people, by_someone_else=st.booleans(), aim=aims)
    def register(self, ref: str, by_someone_else: bool, aim: int) -> None:
        """Aimed: someone not in the directory (the latecomer, or someone erased
        since), if anyone is."""
        if aim < AIMED:
            ref = next((p for p in PEOPLE if p not in self.registered), ref)
        actor = "fac-a" if by_someone_else else ref
        registered = self.attempt(
            "register_stakeholder",
            {
                "actor": actor,
                "stakeholder": ref,
                "name": f"Participant {ref}",
                "contact": f"{ref}@example.org",
            },
        )
        if registered is not None:
            self.registered.add(ref)

    @rule(
        actor=facilitators,
        initiative=initiatives,
        template=st.sampled_from(TEMPLATES),
        budget=st.sampled_from(["0", "1000.00", "250000.50"]),
        aim=aims,
    )
    def start(
        self, actor: str, initiative: str, template: str | None, budget: str, aim: int
    ) -> None:
        """Aimed: an initiative not started yet, if there is one."""
        if aim < AIMED:
            initiative = next(
                (i for i in INITIATIVES if i not in self.started), initiative
            )
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
            self.phase_began[initiative] = self.now

    @rule(
        initiative=initiatives,
        ref=people,
        by_facilitator=st.booleans(),
        own_kind=st.integers(0, 5),
        kind=st.sampled_from(KINDS),
        aim=aims,
    )
    def join(
        self,
        initiative: str,
        ref: str,
        by_facilitator: bool,
        own_kind: int,
        kind: str,
        aim: int,
    ) -> None:
        """Aimed: someone registered who does not take part (yet, or any more),
        with the kind they took part as before, by themselves if the phase lets
        their kind join, else added by the facilitator."""
        initiative = self.an_initiative(initiative, aim, "join_initiative")
        actor = self.facilitator(initiative) if by_facilitator else ref
        chosen = KIND_OF.get(ref, kind) if own_kind else kind
        status = self.status(initiative) if aim < AIMED else None
        if status is not None:
            was = {s.ref: s for s in status.stakeholders}
            outside = [
                p
                for p in KIND_OF
                if p in self.registered and not (p in was and was[p].active)
            ]
            if ref not in outside and outside:
                ref = outside[PEOPLE.index(ref) % len(outside)]
            chosen = was[ref].kind if ref in was else KIND_OF.get(ref, kind)
            themselves = permits(self.phase_of(status), chosen, "join_initiative")
            actor = ref if themselves else status.facilitator
        self.on("join_initiative", actor, initiative, stakeholder=ref, kind=chosen)

    @rule(initiative=initiatives, ref=people, by_facilitator=st.booleans(), aim=aims)
    def leave(self, initiative: str, ref: str, by_facilitator: bool, aim: int) -> None:
        """Aimed: someone taking part (not the facilitator; someone joins first,
        if no one else takes part), by themselves if the phase lets their kind
        leave, else removed by the facilitator."""
        initiative = self.an_initiative(
            initiative,
            aim,
            "leave_initiative",
            lambda s: sum(x.active for x in s.stakeholders) > 1,
        )
        actor = self.facilitator(initiative) if by_facilitator else ref
        status = self.status(initiative) if aim < AIMED else None
        if status is not None and not any(
            s.active and s.ref != status.facilitator for s in status.stakeholders
        ):
            with self.staying():
                self.join(initiative, ref, False, 1, KIND_OF.get(ref, "resident"), aim)
            status = self.status(initiative)
        if status is not None:
            taking_part = [
                s
                for s in status.stakeholders
                if s.active and s.ref != status.facilitator
            ]
            if taking_part:
                chosen = taking_part[PEOPLE.index(ref) % len(taking_part)]
                ref = chosen.ref
                themselves = permits(
                    self.phase_of(status), chosen.kind, "leave_initiative"
                )
                actor = ref if themselves and not by_facilitator else status.facilitator
        self.on("leave_initiative", actor, initiative, stakeholder=ref)

    @rule(
        initiative=initiatives,
        group=st.sampled_from(GROUPS),
        kind=st.sampled_from(["steering", "working"]),
        aim=aims,
    )
    def form_group(
        self, initiative: str, group: str, kind: str, aim: int = AIMED
    ) -> None:
        """Aimed: a group not formed yet, if there is one."""
        initiative = self.an_initiative(initiative, aim, "form_group")
        status = self.status(initiative) if aim < AIMED else None
        if status is not None:
            formed = {g.group for g in status.groups}
            group = next((g for g in GROUPS if g not in formed), group)
        self.on(
            "form_group",
            self.facilitator(initiative),
            initiative,
            group=group,
            kind=kind,
            name=f"The {group} group",
            mandate="Make a plan.",
        )

    @rule(initiative=initiatives, group=st.sampled_from(GROUPS), ref=people, aim=aims)
    def add_member(self, initiative: str, group: str, ref: str, aim: int) -> None:
        """By the facilitator. Aimed: to a group formed, someone taking part who
        is not a member of it."""
        self.membership("add_member", initiative, group, ref, aim)

    @rule(initiative=initiatives, group=st.sampled_from(GROUPS), ref=people, aim=aims)
    def remove_member(self, initiative: str, group: str, ref: str, aim: int) -> None:
        """By the facilitator. Aimed: a member of a group (added first, if no group
        has one)."""
        self.membership("remove_member", initiative, group, ref, aim)

    def membership(
        self, command: str, initiative: str, group: str, ref: str, aim: int
    ) -> None:
        """Add someone to a group, or remove them, by the facilitator."""
        add = command == "add_member"
        initiative = self.an_initiative(initiative, aim, command)
        status = self.status(initiative) if aim < AIMED else None
        if status is not None and not add and not any(g.members for g in status.groups):
            with self.staying():
                self.membership("add_member", initiative, group, ref, aim)
            status = self.status(initiative)
        if status is not None and status.groups:
            groups = [g for g in status.groups if add or g.members] or status.groups
            chosen = groups[GROUPS.index(group) % len(groups)]
            group = chosen.group
            taking_part = [s.ref for s in status.stakeholders if s.active]
            found = (
                [p for p in taking_part if p not in chosen.members]
                if add
                else chosen.members
            )
            if found:
                ref = found[PEOPLE.index(ref) % len(found)]
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
        aim=aims,
    )
    def hold_meeting(self, initiative: str, hours: int, kind: str, aim: int) -> None:
        initiative = self.an_initiative(initiative, aim, "hold_meeting")
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
        aim=aims,
    )
    def inform_council(
        self, initiative: str, days_ago: int, session: str, aim: int = 0
    ) -> None:
        """Aimed: where the phase lets the facilitator, with a document not sent
        before (else the same one, which is refused if its session and time are
        the same too)."""
        initiative = self.an_initiative(initiative, aim, "inform_council")
        document = "ab" * 32
        if aim < AIMED:
            self.informings += 1
            document = f"{self.informings:064x}"
        informing = self.on(
            "inform_council",
            self.facilitator(initiative),
            initiative,
            document_title="Interim report",
            document_sha256=document,
            session=session,
            informed_at=(self.now - timedelta(days=days_ago)).isoformat(),
        )
        if informing is not None:
            self.informed_in_phase.add(initiative)

    @rule(
        initiative=initiatives,
        kind=st.sampled_from(INTERVENTIONS),
        asked=st.integers(0, 3),
        someone=actors,
        days_ago=st.sampled_from([0, 2]),
        aim=aims,
    )
    def record_intervention(
        self,
        initiative: str,
        kind: str,
        asked: int,
        someone: int,
        days_ago: int,
        aim: int,
    ) -> None:
        """By the facilitator, on request of no one, a group, or someone (taking
        part, or anyone). Aimed: asked for by a group formed, or by someone taking
        part other than the facilitator, if there is one."""
        initiative = self.an_initiative(initiative, aim)
        status = self.status(initiative) if aim < AIMED else None
        group = GROUPS[someone % len(GROUPS)]
        requested_by = self.who(initiative, someone) if asked > 1 else None
        if status is not None:
            others = [
                s.ref
                for s in status.stakeholders
                if s.active and s.ref != status.facilitator
            ]
            if status.groups:
                group = status.groups[someone % len(status.groups)].group
            elif asked == 1:
                asked = 0
            if asked > 1 and others:
                requested_by = others[someone % len(others)]
            elif asked > 1:
                asked = 0
            if kind == "on-request" and asked == 0:
                kind = "general-interest"  # one on request names who asked
        fields: dict[str, Any] = {
            "kind": kind,
            "note": "Named what the whole town needs.",
            "intervened_at": (self.now - timedelta(days=days_ago)).isoformat(),
        }
        if asked == 1:
            fields["group"] = group
        elif asked > 1:
            fields["requested_by"] = requested_by
        self.on(
            "record_intervention", self.facilitator(initiative), initiative, **fields
        )

    @rule(
        initiative=initiatives,
        channel=st.sampled_from(ANNOUNCEMENT_CHANNELS),
        reach=st.sampled_from([None, 0, 4200]),
        days_ago=st.sampled_from([0, 3]),
        aim=aims,
    )
    def announce(
        self, initiative: str, channel: str, reach: int | None, days_ago: int, aim: int
    ) -> None:
        initiative = self.an_initiative(initiative, aim)
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
        aim=aims,
    )
    def correct_announcement(
        self,
        initiative: str,
        number: int,
        channel: str | None,
        reach: int | str | None,
        audience: bool,
        days_ago: int | None,
        aim: int,
    ) -> None:
        """By the facilitator: another channel, audience, time or reach (or a
        reach not known after all), with a reason. Aimed: an announcement made
        (made first, if none was), and something changed."""
        initiative = self.an_initiative(initiative, aim)
        status = self.status(initiative) if aim < AIMED else None
        if status is not None and not status.announcements:
            with self.staying():
                self.announce(initiative, ANNOUNCEMENT_CHANNELS[number], None, 1, aim)
            status = self.status(initiative)
        if status is not None and status.announcements:
            number = status.announcements[number % len(status.announcements)].number
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
        if status is not None and (channel, reach, audience, days_ago) == (
            None,
            None,
            False,
            None,
        ):  # aimed: a correction changes something
            fields["audience"] = "Every household within the canals"
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
        aim=aims,
    )
    def correct_intervention(
        self,
        initiative: str,
        number: int,
        kind: str | None,
        asked: int,
        someone: int,
        days_ago: int | None,
        aim: int,
    ) -> None:
        """By the facilitator: another kind, time or note, or who asked (no one,
        a group, or someone taking part or anyone), with a reason. Aimed: an
        intervention recorded (recorded first, if none was), who asked named if
        it is on request, and something changed."""
        initiative = self.an_initiative(initiative, aim)
        status = self.status(initiative) if aim < AIMED else None
        if status is not None and not status.interventions:
            with self.staying():
                self.record_intervention(initiative, INTERVENTIONS[0], 0, 0, 1, aim)
            status = self.status(initiative)
        requested_by = None
        if status is not None and status.interventions:
            chosen = status.interventions[number % len(status.interventions)]
            number = chosen.number
            asked_for = (kind or chosen.kind) == "on-request"
            if asked_for and (
                asked == 1
                or (asked in {0, 4} and not (chosen.requested_by or chosen.group))
            ):
                asked = 2 if status.groups else 3  # aimed: it names who asked
            others = [
                s.ref
                for s in status.stakeholders
                if s.active and s.ref != status.facilitator
            ]  # aimed: who asked takes part, and is not the facilitator
            requested_by = others[someone % len(others)] if others else None
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
            if status is not None and status.groups:  # aimed: a group formed
                fields["group"] = status.groups[someone % len(status.groups)].group
        elif asked == 3:
            fields["requested_by"] = requested_by or self.who(initiative, someone)
        if status is not None and (kind, days_ago, asked) == (None, None, 4):
            # aimed: a correction changes something
            fields["note"] = "Helped the group into the municipal organisation."
        self.on(
            "correct_intervention", self.facilitator(initiative), initiative, **fields
        )

    @rule(initiative=initiatives, actor=actors, aim=aims)
    def advance_phase(self, initiative: str, actor: int, aim: int) -> None:
        """Aimed: by the facilitator, of an initiative not in its last phase, and
        half the time (so that each phase is used a while) after doing first what
        the phase's guards wait for (see :meth:`see_the_phase_through`); not
        aimed: by anyone."""
        actor_ref = self.who(initiative, actor)
        if aim < AIMED:
            initiative = self.an_initiative(
                initiative,
                aim,
                "advance_phase",
                lambda s: s.phase != s.template.phases[-1],
            )
            actor_ref = self.facilitator(initiative)
        if aim < AIMED // 2:
            self.see_the_phase_through(initiative)
        phase = self.on("advance_phase", actor_ref, initiative)
        if phase is not None:
            self.phase_began[initiative] = self.now
            self.informed_in_phase.discard(initiative)
            TALLY[f"phase {self.status(initiative).template.name}:{phase} reached"] += 1

    @rule(initiative=initiatives, now=st.integers(0, 2), aim=aims)
    def close(self, initiative: str, now: int, aim: int) -> None:
        """By the facilitator (a third as often as asked). Aimed: where the
        phase lets them, one in its last phase if one is, after doing what
        closing waits for: every open decision point decided or withdrawn, and,
        from the last phase, every reaction answered and the phase's guards
        holding (see :meth:`see_the_phase_through`)."""
        if not self.now_and_then(now, 3):  # closing ends everything else
            return
        initiative = self.an_initiative(
            initiative,
            aim,
            "close_initiative",
            lambda s: s.phase == s.template.phases[-1],
        )
        if aim < AIMED:
            self.see_the_phase_through(initiative, closing=True)
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
        now=st.integers(0, 1),
        aim=aims,
    )
    def erase(
        self, ref: str, by_facilitator: bool, texts: bool, now: int, aim: int
    ) -> None:
        """By the person themselves or the first facilitator (half as often as
        asked). Aimed: someone in the directory who facilitates nothing, asking
        it themselves."""
        if not self.now_and_then(now, 2):  # an erasure ends someone's part
            return
        actor = "fac-a" if by_facilitator else ref
        if aim < AIMED:
            found = [p for p in KIND_OF if p in self.registered]
            ref = found[PEOPLE.index(ref) % len(found)] if found else ref
            actor = ref
        erasure = self.attempt(
            "erase_stakeholder", {"actor": actor, "stakeholder": ref, "texts": texts}
        )
        if erasure is not None:
            self.erasures += 1
            self.registered.discard(ref)

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
        """Aimed: a plan not made yet, for a group formed (formed first, if none
        is), by someone the phase lets create it."""
        initiative = self.an_initiative(initiative, aim, "create_plan")
        status = self.status(initiative) if aim < AIMED else None
        if status is not None and not status.groups:
            with self.staying():
                self.form_group(initiative, group, "working", aim)
            status = self.status(initiative)
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
        """Aimed: of a plan not final (made first, if none is), by someone who
        makes it and whom the phase lets."""
        initiative = self.an_initiative(initiative, aim, "propose_draft")
        status = self.status(initiative) if aim < AIMED else None
        if status is not None and all(
            p.final_version is not None for p in status.plans
        ):
            with self.staying():
                self.create_plan(initiative, PLANS[0], GROUPS[0], actor, aim)
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
        """React to a plan; aimed: to one with a draft that still takes reactions
        (a letter received late: one whose reaction period is over), and to a
        finalised one only with a letter that came in before it was finalised."""
        initiative = self.an_initiative(
            initiative, aim, "react_to_plan", lambda s: drafts_in(s) > 0
        )
        if aim < AIMED:
            self.a_draft_if_none(initiative)
        received_late = how == "received" and late
        plan = self.a_plan(
            initiative,
            which,
            aim,
            lambda p: (
                p.versions > 0
                and (
                    self.period_over(initiative, p.plan)
                    if received_late
                    else self.takes_reactions(initiative, p.plan)
                )
            ),
        )
        details = self.details(initiative, plan) if aim < AIMED else None
        latest = self.versions(initiative, plan) or 1
        if details is not None and version > latest:
            version = 0  # aimed: a version that exists
        fields: dict[str, Any] = {
            "plan": plan,
            "version": version or latest,
            "stance": stance,
            "text": f"A {stance} about the square.",
        }
        if section is not None:
            fields["section"] = section
        if details is not None and details.final_version is not None:
            how = "received"
        actor = self.someone_who_may(
            initiative, "react_to_plan", ref, aim, others=how != "own"
        )
        if details is not None:
            how = self.aimed_how(initiative, details, how, actor)
        if how != "own":
            fields["stakeholder"] = actor
            actor = self.facilitator(initiative)
        if how in {"letter", "email"}:
            fields["channel"] = how
        if how == "received":
            self.received(initiative, plan, details, fields, came_in, late)
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

    def aimed_how(self, initiative: str, details: Any, how: str, actor: str) -> str:
        """How a reaction on the plan of ``details`` comes in, aimed: at a meeting
        only once one was held (else by letter), and the facilitator's own
        reaction from themselves."""
        if how == "meeting" and not self.meetings.get(initiative):
            return "letter"
        if details.final_version is None and actor == self.facilitator(initiative):
            return "own"
        return how

    def received(
        self,
        initiative: str,
        plan: str,
        details: Any,
        fields: dict[str, Any],
        came_in: timedelta,
        late: bool,
    ) -> None:
        """A letter recorded for someone ``came_in`` ago; aimed (with
        ``details``), after the version it reacts to was proposed and before the
        plan was finalised, and, if ``late``, after the plan's reaction period
        closed (else it is refused: it is not late)."""
        fields["channel"] = "letter"
        if details is not None and not self.period_over(initiative, plan):
            late = False  # aimed: received late only after the period
        received_at = self.now - came_in
        closed = self.period_closes.get((initiative, plan))
        if details is not None and details.reactions_until is not None:
            closed = details.reactions_until
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

    def period_over(self, initiative: str, plan: str) -> bool:
        """Whether the reaction period of ``plan``, not final, is over."""
        details = self.details(initiative, plan)
        return (
            details is not None
            and details.final_version is None
            and details.reactions_until is not None
            and details.reactions_until < self.now
        )

    def takes_reactions(self, initiative: str, plan: str) -> bool:
        """Whether ``plan`` takes reactions now: until its reaction period ends,
        if it has one; once final, letters that came in before."""
        details = self.details(initiative, plan)
        return details is not None and (
            details.final_version is not None
            or details.reactions_until is None
            or details.reactions_until > self.now
        )

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
        """By the one who gave it, or the facilitator for them. Aimed: a reaction
        still unanswered (given first, if none is), where the phase lets someone
        withdraw it."""
        initiative = self.an_initiative(
            initiative, aim, "withdraw_reaction", lambda s: unanswered_in(s) > 0
        )
        if aim < AIMED and self.a_reaction_if_none_awaits_an_answer(
            initiative, STANCES[reaction % 4], "withdraw_reaction"
        ):
            initiative = self.an_initiative(
                initiative, aim, "withdraw_reaction", lambda s: unanswered_in(s) > 0
            )
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
        reactions=answered,
        partly=st.booleans(),
        version=versions,
        actor_number=answerers,
        aim=aims,
    )
    def adopt_change(
        self,
        initiative: str,
        which: int,
        reactions: list[int],
        partly: bool,
        version: int,
        actor_number: int,
        aim: int,
    ) -> None:
        """Answer reactions by adopting a change (or part of it) in a version
        (see :meth:`answer`); aimed: in a draft proposed for it, of a plan not
        final."""
        how = "adopt-partly" if partly else "adopt"
        self.answer(initiative, which, reactions, how, version, actor_number, aim)

    @rule(
        initiative=initiatives,
        which=existing,
        reactions=answered,
        actor_number=answerers,
        aim=aims,
    )
    def defend_position(
        self,
        initiative: str,
        which: int,
        reactions: list[int],
        actor_number: int,
        aim: int,
    ) -> None:
        """Answer reactions by defending the position (see :meth:`answer`)."""
        self.answer(initiative, which, reactions, "defend", 0, actor_number, aim)

    @rule(
        initiative=initiatives,
        which=existing,
        reactions=answered,
        actor_number=answerers,
        aim=aims,
    )
    def note_support(
        self,
        initiative: str,
        which: int,
        reactions: list[int],
        actor_number: int,
        aim: int,
    ) -> None:
        """Answer reactions by noting their support (see :meth:`answer`); aimed:
        reactions of support."""
        self.answer(initiative, which, reactions, "note", 0, actor_number, aim)

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
        names the first one still unanswered. Aimed: one or two reactions still
        unanswered (given first, if none is; of support, to note), where the
        phase lets someone who makes the plan answer them."""
        command = ANSWERS[how]
        supporting = how == "note"

        def awaits(plan: Any) -> bool:
            return plan.unanswered > 0 and not (
                how.startswith("adopt") and plan.final_version is not None
            )

        def fits(status: Any) -> bool:
            return any(awaits(p) for p in status.plans)

        initiative = self.an_initiative(initiative, aim, command, fits)
        if aim < AIMED and self.a_reaction_if_none_awaits_an_answer(
            initiative, "support" if supporting else "concern", command, supporting
        ):
            initiative = self.an_initiative(initiative, aim, command, fits)
        plan = self.a_plan(initiative, which, aim, awaits)
        details = self.details(initiative, plan) if aim < AIMED else None
        open_ = [
            r
            for r in (details.reactions if details is not None else [])
            if r.number in details.unanswered
            and (r.stance == "support" or not supporting)
        ]
        if open_:
            first = open_[reactions[0] % len(open_)]
            reactions = sorted({first.number, open_[reactions[-1] % len(open_)].number})
        else:
            unanswered = self.unanswered(initiative, plan)
            reactions = [n or (unanswered[0] if unanswered else 1) for n in reactions]
        actor = self.someone_who_may(initiative, command, actor_number, aim, plan=plan)
        if how == "defend":
            self.on(
                command,
                actor,
                initiative,
                plan=plan,
                reactions=reactions,
                reasoning="The square stays as it is, for the market.",
            )
        elif how == "note":
            self.on(command, actor, initiative, plan=plan, reactions=reactions)
        else:
            if open_:
                proposed = self.propose(initiative, plan, actor, aim)
                version = proposed or self.versions(initiative, plan) or 1
            self.on(
                command,
                actor,
                initiative,
                plan=plan,
                reactions=reactions,
                version=version or self.versions(initiative, plan) or 1,
                explanation="The change is in the new draft.",
                partly=how == "adopt-partly",
            )

    @rule(
        initiative=initiatives,
        which=existing,
        days=st.sampled_from([None, 1, 30]),
        aim=aims,
    )
    def open_reaction_period(
        self, initiative: str, which: int, days: int | None, aim: int
    ) -> None:
        """Aimed: on a plan with a draft, not final, and no period open on it; for
        the days the phase gives, if it gives any."""
        initiative = self.an_initiative(
            initiative, aim, "open_reaction_period", lambda s: drafts_in(s) > 0
        )
        if aim < AIMED:
            self.a_draft_if_none(initiative)
        plan = self.a_plan(
            initiative,
            which,
            aim,
            lambda p: (
                p.versions > 0
                and p.final_version is None
                and self.period_closes.get((initiative, p.plan), self.now) <= self.now
            ),
        )
        status = self.status(initiative) if aim < AIMED else None
        if status is not None:
            phase = self.phase_of(status)
            if phase is not None and phase.reaction_period_days is not None:
                days = None
            elif days is None:
                days = 30
        fields: dict[str, Any] = {"plan": plan}
        if days is not None:
            fields["days"] = days
        until = self.on(
            "open_reaction_period", self.facilitator(initiative), initiative, **fields
        )
        if until is not None:
            self.period_closes[initiative, plan] = until
            self.period_opened[initiative, plan] = self.now

    @rule(initiative=initiatives, which=existing, actor=actors, aim=aims)
    def finalise_plan(self, initiative: str, which: int, actor: int, aim: int) -> None:
        """Aimed: a plan not final (with a draft and every reaction answered, if
        one is; else given a draft and answers first), where the phase lets
        someone who makes it finalise it, no sooner than a day after its latest
        version was proposed (so that a letter may have come in between)."""
        initiative = self.an_initiative(
            initiative, aim, "finalise_plan", lambda s: drafts_in(s) > 0
        )
        if aim < AIMED:
            self.a_draft_if_none(initiative)
        plan = self.a_plan(
            initiative,
            which,
            aim,
            lambda p: p.versions > 0 and p.final_version is None and not p.unanswered,
        )
        details = self.details(initiative, plan) if aim < AIMED else None
        if details is not None and details.final_version is None:
            if not details.versions:
                self.propose(initiative, plan, actor, aim)
            self.answer_every_reaction(initiative, plan)
            latest = self.versions(initiative, plan)
            if self.proposed_at.get((initiative, plan, latest or 0)) == self.now:
                self.time_passes(timedelta(days=1))  # letters may come in first
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
        position (and who take part, if any do), where the phase lets the
        facilitator put one."""
        initiative = self.an_initiative(initiative, aim, "put_decision_point")
        status = self.status(initiative) if aim < AIMED else None
        if status is not None:
            taken = {point.decision for point in status.decisions}
            decision = next((d for d in DECISIONS if d not in taken), decision)
            phase = self.phase_of(status)
            may = [k for k in KINDS[:5] if permits(phase, k, "take_position")]
            present = {s.kind for s in status.stakeholders if s.active}
            chosen = (
                [k for k in eligible if k in may and k in present]
                or [k for k in may if k in present][:2]
                or [k for k in eligible if k in may]
                or may[:1]
            )
            eligible = chosen or eligible
        options = [{"key": "green", "label": "Greener streets"}]
        if rule_name in {"majority", "plurality"} or (
            status is not None and rule_name != "consent"
        ):  # aimed: a consensus too has two options to choose from
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
        """Aimed: on an open decision point (put first, if none is) that someone
        taking part may take a position on (the facilitator adds someone it was
        put to first, if no one may), by someone eligible whom the phase lets take
        a position, for one of its options or (by consent) objecting."""
        initiative = self.an_initiative(
            initiative, aim, "take_position", lambda s: open_points_in(s) > 0
        )
        if aim < AIMED:
            self.put_one_if_none_is_open(initiative)
        decision = self.a_decision(initiative, which, aim)
        if aim < AIMED:
            someone = [
                d
                for d in self.open_points(initiative)
                if self.participants(initiative, self.decision_of(initiative, d))
                and not self.closed(self.decision_of(initiative, d))
            ]
            decision = someone[which % len(someone)] if someone else decision
            point = self.decision_of(initiative, decision)
            if not someone and point is not None:
                self.someone_takes_part(initiative, point.eligible)
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

    @rule(initiative=initiatives, which=existing, aim=aims)
    def decide(self, initiative: str, which: int, aim: int) -> None:
        """By the facilitator. Aimed: an open decision point (put first, if none
        is), where the phase lets the facilitator decide: one that is ready
        (closed, or everyone who may take a position took one), else after those
        who have not taken a position yet take one (someone added first, if no
        one may)."""
        self.conclude("decide", initiative, which, aim)

    @rule(initiative=initiatives, which=existing, aim=aims)
    def withdraw_decision_point(self, initiative: str, which: int, aim: int) -> None:
        """By the facilitator. Aimed: an open decision point (put first, if none
        is), where the phase lets the facilitator withdraw it."""
        self.conclude("withdraw_decision_point", initiative, which, aim)

    def conclude(self, command: str, initiative: str, which: int, aim: int) -> None:
        """Decide a decision point, or withdraw it, by the facilitator."""
        initiative = self.an_initiative(
            initiative, aim, command, lambda s: open_points_in(s) > 0
        )
        if aim < AIMED:
            self.put_one_if_none_is_open(initiative)
        decision = self.a_decision(initiative, which, aim)
        if aim < AIMED and command == "decide":
            ready = self.ready_to_decide(initiative)
            if ready:
                decision = ready[which % len(ready)]
            elif point := self.decision_of(initiative, decision):
                self.someone_takes_part(initiative, point.eligible)
                self.everyone_takes_a_position(initiative, decision)
        self.on(command, self.facilitator(initiative), initiative, decision=decision)

    @rule(
        initiative=initiatives,
        which=existing,
        number=actors,
        texts=st.booleans(),
        now=st.integers(0, 1),
        aim=aims,
    )
    def erase_someone_who_took_part(
        self, initiative: str, which: int, number: int, texts: bool, now: int, aim: int
    ) -> None:
        """The facilitator removes someone who reacted or took a position, and
        erases their personal data (half as often as asked). Aimed: in an
        initiative where the phase lets the facilitator remove them (someone's
        reaction given first, if no one took part), and removed by its
        facilitator from the other initiatives too, where they take part."""
        initiative = self.an_initiative(initiative, aim, "leave_initiative")
        if not self.now_and_then(now, 2) or initiative not in self.started:
            return
        candidates = self.who_took_part(initiative)
        if aim < AIMED:
            candidates = [c for c in candidates if self.removable(c)]
        if not candidates and aim < AIMED:
            self.a_reaction(initiative, "concern", number, others=True)
            candidates = [
                c for c in self.who_took_part(initiative) if self.removable(c)
            ]
        if not candidates:
            return
        status = self.status(initiative)
        ref = candidates[(which + number) % len(candidates)]
        actor = status.facilitator
        self.on("leave_initiative", actor, initiative, stakeholder=ref)
        for elsewhere in sorted(self.started - {initiative}) if aim < AIMED else ():
            there = self.status(elsewhere)
            if any(s.ref == ref and s.active for s in there.stakeholders):
                # aimed: removed by its own facilitator there too
                self.on(
                    "leave_initiative", there.facilitator, elsewhere, stakeholder=ref
                )
        erasure = self.attempt(
            "erase_stakeholder", {"actor": actor, "stakeholder": ref, "texts": texts}
        )
        if erasure is not None:
            self.erasures += 1
            self.registered.discard(ref)

    def removable(self, ref: str) -> bool:
        """Whether, in every open initiative ``ref`` takes part in, the phase lets
        its facilitator remove them."""
        return all(
            permits(self.phase_of(status), "facilitator", "leave_initiative")
            for status in map(self.status, sorted(self.started))
            if not status.closed
            and any(s.ref == ref and s.active for s in status.stakeholders)
        )

    def who_took_part(self, initiative: str) -> list[str]:
        """Who reacted to a plan of ``initiative`` or took a position in it (not
        its facilitator), in the order they did."""
        status = self.status(initiative)
        took_part: list[str] = []
        for summary in status.plans:
            details = self.details(initiative, summary.plan)
            if details is not None:
                took_part += [r.stakeholder for r in details.reactions]
        for point in status.decisions:
            found = self.decision_of(initiative, point.decision)
            if found is not None:
                took_part += [p.stakeholder for p in found.positions]
        return sorted(
            set(took_part) & set(KIND_OF) - {status.facilitator}, key=took_part.index
        )

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
        self.done_without_a_command()

    @rule()
    def tick(self) -> None:
        before = self.app.stored_event_count()
        self.seen.clear()
        with self.at_this_moment():
            closed = self.app.tick()
            again = self.app.tick()
        assert again == []
        assert self.app.stored_event_count() >= before + len(closed)
        event(f"tick: closed {min(len(closed), 2)}+")
        self.done_without_a_command()

    # --- the thorough checks, now and then -----------------------------------------

    @precondition(lambda self: bool(self.started))
    @rule(now=st.integers(0, 2))
    def check_thoroughly(self, now: int) -> None:
        if not self.now_and_then(now, 3):  # the thorough checks take time
            return
        self.the_thorough_checks()
        self.done_without_a_command()

    def the_thorough_checks(self, every: bool = False) -> None:
        self.the_views_equal_a_rebuild()
        self.every_report_renders()
        self.as_of_shows_what_was_seen_then(every)
        self.export_and_replay_agree()

    def teardown(self) -> None:
        try:
            if self.started:
                self.the_thorough_checks(every=True)
        finally:
            self.app.close()
            shutil.rmtree(self.folder, ignore_errors=True)
            if TALLY_FILE:
                Path(TALLY_FILE).write_text(json.dumps(TALLY, sort_keys=True))

    # --- what must hold after every step -------------------------------------------

    @invariant()
    def tally_the_step(self) -> None:
        """Not a property: counts, per rule, the steps in which it gave a command
        or did what it does without one (``rule <name> given``), and those in
        which it succeeded: its last command was done, or it did what it does
        (``rule <name> done``). The rule is the one Hypothesis ran in the step
        (see :meth:`running_rule`); what it did first is its own."""
        for name, done in self.step.items():
            TALLY[f"rule {name} given"] += 1
            TALLY[f"rule {name} done"] += done
        self.step.clear()
        self.steps += 1

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
        status = self.status(initiative)
        return str(status.facilitator) if status is not None else FACILITATORS[0]

    def who(self, initiative: str, number: int) -> str:
        """0 to 5: someone taking part in the initiative now (if anyone does); 6
        and 7: its facilitator; 8 and 9: anyone at all."""
        if number < 6 and initiative in self.started:
            status = self.status(initiative)
            taking_part = [s.ref for s in status.stakeholders if s.active]
            if taking_part:
                return taking_part[number % len(taking_part)]
        if number < 8:
            return self.facilitator(initiative)
        return PEOPLE[number % len(PEOPLE)]

    def an_initiative(
        self,
        initiative: str,
        aim: int,
        command: str | None = None,
        fit: Callable[[Any], bool] | None = None,
    ) -> str:
        """Aimed: an open initiative whose phase lets someone taking part give
        ``command`` and whose status ``fit`` s what the command needs (the one
        drawn, if it does); else one whose phase lets them; else one started now
        on the template that lets anyone give any command, if the test has one
        left to start; else one that was started (the one drawn, if it was).
        Within :meth:`staying`, the one given, if it was started."""
        if aim >= AIMED or not self.started:
            return initiative
        if self.pinned and initiative in self.started:
            return initiative
        order = [initiative] if initiative in self.started else []
        order += sorted(self.started - {initiative})
        statuses = {name: self.status(name) for name in order}

        def lets(status: Any) -> bool:
            return self.lets(status, command)

        def fits(status: Any) -> bool:
            return lets(status) and (fit is None or fit(status))

        for wanted in (fits, lets):
            found = next((name for name in order if wanted(statuses[name])), None)
            if found is not None:
                return found
        spare = next((name for name in INITIATIVES if name not in self.started), None)
        if command is not None and spare is not None:
            with self.staying():  # one on the first template, which lets anyone
                self.start(FACILITATORS[0], spare, None, "1000.00", 0)
            if spare in self.started:
                return spare
        return order[0]

    def lets(self, status: Any, command: str | None) -> bool:
        """Whether the initiative of ``status`` is open, and its phase lets someone
        taking part give ``command`` (if one is named)."""
        if status.closed:
            return False
        phase = self.phase_of(status)
        return command is None or any(
            s.active and permits(phase, s.kind, command) for s in status.stakeholders
        )

    def status(self, initiative: str) -> Any:
        """How ``initiative`` stands now; None if it was not started."""
        return self.read("initiative_status", initiative)

    def details(self, initiative: str, plan: str) -> Any:
        """The plan's details now; None if there is no such plan."""
        return self.read("plan_details", initiative, plan)

    def decision_of(self, initiative: str, decision: str) -> Any:
        """The decision point's details now; None if there is no such point."""
        return self.read("decision_details", initiative, decision)

    def read(self, view: str, initiative: str, *subject: str) -> Any:
        """A view of ``initiative`` (None if it was not started, or the subject is
        not found), to aim commands by: read once per moment and state of the
        record (:meth:`attempt` forgets them when a command is done, and
        ``tick`` when it runs). The checks read the engine's views themselves."""
        if initiative not in self.started:
            return None
        key = (view, initiative, *subject, self.now.isoformat())
        if key not in self.seen:
            with self.at_this_moment():
                try:
                    self.seen[key] = getattr(self.app, view)(initiative, *subject)
                except NotFound:
                    self.seen[key] = None
        return self.seen[key]

    def phase_of(self, status: Any) -> Phase | None:
        """The phase the initiative of ``status`` is in, as its template defines it."""
        template = self.template_of(status)
        try:
            return template.phase(status.phase) if template is not None else None
        except KeyError:
            return None

    def template_of(self, status: Any) -> ProcessTemplate | None:
        """The template the initiative of ``status`` follows, if installed."""
        try:
            found: ProcessTemplate = self.app.templates.get(
                status.template.name, status.template.version
            )
        except (NotFound, KeyError):
            return None
        return found

    # --- what a phase waits for ------------------------------------------------------

    def see_the_phase_through(self, initiative: str, closing: bool = False) -> None:
        """As the facilitator, do what the guards of the initiative's phase wait
        for, so that the phase can be left (any command may still be refused): a
        draft proposed; every reaction answered and every plan finalised; a
        decision taken; every decision point decided or withdrawn; the council
        informed; part of the budget allocated; the phase's reaction period
        over (time passes). ``closing``: what closing the initiative waits for
        (see :meth:`guards_of`)."""
        guards = self.guards_of(initiative, closing)
        status = self.status(initiative)
        if "a_draft_proposed" in guards and not any(p.versions for p in status.plans):
            self.a_draft_if_none(initiative)
        if guards & {"every_reaction_answered", "every_plan_finalised"}:
            self.answer_every_reaction(initiative)
        if "every_plan_finalised" in guards:
            for _ in [p for p in status.plans if p.final_version is None]:
                with self.staying():
                    self.finalise_plan(initiative, 0, 6, 0)
        if "a_decision_taken" in guards and not any(
            d.state == "decided" and d.outcome is not None
            for d in self.status(initiative).decisions
        ):
            self.take_a_decision(initiative)
        if "no_open_decision_point" in guards:
            self.settle_every_decision_point(initiative)
        if "council_informed" in guards and initiative not in self.informed_in_phase:
            with self.staying():
                self.inform_council(initiative, 0, "formal")
        if "budget_allocated" in guards and not status.allocated:
            self.allocate_part_of_the_budget(initiative)
        if "reaction_period_over" in guards:
            self.let_the_reaction_period_end(initiative)

    def guards_of(self, initiative: str, closing: bool = False) -> set[str]:
        """The guards of the phase ``initiative`` is in, and no decision point
        open where society decides before colleagues join; none when it is
        closed or in its last phase. ``closing``: what closing it waits for: no
        decision point open, and, from its last phase, every reaction answered
        and the phase's guards."""
        status = self.status(initiative)
        template = self.template_of(status) if status is not None else None
        if status is None or status.closed or template is None:
            return set()
        phase = template.phase(status.phase)
        following = template.next_phase(phase.name)
        if closing and following is None:
            return {"no_open_decision_point", "every_reaction_answered", *phase.guards}
        if closing:
            return {"no_open_decision_point"}
        if following is None:
            return set()
        guards = set(phase.guards)
        if phase.society_only and not following.society_only:
            guards.add("no_open_decision_point")
        return guards

    def a_draft_if_none(self, initiative: str) -> None:
        """Unless a plan of ``initiative`` has a draft and is not final, one is
        made if need be, and a draft of it proposed (see :meth:`propose_draft`)."""
        status = self.status(initiative)
        if status is not None and not status.closed and not drafts_in(status):
            with self.staying():
                self.propose_draft(initiative, 0, 6, 0)

    def a_reaction_if_none_awaits_an_answer(
        self, initiative: str, stance: str, command: str, supporting: bool = False
    ) -> bool:
        """Unless a reaction (of support, if ``supporting``) awaits an answer
        where the phase lets someone give ``command`` on it, someone reacts (see
        :meth:`a_reaction`) with ``stance``; whether they were asked to."""
        if any(
            self.awaiting(status.initiative, supporting)
            for status in map(self.status, sorted(self.started))
            if self.lets(status, command)
        ):
            return False
        self.a_reaction(initiative, stance, 0)
        return True

    def awaiting(self, initiative: str, supporting: bool) -> bool:
        """Whether a reaction (of support, if ``supporting``) on a plan of
        ``initiative`` awaits an answer."""
        return any(
            r.number in details.unanswered and (r.stance == "support" or not supporting)
            for summary in self.status(initiative).plans
            if summary.unanswered
            and (details := self.details(initiative, summary.plan)) is not None
            for r in details.reactions
        )

    def a_reaction(
        self, initiative: str, stance: str, number: int, others: bool = False
    ) -> None:
        """Someone whom the phase lets react (not the facilitator, for
        ``others``) reacts of their own to the latest version of a plan of
        ``initiative`` that is not final and still takes reactions (a draft
        proposed first, if no plan has one; someone added first, for ``others``,
        if no one may)."""
        self.a_draft_if_none(initiative)
        if others:
            self.someone_takes_part(initiative, KINDS[:5], "react_to_plan")
        status = self.status(initiative)
        found = [
            p
            for p in status.plans
            if p.versions
            and p.final_version is None
            and self.takes_reactions(initiative, p.plan)
        ]
        actor = self.someone_who_may(
            initiative, "react_to_plan", number, 0, others=others
        )
        if found and not (others and actor == status.facilitator):
            self.on(
                "react_to_plan",
                actor,
                initiative,
                plan=found[number % len(found)].plan,
                version=found[number % len(found)].versions,
                stance=stance,
                text=f"A {stance} about the square.",
            )

    def settle_every_decision_point(self, initiative: str) -> None:
        """As the facilitator: decide every open decision point that is ready,
        and withdraw the others."""
        status = self.status(initiative)
        if status is None:
            return
        ready = self.ready_to_decide(initiative)
        for point in status.decisions:
            if point.state == "open":
                command = (
                    "decide" if point.decision in ready else "withdraw_decision_point"
                )
                self.on(
                    command, status.facilitator, initiative, decision=point.decision
                )

    def answer_every_reaction(self, initiative: str, plan: str | None = None) -> None:
        """On every plan (or ``plan``), as the facilitator (or, if the phase does
        not let them, someone who makes the plan and may): note the support,
        defend the rest."""
        for summary in self.status(initiative).plans:
            if plan is not None and summary.plan != plan:
                continue
            details = self.details(initiative, summary.plan)
            if details is None or not details.unanswered:
                continue
            open_ = [r for r in details.reactions if r.number in details.unanswered]
            for command, stances in (
                ("note_support", {"support"}),
                ("defend_position", set(STANCES) - {"support"}),
            ):
                numbers = [r.number for r in open_ if r.stance in stances]
                if not numbers:
                    continue
                actor = self.someone_who_may(
                    initiative, command, 6, 0, plan=summary.plan
                )
                fields: dict[str, Any] = {"plan": summary.plan, "reactions": numbers}
                if command == "defend_position":
                    fields["reasoning"] = "The square stays as it is, for the market."
                self.on(command, actor, initiative, **fields)

    def take_a_decision(self, initiative: str) -> None:
        """Put a decision point by majority to those taking part whom the phase
        lets take a position (the facilitator adds someone of society first if
        none takes part), let each of them take one, and decide it."""
        status = self.status(initiative)
        self.someone_takes_part(initiative, KINDS[:5])
        before = {d.decision for d in status.decisions}
        with self.staying():
            self.put_decision_point(
                initiative, DECISIONS[0], "majority", [], None, 0, None
            )
        put = [
            d.decision
            for d in self.status(initiative).decisions
            if d.decision not in before
        ]
        if put:
            self.everyone_takes_a_position(initiative, put[0])
            self.on("decide", status.facilitator, initiative, decision=put[0])

    def open_points(self, initiative: str) -> list[str]:
        status = self.status(initiative)
        return (
            [d.decision for d in status.decisions if d.state == "open"]
            if status
            else []
        )

    def put_one_if_none_is_open(self, initiative: str) -> None:
        """Put a decision point by majority (see :meth:`put_decision_point`), if
        no decision point of ``initiative`` is open and its phase lets the
        facilitator put one."""
        status = self.status(initiative)
        if status is None or self.open_points(initiative):
            return
        if permits(self.phase_of(status), "facilitator", "put_decision_point"):
            with self.staying():
                self.put_decision_point(
                    initiative, DECISIONS[0], "majority", [], None, 0, None
                )

    def someone_takes_part(
        self, initiative: str, kinds: Sequence[str], command: str = "take_position"
    ) -> None:
        """Unless someone of ``kinds`` whom the phase lets give ``command`` takes
        part, the facilitator adds someone registered of such a kind (who did not
        take part as another kind before)."""
        status = self.status(initiative)
        phase = self.phase_of(status)
        may = [k for k in kinds if permits(phase, k, command)]
        if any(s.active and s.kind in may for s in status.stakeholders):
            return
        was = {s.ref: s.kind for s in status.stakeholders}
        fitting = [
            ref
            for ref in KIND_OF
            if KIND_OF[ref] in may
            and ref in self.registered
            and was.get(ref, KIND_OF[ref]) == KIND_OF[ref]
        ]  # rather someone who takes part nowhere else
        newcomer = next(
            (ref for ref in fitting if not self.takes_part_anywhere(ref)),
            next(iter(fitting), None),
        )
        if newcomer is not None:
            self.on(
                "join_initiative",
                status.facilitator,
                initiative,
                stakeholder=newcomer,
                kind=KIND_OF[newcomer],
            )

    def takes_part_anywhere(self, ref: str) -> bool:
        return any(
            s.ref == ref and s.active
            for status in map(self.status, sorted(self.started))
            for s in status.stakeholders
        )

    def participants(self, initiative: str, point: Any) -> list[str]:
        """Who may take a position on ``point`` now: those taking part, of a kind
        it was put to, whom the phase lets take one."""
        status = self.status(initiative)
        phase = self.phase_of(status)
        return [
            s.ref
            for s in status.stakeholders
            if s.active
            and s.kind in point.eligible
            and permits(phase, s.kind, "take_position")
        ]

    def closed(self, point: Any) -> bool:
        """Whether the decision point of ``point`` (its details) closed by now."""
        return point.closes_at is not None and point.closes_at <= self.now

    def ready_to_decide(self, initiative: str) -> list[str]:
        """The open decision points of ``initiative`` that may be decided now:
        closed, or everyone who may take a position took one."""
        status = self.status(initiative)
        ready = []
        for summary in status.decisions if status is not None else []:
            point = self.decision_of(initiative, summary.decision)
            if point is None or point.state != "open":
                continue
            who = self.participants(initiative, point)
            taken = {p.stakeholder for p in point.positions if p.counted}
            if self.closed(point) or (who and set(who) <= taken):
                ready.append(point.decision)
        return ready

    def everyone_takes_a_position(self, initiative: str, decision: str) -> None:
        """Each who may take a position on ``decision`` and has not takes one:
        for its first option."""
        point = self.decision_of(initiative, decision)
        if point is None or point.state != "open":
            return
        taken = {p.stakeholder for p in point.positions if p.counted}
        for ref in self.participants(initiative, point):
            if ref not in taken:
                option = point.options[0].key
                self.on(
                    "take_position", ref, initiative, decision=decision, option=option
                )

    def allocate_part_of_the_budget(self, initiative: str) -> None:
        """A hundred euros (or what is left), following from a decision taken."""
        status = self.status(initiative)
        decided = [d.decision for d in status.decisions if d.state == "decided"]
        amount = min(status.budget - status.allocated, Decimal("100.00"))
        self.on(
            "allocate_budget",
            status.facilitator,
            initiative,
            amount=str(amount),
            purpose="Greener streets",
            decision=decided[0] if decided else DECISIONS[0],
        )

    def let_the_reaction_period_end(self, initiative: str) -> None:
        """Time passes until the phase's reaction period (or a longer one opened
        on a plan in this phase) is over."""
        phase = self.phase_of(self.status(initiative))
        if phase is None:
            return
        began = self.phase_began.get(initiative, self.now)
        ends = [
            closes
            for (i, plan), closes in self.period_closes.items()
            if i == initiative and self.period_opened[i, plan] >= began
        ]
        if phase.reaction_period_days is not None:
            ends.append(began + timedelta(days=phase.reaction_period_days))
        if ends and max(ends) + timedelta(days=1) > self.now:
            self.remember_how_things_stand()
            self.now = max(ends) + timedelta(days=1)

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
        others: bool = False,
    ) -> str:
        """Aimed: someone taking part whom the phase lets give ``command`` (of
        those who make the plan or its ``group``, and of the ``eligible`` kinds;
        not the facilitator, for ``others``: the facilitator gives it for them),
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
            and not (others and s.ref == status.facilitator)
        ]
        if not found and others:  # recorded for them, as an earlier phase let them
            found = [
                s.ref
                for s in status.stakeholders
                if s.active and s.ref != status.facilitator
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
            status = self.status(initiative)
            found = [getattr(item, key) for item in getattr(status, part)]
            if found:
                return str(found[which % len(found)])
        return known[which % len(known)]

    def unanswered(self, initiative: str, plan: str) -> list[int]:
        details = self.details(initiative, plan)
        return list(details.unanswered) if details is not None else []

    def versions(self, initiative: str, plan: str) -> int | None:
        return self.counted(initiative, plan, "versions")

    def reactions(self, initiative: str, plan: str) -> int | None:
        return self.counted(initiative, plan, "reactions")

    def counted(self, initiative: str, plan: str, what: str) -> int | None:
        if initiative not in self.started:
            return None
        status = self.status(initiative)
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


def test_any_sequence_of_commands_keeps_the_record_sound() -> None:
    """The machine, run under the profile chosen; under the quick one (the same
    sequences every run), every rule of the machine also succeeded at least once
    (see ``tally_the_step``): a rule whose command is always refused tests nothing
    deeper than the refusal. (The slow profile's sequences differ every run, and
    are not counted on.)"""
    TALLY.clear()
    run_state_machine_as_test(AnySequenceOfCommands, settings=PROFILES[PROFILE])
    if PROFILE == "quick":
        never = [
            name
            for name in rule_codes(AnySequenceOfCommands).values()
            if not TALLY[f"rule {name} done"]
        ]
        assert not never, f"rules that never succeeded: {never}"
