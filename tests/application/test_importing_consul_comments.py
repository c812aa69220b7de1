"""The online part of a reaction period ran on CONSUL Democracy (the platform of
decide.madrid.es). The facilitator brings its comments into the record the way a
Decidim export's are brought in: online reactions, each counting from when it was
posted, from a pseudonymous stakeholder. CONSUL's export says less than Decidim's:
no stance, no name, and times without an offset, in Madrid's local time."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from samenspraak.application import (
    AlreadyRecorded,
    InvalidInput,
    NotAllowed,
    Samenspraak,
    consul,
)
from samenspraak.application.views import CommentsImport
from samenspraak.domain import clock

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "consul"
MADRID_COMMENTS = REALDATA / "decide-madrid-2019" / "comments.csv"

START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
CLOSES = datetime(2026, 4, 30, 9, 0, tzinfo=UTC)
CC = "city-centre"
HEADER = (
    ",id,parentId,proposalId,page,userId,userType,date,time,text,numVotes,"
    "numPositiveVotes,numNegativeVotes"
)


def row(
    comment: int,
    proposal: int,
    user: int,
    when: str,
    text: str,
    *,
    parent: int = -1,
    user_type: str = "",
) -> str:
    """A row as the export writes it: ``when`` is Madrid's local time
    (``2026-03-28 10:50:19``), the time of day written as ``0 days 10:50:19``."""
    day, _, time = when.partition(" ")
    quoted = '"' + text.replace('"', '""') + '"'
    return (
        f"{comment - 700},{comment},{parent},{proposal},1,{user},{user_type},{day},"
        f"0 days {time},{quoted},1,1,0"
    )


def export(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


# On proposal 7, around the night summer time began (29 March 2026): a comment
# over two lines in winter time, a reply to it in summer time, the proposal's
# author replying to a comment the export lacks, an organisation's comment, and
# an empty one; proposal 19 is about something else.
ROOT = row(701, 7, 2780, "2026-03-28 10:50:19", "More trees, please;\nit is hot.")
REPLY = row(702, 7, 10016, "2026-03-30 11:07:10", "Agreed.", parent=701)
AUTHOR = row(
    703, 7, 9884, "2026-03-30 23:30:00", "Thank you all.", parent=99999,
    user_type="Autor",
)  # fmt: skip
COLLECTIVE = row(
    704, 7, 32634, "2026-04-01 12:00:00", "Our members support it.",
    user_type="Colectivo",
)  # fmt: skip
EMPTY = row(705, 7, 126, "2026-04-02 09:00:00", "")
ELSEWHERE = row(706, 19, 2780, "2026-04-03 09:00:00", "Another matter.")
THE_EXPORT = export(ROOT, REPLY, AUTHOR, COLLECTIVE, EMPTY, ELSEWHERE)
ON_THE_PLAN = ["proposal:7"]


@pytest.fixture
def consulted(traffic_plan_open: Callable[..., Samenspraak]) -> Samenspraak:
    """The traffic plan, version 1 proposed on 12 January 2026; its reaction
    period closes on 30 April."""
    return traffic_plan_open(CLOSES)


def imported(app: Samenspraak, text: str = THE_EXPORT, day: int = 120, **given: object):
    with clock.frozen_at(START + timedelta(days=day)):
        return app.import_consul_comments(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "version": 1, "export": text, "on": ON_THE_PLAN, **given}
        )  # fmt: skip


def everything_kept(app: Samenspraak) -> dict[str, int]:
    return app.store.count_rows()


def test_the_comments_on_the_proposal_become_online_reactions_counting_from_madrid_time(
    consulted: Samenspraak,
) -> None:
    result = imported(consulted)

    assert [(r.line, r.comment, r.reaction, r.stakeholder) for r in result.recorded] == [
        (2, "consul:701", 1, "consul-2780"),
        (4, "consul:702", 2, "consul-10016"),
        (5, "consul:703", 3, "consul-9884"),
        (6, "consul:704", 4, "consul-32634"),
    ]  # fmt: skip
    # Winter time (UTC+1) before 29 March, summer time (UTC+2) after.
    assert [r.received_at for r in result.recorded] == [
        datetime(2026, 3, 28, 9, 50, 19, tzinfo=UTC),
        datetime(2026, 3, 30, 9, 7, 10, tzinfo=UTC),
        datetime(2026, 3, 30, 21, 30, 0, tzinfo=UTC),
        datetime(2026, 4, 1, 10, 0, 0, tzinfo=UTC),
    ]
    assert [(r.channel, r.given_at) for r in consulted.plan_details(CC, "traffic").reactions] == [
        ("online", r.received_at) for r in result.recorded
    ]  # fmt: skip
    assert result.skipped == {"not on what was chosen": 1, "without text": 1}
    report = consulted.response_report(CC)
    assert [(e.text, e.origin) for e in report] == [
        ("More trees, please;\nit is hot.", "consul:701"),
        ("Agreed.", "consul:702"),
        ("Thank you all.", "consul:703"),
        ("Our members support it.", "consul:704"),
    ]
    assert consulted.verify_audit().intact


def test_every_comment_takes_the_neutral_stance_for_consul_records_none(
    consulted: Samenspraak,
) -> None:
    assert {r.stance for r in imported(consulted, dry_run=True).recorded} == {
        "suggestion"
    }

    result = imported(consulted, neutral="concern")

    assert [r.stance for r in result.recorded] == ["concern"] * 4


def test_an_organisations_account_joins_as_an_institution_and_the_proposals_author_as_a_resident(
    consulted: Samenspraak,
) -> None:
    result = imported(consulted)

    assert result.joined == [
        "consul-2780",
        "consul-10016",
        "consul-9884",
        "consul-32634",
    ]
    kinds = {s.ref: s.kind for s in consulted.initiative_status(CC).stakeholders}
    assert (kinds["consul-2780"], kinds["consul-9884"], kinds["consul-32634"]) == (
        "resident", "resident", "institution",
    )  # fmt: skip


def test_a_public_employees_comment_is_a_civil_servants_and_waits_past_societys_decision(
    consulted: Samenspraak,
) -> None:
    official = row(
        707, 7, 1013, "2026-04-02 10:00:00", "The city answers.",
        user_type="Empleados públicos",
    )  # fmt: skip
    before = everything_kept(consulted)

    with pytest.raises(NotAllowed) as refused:
        imported(consulted, export(ROOT, REPLY, official))

    assert str(refused.value).startswith(
        "Nothing was imported: line 5 (comment 707): Society decides first: civil "
        "servants may observe"
    )
    assert everything_kept(consulted) == before


def test_a_user_the_export_gives_two_kinds_is_refused(consulted: Samenspraak) -> None:
    official = row(
        707, 7, 32634, "2026-04-02 10:00:00", "Now as an official.",
        user_type="Empleados públicos",
    )  # fmt: skip

    with pytest.raises(InvalidInput) as refused:
        imported(consulted, export(COLLECTIVE, official))

    assert str(refused.value) == (
        "export: line 3: user consul-32634 comments as civil-servant, but as "
        "institution on line 2."
    )


def test_the_export_holds_no_names_so_the_directory_holds_the_reference_alone(
    consulted: Samenspraak,
) -> None:
    imported(consulted)

    names = {s.ref: s.name for s in consulted.initiative_status(CC).stakeholders}
    assert names["consul-2780"] is None
    stored = b"".join(
        n.state for n in consulted.recorder.select_notifications(start=1, limit=10_000)
    )
    for written in (b"consul:", b"consul-", b"More trees", b"Agreed."):
        assert written not in stored


def _swap_in_the_directory(db: Path, one: str, other: str) -> None:
    """The directory edited behind the engine's back: two references swapped."""
    with closing(sqlite3.connect(db)) as connection:
        for was, now in ((one, "swapping"), (other, one), ("swapping", other)):
            connection.execute(
                "UPDATE samenspraak_stakeholders SET ref = ? WHERE ref = ?", [now, was]
            )
        connection.commit()


def test_the_events_commit_to_each_authors_reference_so_a_swap_in_the_directory_is_found(
    consulted: Samenspraak, tmp_path: Path
) -> None:
    """Who posted which comment rests on the directory's references, as it holds
    no names: the events commit to each reference alone."""
    imported(consulted)
    assert consulted.verify_audit().intact
    consulted.close()
    _swap_in_the_directory(tmp_path / "samenspraak.db", "consul-2780", "consul-10016")

    app = Samenspraak.open(str(tmp_path / "samenspraak.db"), create=False)
    try:
        found = app.verify_audit()
    finally:
        app.close()
    assert not found.intact
    assert found.problem is not None
    assert found.problem.endswith(
        "another reference or name than the identity the events commit to."
    )


def test_a_replayed_copy_checks_every_authors_reference(
    consulted: Samenspraak, tmp_path: Path
) -> None:
    imported(consulted)
    consulted.export_initiative(CC, tmp_path / "centre.zip")

    replayed = Samenspraak.replay(tmp_path / "centre.zip", tmp_path / "copy.db")

    assert replayed.unchecked_stakeholders == 0


def _identity_texts(db: Path) -> list[str | None]:
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute(
            "SELECT body FROM samenspraak_texts WHERE purpose = 'identity'"
        ).fetchall()
    return [body for (body,) in rows]


def test_an_author_erased_takes_their_reference_out_of_the_events_commitments(
    consulted: Samenspraak, tmp_path: Path
) -> None:
    imported(consulted)
    assert '{"name":null,"ref":"consul-2780"}' in _identity_texts(
        tmp_path / "samenspraak.db"
    )

    consulted.erase_stakeholder(
        {"actor": "facilitator", "stakeholder": "consul-2780", "texts": True}
    )

    assert consulted.verify_audit().intact
    kept = _identity_texts(tmp_path / "samenspraak.db")
    assert not any("consul-2780" in (body or "") for body in kept)


def test_an_author_given_a_name_later_is_committed_to_with_it(
    consulted: Samenspraak,
) -> None:
    imported(consulted)

    consulted.correct_stakeholder(
        {"actor": "facilitator", "stakeholder": "consul-2780", "name": "A baker"}
    )

    assert consulted.verify_audit().intact
    names = {s.ref: s.name for s in consulted.initiative_status(CC).stakeholders}
    assert names["consul-2780"] == "A baker"


def test_importing_the_same_export_again_records_nothing_new(
    consulted: Samenspraak,
) -> None:
    imported(consulted)
    before = everything_kept(consulted)

    again = imported(consulted, day=121)

    assert (again.recorded, again.already, again.joined) == ([], 4, [])
    assert everything_kept(consulted) == before
    later = imported(
        consulted,
        export(ROOT, REPLY, AUTHOR, COLLECTIVE, row(708, 7, 2780, "2026-04-05 08:00:00", "Shade.")),
        day=122,
    )  # fmt: skip
    assert [(r.comment, r.reaction) for r in later.recorded] == [("consul:708", 5)]


def test_an_import_given_again_with_its_command_id_is_not_recorded_twice(
    consulted: Samenspraak,
) -> None:
    imported(consulted, command_id="import-of-proposal-7")
    before = everything_kept(consulted)

    with pytest.raises(AlreadyRecorded) as again:
        imported(consulted, day=121, command_id="import-of-proposal-7")

    assert again.value.use_case == "import_consul_comments"
    assert everything_kept(consulted) == before


def test_a_dry_run_says_what_it_would_record_and_records_nothing(
    consulted: Samenspraak,
) -> None:
    before = everything_kept(consulted)

    result = imported(consulted, dry_run=True)

    assert (result.dry_run, [r.reaction for r in result.recorded]) == (
        True,
        [1, 2, 3, 4],
    )
    assert everything_kept(consulted) == before


def test_a_comment_posted_after_the_reaction_period_refuses_the_import_unless_received_late(
    consulted: Samenspraak,
) -> None:
    after = export(ROOT, row(709, 7, 104, "2026-05-02 10:00:00", "Too late."))

    with pytest.raises(NotAllowed) as refused:
        imported(consulted, after)
    result = imported(consulted, after, late=True)

    assert refused.value.rule == "a_late_reaction_is_refused"
    assert str(refused.value).startswith("Nothing was imported: line 4 (comment 709)")
    assert [(r.comment, r.late) for r in result.recorded] == [
        ("consul:701", False),
        ("consul:709", True),
    ]


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            json.dumps({"comments": [{"id": 1}]}),
            "export: is not a CONSUL comments export: its first line has no columns "
            "separated by ',' (it needs id, proposalId, userId, userType, date, "
            "time, text).",
        ),
        (
            export(ROOT).replace(",userId,", ",user,"),
            "export: is not a CONSUL comments export: it has no column userId.",
        ),
        (
            export(ROOT, REPLY.replace("2026-03-30", "30/03/2026")),
            "export: line 4: date must be a day like 2015-09-15, not '30/03/2026'.",
        ),
        (
            export(ROOT, REPLY.replace("0 days 11:07:10", "11h07")),
            "export: line 4: time must be a time of day like 0 days 10:50:19, not "
            "'11h07'.",
        ),
        (
            export(ROOT, REPLY.replace(",10016,", ",someone,")),
            "export: line 4: userId must be a whole number, not 'someone'.",
        ),
        (  # digits of another script are no number an export writes
            export(ROOT, REPLY.replace(",10016,", ",\uff11\uff10,")),
            "export: line 4: userId must be a whole number, not '\uff11\uff10'.",
        ),
        (
            export(ROOT, REPLY.replace("2026-03-30", "\uff12026-03-30")),
            "export: line 4: date must be a day like 2015-09-15, not "
            "'\uff12026-03-30'.",
        ),
        (
            export(ROOT, REPLY.replace("0 days 11:07:10", "0 days \uff11\uff11:07:10")),
            "export: line 4: time must be a time of day like 0 days 10:50:19, not "
            "'0 days \uff11\uff11:07:10'.",
        ),
        (
            export(ROOT, REPLY.replace(",10016,,", ",10016,Moderador,")),
            "export: line 4: userType must be empty, 'Autor', 'Colectivo', "
            "'Empleados públicos', not 'Moderador'.",
        ),
        (
            export(ROOT, REPLY + ",one more"),
            "export: line 4: has 14 fields where the header has 13.",
        ),
        (export(ROOT, ROOT), "export: line 4 repeats comment 701 of line 2."),
        (
            export(ROOT, '2,702,-1,7,1,10016,,2026-03-30,0 days 11:07:10,"never'),
            "export: line 4 is not CSV as CONSUL's export writes it (unexpected end "
            "of data).",
        ),
        ("", "export: is empty; it must be a CONSUL comments export."),
    ],
)
def test_a_file_that_is_not_a_consul_comments_export_is_refused_and_nothing_recorded(
    consulted: Samenspraak, text: str, sentence: str
) -> None:
    before = everything_kept(consulted)

    with pytest.raises(InvalidInput) as refused:
        imported(consulted, text)

    assert str(refused.value) == sentence
    assert everything_kept(consulted) == before


def test_a_proposal_the_export_does_not_hold_is_refused(consulted: Samenspraak) -> None:
    with pytest.raises(InvalidInput) as refused:
        imported(consulted, on=["proposal:8"])

    assert str(refused.value) == "on: no comment of the export is on proposal:8."


def test_only_proposals_are_chosen_by_on(consulted: Samenspraak) -> None:
    with pytest.raises(InvalidInput) as refused:
        imported(consulted, on=["debate:7"])

    assert str(refused.value).startswith("on.0: ")


def test_a_plan_that_lost_an_imported_origin_takes_new_comments_once_the_erased_rows_are_left_out(
    consulted: Samenspraak,
) -> None:
    imported(consulted)
    with clock.frozen_at(START + timedelta(days=121)):
        consulted.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "consul-2780", "texts": True}
        )  # fmt: skip
    report = consulted.response_report(CC)
    assert (report[0].origin, report[0].origin_erased) == (None, True)

    with pytest.raises(NotAllowed) as refused:
        imported(consulted, export(ROOT, REPLY, row(708, 7, 55, "2026-04-05 08:00:00", "Shade.")), day=122)  # fmt: skip
    again = imported(
        consulted, export(REPLY, row(708, 7, 55, "2026-04-05 08:00:00", "Shade.")),
        day=122, erased_left_out=True,
    )  # fmt: skip

    assert refused.value.rule == "an_erased_authors_comments_are_not_imported_again"
    assert [(r.comment, r.stakeholder) for r in again.recorded] == [
        ("consul:708", "consul-55")
    ]
    assert (again.already, again.origins_erased) == (1, 1)


# --- Madrid's local time, read by the reader itself -----------------------------


def test_a_time_in_the_hour_the_clocks_go_back_is_read_as_the_first_in_summer_time() -> (
    None
):
    (comment,) = consul.read_comments(
        export(row(701, 7, 1, "2026-10-25 02:30:00", "Twice this hour."))
    )

    assert comment.created_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_time_in_the_hour_the_clocks_skip_is_read_as_winter_time() -> None:
    (comment,) = consul.read_comments(
        export(row(701, 7, 1, "2026-03-29 02:30:00", "An hour that was not."))
    )

    assert comment.created_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


# --- The real comments of decide.madrid.es (2015 to 2019) ------------------------


@pytest.fixture
def madrid_rows() -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The export's header and its rows, each with the line it starts on, read
    here with the csv module alone."""
    if not MADRID_COMMENTS.is_file():
        pytest.skip(f"the real CONSUL export is not at {MADRID_COMMENTS}")
    reader = csv.reader(
        io.StringIO(MADRID_COMMENTS.read_text(encoding="utf-8"), newline="")
    )
    header = next(reader)
    rows, start = [], reader.line_num + 1
    for fields in reader:
        rows.append((start, dict(zip(header, fields, strict=True))))
        start = reader.line_num + 1
    return header, rows


def as_csv(header: list[str], rows: list[tuple[int, dict[str, str]]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([r[name] for name in header] for _, r in rows)
    return out.getvalue()


@pytest.fixture
def since_2015(small_centre: Callable[..., Samenspraak]) -> Samenspraak:
    """A plan whose version 1 was proposed before the first comment of the export
    (September 2015), without a reaction period."""
    app = small_centre()
    with clock.frozen_at(datetime(2015, 1, 1, tzinfo=UTC)):
        app.create_plan(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "title": "Traffic plan", "group": "traffic"}
        )  # fmt: skip
        app.propose_draft(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "text": "Draft.", "changes": "First."}
        )  # fmt: skip
    return app


def madrid(app: Samenspraak, text: str, **given: object):
    with clock.frozen_at(datetime(2024, 10, 1, tzinfo=UTC)):
        return app.import_consul_comments(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "version": 1, "export": text, **given}
        )  # fmt: skip


def test_the_madrid_export_is_refused_whole_while_public_employees_comments_are_in_it(
    since_2015: Samenspraak,
    madrid_rows: tuple[list[str], list[tuple[int, dict[str, str]]]],
) -> None:
    header, rows = madrid_rows
    officials = sorted(
        (r["date"], r["time"], line, r["id"])
        for line, r in rows
        if r["userType"] == "Empleados públicos" and r["text"].strip()
    )
    assert officials  # the export holds some

    with pytest.raises(NotAllowed) as refused:
        madrid(since_2015, as_csv(header, rows), dry_run=True)

    _, _, line, comment = officials[0]
    assert str(refused.value).startswith(
        f"Nothing was imported: line {line} (comment {comment}): Society decides "
        "first: civil servants may observe"
    )
    assert str(refused.value).endswith(
        " To leave the comments of public employees out, import with "
        "leave_out_civil_servants (--leave-out-civil-servants)."
    )


def test_the_madrid_export_with_the_public_employees_left_out_records_the_others(
    since_2015: Samenspraak,
    madrid_rows: tuple[list[str], list[tuple[int, dict[str, str]]]],
) -> None:
    """Leaving them out by the option records what leaving their rows out of the
    file records, and counts them."""
    header, rows = madrid_rows
    officials = [r for _, r in rows if r["userType"] == "Empleados públicos"]
    kept = [(n, r) for n, r in rows if r["userType"] != "Empleados públicos"]
    by_hand = madrid(since_2015, as_csv(header, kept), dry_run=True)

    result = madrid(since_2015, as_csv(header, rows), leave_out_civil_servants=True)

    def but_the_line(imported: CommentsImport) -> list[dict[str, object]]:
        """The file without their rows numbers its lines otherwise."""
        return [r.model_dump(exclude={"line"}) for r in imported.recorded]

    assert but_the_line(result) == but_the_line(by_hand)
    assert [r.line for r in result.recorded] == [
        n
        for n, r in rows
        if r["userType"] != "Empleados públicos" and r["text"].strip()
    ]  # the lines of the file as given
    assert result.skipped == {
        "by a public employee": len(officials),
        **by_hand.skipped,
    }
    kinds = {s.kind for s in since_2015.initiative_status(CC).stakeholders}
    assert "civil-servant" not in kinds


def test_every_comment_of_the_madrid_export_but_the_public_employees_is_recorded_once(
    since_2015: Samenspraak,
    madrid_rows: tuple[list[str], list[tuple[int, dict[str, str]]]],
) -> None:
    header, rows = madrid_rows
    kept = [(n, r) for n, r in rows if r["userType"] != "Empleados públicos"]
    with_text = [r for _, r in kept if r["text"].strip()]
    ids = {r["id"] for _, r in rows}
    orphans = [r for _, r in kept if r["parentId"] != "-1" and r["parentId"] not in ids]
    assert len(orphans) > 200  # replies to comments the export lacks come along too
    text = as_csv(header, kept)

    result = madrid(since_2015, text)

    assert len(result.recorded) == len(with_text)
    assert result.skipped == {"without text": len(kept) - len(with_text)}
    assert {r.stance for r in result.recorded} == {"suggestion"}
    assert set(result.joined) == {f"consul-{r['userId']}" for r in with_text}
    kinds = {s.ref: s.kind for s in since_2015.initiative_status(CC).stakeholders}
    institutions = {
        f"consul-{r['userId']}" for r in with_text if r["userType"] == "Colectivo"
    }
    assert {ref for ref, kind in kinds.items() if kind == "institution"} == institutions
    first = next(
        r for r in result.recorded if r.comment == f"consul:{rows[0][1]['id']}"
    )
    day, time = rows[0][1]["date"], rows[0][1]["time"].removeprefix("0 days ")
    local = datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=consul.TIMEZONE)
    assert first.received_at == local.astimezone(UTC)
    assert Counter(e.channel for e in since_2015.response_report(CC)) == {
        "online": len(with_text)
    }

    again = madrid(since_2015, text)
    assert (len(again.recorded), again.already) == (0, len(with_text))


def test_the_comments_on_one_madrid_proposal_are_those_its_rows_name(
    since_2015: Samenspraak,
    madrid_rows: tuple[list[str], list[tuple[int, dict[str, str]]]],
) -> None:
    header, rows = madrid_rows
    on_7 = [r for _, r in rows if r["proposalId"] == "7"]

    result = madrid(since_2015, as_csv(header, rows), on=["proposal:7"], dry_run=True)

    assert sorted(r.comment for r in result.recorded) == sorted(
        f"consul:{r['id']}" for r in on_7 if r["text"].strip()
    )
    assert sum(result.skipped.values()) == len(rows) - len(result.recorded)
    assert since_2015.plan_details(CC, "traffic").reactions == []
