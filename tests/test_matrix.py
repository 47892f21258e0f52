"""The matrix machinery: layouts, the shape algebra, the matrix check, the L-layer recursion."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from gradproof.checks import matrix as cm
from gradproof.checks.matrix import _central, check_claim, check_layer_recursion, np_cost, prove_activation
from gradproof.checks.shapes import check_shapes
from gradproof.derivations.matrix import MatrixClaim, deep_networks
from gradproof.symbolic import fast
from gradproof.symbolic.activations import ACTIVATIONS
from gradproof.symbolic.equivalence import CALL_PREFIX, CHEAP_TIERS, Status, ladder, named_calls
from gradproof.symbolic.layouts import (
    Batch,
    Convention,
    Layout,
    Mat,
    Network,
    ShapeMismatch,
    batch_mean,
    broadcast,
    dims,
    matmul,
    sum_axis,
    symbol_matrix,
)

ROW = Network(Layout.ROW_MAJOR, ("D", "h", "1"), ("tanh", "sigmoid"))
COL = Network(Layout.COLUMN_MAJOR, ("n0", "n1", "1"), ("relu", "sigmoid"))
SIZES = ({"m": 1, "D": 2, "h": 3}, {"m": 3, "D": 4, "h": 2})


# ---- layouts --------------------------------------------------------------------------------

def test_symbol_names_are_deterministic():
    assert [str(s) for s in symbol_matrix("X", 1, 2)] == ["X_0_0", "X_0_1"]
    assert all(s.is_real for s in symbol_matrix("W1", 2, 2))


def test_row_and_column_major_shapes():
    b = Batch.of(ROW, {"m": 3, "D": 2, "h": 4})
    assert b["X"].shape == (3, 2) and b["W1"].shape == (4, 2) and b["b1"].shape == (1, 4)
    assert b["Z1"].shape == (3, 4) and b["Z2"].shape == (3, 1)
    c = Batch.of(COL, {"m": 3, "n0": 2, "n1": 4})
    assert c["X"].shape == (2, 3) and c["b1"].shape == (4, 1) and c["Z1"].shape == (4, 3)
    assert c["A2"].shape == (1, 3) and len(c.losses) == 3


def test_bias_broadcast_sums_and_mean():
    b = sp.Matrix([[1, 2]])
    assert broadcast(b, (3, 2)) == sp.Matrix([[1, 2]] * 3)
    assert broadcast(sp.Matrix([1, 2]), (2, 3)) == sp.Matrix([[1] * 3, [2] * 3])
    with pytest.raises(ShapeMismatch):
        broadcast(b, (2, 3))
    M = sp.Matrix([[1, 2], [3, 4], [5, 6]])
    assert sum_axis(M, 0) == sp.Matrix([[9, 12]]) and sum_axis(M, 1) == sp.Matrix([3, 7, 11])
    assert batch_mean(M, Layout.ROW_MAJOR) == sp.Matrix([[3, 4]])
    assert batch_mean(M.T, Layout.COLUMN_MAJOR) == sp.Matrix([3, 4])


def test_the_two_conventions_differ_by_one_over_m():
    b = Batch.of(ROW, {"m": 3, "D": 2, "h": 2})
    per = b.grad("W2", Convention.PER_EXAMPLE)
    mean = b.grad("W2", Convention.BATCH_MEAN)
    assert (per / 3 - mean).applyfunc(sp.expand) == sp.zeros(1, 2)


def test_per_example_dZ_is_each_examples_own_derivative():
    b = Batch.of(ROW, {"m": 3, "D": 2, "h": 2}, "Z2")
    dZ = b.grad("Z2")
    for i in range(3):
        own = sp.diff(b.losses[i], b["Z2"][i, 0])
        assert sp.expand(dZ[i, 0] - own) == 0


# ---- the shape algebra and the shape check --------------------------------------------------

def test_shape_messages_name_both_operands():
    m, h = dims("m h")
    A = Mat.shaped("A1", (m, h))
    with pytest.raises(ShapeMismatch, match=r"A1 \(m×h\) ⊙ A1\^T \(h×m\)"):
        A.odot(A.T)
    with pytest.raises(ShapeMismatch, match="neither operand"):
        Mat.shaped("u", (m, 1)) + Mat.shaped("v", (1, h))
    assert (A + Mat.shaped("b1", (1, h))).shape == (m, h)  # a bias row broadcasts
    with pytest.raises(TypeError, match="odot"):
        A * A


def test_a_deliberately_transposed_product_fails_the_shape_check():
    good = MatrixClaim("dW2 = (1/m) dZ2^T A1", lambda v: (1 / v.m) * (v.dZ2.T @ v.A1), SIZES, ROW,
                       wrt="W2", convention=Convention.BATCH_MEAN)
    bad = MatrixClaim("dW2 = (1/m) A1 dZ2^T", lambda v: (1 / v.m) * (v.A1 @ v.dZ2.T), SIZES, ROW,
                      wrt="W2", convention=Convention.BATCH_MEAN)
    assert check_shapes(good).status is Status.HOLDS
    v = check_shapes(bad)
    assert v.status is Status.FAILS
    assert v.reason == "A1 (m×h) · dZ2^T (1×m): inner dimensions h and 1 differ"
    r = check_claim(bad)
    assert r.verdict is Status.FAILS and r.numeric.status is Status.FAILS


def test_a_result_of_the_wrong_shape_fails():
    claim = MatrixClaim("dW1 = (1/m) X^T dZ1", lambda v: (1 / v.m) * (v.X.T @ v.dZ1), SIZES, ROW,
                        wrt="W1", convention=Convention.BATCH_MEAN)
    v = check_shapes(claim)
    assert v.status is Status.FAILS and "D×h" in v.reason and "h×D" in v.reason


def test_claims_need_two_sizes_and_a_batch_of_more_than_one():
    rhs = lambda v: v.dZ2.T @ v.A1  # noqa: E731
    with pytest.raises(ValueError, match="two concrete sizes"):
        MatrixClaim("x", rhs, SIZES[:1], ROW, wrt="W2")
    with pytest.raises(ValueError, match="invisible"):
        MatrixClaim("x", rhs, ({"m": 1, "D": 2, "h": 3}, {"m": 1, "D": 3, "h": 2}), ROW, wrt="W2")


# ---- the matrix check -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity"])
def test_declared_derivatives_are_proved_from_definitions(name):
    assert prove_activation(name).status is Status.HOLDS


def test_the_oracle_is_not_the_claim():
    """1 - A1 in place of 1 - A1^2: fails at a real point, symbolically and numerically."""
    claim = MatrixClaim("dZ1 = (dZ2 W2) ⊙ (1 - A1)", lambda v: (v.dZ2 @ v.W2).odot(1 - v.A1), SIZES,
                        ROW, wrt="Z1")
    r = check_claim(claim)
    assert r.shapes.status is Status.HOLDS
    assert r.symbolic.status is Status.FAILS and r.symbolic.method.startswith("numeric witness")
    assert r.symbolic.counterexample and r.symbolic.lhs_value != r.symbolic.rhs_value
    assert r.numeric.status is Status.FAILS
    assert r.numeric.extra["max_error"] > r.numeric.extra["tolerance"]


def test_a_missing_one_over_m_fails_only_at_m_above_one():
    claim = MatrixClaim("db2 = sum dZ2", lambda v: v.dZ2.sum(0), SIZES, ROW, wrt="b2",
                        convention=Convention.BATCH_MEAN)
    r = check_claim(claim)
    assert r.symbolic.status is Status.FAILS and "m = 3" in r.symbolic.where


def test_relu_points_stay_clear_of_the_kink():
    size = {"m": 2, "n0": 2, "n1": 2}
    values = {"X": np.array([[1.0, 0.0], [0.0, 1.0]]), "W1": np.array([[1.0, 0.0], [0.0, 1.0]]),
              "b1": np.array([[-1.0], [0.5]]), "W2": np.array([[1.0, -1.0]]), "b2": np.array([[0.1]]),
              "Y": np.array([[0.3, 0.6]])}
    assert Batch.of(COL, size)["Z1"].shape == (2, 2)
    # Z1[0, 0] = 1*1 - 1 = 0 exactly: on the kink, the difference quotient is refused
    assert _central(COL, values, None, "W1", Convention.PER_EXAMPLE) is None
    values["b1"] = np.array([[-0.5], [0.5]])
    assert _central(COL, values, None, "W1", Convention.PER_EXAMPLE) is not None
    cost, signs = np_cost(COL, values, None, Convention.PER_EXAMPLE)
    assert np.isfinite(cost) and len(signs) == 1


# ---- the L-layer recursion ------------------------------------------------------------------

@pytest.mark.parametrize("hidden", ["tanh", "relu"])
def test_layer_recursion_holds_for_L_2_3_4(hidden):
    results = check_layer_recursion(Layout.COLUMN_MAJOR, hidden, "sigmoid", depths=(2, 3, 4))
    for name, r in results.items():
        assert r.shapes.status is Status.HOLDS, name
        assert r.symbolic.status is Status.HOLDS, (name, r.symbolic)
        assert r.numeric.status is Status.HOLDS, (name, r.numeric)


def test_layer_recursion_row_major():
    results = check_layer_recursion(Layout.ROW_MAJOR, "tanh", "sigmoid", depths=(2, 3))
    assert all(r.verdict is Status.HOLDS and r.numeric.status is Status.HOLDS for r in results.values())


def test_layer_recursion_fails_with_the_next_layers_derivative():
    """g'^{[l]}(Z^{[l-1]}) in place of g'^{[l-1]}: wrong at l = L, where g^{[L]} is the sigmoid."""
    results = check_layer_recursion(Layout.COLUMN_MAJOR, "tanh", "sigmoid", depths=(2, 3, 4),
                                    gprime_layer=lambda l: l)
    r = results["dZ[l-1]"]
    assert r.shapes.status is Status.HOLDS
    assert r.symbolic.status is Status.FAILS and r.symbolic.counterexample
    assert r.numeric.status is Status.FAILS
    assert "l = 2" in r.symbolic.where


def test_deep_networks():
    nets = deep_networks(Layout.COLUMN_MAJOR, "relu", depths=(2, 4))
    assert [n.L for n in nets] == [2, 4] and nets[1].activations == ("relu", "relu", "relu", "sigmoid")


def test_a_matrix_counterexample_reproduces_in_numpy():
    """The one witness on a matrix entry: its point and values agree with NumPy's own forward pass."""
    claim = MatrixClaim("dW2 = dZ2^T A1", lambda v: v.dZ2.T @ v.A1, SIZES, ROW, wrt="W2",
                        convention=Convention.BATCH_MEAN)
    v = check_claim(claim, numeric=False).symbolic
    assert v.status is Status.FAILS and v.where.endswith("at m = 3, D = 4, h = 2")
    i, j = (int(k) for k in v.where.split("[")[1].split("]")[0].split(","))
    batch = Batch.of(ROW, SIZES[1])
    values = {n: np.array([[v.counterexample.get(str(s), 0.25) for s in batch[n].row(r)]
                           for r in range(batch[n].rows)]) for n in batch.inputs}
    grad = _central(ROW, values, None, "W2", Convention.BATCH_MEAN)
    assert abs(grad[i, j] - v.lhs_value) < 1e-6
    assert abs(v.rhs_value - 3 * v.lhs_value) < 1e-9  # without the 1/m the closed form is m times dW2


# ---- what makes the matrix steps cheap gives what the plain route gives -----------------------

FORWARD_NETS = [
    (Network(Layout.ROW_MAJOR, ("D", "h", "1"), ("tanh", "sigmoid")), {"m": 3, "D": 2, "h": 11}),
    (Network(Layout.COLUMN_MAJOR, ("n0", "n1", "n2", "1"), ("relu", "tanh", "sigmoid")),
     {"m": 2, "n0": 3, "n1": 2, "n2": 3}),
    (Network(Layout.COLUMN_MAJOR, ("n0", "n1", "1"), ("identity", "sigmoid")), {"m": 2, "n0": 12, "n1": 2}),
]


# the oracle: what the numeric path evaluated by lambdify before, activations as named NumPy calls
_NP_NAMED = {f"{CALL_PREFIX}{k}": v for k, v in cm._NP.items()} | {f"{CALL_PREFIX}heaviside": np.heaviside}


def _lambdified(batch, M, point):
    """The entries of ``M`` at ``point`` by ``sympy.lambdify`` (with cse, as the numeric path once did)."""
    f = sp.lambdify(batch.symbols(), [named_calls(e) for e in M], modules=[_NP_NAMED, "numpy"], cse=True)
    args = [np.array([point[n][i, j]]) for n in batch.inputs for i in range(batch[n].rows)
            for j in range(batch[n].cols)]
    return np.array([float(np.asarray(e, dtype=float).reshape(-1)[0]) for e in f(*args)])


@pytest.mark.parametrize("net,size", FORWARD_NETS, ids=["row-tanh-wide", "col-relu-tanh", "col-identity"])
@pytest.mark.parametrize("start", [None, "Z1", "A1"])
def test_forward_nodes_are_the_lambdified_nodes_bit_for_bit(net, size, start):
    """_forward computes Z and A layer by layer; lambdify of each node must give the very same floats
    (the numeric verdict's max_error is printed to the last digit). Widths of 10 and more check the
    order SymPy prints a sum in (W_j_10 before W_j_2)."""
    batch = Batch.of(net, size, start)
    computed = [n for n in batch.nodes if n[0] in "ZA" and n not in batch.inputs]
    assert computed
    for seed in range(3):
        point = cm._point(batch, seed)
        value = cm._values(batch, point)
        for name in computed:
            ref = _lambdified(batch, batch[name], point)
            got = value(name)
            assert got.shape == batch[name].shape
            assert np.array_equal(got.ravel(), ref), (name, got.ravel() - ref)


DEEP_NET = (Network(Layout.COLUMN_MAJOR, ("n0", "n1", "n2", "n3", "1"), ("tanh", "relu", "tanh", "sigmoid")),
            {"m": 2, "n0": 2, "n1": 3, "n2": 2, "n3": 2})


@pytest.mark.parametrize("net,size", [*FORWARD_NETS, DEEP_NET],
                         ids=["row-tanh-wide", "col-relu-tanh", "col-identity", "col-deep"])
@pytest.mark.parametrize("start", [None, "Z1", "A1"])
def test_derivative_programs_agree_with_lambdify(net, size, start, monkeypatch):
    """The per-example derivatives (and nodes) as one Program per matrix give lambdify's values, to
    round-off (the order of the additions differs from the printed code's), and never call lambdify."""
    monkeypatch.setattr(cm, "_PROGRAMS", {})
    batch = Batch.of(net, size, start)
    names = [n for n in batch.nodes if n not in batch.inputs] + [f"d{n}" for n in batch.nodes if n not in ("X", "Y")]
    point = cm._point(batch, 0)
    expected = {}
    for name in names:
        M = batch.grad(name[1:], Convention.PER_EXAMPLE) if name.startswith("d") else batch[name]
        expected[name] = _lambdified(batch, M, point).reshape(M.shape)

    def refused(*args, **kwargs):
        raise AssertionError("the numeric path called lambdify")

    monkeypatch.setattr(sp, "lambdify", refused)
    value = cm._values(batch, point)
    for name, ref in expected.items():
        got = value(name)
        assert got.shape == ref.shape and np.all(np.isfinite(got)), name
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14, err_msg=name)
    assert cm._PROGRAMS  # the derivatives went through the programs, not only _forward


def test_a_program_returns_a_matrixs_entries_sharing_its_nodes():
    """One operation per distinct node: the layer shared by every entry is computed once."""
    from gradproof.checks.numeric import Program

    x, y = sp.symbols("x y", real=True)
    a = ACTIVATIONS["tanh"](x * y + 1)
    calls = {ACTIVATIONS["tanh"]: np.tanh}
    p = Program([x, y], [a * x, a * y, a + 1], calls)
    assert sum(f is np.tanh for f, _ in p.ops) == 1
    got = p(np.array([0.5]), np.array([-2.0]))
    t = np.tanh(0.5 * -2.0 + 1)
    assert [float(g[0]) for g in got] == [t * 0.5, t * -2.0, t + 1]


@pytest.mark.parametrize("net,size", [FORWARD_NETS[1], DEEP_NET], ids=["col-relu-tanh", "col-deep"])
def test_substitute_is_xreplace(net, size):
    """The derivative by an intermediate node: the node's value put in by one walk for every entry is
    SymPy's xreplace, entry by entry, to the last node (the symbolic verdicts depend on its form)."""
    from gradproof.symbolic.layouts import _substitute

    batch = Batch.of(net, size)
    computed = [n for n in batch.nodes if n not in batch.inputs]
    for name in computed:
        child = Batch.of(net, size, name)
        g = child.grad(name, Convention.PER_EXAMPLE)
        rule = dict(zip(child[name], batch[name], strict=True))
        got, want = _substitute(g, rule), g.xreplace(rule)
        assert got.shape == want.shape
        assert [sp.srepr(e) for e in got] == [sp.srepr(e) for e in want], name
    assert _substitute(sp.Matrix([[1, 2]]), {}) == sp.Matrix([[1, 2]])


def test_matmul_is_sympys_product():
    batch = Batch.of(ROW, {"m": 2, "D": 2, "h": 3})
    A, B = batch.grad("Z1"), batch["W1"]
    assert sp.srepr(matmul(A, B)) == sp.srepr(A * B)
    with pytest.raises(ShapeMismatch):
        matmul(B, B)


def test_stand_ins_are_the_batchs_declared_derivatives_that_are_sums():
    tanh = ACTIVATIONS["tanh"]
    batch = Batch.of(ROW, {"m": 1, "D": 1, "h": 2})
    assert batch.stand_ins() == {1 - tanh(e) ** 2 for e in batch["Z1"]}
    assert Batch.of(COL, {"m": 1, "n0": 1, "n1": 2}).stand_ins() == frozenset()  # relu, sigmoid: no sums


@pytest.mark.skipif(not fast.AVAILABLE, reason="symengine is not installed")
def test_the_entry_zero_test_names_the_tier_the_ladder_names():
    """symengine first on lhs - rhs as it is, the ladder after: the same tier proves, or none."""
    batch = Batch.of(ROW, {"m": 1, "D": 1, "h": 2})
    a = batch["A1"][0, 0]
    rule = a.fdiff()  # 1 - tanh(z)**2, kept whole by the opaque tier
    x = sp.Symbol("x", real=True)
    cases = [
        a**2 - a * a,  # structural
        (a + 1) ** 2 - a**2 - 2 * a - 1,  # opaque
        rule - (1 - a) * (1 + a),  # opaque misses (the rule is one symbol), expand proves
        sp.log(x**2) - 2 * sp.log(x),  # false for x < 0: nothing proves it
        a - sp.tanh(x),
    ]
    for d in cases:
        expected, _ = ladder(d, lambda: 10.0, CHEAP_TIERS)
        assert cm._zero(d, batch, lambda: 10.0) == expected, d
