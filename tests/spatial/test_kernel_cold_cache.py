"""The first time on a machine the kernels compile in a separate process, not in the warm-up thread.

numba's compiler enters ``warnings.catch_warnings`` blocks; in a thread they swap the
warning state of the whole process while the yearly run records its data notes
(regression: a fresh machine's first run lost the two notes of the spatial step).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, threading, warnings
import numpy, scipy.sparse  # imported by the run before the warm-up starts
orig = warnings.catch_warnings
entered = []
class Spy(orig):
    def __enter__(self):
        entered.append(threading.current_thread().name)
        return super().__enter__()
warnings.catch_warnings = Spy
from sozialraum.spatial import _kernels as K
K._jit()
cold = K._cache_is_cold()
K.warm_kernels(wait=True)
print(json.dumps({"cold_before": cold, "cold_after": K._cache_is_cold(),
                  "usable": K._NUMBA_ERROR is None,
                  "thread_blocks": [n for n in entered if n != "MainThread"]}))
"""


def test_cold_cache_compiles_in_a_subprocess(tmp_path):
    env = {
        **os.environ,
        "NUMBA_CACHE_DIR": str(tmp_path / "numba"),  # an empty cache: numba must compile
        "PYTHONPATH": str(ROOT / "src"),
    }
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=900
    )
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["usable"]
    assert got["cold_before"] and not got["cold_after"]
    assert got["thread_blocks"] == []  # the thread only loaded from the cache
    assert any((tmp_path / "numba").rglob("*.nbi"))
