"""The yearly monitoring run (``sozialraum run monitor.toml``) and the Musterland demo."""

from sozialraum.pipeline.config import RunConfig, load_config, template
from sozialraum.pipeline.demo import find_example_data, load_musterland, run_demo
from sozialraum.pipeline.run import RunResult, RunState, run

__all__ = [
    "RunConfig",
    "RunResult",
    "RunState",
    "find_example_data",
    "load_config",
    "load_musterland",
    "run",
    "run_demo",
    "template",
]
