"""Release levels (*Freigabestufen*): what each audience may see.

``oeffentlich`` (public)
    Indices, classes, ranks and types only (the columns of :class:`ReleasePolicy`),
    plus keys, names and geometry. Counts and rates only where the policy explicitly
    allows them, and then with suppression applied (cells with a secret status are
    blanked).
``kommunal`` (one municipality, ``ags``)
    Full values of the municipality's own areas; Gemeinde totals and district-wide
    aggregates (as suppressed for this package); other municipalities' areas only
    with the public columns (indices/classes).
``intern`` (the district's own staff)
    Everything.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import InputError
from sozialraum.privacy.suppression import _is_secret, public_status

__all__ = ["RELEASE_LEVELS", "DEFAULT_PUBLIC", "ReleasePolicy", "release_frame", "frame_kind"]

RELEASE_LEVELS = ("oeffentlich", "kommunal", "intern")

#: Column-name patterns (``fnmatch``) that are public at every level.
DEFAULT_PUBLIC: tuple[str, ...] = (
    "idx_*",
    "*_klasse",
    "klasse_*",
    "status_*",
    "dynamik_*",
    "mss_*",
    "typ*",
    "lisa_cat*",
    "lisa_color*",
    "lisa_code*",
    "gi_cat*",
    "gi_class*",
    "gi_color*",
    "gi_code*",
    "grund",
    "rang*",
    "*_rang",
    "bewertet",
    # keys, names, geometry
    "key",
    "schluessel",
    "sr_id",
    "sr_name",
    "name",
    "geometry",
    "ags",
    "ars",
    "gemeinde",
    "kreis",
    "n_gebiete",
)

_MSG = {
    "bad_level": {
        "de": "Unbekannte Freigabestufe {level!r}; möglich sind: oeffentlich, kommunal, intern.",
        "en": "unknown release level {level!r}; use one of: oeffentlich, kommunal, intern.",
    },
    "need_ags": {
        "de": "Für die Freigabestufe 'kommunal' muss der Gemeindeschlüssel (ags) angegeben werden.",
        "en": "the release level 'kommunal' needs the municipality key (ags).",
    },
}


@dataclass(frozen=True)
class ReleasePolicy:
    """Which columns are public.

    Attributes
    ----------
    public
        ``fnmatch`` patterns of columns shown at every level (indices, classes, keys…).
    allowed
        Further columns (counts or rates) explicitly released for ``oeffentlich``;
        published with suppression applied.
    extra
        Additional public patterns (added to ``public``), e.g. a project's own names.
    threshold
        Largest count suppressed primarily (used by the packages and the checker).
    """

    public: tuple[str, ...] = DEFAULT_PUBLIC
    allowed: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    threshold: int = 2

    def is_public(self, column: object) -> bool:
        """Whether ``column`` matches a public pattern (not counting ``allowed``)."""
        name = str(column)
        if name.endswith("_status"):
            name = name[: -len("_status")]
        return any(fnmatch.fnmatchcase(name, p) for p in (*self.public, *self.extra))

    def is_allowed(self, column: object) -> bool:
        """Public, or explicitly allowed for ``oeffentlich``."""
        name = str(column)
        if name.endswith("_status"):
            name = name[: -len("_status")]
        return self.is_public(name) or name in self.allowed

    def columns(self, columns, level: str = "oeffentlich") -> list[str]:
        """The columns of ``columns`` a level may show for *other* areas.

        ``oeffentlich``: public and allowed columns; ``kommunal``: public columns
        (the own areas show everything); ``intern``: all.
        """
        cols = [str(c) for c in columns]
        if level == "intern":
            return cols
        if level == "kommunal":
            return [c for c in cols if self.is_public(c)]
        return [c for c in cols if self.is_allowed(c)]


def frame_kind(frame: pd.DataFrame, *, ags: str | None = None, area_ags_col: str = "ags") -> str:
    """Guess the level of a frame: ``areas`` (has the Gemeinde column), ``gemeinden`` or ``kreis``."""
    if area_ags_col in frame.columns and frame.index.name != area_ags_col:
        return "areas"
    idx = frame.index.astype(str)
    if (
        len(frame) > 1
        or (ags is not None and str(ags) in set(idx))
        or frame.index.name == area_ags_col
    ):
        return "gemeinden"
    return "kreis"


def _mask_secret(frame: pd.DataFrame, status: pd.DataFrame | None) -> pd.DataFrame:
    out = frame.copy()
    if status is None:
        return out
    for col in status.columns:
        if col not in out.columns or col == "geometry":
            continue
        sec = _is_secret(status[col].reindex(out.index))
        if sec.any() and pd.api.types.is_numeric_dtype(out[col]):
            vals = out[col].astype(float).to_numpy().copy()
            vals[sec] = np.nan
            out[col] = vals
    return out


def release_frame(
    frame: pd.DataFrame,
    status: pd.DataFrame | None,
    level: str,
    *,
    ags: str | None = None,
    area_ags_col: str = "ags",
    policy: ReleasePolicy | None = None,
    kind: str | None = None,
    lang: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Return only what ``level`` may show of ``frame`` (and the matching status).

    Parameters
    ----------
    frame, status
        Values (best: already suppressed by :func:`~sozialraum.privacy.suppress`, with
        ``municipality=ags`` for ``kommunal``) and their status frame. Cells with a
        secret status are blanked at ``oeffentlich`` and ``kommunal`` in any case.
    level
        ``oeffentlich``, ``kommunal`` or ``intern``.
    ags
        Municipality key (``kommunal`` only).
    area_ags_col
        Column of the areas with the Gemeinde key.
    policy
        Public columns (default :class:`ReleasePolicy`).
    kind
        ``areas``, ``gemeinden`` or ``kreis``; guessed by :func:`frame_kind` if omitted.

    Returns
    -------
    (frame, status)
        Copies. For published levels the status shows ``geheim`` instead of
        ``geheim_primaer``/``geheim_sekundaer``; other municipalities' withheld cells
        (``kommunal``) get ``geheim`` too.
    """
    if level not in RELEASE_LEVELS:
        raise InputError(t(_MSG, "bad_level", lang, level=level))
    policy = policy or ReleasePolicy()
    if level == "intern":
        return frame.copy(), None if status is None else status.copy()
    if level == "oeffentlich":
        keep = [c for c in frame.columns if policy.is_allowed(c)]
        out = _mask_secret(frame[keep], status)
        st = None
        if status is not None:
            st = public_status(status[[c for c in status.columns if c in keep]])
        return out, st
    # kommunal
    if ags is None:
        raise InputError(t(_MSG, "need_ags", lang))
    ags = str(ags)
    kind = kind or frame_kind(frame, ags=ags, area_ags_col=area_ags_col)
    out = _mask_secret(frame, status)
    st = None if status is None else public_status(status)
    if kind == "areas":
        own = (frame[area_ags_col].astype(str) == ags).to_numpy()
        foreign_cols = [c for c in out.columns if c != "geometry" and not policy.is_public(c)]
        for c in foreign_cols:
            if (~own).any():
                if pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
                    vals = out[c].astype(float).to_numpy().copy()
                    vals[~own] = np.nan
                    out[c] = vals
                else:
                    col = out[c].astype(object).copy()
                    col[~own] = None
                    out[c] = col
            if st is not None:
                if c not in st.columns:
                    st[c] = pd.Series(pd.NA, index=st.index, dtype="string")
                st.loc[~own, c] = "geheim"
    return out, st
