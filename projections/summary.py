"""One line a person can read for each event, without names or free text.

Stakeholders appear by role where the event says it; the audit trail's ``actor``
column carries the pseudonymous id, which the application turns into a reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _v(value: Any) -> str:
    return str(getattr(value, "value", value))


def _a(noun: str) -> str:
    """'A resident', 'An entrepreneur' (kinds are written with dashes)."""
    article = "An" if noun[:1] in "aeiou" else "A"
    return f"{article} {noun.replace('-', ' ')}"


def _numbers(values: Any) -> str:
    numbers = list(values)
    noun = "reaction" if len(numbers) == 1 else "reactions"
    return f"{noun} {', '.join(map(str, numbers))}"


def summarise(kind: str, name: str, e: Any) -> str:
    """A one-line summary of an event."""
    lines: dict[tuple[str, str], Callable[[], str]] = {
        ("initiative", "Started"): lambda: (
            f"Initiative {e.slug} started ({_v(e.level)}, budget EUR {e.budget}, "
            f"process {e.template_name} v{e.template_version})"
        ),
        ("initiative", "StakeholderJoined"): lambda: f"{_a(_v(e.kind))} joined",
        ("initiative", "StakeholderLeft"): lambda: "A stakeholder left",
        ("initiative", "GroupFormed"): lambda: f"Group {e.group} formed ({_v(e.kind)})",
        ("initiative", "MemberAdded"): lambda: f"A member was added to {e.group}",
        ("initiative", "MemberRemoved"): lambda: f"A member was removed from {e.group}",
        ("initiative", "MeetingHeld"): lambda: (
            f"Meeting {e.number} held ({_v(e.kind)}, {e.starts_at.isoformat()}, "
            f"{e.attendance} present)"
        ),
        ("initiative", "CouncilInformed"): lambda: (
            f"Council informed ({_v(e.session)}), document sha256 "
            f"{e.document_sha256[:16]}..."
        ),
        ("initiative", "PhaseAdvanced"): lambda: f"Phase advanced to {e.phase}",
        ("initiative", "BudgetAllocated"): lambda: f"EUR {e.amount} allocated",
        ("initiative", "Closed"): lambda: "Initiative closed",
        ("plan", "Created"): lambda: f"Plan {e.slug} created, owned by {e.group}",
        ("plan", "DraftProposed"): lambda: f"Version {e.version} proposed",
        ("plan", "ReactionAdded"): lambda: (
            f"Reaction {e.reaction} on version {e.version} ({_v(e.stance)}, "
            f"{_v(e.channel)})"
        ),
        ("plan", "ReactionWithdrawn"): lambda: f"Reaction {e.reaction} withdrawn",
        ("plan", "ChangeAdopted"): lambda: (
            f"Change adopted in version {e.version}, answering {_numbers(e.reactions)}"
        ),
        ("plan", "PositionDefended"): lambda: (
            f"Position defended, answering {_numbers(e.reactions)}"
        ),
        ("plan", "SupportNoted"): lambda: f"Support noted: {_numbers(e.reactions)}",
        ("plan", "Finalised"): lambda: f"Finalised in version {e.version}",
        ("decision-point", "Put"): lambda: (
            f"Decision point {e.slug} put ({_v(e.rule)}, "
            f"{len(e.options)} option{'s' * (len(e.options) > 1)})"
        ),
        ("decision-point", "PositionTaken"): lambda: f"Position taken: {e.option}",
        ("decision-point", "Decided"): lambda: (
            f"Decided: {e.outcome or 'no decision'} "
            f"({', '.join(f'{k} {n}' for k, n in e.tally.items())})"
        ),
        ("decision-point", "Withdrawn"): lambda: "Decision point withdrawn",
    }
    line = lines.get((kind, name))
    return line() if line else f"{kind} {name}"
