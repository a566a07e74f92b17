"""Streaming engine shared by the raster functions (private).

The raster is visited tile by tile (``window_size`` × ``window_size`` cells);
only tiles that some area touches are read, and never the whole raster. For
each tile the areas whose bounding box intersects it are found with a spatial
index, and each area's cells are found in one of two ways:

``center``
    A cell belongs to an area when its centre lies inside the area (GDAL's
    scan-line rule, as ``rasterio.features.rasterize(all_touched=False)`` and
    ``rasterstats`` use). All areas of a tile are burnt into one label array;
    areas whose interiors overlap are put on separate "layers" (greedy
    colouring) so that every area gets all of its cells. For sum/count/mean
    only (:func:`center_sums`) no label array is burnt: a vectorised
    scan-line (:func:`center_runs`, GDAL's rule) yields runs of cells per
    area and row, summed with one ``np.add.reduceat`` per tile.

``coverage``
    Every cell gets the exact fraction of its area covered by the area
    (0..1). The fractions are computed from the polygon's edges with Green's
    theorem: every edge is split where it crosses a grid line, each piece
    lies in one cell and adds the signed trapezoid between itself and the
    cell's top edge to that cell and a full signed strip to every cell above
    it in the same column. Summing the pieces of closed rings gives the exact
    covered area of every cell (holes and multi-part polygons included).
    Polygons are first clipped to the tile, so each tile is self-contained.
    For sums (sum, count, mean) no per-cell fractions are formed at all:
    with column prefix sums P of the tile, a piece in cell (r, c) adds
    ``own·X[r, c] + du·P[r-1, c]`` (:func:`pieces_sums`), so the work per
    area is proportional to its boundary length, not to its area.
    This is the algorithm family exactextract uses; it is written here in
    vectorised numpy so that the package has no hard dependency on
    exactextract and the tests can use exactextract as an independent
    reference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import shapely
from affine import Affine
from rasterio.features import rasterize
from rasterio.windows import Window


@dataclass(frozen=True)
class TileCells:
    """Cells of one area inside one tile.

    ``rows``, ``cols`` are tile-relative indices, ``weight`` is 1 (centre
    method) or the covered fraction (coverage method, > 0).
    """

    area: int
    rows: np.ndarray
    cols: np.ndarray
    weight: np.ndarray


def overlap_layers(geoms: np.ndarray) -> np.ndarray:
    """Assign each polygon a layer so that no two polygons of a layer overlap.

    Overlap means the interiors intersect (touching boundaries do not count).
    A partition of planning areas therefore needs a single layer.
    """
    n = len(geoms)
    layers = np.zeros(n, dtype=np.int64)
    if n < 2:
        return layers
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return layers
    touching = shapely.touches(geoms[left], geoms[right])
    left, right = left[~touching], right[~touching]
    if len(left) == 0:
        return layers
    neighbours: dict[int, list[int]] = {}
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    for i in sorted(neighbours):
        used = {int(layers[j]) for j in neighbours[i] if j < i}
        k = 0
        while k in used:
            k += 1
        layers[i] = k
    return layers


def window_transform(tf: Affine, win: Window) -> Affine:
    """Affine transform of a window of a north-up raster (no ``*`` operator: affine 2.x/3.x)."""
    return Affine(tf.a, 0.0, tf.c + win.col_off * tf.a, 0.0, tf.e, tf.f + win.row_off * tf.e)


def to_cells(tf: Affine, x: np.ndarray | float, y: np.ndarray | float):
    """Fractional (column, row) of map coordinates in a north-up raster."""
    return (x - tf.c) / tf.a, (y - tf.f) / tf.e


def iter_tiles(
    height: int,
    width: int,
    window_size: int,
    bounds_rc: tuple[int, int, int, int],
    block: tuple[int, int] | None = None,
) -> Iterator[Window]:
    """Yield tile windows covering rows/cols ``bounds_rc`` = (r0, r1, c0, c1).

    Tiles hold at most about ``window_size``² cells. For a tiled raster they
    are squares aligned to its blocks (each block is decompressed once); for a
    striped raster (blocks as wide as the raster) they are bands of full
    width, so that no strip is read twice.
    """
    r0, r1, c0, c1 = bounds_rc
    r0, c0 = max(r0, 0), max(c0, 0)
    r1, c1 = min(r1, height), min(c1, width)
    if r1 <= r0 or c1 <= c0:
        return
    bh, bw = block if block else (1, 1)
    if bw >= width:  # striped: full-width bands
        tile_w = c1 - c0
        tile_h = max(window_size * window_size // max(tile_w, 1), 1)
        tile_h = max((tile_h // max(bh, 1)) * bh, min(bh, window_size * 4))
        col_starts = [c0]
    else:
        step_c = max((window_size // bw) * bw, bw)
        tile_w = step_c
        tile_h = max((window_size // max(bh, 1)) * bh, bh)
        col_starts = range((c0 // step_c) * step_c, c1, step_c)
    for tr in range((r0 // tile_h) * tile_h, r1, tile_h):
        for tc in col_starts:
            rs, cs = max(tr, r0), max(tc, c0)
            re, ce = min(tr + tile_h, r1), min(tc + tile_w, c1)
            if re > rs and ce > cs:
                yield Window(cs, rs, ce - cs, re - rs)


def gdal_env():
    """A rasterio environment with a small GDAL block cache.

    The tiles are aligned to the raster's blocks and every block is read once,
    so GDAL's default cache (5 % of RAM) only costs memory and time.
    """
    import rasterio

    return rasterio.Env(GDAL_CACHEMAX=128)


def center_labels(
    geoms: np.ndarray,
    ids: np.ndarray,
    layers: np.ndarray,
    shape: tuple[int, int],
    transform: Affine,
) -> Iterator[np.ndarray]:
    """Burn area numbers (+1; 0 = none) per overlap layer into int32 arrays."""
    for layer in np.unique(layers):
        sel = layers == layer
        shapes = zip(geoms[sel].tolist(), (ids[sel] + 1).tolist(), strict=True)
        yield rasterize(
            shapes, out_shape=shape, transform=transform, fill=0, all_touched=False, dtype="int32"
        )


def _pieces(coords: np.ndarray, ring_id: np.ndarray):
    """Split consecutive ring edges at integer grid lines (cell units).

    ``coords`` are vertex coordinates (u = column, v = row, both in cells);
    ``ring_id`` the ring of each vertex. Returns per piece: u0, u1, v-mid,
    source ring.
    """
    same = ring_id[:-1] == ring_id[1:]
    p0 = coords[:-1][same]
    p1 = coords[1:][same]
    rid = ring_id[:-1][same]
    n = len(p0)
    du = p1[:, 0] - p0[:, 0]
    dv = p1[:, 1] - p0[:, 1]
    ts = [np.zeros(n), np.ones(n)]
    owners = [np.arange(n), np.arange(n)]
    for axis, d in ((0, du), (1, dv)):
        a0, a1 = p0[:, axis], p1[:, axis]
        lo, hi = np.minimum(a0, a1), np.maximum(a0, a1)
        kmin = np.floor(lo) + 1
        kmax = np.ceil(hi) - 1
        cnt = np.maximum(kmax - kmin + 1, 0).astype(np.int64)
        cnt[d == 0] = 0
        total = int(cnt.sum())
        if total == 0:
            continue
        owner = np.repeat(np.arange(n), cnt)
        start = np.repeat(np.cumsum(cnt) - cnt, cnt)
        k = kmin[owner] + (np.arange(total) - start)
        t = (k - a0[owner]) / d[owner]
        ts.append(t)
        owners.append(owner)
    t_all = np.concatenate(ts)
    o_all = np.concatenate(owners)
    order = np.lexsort((t_all, o_all))
    t_all, o_all = t_all[order], o_all[order]
    nxt = o_all[1:] == o_all[:-1]
    ta, tb, own = t_all[:-1][nxt], t_all[1:][nxt], o_all[:-1][nxt]
    u0 = p0[own, 0] + ta * du[own]
    u1 = p0[own, 0] + tb * du[own]
    va = p0[own, 1] + ta * dv[own]
    vb = p0[own, 1] + tb * dv[own]
    umid = 0.5 * (u0 + u1)
    vmid = 0.5 * (va + vb)
    return u0, u1, umid, vmid, rid[own]


def orient_ccw(geoms: np.ndarray) -> np.ndarray:
    """Exterior rings counter-clockwise, holes clockwise (shapely ≥ 2.1 vectorised, else a loop)."""
    if hasattr(shapely, "orient_polygons"):
        return shapely.orient_polygons(geoms, exterior_cw=False)
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.geometry.polygon import orient

    out = []
    for g in geoms:
        if isinstance(g, Polygon):
            out.append(orient(g, 1.0))
        elif isinstance(g, MultiPolygon):
            out.append(MultiPolygon([orient(p, 1.0) for p in g.geoms]))
        elif g is not None and hasattr(g, "geoms"):  # collections from make_valid
            polys = [p for p in shapely.get_parts(g) if isinstance(p, Polygon)]
            out.append(MultiPolygon([orient(p, 1.0) for p in polys]))
        else:
            out.append(g)
    return np.asarray(out, dtype=object)


def tile_pieces(
    geoms: np.ndarray, ids: np.ndarray, shape: tuple[int, int], transform: Affine
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Edge pieces of areas clipped to a tile, one per (edge, cell) crossing.

    Returns parallel arrays ``area`` (global number), ``row``, ``col`` (tile
    cell of the piece), ``own`` (signed area between the piece and the top
    edge of its cell) and ``du`` (signed width of the piece: a full strip of
    that width is added to every cell above the piece in its column). The
    exact covered area of cell (r, c) by an area is the sum of ``own`` of its
    pieces in that cell plus the ``du`` of its pieces lower in column c.
    """
    h, w = shape
    empty = np.zeros(0, dtype=np.int64)
    geoms = orient_ccw(geoms)
    parts, part_idx = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(parts) == 3  # polygons only
    parts, part_idx = parts[keep], part_idx[keep]
    if len(parts) == 0:
        return empty, empty, empty, np.zeros(0), np.zeros(0)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, vert_ring = shapely.get_coordinates(rings, return_index=True)
    # to cell units: u = column, v = row (downwards)
    u, v = to_cells(transform, xy[:, 0], xy[:, 1])
    coords = np.column_stack([u, v])
    u0, u1, umid, vmid, rid = _pieces(coords, vert_ring)
    du = u1 - u0
    nz = du != 0
    du, umid, vmid, rid = du[nz], umid[nz], vmid[nz], rid[nz]
    area = np.asarray(ids)[part_idx[ring_part[rid]]].astype(np.int64)
    col = np.clip(np.floor(umid).astype(np.int64), 0, w - 1)
    row = np.clip(np.floor(vmid).astype(np.int64), 0, h - 1)
    own = du * (vmid - row)
    return area, row, col, own, du


def column_prefix(a: np.ndarray, *, inplace: bool = False) -> np.ndarray:
    """Cumulative sum down the rows (like ``np.cumsum(a, axis=0)``, but with row-wise vector
    adds, several times faster on C-ordered tiles)."""
    p = a if inplace else np.array(a, dtype=np.float64, copy=True)
    for r in range(1, p.shape[0]):
        np.add(p[r], p[r - 1], out=p[r])
    return p


def pieces_sums(
    pieces: tuple[np.ndarray, ...], channels: list[np.ndarray], n: int
) -> list[np.ndarray]:
    """Σ coverage · channel per area, without building coverage arrays.

    Uses column prefix sums of each channel (tile-wide): a piece adds
    ``own · X[r, c] + du · Σ_{r' < r} X[r', c]``. Channels must be finite
    float64 arrays (NaN replaced by 0 beforehand); they are overwritten.
    Exact up to rounding.
    """
    area, row, col, own, du = pieces
    out = []
    for ch in channels:
        at = ch[row, col]
        pref = column_prefix(ch, inplace=True)
        above = pref[row, col] - at  # exclusive prefix: rows above the piece
        out.append(np.bincount(area, weights=own * at + du * above, minlength=n))
    return out


def coverage_cells(
    geoms: np.ndarray, ids: np.ndarray, shape: tuple[int, int], transform: Affine
) -> Iterator[TileCells]:
    """Exact coverage fractions of every area (already clipped to the tile).

    ``transform`` is the tile's affine transform (north-up, no rotation).
    """
    area_of_piece, row, col, own, du = tile_pieces(geoms, ids, shape, transform)
    if len(area_of_piece) == 0:
        return
    order = np.argsort(area_of_piece, kind="stable")
    splits = np.flatnonzero(np.diff(area_of_piece[order])) + 1
    for grp in np.split(order, splits):
        a = int(area_of_piece[grp[0]])
        r, c = row[grp], col[grp]
        r_lo, r_hi = int(r.min()), int(r.max()) + 1
        c_lo, c_hi = int(c.min()), int(c.max()) + 1
        hh, ww = r_hi - r_lo, c_hi - c_lo
        flat = (r - r_lo) * ww + (c - c_lo)
        own_a = np.bincount(flat, weights=own[grp], minlength=hh * ww).reshape(hh, ww)
        strip = np.bincount(flat, weights=du[grp], minlength=hh * ww).reshape(hh, ww)
        # cells above a piece get its strip: exclusive reverse cumulative sum
        below = column_prefix(strip[::-1])[::-1]
        cover = own_a + below - strip
        # exteriors are counter-clockwise in x/y, so the covered area is positive
        cover = np.clip(cover, 0.0, 1.0)
        rr, cc = np.nonzero(cover > 1e-12)
        yield TileCells(a, rr + r_lo, cc + c_lo, cover[rr, cc])


def tile_cells(
    method: str,
    geoms: np.ndarray,
    ids: np.ndarray,
    layers: np.ndarray,
    shape: tuple[int, int],
    transform: Affine,
    tile_box: tuple[float, float, float, float],
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | TileCells]:
    """Dispatch: yields ``(labels_flat_valid_index, area_index, rows, cols)``-like records.

    For the centre method yields label arrays (int32, area number + 1); for
    coverage yields :class:`TileCells`.
    """
    if method == "center":
        yield from center_labels(geoms, ids, layers, shape, transform)
    else:
        clipped = shapely.clip_by_rect(geoms, *tile_box)
        nonempty = ~shapely.is_empty(clipped)
        if nonempty.any():
            yield from coverage_cells(clipped[nonempty], ids[nonempty], shape, transform)


def read_tile(src, band: int, win: Window) -> np.ndarray:
    """Read a window as float64 with NaN for every invalid cell (nodata value, NaN, GDAL mask)."""
    raw = src.read(band, window=win)
    vals = raw.astype(np.float64)
    nodata = src.nodatavals[band - 1]
    if nodata is not None and not np.isnan(nodata):
        vals[raw == nodata] = np.nan
    flags = src.mask_flag_enums[band - 1]
    if any(f.name in ("per_dataset", "alpha") for f in flags):
        vals[src.read_masks(band, window=win) == 0] = np.nan
    return vals


def run(
    src,
    geoms: np.ndarray,
    *,
    band: int,
    method: str,
    window_size: int,
    visit: Callable[..., None],
    pieces: bool = False,
) -> None:
    """Stream over the tiles of an open rasterio dataset ``src``.

    For every tile that some area touches, calls
    ``visit(area, idx, weight, window, vals)`` where ``vals`` is the tile as a
    float64 array with NaN for invalid cells and

    * centre method: ``area`` is an int array of the tile's shape, flattened,
      with the area number (0..n-1) or -1, ``idx`` and ``weight`` are None
      (called once per overlap layer);
    * coverage method: ``area``, ``idx`` (flat index into the tile) and
      ``weight`` (covered fraction) are parallel arrays of cell records;
    * coverage with ``pieces=True``: ``visit(pieces, None, None, window, vals)``
      with the tile's edge pieces (see :func:`tile_pieces`, for
      :func:`pieces_sums`) — much faster for sums.
    """
    if len(geoms) == 0:
        return
    height, width = src.height, src.width
    tf = src.transform
    tree = shapely.STRtree(geoms)
    layers = overlap_layers(geoms) if method == "center" else np.zeros(len(geoms), dtype=np.int64)
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    (ca, cb), (ra, rb) = to_cells(tf, np.array([xmin, xmax]), np.array([ymin, ymax]))
    c0, c1 = int(np.floor(min(ca, cb))), int(np.ceil(max(ca, cb)))
    r0, r1 = int(np.floor(min(ra, rb))), int(np.ceil(max(ra, rb)))
    block = tuple(src.block_shapes[band - 1])
    for win in iter_tiles(height, width, window_size, (r0, r1, c0, c1), block):
        wt = window_transform(tf, win)
        h, w = int(win.height), int(win.width)
        x0, y0 = wt.c, wt.f
        x1, y1 = wt.c + w * wt.a, wt.f + h * wt.e
        tile_box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        cand = tree.query(shapely.box(*tile_box), predicate="intersects")
        if len(cand) == 0:
            continue
        cand = np.sort(cand)
        vals = read_tile(src, band, win)
        if method == "center":
            for labels in center_labels(geoms[cand], cand, layers[cand], (h, w), wt):
                area = labels.ravel()
                area -= 1
                visit(area, None, None, win, vals)
        elif pieces:
            clipped = shapely.clip_by_rect(geoms[cand], *tile_box)
            keep = ~shapely.is_empty(clipped)
            if keep.any():
                visit(tile_pieces(clipped[keep], cand[keep], (h, w), wt), None, None, win, vals)
        else:
            recs = list(tile_cells(method, geoms[cand], cand, layers[cand], (h, w), wt, tile_box))
            if not recs:
                continue
            area = np.concatenate([np.full(len(r.rows), r.area, dtype=np.int64) for r in recs])
            idx = np.concatenate([r.rows * w + r.cols for r in recs])
            wgt = np.concatenate([r.weight for r in recs])
            visit(area, idx, wgt, win, vals)


def center_runs(
    geoms: np.ndarray, ids: np.ndarray, shape: tuple[int, int], transform: Affine
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Runs of cells whose centre lies inside each area (scan-line, even-odd rule).

    Returns parallel arrays ``area``, ``row``, ``col_start``, ``col_end``
    (cells ``col_start <= c < col_end`` of the tile row), or ``None`` if the
    crossings do not pair up (degenerate input; the caller then falls back to
    GDAL). The rule is GDAL's: row centre ``v = r + 0.5`` crosses an edge when
    ``v_lo <= v < v_hi``; a cell is filled when ``x_start < c + 0.5 <= x_end``
    (``floor(x + 0.5)`` bounds), so the cells equal ``rasterize(all_touched=False)``.
    Horizontal edges exactly on a row's centre line, which GDAL fills
    separately, also return ``None``.
    """
    h, w = shape
    parts, part_idx = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(parts) == 3
    parts, part_idx = parts[keep], part_idx[keep]
    if len(parts) == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, e, e, e
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, vert_ring = shapely.get_coordinates(rings, return_index=True)
    u, v = to_cells(transform, xy[:, 0], xy[:, 1])
    same = vert_ring[:-1] == vert_ring[1:]
    u0, u1 = u[:-1][same], u[1:][same]
    v0, v1 = v[:-1][same], v[1:][same]
    owner = np.asarray(ids)[part_idx[ring_part[vert_ring[:-1][same]]]].astype(np.int64)
    # GDAL also fills horizontal edges that lie exactly on a row's centre line;
    # such (rare, synthetic) tiles go to the GDAL path
    flat = v0 == v1
    if flat.any():
        vf = v0[flat]
        on_centre = (vf - 0.5 == np.floor(vf)) & (vf > 0) & (vf < h)
        if on_centre.any():
            return None
    vlo, vhi = np.minimum(v0, v1), np.maximum(v0, v1)
    r_first = np.maximum(np.ceil(vlo - 0.5), 0).astype(np.int64)
    r_last = np.minimum(np.ceil(vhi - 0.5) - 1, h - 1).astype(np.int64)
    cnt = np.where(vhi > vlo, np.maximum(r_last - r_first + 1, 0), 0)
    total = int(cnt.sum())
    if total == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, e, e, e
    edge = np.repeat(np.arange(len(cnt)), cnt)
    start = np.repeat(np.cumsum(cnt) - cnt, cnt)
    row = r_first[edge] + (np.arange(total) - start)
    vc = row + 0.5
    x = u0[edge] + (vc - v0[edge]) * (u1[edge] - u0[edge]) / (v1[edge] - v0[edge])
    area = owner[edge]
    order = np.lexsort((x, row, area))
    area, row, x = area[order], row[order], x[order]
    if len(area) % 2 or (area[0::2] != area[1::2]).any() or (row[0::2] != row[1::2]).any():
        return None
    cs = np.clip(np.floor(x[0::2] + 0.5), 0, w).astype(np.int64)
    ce = np.clip(np.floor(x[1::2] + 0.5), 0, w).astype(np.int64)
    ok = ce > cs
    return area[0::2][ok], row[0::2][ok], cs[ok], ce[ok]


def run_sums(
    a: np.ndarray, invalid: np.ndarray | None, row: np.ndarray, cs: np.ndarray, ce: np.ndarray
) -> np.ndarray:
    """Σ a[row, cs:ce] for every run (float64 accumulation, invalid cells as 0).

    One ``np.add.reduceat`` over the flattened tile: the work is the number of
    cells in the runs, with no prefix-sum arrays.
    """
    h, w = a.shape
    buf = np.empty(h * w + 1, dtype=np.float64)  # converting copy: reduceat is fastest on float64
    buf[:-1] = a.ravel()
    buf[-1] = 0.0
    if invalid is not None:
        buf[:-1][invalid.ravel()] = 0.0
    start = row * w + cs
    # reduceat also sums the gaps between consecutive runs: process the runs in
    # the order of their start so that the gaps add up to at most one tile
    order = np.argsort(start, kind="stable")
    idx = np.empty(2 * len(row), dtype=np.intp)
    idx[0::2] = start[order]
    idx[1::2] = (row * w + ce)[order]
    out = np.empty(len(row))
    out[order] = np.add.reduceat(buf, idx)[0::2]
    return out


def center_sums(
    src, geoms: np.ndarray, *, band: int, window_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fast path of the centre rule for ``sum`` and ``count`` only.

    Same cells as :func:`run` with ``method="center"``, but fewer passes over
    each tile: invalid cells are zeroed in the values and relabelled to the
    spare bin 0, then two ``bincount`` calls give sum and count.
    """
    n = len(geoms)
    acc_sum = np.zeros(n)
    acc_cnt = np.zeros(n)
    if n == 0:
        return acc_sum, acc_cnt
    tf = src.transform
    tree = shapely.STRtree(geoms)
    layers = overlap_layers(geoms)
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    (ca, cb), (ra, rb) = to_cells(tf, np.array([xmin, xmax]), np.array([ymin, ymax]))
    c0, c1 = int(np.floor(min(ca, cb))), int(np.ceil(max(ca, cb)))
    r0, r1 = int(np.floor(min(ra, rb))), int(np.ceil(max(ra, rb)))
    nodata = src.nodatavals[band - 1]
    use_mask = any(f.name in ("per_dataset", "alpha") for f in src.mask_flag_enums[band - 1])
    block = tuple(src.block_shapes[band - 1])
    for win in iter_tiles(src.height, src.width, window_size, (r0, r1, c0, c1), block):
        wt = window_transform(tf, win)
        h, w = int(win.height), int(win.width)
        box = (wt.c, wt.f + h * wt.e, wt.c + w * wt.a, wt.f)
        cand = tree.query(shapely.box(*box), predicate="intersects")
        if len(cand) == 0:
            continue
        cand = np.sort(cand)
        raw = src.read(band, window=win)
        invalid = None
        if nodata is not None and not np.isnan(nodata):
            invalid = raw == nodata
        if raw.dtype.kind == "f":
            nan = np.isnan(raw)
            invalid = nan if invalid is None else (invalid | nan)
        if use_mask:
            masked = src.read_masks(band, window=win) == 0
            invalid = masked if invalid is None else (invalid | masked)
        runs = center_runs(geoms[cand], cand, (h, w), wt)
        if runs is not None:
            area, row, cs, ce = runs
            if len(area) == 0:
                continue
            acc_sum += np.bincount(area, weights=run_sums(raw, invalid, row, cs, ce), minlength=n)
            if invalid is None:
                cnt = (ce - cs).astype(np.float64)
            else:
                cnt = run_sums(~invalid, None, row, cs, ce)
            acc_cnt += np.bincount(area, weights=cnt, minlength=n)
            continue
        vals = raw.astype(np.float64).ravel()
        bad = np.flatnonzero(invalid) if invalid is not None else np.zeros(0, dtype=np.intp)
        vals[bad] = 0.0
        for labels in center_labels(geoms[cand], cand, layers[cand], (h, w), wt):
            lab = labels.ravel().astype(np.intp)
            lab[bad] = 0
            acc_sum += np.bincount(lab, weights=vals, minlength=n + 1)[1:]
            acc_cnt += np.bincount(lab, minlength=n + 1)[1:]
    return acc_sum, acc_cnt
