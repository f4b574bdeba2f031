"""SMAA-2 stochastic multicriteria acceptability analysis of a weighted sum.

Method: Lahdelma, R. & Salminen, P. (2001) "SMAA-2: Stochastic multicriteria
acceptability analysis for group decision making", Operations Research 49(3),
444-454.

Each option ``i`` has scores ``s_ij`` (0..10) on levers ``j`` and utility
``U_i(w) = sum_j w_j * s_ij`` for a weight vector ``w`` on the simplex.  Weight
vectors (and, optionally, scores) are drawn at random and, for every draw, the
options are ranked (rank 1 = best; equal utilities are broken by option order,
the earlier option winning).  From the draws:

* rank acceptability ``b_i^r`` = share of draws in which option ``i`` has rank ``r``
  (Lahdelma & Salminen 2001, eq. 4);
* central weight vector ``w_i^c`` = mean of the weight vectors of the draws in
  which option ``i`` ranks first (eq. 5);
* confidence factor ``p_i^c`` = share of score draws in which option ``i`` ranks
  first when its central weight vector is used (eq. 6).

The input checks it shares with the other maths modules are in :mod:`.arrays`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.checks import check_real, check_samples, check_seed
from ..core.errors import ParameterError
from ..core.limits import MAX_CONCENTRATION
from .arrays import SCORE_MAX, SCORE_MIN, check_ids, check_scores, check_weight_vector, plain

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SmaaResult", "rank_acceptability", "DEFAULT_CONCENTRATION"]

DEFAULT_CONCENTRATION = 50.0  # Dirichlet concentration around a stakeholder profile
DIRICHLET_FLOOR = 1e-3  # a zero centre component gets alpha = DIRICHLET_FLOOR * concentration / k
_BATCH_CELLS = 2_000_000  # bound on array cells held at once (about 16 MB of float64)


# ---------------------------------------------------------------------------
# SMAA-2
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SmaaResult:
    """Outcome of :func:`rank_acceptability`, with the working tables.

    ``rank_acceptability``: options x ("rank 1".."rank m") shares; rows and columns sum to 1.
    ``win_counts``: number of draws in which each option ranked first.
    ``central_weights``: option -> {lever: weight}, or None if the option never ranked first.
    ``confidence``: option -> confidence factor, or None where there is no central weight vector.
    ``dirichlet_alpha``: the Dirichlet parameters the weights were drawn from (shows any floor).
    """

    options: tuple[Hashable, ...]
    levers: tuple[Hashable, ...]
    n_samples: int
    seed: int | None
    centre: tuple[float, ...] | None
    concentration: float | None
    score_uncertainty: float
    dirichlet_alpha: tuple[float, ...]
    rank_acceptability: pd.DataFrame
    win_counts: dict[Hashable, int]
    central_weights: dict[Hashable, dict[Hashable, float] | None]
    confidence: dict[Hashable, float | None]
    first_rank_share: dict[Hashable, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain Python."""
        return {
            "options": list(self.options),
            "levers": list(self.levers),
            "n_samples": self.n_samples,
            "seed": self.seed,
            "centre": None if self.centre is None else list(self.centre),
            "concentration": self.concentration,
            "score_uncertainty": self.score_uncertainty,
            "dirichlet_alpha": list(self.dirichlet_alpha),
            "rank_acceptability": {
                option: {col: plain(v) for col, v in row.items()} for option, row in self.rank_acceptability.iterrows()
            },
            "win_counts": dict(self.win_counts),
            "central_weights": {
                o: None if cw is None else {lv: float(x) for lv, x in cw.items()}
                for o, cw in self.central_weights.items()
            },
            "confidence": {o: plain(c) for o, c in self.confidence.items()},
            "first_rank_share": {o: plain(x) for o, x in self.first_rank_share.items()},
        }


def _draw_scores(rng: np.random.Generator, scores: np.ndarray, u: float, count: int) -> np.ndarray:
    """``count`` score matrices, each cell uniform on [s - u, s + u] clipped to [0, 10]."""
    drawn = rng.uniform(scores - u, scores + u, size=(count, *scores.shape))
    return np.clip(drawn, SCORE_MIN, SCORE_MAX, out=drawn)


def rank_acceptability(
    scores: Any,
    options: Iterable[Hashable],
    levers: Iterable[Hashable],
    *,
    n_samples: int = 10_000,
    seed: int | None = 0,
    centre: Any = None,
    concentration: float | None = None,
    score_uncertainty: float = 0.0,
) -> SmaaResult:
    """SMAA-2 (Lahdelma & Salminen 2001) for the weighted sum ``U_i(w) = sum_j w_j s_ij``.

    Weights: with ``centre`` None they are uniform on the simplex, i.e. Dirichlet(1, ..., 1);
    otherwise Dirichlet(alpha) with ``alpha_j = concentration * centre_j`` (mean ``centre``,
    larger ``concentration`` = tighter around it; default 50).  A zero centre component would
    make Dirichlet undefined, so every ``alpha_j`` is floored at
    ``DIRICHLET_FLOOR * concentration / k`` (1e-3 of the mean alpha); the centre is renormalised
    to sum exactly 1 first.

    Scores: with ``score_uncertainty`` u > 0 every draw also takes each score independently
    uniform on ``[s - u, s + u]``, clipped to [0, 10].

    Ranks: 1 = best; equal utilities are ranked by option order (earlier option better).

    Confidence factor ``p_i^c``: share of score draws in which option i ranks first under its
    central weights ``w_i^c``.  With u = 0 the scores are fixed, so it is 1.0 or 0.0; with u > 0
    it is estimated on a fresh set of ``n_samples`` score draws (after the main pass).

    Work is vectorised over draws (processed in batches of bounded memory); the same ``seed``
    gives identical results.
    """
    option_ids = check_ids(options, "options")
    lever_ids = check_ids(levers, "levers")
    s = check_scores(scores, option_ids, lever_ids)
    n = check_samples(n_samples, "n_samples")
    seed = check_seed(seed)
    u = check_real(score_uncertainty, "score_uncertainty", maximum=SCORE_MAX - SCORE_MIN)
    m, k = s.shape

    if centre is None:
        if concentration is not None:
            raise ParameterError("concentration", "None unless a centre weight vector is given", concentration)
        centre_vec = None
        conc = None
        alpha = np.ones(k)
    else:
        centre_vec = check_weight_vector(centre, lever_ids, "centre")
        centre_vec = centre_vec / centre_vec.sum()
        conc = (
            DEFAULT_CONCENTRATION
            if concentration is None
            else check_real(concentration, "concentration", positive=True, maximum=MAX_CONCENTRATION)
        )
        alpha = np.maximum(conc * centre_vec, DIRICHLET_FLOOR * conc / k)

    rng = np.random.default_rng(seed)
    rank_counts = np.zeros(m * m, dtype=np.int64)  # flattened [option, rank - 1]
    winner_weight_sums = np.zeros((m, k))
    rank_offsets = np.arange(m)
    option_index = np.arange(m)
    batch = max(1, _BATCH_CELLS // (m * k if u > 0 else max(m, k)))

    for start in range(0, n, batch):  # loop over memory batches, not over draws
        size = min(batch, n - start)
        w = rng.dirichlet(alpha, size=size)  # (size, k)
        if u > 0:
            drawn = _draw_scores(rng, s, u, size)  # (size, m, k)
            util = np.matmul(drawn, w[:, :, None])[:, :, 0]
        else:
            util = w @ s.T  # (size, m)
        order = np.argsort(-util, axis=1, kind="stable")  # order[d, r] = option at rank r+1
        rank_counts += np.bincount((order * m + rank_offsets).ravel(), minlength=m * m)
        first = order[:, 0] == option_index[:, None]  # (m, size) one-hot of the winner
        winner_weight_sums += first @ w

    import pandas as pd  # here, not at the top: scoring uses this module's comparable() without pandas

    counts = rank_counts.reshape(m, m)
    acceptability = pd.DataFrame(
        counts / n,
        index=pd.Index(option_ids, name="option"),
        columns=[f"rank {r}" for r in range(1, m + 1)],
    )
    wins = counts[:, 0]
    has_central = wins > 0
    central = np.full((m, k), np.nan)
    central[has_central] = winner_weight_sums[has_central] / wins[has_central, None]

    confidence = np.full(m, np.nan)
    idx = np.flatnonzero(has_central)
    wc = central[idx]  # (c, k)
    if u == 0:
        best = np.argmax(wc @ s.T, axis=1)  # first maximum = earliest option on ties
        confidence[idx] = (best == idx).astype(float)
    else:
        hits = np.zeros(len(idx), dtype=np.int64)
        batch_c = max(1, _BATCH_CELLS // (m * max(k, len(idx))))
        for start in range(0, n, batch_c):
            size = min(batch_c, n - start)
            drawn = _draw_scores(rng, s, u, size)  # (size, m, k)
            util = np.einsum("dmk,ck->dcm", drawn, wc, optimize=True)
            hits += (np.argmax(util, axis=2) == idx).sum(axis=0)
        confidence[idx] = hits / n

    central_weights: dict[Hashable, dict[Hashable, float] | None] = {}
    for i, option in enumerate(option_ids):
        central_weights[option] = (
            {lever: float(central[i, j]) for j, lever in enumerate(lever_ids)} if has_central[i] else None
        )
    return SmaaResult(
        options=option_ids,
        levers=lever_ids,
        n_samples=n,
        seed=seed,
        centre=None if centre_vec is None else tuple(float(x) for x in centre_vec),
        concentration=conc,
        score_uncertainty=u,
        dirichlet_alpha=tuple(float(a) for a in alpha),
        rank_acceptability=acceptability,
        win_counts={o: int(c) for o, c in zip(option_ids, wins)},
        central_weights=central_weights,
        confidence={o: (None if np.isnan(c) else float(c)) for o, c in zip(option_ids, confidence)},
        first_rank_share={o: float(x) for o, x in zip(option_ids, counts[:, 0] / n)},
    )
