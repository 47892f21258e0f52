"""The values of many related expressions at a few fixed points, each distinct subtree computed once.

A search that edits one claim into hundreds of candidates (:mod:`checks.diagnosis`)
screens each candidate by its values at two seeded points.  The candidates
share almost all of their subtrees, so :class:`Values` remembers every subtree
it has evaluated: a candidate costs only the nodes its edit made new.

Arithmetic is mpmath at a fixed precision (``dps``), on the exact rational
points.  This is a *screen*, never a verdict: its answers only decide which
candidates are worth a proof (and a refutation is confirmed elsewhere, by
``evalf`` at 50 digits).  A node outside the real domain (a log of a
negative, a division by zero) has no value (``None``), and so has every node
above it.

Nodes the evaluator does not know are handed to ``expand`` (the oracle: the
derivative of the definitions) when they are derivatives or substitutions,
and otherwise to SymPy's ``evalf`` at the point, one node at a time.

Subtrees are remembered by their structure, built bottom-up from the atoms
(symbols with their assumptions, numbers): SymPy's own equality finds
``Subs(f(t), t, z)`` equal to ``Subs(f(t), t, z_r)`` for symbols ``z`` and
``z_r`` that differ only in assumptions, which would hand one the other's values.

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> v = Values(lambda s: [sp.Rational(1, 2), sp.Rational(-3)], 2)
>>> [float(a) for a in v(x**2 + 1)]
[1.25, 10.0]
>>> [a if a is None else round(float(a), 6) for a in v(sp.log(x))]  # no real value at x = -3
[-0.693147, None]
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import sympy as sp

from gradproof.symbolic.activations import _Activation

__all__ = ["Values", "real_value"]

Value = Any  # an mpmath.mpf, or None where there is no real value (mpmath has no type hints)

# SymPy function -> mpmath function of one real argument
_FUNCTIONS: dict[type, Callable] = {
    sp.exp: mpmath.exp, sp.log: mpmath.log, sp.tanh: mpmath.tanh, sp.sinh: mpmath.sinh,
    sp.cosh: mpmath.cosh, sp.sin: mpmath.sin, sp.cos: mpmath.cos, sp.tan: mpmath.tan,
    sp.atan: mpmath.atan, sp.asinh: mpmath.asinh, sp.Abs: abs, sp.erf: mpmath.erf,
    sp.sech: mpmath.sech, sp.coth: mpmath.coth, sp.atanh: mpmath.atanh, sp.sec: mpmath.sec,
}


def _real(x) -> Value:
    """``x`` when it is a finite real mpf, else None."""
    if isinstance(x, mpmath.mpf) and mpmath.isfinite(x):
        return x
    return None


class Values:
    """Values of expressions at ``n`` points, at ``dps`` digits.

    ``draw(symbol)`` gives the symbol's ``n`` values (exact rationals), or
    None for a symbol without values; it is asked once per symbol.
    ``expand(node)`` turns a derivative or a substitution into an expression
    without them (the oracle); without it such nodes have no value.
    """

    def __init__(self, draw: Callable[[sp.Symbol], Sequence[sp.Rational] | None], n: int, dps: int = 30,
                 expand: Callable | None = None):
        self.draw, self.n = draw, n
        self.dps = dps
        self._drawn: dict[sp.Symbol, Sequence[sp.Rational] | None] = {}
        self.expand = expand
        self._ids: dict[tuple, int] = {}  # structure -> id
        self._by_object: dict[int, tuple[sp.Basic, int]] = {}  # id(node) -> (node kept alive, structure id)
        self._values: dict[int, list[Value]] = {}

    def __call__(self, expr) -> list[Value]:
        with mpmath.workdps(self.dps):
            return self._eval(sp.sympify(expr))

    # structure ids: a node is known by its type and its children's ids (atoms: by themselves)
    def _key(self, node) -> int:
        hit = self._by_object.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        if node.args and not isinstance(node, sp.Symbol):
            shape: tuple = (type(node), *(self._key(a) for a in node.args))
        else:
            shape = (type(node), node)
        k = self._ids.setdefault(shape, len(self._ids))
        self._by_object[id(node)] = (node, k)
        return k

    def _eval(self, node) -> list[Value]:
        k = self._key(node)
        out = self._values.get(k)
        if out is None:
            try:
                out = self._compute(node)
            except (ValueError, ZeroDivisionError, TypeError, OverflowError, ArithmeticError):
                out = [None] * self.n
            self._values[k] = out
        return out

    def _compute(self, node) -> list[Value]:
        n = self.n
        if isinstance(node, sp.Symbol):
            mine = self._values_of(node)
            return [None] * n if mine is None else [mpmath.mpf(r.p) / r.q for r in mine]
        if isinstance(node, sp.Rational):
            return [mpmath.mpf(node.p) / node.q] * n
        if isinstance(node, sp.Float):
            return [mpmath.mpf(node)] * n
        if isinstance(node, sp.NumberSymbol):
            return [mpmath.mpf(str(sp.N(node, self.dps + 5)))] * n
        if isinstance(node, sp.Add):
            return self._fold(node.args, lambda a, b: a + b)
        if isinstance(node, sp.Mul):
            return self._fold(node.args, lambda a, b: a * b)
        if isinstance(node, sp.Pow):
            return self._pow(node)
        if isinstance(node, _Activation):
            return self._eval(node.func.definition(node.args[0]))
        f = _FUNCTIONS.get(node.func)
        if f is not None and len(node.args) == 1:
            return [None if a is None else _real(f(a)) for a in self._eval(node.args[0])]
        if isinstance(node, sp.Derivative | sp.Subs):
            if self.expand is None:
                return [None] * n
            out = self.expand(node)
            return [None] * n if out.has(sp.Derivative, sp.Subs) else self._eval(out)
        syms = [s for s in node.free_symbols if isinstance(s, sp.Symbol)]
        drawn = [(s, self._values_of(s)) for s in syms]
        if any(d is None for _, d in drawn):
            return [None] * n
        return [self._evalf(node, {s: d[k] for s, d in drawn if d is not None}) for k in range(n)]

    def _values_of(self, s: sp.Symbol) -> Sequence[sp.Rational] | None:
        if s not in self._drawn:
            self._drawn[s] = self.draw(s)
        return self._drawn[s]

    def _fold(self, args, op) -> list[Value]:
        acc = self._eval(args[0])
        for a in args[1:]:
            acc = [None if x is None or y is None else _real(op(x, y)) for x, y in zip(acc, self._eval(a),
                                                                                          strict=True)]
        return acc

    def _pow(self, node) -> list[Value]:
        base, e = node.args
        bs = self._eval(base)
        if isinstance(e, sp.Integer):  # exact integer powers: any sign of the base
            k = int(e)
            return [None if b is None or (b == 0 and k < 0) else _real(b ** k) for b in bs]
        es = self._eval(e)
        out: list[Value] = []
        for b, x in zip(bs, es, strict=True):
            if b is None or x is None or b < 0 or (b == 0 and x <= 0):
                out.append(None)  # complex, or a pole
            else:
                out.append(_real(mpmath.power(b, x)))
        return out

    def _evalf(self, node, point) -> Value:
        """A node the evaluator does not know (Piecewise, Max, Heaviside, ...): SymPy at the point."""
        return real_value(node, point, self.dps)


def real_value(expr, point: dict, digits: int) -> Value:
    """``expr`` at ``point`` by SymPy's ``evalf`` at ``digits`` significant digits, as an mpf; None
    where it has no finite real value (an imaginary part beyond round-off, a pole)."""
    v = sp.N(expr.xreplace(point), digits)
    if not v.is_number or v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    re_, im = v.as_real_imag()
    if im != 0 and abs(im) > sp.Float(10) ** (5 - digits) * (1 + abs(re_)):
        return None
    return _real(mpmath.mpf(str(sp.Float(re_, digits))))
