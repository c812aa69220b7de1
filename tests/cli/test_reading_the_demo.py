"""After ``samenspraak demo``, the read commands show the city centre as it stands."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

import samenspraak.cli.audit
from samenspraak.application import Samenspraak
from samenspraak.application.story import CAST, TRAFFIC_V2, VISION_V2

Run = Callable[..., Result]
ReadJson = Callable[..., Any]

CITY = "city-centre"


def test_the_demo_tells_the_story_and_ends_with_where_the_initiative_stands(
    demo: Any,
) -> None:
    assert demo.stdout.startswith("The story of the city centre")
    assert "refused: Society decides first" in demo.stdout
    assert "Where the initiative stands now" in demo.stdout
    assert f"{demo.events} events recorded in {demo.db}." in demo.stdout
    assert (
        f"samenspraak --db {demo.db} plan show city-centre traffic-plan" in demo.stdout
    )
    assert demo.stderr == ""
    assert demo.events > 50


def test_the_demo_database_file_holds_the_whole_record_on_its_own(
    demo: Any, tmp_path: Path
) -> None:
    # Only the .db file is copied (no -wal or -shm next to it): it must be complete.
    copy = tmp_path / "alone.db"
    shutil.copy(demo.db, copy)
    app = Samenspraak.open(str(copy), create=False)
    try:
        assert app.stored_event_count() == demo.events
        assert app.initiative_status(CITY).phase == "council"
    finally:
        app.close()


def test_initiative_status_shows_a_readable_overview(ok: Run, demo_db: Path) -> None:
    result = ok(demo_db, "initiative", "status", CITY)
    out = result.stdout
    assert out.startswith("city-centre: Together for a lively city centre\n")
    assert "process: overheidsparticipatie v1    phase: council" in out
    assert "budget: EUR 250000.00    allocated: EUR 150000.00" in out
    for heading in (
        "Stakeholders",
        "Groups",
        "Meetings",
        "Plans",
        "Decision points",
        "The council was informed",
        "Budget allocations",
    ):
        assert f"\n{heading}\n" in out
    assert "ref                     kind            active  name" in out
    assert "traffic-plan  traffic         2         2      5          0" in out
    assert (
        "budget-first-part     majority   decided  market-square    market-square 4, bicycle-parking 1"
        in out
    )
    assert result.stderr == ""


def test_initiative_status_as_json(read_json: ReadJson, demo_db: Path) -> None:
    status = read_json(demo_db, "initiative", "status", CITY)
    assert status["initiative"] == CITY
    assert status["phase"] == "council"
    assert status["budget"] == "250000.00"
    assert status["allocated"] == "150000.00"
    assert status["level"] == "co-deciding"
    assert status["facilitator"] == "facilitator"
    assert status["closed"] is False
    assert status["template"]["name"] == "overheidsparticipatie"

    people = status["stakeholders"]
    assert [p["ref"] for p in people] == [ref for ref, *_ in CAST]
    for person, (ref, name, _contact, kind) in zip(people, CAST, strict=True):
        assert person == {"ref": ref, "name": name, "kind": kind, "active": True}

    plans = {p["plan"]: p for p in status["plans"]}
    assert set(plans) == {"vision", "traffic-plan"}
    assert plans["traffic-plan"]["versions"] == 2
    assert plans["traffic-plan"]["reactions"] == 5
    assert plans["traffic-plan"]["unanswered"] == 0
    assert plans["vision"]["versions"] == 2
    assert plans["vision"]["unanswered"] == 0

    decisions = {d["decision"]: d for d in status["decisions"]}
    assert decisions["first-priority"]["tally"] == {
        "car-free-square": 4,
        "green-streets": 2,
        "evening-library": 0,
    }
    assert decisions["traffic-plan-consent"]["outcome"] == "adopt-version-2"
    assert decisions["budget-first-part"]["tally"] == {
        "market-square": 4,
        "bicycle-parking": 1,
    }
    assert all(d["state"] == "decided" for d in decisions.values())

    assert status["allocations"] == [
        {
            "amount": "150000.00",
            "purpose": "Redesign of the market square as a car-free meeting place",
            "decision": "budget-first-part",
        }
    ]


def test_initiative_list_as_json(read_json: ReadJson, demo_db: Path) -> None:
    assert read_json(demo_db, "initiative", "list") == [
        {
            "initiative": CITY,
            "title": "Together for a lively city centre",
            "phase": "council",
            "closed": False,
        }
    ]


def test_initiative_list_as_a_table(ok: Run, demo_db: Path) -> None:
    lines = ok(demo_db, "initiative", "list").stdout.splitlines()
    assert lines[0].split() == ["initiative", "title", "phase", "closed"]
    assert lines[2].startswith(
        "city-centre  Together for a lively city centre  council"
    )
    assert lines[2].endswith("no")


def test_plan_show_lists_every_reaction_with_its_answer(
    read_json: ReadJson, demo_db: Path
) -> None:
    plan = read_json(demo_db, "plan", "show", CITY, "traffic-plan")
    assert plan["plan"] == "traffic-plan"
    assert plan["group"] == "traffic"
    assert plan["final_version"] == 2
    assert [v["number"] for v in plan["versions"]] == [1, 2]
    assert plan["unanswered"] == []

    reactions = plan["reactions"]
    assert [r["number"] for r in reactions] == [1, 2, 3, 4, 5]
    assert all(r["answer"] is not None and not r["withdrawn"] for r in reactions)
    assert [r["answer"]["kind"] for r in reactions] == [
        "adopted",
        "defended",
        "adopted",
        "defended",
        "noted",
    ]
    assert {r["answer"]["kind"] for r in reactions} == {"adopted", "defended", "noted"}
    assert reactions[0]["answer"]["version"] == 2
    first, fourth = reactions[0], reactions[3]
    assert (first["stakeholder"], first["channel"], first["meeting"]) == (
        "resident-havenkwartier",
        "meeting",
        2,
    )
    assert (fourth["stakeholder"], fourth["channel"]) == (
        "housing-corporation",
        "letter",
    )


def test_plan_show_as_a_table(ok: Run, demo_db: Path) -> None:
    out = ok(demo_db, "plan", "show", CITY, "traffic-plan").stdout
    assert out.startswith(
        "traffic-plan: Traffic plan for the city centre  (group traffic; final: version 2)"
    )
    assert "adopted in v2" in out
    assert "defended" in out
    assert "noted" in out
    assert "UNANSWERED" not in out
    assert "Unanswered:" not in out


def test_plan_show_full_prints_every_text_whole(
    ok: Run, read_json: ReadJson, demo_db: Path
) -> None:
    plan = read_json(demo_db, "plan", "show", CITY, "traffic-plan")
    short = ok(demo_db, "plan", "show", CITY, "traffic-plan").stdout
    out = ok(demo_db, "plan", "show", CITY, "traffic-plan", "--full").stdout
    assert out.startswith(short)
    assert "Versions in full" not in short
    whole = out[len(short) :]
    for version in plan["versions"]:
        assert f"  {version['text']}\n" in whole
    first, second, *_, last = plan["reactions"]
    assert (
        "Reaction 1 by resident-havenkwartier on v1 "
        "(objection, meeting 2, section Havenkwartier)\n"
        f"  {first['text']}\n"
        f"  Answer: adopted in v2, by civil-servant-traffic: {first['answer']['text']}\n"
    ) in whole
    assert f"  Answer: defended, by bakery: {second['answer']['text']}\n" in whole
    assert whole.endswith(
        f"  {last['text']}\n  Answer: support noted, by resident-kerkstraat.\n"
    )
    assert all(len(t) > 60 for t in (first["answer"]["text"], second["answer"]["text"]))


def test_decision_show_gives_the_options_positions_and_tally(
    read_json: ReadJson, demo_db: Path
) -> None:
    decision = read_json(demo_db, "decision", "show", CITY, "budget-first-part")
    assert decision["decision"] == "budget-first-part"
    assert decision["rule"] == "majority"
    assert decision["state"] == "decided"
    assert decision["outcome"] == "market-square"
    assert decision["closes_at"] is None
    assert decision["tally"] == {"market-square": 4, "bicycle-parking": 1}
    assert [o["key"] for o in decision["options"]] == [
        "market-square",
        "bicycle-parking",
    ]
    assert sorted(decision["eligible"]) == ["entrepreneur", "institution", "resident"]
    assert len(decision["positions"]) == 5
    assert {
        "stakeholder": "library",
        "option": "bicycle-parking",
        "reason": None,
        "counted": True,
        "recorded_by": None,
        "given_at": None,
    } in decision["positions"]


def test_decision_show_as_a_table(ok: Run, demo_db: Path) -> None:
    out = ok(demo_db, "decision", "show", CITY, "budget-first-part").stdout
    assert out.startswith("budget-first-part: Where does the first EUR 150,000 go?")
    assert "outcome: market-square    tally: market-square 4, bicycle-parking 1" in out


def test_meeting_list_flags_evening_and_weekend_meetings(
    read_json: ReadJson, demo_db: Path
) -> None:
    meetings = read_json(demo_db, "meeting", "list", CITY)
    assert [m["number"] for m in meetings] == [1, 2]
    assert [m["kind"] for m in meetings] == ["steering-group", "residents-meeting"]
    assert all(m["evening_or_weekend"] is True for m in meetings)
    assert meetings[1]["attendance"] == 64
    assert meetings[1]["starts_at"] == "2026-04-09T19:30:00+02:00"


def test_council_list_gives_each_document_by_its_sha256(
    read_json: ReadJson, demo_db: Path
) -> None:
    informed = read_json(demo_db, "council", "list", CITY)
    assert [c["session"] for c in informed] == ["informal", "formal"]
    assert [c["document_sha256"] for c in informed] == [
        hashlib.sha256(VISION_V2.encode()).hexdigest(),
        hashlib.sha256(TRAFFIC_V2.encode()).hexdigest(),
    ]
    assert informed[0]["document_title"] == "Vision for the city centre (version 2)"
    assert informed[0]["informed_at"] == "2026-03-05T19:30:00+01:00"


def test_council_list_as_a_table_names_each_document(ok: Run, demo_db: Path) -> None:
    lines = ok(demo_db, "council", "list", CITY).stdout.splitlines()
    assert lines[0].split() == [
        "#", "when", "session", "corrected", "withdrawn", "document", "sha256",
        "document", "follow-up",
    ]  # fmt: skip
    assert lines[2].startswith(
        "1  2026-03-05T19:30+01:00  informal  no         no         73d6cd8e07d68bd4"
    )
    assert lines[2].endswith("Vision for the city centre (version 2)        -")


def test_council_list_as_a_table_shows_the_full_sha256(
    read_json: ReadJson, ok: Run, demo_db: Path
) -> None:
    table = ok(demo_db, "council", "list", CITY).stdout
    for informed in read_json(demo_db, "council", "list", CITY):
        assert informed["document_sha256"] in table


def test_a_council_follow_up_is_cut_short_in_a_table_and_whole_in_json(
    ok: Run, read_json: ReadJson, demo_db: Path
) -> None:
    """A table cuts each text short at 60 characters, the summary of the council's
    follow-up too (it may run to 20,000 characters); --json gives it whole."""
    informed = read_json(demo_db, "council", "list", CITY)
    summary = informed[1]["follow_ups"][0]["summary"]
    assert len(summary) > 60
    for command in (["council", "list"], ["initiative", "status"]):
        shown = ok(demo_db, *command, CITY).stdout
        assert summary not in shown
        row = next(
            line
            for line in shown.splitlines()
            if line.startswith("2  2026-06-04T20:00+02:00  formal")
        )
        assert row.endswith(
            "  2026-06-18T21:00+02:00: "
            "The council adopts the traffic plan and asks to hear with..."
        )


def test_group_list_shows_the_groups_and_their_members(
    ok: Run, read_json: ReadJson, demo_db: Path
) -> None:
    groups = {g["group"]: g for g in read_json(demo_db, "group", "list", CITY)}
    assert set(groups) == {"steering-group", "traffic"}
    assert groups["steering-group"]["members"] == sorted(
        ["bakery", "entrepreneurs", "library", "resident-kerkstraat"]
    )
    assert "civil-servant-traffic" in groups["traffic"]["members"]
    out = ok(demo_db, "group", "list", CITY).stdout
    assert out.splitlines()[0].split() == ["group", "kind", "name", "members"]
    assert "steering-group  steering" in out


def test_stakeholder_list_shows_who_takes_part(
    ok: Run, read_json: ReadJson, demo_db: Path
) -> None:
    people = read_json(demo_db, "stakeholder", "list", CITY)
    assert len(people) == len(CAST)
    assert {p["kind"] for p in people} >= {"resident", "entrepreneur", "civil-servant"}
    out = ok(demo_db, "stakeholder", "list", CITY).stdout
    assert out.splitlines()[0].split() == ["ref", "kind", "active", "name"]
    assert "civil-servant-traffic   civil-servant   yes" in out


def test_decision_list_shows_each_outcome(
    ok: Run, read_json: ReadJson, demo_db: Path
) -> None:
    decisions = read_json(demo_db, "decision", "list", CITY)
    assert [d["decision"] for d in decisions] == [
        "first-priority",
        "traffic-plan-consent",
        "budget-first-part",
    ]
    out = ok(demo_db, "decision", "list", CITY).stdout
    assert "first-priority        plurality  decided  car-free-square" in out


def test_plan_list_shows_versions_and_open_reactions(
    ok: Run, read_json: ReadJson, demo_db: Path
) -> None:
    plans = read_json(demo_db, "plan", "list", CITY)
    assert [
        (p["plan"], p["versions"], p["final_version"], p["unanswered"]) for p in plans
    ] == [
        ("vision", 2, 2, 0),
        ("traffic-plan", 2, 2, 0),
    ]
    out = ok(demo_db, "plan", "list", CITY).stdout
    assert out.splitlines()[0].split() == [
        "plan",
        "group",
        "versions",
        "final",
        "reactions",
        "unanswered",
        "title",
    ]


def test_read_commands_record_nothing(
    ok: Run, event_count: Callable[[Path], int], demo: Any
) -> None:
    for args in (
        ("initiative", "status", CITY),
        ("initiative", "list"),
        ("plan", "show", CITY, "traffic-plan"),
        ("decision", "show", CITY, "budget-first-part"),
    ):
        ok(demo.db, *args)
    assert event_count(demo.db) == demo.events


def test_an_erased_title_and_area_read_as_erased(ok: Run, demo_copy: Path) -> None:
    with sqlite3.connect(demo_copy) as connection:
        connection.execute(
            "UPDATE samenspraak_texts SET body = NULL, salt = NULL "
            "WHERE purpose IN ('initiative title', 'initiative area')"
        )
    lines = ok(demo_copy, "initiative", "status", "city-centre").stdout.splitlines()
    assert lines[:2] == ["city-centre: (erased)", "  area: (erased)"]


def test_an_erased_plan_title_question_and_option_read_as_erased(
    ok: Run, demo_copy: Path
) -> None:
    # They read 'None' before, as if the engine had lost them.
    with sqlite3.connect(demo_copy) as connection:
        connection.execute(
            "UPDATE samenspraak_texts SET body = NULL, salt = NULL "
            "WHERE purpose IN ('plan title', 'question', 'option')"
        )
    plan = ok(demo_copy, "plan", "show", CITY, "traffic-plan").stdout
    assert plan.splitlines()[0].startswith("traffic-plan: (erased)  (group traffic;")
    decision = ok(demo_copy, "decision", "show", CITY, "budget-first-part").stdout
    lines = decision.splitlines()
    assert lines[0] == "budget-first-part: (erased)"
    assert [line.split() for line in lines if line.startswith("market-square ")] == [
        ["market-square", "(erased)"]
    ]


def test_the_response_report_reads_as_a_table_and_opens_as_a_spreadsheet(
    ok: Run, demo_copy: Path, tmp_path: Path
) -> None:
    import csv  # noqa: PLC0415

    shown = ok(demo_copy, "plan", "responses", CITY, "traffic-plan").stdout
    lines = shown.splitlines()
    assert lines[0].split() == [
        "plan", "#", "v", "stakeholder", "stance", "channel", "given", "answer",
        "text"
    ]  # fmt: skip
    assert len(lines) == 2 + 5
    assert lines[3].split()[:8] == [
        "traffic-plan", "2", "1", "bakery", "concern", "online",
        "2026-04-10T21:30+02:00", "defended"
    ]  # fmt: skip
    # A reaction written to look like a formula stays text in a spreadsheet.
    ok(demo_copy, "plan", "create", CITY, "benches", "--title", "Benches",
       "--group", "steering-group", actor="facilitator")  # fmt: skip
    ok(demo_copy, "plan", "propose", CITY, "benches", "--text", "Benches.",
       "--changes", "First.", actor="facilitator")  # fmt: skip
    ok(demo_copy, "plan", "react", CITY, "benches", "--version", "1",
       "--stance", "suggestion", "--text", "=HYPERLINK(\"http://x\")",
       actor="library")  # fmt: skip
    path = tmp_path / "reactienota.csv"
    written = ok(
        demo_copy, "plan", "responses", CITY, "--format", "csv", "-o", str(path)
    )
    assert written.stderr == (
        f"Wrote the 8 reactions of the response report to {path}.\n"
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbfplan,reaction,")
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["plan"], r["reaction"]) for r in rows] == [
        ("vision", "1"),
        ("vision", "2"),
        *(("traffic-plan", str(n)) for n in range(1, 6)),
        ("benches", "1"),
    ]
    assert rows[7]["text"] == '\'=HYPERLINK("http://x")'
    assert rows[7]["outcome"] == "unanswered"
    assert rows[3]["text"] == (
        "Deliveries before 11:00 are too early for fresh bread to the shops."
    )
    assert rows[2]["answered_at"] == "2026-04-20T18:00:00Z"


SOURCE = "urn:nld:oin:00000001234567890000:systeem:samenspraak"


def test_audit_events_prints_the_record_as_cloud_events_one_per_line(
    ok: Run, demo_db: Path, refused: Callable[..., str]
) -> None:
    lines = ok(demo_db, "audit", "events", "--source", SOURCE).stdout.splitlines()
    notices = [json.loads(line) for line in lines]
    with Samenspraak.open(str(demo_db), create=False) as app:
        end = app.projections_status()[0].log_end
        assert notices == app.cloud_events(source=SOURCE, limit=10_000)
    assert [int(n["sequence"]) for n in notices] == list(range(1, end + 1))

    # From where a receiver left off, at most a few; of one initiative.
    rest = ok(
        demo_db, "audit", "events", CITY, "--source", SOURCE, "--after", "60",
        "--limit", "3",
    ).stdout.splitlines()  # fmt: skip
    assert [json.loads(line)["sequence"] for line in rest] == ["61", "62", "63"]

    assert refused(demo_db, "audit", "events", "--source", "samenspraak") == (
        "--source: must be a URI that names this system, like "
        "urn:nld:oin:00000001234567890000:systeem:samenspraak (the municipality's "
        "OIN and the system's name)."
    )
    assert (
        refused(
            demo_db, "audit", "events", "--source", SOURCE, "--after", "-1", exit_code=2
        )
        == "Invalid value for '--after': must be a log position: 0 or more."
    )
    assert (
        refused(
            demo_db, "audit", "events", "--source", SOURCE, "--limit", "0", exit_code=2
        )
        == "Invalid value for '--limit': must be a whole number, 1 or more."
    )
    assert refused(demo_db, "audit", "events", exit_code=2) == (
        "Missing option '--source'."
    )
    beyond = str(end + 1)
    assert refused(
        demo_db, "audit", "events", "--source", SOURCE, "--after", beyond
    ) == (
        f"--after: {beyond} lies beyond the end of the record's log ({end}), so it is "
        "a position in another record, such as the one this copy was replayed from; "
        "take the notifications again from 0 and skip those whose id was taken "
        "already."
    )
    assert refused(demo_db, "audit", "events", "nowhere", "--source", SOURCE) == (
        "There is no initiative called nowhere."
    )


ZAAK = (
    "https://zaken.example.nl/zaken/api/v1/zaken/5d4b9c1e-6f0a-4a8e-9a57-0f2c3b1d2e4f"
)


def test_audit_zgw_prints_the_trail_as_a_json_array_of_zgw_audit_records(
    ok: Run, demo_db: Path, refused: Callable[..., str]
) -> None:
    out = ok(
        demo_db, "audit", "zgw", CITY, "--hoofd-object", ZAAK, "--bron", "zrc"
    ).stdout
    records = json.loads(out)
    with Samenspraak.open(str(demo_db), create=False) as app:
        end = app.projections_status()[0].log_end
        assert records == app.zgw_audit_trail(
            CITY, hoofd_object=ZAAK, bron="zrc", limit=10_000
        )
    assert len(records) == end
    # A record on each line, between the brackets of the array.
    lines = out.splitlines()
    assert (lines[0], lines[-1], len(lines)) == ("[", "]", end + 2)
    assert json.loads(lines[1].removesuffix(",")) == records[0]
    assert records[0]["actie"] == "create"

    # From where the case system left off, at most a few; of the whole record.
    rest = json.loads(
        ok(
            demo_db, "audit", "zgw", "--hoofd-object", ZAAK, "--bron", "ZRC",
            "--after", "60", "--limit", "3", "--applicatie-id", "participatie",
            "--applicatie-weergave", "Participatie",
        ).stdout
    )  # fmt: skip
    assert [r["wijzigingen"]["nieuw"]["position"] for r in rest] == [61, 62, 63]
    assert {(r["bron"], r["applicatieId"], r["applicatieWeergave"]) for r in rest} == {
        ("zrc", "participatie", "Participatie")
    }
    at_the_end = ["--hoofd-object", ZAAK, "--bron", "zrc", "--after", str(end)]
    assert ok(demo_db, "audit", "zgw", *at_the_end).stdout == "[]\n"

    assert refused(
        demo_db, "audit", "zgw", "--hoofd-object", ZAAK, "--bron", "openzaak"
    ) == (
        "--bron: must be one of the ZGW components ac, nrc, zrc, ztc, drc, brc, cmc, "
        "kc, vrc (the component the trail is shown under, such as zrc for the Zaken "
        "API, where the zaak is)."
    )
    assert refused(
        demo_db, "audit", "zgw", "--hoofd-object", "zaak-1", "--bron", "zrc"
    ) == (
        "--hoofd-object: must be the URL of the zaak the trail belongs to, an "
        "absolute http or https URL such as "
        "https://zaken.example.nl/zaken/api/v1/zaken/<uuid>."
    )
    zaak = ["--hoofd-object", ZAAK, "--bron", "zrc"]
    assert refused(demo_db, "audit", "zgw", *zaak, "--applicatie-id", " ") == (
        "--applicatie-id: must be 1 to 100 characters: letters, digits, spaces "
        "and punctuation, on one line."
    )
    assert refused(demo_db, "audit", "zgw", "--bron", "zrc", exit_code=2) == (
        "Missing option '--hoofd-object'."
    )
    assert refused(demo_db, "audit", "zgw", *zaak, "--limit", "0", exit_code=2) == (
        "Invalid value for '--limit': must be a whole number, 1 or more."
    )
    beyond = str(end + 1)
    assert refused(
        demo_db, "audit", "zgw", "--hoofd-object", ZAAK, "--bron", "zrc", "--after",
        beyond,
    ) == (
        f"--after: {beyond} lies beyond the end of the record's log ({end}), so it is "
        "a position in another record, such as the one this copy was replayed from; "
        "take the records again from 0 and skip those whose uuid was taken already."
    )  # fmt: skip
    assert refused(
        demo_db, "audit", "zgw", "nowhere", "--hoofd-object", ZAAK, "--bron", "zrc"
    ) == ("There is no initiative called nowhere.")


def test_audit_zgw_pages_through_the_whole_trail_into_one_array(
    ok: Run, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zaak = ["--hoofd-object", ZAAK, "--bron", "zrc"]
    whole = json.loads(ok(demo_db, "audit", "zgw", *zaak).stdout)
    monkeypatch.setattr(samenspraak.cli.audit, "PAGE", 7)
    assert json.loads(ok(demo_db, "audit", "zgw", *zaak).stdout) == whole
    some = json.loads(ok(demo_db, "audit", "zgw", *zaak, "--limit", "9").stdout)
    assert some == whole[:9]


def test_audit_events_follows_the_log_and_prints_what_is_recorded_meanwhile(
    demo_copy: Path, ok: Run, refused: Callable[..., str]
) -> None:
    with Samenspraak.open(str(demo_copy), create=False) as app:
        end = app.projections_status()[0].log_end
    # A receiver that has taken everything so far waits for the next two events.
    follower = subprocess.Popen(
        [sys.executable, "-m", "samenspraak.cli.main", "--db", str(demo_copy),
         "audit", "events", "--source", SOURCE, "--after", str(end), "--follow",
         "--every", "0.1", "--limit", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        # Without --follow it would end at once: there is nothing after the end.
        assert ok(demo_copy, "audit", "events", "--source", SOURCE, "--after",
                  str(end)).stdout == ""  # fmt: skip
        with pytest.raises(subprocess.TimeoutExpired):
            follower.wait(timeout=2)  # it waits at the end of the log
        with Samenspraak.open(str(demo_copy), create=False) as app:
            for text in ("At most EUR 250,000.", "The Saturday market stays."):
                app.record_council_framework(
                    {"actor": "facilitator", "initiative": CITY, "framework": text,
                     "set_at": "2025-12-11T20:00+01:00"}
                )  # fmt: skip
        out, err = follower.communicate(timeout=60)
    finally:
        follower.kill()
    assert (follower.returncode, err) == (0, "")
    notices = [json.loads(line) for line in out.splitlines()]
    assert [(n["sequence"], n["type"]) for n in notices] == [
        (str(end + 1), "nl.samenspraak.initiative.council-framework-set"),
        (str(end + 2), "nl.samenspraak.initiative.council-framework-set"),
    ]
    assert refused(
        demo_copy, "audit", "events", "--source", SOURCE, "--follow", "--every",
        "0", exit_code=2,
    ) == (
        "Invalid value for '--every': must be a number of seconds from 0.1 to "
        "3600, like 2."
    )  # fmt: skip


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_a_follower_stopped_by_kill_or_ctrl_c_ends_quietly_with_what_it_printed(
    demo_db: Path, how: signal.Signals, tmp_path: Path
) -> None:
    printed = tmp_path / "notices.jsonl"  # a file: a pipe nobody reads fills up
    with printed.open("w") as out:
        follower = subprocess.Popen(
            [sys.executable, "-m", "samenspraak.cli.main", "--db", str(demo_db),
             "audit", "events", "--source", SOURCE, "--follow", "--every", "0.1"],
            stdout=out, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            with pytest.raises(subprocess.TimeoutExpired):
                follower.wait(timeout=3)  # it prints the log, then follows
            follower.send_signal(how)
            _, err = follower.communicate(timeout=30)
        finally:
            follower.kill()
    assert (follower.returncode, err) == (0, "")
    lines = printed.read_text(encoding="utf-8").splitlines()
    with Samenspraak.open(str(demo_db), create=False) as app:
        assert len(lines) == app.projections_status()[0].log_end
