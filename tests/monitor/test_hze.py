"""HzE monitor: code list, figures by hand, errors, small-count protection of the chapter."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.monitor.hze import HZE_TYPES, hze_code, hze_figures, read_hze_cases
from sozialraum.privacy.tables import protect_table

CSV = """jahr;fall_id;sr_id;hilfeart;beginn;ende;kosten
2023;F1;a1;§ 31;01.03.2022;;12000
2023;F2;a1;§ 34;01.02.2023;;40000
2023;F3;a2;28;01.01.2023;01.07.2023;600
2024;F1;a1;§ 31;01.03.2022;01.03.2024;2600
2024;F2;a1;§ 34;01.02.2023;;60000
2024;F4;a3;§ 42;10.05.2024;20.05.2024;3000
"""
GEM = {"a1": "G1", "a2": "G1", "a3": "G2"}


def _cases(tmp_path, text=CSV, name="hze.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("§ 31", "31"),
        ("31", "31"),
        ("§31 SGB VIII", "31"),
        ("§ 27 Abs. 2", "27.2"),
        ("27 (2)", "27.2"),
        ("35 a", "35a"),
        ("§ 42", "42"),
        (41.0, "41"),
        ("§ 36", None),
        ("", None),
    ],
)
def test_codes_are_read_from_the_one_list(text, code):
    assert hze_code(text) == code
    assert code is None or code in HZE_TYPES


def test_figures_by_hand(tmp_path):
    cases = read_hze_cases(_cases(tmp_path), areas=pd.Index(["a1", "a2", "a3"]))
    pop = {
        2023: pd.Series({"a1": 500, "a2": 300, "a3": 200}),
        2024: pd.Series({"a1": 500, "a2": 300, "a3": 200}),
    }
    res = hze_figures(
        cases, gemeinde_of=GEM, population_u21=pop, all_areas=pd.Index(["a1", "a2", "a3"])
    )
    assert res.years == (2023, 2024)
    f = res.figures.set_index(["jahr", "ebene", "schluessel", "art"])
    # 2023, G1: F1 (§ 31, running since 2022), F2 (§ 34, new), F3 (§ 28, new and ended)
    g1 = f.loc[(2023, "gemeinde", "G1", "gesamt")]
    assert (g1["laufend"], g1["neu"], g1["beendet"]) == (3, 2, 1)
    assert g1["je_1000_u21"] == pytest.approx(3 / 800 * 1000)
    assert g1["kosten_je_fall"] == pytest.approx(52600 / 3)
    # F3 ran 1.1.–1.7.2023: 181 days = 181 / (365.25/12) months
    assert g1["dauer_mittel"] == pytest.approx(181 / (365.25 / 12))
    # 2024, district: F1 ended, F2 running, F4 (§ 42) new and ended
    k = f.loc[(2024, "kreis", "kreis", "gesamt")]
    assert (k["laufend"], k["neu"], k["beendet"]) == (3, 1, 2)
    assert k["je_1000_u21"] == pytest.approx(3.0)
    assert f.loc[(2024, "kreis", "kreis", "42"), "laufend"] == 1
    assert f.loc[(2024, "sozialraum", "a2", "gesamt"), "laufend"] == 0  # zero, not missing
    # every level adds up: areas → municipalities → district
    for y, art in itertools.product((2023, 2024), [*HZE_TYPES, "gesamt"]):
        a = res.figures[(res.figures["jahr"] == y) & (res.figures["art"] == art)]
        for m in ("laufend", "neu", "beendet"):
            tot = a.loc[a["ebene"] == "kreis", m].sum()
            assert a.loc[a["ebene"] == "sozialraum", m].sum() == tot
            assert a.loc[a["ebene"] == "gemeinde", m].sum() == tot


def test_type_outside_the_code_list_names_file_row_and_value(tmp_path):
    bad = CSV.replace("2024;F4;a3;§ 42", "2024;F4;a3;§ 36")
    with pytest.raises(InputError) as e:
        read_hze_cases(_cases(tmp_path, bad, "faelle.csv"))
    msg = str(e.value)
    assert "faelle.csv, Zeile 7" in msg and "'§ 36'" in msg and "'hilfeart'" in msg
    assert e.value.row == 7 and e.value.column == "hilfeart"
    with pytest.raises(InputError, match="not in the code list"):
        read_hze_cases(_cases(tmp_path, bad, "faelle.csv"), lang="en")


def test_unknown_area_and_bad_date_are_named(tmp_path):
    with pytest.raises(InputError, match=r"Zeile 2: Planungsraum 'a1'"):
        read_hze_cases(_cases(tmp_path), areas=pd.Index(["a2", "a3"]))
    bad = CSV.replace("01.03.2022;;12000", "März 2022;;12000")
    with pytest.raises(InputError, match=r"Zeile 2: 'März 2022' in Spalte 'beginn'"):
        read_hze_cases(_cases(tmp_path, bad))


def test_protect_table_hides_small_counts_and_their_complements():
    vals = pd.Series({"a": 2.0, "b": 10.0, "c": 7.0, "tot": 19.0, "x": 0.0})
    hidden = protect_table(vals, [["a", "b", "c", "tot"]], threshold=2)
    assert hidden["a"]  # primary
    assert hidden.sum() == 2 and hidden["c"]  # the smallest other cell is the complement
    assert not hidden["x"]  # a zero is no small count


def _published_ok(values: pd.Series, hidden: pd.Series, eqs, threshold: int) -> None:
    """No shown count in 1..threshold; no equation with exactly one hidden cell."""
    shown = values[~hidden]
    assert not ((shown >= 1) & (shown <= threshold)).any()
    for eq in eqs:
        n = int(hidden.reindex(eq).fillna(False).sum())
        assert n != 1, eq


def test_hze_chapter_never_publishes_a_small_count(tmp_path):
    from sozialraum.report.kapitel.hze import _cells, hze_hidden

    rng = np.random.default_rng(7)
    rows = []
    for i in range(60):  # small and very unequal numbers of cases
        area = f"a{int(rng.integers(0, 6))}"
        art = list(HZE_TYPES)[int(rng.integers(0, len(HZE_TYPES)))]
        rows.append(f"2024;F{i};{area};{art};01.02.2024;;1000")
    text = "jahr;fall_id;sr_id;hilfeart;beginn;ende;kosten\n" + "\n".join(rows) + "\n"
    cases = read_hze_cases(_cases(tmp_path, text))
    gem = {f"a{i}": f"G{i // 2}" for i in range(6)}
    res = hze_figures(cases, gemeinde_of=gem, all_areas=pd.Index(sorted(gem)))
    vals, eqs = _cells(res, 2024)
    hidden = hze_hidden(res, 2024, 2)
    assert hidden.any()
    _published_ok(vals, hidden, eqs, 2)


def _interval_attack(values: pd.Series, hidden: pd.Series, signed_eqs) -> dict:
    """Textbook interval attack: min/max of each hidden cell over all tables consistent with
    the published cells and the sum equations (counts >= 1 where hidden)."""
    from scipy.optimize import linprog

    unk = list(values.index[hidden.to_numpy()])
    pos = {c: i for i, c in enumerate(unk)}
    rows, rhs = [], []
    for eq in signed_eqs:
        row = np.zeros(len(unk))
        b = 0.0
        for cell, sign in eq:
            if cell in pos:
                row[pos[cell]] += sign
            else:
                b -= sign * values[cell]
        if row.any():
            rows.append(row)
            rhs.append(b)
    out = {}
    for c in unk:
        obj = np.zeros(len(unk))
        obj[pos[c]] = 1.0
        lo = linprog(obj, A_eq=np.array(rows), b_eq=rhs, bounds=[(1, None)] * len(unk))
        hi = linprog(-obj, A_eq=np.array(rows), b_eq=rhs, bounds=[(1, None)] * len(unk))
        out[c] = (lo.fun, -hi.fun if hi.status == 0 else np.inf)
    return out


def test_no_hidden_hze_count_is_recovered_by_the_interval_attack(tmp_path):
    from sozialraum.report.kapitel.hze import hze_hidden

    rng = np.random.default_rng(11)
    rows = []
    for year in (2023, 2024):
        for i in range(40):
            area = f"a{int(rng.integers(0, 6))}"
            art = list(HZE_TYPES)[int(rng.integers(0, 6))]
            end = f"01.09.{year}" if rng.random() < 0.3 else ""
            rows.append(f"{year};F{year}{i};{area};{art};01.02.{year};{end};1000")
    text = "jahr;fall_id;sr_id;hilfeart;beginn;ende;kosten\n" + "\n".join(rows) + "\n"
    cases = read_hze_cases(_cases(tmp_path, text))
    gem = {f"a{i}": f"G{i // 2}" for i in range(6)}
    res = hze_figures(cases, gemeinde_of=gem, all_areas=pd.Index(sorted(gem)))
    f = res.figures
    k = f[(f["ebene"] == "kreis") & (f["jahr"] == 2024)].set_index("art")
    g = f[(f["ebene"] == "gemeinde") & (f["jahr"] == 2024) & (f["art"] == "gesamt")]
    vals, eqs = {}, []
    for m in ("laufend", "neu", "beendet"):
        for art in k.index:
            vals[("k", art, m)] = k.at[art, m]
        eqs.append(
            [*((("k", a, m), 1) for a in k.index if a != "gesamt"), (("k", "gesamt", m), -1)]
        )
        for key, v in zip(g["schluessel"], g[m], strict=True):
            vals[("g", key, m)] = v
        eqs.append([*((("g", key, m), 1) for key in g["schluessel"]), (("k", "gesamt", m), -1)])
    values = pd.Series(vals, dtype=float)
    hidden = hze_hidden(res, 2024, 2).reindex(values.index).fillna(False).astype(bool)
    assert hidden.any()
    for cell, (lo, hi) in _interval_attack(values, hidden, eqs).items():
        assert hi - lo >= 1, (cell, lo, hi)  # never pinned down to one value


def test_aggregates_give_the_same_figures_as_case_rows(tmp_path):
    areas = pd.Index(["a1", "a2", "a3"])
    cases = read_hze_cases(_cases(tmp_path), areas=areas)
    ref = hze_figures(cases, gemeinde_of=GEM, all_areas=areas)
    a = ref.figures
    a = a[(a["ebene"] == "sozialraum") & (a["art"] != "gesamt") & (a["laufend"] > 0)]
    lines = ["jahr;sr_id;hilfeart;laufend;neu;beendet;kosten;dauer_monate"]
    for r in a.itertuples():
        lines.append(
            f"{r.jahr};{r.schluessel};§ {r.art};{r.laufend};{r.neu};{r.beendet};"
            f"{str(r.kosten).replace('.', ',')};{str(r.dauer_monate).replace('.', ',')}"
        )
    agg = read_hze_cases(_cases(tmp_path, "\n".join(lines) + "\n", "agg.csv"), areas=areas)
    got = hze_figures(agg, gemeinde_of=GEM, all_areas=areas)
    cols = ["laufend", "neu", "beendet", "kosten", "kosten_je_fall", "dauer_mittel"]
    pd.testing.assert_frame_equal(
        got.figures[cols].reset_index(drop=True),
        ref.figures[cols].reset_index(drop=True),
        check_dtype=False,
        rtol=1e-9,
    )


def test_aggregate_errors_name_file_row_and_value(tmp_path):
    text = "jahr;sr_id;hilfeart;laufend;neu;beendet\n2024;a1;§ 31;4;1;0\n2024;a1;31;2;1;1\n"
    with pytest.raises(
        InputError, match=r"agg.csv, Zeile 3: 'a1', '31' steht im Jahr 2024 zweimal"
    ):
        read_hze_cases(_cases(tmp_path, text, "agg.csv"))
    text = "jahr;sr_id;hilfeart;laufend;neu;beendet\n2024;a1;§ 31;-1;1;0\n"
    with pytest.raises(InputError, match=r"Zeile 2: '-1' in Spalte 'laufend' ist keine Fallzahl"):
        read_hze_cases(_cases(tmp_path, text, "agg.csv"))
    text = "jahr;sr_id;hilfeart;laufend;neu;beendet\n2024;a1;§ 99;1;1;0\n"
    with pytest.raises(InputError, match=r"Zeile 2: Hilfeart '§ 99'"):
        read_hze_cases(_cases(tmp_path, text, "agg.csv"))
