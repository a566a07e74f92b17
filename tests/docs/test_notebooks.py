"""The example notebooks in examples/notebooks run from top to bottom without error.

Each notebook is executed with nbclient in a kernel that uses *this* interpreter
(``sys.executable``): a kernel spec is written into a temporary JUPYTER_PATH, so
no kernel has to be installed for the user and no other Python is picked up.
The notebooks contain their own checks (``assert``) against independent
computations (class counts, the 2SFCA supply balance).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat fehlt: pip install -e '.[docs]'")
nbclient = pytest.importorskip("nbclient", reason="nbclient fehlt: pip install -e '.[docs]'")
pytest.importorskip("ipykernel", reason="ipykernel fehlt: pip install -e '.[docs]'")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "examples" / "notebooks").glob("*.ipynb"))
KERNEL = "sozialraum-test"


@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("jupyter")
    spec = base / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "sozialraum (tests)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    return base


def test_notebooks_exist():
    names = {p.name for p in NOTEBOOKS}
    assert {"01_musterland_monitor.ipynb", "02_lisa_und_erreichbarkeit.ipynb"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, kernel_path: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_path))
    # the kernel runs in a temp folder: the notebook must find the example data itself
    monkeypatch.setenv("HOME", str(tmp_path))
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=600,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors
    # every code cell ran, and the last one produced the map
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code)
    assert any("image/png" in out.get("data", {}) for out in code[-1].get("outputs", [])), (
        "the last cell should draw a map"
    )
