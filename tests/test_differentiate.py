"""symbolic.differentiate: the oracle's memoised derivatives against SymPy's doit, at exact points."""
from __future__ import annotations

import pytest
import sympy as sp

from gradproof.symbolic.activations import expand_definitions, relu, sigmoid, tanh
from gradproof.symbolic.differentiate import take_derivatives

x, y, w, b = sp.symbols("x y w b", real=True)
u = sp.Symbol("u", real=True)


def _net(depth):
    """A scalar network of ``depth`` tanh layers: its input repeated 4**depth times once expanded."""
    a = x
    for k in range(depth):
        a = tanh(sp.Symbol(f"w{k}", real=True) * a + sp.Symbol(f"b{k}", real=True))
    return sigmoid(w * a + b)


CASES = [
    sp.Derivative(sp.exp(x * y) * sp.log(1 + x**2), x),
    sp.Derivative(x ** y + y ** x, x, 2),
    sp.Derivative(sp.sqrt(1 + x**2) / (1 + sp.exp(-x)), x),
    sp.Derivative(-y * sp.log(sigmoid(w * x + b)) - (1 - y) * sp.log(1 - sigmoid(w * x + b)), w),
    sp.Derivative(_net(2), sp.Symbol("w0", real=True)),
    sp.Subs(sp.Derivative(tanh(u) ** 2, u), u, w * x + b) * x,
    sp.Derivative(sp.Subs(sp.Derivative(sigmoid(u), u), u, w * x), w),
    sp.Derivative(sp.atan(x * y) + sp.cosh(x) * sp.sinh(y), y),
]


@pytest.mark.parametrize("expr", CASES, ids=range(len(CASES)))
def test_the_derivatives_are_sympys(expr):
    expr = expand_definitions(expr)
    got, want = take_derivatives(expr), expr.doit()
    assert got is not None and not got.has(sp.Derivative, sp.Subs)
    syms = sorted(want.free_symbols | got.free_symbols, key=str)
    for k in range(3):  # exact rational points: the values agree to 40 digits
        point = {s: sp.Rational(3 + 2 * k + j, 7 + k) * (-1) ** (j + k) for j, s in enumerate(syms)}
        g, v = sp.N(got.xreplace(point), 50), sp.N(want.xreplace(point), 50)
        assert abs(g - v) <= sp.Float("1e-40", 50) * (1 + abs(v))


def test_a_deep_network_is_differentiated_once_per_distinct_subtree():
    expr = expand_definitions(sp.Derivative(_net(4), sp.Symbol("w0", real=True)))
    got = take_derivatives(expr)
    distinct = set()
    stack = [got]
    while stack:
        e = stack.pop()
        if e not in distinct:
            distinct.add(e)
            stack.extend(e.args)
    assert len(distinct) < 2000  # a tree walk would have met the input layer 4**4 times per factor


@pytest.mark.parametrize("expr", [
    sp.Derivative(sp.Function("f")(x) * x, x),  # an undefined function
    sp.Derivative(sp.Sum(sp.Indexed("c", sp.Symbol("i")) * x, (sp.Symbol("i"), 1, sp.Symbol("n"))), x),
    sp.Derivative(relu(x) * x, x).xreplace({relu(x): sp.Piecewise((x, x > 0), (0, True))}),
])
def test_what_it_does_not_know_is_left_to_sympy(expr):
    assert take_derivatives(expr) is None
