"""``samenspraak stakeholder`` and ``samenspraak group``: who takes part, and the
groups they form.
"""

from __future__ import annotations

import click

from samenspraak.application.config import resolve_db
from samenspraak.cli.common import (
    REFERENCE,
    Context,
    OnceGroup,
    choices_of,
    done,
    group_table,
    json_option,
    list_section,
    pass_context,
    stakeholder_table,
)
from samenspraak.cli.render import emit_json
from samenspraak.domain.values import (
    GroupKind,
    StakeholderKind,
)


@click.group(cls=OnceGroup)
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
    obj.app(write=True, create=True).register_stakeholder(
        {**obj.giving(), "stakeholder": ref, "name": name, "contact": contact}
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
        {**obj.giving(), "stakeholder": ref, "texts": texts}
    )
    if not erasure.released:
        _still_in_the_log(obj)
    if as_json:
        emit_json(erasure)
        return
    what = f"; {erasure.texts} of their texts erased" if texts else ""
    if erasure.left:
        what += f"; they left {', '.join(erasure.left)}"
    done(f"Erased the personal data of {ref}, now shown as {erasure.now_named}{what}.")


@stakeholder.command("correct")
@click.argument("ref", type=REFERENCE)
@click.option("--name", help="The corrected name (kept apart from the events).")
@click.option("--contact", help="The corrected contact details (kept apart too).")
@json_option
@pass_context
def stakeholder_correct(
    obj: Context, ref: str, name: str | None, contact: str | None, as_json: bool
) -> None:
    """Correct a stakeholder's name or contact details (AVG: rectification).

    The reference stays. A corrected name is recorded in every initiative they
    took part in (closed ones too), so that the record keeps proving who is who;
    the contact is kept only in the directory, and its correction records no
    event. The stakeholder may ask it themselves; the facilitator of an
    initiative they took part in may do it for them.

    \b
    Example:
      samenspraak --as bakery stakeholder correct bakery \\
        --name "The bakery on the market square"
    """
    obj.who()  # before anything else: without --as, a usage error
    if name is None and contact is None:
        msg = "Give the corrected --name, --contact or both."
        raise click.UsageError(msg)
    correction = obj.app(write=True).correct_stakeholder(
        {**obj.giving(), "stakeholder": ref, "name": name, "contact": contact}
    )
    if not correction.released:
        _still_in_the_log(obj)
    if as_json:
        emit_json(correction)
        return
    if correction.initiatives:
        where = f"recorded in {', '.join(correction.initiatives)}"
    elif correction.name_corrected:
        where = "no initiative records it (they took part in none)"
    else:
        where = "no initiative records it (the contact is kept only in the directory)"
    done(f"Corrected the personal data of {ref}; {where}.")


def _still_in_the_log(obj: Context) -> None:
    """What an erasure or a correction overwrote is still in the write-ahead log."""
    done(
        f"A copy of what it overwrote is still in {resolve_db(obj.db)}-wal: another "
        "program held a read of the record open for longer than the lock timeout. "
        "It goes at the next erasure or correction, or once every program that "
        "has the record open has closed it."
    )


@stakeholder.command("join")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("ref", type=REFERENCE)
@click.option(
    "--kind", type=choices_of(StakeholderKind), required=True, help="Who they are."
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
            **obj.giving(),
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
        {**obj.giving(), "initiative": initiative_ref, "stakeholder": ref}
    )
    done(f"{ref} left {initiative_ref}.")


@stakeholder.command("list")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@json_option
@pass_context
def stakeholder_list(obj: Context, initiative_ref: str, as_json: bool) -> None:
    """List who takes part in an initiative (and who took part), with kind and name.

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


@click.group(cls=OnceGroup)
def group() -> None:
    """Form steering and working groups and compose them."""


@group.command("form")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("group_ref", metavar="GROUP", type=REFERENCE)
@click.option(
    "--kind", type=choices_of(GroupKind), required=True, help="steering or working."
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
            **obj.giving(),
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
            **obj.giving(),
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
            **obj.giving(),
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
