"""Each activation's declared derivative against the derivative of its definition.

The oracle is never the declared rule: ``f.definition(x).diff(x)`` differentiates
``exp``/``Piecewise`` expressions that SymPy knows natively, and finite
differences of the NumPy definition give a second, independent check.
"""
import numpy as np
import pytest
import sympy as sp

from gradproof.symbolic.activations import ACTIVATIONS, expand_definitions, relu, sigmoid, tanh

x = sp.Symbol("x", real=True)
POINTS = [-2.5, -1.0, -0.3, 0.2, 0.7, 1.9]


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_declared_derivative_matches_definition(name):
    f = ACTIVATIONS[name]
    declared = expand_definitions(f(x).diff(x))  # the rule, written out in exp / Piecewise
    oracle = f.definition(x).diff(x)  # SymPy differentiating the definition
    for p in POINTS:
        assert abs(float(declared.subs(x, p)) - float(oracle.subs(x, p))) < 1e-12, (name, p)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_declared_derivative_matches_finite_differences(name):
    f = ACTIVATIONS[name]
    numeric = sp.lambdify(x, f.definition(x), "numpy")
    declared = sp.lambdify(x, expand_definitions(f(x).diff(x)), "numpy")
    h = 1e-6
    for p in POINTS:
        fd = (numeric(p + h) - numeric(p - h)) / (2 * h)
        assert abs(fd - declared(p)) < 1e-7, (name, p)


def test_definitions_are_the_textbook_ones():
    # hand-checked values
    assert float(sigmoid.definition(sp.Integer(0))) == 0.5
    assert abs(float(tanh.definition(sp.Float(0.5))) - np.tanh(0.5)) < 1e-15
    assert relu.definition(sp.Integer(-3)) == 0 and relu.definition(sp.Integer(3)) == 3


def test_relu_derivative_at_zero_is_zero_by_convention():
    # SymPy's Heaviside(0) is 1/2; the documents take ReLU'(0) = 0
    assert relu(x).diff(x).subs(x, 0) == 0
    assert sp.Heaviside(0) == sp.S.Half  # the convention we deliberately do not use
    assert relu.definition(x).diff(x).subs(x, 0) == 0


def test_expand_definitions_reaches_nested_activations():
    e = expand_definitions(sigmoid(tanh(x)))
    assert not e.has(sigmoid) and not e.has(tanh)
    assert abs(float(e.subs(x, 0.3)) - 1 / (1 + np.exp(-np.tanh(0.3)))) < 1e-15


def test_lambdify_prints_definitions():
    f = sp.lambdify(x, sigmoid(x) + relu(x), "numpy")
    assert abs(f(0.4) - (1 / (1 + np.exp(-0.4)) + 0.4)) < 1e-15


@pytest.mark.parametrize("modules", ["numpy", "mpmath"])
def test_printed_definitions_keep_their_parentheses(modules):
    # tanh(x)**2 once printed as (e^x - e^-x)/(e^x + e^-x)**2
    f = sp.lambdify(x, tanh(x) ** 2 + 2 / sigmoid(x), modules)
    assert abs(float(f(0.7)) - (np.tanh(0.7) ** 2 + 2 * (1 + np.exp(-0.7)))) < 1e-12
