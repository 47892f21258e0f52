"""Document 002 beyond the generic registry tests.

ReLU's convention at 0, softmax's declared Jacobian against its definition
(never against itself) and finite differences, the restored ``backpropagation``
in float64 at L = 2 and 3 against central differences -- and failing when it
is perturbed --, the errata's evidence, and the two readings of dJ/dz.
"""
import numpy as np
import pytest
import sympy as sp

from gradproof.checks.runner import check_step
from gradproof.checks.tolerances import ATOL, EPS, RTOL
from gradproof.derivations import ALL, source_text
from gradproof.derivations import doc002 as doc
from gradproof.derivations import doc002_code as code
from gradproof.symbolic.activations import relu
from gradproof.symbolic.equivalence import Status, decide
from gradproof.symbolic.softmax import declared_jacobian, softmax, softmax_vector

DOC = next(d for d in ALL if d.key == "002")
ERRATA = [s for s in DOC.steps if s.erratum is not None]


def _ids(steps):
    return [f"002/{s.id}" for s in steps]


# --------------------------------------------------------------------------
# ReLU at 0
# --------------------------------------------------------------------------

def test_relu_derivative_at_zero_is_zero_by_the_documents_convention():
    x = sp.Symbol("x", real=True)
    assert relu(x).fdiff().subs(x, 0) == 0  # ours: Heaviside(x, 0)
    assert sp.Heaviside(0) == sp.S.Half  # SymPy's default, deliberately not used
    assert code.relu(np.array([0.0]), deriv=True).tolist() == [0]


def test_relu_is_not_differentiable_at_zero():
    # "technically at x=0 the derivative is not defined": the one-sided derivatives differ
    # (h carries its side's sign: SymPy 1.14 gives limit(Piecewise((h, h > 0), (0, True))/h, h, 0, "+")
    # = 0 for a merely real h)
    right, left = sp.Symbol("h", positive=True), sp.Symbol("h", negative=True)
    quotient = lambda h: (relu.definition(h) - relu.definition(sp.Integer(0))) / h  # noqa: E731
    assert sp.limit(quotient(right), right, 0, dir="+") == 1
    assert sp.limit(quotient(left), left, 0, dir="-") == 0


def test_restored_relu_follows_line_159():
    x = np.array([-2.0, -1e-12, 0.0, 1e-12, 3.0])
    assert code.relu(x, deriv=True).tolist() == [0, 0, 0, 1, 1]
    assert code.relu(x).tolist() == [0.0, 0.0, 0.0, 1e-12, 3.0]


# --------------------------------------------------------------------------
# softmax: declared Jacobian against the definition and finite differences
# --------------------------------------------------------------------------

@pytest.mark.parametrize("K", [2, 3, 4])
def test_softmax_declared_jacobian_matches_derivative_of_definition(K):
    z = sp.symbols(f"z0:{K}", real=True)
    definition = softmax_vector(z, expand=True)  # exp / sum exp: no softmax object left
    assert not definition.has(softmax)
    oracle = definition.jacobian(z)
    declared = declared_jacobian(z).applyfunc(lambda e: e.rewrite(sp.exp))
    v = decide(declared, oracle)
    assert v.status is Status.HOLDS, v


@pytest.mark.parametrize("K", [3, 4])
def test_softmax_declared_jacobian_matches_finite_differences(K):
    z = sp.symbols(f"z0:{K}", real=True)
    f = sp.lambdify([z], list(softmax_vector(z)), "numpy")  # prints the definition
    jac = sp.lambdify([z], declared_jacobian(z), "numpy")
    rng = np.random.default_rng(K)
    for _ in range(5):
        p = rng.uniform(-2, 2, K)
        fd = np.empty((K, K))
        for j in range(K):
            e = np.zeros(K)
            e[j] = EPS
            fd[:, j] = (np.array(f(p + e)) - np.array(f(p - e))) / (2 * EPS)
        np.testing.assert_allclose(np.array(jac(p), dtype=float), fd, rtol=RTOL, atol=ATOL)


def test_softmax_rejects_a_bad_index():
    z = sp.symbols("z0:3", real=True)
    with pytest.raises(ValueError):
        softmax(3, *z)


def test_softmax_output_needs_dA_through_the_jacobian_not_its_diagonal():
    # line 142 "compute g'(Z^{[L]}) ... and go from there" (a notation step): for softmax the
    # element-wise dA * g'(Z) with the Jacobian's diagonal is wrong; the Jacobian product is right
    K = 3
    z = sp.symbols(f"z0:{K}", real=True)
    a = sp.symbols(f"a0:{K}", positive=True)
    y = [sp.Symbol(f"y{k}", positive=True) for k in range(K - 1)]
    y = y + [1 - sum(y)]
    loss = -sum(yk * sp.log(ak) for ak, yk in zip(a, y, strict=False))
    s = softmax_vector(z, expand=True)
    dA = sp.Matrix([sp.diff(loss, ak) for ak in a]).xreplace(dict(zip(a, s, strict=False)))
    jac = declared_jacobian(z).applyfunc(lambda e: e.rewrite(sp.exp))
    lhs = sp.Matrix([sp.Derivative(loss.xreplace(dict(zip(a, s, strict=False))), zk) for zk in z])
    assert decide(lhs, jac.T * dA).status is Status.HOLDS
    diagonal = sp.Matrix([dA[k] * jac[k, k] for k in range(K)])
    assert decide(lhs, diagonal).status is Status.FAILS


# --------------------------------------------------------------------------
# the restored code
# --------------------------------------------------------------------------

def test_restoration_changes_only_indentation():
    lines = source_text(doc.SOURCE).splitlines()
    for number, restored in code.LINES:
        assert restored.strip() == lines[number - 1].strip(), number
    assert lines[code.LINES[-1][0]].strip() == ""  # the function ends where the file's block ends


def _float_gradient_error(backprop, widths, seed, m=4):
    rng = np.random.default_rng(seed)
    params = code.init_parameters(widths, seed)
    X = rng.normal(0, 1, (widths[0], m))
    Y = rng.integers(0, 2, (widths[-1], m)).astype(float)
    grads = backprop(code.forward(X, params), Y, params)
    worst = 0.0
    for name, P in params.items():
        G = np.asarray(grads["d" + name], dtype=float)
        if G.shape != P.shape:
            return np.inf
        for idx in np.ndindex(P.shape):
            old = P[idx]
            P[idx] = old + EPS
            up = code.cost(X, Y, params)
            P[idx] = old - EPS
            down = code.cost(X, Y, params)
            P[idx] = old
            fd = (up - down) / (2 * EPS)
            worst = max(worst, abs(fd - G[idx]) / max(1.0, abs(fd)))
    return worst


WIDTHS = {2: (3, 4, 1), 3: (3, 4, 3, 1)}


@pytest.mark.parametrize("L", [2, 3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_restored_backpropagation_matches_central_differences(L, seed):
    assert _float_gradient_error(code.load(), WIDTHS[L], seed) < RTOL


PERTURBATIONS = {
    "no-1/m": lambda s: s.replace("(1/m)*", ""),
    "relu-of-next-Z": lambda s: s.replace('relu(cache["Z" + str(l)]', 'relu(cache["Z" + str(l+1)]'),
    "A-of-same-layer": lambda s: s.replace('cache["A" + str(l-1)].T', 'cache["A" + str(l)].T'),
    "no-transpose": lambda s: s.replace('parameters["W" + str(l+1)].T', 'parameters["W" + str(l+1)]'),
}


@pytest.mark.parametrize("name", sorted(PERTURBATIONS))
@pytest.mark.parametrize("L", [2, 3])
def test_perturbed_backpropagation_fails(name, L):
    source = PERTURBATIONS[name](code.SOURCE)
    assert source != code.SOURCE
    try:
        error = _float_gradient_error(code.load(source), WIDTHS[L], seed=0)
    except ValueError:  # NumPy refuses the shapes: as good a failure
        return
    assert error > 1e-3, name


def test_return_inside_the_loop_loses_the_first_layer_at_L3():
    # the one choice in the restoration: 'return grads' at function level
    source = code.SOURCE.replace("\n    return grads", "\n        return grads")
    params = code.init_parameters(WIDTHS[3], 0)
    X, Y = np.ones((3, 2)), np.ones((1, 2))
    grads = code.load(source)(code.forward(X, params), Y, params)
    assert "dW1" not in grads and "dW2" in grads


@pytest.mark.parametrize("name", ["no-1/m", "A-of-same-layer"])
def test_perturbed_backpropagation_fails_symbolically(name):
    claim, domain = doc.code_claim(PERTURBATIONS[name](code.SOURCE))
    v = decide(claim.lhs, claim.rhs, domain)
    assert v.status is Status.FAILS and v.counterexample, v


def test_relu_of_the_wrong_layer_is_refused_symbolically():
    # relu(Z^{[l+1]}, deriv=True) asks for the sign of Z2, which the checked region leaves open:
    # the restored relu raises instead of guessing (the float test above shows the values fail)
    with pytest.raises(TypeError, match="truth value"):
        doc.code_claim(PERTURBATIONS["relu-of-next-Z"](code.SOURCE))


# --------------------------------------------------------------------------
# the errata and the readings of dJ/dz
# --------------------------------------------------------------------------

@pytest.mark.parametrize("step", ERRATA, ids=_ids(ERRATA))
def test_each_erratum_keeps_failing_with_evidence(step):
    r = check_step(step)
    assert r.verdict is Status.FAILS
    if r.shapes is not None:  # a matrix step: the shape algebra fails and names both shapes
        assert r.shapes.status is Status.FAILS and "×m" in r.shapes.reason, r.shapes
    elif "shape" in r.symbolic.method:
        assert "1x1" in r.symbolic.reason and "2x3" in r.symbolic.reason, r.symbolic.reason
    else:
        assert r.symbolic.counterexample, r.symbolic
        assert r.numeric.status is Status.FAILS, r.numeric
    assert r.fixed is not None and r.fixed.status is Status.HOLDS, r.fixed


def test_line_86_is_a_shape_error_when_the_widths_differ():
    # g'(Z^{[L]}) is n_L x m, dJ/dA^{[l]} is n_l x m: with n_L = 1, n_l = 2 no element-wise product
    dA, gL = sp.ones(2, 2), sp.ones(1, 2)
    with pytest.raises(sp.ShapeError):
        dA.multiply_elementwise(gL)


def test_dZ_means_the_per_example_derivative():
    # with dZ the derivative of the batch mean J (1/m of the per-example one), line 98 is false
    n = doc.layer()
    dZ_batch = n.dZ / n.m
    rhs = (dZ_batch * n.Aprev.T) / n.m
    claim = doc._matrix_claim(n.grad(n.J, n.W), rhs)
    assert decide(claim.lhs, claim.rhs).status is Status.FAILS
    # and without the 1/m, the batch-mean reading holds: J's derivative is dJ/dZ . A^T
    claim = doc._matrix_claim(n.grad(n.J, n.W), dZ_batch * n.Aprev.T)
    assert decide(claim.lhs, claim.rhs).status is Status.HOLDS


def test_contraction_is_entrywise():
    M = sp.Matrix([[1, 2], [3, 4]])
    assert doc.contract(M) - doc.contract(M.T) != 0
    with pytest.raises(ValueError):
        doc.contract(M, sp.ones(1, 2))
