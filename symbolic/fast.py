"""A fast proof-only zero test with symengine: "``expand`` gives 0 with every transcendental node opaque".

symengine expands polynomials an order of magnitude faster than SymPy
(MEASUREMENTS.md: the zero test of 455 matrix entries, 3.59 s -> 0.235 s), but
it is not a drop-in replacement: it ignores SymPy's assumptions (its symbols
are complex), it has no ``together``, and it answers "not zero" where a
rational form would reach 0.  So it is used in one way only, where it is sound
by construction:

* the expression is translated node by node, and symengine only ever sees
  ring operations -- ``+``, ``*``, integer powers -- on free symbols and exact
  rationals.  Every other node (a function application, a non-integer power,
  a float, pi, an unevaluated derivative, ...) becomes an opaque symbol, one
  per distinct node, before symengine sees it; ``exp(k u)`` with an integer
  ``k`` becomes ``t_u**k`` (true for every complex ``u``);
* :func:`opaque_zero` returns ``True`` when the expanded Laurent polynomial
  is exactly 0 -- a polynomial identity in independent symbols holds at
  every value substituted back, wherever both sides are defined -- and
  ``None`` otherwise.  Never ``False``: "not zero" here is not a refutation,
  and the caller falls back to SymPy's tiers.

Assumptions cannot leak in: no node whose meaning depends on them (``log``,
``sqrt``, ``Abs``) is ever interpreted, so ``log(x y) - log(x) - log(y)`` is
three independent symbols and stays unproved.

Without symengine installed, :func:`opaque_zero` always returns ``None``.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> opaque_zero((sp.tanh(x) + 1) ** 2 - sp.tanh(x) ** 2 - 2 * sp.tanh(x) - 1) in (True, None)
True
>>> opaque_zero(sp.log(x * y) - sp.log(x) - sp.log(y)) is None
True
"""
from __future__ import annotations

import importlib.util
from collections.abc import Collection
from typing import Any

import sympy as sp

__all__ = ["AVAILABLE", "opaque_zero", "to_polynomial"]

# imported at the first test, not with gradproof: a run served from the cache never needs it
AVAILABLE = importlib.util.find_spec("symengine") is not None
_se = None
MAX_POWER = 32  # a larger power of a sum is left to SymPy, whose expansion the budget can interrupt


class _TooLarge(Exception):
    pass


def to_polynomial(expr: sp.Expr, stand_ins: Collection[sp.Expr] = ()) -> Any:
    """``expr`` as a symengine expression built from ring operations only, or None.

    Symbols (one symengine symbol per distinct SymPy symbol, whatever their
    names) and exact rationals are kept; every other node is an opaque
    symbol, and so is every subexpression of ``stand_ins`` where it occurs
    whole (an activation's declared derivative that is a sum, ``1 -
    tanh(u)**2``: a chain of them then expands to a product of symbols, not
    to 2**depth terms; replacing a subexpression by a symbol everywhere keeps
    a proof a proof).  None when symengine is not installed.  A power of a
    sum above :data:`MAX_POWER` raises (its expansion would run in C, out of
    reach of the budget's timer).
    """
    se = _engine()
    if se is None:
        return None
    atoms: dict = {}  # SymPy node -> symengine symbol
    bases: dict = {}  # u -> the symbol t_u standing for exp(u)
    memo: dict = {}  # repeated subtrees are translated once

    def fresh(node):
        s = atoms.get(node)
        if s is None:
            s = atoms[node] = se.Symbol(f"g{len(atoms)}")
        return s

    def walk(e):
        out = memo.get(e)
        if out is not None:
            return out
        if e in stand_ins:
            out = fresh(e)
        elif e.is_Add:
            out = se.Add(*[walk(a) for a in e.args])
        elif e.is_Mul:
            out = se.Mul(*[walk(a) for a in e.args])
        elif e.is_Pow and e.exp.is_Integer:
            if e.base.is_Add and abs(int(e.exp)) > MAX_POWER:
                raise _TooLarge  # expanded in C, beyond the reach of the time budget's signal
            out = walk(e.base) ** int(e.exp)
        elif e.is_Integer:
            out = se.Integer(int(e))
        elif e.is_Rational:
            out = se.Rational(int(e.p), int(e.q))
        elif isinstance(e, sp.exp) and _integer_multiple(e.args[0]):
            k, u = e.args[0].as_coeff_Mul()
            t = bases.get(u)
            if t is None:
                t = bases[u] = fresh(sp.exp(u))
            out = t ** int(k)
        else:  # a Symbol, or anything whose meaning symengine must not interpret
            out = fresh(e)
        memo[e] = out
        return out

    return walk(expr)


def _engine():
    """The symengine module, or None when it is not installed."""
    global _se, AVAILABLE
    if _se is None and AVAILABLE:
        try:
            import symengine
        except ImportError:  # found but broken (a wheel for another platform): SymPy decides
            AVAILABLE = False
            return None
        _se = symengine
    return _se


def _integer_multiple(arg) -> bool:
    k, _ = arg.as_coeff_Mul()
    return bool(k.is_Integer) and k != 0


def opaque_zero(expr, stand_ins: Collection[sp.Expr] = ()) -> bool | None:
    """``True`` when ``expr`` expands to 0 with every transcendental node opaque; else ``None``.

    A proof, never a refutation (see the module docstring).  A matrix is
    zero when every entry is.  ``stand_ins``: subexpressions that are opaque
    too where they occur whole (see :func:`to_polynomial`).

    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> rule = 1 - sp.tanh(x) ** 2
    >>> d = x * rule - x * (1 - sp.tanh(x)) * (1 + sp.tanh(x))
    >>> opaque_zero(d) in (True, None)
    True
    >>> opaque_zero(d, stand_ins={rule}) is None  # the rule is one symbol: it no longer cancels
    True
    """
    se = _engine()
    if se is None:
        return None
    if isinstance(expr, sp.MatrixBase):
        return True if all(opaque_zero(e, stand_ins) for e in expr) else None
    if not isinstance(expr, sp.Basic):
        return None
    if expr == 0:
        return True
    try:
        poly = to_polynomial(expr, stand_ins)
        return True if se.expand(poly) == 0 else None
    except (_TooLarge, RuntimeError, TypeError, ValueError, OverflowError, RecursionError):
        return None  # symengine refused (e.g. a huge power): SymPy decides
