"""The policies of the tables issue 14 found missing, as the seeds imply them: what the
seeds print exactly (the registry's Dublin indication and sectors, the residence scheme,
the justice chain and the suspects of the police source, the chat) is published exactly;
chapter 3's linked tables stay rounded to 5 with small cells suppressed."""

from __future__ import annotations

import pytest

from zicht.disclosure import TableSpec, apply_rules
from zicht.disclosure.rules import policy_for, rule_for

EXACT = {
    "dublin/by_form": "registered_victims",
    "dublin/total": "registered_victims",
    "dublin/criminal_drugs": "registered_victims",
    "figures/2.4_by_reporter": "registered_victims",
    "figures/2.15_age_group": "residence_scheme",
    "figures/2.15_nationalities": "residence_scheme",
    "justice_chain/by_agency": "justice_chain",
    "justice_chain/suspects_age": "justice_chain",
    "justice_chain/suspects_origin": "justice_chain",
    "chat/circumstances": "chat",
}


@pytest.mark.parametrize(("name", "population"), sorted(EXACT.items()))
def test_seed_figures_are_published_exactly(name: str, population: str) -> None:
    assert rule_for(name).population == population
    assert policy_for(name).code == "registry"
    # 59 minors and 7 suspects stay 59 and 7, as the seeds print them (no rounding to 5,
    # no suppression under 10)
    spec = TableSpec(name, ({"k": "a", "n": 59}, {"k": "b", "n": 7}), ("n",), "t", "t")
    assert [r["n"] for r in apply_rules(spec, threshold=10, rounding_base=5).rows] == [59, 7]


def test_chapter_3_split_stays_linked_microdata() -> None:
    """The domestic / cross-border rows of the aid tables are linked microdata: 7 is
    suppressed, 59 becomes 60."""
    assert policy_for("aid/population").code == "protected"
    spec = TableSpec("aid/population", (
        {"breakdown": "form_detail", "category": "domestic_sexual", "persons": 59},
        {"breakdown": "form_detail", "category": "labour", "persons": 7}),
        ("persons",), "t", "t")
    assert [r["persons"] for r in apply_rules(spec, threshold=10, rounding_base=5).rows] \
        == [60, None]
