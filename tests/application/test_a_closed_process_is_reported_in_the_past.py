"""Once the facilitator has closed an initiative, nothing more can be recorded in
it. So its participation report no longer says that something has not happened
*yet*: a reaction left unanswered when the process ended early will never get its
answer, the council that was not informed will not be told through this record,
and the process has no current phase any more. A plan finalised while the
initiative runs is not reported in the past: a letter that came in before it was
finalised may still be recorded on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from samenspraak.application import Samenspraak
from samenspraak.application.report_render import render_html, render_markdown
from samenspraak.domain import clock

CC = "city-centre"


def _closed_early(small_centre: Callable[..., Samenspraak]) -> Samenspraak:
    """The small centre, whose traffic plan got an objection that was never
    answered, and whose plan for benches was finalised without any reaction;
    then the facilitator closed it while society still decided."""
    app = small_centre({"bakery": "entrepreneur"})
    with clock.frozen_at(datetime(2026, 1, 13, 9, 0, tzinfo=UTC)):
        for plan in ("traffic", "benches"):
            given = {"actor": "facilitator", "initiative": CC, "plan": plan}
            app.create_plan({**given, "title": plan.title(), "group": "traffic"})
            app.propose_draft({**given, "text": "Draft.", "changes": "First."})
        app.react_to_plan(
            {"actor": "bakery", "initiative": CC, "plan": "traffic", "version": 1,
             "stance": "objection", "text": "Not through the market square."}
        )  # fmt: skip
        app.finalise_plan({"actor": "facilitator", "initiative": CC, "plan": "benches"})
    with clock.frozen_at(datetime(2026, 1, 20, 9, 0, tzinfo=UTC)):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CC, "outcome": "Stopped early."}
        )
    return app


def test_a_process_closed_early_says_its_unanswered_reaction_was_not_answered_not_that_it_is_not_answered_yet(
    small_centre: Callable[..., Samenspraak],
) -> None:
    report = _closed_early(small_centre).participation_report(CC)
    english, dutch = render_markdown(report, "en"), render_markdown(report, "nl")
    html_en, html_nl = render_html(report, "en"), render_html(report, "nl")
    assert "| Not answered |" in english
    assert "1 reaction was not answered: 1." in english
    assert "| Niet beantwoord |" in dutch
    assert "1 reactie is niet beantwoord: 1." in dutch
    assert ">Not answered<" in html_en
    assert "1 reaction was not answered: 1." in html_en
    assert ">Niet beantwoord<" in html_nl
    for said in (english, html_en):
        assert "answered yet" not in said
    for said in (dutch, html_nl):
        assert "nog niet beantwoord" not in said.lower()


def test_a_closed_process_says_in_the_past_what_never_happened_in_it(
    small_centre: Callable[..., Samenspraak],
) -> None:
    report = _closed_early(small_centre).participation_report(CC)
    english, dutch = render_markdown(report, "en"), render_markdown(report, "nl")
    for sentence in (
        "No meetings were recorded.",
        "How the process was announced and who was invited was not recorded.",
        "No one reacted to this plan.",
        "No decision points were put to the participants.",
        "Nothing was sent to the council.",
        "No implementation actions were recorded.",
        "- The council was not informed",
    ):
        assert sentence in english
    for sentence in (
        "Er zijn geen bijeenkomsten vastgelegd.",
        "Er is niet vastgelegd hoe het proces is bekendgemaakt en wie is uitgenodigd.",
        "Op dit plan is niet gereageerd.",
        "Er zijn geen besluitpunten voorgelegd.",
        "Er is niets aan de gemeenteraad voorgelegd.",
        "Er zijn geen uitvoeringsacties vastgelegd.",
        "- De raad is niet geïnformeerd",
    ):
        assert sentence in dutch
    html = render_html(report, "en")
    assert "Nothing was sent to the council." in html
    assert "The council was not informed" in html
    for said in (english, html):
        assert " yet" not in said.replace("not reached", "")
    assert " nog " not in dutch


def test_a_closed_process_shows_its_last_phase_in_the_diagram_not_a_current_one(
    small_centre: Callable[..., Samenspraak],
) -> None:
    report = _closed_early(small_centre).participation_report(CC)
    english, dutch = render_markdown(report, "en"), render_markdown(report, "nl")
    assert "%% last phase: society-decides" in english
    assert "%% laatste fase: society-decides" in dutch
    html = render_html(report, "en")
    assert "(last phase; society only)" in html
    for said in (english, html):
        assert "current phase" not in said


def test_a_finalised_plan_no_one_reacted_to_yet_still_awaits_a_letter_that_came_in_before(
    small_centre: Callable[..., Samenspraak],
) -> None:
    """A finalised plan still takes a letter or e-mail that came in before it was
    finalised, recorded afterwards: while the initiative runs, a finalised plan
    without reactions has had none *yet*, and the report does not say in the past
    that no one reacted to it."""
    app = small_centre({"bakery": "entrepreneur"})
    given = {"actor": "facilitator", "initiative": CC, "plan": "benches"}
    with clock.frozen_at(datetime(2026, 1, 13, 9, 0, tzinfo=UTC)):
        app.create_plan({**given, "title": "Benches", "group": "traffic"})
        app.propose_draft({**given, "text": "Benches.", "changes": "First."})
    with clock.frozen_at(datetime(2026, 1, 14, 9, 0, tzinfo=UTC)):
        app.finalise_plan(given)
    report = app.participation_report(CC)
    english, dutch = render_markdown(report, "en"), render_markdown(report, "nl")
    assert "No one has reacted to this plan yet." in english
    assert "Op dit plan is nog niet gereageerd." in dutch
    assert "No one has reacted to this plan yet." in render_html(report, "en")
    assert "No one reacted to this plan." not in english

    with clock.frozen_at(datetime(2026, 1, 15, 9, 0, tzinfo=UTC)):
        app.react_to_plan(
            {**given, "version": 1, "stance": "objection", "stakeholder": "bakery",
             "channel": "letter", "text": "Not in front of the bakery.",
             "received_at": "2026-01-13T12:00:00+00:00"}
        )  # fmt: skip
    [letter] = app.participation_report(CC).responses
    assert (letter.plan, letter.stakeholder) == ("benches", "bakery")


def test_a_closed_process_still_awaits_the_councils_follow_up_which_may_come_after_it_ended(
    small_centre: Callable[..., Samenspraak],
) -> None:
    """A council often decides after the participation ended: its follow-up is
    recorded also once the initiative is closed, so a report of a closed
    process says the council has done nothing with the document *yet*."""
    app = small_centre()
    with clock.frozen_at(datetime(2026, 1, 20, 9, 0, tzinfo=UTC)):
        app.inform_council(
            {"actor": "facilitator", "initiative": CC,
             "document_title": "What the centre decided",
             "document_sha256": "a" * 64, "session": "formal",
             "informed_at": "2026-01-19T19:30:00+01:00"}
        )  # fmt: skip
        app.close_initiative(
            {"actor": "facilitator", "initiative": CC, "outcome": "Done."}
        )
    report = app.participation_report(CC)

    assert "| none yet |" in render_markdown(report, "en")
    assert "| nog geen |" in render_markdown(report, "nl")
    assert ">none yet<" in render_html(report, "en")
    with clock.frozen_at(datetime(2026, 2, 20, 9, 0, tzinfo=UTC)):
        app.record_council_follow_up(
            {"actor": "facilitator", "initiative": CC, "informing": 1,
             "summary": "The council adopted it.",
             "followed_up_at": "2026-02-19T21:00:00+01:00"}
        )  # fmt: skip
    assert "The council adopted it." in render_markdown(
        app.participation_report(CC), "en"
    )


def test_someone_erased_after_the_close_is_marked_erased_among_those_who_took_part(
    small_centre: Callable[..., Samenspraak],
) -> None:
    """An erasure after the close records no leaving (the initiative takes no
    more steps), so the erased person is still among those who took part: the
    summary marks them erased there, as it marks those erased who had left."""
    app = _closed_early(small_centre)
    with clock.frozen_at(datetime(2026, 2, 1, 9, 0, tzinfo=UTC)):
        app.erase_stakeholder({"actor": "bakery", "stakeholder": "bakery"})
    report = app.participation_report(CC)
    [bakery] = [p for p in report.people if p.erased]
    [row] = [
        line
        for line in render_markdown(report, "en").splitlines()
        if line.startswith("| Entrepreneur |")
    ]
    assert row.split("|")[4].strip() == f"{bakery.ref} (erased)"
    assert f"{bakery.ref} (gewist)" in render_html(report, "nl")
