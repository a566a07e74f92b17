"""Public functions named like their submodule stay functions, whatever was imported first.

Regression: with names loaded on first use, importing the module ``spatial.getis_ord``
(e.g. by the QGIS hot-spot tool's package check) made ``from sozialraum.spatial import
getis_ord`` return the module: "TypeError: 'module' object is not callable".
"""

import subprocess
import sys


def test_function_survives_its_submodule_being_imported_first():
    code = (
        "import sozialraum.spatial.getis_ord, sozialraum.spatial.moran\n"
        "from sozialraum.spatial import getis_ord, moran\n"
        "import sozialraum.spatial as s\n"
        "assert callable(getis_ord) and callable(moran), (getis_ord, moran)\n"
        "assert callable(s.getis_ord) and callable(s.moran)\n"
        "from sozialraum.spatial.getis_ord import GiResult\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
