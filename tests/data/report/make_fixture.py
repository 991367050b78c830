#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Makes korea-2022.json, a hand-made result in the format of docs/output.md (5 policies,
# 104 weekly steps, 20000 runs) for developing and testing the report before the engine
# exists. The numbers are plausible, not simulated: counts are drawn from fixed formulas and
# a fixed seed, intervals are real Wilson / normal intervals of those counts. Run once;
# the JSON is committed (the tests do not need Python).
import json, math, random

random.seed(7)
RUNS, H, Z = 20000, 104, 1.959963984540054

def wilson(k, n):
    p = k / n
    d = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / d
    h = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / d
    return {"mean": k / n, "lo": round(max(0.0, c - h), 6), "hi": round(min(1.0, c + h), 6)}

def normal(mean, sd, n):
    h = Z * sd / math.sqrt(n)
    return {"mean": round(mean, 4), "lo": round(mean - h, 4), "hi": round(mean + h, 4), "sd": round(sd, 3)}

policies = [
    ("maximum_pressure", "Sanctions and exercises at full strength; no offer of talks until the DPRK moves first.", 0.081, 0.21, 14.2, 0.06, 48, 6.0),
    ("proactive_diplomacy", "Offers of talks every eight weeks, exercises scaled down while talks are open.", 0.052, 0.15, 10.9, 0.31, 27, 3.5),
    ("reciprocal_restraint", "Tit-for-tat with forgiveness: answer each provocation in kind, return to restraint after two quiet weeks.", 0.047, 0.14, 11.6, 0.22, 33, 3.0),
    ("pressure_plus_diplomacy", "Sanctions kept, talks offered with a freeze-for-freeze on the table.", 0.058, 0.17, 12.3, 0.24, 31, 4.2),
    ("consult_beijing", "Coordinate each step with China as mediator before acting.", 0.061, 0.16, 12.8, 0.18, 38, 4.6),
]

out_pol = []
for name, desc, pac, pclash, prov, ptalks, ttt, tens in policies:
    k_end = round(pac * RUNS)
    curve = []
    for s in range(1, H + 1):
        frac = (1 - math.exp(-s / 45)) / (1 - math.exp(-H / 45))
        curve.append(wilson(round(k_end * frac), RUNS))
    by_year = [dict(year=1, **wilson(round(k_end * (1 - math.exp(-52 / 45)) / (1 - math.exp(-H / 45))), RUNS)),
               dict(year=2, **wilson(k_end, RUNS))]
    steps = []
    for s in range(1, H + 1):
        base = tens * (0.6 + 0.4 * math.exp(-s / 20)) + 1.5 * math.sin(s / 8.0) + (3.0 if s % 13 == 0 else 0)
        spread = 2.0 + 0.04 * s
        steps.append([round(base - 1.645 * spread, 3), round(base - 0.674 * spread, 3), round(base, 3),
                      round(base + 0.674 * spread * 1.2, 3), round(base + 1.645 * spread * 1.3, 3)])
    sd = 4.1 * prov / 14.2
    hist = [0] * 31
    for _ in range(RUNS):
        x = max(0, int(round(random.gauss(prov, sd))))
        hist[min(x, 30)] += 1
    k_talks = round(ptalks * RUNS)
    out_pol.append({
        "name": name, "description": desc,
        "p_armed_conflict": wilson(k_end, RUNS),
        "p_armed_conflict_by_year": by_year,
        "p_armed_conflict_curve": curve,
        "p_clash": wilson(round(pclash * RUNS), RUNS),
        "provocations": normal(prov, sd, RUNS),
        "provocations_by_action": [{"actor": "DPRK", "action": "icbm_launch", **{k: v for k, v in normal(prov * 0.08, 1.0, RUNS).items() if k != "sd"}}],
        "provocations_hist": {"bin_width": 1, "counts": hist},
        "p_talks": wilson(k_talks, RUNS),
        "time_to_talks": {"median": ttt, "lo": ttt - 2, "hi": ttt + 3, "n": k_talks, "unit": "steps"},
        "tension": {"unit": "Goldstein net conflict per step", "quantiles": [0.05, 0.25, 0.5, 0.75, 0.95], "steps": steps},
        "sanctions": {k: normal(v, 0.2, RUNS) for k, v in [("nominal", 2.0), ("effective", 1.1), ("effectiveness", 0.55), ("unsc_proposed", 0.3), ("unsc_adopted", 0.05)]},
    })
    for v in out_pol[-1]["sanctions"].values():
        del v["sd"]

diffs = []
for i in range(len(out_pol)):
    for j in range(i + 1, len(out_pol)):
        a, b = out_pol[i], out_pol[j]
        def d(key, scale, h):
            m = round(a[key]["mean"] - b[key]["mean"], 6)
            return {"mean": m, "lo": round(m - h, 6), "hi": round(m + h, 6)}
        diffs.append({"a": a["name"], "b": b["name"], "p_armed_conflict": d("p_armed_conflict", 1, 0.0042),
                      "provocations": d("provocations", 1, 0.09), "p_talks": d("p_talks", 1, 0.0071)})

result = {
    "version": "0.1.0", "scenario": "korea-2022", "scenario_file": "scenarios/korea/2022.yaml",
    "seed": 1, "rng": "philox4x32-10", "runs": RUNS, "horizon": H, "step": "week",
    "start": "2022-11-07", "confidence": 0.95, "overrides": ["params.dprk_greed=0.4"],
    "sources": ["https://www.csis.org/analysis/north-koreas-missile-crossed-northern-limit-line 2022-11-02: 25 missiles, one 26 km south of the NLL",
                "seed: James Park (Quincy Institute) interview, 'Pre-emptive diplomacy: the only way out of the crisis on the Korean peninsula'"],
    "assumptions": [
        {"name": "dprk_greed", "dist": "beta", "a": 2, "b": 3, "lo": 0, "hi": 1, "unit": "probability", "doc": "prior probability that the DPRK is greedy"},
        {"name": "dprk_rationality", "dist": "uniform", "lo": 1, "hi": 3, "unit": "1/utility", "doc": "logit precision of the DPRK's choices"},
        {"name": "nuclear_test_cost", "dist": "uniform", "lo": 2, "hi": 4, "unit": "utility", "doc": "cost to the DPRK of a nuclear test"},
        {"name": "russia_dprk_relations", "dist": "truncnormal", "mean": 0.5, "sd": 0.1, "lo": -1, "hi": 1, "unit": "relation", "doc": "Russia-DPRK relations"},
        {"name": "us_china_relations", "dist": "constant", "value": -0.5, "unit": "relation", "doc": "US-China relations, 2022 (deteriorated)"},
    ],
    "policies": out_pol, "differences": diffs,
    "timing": {"seconds": 4.12, "runs_per_second": 24270, "threads": 2},
}
with open("korea-2022.json", "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")

# An observed series in the format of `brink events index --format csv --by week`.
import datetime
d0 = datetime.date(2022, 10, 3)
with open("observed.csv", "w") as f:
    f.write("period,start,events,net_cooperation,tension,mean_goldstein,q1,q2,q3,q4,conflict_share\n")
    for w in range(40):
        day = d0 + datetime.timedelta(weeks=w)
        iso = day.isocalendar()
        t = round(7.0 + 2.5 * math.sin(w / 5.0) + random.uniform(-1.5, 1.5) + (4 if w == 4 else 0), 2)
        ev = 40 + w
        f.write(f"{iso[0]}-W{iso[1]:02d},{day.isoformat()},{ev},{-t},{t},{round(-t / ev, 3)},10,5,12,{ev - 27},{round((ev - 27) / ev, 3)}\n")
