"""Data protection (Geheimhaltung) and release levels (Freigabestufen).

* :func:`suppress` — primary and secondary suppression of small counts over
  Sozialraum → Gemeinde → Kreis; :func:`round_counts` — rounding to a base instead.
* :func:`release_frame`, :class:`ReleasePolicy` — what ``oeffentlich``, ``kommunal``
  and ``intern`` may show.
* :func:`write_packages` — one folder per audience (GeoPackage, Excel, CSV).
* :func:`check_release` — scans written files for values beyond their level.
* :func:`audit_suppression` — the interval attack (LP) on published tables, for the
  public and each municipality.

See ``docs/privacy.md``.
"""

from sozialraum.privacy.audit import (
    AuditFinding,
    AuditResult,
    Protection,
    audit_suppression,
    municipal_knowledge,
)
from sozialraum.privacy.checker import CheckReport, check_release
from sozialraum.privacy.levels import (
    DEFAULT_PUBLIC,
    RELEASE_LEVELS,
    ReleasePolicy,
    frame_kind,
    release_frame,
)
from sozialraum.privacy.package import (
    ReleaseData,
    column_labels,
    package_frames,
    package_name,
    write_csv,
    write_packages,
)
from sozialraum.privacy.suppression import (
    PRIMARY,
    SECONDARY,
    SECRET_CODES,
    SuppressionResult,
    count_columns,
    protect_groups,
    public_status,
    rate_columns,
    round_counts,
    round_to_base,
    suppress,
    suppress_primary,
    suppress_rates,
)

__all__ = [
    "AuditFinding",
    "AuditResult",
    "DEFAULT_PUBLIC",
    "PRIMARY",
    "Protection",
    "RELEASE_LEVELS",
    "SECONDARY",
    "SECRET_CODES",
    "CheckReport",
    "ReleaseData",
    "ReleasePolicy",
    "SuppressionResult",
    "audit_suppression",
    "check_release",
    "column_labels",
    "count_columns",
    "frame_kind",
    "municipal_knowledge",
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
]
