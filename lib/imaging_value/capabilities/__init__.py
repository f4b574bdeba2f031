"""The built-in capabilities, one module each: its answer, its section, its command-line text, its export and
its explorer panel, under one name (the module's ``NAME``), registered here in the order the request report
shows them.

Importing this package registers them; the registry itself is :mod:`imaging_value.engine.capability`, whose
names are re-exported here for everything above (the command line, the export, the reports, the explorer).
Nothing heavy is imported until an answer is computed.
"""

from __future__ import annotations

from ..engine.capability import (
    Capability,
    DataFile,
    Result,
    View,
    capabilities,
    capability,
    command_capability,
    data_files,
    load_dataset,
    register,
    unregister,
)
from . import (
    acceptability,
    alignment,
    decision,
    fairness,
    guidance,
    negotiation,
    portfolio,
    rank,
    recommend,
    scores,
    split,
    stability,
    terms,
    value,
)

__all__ = [
    "Capability",
    "DataFile",
    "Result",
    "View",
    "capabilities",
    "capability",
    "command_capability",
    "data_files",
    "load_dataset",
    "register",
    "unregister",
    "BUILTIN",
]

# in the report's order (each capability's ``order`` decides; listed here as they are shown)
BUILTIN = tuple(
    module.CAPABILITY
    for module in (
        portfolio,
        decision,
        terms,
        value,
        negotiation,
        recommend,
        rank,
        scores,
        alignment,
        acceptability,
        stability,
        split,
        fairness,
        guidance,
    )
)

for _capability in BUILTIN:
    register(_capability)
