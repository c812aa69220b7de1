"""The table of rules: each rule is named once, reads as a sentence, and is tested.

The last test keeps this suite honest as the table grows: every rule in
``rules.RULES`` must be refused somewhere in these domain tests through the
``refused(rules.<name>, ...)`` fixture, which checks the rule and its full sentence.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from samenspraak.domain import rules
from samenspraak.domain.decision_point import DecisionPoint
from samenspraak.domain.initiative import Initiative
from samenspraak.domain.plan import Plan
from samenspraak.domain.rules import RULES, DomainError, Rule, RuleViolation

HERE = Path(__file__).parent


def test_every_rule_in_the_table_is_the_module_attribute_of_the_same_name():
    assert RULES
    for name, rule in RULES.items():
        assert isinstance(rule, Rule)
        assert rule.name == name
        assert getattr(rules, name) is rule


def test_every_rule_reads_as_a_sentence():
    for rule in RULES.values():
        assert rule.reason[-1] == "."
        assert rule.reason[0].isupper() or rule.reason.startswith("{")


def test_a_rule_that_holds_raises_nothing():
    assert (
        rules.a_group_must_exist.check(True, initiative="city-centre", group="x")
        is None
    )


def test_a_broken_rule_raises_a_violation_carrying_the_rule_and_its_sentence():
    with pytest.raises(RuleViolation) as excinfo:
        rules.a_group_must_exist.check(False, initiative="city-centre", group="parking")

    assert isinstance(excinfo.value, DomainError)
    assert excinfo.value.rule is rules.a_group_must_exist
    assert excinfo.value.sentence == "city-centre has no group called parking."
    assert str(excinfo.value) == "city-centre has no group called parking."


def test_every_rule_is_refused_somewhere_in_the_domain_tests():
    refused_in_tests = set()
    for path in HERE.glob("test_*.py"):
        refused_in_tests |= set(
            re.findall(r"refused\(\s*rules\.(\w+)", path.read_text("utf-8"))
        )

    assert set(RULES) - refused_in_tests == set()
    assert refused_in_tests - set(RULES) == set()


def test_every_rule_is_documented_with_its_sentence_in_the_rules_page():
    page = (HERE.parents[1] / "docs" / "rules.md").read_text("utf-8")
    for name, rule in RULES.items():
        sentence = rule.reason.replace("|", "\\|")
        assert f"| `{name}` | {sentence}" in page, name


def test_every_rule_is_named_in_the_event_catalogue():
    page = (HERE.parents[1] / "docs" / "event-catalogue.md").read_text("utf-8")
    assert [name for name in RULES if f"`{name}`" not in page] == []


def test_the_event_catalogue_lists_every_topic_in_its_table():
    page = (HERE.parents[1] / "docs" / "event-catalogue.md").read_text("utf-8")
    table = page[page.index("## All topics") :]
    for aggregate in (Initiative, Plan, DecisionPoint):
        for name, member in vars(aggregate).items():
            if (
                isinstance(member, type)
                and issubclass(member, aggregate.Event)
                and member is not aggregate.Event
            ):
                assert f".{name}`" in table, name
