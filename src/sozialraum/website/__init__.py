"""The public Sozialatlas: a static, accessible website of a checked release.

:func:`write_site` writes one folder of static pages (German, English under
``en/``) from :class:`~sozialraum.privacy.Release` objects of one level — the
report year's and one per earlier year, each made by
:func:`~sozialraum.privacy.make_release` — so the site shows exactly what the
release check allows: a start page with the status-class map, one page per
class, index and indicator (map, sortable table, distribution, time series,
definition), one page per area, a comparison of areas, a search and the
downloads. It works from ``file://`` and any web server, without CDN or
tracking. See ``docs/webseite.md``.
"""

from sozialraum.website.build import SiteOptions, SiteResult, write_site, write_site_model
from sozialraum.website.model import SiteModel, Variable

__all__ = ["SiteModel", "SiteOptions", "SiteResult", "Variable", "write_site", "write_site_model"]
