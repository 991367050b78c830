# SPDX-License-Identifier: MIT
"""brink.events, brink.game, brink.forecast and brink.score against the command's output."""
import io
import json
import subprocess

import pandas as pd
import pytest

import brink
from conftest import BINARY, KOREA, SOURCE

FILES = ["tests/data/events/gdelt2.tsv", "tests/data/events/icews.tab"]


def cli(*args):
    return subprocess.run([BINARY, *args], check=True, capture_output=True, text=True).stdout


def test_event_store_import_query_index(tmp_path):
    db = str(tmp_path / "events.db")
    store = brink.events.Store(db)
    stats = store.import_files(FILES)
    assert list(stats["added"]) == [8, 4] and list(stats["duplicates"]) == [1, 0]
    assert list(stats["bad"]) == [4, 3]
    # importing again adds nothing (same source, id and date)
    assert list(store.import_files(FILES)["added"]) == [0, 0]
    assert store.count() == 12
    events = store.query()
    ref = pd.read_csv(io.StringIO(cli("events", "query", "--db", db, "--format", "csv")),
                      dtype={"code": str})
    assert len(events) == len(ref) == 12
    assert list(events["id"]) == list(ref["id"])
    assert list(events["code"]) == list(ref["code"])
    assert list(events["goldstein"]) == list(ref["goldstein"])
    assert list(events["date"].dt.strftime("%Y-%m-%d")) == list(ref["date"])
    conflict = store.query(dyad="PRK:USA", root="13")
    assert set(conflict["code"].str[:2]) <= {"13"} and len(conflict) >= 1
    idx = store.index(dyad="PRK:USA", both_directions=True, by="week")
    ref = pd.read_csv(io.StringIO(cli("events", "index", "--db", db, "--dyad", "PRK:USA",
                                      "--both-directions", "--by", "week", "--format", "csv")))
    assert list(idx["start"].dt.strftime("%Y-%m-%d")) == list(ref["start"])
    for col in ("events", "net_cooperation", "tension", "conflict_share"):
        assert list(idx[col]) == list(ref[col]), col
    store.close()


def test_event_errors():
    with pytest.raises(brink.Error) as info:
        brink.events.Store("/nonexistent-dir/x.db", create=False)
    assert info.value.status in ("BRINK_ENOTFOUND", "BRINK_EDB")


def test_tournament_matches_the_command():
    players = ["Tit For Tat", "Grudger", "Defector", "Random"]
    frame = brink.game.tournament(players, repetitions=5, seed=3)
    ref = pd.read_csv(io.StringIO(cli("game", "tournament", "--players", ",".join(players),
                                      "--repetitions", "5", "--seed", "3", "--format", "csv")))
    assert list(frame["player"]) == list(ref["name"])
    assert list(frame["median_score"]) == list(ref["median_score"])
    assert list(frame["cooperation_rate"]) == list(ref["cooperation_rate"])
    # Defector never cooperates (by its definition)
    assert frame.set_index("player").loc["Defector", "cooperation_rate"] == 0
    with pytest.raises(brink.Error, match="unknown strategy"):
        brink.game.tournament(["Tit For Tat", "Tit For Twat"])


def test_forecast_is_the_commands_json():
    f = brink.forecast(KOREA, runs=200, seed=3, threads=2)
    assert f.json() == cli("forecast", KOREA, "--runs", "200", "--seed", "3", "--threads", "1",
                           "--format", "json", "--quiet")
    frame = f.to_pandas()
    assert len(frame) == 2 * 5  # two 52-week windows x five series
    w = f.data["forecast"]["windows"][0]["series"]["bm_launch_days"]
    hist = w["hist"]
    row = frame[(frame.window == 1) & (frame.series == "bm_launch_days")].iloc[0]
    assert row["mean"] == w["mean"]
    assert abs(row["mean"] - sum(k * n for k, n in enumerate(hist)) / sum(hist)) < 1e-12


def test_forecast_from_an_origin_is_the_commands_json():
    # The record before the origin filtered over two windows, then the policy run from the
    # particles: the same bytes as `brink forecast --origin --history`.
    windows = [str(SOURCE / "scenarios" / "korea" / w) for w in ("2018.yaml", "2019.yaml")]
    f = brink.forecast(KOREA, runs=300, seed=4, threads=2, horizon=52, origin="2021-11-01",
                       history=windows, particles=300)
    args = ["forecast", KOREA, "--origin", "2021-11-01", "--horizon", "52", "--runs", "300",
            "--seed", "4", "--threads", "1", "--particles", "300", "--format", "json", "--quiet"]
    for w in windows:
        args += ["--history", w]
    assert f.json() == cli(*args)
    assert f.data["forecast"]["origin"] == "2021-11-01"
    # Without history: the scenario itself over the 52 weeks before the origin, as the command.
    g = brink.forecast(KOREA, runs=200, seed=5, threads=1, horizon=26, origin="2022-11-07",
                       particles=200)
    assert g.json() == cli("forecast", KOREA, "--origin", "2022-11-07", "--horizon", "26",
                           "--runs", "200", "--seed", "5", "--threads", "2", "--particles",
                           "200", "--format", "json", "--quiet")
    with pytest.raises(ValueError, match="Monday"):
        brink.forecast(KOREA, runs=10, origin="2022-11-08")
    with pytest.raises(brink.Error) as e:
        brink.forecast(KOREA, runs=10, origin="2022-11-07",
                       history=["tests/data/does-not-exist.yaml"])
    assert "does-not-exist.yaml" in str(e.value)


def test_score_matches_the_command_and_a_hand_crps():
    path = "tests/data/record/forecast.json"
    frame = brink.score(path)
    ref = pd.read_csv(io.StringIO(cli("score", path, "--format", "csv")),
                      float_precision="round_trip")
    pd.testing.assert_frame_equal(frame, ref)
    # CRPS of the forecast's bm_launch_days in window 1, by hand from its histogram
    fc = json.load(open(path))["forecast"]["windows"][0]["series"]["bm_launch_days"]["hist"]
    row = frame[(frame.series == "bm_launch_days") & (frame.model == "forecast")].iloc[0]
    total, cdf, crps = sum(fc), 0.0, 0.0
    for k, n in enumerate(fc):
        cdf += n / total
        crps += (cdf - (1.0 if k >= row["observed"] else 0.0)) ** 2
    assert abs(row["crps"] - crps) < 1e-12
