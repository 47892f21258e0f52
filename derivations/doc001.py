r"""Document 001: Sayantan Auddy, "Derivations for Backpropagation".

Source: ``derivations/sources/001_13b4a7930836948c.txt``.  One hidden layer,
row-major (``X`` is m x D, ``Z_1 = X W_1^T + b_1`` with the bias row broadcast
along the rows), tanh then sigmoid, binary cross-entropy; equations (1)-(29),
the shapes the document states, the worked m = 3, h = 2 example (10)-(13),
(16)-(17), and the summary (24)-(29).

Conventions, as the document uses them
--------------------------------------
The document defines the loss twice: the batch mean (5), and the
"uncompressed" per-example loss (6), with which it derives; ``dz_2`` means
the derivative of the per-example loss.  So:

* every ``dZ`` / ``dA`` is *per-example* (:math:`\partial\ell_i/\partial Z_i`);
* ``dW_2 = dZ_2^T A_1`` (9), (11), (12) and ``dW_1 = dZ_1^T X`` (20) sum the
  examples' contributions: the derivative of :math:`\sum_i \ell_i`
  (per-example convention) -- the document says so before (11);
* (13), (14), (17), (21), (23) and the summary's dW, db divide by m: the
  derivative of the batch mean (5).

The summary mixes the two (``dZ_2 = \partial L / \partial Z_2 = A_2 - Y`` next to
``dW_2 = \partial L / \partial W_2 = \frac1m ...``) under one symbol
:math:`\mathcal{L}`; each step records which loss it differentiates, and with
that record every line of the summary holds.

Errata
------
(9) and (20) first write the chain rule as ``\partial L/\partial Z \cdot A``,
an undefined product (m x 1 by m x h; m x h by m x D), and only then transpose;
(15) and (22) claim ``db = dZ``, an m x 1 (m x h) matrix for a 1 x 1 (1 x h)
gradient -- the document notices ("this derivation is not yet done") and
repairs it in (17) and (23).

Examples
--------
>>> DERIVATION.step("eq14").claim.says
'dW2 = (1/m) dZ2^T A1'
"""
from __future__ import annotations

import sympy as sp

from gradproof.derivations.encoding import StepMaker
from gradproof.derivations.matrix import MatrixClaim
from gradproof.derivations.model import Claim, Derivation, Erratum, Kind
from gradproof.symbolic.activations import sigmoid, tanh
from gradproof.symbolic.domain import Domain
from gradproof.symbolic.layouts import Convention, Layout, Mat, Network
from gradproof.symbolic.losses import bce

__all__ = ["DERIVATION", "NETWORK"]

SOURCE = "001_13b4a7930836948c.txt"
NETWORK = Network(Layout.ROW_MAJOR, ("D", "h", "1"), ("tanh", "sigmoid"))
PER, MEAN = Convention.PER_EXAMPLE, Convention.BATCH_MEAN

# m = 1 and m = 3; m, D, h pairwise different at each size, so that a
# transposed product is undefined at the concrete sizes as well.  Sizes are
# shared between steps where they can be: the forward pass and its derivatives
# are computed once per size.
SIZES = ({"m": 1, "D": 2, "h": 3}, {"m": 3, "D": 1, "h": 2})
WORKED = ({"m": 3, "D": 1, "h": 2}, {"m": 3, "D": 2, "h": 2})  # the document's m = 3, h = 2
ROW_OF_TWO = ({"m": 2, "D": 1, "h": 2}, {"m": 3, "D": 1, "h": 2})  # (12), (13): h = 2, any m

# scalar steps: A_2 as one number a in (0, 1), a label y in (0, 1), z and u real
a = sp.Symbol("a", positive=True)
y = sp.Symbol("y", positive=True)
z = sp.Symbol("z", real=True)
u = sp.Symbol("u", real=True)
SCALAR = Domain.of({a: (0, 1), y: (0, 1)})
dL_da = -y / a + (1 - y) / (1 - a)  # the bracket of (7) and (8)
s = sigmoid(z)

_make = StepMaker(SOURCE)
_definition = _make.definition


def _scalar(id_, line, where, latex, says, lhs, rhs, kind=Kind.DERIVATIVE):
    return _make.step(id_, line, where, latex, kind, Claim(lhs, rhs), says, SCALAR)


def _matrix(id_, line, where, latex, says, rhs, wrt=None, convention=PER, shape=None, name="",
            sizes=SIZES, fixed=None, erratum=None, note=""):
    claim = MatrixClaim(says=says, rhs=rhs, sizes=sizes, network=NETWORK, wrt=wrt,
                        convention=convention, shape=shape, name=name, fixed=fixed or {})
    return _make.step(id_, line, where, latex, Kind.MATRIX, claim, says, erratum=erratum, note=note)


def _shape(id_, line, where, latex, name, rhs, shape):
    """A stated shape: the quantity, as the forward pass (or the gradient) computes it."""
    return _matrix(id_, line, where, latex, f"{name} is {shape[0]}×{shape[1]}", rhs, shape=shape,
                   name=name)


def _fix(says, rhs, wrt, convention=PER, shape=None):
    return MatrixClaim(says=says, rhs=rhs, sizes=SIZES, network=NETWORK, wrt=wrt,
                       convention=convention, shape=shape)


def _row(v, k):
    """Entry k of the worked example's row: the sum over examples of z_{j1} a_{j,k}."""
    return v.sum_examples(lambda j: v.dZ2[j, 0] * v.A1[j, k])


STEPS = (
    # ---- the forward pass (1)-(4) and the stated shapes -------------------------------
    _definition("eq1", 13, "eq. (1)", r"Z_1 = XW_1^T + b_1",
                "the hidden pre-activation; b_1 is a row broadcast along the m rows"),
    _definition("eq2", 15, "eq. (2)", r"A_1 = g_1(Z_1)", "the hidden activation, g_1 = tanh"),
    _definition("eq3", 17, "eq. (3)", r"Z_2 = A_1 W_2^T + b_2", "the output pre-activation"),
    _definition("eq4", 19, "eq. (4)", r"A_2 = g_2(Z_2)", "the output, g_2 = sigmoid"),
    _definition("shape-X", 28, "shapes", r"X \in \mathbb{R}^{m \times D}", "m examples of dimension D"),
    _definition("shape-W1-b1", 29, "shapes", r"W_1 \in \mathbb{R}^{h \times D}, b_1 \in \mathbb{R}^{1 \times h}",
                "the hidden layer's parameters"),
    _shape("shape-Z1", 30, "shapes", r"Z_1 \in \mathbb{R}^{m \times h}", "Z1",
           lambda v: v.X @ v.W1.T + v.b1, ("m", "h")),
    _shape("shape-A1", 30, "shapes", r"A_1 \in \mathbb{R}^{m \times h}", "A1",
           lambda v: v.g(1, v.X @ v.W1.T + v.b1), ("m", "h")),
    _definition("shape-W2-b2", 31, "shapes", r"W_2 \in \mathbb{R}^{1 \times h}, b_2 \in \mathbb{R}^{1 \times 1}",
                "the output layer's parameters"),
    _shape("shape-Z2", 32, "shapes", r"Z_2 \in \mathbb{R}^{m \times 1}", "Z2",
           lambda v: v.A1 @ v.W2.T + v.b2, ("m", "1")),
    _shape("shape-A2", 32, "shapes", r"A_2 \in \mathbb{R}^{m \times 1}", "A2",
           lambda v: v.g(2, v.A1 @ v.W2.T + v.b2), ("m", "1")),
    # ---- the loss ---------------------------------------------------------------------
    _definition("eq5", 36, "eq. (5)",
                r"\mathcal{L}(A_2, Y) = \frac{1}{m} \sum_{i=1}^{m} \left(-Y^{(i)} \log(A_2^{(i)}) - (1 - Y^{(i)}) \log(1 - A_2^{(i)}) \right)",
                "the batch-mean binary cross-entropy"),
    _definition("eq6", 41, "eq. (6)", r"\mathcal{L}(A_2, Y) = -Y \log(A_2) - (1 - Y) \log(1 - A_2)",
                "the 'uncompressed' per-example loss, with which the derivation proceeds"),
    _definition("dz-means", 44, "notation before (7)", r"\frac{\partial \mathcal{L}}{\partial z_2}",
                "dz_2 means the derivative of the per-example loss: the per-example convention"),
    _make.notation("fig3", 46, "Figure 3", r"\begin{bmatrix} Z_1 = XW_1^T + b_1 & A_1 & A_1 \\",
                   "a garbled extraction of Figure 3 (the forward and backward graph); it even reads "
                   "'A_2 = A_1W_2^T + b_2' where (3) has Z_2 -- recorded as garbled, not guessed at"),
    # ---- dA2, dZ2: (7), (8) -------------------------------------------------------------
    _shape("shape-dA2", 50, "before eq. (7)", r"dA_2 \in \mathbb{R}^{m \times 1}", "dA2",
           lambda v: v.dA2, ("m", "1")),
    _definition("eq6-again", 52, "before eq. (7)",
                r"\mathcal{L}(A_2, Y) = -Y \log(A_2) - (1 - Y) \log(1 - A_2)", "restates (6)"),
    _scalar("eq7", 54, "eq. (7)",
            r"\frac{\partial \mathcal{L}}{\partial A_2} = \frac{-Y}{A_2} + \frac{(1 - Y)}{(1 - A_2)}",
            "dL/dA2 of the per-example loss, A2 as a scalar a", sp.Derivative(bce(a, y), a), dL_da),
    _shape("shape-dZ2", 56, "before eq. (8)", r"dZ_2 \in \mathbb{R}^{m \times 1}", "dZ2",
           lambda v: v.dZ2, ("m", "1")),
    _scalar("eq8-chain", 56, "before eq. (8)",
            r"\frac{\partial \mathcal{L}}{\partial Z_2} = \frac{\partial \mathcal{L}}{\partial A_2} \frac{\partial A_2}{\partial Z_2} = \left[\frac{-Y}{A_2} + \frac{(1-Y)}{(1-A_2)}\right] \frac{\partial g_2(Z_2)}{\partial Z_2} = \left[\frac{-Y}{A_2} + \frac{(1-Y)}{(1-A_2)}\right] g'_2(Z_2)",
            "the chain rule through A2 = sigmoid(z): dL/dz = dL/da * sigmoid'(z)",
            sp.Derivative(bce(s, y), z), dL_da.subs(a, s) * sp.Derivative(s, z)),
    _scalar("eq8-sigma", 56, "before eq. (8)",
            r"\Rightarrow \frac{\partial \mathcal{L}}{\partial Z_2} = \left[\frac{-Y}{A_2} + \frac{(1-Y)}{(1-A_2)}\right] g_2(Z_2) \left(1 - g_2(Z_2)\right)",
            "with sigmoid' = sigmoid (1 - sigmoid)",
            sp.Derivative(bce(s, y), z), dL_da.subs(a, s) * s * (1 - s)),
    _scalar("sigma-prime", 56, "before eq. (8)", r"\sigma'(u) = \sigma(u)(1 - \sigma(u))",
            "the derivative of the sigmoid", sp.Derivative(sigmoid(u), u), sigmoid(u) * (1 - sigmoid(u))),
    _scalar("eq8-simplify", 56, "eq. (8)",
            r"\left[\frac{-Y}{A_2} + \frac{(1-Y)}{(1-A_2)}\right] A_2(1 - A_2) = A_2 - Y",
            "the bracket times a(1 - a) is a - y", dL_da * a * (1 - a), a - y, kind=Kind.EQUALS),
    _scalar("eq8", 56, "eq. (8)",
            r"\Rightarrow \frac{\partial \mathcal{L}}{\partial Z_2} = \left[\frac{-Y}{A_2} + \frac{(1-Y)}{(1-A_2)}\right] A_2(1 - A_2) = A_2 - Y \tag{8}",
            "dL/dz = sigmoid(z) - y for the per-example loss", sp.Derivative(bce(s, y), z), s - y),
    # ---- dW2: (9)-(14) ----------------------------------------------------------------
    _shape("shape-dW2", 56, "before eq. (9)", r"dW_2 \in \mathbb{R}^{1 \times h}", "dW2",
           lambda v: v.dW2, ("1", "h")),
    _matrix("eq9-chain", 58, "eq. (9)",
            r"\frac{\partial \mathcal{L}}{\partial W_2} = \frac{\partial \mathcal{L}}{\partial Z_2} \frac{\partial Z_2}{\partial W_2} = \frac{\partial \mathcal{L}}{\partial Z_2} A_1",
            "dW2 = dZ2 A1 (sum of the examples' contributions)", lambda v: v.dZ2 @ v.A1, wrt="W2",
            erratum=Erratum(
                r"\frac{\partial \mathcal{L}}{\partial W_2} = \mathrm{d} Z_2^T A_1",
                "dZ2 is m×1 and A1 is m×h: the product dZ2 A1 is undefined (inner dimensions 1 "
                "and m); the chain rule over the m examples is the transposed product, which the "
                "same line reaches next",
                _fix("dW2 = dZ2^T A1", lambda v: v.dZ2.T @ v.A1, "W2"))),
    _matrix("eq9", 58, "eq. (9)", r"= \mathrm{d} Z_2^T A_1",
            "dW2 = dZ2^T A1: the derivative of the sum of the per-example losses (6)",
            lambda v: v.dZ2.T @ v.A1, wrt="W2"),
    _definition("eq10", 63, "eq. (10)",
                r"dZ_2 = \begin{pmatrix} z_{11} \\ z_{21} \\ z_{31} \end{pmatrix} A_1 = \begin{pmatrix} a_{11} & a_{12} \\ a_{21} & a_{22} \\ a_{31} & a_{32} \end{pmatrix}",
                "names the entries of dZ2 (z) and A1 (a) for m = 3, h = 2 (two definitions run "
                "together in the extracted text)"),
    _matrix("eq11", 68, "eq. (11)",
            r"dW_2 = dZ_2^T A_1 = (z_{11}a_{11} + z_{21}a_{21} + z_{31}a_{31} \quad z_{11}a_{12} + z_{21}a_{22} + z_{31}a_{32})",
            "the worked example: dW2 = dZ2^T A1 written out for m = 3, h = 2 (sum of contributions)",
            lambda v: Mat.of("(z11 a11 + z21 a21 + z31 a31, z11 a12 + z21 a22 + z31 a32)",
                             [[sum(v.dZ2[j, 0] * v.A1[j, k] for j in range(3)) for k in range(2)]]),
            wrt="W2", sizes=WORKED, fixed={"m": 3, "h": 2}),
    _matrix("eq12", 73, "eq. (12)",
            r"dW_2 = \left(\sum_{j=1}^{m} z_{j1}a_{j1} \quad \sum_{j=1}^{m} z_{j1}a_{j2}\right)",
            "for any m (h = 2): the examples' contributions summed",
            lambda v: Mat.of("(sum_j z_j1 a_j1, sum_j z_j1 a_j2)", [[_row(v, 0), _row(v, 1)]]),
            wrt="W2", sizes=ROW_OF_TWO, fixed={"h": 2}),
    _matrix("eq13", 77, "eq. (13)",
            r"dW_2 = \frac{1}{m} \left(\sum_{j=1}^{m} z_{j1} a_{j1} \sum_{j=1}^{m} z_{j1} a_{j2} \right)",
            "the sums of (12) divided by m: the derivative of the batch mean (5)",
            lambda v: (1 / v.m) * Mat.of("(sum_j z_j1 a_j1, sum_j z_j1 a_j2)", [[_row(v, 0), _row(v, 1)]]),
            wrt="W2", convention=MEAN, sizes=ROW_OF_TWO, fixed={"h": 2},
            note="the extracted text has no separator between the two sums (12 has \\quad); read "
                 "as the 1×2 row of (12), as the surrounding text says"),
    _matrix("eq14", 82, "eq. (14)", r"\mathrm{d}W_2 = \frac{1}{m} \mathrm{d}Z_2^T A_1",
            "dW2 = (1/m) dZ2^T A1", lambda v: (1 / v.m) * (v.dZ2.T @ v.A1), wrt="W2", convention=MEAN),
    # ---- db2: (15)-(17) ---------------------------------------------------------------
    _shape("shape-db2", 84, "before eq. (15)", r"db_2 \in \mathbb{R}^{1 \times 1}", "db2",
           lambda v: v.db2, ("1", "1")),
    _matrix("eq15", 86, "eq. (15)",
            r"\frac{\partial \mathcal{L}}{\partial b_2} = \frac{\partial \mathcal{L}}{\partial Z_2} \frac{\partial dZ_2}{\partial db_2} = \frac{\partial \mathcal{L}}{\partial Z_2} = dZ_2",
            "db2 = dZ2", lambda v: v.dZ2, wrt="b2", shape=("1", "1"),
            erratum=Erratum(
                r"\frac{\partial \mathcal{L}}{\partial b_2} = \sum_{\text{along rows}} dZ_2",
                "db2 is 1×1 (as stated just above) but dZ2 is m×1: b2 is broadcast to every "
                "example, so its derivative sums dZ2 over the examples; also "
                "\\partial dZ_2 / \\partial db_2 stands for \\partial Z_2 / \\partial b_2.  The "
                "document notices ('not yet done') and repairs it in (17)",
                _fix("db2 = sum over rows of dZ2", lambda v: v.dZ2.sum(0), "b2"))),
    _definition("eq16", 90, "eq. (16)", r"dZ_2 = \begin{pmatrix} z_{11} \\ z_{21} \\ z_{31} \end{pmatrix}",
                "names the entries of dZ2 for m = 3"),
    _matrix("eq17-sum", 95, "eq. (17)",
            r"\frac{\partial \mathcal{L}}{\partial b_2} = \frac{1}{m} \left(\sum_{j}^{m} z_{j1} \right)",
            "db2 = (1/m) sum_j z_j1: the derivative of the batch mean (5)",
            lambda v: (1 / v.m) * Mat.of("(sum_j z_j1)", [[v.sum_examples(lambda j: v.dZ2[j, 0])]]),
            wrt="b2", convention=MEAN,
            note="the text before (17) says the average makes the shapes match; the 1/m comes "
                 "from the mean in (5), the sum from b2's broadcast"),
    _matrix("eq17", 95, "eq. (17)", r"\frac{1}{m} \sum_{\text{along rows}} dZ_2",
            "db2 = (1/m) sum over rows of dZ2", lambda v: (1 / v.m) * v.dZ2.sum(0), wrt="b2",
            convention=MEAN),
    # ---- dA1, dZ1: (18), (19) -----------------------------------------------------------
    _shape("shape-dA1", 98, "before eq. (18)", r"dA_1 \in \mathbb{R}^{m \times h}", "dA1",
           lambda v: v.dA1, ("m", "h")),
    _matrix("eq18", 100, "eq. (18)",
            r"\frac{\partial \mathcal{L}}{\partial A_1} = \frac{\partial \mathcal{L}}{\partial Z_2} \frac{\partial Z_2}{\partial A_1} = \frac{\partial \mathcal{L}}{\partial Z_2} W_2 = \mathrm{d}Z_2 W_2",
            "dA1 = dZ2 W2 (per example)", lambda v: v.dZ2 @ v.W2, wrt="A1"),
    _shape("shape-dZ1", 102, "before eq. (19)", r"dZ_1 \in \mathbb{R}^{m \times h}", "dZ1",
           lambda v: v.dZ1, ("m", "h")),
    _matrix("eq19-chain", 104, "eq. (19)",
            r"\frac{\partial \mathcal{L}}{\partial Z_1} = \frac{\partial \mathcal{L}}{\partial A_1} \frac{\partial A_1}{\partial Z_1} = \left(\frac{\partial \mathcal{L}}{\partial Z_2} W_2\right) \odot \left(\frac{\partial g_1(Z_1)}{\partial Z_1}\right)",
            "dZ1 = (dZ2 W2) ⊙ g1'(Z1)", lambda v: (v.dZ2 @ v.W2).odot(v.g_prime(1, v.Z1)), wrt="Z1"),
    _matrix("eq19-tanh", 106, "eq. (19)",
            r"\Rightarrow \frac{\partial \mathcal{L}}{\partial Z_1} = \left(\frac{\partial \mathcal{L}}{\partial Z_2} W_2\right) \odot (1 - A_1^2)",
            "dZ1 = (dZ2 W2) ⊙ (1 - A1^2)", lambda v: (v.dZ2 @ v.W2).odot(1 - v.A1 ** 2), wrt="Z1"),
    _scalar("tanh-prime", 106, "eq. (19)", r"g_1(u)' = 1 - g_1^2(u)", "tanh' = 1 - tanh^2",
            sp.Derivative(tanh(u), u), 1 - tanh(u) ** 2),
    _matrix("eq19", 108, "eq. (19)", r"\Rightarrow \left(dZ_2W_2\right) \odot (1 - A_1^2)",
            "dZ1 = (dZ2 W2) ⊙ (1 - A1^2)", lambda v: (v.dZ2 @ v.W2).odot(1 - v.A1 ** 2), wrt="Z1"),
    # ---- dW1, db1: (20)-(23) ------------------------------------------------------------
    _shape("shape-dW1", 111, "before eq. (20)", r"dW_1 \in \mathbb{R}^{h \times D}", "dW1",
           lambda v: v.dW1, ("h", "D")),
    _matrix("eq20-chain", 113, "eq. (20)",
            r"\frac{\partial \mathcal{L}}{\partial W_1} = \frac{\partial \mathcal{L}}{\partial Z_1} \frac{\partial Z_1}{\partial W_1} = \frac{\partial \mathcal{L}}{\partial Z_1} X",
            "dW1 = dZ1 X (sum of the examples' contributions)", lambda v: v.dZ1 @ v.X, wrt="W1",
            erratum=Erratum(
                r"\frac{\partial \mathcal{L}}{\partial W_1} = dZ_1^T X",
                "dZ1 is m×h and X is m×D: the product dZ1 X is undefined (inner dimensions h and "
                "m); the sum over examples is dZ1^T X, which the same line reaches next",
                _fix("dW1 = dZ1^T X", lambda v: v.dZ1.T @ v.X, "W1"))),
    _matrix("eq20", 113, "eq. (20)", r"= dZ_1^T X",
            "dW1 = dZ1^T X: the derivative of the sum of the per-example losses",
            lambda v: v.dZ1.T @ v.X, wrt="W1"),
    _matrix("eq21", 118, "eq. (21)", r"\mathrm{d}W_1 = \frac{1}{m} \mathrm{d}Z_1^T X",
            "dW1 = (1/m) dZ1^T X", lambda v: (1 / v.m) * (v.dZ1.T @ v.X), wrt="W1", convention=MEAN),
    _shape("shape-db1", 120, "before eq. (22)", r"db_1 \in \mathbb{R}^{1 \times h}", "db1",
           lambda v: v.db1, ("1", "h")),
    _matrix("eq22", 122, "eq. (22)",
            r"\frac{\partial \mathcal{L}}{\partial b_1} = \frac{\partial \mathcal{L}}{\partial Z_1} \frac{\partial Z_1}{\partial b_1} = \frac{\partial \mathcal{L}}{\partial Z_1} = \mathrm{d}Z_1",
            "db1 = dZ1", lambda v: v.dZ1, wrt="b1", shape=("1", "h"),
            erratum=Erratum(
                r"\frac{\partial \mathcal{L}}{\partial b_1} = \sum_{\text{along rows}} dZ_1",
                "db1 is 1×h (as stated just above) but dZ1 is m×h: b1 is broadcast along the m "
                "rows, so its derivative sums dZ1 over them; the document repairs it in (23)",
                _fix("db1 = sum over rows of dZ1", lambda v: v.dZ1.sum(0), "b1"))),
    _matrix("eq23", 126, "eq. (23)", r"db_1 = \frac{1}{m} \sum_{\text{along rows}} dZ_1 \tag{23}",
            "db1 = (1/m) sum over rows of dZ1", lambda v: (1 / v.m) * v.dZ1.sum(0), wrt="b1",
            convention=MEAN),
    # ---- the summary (24)-(29) ----------------------------------------------------------
    _matrix("eq24", 130, "eq. (24)", r"dZ_2 = \frac{\partial \mathcal{L}}{\partial Z_2} = A_2 - Y",
            "dZ2 = A2 - Y (per example)", lambda v: v.A2 - v.Y, wrt="Z2"),
    _matrix("eq25", 132, "eq. (25)",
            r"dW_2 = \frac{\partial \mathcal{L}}{\partial W_2} = \frac{1}{m} dZ_2^T A_1",
            "dW2 = (1/m) dZ2^T A1 (batch mean)", lambda v: (1 / v.m) * (v.dZ2.T @ v.A1), wrt="W2",
            convention=MEAN),
    _matrix("eq26", 134, "eq. (26)",
            r"db_2 = \frac{\partial \mathcal{L}}{\partial b_2} = \frac{1}{m} \sum_{\text{along rows}} dZ_2",
            "db2 = (1/m) sum over rows of dZ2 (batch mean)", lambda v: (1 / v.m) * v.dZ2.sum(0),
            wrt="b2", convention=MEAN),
    _matrix("eq27", 137, "eq. (27)",
            r"dZ_1 = \frac{\partial \mathcal{L}}{\partial Z_1} = \left(dZ_2 W_2 \right) \odot \left(1 - A_1^2 \right)",
            "dZ1 = (dZ2 W2) ⊙ (1 - A1^2) (per example)",
            lambda v: (v.dZ2 @ v.W2).odot(1 - v.A1 ** 2), wrt="Z1"),
    _matrix("eq28", 140, "eq. (28)",
            r"\mathrm{d}W_1 = \frac{\partial \mathcal{L}}{\partial W_1} = \frac{1}{m} \mathrm{d}Z_1^T X",
            "dW1 = (1/m) dZ1^T X (batch mean)", lambda v: (1 / v.m) * (v.dZ1.T @ v.X), wrt="W1",
            convention=MEAN),
    _matrix("eq29", 142, "eq. (29)",
            r"db_1 = \frac{\partial \mathcal{L}}{\partial b_1} = \frac{1}{m} \sum_{\text{along rows}} dZ_1",
            "db1 = (1/m) sum over rows of dZ1 (batch mean)", lambda v: (1 / v.m) * v.dZ1.sum(0),
            wrt="b1", convention=MEAN),
)

DERIVATION = Derivation(
    title='Sayantan Auddy, "Derivations for Backpropagation"',
    source=SOURCE,
    convention="row-major: Z1 = X W1^T + b1, X is m x D; dZ per example, dW and db of the batch mean",
    steps=STEPS,
)
