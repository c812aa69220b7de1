"""Command models: what each use case takes, validated at the boundary.

Unknown fields are rejected, texts have length limits, references are slugs, money
is ``Decimal`` with cents, and times carry a timezone. ``actor`` is the reference of
the stakeholder who gives the command.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)

from samenspraak.domain import clock
from samenspraak.domain.values import (
    AnnouncementChannel,
    Channel,
    CouncilSession,
    DecisionRule,
    GroupKind,
    ImplementationStatus,
    InterventionKind,
    MeetingKind,
    ParticipationLevel,
    StakeholderKind,
    Stance,
)

REF_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"


def _trimmed_lower_case(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


Ref = Annotated[
    str,
    BeforeValidator(_trimmed_lower_case),
    StringConstraints(pattern=REF_PATTERN),
]
"""A human-friendly reference: lower-case letters, digits and dashes, 1-64 long;
given in any case and with spaces around it, it is trimmed and lower-cased first."""

FIRST_YEAR, LAST_YEAR = clock.FIRST_YEAR, clock.LAST_YEAR


def _within_the_calendar(moment: datetime) -> datetime:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        msg = f"must be a moment between the years {FIRST_YEAR} and {LAST_YEAR}"
        raise ValueError(msg)
    return moment


def _text_or_datetime(value: Any) -> Any:
    """A moment is given as ISO text (spaces around it do not count) or as a
    datetime, never as a number (which would be read as seconds since 1970), not
    even written as text."""
    if not isinstance(value, str | datetime) or (
        isinstance(value, str)
        and re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", value)
    ):
        msg = "must be a moment with a timezone, like 2026-03-12T19:30+01:00"
        raise ValueError(msg)
    return value.strip() if isinstance(value, str) else value  # spaces around it


def _in_whole_minutes(moment: datetime) -> datetime:
    """An offset from UTC in whole minutes, as ISO text writes it (a historic
    offset such as +00:19:32 is one no view or report can write back)."""
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        msg = "needs a timezone offset in whole minutes, like +01:00"
        raise ValueError(msg)
    return moment


Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_text_or_datetime),
    AfterValidator(_within_the_calendar),
    AfterValidator(_in_whole_minutes),
]
"""A moment with its timezone, between the years 1900 and 2999: any process's dates
fit, and every moment can be written in UTC and in Dutch time."""


def _without_nul(text: str) -> str:
    """PostgreSQL cannot keep the NUL character in text; SQLite can. Refused on
    both, so that a record can move from one to the other."""
    if "\x00" in text:
        msg = "must not contain the NUL character (\\x00)"
        raise ValueError(msg)
    return text


def _without_controls(text: str) -> str:
    """A longer text keeps its line breaks and tabs, but no other control
    characters: an escape sequence in a reaction would be run by the terminal that
    shows it (changing its title, hiding or writing over the lines around it), and
    a bidirectional override or isolate would show its letters in another order
    than they were written, in the report too."""
    _without_reordering(text)
    if any(is_control(c) for c in text):
        msg = "must not contain control characters other than line breaks and tabs"
        raise ValueError(msg)
    return text


def _without_reordering(text: str) -> None:
    """A bidirectional control is refused saying what it is, not as a control
    character (it shows none: it reorders the letters around it)."""
    if not _BIDI_CONTROLS.isdisjoint(text):
        msg = (
            "must not contain bidirectional embeddings, overrides or isolates "
            "(U+202A to U+202E, U+2066 to U+2069): they show the letters around "
            "them in another order than they were written"
        )
        raise ValueError(msg)


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""The bidirectional embeddings, overrides and isolates: they reorder how the text
around them is shown (U+202E shows "exe.txt" for "txt.exe"). The marks of
direction (U+200E, U+200F), which only nudge where a run of Arabic or Hebrew
letters ends, are kept."""


def is_control(c: str) -> bool:
    """A control character other than a line break or a tab (C0, DEL, C1), or a
    bidirectional control that reorders what is shown."""
    return (
        (c < " " and c not in "\n\r\t") or "\x7f" <= c <= "\x9f" or c in _BIDI_CONTROLS
    )


_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)
"""The characters :func:`is_control` finds, as one character class."""


def replace_controls(text: str) -> str:
    """``text`` with each character :func:`is_control` finds shown as U+FFFD: in one
    pass of a regular expression, not a Python call per character (a report of a
    large initiative shows megabytes of text)."""
    return _CONTROLS.sub("\ufffd", text)


_BLANK = frozenset(
    "\u115f\u1160\u3164\uffa0\u2800" + "".join(map(chr, range(0xFE00, 0xFE10)))
)
"""Letters and signs that show as nothing: the Hangul fillers, the blank braille
pattern and the variation selectors."""


def _visible(text: str) -> str:
    """A text says something a person can see: one made only of invisible
    characters (zero-width spaces, joiners, marks of direction, blank space) would
    show as nothing, and is refused as empty."""
    if all(
        c.isspace()
        or c in _BLANK
        or unicodedata.category(c) in ("Cf", "Cc", "Zs", "Zl", "Zp")
        for c in text
    ):
        msg = "must not be empty (it has only invisible characters)"
        raise ValueError(msg)
    return text


def _one_line(text: str) -> str:
    """A title or a name is shown on one line: line breaks and other control
    characters are refused (tabs too)."""
    _without_reordering(text)
    if any(c < " " or c in "\u2028\u2029" or is_control(c) for c in text):
        msg = "must be one line, without line breaks or other control characters"
        raise ValueError(msg)
    return text


ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_without_nul),
    AfterValidator(_visible),
    AfterValidator(_one_line),
]
"""A title, a name, a place: one line."""

LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000),
    AfterValidator(_without_nul),
    AfterValidator(_visible),
    AfterValidator(_without_controls),
]
"""A description, a reaction, a reasoning: up to 20,000 characters."""

DraftText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200_000),
    AfterValidator(_without_nul),
    AfterValidator(_visible),
    AfterValidator(_without_controls),
]
"""The text of a plan's draft: up to 200,000 characters."""

Section = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_without_nul),
    AfterValidator(_visible),
    AfterValidator(_without_controls),
]
"""A section of a plan, like ``3.2`` or ``Parking at the edge``."""

SHA256_PATTERN = r"^[0-9a-f]{64}$"
OF_NOTHING = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
"""The SHA-256 of no bytes at all: of an empty file, not of a document."""


def _of_something(digest: str) -> str:
    if digest == OF_NOTHING:
        msg = "is the SHA-256 of an empty file, not of a document"
        raise ValueError(msg)
    return digest


Sha256 = Annotated[
    str,
    BeforeValidator(_trimmed_lower_case),
    StringConstraints(pattern=SHA256_PATTERN),
    AfterValidator(_of_something),
]

TEMPLATE_REF_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*(@[0-9]+(\.[0-9]+)*)?$"
TEMPLATE_REF_LENGTH = 81
"""The longest ``NAME@VERSION``: a template's name has at most 60 characters, its
version at most 20."""
TemplateRef = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=TEMPLATE_REF_LENGTH,
        pattern=TEMPLATE_REF_PATTERN,
    ),
]
"""An installed process template: ``NAME`` (its newest version) or ``NAME@VERSION``."""

CENTS = Decimal("0.01")
AMOUNT_MESSAGE = "must be an amount in euros, like 1250.00 (a dot before the cents)"
MORE_THAN_CENTS = "has more than two decimals; give whole cents, like 1250.50"


def _written_as_an_amount(value: Any) -> Any:
    """An amount given as text is digits with at most a dot: not ``1e3``, ``1_000``
    or ``12,50``, which Python would read as numbers or which are ambiguous."""
    if isinstance(value, float):  # as written: 0.1 + 0.2 has too many decimals
        value = repr(value)
    elif isinstance(value, Decimal) and value.is_finite():
        value = format(value, "f")  # 1E-50 has too many decimals, not digits
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
            raise ValueError(AMOUNT_MESSAGE)
        if len(value.partition(".")[2].rstrip("0")) > 2:
            raise ValueError(MORE_THAN_CENTS)
    return value


def _in_cents(amount: Decimal) -> Decimal:
    """In whole cents; -0 is 0.00 (a budget is never shown as EUR -0.00)."""
    return amount.quantize(CENTS) if amount else Decimal("0.00")


Euros = Annotated[
    Decimal,
    BeforeValidator(_written_as_an_amount),
    Field(ge=0, max_digits=15, decimal_places=2),
    AfterValidator(_in_cents),
]
"""An amount in euros, kept in cents (100 becomes 100.00)."""
PositiveEuros = Annotated[
    Decimal,
    BeforeValidator(_written_as_an_amount),
    Field(gt=0, max_digits=15, decimal_places=2),
    AfterValidator(_in_cents),
]


def _a_whole_number(value: Any) -> Any:
    """A number is never a flag (Python would read True as 1)."""
    if isinstance(value, bool):
        msg = "must be a whole number, not true or false"
        raise ValueError(msg)
    return value


Number = Annotated[int, BeforeValidator(_a_whole_number), Field(gt=0)]
"""A whole number from 1: a version, a reaction, a meeting."""


def _each_once(items: list[Any]) -> list[Any]:
    """Each item once, in the order first given: a reaction named twice in one
    answer is answered once, and recorded once."""
    return list(dict.fromkeys(items))


Reactions = Annotated[
    list[Number], Field(min_length=1, max_length=1000), AfterValidator(_each_once)
]
"""The numbers of the reactions an answer is for, each once."""


COMMAND_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
COMMAND_ID_MESSAGE = (
    "must be 1 to 64 letters, digits, dots, dashes, underscores and colons, "
    "starting with a letter or digit, like a UUID"
)


def _a_command_id(value: Any) -> Any:
    """A UUID, or text in the form of :data:`COMMAND_ID_PATTERN` (spaces around it
    do not count; a letter's case does: an id is kept as given)."""
    if isinstance(value, UUID):
        return str(value)
    if not isinstance(value, str) or not re.fullmatch(
        COMMAND_ID_PATTERN, value.strip()
    ):
        raise ValueError(COMMAND_ID_MESSAGE)
    return value.strip()


CommandId = Annotated[str, BeforeValidator(_a_command_id)]
"""The id a caller gives a command so that giving it again (a retry after a
timeout or a lost connection) does not record it twice: a UUID, or up to 64
letters, digits and ``._:-``. It is kept in a table beside the events, not in them."""


class Command(BaseModel):
    # A command made with model_copy(update=...) or model_construct() skipped its
    # checks: every command is checked again when it is given.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        revalidate_instances="always",
        # Each model's validator is built when it is first used, not when the
        # module is imported: a command-line call uses one or two of them.
        defer_build=True,
    )

    actor: Ref
    command_id: CommandId | None = None
    """Chosen by the caller, once per command it means to record once: given
    again with the same id, the command is not recorded again
    (:class:`~samenspraak.application.errors.AlreadyRecorded`)."""


class RegisterStakeholder(Command):
    """Put a stakeholder in the directory: a reference, a name and a contact."""

    stakeholder: Ref
    name: ShortText
    contact: ShortText | None = None


class EraseStakeholder(Command):
    """Erase a stakeholder's personal data (AVG): their reference, name and contact
    in the directory and, with ``texts``, the texts they gave (reactions and the
    sections they concern, reasons for positions and for an action's status,
    milestones)."""

    stakeholder: Ref
    texts: StrictBool = False


class CorrectStakeholder(Command):
    """Correct a stakeholder's personal data in the directory (AVG, rectification):
    their name, their contact, or both; their reference stays."""

    stakeholder: Ref
    name: ShortText | None = None
    contact: ShortText | None = None

    @model_validator(mode="after")
    def _name_or_contact(self) -> CorrectStakeholder:
        if self.name is None and self.contact is None:
            msg = "give the corrected name, contact or both"
            raise ValueError(msg)
        return self


class StartInitiative(Command):
    initiative: Ref
    title: ShortText
    description: LongText
    area: ShortText
    budget: Euros
    level: ParticipationLevel
    template: TemplateRef | None = None
    """``NAME`` or ``NAME@VERSION``; by default overheidsparticipatie version 1."""


class JoinInitiative(Command):
    initiative: Ref
    stakeholder: Ref
    kind: StakeholderKind


class LeaveInitiative(Command):
    initiative: Ref
    stakeholder: Ref


class FormGroup(Command):
    initiative: Ref
    group: Ref
    kind: GroupKind
    name: ShortText
    mandate: LongText


class AddMember(Command):
    initiative: Ref
    group: Ref
    stakeholder: Ref


class RemoveMember(Command):
    initiative: Ref
    group: Ref
    stakeholder: Ref


Attendance = Annotated[int, BeforeValidator(_a_whole_number), Field(ge=0, le=1_000_000)]
"""How many people came to a meeting."""


class HoldMeeting(Command):
    initiative: Ref
    starts_at: Moment
    kind: MeetingKind
    place: ShortText
    attendance: Attendance
    summary: LongText


class CorrectMeeting(Command):
    """Correct what was recorded of a meeting (its time, kind, place, attendance,
    summary: one or more of them), with the reason; the meeting as first recorded
    stays in the record."""

    initiative: Ref
    meeting: Number
    """The meeting's number in the initiative, from 1 (as ``meeting list``)."""
    starts_at: Moment | None = None
    kind: MeetingKind | None = None
    place: ShortText | None = None
    attendance: Attendance | None = None
    summary: LongText | None = None
    reason: LongText
    """Why the record was corrected: 'the date was typed from the draft invitation'."""

    @model_validator(mode="after")
    def _something_to_correct(self) -> CorrectMeeting:
        given = (self.starts_at, self.kind, self.place, self.attendance, self.summary)
        if all(value is None for value in given):
            msg = "give the corrected starts_at, kind, place, attendance or summary"
            raise ValueError(msg)
        return self


class WithdrawMeeting(Command):
    """Withdraw a meeting recorded by mistake (the same meeting recorded twice, or
    one that never took place), with the reason; the meeting as first recorded
    stays in the record, and every meeting keeps its number."""

    initiative: Ref
    meeting: Number
    """The meeting's number in the initiative, from 1 (as ``meeting list``)."""
    reason: LongText
    """Why it is withdrawn: 'the same evening was recorded twice'."""


Reach = Annotated[int, BeforeValidator(_a_whole_number), Field(ge=0, le=100_000_000)]
"""How many an announcement reached (letters sent, visitors)."""


class Announce(Command):
    initiative: Ref
    channel: AnnouncementChannel
    audience: ShortText
    """Who was reached or invited: 'every household in the old town'."""
    announced_at: Moment
    reach: Reach | None = None
    """How many it reached, when known (letters sent, visitors)."""


class CorrectAnnouncement(Command):
    """Correct what was recorded of an announcement (its channel, audience, time,
    how many it reached: one or more of them), with the reason; the announcement
    as first recorded stays in the record."""

    initiative: Ref
    announcement: Number
    """The announcement's number in the initiative, from 1 (as ``announcement
    list``)."""
    channel: AnnouncementChannel | None = None
    audience: ShortText | None = None
    announced_at: Moment | None = None
    reach: Reach | None = None
    reach_unknown: StrictBool = False
    """How many it reached is not known after all: the reach recorded is taken
    off."""
    reason: LongText
    """Why the record was corrected: 'the letters went out a day later'."""

    @model_validator(mode="after")
    def _something_to_correct(self) -> CorrectAnnouncement:
        given = (self.channel, self.audience, self.announced_at, self.reach)
        if all(value is None for value in given) and not self.reach_unknown:
            msg = (
                "give the corrected channel, audience, announced_at or reach, or "
                "reach_unknown"
            )
            raise ValueError(msg)
        if self.reach_unknown and self.reach is not None:
            msg = "reach_unknown goes without reach"
            raise ValueError(msg)
        return self


class WithdrawAnnouncement(Command):
    """Withdraw an announcement recorded by mistake (the same announcement
    recorded twice, or one that was not made), with the reason; the announcement
    as first recorded stays in the record, and every announcement keeps its
    number."""

    initiative: Ref
    announcement: Number
    """The announcement's number in the initiative, from 1 (as ``announcement
    list``)."""
    reason: LongText
    """Why it is withdrawn: 'the letter to the old town was recorded twice'."""


class RecordIntervention(Command):
    """Something the facilitator did in their own role: named the general
    interest, was present or helped on request (of a group or a stakeholder),
    connected stakeholders, or helped them through a disagreement."""

    initiative: Ref
    kind: InterventionKind
    note: LongText
    """What they did and why, in a few sentences."""
    intervened_at: Moment
    requested_by: Ref | None = None
    """The stakeholder who asked for it (on request)."""
    group: Ref | None = None
    """The group that asked for it (on request)."""


class CorrectIntervention(Command):
    """Correct what was recorded of an intervention of the facilitator's (its
    kind, its time, its note, who asked for it: one or more of them), with the
    reason; the intervention as first recorded stays in the record."""

    initiative: Ref
    intervention: Number
    """The intervention's number in the initiative, from 1 (as ``intervention
    list``)."""
    kind: InterventionKind | None = None
    intervened_at: Moment | None = None
    note: LongText | None = None
    requested_by: Ref | None = None
    """The stakeholder who asked for it (replacing a group recorded as asking)."""
    group: Ref | None = None
    """The group that asked for it (replacing a stakeholder recorded as asking)."""
    nobody_asked: StrictBool = False
    """No one asked for it: whoever is recorded as asking is taken off."""
    reason: LongText
    """Why the record was corrected: 'it was the working group that asked'."""

    @model_validator(mode="after")
    def _something_to_correct(self) -> CorrectIntervention:
        given = (
            self.kind,
            self.intervened_at,
            self.note,
            self.requested_by,
            self.group,
        )
        if all(value is None for value in given) and not self.nobody_asked:
            msg = (
                "give the corrected kind, intervened_at, note, requested_by or "
                "group, or nobody_asked"
            )
            raise ValueError(msg)
        if self.nobody_asked and (self.requested_by or self.group):
            msg = "nobody_asked goes without requested_by and group"
            raise ValueError(msg)
        return self


class WithdrawIntervention(Command):
    """Withdraw an intervention of the facilitator's recorded by mistake (the
    same intervention recorded twice, or one that was not made), with the reason;
    the intervention as first recorded stays in the record, and every
    intervention keeps its number."""

    initiative: Ref
    intervention: Number
    """The intervention's number in the initiative, from 1 (as ``intervention
    list``)."""
    reason: LongText
    """Why it is withdrawn: 'the same conversation was recorded twice'."""


class InformCouncil(Command):
    initiative: Ref
    document_title: ShortText
    document_sha256: Sha256
    session: CouncilSession
    informed_at: Moment


class CorrectCouncilInforming(Command):
    """Correct what was recorded of an informing of the council (the document's
    title or SHA-256, the session, the time: one or more of them), with the
    reason; the informing as first recorded, with its audit head, stays in the
    record."""

    initiative: Ref
    informing: Number
    """Which informing, from 1 (as ``council list`` numbers them)."""
    document_title: ShortText | None = None
    document_sha256: Sha256 | None = None
    session: CouncilSession | None = None
    informed_at: Moment | None = None
    reason: LongText
    """Why the record was corrected: 'the hash was copied from the draft'."""

    @model_validator(mode="after")
    def _something_to_correct(self) -> CorrectCouncilInforming:
        given = (
            self.document_title,
            self.document_sha256,
            self.session,
            self.informed_at,
        )
        if all(value is None for value in given):
            msg = (
                "give the corrected document_title, document_sha256, session or "
                "informed_at"
            )
            raise ValueError(msg)
        return self


class WithdrawCouncilInforming(Command):
    """Withdraw an informing of the council recorded by mistake (for another
    initiative, or one that never happened), with the reason; the informing as
    first recorded, with its audit head, stays in the record, and every informing
    keeps its number."""

    initiative: Ref
    informing: Number
    """Which informing, from 1 (as ``council list`` numbers them)."""
    reason: LongText
    """Why it is withdrawn: 'recorded here instead of in harbour-district'."""


class WithdrawCouncilFollowUp(Command):
    """Withdraw a follow-up of the council recorded by mistake (against the wrong
    informing, or one the council never gave), with the reason; the follow-up as
    first recorded stays in the record, and every follow-up keeps its number."""

    initiative: Ref
    informing: Number
    """Which informing it follows up, from 1 (as ``council list`` numbers them)."""
    follow_up: Number | None = None
    """Which of that informing's follow-ups, from 1 in the order recorded (as
    ``council list`` numbers them); needed only when it has more than one."""
    reason: LongText
    """Why it is withdrawn: 'recorded against informing 1; it answers informing 2'."""


class RecordCouncilFramework(Command):
    initiative: Ref
    framework: LongText
    """What the council fixed beforehand: 'the budget is at most 2.1 million euros;
    the Saturday market keeps its place'."""
    set_at: Moment
    """When the council set it (its decision, or the session it was set in)."""
    document_sha256: Sha256 | None = None
    """The council's document that sets it (a decision, a framework letter)."""


class CorrectCouncilFramework(Command):
    """Correct what was recorded of a framework of the council (its text, when
    the council set it, its document's SHA-256: one or more of them), with the
    reason; the framework as first recorded stays in the record."""

    initiative: Ref
    number: Number
    """Which framework, from 1 (as ``council frameworks`` numbers them)."""
    framework: LongText | None = None
    set_at: Moment | None = None
    document_sha256: Sha256 | None = None
    reason: LongText
    """Why the record was corrected: 'the date of the council's decision'."""

    @model_validator(mode="after")
    def _something_to_correct(self) -> CorrectCouncilFramework:
        if (
            self.framework is None
            and self.set_at is None
            and (self.document_sha256 is None)
        ):
            raise ValueError("give the corrected framework, set_at or document_sha256")
        return self


class RecordCouncilFollowUp(Command):
    initiative: Ref
    informing: Number
    """Which informing of the council it follows up, from 1 (as ``council list``)."""
    summary: LongText
    """What the council did: decided, adopted a motion, asked for more."""
    followed_up_at: Moment
    document_sha256: Sha256 | None = None
    """The council's own document (a decision, minutes), if there is one."""


class AdvancePhase(Command):
    initiative: Ref


class MigrateTemplate(Command):
    initiative: Ref
    template: TemplateRef
    """``NAME@VERSION`` (or ``NAME`` for its newest installed version)."""


class AllocateBudget(Command):
    initiative: Ref
    amount: PositiveEuros
    purpose: ShortText
    decision: Ref


class AddImplementationAction(Command):
    """An action carrying out what was decided, owned by exactly one stakeholder or
    one group, optionally funded by a budget allocation (by its number, from 1)."""

    initiative: Ref
    action: Ref
    title: ShortText
    owner_stakeholder: Ref | None = None
    owner_group: Ref | None = None
    allocation: Number | None = None


class RecordProgress(Command):
    initiative: Ref
    action: Ref
    percent: Annotated[int, BeforeValidator(_a_whole_number), Field(ge=0, le=100)]
    milestone: ShortText | None = None


class ChangeImplementationStatus(Command):
    initiative: Ref
    action: Ref
    status: ImplementationStatus
    reason: LongText | None = None


class CloseInitiative(Command):
    initiative: Ref
    outcome: LongText


class CreatePlan(Command):
    initiative: Ref
    plan: Ref
    title: ShortText
    group: Ref


class ProposeDraft(Command):
    initiative: Ref
    plan: Ref
    text: DraftText
    changes: LongText
    own_initiative: LongText | None = None
    """The changes made of the authority's own accord (*ambtshalve*), apart from
    those that answer reactions; a response report lists them separately."""


class AddReaction(Command):
    """A reaction to a version of a plan; ``stakeholder`` defaults to the actor
    (the facilitator names the stakeholder when recording a letter or meeting).
    ``channel`` defaults to ``meeting`` when a meeting is named, else, for a
    reaction the stakeholder gives themselves, ``online``; one recorded for someone
    else names its channel or meeting."""

    initiative: Ref
    plan: Ref
    version: Number
    stance: Stance
    text: LongText
    channel: Channel | None = None
    stakeholder: Ref | None = None
    section: Section | None = None
    meeting: Number | None = None
    received_at: Moment | None = None
    """When a reaction the facilitator records for someone came in (a letter's
    date of receipt, an e-mail's time): it counts from then, for the reaction
    period and for which version was the latest. Not for one from a meeting, which
    counts from the meeting's start."""
    late: StrictBool = False
    """A letter or e-mail (with ``received_at``) that came in after the reaction
    period closed: recorded as received late, to be listed, instead of refused;
    it needs no answer."""

    @property
    def how(self) -> Channel | None:
        """The channel it came in by, given or implied by a named meeting (None:
        not said; the plan takes it as online from the stakeholder themselves)."""
        if self.channel is not None:
            return self.channel
        return Channel.MEETING if self.meeting is not None else None


Commentable = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        pattern=r"^[A-Z][A-Za-z0-9]*(?:::[A-Z][A-Za-z0-9]*)*:[0-9]{1,18}$",
    ),
]
"""A thing commented on in Decidim, as ``TYPE:ID``: ``Decidim::Meetings::Meeting:905``."""


class _PlatformCommentsImport(BaseModel):
    """What every import of a participation platform's comments is given: which
    version of which plan they react to, the export, and how to record it (not a
    command of its own: each platform's import is one)."""

    initiative: Ref
    plan: Ref
    version: Number
    export: Annotated[str, Field(max_length=200_000_000)]
    """The comments file of the export, as text."""
    neutral: Stance = Stance.SUGGESTION
    """The stance of a comment that is neither in favour nor against (alignment
    0; every comment of a platform that records no alignment)."""
    late: StrictBool = False
    """Record comments posted after the reaction period closed as received late,
    instead of refusing the import."""
    erased_left_out: StrictBool = False
    """The facilitator left the rows of whoever was erased since an earlier import
    out of the export: needed to import new comments into an initiative that
    holds imported reactions (on any of its plans) whose origin, or whose author,
    was erased (those are not recognised)."""
    dry_run: StrictBool = False
    """Say what would be recorded, and record nothing."""


class ImportDecidimComments(_PlatformCommentsImport, Command):
    """Bring the comments of a Decidim open-data export (``…-comments.csv``) into
    the record as online reactions to a version of a plan, each counting from when
    it was posted."""

    on: Annotated[
        list[Commentable], Field(max_length=1000), AfterValidator(_each_once)
    ] = []
    """The things commented on that belong to the plan (and the replies in their
    threads); none: every comment of the export."""


ConsulProposal = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^proposal:[0-9]{1,18}$"),
]
"""A proposal commented on in CONSUL Democracy, as ``proposal:ID``: ``proposal:7``."""


class ImportConsulComments(_PlatformCommentsImport, Command):
    """Bring the comments of a CONSUL Democracy export (``comments.csv``) into the
    record as online reactions to a version of a plan, each counting from when it
    was posted (in Madrid's local time), each taking the ``neutral`` stance."""

    on: Annotated[
        list[ConsulProposal], Field(max_length=1000), AfterValidator(_each_once)
    ] = []
    """The proposals whose comments belong to the plan; none: every comment of
    the export."""
    leave_out_civil_servants: StrictBool = False
    """Leave out the comments of public employees (``userType`` ``Empleados
    públicos``, who join as civil servants): in a phase where society decides
    first they may not react, and would refuse the import. The summary counts
    them among the comments skipped."""


class AdoptChange(Command):
    initiative: Ref
    plan: Ref
    reactions: Reactions
    version: Number
    explanation: LongText
    partly: StrictBool = False
    """The change meets the reactions in part (gedeeltelijk overgenomen); the
    explanation says to what extent."""


class DefendPosition(Command):
    initiative: Ref
    plan: Ref
    reactions: Reactions
    reasoning: LongText


class NoteSupport(Command):
    initiative: Ref
    plan: Ref
    reactions: Reactions


class WithdrawReaction(Command):
    initiative: Ref
    plan: Ref
    reaction: Number


class FinalisePlan(Command):
    initiative: Ref
    plan: Ref


class OpenReactionPeriod(Command):
    """Open a reaction period on a plan: until ``closes_at``, or for ``days`` from
    now; with neither, for the ``reaction_period_days`` of the current phase."""

    initiative: Ref
    plan: Ref
    closes_at: Moment | None = None
    days: (
        Annotated[int, BeforeValidator(_a_whole_number), Field(ge=1, le=3650)] | None
    ) = None

    @model_validator(mode="after")
    def _one_of_closes_at_or_days(self) -> OpenReactionPeriod:
        if self.closes_at is not None and self.days is not None:
            msg = "give closes_at or days, not both"
            raise ValueError(msg)
        return self


class ForgetCommandIds(BaseModel):
    """Which ids of commands to forget: those recorded before a moment. Upkeep of
    the database, not a command of the process: no actor, no event."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    before: Moment
    """Forget the ids of the commands recorded before this moment (with its
    timezone; not in the future)."""


class OptionInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    key: Ref
    label: ShortText


class PutDecisionPoint(Command):
    initiative: Ref
    decision: Ref
    question: ShortText
    options: Annotated[list[OptionInput], Field(min_length=1, max_length=50)]
    eligible: Annotated[
        list[StakeholderKind], Field(min_length=1), AfterValidator(_each_once)
    ]
    rule: DecisionRule
    closes_at: Moment | None = None
    quorum: (
        Annotated[int, BeforeValidator(_a_whole_number), Field(ge=1, le=100)] | None
    ) = None
    """Under a majority or a plurality: the percentage of those who may take part
    who must have taken a position for there to be a decision."""


class TakePosition(Command):
    """A position on an open decision point, taken by the actor; or, with
    ``for``, the position of that stakeholder, recorded by the facilitator when
    it was given another way (a paper form, a letter, a show of hands at a
    meeting), as if given at ``given_at`` (default: now)."""

    model_config = ConfigDict(populate_by_name=True)

    initiative: Ref
    decision: Ref
    option: Ref
    reason: LongText | None = None
    for_: Ref | None = Field(default=None, alias="for")
    """The stakeholder whose position the facilitator records (from Python, as
    ``for`` in a mapping, or ``for_``)."""
    given_at: Moment | None = None
    """When a position the facilitator records for someone was given: it is
    judged as if taken then (late after the closing time, refused before the
    point was put or in the future)."""


class DecideDecisionPoint(Command):
    initiative: Ref
    decision: Ref


class WithdrawDecisionPoint(Command):
    initiative: Ref
    decision: Ref
