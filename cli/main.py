"""The ``samenspraak`` command: a thin adapter over the application.

Each command parses its options, calls one use case or query of
:class:`samenspraak.application.Samenspraak`, and prints the result. Data goes to
stdout, confirmations to stderr. A refusal prints one sentence and exits 1; a usage
error exits 2; nothing is written when a command is refused.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import click

from samenspraak.application import (
    InvalidInput,
    Samenspraak,
    SamenspraakError,
    templates,
)
from samenspraak.application import commands as c
from samenspraak.application.app import parse, ref
from samenspraak.application.config import (
    DB_VARIABLE,
    DEFAULT_DB,
    database_exists,
    is_postgres,
    without_password,
)
from samenspraak.application.files import reason_of, write_whole
from samenspraak.application.story import play
from samenspraak.cli.render import emit_json, section, table, tally_text
from samenspraak.domain import clock
from samenspraak.domain.values import (
    AnnouncementChannel,
    Channel,
    CouncilSession,
    DecisionRule,
    GroupKind,
    ImplementationStatus,
    MeetingKind,
    ParticipationLevel,
    StakeholderKind,
    Stance,
)

PROG = "samenspraak"
ACTOR_VARIABLE = "SAMENSPRAAK_ACTOR"
TEMPLATES_VARIABLE = templates.TEMPLATES_VARIABLE
F = TypeVar("F", bound=Callable[..., Any])


class Reference(click.ParamType):  # type: ignore[type-arg]
    """A reference (or a template's NAME[@VERSION]) as the engine reads it: trimmed
    and lower-cased, so that what a command echoes is what it recorded (the engine
    checks the reference's form)."""

    name = "ref"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        return value.strip().lower() if isinstance(value, str) else value


REFERENCE = Reference()


class OneLineChoice(click.Choice):  # type: ignore[type-arg]
    """A choice read as references are: trimmed and in any case, so that
    ``--format HTML`` means ``html``; the choices are named in one line when the
    option is missing (click lists them one per line, indented)."""

    def __init__(self, choices: Sequence[str]) -> None:
        super().__init__(choices, case_sensitive=False)

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        return super().convert(
            value.strip() if isinstance(value, str) else value, param, ctx
        )

    def get_missing_message(
        self, param: click.Parameter, ctx: click.Context | None
    ) -> str:
        return f"Choose from: {', '.join(map(str, self.choices))}."


def _choices(values: Any, *, leaving_out: Sequence[Any] = ()) -> OneLineChoice:
    """The values of an enumeration as a choice, without those left out."""
    return OneLineChoice([v.value for v in values if v not in leaving_out])


@dataclass
class Context:
    db: str
    actor: str | None
    apps: list[Samenspraak] = field(default_factory=list)

    def app(self, *, write: bool, anonymous: bool = False) -> Samenspraak:
        """Open the record; read commands never create a database.

        A command that records something needs its actor, asked before the
        database is opened, so a usage error creates nothing.
        """
        if write and not anonymous:
            self.who()
        app = Samenspraak.open(self.db, create=write)
        self.apps.append(app)
        return app

    def who(self) -> str:
        """The actor's reference, trimmed and lower-cased as the engine reads it; an
        actor of only spaces is no actor (a usage error, as a missing one is)."""
        if not self.actor or not self.actor.strip():
            msg = f"Say who you are with --as REF (or {ACTOR_VARIABLE})."
            raise click.UsageError(msg)
        return ref("actor", self.actor)

    def close(self) -> None:
        for app in self.apps:
            app.close()


pass_context = click.make_pass_decorator(Context)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(f)


def done(message: str) -> None:
    """A confirmation, on stderr so that stdout carries only data."""
    click.echo(message, err=True)


def read_text(text: str | None, path: Path | None, name: str) -> str | None:
    if text is not None and path is not None:
        msg = f"Give either --{name} or --{name}-file, not both."
        raise click.UsageError(msg)
    if path is None:
        return text
    try:
        found = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        msg = f"Cannot read {path}: it is not UTF-8 text."
        raise click.UsageError(msg) from None
    except OSError as error:
        msg = f"Cannot read {path}: {reason_of(error)}."
        raise click.UsageError(msg) from None
    if not found.strip():
        msg = f"{path} is empty: --{name}-file needs a file with the text in it."
        raise click.UsageError(msg)
    return found


def document_digest(
    document: Path | None, sha256: str | None, *, required: bool
) -> str | None:
    """The SHA-256 of ``--document FILE``, or the one given with ``--sha256``; one
    of the two (or, when not ``required``, neither)."""
    if document is not None and sha256 is not None:
        msg = "Give the document with either --document FILE or --sha256 HEX, not both."
        raise click.UsageError(msg)
    if document is None and sha256 is None and required:
        msg = "Give the document with either --document FILE or --sha256 HEX."
        raise click.UsageError(msg)
    if document is None:
        return sha256
    try:
        return hashlib.sha256(document.read_bytes()).hexdigest()
    except OSError as error:
        msg = f"Cannot read {document}: {reason_of(error)}."
        raise click.UsageError(msg) from None


def a_file_to_write(
    ctx: click.Context, param: click.Parameter, value: Path | None
) -> Path | None:
    """``-o``: the name of a file (an empty name would be the current folder)."""
    if value is not None and (str(value) in ("", ".") or value.is_dir()):
        msg = "is a folder; give the name of a file to write"
        raise click.BadParameter(msg)
    return value


def cannot_write(path: Path, error: OSError) -> click.ClickException:
    """A file that cannot be written, said in one sentence; exits 1."""
    return click.ClickException(f"Cannot write {path}: {reason_of(error)}.")


def write_file(path: Path, text: str) -> None:
    """Write a whole file or nothing (see ``write_whole``)."""
    try:
        write_whole(path, lambda file: file.write(text.encode("utf-8")))
    except OSError as error:
        raise cannot_write(path, error) from None


TEXT_OPTIONS = (
    "text", "section", "title", "description", "area", "name", "contact", "mandate",
    "place", "summary", "question", "purpose", "outcome", "explanation", "reasoning",
    "reason", "changes", "milestone",
)  # fmt: skip
"""Texts given by an option of the same name as the engine's field."""

OPTION_OF_FIELD = {
    "actor": "--as",
    "starts_at": "--start",
    "informed_at": "--when",
    "document_sha256": "--sha256",
    "closes_at": "--closes-at",
    "closes_at or days": "--closes-at or --days",
    "as_of": "--as-of",
    "since": "--since",
    "until": "--until",
    "budget": "--budget",
    "amount": "--amount",
    "attendance": "--attendance",
    "percent": "--percent",
    "options": "--option",
    "template": "--template",
    "head": "--head",
    "version": "--version",
    "reaction": "--reaction",
    "reactions": "--reaction",
    "meeting": "--meeting",
    "eligible": "--eligible",
    "event": "--event",
    "document_title": "--title",
    "announced_at": "--when",
    "followed_up_at": "--when",
    "reach": "--reach",
    "informing": "--informing",
    "audience": "--audience",
    **{f: f"--{f}" for f in TEXT_OPTIONS},
}
"""The engine names the field at fault; on the command line, the option that gave it."""


def on_the_command_line(sentence: str) -> str:
    """A refusal of input, naming the option instead of the engine's field."""
    field, sep, problem = sentence.partition(": ")
    option = OPTION_OF_FIELD.get(field) or OPTION_OF_FIELD.get(field.split(".")[0])
    return f"{option}: {problem}" if sep and option else sentence


def say_refusal(error: SamenspraakError) -> None:
    """The engine's refusal as one sentence on stderr."""
    sentence = str(error)
    if isinstance(error, InvalidInput):
        sentence = on_the_command_line(sentence)
    click.echo(f"Error: {sentence}", err=True)


ARGUMENTS = "samenspraak.arguments"
"""Where the command line as given is kept, in the context's meta."""


class EngineGroup(click.Group):
    """Turns the engine's refusals into one sentence and exit code 1, and says where
    a global option goes when it is given after the command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[ARGUMENTS] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.NoSuchOption as error:
            hint = self.before_the_command(ctx, error)
            if hint is None:
                raise
            raise click.NoSuchOption(
                error.option_name, f"{error.message} {hint}", ctx=error.ctx
            ) from None
        except SamenspraakError as error:
            say_refusal(error)
            sys.exit(1)
        finally:
            if isinstance(ctx.obj, Context):
                ctx.obj.close()

    def before_the_command(
        self, ctx: click.Context, error: click.NoSuchOption
    ) -> str | None:
        """For a global option given after the command, where it goes: 'Global
        options (--db, --as, --templates) go before the command: samenspraak --as
        bakery todo'. The command's other arguments show as '...'."""
        options = {
            name: param
            for param in self.params
            if isinstance(param, click.Option) and not param.is_eager
            for name in param.opts
        }
        name = error.option_name
        option = options.get(name)
        if option is None:
            return None
        words = error.ctx.command_path.split()[1:] if error.ctx else []
        args: list[str] = ctx.meta.get(ARGUMENTS, [])
        start = next(
            (i for i in range(len(args)) if args[i : i + len(words)] == words), 0
        )
        after = args[start + len(words) :]
        at = next(
            (i for i, a in enumerate(after) if a == name or a.startswith(f"{name}=")),
            len(after),
        )
        token, value = after[at : at + 1], after[at + 1 : at + 2]
        if token and "=" in token[0]:  # --as=bakery
            given = moved = token
        elif value and not value[0].startswith("-"):
            given = moved = [name, value[0]]
        else:  # given without its value
            given, moved = token, [name, option.metavar or name.lstrip("-").upper()]
        rest = after[:at] + after[at + len(given) :]
        line = shlex.join([PROG, *moved, *words]) + (" ..." if rest else "")
        return f"Global options ({', '.join(options)}) go before the command: {line}"


@click.group(cls=EngineGroup)
@click.option(
    "--db",
    envvar=DB_VARIABLE,
    default=DEFAULT_DB,
    show_default=True,
    help=f"SQLite file or postgresql:// URL (or {DB_VARIABLE}).",
)
@click.option(
    "--as",
    "actor",
    envvar=ACTOR_VARIABLE,
    metavar="REF",
    help=f"The stakeholder giving the command (or {ACTOR_VARIABLE}).",
)
@click.option(
    "--templates",
    "templates_folder",
    envvar=TEMPLATES_VARIABLE,
    metavar="DIR",
    help=f"A folder of the municipality's own template files, installed beside "
    f"the built-in ones (or {TEMPLATES_VARIABLE}).",
)
@click.version_option(package_name="samenspraak")
@click.pass_context
def cli(
    ctx: click.Context, db: str, actor: str | None, templates_folder: str | None
) -> None:
    """samenspraak: participation processes recorded as events.

    Residents, entrepreneurs and institutions decide first, together; a
    facilitator puts decision points to them and informs the council. Every step
    is an event, so the process can be replayed, verified and reported.

    \b
    Example:
      samenspraak --db demo.db demo
      samenspraak --db demo.db initiative status city-centre
    """
    if ":memory:" in db or "mode=memory" in db:
        msg = (
            f"--db {db} would keep the record in memory, and lose it when the command "
            "ends; give a SQLite file path or a postgresql:// URL."
        )
        raise click.ClickException(msg)
    if templates_folder:
        try:
            templates.check_folder(templates_folder)
        except SamenspraakError as error:
            raise click.ClickException(str(error)) from None
        # The folder is read where templates are needed, from the environment.
        os.environ[TEMPLATES_VARIABLE] = templates_folder
    ctx.obj = Context(db=db, actor=actor)


# --- demo ----------------------------------------------------------------------------


@cli.command()
@pass_context
def demo(obj: Context) -> None:
    """Play the city-centre story into a fresh database and show the result.

    \b
    Example:
      samenspraak --db demo.db demo
    """
    file = Path(obj.db)
    if not is_postgres(obj.db) and file.is_file() and file.stat().st_size > 0:
        msg = (
            f"{obj.db} already exists; the demo plays into a fresh database: "
            "remove it or pass another --db."
        )
        raise click.ClickException(msg)
    app = obj.app(write=True, anonymous=True)
    if any(app.store.count_rows().values()):
        msg = (
            f"{without_password(obj.db)} already holds a record; the demo plays into "
            "a fresh database: remove it or pass another --db."
        )
        raise click.ClickException(msg)
    play(app, say=click.echo)
    status = app.initiative_status("city-centre")
    click.echo(section("Where the initiative stands now"))
    _print_status(status)
    db = shlex.quote(without_password(obj.db))
    click.echo(
        f"\n{app.stored_event_count()} events recorded in {db}. Try:\n"
        f"  samenspraak --db {db} plan show city-centre traffic-plan\n"
        f"  samenspraak --db {db} decision show city-centre budget-first-part"
    )


# --- initiative ----------------------------------------------------------------------


@cli.group()
def initiative() -> None:
    """Start, follow and close participation processes (initiatives)."""


@initiative.command("start")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option("--title", required=True, help="The initiative's title.")
@click.option("--description", required=True, help="What it is about.")
@click.option("--area", required=True, help="The area it concerns.")
@click.option("--budget", required=True, help="Budget in euros, like 250000.00.")
@click.option(
    "--level",
    type=_choices(ParticipationLevel),
    required=True,
    help="Participation level.",
)
@click.option(
    "--template",
    "template_ref",
    metavar="NAME[@VERSION]",
    type=REFERENCE,
    default=None,
    help="The process template (see: template list); NAME is its newest version. "
    "Default: overheidsparticipatie@1.",
)
@pass_context
def initiative_start(
    obj: Context,
    initiative_ref: str,
    title: str,
    description: str,
    area: str,
    budget: str,
    level: str,
    template_ref: str | None,
) -> None:
    """Start an initiative; you become its facilitator.

    \b
    Example:
      samenspraak --as facilitator initiative start city-centre \\
        --title "Together for a lively city centre" \\
        --description "Residents decide first." --area "The old town" \\
        --budget 250000.00 --level co-deciding
      samenspraak --as facilitator initiative start harbour-plan \\
        --title "Omgevingsplan harbour" --description "Views on the draft." \\
        --area "The harbour" --budget 0 --level consulting \\
        --template omgevingswet@1
    """
    command: dict[str, str] = {
        "actor": obj.who(),
        "initiative": initiative_ref,
        "title": title,
        "description": description,
        "area": area,
        "budget": budget,
        "level": level,
    }
    if template_ref is not None:
        command["template"] = template_ref
    app = obj.app(write=True)
    app.start_initiative(command)
    on = ""
    if template_ref is not None:
        pinned = app.initiative_status(initiative_ref).template
        on = f" on {pinned.name} v{pinned.version}"
    done(f"Started {initiative_ref}{on}; you are its facilitator.")


@initiative.command("list")
@json_option
@pass_context
def initiative_list(obj: Context, as_json: bool) -> None:
    """List the initiatives in the record.

    \b
    Example:
      samenspraak initiative list --json
    """
    items = obj.app(write=False).list_initiatives()
    if as_json:
        emit_json(items)
        return
    if not items:
        done("No initiatives yet; start one with: samenspraak initiative start")
        return
    click.echo(
        table(
            ["initiative", "title", "phase", "closed"],
            [[i.initiative, i.title, i.phase, i.closed] for i in items],
        )
    )


def as_of_option(f: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        metavar="TIME",
        help="Show it as it stood then (ISO time with timezone).",
    )(f)


@initiative.command("status")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@as_of_option
@json_option
@pass_context
def initiative_status(
    obj: Context, initiative_ref: str, as_of: str | None, as_json: bool
) -> None:
    """Show where an initiative stands: phase, people, groups, plans, decisions.

    \b
    Example:
      samenspraak initiative status city-centre
      samenspraak initiative status city-centre --as-of 2026-03-01T12:00+01:00
    """
    status = obj.app(write=False).initiative_status(initiative_ref, as_of=as_of)
    if as_json:
        emit_json(status)
    else:
        _say_as_of(as_of)
        _print_status(status)


def list_section(
    obj: Context,
    initiative_ref: str,
    section: str,
    as_json: bool,
    render: Callable[[Any], str],
) -> None:
    """Print one section of an initiative's status: as JSON, or rendered."""
    items = getattr(obj.app(write=False).initiative_status(initiative_ref), section)
    if as_json:
        emit_json(items)
    else:
        click.echo(render(items))


def stakeholder_table(items: Sequence[Any]) -> str:
    return table(
        ["ref", "kind", "active", "name"],
        [[p.ref, p.kind, p.active, p.name] for p in items],
    )


def group_table(items: Sequence[Any]) -> str:
    return table(
        ["group", "kind", "name", "members"],
        [[g.group, g.kind, g.name, ", ".join(g.members)] for g in items],
    )


def meeting_table(items: Sequence[Any]) -> str:
    return table(
        ["#", "starts", "kind", "attendance", "evening/weekend", "place"],
        [
            [
                m.number,
                m.starts_at,
                m.kind,
                m.attendance,
                m.evening_or_weekend,
                m.place,
            ]
            for m in items
        ],
    )


def announcement_table(items: Sequence[Any]) -> str:
    return table(
        ["#", "when", "channel", "reach", "audience"],
        [[a.number, a.announced_at, a.channel, a.reach, a.audience] for a in items],
    )


def plan_table(items: Sequence[Any]) -> str:
    return table(
        ["plan", "group", "versions", "final", "reactions", "unanswered", "title"],
        [
            [
                p.plan,
                p.group,
                p.versions,
                p.final_version,
                p.reactions,
                p.unanswered,
                p.title,
            ]
            for p in items
        ],
    )


def decision_table(items: Sequence[Any]) -> str:
    return table(
        ["decision", "rule", "state", "outcome", "tally"],
        [
            [d.decision, d.rule, d.state, d.outcome or "-", tally_text(d.tally)]
            for d in items
        ],
    )


def council_table(items: Sequence[Any], *, whole_hashes: bool = False) -> str:
    """What the council was told, numbered, and what it did with it; the hashes in
    full, or their first 16 digits."""
    return table(
        ["#", "when", "session", "document sha256", "document", "follow-up"],
        [
            [
                c.number,
                c.informed_at,
                c.session,
                c.document_sha256 if whole_hashes else c.document_sha256[:16] + "...",
                c.document_title,
                "; ".join(
                    f"{f.followed_up_at.isoformat(timespec='minutes')}: "
                    f"{f.summary or ERASED}"
                    for f in c.follow_ups
                )
                or "-",
            ]
            for c in items
        ],
        whole=(3, 5),
    )


def _say_as_of(as_of: str | None) -> None:
    """A time-travelled view says so first: it is not how things stand now."""
    if as_of is not None:
        click.echo(
            f"As it stood at {as_of.strip()} (from the events recorded by then):"
        )


ERASED = "(erased)"
"""A text whose body was erased from the text store, as the AVG may ask."""


def _print_status(s: Any) -> None:
    click.echo(f"{s.initiative}: {s.title if s.title is not None else ERASED}")
    click.echo(f"  area: {s.area if s.area is not None else ERASED}")
    click.echo(f"  level: {s.level}    facilitator: {s.facilitator}")
    click.echo(
        f"  process: {s.template.name} v{s.template.version}    phase: {s.phase}"
        + ("    (closed)" if s.closed else "")
    )
    if s.closed:
        click.echo(f"  outcome: {s.outcome if s.outcome is not None else ERASED}")
    click.echo(f"  budget: EUR {s.budget}    allocated: EUR {s.allocated}")
    click.echo(section("Stakeholders"))
    click.echo(stakeholder_table(s.stakeholders))
    click.echo(section("Groups"))
    click.echo(group_table(s.groups))
    click.echo(section("Meetings"))
    click.echo(meeting_table(s.meetings))
    if s.announcements:
        click.echo(section("Announcements"))
        click.echo(announcement_table(s.announcements))
    click.echo(section("Plans"))
    click.echo(plan_table(s.plans))
    click.echo(section("Decision points"))
    click.echo(decision_table(s.decisions))
    click.echo(section("The council was informed"))
    click.echo(council_table(s.council))
    if s.allocations:
        click.echo(section("Budget allocations"))
        click.echo(
            table(
                ["amount", "decision", "purpose"],
                [[f"EUR {a.amount}", a.decision, a.purpose] for a in s.allocations],
            )
        )
    if s.implementation:
        click.echo(section("Implementation"))
        click.echo(implementation_table(s.implementation))


def implementation_table(actions: Any) -> str:
    return table(
        ["action", "owner", "progress", "status", "milestones", "title"],
        [
            [
                a.action,
                a.owner or f"group {a.group}",
                f"{a.percent}%",
                a.status + (f" ({a.status_reason})" if a.status_reason else ""),
                "; ".join(f"{m.percent}% {m.text or ERASED}" for m in a.milestones)
                or "-",
                a.title,
            ]
            for a in actions
        ],
    )


@initiative.command("advance")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@pass_context
def initiative_advance(obj: Context, initiative_ref: str) -> None:
    """Advance the initiative to the next phase of its process (facilitator).

    \b
    Example:
      samenspraak --as facilitator initiative advance city-centre
    """
    phase = obj.app(write=True).advance_phase(
        {"actor": obj.who(), "initiative": initiative_ref}
    )
    done(f"{initiative_ref} is now in the phase {phase}.")


@initiative.command("migrate")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "--template",
    "template_ref",
    metavar="NAME@VERSION",
    type=REFERENCE,
    required=True,
    help="The installed template (and version) to move to.",
)
@pass_context
def initiative_migrate(obj: Context, initiative_ref: str, template_ref: str) -> None:
    """Move the initiative to another process template or version (facilitator).

    A running initiative keeps the template version it started on; only this
    command changes it. It stays in its phase, which the new template must have.

    \b
    Example:
      samenspraak --as facilitator initiative migrate city-centre \\
        --template overheidsparticipatie@2
    """
    app = obj.app(write=True)
    content_hash = app.migrate_template(
        {"actor": obj.who(), "initiative": initiative_ref, "template": template_ref}
    )
    name, _, version = template_ref.partition("@")
    process = app.templates.get(name, version or None)
    done(
        f"{initiative_ref} now follows {process.name} v{process.version} "
        f"(hash {content_hash[:12]})."
    )


@initiative.command("allocate")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option("--amount", required=True, help="Amount in euros, like 150000.00.")
@click.option("--purpose", required=True, help="What the money is for.")
@click.option("--decision", required=True, help="The decision point it follows from.")
@pass_context
def initiative_allocate(
    obj: Context, initiative_ref: str, amount: str, purpose: str, decision: str
) -> None:
    """Allocate part of the budget, following from a decided decision point.

    \b
    Example:
      samenspraak --as facilitator initiative allocate city-centre \\
        --amount 150000.00 --purpose "Market square" --decision budget-first-part
    """
    obj.app(write=True).allocate_budget(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "amount": amount,
            "purpose": purpose,
            "decision": decision,
        }
    )
    done(f"Allocated EUR {Decimal(amount.strip()):.2f} in {initiative_ref}.")


@initiative.command("close")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option("--outcome", required=True, help="What the process achieved.")
@pass_context
def initiative_close(obj: Context, initiative_ref: str, outcome: str) -> None:
    """Close the initiative with its outcome (facilitator).

    \b
    Example:
      samenspraak --as facilitator initiative close city-centre \\
        --outcome "A traffic plan with broad support"
    """
    obj.app(write=True).close_initiative(
        {"actor": obj.who(), "initiative": initiative_ref, "outcome": outcome}
    )
    done(f"Closed {initiative_ref}.")


# --- stakeholder ---------------------------------------------------------------------


@cli.group()
def stakeholder() -> None:
    """Register stakeholders and let them join or leave initiatives."""


@stakeholder.command("register")
@click.argument("ref", type=REFERENCE)
@click.option("--name", required=True, help="Name (kept apart from the events).")
@click.option("--contact", help="Contact details (kept apart from the events).")
@pass_context
def stakeholder_register(
    obj: Context, ref: str, name: str, contact: str | None
) -> None:
    """Put a stakeholder in the directory under a reference.

    Names and contact details are personal data: they live outside the events,
    so they can be erased on request. Register yourself with --as REF equal to
    REF, or register others once you are registered.

    \b
    Example:
      samenspraak --as facilitator stakeholder register bakery \\
        --name "The bakery on the market square"
    """
    obj.app(write=True).register_stakeholder(
        {"actor": obj.who(), "stakeholder": ref, "name": name, "contact": contact}
    )
    done(f"Registered {ref}.")


@stakeholder.command("erase")
@click.argument("ref", type=REFERENCE)
@click.option(
    "--with-texts",
    "texts",
    is_flag=True,
    help="Also erase the texts they gave: reactions and their sections, reasons "
    "for positions, milestones.",
)
@json_option
@pass_context
def stakeholder_erase(obj: Context, ref: str, texts: bool, as_json: bool) -> None:
    """Erase a stakeholder's personal data (AVG): name, contact and reference.

    Their reference becomes erased- and the start of their pseudonymous id; with
    --with-texts, the texts they gave are erased too. The events keep only ids and
    commitments, so the record stays complete and the audit chain intact. The
    stakeholder may ask it themselves; the facilitator of an initiative they took
    part in may do it for them.

    \b
    Example:
      samenspraak --as facilitator stakeholder erase bakery --with-texts
    """
    erasure = obj.app(write=True).erase_stakeholder(
        {"actor": obj.who(), "stakeholder": ref, "texts": texts}
    )
    if as_json:
        emit_json(erasure)
        return
    what = f"; {erasure.texts} of their texts erased" if texts else ""
    if erasure.left:
        what += f"; they left {', '.join(erasure.left)}"
    done(f"Erased the personal data of {ref}, now shown as {erasure.now_named}{what}.")


@stakeholder.command("join")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("ref", type=REFERENCE)
@click.option(
    "--kind", type=_choices(StakeholderKind), required=True, help="Who they are."
)
@pass_context
def stakeholder_join(obj: Context, initiative_ref: str, ref: str, kind: str) -> None:
    """A stakeholder joins an initiative (themselves, or added by the facilitator).

    \b
    Example:
      samenspraak --as facilitator stakeholder join city-centre bakery --kind entrepreneur
    """
    obj.app(write=True).join_initiative(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "stakeholder": ref,
            "kind": kind,
        }
    )
    done(f"{ref} joined {initiative_ref} as {kind}.")


@stakeholder.command("leave")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("ref", type=REFERENCE)
@pass_context
def stakeholder_leave(obj: Context, initiative_ref: str, ref: str) -> None:
    """A stakeholder leaves an initiative; what they said stays on record.

    \b
    Example:
      samenspraak --as bakery stakeholder leave city-centre bakery
    """
    obj.app(write=True).leave_initiative(
        {"actor": obj.who(), "initiative": initiative_ref, "stakeholder": ref}
    )
    done(f"{ref} left {initiative_ref}.")


@stakeholder.command("list")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def stakeholder_list(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List who takes part in an initiative, by kind.

    \b
    Example:
      samenspraak stakeholder list city-centre
    """
    list_section(
        obj,
        initiative_ref,
        "stakeholders",
        as_json,
        stakeholder_table,
    )


# --- group ---------------------------------------------------------------------------


@cli.group()
def group() -> None:
    """Form steering and working groups and compose them."""


@group.command("form")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("group_ref", metavar="GROUP", type=REFERENCE)
@click.option(
    "--kind", type=_choices(GroupKind), required=True, help="steering or working."
)
@click.option("--name", required=True, help="The group's name.")
@click.option("--mandate", required=True, help="What the group is asked to do.")
@pass_context
def group_form(
    obj: Context,
    initiative_ref: str,
    group_ref: str,
    kind: str,
    name: str,
    mandate: str,
) -> None:
    """Form a group (facilitator).

    \b
    Example:
      samenspraak --as facilitator group form city-centre steering-group \\
        --kind steering --name "Steering group" --mandate "Work out a vision"
    """
    obj.app(write=True).form_group(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "group": group_ref,
            "kind": kind,
            "name": name,
            "mandate": mandate,
        }
    )
    done(f"Formed the group {group_ref}.")


@group.command("add")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("group_ref", metavar="GROUP", type=REFERENCE)
@click.argument("ref", metavar="STAKEHOLDER", type=REFERENCE)
@pass_context
def group_add(obj: Context, initiative_ref: str, group_ref: str, ref: str) -> None:
    """Add a member to a group (facilitator).

    \b
    Example:
      samenspraak --as facilitator group add city-centre steering-group bakery
    """
    obj.app(write=True).add_member(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "group": group_ref,
            "stakeholder": ref,
        }
    )
    done(f"{ref} is a member of {group_ref}.")


@group.command("remove")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("group_ref", metavar="GROUP", type=REFERENCE)
@click.argument("ref", metavar="STAKEHOLDER", type=REFERENCE)
@pass_context
def group_remove(obj: Context, initiative_ref: str, group_ref: str, ref: str) -> None:
    """Remove a member from a group (facilitator).

    \b
    Example:
      samenspraak --as facilitator group remove city-centre steering-group bakery
    """
    obj.app(write=True).remove_member(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "group": group_ref,
            "stakeholder": ref,
        }
    )
    done(f"{ref} is no longer a member of {group_ref}.")


@group.command("list")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def group_list(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List an initiative's groups and their members.

    \b
    Example:
      samenspraak group list city-centre --json
    """
    list_section(obj, initiative_ref, "groups", as_json, group_table)


# --- meeting -------------------------------------------------------------------------


@cli.group()
def announcement() -> None:
    """Record how a process was announced and who was invited."""


@announcement.command("record")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "--channel",
    type=_choices(AnnouncementChannel),
    required=True,
    help="How it was made known.",
)
@click.option(
    "--audience", required=True, help="Who was reached or invited, in a phrase."
)
@click.option("--when", help="When, with timezone (default: now).")
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
    """Record an announcement or invitation (facilitator); prints its number.

    \b
    Example:
      samenspraak --as facilitator announcement record city-centre \\
        --channel letter --audience "Every household within the canals" --reach 4200
    """
    number = obj.app(write=True).announce(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "channel": channel,
            "audience": audience,
            "announced_at": when or clock.now(),
            "reach": reach,
        }
    )
    click.echo(number)
    done(f"Recorded announcement {number} of {initiative_ref}.")


@announcement.command("list")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def announcement_list(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List how the process was announced and who was invited.

    \b
    Example:
      samenspraak announcement list city-centre
    """
    list_section(obj, initiative_ref, "announcements", as_json, announcement_table)


@cli.group()
def meeting() -> None:
    """Record the meetings held (evenings and weekends included)."""


@meeting.command("hold")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "--start", required=True, help="Start with timezone, like 2026-04-09T19:30+02:00."
)
@click.option(
    "--kind", type=_choices(MeetingKind), required=True, help="Kind of meeting."
)
@click.option("--place", required=True, help="Where it was held.")
@click.option("--attendance", required=True, help="How many people came.")
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
    """Record a meeting that was held (facilitator); prints its number.

    \b
    Example:
      samenspraak --as facilitator meeting hold city-centre \\
        --start 2026-04-09T19:30+02:00 --kind residents-meeting \\
        --place "Community centre" --attendance 64 --summary "Traffic plan evening"
    """
    number = obj.app(write=True).hold_meeting(
        {
            "actor": obj.who(),
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


@meeting.command("list")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def meeting_list(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List the meetings held, with an evening/weekend flag.

    \b
    Example:
      samenspraak meeting list city-centre
    """
    list_section(obj, initiative_ref, "meetings", as_json, meeting_table)


# --- council -------------------------------------------------------------------------


@cli.group()
def council() -> None:
    """Record what the municipal council was told."""


@council.command("inform")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option("--title", required=True, help="The document's title.")
@click.option(
    "--document",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The document sent; its SHA-256 is recorded.",
)
@click.option("--sha256", help="The document's SHA-256, if the file is not at hand.")
@click.option(
    "--session", type=_choices(CouncilSession), required=True, help="Kind of session."
)
@click.option("--when", help="When, with timezone (default: now).")
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
    """Record that the council was informed with a document (facilitator).

    \b
    Example:
      samenspraak --as facilitator council inform city-centre \\
        --title "Vision for the city centre" --document vision.pdf --session informal
    """
    digest = document_digest(document, sha256, required=True)
    command = parse(
        c.InformCouncil,
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "document_title": title,
            "document_sha256": digest,
            "session": session,
            "informed_at": when or clock.now(),
        },
    )
    obj.app(write=True).inform_council(command)
    done(
        f"Recorded: the council was informed ({session}), "
        f"document sha256 {command.document_sha256}."
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
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The council's own document (a decision, minutes); its SHA-256 is kept.",
)
@click.option("--sha256", help="That document's SHA-256, if the file is not at hand.")
@click.option("--when", help="When, with timezone (default: now).")
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
            "actor": obj.who(),
            "initiative": initiative_ref,
            "informing": informing,
            "summary": summary,
            "followed_up_at": when or clock.now(),
            "document_sha256": digest,
        },
    )
    obj.app(write=True).record_council_follow_up(command)
    done(f"Recorded the council's follow-up of informing {command.informing}.")


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


# --- implementation --------------------------------------------------------------------


@cli.group()
def implementation() -> None:
    """Carrying out what was decided: actions with an owner, progress and status."""


@implementation.command("add")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("action", type=REFERENCE)
@click.option("--title", required=True, help="What is carried out.")
@click.option("--owner", help="The stakeholder who owns the action.")
@click.option("--group", "group_ref", help="The group that owns the action.")
@click.option(
    "--allocation",
    type=click.IntRange(min=1),
    help="The number of the budget allocation that funds it (1 is the first).",
)
@pass_context
def implementation_add(
    obj: Context,
    initiative_ref: str,
    action: str,
    title: str,
    owner: str | None,
    group_ref: str | None,
    allocation: int | None,
) -> None:
    """Add an implementation action owned by a stakeholder or a group (facilitator).

    \b
    Example:
      samenspraak --as facilitator implementation add city-centre benches \\
        --title "Benches on the market square" --group steering-group --allocation 1
    """
    obj.app(write=True).add_implementation_action(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "action": action,
            "title": title,
            "owner_stakeholder": owner,
            "owner_group": group_ref,
            "allocation": allocation,
        }
    )
    done(f"Added the implementation action {action} to {initiative_ref}.")


@implementation.command("progress")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("action", type=REFERENCE)
@click.option(
    "--percent",
    type=click.IntRange(0, 100),
    required=True,
    help="How far it is, 0-100.",
)
@click.option("--milestone", help="The milestone reached.")
@pass_context
def implementation_progress(
    obj: Context,
    initiative_ref: str,
    action: str,
    percent: int,
    milestone: str | None,
) -> None:
    """Record progress on an action (its owner, a member of the owning group, or
    the facilitator); progress never goes down, and at 100 the action is done.

    \b
    Example:
      samenspraak --as bakery implementation progress city-centre benches \\
        --percent 40 --milestone "Benches ordered"
    """
    obj.app(write=True).record_progress(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "action": action,
            "percent": percent,
            "milestone": milestone,
        }
    )
    done(f"Recorded: {action} is {percent}% done.")


@implementation.command("status")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("action", type=REFERENCE)
@click.option(
    "--status",
    type=_choices(ImplementationStatus),
    required=True,
    help="The new status.",
)
@click.option("--reason", help="Why (needed for on-hold and cancelled).")
@pass_context
def implementation_status(
    obj: Context,
    initiative_ref: str,
    action: str,
    status: str,
    reason: str | None,
) -> None:
    """Change an action's status (its owner or the facilitator).

    \b
    Example:
      samenspraak --as facilitator implementation status city-centre benches \\
        --status on-hold --reason "Waiting for the permit"
    """
    obj.app(write=True).change_implementation_status(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "action": action,
            "status": status,
            "reason": reason,
        }
    )
    done(f"{action} is now {status}.")


@implementation.command("list")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def implementation_list(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List the implementation actions with owner, progress, status and milestones.

    \b
    Example:
      samenspraak implementation list city-centre
    """
    list_section(
        obj,
        initiative_ref,
        "implementation",
        as_json,
        lambda items: (
            implementation_table(items) if items else "No implementation actions."
        ),
    )


# --- plan ----------------------------------------------------------------------------


@cli.group()
def plan() -> None:
    """Plans (a vision, a traffic plan): drafts, reactions and their answers."""


@plan.command("create")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@click.option("--title", required=True, help="The plan's title.")
@click.option("--group", "group_ref", required=True, help="The group that owns it.")
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
            "actor": obj.who(),
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
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the draft's text from a file.",
)
@click.option("--changes", required=True, help="What changed, and why.")
@pass_context
def plan_propose(
    obj: Context,
    initiative_ref: str,
    plan_ref: str,
    text: str | None,
    text_file: Path | None,
    changes: str,
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
    version = obj.app(write=True).propose_draft(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "plan": plan_ref,
            "text": body,
            "changes": changes,
        }
    )
    click.echo(version)
    done(f"Proposed version {version} of {plan_ref}.")


@plan.command("react")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@click.option(
    "--version", "version", metavar="N", required=True, help="The version reacted to."
)
@click.option(
    "--stance", type=_choices(Stance), required=True, help="The reaction's stance."
)
@click.option("--text", required=True, help="The reaction.")
@click.option(
    "--channel",
    type=_choices(Channel),
    default=None,
    help="How it came in (default: meeting with --meeting, else online).",
)
@click.option("--for", "for_ref", metavar="REF", help="Record it for this stakeholder.")
@click.option("--section", help="The section of the plan it concerns.")
@click.option(
    "--meeting",
    "meeting_number",
    metavar="N",
    help="The number of the meeting it was given at.",
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
) -> None:
    """React to a version of a plan; prints the reaction's number.

    The facilitator records reactions given at a meeting or by letter with --for.

    \b
    Example:
      samenspraak --as bakery plan react city-centre traffic-plan --version 1 \\
        --stance concern --section deliveries --text "Deliveries start too early"
    """
    number = obj.app(write=True).react_to_plan(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "plan": plan_ref,
            "version": version,
            "stance": stance,
            "text": text,
            "channel": channel,
            "stakeholder": for_ref,
            "section": section,
            "meeting": meeting_number,
        }
    )
    click.echo(number)
    done(f"Recorded reaction {number} on {plan_ref}.")


def numbered(noun: str, numbers: Sequence[int]) -> str:
    """'reaction 1' or 'reactions 1, 3': each number once, in the order given, as
    the engine records them."""
    once = [str(number) for number in dict.fromkeys(numbers)]
    return f"{noun}{'s' * (len(once) > 1)} {', '.join(once)}"


def reactions_option(f: F) -> F:
    return click.option(
        "--reaction",
        "reactions",
        metavar="N",
        multiple=True,
        required=True,
        help="A reaction number answered (repeat for more).",
    )(f)


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
            "actor": obj.who(),
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
        f"{numbered('reaction', command.reactions)}."
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
            "actor": obj.who(),
            "initiative": initiative_ref,
            "plan": plan_ref,
            "reactions": list(reactions),
            "reasoning": reasoning,
        },
    )
    obj.app(write=True).defend_position(command)
    done(f"Position defended: {numbered('reaction', command.reactions)}.")


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
            "actor": obj.who(),
            "initiative": initiative_ref,
            "plan": plan_ref,
            "reactions": list(reactions),
        },
    )
    obj.app(write=True).note_support(command)
    done(f"Support noted: {numbered('reaction', command.reactions)}.")


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
            "actor": obj.who(),
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
        {"actor": obj.who(), "initiative": initiative_ref, "plan": plan_ref}
    )
    done(f"Finalised {plan_ref} in version {version}.")


@plan.command("show")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@as_of_option
@json_option
@pass_context
def plan_show(
    obj: Context, initiative_ref: str, plan_ref: str, as_of: str | None, as_json: bool
) -> None:
    """Show a plan's versions and every reaction with its answer.

    \b
    Example:
      samenspraak plan show city-centre traffic-plan
      samenspraak plan show city-centre traffic-plan --as-of 2026-04-15T12:00+02:00
    """
    p = obj.app(write=False).plan_details(initiative_ref, plan_ref, as_of=as_of)
    if as_json:
        emit_json(p)
        return
    _say_as_of(as_of)
    final = f"final: version {p.final_version}" if p.final_version else "not final"
    click.echo(f"{p.plan}: {p.title}  (group {p.group}; {final})")
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
                    _answer_text(r),
                    r.text,
                ]
                for r in p.reactions
            ],
        )
    )
    if p.unanswered:
        click.echo(f"\nUnanswered: {', '.join(map(str, p.unanswered))}")


def _answer_text(r: Any) -> str:
    if r.withdrawn:
        return "withdrawn"
    if r.answer is None:
        return "UNANSWERED"
    if r.answer.kind in ("adopted", "partly-adopted"):
        return f"{r.answer.kind} in v{r.answer.version}"
    return str(r.answer.kind)


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
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=a_file_to_write,
    help="Write it to this file instead of stdout.",
)
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
        text = (
            "[" + ",\n".join(e.model_dump_json(indent=2) for e in entries) + "]\n"
            if entries
            else "[]\n"
        )
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
    write_file(output, text)
    done(f"Wrote the {len(entries)} reaction(s) of the response report to {output}.")


RESPONSE_FIELDS = (
    "plan", "reaction", "version", "stakeholder", "stance", "channel", "section",
    "meeting", "text", "recorded_at", "outcome", "answer_version", "answer_text",
    "answered_by", "answered_at",
)  # fmt: skip


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
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


def _outcome_text(e: Any) -> str:
    if e.outcome in ("adopted", "partly-adopted"):
        return f"{e.outcome} in v{e.answer_version}"
    return "UNANSWERED" if e.outcome == "unanswered" else str(e.outcome)


# --- decision ------------------------------------------------------------------------


@cli.group()
def decision() -> None:
    """Decision points: put them, take positions, decide."""


@decision.command("put")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("decision_ref", metavar="DECISION", type=REFERENCE)
@click.option("--question", required=True, help="The question put.")
@click.option(
    "--option",
    "options",
    multiple=True,
    required=True,
    metavar="KEY=LABEL",
    help="An option (repeat; consent takes exactly one proposal).",
)
@click.option(
    "--eligible",
    multiple=True,
    required=True,
    type=_choices(StakeholderKind, leaving_out=[StakeholderKind.FACILITATOR]),
    help="A kind of stakeholder who may take part (repeat); the facilitator is "
    "independent and takes no part.",
)
@click.option(
    "--rule", type=_choices(DecisionRule), required=True, help="How it is decided."
)
@click.option("--closes-at", help="Closing time with timezone.")
@pass_context
def decision_put(
    obj: Context,
    initiative_ref: str,
    decision_ref: str,
    question: str,
    options: Sequence[str],
    eligible: Sequence[str],
    rule: str,
    closes_at: str | None,
) -> None:
    """Put a decision point to the stakeholders (facilitator).

    \b
    Example:
      samenspraak --as facilitator decision put city-centre first-priority \\
        --question "What comes first?" --option square="A car-free square" \\
        --option green="Greener streets" --eligible resident --eligible entrepreneur \\
        --rule plurality --closes-at 2027-02-28T23:59+01:00
    """
    parsed = []
    for option in options:
        key, sep, label = option.partition("=")
        if not sep:
            msg = f"An option is given as KEY=LABEL; {option!r} has no '='."
            raise click.UsageError(msg)
        parsed.append({"key": key, "label": label})
    obj.app(write=True).put_decision_point(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "decision": decision_ref,
            "question": question,
            "options": parsed,
            "eligible": list(eligible),
            "rule": rule,
            "closes_at": closes_at,
        }
    )
    done(f"Put the decision point {decision_ref} ({rule}).")


@decision.command("take")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("decision_ref", metavar="DECISION", type=REFERENCE)
@click.argument("option", type=REFERENCE)
@click.option("--reason", help="Why (required for an objection).")
@pass_context
def decision_take(
    obj: Context,
    initiative_ref: str,
    decision_ref: str,
    option: str,
    reason: str | None,
) -> None:
    """Take a position on an open decision point (a later one replaces it).

    For consent, take the proposal's key to consent or 'object' with --reason.

    \b
    Example:
      samenspraak --as bakery decision take city-centre first-priority square
    """
    obj.app(write=True).take_position(
        {
            "actor": obj.who(),
            "initiative": initiative_ref,
            "decision": decision_ref,
            "option": option,
            "reason": reason,
        }
    )
    done(f"Position taken on {decision_ref}: {option}.")


@decision.command("decide")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("decision_ref", metavar="DECISION", type=REFERENCE)
@pass_context
def decision_decide(obj: Context, initiative_ref: str, decision_ref: str) -> None:
    """Decide a decision point by its rule (facilitator); prints the outcome.

    \b
    Example:
      samenspraak --as facilitator decision decide city-centre first-priority
    """
    outcome = obj.app(write=True).decide(
        {"actor": obj.who(), "initiative": initiative_ref, "decision": decision_ref}
    )
    click.echo(outcome or "no decision")
    done(f"{decision_ref} decided: {outcome or 'no decision'}.")


@decision.command("withdraw")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("decision_ref", metavar="DECISION", type=REFERENCE)
@pass_context
def decision_withdraw(obj: Context, initiative_ref: str, decision_ref: str) -> None:
    """Withdraw an open decision point (facilitator).

    \b
    Example:
      samenspraak --as facilitator decision withdraw city-centre first-priority
    """
    obj.app(write=True).withdraw_decision_point(
        {"actor": obj.who(), "initiative": initiative_ref, "decision": decision_ref}
    )
    done(f"Withdrew {decision_ref}.")


@decision.command("show")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("decision_ref", metavar="DECISION", type=REFERENCE)
@as_of_option
@json_option
@pass_context
def decision_show(
    obj: Context,
    initiative_ref: str,
    decision_ref: str,
    as_of: str | None,
    as_json: bool,
) -> None:
    """Show a decision point: options, who may take part, positions and tally.

    \b
    Example:
      samenspraak decision show city-centre budget-first-part
      samenspraak decision show city-centre first-priority --as-of 2026-02-20T12:00+01:00
    """
    d = obj.app(write=False).decision_details(initiative_ref, decision_ref, as_of=as_of)
    if as_json:
        emit_json(d)
        return
    _say_as_of(as_of)
    click.echo(f"{d.decision}: {d.question}")
    click.echo(f"  rule: {d.rule}    eligible: {', '.join(d.eligible)}")
    closes = d.closes_at.isoformat(timespec="minutes") if d.closes_at else "-"
    click.echo(f"  closes at: {closes}    state: {d.state}")
    if d.state == "decided":
        click.echo(
            f"  outcome: {d.outcome or 'no decision'}    tally: {tally_text(d.tally)}"
        )
    click.echo(section("Options"))
    click.echo(table(["key", "label"], [[o.key, o.label] for o in d.options]))
    click.echo(section("Positions"))
    click.echo(
        table(
            ["stakeholder", "option", "reason"],
            [
                [
                    p.stakeholder,
                    p.option if p.counted else f"{p.option} (left; not counted)",
                    p.reason,
                ]
                for p in d.positions
            ],
        )
    )


@decision.command("list")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def decision_list(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List an initiative's decision points with their outcomes.

    \b
    Example:
      samenspraak decision list city-centre
    """
    list_section(obj, initiative_ref, "decisions", as_json, decision_table)


# --- todo ----------------------------------------------------------------------------


@cli.command("todo")
@json_option
@pass_context
def todo(obj: Context, as_json: bool) -> None:
    """Show what is next for you (--as REF), in every initiative you take part in.

    A facilitator sees reactions still to answer, decision points ready to
    decide, a phase whose guards all hold, a council not yet informed and the
    deadlines of the coming week. Others see the decision points they may take
    a position on, the plans open for their reactions, meetings ahead and
    answers to their reactions. Items with a due date come first.

    \b
    Example:
      samenspraak --as facilitator todo
      samenspraak --as bakery todo --json
    """
    actor = obj.who()
    items = obj.app(write=False).todo(actor)
    if as_json:
        emit_json(items)
        return
    if not items:
        done(f"Nothing to do for {actor}.")
        return
    click.echo(
        table(
            ["due", "initiative", "kind", "subject", "what"],
            [[i.due, i.initiative, i.kind, i.subject, i.text] for i in items],
            whole=(4,),
        )
    )


# --- export and replay ---------------------------------------------------------------


# --- deadlines ------------------------------------------------------------------------


@plan.command("period")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("plan_ref", metavar="PLAN", type=REFERENCE)
@click.option("--closes-at", metavar="TIME", help="Closing time with timezone.")
@click.option(
    "--days", type=click.IntRange(1, 3650), metavar="N", help="Closes in N days."
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
        "actor": obj.who(),
        "initiative": initiative_ref,
        "plan": plan_ref,
    }
    if closes_at is not None:
        command["closes_at"] = closes_at
    if days is not None:
        command["days"] = days
    until = obj.app(write=True).open_reaction_period(command)
    done(
        f"Opened a reaction period on {plan_ref} until "
        f"{until.isoformat(timespec='minutes')}."
    )


@cli.command("tick")
@json_option
@pass_context
def tick(obj: Context, as_json: bool) -> None:
    """Close everything whose deadline has passed: decision points (decided by their
    rule) and reaction periods, in deadline order.

    Each closing is recorded as an event by the system, dated at its deadline.
    Running it again adds nothing, so it is safe to run from cron; it needs no
    --as.

    \b
    Example:
      samenspraak --db city.db tick
      */5 * * * * samenspraak --db /path/city.db tick   (crontab)
    """
    closed = obj.app(write=False).tick()
    if as_json:
        emit_json(closed)
        return
    if not closed:
        click.echo("Nothing was due.")
        return
    for item in closed:
        what = (
            f"decision point {item.subject}"
            if item.kind == "decision-point"
            else f"the reaction period of {item.subject}"
        )
        line = (
            f"Closed {what} in {item.initiative} at "
            f"{item.deadline.isoformat(timespec='minutes')}"
        )
        if item.kind == "decision-point":
            line += f": {item.outcome or 'no decision'}"
        click.echo(line + ".")


@cli.command("export")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    metavar="BUNDLE",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=a_file_to_write,
    help="The bundle file to write (a ZIP); it must not exist yet.",
)
@json_option
@pass_context
def export(obj: Context, initiative_ref: str, output: Path, as_json: bool) -> None:
    """Export one initiative to a bundle file (a ZIP), for archiving or replay.

    The bundle holds the initiative's events exactly as stored, the texts they
    refer to, the names of the people in them (never contact details) and a
    manifest with the initiative's chain head. Publish the head it prints, so that
    whoever replays the bundle can check it (replay --head).

    \b
    Example:
      samenspraak export city-centre -o city-centre.zip
    """
    app = obj.app(write=False)
    try:
        summary = app.export_initiative(initiative_ref, str(output))
    except OSError as error:
        raise cannot_write(output, error) from None
    if as_json:
        emit_json(summary)
    done(
        f"Exported {summary.initiative} to {output}: {summary.events} events, "
        f"{summary.texts} texts, {summary.stakeholders} stakeholders; "
        f"head {summary.head}."
    )


@cli.command("replay")
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--head", metavar="POS:HASH", help="A published head to check.")
@json_option
@pass_context
def replay(obj: Context, bundle: Path, head: str | None, as_json: bool) -> None:
    """Rebuild an initiative from a bundle in a new, empty database (--db).

    The whole bundle is verified first (its chain against its head, every text
    against its commitment); nothing is written when it does not verify.

    \b
    Example:
      samenspraak --db copy.db replay city-centre.zip
      samenspraak --db copy.db replay city-centre.zip \\
        --head "$(samenspraak audit head city-centre)"
    """
    summary = Samenspraak.replay(str(bundle), obj.db, head=head)
    if as_json:
        emit_json(summary)
    done(
        f"Replayed {summary.initiative} into {without_password(obj.db)}: "
        f"{summary.events} events, "
        f"{summary.texts} texts, {summary.stakeholders} stakeholders; "
        f"head {summary.head}."
    )
    if summary.published_head not in (None, summary.bundle_head):
        done(
            f"Everything up to the published head {summary.published_head} is as it "
            f"was published; {summary.recorded_after} event(s) were recorded after it."
        )
    if summary.unchecked_stakeholders:
        done(
            f"The references and names of {summary.unchecked_stakeholders} "
            "stakeholder(s) could not be checked: they were recorded before the "
            "events committed to who is who."
        )


# --- report --------------------------------------------------------------------------


@cli.command("report")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "--format",
    "fmt",
    type=OneLineChoice(["md", "html", "json"]),
    default="md",
    show_default=True,
    help="Markdown, one self-contained HTML page, or JSON.",
)
@click.option(
    "--lang",
    type=OneLineChoice(["nl", "en"]),
    default="nl",
    show_default=True,
    help="Dutch or English wording (JSON has none).",
)
@as_of_option
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=a_file_to_write,
    help="Write the report to this file instead of stdout.",
)
@pass_context
def report(
    obj: Context,
    initiative_ref: str,
    fmt: str,
    lang: str,
    as_of: str | None,
    output: Path | None,
) -> None:
    """Write the participation report (participatieverslag) of an initiative.

    How the process was designed, who took part, every meeting, every plan version
    and what changed, every reaction with its answer (the response report), the
    decision points, what went to the council, the budget, and the audit heads the
    report was built from. With --as-of, the report as it stood then.

    \b
    Example:
      samenspraak report city-centre --format html -o participatieverslag.html
      samenspraak report city-centre --lang en --as-of 2026-03-01T12:00+01:00
    """
    from samenspraak.application.report_render import (  # noqa: PLC0415
        render_html,
        render_json,
        render_markdown,
    )

    found = obj.app(write=False).participation_report(initiative_ref, as_of=as_of)
    if fmt == "json":
        text = render_json(found)
    elif fmt == "html":
        text = render_html(found, lang)
    else:
        text = render_markdown(found, lang)
    moment = f"as of {found.as_of.isoformat()}" if found.as_of else "as it stands"
    what = (
        f"The participation report of {found.initiative} ({moment}), built from "
        f"audit head {found.built_from.initiative_head}"
    )
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        done(f"{what}.")
        return
    write_file(output, text)
    done(f"{what}, written to {output}.")


# --- template ------------------------------------------------------------------------


@cli.group("template")
def template_group() -> None:
    """Process templates: the phases of an initiative and who may do what."""


@template_group.command("list")
@json_option
def template_list(as_json: bool) -> None:
    """List the installed templates, each version on its own line.

    \b
    Example:
      samenspraak template list
    """
    items = [templates.summary(t) for t in templates.installed().all()]
    if as_json:
        emit_json(items)
        return
    click.echo(
        table(
            ["template", "version", "content hash", "phases"],
            [
                [i.name, i.version, i.content_hash[:12], ", ".join(i.phases)]
                for i in items
            ],
            whole=(3,),
        )
    )


@template_group.command("show")
@click.argument("name", type=REFERENCE)
@click.option(
    "--version", "version", metavar="V", help="A version (default: the latest)."
)
@json_option
def template_show(name: str, version: str | None, as_json: bool) -> None:
    """Show one template: its phases and who may do what.

    \b
    Example:
      samenspraak template show overheidsparticipatie
      samenspraak template show overheidsparticipatie --version 1 --json
    """
    process = templates.installed().get(name, version)
    if as_json:
        definition = {**process.definition(), "content_hash": process.content_hash}
        click.echo(json.dumps(definition, indent=2, ensure_ascii=False))
        return
    click.echo(f"{process.name} v{process.version}")
    click.echo(process.description)
    click.echo(f"content hash: {process.content_hash}")
    for number, phase in enumerate(process.phases, start=1):
        notes = []
        if phase.society_only:
            notes.append("society only")
        if phase.reaction_period_days is not None:
            notes.append(f"reactions {phase.reaction_period_days} days")
        click.echo(
            section(
                f"{number}. {phase.name}" + (f" ({'; '.join(notes)})" if notes else "")
            ).rstrip()
        )
        click.echo(f"   {phase.description}")
        if phase.guards:
            click.echo(f"   to leave it: {', '.join(phase.guards)}")
        for role, commands in phase.permissions.items():
            click.echo(f"   {role}: {', '.join(commands) or '(observes)'}")


@template_group.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def template_validate(file: Path) -> None:
    """Check a template file and say where it is wrong.

    Exits 0 when the file is a valid template, 1 with one sentence when not.

    \b
    Example:
      samenspraak template validate my-process.toml
    """
    process = templates.check_template_file(file)
    click.echo(
        f"{file}: valid ({process.name} v{process.version}, "
        f"hash {process.content_hash[:12]})"
    )


# --- diagram -------------------------------------------------------------------------


@cli.command("diagram")
@click.argument("subject", metavar="INITIATIVE|TEMPLATE", type=REFERENCE)
@click.option(
    "--format",
    "fmt",
    type=OneLineChoice(["mermaid", "dot", "svg"]),
    default="mermaid",
    show_default=True,
    help="Mermaid (flowchart), Graphviz DOT, or a self-contained SVG picture.",
)
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=a_file_to_write,
    help="Write the diagram to this file instead of stdout.",
)
@pass_context
def diagram(obj: Context, subject: str, fmt: str, output: Path | None) -> None:
    """Draw a process: its phases in order and the transitions between them.

    The subject is an initiative (its template, with the phase it is in now marked)
    or a template as NAME (its latest version) or NAME@VERSION. Each transition
    is labelled with the guards to leave the phase; society-only phases are
    marked. An initiative is looked up in the database, read only; a template
    needs no database.

    \b
    Example:
      samenspraak diagram city-centre --format svg -o city-centre.svg
      samenspraak diagram omgevingswet@1 --format dot | dot -Tpng > omgevingswet.png
      samenspraak diagram overheidsparticipatie
    """
    from samenspraak.application import NotFound  # noqa: PLC0415
    from samenspraak.application import diagram as diagrams  # noqa: PLC0415

    if database_exists(obj.db):
        text = obj.app(write=False).process_diagram(subject, format=fmt)
    else:
        try:
            text = diagrams.render(diagrams.template_for(subject), fmt=fmt)
        except NotFound as error:
            sentence = str(error)
            if sentence.startswith("No template called"):
                sentence = (
                    f"There is no database at {obj.db} to hold an initiative called "
                    f"{subject}, and n{sentence[1:]}"
                )
            raise NotFound(sentence) from None
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    write_file(output, text)
    done(f"The process diagram of {subject} ({fmt}), written to {output}.")


# --- projections -----------------------------------------------------------------


@cli.group()
def projections() -> None:
    """The read models: where they stand, catching up, rebuilding."""


@projections.command("status")
@json_option
@pass_context
def projections_status(obj: Context, as_json: bool) -> None:
    """Show each view's position against the end of the event log.

    \b
    Example:
      samenspraak projections status
    """
    items = obj.app(write=False).projections_status()
    if as_json:
        emit_json(items)
        return
    click.echo(
        table(
            ["view", "position", "log end", "behind"],
            [[i.view, i.position, i.log_end, i.log_end - i.position] for i in items],
        )
    )


@projections.command("catch-up")
@pass_context
def projections_catch_up(obj: Context) -> None:
    """Apply the events the views have not seen yet (read commands do this too).

    \b
    Example:
      samenspraak projections catch-up
    """
    applied = obj.app(write=False).catch_up()
    for view, count in applied.items():
        done(f"{view}: {count} events applied.")


@projections.command("rebuild")
@pass_context
def projections_rebuild(obj: Context) -> None:
    """Empty the views and build them again from the whole log.

    Refused when the audit trail no longer matches the event store.

    \b
    Example:
      samenspraak projections rebuild
    """
    applied = obj.app(write=False).rebuild_projections()
    for view, count in applied.items():
        done(f"{view}: rebuilt from {count} events.")


# --- audit -----------------------------------------------------------------------


@cli.group()
def audit() -> None:
    """The tamper-evident audit trail: its head, its log, verification."""


@audit.command("head")
@click.argument("initiative_ref", metavar="[INITIATIVE]", required=False)
@pass_context
def audit_head(obj: Context, initiative_ref: str | None) -> None:
    """Print the head of the audit chain as POSITION:SHA256 (or one initiative's).

    Publish it (in a council document, a report) to prove later that nothing up
    to it changed.

    \b
    Example:
      samenspraak audit head
      samenspraak audit head city-centre
    """
    click.echo(str(obj.app(write=False).audit_head(initiative_ref)))


@audit.command("verify")
@click.option("--head", "head", metavar="POS:HASH", help="A published head to check.")
@click.option(
    "--initiative",
    "initiative_ref",
    metavar="INITIATIVE",
    help="Check this initiative's own chain (its heads are in council documents, "
    "reports and exports).",
)
@json_option
@pass_context
def audit_verify(
    obj: Context, head: str | None, initiative_ref: str | None, as_json: bool
) -> None:
    """Recompute the chain from the event store; exit 0 only when it is intact.

    Exits 1 when the record is not intact, and 2 when it could not be checked (a
    malformed head, an unknown initiative, no database), so that a script can tell
    the two apart.

    \b
    Example:
      samenspraak audit verify
      samenspraak audit verify --head "$(samenspraak audit head)"
      samenspraak audit verify --initiative city-centre \\
        --head "$(samenspraak audit head city-centre)"
    """
    try:
        result = obj.app(write=False).verify_audit(head, initiative=initiative_ref)
    except SamenspraakError as error:
        say_refusal(error)
        sys.exit(2)
    if as_json:
        emit_json(result)
    elif result.intact:
        click.echo(f"Intact: {result.checked} events checked; head {result.head}.")
        click.echo(result.proves)
    else:
        click.echo(
            f"NOT INTACT at position {result.first_bad_position}: {result.problem}"
        )
    if not result.intact:
        sys.exit(1)


@audit.command("log")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option("--actor", metavar="REF", help="Only what this stakeholder did.")
@click.option(
    "--event", "event_name", metavar="NAME", help="Only this event, like ReactionAdded."
)
@click.option("--since", metavar="TIME", help="From this time (ISO, with timezone).")
@click.option(
    "--until",
    metavar="TIME",
    help="Up to this time (ISO, with timezone); to the minute, the whole minute.",
)
@click.option("--plan", metavar="PLAN", help="Only what happened to this plan.")
@click.option(
    "--decision", metavar="DECISION", help="Only what happened to this decision point."
)
@json_option
@pass_context
def audit_log(
    obj: Context,
    initiative_ref: str,
    actor: str | None,
    event_name: str | None,
    since: str | None,
    until: str | None,
    plan: str | None,
    decision: str | None,
    as_json: bool,
) -> None:
    """List the audit trail of an initiative, event by event.

    \b
    Example:
      samenspraak audit log city-centre --event ReactionAdded --plan traffic-plan
      samenspraak audit log city-centre --actor facilitator --since 2026-03-01T00:00+01:00
    """
    if actor is not None:
        actor = ref("--actor", actor.strip().lower())  # not --as, the command's actor
    entries = obj.app(write=False).audit_log(
        initiative_ref,
        actor=actor,
        event=event_name,
        since=since,
        until=until,
        plan=plan.strip().lower() if plan is not None else None,
        decision=decision.strip().lower() if decision is not None else None,
    )
    if as_json:
        emit_json(entries)
        return
    click.echo(
        table(
            ["#", "recorded at", "about", "event", "actor", "summary"],
            [
                [
                    e.position,
                    e.recorded_at,
                    e.about
                    if e.aggregate == "initiative"
                    else f"{_ABOUT[e.aggregate]} {e.about}",
                    e.event,
                    e.actor,
                    e.summary,
                ]
                for e in entries
            ],
            whole=[5],
        )
    )


_ABOUT = {"plan": "plan", "decision-point": "decision"}


def main() -> None:
    """The console script: never a traceback, one sentence on failure."""
    try:
        cli.main(prog_name=PROG, standalone_mode=True)
    except SystemExit:
        raise
    except OSError as error:  # a file is named where it is used; else the output
        if error.filename is None:
            click.echo(f"Error: Cannot write the output: {reason_of(error)}.", err=True)
        else:
            click.echo(f"Error: {error.filename}: {reason_of(error)}.", err=True)
        sys.exit(1)
    except Exception as error:
        click.echo(
            f"Error: an unexpected {error.__class__.__name__} stopped the command: "
            f"{error}",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
