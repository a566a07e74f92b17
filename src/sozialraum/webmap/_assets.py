"""Leaflet assets: CDN links (online) or inlined file contents (offline).

Offline maps read Leaflet and Leaflet.markercluster from the installed PyPI packages
``xstatic-leaflet`` and ``xstatic-leaflet-markercluster`` when the map is built, and inline
them (images referenced from the CSS become ``data:`` URIs).  Nothing is vendored in
the repository.  Everything else a map needs (legend, search box, fullscreen button,
tooltips, icons) is sozialraum's own small script in :mod:`._js` and needs no library
besides Leaflet: no jQuery, Bootstrap, Font Awesome or d3.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

from sozialraum._i18n import t
from sozialraum.errors import SozialraumError

_MSG = {
    "missing_pkg": {
        "de": (
            "Für eine Offline-Karte wird das Paket {pkg} gebraucht (es liefert {what}). "
            "Bitte installieren: pip install {pkg}"
        ),
        "en": "An offline map needs the package {pkg} (it provides {what}). Please install: pip install {pkg}",
    },
}

LEAFLET_VERSION = "1.9.3"
MARKERCLUSTER_VERSION = "1.4.1"

CDN = {
    "leaflet_js": f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js",
    "leaflet_css": f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css",
    "cluster_js": (
        f"https://cdn.jsdelivr.net/npm/leaflet.markercluster@{MARKERCLUSTER_VERSION}"
        "/dist/leaflet.markercluster.js"
    ),
    "cluster_css": (
        f"https://cdn.jsdelivr.net/npm/leaflet.markercluster@{MARKERCLUSTER_VERSION}/dist/MarkerCluster.css"
    ),
    "cluster_default_css": (
        f"https://cdn.jsdelivr.net/npm/leaflet.markercluster@{MARKERCLUSTER_VERSION}"
        "/dist/MarkerCluster.Default.css"
    ),
}

_SOURCEMAP = re.compile(r"^\s*//[#@] sourceMappingURL=.*$", re.MULTILINE)
_CSS_SOURCEMAP = re.compile(r"/\*[#@] sourceMappingURL=.*?\*/")
_CSS_URL = re.compile(r"url\((['\"]?)([^)'\"]+)\1\)")


def _pkg_dir(module: str, pkg: str, what: str, lang: str | None) -> Path:
    try:
        mod = __import__(module, fromlist=["BASE_DIR"])
    except ImportError as exc:
        raise SozialraumError(t(_MSG, "missing_pkg", lang, pkg=pkg, what=what)) from exc
    return Path(mod.BASE_DIR)


def _inline_css_urls(css: str, base: Path) -> str:
    def repl(match: re.Match[str]) -> str:
        url = match.group(2)
        if url.startswith(("data:", "#")):
            return match.group(0)
        path = base / url
        if not path.is_file():
            # an image we cannot inline would be a network request: drop it
            return "none"
        mime = "image/png" if url.endswith(".png") else "image/svg+xml"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:{mime};base64,{data})"

    return _CSS_URL.sub(repl, _CSS_SOURCEMAP.sub("", css))


def _safe_script(js: str) -> str:
    js = _SOURCEMAP.sub("", js)
    # a library must never close its own <script> element
    return js.replace("</script", "<\\/script")


@lru_cache(maxsize=4)
def _offline(cluster: bool, lang: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    leaflet = _pkg_dir("xstatic.pkg.leaflet", "xstatic-leaflet", "Leaflet", lang)
    js = [_safe_script((leaflet / "leaflet.js").read_text(encoding="utf-8"))]
    css = [_inline_css_urls((leaflet / "leaflet.css").read_text(encoding="utf-8"), leaflet)]
    if cluster:
        mc = _pkg_dir(
            "xstatic.pkg.leaflet_markercluster",
            "xstatic-leaflet-markercluster",
            "Leaflet.markercluster",
            lang,
        )
        js.append(_safe_script((mc / "leaflet.markercluster.js").read_text(encoding="utf-8")))
        for name in ("MarkerCluster.css", "MarkerCluster.Default.css"):
            css.append(_inline_css_urls((mc / name).read_text(encoding="utf-8"), mc))
    return tuple(js), tuple(css)


def header_html(offline: bool, cluster: bool, lang: str | None = None) -> str:
    """HTML for the ``<head>``: inline ``<script>``/``<style>`` (offline) or CDN links."""
    if offline:
        js, css = _offline(cluster, lang)
        parts = [f"<style>{c}</style>" for c in css]
        parts += [f"<script>{j}</script>" for j in js]
        return "\n".join(parts)
    parts = [f'<link rel="stylesheet" href="{CDN["leaflet_css"]}"/>']
    parts.append(f'<script src="{CDN["leaflet_js"]}"></script>')
    if cluster:
        parts.append(f'<link rel="stylesheet" href="{CDN["cluster_css"]}"/>')
        parts.append(f'<link rel="stylesheet" href="{CDN["cluster_default_css"]}"/>')
        parts.append(f'<script src="{CDN["cluster_js"]}"></script>')
    return "\n".join(parts)
