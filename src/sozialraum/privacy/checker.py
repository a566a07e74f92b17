"""Release checker (*Freigabeprüfung*): does a file show more than its level allows?

:func:`check_release` reads every output file of a package — GeoPackage (all
layers), Excel (all sheets), CSV, and HTML/JSON/GeoJSON (the GeoJSON features
embedded e.g. in a web map) — and compares what it finds with the internal data:

``interner Wert``
    A published number equals an internal value the level may not show: at
    ``oeffentlich`` any count (≥ 1) or rate that the policy does not release, and
    small counts (1 … threshold) and rates built on them where counts are released;
    at ``kommunal`` small counts of *other* municipalities' totals and the district.
``fremde Gemeinde``
    At ``kommunal``: a value of another municipality's area.
``rückrechenbar``
    A value not published but recoverable by subtraction: a published sum
    (Gemeinde total over its areas, Kreis total over the Gemeinden) with exactly one
    unknown member (repeated while new values become known).

To avoid false alarms, values are compared *per area and column*: the table's key
column is found by matching the internal keys (or, for web maps, the area names),
and column headers are mapped back to internal columns (ids or catalogue labels).
Class numbers, ranks, years and other public columns are never compared. Numbers in
text are read in German (``1.234,5``) and English (``1,234.5``) notation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.errors import InputError
from sozialraum.io.catalogue import normalise_header
from sozialraum.privacy.levels import RELEASE_LEVELS, ReleasePolicy
from sozialraum.privacy.package import ReleaseData, column_labels
from sozialraum.privacy.suppression import count_columns, rate_columns

__all__ = ["CheckReport", "check_release", "REASONS", "parse_number"]

REASONS = {
    "interner Wert": "internal value",
    "rückrechenbar": "recoverable by subtraction",
    "fremde Gemeinde": "other municipality",
}

_SUFFIXES = {".gpkg", ".xlsx", ".csv", ".html", ".htm", ".json", ".geojson"}

_MSG = {
    "bad_level": {
        "de": "Unbekannte Freigabestufe {level!r}; möglich sind: oeffentlich, kommunal, intern.",
        "en": "unknown release level {level!r}; use one of: oeffentlich, kommunal, intern.",
    },
    "need_ags": {
        "de": "Für die Prüfung der Stufe 'kommunal' muss der Gemeindeschlüssel (ags) angegeben werden.",
        "en": "checking the level 'kommunal' needs the municipality key (ags).",
    },
    "no_path": {
        "de": "{path}: Datei oder Ordner nicht gefunden.",
        "en": "{path}: file or folder not found.",
    },
    "unreadable": {
        "de": "{file}: konnte nicht gelesen werden ({err}).",
        "en": "{file}: could not be read ({err}).",
    },
    "head": {
        "de": "Freigabeprüfung ({level}{ags}): {n} Dateien geprüft.",
        "en": "Release check ({level}{ags}): {n} files checked.",
    },
    "ok": {
        "de": "In Ordnung: keine Werte über die Freigabestufe hinaus gefunden.",
        "en": "OK: no values beyond the release level found.",
    },
    "bad": {
        "de": "NICHT in Ordnung: {n} Befunde. Diese Dateien so nicht weitergeben:",
        "en": "NOT OK: {n} findings. Do not send these files as they are:",
    },
    "line": {
        "de": "  - {file} [{layer}] Gebiet {area}, Spalte {column}: {value} — {reason}",
        "en": "  - {file} [{layer}] area {area}, column {column}: {value} — {reason}",
    },
    "more": {"de": "  … und {n} weitere.", "en": "  … and {n} more."},
    "skipped": {
        "de": "Nicht prüfbar (kein Gebietsschlüssel erkannt): {files}",
        "en": "Not checkable (no area key recognised): {files}",
    },
}


@dataclass(frozen=True)
class CheckReport:
    """Findings of :func:`check_release`.

    Attributes
    ----------
    findings
        One row per finding: ``file, layer, column, area, value, reason``
        (``reason`` one of ``interner Wert``, ``rückrechenbar``, ``fremde Gemeinde``).
    level, ags
        The checked release level (and municipality).
    files
        Files read.
    skipped
        Tables/files in which no area key was recognised (not compared).
    """

    findings: pd.DataFrame
    level: str
    ags: str | None = None
    files: tuple[str, ...] = ()
    skipped: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """``True`` when nothing goes beyond the level."""
        return len(self.findings) == 0

    def to_text(self, lang: str | None = None, limit: int = 50) -> str:
        """A readable German (or English) report."""
        L = get_lang(lang)
        lines = [
            t(
                _MSG,
                "head",
                L,
                level=self.level,
                ags=f" {self.ags}" if self.ags else "",
                n=len(self.files),
            )
        ]
        if self.ok:
            lines.append(t(_MSG, "ok", L))
        else:
            lines.append(t(_MSG, "bad", L, n=len(self.findings)))
            for _, r in self.findings.head(limit).iterrows():
                reason = r["reason"] if L == "de" else REASONS.get(r["reason"], r["reason"])
                lines.append(
                    t(
                        _MSG,
                        "line",
                        L,
                        file=r["file"],
                        layer=r["layer"],
                        area=r["area"],
                        column=r["column"],
                        value=r["value"],
                        reason=reason,
                    )
                )
            if len(self.findings) > limit:
                lines.append(t(_MSG, "more", L, n=len(self.findings) - limit))
        if self.skipped:
            lines.append(t(_MSG, "skipped", L, files=", ".join(self.skipped)))
        return "\n".join(lines)


# --------------------------------------------------------------------------- numbers

_NUM_RE = re.compile(r"[-−+]?\d[\d.,\u202f\u00a0' ]*")


def _decimals_of(text: str, sep: str) -> int:
    return len(text.split(sep)[-1]) if sep in text else 0


def parse_number(value, *, prefer: str = "de") -> list[tuple[float, int]]:
    """Candidate readings ``(number, decimals shown)`` of a published cell.

    Numbers pass through; text is read in German and English notation (``"1.234"``
    gives both 1234 and 1.234); units and symbols around the number are ignored.
    Text without a number, or with several numbers, gives no reading.
    """
    if value is None or value is pd.NA:
        return []
    if isinstance(value, (bool, np.bool_)):
        return []
    if isinstance(value, (int, np.integer)):
        return [(float(value), 0)]
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return []
        s = repr(float(value))
        d = (
            0
            if float(value).is_integer()
            else (len(s.split(".")[-1]) if "." in s and "e" not in s else 10)
        )
        return [(float(value), d)]
    s = str(value).strip()
    found = _NUM_RE.findall(s)
    found = [f.strip(" .,'\u202f\u00a0") for f in found]
    found = [f for f in found if f and any(ch.isdigit() for ch in f)]
    if len(found) != 1:
        return []
    txt = (
        found[0]
        .replace("−", "-")
        .replace("\u202f", "")
        .replace("\u00a0", "")
        .replace("'", "")
        .replace(" ", "")
    )
    out: list[tuple[float, int]] = []
    de = txt.replace(".", "")
    de_d = _decimals_of(de, ",")
    en = txt.replace(",", "")
    en_d = _decimals_of(en, ".")
    readings = (
        [(de.replace(",", "."), de_d), (en, en_d)]
        if prefer == "de"
        else [(en, en_d), (de.replace(",", "."), de_d)]
    )
    # a German reading must not have two commas; an English one not two points
    for txt_num, d in readings:
        try:
            v = float(txt_num)
        except ValueError:
            continue
        if not any(abs(v - o) < 1e-12 and d == od for o, od in out):
            out.append((v, d))
    return out


def _matches(x: float, readings: Sequence[tuple[float, int]]) -> bool:
    """Whether the internal value ``x`` is shown by one of the readings (at its precision)."""
    if x is None or np.isnan(x):
        return False
    for y, d in readings:
        if abs(y - x) <= 1e-9 * max(1.0, abs(x)):
            return True
        if d >= 10:
            continue
        if d == 0 and not float(x).is_integer():
            continue
        if abs(round(x, d) - y) <= 10.0 ** (-(d + 3)):
            return True
    return False


# --------------------------------------------------------------------------- reading


@dataclass
class _Table:
    file: str
    layer: str
    frame: pd.DataFrame  # raw cells, columns = headers
    prefer: str = "de"


def _read_gpkg(path: Path) -> list[_Table]:
    import pyogrio

    out = []
    for name, _geom in pyogrio.list_layers(path):
        df = pyogrio.read_dataframe(path, layer=name, read_geometry=False)
        out.append(_Table(path.name, str(name), pd.DataFrame(df), "en"))
    return out


def _read_xlsx(path: Path) -> list[_Table]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    out = []
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        head = None
        for i, r in enumerate(rows):
            filled = [c for c in r if c is not None and str(c).strip() != ""]
            if len(filled) >= 2 and all(isinstance(c, str) for c in filled):
                head = i
                break
        if head is None:
            continue
        cols = [str(c) if c is not None else f"_{j}" for j, c in enumerate(rows[head])]
        body = [r + [None] * (len(cols) - len(r)) for r in rows[head + 1 :]]
        out.append(
            _Table(path.name, ws.title, pd.DataFrame(body, columns=cols, dtype=object), "en")
        )
    wb.close()
    return out


def _read_csv(path: Path) -> list[_Table]:
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        first = fh.readline()  # the header decides the separator; no need to read it all twice
    sep = ";" if first.count(";") >= first.count(",") else ","
    df = pd.read_csv(path, sep=sep, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    return [_Table(path.name, "", df, "de" if sep == ";" else "en")]


_PROP_RE = re.compile(r'"properties"\s*:\s*\{')


def _features_from_text(text: str) -> list[dict]:
    dec = json.JSONDecoder()
    out = []
    for m in _PROP_RE.finditer(text):
        try:
            obj, _end = dec.raw_decode(text, m.end() - 1)
        except ValueError:
            continue
        if isinstance(obj, dict):
            out.append(obj)
    return out


_SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_TAG_RE = re.compile(r"<[^>]+>")


#: Elements marked ``data-methode`` hold method notes (thresholds, definitions) written by the
#: template, never data; their numbers are not compared with the internal values.
_METHOD_RE = re.compile(r"<(\w+)[^>]*\bdata-methode\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)


#: Public class labels that contain numbers (Gi* confidence classes such as "Hot Spot 95 %").
_LABEL_RE = re.compile(r"\b(?:Hot|Cold)[ -]?Spot\s+\d{2}\s*%", re.IGNORECASE)


def _visible_text(text: str) -> str:
    import html

    visible = html.unescape(_TAG_RE.sub(" ", _SCRIPT_RE.sub(" ", _METHOD_RE.sub(" ", text))))
    return _LABEL_RE.sub(" ", visible)


def _read_html_json(path: Path) -> list[_Table]:
    text = path.read_text(encoding="utf-8", errors="replace")
    props = _features_from_text(text)
    if props:
        df = pd.DataFrame(props, dtype=object)
        return [_Table(path.name, "GeoJSON", df, "de")]
    if path.suffix.lower() in (".html", ".htm"):
        # no embedded features: the visible text (e.g. a Steckbrief of one area)
        return [_Table(path.name, "Text", pd.DataFrame({"_text": [_visible_text(text)]}), "de")]
    return []


def _read_any(path: Path) -> list[_Table]:
    suf = path.suffix.lower()
    if suf == ".gpkg":
        return _read_gpkg(path)
    if suf == ".xlsx":
        return _read_xlsx(path)
    if suf == ".csv":
        return _read_csv(path)
    return _read_html_json(path)


# --------------------------------------------------------------------------- internal model


def _key_variants(k: str) -> set[str]:
    k = str(k).strip()
    return {k, k.lstrip("0")}


class _Internal:
    def __init__(self, data: ReleaseData, policy: ReleasePolicy, level: str, ags: str | None):
        self.data = data
        self.policy = policy
        self.level = level
        self.ags = ags
        self.frames = {
            "areas": data.areas,
            "gemeinden": data.gemeinden.copy(),
            "kreis": data.kreis.copy(),
        }
        for k in ("gemeinden", "kreis"):
            self.frames[k].index = self.frames[k].index.astype(str)
        self.frames["areas"] = data.areas.copy()
        self.frames["areas"].index = data.areas.index.astype(str)
        self.area_gem = self.frames["areas"][data.area_ags_col].astype(str)
        self.counts = [c for c in count_columns(data.areas, data.catalogue)]
        self.rates = rate_columns(data.areas, data.catalogue)
        self.sensitive: dict[str, list[str]] = {}
        for kind, fr in self.frames.items():
            cols = []
            for c in fr.columns:
                if c == "geometry" or c == data.area_ags_col or policy.is_public(c):
                    continue
                if pd.api.types.is_numeric_dtype(fr[c]) and not pd.api.types.is_bool_dtype(fr[c]):
                    cols.append(str(c))
            self.sensitive[kind] = cols
        # key lookup (keys and unique names)
        self.lookup: dict[str, dict[str, str]] = {}
        for kind, fr in self.frames.items():
            m: dict[str, str] = {}
            for k in fr.index:
                for v in _key_variants(k):
                    m.setdefault(v, k)
            self.lookup[kind] = m
        self.names: dict[str, dict[str, str]] = {}
        for kind, fr in self.frames.items():
            m = {}
            for c in fr.columns:
                if c == "geometry" or not (
                    pd.api.types.is_object_dtype(fr[c]) or pd.api.types.is_string_dtype(fr[c])
                ):
                    continue
                vals = fr[c].astype(str)
                if vals.is_unique and c != data.area_ags_col:
                    for k, v in zip(fr.index, vals, strict=False):
                        m.setdefault(v.strip(), k)
            self.names[kind] = m
        # header → column
        self.header: dict[str, str] = {}
        for lang in ("de", "en"):
            for col, lab in column_labels(data.catalogue, lang).items():
                self.header.setdefault(normalise_header(lab), col)
        for fr in self.frames.values():
            for c in fr.columns:
                self.header[normalise_header(str(c))] = str(c)

    def value(self, kind: str, key: str, col: str) -> float:
        fr = self.frames[kind]
        if col not in fr.columns or key not in fr.index:
            return float("nan")
        v = fr.at[key, col]
        try:
            return float(v)
        except (TypeError, ValueError):
            return float("nan")

    def own(self, kind: str, key: str) -> bool:
        if self.ags is None:
            return False
        if kind == "areas":
            return self.area_gem.get(key) == self.ags
        if kind == "gemeinden":
            return key == self.ags
        return False

    def small(self, x: float) -> bool:
        return not np.isnan(x) and 1 <= abs(x) <= self.policy.threshold

    def violation(self, kind: str, key: str, col: str) -> str | None:
        """Reason why showing internal cell (kind, key, col) is beyond the level, or None."""
        if self.level == "intern" or self.policy.is_public(col):
            return None
        x = self.value(kind, key, col)
        if np.isnan(x) or x == 0:
            return None
        if col in self.counts and abs(x) < 1:
            return None
        is_count = col in self.counts
        small = self.small(x) if is_count else self._rate_small(kind, key, col)
        if self.level == "oeffentlich":
            if self.policy.releases(col, "oeffentlich", kind):
                return "interner Wert" if small else None
            return "interner Wert"
        # kommunal
        if self.own(kind, key):
            return None
        if kind == "areas":
            return "fremde Gemeinde"
        return "interner Wert" if small else None

    def _rate_small(self, kind: str, key: str, col: str) -> bool:
        if col not in self.rates:
            return False
        return any(self.small(self.value(kind, key, p)) for p in self.rates[col] if p is not None)


def _match_keys(table: _Table, internal: _Internal) -> tuple[str, str, pd.Series] | None:
    """Find the key column and level of a table: (column, kind, mapped keys)."""
    best = None
    for col in table.frame.columns:
        vals = table.frame[col]
        if vals.map(
            lambda v: isinstance(v, (float, np.floating)) and not float(v).is_integer()
        ).any():
            continue
        sv = vals.map(
            lambda v: (
                ""
                if v is None or (isinstance(v, float) and np.isnan(v))
                else str(int(v))
                if isinstance(v, (int, np.integer)) or (isinstance(v, float) and v.is_integer())
                else str(v).strip()
            )
        )
        for kind in ("areas", "gemeinden", "kreis"):
            for src in (internal.lookup[kind], internal.names[kind]):
                mapped = sv.map(
                    lambda s, m=src: (
                        m.get(s)
                        if s in m
                        else m.get(s.lstrip("0"))
                        if s.lstrip("0") in m and s.isdigit()
                        else None
                    )
                )
                # score: distinct keys matched (an AGS column of an area table matches
                # many rows but few distinct municipalities), then rows matched
                n = (int(mapped.dropna().nunique()), int(mapped.notna().sum()))
                if n[0] and (best is None or n > best[0]):
                    best = (n, str(col), kind, mapped)
    if best is None:
        return None
    return best[1], best[2], best[3]


# --------------------------------------------------------------------------- main


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _SUFFIXES)
    return [path]


def check_release(
    path_or_folder: str | Path | Iterable[str | Path],
    internal: ReleaseData,
    *,
    level: str,
    ags: str | None = None,
    policy: ReleasePolicy | None = None,
    recover: bool = True,
    lang: str | None = None,
) -> CheckReport:
    """Check written files against the internal data for values beyond ``level``.

    Parameters
    ----------
    path_or_folder
        A file, a folder (searched recursively for ``.gpkg .xlsx .csv .html .json
        .geojson``) or a list of them.
    internal
        The internal results the files were cut from (:class:`ReleaseData`).
    level
        ``oeffentlich``, ``kommunal`` (with ``ags``) or ``intern``.
    policy
        Public columns, released columns and the threshold of small counts.
    recover
        Also look for values recoverable by subtraction from published sums.

    Returns
    -------
    CheckReport
    """
    if level not in RELEASE_LEVELS:
        raise InputError(t(_MSG, "bad_level", lang, level=level))
    if level == "kommunal" and ags is None:
        raise InputError(t(_MSG, "need_ags", lang))
    policy = policy or ReleasePolicy()
    paths = [path_or_folder] if isinstance(path_or_folder, (str, Path)) else list(path_or_folder)
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if not p.exists():
            raise InputError(t(_MSG, "no_path", lang, path=p), file=str(p))
        files += _files(p)
    model = _Internal(internal, policy, level, None if ags is None else str(ags))

    findings: list[dict] = []
    skipped: list[str] = []
    known: set[tuple[str, str, str]] = set()  # (kind, key, col) shown exactly
    for f in files:
        try:
            tables = _read_any(f)
        except Exception as err:  # noqa: BLE001 - any unreadable file is reported, not raised
            raise InputError(t(_MSG, "unreadable", lang, file=f, err=err), file=str(f)) from err
        for tab in tables:
            if tab.layer == "Text":
                found, ok = _check_text(tab, model)
                findings += found
                if not ok:
                    skipped.append(f"{tab.file}[Text]")
                continue
            hit = _match_keys(tab, model)
            if hit is None:
                skipped.append(f"{tab.file}[{tab.layer}]" if tab.layer else tab.file)
                continue
            key_col, kind, keys = hit
            fr = tab.frame
            for col in fr.columns:
                if col == key_col:
                    continue
                head = str(col)
                if head.endswith("_status") or head.startswith("_") or policy.is_public(head):
                    continue
                icol = model.header.get(normalise_header(head))
                if icol is not None and policy.is_public(icol):
                    continue
                public_cols = [
                    c
                    for c in model.frames[kind].columns
                    if policy.is_public(c)
                    and c != "geometry"
                    and pd.api.types.is_numeric_dtype(model.frames[kind][c])
                ]
                for pos, raw in enumerate(fr[col].tolist()):
                    key = keys.iloc[pos]
                    if key is None or (isinstance(key, float) and np.isnan(key)):
                        continue
                    readings = parse_number(raw, prefer=tab.prefer)
                    if not readings:
                        continue
                    if icol is not None:
                        x = model.value(kind, key, icol)
                        if not _matches(x, readings):
                            continue
                        known.add((kind, key, icol))
                        reason = model.violation(kind, key, icol)
                        if reason:
                            findings.append(_finding(tab, icol, key, raw, reason))
                    else:
                        # unknown header: compare with every sensitive value of the row,
                        # ignoring small whole numbers and years (classes, ranks, dates)
                        strong = [
                            (y, d)
                            for y, d in readings
                            if not (float(y).is_integer() and (0 <= y <= 10 or 1900 <= y <= 2100))
                        ]
                        if not strong:
                            continue
                        # a number that equals a public value of the same area is explained by it
                        # (e.g. the overall index under a label the checker does not know)
                        if any(_matches(model.value(kind, key, pc), strong) for pc in public_cols):
                            continue
                        for c in model.sensitive[kind]:
                            x = model.value(kind, key, c)
                            if _matches(x, strong):
                                reason = model.violation(kind, key, c)
                                if reason:
                                    findings.append(
                                        _finding(tab, f"{head} (= {c})", key, raw, reason)
                                    )
                                    break
    if recover and level != "intern":
        findings += _recoverable(model, known)
    frame = pd.DataFrame(findings, columns=["file", "layer", "column", "area", "value", "reason"])
    frame = frame.drop_duplicates().reset_index(drop=True)
    return CheckReport(
        findings=frame,
        level=level,
        ags=None if ags is None else str(ags),
        files=tuple(str(f) for f in files),
        skipped=tuple(skipped),
    )


def _check_text(tab: _Table, model: _Internal) -> tuple[list[dict], bool]:
    """Numbers in the visible text of a page about exactly one area (e.g. a Steckbrief).

    The area is the single one whose key — or else whose name — occurs in the
    text; pages naming several areas or none are not compared (returns ``ok=False``).
    Small whole numbers (0–10) and years are never compared.
    """
    text = str(tab.frame["_text"].iloc[0])
    areas = model.frames["areas"]
    hits = [k for k in areas.index if re.search(rf"(?<!\d){re.escape(k)}(?!\d)", text)]
    if not hits:
        names = model.names["areas"]
        hits = sorted(
            {
                k
                for nm, k in names.items()
                if len(nm) >= 4 and re.search(rf"\b{re.escape(nm)}\b", text)
            }
        )
    if len(hits) != 1:
        return [], False
    key = hits[0]
    out = []
    for tok in _NUM_RE.findall(text):
        tok = tok.strip(" .,'\u202f\u00a0")
        if not tok or tok in key:
            continue
        readings = [
            (y, d)
            for y, d in parse_number(tok, prefer="de")
            if not (float(y).is_integer() and (0 <= y <= 10 or 1900 <= y <= 2100))
        ]
        if not readings:
            continue
        for c in model.sensitive["areas"]:
            if _matches(model.value("areas", key, c), readings):
                reason = model.violation("areas", key, c)
                if reason:
                    out.append(_finding(tab, c, key, tok, reason))
                    break
    return out, True


def _finding(tab: _Table, col: str, key: str, raw, reason: str) -> dict:
    return {
        "file": tab.file,
        "layer": tab.layer,
        "column": col,
        "area": key,
        "value": raw,
        "reason": reason,
    }


def _recoverable(model: _Internal, known: set[tuple[str, str, str]]) -> list[dict]:
    """Values recoverable by subtraction from published sums (fixed point over the hierarchy)."""
    out = []
    areas, gem, kreis = model.frames["areas"], model.frames["gemeinden"], model.frames["kreis"]
    by_gem = {g: list(idx) for g, idx in areas.groupby(model.area_gem.to_numpy()).groups.items()}
    known = set(known)
    for col in model.counts:
        if col not in areas.columns or col not in gem.columns:
            continue
        groups: list[list[tuple[str, str, str]]] = []
        for g in gem.index:
            if np.isnan(model.value("gemeinden", g, col)):
                continue
            members = [
                ("areas", a, col)
                for a in by_gem.get(g, [])
                if not np.isnan(model.value("areas", a, col))
            ]
            groups.append(members + [("gemeinden", g, col)])
        if col in kreis.columns:
            for k in kreis.index:
                if np.isnan(model.value("kreis", k, col)):
                    continue
                members = [
                    ("gemeinden", g, col)
                    for g in gem.index
                    if not np.isnan(model.value("gemeinden", g, col))
                ]
                groups.append(members + [("kreis", k, col)])
        changed = True
        while changed:
            changed = False
            for grp in groups:
                unknown = [c for c in grp if c not in known]
                if len(unknown) != 1:
                    continue
                cell = unknown[0]
                known.add(cell)
                changed = True
                kind, key, c = cell
                reason = model.violation(kind, key, c)
                if reason:
                    x = model.value(kind, key, c)
                    out.append(
                        {
                            "file": "(Summen)",
                            "layer": kind,
                            "column": c,
                            "area": key,
                            "value": int(x) if float(x).is_integer() else x,
                            "reason": "rückrechenbar",
                        }
                    )
    return out
