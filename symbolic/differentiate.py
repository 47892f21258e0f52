"""The oracle's derivatives, each distinct subtree differentiated once.

``Derivative(...).doit()`` differentiates a tree: once activations are
replaced by their definitions, tanh's ``(e^u - e^{-u}) / (e^u + e^{-u})``
holds its argument ``u`` four times, so a network of depth ``d`` has its
input layer ``4**d`` times in the tree, and SymPy differentiates every copy.
The copies are one object: remembered by object identity, each is
differentiated once.  The rules are SymPy's own for sums, products, powers
and functions (``fdiff``: an activation never reaches here, the oracle has
replaced it by its definition first), so the result is the same function;
its form may differ from ``doit``'s.

Anything else -- a sum, an undefined function, a piecewise, an integral --
is left to SymPy: :func:`take_derivatives` returns None when it meets a node
it does not know, and the caller does ``doit()`` as before.

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> take_derivatives(sp.Derivative(sp.exp(x * y) * x, x))
x*y*exp(x*y) + exp(x*y)
>>> take_derivatives(sp.Derivative(sp.Function("f")(x), x)) is None
True
"""
from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

__all__ = ["take_derivatives"]

# node types whose derivative is taken here (the elementary functions by their fdiff)
_KNOWN = (sp.Symbol, sp.Number, sp.NumberSymbol, sp.Add, sp.Mul, sp.Pow, sp.Derivative, sp.Subs, sp.Tuple)
_ELEMENTARY = (sp.exp, sp.log, sp.tanh, sp.sinh, sp.cosh, sp.sin, sp.cos, sp.tan, sp.atan, sp.asinh,
               sp.atanh, sp.sech, sp.coth, sp.acos, sp.asin)


class _Unknown(Exception):
    """A node this module does not differentiate: SymPy's ``doit`` instead."""


def _known(node) -> bool:
    return isinstance(node, _KNOWN) or (isinstance(node, _ELEMENTARY) and not isinstance(node, AppliedUndef)
                                        and len(node.args) == 1)


class _Differentiator:
    def __init__(self):
        self._free: dict[int, tuple[sp.Basic, frozenset]] = {}
        self._d: dict[tuple[int, sp.Symbol], tuple[sp.Basic, sp.Expr]] = {}
        self._done: dict[int, tuple[sp.Basic, sp.Expr]] = {}

    def free(self, e) -> frozenset:
        """The symbols ``e`` depends on (bound ones included: a superset is safe here)."""
        hit = self._free.get(id(e))
        if hit is not None and hit[0] is e:
            return hit[1]
        if isinstance(e, sp.Symbol):
            out = frozenset((e,))
        elif not e.args:
            out = frozenset()
        else:
            out = frozenset().union(*(self.free(a) for a in e.args))
        self._free[id(e)] = (e, out)
        return out

    def diff(self, e, x) -> sp.Expr:
        if x not in self.free(e):
            return sp.S.Zero
        key = (id(e), x)
        hit = self._d.get(key)
        if hit is not None and hit[0] is e:
            return hit[1]
        out = self._diff(e, x)
        self._d[key] = (e, out)
        return out

    def _diff(self, e, x) -> sp.Expr:
        if isinstance(e, sp.Symbol):
            return sp.S.One if e == x else sp.S.Zero
        if isinstance(e, sp.Add):
            return sp.Add(*[self.diff(a, x) for a in e.args])
        if isinstance(e, sp.Mul):
            args = list(e.args)
            terms = []
            for i, a in enumerate(args):
                da = self.diff(a, x)
                if da != 0:
                    terms.append(sp.Mul(*args[:i], da, *args[i + 1:]))
            return sp.Add(*terms)
        if isinstance(e, sp.Pow):
            base, exp = e.args
            db, de = self.diff(base, x), self.diff(exp, x)
            out = sp.S.Zero
            if db != 0:
                out += exp * base ** (exp - 1) * db
            if de != 0:
                out += e * sp.log(base) * de
            return out
        if isinstance(e, _ELEMENTARY) and len(e.args) == 1:
            return e.fdiff(1) * self.diff(e.args[0], x)
        raise _Unknown(type(e).__name__)

    def take(self, e) -> sp.Expr:
        """``e`` with every Derivative taken and every Subs substituted, bottom-up."""
        hit = self._done.get(id(e))
        if hit is not None and hit[0] is e:
            return hit[1]
        if not _known(e):
            raise _Unknown(type(e).__name__)
        if isinstance(e, sp.Derivative):
            out = self.take(e.expr)
            for v, n in e.variable_count:
                if not (isinstance(v, sp.Symbol) and n.is_Integer):
                    raise _Unknown("a derivative by something other than a symbol")
                for _ in range(int(n)):
                    out = self.diff(out, v)
        elif isinstance(e, sp.Subs):
            # as Subs.doit: the expression's derivatives taken, then the point substituted
            out = self.take(e.expr).subs(list(zip(e.variables, e.point, strict=True)))
            if out.has(sp.Derivative, sp.Subs):
                raise _Unknown("a substitution into an unevaluated derivative")
        elif e.args:
            args = [self.take(a) for a in e.args]
            out = e.func(*args) if any(a is not b for a, b in zip(args, e.args, strict=True)) else e
        else:
            out = e
        self._done[id(e)] = (e, out)
        return out


def take_derivatives(expr) -> sp.Expr | None:
    """``expr.doit()`` for its derivatives and substitutions, or None where a node is unknown here."""
    try:
        return _Differentiator().take(expr)
    except (_Unknown, RecursionError):
        return None
