"""The participation report accounts for what was done with personal data on
request: every correction of a name (AVG art. 16) and every erasure (art. 17)
recorded in the initiative, with when, for whom and who asked, by reference only,
and only what had happened by the moment the report shows."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from samenspraak.application import Samenspraak
from samenspraak.application.report import ParticipationReport
from samenspraak.application.report_render import (
    render_html,
    render_json,
    render_markdown,
)
from samenspraak.application.report_words import words
from samenspraak.application.story import StoryRecord
from samenspraak.domain import clock

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
CORRECTED = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
ALSO_CORRECTED = datetime(2026, 7, 2, 14, 30, tzinfo=UTC)
ERASED = datetime(2026, 7, 6, 8, 15, tzinfo=UTC)
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
BAKERY_NAME = "The bakery on the market square, corrected"
RESIDENT_NAME = "The Kerkstraat household, corrected"


def _correct_two_names(app: Samenspraak) -> None:
    """The bakery corrects its own name; the facilitator corrects a resident's."""
    with clock.frozen_at(CORRECTED):
        app.correct_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "name": BAKERY_NAME}
        )
    with clock.frozen_at(ALSO_CORRECTED):
        app.correct_stakeholder(
            {"actor": "facilitator", "stakeholder": "resident-kerkstraat",
             "name": RESIDENT_NAME}
        )  # fmt: skip


def _every_rendering(report: ParticipationReport) -> list[str]:
    return [
        render(report, lang)
        for render in (render_markdown, render_html)
        for lang in ("nl", "en")
    ] + [render_json(report)]


def test_the_report_says_how_many_names_were_corrected_when_for_whom_and_who_asked(
    story: Story,
) -> None:
    app, _, _ = story
    names = {s.ref: s.name for s in app.initiative_status(CITY).stakeholders}
    before = app.participation_report(CITY)
    assert before.personal_data == []
    assert before.requests() == {"erasure": 0, "correction": 0}
    _correct_two_names(app)
    report = app.participation_report(CITY)
    assert [
        (q.request, q.at, q.stakeholder, q.stakeholder_kind, q.asked_by)
        for q in report.personal_data
    ] == [
        ("correction", CORRECTED, "bakery", "entrepreneur", "bakery"),
        ("correction", ALSO_CORRECTED, "resident-kerkstraat", "resident",
         "facilitator"),
    ]  # fmt: skip
    assert report.requests() == {"erasure": 0, "correction": 2}
    english = render_markdown(report, "en")
    assert "### Personal data erased or corrected\n" in english
    assert (
        "In this initiative, 2 corrections of personal data were recorded." in english
    )
    when = words("en").when
    assert (
        f"| {when(CORRECTED)} | Name corrected (GDPR art. 16) | bakery (entrepreneur) "
        "| themselves |"
    ) in english
    assert (
        f"| {when(ALSO_CORRECTED)} | Name corrected (GDPR art. 16) | "
        "resident-kerkstraat (resident) | facilitator |"
    ) in english
    dutch = render_markdown(report, "nl")
    assert "### Persoonsgegevens gewist of gecorrigeerd\n" in dutch
    assert (
        "In dit initiatief zijn 2 correcties van persoonsgegevens vastgelegd." in dutch
    )
    assert (
        f"| {words('nl').when(CORRECTED)} | Naam gecorrigeerd (AVG art. 16) | "
        "bakery (ondernemer) | zelf |"
    ) in dutch
    corrections = json.loads(render_json(report))["personal_data"]
    assert [(q["request"], q["stakeholder"], q["asked_by"]) for q in corrections] == [
        ("correction", "bakery", "bakery"),
        ("correction", "resident-kerkstraat", "facilitator"),
    ]
    # No name, neither the one corrected nor the corrected one.
    for rendered in _every_rendering(report):
        for name in (names["bakery"], names["resident-kerkstraat"], BAKERY_NAME,
                     RESIDENT_NAME):  # fmt: skip
            assert name
            assert name not in rendered


def test_a_report_as_of_a_moment_before_a_correction_does_not_mention_it(
    story: Story,
) -> None:
    app, _, _ = story
    _correct_two_names(app)
    earlier = app.participation_report(CITY, as_of="2026-06-30T12:00+02:00")
    assert earlier.personal_data == []
    # What it says of the personal data holds of that moment, not of the
    # initiative since ("by then"): a court may read it long after.
    assert (
        "By then, no personal data had been erased or corrected in this initiative."
        in render_markdown(earlier, "en")
    )
    assert (
        "Tot dat moment zijn in dit initiatief geen persoonsgegevens gewist of "
        "gecorrigeerd." in render_html(earlier, "nl")
    )
    between = app.participation_report(CITY, as_of="2026-07-01T18:00+02:00")
    assert [(q.request, q.stakeholder) for q in between.personal_data] == [
        ("correction", "bakery")
    ]
    assert "By then, 1 correction of personal data had been recorded in this " in (
        render_markdown(between, "en")
    )
    assert (
        "Tot dat moment is in dit initiatief 1 correctie van persoonsgegevens "
        "vastgelegd." in render_markdown(between, "nl")
    )


def test_an_erasure_is_listed_with_when_who_asked_and_whether_the_texts_went_too(
    story: Story,
) -> None:
    app, _, _ = story
    _correct_two_names(app)
    with clock.frozen_at(ERASED):
        erasure = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "resident-kerkstraat",
             "texts": True}
        )  # fmt: skip
    report = app.participation_report(CITY)
    gone = erasure.now_named
    # The correction before it is still told, under the reference they have now.
    assert [(q.request, q.at, q.stakeholder, q.with_texts) for q in
            report.personal_data[1:]] == [
        ("correction", ALSO_CORRECTED, gone, False),
        ("erasure", ERASED, gone, True),
    ]  # fmt: skip
    assert report.personal_data[-1].asked_by == "facilitator"
    assert report.requests() == {"erasure": 1, "correction": 2}
    [person] = [p for p in report.people if p.ref == gone]
    assert (person.erased, person.left_at, person.erased_at) == (True, ERASED, ERASED)
    dutch = render_markdown(report, "nl")
    assert (
        "In dit initiatief zijn 1 wissing en 2 correcties van persoonsgegevens "
        "vastgelegd." in dutch
    )
    assert (
        f"| {words('nl').when(ERASED)} | Persoonsgegevens gewist, met de teksten "
        f"die de persoon gaf (AVG art. 17) | {gone} (inwoner) | facilitator |"
    ) in dutch
    english = render_markdown(report, "en")
    assert "Personal data erased, with the texts they gave (GDPR art. 17)" in english
    # Erased as they left: the leaving is the erasure, said once.
    assert f"{words('en').when(ERASED)} (personal data erased on request) |" in english


def test_someone_who_had_left_reads_as_erased_later_not_when_they_left(
    story: Story,
) -> None:
    app, _, _ = story
    left = datetime(2026, 6, 25, 9, 0, tzinfo=UTC)
    with clock.frozen_at(left):
        app.leave_initiative(
            {"actor": "library", "initiative": CITY, "stakeholder": "library"}
        )
    with clock.frozen_at(ERASED):
        erasure = app.erase_stakeholder({"actor": "library", "stakeholder": "library"})
    report = app.participation_report(CITY)
    [person] = [p for p in report.people if p.ref == erasure.now_named]
    assert (person.left_at, person.erased_at) == (left, ERASED)
    when = words("en").when
    assert (
        f"| {when(left)} (personal data erased on request on {when(ERASED)}) |"
        in render_markdown(report, "en")
    )
    [asked] = report.personal_data
    assert (asked.request, asked.asked_by, asked.with_texts) == (
        "erasure",
        erasure.now_named,
        False,
    )
    assert asked.asked_by == asked.stakeholder
    assert f"| {erasure.now_named} (institution) | themselves |" in render_markdown(
        report, "en"
    )


def test_a_report_as_of_a_moment_before_an_erasure_does_not_call_anyone_erased(
    story: Story,
) -> None:
    """The reference is gone from the directory, so even a report of an earlier
    moment shows ``erased-...``; it says that the erasure came later, and does not
    say it had happened then."""
    app, _, _ = story
    with clock.frozen_at(ERASED):
        erasure = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "resident-havenkwartier"}
        )
    gone = erasure.now_named
    earlier = app.participation_report(CITY, as_of="2026-07-01T12:00+02:00")
    [person] = [p for p in earlier.people if p.ref == gone]
    assert (person.erased, person.left_at, person.erased_at) == (False, None, None)
    assert earlier.personal_data == []
    assert earlier.erased_later == [gone]
    english = render_markdown(earlier, "en")
    assert "erased on request)" not in english
    assert (
        f"{gone}: personal data erased on request after the moment of this report; "
        "the reference they had then can no longer be shown."
    ) in english
    assert (
        f"{gone}: persoonsgegevens op verzoek gewist na het moment van dit verslag"
        in render_html(earlier, "nl")
    )
    now = app.participation_report(CITY)
    assert now.erased_later == []
    assert [p.erased for p in now.people if p.ref == gone] == [True]


def test_the_html_report_shows_corrections_as_cards_on_a_phone_and_stays_whole(
    story: Story,
) -> None:
    app, _, _ = story
    _correct_two_names(app)
    page = render_html(app.participation_report(CITY), "nl")
    start = page.index('<h3 id="personal-data">Persoonsgegevens gewist of')
    section = page[start : page.index("<h3>Groepen</h3>", start)]
    assert '<table class="cards-sm" role="table">' in section
    assert (
        '<td data-label="Betreft" role="cell" class="inl">bakery (ondernemer)</td>'
        in section
    )
    assert '<td data-label="Gevraagd door" role="cell" class="inl">zelf</td>' in section
    assert "niet als gebeurtenis vastgelegd" in section
    assert "<script" not in page.lower()
    assert "<link" not in page
    assert EXTERNAL.search(page) is None


def test_the_views_kept_while_names_are_corrected_and_erased_are_those_a_rebuild_gives(
    story: Story,
) -> None:
    app, _, _ = story
    _correct_two_names(app)
    with clock.frozen_at(ERASED):
        app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "bakery", "texts": True}
        )
    kept = app.participation_report(CITY)
    assert app.verify_projections().intact
    app.rebuild_projections()
    rebuilt = app.participation_report(CITY)
    assert rebuilt.model_dump(exclude={"generated_at"}) == kept.model_dump(
        exclude={"generated_at"}
    )
    assert len(rebuilt.personal_data) == 3
