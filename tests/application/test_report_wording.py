"""How the participation report words what it shows, in Dutch and in English: the
names a municipality uses, numbers as each language writes them, and sentences
where a section has nothing to show yet."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from samenspraak.application import Samenspraak
from samenspraak.application.diagram import in_words
from samenspraak.application.report import ParticipationReport
from samenspraak.application.report_render import (
    diagram_words,
    render_html,
    render_markdown,
)
from samenspraak.application.report_words import words
from samenspraak.application.story import StoryRecord
from samenspraak.application.templates import installed

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"


def _informed_by_letter(report: ParticipationReport) -> ParticipationReport:
    council = [c.model_copy(update={"session": "letter"}) for c in report.council]
    return report.model_copy(update={"council": council})


def test_a_council_informed_by_letter_reads_as_a_council_information_letter(
    story: Story,
) -> None:
    app, _, _ = story
    report = _informed_by_letter(app.participation_report(CITY))
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    assert "| Raadsinformatiebrief |" in dutch
    assert "| Brief |" not in dutch.split("## Wat naar de gemeenteraad ging")[1]
    assert "| Council information letter |" in english
    html_nl, html_en = render_html(report, "nl"), render_html(report, "en")
    assert 'data-label="Vorm" role="cell" class="nowrap inl">Raadsinformatiebrief<' in (
        html_nl
    )
    assert "<title>Raadsinformatiebrief: Vision for the city centre" in html_nl
    assert "<title>Council information letter: Vision for the city centre" in html_en
    # A reaction or an announcement that came by letter is still a letter.
    assert "| Brief | Every household" in dutch


def _crowded(report: ParticipationReport) -> ParticipationReport:
    meetings = [m.model_copy(update={"attendance": 1250}) for m in report.meetings]
    announcements = [
        a.model_copy(update={"reach": 12500}) for a in report.announcements
    ]
    return report.model_copy(
        update={"meetings": meetings, "announcements": announcements}
    )


def test_attendance_and_reach_are_grouped_by_thousands_as_each_language_writes_them(
    story: Story,
) -> None:
    app, _, _ = story
    report = _crowded(app.participation_report(CITY))
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    assert "| Bewonersbijeenkomst | 1.250 |" in dutch
    assert "the Havenkwartier | 12.500 |" in dutch
    assert "| Residents' meeting | 1,250 |" in english
    assert "the Havenkwartier | 12,500 |" in english
    html_nl, html_en = render_html(report, "nl"), render_html(report, "en")
    assert 'class="num inl">1.250</td>' in html_nl
    assert 'class="num inl">12.500</td>' in html_nl
    assert "aanwezig 1.250</title>" in html_nl
    assert "Havenkwartier (12.500) – 22 jun 2026, 09:00</title>" in html_nl
    assert "attendance 1,250</title>" in html_en
    assert "12500" not in html_nl + html_en


FIRST_MORNING = "2026-01-12T09:10+01:00"
"""The facilitator has started the initiative and nothing else is recorded yet."""


def test_a_report_of_the_first_morning_says_in_sentences_what_is_not_there_yet(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY, as_of=FIRST_MORNING)
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    for said in (
        "### Groepen\n\nEr zijn nog geen groepen gevormd.\n",
        "## Bijeenkomsten\n\nEr zijn nog geen bijeenkomsten vastgelegd.\n",
        "## Bekendmaking en uitnodiging\n\nEr is nog niet vastgelegd hoe het proces "
        "is bekendgemaakt en wie is uitgenodigd.\n",
        "## Plannen en versies\n\nEr zijn nog geen plannen gemaakt.\n",
        "wat ermee is gedaan\n\nEr zijn nog geen reacties: er is nog geen plan om "
        "op te reageren.\n",
        "## Besluitpunten\n\nEr zijn nog geen besluitpunten voorgelegd.\n",
    ):
        assert said in dutch
    for said in (
        "### Groups\n\nNo groups have been formed yet.\n",
        "## Meetings\n\nNo meetings have been recorded yet.\n",
        "## Decision points\n\nNo decision points have been put to the participants "
        "yet.\n",
    ):
        assert said in english
    assert "Nog niets vastgelegd" not in dutch + render_html(report, "nl")
    assert "Nothing recorded yet" not in english + render_html(report, "en")
    assert "Er zijn nog geen besluitpunten voorgelegd." in render_html(report, "nl")


def test_a_summary_with_nothing_to_count_yet_counts_no_zero_out_of_zero(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY, as_of=FIRST_MORNING)
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    assert "- **0** bijeenkomsten\n" in dutch
    assert "- **0** reacties\n" in dutch
    assert "- **0** besluitpunten\n" in dutch
    assert "- **0** meetings\n" in english
    assert "- **0** reactions\n" in english
    assert "- **0** decision points\n" in english
    assert "0/0" not in dutch + english + render_html(report, "nl")
    assert "(0 buiten kantooruren)" not in dutch


def test_a_plan_nobody_reacted_to_says_so_in_a_sentence(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    plans = [  # a vision still open for reactions
        p.model_copy(update={"final_version": None}) if p.plan == "vision" else p
        for p in report.plans
    ]
    report = report.model_copy(
        update={
            "plans": plans,
            "responses": [x for x in report.responses if x.plan != "vision"],
        }
    )
    assert "Op dit plan is nog niet gereageerd." in render_markdown(report, "nl")
    assert "No one has reacted to this plan yet." in render_html(report, "en")


def test_an_allocation_says_in_english_which_decision_point_it_follows_from(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    english = render_markdown(report, "en")
    assert "| Amount | Purpose | From decision point | When |" in english
    assert "Following decision point" not in english + render_html(report, "en")
    assert "| Bedrag | Doel | Volgt uit besluitpunt | Wanneer |" in (
        render_markdown(report, "nl")
    )


def test_a_meeting_of_the_steering_group_is_named_as_a_meeting_not_as_the_group(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    assert "| 1 | di 20 jan 2026, 19:30 | Regiegroepoverleg | 9 |" in dutch
    assert "| 1 | Tue 20 Jan 2026, 19:30 | Steering group meeting | 9 |" in english
    # The group itself is still a steering group.
    assert "| steering-group | Regiegroep | Steering group for" in dutch
    html_nl = render_html(report, "nl")
    assert "Bijeenkomst 1: Regiegroepoverleg, di 20 jan 2026" in html_nl
    walk_in = report.model_copy(
        update={
            "meetings": [
                m.model_copy(update={"kind": "walk-in"}) for m in report.meetings
            ]
        }
    )
    assert "| Walk-in meeting |" in render_markdown(walk_in, "en")
    online = report.model_copy(
        update={
            "meetings": [
                m.model_copy(update={"kind": "online"}) for m in report.meetings
            ]
        }
    )
    assert "| Online bijeenkomst |" in render_markdown(online, "nl")


def test_the_moment_a_report_shows_and_when_it_was_made_are_written_out_in_full(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY, as_of="2026-03-12T09:30+01:00")
    report = report.model_copy(
        update={"generated_at": datetime(2026, 6, 3, 14, 5, tzinfo=UTC)}
    )
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    assert "**Stand per:** 12 maart 2026, 09:30  \n" in dutch
    assert "**Opgesteld op:** 3 juni 2026, 16:05  \n" in dutch
    assert "- Stand per: 12 maart 2026, 09:30\n" in dutch
    assert "**As of:** 12 March 2026, 09:30  \n" in english
    assert "**Generated at:** 3 June 2026, 16:05  \n" in english
    html_nl = render_html(report, "nl")
    assert "<b>Stand per:</b> 12 maart 2026, 09:30</span>" in html_nl
    assert "<dt>Opgesteld op</dt><dd>3 juni 2026, 16:05</dd>" in html_nl
    # The tables keep their short months.
    assert "| 9 mrt 2026, 09:00 |" in dutch


def test_one_who_could_take_part_and_one_position_lapsed_read_in_the_singular(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    first = report.decisions[0].model_copy(
        update={"positions": 1, "could_take_part": 1, "lapsed": 1}
    )
    report = report.model_copy(update={"decisions": [first]})
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    assert (
        "**Standpunten ingenomen:** 1 van de 1 die mocht meebeslissen "
        "(1 vervallen: van een vertrokken deelnemer)\n"
    ) in dutch
    assert (
        "**Positions taken:** 1 of the 1 who could take part "
        "(1 lapsed: of a participant who left)\n"
    ) in english
    assert "1 van de 1 die mocht meebeslissen" in render_html(report, "nl")


def test_meetings_all_held_in_the_daytime_say_none_was_held_in_the_evening(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    daytime = [
        m.model_copy(update={"evening_or_weekend": False}) for m in report.meetings
    ]
    report = report.model_copy(update={"meetings": daytime})
    assert (
        "Geen van de 2 bijeenkomsten vond 's avonds, 's nachts of in het weekend "
        "plaats."
    ) in render_markdown(report, "nl")
    assert (
        "None of the 2 meetings was held in the evening, at night or at the weekend."
    ) in render_markdown(report, "en")
    assert "0 van de 2" not in render_html(report, "nl")


def test_the_heading_of_who_took_part_and_when_has_no_comma_before_en(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    assert "### Wie deed mee en wanneer\n" in render_markdown(report, "nl")
    assert "Wie deed mee, en wanneer" not in render_html(report, "nl")


def test_a_summary_counting_out_of_one_names_it_in_the_singular(
    story: Story,
) -> None:
    app, _, _ = story
    # The first decision point is decided and the council informed once.
    report = app.participation_report(CITY, as_of="2026-03-06T12:00+01:00")
    report = report.model_copy(update={"responses": report.responses[:1]})
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    assert "- **1/1** reactie beantwoord\n" in dutch
    assert "- **1/1** besluitpunt besloten\n" in dutch
    assert "- **1** bijeenkomst (1 buiten kantooruren)\n" in dutch
    assert "- **1/1** reaction answered\n" in english
    assert "- **1/1** decision point decided\n" in english
    assert "- **1** meeting (1 outside office hours)\n" in english
    html_nl, html_en = render_html(report, "nl"), render_html(report, "en")
    assert '<div class="lbl">besluitpunt besloten</div>' in html_nl
    assert '<div class="lbl">reactie beantwoord</div>' in html_nl
    assert '<div class="lbl">decision point decided</div>' in html_en
    assert "1/1 besluitpunten" not in dutch
    assert "1/1 decision points" not in english


def test_a_reaction_period_of_one_day_reads_in_the_singular() -> None:
    process = installed().get("overheidsparticipatie", "2")
    short = replace(
        process,
        phases=tuple(replace(p, reaction_period_days=1) for p in process.phases),
    )
    dutch = in_words(short, words=diagram_words(words("nl")))
    assert "reactietermijn: 1 dag" in dutch
    assert "1 dagen" not in dutch
    english = in_words(short)
    assert "reaction period: 1 day" in english
    assert "1 days" not in english
    assert "reactietermijn: 28 dagen" in in_words(
        process, words=diagram_words(words("nl"))
    )


def test_a_decision_point_without_a_deadline_says_it_has_none(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    [budget] = [d for d in report.decisions if d.decision == "budget-first-part"]
    assert budget.closes_at is None
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    assert "- **Sluitingstijd:** geen\n" in dutch
    assert "- **Closing time:** none\n" in english
    assert "Sluitingstijd:** -" not in dutch
    assert "Closing time:** -" not in english
    assert "<dt>Sluitingstijd</dt><dd>geen</dd>" in render_html(report, "nl")
    assert "<dt>Closing time</dt><dd>none</dd>" in render_html(report, "en")
    # A decision point with a deadline still gives it.
    assert "- **Sluitingstijd:** 28 feb 2026, 23:59\n" in dutch


def test_the_template_version_is_written_out_as_a_version_not_as_v1(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    assert "- **Procesontwerp:** overheidsparticipatie versie 1 (inhoudshash " in dutch
    assert "  %% Fasen en overgangen van overheidsparticipatie versie 1\n" in dutch
    assert "- **Process design:** overheidsparticipatie version 1 (content " in english
    assert "  %% overheidsparticipatie version 1: phases and transitions\n" in english
    html_nl, html_en = render_html(report, "nl"), render_html(report, "en")
    assert "<dd>overheidsparticipatie versie 1 <span" in html_nl
    assert "Fasen en overgangen van overheidsparticipatie versie 1" in html_nl
    assert "<dd>overheidsparticipatie version 1 <span" in html_en
    for said in (dutch, english, html_nl, html_en):
        assert "overheidsparticipatie v1" not in said


def test_a_decision_point_in_english_says_when_it_was_put_forward(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    english = render_markdown(report, "en")
    assert "- **Put forward:** 14 Feb 2026, 10:00\n" in english
    assert "**Put:**" not in english
    html_en = render_html(report, "en")
    assert "<dt>Put forward</dt><dd>14 Feb 2026, 10:00</dd>" in html_en
    assert "<dt>Put</dt>" not in html_en
    assert "- **Voorgelegd:** 14 feb 2026, 10:00\n" in render_markdown(report, "nl")


def test_the_markdown_response_report_names_the_kind_of_who_reacted_as_html_does(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    assert (
        "Finally a centre for people instead of cars. (resident-havenkwartier "
        "(inwoner), 4 feb 2026, 20:00) |"
    ) in dutch
    assert (
        "(housing-corporation (instelling), vastgelegd door facilitator, "
        "10 apr 2026, 21:30) |"
    ) in dutch
    assert (
        "Finally a centre for people instead of cars. (resident-havenkwartier "
        "(resident), 4 Feb 2026, 20:00) |"
    ) in english
    # In the same words as the HTML report.
    assert "resident-havenkwartier (inwoner), op versie 1" in render_html(report, "nl")
    assert "bakery (entrepreneur), on version 1" in render_html(report, "en")


def test_a_meetings_tooltip_on_the_timeline_starts_with_a_capital(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    html_nl, html_en = render_html(report, "nl"), render_html(report, "en")
    assert (
        "<title>Bijeenkomst 1: Regiegroepoverleg, di 20 jan 2026, 19:30, "
        "aanwezig 9</title>"
    ) in html_nl
    assert (
        "<title>Meeting 1: Steering group meeting, Tue 20 Jan 2026, 19:30, "
        "attendance 9</title>"
    ) in html_en
    assert "<title>bijeenkomst" not in html_nl
    assert "<title>meeting" not in html_en
    # A reaction given at a meeting still names it within its sentence.
    assert "| Brief (bijeenkomst 2) |" in render_markdown(
        report.model_copy(
            update={
                "responses": [
                    x.model_copy(update={"channel": "letter"})
                    for x in report.responses
                    if x.meeting == 2
                ]
            }
        ),
        "nl",
    )


def test_a_summary_before_the_council_was_informed_says_so_in_words(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY, as_of=FIRST_MORNING)
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    assert "- De raad is nog niet geïnformeerd\n" in dutch
    assert "- The council has not been informed yet\n" in english
    assert "0** keer de raad" not in dutch
    assert "0** times the council" not in english
    html_nl = render_html(report, "nl")
    assert '<div class="say">De raad is nog niet geïnformeerd</div>' in html_nl
    assert ">keer de raad geïnformeerd<" not in html_nl
    assert '<div class="say">The council has not been informed yet</div>' in (
        render_html(report, "en")
    )
    # Once informed, the summary counts how often.
    informed = app.participation_report(CITY, as_of="2026-03-06T12:00+01:00")
    assert "- **1** keer de raad geïnformeerd\n" in render_markdown(informed, "nl")
    assert "- **1** time the council was informed\n" in render_markdown(informed, "en")


def test_the_council_frameworks_and_implementation_say_in_sentences_what_is_not_there(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY, as_of=FIRST_MORNING)
    dutch, english = render_markdown(report, "nl"), render_markdown(report, "en")
    for said in (
        "### Kaders van de raad\n\nEr zijn geen kaders van de raad vastgelegd.\n",
        "## Wat naar de gemeenteraad ging\n\nEr is nog niets aan de gemeenteraad "
        "voorgelegd.\n",
        "## Uitvoering\n\nEr zijn nog geen uitvoeringsacties vastgelegd.\n",
    ):
        assert said in dutch
    for said in (
        "### Frameworks set by the council\n\nNo frameworks set by the council have "
        "been recorded.\n",
        "## What went to the council\n\nNothing has been sent to the council yet.\n",
        "## Implementation\n\nNo implementation actions have been recorded yet.\n",
    ):
        assert said in english
    html_nl, html_en = render_html(report, "nl"), render_html(report, "en")
    assert "<p>Er is nog niets aan de gemeenteraad voorgelegd.</p>" in html_nl
    assert "<p>Er zijn nog geen uitvoeringsacties vastgelegd.</p>" in html_nl
    assert "<p>No implementation actions have been recorded yet.</p>" in html_en
    for fragment in (
        "Nog geen uitvoeringsacties.",
        "Nog niets aan de gemeenteraad",
        "Geen kaders van de raad",
    ):
        assert fragment not in dutch + html_nl
