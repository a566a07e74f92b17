"""QGIS plugin tests.

The normal test run (main venv) only collects ``test_qgis_suite.py``, which runs
the tests in ``inside/`` with QGIS's Python (``.venv-qgis``) in a subprocess.
``inside/`` is collected only in that subprocess (``SOZIALRAUM_QGIS_INSIDE=1``).
"""

import os

collect_ignore = [] if os.environ.get("SOZIALRAUM_QGIS_INSIDE") else ["inside"]
