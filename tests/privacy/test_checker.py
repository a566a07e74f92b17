"""The release checker reads every byte it ships: planted withheld values are found in
web maps (by name and by geometry), PDF profiles, Excel cells, CSV and GeoJSON; unknown
file types are refused; the report lists every file."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pytest

from sozialraum.privacy import (
    LevelRule,
    ReleaseData,
    ReleasePolicy,
    check_release,
    write_packages,
)
from sozialraum.privacy.checker import parse_number
from sozialraum.privacy.package import package_frames

OWN = "07999001"
#: a public policy that releases no municipal or district totals (they are what is planted)
CLOSED = ReleasePolicy(oeffentlich=LevelRule(kreis=(), gemeinden=()))


def _de(x: float, d: int = 1) -> str:
    return f"{x:.{d}f}".replace(".", ",")


def _foreign(data, col: str, n: int) -> list[str]:
    """Areas of other municipalities whose value of ``col``, printed with one decimal,
    equals no other value of the area (so the finding names ``col``) and no public one."""
    a = data.areas
    keys = a.index[(a["ags"] != OWN) & a[col].notna() & (a[col] > 0.5)]
    num = a.select_dtypes("number")
    out = []
    for k in keys:
        shown = round(float(a.at[k, col]), 1)
        same = (num.loc[k].round(1) == shown) | (num.loc[k] == shown)
        if same.sum() == 1:
            out.append(k)
    return out[:n]


def _municipal_map(data, path):
    """The municipality's web map, made by the map module from its package frames."""
    from sozialraum.webmap import save_map

    frames = package_frames(data, "kommunal", ags=OWN)
    areas, status = frames["areas"]
    gem = data.gemeinden[["geometry"]]
    return save_map(
        gpd.GeoDataFrame(areas, geometry="geometry", crs=data.areas.crs),
        path,
        ["sgb2_quote", "alo_quote"],
        name_column="sr_name",
        status=status,
        boundaries=gpd.GeoDataFrame(gem, geometry="geometry", crs=data.areas.crs),
        offline=True,
    )


def _map_config(html: str) -> tuple[dict, int, int]:
    """The map's embedded data object (with ``areas`` and ``boundaries``) and its span."""
    dec = json.JSONDecoder()
    for m in re.finditer(r"\{", html):
        try:
            obj, end = dec.raw_decode(html, m.start())
        except ValueError:
            continue
        if isinstance(obj, dict) and "areas" in obj and "boundaries" in obj:
            return obj, m.start(), end
    raise AssertionError("no map data found")


def test_regression_withheld_rates_planted_in_municipal_web_map_are_found(ml_data, tmp_path):
    """Pinned: rates of other municipalities' areas planted into a municipal web map passed
    as "In Ordnung" (the map was skipped). Each planted rate is found now."""
    data, _ = ml_data
    p = _municipal_map(data, tmp_path / "webkarte.html")
    clean = check_release(tmp_path, data, level="kommunal", ags=OWN)
    assert clean.ok, clean.to_text()  # the map as written shows nothing beyond the level
    html = p.read_text(encoding="utf-8")
    cfg, start, end = _map_config(html)
    by_name = {f["properties"]["sr_name"]: f for f in cfg["areas"]["features"]}
    planted = {}
    for col in ("sgb2_quote", "kinderarmut", "alo_quote"):
        for k in _foreign(data, col, 8):
            name = data.areas.at[k, "sr_name"]
            by_name[name]["properties"][f"planted_{col}"] = f"{_de(data.areas.at[k, col])} %"
            planted[(k, col)] = name
    p.write_text(html[:start] + json.dumps(cfg) + html[end:], encoding="utf-8")
    rep = check_release(tmp_path, data, level="kommunal", ags=OWN)
    found = {(r.area, r.column.split(" ")[0][len("planted_") :]) for r in rep.findings.itertuples()}
    assert found == set(planted), rep.to_text()
    assert set(rep.findings["reason"]) == {"fremde Gemeinde"}
    assert "webkarte.html: HTML" in rep.to_text()


def test_values_planted_in_boundary_features_are_tied_by_geometry(ml_data, tmp_path):
    """Boundary features carry no key and no name: they are tied to municipalities by shape."""
    data, _ = ml_data
    p = _municipal_map(data, tmp_path / "webkarte.html")
    html = p.read_text(encoding="utf-8")
    cfg, start, end = _map_config(html)
    feats = cfg["boundaries"]["features"]
    assert len(feats) == 10 and all(not f["properties"] for f in feats)
    # which municipality is each feature? (independently: the one containing its centroid)
    from shapely.geometry import shape

    gem = data.gemeinden.to_crs(4326)
    planted = {}
    for f in feats:
        pt = shape(f["geometry"]).representative_point()
        ags = str(gem.index[gem.contains(pt)][0])
        f["properties"] = {"Arbeitslose": int(data.gemeinden.at[ags, "alo"])}
        planted[ags] = int(data.gemeinden.at[ags, "alo"])
    p.write_text(html[:start] + json.dumps(cfg) + html[end:], encoding="utf-8")
    # the counts of municipalities are withheld at the public level
    rep = check_release(tmp_path, data, level="oeffentlich", recover=False, policy=CLOSED)
    hits = rep.findings[rep.findings["layer"].str.contains("boundaries")]
    assert dict(zip(hits["area"], hits["value"], strict=True)) == planted, rep.to_text()


def _profile_html(title: str, lines: list[str]) -> str:
    body = "".join(f"<p>{x}</p>" for x in lines)
    return f"<html><head><meta charset='utf-8'></head><body><h1>{title}</h1>{body}</body></html>"


def _pdf(html: str, path):
    """A real PDF: headless Chromium as in the report module, else matplotlib's PDF backend."""
    src = path.with_suffix(".src.html")
    src.write_text(html, encoding="utf-8")
    try:
        from sozialraum.report.pdf import find_chromium, html_to_pdf

        find_chromium()
        html_to_pdf(src, path)
    except Exception:  # noqa: BLE001 - no Chromium here: draw the text with matplotlib
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        text = re.sub(r"<[^>]+>", "\n", html)
        lines = [x for x in text.splitlines() if x.strip()]
        fig = plt.figure(figsize=(8.27, 11.7))
        for i, line in enumerate(lines):
            fig.text(0.1, 0.95 - i * 0.03, line, fontsize=10)
        fig.savefig(path, format="pdf")
        plt.close(fig)
    src.unlink()
    return path


def test_withheld_rate_planted_in_pdf_profile_is_found(ml_data, tmp_path):
    data, _ = ml_data
    a = data.areas
    k = _foreign(data, "sgb2_quote", 1)[0]
    name, ags = a.at[k, "sr_name"], a.at[k, "ags"]
    lines = [f"Sozialraum {k} · Gemeinde {ags} · Berichtsjahr 2024", "Statusklasse 3"]
    _pdf(_profile_html(f"Steckbrief {name}", lines), tmp_path / "steckbrief.pdf")
    assert check_release(tmp_path, data, level="oeffentlich").ok
    lines.append(f"SGB-II-Quote {_de(a.at[k, 'sgb2_quote'])} %")
    _pdf(_profile_html(f"Steckbrief {name}", lines), tmp_path / "steckbrief.pdf")
    rep = check_release(tmp_path, data, level="oeffentlich")
    f = rep.findings
    assert list(f["area"]) == [k] and list(f["column"]) == ["sgb2_quote"], rep.to_text()
    assert "steckbrief.pdf: PDF" in rep.to_text()
    # in the package of its own municipality the same profile is fine
    assert check_release(tmp_path, data, level="kommunal", ags=ags, recover=False).ok


def test_withheld_count_planted_in_municipality_profile_pdf_is_found(ml_data, tmp_path):
    """A municipality's profile (it lists its areas) is compared with the municipality."""
    data, _ = ml_data
    g = data.gemeinden
    ags = "07999002"
    areas = data.areas.index[data.areas["ags"] == ags]
    rows = [f"{data.areas.at[k, 'sr_name']} Typ 2" for k in areas]
    head = [f"Gemeinde {ags} · Berichtsjahr 2024"]
    _pdf(_profile_html("Steckbrief Gemeinde", head + rows), tmp_path / "gemeinde.pdf")
    assert check_release(tmp_path, data, level="oeffentlich", policy=CLOSED).ok
    alo = int(g.at[ags, "alo"])
    body = head + [f"Arbeitslose {alo:,}".replace(",", ".")] + rows
    _pdf(_profile_html("Steckbrief Gemeinde", body), tmp_path / "gemeinde.pdf")
    rep = check_release(tmp_path, data, level="oeffentlich", recover=False, policy=CLOSED)
    assert set(zip(rep.findings["area"], rep.findings["column"], strict=True)) == {(ags, "alo")}


@pytest.fixture
def public_package(ml_data, tmp_path):
    data, _ = ml_data
    write_packages(data, tmp_path, levels=("oeffentlich",))
    return tmp_path / "oeffentlich"


def test_withheld_values_planted_in_excel_cells_are_found(ml_data, public_package):
    from openpyxl import load_workbook

    data, _ = ml_data
    a = data.areas
    xlsx = next(public_package.glob("*.xlsx"))
    assert check_release(public_package, data, level="oeffentlich").ok
    wb = load_workbook(xlsx)
    ws = wb.worksheets[0]
    head_row = next(r for r in ws.iter_rows() if r[0].value == "sr_id")[0].row
    keys = [ws.cell(row=i, column=1).value for i in range(head_row + 1, ws.max_row + 1)]
    k1, k2 = a.index[5], a.index[40]
    col = ws.max_column + 1
    ws.cell(row=head_row, column=col, value="Bemerkung")
    ws.cell(
        row=head_row + 1 + keys.index(k1), column=col, value=f"{int(a.at[k1, 'alo'])} Arbeitslose"
    )
    notes = wb.create_sheet("Notizen")  # a sheet without any table
    notes["B4"] = f"{a.at[k2, 'sr_name']}: Kinderarmut {_de(a.at[k2, 'kinderarmut'])} %"
    wb.save(xlsx)
    rep = check_release(public_package, data, level="oeffentlich", recover=False)
    f = rep.findings
    got = {(r.layer, r.area, r.column.split("= ")[-1].rstrip(")")) for r in f.itertuples()}
    assert got == {(ws.title, k1, "alo"), ("Notizen", k2, "kinderarmut")}, rep.to_text()


def test_withheld_value_planted_in_csv_found_with_detected_encoding_and_delimiter(
    ml_data, tmp_path
):
    data, _ = ml_data
    a = data.areas
    k = a.index[7]
    df = pd.DataFrame(
        {"Schlüssel": a.index, "Sozialraum": a["sr_name"], "Größe": a["idx_sozial_klasse"]}
    )
    path = tmp_path / "tabelle.csv"
    df.to_csv(path, sep="\t", index=False, encoding="cp1252")  # Windows Excel export
    assert check_release(path, data, level="oeffentlich").ok
    df["Größe"] = df["Größe"].astype(object)
    df.loc[df["Schlüssel"] == k, "Größe"] = _de(a.at[k, "sgb2_quote"]) + " %"
    df.to_csv(path, sep="\t", index=False, encoding="cp1252")
    rep = check_release(path, data, level="oeffentlich", recover=False)
    assert list(rep.findings["area"]) == [k] and "sgb2_quote" in rep.findings["column"][0]
    assert "tabelle.csv: CSV" in rep.to_text()


def test_withheld_rate_planted_in_geojson_without_keys_is_tied_by_geometry(ml_data, tmp_path):
    data, _ = ml_data
    a = data.areas
    k = a.index[12]
    gj = a[["geometry"]].to_crs(4326).reset_index(drop=True)
    gj["Wert"] = a["idx_sozial_klasse"].to_numpy()
    gj.to_file(tmp_path / "karte.geojson", driver="GeoJSON")
    assert check_release(tmp_path, data, level="oeffentlich").ok
    gj["Wert"] = gj["Wert"].astype(object)
    gj.loc[12, "Wert"] = round(float(a.at[k, "alo_quote"]), 2)
    gj.to_file(tmp_path / "karte.geojson", driver="GeoJSON")
    rep = check_release(tmp_path, data, level="oeffentlich", recover=False)
    assert list(rep.findings["area"]) == [k], rep.to_text()
    assert "alo_quote" in rep.findings["column"][0]


def test_unknown_file_type_is_refused_and_every_file_listed(ml_data, public_package):
    data, _ = ml_data
    (public_package / "bericht.docx").write_bytes(b"PK\x03\x04 not checkable")
    (public_package / "sub").mkdir()
    (public_package / "sub" / "kaputt.pdf").write_bytes(b"%PDF-1.4 broken")
    rep = check_release(public_package, data, level="oeffentlich")
    assert not rep.ok
    reasons = dict(zip(rep.findings["file"], rep.findings["reason"], strict=True))
    assert reasons == {"bericht.docx": "unbekannter Dateityp", "sub/kaputt.pdf": "nicht lesbar"}
    text = rep.to_text()
    assert "bericht.docx: ABGELEHNT" in text and "REFUSED" in rep.to_text("en")
    for f in sorted(public_package.rglob("*")):
        if f.is_file():
            assert f"  - {f.relative_to(public_package).as_posix()}:" in text
    by_file = {fc.file: fc for fc in rep.checked}
    xlsx = next(k for k in by_file if k.endswith(".xlsx"))
    assert by_file[xlsx].reader == "Excel" and by_file[xlsx].tables == 3
    assert by_file[xlsx].values > 100


def test_audit_hook_findings_join_the_report(ml_data, public_package):
    data, _ = ml_data
    calls = []

    def audit(path, internal, *, level, ags, policy):
        calls.append((path, internal is data, level, ags, isinstance(policy, ReleasePolicy)))
        return [
            {
                "file": "(Prüfung)",
                "layer": "gemeinden",
                "column": "alo",
                "area": "07999002",
                "value": "[3, 4]",
                "reason": "rückrechenbar",
            }
        ]

    rep = check_release(public_package, data, level="oeffentlich", audit=audit)
    assert calls == [(public_package, True, "oeffentlich", None, True)]
    assert list(rep.findings["area"]) == ["07999002"] and not rep.ok


def test_secret_status_of_a_kept_value_is_a_finding(ml_data, tmp_path):
    """A value whose internal status code is secret (core.status) must not be published,
    even in a column the policy releases."""
    data, _ = ml_data
    k = data.areas.index[3]
    st = data.areas_status.copy()
    st["alo"] = st["alo"].astype("string")
    st.loc[k, "alo"] = "geheim_sekundaer"
    d2 = ReleaseData(
        data.areas,
        st,
        data.gemeinden,
        data.gemeinden_status,
        data.kreis,
        data.kreis_status,
        data.catalogue,
        name="x",
    )
    value = int(data.areas.at[k, "alo"])
    df = pd.DataFrame({"sr_id": [k], "alo": [value]})
    df.to_csv(tmp_path / "t.csv", sep=";", index=False)
    policy = ReleasePolicy(allowed=("alo",))
    rep = check_release(tmp_path / "t.csv", d2, level="oeffentlich", policy=policy, recover=False)
    assert list(rep.findings["reason"]) == ["geheim"]
    assert check_release(tmp_path / "t.csv", data, level="oeffentlich", policy=policy).ok


def test_regression_decimal_fraction_is_not_read_as_thousands():
    """Pinned: "0,25" (a threshold in a method note) was also read as 25 (English thousands)
    and matched a count of 25."""
    assert parse_number("0,25") == [(0.25, 2)]
    assert parse_number("12,5 %") == [(12.5, 1)]
    assert (1234.0, 0) in parse_number("1.234") and (1.234, 3) in parse_number("1.234")
    assert parse_number("1.234,5") == [(1234.5, 1)]
    assert parse_number("1,234.5", prefer="en") == [(1234.5, 1)]


def test_ranking_positions_and_method_notes_are_not_values(ml_data, tmp_path):
    """A ranking table ("25 Tannenbrück …") and a method note copied into a PDF are not data."""
    data, _ = ml_data
    a = data.areas
    k = a.index[(a["alo"] > 10) & (a["alo"] < 100)][0]
    pos = int(a.at[k, "alo"])  # the area's count equals its position in a made-up ranking
    note = f"Abstand höchstens {pos} Standardabweichungen, Rang 1 = höchster Bedarf"
    rank = f"<h1>Rangfolge</h1><p>{pos} {a.at[k, 'sr_name']} sehr hoch</p>"
    page = rank + f"<div data-methode>{note}</div>"
    (tmp_path / "bericht.html").write_text(f"<html><body>{page}</body></html>", encoding="utf-8")
    _pdf(f"<html><body>{page.replace(' data-methode', '')}</body></html>", tmp_path / "bericht.pdf")
    assert check_release(tmp_path, data, level="oeffentlich").ok
    # without the HTML that marks the note, its number is compared (the safe side) …
    (tmp_path / "bericht.html").unlink()
    rep = check_release(tmp_path, data, level="oeffentlich")
    assert list(rep.findings["area"]) == [k]
    # … while the ranking alone is fine
    _pdf(f"<html><body>{rank}</body></html>", tmp_path / "bericht.pdf")
    assert check_release(tmp_path, data, level="oeffentlich").ok


def test_ranking_row_with_key_is_a_position_not_a_value(ml_data, tmp_path):
    """Regression: "310 11020403 Heidekolonie – niedrig" (rank, key, name) in a city's report
    was taken for the area's internal count 310 of children under 6."""
    data, _ = ml_data
    a = data.areas
    k = a.index[(a["alo"] > 10) & (a["alo"] < 1000)][0]
    pos = int(a.at[k, "alo"])
    row = (
        f'<tr><td class="num">{pos}</td><td>{k}</td><td>{a.at[k, "sr_name"]}</td>'
        '<td class="num">–</td><td>niedrig</td></tr>'
    )
    page = f"<html><body><h1>Rangfolge</h1><table>{row}</table></body></html>"
    (tmp_path / "bericht.html").write_text(page, encoding="utf-8")
    assert check_release(tmp_path, data, level="oeffentlich").ok
    # the same number after the key is a value of that area: still found
    row2 = row.replace("<td>niedrig</td>", f'<td class="num">{pos}</td>')
    (tmp_path / "bericht.html").write_text(page.replace(row, row2), encoding="utf-8")
    assert list(check_release(tmp_path, data, level="oeffentlich").findings["area"]) == [k]


def test_withheld_values_in_a_folium_map_are_found(ml_data, tmp_path):
    """folium's inline GeoJSON, its pop-ups (HTML in scripts) and iframe pop-ups (base64)."""
    import folium

    data, _ = ml_data
    a = data.areas
    k1, k2, k3 = _foreign(data, "sgb2_quote", 3)
    gj = a.loc[[k1], ["sr_name", "geometry"]].to_crs(4326)
    gj["Quote"] = f"{_de(a.at[k1, 'sgb2_quote'])} %"
    m = folium.Map(location=[51.5, 14.3], tiles=None)
    folium.GeoJson(gj, tooltip=folium.GeoJsonTooltip(["sr_name", "Quote"])).add_to(m)
    popup = f"<b>{a.at[k2, 'sr_name']}</b>: SGB-II-Quote {_de(a.at[k2, 'sgb2_quote'])} %"
    folium.Marker([51.5, 14.3], popup=folium.Popup(popup)).add_to(m)
    frame = f"<h3>{a.at[k3, 'sr_name']}</h3><p>{_de(a.at[k3, 'sgb2_quote'])} %</p>"
    folium.Marker([51.6, 14.3], popup=folium.Popup(folium.IFrame(frame))).add_to(m)
    m.save(tmp_path / "karte.html")
    rep = check_release(tmp_path, data, level="kommunal", ags=OWN, recover=False)
    f = rep.findings
    assert set(f["area"]) == {k1, k2, k3}, rep.to_text()
    assert set(f["reason"]) == {"fremde Gemeinde"}


def test_pdf_read_with_pypdf_without_pdftotext(ml_data, tmp_path, monkeypatch):
    """``pdftotext`` is optional: the same planted value is found with ``pypdf`` alone."""
    import sozialraum.privacy.checker as checker

    data, _ = ml_data
    a = data.areas
    k = _foreign(data, "kinderarmut", 1)[0]
    lines = [f"Sozialraum {k}", f"Kinderarmut {_de(a.at[k, 'kinderarmut'])} %"]
    _pdf(_profile_html(f"Steckbrief {a.at[k, 'sr_name']}", lines), tmp_path / "s.pdf")
    monkeypatch.setattr(checker.shutil, "which", lambda _name: None)
    rep = check_release(tmp_path, data, level="oeffentlich", recover=False)
    assert list(rep.findings["area"]) == [k] and list(rep.findings["column"]) == ["kinderarmut"]


# --------------------------------------------------------------------------- context of numbers


def _small_area(data, value: float) -> tuple[str, str]:
    """An area and a withheld column whose value is exactly ``value`` (and no public one)."""
    a = data.areas.select_dtypes("number")
    public = [c for c in a.columns if ReleasePolicy().is_public(c)]
    for k in a.index:
        if (a.loc[k, public] == value).any():
            continue  # a public value would explain the number
        for c in a.columns:
            if a.at[k, c] == value and c not in public:
                return str(k), str(c)
    raise AssertionError(f"no area with a value {value}")


def test_parse_number_in_one_notation():
    """A document's notation decides ambiguous numbers; a leading 0 is never a group."""
    assert parse_number("1.000", notation="de") == [(1000.0, 0)]
    assert parse_number("1.000", notation="en") == [(1.0, 3)]
    assert parse_number("1,000", notation="en") == [(1000.0, 0)]
    assert parse_number("12,5", notation="en") == []
    assert parse_number("0,500") == [(0.5, 3)]  # not also 500
    assert parse_number("0.050") == [(0.05, 3)]  # not also 50


def test_regression_rate_base_in_german_label_is_not_read_as_one(ml_data, tmp_path):
    """Pinned: "Wanderungssaldo je 1.000 Einwohner" in a German profile was read as the
    number 1 (English 1.000) and matched an area's count of 1."""
    data, _ = ml_data
    k, _col = _small_area(data, 1.0)
    name = data.areas.at[k, "sr_name"]
    lines = [
        f"Sozialraum {k} · Berichtsjahr 2024",
        "Wanderungssaldo je 1.000 Einwohner geheim -2,0 ‰",
        "Hilfen zur Erziehung je geheim",  # a label wrapped in the PDF …
        "1.000 unter 21",  # … its next line starts with the rate base
        "Geburtenrate geburten / ew_ges × 1.000",
        "Quote pro 100.000 Einwohner",
    ]
    (tmp_path / "s.html").write_text(_profile_html(f"Steckbrief {name}", lines), "utf-8")
    rep = check_release(tmp_path, data, level="oeffentlich", recover=False)
    assert rep.ok, rep.to_text()
    # in a document that writes no German decimals, "1.000" may well be 1: compared
    lines = [f"Sozialraum {k} · Berichtsjahr 2024", "Ratio 1.000"]
    (tmp_path / "s.html").write_text(_profile_html(f"Steckbrief {name}", lines), "utf-8")
    rep = check_release(tmp_path, data, level="oeffentlich", recover=False)
    assert list(rep.findings["area"]) == [k], rep.to_text()
    # … and in an English one it is 1
    lines += ["Rate 12.5 %"]
    (tmp_path / "s.html").write_text(_profile_html(f"Steckbrief {name}", lines), "utf-8")
    rep = check_release(tmp_path, data, level="oeffentlich", recover=False)
    assert k in set(rep.findings["area"]), rep.to_text()


def test_regression_digits_in_column_ids_and_rate_factors_are_not_values(ml_data, tmp_path):
    """Pinned: the formula "ew_0_17 / ew_ges × 100" of the indicator catalogue was read
    as the values 17 and 100 and matched an area's count of 17 and rate of 100 %."""
    from sozialraum.privacy.checker import _tokens

    assert _tokens("ew_0_17 / ew_ges × 100") == []
    assert _tokens("hze / ew_0_20 × 1.000") == []
    assert _tokens("je 1.000 Einwohner 3,2 ‰") == ["3,2"]
    assert _tokens("x 10.000 und 1000,5") == ["1000,5"]  # a base is a power of ten only
    assert _tokens("je 1.0005 und pro 17") == ["1.0005", "17"]
    data, _ = ml_data
    a = data.areas
    k = next(
        str(i)
        for i in a.index
        if (a.loc[i, a.select_dtypes("number").columns] == 100).any() and a.at[i, "ew_0_17"] > 10
    )
    name = data.areas.at[k, "sr_name"]
    lines = [f"Sozialraum {k}", "Anteil Minderjähriger ew_0_17 / ew_ges × 100 %"]
    (tmp_path / "s.html").write_text(_profile_html(f"Steckbrief {name}", lines), "utf-8")
    assert check_release(tmp_path, data, level="oeffentlich", recover=False).ok
    # the same numbers as values are found
    x = int(a.at[k, "ew_0_17"])
    lines.append(f"Minderjährige {x}")
    (tmp_path / "s.html").write_text(_profile_html(f"Steckbrief {name}", lines), "utf-8")
    rep = check_release(tmp_path, data, level="oeffentlich", recover=False)
    assert list(rep.findings["area"]) == [k], rep.to_text()


def _sections(parts: list[tuple[str, list[str]]]) -> str:
    body = "".join(
        f'<section class="doc"><h1>{t}</h1>' + "".join(f"<p>{x}</p>" for x in lines) + "</section>"
        for t, lines in parts
    )
    return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def test_regression_each_profile_of_a_combined_file_has_its_own_area(ml_data, tmp_path):
    """Pinned: in the file of all profiles every line was compared with the first profile's
    area; another area's number that happened to equal one of its withheld values was a
    finding (and a leak of the second area's own value was looked for in the wrong area)."""
    data, _ = ml_data
    a = data.areas
    k1 = _foreign(data, "sgb2_quote", 1)[0]
    x = round(float(a.at[k1, "sgb2_quote"]), 1)
    num = a.select_dtypes("number")
    k2 = next(
        k for k in a.index if k != k1 and not ((num.loc[k].round(1) == x) | (num.loc[k] == x)).any()
    )
    first = (f"Steckbrief {a.at[k1, 'sr_name']}", [f"Sozialraum {k1}", "Statusklasse 3"])
    second = (f"Steckbrief {a.at[k2, 'sr_name']}", [f"Sozialraum {k2}", f"{_de(x)} %"])
    (tmp_path / "alle.html").write_text(_sections([first, second]), "utf-8")
    rep = check_release(tmp_path, data, level="oeffentlich", recover=False)
    assert rep.ok, rep.to_text()
    y = a.at[k2, "sgb2_quote"]
    second = (f"Steckbrief {a.at[k2, 'sr_name']}", [f"Sozialraum {k2}", f"{_de(y)} %"])
    (tmp_path / "alle.html").write_text(_sections([first, second]), "utf-8")
    rep = check_release(tmp_path, data, level="oeffentlich", recover=False)
    assert set(rep.findings["area"]) == {k2}, rep.to_text()


def test_regression_district_value_in_a_row_is_not_a_secret_of_the_municipality(ml_data, tmp_path):
    """Pinned: the row "Pflegequote 65+ | 9,7 % | 10,1 % | 6 / 10" of a municipality's
    profile (HTML cells on separate source lines) — 10,1 % the district's Pflegequote —
    was read on its own line and matched the municipality's secret Kinderarmut of 10,1 %."""
    data, _ = ml_data
    g = "07999010"
    kreis_key = data.kreis.index[0]
    district = float(data.kreis.at[kreis_key, "pflege_quote"])
    gem = data.gemeinden.copy()
    gst = data.gemeinden_status.copy()
    gem.loc[g, "kinderarmut"] = district
    gst["kinderarmut"] = gst["kinderarmut"].astype("string")
    gst.loc[g, "kinderarmut"] = "teilsumme_geheim"
    d2 = ReleaseData(
        data.areas,
        data.areas_status,
        gem,
        gst,
        data.kreis,
        data.kreis_status,
        data.catalogue,
        name="x",
    )
    own = _de(float(gem.at[g, "pflege_quote"]))
    row = (
        f"<tr><td>Pflegequote 65+</td>\n<td class='num'>{own} %</td>\n"
        f"<td class='num'>{_de(district)} %</td><td class='num'>6 / 10</td></tr>"
    )
    page = f"<html><body><h1>Steckbrief Gemeinde {g}</h1><table>{row}</table></body></html>"
    (tmp_path / "g.html").write_text(page, "utf-8")
    rep = check_release(tmp_path, d2, level="oeffentlich", recover=False)
    assert rep.ok, rep.to_text()
    # the same number as the municipality's Kinderarmut is the secret value
    row = f"<tr><td>Kinderarmut (SGB II unter 15)</td>\n<td>{_de(district)} %</td></tr>"
    page = f"<html><body><h1>Steckbrief Gemeinde {g}</h1><table>{row}</table></body></html>"
    (tmp_path / "g.html").write_text(page, "utf-8")
    rep = check_release(tmp_path, d2, level="oeffentlich", recover=False)
    assert list(zip(rep.findings["column"], rep.findings["reason"], strict=True)) == [
        ("kinderarmut", "geheim")
    ], rep.to_text()


def test_regression_method_note_does_not_name_the_subject_of_a_page(ml_data, tmp_path):
    """Pinned: a page of the report's methods annex began with the parameter "Gebiete ohne
    Nachbarn 07999002010" (continued from the page before); the page was taken to be about
    that area and the catalogue's "× 100" on a wrapped line matched its rate of 100 %."""
    data, _ = ml_data
    a = data.areas
    num = a.select_dtypes("number")
    k = next(str(i) for i in a.index if (num.loc[i] == 100).any())
    note = f"<table><tr><td>Gebiete ohne Nachbarn</td><td>{k}</td></tr></table>"
    tail = "<p>100 Einkommen</p>"
    (tmp_path / "bericht.html").write_text(
        f"<html><body><div data-methode>{note}</div>{tail}</body></html>", "utf-8"
    )
    _pdf(f"<html><body>{note}{tail}</body></html>", tmp_path / "bericht.pdf")
    assert check_release(tmp_path, data, level="oeffentlich", recover=False).ok
    # without the HTML that marks the note, the page is about the area (the safe side)
    (tmp_path / "bericht.html").unlink()
    rep = check_release(tmp_path, data, level="oeffentlich", recover=False)
    assert set(rep.findings["area"]) == {k}, rep.to_text()


def test_chapter_number_in_heading_is_not_a_value():
    """Regression: "<h2>16 Nicht bewertete Gebiete</h2>" after a page about one area was read as its value."""
    from sozialraum.privacy.checker import _html_lines

    lines = _html_lines(
        "<h2>16 Nicht bewertete Gebiete</h2><h3>2.1 Kita</h3><h2>16 %</h2><p>16 Fälle</p>"
    )
    assert lines == ["Nicht bewertete Gebiete", "Kita", "16 %", "16 Fälle"]


def test_a_line_is_a_method_note_exactly_where_the_notes_hold_it():
    """The quick test of a line against the package's method notes (pieces of their text)
    answers as the plain search of the notes: inside a note yes, a line that only starts
    like one no, short lines never."""
    import random

    from sozialraum.privacy.checker import _Compare

    notes = "\n".join(
        [
            "Schwelle: Werte unter 3 Personen werden nicht gezeigt.",
            "Rang 1 ist der höchste Wert im Landkreis (80 Sozialräume).",
            "Quoten je 1.000 Einwohner; Anteile in Prozent der Bevölkerung.",
        ]
    )
    cmp = object.__new__(_Compare)  # only the notes are needed
    cmp.notes, cmp._note_memo = notes, ("", {}, frozenset())
    assert cmp._note("Werte unter 3 Personen werden nicht gezeigt")
    assert cmp._note("Rang 1 ist der höchste Wert")
    assert not cmp._note("Werte unter 3 Personen werden gezeigt")  # starts like a note
    assert not cmp._note("Rang 1")  # short: never a note
    rng = random.Random(7)
    for _ in range(500):
        a = rng.randrange(len(notes))
        line = notes[a : a + rng.randrange(0, 40)]
        if rng.random() < 0.5 and line:
            i = rng.randrange(len(line))
            line = line[:i] + rng.choice("xyz 0,.") + line[i + 1 :]
        assert cmp._note(line) == (len(line) >= 12 and line in notes), line
    cmp.notes = "Eine andere Notiz mit eigenem Text."  # another package: its own notes
    assert not cmp._note("Rang 1 ist der höchste Wert")
    assert cmp._note("andere Notiz mit eigenem")
