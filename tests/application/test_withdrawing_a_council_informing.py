"""Withdrawing an informing of the council through the application: after the
city-centre story, the facilitator records a council information letter about the
harbour district's plan in the city centre by mistake, and withdraws it a day
later. The informing stays listed with its number and the audit head it recorded,
marked withdrawn with when and why; it no longer counts as informing the council,
and the participation report says so instead of counting it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from samenspraak.application import InvalidInput, NotAllowed, Samenspraak
from samenspraak.application.report_render import (
    render_html,
    render_json,
    render_markdown,
)
from samenspraak.application.report_timeline import WIDE, Timeline, axis_of, legend
from samenspraak.application.report_words import words
from samenspraak.application.story import StoryRecord
from samenspraak.application.views import InitiativeStatus
from samenspraak.domain.clock import frozen_at

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
SUMMER = timezone(timedelta(hours=2))
RECORDED_AT = datetime(2026, 6, 29, 10, 0, tzinfo=SUMMER)
"""When the letter was recorded here by mistake: a week after the story's last step."""
WITHDRAWN_AT = datetime(2026, 6, 30, 10, 0, tzinfo=SUMMER)
"""The next morning, when the mistake is found."""
HARBOUR_PLAN = hashlib.sha256(b"the harbour district's plan").hexdigest()
REASON = "The letter was about the harbour district; recorded here by mistake."


def record_by_mistake(app: Samenspraak) -> int:
    """The harbour district's council information letter, recorded in the city
    centre by mistake: informing 3."""
    with frozen_at(RECORDED_AT):
        return app.inform_council(
            {"actor": "facilitator", "initiative": CITY,
             "document_title": "Plan for the harbour district",
             "document_sha256": HARBOUR_PLAN, "session": "letter",
             "informed_at": "2026-06-29T09:00+02:00"}
        )  # fmt: skip


def withdraw(app: Samenspraak, informing: int, reason: str = REASON) -> None:
    with frozen_at(WITHDRAWN_AT):
        app.withdraw_council_informing(
            {"actor": "facilitator", "initiative": CITY, "informing": informing,
             "reason": reason}
        )  # fmt: skip


@pytest.fixture
def withdrawn(story: Story) -> Samenspraak:
    """The story, with informing 3 recorded by mistake and withdrawn."""
    app, _, _ = story
    withdraw(app, record_by_mistake(app))
    return app


def test_a_withdrawn_informing_stays_listed_with_its_number_and_says_when_and_why(
    story: Story,
) -> None:
    app, _, _ = story
    number = record_by_mistake(app)
    recorded = app.initiative_status(CITY).council[2]

    withdraw(app, number)

    council = app.initiative_status(CITY).council
    assert [c.number for c in council] == [1, 2, 3]
    informing = council[2]
    assert informing.withdrawn is not None
    assert informing.withdrawn.withdrawn_at == WITHDRAWN_AT
    assert informing.withdrawn.reason == REASON
    assert informing.model_copy(update={"withdrawn": None}) == recorded
    assert [c.withdrawn for c in council[:2]] == [None, None]


def test_an_informing_of_the_council_recorded_by_mistake_after_the_last_step_no_longer_ends_the_timeline_once_withdrawn(
    story: Story,
) -> None:
    app, _, _ = story
    before = app.participation_report(CITY)
    number = record_by_mistake(app)
    assert app.participation_report(CITY).last_step_at == RECORDED_AT
    withdraw(app, number)

    assert app.participation_report(CITY).last_step_at == before.last_step_at
    assert before.last_step_at < RECORDED_AT


def test_the_informings_after_a_withdrawn_one_keep_their_numbers(
    story: Story,
) -> None:
    app, _, _ = story
    withdraw(app, 1, "The informal session was called off; nothing was shown.")
    with frozen_at(WITHDRAWN_AT):
        app.record_council_follow_up(
            {"actor": "facilitator", "initiative": CITY, "informing": 2,
             "summary": "The council asks how the modal filter works out.",
             "followed_up_at": "2026-06-29T21:00+02:00"}
        )  # fmt: skip

    first, second = app.initiative_status(CITY).council
    assert first.withdrawn is not None
    assert (second.number, second.withdrawn) == (2, None)
    assert len(second.follow_ups) == 2


def test_the_record_keeps_the_informing_and_its_withdrawal(
    withdrawn: Samenspraak,
) -> None:
    lines = [
        (e.event, e.summary)
        for e in withdrawn.audit_log(CITY)
        if e.event.startswith("Council")
    ]
    assert lines[-2:] == [
        ("CouncilInformed", f"Council informed (letter), document sha256 "
         f"{HARBOUR_PLAN[:16]}..."),
        ("CouncilInformingWithdrawn", "Council informing 3 withdrawn"),
    ]  # fmt: skip
    assert withdrawn.verify_audit().intact
    assert withdrawn.verify_audit(initiative=CITY).intact


def test_the_views_built_again_from_the_log_show_the_same_withdrawal(
    withdrawn: Samenspraak,
) -> None:
    caught_up = withdrawn.initiative_status(CITY)

    assert withdrawn.verify_projections().intact
    withdrawn.rebuild_projections()

    assert withdrawn.initiative_status(CITY) == caught_up
    assert withdrawn.verify_projections().intact


def test_an_exported_record_replays_with_the_informing_withdrawn(
    withdrawn: Samenspraak, replayed_status: Callable[[Samenspraak], InitiativeStatus]
) -> None:
    council = replayed_status(withdrawn).council
    assert council == withdrawn.initiative_status(CITY).council
    assert council[2].withdrawn is not None


def test_an_earlier_moment_shows_the_informing_as_it_stood(
    withdrawn: Samenspraak,
) -> None:
    then = withdrawn.initiative_status(CITY, as_of="2026-06-29T12:00+02:00")
    assert then.council[2].withdrawn is None
    assert then.council[2].document_sha256 == HARBOUR_PLAN


def test_the_report_marks_the_informing_withdrawn_and_says_when_and_why(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY)
    assert [c.number for c in report.council] == [1, 2, 3]
    assert [c.number for c in report.informings()] == [1, 2]

    english = render_markdown(report, "en")
    assert "| 3 | 29 Jun 2026, 09:00 (withdrawn) |" in english
    assert (
        "Informing 3 of the council was withdrawn on 30 Jun 2026, 10:00: it was "
        "recorded by mistake and does not count. Reason: The letter was about the "
        "harbour district; recorded here by mistake."
    ) in english
    assert "**2** times the council was informed (1 withdrawn)" in english
    dutch = render_markdown(report, "nl")
    assert (
        "Het informeren van de raad (3) is op 30 jun 2026, 10:00 ingetrokken: het "
        "was ten onrechte vastgelegd en telt niet mee. Reden: The letter was about "
        "the harbour district; recorded here by mistake."
    ) in dutch
    assert "29 jun 2026, 09:00 (ingetrokken)" in dutch
    html = render_html(report, "en")
    assert "Informing 3 of the council was withdrawn on 30 Jun 2026, 10:00" in html
    assert "29 Jun 2026, 09:00 (withdrawn)" in html
    third = json.loads(render_json(report))["council"][2]
    assert third["withdrawn"] == {"withdrawn_at": "2026-06-30T08:00:00Z",
                                  "reason": REASON}  # fmt: skip
    assert third["audit_head"] == report.council[2].audit_head


def test_a_withdrawn_informing_is_not_said_to_await_the_councils_follow_up(
    withdrawn: Samenspraak,
) -> None:
    # A follow-up answers an informing that stands: a withdrawn one gets none.
    report = withdrawn.participation_report(CITY)
    english = render_markdown(report, "en").split("## What went to the council")[1]
    dutch = render_markdown(report, "nl").split("## Wat naar de gemeenteraad")[1]
    rows = {line[:6]: line for line in english.splitlines() if line[:2] == "| "}
    assert rows["| 3 | "].endswith("| none |")
    assert rows["| 1 | "].endswith("| none yet |")  # it stands: one may follow
    assert next(
        line for line in dutch.splitlines() if line.startswith("| 3 | ")
    ).endswith("| geen |")
    html = render_html(report, "en")
    row = html[html.index("Plan for the harbour district") :]
    assert ">none<" in row.split("</tr>")[0]


def test_the_timeline_does_not_draw_a_withdrawn_informing(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY)
    wide = Timeline(report, words("en"), axis_of(report, WIDE)).svg()
    assert "Plan for the harbour district" not in wide
    assert "Vision for the city centre (version 2)" in wide
    assert "Council information letter" not in legend(report, words("en"))


def test_a_report_as_of_before_the_withdrawal_shows_the_informing_standing(
    withdrawn: Samenspraak,
) -> None:
    report = withdrawn.participation_report(CITY, as_of="2026-06-29T12:00+02:00")

    assert report.council[2].withdrawn is None
    english = render_markdown(report, "en")
    assert "was withdrawn" not in english
    assert "**3** times the council was informed" in english


def test_erasing_the_facilitator_with_their_texts_keeps_the_reason_for_withdrawing(
    withdrawn: Samenspraak,
) -> None:
    """A withdrawal belongs to the record of what the council was told, as the
    reason for correcting an informing does: erasing the facilitator's texts
    leaves it, and the record stays intact."""
    with frozen_at(WITHDRAWN_AT + timedelta(days=1)):
        withdrawn.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
        erasure = withdrawn.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "facilitator", "texts": True}
        )

    assert erasure.texts == 0
    assert withdrawn.initiative_status(CITY).council[2].withdrawn.reason == REASON
    assert withdrawn.verify_audit().intact
    assert withdrawn.verify_audit(initiative=CITY).intact


# --- The guard council_informed -------------------------------------------------------


def at(day: int) -> datetime:
    return datetime(2026, 9, day, 10, 0, tzinfo=SUMMER)


@pytest.fixture
def harbour(app: Samenspraak) -> Samenspraak:
    """The harbour district's initiative on overheidsparticipatie version 2,
    brought to its council phase, whose guard asks for an informing there."""
    with frozen_at(at(1)):
        app.register_stakeholder({"actor": "facilitator", "stakeholder": "facilitator",
                                  "name": "The facilitator"})  # fmt: skip
        app.register_stakeholder({"actor": "facilitator", "stakeholder": "bakery",
                                  "name": "The bakery"})  # fmt: skip
        app.start_initiative(
            {"actor": "facilitator", "initiative": "harbour", "title": "The harbour",
             "description": "Decide together.", "area": "The harbour district",
             "budget": Decimal("1000.00"), "level": "co-deciding",
             "template": "overheidsparticipatie@2"}
        )  # fmt: skip
        app.join_initiative(
            {"actor": "facilitator", "initiative": "harbour", "stakeholder": "bakery",
             "kind": "entrepreneur"}
        )  # fmt: skip
        for _ in ("colleagues-join", "council"):
            app.advance_phase({"actor": "facilitator", "initiative": "harbour"})
    return app


def inform(app: Samenspraak, day: int) -> int:
    with frozen_at(at(day)):
        return app.inform_council(
            {"actor": "facilitator", "initiative": "harbour",
             "document_title": "The harbour plan", "document_sha256": HARBOUR_PLAN,
             "session": "letter", "informed_at": at(day)}
        )  # fmt: skip


def withdraw_from_the_harbour(app: Samenspraak, informing: int, day: int) -> None:
    with frozen_at(at(day)):
        app.withdraw_council_informing(
            {"actor": "facilitator", "initiative": "harbour", "informing": informing,
             "reason": "The letter was never sent."}
        )  # fmt: skip


def test_a_withdrawn_informing_does_not_let_the_council_phase_be_left(
    harbour: Samenspraak,
) -> None:
    withdraw_from_the_harbour(harbour, inform(harbour, 2), 3)

    with frozen_at(at(4)):
        todo = [i.text for i in harbour.todo("facilitator")]
        with pytest.raises(NotAllowed) as refused:
            harbour.advance_phase({"actor": "facilitator", "initiative": "harbour"})
    assert "The council has not been informed yet." in todo
    assert refused.value.rule == "a_phase_is_left_when_its_guards_hold"
    assert str(refused.value) == (
        "harbour cannot leave the phase council until the council has been informed "
        "in this phase (an informing recorded since the phase began and not "
        "withdrawn)."
    )
    assert harbour.initiative_status("harbour").phase == "council"


def test_a_phase_left_on_the_strength_of_an_informing_stays_left_when_it_is_withdrawn(
    harbour: Samenspraak,
) -> None:
    inform(harbour, 2)
    with frozen_at(at(3)):
        harbour.advance_phase({"actor": "facilitator", "initiative": "harbour"})

    withdraw_from_the_harbour(harbour, 1, 4)

    status = harbour.initiative_status("harbour")
    assert status.phase == "implementation"
    assert status.council[0].withdrawn is not None


def test_in_a_phase_with_permissions_who_may_inform_the_council_may_withdraw_it(
    harbour: Samenspraak,
) -> None:
    inform(harbour, 2)
    events = harbour.stored_event_count()
    with frozen_at(at(3)), pytest.raises(NotAllowed) as refused:
        harbour.withdraw_council_informing(
            {"actor": "bakery", "initiative": "harbour", "informing": 1,
             "reason": "Never sent."}
        )  # fmt: skip
    assert refused.value.rule == "only_permitted_roles_act_in_a_phase"
    assert str(refused.value) == (
        "In the phase council of harbour, an entrepreneur may not withdraw an "
        "informing of the council; its template lets them do so in no phase."
    )
    assert harbour.stored_event_count() == events


# --- Refusals -------------------------------------------------------------------------


def test_only_the_facilitator_withdraws_an_informing_and_nothing_is_written(
    story: Story,
) -> None:
    app, _, _ = story
    events = app.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        app.withdraw_council_informing(
            {"actor": "bakery", "initiative": CITY, "informing": 1,
             "reason": "It never happened."}
        )  # fmt: skip
    assert refused.value.rule == "only_the_facilitator_shapes_the_initiative"
    assert str(refused.value) == (
        "Only the facilitator of city-centre may withdraw an informing of the council."
    )
    assert app.stored_event_count() == events


@pytest.mark.parametrize(
    ("command", "fields", "rule", "sentence"),
    [
        (
            "withdraw_council_informing",
            {"informing": 4, "reason": "A mistake."},
            "an_informing_withdrawn_must_exist",
            "city-centre has 3 informings of the council; there is no informing 4 "
            "to withdraw.",
        ),
        (
            "withdraw_council_informing",
            {"informing": 3, "reason": "Twice."},
            "an_informing_is_withdrawn_once",
            "Informing 3 of city-centre was withdrawn already; an informing is "
            "withdrawn once.",
        ),
        (
            "withdraw_council_informing",
            {"informing": 2, "reason": "A mistake."},
            "an_informing_the_council_followed_up_is_not_withdrawn",
            "The council followed up informing 2 of city-centre at "
            "2026-06-18T21:00+02:00; an informing the council acted on is not "
            "withdrawn.",
        ),
        (
            "correct_council_informing",
            {"informing": 3, "session": "formal", "reason": "It was formal."},
            "a_withdrawn_informing_is_not_corrected",
            "Informing 3 of city-centre was withdrawn; a withdrawn informing is not "
            "corrected.",
        ),
        (
            "record_council_follow_up",
            {
                "informing": 3,
                "summary": "The council asks questions.",
                "followed_up_at": "2026-06-30T09:00+02:00",
            },
            "a_withdrawn_informing_is_not_followed_up",
            "Informing 3 of city-centre was withdrawn; the council's follow-up "
            "answers an informing that stands.",
        ),
    ],
    ids=[
        "no such informing",
        "withdrawn already",
        "followed up",
        "correcting it",
        "following it up",
    ],
)
def test_a_refusal_around_a_withdrawal_names_its_rule_and_writes_nothing(
    withdrawn: Samenspraak,
    command: str,
    fields: dict[str, object],
    rule: str,
    sentence: str,
) -> None:
    events = withdrawn.stored_event_count()
    with frozen_at(WITHDRAWN_AT), pytest.raises(NotAllowed) as refused:
        getattr(withdrawn, command)(
            {"actor": "facilitator", "initiative": CITY, **fields}
        )
    assert (refused.value.rule, str(refused.value)) == (rule, sentence)
    assert withdrawn.stored_event_count() == events


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"informing": 1}, "reason: "),
        ({"informing": 1, "reason": " "}, "reason: "),
        ({"informing": 0, "reason": "A mistake."}, "informing: "),
        ({"informing": 1, "reason": "A mistake.", "session": "letter"}, "session: "),
    ],
    ids=["no reason", "an empty reason", "informing 0", "not a field of it"],
)
def test_malformed_input_is_refused_before_any_rule(
    story: Story, fields: dict[str, object], message: str
) -> None:
    app, _, _ = story
    events = app.stored_event_count()
    with pytest.raises(InvalidInput) as refused:
        app.withdraw_council_informing(
            {"actor": "facilitator", "initiative": CITY, **fields}
        )
    assert message in str(refused.value)
    assert app.stored_event_count() == events


def test_an_informing_of_a_closed_initiative_is_withdrawn_as_it_is_corrected(
    story: Story,
) -> None:
    app, _, _ = story
    number = record_by_mistake(app)
    with frozen_at(WITHDRAWN_AT):
        app.close_initiative(
            {"actor": "facilitator", "initiative": CITY, "outcome": "Stopped."}
        )
    withdraw(app, number)

    assert app.initiative_status(CITY).council[2].withdrawn is not None
