"""``samenspraak announcement``, ``intervention``, ``meeting`` and ``council``: how
the process was made known, what the facilitator did in their own role, the meetings
held, the frameworks the council set and what it was told.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import click

from samenspraak.application import commands as c
from samenspraak.application.inputs import parse
from samenspraak.cli.common import (
    OPTION_REFERENCE,
    REFERENCE,
    Context,
    OnceGroup,
    a_file_to_read,
    announcement_table,
    choices_of,
    council_table,
    document_digest,
    done,
    framework_table,
    intervention_table,
    json_option,
    list_section,
    meeting_table,
    pass_context,
)
from samenspraak.domain import clock
from samenspraak.domain.rules import listed
from samenspraak.domain.values import (
    AnnouncementChannel,
    CouncilSession,
    InterventionKind,
    MeetingKind,
)


def _corrected(fields: Sequence[str], names: Mapping[str, str]) -> str:
    """What a correction changed, as the confirmation says it: 'time and
    attendance', 'kind, place and summary' (a thing two fields hold, such as who
    asked for an intervention, is named once)."""
    return listed(list(dict.fromkeys(names[field] for field in fields)))


def _a_number(what: str, listed_by: str) -> Callable[..., int]:
    """The callback reading the number of a meeting, an intervention or an
    informing."""

    def number(_: click.Context, __: click.Parameter, value: str) -> int:
        if not re.fullmatch(r"\s*[0-9]+\s*", value) or int(value) < 1:
            msg = f"{what} number is a whole number from 1, like 2 (see {listed_by})."
            raise click.BadParameter(msg)
        return int(value)

    return number


@click.group(cls=OnceGroup)
def intervention() -> None:
    """Record what the facilitator did in their own role."""


@intervention.command("record")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "--kind",
    type=choices_of(InterventionKind),
    required=True,
    help="Named the general interest, on request, connected people, or mediated.",
)
@click.option("--note", required=True, help="What was done and why, in a few lines.")
@click.option(
    "--requested-by",
    metavar="STAKEHOLDER",
    type=OPTION_REFERENCE,
    help="The stakeholder who asked for it.",
)
@click.option(
    "--group",
    metavar="GROUP",
    type=OPTION_REFERENCE,
    help="The group that asked for it.",
)
@click.option("--when", metavar="TIME", help="When, with timezone (default: now).")
@pass_context
def intervention_record(
    obj: Context,
    initiative_ref: str,
    kind: str,
    note: str,
    requested_by: str | None,
    group: str | None,
    when: str | None,
) -> None:
    """Record an intervention of the facilitator's; prints its number, which
    intervention correct and intervention withdraw name.

    \b
    Example:
      samenspraak --as facilitator intervention record city-centre \\
        --kind general-interest --note "The market must stay reachable."
      samenspraak --as facilitator intervention record city-centre \\
        --kind on-request --group traffic --note "Explained the traffic department."
    """
    number = obj.app(write=True).record_intervention(
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "kind": kind,
            "note": note,
            "requested_by": requested_by,
            "group": group,
            "intervened_at": clock.now() if when is None else when,
        }
    )
    click.echo(number)
    done(f"Recorded intervention {number} of the facilitator in {initiative_ref}.")


INTERVENTION_FIELD_NAMES = {
    "kind": "the kind",
    "intervened_at": "the time",
    "note": "the note",
    "requested_by": "who asked",
    "group": "who asked",
}
"""How the confirmation names what a correction of an intervention changed."""


@intervention.command("correct")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument(
    "number",
    metavar="NUMBER",
    callback=_a_number("an intervention's", "intervention list"),
)
@click.option(
    "--kind",
    type=choices_of(InterventionKind),
    help="The right kind of intervention.",
)
@click.option(
    "--when", metavar="TIME", help="The right time, with timezone, not in the future."
)
@click.option("--note", help="What was done and why, as it should read.")
@click.option(
    "--requested-by",
    metavar="STAKEHOLDER",
    type=OPTION_REFERENCE,
    help="The stakeholder who really asked for it.",
)
@click.option(
    "--group",
    metavar="GROUP",
    type=OPTION_REFERENCE,
    help="The group that really asked for it.",
)
@click.option(
    "--nobody-asked",
    is_flag=True,
    help="No one asked for it: take off whoever is recorded as asking.",
)
@click.option("--reason", required=True, help="Why the record is corrected.")
@pass_context
def intervention_correct(
    obj: Context,
    initiative_ref: str,
    number: int,
    kind: str | None,
    when: str | None,
    note: str | None,
    requested_by: str | None,
    group: str | None,
    nobody_asked: bool,
    reason: str,
) -> None:
    """Correct what was recorded of an intervention (facilitator): its kind, time,
    note or who asked for it, with the reason. The intervention as first recorded
    stays in the record; reports and lists show the corrected one.

    \b
    Example:
      samenspraak --as facilitator intervention correct city-centre 1 \\
        --group traffic --reason "The working group asked, not the bakery"
    """
    given = (kind, when, note, requested_by, group)
    if all(value is None for value in given) and not nobody_asked:
        msg = (
            "Give what to correct: --kind, --when, --note, --requested-by, --group "
            "or --nobody-asked."
        )
        raise click.UsageError(msg)
    if nobody_asked and (requested_by is not None or group is not None):
        msg = "--nobody-asked says no one asked: give it without --requested-by or --group."
        raise click.UsageError(msg)
    command = parse(
        c.CorrectIntervention,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "intervention": number,
            "kind": kind,
            "intervened_at": when,
            "note": note,
            "requested_by": requested_by,
            "group": group,
            "nobody_asked": nobody_asked,
            "reason": reason,
        },
    )
    corrected = obj.app(write=True).correct_intervention(command)
    what = _corrected(corrected, INTERVENTION_FIELD_NAMES)
    done(f"Corrected intervention {command.intervention} of {initiative_ref}: {what}.")


@intervention.command("withdraw")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument(
    "number",
    metavar="NUMBER",
    callback=_a_number("an intervention's", "intervention list"),
)
@click.option("--reason", required=True, help="Why it was recorded by mistake.")
@pass_context
def intervention_withdraw(
    obj: Context, initiative_ref: str, number: int, reason: str
) -> None:
    """Withdraw an intervention recorded by mistake (facilitator): the same
    intervention recorded twice, or one that was not made. It stays in the
    record and keeps its number (the others keep theirs); lists and reports show
    it withdrawn, and it no longer counts among what the facilitator did.

    \b
    Example:
      samenspraak --as facilitator intervention withdraw city-centre 2 \\
        --reason "The same conversation with the bakery was recorded twice"
    """
    command = parse(
        c.WithdrawIntervention,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "intervention": number,
            "reason": reason,
        },
    )
    obj.app(write=True).withdraw_intervention(command)
    done(
        f"Withdrew intervention {command.intervention} of {initiative_ref}; the "
        "other interventions keep their numbers."
    )


@intervention.command("list")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def intervention_list(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List what the facilitator did in their own role; one withdrawn as
    recorded by mistake is marked so, with when and why below the table.

    \b
    Example:
      samenspraak intervention list city-centre
    """
    list_section(obj, initiative_ref, "interventions", as_json, intervention_table)


@click.group(cls=OnceGroup)
def announcement() -> None:
    """Record how a process was announced and who was invited."""


@announcement.command("record")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "--channel",
    type=choices_of(AnnouncementChannel),
    required=True,
    help="How it was made known.",
)
@click.option(
    "--audience", required=True, help="Who was reached or invited, in a phrase."
)
@click.option("--when", metavar="TIME", help="When, with timezone (default: now).")
@click.option("--reach", metavar="N", help="How many it reached, if known.")
@pass_context
def announcement_record(
    obj: Context,
    initiative_ref: str,
    channel: str,
    audience: str,
    when: str | None,
    reach: str | None,
) -> None:
    """Record an announcement or invitation (facilitator); prints its number,
    which announcement correct and announcement withdraw name.

    \b
    Example:
      samenspraak --as facilitator announcement record city-centre \\
        --channel letter --audience "Every household within the canals" --reach 4200
    """
    number = obj.app(write=True).announce(
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "channel": channel,
            "audience": audience,
            "announced_at": clock.now() if when is None else when,
            "reach": reach,
        }
    )
    click.echo(number)
    done(f"Recorded announcement {number} of {initiative_ref}.")


ANNOUNCEMENT_FIELD_NAMES = {
    "channel": "the channel",
    "audience": "the audience",
    "announced_at": "the time",
    "reach": "the reach",
}
"""How the confirmation names what a correction of an announcement changed."""


@announcement.command("correct")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument(
    "number",
    metavar="NUMBER",
    callback=_a_number("an announcement's", "announcement list"),
)
@click.option(
    "--channel",
    type=choices_of(AnnouncementChannel),
    help="How it was really made known.",
)
@click.option("--audience", help="Who was really reached or invited, in a phrase.")
@click.option(
    "--when", metavar="TIME", help="The right time, with timezone, not in the future."
)
@click.option("--reach", metavar="N", help="How many it really reached.")
@click.option(
    "--reach-unknown",
    is_flag=True,
    help="How many it reached is not known: take off the reach recorded.",
)
@click.option("--reason", required=True, help="Why the record is corrected.")
@pass_context
def announcement_correct(
    obj: Context,
    initiative_ref: str,
    number: int,
    channel: str | None,
    audience: str | None,
    when: str | None,
    reach: str | None,
    reach_unknown: bool,
    reason: str,
) -> None:
    """Correct what was recorded of an announcement (facilitator): its channel,
    audience, time or reach, with the reason. The announcement as first recorded
    stays in the record; reports and lists show the corrected one.

    \b
    Example:
      samenspraak --as facilitator announcement correct city-centre 1 \\
        --reach 4150 --reason "50 letters came back undelivered"
    """
    if all(v is None for v in (channel, audience, when, reach)) and not reach_unknown:
        msg = (
            "Give what to correct: --channel, --audience, --when, --reach or "
            "--reach-unknown."
        )
        raise click.UsageError(msg)
    if reach_unknown and reach is not None:
        msg = "--reach-unknown says the reach is not known: give it without --reach."
        raise click.UsageError(msg)
    command = parse(
        c.CorrectAnnouncement,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "announcement": number,
            "channel": channel,
            "audience": audience,
            "announced_at": when,
            "reach": reach,
            "reach_unknown": reach_unknown,
            "reason": reason,
        },
    )
    corrected = obj.app(write=True).correct_announcement(command)
    what = _corrected(corrected, ANNOUNCEMENT_FIELD_NAMES)
    done(f"Corrected announcement {command.announcement} of {initiative_ref}: {what}.")


@announcement.command("withdraw")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument(
    "number",
    metavar="NUMBER",
    callback=_a_number("an announcement's", "announcement list"),
)
@click.option("--reason", required=True, help="Why it was recorded by mistake.")
@pass_context
def announcement_withdraw(
    obj: Context, initiative_ref: str, number: int, reason: str
) -> None:
    """Withdraw an announcement recorded by mistake (facilitator): the same
    announcement recorded twice, or one that was not made. It stays in the
    record and keeps its number (the others keep theirs); lists and reports show
    it withdrawn, and it no longer counts among how the process was announced.

    \b
    Example:
      samenspraak --as facilitator announcement withdraw city-centre 2 \\
        --reason "The letter to every household was recorded twice"
    """
    command = parse(
        c.WithdrawAnnouncement,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "announcement": number,
            "reason": reason,
        },
    )
    obj.app(write=True).withdraw_announcement(command)
    done(
        f"Withdrew announcement {command.announcement} of {initiative_ref}; the "
        "other announcements keep their numbers."
    )


@announcement.command("list")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def announcement_list(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List how the process was announced and who was invited; one withdrawn as
    recorded by mistake is marked so, with when and why below the table.

    \b
    Example:
      samenspraak announcement list city-centre
    """
    list_section(obj, initiative_ref, "announcements", as_json, announcement_table)


@click.group(cls=OnceGroup)
def meeting() -> None:
    """Record the meetings held (evenings and weekends included)."""


@meeting.command("hold")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "--start",
    metavar="TIME",
    required=True,
    help="Start with timezone, like 2026-04-09T19:30+02:00.",
)
@click.option(
    "--kind", type=choices_of(MeetingKind), required=True, help="Kind of meeting."
)
@click.option("--place", required=True, help="Where it was held.")
@click.option("--attendance", metavar="N", required=True, help="How many people came.")
@click.option("--summary", required=True, help="What was discussed.")
@pass_context
def meeting_hold(
    obj: Context,
    initiative_ref: str,
    start: str,
    kind: str,
    place: str,
    attendance: str,
    summary: str,
) -> None:
    """Record a meeting that was held (facilitator); prints its number, which
    plan react --meeting, meeting correct and meeting withdraw name.

    \b
    Example:
      samenspraak --as facilitator meeting hold city-centre \\
        --start 2026-04-09T19:30+02:00 --kind residents-meeting \\
        --place "Community centre" --attendance 64 --summary "Traffic plan evening"
    """
    number = obj.app(write=True).hold_meeting(
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "starts_at": start,
            "kind": kind,
            "place": place,
            "attendance": attendance,
            "summary": summary,
        }
    )
    click.echo(number)
    done(f"Recorded meeting {number} of {initiative_ref}.")


FIELD_NAMES = {
    "starts_at": "time",
    "kind": "kind",
    "place": "place",
    "attendance": "attendance",
    "summary": "summary",
}
"""How the confirmation names what a correction of a meeting changed."""

INFORMING_FIELD_NAMES = {
    "document_title": "document's title",
    "document_sha256": "document's SHA-256",
    "session": "session",
    "informed_at": "time",
}
"""How the confirmation names what a correction of an informing changed."""

FRAMEWORK_FIELD_NAMES = {
    "framework": "text",
    "set_at": "date",
    "document_sha256": "document's SHA-256",
}
"""How the confirmation names what a correction of a framework changed."""


_a_meeting_number = _a_number("a meeting's", "meeting list")


@meeting.command("correct")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("number", metavar="NUMBER", callback=_a_meeting_number)
@click.option(
    "--start",
    "--starts-at",
    "start",
    metavar="TIME",
    help="The right start with timezone, like 2026-04-09T19:30+02:00.",
)
@click.option("--kind", type=choices_of(MeetingKind), help="The right kind of meeting.")
@click.option("--place", help="Where it was really held.")
@click.option("--attendance", metavar="N", help="How many people really came.")
@click.option("--summary", help="What was discussed, as it should read.")
@click.option("--reason", required=True, help="Why the record is corrected.")
@pass_context
def meeting_correct(
    obj: Context,
    initiative_ref: str,
    number: int,
    start: str | None,
    kind: str | None,
    place: str | None,
    attendance: str | None,
    summary: str | None,
    reason: str,
) -> None:
    """Correct what was recorded of a meeting (facilitator): its start, kind,
    place, attendance or summary, with the reason. The meeting as first recorded
    stays in the record; reports and lists show the corrected one.

    \b
    Example:
      samenspraak --as facilitator meeting correct city-centre 2 \\
        --start 2026-04-09T20:00+02:00 --attendance 46 \\
        --reason "The sign-in list says 46 people, from eight o'clock"
    """
    if all(given is None for given in (start, kind, place, attendance, summary)):
        msg = (
            "Give what to correct: --start, --kind, --place, --attendance or --summary."
        )
        raise click.UsageError(msg)
    command = parse(
        c.CorrectMeeting,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "meeting": number,
            "starts_at": start,
            "kind": kind,
            "place": place,
            "attendance": attendance,
            "summary": summary,
            "reason": reason,
        },
    )
    corrected = obj.app(write=True).correct_meeting(command)
    what = _corrected(corrected, FIELD_NAMES)
    done(f"Corrected meeting {command.meeting} of {initiative_ref}: its {what}.")


@meeting.command("withdraw")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("number", metavar="NUMBER", callback=_a_meeting_number)
@click.option("--reason", required=True, help="Why it was recorded by mistake.")
@pass_context
def meeting_withdraw(
    obj: Context, initiative_ref: str, number: int, reason: str
) -> None:
    """Withdraw a meeting recorded by mistake (facilitator): the same meeting
    recorded twice, or one that never took place. It stays in the record and
    keeps its number (the others keep theirs); lists and reports show it
    withdrawn, and it no longer counts among the meetings held. One that
    reactions were recorded from took place, and is not withdrawn.

    \b
    Example:
      samenspraak --as facilitator meeting withdraw city-centre 1 \\
        --reason "The steering group evening was called off; no one met"
    """
    command = parse(
        c.WithdrawMeeting,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "meeting": number,
            "reason": reason,
        },
    )
    obj.app(write=True).withdraw_meeting(command)
    done(
        f"Withdrew meeting {command.meeting} of {initiative_ref}; the other "
        "meetings keep their numbers."
    )


@meeting.command("list")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def meeting_list(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List the meetings held, with an evening/weekend flag; one withdrawn as
    recorded by mistake is marked so, with when and why below the table.

    \b
    Example:
      samenspraak meeting list city-centre
    """
    list_section(obj, initiative_ref, "meetings", as_json, meeting_table)


@click.group(cls=OnceGroup)
def council() -> None:
    """Record the frameworks the municipal council set, and what it was told."""


@council.command("inform")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option("--title", required=True, help="The document's title.")
@click.option(
    "--document",
    metavar="FILE",
    type=click.Path(path_type=Path),
    callback=a_file_to_read,
    help="The document sent; its SHA-256 is recorded.",
)
@click.option(
    "--sha256",
    metavar="HEX",
    help="The document's SHA-256, if the file is not at hand.",
)
@click.option(
    "--session", type=choices_of(CouncilSession), required=True, help="Kind of session."
)
@click.option("--when", metavar="TIME", help="When, with timezone (default: now).")
@pass_context
def council_inform(
    obj: Context,
    initiative_ref: str,
    title: str,
    document: Path | None,
    sha256: str | None,
    session: str,
    when: str | None,
) -> None:
    """Record that the council was informed with a document (facilitator); prints
    the informing's number, which council follow-up, council correct and council
    withdraw name.

    \b
    Example:
      samenspraak --as facilitator council inform city-centre \\
        --title "Vision for the city centre" --document vision.pdf --session informal
    """
    digest = document_digest(document, sha256, required=True)
    command = parse(
        c.InformCouncil,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "document_title": title,
            "document_sha256": digest,
            "session": session,
            "informed_at": clock.now() if when is None else when,
        },
    )
    number = obj.app(write=True).inform_council(command)
    click.echo(number)
    done(
        f"Recorded informing {number} of the council in {command.initiative} "
        f"({session}), document sha256 {command.document_sha256}."
    )


@council.command("correct")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument(
    "number", metavar="NUMBER", callback=_a_number("an informing's", "council list")
)
@click.option("--title", help="The document's right title.")
@click.option(
    "--document",
    metavar="FILE",
    type=click.Path(path_type=Path),
    callback=a_file_to_read,
    help="The document that was really sent; its SHA-256 is recorded.",
)
@click.option(
    "--sha256",
    metavar="HEX",
    help="The document's right SHA-256, if the file is not at hand.",
)
@click.option(
    "--session", type=choices_of(CouncilSession), help="The right kind of session."
)
@click.option("--when", metavar="TIME", help="The right time, with timezone.")
@click.option("--reason", required=True, help="Why the record is corrected.")
@pass_context
def council_correct(
    obj: Context,
    initiative_ref: str,
    number: int,
    title: str | None,
    document: Path | None,
    sha256: str | None,
    session: str | None,
    when: str | None,
    reason: str,
) -> None:
    """Correct what was recorded of informing the council (facilitator): the
    document's title or SHA-256, the session or the time, with the reason. The
    informing as first recorded stays in the record, with the audit head it
    recorded; reports and lists show the corrected one.

    \b
    Example:
      samenspraak --as facilitator council correct city-centre 2 \\
        --session letter --when 2026-06-03T16:00+02:00 \\
        --reason "It went by council information letter the day before"
    """
    if all(given is None for given in (title, document, sha256, session, when)):
        msg = (
            "Give what to correct: --title, --document or --sha256, --session or "
            "--when."
        )
        raise click.UsageError(msg)
    digest = document_digest(document, sha256, required=False)
    command = parse(
        c.CorrectCouncilInforming,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "informing": number,
            "document_title": title,
            "document_sha256": digest,
            "session": session,
            "informed_at": when,
            "reason": reason,
        },
    )
    corrected = obj.app(write=True).correct_council_informing(command)
    what = _corrected(corrected, INFORMING_FIELD_NAMES)
    done(
        f"Corrected informing {command.informing} of the council in "
        f"{initiative_ref}: its {what}."
    )


@council.command("withdraw")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument(
    "number", metavar="NUMBER", callback=_a_number("an informing's", "council list")
)
@click.option("--reason", required=True, help="Why it was recorded by mistake.")
@pass_context
def council_withdraw(
    obj: Context, initiative_ref: str, number: int, reason: str
) -> None:
    """Withdraw an informing of the council recorded by mistake (facilitator): one
    recorded in the wrong initiative, or that never happened. It stays in the
    record with the audit head it recorded, and keeps its number (the others keep
    theirs); lists and reports show it withdrawn, and it no longer counts as
    informing the council. One the council followed up is not withdrawn.

    \b
    Example:
      samenspraak --as facilitator council withdraw city-centre 1 \\
        --reason "The informal session was called off; the vision was not shown"
    """
    command = parse(
        c.WithdrawCouncilInforming,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "informing": number,
            "reason": reason,
        },
    )
    obj.app(write=True).withdraw_council_informing(command)
    done(
        f"Withdrew informing {command.informing} of the council in "
        f"{initiative_ref}; the other informings keep their numbers."
    )


@council.command("follow-up")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "--informing",
    metavar="N",
    required=True,
    help="Which informing it follows up, from 1 (as council list numbers them).",
)
@click.option("--summary", required=True, help="What the council did.")
@click.option(
    "--document",
    metavar="FILE",
    type=click.Path(path_type=Path),
    callback=a_file_to_read,
    help="The council's own document (a decision, minutes); its SHA-256 is kept.",
)
@click.option(
    "--sha256",
    metavar="HEX",
    help="That document's SHA-256, if the file is not at hand.",
)
@click.option("--when", metavar="TIME", help="When, with timezone (default: now).")
@pass_context
def council_follow_up(
    obj: Context,
    initiative_ref: str,
    informing: str,
    summary: str,
    document: Path | None,
    sha256: str | None,
    when: str | None,
) -> None:
    """Record what the council did with what it was told (facilitator; also after
    the initiative closed).

    \b
    Example:
      samenspraak --as facilitator council follow-up city-centre --informing 1 \\
        --summary "The council adopted the vision unchanged."
    """
    digest = document_digest(document, sha256, required=False)
    command = parse(
        c.RecordCouncilFollowUp,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "informing": informing,
            "summary": summary,
            "followed_up_at": clock.now() if when is None else when,
            "document_sha256": digest,
        },
    )
    obj.app(write=True).record_council_follow_up(command)
    done(f"Recorded the council's follow-up of informing {command.informing}.")


@council.command("withdraw-follow-up")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "--informing",
    metavar="N",
    required=True,
    help="Which informing it follows up, from 1 (as council list numbers them).",
)
@click.option(
    "--follow-up",
    "follow_up",
    metavar="K",
    help="Which of its follow-ups, from 1 in the order recorded (as council list "
    "numbers them); needed only when it has more than one.",
)
@click.option("--reason", required=True, help="Why it was recorded by mistake.")
@pass_context
def council_withdraw_follow_up(
    obj: Context,
    initiative_ref: str,
    informing: str,
    follow_up: str | None,
    reason: str,
) -> None:
    """Withdraw a follow-up of the council recorded by mistake (facilitator; also
    after the initiative closed): one recorded against the wrong informing, or
    that the council never gave. It stays in the record and keeps its number (the
    others keep theirs); lists and reports show it withdrawn, when and why, and it
    no longer keeps its informing from being withdrawn.

    \b
    Example:
      samenspraak --as facilitator council withdraw-follow-up city-centre \\
        --informing 2 --reason "Recorded against the wrong letter of the council"
    """
    command = parse(
        c.WithdrawCouncilFollowUp,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "informing": informing,
            **({"follow_up": follow_up} if follow_up is not None else {}),
            "reason": reason,
        },
    )
    number = obj.app(write=True).withdraw_council_follow_up(command)
    done(
        f"Withdrew follow-up {number} of informing {command.informing} of the "
        f"council in {initiative_ref}; the other follow-ups keep their numbers."
    )


@council.command("framework")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "--text", required=True, help="What the council fixed beforehand (the kader)."
)
@click.option(
    "--when",
    metavar="TIME",
    required=True,
    help="When the council set it, with timezone.",
)
@click.option(
    "--document",
    metavar="FILE",
    type=click.Path(path_type=Path),
    callback=a_file_to_read,
    help="The council's document that sets it; its SHA-256 is kept.",
)
@click.option(
    "--sha256",
    metavar="HEX",
    help="That document's SHA-256, if the file is not at hand.",
)
@pass_context
def council_framework(
    obj: Context,
    initiative_ref: str,
    text: str,
    when: str,
    document: Path | None,
    sha256: str | None,
) -> None:
    """Record a framework (kader) the council set for the process: what is fixed
    beforehand and not up for discussion (facilitator); prints its number.

    \b
    Example:
      samenspraak --as facilitator council framework city-centre \\
        --text "At most EUR 2.1 million; the Saturday market keeps its place." \\
        --when 2026-01-15T20:00+01:00
    """
    digest = document_digest(document, sha256, required=False)
    command = parse(
        c.RecordCouncilFramework,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "framework": text,
            "set_at": when,
            "document_sha256": digest,
        },
    )
    number = obj.app(write=True).record_council_framework(command)
    click.echo(number)
    done(f"Recorded framework {number} of the council for {initiative_ref}.")


@council.command("correct-framework")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument(
    "number",
    metavar="NUMBER",
    callback=_a_number("a framework's", "council frameworks"),
)
@click.option("--text", help="What the council really fixed.")
@click.option(
    "--when", metavar="TIME", help="When the council really set it, with timezone."
)
@click.option(
    "--document",
    metavar="FILE",
    type=click.Path(path_type=Path),
    callback=a_file_to_read,
    help="The council's document that really sets it; its SHA-256 is recorded.",
)
@click.option(
    "--sha256",
    metavar="HEX",
    help="That document's SHA-256, if the file is not at hand.",
)
@click.option("--reason", required=True, help="Why the record is corrected.")
@pass_context
def council_correct_framework(
    obj: Context,
    initiative_ref: str,
    number: int,
    text: str | None,
    when: str | None,
    document: Path | None,
    sha256: str | None,
    reason: str,
) -> None:
    """Correct what was recorded of a framework of the council (facilitator; also
    after the initiative closed): its text, when the council set it or its
    document's SHA-256, with the reason. The framework as first recorded stays in
    the record; reports and lists show the corrected one.

    \b
    Example:
      samenspraak --as facilitator council correct-framework city-centre 1 \\
        --when 2026-01-22T20:00+01:00 --reason "The council decided a week later"
    """
    if all(given is None for given in (text, when, document, sha256)):
        msg = "Give what to correct: --text, --when, or --document or --sha256."
        raise click.UsageError(msg)
    digest = document_digest(document, sha256, required=False)
    command = parse(
        c.CorrectCouncilFramework,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "number": number,
            "framework": text,
            "set_at": when,
            "document_sha256": digest,
            "reason": reason,
        },
    )
    corrected = obj.app(write=True).correct_council_framework(command)
    what = _corrected(corrected, FRAMEWORK_FIELD_NAMES)
    done(
        f"Corrected framework {command.number} of the council in {initiative_ref}: "
        f"its {what}."
    )


@council.command("frameworks")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def council_frameworks(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List the frameworks the council set for the process, with each document's
    SHA-256.

    \b
    Example:
      samenspraak council frameworks city-centre
    """
    list_section(
        obj,
        initiative_ref,
        "frameworks",
        as_json,
        lambda items: framework_table(items, whole_hashes=True),
    )


@council.command("list")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def council_list(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List what the council was told, with each document's SHA-256.

    \b
    Example:
      samenspraak council list city-centre
    """
    list_section(
        obj,
        initiative_ref,
        "council",
        as_json,
        lambda items: council_table(items, whole_hashes=True),
    )
