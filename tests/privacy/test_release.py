"""Release levels, packages and the checker (scanning the written files)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.privacy import (
    LevelRule,
    ReleasePolicy,
    check_release,
    column_labels,
    count_columns,
    release_frame,
    suppress,
    write_csv,
    write_packages,
)
from sozialraum.privacy.checker import parse_number


def _scan_numbers_by_key(folder, data, kinds=("areas",)):
    """Independent scan: every numeric cell of every written CSV/GeoPackage/Excel, by key."""
    import pyogrio
    from openpyxl import load_workbook

    seen = []  # (file, key, header, value)
    for p in folder.iterdir():
        if p.suffix == ".csv":
            df = pd.read_csv(p, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
            key = df.columns[0]
            for col in df.columns[1:]:
                for k, v in zip(df[key], df[col], strict=False):
                    try:
                        seen.append((p.name, k, col, float(v.replace(",", "."))))
                    except ValueError:
                        pass
        elif p.suffix == ".gpkg":
            for layer, _g in pyogrio.list_layers(p):
                df = pyogrio.read_dataframe(p, layer=layer, read_geometry=False)
                key = df.columns[0]
                for col in df.columns[1:]:
                    for k, v in zip(df[key], df[col], strict=False):
                        if isinstance(v, (int, float, np.number)) and not pd.isna(v):
                            seen.append((p.name, str(k), col, float(v)))
        elif p.suffix == ".xlsx":
            wb = load_workbook(p, data_only=True)
            for ws in wb.worksheets:
                rows = list(ws.iter_rows(values_only=True))
                h = next(i for i, r in enumerate(rows) if sum(c is not None for c in r) >= 2)
                head = rows[h]
                for r in rows[h + 1 :]:
                    for h, v in zip(head[1:], r[1:], strict=False):
                        if isinstance(v, (int, float)):
                            seen.append((p.name, str(r[0]), h, float(v)))
    return seen


def test_release_frame_levels(ml_data):
    data, _ = ml_data
    fr, st = release_frame(data.areas, data.areas_status, "oeffentlich")
    assert set(fr.columns) == {
        "sr_name",
        "ags",
        "gemeinde",
        "geometry",
        "idx_sozial",
        "idx_sozial_klasse",
    }
    assert st is None or set(st.columns) <= set(fr.columns)
    fr, st = release_frame(data.areas, data.areas_status, "intern")
    assert fr.shape == data.areas.shape
    own = data.areas["ags"] == "07999002"
    fr, st = release_frame(data.areas, data.areas_status, "kommunal", ags="07999002")
    assert fr.loc[own, "alo"].equals(data.areas.loc[own, "alo"])
    assert fr.loc[~own, "alo"].isna().all() and fr.loc[~own, "alo_quote"].isna().all()
    assert fr.loc[~own, "idx_sozial_klasse"].equals(data.areas.loc[~own, "idx_sozial_klasse"])
    assert (st.loc[~own, "alo"] == "geheim").all()
    with pytest.raises(InputError):
        release_frame(data.areas, data.areas_status, "kommunal")
    with pytest.raises(InputError):
        release_frame(data.areas, data.areas_status, "geheim")
    pol = ReleasePolicy(allowed=("alo_quote",), extra=("mein_*",))
    assert (
        pol.is_public("mein_wert")
        and pol.is_allowed("alo_quote")
        and not pol.is_public("alo_quote")
    )
    fr, _ = release_frame(data.areas, data.areas_status, "oeffentlich", policy=pol)
    assert "alo_quote" in fr.columns and "alo" not in fr.columns


def test_packages_written_and_named(ml_packages):
    out, files = ml_packages
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "intern",
        "kommunal-07999001",
        "kommunal-07999002",
        "kommunal-07999009",
        "oeffentlich",
    ]
    for path, de, en in files:
        assert path.exists() and de and en
        assert path.parent.name in path.name  # file name carries level and key
    csv = next((out / "kommunal-07999009").glob("*_sozialraeume.csv"))
    raw = csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    head = raw.decode("utf-8-sig").splitlines()[0]
    assert head.startswith("sr_id;") and ";alo_quote;" in head


def test_public_files_contain_no_internal_value(ml_data, ml_packages):
    """Independent scan: no number of the public files equals an internal count/rate of its area."""
    data, _ = ml_data
    out, _ = ml_packages
    policy = ReleasePolicy()
    internal_cols = [c for c in data.areas.columns if c != "geometry" and not policy.is_public(c)]
    seen = _scan_numbers_by_key(out / "oeffentlich", data)
    assert seen, "the public package has numbers (indices, classes)"
    areas = data.areas
    hits = []
    for file, key, head, v in seen:
        if key not in areas.index:
            continue
        assert (
            head in ("idx_sozial", "idx_sozial_klasse", "Anzahl Gebiete", "n_gebiete", "ags", "AGS")
            or "Index" in str(head)
            or "klasse" in str(head)
        ), head
        for c in internal_cols:
            x = areas.at[key, c]
            if (
                isinstance(x, (float, int))
                and not np.isnan(x)
                and x >= 1
                and abs(x - v) < 1e-9
                and not float(v).is_integer()
            ):
                hits.append((file, key, c))
    assert not hits
    # the checker agrees
    rep = check_release(out / "oeffentlich", data, level="oeffentlich")
    assert rep.ok, rep.to_text()


def test_municipal_package_has_no_other_municipality_detail(ml_data, ml_packages):
    data, _ = ml_data
    out, _ = ml_packages
    seen = _scan_numbers_by_key(out / "kommunal-07999001", data)
    areas = data.areas
    policy = ReleasePolicy()
    own_seen = 0
    for file, key, head, _v in seen:
        if key in areas.index:
            if areas.at[key, "ags"] == "07999001":
                own_seen += 1
            else:
                assert (
                    policy.is_public(head)
                    or "Index" in str(head)
                    or head in ("idx_sozial", "idx_sozial_klasse")
                ), (file, key, head)
    assert own_seen > 100
    rep = check_release(out / "kommunal-07999001", data, level="kommunal", ags="07999001")
    assert rep.ok, rep.to_text()
    # the same package is not fit for another municipality
    other = check_release(out / "kommunal-07999001", data, level="kommunal", ags="07999009")
    assert not other.ok and set(other.findings["reason"]) == {"fremde Gemeinde"}
    assert set(other.findings["area"].map(lambda k: areas.at[k, "ags"])) == {"07999001"}


def test_checker_flags_internal_package_as_public(ml_data, ml_packages):
    data, _ = ml_data
    out, _ = ml_packages
    rep = check_release(out / "intern", data, level="oeffentlich")
    assert not rep.ok
    assert "interner Wert" in set(rep.findings["reason"])
    # the file types are all scanned
    assert {f.split(".")[-1] for f in rep.findings["file"]} >= {"gpkg", "xlsx", "csv"}
    # class numbers and indices are never findings
    assert not rep.findings["column"].astype(str).str.contains("klasse|idx_", regex=True).any()
    assert "NICHT in Ordnung" in rep.to_text() and "NOT OK" in rep.to_text("en")
    assert check_release(out / "intern", data, level="intern").ok


def test_checker_finds_recoverable_values(ml_data, tmp_path):
    """A package without secondary suppression leaks small counts by subtraction."""
    from sozialraum.io import write_gpkg

    data, _ = ml_data
    counts = count_columns(data.areas, data.catalogue)
    res = suppress(
        data.areas,
        data.areas_status,
        gemeinden=data.gemeinden,
        gemeinden_status=data.gemeinden_status,
        kreis=data.kreis,
        kreis_status=data.kreis_status,
        catalogue=data.catalogue,
        secondary=False,
    )
    policy = ReleasePolicy(allowed=tuple(counts))
    path = tmp_path / "leak.gpkg"
    first = True
    for kind, layer in (("areas", "sozialraeume"), ("gemeinden", "gemeinden"), ("kreis", "kreis")):
        fr, st = release_frame(
            res.frames[kind], res.status[kind], "oeffentlich", policy=policy, kind=kind
        )
        import geopandas as gpd

        write_gpkg(
            gpd.GeoDataFrame(fr, geometry="geometry"),
            path,
            layer=layer,
            status=st,
            append_layer=not first,
        )
        first = False
    rep = check_release(path, data, level="oeffentlich", policy=policy)
    rec = rep.findings[rep.findings["reason"] == "rückrechenbar"]
    assert len(rec) > 0
    # each recovered value is a small count and equals the internal value (hand: total − published parts)
    for _, r in rec.iterrows():
        kind = r["layer"]
        fr = {"areas": data.areas, "gemeinden": data.gemeinden, "kreis": data.kreis}[kind]
        x = fr[r["column"]].set_axis(fr.index.astype(str))[r["area"]]
        assert 1 <= abs(x) <= 2 and r["value"] == x
    # with secondary suppression the same policy passes
    write_packages(
        data, tmp_path / "ok", levels=("oeffentlich",), policy=policy, formats=("gpkg", "csv")
    )
    assert check_release(
        tmp_path / "ok" / "oeffentlich", data, level="oeffentlich", policy=policy
    ).ok


def test_checker_reads_web_map_geojson(ml_data, tmp_path):
    """Values embedded in a web map's GeoJSON properties, matched by area name."""
    data, _ = ml_data
    areas = data.areas
    k0, k1 = areas.index[0], areas.index[1]
    feats = []
    for k in (k0, k1):
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "sr_name": areas.at[k, "sr_name"],
                    "idx_sozial_klasse": int(areas.at[k, "idx_sozial_klasse"]),
                    "Jahr": 2024,
                    "_c": [3, 1],
                },
                "geometry": None,
            }
        )
    ew = areas.at[k1, "ew_ges"]
    quote = areas.at[k1, "alo_quote"]
    feats[1]["properties"]["ew_ges"] = f"{int(ew):,}".replace(",", ".")  # German "1.234"
    feats[1]["properties"]["Arbeitslosenquote"] = f"{quote:.1f} %".replace(".", ",")
    html = (
        "<html><script>var d = "
        + json.dumps({"type": "FeatureCollection", "features": feats})
        + ";</script></html>"
    )
    (tmp_path / "karte.html").write_text(html, encoding="utf-8")
    rep = check_release(tmp_path, data, level="oeffentlich")
    assert set(rep.findings["area"]) == {k1}, rep.to_text()
    assert "ew_ges" in set(rep.findings["column"])
    # for the municipality of k1 the same map is fine
    assert check_release(
        tmp_path, data, level="kommunal", ags=areas.at[k1, "ags"], recover=False
    ).ok


def test_parse_number_german_and_english():
    assert (1234.0, 0) in parse_number("1.234")
    assert (1.234, 3) in parse_number("1.234")
    assert parse_number("12,5 %")[0] == (12.5, 1)
    assert parse_number("1,234.5", prefer="en")[0] == (1234.5, 1)
    assert parse_number("Sozialraum 3 von 12") == []
    assert parse_number(7) == [(7.0, 0)] and parse_number(None) == []


def test_write_csv_german_format(tmp_path):
    fr = pd.DataFrame(
        {"a": [1.0, np.nan, 2.5], "b": ["x", "y", "z"]},
        index=pd.Index(["01", "02", "03"], name="k"),
    )
    st = pd.DataFrame({"a": [pd.NA, "geheim", pd.NA]}, index=fr.index, dtype="string")
    p = write_csv(fr, tmp_path / "t.csv", status=st)
    lines = p.read_text(encoding="utf-8-sig").splitlines()
    assert lines == ["k;a;b", "01;1;x", "02;.;y", "03;2,5;z"]


def test_checker_reads_steckbrief_text(ml_data, tmp_path):
    """A profile page of one area: numbers in its visible text are compared with that area."""
    data, _ = ml_data
    areas = data.areas
    k = areas.index[3]
    ew = int(areas.at[k, "ew_ges"])
    name = areas.at[k, "sr_name"]
    klasse = int(areas.at[k, "idx_sozial_klasse"])
    page = (
        f"<html><head><style>.a{{width: {ew}px}}</style></head><body><h1>{name}</h1>"
        f"<p>Klasse {klasse} im Jahr 2024, Rang 7</p>"
        f"<script>var x = {ew};</script></body></html>"
    )
    (tmp_path / "steckbrief.html").write_text(page, encoding="utf-8")
    assert check_release(tmp_path, data, level="oeffentlich").ok  # script/style not read
    ew_de = f"{ew:,}".replace(",", ".")
    page = page.replace("</h1>", f"</h1><p>Einwohner: {ew_de}</p>")
    (tmp_path / "steckbrief.html").write_text(page, encoding="utf-8")
    rep = check_release(tmp_path, data, level="oeffentlich")
    assert list(rep.findings["area"]) == [k] and list(rep.findings["column"]) == ["ew_ges"]


def test_release_data_from_rollup(ml_data):
    from sozialraum.join import rollup_hierarchy
    from sozialraum.privacy import ReleaseData

    data, joined = ml_data
    lv = rollup_hierarchy(
        data.areas,
        {"gemeinde": "ags", "kreis": None},
        columns=list(joined.status.columns),
        status=joined.status,
    )
    rd = ReleaseData.from_rollup(data.areas, data.areas_status, lv, data.catalogue, name="x")
    assert rd.gemeinden["ew_ges"].sum() == rd.kreis["ew_ges"].iloc[0] == data.areas["ew_ges"].sum()
    assert rd.municipalities() == sorted(data.areas["ags"].unique())


def test_policy_columns_per_level():
    pol = ReleasePolicy(allowed=("alo_quote",))
    cols = ["sr_name", "alo", "alo_quote", "idx_a", "idx_a_klasse", "lisa_cat", "typ"]
    assert pol.columns(cols, "oeffentlich") == [
        "sr_name",
        "alo_quote",
        "idx_a",
        "idx_a_klasse",
        "lisa_cat",
        "typ",
    ]
    assert pol.columns(cols, "kommunal") == ["sr_name", "idx_a", "idx_a_klasse", "lisa_cat", "typ"]
    assert pol.columns(cols, "intern") == cols


def test_checker_key_column_not_confused_with_ags(ml_data, tmp_path):
    """A table whose AGS column comes first is still matched by the area key."""
    data, _ = ml_data
    df = data.areas[["ags", "sr_name", "alo"]].reset_index()[["ags", "sr_id", "sr_name", "alo"]]
    df.to_csv(tmp_path / "t.csv", sep=";", index=False)
    rep = check_release(tmp_path / "t.csv", data, level="oeffentlich")
    f = rep.findings
    found = f[(f["column"] == "alo") & (f["reason"] == "interner Wert")]
    assert len(found) == int((data.areas["alo"] >= 1).sum())
    assert set(found["area"]) <= set(data.areas.index)
    # the Gemeinde and Kreis totals are public by default (suppressed): not a finding
    assert len(f[(f["column"] == "alo") & (f["reason"] == "rückrechenbar")]) == 0
    # with a policy that releases no totals they follow by addition (10 municipalities + district)
    closed = ReleasePolicy(oeffentlich=LevelRule(kreis=(), gemeinden=()))
    f = check_release(tmp_path / "t.csv", data, level="oeffentlich", policy=closed).findings
    assert len(f[(f["column"] == "alo") & (f["reason"] == "rückrechenbar")]) == 11


def test_source_secret_cells_stay_secret_in_municipal_files(ml_data, ml_packages):
    """Cells marked '.' in the sources show '.' in the municipality's own CSV and Excel."""
    from openpyxl import load_workbook

    data, joined = ml_data
    out, _ = ml_packages
    src = joined.status
    own = data.areas.index[data.areas["ags"] == "07999009"]
    secret = [(k, c) for c in src.columns for k in own if str(src.at[k, c]) == "geheim"]
    assert len(secret) >= 5
    csv = next((out / "kommunal-07999009").glob("*_sozialraeume.csv"))
    df = pd.read_csv(csv, sep=";", dtype=str, encoding="utf-8-sig").set_index("sr_id")
    for k, c in secret:
        assert df.at[k, c] == "."
    wb = load_workbook(next((out / "kommunal-07999009").glob("*.xlsx")), data_only=True)
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    by_key = {r[0]: r for r in rows[1:]}
    labels = column_labels(data.catalogue)
    for k, c in secret:
        assert by_key[k][head.index(labels.get(c, c))] == "."


def test_regression_method_notes_and_gi_labels_are_not_data(ml_data, tmp_path):
    """Pinned: template constants ("höchstens 0,25 Standardabweichungen" in a ``data-methode``
    note) and Gi* labels ("Hot Spot 95 %") were reported as internal values whenever some
    internal value of the area happened to equal them; a real value next to them still is."""
    data, _ = ml_data
    areas = data.areas
    k = areas.index[3]
    name = areas.at[k, "sr_name"]
    ew = int(areas.at[k, "ew_ges"])
    ew_de = f"{ew:,}".replace(",", ".")
    note = f"<div class='note' data-methode>Rang unter 80 Gebieten; höchstens {ew_de} und 0,25 Standardabweichungen</div>"
    page = f"<html><body><h1>{name}</h1><p>Gi*: Hot Spot {ew % 100:02d} %</p>{note}</body></html>"
    (tmp_path / "steckbrief.html").write_text(page, encoding="utf-8")
    assert check_release(tmp_path, data, level="oeffentlich").ok
    (tmp_path / "steckbrief.html").write_text(
        page.replace("</h1>", f"</h1><p>{ew_de} Einwohner</p>"), encoding="utf-8"
    )
    rep = check_release(tmp_path, data, level="oeffentlich")
    assert list(rep.findings["column"]) == ["ew_ges"]


def test_csv_cells_of_a_float_column_are_those_of_each_value():
    """The float columns are written by a fast path: the text must be what the general
    rule gives each value (whole numbers, fractions, NaN, infinity, -0.0, large values)."""
    import numpy as np
    import pandas as pd

    from sozialraum.privacy.package import _csv_cells, _fmt_csv

    rng = np.random.default_rng(3)
    values = np.concatenate(
        [
            rng.normal(0, 1e3, 500),
            np.round(rng.normal(0, 1e3, 200)),
            [np.nan, np.inf, -np.inf, -0.0, 0.1 + 0.2, 1e15, 1e16, 2.5e-7, 123456.7891234],
        ]
    )
    col = pd.Series(values)
    assert _csv_cells(col) == [_fmt_csv(v) for v in col.tolist()]
    assert _csv_cells(pd.Series([1.5, np.nan], dtype="float32")) == ["1,5", ""]
    mixed = pd.Series([1, None, "=SUMME(A1)", 2.0], dtype=object)  # the general rule
    assert _csv_cells(mixed) == [_fmt_csv(v) for v in mixed.tolist()]


def test_package_csv_is_what_pandas_writes_for_the_same_texts(tmp_path):
    """write_csv writes its rows with the csv module: byte for byte pandas' ``to_csv`` of the
    same texts (quoting of ``;``, quotes and line breaks, BOM, empty cells, status symbols)."""
    import numpy as np
    import pandas as pd

    from sozialraum.io import STATUS_SYMBOLS
    from sozialraum.privacy.package import _csv_cells, write_csv

    frame = pd.DataFrame(
        {
            "name": ['Nord; "Alt"', "Süd\nOst", "=HYPERLINK(1)", "", None],
            "ew": [1200.0, np.nan, 3.5, 0.25, np.nan],
            "n": pd.array([1, None, 3, 4, 5], dtype="Int64"),
            "sgb2": [np.nan, 12.0, np.nan, 7.0, np.nan],
            "a;b": ["x", "y", "z", "w", "v"],
        },
        index=pd.Index(["001", "002", "003", "+004", "005"], name="sr_id"),
    )
    status = pd.DataFrame(
        {"sgb2": ["geheim", None, "nichts_vorhanden", None, np.nan], "ew": [None] * 5},
        index=frame.index,
    )
    got = write_csv(frame, tmp_path / "a.csv", status=status).read_bytes()

    from sozialraum.core.spreadsheet import neutralise

    ref = pd.DataFrame({"sr_id": [neutralise(k) for k in frame.index]})
    for col in frame.columns:
        vals = _csv_cells(frame[col])
        if col in status.columns:
            codes = status[col].tolist()
            vals = [
                STATUS_SYMBOLS.get(str(c), str(c)) if v == "" and isinstance(c, str) else v
                for v, c in zip(vals, codes, strict=True)
            ]
        ref[col] = vals
    ref.columns = [neutralise(c) for c in ref.columns]
    ref.to_csv(tmp_path / "b.csv", sep=";", index=False, encoding="utf-8-sig")
    assert got == (tmp_path / "b.csv").read_bytes()
    text = got.decode("utf-8-sig")
    assert '"Nord; ""Alt"""' in text and '"Süd\nOst"' in text and "'=HYPERLINK(1)" in text
    assert text.splitlines()[1] == '001;"Nord; ""Alt""";1200;1;.;x'  # "." for the secret cell
    assert "\n003;'=HYPERLINK(1);3,5;3;-;z\n'+004;;0,25;4;7;w\n" in text
