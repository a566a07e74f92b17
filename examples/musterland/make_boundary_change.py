"""Write Musterland's Sozialräume from 2025 (a boundary change) to grenzen_2025.gpkg.

The Bahnhofsviertel (07999001012) is split into Nord (07999001023) and Süd
(07999001024); Wüstemark (07999010005) and Täubchenthal (07999010006) are merged
into Wüstemark-Täubchenthal (07999010007). All other areas are unchanged. Used by
the Sozialstrukturatlas (``sozialraum.atlas.build_musterland_atlas``):

    .venv/bin/python examples/musterland/make_boundary_change.py
"""

from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def main() -> Path:
    os.environ.setdefault("OGR_CURRENT_DATE", "2024-12-31T00:00:00Z")  # reproducible file
    from sozialraum.atlas.musterland import boundary_change_2025
    from sozialraum.io import read_areas, write_gpkg

    areas = read_areas(
        ROOT / "data" / "boundaries" / "musterland.gpkg",
        layer="sozialraeume",
        key="sr_id",
        name="sr_name",
    )
    new = boundary_change_2025(areas)
    return write_gpkg(new, HERE / "grenzen_2025.gpkg", "sozialraeume", append_layer=False)


if __name__ == "__main__":
    print(main())
