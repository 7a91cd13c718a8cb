"""Caps: the shortcut for nested minimums reaches the exact solver's optimum."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cmeledger.requirements import allocation

ZERO = Decimal(0)
quarters = st.integers(0, 120).map(lambda q: Decimal(q) / 4)


@dataclass
class Piece:
    amount: Decimal
    factor: Decimal = Decimal(1)
    counted: Decimal = ZERO


@settings(max_examples=150, deadline=None)
@given(
    amounts=st.lists(st.integers(1, 80).map(lambda q: Decimal(q) / 4), min_size=1, max_size=5),
    depths=st.lists(st.integers(0, 3), min_size=5, max_size=5),
    required=st.lists(quarters, min_size=3, max_size=3),
    room=quarters,
)
def test_filling_nested_minimums_under_a_cap_leaves_what_the_solver_leaves_missing(
    amounts, depths, required, room
):
    # Amount i feeds minimums 0 .. depth-1: the sets of minimums are nested.
    feeds = [frozenset(range(depths[i])) for i in range(len(amounts))]
    shares = allocation.fill_nested(amounts, feeds, room)
    assert shares is not None
    pieces = [Piece(a) for a in amounts]
    demands = [
        allocation.Demand(f"m{m}", required[m], ZERO, [i for i, f in enumerate(feeds) if m in f])
        for m in range(3)
    ]
    allocation.allocate(
        pieces, demands, [allocation.Cap("cap", None, room, list(range(len(pieces))))]
    )
    if not allocation.binds(room, amounts):
        assert [p.counted for p in pieces] == amounts
        return
    assert sum(shares, ZERO) == sum((p.counted for p in pieces), ZERO) == room
    for demand in demands:
        by_fill = sum((shares[i] for i in demand.members), ZERO)
        by_solver = sum((pieces[i].counted for i in demand.members), ZERO)
        assert max(ZERO, demand.required - by_fill) == max(ZERO, demand.required - by_solver)


def test_minimums_that_compete_under_a_cap_are_left_to_the_solver():
    feeds = [frozenset({"a"}), frozenset({"b"})]
    assert allocation.fill_nested([Decimal(5), Decimal(5)], feeds, Decimal(5)) is None
