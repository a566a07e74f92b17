"""Reading district rate tables (mortality, fertility, migration) by single year of age.

Expected file (CSV with ``;``, ``,`` or tab, UTF-8 or Windows-1252, or XLSX; one row
per age 0..100), e.g. Musterland's
``demografie_raten.csv``::

    alter;sterbewahrscheinlichkeit_m;sterbewahrscheinlichkeit_w;geburtenziffer_w;fortzugsrate

Column aliases: ``q_m``/``q_w`` for the death probabilities, ``asfr``/``fertilitaet``
for the age-specific fertility rate (births per woman of that age and year).
Further columns (e.g. ``fortzugsrate``, a *gross* out-migration rate) are kept in
``extra``; the projection uses *net* migration rates, which it estimates from the
population tables, so gross rates are informative only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.demography.lifetable import LifeTable
from sozialraum.demography.population import MAX_AGE, N_AGES
from sozialraum.errors import InputError
from sozialraum.io.reader import read_text_table
from sozialraum.io.symbols import parse_cells

__all__ = ["DistrictRates", "read_district_rates"]

_MSG = {
    "read": {
        "de": "{file}: Datei kann nicht gelesen werden ({err}).",
        "en": "{file}: cannot read the file ({err}).",
    },
    "col": {
        "de": "{file}: Spalte {what} fehlt (vorhanden: {have}).",
        "en": "{file}: column {what} is missing (present: {have}).",
    },
    "ages": {
        "de": "{file}: Es werden alle Alter 0–100 je genau einmal benötigt; fehlend oder doppelt: {ages}.",
        "en": "{file}: every age 0–100 is needed exactly once; missing or duplicate: {ages}.",
    },
    "value": {
        "de": "{file}, Zeile {row}, Spalte {col!r}: {value!r} ist keine gültige Rate ({rule}).",
        "en": "{file}, row {row}, column {col!r}: {value!r} is not a valid rate ({rule}).",
    },
}

_ALIASES = {
    "q_m": ("sterbewahrscheinlichkeit_m", "q_m", "qx_m"),
    "q_w": ("sterbewahrscheinlichkeit_w", "q_w", "qx_w"),
    "f": ("geburtenziffer_w", "geburtenziffer", "asfr", "fertilitaet"),
}


@dataclass(frozen=True)
class DistrictRates:
    """District rates by single year of age.

    Attributes
    ----------
    life_table
        From the death probabilities (``None`` if the file has none).
    fertility
        Age-specific fertility rates, length 101 (``None`` if absent).
    extra
        Other numeric columns (index = age 0..100).
    source
        File name.
    """

    life_table: LifeTable | None
    fertility: np.ndarray | None
    extra: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    source: str = ""


def _numbers(col: pd.Series) -> pd.Series:
    """Rates as numbers: they have no thousands grouping, so ``0,01`` and ``0.01`` both read."""
    comma, _status, unknown = parse_cells(col, decimal=",", thousands=None)
    point = parse_cells(col, decimal=".", thousands=None)[0]
    return comma.where(~unknown, point)


def read_district_rates(
    path: str | Path,
    *,
    sep: str | None = None,
    encoding: str | None = None,
    lang: str | None = None,
) -> DistrictRates:
    """Read a rate table (see module docstring).

    The file goes through the toolkit's one table reader
    (:func:`sozialraum.io.read_text_table`): delimiter and encoding are detected
    unless ``sep`` / ``encoding`` are given. Rates have no thousands grouping, so
    ``0,0123`` and ``0.0123`` are both read.

    Raises
    ------
    InputError
        Missing age column, ages not exactly 0..100, values that are not numbers in [0, 1]
        (death probabilities) or ≥ 0 (fertility) — naming file, row and column.
    """
    path = Path(path)
    try:
        tab = read_text_table(path, delimiter=sep, encoding=encoding, lang=lang)
    except OSError as err:
        raise InputError(t(_MSG, "read", lang, file=path.name, err=err), file=str(path)) from err
    raw = tab.frame.copy()
    raw.columns = [str(c).lower() for c in raw.columns]
    if "alter" not in raw.columns:
        raise InputError(
            t(_MSG, "col", lang, file=path.name, what="'alter'", have=", ".join(raw.columns)),
            file=str(path),
            column="alter",
        )
    ages = pd.to_numeric(
        raw["alter"].astype("string").str.replace("+", "", regex=False).str.strip(),
        errors="coerce",
    )
    counts = ages.value_counts()
    wrong = [a for a in range(N_AGES) if counts.get(a, 0) != 1] + [
        a for a in counts.index if not 0 <= a <= MAX_AGE
    ]
    if wrong:
        raise InputError(
            t(_MSG, "ages", lang, file=path.name, ages=", ".join(map(str, wrong[:10]))),
            file=str(path),
            column="alter",
        )
    order = ages.to_numpy(dtype=int)

    def column(name: str, lo: float, hi: float) -> np.ndarray | None:
        col = next((c for c in _ALIASES[name] if c in raw.columns), None)
        if col is None:
            return None
        vals = _numbers(raw[col])
        bad = (vals.isna() | (vals < lo) | (vals > hi)).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            row = int(tab.rows[i])
            raise InputError(
                t(
                    _MSG,
                    "value",
                    lang,
                    file=path.name,
                    row=row,
                    col=col,
                    value=raw[col].iloc[i],
                    rule=f"{lo:g} … {hi:g}",
                ),
                file=str(path),
                row=row,
                column=col,
            )
        out = np.zeros(N_AGES)
        out[order] = vals.to_numpy(dtype=float)
        return out

    qm, qw, f = column("q_m", 0.0, 1.0), column("q_w", 0.0, 1.0), column("f", 0.0, 5.0)
    lt = None
    if qm is not None or qw is not None:
        if qm is None or qw is None:
            missing = "q_m" if qm is None else "q_w"
            raise InputError(
                t(
                    _MSG,
                    "col",
                    lang,
                    file=path.name,
                    what=repr(_ALIASES[missing][0]),
                    have=", ".join(raw.columns),
                ),
                file=str(path),
            )
        lt = LifeTable(q=np.column_stack([qm, qw]), source=path.name)
    used = {"alter"} | {c for names in _ALIASES.values() for c in names}
    extra = raw[[c for c in raw.columns if c not in used]].apply(_numbers)
    extra.index = pd.Index(order, name="alter")
    return DistrictRates(life_table=lt, fertility=f, extra=extra.sort_index(), source=path.name)
