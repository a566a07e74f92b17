"""Build the installable QGIS plugin ZIP: ``python qgis_plugin/build.py`` → ``dist/sozialraum_qgis-<version>.zip``.

The ZIP holds the folder ``sozialraum_qgis/`` (what QGIS's "Install from ZIP"
expects) with

* the plugin code, ``metadata.txt`` with ``version=`` set to the library's
  ``__version__`` (from ``src/sozialraum/__init__.py``: plugin and library stay in step),
  ``icon.svg`` and ``LICENSE``;
* ``ext/sozialraum/``: the library itself (pure Python; added to ``sys.path`` by the
  plugin), so that only third-party packages may have to be installed;
* ``requirements.txt``: the library's dependencies from ``pyproject.toml`` (read by the
  plugin's installer, which installs only what QGIS's Python lacks).

The ZIP is checked against the rules of the official QGIS plugin repository
(plugins.qgis.org) before it is kept (:func:`validate_zip`): one top folder with an
ASCII name, ``__init__.py``, ``metadata.txt`` with a ``[general]`` section and all
required fields, real ``http(s)`` URLs (no placeholders), a ``LICENSE`` file, no
``.pyc``/``__pycache__``/``.git``/``__MACOSX``, no absolute or ``..`` paths, ≤ 25 MB.

Options: ``--out DIR`` (default ``dist``), ``--no-bundle`` (leave the library out),
``--check ZIP`` (only validate a ZIP).
Uses only the standard library (runs with any Python ≥ 3.11).
"""

from __future__ import annotations

import argparse
import configparser
import io
import re
import shutil
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = Path(__file__).resolve().parent / "sozialraum_qgis"
NAME = "sozialraum_qgis"
EXTRA = ["xstatic-leaflet", "xstatic-leaflet-markercluster"]  # offline web maps
#: rules of plugins.qgis.org (QGIS-Django ``plugins/validator.py``)
MAX_ZIP_BYTES = 25_000_000
REQUIRED_METADATA = (
    "name",
    "description",
    "version",
    "qgisMinimumVersion",
    "author",
    "email",
    "about",
    "tracker",
    "repository",
)
URL_FIELDS = ("tracker", "repository", "homepage")
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost", "bugs", "repo")
FORBIDDEN_DIRS = ("__MACOSX", ".git", "__pycache__")
LICENSE_TEXT = """sozialraum — QGIS plugin "Sozialraum"

Licensed under the EUPL, Version 1.2 (European Union Public Licence).
You may not use this work except in compliance with the Licence.
You may obtain a copy of the Licence at:
https://joinup.ec.europa.eu/collection/eupl/eupl-text-eupl-12

Unless required by applicable law or agreed to in writing, software distributed under the
Licence is distributed on an "AS IS" basis, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
"""


def library_version(root: Path = ROOT) -> str:
    """``__version__`` of ``src/sozialraum/__init__.py``."""
    text = (root / "src" / "sozialraum" / "__init__.py").read_text(encoding="utf-8")
    m = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.M)
    if not m:
        raise SystemExit("__version__ nicht gefunden in src/sozialraum/__init__.py")
    return m.group(1)


def requirements(root: Path = ROOT) -> list[str]:
    """Runtime dependencies from pyproject.toml (the plugin's installer decides what is missing)."""
    deps = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]

    def base(req: str) -> str:
        return re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0].lower()

    out = list(deps)
    have = {base(d) for d in out}
    out += [e for e in EXTRA if base(e) not in have]
    return out


def _url_problem(value: str | None) -> str | None:
    from urllib.parse import urlparse

    if not value:
        return "fehlt"
    u = urlparse(value.strip())
    if u.scheme not in ("http", "https") or not u.netloc:
        return f"keine gültige URL: {value!r}"
    host = u.netloc.lower().split(":")[0]
    if any(host == p or host.endswith("." + p) for p in PLACEHOLDER_HOSTS):
        return f"Platzhalter-URL: {value!r}"
    return None


def validate_metadata(text: str) -> list[str]:
    """Problems of a ``metadata.txt`` under the plugin repository's rules (empty = fine)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    try:
        parser.read_file(io.StringIO(text))
    except configparser.Error as exc:
        return [f"metadata.txt nicht lesbar: {exc}"]
    if not parser.has_section("general"):
        return ["metadata.txt: Abschnitt [general] fehlt"]
    meta = dict(parser.items("general"))
    problems = [f"metadata.txt: Feld {k} fehlt" for k in REQUIRED_METADATA if not meta.get(k)]
    for k in URL_FIELDS:
        if k in meta or k != "homepage":
            why = _url_problem(meta.get(k))
            if why:
                problems.append(f"metadata.txt: {k} {why}")
    if "/" in meta.get("author", ""):
        problems.append("metadata.txt: author darf keinen Schrägstrich enthalten")
    email = meta.get("email", "")
    if email and (
        "@" not in email or any(email.lower().endswith("@" + p) for p in PLACEHOLDER_HOSTS)
    ):
        problems.append(f"metadata.txt: email ungültig oder Platzhalter: {email!r}")
    for k in ("experimental", "deprecated", "server"):
        if k in meta and meta[k].strip().lower() not in ("true", "false", "1", "0", "yes", "no"):
            problems.append(f"metadata.txt: {k} ist kein Wahrheitswert")
    for k in ("changelog", "icon", "homepage", "tags"):
        if not meta.get(k):
            problems.append(f"metadata.txt: empfohlenes Feld {k} fehlt")
    return problems


def validate_zip(path: Path | str) -> list[str]:
    """Problems of a plugin ZIP under the rules of plugins.qgis.org (empty list = accepted)."""
    path = Path(path)
    if path.stat().st_size > MAX_ZIP_BYTES:
        return [f"ZIP größer als {MAX_ZIP_BYTES // 1_000_000} MB"]
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return ["keine ZIP-Datei"]
    with zf:
        names = zf.namelist()
        problems = []
        for n in names:
            parts = n.split("/")
            if ".." in parts or n.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", n):
                problems.append(f"Pfad nicht erlaubt: {n}")
            if ".pyc" in n:
                problems.append(f".pyc-Datei nicht erlaubt: {n}")
            problems += [f"Ordner {d} nicht erlaubt: {n}" for d in FORBIDDEN_DIRS if d in parts]
        if zf.testzip() is not None:
            problems.append("ZIP beschädigt")
        tops = sorted({n.split("/")[0] for n in names})
        if len(tops) != 1 or not names or "/" not in names[0]:
            return problems + [f"genau ein oberster Ordner erwartet, gefunden: {tops}"]
        pkg = tops[0]
        if not re.match(r"^[A-Za-z][A-Za-z0-9-_]+$", pkg):
            problems.append(f"Ordnername nicht erlaubt: {pkg}")
        for f in ("__init__.py", "metadata.txt", "LICENSE"):
            if f"{pkg}/{f}" not in names:
                problems.append(f"{pkg}/{f} fehlt")
        if f"{pkg}/metadata.txt" in names:
            text = zf.read(f"{pkg}/metadata.txt").decode("utf-8")
            problems += validate_metadata(text)
            icon = re.search(r"^icon=(.+)$", text, re.M)
            if icon and f"{pkg}/{icon.group(1).strip().removeprefix('./')}" not in names:
                problems.append(f"Symbol {icon.group(1).strip()} fehlt im ZIP")
    return problems


def set_version(metadata: Path, version: str) -> None:
    text = metadata.read_text(encoding="utf-8")
    text = re.sub(r"^version=.*$", f"version={version}", text, flags=re.M)
    metadata.write_text(text, encoding="utf-8")


def _ignore(_dir, names):
    return [
        n for n in names if n == "__pycache__" or n.endswith((".pyc", ".pyo")) or n.startswith(".")
    ]


def build(out: Path | str = ROOT / "dist", *, bundle: bool = True, root: Path = ROOT) -> Path:
    """Build the ZIP and return its path."""
    version = library_version(root)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / NAME
        shutil.copytree(PLUGIN, stage, ignore=_ignore)
        shutil.rmtree(stage / "ext", ignore_errors=True)
        set_version(stage / "metadata.txt", version)
        lic = next(
            (
                root / n
                for n in ("LICENSE", "LICENCE", "LICENSE.txt", "LICENSE.md")
                if (root / n).exists()
            ),
            None,
        )
        if lic is not None:
            shutil.copy(lic, stage / "LICENSE")
        else:
            (stage / "LICENSE").write_text(LICENSE_TEXT, encoding="utf-8")
        (stage / "requirements.txt").write_text(
            "# pip requirements of the Sozialraum plugin (generated by qgis_plugin/build.py)\n"
            + "\n".join(requirements(root))
            + "\n",
            encoding="utf-8",
        )
        if bundle:
            shutil.copytree(
                root / "src" / "sozialraum", stage / "ext" / "sozialraum", ignore=_ignore
            )
        target = out / f"{NAME}-{version}.zip"
        target.unlink(missing_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(stage.rglob("*")):
                if f.is_file():
                    zf.write(f, f.relative_to(stage.parent).as_posix())
    problems = validate_zip(target)
    if problems:
        target.unlink()
        raise SystemExit(
            "Plugin-ZIP verletzt Regeln von plugins.qgis.org:\n  " + "\n  ".join(problems)
        )
    return target


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Baut das installierbare QGIS-Plugin-ZIP nach dist/.")
    ap.add_argument("--out", default=str(ROOT / "dist"), help="Zielordner (Standard: dist)")
    ap.add_argument("--no-bundle", action="store_true", help="Bibliothek sozialraum nicht beilegen")
    ap.add_argument("--check", metavar="ZIP", help="nur ein vorhandenes ZIP prüfen")
    args = ap.parse_args(argv)
    if args.check:
        problems = validate_zip(args.check)
        print("\n".join(problems) or f"{args.check}: entspricht den Regeln von plugins.qgis.org")
        return 1 if problems else 0
    path = build(args.out, bundle=not args.no_bundle)
    print(f"Plugin-ZIP geschrieben: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
