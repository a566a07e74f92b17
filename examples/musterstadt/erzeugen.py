"""Generate the synthetic example city "Stadt Musterstadt" (raw files as offices send them).

Run from the repository root::

    .venv/bin/python examples/musterstadt/erzeugen.py [--out DIR]

Writes into ``DIR`` (default: this folder):

* ``rohdaten/planungsraeume.gpkg`` — layers ``planungsraeume`` (≈ 450 planning areas with
  ``plr_id`` (8 digits, leading zero), ``plr_name``, ``bez_id``, ``bez_name``), ``bezirke``
  (12) and ``stadt`` (the boundary), EPSG:25833. One key occurs twice: an area of Bezirk 04
  carries the key of an area of Bezirk 06 (a typo in the office's file);
* ``rohdaten/mss_<jahr>.xlsx`` — the status indicators of the social monitoring as shares in
  percent (Arbeitslosigkeit, Langzeitarbeitslosigkeit, Transferbezug, Kinderarmut); areas with
  fewer than 300 inhabitants carry the placeholder −9999 (as in the Berlin MSS);
* ``rohdaten/einwohner_<jahr>.csv`` — German CSV (``;``, decimal comma): population, children
  under 6, two age shares;
* ``rohdaten/einrichtungen.gpkg`` — Kitas (with places) and primary schools (points);
* ``planungsraeume.gpkg`` — the same file with the wrong key corrected (the recipe's step in
  ``docs/stadt.md``), read by the finished ``monitor.toml``;
* ``referenz_mss_2024.csv`` — the "official" status and dynamic index and classes computed
  from the raw tables by the plain MSS formula (z-scores, sum, z again, fixed thresholds).

for the report year 2024 and the base year 2022. Everything is drawn from one seeded
``numpy.random.Generator``; GeoPackage timestamps (``OGR_CURRENT_DATE``) and the XLSX zip
entries are pinned, so a second run writes byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20241130
CRS = "EPSG:25833"
YEARS = (2022, 2024)
FIXED_DATE = "2025-01-01T00:00:00.000Z"
PLACEHOLDER = -9999
MIN_POP = 300
CENTRE = (392_000.0, 5_820_000.0)
N_AREAS = 452

BEZIRKE = [
    "Mitte",
    "Nordstadt",
    "Hafen",
    "Lindenau",
    "Ostend",
    "Birkenfeld",
    "Südstadt",
    "Seeufer",
    "Weststadt",
    "Eichwald",
    "Heidekolonie",
    "Auenhain",
]
STEMS = [
    "Linden", "Birken", "Eichen", "Kiefern", "Ahorn", "Buchen", "Erlen", "Weiden", "Rosen",
    "Tannen", "Ulmen", "Eschen", "Pappel", "Holunder", "Flieder", "Kastanien", "Mühlen",
    "Brunnen", "Wiesen", "Feld", "Wald", "Berg", "See", "Bach", "Heide", "Moor", "Sonnen",
    "Stern", "Schloss", "Kirch", "Markt", "Hafen", "Garten", "Park", "Anger", "Grün",
]  # fmt: skip
ENDINGS = [
    "straße", "platz", "weg", "allee", "viertel", "hof", "au", "siedlung", "ring", "park",
    "grund", "eck", "feld",
]  # fmt: skip
KITA_NAMES = [
    "Sonnenschein", "Pusteblume", "Regenbogen", "Spatzennest", "Zwergenland", "Kunterbunt",
    "Löwenzahn", "Wichtelhaus", "Sternschnuppe", "Rasselbande", "Schatzkiste", "Glühwürmchen",
]  # fmt: skip

#: header of each raw column (the catalogue's labels come from these)
STATUS = {
    "alo": "Arbeitslosigkeit in %",
    "alo_lang": "Langzeitarbeitslosigkeit in %",
    "transfer": "Transferbezug in %",
    "kinderarmut": "Kinderarmut in %",
}
CSV_COLUMNS = {
    "ew": "Einwohner insgesamt",
    "ew_u6": "Einwohner unter 6 Jahren",
    "u18": "Anteil unter 18-Jährige in %",
    "ue65": "Anteil 65 Jahre und älter in %",
}


# ---------------------------------------------------------------------------
# geometry
# ---------------------------------------------------------------------------
def _outline():
    import shapely

    th = np.linspace(0, 2 * np.pi, 96, endpoint=False)
    r = 15_500 * (1 + 0.10 * np.sin(3 * th + 0.7) + 0.06 * np.sin(5 * th + 2.1))
    x = CENTRE[0] + 1.15 * r * np.cos(th)
    y = CENTRE[1] + r * np.sin(th)
    return shapely.set_precision(shapely.Polygon(np.column_stack([x, y])), 1.0)


def _bezirk_centres() -> np.ndarray:
    pts = [(0.0, 0.0)]
    pts += [
        (6_500 * np.cos(a), 6_500 * np.sin(a)) for a in np.linspace(0.5, 0.5 + 2 * np.pi, 5)[:4]
    ]
    pts += [
        (12_500 * np.cos(a), 12_500 * np.sin(a)) for a in np.linspace(0.2, 0.2 + 2 * np.pi, 8)[:7]
    ]
    c = np.array(pts)
    c[:, 0] = CENTRE[0] + 1.15 * c[:, 0]
    c[:, 1] = CENTRE[1] + c[:, 1]
    return c


def _points(rng, outline) -> np.ndarray:
    """Area centres: denser in the middle, one Lloyd step for even cells."""
    import shapely

    minx, miny, maxx, maxy = outline.bounds
    pts: list[tuple[float, float]] = []
    while len(pts) < N_AREAS:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        d = np.hypot((x - CENTRE[0]) / 1.15, y - CENTRE[1]) / 16_000
        if shapely.contains_xy(outline, x, y) and rng.uniform() < 1.15 - 0.8 * d:
            pts.append((x, y))
    arr = np.array(pts)
    cells = _voronoi(arr, outline)
    cent = shapely.centroid(cells)
    return np.column_stack([shapely.get_x(cent), shapely.get_y(cent)])


def _voronoi(pts: np.ndarray, outline):
    import shapely

    mp = shapely.MultiPoint(pts)
    vor = shapely.voronoi_polygons(mp, extend_to=outline.buffer(5_000))
    cells = np.array(shapely.get_parts(vor))
    # reorder cells to the order of the points
    tree = shapely.STRtree(cells)
    order = [tree.query(shapely.Point(p), predicate="intersects")[0] for p in pts]
    cells = cells[order]
    return shapely.set_precision(shapely.intersection(cells, outline), 1.0)


def build_areas(rng) -> tuple[pd.DataFrame, object]:
    """Planning areas (geometry, Bezirk, key, name) and the city outline."""
    import shapely

    outline = _outline()
    pts = _points(rng, outline)
    cells = _voronoi(pts, outline)
    centres = _bezirk_centres()
    d = np.hypot(pts[:, None, 0] - centres[None, :, 0], pts[:, None, 1] - centres[None, :, 1])
    bez = d.argmin(axis=1)
    stems = [s + e for s in STEMS for e in ENDINGS if s.lower() != e]
    names = list(rng.permutation(stems))[: len(pts)]
    rows = []
    for b in range(len(BEZIRKE)):
        idx = np.flatnonzero(bez == b)
        bc = centres[b]
        ang = np.arctan2(pts[idx, 1] - bc[1], pts[idx, 0] - bc[0])
        idx = idx[np.argsort(ang, kind="stable")]
        for pr, chunk in enumerate(np.array_split(idx, 3), start=1):
            for br, region in enumerate(np.array_split(chunk, max(1, len(chunk) // 4)), start=1):
                for pl, i in enumerate(region, start=1):
                    rows.append(
                        {
                            "i": int(i),
                            "plr_id": f"{b + 1:02d}{pr:02d}{br:02d}{pl:02d}",
                            "plr_name": str(names[i]).capitalize(),
                            "bez_id": f"{b + 1:02d}",
                            "bez_name": BEZIRKE[b],
                            "x": float(pts[i, 0]),
                            "y": float(pts[i, 1]),
                            "geometry": cells[i],
                        }
                    )
    frame = pd.DataFrame(rows).set_index("plr_id", drop=False)
    frame["geometry"] = [shapely.normalize(g) for g in frame["geometry"]]
    return frame, outline


def duplicate_key(areas: pd.DataFrame) -> tuple[str, str]:
    """(true key of the Bezirk-04 area that carries a wrong key, the key it carries)."""
    wrong = areas.index[areas["bez_id"] == "06"][1]
    true = areas.index[areas["bez_id"] == "04"][-1]
    return true, wrong


# ---------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------
def build_values(rng, areas: pd.DataFrame) -> dict[int, pd.DataFrame]:
    """Population and indicator values per year (NaN = placeholder/undefined)."""
    n = len(areas)
    x = (areas["x"].to_numpy() - CENTRE[0]) / 10_000
    y = (areas["y"].to_numpy() - CENTRE[1]) / 10_000
    bumps = rng.uniform(-1.3, 1.3, size=(6, 2))
    need = sum(np.exp(-((x - bx) ** 2 + (y - by) ** 2) / 0.18) for bx, by in bumps)
    need = (need - need.mean()) / need.std() + rng.normal(0, 0.45, n)
    pop = np.round(np.exp(rng.normal(8.85, 0.42, n))).astype(int)
    small = rng.choice(n, size=7, replace=False)
    pop[small] = [0, 12, 48, 95, 160, 230, 281]
    u6 = rng.uniform(4.0, 7.5, n) + 0.4 * need
    out: dict[int, pd.DataFrame] = {}
    base = {
        "alo": (6.0, 2.6, 0.7, 0.3, 25),
        "alo_lang": (2.2, 1.2, 0.4, 0.1, 15),
        "transfer": (12.0, 6.5, 1.8, 0.5, 60),
        "kinderarmut": (20.0, 11.0, 3.5, 0.5, 85),
    }
    cur = {
        k: np.clip(m + s * need + rng.normal(0, e, n), lo, hi)
        for k, (m, s, e, lo, hi) in base.items()
    }
    trend = rng.normal(0, 1, n) + 0.3 * need
    prev = {
        k: np.clip(cur[k] - (0.12 * s * trend + rng.normal(0, 0.35 * e, n)), lo, hi)
        for k, (_m, s, e, lo, hi) in base.items()
    }
    pop_prev = np.where(pop < MIN_POP, pop, np.round(pop * rng.normal(0.985, 0.02, n))).astype(int)
    for year, vals, p in ((2024, cur, pop), (2022, prev, pop_prev)):
        df = pd.DataFrame({k: np.round(v, 2) for k, v in vals.items()}, index=areas.index)
        df.loc[p < MIN_POP, list(STATUS)] = np.nan  # MSS: not rated, placeholder −9999
        df["ew"] = p
        df["ew_u6"] = np.round(p * (u6 + (0.2 if year == 2024 else 0.0)) / 100).astype(int)
        df["u18"] = np.round(np.clip(15.5 + 1.5 * need + rng.normal(0, 2, n), 3, 40), 1)
        df["ue65"] = np.round(np.clip(19.0 - 2.0 * need + rng.normal(0, 4, n), 2, 45), 1)
        df.loc[p == 0, ["u18", "ue65"]] = np.nan  # nobody lives there: no share
        out[year] = df
    return out


def _pin_zip(data: bytes) -> bytes:
    """Rewrite an xlsx zip with fixed timestamps and document dates (reproducible bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms)",
                    rb"\g<1>2025-01-01T00:00:00Z\g<3>",
                    content,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, content)
    return out.getvalue()


def write_xlsx(path: Path, areas: pd.DataFrame, df: pd.DataFrame, year: int) -> None:
    """The MSS status indicators as the social-monitoring office sends them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"Status {year}"
    wb.properties.creator = "Stadt Musterstadt, Stadtentwicklung"
    wb.properties.created = dt.datetime(2025, 1, 1)
    wb.properties.modified = dt.datetime(2025, 1, 1)
    ws.append([f"Monitoring Soziale Stadtentwicklung Musterstadt {year} – Statusindikatoren"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(["Planungsraum-Nr.", "Planungsraum", *STATUS.values()])
    for c in ws[3]:
        c.font = Font(bold=True)
    for key in areas.index:
        vals = [PLACEHOLDER if np.isnan(df.at[key, k]) else float(df.at[key, k]) for k in STATUS]
        ws.append([key, areas.at[key, "plr_name"], *vals])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 26
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_pin_zip(buf.getvalue()))


def _de(v: float, decimals: int) -> str:
    if np.isnan(v):
        return ""
    return f"{v:.{decimals}f}".replace(".", ",")


def write_csv(path: Path, areas: pd.DataFrame, df: pd.DataFrame) -> None:
    """Population by the statistics office: German CSV (``;``, decimal comma)."""
    lines = [";".join(["Planungsraum-Nr.", "Planungsraum", *CSV_COLUMNS.values()])]
    for key in areas.index:
        r = df.loc[key]
        cells = [key, areas.at[key, "plr_name"], str(int(r["ew"])), str(int(r["ew_u6"]))]
        cells += [_de(r["u18"], 1), _de(r["ue65"], 1)]
        lines.append(";".join(cells))
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))


# ---------------------------------------------------------------------------
# reference: the "official" MSS classes by the plain formula
# ---------------------------------------------------------------------------
def _z(v: np.ndarray) -> np.ndarray:
    return (v - v.mean()) / v.std(ddof=0)


def _classes(s: np.ndarray, names: tuple[str, ...], cuts: tuple[float, ...]) -> list[str]:
    out = []
    for v in s:
        if v < cuts[0]:
            out.append(names[0])
        elif v <= cuts[1]:
            out.append(names[1])
        elif len(cuts) == 2 or v <= cuts[2]:
            out.append(names[2])
        else:
            out.append(names[3])
    return out


def reference(values: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """Status index S = z(Σ z(x)) and dynamic index D = z(Σ z(x₂₀₂₄ − x₂₀₂₂)), rated areas only."""
    cur, prev = values[2024], values[2022]
    rated = (cur["ew"] >= MIN_POP).to_numpy()
    cols = list(STATUS)
    x = cur[cols].to_numpy()[rated]
    s = _z(sum(_z(x[:, j]) for j in range(len(cols))))
    dx = (cur[cols] - prev[cols]).to_numpy()[rated]
    d = _z(sum(_z(dx[:, j]) for j in range(len(cols))))
    ref = pd.DataFrame(index=cur.index[rated])
    ref.index.name = "plr_id"
    ref["status_index"] = np.round(s, 6)
    ref["status_klasse"] = _classes(s, ("hoch", "mittel", "niedrig", "sehr niedrig"), (-1, 1, 1.5))
    ref["dynamik_index"] = np.round(d, 6)
    ref["dynamik_klasse"] = _classes(d, ("positiv", "stabil", "negativ"), (-1, 1))
    return ref


# ---------------------------------------------------------------------------
# facilities and files
# ---------------------------------------------------------------------------
def build_facilities(rng, areas: pd.DataFrame, values: dict[int, pd.DataFrame]):
    import shapely

    kids = values[2024]["ew_u6"].to_numpy(dtype=float)
    need = values[2024]["kinderarmut"].fillna(0).to_numpy()
    w = kids * np.where(need > np.nanpercentile(need, 75), 0.55, 1.0) + 1e-9
    geoms = areas["geometry"].to_numpy()
    rows = []

    def point_in(i: int) -> tuple[float, float]:
        g = geoms[i]
        minx, miny, maxx, maxy = g.bounds
        for _ in range(200):
            px, py = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shapely.contains_xy(g, px, py):
                return round(px, 1), round(py, 1)
        p = g.representative_point()
        return round(p.x, 1), round(p.y, 1)

    for n, i in enumerate(rng.choice(len(areas), size=300, p=w / w.sum())):
        x, y = point_in(int(i))
        name = f"Kita {KITA_NAMES[n % len(KITA_NAMES)]} {areas['plr_name'].iat[i]}"
        cap = int(rng.choice([25, 40, 55, 70, 90, 120, 150]))
        rows.append({"name": name, "kategorie": "Kita", "kapazitaet": cap, "x": x, "y": y})
    pop = values[2024]["ew"].to_numpy(dtype=float)
    for i in rng.choice(len(areas), size=50, replace=False, p=pop / pop.sum()):
        x, y = point_in(int(i))
        name = f"Grundschule am {areas['plr_name'].iat[i]}"
        cap = int(rng.integers(12, 30) * 25)
        rows.append({"name": name, "kategorie": "Grundschule", "kapazitaet": cap, "x": x, "y": y})
    return pd.DataFrame(rows)


def write_geodata(raw: Path, areas: pd.DataFrame, outline, fac: pd.DataFrame) -> None:
    import geopandas as gpd
    import shapely

    true, wrong = duplicate_key(areas)
    plr = gpd.GeoDataFrame(
        areas[["plr_id", "plr_name", "bez_id", "bez_name"]].reset_index(drop=True),
        geometry=list(areas["geometry"]),
        crs=CRS,
    )
    plr.loc[plr["plr_id"] == true, "plr_id"] = wrong  # the office's typo: a key twice
    bez = plr.assign(plr_id=areas["plr_id"].to_numpy()).dissolve("bez_id", as_index=False)
    bez["geometry"] = [shapely.normalize(shapely.set_precision(g, 1.0)) for g in bez.geometry]
    bez = bez[["bez_id", "bez_name", "geometry"]]
    stadt = gpd.GeoDataFrame(
        {"stadt_id": ["11000000"], "name": ["Musterstadt"]}, geometry=[outline], crs=CRS
    )
    path = raw / "planungsraeume.gpkg"
    path.unlink(missing_ok=True)
    plr.to_file(path, layer="planungsraeume", engine="pyogrio")
    bez.to_file(path, layer="bezirke", engine="pyogrio")
    stadt.to_file(path, layer="stadt", engine="pyogrio")
    pts = gpd.GeoDataFrame(
        fac[["name", "kategorie", "kapazitaet"]],
        geometry=gpd.points_from_xy(fac["x"], fac["y"]),
        crs=CRS,
    )
    epath = raw / "einrichtungen.gpkg"
    epath.unlink(missing_ok=True)
    pts.to_file(epath, layer="einrichtungen", engine="pyogrio")


def rekey(raw_gpkg: Path, target: Path, areas: pd.DataFrame) -> None:
    """The recipe's fix (docs/stadt.md): a copy of the area file with the wrong key corrected."""
    import shutil

    import geopandas as gpd

    true, wrong = duplicate_key(areas)
    target.unlink(missing_ok=True)
    shutil.copyfile(raw_gpkg, target)
    plr = gpd.read_file(target, layer="planungsraeume")
    plr.loc[(plr["plr_id"] == wrong) & (plr["bez_id"] == true[:2]), "plr_id"] = true
    plr.to_file(target, layer="planungsraeume")


def generate(out: Path) -> dict:
    """Write all files; GDAL's OGR_CURRENT_DATE is pinned only while writing."""
    import pyogrio

    old = os.environ.get("OGR_CURRENT_DATE")
    os.environ["OGR_CURRENT_DATE"] = FIXED_DATE
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
    try:
        return _generate(out)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": old})
        if old is None:
            os.environ.pop("OGR_CURRENT_DATE", None)
        else:
            os.environ["OGR_CURRENT_DATE"] = old


def _generate(out: Path) -> dict:
    rng = np.random.default_rng(SEED)
    raw = out / "rohdaten"
    raw.mkdir(parents=True, exist_ok=True)
    areas, outline = build_areas(rng)
    values = build_values(rng, areas)
    fac = build_facilities(rng, areas, values)
    write_geodata(raw, areas, outline, fac)
    for year in YEARS:
        write_xlsx(raw / f"mss_{year}.xlsx", areas, values[year], year)
        write_csv(raw / f"einwohner_{year}.csv", areas, values[year])
    rekey(raw / "planungsraeume.gpkg", out / "planungsraeume.gpkg", areas)
    ref = reference(values)
    ref.to_csv(out / "referenz_mss_2024.csv", sep=";", lineterminator="\n")
    true, wrong = duplicate_key(areas)
    return {"areas": len(areas), "rated": len(ref), "duplicate": (wrong, true)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = ap.parse_args()
    info = generate(args.out)
    print(
        f"{info['areas']} Planungsräume, {info['rated']} bewertet; "
        f"Schlüssel {info['duplicate'][0]} doppelt (eines ist {info['duplicate'][1]})."
    )


if __name__ == "__main__":
    main()
