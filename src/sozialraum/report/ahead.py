"""Profile charts drawn ahead by a forked copy while the run computes its last steps.

The copy (:mod:`sozialraum.core.ahead`) lists the charts of the internal profiles
from what is computed so far and draws them one by one; the run takes every chart
drawn so far when it writes the profiles (:meth:`ChartsAhead.take`) and draws the
rest as before. A chart is taken only under its full key
(:func:`~sozialraum.report.charts.cached_uri`: the key names everything the chart
shows), so a chart drawn from data that change later has another key and is simply
drawn again: the images are the same as without drawing ahead.
"""

from __future__ import annotations

from collections.abc import Callable

from sozialraum.core.ahead import Ahead, start_ahead
from sozialraum.report import charts

__all__ = ["ChartsAhead", "draw_ahead"]


class ChartsAhead:
    """A forked copy drawing charts; ``images`` are those it has sent so far."""

    def __init__(self, ahead: Ahead) -> None:
        self._ahead = ahead
        self._proc = ahead._proc

    @property
    def images(self) -> dict:
        return self._ahead.results

    @property
    def error(self) -> str | None:
        return self._ahead.error

    @property
    def seconds(self) -> float:
        return self._ahead.seconds

    def take(self) -> int:
        """Stop the copy after its current chart; put its charts into the shared chart cache.

        Returns the number of charts taken (those the cache did not hold yet).
        """
        return charts.add_drawn(self._ahead.take())

    def close(self) -> None:
        """End the copy (at once if it still runs)."""
        self._ahead.close()


def draw_ahead(list_jobs: Callable[[], list]) -> ChartsAhead | None:
    """Fork a copy that draws the charts ``list_jobs()`` lists; None where it cannot fork.

    ``list_jobs`` runs in the copy, inside :func:`~sozialraum.report.charts.shared_charts`,
    and returns ``(key, draw)`` pairs as :func:`~sozialraum.report.charts.collecting`
    gives them (e.g. :func:`~sozialraum.report.steckbrief.profile_chart_jobs`).
    """

    def produce(emit, stopped) -> None:
        with charts.shared_charts():
            for full, make in dict(list_jobs()).items():  # one drawing per key
                if stopped():
                    return
                fig = make()
                emit(full, charts.to_data_uri(fig, full[1]) if fig is not None else None)

    ahead = start_ahead(produce)
    return ChartsAhead(ahead) if ahead is not None else None
