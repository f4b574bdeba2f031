"""Who contributed what to a request's data: its sites, their kinds, images and curation effort.

Apart from :mod:`analysis` so that pricing a term (``terms.access_cost``) does not import the
robustness and sharing maths.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.data import Dataset
from ..model.schema import SITE_KINDS, Request

__all__ = ["SiteContributions", "site_contributions"]


@dataclass(frozen=True)
class SiteContributions:
    """Who contributed what: from the request's ``contributions``, or assumed from site defaults."""

    sites: tuple[str, ...]
    kinds: tuple[str, ...]
    images: tuple[float, ...]
    effort: tuple[float, ...]
    assumed: bool  # True: images and effort come from site_defaults.csv, not the request
    total_stated: bool = False  # True: the request states how many items in all (``items``): only the split is assumed


def site_contributions(dataset: Dataset, request: Request) -> SiteContributions:
    """Each site's items and curation effort: as the request's contributions give them, else assumed by site kind
    from site_defaults.csv (scaled to the request's ``items`` where it states how many in all)."""
    defaults = {d.kind: d for d in dataset.site_defaults}
    contributions = request.sites.contributions
    if contributions is not None:
        return SiteContributions(
            sites=tuple(c.site for c in contributions),
            kinds=tuple(c.kind for c in contributions),
            images=tuple(c.images for c in contributions),
            effort=tuple(
                c.curation_effort if c.curation_effort is not None else defaults[c.kind].curation_effort
                for c in contributions
            ),
            assumed=False,
        )
    # no contributions given: the stated kinds in turn (or every kind, where none is stated)
    cycle = request.sites.kinds or SITE_KINDS
    kinds = tuple(cycle[i % len(cycle)] for i in range(request.sites.count))
    images = tuple(defaults[k].images for k in kinds)
    if request.items is not None:  # the total is stated: shared among the sites as the defaults share it
        typical = sum(images)
        images = (
            tuple(request.items * x / typical for x in images)
            if typical > 0
            else tuple(request.items / len(kinds) for _ in kinds)
        )
    return SiteContributions(
        sites=tuple(f"Site {i + 1} ({kind.replace('_', ' ')}, assumed)" for i, kind in enumerate(kinds)),
        kinds=kinds,
        images=images,
        effort=tuple(defaults[k].curation_effort for k in kinds),
        assumed=True,
        total_stated=request.items is not None,
    )
