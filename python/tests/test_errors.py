# SPDX-License-Identifier: MIT
"""Failures become exceptions: brink.Error with the file:line:col the library names."""
import subprocess

import pytest

import brink
from brink import _core
from conftest import BINARY, KOREA


def test_malformed_file_raises_with_location():
    path = "tests/data/scenario/err_unknown_key.yaml"
    # where the two misspelt keys stand, found here in the text itself
    places = set()
    for i, line in enumerate(open(path), 1):
        for key in ("gred:", "outptus:"):
            if key in line:
                places.add("%s:%d:%d" % (path, i, line.index(key) + 1))
    assert len(places) == 2
    with pytest.raises(brink.Error) as info:
        brink.load(path)
    e = info.value
    assert e.status == "BRINK_EPARSE"
    assert e.file == path and e.location in places
    assert {d.split(": ")[0] for d in e.diagnostics} == places
    # the command names the same places
    out = subprocess.run([BINARY, "check", path], capture_output=True, text=True)
    assert out.returncode == 1
    assert all(p in out.stderr + out.stdout for p in places)


def test_bad_override_and_unknown_policy():
    with pytest.raises(brink.Error) as info:
        brink.load(KOREA, set={"params.dprk_greed": 7})
    assert info.value.status == "BRINK_EPARSE" and "dprk_greed" in str(info.value)
    sc = brink.load(KOREA)
    with pytest.raises(brink.Error, match="unknown policy 'appeasement'"):
        sc.compare(policies=["appeasement"], runs=10)


def test_missing_file():
    with pytest.raises(brink.Error) as info:
        brink.load("scenarios/does-not-exist.yaml")
    assert info.value.status == "BRINK_EIO" and "does-not-exist.yaml" in str(info.value)


def test_run_count_out_of_range_is_an_error_not_a_crash():
    sc = brink.load(KOREA)
    with pytest.raises(brink.Error) as info:
        sc.compare(runs=2 ** 41, seed=1)
    assert info.value.status == "BRINK_EINVAL" and "runs" in str(info.value)


def test_allocation_failures_raise_cleanly():
    """The n-th allocation of the library fails (its allocation funnel): every n gives
    OutOfMemoryError or a correct result, never a crash, and the process carries on."""
    expected = brink.load(KOREA).compare(runs=30, seed=2, threads=1).json()
    failures = 0
    try:
        for n in list(range(1, 40)) + list(range(40, 4000, 97)):
            _core._set_fail_after(n)
            try:
                got = brink.load(KOREA).compare(runs=30, seed=2, threads=1).json()
            except brink.OutOfMemoryError as e:
                assert e.status == "BRINK_ENOMEM" and isinstance(e, MemoryError)
                failures += 1
                continue
            assert got == expected
    finally:
        _core._set_fail_after(0)
    assert failures >= 39
    assert brink.load(KOREA).compare(runs=30, seed=2, threads=1).json() == expected


def test_clean_interpreter_exit(tmp_path):
    """Objects alive at exit are freed in order (scenario, summary, store before their
    context) without errors, even after the module globals are gone."""
    import sys
    code = ("import brink; sc = brink.load(%r); r = sc.compare(runs=20, threads=1); "
            "st = brink.events.Store(%r); cycle = [sc, r]; cycle.append(cycle)"
            % (KOREA, str(tmp_path / "e.db")))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == ""
