"""Release packages: one folder per audience, each with GeoPackage, Excel and CSV.

``write_packages`` writes, into ``out_dir``:

* ``oeffentlich/`` — the public package (indices and classes of the areas; counts and
  rates of the municipalities and the district, suppressed; per the release policy);
* ``kommunal-<AGS>/`` — one per municipality: its own areas in full, Gemeinde and
  Kreis totals suppressed *as seen by that municipality*, other areas only with
  the public columns;
* ``intern/`` — everything (the district's own staff).

Each package is written from one checked :class:`~sozialraum.privacy.Release`
(:func:`~sozialraum.privacy.make_release`); :func:`write_release` writes one.
Every file name carries the level and the key, e.g.
``musterland_kommunal-07999001_sozialraeume.csv`` (file names in the territory's
words: a city writes ``…_planungsraeume.csv``, ``…_bezirke.csv``, ``…_stadt.csv``). The pipeline adds web maps and
profiles to the same folders afterwards and then runs
:func:`sozialraum.privacy.check_release` on each folder.
"""

from __future__ import annotations

import csv
import os
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.spreadsheet import neutralise
from sozialraum.core.status import RELEASE_LEVELS
from sozialraum.core.territory import Territory
from sozialraum.errors import InputError, format_ids
from sozialraum.privacy.levels import ReleasePolicy
from sozialraum.privacy.release import Release, make_release, package_name

__all__ = [
    "ReleaseData",
    "write_packages",
    "write_release",
    "package_frames",
    "package_name",
    "write_csv",
    "column_labels",
]

_MSG = {
    "bad_level": {
        "de": "Unbekannte Freigabestufe {level!r}; möglich sind: oeffentlich, kommunal, intern.",
        "en": "unknown release level {level!r}; use one of: oeffentlich, kommunal, intern.",
    },
    "bad_method": {
        "de": "Unbekanntes Verfahren der Geheimhaltung {m!r}; möglich sind: sperrung, rundung.",
        "en": "unknown disclosure control method {m!r}; use: sperrung, rundung.",
    },
    "unknown_ags": {
        "de": "Gemeinden {ids} kommen in den Sozialräumen nicht vor; Pakete nur für vorhandene Gemeinden.",
        "en": "municipalities {ids} have no areas; packages only for existing municipalities.",
    },
    "d_gpkg": {
        "de": "GeoPackage ({level}) mit {areas}, {gemeinden} und {kreis} (für QGIS)",
        "en": "GeoPackage ({level}) with {areas}, {gemeinden} and the {kreis} (for QGIS)",
    },
    "d_xlsx": {
        "de": "Excel-Tabellen ({level}) mit deutschen Spaltenköpfen",
        "en": "Excel tables ({level}) with German headers",
    },
    "d_csv": {
        "de": "CSV ({level}, Semikolon, Dezimalkomma): {what}",
        "en": "CSV ({level}, semicolon, decimal comma): {what}",
    },
    "lvl_oeffentlich": {"de": "öffentlich", "en": "public"},
    "lvl_intern": {"de": "intern", "en": "internal"},
    "lvl_kommunal": {"de": "für {unit} {ags}", "en": "for {unit} {ags}"},
}

_LAYER = {"areas": "sozialraeume", "gemeinden": "gemeinden", "kreis": "kreis"}


@dataclass(frozen=True)
class ReleaseData:
    """Everything a release package is cut from (the internal results).

    Attributes
    ----------
    areas
        GeoDataFrame of the planning areas (index = area key) with *all* columns:
        counts, rates, indices, classes, the Gemeinde key column ``area_ags_col``.
    areas_status
        Status frame of ``areas`` (source codes such as ``geheim``).
    gemeinden, gemeinden_status
        Gemeinde totals (index = AGS), e.g. ``rollup_hierarchy(...)["gemeinde"]``.
    kreis, kreis_status
        District totals (one row).
    catalogue
        The indicator catalogue (counts, rates and their numerators/denominators).
    name
        Stem of the file names (e.g. ``"musterland"``).
    area_ags_col
        Column of ``areas`` with the AGS of the municipality.
    index_inputs
        Index column → the indicators it is built from (see
        :func:`~sozialraum.privacy.index_inputs`); default from the catalogue.
    """

    areas: pd.DataFrame
    areas_status: pd.DataFrame | None
    gemeinden: pd.DataFrame
    gemeinden_status: pd.DataFrame | None
    kreis: pd.DataFrame
    kreis_status: pd.DataFrame | None
    catalogue: object = None
    name: str = "sozialraum"
    area_ags_col: str = "ags"
    index_inputs: Mapping[str, tuple[str, ...]] | None = None

    @classmethod
    def from_rollup(
        cls,
        areas: pd.DataFrame,
        status: pd.DataFrame | None,
        levels: Mapping,
        catalogue=None,
        *,
        name: str = "sozialraum",
        area_ags_col: str = "ags",
        index_inputs: Mapping[str, tuple[str, ...]] | None = None,
    ) -> ReleaseData:
        """Build from the areas and ``rollup_hierarchy(..., {"gemeinde": ..., "kreis": None})``.

        ``levels`` maps ``"gemeinde"`` and ``"kreis"`` to
        :class:`~sozialraum.join.RollupResult` objects.
        """
        g, k = levels["gemeinde"], levels["kreis"]
        return cls(
            areas,
            status,
            g.frame,
            g.status,
            k.frame,
            k.status,
            catalogue,
            name=name,
            area_ags_col=area_ags_col,
            index_inputs=index_inputs,
        )

    def frames(self) -> dict[str, tuple[pd.DataFrame, pd.DataFrame | None]]:
        """``areas``/``gemeinden``/``kreis`` → (frame, status)."""
        return {
            "areas": (self.areas, self.areas_status),
            "gemeinden": (self.gemeinden, self.gemeinden_status),
            "kreis": (self.kreis, self.kreis_status),
        }

    def municipalities(self) -> list[str]:
        """AGS of the municipalities that have areas, sorted."""
        return sorted(set(self.areas[self.area_ags_col].astype(str)))


def column_labels(catalogue, lang: str | None = None) -> dict[str, str]:
    """Column → header text (German labels of variables and indicators with unit)."""
    labels: dict[str, str] = {}
    if catalogue is None:
        return labels
    en = lang == "en"
    if hasattr(catalogue, "variables"):
        for vid, row in catalogue.variables.iterrows():
            lab = (
                row.get("label_en")
                if en and isinstance(row.get("label_en"), str)
                else row.get("label")
            )
            if isinstance(lab, str) and lab:
                labels[str(vid)] = lab
    ind = getattr(catalogue, "indicators", None)
    if ind is not None:
        for k, row in ind.iterrows():
            lab = (
                row.get("label_en")
                if en and isinstance(row.get("label_en"), str)
                else row.get("label")
            )
            unit = f" ({row['unit']})" if isinstance(row.get("unit"), str) and row["unit"] else ""
            if isinstance(lab, str) and lab:
                labels[str(k)] = f"{lab}{unit}"
    labels.update(
        {
            "sr_name": "Sozialraum",
            "ags": "AGS",
            "gemeinde": "Gemeinde",
            "n_gebiete": "Anzahl Gebiete",
        }
    )
    return labels


def _fmt_csv(v) -> str:
    if v is None or v is pd.NA:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return _float_csv(float(v))
    return neutralise(str(v))


def _float_csv(v: float) -> str:
    """A float as CSV text: empty for NaN, whole numbers without decimals, else a decimal comma."""
    if v != v:  # NaN
        return ""
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.6f}".rstrip("0").rstrip(".").replace(".", ",")


def _csv_cells(values: pd.Series) -> list[str]:
    """The CSV text of every value of a column, as :func:`_fmt_csv` writes each one."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "f":
        return [_float_csv(v) for v in values.to_numpy(dtype=float).tolist()]
    return [_fmt_csv(v) for v in values.tolist()]


def write_csv(frame: pd.DataFrame, path: str | Path, *, status: pd.DataFrame | None = None) -> Path:
    """Write a table as German CSV: ``;`` separator, decimal comma, UTF-8 with BOM.

    The index is the first column; a missing value with a reason shows the
    statistical symbol (``.`` geheim, ``-`` nichts vorhanden, …); the geometry is dropped.
    Text cells, keys and headers that a spreadsheet could run as a formula get a
    leading ``'`` (:mod:`sozialraum.core.spreadsheet`); numbers stay numbers.
    """
    from sozialraum.io import STATUS_SYMBOLS

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame(frame).drop(columns="geometry", errors="ignore")
    name = df.index.name or "schluessel"
    header = [name]
    columns = [[neutralise(str(k)) for k in df.index]]
    for j, col in enumerate(df.columns):
        if col == name:
            continue
        vals = _csv_cells(df.iloc[:, j])
        if status is not None and col in status.columns:
            _status_symbols(vals, status[col].reindex(df.index).tolist(), STATUS_SYMBOLS)
        header.append(col)
        columns.append(vals)
    # as pandas' to_csv writes a frame of texts (same dialect), without building the frame
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator=os.linesep, quoting=csv.QUOTE_MINIMAL)
        w.writerow([neutralise(str(c)) for c in header])
        w.writerows(zip(*columns, strict=True))
    return path


def _status_symbols(vals: list[str], codes: list, symbols: Mapping[str, str]) -> None:
    """An empty cell with a reason shows the reason's symbol (``.``, ``-``, …), in place."""
    for i, (v, c) in enumerate(zip(vals, codes, strict=False)):
        if (
            v == ""
            and c is not None
            and c is not pd.NA
            and not (isinstance(c, float) and np.isnan(c))
        ):
            vals[i] = symbols.get(str(c), str(c))


def package_frames(
    data: ReleaseData,
    level: str,
    *,
    ags: str | None = None,
    policy: ReleasePolicy | None = None,
    method: str = "sperrung",
    base: int = 3,
    lang: str | None = None,
) -> dict[str, tuple[pd.DataFrame, pd.DataFrame | None]]:
    """Exactly the frames one package shows (``areas``, ``gemeinden``, ``kreis``: frame, status).

    Shorthand for ``make_release(...).frames``; outputs should take the
    :class:`~sozialraum.privacy.Release` itself.
    """
    return make_release(data, level, ags, policy=policy, method=method, base=base, lang=lang).frames


def _csv_part(terr, kind: str) -> str:
    """File-name part of a package's CSV in the territory's words.

    ``sozialraeume``/``gemeinden``/``landkreis``, for a city ``planungsraeume``/
    ``bezirke``/``stadt``. (The GeoPackage layers keep their fixed names, which the
    release gate and the QGIS tools read.)
    """
    from sozialraum.core.text import slugify

    level = {"areas": terr.bottom, "gemeinden": terr.middle, "kreis": terr.top}[kind]
    return slugify(level.singular if kind == "kreis" else level.plural)


#: The bytes of the GeoPackage and CSV files written of a release in this process, by file
#: name (see :func:`_written_of`).
_WRITTEN: dict[int, tuple[weakref.ref, dict[str, bytes]]] = {}


def _written_of(release: Release) -> dict[str, bytes]:
    """File name → bytes of the GeoPackage and CSV files written of ``release`` before.

    Their bytes follow from the release and the file name alone (no labels, title or
    language go into them), so a second writing of the same file — a package's site
    offers its tables as downloads — is a copy. Kept as long as the release lives; a
    GeoPackage is taken as written here, before anything adds layers to it.
    """
    key = id(release)
    got = _WRITTEN.get(key)
    if got is None or got[0]() is not release:

        def forget(ref, key=key) -> None:
            if _WRITTEN.get(key, (None,))[0] is ref:
                del _WRITTEN[key]

        got = _WRITTEN[key] = (weakref.ref(release, forget), {})
    return got[1]


def _write_once(memo: dict[str, bytes], path: Path, write) -> None:
    """``write()`` makes ``path``; the same file of the same release again is a copy."""
    if path.name in memo:
        path.write_bytes(memo[path.name])
        return
    write()
    memo[path.name] = path.read_bytes()


def write_release(
    release: Release,
    out_dir: str | Path,
    *,
    formats: Sequence[str] = ("gpkg", "xlsx", "csv"),
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    lang: str | None = None,
    territory: Territory | None = None,
) -> list[tuple[Path, str, str]]:
    """Write the tables of one checked :class:`~sozialraum.privacy.Release` into ``out_dir/<package>``.

    ``territory`` names the sheets and descriptions in the district's or city's own
    words (default: Sozialräume, Gemeinden, Kreis). Written again in the same process
    (e.g. as a site's downloads), the GeoPackage and CSV files of the same release are
    copies of the first ones as written here (:func:`_written_of`).

    Returns
    -------
    list of (path, German description, English description)
    """
    from sozialraum.io import write_excel, write_gpkg

    if not isinstance(release, Release):
        raise TypeError("write_release needs a privacy.Release (made by privacy.make_release)")
    lv, ags = release.level, release.ags
    labels = dict(labels) if labels is not None else column_labels(release.catalogue, lang)
    pkg = release.package
    folder = Path(out_dir) / pkg
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{release.name}_{pkg}"
    cut = release.frames
    terr = territory or Territory.default()
    words = {lg: terr.table_names(lg) for lg in ("de", "en")}
    unit = {lg: terr.middle.the("acc", lg).removeprefix("the ") for lg in ("de", "en")}
    dative = {  # "mit Planungsräumen, Bezirken und der Stadt"
        "areas": terr.bottom.dative_plural,
        "gemeinden": terr.middle.dative_plural,
        "kreis": terr.top.the("dat", "de"),
    }
    lvl = {
        lg: t(_MSG, f"lvl_{lv}", lg, **({"ags": ags, "unit": unit[lg]} if ags else {}))
        for lg in ("de", "en")
    }
    written: list[tuple[Path, str, str]] = []
    memo = _written_of(release)
    if "gpkg" in formats:
        path = folder / f"{stem}.gpkg"
        spatial = [(k, fr, st) for k, (fr, st) in cut.items() if "geometry" in fr.columns]

        def layers() -> None:
            import geopandas as gpd

            for n, (kind, fr, st) in enumerate(spatial):
                if not isinstance(fr, gpd.GeoDataFrame):
                    fr = gpd.GeoDataFrame(fr, geometry="geometry")
                write_gpkg(fr, path, layer=_LAYER[kind], status=st, append_layer=n > 0)

        if spatial:
            _write_once(memo, path, layers)
            written.append(
                (
                    path,
                    t(_MSG, "d_gpkg", "de", level=lvl["de"], **dative),
                    t(_MSG, "d_gpkg", "en", level=lvl["en"], **words["en"]),
                )
            )
    if "xlsx" in formats:
        path = folder / f"{stem}.xlsx"
        sheet = words["en" if lang == "en" else "de"]
        sheets = {
            sheet[k]: pd.DataFrame(fr).drop(columns="geometry", errors="ignore")
            for k, (fr, _s) in cut.items()
        }
        stats = {sheet[k]: s for k, (_f, s) in cut.items() if s is not None}
        write_excel(sheets, path, labels=labels, status=stats, title=title)
        written.append(
            (
                path,
                t(_MSG, "d_xlsx", "de", level=lvl["de"]),
                t(_MSG, "d_xlsx", "en", level=lvl["en"]),
            )
        )
    if "csv" in formats:
        for kind, (fr, st) in cut.items():
            path = folder / f"{stem}_{_csv_part(terr, kind)}.csv"
            _write_once(memo, path, lambda fr=fr, st=st, path=path: write_csv(fr, path, status=st))
            written.append(
                (
                    path,
                    t(_MSG, "d_csv", "de", level=lvl["de"], what=words["de"][kind]),
                    t(_MSG, "d_csv", "en", level=lvl["en"], what=words["en"][kind]),
                )
            )
    return written


def write_packages(
    results: ReleaseData,
    out_dir: str | Path,
    *,
    levels: Sequence[str] = ("oeffentlich", "kommunal", "intern"),
    municipalities: Sequence[str] | None = None,
    policy: ReleasePolicy | None = None,
    method: str = "sperrung",
    base: int = 3,
    formats: Sequence[str] = ("gpkg", "xlsx", "csv"),
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    lang: str | None = None,
) -> list[tuple[Path, str, str]]:
    """Write one release package (folder) per level and municipality.

    Parameters
    ----------
    results
        The internal results (:class:`ReleaseData`).
    out_dir
        Parent folder; packages go to ``out_dir/oeffentlich``,
        ``out_dir/kommunal-<AGS>``, ``out_dir/intern``.
    levels
        Which levels to write.
    municipalities
        AGS for the ``kommunal`` packages (default: every municipality with areas).
    policy
        Public columns and threshold (:class:`ReleasePolicy`).
    method
        ``sperrung`` (primary + secondary suppression, default) or ``rundung``
        (counts rounded to multiples of ``base``).
    formats
        Any of ``gpkg``, ``xlsx``, ``csv``.
    labels
        Column → header for Excel (default from the catalogue).
    title
        Title line of the Excel sheets.

    Returns
    -------
    list of (path, German description, English description)
    """
    policy = policy or ReleasePolicy()
    if method not in ("sperrung", "rundung"):
        raise InputError(t(_MSG, "bad_method", lang, m=method))
    for lv in levels:
        if lv not in RELEASE_LEVELS:
            raise InputError(t(_MSG, "bad_level", lang, level=lv))
    out_dir = Path(out_dir)
    have = results.municipalities()
    if municipalities is None:
        municipalities = have
    municipalities = [str(a) for a in municipalities]
    missing = [a for a in municipalities if a not in have]
    if missing:
        raise InputError(t(_MSG, "unknown_ags", lang, ids=format_ids(missing)), ids=missing)
    labels = dict(labels) if labels is not None else column_labels(results.catalogue, lang)

    jobs: list[tuple[str, str | None]] = []
    for lv in levels:
        if lv == "kommunal":
            jobs += [("kommunal", a) for a in municipalities]
        else:
            jobs.append((lv, None))

    written: list[tuple[Path, str, str]] = []
    for lv, ags in jobs:
        rel = make_release(results, lv, ags, policy=policy, method=method, base=base, lang=lang)
        written += write_release(
            rel, out_dir, formats=formats, labels=labels, title=title, lang=lang
        )
    return written
