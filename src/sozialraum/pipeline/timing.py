"""Time of every step of a run, for ``lauf.log`` and the run's summary.

A :class:`RunTimer` lives on the run's state (``state.timer``). Every step, the
computations and each output step (tables, web map, profiles and PDFs per release
level, report, packages, checks), is timed with :func:`timed`::

    with timed(state, "steckbriefe", level="intern"):
        ...

Steps left out by a switch (``--ohne pdf``, ``[ausgaben] pdf = false``) are
recorded with :meth:`RunTimer.skip`, so that the summary says what was not made.
Nested steps (the PDFs inside the profiles of a level) are shown indented and not
added twice to the total.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

__all__ = ["OUTPUT_STEPS", "RunTimer", "StepTime", "on_time", "process_started", "timed"]

#: Output steps of a run: key → (German, English) label. ``{level}`` is the release level.
OUTPUT_STEPS: dict[str, tuple[str, str]] = {
    "start": (
        "Start: Python, Bibliotheken und Konfiguration laden",
        "start-up: Python, libraries and configuration",
    ),
    "browser": (
        "Browser für den PDF-Druck starten und beenden",
        "starting and stopping the browser",
    ),
    "freigabedaten": (
        "Freigabe vorbereiten (Regeln prüfen, interne Daten aller Pakete)",
        "preparing the releases (rules, internal data of all packages)",
    ),
    "paket_rest": (
        "Freigabepaket {level}: Berichtsdaten, Planung, Regionen",
        "release package {level}: report data, planning, regions",
    ),
    "pakete_parallel": (
        "Freigabepakete auf zwei Prozessen (Tabellen, Karten, Berichte, Webseiten; darin:)",
        "release packages on two processes (tables, maps, reports, websites; of which:)",
    ),
    "webseite_pruefung": (
        "Freigabeprüfung der Webseiten",
        "release check of the websites",
    ),
    "pruefbericht": ("Prüfbericht schreiben", "writing the check report"),
    "hinweise": ("Hinweise zu den Daten", "notes on the data"),
    "tabellen": (
        "Ergebnistabellen (GeoPackage, Verknüpfungsbericht)",
        "result tables (GeoPackage)",
    ),
    "excel": ("Excel-Tabellen", "Excel tables"),
    "extras": (
        "Demografie, Maßnahmen, Abbildungen, Raster",
        "demography, measures, figures, rasters",
    ),
    "berichtsdaten": (
        "Berichtsdaten (Vorjahresklassen)",
        "report data (previous year's classes)",
    ),
    "webkarte": ("Webkarte {level}", "web map {level}"),
    "webseite": ("Webseite (Sozialatlas) {level}", "website (social atlas) {level}"),
    "steckbriefe": ("Steckbriefe {level}", "profiles {level}"),
    "diagramme": ("Karten und Diagramme {level}", "maps and charts {level}"),
    "pdf": ("PDF-Druck {level}", "PDF printing {level}"),
    "sozialbericht": ("Sozialbericht {level}", "social report {level}"),
    "pakete": ("Freigabepaket {level} (Tabellen)", "release package {level} (tables)"),
    "pruefung": ("Freigabeprüfung {level}", "release check {level}"),
    "pruefung_alle": ("Freigabeprüfung aller Pakete", "release check of all packages"),
    "audit": ("Geheimhaltungsprüfung aller Pakete", "suppression audit of all packages"),
    "audit_daneben": (
        "Geheimhaltungsprüfung aller Pakete (daneben, während der Freigabeprüfung)",
        "suppression audit of all packages (beside the release check)",
    ),
    "pdf_rest": ("Warten auf die letzten PDFs", "waiting for the last PDFs"),
    "pdf_warten": (
        "darin Warten auf die PDFs der Pakete",
        "of which waiting for the packages' PDFs",
    ),
    "muster_vorab": (
        "Geheimhaltungsmuster der früheren Jahre vorab berechnet (neben den Rechenschritten)",
        "suppression patterns of the earlier years computed ahead (beside the computation)",
    ),
    "muster_jahr_vorab": (
        "Geheimhaltungsmuster des Berichtsjahres vorab berechnet (neben den internen Ausgaben)",
        "suppression pattern of the report year computed ahead (beside the internal outputs)",
    ),
    "vorab": (
        "Abbildungen der Steckbriefe vorab gezeichnet (neben den Rechenschritten)",
        "profile charts drawn ahead (beside the computation steps)",
    ),
    "pdf_all": (
        "PDF-Druck aller Dokumente (im Hintergrund, neben den Schritten oben)",
        "PDF printing of all documents (in the background, beside the steps above)",
    ),
    "manifest": ("Manifest mit Prüfsummen", "manifest with checksums"),
    "rest": (
        "Übrige Zeit zwischen den Schritten (nicht einzeln gemessen)",
        "other time between the steps (not measured one by one)",
    ),
}


#: Release levels as the step table names them.
_LEVEL_WORDS = {
    "intern": ("intern", "internal"),
    "oeffentlich": ("öffentlich", "public"),
    "kommunal": ("kommunal", "municipal"),
}


@dataclass
class StepTime:
    """One timed (or skipped) step."""

    key: str
    label: str
    seconds: float
    depth: int = 0
    skipped: str | None = None  # why it was skipped (None: it ran)


@dataclass
class RunTimer:
    """Collects step times; ``log`` (e.g. ``logger.info``) gets one line per finished step."""

    lang: str = "de"
    log: Callable[[str], None] | None = None
    steps: list[StepTime] = field(default_factory=list)
    _depth: int = 0

    def label(self, key: str, level: str | None = None, text: str | None = None) -> str:
        if text is not None:
            return text
        de, en = OUTPUT_STEPS.get(key, (key, key))
        lab = de if self.lang == "de" else en
        words = _LEVEL_WORDS.get(level or "", (level or "", level or ""))
        return " ".join(lab.replace("{level}", words[0 if self.lang == "de" else 1]).split())

    @contextmanager
    def step(
        self, key: str, *, level: str | None = None, text: str | None = None
    ) -> Iterator[StepTime]:
        """Time the block as step ``key`` (``level`` fills ``{level}`` in its label)."""
        rec = StepTime(key, self.label(key, level, text), 0.0, self._depth)
        self.steps.append(rec)
        self._depth += 1
        t0 = time.perf_counter()
        try:
            yield rec
        finally:
            rec.seconds = time.perf_counter() - t0
            self._depth -= 1
            if self.log is not None:
                self.log(f"   {'  ' * rec.depth}{rec.label}: {rec.seconds:.1f} s")

    def nest(self) -> None:
        """Record the next steps one level deeper (a copy of the run working inside a group step)."""
        self._depth += 1

    def add(
        self, key: str, seconds: float, *, level: str | None = None, nested: bool = False
    ) -> None:
        """Record a step timed elsewhere (e.g. the PDF printing inside the profiles).

        ``nested``: shown indented and not added to the total (it ran beside other steps).
        """
        rec = StepTime(key, self.label(key, level), seconds, max(self._depth, int(nested)))
        self.steps.append(rec)
        if self.log is not None:
            self.log(f"   {'  ' * rec.depth}{rec.label}: {rec.seconds:.1f} s")

    def skip(self, key: str, why: str, *, level: str | None = None) -> None:
        """Record that step ``key`` was left out, and why (the switch that did it)."""
        rec = StepTime(key, self.label(key, level), 0.0, self._depth, skipped=why)
        self.steps.append(rec)
        if self.log is not None:
            self.log(
                f"   {'  ' * rec.depth}{rec.label}: "
                + ("ausgelassen" if self.lang == "de" else "skipped")
                + f" ({why})"
            )

    @property
    def total(self) -> float:
        """Seconds of the top-level steps (nested ones are part of their parents)."""
        return sum(s.seconds for s in self.steps if s.depth == 0 and s.skipped is None)

    def table(self, lang: str | None = None) -> str:
        """A plain-text table: one line per step with its seconds, skipped steps marked."""
        de = (lang or self.lang) == "de"
        rows = [(("Schritt" if de else "step"), ("Sekunden" if de else "seconds"))]
        skipped = [s for s in self.steps if s.skipped is not None]
        # the same step of many packages (one per municipality) is one line: "(× 10)"
        merged: dict[tuple[int, str], list[float]] = {}
        for s in self.steps:
            if s.skipped is None:
                merged.setdefault((s.depth, s.label), []).append(s.seconds)
        for (depth, label), secs in merged.items():
            times = f" (× {len(secs)})" if len(secs) > 1 else ""
            rows.append(("  " * depth + label + times, f"{sum(secs):.1f}"))
        rows.append((("Summe" if de else "total"), f"{self.total:.1f}"))
        width = max(len(r[0]) for r in rows)
        lines = [f"{a:<{width}}  {b:>8}" for a, b in rows]
        lines.insert(1, "-" * (width + 10))
        lines.insert(len(lines) - 1, "-" * (width + 10))
        if skipped:
            lines.append("Ausgelassen:" if de else "Skipped:")
            lines += [f"  {s.label} ({s.skipped})" for s in skipped]
        return "\n".join(lines)

    def skipped(self) -> list[StepTime]:
        return [s for s in self.steps if s.skipped is not None]

    def close(self, wall: float) -> float:
        """Add the time of ``wall`` seconds that no step measured as a line of its own.

        After this the table's total is the wall-clock time of the run, and the line
        ``rest`` says how much of it lies between the steps (small when every piece of
        work is timed). Returns those seconds.
        """
        rest = max(wall - self.total, 0.0)
        self.add("rest", rest)
        return rest


def process_started() -> float | None:
    """``time.perf_counter()`` at the start of this process (Linux), else None.

    The command line passes it to the run so that the start-up (interpreter,
    imports, reading the configuration) has its own line in the step table.
    """
    import os

    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        ticks = int(fields[19])  # field 22 of proc(5): start time after boot, clock ticks
        with open("/proc/uptime", "rb") as f:
            uptime = float(f.read().split()[0])
        age = uptime - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return time.perf_counter() - max(age, 0.0)


def timed(state, key: str, *, level: str | None = None, text: str | None = None):
    """``state.timer.step(...)`` when the run keeps times, else a no-op context."""
    timer = getattr(state, "timer", None)
    if timer is None:
        return nullcontext()
    return timer.step(key, level=level, text=text)


def on_time(state, level: str | None = None) -> Callable[[str, float], None] | None:
    """A callback ``(step, seconds)`` for steps timed inside a report function, or None."""
    timer = getattr(state, "timer", None)
    if timer is None:
        return None

    def record(key: str, seconds: float) -> None:
        timer.add(key, seconds, level=level)

    return record
