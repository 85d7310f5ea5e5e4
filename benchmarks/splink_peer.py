"""The peer of every dedupe row: a textbook Splink set-up, as Splink's tutorials make it.

Comparisons and training follow Splink's own tutorials (the *deduplicate 50k
synthetic* and FEBRL examples): ``NameComparison`` on first name and surname with
term frequencies, ``DateOfBirthComparison`` on the birth date, ``ExactMatch`` (term
frequencies) or ``PostcodeComparison`` / Jaro-Winkler for the other fields a data set
has; blocking on name prefixes, surname + birth date, first name + birth date and the
extra fields; λ from deterministic rules (recall 0.6, as in the tutorial), ``u`` by
random sampling, ``m`` by EM in two sessions (blocked on first name + surname, then on
the birth date); links at match probability 0.5 and clusters at 0.5. Names are only
lower-cased and trimmed: the tutorials do no more.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

__all__ = ["PeerResult", "textbook_splink"]

THRESHOLD = 0.5


@dataclass(frozen=True)
class PeerResult:
    """Pairwise links (i < j, positions in the input) and cluster labels."""

    links: pd.DataFrame
    labels: np.ndarray


def _clean(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip().str.lower()
    return text.where(text.notna() & (text != ""), None).astype(object)


def textbook_splink(frame: pd.DataFrame, extra_exact: tuple[str, ...] = (),
                    address: bool = False) -> PeerResult:
    """Dedupe ``frame`` (``first_name, surname, dob`` as ISO text or null, plus the
    ``extra_exact`` columns and, with ``address``, FEBRL's address columns)."""
    data = pd.DataFrame({"unique_id": np.arange(len(frame), dtype=np.int64),
                         "first_name": _clean(frame["first_name"]),
                         "surname": _clean(frame["surname"]),
                         "dob": _clean(frame["dob"])})
    comparisons = [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("dob", input_is_string=True),
    ]
    rules = [block_on("substr(first_name,1,3)", "substr(surname,1,4)"),
             block_on("surname", "dob"), block_on("first_name", "dob"),
             block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)")]
    for col in extra_exact:
        data[col] = _clean(frame[col])
        comparisons.append(cl.ExactMatch(col).configure(term_frequency_adjustments=True))
    if address:
        for col in ("postcode", "suburb", "address_1", "street_number", "state"):
            data[col] = _clean(frame[col])
        comparisons += [cl.LevenshteinAtThresholds("postcode", [1]),
                        cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
                        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
                        cl.ExactMatch("street_number"), cl.ExactMatch("state")]
        rules += [block_on("postcode", "first_name"), block_on("postcode", "surname"),
                  block_on("substr(postcode,1,3)", "dob")]
    settings = SettingsCreator(link_type="dedupe_only", comparisons=comparisons,
                               blocking_rules_to_generate_predictions=rules,
                               retain_intermediate_calculation_columns=False,
                               retain_matching_columns=False)
    linker = Linker(DuckDBAPI().register(data), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    predicted = linker.inference.predict(threshold_match_probability=THRESHOLD)
    links = predicted.as_pandas_dataframe()[["unique_id_l", "unique_id_r",
                                             "match_probability"]]
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predicted, threshold_match_probability=THRESHOLD).as_pandas_dataframe()
    label_of = pd.Series(clusters["cluster_id"].to_numpy(), index=clusters["unique_id"])
    labels = pd.factorize(label_of.reindex(data["unique_id"]).to_numpy())[0]
    lo = np.minimum(links["unique_id_l"], links["unique_id_r"]).to_numpy(np.int64)
    hi = np.maximum(links["unique_id_l"], links["unique_id_r"]).to_numpy(np.int64)
    return PeerResult(pd.DataFrame({"i": lo, "j": hi}), labels)
