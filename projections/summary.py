"""One line a person can read for each event, without names or free text.

Stakeholders appear by role where the event says it; the audit trail's ``actor``
column carries the pseudonymous id, which the application turns into a reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from samenspraak.domain.clock import on_dutch_clocks
from samenspraak.domain.rules import numbered


def _v(value: Any) -> str:
    return str(getattr(value, "value", value))


def _a(noun: str) -> str:
    """'A resident', 'An entrepreneur' (kinds are written with dashes)."""
    article = "An" if noun[:1] in "aeiou" else "A"
    return f"{article} {noun.replace('-', ' ')}"


def _given(e: Any) -> str:
    """When a position recorded for someone was given, if it was said."""
    given_at = getattr(e, "given_at", None)
    return f", given {on_dutch_clocks(given_at)}" if given_at is not None else ""


def _numbers(values: Any) -> str:
    return numbered(values, "reaction", "reactions")


Said = tuple[tuple[str, Callable[[Any], str]], ...]
"""How a correction's summary says each field it may carry: by field name."""

MEETING_FIELDS: Said = (
    ("starts_at", lambda v: f"starts at {on_dutch_clocks(v)}"),
    ("kind", _v),
    ("place", lambda _: "new place"),
    ("attendance", lambda v: f"{v} present"),
    ("summary", lambda _: "new summary"),
)

ANNOUNCEMENT_FIELDS: Said = (
    ("channel", _v),
    ("audience", lambda _: "new audience"),
    ("announced_at", lambda v: f"made at {on_dutch_clocks(v)}"),
    ("reach", lambda v: f"reaching {v}"),
)


def _announcement_corrected(e: Any) -> str:
    """What a correction of an announcement changed; that its reach is not
    known is said too."""
    said = _corrected(e, ANNOUNCEMENT_FIELDS)
    if e.reach_unknown:
        said = ", ".join(filter(None, (said, "reach not known")))
    return f"Announcement {e.number} corrected: {said}"


INTERVENTION_FIELDS: Said = (
    ("kind", _v),
    ("intervened_at", lambda v: f"made at {on_dutch_clocks(v)}"),
    ("note", lambda _: "new note"),
    ("requested_by", lambda _: "asked for by a stakeholder"),
    ("group", lambda v: f"asked for by group {v}"),
)


def _intervention_corrected(e: Any) -> str:
    """What a correction of an intervention changed; that no one asked for it
    is said too."""
    said = _corrected(e, INTERVENTION_FIELDS)
    if e.nobody_asked:
        said = ", ".join(filter(None, (said, "asked for by no one")))
    return f"Intervention {e.number} of the facilitator corrected: {said}"


INFORMING_FIELDS: Said = (
    ("document_title", lambda _: "new title"),
    ("document_sha256", lambda v: f"document sha256 {v[:16]}..."),
    ("session", _v),
    ("informed_at", lambda v: f"informed at {on_dutch_clocks(v)}"),
)


FRAMEWORK_FIELDS: Said = (
    ("framework", lambda _: "new text"),
    ("set_at", lambda v: f"set at {on_dutch_clocks(v)}"),
    ("document_sha256", lambda v: f"document sha256 {v[:16]}..."),
)


def _corrected(e: Any, fields: Said) -> str:
    """What a correction changed: the new values, texts only named."""
    return ", ".join(
        say(getattr(e, name))
        for name, say in fields
        if getattr(e, name, None) is not None
    )


LINES: dict[tuple[str, str], Callable[[Any], str]] = {
    ("initiative", "Started"): lambda e: (
        f"Initiative {e.slug} started ({_v(e.level)}, budget EUR {e.budget}, "
        f"process {e.template_name} v{e.template_version})"
    ),
    ("initiative", "StakeholderJoined"): lambda e: f"{_a(_v(e.kind))} joined",
    ("initiative", "StakeholderLeft"): lambda e: "A stakeholder left",
    ("initiative", "GroupFormed"): lambda e: f"Group {e.group} formed ({_v(e.kind)})",
    ("initiative", "MemberAdded"): lambda e: f"A member was added to {e.group}",
    ("initiative", "MemberRemoved"): lambda e: f"A member was removed from {e.group}",
    ("initiative", "MeetingHeld"): lambda e: (
        f"Meeting {e.number} held ({_v(e.kind)}, {on_dutch_clocks(e.starts_at)}, "
        f"{e.attendance} present)"
    ),
    ("initiative", "MeetingCorrected"): lambda e: (
        f"Meeting {e.number} corrected: {_corrected(e, MEETING_FIELDS)}"
    ),
    ("initiative", "MeetingWithdrawn"): lambda e: f"Meeting {e.number} withdrawn",
    ("initiative", "PersonalDataErased"): lambda e: (
        "A stakeholder's personal data erased"
        + (", with the texts they gave" if e.with_texts else "")
    ),
    ("initiative", "IdentityCorrected"): lambda e: (
        "A stakeholder's name corrected in the directory"
    ),
    ("initiative", "FacilitatorIntervened"): lambda e: (
        f"Intervention {e.number} of the facilitator: {_v(e.kind)}"
        + (f", asked for by group {e.group}" if e.group else "")
        + (", asked for by a stakeholder" if e.requested_by else "")
    ),
    ("initiative", "InterventionCorrected"): _intervention_corrected,
    ("initiative", "InterventionWithdrawn"): lambda e: (
        f"Intervention {e.number} of the facilitator withdrawn"
    ),
    ("initiative", "Announced"): lambda e: (
        f"Announcement {e.number} by {_v(e.channel)}"
        + (f", reaching {e.reach}" if e.reach is not None else "")
    ),
    ("initiative", "AnnouncementCorrected"): _announcement_corrected,
    ("initiative", "AnnouncementWithdrawn"): lambda e: (
        f"Announcement {e.number} withdrawn"
    ),
    ("initiative", "CouncilFollowedUp"): lambda e: (
        f"The council followed up informing {e.informing}"
        + (
            f" (document sha256 {e.document_sha256[:12]}...)"
            if e.document_sha256
            else ""
        )
    ),
    ("initiative", "CouncilFollowUpWithdrawn"): lambda e: (
        f"Follow-up {e.follow_up} of council informing {e.informing} withdrawn"
    ),
    ("initiative", "CouncilFrameworkSet"): lambda e: (
        f"Framework {e.number} of the council recorded"
        + (
            f" (document sha256 {e.document_sha256[:12]}...)"
            if e.document_sha256
            else ""
        )
    ),
    ("initiative", "CouncilFrameworkCorrected"): lambda e: (
        f"Framework {e.number} of the council corrected: "
        f"{_corrected(e, FRAMEWORK_FIELDS)}"
    ),
    ("initiative", "CouncilInformed"): lambda e: (
        f"Council informed ({_v(e.session)}), document sha256 "
        f"{e.document_sha256[:16]}..."
    ),
    ("initiative", "CouncilInformingCorrected"): lambda e: (
        f"Council informing {e.informing} corrected: {_corrected(e, INFORMING_FIELDS)}"
    ),
    ("initiative", "CouncilInformingWithdrawn"): lambda e: (
        f"Council informing {e.informing} withdrawn"
    ),
    ("initiative", "PhaseAdvanced"): lambda e: f"Phase advanced to {e.phase}",
    ("initiative", "TemplateMigrated"): lambda e: (
        f"Process migrated from {e.previous_name} v{e.previous_version} to "
        f"{e.template_name} v{e.template_version} (hash {e.template_hash[:12]})"
    ),
    ("initiative", "BudgetAllocated"): lambda e: f"EUR {e.amount} allocated",
    ("initiative", "ImplementationActionAdded"): lambda e: (
        f"Implementation action {e.action} added, owned by "
        f"{'group ' + e.owner_group if e.owner_group else 'a stakeholder'}"
        f"{f' (allocation {e.allocation})' if e.allocation else ''}"
    ),
    ("initiative", "ImplementationProgressRecorded"): lambda e: (
        f"Progress on {e.action}: {e.percent}%"
        f"{' (milestone reached)' if e.milestone else ''}"
    ),
    ("initiative", "ImplementationStatusChanged"): lambda e: (
        f"Implementation action {e.action} is now {_v(e.status)}"
    ),
    ("initiative", "Closed"): lambda e: "Initiative closed",
    ("plan", "Created"): lambda e: f"Plan {e.slug} created, owned by {e.group}",
    ("plan", "DraftProposed"): lambda e: f"Version {e.version} proposed",
    ("plan", "ReactionAdded"): lambda e: (
        f"Reaction {e.reaction} on version {e.version} ({_v(e.stance)}, "
        f"{_v(e.channel)})"
    ),
    ("plan", "ReactionReceivedLate"): lambda e: (
        f"Reaction {e.reaction} on version {e.version} received late "
        f"({_v(e.stance)}, {_v(e.channel)})"
    ),
    ("plan", "ReactionWithdrawn"): lambda e: f"Reaction {e.reaction} withdrawn",
    ("plan", "ChangeAdopted"): lambda e: (
        f"Change {'partly ' if getattr(e, 'partly', False) else ''}adopted in "
        f"version {e.version}, answering {_numbers(e.reactions)}"
    ),
    ("plan", "PositionDefended"): lambda e: (
        f"Position defended, answering {_numbers(e.reactions)}"
    ),
    ("plan", "SupportNoted"): lambda e: f"Support noted: {_numbers(e.reactions)}",
    ("plan", "Finalised"): lambda e: f"Finalised in version {e.version}",
    ("plan", "ReactionPeriodOpened"): lambda e: (
        f"Reaction period opened until {on_dutch_clocks(e.closes_at)}"
    ),
    ("plan", "ReactionPeriodClosed"): lambda e: (
        f"Reaction period closed at its deadline {on_dutch_clocks(e.closed_at)}"
    ),
    ("decision-point", "Put"): lambda e: (
        f"Decision point {e.slug} put ({_v(e.rule)}, "
        f"{len(e.options)} option{'s' * (len(e.options) > 1)})"
    ),
    ("decision-point", "PositionTaken"): lambda e: (
        f"Position taken: {e.option}"
        + (
            f", recorded for a stakeholder by the facilitator{_given(e)}"
            if getattr(e, "stakeholder", None) not in (None, e.actor)
            else ""
        )
    ),
    ("decision-point", "Decided"): lambda e: (
        f"Decided: {e.outcome or 'no decision'} "
        f"({', '.join(f'{k} {n}' for k, n in e.tally.items())})"
    ),
    ("decision-point", "Withdrawn"): lambda e: "Decision point withdrawn",
    ("decision-point", "ClosedByDeadline"): lambda e: (
        f"Closed at its deadline {on_dutch_clocks(e.closed_at)}: "
        f"{e.outcome or 'no decision'} "
        f"({', '.join(f'{k} {n}' for k, n in e.tally.items())})"
    ),
}


def summarise(kind: str, name: str, e: Any) -> str:
    """A one-line summary of an event."""
    line = LINES.get((kind, name))
    return line(e) if line else f"{kind} {name}"
