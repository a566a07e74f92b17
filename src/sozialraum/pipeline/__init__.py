"""Whole runs: the Musterland demo (and, later, the yearly run from a config file)."""

from sozialraum.pipeline.demo import DemoResult, run_demo

__all__ = ["DemoResult", "run_demo"]
