"""Benchmark of the suppression with protection intervals and its audit.

Line:

* ``suppression_audit``: Musterland (80 areas, 10 municipalities, every count variable of the
  catalogue, 3 years): primary and secondary suppression (protection LPs over hierarchy and the
  catalogue's relations, against the public and each municipality) for every year, then the
  audit of all years together (the interval attack of the public and of each municipality).
  There is no peer library for this in Python (tau-ARGUS is a Java/C++ desktop program), so the
  line reports our time only.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEARS = (2022, 2023, 2024)


def _load(year: int):
    from sozialraum.io import read_areas, read_catalogue, read_table
    from sozialraum.join import join_tables, rollup_hierarchy

    ex = ROOT / "examples" / "musterland"
    areas = read_areas(
        ROOT / "data" / "boundaries" / "musterland.gpkg",
        layer="sozialraeume",
        key="sr_id",
        name="sr_name",
    )
    cat = read_catalogue(ex / "katalog.toml")
    tables = [
        read_table(ex / f"indikatoren_{year}.xlsx", sheet="Daten", columns=cat, year=year),
        read_table(ex / f"jobcenter_{year}.csv", columns=cat, year=year),
    ]
    joined = join_tables(areas, tables, area_names="sr_name")
    counts = joined.frame
    lv = rollup_hierarchy(
        counts,
        {"gemeinde": "ags", "kreis": None},
        columns=list(joined.status.columns),
        status=joined.status,
        catalogue=cat.indicators,
    )
    return counts, joined.status, lv, cat


def main() -> None:
    from sozialraum.privacy import audit_suppression, count_columns, municipal_knowledge
    from sozialraum.privacy import suppression as sup

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = {y: _load(y) for y in YEARS}
        cat = data[YEARS[0]][3]
        cols = count_columns(data[YEARS[0]][0], cat)
        sup._PATTERN_CACHE.clear()
        t0 = time.perf_counter()
        values, status, internal, istatus = {}, {}, {}, {}
        for y, (areas, st, lv, _c) in data.items():
            g, k = lv["gemeinde"], lv["kreis"]
            res = sup.suppress(
                areas,
                st,
                gemeinden=g.frame,
                gemeinden_status=g.status,
                kreis=k.frame,
                kreis_status=k.status,
                catalogue=cat,
                columns=cols,
            )
            values[y] = {lvl: res.frames[lvl][cols] for lvl in res.frames}
            status[y] = {lvl: res.status[lvl][cols] for lvl in res.status}
            internal[y] = {"areas": areas[cols], "gemeinden": g.frame[cols]}
            istatus[y] = {"areas": st.reindex(columns=cols), "gemeinden": g.status[cols]}
        t_sup = time.perf_counter() - t0
        amap = data[YEARS[0]][0]["ags"]
        t1 = time.perf_counter()
        audit = audit_suppression(
            values,
            status,
            amap,
            columns=cols,
            relations=cat.relations,
            known=municipal_knowledge(internal, amap, istatus),
        )
        t_audit = time.perf_counter() - t1
    size = f"80 areas x {len(cols)} counts x {len(YEARS)} years, {len(audit.attackers)} attackers"
    print(
        f"bench suppression_audit: {size}, ours {t_sup + t_audit:.2f} s "
        f"(suppression {t_sup:.2f} s, audit {t_audit:.2f} s, "
        f"{audit.n_checked} cells checked, ok={audit.ok})"
    )


if __name__ == "__main__":
    main()
