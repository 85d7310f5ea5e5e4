"""Every planted parameter and calibration target of the synthetic world, in one place.

Numbers marked *published* come from METHODOLOGY §5 and the seeds (the monitor
2016-2020, the factsheet 2019-2023, the brochure of 2020); every other number is
*planted*: a plausible value chosen so that the published ones hold, documented in
``docs/synthetic-world.md`` and written to ``truth/parameters.json``. Counts are for
scale 1 (the Netherlands) and are multiplied by ``--scale``.
"""

from __future__ import annotations

from typing import Any

YEARS: tuple[int, ...] = tuple(range(2010, 2025))
DUTCH_RESIDENTS = 17_500_000  # published (CBS, ~2016)
POPULATION_DATE = "2016-01-01"  # the register holds everyone resident on this date

# --- registry: unique registered victims (KMar-only sexual excluded) ---------------
# published: 2019, 2020, 2016-2020 (sum 4,894) and 2023; others planted.
VICTIMS: dict[int, int] = {
    2010: 990, 2011: 1210, 2012: 1700, 2013: 1430, 2014: 1550, 2015: 1320,
    2016: 952, 2017: 958, 2018: 666, 2019: 1334, 2020: 984,
    2021: 900, 2022: 780, 2023: 868, 2024: 910,
}
#: Victims with the forms sexual (S), labour (L), criminal (C) counted with overlap,
#: and the overlaps SC, LS, LC, SLC (victims in exactly these forms). 2019-2020 and
#: the 2016-2020 sums are published (fig 2.2); other years planted.
FORM_TOTALS: dict[int, dict[str, int]] = {
    2016: {"S": 587, "L": 208, "C": 69, "SC": 3, "LS": 1, "LC": 1, "SLC": 0},
    2017: {"S": 591, "L": 210, "C": 70, "SC": 3, "LS": 1, "LC": 1, "SLC": 1},
    2018: {"S": 411, "L": 146, "C": 48, "SC": 3, "LS": 1, "LC": 1, "SLC": 0},
    2019: {"S": 826, "L": 261, "C": 331, "SC": 173, "LS": 10, "LC": 8, "SLC": 5},
    2020: {"S": 404, "L": 449, "C": 154, "SC": 45, "LS": 13, "LC": 8, "SLC": 4},
}
#: Shares of victims per form for years without published totals (planted).
FORM_SHARES_EARLY = {"S": 0.72, "L": 0.14, "C": 0.07, "SC": 0.01, "LS": 0.003, "LC": 0.003,
                     "SLC": 0.0}
FORM_SHARES_LATE = {"S": 0.45, "L": 0.33, "C": 0.14, "SC": 0.02, "LS": 0.008, "LC": 0.008,
                    "SLC": 0.003}
#: Sexual victims by nationality: Dutch (domestic), foreign (cross-border), unknown.
#: 2019 (668 cross-border), 2020 (289 cross-border; domestic 11% of all) published.
SEXUAL_NATIONALITY: dict[int, tuple[int, int, int]] = {2019: (150, 668, 8), 2020: (108, 289, 7)}
SEXUAL_DOMESTIC_SHARE = 0.35  # planted, other years
SEXUAL_UNKNOWN_NAT_SHARE = 0.015

# --- sex, age (published where a year is given) -------------------------------------
MALE_SHARE: dict[int, float] = {2016: 0.29, 2017: 0.31, 2018: 0.30, 2019: 0.47, 2020: 0.42}
MALE_SHARE_DEFAULT = 0.33
SEX_UNKNOWN_SHARE = 0.01
#: Propensity to be male by main form (planted; sexual victims are mostly women).
MALE_WEIGHT = {"domestic_sexual": 0.05, "cross_border_sexual": 0.12, "sexual_unknown": 0.1,
               "labour": 1.0, "criminal": 0.8, "unknown": 0.5}
#: Under-23 share of victims with a known age; minors (count at scale 1).
UNDER23_SHARE: dict[int, float] = {2014: 0.45, 2016: 0.43, 2017: 0.38, 2018: 0.38,
                                   2019: 0.30, 2020: 0.22, 2023: 0.20}
UNDER23_SHARE_EARLY, UNDER23_SHARE_LATE = 0.45, 0.22
MINORS: dict[int, int] = {2014: 274, 2016: 190, 2017: 150, 2018: 110, 2019: 98, 2020: 68,
                          2023: 52}
MINOR_SHARE_EARLY, MINOR_SHARE_LATE = 0.17, 0.065
MINOR_WEIGHT = {"domestic_sexual": 6.0, "cross_border_sexual": 1.0, "sexual_unknown": 2.0,
                "labour": 0.07, "criminal": 1.2, "unknown": 2.0}
ADOLESCENT_WEIGHT = {"domestic_sexual": 3.0, "cross_border_sexual": 1.5,
                     "sexual_unknown": 1.0, "labour": 0.35, "criminal": 1.2, "unknown": 1.0}
MEAN_AGE: dict[int, float] = {2019: 27.0, 2020: 29.0}  # published (known ages)
MEAN_AGE_23PLUS_LABOUR = 36.5  # gives the published labour mean age 35
MEAN_AGE_23PLUS_OTHER = 31.0
AGE_UNKNOWN_FAIRWORK = 0.40  # FairWork contacts are fleeting (seed 003 §2.3.5)
AGE_UNKNOWN_OTHER = 0.03

# --- origin: region shares per main form and period (planted to give §5) -------------
REGIONS = ("netherlands", "eu", "other_europe", "africa", "asia", "latin_america",
           "other_unknown")
_R = dict[str, float]
REGION_SHARES: dict[str, dict[str, _R]] = {
    "cross_border_sexual": {
        "early": {"eu": .48, "other_europe": .05, "africa": .30, "asia": .10,
                  "latin_america": .07},
        "mid": {"eu": .27, "other_europe": .04, "africa": .50, "asia": .11,
                "latin_america": .08},
        "2019": {"eu": .05, "other_europe": .01, "africa": .83, "asia": .08,
                 "latin_america": .03},
        "2020": {"eu": .33, "other_europe": .03, "africa": .38, "asia": .08,
                 "latin_america": .18},
        "late": {"eu": .27, "other_europe": .04, "africa": .43, "asia": .11,
                 "latin_america": .15},
    },
    "labour": {
        "early": {"netherlands": .08, "eu": .55, "other_europe": .07, "africa": .08,
                  "asia": .15, "latin_america": .02, "other_unknown": .05},
        "mid": {"netherlands": .06, "eu": .50, "other_europe": .08, "africa": .12,
                "asia": .16, "latin_america": .03, "other_unknown": .05},
        "2019": {"netherlands": .05, "eu": .60, "other_europe": .07, "africa": .08,
                 "asia": .12, "latin_america": .03, "other_unknown": .05},
        "2020": {"netherlands": .02, "eu": .76, "other_europe": .05, "africa": .02,
                 "asia": .05, "latin_america": .02, "other_unknown": .08},
        "late": {"netherlands": .04, "eu": .62, "other_europe": .10, "africa": .05,
                 "asia": .10, "latin_america": .03, "other_unknown": .06},
    },
    "criminal": {
        "early": {"netherlands": .35, "eu": .25, "other_europe": .03, "africa": .20,
                  "asia": .10, "latin_america": .02, "other_unknown": .05},
        "mid": {"netherlands": .25, "eu": .10, "other_europe": .02, "africa": .47,
                "asia": .10, "latin_america": .03, "other_unknown": .03},
        "2019": {"netherlands": .04, "eu": .03, "other_europe": .01, "africa": .88,
                 "asia": .02, "latin_america": .01, "other_unknown": .01},
        "2020": {"netherlands": .07, "eu": .06, "other_europe": .01, "africa": .80,
                 "asia": .03, "latin_america": .02, "other_unknown": .01},
        "late": {"netherlands": .25, "eu": .10, "other_europe": .02, "africa": .50,
                 "asia": .07, "latin_america": .02, "other_unknown": .04},
    },
    "unknown": {
        "early": {"netherlands": .35, "eu": .20, "other_europe": .03, "africa": .25,
                  "asia": .07, "latin_america": .03, "other_unknown": .07},
        "mid": {"netherlands": .28, "eu": .10, "other_europe": .02, "africa": .42,
                "asia": .07, "latin_america": .04, "other_unknown": .07},
        "2019": {"netherlands": .08, "eu": .02, "africa": .75, "asia": .05,
                 "latin_america": .03, "other_unknown": .07},
        "2020": {"netherlands": .25, "eu": .20, "africa": .30, "asia": .06,
                 "latin_america": .08, "other_unknown": .11},
        "late": {"netherlands": .30, "eu": .15, "other_europe": .03, "africa": .35,
                 "asia": .07, "latin_america": .04, "other_unknown": .06},
    },
}
#: Nationalities within a region, weighted, per main form ("*" = any form).
NATIONALITIES: dict[str, dict[str, dict[str, float]]] = {
    "netherlands": {"*": {"NL": 1.0}},
    "eu": {
        "labour": {"PL": 35, "HU": 17, "BG": 18, "RO": 21, "LT": 3, "SK": 2, "PT": 2, "ES": 1},
        "cross_border_sexual": {"RO": 30, "BG": 22, "HU": 25, "PL": 12, "LT": 3, "SK": 3,
                                "CZ": 3, "ES": 2},
        "*": {"RO": 40, "BG": 20, "PL": 15, "HU": 10, "LT": 15},
    },
    "other_europe": {"*": {"UA": 40, "AL": 25, "MD": 15, "RS": 10, "RU": 10}},
    "africa": {
        "cross_border_sexual": {"NG": 62, "UG": 9, "GH": 7, "SL": 6, "GN": 5, "ER": 3,
                                "MA": 4, "CM": 4},
        "criminal": {"NG": 34, "GN": 18, "ER": 10, "SD": 8, "CI": 10, "GM": 8, "SL": 6,
                     "MA": 6},
        "labour": {"NG": 25, "GH": 20, "MA": 25, "EG": 15, "ET": 15},
        "*": {"NG": 40, "ER": 15, "GN": 15, "MA": 15, "GH": 15},
    },
    "asia": {"*": {"CN": 25, "TH": 15, "VN": 20, "IN": 15, "PH": 15, "ID": 5, "IR": 5}},
    "latin_america": {"*": {"BR": 30, "CO": 25, "VE": 20, "DO": 15, "SR": 10}},
    "other_unknown": {"*": {"": 1.0}},  # nationality not known to the reporter
}
#: ISO code -> region (the synthetic world's own mapping; classify has its own).
REGION_OF: dict[str, str] = {
    nat: region for region, by_form in NATIONALITIES.items()
    for table in by_form.values() for nat in table if nat
}
#: Probability that a person of this region lives in the population register (BRP).
RESIDENT_PROB = {"netherlands": 0.98, "eu": 0.45, "other_europe": 0.25, "africa": 0.12,
                 "asia": 0.25, "latin_america": 0.30, "other_unknown": 0.10}
SECOND_NATIONALITY_PROB = 0.06  # dual nationals (e.g. NL + MA); report-level noise too

# --- sectors and manners -----------------------------------------------------------
SEXUAL_SECTOR_KNOWN = 0.49  # published 2016-2020
SEXUAL_SECTOR_WEIGHTS = {"window": 14, "club_brothel": 10, "private_house": 8, "street": 4,
                         "home": 30, "escort_hotel": 22, "other": 12}
LABOUR_SECTOR_KNOWN: dict[int, float] = {2016: 0.72, 2017: 0.72, 2018: 0.72, 2019: 0.70,
                                         2020: 0.61}
LABOUR_SECTOR_KNOWN_DEFAULT = 0.70
FAIRWORK_SECTOR_UNKNOWN_2020 = 0.44  # published
LABOUR_SECTOR_WEIGHTS = {"agriculture": 8, "horticulture": 10, "meat_processing": 7,
                         "manufacturing": 6, "construction": 9, "logistics": 8,
                         "transport": 6, "retail": 5, "horeca": 14, "household": 11,
                         "cleaning": 7, "other_services": 9, "shipping": 3, "other_work": 6}
TWO_LABOUR_SECTORS_PROB = 0.05
CRIMINAL_MANNER: dict[str, dict[str, float]] = {
    "2020": {"drugs": .67, "property": .12, "begging": .05, "fraud": .06, "other": .06,
             "": .04},
    "*": {"drugs": .50, "property": .20, "begging": .08, "fraud": .08, "other": .08, "": .06},
}
DRUGS_AFRICAN_DUBLIN_2020 = 0.85  # published
DUBLIN_PROB = {"africa": 0.6, "asia": 0.2, "other_europe": 0.1, "latin_america": 0.1}
#: Labour 2020 report months (published: peak March-May).
LABOUR_MONTHS_2020 = (5, 6, 14, 16, 13, 9, 8, 7, 7, 6, 5, 4)

# --- reporters (detection) ----------------------------------------------------------
REPORTER_CODES = ("police", "kmar", "inspectie_szw", "fairwork", "care_coordinator", "other")
REPORTS_PER_VICTIM = 5533 / 4894  # published 2016-2020
#: Share of registered victims (KMar-only left out) on two or more reporter-type lists,
#: 2010-2015: published in the MSE literature on the Dutch registry (six reporter types,
#: 8,234 victims with KMar-only; 5.2% with them). Half the 2016-2020 overlap.
MULTI_LIST_SHARE_2010_2015 = 0.062
MULTI_LIST_SHARE_2010_2015_WITH_KMAR_ONLY = 0.052
#: Reports (distinct victim-reporter pairs) per victim in 2010-2015, planted so that the
#: share above holds (about one extra report per victim on two lists; the conditioning on
#: the margins adds a few on three lists; calibrated on seed 2, see docs).
REPORTS_PER_VICTIM_2010_2015 = 1.0 + MULTI_LIST_SHARE_2010_2015 * 0.95


def reports_per_victim(year: int) -> float:
    """Distinct reporter types per registered victim in ``year`` (the capture margins)."""
    return REPORTS_PER_VICTIM_2010_2015 if year <= 2015 else REPORTS_PER_VICTIM
#: Reports by reporter per main form (planted so the published shares hold: police
#: 59% BL-SU, 72% GO-SU, 73% criminal, 14% labour; no legal basis 40/27/67/27%).
REPORTER_SHARES: dict[str, dict[str, float]] = {
    "domestic_sexual": {"police": .66, "kmar": .005, "inspectie_szw": .005, "fairwork": .01,
                        "care_coordinator": .20, "other": .12},
    "cross_border_sexual": {"police": .79, "kmar": .008, "inspectie_szw": .002,
                            "fairwork": .01, "care_coordinator": .10, "other": .09},
    "sexual_unknown": {"police": .5, "kmar": .02, "inspectie_szw": .0, "fairwork": .03,
                       "care_coordinator": .2, "other": .25},
    "labour": {"police": .15, "kmar": .01, "inspectie_szw": .25, "fairwork": .45,
               "care_coordinator": .05, "other": .09},
    "criminal": {"police": .78, "kmar": .01, "inspectie_szw": .0, "fairwork": .02,
                 "care_coordinator": .09, "other": .12},
    "unknown": {"police": .45, "kmar": .03, "inspectie_szw": .02, "fairwork": .05,
                "care_coordinator": .20, "other": .25},
}
POLICE_REPORTS: dict[int, int] = {2019: 953, 2020: 468}  # published
POLICE_REPORTS_2016_2018 = 2829 - 953 - 468  # published 2,829 police reports 2016-2020
SZW_REPORTS: dict[int, int] = {2019: 46, 2020: 38}  # published
FAIRWORK_LABOUR_2020 = 0.84  # published share of 2020 labour victims
#: List dependence: odds ratio of being found by the second list when the first found
#: the person (two-way interactions of the capture process, ``capture.py``).
AFFINITY: dict[tuple[str, str], float] = {
    ("police", "care_coordinator"): 4.0, ("care_coordinator", "police"): 4.0,
    ("police", "kmar"): 3.0, ("kmar", "police"): 3.0,
    ("fairwork", "inspectie_szw"): 5.0, ("inspectie_szw", "fairwork"): 5.0,
    ("other", "care_coordinator"): 2.0, ("care_coordinator", "other"): 2.0,
}
HETEROGENEITY_SD = 1.0  # sd of u for the KMar-only group (others: CAPTURE_HETEROGENEITY)
#: Heterogeneity of the capture process: sd of the latent visibility on the logit scale,
#: the same in every stratum (planted; the dependence ``rho`` is solved, ``capture.py``).
CAPTURE_HETEROGENEITY = 1.0
POLICE_UNIT_REPORTS_2016_2020 = 2905  # published; 2,829 victim-police pairs
UNIT_NOORD_NEDERLAND: dict[int, int] = {2019: 233, 2020: 71}  # published
UNIT_LANDELIJKE: dict[int, int] = {2016: 1, 2020: 1}  # published; 0 in other years
#: Regional-unit weights when no published figure pins them (planted).
UNIT_WEIGHTS = {"noord-nederland": 14, "oost-nederland": 13, "midden-nederland": 9,
                "noord-holland": 8, "amsterdam": 12, "den-haag": 10, "rotterdam": 11,
                "zeeland-west-brabant": 8, "oost-brabant": 9, "limburg": 6}
#: KMar-only sexual victims (excluded from the monitor's analyses), planted.
KMAR_ONLY: dict[int, int] = {2010: 60, 2011: 70, 2012: 80, 2013: 70, 2014: 60, 2015: 50,
                             2016: 40, 2017: 30, 2018: 20, 2019: 25, 2020: 10, 2021: 12,
                             2022: 10, 2023: 8, 2024: 8}
#: Anonymous reports (no consent): 605 in 2023 published; the rise after the GDPR (2018)
#: is planted.
ANONYMOUS: dict[int, int] = {2010: 30, 2011: 30, 2012: 35, 2013: 35, 2014: 40, 2015: 40,
                             2016: 45, 2017: 50, 2018: 150, 2019: 250, 2020: 300, 2021: 400,
                             2022: 500, 2023: 605, 2024: 620}
ANONYMOUS_OF_REGISTERED = 0.25  # share of anonymous reports about a registered victim
RESEND_PROB = 0.03  # a report re-sent (same report_ref) in the next year's file

# --- identity noise on reports (planted) --------------------------------------------
#: Noise on later reports of a victim, apart from names (``names.NAME_NOISE``).
NOISE = {
    "birth_year_only": 0.10, "birth_date_missing": 0.08, "day_month_swap": 0.03,
    "bsn_police_nl": 0.6, "bsn_other_nl": 0.25, "bsn_foreign_resident": 0.3,
    "nationality_missing": 0.04,
}
FOREIGN_BIRTH_YEAR_ONLY = 0.25  # foreign victims often know only their year of birth
#: Days from a victim's first report to a later one: 364 * U**3 (U uniform), capped at
#: 31 December (a victim's reports stay in one year): median 45 days, 63% within 90,
#: 21% after 180. Until 5 Dec 2026 every later report came within 90 days, which made
#: report-date proximity an unrealistically perfect signal for the dedupe (issue 13).
LATER_REPORT_DAYS, LATER_REPORT_POWER = 364, 3.0

# --- the hidden population (truth) --------------------------------------------------
#: True victims a year by form (planted; brochure 2020: 5,000-7,500 a year, of whom
#: ~1,300 minors in domestic sexual and ~1,400 in labour or criminal exploitation).
HIDDEN: dict[str, int] = {"domestic_sexual": 2000, "cross_border_sexual": 2300,
                          "labour": 1000, "criminal": 420, "unknown": 550}
HIDDEN_MINOR_DOMESTIC = 0.65  # of unregistered domestic sexual victims
HIDDEN_YEAR_FACTOR = {2010: 0.95, 2011: 0.96, 2012: 1.0, 2013: 1.0, 2014: 1.0, 2015: 1.0,
                      2016: 1.0, 2017: 1.0, 2018: 1.0, 2019: 1.05, 2020: 1.0, 2021: 1.0,
                      2022: 0.98, 2023: 0.98, 2024: 1.0}
HIDDEN_MIN_RATIO = 1.4  # hidden >= 1.4 x registered in every form and year

# --- police incidents (BVH) ---------------------------------------------------------
#: Unique trafficking victims per index year in the population register (planted to give
#: chapter 4: 3,150 in 2010-2020; cohorts 2,460 / 1,270 / 840) and not in it (975 in
#: 2016-2020, chapter 3).
BVH_RESIDENT: dict[int, int] = {2010: 210, 2011: 210, 2012: 210, 2013: 210, 2014: 215,
                                2015: 215, 2016: 397, 2017: 397, 2018: 396, 2019: 345,
                                2020: 345, 2021: 330, 2022: 330, 2023: 330, 2024: 330}
BVH_NON_RESIDENT: dict[int, int] = {y: (195 if 2016 <= y <= 2020 else 110) for y in YEARS}
BVH_FORM_RESIDENT = {"domestic_sexual": .38, "cross_border_sexual": .37, "criminal": .06,
                     "labour": .05, "unknown": .14}
BVH_FORM_NON_RESIDENT = {"cross_border_sexual": .45, "criminal": .30, "labour": .10,
                         "unknown": .15}
BVH_FEMALE_WEIGHT = 1.5  # police register mostly women (76-82% female)
BVH_MINOR_WEIGHT = 0.6  # chapter 3: 16% minors, 28% adolescents
BVH_POLICE_REPORT_WEIGHT = 8.0  # list dependence registry police <-> BVH
#: Median length (days) of the offence period the police record for an incident: the
#: seed's chapter 3 selects incidents by its start (2016-2020) and end (before 2020); the
#: whole exploitation (median 420 days) kept only 1,080 of the published 1,630, and more
#: minors (31% against 16%), whose exploitation is shorter.
BVH_OFFENCE_DAYS = 60.0
F5293_SHARE = {y: (0.52 if y <= 2016 else 0.35 if y == 2017 else 0.0) for y in YEARS}
OFFENCE_CODES = {"sexual": "F242", "violence": "F300", "homicide": "F287",
                 "property": "F310", "public_order": "F141", "threat": "F285",
                 "other": "F999"}  # synthetic codes named after Criminal Code articles
TRAFFICKING_CODE = {"sexual": "F561", "labour": "F562", "criminal": "F563", "organ": "F564",
                    "other": "F565", "unknown": "F5293"}
#: Revictimisation: probability of ever being a victim again (cure model) by sex and
#: age at the index incident, and time to the first new incident ~ Exponential. Fitted
#: to chapter 4: 30% / 45% / 50% within 2 / 5 / 7 years; days to first new incident
#: median 483, mean 618, SD 508; women 45% vs men 24%; under 23 about half.
REVICTIM_PROB = {("female", True): 0.62, ("female", False): 0.47, ("male", True): 0.34,
                 ("male", False): 0.24}
REVICTIM_MEAN_DAYS = 854.0
REVICTIM_EXTRA_INCIDENTS = 1.1  # Poisson mean of further incidents after the first
REVICTIM_GAP_DAYS = 300.0
NEW_INCIDENT_GROUPS = {"trafficking": .085, "sexual": .075, "violence": .27, "homicide": .009,
                       "property": .20, "public_order": .09, "threat": .15, "other": .121}
#: Victim reports (aangiften) on trafficking incidents: 229 (2020) to 152 (2023),
#: criminal exploitation 31% to <12% of them (published).
AANGIFTEN: dict[int, int] = {2010: 210, 2011: 215, 2012: 220, 2013: 225, 2014: 230,
                             2015: 235, 2016: 250, 2017: 245, 2018: 240, 2019: 235,
                             2020: 229, 2021: 200, 2022: 175, 2023: 152, 2024: 150}
AANGIFTEN_CRIMINAL_SHARE = {2020: .31, 2021: .24, 2022: .17, 2023: .11}
AANGIFTEN_CRIMINAL_DEFAULT = .15

# --- justice chain (planted to give 120-130 convictions, 70-75% of summoned, summons
# rate 43% in 2023, mean unconditional prison 1 year 10 months) ------------------------
SUSPECT_KNOWN = {y: (0.55 if y <= 2019 else 0.50 if y <= 2021 else 0.46) for y in YEARS}
TO_PROSECUTION = 0.95
PROSECUTION_LAG = (0.4, 0.45, 0.15)  # years 0, 1, 2 after the incident
SUMMONS_RATE = {y: (0.58 if y <= 2020 else {2021: .52, 2022: .48, 2023: .43}.get(y, .45))
                for y in YEARS}
COURT_LAG = (0.3, 0.55, 0.15)
CONVICTION_RATE = {"default": 0.73, "labour": 0.60}
UNCONDITIONAL_PRISON = 0.85
PRISON_MEAN_DAYS = {"default": 670.0, "labour": 420.0}  # 1 y 10 m published overall
NLA_CASE_SHARE = 0.04  # incidents from the labour inspectorate, not the police
#: P(suspect known) of a labour case relative to other cases (see SUSPECT_KNOWN).
SUSPECT_KNOWN_LABOUR_FACTOR = 0.55  # labour: 10% of cases, 6% of investigations
#: Suspects registered with a trafficking incident (offender monitor, letter 002): a
#: share of incidents has none; the others 1 + Poisson(extra). Under-23 share of
#: offenders: 4 in 10 for domestic sexual exploitation (002, published); the other
#: forms are older (not published: planted). Ages 15-22 / 23 + Gamma(2, 7) years.
SUSPECT_REGISTERED = 0.75
SUSPECT_EXTRA_MEAN = 0.4
SUSPECT_UNDER23: dict[str, float] = {"domestic_sexual": 0.39, "cross_border_sexual": 0.15,
                                     "labour": 0.08, "criminal": 0.30, "unknown": 0.20}
#: Nationality of suspects per form (not published: planted, roughly the offender
#: monitor's picture of Dutch domestic offenders and foreign cross-border networks).
SUSPECT_NATIONALITY: dict[str, dict[str, float]] = {
    "domestic_sexual": {"NL": .86, "MA": .04, "TR": .03, "SR": .03, "RO": .02, "": .02},
    "cross_border_sexual": {"NL": .35, "RO": .15, "BG": .12, "HU": .10, "NG": .10,
                            "CN": .05, "BR": .05, "": .08},
    "labour": {"NL": .40, "PL": .15, "RO": .10, "CN": .10, "BG": .08, "IN": .07, "": .10},
    "criminal": {"NL": .60, "MA": .10, "NG": .08, "RO": .07, "": .15},
    "unknown": {"NL": .50, "RO": .10, "BG": .08, "NG": .07, "": .25},
}

# --- IND residence scheme (planted to give 2,095 users, 1,755 temporary decisions,
# 1,072 in 2019-2020, 608 continued-residence decisions in 2016-2020) -----------------
IND_NEW_USERS: dict[int, int] = {2010: 240, 2011: 240, 2012: 240, 2013: 240, 2014: 240,
                                 2015: 240, 2016: 252, 2017: 252, 2018: 252, 2019: 876,
                                 2020: 261, 2021: 285, 2022: 285, 2023: 285, 2024: 285}
IND_REFLECTION = 0.8
IND_TEMPORARY = 0.95
IND_TEMPORARY_SAME_YEAR = 0.7
IND_TEMPORARY_421 = 0.05  # the 'schrijnend' path
IND_TEMP_OUTCOME = {"granted": .70, "rejected": .25, "other": .05}
IND_CONTINUED = 0.77  # of granted temporary residence, after three years
IND_CONTINUED_301 = 0.2
IND_CONT_OUTCOME = {"granted": .6, "rejected": .3, "other": .1}
IND_GROUND = {"cooperation": .4, "prosecution": .3, "humanitarian": .2, "other": .1}
IND_DUBLIN: dict[int, float] = {2019: .72, 2020: .58}
IND_DUBLIN_DEFAULT = .35
#: Selection weight of a minor among residence-scheme users: "only 59 minors" of the
#: 2,095 users of 2016-2020 (003 §2.4.3, 2.8%); Nigeria 788 (37.6%) holds unweighted.
IND_MINOR_WEIGHT = 0.1

# --- linked care and costs (planted effects of chapter 3) ---------------------------
YOUTH_CARE_VICTIM_MINOR = 0.55  # within a year after the offence period (published)
YOUTH_CARE_BASE_MINOR = 0.11  # a year, population minors (5x smaller, published)
YOUTH_CARE_BASE_18_22 = 0.02
#: Per person with youth care: probability of each trajectory type (any of them).
YOUTH_TYPES_VICTIM = {"secure_placement": .41, "other_residential": .38, "crisis": .17,
                      "ambulant": .30, "neighbourhood_team": .10, "foster_care": .08,
                      "family_style": .05, "day_care": .03, "network": .02}
YOUTH_TYPES_BASE = {"ambulant": .60, "neighbourhood_team": .35, "crisis": .07,
                    "day_care": .05, "network": .04, "foster_care": .04,
                    "family_style": .02, "secure_placement": .02, "other_residential": .04}
WITH_STAY = ("foster_care", "family_style", "secure_placement", "other_residential")
REFERRER_VICTIM = {"certified_institution": .35, "municipality": .25, "gp": .10,
                   "youth_doctor": .05, "medical_specialist": .10, "none": .10,
                   "unknown": .05}
REFERRER_BASE = {"municipality": .45, "gp": .30, "youth_doctor": .08,
                 "certified_institution": .05, "medical_specialist": .07, "none": .03,
                 "unknown": .02}
END_REASON_VICTIM = {"to_plan": .76, "by_client": .10, "by_provider": .08, "other": .06}
END_REASON_BASE = {"to_plan": .80, "by_client": .08, "by_provider": .05, "other": .07}
YOUTH_CARE_MEAN_DAYS = 240.0
WMO_VICTIM = 0.06  # within a year after the offence period (published 6%, n=95)
WMO_BASE_ADULT = 0.004  # a year (published <1%)
WMO_TYPES_VICTIM = {"shelter": .45, "emergency_shelter": .25, "sheltered_housing": .10,
                    "short_stay": .10, "other": .10}
WMO_TYPES_BASE = {"sheltered_housing": .35, "shelter": .25, "emergency_shelter": .15,
                  "short_stay": .15, "other": .10}
#: Specialist mental-health cost in the year of and after the offence period's end:
#: victims EUR 4,401 vs population 307 a year (published); P(any) x mean if any.
MH_SPECIALIST_VICTIM = (0.45, 9780.0)
MH_SPECIALIST_BASE = (0.05, 6140.0)
MH_BASIC_VICTIM = (0.15, 600.0)
MH_BASIC_BASE = (0.04, 450.0)
MH_COST_SIGMA = 0.9  # log-normal spread of a yearly cost
HEALTH_COST_YEARS = tuple(range(2014, 2025))  # yearly cost files exist from 2014

# --- anonymous chat (factsheet 001: 2020; factsheet 000: 90 minors in 2023) ----------
CHAT_TRAFFICKING_VISITORS: dict[int, int] = {2018: 180, 2019: 250, 2020: 314, 2021: 300,
                                             2022: 290, 2023: 275, 2024: 270}
CHAT_2020 = {"self": 285, "minor": 124, "sexual": 278, "criminal": 36, "criminal_and_sexual": 20,
             "still_unsafe": 0.77, "parents_exploiters": 0.16, "several_perpetrators": 0.40}
CHAT_DURATION = {"lt_1y": .30, "1_5y": .33, "gt_5y": .23, "unknown": .14}
CHAT_MINOR_SELF_2023 = 90
CHAT_OTHER_VISITOR_RATIO = 2.0  # visitors without a trafficking question per one with
CHAT_REPEAT_MEAN = 0.6  # Poisson mean of repeat contacts per visitor and year
#: Manner of criminal exploitation told in the chat: "the largest part had to do with
#: drug crime" (001, published as words only); the rest is planted.
CHAT_CRIMINAL_MANNER = {"drugs": .60, "property": .12, "fraud": .10, "other": .10,
                        "unknown": .08}
#: Where victim and exploiter met, and whether the chat is the first time the victim
#: tells anyone (001 asks; the figures are not in the seed text: planted).
CHAT_MET_WHERE = {"online": .35, "school_or_work": .12, "neighbourhood": .13,
                  "family": .16, "nightlife": .08, "other": .06, "unknown": .10}
CHAT_FIRST_DISCLOSURE = 0.45


def to_json() -> dict[str, Any]:
    """Every upper-case name of this module, JSON-ready (tuple keys joined by '|')."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {("|".join(map(str, k)) if isinstance(k, tuple) else str(k)): clean(v)
                    for k, v in value.items()}
        if isinstance(value, tuple | list):
            return [clean(v) for v in value]
        return value

    return {name: clean(value) for name, value in globals().items()
            if name.isupper() and not name.startswith("_")}

# --- routes: reflection period, shelter, housing and aid (issue 15 item 3, seed 003
# §3.4-3.5). The seed publishes few numbers here; the rest is planted, with its reason.
#: Reflection offers accepted (the rest decline or leave at once): planted. The offer is
#: "deliberately low-threshold" (§2.4.2), so most accept; 15% decline is a guess.
REFLECTION_ACCEPTED = 0.85
#: Reflection is at most three months (§3.5.2); "not always the full three months"
#: (§3.5.2): planted 40% end early, after 10-89 days.
REFLECTION_DAYS = 90
REFLECTION_EARLY_END = 0.40
#: COSM intakes per year at scale 1, planted so that the persons *staying* in a COSM in
#: a year come out near the published 110 (2019) and 45 (2020) and "fairly constant"
#: 2016-2019 (§3.5.2); a stay runs into the next year for about a third of intakes.
COSM_INTAKES: dict[int, int] = {2010: 84, 2011: 84, 2012: 84, 2013: 84, 2014: 84,
                                2015: 84, 2016: 84, 2017: 84, 2018: 84, 2019: 84,
                                2020: 22, 2021: 30, 2022: 30, 2023: 30, 2024: 30}
#: COSM places (§3.5.2): 58 now, 40 in the tender from January 2022.
COSM_PLACES: dict[int, int] = {y: (58 if y <= 2021 else 40) for y in YEARS}
#: Intake weights: "more than three quarters women", "a quarter from Uganda" (§3.5.2).
COSM_WEIGHT_FEMALE = 3.0
COSM_WEIGHT_NATIONALITY = {"UG": 40.0, "NG": 2.0, "GN": 2.0, "MA": 1.5}
#: Stay in days: log-normal with this median; reflection is three months, but "after
#: three months in a COSM there is often little prospect of housing" (§3.5.2), so
#: stays run past 90 days.
COSM_STAY_MEDIAN_DAYS = 100.0
COSM_STAY_SIGMA = 0.5
#: Destination on leaving a COSM, by whether temporary residence was granted: planted
#: from §3.5.1-3.5.2 (on to women's or social shelter; back to an asylum centre when the
#: case is dropped; departure with unknown destination).
COSM_DESTINATION_GRANTED = {"wmo_shelter": .45, "womens_shelter": .25, "housing": .10,
                            "azc": .10, "unknown": .10}
COSM_DESTINATION_OTHER = {"azc": .40, "unknown": .35, "returned": .10,
                          "wmo_shelter": .10, "womens_shelter": .05}
#: Protected shelter (BO, COA) for unaccompanied minors with signals of trafficking:
#: 18 places at one location (§3.4); intakes planted, falling after 2018 ("Nidos has
#: seen a decline", §3.4). First placement six weeks (§3.4).
BO_INTAKES: dict[int, int] = {2010: 45, 2011: 45, 2012: 45, 2013: 45, 2014: 45, 2015: 45,
                              2016: 40, 2017: 38, 2018: 35, 2019: 28, 2020: 22, 2021: 20,
                              2022: 20, 2023: 20, 2024: 20}
BO_PLACES = 18
BO_FIRST_PLACEMENT_DAYS = 42
BO_EXTENDED = 0.5  # placement extended after six weeks: planted
#: Leaving with unknown destination: many (Vietnamese) minors disappear from BO (§2.4,
#: 2,570 minors in 2010-2019 from all reception); planted 25% of BO stays, 45% for VN.
BO_LEFT_UNKNOWN = 0.25
BO_LEFT_UNKNOWN_VN = 0.45
#: Under-15s go to Nidos foster families, 15-17 to BO (§3.4).
NIDOS_FOSTER_BELOW = 15
#: Wmo shelter and housing after the COSM or residence (§3.5.1): planted.
WMO_HOUSING_AFTER_SHELTER = 0.55  # from shelter on to (protected or own) housing
WMO_HOUSING_WAIT_MEDIAN_DAYS = 180.0  # "often no home available" (§3.5.2)
WMO_GUIDANCE = 0.60  # ambulatory guidance (the aid stage) once sheltered or housed
WMO_GUIDANCE_WAIT_MEDIAN_DAYS = 45.0
#: Temporary-residence holders without a COSM stay who still reach Wmo shelter.
WMO_SHELTER_WITHOUT_COSM = 0.30
#: Asylum reception (COA): "a victim can move through four locations in weeks" (issue
#: 15, from seed 003 §3.4-3.5 and recommendation F), and the COSM sends those without
#: prospects back to an asylum centre (§3.5.2). Planted: every victim on the route with
#: a Dublin indication (a Dublin claim presupposes an asylum application) and this share
#: of the other victims on the route are in reception when the route starts, from 0-60
#: days before it; each has 1 + Poisson(COA_MOVES_MEAN) stays (a relocation ends one
#: and starts the next), log-normal lengths with this median; reception ends at a COSM
#: intake. A COSM exit to an asylum centre starts a new chain.
COA_ASYLUM_SHARE = 0.50
COA_MOVES_MEAN = 1.5
COA_STAY_MEDIAN_DAYS = 45.0
COA_STAY_SIGMA = 0.8
COA_LOCATIONS = 60  # reception locations the stays are spread over (COA runs ~60-70)
