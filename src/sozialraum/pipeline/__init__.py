"""The yearly monitoring run (``sozialraum run monitor.toml``) and the Musterland demo."""

from sozialraum.pipeline.check import CheckReport, Finding, check_config
from sozialraum.pipeline.config import RunConfig, collect_config, load_config, template
from sozialraum.pipeline.demo import find_example_data, load_musterland, run_demo
from sozialraum.pipeline.run import RunResult, RunState, run

__all__ = [
    "CheckReport",
    "Finding",
    "RunConfig",
    "RunResult",
    "RunState",
    "check_config",
    "collect_config",
    "find_example_data",
    "load_config",
    "load_musterland",
    "run",
    "run_demo",
    "template",
]
