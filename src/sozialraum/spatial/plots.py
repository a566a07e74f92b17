"""Figures for reports: Moran scatter plot, LISA cluster map, Gi* hot-spot map.

Uses :class:`matplotlib.figure.Figure` directly (no ``pyplot``, no global
backend switch): works headless (the Agg canvas is attached when saving)
and leaves the caller's matplotlib state alone. Labels German by default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.numbers import format_number
from sozialraum.errors import InputError
from sozialraum.spatial._common import ALT_LABELS

__all__ = ["cluster_map", "hotspot_map", "moran_scatterplot", "save_figure"]

_MSG = {
    "scatter_title": {
        "de": "Moran-Streudiagramm: {column} (Moran's I = {I})",
        "en": "Moran scatter plot: {column} (Moran's I = {I})",
    },
    "x": {"de": "{column} (standardisiert)", "en": "{column} (standardised)"},
    "y": {
        "de": "Räumlich verzögerter Wert (Mittel der Nachbarn, standardisiert)",
        "en": "Spatial lag (mean of neighbours, standardised)",
    },
    "y_bv": {
        "de": "{column} der Nachbarn (räumlich verzögert, standardisiert)",
        "en": "{column} of neighbours (spatial lag, standardised)",
    },
    "map_title": {"de": "LISA-Clusterkarte: {column}", "en": "LISA cluster map: {column}"},
    "gi_title": {"de": "Hot Spots (Gi*): {column}", "en": "Hot spots (Gi*): {column}"},
    "sig_note": {
        "de": "{alt}, alpha = {alpha}, Korrektur: {corr}, {perm}",
        "en": "{alt}, alpha = {alpha}, correction: {corr}, {perm}",
    },
    "perm": {"de": "{p} Permutationen", "en": "{p} permutations"},
    "analytic": {"de": "analytische Inferenz", "en": "analytical inference"},
    "no_geom": {
        "de": "Für die Karte werden Geometrien gebraucht; das Ergebnis enthält keine "
        "(GeoDataFrame an local_moran / getis_ord übergeben).",
        "en": "The map needs geometries; the result has none "
        "(pass a GeoDataFrame to local_moran / getis_ord).",
    },
    "fmt": {
        "de": "Dateiformat {suffix!r} wird nicht unterstützt; bitte .png, .svg oder .pdf.",
        "en": "File format {suffix!r} is not supported; please use .png, .svg or .pdf.",
    },
}


def _figure(figsize=(7.0, 6.0)):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=100)
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig, path: str | Path, *, dpi: int = 150, lang: str | None = None) -> Path:
    """Save ``fig`` as PNG, SVG or PDF (by suffix)."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError(t(_MSG, "fmt", lang, suffix=path.suffix), file=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path


def moran_scatterplot(result: Any, path: str | Path | None = None, *, lang: str | None = None):
    """Moran scatter plot of a :class:`~sozialraum.spatial.lisa.LisaResult`.

    x: standardised value, y: spatial lag; points coloured by LISA category;
    the regression line through the origin has slope Moran's I. Areas
    without value or neighbours are not drawn (they have no lag).
    """
    from sozialraum.spatial.lisa import LISA_CODES, LISA_COLORS, lisa_label

    lang = get_lang(lang or result.params.get("lang"))
    pre = result.params["prefix"]
    f = result.frame
    ok = f[pre + "std"].notna().to_numpy()
    x = f[pre + "std"].to_numpy()[ok]
    y = f[pre + "lag"].to_numpy()[ok]
    codes = f[pre + "code"].to_numpy()[ok]
    col = result.params["column"]
    if isinstance(col, tuple):
        xname, yname = col
    else:
        xname = yname = col
    fig = _figure()
    ax = fig.add_subplot(111)
    for code in LISA_CODES[:5]:
        sel = codes == code
        if sel.any():
            ax.scatter(
                x[sel],
                y[sel],
                s=18,
                c=LISA_COLORS[code],
                edgecolors="#555555",
                linewidths=0.4,
                label=f"{lisa_label(code, lang)} ({int(sel.sum())})",
                zorder=3,
            )
    slope = float(np.sum(x * y) / np.sum(x * x))
    lim = np.nanmax(np.abs(np.concatenate([x, y]))) * 1.1 if len(x) else 1.0
    xx = np.array([-lim, lim])
    ax.plot(xx, slope * xx, color="#333333", lw=1.2, zorder=2)
    ax.axhline(0, color="#999999", lw=0.8, zorder=1)
    ax.axvline(0, color="#999999", lw=0.8, zorder=1)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_xlabel(t(_MSG, "x", lang, column=xname))
    ax.set_ylabel(
        t(_MSG, "y_bv", lang, column=yname) if isinstance(col, tuple) else t(_MSG, "y", lang)
    )
    ax.set_title(
        t(
            _MSG,
            "scatter_title",
            lang,
            column=" / ".join(col) if isinstance(col, tuple) else col,
            I=format_number(result.params["moran_I"], 3, lang),
        )
    )
    ax.legend(loc="best", fontsize=8, frameon=True)
    if path is not None:
        save_figure(fig, path, lang=lang)
    return fig


def _category_map(frame, code_col, colors, labels, title, note, path, lang):
    if not hasattr(frame, "geometry"):
        raise InputError(t(_MSG, "no_geom", lang))
    from matplotlib.patches import Patch

    fig = _figure((9.5, 7.5))
    ax = fig.add_subplot(111)
    codes = frame[code_col].to_numpy()
    frame.plot(ax=ax, color=[colors[c] for c in codes], edgecolor="#777777", linewidth=0.3)
    counts = pd.Series(codes).value_counts()
    handles = [
        Patch(
            facecolor=colors[c], edgecolor="#777777", label=f"{labels[c]} ({int(counts.get(c, 0))})"
        )
        for c in labels
        if counts.get(c, 0) > 0 or c not in ("island", "nan")
    ]
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=True
    )
    ax.set_axis_off()
    ax.set_title(title)
    if note:
        fig.text(0.5, 0.02, note, ha="center", fontsize=8, color="#444444")
    if path is not None:
        save_figure(fig, path, lang=lang)
    return fig


def cluster_map(result: Any, path: str | Path | None = None, *, lang: str | None = None):
    """LISA cluster map (GeoDa colours) of a LisaResult whose frame has geometries."""
    from sozialraum.spatial.lisa import LISA_CODES, LISA_COLORS, lisa_label

    lang = get_lang(lang or result.params.get("lang"))
    p = result.params
    col = " / ".join(p["column"]) if isinstance(p["column"], tuple) else p["column"]
    corr = {
        "none": {"de": "keine", "en": "none"},
        "fdr": {"de": "FDR", "en": "FDR"},
        "bonferroni": {"de": "Bonferroni", "en": "Bonferroni"},
    }[p["correction"]][lang]
    note = t(
        _MSG,
        "sig_note",
        lang,
        alt=ALT_LABELS[p.get("alternative", "two-sided")][lang],
        alpha=format_number(p["alpha"], 2, lang),
        corr=corr,
        perm=t(_MSG, "perm", lang, p=p["permutations"])
        if p["permutations"]
        else t(_MSG, "analytic", lang),
    )
    labels = {c: lisa_label(c, lang) for c in LISA_CODES}
    return _category_map(
        result.frame,
        p["prefix"] + "code",
        LISA_COLORS,
        labels,
        t(_MSG, "map_title", lang, column=col),
        note,
        path,
        lang,
    )


def hotspot_map(result: Any, path: str | Path | None = None, *, lang: str | None = None):
    """Gi* hot/cold-spot map of a GiResult whose frame has geometries."""
    from sozialraum.spatial.getis_ord import GI_CODES, GI_COLORS, gi_label

    lang = get_lang(lang or result.params.get("lang"))
    p = result.params
    labels = {c: gi_label(c, lang) for c in GI_CODES}
    return _category_map(
        result.frame,
        p["prefix"] + "code",
        GI_COLORS,
        labels,
        t(_MSG, "gi_title", lang, column=p["column"]),
        "",
        path,
        lang,
    )
