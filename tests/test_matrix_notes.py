r"""Matrix notes (a header with ``shape``): reading, shapes, entries, float64.

The expected verdicts are decided by hand: the gradients of the shallow network
(Coursera, column layout) and of least squares are the textbook ones; each
slip is a change that a shape or an entry refutes.  Independently, every
"holds" below is confirmed here by NumPy central differences written in this
file (not through gradproof's evaluator).
"""
from __future__ import annotations

import numpy as np
import pytest

from gradproof.checks.matrix_notes import check_note_claim
from gradproof.checks.reading import read_note
from gradproof.checks.runner import check_step
from gradproof.derivations.model import Kind
from gradproof.symbolic.equivalence import Status
from gradproof.symbolic.matrix_notation import MatrixError, parse
from tests.helpers import SHALLOW_NOTE

SHALLOW = SHALLOW_NOTE  # the Coursera shallow network, column layout

LSQ = r"""<!-- gradproof
layout rows
shape X : m \times n
shape \theta : n \times 1
shape y : m \times 1
let J = \frac{1}{2m} \|X\theta - y\|^2 + \frac{\lambda}{2m} \theta^T \theta
-->
"""


def _verdicts(text: str) -> list[tuple[int, str, str]]:
    r = read_note(text, "note.md")
    assert r.errors == ()
    out = []
    for s in r.derivation.steps:
        assert s.kind is Kind.MATRIX
        res = check_step(s)
        why = res.shapes.reason if res.shapes.status is Status.FAILS else res.symbolic.where
        out.append((s.cite.line, res.verdict.value, why))
        if res.verdict is Status.FAILS:  # a refutation carries a counterexample
            assert res.symbolic.counterexample
        if res.verdict is Status.HOLDS:
            assert res.numeric.status is Status.HOLDS
    return out


@pytest.mark.parametrize("note, wrong, right", [
    (SHALLOW, r"dW^{[2]}=\frac12dZ^{[2]}A^{[1]T}", r"dW^{[2]}=\frac1mdZ^{[2]}A^{[1]T}"),
    (LSQ, r"\nabla_\theta J = \frac{1}{2} X^T (X\theta - y) + \frac{\lambda}{m} \theta",
     r"\nabla_\theta J = \frac{1}{m} X^T (X\theta - y) + \frac{\lambda}{m} \theta"),
])
def test_a_constant_written_for_one_over_m_fails(note, wrong, right):
    # at m = 2, 1/2 is 1/m: the batch size must differ between the two size assignments
    got = _verdicts(note + f"$${wrong}$$\n$${right}$$\n")
    assert [v for _, v, _ in got] == ["fails", "holds"]


def test_shallow_network_as_published_holds():
    body = "\n".join([
        r"$$dZ^{[2]}=A^{[2]}-Y$$",
        r"$$dW^{[2]}=\frac1mdZ^{[2]}A^{[1]T}$$",
        r"$$db^{[2]}=\frac1mnp.sum(dZ^{[2]},axis=1,keepdims=True)$$",
        r"$$dZ^{[1]}=W^{[2]T}dZ^{[2]}\ast g'(Z^{[1]})$$",
        r"$$db^{[1]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[1](i)}$$",
    ])
    assert [v for _, v, _ in _verdicts(SHALLOW + body)] == ["holds"] * 5


def test_shallow_network_slips_fail_with_shapes_or_an_entry():
    body = "\n".join([
        r"$$dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]}$$",  # missing transpose
        r"$$dW^{[2]} = dZ^{[2]} A^{[1]T}$$",  # missing 1/m
        r"$$db^{[2]} = \frac{1}{m} \text{np.sum}(dZ^{[2]}, axis=0, keepdims=True)$$",  # wrong axis
        r"$$dZ^{[1]} = dZ^{[2]} W^{[2]T} * g'(Z^{[1]})$$",  # product order
        r"$$dZ^{[2]} = Y - A^{[2]}$$",  # sign
    ])
    got = _verdicts(SHALLOW + body)
    assert [v for _, v, _ in got] == ["fails"] * 5
    assert got[0][2] == r"\frac{1}{m} dZ^{[2]} (1×m) · A^{[1]} (n_1×m): inner dimensions m and n_1 differ"
    assert got[1][2].startswith("at m = 2, n_0 = 3, n_1 = 4")  # pairwise distinct sizes
    assert "1×1" in got[2][2] and "1×m" in got[2][2]
    assert "inner dimensions m and n_1 differ" in got[3][2]


def test_least_squares_with_l2():
    body = "\n".join([
        r"$$\nabla_\theta J = \frac{1}{m} X^T (X\theta - y) + \frac{\lambda}{m}\theta$$",
        r"$$\nabla_\theta J = X^T (X\theta - y) + \frac{\lambda}{m}\theta$$",
        r"$$\frac{\partial J}{\partial \theta} = \frac{1}{m} X (X\theta - y)$$",
        r"$$\theta^T \theta = \|\theta\|_2^2$$",
    ])
    assert [v for _, v, _ in _verdicts(LSQ + body)] == ["holds", "fails", "fails", "holds"]


def test_least_squares_gradient_against_numpy_central_differences():
    """The oracle for the first claim above, without gradproof: NumPy only."""
    rng = np.random.default_rng(0)
    m, n, lam = 5, 3, 0.7
    X, y, th = rng.normal(size=(m, n)), rng.normal(size=(m, 1)), rng.normal(size=(n, 1))

    def J(t):
        r = X @ t - y
        return float((r.T @ r)[0, 0]) / (2 * m) + lam / (2 * m) * float((t.T @ t)[0, 0])

    num = np.zeros_like(th)
    for k in range(n):
        e = np.zeros_like(th)
        e[k] = 1e-6
        num[k] = (J(th + e) - J(th - e)) / 2e-6
    assert np.allclose(num, X.T @ (X @ th - y) / m + lam / m * th, atol=1e-7)


@pytest.mark.parametrize("spelling", ["A^T", "A^{T}", r"A^\top", r"A^{\top}", r"A^\intercal", "A^{[1]T}"])
def test_every_transpose(spelling):
    t = parse(spelling, {"A", "A[1]"})
    assert t.op == "T" and t.args[0].op == "name"


def test_matrix_product_binds_tighter_than_elementwise():
    t = parse(r"W^{[2]T} dZ^{[2]} * g'(Z^{[1]})", {"W[2]", "dZ[2]", "Z[1]"}, {"g"}, elementwise=True)
    assert t.op == "had" and t.args[0].op == "matmul"


def test_star_without_elementwise_is_an_error():
    with pytest.raises(MatrixError, match="elementwise"):
        parse("A * B", {"A", "B"})


def test_bias_broadcast_and_nothing_else():
    head = r"""<!-- gradproof
layout columns
shape W : n \times d
shape X : d \times m
shape b : n \times 1
shape c : 1 \times n
let Z = W X + b
-->
"""
    got = _verdicts(head + "$$Z = W X + b$$\n$$Z = W X + c$$\n")
    assert got[0][1] == "holds"
    assert got[1][1] == "fails" and got[1][2] == "W X (n×m) + c (1×n): the shapes differ (only a bias column n×1 " \
                                                 "is repeated along the batch)"


def test_unsupported_notation_is_refused_not_decided():
    head = r"""<!-- gradproof
shape W : n \times d
shape x : d \times 1
let z = W x
-->
"""
    r = read_note(head + r"$$\frac{\partial z}{\partial W} = x^T$$" + "\n", "j.md")
    assert r.derivation.steps == () and "a matrix by a matrix" in r.errors[0].message
    r = read_note(head + r"$$\frac{\partial z}{\partial x} = W$$" + "\n", "j.md")  # a Jacobian of vectors
    assert [check_step(s).verdict.value for s in r.derivation.steps] == ["holds"]
    r = read_note(head.replace("let z = W x", "let z = W x\nlet q = \\operatorname{foo}(z)") + "$$z = W x$$\n", "k.md")
    assert r.errors and all(s.kind is not Kind.MATRIX for s in r.derivation.steps)


def test_a_scalar_times_a_matrix_and_a_1x1_result():
    head = r"""<!-- gradproof
shape u, v : n \times 1
-->
"""
    got = _verdicts(head + r"$$u^T v = v^T u$$" + "\n" + r"$$2 u = u + u$$" + "\n" + r"$$u v^T = v u^T$$" + "\n")
    assert [v for _, v, _ in got] == ["holds", "holds", "fails"]


def test_claim_result_on_its_own():
    r = read_note(LSQ + r"$$\nabla_\theta J = \frac{1}{m} X^T (X\theta - y) + \frac{\lambda}{m}\theta$$" + "\n", "n.md")
    res = check_note_claim(r.derivation.steps[0].claim)
    assert res.shapes.status is Status.HOLDS and res.symbolic.status is Status.HOLDS
    assert res.numeric.extra["max_error"] < 1e-6


SOFTMAX_ROWS = r"""<!-- gradproof
layout rows
shape X, Y : n \times c
let \hat{Y} = \operatorname{softmax}(X)
let E = -\operatorname{sum}(Y \odot \log(\hat{Y}))
assume \text{np.sum}(Y, axis=1, keepdims=True) = 1
-->
"""


def test_softmax_along_the_class_axis_with_labels_that_are_a_distribution():
    body = "\n".join([
        r"$$\frac{\partial E}{\partial X} = \hat{Y} - Y$$",
        r"$$\frac{\partial E}{\partial X} = Y - \hat{Y}$$",
        r"$$\frac{\partial E}{\partial \hat{Y}} = -Y \oslash \hat{Y}$$",
        r"$$\text{np.sum}(\hat{Y}, axis=1, keepdims=True) = \text{np.sum}(Y, axis=1, keepdims=True)$$",
    ])
    assert [v for _, v, _ in _verdicts(SOFTMAX_ROWS + body)] == ["holds", "fails", "holds", "holds"]


def test_in_mathbb_r_indicator_and_a_function_defined_in_a_block():
    head = r"""<!-- gradproof
let W \in \mathbb{R}^{n \times d}
let x \in \mathbb{R}^{d \times 1}
let h = \operatorname{relu}(W x)
let J = \operatorname{sum}(h)
-->
"""
    body = "\n".join([
        r"$$\frac{\partial J}{\partial W} = \mathbb{1}(W x > 0) x^T$$",
        r"$$\frac{\partial J}{\partial W} = \mathbb{1}(W x > 0) x^\intercal$$",
        r"$$f(v) = v^T v$$",
        r"$$f(x) = \|x\|^2$$",
    ])
    r = read_note(head + body, "n.md")
    assert r.errors == ()
    kinds = [s.kind for s in r.derivation.steps]
    assert kinds == [Kind.MATRIX, Kind.MATRIX, Kind.DEFINITION, Kind.MATRIX]
    assert [check_step(s).verdict.value for s in r.derivation.steps if s.kind is Kind.MATRIX] == ["holds"] * 3


def test_a_declared_T_is_not_a_transpose():
    with pytest.raises(MatrixError, match="transpose or a power"):
        parse("A^T", {"A", "T"})


ROW_NET = r"""<!-- gradproof
layout rows
index i = 1..D_y
shape x : 1 \times D_x
shape W_1 : D_x \times H
shape W_2 : H \times D_y
shape y : 1 \times D_y
let h = sigmoid(xW_1)
let z_2 = hW_2
let \hat{y} = softmax(z_2)
let CE(y, \hat{y}) = -\sum_i y_i log(\hat{y}_i)
let J = CE(y, \hat{y})
let \delta_1 = \hat{y} - y
assume \text{np.sum}(y, axis=1, keepdims=True) = 1
-->
"""


def test_entries_of_vectors_a_function_of_two_arguments_and_jacobians():
    body = "\n".join([
        r"$$J = -\sum_i y_i \log(\hat{y}_i)$$",
        r"$$\frac{\partial J}{\partial z_2} = \delta_1$$",
        r"$$\frac{\partial J}{\partial h} = \delta_1 \frac{\partial z_2}{\partial h} = \delta_1 W_2^T$$",
        r"$$\frac{\partial J}{\partial h} = \delta_1 W_2$$",
    ])
    got = _verdicts(ROW_NET + body)
    assert [v for _, v, _ in got] == ["holds", "holds", "holds", "holds", "fails"]
    assert "inner dimensions D_y and H differ" in got[-1][2]


def test_a_free_index_is_a_claim_for_every_value_of_it():
    # y-hat_i = y_i for every i is false (softmax of logits is not the labels); y-hat_i - y_i = delta_1's entry i
    got = _verdicts(ROW_NET + r"$$\hat{y}_i = y_i$$" + "\n" + r"$$\hat{y}_i - y_i = \delta_{1,i}$$" + "\n")
    assert [v for _, v, _ in got] == ["fails", "holds"]


def test_a_shape_error_in_a_definition_refuses_the_link():
    head = r"""<!-- gradproof
shape W : n \times d
shape x : d \times 1
let z = x W
-->
"""
    r = read_note(head + "$$z = z$$\n", "h.md")
    assert r.derivation.steps == ()
    assert r.errors[0].message == "in the definition of z: x (d×1) · W (n×d): inner dimensions 1 and n differ"


CS231N = r"""<!-- gradproof
layout rows
shape X : N \times D
shape W_1 : D \times H
shape b_1 : 1 \times H
shape W_2 : H \times C
shape b_2 : 1 \times C
shape Y : N \times C
let h = \operatorname{relu}(X W_1 + b_1)
let S = h W_2 + b_2
let P = \operatorname{softmax}(S)
let J = -\frac{1}{N} \operatorname{sum}(Y \odot \log P)
let dscores = \frac{\partial J}{\partial S}
let dW_2 = \frac{\partial J}{\partial W_2}
let db_2 = \frac{\partial J}{\partial b_2}
assume \text{np.sum}(Y, axis=1, keepdims=True) = 1
-->
"""


def test_row_layout_two_layer_net():
    body = "\n".join([
        r"$$dscores = \frac{1}{N}(P - Y)$$",
        r"$$dW_2 = h^T dscores$$",
        r"$$db_2 = \text{np.sum}(dscores, axis=0, keepdims=True)$$",
        r"$$dW_2 = dscores h^T$$",
        r"$$db_2 = \text{np.sum}(dscores, axis=1, keepdims=True)$$",
    ])
    got = _verdicts(CS231N + body)
    assert [v for _, v, _ in got] == ["holds", "holds", "holds", "fails", "fails"]


def test_diag_of_a_vector():
    head = r"""<!-- gradproof
shape u, v : n \times 1
-->
"""
    body = r"$$\operatorname{diag}(u) v = u \odot v$$" + "\n" + r"$$\operatorname{diag}(u) v = u$$" + "\n"
    got = _verdicts(head + body)
    assert [v for _, v, _ in got] == ["holds", "fails"]


def test_an_undeclared_labelled_name_is_refused():
    r = read_note(SHALLOW + r"$$dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[3]T}$$" + "\n", "u.md")
    assert r.derivation.steps == () and r.errors[0].message == "A[3] is neither declared by shape nor defined by let"


LAYERS_VECTOR = r"""<!-- gradproof
layers l
shape w^l : n_l \times n_{l-1}
shape b^l : n_l \times 1
shape y : n_L \times 1
let z^l = w^l a^{l-1} + b^l
let a^l = \sigma(z^l)
let C = \frac{1}{2} \|y - a^L\|^2
let \delta^l = \frac{\partial C}{\partial z^l}
-->
"""


def test_layers_vector_form_at_depths_2_3_4():
    body = "\n".join([
        r"$$\delta^L = (a^L - y) \odot \sigma'(z^L)$$",
        r"$$\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)$$",
        r"$$\delta^l = ((w^{l})^T \delta^{l+1}) \odot \sigma'(z^l)$$",  # the wrong layer's weights
        r"$$\delta^l = (w^{l+1} \delta^{l+1}) \odot \sigma'(z^l)$$",  # a missing transpose
    ])
    r = read_note(LAYERS_VECTOR + body, "layers.md")
    assert r.errors == ()
    results = [check_step(s) for s in r.derivation.steps]
    assert [x.verdict.value for x in results] == ["holds", "holds", "fails", "fails"]
    assert results[1].symbolic.where == "6 layers at depths 2, 3, 4"  # l = 1..L-1 at each depth
    assert results[3].shapes.reason == ("w^{[2]} (n_2×n_1) · \\delta^{[2]} (n_2×1): inner dimensions n_1 "
                                        "and n_2 differ")


LAYERS_BATCH = r"""<!-- gradproof
layers l
layout columns
elementwise *
shape W^{[l]} : n_l \times n_{l-1}
shape b^{[l]} : n_l \times 1
shape W^{[L]} : 1 \times n_{L-1}
shape b^{[L]} : 1 \times 1
shape X : n_0 \times m
shape Y : 1 \times m
let A^{[0]} = X
let Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}
let A^{[l]} = g^{[l]}(Z^{[l]})
let J = -\frac{1}{m} \operatorname{sum}(Y * \log A^{[L]} + (1 - Y) * \log(1 - A^{[L]}))
let dA^{[l]} = m \frac{\partial J}{\partial A^{[l]}}
let dZ^{[l]} = m \frac{\partial J}{\partial Z^{[l]}}
let dW^{[l]} = \frac{\partial J}{\partial W^{[l]}}
-->
"""


def test_layers_with_an_activation_left_open():
    body = "\n".join([
        r"$$dZ^{[l]} = dA^{[l]} * g'^{[l]}(Z^{[l]})$$",
        r"$$dZ^{[l-1]} = W^{[l]T} dZ^{[l]} * g'^{[l]}(Z^{[l-1]})$$",  # g' of the wrong layer
    ])
    got = _verdicts(LAYERS_BATCH + body)
    assert [v for _, v, _ in got] == ["holds", "fails"]


def test_an_open_output_width_is_inferred_from_the_definitions_never_from_a_link():
    # Y is 1×m, so J = -1/m sum(Y * log A^{[L]} + ...) is defined only when n_L = 1: the network has one
    # output, and its claims are checked in that network (the header's words, not a guess)
    head = LAYERS_BATCH.replace("shape W^{[L]} : 1 \\times n_{L-1}\nshape b^{[L]} : 1 \\times 1\n", "")
    assert head != LAYERS_BATCH
    body = "\n".join([
        r"$$dZ^{[l]} = dA^{[l]} * g'^{[l]}(Z^{[l]})$$",
        r"$$dZ^{[l]} = dA^{[l]} * g^{[l]}(Z^{[l]})$$",  # the activation for its derivative
    ])
    r = read_note(head + body, "o.md")
    assert r.errors == ()
    assert [n.message.split(":")[0] for n in r.notes] == ["inferred n_2 = 1", "inferred n_3 = 1", "inferred n_4 = 1"]
    got = [check_step(s) for s in r.derivation.steps]
    assert [x.verdict.value for x in got] == ["holds", "fails"] and got[1].symbolic.counterexample


def test_two_sizes_are_never_made_one_and_a_link_never_infers():
    head = r"""<!-- gradproof
shape W : n \times d
shape x : k \times 1
shape v : d \times 1
let z = W x
-->
"""
    r = read_note(head + "$$z = z$$\n", "h.md")
    assert r.derivation.steps == () and "inner dimensions d and k differ" in r.errors[0].message
    # a product with a d×1 that needs n = 1 is a slip of the header (W x was meant), not an inference
    head = "<!-- gradproof\nshape W : n \\times d\nshape x : d \\times 1\nlet z = x W\n-->\n"
    r = read_note(head + "$$z = z$$\n", "x.md")
    assert r.derivation.steps == () and r.notes == () and "inner dimensions 1 and n differ" in r.errors[0].message
    head = "<!-- gradproof\nshape W : n \\times d\nshape v : d \\times 1\nshape u : 1 \\times 1\n-->\n"
    got = _verdicts(head + "$$W v = u$$\n")  # n is not made 1 by the link: W v is n×1, u is 1×1
    assert got[0][1] == "fails" and "n×1" in got[0][2]


def test_entries_with_free_indices_examples_and_sums_over_an_index():
    body = "\n".join([
        r"$$\frac{\partial E}{\partial \hat{Y}_j^{(i)}} = -\frac{Y_j^{(i)}}{\hat{Y}_j^{(i)}},\:\: i=1,\cdots,n : j=1,\cdots,c$$",
        r"$$\frac{\partial E}{\partial X_j^{(i)}}= \sum_{k=1}^c \frac{\partial E}{\partial \hat{Y}_k^{(i)}}"
        r"\frac{\partial \hat{Y}_k^{(i)}}{\partial X_j^{(i)}}$$",
        r"$$\frac{\partial E}{\partial X_{ij}} = \hat{Y}_{ij} - Y_{ij}$$",
        r"$$\frac{\partial E}{\partial \hat{Y}_j^{(i)}} = \frac{Y_j^{(i)}}{\hat{Y}_j^{(i)}}$$",  # sign
        r"$$\frac{\partial E}{\partial X_{ij}} = \hat{Y}_{ij} - Y_{ji}$$",  # indices swapped: j runs over n and c
        r"$$\frac{\partial E}{\partial X_{ij}} = \hat{Y}_{ij} - Y_{ij}, \quad i = 1, \ldots, c$$",  # i runs to n
        r"$$\frac{\partial E}{\partial X_j^{(i)}} = \sum_k \frac{\partial E}{\partial \hat{Y}_k^{(i)}} \hat{Y}_k^{(i)}$$",
    ])
    got = _verdicts(SOFTMAX_ROWS + body)
    assert [v for _, v, _ in got] == ["holds", "holds", "holds", "fails", "fails", "fails", "fails"]
    assert got[4][2] == "the index i runs over c in Y_{ji} but over n in X_{ij}"
    assert "said to run to c" in got[5][2]


def test_the_softmax_entries_against_numpy_central_differences():
    # the oracle of the holds above, without gradproof: dE/dX_ij = softmax(X)_ij - Y_ij for rows of Y summing to 1
    rng = np.random.default_rng(7)
    X = rng.normal(size=(3, 4))
    Y = rng.uniform(0.1, 1, size=(3, 4))
    Y /= Y.sum(axis=1, keepdims=True)

    def E(X):
        P = np.exp(X) / np.exp(X).sum(axis=1, keepdims=True)
        return -np.sum(Y * np.log(P))
    num = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        d = np.zeros_like(X)
        d[idx] = 1e-6
        num[idx] = (E(X + d) - E(X - d)) / 2e-6
    P = np.exp(X) / np.exp(X).sum(axis=1, keepdims=True)
    assert np.allclose(num, P - Y, atol=1e-7) and not np.allclose(num, Y - P, atol=1e-3)


def test_the_four_equations_in_index_notation():
    body = "\n".join([
        r"$$\delta^L_j = \frac{\partial C}{\partial a^L_j} \sigma'(z^L_j)$$",  # BP1
        r"$$\delta^l_j = \sum_k w^{l+1}_{kj} \delta^{l+1}_k \sigma'(z^l_j)$$",  # BP2
        r"$$\delta^l_j = \sum_k w^{l+1}_{jk} \delta^{l+1}_k \sigma'(z^l_j)$$",  # BP2 with w's indices swapped
        r"$$\delta^L_j = (y_j - a^L_j) \sigma'(z^L_j)$$",  # BP1 for the quadratic cost, sign slip
    ])
    r = read_note(LAYERS_VECTOR + body, "bp.md")
    assert r.errors == ()
    results = [check_step(s) for s in r.derivation.steps]
    assert [x.verdict.value for x in results] == ["holds", "holds", "fails", "fails"]
    assert results[2].shapes.reason.startswith("the index j runs over n_1 in \\delta^{[1]}_j but over n_2 in")
    assert results[3].symbolic.counterexample


RIDGE = r"""<!-- gradproof
layout rows
shape X : n \times 2
shape \theta : 2 \times 1
shape \mathbf{y} : n \times 1
let X_{i1} = 1
let X_{i2} = x_i
let C(\theta) = \frac{1}{n}||X\theta -\mathbf{y}||^2 + \lambda ||\theta||^2
-->
"""


def test_entries_of_an_input_defined_by_let_a_matrix_literal_and_entries_from_zero():
    grad = (r"\nabla_\theta C(\theta) = \frac{2}{n}\begin{bmatrix} \sum_{i=1}^{n} \left(\theta_0+\theta_1x_i-y_i\right) \\ "
            r"\sum_{i=1}^{n}\left( x_i (\theta_0+\theta_1x_i)-y_ix_i\right) \\ \end{bmatrix} + "
            r"2\lambda\begin{bmatrix} \theta_0 \\ \theta_1\end{bmatrix}")
    body = "\n".join([
        "$$" + grad + r" = 2 (\frac{1}{n}X^T(X\theta - \mathbf{y})+\lambda \theta), \ \lambda \geq 0. $$",
        "$$" + grad.replace(r"\theta_0+\theta_1x_i-y_i", r"\theta_1+\theta_0x_i-y_i") + "$$",  # intercept swapped
    ])
    r = read_note(RIDGE + body, "ridge.md")
    assert r.errors == () and "x" in r.free_variables or "x" not in r.free_variables  # x is an input vector
    got = [check_step(s) for s in r.derivation.steps]
    assert [x.verdict.value for x in got] == ["holds", "holds", "fails"] and got[2].symbolic.counterexample
    assert r.derivation.steps[0].latex.count("\\begin{bmatrix}") == 2  # shown as written


def test_entries_counted_from_one_and_an_entry_no_let_defines():
    one = RIDGE.replace("let X_{i1} = 1\nlet X_{i2} = x_i", "let X_{i1} = x_i\nlet X_{i2} = 1")
    body = r"$$X\theta = \theta_1 x + \theta_2$$" + "\n" + r"$$X\theta = \theta_2 x + \theta_1$$" + "\n"
    got = _verdicts(one.replace("shape \\theta", "shape x : n \\times 1\nshape \\theta") + body)
    assert [v for _, v, _ in got] == ["holds", "fails"]
    r = read_note(RIDGE.replace("let X_{i2} = x_i\n", "") + r"$$X\theta = X\theta$$" + "\n", "m.md")
    assert r.derivation.steps == () and r.errors[0].message == "no let defines the entry X_{1,2}"


def test_the_base_of_a_labelled_name_is_never_split_into_letters():
    # dZ^{[3]} is not d times Z^{[3]}: only dZ^{[1]}, dZ^{[2]} exist
    r = read_note(SHALLOW + r"$$dZ^{[2]} = dZ^{[3]}$$" + "\n", "s.md")
    assert r.derivation.steps == () and r.errors[0].message.startswith("dZ[3] is neither declared")


@pytest.mark.parametrize("body", [r"z = W x^", r"z = \frac{W x}", r"z = W x_"])
def test_a_missing_last_argument_is_a_clear_message_not_an_internal_error(body):
    # the parser read one more character at the end of the text: an AttributeError, reported as such
    head = "<!-- gradproof\nshape W : n \\times d\nshape x : d \\times 1\nlet z = W x\n-->\n"
    r = read_note(head + "$$" + body + "$$\n", "j.md")
    assert [(e.line, "ends too early" in e.message, "Error" in e.message) for e in r.errors] == [(6, True, False)]
