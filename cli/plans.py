"""``samenspraak plan``: drafts, reactions, answers, reaction periods and the
response report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from samenspraak.application import commands as c
from samenspraak.application.errors import InvalidInput
from samenspraak.application.inputs import parse
from samenspraak.cli.common import (
    ERASED,
    OPTION_REFERENCE,
    REFERENCE,
    Context,
    OnceGroup,
    OneLineChoice,
    WholeNumber,
    a_file_to_read,
    answer_text,
    as_of_option,
    choices_of,
    done,
    json_option,
    list_section,
    output_option,
    pass_context,
    plan_table,
    reactions_option,
    read_text,
    say_as_of,
    write_file,
)
from samenspraak.cli.render import continued, emit_json, json_text, section, table
from samenspraak.domain import clock
from samenspraak.domain.clock import on_dutch_clocks
from samenspraak.domain.rules import counted, numbered
from samenspraak.domain.values import (
    Channel,
    Stance,
)


@click.group(cls=OnceGroup)
def plan() -> None:
    """Plans (a vision, a traffic plan): drafts, reactions and their answers."""


@plan.command("create")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@click.option("--title", required=True, help="The plan's title.")
@click.option(
    "--group",
    "group_ref",
    type=OPTION_REFERENCE,
    metavar="GROUP",
    required=True,
    help="The group that owns it.",
)
@pass_context
def plan_create(
    obj: Context, initiative_ref: str, plan_ref: str, title: str, group_ref: str
) -> None:
    """Create a plan owned by a group.

    \b
    Example:
      samenspraak --as facilitator plan create city-centre traffic-plan \\
        --title "Traffic plan" --group traffic
    """
    obj.app(write=True).create_plan(
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "plan": plan_ref,
            "title": title,
            "group": group_ref,
        }
    )
    done(f"Created the plan {plan_ref}.")


@plan.command("propose")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@click.option("--text", help="The draft's text.")
@click.option(
    "--text-file",
    metavar="FILE",
    type=click.Path(path_type=Path),
    callback=a_file_to_read,
    help="Read the draft's text from a file.",
)
@click.option("--changes", required=True, help="What changed, and why.")
@click.option(
    "--own-initiative",
    metavar="TEXT",
    help="The changes made of the municipality's own accord (ambtshalve), apart "
    "from those that answer reactions.",
)
@pass_context
def plan_propose(
    obj: Context,
    initiative_ref: str,
    plan_ref: str,
    text: str | None,
    text_file: Path | None,
    changes: str,
    own_initiative: str | None,
) -> None:
    """Propose the next draft version of a plan; prints its number.

    \b
    Example:
      samenspraak --as resident-kerkstraat plan propose city-centre traffic-plan \\
        --text-file traffic-plan-v2.txt --changes "A modal filter for the Havenkwartier"
    """
    body = read_text(text, text_file, "text")
    if body is None:
        msg = "Give the draft with --text or --text-file."
        raise click.UsageError(msg)
    try:
        version = obj.app(write=True).propose_draft(
            {
                **obj.giving(),
                "initiative": initiative_ref,
                "plan": plan_ref,
                "text": body,
                "changes": changes,
                "own_initiative": own_initiative,
            }
        )
    except InvalidInput as error:
        field, _, problem = str(error).partition(": ")
        if text_file is None or field != "text":
            raise
        raise InvalidInput(f"text_file: {problem}") from None  # the file at fault
    click.echo(version)
    done(f"Proposed version {version} of {plan_ref}.")


@plan.command("react")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@click.option(
    "--version", "version", metavar="N", required=True, help="The version reacted to."
)
@click.option(
    "--stance", type=choices_of(Stance), required=True, help="The reaction's stance."
)
@click.option("--text", required=True, help="The reaction.")
@click.option(
    "--channel",
    type=choices_of(Channel),
    default=None,
    help=(
        "How it came in (default: meeting with --meeting, else online; "
        "needed with --for unless --meeting is given)."
    ),
)
@click.option(
    "--for",
    "for_ref",
    type=OPTION_REFERENCE,
    metavar="REF",
    help="Record it for this stakeholder.",
)
@click.option("--section", help="The section of the plan it concerns.")
@click.option(
    "--meeting",
    "meeting_number",
    metavar="N",
    help="The number of the meeting it was given at.",
)
@click.option(
    "--received",
    metavar="TIME",
    help="With --for, when a letter or e-mail came in, with timezone: it counts "
    "from then.",
)
@click.option(
    "--late",
    is_flag=True,
    help="With --received: it came in after the reaction period closed; record it "
    "as received late (it needs no answer) instead of having it refused.",
)
@pass_context
def plan_react(
    obj: Context,
    initiative_ref: str,
    plan_ref: str,
    version: str,
    stance: str,
    text: str,
    channel: str | None,
    for_ref: str | None,
    section: str | None,
    meeting_number: str | None,
    received: str | None,
    late: bool,
) -> None:
    """React to a version of a plan; prints the reaction's number.

    The facilitator records reactions given at a meeting or by letter with --for;
    one by letter or e-mail counts from when it came in (--received), so that a
    letter that came in on time is on time, whenever it is recorded. One that
    came in after the reaction period closed is recorded with --late as received
    late: listed in the response report, needing no answer.

    \b
    Example:
      samenspraak --as bakery plan react city-centre traffic-plan --version 1 \\
        --stance concern --section deliveries --text "Deliveries start too early"
    """
    number = obj.app(write=True).react_to_plan(
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "plan": plan_ref,
            "version": version,
            "stance": stance,
            "text": text,
            "channel": channel,
            "stakeholder": for_ref,
            "section": section,
            "meeting": meeting_number,
            "received_at": received,
            "late": late,
        }
    )
    click.echo(number)
    done(
        f"Recorded reaction {number} on {plan_ref}"
        + (", received late (it needs no answer)." if late else ".")
    )


@plan.command("adopt")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@reactions_option
@click.option(
    "--version",
    "version",
    metavar="N",
    required=True,
    help="The version that carries the change.",
)
@click.option("--explanation", required=True, help="What was changed, and how.")
@click.option(
    "--partly",
    is_flag=True,
    help="The change meets the reactions in part; say to what extent.",
)
@pass_context
def plan_adopt(
    obj: Context,
    initiative_ref: str,
    plan_ref: str,
    reactions: Sequence[str],
    version: str,
    explanation: str,
    partly: bool,
) -> None:
    """Answer reactions with a change adopted (in whole or, with --partly, in part)
    in a later version.

    \b
    Example:
      samenspraak --as resident-kerkstraat plan adopt city-centre traffic-plan \\
        --reaction 1 --reaction 3 --version 2 --explanation "A modal filter"
    """
    command = parse(
        c.AdoptChange,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "plan": plan_ref,
            "reactions": list(reactions),
            "version": version,
            "explanation": explanation,
            "partly": partly,
        },
    )
    obj.app(write=True).adopt_change(command)
    done(
        f"{'Partly adopted' if partly else 'Adopted'} in version {command.version}: "
        f"{numbered(command.reactions, 'reaction', 'reactions')}."
    )


@plan.command("defend")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@reactions_option
@click.option("--reasoning", required=True, help="Why the plan stays as it is.")
@pass_context
def plan_defend(
    obj: Context,
    initiative_ref: str,
    plan_ref: str,
    reactions: Sequence[str],
    reasoning: str,
) -> None:
    """Answer reactions by defending the plan's position, with reasoning.

    \b
    Example:
      samenspraak --as bakery plan defend city-centre traffic-plan \\
        --reaction 2 --reasoning "Later deliveries clash with the market"
    """
    command = parse(
        c.DefendPosition,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "plan": plan_ref,
            "reactions": list(reactions),
            "reasoning": reasoning,
        },
    )
    obj.app(write=True).defend_position(command)
    done(f"Position defended: {numbered(command.reactions, 'reaction', 'reactions')}.")


@plan.command("note")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@reactions_option
@pass_context
def plan_note(
    obj: Context, initiative_ref: str, plan_ref: str, reactions: Sequence[str]
) -> None:
    """Note reactions of support: acknowledged, nothing to change.

    \b
    Example:
      samenspraak --as resident-kerkstraat plan note city-centre traffic-plan --reaction 5
    """
    command = parse(
        c.NoteSupport,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "plan": plan_ref,
            "reactions": list(reactions),
        },
    )
    obj.app(write=True).note_support(command)
    done(f"Support noted: {numbered(command.reactions, 'reaction', 'reactions')}.")


@plan.command("withdraw")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@click.option(
    "--reaction", "reaction", metavar="N", required=True, help="The reaction withdrawn."
)
@pass_context
def plan_withdraw(
    obj: Context, initiative_ref: str, plan_ref: str, reaction: str
) -> None:
    """Withdraw a reaction (its author, or the facilitator for them).

    \b
    Example:
      samenspraak --as bakery plan withdraw city-centre traffic-plan --reaction 2
    """
    command = parse(
        c.WithdrawReaction,
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "plan": plan_ref,
            "reaction": reaction,
        },
    )
    obj.app(write=True).withdraw_reaction(command)
    done(f"Withdrew reaction {command.reaction} on {plan_ref}.")


@plan.command("finalise")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@pass_context
def plan_finalise(obj: Context, initiative_ref: str, plan_ref: str) -> None:
    """Finalise a plan: only when every reaction has its answer.

    \b
    Example:
      samenspraak --as facilitator plan finalise city-centre traffic-plan
    """
    version = obj.app(write=True).finalise_plan(
        {**obj.giving(), "initiative": initiative_ref, "plan": plan_ref}
    )
    done(f"Finalised {plan_ref} in version {version}.")


@plan.command("show")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@as_of_option
@click.option(
    "--full",
    is_flag=True,
    help="Also print each version's text and each reaction and answer in full.",
)
@json_option
@pass_context
def plan_show(
    obj: Context,
    initiative_ref: str,
    plan_ref: str,
    as_of: str | None,
    full: bool,
    as_json: bool,
) -> None:
    """Show a plan's versions and every reaction with its answer.

    The tables shorten long texts; --full prints them whole after the tables.

    \b
    Example:
      samenspraak plan show city-centre traffic-plan
      samenspraak plan show city-centre traffic-plan --full
      samenspraak plan show city-centre traffic-plan --as-of 2026-04-15T12:00+02:00
    """
    p = obj.app(write=False).plan_details(initiative_ref, plan_ref, as_of=as_of)
    if as_json:
        emit_json(p)
        return
    say_as_of(as_of)
    final = f"final: version {p.final_version}" if p.final_version else "not final"
    if p.reactions_until is not None:
        still = p.reactions_until >= (p.as_of or clock.now())
        final += (
            "; open for reactions until " if still else "; reactions closed at "
        ) + on_dutch_clocks(p.reactions_until)
    click.echo(f"{p.plan}: {_whole(p.title)}  (group {p.group}; {final})")
    click.echo(section("Versions"))
    click.echo(
        table(
            ["version", "proposed by", "changes"],
            [[ver.number, ver.proposed_by, ver.changes] for ver in p.versions],
        )
    )
    click.echo(section("Reactions"))
    click.echo(
        table(
            ["#", "by", "on", "stance", "channel", "answer", "reaction"],
            [
                [
                    r.number,
                    r.stakeholder,
                    f"v{r.version}",
                    r.stance,
                    r.channel,
                    answer_text(r),
                    _whole(r.text),
                ]
                for r in p.reactions
            ],
        )
    )
    if p.unanswered:
        click.echo(f"\nUnanswered: {', '.join(map(str, p.unanswered))}")
    if full and (p.versions or p.reactions):  # the tables said (none) already
        click.echo(in_full(p))


def in_full(p: Any) -> str:
    """Every version's text and every reaction with its answer, whole."""
    out = [section("Versions in full").rstrip("\n")] if p.versions else []
    for ver in p.versions:
        out += [
            "",
            f"Version {ver.number}, proposed by {ver.proposed_by}",
            *continued("  Changes: ", _whole(ver.changes)),
            *(
                continued("  Own initiative: ", _whole(ver.own_initiative))
                if ver.own_initiative is not None
                else []
            ),
            *_indented(ver.text),
        ]
    if p.reactions:
        out.append(section("Reactions in full").rstrip("\n"))
    for r in p.reactions:
        if r.meeting is not None and r.channel == "meeting":
            channel = f"meeting {r.meeting}"
        elif r.meeting is not None:
            channel = f"{r.channel}, from meeting {r.meeting}"
        else:
            channel = r.channel
        section_of = [f"section {r.section}"] if r.section else []
        where = ", ".join([r.stance, channel, *section_of])
        out += ["", f"Reaction {r.number} by {r.stakeholder} on v{r.version} ({where})"]
        out += _indented(r.text)
        if r.late:  # it needs no answer, but may have one
            needs = r.answer is None and not r.withdrawn
            out.append(
                "  Received late, after the reaction period"
                + (": it needs no answer." if needs else ".")
            )
        if r.withdrawn:
            out.append("  Withdrawn.")
        elif r.answer is None:
            if not r.late:
                out.append("  Answer: none yet (UNANSWERED).")
        elif r.answer.kind == "noted":
            out.append(f"  Answer: support noted, by {r.answer.by}.")
        else:
            why = _whole(r.answer.text)
            out += continued(
                f"  Answer: {answer_text(r, say_late=False)}, by {r.answer.by}: ", why
            )
    return "\n".join(out)


def _whole(text: str | None) -> str:
    return ERASED if text is None else text


def _indented(text: str | None) -> list[str]:
    return [f"  {line}" if line else "" for line in _whole(text).splitlines()]


@plan.command("list")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def plan_list(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List an initiative's plans with their versions and open reactions.

    \b
    Example:
      samenspraak plan list city-centre
    """
    list_section(obj, initiative_ref, "plans", as_json, plan_table)


@plan.command("responses")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="[PLAN]", type=REFERENCE, required=False)
@click.option(
    "--format",
    "fmt",
    type=OneLineChoice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="A table to read, CSV for a spreadsheet (whole texts), or JSON.",
)
@output_option("it")
@pass_context
def plan_responses(
    obj: Context,
    initiative_ref: str,
    plan_ref: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """The response report (reactienota): every reaction and what was done with it.

    For all plans of the initiative, or one. Texts that were erased show as
    erased; names never appear, only references.

    \b
    Example:
      samenspraak plan responses city-centre traffic-plan
      samenspraak plan responses city-centre --format csv -o reactienota.csv
    """
    entries = obj.app(write=False).response_report(initiative_ref, plan=plan_ref)
    if fmt == "json":
        text = json_text(entries) + "\n"
    elif fmt == "csv":
        text = responses_csv(entries)
    else:
        text = (
            table(
                [
                    "plan",
                    "#",
                    "v",
                    "stakeholder",
                    "stance",
                    "channel",
                    "given",
                    "answer",
                    "text",
                ],
                [
                    [
                        e.plan,
                        e.reaction,
                        e.version,
                        e.stakeholder,
                        e.stance,
                        e.channel,
                        on_dutch_clocks(e.given_at or e.recorded_at),
                        _outcome_text(e),
                        e.text if e.text is not None else ERASED,
                    ]
                    for e in entries
                ],
            )
            + "\n"
        )
    if output is None:
        click.echo(text, nl=False)
        return
    if fmt == "csv":  # a file for a spreadsheet: marked as UTF-8
        text = "\ufeff" + text
    write_file(output, text)
    reactions = counted(len(entries), "reaction", "reactions")
    done(f"Wrote the {reactions} of the response report to {output}.")


RESPONSE_FIELDS = (
    "plan", "reaction", "version", "stakeholder", "stance", "channel", "section",
    "meeting", "text", "recorded_at", "outcome", "answer_version", "answer_text",
    "answered_by", "answered_at", "withdrawn_by", "withdrawn_at", "late", "origin",
    "origin_erased", "given_at",
)  # fmt: skip
"""The columns of the CSV: a column added later comes last, so that a
spreadsheet that reads them by position keeps reading the others."""


def responses_csv(entries: Sequence[Any]) -> str:
    """The response report as CSV: a header, then one row per reaction, texts
    whole (an erased text is empty), times in UTC. A text that a spreadsheet would
    take for a formula (starting with =, +, -, @) starts with a ' instead, so that
    opening the file runs nothing a reaction put in it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESPONSE_FIELDS)
    for e in entries:
        row = e.model_dump(mode="json")
        writer.writerow([_cell_of(row[f]) for f in RESPONSE_FIELDS])
    return out.getvalue()


def _cell_of(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):  # as in the JSON: true or false
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


def _outcome_text(e: Any) -> str:
    """The outcome in the table; one answered or withdrawn that was received late
    says so too: ``defended (late)``."""
    if e.outcome in ("adopted", "partly-adopted"):
        said = f"{e.outcome} in v{e.answer_version}"
    else:
        said = "UNANSWERED" if e.outcome == "unanswered" else str(e.outcome)
    return f"{said} (late)" if e.late and e.outcome != "late" else said


@plan.command("period")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@click.option("--closes-at", metavar="TIME", help="Closing time with timezone.")
@click.option(
    "--days", type=WholeNumber(1, 3650), metavar="N", help="Closes in N days."
)
@pass_context
def plan_period(
    obj: Context,
    initiative_ref: str,
    plan_ref: str,
    closes_at: str | None,
    days: int | None,
) -> None:
    """Open a reaction period on a plan: a reaction after it is refused as late.

    Give --closes-at or --days; with neither, the current phase's reaction period
    (reaction_period_days in its template) is used. samenspraak tick records the
    period's closing once the time has passed.

    \b
    Example:
      samenspraak --as facilitator plan period city-centre traffic-plan \\
        --closes-at 2027-02-28T23:59+01:00
      samenspraak --as facilitator plan period city-centre traffic-plan --days 14
    """
    if closes_at is not None and days is not None:
        msg = "Give either --closes-at or --days, not both."
        raise click.UsageError(msg)
    command: dict[str, Any] = {
        **obj.giving(),
        "initiative": initiative_ref,
        "plan": plan_ref,
    }
    if closes_at is not None:
        command["closes_at"] = closes_at
    if days is not None:
        command["days"] = days
    until = obj.app(write=True).open_reaction_period(command)
    done(f"Opened a reaction period on {plan_ref} until {on_dutch_clocks(until)}.")
