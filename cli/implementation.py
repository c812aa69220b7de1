"""``samenspraak implementation``: carrying out what was decided."""

from __future__ import annotations

import click

from samenspraak.cli.common import (
    OPTION_REFERENCE,
    REFERENCE,
    Context,
    OnceGroup,
    WholeNumber,
    choices_of,
    done,
    implementation_table,
    json_option,
    list_section,
    pass_context,
)
from samenspraak.domain.initiative import STOPPED
from samenspraak.domain.values import (
    ImplementationStatus,
)


@click.group(cls=OnceGroup)
def implementation() -> None:
    """Carrying out what was decided: actions with an owner, progress and status."""


@implementation.command("add")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("action", type=REFERENCE)
@click.option("--title", required=True, help="What is carried out.")
@click.option(
    "--owner",
    type=OPTION_REFERENCE,
    metavar="STAKEHOLDER",
    help="The stakeholder who owns the action.",
)
@click.option(
    "--group",
    "group_ref",
    type=OPTION_REFERENCE,
    metavar="GROUP",
    help="The group that owns the action.",
)
@click.option(
    "--allocation",
    type=WholeNumber(1),
    metavar="N",
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
    if owner is not None and group_ref is not None:
        msg = (
            "Give the owner with either --owner STAKEHOLDER or --group GROUP, not both."
        )
        raise click.UsageError(msg)
    if owner is None and group_ref is None:
        msg = "Give the owner with either --owner STAKEHOLDER or --group GROUP."
        raise click.UsageError(msg)
    obj.app(write=True).add_implementation_action(
        {
            **obj.giving(),
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
    type=WholeNumber(0, 100),
    metavar="N",
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
            **obj.giving(),
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
    type=choices_of(ImplementationStatus),
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
    if status in STOPPED and (reason is None or not reason.strip()):
        msg = f"Give the reason with --reason: putting {action} {status} says why."
        raise click.UsageError(msg)
    obj.app(write=True).change_implementation_status(
        {
            **obj.giving(),
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
        lambda items: implementation_table(items) if items else "(none)",
    )
