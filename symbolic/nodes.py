"""Every distinct node of an expression once.

The chain rule of a deep network repeats each layer's subtree in every factor
after it, as one Python object: SymPy's ``atoms``, ``has`` and
``free_symbols`` walk the tree and meet it ``2**depth`` times (``4**depth``
once tanh is written out).  A walk of the DAG meets it once.  Nodes are told
apart by object, never by SymPy's equality, which finds ``Subs(f(z), z, p)``
equal to ``Subs(f(u), u, p)``.

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> e = sp.exp(x) * (1 + sp.exp(x))
>>> len(distinct_nodes(e))  # exp(x) is met twice in the tree
5
"""
from __future__ import annotations

from collections.abc import Callable

import sympy as sp

__all__ = ["distinct_nodes"]


def distinct_nodes(expr, stop: Callable[[sp.Basic], bool] | None = None) -> list:
    """Every distinct node of ``expr`` once, parents before children; ``stop(node)``: true when the
    walk need not go below ``node``."""
    seen: dict[int, sp.Basic] = {}
    out = []
    stack = [expr]
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen[id(e)] = e
        out.append(e)
        if stop is None or not stop(e):
            stack.extend(reversed(e.args))
    return out
