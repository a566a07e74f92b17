"""The pipeline's modules import each other in one direction only (also inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

import sozialraum.pipeline

PKG = Path(sozialraum.pipeline.__file__).parent


def _imports(path: Path) -> set[str]:
    """``sozialraum.pipeline.<module>`` names imported anywhere in the file."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for n in names:
            parts = n.split(".")
            if parts[:2] == ["sozialraum", "pipeline"] and len(parts) > 2:
                if (PKG / f"{parts[2]}.py").exists():
                    out.add(parts[2])
    return out


def _graph() -> dict[str, set[str]]:
    mods = [p for p in PKG.glob("*.py") if p.name != "__init__.py"]
    return {p.stem: _imports(p) - {p.stem} for p in mods}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for nxt in sorted(graph.get(m, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[m] = 2
        stack.pop()
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_module_circle_in_the_pipeline():
    assert _cycle(_graph()) is None, " → ".join(_cycle(_graph()) or [])


def test_writers_use_common_not_the_run():
    g = _graph()
    for writer in ("outputs", "presentation", "common"):
        assert "run" not in g[writer], f"pipeline.{writer} imports pipeline.run"
    assert "outputs" not in g["presentation"]
    assert not g["common"], "pipeline.common imports no other pipeline module"


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
