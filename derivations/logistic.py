"""The logistic unit of documents 000 and 003, and the scalar L-layer network they quote.

Document 000 (Patrick David, "All the Backpropagation derivatives") and its
Chinese translation 003 derive the same things about one logistic unit:

* ``z = w x + b``, ``a = sigmoid(z)``, and the per-example cost
  ``L(a, y) = -(y ln a + (1 - y) ln(1 - a))`` (:func:`symbolic.losses.bce`);
* ``dL/da`` with ``a`` a free variable in (0, 1), and ``dL/dz``, ``dL/dw``,
  ``dL/db`` with ``a = sigmoid(z)`` substituted.

Both also quote the Coursera forward and backward equations of an L-layer
network.  They are checked here as *scalars*
(one example, one unit per layer) on a network of ``L = 3`` layers with a
different activation in every layer (tanh, identity, sigmoid), so that a
slip in a layer index (``W^{[L]}`` for ``W^{[2]}``, ``g'^{[L]}`` for
``g'^{[L-1]}``, ``A^{[L]}`` for ``A^{[L-1]}``) changes the value and shows.
Three layers are the fewest for which ``W^{[L]}`` and ``W^{[2]}`` differ.
The linear layer 2 keeps the definitions below the output un-nested: with
tanh there as well, deciding the claims about ``dZ^{[L-1]}`` took about
four times longer (0.8 s instead of 0.1 s for the chain rule of line 554).
Their matrix form, over L = 2, 3, 4 layers, is :mod:`derivations.coursera`.

Quantities the documents name (``dZ^{[l]}``, ``g'(Z)``, ``dL/dz`` at some
point) are written as unevaluated ``Derivative``/``Subs`` of the definitions,
so that a check never relies on another line of the document being right.

Examples
--------
>>> from gradproof.symbolic.equivalence import decide
>>> decide(dL_dz, sigmoid(z) - y, DOMAIN).status.value
'holds'
>>> decide(Derivative(cost_from(3, Z[3]), Z[3]), G[3](Z[3]) - y, NET_DOMAIN).status.value
'holds'
"""
from __future__ import annotations

import sympy as sp
from sympy import Derivative, Subs

from gradproof.symbolic.activations import identity, sigmoid, tanh
from gradproof.symbolic.domain import Domain
from gradproof.symbolic.losses import bce

__all__ = [
    "A", "B", "COST_A", "COST_WB", "COST_Z", "DOMAIN", "DZ2", "G", "LAYERS", "LINEAR",
    "LN_DOMAIN", "NEG_LOGLIK", "NET_DOMAIN", "RULE_DOMAIN", "SCALAR_NET", "SOFTPLUS", "W", "Z",
    "Z1_OF_X", "Z2_OF_Z1", "Z3_OF_A2", "Z3_OF_Z2", "a", "b", "cost_from", "dL_da", "dL_da_at",
    "dL_db", "dL_dw", "dL_dz", "dL_dz_at", "dZ", "ds", "e", "g_prime", "p", "pa", "pb", "q", "ra",
    "rb", "s", "sigmoid_prime_at", "sw", "w", "x", "xp", "y", "z",
]

# --------------------------------------------------------------------------
# the logistic unit
# --------------------------------------------------------------------------

z, w, x, b = sp.symbols("z w x b", real=True)
# a is the activation, y the label; both live in (0, 1) (y is 0 or 1 in the
# data, but the identities are checked for every y in between as well)
a, y = sp.symbols("a y", positive=True)

DOMAIN = Domain.of({a: (0, 1), y: (0, 1)})

LINEAR = w * x + b  # z = w x + b
COST_A = bce(a, y)  # L(a, y), a free
COST_Z = bce(sigmoid(z), y)  # L as a function of z
COST_WB = bce(sigmoid(LINEAR), y)  # L as a function of w and b

dL_da = Derivative(COST_A, a)
dL_dz = Derivative(COST_Z, z)
dL_dw = Derivative(COST_WB, w)
dL_db = Derivative(COST_WB, b)

# a bound variable for the quantities evaluated at a point (a plain Symbol,
# not a Dummy, so that a claim's text -- and so its witness seed -- is stable)
_u = sp.Symbol("u", real=True)


def dL_da_at(value):
    """``dL/da`` evaluated at ``a = value``."""
    return Subs(Derivative(bce(_u, y), _u), _u, value)


def dL_dz_at(value):
    """``dL/dz`` evaluated at ``z = value``."""
    return Subs(Derivative(bce(sigmoid(_u), y), _u), _u, value)


def sigmoid_prime_at(value):
    """``da/dz``, the derivative of the sigmoid, at ``z = value``."""
    return Subs(Derivative(sigmoid(_u), _u), _u, value)


# --------------------------------------------------------------------------
# the scalar L-layer network of the Coursera equations
# --------------------------------------------------------------------------

LAYERS = 3
G = {1: tanh, 2: identity, 3: sigmoid}  # g^{[l]}: a different one in every layer
W = {l: sp.Symbol(f"W{l}", real=True) for l in range(1, LAYERS + 1)}
B = {l: sp.Symbol(f"b{l}", real=True) for l in range(1, LAYERS + 1)}
Z = {l: sp.Symbol(f"Z{l}", real=True) for l in range(1, LAYERS + 1)}
A = {l: sp.Symbol(f"A{l}", real=True) for l in range(1, LAYERS + 1)}  # used as free inputs
A[0] = x  # A^{[0]} = X

# A^{[1]} = tanh(Z^{[1]}) lies in (-1, 1), A^{[3]} = sigmoid(Z^{[3]}) in (0, 1); A^{[2]} is any real
NET_DOMAIN = DOMAIN.merged(Domain.of({A[1]: (-1, 1), A[3]: (0, 1)}))


def cost_from(layer: int, value):
    """The per-example cost when ``Z^{[layer]} = value``: the rest of the forward pass, then BCE."""
    act = G[layer](value)
    for k in range(layer + 1, LAYERS + 1):
        act = G[k](W[k] * act + B[k])
    return bce(act, y)


def dZ(layer: int, value):
    """``dZ^{[layer]} = dL/dZ^{[layer]}`` evaluated at ``Z^{[layer]} = value``."""
    return Subs(Derivative(cost_from(layer, _u), _u), _u, value)


def g_prime(layer: int, value):
    """``g'^{[layer]}`` evaluated at ``value`` (the derivative of the definition)."""
    return Subs(Derivative(G[layer](_u), _u), _u, value)


# --------------------------------------------------------------------------
# shorthands of the encodings of 000 and 003
# --------------------------------------------------------------------------

SCALAR_NET = ("Checked as a scalar: one example (m = 1), one unit per layer, L = 3 layers with "
              "g^{[1]} = tanh, g^{[2]} = identity, g^{[3]} = sigmoid, cost BCE (the backward lines are "
              "checked as matrices as well, in their <id>-matrix steps).")

# the x of the proof that ln' = 1/x, and the generic a, b, p, q of the rules of logs and exps
# (not the activation or the bias: same names, other symbols, their own domains)
xp = sp.Symbol("x", positive=True)
LN_DOMAIN = Domain.of({xp: (0, 4)})
pa, pb = sp.symbols("a b", positive=True)
p, q = sp.symbols("p q", positive=True)
RULE_DOMAIN = Domain.of({pa: (0, 4), pb: (0, 4), p: (0, 4), q: (0, 4)})
ra, rb = sp.symbols("a b", real=True)

s = sigmoid(z)  # a, where the documents work in z
sw = sigmoid(LINEAR)  # a, where z = w x + b
ds = Derivative(sigmoid(z), z)  # da/dz
e = sp.exp(-z)
SOFTPLUS = sp.log(1 + sp.exp(-z))  # ln(1 + e^{-z})
NEG_LOGLIK = y * z - sp.log(1 + sp.exp(z))  # [yz - ln(1 + e^z)], which is -L

# the scalar network: each Z as a function of the layer below
Z1_OF_X = W[1] * x + B[1]
Z2_OF_Z1 = W[2] * G[1](Z[1]) + B[2]
Z3_OF_Z2 = W[3] * G[2](Z[2]) + B[3]
Z3_OF_A2 = W[3] * A[2] + B[3]
DZ2 = Derivative(cost_from(2, Z[2]), Z[2])  # dZ^{[L-1]} = dL/dZ^{[2]}
