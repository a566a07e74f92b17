"""Layer specifications of a web map and the classes of their areas.

Indicator layers are classified by the one engine
:func:`sozialraum.core.classify.classify` (same breaks, same interval rule,
every scheme, areas not rated excluded); LISA and Gi* layers take label and
colour from their codes (:mod:`sozialraum.core.palettes`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core import classify as engine
from sozialraum.core import palettes
from sozialraum.core.status import secret_mask, status_note, status_text
from sozialraum.errors import InputError, format_ids

from ._format import fmt_number

_MSG = {
    "not_numeric": {
        "de": "Spalte {col!r} enthält keine Zahlen (Gebiete {ids}). Bitte Zahlen liefern oder die Spalte als Klassenspalte angeben.",
        "en": "Column {col!r} holds values that are not numbers (areas {ids}). Please supply numbers or pass it as a class column.",
    },
    "bad_color": {
        "de": "Ungültige Farbe {value!r} in {where}. Erlaubt: '#rrggbb', '#rgb', 'r,g,b' oder (r, g, b).",
        "en": "Invalid colour {value!r} in {where}. Allowed: '#rrggbb', '#rgb', 'r,g,b' or (r, g, b).",
    },
    "no_colors": {
        "de": "Für die Kategorien {cats} der Spalte {col!r} sind keine Farben bekannt. Bitte die Codespalte (lisa_code/gi_code aus sozialraum.spatial), eine Farbspalte (color_column) oder colors={{Kategorie: Farbe}} angeben.",
        "en": "No colours are known for the categories {cats} of column {col!r}. Please pass the code column (lisa_code/gi_code from sozialraum.spatial), a colour column (color_column) or colors={{category: colour}}.",
    },
}

#: Colours of the areas without a class (from :mod:`sozialraum.core.palettes`).
MISSING_COLOR = palettes.MISSING_COLOR
HIDDEN_COLOR = palettes.HIDDEN_COLOR
NOT_RATED_COLOR = palettes.NOT_RATED_COLOR


@dataclass(frozen=True)
class Indicator:
    """One choropleth layer (or one row of the mini-profile).

    Parameters
    ----------
    column
        Column with the values (float; NaN = no value).
    title, unit, year, source
        Shown in the legend, tooltip and popup.  ``title`` defaults to the column name.
    scheme, k, bins
        Classification by :func:`sozialraum.core.classify.classify` (every scheme of
        :data:`~sozialraum.core.classify.SCHEMES`); ``bins`` are the breaks of
        ``scheme="fixed"`` (giving them implies ``fixed``). ``k`` is the largest
        number of classes: where fewer distinct values are published (a small
        municipality, suppressed values), the map has one class per value and warns.
    class_column
        Use ready classes (e.g. from the monitor) instead of classifying; ordered
        categorical columns keep their order, others are sorted.
    cmap, colors
        A colour ramp (``"need"``/``"YlOrRd"``, ``"resource"``, ``"diverging"`` or a
        matplotlib colour map name), or explicit colours (one per class).
    decimals
        Decimal places of values and class bounds.
    not_rated
        Whether areas not rated (``bewertet`` False) are left out of the classes
        ("nicht bewertet", grey). ``None``: for the monitor's index columns
        (``idx_*``, ``status_index``, ``dynamik_index``) when the frame has a
        ``bewertet`` column.
    certainty_column, unsure_below
        Optional column with the probability (0–1) that an area's class is right
        (``<indicator>_sicherheit`` of
        :func:`sozialraum.monitor.certainty_indicators.indicator_certainty`, computed for
        the classes of this layer): as for :class:`CategoryLayer`, the tooltip says
        "Klasse zu 62 % sicher" and areas below ``unsure_below`` get a dashed outline.
    """

    column: str
    title: str | None = None
    unit: str = ""
    year: int | str | None = None
    source: str = ""
    scheme: str = "quantiles"
    k: int = 5
    bins: tuple[float, ...] | None = None
    class_column: str | None = None
    cmap: str = "YlOrRd"
    colors: tuple[str, ...] | None = None
    decimals: int = 1
    not_rated: bool | None = None
    certainty_column: str | None = None
    unsure_below: float = 0.8

    @property
    def label(self) -> str:
        """Title shown to people."""
        return self.title or self.column

    @property
    def scheme_used(self) -> str:
        """The scheme after aliases (``fixed`` when ``bins`` are given)."""
        return "fixed" if self.bins is not None else engine.ALIASES.get(self.scheme, self.scheme)


@dataclass(frozen=True)
class CategoryLayer:
    """A layer of categories with fixed colours (LISA clusters, Gi* hot/cold spots, types).

    Parameters
    ----------
    column
        Category labels (text); missing → ``kein Wert``.
    color_column
        Optional column with each area's colour (``#rrggbb``, ``"r,g,b"`` or a tuple).
    colors
        Optional mapping category → colour (used where ``color_column`` is absent).
    categories
        Optional legend order; default: first appearance (codes: their legend order).
    code_column
        For ``kind`` ``"lisa"``/``"gi"``: the column of codes (``lisa_code``,
        ``gi_code``) written by :mod:`sozialraum.spatial`; label and colour of each
        area come from the code (:mod:`sozialraum.core.palettes`), never from the
        text of ``column``.
    certainty_column
        Optional column with the probability (0–1) that an area's class is right
        (``<var>_sicherheit`` of :func:`sozialraum.monitor.certainty`): the tooltip says
        "Klasse zu 62 % sicher", and areas below ``unsure_below`` get a dashed outline.
    """

    column: str
    title: str | None = None
    certainty_column: str | None = None
    unsure_below: float = 0.8
    color_column: str | None = None
    colors: Mapping[str, str] | None = field(default=None, hash=False)
    categories: tuple[str, ...] | None = None
    source: str = ""
    year: int | str | None = None
    kind: str = "category"
    code_column: str | None = None

    @property
    def label(self) -> str:
        """Title shown to people."""
        return self.title or self.column

    def data_column(self, frame: pd.DataFrame) -> str:
        """The column whose content enters the map (the codes where available)."""
        if self.code_column is not None and self.code_column in frame.columns:
            return self.code_column
        return self.column


def _code_column(column: str, kind: str) -> str:
    """``lisa_cat`` → ``lisa_code``, ``lisa_cat_alq`` → ``lisa_code_alq`` (same for ``gi``)."""
    if "_cat" in column:
        return column.replace("_cat", "_code", 1)
    return f"{kind}_code"


def lisa_layer(
    column: str = "lisa_cat",
    color_column: str | None = "lisa_color",
    title: str | None = None,
    code_column: str | None = None,
    **kw,
) -> CategoryLayer:
    """A LISA cluster layer; labels and GeoDa colours from the ``lisa_code`` column."""
    code = code_column or _code_column(column, "lisa")
    return CategoryLayer(
        column=column, color_column=color_column, title=title, kind="lisa", code_column=code, **kw
    )


def gi_layer(
    column: str = "gi_cat",
    color_column: str | None = None,
    title: str | None = None,
    code_column: str | None = None,
    **kw,
) -> CategoryLayer:
    """A Getis–Ord Gi* hot/cold-spot layer; labels and colours from the ``gi_code`` column."""
    code = code_column or _code_column(column, "gi")
    return CategoryLayer(
        column=column, color_column=color_column, title=title, kind="gi", code_column=code, **kw
    )


@dataclass(frozen=True)
class Classes:
    """Classes of one map layer.

    ``codes``: class index per area, ``-1`` = no value, ``-2`` = not published,
    ``-3`` = not rated (:data:`sozialraum.core.classify.MISSING` …).
    """

    codes: np.ndarray
    labels: tuple[str, ...]
    colors: tuple[str, ...]
    bins: tuple[float, ...] | None
    counts: tuple[int, ...]
    n_missing: int
    n_hidden: int
    n_not_rated: int = 0
    scheme: str | None = None


_HEX = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def to_hex(value: object, where: str = "") -> str:
    """Normalise a colour (``#rgb``, ``#rrggbb``, ``"r,g,b"``, tuple 0–255) to ``#rrggbb``.

    Only these forms are accepted, so no text from data can reach CSS.
    """
    if isinstance(value, str):
        s = value.strip()
        if _HEX.match(s):
            if len(s) == 4:
                s = "#" + "".join(c * 2 for c in s[1:])
            return s.lower()
        parts = [p.strip() for p in s.strip("()[] ").split(",")]
    elif isinstance(value, (tuple, list, np.ndarray)):
        parts = list(value)
    else:
        raise InputError(t(_MSG, "bad_color", None, value=value, where=where))
    try:
        rgb = [float(p) for p in parts]
    except (TypeError, ValueError):
        raise InputError(t(_MSG, "bad_color", None, value=value, where=where)) from None
    if len(rgb) not in (3, 4) or not all(0 <= c <= 255 for c in rgb[:3]):
        raise InputError(t(_MSG, "bad_color", None, value=value, where=where))
    if all(c <= 1 for c in rgb[:3]) and any(0 < c < 1 for c in rgb[:3]):
        rgb = [c * 255 for c in rgb]
    return "#" + "".join(f"{int(round(c)):02x}" for c in rgb[:3])


def status_for(
    areas: pd.DataFrame, status: pd.DataFrame | None, col: str, suffix: str
) -> pd.Series | None:
    """Status codes of column ``col``: from ``status`` if given, else column ``col + suffix``."""
    if status is not None and col in status.columns:
        return status[col].reindex(areas.index)
    if col + suffix in areas.columns:
        return areas[col + suffix]
    return None


def hidden_mask(status: pd.Series | None) -> np.ndarray:
    """True where a status code says the value must not be shown.

    The secret codes of :mod:`sozialraum.core.status` (and any unknown code).
    """
    if status is None:
        return np.zeros(0, dtype=bool)
    return secret_mask(status.astype("object")).to_numpy(dtype=bool)


def numeric(values: pd.Series, col: str) -> np.ndarray:
    """Float values of a column; a clear error where entries are not numbers."""
    conv = pd.to_numeric(values, errors="coerce")
    bad = conv.isna() & values.notna()
    if bad.any():
        raise InputError(
            t(_MSG, "not_numeric", None, col=col, ids=format_ids(list(values.index[bad]))),
            column=col,
            ids=[str(i) for i in values.index[bad]],
        )
    return conv.to_numpy(dtype=float, na_value=np.nan)


def rated_for(areas: pd.DataFrame, spec: Indicator) -> pd.Series | None:
    """Which areas are rated for ``spec`` (``None``: all), after :attr:`Indicator.not_rated`."""
    use = spec.not_rated
    if use is None:
        use = engine.is_index_column(spec.column)
    return engine.rated_mask(areas) if use else None


def _class_colors(spec: Indicator, k: int, where: str) -> tuple[str, ...]:
    if spec.colors is not None and len(spec.colors) >= k:
        return tuple(to_hex(c, where) for c in spec.colors[:k])
    return palettes.class_colors(k, spec.cmap)


def classify_layer(
    values: pd.Series,
    spec: Indicator,
    hidden: np.ndarray | None = None,
    lang: str | None = None,
    classes: pd.Series | None = None,
    rated: pd.Series | None = None,
) -> Classes:
    """Classes of one indicator layer (web map and print map alike).

    The breaks come from :func:`sozialraum.core.classify.classify` on the published,
    rated, non-missing values only (suppressed values and areas not rated influence
    nothing).  Missing → ``-1``, suppressed → ``-2``, not rated → ``-3``.  With
    ``classes`` (ready class labels) no breaks are computed.
    """
    n = len(values)
    hidden = np.zeros(n, dtype=bool) if hidden is None or len(hidden) == 0 else hidden
    if classes is not None:
        return _classes_from_column(classes, spec, hidden)
    y = pd.Series(numeric(values, spec.column), index=values.index, name=spec.column)
    cl = engine.classify(
        y.where(~hidden),
        spec.scheme,
        k=spec.k,
        breaks=spec.bins,
        rated=rated,
        decimals=spec.decimals,
        name=spec.label,
        lang=lang,
        k_at_most=True,
    )
    codes = cl.codes.copy()
    codes[hidden] = engine.HIDDEN
    colors = _class_colors(spec, cl.k, spec.column)
    return Classes(
        codes=codes,
        labels=cl.class_labels,
        colors=colors,
        bins=tuple(float(b) for b in cl.bins) if cl.k else None,
        counts=tuple(int((codes == i).sum()) for i in range(cl.k)),
        n_missing=int((codes == engine.MISSING).sum()),
        n_hidden=int((codes == engine.HIDDEN).sum()),
        n_not_rated=int((codes == engine.NOT_RATED).sum()),
        scheme=cl.scheme,
    )


def _classes_from_column(classes: pd.Series, spec: Indicator, hidden: np.ndarray) -> Classes:
    if isinstance(classes.dtype, pd.CategoricalDtype):
        cats = [c for c in classes.cat.categories if (classes == c).any() or classes.cat.ordered]
    else:
        present = classes.dropna().unique().tolist()
        try:
            cats = sorted(present)
        except TypeError:
            cats = sorted(present, key=str)
    index = {c: i for i, c in enumerate(cats)}
    codes = np.array([index.get(c, -1) if pd.notna(c) else -1 for c in classes], dtype=int)
    codes[hidden] = engine.HIDDEN
    k = len(cats)
    return Classes(
        codes=codes,
        labels=tuple(str(c) for c in cats),
        colors=_class_colors(spec, k, spec.class_column or ""),
        bins=None,
        counts=tuple(int((codes == i).sum()) for i in range(k)),
        n_missing=int((codes == -1).sum()),
        n_hidden=int((codes == -2).sum()),
    )


def _by_code(frame: pd.DataFrame, spec: CategoryLayer, hidden, lang) -> Classes:
    """LISA/Gi* classes from the code column: label and colour of each code from the palette."""
    kind = spec.kind
    codes_s = frame[spec.code_column].astype("object")
    known = palettes.codes_of(kind)
    bad = [str(c) for c in pd.unique(codes_s.dropna()) if str(c) not in known]
    if bad:
        raise InputError(
            t(_MSG, "no_colors", lang, cats=format_ids(bad), col=spec.code_column),
            column=spec.code_column,
        )
    present = {str(c) for c in codes_s.dropna()}
    order = [c for c in known if c in present]
    index = {c: i for i, c in enumerate(order)}
    codes = np.array([index[str(c)] if pd.notna(c) else -1 for c in codes_s], dtype=int)
    if hidden is not None and len(hidden):
        codes[hidden] = -2
    colors = palettes.code_colors(kind)
    return Classes(
        codes=codes,
        labels=tuple(palettes.code_label(kind, c, lang) for c in order),
        colors=tuple(colors[c] for c in order),
        bins=None,
        counts=tuple(int((codes == i).sum()) for i in range(len(order))),
        n_missing=int((codes == -1).sum()),
        n_hidden=int((codes == -2).sum()),
    )


def categorize(
    frame: pd.DataFrame,
    spec: CategoryLayer,
    hidden: np.ndarray | None = None,
    lang: str | None = None,
) -> Classes:
    """Codes, labels and colours of a category layer (LISA, Gi* or any typology).

    LISA/Gi*: from the code column (``spec.code_column``, e.g. ``lisa_code``).
    Other layers: colours from ``spec.color_column`` (per area, must agree within a
    category) or ``spec.colors``.
    """
    if spec.code_column is not None and spec.code_column in frame.columns:
        return _by_code(frame, spec, hidden, lang)
    col = spec.column
    cats_series = frame[col]
    present = [str(c) for c in pd.unique(cats_series.dropna())]
    color_of: dict[str, str] = {}
    if spec.colors:
        color_of.update({str(k): to_hex(v, col) for k, v in spec.colors.items()})
    if spec.color_column is not None and spec.color_column in frame.columns:
        for cat, colr in zip(cats_series, frame[spec.color_column], strict=False):
            if pd.isna(cat) or str(cat) in color_of:
                continue
            if colr is None or (isinstance(colr, float) and np.isnan(colr)):
                continue
            color_of[str(cat)] = to_hex(colr, spec.color_column)
    missing = [c for c in present if c not in color_of]
    if missing:
        raise InputError(t(_MSG, "no_colors", lang, cats=format_ids(missing), col=col), column=col)
    if spec.categories is not None:
        cats = [str(c) for c in spec.categories]
        cats += [c for c in present if c not in cats]
    else:
        cats = present
    # legend only lists categories that have a colour
    cats = [c for c in cats if c in color_of]
    index = {c: i for i, c in enumerate(cats)}
    codes = np.array([index.get(str(c), -1) if pd.notna(c) else -1 for c in cats_series], dtype=int)
    if hidden is not None and len(hidden):
        codes[hidden] = -2
    return Classes(
        codes=codes,
        labels=tuple(cats),
        colors=tuple(color_of[c] for c in cats),
        bins=None,
        counts=tuple(int((codes == i).sum()) for i in range(len(cats))),
        n_missing=int((codes == -1).sum()),
        n_hidden=int((codes == -2).sum()),
    )


def format_values(
    y: np.ndarray,
    status: pd.Series | None,
    decimals: int,
    unit: str,
    lang: str | None,
) -> list[str]:
    """Display texts of values: German numbers, or the status text where no number may show."""
    out = []
    st = None if status is None else status.astype("string").to_numpy(dtype=object, na_value=None)
    hide = hidden_mask(status) if status is not None else np.zeros(len(y), dtype=bool)
    for i, v in enumerate(y):
        code = None if st is None else st[i]
        if hide[i]:
            out.append(status_text(code, lang))
            continue
        if np.isnan(v):
            out.append(status_text(code or "fehlt", lang))
            continue
        s = fmt_number(v, decimals, lang)
        if unit:
            s = f"{s} {unit}"
        if code:
            note = status_note(code, lang)
            if note:
                s = f"{s} ({note})"
        out.append(s)
    return out


def counts_text(counts: Sequence[int]) -> list[str]:
    """Counts of areas per class as text (for the legend)."""
    return [str(int(c)) for c in counts]
