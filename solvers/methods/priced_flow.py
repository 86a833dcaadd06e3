"""Min-cost flow over a large model's own pairs by column generation, not one flow over them all.

A side-constrained model of a 20,000-person city has about 12 million pairs, and its flow
relaxation (the model without side constraints) is solved several times: for the upper bound,
and in each round of the heuristic that repairs it. One min-cost flow over every pair costs
tens of seconds, most of them building and solving a network whose arcs almost all carry no
flow. Here a flow is solved over each row's best pairs by weight, and the rest are priced
against its duals (:func:`solvers.methods.column_generation.solve_by_columns`): the pairs of
positive reduced cost join, until none is left and the restricted optimum is proven optimal for
the whole model. Pricing over every pair is one vectorised pass; the flows stay small.

The optimum is exact, but where several optima exist it may be another one than the flow over
every pair would pick; it depends only on the model, so it is deterministic.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from solvers.backends import flow
from solvers.methods.column_generation import solve_by_columns
from solvers.methods.duals import best_per_row
from solvers.model import AssignmentModel, BoolArray, IntArray, Result

_log = logging.getLogger(__name__)
#: Models with more pairs than this are solved by pricing; smaller ones by one flow.
PRICE_ABOVE = 2_000_000
#: Pairs per row (best weights first) in the first restricted model, and the most pairs per
#: row one pricing round adds (best reduced costs first).
FIRST_PER_ROW = 8
ADD_PER_ROW = 32
#: Rounds before giving up and solving one flow over every pair.
MAX_ROUNDS = 60


def relax(model: AssignmentModel) -> Result:
    """The flow optimum of ``model`` without its side constraints, as
    :func:`solvers.backends.flow.solve` of that model returns it (an optimum of the same
    objective, proven)."""
    relaxed = replace(model, side=())
    if relaxed.n_pairs <= PRICE_ABOVE:
        return flow.solve(relaxed)
    allowed = np.ones(relaxed.n_pairs, dtype=np.bool_)
    priced = _priced(relaxed, allowed)
    if priced is None:
        return flow.solve(relaxed)
    return priced


def solve_without(model: AssignmentModel, removed: BoolArray) -> tuple[int, BoolArray] | None:
    """:func:`solvers.backends.flow.solve_without` (the flow optimum of ``model`` without its
    side constraints and without the ``removed`` pairs, or ``None`` when infeasible), by
    pricing when the model is large."""
    if model.n_pairs <= PRICE_ABOVE or removed[model.fixed].any():
        return flow.solve_without(model, removed)
    priced = _priced(replace(model, side=()), ~removed)
    if priced is None or priced.chosen is None or priced.objective is None:
        return flow.solve_without(model, removed)
    return priced.objective, priced.chosen


def _priced(model: AssignmentModel, allowed: BoolArray) -> Result | None:
    """The proven flow optimum of ``model`` (no side constraints) over its ``allowed`` pairs,
    by column generation; ``None`` when the proof does not close (the caller solves the whole
    flow instead)."""
    rows, cols, weight = model.pair_row, model.pair_col, model.weight
    first = best_per_row(rows, weight, np.flatnonzero(allowed), FIRST_PER_ROW)
    held = np.zeros(model.n_pairs, dtype=np.bool_)
    held[first] = True
    held[model.fixed] = True
    start = np.flatnonzero(held)
    # Each row's best pairs may not place every must-row (they compete for the same columns):
    # an artificial column takes any must-row at a cost above any pair's weight, so every
    # restricted model is feasible. An optimum without an artificial pair is feasible for the
    # model, and optimal for it, being optimal for the model with the artificial column; one
    # that still needs an artificial pair is left to the flow over every pair. (A penalty of a
    # few weights keeps the flows fast: one of the order of every weight summed made each
    # cost-scaling flow several times slower.)
    must = np.flatnonzero(model.row_must)
    penalty = (int(np.abs(weight).max(initial=0)) + 1) * 4
    offered: list[IntArray] = [start, np.full(len(must), -1, dtype=np.int64)]
    renumber = np.full(model.n_pairs, -1, dtype=np.int64)
    renumber[start] = np.arange(len(start))
    restricted = replace(
        model,
        n_cols=model.n_cols + 1,
        pair_row=np.concatenate([rows[start], must]),
        pair_col=np.concatenate([cols[start], np.full(len(must), model.n_cols)]),
        weight=np.concatenate([weight[start], np.full(len(must), -penalty)]),
        col_cap=np.append(model.col_cap, len(must)),
        fixed=renumber[model.fixed],
    )

    def improving(
        u: IntArray, v: IntArray, _model: AssignmentModel
    ) -> tuple[IntArray, IntArray, IntArray]:
        rc = weight - u[rows] - v[cols]
        candidates = np.flatnonzero((rc > 0) & allowed & ~held)
        add = best_per_row(rows, rc, candidates, ADD_PER_ROW)
        held[add] = True
        offered.append(add)
        return rows[add], cols[add], weight[add]

    generated = solve_by_columns(restricted, improving, max_rounds=MAX_ROUNDS)
    chosen = generated.result.chosen
    if not generated.proven or chosen is None:
        _log.debug("priced flow: not proven after %d rounds", generated.rounds)
        return None
    ids = np.concatenate(offered)[generated.origin]
    if (ids[chosen] < 0).any():
        _log.debug("priced flow: the optimum needs an artificial pair")
        return None
    whole = np.zeros(model.n_pairs, dtype=np.bool_)
    whole[ids[chosen]] = True
    _log.debug("priced flow: %d rounds, %d of %d pairs", generated.rounds, len(ids), model.n_pairs)
    return replace(generated.result, chosen=whole, objective=model.objective_of(whole))
