"""Our cached permutation kernels against esda: the same random draws, the same simulated
values, hence p-values, categories and pseudo z identical to ``esda.Moran_Local`` /
``Moran_Local_BV`` / ``G_Local`` (Musterland and libpysal's Columbus, several seeds);
the fallback to esda without numba; the on-disk cache (a fresh process compiles nothing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest
from esda.getisord import G_Local
from esda.moran import Moran_Local, Moran_Local_BV
from libpysal.weights import Queen, lat2W

from sozialraum.errors import SozialraumWarning
from sozialraum.spatial import _kernels, build_weights, getis_ord, local_moran, local_moran_bv
from sozialraum.spatial._common import perm_p

pytestmark = pytest.mark.usefixtures("esda_warm")

SEEDS = (1, 12345, 20240101)
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def columbus():
    gdf = gpd.read_file(libpysal.examples.get_path("columbus.shp"))
    gdf.index = pd.Index([f"C{int(i):02d}" for i in gdf["POLYID"]])
    return gdf


@pytest.fixture(scope="module")
def muster(musterland):
    path = musterland["boundaries"]
    if not path.exists():
        pytest.skip(f"{path} absent")
    gdf = gpd.read_file(path, layer="sozialraeume").set_index("sr_id")
    c = gdf.geometry.centroid
    rng = np.random.default_rng(7)
    gdf["v"] = (c.x - c.x.mean()) / c.x.std() + rng.normal(0, 0.6, len(gdf))
    gdf["u"] = rng.gamma(2.0, 3.0, len(gdf)) + (c.y > c.y.median()) * 3
    return gdf


def _queen(gdf):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Queen.from_dataframe(gdf, use_index=False)


def _weights(gdf):
    """Weights without islands (Musterland's exclave attached), so esda computes the same."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SozialraumWarning)
        return build_weights(gdf, "queen", islands="knn")


def _esda_ref(cls, args, w, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(*args, w, permutations=999, seed=seed, n_jobs=1, keep_simulations=True)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dataset", ["columbus", "muster"])
def test_lisa_identical_to_esda(dataset, seed, request):
    gdf = request.getfixturevalue(dataset)
    col = "CRIME" if dataset == "columbus" else "v"
    w = _weights(gdf)
    r = local_moran(gdf, col, w, seed=seed).frame
    ref = _esda_ref(Moran_Local, (gdf[col].to_numpy(),), w.w, seed)
    p_ref = perm_p(ref.Is, ref.rlisas)
    assert np.abs(r["lisa_p"].to_numpy() - p_ref).max() <= 1e-12
    np.testing.assert_array_equal(r["lisa_I"], ref.Is)
    np.testing.assert_array_equal(r["lisa_z"], ref.z_sim)
    np.testing.assert_array_equal(r["lisa_q"], ref.q)
    sig = p_ref <= 0.05
    quad = np.array(["ns", "HH", "LH", "LL", "HL"])[ref.q]
    np.testing.assert_array_equal(r["lisa_code"], np.where(sig, quad, "ns"))
    for alt in ("greater", "lesser"):
        mine = local_moran(gdf, col, w, seed=seed, alternative=alt).frame["lisa_p"]
        assert np.abs(mine.to_numpy() - perm_p(ref.Is, ref.rlisas, alt)).max() <= 1e-12


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dataset", ["columbus", "muster"])
def test_bivariate_lisa_identical_to_esda(dataset, seed, request):
    gdf = request.getfixturevalue(dataset)
    x, y = ("CRIME", "INC") if dataset == "columbus" else ("u", "v")
    w = _weights(gdf)
    r = local_moran_bv(gdf, x, y, w, seed=seed).frame
    ref = _esda_ref(Moran_Local_BV, (gdf[x].to_numpy(), gdf[y].to_numpy()), w.w, seed)
    assert np.abs(r["bilisa_p"].to_numpy() - perm_p(ref.Is, ref.rlisas)).max() <= 1e-12
    np.testing.assert_array_equal(r["bilisa_I"], ref.Is)
    np.testing.assert_array_equal(r["bilisa_z"], ref.z_sim)
    np.testing.assert_array_equal(r["bilisa_q"], ref.q)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dataset", ["columbus", "muster"])
def test_gi_star_permutation_identical_to_esda(dataset, seed, request):
    gdf = request.getfixturevalue(dataset)
    col = "CRIME" if dataset == "columbus" else "u"
    w = _weights(gdf)
    r = getis_ord(gdf, col, w, inference="permutation", seed=seed).frame
    wb = _queen(gdf) if dataset == "columbus" else w.w
    wb.transform = "B"
    x = gdf[col].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = G_Local(x, wb, transform="B", star=True, permutations=999, seed=seed, n_jobs=1)
    assert np.abs(r["gi_p"].to_numpy() - perm_p(ref.Gs, ref.rGs)).max() <= 1e-12


def test_draws_are_esdas_and_kernel_simulations_bitwise():
    """The permutation index matrix is esda's ``vec_permutations`` (numba's generator),
    and the kernel's simulated values equal esda's ``rlisas`` bit for bit."""
    from esda.crand import vec_permutations

    for seed in SEEDS:
        np.testing.assert_array_equal(
            _kernels.draw_ids(6, 81, 199, seed), vec_permutations(6, 81, 199, seed)
        )
    w = lat2W(9, 9, rook=False)
    w.transform = "r"
    y = np.random.default_rng(5).normal(size=81) + np.arange(81) / 20
    ref = _esda_ref(Moran_Local, (y,), w, 3)
    z = y - y.mean()
    z /= y.std()  # esda's standardisation, operation by operation
    scaling = 80 / (z * z).sum()
    cr = _kernels.crand(z, z, ref.Is, w.sparse, permutations=999, seed=3, scaling=scaling)
    np.testing.assert_array_equal(cr.sims, ref.rlisas)
    np.testing.assert_array_equal(cr.p("folded"), ref.p_sim)  # esda 2.9's p_sim
    counts = _kernels.crand(
        z, z, ref.Is, w.sparse, permutations=999, seed=3, scaling=scaling, keep=False
    )
    assert counts.sims is None
    np.testing.assert_array_equal(counts.ge, (ref.rlisas >= ref.Is[:, None]).sum(1))
    np.testing.assert_array_equal(counts.le, (ref.rlisas <= ref.Is[:, None]).sum(1))


def test_without_numba_falls_back_to_esda_with_one_notice(columbus, monkeypatch):
    w = _weights(columbus)
    fast = local_moran(columbus, "CRIME", w, seed=9).frame
    monkeypatch.setattr(_kernels, "_NUMBA_ERROR", "ImportError: No module named 'numba'")
    monkeypatch.setattr(_kernels, "_notice_given", False)
    with pytest.warns(SozialraumWarning, match="numba") as rec:
        slow = local_moran(columbus, "CRIME", w, seed=9).frame
        local_moran(columbus, "CRIME", w, seed=9)
    assert sum("numba" in str(r.message) for r in rec) == 1
    pd.testing.assert_frame_equal(fast, slow)
    assert _kernels.warm_kernels() is None


def test_broken_numba_at_compile_time_falls_back(columbus, monkeypatch):
    from numba.core.errors import NumbaError

    def broken(*args):
        raise NumbaError("LLVM ERROR: simulated")

    w = _weights(columbus)
    fast = local_moran(columbus, "CRIME", w, seed=4).frame
    assert _kernels._jit()
    monkeypatch.setattr(_kernels, "_draw_ids_jit", broken)
    monkeypatch.setattr(_kernels, "_NUMBA_ERROR", None)
    monkeypatch.setattr(_kernels, "_notice_given", False)
    with pytest.warns(SozialraumWarning, match="simulated"):
        slow = local_moran(columbus, "CRIME", w, seed=4).frame
    pd.testing.assert_frame_equal(fast, slow)


def test_warm_kernels_is_one_daemon_thread():
    t1 = _kernels.warm_kernels()
    t2 = _kernels.warm_kernels(wait=True)
    assert t1 is t2 and t1.daemon and not t1.is_alive()


def test_fresh_process_loads_kernels_from_disk_cache(tmp_path):
    """Regression (compile wait in every process): the second process compiles nothing."""
    code = (
        "import json; from sozialraum.spatial import _kernels as K; K.warm_kernels(wait=True); "
        "print(json.dumps(sum(sum(f.stats.cache_misses.values()) "
        "for f in (K._crand_jit, K._draw_ids_jit))))"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    for _ in range(2):
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == 0


def test_lisa_in_fresh_process_imports_neither_esda_nor_plotting():
    """Regression (slow first LISA): a LISA imports no esda (seconds of imports), no
    matplotlib/mapclassify and none of the plotting or Gi* modules."""
    code = (
        "import sys, warnings; warnings.simplefilter('ignore')\n"
        "import geopandas as gpd, numpy as np\n"
        "from shapely.geometry import box\n"
        "from sozialraum.spatial import local_moran\n"
        "g = gpd.GeoDataFrame({'v': np.arange(36.0) % 7}, index=[f'a{i}' for i in range(36)],\n"
        "    geometry=[box(i % 6, i // 6, i % 6 + 1, i // 6 + 1) for i in range(36)], crs=25832)\n"
        "r = local_moran(g, 'v', seed=1)\n"
        "mods = ('esda', 'matplotlib', 'mapclassify', 'sozialraum.spatial.plots',\n"
        "    'sozialraum.spatial.getis_ord')\n"
        "print(len(r.frame), [m for m in mods if m in sys.modules])\n"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "36 []"


def test_public_names_resolve_lazily():
    import sozialraum.spatial as sp

    assert set(sp.__all__) == set(sp._WHERE)
    for name in sp.__all__:
        assert getattr(sp, name) is not None
    with pytest.raises(AttributeError):
        sp.no_such_name  # noqa: B018
