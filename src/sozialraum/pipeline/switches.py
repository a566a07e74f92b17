"""Switches that leave whole output steps out of a run (``--ohne pdf``, ``--nur webkarte``).

The output steps a switch can turn off are the ``[ausgaben]`` keys of the
configuration plus the release packages:

============== ==============================================================
``excel``      ``intern/ergebnisse.xlsx`` (the packages keep their tables)
``webkarte``   the interactive web maps (alias ``karten``)
``steckbriefe`` the profiles of every level
``sozialbericht`` the Sozialbericht (alias ``bericht``)
``pdf``        the PDF copies of profiles and report (the HTML is written)
``pakete``     the release packages ``oeffentlich``/``kommunal-<AGS>``
============== ==============================================================

The result tables (GeoPackage, join report), the manifest and ``lauf.log`` are
always written. :func:`apply_switches` returns a config with the switches applied
(the caller's config is not changed) and the list of what was left out, which the
run writes into ``lauf.log`` and its summary.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from sozialraum._i18n import get_lang, t
from sozialraum.core.doors import knob
from sozialraum.errors import ConfigError

__all__ = ["SWITCHES", "Skipped", "apply_switches", "parse_switches"]

#: Output steps that can be left out (name → alias names).
SWITCHES: dict[str, tuple[str, ...]] = {
    "excel": ("xlsx",),
    "webkarte": ("karten", "karte", "webkarten"),
    "steckbriefe": ("steckbrief",),
    "sozialbericht": ("bericht",),
    "pdf": ("pdfs",),
    "pakete": ("freigabe", "paket"),
}

_MSG = {
    "unknown": {
        "de": "{knob}: {name!r} ist kein Ausgabeschritt. Möglich sind: {have}.",
        "en": "{knob}: {name!r} is not an output step. Possible: {have}.",
    },
    "by_ohne": {"de": "{knob} {name}", "en": "{knob} {name}"},
    "by_config": {"de": "[ausgaben] {name} = false", "en": "[ausgaben] {name} = false"},
}


@dataclasses.dataclass(frozen=True)
class Skipped:
    """An output step left out and the switch that did it."""

    step: str
    why: str


def parse_switches(values: Iterable[str] | None, *, which: str = "skip", lang=None) -> list[str]:
    """Canonical step names of ``--ohne``/``--nur`` values (comma lists allowed, aliases resolved)."""
    L = get_lang(lang)
    alias = {a: k for k, als in SWITCHES.items() for a in (k, *als)}
    out: list[str] = []
    for v in values or ():
        for part in str(v).split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name not in alias:
                raise ConfigError(
                    t(
                        _MSG,
                        "unknown",
                        L,
                        knob=knob("skip_outputs" if which == "skip" else "only_outputs", L),
                        name=name,
                        have=", ".join(SWITCHES),
                    )
                )
            if alias[name] not in out:
                out.append(alias[name])
    return out


def apply_switches(cfg, skip=None, only=None, *, lang=None):
    """``(config, skipped)``: ``cfg`` with the steps of ``skip`` (or all but ``only``) turned off.

    Steps already off in ``[ausgaben]`` are listed as skipped by the configuration.
    """
    L = get_lang(lang)
    skip_n = parse_switches(skip, which="skip", lang=L)
    only_n = parse_switches(only, which="only", lang=L) if only else None
    off = list(skip_n)
    if only_n is not None:
        off += [k for k in SWITCHES if k not in only_n and k not in off]
    aus = dict(cfg["ausgaben"])
    skipped: list[Skipped] = []
    for name in SWITCHES:
        if name in off:
            by = knob("skip_outputs", L) if name in skip_n else knob("only_outputs", L)
            why = f"{by} {name}" if name in skip_n else f"{by} {','.join(only_n or [])}"
        elif not _is_on(aus, name):
            why = t(_MSG, "by_config", L, name="freigabe" if name == "pakete" else name)
        else:
            continue
        skipped.append(Skipped(name, why))
        if name == "pakete":
            aus["freigabe"] = [lv for lv in aus.get("freigabe", []) if lv == "intern"]
        else:
            aus[name] = False
    if not skip_n and only_n is None:
        return cfg, skipped
    return dataclasses.replace(cfg, sections={**cfg.sections, "ausgaben": aus}), skipped


def _is_on(aus: dict, name: str) -> bool:
    if name == "pakete":
        return any(lv != "intern" for lv in aus.get("freigabe", []))
    return bool(aus.get(name, True))
