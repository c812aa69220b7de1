"""What is next, deadlines, export and replay, the report, templates and
diagrams.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from samenspraak.application import (
    Samenspraak,
    templates,
)
from samenspraak.application.config import (
    database_exists,
    without_password,
)
from samenspraak.cli.common import (
    REFERENCE,
    Context,
    OnceCommand,
    OnceGroup,
    OneLineChoice,
    a_file_to_read,
    a_file_to_write,
    as_of_option,
    cannot_write,
    done,
    json_option,
    output_option,
    pass_context,
    write_file,
)
from samenspraak.cli.render import continued, emit_json, section, table, visible
from samenspraak.domain.clock import on_dutch_clocks
from samenspraak.domain.rules import counted


@click.command("todo", cls=OnceCommand)
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


@click.command("forget-command-ids", cls=OnceCommand)
@click.option(
    "--before",
    metavar="TIME",
    required=True,
    help="Forget the ids of the commands recorded before this time (ISO, with "
    "timezone; not in the future).",
)
@pass_context
def forget_command_ids(obj: Context, before: str) -> None:
    """Forget the ids given with --command-id to the commands recorded before a
    time: the database keeps them as long as the record otherwise. A command given
    again afterwards with one of them is recorded again, so forget only ids whose
    retries are over. Records no event; needs no --as.

    \b
    Example:
      samenspraak --db city.db forget-command-ids --before 2026-10-01T00:00+02:00
    """
    forgotten = obj.app(write=False).forget_command_ids(before)
    done(
        f"Forgot {counted(forgotten, 'command id', 'command ids')} recorded before "
        f"{before.strip()}."
    )


@click.command("tick", cls=OnceCommand)
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
        line = f"Closed {what} in {item.initiative} at {on_dutch_clocks(item.deadline)}"
        if item.kind == "decision-point":
            line += f": {item.outcome or 'no decision'}"
        click.echo(line + ".")


@click.command("export", cls=OnceCommand)
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    metavar="BUNDLE",
    type=click.Path(path_type=Path),
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


@click.command("replay", cls=OnceCommand)
@click.argument("bundle", type=click.Path(path_type=Path), callback=a_file_to_read)
@click.option(
    "--head", metavar="POS:HASH", help="The published head the bundle must end at."
)
@click.option(
    "--earlier-head",
    metavar="POS:HASH",
    help="A head published before the export (such as the council's): the bundle "
    "must pass through it.",
)
@json_option
@pass_context
def replay(
    obj: Context,
    bundle: Path,
    head: str | None,
    earlier_head: str | None,
    as_json: bool,
) -> None:
    """Rebuild an initiative from a bundle in a new, empty database (--db).

    The whole bundle is verified first (its chain against its head, every text
    against its commitment); nothing is written when it does not verify. With
    --head, the bundle must end at that published head; with --earlier-head (one
    published before the export, such as the head recorded when the council was
    informed), its chain must pass through it.

    \b
    Example:
      samenspraak --db copy.db replay city-centre.zip
      samenspraak --db copy.db replay city-centre.zip \\
        --head "$(samenspraak audit head city-centre)"
    """
    obj.takes_no_command_id()
    summary = Samenspraak.replay(
        str(bundle), obj.db, head=head, earlier_head=earlier_head
    )
    if as_json:
        emit_json(summary)
    done(
        f"Replayed {summary.initiative} into {without_password(obj.db)}: "
        f"{summary.events} events, "
        f"{summary.texts} texts, {summary.stakeholders} stakeholders; "
        f"head {summary.head}."
    )
    if earlier_head is not None:
        done(
            f"Everything up to the earlier head {summary.published_head} is as it "
            f"was published; "
            f"{counted(summary.recorded_after, 'event was', 'events were')} "
            "recorded after it."
        )
    if summary.published_head is not None:
        given = int(summary.published_head.partition(":")[0])
        if summary.published_at != given:
            done(
                f"The head's hash is at position {summary.published_at} of the "
                f"bundle's log, not {given}: the hash does not cover positions, so "
                "either that log was numbered anew (a replayed copy's is) or the "
                "head's position was written down wrong."
            )
    if summary.unchecked_stakeholders:
        done(
            "The references and names of "
            f"{counted(summary.unchecked_stakeholders, 'stakeholder', 'stakeholders')}"
            " could not be checked: the events commit to no reference or name of "
            "theirs (recorded before the events committed to who is who, or brought "
            "in without a name by an import of an earlier version)."
        )


@click.command("report", cls=OnceCommand)
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
@output_option("the report")
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
    moment = f"as of {on_dutch_clocks(found.as_of)}" if found.as_of else "as it stands"
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


@click.group("template", cls=OnceGroup)
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
    "--version",
    "version",
    metavar="V",
    type=REFERENCE,
    help="A version (default: the latest).",
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
    click.echo(visible(process.description))
    click.echo(f"content hash: {process.content_hash}")
    for number, phase in enumerate(process.phases, start=1):
        notes = []
        if phase.society_only:
            notes.append("society only")
        if phase.reaction_period_days is not None:
            days = phase.reaction_period_days
            notes.append(f"reactions {days} day{'' if days == 1 else 's'}")
        click.echo(
            section(
                f"{number}. {phase.name}" + (f" ({'; '.join(notes)})" if notes else "")
            ).rstrip()
        )
        for line in continued("   ", phase.description, indent="   "):
            click.echo(line)
        if phase.guards:
            click.echo(f"   to leave it: {', '.join(phase.guards)}")
        for role, commands in phase.permissions.items():
            click.echo(f"   {role}: {', '.join(commands) or '(observes)'}")


@template_group.command("validate")
@click.argument("file", type=click.Path(path_type=Path), callback=a_file_to_read)
def template_validate(file: Path) -> None:
    """Check a template file and say where it is wrong.

    Exits 0 when the file is a valid template; 1 when not, with a line for each
    problem found.

    \b
    Example:
      samenspraak template validate my-process.toml
    """
    try:
        process = templates.check_template_file(file)
    except templates.TemplateError as error:
        for problem in error.every_problem():
            click.echo(f"Error: {problem}", err=True)
        sys.exit(1)
    click.echo(
        f"{file}: valid ({process.name} v{process.version}, "
        f"hash {process.content_hash[:12]})"
    )


@click.command("diagram", cls=OnceCommand)
@click.argument("subject", metavar="INITIATIVE|TEMPLATE", type=REFERENCE)
@click.option(
    "--format",
    "fmt",
    type=OneLineChoice(["mermaid", "dot", "svg"]),
    default="mermaid",
    show_default=True,
    help="Mermaid (flowchart), Graphviz DOT, or a self-contained SVG picture.",
)
@output_option("the diagram")
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
