"""Process templates: the phases a participation process goes through.

One template is built in for now: the story's *overheidsparticipatie* (government
participation): society decides first, then municipal colleagues join, then the
council, then implementation, then evaluation. An initiative's Started event records
the template's name, version and content hash, so later templates (declarative, per
municipality) need no change to past events.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Phase:
    name: str
    description: str
    society_only: bool = False
    """In a society-only phase civil servants observe; they do not propose, react or
    take positions."""


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
            "phases": [
                {
                    "name": p.name,
                    "description": p.description,
                    "society_only": p.society_only,
                }
                for p in self.phases
            ],
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


def template(name: str, version: str) -> ProcessTemplate:
    """The installed template with this name and version."""
    try:
        return BUILT_IN_TEMPLATES[(name, version)]
    except KeyError:
        msg = f"No process template {name} version {version} is installed."
        raise KeyError(msg) from None
