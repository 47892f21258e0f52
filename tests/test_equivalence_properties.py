"""Soundness as a property: random expressions, true and perturbed claims.

A true rewriting must never be refuted; a perturbed one must never be proved.
Hypothesis builds the expressions; the verdicts are checked against what we
know by construction, not against the engine.
"""
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradproof.symbolic.activations import sigmoid, tanh
from gradproof.symbolic.domain import Domain
from gradproof.symbolic.equivalence import Status, decide

x, y = sp.symbols("x y", real=True)
DOMAIN = Domain.of({}, default=(-1.5, 1.5))

leaves = st.sampled_from([x, y, sp.Integer(1), sp.Integer(2), sp.Rational(1, 2)])


def _combine(children):
    unary = st.tuples(st.sampled_from([sp.exp, sigmoid, tanh, lambda e: e**2]), children).map(
        lambda t: t[0](t[1]))
    binary = st.tuples(st.sampled_from([sp.Add, sp.Mul]), children, children).map(
        lambda t: t[0](t[1], t[2]))
    return unary | binary


exprs = st.recursive(leaves, _combine, max_leaves=5)
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(exprs)
def test_a_true_rewriting_is_never_refuted(e):
    rewritten = sp.expand(e.rewrite(sp.exp))  # same function, other form
    v = decide(e, rewritten, DOMAIN, budget=2)
    assert v.status is not Status.FAILS, v


@SETTINGS
@given(exprs, st.sampled_from([x, y, sp.Integer(1)]), st.sampled_from([1, -1, 3]))
def test_a_perturbed_claim_is_never_proved(e, term, c):
    # a perturbation relative to e's size, so 50 digits can always see it
    v = decide(e, e + c * term * (1 + e**2) / 1000, DOMAIN, budget=2)
    assert v.status is Status.FAILS, v
    assert v.counterexample is not None or not (e.free_symbols | term.free_symbols)
