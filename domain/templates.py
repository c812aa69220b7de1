"""Process templates: the phases a participation process goes through.

The domain knows one template itself: the story's *overheidsparticipatie* version 1
(government participation): society decides first, then municipal colleagues join,
then the council, then implementation, then evaluation. An initiative's Started event
records the template's name, version and content hash, so other templates need no
change to past events. The application installs more templates, written as TOML
files (``samenspraak.application.templates``).

Besides its name, description and society-only flag, a phase may declare which roles
may give which commands, the guards to leave it (from :data:`GUARDS`) and a default
reaction period in days. A declaration left at its default is left out of the
definition, so adding these fields changed neither version 1's definition nor its
content hash. An initiative's Started event also keeps the template's definition,
so :func:`pinned_template` rebuilds the exact template it follows (checked against
its content hash) even when that version is no longer installed. The engine enforces
a phase's guards when the phase is left (``Initiative.advance_phase``) and its
permissions in the application, before each command.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

GUARDS: dict[str, str] = {
    "no_open_decision_point": "no decision point of the initiative is still open",
    "every_reaction_answered": (
        "every reaction on the initiative's plans has an answer or was withdrawn "
        "(a letter received late needs none)"
    ),
    "every_plan_finalised": "every plan of the initiative is finalised",
    "a_draft_proposed": "at least one plan of the initiative has a draft",
    "a_decision_taken": (
        "at least one decision point of the initiative is decided with an outcome"
    ),
    "council_informed": (
        "the council has been informed in this phase (an informing recorded since "
        "the phase began and not withdrawn)"
    ),
    "budget_allocated": "at least part of the budget has been allocated",
    "reaction_period_over": "the phase's reaction period has ended",
}
"""The guards a template may name to leave a phase, each with what it asks."""

COMMAND_PHRASES: dict[str, str] = {
    "join_initiative": "join the initiative",
    "leave_initiative": "leave the initiative",
    "form_group": "form groups",
    "add_member": "add members to groups",
    "remove_member": "remove members from groups",
    "hold_meeting": "hold meetings",
    "inform_council": "inform the council",
    "advance_phase": "advance the phase",
    "allocate_budget": "allocate budget",
    "add_implementation_action": "add implementation actions",
    "record_progress": "record the progress of implementation actions",
    "change_implementation_status": "change the status of implementation actions",
    "close_initiative": "close the initiative",
    "create_plan": "create plans",
    "propose_draft": "propose drafts",
    "react_to_plan": "react to plans",
    "adopt_change": "adopt changes",
    "defend_position": "defend positions",
    "note_support": "note support",
    "withdraw_reaction": "withdraw reactions",
    "finalise_plan": "finalise plans",
    "put_decision_point": "put decision points",
    "take_position": "take positions",
    "decide": "decide decision points",
    "withdraw_decision_point": "withdraw decision points",
    "open_reaction_period": "open reaction periods",
}
"""What each command a template may permit does, as a refusal says it ("may not
join the initiative")."""

PERMITTED_WITH: dict[str, tuple[str, str]] = {
    "correct_meeting": ("hold_meeting", "correct meetings"),
    "withdraw_meeting": ("hold_meeting", "withdraw meetings"),
    "correct_council_informing": (
        "inform_council",
        "correct the record of informing the council",
    ),
    "withdraw_council_informing": (
        "inform_council",
        "withdraw an informing of the council",
    ),
    "import_decidim_comments": (
        "react_to_plan",
        "import a participation platform's comments as reactions",
    ),
    "import_consul_comments": (
        "react_to_plan",
        "import a participation platform's comments as reactions",
    ),
}
"""Commands a template does not name: a phase permits each where it permits
another (whoever may hold meetings in a phase may correct them there, and
withdraw one recorded by mistake, whoever may
inform the council may correct the record of an informing, and withdraw one
recorded by mistake, whoever may react may import a platform's comments), and a refusal says it in its own words. So the built-in templates, pinned by their
content hash, need no new version for them."""

SOCIETY_FIRST: frozenset[str] = frozenset(
    {
        "create_plan",
        "propose_draft",
        "react_to_plan",
        "adopt_change",
        "defend_position",
        "note_support",
        "finalise_plan",
        "open_reaction_period",
        "take_position",
    }
)
"""The commands a civil servant does not give where society decides alone (a
society-only phase), whatever the phase's permissions say: the rule
``society_decides_first`` refuses them there."""


@dataclass(frozen=True)
class Phase:
    name: str
    description: str
    society_only: bool = False
    """In a society-only phase civil servants observe; they do not propose, react or
    take positions."""
    permissions: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    """Per role (a stakeholder kind), the commands it may give in this phase."""
    guards: tuple[str, ...] = ()
    """What must hold before the initiative leaves this phase (names in GUARDS)."""
    reaction_period_days: int | None = None
    """The default period, in days, for reactions given in this phase."""

    def definition(self) -> dict[str, Any]:
        """The phase as plain data; declarations left at their default are left out."""
        data: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "society_only": self.society_only,
        }
        if self.permissions:
            data["permissions"] = {
                role: list(commands) for role, commands in self.permissions.items()
            }
        if self.guards:
            data["guards"] = list(self.guards)
        if self.reaction_period_days is not None:
            data["reaction_period_days"] = self.reaction_period_days
        return data

    def grants(self, role: str, command: str) -> bool:
        """Whether this phase's permissions let ``role`` give ``command``: a phase
        without permissions restricts no one, and a command :data:`PERMITTED_WITH`
        another is granted where that one is."""
        granted = PERMITTED_WITH.get(command, (command, ""))[0]
        return not self.permissions or granted in self.permissions.get(role, ())


@dataclass(frozen=True)
class ProcessTemplate:
    name: str
    version: str
    description: str
    phases: tuple[Phase, ...] = field(default_factory=tuple)

    def definition(self) -> dict[str, Any]:
        """The template as plain data, in a canonical order."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "phases": [p.definition() for p in self.phases],
        }

    @property
    def content_hash(self) -> str:
        """SHA-256 over the canonical JSON of the definition."""
        canonical = json.dumps(
            self.definition(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def phase(self, name: str) -> Phase:
        for phase in self.phases:
            if phase.name == name:
                return phase
        msg = f"Template {self.name} v{self.version} has no phase {name}."
        raise KeyError(msg)

    def phases_letting(self, role: str, command: str) -> tuple[str, ...]:
        """The phases, in order, where ``role`` may give ``command``: those that
        grant it (see :meth:`Phase.grants`), less the society-only ones for a
        civil servant's :data:`SOCIETY_FIRST` commands."""
        return tuple(
            phase.name
            for phase in self.phases
            if phase.grants(role, command)
            and not (
                phase.society_only
                and role == "civil-servant"
                and command in SOCIETY_FIRST
            )
        )

    def next_phase(self, name: str) -> Phase | None:
        names = [p.name for p in self.phases]
        index = names.index(name)
        return self.phases[index + 1] if index + 1 < len(self.phases) else None


OVERHEIDSPARTICIPATIE = ProcessTemplate(
    name="overheidsparticipatie",
    version="1",
    description=(
        "Government participation: residents, entrepreneurs and institutions decide "
        "first; then municipal colleagues join; then the council; then implementation "
        "and evaluation."
    ),
    phases=(
        Phase(
            "society-decides",
            "Residents, entrepreneurs and institutions deliberate and decide.",
            society_only=True,
        ),
        Phase("colleagues-join", "Municipal colleagues join the stakeholders."),
        Phase("council", "The municipal council is informed and decides."),
        Phase(
            "implementation",
            "Stakeholders carry out the plan; the municipality follows.",
        ),
        Phase("evaluation", "The process and its results are evaluated."),
    ),
)

BUILT_IN_TEMPLATES: dict[tuple[str, str], ProcessTemplate] = {
    (OVERHEIDSPARTICIPATIE.name, OVERHEIDSPARTICIPATIE.version): OVERHEIDSPARTICIPATIE,
}
DEFAULT_TEMPLATE = OVERHEIDSPARTICIPATIE


def from_definition(definition: Mapping[str, Any]) -> ProcessTemplate:
    """The template a definition (as :meth:`ProcessTemplate.definition` gives it)
    describes; plain data in, no validation framework."""
    return ProcessTemplate(
        name=str(definition["name"]),
        version=str(definition["version"]),
        description=str(definition["description"]),
        phases=tuple(
            Phase(
                name=str(p["name"]),
                description=str(p["description"]),
                society_only=bool(p.get("society_only", False)),
                permissions={
                    str(role): tuple(str(c) for c in commands)
                    for role, commands in dict(p.get("permissions") or {}).items()
                },
                guards=tuple(str(g) for g in p.get("guards") or ()),
                reaction_period_days=(
                    int(p["reaction_period_days"])
                    if p.get("reaction_period_days") is not None
                    else None
                ),
            )
            for p in definition["phases"]
        ),
    )


_PINNED: dict[str, ProcessTemplate] = {}
"""Templates rebuilt from pinned definitions, by their (checked) content hash."""


def pinned_template(
    name: str,
    version: str,
    content_hash: str,
    definition: Mapping[str, Any] | None = None,
) -> ProcessTemplate:
    """The template an initiative is pinned to: rebuilt from the definition kept in
    its events when there is one (checked against the recorded content hash), else
    the installed template of that name and version (records from before
    definitions were kept follow version 1, which the domain knows itself)."""
    if definition is None:
        return template(name, version)
    found = _PINNED.get(content_hash)
    if found is not None and found.definition() == definition:
        return found
    process = from_definition(definition)
    if (process.name, process.version, process.content_hash) != (
        name,
        version,
        content_hash,
    ):
        msg = (
            f"The definition kept for template {name} version {version} does not "
            f"match its recorded content hash {content_hash[:12]}."
        )
        raise ValueError(msg)
    _PINNED[content_hash] = process
    return process


def template(name: str, version: str) -> ProcessTemplate:
    """The installed template with this name and version."""
    try:
        return BUILT_IN_TEMPLATES[(name, version)]
    except KeyError:
        msg = f"No process template {name} version {version} is installed."
        raise KeyError(msg) from None
