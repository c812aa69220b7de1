"""``samenspraak decision``: decision points, positions and decisions."""

from __future__ import annotations

from collections.abc import Sequence

import click

from samenspraak.cli.common import (
    ERASED,
    OPTION_REFERENCE,
    REFERENCE,
    Context,
    OnceGroup,
    as_of_option,
    choices_of,
    decision_table,
    done,
    json_option,
    list_section,
    pass_context,
    say_as_of,
)
from samenspraak.cli.render import emit_json, section, table, tally_text
from samenspraak.domain.clock import on_dutch_clocks
from samenspraak.domain.values import (
    DecisionRule,
    StakeholderKind,
)


@click.group(cls=OnceGroup)
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
    type=choices_of(StakeholderKind, leaving_out=[StakeholderKind.FACILITATOR]),
    help="A kind of stakeholder who may take part (repeat); the facilitator is "
    "independent and takes no part.",
)
@click.option(
    "--rule", type=choices_of(DecisionRule), required=True, help="How it is decided."
)
@click.option("--closes-at", metavar="TIME", help="Closing time with timezone.")
@click.option(
    "--quorum",
    metavar="PERCENT",
    help="With majority or plurality: the share of those who may take part who "
    "must take a position for there to be a decision (1 to 100).",
)
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
    quorum: str | None,
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
    app = obj.app(write=True)
    app.put_decision_point(
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "decision": decision_ref,
            "question": question,
            "options": parsed,
            "eligible": list(eligible),
            "rule": rule,
            "closes_at": closes_at,
            "quorum": quorum,
        }
    )
    # The quorum as recorded (40 for '+40' or ' 40'), not as typed.
    recorded = (
        app.decision_details(initiative_ref, decision_ref).quorum
        if quorum is not None
        else None
    )
    done(
        f"Put the decision point {decision_ref} ({rule}"
        + (f", quorum {recorded}%" if recorded is not None else "")
        + ")."
    )


@decision.command("take")
@click.argument("initiative_ref", metavar="INITIATIVE", type=REFERENCE)
@click.argument("decision_ref", metavar="DECISION", type=REFERENCE)
@click.argument("option", type=REFERENCE)
@click.option("--reason", help="Why (required for an objection).")
@click.option(
    "--for",
    "for_ref",
    type=OPTION_REFERENCE,
    metavar="REF",
    help="Record it for this stakeholder (facilitator).",
)
@click.option(
    "--given",
    metavar="TIME",
    help="With --for, when it was given, with timezone: it counts from then.",
)
@pass_context
def decision_take(
    obj: Context,
    initiative_ref: str,
    decision_ref: str,
    option: str,
    reason: str | None,
    for_ref: str | None,
    given: str | None,
) -> None:
    """Take a position on an open decision point (a later one replaces it).

    For consent, take the proposal's key to consent or 'object' with --reason.
    The facilitator records a position given another way (a paper form, a show
    of hands at a meeting) with --for; it counts from when it was given
    (--given), so that one given before the closing time is on time, whenever it
    is recorded.

    \b
    Example:
      samenspraak --as bakery decision take city-centre first-priority square
      samenspraak --as facilitator decision take city-centre first-priority green \
        --for resident-kerkstraat --given 2027-02-20T20:30+01:00
    """
    obj.app(write=True).take_position(
        {
            **obj.giving(),
            "initiative": initiative_ref,
            "decision": decision_ref,
            "option": option,
            "reason": reason,
            "for": for_ref,
            "given_at": given,
        }
    )
    if for_ref is None:
        done(f"Position taken on {decision_ref}: {option}.")
    else:
        done(f"Recorded the position of {for_ref} on {decision_ref}: {option}.")


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
        {**obj.giving(), "initiative": initiative_ref, "decision": decision_ref}
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
        {**obj.giving(), "initiative": initiative_ref, "decision": decision_ref}
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
    say_as_of(as_of)
    click.echo(f"{d.decision}: {d.question if d.question is not None else ERASED}")
    reached = {None: "", True: " (reached)", False: " (not reached: no decision)"}
    quorum = (
        f"    quorum: {d.quorum}%{reached[d.quorum_reached]}"
        if d.quorum is not None
        else ""
    )
    click.echo(f"  rule: {d.rule}    eligible: {', '.join(d.eligible)}{quorum}")
    closes = on_dutch_clocks(d.closes_at) if d.closes_at else "-"
    state = d.state
    if d.deadline_passed:
        state += (
            " (its deadline passed; it closes when the deadlines are next run: "
            "samenspraak tick)"
        )
    click.echo(f"  closes at: {closes}    state: {state}")
    if d.state == "decided":
        click.echo(
            f"  outcome: {d.outcome or 'no decision'}    tally: {tally_text(d.tally)}"
        )
    click.echo(section("Options"))
    labels = [[o.key, o.label if o.label is not None else ERASED] for o in d.options]
    click.echo(table(["key", "label"], labels))
    click.echo(section("Positions"))
    click.echo(
        table(
            ["stakeholder", "option", "reason"],
            [
                [
                    p.stakeholder
                    + (f" (recorded by {p.recorded_by})" if p.recorded_by else ""),
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
