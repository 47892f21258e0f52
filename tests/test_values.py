"""symbolic.values: the screen's evaluator, against SymPy's evalf at the same exact points."""
from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from gradproof.symbolic.activations import relu, sigmoid, tanh
from gradproof.symbolic.equivalence import oracle
from gradproof.symbolic.values import Values

x, y = sp.symbols("x y", real=True)
POINTS = {x: [sp.Rational(3, 8), sp.Rational(-13, 16)], y: [sp.Rational(5, 4), sp.Rational(1, 32)]}


def _draw(s):
    return POINTS.get(s)


def _evalf(expr, k):
    v = sp.N(oracle(expr).xreplace({s: POINTS[s][k] for s in POINTS}), 40)
    return None if not v.is_real or v.has(sp.zoo, sp.nan) else v


@pytest.mark.parametrize("expr", [
    x**2 * y - 3 * x / y, sp.exp(-x) / (1 + sp.exp(-x)) ** 2, sp.log(1 + sp.exp(x * y)),
    sigmoid(x) * (1 - sigmoid(x)), tanh(x * y + 1) ** 3, relu(x) + relu(y), sp.Abs(x) - sp.sqrt(y**2),
    sp.Derivative(sigmoid(x * y), x), sp.Subs(sp.Derivative(tanh(x), x), x, y ** 2),
    sp.Max(x, y) * sp.pi, sp.Piecewise((x, x > 0), (2 * x, True)), x ** sp.Rational(1, 3) + y ** x,
])
def test_values_agree_with_evalf_of_the_definitions(expr):
    got = Values(_draw, 2, 30, expand=oracle)(expr)
    for k in range(2):
        want = _evalf(expr, k)
        if want is None:
            assert got[k] is None
            continue
        with mpmath.workdps(40):
            assert got[k] is not None
            assert abs(got[k] - mpmath.mpf(str(want))) < mpmath.mpf(10) ** -25 * (1 + abs(got[k]))


def test_no_value_outside_the_real_domain():
    v = Values(_draw, 2)
    assert v(sp.log(x))[1] is None and v(sp.log(x))[0] is not None  # x < 0 at the second point
    assert v(1 / (x - sp.Rational(3, 8)))[0] is None  # a pole
    assert v(x ** sp.Rational(1, 2))[1] is None
    assert v(sp.Derivative(x ** 2, x)) == [None, None]  # no oracle given: derivatives have no value


def test_symbols_that_differ_only_in_assumptions_keep_their_own_values():
    # SymPy finds these two Subs equal; the evaluator must not hand one the other's values
    t, z, zr = sp.Symbol("t"), sp.Symbol("z"), sp.Symbol("z", real=True)
    a, b = sp.Subs(sp.Derivative(t**3, t), t, z), sp.Subs(sp.Derivative(t**3, t), t, zr)
    v = Values(lambda s: {z: [2, 2], zr: [3, 3]}.get(s) and [sp.Integer(q) for q in {z: [2, 2], zr: [3, 3]}[s]],
               2, expand=oracle)
    assert v(a) == [12, 12] and v(b) == [27, 27]


def test_each_symbol_is_drawn_once():
    asked = []
    v = Values(lambda s: asked.append(s) or POINTS[s], 2)
    v(x + y)
    v(x * y + sp.exp(x))
    assert sorted(asked, key=str) == [x, y]
