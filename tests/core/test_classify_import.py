"""mapclassify's Fisher–Jenks kernel comes from numba's disk cache, not a compile per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import mapclassify as mc
import numpy as np

_PROBE = """
import json, numpy as np
from sozialraum.core import classify as c
mc = c._mapclassify()
st = mc.classifiers._fisher_jenks_means.stats
y = np.arange(60.0) ** 1.3
print(json.dumps({
    "hits": sum(st.cache_hits.values()),
    "misses": sum(st.cache_misses.values()),
    "bins": c.classify(y, scheme="natural_breaks", k=5).bins.tolist(),
}))
"""


def _probe(cache_dir) -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache_dir)}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_second_process_loads_the_kernel_and_breaks_equal_mapclassify(tmp_path):
    first = _probe(tmp_path)
    second = _probe(tmp_path)
    assert (first["hits"], first["misses"]) == (0, 1)  # compiled once, written to the cache
    assert (second["hits"], second["misses"]) == (1, 0)  # loaded, not compiled
    assert any(tmp_path.rglob("*.nbc"))
    ref = mc.FisherJenks(np.arange(60.0) ** 1.3, k=5).bins.tolist()
    assert first["bins"] == second["bins"] == ref
