"""``samenspraak projections`` and ``samenspraak audit``: the read models and the
audit trail.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

import click

from samenspraak.application import (
    Samenspraak,
    SamenspraakError,
)
from samenspraak.application.inputs import ref
from samenspraak.cli.common import (
    OPTION_REFERENCE,
    REFERENCE,
    Context,
    OnceGroup,
    Stopped,
    done,
    json_option,
    pass_context,
    say_refusal,
)
from samenspraak.cli.render import emit_json, table


@click.group(cls=OnceGroup)
def projections() -> None:
    """The read models: where they stand, catching up, verifying, rebuilding."""


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
    for i in items:
        if i.outdated:
            click.echo(
                f"{i.view} was built with logic version {i.built_with} of this view, "
                f"and this version of samenspraak builds version {i.logic_version}: "
                "the first command that reads the views rebuilds it (or samenspraak "
                "projections rebuild)."
            )


@projections.command("catch-up")
@pass_context
def projections_catch_up(obj: Context) -> None:
    """Apply the events the views have not seen yet (read commands do this too).

    \b
    Example:
      samenspraak projections catch-up
    """
    app = obj.app(write=False)
    applied = app.catch_up()
    for view, count in applied.items():
        if view in app.rebuilt_views:
            done(
                f"{view}: rebuilt from the log, as an earlier version of samenspraak "
                f"built it: {count} events applied."
            )
        else:
            done(f"{view}: {count} events applied.")


@projections.command("verify")
@json_option
@pass_context
def projections_verify(obj: Context, as_json: bool) -> None:
    """Check that every view holds what the events give: build them again in a
    scratch database, up to where each view stands, and compare what they hold.
    Changes nothing. Exits 0 only when they agree.

    \b
    Example:
      samenspraak projections verify
    """
    found = obj.app(write=False).verify_projections()
    if as_json:
        emit_json(found)
    elif found.intact:
        click.echo(
            f"The views agree with the events up to position {found.checked}: "
            "built again from them, they hold the same rows."
        )
    if not found.intact:
        if not as_json:
            click.echo(f"Error: {found.problem}", err=True)
        sys.exit(1)


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


@click.group(cls=OnceGroup)
def audit() -> None:
    """The tamper-evident audit trail: its head, its log, verification, and the
    record for other systems (CloudEvents, ZGW AuditTrail)."""


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


def _a_count(least: int, what: str) -> Callable[..., int | None]:
    """A click callback: the option's value as a whole number of at least
    ``least``, or a usage error that says what it must be."""

    def check(
        ctx: click.Context, param: click.Parameter, value: str | None
    ) -> int | None:
        if value is None:
            return None
        text = value.strip()
        if not text.isascii() or not text.isdigit() or int(text) < least:
            raise click.BadParameter(f"must be {what}.", ctx, param)
        return int(text)

    return check


PAGE = 1000
"""Events asked of the engine at a time by ``audit events``."""


def _seconds(ctx: click.Context, param: click.Parameter, value: str) -> float:
    """A click callback: how often ``--follow`` looks, from 0.1 to 3600 seconds."""
    try:
        seconds = float(value.strip())
    except ValueError:
        seconds = -1.0
    if not 0.1 <= seconds <= 3600:
        msg = "must be a number of seconds from 0.1 to 3600, like 2."
        raise click.BadParameter(msg, ctx, param)
    return seconds


@audit.command("events")
@click.argument(
    "initiative_ref", metavar="[INITIATIVE]", type=REFERENCE, required=False
)
@click.option(
    "--source",
    metavar="URI",
    required=True,
    help="This system's name as a URI, like "
    "urn:nld:oin:00000001234567890000:systeem:samenspraak.",
)
@click.option(
    "--after",
    metavar="POSITION",
    default="0",
    callback=_a_count(0, "a log position: 0 or more"),
    help="Only the events after this log position (the last sequence taken).",
)
@click.option(
    "--limit",
    metavar="N",
    callback=_a_count(1, "a whole number, 1 or more"),
    help="At most N events (default: all of them).",
)
@click.option(
    "--follow",
    is_flag=True,
    help="Keep going at the end of the log: print new events as they are "
    "recorded (until --limit; Ctrl-C or kill stops it, with exit 0).",
)
@click.option(
    "--every",
    metavar="SECONDS",
    default="2",
    callback=_seconds,
    help="With --follow, how often to look for new events (default 2).",
)
@pass_context
def audit_events(
    obj: Context,
    initiative_ref: str | None,
    source: str,
    after: int,
    limit: int | None,
    follow: bool,
    every: float,
) -> None:
    """Print the record's events as CloudEvents notifications (NL GOV profile),
    one JSON object per line, in log order: of one initiative, or of all. Each
    carries ids and hashes, never anyone's reference or name; its sequence is its
    log position, to ask for what came after.

    \b
    Example:
      samenspraak audit events city-centre \\
        --source urn:nld:oin:00000001234567890000:systeem:samenspraak --after 40
      samenspraak audit events --source urn:nld:oin:00000001234567890000:systeem:samenspraak --follow
    """
    app = obj.app(write=False)
    try:
        _print_notices(app, source, initiative_ref, after, limit, follow, every)
    except (KeyboardInterrupt, Stopped):
        if not follow:
            raise
        # Ctrl-C or kill is how a follower is stopped: what it printed is whole.


def _print_notices(
    app: Samenspraak,
    source: str,
    initiative_ref: str | None,
    after: int,
    limit: int | None,
    follow: bool,
    every: float,
) -> None:
    """``audit events``' loop: pages of notices, and with ``follow`` a look
    every ``every`` seconds at the end of the log."""
    left = limit
    while left is None or left > 0:
        asked = PAGE if left is None else min(PAGE, left)
        page = app.cloud_events(
            source=source, initiative=initiative_ref, after=after, limit=asked
        )
        for notice in page:
            click.echo(json.dumps(notice, ensure_ascii=False, separators=(",", ":")))
        sys.stdout.flush()  # a receiver reading a pipe gets each page as it comes
        if page:
            after = int(page[-1]["sequence"])
            left = None if left is None else left - len(page)
        if len(page) < asked:  # the end of the log, as it stands
            if not follow:
                return
            time.sleep(every)


@audit.command("zgw")
@click.argument(
    "initiative_ref", metavar="[INITIATIVE]", type=REFERENCE, required=False
)
@click.option(
    "--hoofd-object",
    "hoofd_object",
    metavar="URL",
    required=True,
    help="The URL of the zaak kept for the process (an absolute http or https URL).",
)
@click.option(
    "--bron",
    metavar="CODE",
    required=True,
    help="The ZGW component the trail is shown under: ac, nrc, zrc, ztc, drc, "
    "brc, cmc, kc or vrc (zrc: the Zaken API).",
)
@click.option(
    "--applicatie-id",
    "applicatie_id",
    metavar="TEXT",
    default="samenspraak",
    help="This application's id within the organisation (default samenspraak).",
)
@click.option(
    "--applicatie-weergave",
    "applicatie_weergave",
    metavar="TEXT",
    default="samenspraak",
    help="This application's name as shown (default samenspraak).",
)
@click.option(
    "--after",
    metavar="POSITION",
    default="0",
    callback=_a_count(0, "a log position: 0 or more"),
    help="Only the events after this log position (the last record's "
    "wijzigingen.nieuw.position).",
)
@click.option(
    "--limit",
    metavar="N",
    callback=_a_count(1, "a whole number, 1 or more"),
    help="At most N records (default: all of them).",
)
@pass_context
def audit_zgw(
    obj: Context,
    initiative_ref: str | None,
    hoofd_object: str,
    bron: str,
    applicatie_id: str,
    applicatie_weergave: str,
    after: int,
    limit: int | None,
) -> None:
    """Print the audit trail as ZGW AuditTrail records, as the ZGW APIs give
    theirs: a JSON array with one record per event, each on a line of its own,
    in log order; of one initiative, or of all. Each carries ids, the one-line
    summary and hashes, never anyone's reference or name.

    \b
    Example:
      samenspraak audit zgw city-centre --bron zrc \\
        --hoofd-object https://zaken.example.nl/zaken/api/v1/zaken/<uuid>
    """
    app = obj.app(write=False)
    left = limit
    held: str | None = None  # the record last taken, printed once the next is
    while left is None or left > 0:
        asked = PAGE if left is None else min(PAGE, left)
        page = app.zgw_audit_trail(
            initiative_ref,
            hoofd_object=hoofd_object,
            bron=bron,
            applicatie_id=applicatie_id,
            applicatie_weergave=applicatie_weergave,
            after=after,
            limit=asked,
        )
        for record in page:
            click.echo("[" if held is None else f"{held},")
            held = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        if page:
            after = page[-1]["wijzigingen"]["nieuw"]["position"]
            left = None if left is None else left - len(page)
        if len(page) < asked:  # the end of the log, as it stands
            break
    click.echo("[]" if held is None else f"{held}\n]")


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
@click.option(
    "--plan",
    metavar="PLAN",
    type=OPTION_REFERENCE,
    help="Only what happened to this plan.",
)
@click.option(
    "--decision",
    metavar="DECISION",
    type=OPTION_REFERENCE,
    help="Only what happened to this decision point.",
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
        plan=plan,
        decision=decision,
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
                    else f"{_ABOUT.get(e.aggregate, e.aggregate)} {e.about}",
                    e.event,
                    e.actor,
                    e.summary
                    if e.stakeholder in (None, e.actor)
                    else f"{e.summary}: {e.stakeholder}",
                ]
                for e in entries
            ],
            whole=[5],
        )
    )


_ABOUT = {"plan": "plan", "decision-point": "decision"}
