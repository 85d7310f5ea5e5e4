"""Calibration of the linked sources' planted figures (issue 14, "missing today").

Counted from the generated source frames with the monitor's rules:

* residence scheme (003 §2.4.3, 2016-2020: 59 minors and 788 Nigerians among 2,095
  unique users): unique users (by person, else by decision) with a decision in the
  window; age on 1 January of the year of the first decision in the window (birth year
  only); shares, because the world's number of users is figure 2.15's own calibration;
* justice chain (factsheet 000, 2019-2023): the labour inspectorate's share of cases
  (4%), labour's share of police trafficking incidents (8%) and of investigations =
  cases with a known suspect (6%);
* suspects (letter 002): the share under 23 of suspects of domestic sexual
  exploitation (victim Dutch), "almost four in ten".

Shares pass within ``calibration.SHARE_TOLERANCE``, as the registry targets do.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from zicht.synth.calibration import Target, compare

SOURCE_TARGETS: tuple[Target, ...] = (
    Target("ind_minor_share_2016_2020", round(59 / 2095, 4), "share"),
    Target("ind_nigeria_share_2016_2020", round(788 / 2095, 4), "share"),
    Target("nla_case_share_2019_2023", 0.04, "share"),
    Target("labour_share_of_police_incidents_2019_2023", 0.08, "share"),
    Target("labour_share_of_investigations_2019_2023", 0.06, "share"),
    Target("suspects_domestic_sexual_under23_share", 0.39, "share"),
)

_TRAFFICKING = ("F561", "F562", "F563", "F564", "F565", "F5293")


def _year(days: pd.Series) -> np.ndarray:
    return np.asarray(pd.to_datetime(days.to_numpy(), unit="D").year)


def compute_source_metrics(incidents: pd.DataFrame, cases: pd.DataFrame,
                           suspects: pd.DataFrame, decisions: pd.DataFrame
                           ) -> dict[str, float]:
    m: dict[str, float] = {}
    d = decisions[decisions["procedure"] != "other"].copy()
    d["year"] = _year(d["decision_date"])
    w = d[(d["year"] >= 2016) & (d["year"] <= 2020)].sort_values(["decision_date",
                                                                   "decision_id"])
    w["person"] = np.where(w["person_id"].isna(), w["decision_id"],
                           w["person_id"].astype(str))
    users = w.groupby("person", sort=False).first()
    age = users["year"] - users["birth_year"] - 1
    m["ind_minor_share_2016_2020"] = float((age < 18).mean())
    m["ind_nigeria_share_2016_2020"] = float((users["nationality"] == "NG").mean())
    c = cases[(cases["incident_year"] >= 2019) & (cases["incident_year"] <= 2023)]
    m["nla_case_share_2019_2023"] = float((c["registering_agency"] == "nla").mean())
    m["labour_share_of_investigations_2019_2023"] = float(
        (c.loc[c["suspect_known"].astype(bool), "form"] == "labour").mean())
    year = _year(incidents["registration_date"])
    traf = incidents[(year >= 2019) & (year <= 2023)
                     & incidents["offence_code"].isin(_TRAFFICKING).to_numpy()]
    m["labour_share_of_police_incidents_2019_2023"] = float(
        (traf["offence_code"] == "F562").mean())
    victims = incidents[incidents["offence_group"] == "trafficking"]
    dutch = set(victims.loc[victims["nationality"] == "NL", "incident_id"])
    dom = suspects[(suspects["offence_code"] == "F561")
                   & suspects["incident_id"].isin(dutch)]
    m["suspects_domestic_sexual_under23_share"] = float(
        (dom["age_at_registration"] < 23).mean())
    return m


def calibrate_sources(incidents: pd.DataFrame, cases: pd.DataFrame, suspects: pd.DataFrame,
                      decisions: pd.DataFrame, scale: float,
                      years: list[int] | None = None) -> list[dict[str, Any]]:
    """Calibration rows of ``SOURCE_TARGETS`` (as ``calibration.calibrate`` writes them)."""
    got = compute_source_metrics(incidents, cases, suspects, decisions)
    return compare(SOURCE_TARGETS, got, scale, years)
