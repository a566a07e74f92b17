"""Release levels (*Freigabestufen*) and the release policy: what each audience may see.

``oeffentlich`` (public)
    Keys, names, geometry, classes and (coarsened) indices of every area; values
    (counts, rates) at Kreis and Gemeinde level, suppressed; values at Sozialraum
    level only where the policy releases them (default: none).
``kommunal`` (one municipality, ``ags``)
    Full values of the municipality's own areas; Gemeinde totals and district-wide
    aggregates (as suppressed for this package); other municipalities' areas only
    with the public columns (indices/classes).
``intern`` (the district's own staff)
    Everything.

What a district releases per level and indicator is a :class:`ReleasePolicy`
(``[freigabe.oeffentlich]`` / ``[freigabe.kommunal]`` in ``monitor.toml``, see
``docs/privacy.md``). The only object outputs are made from is the
:class:`~sozialraum.privacy.release.Release` built by
:func:`~sozialraum.privacy.release.make_release`.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.status import PRIMARY, RELEASE_LEVELS, SECONDARY, check_level, secret_mask
from sozialraum.errors import ConfigError, InputError

__all__ = [
    "RELEASE_LEVELS",
    "DEFAULT_PUBLIC",
    "LevelRule",
    "ReleasePolicy",
    "release_frame",
    "frame_kind",
    "public_status",
    "blank_cells",
]

#: Column-name patterns (``fnmatch``) that are public at every level.
DEFAULT_PUBLIC: tuple[str, ...] = (
    "prog_veraenderung_*",  # projected change and shares: model estimates, small ones withheld
    "prog_anteil_*",
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
    # Förderkulisse: membership and a reason without numbers (sozialraum.pipeline.planung)
    "prio_kulisse",
    "prio_pruefen",
    "prio_hinweis",
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

#: Frame kinds of a release and the policy key that governs each.
KINDS: tuple[str, ...] = ("areas", "gemeinden", "kreis")

_MSG = {
    "bad_level": {
        "de": "Unbekannte Freigabestufe {level!r}; möglich sind: oeffentlich, kommunal, intern.",
        "en": "unknown release level {level!r}; use one of: oeffentlich, kommunal, intern.",
    },
    "need_ags": {
        "de": "Für die Freigabestufe 'kommunal' muss der Gemeindeschlüssel (ags) angegeben werden.",
        "en": "the release level 'kommunal' needs the municipality key (ags).",
    },
    "unknown_id": {
        "de": "[freigabe.{level}] {key}: {id!r} ist weder eine Variable noch ein Indikator des "
        "Katalogs{hint}. Bitte die Kennung aus katalog.toml verwenden (oder '*' für alle).",
        "en": "[freigabe.{level}] {key}: {id!r} is neither a variable nor an indicator of the "
        "catalogue{hint}. Use an id from the catalogue (or '*' for all).",
    },
    "hint": {"de": " – meinten Sie {alt!r}?", "en": " – did you mean {alt!r}?"},
}


@dataclass(frozen=True)
class LevelRule:
    """Which value columns (counts, rates) one release level shows, per frame.

    Every entry is a variable or indicator id of the catalogue or an ``fnmatch``
    pattern (``"*"`` = all values). Keys, names, geometry, classes and indices
    (:data:`DEFAULT_PUBLIC`) are shown at every level anyway.

    Attributes
    ----------
    kreis
        Values of the district total.
    gemeinden
        Values of the municipalities' totals.
    sozialraeume
        Values of planning areas (for ``kommunal``: of *other* municipalities' areas).
    eigene
        ``kommunal`` only: values of the municipality's own areas.
    """

    kreis: tuple[str, ...] = ("*",)
    gemeinden: tuple[str, ...] = ("*",)
    sozialraeume: tuple[str, ...] = ()
    eigene: tuple[str, ...] = ("*",)

    def patterns(self, kind: str, *, own: bool = False) -> tuple[str, ...]:
        """The value patterns of frame ``kind`` (``areas`` own/other, ``gemeinden``, ``kreis``)."""
        if kind == "areas":
            return self.eigene if own else self.sozialraeume
        return self.gemeinden if kind == "gemeinden" else self.kreis

    @classmethod
    def from_mapping(cls, m: Mapping | None) -> LevelRule:
        """From a config table ``{"kreis": [...], "gemeinden": [...], ...}`` (missing: default)."""
        m = dict(m or {})
        kw = {
            k: tuple(str(x) for x in m[k])
            for k in ("kreis", "gemeinden", "sozialraeume", "eigene")
            if k in m
        }
        return cls(**kw)


def _base(column: object) -> str:
    name = str(column)
    return name[: -len("_status")] if name.endswith("_status") else name


@functools.lru_cache(maxsize=1 << 14)
def _match(name: str, patterns: tuple[str, ...]) -> bool:
    """Whether ``name`` matches one of ``patterns`` (remembered: every release asks per column)."""
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


@dataclass(frozen=True)
class ReleasePolicy:
    """What each release level shows (set by the district in ``[freigabe.*]``).

    Attributes
    ----------
    public
        ``fnmatch`` patterns of columns shown at every level (indices, classes, keys…).
    allowed
        Further area columns (counts or rates) released for ``oeffentlich`` at
        Sozialraum level (kept for compatibility; same as ``oeffentlich.sozialraeume``).
    extra
        Additional public patterns (added to ``public``), e.g. a project's own names.
    threshold
        Largest count suppressed primarily (used by the packages and the checker).
    oeffentlich, kommunal
        Values shown per frame at these levels (:class:`LevelRule`). Default: the
        public sees values at Kreis and Gemeinde level (suppressed) and classes and
        indices only at Sozialraum level; a municipality sees its own areas' values.
    index_decimals
        Decimals of index values outside ``intern`` (coarsened so that they cannot be
        inverted to the rates they are built from).
    min_indicators
        A dimension index is withheld outside ``intern`` when its dimension has fewer
        indicators (with one indicator the index *is* the standardised rate).
    """

    public: tuple[str, ...] = DEFAULT_PUBLIC
    allowed: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    threshold: int = 2
    oeffentlich: LevelRule = field(default_factory=LevelRule)
    kommunal: LevelRule = field(default_factory=LevelRule)
    index_decimals: int = 1
    min_indicators: int = 2

    def is_public(self, column: object) -> bool:
        """Whether ``column`` matches a public pattern (not counting released values)."""
        return _match(_base(column), (*self.public, *self.extra))

    def is_allowed(self, column: object) -> bool:
        """Public, or explicitly allowed for ``oeffentlich`` at Sozialraum level."""
        return self.is_public(column) or self.releases(column, "oeffentlich", "areas")

    def rule(self, level: str) -> LevelRule:
        """The :class:`LevelRule` of ``oeffentlich`` or ``kommunal``."""
        return self.kommunal if level == "kommunal" else self.oeffentlich

    def releases(self, column: object, level: str, kind: str, *, own: bool = False) -> bool:
        """Whether ``level`` shows the values of ``column`` in frame ``kind``.

        ``own`` marks the municipality's own areas (``kommunal``). Public columns
        (:meth:`is_public`) are always shown; ``intern`` shows everything.
        """
        if level == "intern" or self.is_public(column):
            return True
        name = _base(column)
        if name.endswith("_sicherheit"):  # an indicator's class certainty follows its values
            name = name[: -len("_sicherheit")]
        pats = self.rule(level).patterns(kind, own=own)
        if level == "oeffentlich" and kind == "areas":
            pats = (*pats, *self.allowed)
        return _match(name, pats)

    def columns(self, columns, level: str = "oeffentlich", kind: str = "areas") -> list[str]:
        """The columns of ``columns`` a level may show for *other* areas (or the totals)."""
        cols = [str(c) for c in columns]
        if level == "intern":
            return cols
        return [c for c in cols if self.releases(c, level, kind)]

    def validate(self, catalogue, *, lang: str | None = None) -> ReleasePolicy:
        """Raise :class:`ConfigError` for ids that the catalogue does not know.

        Patterns with wildcards are not checked. The message names the key
        (``[freigabe.oeffentlich] gemeinden``) and suggests the closest id.
        """
        known: list[str] = []
        for attr in ("variables", "indicators"):
            fr = getattr(catalogue, attr, None)
            if fr is not None:
                known += [str(i) for i in fr.index]
        if not known:
            return self
        for level in ("oeffentlich", "kommunal"):
            rule = self.rule(level)
            for key in ("kreis", "gemeinden", "sozialraeume", "eigene"):
                for entry in getattr(rule, key):
                    if any(ch in entry for ch in "*?[") or entry in known:
                        continue
                    alt = difflib.get_close_matches(entry, known, n=1)
                    hint = t(_MSG, "hint", lang, alt=alt[0]) if alt else ""
                    raise ConfigError(
                        t(_MSG, "unknown_id", lang, level=level, key=key, id=entry, hint=hint),
                        column=f"freigabe.{level}.{key}",
                    )
        return self

    @classmethod
    def from_config(cls, freigabe: Mapping | None, *, threshold: int = 2) -> ReleasePolicy:
        """From the ``[freigabe]`` table of ``monitor.toml`` (``oeffentlich``/``kommunal`` sub-tables)."""
        f = dict(freigabe or {})
        kw = {}
        for level in ("oeffentlich", "kommunal"):
            if isinstance(f.get(level), Mapping):
                kw[level] = LevelRule.from_mapping(f[level])
        if "index_nachkommastellen" in f:
            kw["index_decimals"] = int(f["index_nachkommastellen"])
        if "mindest_indikatoren" in f:
            kw["min_indicators"] = int(f["mindest_indikatoren"])
        return cls(threshold=threshold, **kw)


def public_status(status: pd.DataFrame) -> pd.DataFrame:
    """Status for publication: ``geheim_primaer``/``geheim_sekundaer``/``teilsumme_geheim`` → ``geheim``.

    The difference would tell a reader which cells are small; a partial sum with a
    secret part is withheld outside ``intern`` like any secret cell.
    """
    out = status.astype("string")  # a copy: changed below column by column
    arr = out.to_numpy(dtype=object, na_value="")
    hit = (arr == PRIMARY) | (arr == SECONDARY) | (arr == "teilsumme_geheim")
    for j in np.flatnonzero(hit.any(axis=0)):  # only the columns that hold such a code
        col = out.iloc[:, j].to_numpy(dtype=object, na_value=pd.NA).copy()
        col[hit[:, j]] = "geheim"
        out.isetitem(int(j), pd.array(col, dtype="string"))
    return out


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


def blank_cells(
    out: pd.DataFrame, rows: Mapping[str, np.ndarray], *, objects: bool = False
) -> pd.DataFrame:
    """``out`` with ``out[col]`` missing where ``rows[col]``, for every column of ``rows``.

    Numbers become float with NaN, other columns objects with ``None`` (with
    ``objects``: every changed column objects with ``None``, as ``astype(object)``
    gives them). All numbers are masked as one array and the changed columns put
    back in one concatenation (keeping the frame's type and CRS): a wide frame took
    longer to set column by column than to mask.
    """
    hit = [c for c, hide in rows.items() if hide.any()]
    if not hit:
        return out
    if out.columns.has_duplicates:  # a column name must name one column to be blanked
        dups = sorted({str(c) for c in out.columns[out.columns.duplicated()]})
        raise ValueError(f"repeated column names {dups}: a column to blank must be named once")
    sub = pd.DataFrame(out[hit])
    num = [
        c
        for c, dt in sub.dtypes.items()
        if not objects and pd.api.types.is_numeric_dtype(dt) and not pd.api.types.is_bool_dtype(dt)
    ]
    parts = []
    if num:
        vals = sub[num].to_numpy(dtype=float, na_value=np.nan, copy=True)
        vals[np.column_stack([rows[c] for c in num])] = np.nan
        parts.append(pd.DataFrame(vals, index=out.index, columns=num))
    other = {}
    for c in (c for c in hit if c not in set(num)):
        vals = sub[c].to_numpy(dtype=object, copy=True)
        vals[rows[c]] = None
        other[c] = pd.Series(vals, index=out.index, dtype=object)
    if other:
        parts.append(pd.DataFrame(other, index=out.index))
    kept = out.drop(columns=hit)
    return pd.concat([kept, *parts], axis=1)[list(out.columns)]


def _mask_secret(frame: pd.DataFrame, status: pd.DataFrame | None) -> pd.DataFrame:
    """Blank every cell whose status is secret (:func:`sozialraum.core.status.secret_mask`)."""
    out = frame.copy()
    if status is None:
        return out
    cols = [c for c in status.columns if c in out.columns and c != "geometry"]
    if not cols:
        return out
    secret = secret_mask(status[cols].reindex(out.index)).to_numpy(dtype=bool)  # all at once
    return blank_cells(out, {col: secret[:, j] for j, col in enumerate(cols)})


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
        What each level shows (default :class:`ReleasePolicy`).
    kind
        ``areas``, ``gemeinden`` or ``kreis``; guessed by :func:`frame_kind` if omitted.

    Returns
    -------
    (frame, status)
        Copies. For published levels the status shows ``geheim`` instead of
        ``geheim_primaer``/``geheim_sekundaer``; cells withheld by the policy
        (``kommunal``: other municipalities' values) get ``geheim`` too.
    """
    if level not in RELEASE_LEVELS:
        raise InputError(t(_MSG, "bad_level", lang, level=level))
    check_level(level, lang)
    policy = policy or ReleasePolicy()
    if level == "intern":
        return frame.copy(), None if status is None else status.copy()
    if level == "kommunal" and ags is None:
        raise InputError(t(_MSG, "need_ags", lang))
    kind = kind or frame_kind(frame, ags=ags, area_ags_col=area_ags_col)
    if level == "kommunal" and kind == "areas":
        own = (frame[area_ags_col].astype(str) == str(ags)).to_numpy()
    else:
        own = np.zeros(len(frame), dtype=bool)
    show_own = {c: policy.releases(c, level, kind, own=True) for c in frame.columns}
    show_other = {c: policy.releases(c, level, kind, own=False) for c in frame.columns}
    keep = [c for c in frame.columns if (show_own[c] and own.any()) or show_other[c]]
    out = _mask_secret(frame[keep], status)
    st = None
    if status is not None:
        st = public_status(status[[c for c in status.columns if c in keep]])
    hidden: dict[str, np.ndarray] = {}
    for c in keep:
        if c == "geometry":
            continue
        hide = np.where(own, not show_own[c], not show_other[c])
        if hide.any():
            hidden[c] = hide
    out = blank_cells(out, hidden)
    if st is not None and hidden:
        st = _mark_withheld(st, hidden)
    return out, st


def _mark_withheld(st: pd.DataFrame, hidden: dict[str, np.ndarray]) -> pd.DataFrame:
    """Status ``geheim`` in the rows ``hidden[col]`` of every column (added where missing)."""
    new = [c for c in hidden if c not in st.columns]
    if new:
        blank = pd.DataFrame(pd.NA, index=st.index, columns=new, dtype="string")
        st = pd.concat([st, blank], axis=1)
    cols = list(hidden)
    codes = st[cols].to_numpy(dtype=object)
    codes[np.column_stack([hidden[c] for c in cols])] = "geheim"
    st[cols] = pd.DataFrame(codes, index=st.index, columns=cols).astype("string")
    return st
