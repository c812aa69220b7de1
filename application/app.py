"""The samenspraak application: the public API for commands and queries.

Each method is a use case named as its users say it. Commands take a command model
(or a mapping with the same fields), resolve the actor from their reference, check
the domain's rules and save the events, together with any free text and personal
data, in one transaction. Refusals are raised as the errors of
:mod:`samenspraak.application.errors`, each with one sentence for a person.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, EventSourcingError
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    PersistenceError,
    Transcoding,
)
from eventsourcing.utils import get_topic
from pydantic import BaseModel, TypeAdapter, ValidationError

from samenspraak.application import commands as c
from samenspraak.application import views as v
from samenspraak.application.config import (
    database_exists,
    is_postgres,
    resolve_db,
    storage_env,
)
from samenspraak.application.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    SamenspraakError,
    StorageError,
)
from samenspraak.application.persistence import (
    SQLiteSamenspraakRecorder,
    StakeholderRow,
    TextRow,
    TextStoreRecorder,
)
from samenspraak.domain.decision_point import DecisionPoint, Option, decision_point_id
from samenspraak.domain.initiative import Initiative, initiative_id
from samenspraak.domain.plan import Plan, plan_id
from samenspraak.domain.rules import RuleViolation
from samenspraak.domain.values import TextRef
from samenspraak.projections.catalogue import notifications_with_topics

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
A = TypeVar("A", bound=Aggregate)

RETRIES = 3
"""How many times a command is tried in all when other writers keep changing the
same aggregate (the first try and two retries)."""


def commitment(salt: str, body: str) -> str:
    """The salted SHA-256 commitment to a text: sha256(salt bytes + UTF-8 body)."""
    return hashlib.sha256(bytes.fromhex(salt) + body.encode("utf-8")).hexdigest()


class TextRefAsDict(Transcoding):
    type = TextRef
    name = "text_ref"

    def encode(self, obj: TextRef) -> dict[str, str]:
        return {"id": obj.id, "sha256": obj.sha256}

    def decode(self, data: dict[str, str]) -> TextRef:
        return TextRef(**data)


class OptionAsDict(Transcoding):
    type = Option
    name = "option"

    def encode(self, obj: Option) -> dict[str, Any]:
        return {"key": obj.key, "label": obj.label}

    def decode(self, data: dict[str, Any]) -> Option:
        return Option(**data)


@dataclass
class _Pending:
    """Texts and directory rows to write in the same transaction as the events."""

    initiative_id: str
    texts: list[TextRow] = field(default_factory=list)

    def seal(self, purpose: str, body: str) -> TextRef:
        salt = secrets.token_hex(16)
        text_id = str(uuid.uuid4())
        self.texts.append(TextRow(text_id, self.initiative_id, purpose, salt, body))
        return TextRef(text_id, commitment(salt, body))


def parse(model: type[M], command: M | Mapping[str, Any]) -> M:
    """Validate a command; a mapping is checked against the model's fields."""
    if isinstance(command, model):
        return command
    try:
        return model.model_validate(command)
    except ValidationError as error:
        raise InvalidInput(describe_validation_error(error)) from None


_REF = TypeAdapter(c.Ref)


def ref(name: str, value: str) -> str:
    """Validate one reference given to a query."""
    try:
        return _REF.validate_python(value)
    except ValidationError:
        msg = f"{name}: must be a reference of lower-case letters, digits and dashes."
        raise InvalidInput(msg) from None


def describe_validation_error(error: ValidationError) -> str:
    """One sentence naming the first field at fault (and how many more there are)."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "input"
    message = first["msg"]
    if first["type"] == "string_too_long":
        limit = first.get("ctx", {}).get("max_length")
        message = f"is too long (at most {limit} characters)"
    elif first["type"] == "string_pattern_mismatch" and where in _REF_FIELDS:
        message = "must be a reference of lower-case letters, digits and dashes"
    elif first["type"] == "extra_forbidden":
        message = "is not a field of this command"
    else:
        message = message[0].lower() + message[1:]
    more = len(error.errors()) - 1
    suffix = f" (and {more} more problem{'s' * (more > 1)})" if more else ""
    return f"{where}: {message}{suffix}."


_REF_FIELDS = {
    "actor",
    "initiative",
    "stakeholder",
    "group",
    "plan",
    "decision",
    "option",
}


class Samenspraak(Application[UUID]):
    """The engine: participation processes recorded as events."""

    name = "samenspraak"
    env = {  # noqa: RUF012 (the library declares it as a ClassVar)
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": "file:samenspraak?mode=memory&cache=shared",
        "APPLICATION_RECORDER_TOPIC": get_topic(SQLiteSamenspraakRecorder),
    }

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        try:
            super().__init__(env)
        except (EventSourcingError, sqlite3.Error, OSError, ImportError) as error:
            raise StorageError(f"The database cannot be opened: {error}") from None
        if not isinstance(self.recorder, TextStoreRecorder):
            msg = "samenspraak needs its own recorder; open it with Samenspraak.open()."
            raise StorageError(msg)
        self.store: TextStoreRecorder = self.recorder

    @classmethod
    def open(cls, db: str | None = None, *, create: bool = True) -> Samenspraak:
        """Open the record in a SQLite file or PostgreSQL database.

        ``db`` is a file path or a ``postgresql://`` URL; it defaults to
        ``SAMENSPRAAK_DB``, then ``./samenspraak.db``. With ``create=False`` a
        missing SQLite file is reported instead of created.
        """
        target = resolve_db(db)
        if not create and not database_exists(target):
            msg = (
                f"There is no samenspraak database at {target}; commands that record "
                "something create it (try: samenspraak demo)."
            )
            raise NotFound(msg)
        if is_postgres(target):
            try:
                import psycopg  # noqa: F401, PLC0415
                import psycopg_pool  # noqa: F401, PLC0415
            except ImportError:
                msg = (
                    "PostgreSQL needs its driver: pip install 'samenspraak[postgres]'."
                )
                raise StorageError(msg) from None
        return cls(storage_env(target))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(TextRefAsDict())
        transcoder.register(OptionAsDict())

    # --- Plumbing --------------------------------------------------------------------

    def _run(self, use_case: Callable[[], R]) -> R:
        """Run a use case: translate refusals, retry when another writer won."""
        for attempt in range(1, RETRIES + 1):
            try:
                return use_case()
            except RuleViolation as violation:
                raise NotAllowed(violation.sentence, violation.rule.name) from None
            except IntegrityError:
                if attempt == RETRIES:
                    msg = (
                        "Others changed the same record at the same moment; "
                        f"gave up after {RETRIES} tries. Please try again."
                    )
                    raise Conflict(msg) from None
            except SamenspraakError:
                raise
            except PersistenceError as error:
                raise StorageError(f"The database failed: {error}") from None
        raise AssertionError  # pragma: no cover (the loop returns or raises)

    def _get(self, cls: type[A], aggregate_id: UUID, missing: str) -> A:
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(missing) from None
        if not isinstance(aggregate, cls):  # pragma: no cover (ids are namespaced)
            raise NotFound(missing)
        return aggregate

    def _initiative(self, slug: str) -> Initiative:
        return self._get(
            Initiative, initiative_id(slug), f"There is no initiative called {slug}."
        )

    def _plan(self, initiative: Initiative, slug: str) -> Plan:
        return self._get(
            Plan,
            plan_id(initiative.id, slug),
            f"{initiative.slug} has no plan called {slug}.",
        )

    def _decision(self, initiative: Initiative, slug: str) -> DecisionPoint:
        return self._get(
            DecisionPoint,
            decision_point_id(initiative.id, slug),
            f"{initiative.slug} has no decision point called {slug}.",
        )

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def _stakeholder(self, ref: str) -> str:
        row = self.store.select_stakeholder(ref=ref)
        if row is None:
            msg = f"No stakeholder is registered as {ref}."
            raise NotFound(msg)
        return row.id

    _actor = _stakeholder

    # --- The directory of stakeholders ---------------------------------------------

    def register_stakeholder(
        self, command: c.RegisterStakeholder | Mapping[str, Any]
    ) -> str:
        """Put a stakeholder in the directory; returns their pseudonymous id.

        Anyone may register themselves (actor and stakeholder the same); a
        registered stakeholder may register others.
        """
        cmd = parse(c.RegisterStakeholder, command)

        def run() -> str:
            if cmd.actor != cmd.stakeholder:
                self._actor(cmd.actor)
            if self.store.select_stakeholder(ref=cmd.stakeholder) is not None:
                msg = f"A stakeholder is already registered as {cmd.stakeholder}."
                raise Conflict(msg)
            row = StakeholderRow(
                str(uuid.uuid4()), cmd.stakeholder, cmd.name, cmd.contact
            )
            self.save(stakeholders=[row])
            return row.id

        return self._run(run)

    # --- Initiatives -----------------------------------------------------------------

    def start_initiative(self, command: c.StartInitiative | Mapping[str, Any]) -> UUID:
        """Start a participation process; the actor becomes its facilitator."""
        cmd = parse(c.StartInitiative, command)

        def run() -> UUID:
            actor = self._actor(cmd.actor)
            if self._exists(initiative_id(cmd.initiative)):
                msg = f"An initiative called {cmd.initiative} already exists."
                raise Conflict(msg)
            texts = _Pending(str(initiative_id(cmd.initiative)))
            initiative = Initiative.start(
                actor=actor,
                slug=cmd.initiative,
                title=texts.seal("initiative title", cmd.title),
                description=texts.seal("initiative description", cmd.description),
                area=texts.seal("initiative area", cmd.area),
                budget=cmd.budget,
                level=cmd.level,
            )
            self.save(initiative, texts=texts.texts)
            return initiative.id

        return self._run(run)

    def join_initiative(self, command: c.JoinInitiative | Mapping[str, Any]) -> None:
        """A stakeholder joins (or is added by the facilitator) with their kind."""
        cmd = parse(c.JoinInitiative, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            stakeholder = self._stakeholder(cmd.stakeholder)
            initiative = self._initiative(cmd.initiative)
            initiative.join(actor=actor, stakeholder=stakeholder, kind=cmd.kind)
            self.save(initiative)

        self._run(run)

    def leave_initiative(self, command: c.LeaveInitiative | Mapping[str, Any]) -> None:
        cmd = parse(c.LeaveInitiative, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            stakeholder = self._stakeholder(cmd.stakeholder)
            initiative = self._initiative(cmd.initiative)
            initiative.leave(actor=actor, stakeholder=stakeholder)
            self.save(initiative)

        self._run(run)

    def form_group(self, command: c.FormGroup | Mapping[str, Any]) -> None:
        """Form a steering group (regiegroep) or a working group (werkgroep)."""
        cmd = parse(c.FormGroup, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            texts = _Pending(str(initiative.id))
            initiative.form_group(
                actor=actor,
                slug=cmd.group,
                kind=cmd.kind,
                name=texts.seal("group name", cmd.name),
                mandate=texts.seal("group mandate", cmd.mandate),
            )
            self.save(initiative, texts=texts.texts)

        self._run(run)

    def add_member(self, command: c.AddMember | Mapping[str, Any]) -> None:
        cmd = parse(c.AddMember, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            stakeholder = self._stakeholder(cmd.stakeholder)
            initiative = self._initiative(cmd.initiative)
            initiative.add_member(actor=actor, group=cmd.group, stakeholder=stakeholder)
            self.save(initiative)

        self._run(run)

    def remove_member(self, command: c.RemoveMember | Mapping[str, Any]) -> None:
        cmd = parse(c.RemoveMember, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            stakeholder = self._stakeholder(cmd.stakeholder)
            initiative = self._initiative(cmd.initiative)
            initiative.remove_member(
                actor=actor, group=cmd.group, stakeholder=stakeholder
            )
            self.save(initiative)

        self._run(run)

    def hold_meeting(self, command: c.HoldMeeting | Mapping[str, Any]) -> int:
        """Record a meeting that was held; returns its number."""
        cmd = parse(c.HoldMeeting, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            texts = _Pending(str(initiative.id))
            number = initiative.hold_meeting(
                actor=actor,
                starts_at=cmd.starts_at,
                kind=cmd.kind,
                place=texts.seal("meeting place", cmd.place),
                attendance=cmd.attendance,
                summary=texts.seal("meeting summary", cmd.summary),
            )
            self.save(initiative, texts=texts.texts)
            return number

        return self._run(run)

    def inform_council(self, command: c.InformCouncil | Mapping[str, Any]) -> None:
        """Record which document (by its SHA-256) went to which council session."""
        cmd = parse(c.InformCouncil, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            texts = _Pending(str(initiative.id))
            initiative.inform_council(
                actor=actor,
                document_title=texts.seal("council document title", cmd.document_title),
                document_sha256=cmd.document_sha256,
                session=cmd.session,
                informed_at=cmd.informed_at,
            )
            self.save(initiative, texts=texts.texts)

        self._run(run)

    def advance_phase(self, command: c.AdvancePhase | Mapping[str, Any]) -> str:
        """Move the initiative to its next phase; returns the phase's name."""
        cmd = parse(c.AdvancePhase, command)

        def run() -> str:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            phase = initiative.advance_phase(actor=actor)
            self.save(initiative)
            return phase

        return self._run(run)

    def allocate_budget(self, command: c.AllocateBudget | Mapping[str, Any]) -> None:
        """Allocate part of the budget, following from a decision point's outcome."""
        cmd = parse(c.AllocateBudget, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            decision = self._decision(initiative, cmd.decision)
            texts = _Pending(str(initiative.id))
            initiative.allocate_budget(
                actor=actor,
                amount=cmd.amount,
                purpose=texts.seal("allocation purpose", cmd.purpose),
                decision=decision,
            )
            self.save(initiative, texts=texts.texts)

        self._run(run)

    def close_initiative(self, command: c.CloseInitiative | Mapping[str, Any]) -> None:
        cmd = parse(c.CloseInitiative, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            texts = _Pending(str(initiative.id))
            initiative.close(actor=actor, outcome=texts.seal("outcome", cmd.outcome))
            self.save(initiative, texts=texts.texts)

        self._run(run)

    # --- Plans -----------------------------------------------------------------------

    def create_plan(self, command: c.CreatePlan | Mapping[str, Any]) -> UUID:
        """Create a plan (a vision, a traffic plan) owned by a group."""
        cmd = parse(c.CreatePlan, command)

        def run() -> UUID:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            if self._exists(plan_id(initiative.id, cmd.plan)):
                msg = f"{initiative.slug} already has a plan called {cmd.plan}."
                raise Conflict(msg)
            texts = _Pending(str(initiative.id))
            plan = Plan.create(
                actor=actor,
                initiative=initiative,
                slug=cmd.plan,
                title=texts.seal("plan title", cmd.title),
                group=cmd.group,
            )
            self.save(plan, texts=texts.texts)
            return plan.id

        return self._run(run)

    def propose_draft(self, command: c.ProposeDraft | Mapping[str, Any]) -> int:
        """Propose the next draft version of a plan; returns its number."""
        cmd = parse(c.ProposeDraft, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            plan = self._plan(initiative, cmd.plan)
            texts = _Pending(str(initiative.id))
            version = plan.propose_draft(
                actor=actor,
                initiative=initiative,
                text=texts.seal("draft text", cmd.text),
                changes=texts.seal("draft changes", cmd.changes),
            )
            self.save(plan, texts=texts.texts)
            return version

        return self._run(run)

    def react_to_plan(self, command: c.AddReaction | Mapping[str, Any]) -> int:
        """Add a reaction to a version of a plan; returns the reaction's number."""
        cmd = parse(c.AddReaction, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            stakeholder = (
                self._stakeholder(cmd.stakeholder) if cmd.stakeholder else actor
            )
            initiative = self._initiative(cmd.initiative)
            plan = self._plan(initiative, cmd.plan)
            texts = _Pending(str(initiative.id))
            number = plan.add_reaction(
                actor=actor,
                initiative=initiative,
                stakeholder=stakeholder,
                version=cmd.version,
                stance=cmd.stance,
                text=texts.seal("reaction", cmd.text),
                channel=cmd.channel,
                section=texts.seal("reaction section", cmd.section)
                if cmd.section
                else None,
                meeting=cmd.meeting,
            )
            self.save(plan, texts=texts.texts)
            return number

        return self._run(run)

    def adopt_change(self, command: c.AdoptChange | Mapping[str, Any]) -> None:
        """Answer reactions with a change carried by a later version."""
        cmd = parse(c.AdoptChange, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            plan = self._plan(initiative, cmd.plan)
            texts = _Pending(str(initiative.id))
            plan.adopt_change(
                actor=actor,
                initiative=initiative,
                reactions=cmd.reactions,
                version=cmd.version,
                explanation=texts.seal("explanation", cmd.explanation),
            )
            self.save(plan, texts=texts.texts)

        self._run(run)

    def defend_position(self, command: c.DefendPosition | Mapping[str, Any]) -> None:
        """Answer reactions with reasoning; the plan stays as it is."""
        cmd = parse(c.DefendPosition, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            plan = self._plan(initiative, cmd.plan)
            texts = _Pending(str(initiative.id))
            plan.defend_position(
                actor=actor,
                initiative=initiative,
                reactions=cmd.reactions,
                reasoning=texts.seal("reasoning", cmd.reasoning),
            )
            self.save(plan, texts=texts.texts)

        self._run(run)

    def note_support(self, command: c.NoteSupport | Mapping[str, Any]) -> None:
        """Acknowledge reactions of support: nothing to change."""
        cmd = parse(c.NoteSupport, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            plan = self._plan(initiative, cmd.plan)
            plan.note_support(
                actor=actor, initiative=initiative, reactions=cmd.reactions
            )
            self.save(plan)

        self._run(run)

    def withdraw_reaction(
        self, command: c.WithdrawReaction | Mapping[str, Any]
    ) -> None:
        cmd = parse(c.WithdrawReaction, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            plan = self._plan(initiative, cmd.plan)
            plan.withdraw_reaction(
                actor=actor, initiative=initiative, reaction=cmd.reaction
            )
            self.save(plan)

        self._run(run)

    def finalise_plan(self, command: c.FinalisePlan | Mapping[str, Any]) -> int:
        """Finalise a plan once every reaction is answered; returns the version."""
        cmd = parse(c.FinalisePlan, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            plan = self._plan(initiative, cmd.plan)
            version = plan.finalise(actor=actor, initiative=initiative)
            self.save(plan)
            return version

        return self._run(run)

    # --- Decision points -------------------------------------------------------------

    def put_decision_point(
        self, command: c.PutDecisionPoint | Mapping[str, Any]
    ) -> UUID:
        """Put a question to the stakeholders, with its options, who takes part
        and the rule that decides."""
        cmd = parse(c.PutDecisionPoint, command)

        def run() -> UUID:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            if self._exists(decision_point_id(initiative.id, cmd.decision)):
                msg = (
                    f"{initiative.slug} already has a decision point called "
                    f"{cmd.decision}."
                )
                raise Conflict(msg)
            texts = _Pending(str(initiative.id))
            decision = DecisionPoint.put(
                actor=actor,
                initiative=initiative,
                slug=cmd.decision,
                question=texts.seal("question", cmd.question),
                options=[
                    Option(o.key, texts.seal("option", o.label)) for o in cmd.options
                ],
                eligible=cmd.eligible,
                rule=cmd.rule,
                closes_at=cmd.closes_at,
            )
            self.save(decision, texts=texts.texts)
            return decision.id

        return self._run(run)

    def take_position(self, command: c.TakePosition | Mapping[str, Any]) -> None:
        """The actor takes (or changes) their position on an open decision point."""
        cmd = parse(c.TakePosition, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            decision = self._decision(initiative, cmd.decision)
            texts = _Pending(str(initiative.id))
            decision.take_position(
                actor=actor,
                initiative=initiative,
                option=cmd.option,
                reason=texts.seal("position reason", cmd.reason)
                if cmd.reason
                else None,
            )
            self.save(decision, texts=texts.texts)

        self._run(run)

    def decide(self, command: c.DecideDecisionPoint | Mapping[str, Any]) -> str | None:
        """Apply the decision point's rule; returns the outcome (None: no decision)."""
        cmd = parse(c.DecideDecisionPoint, command)

        def run() -> str | None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            decision = self._decision(initiative, cmd.decision)
            outcome = decision.decide(actor=actor, initiative=initiative)
            self.save(decision)
            return outcome

        return self._run(run)

    def withdraw_decision_point(
        self, command: c.WithdrawDecisionPoint | Mapping[str, Any]
    ) -> None:
        cmd = parse(c.WithdrawDecisionPoint, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            decision = self._decision(initiative, cmd.decision)
            decision.withdraw(actor=actor, initiative=initiative)
            self.save(decision)

        self._run(run)

    # --- Queries ---------------------------------------------------------------------

    def list_initiatives(self) -> list[v.InitiativeSummary]:
        """Every initiative in the record, in the order they were started."""

        def run() -> list[v.InitiativeSummary]:
            ids = [
                n.originator_id
                for n in notifications_with_topics(
                    self.recorder, [event_topic(Initiative, "Started")]
                )
            ]
            initiatives = [self._get(Initiative, cast(UUID, i), "") for i in ids]
            texts = self._texts(i.title for i in initiatives)
            return [
                v.InitiativeSummary(
                    initiative=i.slug,
                    title=texts.get(i.title.id),
                    phase=i.phase,
                    closed=i.is_closed,
                )
                for i in initiatives
            ]

        return self._run(run)

    def initiative_status(self, initiative: str) -> v.InitiativeStatus:
        """Where an initiative stands: phase, who takes part, groups, meetings, the
        council, the budget, its plans and its decision points."""
        slug = ref("initiative", initiative)

        def run() -> v.InitiativeStatus:
            i = self._initiative(slug)
            plans = self._plans_of(i)
            decisions = self._decisions_of(i)
            refs: list[TextRef] = [i.title, i.description, i.area]
            if i.outcome:
                refs.append(i.outcome)
            for g in i.groups.values():
                refs += [g.name, g.mandate]
            for m in i.meetings:
                refs += [m.place, m.summary]
            refs += [ci.document_title for ci in i.council_informings]
            refs += [a.purpose for a in i.allocations]
            refs += [p.title for p in plans]
            refs += [d.question for d in decisions]
            texts = self._texts(refs)
            people = self._refs_of(
                [*i.stakeholders, *i.former_stakeholders, i.facilitator]
            )
            decision_slugs = {d.id: d.slug for d in decisions}
            process = i.process
            return v.InitiativeStatus(
                initiative=i.slug,
                title=texts.get(i.title.id),
                description=texts.get(i.description.id),
                area=texts.get(i.area.id),
                budget=i.budget,
                allocated=i.allocated,
                level=i.level.value,
                phase=i.phase,
                template=v.TemplateView(
                    name=i.template_name,
                    version=i.template_version,
                    content_hash=i.template_hash,
                    phases=[p.name for p in process.phases],
                ),
                facilitator=people[i.facilitator].ref,
                closed=i.is_closed,
                outcome=texts.get(i.outcome.id) if i.outcome else None,
                stakeholders=[
                    v.StakeholderView(
                        ref=people[s].ref,
                        name=people[s].name,
                        kind=kind.value,
                        active=active,
                    )
                    for active, group in (
                        (True, i.stakeholders),
                        (False, i.former_stakeholders),
                    )
                    for s, kind in group.items()
                ],
                groups=[
                    v.GroupView(
                        group=g.slug,
                        kind=g.kind.value,
                        name=texts.get(g.name.id),
                        mandate=texts.get(g.mandate.id),
                        members=sorted(people[m].ref for m in g.members),
                    )
                    for g in i.groups.values()
                ],
                meetings=[
                    v.MeetingView(
                        number=m.number,
                        starts_at=m.starts_at,
                        kind=m.kind.value,
                        place=texts.get(m.place.id),
                        attendance=m.attendance,
                        summary=texts.get(m.summary.id),
                        evening_or_weekend=is_evening_or_weekend(m.starts_at),
                    )
                    for m in i.meetings
                ],
                council=[
                    v.CouncilInformingView(
                        document_title=texts.get(ci.document_title.id),
                        document_sha256=ci.document_sha256,
                        session=ci.session.value,
                        informed_at=ci.informed_at,
                    )
                    for ci in i.council_informings
                ],
                allocations=[
                    v.AllocationView(
                        amount=a.amount,
                        purpose=texts.get(a.purpose.id),
                        decision=decision_slugs.get(a.decision_id, str(a.decision_id)),
                    )
                    for a in i.allocations
                ],
                plans=[
                    v.PlanSummary(
                        plan=p.slug,
                        title=texts.get(p.title.id),
                        group=p.group,
                        versions=len(p.versions),
                        final_version=p.final_version,
                        reactions=len(p.reactions),
                        unanswered=len(p.unanswered),
                    )
                    for p in plans
                ],
                decisions=[
                    v.DecisionSummary(
                        decision=d.slug,
                        question=texts.get(d.question.id),
                        rule=d.rule.value,
                        state=d.state.value,
                        outcome=d.outcome,
                        tally=d.tally,
                        closes_at=d.closes_at,
                    )
                    for d in decisions
                ],
            )

        return self._run(run)

    def plan_details(self, initiative: str, plan: str) -> v.PlanView:
        """A plan with its versions, every reaction and every answer."""
        initiative, plan = ref("initiative", initiative), ref("plan", plan)

        def run() -> v.PlanView:
            i = self._initiative(initiative)
            p = self._plan(i, plan)
            text_refs: list[TextRef] = [p.title]
            for version in p.versions.values():
                text_refs += [version.text, version.changes]
            for r in p.reactions.values():
                text_refs.append(r.text)
                if r.section:
                    text_refs.append(r.section)
                if r.answer and r.answer.text:
                    text_refs.append(r.answer.text)
            texts = self._texts(text_refs)
            people = self._refs_of(
                [
                    *(r.stakeholder for r in p.reactions.values()),
                    *(r.answer.by for r in p.reactions.values() if r.answer),
                    *(ver.proposed_by for ver in p.versions.values()),
                ]
            )
            return v.PlanView(
                initiative=i.slug,
                plan=p.slug,
                title=texts.get(p.title.id),
                group=p.group,
                final_version=p.final_version,
                versions=[
                    v.VersionView(
                        number=ver.number,
                        text=texts.get(ver.text.id),
                        changes=texts.get(ver.changes.id),
                        proposed_by=people[ver.proposed_by].ref,
                    )
                    for ver in p.versions.values()
                ],
                reactions=[
                    v.ReactionView(
                        number=r.number,
                        stakeholder=people[r.stakeholder].ref,
                        version=r.version,
                        stance=r.stance.value,
                        channel=r.channel.value,
                        section=texts.get(r.section.id) if r.section else None,
                        meeting=r.meeting,
                        text=texts.get(r.text.id),
                        withdrawn=r.withdrawn,
                        answer=(
                            v.AnswerView(
                                kind=r.answer.kind.value,
                                by=people[r.answer.by].ref,
                                version=r.answer.version,
                                text=texts.get(r.answer.text.id)
                                if r.answer.text
                                else None,
                            )
                            if r.answer
                            else None
                        ),
                    )
                    for r in p.reactions.values()
                ],
                unanswered=p.unanswered,
            )

        return self._run(run)

    def decision_details(self, initiative: str, decision: str) -> v.DecisionView:
        """A decision point with its options, who may take part, positions and tally."""
        initiative, decision = ref("initiative", initiative), ref("decision", decision)

        def run() -> v.DecisionView:
            i = self._initiative(initiative)
            d = self._decision(i, decision)
            text_refs = [d.question, *(o.label for o in d.options)]
            text_refs += [p.reason for p in d.positions.values() if p.reason]
            texts = self._texts(text_refs)
            people = self._refs_of(list(d.positions))
            return v.DecisionView(
                initiative=i.slug,
                decision=d.slug,
                question=texts.get(d.question.id),
                rule=d.rule.value,
                options=[
                    v.OptionView(key=o.key, label=texts.get(o.label.id))
                    for o in d.options
                ],
                eligible=[k.value for k in d.eligible],
                closes_at=d.closes_at,
                state=d.state.value,
                outcome=d.outcome,
                tally=d.tally,
                positions=[
                    v.PositionView(
                        stakeholder=people[p.stakeholder].ref,
                        option=p.option,
                        reason=texts.get(p.reason.id) if p.reason else None,
                    )
                    for p in d.positions.values()
                ],
            )

        return self._run(run)

    def stored_event_count(self) -> int:
        """How many events the record holds."""
        return self._run(lambda: self.recorder.max_notification_id() or 0)

    # --- Query helpers ---------------------------------------------------------------

    def _texts(self, refs: Iterable[TextRef]) -> dict[str, str | None]:
        """The bodies of these texts; an erased or missing text is ``None``."""
        wanted = list(refs)
        rows = self.store.select_texts([r.id for r in wanted])
        return {r.id: (rows[r.id].body if r.id in rows else None) for r in wanted}

    def _refs_of(self, stakeholder_ids: Iterable[str]) -> dict[str, StakeholderRow]:
        ids = list(dict.fromkeys(stakeholder_ids))
        rows = self.store.select_stakeholders(ids)
        return {
            s: rows.get(s) or StakeholderRow(s, f"erased-{s[:8]}", None, None)
            for s in ids
        }

    def _created_in(self, initiative: Initiative, topic: str) -> list[UUID]:
        found = []
        for notification in notifications_with_topics(self.recorder, [topic]):
            created = self.mapper.to_domain_event(notification)
            if getattr(created, "initiative_id", None) == initiative.id:
                found.append(cast(UUID, notification.originator_id))
        return found

    def _plans_of(self, initiative: Initiative) -> list[Plan]:
        ids = self._created_in(initiative, event_topic(Plan, "Created"))
        return [self._get(Plan, i, "") for i in ids]

    def _decisions_of(self, initiative: Initiative) -> list[DecisionPoint]:
        ids = self._created_in(initiative, event_topic(DecisionPoint, "Put"))
        return [self._get(DecisionPoint, i, "") for i in ids]


def event_topic(aggregate: type[Aggregate], event_name: str) -> str:
    """The topic under which an aggregate's event class is stored."""
    return get_topic(getattr(aggregate, event_name))


def is_evening_or_weekend(moment: datetime) -> bool:
    """A meeting in the evening (from 18:00) or on Saturday or Sunday, local time."""
    return moment.weekday() >= 5 or moment.hour >= 18
