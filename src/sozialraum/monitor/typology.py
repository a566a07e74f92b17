"""Area types by clustering standardised indicators, and "comparable areas".

* ``method="kmeans"``: ``sklearn.cluster.KMeans(n_clusters=k, n_init=10, random_state=seed)``.
* ``method="ward"``: ``sklearn.cluster.AgglomerativeClustering(linkage="ward")``;
  with ``connectivity`` (a libpysal ``W`` or a sparse matrix over the same areas)
  the clusters are spatially contiguous regions.

Input: standardised values (higher = more need), typically the dimension indices or
the indicator z-scores. The clustering uses the complete rated areas; rated areas with
some missing inputs (at least ``min_share`` available) are then assigned to the
nearest type centre on their available columns; excluded (``rated`` False) or mostly
empty areas get no type (``<NA>``; ``params["excluded"]``).

Types are numbered 1 … k in order of their mean overall value (type 1 = least need),
so numbering is stable across runs with the same seed. Each type gets a profile (mean
value per column) and a German (or English) description from the profile: columns
with mean ≥ +``cut`` are "überdurchschnittlich", ≤ −``cut`` "unterdurchschnittlich"
(default ``cut`` = 0.5 SD), listed from the strongest; e.g.
``"Typ 3: überdurchschnittlich: SGB-II-Quote, Kinderarmut; unterdurchschnittlich: Wahlbeteiligung"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import InputError

__all__ = ["TypologyResult", "similar_areas", "typology"]

_MSG = {
    "type": {"de": "Typ {n}", "en": "type {n}"},
    "above": {"de": "überdurchschnittlich: {cols}", "en": "above average: {cols}"},
    "below": {"de": "unterdurchschnittlich: {cols}", "en": "below average: {cols}"},
    "above_need": {
        "de": "überdurchschnittlicher Bedarf: {cols}",
        "en": "above-average need: {cols}",
    },
    "below_need": {
        "de": "unterdurchschnittlicher Bedarf: {cols}",
        "en": "below-average need: {cols}",
    },
    "average": {"de": "durchschnittlich in allen Merkmalen", "en": "average in all features"},
    "method": {
        "de": "Unbekanntes Clusterverfahren {method!r} (kmeans, ward).",
        "en": "unknown clustering method {method!r} (kmeans, ward).",
    },
    "too_few": {
        "de": "Zu wenige Gebiete mit vollständigen Werten ({n}) für {k} Typen.",
        "en": "too few areas with complete values ({n}) for {k} types.",
    },
    "unknown_area": {
        "de": "Gebiet {area!r} ist nicht in den Daten.",
        "en": "area {area!r} is not in the data.",
    },
}


@dataclass(frozen=True)
class TypologyResult:
    """Area types.

    Attributes
    ----------
    types
        ``Int64`` Series: type number 1…k, ``<NA>`` for excluded areas.
    labels
        Series: readable label per area ("Typ 2: überdurchschnittlich: …").
    profile
        DataFrame type → mean value per input column, plus ``n`` (areas).
    descriptions
        Type number → description text.
    params
        ``method``, ``k``, ``seed``, ``cut``, ``excluded``, ``columns``.
    """

    types: pd.Series
    labels: pd.Series
    profile: pd.DataFrame
    descriptions: dict
    params: dict = field(default_factory=dict)


def _connectivity(connectivity, index):
    if connectivity is None:
        return None
    if hasattr(connectivity, "neighbors"):  # libpysal W
        from libpysal.weights import w_subset

        ids = [str(i) for i in index]
        w = connectivity
        if not all(isinstance(i, str) for i in w.id_order):
            from sozialraum.monitor.smoothing import _w_str

            w = _w_str(w)
        ws = w_subset(w, ids, silence_warnings=True)
        ws.id_order = ids
        return ws.sparse
    return connectivity


def typology(
    values: pd.DataFrame,
    *,
    k: int = 4,
    method: str = "kmeans",
    seed: int = 0,
    rated: pd.Series | None = None,
    connectivity=None,
    names: Mapping[str, str] | None = None,
    cut: float = 0.5,
    max_terms: int = 4,
    need_wording: bool = False,
    assign_partial: bool = True,
    min_share: float = 0.5,
    lang: str | None = None,
) -> TypologyResult:
    """Cluster areas into ``k`` types with readable descriptions.

    Parameters
    ----------
    values
        Standardised values (columns = indicators or dimension indices).
    k
        Number of types.
    method
        ``"kmeans"`` or ``"ward"``.
    seed
        Random state for k-means.
    rated
        Bool Series; False → no type.
    connectivity
        For ``"ward"``: libpysal ``W`` or sparse matrix (contiguity-constrained).
    names
        Column → readable name for the descriptions (e.g. indicator labels).
    cut
        |mean| threshold for "über-/unterdurchschnittlich".
    max_terms
        At most this many names per list in the description.
    assign_partial, min_share
        Rated areas with some missing inputs (at least ``min_share`` of the columns
        available) are assigned to the type whose centre (profile mean) is nearest on
        their available columns, after the clustering of the complete areas; listed
        in ``params["assigned_partial"]``. Others get no type.
    need_wording
        Say "überdurchschnittlicher Bedarf: …" instead of "überdurchschnittlich: …"
        (for need-oriented inputs whose columns are dimensions, not indicators).
    """
    if method not in ("kmeans", "ward"):
        raise InputError(t(_MSG, "method", lang, method=method))
    x = values.astype(float)
    use = x.notna().all(axis=1)
    ok_rated = pd.Series(True, index=x.index)
    if rated is not None:
        ok_rated = rated.reindex(x.index).fillna(False).astype(bool)
        use &= ok_rated
    xs = x[use]
    if len(xs) < k:
        raise InputError(t(_MSG, "too_few", lang, n=len(xs), k=k))
    arr = xs.to_numpy()
    if method == "kmeans":
        from sklearn.cluster import KMeans

        lab = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(arr)
    else:
        from sklearn.cluster import AgglomerativeClustering

        conn = _connectivity(connectivity, xs.index)
        lab = AgglomerativeClustering(n_clusters=k, linkage="ward", connectivity=conn).fit_predict(
            arr
        )
    # renumber by mean overall value (1 = least need)
    means = pd.Series(arr.mean(axis=1)).groupby(lab).mean().sort_values(kind="mergesort")
    remap = {old: i + 1 for i, old in enumerate(means.index)}
    typ = np.array([remap[v] for v in lab])
    types = pd.Series(pd.array([pd.NA] * len(x), dtype="Int64"), index=x.index)
    types[use.to_numpy()] = typ
    profile = xs.groupby(typ).mean()
    profile.index.name = "typ"
    # incomplete areas: nearest type centre on their available columns
    partial = (
        ok_rated & ~use & (x.notna().sum(axis=1) >= min_share * x.shape[1]) & x.notna().any(axis=1)
    )
    assigned = []
    if assign_partial and partial.any():
        cen = profile.to_numpy()
        for key in x.index[partial.to_numpy()]:
            row = x.loc[key].to_numpy()
            m = ~np.isnan(row)
            d = ((cen[:, m] - row[m]) ** 2).sum(axis=1)
            types[key] = int(profile.index[int(np.argmin(d))])
            assigned.append(str(key))
    profile["n"] = types.value_counts().reindex(profile.index).fillna(0).astype(int).to_numpy()
    names = dict(names or {})
    desc = {}
    for ty, row in profile.drop(columns="n").iterrows():
        above = row[row >= cut].sort_values(ascending=False)
        below = row[row <= -cut].sort_values()
        parts = []
        if len(above):
            parts.append(
                t(
                    _MSG,
                    "above_need" if need_wording else "above",
                    lang,
                    cols=", ".join(names.get(c, str(c)) for c in above.index[:max_terms]),
                )
            )
        if len(below):
            parts.append(
                t(
                    _MSG,
                    "below_need" if need_wording else "below",
                    lang,
                    cols=", ".join(names.get(c, str(c)) for c in below.index[:max_terms]),
                )
            )
        text = "; ".join(parts) if parts else t(_MSG, "average", lang)
        desc[int(ty)] = f"{t(_MSG, 'type', lang, n=int(ty))}: {text}"
    labels = pd.Series(
        [desc.get(int(v)) if v is not pd.NA else None for v in types], index=x.index, dtype=object
    )
    params = {
        "method": method,
        "k": k,
        "seed": seed,
        "cut": cut,
        "excluded": [str(i) for i in x.index[types.isna().to_numpy()]],
        "assigned_partial": assigned,
        "columns": list(x.columns),
        "contiguity": connectivity is not None,
    }
    return TypologyResult(
        types=types, labels=labels, profile=profile, descriptions=desc, params=params
    )


def similar_areas(
    values: pd.DataFrame,
    area: str,
    *,
    k: int = 5,
    tolerance: float | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """The ``k`` areas most similar to ``area`` (Euclidean distance of standardised values).

    Only columns where ``area`` has a value are used; candidates need values in all
    of them. With ``tolerance``, only areas whose every value lies within
    ``±tolerance`` of ``area``'s are kept. Returns ``distanz`` (ascending) and
    ``max_abweichung`` (largest absolute difference of one column).
    """
    if area not in values.index:
        raise InputError(t(_MSG, "unknown_area", lang, area=area), ids=[str(area)])
    ref = values.loc[area].astype(float)
    cols = ref.index[ref.notna()]
    cand = values.drop(index=area)[cols].astype(float).dropna()
    diff = cand - ref[cols]
    out = pd.DataFrame(
        {"distanz": np.sqrt((diff**2).sum(axis=1)), "max_abweichung": diff.abs().max(axis=1)}
    )
    if tolerance is not None:
        out = out[out["max_abweichung"] <= tolerance]
    return out.sort_values(["distanz"], kind="mergesort").head(k)
