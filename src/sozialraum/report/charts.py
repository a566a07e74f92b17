"""Static charts for Steckbriefe and the Sozialbericht (matplotlib, Agg backend).

Every function returns a matplotlib ``Figure``; :func:`to_data_uri` turns it into
a ``data:image/png;base64,…`` (or SVG) string for embedding in a single HTML file.
Legends and labels are German by default (``lang="en"`` for English).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import weakref
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextvars import ContextVar

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import PlaceHolderLayoutEngine, TightLayoutEngine  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from sozialraum._i18n import get_lang, t  # noqa: E402
from sozialraum.core import palettes  # noqa: E402
from sozialraum.core.crs import metric_crs  # noqa: E402
from sozialraum.core.numbers import format_number  # noqa: E402
from sozialraum.core.palettes import class_colors  # noqa: E402
from sozialraum.core.processes import can_fork, cores, quiet_worker  # noqa: E402
from sozialraum.core.territory import Territory  # noqa: E402
from sozialraum.report.agg import TextCachingCanvas  # noqa: E402

__all__ = [
    "STATUS_COLORS",
    "DYNAMIK_COLORS",
    "cached_uri",
    "categorical_map",
    "choropleth",
    "default_margins",
    "add_drawn",
    "draw_many",
    "frame_digest",
    "kept",
    "location_map",
    "new_figure",
    "profile_chart",
    "pyramid",
    "scale_bar",
    "shared_charts",
    "sharing",
    "tight",
    "tight_grid",
    "to_data_uri",
]

_MSG = {
    "no_value": {"de": "kein Wert / nicht bewertet", "en": "no value / not rated"},
    "area": {"de": "Gebiet", "en": "area"},
    "neighbours": {"de": "Nachbargebiete", "en": "neighbouring areas"},
    "profile_x": {
        "de": "z-Wert (0 = {avg}, > 0 = mehr Bedarf)",
        "en": "z-score (0 = {avg}, > 0 = more need)",
    },
    "profile_title": {"de": "Dimensionsprofil", "en": "Dimension profile"},
    "not_rated": {"de": "nicht bewertet", "en": "not rated"},
}

#: Colours of the MSS status and dynamic classes: the web map's (:mod:`sozialraum.core.palettes`).
STATUS_COLORS = dict(palettes.STATUS_CLASS_COLORS)
DYNAMIK_COLORS = dict(palettes.DYNAMIC_CLASS_COLORS)
_NA_COLOR = "#e0e0e0"


#: zlib level of the charts' PNG files (:func:`~sozialraum.report.png.encode_png`).
PNG_COMPRESSION = 6


def to_data_uri(
    fig: Figure, fmt: str = "png", dpi: int = 110, close: bool = True, tight: bool = False
) -> str:
    """Encode a figure as a ``data:`` URI (PNG by default, or ``"svg"``).

    ``tight=True`` crops to the drawn content (one extra draw); the figures of this
    module are laid out already and do not need it. A PNG has the pixels matplotlib
    draws, written by :func:`~sozialraum.report.png.encode_png` (RGB where the figure
    is opaque): a printed PDF takes such a file's data over unchanged
    (:func:`~sozialraum.report.pdf.print_sections`).
    """
    _drop_layout_engine(fig)
    if fmt == "png":
        data = _png(fig, dpi, tight)
    else:
        buf = io.BytesIO()
        fig.savefig(
            buf, format=fmt, dpi=dpi, bbox_inches="tight" if tight else None, facecolor="white"
        )
        data = buf.getvalue()
    if close:
        plt.close(fig)
    mime = "image/svg+xml" if fmt == "svg" else f"image/{fmt}"
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


class _Pixels(io.BytesIO):
    """A file for ``savefig(format="rgba")``: keeps the pixel buffer it gets, with its shape."""

    pixels: np.ndarray | None = None

    def write(self, data) -> int:
        self.pixels = np.array(data, dtype=np.uint8, copy=True)  # (height, width, 4)
        return self.pixels.nbytes


def _png(fig: Figure, dpi: int, tight: bool) -> bytes:
    """The PNG of the pixels ``savefig`` draws (:func:`~sozialraum.report.png.encode_png`)."""
    from sozialraum.report.png import encode_png

    got = _Pixels()
    kw = {"dpi": dpi, "bbox_inches": "tight" if tight else None, "facecolor": "white"}
    fig.savefig(got, format="rgba", **kw)
    if got.pixels is None or got.pixels.ndim != 3 or got.pixels.shape[2] != 4:
        buf = io.BytesIO()  # a matplotlib that hands over no shaped buffer: its own PNG
        fig.savefig(buf, format="png", **kw)
        return buf.getvalue()
    return encode_png(
        got.pixels,
        level=PNG_COMPRESSION,
        dpi=dpi,
        text={"Software": f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/"},
    )


def _drop_layout_engine(fig: Figure) -> None:
    """Forget the inert engine ``fig.tight_layout()`` leaves behind.

    With any layout engine on the figure, ``savefig`` draws the whole figure once
    more before printing it (to let the engine lay it out); the placeholder does
    nothing there, so the image is the same without that draw.
    """
    rc = matplotlib.rcParams
    if (
        isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine)
        and not rc["figure.autolayout"]
        and not rc["figure.constrained_layout.use"]
    ):
        fig.set_layout_engine(None)


#: Subplot margins of the tight layout per figure shape and text (see :func:`tight`).
_MARGINS: dict[Hashable, dict[str, float]] = {}


def tight(fig: Figure, key: Hashable | None = None) -> None:
    """``fig.tight_layout()``; with ``key``, computed once per process and ``key``.

    ``key`` must name everything that decides the margins (figure size, the
    texts outside the axes); the layout is then the one a new figure would get,
    so a chart does not depend on the charts drawn before it.
    """
    got = _MARGINS.get(key) if key is not None else None
    if got is None:
        TightLayoutEngine().execute(fig)  # as fig.tight_layout(), without an engine left on fig
        sp = fig.subplotpars
        got = {k: getattr(sp, k) for k in ("left", "right", "bottom", "top", "wspace", "hspace")}
        if key is not None:
            if len(_MARGINS) >= 256:
                _MARGINS.clear()
            _MARGINS[key] = got
    else:
        fig.subplots_adjust(**got)


#: Per kept figure: the parts of each axes' layout box that do not depend on its y axis.
_BOXES: dict[Hashable, list] = {}
#: Axes' axes (x, y) whose empty label :func:`tight_grid` placed and fixed until its next layout.
_PLACED: weakref.WeakSet = weakref.WeakSet()


def _finite(box) -> bool:
    """A box the tight layout counts: finite and not a single point (``Bbox._is_finite``).

    Written out because that method exists only from matplotlib 3.11 on.
    """
    w, h = box.width, box.height
    return bool((w > 0 or h > 0) and w < np.inf and h < np.inf)


class _Boxed:
    """An axes as the tight layout sees it, with its layout box already computed."""

    def __init__(self, ax, box) -> None:
        self._ax, self._box = ax, box

    def get_visible(self) -> bool:
        return self._ax.get_visible()

    def get_tightbbox(self, *args, **kwargs):
        return self._box


def _axis_artists(ax, axis) -> tuple[list, list]:
    """The layout boxes' artists of ``ax`` that depend on ``axis``, and the others."""
    extra = ax.get_default_bbox_extra_artists()
    on = [a for a in extra if getattr(a, "axis", None) is axis]  # spines with its ticks
    return on, [a for a in extra if a not in on]


def _fixed_boxes(ax, renderer, others: list, kept) -> list:
    """:meth:`Axes.get_tightbbox` (layout only) without the measured axis and its spines.

    ``kept`` is the other axis (``ax.xaxis`` where the y axis is measured per chart).
    """
    from matplotlib.artist import _get_tightbbox_for_layout_only

    bb = []
    if ax.axison and kept.get_visible():
        ba = _get_tightbbox_for_layout_only(kept, renderer)
        if ba:
            bb.append(ba)
    ax._update_title_position(renderer)
    bb.append(ax.get_window_extent(renderer))
    for title in (ax.title, ax._left_title, ax._right_title):
        if title.get_visible():
            bt = title.get_window_extent(renderer)
            if bt.width > 0:  # as get_tightbbox(for_layout_only=True): one pixel wide
                bt.x0 = (bt.x0 + bt.x1) / 2 - 0.5
                bt.x1 = bt.x0 + 1.0
            bb.append(bt)
    for a in others:
        box = a.get_tightbbox(renderer)
        if box is not None and _finite(box):
            bb.append(box)
    # copies: the axes' own box follows the axes, and these are kept for later charts
    return [b.frozen() for b in bb if b.width != 0 or b.height != 0]


def _y_axis_box(ax, renderer):
    """``ax.yaxis.get_tightbbox(renderer, for_layout_only=True)``, its tick labels measured once.

    Matplotlib measures the tick labels twice there (once more to place the axis
    label); here the label is placed from the same boxes, as matplotlib places it for
    a y axis on the left whose labels are not aligned with other axes. Any other
    axis is measured by matplotlib itself.
    """
    from matplotlib.artist import _get_tightbbox_for_layout_only
    from matplotlib.transforms import Bbox

    axis = ax.yaxis
    fig = ax.figure  # the axes' (sub)figure (``get_figure(root=False)`` from matplotlib 3.10 on)
    groups = getattr(fig, "_align_label_groups", {})
    if not (
        axis.label_position == "left"
        and "outline" not in ax.spines
        and "y" in groups
        and list(groups["y"].get_siblings(ax)) == [ax]
        and axis.get_in_layout()
        and axis.get_visible()
    ):
        return _get_tightbbox_for_layout_only(axis, renderer)
    ticks = axis._update_ticks()
    tlb1, tlb2 = axis._get_ticklabel_bboxes(ticks, renderer)
    if axis._autolabelpos:  # as YAxis._update_label_position
        _x, y = axis.label.get_position()
        box = Bbox.union([*tlb1, ax.spines.get("left", ax).get_window_extent()])
        dpi = fig.dpi  # a subfigure's is its figure's
        axis.label.set_position((box.x0 - axis.labelpad * dpi / 72, y))
    axis._update_offset_text_position(tlb1, tlb2)
    axis.offsetText.set_text(axis.major.formatter.get_offset())
    boxes = [
        *(a.get_window_extent(renderer) for a in [axis.offsetText] if a.get_visible()),
        *tlb1,
        *tlb2,
    ]
    if axis.label.get_visible():
        bb = axis.label.get_window_extent(renderer)
        if bb.height > 0:  # the label's height does not count for the layout
            bb.y0 = (bb.y0 + bb.y1) / 2 - 0.5
            bb.y1 = bb.y0 + 1.0
        boxes.append(bb)
    boxes = [b for b in boxes if _finite(b)]
    return Bbox.union(boxes) if boxes else None


def _layout_box(ax, renderer, fixed: list, on_axis: list, measure: str):
    """The layout box of ``ax``: the kept parts and those of its measured axis, as get_tightbbox."""
    from matplotlib.artist import _get_tightbbox_for_layout_only
    from matplotlib.transforms import Bbox

    bb = list(fixed)
    axis = ax.yaxis if measure == "y" else ax.xaxis
    if ax.axison and axis.get_visible():
        if measure == "y":
            ba = _y_axis_box(ax, renderer)
        else:
            ba = _get_tightbbox_for_layout_only(axis, renderer)
        if ba and (ba.width != 0 or ba.height != 0):
            bb.append(ba)
    for a in on_axis:
        box = a.get_tightbbox(renderer)
        if box is not None and _finite(box) and (box.width != 0 or box.height != 0):
            bb.append(box)
    return Bbox.union(bb)


def tight_grid(
    fig: Figure, key: Hashable, *, measure: str = "y", others_in_key: bool = False
) -> None:
    """``fig.tight_layout()`` for a kept grid of axes whose charts differ only in their y axes.

    The margins come from matplotlib's own tight-layout computation; of each axes'
    layout box (:meth:`~matplotlib.axes.Axes.get_tightbbox`) only the y axis (its
    ticks, tick labels and spine) is measured per chart; the rest (x axis, title,
    frame) is kept per ``key``, the x ticks and limits and the figure size. ``key``
    must name the figure (its axes and texts). The union of the boxes is the same
    (minimum and maximum of the same numbers), so the layout is exactly that of
    ``fig.tight_layout()``.

    ``measure="x"``: the same for charts that differ only in their x axes. The
    other artists outside the axes (legend, texts) are kept by their identity, or,
    with ``others_in_key``, by ``key``, which must then name them (for a chart that
    draws them anew each time).

    Empty axis labels (which draw nothing) keep the place this layout gives them
    until the next one, so that saving does not measure the tick labels again.
    """
    from matplotlib._tight_layout import get_subplotspec_list, get_tight_layout_figure

    renderer = fig._get_renderer()  # as TightLayoutEngine.execute
    params = TightLayoutEngine().get()
    axes_axes = [a for ax in fig.axes for a in (ax.xaxis, ax.yaxis)]
    for axis in axes_axes:
        if axis in _PLACED:  # placed by the previous layout: placed again, as matplotlib does
            axis._autolabelpos = True
            _PLACED.discard(axis)
    with getattr(renderer, "_draw_disabled", contextlib.nullcontext)():
        for ax in fig.axes:
            if ax.get_visible():
                ax.apply_aspect(None)  # as get_tightbbox (no axes locator here)
        measured = [ax.yaxis if measure == "y" else ax.xaxis for ax in fig.axes]
        fixed_axes = [ax.xaxis if measure == "y" else ax.yaxis for ax in fig.axes]
        parts = [_axis_artists(ax, axis) for ax, axis in zip(fig.axes, measured, strict=True)]
        full = (
            key,
            measure,
            tuple(fig.get_size_inches()),
            fig.dpi,
            tuple(
                (
                    ax.get_visible(),
                    tuple(axis.get_view_interval()),
                    tuple(axis.get_majorticklocs()),
                    () if others_in_key else tuple(map(id, others)),
                )
                for ax, axis, (_on, others) in zip(fig.axes, fixed_axes, parts, strict=True)
            ),
        )
        fixed = kept(
            _BOXES,
            full,
            lambda: [
                _fixed_boxes(ax, renderer, others, axis) if ax.get_visible() else None
                for ax, axis, (_on, others) in zip(fig.axes, fixed_axes, parts, strict=True)
            ],
            limit=64,
        )
        boxed = [
            _Boxed(ax, _layout_box(ax, renderer, fx, on, measure) if fx is not None else None)
            for ax, (on, _others), fx in zip(fig.axes, parts, fixed, strict=True)
        ]
        kwargs = get_tight_layout_figure(
            fig,
            boxed,
            get_subplotspec_list(fig.axes),
            renderer,
            pad=params["pad"],
            h_pad=params["h_pad"],
            w_pad=params["w_pad"],
            rect=params["rect"],
        )
    if kwargs:
        fig.subplots_adjust(**kwargs)
    for axis in axes_axes:
        if axis._autolabelpos and axis.label.get_text() == "":
            # an empty axis label draws nothing: drawing need not measure the tick labels
            # again to place it (as after Axis.set_label_coords); the next layout does
            axis._autolabelpos = False
            _PLACED.add(axis)


class _Canvas(TextCachingCanvas):
    """The canvas of the charts here: drawn once, when saved; each text rasterised once.

    geopandas' ``plot`` asks the canvas for a redraw after every layer
    (``draw_idle``); on Agg that is a full draw of the figure, ticks included, and
    took most of the time of a location map. The image is the same. Texts are
    rasterised once per process (:mod:`sozialraum.report.agg`), with Agg's pixels.
    """

    def draw_idle(self, *args, **kwargs) -> None:
        return None


def new_figure(figsize) -> Figure:
    """A figure on :class:`_Canvas` (not kept by ``pyplot``: nothing to close)."""
    fig = Figure(figsize=figsize)
    _Canvas(fig)
    return fig


def _subplots(figsize) -> tuple[Figure, object]:
    """A figure with one axes on :class:`_Canvas` (not kept by ``pyplot``)."""
    fig = new_figure(figsize)
    return fig, fig.add_subplot()


def kept(store: dict, key: Hashable, make: Callable[[], object], limit: int = 8):
    """``store[key]``, made by ``make()`` the first time; ``store`` holds at most ``limit``.

    The one pattern of the figures and layouts kept per process here: a kept figure
    is drawn again for the next chart of the same shape and texts.
    """
    got = store.get(key)
    if got is None:
        if len(store) >= limit:
            store.clear()
        got = store[key] = make()
    return got


class _ChartCache:
    """Images already drawn (key → data URI) and digests of the frames they were drawn from."""

    def __init__(self) -> None:
        self.images: dict[Hashable, str | None] = {}
        self.frames: dict[tuple, tuple[object, str]] = {}  # (id, columns) → (frame, digest)
        self.hits = 0


_SHARED: ContextVar[_ChartCache | None] = ContextVar("sozialraum_shared_charts", default=None)
_COLLECT: ContextVar[list | None] = ContextVar("sozialraum_collect_charts", default=None)


@contextlib.contextmanager
def shared_charts() -> Iterator[_ChartCache]:
    """Draw each chart once in the block: profiles of several release levels share it.

    A chart is shared only when everything it is drawn from is identical: its key
    holds a digest of the plotted values (:func:`frame_digest`), so a level whose
    release shows other values gets its own chart.
    """
    cache = _ChartCache()
    token = _SHARED.set(cache)
    try:
        yield cache
    finally:
        _SHARED.reset(token)


def sharing() -> bool:
    """True inside :func:`shared_charts`."""
    return _SHARED.get() is not None


def frame_digest(frame, columns: Sequence[str] | None = None) -> str:
    """SHA-1 of a frame's index and ``columns`` (geometry as WKB); remembered per frame object."""
    if frame is None:
        return "-"
    cols = tuple(c for c in (columns or frame.columns) if c in frame.columns)
    cache = _SHARED.get()
    memo = (id(frame), cols)
    if cache is not None and memo in cache.frames and cache.frames[memo][0] is frame:
        return cache.frames[memo][1]
    h = hashlib.sha1()
    h.update(str(getattr(frame, "crs", None) if "geometry" in cols else None).encode())
    h.update(pd.util.hash_pandas_object(frame.index.to_series(), index=False).to_numpy().tobytes())
    for c in cols:
        h.update(str(c).encode())
        col = frame[c]
        if getattr(col, "dtype", None) is not None and col.dtype.name == "geometry":
            for wkb in col.to_wkb():
                h.update(b"\0" if wkb is None else wkb)
        else:
            h.update(pd.util.hash_pandas_object(col.astype(str), index=False).to_numpy().tobytes())
    digest = h.hexdigest()
    if cache is not None:
        cache.frames[memo] = (frame, digest)
    return digest


def cached_uri(key: Hashable, make: Callable[[], Figure | None], fmt: str = "png") -> str | None:
    """The data URI of the figure ``make()`` draws, drawn once per ``key`` in :func:`shared_charts`.

    ``key`` must name everything the figure shows (use :func:`frame_digest` for
    frames). Outside :func:`shared_charts` the figure is simply drawn.
    """
    cache = _SHARED.get()
    full = (key, fmt)
    if cache is not None and full in cache.images:
        cache.hits += 1
        return cache.images[full]
    jobs = _COLLECT.get()
    if jobs is not None:  # only say what would be drawn (see draw_many)
        jobs.append((full, make))
        return None
    fig = make()
    uri = to_data_uri(fig, fmt) if fig is not None else None
    if cache is not None:
        cache.images[full] = uri
    return uri


def _metric(gdf):
    if gdf is None:
        return None
    if gdf.crs is not None and gdf.crs.is_geographic:
        return gdf.to_crs(metric_crs(gdf))  # the one metric-CRS rule
    return gdf


def scale_bar(
    ax, *, lang: str | None = "de", fraction: float = 0.25, loc: str = "lower left"
) -> float:
    """The scale bar of every print map (:func:`sozialraum.spatial.plots.scale_bar`); length in m."""
    from sozialraum.spatial.plots import scale_bar as draw_scale_bar

    return draw_scale_bar(ax, lang=lang, fraction=fraction, loc=loc)


def _polygon_path(geom):
    """One compound path of a (multi)polygon: exterior then holes, as geopandas draws it."""
    import shapely
    from matplotlib.path import Path

    parts = [geom] if geom.geom_type == "Polygon" else list(shapely.get_parts(geom))
    rings = []
    for part in parts:
        if part.geom_type == "MultiPolygon":  # inside a collection
            parts.extend(part.geoms)
            continue
        if part.geom_type != "Polygon" or part.is_empty:
            continue  # lines or points in a collection: not an area
        rings.append(Path(np.asarray(part.exterior.coords)[:, :2], closed=True))
        rings.extend(Path(np.asarray(r.coords)[:, :2], closed=True) for r in part.interiors)
    return Path.make_compound_path(*rings) if rings else None


class _Layer:
    """The geometries of one frame ready to draw: paths, outline segments, a search tree.

    Made once per frame (and target CRS) and process: the location maps of a run
    draw the same areas again and again, only the window moves.
    """

    def __init__(self, frame) -> None:
        import shapely

        self.frame = frame
        geoms = frame.geometry.normalize().to_numpy()  # geopandas normalises before drawing
        self.ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        self.tree = shapely.STRtree(frame.geometry.to_numpy())
        self._geoms = geoms
        self._paths: list | None = None
        self._outlines: list | None = None
        self._points = None
        self.keys = np.array([str(k) for k in frame.index], dtype=object)

    def visible(self, win) -> np.ndarray:
        """Positions of the geometries meeting the window, in frame order (as ``frame.cx``)."""
        import shapely

        hit = self.tree.query(shapely.box(*win), predicate="intersects")
        return np.sort(hit)

    def paths(self, pos) -> list:
        if self._paths is None:
            self._paths = [
                _polygon_path(g) if ok else None for g, ok in zip(self._geoms, self.ok, strict=True)
            ]
        return [self._paths[i] for i in pos if self._paths[i] is not None]

    def outlines(self, pos) -> list:
        """The boundary lines (one array per part) of the geometries at ``pos``."""
        import shapely

        if self._outlines is None:
            bnd = shapely.normalize(shapely.boundary(self.frame.geometry.to_numpy()))
            self._outlines = [
                [np.array(p.coords)[:, :2] for p in shapely.get_parts(b)] if b is not None else []
                for b in bnd
            ]
        return [seg for i in pos for seg in self._outlines[i]]

    def points(self) -> np.ndarray:
        """Representative points (x, y) of all geometries."""
        import shapely

        if self._points is None:
            self._points = shapely.get_coordinates(
                shapely.point_on_surface(self.frame.geometry.to_numpy())
            )
        return self._points


_LAYERS: dict[tuple, tuple[object, _Layer]] = {}


def _layer(frame, crs=None) -> _Layer:
    """The :class:`_Layer` of ``frame`` in ``crs`` (default: its metric CRS), kept per process."""
    memo = (id(frame), str(crs))
    got = _LAYERS.get(memo)
    if got is not None and got[0]() is frame:
        return got[1]
    g = (
        frame.to_crs(crs)
        if crs is not None and frame.crs is not None and frame.crs != crs
        else frame
    )
    layer = _Layer(_metric(g))
    if len(_LAYERS) >= 16:
        _LAYERS.clear()
    _LAYERS[memo] = (weakref.ref(frame), layer)
    return layer


def _add_polygons(ax, paths: list, **style) -> None:
    """The polygons as one collection, as ``GeoDataFrame.plot`` adds them."""
    from matplotlib.collections import PathCollection

    if paths:
        ax.add_collection(PathCollection(paths, **style), autolim=False)


def _add_lines(ax, segments: list, **style) -> None:
    from matplotlib.collections import LineCollection

    if segments:
        ax.add_collection(LineCollection(segments, **style), autolim=False)


def location_map(
    areas,
    key: str,
    *,
    gemeinde_col: str | None = "ags",
    gemeinden=None,
    highlight="#c0392b",
    figsize=(3.6, 3.6),
    lang: str | None = "de",
    territory: Territory | None = None,
    gemeinde_name_col: str = "gemeinde",
) -> Figure:
    """Location map of one area (or municipality) with its municipality, neighbours and a scale bar.

    Parameters
    ----------
    areas
        GeoDataFrame of all planning areas (index = key).
    key
        The area to highlight; may also be a municipality key when ``gemeinden``
        is given and holds it (then the municipality is highlighted).
    gemeinde_col
        Column of ``areas`` with the municipality key.
    gemeinden
        GeoDataFrame of the municipalities (outlines drawn in bold).
    territory
        The level words of the legend (default: Landkreis → Gemeinde → Sozialraum).
    gemeinde_name_col
        Column of ``gemeinden`` with the names written on the map.

    Notes
    -----
    The paths of all areas and municipalities are made once per frame and process
    (:class:`_Layer`); a map selects the visible ones with a search tree.
    """
    L = get_lang(lang)
    terr = territory or Territory.default()
    lay = _layer(areas)
    glay = _layer(gemeinden, lay.frame.crs) if gemeinden is not None else None
    fig, ax = _map_axes(figsize)
    is_gem = glay is not None and key in glay.frame.index and key not in lay.frame.index
    tlay = glay if is_gem else lay
    tpos = np.flatnonzero(tlay.frame.index == key)
    if not len(tpos):
        raise KeyError(key)
    a = lay.frame
    gkey = (
        str(a.iloc[tpos[0]][gemeinde_col])
        if not is_gem and gemeinde_col and gemeinde_col in a.columns
        else (key if is_gem else None)
    )
    bounds = tlay.frame.geometry.iloc[tpos].total_bounds
    w, h = bounds[2] - bounds[0], bounds[3] - bounds[1]
    pad = max(w, h) * (0.35 if is_gem else 0.9) + 200
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    half = max(w, h) / 2 + pad
    win = (cx - half, cy - half, cx + half, cy + half)
    vis = lay.visible(win)
    _add_polygons(ax, lay.paths(vis), facecolor="#f4f4f4", edgecolor="#9a9a9a", lw=0.4)
    if gkey is not None and not is_gem and gemeinde_col in a.columns:
        col = a[gemeinde_col].to_numpy()
        same = vis[np.array([str(col[i]) == gkey for i in vis], dtype=bool)]
        _add_polygons(ax, lay.paths(same), facecolor="#e3e9f2", edgecolor="#8096b5", lw=0.5)
    _add_polygons(ax, tlay.paths(tpos), facecolor=highlight, edgecolor="black", lw=0.9, alpha=0.85)
    if glay is not None:
        _municipalities(ax, glay, glay.visible(win), key, win, gemeinde_name_col)
    ax.set_xlim(cx - half, cx + half)
    ax.set_ylim(cy - half, cy + half)
    ax.set_aspect("equal")
    ax.set_axis_off()
    scale_bar(ax, lang=L)
    _north_arrow(ax)
    handles = [
        Patch(
            facecolor=highlight,
            edgecolor="black",
            label=terr.middle.title(L) if is_gem else t(_MSG, "area", L),
        )
    ]
    if not is_gem and gkey is not None:
        handles.append(Patch(facecolor="#e3e9f2", edgecolor="#8096b5", label=terr.middle.title(L)))
    handles.append(Patch(facecolor="#f4f4f4", edgecolor="#9a9a9a", label=t(_MSG, "neighbours", L)))
    ax.legend(handles=handles, loc="upper left", fontsize=6, frameon=True, framealpha=0.8)
    # everything is drawn inside the axes (the names are clipped to it): the margins
    # depend on the figure size only
    tight(fig, ("karte", tuple(figsize)))
    return fig


_MAP_FIGURES: dict[tuple, tuple[Figure, object]] = {}


def _map_axes(figsize):
    """The figure and axes of the location maps of this size, kept per process, emptied.

    The next map sets everything again (limits, aspect, margins), so its image is
    that of a new figure.
    """
    key = tuple(figsize)
    if key not in _MAP_FIGURES:
        return kept(_MAP_FIGURES, key, lambda: _subplots(figsize), limit=4)
    fig, ax = got = _MAP_FIGURES[key]
    for artist in [*ax.collections, *ax.patches, *ax.texts, *ax.lines]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    default_margins(fig)
    return got


def _municipalities(ax, glay: _Layer, vis, key, win, name_col: str) -> None:
    """Bold municipality outlines and the names of the visible neighbours."""
    _add_lines(ax, glay.outlines(vis), color="#333333", lw=1.1)
    g = glay.frame
    names = g[name_col].to_numpy() if name_col in g.columns else None
    pts = glay.points()
    for i in vis:
        x, y = pts[i]
        if win[0] < x < win[2] and win[1] < y < win[3] and glay.keys[i] != str(key):
            ax.text(
                x,
                y,
                str(names[i]) if names is not None else "",
                fontsize=6,
                color="#555555",
                ha="center",
                va="center",
                clip_on=True,
            )


def _north_arrow(ax) -> None:
    """The small north arrow of the location maps (top right)."""
    ax.annotate(
        "N", xy=(0.93, 0.93), xycoords="axes fraction", ha="center", fontsize=9, fontweight="bold"
    )
    ax.annotate(
        "",
        xy=(0.93, 0.92),
        xytext=(0.93, 0.82),
        xycoords="axes fraction",
        arrowprops=dict(arrowstyle="-|>", color="black", lw=1),
    )


#: Figures of the dimension profile kept per process, by shape and fixed texts: the
#: profiles of a run share the dimensions, and making the axes is a third of a chart.
_PROFILE_FIGURES: dict[tuple, tuple[Figure, object]] = {}


def _profile_axes(size, labels: list[str], title: str, xlabel: str, L: str):
    """The figure and axes of a dimension profile with these texts (made once per process)."""
    key = (tuple(size), tuple(labels), title, xlabel, L)
    return kept(_PROFILE_FIGURES, key, lambda: _new_profile_axes(size, labels, title, xlabel, L))


def _new_profile_axes(size, labels: list[str], title: str, xlabel: str, L: str):
    """A dimension profile's figure and axes with its fixed texts."""
    fig, ax = _subplots(size)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=7)
    ax.axvline(0, color="black", lw=0.7)
    ax.tick_params(axis="x", labelsize=7)
    ax.xaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda x, _p: format_number(x, 1, L))
    )
    ax.set_xlabel(xlabel, fontsize=7)
    ax.set_title(title, fontsize=9)
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    return fig, ax


def profile_chart(
    values: Mapping[str, float],
    *,
    title: str | None = None,
    figsize=(4.6, 2.8),
    lang: str | None = "de",
    territory: Territory | None = None,
) -> Figure:
    """Horizontal bars of dimension z-scores (> 0 = more need, red; < 0 blue); NaN shown as "nicht bewertet".

    The figure is kept and drawn again for the next profile with the same
    dimensions: the bars and notes of the previous one are removed, the margins
    are those a new figure gets (:func:`tight`, computed once per figure, x limits
    and notes), so the image does not depend on the profiles drawn before it.
    """
    L = get_lang(lang)
    labels = list(values.keys())[::-1]
    vals = np.array([values[k] for k in labels], dtype=float)
    avg = (territory or Territory.default()).average(L)
    size = (figsize[0], max(1.6, 0.34 * len(labels) + 0.8))
    texts = (title or t(_MSG, "profile_title", L), t(_MSG, "profile_x", L, avg=avg))
    fig, ax = _profile_axes(size, labels, *texts, L)
    for container in list(ax.containers):
        container.remove()  # the bars with it
    for artist in [*ax.patches, *ax.texts]:
        artist.remove()
    colors = ["#c0392b" if v > 0 else "#2e6da4" for v in np.nan_to_num(vals)]
    ax.barh(range(len(labels)), np.nan_to_num(vals), color=colors, height=0.6)
    lim = max(1.0, float(np.nanmax(np.abs(vals))) * 1.15) if np.isfinite(vals).any() else 1.0
    for i, v in enumerate(vals):
        if np.isnan(v):
            ax.text(
                0,
                i,
                " " + t(_MSG, "not_rated", L),
                va="center",
                ha="left",
                fontsize=7,
                color="#666666",
            )
    ax.relim()
    ax.autoscale_view()
    ax.set_xlim(-lim, lim)
    default_margins(fig)  # the layout is computed from a new figure's margins
    # what decides the margins: the figure and its texts, the notes beside missing bars
    # (at x = 0, the middle of the symmetric limits) and the x axis, measured per chart;
    # the bars stay inside the axes
    notes = tuple(int(i) for i in np.flatnonzero(np.isnan(vals)))
    tight_grid(
        fig,
        ("profil", tuple(size), tuple(labels), *texts, L, notes),
        measure="x",
        others_in_key=True,
    )
    return fig


def default_margins(fig: Figure) -> None:
    """The subplot margins of a new figure (before :func:`tight`) on a figure drawn again."""
    rc = matplotlib.rcParams
    fig.subplots_adjust(
        **{
            k: rc[f"figure.subplot.{k}"]
            for k in ("left", "right", "bottom", "top", "wspace", "hspace")
        }
    )


_ROWS: dict[int, tuple[object, dict]] = {}


def _population_rows(population, key):
    """The rows of ``population`` of area ``key`` (or keys), in the frame's order.

    The row positions per area are found once per frame and process; the pyramid
    then picks its rows from a few hundred instead of the whole frame.
    """
    if not isinstance(population, pd.DataFrame) or "key" not in population.columns:
        return population  # e.g. a projection result: the pyramid selects itself
    got = _ROWS.get(id(population))
    if got is None or got[0]() is not population:
        keys = population["key"].astype(str).to_numpy()
        order = np.argsort(keys, kind="stable")
        uniq, first = np.unique(keys[order], return_index=True)
        groups = dict(zip(uniq, np.split(order, first[1:]), strict=True))
        if len(_ROWS) >= 8:
            _ROWS.clear()
        got = _ROWS[id(population)] = (weakref.ref(population), groups)
    groups = got[1]
    wanted = [key] if isinstance(key, str) else list(key)
    parts = [groups[str(k)] for k in wanted if str(k) in groups]
    pos = np.sort(np.concatenate(parts)) if parts else np.array([], dtype=int)
    return population.iloc[pos]


class _LaidOutLater(Figure):
    """A figure whose ``tight_layout`` waits: laid out once, at its final size (:func:`pyramid`)."""

    def tight_layout(self, *args, **kwargs) -> None:
        return None


_PYRAMID_FIGURE: list = []  # the figure and axes of the pyramids, kept per process


def _pyramid_axes():
    """The pyramid's axes as a new one: kept figure, previous drawing removed.

    Everything :func:`~sozialraum.demography.population_pyramid` sets is set again
    by it; what it reads (limits from the data, the automatic ticks, the size it
    chooses its ticks at) is reset here, so the image is that of a new figure.
    """
    if not _PYRAMID_FIGURE:
        fig = _LaidOutLater(figsize=(6, 6.5))
        _Canvas(fig)
        _PYRAMID_FIGURE[:] = [fig, fig.add_subplot()]
        return _PYRAMID_FIGURE
    fig, ax = _PYRAMID_FIGURE
    for artist in [*ax.patches, *ax.lines, *ax.texts]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.xaxis.set_major_locator(matplotlib.ticker.AutoLocator())
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.xaxis.isDefault_majloc = ax.xaxis.isDefault_majfmt = True
    ax.relim()
    ax.set_autoscale_on(True)
    fig.set_size_inches(6, 6.5)
    default_margins(fig)
    return _PYRAMID_FIGURE


def pyramid(population: pd.DataFrame, key, year: int, *, lang: str | None = "de") -> Figure | None:
    """Population pyramid via :func:`sozialraum.demography.population_pyramid` (None if unavailable).

    Drawn at the size :func:`~sozialraum.demography.population_pyramid` chooses
    (6 × 6.5 in, where its ticks are chosen), shown at 4.2 × 4.2 in and laid out
    once, at that size. The figure is kept for the next pyramid (:func:`_pyramid_axes`).
    """
    try:
        from sozialraum.demography import population_pyramid
    except ImportError:  # pragma: no cover - demography room absent
        return None
    fig, ax = _pyramid_axes()
    try:
        population_pyramid(
            _population_rows(population, key),
            year=year,
            key=key,
            share=True,
            lang=lang,
            ax=ax,
        )
    except Exception:  # noqa: BLE001 - no data for the area: no chart, the Steckbrief says so
        _PYRAMID_FIGURE.clear()  # drawn halfway: the next pyramid starts afresh
        return None
    fig.set_size_inches(4.2, 4.2)
    # the pyramids differ in their x axes (shares) only: the rest of the layout (age axis,
    # title, legend, texts, named in the key) is measured once per process
    tight_grid(fig, ("pyramide", _texts(ax)), measure="x", others_in_key=True)
    return fig


def _texts(ax) -> tuple:
    """Every text of ``ax`` outside its ticks, with where and how it stands (a layout key)."""
    legend = ax.get_legend()
    return (
        ax.get_title(),
        ax.get_xlabel(),
        ax.get_ylabel(),
        tuple(
            (t.get_text(), t.get_position(), t.get_ha(), t.get_va(), t.get_fontsize())
            for t in ax.texts
        ),
        tuple(t.get_text() for t in legend.get_texts()) if legend is not None else None,
    )


def _legend_below(ax, handles, title=None):
    ax.legend(
        handles=handles,
        title=title,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        fontsize=7,
        title_fontsize=8,
        frameon=False,
        ncol=2,
    )


def choropleth(
    areas,
    column: str,
    *,
    title: str = "",
    k: int = 5,
    scheme: str = "quantiles",
    cmap: str = "RdYlBu_r",
    decimals: int = 1,
    gemeinden=None,
    figsize=(4.6, 5.0),
    lang: str | None = "de",
) -> Figure:
    """Choropleth of a numeric column with German range legend; NaN as its own grey class."""
    from sozialraum.monitor import classify

    L = get_lang(lang)
    areas = _metric(areas)
    vals = pd.to_numeric(areas[column], errors="coerce")
    fig, ax = _subplots(figsize)
    handles = []
    ok = vals.notna()
    if ok.sum() >= 2:
        kk = int(min(k, vals[ok].nunique()))
        cl = classify(
            vals, scheme if kk >= 2 else "equal_interval", k=max(kk, 2), decimals=decimals, lang=L
        )
        codes = cl.classes.reindex(areas.index)
        n_cls = int(codes.max()) + 1 if codes.notna().any() else 1
        labels = list(cl.legend)[:n_cls]
        colors = dict(enumerate(class_colors(n_cls, cmap)))  # the web map's class colours
        fc = [colors[int(c)] if pd.notna(c) else _NA_COLOR for c in codes]
        for i, lab in enumerate(labels):
            handles.append(Patch(facecolor=colors[i], edgecolor="#777777", label=lab))
    else:
        fc = [_NA_COLOR] * len(areas)
    areas.plot(ax=ax, color=fc, edgecolor="white", lw=0.4)
    if (~ok).any():
        areas[~ok.to_numpy()].plot(
            ax=ax, facecolor=_NA_COLOR, edgecolor="#999999", hatch="////", lw=0.3
        )
        handles.append(
            Patch(
                facecolor=_NA_COLOR, edgecolor="#999999", hatch="////", label=t(_MSG, "no_value", L)
            )
        )
    _finish_map(ax, gemeinden, areas, L)
    _legend_below(ax, handles, title)
    tight(fig)
    return fig


def categorical_map(
    areas,
    column: str,
    colors: Mapping[str, str],
    *,
    title: str = "",
    order: Sequence[str] | None = None,
    gemeinden=None,
    figsize=(4.6, 5.0),
    lang: str | None = "de",
) -> Figure:
    """Map of a class column (e.g. ``status_klasse``) with fixed colours; missing = "nicht bewertet"."""
    L = get_lang(lang)
    areas = _metric(areas)
    cats = areas[column].astype("object")
    fig, ax = _subplots(figsize)
    present = [c for c in (order or list(colors)) if c in set(cats.dropna())]
    present += [c for c in dict.fromkeys(cats.dropna()) if c not in present]
    palette = dict(colors)
    cm = plt.get_cmap("tab10")
    for i, c in enumerate(present):
        palette.setdefault(c, matplotlib.colors.to_hex(cm(i % 10)))
    fc = [palette.get(c, _NA_COLOR) if isinstance(c, str) and c else _NA_COLOR for c in cats]
    areas.plot(ax=ax, color=fc, edgecolor="white", lw=0.4)
    handles = [Patch(facecolor=palette[c], edgecolor="#777777", label=str(c)) for c in present]
    if cats.isna().any() or (cats == "").any():
        handles.append(
            Patch(facecolor=_NA_COLOR, edgecolor="#999999", label=t(_MSG, "not_rated", L))
        )
    _finish_map(ax, gemeinden, areas, L)
    _legend_below(ax, handles, title)
    tight(fig)
    return fig


def _finish_map(ax, gemeinden, areas, L):
    if gemeinden is not None:
        g = (
            gemeinden.to_crs(areas.crs)
            if (gemeinden.crs is not None and areas.crs is not None and gemeinden.crs != areas.crs)
            else gemeinden
        )
        g.boundary.plot(ax=ax, color="#222222", lw=0.9)
    ax.set_aspect("equal")
    ax.set_axis_off()
    scale_bar(ax, lang=L, fraction=0.2)


@contextlib.contextmanager
def collecting() -> Iterator[list]:
    """Inside the block :func:`cached_uri` draws nothing but lists what it would draw."""
    jobs: list = []
    token = _COLLECT.set(jobs)
    try:
        yield jobs
    finally:
        _COLLECT.reset(token)


def add_drawn(images: Mapping) -> int:
    """Put charts drawn elsewhere (``(key, fmt)`` → data URI) into the shared cache.

    Only keys the cache does not hold yet; returns how many were added (0 outside
    :func:`shared_charts`).
    """
    cache = _SHARED.get()
    if cache is None:
        return 0
    new = {k: v for k, v in images.items() if k not in cache.images}
    cache.images.update(new)
    return len(new)


_PENDING: list = []  # the jobs a forked worker draws (inherited, not pickled)


def _draw_job(i: int) -> tuple[int, str | None]:
    (_key, fmt), make = _PENDING[i]
    fig = make()
    return i, (to_data_uri(fig, fmt) if fig is not None else None)


def draw_many(jobs: list, workers: int | None = None) -> int:
    """Draw the charts listed by :func:`collecting` into the shared cache, on several processes.

    The figures are drawn exactly as :func:`cached_uri` draws them, by worker
    processes forked from this one (they see the data without copying it); where
    no worker may be forked (:func:`~sozialraum.core.processes.can_fork`: Windows,
    macOS, QGIS) or there are few charts, nothing happens here and each chart is
    drawn when it is needed. Returns the number of charts drawn.
    """
    import multiprocessing as mp

    cache = _SHARED.get()
    todo = list({k: (k, make) for k, make in jobs if cache and k not in cache.images}.values())
    workers = cores() if workers is None else workers
    if cache is None or workers < 2 or len(todo) < 8 or not can_fork():
        return 0
    _PENDING[:] = todo
    pool = mp.get_context("fork").Pool(min(workers, len(todo)), initializer=quiet_worker)
    try:
        for i, uri in pool.imap_unordered(_draw_job, range(len(todo)), chunksize=2):
            cache.images[todo[i][0]] = uri
        pool.close()  # the workers end on their own (no signal)
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _PENDING.clear()
    return len(todo)
