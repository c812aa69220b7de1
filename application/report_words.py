"""The wording of the participation report, in Dutch (``nl``) and English (``en``).

Labels, the names of the engine's values (kinds, stances, phases, rules...), and how
times and amounts are written. Times are shown in Dutch local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from samenspraak.application.errors import InvalidInput
from samenspraak.application.report import (
    CorrectionEntry,
    DecisionEntry,
    ReactionEntry,
    WithdrawalEntry,
)
from samenspraak.domain.templates import GUARDS

Lang = Literal["nl", "en"]
LANGUAGES: tuple[Lang, ...] = ("nl", "en")
TIMEZONE = "Europe/Amsterdam"


def zone() -> tzinfo:
    """Dutch local time (UTC where the system has no time zone data)."""
    try:
        return ZoneInfo(TIMEZONE)
    except ZoneInfoNotFoundError:  # pragma: no cover (systems without tz data)
        return UTC


def _local(moment: datetime) -> datetime:
    """A moment on Dutch clocks; one whose Dutch time the calendar cannot hold
    (the last hour of the year 9999 in UTC, recorded before moments were bounded)
    in the offset it was recorded in, so that such a record never stops a
    report."""
    try:
        return moment.astimezone(zone())
    except OverflowError:
        return moment


# --- Wording -----------------------------------------------------------------------

LABELS: dict[str, dict[Lang, str]] = {
    "report": {"nl": "Participatieverslag", "en": "Participation report"},
    "summary": {"nl": "Samenvatting", "en": "Summary"},
    "process": {"nl": "Het proces", "en": "The process"},
    "timeline": {"nl": "Tijdlijn van het proces", "en": "Timeline of the process"},
    "participants": {"nl": "Wie deed mee", "en": "Who took part"},
    "groups": {"nl": "Groepen", "en": "Groups"},
    "meetings": {"nl": "Bijeenkomsten", "en": "Meetings"},
    "announcements": {
        "nl": "Bekendmaking en uitnodiging",
        "en": "How it was announced, and who was invited",
    },
    "interventions": {
        "nl": "Wat de procesbegeleider deed",
        "en": "What the facilitator did",
    },
    "interventions_intro": {
        "nl": "De procesbegeleider is onafhankelijk, is er op verzoek en benoemt "
        "het algemeen belang. Vastgelegd is wanneer de procesbegeleider dat deed, "
        "en op wiens verzoek.",
        "en": "The facilitator is independent, present on request, and names the "
        "general interest. Recorded here is when the facilitator did so, and at "
        "whose request.",
    },
    "intervention_kind": {"nl": "Wat", "en": "What"},
    "requested_by": {"nl": "Op verzoek van", "en": "At the request of"},
    "note": {"nl": "Toelichting", "en": "Note"},
    "group_named": {"nl": "groep {group}", "en": "group {group}"},
    "announcement_channel": {"nl": "Via", "en": "Through"},
    "audience": {"nl": "Voor wie", "en": "To whom"},
    "reach": {"nl": "Bereik", "en": "Reached"},
    "plans": {"nl": "Plannen en versies", "en": "Plans and versions"},
    "responses": {
        "nl": "Reactienota: elke reactie en wat ermee is gedaan",
        "en": "Response report: every reaction and what was done with it",
    },
    "decisions": {"nl": "Besluitpunten", "en": "Decision points"},
    "council": {
        "nl": "Wat naar de gemeenteraad ging",
        "en": "What went to the council",
    },
    "budget": {"nl": "Budget", "en": "Budget"},
    "accountability": {"nl": "Verantwoording", "en": "Accountability"},
    "initiative": {"nl": "Initiatief", "en": "Initiative"},
    "area": {"nl": "Gebied", "en": "Area"},
    "level": {"nl": "Participatieniveau", "en": "Participation level"},
    "design": {"nl": "Procesontwerp", "en": "Process design"},
    "content_hash": {"nl": "inhoudshash", "en": "content hash"},
    "template_version": {
        "nl": "{name} versie {version}",
        "en": "{name} version {version}",
    },
    "facilitator": {"nl": "Procesbegeleider", "en": "Facilitator"},
    "current_phase": {"nl": "Huidige fase", "en": "Current phase"},
    "last_phase": {"nl": "Laatste fase", "en": "Last phase"},
    "still_open": {"nl": "open", "en": "open"},
    "data_erased_short": {"nl": "gewist", "en": "erased"},
    "data_erased": {
        "nl": "persoonsgegevens op verzoek gewist",
        "en": "personal data erased on request",
    },
    "data_erased_on": {
        "nl": "persoonsgegevens op verzoek gewist op {when}",
        "en": "personal data erased on request on {when}",
    },
    "erased_later": {
        "nl": "{refs}: persoonsgegevens op verzoek gewist na het moment van dit "
        "verslag; de referentie van toen is niet meer te tonen.",
        "en": "{refs}: personal data erased on request after the moment of this "
        "report; the reference they had then can no longer be shown.",
    },
    "personal_data": {
        "nl": "Persoonsgegevens gewist of gecorrigeerd",
        "en": "Personal data erased or corrected",
    },
    "no_requests": {
        "nl": "In dit initiatief zijn geen persoonsgegevens gewist of gecorrigeerd.",
        "en": "No personal data was erased or corrected in this initiative.",
    },
    "no_requests_by_then": {
        "nl": "Tot dat moment zijn in dit initiatief geen persoonsgegevens gewist of "
        "gecorrigeerd.",
        "en": "By then, no personal data had been erased or corrected in this "
        "initiative.",
    },
    "requests_by_then": {
        "nl": "Tot dat moment zijn in dit initiatief {counts} van persoonsgegevens "
        "vastgelegd.",
        "en": "By then, {counts} of personal data had been recorded in this "
        "initiative.",
    },
    "requests_one_by_then": {
        "nl": "Tot dat moment is in dit initiatief {counts} van persoonsgegevens "
        "vastgelegd.",
        "en": "By then, {counts} of personal data had been recorded in this "
        "initiative.",
    },
    "requests": {
        "nl": "In dit initiatief zijn {counts} van persoonsgegevens vastgelegd.",
        "en": "In this initiative, {counts} of personal data were recorded.",
    },
    "requests_one": {
        "nl": "In dit initiatief is {counts} van persoonsgegevens vastgelegd.",
        "en": "In this initiative, {counts} of personal data was recorded.",
    },
    "erasure_count": {"nl": "{n} wissingen", "en": "{n} erasures"},
    "erasure_count_one": {"nl": "1 wissing", "en": "1 erasure"},
    "correction_count": {"nl": "{n} correcties", "en": "{n} corrections"},
    "correction_count_one": {"nl": "1 correctie", "en": "1 correction"},
    "and": {"nl": "en", "en": "and"},
    "request": {"nl": "Verzoek", "en": "Request"},
    "concerning": {"nl": "Betreft", "en": "Concerning"},
    "asked_by": {"nl": "Gevraagd door", "en": "Asked by"},
    "themselves": {"nl": "zelf", "en": "themselves"},
    "request_erasure": {
        "nl": "Persoonsgegevens gewist (AVG art. 17)",
        "en": "Personal data erased (GDPR art. 17)",
    },
    "request_erasure_with_texts": {
        "nl": "Persoonsgegevens gewist, met de teksten die de persoon gaf "
        "(AVG art. 17)",
        "en": "Personal data erased, with the texts they gave (GDPR art. 17)",
    },
    "request_correction": {
        "nl": "Naam gecorrigeerd (AVG art. 16)",
        "en": "Name corrected (GDPR art. 16)",
    },
    "requests_note": {
        "nl": "Ook hier staan geen namen: een correctie legt alleen vast dat de naam "
        "is gecorrigeerd, niet welke naam. Een correctie van alleen "
        "contactgegevens wordt niet als gebeurtenis vastgelegd en staat hier niet.",
        "en": "No names here either: a correction records that the name was "
        "corrected, not which name. A correction of contact details alone is not "
        "recorded as an event and does not appear here.",
    },
    "recorded_by": {"nl": "vastgelegd door {who}", "en": "recorded by {who}"},
    "received_and_recorded": {
        "nl": "ontvangen {received}, vastgelegd {recorded}",
        "en": "received {received}, recorded {recorded}",
    },
    "received_late_and_recorded": {
        "nl": "te laat ontvangen {received} (na de reactietermijn), vastgelegd "
        "{recorded}",
        "en": "received late {received} (after the reaction period), recorded "
        "{recorded}",
    },
    "received_late": {"nl": "te laat ontvangen", "en": "received late"},
    "given_at_meeting_and_recorded": {
        "nl": "gegeven op de bijeenkomst van {given}, vastgelegd {recorded}",
        "en": "given at the meeting of {given}, recorded {recorded}",
    },
    "given_at_meeting": {
        "nl": "gegeven op bijeenkomst {n}",
        "en": "given at meeting {n}",
    },
    "phase_then": {"nl": "Fase op dat moment", "en": "Phase at the time"},
    "started": {"nl": "Gestart", "en": "Started"},
    "closed": {"nl": "Afgesloten", "en": "Closed"},
    "closing_outcome": {"nl": "Resultaat", "en": "Outcome"},
    "phase": {"nl": "Fase", "en": "Phase"},
    "began": {"nl": "Begonnen", "en": "Began"},
    "ended": {"nl": "Beëindigd", "en": "Ended"},
    "not_reached": {"nl": "nog niet bereikt", "en": "not reached yet"},
    "never_reached": {"nl": "niet bereikt", "en": "not reached"},
    "moved": {
        "nl": "begonnen op {old}; op {when} (in de fase {phase}) overgezet naar {new}",
        "en": "started on {old}; moved to {new} on {when} (in the phase {phase})",
    },
    "moved_again": {
        "nl": "op {when} (in de fase {phase}) overgezet van {old} naar {new}",
        "en": "moved from {old} to {new} on {when} (in the phase {phase})",
    },
    "current": {"nl": "loopt", "en": "current"},
    "kind": {"nl": "Soort", "en": "Kind"},
    "active": {"nl": "Actief", "en": "Active"},
    "former": {"nl": "Vertrokken", "en": "Left"},
    "refs": {"nl": "Deelnemers (referentie)", "en": "Participants (reference)"},
    "total": {"nl": "Totaal", "en": "Total"},
    "who_when": {"nl": "Wie deed mee en wanneer", "en": "Who took part, and when"},
    "reference": {"nl": "Referentie", "en": "Reference"},
    "joined": {"nl": "Aangesloten", "en": "Joined"},
    "no_names": {
        "nl": "Namen en contactgegevens staan niet in dit verslag; deelnemers worden "
        "aangeduid met hun referentie.",
        "en": "Names and contact details are not in this report; participants are "
        "shown by their reference.",
    },
    "group": {"nl": "Groep", "en": "Group"},
    "name": {"nl": "Naam", "en": "Name"},
    "mandate": {"nl": "Opdracht", "en": "Mandate"},
    "members": {"nl": "Leden", "en": "Members"},
    "formed": {"nl": "Gevormd", "en": "Formed"},
    "number": {"nl": "Nr.", "en": "No."},
    "when": {"nl": "Wanneer", "en": "When"},
    "attendance": {"nl": "Aanwezig", "en": "Attendance"},
    "evening_weekend": {"nl": "Avond/weekend", "en": "Evening/weekend"},
    "place": {"nl": "Plaats", "en": "Place"},
    "report_of_meeting": {"nl": "Verslag", "en": "Summary"},
    "reactions": {"nl": "Reacties", "en": "Reactions"},
    "yes": {"nl": "ja", "en": "yes"},
    "no": {"nl": "nee", "en": "no"},
    "evening_share": {
        "nl": "{n} van de {total} bijeenkomsten vonden 's avonds, 's nachts of in het "
        "weekend plaats.",
        "en": "{n} of the {total} meetings were held in the evening, at night or at "
        "the weekend.",
    },
    "evening_share_one": {
        "nl": "1 van de {total} bijeenkomsten vond 's avonds, 's nachts of in het "
        "weekend plaats.",
        "en": "1 of the {total} meetings was held in the evening, at night or at the "
        "weekend.",
    },
    "evening_share_none": {
        "nl": "Geen van de {total} bijeenkomsten vond 's avonds, 's nachts of in het "
        "weekend plaats.",
        "en": "None of the {total} meetings was held in the evening, at night or at "
        "the weekend.",
    },
    "evening_share_only": {
        "nl": "De bijeenkomst vond 's avonds, 's nachts of in het weekend plaats.",
        "en": "The meeting was held in the evening, at night or at the weekend.",
    },
    "evening_share_only_none": {
        "nl": "De bijeenkomst vond overdag op een werkdag plaats.",
        "en": "The meeting was held in the daytime on a weekday.",
    },
    "ahead": {
        "nl": "{n} bijeenkomsten nog niet gehouden (vooraf vastgelegd).",
        "en": "{n} meetings not held yet (recorded in advance).",
    },
    "ahead_one": {
        "nl": "1 bijeenkomst nog niet gehouden (vooraf vastgelegd).",
        "en": "1 meeting not held yet (recorded in advance).",
    },
    "not_held_yet": {"nl": "nog niet gehouden", "en": "not held yet"},
    "meeting_corrected": {
        "nl": "De vastlegging van bijeenkomst {n} is op {when} gecorrigeerd "
        "({fields}). Reden: {reason}",
        "en": "The record of meeting {n} was corrected on {when} ({fields}). "
        "Reason: {reason}",
    },
    "meeting_withdrawn": {
        "nl": "Bijeenkomst {n} is op {when} ingetrokken: zij was ten onrechte "
        "vastgelegd en telt niet mee. Reden: {reason}",
        "en": "Meeting {n} was withdrawn on {when}: it was recorded by mistake and "
        "does not count. Reason: {reason}",
    },
    "meeting_withdrawn_mark": {"nl": "ingetrokken", "en": "withdrawn"},
    "corrected_starts_at": {"nl": "tijdstip", "en": "time"},
    "corrected_kind": {"nl": "soort", "en": "kind"},
    "corrected_place": {"nl": "plaats", "en": "place"},
    "corrected_attendance": {"nl": "aantal aanwezigen", "en": "attendance"},
    "corrected_summary": {"nl": "verslag", "en": "summary"},
    "informing_corrected": {
        "nl": "De vastlegging van het informeren van de raad ({n}) is op {when} "
        "gecorrigeerd ({fields}). Reden: {reason}",
        "en": "The record of informing {n} of the council was corrected on {when} "
        "({fields}). Reason: {reason}",
    },
    "informing_withdrawn": {
        "nl": "Het informeren van de raad ({n}) is op {when} ingetrokken: het was "
        "ten onrechte vastgelegd en telt niet mee. Reden: {reason}",
        "en": "Informing {n} of the council was withdrawn on {when}: it was recorded "
        "by mistake and does not count. Reason: {reason}",
    },
    "informing_withdrawn_mark": {"nl": "ingetrokken", "en": "withdrawn"},
    "follow_up_withdrawn": {
        "nl": "Vervolg {k} door de raad op het informeren van de raad ({n}) is op "
        "{when} ingetrokken: het was ten onrechte vastgelegd en telt niet mee. "
        "Reden: {reason}",
        "en": "Follow-up {k} of informing {n} of the council was withdrawn on "
        "{when}: it was recorded by mistake and does not count. Reason: {reason}",
    },
    "follow_up_withdrawn_mark": {"nl": "ingetrokken", "en": "withdrawn"},
    "framework_corrected": {
        "nl": "De vastlegging van kader {n} van de raad is op {when} gecorrigeerd "
        "({fields}). Reden: {reason}",
        "en": "The record of framework {n} of the council was corrected on {when} "
        "({fields}). Reason: {reason}",
    },
    "corrected_framework": {"nl": "tekst", "en": "text"},
    "corrected_set_at": {"nl": "datum van vaststelling", "en": "when it was set"},
    "corrected_document_title": {"nl": "titel", "en": "title"},
    "corrected_document_sha256": {
        "nl": "SHA-256 van het document",
        "en": "the document's SHA-256",
    },
    "corrected_session": {"nl": "vorm", "en": "session"},
    "corrected_informed_at": {"nl": "tijdstip", "en": "time"},
    "announcement_corrected": {
        "nl": "De vastlegging van bekendmaking {n} is op {when} gecorrigeerd "
        "({fields}). Reden: {reason}",
        "en": "The record of announcement {n} was corrected on {when} ({fields}). "
        "Reason: {reason}",
    },
    "announcement_withdrawn": {
        "nl": "Bekendmaking {n} is op {when} ingetrokken: zij was ten onrechte "
        "vastgelegd en telt niet mee. Reden: {reason}",
        "en": "Announcement {n} was withdrawn on {when}: it was recorded by mistake "
        "and does not count. Reason: {reason}",
    },
    "announcement_withdrawn_mark": {"nl": "ingetrokken", "en": "withdrawn"},
    "corrected_channel": {"nl": "kanaal", "en": "channel"},
    "corrected_audience": {"nl": "voor wie", "en": "audience"},
    "corrected_announced_at": {"nl": "tijdstip", "en": "time"},
    "corrected_reach": {"nl": "bereik", "en": "reach"},
    "intervention_corrected": {
        "nl": "De vastlegging van wat de procesbegeleider deed ({n}) is op {when} "
        "gecorrigeerd ({fields}). Reden: {reason}",
        "en": "The record of intervention {n} of the facilitator was corrected on "
        "{when} ({fields}). Reason: {reason}",
    },
    "intervention_withdrawn": {
        "nl": "Wat de procesbegeleider deed ({n}) is op {when} ingetrokken: het was "
        "ten onrechte vastgelegd en telt niet mee. Reden: {reason}",
        "en": "Intervention {n} of the facilitator was withdrawn on {when}: it was "
        "recorded by mistake and does not count. Reason: {reason}",
    },
    "intervention_withdrawn_mark": {"nl": "ingetrokken", "en": "withdrawn"},
    "corrected_intervened_at": {"nl": "tijdstip", "en": "time"},
    "corrected_note": {"nl": "toelichting", "en": "note"},
    "corrected_requested_by": {"nl": "op wiens verzoek", "en": "who asked"},
    "corrected_group": {"nl": "op wiens verzoek", "en": "who asked"},
    "decided_at_deadline": {
        "nl": "Besloten bij de sluitingstijd",
        "en": "Decided at its closing time",
    },
    "ended_without_decision": {
        "nl": "Afgesloten zonder besluit",
        "en": "Ended without a decision",
    },
    "closed_without_decision": {
        "nl": "Gesloten bij de sluitingstijd, zonder besluit",
        "en": "Closed at its closing time, without a decision",
    },
    "plan": {"nl": "Plan", "en": "Plan"},
    "created": {"nl": "Aangemaakt", "en": "Created"},
    "final_in": {"nl": "Definitief in versie {n}", "en": "Finalised in version {n}"},
    "not_final": {"nl": "Nog niet definitief", "en": "Not final yet"},
    "not_final_ended": {
        "nl": "Niet definitief geworden",
        "en": "Never finalised",
    },
    "reaction_period": {"nl": "Reactietermijn", "en": "Reaction period"},
    "reaction_periods": {"nl": "Reactietermijnen", "en": "Reaction periods"},
    "from_to": {"nl": "{start} tot {end}", "en": "{start} to {end}"},
    "version": {"nl": "Versie", "en": "Version"},
    "proposed": {"nl": "Voorgesteld", "en": "Proposed"},
    "proposed_by": {"nl": "Door", "en": "By"},
    "changes": {"nl": "Wat veranderde en waarom", "en": "What changed and why"},
    "adopts": {"nl": "Neemt reacties over", "en": "Adopts reactions"},
    "own_initiative": {"nl": "geen (eigen initiatief)", "en": "none (own initiative)"},
    "own_initiative_in": {
        "nl": "Ambtshalve (op eigen initiatief, niet op een reactie) gewijzigd in "
        "versie {n}: {text}",
        "en": "Changed of the authority's own accord (not in answer to a reaction) "
        "in version {n}: {text}",
    },
    "stance": {"nl": "Soort reactie", "en": "Stance"},
    "channel": {"nl": "Kanaal", "en": "Channel"},
    "section": {"nl": "Onderdeel", "en": "Section"},
    "reaction": {"nl": "Reactie", "en": "Reaction"},
    "answer": {"nl": "Antwoord", "en": "Answer"},
    "on_version": {"nl": "op versie {n}", "en": "on version {n}"},
    "from_meeting": {"nl": "bijeenkomst {n}", "en": "meeting {n}"},
    "meeting_number": {"nl": "Bijeenkomst {n}", "en": "Meeting {n}"},
    "by": {"nl": "door", "en": "by"},
    "unanswered_warning": {
        "nl": "{n} reacties nog niet beantwoord: {numbers}.",
        "en": "{n} reactions not answered yet: {numbers}.",
    },
    "unanswered_warning_ended": {
        "nl": "{n} reacties zijn niet beantwoord: {numbers}.",
        "en": "{n} reactions were not answered: {numbers}.",
    },
    "unanswered_warning_one": {
        "nl": "1 reactie nog niet beantwoord: {numbers}.",
        "en": "1 reaction not answered yet: {numbers}.",
    },
    "unanswered_warning_one_ended": {
        "nl": "1 reactie is niet beantwoord: {numbers}.",
        "en": "1 reaction was not answered: {numbers}.",
    },
    "all_answered": {
        "nl": "Elke reactie heeft een antwoord.",
        "en": "Every reaction has an answer.",
    },
    "all_answered_but_late": {
        "nl": "Elke reactie die een antwoord nodig heeft, heeft er een; te laat "
        "ontvangen, zonder antwoord nodig: {numbers}.",
        "en": "Every reaction that needs an answer has one; received late, needing "
        "none: {numbers}.",
    },
    "no_reactions": {
        "nl": "Op dit plan is nog niet gereageerd.",
        "en": "No one has reacted to this plan yet.",
    },
    "no_reactions_ended": {
        "nl": "Op dit plan is niet gereageerd.",
        "en": "No one reacted to this plan.",
    },
    "no_groups": {
        "nl": "Er zijn nog geen groepen gevormd.",
        "en": "No groups have been formed yet.",
    },
    "no_groups_ended": {
        "nl": "Er zijn geen groepen gevormd.",
        "en": "No groups were formed.",
    },
    "no_meetings": {
        "nl": "Er zijn nog geen bijeenkomsten vastgelegd.",
        "en": "No meetings have been recorded yet.",
    },
    "no_meetings_ended": {
        "nl": "Er zijn geen bijeenkomsten vastgelegd.",
        "en": "No meetings were recorded.",
    },
    "no_announcements": {
        "nl": "Er is nog niet vastgelegd hoe het proces is bekendgemaakt en wie is "
        "uitgenodigd.",
        "en": "How the process was announced and who was invited has not been "
        "recorded yet.",
    },
    "no_announcements_ended": {
        "nl": "Er is niet vastgelegd hoe het proces is bekendgemaakt en wie is uitgenodigd.",
        "en": "How the process was announced and who was invited was not recorded.",
    },
    "no_plans": {
        "nl": "Er zijn nog geen plannen gemaakt.",
        "en": "No plans have been made yet.",
    },
    "no_plans_ended": {
        "nl": "Er zijn geen plannen gemaakt.",
        "en": "No plans were made.",
    },
    "no_plans_to_react_to": {
        "nl": "Er zijn nog geen reacties: er is nog geen plan om op te reageren.",
        "en": "There are no reactions yet: there is no plan to react to yet.",
    },
    "no_plans_to_react_to_ended": {
        "nl": "Er zijn geen reacties: er was geen plan om op te reageren.",
        "en": "There are no reactions: there was no plan to react to.",
    },
    "no_decisions": {
        "nl": "Er zijn nog geen besluitpunten voorgelegd.",
        "en": "No decision points have been put to the participants yet.",
    },
    "no_decisions_ended": {
        "nl": "Er zijn geen besluitpunten voorgelegd.",
        "en": "No decision points were put to the participants.",
    },
    "frameworks": {"nl": "Kaders van de raad", "en": "Frameworks set by the council"},
    "no_frameworks": {
        "nl": "Er zijn geen kaders van de raad vastgelegd.",
        "en": "No frameworks set by the council have been recorded.",
    },
    "framework": {"nl": "Kader", "en": "Framework"},
    "framework_set": {"nl": "Vastgesteld", "en": "Set"},
    "framework_sha256": {
        "nl": "SHA-256 van het document van de raad",
        "en": "SHA-256 of the council's document",
    },
    "options": {"nl": "Optie", "en": "Option"},
    "eligible": {"nl": "Wie mocht meebeslissen", "en": "Who could take part"},
    "rule": {"nl": "Beslisregel", "en": "Decision rule"},
    "put": {"nl": "Voorgelegd", "en": "Put forward"},
    "closes": {"nl": "Sluitingstijd", "en": "Closing time"},
    "no_deadline": {"nl": "geen", "en": "none"},
    "state": {"nl": "Status", "en": "State"},
    "tally": {"nl": "Uitslag", "en": "Tally"},
    "outcome": {"nl": "Uitkomst", "en": "Outcome"},
    "no_outcome": {"nl": "geen besluit", "en": "no decision"},
    "positions": {"nl": "Standpunten ingenomen", "en": "Positions taken"},
    "lapsed": {
        "nl": "{n} vervallen: van vertrokken deelnemers",
        "en": "{n} lapsed: of participants who left",
    },
    "recorded_positions": {
        "nl": "waarvan {n} vastgelegd door de procesbegeleider",
        "en": "{n} of them recorded by the facilitator",
    },
    "lapsed_one": {
        "nl": "1 vervallen: van een vertrokken deelnemer",
        "en": "1 lapsed: of a participant who left",
    },
    "of_eligible": {
        "nl": "van de {n} die mochten meebeslissen",
        "en": "of the {n} who could take part",
    },
    "of_eligible_one": {
        "nl": "van de 1 die mocht meebeslissen",
        "en": "of the 1 who could take part",
    },
    "silence_consents": {
        "nl": "wie geen standpunt innam, stemde in",
        "en": "whoever took no position consented",
    },
    "votes": {"nl": "stemmen", "en": "votes"},
    "vote": {"nl": "stem", "en": "vote"},
    "document": {"nl": "Document", "en": "Document"},
    "session": {"nl": "Vorm", "en": "Session"},
    "sha256": {"nl": "SHA-256 van het document", "en": "Document SHA-256"},
    "head_then": {
        "nl": "Controlewaarde van het auditspoor van het initiatief bij het vastleggen",
        "en": "The initiative's audit head when this was recorded",
    },
    "head_recorded": {"nl": "vastgelegd {when}", "en": "recorded {when}"},
    "nothing_to_council": {
        "nl": "Er is nog niets aan de gemeenteraad voorgelegd.",
        "en": "Nothing has been sent to the council yet.",
    },
    "nothing_to_council_ended": {
        "nl": "Er is niets aan de gemeenteraad voorgelegd.",
        "en": "Nothing was sent to the council.",
    },
    "implementation": {"nl": "Uitvoering", "en": "Implementation"},
    "nothing_implemented": {
        "nl": "Er zijn nog geen uitvoeringsacties vastgelegd.",
        "en": "No implementation actions have been recorded yet.",
    },
    "nothing_implemented_ended": {
        "nl": "Er zijn geen uitvoeringsacties vastgelegd.",
        "en": "No implementation actions were recorded.",
    },
    "action": {"nl": "Actie", "en": "Action"},
    "owner": {"nl": "Eigenaar", "en": "Owner"},
    "progress": {"nl": "Voortgang", "en": "Progress"},
    "status": {"nl": "Status", "en": "Status"},
    "milestones": {"nl": "Mijlpalen", "en": "Milestones"},
    "group_owner": {"nl": "groep {group}", "en": "group {group}"},
    "budget_total": {"nl": "Totaal budget", "en": "Total budget"},
    "allocated": {"nl": "Toegewezen", "en": "Allocated"},
    "remaining": {"nl": "Nog te besteden", "en": "Remaining"},
    "amount": {"nl": "Bedrag", "en": "Amount"},
    "purpose": {"nl": "Doel", "en": "Purpose"},
    "following": {"nl": "Volgt uit besluitpunt", "en": "From decision point"},
    "built_from": {
        "nl": "Dit verslag is opgesteld uit het auditspoor tot en met deze "
        "controlewaarden (positie:SHA-256). Wie ze bewaart, kan later aantonen dat "
        "er tot daar niets is veranderd.",
        "en": "This report was built from the audit trail up to these heads "
        "(position:SHA-256). Whoever keeps them can prove later that nothing up to "
        "there was changed.",
    },
    "initiative_head": {
        "nl": "Controlewaarde van het auditspoor van het initiatief",
        "en": "Initiative head",
    },
    "global_head": {
        "nl": "Controlewaarde van het hele auditspoor",
        "en": "Head of the whole audit trail",
    },
    "verify_with": {"nl": "Controleren", "en": "Verify"},
    "as_of": {"nl": "Stand per", "en": "As of"},
    "now": {
        "nl": "actueel, op het moment van opstellen",
        "en": "current, when generated",
    },
    "generated": {"nl": "Opgesteld op", "en": "Generated at"},
    "times_in": {
        "nl": "Tijden in Nederlandse tijd ({zone}).",
        "en": "Times in Dutch local time ({zone}).",
    },
    "card_participants": {"nl": "betrokkenen", "en": "people involved"},
    "card_participants_one": {"nl": "betrokkene", "en": "person involved"},
    "card_meetings": {"nl": "bijeenkomsten", "en": "meetings"},
    "card_meetings_one": {"nl": "bijeenkomst", "en": "meeting"},
    "card_evening": {"nl": "buiten kantooruren", "en": "outside office hours"},
    "card_answered": {"nl": "reacties beantwoord", "en": "reactions answered"},
    "card_answered_one": {"nl": "reactie beantwoord", "en": "reaction answered"},
    "card_withdrawn": {"nl": "{n} ingetrokken", "en": "{n} withdrawn"},
    "card_late": {"nl": "{n} te laat ontvangen", "en": "{n} received late"},
    "quorum": {"nl": "quorum {p}%", "en": "quorum {p}%"},
    "quorum_reached": {"nl": "quorum van {p}% gehaald", "en": "quorum of {p}% reached"},
    "quorum_missed": {
        "nl": "quorum van {p}% niet gehaald: geen besluit",
        "en": "quorum of {p}% not reached: no decision",
    },
    "card_reactions": {"nl": "reacties", "en": "reactions"},
    "card_decisions": {"nl": "besluitpunten besloten", "en": "decision points decided"},
    "card_decisions_one": {
        "nl": "besluitpunt besloten",
        "en": "decision point decided",
    },
    "card_decision_points": {"nl": "besluitpunten", "en": "decision points"},
    "card_council": {
        "nl": "keer de raad geïnformeerd",
        "en": "times the council was informed",
    },
    "card_council_one": {
        "nl": "keer de raad geïnformeerd",
        "en": "time the council was informed",
    },
    "card_council_none": {
        "nl": "De raad is nog niet geïnformeerd",
        "en": "The council has not been informed yet",
    },
    "card_council_none_ended": {
        "nl": "De raad is niet geïnformeerd",
        "en": "The council was not informed",
    },
    "card_allocated": {
        "nl": "van het budget toegewezen",
        "en": "of the budget allocated",
    },
    "lane_phases": {"nl": "Fasen", "en": "Phases"},
    "lane_meetings": {"nl": "Bijeenkomsten", "en": "Meetings"},
    "lane_announcements": {"nl": "Bekendmakingen", "en": "Announcements"},
    "lane_interventions": {"nl": "Procesbegeleider", "en": "Facilitator"},
    "lane_council": {"nl": "Gemeenteraad", "en": "Council"},
    "lane_budget": {"nl": "Budget", "en": "Budget"},
    "legend": {"nl": "Legenda", "en": "Legend"},
    "follow_up": {"nl": "Vervolg door de raad", "en": "The council's follow-up"},
    "no_follow_up": {"nl": "nog geen", "en": "none yet"},
    "no_follow_up_ended": {
        "nl": "geen",
        "en": "none",
    },
    "follow_up_sha256": {
        "nl": "SHA-256 van het document van de raad",
        "en": "SHA-256 of the council's document",
    },
    "legend_phase": {"nl": "Fase (kleurvlak)", "en": "Phase (coloured band)"},
    "legend_phase_number": {"nl": "Fase {n}: {phase}", "en": "Phase {n}: {phase}"},
    "legend_meeting_day": {
        "nl": "Bijeenkomst overdag op een werkdag",
        "en": "Daytime meeting on a weekday",
    },
    "legend_meeting_evening": {
        "nl": "Bijeenkomst 's avonds, 's nachts of in het weekend",
        "en": "Evening, night or weekend meeting",
    },
    "legend_version": {"nl": "Planversie", "en": "Plan version"},
    "legend_reaction": {"nl": "Reactie op een plan", "en": "Reaction to a plan"},
    "legend_final": {"nl": "Plan definitief", "en": "Plan finalised"},
    "legend_decision": {
        "nl": "Besluitpunt open (balk) en besloten",
        "en": "Decision point open (bar) and decided",
    },
    "legend_withdrawn": {
        "nl": "Besluitpunt ingetrokken",
        "en": "Decision point withdrawn",
    },
    "legend_council_informal": {
        "nl": "Raad geïnformeerd (informeel)",
        "en": "Council informed (informal)",
    },
    "legend_council_formal": {
        "nl": "Raad geïnformeerd (formeel of per brief)",
        "en": "Council informed (formal or by letter)",
    },
    "legend_allocation": {"nl": "Budget toegewezen", "en": "Budget allocated"},
    "legend_intervention": {
        "nl": "Wat de procesbegeleider deed",
        "en": "What the facilitator did",
    },
    "legend_announcement": {
        "nl": "Bekendmaking of uitnodiging",
        "en": "Announcement or invitation",
    },
    "timeline_title": {
        "nl": "Tijdlijn van {start} tot {end}",
        "en": "Timeline from {start} to {end}",
    },
    "diagram": {"nl": "Procesdiagram", "en": "Process diagram"},
    "diagram_title": {
        "nl": "Fasen en overgangen van {name} versie {version}",
        "en": "{name} version {version}: phases and transitions",
    },
    "diagram_in_words": {
        "nl": "De fasen in woorden",
        "en": "The phases in words",
    },
    "diagram_passed": {"nl": "doorlopen", "en": "passed"},
    "diagram_to_come": {"nl": "nog te komen", "en": "to come"},
    "diagram_society_only": {"nl": "alleen samenleving", "en": "society only"},
    "diagram_start": {"nl": "start", "en": "start"},
    "diagram_closed": {"nl": "afgesloten", "en": "closed"},
    "diagram_reaction_period": {
        "nl": "reactietermijn: {days} dagen",
        "en": "reaction period: {days} days",
    },
    "diagram_reaction_period_one": {
        "nl": "reactietermijn: 1 dag",
        "en": "reaction period: 1 day",
    },
    "diagram_guards": {
        "nl": "voorwaarden om een fase te verlaten",
        "en": "guards: what must hold to leave a phase",
    },
    "erased": {"nl": "[gewist]", "en": "[erased]"},
    "footer": {
        "nl": "Opgesteld met samenspraak uit het vastgelegde procesverloop.",
        "en": "Built by samenspraak from the recorded process.",
    },
}

VALUES: dict[str, dict[Lang, str]] = {
    # Kinds of stakeholder
    "resident": {"nl": "Inwoner", "en": "Resident"},
    "entrepreneur": {"nl": "Ondernemer", "en": "Entrepreneur"},
    "institution": {"nl": "Instelling", "en": "Institution"},
    "civil-servant": {"nl": "Ambtenaar", "en": "Civil servant"},
    "council-member": {"nl": "Raadslid", "en": "Council member"},
    "facilitator": {"nl": "Procesbegeleider", "en": "Facilitator"},
    # Participation levels
    "informing": {"nl": "Informeren", "en": "Informing"},
    "consulting": {"nl": "Raadplegen", "en": "Consulting"},
    "advising": {"nl": "Adviseren", "en": "Advising"},
    "co-producing": {"nl": "Coproduceren", "en": "Co-producing"},
    "co-deciding": {"nl": "Meebeslissen", "en": "Co-deciding"},
    # Phases of the built-in process
    "society-decides": {"nl": "Samenleving beslist", "en": "Society decides"},
    "colleagues-join": {"nl": "Collega's sluiten aan", "en": "Colleagues join"},
    "council": {"nl": "Gemeenteraad", "en": "Council"},
    "implementation": {"nl": "Uitvoering", "en": "Implementation"},
    "evaluation": {"nl": "Evaluatie", "en": "Evaluation"},
    "announcement": {"nl": "Kennisgeving", "en": "Announcement"},
    "views": {"nl": "Zienswijzen", "en": "Views"},
    "response-report": {"nl": "Reactienota", "en": "Response report"},
    "council-decision": {"nl": "Raadsbesluit", "en": "Council decision"},
    "proposals": {"nl": "Voorstellen", "en": "Proposals"},
    "feasibility-check": {"nl": "Haalbaarheidstoets", "en": "Feasibility check"},
    "vote": {"nl": "Stemming", "en": "Vote"},
    "allocation": {"nl": "Toewijzing", "en": "Allocation"},
    "challenge": {"nl": "Uitdaging", "en": "Challenge"},
    "assessment": {"nl": "Beoordeling", "en": "Assessment"},
    "municipal-decision": {"nl": "Gemeentelijk besluit", "en": "Municipal decision"},
    "execution": {"nl": "Uitvoering door de uitdagers", "en": "Execution"},
    # Groups (the kinds of meeting are in MEETING_KINDS)
    "steering": {"nl": "Regiegroep", "en": "Steering group"},
    "working": {"nl": "Werkgroep", "en": "Working group"},
    # What the facilitator did in their own role
    "general-interest": {
        "nl": "Benoemde het algemeen belang",
        "en": "Named the general interest",
    },
    "on-request": {
        "nl": "Op verzoek aanwezig of geholpen",
        "en": "Present or helped on request",
    },
    "connection": {
        "nl": "Bracht mensen met elkaar in contact",
        "en": "Connected people",
    },
    "mediation": {
        "nl": "Hielp bij een meningsverschil",
        "en": "Helped through a disagreement",
    },
    # Announcement channels ("letter", "email" and "meeting" are below)
    "official-publication": {
        "nl": "Officiële bekendmaking (gemeenteblad)",
        "en": "Official publication",
    },
    "newspaper": {"nl": "Huis-aan-huisblad of krant", "en": "Newspaper"},
    "website": {"nl": "Website", "en": "Website"},
    "social-media": {"nl": "Sociale media", "en": "Social media"},
    "poster": {"nl": "Poster of aanplakbiljet", "en": "Poster"},
    "door-to-door": {"nl": "Langs de deuren", "en": "Door to door"},
    "online": {"nl": "Online", "en": "Online"},
    # Letters (a reaction's or an announcement's channel; the council's sessions
    # are in COUNCIL_SESSIONS)
    "letter": {"nl": "Brief", "en": "Letter"},
    # Stances and channels
    "support": {"nl": "Steun", "en": "Support"},
    "concern": {"nl": "Zorgpunt", "en": "Concern"},
    "objection": {"nl": "Bedenking", "en": "Objection"},
    "suggestion": {"nl": "Suggestie", "en": "Suggestion"},
    "meeting": {"nl": "Bijeenkomst", "en": "Meeting"},
    "email": {"nl": "E-mail", "en": "Email"},
    # Decision rules and states
    "majority": {
        "nl": "Volstrekte meerderheid (meer dan de helft)",
        "en": "Majority (more than half)",
    },
    "plurality": {
        "nl": "Relatieve meerderheid (de meeste stemmen)",
        "en": "Plurality (the most votes)",
    },
    "consent": {
        "nl": "Instemming zonder overwegend bezwaar (consent)",
        "en": "Consent (no reasoned objection)",
    },
    "consensus": {"nl": "Consensus", "en": "Consensus"},
    "open": {"nl": "Open", "en": "Open"},
    "open_past_deadline": {
        "nl": "Open: de sluitingstijd is verstreken, het sluit wanneer de termijnen "
        "weer worden verwerkt (samenspraak tick)",
        "en": "Open: its deadline passed, it closes when the deadlines are next run "
        "(samenspraak tick)",
    },
    "not_decided_yet": {"nl": "Nog niet besloten", "en": "Not decided yet"},
    "decided": {"nl": "Besloten", "en": "Decided"},
    "withdrawn": {"nl": "Ingetrokken", "en": "Withdrawn"},
    "object": {"nl": "Bezwaar tegen het voorstel", "en": "Objection to the proposal"},
    # Implementation statuses
    "planned": {"nl": "Gepland", "en": "Planned"},
    "under-way": {"nl": "In uitvoering", "en": "Under way"},
    "on-hold": {"nl": "Gepauzeerd", "en": "On hold"},
    "done": {"nl": "Afgerond", "en": "Done"},
    "cancelled": {"nl": "Geschrapt", "en": "Cancelled"},
}

DUTCH_PHASE_DESCRIPTIONS: dict[str, str] = {
    # overheidsparticipatie
    "Residents, entrepreneurs and institutions deliberate and decide.": (
        "Inwoners, ondernemers en instellingen beraadslagen en beslissen."
    ),
    "Municipal colleagues join the stakeholders.": (
        "Collega's van de gemeente sluiten aan bij de belanghebbenden."
    ),
    "The municipal council is informed and decides.": (
        "De gemeenteraad wordt geïnformeerd en beslist."
    ),
    "Stakeholders carry out the plan; the municipality follows.": (
        "Belanghebbenden voeren het plan uit; de gemeente volgt."
    ),
    "The process and its results are evaluated.": (
        "Het proces en zijn resultaten worden geëvalueerd."
    ),
    # omgevingswet
    "The draft plan is announced and made available to everyone.": (
        "Het ontwerpplan wordt bekendgemaakt en voor iedereen ter inzage gelegd."
    ),
    "A formal period in which anyone may give a view (zienswijze) on the draft.": (
        "Een formele termijn waarin iedereen een zienswijze op het ontwerp mag geven."
    ),
    "Every view is summarised and answered: met, partly met or not met, with reasons.": (
        "Elke zienswijze wordt samengevat en beantwoord: overgenomen, deels "
        "overgenomen of niet overgenomen, met de redenen."
    ),
    "The council decides on the plan, with the response report beside it.": (
        "De raad besluit over het plan, met de reactienota erbij."
    ),
    # burgerbegroting
    "Residents, entrepreneurs and institutions propose what the budget is spent on.": (
        "Inwoners, ondernemers en instellingen stellen voor waaraan het budget wordt "
        "besteed."
    ),
    "Civil servants check every proposal; each one found not feasible gets its reason.": (
        "Ambtenaren toetsen elk voorstel; elk voorstel dat niet haalbaar blijkt, "
        "krijgt de reden erbij."
    ),
    "Residents, entrepreneurs and institutions vote on the feasible proposals.": (
        "Inwoners, ondernemers en instellingen stemmen over de haalbare voorstellen."
    ),
    "The budget is allocated to the proposals chosen, and the council is informed.": (
        "Het budget wordt toegewezen aan de gekozen voorstellen en de raad wordt "
        "geïnformeerd."
    ),
    "The chosen proposals are carried out; the municipality follows.": (
        "De gekozen voorstellen worden uitgevoerd; de gemeente volgt."
    ),
    # uitdaagrecht
    "Residents, entrepreneurs or institutions write their offer to take over a "
    "municipal task.": (
        "Inwoners, ondernemers of instellingen schrijven hun aanbod om een taak van "
        "de gemeente over te nemen."
    ),
    "Civil servants assess the offer; the challengers answer every question and "
    "condition, and the offer is made final.": (
        "Ambtenaren beoordelen het aanbod; de uitdagers beantwoorden elke vraag en "
        "voorwaarde, en het aanbod wordt definitief."
    ),
    "The municipality decides on the challenge, and the council is informed with "
    "the decision.": (
        "De gemeente besluit over de uitdaging, en de raad wordt met het besluit "
        "geïnformeerd."
    ),
    "The challengers carry out the task; the municipality follows.": (
        "De uitdagers voeren de taak uit; de gemeente volgt."
    ),
    "The challenge and what came of it are evaluated, and the council is told.": (
        "De uitdaging en wat ervan kwam worden geëvalueerd, en de raad hoort het."
    ),
}
"""The built-in templates' phase descriptions in Dutch, by their text in the
template. A municipality's own template is shown as it is written."""

DUTCH_GUARDS: dict[str, str] = {
    "no_open_decision_point": "er staat geen besluitpunt van het initiatief meer open",
    "every_reaction_answered": (
        "elke reactie op de plannen van het initiatief is beantwoord of ingetrokken "
        "(een te laat ontvangen brief hoeft geen antwoord)"
    ),
    "every_plan_finalised": "elk plan van het initiatief is definitief",
    "a_draft_proposed": "ten minste één plan van het initiatief heeft een versie",
    "a_decision_taken": "over ten minste één besluitpunt is besloten, met een uitkomst",
    "council_informed": (
        "de raad is in deze fase geïnformeerd (vastgelegd sinds de fase begon en "
        "niet ingetrokken)"
    ),
    "budget_allocated": "ten minste een deel van het budget is toegewezen",
    "reaction_period_over": "de reactietermijn van de fase is voorbij",
}
"""What each guard asks, in Dutch (the English is :data:`GUARDS`)."""

MEETING_KINDS: dict[str, dict[Lang, str]] = {
    "residents-meeting": {"nl": "Bewonersbijeenkomst", "en": "Residents' meeting"},
    "steering-group": {"nl": "Regiegroepoverleg", "en": "Steering group meeting"},
    "working-group": {"nl": "Werkgroepbijeenkomst", "en": "Working group meeting"},
    "walk-in": {"nl": "Inloopbijeenkomst", "en": "Walk-in meeting"},
    "site-visit": {"nl": "Locatiebezoek", "en": "Site visit"},
    "online": {"nl": "Online bijeenkomst", "en": "Online meeting"},
}
"""The kinds of meeting, named as meetings: a meeting of the steering group is a
regiegroepoverleg, not the steering group itself (as the glossary says)."""

COUNCIL_SESSIONS: dict[str, dict[Lang, str]] = {
    "informal": {"nl": "Informele raadsbijeenkomst", "en": "Informal council session"},
    "formal": {"nl": "Raadsvergadering", "en": "Formal council meeting"},
    "letter": {"nl": "Raadsinformatiebrief", "en": "Council information letter"},
}
"""How the council was informed: a letter to the council is a raadsinformatiebrief,
not the letter a reaction or an announcement came by."""

SESSION_SHORT: dict[str, dict[Lang, str]] = {
    "informal": {"nl": "informeel", "en": "informal"},
    "formal": {"nl": "formeel", "en": "formal"},
    "letter": {"nl": "brief", "en": "letter"},
}

KINDS_PLURAL: dict[str, dict[Lang, str]] = {
    "resident": {"nl": "inwoners", "en": "residents"},
    "entrepreneur": {"nl": "ondernemers", "en": "entrepreneurs"},
    "institution": {"nl": "instellingen", "en": "institutions"},
    "civil-servant": {"nl": "ambtenaren", "en": "civil servants"},
    "council-member": {"nl": "raadsleden", "en": "council members"},
    "facilitator": {"nl": "procesbegeleiders", "en": "facilitators"},
}

ANSWERS: dict[str, dict[Lang, str]] = {
    "adopted": {"nl": "Overgenomen in versie {n}", "en": "Adopted in version {n}"},
    "partly-adopted": {
        "nl": "Deels overgenomen in versie {n}",
        "en": "Partly adopted in version {n}",
    },
    "defended": {"nl": "Standpunt gehandhaafd", "en": "Position defended"},
    "noted": {"nl": "Steun genoteerd", "en": "Support noted"},
    "withdrawn": {"nl": "Ingetrokken", "en": "Withdrawn"},
    "late": {
        "nl": "Te laat ontvangen, na de reactietermijn",
        "en": "Received after the reaction period",
    },
    "unanswered": {"nl": "Nog niet beantwoord", "en": "Not answered yet"},
    "unanswered_ended": {"nl": "Niet beantwoord", "en": "Not answered"},
}

MONTHS: dict[Lang, tuple[str, ...]] = {
    "nl": (
        "jan",
        "feb",
        "mrt",
        "apr",
        "mei",
        "jun",
        "jul",
        "aug",
        "sep",
        "okt",
        "nov",
        "dec",
    ),
    "en": (
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ),
}
FULL_MONTHS: dict[Lang, tuple[str, ...]] = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
"""The months written out, for the dates that stamp the report itself (when it
was made, and the moment it shows): ``12 maart 2026``."""
DAYS: dict[Lang, tuple[str, ...]] = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


@dataclass(frozen=True)
class Words:
    """The wording of one language, and its ways to write times and money."""

    lang: Lang
    ended: bool = False
    """Whether the words speak of what can no longer change: a closed initiative
    (or a finalised plan), of which no sentence may say that something has not
    happened *yet*. Keys with an ``_ended`` form take it then."""

    def __call__(self, key: str, **values: object) -> str:
        if self.ended and f"{key}_ended" in LABELS:
            key = f"{key}_ended"
        return LABELS[key][self.lang].format(**values)

    def kinds(self, kinds: list[str]) -> str:
        """Kinds of stakeholder as a group: ``inwoners, ondernemers``."""
        ordered = sorted(
            kinds,
            key=lambda k: (
                list(KINDS_PLURAL).index(k) if k in KINDS_PLURAL else len(KINDS_PLURAL)
            ),
        )
        return ", ".join(
            KINDS_PLURAL[k][self.lang] if k in KINDS_PLURAL else k for k in ordered
        )

    def template_texts(self) -> dict[str, str]:
        """The templates' phase descriptions and the guards' explanations in this
        language, by their English text (empty for English)."""
        if self.lang == "en":
            return {}
        return {
            **DUTCH_PHASE_DESCRIPTIONS,
            **{GUARDS[name]: text for name, text in DUTCH_GUARDS.items()},
        }

    def value(self, value: str | None) -> str:
        if value is None:
            return "-"
        found = VALUES.get(value)
        return found[self.lang] if found else value

    def answer(self, reaction: ReactionEntry) -> str:
        outcome: str = reaction.outcome
        if self.ended and outcome == "unanswered":
            outcome = "unanswered_ended"  # the process ended without its answer
        return ANSWERS[outcome][self.lang].format(n=reaction.answer_version)

    def meeting_kind(self, kind: str) -> str:
        """A kind of meeting: ``Regiegroepoverleg``."""
        found = MEETING_KINDS.get(kind)
        return found[self.lang] if found else kind

    def council_session(self, session: str) -> str:
        """How the council was informed: ``Raadsinformatiebrief``."""
        found = COUNCIL_SESSIONS.get(session)
        return found[self.lang] if found else session

    def session(self, session: str) -> str:
        found = SESSION_SHORT.get(session)
        return found[self.lang] if found else session

    def text(self, value: str | None) -> str:
        return value if value is not None else self("erased")

    def when(
        self, moment: datetime | None, *, weekday: bool = False, full: bool = False
    ) -> str:
        """Date and time in Dutch local time; in the hour the clocks go back, which
        comes twice, with the zone (CEST, then CET). ``full`` writes the month
        out, as the report's own dates are: ``12 maart 2026, 09:00``."""
        if moment is None:
            return "-"
        local = _local(moment)
        day = f"{DAYS[self.lang][local.weekday()]} " if weekday else ""
        twice = local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
        zone_name = f" {local.tzname()}" if twice else ""
        date = self.date(local, full=full)
        return f"{day}{date}, {local:%H:%M}{zone_name}"

    def date(self, moment: datetime, *, full: bool = False) -> str:
        local = _local(moment)
        months = FULL_MONTHS if full else MONTHS
        return f"{local.day} {months[self.lang][local.month - 1]} {local.year}"

    def count(self, n: int) -> str:
        """A number of people or households, grouped by thousands as the language
        writes it: ``4.200`` in Dutch, ``4,200`` in English."""
        grouped = f"{n:,}"
        return grouped.replace(",", ".") if self.lang == "nl" else grouped

    def money(self, amount: Decimal) -> str:
        whole = f"{amount:,.2f}"
        if self.lang == "nl":
            whole = whole.replace(",", "_").replace(".", ",").replace("_", ".")
            return f"€ {whole}"
        return f"€{whole}"

    def channel(self, reaction: ReactionEntry) -> str:
        """The channel of a reaction, naming the meeting it came from."""
        if reaction.meeting is not None and reaction.channel == "meeting":
            return f"{self.value(reaction.channel)} {reaction.meeting}"
        if reaction.meeting is not None:
            meeting = self("from_meeting", n=reaction.meeting)
            return f"{self.value(reaction.channel)} ({meeting})"
        return self.value(reaction.channel)

    def state(self, decision: DecisionEntry, moment: datetime | None = None) -> str:
        """A decision point's state: whether it ended with a decision, and whether
        its deadline closed it; one still open at ``moment`` (the report's) although
        its deadline passed awaits the closing (deadlines close when ``tick`` runs,
        and it takes no more positions). At the closing time itself a position is
        still on time, so the deadline has not passed yet."""
        closes = decision.closes_at
        if decision.state == "open" and closes and moment and closes < moment:
            return self.value("open_past_deadline")
        if decision.state != "decided":
            return self.value(decision.state)
        if decision.outcome is None:
            return self(
                "closed_without_decision"
                if decision.closed_by_deadline
                else "ended_without_decision"
            )
        if decision.closed_by_deadline:
            return self("decided_at_deadline")
        return self.value(decision.state)

    def corrected(self, what: str, number: int, correction: CorrectionEntry) -> str:
        """That the record of a meeting (``what`` ``meeting_corrected``), of an
        announcement (``announcement_corrected``), of an intervention
        (``intervention_corrected``), of a framework
        (``framework_corrected``) or of an informing of the council
        (``informing_corrected``) was corrected: when, what and why."""
        # Who asked for an intervention is one thing to a reader, whether a
        # stakeholder or a group asked: named once.
        named = list(
            dict.fromkeys(self(f"corrected_{field}") for field in correction.fields)
        )
        fields = (
            f"{', '.join(named[:-1])} {self('and')} {named[-1]}"
            if len(named) > 1
            else "".join(named)
        )
        return self(
            what,
            n=number,
            when=self.when(correction.corrected_at),
            fields=fields,
            reason=self.text(correction.reason),
        )

    def meeting_corrected(self, number: int, correction: CorrectionEntry) -> str:
        """That the record of a meeting was corrected: when, what and why."""
        return self.corrected("meeting_corrected", number, correction)

    def announcement_corrected(self, number: int, correction: CorrectionEntry) -> str:
        """That the record of an announcement was corrected: when, what and
        why."""
        return self.corrected("announcement_corrected", number, correction)

    def intervention_corrected(self, number: int, correction: CorrectionEntry) -> str:
        """That the record of an intervention of the facilitator's was corrected:
        when, what and why."""
        return self.corrected("intervention_corrected", number, correction)

    def framework_corrected(self, number: int, correction: CorrectionEntry) -> str:
        """That the record of a framework of the council was corrected: when, what
        and why."""
        return self.corrected("framework_corrected", number, correction)

    def informing_corrected(self, number: int, correction: CorrectionEntry) -> str:
        """That the record of an informing of the council was corrected: when,
        what and why."""
        return self.corrected("informing_corrected", number, correction)

    def withdrawn(
        self, key: str, number: int, withdrawal: WithdrawalEntry, **more: object
    ) -> str:
        """That something (``key``: ``meeting_withdrawn``,
        ``announcement_withdrawn``, ``intervention_withdrawn``,
        ``informing_withdrawn``, ``follow_up_withdrawn``) was withdrawn, as
        recorded by mistake: when and why."""
        return self(
            key,
            n=number,
            when=self.when(withdrawal.withdrawn_at),
            reason=self.text(withdrawal.reason),
            **more,
        )

    def informing_withdrawn(self, number: int, withdrawal: WithdrawalEntry) -> str:
        """That an informing of the council was withdrawn, as recorded by mistake:
        when and why."""
        return self.withdrawn("informing_withdrawn", number, withdrawal)

    def meeting_withdrawn(self, number: int, withdrawal: WithdrawalEntry) -> str:
        """That a meeting was withdrawn, as recorded by mistake: when and why."""
        return self.withdrawn("meeting_withdrawn", number, withdrawal)

    def announcement_withdrawn(self, number: int, withdrawal: WithdrawalEntry) -> str:
        """That an announcement was withdrawn, as recorded by mistake: when and
        why."""
        return self.withdrawn("announcement_withdrawn", number, withdrawal)

    def intervention_withdrawn(self, number: int, withdrawal: WithdrawalEntry) -> str:
        """That an intervention of the facilitator's was withdrawn, as recorded by
        mistake: when and why."""
        return self.withdrawn("intervention_withdrawn", number, withdrawal)

    def follow_up_withdrawn(
        self, number: int, follow_up: int, withdrawal: WithdrawalEntry
    ) -> str:
        """That a follow-up of the council was withdrawn, as recorded by mistake:
        when and why."""
        return self.withdrawn("follow_up_withdrawn", number, withdrawal, k=follow_up)

    def evening_share(self, evening: int, total: int) -> str:
        """How many of the meetings held were outside office hours."""
        if total == 1:
            return self("evening_share_only" if evening else "evening_share_only_none")
        if evening == 0:
            return self("evening_share_none", total=total)
        if evening == 1:
            return self("evening_share_one", total=total)
        return self("evening_share", n=evening, total=total)

    def outcome(self, decision: DecisionEntry) -> str:
        """A decision point's outcome, or its state while it has none."""
        if decision.state == "open":
            return self.value("not_decided_yet")
        if decision.state != "decided":
            return self.value(decision.state)
        if decision.outcome is None:
            return self("no_outcome")
        return f"{self.text(decision.outcome_label)} ({decision.outcome})"

    def requests(self, erasures: int, corrections: int, *, by_then: bool) -> str:
        """How many erasures and corrections of personal data were recorded: ``In
        dit initiatief zijn 1 wissing en 2 correcties van persoonsgegevens
        vastgelegd.``; ``by_then``, in a report as of an earlier moment, up to
        that moment (more may have been recorded since)."""
        then = "_by_then" if by_then else ""
        counts = [
            self(f"{key}_one" if n == 1 else key, n=n)
            for key, n in (
                ("erasure_count", erasures),
                ("correction_count", corrections),
            )
            if n
        ]
        if not counts:
            return self(f"no_requests{then}")
        said = f" {self('and')} ".join(counts)
        one = erasures + corrections == 1
        return self(("requests_one" if one else "requests") + then, counts=said)

    def yes_no(self, value: bool) -> str:
        return self("yes") if value else self("no")


def words(lang: str) -> Words:
    """The wording of ``lang`` (nl or en)."""
    if lang not in LANGUAGES:
        msg = f"lang: must be one of {', '.join(LANGUAGES)}."
        raise InvalidInput(msg)
    return Words("nl" if lang == "nl" else "en")
