"""QGIS plugin "Sozialraum": the sozialraum library in the Processing toolbox.

QGIS calls :func:`classFactory` when the plugin is enabled (also by
``qgis_process plugins enable``). Nothing here imports the library itself, so a
missing dependency can never break QGIS start-up (see :mod:`.deps`).
"""

from __future__ import annotations


def classFactory(iface):  # noqa: N802 (QGIS API name)
    """Create the plugin object (QGIS entry point)."""
    from .plugin import SozialraumPlugin

    return SozialraumPlugin(iface)
