"""Fixtures of the atlas tests: both backends, PostGIS on a throw-away local cluster.

``atlas_target`` is parametrized over ``gpkg`` (always) and ``postgis``. The PostGIS
server is a real PostgreSQL started once per session with ``initdb`` + ``pg_ctl``
in a temporary directory on a free local port (as the ``postgres`` system user when
run as root, since initdb refuses root), with ``CREATE EXTENSION postgis`` in a
template database; every test gets a fresh database copied from that template. The
cluster is stopped and removed at the end. Without the binaries the PostGIS tests
are skipped with the apt command that installs them.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from itertools import count
from pathlib import Path

import pytest

APT = "apt-get install -y postgresql postgis (Debian bookworm: postgresql-15-postgis-3)"
_db_counter = count(1)


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    exe = shutil.which("initdb")
    return Path(exe).resolve().parent if exe else None


def _postgis_installed(bin_dir: Path) -> bool:
    version = bin_dir.parent.name
    return bool(glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _runner() -> tuple[list[str], str | None]:
    """Command prefix to run the server as a non-root user (initdb refuses root)."""
    if os.geteuid() != 0:
        return [], None
    user = "postgres"
    try:
        pwd.getpwnam(user)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", user], check=True)
    return ["runuser", "-u", user, "--"], user


@pytest.fixture(scope="session")
def pg_server():
    """A throw-away PostgreSQL/PostGIS cluster; yields (host, port, user, template db)."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip(f"PostgreSQL binaries (initdb, pg_ctl) not found: {APT}")
    if not _postgis_installed(bin_dir):
        pytest.skip(f"PostGIS extension not installed for {bin_dir.parent.name}: {APT}")
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg (v3) not installed: pip install 'psycopg[binary]>=3.1,<4'")
    prefix, user = _runner()
    tmp = Path(tempfile.mkdtemp(prefix="atlas_pg_"))
    data, sock, log = tmp / "data", tmp / "sock", tmp / "server.log"
    sock.mkdir()
    if user:
        pw = pwd.getpwnam(user)
        for p in (tmp, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C"}
    try:
        subprocess.run(
            [
                *prefix,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "atlas_admin",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            env=env,
        )
        opts = (
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            [
                *prefix,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                opts,
                "-l",
                str(log),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
            env=env,
        )
    except subprocess.CalledProcessError as exc:  # pragma: no cover - environment
        msg = (exc.stderr or b"").decode(errors="replace")[-500:]
        if log.exists():
            msg += log.read_text(errors="replace")[-500:]
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail(f"could not start the throw-away PostgreSQL cluster: {msg}")
    base = f"postgresql://atlas_admin@127.0.0.1:{port}"
    try:
        for _ in range(50):
            try:
                conn = psycopg.connect(f"{base}/postgres", autocommit=True)
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        with conn:
            conn.execute("CREATE DATABASE atlas_template")
        with psycopg.connect(f"{base}/atlas_template", autocommit=True) as c2:
            c2.execute("CREATE EXTENSION postgis")
        yield {"base": base, "template": "atlas_template"}
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            env=env,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def new_database(pg_server) -> str:
    """Create a fresh database (copy of the PostGIS template); return its URL."""
    import psycopg

    name = f"atlas_t{next(_db_counter)}"
    with psycopg.connect(f"{pg_server['base']}/postgres", autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name} TEMPLATE {pg_server['template']}")
    return f"{pg_server['base']}/{name}"


@pytest.fixture
def pg_url(pg_server) -> str:
    """URL of a fresh database (copy of the PostGIS template) for one test."""
    return new_database(pg_server)


@pytest.fixture(scope="module", params=["gpkg", "postgis"])
def module_target(request, tmp_path_factory) -> str:
    """Like ``atlas_target``, shared by the tests of one module."""
    if request.param == "gpkg":
        return str(tmp_path_factory.mktemp("atlas") / "atlas.gpkg")
    return new_database(request.getfixturevalue("pg_server"))


@pytest.fixture(params=["gpkg", "postgis"])
def atlas_target(request, tmp_path) -> str:
    """An atlas target: a new GeoPackage path, or a fresh PostGIS database URL."""
    if request.param == "gpkg":
        return str(tmp_path / "atlas.gpkg")
    return request.getfixturevalue("pg_url")
