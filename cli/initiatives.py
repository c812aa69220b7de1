"""``samenspraak initiative``: start, read, advance, migrate, fund and close an
initiative.
"""

from __future__ import annotations

from decimal import Decimal

import click

from samenspraak.cli.common import (
    OPTION_REFERENCE,
    REFERENCE,
    Context,
    OnceGroup,
    as_of_option,
    choices_of,
    done,
    json_option,
    pass_context,
    print_status,
    say_as_of,
)
from samenspraak.cli.render import emit_json, table
from samenspraak.domain.rules import counted
from samenspraak.domain.values import (
    ParticipationLevel,
)


@click.group(cls=OnceGroup)
def initiative() -> None:
    """Start, follow and close participation processes (initiatives)."""


@initiative.command("start")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option("--title", required=True, help="The initiative's title.")
@click.option("--description", required=True, help="What it is about.")
@click.option("--area", required=True, help="The area it concerns.")
@click.option(
    "--budget", metavar="AMOUNT", required=True, help="Budget in euros, like 250000.00."
)
@click.option(
    "--level",
    type=choices_of(ParticipationLevel),
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
        **obj.giving(),
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
        say_as_of(as_of)
        print_status(status)


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
        {**obj.giving(), "initiative": initiative_ref}
    )
    done(f"{initiative_ref} is now in the phase {phase}.")


@initiative.command("migrate")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "--template",
    "template_ref",
    metavar="NAME[@VERSION]",
    type=REFERENCE,
    required=True,
    help="The installed template (and version) to move to; NAME is its newest version.",
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
        {**obj.giving(), "initiative": initiative_ref, "template": template_ref}
    )
    name, _, version = template_ref.partition("@")
    process = app.templates.get(name, version or None)
    done(
        f"{initiative_ref} now follows {process.name} v{process.version} "
        f"(hash {content_hash[:12]})."
    )


@initiative.command("allocate")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.option(
    "--amount", metavar="AMOUNT", required=True, help="Amount in euros, like 150000.00."
)
@click.option("--purpose", required=True, help="What the money is for.")
@click.option(
    "--decision",
    type=OPTION_REFERENCE,
    metavar="DECISION",
    required=True,
    help="The decision point it follows from.",
)
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
            **obj.giving(),
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
    closing = obj.app(write=True).close_initiative(
        {**obj.giving(), "initiative": initiative_ref, "outcome": outcome}
    )
    if not closing.early:
        done(f"Closed {initiative_ref}.")
        return
    left = (
        f"; {counted(closing.unanswered, 'reaction stays', 'reactions stay')} "
        "unanswered in the record"
        if closing.unanswered
        else ""
    )
    done(
        f"Closed {initiative_ref} early, in the phase {closing.phase} (before the "
        f"last phase of its template){left}."
    )
