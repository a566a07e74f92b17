"""The site being written: its options and result, and the helpers every page uses."""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd

from sozialraum.core.geomcache import GeometryCache, fingerprint
from sozialraum.core.numbers import format_number
from sozialraum.core.palettes import MISSING_COLOR
from sozialraum.core.territory import Territory
from sozialraum.website.geometry import MapGeometry, map_geometry
from sozialraum.website.maps import class_label, legend_for, map_svg, swatch
from sozialraum.website.model import SiteModel, Variable
from sozialraum.website.texts import TEXTS, tr

__all__ = ["LANGS", "SiteOptions", "SiteResult", "sort_key"]

LANGS = ("de", "en")
_HERE = Path(__file__).parent


@dataclass(frozen=True)
class SiteOptions:
    """How the site looks and what it names.

    Attributes
    ----------
    name
        Title of the site (``"Landkreis Musterland"``).
    territory
        Level words of the district or city.
    name_column, middle_name_column
        Columns with the names of the areas and of the middle units.
    middle_names
        Key → name of the middle units where their frame has no name column.
    color
        Main colour (header, links): a dark colour with contrast to white.
    logo
        Optional logo file (PNG/SVG/JPEG), copied into ``assets/``.
    source
        Source line under maps and tables.
    titles
        Column → language → title (the run's index titles).
    subtitle
        Shown beside the title (e.g. the municipality of a municipal site); text, or
        language → text.
    """

    name: str = "Sozialatlas"
    territory: Territory = field(default_factory=Territory.default)
    name_column: str = "sr_name"
    middle_name_column: str = "gemeinde"
    middle_names: Mapping[str, str] = field(default_factory=dict)
    color: str = "#1f4e79"
    logo: Path | None = None
    source: str = ""
    titles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    subtitle: str | Mapping[str, str] = ""


@dataclass(frozen=True)
class SiteResult:
    """What :func:`write_site` wrote."""

    folder: Path
    pages: int
    bytes: int
    start_bytes: int

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


def _fmt(v, decimals: int, lang: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, str):
        return class_label(v, lang)
    return format_number(v, decimals, lang)


def _num(v) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else round(x, 3)


@functools.cache
def _environment() -> jinja2.Environment:
    """The templates of the site, loaded and compiled once per process."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_HERE / "templates")),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the package's own files: no check of their time at every page
    )


#: geometry work of the sites of one process, by the exact bytes of the shapes (a run
#: writes the same areas into every package)
_SHARED = GeometryCache(16)


def _fingerprint(frame) -> tuple | None:
    return None if frame is None else fingerprint(frame, keys=list(frame.index))


def shared_geometry(areas, outline, width: int) -> MapGeometry:
    """:func:`~sozialraum.website.geometry.map_geometry` once per set of shapes and width."""
    key = ("map", _fingerprint(areas), _fingerprint(outline), width)
    return _SHARED.get(key, lambda: map_geometry(areas, outline=outline, width=width))


def shared_neighbours(geo) -> dict[str, list[str]]:
    """The neighbours of every area (touching within 1 m), once per set of shapes."""
    found = _SHARED.get(("neighbours", _fingerprint(geo)), lambda: _Site._neighbours(geo))
    return {k: list(v) for k, v in found.items()}


#: legends of the sites of one process, by variable, language and values (the public and
#: the municipal sites of a run classify mostly the same values)
_LEGENDS: dict = {}
_NAN = ("nan",)


def shared_legend(var: Variable, values: pd.Series, lang: str, decimals: int):
    """:func:`~sozialraum.website.maps.legend_for`, once per variable, language and values."""

    def compute():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return legend_for(var, values, lang, decimals)

    cells = tuple(
        _NAN if isinstance(v, float) and v != v else (type(v), v) for v in values.tolist()
    )
    key = (var.id, var.kind, var.direction, lang, decimals, str(values.dtype))
    key += (tuple(values.index), cells)
    try:
        found = _LEGENDS.get(key)
    except TypeError:  # a value that cannot be a key (compared or hashed): no sharing
        return compute()
    if found is None:
        if len(_LEGENDS) > 2048:
            _LEGENDS.clear()
        found = _LEGENDS[key] = compute()
    return found


class _Site:
    """The shared pieces of every page of one site (geometry, names, data)."""

    def __init__(self, model: SiteModel, opts: SiteOptions, out: Path):
        self.m, self.o, self.out = model, opts, out
        cur = model.frames[model.year]
        self.areas = cur["areas"]
        self.gem = cur["gemeinden"]
        nc = opts.name_column
        self.names = {
            k: str(v)
            for k, v in (
                self.areas[nc]
                if nc in self.areas
                else pd.Series(self.areas.index, index=self.areas.index)
            ).items()
        }
        mc = opts.middle_name_column
        self.mid_names = {
            str(k): str(v)
            for k, v in (
                self.gem[mc] if mc in self.gem else pd.Series(self.gem.index, index=self.gem.index)
            ).items()
        }
        for k in self.mid_names:
            if k in opts.middle_names and self.mid_names[k] == k:
                self.mid_names[k] = str(opts.middle_names[k])
        ac = model.area_ags_col
        self.area_mid = {k: str(v) for k, v in self.areas[ac].items()} if ac in self.areas else {}
        geo = model.geometry.to_frame("geometry").set_geometry("geometry")
        mid = None
        if model.middle_geometry is not None:
            mid = model.middle_geometry.to_frame("geometry").set_geometry("geometry")
        # the same areas in every package of a run: simplified, quantised and their
        # neighbours once (shared_geometry), the same result as computing them anew
        self.geo: MapGeometry = shared_geometry(geo, mid, 900)
        self.mid_geo: MapGeometry | None = (
            shared_geometry(mid, None, 900) if mid is not None else None
        )
        self.loc_geo: MapGeometry = shared_geometry(geo, mid, 240)
        self.neigh = shared_neighbours(geo)
        # a municipal site has a page for each of its own areas; the others are on its maps
        own = set(model.own_areas) if model.level == "kommunal" else set(self.geo.keys)
        self.page_keys = [k for k in self.geo.keys if k in own]
        self.env = _environment()
        self.pages = 0
        #: values the pages of this site share, computed on first use (see ``pages``)
        self.memo: dict = {}

    @staticmethod
    def _neighbours(geo) -> dict[str, list[str]]:
        idx = geo.sindex
        buf = geo.geometry.buffer(1.0)
        out: dict[str, list[str]] = {}
        keys = [str(k) for k in geo.index]
        for i, g in enumerate(buf.values):
            hits = idx.query(g, predicate="intersects")
            out[keys[i]] = [keys[j] for j in hits if j != i]
        return out

    def page(self, key: str) -> str | None:
        """File name of an area's page (None where the site has none)."""
        return f"gebiet-{_safe(key)}.html" if key in self.page_keys else None

    # -- helpers for templates ---------------------------------------------------------
    def title(self, var: Variable, lang: str) -> str:
        return var.title.get(lang) or var.title.get("de") or var.id

    def decimals(self, var: Variable) -> int:
        return 1

    def base(self, lang: str, page: str) -> dict:
        terr = self.o.territory
        other = "en/" + page if lang == "de" else "../" + page
        return {
            "lang": lang,
            "T": {k: v[lang] for k, v in TEXTS.items()},
            "root": "" if lang == "de" else "../",
            "other_lang": other,
            "site_name": self.o.name,
            "subtitle": (
                self.o.subtitle.get(lang, "")
                if isinstance(self.o.subtitle, Mapping)
                else self.o.subtitle
            ),
            "color": self.o.color,
            "logo": ("assets/" + self.o.logo.name) if self.o.logo else None,
            "year": self.m.year,
            "territory": terr,
            "bottom": terr.bottom.title(lang, plural=True),
            "bottom1": terr.bottom.title(lang),
            "middle": terr.middle.title(lang),
            "middle_pl": terr.middle.title(lang, plural=True),
            "variables": [(v.slug, self.title(v, lang)) for v in self.m.variables],
            "level": self.m.package_level if hasattr(self.m, "package_level") else self.m.level,
            "source": self.o.source,
        }

    def render(self, template: str, lang: str, page: str, **ctx) -> Path:
        path = self.out / ("" if lang == "de" else "en") / page
        path.parent.mkdir(parents=True, exist_ok=True)
        text = self.env.get_template(template).render(**self.base(lang, page), page=page, **ctx)
        path.write_text(text, encoding="utf-8")
        self.pages += 1
        return path

    # -- maps and tables --------------------------------------------------------------
    def var_map(self, var: Variable, lang: str, uid: str, year: int | None = None) -> dict:
        vals = self.m.values(var, year)
        geo = self.geo if var.level == "areas" else self.mid_geo
        if geo is None:
            return {"svg": "", "legend": []}
        vals = vals.reindex(list(geo.keys))
        leg = shared_legend(var, vals, lang, self.decimals(var))
        names = self.names if var.level == "areas" else self.mid_names
        get = (
            dict(zip(vals.index, vals.array, strict=True)).get if vals.index.is_unique else vals.get
        )
        tips = {
            k: f"{names.get(k, k)} ({k}): {_fmt(get(k), self.decimals(var), lang)}"
            for k in geo.keys
        }
        label = tr("map_of", lang, what=self.title(var, lang), year=year or self.m.year)
        svg = map_svg(geo, leg, uid=uid, label=label, titles=tips, links=var.level == "areas")
        items = [
            {"swatch": swatch(uid, i, leg), "label": lab, "n": leg.counts[i]}
            for i, lab in enumerate(leg.labels)
        ]
        return {"svg": svg, "legend": items, "legend_obj": leg, "label": label}

    def table_rows(self, var: Variable, lang: str, leg) -> list[dict]:
        vals = self.m.values(var)
        rows = []
        for k, v in vals.items():
            if var.level == "areas":
                name, link = self.names.get(k, k), self.page(k)
                mid = self.mid_names.get(self.area_mid.get(k, ""), "")
            else:
                name, link, mid = self.mid_names.get(k, k), None, ""
            num = _num(v) if var.kind != "class" else None
            cls = ""
            if leg is not None and k in leg.codes:
                i = leg.codes[k]
                # numbered classes: the ranges (break values of other areas) stand in the legend
                named = (
                    var.kind == "class"
                    or i >= len(leg.labels) - 1
                    and leg.colors[i] == MISSING_COLOR
                )
                n_cls = len(leg.labels) - (leg.colors[-1] == MISSING_COLOR)
                cls = leg.labels[i] if named else tr("class_n", lang, n=i + 1, k=n_cls)
            rows.append(
                {
                    "key": k,
                    "name": name,
                    "link": link,
                    "mid": mid,
                    "value": _fmt(v, self.decimals(var), lang),
                    "sort": num if num is not None else "",
                    "cls": cls,
                    "ci": leg.codes.get(k, 99) if leg is not None else 99,
                }
            )
        return sorted(rows, key=lambda r: sort_key(r["name"]))


def sort_key(name: str) -> str:
    """Alphabetical order as a German reader expects it (Ä with A, ß as ss)."""
    table = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
    return name.casefold().translate(table)


def _safe(key: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in str(key))
