"""Data protection (Geheimhaltung) and release levels (Freigabestufen).

* :func:`suppress` — primary and secondary suppression of small counts over
  Sozialraum → Gemeinde → Kreis; :func:`round_counts` — rounding to a base instead.
* :func:`release_frame`, :class:`ReleasePolicy`, :class:`LevelRule` — what
  ``oeffentlich``, ``kommunal`` and ``intern`` may show, per frame and indicator.
* :func:`make_release` → :class:`Release` — the privacy step: the only object
  every output beyond ``intern`` (packages, profiles, report, web map) is made from.
* :func:`write_release`, :func:`write_packages` — one folder per audience
  (GeoPackage, Excel, CSV).
* :func:`check_release` — scans written files for values beyond their level.
* :func:`audit_suppression` — the interval attack (LP) on published tables, for the
  public and each municipality.

See ``docs/privacy.md``.
"""

from sozialraum.core.status import PRIMARY, SECONDARY, SECRET_CODES
from sozialraum.privacy.audit import (
    AuditFinding,
    AuditResult,
    Protection,
    audit_suppression,
    municipal_knowledge,
)
from sozialraum.privacy.checker import CheckReport, check_release, check_releases
from sozialraum.privacy.gate import audit_packages, read_package_tables
from sozialraum.privacy.levels import (
    DEFAULT_PUBLIC,
    RELEASE_LEVELS,
    LevelRule,
    ReleasePolicy,
    frame_kind,
    public_status,
    release_frame,
)
from sozialraum.privacy.package import (
    ReleaseData,
    column_labels,
    package_frames,
    package_name,
    write_csv,
    write_packages,
    write_release,
)
from sozialraum.privacy.release import Release, derived_columns, index_inputs, make_release
from sozialraum.privacy.suppression import (
    SuppressionResult,
    count_columns,
    protect_groups,
    rate_columns,
    round_counts,
    round_to_base,
    suppress,
    suppress_primary,
    suppress_rates,
)

__all__ = [
    "audit_packages",
    "read_package_tables",
    "AuditFinding",
    "AuditResult",
    "DEFAULT_PUBLIC",
    "PRIMARY",
    "Protection",
    "RELEASE_LEVELS",
    "SECONDARY",
    "SECRET_CODES",
    "CheckReport",
    "LevelRule",
    "Release",
    "ReleaseData",
    "ReleasePolicy",
    "SuppressionResult",
    "audit_suppression",
    "check_release",
    "check_releases",
    "column_labels",
    "count_columns",
    "derived_columns",
    "frame_kind",
    "municipal_knowledge",
    "index_inputs",
    "make_release",
    "package_frames",
    "package_name",
    "protect_groups",
    "public_status",
    "rate_columns",
    "release_frame",
    "round_counts",
    "round_to_base",
    "suppress",
    "suppress_primary",
    "suppress_rates",
    "write_csv",
    "write_packages",
    "write_release",
]
