"""Value types shared by the aggregates: kinds, stances, channels, text references."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Self

SYSTEM_ACTOR = "system"
"""The actor named by automatic actions (a deadline passing)."""


class ParticipationLevel(StrEnum):
    """How far participants' say goes (the ladder used in participatieverordeningen)."""

    INFORMING = "informing"
    CONSULTING = "consulting"
    ADVISING = "advising"
    CO_PRODUCING = "co-producing"
    CO_DECIDING = "co-deciding"


class StakeholderKind(StrEnum):
    """Who a stakeholder is in the process."""

    RESIDENT = "resident"
    ENTREPRENEUR = "entrepreneur"
    INSTITUTION = "institution"
    CIVIL_SERVANT = "civil-servant"
    COUNCIL_MEMBER = "council-member"
    FACILITATOR = "facilitator"


SOCIETY = frozenset(
    {
        StakeholderKind.RESIDENT,
        StakeholderKind.ENTREPRENEUR,
        StakeholderKind.INSTITUTION,
    }
)
"""The kinds that deliberate and decide first."""


class GroupKind(StrEnum):
    STEERING = "steering"
    WORKING = "working"


class MeetingKind(StrEnum):
    RESIDENTS_MEETING = "residents-meeting"
    STEERING_GROUP = "steering-group"
    WORKING_GROUP = "working-group"
    WALK_IN = "walk-in"
    SITE_VISIT = "site-visit"
    ONLINE = "online"


class InterventionKind(StrEnum):
    """What the facilitator did, in their own role: independent, present when the
    stakeholders ask, naming the general interest."""

    GENERAL_INTEREST = "general-interest"
    """Named the general interest (what the city as a whole needs)."""
    ON_REQUEST = "on-request"
    """Was present, or helped, because a group or a stakeholder asked."""
    CONNECTION = "connection"
    """Connected stakeholders, or helped them find their way into the municipal
    organisation."""
    MEDIATION = "mediation"
    """Helped stakeholders through a disagreement."""


class AnnouncementChannel(StrEnum):
    """How a process was made known and people invited to it."""

    OFFICIAL_PUBLICATION = "official-publication"
    """The municipality's official publication (gemeenteblad, kennisgeving)."""
    LETTER = "letter"
    NEWSPAPER = "newspaper"
    WEBSITE = "website"
    SOCIAL_MEDIA = "social-media"
    EMAIL = "email"
    POSTER = "poster"
    DOOR_TO_DOOR = "door-to-door"
    MEETING = "meeting"


class CouncilSession(StrEnum):
    INFORMAL = "informal"
    FORMAL = "formal"
    LETTER = "letter"


class Stance(StrEnum):
    SUPPORT = "support"
    CONCERN = "concern"
    OBJECTION = "objection"
    SUGGESTION = "suggestion"


class Channel(StrEnum):
    ONLINE = "online"
    MEETING = "meeting"
    LETTER = "letter"
    EMAIL = "email"


class DecisionRule(StrEnum):
    MAJORITY = "majority"
    PLURALITY = "plurality"
    CONSENT = "consent"
    CONSENSUS = "consensus"


class ImplementationStatus(StrEnum):
    PLANNED = "planned"
    UNDER_WAY = "under-way"
    ON_HOLD = "on-hold"
    DONE = "done"
    CANCELLED = "cancelled"


class Immutable:
    """A value whose fields never change: copying it gives the value itself.

    The library deep-copies aggregates taken from its cache; values like these
    need no copy, which keeps reading a long-lived plan cheap.
    """

    __slots__ = ()

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self


@dataclass(frozen=True, slots=True)
class TextRef(Immutable):
    """A pointer to free text kept outside the events, with a commitment to it.

    ``sha256`` is the hex SHA-256 of the text's salt and body (see the application's
    text store). The event keeps only this, so the text can be erased later without
    touching the immutable record, and an unerased text can be verified against it.
    """

    id: str
    sha256: str
