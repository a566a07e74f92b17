"""Conditional-randomisation kernels of the local statistics (LISA, bivariate LISA, Gi*).

Why our own kernels
-------------------
The permutation inference of local Moran's I and Getis-Ord G is esda's
conditional randomisation (``esda.crand``; Rey & Anselin 2010, *PySAL: A Python
Library of Spatial Analytical Methods*; Anselin 1995 for the local Moran test),
re-implemented here for two reasons:

1. **Compiled once per machine, not per process.** esda's numba functions are
   compiled in every new Python process (15–22 s on two cores: every
   ``qgis_process`` call, every notebook, every yearly run). Ours are
   ``@njit(cache=True)``: numba keeps the machine code on disk (in
   ``__pycache__`` next to this file, or, when that is not writable as in a
   system-wide or read-only install, in numba's per-user cache directory),
   so a later process only loads it (≈0.1–0.3 s).
2. **All p-values in one pass.** The kernel counts, for every area, how many
   simulated values are ``>=`` and ``<=`` the observed one while it simulates;
   esda's folded ("directed") p-value, our two-sided p-value and the one-sided
   ones follow from these two counts without a second pass over the
   ``(n, permutations)`` matrix.

Identical results
-----------------
The random draws are exactly esda's: :func:`draw_ids` is esda's
``vec_permutations`` (numba's Mersenne Twister seeded with ``seed``; one
draw of ``max_card`` ids out of ``n - 1`` without replacement per
permutation, shared by all areas), and the statistic of a permutation is
evaluated with the same floating-point expression (same ``fastmath`` flags,
same BLAS matrix-vector product) as esda's ``_moran_local_crand``,
``_moran_local_bv_crand`` and ``_g_local_star_crand``. The simulated values,
and hence the p-values, categories and pseudo z-values, are therefore
identical to ``esda.Moran_Local`` / ``Moran_Local_BV`` / ``G_Local`` with the
same seed (tested to 1e-12). The only difference in the work done: esda copies
the value vector without area ``i`` for every area (O(n²) memory traffic);
we map a drawn position ``j >= i`` to ``j + 1`` instead, which selects the
same values.

Without numba (e.g. a QGIS installation without it) the callers fall back to
esda's own path (:func:`available` is False), with a one-line notice.
"""

from __future__ import annotations

import os
import threading
import warnings

import numpy as np

__all__ = ["Crand", "KernelUnavailable", "available", "crand", "draw_ids", "warm_kernels"]

KIND_MORAN = 0  # a_i * (sum_j w_ij y_j + w_ii b_i) * scaling   (uni- and bivariate LISA)
KIND_G_STAR = 1  # (sum_j w_ij y_j + w_ii y_i) / scaling       (Gi*)

_NOTICE = {
    "de": "Hinweis: numba ist nicht nutzbar ({err}); die Permutationen laufen über esda "
    "(langsamer, gleiche Ergebnisse).",
    "en": "Note: numba is not usable ({err}); permutations run through esda "
    "(slower, same results).",
}
_NUMBA_ERROR: str | None = None  # why numba cannot be used (None: usable or not yet tried)
_notice_given = False
_jit_lock = threading.Lock()
_jitted = False
_warm_lock = threading.Lock()
_warm_thread: threading.Thread | None = None


def _wait_before_fork() -> None:
    """Every fork waits until the loading thread is done (see :func:`warm_kernels`).

    A forked copy inherits the locks other threads hold at that moment: numba's
    compiler lock, or the import lock of a module the loading thread is importing.
    A copy that compiled or imported numba code (e.g. mapclassify's kernel) would
    then wait for them forever.
    """
    thread = _warm_thread
    if thread is not None and thread.is_alive() and thread is not threading.current_thread():
        thread.join()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_wait_before_fork)


# The kernels are plain functions here and compiled by :func:`_jit` on first use, so
# that importing this module does not import numba (numba is optional for QGIS).


def _draw_ids_jit(max_card, n, k_replications, seed):  # pragma: no cover - compiled
    # esda.crand.vec_permutations, statement by statement (same draws).
    np.random.seed(seed)  # noqa: NPY002 - numba's generator, as esda
    result = np.empty((k_replications, max_card), dtype=np.int64)
    for k in range(k_replications):
        result[k] = np.random.choice(n - 1, size=max_card, replace=False)  # noqa: NPY002
    return result


def _moran_stat(a_i, zrand, other_weights, self_weight, b_i, scaling):  # pragma: no cover
    # esda.moran._moran_local_crand / _moran_local_bv_crand
    return a_i * (zrand @ other_weights + self_weight * b_i) * scaling


def _g_star_stat(zrand, other_weights, self_weight, y_i, scaling):  # pragma: no cover
    # esda.getisord._g_local_star_crand
    return (zrand @ other_weights + self_weight * y_i) / scaling


def _crand_jit(
    a, y, observed, indptr, weights, self_weights, ids, scaling, kind, keep
):  # pragma: no cover - compiled
    n = y.shape[0]
    perms = ids.shape[0]
    ge = np.zeros(n, dtype=np.int64)
    le = np.zeros(n, dtype=np.int64)
    sims = np.empty((n, perms)) if keep else np.empty((1, 1))
    for i in range(n):
        start = indptr[i]
        card = indptr[i + 1] - start
        if card == 0:  # an island: esda's "fake neighbour" with island_weight 0
            card = 1
            w_i = np.zeros(1)
            sw = 0.0
        else:
            w_i = weights[start : start + card].copy()
            sw = self_weights[i]
        zrand = np.empty((perms, card))
        for p in range(perms):
            for k in range(card):
                j = ids[p, k]
                if j >= i:  # position among the other n - 1 areas
                    j += 1
                zrand[p, k] = y[j]
        if kind == 0:
            r = _moran_stat(a[i], zrand, w_i, sw, y[i], scaling)
        else:
            r = _g_star_stat(zrand, w_i, sw, y[i], scaling)
        obs = observed[i]
        n_ge = 0
        n_le = 0
        for p in range(perms):
            if r[p] >= obs:
                n_ge += 1
            if r[p] <= obs:
                n_le += 1
        ge[i] = n_ge
        le[i] = n_le
        if keep:
            sims[i] = r
    return ge, le, sims


def _jit() -> bool:
    """Wrap the kernels with ``numba.njit(cache=True)`` once; False if numba is unusable.

    Same flags as esda: ``fastmath`` for the draws and the statistics, so that the
    compiled arithmetic (and hence every simulated value) is the same.
    """
    global _jitted, _NUMBA_ERROR
    with _jit_lock:
        if not _jitted and _NUMBA_ERROR is None:
            try:
                from numba import njit
            except Exception as exc:  # missing or broken numba/llvmlite
                _disable(exc)
                return False
            g = globals()
            for name, fast in (
                ("_draw_ids_jit", True),
                ("_moran_stat", True),
                ("_g_star_stat", True),
                ("_crand_jit", False),
            ):
                try:
                    g[name] = njit(fastmath=fast, cache=True)(g[name])
                except RuntimeError:  # no writable cache folder at all: compile per process
                    g[name] = njit(fastmath=fast)(g[name])
            _jitted = True
    return _NUMBA_ERROR is None


class KernelUnavailable(RuntimeError):
    """numba is installed but could not compile or load the kernels (callers use esda)."""


def available(lang: str = "de") -> bool:
    """True if the compiled kernels can be used; else tell once why not (esda is used)."""
    global _notice_given
    if _jit():
        return True
    if not _notice_given:
        _notice_given = True
        from sozialraum.errors import SozialraumWarning

        msg = _NOTICE.get(lang, _NOTICE["de"]).format(err=_NUMBA_ERROR)
        warnings.warn(msg, SozialraumWarning, stacklevel=3)
    return False


def _disable(exc: BaseException) -> None:
    """numba imported but failed to compile or load: use esda from now on."""
    global _NUMBA_ERROR
    _NUMBA_ERROR = f"{type(exc).__name__}: {exc}".splitlines()[0]


def _from_numba(exc: BaseException) -> bool:
    """Is ``exc`` a failure of numba/llvmlite itself (not of our input)?"""
    return type(exc).__module__.split(".")[0] in ("numba", "llvmlite")


def draw_ids(max_card: int, n: int, permutations: int, seed: int | None) -> np.ndarray:
    """esda's permutation index matrix ``(permutations, max_card)`` for ``seed``.

    ``seed=None`` draws a seed from numpy's global generator as esda does.
    """
    if seed is None:
        seed = np.random.randint(12345, 12345000)  # noqa: NPY002 - as esda
    return _draw_ids_jit(int(max_card), int(n), int(permutations), int(seed))


class Crand:
    """Counts and (optionally) simulations of a conditional randomisation.

    Attributes
    ----------
    ge, le
        Per area: number of simulated values ``>=`` / ``<=`` the observed one.
    sims
        ``(n, permutations)`` simulated values (``None`` unless kept).
    permutations
        Number of permutations.
    """

    __slots__ = ("ge", "le", "permutations", "sims")

    def __init__(self, ge, le, sims, permutations):
        self.ge = ge
        self.le = le
        self.sims = sims
        self.permutations = permutations

    def p(self, alternative: str = "two-sided") -> np.ndarray:
        """p-values: two-sided (twice the nearer tail, capped at 1), ``greater``, ``lesser``
        or ``folded`` (esda 2.9's ``p_sim``: the nearer tail, counted from ``>=``)."""
        perm = float(self.permutations)
        if alternative == "two-sided":
            return np.minimum(1.0, 2.0 * (np.minimum(self.ge, self.le) + 1.0) / (perm + 1.0))
        if alternative == "greater":
            return (self.ge + 1.0) / (perm + 1.0)
        if alternative == "lesser":
            return (self.le + 1.0) / (perm + 1.0)
        if alternative == "folded":
            larger = np.where(perm - self.ge < self.ge, perm - self.ge, self.ge)
            return (larger + 1.0) / (perm + 1.0)
        raise ValueError(alternative)

    def z(self, observed: np.ndarray) -> np.ndarray:
        """Pseudo z ``(obs - mean(sims)) / sd(sims)``, computed as esda does (needs ``sims``)."""
        sim = self.sims.T
        with np.errstate(divide="ignore", invalid="ignore"):
            return (observed - sim.mean(axis=0)) / sim.std(axis=0)


def _csr_parts(matrix, dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Self weights, row pointers and other weights as esda's ``crand`` sees them."""
    adj = matrix.tocsr()
    self_weights = adj.diagonal()
    # the diagonal and explicit zeros dropped from the arrays, entries kept in their order
    # (as ``setdiag(0)`` + ``eliminate_zeros()``, but without the efficiency warning, whose
    # ``warnings.catch_warnings`` block is not thread-safe: the kernels are warmed in a
    # thread while the run records the data's warnings)
    rows = np.repeat(np.arange(adj.shape[0]), np.diff(adj.indptr))
    keep = (adj.indices != rows) & (adj.data != 0)
    counts = np.bincount(rows[keep], minlength=adj.shape[0])
    indptr = np.concatenate(([0], np.cumsum(counts)))
    data = adj.data[keep]
    return (
        np.ascontiguousarray(self_weights, dtype=np.float64),
        np.ascontiguousarray(indptr, dtype=np.int64),
        np.ascontiguousarray(data.astype(dtype), dtype=np.float64),
    )


def crand(
    a: np.ndarray,
    y: np.ndarray,
    observed: np.ndarray,
    matrix,
    *,
    permutations: int,
    seed: int | None,
    scaling: float,
    kind: int = KIND_MORAN,
    keep: bool = True,
) -> Crand:
    """Conditional randomisation of a local statistic (esda's ``crand``, serial).

    Parameters
    ----------
    a
        Multiplier per area (local Moran: the standardised ``x``); unused for Gi*.
    y
        Values drawn for the neighbours (standardised ``y``, or raw values for Gi*).
    observed
        Observed local statistic per area.
    matrix
        The weights as esda uses them (``W.sparse``, with self-weights on the
        diagonal for Gi*).
    permutations, seed
        As in esda (``seed=None``: a random seed from numpy's global generator).
    scaling
        ``(n - 1) / sum(z_x^2)`` for local Moran, ``sum(y)`` for Gi*.
    kind
        :data:`KIND_MORAN` or :data:`KIND_G_STAR`.
    keep
        Keep the ``(n, permutations)`` simulations (needed for pseudo z).
    """
    if not _jit():
        raise KernelUnavailable(_NUMBA_ERROR)
    y = np.ascontiguousarray(y, dtype=np.float64)
    a = np.ascontiguousarray(a, dtype=np.float64)
    self_w, indptr, weights = _csr_parts(matrix, y.dtype)
    n = len(y)
    max_card = max(1, int(np.diff(indptr).max()))
    observed = np.ascontiguousarray(observed, dtype=np.float64)
    try:
        ids = draw_ids(max_card, n, permutations, seed)
        ge, le, sims = _crand_jit(
            a, y, observed, indptr, weights, self_w, ids, float(scaling), int(kind), bool(keep)
        )
    except Exception as exc:
        if not _from_numba(exc):
            raise
        _disable(exc)
        raise KernelUnavailable(_NUMBA_ERROR) from exc
    return Crand(ge, le, sims if keep else None, int(permutations))


def _warm() -> None:
    """Load (or, the first time on a machine, compile) every kernel on a tiny case."""
    from scipy import sparse

    m = sparse.csr_matrix(np.array([[0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0.0]]))
    z = np.array([-1.0, 0.0, 1.0])
    for kind in (KIND_MORAN, KIND_G_STAR):
        crand(z, z, z, m, permutations=3, seed=1, scaling=1.0, kind=kind, keep=True)
        crand(z, z, z, m, permutations=3, seed=1, scaling=1.0, kind=kind, keep=False)


def _cache_is_cold() -> bool:
    """True when a kernel has nothing in numba's on-disk cache for its current source.

    The first time on a machine, and after ``_kernels.py`` or numba changed, numba
    would compile. Reads the index through numba's cache object (not a public API:
    where it is missing the cache counts as warm, as before).
    """
    g = globals()
    try:
        for name in ("_draw_ids_jit", "_moran_stat", "_g_star_stat", "_crand_jit"):
            cache = getattr(g[name], "_cache", None)
            index = getattr(cache, "_cache_file", None)
            if index is not None and not index._load_index():
                return True
    except (AttributeError, OSError, ValueError, EOFError):
        return False
    return False


def _compile_in_subprocess() -> bool:
    """Compile the kernels into the on-disk cache in a separate Python process.

    numba's compiler enters ``warnings.catch_warnings`` blocks, which swap the warning
    state of the whole process; compiling in a thread of a process that records its
    warnings (the yearly run's data notes) could drop records. A separate process
    has its own warning state; this one then only loads from the cache. Returns
    False where this process is not a plain Python interpreter (inside QGIS,
    ``sys.executable`` is the application): then the thread compiles, as before.
    """
    import subprocess
    import sys

    if not os.path.basename(sys.executable or "").lower().startswith("python"):
        return False

    code = "from sozialraum.spatial import _kernels as K; K._jit() and K._warm()"
    subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        timeout=600,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )
    return True


def warm_kernels(*, wait: bool = False) -> threading.Thread | None:
    """Load the permutation kernels in a background (daemon) thread.

    Call it early (e.g. before reading inputs) so that loading the compiled
    kernels from numba's on-disk cache — or compiling them, the first time on
    a machine — overlaps other work. A later LISA or Gi* call waits for the
    thread only if it is still running. ``wait=True`` loads them now.
    The first time on a machine the kernels are compiled by a separate process
    (:func:`_compile_in_subprocess`), and the thread loads them from the cache.
    Returns the thread (``None`` without numba or when already warm).
    """
    global _warm_thread
    if _NUMBA_ERROR is not None:
        return None
    with _warm_lock:
        if _warm_thread is None:

            def run() -> None:
                try:
                    if _jit():
                        if _cache_is_cold():
                            _compile_in_subprocess()
                        _warm()
                except Exception as exc:  # pragma: no cover - broken numba/llvmlite
                    _disable(exc)

            _warm_thread = threading.Thread(target=run, name="sozialraum-kernels", daemon=True)
            _warm_thread.start()
        thread = _warm_thread
    if wait:
        thread.join()
    return thread
