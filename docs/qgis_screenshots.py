"""Screenshots of the real QGIS plugin dialogs and map renders of its results, for the docs.

Runs headless (offscreen Qt) in QGIS's Python with the plugin from ``qgis_plugin/``:
opens the dialogs of *Indikatoren verknüpfen*, *Raten und Index berechnen* and
*Globales Moran's I / LISA* pre-filled for Musterland and grabs them (``QWidget.grab``),
runs the three tools through ``processing.run`` and renders the styled results with
``QgsMapRendererParallelJob``. Writes PNGs into the given folder (default ``docs/img``)::

    .venv-qgis/bin/python docs/qgis_screenshots.py docs/img

(``.venv-qgis``: see docs/qgis.md; any Python that imports ``qgis.core`` and ``sozialraum`` works.)
"""
import os, sys, tempfile
tmp = tempfile.mkdtemp(prefix="qshot_")
os.environ.update(HOME=tmp, TMPDIR=tmp, XDG_RUNTIME_DIR=tmp, QT_QPA_PLATFORM="offscreen", SOZIALRAUM_LANG="de")
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[1])
OUT = sys.argv[1] if len(sys.argv) > 1 else f"{ROOT}/docs/img"
sys.path.insert(0, f"{ROOT}/qgis_plugin")
sys.path.append("/usr/share/qgis/python/plugins")
from qgis.core import (QgsApplication, QgsVectorLayer, QgsProject, QgsMapSettings, QgsMapRendererParallelJob)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
app = QgsApplication([], True)
app.initQgis()
from processing.core.Processing import Processing
Processing.initialize()
from sozialraum_qgis.provider import SozialraumProvider
prov = SozialraumProvider()
QgsApplication.processingRegistry().addProvider(prov)
import processing
from processing.gui.AlgorithmDialog import AlgorithmDialog

def shot(algid, params, name):
    alg = QgsApplication.processingRegistry().createAlgorithmById(f"sozialraum:{algid}")
    dlg = AlgorithmDialog(alg)
    dlg.resize(900, 680)
    dlg.mainWidget().setParameters(params)
    dlg.show(); app.processEvents()
    print(name, dlg.grab().save(f"{OUT}/{name}.png"))
    dlg.close()

def render(layer_path, name, title):
    lyr = QgsVectorLayer(layer_path, title, "ogr")
    assert lyr.isValid(), layer_path
    ms = QgsMapSettings()
    ms.setLayers([lyr]); ms.setDestinationCrs(lyr.crs())
    ms.setExtent(lyr.extent().buffered(500)); ms.setOutputSize(QSize(900, 800))
    ms.setBackgroundColor(QColor("white"))
    job = QgsMapRendererParallelJob(ms); job.start(); job.waitForFinished()
    print(name, job.renderedImage().save(f"{OUT}/{name}.png"))

areas = QgsVectorLayer(f"{ROOT}/data/boundaries/musterland.gpkg|layername=sozialraeume", "Sozialräume Musterland", "ogr")
QgsProject.instance().addMapLayer(areas)
ex = f"{ROOT}/examples/musterland"
p_join = {"INPUT": areas, "KEY": "sr_id", "NAME": "sr_name", "TABLE": f"{ex}/indikatoren_2024.xlsx",
          "TABLE2": f"{ex}/jobcenter_2024.csv", "SHEET": "Daten", "CATALOGUE": f"{ex}/katalog.toml", "YEAR": 2024}
shot("indikatoren_verknuepfen", p_join, "qgis_dialog_verknuepfen")
res = processing.run("sozialraum:indikatoren_verknuepfen", {**p_join, "OUTPUT": f"{tmp}/verknuepft.gpkg"})
joined = QgsVectorLayer(res["OUTPUT"], "verknüpft", "ogr"); QgsProject.instance().addMapLayer(joined)
p_mon = {"INPUT": joined, "KEY": "sr_id", "CATALOGUE": f"{ex}/katalog.toml"}
shot("raten_index", p_mon, "qgis_dialog_raten_index")
res = processing.run("sozialraum:raten_index", {**p_mon, "OUTPUT": f"{tmp}/monitor.gpkg"})
render(res["OUTPUT"], "qgis_karte_index", "Index")
mon = QgsVectorLayer(res["OUTPUT"], "Raten und Index", "ogr"); QgsProject.instance().addMapLayer(mon)
p_lisa = {"INPUT": mon, "KEY": "sr_id", "FIELD": "idx_gesamt", "CORRECTION": 0, "SEED": 2024}
shot("lisa", p_lisa, "qgis_dialog_lisa")
res = processing.run("sozialraum:lisa", {**p_lisa, "OUTPUT": f"{tmp}/lisa.gpkg"})
print({k: v for k, v in res.items() if k != "OUTPUT"})
render(res["OUTPUT"], "qgis_karte_lisa", "LISA")
QgsApplication.processingRegistry().removeProvider(prov)
