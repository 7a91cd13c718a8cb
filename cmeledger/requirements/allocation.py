"""Which credits count when caps force a choice: an exact, deterministic allocation.

Every credit counts toward every minimum it matches, so without a binding cap the best
allocation is simply "count everything". A binding cap (at most N of some credits)
forces a choice: which of the capped credits count, when they feed different minimums.
That choice is a small integer program, solved exactly (docs/decisions.md):

* credits are grouped into classes of identical effect (same weight, same minimums fed,
  same caps), so the program has one variable per class, not per entry;
* variables count quarter credits, so integer solutions are exact credit amounts;
* stage 1 minimizes the credits still missing over all minimums (shortfall), stage 2
  keeps that optimum and counts as much as possible (excess feeds carry-forward);
* within a class credits are interchangeable; they are filled in date order, so the
  result never depends on the order the entries were given in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

QUARTER = Decimal("0.25")
ZERO = Decimal(0)


class Piece(Protocol):
    amount: Decimal
    factor: Decimal
    counted: Decimal


@dataclass
class Demand:
    """A minimum: `required` credits from the member pieces plus a fixed `offset`.

    A share demand instead requires `share` x the counted total (no more than `ceiling`)."""

    rule_id: str
    required: Decimal
    offset: Decimal
    members: list[int]
    share: Decimal | None = None
    ceiling: Decimal | None = None
    base: Decimal = ZERO  # for a share: counted total from outside (carry-in)


@dataclass
class Cap:
    rule_id: str
    period: int | None  # the calendar year, for a per-year cap
    credits: Decimal
    members: list[int] = field(default_factory=list)


class AllocationFailed(RuntimeError):
    """The solver did not report an optimum (it always should: all zeros is feasible)."""


def binds(cap: Decimal, amounts: Iterable[Decimal]) -> bool:
    """Whether a cap forces a choice: its credits claim more than it lets count."""
    return sum(amounts, ZERO) > cap


def fill_nested(
    amounts: Sequence[Decimal], feeds: Sequence[frozenset], room: Decimal
) -> list[Decimal] | None:
    """How much of each amount under one binding cap counts, when the minimums they feed
    are nested (each amount's minimums contain the next one's): the amounts feeding more
    fill the cap first, an optimum of `allocate`'s program for the credit totals. None
    when two amounts feed minimums neither of which contains the other: that choice is
    real and needs `allocate`. For the board-wide run, which sees sums, not entries."""
    order = sorted(range(len(amounts)), key=lambda i: (-len(feeds[i]), i))
    for a, b in zip(order, order[1:], strict=False):
        if not feeds[b] <= feeds[a]:
            return None
    counted = [ZERO] * len(amounts)
    for i in order:
        counted[i] = min(room, amounts[i])
        room -= counted[i]
    return counted


def allocate(pieces: Sequence[Piece], demands: list[Demand], caps: list[Cap]) -> str:
    """Set each piece's `counted`; return the method used, for the result."""
    binding = [c for c in caps if binds(c.credits, (pieces[i].amount for i in c.members))]
    if not binding:
        for piece in pieces:
            piece.counted = piece.amount
        return "all counted"
    _solve(pieces, demands, binding)
    return "optimized under caps"


def _solve(pieces: Sequence[Piece], demands: list[Demand], caps: list[Cap]) -> None:
    capped = {i for c in caps for i in c.members}
    for i, piece in enumerate(pieces):
        if i not in capped:
            piece.counted = piece.amount
    member_of_demand = [set(d.members) for d in demands]
    member_of_cap = [set(c.members) for c in caps]
    classes: dict[tuple, list[int]] = {}
    for i in sorted(capped):
        key = (
            pieces[i].factor,
            tuple(k for k, m in enumerate(member_of_demand) if i in m),
            tuple(k for k, m in enumerate(member_of_cap) if i in m),
        )
        classes.setdefault(key, []).append(i)
    keys = sorted(classes)
    quarters = [int(sum((pieces[i].amount for i in classes[k]), ZERO) / QUARTER) for k in keys]
    fixed = {
        k: sum((pieces[i].amount * pieces[i].factor for i in m if i not in capped), ZERO)
        for k, m in enumerate(member_of_demand)
    }
    all_fixed = sum((p.amount * p.factor for i, p in enumerate(pieces) if i not in capped), ZERO)

    n_x, n_d = len(keys), len(demands)
    has_share = any(d.share is not None for d in demands)
    n = n_x + n_d + (1 if has_share else 0)  # classes, shortfalls, the share base t
    t = n - 1
    rows: list[np.ndarray] = []
    lower: list[float] = []
    upper: list[float] = []

    def row() -> np.ndarray:
        return np.zeros(n)

    def constrain(r: np.ndarray, low: float, high: float) -> None:
        rows.append(r)
        lower.append(low)
        upper.append(high)

    weight = [float(k[0]) / 4 for k in keys]  # credits per quarter variable
    for c_index, cap in enumerate(caps):
        r = row()
        for x, key in enumerate(keys):
            if c_index in key[2]:
                r[x] = 0.25
        constrain(r, -np.inf, float(cap.credits))
    for d_index, demand in enumerate(demands):
        r = row()
        r[n_x + d_index] = 1.0  # shortfall
        for x, key in enumerate(keys):
            if d_index in key[1]:
                r[x] = weight[x]
        if demand.share is None:
            need = float(demand.required - demand.offset - fixed[d_index])
            constrain(r, need, np.inf)
        else:  # shortfall >= share * t - subset
            r[t] = -float(demand.share)
            constrain(r, -float(fixed[d_index]), np.inf)
    if has_share:  # t <= base + counted total, t <= ceiling
        base = float(next(d.base for d in demands if d.share is not None) + all_fixed)
        r = row()
        r[t] = 1.0
        for x in range(n_x):
            r[x] = -weight[x]
        constrain(r, -np.inf, base)

    ceiling = next((d.ceiling for d in demands if d.share is not None), None)
    bounds_hi = [float(q) for q in quarters] + [np.inf] * n_d
    if has_share:
        bounds_hi.append(np.inf if ceiling is None else float(ceiling))
    bounds = Bounds(np.zeros(n), np.array(bounds_hi))
    integrality = np.array([1] * n_x + [0] * (n - n_x))
    constraints = LinearConstraint(np.array(rows), np.array(lower), np.array(upper))

    # Stage 1: fewest credits missing. The share base t weighs 2 so the solver never
    # shrinks the counted total to make a share look met (a share is at most 1).
    c1 = np.zeros(n)
    c1[n_x : n_x + n_d] = 1.0
    if has_share:
        c1[t] = -2.0
    first = _run(c1, constraints, integrality, bounds)
    # Stage 2: keep that optimum, count the most credit.
    c2 = np.zeros(n)
    c2[:n_x] = [-w for w in weight]
    keep = LinearConstraint(c1.reshape(1, -1), -np.inf, first.fun + 1e-6)
    second = _run(c2, [constraints, keep], integrality, bounds)

    for x, key in enumerate(keys):
        left = int(round(second.x[x])) * QUARTER
        for i in classes[key]:  # date order: pieces arrive sorted by date and id
            take = min(left, pieces[i].amount)
            pieces[i].counted = take
            left -= take


def _run(c, constraints, integrality, bounds):
    result = milp(
        c,
        constraints=constraints,
        integrality=integrality,
        bounds=bounds,
        options={"mip_rel_gap": 0},
    )
    if result.status != 0 or result.x is None:
        raise AllocationFailed(result.message)
    return result
