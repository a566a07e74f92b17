"""The run's data notes survive the kernel warm-up thread (regression: notes lost in hinweise.txt).

``warnings.catch_warnings`` saves and restores the module's global state. A thread
that entered such a block before the run began recording, and left it after, put
the old state back and dropped the run's recorder: a run lost 39 of its 40 notes.
The warm-up thread is now started inside the run's recording block, and the
kernels' own code uses no such block.
"""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest
from scipy import sparse

from sozialraum.spatial import _kernels

run_module = importlib.import_module("sozialraum.pipeline.run")


class _Stop(Exception):
    pass


def test_warm_up_starts_inside_the_runs_recording(musterland, tmp_path, monkeypatch):
    seen = []
    outer = warnings._showwarnmsg_impl  # pytest's own recorder around this test

    def fake_warm():
        impl = warnings._showwarnmsg_impl  # catch_warnings(record=True) puts list.append here
        recorder = getattr(impl, "__self__", None)
        seen.append(isinstance(recorder, list) and impl != outer)
        raise _Stop

    monkeypatch.setattr(run_module, "warm_kernels", fake_warm)
    with pytest.raises(_Stop):
        run_module.run(musterland["examples"] / "monitor.toml", tmp_path / "out")
    assert seen == [True]


def test_kernel_weights_leave_the_warning_state_alone(monkeypatch):
    rng = np.random.default_rng(3)
    dense = rng.random((30, 30)) * (rng.random((30, 30)) < 0.2)
    dense[np.diag_indices(30)] = rng.random(30)
    m = sparse.csr_matrix(dense)
    m.data[::7] = 0.0  # explicit zeros, dropped like the diagonal
    catch = warnings.catch_warnings

    def no_block(*_a, **_k):
        raise AssertionError("a warnings block in the kernels' code (not thread-safe)")

    monkeypatch.setattr(warnings, "catch_warnings", no_block)
    self_w, indptr, weights = _kernels._csr_parts(m, np.float64)
    monkeypatch.setattr(warnings, "catch_warnings", catch)
    ref = m.tocsr(copy=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref.setdiag(0)
    ref.eliminate_zeros()
    np.testing.assert_array_equal(self_w, m.diagonal())
    np.testing.assert_array_equal(indptr, ref.indptr)
    np.testing.assert_array_equal(weights, ref.data)
