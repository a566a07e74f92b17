"""Installing the plugin's Python packages without touching QGIS's own (pure logic, no ``qgis``).

The rules, each a function that tests call with plain data:

* **Where**: a plugin-private folder per QGIS profile and Python version,
  ``<profile>/python/sozialraum_deps/py3X`` (:func:`deps_folder`). It is *appended* to
  ``sys.path`` (:func:`append_site`), after QGIS's own site-packages, so the numpy,
  matplotlib, pyproj, requests, jinja2 … that QGIS ships stay the ones in use.
* **What**: the smallest set — the library's runtime requirements (``requirements.txt``
  written by ``build.py`` from ``pyproject.toml``; optional parts such as ``numba`` only
  when asked for, :func:`read_requirements`) and of those only what QGIS's Python does
  not already satisfy.
* **How**: (1) the versions QGIS's Python ships are read *with that Python*
  (:func:`query_shipped`) and written as a constraints file pinning each of them wherever
  the library accepts that version (:func:`make_constraints`); (2) ``pip install
  --dry-run --report`` resolves against QGIS's installed packages, so nothing QGIS has is
  downloaded again (:func:`resolve_command`, :func:`parse_report`); (3) exactly those
  pinned packages go with ``--no-deps --no-compile --target`` into the private folder
  (:func:`install_command`). pip's cache is used, a repeat install is fast. A pip older
  than 22.2 (no ``--report``) installs the requirements with the constraints in one step.
* **Check**: packages in the private folder that QGIS also ships in another version are
  named (:func:`shadowed`); they cannot be used, because QGIS's copy comes first.

:class:`Installer` runs the steps with a line callback and a real cancel (kills pip);
the QGIS dialog and the command line (``python -m sozialraum_qgis.installer``) use it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

try:  # run as part of the plugin package or as a single file
    from .pyenv import Interpreter, clean_env, command_text, find_python
except ImportError:  # pragma: no cover - ``python installer.py``
    from pyenv import Interpreter, clean_env, command_text, find_python  # type: ignore

PLUGIN_DIR = Path(__file__).resolve().parent
#: folder name of the private packages inside ``<profile>/python``
DEPS_NAME = "sozialraum_deps"
#: optional parts, installed only when asked for (name → pip requirements)
OPTIONAL = {"numba": ("numba>=0.58",)}
#: file in the private folder that records a finished installation
MARKER = "INSTALLED.json"


def normalize(name: str) -> str:
    """PEP 503 name (``XStatic_Leaflet`` → ``xstatic-leaflet``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def split_requirement(req: str) -> tuple[str, str]:
    """``"pyproj>=3.4"`` → ``("pyproj", ">=3.4")`` (extras and markers dropped)."""
    req = req.split(";", 1)[0].strip()
    m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$", req)
    if not m:
        raise ValueError(f"not a requirement: {req!r}")
    return normalize(m.group(1)), m.group(3).strip()


def deps_folder(base: Path | str, version: tuple[int, int]) -> Path:
    """``<base>/py3X``: one folder per Python version (binary wheels differ between them)."""
    return Path(base) / f"py{version[0]}{version[1]}"


def _specifier_set(spec: str):
    try:
        from packaging.specifiers import SpecifierSet
    except ImportError:  # QGIS's Python always has pip, which vendors packaging
        from pip._vendor.packaging.specifiers import SpecifierSet  # type: ignore
    return SpecifierSet(spec)


def satisfies(version: str, spec: str) -> bool:
    """``True`` when ``version`` meets ``spec`` (``">=3.4,<4"``; an empty spec always)."""
    if not spec:
        return True
    try:
        return _specifier_set(spec).contains(version, prereleases=True)
    except Exception:  # noqa: BLE001 - an unparsable version (Debian's "0.0.0" …): do not pin
        return False


def read_requirements(plugin_dir: Path = PLUGIN_DIR, extras=()) -> list[str]:
    """Requirements of the plugin: ``requirements.txt`` of the ZIP, in the source tree ``pyproject.toml``.

    ``sozialraum`` itself is left out when it is bundled (``ext/sozialraum``); optional
    parts (:data:`OPTIONAL`, e.g. ``numba``, which only speeds up esda's permutations)
    are left out unless named in ``extras``.
    """
    plugin_dir = Path(plugin_dir)
    req_file = plugin_dir / "requirements.txt"
    if req_file.exists():
        lines = req_file.read_text(encoding="utf-8").splitlines()
        reqs = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    else:
        import tomllib

        pyproject = plugin_dir.parents[1] / "pyproject.toml"
        reqs = list(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"])
    skip = {split_requirement(r)[0] for name in OPTIONAL for r in OPTIONAL[name]}
    if (plugin_dir / "ext" / "sozialraum").is_dir():
        skip.add("sozialraum")
    reqs = [r for r in reqs if split_requirement(r)[0] not in skip]
    for extra in extras:
        reqs += list(OPTIONAL[extra])
    return reqs


#: Extra limits when QGIS ships an old package that a newer dependency cannot use:
#: (shipped package, its versions concerned, constraint added). affine 3 (rasterio's) needs
#: attrs >= 23.2 (slotted cached properties); with Debian 12's attrs 22.2 it fails at
#: runtime ("No '__dict__' attribute on 'Affine' instance"), affine 2.4 works.
COMPAT_RULES: tuple[tuple[str, str, str], ...] = (("attrs", "<23.2", "affine<3"),)


@dataclass(frozen=True)
class Constraints:
    """Pins of what QGIS ships, and the shipped versions the library does not accept."""

    pins: tuple[str, ...]
    conflicts: tuple[tuple[str, str, str], ...] = ()  # (name, shipped version, required spec)

    def text(self) -> str:
        head = "# versions QGIS's Python ships (written by the Sozialraum plugin)\n"
        return head + "".join(p + "\n" for p in self.pins)


def make_constraints(shipped: dict[str, str], requirements) -> Constraints:
    """Pin every shipped distribution ``name==version`` that the requirements accept.

    Limits of :data:`COMPAT_RULES` are added where QGIS ships an old package they concern.

    A shipped version that a direct requirement excludes is not pinned but reported in
    ``conflicts`` (QGIS's copy comes first on ``sys.path``, so a newer private copy could
    not be used; such a QGIS is too old for the plugin).
    """
    wanted: dict[str, list[str]] = {}
    for r in requirements:
        name, spec = split_requirement(r)
        wanted.setdefault(name, []).append(spec)
    pins, conflicts = [], []
    for name in sorted(shipped):
        version = shipped[name]
        specs = [s for s in wanted.get(name, []) if s]
        bad = [s for s in specs if not satisfies(version, s)]
        if bad:
            conflicts.append((name, version, ",".join(bad)))
        elif satisfies(version, ">=0"):
            pins.append(f"{name}=={version}")
    for pkg, spec, extra in COMPAT_RULES:
        if pkg in shipped and satisfies(shipped[pkg], spec):
            pins.append(extra)
    return Constraints(tuple(pins), tuple(conflicts))


_SHIPPED_SNIPPET = (
    "import importlib.metadata as m, json, sys, os\n"
    "skip = [os.path.normcase(os.path.abspath(p)) for p in sys.argv[1:]]\n"
    "paths = [p for p in sys.path if p and not any("
    "os.path.normcase(os.path.abspath(p)).startswith(s) for s in skip)]\n"
    "out = {}\n"
    "for d in m.distributions(path=paths):\n"
    "    n = d.metadata['Name']\n"
    "    if n and n not in out:\n"
    "        out[n] = d.version\n"
    "print(json.dumps(out))\n"
)


def query_shipped(python: str, exclude=(), env: dict | None = None) -> dict[str, str]:
    """Distributions (normalised name → version) QGIS's Python has, read by that Python.

    Folders in ``exclude`` (the private folder) are not counted.
    """
    r = subprocess.run(
        [python, "-c", _SHIPPED_SNIPPET, *map(str, exclude)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env or clean_env(),
    )
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip() or f"{python} failed ({r.returncode})")
    data = json.loads(r.stdout.strip().splitlines()[-1])
    out: dict[str, str] = {}
    for name, version in data.items():
        out.setdefault(normalize(name), version)
    return out


_PIP = ["-m", "pip", "--disable-pip-version-check", "--no-input"]


def resolve_command(python: str, requirements, constraints_file, report_file) -> list[str]:
    """pip resolving against QGIS's installed packages, writing what is missing as a JSON report."""
    return [
        python,
        *_PIP,
        "install",
        "--dry-run",
        "--progress-bar",
        "off",
        "--report",
        str(report_file),
        "--constraint",
        str(constraints_file),
        *requirements,
    ]


def parse_report(report: dict) -> list[str]:
    """``name==version`` of every package the pip report would install."""
    out = []
    for item in report.get("install", []):
        meta = item.get("metadata", {})
        out.append(f"{meta['name']}=={meta['version']}")
    return out


def install_command(python: str, target, packages) -> list[str]:
    """pip installing exactly ``packages`` (no dependencies, no byte-code) into ``target``."""
    return [
        python,
        *_PIP,
        "install",
        "--no-deps",
        "--no-compile",
        "--upgrade",
        "--progress-bar",
        "off",
        "--target",
        str(target),
        *packages,
    ]


def fallback_command(python: str, target, requirements, constraints_file) -> list[str]:
    """One-step install for a pip without ``--report`` (< 22.2)."""
    return [
        python,
        *_PIP,
        "install",
        "--no-compile",
        "--upgrade",
        "--progress-bar",
        "off",
        "--target",
        str(target),
        "--constraint",
        str(constraints_file),
        *requirements,
    ]


def pip_supports_report(version_text: str) -> bool:
    """``True`` for ``pip 22.2`` or newer (from ``pip --version`` output)."""
    m = re.search(r"pip (\d+)\.(\d+)", version_text)
    return bool(m) and (int(m.group(1)), int(m.group(2))) >= (22, 2)


def still_missing(pins, present: dict[str, str]) -> list[str]:
    """The ``name==version`` pins not yet in the folder in that version (a repeat copies nothing)."""
    out = []
    for pin in pins:
        name, _, version = pin.partition("==")
        if present.get(normalize(name)) != version:
            out.append(pin)
    return out


def append_site(folder, path: list[str]) -> list[str]:
    """``sys.path`` with ``folder`` at the end (after QGIS's site-packages), once."""
    f = str(folder)
    return [p for p in path if p != f] + [f]


def installed_in(folder) -> dict[str, str]:
    """Distributions in a ``--target`` folder (normalised name → version)."""
    out = {}
    for info in Path(folder).glob("*.dist-info"):
        m = re.match(r"^(.+?)-([^-]+)\.dist-info$", info.name)
        if m:
            out[normalize(m.group(1))] = m.group(2)
    return out


def shadowed(folder, shipped: dict[str, str]) -> list[tuple[str, str, str]]:
    """Packages of the private folder that QGIS ships in another version: ``(name, private, QGIS)``.

    QGIS's copy is imported first, so the private one is unused.
    """
    own = installed_in(folder)
    return [(n, v, shipped[n]) for n, v in sorted(own.items()) if n in shipped and shipped[n] != v]


def folder_size(folder) -> int:
    """Bytes of all files below ``folder``."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def stale_entries(base) -> list[Path]:
    """Entries of the ``sozialraum_deps`` folder that no installation uses any more.

    Earlier versions of the plugin installed straight into ``sozialraum_deps`` (and put it
    first on ``sys.path``); only ``py3X`` folders and the installer's own files are kept.
    """
    base = Path(base)
    if not base.is_dir():
        return []
    keep = {"constraints.txt", "report.json"}
    return sorted(
        p for p in base.iterdir() if not re.fullmatch(r"py\d+", p.name) and p.name not in keep
    )


def repair(base, version: tuple[int, int]) -> list[Path]:
    """Remove the folder of ``version`` and the stale entries; returns what was removed."""
    gone = []
    for p in [deps_folder(base, version), *stale_entries(base)]:
        if p.exists():
            if p.is_dir():
                remove_folder(p, base)
            else:
                p.unlink()
            gone.append(p)
    return gone


def remove_folder(folder, base) -> bool:
    """Delete the private folder (only below a ``sozialraum_deps`` folder); ``True`` if removed."""
    folder, base = Path(folder).resolve(), Path(base).resolve()
    if base.name != DEPS_NAME or not (folder == base or base in folder.parents):
        raise ValueError(f"refusing to delete {folder}: not below a {DEPS_NAME} folder")
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    return True


@dataclass
class Result:
    """Outcome of :meth:`Installer.run`."""

    ok: bool
    code: int
    target: Path
    installed: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)
    conflicts: tuple = ()
    shadowed: list = field(default_factory=list)
    cancelled: bool = False
    output: list[str] = field(default_factory=list)


class Installer:
    """Runs the installation steps with QGIS's Python; :meth:`cancel` kills pip.

    Parameters
    ----------
    interp
        QGIS's Python (:func:`pyenv.find_python`).
    base
        The ``sozialraum_deps`` folder of the profile.
    requirements
        pip requirements (:func:`read_requirements`).
    env
        Environment of pip (default: :func:`pyenv.clean_env`); ``PIP_*`` variables pass.
    ensure_pip
        Command run first when QGIS's Python has no pip (``python -m ensurepip --upgrade``
        from :func:`pyenv.pip_fix`; ``None`` on Linux distributions, whose package manager
        must install pip).
    """

    def __init__(
        self,
        interp: Interpreter,
        base,
        requirements,
        env: dict | None = None,
        ensure_pip: list[str] | None = None,
    ):
        if interp.python is None:
            raise FileNotFoundError("QGIS's Python was not found: " + ", ".join(interp.tried))
        self.interp = interp
        self.base = Path(base)
        self.target = deps_folder(self.base, interp.version)
        self.requirements = list(requirements)
        self.env = env or clean_env()
        self.ensure_pip = ensure_pip
        self._proc: subprocess.Popen | None = None
        self._cancelled = False

    def cancel(self) -> None:
        """Stop the installation now (kills the running pip)."""
        self._cancelled = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()

    def _run(self, cmd, on_line) -> int:
        on_line("$ " + command_text(cmd, self.interp))
        kw = {"creationflags": 0x08000000} if os.name == "nt" else {}  # no console window
        self._proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=self.env,
            **kw,
        )
        if self._cancelled:  # cancelled while the process was starting
            self._proc.kill()
        for line in self._proc.stdout:
            if line.strip():
                on_line(line.rstrip())
        code = self._proc.wait()
        self._proc = None
        return -1 if self._cancelled else code

    def _pip_version(self) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.interp.python, "-m", "pip", "--version"],
            capture_output=True,
            text=True,
            env=self.env,
        )

    def run(self, on_line=print) -> Result:
        """Install (or repair) the private folder; never raises for pip's failures."""
        out: list[str] = []

        def emit(line):
            out.append(line)
            on_line(line)

        py = self.interp.python
        self.target.mkdir(parents=True, exist_ok=True)
        shipped = query_shipped(py, exclude=[self.base], env=self.env)
        cons = make_constraints(shipped, self.requirements)
        cfile = self.base / "constraints.txt"
        cfile.write_text(cons.text(), encoding="utf-8")
        for name, have, need in cons.conflicts:
            emit(f"! QGIS {name} {have} / {need}")
        res = Result(False, 0, self.target, conflicts=cons.conflicts, output=out)
        ver = self._pip_version()
        if ver.returncode != 0 and self.ensure_pip:
            self._run(self.ensure_pip, emit)
            ver = self._pip_version()
        if ver.returncode != 0:
            res.code = ver.returncode
            emit(ver.stderr.strip())
            return res
        if pip_supports_report(ver.stdout):
            report = self.base / "report.json"
            res.code = self._run(resolve_command(py, self.requirements, cfile, report), emit)
            if res.code != 0:
                res.cancelled = self._cancelled
                return res
            res.installed = parse_report(json.loads(report.read_text(encoding="utf-8")))
            res.copied = still_missing(res.installed, installed_in(self.target))
            cmd = install_command(py, self.target, res.copied) if res.copied else None
        else:
            cmd = fallback_command(py, self.target, self.requirements, cfile)
        if cmd is not None:
            res.code = self._run(cmd, emit)
        res.cancelled = self._cancelled
        res.ok = res.code == 0 and not self._cancelled
        if res.ok:
            res.shadowed = shadowed(self.target, shipped)
            (self.target / MARKER).write_text(
                json.dumps(
                    {"python": py, "installed": res.installed, "time": time.time()}, indent=1
                ),
                encoding="utf-8",
            )
        return res


def main(argv=None) -> int:
    """``python -m sozialraum_qgis.installer --profile DIR [--repair] [--uninstall] [--extra numba]``."""
    import argparse

    ap = argparse.ArgumentParser(description="Installiert die Pakete des Plugins Sozialraum.")
    ap.add_argument("--profile", required=True, help="QGIS-Profilordner")
    ap.add_argument("--extra", action="append", default=[], choices=sorted(OPTIONAL))
    ap.add_argument("--repair", action="store_true", help="Ordner leeren und neu installieren")
    ap.add_argument("--uninstall", action="store_true", help="Ordner entfernen")
    args = ap.parse_args(argv)
    base = Path(args.profile) / "python" / DEPS_NAME
    interp = find_python()
    if args.uninstall:
        remove_folder(base, base)
        return 0
    if args.repair:
        repair(base, interp.version)
    res = Installer(interp, base, read_requirements(extras=args.extra)).run()
    return 0 if res.ok else (res.code or 1)


if __name__ == "__main__":
    sys.exit(main())
