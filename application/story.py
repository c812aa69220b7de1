"""The city-centre story, played through the public API (``samenspraak demo``).

A facilitator starts a participation process for the city centre. A steering group
of entrepreneurs, institutions and residents works out a vision, which goes to the
council in an informal session. A working group makes a traffic plan; everyone can
react (online, by letter, at an evening residents' meeting); some things change,
other positions are defended; decision points are put and decided; the plan is
finalised with every reaction answered, and part of the budget is allocated. The
council adopts the traffic plan, and a letter tells every household what was decided.

The story runs on its own calendar (from January 2026), by setting the engine's
clock for each step, so the record reads as the process happened.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from samenspraak.application.app import Samenspraak
from samenspraak.application.errors import NotAllowed
from samenspraak.domain import clock

WINTER = timezone(timedelta(hours=1))  # Central European Time
SUMMER = timezone(timedelta(hours=2))  # Central European Summer Time
STORY_START = datetime(2026, 1, 12, 9, 0, tzinfo=WINTER)

INITIATIVE = "city-centre"

FREE_TEXT_FIELDS = frozenset(
    {
        "title",
        "description",
        "area",
        "name",
        "contact",
        "mandate",
        "place",
        "summary",
        "document_title",
        "purpose",
        "outcome",
        "text",
        "changes",
        "explanation",
        "reasoning",
        "question",
        "label",
        "reason",
        "audience",
    }
)

CAST = (
    # ref, name, contact, kind
    ("facilitator", "The facilitator of the city centre", "facilitator@example.org",
     "facilitator"),
    ("bakery", "The bakery on the market square", "bakery@example.org", "entrepreneur"),
    ("entrepreneurs", "The city-centre entrepreneurs' association",
     "entrepreneurs@example.org", "entrepreneur"),
    ("library", "The public library on the Kerkplein", "library@example.org",
     "institution"),
    ("housing-corporation", "The housing corporation of the old town",
     "housing@example.org", "institution"),
    ("resident-kerkstraat", "A resident of the Kerkstraat", "kerkstraat@example.org",
     "resident"),
    ("resident-havenkwartier", "A resident of the Havenkwartier",
     "havenkwartier@example.org", "resident"),
    ("civil-servant-traffic", "A civil servant for traffic and mobility",
     "traffic@example.org", "civil-servant"),
    ("council-member", "A member of the municipal council", "council@example.org",
     "council-member"),
)  # fmt: skip


@dataclass
class StoryRecord:
    """What the story did: every free text and name it passed to the engine."""

    texts: list[str] = field(default_factory=list)
    steps: int = 0
    refusals: list[str] = field(default_factory=list)


class _Teller:
    def __init__(self, app: Samenspraak, say: Callable[[str], None]) -> None:
        self.app = app
        self.say = say
        self.record = StoryRecord()
        self.moment = STORY_START

    def at(self, moment: datetime) -> None:
        self.moment = moment

    def later(self, **delta: float) -> None:
        self.moment += timedelta(**delta)

    def do(
        self, use_case: Callable[[dict[str, Any]], Any], line: str, **fields: Any
    ) -> Any:
        self._remember(fields)
        with clock.frozen_at(self.moment):
            result = use_case(fields)
        self.record.steps += 1
        self.say(f"{self.moment:%Y-%m-%d %H:%M}  {line.format(result=result)}")
        return result

    def refused(
        self, use_case: Callable[[dict[str, Any]], Any], line: str, **fields: Any
    ) -> None:
        """A step the rules refuse: the story shows the sentence."""
        with clock.frozen_at(self.moment):
            try:
                use_case(fields)
            except NotAllowed as refusal:
                self.record.refusals.append(str(refusal))
                self.say(
                    f"{self.moment:%Y-%m-%d %H:%M}  {line}\n                  refused: {refusal}"
                )
                return
        msg = f"The story expected a refusal: {line}"
        raise AssertionError(msg)

    def _remember(self, fields: dict[str, Any]) -> None:
        for key, value in fields.items():
            if key in FREE_TEXT_FIELDS and isinstance(value, str):
                self.record.texts.append(value)
            elif key == "options":
                self.record.texts.extend(option["label"] for option in value)


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


VISION_V1 = (
    "The city centre is a place to meet: a car-free market square, green streets, "
    "room for local shops and a library that opens in the evening."
)
VISION_V2 = VISION_V1 + " Housing above shops is encouraged to keep the centre alive."
TRAFFIC_V1 = (
    "Through traffic is kept out of the old town; the market square becomes car-free; "
    "deliveries before 11:00; parking moves to the edge of the centre."
)
TRAFFIC_V2 = (
    TRAFFIC_V1 + " The Havenkwartier gets a modal filter so through traffic does not "
    "move there; bicycle parking is added at the library."
)
COUNCIL_DECISION = (
    "The council adopts the traffic plan for the city centre (version 2) and asks "
    "the municipality to report within a year on the modal filter in the Havenkwartier."
)


def play(app: Samenspraak, say: Callable[[str], None] = print) -> StoryRecord:
    """Play the whole story into ``app``; ``say`` receives one line per step."""
    t = _Teller(app, say)
    city = INITIATIVE

    say("The story of the city centre (overheidsparticipatie)")
    say("")
    t.do(
        app.register_stakeholder,
        "The facilitator registers in the directory.",
        actor="facilitator",
        stakeholder="facilitator",
        name=CAST[0][1],
        contact=CAST[0][2],
    )
    t.do(
        app.start_initiative,
        "The facilitator starts the initiative city-centre (co-deciding, EUR 250,000).",
        actor="facilitator",
        initiative=city,
        title="Together for a lively city centre",
        description=(
            "Residents, entrepreneurs and institutions decide together what the city "
            "centre should look like and what to do with the budget; the municipality "
            "follows."
        ),
        area="The old town within the canals",
        budget=Decimal("250000.00"),
        level="co-deciding",
    )
    for ref, name, contact, kind in CAST[1:]:
        t.later(minutes=30)
        t.do(
            app.register_stakeholder,
            f"{ref} is registered.",
            actor="facilitator",
            stakeholder=ref,
            name=name,
            contact=contact,
        )
        t.do(
            app.join_initiative,
            f"{ref} joins as {kind}.",
            actor="facilitator",
            initiative=city,
            stakeholder=ref,
            kind=kind,
        )

    say("")
    say("The steering group works out a vision.")
    t.at(datetime(2026, 1, 19, 10, 0, tzinfo=WINTER))
    t.do(
        app.form_group,
        "The facilitator forms the steering group (regiegroep).",
        actor="facilitator",
        initiative=city,
        group="steering-group",
        kind="steering",
        name="Steering group for the city centre",
        mandate="Work out a vision for the city centre and present it to the council.",
    )
    for member in ("bakery", "entrepreneurs", "library", "resident-kerkstraat"):
        t.do(
            app.add_member,
            f"{member} joins the steering group.",
            actor="facilitator",
            initiative=city,
            group="steering-group",
            stakeholder=member,
        )
    t.at(datetime(2026, 1, 20, 19, 30, tzinfo=WINTER))
    t.do(
        app.hold_meeting,
        "Meeting {result}: the steering group meets on a Tuesday evening.",
        actor="facilitator",
        initiative=city,
        starts_at=t.moment,
        kind="steering-group",
        place="The reading room of the library",
        attendance=9,
        summary="First steering group evening: what should the centre be in ten years?",
    )
    t.do(
        app.create_plan,
        "The steering group creates the plan 'vision'.",
        actor="bakery",
        initiative=city,
        plan="vision",
        title="Vision for the city centre",
        group="steering-group",
    )
    t.at(datetime(2026, 2, 2, 20, 0, tzinfo=WINTER))
    t.do(
        app.propose_draft,
        "The bakery proposes version {result} of the vision.",
        actor="bakery",
        initiative=city,
        plan="vision",
        text=VISION_V1,
        changes="First draft, from the steering group evenings.",
    )
    t.later(days=2)
    t.do(
        app.react_to_plan,
        "Reaction {result}: a resident of the Havenkwartier supports the vision (online).",
        actor="resident-havenkwartier",
        initiative=city,
        plan="vision",
        version=1,
        stance="support",
        text="Finally a centre for people instead of cars.",
    )
    t.do(
        app.react_to_plan,
        "Reaction {result}: the housing corporation suggests housing above shops.",
        actor="housing-corporation",
        initiative=city,
        plan="vision",
        version=1,
        stance="suggestion",
        section="housing",
        text="Empty floors above shops could become homes for young people.",
    )
    t.refused(
        app.react_to_plan,
        "A civil servant wants to react to the vision.",
        actor="civil-servant-traffic",
        initiative=city,
        plan="vision",
        version=1,
        stance="concern",
        text="The municipal parking policy does not allow this.",
    )
    t.at(datetime(2026, 2, 14, 10, 0, tzinfo=WINTER))
    t.do(
        app.propose_draft,
        "Version {result} of the vision adds housing above shops.",
        actor="resident-kerkstraat",
        initiative=city,
        plan="vision",
        text=VISION_V2,
        changes="Adds housing above shops, as the housing corporation suggested.",
    )
    t.do(
        app.adopt_change,
        "The suggestion (reaction 2) is adopted in version 2.",
        actor="resident-kerkstraat",
        initiative=city,
        plan="vision",
        reactions=[2],
        version=2,
        explanation="Housing above shops keeps the centre alive after closing time.",
    )
    t.do(
        app.note_support,
        "The support (reaction 1) is noted.",
        actor="resident-kerkstraat",
        initiative=city,
        plan="vision",
        reactions=[1],
    )
    t.do(
        app.finalise_plan,
        "The vision is finalised in version {result}: every reaction has its answer.",
        actor="facilitator",
        initiative=city,
        plan="vision",
    )
    t.do(
        app.put_decision_point,
        "The facilitator puts a decision point: what comes first? (plurality)",
        actor="facilitator",
        initiative=city,
        decision="first-priority",
        question="What should the city centre tackle first?",
        options=[
            {"key": "car-free-square", "label": "A car-free market square"},
            {"key": "green-streets", "label": "Greener streets"},
            {"key": "evening-library", "label": "A library open in the evening"},
        ],
        eligible=["resident", "entrepreneur", "institution"],
        rule="plurality",
        closes_at=datetime(2026, 2, 28, 23, 59, tzinfo=WINTER),
    )
    positions = {
        "bakery": "car-free-square",
        "entrepreneurs": "green-streets",
        "library": "car-free-square",
        "resident-kerkstraat": "car-free-square",
        "resident-havenkwartier": "green-streets",
        "housing-corporation": "car-free-square",
    }
    for stakeholder, option in positions.items():
        t.later(hours=5)
        t.do(
            app.take_position,
            f"{stakeholder} chooses {option}.",
            actor=stakeholder,
            initiative=city,
            decision="first-priority",
            option=option,
        )
    t.refused(
        app.take_position,
        "The civil servant wants to take a position too.",
        actor="civil-servant-traffic",
        initiative=city,
        decision="first-priority",
        option="green-streets",
    )
    t.at(datetime(2026, 3, 1, 9, 0, tzinfo=WINTER))
    t.do(
        app.decide,
        "Decided by plurality: {result}.",
        actor="facilitator",
        initiative=city,
        decision="first-priority",
    )
    t.at(datetime(2026, 3, 5, 19, 30, tzinfo=WINTER))
    t.do(
        app.inform_council,
        "The vision is presented to the council in an informal session.",
        actor="facilitator",
        initiative=city,
        document_title="Vision for the city centre (version 2)",
        document_sha256=sha256_of(VISION_V2),
        session="informal",
        informed_at=t.moment,
    )

    say("")
    say("Society has decided; municipal colleagues join. Working groups form.")
    t.at(datetime(2026, 3, 9, 9, 0, tzinfo=WINTER))
    t.do(
        app.advance_phase,
        "The initiative advances to the phase {result}.",
        actor="facilitator",
        initiative=city,
    )
    t.do(
        app.form_group,
        "The facilitator forms the working group for traffic (werkgroep).",
        actor="facilitator",
        initiative=city,
        group="traffic",
        kind="working",
        name="Working group for traffic",
        mandate="Make a traffic plan with the residents and entrepreneurs.",
    )
    for member in (
        "resident-kerkstraat",
        "bakery",
        "entrepreneurs",
        "civil-servant-traffic",
    ):
        t.do(
            app.add_member,
            f"{member} joins the traffic working group.",
            actor="facilitator",
            initiative=city,
            group="traffic",
            stakeholder=member,
        )
    t.do(
        app.create_plan,
        "The working group creates the traffic plan.",
        actor="civil-servant-traffic",
        initiative=city,
        plan="traffic-plan",
        title="Traffic plan for the city centre",
        group="traffic",
    )
    t.at(datetime(2026, 3, 30, 16, 0, tzinfo=SUMMER))
    t.do(
        app.propose_draft,
        "Version {result} of the traffic plan is proposed.",
        actor="resident-kerkstraat",
        initiative=city,
        plan="traffic-plan",
        text=TRAFFIC_V1,
        changes="First draft by the working group.",
    )
    t.at(datetime(2026, 4, 9, 19, 30, tzinfo=SUMMER))
    meeting = t.do(
        app.hold_meeting,
        "Meeting {result}: an evening residents' meeting on the traffic plan.",
        actor="facilitator",
        initiative=city,
        starts_at=t.moment,
        kind="residents-meeting",
        place="The community centre in the Havenkwartier",
        attendance=64,
        summary="Residents of the Havenkwartier fear that traffic will move to their streets.",
    )
    t.later(hours=2)
    t.do(
        app.react_to_plan,
        "Reaction {result}: an objection from the meeting, recorded by the facilitator.",
        actor="facilitator",
        stakeholder="resident-havenkwartier",
        initiative=city,
        plan="traffic-plan",
        version=1,
        stance="objection",
        channel="meeting",
        meeting=meeting,
        section="Havenkwartier",
        text="Closing the old town sends all through traffic into the Havenkwartier.",
    )
    t.later(days=1)
    t.do(
        app.react_to_plan,
        "Reaction {result}: the bakery is concerned about delivery times.",
        actor="bakery",
        initiative=city,
        plan="traffic-plan",
        version=1,
        stance="concern",
        section="deliveries",
        text="Deliveries before 11:00 are too early for fresh bread to the shops.",
    )
    t.do(
        app.react_to_plan,
        "Reaction {result}: the library suggests bicycle parking.",
        actor="library",
        initiative=city,
        plan="traffic-plan",
        version=1,
        stance="suggestion",
        text="Visitors need a place to park their bicycles near the library.",
    )
    t.do(
        app.react_to_plan,
        "Reaction {result}: the housing corporation writes a letter of concern.",
        actor="facilitator",
        stakeholder="housing-corporation",
        initiative=city,
        plan="traffic-plan",
        version=1,
        stance="concern",
        channel="letter",
        text="Tenants with reduced mobility must still reach their homes by car.",
    )
    t.do(
        app.react_to_plan,
        "Reaction {result}: a resident of the Kerkstraat supports the plan.",
        actor="resident-kerkstraat",
        initiative=city,
        plan="traffic-plan",
        version=1,
        stance="support",
        text="A quiet Kerkstraat at last.",
    )
    t.at(datetime(2026, 4, 20, 20, 0, tzinfo=SUMMER))
    t.do(
        app.propose_draft,
        "Version {result} of the traffic plan answers the meeting and the library.",
        actor="civil-servant-traffic",
        initiative=city,
        plan="traffic-plan",
        text=TRAFFIC_V2,
        changes="A modal filter for the Havenkwartier; bicycle parking at the library.",
    )
    t.do(
        app.adopt_change,
        "Reactions 1 and 3 are adopted in version 2.",
        actor="civil-servant-traffic",
        initiative=city,
        plan="traffic-plan",
        reactions=[1, 3],
        version=2,
        explanation="A modal filter keeps through traffic out of the Havenkwartier; "
        "bicycle parking is added at the library.",
    )
    t.do(
        app.defend_position,
        "The delivery window is defended (reaction 2).",
        actor="bakery",
        initiative=city,
        plan="traffic-plan",
        reactions=[2],
        reasoning="Deliveries after 11:00 clash with the market; bakeries may "
        "deliver from the edge car parks by cargo bike all day.",
    )
    t.do(
        app.defend_position,
        "The access for tenants is defended (reaction 4).",
        actor="facilitator",
        initiative=city,
        plan="traffic-plan",
        reactions=[4],
        reasoning="Residents' permits keep every home reachable by car; "
        "only through traffic is kept out.",
    )
    t.do(
        app.note_support,
        "The support (reaction 5) is noted.",
        actor="resident-kerkstraat",
        initiative=city,
        plan="traffic-plan",
        reactions=[5],
    )
    t.do(
        app.put_decision_point,
        "The facilitator puts version 2 for consent.",
        actor="facilitator",
        initiative=city,
        decision="traffic-plan-consent",
        question="Can everyone live with version 2 of the traffic plan?",
        options=[{"key": "adopt-version-2", "label": "Adopt version 2"}],
        eligible=["resident", "entrepreneur", "institution", "civil-servant"],
        rule="consent",
        closes_at=datetime(2026, 5, 1, 12, 0, tzinfo=SUMMER),
    )
    for stakeholder in (
        "bakery",
        "library",
        "resident-havenkwartier",
        "civil-servant-traffic",
    ):
        t.later(hours=3)
        t.do(
            app.take_position,
            f"{stakeholder} consents.",
            actor=stakeholder,
            initiative=city,
            decision="traffic-plan-consent",
            option="adopt-version-2",
        )
    t.at(datetime(2026, 5, 1, 12, 30, tzinfo=SUMMER))
    t.refused(
        app.take_position,
        "The entrepreneurs' association wants to object after the closing time.",
        actor="entrepreneurs",
        initiative=city,
        decision="traffic-plan-consent",
        option="object",
        reason="Too late to say so.",
    )
    t.do(
        app.decide,
        "Decided by consent: {result}.",
        actor="facilitator",
        initiative=city,
        decision="traffic-plan-consent",
    )
    t.do(
        app.finalise_plan,
        "The traffic plan is finalised in version {result}: a plan with broad support.",
        actor="facilitator",
        initiative=city,
        plan="traffic-plan",
    )

    say("")
    say("The stakeholders decide on the budget; the council is informed.")
    t.at(datetime(2026, 5, 11, 19, 0, tzinfo=SUMMER))
    t.do(
        app.put_decision_point,
        "The facilitator asks where the first part of the budget goes (majority).",
        actor="facilitator",
        initiative=city,
        decision="budget-first-part",
        question="Where does the first EUR 150,000 go?",
        options=[
            {"key": "market-square", "label": "Redesign of the market square"},
            {"key": "bicycle-parking", "label": "Bicycle parking in the centre"},
        ],
        eligible=["resident", "entrepreneur", "institution"],
        rule="majority",
    )
    for stakeholder, option in {
        "bakery": "market-square",
        "entrepreneurs": "market-square",
        "library": "bicycle-parking",
        "resident-kerkstraat": "market-square",
        "resident-havenkwartier": "market-square",
    }.items():
        t.later(hours=1)
        t.do(
            app.take_position,
            f"{stakeholder} chooses {option}.",
            actor=stakeholder,
            initiative=city,
            decision="budget-first-part",
            option=option,
        )
    t.at(datetime(2026, 5, 16, 10, 0, tzinfo=SUMMER))
    t.do(
        app.decide,
        "Decided by majority: {result}.",
        actor="facilitator",
        initiative=city,
        decision="budget-first-part",
    )
    t.do(
        app.allocate_budget,
        "EUR 150,000 is allocated to the market square, following that decision.",
        actor="facilitator",
        initiative=city,
        amount=Decimal("150000.00"),
        purpose="Redesign of the market square as a car-free meeting place",
        decision="budget-first-part",
    )
    t.at(datetime(2026, 5, 18, 9, 0, tzinfo=SUMMER))
    t.do(
        app.advance_phase,
        "The initiative advances to the phase {result}.",
        actor="facilitator",
        initiative=city,
    )
    t.at(datetime(2026, 6, 4, 20, 0, tzinfo=SUMMER))
    t.do(
        app.inform_council,
        "The traffic plan goes to the council in a formal session.",
        actor="facilitator",
        initiative=city,
        document_title="Traffic plan for the city centre (version 2)",
        document_sha256=sha256_of(TRAFFIC_V2),
        session="formal",
        informed_at=t.moment,
    )
    t.at(datetime(2026, 6, 18, 21, 0, tzinfo=SUMMER))
    t.do(
        app.record_council_follow_up,
        "The council adopts the traffic plan; the facilitator records what it decided.",
        actor="facilitator",
        initiative=city,
        informing=2,
        summary="The council adopts the traffic plan and asks to hear within a year "
        "how the modal filter in the Havenkwartier works out.",
        followed_up_at=t.moment,
        document_sha256=sha256_of(COUNCIL_DECISION),
    )
    t.at(datetime(2026, 6, 22, 9, 0, tzinfo=SUMMER))
    t.do(
        app.announce,
        "A letter tells every household in the centre what was decided.",
        actor="facilitator",
        initiative=city,
        channel="letter",
        audience="Every household in the old town and the Havenkwartier",
        announced_at=t.moment,
        reach=4200,
    )
    return t.record
