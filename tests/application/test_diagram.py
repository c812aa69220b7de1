"""The process diagram: Mermaid, DOT and SVG of a template, the current phase marked."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from samenspraak.application import InvalidInput, NotFound, Samenspraak
from samenspraak.application.diagram import (
    FORMATS,
    DiagramWords,
    render_dot,
    render_mermaid,
    render_svg,
)
from samenspraak.application.report_render import (
    diagram_words,
    render_html,
    render_markdown,
)
from samenspraak.application.report_words import words
from samenspraak.application.story import StoryRecord
from samenspraak.application.templates import Registry, installed
from samenspraak.domain.templates import GUARDS, Phase, ProcessTemplate

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
PHASES = [
    "society-decides",
    "colleagues-join",
    "council",
    "implementation",
    "evaluation",
]
SVG = "{http://www.w3.org/2000/svg}"


def _in_order(text: str, names: list[str]) -> bool:
    places = [text.find(name) for name in names]
    return -1 not in places and places == sorted(places)


def _svg_phases(svg: str) -> tuple[list[str], list[str]]:
    """The phase names drawn in the SVG, in order, and those drawn as current."""
    root = ET.fromstring(svg)
    names, current = [], []
    for group in root.iter(f"{SVG}g"):
        if "phase" not in (group.get("class") or "").split():
            continue
        texts = [t.text for t in group.findall(f"{SVG}text")]
        names.append(texts[0] or "")
        if "current" in (group.get("class") or "").split():
            current.append(texts[0] or "")
    return names, current


def test_every_format_of_the_demo_marks_the_council_and_lists_the_phases(
    story: Story,
) -> None:
    app, _, _ = story
    mermaid = app.process_diagram(CITY)
    assert mermaid.startswith("flowchart LR\n")
    assert _in_order(mermaid, [f'p{i}["{name}' for i, name in enumerate(PHASES, 1)])
    assert "  class p3 current\n" in mermaid
    assert re.findall(r"class (\S+) current", mermaid) == ["p3"]
    assert "  class p1,p2 passed\n" in mermaid
    assert "society only" in mermaid

    dot = app.process_diagram(CITY, format="dot")
    assert dot.startswith('digraph "overheidsparticipatie v1" {')
    assert _in_order(dot, [f'label="{name}' for name in PHASES])
    filled = [line for line in dot.splitlines() if 'fillcolor="#0f7c86"' in line]
    assert len(filled) == 1
    assert filled[0].startswith('  p3 [label="council"')

    svg = app.process_diagram(CITY, format="svg")
    names, current = _svg_phases(svg)
    assert names == PHASES
    assert current == ["council"]
    assert "current phase" in svg


def test_a_template_reference_marks_no_phase(story: Story) -> None:
    app, _, _ = story
    omgevingswet = ["announcement", "views", "response-report", "council-decision"]
    for subject in ("omgevingswet", "omgevingswet@1"):
        mermaid = app.process_diagram(subject)
        assert "current" not in mermaid
        assert "passed" not in mermaid
        dot = app.process_diagram(subject, format="dot")
        assert "filled,bold" not in dot
        assert "#0f7c86" not in dot
        svg = app.process_diagram(subject, format="svg")
        names, current = _svg_phases(svg)
        assert names == omgevingswet
        assert current == []
        assert "current phase" not in svg


def test_dot_and_mermaid_name_every_phase_and_guard() -> None:
    for process in installed().all():
        guards = {g for p in process.phases for g in p.guards}
        for text in (render_mermaid(process), render_dot(process)):
            for phase in process.phases:
                assert phase.name in text
            for guard in guards:
                assert guard in text
        svg = render_svg(process)
        for guard in guards:
            assert f">{guard}</text>" in svg
    omgevingswet = render_mermaid(installed().get("omgevingswet", "1"))
    assert (
        '  p3 -->|"every_reaction_answered<br/>every_plan_finalised"| p4\n'
        in omgevingswet
    )
    assert '  p4 -->|"council_informed"| closed\n' in omgevingswet


@pytest.mark.parametrize("version", ["1", "2"])
def test_the_svg_is_xml_without_scripts(version: str) -> None:
    process = installed().get("overheidsparticipatie", version)
    for current in (None, "council", "evaluation", "society-decides"):
        for width in (920, 420, 200):
            svg = render_svg(process, current, width=width)
            root = ET.fromstring(svg)
            assert root.tag == f"{SVG}svg"
            assert "<script" not in svg.lower()
            assert "url(" not in svg
            for element in root.iter():
                assert not element.tag.endswith(("script", "foreignObject"))
                for name in element.attrib:
                    assert not name.lower().startswith("on")
                    assert not name.endswith("href")


def test_texts_are_escaped_in_every_format() -> None:
    process = ProcessTemplate(
        "tricky",
        "1",
        "A template with awkward names.",
        (Phase("a", 'First <b>"phase"</b> & more', society_only=True), Phase("b", "")),
    )
    labels = {"a": 'A <script>alert("x")</script> & "b"', "b": "B\\n"}
    svg = render_svg(process, "a", labels=labels)
    ET.fromstring(svg)
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    mermaid = render_mermaid(process, "a", labels=labels)
    assert "<script" not in mermaid
    assert '"b"' not in mermaid
    assert "#quot;b#quot;" in mermaid
    dot = render_dot(process, "a", labels=labels)
    assert '\\"b\\"' in dot
    assert 'label="B\\\\n"' in dot


def test_a_template_of_the_instances_own_registry_is_drawn(story: Story) -> None:
    app, _, _ = story
    own = replace(installed().get("omgevingswet", "1"), name="inspraak")
    app.templates = Registry.of([*installed().all(), own])
    mermaid = app.process_diagram("inspraak@1")
    assert mermaid.startswith("flowchart LR\n  %% inspraak v1: ")
    assert app.process_diagram("inspraak") == mermaid


def test_unknown_subjects_and_formats_are_refused(story: Story) -> None:
    app, _, _ = story
    with pytest.raises(
        NotFound,
        match=r"^There is no initiative called nowhere, and no template called "
        r"nowhere is installed; installed are .*\.$",
    ):
        app.process_diagram("nowhere")
    with pytest.raises(NotFound, match=r"^No template omgevingswet version 9 is"):
        app.process_diagram("omgevingswet@9")
    with pytest.raises(NotFound, match="neither an initiative nor a template"):
        app.process_diagram("Not A Name")
    with pytest.raises(InvalidInput, match="format: must be one of mermaid, dot, svg"):
        app.process_diagram(CITY, format="png")
    with pytest.raises(ValueError, match="no phase nowhere"):
        render_svg(installed().get("omgevingswet"), "nowhere")
    assert FORMATS == ("mermaid", "dot", "svg")


def test_the_reports_show_the_process_diagram(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    page = render_html(report, "en")
    process = page[page.index('<section id="process">') :]
    process = process[: process.index("</section>")]
    assert "<h3>Process diagram</h3>" in process
    assert process.index("Timeline of the process") < process.index("Process diagram")
    for kind in ("wide", "narrow"):
        start = process.index(
            f'<svg xmlns="http://www.w3.org/2000/svg" class="pd pd-{kind}"'
        )
        svg = process[start : process.index("</svg>", start) + len("</svg>")]
        names, current = _svg_phases(svg)
        assert names == [
            "Society decides",
            "Colleagues join",
            "Council",
            "Implementation",
            "Evaluation",
        ]
        assert current == ["Council"]
    assert "<script" not in page.lower()
    dutch = render_html(report, "nl")
    assert "<h3>Procesdiagram</h3>" in dutch
    assert "▼ huidige fase" in dutch
    markdown = render_markdown(report, "en")
    assert "### Process diagram\n\n```mermaid\nflowchart LR\n" in markdown
    assert "  class p3 current\n" in markdown


def _titles(svg_page: str) -> list[str]:
    """Every tooltip (SVG ``title``) of the diagrams in an HTML page."""
    return re.findall(r"<title[^>]*>([^<]*)</title>", svg_page)


def test_the_dutch_report_explains_phases_and_guards_in_dutch(story: Story) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    dutch = " ".join(_titles(render_html(report, "nl")))
    english = " ".join(_titles(render_html(report, "en")))
    assert (
        "1. Samenleving beslist — Inwoners, ondernemers en instellingen beraadslagen "
        "en beslissen; (alleen samenleving)"
    ) in dutch
    assert "deliberate" not in dutch
    assert "deliberate" in english


def test_a_dutch_diagram_gives_reaction_periods_and_guards_in_dutch() -> None:
    process = installed().get("overheidsparticipatie", "2")
    labels = {p.name: words("nl").value(p.name) for p in process.phases}
    dutch = " ".join(
        _titles(render_svg(process, labels=labels, words=diagram_words(words("nl"))))
    )
    english = " ".join(_titles(render_svg(process)))
    assert "reactietermijn: 28 dagen" in dutch
    assert (
        "every_reaction_answered: elke reactie op de plannen van het initiatief is "
        "beantwoord of ingetrokken"
    ) in dutch
    for text in ("deliberate", "reaction period", "has an answer", "is still open"):
        assert text not in dutch
        assert text in english


def test_every_built_in_phase_and_guard_has_its_dutch_wording() -> None:
    dutch = words("nl")
    texts = dutch.template_texts()
    for process in installed().templates.values():
        for phase in process.phases:
            assert dutch.value(phase.name) != phase.name, phase.name
            assert phase.description in texts, phase.description
    for explanation in GUARDS.values():
        assert explanation in texts, explanation
    assert words("en").template_texts() == {}


def test_a_description_without_a_translation_is_shown_as_written() -> None:
    process = ProcessTemplate(
        "own", "1", "", (Phase("listen", "Wij luisteren eerst.", guards=()),)
    )
    svg = render_svg(process, words=DiagramWords(texts={"x": "y"}))
    assert "1. listen — Wij luisteren eerst" in svg


def test_a_dutch_mermaid_diagram_says_what_each_guard_asks() -> None:
    process = installed().get("overheidsparticipatie", "2")
    dutch = render_mermaid(process, words=diagram_words(words("nl")))
    english = render_mermaid(process)
    assert "elke reactie op de plannen van het initiatief is beantwoord" in dutch
    assert "every_reaction_answered" not in dutch
    assert "every_reaction_answered" in english
