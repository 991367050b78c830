#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Korea, November 2022: compare the policies of scenarios/korea/2022.yaml, draw the
cumulative probability of armed conflict of each policy with its 95% band, and print a
pandas table of the main outcomes.

    python3 examples/korea.py [--runs 20000] [--seed 1] [--out korea.png]

Run from the top of the source tree (the scenario's path is relative to it)."""
import argparse

import matplotlib

matplotlib.use("Agg")  # no display needed: the figure goes to a file
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import brink  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="scenarios/korea/2022.yaml")
    ap.add_argument("--runs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--out", default="korea.png")
    args = ap.parse_args()

    scenario = brink.load(args.scenario)
    result = scenario.compare(runs=args.runs, seed=args.seed, threads=args.threads)
    frames = result.to_pandas()

    # The table: one row per policy, P(armed conflict), P(clash) and provocations per run,
    # each "estimate [lo, hi]".
    s = frames.summary
    s = s[s.metric.isin(["p_armed_conflict", "p_clash", "provocations", "p_talks"])]
    cell = s.apply(lambda r: "%.4g [%.4g, %.4g]" % (r.estimate, r.lo, r.hi), axis=1)
    table = s.assign(value=cell).pivot(index="policy", columns="metric", values="value")
    table = table.loc[result.policies, ["p_armed_conflict", "p_clash", "provocations", "p_talks"]]
    with pd.option_context("display.width", 160, "display.max_columns", 10):
        print("%s, %d runs per policy, seed %d, 95%% intervals" % (
            scenario.name, result.runs, result.seed))
        print(table.to_string())

    # The figure: cumulative P(armed conflict) by date, one line and band per policy.
    fig, ax = plt.subplots(figsize=(9, 5))
    for policy, c in frames.curves.groupby("policy", sort=False):
        line, = ax.plot(c["date"], c["estimate"], label=policy)
        ax.fill_between(c["date"], c["lo"], c["hi"], color=line.get_color(), alpha=0.2)
    ax.set_xlabel("date")
    ax.set_ylabel("P(armed conflict by date)")
    ax.set_title("%s: %d runs per policy, 95%% bands" % (scenario.name, result.runs))
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print("figure: %s" % args.out)
    return table


if __name__ == "__main__":
    main()
