# SPDX-License-Identifier: MIT
"""examples/korea.py runs (Agg backend), writes its figure and prints the table."""
import os
import subprocess
import sys

from conftest import SOURCE


def test_korea_example(tmp_path):
    png = tmp_path / "korea.png"
    out = subprocess.run([sys.executable, str(SOURCE / "examples" / "korea.py"), "--runs", "300",
                          "--threads", "2", "--out", str(png)], capture_output=True, text=True,
                         cwd=SOURCE, env=dict(os.environ, MPLBACKEND="Agg"))
    assert out.returncode == 0, out.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10000
    lines = out.stdout.splitlines()
    assert lines[0].startswith("korea-2022, 300 runs per policy, seed 1")
    for policy in ("maximum_pressure", "proactive_diplomacy", "historical"):
        assert any(l.startswith(policy) for l in lines), policy
