"""Jinja2 rendering with district overrides.

Templates are looked up first in ``template_dir`` (a district's own folder), then
in the built-in ``templates/`` folder, so a district changes its logo, colours,
wording or indicator selection by dropping a file of the same name (e.g.
``steckbrief.html.j2``, ``style.css``, ``_kopf.html.j2``) into its folder — no code
change. Settings (``settings=`` mapping, merged over an optional
``einstellungen.toml`` in ``template_dir``, merged over :data:`DEFAULT_SETTINGS`):

``logo``        path of a PNG/SVG/JPEG logo (embedded as data URI)
``farben``      ``{"primaer": "#1f4e79", "akzent": "#c0392b", "text": "#222222"}``
``indikatoren`` list of indicator ids shown in tables (default: all)
``text_indikatoren``  indicator ids with a generated sentence (default: the 4 with the largest deviation)
``organisation``, ``fusszeile``  header and footer texts
``genus``       ``{indicator id: "f"|"m"|"n"|"pl"}`` grammar overrides
``nah``, ``fern``  thresholds of the average comparison in SD units (0.25, 1.0)
``bildformat``  ``"png"`` (default) or ``"svg"``
``pyramide``    draw population pyramids (True)
``pyramide_oeffentlich``  also in public output (False: single years of age are small numbers)

Autoescaping is always on: names from data (``<script>`` in an area name) are
shown as text.
"""

from __future__ import annotations

import base64
import mimetypes
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from sozialraum._i18n import t
from sozialraum.core.numbers import format_number
from sozialraum.errors import InputError
from sozialraum.report.text import format_value

__all__ = [
    "BUILTIN_TEMPLATES",
    "DEFAULT_SETTINGS",
    "keep_units",
    "make_environment",
    "render",
    "resolve_settings",
]

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"

DEFAULT_SETTINGS: dict[str, Any] = {
    "logo": None,
    "farben": {"primaer": "#1f4e79", "akzent": "#c0392b", "text": "#222222", "hell": "#eef3f8"},
    "indikatoren": None,
    "text_indikatoren": None,
    "organisation": "",
    "fusszeile": "",
    "genus": {},
    "nah": 0.25,
    "fern": 1.0,
    "bildformat": "png",
    "pyramide": True,
    "pyramide_oeffentlich": False,
}

_MSG = {
    "no_dir": {
        "de": "Vorlagenordner {path} nicht gefunden. Bitte den Pfad (template_dir) prüfen.",
        "en": "template folder {path} not found. Check the path (template_dir).",
    },
    "logo": {
        "de": "Logo-Datei {path} nicht gefunden (Einstellung 'logo').",
        "en": "logo file {path} not found (setting 'logo').",
    },
    "toml": {
        "de": "{file}: keine gültige TOML-Datei ({err}).",
        "en": "{file}: not a valid TOML file ({err}).",
    },
    "missing_template": {
        "de": "Vorlage {name!r} nicht gefunden (gesucht in: {dirs}).",
        "en": "template {name!r} not found (looked in: {dirs}).",
    },
}


def _dirs(template_dir) -> list[Path]:
    dirs = []
    if template_dir is not None:
        p = Path(template_dir)
        if not p.is_dir():
            raise InputError(t(_MSG, "no_dir", None, path=p), file=str(p))
        dirs.append(p)
    dirs.append(BUILTIN_TEMPLATES)
    return dirs


def make_environment(
    template_dir: str | Path | None = None, lang: str | None = "de"
) -> jinja2.Environment:
    """Jinja2 environment: ``template_dir`` first, then the built-in templates; autoescape on."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in _dirs(template_dir)]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.ChainableUndefined,
        auto_reload=False,  # one environment per document batch: templates read once
    )
    env.filters["zahl"] = lambda x, d=1: format_number(x, d, lang)
    env.filters["wert"] = lambda x, unit=None, d=1: format_value(x, unit, d, lang)
    env.filters["nbsp"] = keep_units
    env.globals["lang"] = lang
    return env


_UNIT_SPACE = re.compile(r"(\d) (%|‰|Pp\.|pp|km|m)(?=$|[\s.,;:)*])")


def keep_units(text) -> str:
    """Join a number and its unit with a no-break space ("14,2 %" never breaks between lines)."""
    if text is None:
        return ""
    return _UNIT_SPACE.sub("\\1\u00a0\\2", str(text))


def _deep_merge(base: dict, over: Mapping) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _deep_merge(dict(out[k]), v)
        else:
            out[k] = v
    return out


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(str(path))[0] or "image/png"
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def resolve_settings(
    settings: Mapping | None = None, template_dir: str | Path | None = None
) -> dict:
    """Defaults ← ``template_dir/einstellungen.toml`` ← ``settings``; the logo becomes a data URI."""
    out = _deep_merge({}, DEFAULT_SETTINGS)
    base = None
    if template_dir is not None:
        f = Path(template_dir) / "einstellungen.toml"
        if f.is_file():
            try:
                out = _deep_merge(out, tomllib.loads(f.read_text(encoding="utf-8")))
            except tomllib.TOMLDecodeError as e:
                raise InputError(t(_MSG, "toml", None, file=f, err=e), file=str(f)) from None
            base = f.parent
    if settings:
        out = _deep_merge(out, settings)
    logo = out.get("logo")
    if logo and not str(logo).startswith("data:"):
        p = Path(logo)
        if not p.is_absolute() and base is not None and (base / p).is_file():
            p = base / p
        if not p.is_file():
            raise InputError(t(_MSG, "logo", None, path=p), file=str(p))
        out["logo"] = _data_uri(p)
    return out


def render(
    name: str,
    context: Mapping,
    *,
    template_dir: str | Path | None = None,
    lang: str | None = "de",
    env: jinja2.Environment | None = None,
) -> str:
    """Render template ``name`` with ``context`` (searching ``template_dir`` first)."""
    env = env or make_environment(template_dir, lang)
    try:
        tpl = env.get_template(name)
    except jinja2.TemplateNotFound:
        dirs = ", ".join(str(d) for d in _dirs(template_dir))
        raise InputError(t(_MSG, "missing_template", lang, name=name, dirs=dirs)) from None
    return tpl.render(**context)
