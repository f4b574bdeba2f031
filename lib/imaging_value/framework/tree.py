"""Evaluating the decision tree on a (request, requester).

The tree is data (``decision_tree.yaml``). Evaluation returns the recommended
option and the path of answers, each with its rule's rationale. Where the tree
asks about a fact the request leaves ``unstated``, every branch is followed and
each outcome records the value it assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.conditions import facts_for
from ..model.data import Dataset
from ..model.schema import UNSTATED, Request

__all__ = ["Step", "Recommendation", "recommend"]


@dataclass(frozen=True)
class Step:
    """One answered question on the path through the tree."""

    node: str
    question: str
    fact: str
    answer: str  # the value that chose the branch (an assumed value where the request is unstated)
    rationale: str
    assumed: bool = False

    def to_dict(self) -> dict[str, str]:
        """The step as JSON: question, answer and rationale."""
        return {"question": self.question, "answer": self.answer, "rationale": self.rationale}


@dataclass(frozen=True)
class Recommendation:
    """The option the tree recommends for one requester, how it got there, and what it assumed."""

    request_id: str
    requester_index: int
    option: str
    path: tuple[Step, ...]
    assumed: dict[str, str | list[str]] = field(default_factory=dict)  # field -> value assumed for unstated facts


def _field_name(fact: str) -> str:
    return fact.rsplit(".", 1)[-1]


def recommend(dataset: Dataset, request: Request, requester_index: int = 0) -> list[Recommendation]:
    """Every outcome of the tree for one requester: one entry, or one per assumed branch."""
    requester = request.requester(requester_index)
    facts = facts_for(request, requester, dataset.derived_facts)
    nodes = {node.id: node for node in dataset.tree.nodes}
    outcomes: list[Recommendation] = []

    def walk(node_id: str, path: tuple[Step, ...], assumed: dict[str, str | list[str]]) -> None:
        node = nodes[node_id]
        actual = facts.get(node.fact)
        if actual == UNSTATED or actual is None:  # unstated, or null (a non-commercial requester's profit stage)
            branches = node.branches
        else:
            branches = tuple(b for b in node.branches if actual in b.when)
        for branch in branches:
            guessed = actual == UNSTATED or actual is None
            answer = branch.when[0] if len(branch.when) == 1 else list(branch.when)
            step = Step(
                node.id,
                node.question,
                node.fact,
                actual if not guessed else (answer if isinstance(answer, str) else " or ".join(answer)),
                branch.rationale,
                assumed=guessed,
            )
            now = dict(assumed)
            if guessed:
                now[_field_name(node.fact)] = answer
            if branch.option is not None:
                outcomes.append(Recommendation(request.id, requester_index, branch.option, path + (step,), now))
            else:
                walk(branch.next, path + (step,), now)  # type: ignore[arg-type]

    walk(dataset.tree.start, (), {})
    return outcomes
