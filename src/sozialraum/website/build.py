"""Write the static website (Sozialatlas) of one checked release level.

Layout of the folder (German at the top, English under ``en/`` with the same names)::

    index.html                start page: status map, key figures, what is new
    thema-<id>.html           one page per class, index and indicator
    gebiet-<key>.html         one page per area (its public profile)
    vergleich.html, suche.html, daten.html
    en/…                      the same pages in English
    assets/                   style, script, the data of all years (daten.js), locator base map
    downloads/                the package tables (CSV, GeoPackage) and a GeoJSON

Every page works from ``file://`` (no fetch, no CDN, no tracking).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from sozialraum.website import pages
from sozialraum.website.context import _HERE, LANGS, SiteOptions, SiteResult, _Site
from sozialraum.website.downloads import write_downloads
from sozialraum.website.model import SiteModel

__all__ = ["SiteOptions", "SiteResult", "write_site", "write_site_model"]


def write_site_model(
    model: SiteModel, out: str | Path, options: SiteOptions | None = None, *, release=None
) -> SiteResult:
    """Write the site of a :class:`SiteModel` into ``out`` (replaced as a whole).

    ``release`` (the report year's :class:`~sozialraum.privacy.Release`) adds the downloads.
    """
    opts = options or SiteOptions()
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    (out / "assets").mkdir(parents=True)
    site = _Site(model, opts, out)
    for f in ("site.css", "site.js"):
        shutil.copyfile(_HERE / "static" / f, out / "assets" / f)
    if opts.logo is not None:
        shutil.copyfile(opts.logo, out / "assets" / Path(opts.logo).name)
    (out / "assets" / "daten.js").write_text(pages.data_js(site), encoding="utf-8")
    (out / "assets" / "umriss.svg").write_text(pages.locator_base(site), encoding="utf-8")
    if release is not None:
        write_downloads(release, out / "downloads", opts)
    for lang in LANGS:
        pages.write_pages(site, lang)
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return SiteResult(out, site.pages, total, (out / "index.html").stat().st_size)


def write_site(
    releases: Mapping[int, object],
    out: str | Path,
    options: SiteOptions | None = None,
    *,
    year: int | None = None,
    lang: str | None = None,
) -> SiteResult:
    """Write the static website of checked releases (one level, every year).

    Parameters
    ----------
    releases
        Year → :class:`~sozialraum.privacy.Release` of one level (and municipality),
        each made by :func:`~sozialraum.privacy.make_release`.
    out
        Folder of the site (replaced as a whole).
    options
        Name, level words, colours, logo (:class:`SiteOptions`).
    year
        The report year (default: the newest release).

    Returns
    -------
    SiteResult
        Folder, number of pages, bytes in all and of the start page.
    """
    year = int(year if year is not None else max(releases))
    opts = options or SiteOptions()
    model = SiteModel.from_releases(releases, year, titles=opts.titles, lang=lang)
    return write_site_model(model, out, opts, release=releases[year])
