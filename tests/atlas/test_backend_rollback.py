"""A failed transaction of the GeoPackage atlas reports its own error, also when SQLite has
already rolled it back (as it does when the disk is full), not "cannot rollback"."""

from __future__ import annotations

import pytest

from sozialraum.atlas._backend import GpkgBackend


def test_the_error_that_ended_a_transaction_is_the_one_raised(tmp_path):
    b = GpkgBackend(tmp_path / "atlas.gpkg")
    b.conn.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(ValueError, match="Datenträger voll"):
        with b.transaction():
            b.conn.execute("INSERT INTO t VALUES (1)")
            b.conn.execute("ROLLBACK")  # what SQLite does itself after SQLITE_FULL
            raise ValueError("Datenträger voll")
    with pytest.raises(ValueError, match="anderer Fehler"):
        with b.transaction():
            b.conn.execute("INSERT INTO t VALUES (2)")
            raise ValueError("anderer Fehler")
    assert b.conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0  # both rolled back
    assert not b.conn.in_transaction
