"""The rules in force, each with a name and a sentence a person can read.

Every refusal by a rule of the process comes from this table (the application adds
only "not found", "already exists" and "invalid input"): a command method checks its rules
*before* it records an event (``rule.check(condition, **details)``), and a refused
command raises :class:`RuleViolation` carrying the rule and its sentence. Event
methods never check rules, so history always replays.

A process template declares, per phase, the guards to leave it and who may give which
command; those are enforced through the rules of this table too
(``a_phase_is_left_when_its_guards_hold``, ``only_permitted_roles_act_in_a_phase``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from samenspraak.domain.clock import on_dutch_clocks


class DomainError(Exception):
    """Raised when the domain refuses a command."""


@dataclass(frozen=True)
class Rule:
    """A named rule; ``reason`` is a sentence template filled with the details."""

    name: str
    reason: str

    def sentence(self, **details: Any) -> str:
        return self.reason.format(**details)

    def check(self, condition: bool, **details: Any) -> None:
        """Raise :class:`RuleViolation` with this rule's sentence unless ``condition``."""
        if not condition:
            raise RuleViolation(self, self.sentence(**details))


class RuleViolation(DomainError):
    """Raised when a command would break a rule; ``str()`` is the rule's sentence."""

    def __init__(self, rule: Rule, sentence: str) -> None:
        super().__init__(sentence)
        self.rule = rule
        self.sentence = sentence


def counted(count: int, one: str, many: str) -> str:
    """``1 open decision point``, ``2 open decision points``: a count with its noun
    in the number it needs."""
    return f"{count} {one if count == 1 else many}"


def listed(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: names as a sentence lists them."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def numbered(numbers: Iterable[int], one: str, many: str) -> str:
    """``reaction 4``, ``reactions 1, 3``: numbered things with their noun in the
    number they need, each number once, in the order given."""
    once = [str(number) for number in dict.fromkeys(numbers)]
    return f"{one if len(once) == 1 else many} {', '.join(once)}"


def phases_named(names: Sequence[str]) -> str:
    """``the phase views``, ``the phases views and decision``, ``the phases
    proposals, vote and implementation``, ``no phase``: phases named, in the order
    given."""
    if not names:
        return "no phase"
    if len(names) == 1:
        return f"the phase {names[0]}"
    return f"the phases {', '.join(names[:-1])} and {names[-1]}"


def _rule(name: str, reason: str) -> Rule:
    rule = Rule(name, reason)
    RULES[name] = rule
    return rule


RULES: dict[str, Rule] = {}
"""Every rule in force, by name (in the order below)."""

# --- Who shapes the process -------------------------------------------------------
only_the_facilitator_shapes_the_initiative = _rule(
    "only_the_facilitator_shapes_the_initiative",
    "Only the facilitator of {initiative} may {action}.",
)
only_joined_stakeholders_act = _rule(
    "only_joined_stakeholders_act",
    "Only stakeholders who have joined {initiative} and not left may {action}.",
)
society_decides_first = _rule(
    "society_decides_first",
    "Society decides first: civil servants may observe, but may not {action} until "
    "the facilitator advances {initiative} past the stakeholders' decision.",
)
a_civil_servants_reaction_came_in_after_society_decided = _rule(
    "a_civil_servants_reaction_came_in_after_society_decided",
    "{initiative} was in the phase {phase}, where society decides alone, when this "
    "reaction came in ({received_at}); a civil servant's reaction from then is not "
    "recorded.",
)
a_closed_initiative_takes_no_commands = _rule(
    "a_closed_initiative_takes_no_commands",
    "{initiative} is closed; nothing more can be recorded in it.",
)
plans_and_decision_points_belong_to_their_initiative = _rule(
    "plans_and_decision_points_belong_to_their_initiative",
    "{subject} belongs to another initiative than {initiative}.",
)
phases_advance_in_order = _rule(
    "phases_advance_in_order",
    "{initiative} is in its last phase ({phase}); there is no phase after it.",
)
a_closed_initiative_leaves_no_decision_point_open = _rule(
    "a_closed_initiative_leaves_no_decision_point_open",
    "{initiative} still has {count}; decide or withdraw each before closing it.",
)
a_closed_initiative_leaves_no_reaction_unanswered = _rule(
    "a_closed_initiative_leaves_no_reaction_unanswered",
    "{initiative} still has {count}; answer each before closing it, so that the "
    "response report answers every reaction.",
)
society_decides_before_colleagues_join = _rule(
    "society_decides_before_colleagues_join",
    "{initiative} cannot leave {phase}, where society decides alone, while decision "
    "points are still open ({count}): society decides first, colleagues join after.",
)
a_phase_is_left_when_its_guards_hold = _rule(
    "a_phase_is_left_when_its_guards_hold",
    "{initiative} cannot leave the phase {phase} until {guard}.",
)
only_permitted_roles_act_in_a_phase = _rule(
    "only_permitted_roles_act_in_a_phase",
    "In the phase {phase} of {initiative}, {kind} may not {command}; its template "
    "lets them do so in {phases}.",
)
a_migration_changes_the_template = _rule(
    "a_migration_changes_the_template",
    "{initiative} already follows {template} version {version}; a migration moves "
    "it to another template or version.",
)
a_migration_keeps_the_current_phase = _rule(
    "a_migration_keeps_the_current_phase",
    "{initiative} is in the phase {phase}, which {template} version {version} does "
    "not have; it cannot move to that template in this phase.",
)
a_migration_keeps_society_deciding_alone = _rule(
    "a_migration_keeps_society_deciding_alone",
    "{initiative} is in the phase {phase}, where society decides alone; in "
    "{template} version {version} that phase lets colleagues in, and a migration "
    "does not end society's turn: advance {initiative} past {phase} first.",
)

# --- Stakeholders and groups --------------------------------------------------------
stakeholders_join_themselves_or_are_added_by_the_facilitator = _rule(
    "stakeholders_join_themselves_or_are_added_by_the_facilitator",
    "A stakeholder joins {initiative} themselves or is added by its facilitator.",
)
the_facilitator_is_the_one_who_started = _rule(
    "the_facilitator_is_the_one_who_started",
    "{initiative} has one facilitator, the stakeholder who started it; join others "
    "with their own kind.",
)
a_stakeholder_joins_once = _rule(
    "a_stakeholder_joins_once",
    "{stakeholder} has already joined {initiative}.",
)
a_stakeholder_rejoins_as_the_kind_they_were = _rule(
    "a_stakeholder_rejoins_as_the_kind_they_were",
    "{stakeholder} took part in {initiative} as {kind} before, and rejoins as {kind}, "
    "not as {new}.",
)
stakeholders_leave_themselves_or_are_removed_by_the_facilitator = _rule(
    "stakeholders_leave_themselves_or_are_removed_by_the_facilitator",
    "A stakeholder leaves {initiative} themselves or is removed by its facilitator.",
)
the_facilitator_stays = _rule(
    "the_facilitator_stays",
    "The facilitator cannot leave {initiative}; close it instead.",
)
a_group_name_is_used_once = _rule(
    "a_group_name_is_used_once",
    "{initiative} already has a group called {group}.",
)
a_group_must_exist = _rule(
    "a_group_must_exist",
    "{initiative} has no group called {group}.",
)
members_are_joined_stakeholders = _rule(
    "members_are_joined_stakeholders",
    "Only stakeholders who have joined {initiative} can be members of {group}.",
)
a_member_is_added_once = _rule(
    "a_member_is_added_once",
    "{stakeholder} is already a member of {group}.",
)
only_members_can_be_removed = _rule(
    "only_members_can_be_removed",
    "{stakeholder} is not a member of {group}.",
)

# --- Meetings and the council -------------------------------------------------------
times_carry_a_timezone = _rule(
    "times_carry_a_timezone",
    "The {what} must include a timezone (for example 2026-03-12T19:30+01:00).",
)
attendance_is_not_negative = _rule(
    "attendance_is_not_negative",
    "The attendance of a meeting cannot be negative.",
)
a_reaction_at_a_meeting_comes_after_it_began = _rule(
    "a_reaction_at_a_meeting_comes_after_it_began",
    "Meeting {meeting} of {initiative} begins at {starts_at}; a reaction given there "
    "is recorded once it has begun.",
)
a_meeting_named_must_exist = _rule(
    "a_meeting_named_must_exist",
    "{initiative} has no meeting {meeting}.",
)
a_meeting_correction_gives_its_reason = _rule(
    "a_meeting_correction_gives_its_reason",
    "A correction of meeting {meeting} of {initiative} gives its reason.",
)
a_meeting_begins_before_the_reactions_recorded_from_it = _rule(
    "a_meeting_begins_before_the_reactions_recorded_from_it",
    "Reaction {reaction} on {plan} was recorded from meeting {meeting} of "
    "{initiative} at {recorded_at}; the meeting had begun by then, so it cannot "
    "begin at {starts_at}.",
)
a_meeting_correction_changes_something = _rule(
    "a_meeting_correction_changes_something",
    "Meeting {meeting} of {initiative} is recorded so already; a correction changes "
    "its time, kind, place, attendance or summary.",
)
a_meeting_withdrawn_must_exist = _rule(
    "a_meeting_withdrawn_must_exist",
    "{initiative} has {meetings}; there is no meeting {meeting} to withdraw.",
)
a_meeting_withdrawal_gives_its_reason = _rule(
    "a_meeting_withdrawal_gives_its_reason",
    "A withdrawal of meeting {meeting} of {initiative} gives its reason.",
)
a_meeting_is_withdrawn_once = _rule(
    "a_meeting_is_withdrawn_once",
    "Meeting {meeting} of {initiative} was withdrawn already; a meeting is withdrawn "
    "once.",
)
a_meeting_reactions_were_given_at_is_not_withdrawn = _rule(
    "a_meeting_reactions_were_given_at_is_not_withdrawn",
    "Meeting {meeting} of {initiative} has reactions recorded as given there "
    "({reactions}); a meeting that reactions were given at took place, and is not "
    "withdrawn.",
)
a_withdrawn_meeting_is_not_corrected = _rule(
    "a_withdrawn_meeting_is_not_corrected",
    "Meeting {meeting} of {initiative} was withdrawn; a withdrawn meeting is not "
    "corrected.",
)
a_withdrawn_meeting_records_no_reactions = _rule(
    "a_withdrawn_meeting_records_no_reactions",
    "Meeting {meeting} of {initiative} was withdrawn; a reaction is recorded from a "
    "meeting that stands.",
)
only_a_reaction_recorded_for_someone_says_when_it_came_in = _rule(
    "only_a_reaction_recorded_for_someone_says_when_it_came_in",
    "Only a reaction the facilitator records for someone, by letter, e-mail or "
    "another way than at a meeting, says when it came in; one from a meeting counts "
    "from the meeting's start.",
)
a_reaction_is_recorded_once_it_came_in = _rule(
    "a_reaction_is_recorded_once_it_came_in",
    "A reaction is recorded once it came in; {received_at} lies in the future.",
)
a_reaction_came_in_after_the_version_it_reacts_to = _rule(
    "a_reaction_came_in_after_the_version_it_reacts_to",
    "A reaction that came in at {received_at} cannot react to version {version} of "
    "{plan}: that version was proposed after it.",
)
a_reaction_at_a_meeting_names_the_meeting = _rule(
    "a_reaction_at_a_meeting_names_the_meeting",
    "A reaction given at a meeting says which meeting it was.",
)
a_reaction_that_names_a_meeting_was_given_there = _rule(
    "a_reaction_that_names_a_meeting_was_given_there",
    "A reaction that names meeting {meeting} was given at that meeting: its channel "
    "is meeting, not {channel}.",
)
a_quorum_goes_with_a_vote = _rule(
    "a_quorum_goes_with_a_vote",
    "A quorum (at least {quorum}% of those who may take part) goes with a majority "
    "or a plurality: under {rule} it has no meaning.",
)
a_quorum_is_a_percentage = _rule(
    "a_quorum_is_a_percentage",
    "A quorum is a percentage of those who may take part, from 1 to 100; not {quorum}.",
)
only_a_letter_is_recorded_as_received_late = _rule(
    "only_a_letter_is_recorded_as_received_late",
    "Only a letter or an e-mail the facilitator records for someone, with when it "
    "came in, is recorded as received late.",
)
a_reaction_received_late_came_in_after_the_period = _rule(
    "a_reaction_received_late_came_in_after_the_period",
    "{plan} {closed}; a reaction that came in at {received_at} is not late: "
    "record it without marking it late.",
)
own_initiative_changes_come_in_a_later_version = _rule(
    "own_initiative_changes_come_in_a_later_version",
    "Version 1 of {plan} is its first draft; changes of the authority's own accord "
    "are named in a later version.",
)
an_informing_of_the_council_is_recorded_once = _rule(
    "an_informing_of_the_council_is_recorded_once",
    "Informing {informing} of the council in {initiative} already records this "
    "document, session and time; an informing is recorded once.",
)
an_intervention_is_recorded_once_made = _rule(
    "an_intervention_is_recorded_once_made",
    "An intervention is recorded once it was made; {intervened_at} lies in the future.",
)
an_intervention_on_request_names_who_asked = _rule(
    "an_intervention_on_request_names_who_asked",
    "An intervention on request names who asked for it: a group or a stakeholder "
    "of {initiative}.",
)
an_intervention_is_asked_for_from_within_the_initiative = _rule(
    "an_intervention_is_asked_for_from_within_the_initiative",
    "{who} is not a group or a stakeholder of {initiative}; an intervention is "
    "asked for by those who take part.",
)
an_intervention_is_asked_for_by_a_group_or_a_stakeholder = _rule(
    "an_intervention_is_asked_for_by_a_group_or_a_stakeholder",
    "An intervention is asked for by a group or by a stakeholder, not both; name the "
    "one who asked.",
)
the_facilitator_does_not_ask_for_their_own_intervention = _rule(
    "the_facilitator_does_not_ask_for_their_own_intervention",
    "The facilitator of {initiative} does not ask for their own intervention; name "
    "the group or the stakeholder who asked.",
)
an_intervention_named_must_exist = _rule(
    "an_intervention_named_must_exist",
    "{initiative} has {interventions} of the facilitator; there is no intervention "
    "{number} to correct.",
)
an_intervention_correction_gives_its_reason = _rule(
    "an_intervention_correction_gives_its_reason",
    "A correction of intervention {number} of {initiative} gives its reason.",
)
an_intervention_correction_changes_something = _rule(
    "an_intervention_correction_changes_something",
    "Intervention {number} of {initiative} is recorded so already; a correction "
    "changes its kind, its time, its note or who asked for it.",
)
an_intervention_withdrawn_must_exist = _rule(
    "an_intervention_withdrawn_must_exist",
    "{initiative} has {interventions} of the facilitator; there is no intervention "
    "{number} to withdraw.",
)
an_intervention_withdrawal_gives_its_reason = _rule(
    "an_intervention_withdrawal_gives_its_reason",
    "A withdrawal of intervention {number} of {initiative} gives its reason.",
)
an_intervention_is_withdrawn_once = _rule(
    "an_intervention_is_withdrawn_once",
    "Intervention {number} of {initiative} was withdrawn already; an intervention "
    "is withdrawn once.",
)
a_withdrawn_intervention_is_not_corrected = _rule(
    "a_withdrawn_intervention_is_not_corrected",
    "Intervention {number} of {initiative} was withdrawn; a withdrawn intervention "
    "is not corrected.",
)
an_intervention_correction_names_who_asked_or_that_no_one_did = _rule(
    "an_intervention_correction_names_who_asked_or_that_no_one_did",
    "A correction of intervention {number} of {initiative} names who asked for it "
    "or says that no one did, not both.",
)
an_announcement_is_recorded_once_made = _rule(
    "an_announcement_is_recorded_once_made",
    "An announcement is recorded once it was made; {announced_at} lies in the future.",
)
a_reach_is_not_negative = _rule(
    "a_reach_is_not_negative",
    "The number of people an announcement reached cannot be negative.",
)
an_announcement_named_must_exist = _rule(
    "an_announcement_named_must_exist",
    "{initiative} has {announcements}; there is no announcement {number} to correct.",
)
an_announcement_correction_gives_its_reason = _rule(
    "an_announcement_correction_gives_its_reason",
    "A correction of announcement {number} of {initiative} gives its reason.",
)
an_announcement_correction_changes_something = _rule(
    "an_announcement_correction_changes_something",
    "Announcement {number} of {initiative} is recorded so already; a correction "
    "changes its channel, its audience, its time or how many it reached.",
)
an_announcement_withdrawn_must_exist = _rule(
    "an_announcement_withdrawn_must_exist",
    "{initiative} has {announcements}; there is no announcement {number} to withdraw.",
)
an_announcement_withdrawal_gives_its_reason = _rule(
    "an_announcement_withdrawal_gives_its_reason",
    "A withdrawal of announcement {number} of {initiative} gives its reason.",
)
an_announcement_is_withdrawn_once = _rule(
    "an_announcement_is_withdrawn_once",
    "Announcement {number} of {initiative} was withdrawn already; an announcement "
    "is withdrawn once.",
)
a_withdrawn_announcement_is_not_corrected = _rule(
    "a_withdrawn_announcement_is_not_corrected",
    "Announcement {number} of {initiative} was withdrawn; a withdrawn announcement "
    "is not corrected.",
)
an_announcement_correction_gives_a_reach_or_says_it_is_unknown = _rule(
    "an_announcement_correction_gives_a_reach_or_says_it_is_unknown",
    "A correction of announcement {number} of {initiative} gives how many it "
    "reached or says that it is not known, not both.",
)
an_erasure_is_recorded_where_they_took_part = _rule(
    "an_erasure_is_recorded_where_they_took_part",
    "An erasure is recorded in {initiative} only for someone who took part in it "
    "and has left it, or once it is closed.",
)
a_correction_is_recorded_where_their_identity_is = _rule(
    "a_correction_is_recorded_where_their_identity_is",
    "A correction of someone's name is recorded in {initiative} only for someone "
    "whose identity it holds: who took part in it, or asked for an erasure or a "
    "correction there.",
)
a_framework_is_recorded_once_set = _rule(
    "a_framework_is_recorded_once_set",
    "A framework of the council is recorded once the council set it; {set_at} lies "
    "in the future.",
)
a_framework_named_must_exist = _rule(
    "a_framework_named_must_exist",
    "{initiative} has {frameworks} of the council; there is no framework {number} "
    "to correct.",
)
a_framework_correction_gives_its_reason = _rule(
    "a_framework_correction_gives_its_reason",
    "A correction of framework {number} of {initiative} gives its reason.",
)
a_framework_correction_changes_something = _rule(
    "a_framework_correction_changes_something",
    "Framework {number} of {initiative} is recorded so already; a correction "
    "changes its text, when the council set it or its document's SHA-256.",
)
a_follow_up_answers_an_informing = _rule(
    "a_follow_up_answers_an_informing",
    "{initiative} has {informings} of the council; there is no informing "
    "{informing} to follow up.",
)
a_follow_up_comes_after_the_informing = _rule(
    "a_follow_up_comes_after_the_informing",
    "The council cannot have followed up informing {informing} at {at}, before it "
    "was informed ({informed_at}), nor in the future.",
)
the_council_was_informed_by_now = _rule(
    "the_council_was_informed_by_now",
    "Informing the council is recorded once it happened; {informed_at} lies in the "
    "future.",
)
a_document_is_named_by_its_sha256 = _rule(
    "a_document_is_named_by_its_sha256",
    "A council document is named by its SHA-256: 64 hexadecimal characters.",
)
an_informing_named_must_exist = _rule(
    "an_informing_named_must_exist",
    "{initiative} has {informings} of the council; there is no informing "
    "{informing} to correct.",
)
an_informing_correction_gives_its_reason = _rule(
    "an_informing_correction_gives_its_reason",
    "A correction of informing {informing} of {initiative} gives its reason.",
)
an_informing_correction_changes_something = _rule(
    "an_informing_correction_changes_something",
    "Informing {informing} of {initiative} is recorded so already; a correction "
    "changes its document's title or SHA-256, its session or its time.",
)
a_corrected_informing_comes_before_its_follow_ups = _rule(
    "a_corrected_informing_comes_before_its_follow_ups",
    "The council followed up informing {informing} of {initiative} at "
    "{followed_up_at}; it cannot have been informed after that, at {informed_at}.",
)
an_informing_withdrawn_must_exist = _rule(
    "an_informing_withdrawn_must_exist",
    "{initiative} has {informings} of the council; there is no informing "
    "{informing} to withdraw.",
)
an_informing_withdrawal_gives_its_reason = _rule(
    "an_informing_withdrawal_gives_its_reason",
    "A withdrawal of informing {informing} of {initiative} gives its reason.",
)
an_informing_is_withdrawn_once = _rule(
    "an_informing_is_withdrawn_once",
    "Informing {informing} of {initiative} was withdrawn already; an informing is "
    "withdrawn once.",
)
an_informing_the_council_followed_up_is_not_withdrawn = _rule(
    "an_informing_the_council_followed_up_is_not_withdrawn",
    "The council followed up informing {informing} of {initiative} at "
    "{followed_up_at}; an informing the council acted on is not withdrawn.",
)
a_withdrawn_informing_is_not_corrected = _rule(
    "a_withdrawn_informing_is_not_corrected",
    "Informing {informing} of {initiative} was withdrawn; a withdrawn informing is "
    "not corrected.",
)
a_withdrawn_informing_is_not_followed_up = _rule(
    "a_withdrawn_informing_is_not_followed_up",
    "Informing {informing} of {initiative} was withdrawn; the council's follow-up "
    "answers an informing that stands.",
)
a_follow_up_withdrawn_answers_an_informing = _rule(
    "a_follow_up_withdrawn_answers_an_informing",
    "{initiative} has {informings} of the council; there is no informing "
    "{informing} whose follow-up to withdraw.",
)
a_follow_up_withdrawn_is_named = _rule(
    "a_follow_up_withdrawn_is_named",
    "Informing {informing} of {initiative} has {follow_ups} by the council; name "
    "the one to withdraw, from 1 in the order recorded.",
)
a_follow_up_withdrawn_must_exist = _rule(
    "a_follow_up_withdrawn_must_exist",
    "Informing {informing} of {initiative} has {follow_ups} by the council; there "
    "is no follow-up {follow_up} of it to withdraw.",
)
a_follow_up_is_withdrawn_once = _rule(
    "a_follow_up_is_withdrawn_once",
    "Follow-up {follow_up} of informing {informing} of {initiative} was withdrawn "
    "already; a follow-up is withdrawn once.",
)
a_follow_up_withdrawal_gives_its_reason = _rule(
    "a_follow_up_withdrawal_gives_its_reason",
    "A withdrawal of follow-up {follow_up} of informing {informing} of "
    "{initiative} gives its reason.",
)

# --- Money --------------------------------------------------------------------------
a_budget_is_not_negative = _rule(
    "a_budget_is_not_negative",
    "A budget is an amount in euros of zero or more, with at most two decimals.",
)
an_allocation_is_a_positive_amount = _rule(
    "an_allocation_is_a_positive_amount",
    "An allocation is a positive amount in euros with at most two decimals.",
)
allocations_stay_within_the_budget = _rule(
    "allocations_stay_within_the_budget",
    "Allocating EUR {amount} would bring the allocations of {initiative} to "
    "EUR {total}, over its budget of EUR {budget}.",
)
an_allocation_follows_from_a_decision_of_society = _rule(
    "an_allocation_follows_from_a_decision_of_society",
    "A budget allocation follows from a decision put to residents, entrepreneurs or "
    "institutions; {decision} was put to {kinds} only.",
)
an_allocation_follows_from_a_decision = _rule(
    "an_allocation_follows_from_a_decision",
    "A budget allocation follows from a decision taken in {initiative}; "
    "{decision} {state}.",
)

# --- Implementation ------------------------------------------------------------------
an_implementation_action_is_added_once = _rule(
    "an_implementation_action_is_added_once",
    "{initiative} already has an implementation action called {action}.",
)
an_implementation_action_must_exist = _rule(
    "an_implementation_action_must_exist",
    "{initiative} has no implementation action called {action}.",
)
an_implementation_action_has_one_owner = _rule(
    "an_implementation_action_has_one_owner",
    "An implementation action has exactly one owner: a stakeholder or a group.",
)
an_owner_is_a_joined_stakeholder = _rule(
    "an_owner_is_a_joined_stakeholder",
    "The owner of {action} must be a stakeholder who has joined {initiative} and "
    "not left.",
)
an_action_is_funded_by_an_existing_allocation = _rule(
    "an_action_is_funded_by_an_existing_allocation",
    "{initiative} has no budget allocation number {allocation}.",
)
only_the_owner_or_the_facilitator_follows_up = _rule(
    "only_the_owner_or_the_facilitator_follows_up",
    "Only the owner of {action} or the facilitator of {initiative} may {what}.",
)
an_owner_who_left_no_longer_follows_up = _rule(
    "an_owner_who_left_no_longer_follows_up",
    "The owner of {action} left {initiative}; the facilitator follows it up now.",
)
progress_is_a_percentage = _rule(
    "progress_is_a_percentage",
    "Progress is a percentage from 0 to 100, not {percent}.",
)
progress_never_goes_down = _rule(
    "progress_never_goes_down",
    "{action} is {current}% done; its progress cannot go down to {percent}%.",
)
an_implementation_status_is_known = _rule(
    "an_implementation_status_is_known",
    "{status} is not an implementation status; it is one of {statuses}.",
)
stopping_an_action_gives_a_reason = _rule(
    "stopping_an_action_gives_a_reason",
    "Putting {action} {status} gives its reason.",
)
a_cancelled_action_takes_no_progress = _rule(
    "a_cancelled_action_takes_no_progress",
    "{action} was cancelled; it takes no more progress (put it planned or under way "
    "again first).",
)
an_action_is_done_at_100_percent = _rule(
    "an_action_is_done_at_100_percent",
    "{action} is {percent}% done; it is done when its progress reaches 100%.",
)
a_status_fits_the_progress = _rule(
    "a_status_fits_the_progress",
    "{action} is {percent}% done, so it cannot be {status}: planned is for 0%, under "
    "way for less than 100%.",
)
a_status_change_changes_the_status = _rule(
    "a_status_change_changes_the_status",
    "{action} is {status} already.",
)

# --- Plans and reactions -------------------------------------------------------------
plans_are_made_by_the_owning_group_or_the_facilitator = _rule(
    "plans_are_made_by_the_owning_group_or_the_facilitator",
    "{plan} is drafted and answered by members of the {group} group or the "
    "facilitator.",
)
a_reaction_refers_to_an_existing_version = _rule(
    "a_reaction_refers_to_an_existing_version",
    "{plan} has no version {version}; {versions}.",
)
a_finalised_plan_is_not_changed = _rule(
    "a_finalised_plan_is_not_changed",
    "{plan} is finalised (version {version}); it takes no more drafts, reactions "
    "or answers.",
)
a_reaction_to_a_final_plan_came_in_before_it_was_final = _rule(
    "a_reaction_to_a_final_plan_came_in_before_it_was_final",
    "{plan} is finalised (version {version}) since {finalised_at}; a reaction that "
    "came in before then is still recorded, with when it came in, but not one that "
    "came in after.",
)
reactions_come_from_the_stakeholder_or_are_recorded_by_the_facilitator = _rule(
    "reactions_come_from_the_stakeholder_or_are_recorded_by_the_facilitator",
    "A reaction is given by the stakeholder themselves, or recorded for them by "
    "the facilitator (from a meeting, a letter or an email).",
)
a_reaction_is_recorded_for_someone_who_takes_part = _rule(
    "a_reaction_is_recorded_for_someone_who_takes_part",
    "{stakeholder} has not joined {initiative}, or has left it; the facilitator "
    "adds them to it first, then records their reaction.",
)
a_reaction_recorded_for_someone_says_how_it_came_in = _rule(
    "a_reaction_recorded_for_someone_says_how_it_came_in",
    "A reaction recorded for someone else says how it came in: by letter, by email, "
    "at a meeting (name it) or online.",
)
a_reaction_must_exist = _rule(
    "a_reaction_must_exist",
    "{plan} has no reaction {reaction}.",
)
an_answer_names_the_reactions_it_answers = _rule(
    "an_answer_names_the_reactions_it_answers",
    "An answer names the reactions it answers; none were named.",
)
every_reaction_gets_exactly_one_answer = _rule(
    "every_reaction_gets_exactly_one_answer",
    "Reaction {reaction} on {plan} already has an answer ({answer}).",
)
a_withdrawn_reaction_needs_no_answer = _rule(
    "a_withdrawn_reaction_needs_no_answer",
    "Reaction {reaction} on {plan} was withdrawn; it needs no answer.",
)
a_change_is_adopted_in_a_version_that_exists = _rule(
    "a_change_is_adopted_in_a_version_that_exists",
    "{plan} has no version {version} yet; propose it first, then adopt the change "
    "in it.",
)
a_change_is_adopted_in_a_later_version = _rule(
    "a_change_is_adopted_in_a_later_version",
    "A change answering reaction {reaction} (on version {reacted}) is adopted in a "
    "later version of {plan}; version {version} is not one.",
)
a_change_follows_the_reaction = _rule(
    "a_change_follows_the_reaction",
    "Reaction {reaction} on {plan} was given when version {latest} already existed; "
    "a change it led to is carried by a version proposed after it, not by version "
    "{version}.",
)
only_support_is_noted = _rule(
    "only_support_is_noted",
    "Only support is noted without more; reaction {reaction} has the stance "
    "{stance}: adopt a change or defend the position.",
)
a_stakeholder_withdraws_their_own_reaction = _rule(
    "a_stakeholder_withdraws_their_own_reaction",
    "Reaction {reaction} on {plan} is withdrawn by the stakeholder who gave it, "
    "or by the facilitator for them.",
)
a_reaction_is_withdrawn_once = _rule(
    "a_reaction_is_withdrawn_once",
    "Reaction {reaction} on {plan} was already withdrawn.",
)
an_answered_reaction_stays = _rule(
    "an_answered_reaction_stays",
    "Reaction {reaction} on {plan} is already answered and cannot be withdrawn.",
)
a_plan_is_finalised_when_every_reaction_is_answered = _rule(
    "a_plan_is_finalised_when_every_reaction_is_answered",
    "{plan} cannot be finalised while {reactions} unanswered.",
)
a_plan_has_a_draft_before_it_is_finalised = _rule(
    "a_plan_has_a_draft_before_it_is_finalised",
    "{plan} has no draft yet; propose one before finalising it.",
)
a_reaction_period_opens_on_a_draft = _rule(
    "a_reaction_period_opens_on_a_draft",
    "{plan} has no draft yet; propose one before opening a reaction period on it: "
    "there is nothing to react to.",
)
a_reaction_period_closes_in_the_future = _rule(
    "a_reaction_period_closes_in_the_future",
    "The reaction period of {plan} must close in the future; {closes_at} has passed.",
)
a_reaction_period_lasts_as_long_as_the_phase_gives = _rule(
    "a_reaction_period_lasts_as_long_as_the_phase_gives",
    "The phase {phase} of {initiative} gives reactions until {until}; a reaction "
    "period on {plan} closes no earlier, not at {closes_at}.",
)
a_plan_has_one_reaction_period_at_a_time = _rule(
    "a_plan_has_one_reaction_period_at_a_time",
    "{plan} already has a reaction period open until {closes_at}.",
)
a_plan_is_finalised_after_its_reaction_period = _rule(
    "a_plan_is_finalised_after_its_reaction_period",
    "The reaction period of {plan} runs until {closes_at}; the plan is finalised "
    "after that, so that everyone can react.",
)
a_late_reaction_is_refused = _rule(
    "a_late_reaction_is_refused",
    "The reaction period of {plan} closed at {closes_at}; a reaction after that "
    "is late.",
)

# --- Decision points -----------------------------------------------------------------
a_decision_point_has_valid_options = _rule(
    "a_decision_point_has_valid_options",
    "A decision by {rule} needs {needed}; {given} given.",
)
option_keys_are_unique = _rule(
    "option_keys_are_unique",
    "Each option of a decision point has its own key; {option} appears twice.",
)
the_key_object_is_reserved = _rule(
    "the_key_object_is_reserved",
    "The key 'object' is reserved for objections to a proposal; choose another key.",
)
a_decision_point_names_who_takes_part = _rule(
    "a_decision_point_names_who_takes_part",
    "A decision point names at least one kind of stakeholder who may take part.",
)
the_facilitator_takes_no_position = _rule(
    "the_facilitator_takes_no_position",
    "The facilitator is independent: a decision point is not put to facilitators.",
)
a_question_put_while_society_decides_goes_to_society = _rule(
    "a_question_put_while_society_decides_goes_to_society",
    "Society decides first: while {initiative} is in the phase {phase}, a decision "
    "point is not put to civil servants.",
)
a_decision_point_is_put_to_someone_who_may_take_a_position = _rule(
    "a_decision_point_is_put_to_someone_who_may_take_a_position",
    "In the phase {phase} of {initiative} no {kinds} may take a position, so a "
    "decision point put only to them could never be answered.",
)
a_decision_point_closes_in_the_future = _rule(
    "a_decision_point_closes_in_the_future",
    "A decision point's closing time ({closes_at}) must lie in the future.",
)
only_eligible_stakeholders_take_positions = _rule(
    "only_eligible_stakeholders_take_positions",
    "Only these kinds of stakeholder may take a position on {decision}: {eligible}; "
    "you take part as {kind}.",
)
positions_are_taken_while_open = _rule(
    "positions_are_taken_while_open",
    "{decision} is {state}; it takes no more positions.",
)
a_late_position_is_refused = _rule(
    "a_late_position_is_refused",
    "{decision} closed at {closes_at}; a position taken after that is late.",
)
a_position_chooses_an_option = _rule(
    "a_position_chooses_an_option",
    "{option} is not an option of {decision}; choose one of {options}.",
)
an_objection_gives_a_reason = _rule(
    "an_objection_gives_a_reason",
    "An objection to {decision} gives its reason.",
)
positions_are_taken_by_the_stakeholder_or_recorded_by_the_facilitator = _rule(
    "positions_are_taken_by_the_stakeholder_or_recorded_by_the_facilitator",
    "A position is taken by the stakeholder themselves, or recorded for them by the "
    "facilitator (from a paper form, a letter or a show of hands at a meeting).",
)
a_position_is_recorded_for_someone_who_takes_part = _rule(
    "a_position_is_recorded_for_someone_who_takes_part",
    "{stakeholder} has not joined {initiative}, or has left it; the facilitator "
    "adds them to it first, then records their position.",
)
only_a_position_recorded_for_someone_says_when_it_was_given = _rule(
    "only_a_position_recorded_for_someone_says_when_it_was_given",
    "Only a position the facilitator records for someone says when it was given; "
    "one taken by the stakeholder themselves counts from when they take it.",
)
a_position_is_recorded_once_it_was_given = _rule(
    "a_position_is_recorded_once_it_was_given",
    "A position is recorded once it was given; {given_at} lies in the future.",
)
a_position_was_given_after_the_point_was_put = _rule(
    "a_position_was_given_after_the_point_was_put",
    "A position given at {given_at} was given before {decision} was put (at {put_at}).",
)
only_an_open_decision_point_is_decided_or_withdrawn = _rule(
    "only_an_open_decision_point_is_decided_or_withdrawn",
    "{decision} is {state}; it can no longer be decided or withdrawn.",
)
a_decision_point_is_decided_once_it_closes = _rule(
    "a_decision_point_is_decided_once_it_closes",
    "{decision} closes at {closes_at}; before then it is decided only once everyone "
    "who may take part has taken a position ({waiting} of {total} have not).",
)

# --- Deadlines -----------------------------------------------------------------------
only_a_passed_deadline_closes = _rule(
    "only_a_passed_deadline_closes",
    "{subject} has no deadline that has passed: {why}.",
)


def passed_deadline(
    subject: str, closes_at: datetime | None, now: datetime, *, recorded: bool = False
) -> datetime:
    """The closing time of ``subject`` if it has passed at ``now`` and its closing is
    not ``recorded`` yet; otherwise :data:`only_a_passed_deadline_closes` refuses."""
    if closes_at is None:
        why = "it has no closing time"
    elif recorded:
        why = f"it already closed at {on_dutch_clocks(closes_at)}"
    elif now < closes_at:
        why = f"it closes at {on_dutch_clocks(closes_at)}"
    else:
        return closes_at
    rule = only_a_passed_deadline_closes
    raise RuleViolation(rule, rule.sentence(subject=subject, why=why))
