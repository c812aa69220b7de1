"""Correcting the record of informing the council through the application: after
the city-centre story, the facilitator finds that the vision's SHA-256 was copied
from an earlier draft, so the document the council holds no longer matches the
record, and that the traffic plan went to the council by letter a day earlier, not
in a formal session. The informings show as corrected, the record keeps both with
the audit heads recorded then, and the participation report says what was
corrected, when and why, instead of listing a wrong or a double informing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from samenspraak.application import InvalidInput, NotAllowed, Samenspraak
from samenspraak.application.report_render import (
    render_html,
    render_json,
    render_markdown,
)
from samenspraak.application.story import StoryRecord
from samenspraak.application.views import InitiativeStatus
from samenspraak.domain.clock import frozen_at

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
CORRECTED_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""A week after the story's last step."""
VISION = hashlib.sha256(b"the vision the council holds").hexdigest()
"""The SHA-256 of the vision as the council received it."""
A_DAY_EARLIER = "2026-06-03T16:00+02:00"


def correct(app: Samenspraak, **fields: object) -> tuple[str, ...]:
    with frozen_at(CORRECTED_AT):
        return app.correct_council_informing(
            {"actor": "facilitator", "initiative": CITY, **fields}
        )


def test_a_corrected_informing_shows_its_corrected_values_and_its_head_as_recorded(
    story: Story,
) -> None:
    app, _, _ = story
    before = app.initiative_status(CITY).council[0]

    corrected = correct(
        app,
        informing=1,
        document_sha256=VISION,
        reason="The hash was copied from the draft, not from the document sent.",
    )

    assert corrected == ("document_sha256",)
    informing = app.initiative_status(CITY).council[0]
    assert informing.document_sha256 == VISION
    assert informing.audit_head == before.audit_head
    assert (informing.session, informing.informed_at) == (
        before.session,
        before.informed_at,
    )
    assert informing.document_title == before.document_title
    [correction] = informing.corrections
    assert correction.corrected_at == CORRECTED_AT
    assert correction.fields == ["document_sha256"]
    assert correction.reason == (
        "The hash was copied from the draft, not from the document sent."
    )
    assert [c.number for c in app.initiative_status(CITY).council] == [1, 2]


def test_the_record_keeps_the_informing_as_first_recorded_and_the_correction(
    story: Story,
) -> None:
    app, _, _ = story
    correct(
        app,
        informing=2,
        session="letter",
        informed_at=A_DAY_EARLIER,
        reason="It went by council information letter the day before.",
    )

    lines = [
        (e.event, e.summary)
        for e in app.audit_log(CITY)
        if e.event.startswith("Council")
    ]
    assert lines[-1] == (
        "CouncilInformingCorrected",
        "Council informing 2 corrected: letter, informed at 2026-06-03T16:00+02:00",
    )
    assert [event for event, _ in lines] == [
        "CouncilInformed",
        "CouncilInformed",
        "CouncilFollowedUp",
        "CouncilInformingCorrected",
    ]
    assert app.verify_audit().intact
    assert app.verify_audit(initiative=CITY).intact


def test_the_views_built_again_from_the_log_show_the_same_correction(
    story: Story,
) -> None:
    app, _, _ = story
    correct(app, informing=1, document_sha256=VISION, reason="Copied from the draft.")
    correct(app, informing=2, session="letter", reason="It went by letter.")
    caught_up = app.initiative_status(CITY)

    assert app.verify_projections().intact
    app.rebuild_projections()

    assert app.initiative_status(CITY) == caught_up
    assert app.verify_projections().intact


def test_an_exported_record_replays_with_the_corrected_informing(
    story: Story, replayed_status: Callable[[Samenspraak], InitiativeStatus]
) -> None:
    app, _, _ = story
    correct(app, informing=1, document_sha256=VISION, reason="Copied from the draft.")

    assert replayed_status(app).council == app.initiative_status(CITY).council


def test_a_title_given_as_it_reads_is_left_out(story: Story) -> None:
    app, _, _ = story
    title = app.initiative_status(CITY).council[1].document_title

    corrected = correct(
        app,
        informing=2,
        document_title=title,
        session="letter",
        reason="It went by council information letter.",
    )

    assert corrected == ("session",)
    assert app.initiative_status(CITY).council[1].document_title == title


def test_a_new_title_is_sealed_as_a_text(story: Story) -> None:
    app, _, _ = story

    corrected = correct(
        app,
        informing=1,
        document_title="Vision for a lively city centre (version 2)",
        reason="The title as the council's agenda gives it.",
    )

    assert corrected == ("document_title",)
    assert app.initiative_status(CITY).council[0].document_title == (
        "Vision for a lively city centre (version 2)"
    )
    assert app.verify_audit(initiative=CITY).intact


def test_an_earlier_moment_shows_the_informing_as_first_recorded(
    story: Story,
) -> None:
    app, _, _ = story
    recorded = app.initiative_status(CITY).council[0]
    correct(app, informing=1, document_sha256=VISION, reason="Copied from the draft.")

    then = app.initiative_status(CITY, as_of="2026-06-29T12:00+02:00").council[0]
    assert then.document_sha256 == recorded.document_sha256
    assert then.corrections == []


def test_the_report_shows_the_corrected_informing_and_says_why_it_was_corrected(
    story: Story,
) -> None:
    app, _, _ = story
    recorded = app.participation_report(CITY).council[1]
    correct(
        app,
        informing=2,
        session="letter",
        informed_at=A_DAY_EARLIER,
        reason="It went by council information letter the day before.",
    )

    report = app.participation_report(CITY)
    assert len(report.council) == 2
    informing = report.council[1]
    assert (informing.session, informing.informed_at) == (
        "letter",
        datetime.fromisoformat(A_DAY_EARLIER),
    )
    assert informing.audit_head == recorded.audit_head
    english = render_markdown(report, "en")
    assert (
        "The record of informing 2 of the council was corrected on 30 Jun 2026, "
        "10:00 (session and time). Reason: It went by council information letter "
        "the day before."
    ) in english
    dutch = render_markdown(report, "nl")
    assert (
        "De vastlegging van het informeren van de raad (2) is op 30 jun 2026, 10:00 "
        "gecorrigeerd (vorm en tijdstip). Reden: It went by council information "
        "letter the day before."
    ) in dutch
    html = render_html(report, "en")
    assert "The record of informing 2 of the council was corrected on" in html
    [correction] = json.loads(render_json(report))["council"][1]["corrections"]
    assert correction["fields"] == ["session", "informed_at"]
    assert correction["reason"] == (
        "It went by council information letter the day before."
    )


def test_a_report_as_of_before_the_correction_shows_the_informing_as_recorded(
    story: Story,
) -> None:
    app, _, _ = story
    correct(app, informing=2, session="letter", reason="It went by letter.")

    report = app.participation_report(CITY, as_of="2026-06-29T12:00+02:00")

    assert report.council[1].session == "formal"
    assert report.council[1].corrections == []
    assert "The record of informing" not in render_markdown(report, "en")


def test_a_correction_does_not_count_as_informing_the_council_in_this_phase(
    story: Story,
) -> None:
    """The guard council_informed (and todo, which says the same) goes by when an
    informing was recorded: the story informed the council in the phase it is in
    now, and moving that informing's time back keeps it counted, while the phase
    after it does not take a correction for an informing."""
    app, _, _ = story
    app.migrate_template(
        {"actor": "facilitator", "initiative": CITY,
         "template": "overheidsparticipatie@2"}
    )  # fmt: skip
    correct(app, informing=2, informed_at=A_DAY_EARLIER, reason="A day earlier.")
    with frozen_at(CORRECTED_AT):
        assert not [
            item
            for item in app.todo("facilitator")
            if item.kind == "inform-council" and item.initiative == CITY
        ]
    with frozen_at(CORRECTED_AT + timedelta(hours=1)):
        phase = app.advance_phase({"actor": "facilitator", "initiative": CITY})
    assert phase == "implementation"


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_corrects_an_informing_and_nothing_is_written(
    story: Story,
) -> None:
    app, _, _ = story
    events = app.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        app.correct_council_informing(
            {"actor": "bakery", "initiative": CITY, "informing": 1,
             "session": "formal", "reason": "It was formal."}
        )  # fmt: skip
    assert refused.value.rule == "only_the_facilitator_shapes_the_initiative"
    assert str(refused.value) == (
        "Only the facilitator of city-centre may correct the record of informing "
        "the council."
    )
    assert app.stored_event_count() == events


@pytest.mark.parametrize(
    ("fields", "rule", "sentence"),
    [
        (
            {"informing": 3, "session": "letter"},
            "an_informing_named_must_exist",
            "city-centre has 2 informings of the council; there is no informing 3 "
            "to correct.",
        ),
        (
            {"informing": 1, "session": "informal"},
            "an_informing_correction_changes_something",
            "Informing 1 of city-centre is recorded so already; a correction changes "
            "its document's title or SHA-256, its session or its time.",
        ),
        (
            {"informing": 1, "informed_at": "2026-03-05T18:30Z"},
            "an_informing_correction_changes_something",
            "Informing 1 of city-centre is recorded so already; a correction changes "
            "its document's title or SHA-256, its session or its time.",
        ),
        (
            {
                "informing": 1,
                "document_title": "Vision for the city centre (version 2)",
            },
            "an_informing_correction_changes_something",
            "Informing 1 of city-centre is recorded so already; a correction changes "
            "its document's title or SHA-256, its session or its time.",
        ),
        (
            {"informing": 1, "informed_at": "2026-07-05T19:30+02:00"},
            "the_council_was_informed_by_now",
            "Informing the council is recorded once it happened; "
            "2026-07-05T19:30+02:00 lies in the future.",
        ),
        (
            {"informing": 2, "informed_at": "2026-06-19T09:00+02:00"},
            "a_corrected_informing_comes_before_its_follow_ups",
            "The council followed up informing 2 of city-centre at "
            "2026-06-18T21:00+02:00; it cannot have been informed after that, at "
            "2026-06-19T09:00+02:00.",
        ),
    ],
    ids=[
        "no such informing",
        "as recorded",
        "the same moment",
        "the same title",
        "in the future",
        "after its follow-up",
    ],
)
def test_an_informing_correction_is_refused_by_its_rule_and_writes_nothing(
    story: Story, fields: dict[str, object], rule: str, sentence: str
) -> None:
    app, _, _ = story
    events = app.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        correct(app, reason="To be sure.", **fields)
    assert (refused.value.rule, str(refused.value)) == (rule, sentence)
    assert app.stored_event_count() == events


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"informing": 1}, "give the corrected document_title, document_sha256"),
        ({"informing": 1, "session": "letter", "reason": " "}, "reason: "),
        ({"informing": 1, "document_sha256": "abc"}, "document_sha256: "),
        ({"informing": 1, "session": "hearing"}, "session: "),
        ({"informing": 1, "informed_at": "2026-03-05T19:30"}, "informed_at: needs"),
        ({"informing": 0, "session": "letter"}, "informing: "),
    ],
    ids=[
        "nothing to correct",
        "no reason",
        "not a sha256",
        "no such session",
        "no timezone",
        "informing 0",
    ],
)
def test_malformed_input_is_refused_before_any_rule(
    story: Story, fields: dict[str, object], message: str
) -> None:
    app, _, _ = story
    fields.setdefault("reason", "A reason.")
    with pytest.raises(InvalidInput) as refused:
        correct(app, **fields)
    assert message in str(refused.value)


def test_an_informing_of_a_closed_initiative_is_corrected_as_follow_ups_are_recorded(
    story: Story,
) -> None:
    app, _, _ = story
    with frozen_at(CORRECTED_AT):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
        assert correct(app, informing=1, document_sha256=VISION, reason="Copied.") == (
            "document_sha256",
        )
    [first, _] = app.initiative_status(CITY).council
    assert first.document_sha256 == VISION


def test_in_a_phase_with_permissions_who_may_inform_the_council_may_correct_it(
    story: Story,
) -> None:
    app, _, _ = story
    app.migrate_template(
        {"actor": "facilitator", "initiative": CITY,
         "template": "overheidsparticipatie@2"}
    )  # fmt: skip

    with pytest.raises(NotAllowed) as refused:
        app.correct_council_informing(
            {"actor": "bakery", "initiative": CITY, "informing": 1,
             "document_sha256": VISION, "reason": "Copied from the draft."}
        )  # fmt: skip
    assert refused.value.rule == "only_permitted_roles_act_in_a_phase"
    assert str(refused.value) == (
        "In the phase council of city-centre, an entrepreneur may not correct the "
        "record of informing the council; its template lets them do so in no "
        "phase."
    )
    assert correct(app, informing=1, document_sha256=VISION, reason="Copied.") == (
        "document_sha256",
    )


def test_erasing_the_facilitator_with_their_texts_keeps_the_reasons_for_correcting_informings(
    story: Story,
) -> None:
    """An informing's correction belongs to the record of what the council was
    told, as the document's title does: erasing the facilitator's texts leaves it,
    and the record stays intact (verified, exported, reported)."""
    app, _, _ = story
    correct(app, informing=1, document_sha256=VISION, reason="Copied from the draft.")
    with frozen_at(CORRECTED_AT + timedelta(days=1)):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
        erasure = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "facilitator", "texts": True}
        )

    assert erasure.texts == 0
    [correction] = app.initiative_status(CITY).council[0].corrections
    assert correction.reason == "Copied from the draft."
    assert app.verify_audit().intact
    assert app.verify_audit(initiative=CITY).intact
    report = app.participation_report(CITY)
    assert report.council[0].corrections[0].reason == "Copied from the draft."
