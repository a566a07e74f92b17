"""The checked release: the one object every output beyond ``intern`` is made from.

:func:`make_release` is the privacy step. It suppresses small counts
(:func:`~sozialraum.privacy.suppress`, or rounding), cuts each frame to what the
level's :class:`~sozialraum.privacy.ReleasePolicy` shows, and makes derived values
follow the values they derive from:

* indices are coarsened (``policy.index_decimals``) and withheld for an area where
  one of their input rates is withheld there, and everywhere when their dimension
  has fewer than ``policy.min_indicators`` indicators (a one-indicator index *is*
  the standardised rate);
* LISA/Gi* keep only their categories (code, class, colour): standardised values,
  spatial lags, z- and p-values would give back the neighbours' withheld rates;
* stored ranks are dropped (reports rank among the values the reader may see).

The result is a frozen :class:`Release`. It cannot be built anywhere else: its
constructor refuses a seal that :func:`make_release` did not issue for exactly
this call, so a release package, a public report, profile or web map cannot be
made from unchecked data by mistake (``dataclasses.replace`` is refused too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.status import check_level, secret_mask
from sozialraum.errors import InputError
from sozialraum.privacy.levels import KINDS, ReleasePolicy, release_frame
from sozialraum.privacy.suppression import (
    SuppressionResult,
    count_columns,
    round_counts,
    suppress,
)

__all__ = [
    "Release",
    "make_release",
    "index_inputs",
    "derived_columns",
    "is_class_certainty",
    "indicator_of_certainty",
]

_MSG = {
    "sealed": {
        "de": "Ein Release entsteht nur in privacy.make_release (dem Schritt der Geheimhaltung); "
        "öffentliche und kommunale Ausgaben lassen sich nicht aus ungeprüften Daten bauen.",
        "en": "a Release is made only by privacy.make_release (the privacy step); public and "
        "municipal outputs cannot be built from unchecked data.",
    },
    "bad_method": {
        "de": "Unbekanntes Verfahren der Geheimhaltung {m!r}; möglich sind: sperrung, rundung.",
        "en": "unknown disclosure control method {m!r}; use: sperrung, rundung.",
    },
    "need_ags": {
        "de": "Für die Freigabestufe 'kommunal' muss der Gemeindeschlüssel (ags) angegeben werden.",
        "en": "the release level 'kommunal' needs the municipality key (ags).",
    },
    "unknown_ags": {
        "de": "Gemeinde {ags!r} hat keine Sozialräume; ein kommunales Release gibt es nur für "
        "vorhandene Gemeinden.",
        "en": "municipality {ags!r} has no areas; municipal releases exist only for existing ones.",
    },
}

#: LISA/Gi* columns that stay outside ``intern`` (categories only).
_SPATIAL = re.compile(r"(?:^|_)(?:lisa|gi)_")
_SPATIAL_KEEP = re.compile(r"(?:^|_)(?:lisa|gi)_(?:cat|code|color|class)(?:_|$)")
_RANK = re.compile(r"^rang|_rang$")
#: certainty of a public class (monitor.certainty): a probability, no index value
_CLASS_CERTAINTY = re.compile(r"^(?:status|dynamik|idx_gesamt)_sicherheit$")
#: probability of every class: mostly 0 or 1, so together with a municipality's own areas
#: it can single out withheld zeros by regression; internal only (as the index intervals)
_CLASS_PROBABILITY = re.compile(r"^(?:status|dynamik|idx_gesamt)_p_\w+$")


class _Seal:
    __slots__ = ()


_ISSUED: set[_Seal] = set()


def _issue() -> _Seal:
    seal = _Seal()
    _ISSUED.add(seal)
    return seal


def package_name(level: str, ags: str | None = None) -> str:
    """Folder name of a package: ``oeffentlich``, ``kommunal-<AGS>``, ``intern``."""
    return f"kommunal-{ags}" if level == "kommunal" else level


@dataclass(frozen=True)
class Release:
    """What one audience may see, after suppression and the release policy.

    Made only by :func:`make_release`. Frames are handed out as copies.

    Attributes
    ----------
    level
        ``oeffentlich``, ``kommunal`` or ``intern``.
    ags
        Municipality key of a ``kommunal`` release, else ``None``.
    policy
        The :class:`~sozialraum.privacy.ReleasePolicy` applied.
    catalogue
        The indicator catalogue (labels, units).
    suppression
        Summary of the suppression (method, threshold, numbers of cells suppressed).
    withheld
        Derived column → number of cells withheld by the derived-value rules.
    name
        Stem of file names (e.g. ``"musterland"``).
    area_ags_col
        Column of the areas with the municipality key.
    """

    level: str
    ags: str | None
    policy: ReleasePolicy
    catalogue: object
    suppression: Mapping[str, object]
    withheld: Mapping[str, int]
    name: str
    area_ags_col: str
    _frames: Mapping[str, tuple[pd.DataFrame, pd.DataFrame | None]] = field(repr=False)
    _seal: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        seal = self._seal
        if not isinstance(seal, _Seal) or seal not in _ISSUED:
            raise TypeError(t(_MSG, "sealed", None))
        _ISSUED.discard(seal)

    def frame(self, kind: str) -> pd.DataFrame:
        """A copy of the frame ``areas``, ``gemeinden`` or ``kreis``."""
        return self._frames[kind][0].copy()

    def status(self, kind: str) -> pd.DataFrame | None:
        """A copy of the status frame of ``kind`` (``None`` if there is none)."""
        st = self._frames[kind][1]
        return None if st is None else st.copy()

    @property
    def frames(self) -> dict[str, tuple[pd.DataFrame, pd.DataFrame | None]]:
        """``areas``/``gemeinden``/``kreis`` → (frame, status), copies."""
        return {k: (self.frame(k), self.status(k)) for k in KINDS}

    @property
    def package(self) -> str:
        """Folder name of the package: ``oeffentlich``, ``kommunal-<AGS>``, ``intern``."""
        return package_name(self.level, self.ags)

    def own_areas(self) -> list[str]:
        """Keys of the municipality's own areas (``kommunal``), else all area keys."""
        a = self._frames["areas"][0]
        if self.level != "kommunal" or self.area_ags_col not in a.columns:
            return [str(k) for k in a.index]
        return [str(k) for k in a.index[a[self.area_ags_col].astype(str) == str(self.ags)]]


def index_inputs(catalogue, monitor_params: Mapping | None = None) -> dict[str, tuple[str, ...]]:
    """Index column → the indicator ids it is computed from.

    From the monitor's parameters where given (``MonitorResult.params``), else from
    the catalogue's dimensions: ``idx_<dimension>`` ← its indicators; ``idx_gesamt``,
    ``idx_pca``, ``status_index`` and ``dynamik_index`` ← all indicators with a dimension
    (the monitor's status indicators where known).
    """
    from sozialraum.core.text import slugify

    dims: dict[str, list[str]] = {}
    mp = dict(monitor_params or {})
    given = (mp.get("index") or {}).get("indicators")
    if isinstance(given, Mapping) and given:
        dims = {str(d): [str(i) for i in v] for d, v in given.items()}
    else:
        ind = getattr(catalogue, "indicators", catalogue)
        if ind is not None and "dimension" in getattr(ind, "columns", []):
            for iid, d in ind["dimension"].items():
                if isinstance(d, str) and d.strip():
                    dims.setdefault(slugify(d), []).append(str(iid))
    out = {f"idx_{d}": tuple(v) for d, v in dims.items()}
    every = tuple(i for v in dims.values() for i in v)
    status = tuple(mp.get("status_indicators") or every)
    out.update(idx_gesamt=every, idx_pca=every, status_index=status, dynamik_index=status)
    return out


def is_class_certainty(column: str) -> bool:
    """Whether ``column`` is the certainty of a public class (``status_sicherheit``).

    These are probabilities (0–1) from the counts' sampling noise; they follow their class
    and are shown wherever the class is (texts print them in percent).
    """
    return bool(_CLASS_CERTAINTY.match(str(column)))


def indicator_of_certainty(column: str, indicators) -> str | None:
    """The indicator whose class certainty ``column`` is (``sgb2_quote_sicherheit`` →
    ``sgb2_quote``), if it is one of ``indicators`` (catalogue ids); else ``None``.

    Unlike a public class's certainty (:func:`is_class_certainty`), an indicator's class
    certainty depends on its count and denominator (a narrow posterior means a large
    denominator): it is shown only where the indicator's value and denominator are shown.
    """
    c = str(column)
    if not c.endswith("_sicherheit") or is_class_certainty(c):
        return None
    base = c[: -len("_sicherheit")]
    return base if base in {str(x) for x in indicators} else None


def _denominators(catalogue) -> dict[str, str | None]:
    """Indicator id → its denominator variable (``None``: none) from the catalogue."""
    ind = getattr(catalogue, "indicators", catalogue)
    if ind is None or not hasattr(ind, "index"):
        return {}
    den = ind["denominator"] if "denominator" in getattr(ind, "columns", []) else None
    out = {}
    for i in ind.index:
        d = None if den is None else den.get(i)
        out[str(i)] = str(d) if isinstance(d, str) and d.strip() else None
    return out


def _follow_values(out: pd.DataFrame, denominators: Mapping[str, str | None]) -> pd.DataFrame:
    """An indicator's class certainty only where its value and its denominator are shown.

    The certainty of a class narrows with the denominator, so next to the rate it hints
    at the size of the count; it is blanked where the rate or the denominator is not
    shown, and dropped with them.
    """
    for c in [str(x) for x in out.columns]:
        base = indicator_of_certainty(c, denominators)
        if base is None:
            continue
        need = [base] + ([denominators[base]] if denominators[base] else [])
        if any(n not in out.columns for n in need):
            out = out.drop(columns=[c])  # not shown at this level
            continue
        shown = np.ones(len(out), dtype=bool)
        for n in need:
            shown &= pd.to_numeric(out[n], errors="coerce").notna().to_numpy()
        vals = pd.to_numeric(out[c], errors="coerce").astype(float).to_numpy().copy()
        vals[~shown] = np.nan
        out[c] = vals
    return out


def derived_columns(columns) -> dict[str, list[str]]:
    """Sort columns by derived-value rule: ``index``, ``spatial_drop``, ``rank``,
    ``class_probability`` (every class's probability and the index intervals of the
    certainty bootstrap: internal only)."""
    out: dict[str, list[str]] = {
        "index": [],
        "spatial_drop": [],
        "rank": [],
        "class_probability": [],
    }
    for c in map(str, columns):
        if _CLASS_CERTAINTY.match(c):
            continue
        if _CLASS_PROBABILITY.match(c) or _is_interval(c):
            out["class_probability"].append(c)
            continue
        if (c.startswith("idx_") and not c.endswith("_klasse")) or _index_base(c) in (
            "status_index",
            "dynamik_index",
        ):
            out["index"].append(c)
        elif _SPATIAL.search(c) and not _SPATIAL_KEEP.search(c):
            out["spatial_drop"].append(c)
        elif _RANK.search(c):
            out["rank"].append(c)
    return out


def _is_interval(col: str) -> bool:
    """An interval bound of an index (``idx_gesamt_lo``, ``status_index_hi``): internal only.

    Together with the index and a municipality's own areas, the bounds gave a regression
    enough to recover withheld rates (they depend on the counts themselves)."""
    base = _index_base(col)
    return base != col and (base.startswith("idx_") or base in ("status_index", "dynamik_index"))


def _index_base(col: str) -> str:
    """The index an interval bound belongs to (``idx_gesamt_lo`` → ``idx_gesamt``)."""
    return col[:-3] if col.endswith(("_lo", "_hi")) else col


def _suppressed(
    data, level: str, ags: str | None, policy: ReleasePolicy, method: str, base: int, lang
) -> SuppressionResult:
    """Suppress (or round) every count over areas, municipalities and district for one level."""
    counts = count_columns(data.areas, data.catalogue)
    common = dict(
        gemeinden=data.gemeinden,
        gemeinden_status=data.gemeinden_status,
        kreis=data.kreis,
        kreis_status=data.kreis_status,
        catalogue=data.catalogue,
        area_ags_col=data.area_ags_col,
        lang=lang,
    )
    if method == "rundung":
        sup = round_counts(data.areas, data.areas_status, columns=counts, base=base, **common)
        if level != "kommunal":
            return sup
        # own areas and own total in full
        own = (data.areas[data.area_ags_col].astype(str) == str(ags)).to_numpy()
        fa = sup.frames["areas"].copy()
        fa.loc[own, :] = data.areas.loc[own, fa.columns]
        fg = sup.frames["gemeinden"].copy()
        own_g = fg.index.astype(str) == str(ags)
        gem_int = data.gemeinden.set_axis(data.gemeinden.index.astype(str))
        fg.loc[own_g, :] = gem_int.loc[[str(ags)], fg.columns].to_numpy()
        return SuppressionResult(
            {**sup.frames, "areas": fa, "gemeinden": fg}, sup.status, sup.params
        )
    return suppress(
        data.areas,
        data.areas_status,
        columns=counts,
        threshold=policy.threshold,
        municipality=ags if level == "kommunal" else None,
        **common,
    )


def _withhold(out: pd.DataFrame, st: pd.DataFrame | None, col: str, rows: np.ndarray) -> int:
    vals = pd.to_numeric(out[col], errors="coerce").astype(float).to_numpy().copy()
    hit = rows & ~np.isnan(vals)
    vals[rows] = np.nan
    out[col] = vals
    if st is not None:
        if col not in st.columns:
            st[col] = pd.Series(pd.NA, index=st.index, dtype="string")
        st.loc[hit, col] = "geheim"
    return int(hit.sum())


def _derive(
    frame: pd.DataFrame,
    status: pd.DataFrame | None,
    inputs_status: pd.DataFrame | None,
    policy: ReleasePolicy,
    inputs: Mapping[str, tuple[str, ...]],
    withheld: dict[str, int],
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Apply the derived-value rules to one released frame (outside ``intern``)."""
    groups = derived_columns(frame.columns)
    drop = groups["spatial_drop"] + groups["rank"] + groups["class_probability"]
    out = frame.drop(columns=drop)
    st = None if status is None else status.drop(columns=[c for c in drop if c in status.columns])
    for col in groups["index"]:
        if not pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col]):
            continue
        # an interval bound is withheld with its index (it would give the value away)
        ins = inputs.get(col, inputs.get(_index_base(col)))
        rows = np.zeros(len(out), dtype=bool)
        if ins is not None and col.startswith("idx_") and len(ins) < policy.min_indicators:
            rows[:] = True
        elif ins and inputs_status is not None:
            have = [i for i in ins if i in inputs_status.columns]
            if have:
                sec = secret_mask(inputs_status[have].reindex(out.index))
                rows |= sec.any(axis=1).to_numpy(dtype=bool)
        n = _withhold(out, st, col, rows)
        if n:
            withheld[col] = withheld.get(col, 0) + n
        out[col] = (
            pd.to_numeric(out[col], errors="coerce").astype(float).round(policy.index_decimals)
        )
    return out, st


def make_release(
    data,
    level: str,
    ags: str | None = None,
    *,
    policy: ReleasePolicy | None = None,
    method: str = "sperrung",
    base: int = 3,
    monitor_params: Mapping | None = None,
    lang: str | None = None,
) -> Release:
    """The privacy step: suppress, apply the policy and the derived-value rules.

    Parameters
    ----------
    data
        The internal results (:class:`~sozialraum.privacy.ReleaseData`).
    level
        ``oeffentlich``, ``kommunal`` or ``intern``.
    ags
        Municipality key (``kommunal`` only).
    policy
        What each level shows (default :class:`~sozialraum.privacy.ReleasePolicy`);
        ids unknown to the catalogue raise :class:`~sozialraum.errors.ConfigError`.
    method
        ``sperrung`` (primary + secondary suppression) or ``rundung`` (counts rounded
        to multiples of ``base``).
    monitor_params
        ``MonitorResult.params``: which indicators each index is built from (else
        ``data.index_inputs`` or the catalogue's dimensions).

    Returns
    -------
    Release
    """
    check_level(level, lang)
    policy = (policy or ReleasePolicy()).validate(data.catalogue, lang=lang)
    if method not in ("sperrung", "rundung"):
        raise InputError(t(_MSG, "bad_method", lang, m=method))
    if level == "kommunal":
        if ags is None:
            raise InputError(t(_MSG, "need_ags", lang))
        ags = str(ags)
        if ags not in data.municipalities():
            raise InputError(t(_MSG, "unknown_ags", lang, ags=ags), ids=[ags])
    else:
        ags = None
    frames: dict[str, tuple[pd.DataFrame, pd.DataFrame | None]] = {}
    withheld: dict[str, int] = {}
    if level == "intern":
        frames = {k: release_frame(f, s, "intern") for k, (f, s) in data.frames().items()}
        summary: dict[str, object] = {"method": "keine", "level": "intern"}
    else:
        sup = _suppressed(data, level, ags, policy, method, base, lang)
        inputs = dict(getattr(data, "index_inputs", None) or {}) or index_inputs(
            data.catalogue, monitor_params
        )
        for kind in KINDS:
            f, s = release_frame(
                sup.frames[kind],
                sup.status[kind],
                level,
                ags=ags,
                area_ags_col=data.area_ags_col,
                policy=policy,
                kind=kind,
                lang=lang,
            )
            f, s = _derive(f, s, sup.status[kind], policy, inputs, withheld)
            frames[kind] = (_follow_values(f, _denominators(data.catalogue)), s)
        summary = dict(sup.params)
    return Release(
        level=level,
        ags=ags,
        policy=policy,
        catalogue=data.catalogue,
        suppression=MappingProxyType(summary),
        withheld=MappingProxyType(withheld),
        name=data.name,
        area_ags_col=data.area_ags_col,
        _frames=MappingProxyType(frames),
        _seal=_issue(),
    )
