"""Shared borders and quantised coordinates: the arc encoding of a polygon coverage.

A web map of the 10,997 German municipalities written as plain GeoJSON stores
every border twice (once for each neighbour) and every coordinate as a decimal
text. Encoded as arcs, the way TopoJSON does it (Bostock, *TopoJSON format
specification*, 2013), each border is stored once, as integer steps on a grid:

* coordinates are quantised: ``x = translate_x + i * scale_x`` with integer ``i``;
* rings are cut at *junctions* (points where the neighbourhood of a border
  changes) into arcs; an arc shared by two areas is stored once and referenced
  by index, ``~i`` (``-i - 1``) meaning "arc ``i`` reversed";
* each arc is delta-encoded: its first point absolute, the others as steps.

The encoded object is a GeoJSON ``FeatureCollection`` whose geometries carry
``"arcs"`` instead of ``"coordinates"`` and whose top level carries ``"arcs"``
and ``"transform"`` exactly as in TopoJSON; properties stay where GeoJSON has
them, so a reader of the properties needs no decoding. :func:`decode` turns it
back into plain GeoJSON (the page script does the same in the browser; the
privacy checker reads published maps through :func:`decode`).

Why not the ``topojson`` package: it builds the topology in pure Python (minutes
for the national coverage), while a coverage simplified with
:func:`shapely.coverage_simplify` already has identical vertices on shared
borders, so junctions can be found with a vectorised neighbour test here.

Example
-------
>>> import shapely
>>> a, b = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)
>>> enc = encode([a, b], decimals=2)
>>> len(enc["arcs"])  # the shared edge once, and the two outer parts
3
>>> dec = decode(enc)
>>> shapely.equals(shapely.geometry.shape(dec["features"][1]["geometry"]), b)
True
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import numpy as np
import shapely

_SHIFT = np.int64(1 << 32)


def encode(geoms: Sequence, decimals: int, properties: Sequence[dict] | None = None) -> dict:
    """Arc-encode polygons (longitude/latitude) that form a coverage.

    Parameters
    ----------
    geoms
        Polygons or multipolygons; neighbours share identical vertices where they
        meet (as after :func:`shapely.coverage_simplify`); others still work, they
        just share less.
    decimals
        Quantisation step ``10**-decimals`` (degrees).
    properties
        One dict per geometry (default empty).

    Returns
    -------
    dict
        A ``FeatureCollection`` with top-level ``"arcs"`` and ``"transform"``. A
        geometry whose ring collapses on the grid keeps its exact ``"coordinates"``
        (no area is ever dropped).
    """
    arr = np.asarray(list(geoms), dtype=object)
    props = list(properties) if properties is not None else [{} for _ in range(len(arr))]
    scale = 10.0 ** -int(decimals)
    coords, ring_geom, ring_part, ring_starts = _rings(arr)
    if len(coords):
        translate = (
            math.floor(coords[:, 0].min() / scale) * scale,
            math.floor(coords[:, 1].min() / scale) * scale,
        )
    else:
        translate = (0.0, 0.0)
    keys, ring_of = _quantise(coords, ring_starts, translate, scale)
    sizes = np.bincount(ring_of, minlength=len(ring_geom))
    raw = np.zeros(len(arr), dtype=bool)
    raw[ring_geom[sizes < 3]] = True  # a ring collapsed on the grid: keep the exact geometry
    keep = ~raw[ring_geom[ring_of]]
    keys, ring_of = keys[keep], ring_of[keep]
    junction = _junctions(keys, ring_of)
    arcs, refs = _cut(keys, ring_of, junction)
    features = _features(arr, props, raw, refs, ring_geom, ring_part)
    return {
        "type": "FeatureCollection",
        "transform": {"scale": [scale, scale], "translate": list(translate)},
        "arcs": _arc_texts(arcs),
        "features": features,
    }


def _rings(arr: np.ndarray):
    """All rings' coordinates (closing point dropped) with their geometry and part."""
    parts, part_geom = shapely.get_parts(arr, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    last = np.r_[ring_of[1:] != ring_of[:-1], True] if len(ring_of) else np.zeros(0, bool)
    coords, ring_of = coords[~last], ring_of[~last]
    starts = np.searchsorted(ring_of, np.arange(len(rings)))
    return coords, part_geom[ring_part], ring_part, (ring_of, starts)


def _quantise(coords, ring_info, translate, scale):
    """Grid keys (``i << 32 | j``) with repeated points removed (also across the ring's end)."""
    ring_of, _ = ring_info
    i = np.rint((coords[:, 0] - translate[0]) / scale).astype(np.int64)
    j = np.rint((coords[:, 1] - translate[1]) / scale).astype(np.int64)
    keys = i * _SHIFT + j
    if not len(keys):
        return keys, ring_of
    same = np.r_[False, (keys[1:] == keys[:-1]) & (ring_of[1:] == ring_of[:-1])]
    keys, ring_of = keys[~same], ring_of[~same]
    # the ring's last point equal to its first (after rounding) is the closing point
    n = len(keys)
    first = np.r_[0, np.flatnonzero(ring_of[1:] != ring_of[:-1]) + 1]
    last = np.r_[first[1:] - 1, n - 1]
    wrap = last[(keys[last] == keys[first]) & (last > first)]
    mask = np.ones(n, dtype=bool)
    mask[wrap] = False
    return keys[mask], ring_of[mask]


def _junctions(keys: np.ndarray, ring_of: np.ndarray) -> np.ndarray:
    """True where a point's neighbours differ between its occurrences (TopoJSON's rule)."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=bool)
    first = np.r_[0, np.flatnonzero(ring_of[1:] != ring_of[:-1]) + 1]
    size = np.diff(np.r_[first, n])
    start = np.repeat(first, size)
    length = np.repeat(size, size)
    pos = np.arange(n) - start
    prev = keys[start + (pos - 1) % length]
    nxt = keys[start + (pos + 1) % length]
    lo, hi = np.minimum(prev, nxt), np.maximum(prev, nxt)
    order = np.lexsort((hi, lo, keys))
    k, lo, hi = keys[order], lo[order], hi[order]
    new_pair = np.r_[True, (k[1:] != k[:-1]) | (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])]
    pairs_per_key = np.add.reduceat(
        new_pair.astype(np.int64), np.r_[0, np.flatnonzero(k[1:] != k[:-1]) + 1]
    )
    uniq = k[np.r_[True, k[1:] != k[:-1]]]
    return np.isin(keys, uniq[pairs_per_key > 1])


def _cut(keys, ring_of, junction):
    """Arcs (key arrays, each stored once) and per ring its arc references."""
    arcs: list[np.ndarray] = []
    index: dict[bytes, int] = {}
    refs: dict[int, list[int]] = {}
    if not len(keys):
        return arcs, refs
    first = np.r_[0, np.flatnonzero(ring_of[1:] != ring_of[:-1]) + 1]
    bounds = np.r_[first, len(keys)]
    for r, a, b in zip(ring_of[first], bounds[:-1], bounds[1:], strict=True):
        ring, jun = keys[a:b], np.flatnonzero(junction[a:b])
        if len(jun) == 0:  # a ring meeting no other: one closed arc from its smallest point
            rot = np.roll(ring, -int(np.argmin(ring)))
            pieces = [np.r_[rot, rot[0]]]
        else:
            rot = np.roll(ring, -int(jun[0]))
            cuts = np.r_[jun - jun[0], len(ring)]
            closed = np.r_[rot, rot[0]]
            pieces = [closed[cuts[i] : cuts[i + 1] + 1] for i in range(len(cuts) - 1)]
        refs[int(r)] = [_ref(p, arcs, index) for p in pieces]
    return arcs, refs


def _ref(piece: np.ndarray, arcs: list, index: dict) -> int:
    fwd = piece.tobytes()
    hit = index.get(fwd)
    if hit is not None:
        return hit
    hit = index.get(piece[::-1].tobytes())
    if hit is not None:
        return ~hit
    index[fwd] = len(arcs)
    arcs.append(piece)
    return len(arcs) - 1


def _arc_values(arcs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """All arcs as one int stream (per arc: first point absolute, then steps) and arc lengths."""
    if not arcs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keys = np.concatenate(arcs)
    lengths = np.array([len(a) for a in arcs], dtype=np.int64)
    i, j = keys // _SHIFT, keys % _SHIFT
    di, dj = np.diff(i, prepend=0), np.diff(j, prepend=0)
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    di[starts], dj[starts] = i[starts], j[starts]
    return np.column_stack([di, dj]).ravel(), lengths * 2


def polyline_encode(values: np.ndarray) -> tuple[str, np.ndarray]:
    """Google's encoded polyline algorithm for a stream of integers (vectorised).

    Each value is zig-zag encoded and written in 5-bit groups, low first, as
    characters ``63 + group`` with ``0x20`` set on all but the last group. Returns
    the text and the number of characters of each value.

    Example
    -------
    >>> polyline_encode(np.array([3850000, -12020000, 220000, -75000]))[0]
    '_p~iF~ps|U_ulLnnqC'
    """
    v = np.asarray(values, dtype=np.int64)
    z = (v << 1) ^ (v >> 63)
    shifts = np.arange(13, dtype=np.int64) * 5
    groups = (z[:, None] >> shifts[None, :]) & 31
    n = 1 + ((z[:, None] >> shifts[None, 1:]) > 0).sum(axis=1)
    k = np.arange(13)[None, :]
    chars = groups | np.where(k < n[:, None] - 1, 0x20, 0)
    text = (chars[k < n[:, None]] + 63).astype(np.uint8).tobytes().decode("ascii")
    return text, n


def polyline_decode(text: str) -> np.ndarray:
    """Integers of a text made by :func:`polyline_encode` (vectorised)."""
    b = np.frombuffer(text.encode("ascii"), dtype=np.uint8).astype(np.int64) - 63
    if not len(b):
        return np.zeros(0, dtype=np.int64)
    end = (b & 0x20) == 0
    start = np.r_[0, np.flatnonzero(end)[:-1] + 1]
    pos = np.arange(len(b)) - np.repeat(start, np.diff(np.r_[start, len(b)]))
    z = np.add.reduceat((b & 31) << (5 * pos), start)
    return np.where(z & 1, ~(z >> 1), z >> 1)


def _arc_texts(arcs: list[np.ndarray]) -> list[str]:
    values, lengths = _arc_values(arcs)
    text, nchar = polyline_encode(values)
    ends = np.cumsum(np.add.reduceat(nchar, np.r_[0, np.cumsum(lengths)[:-1]])) if len(arcs) else []
    starts = np.r_[0, ends[:-1]] if len(arcs) else []
    return [text[a:b] for a, b in zip(starts, ends, strict=True)]


def _features(arr, props, raw, refs, ring_geom, ring_part) -> list[dict]:
    """One feature per geometry: arc references per polygon ring, or exact coordinates."""
    rings_of: dict[int, list[tuple[int, int]]] = {}
    for r, (g, p) in enumerate(zip(ring_geom, ring_part, strict=True)):
        rings_of.setdefault(int(g), []).append((int(p), r))
    out = []
    for g, geom in enumerate(arr):
        if raw[g] or g not in rings_of:
            gj = json.loads(shapely.to_geojson(geom))
        else:
            polys: dict[int, list[list[int]]] = {}
            for p, r in rings_of[g]:
                polys.setdefault(p, []).append(refs[r])
            rings = list(polys.values())
            gj = (
                {"type": "Polygon", "arcs": rings[0]}
                if len(rings) == 1
                else {"type": "MultiPolygon", "arcs": rings}
            )
        out.append({"type": "Feature", "properties": props[g], "geometry": gj})
    return out


def is_encoded(obj: object) -> bool:
    """True for a FeatureCollection written by :func:`encode`."""
    return isinstance(obj, dict) and "arcs" in obj and "transform" in obj


def decode(obj: dict) -> dict:
    """Plain GeoJSON (``coordinates``) from an object written by :func:`encode`.

    Follows the TopoJSON specification: arcs are delta-decoded and scaled; a ring
    is the concatenation of its arcs, each after the first without its first point;
    ``~i`` is arc ``i`` reversed.
    """
    sx, sy = obj["transform"]["scale"]
    tx, ty = obj["transform"]["translate"]
    arcs = []
    for a in obj["arcs"]:
        d = np.cumsum(polyline_decode(a).reshape(-1, 2), axis=0).astype(np.float64)
        arcs.append(np.column_stack([d[:, 0] * sx + tx, d[:, 1] * sy + ty]))

    def ring(ids):
        pts = []
        for n, i in enumerate(ids):
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.append(a if n == 0 else a[1:])
        return np.concatenate(pts).tolist()

    feats = []
    for f in obj["features"]:
        g = f["geometry"]
        if isinstance(g, dict) and "arcs" in g:
            if g["type"] == "Polygon":
                g = {"type": "Polygon", "coordinates": [ring(r) for r in g["arcs"]]}
            else:
                g = {
                    "type": "MultiPolygon",
                    "coordinates": [[ring(r) for r in p] for p in g["arcs"]],
                }
        feats.append({**f, "geometry": g})
    return {"type": "FeatureCollection", "features": feats}
