"""How the participation report words what it shows, in Dutch and in English: the
names a municipality uses, numbers as each language writes them, and sentences
where a section has nothing to show yet."""

from __future__ import annotations

from pathlib import Path

from samenspraak.application import Samenspraak
from samenspraak.application.report import ParticipationReport
from samenspraak.application.report_render import render_html, render_markdown
from samenspraak.application.story import StoryRecord

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
