"""The user's path, end to end: ZIP → clean profile → the plugin's installer → every tool via qgis_process.

1. ``qgis_plugin/build.py`` builds the ZIP (checked against plugins.qgis.org's rules);
2. it is unpacked into the plugin folder of a clean profile in a temporary HOME;
3. the plugin's own installer (:class:`installer.Installer`, as the dialog runs it)
   finds QGIS's Python from QGIS's facts (``qgis_process.bin``, prefix, version) while
   another Python (this test's venv) is first on ``PATH``, and installs from the package
   index into ``<profile>/python/sozialraum_deps/py3X`` (pip's cache is reused);
4. ``qgis_process.bin`` enables the plugin, lists the provider and runs every tool with
   ``--json``, with nothing but QGIS's Python, its packages and the private folder;
5. the outputs equal the library's on the same data; the folder is ≤ 400 MB; QGIS's own
   numpy and matplotlib stay in use.

Needs the package index and about 6 minutes on two cores (installing ~40 s with pip's cache,
a repeat ~20 s, twelve ``qgis_process`` starts ~4 min): runs when ``CI=true`` (``make test``
in CI) or with ``SOZIALRAUM_INSTALL_TEST=1``; one installation is shared by the whole module.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_SRC = ROOT / "qgis_plugin"
QGIS_PROCESS = Path("/usr/bin/qgis_process.bin")
GPKG = ROOT / "data" / "boundaries" / "musterland.gpkg"
EX = ROOT / "examples" / "musterland"
AREAS = f"{GPKG}|layername=sozialraeume"
MAX_MB = 400
IDS = [
    "angebote_finden",
    "bevoelkerungsvorausberechnung",
    "erreichbarkeit",
    "foerderkulisse",
    "hotspots",
    "indikatoren_verknuepfen",
    "kitaplanung",
    "klassensicherheit",
    "klassifizieren",
    "lisa",
    "pflegebedarf",
    "raten_index",
    "regionen_hochrechnen",
    "steckbriefe",
    "veroeffentlichung",
    "webkarte",
    "zonale_statistik",
]

pytestmark = [
    pytest.mark.install_path,
    pytest.mark.skipif(
        not any(
            os.environ.get(v, "").lower() in ("1", "true", "yes")
            for v in ("CI", "SOZIALRAUM_INSTALL_TEST")
        ),
        reason="installs from the package index (~6 min): runs with CI=true or SOZIALRAUM_INSTALL_TEST=1",
    ),
    pytest.mark.skipif(
        not QGIS_PROCESS.exists(), reason="/usr/bin/qgis_process.bin fehlt (Paket qgis)"
    ),
]


def _qgis_facts() -> tuple[str, str, tuple[int, int]]:
    """What QGIS's own process knows: its executable, prefix and Python version."""
    r = subprocess.run(
        [str(QGIS_PROCESS), "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("Python version"))
    major, minor = line.split()[-1].split(".")[:2]
    return str(QGIS_PROCESS), "/usr", (int(major), int(minor))


def _load_plugin(plugdir: Path):
    """The unpacked plugin's modules, under their own package name (not the source tree's)."""
    spec = importlib.util.spec_from_file_location(
        "sozialraum_qgis_zip", plugdir / "__init__.py", submodule_search_locations=[str(plugdir)]
    )
    pkg = importlib.util.module_from_spec(spec)
    sys.modules["sozialraum_qgis_zip"] = pkg
    spec.loader.exec_module(pkg)
    return (
        importlib.import_module("sozialraum_qgis_zip.installer"),
        importlib.import_module("sozialraum_qgis_zip.pyenv"),
    )


@pytest.fixture(scope="module")
def user(tmp_path_factory):
    """A clean HOME with the plugin unpacked into its default profile and installed dependencies."""
    spec = importlib.util.spec_from_file_location("sozialraum_build_ip", PLUGIN_SRC / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    tmp = tmp_path_factory.mktemp("userpath")
    zpath = build.build(tmp / "dist")
    assert build.validate_zip(zpath) == []
    home = tmp / "home"
    profile = home / ".local" / "share" / "QGIS" / "QGIS3" / "profiles" / "default"
    plugins = profile / "python" / "plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(zpath) as zf:
        zf.extractall(plugins)
    installer, pyenv = _load_plugin(plugins / "sozialraum_qgis")

    # another Python first on PATH while installing: the installer must still take QGIS's.
    # (QGIS 3.22 itself must not be started that way: its embedded Python takes its prefix
    # from the first python3 on PATH and then fails to load; the tools run with a plain PATH.)
    other_bin = str(Path(sys.executable).parent)
    cache = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")
    env = pyenv.clean_env()
    env.update(
        HOME=str(home),
        TMPDIR=str(tmp),
        PIP_CACHE_DIR=cache,
        QT_QPA_PLATFORM="offscreen",
        XDG_RUNTIME_DIR=str(tmp),
        SOZIALRAUM_LANG="de",
    )
    env.pop("QGIS_PLUGINPATH", None)
    env["PATH"] = os.pathsep.join(
        p
        for p in env.get("PATH", "").split(os.pathsep)
        if p and Path(p).resolve() != Path(other_bin).resolve()
    )
    env_install = dict(env, PATH=other_bin + os.pathsep + env["PATH"])
    exe, prefix, version = _qgis_facts()
    interp = pyenv.find_python("linux", exe, prefix, version)
    base = profile / "python" / installer.DEPS_NAME
    inst = installer.Installer(
        interp, base, installer.read_requirements(plugins / "sozialraum_qgis"), env=env_install
    )
    lines: list[str] = []
    res = inst.run(on_line=lines.append)
    assert res.ok, "\n".join(lines[-60:])
    return {
        "home": home,
        "profile": profile,
        "plugins": plugins,
        "env": env,
        "env_install": env_install,
        "interp": interp,
        "result": res,
        "tmp": tmp,
        "installer": installer,
        "other_python": sys.executable,
    }


def _qp(user, *args, timeout=600):
    r = subprocess.run(
        [str(QGIS_PROCESS), *args], env=user["env"], capture_output=True, text=True, timeout=timeout
    )
    assert "multiple versions of Matplotlib" not in r.stdout + r.stderr
    return r


def _run(user, alg, **params):
    args = [f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}" for k, v in params.items()]
    r = _qp(user, "run", f"sozialraum:{alg}", "--json", "--", *args)
    assert r.returncode == 0, f"{alg}: {r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    data = json.loads(r.stdout[r.stdout.index("{") :])
    assert data["algorithm_details"]["id"] == f"sozialraum:{alg}"
    return data["results"]


def _read(path, key="sr_id"):
    import geopandas as gpd
    import pyogrio

    layer = next(str(n) for n, _ in pyogrio.list_layers(path) if n != "layer_styles")
    g = gpd.read_file(path, layer=layer)
    return g.set_index(g[key].astype(str))


def _num(a, b, rtol=1e-9):
    np.testing.assert_allclose(
        pd.to_numeric(a, errors="coerce").to_numpy(float),
        pd.to_numeric(b, errors="coerce").to_numpy(float),
        rtol=rtol,
        equal_nan=True,
    )


def test_installer_took_qgis_python_not_the_one_on_path(user):
    interp = user["interp"]
    assert interp.python == "/usr/bin/python{}.{}".format(*interp.version)
    assert Path(interp.python).resolve() != Path(user["other_python"]).resolve()
    first_on_path = user["env_install"]["PATH"].split(os.pathsep)[0]
    assert Path(first_on_path, "python3").exists()  # the other Python really came first
    assert not interp.python.startswith(first_on_path)


def test_private_folder_small_and_qgis_packages_stay_in_use(user):
    res = user["result"]
    names = {user["installer"].split_requirement(p)[0] for p in res.installed}
    assert "pyarrow" not in names and "numba" not in names
    assert not {"numpy", "matplotlib", "pyproj", "requests", "jinja2"} & names
    assert res.shadowed == [] and res.conflicts == ()
    size_mb = user["installer"].folder_size(res.target) / 1e6
    assert size_mb <= MAX_MB, f"{size_mb:.0f} MB"
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from sozialraum_qgis import deps\n"
        "deps.setup_paths()\n"
        "import numpy, matplotlib, pyproj, geopandas, esda, sozialraum\n"
        "print(numpy.__file__); print(matplotlib.__file__); print(pyproj.__file__)\n"
        "print(geopandas.__file__); print(sozialraum.__file__)\n"
    )
    r = subprocess.run(
        [user["interp"].python, "-c", code, str(user["plugins"])],
        env=user["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    np_file, mpl_file, proj_file, gpd_file, lib_file = r.stdout.split()
    assert np_file.startswith("/usr/lib/") and mpl_file.startswith("/usr/lib/")
    assert proj_file.startswith("/usr/lib/")
    assert gpd_file.startswith(str(res.target))
    assert lib_file.startswith(str(user["plugins"] / "sozialraum_qgis" / "ext"))


def test_repeat_install_is_fast_and_changes_nothing(user):
    """pip's cache and QGIS's installed packages: a repair run only re-resolves."""
    import time

    installer = user["installer"]
    inst = installer.Installer(
        user["interp"],
        user["profile"] / "python" / installer.DEPS_NAME,
        installer.read_requirements(user["plugins"] / "sozialraum_qgis"),
        env=user["env_install"],
    )
    t = time.monotonic()
    res = inst.run(on_line=lambda _l: None)
    assert res.ok and sorted(res.installed) == sorted(user["result"].installed)
    assert res.copied == []  # everything already there in the same version
    assert time.monotonic() - t < 60


def test_enable_list_and_every_tool_equals_library(user):
    r = _qp(user, "plugins", "enable", "sozialraum_qgis")
    assert r.returncode == 0, r.stdout + r.stderr
    r = _qp(user, "list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    block = []
    for ln in lines[lines.index("Sozialraum") + 1 :]:
        if not ln.startswith("\t"):
            break
        block.append(ln.strip().split("\t")[0])
    # every tool, plus the shipped model of the yearly steps
    assert sorted(block) == sorted(f"sozialraum:{i}" for i in [*IDS, "jahreslauf"])
    _every_tool(user, user["tmp"] / "out")


def _reference():
    """The library's join of Musterland 2024 (the reference of every tool)."""
    from sozialraum.io import read_areas, read_catalogue, read_table
    from sozialraum.join import join_tables

    cat = read_catalogue(EX / "katalog.toml")
    areas = read_areas(GPKG, layer="sozialraeume", key="sr_id", name="sr_name")
    tables = [
        read_table(EX / "indikatoren_2024.xlsx", sheet="Daten", columns=cat),
        read_table(EX / "jobcenter_2024.csv", columns=cat),
    ]
    return join_tables(areas, tables, area_names="sr_name"), cat


def _every_tool(user, out: Path):
    out.mkdir()
    ref, cat = _reference()
    frame = ref.frame
    joined, mon = _join_and_monitor(user, out, ref, cat)
    lisa = _spatial(user, out, frame, joined)
    _access_and_zonal(user, out, frame, joined)
    _outputs(user, out, lisa, mon)


def _join_and_monitor(user, out, ref, cat):
    from sozialraum.monitor import classify, run_monitor

    frame = ref.frame
    joined = str(out / "joined.gpkg")
    _run(
        user,
        "indikatoren_verknuepfen",
        INPUT=AREAS,
        KEY="sr_id",
        NAME="sr_name",
        TABLE=str(EX / "indikatoren_2024.xlsx"),
        TABLE2=str(EX / "jobcenter_2024.csv"),
        SHEET="Daten",
        CATALOGUE=str(EX / "katalog.toml"),
        OUTPUT=joined,
    )
    got = _read(joined).reindex(frame.index)
    for c in ("sgb2_pers", "ew_ges", "ew_0_2"):
        _num(got[c], frame[c])

    mon = str(out / "monitor.gpkg")
    _run(
        user,
        "raten_index",
        INPUT=joined,
        KEY="sr_id",
        CATALOGUE=str(EX / "katalog.toml"),
        OUTPUT=mon,
    )
    counts = frame[[v for v in cat.variables.index if v in frame.columns]]
    m = run_monitor(counts, cat, status=ref.status.reindex(columns=counts.columns))
    got = _read(mon).reindex(frame.index)
    assert got["idx_gesamt_klasse"].tolist() == m.frame["idx_gesamt_klasse"].astype(object).tolist()

    kl = str(out / "klassen.gpkg")
    _run(
        user, "klassifizieren", INPUT=joined, KEY="sr_id", FIELD="ew_ges", SCHEME=3, K=4, OUTPUT=kl
    )
    c = classify(frame["ew_ges"], scheme="fisher_jenks", k=4)
    got = _read(kl).reindex(frame.index)
    assert got["ew_ges_klasse"].astype("Int64").tolist() == c.classes.tolist()

    return joined, mon


def _spatial(user, out, frame, joined):
    from sozialraum.spatial import build_weights, getis_ord, local_moran

    w = build_weights(frame, "queen")
    lisa = str(out / "lisa.gpkg")
    _run(
        user,
        "lisa",
        INPUT=joined,
        KEY="sr_id",
        FIELD="sgb2_pers",
        PERMUTATIONS=199,
        SEED=7,
        OUTPUT=lisa,
    )
    loc = local_moran(frame, "sgb2_pers", w, permutations=199, seed=7)
    got = _read(lisa).reindex(loc.frame.index)
    _num(got["lisa_I"], loc.frame["lisa_I"], rtol=1e-10)
    assert got["lisa_code"].tolist() == loc.frame["lisa_code"].tolist()

    gi = str(out / "gi.gpkg")
    _run(user, "hotspots", INPUT=joined, KEY="sr_id", FIELD="sgb2_pers", OUTPUT=gi)
    g = getis_ord(frame, "sgb2_pers", w)
    got = _read(gi).reindex(g.frame.index)
    _num(got["gi_z"], g.frame["gi_z"], rtol=1e-10)

    return lisa


def _access_and_zonal(user, out, frame, joined):
    import geopandas as gpd

    from sozialraum.access import measure
    from sozialraum.raster import zonal_stats

    near = str(out / "near.gpkg")
    _run(
        user,
        "erreichbarkeit",
        INPUT=joined,
        KEY="sr_id",
        SUPPLY=str(EX / "einrichtungen.gpkg"),
        SUPPLY_FILTER="\"kategorie\" = 'Kita'",
        SUPPLY_ID="id",
        METHOD=0,
        OUTPUT=near,
    )
    e = gpd.read_file(EX / "einrichtungen.gpkg")
    kitas = e[e["kategorie"] == "Kita"].set_index("id", drop=False)
    acc = measure(frame, kitas, "nearest").frame
    got = _read(near).reindex(acc.index)
    _num(got["distance_1"], acc["distance_1"])

    tif = EX / "bevoelkerung_100m.tif"
    zon = str(out / "zonal.gpkg")
    _run(
        user,
        "zonale_statistik",
        INPUT=joined,
        KEY="sr_id",
        RASTER=str(tif),
        STATS=[0, 1, 4],
        METHOD=1,
        PREFIX="r_",
        OUTPUT=zon,
    )
    z = zonal_stats(frame, tif, stats=["sum", "mean", "count"], method="coverage")
    got = _read(zon).reindex(z.index)
    _num(got["r_sum"], z["sum"])


def _outputs(user, out, lisa, mon):
    html = out / "karte.html"
    _run(
        user,
        "webkarte",
        INPUT=lisa,
        KEY="sr_id",
        NAME="sr_name",
        FIELDS="sgb2_pers",
        LISA="true",
        OFFLINE="true",
        TITLE="Musterland",
        OUTPUT=str(html),
    )
    text = html.read_text(encoding="utf-8")
    assert "Bahnhofsviertel" in text and "unpkg.com" not in text

    res = _run(
        user,
        "steckbriefe",
        INPUT=mon,
        KEY="sr_id",
        NAME="sr_name",
        CATALOGUE=str(EX / "katalog.toml"),
        TITLE="Steckbrief",
        YEAR=2024,
        PDF="false",
        COMBINED="false",
        OUTPUT=str(out / "steckbriefe"),
    )
    assert int(res["N_FILES"]) == 80

    res = _run(
        user,
        "veroeffentlichung",
        INPUT=mon,
        KEY="sr_id",
        CATALOGUE=str(EX / "katalog.toml"),
        AGS="ags",
        LEVELS=[0, 2],
        FORMATS=[2],
        NAME="musterland",
        OUTPUT=str(out / "release"),
    )
    assert "[oeffentlich]" in res["CHECK"] and (out / "release" / "oeffentlich").is_dir()
