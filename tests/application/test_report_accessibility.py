"""The HTML report meets WCAG 2.1 AA where a reading of the page can tell: table
headers, contrast computed from the colours it uses, reflow on a phone, and text
for what the pictures show only in tooltips."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from samenspraak.application import Samenspraak
from samenspraak.application.report_render import CSS, render_html
from samenspraak.application.story import StoryRecord

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"


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
