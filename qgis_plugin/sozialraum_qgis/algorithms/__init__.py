"""The algorithms of the provider (one module each, over :class:`.base.SozialraumAlgorithm`)."""

from __future__ import annotations

from .access import AccessAlgorithm
from .care import CareAlgorithm
from .certainty import CertaintyAlgorithm
from .classify import ClassifyAlgorithm
from .demography import DemographyAlgorithm
from .hotspots import HotspotAlgorithm
from .join import JoinAlgorithm
from .kita import KitaAlgorithm
from .lisa import LisaAlgorithm
from .monitor import MonitorAlgorithm
from .priority import PriorityAlgorithm
from .regions import OfferFinderAlgorithm, RegionRollupAlgorithm
from .release import ReleaseAlgorithm
from .report import SteckbriefAlgorithm
from .webmap import WebmapAlgorithm
from .zonal import ZonalAlgorithm

ALGORITHMS = [
    JoinAlgorithm,
    MonitorAlgorithm,
    CertaintyAlgorithm,
    ClassifyAlgorithm,
    PriorityAlgorithm,
    LisaAlgorithm,
    HotspotAlgorithm,
    AccessAlgorithm,
    KitaAlgorithm,
    CareAlgorithm,
    DemographyAlgorithm,
    ZonalAlgorithm,
    WebmapAlgorithm,
    SteckbriefAlgorithm,
    ReleaseAlgorithm,
    RegionRollupAlgorithm,
    OfferFinderAlgorithm,
]
