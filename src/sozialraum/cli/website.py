"""``sozialraum site``: the public Sozialatlas (static website) of a run or configuration."""

from __future__ import annotations

import argparse

from sozialraum._i18n import t

__all__ = ["add_parser", "run"]

_MSG = {
    "site": {
        "de": "Öffentliche Webseite (Sozialatlas) aus einem Lauf oder einer monitor.toml "
        "schreiben: statische Seiten, geprüft wie das öffentliche Paket",
        "en": "write the public website (social atlas) of a run or a monitor.toml: static "
        "pages, checked like the public package",
    },
    "source": {
        "de": "Ausgabeordner eines Laufs (mit manifest.json) oder monitor.toml",
        "en": "output folder of a run (with manifest.json) or monitor.toml",
    },
    "ziel": {"de": "Ordner der Webseite (wird ersetzt)", "en": "folder of the site (replaced)"},
    "kommunal": {
        "de": "auch je Gemeinde eine Webseite in <ziel>/kommunal-<AGS>/ (ohne Wert: alle)",
        "en": "also one site per municipality in <ziel>/kommunal-<AGS>/ (no value: all)",
    },
    "written": {"de": "Geschrieben und geprüft: {path}", "en": "written and checked: {path}"},
}


def add_parser(sub, L: str) -> None:
    """Register ``site`` (alias ``webseite``)."""
    p = sub.add_parser(
        "site", aliases=["webseite"], help=t(_MSG, "site", L), description=t(_MSG, "site", L)
    )
    p.add_argument("source", help=t(_MSG, "source", L))
    p.add_argument("--ziel", "--target", dest="ziel", required=True, help=t(_MSG, "ziel", L))
    p.add_argument(
        "--kommunal",
        "--municipal",
        dest="kommunal",
        nargs="*",
        metavar="AGS",
        default=None,
        help=t(_MSG, "kommunal", L),
    )


def run(args: argparse.Namespace) -> int:
    """Compute the results of the configuration and write the site(s)."""
    from sozialraum.core.doors import using_door
    from sozialraum.pipeline.sites import sites_from_config

    municipal: bool | list[str] = False
    if args.kommunal is not None:
        municipal = list(args.kommunal) or True
    with using_door("cli"):
        files = sites_from_config(args.source, args.ziel, municipal=municipal, lang=args.lang)
    for path, _de, _en in files:
        print(t(_MSG, "written", args.lang, path=path))
    return 0
