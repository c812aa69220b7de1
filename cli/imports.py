"""``samenspraak import``: bring what people said on a participation platform into
the record.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from samenspraak.application import Samenspraak
from samenspraak.application.errors import InvalidInput
from samenspraak.application.files import reason_of
from samenspraak.application.views import CommentsImport
from samenspraak.cli.common import (
    REFERENCE,
    Context,
    F,
    OnceGroup,
    a_file_to_read,
    choices_of,
    done,
    json_option,
    pass_context,
)
from samenspraak.cli.render import emit_json, table
from samenspraak.domain.clock import on_dutch_clocks
from samenspraak.domain.rules import counted, listed
from samenspraak.domain.values import Stance


@click.group("import", cls=OnceGroup)
def import_group() -> None:
    """Import what people said on a participation platform (Decidim, CONSUL)."""


def _import_options(
    *, on_metavar: str, on_help: str, neutral_help: str
) -> Callable[[F], F]:
    """The arguments and options every import of a platform's comments takes."""

    def decorate(command: F) -> F:
        decorators: list[Callable[[Any], Any]] = [
            click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE),
            click.argument("plan_ref", metavar="PLAN", type=REFERENCE),
            click.argument(
                "file",
                metavar="FILE",
                type=click.Path(path_type=Path),
                callback=a_file_to_read,
            ),
            click.option(
                "--version",
                "version",
                metavar="N",
                required=True,
                help="The version reacted to.",
            ),
            click.option("--on", "on", metavar=on_metavar, multiple=True, help=on_help),
            click.option(
                "--neutral",
                type=choices_of(Stance),
                default=Stance.SUGGESTION.value,
                show_default=True,
                help=neutral_help,
            ),
            click.option(
                "--late",
                is_flag=True,
                help="Record comments posted after the reaction period closed "
                "as received late (they need no answer), instead of refusing "
                "the import.",
            ),
            click.option(
                "--erased-left-out",
                is_flag=True,
                help="You left the rows of whoever was erased since an earlier "
                "import out of FILE: needed when the record holds imported "
                "reactions (in any initiative) whose origin, or whose author, was "
                "erased.",
            ),
            click.option(
                "--dry-run",
                is_flag=True,
                help="Say what would be recorded; record nothing.",
            ),
            json_option,
            pass_context,
        ]
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return decorate


@import_group.command("decidim-comments")
@_import_options(
    on_metavar="TYPE:ID",
    on_help="Only the comments on this thing (and the replies to them), like "
    "Decidim::Meetings::Meeting:905; repeat for more (default: every comment).",
    neutral_help="The stance of a comment neither in favour nor against (alignment 0).",
)
def import_decidim_comments(obj: Context, **given: Any) -> None:
    """Import the comments of a Decidim open-data export as reactions to a version.

    FILE is the comments file of the export (…_comments.csv). Each comment becomes
    an online reaction that counts from when it was posted: alignment 1 is
    support, -1 an objection, 0 the --neutral stance. Its author becomes the
    stakeholder decidim-<author id> (a resident), or, posted for a user group,
    decidim-group-<group id> (an institution), and joins the initiative if they
    had not; their name goes to the directory only. Comments imported before are
    not recorded again; one whose origin was erased with its author's texts is
    not recognised, nor is an author erased without their texts: leave the rows
    of whoever was erased out of FILE and give --erased-left-out (without it,
    no import records new comments once the record holds such reactions, in any
    initiative). If one comment cannot be recorded, none is. Prints the comments
    recorded (facilitator).

    \b
    Example:
      samenspraak --as facilitator import decidim-comments city-centre \\
        traffic-plan meeting_comments.csv --version 1 \\
        --on Decidim::Meetings::Meeting:905 --dry-run
    """
    _import(obj, "Decidim", lambda app: app.import_decidim_comments, **given)


@import_group.command("consul-comments")
@_import_options(
    on_metavar="proposal:ID",
    on_help="Only the comments on this proposal (replies included), like "
    "proposal:7; repeat for more (default: every comment).",
    neutral_help="The stance of every comment: CONSUL records no stance in favour "
    "or against.",
)
@click.option(
    "--leave-out-civil-servants",
    "leave_out_civil_servants",
    is_flag=True,
    help="Leave out the comments of public employees (Empleados públicos, who "
    "join as civil servants): where society decides first they may not react. "
    "The summary counts them as skipped.",
)
def import_consul_comments(
    obj: Context, *, leave_out_civil_servants: bool, **given: Any
) -> None:
    """Import the comments of a CONSUL Democracy export as reactions to a version.

    FILE is the comments file (comments.csv, columns id, proposalId, userId,
    userType, date, time, text, …). Each comment becomes an online reaction that
    counts from when it was posted; its date and time are read as Madrid's local
    time (Europe/Madrid). CONSUL records no stance, so every comment takes the
    --neutral stance. Its author becomes the stakeholder consul-<userId> (a
    resident; an organisation's account, userType Colectivo, an institution; a
    public employee's, Empleados públicos, a civil servant) and joins the
    initiative if they had not; the export holds no name, so the directory holds
    the reference alone. Comments imported before are not recorded again; one
    whose origin was erased with its author's texts is not recognised, nor is an
    author erased without their texts: leave the rows of whoever was erased out
    of FILE and give --erased-left-out (without it, no import records new
    comments once the record holds such reactions, in any initiative). A public
    employee's comment is refused, and with it the import, in a phase where civil
    servants may not react: give --leave-out-civil-servants to leave those
    comments out. If one comment cannot be recorded, none is. Prints the comments
    recorded (facilitator).

    \b
    Example:
      samenspraak --as facilitator import consul-comments city-centre \\
        traffic-plan comments.csv --version 1 --on proposal:7 --dry-run
    """
    _import(
        obj,
        "CONSUL",
        lambda app: app.import_consul_comments,
        more={"leave_out_civil_servants": leave_out_civil_servants},
        **given,
    )


def _import(
    obj: Context,
    platform: str,
    use_case: Callable[[Samenspraak], Callable[[dict[str, Any]], CommentsImport]],
    *,
    initiative_ref: str,
    plan_ref: str,
    file: Path,
    version: str,
    on: tuple[str, ...],
    neutral: str,
    late: bool,
    erased_left_out: bool,
    dry_run: bool,
    as_json: bool,
    more: dict[str, Any] | None = None,
) -> None:
    """Read FILE, give it to the import (with the ``more`` fields of this
    platform's import), print what it recorded."""
    try:
        export = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        msg = f"Cannot read {file}: it is not UTF-8 text, so not a {platform} export."
        raise click.UsageError(msg) from None
    except OSError as error:
        msg = f"Cannot read {file}: {reason_of(error)}."
        raise click.UsageError(msg) from None
    try:
        result = use_case(obj.app(write=True))(
            {
                **obj.giving(),
                "initiative": initiative_ref,
                "plan": plan_ref,
                "version": version,
                "export": export,
                "on": list(on),
                "neutral": neutral,
                "late": late,
                "erased_left_out": erased_left_out,
                "dry_run": dry_run,
                **(more or {}),
            }
        )
    except InvalidInput as error:
        field, sep, problem = str(error).partition(": ")
        if sep and field == "export":
            raise InvalidInput(f"{file}: {problem}") from None
        if sep and field.split(".")[0] == "on":
            raise InvalidInput(f"--on: {problem}") from None
        raise
    if as_json:
        emit_json(result)
    else:
        click.echo(
            table(
                ["line", "comment", "#", "stakeholder", "stance", "posted", "late"],
                [
                    [
                        r.line,
                        r.comment,
                        r.reaction,
                        r.stakeholder,
                        r.stance,
                        on_dutch_clocks(r.received_at),
                        "late" if r.late else "",
                    ]
                    for r in result.recorded
                ],
            )
        )
    done(_summary(result, initiative_ref, plan_ref))


def _summary(result: CommentsImport, initiative_ref: str, plan_ref: str) -> str:
    """``Recorded 3 comments as reactions on traffic-plan; 1 comment was already
    there; skipped 2 (not on what was chosen: 2). 2 stakeholders joined the
    initiative (2 new in the directory).``"""
    recorded, dry = result.recorded, result.dry_run
    said = f"{'Would record' if dry else 'Recorded'} "
    said += (
        f"{counted(len(recorded), 'comment', 'comments')} as "
        f"{'a reaction' if len(recorded) == 1 else 'reactions'} on {plan_ref}"
    )
    late = sum(r.late for r in recorded)
    if late:
        said += f" ({late} received late)"
    if result.already:
        said += f"; {counted(result.already, 'comment was', 'comments were')} "
        said += "already there"
    if result.skipped:
        why = ", ".join(f"{reason}: {n}" for reason, n in result.skipped.items())
        said += f"; skipped {sum(result.skipped.values())} ({why})"
    if result.joined:
        said += (
            f". {counted(len(result.joined), 'stakeholder', 'stakeholders')} "
            f"{'would join' if dry else 'joined'} the initiative "
            f"({result.registered} new in the directory)"
        )
    said += "."
    if result.origins_erased and recorded:
        where = listed(result.origins_erased_in)
        erased = counted(
            result.origins_erased,
            f"reaction in {where} was imported from a comment",
            f"reactions in {where} were imported from comments",
        )
        said += (
            f" {erased} whose origin was erased since, with the texts of whoever "
            "posted it: such a comment is not recognised any more, and the rows of "
            "whoever was erased were left out of the file (--erased-left-out)."
        )
    return said
