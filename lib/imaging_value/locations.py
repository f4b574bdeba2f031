"""Where the workbook finds its data when no folder is given."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_ENV", "default_data_dir"]

DATA_ENV = "IMAGING_VALUE_DATA"


def default_data_dir() -> tuple[Path, str]:
    """The default data folder and where it came from: ``$IMAGING_VALUE_DATA``, else the project's samples.

    "The project" is the source tree this package was installed from (``pip install -e .``),
    so the command works from any folder, not only from the project root.
    """
    given = os.environ.get(DATA_ENV, "").strip()
    if given:
        return Path(given).expanduser(), f"from {DATA_ENV}"
    return (Path(__file__).resolve().parents[2] / "data" / "samples",
            f"data/samples of the project imaging-value was installed from; set {DATA_ENV} to use another")
