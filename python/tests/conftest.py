# SPDX-License-Identifier: MIT
"""Where the tests find the source tree and the `brink` command (tests/python.sh sets both;
by default the tree above python/ and its build/brink)."""
import os
import pathlib

import pytest

SOURCE = pathlib.Path(os.environ.get("BRINK_SOURCE_DIR",
                                     pathlib.Path(__file__).resolve().parents[2]))
BINARY = os.environ.get("BRINK_BINARY", str(SOURCE / "build" / "brink"))
KOREA = str(SOURCE / "scenarios" / "korea" / "2022.yaml")


@pytest.fixture(autouse=True)
def _in_source(monkeypatch):
    # Relative paths (data/, scenarios/) as the command uses them, and quiet OpenMP waits.
    monkeypatch.chdir(SOURCE)
    monkeypatch.setenv("OMP_WAIT_POLICY", "passive")
