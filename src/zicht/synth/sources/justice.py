"""The criminal-justice chain: one case per trafficking incident (plus labour-inspectorate
cases), with suspects, prosecution decisions, court decisions and prison terms."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.synth import params as P

_FORM_OF_CODE = {"F561": "sexual", "F562": "labour", "F563": "criminal", "F564": "other",
                 "F565": "other", "F5293": "unknown"}


def _lag(rng: np.random.Generator, probs: tuple[float, ...], n: int) -> np.ndarray:
    return rng.choice(len(probs), size=n, p=np.array(probs) / sum(probs))


def build_cases(rng: np.random.Generator, incidents: pd.DataFrame) -> pd.DataFrame:
    """Cases for trafficking incidents (``incident_id``) and inspectorate cases (null id)."""
    traf = incidents[incidents["offence_group"] == "trafficking"]
    year = pd.to_datetime(traf["registration_date"].to_numpy(), unit="D").year.to_numpy()
    form = np.array([_FORM_OF_CODE[c] for c in traf["offence_code"]], dtype=object)
    police = pd.DataFrame({"incident_id": traf["incident_id"].to_numpy(), "form": form,
                           "incident_year": year,
                           "victim_report": traf["victim_report"].to_numpy(),
                           "registering_agency": "police"})
    n_nla = round(len(police) * P.NLA_CASE_SHARE / (1 - P.NLA_CASE_SHARE))
    nla = pd.DataFrame({"incident_id": None, "form": "labour",
                        "incident_year": rng.choice(year, n_nla) if n_nla else [],
                        "victim_report": rng.random(n_nla) < 0.2,
                        "registering_agency": "nla"})
    cases = pd.concat([police, nla], ignore_index=True)
    n = len(cases)
    iy = cases["incident_year"].to_numpy().astype(int)
    labour = cases["form"].to_numpy() == "labour"
    # Labour cases less often lead to an investigation with a known suspect (factsheet
    # 000: labour is 8% of police incidents but 6% of investigations).
    known = rng.random(n) < (np.array([P.SUSPECT_KNOWN[int(y)] for y in iy])
                             * np.where(labour, P.SUSPECT_KNOWN_LABOUR_FACTOR, 1.0))
    to_om = known & (rng.random(n) < P.TO_PROSECUTION)
    pyear = iy + _lag(rng, P.PROSECUTION_LAG, n)
    to_om &= pyear <= 2024
    summons_p = np.array([P.SUMMONS_RATE.get(int(y), 0.45) for y in pyear]) - 0.1 * labour
    r = rng.random(n)
    decision = np.where(r < summons_p, "summons", np.where(r < summons_p + 0.3, "dismissal",
                                                               "other"))
    cyear = pyear + _lag(rng, P.COURT_LAG, n)
    to_court = to_om & (decision == "summons") & (cyear <= 2024)
    conv_p = np.where(labour, P.CONVICTION_RATE["labour"], P.CONVICTION_RATE["default"])
    r2 = rng.random(n)
    court = np.where(r2 < conv_p, "convicted", np.where(r2 < conv_p + 0.2, "acquitted", "other"))
    mean = np.where(labour, P.PRISON_MEAN_DAYS["labour"], P.PRISON_MEAN_DAYS["default"])
    days = np.round(rng.lognormal(np.log(mean) - 0.5 * 0.6 ** 2, 0.6)).astype(np.int64)
    prison = to_court & (court == "convicted") & (rng.random(n) < P.UNCONDITIONAL_PRISON)
    return pd.DataFrame({
        "case_id": [f"OM{i:08d}" for i in range(1, n + 1)],
        "incident_id": cases["incident_id"].to_numpy(),
        "form": cases["form"].to_numpy(), "incident_year": iy.astype(np.int16),
        "suspect_known": known, "victim_report": cases["victim_report"].to_numpy(dtype=bool),
        "prosecution_year": pd.array(np.where(to_om, pyear, 0), dtype="Int16"),
        "prosecution_decision": _or_null(decision, to_om),
        "court_year": pd.array(np.where(to_court, cyear, 0), dtype="Int16"),
        "court_decision": _or_null(court, to_court),
        "unconditional_prison_days": pd.array(np.where(prison, days, 0), dtype="Int64"),
        "registering_agency": cases["registering_agency"].to_numpy(),
    }).pipe(_nullify)


def _or_null(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    out = values.astype(object)
    out[~keep] = None
    return out


def _nullify(df: pd.DataFrame) -> pd.DataFrame:
    """Zero years and prison days stand for 'none': make them null."""
    for col in ("prosecution_year", "court_year", "unconditional_prison_days"):
        df[col] = df[col].mask(df[col] == 0)
    return df
