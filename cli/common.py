"""What the commands share: the context, parameter types, options, file
writing and the tables they print.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from samenspraak.application import (
    InvalidInput,
    NotFound,
    Samenspraak,
    SamenspraakError,
    templates,
)
from samenspraak.application.config import (
    claim_a_new_sqlite_file,
    remove_unless_a_record_is_in,
    resolve_db,
)
from samenspraak.application.files import reason_of, write_whole
from samenspraak.application.inputs import at_fault_too, ref
from samenspraak.cli.render import (
    continued,
    emit_json,
    one_line,
    section,
    short,
    table,
    tally_text,
)
from samenspraak.domain.clock import on_dutch_clocks


class Stopped(BaseException):
    """SIGTERM arrived: unwinds the command so its transactions roll back and its
    temporary files go, as Ctrl-C would. Not an ``Exception``: nothing that
    handles errors on the way may take it for one."""


ACTOR_VARIABLE = "SAMENSPRAAK_ACTOR"


TEMPLATES_VARIABLE = templates.TEMPLATES_VARIABLE


F = TypeVar("F", bound=Callable[..., Any])


def _once_each(command: click.Command, ctx: click.Context, args: list[str]) -> None:
    """An option that takes one value, given more than once, is a usage error: the
    last one would silently win (worst for --as, the actor)."""
    _, _, order = command.make_parser(ctx).parse_args(args=args)
    seen: set[str | None] = set()
    for param in order:
        if not isinstance(param, click.Option) or (
            param.multiple or param.count or param.is_flag
        ):
            continue
        if param.name in seen:
            msg = f"Option '{param.opts[0]}' is given more than once; give it once."
            raise click.UsageError(msg, ctx=ctx)
        seen.add(param.name)


class OnceCommand(click.Command):
    """A command whose single-valued options may be given once."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)
        rest = super().parse_args(ctx, args)
        _once_each(self, ctx, given)
        return rest


class OnceGroup(click.Group):
    """A group whose single-valued options may be given once, as those of its
    commands and groups."""

    command_class = OnceCommand
    group_class = type  # groups made in it are of this class too

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)
        rest = super().parse_args(ctx, args)
        _once_each(self, ctx, given)
        return rest


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


class OptionReference(Reference):
    """A reference given with an option (``--for``, ``--group``, ``--decision``):
    checked here, so that a name given instead is refused naming the option, not
    the engine's field (``--for: must be a reference ..., like the-bakery.``)."""

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        value = super().convert(value, param, ctx)
        if not isinstance(value, str) or param is None or not param.opts:
            return value
        return ref(param.opts[0], value)


OPTION_REFERENCE = OptionReference()


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


class WholeNumber(click.IntRange):
    """A whole number within bounds the command line checks (``--percent``,
    ``--days``, ``--allocation``), refused in words that say what it must be
    (click says ``'x' is not a valid integer range``)."""

    name = "number"

    def __init__(self, least: int, most: int | None = None) -> None:
        super().__init__(least, most)

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        try:
            return super().convert(value, param, ctx)  # int() takes ' 1 ' too
        except click.BadParameter:
            bounds = (
                f" from {self.min} to {self.max}"
                if self.max is not None
                else f", {self.min} or more"
            )
            self.fail(f"must be a whole number{bounds}.", param, ctx)


def choices_of(values: Any, *, leaving_out: Sequence[Any] = ()) -> OneLineChoice:
    """The values of an enumeration as a choice, without those left out."""
    return OneLineChoice([v.value for v in values if v not in leaving_out])


@dataclass
class Context:
    db: str
    actor: str | None
    command_id: str | None = None
    apps: list[Samenspraak] = field(default_factory=list)
    created: Path | None = None
    """The SQLite file this command made (a first registration, the demo)."""

    def app(
        self, *, write: bool, anonymous: bool = False, create: bool = False
    ) -> Samenspraak:
        """Open the record. Only a command that can begin one (``create``:
        registering a stakeholder, the demo) makes a new database; any other
        command acts on what a record holds, and would leave an empty file
        behind.

        A command that records something needs its actor, asked before the
        database is opened, so a usage error creates nothing.
        """
        if write and not anonymous:
            self.who()
        else:
            self.takes_no_command_id()
        if create and self.created is None:
            self.created = claim_a_new_sqlite_file(self.db)
        try:
            app = Samenspraak.open(self.db, create=create)
        except NotFound:  # only a command that cannot begin a record gets here
            msg = (
                f"There is no samenspraak database at {resolve_db(self.db)}; "
                "registering a stakeholder creates one (samenspraak --as REF "
                "stakeholder register REF --name NAME)."
            )
            raise NotFound(msg) from None
        self.apps.append(app)
        return app

    def who(self) -> str:
        """The actor's reference, trimmed and lower-cased as the engine reads it; an
        actor of only spaces is no actor (a usage error, as a missing one is)."""
        if not self.actor or not self.actor.strip():
            msg = f"Say who you are with --as REF (or {ACTOR_VARIABLE})."
            raise click.UsageError(msg)
        return ref("actor", self.actor)

    def giving(self) -> dict[str, str]:
        """Who gives the command, and its id when ``--command-id`` gave one: the
        fields every command that records something starts with."""
        given = {"actor": self.who()}
        if self.command_id is not None:
            given["command_id"] = self.command_id
        return given

    def takes_no_command_id(self) -> None:
        """A command that records no command of its own (one that only shows
        things, tick, demo, replay, the views' upkeep) is given no --command-id:
        a script that meant to record something once would take it as done."""
        if self.command_id is not None:
            name = click.get_current_context().command_path.partition(" ")[2]
            msg = (
                f"--command-id names a command that records something with --as; "
                f"{name} takes none."
            )
            raise click.UsageError(msg)

    def close(self, *, failed: bool = False) -> None:
        """Close the record; a command that failed leaves no file it made
        behind (a refused first registration, say, with a mistyped path)."""
        for app in self.apps:
            app.close()
        if failed and self.created is not None:
            remove_unless_a_record_is_in(self.created)


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
        found = path.read_text(encoding="utf-8-sig")  # without a byte order mark
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
        content = document.read_bytes()
    except OSError as error:
        msg = f"Cannot read {document}: {reason_of(error)}."
        raise click.UsageError(msg) from None
    if not content:
        msg = f"{document} is empty: --document needs the document itself."
        raise click.UsageError(msg)
    return hashlib.sha256(content).hexdigest()


def a_file_to_read(
    ctx: click.Context, param: click.Parameter, value: Path | None
) -> Path | None:
    """A file to read (``--document``, ``--text-file``, a bundle, an export): an
    empty name would be read as the current folder (``Cannot read .``)."""
    if value is not None and str(value) in ("", "."):
        msg = "needs the name of a file to read."
        raise click.BadParameter(msg)
    return value


def a_file_to_write(
    ctx: click.Context, param: click.Parameter, value: Path | None
) -> Path | None:
    """``-o``: the name of a file (an empty name would be the current folder)."""
    if value is not None and str(value) in ("", "."):
        msg = "needs the name of a file to write."
        raise click.BadParameter(msg)
    if value is not None and value.is_dir():
        msg = "is a folder; give the name of a file to write."
        raise click.BadParameter(msg)
    return value


def output_option(what: str) -> Callable[[F], F]:
    """``-o FILE``: write ``what`` to this file instead of stdout."""
    return click.option(
        "-o",
        "--output",
        "output",
        metavar="FILE",
        type=click.Path(path_type=Path),
        callback=a_file_to_write,
        help=f"Write {what} to this file instead of stdout.",
    )


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
    "reason", "changes", "milestone", "note",
)  # fmt: skip
"""Texts given by an option of the same name as the engine's field."""


OPTION_OF_FIELD = {
    "actor": "--as",
    "command_id": "--command-id",
    "starts_at": "--start",
    "informed_at": "--when",
    "intervened_at": "--when",
    "requested_by": "--requested-by",
    "own_initiative": "--own-initiative",
    "quorum": "--quorum",
    "document_sha256": "--sha256",
    "closes_at": "--closes-at",
    "closes_at or days": "--closes-at or --days",
    "as_of": "--as-of",
    "since": "--since",
    "before": "--before",
    "until": "--until",
    "budget": "--budget",
    "amount": "--amount",
    "attendance": "--attendance",
    "percent": "--percent",
    "options": "--option",
    "template": "--template",
    "head": "--head",
    "earlier_head": "--earlier-head",
    "version": "--version",
    "reaction": "--reaction",
    "reactions": "--reaction",
    "meeting": "--meeting",
    "eligible": "--eligible",
    "event": "--event",
    "document_title": "--title",
    "announced_at": "--when",
    "followed_up_at": "--when",
    "set_at": "--when",
    "received_at": "--received",
    "given_at": "--given",
    "source": "--source",
    "after": "--after",
    "hoofd_object": "--hoofd-object",
    "bron": "--bron",
    "applicatie_id": "--applicatie-id",
    "applicatie_weergave": "--applicatie-weergave",
    "framework": "--text",
    "reach": "--reach",
    "informing": "--informing",
    "follow_up": "--follow-up",
    "audience": "--audience",
    "channel": "--channel",
    "text_file": "--text-file",
    **{f: f"--{f}" for f in TEXT_OPTIONS},
}
"""The engine names the field at fault; on the command line, the option that gave it."""


def on_the_command_line(sentence: str) -> str:
    """A refusal of input, naming the option instead of the engine's field, also
    for the other fields it says are at fault too."""
    field, sep, problem = sentence.partition(": ")
    option = _option_of(field)
    if not (sep and option):
        return sentence
    also = _AT_FAULT_TOO.search(problem)
    if also is None:
        return f"{option}: {problem}"
    named = [_option_of(n) or n for n in re.split(r", | and ", also.group(1))]
    others = [o for o in dict.fromkeys(named) if o != option]
    return f"{option}: {problem[: also.start()]}{at_fault_too(others)}."


_AT_FAULT_TOO = re.compile(r" \((.+) (?:is|are) at fault too\)\.$")


def _option_of(field: str) -> str | None:
    return OPTION_OF_FIELD.get(field) or OPTION_OF_FIELD.get(
        field.split(".", maxsplit=1)[0]
    )


ALREADY_RECORDED = 3
"""The exit code of a command given again with the --command-id of one recorded."""


def say_refusal(error: SamenspraakError) -> None:
    """The engine's refusal as one sentence on stderr."""
    sentence = str(error)
    if isinstance(error, InvalidInput):
        sentence = on_the_command_line(sentence)
    click.echo(f"Error: {sentence}", err=True)


def as_of_option(f: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        metavar="TIME",
        help="Show it as it stood then (ISO time with timezone).",
    )(f)


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
    """The meetings, numbered, whether their record was corrected and whether one
    was withdrawn as recorded by mistake; below the table, when and why each
    withdrawn meeting was withdrawn."""
    shown = table(
        [
            "#",
            "starts",
            "kind",
            "attendance",
            "evening/weekend",
            "corrected",
            "withdrawn",
            "place",
        ],
        [
            [
                m.number,
                m.starts_at,
                m.kind,
                m.attendance,
                m.evening_or_weekend,
                bool(m.corrections),
                bool(m.withdrawn),
                m.place,
            ]
            for m in items
        ],
    )
    return "\n".join([shown, *withdrawals("Meeting", items)])


def withdrawals(what: str, items: Sequence[Any]) -> list[str]:
    """Below a table of meetings, announcements or interventions: when (on Dutch
    clocks) and why
    each one withdrawn as recorded by mistake was withdrawn, a line each."""
    return [
        f"{what} {i.number} was withdrawn at "
        f"{on_dutch_clocks(i.withdrawn.withdrawn_at)}: "
        + (one_line(i.withdrawn.reason) if i.withdrawn.reason is not None else ERASED)
        for i in items
        if i.withdrawn
    ]


def announcement_table(items: Sequence[Any]) -> str:
    """The announcements, numbered, whether their record was corrected and
    whether one was withdrawn as recorded by mistake; below the table, when and
    why each withdrawn one was withdrawn."""
    shown = table(
        ["#", "when", "channel", "reach", "corrected", "withdrawn", "audience"],
        [
            [
                a.number,
                a.announced_at,
                a.channel,
                a.reach,
                bool(a.corrections),
                bool(a.withdrawn),
                a.audience,
            ]
            for a in items
        ],
    )
    return "\n".join([shown, *withdrawals("Announcement", items)])


def intervention_table(items: Sequence[Any]) -> str:
    """The facilitator's interventions, numbered, whether their record was
    corrected and whether one was withdrawn as recorded by mistake; below the
    table, when and why each withdrawn one was withdrawn."""
    shown = table(
        ["#", "when", "kind", "asked by", "corrected", "withdrawn", "note"],
        [
            [
                i.number,
                i.intervened_at,
                i.kind,
                f"group {i.group}" if i.group else i.requested_by or "-",
                bool(i.corrections),
                bool(i.withdrawn),
                i.note,
            ]
            for i in items
        ],
    )
    return "\n".join([shown, *withdrawals("Intervention", items)])


def framework_table(items: Sequence[Any], *, whole_hashes: bool = False) -> str:
    """The council's frameworks, numbered, and whether the record of each was
    corrected; the documents' hashes in full, or their first 16 digits. The texts
    are shortened like any text in a table (``--json`` gives them whole)."""
    return table(
        ["#", "set", "corrected", "document sha256", "framework"],
        [
            [
                f.number,
                f.set_at,
                bool(f.corrections),
                "-"
                if f.document_sha256 is None
                else f.document_sha256
                if whole_hashes
                else f.document_sha256[:16] + "...",
                f.framework if f.framework is not None else ERASED,
            ]
            for f in items
        ],
        whole=(3,) if whole_hashes else (),
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


def decision_outcome(d: Any) -> str:
    """What a decision point's outcome column says: the option decided, ``no
    decision`` once decided without one, and ``-`` while open or when withdrawn."""
    if d.outcome:
        return str(d.outcome)
    return "no decision" if d.state == "decided" else "-"


def decision_table(items: Sequence[Any]) -> str:
    return table(
        ["decision", "rule", "state", "outcome", "tally"],
        [
            [d.decision, d.rule, d.state, decision_outcome(d), tally_text(d.tally)]
            for d in items
        ],
    )


def council_table(items: Sequence[Any], *, whole_hashes: bool = False) -> str:
    """What the council was told, numbered, whether its record was corrected, when
    an informing recorded by mistake was withdrawn, and what the council did with
    it; the hashes in full, or their first 16 digits. Each follow-up's summary is
    shortened like any text in a table (``--json`` gives it whole), after the time
    it was followed up; an informing's follow-ups are numbered when it has more
    than one, and one withdrawn says so. Below the table, why each withdrawn
    informing or follow-up was withdrawn."""
    shown = table(
        [
            "#",
            "when",
            "session",
            "corrected",
            "withdrawn",
            "document sha256",
            "document",
            "follow-up",
        ],
        [
            [
                c.number,
                c.informed_at,
                c.session,
                bool(c.corrections),
                bool(c.withdrawn),
                c.document_sha256 if whole_hashes else c.document_sha256[:16] + "...",
                c.document_title,
                "; ".join(
                    (f"{f.number}. " if len(c.follow_ups) > 1 else "")
                    + f"{on_dutch_clocks(f.followed_up_at)}: "
                    + (short(f.summary) if f.summary else ERASED)
                    + (" (withdrawn)" if f.withdrawn else "")
                    for f in c.follow_ups
                )
                or "-",
            ]
            for c in items
        ],
        whole=(5, 7),
    )
    why = [
        f"Informing {c.number} was withdrawn at {on_dutch_clocks(c.withdrawn.withdrawn_at)}: "
        + (one_line(c.withdrawn.reason) if c.withdrawn.reason is not None else ERASED)
        for c in items
        if c.withdrawn
    ] + [
        f"Follow-up {f.number} of informing {c.number} was withdrawn at "
        f"{on_dutch_clocks(f.withdrawn.withdrawn_at)}: "
        + (one_line(f.withdrawn.reason) if f.withdrawn.reason is not None else ERASED)
        for c in items
        for f in c.follow_ups
        if f.withdrawn
    ]
    return "\n".join([shown, *why])


def say_as_of(as_of: str | None) -> None:
    """A time-travelled view says so first: it is not how things stand now."""
    if as_of is not None:
        click.echo(
            f"As it stood at {as_of.strip()} (from the events recorded by then):"
        )


ERASED = "(erased)"
"""A text whose body was erased from the text store, as the AVG may ask."""


def print_status(s: Any) -> None:
    click.echo(f"{s.initiative}: {s.title if s.title is not None else ERASED}")
    click.echo(f"  area: {s.area if s.area is not None else ERASED}")
    click.echo(f"  level: {s.level}    facilitator: {s.facilitator}")
    click.echo(
        f"  process: {s.template.name} v{s.template.version}    phase: {s.phase}"
        + ("    (closed)" if s.closed else "")
    )
    if s.closed:
        outcome = s.outcome if s.outcome is not None else ERASED
        click.echo("\n".join(continued("  outcome: ", outcome)))
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
    if s.interventions:
        click.echo(section("Interventions of the facilitator"))
        click.echo(intervention_table(s.interventions))
    if s.frameworks:
        click.echo(section("Frameworks of the council"))
        click.echo(framework_table(s.frameworks))
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


def reactions_option(f: F) -> F:
    return click.option(
        "--reaction",
        "reactions",
        metavar="N",
        multiple=True,
        required=True,
        help="A reaction number answered (repeat for more).",
    )(f)


def answer_text(r: Any, *, say_late: bool = True) -> str:
    """What became of a reaction: its answer, ``withdrawn``, ``late`` (received
    after the reaction period, needing no answer) or ``UNANSWERED``; an answered
    or withdrawn one received late says so (``defended (late)``), unless
    ``say_late`` is false."""
    late = say_late and getattr(r, "late", False)
    if r.withdrawn:
        return "withdrawn (late)" if late else "withdrawn"
    if r.answer is None:
        return "late" if late else "UNANSWERED"
    if r.answer.kind in ("adopted", "partly-adopted"):
        said = f"{r.answer.kind} in v{r.answer.version}"
    else:
        said = str(r.answer.kind)
    return f"{said} (late)" if late else said
