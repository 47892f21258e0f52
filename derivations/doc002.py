r"""Document 002: Mukul Rathi, "Demystifying Deep Learning: Part 5" (2018).

Source: ``derivations/sources/002_5e682a3c2b7b752a.txt`` -- backpropagation
through a general layer ``l`` of a column-major network (``Z = W.A + b``,
``A`` is n_l x m), derived element by element; the output layer; ReLU; a
NumPy ``backpropagation`` function (restored in :mod:`derivations.doc002_code`).

How the steps are checked
-------------------------
*Concrete sizes.*  The general layer is checked at n_{l-1} = 3 (index k),
n_l = 2 (index j), m = 2 (index i), with an output layer of n_L = 2 units
after it: every index form becomes explicit sums over explicit symbols, and
its left-hand side is an unevaluated ``Derivative`` of the cost computed by
SymPy from the forward pass.  The hidden activation ``g`` is SymPy's own
``tanh`` (not ours: the chain rule is under test here, and SymPy's ``tanh``
keeps the expressions small; our declared rules are checked at line 78 and
by the tests of :mod:`symbolic.activations`).  The downstream layer is a
regression output (no activation, loss :math:`\frac12(\hat y - y)^2`) --
the derivation of layer ``l`` holds for any downstream cost.

*All entries at once.*  A matrix identity ``M = N`` is checked as the scalar
:math:`\sum_{rs} v_{rs} M_{rs} = \sum_{rs} v_{rs} N_{rs}` with free real
symbols ``v``: a canonical form reaching 0 for symbolic ``v`` proves every
entry (the ``v`` are algebraically independent), a counterexample shows the
point, and the numeric verdict compares both sides at random ``v`` -- the
directional check of MEASUREMENTS.md.  Shape errors are kept as matrices, so
that the verdict names both shapes.

*What "dJ/dz" means.*  The cost is the batch mean
:math:`J = \frac1m \sum_i \ell(a^{(i)}, y^{(i)})`.  The document's
:math:`\partial J/\partial z^{(i)}` (its code's ``dZ``) is the *per-example*
derivative :math:`\partial \ell^{(i)}/\partial z^{(i)} = m\,\partial J/\partial z^{(i)}`:
that is what makes ``dZ = A - Y`` and ``dW = (1/m) dZ.A^T`` both true.  Each
step says which reading it is checked under; a formula true only under the
per-example reading gets a ``note``, one false under every reading an
:class:`~derivations.model.Erratum`.

Line numbers are the file's.  The extraction printed most formulas twice on
one line -- a rendered-text copy, then the LaTeX; the steps quote the LaTeX.
"""
from __future__ import annotations

from functools import cached_property, lru_cache

import sympy as sp

from gradproof.derivations import doc002_code as code
from gradproof.derivations.encoding import StepMaker
from gradproof.derivations.matrix import DEEP_SIZES, MatrixClaim, deep_networks
from gradproof.derivations.model import Claim, Derivation, Erratum, Kind, Step
from gradproof.symbolic.activations import expand_definitions, relu, sigmoid, tanh
from gradproof.symbolic.domain import Domain
from gradproof.symbolic.layouts import Convention, Layout
from gradproof.symbolic.losses import bce
from gradproof.symbolic.losses_multiclass import cce_mean, simplex_label
from gradproof.symbolic.softmax import softmax_vector

__all__ = ["DERIVATION", "SIZES", "code_claim", "contract", "layer"]

SOURCE = "002_5e682a3c2b7b752a.txt"
SIZES = {"n_prev": 3, "n_l": 2, "m": 2, "n_L": 2}
_make = StepMaker(SOURCE)

# the document's own headings (the file has no equation numbers)
INTRO = "Demystifying Deep Learning: Part 5 (introduction)"
DERIVING = "Deriving the Backpropagation Algorithm"
LAYER = "Backpropagating through layer l:"
OUTPUT = "Backpropagating through layer l: the final layer"
RECAP = "To recap, the key equations are:"
CODE = "Note the activation function used for the intermediate layer is ReLU (the code)"



def _mat(name: str, rows: int, cols: int, **assumptions) -> sp.Matrix:
    assumptions = assumptions or {"real": True}
    return sp.Matrix(rows, cols, lambda r, c: sp.Symbol(f"{name}_{r}_{c}", **assumptions))


def contract(M: sp.MatrixBase, N: sp.MatrixBase | None = None):
    r""":math:`\sum_{rs} v_{rs} M_{rs}` with free real ``v_r_s``: a matrix identity as one scalar.

    >>> contract(sp.Matrix([[1, 2]]))
    v_0_0 + 2*v_0_1
    """
    if N is not None and M.shape != N.shape:
        raise ValueError(f"cannot contract {M.shape[0]}x{M.shape[1]} with {N.shape[0]}x{N.shape[1]}")
    V = _mat("v", *M.shape)
    return sp.Add(*[V[r, c] * M[r, c] for r in range(M.rows) for c in range(M.cols)])


def _matrix_claim(lhs: sp.MatrixBase, rhs: sp.MatrixBase) -> Claim:
    return Claim(contract(lhs), contract(rhs, lhs))


def _gprime(z):
    # g = SymPy's tanh; its derivative written out (SymPy's rule, not one of ours)
    return 1 - sp.tanh(z) ** 2


class _Layer:
    """Layer l at SIZES, its forward pass, and the derivatives the document names."""

    def __init__(self):
        k, j, m, nL = SIZES["n_prev"], SIZES["n_l"], SIZES["m"], SIZES["n_L"]
        self.m = m
        self.ones = sp.ones(1, m)
        self.Aprev = _mat("Aprev", k, m)  # A^{[l-1]}
        self.W, self.b = _mat("W", j, k), _mat("b", j, 1)  # W^{[l]}, b^{[l]}
        self.WL, self.bL = _mat("WL", nL, j), _mat("bL", nL, 1)  # the layer after l
        self.Y = _mat("Y", nL, m)
        self.Zs, self.As = _mat("Z", j, m), _mat("A", j, m)  # Z^{[l]}, A^{[l]} as free symbols
        self.Z = self.W * self.Aprev + self.b * self.ones  # Z^{[l]} from the forward pass

    def cost_of_A(self, A):
        """J = (1/m) sum_i 1/2 |Z^{[L](i)} - y^{(i)}|^2 with Z^{[L]} = W^{[L]} A + b^{[L]}."""
        out = self.WL * A + self.bL * self.ones - self.Y
        return sp.Add(*[out[r, c] ** 2 / 2 for r in range(out.rows) for c in range(out.cols)]) / self.m

    def cost_of_Z(self, Z):
        return self.cost_of_A(Z.applyfunc(sp.tanh))

    @cached_property
    def J(self):
        """J as a function of W^{[l]}, b^{[l]}, A^{[l-1]} (and the layer after)."""
        return self.cost_of_Z(self.Z)

    def ZL(self, Z):
        """Z^{[L]} (the next layer's weighted input) as a function of Z^{[l]}."""
        return self.WL * Z.applyfunc(sp.tanh) + self.bL * self.ones

    def dA_at(self, Z):
        """Per-example dJ/dA^{[l]} = m dJ/dA, by SymPy, at A = g(Z)."""
        J = self.m * self.cost_of_A(self.As)
        d = sp.Matrix(self.As.rows, self.As.cols, lambda r, c: sp.diff(J, self.As[r, c]))
        return d.xreplace(dict(zip(self.As, Z.applyfunc(sp.tanh), strict=True)))

    @cached_property
    def dZ(self):
        """The document's dJ/dz^{[l](i)}: per-example, m dJ/dZ^{[l]}, by SymPy, along the forward pass."""
        J = self.m * self.cost_of_Z(self.Zs)
        d = sp.Matrix(self.Zs.rows, self.Zs.cols, lambda r, c: sp.diff(J, self.Zs[r, c]))
        return d.xreplace(dict(zip(self.Zs, self.Z, strict=True)))

    def grad(self, cost, X):
        """The matrix of unevaluated Derivative(cost, X_rs): the oracle's question."""
        return sp.Matrix(X.rows, X.cols, lambda r, c: sp.Derivative(cost, X[r, c]))


@lru_cache(maxsize=1)
def layer() -> _Layer:
    return _Layer()


# --------------------------------------------------------------------------
# the claims, one function per family
# --------------------------------------------------------------------------

def _dW_claim(n: _Layer, local: bool) -> Claim:
    """dJ/dW_jk = (1/m) sum_i dZ_ji * (dz_ji/dW_jk or a_ki)."""
    dZ = n.dZ
    j, k = n.W.shape

    def entry(r, c):
        return sp.Add(*[dZ[r, i] * (sp.Derivative(n.Z[r, i], n.W[r, c]) if local else n.Aprev[c, i])
                        for i in range(n.m)]) / n.m
    return _matrix_claim(n.grad(n.J, n.W), sp.Matrix(j, k, entry))


def _db_claim(n: _Layer, local: bool) -> Claim:
    dZ = n.dZ

    def entry(r, _):
        return sp.Add(*[dZ[r, i] * (sp.Derivative(n.Z[r, i], n.b[r, 0]) if local else 1)
                        for i in range(n.m)]) / n.m
    return _matrix_claim(n.grad(n.J, n.b), sp.Matrix(n.b.rows, 1, entry))


def _dAprev_claim(n: _Layer, how: str) -> Claim:
    """Per-example dJ/da^{[l-1](i)}_k = sum_j dZ_ji * (dz_ji/da_{?i} or W_jk)."""
    dZ = n.dZ
    k, m = n.Aprev.shape
    jn = n.W.rows

    def entry(c, i):
        if how == "printed":  # the line's middle: d z_j / d a^{[l-q](i)}_j, read as a^{[l-1](i)}_j
            return sp.Add(*[dZ[r, i] * sp.Derivative(n.Z[r, i], n.Aprev[r, i]) for r in range(jn)])
        if how == "chain":  # corrected: d z_j / d a^{[l-1](i)}_k
            return sp.Add(*[dZ[r, i] * sp.Derivative(n.Z[r, i], n.Aprev[c, i]) for r in range(jn)])
        return sp.Add(*[dZ[r, i] * n.W[r, c] for r in range(jn)])
    return _matrix_claim(n.grad(n.m * n.J, n.Aprev), sp.Matrix(k, m, entry))


def _dZ_claim(n: _Layer, at_L: bool) -> Claim:
    """Per-example dJ/dZ^{[l]} = dJ/dA^{[l]} * g'(Z^{[l]}) (or g'(Z^{[L]}), as printed)."""
    lhs = n.grad(n.m * n.cost_of_Z(n.Zs), n.Zs)
    gp = (n.ZL(n.Zs) if at_L else n.Zs).applyfunc(_gprime)
    return _matrix_claim(lhs, n.dA_at(n.Zs).multiply_elementwise(gp))


def _declared_prime(g, z):
    """g's declared derivative, its activations written out (the numeric printer misreads
    ``tanh(z)**2``: symbolic/activations.py prints the definition unparenthesized -- reported)."""
    return expand_definitions(g(z).fdiff())


def _line78(g) -> Claim:
    z = sp.Symbol("Z_ij", real=True)
    return Claim(sp.Derivative(g(z), z), _declared_prime(g, z))  # the declared rule, against the definition


def _products() -> tuple[Claim, Claim]:
    A, B = _mat("A", 2, 3), _mat("B", 3, 2)
    sums = sp.Matrix(2, 2, lambda i, j: sp.Add(*[A[i, k] * B[k, j] for k in range(3)]))
    D = _mat("D", 2, 3)
    hadamard = sp.Matrix(2, 3, lambda i, j: A[i, j] * D[i, j])
    return _matrix_claim(A * B, sums), _matrix_claim(A.multiply_elementwise(D), hadamard)


def _neuron_form(n: _Layer) -> Claim:
    k = n.Aprev.rows
    sums = sp.Matrix(n.W.rows, n.m, lambda j, i: sp.Add(*[n.W[j, c] * n.Aprev[c, i] for c in range(k)])
                     + n.b[j, 0])
    return _matrix_claim(n.W * n.Aprev + n.b * n.ones, sums)


# --- the output layer ------------------------------------------------------

def _output_claim(kind: str) -> tuple[Claim, Domain]:
    """Per-example dJ/dZ^{[L]} = Yhat - Y, at n_L = 2 (K classes for softmax), m = 2."""
    m = 2
    if kind == "regression":
        Z, Y = _mat("ZL", 2, m), _mat("Y", 2, m)
        J = sp.Add(*[(Z[r, i] - Y[r, i]) ** 2 / 2 for r in range(2) for i in range(m)]) / m
        return _matrix_claim(_grad(m * J, Z), Z - Y), Domain()
    if kind == "sigmoid":
        Z, Y = _mat("ZL", 1, m), _mat("Y", 1, m)
        A = Z.applyfunc(sigmoid)
        J = sp.Add(*[bce(A[0, i], Y[0, i]) for i in range(m)]) / m
        return _matrix_claim(_grad(m * J, Z), A - Y), Domain.of({y: (0, 1) for y in Y})
    K = int(kind.removeprefix("softmax"))
    Z = _mat("ZL", K, m)
    free = _mat("Y", K - 1, m, positive=True)
    Y = sp.Matrix.hstack(*[sp.Matrix(simplex_label(free[:, i])) for i in range(m)])
    A = sp.Matrix.hstack(*[softmax_vector(Z[:, i], expand=True) for i in range(m)])
    J = cce_mean(A, Y)
    return _matrix_claim(_grad(m * J, Z), A - Y), Domain.of({y: (0.01, 1 / K) for y in free})


def _output_chain(kind: str) -> tuple[Claim, Domain]:
    """dZ^{[L]} = dA^{[L]} * g'(Z^{[L]}): dA from the loss, g' the declared rule of g."""
    m = 2
    Z, As = _mat("ZL", 1, m), _mat("AL", 1, m)
    Yb = _mat("Y", 1, m)
    g, loss, dom = ((sigmoid, bce, Domain.of({y: (0, 1) for y in Yb})) if kind == "sigmoid"
                    else (tanh, lambda a, y: (a - y) ** 2 / 2, Domain()))
    per_example = lambda A: sp.Add(*[loss(A[0, i], Yb[0, i]) for i in range(m)])  # noqa: E731
    dA = sp.Matrix(1, m, lambda _, i: sp.diff(per_example(As), As[0, i]))
    dA = dA.xreplace(dict(zip(As, Z.applyfunc(g), strict=True)))
    gp = Z.applyfunc(lambda z: _declared_prime(g, z))
    return _matrix_claim(_grad(per_example(Z.applyfunc(g)), Z), dA.multiply_elementwise(gp)), dom


def _grad(cost, X):
    return sp.Matrix(X.rows, X.cols, lambda r, c: sp.Derivative(cost, X[r, c]))


# --- the code --------------------------------------------------------------

def code_claim(source: str = code.SOURCE) -> tuple[Claim, Domain]:
    """The restored ``backpropagation`` run on SymPy object arrays, L = 2, against Derivative(J, .).

    Sizes n0 = 2, n1 = 2, n2 = 1, m = 2 (m a power of 2, so that the code's
    float ``1/m`` is exact and becomes the rational 1/2 without rounding).
    ReLU is piecewise: the check is made on one region of parameter space,
    declared by the symbols' signs -- inputs positive, hidden unit 0 active
    (positive weights and bias), hidden unit 1 dead (negative weights and
    bias) -- so that both branches of ReLU' are exercised and SymPy can
    decide every sign the code's ``relu(Z, deriv=True)`` asks for.
    """
    import numpy as np

    m = 2
    pos, neg = {"positive": True}, {"negative": True}
    X = _mat("X", 2, m, **pos)
    W1 = sp.Matrix([[sp.Symbol(f"W1_0_{c}", **pos) for c in range(2)],
                    [sp.Symbol(f"W1_1_{c}", **neg) for c in range(2)]])
    b1 = sp.Matrix([sp.Symbol("b1_0_0", **pos), sp.Symbol("b1_1_0", **neg)])
    W2, b2 = _mat("W2", 1, 2), _mat("b2", 1, 1)
    Y = _mat("Y", 1, m)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    # the forward pass (ours): ReLU by its definition, sigmoid as our function
    Z1 = W1 * X + b1 * sp.ones(1, m)
    A1 = Z1.applyfunc(relu.definition)
    Z2 = W2 * A1 + b2 * sp.ones(1, m)
    A2 = Z2.applyfunc(sigmoid)
    J = sp.Add(*[bce(A2[0, i], Y[0, i]) for i in range(m)]) / m

    def arr(M):
        return np.array(M.tolist(), dtype=object)

    cache = {"A0": arr(X), "Z1": arr(Z1), "A1": arr(A1), "Z2": arr(Z2), "A2": arr(A2)}
    grads = code.load(source)(cache, arr(Y), {k: arr(v) for k, v in params.items()})

    def exact(e):
        e = sp.sympify(e)
        return e.xreplace({f: sp.Rational(f) for f in e.atoms(sp.Float)})  # binary floats, exactly

    lhs, rhs = [], []
    for name, P in params.items():
        G = sp.Matrix(grads["d" + name].tolist()).applyfunc(exact)
        lhs.append(_grad(J, P))
        rhs.append(G)
    L, R = sp.Matrix.vstack(*[M.reshape(len(M), 1) for M in lhs]), \
        sp.Matrix.vstack(*[M.reshape(len(M), 1) for M in rhs])
    dom = {s: (0.1, 2.0) for s in X}
    dom.update({s: (0.1, 2.0) for s in (*W1[0, :], b1[0])})
    dom.update({s: (-2.0, -0.1) for s in (*W1[1, :], b1[1])})
    dom.update({s: (0.02, 0.98) for s in Y})
    return _matrix_claim(L, R), Domain.of(dom)


# --- the recap and the sanity checks, with the matrix machinery -------------

# L = 2 and 3, ReLU hidden layers and a sigmoid output (the document's code), two sizes
_NETS = deep_networks(Layout.COLUMN_MAJOR, "relu", depths=(2, 3))


def _hidden(L):
    return range(1, L)


def _every(L):
    return range(1, L + 1)


def _mc(says, rhs, **kw) -> MatrixClaim:
    return MatrixClaim(says, rhs, DEEP_SIZES, networks=_NETS, **kw)


def _recap_dZ(slip: bool) -> MatrixClaim:
    return _mc(f"dZ[l] = dA[l] * g'[l](Z[{'L' if slip else 'l'}])",
               lambda v, l: v.dA[l].odot(v.g_prime(l, v.Z[v.net.L if slip else l])),
               wrt=lambda l: f"Z{l}", convention=Convention.PER_EXAMPLE, layers=_hidden)


def _gprime_shape(slip: bool) -> MatrixClaim:
    return _mc(f"g'(Z[{'L' if slip else 'l'}]) has the shape of dA[l], n_l x m",
               lambda v, l: v.g_prime(l, v.Z[v.net.L if slip else l]),
               shape=lambda l: (f"n{l}", "m"), layers=_hidden)


# --------------------------------------------------------------------------
# the steps, in document order
# --------------------------------------------------------------------------

PER_EXAMPLE = ("Checked under the per-example reading of dJ/dz^{(i)} (= m dJ/dz^{(i)} for the batch-mean J, "
               "the code's dZ), the one the document uses throughout (dZ^{[L]} = A - Y, dW = (1/m) dZ.A^T). "
               "Under the batch-mean reading the right-hand side would be 1/m too small.")
SIZES_TEXT = "n_{l-1} = 3, n_l = 2, m = 2, n_L = 2; g = tanh; regression output after layer l"


def _steps() -> tuple[Step, ...]:
    n = layer()
    products, hadamard = _products()
    steps: list[Step] = []
    add = steps.append

    add(_make.step(
        id="chain-W1", kind=Kind.NOTATION, where=INTRO, line=30,
        latex=r"\frac{\partial{J}}{\partial{W^{[1]}}} = \frac{\partial{A^{[1]}}}{\partial{W^{[1]}}}_\frac{\partial{A^{[2]}}}{\partial{A^{[1]}}}_[\frac{\partial{A^{[3]}}}{\partial{A^{[2]}}}...\frac{\partial{A^{[L]}}}{\partial{A^{[L-1]}}}\*\frac{\partial{J}}{\partial{A^{[L]}}}]",
        reason="garbled and schematic: the extraction turned the products' '*' into '_' (Markdown emphasis) "
               "and escaped one as '\\*'; the chain rule over whole layers multiplies derivatives of "
               "matrices by matrices (4-index tensors) with no stated contraction, and omits "
               "dA/dZ inside each factor. An outline of the idea, not a formula to check.",
        says="the chain rule for dJ/dW^{[1]} through every later layer"))
    add(_make.step(
        id="chain-W2", kind=Kind.NOTATION, where=INTRO, line=32,
        latex=r"\frac{\partial{J}}{\partial{W^{[2]}}} = \frac{\partial{A^{[2]}}}{\partial{W^{[2]}}}_[\frac{\partial{A^{[3]}}}{\partial{A^{[2]}}}...\frac{\partial{A^{[L]}}}{\partial{A^{[L-1]}}}_\frac{\partial{J}}{\partial{A^{[L]}}}]",
        reason="garbled and schematic, as line 30 ('*' extracted as '_'); the bracket is the shared factor "
               "the text points at, not a checkable identity",
        says="the chain rule for dJ/dW^{[2]}"))
    add(_make.step(
        id="matmul-index", kind=Kind.EQUALS, where=DERIVING, line=56,
        latex=r"C_{ij} = \sum_k A_{ik}B_{kj} \iff C=A.B",
        claim=products,
        says="the matrix product, entry by entry: (A.B)_ij = sum_k A_ik B_kj, at A 2x3, B 3x2 "
             "(both directions of the 'iff' are this one identity)"))
    add(_make.step(
        id="hadamard-index", kind=Kind.EQUALS, where=DERIVING, line=62,
        latex=r"C_{ij} = A_{ij}B_{ij} \iff C=A*B",
        claim=hadamard,
        says="the element-wise product, entry by entry, at 2x3"))
    add(_make.step(
        id="forward-Z", kind=Kind.DEFINITION, where=LAYER, line=72,
        latex=r"Z^{[l]} = W^{[l]}.A^{[l-1]} + b^{[l]}",
        says="the forward pass: b^{[l]} (n_l x 1) is broadcast along the m columns"))
    add(_make.step(
        id="forward-A", kind=Kind.DEFINITION, where=LAYER, line=74,
        latex=r"A^{[l]} = g(Z^{[l]})", says="g applied entry by entry"))
    for name, g in (("sigmoid", sigmoid), ("tanh", tanh)):
        add(_make.step(
            id=f"dA-dZ-{name}", kind=Kind.DERIVATIVE, where=LAYER, line=78,
            latex=r"\frac{dA^{[l]}_{ij}}{dZ^{[l]}_{ij}} = g'(Z^{[l]}\_{ij})",
            claim=_line78(g),
            says=f"dA_ij/dZ_ij = g'(Z_ij) for g = {name}: the declared g' against the derivative of "
                 f"g's definition (for ReLU see line 159)",
            note="the extraction escaped one '_' as '\\_' (Markdown); read as Z^{[l]}_{ij}"))
    add(_make.step(
        id="dZ-index", kind=Kind.DERIVATIVE, where=LAYER, line=82,
        latex=r"\frac{\partial{J}}{\partial{Z^{[l]}_{ij}}} = \frac{\partial{J}}{\partial{A^{[l]}_{ij}}} * g'(Z^{[l]}_{ij})",
        claim=_dZ_claim(n, at_L=False),
        says=f"dJ/dZ_ij = dJ/dA_ij g'(Z_ij) at every i, j ({SIZES_TEXT}); dJ/dZ from the cost, dJ/dA "
             "by SymPy at A = g(Z)",
        note="both sides per-example (m dJ/d.); the line holds under either reading as long as both "
             "sides use the same one"))
    add(_make.step(
        id="dZ-matrix", kind=Kind.DERIVATIVE, where=LAYER, line=86,
        latex=r"\frac{\partial{J}}{\partial{Z^{[l]}}} = \frac{\partial{J}}{\partial{A^{[l]}}}*g'(Z^{[L]})",
        claim=_dZ_claim(n, at_L=True),
        says=f"dJ/dZ^{{[l]}} = dJ/dA^{{[l]}} * g'(Z^{{[L]}}) as printed, g'(Z^{{[L]}}) read literally: the "
             f"layer-l activation's derivative at the *last* layer's Z ({SIZES_TEXT}, so that the "
             "shapes agree and the values decide)",
        erratum=Erratum(
            correction=r"\frac{\partial{J}}{\partial{Z^{[l]}}} = \frac{\partial{J}}{\partial{A^{[l]}}}*g'(Z^{[l]})",
            why="layer-index slip: Z^{[L]} for Z^{[l]}. Line 82, one line up, has Z^{[l]}_{ij}. As printed it "
                "is false whenever l != L: g'(Z^{[L]}) is n_L x m while dJ/dA^{[l]} is n_l x m (the "
                "element-wise product is undefined for n_L != n_l), and with n_L = n_l its values are "
                "those of another layer; reading g as the output activation does not help either.",
            fixed=_dZ_claim(n, at_L=False))))
    add(_make.step(
        id="dZ-sanity-shape", kind=Kind.MATRIX, where=LAYER, line=88,
        latex=r"g'(Z^{[L]})", claim=_gprime_shape(slip=True),
        says="the sanity check: dJ/dA^{[l]} is n_l x m, 'which is the same as g'(Z^{[L]})'; so 'the dimensions "
             "of dJ/dZ^{[l]} do match with Z^{[L]}' -- shapes with symbolic dimensions, hidden layers l of "
             "L = 2, 3 ReLU networks",
        erratum=Erratum(
            correction=r"g'(Z^{[l]})",
            why="the slip of line 86 carried into the dimension check: g'(Z^{[L]}) and Z^{[L]} are n_L x m "
                "(1 x m for these networks), not n_l x m; the check 'passes' only because it compares the "
                "wrong layer's shape with itself",
            fixed=_gprime_shape(slip=False))))
    add(_make.step(
        id="neuron-z", kind=Kind.EQUALS, where=LAYER, line=92,
        latex=r"z^{[l](i)}_j = \sum_{k=1}^{n} W^{[l]}\_{jk} a^{[l-1](i)}\_k + b^{[l]}\_j",
        claim=_neuron_form(n),
        says="Z^{[l]} = W.A^{[l-1]} + b entry by entry, at every j and i",
        note="the sum's upper limit n is n_{l-1}; the extraction escaped three '_' as '\\_'"))
    add(_make.step(
        id="dW-index-chain", kind=Kind.DERIVATIVE, where=LAYER, line=98,
        latex=r"\frac{\partial{J}}{\partial{W^{[l]}_{jk}}} = \frac{1}{m} \sum_{i=1}^{m}\frac{\partial{J}}{\partial{z^{[l](i)}_{j}}}*\frac{\partial{z^{[l](i)}_{j}}}{\partial{W^{[l]}_{jk}}}",
        claim=_dW_claim(n, local=True),
        says=f"dJ/dW_jk (J the batch mean, from the forward pass) = (1/m) sum_i dZ_ji dz_ji/dW_jk, every j, k "
             f"({SIZES_TEXT})",
        note=PER_EXAMPLE))
    add(_make.step(
        id="dW-index", kind=Kind.DERIVATIVE, where=LAYER, line=98,
        latex=r"= \frac{1}{m} \sum_{i=1}^{m}\frac{\partial{J}}{\partial{z^{[l](i)}_{j}}} * a^{[l-1](i)}_{k}",
        claim=_dW_claim(n, local=False),
        says="the line's result: dJ/dW_jk = (1/m) sum_i dZ_ji a^{[l-1](i)}_k, every j, k",
        note=PER_EXAMPLE))
    add(_make.step(
        id="db-index-chain", kind=Kind.DERIVATIVE, where=LAYER, line=100,
        latex=r"\frac{\partial{J}}{\partial{b^{[l]}_{j}}} = \frac{1}{m} \sum_{i=1}^{m}\frac{\partial{J}}{\partial{z^{[l](i)}_{j}}}*\frac{\partial{z^{[l](i)}_{j}}}{\partial{b^{[l]}_{j}}}",
        claim=_db_claim(n, local=True),
        says="dJ/db_j = (1/m) sum_i dZ_ji dz_ji/db_j, every j", note=PER_EXAMPLE))
    add(_make.step(
        id="db-index", kind=Kind.DERIVATIVE, where=LAYER, line=100,
        latex=r"= \frac{1}{m} \sum_{i=1}^{m}\frac{\partial{J}}{\partial{z^{[l](i)}_{j}}}",
        claim=_db_claim(n, local=False),
        says="the line's result: dJ/db_j = (1/m) sum_i dZ_ji, every j", note=PER_EXAMPLE))
    add(_make.step(
        id="dW-matrix-index", kind=Kind.DERIVATIVE, where=LAYER, line=106,
        latex=r"\frac{\partial{J}}{\partial{W^{[l]}_{jk}}} = \frac{1}{m} \sum_{i=1}^{m}\frac{\partial{J}}{\partial{Z^{[l]}_{ji}}} * A^{[l-1]}_{ki}",
        claim=_dW_claim(n, local=False),
        says="line 98 in matrix indices: dJ/dW_jk = (1/m) sum_i dZ_ji A_ki, every j, k",
        note=PER_EXAMPLE + " The line opens with a stray '$' (Markdown math delimiter)."))
    add(_make.step(
        id="dW-matrix-transpose", kind=Kind.EQUALS, where=LAYER, line=106,
        latex=r"= \frac{1}{m} \sum_{i=1}^{m}\frac{\partial{J}}{\partial{Z^{[l]}_{ji}}} * A^{[l-1]T}_{ik}",
        claim=_matrix_claim(
            sp.Matrix(2, 3, lambda j, k: sp.Add(*[n.dZ[j, i] * n.Aprev[k, i] for i in range(n.m)]) / n.m),
            sp.Matrix(2, 3, lambda j, k: sp.Add(*[n.dZ[j, i] * n.Aprev.T[i, k] for i in range(n.m)]) / n.m)),
        says="A_ki = (A^T)_ik: the middle equals the right-hand side, every j, k"))
    add(_make.step(
        id="dW-entry-equals-matrix", kind=Kind.DERIVATIVE, where=LAYER, line=110,
        latex=r"\frac{\partial{J}}{\partial{W^{[l]}\_{jk}}}= \frac{1}{m} \frac{\partial{J}}{\partial{Z^{[l]}}}.A^{[l-1]T}",
        claim=Claim(sp.Matrix([[sp.Derivative(n.J, n.W[0, 1])]]), (n.dZ * n.Aprev.T) / n.m),
        says="as printed: one entry dJ/dW_jk (1x1, here j, k = 1, 2) equals the whole product "
             "(1/m) dZ.A^T (n_l x n_{l-1} = 2x3)",
        erratum=Erratum(
            correction=r"\frac{\partial{J}}{\partial{W^{[l]}}}= \frac{1}{m} \frac{\partial{J}}{\partial{Z^{[l]}}}.A^{[l-1]T}",
            why="the left-hand side keeps the entry's indices jk while the right-hand side is the whole "
                "n_l x n_{l-1} matrix: shapes 1x1 and 2x3 at the checked size. The recap (line 150) "
                "prints it without the indices.",
            fixed=_matrix_claim(n.grad(n.J, n.W), (n.dZ * n.Aprev.T) / n.m)),
        note="the extraction escaped '_' as '\\_' inside the subscript"))
    add(_make.step(
        id="dW-sanity-shape", kind=Kind.MATRIX, where=LAYER, line=112,
        latex="giving a nln_{l} x nl1n_{l-1} matrix - so the dimensions do match.",
        claim=_mc("dZ[l] A[l-1]^T is n_l x n_{l-1}", lambda v, l: v.dZ[l] @ v.A[l - 1].T,
                  shape=lambda l: (f"n{l}", f"n{l - 1}"), layers=_hidden),
        says="(n_l x m)(m x n_{l-1}) gives n_l x n_{l-1}, with symbolic dimensions, hidden layers of L = 2, 3",
        note="garbled as extracted: each dimension appears twice (rendered text, then LaTeX: 'nln_{l}')"))
    add(_make.step(
        id="db-matrix", kind=Kind.DERIVATIVE, where=LAYER, line=114,
        latex=r"\frac{\partial{J}}{\partial{b^{[l]}}} = \frac{1}{m} \sum_{i=1}^{m}\frac{\partial{J}}{\partial{Z^{[l](i)}}}",
        claim=_matrix_claim(n.grad(n.J, n.b),
                            sp.Matrix(2, 1, lambda j, _: sp.Add(*n.dZ[j, :]) / n.m)),
        says="dJ/db^{[l]} (n_l x 1) = (1/m) times the sum of dZ's columns Z^{[l](i)}", note=PER_EXAMPLE))
    add(_make.step(
        id="dA-prev-index-chain", kind=Kind.DERIVATIVE, where=LAYER, line=120,
        latex=r"\frac{\partial{J}}{\partial{a^{[l-1](i)}_{k}}} =\sum_{j=1}^{n_l}\frac{\partial{J}}{\partial{z^{[l](i)}_{j}}}*\frac{\partial{z^{[l](i)}_{j}}}{\partial{a^{[l-q](i)}_{j}}}",
        claim=_dAprev_claim(n, "printed"),
        says="as printed, reading the undefined layer l-q as l-1: the local derivative is taken by "
             "a^{[l-1](i)}_j, the j-th neuron of layer l-1, every k, i",
        erratum=Erratum(
            correction=r"\frac{\partial{J}}{\partial{a^{[l-1](i)}_{k}}} =\sum_{j=1}^{n_l}\frac{\partial{J}}{\partial{z^{[l](i)}_{j}}}*\frac{\partial{z^{[l](i)}_{j}}}{\partial{a^{[l-1](i)}_{k}}}",
            why="two slips in the denominator: layer 'l-q' does not exist ('q' sits under '1' on the "
                "keyboard), and the neuron index is j (the summation index) instead of k. "
                "Read as a^{[l-1](i)}_j: dz_j/da_j = W_jj, so the sum is sum_j dZ_j W_jj, not "
                "sum_j dZ_j W_jk (checked); read as any other layer, z^{[l]} does not depend on it "
                "directly and the sum is 0. False under every reading; the line's own right-hand side "
                "has W_jk.",
            fixed=_dAprev_claim(n, "chain")),
        note="per-example on both sides (the line has no 1/m); it would hold under either reading if it "
             "were right"))
    add(_make.step(
        id="dA-prev-index", kind=Kind.DERIVATIVE, where=LAYER, line=120,
        latex=r"= \sum_{j=1}^{n_l}\frac{\partial{J}}{\partial{z^{[l](i)}_{j}}}*W^{[l]}_{jk}",
        claim=_dAprev_claim(n, "result"),
        says="the line's result, against its left-hand side (its middle is the erratum above): "
             "dJ/da^{[l-1](i)}_k = sum_j dZ_ji W_jk, every k, i",
        note="per-example on both sides (m dJ/da^{(i)} and the code's dZ); under the batch-mean reading "
             "both sides scale by 1/m"))
    add(_make.step(
        id="dA-prev-matrix-index", kind=Kind.DERIVATIVE, where=LAYER, line=124,
        latex=r"\frac{\partial{J}}{\partial{A^{[l-1]}_{ki}}} = \sum_{j=1}^{n_l}W^{[l]}_{jk}*\frac{\partial{J}}{\partial{z^{[l]}_{ji}}}",
        claim=_dAprev_claim(n, "result"),
        says="line 120 in matrix indices: dJ/dA_ki = sum_j W_jk dZ_ji, every k, i",
        note="lower-case z^{[l]}_{ji} here and at line 128 names the matrix Z^{[l]}; per-example reading"))
    add(_make.step(
        id="dA-prev-matrix-transpose", kind=Kind.EQUALS, where=LAYER, line=124,
        latex=r"= \sum_{j=1}^{n_l}W^{[l]T}_{kj}*\frac{\partial{J}}{\partial{z^{[l]}_{ji}}}",
        claim=_matrix_claim(
            sp.Matrix(3, 2, lambda k, i: sp.Add(*[n.W[j, k] * n.dZ[j, i] for j in range(2)])),
            sp.Matrix(3, 2, lambda k, i: sp.Add(*[n.W.T[k, j] * n.dZ[j, i] for j in range(2)]))),
        says="W_jk = (W^T)_kj: the middle equals the right-hand side, every k, i"))
    add(_make.step(
        id="dA-prev-matrix", kind=Kind.DERIVATIVE, where=LAYER, line=128,
        latex=r"\frac{\partial{J}}{\partial{A^{[l-1]}}} = W^{[l]T}.\frac{\partial{J}}{\partial{z^{[l]}}}",
        claim=_matrix_claim(n.grad(n.m * n.J, n.Aprev), n.W.T * n.dZ),
        says="dJ/dA^{[l-1]} = W^T.dZ (n_{l-1} x m = 3x2), per-example on both sides",
        note="per-example on both sides; under the batch-mean reading both sides scale by 1/m"))

    add(_make.step(
        id="dA-prev-sanity-shape", kind=Kind.MATRIX, where=LAYER, line=130,
        latex="giving a nl1n_{l-1} x mm matrix - so the dimensions do match.",
        claim=_mc("W[l]^T dZ[l] is n_{l-1} x m", lambda v, l: v.W[l].T @ v.dZ[l],
                  shape=lambda l: (f"n{l - 1}", "m"), layers=_hidden),
        says="(n_{l-1} x n_l)(n_l x m) gives n_{l-1} x m, with symbolic dimensions, hidden layers of L = 2, 3",
        note="garbled as extracted: each dimension appears twice (rendered text, then LaTeX)"))
    for kind, says in (
        ("regression", "no activation (Yhat = Z^{[L]}) and the loss 1/2 (yhat - y)^2, at n_L = 2, m = 2; "
                       "with (yhat - y)^2 and no 1/2 it would be 2 (Yhat - Y)"),
        ("sigmoid", "sigmoid output and binary cross-entropy, at n_L = 1, m = 2"),
    ):
        claim, dom = _output_claim(kind)
        add(_make.step(
            id=f"dZ-output-{kind}", kind=Kind.DERIVATIVE, where=OUTPUT, line=138,
            latex=r"\frac{\partial{J}}{\partial{Z^{[L]}}} = \hat{Y} - Y",
            claim=claim, domain=dom,
            says=f"dJ/dZ^{{[L]}} = Yhat - Y for {says}",
            note="per-example reading (m dJ/dZ^{[L]}, the code's dZ = A - Y); under the batch-mean reading "
                 "it is (Yhat - Y)/m"))
    for K in (3, 4):
        claim, dom = _output_claim(f"softmax{K}")
        add(_make.step(
            id=f"dZ-output-softmax-{K}", kind=Kind.DERIVATIVE, where=OUTPUT, line=140,
            latex="It turns out that with softmax for multi-class classification that the same equation holds.",
            claim=claim, domain=dom,
            says=f"softmax output and categorical cross-entropy, K = {K} classes, m = 2: dJ/dZ^{{[L]}} = "
                 "Yhat - Y, each label on the simplex (last entry 1 - the others' sum)",
            note="per-example reading. The identity needs sum_k y_k = 1 (one-hot labels): in general "
                 "the gradient is Yhat sum_k y_k - Y. Prose, quoted as written: the line has no formula."))
    add(_make.step(
        id="AL-is-Yhat", kind=Kind.DEFINITION, where=OUTPUT, line=142,
        latex=r"A^{[L]} = \hat{Y}", says="the output layer's activation is the prediction"))
    for kind, says in (("sigmoid", "sigmoid output, binary cross-entropy"),
                       ("tanh", "tanh output, loss 1/2 (yhat - y)^2 (a case the document does not name)")):
        claim, dom = _output_chain(kind)
        add(_make.step(
            id=f"dZ-output-chain-{kind}", kind=Kind.DERIVATIVE, where=OUTPUT, line=142,
            latex=r"g'(Z^{[L]})", claim=claim, domain=dom,
            says=f"'compute g'(Z^{{[L]}}) ... and go from there', for an element-wise output activation: "
                 f"dZ^{{[L]}} = dA^{{[L]}} * g'(Z^{{[L]}}), dA from the loss, g' the declared rule; {says}; "
                 "n_L = 1, m = 2, per-example"))
    add(_make.step(
        id="output-any-activation", kind=Kind.NOTATION, where=OUTPUT, line=142,
        latex="for whichever activation function is used in the output layer and go from there.",
        reason="'go from there' states no formula. For an element-wise g it is dZ = dA * g'(Z) (checked "
               "above); for softmax, which is not element-wise, g'(Z) is a K x K Jacobian per example and "
               "dZ^{(i)} = J_softmax(z^{(i)})^T dA^{(i)} -- the element-wise product with the Jacobian's "
               "diagonal is wrong (tests/test_doc002.py shows both)"))
    add(_make.step(
        id="recap-dZ", kind=Kind.MATRIX, where=RECAP, line=148,
        latex=r"\frac{\partial{J}}{\partial{Z^{[l]}}} = \frac{\partial{J}}{\partial{A^{[l]}}}*g'(Z^{[L]})",
        claim=_recap_dZ(slip=True),
        says="the recap repeats line 86 as printed, g'(Z^{[L]}); checked here by the matrix machinery on "
             "L = 2, 3 ReLU networks (hidden layers l), where n_L = 1 (line 86 is checked by values at n_L = n_l)",
        erratum=Erratum(
            correction=r"\frac{\partial{J}}{\partial{Z^{[l]}}} = \frac{\partial{J}}{\partial{A^{[l]}}}*g'(Z^{[l]})",
            why="the same layer-index slip as line 86 (Z^{[L]} for Z^{[l]}), carried into the recap: "
                "dA^{[l]} is n_l x m and g'(Z^{[L]}) is n_L x m, so the element-wise product is undefined "
                "for n_L != n_l. The code (line 172) does it right: relu(cache['Z' + str(l)], deriv = True)",
            fixed=_recap_dZ(slip=False))))
    add(_make.step(
        id="recap-dW", kind=Kind.MATRIX, where=RECAP, line=150,
        latex=r"\frac{\partial{J}}{\partial{W^{[l]}}}= \frac{1}{m} \frac{\partial{J}}{\partial{Z^{[l]}}}.A^{[l-1]T}",
        claim=_mc("dW[l] = (1/m) dZ[l] A[l-1]^T", lambda v, l: (1 / v.m) * (v.dZ[l] @ v.A[l - 1].T),
                  wrt=lambda l: f"W{l}", convention=Convention.BATCH_MEAN, layers=_every),
        says="dJ/dW^{[l]} (J the batch mean) = (1/m) dZ.A^{[l-1]T}, every layer of L = 2, 3 ReLU networks",
        note=PER_EXAMPLE))
    # recap-db stays with the contraction at the general layer: the matrix check's float64 cost
    # (checks/matrix.py np_cost, log(1 - sigmoid) near saturation) misses RTOL by round-off at one of its
    # seeded points on db2 of the L = 3 ReLU network (reported to the matrix branch)
    add(_make.step(
        id="recap-db", kind=Kind.DERIVATIVE, where=RECAP, line=152,
        latex=r"\frac{\partial{J}}{\partial{b^{[l]}}} = \frac{1}{m} \sum_{i=1}^{m}\frac{\partial{J}}{\partial{Z^{[l](i)}}}",
        claim=_matrix_claim(n.grad(n.J, n.b), sp.Matrix(2, 1, lambda j, _: sp.Add(*n.dZ[j, :]) / n.m)),
        says=f"dJ/db^{{[l]}} = (1/m) sum_i dZ^{{(i)}} ({SIZES_TEXT})", note=PER_EXAMPLE))
    add(_make.step(
        id="recap-dA-prev", kind=Kind.MATRIX, where=RECAP, line=154,
        latex=r"\frac{\partial{J}}{\partial{A^{[l-1]}}} = W^{[l]T}.\frac{\partial{J}}{\partial{Z^{[l]}}}",
        claim=_mc("dA[l-1] = W[l]^T dZ[l]", lambda v, l: v.W[l].T @ v.dZ[l],
                  wrt=lambda l: f"A{l - 1}", convention=Convention.PER_EXAMPLE, layers=lambda L: range(2, L + 1)),
        says="dJ/dA^{[l-1]} = W^{[l]T}.dZ^{[l]}, l = 2 .. L of L = 2, 3 ReLU networks, per-example on both sides",
        note="per-example on both sides (the code's dA = W^T.dZ has no 1/m); under the batch-mean reading "
             "both sides scale by 1/m"))

    x_pos, x_neg = sp.Symbol("x", positive=True), sp.Symbol("x", negative=True)
    x = sp.Symbol("x", real=True)
    add(_make.step(
        id="relu-prime-positive", kind=Kind.DERIVATIVE, where=CODE, line=159,
        latex="x>0", claim=Claim(sp.Derivative(relu(x_pos), x_pos), sp.Integer(1)),
        domain=Domain.of({x_pos: (0, 2)}),
        says="ReLU'(x) = 1 for x > 0: the derivative of the definition max(0, x)"))
    add(_make.step(
        id="relu-prime-negative", kind=Kind.DERIVATIVE, where=CODE, line=159,
        latex="and 0 otherwise, since the graph is flat there",
        claim=Claim(sp.Derivative(relu(x_neg), x_neg), sp.Integer(0)),
        domain=Domain.of({x_neg: (-2, 0)}),
        says="ReLU'(x) = 0 for x < 0 ('otherwise' apart from x = 0, which the line treats next)"))
    add(_make.step(
        id="relu-prime-at-0", kind=Kind.EQUALS, where=CODE, line=159,
        latex="x=0", claim=Claim(relu(x).fdiff().subs(x, 0), sp.Integer(0)),
        says="'at x=0 the derivative is not defined, but in practice we take it to be 0': our declared "
             "ReLU' (Heaviside(x, 0), not SymPy's default Heaviside(0) = 1/2) gives 0 at 0",
        note="a convention, not a derivative: the one-sided derivatives at 0 are 1 and 0 (checked in "
             "tests/test_doc002.py, with the restored code's relu(0, deriv=True) = 0)"))
    claim, dom = code_claim()
    add(_make.step(
        id="code-backpropagation", kind=Kind.DERIVATIVE, where=CODE, line=code.FIRST_LINE,
        latex="\n".join(_file_lines(code.FIRST_LINE, code.FIRST_LINE + len(code.LINES))),
        claim=claim, domain=dom,
        says="the restored backpropagation (derivations/doc002_code.py) run on SymPy object arrays at L = 2 "
             "(n0 = 2, n1 = 2, n2 = 1, m = 2; ReLU hidden, sigmoid output, batch-mean BCE) gives "
             "Derivative(J, .) for every entry of W1, b1, W2, b2, on the region where hidden unit 0 is "
             "active and unit 1 dead. Float64 runs at L = 2 and 3 on random networks against central "
             "differences: tests/test_doc002.py",
        note="indentation restored (lost in extraction); relu written from line 159. The symbolic check is "
             "on one ReLU region (signs declared); the float runs cover random regions."))
    return tuple(steps)


def _file_lines(first: int, stop: int) -> list[str]:
    from gradproof.derivations.model import source_text

    return source_text(SOURCE).splitlines()[first - 1:stop - 1]


DERIVATION = Derivation(
    title='Mukul Rathi, "Demystifying Deep Learning: Part 5" (2018)',
    source=SOURCE,
    convention="column-major: Z^{[l]} = W^{[l]}.A^{[l-1]} + b^{[l]}, A^{[l]} is n_l x m",
    steps=_steps(),
)
