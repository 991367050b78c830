# SPDX-License-Identifier: MIT
"""brink.load(...).compare(...) against `brink compare` for the same seed."""
import datetime
import json
import subprocess
import threading
import time

import brink
from conftest import BINARY, KOREA


def cli(*args):
    return subprocess.run([BINARY, *args], check=True, capture_output=True, text=True).stdout


def test_json_is_the_commands_byte_for_byte():
    sc = brink.load(KOREA, set={"params.dprk_greed": 0.8})
    result = sc.compare(runs=400, seed=11, threads=2)
    expected = cli("compare", KOREA, "--runs", "400", "--seed", "11", "--threads", "1",
                   "--set", "params.dprk_greed=0.8", "--format", "json", "--no-timing",
                   "--quiet")
    assert result.json() == expected
    csv = result.csv()
    assert csv == cli("compare", KOREA, "--runs", "400", "--seed", "11",
                      "--set", "params.dprk_greed=0.8", "--format", "csv", "--quiet")
    # tidy: every row names the scenario, its overrides, seed and runs
    header, first = csv.splitlines()[:2]
    row = dict(zip(header.split(","), first.split(",")))
    assert (row["scenario"], row["overrides"], row["seed"], row["runs"]) == (
        "korea-2022", "params.dprk_greed=0.8", "11", "400")
    data = json.loads(expected)
    assert float(row["p_armed_conflict"]) == data["policies"][0]["p_armed_conflict"]["mean"]


def test_policy_subset_and_frames_carry_the_commands_numbers():
    pols = ["reciprocal_restraint", "maximum_pressure"]
    result = brink.load(KOREA).compare(policies=pols, runs=300, seed=5, threads=1)
    data = json.loads(cli("compare", KOREA, "--policies", ",".join(pols), "--runs", "300",
                          "--seed", "5", "--format", "json", "--no-timing", "--quiet"))
    assert result.policies == pols == [p["name"] for p in data["policies"]]
    frames = result.to_pandas()
    s = frames.summary.set_index(["policy", "metric"])
    for p in data["policies"]:
        for metric in ("p_armed_conflict", "p_clash", "provocations", "p_talks"):
            row = s.loc[(p["name"], metric)]
            # the same doubles, not merely close ones
            assert (row["estimate"], row["lo"], row["hi"]) == (
                p[metric]["mean"], p[metric]["lo"], p[metric]["hi"])
        row = s.loc[(p["name"], "p_armed_conflict_attack")]
        assert row["estimate"] == p["armed_conflict_by_cause"]["attack"]["mean"]
    assert set(frames.summary["seed"]) == {5} and set(frames.summary["runs"]) == {300}
    # curves: one row per policy and step, dates a week apart from the scenario's start
    c = frames.curves
    assert len(c) == 2 * data["horizon"]
    first = c[c.policy == pols[0]]
    assert list(first["step"]) == list(range(data["horizon"]))
    start = datetime.date.fromisoformat(data["start"])
    assert first["date"].iloc[3].date() == start + datetime.timedelta(weeks=3)
    assert list(first["estimate"]) == [v["mean"] for v in data["policies"][0]
                                       ["p_armed_conflict_curve"]]
    # tension: policy x step x quantile
    t = frames.tension
    assert len(t) == 2 * data["horizon"] * 5
    got = t[(t.policy == pols[1]) & (t.step == 10)].sort_values("quantile")["tension"].tolist()
    assert got == data["policies"][1]["tension"]["steps"][10]
    d = frames.differences
    assert d.iloc[0]["a"] == pols[0] and d.iloc[0]["b"] == pols[1]
    assert d.iloc[0]["estimate"] == data["differences"][0]["p_armed_conflict"]["mean"]


def test_same_seed_same_numbers_for_any_thread_count():
    sc = brink.load(KOREA)
    a = sc.compare(runs=200, seed=3, threads=1).json()
    b = sc.compare(runs=200, seed=3, threads=2).json()
    c = sc.compare(runs=200, seed=4, threads=2).json()
    assert a == b and a != c


def test_scenario_accessors():
    sc = brink.load(KOREA, set={"params.dprk_greed": 0.9}, horizon=52)
    data = json.loads(cli("compare", KOREA, "--runs", "10", "--format", "json", "--quiet",
                          "--no-timing"))
    assert sc.policies == [p["name"] for p in data["policies"]]
    assert sc.horizon == 52 and sc.start == data["start"]
    params = {p.name: p for p in sc.params}
    assert params["dprk_greed"].dist == "constant" and params["dprk_greed"].value == 0.9
    for a in data["assumptions"]:
        if a["name"] != "dprk_greed":
            assert params[a["name"]].dist == a["dist"]
    assert sc.compare(runs=20, seed=1, threads=1).data["horizon"] == 52


def test_the_gil_is_released_while_it_runs():
    sc = brink.load(KOREA)
    done = threading.Event()
    worker = threading.Thread(target=lambda: (sc.compare(runs=3000, seed=1, threads=1),
                                              done.set()))
    ticks = 0
    worker.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    # with the GIL held for the whole run the main thread could not have ticked
    assert ticks > 50
