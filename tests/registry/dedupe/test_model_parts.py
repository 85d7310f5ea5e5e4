"""The parts of the model that are zicht's own: term frequencies with Good-Turing
smoothing, λ as an EM fixed point, nationality u given a shared family name, the
sound key and the certain rules' given-name conflict."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from zicht.registry.dedupe.conditional import nationality_u_given_family
from zicht.registry.dedupe.model import registry_blocking_rules, registry_comparisons
from zicht.registry.dedupe.normalise import normalise_frame
from zicht.registry.dedupe.odds import reestimate_lambda
from zicht.registry.dedupe.rules import certain_pairs
from zicht.registry.dedupe.term_frequency import good_turing, identity_counts, term_frequencies
from zicht.registry.dedupe.train import cap_unseen_u, u_sample_pairs


def _frame(rows: list[tuple[str | None, str | None, str | None, int | None]]) -> pd.DataFrame:
    raw = pd.DataFrame(rows, columns=["given_names", "family_name", "birth_date",
                                      "birth_year"])
    raw["sex"], raw["nationality"], raw["nationality_2"], raw["bsn_key"] = (
        "female", "NL", None, None)
    out = normalise_frame(raw)
    out["unique_id"] = np.arange(1, len(out) + 1, dtype=np.int64)
    return out


def test_good_turing_shrinks_rare_counts_only() -> None:
    counts = pd.Series([1] * 100 + [2] * 10 + [3] * 3 + [50], index=range(114))
    smoothed = good_turing(counts)
    assert math.isclose(smoothed.iloc[0], 2 * 10 / 100)  # r* = (r+1) N(r+1) / N(r)
    assert math.isclose(smoothed.iloc[100], min(2.0, 3 * 3 / 10))
    assert smoothed.iloc[-1] == 50  # common values keep their count
    assert (smoothed <= counts).all()


def test_a_persons_repeat_reports_count_as_one_identity() -> None:
    rec = _frame([("Anna", "Visser", "1990-01-01", None), ("Anna", "Visser", None, None),
                  ("Anna", "Visser", None, 1990), ("Piet", "Visser", "1970-05-05", None),
                  ("Jan", "Bos", None, None)])
    counts = identity_counts(rec, "family")
    # visser: 2 identities (1990, 1970); bos: 1 (no year, its own identity)
    assert counts["visser"] == 2 and counts["bos"] == 1
    tf = term_frequencies(rec, "family").set_index("family")["tf_family"]
    assert tf["visser"] > tf["bos"]


def test_lambda_is_the_fixed_point_of_the_scored_pairs() -> None:
    n, start = 1000, 1e-4
    total = n * (n - 1) / 2
    # 300 near-certain pairs and 10,000 hopeless ones: about 300 matches in all.
    weights = np.r_[np.full(300, 30.0), np.full(10_000, -40.0)]
    pairs = pd.DataFrame({"unique_id_l": np.arange(len(weights)),
                          "unique_id_r": np.arange(len(weights)) + 1,
                          "match_weight": weights + math.log2(start / (1 - start))})
    pairs["match_probability"] = 1 / (1 + np.exp2(-pairs["match_weight"]))
    out, model = reestimate_lambda(pairs, {"probability_two_random_records_match": start}, n)
    lam = model["probability_two_random_records_match"]
    assert math.isclose(lam, 300 / total, rel_tol=0.01)
    assert math.isclose(out["match_probability"].sum(), lam * total, rel_tol=0.01)


def test_nationality_u_is_counted_on_pairs_sharing_a_family_name() -> None:
    rng = np.random.default_rng(1)
    fam = rng.integers(0, 200, 4000)
    rec = pd.DataFrame({"unique_id": np.arange(4000), "family": [f"f{f}" for f in fam],
                        "nationality": np.where(fam < 100, "PL", "NL"), "nationality_2": None})
    model = {"comparisons": [{"output_column_name": "nationality", "comparison_levels": [
        {"is_null_level": True}, {"u_probability": 0.2}, {"u_probability": 0.01},
        {"u_probability": 0.79}]}]}
    levels = nationality_u_given_family(rec, model)["comparisons"][0]["comparison_levels"]
    assert levels[1]["u_probability"] > 0.99  # same family name: same nationality
    assert levels[3]["u_probability"] <= 0.001


def test_sound_key_survives_vowel_slips_and_is_null_when_short() -> None:
    rec = _frame([("Moeola", "Wouerbeek", None, None), ("Mpeola", "Wouerrbeek", None, None),
                  ("Anna", "Jong", None, None)])
    assert rec["sound_key"].iloc[0] is not None
    assert rec["sound_key"].iloc[2] is None
    slip = _frame([("Moeola", "Wouerbeek", None, None), ("Moeola", "Wuoerbeek", None, None)])
    assert slip["sound_key"].iloc[0] == slip["sound_key"].iloc[1]


def test_sound_key_makes_one_letter_of_one_sound() -> None:
    """Transliterations and spelling variants of one name meet in one block."""
    variants = _frame([("Filip", "Kowalczyk", None, None), ("Philip", "Kovalczyk", None, None),
                       ("Filipp", "Kowalczik", None, None)])
    assert variants["sound_key"].nunique() == 1
    other = _frame([("Filip", "Kowalczyk", None, None), ("Filip", "Kowalski", None, None)])
    assert other["sound_key"].iloc[0] != other["sound_key"].iloc[1]
    # The family name's own skeleton, for a block with the birth year: a given name
    # of vowels has no sound key, its family name still has a skeleton.
    year_only = _frame([("Juyao", "Kostadinchkov", None, 1985),
                        ("Juyeo", "Kostadinchkow", None, 1985)])
    assert year_only["sound_key"].isna().all()
    assert year_only["family_sound"].iloc[0] == year_only["family_sound"].iloc[1] == "kstnkv"


def test_family_names_made_of_particles_stay_in_the_name_key() -> None:
    rec = _frame([("Ngoc Anh", "Lê", None, None), ("Ngoc Anh", "Đỗ", None, None)])
    assert rec["name_key"].iloc[0] != rec["name_key"].iloc[1]


def test_different_second_given_names_are_not_a_certain_match() -> None:
    rec = _frame([("Thi Lan", "Nguyen", "1990-02-03", None),
                  ("Thi Hoa", "Nguyen", "1990-02-03", None),
                  ("Thi", "Nguyen", "1990-02-03", None)])
    pairs = {tuple(sorted(p)) for p in certain_pairs(rec).itertuples(index=False)}
    assert (1, 2) not in pairs
    assert (1, 3) in pairs  # one report has fewer given names: no conflict


def test_u_sample_grows_with_the_registry_within_its_bounds() -> None:
    assert u_sample_pairs(100) == 100 * 99 / 2  # never more pairs than exist
    assert u_sample_pairs(5_000) == 2e6  # FEBRL3: the floor, not 10 M
    assert u_sample_pairs(50_000) == 5e6  # 100 pairs per record
    assert u_sample_pairs(1_000_000) == 5e6  # the cap


def test_the_sibling_correction_carries_no_evidence_without_both_birth_dates() -> None:
    sibling = next(c for c in registry_comparisons(tf=False)
                   if c.get_comparison("duckdb").output_column_name == "sibling")
    levels = sibling.get_comparison("duckdb").comparison_levels
    assert levels[0].is_null_level and "birth_date" in levels[0].sql_condition


def _name_level(left: tuple[str, str], right: tuple[str, str]) -> str:
    """The label of the first name level two reports reach (levels in their order)."""
    import duckdb

    rec = _frame([(left[0], left[1], None, None), (right[0], right[1], None, None)])
    cols = ["given1", "given1_canon", "given1_aliases", "given_all", "given_rest", "family",
            "family_full", "name_key", "full_name", "full_name_all"]
    row = {f"{c}_{side}": rec[c].iloc[i] for i, side in enumerate("lr") for c in cols}
    frame = pd.DataFrame([row]).astype(object)  # noqa: F841 (read by duckdb below)
    name = next(c for c in registry_comparisons(tf=False)
                if c.get_comparison("duckdb").output_column_name == "name")
    for level in name.get_comparison("duckdb").comparison_levels[1:]:
        if duckdb.sql(f"SELECT ({level.sql_condition}) FROM frame").fetchall()[0][0]:
            return str(level.label_for_charts)
    raise AssertionError("no level matched")


def test_nicknames_of_one_formal_name_reach_the_nickname_level() -> None:
    nickname = "nickname of the same given name"
    assert _name_level(("Hans", "Bakker"), ("Johannes", "Bakker")) == nickname  # our table
    assert _name_level(("Bill", "Mason"), ("William", "Mason")) == nickname  # nicknames pkg
    # Two diminutives of one name, neither the other's: they share the formal name.
    assert _name_level(("Bill", "Mason"), ("Will", "Mason")) == nickname
    # Unrelated first names do not.
    assert _name_level(("Bill", "Mason"), ("Peter", "Mason")) == "family exact"


def test_a_typo_is_one_edit_and_a_looser_likeness_its_own_level() -> None:
    # Two neighbouring letters swapped: one edit, though Levenshtein counts two.
    assert _name_level(("Hara", "Schekesma"), ("Ahra", "Schekesma")) == \
        "family exact, one edit in the given name"
    assert _name_level(("Eva", "Olah"), ("Eva", "Loah")) == \
        "given exact, one edit in the family name"
    # Two edits, Jaro-Winkler 0.89: the looser level, with its own weight.
    assert _name_level(("Laior", "Takoak"), ("Laior", "Takoo")) == \
        "given exact, a slip in the family name"
    assert _name_level(("Tiaena", "Polenovic"), ("Tiaana", "Polenowic")) == \
        "one edit in each name"


def test_names_in_another_order_or_slot_have_their_own_levels() -> None:
    # A second given name used first, with a slip in the family name.
    assert _name_level(("Greanne Loaena", "Todorkinova"), ("Loaena Greanne", "Todorkinowa")) \
        == "given names in another order, family similar"
    # The family name written as the given name, the given name (with a slip) as the
    # family name; a report with one name only, written in the family-name slot.
    other_slot = "a name in the other slot, Jaro-Winkler >= 0.88"
    assert _name_level(("Volodymyr", "Hoxin"), ("Hoxin", "Wolodyymyr")) == other_slot
    assert _name_level(("Chiaku", "Bodmaga"), (None, "Chiaku")) == other_slot
    # No given name, a particle and a slip in the family name: the joined names agree.
    assert _name_level(("Agnne Anouk", "van Vliet"), (None, "Vaanvliet")) == \
        "a given name missing, family Jaro-Winkler >= 0.88"
    # Another family name stays another family name.
    assert _name_level(("Anna", "Visser"), ("Anna", "Bakker")) == "given exact"


def _is_twin(left: tuple[str, str, str], right: tuple[str, str, str]) -> bool:
    """Whether two reports reach the sibling correction's twin level."""
    import duckdb

    from zicht.registry.dedupe.model import UnrelatedGivenLevel

    rec = _frame([(left[0], left[1], left[2], None), (right[0], right[1], right[2], None)])
    cols = ["given1", "given1_canon", "given_all", "family", "birth_date"]
    row = {f"{c}_{side}": rec[c].iloc[i] for i, side in enumerate("lr") for c in cols}
    frame = pd.DataFrame([row]).astype(object)  # noqa: F841 (read by duckdb below)
    sql = UnrelatedGivenLevel().get_comparison_level("duckdb").sql_condition
    return bool(duckdb.sql(f"SELECT ({sql}) FROM frame").fetchall()[0][0])


def test_twins_have_unrelated_given_names_not_a_transliteration() -> None:
    assert _is_twin(("Anna", "de Vries", "2001-06-06"), ("Eva", "de Vries", "2001-06-06"))
    assert _is_twin(("Jan", "Bakker", "1997-03-21"), ("Piet", "Bakker", "1997-03-21"))
    # Two edits in a short name (Jaro-Winkler below 0.8): one name written two ways.
    assert not _is_twin(("Juuc", "Rahngkul", "1980-11-27"), ("Zhuuc", "Rahngkul", "1980-11-27"))
    assert not _is_twin(("Ouseir", "Nworama", "1984-04-23"), ("Auaeir", "Nworama", "1984-04-23"))


def test_a_level_the_u_sample_never_saw_is_bounded_by_the_sample_size() -> None:
    # Splink leaves an unseen level at its prior u; 2 M sampled pairs without one say
    # u < ~1 / 2 M, so a prior of 1e-4 would weigh the level 7 bits too little, and
    # which levels the sample misses depends on the report ids it hashes.
    def model(u: list[float | None], fixed: bool = False) -> dict[str, object]:
        return {"comparisons": [{"output_column_name": "name", "comparison_levels": [
            {"is_null_level": True},
            {"u_probability": u[0]},
            {"u_probability": u[1]},
            {"u_probability": u[2], "fix_u_probability": fixed},
            {"u_probability": u[3]},
        ]}]}
    priors = model([1e-4, 1e-4, 1e-4, 0.9])
    trained = model([1e-4, 3e-6, 1e-4, 0.95], fixed=True)
    out = cap_unseen_u(trained, priors, 2e6)
    levels = out["comparisons"][0]["comparison_levels"]  # type: ignore[index]
    assert levels[1]["u_probability"] == 5e-7  # unseen: bounded by the sample
    assert levels[2]["u_probability"] == 3e-6  # estimated: kept
    assert levels[3]["u_probability"] == 1e-4  # fixed on purpose: kept
    assert levels[4]["u_probability"] == 0.95
    # The else level, unseen (no such pairs in the data), keeps its prior: capped it
    # would make disagreement evidence for a match.
    unseen_else = cap_unseen_u(model([1e-4, 3e-6, 1e-4, 0.9]), priors, 2e6)
    assert unseen_else["comparisons"][0]["comparison_levels"][4]["u_probability"] == 0.9  # type: ignore[index]
    # A prior already below the bound stays.
    low = cap_unseen_u(model([1e-7, 1e-7, 1e-7, 0.9]), model([1e-7, 1e-7, 1e-7, 0.9]), 2e6)
    assert low["comparisons"][0]["comparison_levels"][1]["u_probability"] == 1e-7  # type: ignore[index]


def _blocked(left: tuple[str | None, str, str | None], right: tuple[str | None, str, str | None]
             ) -> bool:
    """Whether the registry's blocking rules put two reports (given, family, birth date;
    no nationality, as many reports) in one block."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from zicht.registry.dedupe.splink_io import duckdb_api

    rec = _frame([(*left, None), (*right, None)]).assign(nationality=None)
    rec = rec.drop(columns=["report_id"], errors="ignore")
    df = duckdb_api().register(rec, dataset_display_name="reports")
    with warnings.catch_warnings():  # Splink warns that two records are a small sample
        warnings.simplefilter("ignore", UserWarning)
        counts = count_comparisons_from_blocking_rules(
            df, blocking_rules=registry_blocking_rules(bsn=False), link_type="dedupe_only",
            record_sample_proportion=1.0)
    return int(counts[-1]["cumulative_comparison_count"]) == 1


def test_one_typo_anywhere_in_one_name_is_blocked_without_a_birth_date() -> None:
    # A typo in the first three letters of a short given name, no birth date on one
    # report and no nationality: only the one-deletion keys bring these together.
    assert _blocked(("Kyan", "Verheuvel", None), ("Kysn", "Verheuvel", "1968-06-11"))
    assert _blocked(("Qin", "Wang", "1986-01-28"), ("Qin", "Wng", None))
    assert _blocked(("Milana", "Kiska", None), ("Miana", "Kiska", None))
    # One letter of a three-letter name changed is another name: no block.
    assert not _blocked(("Yong", "Tan", None), ("Yong", "Wan", None))
    # Two letters changed in each name is not a typo.
    assert not _blocked(("Kyan", "Verheuvel", None), ("Koen", "Verhoeven", None))
