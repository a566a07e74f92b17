"""Layer specifications of a web map and the classification of indicator values."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import mapclassify
import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import InputError, format_ids

from ._format import class_labels, fmt_number

_MSG = {
    "scheme": {
        "de": "Unbekanntes Klassifizierungsverfahren {scheme!r} für Spalte {col!r}. Möglich: {known}.",
        "en": "Unknown classification scheme {scheme!r} for column {col!r}. Known: {known}.",
    },
    "not_numeric": {
        "de": "Spalte {col!r} enthält keine Zahlen (Gebiete {ids}). Bitte Zahlen liefern oder die Spalte als Klassenspalte angeben.",
        "en": "Column {col!r} holds values that are not numbers (areas {ids}). Please supply numbers or pass it as a class column.",
    },
    "bad_color": {
        "de": "Ungültige Farbe {value!r} in {where}. Erlaubt: '#rrggbb', '#rgb', 'r,g,b' oder (r, g, b).",
        "en": "Invalid colour {value!r} in {where}. Allowed: '#rrggbb', '#rgb', 'r,g,b' or (r, g, b).",
    },
    "no_colors": {
        "de": "Für die Kategorien {cats} der Spalte {col!r} sind keine Farben bekannt. Bitte eine Farbspalte (color_column) oder colors={{Kategorie: Farbe}} angeben.",
        "en": "No colours are known for the categories {cats} of column {col!r}. Please pass a colour column (color_column) or colors={{category: colour}}.",
    },
    "bins_order": {
        "de": "Die Klassengrenzen für Spalte {col!r} müssen aufsteigend sein: {bins}.",
        "en": "The class bounds for column {col!r} must increase: {bins}.",
    },
}

#: mapclassify classifiers by name.  ``natural_breaks`` uses Fisher–Jenks (optimal and
#: deterministic) instead of mapclassify's k-means based ``NaturalBreaks``.
SCHEMES = {
    "quantiles": mapclassify.Quantiles,
    "equal_interval": mapclassify.EqualInterval,
    "natural_breaks": mapclassify.FisherJenks,
    "fisher_jenks": mapclassify.FisherJenks,
    "jenks_caspall": mapclassify.JenksCaspall,
    "std_mean": mapclassify.StdMean,
    "box_plot": mapclassify.BoxPlot,
    "headtail_breaks": mapclassify.HeadTailBreaks,
    "maximum_breaks": mapclassify.MaximumBreaks,
    "pretty": mapclassify.PrettyBreaks,
    "percentiles": mapclassify.Percentiles,
    "user_defined": mapclassify.UserDefined,
}
_K_SCHEMES = {
    "quantiles",
    "equal_interval",
    "natural_breaks",
    "fisher_jenks",
    "jenks_caspall",
    "maximum_breaks",
    "pretty",
}

#: GeoDa's LISA colours (RGB) in legend order: HH, LL, LH, HL, n.s., no neighbours, no value.
GEODA_LISA = (
    (255, 0, 0),
    (0, 0, 255),
    (150, 150, 255),
    (255, 150, 150),
    (240, 240, 240),
    (140, 140, 140),
    (70, 70, 70),
)

#: Colours for Getis–Ord Gi* classes (hot spots red, cold spots blue), by label pattern.
GI_COLORS = {
    "hot99": "#b2182b",
    "hot95": "#ef8a62",
    "hot90": "#fddbc7",
    "cold90": "#d1e5f0",
    "cold95": "#67a9cf",
    "cold99": "#2166ac",
    "ns": "#f0f0f0",
}

MISSING_COLOR = "#d9d9d9"
HIDDEN_COLOR = "#969696"

#: Status codes whose value must never be shown (the value is replaced by a text).
HIDE_STATUS = {"geheim": "geheim", "teilsumme_geheim": "geheim", "nicht_sicher": "nicht_sicher"}


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
        Classification with mapclassify (see :data:`SCHEMES`); ``bins`` (upper class
        bounds) means user-defined classes.
    class_column
        Use ready classes (e.g. from the monitor) instead of classifying; ordered
        categorical columns keep their order, others are sorted.
    cmap, colors
        A matplotlib colour map name, or explicit colours (one per class).
    decimals
        Decimal places of values and class bounds.
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

    @property
    def label(self) -> str:
        """Title shown to people."""
        return self.title or self.column


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
        Optional legend order; default: GeoDa order of the colours, else first appearance.
    """

    column: str
    title: str | None = None
    color_column: str | None = None
    colors: Mapping[str, str] | None = field(default=None, hash=False)
    categories: tuple[str, ...] | None = None
    source: str = ""
    year: int | str | None = None
    kind: str = "category"

    @property
    def label(self) -> str:
        """Title shown to people."""
        return self.title or self.column


def lisa_layer(
    column: str = "lisa_cat",
    color_column: str | None = "lisa_color",
    title: str | None = None,
    **kw,
) -> CategoryLayer:
    """A LISA cluster layer (GeoDa colours come with the ``lisa_color`` column)."""
    return CategoryLayer(column=column, color_column=color_column, title=title, kind="lisa", **kw)


def gi_layer(
    column: str = "gi_cat", color_column: str | None = None, title: str | None = None, **kw
) -> CategoryLayer:
    """A Getis–Ord Gi* hot/cold-spot layer; colours from labels like ``Hot Spot 99 %``."""
    return CategoryLayer(column=column, color_column=color_column, title=title, kind="gi", **kw)


@dataclass(frozen=True)
class Classes:
    """Result of classifying one column for the map.

    ``codes``: class index per area, ``-1`` = no value, ``-2`` = not published.
    """

    codes: np.ndarray
    labels: tuple[str, ...]
    colors: tuple[str, ...]
    bins: tuple[float, ...] | None
    counts: tuple[int, ...]
    n_missing: int
    n_hidden: int


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


def palette(cmap: str, k: int) -> tuple[str, ...]:
    """``k`` colours from a matplotlib colour map (light to dark)."""
    import matplotlib as mpl

    cm = mpl.colormaps[cmap]
    if k == 1:
        pos = [0.6]
    else:
        pos = np.linspace(0.12, 0.95, k)
    return tuple(mpl.colors.to_hex(cm(p)) for p in pos)


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

    ``geheim``, ``teilsumme_geheim``, ``nicht_sicher`` and any unknown code hide the value.
    """
    if status is None:
        return np.zeros(0, dtype=bool)
    s = status.astype("string")
    known_visible = {
        "nichts_vorhanden",
        "nicht_sinnvoll",
        "spaeter",
        "unsicher",
        "vorlaeufig",
        "fehlt",
        "teilsumme_unvollstaendig",
        "nenner_klein",
        "nenner_null",
    }
    hide = s.notna() & ~s.isin(known_visible)
    return hide.to_numpy(dtype=bool, na_value=False)


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


def classify(
    values: pd.Series,
    spec: Indicator,
    hidden: np.ndarray | None = None,
    lang: str | None = None,
    classes: pd.Series | None = None,
) -> Classes:
    """Classify the values of one indicator for the map.

    Bins are computed with mapclassify on the published, non-missing values only
    (suppressed values influence nothing).  Missing → code ``-1``, suppressed → ``-2``.
    With ``classes`` (ready class labels) no bins are computed.
    """
    n = len(values)
    hidden = np.zeros(n, dtype=bool) if hidden is None or len(hidden) == 0 else hidden
    if classes is not None:
        return _classes_from_column(classes, spec, hidden)
    y = numeric(values, spec.column)
    ok = ~np.isnan(y) & ~hidden
    codes = np.full(n, -1, dtype=int)
    codes[hidden] = -2
    yv = y[ok]
    bins: tuple[float, ...] | None = None
    labels: tuple[str, ...] = ()
    if yv.size:
        scheme = "user_defined" if spec.bins is not None else spec.scheme
        if scheme not in SCHEMES:
            raise InputError(
                t(_MSG, "scheme", lang, scheme=scheme, col=spec.column, known=", ".join(SCHEMES)),
                column=spec.column,
            )
        if scheme == "user_defined":
            b = [float(x) for x in (spec.bins or ())]
            if any(b2 <= b1 for b1, b2 in zip(b, b[1:], strict=False)):
                raise InputError(
                    t(_MSG, "bins_order", lang, col=spec.column, bins=b), column=spec.column
                )
            clf = mapclassify.UserDefined(yv, b)
        else:
            kw = {}
            n_unique = len(np.unique(yv))
            if scheme in _K_SCHEMES:
                kw["k"] = max(1, min(int(spec.k), n_unique))
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf = SCHEMES[scheme](yv, **kw)
        bins = tuple(float(b) for b in clf.bins)
        codes[ok] = np.asarray(clf.yb, dtype=int)
        labels = tuple(class_labels(bins, float(yv.min()), spec.decimals, lang))
    k = len(labels)
    colors = (
        tuple(to_hex(c, spec.column) for c in spec.colors)
        if spec.colors is not None
        else palette(spec.cmap, k)
        if k
        else ()
    )
    if len(colors) < k:
        colors = palette(spec.cmap, k)
    counts = tuple(int((codes == i).sum()) for i in range(k))
    return Classes(
        codes=codes,
        labels=labels,
        colors=tuple(colors[:k]),
        bins=bins,
        counts=counts,
        n_missing=int((codes == -1).sum()),
        n_hidden=int((codes == -2).sum()),
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
    codes[hidden] = -2
    k = len(cats)
    colors = (
        tuple(to_hex(c, spec.class_column or "") for c in spec.colors)
        if spec.colors is not None and len(spec.colors) >= k
        else palette(spec.cmap, k)
    )
    return Classes(
        codes=codes,
        labels=tuple(str(c) for c in cats),
        colors=tuple(colors[:k]),
        bins=None,
        counts=tuple(int((codes == i).sum()) for i in range(k)),
        n_missing=int((codes == -1).sum()),
        n_hidden=int((codes == -2).sum()),
    )


_LISA_KEYS = {
    "hh": 0, "high-high": 0, "hoch-hoch": 0,
    "ll": 1, "low-low": 1, "niedrig-niedrig": 1,
    "lh": 2, "low-high": 2, "niedrig-hoch": 2,
    "hl": 3, "high-low": 3, "hoch-niedrig": 3,
    "n.s.": 4, "ns": 4, "nicht signifikant": 4, "not significant": 4,
    "ohne nachbarn": 5, "keine nachbarn": 5, "no neighbours": 5, "no neighbors": 5, "isolated": 5,
    "kein wert": 6, "no value": 6, "undefined": 6,
}  # fmt: skip


def _lisa_key(label: str) -> int | None:
    return _LISA_KEYS.get(label.strip().lower().replace(" – ", "-").replace("–", "-"))


def _gi_key(label: str) -> str | None:
    s = label.lower()
    level = next((lv for lv in ("99", "95", "90") if lv in s), None)
    if any(w in s for w in ("hot", "heiß", "heiss", "hoch")) and level:
        return "hot" + level
    if any(w in s for w in ("cold", "kalt", "niedrig")) and level:
        return "cold" + level
    if any(w in s for w in ("n.s", "nicht sig", "not sig", "ns")):
        return "ns"
    return None


def categorize(
    frame: pd.DataFrame, spec: CategoryLayer, hidden: np.ndarray | None = None
) -> Classes:
    """Codes, labels and colours of a category layer (LISA, Gi* or any typology).

    Colours come from ``spec.color_column`` (per area, must agree within a category),
    ``spec.colors`` or, for Gi*, from labels such as ``Hot Spot 99 %``.
    """
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
    if spec.kind == "lisa":
        for c in present:
            key = _lisa_key(c)
            if c not in color_of and key is not None:
                color_of[c] = "#" + "".join(f"{v:02x}" for v in GEODA_LISA[key])
    if spec.kind == "gi":
        for c in present:
            key = _gi_key(c)
            if c not in color_of and key:
                color_of[c] = GI_COLORS[key]
    missing = [c for c in present if c not in color_of]
    if missing:
        raise InputError(t(_MSG, "no_colors", None, cats=format_ids(missing), col=col), column=col)
    if spec.categories is not None:
        cats = [str(c) for c in spec.categories]
        cats += [c for c in present if c not in cats]
    else:
        geoda = ["#" + "".join(f"{v:02x}" for v in rgb) for rgb in GEODA_LISA]
        gi_order = list(GI_COLORS.values())
        ref = geoda if spec.kind != "gi" else gi_order

        def order(c: str) -> tuple[int, int]:
            colr = color_of.get(c, "")
            return (ref.index(colr) if colr in ref else len(ref), present.index(c))

        cats = sorted(present, key=order)
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
    from ._status import status_text

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
            note = status_text(code, lang, note=True)
            if note:
                s = f"{s} ({note})"
        out.append(s)
    return out


def counts_text(counts: Sequence[int]) -> list[str]:
    """Counts of areas per class as text (for the legend)."""
    return [str(int(c)) for c in counts]
