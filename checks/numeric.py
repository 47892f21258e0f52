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

from gradproof.checks.tolerances import (
    ATOL,
    ATOL_HIGHER_ORDER,
    CS_STEP,
    EPS,
    EPS_HIGHER_ORDER,
    POINTS,
    RTOL,
    RTOL_HIGHER_ORDER,
)
from gradproof.symbolic.activations import _Activation, relu
from gradproof.symbolic.domain import Domain, digest, stable_seed
from gradproof.symbolic.equivalence import Status, Verdict, as_expr, write_out_sums
from gradproof.symbolic.nodes import distinct_nodes

__all__ = ["Program", "check", "evaluate"]


def _outer_nodes(expr) -> list:
    """The outermost ``Derivative`` and ``Subs`` nodes of ``expr``, in a stable order."""
    found: list = []

    def walk(e):
        if isinstance(e, (sp.Derivative, sp.Subs)):
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


def _atoms(expr, *types) -> set:
    """``expr.atoms(*types)``, each distinct node visited once (:mod:`symbolic.nodes`)."""
    return {e for e in distinct_nodes(expr) if isinstance(e, types)}


def _plain(expr):
    """Finite sums written out, and each entry ``x[1]`` of an indexed name a variable of its own.

    NumPy would read ``x[1]`` as the second of the seeded points of ``x``.
    """
    if _atoms(expr, sp.Sum):
        expr = write_out_sums(expr)
    entries = {e: sp.Symbol(str(e), real=True) for e in _atoms(expr, sp.Indexed)
               if all(i.is_Integer for i in e.indices)}
    return expr.xreplace(entries) if entries else expr


_KINKED = (sp.Piecewise, sp.Heaviside, sp.Abs, sp.Max, sp.Min, sp.sign, relu)


class _Evaluator:
    """A compiled float64 evaluator of an expression that may hold Derivatives.

    ``Subs(e, v, p)`` -- a derivative taken in ``v`` and then evaluated at
    ``v = p``, as the Markdown reader builds for ``\\partial L / \\partial a``
    with ``a`` defined -- is evaluated as ``e`` at the point where ``v``
    takes the value of ``p``.
    """

    def __init__(self, expr):
        # complex step needs an analytic function with no derivative inside it
        self.analytic = not expr.has(*_KINKED, sp.Derivative, sp.Subs)
        self.nodes = []
        dummies = []
        # plain symbols with fresh names, not Dummy: one Dummy argument makes lambdify
        # rename every argument, walking the whole expression once per argument
        taken = {str(a) for a in expr.atoms(sp.Symbol)}
        for node in _outer_nodes(expr):
            if isinstance(node, sp.Derivative):
                variables = [v for v, n in node.variable_count for _ in range(int(n))]
                self.nodes.append(("derivative", _compile(node.expr), variables, None))
            else:
                self.nodes.append(("subs", _compile(node.expr), list(node.variables),
                                   [_compile(sp.sympify(p)) for p in node.point]))
            name = f"node{len(dummies)}"
            while name in taken:
                name = "_" + name
            taken.add(name)
            dummies.append(sp.Symbol(name))
        body = expr.xreplace(dict(zip(_outer_nodes(expr), dummies, strict=False)))
        self.symbols = tuple(s for s in _symbols(body) if s not in dummies)
        self.f = Program([*self.symbols, *dummies], [body])

    @property
    def complex_steppable(self) -> bool:
        """Can every derivative inside be taken by the complex step?"""
        if not self.nodes:
            return False
        for kind, inner, variables, points in self.nodes:
            if kind == "derivative" and not (inner.analytic and len(variables) == 1):
                return False
            if kind == "subs" and (any(p.nodes for p in points)
                                   or not (inner.complex_steppable or not inner.nodes)):
                return False
        return True

    def __call__(self, point: dict, mode: str = "fd") -> np.ndarray:
        values = []
        for kind, inner, variables, points in self.nodes:
            if kind == "derivative":
                values.append(_derivative(inner, variables, point, mode))
            else:
                at = {**point, **{v: p(point, mode) for v, p in zip(variables, points, strict=False)}}
                values.append(inner(at, mode))
        return np.asarray(self.f(*[point[s] for s in self.symbols], *values)[0])


_UFUNCS: dict = {sp.exp: np.exp, sp.log: np.log, sp.tanh: np.tanh, sp.sinh: np.sinh, sp.cosh: np.cosh,
                 sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan, sp.atan: np.arctan, sp.asinh: np.arcsinh,
                 sp.atanh: np.arctanh, sp.Abs: np.abs, sp.sign: np.sign}
_COMPARE = {sp.StrictGreaterThan: np.greater, sp.GreaterThan: np.greater_equal,
            sp.StrictLessThan: np.less, sp.LessThan: np.less_equal}


class Program:
    """Float64 (or complex) functions of ``params``: ``outputs`` as one list of NumPy operations.

    What ``lambdify`` would print, without printing: each distinct subtree
    (by object: a deep network's chain rule repeats each layer as one
    object, and a matrix's entries share their layers) becomes one operation
    on whole arrays of points, and calling the program gives the list of
    outputs.  Activations are evaluated by their *definitions*, or by the
    NumPy function ``calls`` gives for their class (the matrix check's
    ``np.tanh``).  A node it does not know is handed to ``lambdify`` on its
    own.  Printing and compiling were most of the cost of a numeric check.

    >>> x = sp.Symbol("x")
    >>> Program([x], [x + 1, 2 * (x + 1)])(np.array([1.0, 2.0]))
    [array([2., 3.]), array([4., 6.])]
    """

    def __init__(self, params: list, outputs, calls: dict | None = None):
        self.ops: list[tuple] = []  # (function, argument slots) in dependency order
        self._slots: dict[int, tuple] = {}  # id(node) -> (node, kept alive; its slot)
        self._params = {p: k for k, p in enumerate(params)}
        self._calls = dict(calls or {})
        self.outs = [self._add(sp.sympify(e)) for e in outputs]

    def __call__(self, *values) -> list:
        slots: list = list(values)
        for f, args in self.ops:
            slots.append(f(*[slots[a] for a in args]))
        return [slots[k] for k in self.outs]

    def _emit(self, f, *args: int) -> int:
        self.ops.append((f, args))
        return len(self._params) + len(self.ops) - 1

    def _const(self, value) -> int:
        return self._emit(lambda: value)

    def _add(self, e) -> int:
        hit = self._slots.get(id(e))
        if hit is not None and hit[0] is e:
            return hit[1]
        slot = self._node(e)
        self._slots[id(e)] = (e, slot)
        return slot

    def _fold(self, f, args) -> int:
        """``f`` of two arguments applied left to right over ``args`` (a sum, a product, max, min)."""
        slots = [self._add(a) for a in args]
        acc = slots[0]
        for a in slots[1:]:
            acc = self._emit(f, acc, a)
        return acc

    def _node(self, e) -> int:
        if e in self._params:
            return self._params[e]
        if e.is_Integer or e.is_Rational or e.is_Float or isinstance(e, sp.NumberSymbol):
            return self._const(float(e))
        if e is sp.true:
            return self._const(True)
        if isinstance(e, sp.Add | sp.Mul):
            return self._fold(np.add if isinstance(e, sp.Add) else np.multiply, e.args)
        if isinstance(e, sp.Pow):
            base, exp = e.args
            b = self._add(base)
            if exp == -1:
                return self._emit(_reciprocal, b)
            if exp == sp.Rational(1, 2):
                return self._emit(np.sqrt, b)
            return self._emit(np.power, b, self._add(exp))
        call = self._calls.get(e.func)
        if call is not None:
            return self._emit(call, *[self._add(a) for a in e.args])
        if isinstance(e, _Activation):
            return self._add(e.func.definition(e.args[0]))
        f = _UFUNCS.get(e.func)
        if f is not None and len(e.args) == 1:
            return self._emit(f, self._add(e.args[0]))
        if type(e) in _COMPARE:
            return self._emit(_COMPARE[type(e)], self._add(e.args[0]), self._add(e.args[1]))
        if isinstance(e, sp.Piecewise):
            pieces = [(self._add(v), self._add(c)) for v, c in e.args]
            return self._emit(_piecewise, *[s for pair in pieces for s in pair])
        if isinstance(e, sp.Heaviside):
            return self._emit(np.heaviside, self._add(e.args[0]), self._add(e.args[1] if len(e.args) > 1
                                                                             else sp.Rational(1, 2)))
        if isinstance(e, sp.Max | sp.Min):
            return self._fold(np.maximum if isinstance(e, sp.Max) else np.minimum, e.args)
        # anything else: lambdify this node alone, as a function of the parameters it uses
        free = sorted(e.free_symbols, key=lambda s: (str(s), s.sort_key()))
        missing = [s for s in free if s not in self._params]
        if missing:
            raise NameError(f"no value for {', '.join(map(str, missing))}")
        f = sp.lambdify(free, e, modules="numpy", cse=False, docstring_limit=0)
        return self._emit(f, *[self._params[s] for s in free])


def _reciprocal(x):
    return np.divide(1.0, x)


def _piecewise(*pairs):
    """``Piecewise``: the first value whose condition holds, point by point (nan where none does)."""
    values, conditions = pairs[0::2], pairs[1::2]
    shape = np.broadcast_shapes(*[np.shape(v) for v in pairs])
    conds = [np.broadcast_to(np.asarray(c, dtype=bool), shape) for c in conditions]
    return np.select(conds, [np.broadcast_to(v, shape) for v in values], default=np.nan)


def _derivative(f: _Evaluator, variables: list, point: dict, mode: str) -> np.ndarray:
    """The derivative of ``f`` in ``variables`` (one after another) at ``point``.

    ``mode="cs"``: the complex step ``Im f(x + ih) / h`` -- no subtraction, so
    no cancellation, exact to round-off for analytic ``f`` of one variable.
    Otherwise (and for kinks, where it would silently give a wrong value) a
    central difference.
    """
    if not variables:
        return f(point, mode)
    v, rest = variables[0], variables[1:]
    x = np.asarray(point[v], dtype=float)
    if mode == "cs" and not rest and f.analytic:
        return np.imag(f({**point, v: x + 1j * CS_STEP}, mode)) / CS_STEP
    # nested differences divide round-off by h**order: a larger step for higher orders
    h = (EPS if not rest else EPS_HIGHER_ORDER) * np.maximum(1.0, np.abs(x))
    up = _derivative(f, rest, {**point, v: x + h}, mode)
    down = _derivative(f, rest, {**point, v: x - h}, mode)
    return (up - down) / (2 * h)


@lru_cache(maxsize=512)
def _compile(expr) -> _Evaluator:
    return _Evaluator(expr)


def evaluate(expr, point: dict, mode: str = "fd") -> np.ndarray:
    """``expr`` in float64 at ``point`` (symbol -> array).

    Derivatives by central differences (``mode="fd"``) or, where the function
    is analytic, by the complex step (``mode="cs"``).
    """
    with np.errstate(all="ignore"):
        out = np.asarray(_compile(as_expr(expr))(point, mode))
    if np.iscomplexobj(out):  # outside the real domain: not a value
        out = np.where(np.abs(out.imag) <= 1e-12 * np.maximum(1.0, np.abs(out.real)), out.real, np.nan)
    return out.astype(float)


def _complex_steppable(expr) -> bool:
    return _compile(as_expr(expr)).complex_steppable or not expr.has(sp.Derivative, sp.Subs)


def check(lhs, rhs, domain: Domain | None = None, seed_text: str = "",
          rtol: float = RTOL, atol: float = ATOL) -> Verdict:
    """The numeric verdict of ``lhs = rhs``: compare both sides at seeded points."""
    import time

    start = time.perf_counter()
    domain = domain or Domain()
    lhs, rhs = as_expr(lhs), as_expr(rhs)

    def verdict(status, method, **kw):
        return Verdict(status, method, round(time.perf_counter() - start, 6), **kw)

    if _atoms(lhs, AppliedUndef) or _atoms(rhs, AppliedUndef):
        return verdict(Status.UNDECIDED, "float64", reason="an undefined function has no numeric value")
    lhs, rhs = _plain(lhs), _plain(rhs)
    nodes = distinct_nodes(lhs) + distinct_nodes(rhs)  # both sides walked once, for everything below
    if any(isinstance(e, sp.Sum | sp.Indexed) for e in nodes):
        return verdict(Status.UNDECIDED, "float64", reason="a sum with symbolic bounds has no numeric value")
    # a derivative's variable may be absent from its expression (the derivative is then 0), and
    # so from free_symbols; finite differences still need a value for it
    # (a variable bound by a Subs gets its value from the Subs point instead)
    substitutions = [e for e in nodes if isinstance(e, sp.Subs)]
    bound = {v for sub in substitutions for v in sub.variables}
    derivatives = {e for e in nodes if isinstance(e, sp.Derivative)}
    variables = {v for d in derivatives for v in d.variables} - bound
    syms = sorted(set(_symbols(lhs)) | set(_symbols(rhs)) | variables, key=lambda s: (str(s), s.sort_key()))
    points = domain.sample(syms, POINTS, stable_seed("numeric", seed_text, digest(lhs), digest(rhs)))
    arrays = {s: np.array([float(p[s]) for p in points]) for s in syms}
    has_derivative = bool(derivatives or substitutions)
    order = max((d.derivative_count for d in derivatives), default=0)
    if order > 1:  # nested differences are less accurate: the higher-order tolerances
        rtol, atol = max(rtol, RTOL_HIGHER_ORDER), max(atol, ATOL_HIGHER_ORDER)
    modes = ["fd"]
    try:
        if has_derivative and _complex_steppable(lhs) and _complex_steppable(rhs):
            modes.append("cs")
    except Exception as exc:  # a printer that cannot print the claim is an honest "undecided"
        return verdict(Status.UNDECIDED, "float64", reason=f"cannot evaluate numerically: {type(exc).__name__}: {exc}")
    method = {1: "finite differences", 2: "finite differences + complex step"}[len(modes)] \
        if has_derivative else "float64"
    extra: dict = {"tolerance": rtol}
    worst = None
    for mode in modes:
        try:
            lv = np.broadcast_to(evaluate(lhs, arrays, mode), (POINTS,))
            rv = np.broadcast_to(evaluate(rhs, arrays, mode), (POINTS,))
        except Exception as exc:  # a printer or NumPy that cannot evaluate is an honest "undecided"
            return verdict(Status.UNDECIDED, method, reason=f"cannot evaluate numerically: {type(exc).__name__}: {exc}")
        ok = np.isfinite(lv) & np.isfinite(rv)
        if not ok.any():
            return verdict(Status.UNDECIDED, method, reason="no point of the domain gave finite values")
        scale = np.maximum(np.abs(lv), np.abs(rv))
        err = np.where(ok, np.abs(lv - rv), 0.0)
        rel = err / np.maximum(1.0, scale)
        extra[f"{mode}_error"] = float(rel.max())
        extra["points"] = int(ok.sum())
        bad = ok & (err > atol + rtol * scale)
        if bad.any() and worst is None:
            i = int(np.argmax(np.where(bad, rel, -1.0)))
            worst = ({str(s): float(arrays[s][i]) for s in syms}, float(lv[i]), float(rv[i]))
    extra["max_error"] = max(extra[f"{m}_error"] for m in modes)
    if worst is not None:
        point, lval, rval = worst
        return verdict(Status.FAILS, method, counterexample=point, lhs_value=lval, rhs_value=rval, extra=extra)
    return verdict(Status.HOLDS, method, extra=extra)
