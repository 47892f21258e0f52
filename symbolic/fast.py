"""A fast proof-only zero test with symengine: "0 as a rational function of the opaque nodes".

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
* :func:`opaque_zero` returns ``True`` when the translation expands to
  exactly 0 as a Laurent polynomial whose factors include negative powers of
  sums (:func:`laurent`: shared denominators cancel whole), or else, when there
  is such a denominator, when the translation brought over one denominator
  without a gcd (:func:`over_one_denominator`) has a numerator that expands to
  exactly 0 and a denominator that does not -- a rational identity in
  independent symbols holds at every value substituted back, wherever both
  sides are defined -- and ``None`` otherwise.  Never
  ``False``: "not zero" here is not a refutation, and the caller falls back
  to SymPy's tiers.  Skipping the gcd is what makes this fast: SymPy's
  ``together`` spent most of the opaque tier's time on it (the sigmoid's
  ``1/(1 + e^{-z})`` differentiated is a denominator inside a denominator).
* symengine expands in C, out of reach of the budget's timer, so every
  expansion is bounded before it runs (:data:`MAX_TERMS`); a larger one is
  left to SymPy, whose expansion the budget can interrupt.

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
>>> opaque_zero(1 / (1 + 1 / x) - x / (x + 1)) in (True, None)
True
>>> opaque_zero(sp.log(x * y) - sp.log(x) - sp.log(y)) is None
True
"""
from __future__ import annotations

import importlib.util
import math
from collections.abc import Collection
from typing import Any

import sympy as sp

__all__ = ["AVAILABLE", "MAX_TERMS", "coefficients", "laurent", "opaque_zero", "over_one_denominator"]

# imported at the first test, not with gradproof: a run served from the cache never needs it
AVAILABLE = importlib.util.find_spec("symengine") is not None
_se = None
# The most terms one expansion may reach (the product of its factors' numbers of terms, bounded
# before it runs in C, out of the budget's reach).  symengine spends about 1 us and 1 kB a term
# (measured: 8,000 terms in 6 ms; 9 million in 21 s and 10 GB).  Of the report's claims, two go
# beyond it; SymPy's gcd proves them.
MAX_TERMS = 20_000


class _TooLarge(Exception):
    pass


class _Leaves:
    """The symengine symbol of each node symengine must not interpret: one per distinct node."""

    def __init__(self, se, stand_ins: Collection[sp.Expr]):
        self.se, self.stand_ins = se, stand_ins
        self.atoms: dict = {}  # SymPy node -> symengine symbol
        self.bases: dict = {}  # u -> the symbol t_u standing for exp(u)

    def fresh(self, node):
        s = self.atoms.get(node)
        if s is None:
            s = self.atoms[node] = self.se.Symbol(f"g{len(self.atoms)}")
        return s

    def leaf(self, e) -> tuple[Any, int] | None:
        """``(symbol or number, power)`` for a node that is not a sum, product or integer power; else None.

        ``exp(k u)`` with an integer ``k`` is ``t_u**k``; a stand-in, a
        Symbol, and anything whose meaning symengine must not interpret is a
        symbol of its own (power 1).
        """
        se = self.se
        if e in self.stand_ins:
            return self.fresh(e), 1
        if e.is_Add or e.is_Mul or (e.is_Pow and e.exp.is_Integer):
            return None
        if e.is_Integer:
            return se.Integer(int(e)), 1
        if e.is_Rational:
            return se.Rational(int(e.p), int(e.q)), 1
        if isinstance(e, sp.exp) and _integer_multiple(e.args[0]):
            k, u = e.args[0].as_coeff_Mul()
            t = self.bases.get(u)
            if t is None:
                t = self.bases[u] = self.fresh(sp.exp(u))
            return t, int(k)
        return self.fresh(e), 1


def laurent(expr: sp.Expr, stand_ins: Collection[sp.Expr] = ()) -> tuple[Any, bool]:
    """``expr`` as one symengine expression of ring operations, and whether a sum is raised to a negative power.

    The nodes are opaque as in :func:`over_one_denominator`, and a negative
    power of a sum stays one factor: expanded as a whole, two sides that
    share their denominators cancel at once, without bringing anything over
    one.  The expansion is bounded before it runs (:class:`_TooLarge` when the
    product of the factors' numbers of terms exceeds :data:`MAX_TERMS`).
    """
    se = _engine()
    if se is None:
        raise _TooLarge
    leaves = _Leaves(se, stand_ins)
    memo: dict = {}  # node -> (translation, its number of terms once expanded, at most)
    denominator = False

    def walk(e):
        nonlocal denominator
        out = memo.get(e)
        if out is not None:
            return out
        leaf = leaves.leaf(e)
        if leaf is not None:
            out = (leaf[0] ** leaf[1] if leaf[1] != 1 else leaf[0], 1)
        elif e.is_Add:
            parts = [walk(a) for a in e.args]
            out = (se.Add(*[p for p, _ in parts]), sum(t for _, t in parts))
        elif e.is_Mul:
            parts = [walk(a) for a in e.args]
            out = (se.Mul(*[p for p, _ in parts]), math.prod(t for _, t in parts))
        else:  # an integer power: C(t + |k| - 1, |k|) terms from t; a negative one is one factor
            base, t = walk(e.base)
            k = int(e.exp)
            size = math.comb(t + abs(k) - 1, abs(k))
            if size > MAX_TERMS:
                raise _TooLarge
            denominator = denominator or (k < 0 and e.base.is_Add)
            out = (base**k, size if k > 0 else 1)
        if out[1] > MAX_TERMS:
            raise _TooLarge
        memo[e] = out
        return out

    return walk(expr)[0], denominator


def coefficients(expr: sp.Expr) -> list[sp.Expr]:
    """The coefficients of ``expr`` as a polynomial in its *free factors*; ``[expr]`` when it has none.

    A free factor is a symbol that occurs only as a factor (to an integer
    power) of the terms of the sum ``expr``, never inside anything else --
    the weights of a claim checked at several instances, ``w[m = 2]``.
    ``expr`` is 0 exactly when every coefficient is: the free factors are
    independent of everything in the coefficients.  Each coefficient then
    goes over its own denominator, not over the product of all of them.

    >>> import sympy as sp
    >>> w, v, x = sp.symbols("w v x")
    >>> coefficients(w / (x + 1) - w * x + v * x ** 2)
    [x**2, -x + 1/(x + 1)]
    >>> coefficients(w + sp.sin(w))  # w occurs inside a function too: not free
    [w + sin(w)]
    """
    terms = sp.Add.make_args(expr)
    if len(terms) < 2:
        return [expr]
    split: list[tuple[dict[sp.Symbol, int], list[sp.Expr]]] = []
    for t in terms:
        powers: dict[sp.Symbol, int] = {}
        rest: list[sp.Expr] = []
        for f in sp.Mul.make_args(t):
            base, k = (f.base, f.exp) if f.is_Pow and f.exp.is_Integer else (f, sp.S.One)
            if base.is_Symbol:
                powers[base] = powers.get(base, 0) + int(k)
            else:
                rest.append(f)
        split.append((powers, rest))
    free = set().union(*(p.keys() for p, _ in split))
    for _, rest in split:
        for f in rest:
            free -= f.free_symbols
    if not free:
        return [expr]
    groups: dict[tuple, list[sp.Expr]] = {}
    for powers, rest in split:
        key = tuple(sorted(((str(s), s.sort_key()), k) for s, k in powers.items() if s in free and k))
        bound = sp.Mul(*[s**k for s, k in powers.items() if s not in free], *rest)
        groups.setdefault(key, []).append(bound)
    return [sp.Add(*g) for _, g in sorted(groups.items())]


def over_one_denominator(expr: sp.Expr, stand_ins: Collection[sp.Expr] = ()) -> tuple[Any, Any]:
    """``(N, D)``: expanded symengine polynomials with ``expr = N / D``.

    Symbols (one symengine symbol per distinct SymPy symbol, whatever their
    names) and exact rationals are kept; every other node is an opaque
    symbol (:class:`_Leaves`), and so is every subexpression of
    ``stand_ins`` where it occurs whole (an activation's declared derivative
    that is a sum, ``1 - tanh(u)**2``: a chain of them then expands to a
    product of symbols, not to 2**depth terms; replacing a subexpression by a
    symbol everywhere keeps a proof a proof).

    Built bottom up, each distinct node once: a sum over the product of its
    terms' distinct denominators, a product over the product of its factors',
    a negative power upside down (``exp(-u)`` is ``1 / t_u``).  Nothing is
    cancelled -- no gcd, which is what makes SymPy's ``together`` slow -- so
    ``N`` is 0 exactly when ``expr`` is the zero rational function, provided
    ``D`` is not the zero polynomial (a denominator that expands to 0 makes
    ``D`` 0: every denominator met is a factor of it).  Each expansion is
    bounded by :data:`MAX_TERMS` before it runs in C (the product of its
    factors' numbers of terms); beyond it, :class:`_TooLarge`.
    """
    se = _engine()
    if se is None:
        raise _TooLarge
    leaves = _Leaves(se, stand_ins)
    one = se.Integer(1)
    memo: dict = {}

    def terms(p) -> int:
        return len(p.args) if isinstance(p, se.Add) else 1

    def expanded(p, bound: int):
        if bound > MAX_TERMS:
            raise _TooLarge
        return se.expand(p)

    def walk(e):
        out = memo.get(e)
        if out is not None:
            return out
        leaf = leaves.leaf(e)
        if leaf is not None:
            s, k = leaf
            out = (s**k, one) if k > 0 else (one, s ** -k)
        elif e.is_Add:
            by_denominator: dict = {}  # terms over the same denominator are added first
            for a in e.args:
                n, d = walk(a)
                by_denominator.setdefault(d, []).append(n)
            dens = list(by_denominator)
            numerator, bound = [], 0
            for d, ns in by_denominator.items():
                others = [d2 for d2 in dens if d2 is not d]
                numerator.append(se.Add(*ns) * se.Mul(*others))
                bound += sum(map(terms, ns)) * math.prod(map(terms, others))
            out = (expanded(se.Add(*numerator), bound), expanded(se.Mul(*dens), math.prod(map(terms, dens))))
        elif e.is_Mul:
            parts = [walk(a) for a in e.args]
            out = tuple(expanded(se.Mul(*side), math.prod(map(terms, side))) for side in zip(*parts, strict=True))
        else:  # an integer power: at most C(t + k - 1, k) terms from t
            n, d = walk(e.base)
            k = int(e.exp)
            if k < 0:
                n, d, k = d, n, -k
            out = (expanded(n**k, math.comb(terms(n) + k - 1, k)), expanded(d**k, math.comb(terms(d) + k - 1, k)))
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
    """``True`` when ``expr`` is 0 as a rational function of its opaque nodes (expanded, or its numerator
    over one denominator); else ``None``.

    A proof, never a refutation (see the module docstring).  A matrix is
    zero when every entry is.  ``stand_ins``: subexpressions that are opaque
    too where they occur whole (see :func:`over_one_denominator`).

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
        polynomial, has_denominator = laurent(expr, stand_ins)
        if se.expand(polynomial) == 0:
            return True
    except (_TooLarge, RuntimeError, TypeError, ValueError, OverflowError, RecursionError):
        has_denominator = True  # too large as a whole: perhaps not over one denominator, term by term
    if not has_denominator:
        return None  # a Laurent polynomial that is not 0: over one denominator it is the same
    try:
        for part in coefficients(expr):  # each over its own denominator: a product of all is too large
            numerator, denominator = over_one_denominator(part, stand_ins)
            if numerator != 0 or denominator == 0:
                return None
        return True
    except (_TooLarge, RuntimeError, TypeError, ValueError, OverflowError, RecursionError):
        return None  # symengine refused (e.g. a huge power): SymPy decides
