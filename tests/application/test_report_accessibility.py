"""The HTML report meets WCAG 2.1 AA where a reading of the page can tell: table
headers, contrast computed from the colours it uses, reflow on a phone, and text
for what the pictures show only in tooltips."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from samenspraak.application import Samenspraak
from samenspraak.application import report_timeline as timeline
from samenspraak.application.diagram import in_words
from samenspraak.application.report_render import CSS, diagram_words, render_html
from samenspraak.application.report_words import (
    DUTCH_GUARDS,
    DUTCH_PHASE_DESCRIPTIONS,
    words,
)
from samenspraak.application.story import StoryRecord
from samenspraak.domain.templates import Phase, ProcessTemplate

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
LANE_BACKGROUNDS = ("#ffffff", "#f5f7fa")
"""The timeline's lanes: white, and every other one striped."""


# --- Colours -----------------------------------------------------------------------


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _over(colour: str, background: str, opacity: float) -> tuple[float, float, float]:
    """``colour`` drawn at ``opacity`` over ``background``."""
    top, below = _rgb(colour), _rgb(background)
    r, g, b = (opacity * t + (1 - opacity) * u for t, u in zip(top, below, strict=True))
    return r, g, b


def contrast(
    one: str | tuple[float, float, float], other: str | tuple[float, float, float]
) -> float:
    """The WCAG 2.1 contrast ratio of two colours."""
    a = _luminance(_rgb(one) if isinstance(one, str) else one)
    b = _luminance(_rgb(other) if isinstance(other, str) else other)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def test_the_contrast_formula_gives_the_known_ratios() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)


# --- The page's structure ----------------------------------------------------------


class _Tables(HTMLParser):
    """The tables of a page: each with its attributes, and those of its parts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list[dict[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({})
        if self.tables and tag in {"table", "thead", "tbody", "tr", "th", "td"}:
            self.tables[-1].setdefault(tag, []).append(dict(attrs))


def _tables(html: str) -> list[dict[str, list[dict[str, str | None]]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _phone_css() -> str:
    """The rules for a phone-wide screen."""
    found = re.search(r"@media \(max-width:760px\)\{(.*?)\n\}", CSS, re.DOTALL)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_header_cell_says_which_cells_it_heads(story: Story, lang: str) -> None:
    """WCAG 1.3.1: ``<th scope="col">``."""
    app, _, _ = story
    tables = _tables(render_html(app.participation_report(CITY), lang))
    assert len(tables) >= 10
    for table in tables:
        assert table["th"]
        assert all(th.get("scope") == "col" for th in table["th"])


def test_every_table_stacks_into_cards_on_a_phone(story: Story) -> None:
    """WCAG 1.4.10: at 320 CSS pixels no table is wider than the screen, and no
    long hash or badge widens the page."""
    app, _, _ = story
    tables = _tables(render_html(app.participation_report(CITY)))
    assert all("cards-sm" in (t["table"][0].get("class") or "") for t in tables)
    phone = _phone_css()
    assert "table.cards-sm td{overflow-wrap:anywhere}" in phone
    assert ".badge{white-space:normal}" in phone
    # A cell left empty shows no label without a value on a card.
    assert "table.cards-sm td:empty{display:none}" in phone


def test_a_table_shown_as_cards_keeps_its_headers_for_screen_readers(
    story: Story,
) -> None:
    """WCAG 1.3.1: a table whose parts are laid out as blocks loses its table
    semantics in some browsers, and a header row with ``display:none`` is gone
    for every screen reader. The parts carry their roles, the header row is hidden
    only from sight, and the label a card shows before a value is not read out
    a second time."""
    app, _, _ = story
    tables = _tables(render_html(app.participation_report(CITY)))
    roles = {
        "table": "table",
        "thead": "rowgroup",
        "tbody": "rowgroup",
        "tr": "row",
        "th": "columnheader",
        "td": "cell",
    }
    cards = [t for t in tables if "cards-sm" in (t["table"][0].get("class") or "")]
    assert len(cards) >= 10
    for table in cards:
        for tag, role in roles.items():
            assert all(part.get("role") == role for part in table[tag]), tag
        labels = [td.get("data-label") for td in table["td"]]
        assert all(labels)
    phone = _phone_css()
    assert "thead{display:none}" not in phone.replace(" ", "")
    assert re.search(r"table\.cards-sm thead\{[^}]*clip-path:inset\(50%\)", phone)
    assert 'content:attr(data-label) / ""' in phone
    # Where the alternative text is not understood, the label is still shown.
    assert re.search(
        r'content:attr\(data-label\);content:attr\(data-label\) / ""', phone
    )


# --- Contrast ----------------------------------------------------------------------


def test_the_text_of_every_badge_has_a_contrast_of_at_least_4_5() -> None:
    """WCAG 1.4.3: badges are small bold text (0.78rem)."""
    badges = re.findall(
        r"\.b-([\w-]+)\{background:(#[0-9a-f]{3,6});color:(#[0-9a-f]{3,6})", CSS
    )
    assert len(badges) >= 10
    low = {
        name: round(contrast(ink, background), 2)
        for name, background, ink in badges
        if contrast(ink, background) < 4.5
    }
    assert low == {}


def test_the_page_s_grey_and_coloured_text_has_a_contrast_of_at_least_4_5() -> None:
    variables = dict(re.findall(r"--(\w+):(#[0-9a-f]{6})", CSS))
    pairs = [
        (variables["ink"], "#ffffff"),
        (variables["muted"], "#ffffff"),  # notes, labels, the footer
        (variables["muted"], variables["soft"]),  # a summary card's label
        (variables["muted"], "#fdecea"),  # a note in an alert
        (variables["navy"], "#ffffff"),  # headings
        ("#243b53", "#eaf0f6"),  # table headers
        ("#334e68", "#ffffff"),  # the legend
    ]
    assert [round(contrast(a, b), 2) for a, b in pairs if contrast(a, b) < 4.5] == []


SVG_SHAPES = ("rect", "circle", "path", "line", "polygon")


def _shapes(svg: str) -> list[dict[str, str]]:
    root = ET.fromstring(svg)
    return [dict(e.attrib) for e in root.iter() if e.tag.split("}")[-1] in SVG_SHAPES]


def _seen(shape: dict[str, str], background: str) -> float:
    """How far the shape stands out from ``background``: its fill or its outline,
    whichever contrasts more (a white outline is a halo between marks)."""
    best = 1.0
    fill = shape.get("fill", "none")  # every filled shape here says its fill
    if fill.startswith("#") and fill.lower() not in {"#fff", "#ffffff"}:
        opacity = float(shape.get("fill-opacity", "1"))
        best = max(best, contrast(_over(fill, background, opacity), background))
    stroke = shape.get("stroke", "none")
    if stroke.startswith("#") and stroke.lower() not in {"#fff", "#ffffff"}:
        opacity = float(shape.get("stroke-opacity", "1"))
        best = max(best, contrast(_over(stroke, background, opacity), background))
    return best


def _timeline_pictures(html: str) -> list[str]:
    pictures = re.findall(r'<svg class="tl tl-\w+".*?</svg>', html, re.DOTALL)
    assert len(pictures) == 2
    return [
        p.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        for p in pictures
    ]


def test_every_mark_of_the_timeline_stands_out_3_to_1_from_its_lane(
    story: Story,
) -> None:
    """WCAG 1.4.11: the phase bands, the plans' lines, the reactions, the decision
    bars and every other mark, against both lane backgrounds. The lanes' stripes,
    the grid lines and the axis are guides, not information: the ticks are
    labelled, and every mark's moment is in the tables too."""
    app, _, _ = story
    html = render_html(app.participation_report(CITY))
    guides = {"#f5f7fa", "#dde3ea", "#9aa5b1"}
    faint = []
    for picture in _timeline_pictures(html):
        for shape in _shapes(picture):
            if shape.get("fill") in guides or shape.get("stroke") in guides:
                continue
            if shape.get("fill") == "none" and shape.get("stroke") in {"#fff"}:
                continue  # the tick inside a check mark, white on its disc
            worst = min(_seen(shape, bg) for bg in LANE_BACKGROUNDS)
            if worst < 3:
                faint.append((round(worst, 2), shape))
    assert faint == []


def test_the_legend_s_marks_stand_out_3_to_1_from_the_page(story: Story) -> None:
    app, _, _ = story
    html = render_html(app.participation_report(CITY))
    legend = re.search(r'<ul class="legend".*?</ul>', html, re.DOTALL)
    assert legend is not None
    faint = []
    for icon in re.findall(r"<svg .*?</svg>", legend.group(0), re.DOTALL):
        svg = icon.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        for shape in _shapes(svg):
            if shape.get("fill") == "none" and shape.get("stroke") == "#fff":
                continue
            if _seen(shape, "#ffffff") < 3:
                faint.append(shape)
    assert faint == []


def test_every_kind_of_mark_stands_out_3_to_1_from_a_lane() -> None:
    """Marks the story does not show too: a withdrawn decision's cross, a daytime
    meeting, an informal council session."""
    marks = [
        timeline.cross(0, 0),
        timeline.diamond(0, 0, 7, timeline.TEAL),
        timeline.triangle(0, 0, 8, "#fff"),
        timeline.triangle(0, 0, 8, timeline.PURPLE),
        timeline.check(0, 0),
        timeline.check(0, 0, 7, timeline.PURPLE),
        timeline.meeting_mark(0, 0, 1, evening=False),
        timeline.meeting_mark(0, 0, 1, evening=True),
        timeline.speech(0, 0),
        timeline.star(0, 0),
        f'<circle r="3.6" fill="{timeline.ORANGE}" stroke="#fff"/>',
    ]
    faint = []
    for mark in marks:
        svg = f'<svg xmlns="http://www.w3.org/2000/svg">{mark}</svg>'
        for shape in _shapes(svg):
            if shape.get("fill") == "none" and shape.get("stroke") == "#fff":
                continue
            worst = min(_seen(shape, bg) for bg in LANE_BACKGROUNDS)
            if worst < 3:
                faint.append((round(worst, 2), mark))
    assert faint == []


# --- Text for what a picture shows ------------------------------------------------


def _outside_pictures(html: str) -> str:
    """The page's text without its pictures (whose tooltips a keyboard or touch
    user cannot reach, and a screen reader does not read in ``role="img"``)."""
    return unescape(re.sub(r"<svg.*?</svg>", "", html, flags=re.DOTALL))


def test_what_the_diagram_tells_only_in_tooltips_is_in_the_page_s_text(
    story: Story,
) -> None:
    """WCAG 1.1.1 and 1.3.1: the phases' descriptions and what must hold to leave
    each are said in words after the diagram, which points to them."""
    app, _, _ = story
    report = app.participation_report(CITY)
    html = render_html(report)
    text = _outside_pictures(html)
    described = [DUTCH_PHASE_DESCRIPTIONS[d] for d in _descriptions(report)]
    assert described
    for description in described:
        assert description.rstrip(".") in text
    english = _outside_pictures(render_html(report, "en"))
    for description in _descriptions(report):
        assert description.rstrip(".") in english
    for prefix in ("pd-wide", "pd-narrow"):
        assert f'aria-describedby="{prefix}-phases"' not in html  # one list for both
    svgs = re.findall(r'<svg [^>]*class="pd pd-\w+"[^>]*>', html)
    assert len(svgs) == 2
    assert all('aria-describedby="pd-phases"' in s for s in svgs)
    assert 'id="pd-phases"' in text


def _descriptions(report: object) -> list[str]:
    from samenspraak.application.report_render import _diagram  # noqa: PLC0415

    process, _, _ = _diagram(report, words("en"))  # type: ignore[arg-type]
    return [p.description for p in process.phases if p.description]


def test_in_words_the_diagram_says_what_must_hold_to_leave_each_phase() -> None:
    process = ProcessTemplate(
        "t",
        "1",
        "",
        (
            Phase("draft", "A plan is drafted.", guards=("a_draft_proposed",)),
            Phase("react", "People react.", reaction_period_days=42),
        ),
    )
    said = in_words(
        process, "react", labels={"draft": "Ontwerp"}, words=diagram_words(words("nl"))
    )
    assert said.startswith('<ol id="pd-phases"><li><b>Ontwerp</b>: ')
    assert DUTCH_GUARDS["a_draft_proposed"] in said
    assert "<code>a_draft_proposed</code>" in said
    assert "huidige fase; reactietermijn: 42 dagen" in said
