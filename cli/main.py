"""The ``samenspraak`` command: a thin adapter over the application.

Each command parses its options, calls one use case or query of
:class:`samenspraak.application.Samenspraak`, and prints the result. Data goes to
stdout, confirmations to stderr. A refusal prints one sentence and exits 1; a usage
error exits 2; nothing is written when a command is refused.
"""

from __future__ import annotations

import os
import shlex
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from samenspraak.application import (
    AlreadyRecorded,
    SamenspraakError,
    templates,
)
from samenspraak.application.config import (
    DB_VARIABLE,
    DEFAULT_DB,
    is_postgres,
    what_the_file_holds,
    without_password,
)
from samenspraak.application.files import reason_of
from samenspraak.application.story import play
from samenspraak.cli.audit import audit, projections
from samenspraak.cli.common import (
    ACTOR_VARIABLE,
    ALREADY_RECORDED,
    TEMPLATES_VARIABLE,
    Context,
    OnceGroup,
    Stopped,
    pass_context,
    print_status,
    say_refusal,
)
from samenspraak.cli.decisions import decision
from samenspraak.cli.implementation import implementation
from samenspraak.cli.imports import import_group
from samenspraak.cli.initiatives import initiative
from samenspraak.cli.meetings import announcement, council, intervention, meeting
from samenspraak.cli.people import group, stakeholder
from samenspraak.cli.plans import plan
from samenspraak.cli.records import (
    diagram,
    export,
    forget_command_ids,
    replay,
    report,
    template_group,
    tick,
    todo,
)
from samenspraak.cli.render import section

PROG = "samenspraak"


ARGUMENTS = "samenspraak.arguments"
"""Where the command line as given is kept, in the context's meta."""


class EngineGroup(OnceGroup):
    """Turns the engine's refusals into one sentence and exit code 1, and says where
    a global option goes when it is given after the command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[ARGUMENTS] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        failed = True
        try:
            result = super().invoke(ctx)
            failed = False
            return result
        except click.NoSuchOption as error:
            hint = self.before_the_command(ctx, error)
            if hint is None:
                raise
            raise click.NoSuchOption(
                error.option_name, f"{error.message} {hint}", ctx=error.ctx
            ) from None
        except SamenspraakError as error:
            say_refusal(error)
            sys.exit(ALREADY_RECORDED if isinstance(error, AlreadyRecorded) else 1)
        finally:
            if isinstance(ctx.obj, Context):
                ctx.obj.close(failed=failed)

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
    metavar="DB",
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
@click.option(
    "--command-id",
    "command_id",
    metavar="ID",
    help="An id of your choice for the command (a UUID): given again with the same "
    "id, it is not recorded twice but exits with 3.",
)
@click.version_option(package_name="samenspraak")
@click.pass_context
def cli(
    ctx: click.Context,
    db: str,
    actor: str | None,
    templates_folder: str | None,
    command_id: str | None,
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
    ctx.obj = Context(db=db, actor=actor, command_id=command_id)


@cli.command()
@pass_context
def demo(obj: Context) -> None:
    """Play the city-centre story into a fresh database and show the result.

    \b
    Example:
      samenspraak --db demo.db demo
    """
    file = Path(obj.db)
    if (
        not is_postgres(obj.db)
        and file.is_file()
        and what_the_file_holds(obj.db) not in ("empty", "record")
    ):  # an empty record (a first command was refused) is fresh enough
        msg = (
            f"{obj.db} already exists; the demo plays into a fresh database: "
            "remove it or pass another --db."
        )
        raise click.ClickException(msg)
    app = obj.app(write=True, anonymous=True, create=True)
    if any(app.store.count_rows().values()):
        msg = (
            f"{without_password(obj.db)} already holds a record; the demo plays into "
            "a fresh database: remove it or pass another --db."
        )
        raise click.ClickException(msg)
    play(app, say=click.echo)
    status = app.initiative_status("city-centre")
    click.echo(section("Where the initiative stands now"))
    print_status(status)
    db = shlex.quote(without_password(obj.db))
    click.echo(
        f"\n{app.stored_event_count()} events recorded in {db}. Try:\n"
        f"  samenspraak --db {db} plan show city-centre traffic-plan\n"
        f"  samenspraak --db {db} decision show city-centre budget-first-part"
    )


cli.add_command(initiative)
cli.add_command(stakeholder)
cli.add_command(group)
cli.add_command(announcement)
cli.add_command(intervention)
cli.add_command(meeting)
cli.add_command(council)
cli.add_command(implementation)
cli.add_command(plan)
cli.add_command(import_group)
cli.add_command(decision)
cli.add_command(todo)
cli.add_command(tick)
cli.add_command(forget_command_ids)
cli.add_command(export)
cli.add_command(replay)
cli.add_command(report)
cli.add_command(template_group)
cli.add_command(diagram)
cli.add_command(projections)
cli.add_command(audit)


DEBUG_VARIABLE = "SAMENSPRAAK_DEBUG"
"""Set to 1, an unexpected error prints its traceback too (for a bug report)."""


STOPPED = (
    "Stopped: the command was ended before it finished; what it was in the "
    "middle of writing was not kept."
)
"""What a command says when ``kill`` (SIGTERM) ends it."""


def _stop(signum: int, _frame: object) -> None:
    raise Stopped(signum)


def main() -> None:
    """The console script: never a traceback, one sentence on failure."""
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        cli.main(prog_name=PROG, standalone_mode=True)
    except SystemExit:
        raise
    except Stopped:
        click.echo(STOPPED, err=True)
        sys.exit(128 + signal.SIGTERM)
    except OSError as error:  # a file is named where it is used; else the output
        if error.filename is None:
            click.echo(f"Error: Cannot write the output: {reason_of(error)}.", err=True)
        else:
            click.echo(f"Error: {error.filename}: {reason_of(error)}.", err=True)
        sys.exit(1)
    except Exception as error:
        debug = os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0")
        click.echo(
            f"Error: an unexpected {error.__class__.__name__} stopped the command: "
            f"{str(error).rstrip('.')}"
            + ("." if debug else f" ({DEBUG_VARIABLE}=1 shows the details)."),
            err=True,
        )
        if debug:
            traceback.print_exc()
        sys.exit(1)
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
