"""The numeric verdict: float64 evaluation and finite differences of the forward pass.

Independent of the symbolic verdict by construction: nothing here simplifies
or differentiates symbolically.  Activations are printed by lambdify as their
*definitions*; each unevaluated ``Derivative(f, v)`` is replaced by the
central difference of the lambdified ``f`` in ``v`` (nested derivatives are
nested differences).  Both sides are evaluated at seeded points of the step's
domain and compared with the tolerances of :mod:`checks.tolerances`.

The verdict is ``holds`` ("agrees numerically": evidence, never a proof),
``fails`` (a point where the sides differ beyond tolerance, with both
values), or ``undecided`` (nothing could be evaluated, e.g. an undefined
function ``g``).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from checks.tolerances import ATOL, EPS, POINTS, RTOL
from symbolic.domain import Domain, stable_seed
from symbolic.equivalence import Status, Verdict

__all__ = ["check", "evaluate"]


def _outer_derivatives(expr) -> list[sp.Derivative]:
    found: list[sp.Derivative] = []

    def walk(e):
        if isinstance(e, sp.Derivative):
            if e not in found:
                found.append(e)
            return
        for arg in e.args:
            walk(arg)

    walk(expr)
    return found


def _symbols(expr) -> tuple[sp.Symbol, ...]:
    return tuple(sorted((s for s in expr.free_symbols if isinstance(s, sp.Symbol)),
                        key=lambda s: (str(s), s.sort_key())))


class _Evaluator:
    """A compiled float64 evaluator of an expression that may hold Derivatives."""

    def __init__(self, expr):
        self.derivatives = []
        dummies = []
        for d in _outer_derivatives(expr):
            variables = [v for v, n in d.variable_count for _ in range(int(n))]
            self.derivatives.append((_compile(d.expr), variables))
            dummies.append(sp.Dummy("fd"))
        body = expr.xreplace(dict(zip(_outer_derivatives(expr), dummies)))
        self.symbols = tuple(s for s in _symbols(body) if s not in dummies)
        self.f = sp.lambdify([*self.symbols, *dummies], body, modules="numpy")

    def __call__(self, point: dict) -> np.ndarray:
        values = [_difference(inner, variables, point) for inner, variables in self.derivatives]
        return np.asarray(self.f(*[point[s] for s in self.symbols], *values), dtype=float)


def _difference(f: _Evaluator, variables: list, point: dict) -> np.ndarray:
    """Central difference of ``f`` in ``variables`` (one after another)."""
    if not variables:
        return f(point)
    v, rest = variables[0], variables[1:]
    x = np.asarray(point[v], dtype=float)
    h = EPS * np.maximum(1.0, np.abs(x))
    up = _difference(f, rest, {**point, v: x + h})
    down = _difference(f, rest, {**point, v: x - h})
    return (up - down) / (2 * h)


@lru_cache(maxsize=512)
def _compile(expr) -> _Evaluator:
    return _Evaluator(expr)


def evaluate(expr, point: dict) -> np.ndarray:
    """``expr`` in float64 at ``point`` (symbol -> array), derivatives by central differences."""
    with np.errstate(all="ignore"):
        return _compile(sp.sympify(expr))(point)


def check(lhs, rhs, domain: Domain | None = None, seed_text: str = "",
          rtol: float = RTOL, atol: float = ATOL) -> Verdict:
    """The numeric verdict of ``lhs = rhs``: compare both sides at seeded points."""
    import time

    start = time.perf_counter()
    domain = domain or Domain()
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)

    def verdict(status, method, **kw):
        return Verdict(status, method, round(time.perf_counter() - start, 6), **kw)

    if lhs.atoms(AppliedUndef) or rhs.atoms(AppliedUndef):
        return verdict(Status.UNDECIDED, "float64", reason="an undefined function has no numeric value")
    # a derivative's variable may be absent from its expression (the derivative is then 0), and
    # so from free_symbols; finite differences still need a value for it
    variables = {v for e in (lhs, rhs) for d in e.atoms(sp.Derivative) for v in d.variables}
    syms = sorted(set(_symbols(lhs)) | set(_symbols(rhs)) | variables, key=lambda s: (str(s), s.sort_key()))
    points = domain.sample(syms, POINTS, stable_seed("numeric", seed_text, sp.srepr(lhs), sp.srepr(rhs)))
    arrays = {s: np.array([float(p[s]) for p in points]) for s in syms}
    method = "finite differences" if (lhs.has(sp.Derivative) or rhs.has(sp.Derivative)) else "float64"
    try:
        lv = np.broadcast_to(evaluate(lhs, arrays), (POINTS,))
        rv = np.broadcast_to(evaluate(rhs, arrays), (POINTS,))
    except Exception as exc:  # a printer or NumPy that cannot evaluate is an honest "undecided"
        return verdict(Status.UNDECIDED, method, reason=f"cannot evaluate numerically: {type(exc).__name__}: {exc}")
    ok = np.isfinite(lv) & np.isfinite(rv)
    if not ok.any():
        return verdict(Status.UNDECIDED, method, reason="no point of the domain gave finite values")
    scale = np.maximum(np.abs(lv), np.abs(rv))
    err = np.where(ok, np.abs(lv - rv), 0.0)
    rel = err / np.maximum(1.0, scale)
    bad = ok & (err > atol + rtol * scale)
    extra = {"max_error": float(rel.max()), "tolerance": rtol, "points": int(ok.sum())}
    if bad.any():
        i = int(np.argmax(np.where(bad, rel, -1.0)))
        return verdict(Status.FAILS, method, counterexample={str(s): float(arrays[s][i]) for s in syms},
                       lhs_value=float(lv[i]), rhs_value=float(rv[i]), extra=extra)
    return verdict(Status.HOLDS, method, extra=extra)
