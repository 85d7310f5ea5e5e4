"""The Splink model for reports of presumed victims: comparisons, blocking, priors.

Every comparison level carries a *prior* ``m`` and ``u`` probability. On a large
registry they are re-estimated from the data (``u`` by random sampling, ``m`` by EM,
see ``zicht.registry.dedupe.train``); on a small one (a registry of twenty reports
cannot train anything) the priors are the model. The priors were set by hand from what
the synthetic world and FEBRL show (documented in ``docs/dedupe.md``): an exact whole
name is ~2,000x likelier among matches than among random pairs, a differing birth date
~50x less likely, and so on.

SQL in the levels uses only functions every Splink dialect has (``substr``, ``abs``,
comparison), so the same settings run on DuckDB and Spark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.dialects import SplinkDialect

__all__ = ["REPORT_DATE_DAYS", "REPORT_DATE_M_FLOOR", "ModelSpec", "build_settings",
           "registry_blocking_rules", "registry_comparisons", "report_date_u"]


def _level(level: ComparisonLevelCreator, m: float, u: float, **kw: Any) -> ComparisonLevelCreator:
    return level.configure(m_probability=m, u_probability=u, **kw)


class CrossJaroWinklerLevel(ComparisonLevelCreator):
    """Jaro-Winkler >= threshold between two *different* columns (name order swaps),
    written with each dialect's own function name."""

    def __init__(self, left: str, right: str, threshold: float) -> None:
        self.left, self.right, self.threshold = left, right, threshold

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        fn = sql_dialect.jaro_winkler_function_name
        return f"{fn}({self.left}, {self.right}) >= {self.threshold}"

    def create_label_for_charts(self) -> str:
        return f"Jaro-Winkler({self.left}, {self.right}) >= {self.threshold}"


def _slip(column: str) -> ComparisonLevelCreator:
    """One typo or transliteration: Jaro-Winkler >= 0.88 (which punishes a slip in a
    short name or in the first letter hard) or one edit; a swap of two neighbouring
    letters is caught by Jaro-Winkler (DuckDB's Damerau-Levenshtein costs 5-10x
    Levenshtein, too slow at a million reports)."""
    return cll.Or(cll.JaroWinklerLevel(column, 0.88), cll.LevenshteinLevel(column, 1))


def _one_edit(column: str) -> ComparisonLevelCreator:
    """One typo: one letter changed, added or dropped, or two neighbouring letters
    swapped (*hara* / *ahra*, *ngola* / *ngloa*: two Levenshtein edits, and Jaro-Winkler
    below 0.88 in a short name). Damerau-Levenshtein costs 5-10x Levenshtein, so it is
    only reached inside an ``And`` after a cheaper condition (an exact name, or a
    Levenshtein of at most two) has narrowed the pairs: DuckDB and Spark evaluate
    ``CASE``/``AND`` on the rows still undecided."""
    return cll.Or(cll.LevenshteinLevel(column, 1),
                  cll.And(cll.LevenshteinLevel(column, 2),
                          cll.DamerauLevenshteinLevel(column, 1)))


def _name_comparison(tf: bool) -> ComparisonCreator:
    tf_full = {"tf_adjustment_column": "full_name", "tf_adjustment_weight": 1.0} if tf else {}
    tf_family = {"tf_adjustment_column": "family", "tf_adjustment_weight": 1.0} if tf else {}
    tf_given = {"tf_adjustment_column": "given1", "tf_adjustment_weight": 1.0} if tf else {}
    tf_all = ({"tf_adjustment_column": "full_name_all", "tf_adjustment_weight": 1.0}
              if tf else {})
    # Splink scales a term frequency by the u of the exact-match level on its column;
    # on ``full_name`` that level is a narrow one (other given names differ), so these
    # levels weigh a name by their own u: weight = log2(m / tf), a cautious bound.
    tf_own = ({**tf_full, "disable_tf_exact_match_detection": True} if tf else {})
    rest_compatible = cll.Or(
        cll.CustomLevel("given_rest_l IS NULL OR given_rest_r IS NULL"),
        cll.JaroWinklerLevel("given_rest", 0.88),
    )
    given_missing = cll.CustomLevel("given1_l IS NULL OR given1_r IS NULL")
    family_like = cll.Or(cll.JaroWinklerLevel("family", 0.88),
                         cll.JaroWinklerLevel("family_full", 0.88))
    # The first given name of one is another given name of the other (a second name
    # used as the first, given names in another order), as whole words.
    given_reordered = cll.CustomLevel(
        "instr(' ' || given_all_r || ' ', ' ' || given1_l || ' ') > 0 "
        "OR instr(' ' || given_all_l || ' ', ' ' || given1_r || ' ') > 0")
    # One name written in the other slot (the family name as the given name; a report
    # with one name only, in either slot).
    other_slot = cll.Or(CrossJaroWinklerLevel("given1_l", "family_r", 0.88),
                        CrossJaroWinklerLevel("family_l", "given1_r", 0.88))
    # A second family name dropped (Spanish names) or added (a married name):
    # one family name is part of the other.
    family_within = cll.CustomLevel(
        "given1_l = given1_r AND ((length(family_r) >= 4 AND instr(family_full_l, family_r) > 0)"
        " OR (length(family_l) >= 4 AND instr(family_full_r, family_l) > 0))")
    swapped = cll.Or(
        cll.ExactMatchLevel("name_key"),
        cll.ColumnsReversedLevel("given1", "family", symmetrical=True),
    )
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="given + family name, normalised",
        comparison_levels=[
            # Only a missing family name makes the names say nothing: a missing given
            # name still leaves the family name to compare (levels below).
            cll.NullLevel("family"),
            _level(cll.ExactMatchLevel("full_name_all"), 0.55, 0.0003,
                   label_for_charts="exact, every given name", **tf_all),
            # First given and family name exact, the other given names compatible: one
            # report has fewer (a dropped second name) or they differ by a slip.
            _level(cll.And(cll.ExactMatchLevel("full_name"), rest_compatible), 0.15, 0.0001,
                   label_for_charts="exact, fewer given names on one", **tf_own),
            # ... or different further given names (Thi Lan / Thi Hoa): weaker.
            _level(cll.ExactMatchLevel("full_name"), 0.01, 0.0001,
                   label_for_charts="exact first given name, other given names differ",
                   **tf_own),
            _level(swapped, 0.06, 0.00002, label_for_charts="same names, other order"),
            _level(
                cll.And(cll.JaroWinklerLevel("given1", 0.92),
                        cll.Or(cll.JaroWinklerLevel("family", 0.92),
                               cll.JaroWinklerLevel("family_full", 0.92))),
                0.12, 0.0006, label_for_charts="both Jaro-Winkler >= 0.92",
            ),
            # A nickname or diminutive (Hans / Johannes, Kasia / Katarzyna, Bill / Will)
            # that string similarity cannot see, with the family name exact or nearly
            # so: the first names share a formal name (nicknames.given_aliases).
            _level(cll.And(cll.ArrayIntersectLevel("given1_aliases", 1),
                           cll.Or(cll.ExactMatchLevel("family"),
                                  cll.JaroWinklerLevel("family", 0.92))),
                   0.03, 0.0002, label_for_charts="nickname of the same given name"),
            # One name exact, a slip in the other, weighed by how common the exact name
            # is. Graded: one edit (a typo) is its own level before the looser
            # Jaro-Winkler >= 0.88 (two edits, a transposition, a dropped syllable:
            # olahoar / olahoath), which another person's similar name reaches more
            # often; EM gives each its own weight.
            _level(cll.And(cll.ExactMatchLevel("family"), _one_edit("given1")),
                   0.03, 0.00005, label_for_charts="family exact, one edit in the given name",
                   **tf_family),
            _level(cll.And(cll.ExactMatchLevel("family"), _slip("given1")), 0.01, 0.00005,
                   label_for_charts="family exact, a slip in the given name", **tf_family),
            _level(cll.And(cll.ExactMatchLevel("given1"), _one_edit("family")),
                   0.03, 0.0001, label_for_charts="given exact, one edit in the family name",
                   **tf_given),
            _level(cll.And(cll.ExactMatchLevel("given1"), _slip("family")), 0.01, 0.0001,
                   label_for_charts="given exact, a slip in the family name", **tf_given),
            # One typo in each name (tiaena polenovic / tiaana polenowic), which
            # Jaro-Winkler can put below 0.92 in short names. After the levels with
            # one name exact: one edit includes none.
            # Its u is too small for the u sample to see (none in 2 M random pairs on
            # the synthetic world), so the prior stays: the order of the rarest levels
            # the sample does see (~2 in 2 M).
            _level(cll.And(_one_edit("given1"), _one_edit("family")), 0.02, 0.000001,
                   label_for_charts="one edit in each name"),
            _level(
                cll.And(cll.JaroWinklerLevel("given1", 0.80),
                        cll.JaroWinklerLevel("family", 0.80)),
                0.05, 0.003, label_for_charts="both Jaro-Winkler >= 0.80",
            ),
            _level(
                cll.And(CrossJaroWinklerLevel("given1_l", "family_r", 0.88),
                        CrossJaroWinklerLevel("family_l", "given1_r", 0.88)),
                0.01, 0.00005, label_for_charts="other order, Jaro-Winkler >= 0.88",
            ),
            _level(cll.And(given_reordered, family_like), 0.01, 0.00005,
                   label_for_charts="given names in another order, family similar"),
            _level(other_slot, 0.01, 0.0002,
                   label_for_charts="a name in the other slot, Jaro-Winkler >= 0.88"),
            _level(family_within, 0.003, 0.00003,
                   label_for_charts="given exact, one family name within the other"),
            _level(cll.And(given_missing, cll.ExactMatchLevel("family")), 0.04, 0.0002,
                   label_for_charts="a given name missing, family exact", **tf_family),
            _level(cll.And(given_missing, family_like), 0.01, 0.0004,
                   label_for_charts="a given name missing, family Jaro-Winkler >= 0.88"),
            # Both given names present and unrelated: after the nickname level, a person
            # rarely gives a wholly other first name (1 in 200 true pairs, not 1 in 50).
            _level(cll.ExactMatchLevel("family"), 0.005, 0.004, label_for_charts="family exact",
                   **tf_family),
            _level(cll.ExactMatchLevel("given1"), 0.02, 0.02, label_for_charts="given exact"),
            _level(cll.ElseLevel(), 0.02, 0.97178),
        ],
    )


def _transposed_digits() -> str:
    """Two neighbouring digits of the year, month or day swapped, the rest equal: one
    Damerau-Levenshtein edit, written with ``substr`` because DuckDB's
    ``damerau_levenshtein`` costs 5-10x its ``levenshtein`` (every candidate pair
    reaches this level: too slow at a million reports)."""
    def swap(i: int) -> str:
        def at(side: str, pos: int, n: int = 1) -> str:
            return f"substr(birth_date_{side}, {pos}, {n})"
        return (f"({at('l', 1, i - 1)} = {at('r', 1, i - 1)} AND "
                f"{at('l', i + 2, 9 - i)} = {at('r', i + 2, 9 - i)} AND "
                f"{at('l', i)} = {at('r', i + 1)} AND {at('l', i + 1)} = {at('r', i)})"
                if i > 1 else
                f"({at('l', 3, 8)} = {at('r', 3, 8)} AND "
                f"{at('l', 1)} = {at('r', 2)} AND {at('l', 2)} = {at('r', 1)})")
    return " OR ".join(swap(i) for i in (1, 2, 3, 6, 9))


def _birth_comparison() -> ComparisonCreator:
    ymd = [("1", "4"), ("6", "2"), ("9", "2")]

    def eq(i: int) -> str:
        a, n = ymd[i]
        return f"substr(birth_date_l, {a}, {n}) = substr(birth_date_r, {a}, {n})"

    swapped = (
        f"{eq(0)} AND substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2) "
        "AND substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)"
    )
    partial = f"({eq(0)} AND {eq(1)}) OR ({eq(0)} AND {eq(2)}) OR ({eq(1)} AND {eq(2)})"
    return cl.CustomComparison(
        output_column_name="birth",
        comparison_description="birth date: exact, typo, partial, year only",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            _level(cll.ExactMatchLevel("birth_date"), 0.80, 0.00008, label_for_charts="exact"),
            # One typo, two neighbouring digits swapped (1985-03-17 / 1985-03-71: one
            # Damerau-Levenshtein edit, two Levenshtein ones) or day and month swapped.
            _level(
                cll.Or(cll.LevenshteinLevel("birth_date", 1), cll.CustomLevel(swapped),
                       cll.CustomLevel(_transposed_digits())),
                0.06, 0.0008, label_for_charts="one typo, swapped digits or day/month swapped",
            ),
            _level(cll.CustomLevel(partial), 0.04, 0.006, label_for_charts="two of y/m/d"),
            # Two full dates that agree in nothing a slip explains: a person's own
            # reports rarely do (a false document, a date made up), different persons
            # nearly always. Strong evidence against, so that two *Anna de Vries*
            # born 13 years apart are two persons however common the name.
            _level(cll.CustomLevel("birth_date_l IS NOT NULL AND birth_date_r IS NOT NULL"),
                   0.002, 0.80, label_for_charts="two full dates, in conflict"),
            _level(
                cll.CustomLevel(
                    "(birth_date_l IS NULL OR birth_date_r IS NULL) "
                    "AND birth_year_l = birth_year_r"
                ),
                0.05, 0.006, label_for_charts="year only, equal",
            ),
            _level(
                cll.CustomLevel("abs(birth_year_l - birth_year_r) <= 1"),
                0.03, 0.012, label_for_charts="year only, within 1",
            ),
            _level(cll.ElseLevel(), 0.018, 0.17512),
        ],
    )


class UnrelatedGivenLevel(ComparisonLevelCreator):
    """Same family name, same full birth date, both first given names present and
    unrelated (not similar, more than two edits apart, not nicknames of one name,
    neither among the other's given names): what twins look like. Two edits is a
    transliteration of one name (*juuc* / *zhuuc*, *ouseir* / *auaeir*), which
    Jaro-Winkler scores below 0.8 in a short name."""

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        jw = sql_dialect.jaro_winkler_function_name
        lev = sql_dialect.levenshtein_function_name
        return ("family_l = family_r AND birth_date_l = birth_date_r "
                "AND given1_l IS NOT NULL AND given1_r IS NOT NULL "
                "AND given1_canon_l <> given1_canon_r "
                f"AND {jw}(given1_l, given1_r) < 0.8 "
                f"AND {lev}(given1_l, given1_r) > 2 "
                "AND instr(given_all_r, given1_l) = 0 AND instr(given_all_l, given1_r) = 0")

    def create_label_for_charts(self) -> str:
        return "same family and birth date, unrelated given names"


#: Weight of the sibling level: it takes back the exact birth date's evidence
#: (log2(0.80 / 0.00008) ~ 13.3 bits).
SIBLING_BITS = -13.3


def _sibling_comparison() -> ComparisonCreator:
    """A correction where Fellegi-Sunter's independence fails: among *different*
    persons who share a family name, a shared birth date is far likelier than among
    random pairs (siblings; twins share both), so the birth date's exact-match weight
    counts evidence that is not there. When the given names are unrelated, this level
    takes that weight back; the names' own level then decides. Fixed (never trained):
    EM and u sampling see too few twins to estimate it.
    """
    m = 1e-6
    u = m / 2 ** SIBLING_BITS
    return cl.CustomComparison(
        output_column_name="sibling",
        comparison_description="twins: same family name and birth date, other given name",
        comparison_levels=[
            # Without both birth dates the sibling level cannot apply: no evidence.
            cll.NullLevel("birth_date"),
            _level(UnrelatedGivenLevel(), m, u, fix_m_probability=True,
                   fix_u_probability=True),
            _level(cll.ElseLevel(), 1 - m, 1 - u, fix_m_probability=True,
                   fix_u_probability=True),
        ],
    )


def _sex_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            _level(cll.ExactMatchLevel("sex"), 0.97, 0.55),
            _level(cll.ElseLevel(), 0.03, 0.45),
        ],
    )


def _nationality_comparison() -> ComparisonCreator:
    overlap = (
        "nationality_l = nationality_2_r OR nationality_2_l = nationality_r "
        "OR nationality_2_l = nationality_2_r"
    )
    return cl.CustomComparison(
        output_column_name="nationality",
        comparison_levels=[
            cll.NullLevel("nationality"),
            _level(cll.ExactMatchLevel("nationality"), 0.93, 0.12),
            _level(cll.CustomLevel(overlap), 0.04, 0.002, label_for_charts="second nationality"),
            _level(cll.ElseLevel(), 0.03, 0.878),
        ],
    )


def _bsn_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="bsn",
        comparison_levels=[
            cll.NullLevel("bsn_key"),
            _level(cll.ExactMatchLevel("bsn_key"), 0.99, 0.000001),
            _level(cll.ElseLevel(), 0.01, 0.999999),
        ],
    )


#: Upper bounds (days apart) of the report-date levels: within a quarter, a year,
#: three years; the else level is further apart.
REPORT_DATE_DAYS: tuple[int, ...] = (90, 365, 1095)
#: Prior m of the report-date levels (<= 90 days, <= 1 year, <= 3 years, further).
_REPORT_DATE_M: tuple[float, ...] = (0.70, 0.15, 0.10, 0.05)
#: Prior u: a registry of several years (replaced by the registry's own count,
#: ``report_date_u``, whenever its reports carry dates).
_REPORT_DATE_U: tuple[float, ...] = (0.05, 0.12, 0.25, 0.58)
#: The least m EM may give the levels beyond 90 days (aligned with their levels). A
#: victim is re-reported after months or years in a real registry (re-victimisation,
#: a care coordinator's report after a police investigation); a registry whose
#: reports of one person all fall within 90 days (as the synthetic world's did until
#: 5 Dec 2026) makes EM learn m ~ 0 for them, a veto no real registry supports.
#: Assumed, not measured: at least 18% of a
#: person's report pairs lie more than 90 days apart (docs/dedupe.md).
REPORT_DATE_M_FLOOR: tuple[float, ...] = (0.10, 0.05, 0.03)
#: The least u of a report-date level: a distance the registry does not yet hold
#: (one year of reports) can come with the next reports, scored with this model.
_REPORT_DATE_U_MIN = 0.005


def report_date_u(report_day: Any) -> tuple[float, ...] | None:
    """The exact share of all pairs of dated reports in each report-date level, from
    the sorted dates (n log n: no sampling noise, and a small registry gets its own
    u instead of the prior). None with fewer than two dated reports."""
    days = np.sort(np.asarray(pd.Series(report_day).dropna(), dtype=np.int64))
    n = len(days)
    if n < 2:
        return None
    total = n * (n - 1) / 2
    within = [float((np.searchsorted(days, days + d, side="right")
                     - np.arange(1, n + 1)).sum()) for d in REPORT_DATE_DAYS]
    shares = [w / total for w in within]
    bands = [shares[0], *(b - a for a, b in pairwise(shares)),
             1.0 - shares[-1]]
    return tuple(max(u, _REPORT_DATE_U_MIN) for u in bands)


def _report_date_comparison(u: Sequence[float] | None) -> ComparisonCreator:
    """Context from the report itself: reports of one victim by different reporters
    lie close in time (police and a care coordinator within weeks or months), while
    two persons with the same common name and only a birth year are usually reported
    years apart. The evidence names and a birth year lack, and it holds for any
    registry: only the date of the report is used, which every report carries.

    The municipality, forms and exploitation period are not compared: the synthetic
    world copies them verbatim between a person's reports, so a gain from them could
    not be measured honestly (docs/dedupe.md). ``u`` is the registry's own exact count
    (``report_date_u``) and fixed; m is trained (EM), with ``REPORT_DATE_M_FLOOR``.
    """
    us = tuple(u) if u is not None else _REPORT_DATE_U
    fix = {"fix_u_probability": True} if u is not None else {}
    labels = [f"within {d} days" for d in REPORT_DATE_DAYS]
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [cll.NullLevel("report_day")]
    for days, m, u_level, label in zip(REPORT_DATE_DAYS, _REPORT_DATE_M, us, labels,
                                       strict=False):
        levels.append(_level(cll.CustomLevel(f"abs(report_day_l - report_day_r) <= {days}"),
                             m, u_level, label_for_charts=label, **fix))
    levels.append(_level(cll.ElseLevel(), _REPORT_DATE_M[-1], us[-1], **fix))
    return cl.CustomComparison(
        output_column_name="report_date",
        comparison_description="days between the report dates",
        comparison_levels=levels,
    )


def registry_comparisons(
    tf: bool = True, bsn: bool = True, sex: bool = True, nationality: bool = True,
    report_date: bool = True, report_date_u: Sequence[float] | None = None,
) -> list[ComparisonCreator]:
    """The comparisons for the registry's reports (names, birth, sex, nationality,
    the report date, BSN)."""
    comparisons = [_name_comparison(tf), _birth_comparison(), _sibling_comparison()]
    if sex:
        comparisons.append(_sex_comparison())
    if nationality:
        comparisons.append(_nationality_comparison())
    if report_date:
        comparisons.append(_report_date_comparison(report_date_u))
    return [*comparisons, _bsn_comparison()] if bsn else comparisons


def registry_blocking_rules(bsn: bool = True) -> list[Any]:
    """Blocking rules: a true pair must agree exactly on at least one of these.

    Together they survive one typo in any single field, a swapped name order, a
    missing birth date and a changed family name (marriage) with the same birth date.
    """
    rules = [
        block_on("given1", "family"),
        block_on("name_key"),
        block_on("birth_date", "substr(given1, 1, 1)"),
        block_on("birth_date", "substr(family, 1, 2)"),
        block_on("family", "birth_year"),
        block_on("given1", "birth_year", "substr(family, 1, 1)"),
        # No birth date and a typo in one name: the other name plus a prefix (three
        # letters, and the nationality for given names: two letters alone make blocks
        # of tens of millions of pairs in a million reports).
        block_on("family", "substr(given1, 1, 3)"),
        block_on("given1", "substr(family, 1, 3)", "nationality"),
        block_on("birth_date", "nationality"),
        # A typo or another transliteration at the start of one name, no birth date:
        # the other name plus the end of this one.
        block_on("given1", "substr(family, -4, 4)"),
        block_on("family", "substr(given1, -3, 3)", "nationality"),
        # No given name on one report: its family name alone (the filter on one side
        # runs before the join, so only the few reports without a given name pay).
        "l.family = r.family AND l.given1 IS NULL",
        "l.family = r.family AND r.given1 IS NULL",
        # ... with a slip in the family name (its start or its end the same), or the
        # one name it has written in the other's given-name slot.
        "l.given1 IS NULL AND substr(l.family, 1, 3) = substr(r.family, 1, 3)",
        "r.given1 IS NULL AND substr(l.family, 1, 3) = substr(r.family, 1, 3)",
        "l.given1 IS NULL AND substr(l.family, -3, 3) = substr(r.family, -3, 3)",
        "r.given1 IS NULL AND substr(l.family, -3, 3) = substr(r.family, -3, 3)",
        "l.given1 IS NULL AND substr(l.family, 1, 3) = substr(r.given1, 1, 3)",
        "r.given1 IS NULL AND substr(l.given1, 1, 3) = substr(r.family, 1, 3)",
        # A slip in both names, no birth date: the names' consonant skeletons.
        block_on("sound_key"),
        # ... or with only a birth year (where the sound key misses: a first given
        # name of vowels, a slip in its consonants): the family name's skeleton, the
        # year and the nationality (without it the rule doubles its pairs for one
        # more true pair in 2,071 on the synthetic world).
        block_on("family_sound", "birth_year", "nationality"),
        # ... or a slip in both names past their first three letters, a birth year.
        block_on("substr(given1, 1, 3)", "substr(family, 1, 3)", "birth_year"),
        # Given and family name swapped, with a typo in one of them.
        "l.given1 = r.family AND substr(l.family, 1, 2) = substr(r.given1, 1, 2)",
        "l.family = r.given1 AND substr(l.given1, 1, 2) = substr(r.family, 1, 2)",
        # One typo in either name anywhere (a short name, the first letters), the other
        # name exact, no birth date: the names' one-deletion forms (normalise.py),
        # exploded, so only names within one edit meet. Last: Splink does not remove
        # an exploding rule's pairs from the rules after it, which would score them twice.
        block_on("family", "given1_del", arrays_to_explode=["given1_del"]),
        block_on("given1", "family_del", arrays_to_explode=["family_del"]),
    ]
    return [block_on("bsn_key"), *rules] if bsn else rules


@dataclass(frozen=True)
class ModelSpec:
    """What a person chooses about the model; ``build_settings`` makes Splink settings."""

    tf: bool = True
    bsn: bool = True
    sex: bool = True
    nationality: bool = True
    #: Compare the report dates (null level where a report has none, as FEBRL).
    report_date: bool = True
    #: The registry's own u of the report-date levels (``report_date_u``); None: priors.
    report_date_u: Sequence[float] | None = None
    extra_comparisons: Sequence[ComparisonCreator] = field(default_factory=tuple)
    extra_blocking_rules: Sequence[Any] = field(default_factory=tuple)
    probability_two_random_records_match: float = 1e-4
    additional_columns_to_retain: Sequence[str] = field(default_factory=tuple)


def build_settings(spec: ModelSpec) -> SettingsCreator:
    """Splink settings for a dedupe of report records prepared by ``normalise_frame``."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            *registry_comparisons(spec.tf, spec.bsn, spec.sex, spec.nationality,
                                  spec.report_date, spec.report_date_u),
            *spec.extra_comparisons,
        ],
        blocking_rules_to_generate_predictions=[
            *registry_blocking_rules(spec.bsn), *spec.extra_blocking_rules
        ],
        probability_two_random_records_match=spec.probability_two_random_records_match,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=list(spec.additional_columns_to_retain),
        max_iterations=20,
    )
