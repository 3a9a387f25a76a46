"""Peer for benches/lifecycle.rs: the same work in Python `lifetimes` 0.11.3 (and pandas) on the same rows.

Usage:  python lifetimes_peer.py DATA_DIR [ID ...]
DATA_DIR holds the CSV files the Rust bench writes with CARE_PEER_DATA=DATA_DIR (`<shape>_<n>.csv`:
frequency,recency,T,monetary_value, in weeks); the CDNOW files are read from tests/data. Each ID is a Rust bench id
(`cdnow/bg_nbd_fit`, `continuous_100k/predict`, ...); without IDs, all of them. Prints one JSON object per line:
{"id": ..., "seconds": [...], "check": ...}, the median of `seconds` is the figure, `check` a number to compare
with the Rust side (fitted parameters or a sum of predictions).

Parameters are the same as the Rust bench's: predictions and CLV use the published CDNOW BG/NBD and Gamma-Gamma
estimates; fits start from lifetimes' own defaults.
"""
import json
import os
import statistics
import sys
import time
import warnings

import numpy as np
import pandas as pd
from lifetimes import BetaGeoBetaBinomFitter, BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
from lifetimes.utils import summary_data_from_transaction_data

warnings.simplefilter("ignore")

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CDNOW_BG = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)
CDNOW_GG = dict(p=6.25, q=3.74, v=15.44)


def timed(work, budget=3.0, at_most=10):
    """Runs `work` repeatedly (at least once, at most `at_most` times, for about `budget` seconds)."""
    seconds = []
    result = None
    while len(seconds) < at_most and (not seconds or sum(seconds) < budget):
        start = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def bg_with_cdnow_parameters():
    model = BetaGeoFitter()
    model.params_ = pd.Series(CDNOW_BG)
    model.predict = model.conditional_expected_number_of_purchases_up_to_time  # as `fit` sets it
    return model


def gg_with_cdnow_parameters():
    model = GammaGammaFitter()
    model.params_ = pd.Series(CDNOW_GG)
    return model


def load(data_dir, name):
    return pd.read_csv(os.path.join(data_dir, f"{name}.csv"))


def cdnow_summary():
    return pd.read_csv(os.path.join(ROOT, "tests", "data", "cdnow_customers_summary.csv"))


def fit_bg(df):
    def work():
        return BetaGeoFitter().fit(df["frequency"], df["recency"], df["T"])

    seconds, model = timed(work, budget=10.0)
    return seconds, [float(v) for v in model.params_[["r", "alpha", "a", "b"]]]


def predict(df):
    model = bg_with_cdnow_parameters()
    f, r, t = df["frequency"].to_numpy(), df["recency"].to_numpy(), df["T"].to_numpy()

    def work():
        alive = model.conditional_probability_alive(f, r, t)
        expected = model.conditional_expected_number_of_purchases_up_to_time(39.0, f, r, t)
        return alive, expected

    seconds, (alive, expected) = timed(work)
    return seconds, [float(np.sum(alive)), float(np.sum(expected))]


def clv(df):
    bg, gg = bg_with_cdnow_parameters(), gg_with_cdnow_parameters()

    def work():
        return gg.customer_lifetime_value(
            bg, df["frequency"], df["recency"], df["T"], df["monetary_value"], time=12, discount_rate=0.01, freq="W"
        )

    seconds, values = timed(work)
    return seconds, float(values.sum())


def cdnow_bg_fit(_):
    return fit_bg(cdnow_summary())


def cdnow_pareto_fit(_):
    df = cdnow_summary()

    def work():
        return ParetoNBDFitter().fit(df["frequency"], df["recency"], df["T"])

    seconds, model = timed(work, budget=10.0)
    return seconds, [float(v) for v in model.params_[["r", "alpha", "s", "beta"]]]


def donations_bg_bb_fit(_):
    # The FHS (2010) donations data as lifetimes ships it (tests/data/donations.csv is a copy), read inside the
    # timed work as the Rust bench parses it.
    path = os.path.join(ROOT, "tests", "data", "donations.csv")

    def work():
        df = pd.read_csv(path)
        return BetaGeoBetaBinomFitter().fit(df["frequency"], df["recency"], df["periods"], weights=df["weights"])

    seconds, model = timed(work, budget=10.0)
    return seconds, [float(v) for v in model.params_[["alpha", "beta", "gamma", "delta"]]]


def cdnow_weekly_summaries(_):
    rows = pd.read_csv(
        os.path.join(ROOT, "tests", "data", "CDNOW_master.txt"),
        sep=r"\s+",
        header=None,
        names=["customer", "date", "cds", "amount"],
        skiprows=1,
        dtype={"date": str},
    )
    rows["date"] = pd.to_datetime(rows["date"], format="%Y%m%d")

    # Ours counts repeat purchase *days* and measures times in weeks; lifetimes' freq="W" would count repeat weeks,
    # so the same work there is freq="D" and a division by 7.
    def work():
        summary = summary_data_from_transaction_data(
            rows, "customer", "date", monetary_value_col="amount", observation_period_end="1998-06-30", freq="D"
        )
        summary["recency"] /= 7.0
        summary["T"] /= 7.0
        return summary

    seconds, summary = timed(work)
    return seconds, [len(summary), float(summary["frequency"].sum())]


def population_work(data_dir, label, what):
    df = load(data_dir, label)
    return {"bg_nbd_fit": fit_bg, "predict": predict, "clv": clv}[what](df)


FIXED = {
    "cdnow/bg_nbd_fit": cdnow_bg_fit,
    "cdnow/pareto_nbd_fit": cdnow_pareto_fit,
    "cdnow/weekly_summaries": cdnow_weekly_summaries,
    "donations/bg_bb_fit": donations_bg_bb_fit,
}
POPULATIONS = [f"{shape}_{n}" for shape in ("day", "continuous") for n in ("100k", "1m")]
ALL = list(FIXED) + [f"{p}/{w}" for p in POPULATIONS for w in ("bg_nbd_fit", "predict", "clv")]


def run(data_dir, bench_id):
    if bench_id in FIXED:
        seconds, check = FIXED[bench_id](data_dir)
    else:
        label, what = bench_id.split("/")
        seconds, check = population_work(data_dir, label, what)
    return {"id": bench_id, "seconds": seconds, "median": statistics.median(seconds), "check": check}


def main():
    data_dir = sys.argv[1]
    ids = sys.argv[2:] or ALL
    for bench_id in ids:
        print(json.dumps(run(data_dir, bench_id)), flush=True)


if __name__ == "__main__":
    main()
