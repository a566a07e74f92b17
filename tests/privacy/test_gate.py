"""The last gate: the LP attack on the packages as written to disk."""

from __future__ import annotations

import shutil
import warnings

import pyogrio
import pytest

from sozialraum.core.status import secret_mask


@pytest.fixture(scope="module")
def written(ml_data, tmp_path_factory):
    from sozialraum.privacy import write_packages

    data, _ = ml_data
    out = tmp_path_factory.mktemp("gate")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_packages(data, out, municipalities=["07999001", "07999002", "07999009"])
    jobs = [("oeffentlich", None)] + [("kommunal", a) for a in ("07999001", "07999002", "07999009")]
    return data, out, jobs


def test_written_packages_pass_the_attack(written):
    from sozialraum.privacy import audit_packages

    data, out, jobs = written
    res = audit_packages(out, data, jobs, threshold=2)
    assert res.ok, res.summary()
    assert res.n_checked > 0 and len(res.attackers) == 4


def test_gate_reads_the_bytes_and_finds_an_unsuppressed_complement(written, tmp_path):
    """Un-suppressing cells in the written file (as a careless edit would) is a finding."""
    from sozialraum.privacy import audit_packages, read_package_tables
    from sozialraum.privacy.suppression import count_columns

    data, out, jobs = written
    cols = count_columns(data.areas, data.catalogue)
    vals, stat = read_package_tables(out / "oeffentlich", data, cols)
    # a count whose municipal totals are suppressed while the district total is shown
    st, kreis = stat["gemeinden"], vals["kreis"]
    target = next(c for c in cols if secret_mask(st[c]).sum() >= 2 and kreis[c].notna().all())
    hidden = list(st.index[secret_mask(st[target]).to_numpy(dtype=bool)])
    reveal = hidden[1:]  # publish all but one of them: the last follows from the district
    pkg = tmp_path / "pkgs"
    shutil.copytree(out, pkg)
    gpkg = next((pkg / "oeffentlich").glob("*.gpkg"))
    layers = {n: pyogrio.read_dataframe(gpkg, layer=n) for n in pyogrio.list_layers(gpkg)[:, 0]}
    fr = layers["gemeinden"]
    key = next(c for c in fr.columns if fr[c].astype(str).isin(st.index).all())
    rows = fr[key].astype(str).isin(reveal)
    fr.loc[rows, target] = data.gemeinden[target].reindex(fr.loc[rows, key].astype(str)).to_numpy()
    fr.loc[rows, f"{target}_status"] = None
    gpkg.unlink()
    for i, (layer, frame) in enumerate(layers.items()):
        pyogrio.write_dataframe(frame, gpkg, layer=layer, append=i > 0)
    res = audit_packages(pkg, data, jobs, threshold=2)
    assert not res.ok
    assert any(f.variable == target for f in res.findings), res.summary()
