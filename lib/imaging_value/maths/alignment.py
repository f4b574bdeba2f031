"""Stakeholder alignment: how far do stakeholder weight profiles agree on the options?

For each profile ``p`` with weights ``w_p`` the utility of option ``i`` is the weighted
sum ``U_ip = sum_j w_pj s_ij``; options are ranked best first (equal utilities go to the
earlier option).  Utilities are compared as ``rank`` compares them: equal to 9 decimal
places is equal, so float noise never turns a tie into a win.  Measures:

* Kendall's tau-b between two profiles' utility vectors (Kendall 1945, "The treatment of
  ties in ranking problems", Biometrika 33(3)):
  ``tau_b = (n_c - n_d) / sqrt((n_0 - n_1)(n_0 - n_2))``, computed here as
  ``sum_{i<j} sgn(U_ip - U_jp) sgn(U_iq - U_jq) / sqrt(T_p T_q)`` with ``T_p`` the number of
  pairs not tied under ``p`` (identical to ``scipy.stats.kendalltau``, variant "b").
  Undefined (NaN, None in ``to_dict``) when either vector is constant.
* Normalised score ``x_ip = (U_ip - min_i U_ip) / (max_i U_ip - min_i U_ip)`` (1.0 for all
  options if the profile's utilities are all equal).
* Worst case ``min_p x_ip`` and the win:win option, the maximin choice
  ``argmax_i min_p x_ip`` (Wald 1945 maximin criterion; ties to the earlier option).
* Pareto set: options no other option beats under every view, where ``a`` beats ``b`` if
  ``U_ap > U_bp`` for every profile (strict dominance, as the reconciliation rule's text
  promises: "beats it under every view"). An option that only equals another under some view
  is not beaten by it, so the set is the weakly Pareto-optimal options.
* Disagreement (rank spread): ``max_p rank_ip - min_p rank_ip``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.errors import ParameterError
from .arrays import check_ids, check_scores, check_weight_vector, comparable, plain

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AlignmentResult", "kendall_tau_b", "stakeholder_alignment"]


@dataclass(frozen=True)
class AlignmentResult:
    """Outcome of :func:`stakeholder_alignment`; tables are indexed by option / profile."""

    options: tuple[Hashable, ...]
    levers: tuple[Hashable, ...]
    profiles: tuple[str, ...]
    weight_table: pd.DataFrame  # profiles x levers
    utility_table: pd.DataFrame  # options x profiles
    rank_table: pd.DataFrame  # options x profiles, 1 = best
    rankings: dict[str, list[Hashable]]  # profile -> options best first
    kendall_tau: pd.DataFrame  # profiles x profiles, NaN where undefined
    normalised: pd.DataFrame  # options x profiles, 0..1
    worst_case: dict[Hashable, float]
    win_win: Hashable
    pareto: list[Hashable]
    disagreement: dict[Hashable, int]  # rank spread per option
    beaten_by: dict[Hashable, tuple[Hashable, ...]] = field(default_factory=dict)  # option -> options beating it

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain Python."""
        return {
            "profiles": list(self.profiles),
            "rankings": {p: list(r) for p, r in self.rankings.items()},
            "kendall_tau": {p: {q: plain(self.kendall_tau.loc[p, q]) for q in self.profiles} for p in self.profiles},
            "normalised": {p: {o: float(self.normalised.loc[o, p]) for o in self.options} for p in self.profiles},
            "worst_case": {o: float(x) for o, x in self.worst_case.items()},
            "win_win": self.win_win,
            "pareto": list(self.pareto),
            "rank_spread": {o: int(x) for o, x in self.disagreement.items()},
        }


def kendall_tau_b(utilities: np.ndarray) -> np.ndarray:
    """Kendall's tau-b between every pair of columns of ``utilities`` (items x columns).

    Vectorised over all pairs of items: ``tau_pq = S_pq / sqrt(S_pp S_qq)`` with
    ``S_pq = sum_{i,j} sgn(u_ip - u_jp) sgn(u_iq - u_jq)``; NaN where a column is constant.
    Values are compared as :func:`rank_options <imaging_value.framework.scoring.rank_options>` compares them
    (rounded to ``TIE_DECIMALS`` places), so options tied on paper count as ties, not as wins.
    """
    u = comparable(utilities)
    signs = np.sign(u[:, None, :] - u[None, :, :])  # (items, items, columns)
    concord = np.einsum("ijp,ijq->pq", signs, signs, optimize=True)
    untied = np.diag(concord)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = concord / np.sqrt(np.outer(untied, untied))
    tau[(untied[:, None] == 0) | (untied[None, :] == 0)] = np.nan
    return tau


def stakeholder_alignment(
    scores: Any,
    options: Iterable[Hashable],
    levers: Iterable[Hashable],
    profiles: Mapping[str, Any],
) -> AlignmentResult:
    """Compare the rankings that several stakeholder weight profiles give (see module docstring).

    ``profiles``: profile name -> weight vector (sequence in lever order, or mapping
    lever -> weight), each non-negative and summing to 1.
    """
    import pandas as pd  # here, not at the top: the command line ranks options without pandas

    option_ids = check_ids(options, "options")
    lever_ids = check_ids(levers, "levers")
    s = check_scores(scores, option_ids, lever_ids)
    if not isinstance(profiles, Mapping) or not profiles:
        raise ParameterError("profiles", "a non-empty mapping of profile name -> weight vector", profiles)
    names: list[str] = []
    for name in profiles:
        if not isinstance(name, str) or not name:
            raise ParameterError("profiles", "non-empty string profile names", name)
        names.append(name)
    weights = np.vstack([check_weight_vector(profiles[p], lever_ids, f"profiles[{p!r}]") for p in names])

    m = len(option_ids)
    utilities = s @ weights.T  # (m, p)
    compared = comparable(utilities)  # ties as rank_options sees them: float noise decides no order
    order = np.argsort(-compared, axis=0, kind="stable")  # order[r, p] = option at rank r + 1
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, m + 1)[:, None], axis=0)

    low = utilities.min(axis=0)
    span = utilities.max(axis=0) - low
    with np.errstate(divide="ignore", invalid="ignore"):
        normalised = np.where(span > 0, (utilities - low) / np.where(span > 0, span, 1.0), 1.0)
    worst = normalised.min(axis=1)
    win_win = int(np.argmax(worst))  # first maximum: ties to the earlier option

    # beats[a, b]: a is better than b under every profile (strictly); b is dominated when some a beats it
    # (np.asarray: numpy's stubs do not know an all() or any() along an axis is an array)
    beats = np.asarray((compared[:, None, :] > compared[None, :, :]).all(axis=2))
    dominated = np.asarray(beats.any(axis=0))

    option_index = pd.Index(option_ids, name="option")
    profile_index = pd.Index(names, name="profile")
    tau = kendall_tau_b(compared)
    spread = ranks.max(axis=1) - ranks.min(axis=1)
    return AlignmentResult(
        options=option_ids,
        levers=lever_ids,
        profiles=tuple(names),
        weight_table=pd.DataFrame(weights, index=profile_index, columns=pd.Index(lever_ids, name="lever")),
        utility_table=pd.DataFrame(utilities, index=option_index, columns=profile_index),
        rank_table=pd.DataFrame(ranks, index=option_index, columns=profile_index),
        rankings={p: [option_ids[i] for i in order[:, c]] for c, p in enumerate(names)},
        kendall_tau=pd.DataFrame(tau, index=profile_index, columns=profile_index.rename("vs")),
        normalised=pd.DataFrame(normalised, index=option_index, columns=profile_index),
        worst_case={o: float(x) for o, x in zip(option_ids, worst)},
        win_win=option_ids[win_win],
        pareto=[o for o, d in zip(option_ids, dominated) if not d],
        disagreement={o: int(x) for o, x in zip(option_ids, spread)},
        beaten_by={b: tuple(a for i, a in enumerate(option_ids) if beats[i, j]) for j, b in enumerate(option_ids)},
    )
