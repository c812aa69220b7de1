"""The summary of the participation report gives the share of the budget
allocated as a percentage; on the HTML page's card it stands alone, without the
amounts. Rounded to a whole number, a budget allocated all but a thousand euros
read "100%", and one allocated a few euros "0%": the figure said that everything,
or nothing, was allocated. A share that is neither all nor nothing now never
reads as either."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from samenspraak.application import Samenspraak
from samenspraak.application.report import ParticipationReport
from samenspraak.application.report_render import render_html, render_markdown
from samenspraak.application.story import StoryRecord

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"


def _allocated(report: ParticipationReport, amount: str) -> ParticipationReport:
    budget = report.budget.model_copy(
        update={
            "allocated": Decimal(amount),
            "remaining": report.budget.total - Decimal(amount),
        }
    )
    return report.model_copy(update={"budget": budget})


def test_a_budget_allocated_all_but_a_thousand_euros_is_not_said_to_be_allocated_in_full(
    story: Story,
) -> None:
    app, _, _ = story
    app.allocate_budget(
        {"actor": "facilitator", "initiative": CITY, "amount": "99000.00",
         "purpose": "Benches on the market square", "decision": "budget-first-part"}
    )  # fmt: skip
    report = app.participation_report(CITY)
    assert report.budget.remaining == Decimal("1000.00")
    english, dutch = render_markdown(report, "en"), render_markdown(report, "nl")
    assert "- **>99%** of the budget allocated (€249,000.00 / €250,000.00)" in english
    assert "- **>99%** van het budget toegewezen" in dutch
    html = render_html(report, "en")
    assert '<div class="num">&gt;99%</div>' in html
    assert '<div class="num">100%</div>' not in html
    assert "100%" not in english + dutch


def test_a_budget_allocated_a_few_euros_is_not_said_to_be_untouched(
    story: Story,
) -> None:
    app, _, _ = story
    report = _allocated(app.participation_report(CITY), "5.00")
    english = render_markdown(report, "en")
    assert "- **<1%** of the budget allocated (€5.00 / €250,000.00)" in english
    assert '<div class="num">&lt;1%</div>' in render_html(report, "en")


def test_a_budget_allocated_in_full_or_not_at_all_reads_100_or_0_percent(
    story: Story,
) -> None:
    app, _, _ = story
    report = app.participation_report(CITY)
    assert "- **60%** of the budget allocated" in render_markdown(report, "en")
    full = render_markdown(_allocated(report, "250000.00"), "en")
    assert "- **100%** of the budget allocated" in full
    none = render_markdown(_allocated(report, "0.00"), "en")
    assert "- **0%** of the budget allocated" in none
