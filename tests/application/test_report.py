"""The participation report (participatieverslag) of the city-centre story."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import InvalidInput, NotAllowed, NotFound, Samenspraak
from samenspraak.application.report import ParticipationReport
from samenspraak.application.report_render import (
    render_html,
    render_json,
    render_markdown,
)
from samenspraak.application.report_timeline import (
    NARROW,
    WIDE,
    Timeline,
    axis_of,
    label_beside,
    legend,
)
from samenspraak.application.report_words import words
from samenspraak.application.story import TRAFFIC_V2, VISION_V2, StoryRecord, sha256_of
from samenspraak.application.templates import TEMPLATES_VARIABLE
from samenspraak.domain import clock
from samenspraak.domain.initiative import initiative_id
from samenspraak.projections.chain import Head

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
BEFORE_THE_COUNCIL = "2026-02-10T12:00+01:00"


def test_the_report_holds_every_reaction_with_its_answer(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    assert [p.plan for p in report.plans] == ["vision", "traffic-plan"]
    for plan in ("vision", "traffic-plan"):
        details = app.plan_details(CITY, plan)
        lines = [r for r in report.responses if r.plan == plan]
        assert [r.number for r in lines] == [r.number for r in details.reactions]
        for line, reaction in zip(lines, details.reactions, strict=True):
            assert line.text == reaction.text
            assert line.stakeholder == reaction.stakeholder
            assert (line.version, line.stance, line.channel, line.meeting) == (
                reaction.version,
                reaction.stance,
                reaction.channel,
                reaction.meeting,
            )
            assert reaction.answer is not None
            assert line.outcome == reaction.answer.kind
            assert line.answer_version == reaction.answer.version
            assert line.answer_text == reaction.answer.text
            assert line.answered_by == reaction.answer.by
    assert report.outcomes() == {
        "adopted": 3,
        "partly-adopted": 0,
        "defended": 2,
        "noted": 2,
        "withdrawn": 0,
        "late": 0,
        "unanswered": 0,
    }
    objection = next(
        r for r in report.responses if r.plan == "traffic-plan" and r.number == 1
    )
    assert objection.stakeholder_kind == "resident"
    assert (objection.channel, objection.meeting) == ("meeting", 2)
    assert objection.outcome == "adopted"
    assert objection.answer_version == 2
    assert objection.answer_text is not None
    assert objection.answer_text.startswith("A modal filter")


def test_the_report_shows_the_versions_and_what_changed(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    traffic = report.plans[1]
    assert traffic.final_version == 2
    assert traffic.unanswered == []
    assert [(v.number, v.answers) for v in traffic.versions] == [(1, []), (2, [1, 3])]
    assert traffic.versions[1].changes == (
        "A modal filter for the Havenkwartier; bicycle parking at the library."
    )
    assert traffic.versions[1].text == TRAFFIC_V2


def test_a_later_version_that_adopts_no_reaction_says_it_came_on_its_own_initiative(
    tmp_path: Path,
) -> None:
    app = Samenspraak.open(str(tmp_path / "record.db"))
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    steps: list[tuple[Any, dict[str, Any]]] = [
        (app.register_stakeholder, {"stakeholder": "facilitator", "name": "F"}),
        (app.start_initiative, {"initiative": "x", "title": "X", "description": "d",
                                "area": "a", "budget": "1000", "level": "consulting"}),
        (app.register_stakeholder, {"stakeholder": "bakery", "name": "B"}),
        (app.join_initiative, {"initiative": "x", "stakeholder": "bakery",
                               "kind": "entrepreneur"}),
        (app.form_group, {"initiative": "x", "group": "g", "kind": "working",
                          "name": "G", "mandate": "m"}),
        (app.create_plan, {"initiative": "x", "plan": "p", "title": "P", "group": "g"}),
        (app.propose_draft, {"initiative": "x", "plan": "p", "text": "t1",
                             "changes": "First draft."}),
        (app.react_to_plan, {"initiative": "x", "plan": "p", "version": 1,
                             "actor": "bakery", "stance": "suggestion",
                             "text": "Deliver by cargo bike."}),
        (app.propose_draft, {"initiative": "x", "plan": "p", "text": "t2",
                             "changes": "Cargo bikes."}),
        (app.adopt_change, {"initiative": "x", "plan": "p", "reactions": [1],
                            "version": 2, "explanation": "Adopted."}),
        (app.propose_draft, {"initiative": "x", "plan": "p", "text": "t3",
                             "changes": "A street name spelt right."}),
    ]  # fmt: skip
    try:
        for n, (use_case, fields) in enumerate(steps):
            fields.setdefault("actor", "facilitator")
            with clock.frozen_at(at + timedelta(hours=n)):
                use_case(fields)
        report = app.participation_report("x")
    finally:
        app.close()
    assert [v.answers for v in report.plans[0].versions] == [[], [1], []]
    markdown = render_markdown(report, "nl")
    assert "| A street name spelt right. | geen (eigen initiatief) |" in markdown
    assert "| First draft. | - |" in markdown
    assert "| Cargo bikes. | 1 |" in markdown
    assert (
        'A street name spelt right.</td><td data-label="Neemt reacties over" role="cell">'
        "geen (eigen initiatief)</td>" in render_html(report, "nl")
    )
    english = render_markdown(report, "en")
    assert "| A street name spelt right. | none (own initiative) |" in english


def test_the_report_shows_process_people_meetings_decisions_and_budget(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    status = app.initiative_status(CITY)
    assert report.title == "Together for a lively city centre"
    assert (report.level, report.phase, report.facilitator) == (
        "co-deciding",
        "council",
        "facilitator",
    )
    assert report.process.name == "overheidsparticipatie"
    assert report.process.content_hash == status.template.content_hash
    assert [p.phase for p in report.phases] == [
        "society-decides",
        "colleagues-join",
        "council",
    ]
    assert report.phases[0].ended_at == report.phases[1].began_at
    assert report.phases[-1].ended_at is None
    kinds = {p.kind: (p.active, p.former, p.active_refs) for p in report.participants}
    assert kinds["resident"] == (
        2,
        0,
        ["resident-havenkwartier", "resident-kerkstraat"],
    )
    assert kinds["facilitator"] == (1, 0, ["facilitator"])
    assert [
        (m.number, m.attendance, m.evening_or_weekend) for m in report.meetings
    ] == [
        (1, 9, True),
        (2, 64, True),
    ]
    assert report.meetings[1].reactions == 1
    decisions = {d.decision: d for d in report.decisions}
    assert decisions["first-priority"].outcome == "car-free-square"
    assert decisions["first-priority"].rule == "plurality"
    assert decisions["first-priority"].tally == {
        "car-free-square": 4,
        "green-streets": 2,
        "evening-library": 0,
    }
    assert [o.votes for o in decisions["first-priority"].options] == [4, 2, 0]
    assert decisions["traffic-plan-consent"].eligible == list(
        app.decision_details(CITY, "traffic-plan-consent").eligible
    )
    # Four of the seven who could take part did; under consent, silence agreed.
    consent = decisions["traffic-plan-consent"]
    assert (consent.positions, consent.could_take_part) == (4, 7)
    assert (
        "- **Positions taken:** 4 of the 7 who could take part (whoever took no "
        "position consented)"
    ) in render_markdown(report, "en")
    assert str(report.budget.total) == "250000.00"
    assert str(report.budget.allocated) == "150000.00"
    assert str(report.budget.remaining) == "100000.00"
    assert report.budget.allocations[0].decision == "budget-first-part"


def test_the_report_says_when_each_participant_joined_and_left(story: Story) -> None:
    app, _, _ = story
    with clock.frozen_at(datetime(2026, 6, 1, 10, 0, tzinfo=UTC)):
        app.leave_initiative(
            {"actor": "bakery", "initiative": CITY, "stakeholder": "bakery"}
        )
    report = app.participation_report(CITY)
    status = app.initiative_status(CITY)
    assert {p.ref for p in report.people} == {s.ref for s in status.stakeholders}
    assert [p.joined_at for p in report.people] == sorted(
        p.joined_at for p in report.people
    )
    bakery = next(p for p in report.people if p.ref == "bakery")
    assert bakery.left_at == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert all(p.left_at is None for p in report.people if p.ref != "bakery")
    markdown, html = render_markdown(report, "en"), render_html(report, "nl")
    assert "### Who took part, and when" in markdown
    assert "| bakery | Entrepreneur |" in markdown
    assert "1 Jun 2026" in markdown
    assert "Wie deed mee en wanneer" in html


def test_someone_who_left_and_joined_again_keeps_both_times_in_the_report(
    story: Story,
) -> None:
    app, _, _ = story
    left, back = (datetime(2026, 6, d, 10, 0, tzinfo=UTC) for d in (1, 3))
    with clock.frozen_at(left):
        app.leave_initiative(
            {"actor": "bakery", "initiative": CITY, "stakeholder": "bakery"}
        )
    with clock.frozen_at(back):
        app.join_initiative(
            {"actor": "bakery", "initiative": CITY, "stakeholder": "bakery",
             "kind": "entrepreneur"}
        )  # fmt: skip
    times = [
        (p.kind, p.left_at, p.joined_at)
        for p in app.participation_report(CITY).people
        if p.ref == "bakery"
    ]
    assert len(times) == 2
    (kind, first_left, _), (again_kind, still, again) = times
    assert (kind, first_left) == ("entrepreneur", left)
    assert (again_kind, still, again) == ("entrepreneur", None, back)
    # Erased later: only their last time in ends with the erasure.
    with clock.frozen_at(datetime(2026, 7, 1, 10, 0, tzinfo=UTC)):
        erasure = app.erase_stakeholder({"actor": "bakery", "stakeholder": "bakery"})
    marks = [
        (p.left_at, p.erased)
        for p in app.participation_report(CITY).people
        if p.ref == erasure.now_named
    ]
    assert marks == [(left, False), (datetime(2026, 7, 1, 10, 0, tzinfo=UTC), True)]


def test_markdown_says_who_answered_when_and_when_a_decision_was_taken(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    markdown = render_markdown(report, "en")
    answered = next(x for x in report.responses if x.answered_by)
    assert answered.answered_at is not None
    assert f"(by {answered.answered_by}, " in markdown
    decided = next(d for d in report.decisions if d.ended_at is not None)
    assert decided.state == "decided"
    assert f"Decided, {words('en').when(decided.ended_at)}" in markdown


def test_an_erased_explanation_reads_as_erased_not_as_never_given(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How the report shows texts without a body. (No erasure empties an
    explanation, so the record's check would refuse this report; it is left out
    here to see the rendering.)"""
    app, _, db = story
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE samenspraak_texts SET body = NULL, salt = NULL "
            "WHERE purpose IN ('explanation', 'reaction section')"
        )
    with pytest.raises(NotAllowed, match="was emptied, but no erasure"):
        app.participation_report(CITY)
    monkeypatch.setattr(app, "_integrity_problem", lambda *args: None)
    report = app.participation_report(CITY)
    erased_sections = [x for x in report.responses if x.section_erased]
    assert erased_sections
    assert all(x.section is None for x in erased_sections)
    assert not any(x.section_erased for x in report.responses if x.section)
    adopted = [x for x in report.responses if x.outcome == "adopted"]
    assert adopted
    assert all(x.answer_text is None for x in adopted)
    markdown = render_markdown(report, "en")
    assert r"Adopted in version 2: \[erased\]" in markdown  # escaped for Markdown
    assert "[erased]</div>" in render_html(report, "en")


def test_the_council_informings_carry_their_hashes_and_audit_heads(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    assert [(c.session, c.document_sha256) for c in report.council] == [
        ("informal", sha256_of(VISION_V2)),
        ("formal", sha256_of(TRAFFIC_V2)),
    ]
    log = {entry.position: entry for entry in app.audit_log(CITY)}
    for informing in report.council:
        assert informing.audit_head is not None
        head = Head.parse(informing.audit_head)
        # The head recorded then is the initiative's chain up to the event before.
        assert log[head.position].initiative_chain_hash == head.chain_hash
        assert head.position < max(log)
    html = render_html(report)
    markdown = render_markdown(report)
    for informing in report.council:
        assert informing.document_sha256 in html
        assert informing.document_sha256 in markdown
        assert str(informing.audit_head) in html
        assert str(informing.audit_head) in markdown


def test_the_council_s_follow_up_names_whose_document_its_hash_is(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    [follow_up] = report.council[1].follow_ups
    digest = follow_up.document_sha256
    assert digest is not None
    dutch = f"works out. (SHA-256 van het document van de raad {digest})"
    english = f"works out. (SHA-256 of the council&#x27;s document {digest})"
    assert dutch in render_markdown(report, "nl")
    assert dutch in render_html(report, "nl")
    assert english in render_html(report, "en")
    assert "(sha256 " not in render_markdown(report, "en")


def test_the_report_names_the_audit_heads_it_was_built_from(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    assert report.built_from.initiative_head == str(app.audit_head(CITY))
    assert report.built_from.global_head == str(app.audit_head())
    assert report.as_of is None
    assert app.verify_audit(report.built_from.global_head).intact
    assert report.built_from.initiative_head in render_html(report)
    assert report.built_from.initiative_head in render_markdown(report, "en")


def test_as_of_a_moment_the_report_shows_that_moment(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY, as_of=BEFORE_THE_COUNCIL)
    assert report.as_of is not None
    assert report.as_of.isoformat() == "2026-02-10T12:00:00+01:00"
    assert [p.plan for p in report.plans] == ["vision"]
    vision = report.plans[0]
    assert [v.number for v in vision.versions] == [1]
    assert vision.final_version is None
    assert vision.unanswered == [1, 2]
    assert [(r.number, r.outcome) for r in report.responses] == [
        (1, "unanswered"),
        (2, "unanswered"),
    ]
    assert report.council == []
    assert report.decisions == []
    assert [p.phase for p in report.phases] == ["society-decides"]
    assert [m.number for m in report.meetings] == [1]
    # The heads are those of the last event recorded by then.
    last = app.audit_log(CITY, until=BEFORE_THE_COUNCIL)[-1]
    assert report.built_from.initiative_head == (
        f"{last.position}:{last.initiative_chain_hash}"
    )
    assert report.built_from.global_head == f"{last.position}:{last.chain_hash}"
    assert report.built_from != app.participation_report(CITY).built_from
    markdown = render_markdown(report)
    assert "Nog niet beantwoord" in markdown
    assert "Er is nog niets aan de gemeenteraad voorgelegd." in markdown
    assert "Stand per:** 10 februari 2026, 12:00" in markdown


def test_as_of_before_the_start_or_of_an_unknown_initiative_is_refused(
    story: Story,
) -> None:
    app, _, _ = story
    with pytest.raises(NotFound, match="had not started yet"):
        app.participation_report(CITY, as_of="2025-12-31T12:00+01:00")
    with pytest.raises(NotFound, match=r"There is no initiative called nowhere\."):
        app.participation_report("nowhere")
    with pytest.raises(InvalidInput, match="as_of"):
        app.participation_report(CITY, as_of="yesterday")


def test_dutch_and_english_wording_differ(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    assert render_markdown(report) == dutch
    pairs = [
        ("# Participatieverslag", "# Participation report"),
        ("## Reactienota", "## Response report"),
        ("## Besluitpunten", "## Decision points"),
        ("Overgenomen in versie 2", "Adopted in version 2"),
        ("Standpunt gehandhaafd", "Position defended"),
        ("Informele raadsbijeenkomst", "Informal council session"),
        ("€ 150.000,00", "€150,000.00"),
        ("Steun genoteerd", "Support noted"),
        ("Zorgpunt", "Concern"),
        ("Relatieve meerderheid (de meeste stemmen)", "Plurality (the most votes)"),
        (
            "Wie mocht meebeslissen:** inwoners, ondernemers, instellingen",
            "Who could take part:** residents, entrepreneurs, institutions",
        ),
        ("Controlewaarde van het auditspoor van het initiatief", "Initiative head"),
        ("9 apr 2026", "9 Apr 2026"),
    ]
    for nl, en in pairs:
        assert nl in dutch
        assert en in english
        assert nl not in english
        assert en not in dutch
    html_nl, html_en = render_html(report, "nl"), render_html(report, "en")
    assert '<html lang="nl">' in html_nl
    assert '<html lang="en">' in html_en
    assert "Tijdlijn van het proces" in html_nl
    assert "Timeline of the process" in html_en
    # The phase that runs still says so in the timeline's tooltips.
    assert "Gemeenteraad: 18 mei 2026, 09:00 – loopt</title>" in html_nl
    assert "– -</title>" not in html_nl
    # One vote is one vote, in both languages.
    assert "1 stemmen" not in html_nl
    assert "1 votes" not in html_en
    assert ">1 stem</span>" in html_nl
    assert ">1 vote</span>" in html_en
    with pytest.raises(InvalidInput, match=r"^lang: must be one of nl, en\.$"):
        render_html(report, "fr")


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def test_the_html_is_one_self_contained_file_with_a_timeline(story: Story) -> None:
    app, _, _ = story
    html = render_html(app.participation_report(CITY))
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<html") == 1
    assert html.count("</html>") == 1
    assert '<meta name="viewport"' in html
    assert "<style>" in html
    assert "<script" not in html.lower()
    assert EXTERNAL.search(html) is None
    assert "<link" not in html
    assert "@import" not in html
    assert "url(" not in html
    assert "<svg" in html
    # The timeline: wide and narrow pictures, with a legend.
    assert 'class="tl tl-wide"' in html
    assert 'class="tl tl-narrow"' in html
    assert 'class="legend"' in html
    assert "Bijeenkomst &#x27;s avonds, &#x27;s nachts of in het weekend" in html
    assert "Raad geïnformeerd (informeel)" in html


def test_the_command_that_verifies_the_report_wraps_on_a_phone(story: Story) -> None:
    app, _, _ = story
    html = render_html(app.participation_report(CITY))
    # Code stays on one line elsewhere; this command is wider than a phone, and
    # kept on one line it would widen the whole page.
    command = re.search(r"<code([^>]*)>samenspraak audit verify ", html)
    assert command is not None
    assert command.group(1) == ' class="command"'
    assert "code.command{white-space:normal;overflow-wrap:anywhere}" in html


def test_a_phase_shown_by_its_number_is_named_in_the_legend(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    # On a phone the band of the first phase is too narrow for its name.
    narrow = Timeline(report, words("nl"), axis_of(report, NARROW)).svg()
    assert "Samenleving beslist</text>" not in narrow
    assert re.search(r'text-anchor="middle" fill="#18456b">1</text>', narrow)
    html = render_html(report)
    assert "<span>Fase 1: Samenleving beslist</span>" in html
    assert "Fase 2:" not in html  # its name fits in its band
    assert "Phase 1:" not in render_html(report, "en")  # the shorter name fits


def test_the_legend_shows_only_the_kinds_of_meeting_the_picture_shows(
    story: Story,
) -> None:
    app, _, _ = story
    # Both meetings of the story were held in the evening.
    shown = legend(app.participation_report(CITY), words("en"))
    assert "Evening, night or weekend meeting" in shown
    assert "Daytime meeting on a weekday" not in shown


def test_the_timeline_shows_the_announcements_and_the_councils_follow_up(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    wide = Timeline(report, words("en"), axis_of(report, WIDE)).svg()
    # A lane of its own for the letter, with who it reached in the tooltip.
    assert ">Announcements<" in wide
    assert (
        "<title>Letter: Every household in the old town and the Havenkwartier "
        "(4,200) – 22 Jun 2026, 09:00</title>"
    ) in wide
    # The follow-up on the council lane, with what the council did; its text ends
    # in a full stop, and the date follows in brackets.
    follow_up = re.search(
        r"<title>The council&#x27;s follow-up: The council adopts the traffic plan"
        r"[^<]*</title>",
        wide,
    )
    assert follow_up is not None
    assert follow_up.group().endswith("works out. – 18 Jun 2026, 21:00</title>")
    shown = legend(report, words("en"))
    assert "Announcement or invitation" in shown
    assert "The council&#x27;s follow-up" in shown
    # As of before the letter, neither is drawn.
    before = app.participation_report(CITY, as_of="2026-06-05T12:00+02:00")
    earlier = Timeline(before, words("en"), axis_of(before, WIDE)).svg()
    assert ">Announcements<" not in earlier
    assert "follow-up" not in earlier
    assert "Announcement or invitation" not in legend(before, words("en"))


def test_records_made_about_the_process_later_do_not_stretch_its_timeline(
    story: Story,
) -> None:
    app, _, _ = story
    with clock.frozen_at(datetime(2026, 6, 23, 12, 0, tzinfo=UTC)):
        app.leave_initiative(
            {"actor": "resident-kerkstraat", "initiative": CITY,
             "stakeholder": "resident-kerkstraat"}
        )  # fmt: skip
    before = app.participation_report(CITY)
    # Months after a resident left: their name erased on request, a meeting's
    # record corrected, a name corrected and a framework of the council recorded.
    # Each is told in the report, but none is a step of the process.
    with clock.frozen_at(datetime(2026, 11, 20, 10, 0, tzinfo=UTC)):
        app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "resident-kerkstraat"}
        )
        app.correct_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "name": "The corner bakery"}
        )
        app.correct_meeting(
            {"actor": "facilitator", "initiative": CITY, "meeting": 1,
             "attendance": 41, "reason": "Two signed in late."}
        )  # fmt: skip
        app.record_council_framework(
            {"actor": "facilitator", "initiative": CITY,
             "framework": "The trees stay.", "set_at": "2025-12-11T21:30+01:00"}
        )  # fmt: skip
    after = app.participation_report(CITY)

    assert after.last_event_at > before.last_event_at + timedelta(days=100)
    assert axis_of(after, WIDE) == axis_of(before, WIDE)
    title = '<title id="tl-wide">Timeline from 12 Jan 2026 to 23 Jun 2026</title>'
    assert title in Timeline(before, words("en"), axis_of(before, WIDE)).svg()
    assert title in Timeline(after, words("en"), axis_of(after, WIDE)).svg()


def test_a_deadline_closed_by_a_late_tick_ends_the_timeline_at_the_deadline(
    story: Story,
) -> None:
    app, _, _ = story
    with clock.frozen_at(datetime(2026, 6, 22, 12, 0, tzinfo=UTC)):
        app.put_decision_point(
            {"actor": "facilitator", "initiative": CITY,
             "decision": "evening-market", "question": "An evening market?",
             "options": [{"key": "yes", "label": "Yes"},
                         {"key": "no", "label": "No"}],
             "eligible": ["resident"], "rule": "majority",
             "closes_at": "2026-06-25T12:00+02:00"}
        )  # fmt: skip
    # No one ran tick until November: the decision point closed at its deadline.
    with clock.frozen_at(datetime(2026, 11, 20, 9, 0, tzinfo=UTC)):
        [closed] = app.tick()
    report = app.participation_report(CITY)

    assert closed.subject == "evening-market"
    assert report.last_step_at == datetime(2026, 6, 25, 10, 0, tzinfo=UTC)
    assert report.last_event_at == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_the_timelines_title_ends_where_its_picture_does(story: Story) -> None:
    """The council's follow-up is drawn at the date the council acted, though it
    is no step of the process: when that lies after the last step, the picture
    runs to it, and so does its title."""
    app, _, _ = story
    with clock.frozen_at(datetime(2026, 11, 20, 10, 0, tzinfo=UTC)):
        app.record_council_follow_up(
            {"actor": "facilitator", "initiative": CITY, "informing": 1,
             "summary": "The council adopts the vision.",
             "followed_up_at": "2026-11-19T21:00+01:00"}
        )  # fmt: skip
    report = app.participation_report(CITY)
    axis = axis_of(report, WIDE)

    assert report.last_step_at < datetime(2026, 11, 19, 20, 0, tzinfo=UTC) < axis.end
    wide = Timeline(report, words("en"), axis).svg()
    assert (
        '<title id="tl-wide">Timeline from 12 Jan 2026 to 19 Nov 2026</title>' in wide
    )


def test_every_text_from_the_record_is_escaped(story: Story) -> None:
    app, _, _ = story
    app.create_plan(
        {
            "actor": "resident-kerkstraat",
            "initiative": CITY,
            "plan": "parking",
            "title": "Parking <i>at the edge</i>",
            "group": "traffic",
        }
    )
    app.propose_draft(
        {
            "actor": "resident-kerkstraat",
            "initiative": CITY,
            "plan": "parking",
            "text": "Park at the edge of the centre.",
            "changes": "First draft.",
        }
    )
    bold = '<b>Too far</b> & <script>alert("x")</script>'
    app.react_to_plan(
        {
            "actor": "bakery",
            "initiative": CITY,
            "plan": "parking",
            "version": 1,
            "stance": "concern",
            "text": bold,
        }
    )
    withdrawn = app.react_to_plan(
        {
            "actor": "library",
            "initiative": CITY,
            "plan": "parking",
            "version": 1,
            "stance": "support",
            "text": "Fine by us.",
        }
    )
    app.withdraw_reaction(
        {
            "actor": "library",
            "initiative": CITY,
            "plan": "parking",
            "reaction": withdrawn,
        }
    )
    report = app.participation_report(CITY)
    parking = [r for r in report.responses if r.plan == "parking"]
    assert [(r.text, r.outcome) for r in parking] == [
        (bold, "unanswered"),
        ("Fine by us.", "withdrawn"),
    ]
    assert report.plans[-1].unanswered == [1]
    html = render_html(report)
    assert "<b>Too far" not in html
    assert "<script" not in html
    assert "<i>at the edge" not in html
    assert "&lt;b&gt;Too far&lt;/b&gt; &amp; &lt;script&gt;" in html
    assert "Parking &lt;i&gt;at the edge&lt;/i&gt;" in html
    assert "Nog niet beantwoord" in html
    assert '<span class="badge b-withdrawn">Ingetrokken</span>' in html
    assert '<span class="who">door library, ' in html  # who withdrew it
    assert "1 reactie nog niet beantwoord: 1." in html
    markdown = render_markdown(report, "en")
    assert "<b>" not in markdown
    assert r"\<b\>Too far\</b\>" in markdown
    assert "1 reaction not answered yet: 1." in markdown


def test_the_json_parses_back_into_the_same_report(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    text = render_json(report)
    data = json.loads(text)
    assert data["initiative"] == CITY
    assert data["built_from"]["initiative_head"] == str(app.audit_head(CITY))
    assert len(data["responses"]) == 7
    assert data["council"][0]["document_sha256"] == sha256_of(VISION_V2)
    assert ParticipationReport.model_validate_json(text) == report


def test_a_closed_initiative_s_last_phase_ends_when_it_closed(story: Story) -> None:
    app, _, _ = story
    closing = datetime(2026, 6, 20, 12, 0, tzinfo=UTC)
    with clock.frozen_at(closing):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Done for now."}
        )
    report = app.participation_report(CITY)
    assert report.phases[-1].ended_at == closing
    markdown = render_markdown(report, "en")
    assert "**Last phase:** Council" in markdown
    assert "**Current phase:**" not in markdown


def test_a_reaction_met_in_part_reads_as_partly_adopted_everywhere(
    tmp_path: Path,
) -> None:
    app = Samenspraak.open(tmp_path / "park.db")
    try:

        def do(use_case: str, **fields: object) -> object:
            return getattr(app, use_case)({"initiative": "park", **fields})

        for who in ("fac", "resident"):
            app.register_stakeholder({"actor": who, "stakeholder": who, "name": who})
        app.start_initiative(
            {"actor": "fac", "initiative": "park", "title": "The park",
             "description": "Trees.", "area": "The park", "budget": "0",
             "level": "consulting"}
        )  # fmt: skip
        do("join_initiative", actor="fac", stakeholder="resident", kind="resident")
        do("form_group", actor="fac", group="team", kind="working", name="Team",
           mandate="Plans the park.")  # fmt: skip
        do("create_plan", actor="fac", plan="plan", title="Plan", group="team")
        do("propose_draft", actor="fac", plan="plan", text="v1", changes="First.")
        do("react_to_plan", actor="resident", plan="plan", version=1,
           stance="suggestion", text="Trees and a pond.")  # fmt: skip
        do("propose_draft", actor="fac", plan="plan", text="v2", changes="Trees.")
        do("adopt_change", actor="fac", plan="plan", reactions=[1], version=2,
           explanation="The trees, not the pond.", partly=True)  # fmt: skip

        [answer] = [r.answer for r in app.plan_details("park", "plan").reactions]
        assert answer is not None
        assert (answer.kind, answer.version) == ("partly-adopted", 2)
        [row] = app.responses.responses(str(initiative_id("park")))

        assert (row["answer"], row["answer_version"]) == ("partly-adopted", 2)
        report = app.participation_report("park")
        assert report.outcomes()["partly-adopted"] == 1
        [version_2] = [v for p in report.plans for v in p.versions if v.number == 2]
        assert version_2.answers == [1]
        assert "Deels overgenomen in versie 2" in render_markdown(report, "nl")
        assert "Partly adopted in version 2" in render_html(report, "en")
        [entry] = app.audit_log("park", event="ChangeAdopted")
        assert (
            entry.summary == "Change partly adopted in version 2, answering reaction 1"
        )
    finally:
        app.close()


def test_a_description_keeps_its_paragraphs(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY).model_copy(
        update={"description": "First paragraph,\non two lines.\n\nSecond paragraph."}
    )
    markdown = render_markdown(report, "en")
    assert "\nFirst paragraph, on two lines.\n\nSecond paragraph.\n\n## Summary" in (
        markdown
    )
    html = render_html(report, "en")
    assert "<p>First paragraph, on two lines.</p><p>Second paragraph.</p>" in html


def test_a_label_beside_a_mark_covers_no_other_mark_on_either_side() -> None:
    # Room on the right, free: the label goes there.
    right = label_beside(WIDE, "formal", after=508, before=492, y=100)
    assert 'x="514.0"' in right
    assert "text-anchor" not in right
    # A mark to the right: the label goes to the left.
    left = label_beside(WIDE, "formal", after=508, before=492, y=100, taken=[530])
    assert 'x="486.0"' in left
    assert 'text-anchor="end"' in left
    # Marks on both sides: no label at all (the tooltip still tells).
    assert (
        label_beside(WIDE, "formal", after=508, before=492, y=100, taken=[530, 450])
        == ""
    )


def test_the_report_says_who_recorded_a_reaction_for_someone_and_who_was_erased(
    story: Story,
) -> None:
    """A reaction given at a meeting or by letter was recorded by the facilitator;
    someone whose data was erased did not simply leave."""
    app, _, _ = story
    english = render_markdown(app.participation_report(CITY), "en")
    assert (
        "(resident-havenkwartier (resident), recorded by facilitator, given at the "
        "meeting of 9 Apr 2026"
    ) in english
    assert "(bakery (entrepreneur), 10 Apr 2026" in english  # gave it themselves
    with clock.frozen_at(datetime(2026, 7, 1, 10, 0, tzinfo=UTC)):
        erasure = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "resident-havenkwartier"}
        )
    report = app.participation_report(CITY)
    [person] = [p for p in report.people if p.ref == erasure.now_named]
    assert person.erased
    assert (
        person.left_at == erasure.erased_at == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    )
    assert not any(p.erased for p in report.people if p.ref != erasure.now_named)
    dutch = render_markdown(report, "nl")
    assert (
        f"| {erasure.now_named} | Inwoner | 12 jan 2026, 12:00 | "
        "1 jul 2026, 12:00 (persoonsgegevens op verzoek gewist) |"
    ) in dutch
    assert "persoonsgegevens op verzoek gewist" in render_html(report, "nl")


def test_a_reaction_given_at_a_meeting_is_reported_from_the_meeting_s_start(
    story: Story,
) -> None:
    """The objection was given at the residents' meeting of 9 April, which began
    at 19:30, and the facilitator recorded it at 21:30. It counts from the
    meeting's start, and the report says so in every form, as it says when a
    letter came in: given at the meeting, not received."""
    app, _, _ = story
    report = app.participation_report(CITY)
    objection = next(
        r for r in report.responses if r.plan == "traffic-plan" and r.number == 1
    )
    [meeting] = [m for m in app.initiative_status(CITY).meetings if m.number == 2]
    began = datetime(2026, 4, 9, 17, 30, tzinfo=UTC)
    assert (objection.meeting, objection.given_at, objection.received_at) == (
        2,
        began,
        None,
    )
    assert objection.given_at == meeting.starts_at
    assert objection.recorded_at == began + timedelta(hours=2)
    assert (
        objection.given_at
        == app.plan_details(CITY, "traffic-plan").reactions[0].given_at
    )
    english = render_markdown(report, "en")
    assert (
        "(resident-havenkwartier (resident), recorded by facilitator, given at the "
        "meeting of 9 Apr 2026, 19:30, recorded 9 Apr 2026, 21:30)"
    ) in english
    assert "received 9 Apr" not in english
    assert (
        "vastgelegd door facilitator, gegeven op de bijeenkomst van 9 apr 2026, "
        "19:30, vastgelegd 9 apr 2026, 21:30)"
    ) in render_markdown(report, "nl")
    html_en = render_html(report, "en")
    assert "given at the meeting of 9 Apr 2026, 19:30, recorded 9 Apr 2026, 21:30" in (
        html_en
    )
    assert (
        "<title>Reaction 1: Objection, 9 Apr 2026, 19:30, given at meeting 2</title>"
    ) in html_en
    assert "Objection, 9 Apr 2026, 21:30" not in html_en
    [entry] = [
        r
        for r in json.loads(render_json(report))["responses"]
        if (r["plan"], r["number"]) == ("traffic-plan", 1)
    ]
    assert (entry["given_at"], entry["received_at"]) == (
        "2026-04-09T19:30:00+02:00",
        None,
    )
    # Given online when it was recorded: no other moment to tell.
    assert [r.given_at for r in report.responses if r.meeting is None] == [None] * 6


def test_the_response_report_view_agrees_with_the_participation_report(
    story: Story,
) -> None:
    """Two read models hold every reaction with its answer: the response-report
    view (the reactienota on its own) and the process state the report is built
    from. They say the same, reaction by reaction, also after an erasure."""
    app, _, _ = story

    def both() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        fields = ("version", "stakeholder", "stance", "channel", "section", "meeting",
                  "text", "recorded_at", "outcome", "answer_version", "answer_text",
                  "answered_by", "answered_at", "given_at")  # fmt: skip
        view = [
            (e.plan, e.reaction, *(getattr(e, f) for f in fields))
            for e in app.response_report(CITY)
        ]
        report = [
            (e.plan, e.number, *(getattr(e, f) for f in fields))
            for e in app.participation_report(CITY).responses
        ]
        return sorted(view, key=str), sorted(report, key=str)

    view, report = both()
    assert len(view) == 7
    assert view == report
    assert [e.reaction for e in app.response_report(CITY, plan="vision")] == [1, 2]
    app.erase_stakeholder(
        {"actor": "facilitator", "stakeholder": "bakery", "texts": True}
    )
    view, report = both()
    assert view == report
    [bakery] = [
        e for e in app.response_report(CITY) if e.stakeholder.startswith("erased-")
    ]
    assert bakery.text is None
    with pytest.raises(NotFound, match=r"^city-centre has no plan called parking\.$"):
        app.response_report(CITY, plan="parking")


def test_who_could_take_part_follows_the_phase_as_the_engine_does(
    tmp_path: Path,
) -> None:
    """In the vote of a participatory budget, only residents, entrepreneurs and
    institutions take positions: a civil servant of an eligible kind could not, and
    the report counts who could as the engine does."""
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    app = Samenspraak.open(tmp_path / "vote.db")
    try:
        with clock.frozen_at(start):
            for who in ("f", "resident", "clerk"):
                app.register_stakeholder(
                    {"actor": who, "stakeholder": who, "name": who}
                )
            app.start_initiative(
                {"actor": "f", "initiative": "park", "title": "Park",
                 "description": "D", "area": "A", "budget": "0",
                 "level": "co-deciding", "template": "burgerbegroting"}
            )  # fmt: skip
            for who, kind in (("resident", "resident"), ("clerk", "civil-servant")):
                app.join_initiative(
                    {"actor": "f", "initiative": "park", "stakeholder": who,
                     "kind": kind}
                )  # fmt: skip
            app.form_group(
                {"actor": "f", "initiative": "park", "group": "budget",
                 "kind": "working", "name": "Budget", "mandate": "Proposals."}
            )  # fmt: skip
            app.create_plan(
                {"actor": "f", "initiative": "park", "plan": "proposals",
                 "title": "Proposals", "group": "budget"}
            )  # fmt: skip
            app.propose_draft(
                {"actor": "f", "initiative": "park", "plan": "proposals",
                 "text": "Benches.", "changes": "First."}
            )  # fmt: skip
        with clock.frozen_at(start + timedelta(days=60)):
            while app.initiative_status("park").phase != "vote":
                app.advance_phase({"actor": "f", "initiative": "park"})
            app.put_decision_point(
                {"actor": "f", "initiative": "park", "decision": "benches",
                 "question": "Benches?", "options": [{"key": "yes", "label": "Yes"},
                                                     {"key": "no", "label": "No"}],
                 "eligible": ["resident", "civil-servant"], "rule": "majority"}
            )  # fmt: skip
            with pytest.raises(NotAllowed):
                app.take_position(
                    {"actor": "clerk", "initiative": "park", "decision": "benches",
                     "option": "no"}
                )  # fmt: skip
            app.take_position(
                {"actor": "resident", "initiative": "park", "decision": "benches",
                 "option": "yes"}
            )  # fmt: skip
            [entry] = app.participation_report("park").decisions
    finally:
        app.close()
    assert (entry.positions, entry.could_take_part) == (1, 1)


STEM = """name = "stem"
version = "{version}"
description = "A vote, then what follows."
{vote}
[[phases]]
name = "after"
description = "What follows the vote."

[phases.permissions]
facilitator = ["decide", "advance_phase", "close_initiative"]
"""
VOTE = """
[[phases]]
name = "vote"
description = "Residents vote."

[phases.permissions]
resident = ["join_initiative", "take_position"]
facilitator = ["join_initiative", "put_decision_point", "decide", "advance_phase"]
"""


def test_a_vote_decided_in_a_later_phase_and_a_migration_keep_the_count_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Positions taken in a phase that allowed them count when the point is
    decided in a phase that does not; and after moving to a template without the
    vote's phase, the report is still built."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "stem-1.toml").write_text(STEM.format(version="1", vote=VOTE))
    (folder / "stem-2.toml").write_text(STEM.format(version="2", vote=""))
    monkeypatch.setenv(TEMPLATES_VARIABLE, str(folder))
    app = Samenspraak.open(tmp_path / "stem.db")
    try:
        for who in ("f", "resident"):
            app.register_stakeholder({"actor": who, "stakeholder": who, "name": who})
        app.start_initiative(
            {"actor": "f", "initiative": "park", "title": "Park", "description": "D",
             "area": "A", "budget": "0", "level": "co-deciding",
             "template": "stem@1"}
        )  # fmt: skip
        app.join_initiative(
            {"actor": "f", "initiative": "park", "stakeholder": "resident",
             "kind": "resident"}
        )  # fmt: skip
        for decision in ("benches", "trees"):
            app.put_decision_point(
                {"actor": "f", "initiative": "park", "decision": decision,
                 "question": "Which?", "options": [{"key": "yes", "label": "Yes"},
                                                   {"key": "no", "label": "No"}],
                 "eligible": ["resident"], "rule": "majority"}
            )  # fmt: skip
            app.take_position(
                {"actor": "resident", "initiative": "park", "decision": decision,
                 "option": "yes"}
            )  # fmt: skip
        app.decide({"actor": "f", "initiative": "park", "decision": "trees"})
        app.advance_phase({"actor": "f", "initiative": "park"})
        app.decide({"actor": "f", "initiative": "park", "decision": "benches"})
        decided = app.participation_report("park").decisions
        app.migrate_template(
            {"actor": "f", "initiative": "park", "template": "stem@2"}
        )  # fmt: skip
        migrated = app.participation_report("park").decisions
    finally:
        app.close()
    assert [(d.positions, d.could_take_part) for d in decided] == [(1, 1), (1, 1)]
    assert [(d.positions, d.could_take_part) for d in migrated] == [(1, 1), (1, 1)]


def test_a_decision_point_still_open_reads_as_not_decided_yet(tmp_path: Path) -> None:
    app = Samenspraak.open(tmp_path / "open.db")
    try:
        app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
        app.start_initiative(
            {"actor": "f", "initiative": "park", "title": "Park", "description": "D",
             "area": "A", "budget": "10", "level": "co-deciding"}
        )  # fmt: skip
        app.put_decision_point(
            {"actor": "f", "initiative": "park", "decision": "benches",
             "question": "Benches?", "options": [{"key": "yes", "label": "Yes"},
                                                 {"key": "no", "label": "No"}],
             "eligible": ["resident"], "rule": "plurality"}
        )  # fmt: skip
        report = app.participation_report("park")
    finally:
        app.close()
    for lang, said in (("nl", "Nog niet besloten"), ("en", "Not decided yet")):
        assert said in render_markdown(report, lang)
        assert said in render_html(report, lang)
    assert json.loads(render_json(report))["decisions"][0]["state"] == "open"


def test_every_label_the_report_asks_for_has_its_wording() -> None:
    """A label looked up by a literal key is in the table it is looked up in, in
    both languages: a missing one stops the report when it is reached."""
    from samenspraak.application import report_words  # noqa: PLC0415

    folder = Path(report_words.__file__).parent
    sources = "".join(
        (folder / name).read_text(encoding="utf-8")
        for name in ("report_render.py", "report_timeline.py", "report_words.py")
    )
    labels = set(re.findall(r'(?<![\w.])(?:w|self|self\.w)\("(\w+)"', sources))
    values = set(re.findall(r'\b(?:w|self)\.value\("(\w+)"', sources))
    assert len(labels) > 50
    assert labels <= report_words.LABELS.keys()
    assert values <= report_words.VALUES.keys()
    for table in (report_words.LABELS, report_words.VALUES):
        assert all(set(t) == {"nl", "en"} for t in table.values())


def test_a_control_character_kept_before_is_shown_as_a_replacement_in_markdown() -> (
    None
):
    """A text recorded before control characters were refused (or replayed from
    a bundle) may hold an escape sequence: the Markdown report, read in a terminal
    too, shows it as U+FFFD, as the command line does."""
    from samenspraak.application.report_render import _md  # noqa: PLC0415

    shown = _md("\x1b]0;a new title\x07The square\x9b2J needs shade.")
    assert shown == "\ufffd\\]0;a new title\ufffdThe square\ufffd2J needs shade."


def test_a_text_that_looks_like_markdown_reads_as_itself_in_the_markdown_report() -> (
    None
):
    """A resident writes what they mean, not Markdown: struck-through words, an
    entity, a numbered or dashed opening, read by a Markdown viewer (GitHub's
    flavour) as the characters written."""
    from markdown_it import MarkdownIt  # noqa: PLC0415

    from samenspraak.application.report_render import _md, _md_paragraphs  # noqa: PLC0415

    viewer = MarkdownIt("gfm-like", {"linkify": False})
    written = "~~Fewer~~ more trees &lt;b&gt; please | 3 * 4 = 12"
    shown = viewer.render("| reaction |\n|---|\n| " + _md(written) + " |\n")
    assert "<s>" not in shown
    assert html.escape(written, quote=False) in shown
    for opening in ("1. The square first.", "- the square", "+ shade", "2) later"):
        paragraph = viewer.render("\n".join(_md_paragraphs(opening)))
        assert paragraph == f"<p>{html.escape(opening, quote=False)}</p>\n"
    assert viewer.render("\n".join(_md_paragraphs("Shade\n\n===\n\nnow"))) == (
        "<p>Shade</p>\n<p>===</p>\n<p>now</p>\n"
    )


def test_a_bidirectional_override_kept_before_is_shown_as_a_replacement() -> None:
    """U+202E shows the letters after it from right to left: a name or a reaction
    would read otherwise than it was written. Texts refuse it now; one kept from
    before, or replayed from a bundle, is shown as U+FFFD in both reports."""
    from samenspraak.application.report_render import _e, _md  # noqa: PLC0415

    for render in (_md, _e):
        assert render("invoice\u202etxt.exe") == "invoice\ufffdtxt.exe"


def test_every_character_is_shown_as_the_command_line_shows_it() -> None:
    """The reports and the command line replace exactly the characters a text may
    not hold (control characters other than line breaks and tabs, bidirectional
    controls) with U+FFFD, and keep every other character as it is: checked for
    every code point, alone and inside a text."""
    from samenspraak.application.commands import is_control  # noqa: PLC0415
    from samenspraak.application.report_render import _e, _md  # noqa: PLC0415
    from samenspraak.cli.render import visible  # noqa: PLC0415

    every = "".join(chr(n) for n in range(0x110000) if not 0xD800 <= n <= 0xDFFF)
    expected = "".join("\ufffd" if is_control(c) else c for c in every)
    assert visible(every) == expected
    assert _e(every) == html.escape(expected, quote=True)
    line = expected.replace("\r", "").replace("\n", " ")
    assert _md(every) == _md(line)
    assert "\ufffd" not in _md(line.replace("\ufffd", ""))
    assert {c for c in every if is_control(c)} == set(
        "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)])) + "\u202a\u202b\u202c"
        "\u202d\u202e\u2066\u2067\u2068\u2069"
    ) - set("\n\r\t")
