"""The numeric verdict, against hand-checked values and plain NumPy."""
import numpy as np
import pytest
import sympy as sp

from gradproof.checks.numeric import check, evaluate
from gradproof.symbolic.activations import relu, sigmoid, tanh
from gradproof.symbolic.domain import Domain
from gradproof.symbolic.equivalence import Status
from gradproof.symbolic.losses import bce

z, u = sp.symbols("z u", real=True)
a, y = sp.symbols("a y", positive=True)
UNIT = Domain.of({a: (0, 1), y: (0, 1)})


@pytest.mark.parametrize("mode", ["fd", "cs"])
def test_derivatives_match_hand_checked_values(mode):
    # sigma'(0) = 1/4, tanh'(0) = 1, d/dz z^3 at 2 = 12
    pt = {z: np.array([0.0, 2.0])}
    assert np.allclose(evaluate(sp.Derivative(sigmoid(z), z), pt, mode)[0], 0.25, atol=1e-10)
    assert np.allclose(evaluate(sp.Derivative(tanh(z), z), pt, mode)[0], 1.0, atol=1e-10)
    assert np.allclose(evaluate(sp.Derivative(z**3, z), pt, mode)[1], 12.0, rtol=1e-9)


def test_a_true_derivative_claim_agrees_by_both_methods():
    v = check(sp.Derivative(bce(sigmoid(z), y), z), sigmoid(z) - y, UNIT)
    assert v.status is Status.HOLDS
    assert v.method == "finite differences + complex step"
    assert v.extra["cs_error"] < 1e-13 and v.extra["fd_error"] < 1e-8


def test_a_false_claim_fails_at_a_point_plain_numpy_confirms():
    v = check(sp.Derivative(bce(a, y), a), -y / sp.log(a) + (1 - y) / (1 - a), UNIT)
    assert v.status is Status.FAILS
    pa, py = v.counterexample["a"], v.counterexample["y"]
    truth = -py / pa + (1 - py) / (1 - pa)  # d/da of the cross-entropy, by hand
    assert abs(v.lhs_value - truth) < 1e-6
    assert abs(v.rhs_value - (-py / np.log(pa) + (1 - py) / (1 - pa))) < 1e-12
    assert v.extra["max_error"] > 1e-3


def test_kinked_functions_use_central_differences_only():
    v = check(sp.Derivative(relu(z), z), sp.Heaviside(z, 0))
    assert v.status is Status.HOLDS and v.method == "finite differences"


def test_points_never_sit_on_relu_kink():
    pts = Domain().sample([z], 2000, seed=3)
    assert min(abs(float(p[z])) for p in pts) >= 1 / 64


def test_second_derivatives_by_nested_differences():
    v = check(sp.Derivative(sigmoid(z), z, 2), sigmoid(z) * (1 - sigmoid(z)) * (1 - 2 * sigmoid(z)))
    assert v.status is Status.HOLDS, v


def test_undefined_functions_are_undecided():
    g = sp.Function("g")
    assert check(sp.Derivative(g(z), z), g(z)).status is Status.UNDECIDED


def test_outside_the_real_domain_is_not_a_value():
    # log(u) for u < 0 is complex: those points are skipped, not compared
    v = check(sp.log(u**2), 2 * sp.log(sp.Abs(u)))
    assert v.status is Status.HOLDS


def test_subs_evaluates_a_derivative_at_a_defined_point():
    # d/da of the cross-entropy, taken in a and then evaluated at a = sigma(z)
    lhs = sp.Subs(sp.Derivative(bce(a, y), a), a, sigmoid(z))
    rhs = -y / sigmoid(z) + (1 - y) / (1 - sigmoid(z))
    assert check(lhs, rhs, UNIT).status is Status.HOLDS
    assert check(lhs, -y / sigmoid(z), UNIT).status is Status.FAILS


def test_a_derivative_in_a_variable_the_function_lacks_is_zero():
    assert check(sp.Derivative(y * z, a), 0).status is Status.HOLDS
    assert check(sp.Derivative(y * z, a), 1).status is Status.FAILS


# --------------------------------------------------------------------------
# the evaluator: each node a NumPy operation, against lambdify's printed code
# --------------------------------------------------------------------------

_X, _Y = sp.symbols("x y", real=True)


@pytest.mark.parametrize("expr", [
    _X**2 * _Y - 3 * _X / _Y, sp.exp(-_X) / (1 + sp.exp(-_X)) ** 2, sp.log(1 + sp.exp(_X * _Y)),
    sp.sqrt(_Y**2 + 1) - sp.Abs(_X), sp.Max(_X, _Y, 0) + sp.Min(_X, 1), sp.Heaviside(_X, 0) * _Y,
    sp.Heaviside(_Y), sp.Piecewise((_X, _X > 0), (2 * _X, _Y <= 0), (0, True)), sp.pi * _X + sp.E,
    sp.tanh(_X) ** 3 + sp.atan(_Y) + sp.asinh(_X * _Y), sp.cosh(_X) + sp.Integer(7), _X ** sp.Rational(1, 3),
    sp.acos(_X / 3) * _Y,  # a node it hands to lambdify
])
def test_the_evaluator_agrees_with_lambdify(expr):
    from gradproof.checks.numeric import Program

    rng = np.random.default_rng(7)
    x, y = rng.uniform(-2, 2, 50), rng.uniform(-2, 2, 50)
    x[:3] = [0.0, -1.0, 1.0]  # the kinks
    y[:3] = [0.0, 1.0, -1.0]
    with np.errstate(all="ignore"):
        got = np.broadcast_to(Program([_X, _Y], [expr])(x, y)[0], (50,))
        want = np.broadcast_to(sp.lambdify([_X, _Y], expr, modules="numpy")(x, y), (50,))
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15, equal_nan=True)


def test_the_evaluator_evaluates_activations_by_their_definitions():
    from gradproof.checks.numeric import Program

    z = np.array([-3.0, 0.0, 0.5, 4.0])
    f = Program([_X], [sigmoid(_X) + tanh(2 * _X) + relu(_X - 1)])
    np.testing.assert_allclose(f(z)[0], 1 / (1 + np.exp(-z)) + np.tanh(2 * z) + np.maximum(z - 1, 0), rtol=1e-14)


def test_the_evaluator_names_a_symbol_it_has_no_value_for():
    from gradproof.checks.numeric import Program

    with pytest.raises(NameError, match="y"):
        Program([_X], [_X + sp.erf(_Y)])
