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
