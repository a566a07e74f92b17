"""The plugin's installer logic without QGIS: interpreter discovery, commands, constraints, ZIP rules.

Interpreter discovery is tested for Windows (OSGeo4W, standalone installer), macOS
(QGIS.app) and Linux layouts built in ``tmp_path``; nothing here imports ``qgis``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_SRC = ROOT / "qgis_plugin"
sys.path.insert(0, str(PLUGIN_SRC))

from sozialraum_qgis import installer, pyenv  # noqa: E402


def _build_module():
    spec = importlib.util.spec_from_file_location("sozialraum_build", PLUGIN_SRC / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _touch(p: Path) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("", encoding="utf-8")
    return p


# --- interpreter discovery ---------------------------------------------------------------


def _posix(p):
    """A Windows path of a layout built in tmp_path, back on this machine's file system."""
    return p.replace("\\", "/") if p else p


def _exists(p):
    return os.path.exists(_posix(p))


def _layout(kind: str, root: Path):
    """(platform, executable, prefix, expected python, expected env script) of a QGIS layout."""
    if kind == "osgeo4w":
        base = root / "OSGeo4W"
        _touch(base / "bin" / "qgis-ltr-bin.exe")
        _touch(base / "bin" / "o4w_env.bat")
        py = _touch(base / "apps" / "Python39" / "python.exe")
        return (
            "win32",
            base / "bin" / "qgis-ltr-bin.exe",
            base / "apps" / "Python39",
            py,
            base / "bin" / "o4w_env.bat",
        )
    if kind == "standalone":  # "QGIS 3.34.1" with spaces, python3.exe only, no env script
        base = root / "Program Files" / "QGIS 3.34.1"
        _touch(base / "bin" / "qgis-bin.exe")
        py = _touch(base / "apps" / "Python39" / "python3.exe")
        return "win32", base / "bin" / "qgis-bin.exe", base / "apps" / "Python39", py, None
    if kind == "macos":
        app = root / "Applications" / "QGIS-LTR.app"
        _touch(app / "Contents" / "MacOS" / "QGIS")
        py = _touch(app / "Contents" / "MacOS" / "bin" / "python3")
        prefix = app / "Contents" / "Frameworks" / "Python.framework" / "Versions" / "3.9"
        return "darwin", app / "Contents" / "MacOS" / "QGIS", prefix, py, None
    if kind == "linux":
        usr = root / "usr"
        _touch(usr / "bin" / "qgis")
        py = _touch(usr / "bin" / "python3.9")
        _touch(root / "pyenv" / "shims" / "python3")  # a different Python first on PATH
        return "linux", usr / "bin" / "qgis", usr, py, None
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["osgeo4w", "standalone", "macos", "linux"])
def test_find_python_in_each_layout(kind, tmp_path, monkeypatch):
    platform, exe, prefix, want, env_script = _layout(kind, tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "pyenv" / "shims") + os.pathsep + os.environ["PATH"])
    got = pyenv.find_python(platform, str(exe), str(prefix), (3, 9), exists=_exists)
    assert _posix(got.python) == str(want)
    assert _posix(got.env_script) == (str(env_script) if env_script else None)
    assert got.version == (3, 9) and got.platform == platform


def test_find_python_windows_root_derived_from_executable_when_prefix_differs(tmp_path):
    """QGIS's bin/ tells where apps/Python3X is, even with an unrelated prefix."""
    platform, exe, _prefix, want, _ = _layout("osgeo4w", tmp_path)
    got = pyenv.find_python(platform, str(exe), str(tmp_path / "elsewhere"), (3, 9), exists=_exists)
    assert _posix(got.python) == str(want)


def test_find_python_nothing_found_lists_what_was_tried(tmp_path):
    got = pyenv.find_python(
        "linux", str(tmp_path / "qgis"), str(tmp_path), (3, 11), exists=lambda p: False
    )
    assert got.python is None
    assert str(tmp_path / "bin" / "python3.11") in got.tried


def test_find_python_never_uses_path(tmp_path, monkeypatch):
    """Regression: the install command used the first python3 on PATH (a pyenv shim)."""
    shim = _touch(tmp_path / "shims" / "python3")
    monkeypatch.setenv("PATH", str(shim.parent))
    got = pyenv.find_python("linux", "/usr/bin/qgis_process.bin", str(tmp_path / "none"), (3, 11))
    assert str(shim) not in got.tried


def test_find_python_a_python_executable_is_itself(tmp_path):
    py = _touch(tmp_path / "venv" / "bin" / "python3.11")
    got = pyenv.find_python("linux", str(py), str(tmp_path / "x"), (3, 11))
    assert got.python == str(py)


@pytest.mark.parametrize(
    ("platform", "want"),
    [
        ("linux", "/home/anna/.local/share/QGIS/QGIS3/profiles/default"),
        ("darwin", "/home/anna/Library/Application Support/QGIS/QGIS3/profiles/default"),
        ("win32", r"C:\Users\Anna Müller\AppData\Roaming\QGIS\QGIS3\profiles\default"),
    ],
)
def test_default_profile_per_platform(platform, want):
    home = r"C:\Users\Anna Müller" if platform == "win32" else "/home/anna"
    appdata = r"C:\Users\Anna Müller\AppData\Roaming" if platform == "win32" else None
    assert pyenv.default_profile(platform, home, appdata) == want


def test_windows_without_o4w_env_uses_python_qgis_bat(tmp_path):
    platform, exe, prefix, want, _ = _layout("standalone", tmp_path)
    bat = _touch(exe.parent / "python-qgis.bat")
    got = pyenv.find_python(platform, str(exe), str(prefix), (3, 9), exists=_exists)
    assert _posix(got.launcher) == str(bat) and got.env_script is None
    line = pyenv.command_text([got.python, "installer.py"], got)
    assert line.startswith('"') and "python-qgis.bat" in line and "python3.exe" not in line


# --- commands -----------------------------------------------------------------------------


def test_command_text_windows_calls_o4w_env_and_quotes_spaces():
    interp = pyenv.Interpreter(
        r"C:\Program Files\QGIS 3.34\apps\Python39\python.exe",
        "win32",
        (3, 9),
        r"C:\Program Files\QGIS 3.34\bin\o4w_env.bat",
    )
    line = pyenv.command_text([interp.python, "-m", "pip", "install", "Größe ä"], interp)
    assert line == (
        r'call "C:\Program Files\QGIS 3.34\bin\o4w_env.bat" && '
        r'"C:\Program Files\QGIS 3.34\apps\Python39\python.exe" -m pip install "Größe ä"'
    )


def test_command_text_posix_quotes():
    interp = pyenv.Interpreter(
        "/Applications/QGIS.app/Contents/MacOS/bin/python3", "darwin", (3, 9)
    )
    line = pyenv.command_text([interp.python, "x y.py", "--profile", "/Users/Jörg/a b"], interp)
    assert (
        line
        == "/Applications/QGIS.app/Contents/MacOS/bin/python3 'x y.py' --profile '/Users/Jörg/a b'"
    )


@pytest.mark.parametrize(
    ("platform", "os_release", "want_text", "runs"),
    [
        ("linux", 'ID=debian\nVERSION_ID="12"\n', "sudo apt install python3-pip", False),
        ("linux", "ID=ubuntu\nID_LIKE=debian\n", "sudo apt install python3-pip", False),
        ("linux", 'ID="fedora"\n', "sudo dnf install python3-pip", False),
        ("win32", "", "-m ensurepip --upgrade", True),
        ("darwin", "", "-m ensurepip --upgrade", True),
    ],
)
def test_pip_fix_per_platform(platform, os_release, want_text, runs):
    interp = pyenv.Interpreter(
        "/x/python3" if platform != "win32" else r"C:\Q\python.exe", platform, (3, 11)
    )
    text, cmd = pyenv.pip_fix(interp, os_release)
    assert want_text in text
    assert (cmd is not None) is runs
    if runs:
        assert cmd[:2] == [interp.python, "-m"]


def test_resolve_and_install_commands():
    res = installer.resolve_command("/usr/bin/python3.11", ["esda>=2.5"], "c.txt", "r.json")
    assert res[:3] == ["/usr/bin/python3.11", "-m", "pip"]
    assert "--dry-run" in res and res[res.index("--report") + 1] == "r.json"
    assert res[res.index("--constraint") + 1] == "c.txt" and res[-1] == "esda>=2.5"
    ins = installer.install_command("/usr/bin/python3.11", "/p/py311", ["esda==2.7.0"])
    assert {"--no-deps", "--no-compile", "--target"} <= set(ins)
    assert ins[ins.index("--target") + 1] == "/p/py311" and ins[-1] == "esda==2.7.0"
    assert installer.pip_supports_report("pip 23.0.1 from /usr/lib (python 3.11)")
    assert not installer.pip_supports_report("pip 21.3 from C:\\x (python 3.9)")


# --- constraints, requirements, folders ---------------------------------------------------


def test_constraints_pin_what_qgis_ships_where_compatible():
    shipped = {"numpy": "1.24.2", "matplotlib": "3.6.3", "pyproj": "3.4.1", "requests": "2.28.1"}
    c = installer.make_constraints(shipped, ["numpy>=1.24", "matplotlib>=3.6", "pyproj>=3.5"])
    assert "numpy==1.24.2" in c.pins and "matplotlib==3.6.3" in c.pins
    assert "requests==2.28.1" in c.pins  # not a requirement, still kept
    assert "pyproj==3.4.1" not in c.pins
    assert c.conflicts == (("pyproj", "3.4.1", ">=3.5"),)
    assert c.text().splitlines()[1:] == list(c.pins)


def test_constraints_keep_affine_2_with_old_attrs():
    """Regression: affine 3 with Debian 12's attrs 22.2 broke zonal statistics in QGIS."""
    old = installer.make_constraints({"attrs": "22.2.0"}, ["rasterio>=1.3"])
    assert "affine<3" in old.pins and "attrs==22.2.0" in old.pins
    new = installer.make_constraints({"attrs": "24.2.0"}, ["rasterio>=1.3"])
    assert "affine<3" not in new.pins


def test_requirements_smallest_set():
    """Regression: pyarrow was installed (156 MB) though nothing needs it; numba only on request."""
    reqs = installer.read_requirements(PLUGIN_SRC / "sozialraum_qgis")
    names = {installer.split_requirement(r)[0] for r in reqs}
    assert "pyarrow" not in names and "numba" not in names
    assert {"geopandas", "esda", "libpysal", "folium", "rasterio"} <= names
    with_numba = installer.read_requirements(PLUGIN_SRC / "sozialraum_qgis", extras=("numba",))
    assert "numba>=0.58" in with_numba


def test_requirements_of_the_built_zip_leave_out_the_bundled_library(tmp_path):
    build = _build_module()
    z = build.build(tmp_path / "dist")
    with zipfile.ZipFile(z) as zf:
        zf.extractall(tmp_path / "plugins")
    reqs = installer.read_requirements(tmp_path / "plugins" / "sozialraum_qgis")
    names = [installer.split_requirement(r)[0] for r in reqs]
    assert "sozialraum" not in names and "pyarrow" not in names and "numba" not in names
    assert "xstatic-leaflet" in names


def test_private_folder_is_appended_after_qgis_site_packages(tmp_path):
    path = ["/usr/share/qgis/python", "/usr/lib/python3/dist-packages"]
    out = installer.append_site(tmp_path / "py311", [str(tmp_path / "py311"), *path])
    assert out == [*path, str(tmp_path / "py311")]
    assert installer.deps_folder(tmp_path, (3, 11)) == tmp_path / "py311"


def test_shadowed_and_size(tmp_path):
    (tmp_path / "numpy-2.1.0.dist-info").mkdir()
    (tmp_path / "esda-2.7.0.dist-info").mkdir()
    (tmp_path / "esda").mkdir()
    (tmp_path / "esda" / "x.py").write_bytes(b"x" * 1000)
    assert installer.shadowed(tmp_path, {"numpy": "1.24.2", "esda": "2.7.0"}) == [
        ("numpy", "2.1.0", "1.24.2")
    ]
    assert installer.folder_size(tmp_path) == 1000


def test_remove_folder_only_below_deps_folder(tmp_path):
    base = tmp_path / "python" / installer.DEPS_NAME
    (base / "py311").mkdir(parents=True)
    with pytest.raises(ValueError):
        installer.remove_folder(tmp_path / "python", base)
    assert installer.remove_folder(base / "py311", base)
    assert not (base / "py311").exists() and base.exists()


def test_still_missing_skips_what_the_folder_has():
    present = {"esda": "2.7.0", "xstatic-leaflet": "1.9.3.0", "pandas": "2.2.0"}
    pins = ["esda==2.7.0", "XStatic-Leaflet==1.9.3.0", "pandas==2.3.3", "folium==0.20.0"]
    assert installer.still_missing(pins, present) == ["pandas==2.3.3", "folium==0.20.0"]


def test_repair_removes_the_old_flat_install_and_the_version_folder(tmp_path):
    """Regression: the old installer put packages straight into sozialraum_deps (1.2 GB, first on sys.path)."""
    base = tmp_path / installer.DEPS_NAME
    for d in ("numpy", "pyarrow", "py311/esda", "py312/esda"):
        (base / d).mkdir(parents=True)
    (base / "constraints.txt").write_text("", encoding="utf-8")
    (base / "six.py").write_text("", encoding="utf-8")
    assert [p.name for p in installer.stale_entries(base)] == ["numpy", "pyarrow", "six.py"]
    gone = installer.repair(base, (3, 11))
    assert sorted(p.name for p in gone) == ["numpy", "py311", "pyarrow", "six.py"]
    assert sorted(p.name for p in base.iterdir()) == ["constraints.txt", "py312"]


def test_parse_report():
    rep = {"install": [{"metadata": {"name": "esda", "version": "2.7.0"}, "requested": True}]}
    assert installer.parse_report(rep) == ["esda==2.7.0"]


def test_query_shipped_reads_the_given_python_not_this_one():
    """The shipped versions come from the interpreter pip will run on."""
    code = "import json,sys; print(json.dumps({'numpy': 'x'}))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0
    shipped = installer.query_shipped(sys.executable)
    import numpy

    assert shipped["numpy"] == numpy.__version__


def test_installer_cancel_kills_pip(tmp_path):
    """A real "Abbrechen": the running subprocess is killed, the result says cancelled."""
    import threading

    interp = pyenv.Interpreter(sys.executable, pyenv.platform_key(), sys.version_info[:2])
    inst = installer.Installer(interp, tmp_path / installer.DEPS_NAME, ["esda"])
    lines = []
    code = "import time\nprint('Collecting x', flush=True)\ntime.sleep(60)"
    t = threading.Thread(
        target=lambda: lines.append(inst._run([sys.executable, "-c", code], lines.append))
    )
    t.start()
    for _ in range(100):
        if any("Collecting" in str(x) for x in lines):
            break
        threading.Event().wait(0.1)
    inst.cancel()
    t.join(10)
    assert not t.is_alive() and lines[-1] == -1


# --- plugin ZIP and metadata ------------------------------------------------------------


def test_built_zip_passes_the_plugin_repository_rules(tmp_path):
    build = _build_module()
    z = build.build(tmp_path / "dist")
    assert build.validate_zip(z) == []
    with zipfile.ZipFile(z) as zf:
        meta = zf.read("sozialraum_qgis/metadata.txt").decode("utf-8")
    assert "example.org" not in meta
    for key in ("about", "tracker", "repository", "homepage", "changelog", "icon", "email"):
        assert f"\n{key}=" in meta, key


def test_metadata_source_has_no_placeholders():
    build = _build_module()
    text = (PLUGIN_SRC / "sozialraum_qgis" / "metadata.txt").read_text(encoding="utf-8")
    assert build.validate_metadata(text) == []


@pytest.mark.parametrize(
    ("mutate", "expect"),
    [
        (
            lambda m: m.replace(
                "https://github.com/sozialraum/sozialraum/issues", "https://example.org/x"
            ),
            "Platzhalter",
        ),
        (
            lambda m: "\n".join(ln for ln in m.splitlines() if not ln.startswith("tracker=")),
            "tracker fehlt",
        ),
        (lambda m: m.replace("[general]", "[allgemein]"), "[general]"),
    ],
)
def test_validator_rejects_bad_metadata(mutate, expect):
    build = _build_module()
    text = (PLUGIN_SRC / "sozialraum_qgis" / "metadata.txt").read_text(encoding="utf-8")
    problems = build.validate_metadata(mutate(text))
    assert any(expect in p for p in problems), problems


def test_validator_rejects_pyc_pycache_and_missing_license(tmp_path):
    build = _build_module()
    meta = (PLUGIN_SRC / "sozialraum_qgis" / "metadata.txt").read_text(encoding="utf-8")
    z = tmp_path / "bad.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("sozialraum_qgis/__init__.py", "")
        zf.writestr("sozialraum_qgis/metadata.txt", meta)
        zf.writestr("sozialraum_qgis/icon.svg", "<svg/>")
        zf.writestr("sozialraum_qgis/__pycache__/x.cpython-311.pyc", "")
    problems = build.validate_zip(z)
    assert any("LICENSE" in p for p in problems)
    assert any(".pyc" in p for p in problems) and any("__pycache__" in p for p in problems)


def test_dialog_size_fits_the_screen():
    sys.modules.pop("sozialraum_qgis.deps", None)
    from sozialraum_qgis.deps import count_progress, dialog_size

    assert dialog_size(1920, 1080) == (760, 560)
    w, h = dialog_size(1024, 600)
    assert w <= 1024 * 0.9 and h <= 600 * 0.8
    assert count_progress("Collecting esda==2.7.0") and not count_progress("Successfully")


def test_report_json_roundtrip(tmp_path):
    p = tmp_path / "r.json"
    p.write_text(json.dumps({"install": []}), encoding="utf-8")
    assert installer.parse_report(json.loads(p.read_text(encoding="utf-8"))) == []


def test_installer_without_pip_runs_ensure_pip_first(tmp_path):
    """A Python without pip (Windows/macOS: ``ensurepip``) gets the fix command run before pip."""
    import venv

    venv.EnvBuilder(with_pip=False).create(tmp_path / "nopip")
    py = tmp_path / "nopip" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    interp = pyenv.Interpreter(str(py), pyenv.platform_key(), sys.version_info[:2])
    marker = tmp_path / "ran"
    fix = [str(py), "-c", f"open({str(marker)!r}, 'w').write('x'); print('ensurepip ran')"]
    inst = installer.Installer(interp, tmp_path / installer.DEPS_NAME, ["esda"], ensure_pip=fix)
    lines: list[str] = []
    res = inst.run(on_line=lines.append)
    assert marker.exists() and "ensurepip ran" in lines
    assert not res.ok and "No module named pip" in "\n".join(lines)
