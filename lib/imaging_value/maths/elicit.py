"""Weight elicitation: pure functions from a participant's answers to lever weights.

Four methods, each with its source:

* **Swing weighting** (SMART; von Winterfeldt and Edwards 1986, "Decision Analysis and
  Behavioral Research"; Edwards and Barron 1994). Each lever's swing from its worst to its best
  level is rated against the most important swing, which scores 100; weights are the ratings
  divided by their sum.
* **Rank-order centroid** (SMARTER; Barron and Barrett 1996, "Decision quality using ranked
  attribute weights", Management Science 42(11)). With n levers ranked, the lever at position k
  (1 = most important) weighs ``w_k = (1/n) * sum_{i=k..n} 1/i``. Tied levers share equally the
  centroid weights of the positions they occupy (this framework's reading for ties).
* **Point allocation**: 100 points spread across the levers; weights are points / 100.
* **AHP pairwise comparisons** (Saaty 1980, "The Analytic Hierarchy Process"; Saaty 1990, "How
  to make a decision", European Journal of Operational Research 48). Judgements a_ij on Saaty's
  1 to 9 scale (a_ji = 1/a_ij); weights are the principal (Perron) eigenvector; consistency
  index CI = (lambda_max - n) / (n - 1); consistency ratio CR = CI / RI(n) with Saaty's random
  index. Judgements with CR above 0.1 are accepted with a warning naming the comparison that
  departs most from the weights (the largest a_ij * w_j / w_i or its inverse; Saaty 2003,
  "Decision-making with the AHP: why is the principal eigenvector necessary", EJOR 145).

Within a group (:func:`aggregate_group`): AHP judgements are combined by the element-wise
geometric mean of the participants' matrices (aggregation of individual judgements; Forman and
Peniwati 1998, EJOR 108); the other methods' weights by the arithmetic mean. The spread is the
population standard deviation of the participants' own weights, per lever.

Inputs here are already validated (see :mod:`imaging_value.summits` for the answer files);
these functions only raise :class:`ParameterError` for shapes they cannot work with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.errors import ParameterError

__all__ = [
    "METHODS",
    "METHOD_SOURCES",
    "RANDOM_INDEX",
    "CR_THRESHOLD",
    "AhpResult",
    "GroupWeights",
    "swing_weights",
    "rank_order_centroid",
    "point_weights",
    "ahp_matrix",
    "ahp",
    "participant_weights",
    "aggregate_group",
]

METHODS = ("swing", "rank", "points", "ahp")
METHOD_SOURCES = {
    "swing": "swing weighting (SMART; von Winterfeldt and Edwards 1986)",
    "rank": "rank-order centroid (SMARTER; Barron and Barrett 1996)",
    "points": "point allocation (100 points)",
    "ahp": "AHP pairwise comparisons, principal eigenvector (Saaty 1980)",
}
# Saaty's random consistency index RI(n) (Saaty 1980, table 1.7): mean CI of random reciprocal matrices.
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
CR_THRESHOLD = 0.1  # Saaty: a consistency ratio above 0.1 calls for the judgements to be revisited


def _levers(levers: Sequence[str]) -> tuple[str, ...]:
    ids = tuple(levers)
    if not ids or len(set(ids)) != len(ids):
        raise ParameterError("levers", "a non-empty sequence of distinct lever ids", ids)
    return ids


def _numbers(values: Mapping[str, Any], levers: tuple[str, ...], parameter: str) -> np.ndarray:
    if not isinstance(values, Mapping) or set(values) != set(levers):
        raise ParameterError(parameter, "a number for each lever: " + ", ".join(levers), values)
    vector = np.array([float(values[lever]) for lever in levers])
    if not np.all(np.isfinite(vector)) or np.any(vector < 0) or vector.sum() <= 0:
        raise ParameterError(parameter, "finite numbers of at least 0, not all 0", values)
    return vector


def _as_weights(vector: np.ndarray, levers: tuple[str, ...]) -> dict[str, float]:
    return {lever: float(x) for lever, x in zip(levers, vector / vector.sum())}


def swing_weights(ratings: Mapping[str, float], levers: Sequence[str]) -> dict[str, float]:
    """SMART swing weights: each rating (0..100, the largest swing 100) divided by their sum."""
    ids = _levers(levers)
    return _as_weights(_numbers(ratings, ids, "ratings"), ids)


def point_weights(points: Mapping[str, float], levers: Sequence[str]) -> dict[str, float]:
    """Point allocation: each lever's share of the points (100 in an answer file)."""
    ids = _levers(levers)
    return _as_weights(_numbers(points, ids, "points"), ids)


def rank_order_centroid(ranking: Sequence[str | Sequence[str]], levers: Sequence[str]) -> dict[str, float]:
    """Rank-order centroid weights from a ranking, best first; a nested sequence is a tie.

    Position k of n weighs (1/n) * sum_{i=k..n} 1/i; tied levers share equally the weights of
    the positions they occupy.
    """
    ids = _levers(levers)
    groups = [(item,) if isinstance(item, str) else tuple(item) for item in ranking]
    flat = [lever for group in groups for lever in group]
    if sorted(flat) != sorted(ids) or any(not group for group in groups):
        raise ParameterError("ranking", "every lever exactly once: " + ", ".join(ids), ranking)
    n = len(ids)
    centroid = [sum(1.0 / i for i in range(k, n + 1)) / n for k in range(1, n + 1)]
    weights: dict[str, float] = {}
    position = 0
    for group in groups:
        share = sum(centroid[position : position + len(group)]) / len(group)
        for lever in group:
            weights[lever] = share
        position += len(group)
    return {lever: weights[lever] for lever in ids}


def ahp_matrix(judgements: Mapping[tuple[str, str], float], levers: Sequence[str]) -> np.ndarray:
    """The reciprocal comparison matrix from judgements {(a, b): v}, v = how many times a outweighs b.

    Each pair must be judged once (either way round); the diagonal is 1 and a_ji = 1 / a_ij.
    """
    ids = _levers(levers)
    index = {lever: i for i, lever in enumerate(ids)}
    n = len(ids)
    matrix = np.ones((n, n))
    seen: set[frozenset[str]] = set()
    for (a, b), value in judgements.items():
        pair = frozenset((a, b))
        if a not in index or b not in index or a == b or pair in seen:
            raise ParameterError("judgements", "each pair of distinct levers once", (a, b))
        v = float(value)
        if not np.isfinite(v) or v <= 0:
            raise ParameterError("judgements", "a positive number", value)
        seen.add(pair)
        matrix[index[a], index[b]] = v
        matrix[index[b], index[a]] = 1.0 / v
    if len(seen) != n * (n - 1) // 2:
        raise ParameterError("judgements", f"all {n * (n - 1) // 2} pairs of levers", len(seen))
    return matrix


@dataclass(frozen=True)
class AhpResult:
    """The principal eigenvector of a comparison matrix and its consistency, with the working."""

    levers: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    weights: dict[str, float]
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    most_inconsistent: tuple[str, str]  # the comparison (a, b) furthest from w_a / w_b
    judged: float  # a_ab as judged
    implied: float  # w_a / w_b, what the weights imply
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain Python."""
        return {
            "levers": list(self.levers),
            "matrix": [list(row) for row in self.matrix],
            "weights": dict(self.weights),
            "lambda_max": self.lambda_max,
            "consistency_index": self.consistency_index,
            "random_index": self.random_index,
            "consistency_ratio": self.consistency_ratio,
            "most_inconsistent": list(self.most_inconsistent),
            "judged": self.judged,
            "implied": self.implied,
            "warnings": list(self.warnings),
        }


def ahp(matrix: Any, levers: Sequence[str]) -> AhpResult:
    """Principal-eigenvector weights, lambda_max, CI and CR of a positive reciprocal matrix."""
    ids = _levers(levers)
    a = np.asarray(matrix, dtype=float)
    n = len(ids)
    if a.shape != (n, n) or not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ParameterError("matrix", f"a positive {n} x {n} matrix", a.shape)
    if not np.allclose(a * a.T, 1.0, rtol=1e-9, atol=1e-12):
        raise ParameterError("matrix", "a reciprocal matrix (a_ji = 1 / a_ij, diagonal 1)", a.tolist())
    if n > max(RANDOM_INDEX):
        raise ParameterError("levers", f"at most {max(RANDOM_INDEX)} levers (Saaty's random index table)", n)
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))  # Perron root: real, positive and largest for a positive matrix
    lambda_max = float(values[k].real)
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    ci = max(0.0, (lambda_max - n) / (n - 1)) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    ratio = a * w[None, :] / w[:, None]  # a_ij * w_j / w_i: 1 where the judgement agrees with the weights
    deviation = np.maximum(ratio, 1.0 / ratio)
    np.fill_diagonal(deviation, 0.0)
    i, j = np.unravel_index(int(np.argmax(np.triu(deviation, 1))), deviation.shape) if n > 1 else (0, 0)
    pair = (ids[i], ids[j])
    warnings: tuple[str, ...] = ()
    if cr > CR_THRESHOLD:
        warnings = (
            f"consistency ratio {cr:.3f} is above {CR_THRESHOLD} (Saaty): the judgements are accepted, but "
            f"the most inconsistent comparison is {ids[i]}/{ids[j]}, judged {_fraction(a[i, j])} where the "
            f"weights imply {w[i] / w[j]:.2f}",
        )
    return AhpResult(
        levers=ids,
        matrix=tuple(tuple(float(x) for x in row) for row in a),
        weights={lever: float(x) for lever, x in zip(ids, w)},
        lambda_max=lambda_max,
        consistency_index=float(ci),
        random_index=ri,
        consistency_ratio=float(cr),
        most_inconsistent=pair,
        judged=float(a[i, j]),
        implied=float(w[i] / w[j]),
        warnings=warnings,
    )


def _fraction(value: float) -> str:
    """A judgement as a facilitator would say it: 3, 1/5, or 2.47 for a geometric mean."""
    if value >= 1:
        return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"
    inverse = 1.0 / value
    return f"1/{inverse:g}" if abs(inverse - round(inverse)) < 1e-9 else f"{value:.2f}"


def participant_weights(method: str, answer: Any, levers: Sequence[str]) -> dict[str, float]:
    """One participant's weights by the named method (AHP: ``answer`` is the judgements mapping)."""
    if method == "swing":
        return swing_weights(answer, levers)
    if method == "points":
        return point_weights(answer, levers)
    if method == "rank":
        return rank_order_centroid(answer, levers)
    if method == "ahp":
        return ahp(ahp_matrix(answer, levers), levers).weights
    raise ParameterError("method", " | ".join(METHODS), method)


@dataclass(frozen=True)
class GroupWeights:
    """One group's weights from its participants' answers, with the spread between them."""

    group: str
    method: str
    participants: int
    levers: tuple[str, ...]
    weights: dict[str, float]  # the group's weights, normalised
    spread: dict[str, float]  # population standard deviation of the participants' own weights
    individual: tuple[dict[str, float], ...]  # each participant's own weights, in file order
    consistency_ratio: float | None  # AHP: CR of the aggregated matrix; None for the other methods
    ahp: AhpResult | None  # AHP: the aggregated matrix's working
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The ``elicit --json`` answer."""
        return {
            "group": self.group,
            "method": self.method,
            "participants": self.participants,
            "weights": dict(self.weights),
            "spread": dict(self.spread),
            "consistency_ratio": self.consistency_ratio,
            "warnings": list(self.warnings),
        }


def aggregate_group(group: str, method: str, answers: Sequence[Any], levers: Sequence[str]) -> GroupWeights:
    """A group's weights: AHP by the geometric mean of the judgement matrices, the others by the mean weights.

    The result does not depend on the order of ``answers``.
    """
    ids = _levers(levers)
    if method not in METHODS:
        raise ParameterError("method", " | ".join(METHODS), method)
    if not answers:
        raise ParameterError("participants", "at least one participant's answers", 0)
    individual = tuple(participant_weights(method, answer, ids) for answer in answers)
    table = np.array([[w[lever] for lever in ids] for w in individual])
    spread = {lever: float(x) for lever, x in zip(ids, table.std(axis=0))}
    warnings: list[str] = []
    result = None
    if method == "ahp":
        matrices = np.array([ahp_matrix(answer, ids) for answer in answers])
        combined = np.exp(np.log(matrices).mean(axis=0))  # element-wise geometric mean: still reciprocal
        result = ahp(combined, ids)
        weights = dict(result.weights)
        for number, answer in enumerate(answers, start=1):
            own = ahp(ahp_matrix(answer, ids), ids)
            if own.consistency_ratio > CR_THRESHOLD and len(answers) > 1:
                warnings.append(f"participant {number}: " + own.warnings[0])
        warnings = list(result.warnings) + warnings
    else:
        mean = table.mean(axis=0)
        weights = {lever: float(x) for lever, x in zip(ids, mean / mean.sum())}
    return GroupWeights(
        group=group,
        method=method,
        participants=len(answers),
        levers=ids,
        weights=weights,
        spread=spread,
        individual=individual,
        consistency_ratio=None if result is None else result.consistency_ratio,
        ahp=result,
        warnings=tuple(warnings),
    )
