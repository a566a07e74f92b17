"""Life tables and the survival ratios a single-year cohort-component projection needs.

The default table is a **Gompertz–Makeham approximation** of the German
period life table ("Sterbetafel") 2020/22 of the Statistisches Bundesamt
(Destatis): the force of mortality at age ``x`` is

.. math:: \\mu(x) = A + B\\,e^{C (x + 0.5)}

with the death probability ``q_x = 1 - exp(-mu(x))`` for ``x = 1..100`` and
the infant death probability ``q_0`` set directly. Parameters
(see :data:`DEFAULT_PARAMETERS`):

===== ========= ============== ======= =======
sex   A         B              C       q_0
===== ========= ============== ======= =======
m     0.0002    2.69249e-05    0.0960  0.0034
w     0.0001    7.15990e-06    0.1080  0.0029
===== ========= ============== ======= =======

``C`` (the Gompertz slope) and ``A`` (age-independent background mortality)
were chosen by hand to approximate the Destatis ``q_x`` around ages 40–90
(e.g. m: q_60 ≈ 0.009, q_80 ≈ 0.06; w: q_60 ≈ 0.005, q_80 ≈ 0.042); ``B`` was
then solved (Brent's method) so that the table reproduces the **life
expectancy at birth of the Sterbetafel 2020/22: 78.33 years (m) and 83.18
years (w)**. ``q_0`` ≈ the infant mortality 2020/22 (3.4 ‰ boys, 2.9 ‰ girls).
It is an approximation for planning projections, not the official table;
pass the official ``q_x`` (Destatis table 12621-0001) via
:func:`life_table_from_frame` where precision at single ages matters.

Survival ratios
---------------
With ``l_0 = 1``, ``l_{x+1} = l_x (1 - q_x)``, person-years
``L_x = (l_x + l_{x+1}) / 2`` (deaths spread evenly over the year) for
``x < 100`` and ``T_100 = l_100 / mu_100`` for the open class (constant force
``mu_100 = -ln(1 - q_100)``):

* age ``x`` → ``x + 1`` (``x = 0..98``): ``S_x = L_{x+1} / L_x``
* ages 99 and 100+ → 100+: ``S_99 = T_100 / (L_99 + T_100)`` (used for both)
* births of the year → age 0 at the end of the year: ``S_b = L_0`` (radix 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.demography.population import MAX_AGE, N_AGES, SEXES
from sozialraum.errors import InputError

__all__ = [
    "DEFAULT_PARAMETERS",
    "LifeTable",
    "default_life_table",
    "gompertz_life_table",
    "life_table_from_frame",
]

#: Gompertz–Makeham parameters of the default table (see module docstring).
DEFAULT_PARAMETERS: dict[str, dict[str, float]] = {
    "m": {"A": 0.0002, "B": 2.6924867e-05, "C": 0.0960, "q0": 0.0034},
    "w": {"A": 0.0001, "B": 7.1599016e-06, "C": 0.1080, "q0": 0.0029},
}

_MSG = {
    "bad_q": {
        "de": "Sterbetafel: Sterbewahrscheinlichkeiten q_x müssen zwischen 0 und 1 liegen (Alter {ages}).",
        "en": "life table: death probabilities q_x must lie between 0 and 1 (ages {ages}).",
    },
    "missing_ages": {
        "de": "Sterbetafel: für Geschlecht {sex!r} fehlen die Alter {ages}. Benötigt werden alle Alter 0–100.",
        "en": "life table: ages {ages} missing for sex {sex!r}; all ages 0–100 are needed.",
    },
    "cols": {
        "de": "Sterbetafel: Spalten 'alter', 'geschlecht' und 'q' werden benötigt (vorhanden: {have}).",
        "en": "life table: columns 'alter', 'geschlecht' and 'q' are needed (present: {have}).",
    },
}


@dataclass(frozen=True)
class LifeTable:
    """Period life table by single year of age (0..100+) and sex.

    Attributes
    ----------
    q
        Death probabilities, shape ``(101, 2)`` (sex 0 = m, 1 = w); ``q[100]`` is the
        one-year probability in the open class 100+.
    source
        Where the table comes from (shown in reports).
    """

    q: np.ndarray
    source: str = ""

    @property
    def l(self) -> np.ndarray:  # noqa: E743 - demographic notation
        """Survivors ``l_x`` at exact age x of a radix of 1, shape ``(101, 2)``."""
        surv = np.cumprod(1.0 - self.q, axis=0)
        return np.vstack([np.ones((1, 2)), surv[:-1]])

    @property
    def person_years(self) -> tuple[np.ndarray, np.ndarray]:
        """``(L_x for x = 0..99, T_100)``; shapes ``(100, 2)`` and ``(2,)``."""
        lx = self.l
        lnext = lx * (1.0 - self.q)
        big_l = (lx[:-1] + lnext[:-1]) / 2.0
        q_open = np.clip(self.q[MAX_AGE], 1e-12, 1.0 - 1e-12)
        mu_open = -np.log1p(-q_open)
        return big_l, lx[MAX_AGE] / mu_open

    @property
    def life_expectancy(self) -> np.ndarray:
        """Life expectancy at birth ``e_0`` per sex, shape ``(2,)``."""
        big_l, t100 = self.person_years
        return big_l.sum(axis=0) + t100

    @property
    def survival(self) -> np.ndarray:
        """Survival ratios ``S``, shape ``(101, 2)``.

        ``S[x]`` for ``x = 0..98`` carries age ``x`` to ``x + 1``; ``S[99]`` and ``S[100]``
        (equal) carry ages 99 and 100+ into 100+ (see module docstring).
        """
        big_l, t100 = self.person_years
        s = np.empty((N_AGES, 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            s[: MAX_AGE - 1] = np.where(big_l[:-1] > 0, big_l[1:] / big_l[:-1], 0.0)
            s_open = np.where(big_l[-1] + t100 > 0, t100 / (big_l[-1] + t100), 0.0)
        s[MAX_AGE - 1] = s_open
        s[MAX_AGE] = s_open
        return s

    @property
    def birth_survival(self) -> np.ndarray:
        """``L_0``: share of a year's births alive at the end of the year, shape ``(2,)``."""
        return self.person_years[0][0]

    def to_frame(self) -> pd.DataFrame:
        """Long frame ``alter, geschlecht, q, l, S``."""
        ages = np.repeat(np.arange(N_AGES), 2)
        return pd.DataFrame(
            {
                "alter": ages,
                "geschlecht": np.tile(np.array(SEXES, dtype=object), N_AGES),
                "q": self.q.ravel(),
                "l": self.l.ravel(),
                "S": self.survival.ravel(),
            }
        )


def gompertz_life_table(params: dict[str, dict[str, float]], *, source: str = "") -> LifeTable:
    """Life table from Gompertz–Makeham parameters ``{"m": {A, B, C, q0}, "w": {...}}``."""
    x = np.arange(N_AGES, dtype=float)
    q = np.empty((N_AGES, 2))
    for j, sex in enumerate(SEXES):
        p = params[sex]
        mu = p["A"] + p["B"] * np.exp(p["C"] * (x + 0.5))
        q[:, j] = 1.0 - np.exp(-mu)
        q[0, j] = p["q0"]
    return LifeTable(q=q, source=source or "Gompertz-Makeham")


def default_life_table() -> LifeTable:
    """The documented default: Gompertz–Makeham approximation of the Destatis Sterbetafel 2020/22.

    Reproduces e_0 = 78.33 (m) and 83.18 (w); see the module docstring for parameters.
    """
    return gompertz_life_table(
        DEFAULT_PARAMETERS,
        source="Gompertz-Makeham-Näherung an die Sterbetafel 2020/22 (Destatis), e0 m 78,33 / w 83,18",
    )


def life_table_from_frame(
    frame: pd.DataFrame, *, source: str = "", lang: str | None = None
) -> LifeTable:
    """Life table from a frame with columns ``alter`` (0..100), ``geschlecht`` (m/w) and ``q``.

    Raises
    ------
    InputError
        Missing columns or ages, or ``q`` outside [0, 1].
    """
    if not {"alter", "geschlecht", "q"} <= set(frame.columns):
        raise InputError(
            t(_MSG, "cols", lang, have=", ".join(map(str, frame.columns))), file=source or None
        )
    q = np.full((N_AGES, 2), np.nan)
    sex = (
        frame["geschlecht"].astype(str).str.strip().str.lower().str[0].map({"m": 0, "w": 1, "f": 1})
    )
    age = pd.to_numeric(frame["alter"], errors="coerce")
    ok = sex.notna() & age.between(0, MAX_AGE)
    q[age[ok].astype(int).to_numpy(), sex[ok].astype(int).to_numpy()] = pd.to_numeric(
        frame["q"][ok], errors="coerce"
    )
    for j, s in enumerate(SEXES):
        miss = np.flatnonzero(np.isnan(q[:, j]))
        if miss.size:
            raise InputError(
                t(_MSG, "missing_ages", lang, sex=s, ages=", ".join(map(str, miss[:10]))),
                file=source or None,
                column="alter",
            )
    bad = np.flatnonzero(((q < 0) | (q > 1)).any(axis=1))
    if bad.size:
        raise InputError(
            t(_MSG, "bad_q", lang, ages=", ".join(map(str, bad[:10]))),
            file=source or None,
            column="q",
        )
    return LifeTable(q=q, source=source or "Sterbetafel (Eingabe)")
