"""The checked Release: only the privacy step makes it; derived values follow their inputs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from sozialraum.core.status import secret_mask
from sozialraum.errors import ConfigError, InputError
from sozialraum.privacy import (
    LevelRule,
    Release,
    ReleasePolicy,
    count_columns,
    index_inputs,
    make_release,
    suppress,
)

BIRTH_AREA = "07999009001"  # 1 birth: geburten and geburtenrate are secret


@pytest.fixture(scope="module")
def data(ml_data):
    """Musterland with index, LISA/Gi* and rank columns added (values are arbitrary)."""
    d, _ = ml_data
    a = d.areas.copy()
    rng = np.random.default_rng(3)
    for col in ("idx_arbeit_einkommen", "idx_gesundheit_pflege", "idx_gesamt"):
        a[col] = rng.normal(size=len(a))
    a["lisa_std"] = rng.normal(size=len(a))
    a["lisa_lag"] = rng.normal(size=len(a))
    a["lisa_p"] = rng.uniform(size=len(a))
    a["lisa_cat"] = "nicht signifikant"
    a["gi_z"] = rng.normal(size=len(a))
    a["gi_cat"] = "nicht signifikant"
    a["rang_gesamt"] = np.arange(1, len(a) + 1)
    return dataclasses.replace(d, areas=a)


@pytest.fixture(scope="module")
def public(data):
    return make_release(data, "oeffentlich")


def test_release_cannot_be_built_outside_the_privacy_step(data, public):
    fr = public.frames
    with pytest.raises(TypeError, match="make_release"):
        Release(
            level="oeffentlich",
            ags=None,
            policy=ReleasePolicy(),
            catalogue=None,
            suppression={},
            withheld={},
            name="x",
            area_ags_col="ags",
            _frames=fr,
        )
    with pytest.raises(TypeError, match="make_release"):
        dataclasses.replace(public, level="intern")
    with pytest.raises(dataclasses.FrozenInstanceError):
        public.level = "intern"  # type: ignore[misc]
    # frames are handed out as copies
    a = public.frame("areas")
    a.loc[:, "idx_gesamt"] = 99.0
    assert not (public.frame("areas")["idx_gesamt"] == 99.0).any()


def test_regression_public_birth_rate_of_area_with_one_birth_not_released(data, public):
    """07999009001 has 1 birth: its birth rate (1,4 ‰) was printed in a public profile."""
    assert data.areas.at[BIRTH_AREA, "geburten"] == 1
    a = public.frame("areas")
    # the public sees no values at Sozialraum level at all ...
    assert "geburtenrate" not in a.columns and "geburten" not in a.columns
    # ... and where a district releases the rate, the secret cell stays empty
    pol = ReleasePolicy(oeffentlich=LevelRule(sozialraeume=("geburtenrate",)))
    rel = make_release(data, "oeffentlich", policy=pol)
    a, st = rel.frame("areas"), rel.status("areas")
    assert np.isnan(a.at[BIRTH_AREA, "geburtenrate"])
    assert st.at[BIRTH_AREA, "geburtenrate"] == "geheim"
    # another municipality's package does not see it either; the own one does
    other = make_release(data, "kommunal", "07999001").frame("areas")
    assert np.isnan(other.at[BIRTH_AREA, "geburtenrate"])
    own = make_release(data, "kommunal", "07999009").frame("areas")
    assert own.at[BIRTH_AREA, "geburten"] == 1


@pytest.mark.parametrize(
    ("level", "ags"), [("oeffentlich", None), ("kommunal", "07999001"), ("kommunal", "07999009")]
)
def test_no_released_value_has_a_secret_status(data, level, ags):
    rel = make_release(data, level, ags)
    for kind in ("areas", "gemeinden", "kreis"):
        fr, st = rel.frame(kind), rel.status(kind)
        cols = [c for c in st.columns if c in fr.columns and c != "geometry"]
        sec = secret_mask(st[cols]).to_numpy(dtype=bool)
        vals = fr[cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        assert not (sec & ~np.isnan(vals)).any(), kind


def test_public_shows_suppressed_totals_and_only_classes_for_areas(data, public):
    g, k = public.frame("gemeinden"), public.frame("kreis")
    assert "ew_ges" in g.columns and "alo_quote" in g.columns
    assert k["ew_ges"].iloc[0] == data.kreis["ew_ges"].iloc[0]
    # a small Gemeinde count is never shown
    small = (data.gemeinden["geburten"] >= 1) & (data.gemeinden["geburten"] <= 2)
    assert g.loc[small[small].index.astype(str), "geburten"].isna().all()
    a = public.frame("areas")
    counts = count_columns(data.areas, data.catalogue)
    assert not set(counts) & set(a.columns)
    assert {"idx_gesamt", "idx_sozial_klasse", "sr_name", "geometry"} <= set(a.columns)


def test_one_indicator_dimension_index_withheld_outside_intern(data, public):
    inputs = index_inputs(data.catalogue)
    assert inputs["idx_gesundheit_pflege"] == ("pflege_quote",)
    assert public.frame("areas")["idx_gesundheit_pflege"].isna().all()
    assert public.withheld["idx_gesundheit_pflege"] == len(data.areas)
    own = make_release(data, "kommunal", "07999001").frame("areas")
    assert own["idx_gesundheit_pflege"].isna().all()
    intern = make_release(data, "intern").frame("areas")
    assert intern["idx_gesundheit_pflege"].notna().all()


def test_index_withheld_where_an_input_is_secret_and_rounded_elsewhere(data, public):
    a = public.frame("areas")
    ins = ["sgb2_quote", "alo_quote", "grusi_quote"]
    # independent reference: the suppression itself, asked directly
    sup = suppress(
        data.areas,
        data.areas_status,
        gemeinden=data.gemeinden,
        gemeinden_status=data.gemeinden_status,
        kreis=data.kreis,
        kreis_status=data.kreis_status,
        catalogue=data.catalogue,
        columns=count_columns(data.areas, data.catalogue),
    )
    secret = secret_mask(sup.status["areas"][ins]).any(axis=1)
    assert secret.any() and (~secret).any()
    got = a["idx_arbeit_einkommen"]
    assert got[secret].isna().all()
    kept = got[~secret]
    assert kept.notna().all()
    np.testing.assert_allclose(kept, data.areas.loc[kept.index, "idx_arbeit_einkommen"], atol=0.05)
    np.testing.assert_allclose(kept * 10, np.round(kept * 10))
    # hand case: an area with 1 or 2 unemployed has no public work-and-income index
    small = data.areas.index[data.areas["alo"].between(1, 2)]
    assert len(small) and a.loc[small, "idx_arbeit_einkommen"].isna().all()


@pytest.mark.parametrize(("level", "ags"), [("oeffentlich", None), ("kommunal", "07999001")])
def test_spatial_statistics_keep_only_categories_and_ranks_are_dropped(data, level, ags):
    a = make_release(data, level, ags).frame("areas")
    for col in ("lisa_std", "lisa_lag", "lisa_p", "gi_z", "rang_gesamt"):
        assert col not in a.columns
    assert {"lisa_cat", "gi_cat"} <= set(a.columns)
    intern = make_release(data, "intern").frame("areas")
    assert {"lisa_std", "lisa_lag", "gi_z", "rang_gesamt"} <= set(intern.columns)


def test_municipal_release_own_values_only(data):
    rel = make_release(data, "kommunal", "07999002")
    a = rel.frame("areas")
    own = a["ags"].astype(str) == "07999002"
    assert a.loc[own, "ew_ges"].notna().all()
    assert a.loc[~own, "ew_ges"].isna().all()
    assert (rel.status("areas").loc[~own, "ew_ges"] == "geheim").all()
    assert rel.package == "kommunal-07999002"
    assert rel.own_areas() == list(a.index[own].astype(str))


def test_policy_unknown_indicator_is_a_config_error_with_suggestion(data):
    pol = ReleasePolicy(oeffentlich=LevelRule(gemeinden=("geburtnrate",)))
    with pytest.raises(ConfigError, match="geburtenrate") as e:
        make_release(data, "oeffentlich", policy=pol)
    assert "gemeinden" in str(e.value) and "freigabe.oeffentlich" in str(e.value)
    with pytest.raises(ConfigError, match="did you mean"):
        pol.validate(data.catalogue, lang="en")
    # patterns are not checked
    ReleasePolicy(kommunal=LevelRule(eigene=("ew_*",))).validate(data.catalogue)


def test_policy_limits_municipal_totals(data):
    pol = ReleasePolicy(oeffentlich=LevelRule(gemeinden=("ew_ges", "alo_quote"), kreis=()))
    rel = make_release(data, "oeffentlich", policy=pol)
    g = rel.frame("gemeinden")
    assert "ew_ges" in g.columns and "alo_quote" in g.columns and "alo" not in g.columns
    assert "ew_ges" not in rel.frame("kreis").columns


def test_policy_from_config_table():
    pol = ReleasePolicy.from_config(
        {"oeffentlich": {"sozialraeume": ["alo_quote"]}, "index_nachkommastellen": 0},
        threshold=4,
    )
    assert pol.threshold == 4 and pol.index_decimals == 0
    assert pol.oeffentlich.sozialraeume == ("alo_quote",)
    assert pol.releases("alo_quote", "oeffentlich", "areas")
    assert not pol.releases("alo_quote", "kommunal", "areas")
    assert pol.releases("alo_quote", "kommunal", "areas", own=True)


def test_release_refuses_bad_input(data):
    with pytest.raises(InputError):
        make_release(data, "geheim")
    with pytest.raises(InputError):
        make_release(data, "kommunal")
    with pytest.raises(InputError, match="07999999"):
        make_release(data, "kommunal", "07999999")


def test_config_freigabe_section(musterland_config, tmp_path, ml_data):
    """[freigabe] in monitor.toml: read into the policy; a misspelt key is named with a suggestion."""
    from sozialraum.pipeline.config import load_config

    data, _ = ml_data
    path = musterland_config(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + '\n[freigabe.oeffentlich]\nsozialraeume = ["alo_quote"]\ngemeinden = ["ew_ges"]\n',
        encoding="utf-8",
    )
    cfg = load_config(path)
    pol = ReleasePolicy.from_config(cfg["freigabe"], threshold=2)
    assert pol.oeffentlich.sozialraeume == ("alo_quote",)
    rel = make_release(data, "oeffentlich", policy=pol)
    assert "alo_quote" in rel.frame("areas").columns
    assert "alo" not in rel.frame("gemeinden").columns
    path.write_text(text + '\n[freigabe.kommunal]\neigen = ["*"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="eigene") as e:
        load_config(path)
    assert "freigabe.kommunal" in str(e.value)
    path.write_text(text + "\n[freigabe]\nmindest_indikatoren = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mindest_indikatoren"):
        load_config(path)
    path.write_text(
        text + '\n[freigabe.oeffentlich]\ngemeinden = ["kinderarmt"]\n', encoding="utf-8"
    )
    pol = ReleasePolicy.from_config(load_config(path)["freigabe"])
    with pytest.raises(ConfigError, match="kinderarmut"):
        make_release(data, "oeffentlich", policy=pol)


def test_published_status_says_geheim_for_every_withheld_secret_cell(data, public):
    """Published status shows 'geheim', never which kind (small count, partial sum …)."""
    for kind in ("areas", "gemeinden", "kreis"):
        st = public.status(kind)
        codes = set(st.stack().dropna().astype(str))
        assert not codes & {"geheim_primaer", "geheim_sekundaer", "teilsumme_geheim"}, kind
    # the district's partial sums (an area is secret at source) are withheld as 'geheim'
    ks = data.kreis_status.astype("string")
    partial = [c for c in ks.columns if (ks[c] == "teilsumme_geheim").any()]
    assert partial
    k = public.frame("kreis")
    for c in partial:
        if c in k.columns:
            assert k[c].isna().all() and (public.status("kreis")[c] == "geheim").all()
