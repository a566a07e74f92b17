"""``sozialraum check``: every problem of a run's inputs at once, each with its fix.

:func:`check_config` reads every input a ``monitor.toml`` names — the area
layer(s), the catalogue, every table of every year, facilities, streets, the
population raster and the inputs of the planning sections (``[demografie]``
population tables, rates and control totals; ``[kita]`` places; ``[schulen]``
Schulbezirke; ``[pflege]`` prevalence and offers; ``[[regionen]]``; ``[hze]``), each
read and checked by the same functions as the run — and lists *all* problems instead
of stopping at the first: the configuration's own errors, missing files, layers
and columns, missing or duplicated area keys (with where each duplicate lies),
duplicated headers, tables whose keys match few areas, columns not in the
catalogue, catalogue indicators without data, missing or geographic CRS, years
without tables, implausible values (the readers' warnings), access categories
that no facility has. Nothing is computed.

Each :class:`Finding` says where (file, row, column, area id, configuration key
and line) and what to do, naming settings in the words of the current door
(:func:`sozialraum.core.doors.knob`); the command line sets the ``config`` door,
so the fixes name ``monitor.toml`` keys.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sozialraum._i18n import get_lang, t
from sozialraum.core.doors import knob
from sozialraum.errors import InputError, SozialraumWarning, format_ids
from sozialraum.pipeline.common import table_read_options
from sozialraum.pipeline.config import RunConfig, _line_of, collect_config

__all__ = ["Finding", "CheckReport", "check_config"]

ERROR, WARNING = "error", "warning"

#: Warnings meant for programmers, not planners (left out of the findings).
_DEVELOPER_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)

#: Topics in the order the report shows them.
TOPICS = (
    "konfiguration",
    "gebiete",
    "katalog",
    "tabellen",
    "jahre",
    "indikatoren",
    "raeumlich",
    "einrichtungen",
    "erreichbarkeit",
    "strassen",
    "raster",
    "demografie",
    "kita",
    "schulen",
    "pflege",
    "regionen",
    "hze",
)

_MSG = {
    "head": {
        "de": "Prüfung von {file}: {n_err} Fehler, {n_warn} Hinweis(e).",
        "en": "Check of {file}: {n_err} error(s), {n_warn} note(s).",
    },
    "all_ok": {
        "de": "Alles in Ordnung: Konfiguration und alle Eingangsdateien lassen sich lesen.",
        "en": "All fine: the configuration and every input file can be read.",
    },
    "error": {"de": "Fehler", "en": "Error"},
    "warning": {"de": "Hinweis", "en": "Note"},
    "fix": {"de": "→ Abhilfe: {fix}", "en": "→ fix: {fix}"},
    "stop": {
        "de": "Der Lauf würde an den Fehlern scheitern; bitte zuerst beheben.",
        "en": "The run would fail on the errors; fix them first.",
    },
    "t_konfiguration": {"de": "Konfiguration", "en": "configuration"},
    "t_gebiete": {"de": "Gebiete", "en": "areas"},
    "t_katalog": {"de": "Indikatorenkatalog", "en": "indicator catalogue"},
    "t_tabellen": {"de": "Tabellen", "en": "tables"},
    "t_jahre": {"de": "Jahre", "en": "years"},
    "t_indikatoren": {"de": "Indikatoren ohne Daten", "en": "indicators without data"},
    "t_raeumlich": {"de": "Räumliche Statistik", "en": "spatial statistics"},
    "t_einrichtungen": {"de": "Einrichtungen", "en": "facilities"},
    "t_erreichbarkeit": {"de": "Erreichbarkeit", "en": "access"},
    "t_strassen": {"de": "Straßennetz", "en": "street network"},
    "t_raster": {"de": "Bevölkerungsraster", "en": "population raster"},
    "t_demografie": {"de": "Demografie", "en": "demography"},
    "t_kita": {"de": "Kita-Planung", "en": "Kita planning"},
    "t_schulen": {"de": "Schulen", "en": "schools"},
    "t_pflege": {"de": "Pflege", "en": "care"},
    "t_regionen": {"de": "Regionen und Ämter", "en": "region sets"},
    "t_hze": {"de": "Hilfen zur Erziehung", "en": "educational support (HzE)"},
    # areas
    "no_layer": {
        "de": "{file}: Ebene {layer!r} gibt es nicht (vorhanden: {have}).",
        "en": "{file}: layer {layer!r} does not exist (present: {have}).",
    },
    "fix_layer": {
        "de": "{knob} auf eine der vorhandenen Ebenen setzen",
        "en": "set {knob} to one of the layers present",
    },
    "no_column": {
        "de": "{file}: Spalte {col!r} ({what}) fehlt. Vorhanden: {have}.{hint}",
        "en": "{file}: column {col!r} ({what}) is missing. Present: {have}.{hint}",
    },
    "hint": {"de": " Meinten Sie {cand!r}?", "en": " Did you mean {cand!r}?"},
    "fix_column": {
        "de": "{knob} auf die richtige Spalte setzen",
        "en": "set {knob} to the right column",
    },
    "w_area_key": {"de": "Gebietsschlüssel", "en": "area key"},
    "w_area_name": {"de": "Gebietsname", "en": "area name"},
    "w_parent": {"de": "Schlüssel des übergeordneten Gebiets", "en": "parent area key"},
    "null_keys": {
        "de": "{file}: {n} Gebiet(e) ohne Schlüssel in Spalte {key!r} (Objekt {rows}).",
        "en": "{file}: {n} area(s) without a key in column {key!r} (feature {rows}).",
    },
    "fix_null_keys": {
        "de": "jedem Gebiet in der Datei (z. B. in QGIS) seinen Schlüssel geben",
        "en": "give every area its key in the file (e.g. in QGIS)",
    },
    "dup_key": {
        "de": "{file}: Schlüssel {key!r} kommt {n}-mal vor:\n{details}",
        "en": "{file}: key {key!r} occurs {n} times:\n{details}",
    },
    "fix_dup_key": {
        "de": "nicht zusammenlegen: die Geometrien (z. B. in QGIS) ansehen und der falschen "
        "ihren richtigen, eigenen Schlüssel geben",
        "en": "do not dissolve: look at the geometries (e.g. in QGIS) and give the wrong one "
        "its correct, own key",
    },
    "no_crs": {
        "de": "{file}: Die Geometrien haben kein Koordinatenbezugssystem (CRS).",
        "en": "{file}: the geometries have no coordinate reference system (CRS).",
    },
    "fix_crs": {
        "de": "in QGIS ein CRS zuweisen (z. B. EPSG:25832 oder EPSG:25833) und neu speichern",
        "en": "assign a CRS in QGIS (e.g. EPSG:25832 or EPSG:25833) and save again",
    },
    "geographic": {
        "de": "{file}: Koordinaten in Grad ({crs}); Abstände und Flächen werden umgerechnet.",
        "en": "{file}: coordinates in degrees ({crs}); distances and areas are converted.",
    },
    "fix_geographic": {
        "de": "besser in QGIS in ein metrisches CRS umprojizieren (z. B. EPSG:25832/25833)",
        "en": "better reproject to a metric CRS in QGIS (e.g. EPSG:25832/25833)",
    },
    "unreadable": {
        "de": "{file}: kann nicht gelesen werden ({err}).",
        "en": "{file}: cannot be read ({err}).",
    },
    "fix_file": {
        "de": "Datei prüfen oder {knob} auf die richtige Datei setzen",
        "en": "check the file or set {knob} to the right file",
    },
    # tables
    "collision": {
        "de": "{file}: Spalte {col!r} steht für {year} schon in {other}.",
        "en": "{file}: column {col!r} is already in {other} for {year}.",
    },
    "fix_collision": {
        "de": "die Spalte aus einer der Tabellen entfernen oder im Katalog unterscheiden",
        "en": "remove the column from one of the tables or tell them apart in the catalogue",
    },
    "orphans": {
        "de": "{file} ({year}): {n} Zeile(n) ohne passendes Gebiet: {rows}.",
        "en": "{file} ({year}): {n} row(s) without a matching area: {rows}.",
    },
    "fix_orphans": {
        "de": "Schlüssel in der Tabelle korrigieren oder {knob} prüfen",
        "en": "correct the keys in the table or check {knob}",
    },
    "without_data": {
        "de": "{file} ({year}): {n} von {total} Gebieten ohne Zeile: {ids}.",
        "en": "{file} ({year}): {n} of {total} areas without a row: {ids}.",
    },
    "fix_without_data": {
        "de": "fehlende Gebiete in der Tabelle ergänzen (oder Werte als fehlend kennzeichnen)",
        "en": "add the missing areas to the table (or mark their values as missing)",
    },
    "row_key": {"de": "Zeile {row}: {key!r}{sugg}", "en": "row {row}: {key!r}{sugg}"},
    "sugg": {"de": " (meinten Sie {cand!r}?)", "en": " (did you mean {cand!r}?)"},
    # years
    "no_report_year": {
        "de": "Für das Berichtsjahr {year} nennt keine Tabelle Daten (Jahre: {have}).",
        "en": "no table has data for the report year {year} (years: {have}).",
    },
    "fix_report_year": {
        "de": "{knob} auf ein Jahr der Tabellen setzen oder das Jahr bei {years} ergänzen",
        "en": "set {knob} to a year of the tables or add the year to {years}",
    },
    "no_prev_year": {
        "de": "Vergleichsjahr {year} hat keine Tabellen (Jahre: {have}).",
        "en": "comparison year {year} has no tables (years: {have}).",
    },
    "fix_prev_year": {
        "de": "vorjahr (in [projekt]) auf ein Jahr der Tabellen setzen oder das Jahr bei "
        "{years} ergänzen",
        "en": "set vorjahr (in [projekt]) to a year of the tables or add the year to {years}",
    },
    "no_dynamics": {
        "de": "Kein Vorjahr ({year}) in den Tabellen: es gibt keine Dynamik.",
        "en": "no previous year ({year}) in the tables: there is no dynamic.",
    },
    "fix_dynamics": {
        "de": "Tabellen des Vorjahrs bei {years} ergänzen oder vorjahr (in [projekt]) setzen",
        "en": "add the previous year's tables to {years} or set vorjahr (in [projekt])",
    },
    "year_gap": {
        "de": "{file}: keine Tabelle für {years} (die anderen Tabellen haben diese Jahre).",
        "en": "{file}: no table for {years} (the other tables have these years).",
    },
    "fix_year_gap": {
        "de": "Jahr(e) bei {knob} ergänzen, falls es die Tabelle gibt",
        "en": "add the year(s) to {knob} if the table exists",
    },
    # indicators
    "ind_no_data": {
        "de": "Indikator {id!r} ({label}): {role} {var!r} steht in keiner Tabelle ({years}).",
        "en": "indicator {id!r} ({label}): {role} {var!r} is in no table ({years}).",
    },
    "fix_ind_no_data": {
        "de": "die Spalte der Tabelle im Katalog der Variable {var!r} zuordnen (headers = "
        '["…"]) oder den Indikator aus dem Katalog nehmen',
        "en": "assign the table's column to variable {var!r} in the catalogue "
        '(headers = ["…"]) or remove the indicator from the catalogue',
    },
    "numerator": {"de": "Zähler", "en": "numerator"},
    "denominator": {"de": "Nenner", "en": "denominator"},
    "all_years": {"de": "in keinem Jahr", "en": "in no year"},
    # spatial
    "no_feature": {
        "de": "merkmale: {col!r} ist weder ein Index noch ein Indikator des Katalogs.",
        "en": "merkmale: {col!r} is neither an index nor an indicator of the catalogue.",
    },
    "fix_feature": {
        "de": "merkmale (in [raeumlich]) auf idx_gesamt, status_index, dynamik_index, "
        "idx_<Dimension> oder eine Indikator-Kennung setzen{hint}",
        "en": "set merkmale (in [raeumlich]) to idx_gesamt, status_index, dynamik_index, "
        "idx_<dimension> or an indicator id{hint}",
    },
    # facilities and access
    "no_category": {
        "de": "[[erreichbarkeit]] {name!r}: keine Einrichtung hat die Kategorie {cat!r} "
        "(vorhanden: {have}).",
        "en": "[[erreichbarkeit]] {name!r}: no facility has the category {cat!r} "
        "(present: {have}).",
    },
    "fix_category": {
        "de": "{knob} auf eine vorhandene Kategorie setzen{hint}",
        "en": "set {knob} to a category present{hint}",
    },
    "no_target": {
        "de": "[[erreichbarkeit]] {name!r}: Zielgruppe {var!r} ist keine Variable der Tabellen.",
        "en": "[[erreichbarkeit]] {name!r}: target group {var!r} is not a variable of the tables.",
    },
    "fix_target": {
        "de": "zielgruppe (in [[erreichbarkeit]]) auf Variablen des Katalogs setzen{hint}",
        "en": "set zielgruppe (in [[erreichbarkeit]]) to variables of the catalogue{hint}",
    },
    "raster_no_overlap": {
        "de": "{file}: Das Raster überdeckt die Gebiete nicht (Raster {rb}, Gebiete {ab}).",
        "en": "{file}: the raster does not cover the areas (raster {rb}, areas {ab}).",
    },
    "fix_raster": {
        "de": "das Raster des richtigen Gebiets bzw. mit richtigem CRS angeben",
        "en": "give the raster of the right region or with the right CRS",
    },
    "foreign": {
        "de": "{kind} beim Lesen von {what}: {msg}",
        "en": "{kind} while reading {what}: {msg}",
    },
}


@dataclass(frozen=True)
class Finding:
    """One problem of the inputs.

    Attributes
    ----------
    severity
        ``"error"`` (the run would fail or compute wrong numbers) or ``"warning"``.
    topic
        The input it concerns (one of :data:`TOPICS`).
    message
        What is wrong, in the user's language, naming the file.
    fix
        What to do, naming the setting in the door's words (empty when the
        message says it itself).
    file, row, column, area
        Where in the input (file, 1-based row, column, area key).
    key, line
        The configuration key to change, as the messages name it (``"schluessel (in
        [gebiete])"``), and its line in ``monitor.toml``.
    """

    severity: str
    topic: str
    message: str
    fix: str = ""
    file: str | None = None
    row: int | None = None
    column: str | None = None
    area: str | None = None
    key: str | None = None
    line: int | None = None

    def to_text(self, lang: str | None = None) -> str:
        """``Fehler: <message>`` with the fix on its own line."""
        L = get_lang(lang)
        text = f"{t(_MSG, self.severity, L)}: {self.message}"
        if self.fix:
            text += "\n  " + t(_MSG, "fix", L, fix=self.fix)
        return text


@dataclass(frozen=True)
class CheckReport:
    """All findings of :func:`check_config`.

    Attributes
    ----------
    config
        The configuration file checked.
    findings
        Every problem, errors and warnings, grouped by topic in input order.
    """

    config: Path
    findings: tuple[Finding, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == WARNING)

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors

    def to_text(self, lang: str | None = None) -> str:
        """The findings grouped by topic, errors first within each topic."""
        L = get_lang(lang)
        lines = [
            t(
                _MSG,
                "head",
                L,
                file=self.config.name,
                n_err=len(self.errors),
                n_warn=len(self.warnings),
            )
        ]
        if not self.findings:
            return "\n".join([*lines, t(_MSG, "all_ok", L)])
        for topic in TOPICS:
            group = [f for f in self.findings if f.topic == topic]
            if not group:
                continue
            lines += ["", f"[{t(_MSG, 't_' + topic, L)}]"]
            group.sort(key=lambda f: f.severity != ERROR)
            for f in group:
                text = f.to_text(L)
                if f.line and f.topic != "konfiguration":  # config errors name file:line
                    head, _, rest = text.partition("\n")
                    text = f"{head} ({self.config.name}:{f.line})" + ("\n" + rest if rest else "")
                lines.append("- " + text.replace("\n", "\n  "))
        if self.errors:
            lines += ["", t(_MSG, "stop", L)]
        return "\n".join(lines)


@dataclass
class _Ctx:
    """What the check has found so far (findings, and inputs read for later checks)."""

    cfg: RunConfig
    lang: str
    findings: list[Finding] = field(default_factory=list)
    areas: Any = None
    catalogue: Any = None
    columns: dict[int, dict[str, str]] = field(default_factory=dict)  # year → column → file
    failed_years: set[int] = field(default_factory=set)
    facilities: Any = None
    cur_file: str = ""
    area_name: str | None = None

    def add(self, severity: str, topic: str, msg_key: str, fix: str = "", **kw) -> None:
        where = {k: kw[k] for k in ("file", "row", "column", "area", "line") if k in kw}
        where["key"] = kw.pop("cfg_key", None)
        self.findings.append(
            Finding(severity, topic, t(_MSG, msg_key, self.lang, **kw), fix, **where)
        )

    def fix(self, msg_key: str, **kw) -> str:
        return t(_MSG, msg_key, self.lang, **kw)

    def line(self, section: str, key: str | None = None, index: int = 0) -> int | None:
        return _line_of(self.cfg.text, section, key, index)

    def attempt(self, topic: str, fn: Callable[[], Any], *, what: str, key: str | None = None):
        """Call ``fn``; its warnings become warning findings, an input error an error finding.

        Returns ``fn``'s result, or ``None`` when it raised.
        """
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = fn()
            except InputError as err:
                self.findings.append(_from_error(err, topic, key))
                result = None
            except Exception as err:  # noqa: BLE001 - a file the readers choke on is a finding
                msg = t(
                    _MSG, "unreadable", self.lang, file=what, err=f"{type(err).__name__}: {err}"
                )
                self.findings.append(Finding(ERROR, topic, msg, file=what, key=key))
                result = None
        for w in caught:
            if issubclass(w.category, _DEVELOPER_WARNINGS):
                continue
            if issubclass(w.category, SozialraumWarning):
                msg = str(w.message)
            else:
                msg = t(
                    _MSG, "foreign", self.lang, kind=w.category.__name__, what=what, msg=w.message
                )
            self.findings.append(Finding(WARNING, topic, msg, file=what, key=key))
        return result


def _from_error(err: InputError, topic: str, key: str | None) -> Finding:
    return Finding(
        ERROR,
        topic,
        str(err),
        file=err.file,
        row=err.row,
        column=err.column,
        area=", ".join(err.ids[:10]) if err.ids else None,
        key=key,
    )


def check_config(config: str | Path | RunConfig, lang: str | None = None) -> CheckReport:
    """Check a run configuration and every input it names, without computing anything.

    Parameters
    ----------
    config
        Path of ``monitor.toml`` (its own errors are all listed too) or a loaded
        :class:`~sozialraum.pipeline.config.RunConfig`.
    lang
        Language of the findings (default: German).

    Returns
    -------
    CheckReport
        All findings; ``report.ok`` is ``False`` when the run would fail.
    """
    L = get_lang(lang)
    if isinstance(config, RunConfig):
        cfg, errors = config, []
    else:
        cfg, errors = collect_config(config, lang=L)
    path = Path(config.path if isinstance(config, RunConfig) else config)
    findings = [
        Finding(ERROR, "konfiguration", str(e), file=e.file, key=e.column, line=e.row)
        for e in errors
    ]
    if cfg is None:
        return CheckReport(path, tuple(findings))
    ctx = _Ctx(cfg, L, findings)
    for step in STEPS:
        step(ctx)
    return CheckReport(path, tuple(dict.fromkeys(ctx.findings)))  # each finding once


def _hint(ctx: _Ctx, msg_key: str, value: str, candidates) -> str:
    """`` Meinten Sie 'x'?`` for the closest candidate (empty when none is close)."""
    close = difflib.get_close_matches(str(value), [str(c) for c in candidates], n=1)
    return t(_MSG, msg_key, ctx.lang, cand=close[0]) if close else ""


# --------------------------------------------------------------------------- areas


def _read_layer(ctx: _Ctx, topic: str, path: Path, layer, layer_knob: str, key: str):
    """A vector layer as it is in the file (or ``None`` with a finding)."""
    import geopandas as gpd
    import pyogrio

    src, key = path.name, f"{key} (in [{topic}])"
    try:
        layers = [str(r[0]) for r in pyogrio.list_layers(path)]
    except Exception as err:  # pyogrio raises several types for unreadable files
        fix = ctx.fix("fix_file", knob=key)
        ctx.add(ERROR, topic, "unreadable", fix, file=src, cfg_key=key, err=err)
        return None
    if layer is not None and str(layer) not in layers:
        fix = ctx.fix("fix_layer", knob=layer_knob)
        ctx.add(
            ERROR,
            topic,
            "no_layer",
            fix,
            file=src,
            cfg_key=layer_knob,
            layer=layer,
            have=", ".join(layers),
        )
        return None
    try:
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as err:  # noqa: BLE001 - any reading problem is reported, not raised
        ctx.add(ERROR, topic, "unreadable", ctx.fix("fix_file", knob=key), file=src, err=err)
        return None


def _need_column(ctx: _Ctx, topic: str, frame, col: str | None, what: str, knob_text: str):
    """A finding when ``col`` is not a column of ``frame``; returns whether it is."""
    if col is None or col in frame.columns:
        return True
    have = [str(c) for c in frame.columns if c != "geometry"]
    ctx.add(
        ERROR,
        topic,
        "no_column",
        ctx.fix("fix_column", knob=knob_text),
        file=ctx.cur_file,
        column=col,
        cfg_key=knob_text,
        col=col,
        what=t(_MSG, what, ctx.lang) if what in _MSG else what,
        have=", ".join(map(repr, have)),
        hint=_hint(ctx, "hint", col, have),
    )
    return False


def _check_crs(ctx: _Ctx, topic: str, frame, src: str) -> bool:
    """No CRS: error; degrees: warning. Returns whether there is a CRS."""
    if frame.crs is None:
        ctx.add(ERROR, topic, "no_crs", ctx.fix("fix_crs"), file=src)
        return False
    if frame.crs.is_geographic:
        crs = frame.crs.to_string()
        ctx.add(WARNING, topic, "geographic", ctx.fix("fix_geographic"), file=src, crs=crs)
    return True


def _check_area_keys(ctx: _Ctx, raw, key: str, name: str | None, src: str) -> bool:
    """Null and duplicated keys, each duplicate with where its features lie."""
    import numpy as np

    from sozialraum.io.areas import duplicate_keys

    col = raw[key]
    null = col.isna() | (col.astype("string").str.strip() == "")
    ok = True
    if null.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(null.to_numpy())[:20])
        ctx.add(
            ERROR,
            "gebiete",
            "null_keys",
            ctx.fix("fix_null_keys"),
            file=src,
            column=key,
            n=int(null.sum()),
            key=key,
            rows=rows,
        )
        ok = False
    keyed = raw[~null].copy()
    text = keyed[key]
    if text.dtype.kind == "f" and (text % 1 == 0).all():
        text = text.astype("int64")
    keyed[key] = text.astype(str).str.strip()
    for k, lines in duplicate_keys(keyed, key, name=name, lang=ctx.lang).items():
        ctx.add(
            ERROR,
            "gebiete",
            "dup_key",
            ctx.fix("fix_dup_key"),
            file=src,
            column=key,
            area=k,
            key=k,
            n=len(lines),
            details="\n".join(lines),
        )
        ok = False
    return ok


def _check_areas(ctx: _Ctx) -> None:
    """The planning areas: layer, key, name and parent columns, keys, CRS, geometries."""
    from sozialraum.io import read_areas

    g = ctx.cfg["gebiete"]
    if not g or g.get("datei") is None or g.get("schluessel") is None:
        return
    path, key, name = Path(g["datei"]), g["schluessel"], g["name"]
    ctx.cur_file = path.name
    raw = _read_layer(ctx, "gebiete", path, g["ebene"], knob("layer", ctx.lang), "datei")
    if raw is None:
        return
    key_ok = _need_column(ctx, "gebiete", raw, key, "w_area_key", knob("area_key", ctx.lang))
    if not _need_column(ctx, "gebiete", raw, name, "w_area_name", knob("area_name", ctx.lang)):
        name = None  # the other checks go on without names
    _need_column(
        ctx, "gebiete", raw, g["gemeinde_spalte"], "w_parent", knob("parent_column", ctx.lang)
    )
    ctx.area_name = name
    crs_ok = _check_crs(ctx, "gebiete", raw, path.name)
    if key_ok and _check_area_keys(ctx, raw, key, name, path.name) and crs_ok:
        # everything else the reader checks (geometries), with its warnings
        ctx.areas = ctx.attempt(
            "gebiete",
            lambda: read_areas(path, layer=g["ebene"], key=key, name=name, lang=ctx.lang),
            what=path.name,
        )
    for layer_key, key_key in (
        ("gemeinden_ebene", "gemeinden_schluessel"),
        ("kreis_ebene", "kreis_schluessel"),
    ):
        if g[layer_key]:
            ctx.attempt(
                "gebiete",
                lambda lk=layer_key, kk=key_key: read_areas(
                    path, layer=g[lk], key=g[kk], lang=ctx.lang
                ),
                what=f"{path.name}[{g[layer_key]}]",
                key=f"{layer_key} (in [gebiete])",
            )


# --------------------------------------------------------------------------- catalogue, tables


def _check_catalogue(ctx: _Ctx) -> None:
    from sozialraum.io import read_catalogue

    k = ctx.cfg["katalog"]
    if not k or k.get("datei") is None:
        return
    path = Path(k["datei"])
    cat = ctx.attempt(
        "katalog", lambda: read_catalogue(path, lang=ctx.lang), what=path.name, key="katalog"
    )
    if cat is not None and ctx.attempt("katalog", cat.header_map, what=path.name) is not None:
        ctx.catalogue = cat


def _check_tables(ctx: _Ctx) -> None:
    """Every table of every year: read with the catalogue, keys against the areas."""
    from sozialraum.io.catalogue import read_catalogued_table

    for i, tab in enumerate(ctx.cfg["tabellen"] or []):
        if tab.get("datei") is None or not tab.get("jahre"):
            continue
        for year in tab["jahre"]:
            path = ctx.cfg.base / tab["datei"].format(jahr=year)
            if not path.is_file():
                ctx.failed_years.add(year)  # named by the configuration check
                continue
            table = ctx.attempt(
                "tabellen",
                lambda p=path, y=year, tb=tab: read_catalogued_table(
                    p, columns=ctx.catalogue, year=y, lang=ctx.lang, **table_read_options(tb)
                ),
                what=path.name,
                key=f"datei (in [[tabellen]] Nr. {i + 1})",
            )
            if table is None:
                ctx.failed_years.add(year)
                continue
            _table_columns(ctx, table, year)
            if ctx.areas is not None:
                _table_keys(ctx, table, year)


def _table_columns(ctx: _Ctx, table, year: int) -> None:
    """Columns of the year: one column in two tables is an error (the join refuses it)."""
    have = ctx.columns.setdefault(year, {})
    for col in table.values.columns:
        if col in have:
            ctx.add(
                ERROR,
                "tabellen",
                "collision",
                ctx.fix("fix_collision"),
                file=table.source,
                column=str(col),
                col=col,
                year=year,
                other=have[col],
            )
        else:
            have[col] = table.source


def _table_keys(ctx: _Ctx, table, year: int) -> None:
    """The join of the table to the areas: rows without area, areas without a row."""
    from sozialraum.join import join_table

    res = ctx.attempt(
        "tabellen",
        lambda: join_table(ctx.areas, table, area_names=ctx.area_name, lang=ctx.lang),
        what=table.source,
    )
    if res is None:
        return
    rep = res.report
    orphans = rep.rows_without_area
    if len(orphans):
        rows = []
        for r in orphans.head(10).itertuples(index=False):
            cand = getattr(r, "suggestion", None)
            sugg = t(_MSG, "sugg", ctx.lang, cand=cand) if isinstance(cand, str) and cand else ""
            rows.append(t(_MSG, "row_key", ctx.lang, row=r.row, key=r.key, sugg=sugg))
        if len(orphans) > 10:
            rows.append(f"… (+{len(orphans) - 10})")
        ctx.add(
            WARNING,
            "tabellen",
            "orphans",
            ctx.fix("fix_orphans", knob=knob("table_key", ctx.lang)),
            file=table.source,
            year=year,
            n=len(orphans),
            rows="; ".join(rows),
        )
    missing = list(rep.areas_without_data)
    if missing:
        ctx.add(
            WARNING,
            "tabellen",
            "without_data",
            ctx.fix("fix_without_data"),
            file=table.source,
            area=", ".join(map(str, missing[:10])),
            year=year,
            n=len(missing),
            total=rep.n_areas,
            ids=format_ids(missing),
        )


# --------------------------------------------------------------------------- years, indicators


def _table_years(ctx: _Ctx) -> list[int]:
    return sorted({int(y) for tab in ctx.cfg["tabellen"] or [] for y in tab.get("jahre") or []})


def _check_years(ctx: _Ctx) -> None:
    """The report year and the comparison year have tables; every table has every year."""
    p = ctx.cfg["projekt"]
    years = _table_years(ctx)
    if not p or not years:
        return
    have = ", ".join(map(str, years))
    yk = knob("year", ctx.lang)
    year, prev = p.get("berichtsjahr"), p.get("vorjahr")
    if year is not None and year not in years:
        fix = ctx.fix("fix_report_year", knob=knob("report_year", ctx.lang), years=yk)
        ctx.add(
            ERROR,
            "jahre",
            "no_report_year",
            fix,
            cfg_key="berichtsjahr",
            line=ctx.line("projekt", "berichtsjahr"),
            year=year,
            have=have,
        )
    if prev is not None and prev not in years:
        ctx.add(
            ERROR,
            "jahre",
            "no_prev_year",
            ctx.fix("fix_prev_year", years=yk),
            cfg_key="vorjahr",
            line=ctx.line("projekt", "vorjahr"),
            year=prev,
            have=have,
        )
    elif prev is None and year is not None and year - 1 not in years:
        ctx.add(
            WARNING,
            "jahre",
            "no_dynamics",
            ctx.fix("fix_dynamics", years=yk),
            cfg_key="vorjahr",
            year=year - 1,
        )
    for i, tab in enumerate(ctx.cfg["tabellen"] or []):
        gap = [y for y in years if y not in (tab.get("jahre") or []) and y <= (year or y)]
        if gap and tab.get("datei"):
            ctx.add(
                WARNING,
                "jahre",
                "year_gap",
                ctx.fix("fix_year_gap", knob=yk),
                file=tab["datei"],
                line=ctx.line("tabellen", "jahre", i),
                years=", ".join(map(str, gap)),
            )


def _check_indicators(ctx: _Ctx) -> None:
    """Each indicator's numerator and denominator are columns of the tables of every year."""
    cat = ctx.catalogue
    if cat is None or not ctx.columns:
        return
    years = [y for y in _table_years(ctx) if y not in ctx.failed_years]
    for iid, row in cat.indicators.iterrows():
        for role in ("numerator", "denominator"):
            var = row[role]
            if not isinstance(var, str):
                continue
            absent = [y for y in years if var not in ctx.columns.get(y, {})]
            if not absent:
                continue
            when = (
                t(_MSG, "all_years", ctx.lang)
                if len(absent) == len(years)
                else ", ".join(map(str, absent))
            )
            ctx.add(
                WARNING,
                "indikatoren",
                "ind_no_data",
                ctx.fix("fix_ind_no_data", var=var),
                file=cat.path.name if cat.path else None,
                column=var,
                id=iid,
                label=row["label"],
                role=t(_MSG, role, ctx.lang),
                var=var,
                years=when,
            )


def _check_spatial(ctx: _Ctx) -> None:
    """``[raeumlich] merkmale``: indices or indicators of the catalogue."""
    r = ctx.cfg["raeumlich"]
    if not r or ctx.catalogue is None:
        return
    known = {"idx_gesamt", "idx_pca", "status_index", "dynamik_index"}
    known |= set(map(str, ctx.catalogue.indicators.index))
    for col in r["merkmale"] or []:
        if col in known or col.startswith("idx_"):
            continue
        hint = _hint(ctx, "sugg", col, sorted(known))
        ctx.add(
            ERROR,
            "raeumlich",
            "no_feature",
            ctx.fix("fix_feature", hint=hint),
            cfg_key="merkmale",
            line=ctx.line("raeumlich", "merkmale"),
            col=col,
        )


# --------------------------------------------------------------------------- facilities, access


def _check_facilities(ctx: _Ctx) -> None:
    """The facility layer: columns of category, capacity and name; CRS."""
    ef = ctx.cfg.get("einrichtungen")
    if not ef or ef.get("datei") is None:
        return
    path = Path(ef["datei"])
    ctx.cur_file = path.name
    fac = _read_layer(
        ctx, "einrichtungen", path, ef["ebene"], "ebene (in [einrichtungen])", "datei"
    )
    if fac is None:
        return
    ok = True
    for key, what in (("kategorie_spalte", "kategorie_spalte"), ("name_spalte", "name_spalte")):
        ok &= _need_column(ctx, "einrichtungen", fac, ef[key], what, f"{key} (in [einrichtungen])")
    cap = ef["kapazitaet_spalte"]
    _need_column(
        ctx, "einrichtungen", fac, cap, "kapazitaet_spalte", knob("capacity_column", ctx.lang)
    )
    _check_crs(ctx, "einrichtungen", fac, path.name)
    if ok:
        ctx.facilities = fac


def _check_access(ctx: _Ctx) -> None:
    """``[[erreichbarkeit]]``: a facility has the category; the target group is a variable."""
    items = ctx.cfg.get("erreichbarkeit") or []
    if not items:
        return
    ef = ctx.cfg.get("einrichtungen")
    cats: list[str] = []
    if ctx.facilities is not None:
        cats = sorted(map(str, ctx.facilities[ef["kategorie_spalte"]].dropna().unique()))
    variables = set()
    if ctx.catalogue is not None:
        variables = set(map(str, ctx.catalogue.variables.index))
    for cols in ctx.columns.values():
        variables |= set(map(str, cols))
    for i, a in enumerate(items):
        name = a.get("name") or f"Nr. {i + 1}"
        cat = a.get("kategorie")
        if ctx.facilities is not None and cat is not None and cat not in cats:
            hint = _hint(ctx, "sugg", cat, cats)
            fix = ctx.fix("fix_category", knob=knob("facility_category", ctx.lang), hint=hint)
            ctx.add(
                ERROR,
                "erreichbarkeit",
                "no_category",
                fix,
                cfg_key="kategorie",
                line=ctx.line("erreichbarkeit", "kategorie", i),
                name=name,
                cat=cat,
                have=", ".join(map(repr, cats)) or "–",
            )
        for var in (a.get("zielgruppe") or []) if variables else []:
            if var not in variables:
                hint = _hint(ctx, "sugg", var, sorted(variables))
                ctx.add(
                    ERROR,
                    "erreichbarkeit",
                    "no_target",
                    ctx.fix("fix_target", hint=hint),
                    cfg_key="zielgruppe",
                    column=var,
                    line=ctx.line("erreichbarkeit", "zielgruppe", i),
                    name=name,
                    var=var,
                )


def _check_streets(ctx: _Ctx) -> None:
    sf = ctx.cfg.get("strassen")
    if not sf or sf.get("datei") is None:
        return
    path = Path(sf["datei"])
    ctx.cur_file = path.name
    roads = _read_layer(ctx, "strassen", path, sf["ebene"], "ebene (in [strassen])", "datei")
    if roads is None:
        return
    _need_column(
        ctx,
        "strassen",
        roads,
        sf["klasse_spalte"],
        "klasse_spalte",
        "klasse_spalte (in [strassen])",
    )
    _check_crs(ctx, "strassen", roads, path.name)


def _check_raster(ctx: _Ctx) -> None:
    """The population raster: readable, with a CRS, covering the areas."""
    r = ctx.cfg.get("raster")
    if not r or r.get("bevoelkerung") is None:
        return
    import rasterio
    from rasterio.warp import transform_bounds

    path = Path(r["bevoelkerung"])
    try:
        with rasterio.open(path) as src:
            crs, bounds = src.crs, tuple(src.bounds)
    except Exception as err:  # noqa: BLE001 - any reading problem is reported
        fix = ctx.fix("fix_file", knob="bevoelkerung (in [raster])")
        ctx.add(ERROR, "raster", "unreadable", fix, file=path.name, err=err)
        return
    if crs is None:
        ctx.add(ERROR, "raster", "no_crs", ctx.fix("fix_crs"), file=path.name)
        return
    if ctx.areas is None or ctx.areas.crs is None:
        return
    ab = transform_bounds(ctx.areas.crs, crs, *ctx.areas.total_bounds)
    if ab[0] >= bounds[2] or ab[2] <= bounds[0] or ab[1] >= bounds[3] or ab[3] <= bounds[1]:
        ctx.add(
            ERROR,
            "raster",
            "raster_no_overlap",
            ctx.fix("fix_raster"),
            file=path.name,
            rb=_bbox(bounds),
            ab=_bbox(ab),
        )


def _bbox(b) -> str:
    return f"x {b[0]:.0f}–{b[2]:.0f}, y {b[1]:.0f}–{b[3]:.0f}"


def _check_demography(ctx: _Ctx) -> None:
    """The population tables by age: read as the run reads them, keys against the areas."""
    d = ctx.cfg.get("demografie")
    if not d or not d.get("dateien") or not d.get("jahre"):
        return
    from sozialraum.core.doors import using_door
    from sozialraum.demography import read_population
    from sozialraum.demography.forecast import check_population_keys

    files = ctx.cfg.files(d["dateien"], d["jahre"])
    paths = [files[y] for y in sorted(files) if files[y].is_file()]  # missing: config check

    def population():
        pop = read_population(paths, key=d["schluessel"], lang=ctx.lang)
        if ctx.areas is not None:
            with using_door("config"):
                check_population_keys(pop, ctx.areas.index, lang=ctx.lang)
        return pop

    if paths:
        ctx.attempt(
            "demografie",
            population,
            what=Path(d["dateien"]).name,
            key="dateien (in [demografie])",
        )
    ctx.attempt(  # rates, scenarios, control totals and horizon, as the run reads them
        "demografie",
        lambda: _projection_settings(d, max(d["jahre"]), ctx.lang),
        what="[demografie]",
        key="[demografie]",
    )


def _projection_settings(d, start_year: int, lang: str) -> dict:
    from sozialraum.core.doors import using_door
    from sozialraum.demography.settings import DemographySettings, projection_arguments

    with using_door("config"):  # the settings come from monitor.toml: messages name its keys
        return projection_arguments(DemographySettings.from_config(d, lang), start_year, lang=lang)


def _check_atlas(ctx: _Ctx) -> None:
    """``[atlas] grenzen_neu``: the later boundaries are read like the areas."""
    from sozialraum.io import read_areas

    a, g = ctx.cfg.get("atlas"), ctx.cfg["gebiete"]
    if not a or not a.get("grenzen_neu") or not g or g.get("schluessel") is None:
        return
    path = Path(a["grenzen_neu"])
    ctx.attempt(
        "gebiete",
        lambda: read_areas(path, key=g["schluessel"], name=ctx.area_name, lang=ctx.lang),
        what=path.name,
        key="grenzen_neu (in [atlas])",
    )


def _check_kita(ctx: _Ctx) -> None:
    """``[kita]``: the Kitas of the facility layer and the table of places, read as the run does.

    The same reading and checks as the run's Kita step (ids present and known, place
    columns numeric and not negative).
    """
    k = ctx.cfg.get("kita")
    if not k or ctx.facilities is None:
        return
    from types import SimpleNamespace

    from sozialraum.core.doors import using_door
    from sozialraum.pipeline.steps_kita import _kitas

    state = SimpleNamespace(config=ctx.cfg, facilities=ctx.facilities, lang=ctx.lang)
    plaetze = k.get("plaetze")
    with using_door("config"):
        ctx.attempt(
            "kita",
            lambda: _kitas(state, k),
            what=Path(plaetze).name if plaetze else "[kita]",
            key="plaetze (in [kita])" if plaetze else "[kita]",
        )


def _check_schools(ctx: _Ctx) -> None:
    """``[schulen]``: the Schulbezirke layer read like the areas (key column, geometries, CRS)."""
    s = ctx.cfg.get("schulen")
    if not s or s.get("bezirke") is None:
        return
    from sozialraum.io import read_areas

    path = Path(s["bezirke"])
    layer = ctx.attempt(
        "schulen",
        lambda: read_areas(path, layer=s["bezirke_ebene"], key=s["bezirk_spalte"], lang=ctx.lang),
        what=path.name,
        key="bezirke (in [schulen])",
    )
    if layer is not None:
        _check_crs(ctx, "schulen", layer, path.name)


def _check_care(ctx: _Ctx) -> None:
    """``[pflege]``: the prevalence table and the care offers, read and checked as the run does."""
    p = ctx.cfg.get("pflege")
    if not p:
        return
    from sozialraum.core.doors import using_door
    from sozialraum.demography.care import care_offers, read_care_prevalence

    def offers():
        import geopandas as gpd

        kw = {"layer": p["angebote_ebene"]} if p["angebote_ebene"] else {}
        raw = gpd.read_file(p["angebote"], **kw)
        return care_offers(
            raw,
            type_col=p["art_spalte"],
            capacity_col=p["plaetze_spalte"],
            source=Path(p["angebote"]).name,
            lang=ctx.lang,
        )

    with using_door("config"):
        if p.get("praevalenz"):
            ctx.attempt(
                "pflege",
                lambda: read_care_prevalence(p["praevalenz"], lang=ctx.lang),
                what=Path(p["praevalenz"]).name,
                key="praevalenz (in [pflege])",
            )
        if p.get("angebote"):
            ctx.attempt(
                "pflege", offers, what=Path(p["angebote"]).name, key="angebote (in [pflege])"
            )


def _check_regions(ctx: _Ctx) -> None:
    """``[[regionen]]``: each region set read and checked to cover every member."""
    from sozialraum.join.regions import region_of_areas
    from sozialraum.pipeline.steps_regions import region_set_of

    gcol = (ctx.cfg["gebiete"] or {}).get("gemeinde_spalte")
    for i, r in enumerate(ctx.cfg.get("regionen") or []):
        if r.get("datei") is None or r.get("region") is None:
            continue

        def check(r=r):
            rs = region_set_of(r, ctx.lang)
            if ctx.areas is not None and gcol in ctx.areas.columns:
                region_of_areas(rs, ctx.areas, gemeinde_col=gcol, lang=ctx.lang)

        ctx.attempt("regionen", check, what=Path(r["datei"]).name, key=f"[[regionen]] {i + 1}")


def _check_hze(ctx: _Ctx) -> None:
    """``[hze]``: the case rows read and checked (types of help, areas, dates)."""
    h = ctx.cfg.get("hze")
    if not h or h.get("datei") is None:
        return
    from sozialraum.monitor.hze import read_hze_cases
    from sozialraum.pipeline.steps_regions import hze_columns_of

    cols = hze_columns_of(h)
    areas = ctx.areas.index if ctx.areas is not None else None
    ctx.attempt(
        "hze",
        lambda: read_hze_cases(h["datei"], columns=cols, areas=areas, lang=ctx.lang),
        what=Path(h["datei"]).name,
        key="datei (in [hze])",
    )


STEPS: list[Callable[[_Ctx], None]] = [
    _check_areas,
    _check_catalogue,
    _check_tables,
    _check_years,
    _check_indicators,
    _check_spatial,
    _check_facilities,
    _check_access,
    _check_streets,
    _check_raster,
    _check_demography,
    _check_atlas,
    _check_kita,
    _check_schools,
    _check_care,
    _check_regions,
    _check_hze,
]
