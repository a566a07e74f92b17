"""The yearly run as a planner waits for it: a cold process, every output with all PDFs.

* ``run-musterland`` — ``sozialraum run examples/musterland/monitor.toml`` (80 areas);
* ``run-stadt-450`` — a city of about 450 planning areas: ``examples/musterstadt``
  where it exists, else a district generated like Musterland with 450 areas.

Each case starts ``python -m sozialraum run`` in a fresh process (imports and
compilation included) and prints::

    bench run-musterland: ours 41.2 s (target 45 s), peak memory 610 MB, 914 files 48.1 MB
    bench run-musterland: steps <the five slowest steps from lauf.log>
    bench run-musterland: wall 41.2 s, CPU 52.0 s (process tree), step table 40.9 s of which 0.4 s between the steps

The step table of ``lauf.log`` adds up to the process's wall-clock time (start-up
included); its line "Übrige Zeit zwischen den Schritten" is what no step measured.

Targets on 2 cores: Musterland ≤ 45 s, a 450-area city ≤ 60 s and ≤ 1 GB.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"run-musterland": (45.0, None), "run-stadt-450": (60.0, 1024.0)}


def _run(name: str, config: Path, out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage0.ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "sozialraum", "run", str(config), "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    sec = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss  # kB, largest child so far
    cpu = (usage.ru_utime + usage.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
    if proc.returncode != 0:
        print(f"bench {name}: failed ({proc.stderr.strip().splitlines()[-1:]})")
        return
    files = [p for p in out.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files) / 1e6
    target, mem_target = TARGETS[name]
    mem = f", peak memory {peak / 1024:.0f} MB" if peak > before else ""
    mem += f" (target {mem_target:.0f} MB)" if mem_target and mem else ""
    print(
        f"bench {name}: ours {sec:.1f} s (target {target:.0f} s){mem}, "
        f"{len(files)} files {size:.1f} MB, "
        f"{len(list(out.rglob('*.pdf')))} PDFs"
    )
    print(f"bench {name}: steps {_slowest(out / 'lauf.log')}")
    total, rest = _table_total(out / "lauf.log")
    print(
        f"bench {name}: wall {sec:.1f} s, CPU {cpu:.1f} s (process tree), step table {total:.1f} s "
        f"of which {rest:.1f} s between the steps"
    )


def _table_total(log: Path) -> tuple[float, float]:
    """The step table's total and its line of time between the steps (``lauf.log``)."""
    text = log.read_text(encoding="utf-8") if log.is_file() else ""
    total = re.findall(r"^(?:Summe|total)\s+(\d+\.\d)$", text, flags=re.M)
    rest = re.findall(r"^(?:Übrige Zeit|other time)[^\n]*?\s(\d+\.\d)$", text, flags=re.M)
    return (float(total[-1]) if total else 0.0), (float(rest[-1]) if rest else 0.0)


def _slowest(log: Path, n: int = 5) -> str:
    """The ``n`` slowest top-level steps of the run's step table in ``lauf.log``."""
    text = log.read_text(encoding="utf-8") if log.is_file() else ""
    rows = re.findall(r"^(\S.*?)\s{2,}(\d+\.\d)$", text, flags=re.M)
    rows = [(a, float(b)) for a, b in rows if a not in ("Summe", "total")]
    rows.sort(key=lambda r: -r[1])
    return ", ".join(f"{a} {b:.1f} s" for a, b in rows[:n])


def _city_config(work: Path) -> Path:
    """``examples/musterstadt/monitor.toml`` if present, else a generated 450-area district."""
    city = ROOT / "examples" / "musterstadt" / "monitor.toml"
    if city.is_file():
        return city
    return _generated_district(work, 450)


def _generated_district(work: Path, n_areas: int) -> Path:
    """Musterland's generator with about ``n_areas`` planning areas (same ten municipalities)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "musterland_generate", ROOT / "examples" / "musterland" / "generate.py"
    )
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    # the town's 22 areas are fixed by the generator; the other municipalities grow
    rest = sum(gen.N_SR[1:])
    grow = (n_areas - gen.N_SR[0]) / rest
    gen.N_SR = [gen.N_SR[0]] + [max(2, round(n * grow)) for n in gen.N_SR[1:]]
    gen.N_SR[-1] += n_areas - sum(gen.N_SR)
    sample = gen._sample_points
    closer = (1 / grow) ** 0.5  # seeds closer together in proportion to the area count

    def denser(rng, poly, n, min_dist, *args, **kw):
        kw["max_tries"] = max(kw.get("max_tries", 20000), 200000)
        kw["inner"] = kw.get("inner", 0.0) * closer
        return sample(rng, poly, n, min_dist * closer, *args, **kw)

    gen._sample_points = denser
    base = list(gen.VILLAGES)  # more village names: "Eichwalde 2", "Eichwalde 3", …
    gen.VILLAGES = base + [f"{v} {i}" for i in range(2, 2 + n_areas // len(base)) for v in base]
    ex, bd = work / "examples" / "musterland", work / "data" / "boundaries"
    ex.mkdir(parents=True)
    bd.mkdir(parents=True)
    gen.generate(bd, ex)
    src = ROOT / "examples" / "musterland"
    for f in ("katalog.toml", "massnahmen.csv", "demografie_raten.csv"):
        if (src / f).is_file() and not (ex / f).is_file():
            shutil.copy(src / f, ex / f)
    # the same settings; the boundary change of 2025 belongs to Musterland's own areas
    text = (src / "monitor.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^grenzen_neu.*\n", "", text)
    (ex / "monitor.toml").write_text(text, encoding="utf-8")
    return ex / "monitor.toml"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-run-") as d:
        d = Path(d)
        _run("run-musterland", ROOT / "examples" / "musterland" / "monitor.toml", d / "muster")
        shutil.rmtree(d / "muster", ignore_errors=True)
        try:
            cfg = _city_config(d / "stadt")
        except Exception as exc:  # noqa: BLE001 - the bench line says why
            print(f"bench run-stadt-450: not run (no city example: {exc})")
            return
        _run("run-stadt-450", cfg, d / "stadt-out")


if __name__ == "__main__":
    main()
