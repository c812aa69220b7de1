"""The online part of a reaction period ran on the municipality's participation
platform (Decidim). The facilitator brings its comments into the record as
reactions to the plan's version, so that the response report and the
participation report account for them as for every other reaction: online, each
counting from when it was posted, from a pseudonymous stakeholder whose name stays
in the erasable directory."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from samenspraak.application import (
    AlreadyRecorded,
    InvalidInput,
    NotAllowed,
    Samenspraak,
)
from samenspraak.domain import clock
from samenspraak.domain.initiative import initiative_id
from samenspraak.domain.plan import plan_id

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "decidim"
MEETING_COMMENTS = (
    REALDATA / "barcelona" / "www.decidim.barcelona-open-data-meeting_comments.csv"
)

START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
CLOSES = START + timedelta(days=14)
CC = "city-centre"
HEADER = (
    "id;created_at;body;locale;author/id;author/name;alignment;depth;user_group/id;"
    "user_group/name/ca;user_group/name/es;commentable_id;commentable_type;"
    "root_commentable_url;user_group/name"
)
MEETING = "https://participate.example/processes/centre/f/3/meetings"


def row(
    comment: int,
    day: int,
    body: str,
    author: int,
    alignment: int = 0,
    *,
    on: str = "Decidim::Meetings::Meeting:905",
    group: tuple[int, str] | None = None,
    depth: int = 0,
    root: int = 905,
) -> str:
    """A row as Decidim writes it: the body quoted, ';' between the columns."""
    posted = (START + timedelta(days=day)).strftime("%Y-%m-%d %H:%M:%S UTC")
    kind, _, number = on.rpartition(":")
    group_id, group_name = group or ("", "")
    quoted = '"' + body.replace('"', '""') + '"'
    return (
        f"{comment};{posted};{quoted};nl;{author};participant-{author};{alignment};"
        f"{depth};{group_id};;;{number};{kind};{MEETING}/{root};{group_name}"
    )


def export(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


# On the traffic plan's meeting page (905): an objection over two lines, a reply
# for the residents' association (in favour), the single '.' someone posted;
# another meeting (906) is about something else.
OBJECTION = row(501, 2, "No cars on the quay;\nthe children walk there.", 101, -1)
REPLY = row(
    502, 3, "We agree with closing the quay.", 102, 1,
    on="Decidim::Comments::Comment:501", group=(900, "Residents' association"),
    depth=1,
)  # fmt: skip
A_DOT = row(503, 4, ".", 103)
ELSEWHERE = row(
    504, 5, "When is the next meeting?", 101, on="Decidim::Meetings::Meeting:906",
    root=906,
)  # fmt: skip
THE_EXPORT = export(OBJECTION, REPLY, A_DOT, ELSEWHERE)
ON_THE_PLAN = ["Decidim::Meetings::Meeting:905"]


@pytest.fixture
def consulted(traffic_plan_open: Callable[..., Samenspraak]) -> Samenspraak:
    """The traffic plan, version 1 proposed on 12 January 2026; its reaction
    period closes on day 14."""
    return traffic_plan_open(CLOSES)


def imported(app: Samenspraak, text: str = THE_EXPORT, day: int = 20, **given: object):
    with clock.frozen_at(START + timedelta(days=day)):
        return app.import_decidim_comments(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "version": 1, "export": text, "on": ON_THE_PLAN, **given}
        )  # fmt: skip


def everything_kept(app: Samenspraak) -> dict[str, int]:
    """How many events, texts and stakeholders in the directory the record holds."""
    return app.store.count_rows()


def test_the_comments_on_the_plans_meeting_become_online_reactions_counting_from_when_posted(
    consulted: Samenspraak,
) -> None:
    result = imported(consulted)

    assert [
        (r.line, r.comment, r.reaction, r.stakeholder, r.stance, r.late)
        for r in result.recorded
    ] == [
        (2, "decidim:501", 1, "decidim-101", "objection", False),
        (4, "decidim:502", 2, "decidim-group-900", "support", False),
        (5, "decidim:503", 3, "decidim-103", "suggestion", False),
    ]
    assert (result.already, result.skipped) == (0, {"not on what was chosen": 1})
    assert result.joined == ["decidim-101", "decidim-group-900", "decidim-103"]
    details = consulted.plan_details(CC, "traffic")
    assert [(r.channel, r.given_at) for r in details.reactions] == [
        ("online", START + timedelta(days=2)),
        ("online", START + timedelta(days=3)),
        ("online", START + timedelta(days=4)),
    ]
    status = consulted.initiative_status(CC)
    kinds = {s.ref: s.kind for s in status.stakeholders}
    assert kinds["decidim-101"] == "resident"
    assert kinds["decidim-group-900"] == "institution"
    report = consulted.response_report(CC)
    assert [(e.text, e.origin, e.channel) for e in report] == [
        ("No cars on the quay;\nthe children walk there.", "decidim:501", "online"),
        ("We agree with closing the quay.", "decidim:502", "online"),
        (".", "decidim:503", "online"),
    ]
    assert consulted.verify_audit().intact


def test_the_response_report_says_when_each_imported_comment_was_posted(
    consulted: Samenspraak,
) -> None:
    """Imported on day 20, the comments were posted on days 2, 3 and 4: the
    reactienota says when each was given, not only when it was imported."""
    imported(consulted)
    assert [(e.origin, e.given_at, e.recorded_at) for e in consulted.response_report(CC)] == [
        ("decidim:501", START + timedelta(days=2), START + timedelta(days=20)),
        ("decidim:502", START + timedelta(days=3), START + timedelta(days=20)),
        ("decidim:503", START + timedelta(days=4), START + timedelta(days=20)),
    ]  # fmt: skip


def test_the_names_on_the_platform_go_to_the_directory_never_into_the_events(
    consulted: Samenspraak,
) -> None:
    imported(consulted)

    names = {s.ref: s.name for s in consulted.initiative_status(CC).stakeholders}
    assert names["decidim-101"] == "participant-101"
    assert names["decidim-group-900"] == "Residents' association"
    stored = b"".join(
        n.state for n in consulted.recorder.select_notifications(start=1, limit=10_000)
    )
    for personal in (b"participant-10", b"Residents' association", b"No cars on"):
        assert personal not in stored


def test_importing_the_same_export_again_records_nothing_new(
    consulted: Samenspraak,
) -> None:
    imported(consulted)
    before = everything_kept(consulted)

    again = imported(consulted, day=21)

    assert (again.recorded, again.already, again.joined) == ([], 3, [])
    assert everything_kept(consulted) == before


def test_an_import_given_again_with_its_command_id_is_not_recorded_twice(
    consulted: Samenspraak,
) -> None:
    imported(consulted, command_id="import-of-the-meeting")
    before = everything_kept(consulted)

    with pytest.raises(AlreadyRecorded) as again:
        imported(consulted, day=21, command_id="import-of-the-meeting")

    assert again.value.use_case == "import_decidim_comments"
    assert everything_kept(consulted) == before


def test_a_later_export_records_only_the_comments_not_yet_imported(
    consulted: Samenspraak,
) -> None:
    imported(consulted)
    later = export(OBJECTION, REPLY, A_DOT, ELSEWHERE, row(505, 6, "Trees!", 101, 1))

    result = imported(consulted, later, day=21)

    assert [(r.comment, r.reaction, r.stakeholder) for r in result.recorded] == [
        ("decidim:505", 4, "decidim-101")
    ]
    assert (result.already, result.joined) == (3, [])


def test_a_dry_run_says_what_it_would_record_and_records_nothing(
    consulted: Samenspraak,
) -> None:
    before = everything_kept(consulted)

    result = imported(consulted, dry_run=True)

    assert result.dry_run
    assert [r.reaction for r in result.recorded] == [1, 2, 3]
    assert everything_kept(consulted) == before
    assert len(imported(consulted).recorded) == 3


def test_a_comment_posted_after_the_reaction_period_refuses_the_import_unless_received_late(
    consulted: Samenspraak,
) -> None:
    after = export(OBJECTION, row(506, 16, "Too late, but still: trees.", 104))
    before = everything_kept(consulted)

    with pytest.raises(NotAllowed) as refused:
        imported(consulted, after)
    assert everything_kept(consulted) == before
    assert refused.value.rule == "a_late_reaction_is_refused"
    assert str(refused.value) == (
        "Nothing was imported: line 4 (comment 506): The reaction period of traffic "
        "closed at 2026-01-26T10:00+01:00; a reaction after that is late. To "
        "record comments posted after the reaction period as received late, "
        "import with late (--late)."
    )

    result = imported(consulted, after, late=True)
    assert [(r.comment, r.late) for r in result.recorded] == [
        ("decidim:501", False),
        ("decidim:506", True),
    ]
    assert [(e.reaction, e.outcome) for e in consulted.response_report(CC)] == [
        (1, "unanswered"),
        (2, "late"),
    ]


def test_a_comment_posted_before_the_version_existed_refuses_the_whole_import(
    consulted: Samenspraak,
) -> None:
    early = export(OBJECTION, A_DOT, row(507, -3, "Before the draft.", 105))
    before = everything_kept(consulted)

    with pytest.raises(NotAllowed) as refused:
        imported(consulted, early)

    assert str(refused.value).startswith("Nothing was imported: line 5 (comment 507): ")
    assert str(refused.value).endswith(
        "A reaction that came in at 2026-01-09T10:00+01:00 cannot react to "
        "version 1 of traffic: that version was proposed after it."
    )
    assert everything_kept(consulted) == before


def test_every_comment_refused_is_named_by_its_line(consulted: Samenspraak) -> None:
    early = export(*(row(600 + n, -1, f"Early {n}.", 200 + n) for n in range(13)))

    with pytest.raises(NotAllowed) as refused:
        imported(consulted, early, on=[])

    assert str(refused.value).startswith("Nothing was imported: line 2 (comment 600)")
    assert str(refused.value).endswith(
        "12 other comments were refused too (lines 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 "
        "and 2 more)."
    )


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            json.dumps({"comments": [{"id": 1}]}),
            "export: is not a Decidim comments export: its first line has no "
            "columns separated by ';' (it needs id, created_at, body, author/id, "
            "author/name, alignment, commentable_id, commentable_type).",
        ),
        (
            export(OBJECTION).replace(";alignment;", ";stance;"),
            "export: is not a Decidim comments export: it has no column alignment.",
        ),
        (
            export(OBJECTION, A_DOT.replace("2026-01-16 09:00:00 UTC", "16/01/2026")),
            "export: line 4: created_at must be a time like 2017-10-16 07:18:14 UTC, "
            "not '16/01/2026'.",
        ),
        (
            export(
                OBJECTION,
                A_DOT.replace(
                    "2026-01-16 09:00:00 UTC", "2026-01-16T09:00:00+00:19:32"
                ),
            ),
            "export: line 4: created_at needs a timezone offset in whole minutes, "
            "like +01:00, not '2026-01-16T09:00:00+00:19:32'.",
        ),
        (
            export(
                OBJECTION,
                A_DOT.replace("2026-01-16 09:00:00 UTC", "3026-01-16T09:00:00+01:00"),
            ),
            "export: line 4: created_at must be a moment between the years 1900 and "
            "2999, not '3026-01-16T09:00:00+01:00'.",
        ),
        (
            export(OBJECTION, A_DOT.replace(";0;0;", ";maybe;0;")),
            "export: line 4: alignment must be -1, 0 or 1, not 'maybe'.",
        ),
        (
            export(OBJECTION, A_DOT + ";one more"),
            "export: line 4: has 16 fields where the header has 15.",
        ),
        (
            export(OBJECTION, OBJECTION),
            "export: line 4 repeats comment 501 of line 2.",
        ),
        (
            export(OBJECTION, '503;2026-01-16 09:00:00 UTC;"never closed'),
            "export: line 4 is not CSV as Decidim writes it (unexpected end of data).",
        ),
        ("", "export: is empty; it must be a Decidim comments export."),
    ],
)
def test_a_file_that_is_not_a_decidim_comments_export_is_refused_and_nothing_recorded(
    consulted: Samenspraak, text: str, sentence: str
) -> None:
    before = everything_kept(consulted)

    with pytest.raises(InvalidInput) as refused:
        imported(consulted, text)

    assert str(refused.value) == sentence
    assert everything_kept(consulted) == before


def test_a_thing_commented_on_that_the_export_does_not_hold_is_refused(
    consulted: Samenspraak,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        imported(consulted, on=["Decidim::Meetings::Meeting:950"])

    assert str(refused.value) == (
        "on: no comment of the export is on Decidim::Meetings::Meeting:950."
    )


def test_a_comment_without_text_is_skipped_and_said_so(consulted: Samenspraak) -> None:
    result = imported(consulted, export(OBJECTION, row(508, 3, "   ", 106)))

    assert [r.comment for r in result.recorded] == ["decidim:501"]
    assert result.skipped == {"without text": 1}


def test_only_the_facilitator_imports_the_platforms_comments(
    small_centre: Callable[..., Samenspraak],
) -> None:
    app = small_centre({"bakery": "entrepreneur"})
    with clock.frozen_at(START):
        app.create_plan(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "title": "Traffic plan", "group": "traffic"}
        )  # fmt: skip
        app.propose_draft(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "text": "Draft.", "changes": "First."}
        )  # fmt: skip
    with (
        clock.frozen_at(START + timedelta(days=20)),
        pytest.raises(NotAllowed) as refused,
    ):
        app.import_decidim_comments(
            {"actor": "bakery", "initiative": CC, "plan": "traffic", "version": 1,
             "export": THE_EXPORT}
        )  # fmt: skip

    assert refused.value.rule == (
        "reactions_come_from_the_stakeholder_or_are_recorded_by_the_facilitator"
    )


def test_the_link_to_the_platforms_comment_survives_rebuilding_the_views(
    consulted: Samenspraak,
) -> None:
    imported(consulted)

    consulted.rebuild_projections()

    assert [e.origin for e in consulted.response_report(CC)] == [
        "decidim:501",
        "decidim:502",
        "decidim:503",
    ]
    assert consulted.participation_report(CC).outcomes()["unanswered"] == 3


# --- The link to the platform's comment, erased with its author's texts ---------


def stored_events(app: Samenspraak) -> bytes:
    """Every stored event's bytes, as the record keeps them."""
    return b"\n".join(
        n.state for n in app.recorder.select_notifications(start=1, limit=10_000)
    )


def the_comment_id(comment: int) -> re.Pattern[bytes]:
    """A comment's id written anywhere, as a number or in a text, but not a run
    of digits inside a hash or an id (which are hexadecimal)."""
    return re.compile(rb"(?<![0-9a-fA-F])%d(?![0-9a-fA-F])" % comment)


def test_no_platform_comment_id_appears_anywhere_in_the_stored_events(
    consulted: Samenspraak,
) -> None:
    imported(consulted)

    stored = stored_events(consulted)
    assert b"decidim:" not in stored
    for comment in (501, 502, 503):
        assert the_comment_id(comment).search(stored) is None, comment
    assert origin_texts(consulted) == {
        1: "decidim:501", 2: "decidim:502", 3: "decidim:503",
    }  # fmt: skip


def origin_texts(app: Samenspraak) -> dict[int, str | None]:
    """The text store's body of each reaction's origin, by reaction (None: erased)."""
    initiative = app.repository.get(initiative_id(CC))
    plan = app.repository.get(plan_id(initiative.id, "traffic"))
    refs = {n: r.origin.id for n, r in plan.reactions.items() if r.origin is not None}
    kept = app.store.select_texts(list(refs.values()))
    return {n: kept[text_id].body for n, text_id in refs.items()}


def erase_with_texts(app: Samenspraak, ref: str, day: int = 22) -> None:
    with clock.frozen_at(START + timedelta(days=day)):
        app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": ref, "texts": True}
        )  # fmt: skip


def test_erasing_an_authors_texts_erases_the_link_to_their_comment_and_the_record_still_verifies(
    consulted: Samenspraak,
) -> None:
    imported(consulted)

    erase_with_texts(consulted, "decidim-101")

    report = consulted.response_report(CC)
    assert [(e.reaction, e.text, e.origin, e.origin_erased) for e in report] == [
        (1, None, None, True),
        (2, "We agree with closing the quay.", "decidim:502", False),
        (3, ".", "decidim:503", False),
    ]
    assert origin_texts(consulted) == {1: None, 2: "decidim:502", 3: "decidim:503"}
    check = consulted.verify_audit()
    assert check.intact, check.problem


def test_a_plan_that_lost_an_imported_origin_takes_new_comments_once_the_erased_rows_are_left_out(
    consulted: Samenspraak,
) -> None:
    """The record keeps no other trace of which comment it was: an export that
    still holds it would bring back what was erased. So the plan takes no new
    comments until the facilitator says the rows of whoever was erased were left
    out; comments all there already are no reason to refuse."""
    imported(consulted)
    erase_with_texts(consulted, "decidim-101")
    before = everything_kept(consulted)

    with pytest.raises(NotAllowed) as refused:
        imported(consulted, day=23)
    nothing_new = imported(consulted, export(REPLY, A_DOT), day=23)

    assert refused.value.rule == "an_erased_authors_comments_are_not_imported_again"
    assert str(refused.value).startswith(
        "Nothing was imported: 1 reaction in city-centre was imported from a comment "
        "whose origin was erased since"
    )
    assert (nothing_new.recorded, nothing_new.already) == ([], 2)
    assert everything_kept(consulted) == before
    without_the_erased = export(REPLY, A_DOT, ELSEWHERE, row(505, 6, "Trees!", 104, 1))
    again = imported(consulted, without_the_erased, day=23, erased_left_out=True)
    assert [(r.comment, r.reaction, r.stakeholder) for r in again.recorded] == [
        ("decidim:505", 4, "decidim-104")
    ]
    assert (again.already, again.origins_erased) == (2, 1)


def test_an_erasure_on_one_plan_holds_back_an_import_into_another_plan_of_the_initiative(
    consulted: Samenspraak,
) -> None:
    """One person's comments on the platform may go to several plans: the
    comments imported into the traffic plan, whose author was erased since, hold
    back an import of the other meeting's comments into the parking plan, which
    holds a comment of the same author."""
    imported(consulted)
    erase_with_texts(consulted, "decidim-101")
    with clock.frozen_at(START):
        consulted.create_plan(
            {"actor": "facilitator", "initiative": CC, "plan": "parking",
             "title": "Parking plan", "group": "traffic"}
        )  # fmt: skip
        consulted.propose_draft(
            {"actor": "facilitator", "initiative": CC, "plan": "parking",
             "text": "Draft.", "changes": "First."}
        )  # fmt: skip
    before = everything_kept(consulted)

    with (
        clock.frozen_at(START + timedelta(days=23)),
        pytest.raises(NotAllowed) as refused,
    ):
        consulted.import_decidim_comments(
            {"actor": "facilitator", "initiative": CC, "plan": "parking",
             "version": 1, "export": THE_EXPORT,
             "on": ["Decidim::Meetings::Meeting:906"]}
        )  # fmt: skip

    assert refused.value.rule == "an_erased_authors_comments_are_not_imported_again"
    assert everything_kept(consulted) == before


def test_an_authors_new_comment_does_not_bring_back_someone_erased_without_their_texts(
    consulted: Samenspraak,
) -> None:
    """An erasure without the texts keeps the origins, so the comments imported
    before are recognised; but the reference the author had is gone, and a new
    comment of theirs in a later export would register them again, with the name
    the platform gives. Such a plan takes new comments once the rows of whoever
    was erased are left out, as after an erasure with the texts."""
    imported(consulted)
    with clock.frozen_at(START + timedelta(days=22)):
        consulted.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "decidim-101"}
        )  # fmt: skip
    before = everything_kept(consulted)
    their_new_comment = row(505, 6, "Trees!", 101, 1)

    with pytest.raises(NotAllowed) as refused:
        imported(consulted, export(OBJECTION, REPLY, A_DOT, their_new_comment), day=23)

    assert refused.value.rule == "an_erased_authors_comments_are_not_imported_again"
    assert str(refused.value) == (
        "Nothing was imported: 1 reaction in city-centre was imported from a comment of "
        "someone erased since, whom an import does not recognise any more: a new "
        "comment of theirs would register them again with the name the platform "
        "gives; leave the rows of whoever was erased out of the export, then "
        "import with erased_left_out (--erased-left-out)."
    )
    assert everything_kept(consulted) == before
    refs = {s.ref for s in consulted.initiative_status(CC).stakeholders}
    assert "decidim-101" not in refs
    without_the_erased = export(REPLY, A_DOT, row(506, 6, "Trees!", 104, 1))
    again = imported(consulted, without_the_erased, day=23, erased_left_out=True)
    assert [(r.comment, r.stakeholder) for r in again.recorded] == [
        ("decidim:506", "decidim-104")
    ]


def test_a_replayed_export_keeps_the_origins_and_the_erased_one_stays_erased(
    consulted: Samenspraak, tmp_path: Path
) -> None:
    imported(consulted)
    whole = tmp_path / "whole.zip"
    consulted.export_initiative(CC, str(whole))
    erase_with_texts(consulted, "decidim-101")
    after = tmp_path / "after.zip"
    consulted.export_initiative(CC, str(after))

    for bundle, origins in (
        (
            whole,
            [("decidim:501", False), ("decidim:502", False), ("decidim:503", False)],
        ),
        (after, [(None, True), ("decidim:502", False), ("decidim:503", False)]),
    ):
        copy = tmp_path / f"{bundle.stem}.db"
        Samenspraak.replay(str(bundle), str(copy))
        with Samenspraak.open(str(copy), create=False) as replayed:
            report = replayed.response_report(CC)
            assert [(e.origin, e.origin_erased) for e in report] == origins
            check = replayed.verify_audit()
            assert check.intact, check.problem
            if any(erased for _, erased in origins):
                with pytest.raises(NotAllowed):  # the erased comment is unknown
                    imported(replayed, day=30)
            else:
                again = imported(replayed, day=30)
                assert (again.already, again.recorded) == (3, [])


# --- The real export of decidim.barcelona --------------------------------------------


@pytest.fixture
def barcelona_export() -> str:
    if not MEETING_COMMENTS.is_file():
        pytest.skip(f"the real Decidim export is not at {MEETING_COMMENTS}")
    return MEETING_COMMENTS.read_text(encoding="utf-8")


@pytest.fixture
def since_2016(small_centre: Callable[..., Samenspraak]) -> Samenspraak:
    """An initiative whose plan's version 1 was proposed before the first comment
    of the Barcelona export (2017), without a reaction period."""
    app = small_centre()
    with clock.frozen_at(datetime(2016, 1, 1, tzinfo=UTC)):
        app.create_plan(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "title": "Traffic plan", "group": "traffic"}
        )  # fmt: skip
        app.propose_draft(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "text": "Draft.", "changes": "First."}
        )  # fmt: skip
    return app


def barcelona(app: Samenspraak, text: str, **given: object):
    with clock.frozen_at(datetime(2024, 10, 1, tzinfo=UTC)):
        return app.import_decidim_comments(
            {"actor": "facilitator", "initiative": CC, "plan": "traffic",
             "version": 1, "export": text, **given}
        )  # fmt: skip


def test_every_comment_of_the_barcelona_meetings_export_is_recorded_once(
    since_2016: Samenspraak, barcelona_export: str
) -> None:
    """2,628 comments from 2017 to 2024: 28 in favour, 19 against, the rest
    neither; 48 posted for a user group, the other user-group columns empty."""
    result = barcelona(since_2016, barcelona_export)

    assert len(result.recorded) == 2628
    assert Counter(r.stance for r in result.recorded) == {
        "suggestion": 2581, "support": 28, "objection": 19,
    }  # fmt: skip
    groups = [r for r in result.recorded if r.stakeholder.startswith("decidim-group-")]
    assert len(groups) == 48
    assert (result.already, result.skipped) == (0, {})
    report = since_2016.response_report(CC)
    texts = {e.text for e in report}
    probes = {".", "c:/", "/etc/passwd", "../" * 16 + "etc/passwd"}
    assert probes <= texts  # a penetration test's bodies, recorded as written
    assert {e.channel for e in report} == {"online"}

    again = barcelona(since_2016, barcelona_export)
    assert (len(again.recorded), again.already) == (0, 2628)


def test_the_comments_on_one_barcelona_meeting_are_its_thread(
    since_2016: Samenspraak, barcelona_export: str
) -> None:
    """Meeting 980 drew 310 comments of its own; the replies in its threads come
    along."""
    result = barcelona(
        since_2016, barcelona_export, on=["Decidim::Meetings::Meeting:980"],
        dry_run=True,
    )  # fmt: skip

    assert len(result.recorded) >= 310
    assert result.skipped == {"not on what was chosen": 2628 - len(result.recorded)}
    assert since_2016.plan_details(CC, "traffic").reactions == []


def harbour_plan_open(app: Samenspraak) -> None:
    """A second initiative of the same facilitator, the harbour, whose plan's
    version 1 is open for reactions from 12 January 2026 to day 14."""
    harbour = {"actor": "facilitator", "initiative": "harbour"}
    plan = {**harbour, "plan": "quays"}
    with clock.frozen_at(START):
        app.start_initiative(
            {**harbour, "title": "The harbour", "description": "Residents decide.",
             "area": "The quays", "budget": "0", "level": "co-deciding"}
        )  # fmt: skip
        app.form_group(
            {**harbour, "group": "quays", "kind": "working", "name": "Quays",
             "mandate": "A plan for the quays."}
        )  # fmt: skip
        app.create_plan({**plan, "title": "Quays plan", "group": "quays"})
        app.propose_draft({**plan, "text": "Draft.", "changes": "First."})
        app.open_reaction_period({**plan, "closes_at": CLOSES.isoformat()})


def imported_into_the_harbour(app: Samenspraak, text: str, **given: object):
    with clock.frozen_at(START + timedelta(days=23)):
        return app.import_decidim_comments(
            {"actor": "facilitator", "initiative": "harbour", "plan": "quays",
             "version": 1, "export": text, **given}
        )  # fmt: skip


@pytest.mark.parametrize("with_texts", [True, False], ids=["with", "without"])
def test_an_erasure_in_one_initiative_holds_back_an_import_into_another(
    consulted: Samenspraak, with_texts: bool
) -> None:
    """The same platform's comments may go to another initiative of the record:
    an export for the harbour that still holds a comment of someone erased since
    they were imported into the city centre would bring them back, with the name
    the platform gives. So the harbour takes no new comments either until the
    facilitator says the rows of whoever was erased were left out."""
    imported(consulted)
    harbour_plan_open(consulted)
    with clock.frozen_at(START + timedelta(days=22)):
        consulted.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "decidim-101",
             "texts": with_texts}
        )  # fmt: skip
    before = everything_kept(consulted)
    their_comments = export(
        row(
            601, 3, "Fewer cars on the quays.", 101, -1, on="Decidim::Debates::Debate:7"
        ),
        row(602, 4, "More benches.", 104, 1, on="Decidim::Debates::Debate:7"),
    )

    with pytest.raises(NotAllowed) as refused:
        imported_into_the_harbour(consulted, their_comments)

    assert refused.value.rule == "an_erased_authors_comments_are_not_imported_again"
    assert str(refused.value).startswith(
        "Nothing was imported: 1 reaction in city-centre was imported from a comment "
    )
    assert everything_kept(consulted) == before
    directory = {s.ref for s in consulted.initiative_status("harbour").stakeholders}
    assert "decidim-101" not in directory
    without_the_erased = export(
        row(602, 4, "More benches.", 104, 1, on="Decidim::Debates::Debate:7")
    )
    again = imported_into_the_harbour(
        consulted, without_the_erased, erased_left_out=True
    )
    assert [(r.comment, r.stakeholder) for r in again.recorded] == [
        ("decidim:602", "decidim-104")
    ]
    assert (again.origins_erased, again.origins_erased_in) == (
        (1, ["city-centre"]) if with_texts else (0, [])
    )
