"""The rules of a victim's route (issue 15 item 3; seed 003 §3.4-3.5, recommendation F),
on plain event rows so that each rule has a golden test on a hand-built input.

An **event** is one row ``person, kind, start, end`` (``end`` may be missing: still
running, or not recorded). Kinds and the stage each one marks:

======================  =====================================================
kind                    meaning (source)
======================  =====================================================
``offer``               a reflection period offered (reflection_offers); opens the route
``reflection``          an *accepted* offer: the reflection period (start-end)
``cosm``                a COSM stay (cosm_stays: intake-exit)
``protected_shelter``   a protected-shelter stay of a minor (protected_shelter)
``azc``                 an asylum-reception stay at one COA location (coa_stays)
``decision``            any residence-scheme decision (ind_decisions); opens the route
``residence``           temporary or continued residence *granted* (ind_decisions)
``housing``             Wmo shelter or housing (wmo_housing, every provision but guidance)
``aid``                 Wmo ambulatory guidance (wmo_housing, provision ``guidance``)
``departed``            a COSM stay that ended with return to the country of origin
                        (cosm_stays, destination ``returned``): the exit day
======================  =====================================================

* **On the route**: a person with a reflection offer, a COSM stay or a residence-scheme
  decision (``ROUTE_KINDS``); a minor with only a protected-shelter stay, or a Wmo
  record alone, is not on it (minors without status go through Nidos, §3.4).
* **Stages** in route order: reflection -> COSM -> residence -> shelter or housing
  (``housing``) -> aid. A person *reaches* a stage on the first day of an event of its
  kind; the route is *entered* on the first day of any of the person's events.
* **Time to a stage**: days from entering (or from the previous stage) to the stage;
  who has not reached it is censored at the data's end date (the Kaplan-Meier
  estimator, ``statsmodels.duration.SurvfuncRight``). Quantile q is the first day the
  Kaplan-Meier share *not yet* reached is at most ``1 - q`` (the usual definition; not
  reached by half: no median). A person who reached the later stage *before* the
  earlier one is left out of that pair.
* **Outcome**: each person has exactly one (``OUTCOMES``), the first that applies:

  ``housing``    shelter or housing reached (the route's aim);
  ``departed``   returned to the country of origin on leaving a COSM, and no later
                 stay, reflection period, housing or aid (a later IND decision on the
                 file does not count): a known end, so it is not censored;
  ``running``    *censored*: an episode (reflection period or stay) still running at
                 the end date, or an event in the last ``QUIET_DAYS`` days before it.
                 The outcome is not known yet; as in the UK National Referral
                 Mechanism's statistics, a decision still pending is not a negative
                 outcome;
  ``residence``  residence granted, no shelter or housing in the sources (a permit
                 holder is housed through the municipality's task for permit holders,
                 which no route source records);
  ``aid``        Wmo guidance, without shelter or housing;
  ``break``      none of these: the route ended without housing, residence, aid or a
                 known departure (an offer declined, residence refused, back to an
                 asylum centre, left with unknown destination).

  A **break** is the outcome ``break``. Counting every route without housing as a
  break would call every route still running at the end of the data broken.
* **Locations**: stays in a COSM, a protected shelter, an asylum-reception location
  (COA; each relocation a new stay) and each Wmo shelter or housing record: one place
  each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

STAGES: tuple[str, ...] = ("reflection", "cosm", "residence", "housing", "aid")
#: The event kinds that put a person on the route.
ROUTE_KINDS = ("offer", "decision", "reflection", "cosm", "residence")
#: Kinds that occupy a place (locations) and kinds that are an episode that can run on.
LOCATION_KINDS = ("cosm", "protected_shelter", "azc", "housing")
EPISODE_KINDS = ("reflection", "cosm", "protected_shelter", "azc")
#: A route with an event this recent (days before the end date) is still running.
QUIET_DAYS = 90
#: Each route's one outcome, in the order the rule tries them (docstring above).
OUTCOMES: tuple[str, ...] = ("housing", "departed", "running", "residence", "aid", "break")
#: Pairs whose time is reported: from entering to each stage, stage to next stage, and
#: COSM to shelter or housing (the seed's "after three months in a COSM often no
#: prospect of housing", §3.5.2).
PAIRS: tuple[tuple[str, str], ...] = (
    *(("entry", s) for s in STAGES),
    *pairwise(STAGES),
    ("cosm", "housing"),
)


def route_persons(events: pd.DataFrame, end_date: dt.date) -> pd.DataFrame:
    """One row per person: ``entry``, the first day of each stage (NaT: not reached),
    ``last_stage``, ``locations``, ``open`` (an episode runs at the end date),
    ``last_event``, ``outcome`` (``OUTCOMES``) and ``break``."""
    if events.empty:
        return pd.DataFrame(columns=["person", "entry", *STAGES, "last_stage", "locations",
                                     "open", "last_event", "outcome", "break"])
    ev = events.assign(start=pd.to_datetime(events["start"]),
                       end=pd.to_datetime(events["end"]))
    end = pd.Timestamp(end_date)
    ev = ev[ev["start"] <= end]
    ev = ev[ev["person"].isin(ev.loc[ev["kind"].isin(ROUTE_KINDS), "person"])]
    g = ev.groupby("person", sort=True)
    out = pd.DataFrame({"entry": g["start"].min()})
    firsts = ev.groupby(["person", "kind"])["start"].min().unstack()
    for s in STAGES:
        out[s] = firsts.get(s, pd.NaT)
    reached = out[list(STAGES)].notna().to_numpy()
    order = np.array(STAGES, dtype=object)
    last = np.where(reached.any(axis=1),
                    order[np.where(reached, np.arange(len(STAGES)), -1).max(axis=1)], "none")
    out["last_stage"] = last
    out["locations"] = ev[ev["kind"].isin(LOCATION_KINDS)].groupby("person").size() \
        .reindex(out.index, fill_value=0).astype(int)
    episodes = ev[ev["kind"].isin(EPISODE_KINDS)]
    running = episodes["end"].isna() | (episodes["end"] > end)
    out["open"] = running.groupby(episodes["person"]).any().reindex(out.index,
                                                                     fill_value=False)
    last_day = pd.concat([ev["start"], ev["end"].where(ev["end"] <= end)]).groupby(
        pd.concat([ev["person"], ev["person"]])).max()
    out["last_event"] = last_day.reindex(out.index)
    # A return is undone only by the person coming back to a place or a period (a later
    # IND decision on the file is paperwork, not the person's presence).
    departed = ev[ev["kind"] == "departed"].groupby("person")["start"].max() \
        .reindex(out.index)
    present = ev[ev["kind"].isin((*EPISODE_KINDS, *LOCATION_KINDS, "aid"))] \
        .groupby("person")["start"].max().reindex(out.index)
    out["outcome"] = np.select(
        [out["housing"].notna(),
         departed.notna() & ~(present > departed),
         out["open"].astype(bool) | ((end - out["last_event"]).dt.days < QUIET_DAYS),
         out["residence"].notna(),
         out["aid"].notna()],
        list(OUTCOMES[:-1]), default="break")
    out["break"] = out["outcome"] == "break"
    return out.reset_index().rename(columns={"index": "person"})


@dataclass(frozen=True)
class TimeToStage:
    """Time from one stage (or entry) to the next for the persons who reached ``start``."""

    persons: int  # reached the start stage (at risk at day 0)
    reached: int  # reached the end stage on or after the start stage
    median_days: float | None
    q1_days: float | None
    q3_days: float | None
    reached_1y_pct: float | None  # Kaplan-Meier share reached within 365 days


def km_quantile(times: np.ndarray, probs: np.ndarray, q: float) -> float | None:
    """First event time at which the share not yet reached is at most ``1 - q``."""
    hit = np.flatnonzero(probs <= 1 - q + 1e-12)
    return float(times[hit[0]]) if len(hit) else None


def time_to_stage(persons: pd.DataFrame, start: str, stage: str,
                  end_date: dt.date) -> TimeToStage:
    """Kaplan-Meier time from ``start`` (a stage or ``entry``) to ``stage``, censored at
    ``end_date`` for who has not reached it."""
    p = persons[persons[start].notna()]
    p = p[p[stage].isna() | (p[stage] >= p[start])]
    if p.empty:
        return TimeToStage(0, 0, None, None, None, None)
    done = p[stage].notna().to_numpy()
    if not done.any():  # nobody reached it: no curve, nothing reached within a year
        return TimeToStage(len(p), 0, None, None, None, 0.0)
    until = p[stage].where(p[stage].notna(), pd.Timestamp(end_date))
    days = (until - p[start]).dt.days.to_numpy(dtype=float)
    sf = SurvfuncRight(days, done.astype(int))
    times, probs = np.asarray(sf.surv_times), np.asarray(sf.surv_prob)
    within = probs[times <= 365]
    reached_1y = round(100 * (1 - within[-1]), 1) if len(within) else 0.0
    return TimeToStage(len(p), int(done.sum()), km_quantile(times, probs, .5),
                       km_quantile(times, probs, .25), km_quantile(times, probs, .75),
                       reached_1y)
