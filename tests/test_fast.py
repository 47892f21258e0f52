"""symbolic/fast.py: symengine as a proof-only tier must never prove a false claim.

The oracle is independent of symengine and of SymPy's canonical forms:
mpmath evaluates both sides at random points of the complex plane (an
identity of the opaque form holds for complex values too), and known false
claims that *look* like identities -- true only under assumptions symengine
does not know -- must stay unproved by the tier and by ``decide``.
"""
import random

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gradproof.symbolic import fast
from gradproof.symbolic.activations import sigmoid
from gradproof.symbolic.equivalence import Status, decide

pytestmark = pytest.mark.skipif(not fast.AVAILABLE, reason="symengine is not installed")

x, y = sp.symbols("x y", real=True)
u, v = sp.symbols("u v")  # complex: no assumption at all
p = sp.Symbol("p", positive=True)

# each is false for some values its symbols may take: true only under assumptions, or not at all
FALSE_CLAIMS = [
    (sp.log(x * y), sp.log(x) + sp.log(y)),  # x, y < 0
    (sp.log(u * v), sp.log(u) + sp.log(v)),
    (sp.sqrt(x**2), x),  # x < 0 (SymPy writes it Abs(x))
    (sp.sqrt(u**2), u),
    (sp.Pow(u**2, sp.Rational(1, 2), evaluate=False), u),
    (sp.Pow(u, sp.Rational(1, 3)) ** 3 * 0 + sp.Pow(u**3, sp.Rational(1, 3)), u),  # cube root branch
    (sp.log(sp.exp(u)), u),  # Im u outside (-pi, pi]
    (sp.atan(sp.tan(x)), x),
    (sp.exp(u) ** sp.Rational(1, 2), sp.exp(u / 2) * 0 + sp.sqrt(sp.exp(u))),  # harmless: same node
    (sp.Abs(x), x),
    (sp.sign(x) * x, x),
    (sp.log(x**2), 2 * sp.log(x)),
    ((u**2) ** sp.Rational(3, 2), u**3),
    ((x + 1) ** 2, x**2 + 2 * x + 1 + sp.Rational(1, 10**40)),  # a cancellation that leaves a speck
    (sp.Float("0.1") + sp.Float("0.2"), sp.Float("0.3")),
    (sp.exp(x) * sp.exp(y), sp.exp(x * y)),
    (sp.sqrt(x) * sp.sqrt(y), sp.sqrt(x * y)),
    (sigmoid(x) * (1 - sigmoid(x)), sigmoid(x) - sigmoid(x) ** 3),
]
# the harmless entry above is a true identity written twice; keep only the false ones
FALSE_CLAIMS = [c for c in FALSE_CLAIMS if sp.srepr(c[0]) != sp.srepr(c[1])]


@pytest.mark.parametrize("lhs,rhs", FALSE_CLAIMS, ids=[f"{l} = {r}" for l, r in FALSE_CLAIMS])
def test_never_proves_a_claim_that_is_false_somewhere(lhs, rhs):
    assert fast.opaque_zero(lhs - rhs) is None
    assert fast.opaque_zero(sp.Add(lhs, -rhs, evaluate=False)) is None
    assert decide(lhs, rhs, budget=2.0, use_simplify=False).status is not Status.HOLDS


TRUE_CLAIMS = [
    ((x + y) ** 3, x**3 + 3 * x**2 * y + 3 * x * y**2 + y**3),
    (sp.tanh(x) ** 2 - 1, (sp.tanh(x) - 1) * (sp.tanh(x) + 1)),
    (sp.exp(2 * x) * sp.exp(-x), sp.exp(x)),
    (sigmoid(x) * (1 - sigmoid(x)), sigmoid(x) - sigmoid(x) ** 2),
    (1 / x * x, 1),
    (sp.log(p) * (p + 1) ** 2, sp.log(p) * p**2 + 2 * p * sp.log(p) + sp.log(p)),
]


@pytest.mark.parametrize("lhs,rhs", TRUE_CLAIMS, ids=[f"{l} = {r}" for l, r in TRUE_CLAIMS])
def test_proves_polynomial_identities_in_opaque_nodes(lhs, rhs):
    assert fast.opaque_zero(lhs - rhs) is True


def test_symbols_are_told_apart_by_identity_not_by_name():
    # the opaque tiers name every stand-in "op": merged by name, tanh(x) - sigmoid(x) would be "0"
    d1, d2 = sp.Dummy("op"), sp.Dummy("op")
    assert fast.opaque_zero(d1 - d2) is None
    assert fast.opaque_zero(sp.Symbol("x") - sp.Symbol("x", positive=True)) is None
    g, h = sp.Function("g"), sp.Function("g", real=True)
    assert fast.opaque_zero(g(x) - h(x)) is None
    assert decide(sp.tanh(x), sigmoid(x), budget=2.0, use_simplify=False).status is Status.FAILS


def test_a_matrix_is_zero_when_every_entry_is():
    M = sp.Matrix([[sp.tanh(x) ** 2 - sp.tanh(x) ** 2, 0], [(x + 1) ** 2 - x**2 - 2 * x - 1, 0]])
    assert fast.opaque_zero(M) is True
    assert fast.opaque_zero(M + sp.Matrix([[0, 0], [0, x]])) is None


def test_a_power_whose_expansion_is_too_large_is_left_to_sympy():
    # (x + y + 1)**k has C(k + 2, 2) terms: 20,100 at k = 199, over MAX_TERMS
    small, big = (x + y + 1) ** 33, (x + y + 1) ** 199
    assert fast.opaque_zero(small - sp.expand((x + y + 1) ** 2) * (x + y + 1) ** 31) is True
    assert fast.opaque_zero(big - sp.expand((x + y + 1) ** 2) * (x + y + 1) ** 197) is None


def test_without_symengine_every_test_falls_back(monkeypatch):
    monkeypatch.setattr(fast, "_engine", lambda: None)
    assert fast.opaque_zero((x + 1) ** 2 - x**2 - 2 * x - 1) is None
    assert decide(sp.Derivative(sigmoid(x), x), sigmoid(x) * (1 - sigmoid(x))).status is Status.HOLDS


# --------------------------------------------------------------------------
# random expressions: whatever the tier proves agrees at random complex points
# --------------------------------------------------------------------------

SYMS = sp.symbols("a b c")
UNARY = (sp.exp, sp.log, sp.sin, sp.tanh, sp.sqrt, lambda e: sp.exp(2 * e), lambda e: sp.exp(-e), sigmoid)


def _expr(draw_int, depth):
    k = draw_int(0, 9 if depth > 0 else 3)
    if k <= 2:
        return SYMS[k]
    if k == 3:
        return sp.Rational(draw_int(-3, 3), draw_int(1, 3))
    if k == 4:
        return UNARY[draw_int(0, len(UNARY) - 1)](_expr(draw_int, depth - 1))
    if k in (5, 6):
        return _expr(draw_int, depth - 1) + _expr(draw_int, depth - 1)
    if k in (7, 8):
        return _expr(draw_int, depth - 1) * _expr(draw_int, depth - 1)
    return _expr(draw_int, depth - 1) ** draw_int(-2, 3)


def _value(expr, point):
    f = sp.lambdify(SYMS, expr.rewrite(sp.exp) if expr.has(sigmoid) else expr, modules="mpmath")
    with mpmath.workdps(30):
        return f(*point)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.data())
def test_what_it_proves_holds_at_random_points(data):
    def draw_int(lo, hi):
        return data.draw(st.integers(lo, hi))

    e1 = _expr(draw_int, 3)
    # a rewriting of e1 that must stay equal, or a perturbed one that must not be proved
    perturb = data.draw(st.sampled_from([0, 0, 1, SYMS[0], sp.Rational(1, 10**12)]))
    rewrite = data.draw(st.sampled_from([sp.expand, sp.together]))  # polynomial, or over one denominator
    e2 = rewrite(e1) + perturb
    if fast.opaque_zero(e1 - e2):
        rng = random.Random(len(str(e1)))
        for _ in range(3):
            point = [mpmath.mpc(rng.uniform(0.2, 1.5), rng.uniform(-0.5, 0.5)) for _ in SYMS]
            try:
                lv, rv = _value(e1, point), _value(e2, point)
            except (ZeroDivisionError, ValueError, OverflowError):
                continue
            assert abs(lv - rv) <= mpmath.mpf("1e-15") * max(1, abs(lv), abs(rv)), (e1, e2, point)


# --------------------------------------------------------------------------
# over one denominator: nested fractions, without a gcd
# --------------------------------------------------------------------------

def _written_sigmoid(z):
    return 1 / (1 + sp.exp(-z))  # a denominator inside a denominator once differentiated


RATIONAL_TRUE = [
    # the sigmoid's derivative from its definition, against the textbook rule written out
    (sp.diff(_written_sigmoid(x), x), _written_sigmoid(x) * (1 - _written_sigmoid(x))),
    (1 / (1 + 1 / x), x / (x + 1)),
    (1 / (x + 1) + 1 / (x - 1), 2 * x / (x**2 - 1)),
    (sp.tanh(x) / (1 + sp.tanh(x)) ** 2 * (1 + sp.tanh(x)), sp.tanh(x) / (1 + sp.tanh(x))),
]
RATIONAL_FALSE = [
    (1 / (1 + 1 / x), x / (x - 1)),
    (1 / (x + 1) + 1 / (x - 1), 2 / (x**2 - 1)),
    (sp.diff(_written_sigmoid(x), x), _written_sigmoid(x) * (1 + _written_sigmoid(x))),
    (1 / (x + 1) + 1 / (x - 1), 2 * x / (x**2 - 1) + sp.Rational(1, 10**30) / (x + 2)),
]


@pytest.mark.parametrize("lhs,rhs", RATIONAL_TRUE, ids=[f"{l} = {r}" for l, r in RATIONAL_TRUE])
def test_proves_rational_identities_with_nested_denominators(lhs, rhs):
    d = lhs - rhs
    assert sp.simplify(d.rewrite(sp.exp)) == 0  # the oracle: SymPy, not symengine
    assert fast.opaque_zero(d) is True


@pytest.mark.parametrize("lhs,rhs", RATIONAL_FALSE, ids=[f"{l} = {r}" for l, r in RATIONAL_FALSE])
def test_never_proves_a_false_rational_identity(lhs, rhs):
    d = lhs - rhs
    assert sp.simplify(d) != 0
    assert fast.opaque_zero(d) is None


def test_a_denominator_that_is_zero_proves_nothing():
    zero = sp.Add((x + 1) ** 2, -x**2, -2 * x, -1, evaluate=False)  # 0, unevaluated
    undefined = x / zero - (x**2 + 2 * x) / (zero * (x + 2))  # "0" over 0 as a polynomial, defined nowhere
    assert fast.over_one_denominator(undefined)[1] == 0
    assert fast.over_one_denominator(1 / zero + 1 / zero * x)[1] == 0
    assert fast.opaque_zero(undefined) is None


def test_an_expansion_beyond_the_bound_is_left_to_sympy():
    s = sp.Add(*sp.symbols("s0:30"))
    wide = 1 / (s + 1) ** 3 - 1 / (s + 1) ** 3 * (s + 1) / (s + 1)  # 0 once cancelled
    assert wide == 0 or fast.opaque_zero(wide) is True
    huge = 1 / (1 + 1 / s**4) ** 4 - s**16 / (s**4 + 1) ** 4  # C(30 + 15, 16) terms and more
    with pytest.raises(fast._TooLarge):
        fast.over_one_denominator(huge)
    assert fast.opaque_zero(huge) is None


def test_shared_denominators_cancel_whole_before_any_common_denominator():
    # a weighted sum over 16 instances, each over its own denominator: over one denominator that
    # is a product of 16 sums (too large), as a Laurent polynomial it cancels term by term
    xs, ws = sp.symbols("x0:16", real=True), sp.symbols("w0:16", real=True)
    lhs = sp.Add(*[w / (xi + 1) * (y + 1) ** 2 for w, xi in zip(ws, xs, strict=True)])
    rhs = sp.Add(*[w / (xi + 1) * (y**2 + 2 * y + 1) for w, xi in zip(ws, xs, strict=True)])
    with pytest.raises(fast._TooLarge):
        fast.over_one_denominator(lhs - rhs)
    assert fast.opaque_zero(lhs - rhs) is True
    assert fast.opaque_zero(lhs - rhs + ws[0] / (xs[1] + 1)) is None


def test_a_weighted_sum_goes_over_one_denominator_weight_by_weight():
    # a claim at 12 instances (a note's sum unrolled at several sizes): weight k times instance k,
    # each with its own nested denominators.  Over one denominator for all, a product of 12 of them
    xs, ws = sp.symbols("x0:12", real=True), sp.symbols("w0:12", real=True)

    def instance(xi):
        s = 1 / (1 + sp.exp(-xi))
        return sp.diff(s, xi) - s * (1 - s)  # 0: the sigmoid's derivative, written out

    d = sp.Add(*[w * instance(xi) for w, xi in zip(ws, xs, strict=True)])
    assert sp.simplify(d) == 0  # the oracle
    with pytest.raises(fast._TooLarge):
        fast.over_one_denominator(d)
    assert len(fast.coefficients(d)) == len(ws)
    assert fast.opaque_zero(d) is True
    slipped = d + ws[3] * sp.exp(-xs[3]) / (1 + sp.exp(-xs[3])) ** 3  # one instance off
    assert fast.opaque_zero(slipped) is None
    shared = d + ws[3] * xs[4] - xs[4] * ws[3] ** 2  # w3 and w3**2 are different coefficients
    assert fast.opaque_zero(shared) is None
