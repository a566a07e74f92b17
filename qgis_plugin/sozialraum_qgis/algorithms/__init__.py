"""The algorithms of the provider (one module each, over :class:`.base.SozialraumAlgorithm`)."""

from __future__ import annotations

from .access import AccessAlgorithm
from .classify import ClassifyAlgorithm
from .hotspots import HotspotAlgorithm
from .join import JoinAlgorithm
from .lisa import LisaAlgorithm
from .monitor import MonitorAlgorithm
from .regions import OfferFinderAlgorithm, RegionRollupAlgorithm
from .release import ReleaseAlgorithm
from .report import SteckbriefAlgorithm
from .webmap import WebmapAlgorithm
from .zonal import ZonalAlgorithm

ALGORITHMS = [
    JoinAlgorithm,
    MonitorAlgorithm,
    ClassifyAlgorithm,
    LisaAlgorithm,
    HotspotAlgorithm,
    AccessAlgorithm,
    ZonalAlgorithm,
    WebmapAlgorithm,
    SteckbriefAlgorithm,
    ReleaseAlgorithm,
    RegionRollupAlgorithm,
    OfferFinderAlgorithm,
]
