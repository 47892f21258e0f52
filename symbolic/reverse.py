r"""Reverse-mode differentiation of a SymPy expression graph: every partial at once.

``Derivative(cost, s).doit()`` walks the whole cost once per symbol ``s``;
a network's cost by every entry of ``W1`` is then many walks of one graph.
:func:`gradient` walks it once: each node's *adjoint* (the derivative of
the root by that node) is the sum, over the node's parents, of the parent's
adjoint times the parent's partial by it, and the adjoints of the symbols
are the gradient.  The partials are SymPy's own rules for one node: 1 for a
sum, the product of the other factors for a product, ``e b**(e-1)`` and
``b**e log b`` for a power, ``fdiff`` for a function (for an activation its
declared derivative, which the matrix check proves from the definition
before it is used, as it did for ``doit``).  Nothing here knows about
networks or closed forms: it is the generic chain rule, the same oracle as
``diff``, computed in another order.

>>> x, y = sp.symbols("x y", real=True)
>>> g = gradient(sp.log(x * y + sp.sin(x)), [x, y])
>>> [sp.simplify(g[s] - sp.diff(sp.log(x * y + sp.sin(x)), s)) for s in (x, y)]
[0, 0]
"""
from __future__ import annotations

from collections.abc import Iterable

import sympy as sp

__all__ = ["Unsupported", "gradient"]


class Unsupported(NotImplementedError):
    """A node whose partials this module does not take (the caller falls back to ``diff``)."""


def _partials(node: sp.Basic, needed: list[int]) -> list[sp.Expr]:
    if node.is_Add:
        return [sp.S.One for _ in needed]
    if node.is_Mul:
        args = node.args
        return [sp.Mul(*(args[:i] + args[i + 1:])) for i in needed]
    if node.is_Pow:
        b, e = node.args
        return [e * b ** (e - 1) if i == 0 else node * sp.log(b) for i in needed]
    if isinstance(node, sp.Function):
        return [node.fdiff(i + 1) for i in needed]
    raise Unsupported(f"no reverse-mode rule for {type(node).__name__}")


# An adjoint of at most this many contributions is multiplied term by term, so
# that ``Mul`` cancels as it does in ``diff`` (the loss's 1/a against the
# sigmoid's a(1 - a)); a longer one is summed first, which keeps the number
# of terms from growing with the number of paths.
_SEPARATE = 2


def gradient(expr: sp.Expr, wrt: Iterable[sp.Symbol]) -> dict[sp.Symbol, sp.Expr]:
    """``{s: d expr / d s}`` for every symbol ``s`` of ``wrt``, in one backward pass."""
    targets = set(wrt)
    # post-order over the nodes that depend on a target (a DAG: equal subtrees are one node)
    depends: dict[sp.Basic, bool] = {}
    order: list[sp.Basic] = []
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            dep = node in targets or any(depends[a] for a in node.args)
            depends[node] = dep
            if dep:
                order.append(node)
            continue
        if node in depends:
            continue
        if not node.args or node.is_Atom:
            depends[node] = node in targets
            if depends[node]:
                order.append(node)
            continue
        stack.append((node, True))
        for a in node.args:
            if a not in depends:
                stack.append((a, False))
    adjoint: dict[sp.Basic, list] = {expr: [sp.S.One]}
    out: dict[sp.Symbol, sp.Expr] = {}
    for node in reversed(order):  # every parent before its children
        terms = [t for t in adjoint.pop(node, ()) if t != 0]
        if node in targets:
            out[node] = sp.Add(*terms)
            continue
        if not terms:
            continue
        if len(terms) > _SEPARATE:
            terms = [sp.Add(*terms)]
        needed = [i for i, arg in enumerate(node.args) if depends.get(arg)]
        if isinstance(node, sp.Derivative) or not needed:
            raise Unsupported(f"no reverse-mode rule for {type(node).__name__}")
        for i, p in zip(needed, _partials(node, needed), strict=False):
            adjoint.setdefault(node.args[i], []).extend(t * p for t in terms)
    return {s: out.get(s, sp.S.Zero) for s in wrt}
