"""The indicator catalogue (Indikatorenkatalog): variables, indicators, dimensions.

A catalogue is a TOML file (see ``docs/formats.md``) with ``[meta]``,
``[variables.<id>]`` (raw counts as they arrive in tables, with the header texts
seen in source tables) and ``[indicators.<id>]`` (rates computed from a
numerator and a denominator variable). A CSV/XLSX with one row per indicator
(columns ``id, label, label_en, unit, numerator, denominator, per, direction,
dimension, source, weight, min_denominator``) is accepted as well.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.aggregation import resolve_rules
from sozialraum.core.numbers import is_missing
from sozialraum.errors import ConfigError, SozialraumWarning
from sozialraum.io import tables as _tables
from sozialraum.io.headers import normalise_header
from sozialraum.io.reader import read_grid
from sozialraum.io.symbols import detect_number_format, parse_cells

__all__ = [
    "Catalogue",
    "Relation",
    "read_catalogue",
    "parse_relation",
    "apply_catalogue",
    "read_catalogued_table",
    "IGNORE_KEY",
]

#: Key of ``[meta]``: table columns that are deliberately not in the catalogue (no warning).
IGNORE_KEY = "ignorieren"

_MSG = {
    "not_found": {"de": "{file}: Datei nicht gefunden.", "en": "{file}: file not found."},
    "toml": {
        "de": "{file}: Der Katalog ist kein gültiges TOML ({err}). Bitte die genannte Zeile prüfen "
        "(doppelte Einträge, fehlende Anführungszeichen).",
        "en": "{file}: the catalogue is not valid TOML ({err}). Check the line named "
        "(duplicate entries, missing quotes).",
    },
    "format": {
        "de": "{file}: Unbekanntes Katalogformat {ext!r}; erwartet .toml, .csv oder .xlsx.",
        "en": "{file}: unknown catalogue format {ext!r}; expected .toml, .csv or .xlsx.",
    },
    "id_clash": {
        "de": "{file}: {ids} ist zugleich Variable und Indikator. Ergebnisspalten wären nicht "
        "eindeutig; bitte den Indikator umbenennen (z. B. <id>_quote).",
        "en": "{file}: {ids} is both a variable and an indicator. Result columns would be "
        "ambiguous; rename the indicator (e.g. <id>_rate).",
    },
    "no_indicators": {
        "de": "{file}: Der Katalog enthält keine Indikatoren ([indicators.<id>]).",
        "en": "{file}: the catalogue contains no indicators ([indicators.<id>]).",
    },
    "not_table": {
        "de": "{file}: Eintrag {section}.{id} muss eine Tabelle sein ([{section}.{id}] mit "
        "label = …).",
        "en": "{file}: entry {section}.{id} must be a table ([{section}.{id}] with label = …).",
    },
    "no_label": {
        "de": "{file}: {what} {id!r} hat kein label. Bitte eine deutsche Bezeichnung angeben.",
        "en": "{file}: {what} {id!r} has no label. Please give a German label.",
    },
    "unknown_var": {
        "de": "{file}: Indikator {id!r}: {role} {var!r} ist keine Variable des Katalogs. "
        "Vorhandene Variablen: {vars}.",
        "en": "{file}: indicator {id!r}: {role} {var!r} is not a variable of the catalogue. "
        "Variables: {vars}.",
    },
    "no_numerator": {
        "de": "{file}: Indikator {id!r} hat keinen Zähler (numerator).",
        "en": "{file}: indicator {id!r} has no numerator.",
    },
    "direction": {
        "de": "{file}: Indikator {id!r}: direction = {value!r} ist ungültig; erlaubt sind "
        '"need" (höher = mehr Bedarf) und "resource" (höher = weniger Bedarf).',
        "en": "{file}: indicator {id!r}: direction = {value!r} is invalid; allowed are "
        '"need" (higher = more need) and "resource" (higher = less need).',
    },
    "per": {
        "de": "{file}: Indikator {id!r}: per = {value!r} muss eine positive Zahl sein (100 für %, "
        "1000 für je 1.000).",
        "en": "{file}: indicator {id!r}: per = {value!r} must be a positive number (100 for %, "
        "1000 for per 1,000).",
    },
    "number": {
        "de": "{file}: {what} {id!r}: {field} = {value!r} ist keine Zahl.",
        "en": "{file}: {what} {id!r}: {field} = {value!r} is not a number.",
    },
    "dup": {
        "de": "{file}: {what}-Kennung {id!r} kommt mehrfach vor (Zeilen {rows}). Kennungen müssen "
        "eindeutig sein.",
        "en": "{file}: {what} id {id!r} occurs more than once (rows {rows}). Ids must be unique.",
    },
    "no_id": {
        "de": "{file}: Zeile {row} hat keine Kennung (Spalte id).",
        "en": "{file}: row {row} has no id (column id).",
    },
    "missing_col": {
        "de": "{file}: Spalte {column!r} fehlt. Vorhandene Spalten: {columns}.",
        "en": "{file}: column {column!r} is missing. Columns: {columns}.",
    },
    "header_clash": {
        "de": "{file}: Die Spaltenüberschrift {header!r} ist sowohl Variable {a!r} als auch {b!r} "
        "zugeordnet.",
        "en": "{file}: the header {header!r} is assigned to both variable {a!r} and {b!r}.",
    },
    "rel_unknown": {
        "de": "{file}: Beziehung [relations] {rel!r}: {var!r} ist keine Variable des Katalogs{hint}.",
        "en": "{file}: relation [relations] {rel!r}: {var!r} is not a variable of the catalogue{hint}.",
    },
    "rel_hint": {"de": " (gemeint: {near!r}?)", "en": " (did you mean {near!r}?)"},
    "rel_syntax": {
        "de": "{file}: Beziehung [relations] {rel!r} = {expr!r} ist nicht lesbar. Erlaubt sind "
        'eine Liste von Teilen (["a", "b"]) oder ein Ausdruck wie "a + b - c".',
        "en": "{file}: relation [relations] {rel!r} = {expr!r} cannot be read. Use a list of "
        'parts (["a", "b"]) or an expression such as "a + b - c".',
    },
    "rel_self": {
        "de": "{file}: Beziehung [relations] {rel!r}: die Summe kommt auf beiden Seiten vor.",
        "en": "{file}: relation [relations] {rel!r}: the total occurs on both sides.",
    },
    "ignore_type": {
        "de": "{file}: [meta] ignorieren = {value!r} muss eine Liste von Spaltenüberschriften "
        'sein, z. B. ignorieren = ["Bemerkung", "Stand"].',
        "en": "{file}: [meta] ignorieren = {value!r} must be a list of column headers, "
        'e.g. ignorieren = ["Bemerkung", "Stand"].',
    },
    "unknown_columns": {
        "de": "{file}: {n} Spalte(n) stehen nicht im Indikatorenkatalog und werden nicht "
        "verwendet: {cols}. Bitte im Katalog {catalogue} einer Variable zuordnen (headers = "
        '["…"]) oder, wenn sie nicht gebraucht werden, dort unter [meta] eintragen: '
        "ignorieren = [{cols}].",
        "en": "{file}: {n} column(s) are not in the indicator catalogue and are not used: "
        '{cols}. Assign them to a variable in the catalogue {catalogue} (headers = ["…"]) '
        "or, if they are not needed, list them there under [meta]: ignorieren = [{cols}].",
    },
    "indicator": {"de": "Indikator", "en": "indicator"},
    "variable": {"de": "Variable", "en": "variable"},
    "numerator": {"de": "Zähler (numerator)", "en": "numerator"},
    "denominator": {"de": "Nenner (denominator)", "en": "denominator"},
}

#: Upper-level rule of each entry (resolved: written or inferred), see core.aggregation.
_AGG_COLUMNS = ("aggregation", "aggregation_weight")
_VAR_COLUMNS = ["label", "label_en", "unit", "source", "headers"] + list(_AGG_COLUMNS)
_IND_COLUMNS = [
    "label",
    "label_en",
    "unit",
    "numerator",
    "denominator",
    "per",
    "direction",
    "dimension",
    "source",
    "weight",
    "min_denominator",
    "description",
    "status",
    *_AGG_COLUMNS,
]


@dataclass(frozen=True)
class Relation:
    """A linear identity between count variables, declared in ``[relations]``.

    ``total = Σ coef · var`` for every area, municipality, district and year, e.g.
    ``ew_ges = ew_0_64 + ew_65plus`` or ``saldo_wanderung = zuzuege - fortzuege``.

    Attributes
    ----------
    total
        The variable on the left-hand side.
    terms
        ``(coefficient, variable)`` pairs of the right-hand side (coefficients ±1).
    """

    total: str
    terms: tuple[tuple[int, str], ...]

    @property
    def variables(self) -> tuple[str, ...]:
        """The total, then the terms' variables."""
        return (self.total, *(v for _, v in self.terms))

    def __str__(self) -> str:
        rhs = ""
        for i, (c, v) in enumerate(self.terms):
            rhs += (v if c > 0 else f"- {v}") if i == 0 else (f" + {v}" if c > 0 else f" - {v}")
        return f"{self.total} = {rhs}"


_TERM = re.compile(r"\s*([+-]?)\s*([A-Za-z_][A-Za-z0-9_]*)\s*")


def parse_relation(total: str, expr: object) -> Relation | None:
    """A ``[relations]`` entry as a :class:`Relation` (``None`` if it cannot be read).

    ``expr`` is a list of parts (their sum) or a text such as ``"a + b - c"``.

    Example
    -------
    >>> str(parse_relation("saldo", "zuzuege - fortzuege"))
    'saldo = zuzuege - fortzuege'
    """
    if isinstance(expr, (list, tuple)):
        if not expr or not all(isinstance(v, str) and v.strip() for v in expr):
            return None
        return Relation(str(total), tuple((1, v.strip()) for v in expr))
    if not isinstance(expr, str) or not expr.strip():
        return None
    terms: list[tuple[int, str]] = []
    pos, text = 0, expr.strip()
    while pos < len(text):
        m = _TERM.match(text, pos)
        if m is None or m.end() == pos or (terms and not m.group(1)):
            return None
        terms.append((-1 if m.group(1) == "-" else 1, m.group(2)))
        pos = m.end()
    return Relation(str(total), tuple(terms)) if terms else None


def _relations(raw: object, vrows: dict, src: str, lang) -> tuple[Relation, ...]:
    """Validate the ``[relations]`` table: readable, only known variables, total not a part."""
    import difflib

    if not raw:
        return ()
    if not isinstance(raw, dict):
        raise ConfigError(
            t(_MSG, "not_table", lang, file=src, section="relations", id="…"), file=src
        )
    out = []
    for name, expr in raw.items():
        rel = parse_relation(name, expr)
        if rel is None:
            raise ConfigError(
                t(_MSG, "rel_syntax", lang, file=src, rel=name, expr=expr), file=src, ids=[name]
            )
        for var in rel.variables:
            if var not in vrows:
                near = difflib.get_close_matches(var, list(vrows), n=1, cutoff=0.5)
                hint = t(_MSG, "rel_hint", lang, near=near[0]) if near else ""
                raise ConfigError(
                    t(_MSG, "rel_unknown", lang, file=src, rel=name, var=var, hint=hint),
                    file=src,
                    ids=[name, var],
                )
        if rel.total in {v for _, v in rel.terms}:
            raise ConfigError(t(_MSG, "rel_self", lang, file=src, rel=name), file=src, ids=[name])
        out.append(rel)
    return tuple(out)


@dataclass(frozen=True, eq=False)
class Catalogue:
    """An indicator catalogue.

    Attributes
    ----------
    meta
        The ``[meta]`` table (name, version, …).
    variables
        Index = variable id; columns ``label, label_en, unit, source, headers``
        (``headers``: tuple of header texts seen in source tables).
    indicators
        Index = indicator id; columns ``label, label_en, unit, numerator,
        denominator`` (``None`` if absent), ``per`` (float), ``direction``
        (``"need"``/``"resource"``), ``dimension, source, weight`` (float, default
        1.0), ``min_denominator`` (float, NaN if absent), ``description``.
    path
        The file read.
    relations
        Linear identities between variables (``[relations]``: parts of a total,
        differences such as a migration balance), used by the suppression and
        its audit. Empty if the catalogue declares none.
    """

    meta: dict
    variables: pd.DataFrame
    indicators: pd.DataFrame
    path: Path | None = None
    _lang: str | None = field(default=None, repr=False)
    relations: tuple[Relation, ...] = ()

    def header_map(self) -> dict[str, str]:
        """Normalised header text → variable id (ids and labels map to themselves' id too).

        Raises
        ------
        ConfigError
            One header text assigned to two variables.
        """
        out: dict[str, str] = {}
        strong: dict[str, str] = {}
        for vid, row in self.variables.iterrows():
            out.setdefault(normalise_header(vid), str(vid))
            strong[normalise_header(vid)] = str(vid)
            for h in row["headers"] or ():
                k = normalise_header(h)
                if k in strong and strong[k] != vid:
                    raise ConfigError(
                        t(
                            _MSG,
                            "header_clash",
                            self._lang,
                            file=self.path,
                            header=h,
                            a=strong[k],
                            b=vid,
                        ),
                        file=str(self.path),
                        ids=[strong[k], str(vid)],
                    )
                strong[k] = str(vid)
        for vid, row in self.variables.iterrows():
            lab = row.get("label")
            if isinstance(lab, str) and lab and normalise_header(lab) not in strong:
                out.setdefault(normalise_header(lab), str(vid))
        out.update(strong)
        return out

    @property
    def ignored(self) -> tuple[str, ...]:
        """Column headers deliberately left out of the catalogue (``[meta] ignorieren``)."""
        value = self.meta.get(IGNORE_KEY) or ()
        return (value,) if isinstance(value, str) else tuple(str(v) for v in value)

    def unknown_columns(self, columns) -> list[str]:
        """The columns (of a table read with ``columns=`` this catalogue) that are neither a
        variable nor listed in ``[meta] ignorieren``, in the given order."""
        ignored = {normalise_header(h) for h in self.ignored}
        known = set(map(str, self.variables.index))
        return [
            str(c) for c in columns if str(c) not in known and normalise_header(c) not in ignored
        ]

    def dimensions(self) -> list[str]:
        """The dimensions of the indicators, in file order, each once."""
        dims = (
            self.indicators["dimension"]
            if "dimension" in self.indicators
            else pd.Series([], dtype=object)
        )
        return list(dict.fromkeys(d for d in dims if isinstance(d, str) and d))

    def labels(self, lang: str | None = None) -> dict[str, str]:
        """Variable and indicator id → label (``label_en`` for ``lang="en"`` where present)."""
        col = "label_en" if get_lang(lang) == "en" else "label"
        out = {}
        for frame in (self.variables, self.indicators):
            for k, row in frame.iterrows():
                lab = row.get(col)
                out[str(k)] = lab if isinstance(lab, str) and lab else row["label"]
        return out


def _is_missing(v: object) -> bool:
    return is_missing(v, blank_text=True)


def _float(v, default, *, file, what, id, fieldname, lang):
    if _is_missing(v):
        return default
    try:
        return _number_text(v) if isinstance(v, str) else float(v)
    except (TypeError, ValueError):
        raise ConfigError(
            t(_MSG, "number", lang, file=file, what=what, id=id, field=fieldname, value=v),
            file=file,
            ids=[id],
            column=fieldname,
        ) from None


def _number_text(v: str) -> float:
    """A number written in a catalogue cell: ``0,5``, ``0.5``, ``1.000`` (German: 1000)."""
    decimal, thousands = detect_number_format([v])
    value = parse_cells(pd.Series([v], dtype=object), decimal=decimal, thousands=thousands)[0]
    if np.isnan(value.iloc[0]):
        raise ValueError(v)
    return float(value.iloc[0])


def _text(v) -> str | None:
    return None if _is_missing(v) else str(v).strip()


def _flag(value) -> bool:
    """A yes/no field of the catalogue (TOML bool, or text such as ja/x/true/1 in CSV/XLSX)."""
    if isinstance(value, bool):
        return value
    if _is_missing(value):
        return False
    return str(value).strip().lower() in ("1", "true", "wahr", "ja", "j", "x", "yes", "y")


def _frame(rows: dict[str, dict], columns: list[str], floats: tuple[str, ...]) -> pd.DataFrame:
    """DataFrame with object columns (``None`` stays ``None``) and float columns."""
    index = pd.Index(list(rows), name="id", dtype=object)
    data = {}
    for col in columns:
        vals = [r[col] for r in rows.values()]
        if col in floats:
            data[col] = pd.Series(vals, index=index, dtype="float64")
        else:
            arr = np.empty(len(vals), dtype=object)
            for i, v in enumerate(vals):  # element-wise: tuples must not broadcast
                arr[i] = v
            data[col] = pd.Series(arr, index=index, dtype=object)
    return pd.DataFrame(data, index=index, columns=columns)


def _build(
    meta: dict,
    variables: dict,
    indicators: dict,
    src: str,
    path: Path,
    lang,
    *,
    implicit_vars: bool,
    relations: object = None,
):
    what_v = t(_MSG, "variable", lang)
    what_i = t(_MSG, "indicator", lang)
    _check_ignore_list(meta, src, lang)
    vrows = {}
    for vid, v in variables.items():
        if not isinstance(v, dict):
            raise ConfigError(
                t(_MSG, "not_table", lang, file=src, section="variables", id=vid),
                file=src,
                ids=[vid],
            )
        if _is_missing(v.get("label")):
            raise ConfigError(
                t(_MSG, "no_label", lang, file=src, what=what_v, id=vid), file=src, ids=[vid]
            )
        headers = v.get("headers") or ()
        if isinstance(headers, str):
            headers = (headers,)
        vrows[str(vid)] = {
            "label": _text(v.get("label")),
            "label_en": _text(v.get("label_en")),
            "unit": _text(v.get("unit")),
            "source": _text(v.get("source")),
            "headers": tuple(str(h) for h in headers),
            **_raw_aggregation(v),
        }
    irows = {}
    for iid, ind in indicators.items():
        if not isinstance(ind, dict):
            raise ConfigError(
                t(_MSG, "not_table", lang, file=src, section="indicators", id=iid),
                file=src,
                ids=[iid],
            )
        if _is_missing(ind.get("label")):
            raise ConfigError(
                t(_MSG, "no_label", lang, file=src, what=what_i, id=iid), file=src, ids=[iid]
            )
        num = _text(ind.get("numerator"))
        den = _text(ind.get("denominator"))
        if num is None:
            raise ConfigError(t(_MSG, "no_numerator", lang, file=src, id=iid), file=src, ids=[iid])
        for role, var in (("numerator", num), ("denominator", den)):
            if var is None:
                continue
            if implicit_vars and var not in vrows:
                vrows[var] = {
                    "label": var,
                    "label_en": None,
                    "unit": None,
                    "source": None,
                    "headers": (),
                    **_raw_aggregation({}),
                }
            if var not in vrows:
                raise ConfigError(
                    t(
                        _MSG,
                        "unknown_var",
                        lang,
                        file=src,
                        id=iid,
                        role=t(_MSG, role, lang),
                        var=var,
                        vars=", ".join(vrows) or "–",
                    ),
                    file=src,
                    ids=[iid],
                )
        direction = _text(ind.get("direction")) or "need"
        if direction not in ("need", "resource"):
            raise ConfigError(
                t(_MSG, "direction", lang, file=src, id=iid, value=direction),
                file=src,
                ids=[iid],
                column="direction",
            )
        kw = {"file": src, "what": what_i, "id": iid, "lang": lang}
        per = _float(ind.get("per"), 100.0 if den is not None else 1.0, fieldname="per", **kw)
        if not per > 0:
            raise ConfigError(
                t(_MSG, "per", lang, file=src, id=iid, value=ind.get("per")),
                file=src,
                ids=[iid],
                column="per",
            )
        irows[str(iid)] = {
            "label": _text(ind.get("label")),
            "label_en": _text(ind.get("label_en")),
            "unit": _text(ind.get("unit")),
            "numerator": num,
            "denominator": den,
            "per": per,
            "direction": direction,
            "dimension": _text(ind.get("dimension")),
            "source": _text(ind.get("source")),
            "weight": _float(ind.get("weight"), 1.0, fieldname="weight", **kw),
            "min_denominator": _float(
                ind.get("min_denominator"), float("nan"), fieldname="min_denominator", **kw
            ),
            "description": _text(ind.get("description")),
            "status": _flag(ind.get("status")),
            **_raw_aggregation(ind),
        }
    if not irows:
        raise ConfigError(t(_MSG, "no_indicators", lang, file=src), file=src)
    # an indicator that simply passes a variable through (no denominator) may share its id
    clash = sorted(
        i
        for i in set(irows) & set(vrows)
        if not (irows[i]["denominator"] is None and irows[i]["numerator"] == i)
    )
    if clash:
        raise ConfigError(
            t(_MSG, "id_clash", lang, file=src, ids=", ".join(clash)), file=src, ids=clash
        )
    _resolve_aggregation(vrows, irows, src, lang)
    var_df = _frame(vrows, _VAR_COLUMNS, floats=())
    ind_df = _frame(irows, _IND_COLUMNS, floats=("per", "weight", "min_denominator"))
    ind_df.index.name = "id"
    var_df.attrs["source"] = ind_df.attrs["source"] = src
    # the indicator table travels alone into roll-ups: it carries the variables' rules
    # (frozen: pandas deep-copies ``attrs`` on every operation; a frozen mapping is shared)
    ind_df.attrs["variable_rules"] = FrozenRules(
        {v: FrozenRules({k: r[k] for k in ("unit", *_AGG_COLUMNS)}) for v, r in vrows.items()}
    )
    rels = _relations(relations, vrows, src, lang)
    return Catalogue(
        meta=dict(meta),
        variables=var_df,
        indicators=ind_df,
        path=path,
        _lang=lang,
        relations=rels,
    )


class FrozenRules(dict):
    """A read-only dict that copies as itself (the variables' rules in ``attrs``).

    pandas deep-copies a frame's ``attrs`` into every frame and row derived from it
    (``__finalize__``); the indicator table carries the variables' aggregation rules
    there, so without this each ``iterrows`` row or ``.loc`` copy would rebuild the
    whole nested mapping. Being immutable, one instance can be shared by all copies.
    It stays a ``dict`` (reads, ``==``, ``json``) and pickles as one.
    """

    __slots__ = ()

    def _read_only(self, *_args, **_kw):
        raise TypeError("FrozenRules is read-only")

    __setitem__ = __delitem__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only
    __ior__ = _read_only

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (type(self), (dict(self),))


def _check_ignore_list(meta: dict, src: str, lang) -> None:
    """``[meta] ignorieren`` is a header text or a list of header texts."""
    value = meta.get(IGNORE_KEY)
    if value is None or isinstance(value, str):
        return
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(
            t(_MSG, "ignore_type", lang, file=src, value=value), file=src, column=IGNORE_KEY
        )


def _raw_aggregation(entry: dict) -> dict:
    """The ``aggregation`` / ``aggregation_weight`` keys of one entry as written."""
    return {k: _text(entry.get(k)) for k in _AGG_COLUMNS}


def _resolve_aggregation(vrows: dict, irows: dict, src: str, lang) -> None:
    """Fill in the upper-level rule of every entry (written, else inferred); validate.

    See :mod:`sozialraum.core.aggregation`. A share without weight stays
    ``weighted_mean`` with ``aggregation_weight`` ``None``: it is refused when it
    is rolled up, not when the catalogue is read.
    """
    vrules, irules = resolve_rules(vrows, irows, source=src, lang=lang)
    for rows, rules in ((vrows, vrules), (irows, irules)):
        for rid, rule in rules.items():
            rows[rid]["aggregation"] = rule.method
            rows[rid]["aggregation_weight"] = rule.weight


def read_catalogue(path: str | Path, *, lang: str | None = None) -> Catalogue:
    """Read an indicator catalogue (TOML, or CSV/XLSX with one row per indicator).

    Parameters
    ----------
    path
        ``.toml`` (variables and indicators, see ``docs/formats.md``), or ``.csv`` /
        ``.xlsx`` with columns ``id, label, label_en, unit, numerator, denominator,
        per, direction, dimension, source, weight, min_denominator`` (variables are
        then the ids named as numerator/denominator, without header lists).
    lang
        Message language.

    Returns
    -------
    Catalogue

    Raises
    ------
    ConfigError
        (an :class:`~sozialraum.errors.InputError`) naming the file and the
        indicator id: invalid TOML (incl. duplicate ids), missing label, unknown
        numerator/denominator variable, direction not need/resource, per not
        positive, duplicate ids in a CSV/XLSX.
    """
    path = Path(path)
    src = str(path)
    if not path.exists():
        raise ConfigError(t(_MSG, "not_found", lang, file=src), file=src)
    ext = path.suffix.lower()
    if ext == ".toml":
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(t(_MSG, "toml", lang, file=src, err=err), file=src) from err
        except UnicodeDecodeError as err:
            raise ConfigError(t(_MSG, "toml", lang, file=src, err=err), file=src) from err
        for section in ("variables", "indicators", "relations"):
            if section in data and not isinstance(data[section], dict):
                raise ConfigError(
                    t(_MSG, "not_table", lang, file=src, section=section, id="…"), file=src
                )
        return _build(
            data.get("meta", {}) or {},
            data.get("variables", {}) or {},
            data.get("indicators", {}) or {},
            src,
            path,
            lang,
            implicit_vars=False,
            relations=data.get("relations"),
        )
    if ext in (".csv", ".txt", ".xlsx", ".xlsm"):
        return _read_catalogue_table(path, src, lang)
    raise ConfigError(t(_MSG, "format", lang, file=src, ext=ext), file=src)


def _read_catalogue_table(path: Path, src: str, lang) -> Catalogue:
    raw = read_grid(path, lang=lang)
    grid, rows = raw.cells, raw.rows
    grid = grid.replace("", None).dropna(how="all")
    if not len(grid):
        raise ConfigError(t(_MSG, "no_indicators", lang, file=src), file=src)
    first = grid.index[0]
    headers = [
        normalise_header(h) if h is not None and str(h).strip() else "" for h in grid.loc[first]
    ]
    body = grid.loc[grid.index[1:]]
    body.columns = headers
    if "id" not in headers:
        raise ConfigError(
            t(
                _MSG,
                "missing_col",
                lang,
                file=src,
                column="id",
                columns=", ".join(repr(h) for h in headers if h),
            ),
            file=src,
            column="id",
        )
    indicators: dict[str, dict] = {}
    seen: dict[str, list[int]] = {}
    for i, rec in zip(body.index, body.to_dict("records"), strict=True):
        row_no = int(rows[i])
        iid = _text(rec.get("id"))
        if iid is None:
            if all(_is_missing(v) for v in rec.values()):
                continue
            raise ConfigError(t(_MSG, "no_id", lang, file=src, row=row_no), file=src, row=row_no)
        seen.setdefault(iid, []).append(row_no)
        indicators[iid] = {k: v for k, v in rec.items() if k}
    dups = {k: v for k, v in seen.items() if len(v) > 1}
    if dups:
        iid, rws = next(iter(dups.items()))
        raise ConfigError(
            t(
                _MSG,
                "dup",
                lang,
                file=src,
                what=t(_MSG, "indicator", lang),
                id=iid,
                rows=", ".join(map(str, rws)),
            ),
            file=src,
            row=rws[1],
            ids=list(dups),
        )
    return _build({"name": path.stem}, {}, indicators, src, path, lang, implicit_vars=True)


# --------------------------------------------------------------------------- tables


def apply_catalogue(table, catalogue: Catalogue, *, lang: str | None = None):
    """A table read with ``columns=catalogue`` reduced to the catalogue's variables.

    The one rule for columns that are not in the catalogue, for ``sozialraum join``,
    the atlas import, the yearly run and ``sozialraum check``: columns listed in
    ``[meta] ignorieren`` are left out silently; every other unknown column is left
    out with **one** :class:`~sozialraum.errors.SozialraumWarning` naming the file,
    the columns and the fix (add them to the catalogue or to the ignore list).

    Parameters
    ----------
    table
        An :class:`~sozialraum.io.IndicatorTable`.
    catalogue
        The catalogue the table was read with.
    lang
        Message language.

    Returns
    -------
    IndicatorTable
        The table without the unknown and ignored columns.
    """
    drop = [c for c in table.values.columns if str(c) not in set(catalogue.variables.index)]
    unknown = catalogue.unknown_columns(drop)
    if unknown:
        cols = ", ".join(f'"{c}"' for c in unknown)
        name = catalogue.path.name if catalogue.path is not None else "–"
        warnings.warn(
            t(
                _MSG,
                "unknown_columns",
                lang,
                file=table.source,
                n=len(unknown),
                cols=cols,
                catalogue=name,
            ),
            SozialraumWarning,
            stacklevel=2,
        )
    if not drop:
        return table
    meta = dict(table.meta)
    meta["unknown_columns"] = unknown
    return dataclasses.replace(
        table,
        values=table.values.drop(columns=drop),
        status=table.status.drop(columns=[c for c in drop if c in table.status.columns]),
        meta=meta,
    )


def read_catalogued_table(path, *, columns=None, lang: str | None = None, **options):
    """:func:`~sozialraum.io.read_table`, and with a catalogue :func:`apply_catalogue`.

    Same parameters as ``read_table``. With ``columns`` a :class:`Catalogue`, the
    reader's own note about columns it could not map is replaced by the one warning
    of :func:`apply_catalogue` (which names the fix).
    """
    if not isinstance(columns, Catalogue):
        return _tables.read_table(path, columns=columns, lang=lang, **options)
    with _without_reader_note():
        table = _tables.read_table(path, columns=columns, lang=lang, **options)
    return apply_catalogue(table, columns, lang=lang)


@contextmanager
def _without_reader_note() -> Iterator[None]:
    """Ignore the reader's note on unmapped columns (:func:`apply_catalogue` says it better)."""
    templates = getattr(_tables, "_MSG", {}).get("unmapped", {})
    with warnings.catch_warnings():
        for text in templates.values():
            parts = re.split(r"\{[^}]*\}", text)
            warnings.filterwarnings(
                "ignore", message=".*".join(map(re.escape, parts)), category=SozialraumWarning
            )
        yield
