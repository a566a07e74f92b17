"""Zensus grid ids, CSV reading and GeoTIFF output, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
import shapely

from sozialraum.errors import InputError
from sozialraum.raster import decode_grid_ids, encode_grid_ids, read_zensus_csv, zensus_to_geotiff

# Hand-checked: INSPIRE ids give the lower-left corner; the Zensus 2022 CSV puts the centre
# (x_mp_100m = 4337050, y_mp_100m = 2689150) next to CRS3035RES100mN2689100E4337000.
HAND = [
    ("CRS3035RES100mN2689100E4337000", 4337000, 2689100, 100),
    ("CRS3035RES1000mN2689000E4337000", 4337000, 2689000, 1000),
    ("CRS3035RES10000mN2680000E4330000", 4330000, 2680000, 10000),
    ("100mN26891E43370", 4337000, 2689100, 100),
    ("1kmN2689E4337", 4337000, 2689000, 1000),
    ("10kmN268E433", 4330000, 2680000, 10000),
    ("CRS3035RES100mN3000000E5000000", 5000000, 3000000, 100),
]


@pytest.mark.parametrize(("cell", "x", "y", "res"), HAND)
def test_decode_hand_checked(cell, x, y, res):
    d = decode_grid_ids([cell])
    assert d.loc[0, "x"] == x and d.loc[0, "y"] == y and d.loc[0, "res"] == res


def test_encode_roundtrip_and_centre():
    ids = [h[0] for h in HAND if h[0].startswith("CRS") and "RES100m" in h[0]]
    d = decode_grid_ids(ids)
    # the centre and the corner both lie in the cell, so both give the same id
    assert list(encode_grid_ids(d["x"] + 50, d["y"] + 50, 100)) == ids
    assert list(encode_grid_ids(d["x"], d["y"], 100)) == ids
    assert list(encode_grid_ids([4337099.9], [2689199.9], 100)) == [
        "CRS3035RES100mN2689100E4337000"
    ]


def test_bad_id_names_row():
    with pytest.raises(InputError, match="Zeile 3") as exc:
        decode_grid_ids(["CRS3035RES100mN2689100E4337000", "N2689100E4337000"], file="x.csv")
    assert exc.value.row == 3


CSV = (
    "GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner;Anteil_Auslaender\n"
    "CRS3035RES100mN2689100E4337000;4337050;2689150;4;12,5\n"
    "CRS3035RES100mN2689100E4337200;4337250;2689150;–;.\n"
    "CRS3035RES100mN2689300E4337000;4337050;2689350;1.234;(3,5)\n"
)


def test_read_csv_german_formats_and_symbols(tmp_path):
    p = tmp_path / "z.csv"
    p.write_text(CSV, encoding="utf-8")
    g = read_zensus_csv(p)
    assert g.resolution == 100
    assert g.frame.crs.to_epsg() == 3035
    assert list(g.frame.index) == [
        "CRS3035RES100mN2689100E4337000",
        "CRS3035RES100mN2689100E4337200",
        "CRS3035RES100mN2689300E4337000",
    ]
    ew = g.frame["Einwohner"].to_numpy()
    assert ew[0] == 4 and np.isnan(ew[1]) and ew[2] == 1234  # German thousands separator
    assert list(g.frame["Anteil_Auslaender"].fillna(-1)) == [12.5, -1, 3.5]
    assert g.status.loc["CRS3035RES100mN2689100E4337200", "Einwohner"] == "nichts_vorhanden"
    assert g.status.loc["CRS3035RES100mN2689100E4337200", "Anteil_Auslaender"] == "geheim"
    assert g.status.loc["CRS3035RES100mN2689300E4337000", "Anteil_Auslaender"] == "unsicher"
    assert g.status["Einwohner"].isna().sum() == 2
    # point = centre of the cell = the file's own x_mp/y_mp columns
    assert g.frame.geometry.x.tolist() == [4337050, 4337250, 4337050]
    assert g.frame.geometry.y.tolist() == [2689150, 2689150, 2689350]
    cells = g.cells()
    assert cells.geometry.iloc[0].equals(shapely.box(4337000, 2689100, 4337100, 2689200))
    # override: the dash marks a suppressed value
    g2 = read_zensus_csv(p, symbols={"–": "geheim"})
    assert g2.status.iloc[1]["Einwohner"] == "geheim"


def test_read_csv_cp1252_short_ids_and_centre_columns(tmp_path):
    p = tmp_path / "z2011.csv"
    p.write_bytes(
        "Gitter_ID_1km;Einwohner;Straße\n1kmN2689E4337;12;ä\n1kmN2690E4337;3;ö\n".encode("cp1252")
    )
    g = read_zensus_csv(p, value_columns=["Einwohner"])
    assert g.resolution == 1000
    assert list(g.frame.index) == [
        "CRS3035RES1000mN2689000E4337000",
        "CRS3035RES1000mN2690000E4337000",
    ]
    p2 = tmp_path / "mp.csv"
    p2.write_text("x_mp_100m,y_mp_100m,Einwohner\n4337050,2689150,7\n", encoding="utf-8")
    g2 = read_zensus_csv(p2, sep=",")
    assert list(g2.frame.index) == ["CRS3035RES100mN2689100E4337000"]
    assert g2.frame["x"].iloc[0] == 4337000


def test_read_csv_errors(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text(CSV + "CRS3035RES100mN2689400E4337000;4337050;2689450;viele;1\n", encoding="utf-8")
    with pytest.raises(InputError, match="Zeile 5") as exc:
        read_zensus_csv(p)
    assert exc.value.column == "Einwohner"
    p.write_text(CSV + "CRS3035RES100mN2689100E4337000;4337050;2689150;1;1\n", encoding="utf-8")
    with pytest.raises(InputError, match="mehrfach"):
        read_zensus_csv(p)
    p.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(InputError, match="GITTER_ID"):
        read_zensus_csv(p)


def test_geotiff_cells_in_right_place(tmp_path):
    p = tmp_path / "z.csv"
    p.write_text(CSV, encoding="utf-8")
    g = read_zensus_csv(p)
    out = zensus_to_geotiff(g, "Einwohner", tmp_path / "z.tif")
    with rasterio.open(out) as src:
        assert src.crs.to_epsg() == 3035
        assert src.res == (100.0, 100.0)
        # raster origin = upper-left of the cells' extent
        assert (src.bounds.left, src.bounds.bottom, src.bounds.right, src.bounds.top) == (
            4337000,
            2689100,
            4337300,
            2689400,
        )
        vals = [
            v[0]
            for v in src.sample(
                [(4337050, 2689150), (4337250, 2689150), (4337050, 2689350), (4337150, 2689250)]
            )
        ]
        assert vals == [4, src.nodata, 1234, 0]  # secret -> nodata; absent cell -> 0
        assert src.compression.name == "deflate"
        assert src.overviews(1)
