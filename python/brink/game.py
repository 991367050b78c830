# SPDX-License-Identifier: MIT
"""Iterated prisoner's dilemma tournaments: brink.game.tournament(...), as
`brink game tournament` (docs/game.md)."""
from brink import _core
from brink._native import ffi, lib


def strategies():
    """Names of every strategy the library plays."""
    out, i = [], 0
    while True:
        s = lib.brink_game_strategy_at(i)
        if s == ffi.NULL:
            return out
        out.append(ffi.string(s.name).decode())
        i += 1


def tournament(players, turns=200, repetitions=10, noise=0.0, prob_end=0.0, seed=1, threads=0,
               payoffs=None):
    """A round robin of the named strategies (each meets every other and itself), Axelrod's
    rules; returns a pandas frame, one row per player in rank order: rank, player, median and
    mean normalised score, median wins, cooperation rate. payoffs: (R, S, T, P), default
    (3, 0, 5, 1). The same seed gives the same frame whatever threads. Unknown names raise
    brink.Error ("unknown strategy 'X' (did you mean 'Y'?)")."""
    import pandas as pd

    ctx = _core.Context()
    index = []
    for name in players:
        out = ffi.new("size_t *")
        ctx.check(lib.brink_game_strategy_find(ctx.ptr, name.encode(), out))
        index.append(out[0])
    spec = ffi.new("brink_game_tournament_spec *")
    arr = ffi.new("size_t[]", index)
    spec.players = arr
    spec.n_players = len(index)
    spec.rules = lib.brink_game_rules_default()
    spec.rules.turns = int(turns)
    spec.rules.noise = float(noise)
    spec.rules.prob_end = float(prob_end)
    if payoffs is not None:
        r, s, t, p = payoffs
        spec.rules.payoffs.reward, spec.rules.payoffs.sucker = float(r), float(s)
        spec.rules.payoffs.temptation, spec.rules.payoffs.punishment = float(t), float(p)
    spec.repetitions = int(repetitions)
    spec.seed = int(seed)
    spec.threads = int(threads)
    cancel = ffi.new("int *", 0)
    spec.cancel = cancel
    out = ffi.new("brink_game_tournament **")
    ctx.check(lib.brink_game_tournament_new(ctx.ptr, spec, out))
    t = out[0]
    try:
        ctx.check(_core.interruptible(lambda: lib.brink_game_tournament_run(t), cancel))
        matches = int(t.n_matches)
        rows = []
        for rank in range(t.n_players):
            i = t.ranking[rank]
            rows.append({"rank": rank + 1, "player": players[i],
                         "median_score": t.median_score[i], "mean_score": t.mean_score[i],
                         "median_wins": t.median_wins[i],
                         "cooperation_rate": t.cooperation_rate[i]})
    finally:
        lib.brink_game_tournament_free(t)
    frame = pd.DataFrame(rows)
    frame.attrs.update(seed=int(seed), repetitions=int(repetitions), turns=int(turns),
                       noise=float(noise), matches=matches)
    return frame
