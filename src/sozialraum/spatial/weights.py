"""Spatial weights for planning areas: contiguity, k-nearest, distance band, kernel.

Wraps :mod:`libpysal.weights` and adds what small-area work needs:

* area keys are the (string) index of the GeoDataFrame;
* areas without neighbours ("islands", e.g. an exclave) are detected and
  reported by id, with two documented strategies: ``islands="exclude"``
  (keep them, local statistics label them "ohne Nachbarn") or
  ``islands="knn"`` (attach each island to its ``k`` nearest areas,
  symmetrically, by centroid distance);
* disconnected components are counted and reported;
* a German (or English) :meth:`WeightsResult.summary` for reports.

The weights are kept as a libpysal ``W`` (row-standardised by default) and as
an untransformed ``scipy.sparse`` CSR matrix, from which subsets (e.g. after
dropping areas without a value) are rebuilt exactly.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from sozialraum._i18n import get_lang, t
from sozialraum.core.crs import ensure_metric
from sozialraum.core.doors import knob
from sozialraum.core.numbers import format_number
from sozialraum.errors import InputError, SozialraumWarning, format_ids

__all__ = ["WeightsResult", "build_weights", "as_weights"]

Kind = Literal["queen", "rook", "knn", "distance_band", "kernel"]

_MSG = {
    "not_gdf": {
        "de": "Für Nachbarschaftsgewichte wird ein GeoDataFrame mit Geometrien gebraucht "
        "(erhalten: {typ}). Bitte die Gebietsgrenzen mitgeben.",
        "en": "Spatial weights need a GeoDataFrame with geometries (got: {typ}). "
        "Please pass the area boundaries.",
    },
    "dup_ids": {
        "de": "Gebietsschlüssel doppelt im Index: {ids}. Jeder Schlüssel darf nur einmal vorkommen.",
        "en": "Duplicate area keys in the index: {ids}. Each key must occur only once.",
    },
    "empty_geom": {
        "de": "Gebiete ohne Geometrie (leer oder fehlend): {ids}. Bitte Geometrien ergänzen "
        "oder die Gebiete entfernen.",
        "en": "Areas without geometry (empty or missing): {ids}. Please add geometries "
        "or remove these areas.",
    },
    "kind": {
        "de": "Unbekannte Nachbarschaftsart {kind!r}; erlaubt: queen, rook, knn, distance_band, kernel.",
        "en": "Unknown weights kind {kind!r}; allowed: queen, rook, knn, distance_band, kernel.",
    },
    "islands_opt": {
        "de": "Unbekannte Insel-Strategie {opt!r}; erlaubt: 'exclude', 'knn'.",
        "en": "Unknown island strategy {opt!r}; allowed: 'exclude', 'knn'.",
    },
    "k": {
        "de": "k = {k} ist ungültig: k muss zwischen 1 und {nmax} (Anzahl Gebiete − 1) liegen.",
        "en": "k = {k} is invalid: k must be between 1 and {nmax} (number of areas − 1).",
    },
    "too_few": {
        "de": "Zu wenige Gebiete ({n}) für Nachbarschaftsgewichte; mindestens 2 nötig.",
        "en": "Too few areas ({n}) for spatial weights; at least 2 are needed.",
    },
    "threshold": {
        "de": "Schwellenwert {thr} ist ungültig; er muss eine positive Distanz in den Einheiten "
        "des Koordinatensystems (meist Meter) sein.",
        "en": "Threshold {thr} is invalid; it must be a positive distance in the units of the "
        "coordinate system (usually metres).",
    },
    "islands_found": {
        "de": "{n} Gebiet(e) ohne Nachbarn ({kind}): {ids}. Sie erhalten in lokalen Statistiken "
        "die Kategorie 'ohne Nachbarn' (oder „knn“ bei {knob} wählen).",
        "en": "{n} area(s) without neighbours ({kind}): {ids}. Local statistics label them "
        "'no neighbours' (or choose 'knn' for {knob}).",
    },
    # summary
    "sum_head": {
        "de": "Nachbarschaft: {kind_label}, {n} Gebiete, {nnz} Nachbarschaftsbeziehungen, "
        "im Mittel {mean} Nachbarn (min. {min}, max. {max}){std}.",
        "en": "Neighbourhood: {kind_label}, {n} areas, {nnz} neighbour links, "
        "mean {mean} neighbours (min {min}, max {max}){std}.",
    },
    "sum_std": {"de": ", zeilenstandardisiert", "en": ", row-standardised"},
    "sum_islands": {
        "de": "Ohne Nachbarn ({n}): {ids}.",
        "en": "Without neighbours ({n}): {ids}.",
    },
    "sum_no_islands": {"de": "Alle Gebiete haben Nachbarn.", "en": "Every area has neighbours."},
    "sum_attached": {
        "de": "Angebunden an die {k} nächsten Gebiete ({n}): {ids}.",
        "en": "Attached to their {k} nearest areas ({n}): {ids}.",
    },
    "sum_components": {
        "de": "Zusammenhängende Teile: {c} (Größen: {sizes}).",
        "en": "Connected components: {c} (sizes: {sizes}).",
    },
    "queen": {"de": "Queen (gemeinsame Kante oder Ecke)", "en": "queen (shared edge or corner)"},
    "rook": {"de": "Rook (gemeinsame Kante)", "en": "rook (shared edge)"},
    "knn": {"de": "{k} nächste Nachbarn", "en": "{k} nearest neighbours"},
    "distance_band": {
        "de": "Distanzband bis {thr} {unit}",
        "en": "distance band up to {thr} {unit}",
    },
    "crs_unit": {"de": "Einheiten des Koordinatensystems", "en": "CRS units"},
    "custom": {"de": "eigene Gewichte", "en": "custom weights"},
    "kernel": {
        "de": "Kernel ({fn}, adaptive Bandbreite, k = {k})",
        "en": "kernel ({fn}, adaptive bandwidth, k = {k})",
    },
}


@dataclass(frozen=True)
class WeightsResult:
    """Spatial weights with what was found about them.

    Attributes
    ----------
    w
        libpysal ``W`` (ids are the area keys as strings), transformed as asked
        (``"R"`` = row-standardised, ``"B"`` = binary/original weights).
    matrix
        Untransformed weights as ``scipy.sparse.csr_matrix`` (rows/columns in
        the order of ``ids``); basis for exact subsets.
    ids
        Area keys (str) in matrix order.
    kind
        ``"queen"``, ``"rook"``, ``"knn"``, ``"distance_band"`` or ``"kernel"``.
    islands
        Keys of areas that (still) have no neighbours.
    attached
        Keys of islands attached to their nearest areas (``islands="knn"``).
    component_labels
        Connected component number per area (Series indexed by key).
    params
        Parameters used (kind, k, threshold, islands strategy, ...).
    """

    w: Any
    matrix: sparse.csr_matrix
    ids: tuple[str, ...]
    kind: str
    islands: tuple[str, ...]
    attached: tuple[str, ...]
    component_labels: pd.Series
    params: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of areas."""
        return len(self.ids)

    @property
    def n_components(self) -> int:
        """Number of connected components (islands count as one each)."""
        return int(self.component_labels.nunique())

    @property
    def cardinalities(self) -> pd.Series:
        """Number of neighbours per area (self-weights of kernels not counted)."""
        m = (self.matrix - sparse.diags(self.matrix.diagonal())).tocsr()
        m.eliminate_zeros()
        return pd.Series(np.diff(m.indptr), index=list(self.ids), name="neighbours")

    def subset(self, ids: list[str] | tuple[str, ...] | pd.Index) -> WeightsResult:
        """Weights restricted to ``ids`` (in that order), re-transformed like the original.

        Links to areas outside ``ids`` are dropped; areas that thereby lose all
        neighbours become islands.
        """
        pos = pd.Index(self.ids).get_indexer(pd.Index([str(i) for i in ids]))
        if (pos < 0).any():
            missing = [str(i) for i, p in zip(ids, pos, strict=True) if p < 0]
            raise InputError(f"ids not in weights: {format_ids(missing)}", ids=missing)
        m = self.matrix[pos][:, pos].tocsr()
        return _make_result(
            m,
            tuple(str(i) for i in ids),
            self.kind,
            transform=self.params.get("transform", "R"),
            attached=tuple(a for a in self.attached if a in set(map(str, ids))),
            params=dict(self.params, subset_of=self.n),
        )

    def summary(self, lang: str | None = None) -> str:
        """Readable description (German by default) for reports."""
        lang = get_lang(lang)
        card = self.cardinalities
        p = self.params
        label = t(
            _MSG,
            self.kind,
            lang,
            k=p.get("k"),
            thr=format_number(
                p.get("threshold") or 0, 0 if (p.get("threshold") or 0) >= 100 else 3, lang
            ),
            unit=p.get("unit", "m") if p.get("unit", "m") == "m" else t(_MSG, "crs_unit", lang),
            fn=p.get("function", ""),
        )
        lines = [
            t(
                _MSG,
                "sum_head",
                lang,
                kind_label=label,
                n=self.n,
                nnz=int(card.sum()),
                mean=format_number(float(card.mean()) if len(card) else 0.0, 1, lang),
                min=int(card.min()) if len(card) else 0,
                max=int(card.max()) if len(card) else 0,
                std=t(_MSG, "sum_std", lang) if p.get("transform", "R").upper() == "R" else "",
            )
        ]
        if self.islands:
            lines.append(
                t(_MSG, "sum_islands", lang, n=len(self.islands), ids=format_ids(self.islands))
            )
        else:
            lines.append(t(_MSG, "sum_no_islands", lang))
        if self.attached:
            lines.append(
                t(
                    _MSG,
                    "sum_attached",
                    lang,
                    k=p.get("island_k"),
                    n=len(self.attached),
                    ids=format_ids(self.attached),
                )
            )
        sizes = self.component_labels.value_counts().sort_values(ascending=False)
        shown = ", ".join(str(int(s)) for s in sizes.iloc[:8])
        if len(sizes) > 8:
            shown += ", …"
        lines.append(t(_MSG, "sum_components", lang, c=self.n_components, sizes=shown))
        return "\n".join(lines)


def _w_from_csr(m: sparse.csr_matrix, ids: tuple[str, ...], transform: str):
    """Build a libpysal ``W`` from a CSR matrix quickly (no per-entry Python loop over COO)."""
    from libpysal.weights import W

    m = m.tocsr()
    m.sort_indices()
    ind, ptr, dat = m.indices, m.indptr, m.data
    idarr = np.asarray(ids, dtype=object)
    neighbors = {}
    weights = {}
    for r, key in enumerate(ids):
        a, b = ptr[r], ptr[r + 1]
        neighbors[key] = idarr[ind[a:b]].tolist()
        weights[key] = dat[a:b].tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns about islands/components itself
        w = W(neighbors, weights, id_order=list(ids), silence_warnings=True)
        if transform.upper() != "O":
            w.transform = transform.upper()
    return w


def _make_result(
    m: sparse.csr_matrix,
    ids: tuple[str, ...],
    kind: str,
    *,
    transform: str,
    attached: tuple[str, ...],
    params: dict,
) -> WeightsResult:
    m = sparse.csr_matrix(m, dtype=float)
    off = (m - sparse.diags(m.diagonal())).tocsr()
    off.eliminate_zeros()
    card = np.diff(off.indptr)
    islands = tuple(ids[i] for i in np.flatnonzero(card == 0))
    if len(ids):
        _, labels = connected_components(off, directed=False)
    else:
        labels = np.zeros(0, dtype=int)
    w = _w_from_csr(m, ids, transform)
    return WeightsResult(
        w=w,
        matrix=m,
        ids=ids,
        kind=kind,
        islands=islands,
        attached=attached,
        component_labels=pd.Series(labels, index=list(ids), name="component"),
        params=dict(params, transform=transform.upper()),
    )


def _projected_points(gdf, lang: str) -> np.ndarray:
    """Centroid coordinates in a projected CRS (reprojecting geographic data, with a warning)."""
    geo = gdf.geometry
    if geo.crs is not None and geo.crs.is_geographic:  # the one metric-CRS rule
        geo = ensure_metric(geo, name="Gebiete", lang=lang, require_geometries=False)
    pts = geo.centroid if not (geo.geom_type == "Point").all() else geo
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


def _knn_matrix(xy: np.ndarray, k: int) -> sparse.csr_matrix:
    from scipy.spatial import cKDTree

    n = len(xy)
    _, idx = cKDTree(xy).query(xy, k=k + 1)
    rows, cols = [], []
    for i in range(n):
        nb = [j for j in idx[i] if j != i][:k]
        rows.extend([i] * len(nb))
        cols.extend(nb)
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def build_weights(
    gdf,
    kind: Kind = "queen",
    *,
    k: int = 6,
    threshold: float | None = None,
    islands: Literal["exclude", "knn"] = "exclude",
    island_k: int = 1,
    kernel_function: str = "triangular",
    row_standardize: bool = True,
    lang: str | None = None,
) -> WeightsResult:
    """Build spatial weights for the areas of a GeoDataFrame.

    Parameters
    ----------
    gdf
        GeoDataFrame; its index holds the area keys (converted to ``str``).
    kind
        ``"queen"`` (shared edge or corner), ``"rook"`` (shared edge),
        ``"knn"`` (``k`` nearest centroids, not symmetric), ``"distance_band"``
        (centroids within ``threshold``, binary; default threshold: the
        smallest distance that gives every area a neighbour) or ``"kernel"``
        (adaptive kernel over the ``k`` nearest centroids, self-weight 1).
    k
        Neighbours for ``knn`` and ``kernel``.
    threshold
        Distance for ``distance_band`` in CRS units (metres for projected CRS).
    islands
        ``"exclude"``: keep islands without neighbours (reported; local
        statistics give them the category "ohne Nachbarn").
        ``"knn"``: link each island symmetrically to its ``island_k`` nearest
        areas (by centroid distance); they are listed in ``attached``.
    island_k
        Number of nearest areas an island is attached to.
    kernel_function
        libpysal kernel function (``triangular``, ``gaussian``, ``bisquare``, ...).
    row_standardize
        Row-standardise the ``W`` (default); otherwise binary/original weights.
    lang
        Language of messages.

    Returns
    -------
    WeightsResult
    """
    lang = get_lang(lang)
    ids = _checked_ids(gdf, kind, islands, k, lang)
    params: dict[str, Any] = {"kind": kind, "islands": islands}
    g = gdf[[gdf.geometry.name]].copy()
    g.index = pd.Index(ids)
    pos = {key: i for i, key in enumerate(ids)}

    if kind in ("queen", "rook"):
        m = _contiguity_matrix(g, kind, pos)
    elif kind == "knn":
        m = _knn_matrix(_projected_points(g, lang), k)
        params["k"] = k
    elif kind == "distance_band":
        m = _band_matrix(g, threshold, params, lang)
    else:  # kernel
        m = _kernel_matrix(_projected_points(g, lang), k, kernel_function)
        params["k"] = k
        params["function"] = kernel_function

    transform = "R" if row_standardize else "B" if kind != "kernel" else "O"
    res = _make_result(m, ids, kind, transform=transform, attached=(), params=params)
    if res.islands and islands == "knn":
        params["island_k"] = island_k
        m = _attach_islands(res, _projected_points(g, lang), pos, island_k)
        res = _make_result(m, ids, kind, transform=transform, attached=res.islands, params=params)
    elif res.islands:
        warnings.warn(
            t(
                _MSG,
                "islands_found",
                lang,
                n=len(res.islands),
                kind=kind,
                ids=format_ids(res.islands),
                knob=knob("islands", lang),
            ),
            SozialraumWarning,
            stacklevel=2,
        )
    return res


def _checked_ids(gdf, kind, islands, k: int, lang: str) -> tuple[str, ...]:
    """Area keys as text, after checking options, duplicates and empty geometries."""
    if not hasattr(gdf, "geometry"):
        raise InputError(t(_MSG, "not_gdf", lang, typ=type(gdf).__name__))
    if kind not in ("queen", "rook", "knn", "distance_band", "kernel"):
        raise InputError(t(_MSG, "kind", lang, kind=kind))
    if islands not in ("exclude", "knn"):
        raise InputError(t(_MSG, "islands_opt", lang, opt=islands))
    ids = tuple(str(i) for i in gdf.index)
    n = len(ids)
    if n < 2:
        raise InputError(t(_MSG, "too_few", lang, n=n))
    dup = pd.Index(ids)[pd.Index(ids).duplicated()].unique().tolist()
    if dup:
        raise InputError(t(_MSG, "dup_ids", lang, ids=format_ids(dup)), ids=dup)
    geom = gdf.geometry
    bad = [ids[i] for i in np.flatnonzero((geom.isna() | geom.is_empty).to_numpy())]
    if bad:
        raise InputError(t(_MSG, "empty_geom", lang, ids=format_ids(bad)), ids=bad)
    if kind in ("knn", "kernel") and not 1 <= k <= n - 1:
        raise InputError(t(_MSG, "k", lang, k=k, nmax=n - 1))
    return ids


def _contiguity_matrix(g, kind: str, pos: dict) -> sparse.csr_matrix:
    """Binary queen/rook contiguity (libpysal) in the order of ``pos``."""
    from libpysal.weights import Queen, Rook

    n = len(pos)
    cls = Queen if kind == "queen" else Rook
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w0 = cls.from_dataframe(g, use_index=True, silence_warnings=True)
    rows, cols = [], []
    for key, nbs in w0.neighbors.items():
        i = pos[str(key)]
        for nb in nbs:
            rows.append(i)
            cols.append(pos[str(nb)])
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def _band_matrix(g, threshold, params: dict, lang: str) -> sparse.csr_matrix:
    """Binary distance band between centroids; records threshold and unit in ``params``."""
    from scipy.spatial import cKDTree

    xy = _projected_points(g, lang)
    n = len(xy)
    if threshold is None:
        d, _ = cKDTree(xy).query(xy, k=2)
        threshold = float(d[:, 1].max()) * (1 + 1e-9)
    if not (threshold > 0 and np.isfinite(threshold)):
        raise InputError(t(_MSG, "threshold", lang, thr=threshold))
    pairs = cKDTree(xy).query_pairs(float(threshold), output_type="ndarray")
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    params["threshold"] = float(threshold)
    crs = g.geometry.crs
    metre = crs is not None and (crs.is_geographic or "metre" in str(crs.axis_info[0].unit_name))
    params["unit"] = "m" if metre else "crs"
    return m


def _kernel_matrix(xy: np.ndarray, k: int, kernel_function: str) -> sparse.csr_matrix:
    """Adaptive kernel over the ``k`` nearest centroids (libpysal), self-weight 1."""
    from libpysal.weights import Kernel

    n = len(xy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kw = Kernel(xy, k=k, function=kernel_function, fixed=False, diagonal=True)
    # Kernel ids are 0..n-1 positions
    rows, cols, vals = [], [], []
    for i, nbs in kw.neighbors.items():
        for nb, val in zip(nbs, kw.weights[i], strict=True):
            rows.append(int(i))
            cols.append(int(nb))
            vals.append(float(val))
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, n))
    m.eliminate_zeros()
    return m


def _attach_islands(res, xy: np.ndarray, pos: dict, island_k: int) -> sparse.csr_matrix:
    """The matrix with each island linked both ways to its ``island_k`` nearest areas."""
    from scipy.spatial import cKDTree

    n = len(xy)
    tree = cKDTree(xy)
    m = res.matrix.tolil()
    for key in res.islands:
        i = pos[key]
        _, idx = tree.query(xy[i], k=min(island_k + 1, n))
        for j in [j for j in np.atleast_1d(idx) if j != i][:island_k]:
            m[i, j] = 1.0
            m[j, i] = 1.0
    return m.tocsr()


def as_weights(w, data=None, *, lang: str | None = None) -> WeightsResult:
    """Coerce ``w`` to a :class:`WeightsResult`.

    ``None`` builds queen weights from ``data`` (a GeoDataFrame); a libpysal
    ``W`` is wrapped (its untransformed weights recovered if possible).
    """
    if w is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SozialraumWarning)
            return build_weights(data, "queen", lang=lang)
    if isinstance(w, WeightsResult):
        return w
    if hasattr(w, "unique_ids") and not hasattr(w, "id_order"):  # libpysal.graph.Graph
        gids = tuple(str(i) for i in w.unique_ids)
        gtr = str(getattr(w, "transformation", "O")).upper()
        return _make_result(
            sparse.csr_matrix(w.sparse, dtype=float),
            gids,
            "custom",
            transform="R" if gtr == "R" else "O",
            attached=(),
            params={"kind": "custom"},
        )
    # libpysal W: recover the original (untransformed) weights without touching the caller's object
    from libpysal.weights import W as _W

    ids = tuple(str(i) for i in w.id_order)
    orig = str(getattr(w, "transform", "O")).upper()
    base = getattr(w, "transformations", {}).get("O", w.weights)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tmp = _W(
            {str(a): [str(b) for b in v] for a, v in w.neighbors.items()},
            {str(a): list(v) for a, v in base.items()},
            id_order=list(ids),
            silence_warnings=True,
        )
    return _make_result(
        tmp.sparse.tocsr(),
        ids,
        "custom",
        transform=orig if orig in ("R", "B") else "O",
        attached=(),
        params={"kind": "custom"},
    )
