"""QGIS's own Python interpreter: where it is and how to call pip with it (pure logic, no ``qgis``).

Inside QGIS ``sys.executable`` is often not a Python at all (``/usr/bin/qgis``,
``qgis_process.bin``, ``qgis-ltr-bin.exe``, ``QGIS.app/Contents/MacOS/QGIS``), and the
first ``python3`` on ``PATH`` may be any other interpreter (a pyenv shim, a venv,
Anaconda) whose packages QGIS can never import. :func:`find_python` therefore never
looks at ``PATH``; it derives the interpreter from the facts of the running QGIS
(``platform``, ``executable``, ``prefix``, ``version``), which tests pass for Windows,
macOS and Linux layouts built in a temporary folder:

* **Linux**: the system Python QGIS is linked against, ``<prefix>/bin/python3.X``
  (Debian/Ubuntu/Fedora: ``/usr/bin/python3.X``);
* **Windows** (OSGeo4W and the standalone installer): ``python.exe``/``python3.exe`` in
  ``<root>/apps/Python3X/`` beside QGIS's ``bin/``; the terminal command first calls
  ``<root>/bin/o4w_env.bat`` (or uses ``python-qgis.bat``) to get QGIS's environment;
* **macOS**: the Python bundled in ``QGIS.app/Contents/MacOS/bin/python3``.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

#: platform keys used here (from ``sys.platform``)
LINUX, WINDOWS, MACOS = "linux", "win32", "darwin"


@dataclass(frozen=True)
class Interpreter:
    """QGIS's Python and how a terminal command has to call it.

    Attributes
    ----------
    python
        Path of the interpreter (``None`` when none was found).
    platform
        ``"linux"``, ``"win32"`` or ``"darwin"``.
    version
        ``(major, minor)`` of QGIS's Python.
    env_script
        Windows: ``o4w_env.bat`` that sets QGIS's environment for a terminal (or ``None``).
    launcher
        Windows without ``o4w_env.bat``: ``python-qgis.bat``/``python-qgis-ltr.bat``, which
        sets the environment and runs QGIS's Python (used in terminal commands).
    tried
        The paths looked at, in order (shown when nothing was found).
    """

    python: str | None
    platform: str
    version: tuple[int, int]
    env_script: str | None = None
    tried: tuple[str, ...] = ()
    launcher: str | None = None


def platform_key(platform: str | None = None) -> str:
    """``"linux"``, ``"win32"`` or ``"darwin"`` for a ``sys.platform`` value."""
    p = platform or sys.platform
    if p.startswith("win"):
        return WINDOWS
    if p == "darwin":
        return MACOS
    return LINUX


def _path(platform: str, p) -> PurePosixPath | PureWindowsPath:
    return PureWindowsPath(p) if platform == WINDOWS else PurePosixPath(p)


def _is_python_name(name: str, version: tuple[int, int]) -> bool:
    base = name.lower().removesuffix(".exe")
    return base in ("python", "python3", f"python{version[0]}.{version[1]}")


def _candidates_linux(executable, prefix, version) -> list[str]:
    ver = f"{version[0]}.{version[1]}"
    out = []
    exe = _path(LINUX, executable) if executable else None
    if exe is not None and _is_python_name(exe.name, version):
        out.append(str(exe))
    for base in (prefix, "/usr"):
        if base:
            out += [f"{base}/bin/python{ver}", f"{base}/bin/python3"]
    return list(dict.fromkeys(out))


def _windows_root(executable, prefix) -> list[PureWindowsPath]:
    """QGIS's installation roots: ``<root>/bin/qgis-bin.exe`` and ``<root>/apps/Python3X``."""
    roots = []
    if executable:
        exe = PureWindowsPath(executable)
        if exe.parent.name.lower() == "bin":
            roots.append(exe.parent.parent)
    if prefix:
        pre = PureWindowsPath(prefix)
        if pre.parent.name.lower() == "apps":
            roots.append(pre.parent.parent)
    return list(dict.fromkeys(roots))


def _candidates_windows(executable, prefix, version) -> list[str]:
    out = []
    exe = PureWindowsPath(executable) if executable else None
    if exe is not None and _is_python_name(exe.name, version):
        out.append(str(exe))
    pydir = f"Python{version[0]}{version[1]}"
    dirs = [PureWindowsPath(prefix)] if prefix else []
    dirs += [r / "apps" / pydir for r in _windows_root(executable, prefix)]
    for d in dirs:
        out += [str(d / "python.exe"), str(d / "python3.exe")]
    return list(dict.fromkeys(out))


def _macos_app(executable) -> PurePosixPath | None:
    if not executable:
        return None
    p = PurePosixPath(executable)
    for parent in (p, *p.parents):
        if parent.suffix == ".app":
            return parent
    return None


def _candidates_macos(executable, prefix, version) -> list[str]:
    ver = f"{version[0]}.{version[1]}"
    out = []
    exe = PurePosixPath(executable) if executable else None
    if exe is not None and _is_python_name(exe.name, version):
        out.append(str(exe))
    app = _macos_app(executable) or _macos_app(prefix)
    if app is not None:
        out += [f"{app}/Contents/MacOS/bin/python3", f"{app}/Contents/MacOS/bin/python{ver}"]
    if prefix:
        out += [f"{prefix}/bin/python{ver}", f"{prefix}/bin/python3"]
    return list(dict.fromkeys(out))


def candidates(platform: str, executable, prefix, version: tuple[int, int]) -> list[str]:
    """The interpreter paths to try, best first (never taken from ``PATH``)."""
    key = platform_key(platform)
    if key == WINDOWS:
        return _candidates_windows(executable, prefix, version)
    if key == MACOS:
        return _candidates_macos(executable, prefix, version)
    return _candidates_linux(executable, prefix, version)


def find_python(
    platform: str | None = None,
    executable=None,
    prefix=None,
    version: tuple[int, int] | None = None,
    exists=os.path.exists,
) -> Interpreter:
    """QGIS's own Python (defaults: the running process's ``sys`` facts).

    Parameters
    ----------
    platform, executable, prefix, version
        ``sys.platform``, ``sys.executable``, ``sys.base_prefix`` (``sys.prefix`` in
        QGIS's embedded Python) and ``sys.version_info[:2]`` of QGIS's process.
    exists
        Test for a file (tests pass a fake; default ``os.path.exists``).
    """
    key = platform_key(platform)
    executable = sys.executable if executable is None else executable
    prefix = getattr(sys, "base_prefix", sys.prefix) if prefix is None else prefix
    version = tuple(version or sys.version_info[:2])
    tried = candidates(key, executable, prefix, version)
    python = next((c for c in tried if exists(c)), None)
    env_script = launcher = None
    if key == WINDOWS:
        roots = _windows_root(executable, prefix)
        bats = [str(r / "bin" / "o4w_env.bat") for r in roots]
        env_script = next((b for b in bats if exists(b)), None)
        names = ("python-qgis-ltr.bat", "python-qgis.bat")
        bats = [str(r / "bin" / n) for r in roots for n in names]
        launcher = next((b for b in bats if exists(b)), None) if env_script is None else None
    return Interpreter(python, key, version, env_script, tuple(tried), launcher)


def command_text(cmd: list[str], interp: Interpreter | None = None) -> str:
    """One line to paste into a terminal (``cmd.exe`` quoting on Windows, POSIX elsewhere).

    On Windows with an ``o4w_env.bat`` the line first sets QGIS's environment; without it
    QGIS's ``python-qgis.bat`` runs the command in that environment.
    """
    key = interp.platform if interp is not None else platform_key()
    if key == WINDOWS:
        cmd = [str(c) for c in cmd]
        if interp is not None and interp.launcher and cmd and cmd[0] == interp.python:
            cmd[0] = interp.launcher
        line = subprocess.list2cmdline(cmd)
        if interp is not None and interp.env_script:
            line = f"call {subprocess.list2cmdline([interp.env_script])} && {line}"
        return line
    return " ".join(shlex.quote(str(c)) for c in cmd)


def default_profile(platform: str | None = None, home=None, appdata=None) -> str:
    """QGIS's ``default`` profile folder of the user (when QGIS itself cannot be asked)."""
    key = platform_key(platform)
    home = str(Path.home()) if home is None else str(home)
    if key == WINDOWS:
        appdata = (
            appdata or os.environ.get("APPDATA") or str(PureWindowsPath(home, "AppData", "Roaming"))
        )
        return str(PureWindowsPath(appdata, "QGIS", "QGIS3", "profiles", "default"))
    if key == MACOS:
        return f"{home}/Library/Application Support/QGIS/QGIS3/profiles/default"
    return f"{home}/.local/share/QGIS/QGIS3/profiles/default"


def linux_distribution(os_release: str) -> str:
    """``"debian"``, ``"fedora"``, ``"arch"``, ``"suse"`` or ``""`` from ``/etc/os-release`` text."""
    ids = []
    for line in os_release.splitlines():
        m = re.match(r"^(ID|ID_LIKE)=(.*)$", line.strip())
        if m:
            ids += m.group(2).strip().strip('"').lower().split()
    for fam, names in (
        ("debian", ("debian", "ubuntu", "linuxmint", "pop")),
        ("fedora", ("fedora", "rhel", "centos", "rocky", "almalinux")),
        ("arch", ("arch", "manjaro")),
        ("suse", ("suse", "opensuse", "opensuse-leap", "opensuse-tumbleweed", "sles")),
    ):
        if any(i in names for i in ids):
            return fam
    return ""


_OS_PIP = {
    "debian": "sudo apt install python3-pip",
    "fedora": "sudo dnf install python3-pip",
    "arch": "sudo pacman -S python-pip",
    "suse": "sudo zypper install python3-pip",
}


def pip_fix(interp: Interpreter, os_release: str = "") -> tuple[str, list[str] | None]:
    """How to get pip when QGIS's Python has none: ``(terminal line, command to run or None)``.

    Linux distributions disable ``ensurepip`` for their system Python: the package manager's
    command is returned (``sudo apt install python3-pip`` on Debian/Ubuntu) and nothing is
    run by the plugin. Elsewhere ``python -m ensurepip --upgrade`` is returned and can be run.
    """
    if interp.platform == LINUX:
        fam = linux_distribution(os_release)
        if fam:
            return _OS_PIP[fam], None
    cmd = [interp.python or "python3", "-m", "ensurepip", "--upgrade"]
    return command_text(cmd, interp), cmd


def read_os_release() -> str:
    """Text of ``/etc/os-release`` (empty when absent)."""
    for p in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            return Path(p).read_text(encoding="utf-8")
        except OSError:
            continue
    return ""


def has_pip(python: str, timeout: float = 60) -> bool:
    """``True`` when ``python -m pip --version`` works."""
    try:
        r = subprocess.run(
            [python, "-m", "pip", "--version"],
            capture_output=True,
            timeout=timeout,
            env=clean_env(),
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return r.returncode == 0


def clean_env(env: dict | None = None) -> dict:
    """Environment for running QGIS's Python as a subprocess.

    ``PYTHONPATH``/``PYTHONHOME`` of another Python and ``VIRTUAL_ENV`` are removed on
    Linux and macOS; on Windows QGIS's own ``PYTHONHOME``/``PYTHONPATH`` (set by
    ``o4w_env.bat``) are what its ``python.exe`` needs, so they are kept there.
    """
    env = dict(os.environ if env is None else env)
    drop = ["VIRTUAL_ENV", "PYTHONSTARTUP", "__PYVENV_LAUNCHER__"]
    if platform_key() != WINDOWS:
        drop += ["PYTHONPATH", "PYTHONHOME"]
    for k in drop:
        env.pop(k, None)
    return env
