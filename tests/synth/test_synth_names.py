"""The name model: realistic diversity (Zipf head, long tail), determinism, noise."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from zicht.synth import names as N


def _dutch(n: int, seed: int) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    sexes = np.where(rng.random(n) < 0.5, "female", "male")
    return N.draw_names(rng, np.full(n, "NL", dtype=object), sexes)


def test_same_seed_same_names_other_seed_other_names() -> None:
    assert _dutch(2000, 1) == _dutch(2000, 1)
    assert _dutch(2000, 1) != _dutch(2000, 2)
    assert N.tail_name("nl", "family", 12345) == N.tail_name("nl", "family", 12345)


def test_dutch_names_are_diverse_like_real_ones() -> None:
    family, given = _dutch(20_000, 3)
    counts = Counter(family)
    top_share = counts.most_common(1)[0][1] / len(family)
    assert 0.002 < top_share < 0.012  # de Jong: ~0.5% of the Dutch
    assert len(counts) > 6000  # a long tail of rare names
    singletons = sum(1 for c in counts.values() if c == 1)
    assert singletons > 0.2 * len(family)
    first = [f"{g.split()[0]}|{f}" for g, f in zip(given, family, strict=True)]
    shared = Counter(first)
    share_shared = sum(c for c in shared.values() if c > 1) / len(first)
    assert share_shared < 0.10  # was 98.6% with the old short lists


def test_frequencies_fall_with_rank() -> None:
    family, _ = _dutch(20_000, 4)
    ranked = [c for _, c in Counter(family).most_common(200)]
    assert ranked[0] > 3 * ranked[99] and ranked[9] > ranked[199]


@pytest.mark.parametrize("nationality, dominant, low, high", [
    ("VN", "Nguyễn", 0.30, 0.46), ("CN", "Wang", 0.04, 0.11)])
def test_concentrated_origins_keep_their_big_names(nationality: str, dominant: str,
                                                   low: float, high: float) -> None:
    rng = np.random.default_rng(5)
    family, _ = N.draw_names(rng, np.full(3000, nationality, dtype=object),
                             np.full(3000, "male", dtype=object))
    assert low < family.count(dominant) / 3000 < high


def test_polish_and_bulgarian_women_take_the_female_form() -> None:
    rng = np.random.default_rng(6)
    for nat, male_end, female_end in (("PL", "ski", "ska"), ("BG", "ov", "ova")):
        women, _ = N.draw_names(rng, np.full(3000, nat, dtype=object),
                                np.full(3000, "female", dtype=object))
        assert not any(f.endswith(male_end) for f in women)
        assert sum(f.endswith(female_end) for f in women) > 300


def test_noise_rates_match_the_documented_parameters() -> None:
    rng = np.random.default_rng(7)
    n = 20_000
    out = [N.noisy_names(rng, "van den Berg", "Anna Maria", "NL", "female", True)
           for _ in range(n)]
    swapped = sum(1 for f, g in out if "Anna" in f or "ANNA" in f or "anna" in f) / n
    missing = sum(1 for _, g in out if g == "") / n
    married = sum(1 for f, _ in out if "-" in f or "berg" not in f.lower()) / n
    assert abs(swapped - N.NAME_NOISE["swap_names"]) < 0.01
    assert abs(missing - N.NAME_NOISE["given_missing"]) < 0.01
    assert married < 0.2  # married names rare; dropped particles keep "Berg"
    assert Counter(out).most_common(1)[0][0][0] in ("van den Berg",)  # mostly as is


def test_married_names_only_for_adult_women(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in N.NAME_NOISE:
        monkeypatch.setitem(N.NAME_NOISE, key, 0.0)
    monkeypatch.setitem(N.NAME_NOISE, "married_name", 1.0)
    rng = np.random.default_rng(8)
    assert N.noisy_names(rng, "Kowalczyk", "Anna", "PL", "female", True)[0] != "Kowalczyk"
    for sex, adult in (("male", True), ("female", False)):
        assert N.noisy_names(rng, "Kowalczyk", "Anna", "PL", sex, adult) == ("Kowalczyk",
                                                                               "Anna")


def test_nicknames_replace_the_first_given_name(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in N.NAME_NOISE:
        monkeypatch.setitem(N.NAME_NOISE, key, 0.0)
    monkeypatch.setitem(N.NAME_NOISE, "nickname", 1.0)
    rng = np.random.default_rng(9)
    family, given = N.noisy_names(rng, "Nowak", "Katarzyna Maria", "PL", "female", True)
    assert (family, given) == ("Nowak", "Kasia Maria")


def test_related_persons_share_names_and_twins_their_birth_date(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    from zicht.synth.traits import from_day, to_day

    monkeypatch.setitem(N.RELATED, "sibling", 0.5)
    monkeypatch.setitem(N.RELATED, "twin", 1.0)
    monkeypatch.setitem(N.RELATED, "common_name", 0.2)
    rng = np.random.default_rng(10)
    n = 400
    ref = to_day(from_day(0).replace(year=2020))
    ages = np.full(n, 25)
    births = np.full(n, to_day(from_day(0).replace(year=1994, month=3, day=1))) \
        + rng.integers(0, 200, n)
    family, given = N.draw_names(rng, np.full(n, "NL", dtype=object), np.full(n, "female"))
    persons = pd.DataFrame({"nationality": "NL", "sex": "female", "age": ages,
                            "birth_day": births, "ref_day": ref,
                            "family_name": family, "given_names": given})
    before = persons.copy()
    N.relate_persons(rng, persons, np.ones(n, dtype=bool))
    changed_family = persons["family_name"] != before["family_name"]
    assert changed_family.mean() > 0.3
    twins = persons["birth_day"] != before["birth_day"]
    assert twins.any()
    # a twin's birth date is another person's (a sibling's; later relations may have
    # renamed that sibling again)
    others = before["birth_day"]
    for i in np.flatnonzero(twins.to_numpy()):
        assert persons.at[i, "birth_day"] in set(others.drop(i))
    assert (persons["family_name"] == "de Jong").sum() >= 0.1 * n  # the common name
