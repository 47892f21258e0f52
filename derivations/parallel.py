"""Documents 000 and 003 side by side: the maths once, each document's own lines beside it.

Document 003 is a Chinese translation of document 000 (Patrick David, "All the
Backpropagation derivatives"): the same derivation, with its own line numbers,
its own headings, some of the original's slips corrected, new slips of its own
and the translator's notes (注).  Each entry of :data:`FACTS` is one piece of
maths -- the kind of step, the claim, what it says and, for a wrong line, the
correction and the corrected claim -- with a place in each document that prints
it: ``en(...)`` in 000 (English), ``zh(...)`` in 003 (Chinese).  A place keeps
the document's own step id, line, locator and verbatim LaTeX, its own words
where they differ, why the line is wrong there (its erratum; its own correction
where it differs) and its own note.  A line read as matrices as well carries its
``twin`` (:mod:`derivations.coursera`), checked right after each place.  A line that only one
document has is an entry with one place.  Each document takes its places in
table order (:meth:`derivations.encoding.StepMaker.steps`).

The conventions of the checks are those of :mod:`derivations.logistic`.

Examples
--------
>>> sum(1 for f in FACTS if len(f.places) == 2) > 70
True
>>> sorted({p.doc for f in FACTS for p in f.places})
['000', '003']
"""
from __future__ import annotations

from functools import partial

import sympy as sp
from sympy import Derivative, Subs, exp, log

from gradproof.derivations import coursera
from gradproof.derivations.encoding import Place, check, definition, notation
from gradproof.derivations.logistic import (
    COST_A,
    COST_Z,
    DZ2,
    LINEAR,
    LN_DOMAIN,
    NEG_LOGLIK,
    NET_DOMAIN,
    RULE_DOMAIN,
    SCALAR_NET,
    SOFTPLUS,
    Z1_OF_X,
    Z2_OF_Z1,
    Z3_OF_A2,
    Z3_OF_Z2,
    A,
    B,
    G,
    W,
    Z,
    a,
    b,
    cost_from,
    dL_da,
    dL_da_at,
    dL_db,
    dL_dw,
    dL_dz,
    dL_dz_at,
    ds,
    dZ,
    e,
    g_prime,
    p,
    pa,
    pb,
    q,
    ra,
    rb,
    s,
    sigmoid_prime_at,
    sw,
    w,
    x,
    xp,
    y,
    z,
)
from gradproof.derivations.model import Claim, Kind
from gradproof.symbolic.activations import sigmoid
from gradproof.symbolic.domain import Domain

__all__ = ["CONVENTION", "EN", "FACTS", "ZH"]

CONVENTION = ("column-major: Z = W X + b, X is n x m; one logistic unit z = w x + b, a = sigmoid(z), L = BCE; "
              "the L-layer equations checked as scalars (m = 1, one unit per layer) and as matrices (L = 2, "
              "3, 4, m up to 2)")

en = partial(Place, "000")
zh = partial(Place, "003")


class EN:
    """Document 000's own locators."""

    TITLE = "All the Backpropagation derivatives"
    FORWARD = "Forwardpropagation Equations"
    BACKPROP = "Backprop Equations"
    DZ_CAPTION = "The derivative of our linear function - dz"
    DA_CAPTION = "derivative of Cost w.r.t activation 'a'"
    NETWORK = "Our Neural Network"
    S1 = "[1] Derivative w.r.t activation function"
    PROOF = "Proof for the derivative of the natural logarithm:"
    S2 = "[2] Derivative of sigmoid"
    S3 = "[3] Derivative w.r.t linear function"
    S4 = "[4] Derivative w.r.t weights"
    S5 = "[5] Derivative w.r.t weights (2)"
    S6 = "[6] derivative w.r.t bias"
    SUMMARY = "The derivatives of $L(a,y)$ w.r.t each element in our NN"
    WRAP = "Wrapping up"
    MINUS_L = ("equals -L, the log-likelihood y ln(a) + (1 - y) ln(1 - a), not the cost: the minus sign in "
               "front of the cost's sum (line 372) was lost at line 402; it comes back unannounced at "
               "line 460")


class ZH:
    """Document 003's own locators: its headings or, where there is none, the picture's caption."""

    TITLE = "All the Backprop Derivations"
    FORWARD = "Forwardpropagation Equations"
    BACKPROP = "Backpropagation Equations"
    DZ_CAPTION = "The derivative of our linear function - dz"
    DA_CAPTION = "The derivative of our activation function - da"
    NETWORK = "神经网络"
    S1 = "[1] 代价函数求导"
    PROOF = "Proof for the derivative of the natural logarithm:"
    S2 = "[2] 激活函数求导（sigmoid求导）"
    S3 = "[3] 线性函数求导"
    S4 = "[4] 权重值的求导"
    S5 = "[5] 权重值求导 (2)"
    S6 = "[6] 偏置项的导数"
    SUMMARY = "The derivatives of $L(a,y)$ w.r.t each element in our NN"
    MINUS_L = ("equals -L, the log-likelihood y ln(a) + (1 - y) ln(1 - a), not the cost: the minus sign in "
               "front of the cost's sum (line 351) was lost at line 379; it comes back unannounced at "
               "line 441")


FACTS = (
    notation("the caption of the title picture: a bare derivative symbol, no value",
          en("L13-title", 13, EN.TITLE, r"\frac{\partial \mathcal{L}}{\partial a}")),
    notation("the title picture: bare derivative symbols, no values",
          zh("L18-title", 18, ZH.TITLE, r"\frac{\partial L}{\partial w} \quad \frac{\partial L}{\partial b}")),
    notation("the title picture: bare derivative symbols, no values",
          zh("L20-title", 20, ZH.TITLE, r"\frac{\partial L}{\partial z} \quad \frac{\partial L}{\partial a}")),

    # ---- Forwardpropagation Equations (one display per line in 003) ------------------------------
    definition("defines the first layer's linear part Z^{[1]}",
          en("L22-Z1", 22, EN.FORWARD, r"Z^{[1]} &= W^{[1]}X + b^{[1]}"),
          zh("L26-Z1", 26, ZH.FORWARD, r"Z^{[1]} = W^{[1]}X + b^{[1]}")),
    definition("defines the first layer's activation A^{[1]}",
          en("L23-A1", 23, EN.FORWARD, r"A^{[1]} &= g^{[1]}(Z^{[1]})"),
          zh("L28-A1", 28, ZH.FORWARD, r"A^{[1]} = g^{[1]}(Z^{[1]})")),
    definition("defines Z^{[2]} from A^{[1]}",
          en("L24-Z2", 24, EN.FORWARD, r"Z^{[2]} &= W^{[2]}A^{[1]} + b^{[2]}"),
          zh("L30-Z2", 30, ZH.FORWARD, r"Z^{[2]} = W^{[2]}A^{[1]} + b^{[2]}")),
    definition("defines A^{[2]}; each layer may have its own g^{[l]}",
          en("L25-A2", 25, EN.FORWARD, r"A^{[2]} &= g^{[2]}(Z^{[2]})"),
          zh("L32-A2", 32, ZH.FORWARD, r"A^{[2]} = g^{[2]}(Z^{[2]})")),
    notation("an ellipsis: the same two equations for every layer",
          en("L26-vdots", 26, EN.FORWARD, r"&\vdots")),
    notation("an ellipsis (outside any display): the same two equations for every layer",
          zh("L34-vdots", 34, ZH.FORWARD, r"\vdots")),
    definition("defines the output A^{[L]}, the prediction Y-hat",
          en("L27-AL", 27, EN.FORWARD, r"A^{[L]} &= g^{[L]}(Z^{[L]}) = \hat{Y}"),
          zh("L36-AL", 36, ZH.FORWARD, r"A^{[L]} = g^{[L]}(Z^{[L]}) = \hat{Y}")),

    # ---- Backprop Equations (003: Backpropagation Equations) -------------------------------------
    check(Kind.DERIVATIVE, Claim(Derivative(cost_from(3, Z[3]), Z[3]), G[3](Z[3]) - y),
          "dZ^{[L]} = dL/dZ^{[L]} equals A^{[L]} - Y for a sigmoid output and BCE. " + SCALAR_NET,
          en("L35-dZL", 35, EN.BACKPROP, r"dZ^{[L]} &= A^{[L]} - Y"),
          zh("L43-dZL", 43, ZH.BACKPROP, r"dZ^{[L]} &= A^{[L]} - Y"),
          domain=NET_DOMAIN,
          twin=coursera.dZ_out()),
    check(Kind.DERIVATIVE, Claim(Derivative(cost_from(3, Z3_OF_A2), W[3]), dZ(3, Z3_OF_A2) * G[3](Z3_OF_A2)),
          "dW^{[L]} = dL/dW^{[L]} is claimed to be dZ^{[L]} times the layer's own output A^{[L]}. "
          + SCALAR_NET,
          en("L36-dWL", 36, EN.BACKPROP, r"dW^{[L]} &= \frac{1}{m} dZ^{[L]} A^{[L]T}",
             why="Z^{[L]} = W^{[L]} A^{[L-1]} + b^{[L]}, so the factor is the layer's input A^{[L-1]}, "
                 "not its output A^{[L]}"),
          zh("L44-dWL", 44, ZH.BACKPROP, r"dW^{[L]} &= \frac{1}{m} dZ^{[L]} A^{[L]T}",
             why="Z^{[L]} = W^{[L]} A^{[L-1]} + b^{[L]}, so the factor is the layer's input A^{[L-1]}, "
                 "not its output A^{[L]} (as in the original, 000 line 36)"),
          domain=NET_DOMAIN,
          correction=r"dW^{[L]} = \frac{1}{m} dZ^{[L]} A^{[L-1]T}",
          fixed=Claim(Derivative(cost_from(3, Z3_OF_A2), W[3]), dZ(3, Z3_OF_A2) * A[2]),
          twin=coursera.dW("L", "L")),
    check(Kind.DERIVATIVE, Claim(Derivative(cost_from(3, Z3_OF_A2), B[3]), dZ(3, Z3_OF_A2)),
          "db^{[L]} = dL/db^{[L]} is dZ^{[L]} (summed over the batch, over m). " + SCALAR_NET,
          en("L37-dbL", 37, EN.BACKPROP, r"db^{[L]} &= \frac{1}{m} np.\text{sum}(dZ^{[L]}, axis = 1, keepdims = True)"),
          zh("L45-dbL", 45, ZH.BACKPROP, r"db^{[L]} &= \frac{1}{m} np.sum(dZ^{[L]}, axis = 1, keepdims = True)"),
          domain=NET_DOMAIN,
          twin=coursera.db("L")),
    check(Kind.DERIVATIVE, Claim(DZ2, W[3] * dZ(3, Z3_OF_Z2) * g_prime(3, Z[2])),
          "dZ^{[L-1]} = dL/dZ^{[L-1]} is claimed to be W^{[L]T} dZ^{[L]} times the derivative of "
          "layer L's activation at Z^{[L-1]}. " + SCALAR_NET,
          en("L38-dZL-1", 38, EN.BACKPROP, r"dZ^{[L-1]} &= W^{[L]T} dZ^{[L]} g'^{[L]}(Z^{[L-1]})",
             why="A^{[L-1]} = g^{[L-1]}(Z^{[L-1]}), so the factor is layer L-1's activation derivative "
                 "g'^{[L-1]}, not g'^{[L]}; the product with it is element-wise (*), which a scalar "
                 "check cannot show"),
          domain=NET_DOMAIN,
          correction=r"dZ^{[L-1]} = W^{[L]T} dZ^{[L]} * g'^{[L-1]}(Z^{[L-1]})",
          fixed=Claim(DZ2, W[3] * dZ(3, Z3_OF_Z2) * g_prime(2, Z[2])),
          twin=coursera.dZ_back("L-1", "W", "L", "L", "L", elementwise=False)),
    check(Kind.DERIVATIVE, Claim(DZ2, Derivative(cost_from(3, Z3_OF_Z2), W[3]) * dZ(3, Z3_OF_Z2) * g_prime(3, Z[2])),
          "dZ^{[L-1]} = dL/dZ^{[L-1]} is claimed to be dW^{[L]T} dZ^{[L]} g'^{[L]}(Z^{[L-1]}). "
          + SCALAR_NET,
          zh("L46-dZL-1", 46, ZH.BACKPROP, r"dZ^{[L-1]} &= dW^{[L]T} dZ^{[L]} g'^{[L]}(Z^{[L-1]})",
             why="the factor dZ^{[L]}/dA^{[L-1]} is the weight W^{[L]}, not its gradient dW^{[L]} (a "
                 "slip of the translation; the original has W^{[L]T}), and the activation derivative "
                 "is layer L-1's, g'^{[L-1]}, applied element-wise (as in the original)"),
          domain=NET_DOMAIN,
          correction=r"dZ^{[L-1]} = W^{[L]T} dZ^{[L]} * g'^{[L-1]}(Z^{[L-1]})",
          fixed=Claim(DZ2, W[3] * dZ(3, Z3_OF_Z2) * g_prime(2, Z[2])),
          twin=coursera.dZ_back("L-1", "dW", "L", "L", "L", elementwise=False)),
    notation("an ellipsis: the same equations for layers L-2, ..., 2",
          en("L39-vdots", 39, EN.BACKPROP, r"&\vdots"),
          zh("L47-vdots", 47, ZH.BACKPROP, r"&\vdots")),
    check(Kind.DERIVATIVE, Claim(Derivative(cost_from(1, Z[1]), Z[1]), W[3] * dZ(2, Z2_OF_Z1) * g_prime(1, Z[1])),
          "dZ^{[1]} = dL/dZ^{[1]} is claimed to be W^{[L]T} dZ^{[2]} g'^{[1]}(Z^{[1]}). "
          + SCALAR_NET,
          en("L40-dZ1", 40, EN.BACKPROP, r"dZ^{[1]} &= W^{[L]T} dZ^{[2]} g'^{[1]}(Z^{[1]})",
             why="Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}, so the weight is W^{[2]}; W^{[L]} is right only "
                 "when L = 2"),
          domain=NET_DOMAIN,
          correction=r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g'^{[1]}(Z^{[1]})",
          fixed=Claim(Derivative(cost_from(1, Z[1]), Z[1]), W[2] * dZ(2, Z2_OF_Z1) * g_prime(1, Z[1])),
          # L = 2 last: there W^{[L]} is W^{[2]} and only the matrix product with g' fails
          twin=coursera.dZ_back("1", "W", "L", "2", "1", elementwise=False, depths=(3, 4, 2))),
    check(Kind.DERIVATIVE, Claim(Derivative(cost_from(1, Z[1]), Z[1]),
          Derivative(cost_from(1, Z[1]), W[3]) * dZ(2, Z2_OF_Z1) * g_prime(1, Z[1])),
          "dZ^{[1]} = dL/dZ^{[1]} is claimed to be dW^{[L]T} dZ^{[2]} g'^{[1]}(Z^{[1]}). "
          + SCALAR_NET,
          zh("L48-dZ1", 48, ZH.BACKPROP, r"dZ^{[1]} &= dW^{[L]T} dZ^{[2]} g'^{[1]}(Z^{[1]})",
             why="Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}, so the factor is the weight W^{[2]}: not a gradient "
                 "(dW, a slip of the translation) and not layer L's (W^{[L]}, as in the original)"),
          domain=NET_DOMAIN,
          correction=r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g'^{[1]}(Z^{[1]})",
          fixed=Claim(Derivative(cost_from(1, Z[1]), Z[1]), W[2] * dZ(2, Z2_OF_Z1) * g_prime(1, Z[1])),
          # L = 2 last: there dW^{[L]} is layer 2's and the gradient and the matrix product with g' fail
          twin=coursera.dZ_back("1", "dW", "L", "2", "1", elementwise=False, depths=(3, 4, 2))),
    check(Kind.DERIVATIVE, Claim(Derivative(cost_from(1, Z1_OF_X), W[1]), dZ(1, Z1_OF_X) * G[1](Z1_OF_X)),
          "dW^{[1]} = dL/dW^{[1]} is claimed to be dZ^{[1]} times the layer's output A^{[1]}. "
          + SCALAR_NET,
          en("L41-dW1", 41, EN.BACKPROP, r"dW^{[1]} &= \frac{1}{m} dZ^{[1]} A^{[1]T}",
             why="Z^{[1]} = W^{[1]} X + b^{[1]}, so the factor is the layer's input A^{[0]} = X, not "
                 "A^{[1]} (the same slip as line 36)"),
          zh("L49-dW1", 49, ZH.BACKPROP, r"dW^{[1]} &= \frac{1}{m} dZ^{[1]} A^{[1]T}",
             why="Z^{[1]} = W^{[1]} X + b^{[1]}, so the factor is the layer's input A^{[0]} = X, not "
                 "A^{[1]} (the same slip as line 44)"),
          domain=NET_DOMAIN,
          correction=r"dW^{[1]} = \frac{1}{m} dZ^{[1]} A^{[0]T} = \frac{1}{m} dZ^{[1]} X^T",
          fixed=Claim(Derivative(cost_from(1, Z1_OF_X), W[1]), dZ(1, Z1_OF_X) * x),
          twin=coursera.dW("1", "1")),
    check(Kind.DERIVATIVE, Claim(Derivative(cost_from(1, Z1_OF_X), B[1]), dZ(1, Z1_OF_X)),
          "db^{[1]} = dL/db^{[1]} is dZ^{[1]} (summed over the batch, over m). " + SCALAR_NET,
          en("L42-db1", 42, EN.BACKPROP, r"db^{[1]} &= \frac{1}{m} np.\text{sum}(dZ^{[1]}, axis = 1, keepdims = True)"),
          zh("L50-db1", 50, ZH.BACKPROP, r"db^{[1]} &= \frac{1}{m} np.sum(dZ^{[1]}, axis = 1, keepdims = True)"),
          domain=NET_DOMAIN,
          twin=coursera.db("1")),

    # ---- introduction --------------------------------------------------------------------------------
    check(Kind.DERIVATIVE, Claim(dL_dz, s - y),
          "the caption calls A - Y 'the derivative of our linear function - dz': checked as dL/dz "
          "= a - y with a = sigmoid(z), one example",
          en("L59-dz", 59, EN.DZ_CAPTION, r"A - Y"),
          zh("L59-dz", 59, ZH.DZ_CAPTION, r"A - Y")),
    check(Kind.DERIVATIVE, Claim(dL_da, -y / a + (1 - y) / (1 - a)),
          "dL/da of the per-example cost, a free in (0, 1)",
          en("L66-dL-da", 66, EN.DA_CAPTION, r"\frac{\partial L}{\partial a} = \left[\frac{-y}{a} + \frac{(1-y)}{(1-a)} \right]")),

    # ---- Our Neural Network --------------------------------------------------------------------------
    notation("names the cross-entropy cost; its formula follows at line 90",
          en("L82-cost-name", 82, EN.NETWORK, r"\mathcal{L}(a, y)")),
    check(Kind.DERIVATIVE, Claim(dL_da, -(y / a + (1 - y) / (1 - a))),
          "the caption calls it 'the derivative of our activation function - da': checked as dL/da "
          "for one example (the sum has one term), a free in (0, 1)",
          zh("L66-da", 66, ZH.DA_CAPTION, r"-\sum \left[\frac{y}{a} + \frac{(1-y)}{1-a} \right]",
             why="d/da (1-y) ln(1-a) = -(1-y)/(1-a): inside the bracket the second term is subtracted "
                 "(as line 174 has it); the original's line 66 reads -y/a + (1-y)/(1-a)"),
          correction=r"-\sum \left[\frac{y}{a} - \frac{(1-y)}{1-a} \right]",
          fixed=Claim(dL_da, -(y / a - (1 - y) / (1 - a)))),

    # ---- 神经网络 (003's Our Neural Network) ---------------------------------------------------------
    notation("names the cross-entropy cost; its formula follows at line 88",
          zh("L80-cost-name", 80, ZH.NETWORK, r"L(a, y)")),
    definition("defines the cost as the batch mean of -(y ln a + (1-y) ln(1-a)) (the summands "
               "carry no index i); per example it is symbolic.losses.bce(a, y)",
          en("L90-cost", 90, EN.NETWORK, r"L(a, y) = -\frac{1}{m} \left[\sum_{i=1}^m y \ln(a) + (1 - y) \ln(1 - a) \right]"),
          zh("L88-cost", 88, ZH.NETWORK, r"L(a, y) = -\frac{1}{m} \left[\sum_{i=1}^m y \ln(a) + (1 - y) \ln(1 - a) \right]")),
    notation("names the cost function",
          en("L96-cost-name", 96, EN.NETWORK, r"L(a, y)"),
          zh("L94-cost-name", 94, ZH.NETWORK, r"L(a, y)")),
    notation("lists the four derivatives to be computed; no values",
          en("L102-list", 102, EN.NETWORK, r"\frac{\partial L}{\partial a} \frac{\partial L}{\partial z} \frac{\partial L}{\partial w} \frac{\partial L}{\partial b}"),
          zh("L100-list", 100, ZH.NETWORK, r"\frac{\partial L}{\partial a} \quad \frac{\partial L}{\partial z} \quad \frac{\partial L}{\partial w} \quad \frac{\partial L}{\partial b}")),

    # ---- [1] -----------------------------------------------------------------------------------------
    notation("the section's picture: a bare derivative symbol",
          en("L114-heading", 114, EN.S1, r"\frac{\partial L}{\partial a}")),
    notation("the section's picture: a bare symbol",
          zh("L114-heading", 114, ZH.S1, r"\frac{\partial L}{\partial a}")),
    notation("names the cost function",
          en("L120-cost-name", 120, EN.S1, r"L(a, y)"),
          zh("L120-cost-name", 120, ZH.S1, r"L(a, y)")),
    notation("names the activation being differentiated against",
          en("L124-a2", 124, EN.S1, r"a^{[2]}")),
    notation("names the activation ('激活函数定义为', the activation is)",
          zh("L124-a2", 124, ZH.S1, r"a^{[2]}")),
    check(Kind.DERIVATIVE, Claim(dL_da, y * log(a) + (1 - y) * log(1 - a)),
          "claims dL/da equals the bracket; checked against dL/da of the cost",
          en("L130-dL-da-cost", 130, EN.S1, r"\frac{\partial L}{\partial a} = [y \ln(a) + (1 - y) \ln(1 - a)]",
             why="the right side is the log-likelihood -L (the cost without its minus sign), not its "
                 "derivative: the d/da is missing, and so is the minus that the next line 'moves'"),
          zh("L130-dL-da-cost", 130, ZH.S1, r"\frac{\partial L}{\partial a} = [y \ln(a) + (1 - y) \ln(1 - a)]",
             why="the right side is the log-likelihood -L (the cost without its minus sign), not its "
                 "derivative (as in the original, 000 line 130)",
             note="注 (line 134): 上式图像有误 -- 'the picture of the formula above is wrong'; the note "
                  "names no fix"),
          correction=r"\frac{\partial L}{\partial a} = \frac{\partial}{\partial a}\left(-[y \ln(a) + (1 - y) \ln(1 - a)]\right)",
          fixed=Claim(dL_da, Derivative(-(y * log(a) + (1 - y) * log(1 - a)), a))),
    check(Kind.EQUALS, Claim(COST_A, -y * log(a) - (1 - y) * log(1 - a)),
          "the cost with the minus sign distributed; checked against L(a, y)",
          en("L136-distribute", 136, EN.S1, r"[-y \ln(a) - (1 - y) \ln(1 - a)]")),
    check(Kind.DERIVATIVE, Claim(Derivative(-y * log(a), a), -y / log(a)),
          "the derivative of the left term -y ln(a) w.r.t. a",
          en("L142-lhs-deriv", 142, EN.S1, r"\frac{-y}{\ln(a)}",
             why="d/da ln(a) = 1/a: the a became ln(a) in the denominator"),
          correction=r"\frac{-y}{a}",
          fixed=Claim(Derivative(-y * log(a), a), -y / a)),
    notation("named as what the derivative of ln(1-a) is *not*: an inequality, which a claim cannot "
             "state; the derivative itself, -1/(1-a), is checked at lines 154-156",
          en("L148-not-1-over", 148, EN.S1, r"1/(1-a)")),
    check(Kind.DERIVATIVE, Claim(dL_da, y / a - (1 - y) / (1 - a)),
          "continues line 130's dL/da = ... (caption: 'derivative of cost function w.r.t a2'); "
          "checked against dL/da",
          zh("L136-dL-da", 136, ZH.S1, r"= \left[y \frac{1}{a} - (1 - y) \frac{1}{(1 - a)} \right]",
             why="this is the derivative of the bracket of line 130, the log-likelihood -L, so it is "
                 "-dL/da: the cost's minus sign is missing (line 174 puts it back)"),
          correction=r"= -\left[y \frac{1}{a} - (1 - y) \frac{1}{(1 - a)} \right]",
          fixed=Claim(dL_da, -(y / a - (1 - y) / (1 - a)))),
    check(Kind.DERIVATIVE, Claim(Derivative(log(1 - xp), xp), Derivative(1 - xp, xp) / (1 - xp)),
          "the chain rule for a log; checked on the instance the document applies it to, "
          "g(x) = 1 - x, x in (0, 1) (an undefined g would leave no point to refute a wrong rule)",
          en("L150-log-chain", 150, EN.S1, r"\frac{d}{dx} [\ln g(x)] = \frac{1}{g(x)} g'(x)"),
          zh("L142-log-chain", 142, ZH.S1, r"\frac{d}{dx} [\ln g(x)] = \frac{1}{g(x)} g'(x)",
             says="the chain rule for a log; checked on the instance it is applied to, g(x) = 1 - x, "
                  "x in (0, 1) (an undefined g would leave no point to refute a wrong rule)"),
          domain=Domain.of({xp: (0, 1)})),
    check(Kind.DERIVATIVE, Claim(Derivative(1 - a, a), -1),
          "'The derivative of (1-a) = -1': d/da (1 - a) = -1",
          en("L154-inner", 154, EN.S1, r"(1-a) = -1")),
    check(Kind.DERIVATIVE, Claim(dL_da, -y / a - (-1) * (1 - y) / (1 - a)),
          "dL/da, with the inner derivative's sign shown as '(-)', read as (-1)",
          en("L156-dL-da-signs", 156, EN.S1, r"\frac{\partial L}{\partial a} = \left[\frac{-y}{a} - (-) \frac{(1-y)}{(1-a)} \right]")),
    check(Kind.DERIVATIVE, Claim(dL_da, -y / a + (1 - y) / (1 - a)),
          "dL/da, the final result of [1]",
          en("L160-dL-da", 160, EN.S1, r"\frac{\partial L}{\partial a} = \left[\frac{-y}{a} + \frac{(1-y)}{(1-a)} \right]")),
    notation("garbled in extraction: the picture heading [2] (da/dz = a(1-a)) lost its dz; 'the "
             "differential da equals a(1-a)' is not what is meant, and is checked at line 242",
          en("L162-garbled", 162, EN.S1, r"\partial a = a(1-a)")),

    # ---- the proof that ln' = 1/x (one display per line in 003) ----------------------------------
    definition("defines f = ln, x > 0",
          en("L170-f-def", 170, EN.PROOF, r"f(x) = \ln(x)"),
          zh("L150-f-def", 150, ZH.PROOF, r"f(x) = \ln(x)")),
    definition("names the goal: f' is the derivative of ln",
          en("L170-goal", 170, EN.PROOF, r"f'(x) = [\ln(x)]'"),
          zh("L150-goal", 150, ZH.PROOF, r"f'(x) = [\ln(x)]'")),
    check(Kind.EQUALS, Claim(exp(log(xp)), xp),
          "exp inverts ln: e^{ln x} = x for x > 0",
          en("L174-exp-f", 174, EN.PROOF, r"e^{f(x)} = x"),
          zh("L154-exp-f", 154, ZH.PROOF, r"e^{f(x)} = x"),
          domain=LN_DOMAIN),
    check(Kind.DERIVATIVE, Claim(Derivative(exp(log(xp)), xp), Derivative(xp, xp)),
          "both sides of e^{f(x)} = x differentiated, f = ln",
          en("L178-row1", 178, EN.PROOF, r"[e^{f(x)}]' &= [x]'"),
          zh("L158-diff", 158, ZH.PROOF, r"[e^{f(x)}]' = [x]'"),
          domain=LN_DOMAIN),
    check(Kind.DERIVATIVE, Claim(exp(log(xp)) * Derivative(log(xp), xp), 1),
          "the chain rule on the left: e^{f(x)} f'(x) = 1, f = ln",
          en("L178-row2", 178, EN.PROOF, r"e^{f(x)} \cdot f'(x) &= 1"),
          zh("L160-chain", 160, ZH.PROOF, r"e^{f(x)} \cdot f'(x) = 1"),
          domain=LN_DOMAIN),
    check(Kind.DERIVATIVE, Claim(xp * Derivative(log(xp), xp), 1),
          "e^{f(x)} replaced by x: x f'(x) = 1",
          en("L178-row3", 178, EN.PROOF, r"x \cdot f'(x) &= 1"),
          zh("L162-x", 162, ZH.PROOF, r"x \cdot f'(x) = 1"),
          domain=LN_DOMAIN),
    check(Kind.DERIVATIVE, Claim(Derivative(log(xp), xp), 1 / xp),
          "solved for f'(x), f = ln",
          en("L182-row1", 182, EN.PROOF, r"f'(x) &= \frac{1}{x}"),
          zh("L166-solved", 166, ZH.PROOF, r"f'(x) = \frac{1}{x}"),
          domain=LN_DOMAIN),
    check(Kind.DERIVATIVE, Claim(Derivative(log(xp), xp), 1 / xp),
          "d/dx ln(x) = 1/x",
          en("L182-row2", 182, EN.PROOF, r"[\ln(x)]' &= \frac{1}{x}"),
          zh("L168-ln", 168, ZH.PROOF, r"[\ln(x)]' = \frac{1}{x}"),
          domain=LN_DOMAIN),

    # ---- [2] -----------------------------------------------------------------------------------------
    notation("garbled in extraction: the picture heading da/dz lost its denominator",
          en("L190-heading", 190, EN.S2, r"\partial a")),
    check(Kind.DERIVATIVE, Claim(dL_da, -(y / a - (1 - y) / (1 - a))),
          "'rewriting the result above' (caption: 'derivative of L(a,y) w.r.t a2'): dL/da for one "
          "example (the sum has one term)",
          zh("L174-dL-da", 174, ZH.S1, r"-\sum \left[\frac{y}{a} - \frac{(1-y)}{(1-a)} \right]")),
    notation("the section's picture: a bare symbol",
          zh("L182-heading", 182, ZH.S2, r"\frac{\partial a}{\partial z}")),
    definition("defines the sigmoid sigma(z)",
          en("L198-sigmoid", 198, EN.S2, r"\frac{1}{1+e^{-z}}"),
          zh("L190-sigmoid", 190, ZH.S2, r"\frac{1}{1+e^{-z}}")),
    check(Kind.EQUALS, Claim(s, (1 + e) ** -1),
          "the sigmoid rewritten as a power; checked against sigma(z)",
          en("L204-rearranged", 204, EN.S2, r"(1 + e^{-z})^{-1}"),
          zh("L196-rearranged", 196, ZH.S2, r"(1 + e^{-z})^{-1}")),
    check(Kind.DERIVATIVE, Claim(ds, -(1 + e) ** -1 * (e * -1)),
          "outer derivative times inner derivative: claimed to be da/dz",
          en("L210-outer-inner", 210, EN.S2, r"-(1 + e^{-z})^{-1} \cdot [e^{-z} \cdot -1]",
             why="the outer derivative of u^{-1} is -u^{-2}: the exponent must drop by one, "
                 "to -2 (the next line has the square)"),
          correction=r"-(1 + e^{-z})^{-2} \cdot [e^{-z} \cdot -1]",
          fixed=Claim(ds, -(1 + e) ** -2 * (e * -1))),
    check(Kind.DERIVATIVE, Claim(ds, e / (1 + e) ** 2),
          "da/dz, rearranged",
          en("L216-over", 216, EN.S2, r"\frac{e^{-z}}{(1+e^{-z})^2}"),
          zh("L202-outer-inner", 202, ZH.S2, r"-(1 + e^{-z})^{-2} \cdot [e^{-z} \cdot -1]",
             says="outer derivative times inner derivative: da/dz (the original's exponent -1, 000 line 210, "
                  "is corrected here without a note)")),
    check(Kind.DERIVATIVE, Claim(ds, 1 / (1 + e) * ((1 + e - 1) / (1 + e))),
          "da/dz as a product of two fractions, with 1 added and taken away",
          en("L222-add-one", 222, EN.S2, r"\frac{1}{1+e^{-z}} \cdot \frac{1+(e^{-z})-1}{(1+e^{-z})}"),
          zh("L208-over", 208, ZH.S2, r"\frac{e^{-z}}{(1+e^{-z})^2}",
             says="da/dz, rearranged")),
    check(Kind.DERIVATIVE, Claim(ds, 1 / (1 + e) * ((1 + e - 1) / (1 + e))),
          "da/dz as a product of two fractions, with 1 added and taken away",
          zh("L214-add-one", 214, ZH.S2, r"\frac{1}{1+e^{-z}} \cdot \frac{1+(e^{-z})-1}{(1+e^{-z})}")),
    check(Kind.EQUALS, Claim((1 + e - 1) / (1 + e), 1 - 1 / (1 + e)),
          "the second fraction (1 + e^{-z} - 1)/(1 + e^{-z}) simplified; checked against it",
          en("L228-rhs", 228, EN.S2, r"\left[1 - \frac{1}{1+e^{-z}} \right]"),
          zh("L220-rhs", 220, ZH.S2, r"\left[1 - \frac{1}{1+e^{-z}}\right]")),
    check(Kind.EQUALS, Claim((1 + e - 1) / (1 + e), 1 - s),
          "the second fraction is 1 - sigma(z); checked against the fraction",
          en("L232-one-minus", 232, EN.S2, r"(1 - \text{sig}(z))"),
          zh("L224-one-minus", 224, ZH.S2, r"(1 - \text{sig}(z))")),
    check(Kind.EQUALS, Claim(1 / (1 + e), s),
          "inline: 'the first part is sig(z)', 1/(1 + e^{-z}) = sigma(z)",
          zh("L228-first-part", 228, ZH.S2, r"\text{sig}(z)")),
    check(Kind.DERIVATIVE, Claim(ds, s * (1 - s)),
          "da/dz = sigma(z)(1 - sigma(z)), the final result of [2]",
          en("L238-sig", 238, EN.S2, r"\text{sig}(z) \cdot (1 - \text{sig}(z))"),
          zh("L230-sig", 230, ZH.S2, r"\text{sig}(z) \cdot (1 - \text{sig}(z))")),
    check(Kind.DERIVATIVE, Claim(ds, s * (1 - s)),
          "da/dz = a(1 - a) with a = sigma(z)",
          en("L242-a", 242, EN.S2, r"a(1 - a)"),
          zh("L234-a", 234, ZH.S2, r"a(1 - a)")),

    # ---- [3] -----------------------------------------------------------------------------------------
    notation("garbled in extraction: the numerator of the picture heading dL/dz",
          en("L250-garbled", 250, EN.S3, r"\underline{\partial L}")),
    notation("garbled in extraction: the denominator of dL/dz",
          en("L252-garbled", 252, EN.S3, r"\partial z")),
    notation("the section's picture: a bare symbol",
          zh("L240-heading", 240, ZH.S3, r"\frac{\partial L}{\partial z}")),
    definition("defines the linear function z",
          en("L254-z-def", 254, EN.S3, r"z = wX + b"),
          zh("L242-z-def", 242, ZH.S3, r"z = wX + b")),
    check(Kind.DERIVATIVE, Claim(dL_dz, dL_da_at(s) * ds),
          "the chain rule: dL/dz = dL/da (at a = sigma(z)) times da/dz",
          en("L258-chain", 258, EN.S3, r"\frac{\partial L}{\partial a} \cdot \frac{\partial a}{\partial z}")),
    check(Kind.DERIVATIVE, Claim(dL_dz, -(y / s - (1 - y) / (1 - s)) * s * (1 - s)),
          "[1] times [2]; checked against dL/dz, a = sigma(z)",
          en("L262-der1-der2", 262, EN.S3, r"-\left[\frac{y}{a} - \frac{(1-y)}{(1-a)} \right] \cdot a(1-a)"),
          zh("L250-der1-der2", 250, ZH.S3, r"- \left[\frac{y}{a} - \frac{(1 - y)}{(1 - a)} \right] \cdot a(1 - a)",
             says="[1] times [2] by the chain rule; checked against dL/dz, a = sigma(z)")),
    check(Kind.DERIVATIVE, Claim(dL_dz, -(y * (1 - s) / (s * (1 - s)) - s * (1 - y) / (s * (1 - s))) * s * (1 - s)),
          "both fractions over a(1-a); checked against dL/dz",
          en("L270-common", 270, EN.S3, r"-\left[\frac{y(1-a)}{a(1-a)} - \frac{(a)(1-y)}{(a)(1-a)} \right] \cdot a(1-a)"),
          zh("L256-common", 256, ZH.S3, r"- \left[\frac{y(1-a)}{a(1-a)} - \frac{(a)(1-y)}{(a)(1-a)} \right] \cdot a(1-a)",
             says="both fractions over a(1-a) ('通分'); checked against dL/dz")),
    check(Kind.DERIVATIVE, Claim(dL_dz, -((y * (1 - s) + s * (1 - y)) / (s * (1 - s))) * s * (1 - s)),
          "one fraction over the common denominator; checked against dL/dz",
          en("L276-plus", 276, EN.S3, r"-\left[\frac{y(1-a) + (a)(1-y)}{a(1-a)} \right] \cdot a(1-a)",
             why="the two fractions of line 270 are subtracted: the numerator's '+' must be '-'"),
          correction=r"-\left[\frac{y(1-a) - (a)(1-y)}{a(1-a)} \right] \cdot a(1-a)",
          fixed=Claim(dL_dz, -((y * (1 - s) - s * (1 - y)) / (s * (1 - s))) * s * (1 - s))),
    check(Kind.DERIVATIVE, Claim(dL_dz, -y * (1 - s) + s * (1 - y)),
          "the numerator left after a(1-a) cancels; right again (it follows line 270, not line 276)",
          en("L282-numerator", 282, EN.S3, r"-y(1-a) + (a)(1-y)")),
    check(Kind.DERIVATIVE, Claim(dL_dz, -((y * (1 - s) + s * 1 - y) / (s * (1 - s))) * s * (1 - s)),
          "one fraction over the common denominator, as printed (numerator y(1-a) + a - y); "
          "checked against dL/dz",
          zh("L262-common-one", 262, ZH.S3, r"- \left[\frac{y(1-a) + (a)1 - y}{a(1-a)} \right] \cdot a(1-a)",
             why="the numerator must be -y(1-a) + a(1-y) inside the bracket: as printed the minus is "
                 "outside and (a)1 - y lacks the parentheses of (a)(1-y); the correction is the "
                 "translator's own",
             note="注 (line 260): 下图有错误，负号应移入括号中，1-y也应有括号 -- 'the picture below is "
                  "wrong: the minus sign should move into the bracket, and 1-y should have parentheses'"),
          correction=r"\left[\frac{-y(1-a) + (a)(1-y)}{a(1-a)} \right] \cdot a(1-a)",
          fixed=Claim(dL_dz, ((-y * (1 - s) + s * (1 - y)) / (s * (1 - s))) * s * (1 - s))),
    check(Kind.DERIVATIVE, Claim(dL_dz, -y * (1 - s) + s * 1 - y),
          "the numerator left after a(1-a) cancels, as printed (-y(1-a) + a - y); checked against dL/dz",
          zh("L268-numerator", 268, ZH.S3, r"-y(1-a) + (a)1 - y",
             why="(a)1 - y must be (a)(1-y): as printed y is subtracted twice",
             note="注 (line 266): 1-y应有括号 -- '1-y should have parentheses'"),
          correction=r"-y(1-a) + (a)(1-y)",
          fixed=Claim(dL_dz, -y * (1 - s) + s * (1 - y))),
    check(Kind.DERIVATIVE, Claim(dL_dz, -y + y * s + s - s * y),
          "expanded; checked against dL/dz",
          en("L288-expanded", 288, EN.S3, r"-y + ya + a - ay"),
          zh("L274-expanded", 274, ZH.S3, r"-y + ya + a - ay",
             says="'expanded' ('展开得到'); right (it expands the corrected line 268, not the printed one)")),
    check(Kind.DERIVATIVE, Claim(dL_dz, -y + s),
          "ya and ay cancel; checked against dL/dz",
          en("L294-cancel", 294, EN.S3, r"-y + a"),
          zh("L280-cancel", 280, ZH.S3, r"-y + a")),
    notation("names the result; its value follows at line 304",
          en("L298-dL-dz", 298, EN.S3, r"\frac{\partial L}{\partial z}")),
    notation("names the result; its value follows at line 288",
          zh("L284-dL-dz", 284, ZH.S3, r"\frac{\partial L}{\partial z}")),
    check(Kind.DERIVATIVE, Claim(dL_dz, s - y),
          "dL/dz = a - y, the final result of [3]",
          en("L304-a-minus-y", 304, EN.S3, r"a - y"),
          zh("L288-a-minus-y", 288, ZH.S3, r"a - y")),
    definition("restates the linear function z",
          en("L306-z-def", 306, EN.S3, r"z = wX + b"),
          zh("L290-z-def", 290, ZH.S3, r"z = wX + b")),

    # ---- [4] -----------------------------------------------------------------------------------------
    notation("the section's picture: a bare symbol",
          en("L312-heading", 312, EN.S4, r"\frac{\partial z}{\partial w}"),
          zh("L294-heading", 294, ZH.S4, r"\frac{\partial z}{\partial w}")),
    definition("defines z as W^T X + b (with a transpose, unlike line 254); the same as a scalar",
          en("L318-z", 318, EN.S4, r"W^T X + b")),
    definition("defines z as W^T X + b (with a transpose, unlike line 242); the same as a scalar",
          zh("L300-z", 300, ZH.S4, r"W^T X + b")),
    check(Kind.DERIVATIVE, Claim(Derivative(LINEAR, w), x),
          "dz/dw = X; checked as a scalar (d(w x + b)/dw = x)",
          en("L324-dz-dw", 324, EN.S4, r"X"),
          zh("L306-dz-dw", 306, ZH.S4, r"X")),

    # ---- [5] -----------------------------------------------------------------------------------------
    notation("the section's picture: a bare symbol",
          en("L332-heading", 332, EN.S5, r"\frac{\partial L}{\partial w}"),
          zh("L312-heading", 312, ZH.S5, r"\frac{\partial L}{\partial w}")),
    notation("lists three derivatives computed earlier; no values",
          en("L340-list", 340, EN.S5, r"\frac{\partial L}{\partial a} \quad \frac{\partial a}{\partial z} \quad \frac{\partial z}{\partial w}"),
          zh("L320-list", 320, ZH.S5, r"\frac{\partial L}{\partial a} \frac{\partial a}{\partial z} \frac{\partial z}{\partial w}")),
    notation("names the product of the first two derivatives; that product is checked at line 258",
          en("L346-dL-dz", 346, EN.S5, r"\frac{\partial L}{\partial z}")),
    notation("names the product of the first two derivatives; that product is checked at line 250",
          zh("L327-dL-dz", 327, ZH.S5, r"\frac{\partial L}{\partial z}")),
    notation("names the next factor; no value",
          en("L350-dz-dw", 350, EN.S5, r"\frac{\partial z}{\partial w}"),
          zh("L331-dz-dw", 331, ZH.S5, r"\frac{\partial z}{\partial w}")),
    check(Kind.DERIVATIVE, Claim(dL_dw, dL_dz_at(LINEAR) * x),
          "the chain rule: dL/dw = dL/dz (at z = w x + b) times x",
          en("L354-chain", 354, EN.S5, r"\frac{\partial L}{\partial z} \cdot x"),
          zh("L335-chain", 335, ZH.S5, r"\frac{\partial L}{\partial z} \cdot x")),
    check(Kind.DERIVATIVE, Claim(dL_dw, x * (sw - y)),
          "dL/dw = x(a - y), a = sigma(w x + b)",
          en("L358-dw", 358, EN.S5, r"x(a - y)"),
          zh("L339-dw", 339, ZH.S5, r"x(a - y)")),
    check(Kind.DERIVATIVE, Claim(dL_dw, dL_da_at(sw) * sigmoid_prime_at(LINEAR) * Derivative(LINEAR, w)),
          "the chain rule written out, each factor at z = w x + b, a = sigma(z)",
          en("L364-chain-long", 364, EN.S5, r"\frac{\partial L}{\partial w} = \frac{\partial L}{\partial a} \cdot \frac{\partial a}{\partial z} \cdot \frac{\partial z}{\partial w}"),
          zh("L345-chain-long", 345, ZH.S5, r"\frac{\partial L}{\partial w} = \frac{\partial L}{\partial a} \cdot \frac{\partial a}{\partial z} \cdot \frac{\partial z}{\partial w}")),
    check(Kind.EQUALS, Claim(COST_A, -(y * log(a) + (1 - y) * log(1 - a))),
          "the cost, for one example (the sum has one term; note the 1/m of line 90 is dropped "
          "here, the sum rather than the mean); checked against L(a, y)",
          en("L372-cost", 372, EN.S5, r"-\sum [y \ln(a) + (1 - y) \ln(1 - a)]"),
          zh("L351-cost", 351, ZH.S5, r"-\sum [y \ln(a) + (1 - y) \ln(1 - a)]",
             says="the cost, for one example (the sum has one term; the 1/m of line 88 is dropped here, "
                  "the sum rather than the mean); checked against L(a, y)")),
    check(Kind.EQUALS, Claim(log(s), log((1 + e) ** -1)),
          "ln(a) with a = sigma(z); the exponent -1 read as applying to (1 + e^{-z}), as the next "
          "line shows is meant ((ln(1 + e^{-z}))^{-1} would be another, wrong, reading)",
          en("L378-ln-a", 378, EN.S5, r"\ln(1 + e^{-z})^{-1}"),
          zh("L357-ln-a", 357, ZH.S5, r"\ln(1 + e^{-z})^{-1}")),
    check(Kind.EQUALS, Claim(log(s), -SOFTPLUS),
          "ln(a) = -ln(1 + e^{-z})",
          en("L384-ln-a", 384, EN.S5, r"-\ln(1 + e^{-z})"),
          zh("L363-ln-a", 363, ZH.S5, r"-\ln(1 + e^{-z})")),
    check(Kind.EQUALS, Claim(log(1 - s), log(e / (1 + e))),
          "ln(1 - a) with a = sigma(z)",
          en("L388-ln-1-a", 388, EN.S5, r"\ln \frac{e^{-z}}{(1 + e^{-z})}"),
          zh("L367-ln-1-a", 367, ZH.S5, r"\ln \frac{e^{-z}}{(1 + e^{-z})}")),
    check(Kind.EQUALS, Claim(log(1 - s), -z - SOFTPLUS),
          "ln(1 - a) = -z - ln(1 + e^{-z})",
          en("L394-ln-1-a", 394, EN.S5, r"(-z - \ln(1 + e^{-z}))"),
          zh("L373-ln-1-a", 373, ZH.S5, r"(-z - \ln(1 + e^{-z}))",
             says="ln(1 - a) = -z - ln(1 + e^{-z}), by the rule of logs")),
    check(Kind.EQUALS, Claim(log(p / q), log(p) - log(q)),
          "the rule of logs, p, q > 0",
          en("L398-log-rule", 398, EN.S5, r"\log(p/q) = \log(p) - \log(q)"),
          domain=RULE_DOMAIN),
    check(Kind.EQUALS, Claim(COST_Z, -y * SOFTPLUS * ((1 - y) * (-z - SOFTPLUS))),
          "the two logs plugged back into the cost (as printed, the bracket multiplies the first "
          "term); checked against the cost L(sigma(z), y)",
          en("L402-plugged", 402, EN.S5, r"\sum -y \ln(1 + e^{-z}) [(1 - y)(-z - \ln(1 + e^{-z}))]",
             why="an operator is missing between -y ln(1 + e^{-z}) and the bracket (it is '+', as line "
                 "408 expands it), and the cost's leading minus is lost: what is printed is neither "
                 "the cost nor the log-likelihood"),
          zh("L379-plugged", 379, ZH.S5, r"\sum -y \ln(1 + e^{-z}) [(1 - y)(-z - \ln(1 + e^{-z}))]",
             why="an operator is missing between -y ln(1 + e^{-z}) and the bracket (it is '+', as line "
                 "387 expands it), and the cost's leading minus is lost (as in the original, 000 line "
                 "402)"),
          correction=r"-\sum \left[-y \ln(1 + e^{-z}) + (1 - y)(-z - \ln(1 + e^{-z}))\right]",
          fixed=Claim(COST_Z, -(-y * SOFTPLUS + (1 - y) * (-z - SOFTPLUS)))),
    check(Kind.EQUALS, Claim(COST_Z, -y * SOFTPLUS - z - SOFTPLUS + y * z + y * SOFTPLUS),
          "the bracket expanded; called the cost, checked against L(sigma(z), y)",
          en("L408-expanded", 408, EN.S5, r"\sum -y \ln(1 + e^{-z}) - z - \ln(1 + e^{-z}) + yz + y \ln(1 + e^{-z})",
             why="the expression " + EN.MINUS_L),
          zh("L387-expanded", 387, ZH.S5, r"\sum -y \ln(1 + e^{-z}) - z - \ln(1 + e^{-z}) + yz + y \ln(1 + e^{-z})",
             why="the expression " + ZH.MINUS_L),
          correction=r"-\sum \left[-y \ln(1 + e^{-z}) - z - \ln(1 + e^{-z}) + yz + y \ln(1 + e^{-z})\right]",
          fixed=Claim(COST_Z, -(-y * SOFTPLUS - z - SOFTPLUS + y * z + y * SOFTPLUS))),
    check(Kind.EQUALS, Claim(COST_Z, -z - SOFTPLUS + y * z),
          "the y ln(1 + e^{-z}) terms cancelled; checked against the cost",
          en("L414-cancel", 414, EN.S5, r"-z - \ln(1 + e^{-z}) + yz",
             why="the expression " + EN.MINUS_L),
          zh("L393-cancel", 393, ZH.S5, r"-z - \ln(1 + e^{-z}) + yz",
             says="the first and last terms cancelled; checked against the cost",
             why="the expression " + ZH.MINUS_L),
          correction=r"z + \ln(1 + e^{-z}) - yz",
          fixed=Claim(COST_Z, z + SOFTPLUS - y * z)),
    check(Kind.EQUALS, Claim(COST_Z, y * z - (z + SOFTPLUS)),
          "yz pulled out; checked against the cost",
          en("L418-yz-out", 418, EN.S5, r"yz - [z + \ln(1 + e^{-z})]",
             why="the expression " + EN.MINUS_L),
          zh("L397-yz-out", 397, ZH.S5, r"yz - [z + \ln(1 + e^{-z})]",
             says="reordered; checked against the cost",
             why="the expression " + ZH.MINUS_L),
          correction=r"-(yz - [z + \ln(1 + e^{-z})])",
          fixed=Claim(COST_Z, -(y * z - (z + SOFTPLUS)))),
    check(Kind.EQUALS, Claim(COST_Z, y * z - (log(exp(z), evaluate=False) + SOFTPLUS)),
          "z written as ln(e^z); checked against the cost",
          en("L422-ln-exp", 422, EN.S5, r"yz - [\ln(e^z) + \ln(1 + e^{-z})]",
             why="the expression " + EN.MINUS_L),
          zh("L401-ln-exp", 401, ZH.S5, r"yz - [\ln(e^z) + \ln(1 + e^{-z})]",
             why="the expression " + ZH.MINUS_L),
          correction=r"-(yz - [\ln(e^z) + \ln(1 + e^{-z})])",
          fixed=Claim(COST_Z, -(y * z - (log(exp(z), evaluate=False) + SOFTPLUS)))),
    check(Kind.EQUALS, Claim(log(pa) + log(pb), log(pa * pb)),
          "the rule of sums of logs, a, b > 0 generic (not the activation or the bias)",
          en("L426-log-rule", 426, EN.S5, r"\ln(a) + \ln(b) = \ln(a.b)"),
          zh("L405-log-rule", 405, ZH.S5, r"\ln(a) + \ln(b) = \ln(a.b)"),
          domain=RULE_DOMAIN),
    check(Kind.EQUALS, Claim(sp.Mul(exp(ra), exp(rb), evaluate=False), exp(ra + rb)),
          "the rule of products of exps, a, b real generic",
          en("L426-exp-rule", 426, EN.S5, r"e^a * e^b = e^{a+b}"),
          domain=Domain()),
    check(Kind.EQUALS, Claim(COST_Z, y * z - log(exp(z) * (1 + e))),
          "the logs summed; checked against the cost",
          en("L428-log-sum", 428, EN.S5, r"yz - [\ln((e^z) \cdot (1 + e^{-z}))]",
             why="the expression " + EN.MINUS_L),
          correction=r"-(yz - [\ln((e^z) \cdot (1 + e^{-z}))])",
          fixed=Claim(COST_Z, -(y * z - log(exp(z) * (1 + e))))),
    check(Kind.EQUALS, Claim(log(pa) + log(pb), log(pa * pb)),
          "the rule of sums of logs (a caption), a, b > 0 generic",
          en("L430-log-rule", 430, EN.S5, r"\ln(a) + \ln(b) = \ln(a.b)"),
          domain=RULE_DOMAIN),
    check(Kind.EQUALS, Claim(exp(ra) + exp(rb), exp(ra + rb)),
          "'the rule of exp products', as printed a sum: e^a + e^b = e^{a+b}, a, b real generic",
          zh("L405-exp-rule", 405, ZH.S5, r"e^a + e^b = e^{(a+b)}",
             why="exponents add under a product, not a sum (the original, 000 line 426, has "
                 "e^a * e^b)"),
          domain=Domain(),
          correction=r"e^a \cdot e^b = e^{(a+b)}",
          fixed=Claim(sp.Mul(exp(ra), exp(rb), evaluate=False), exp(ra + rb))),
    check(Kind.EQUALS, Claim(COST_Z, y * z - log(exp(z) + (1 + e))),
          "the logs summed, as printed with e^z + (1 + e^{-z}) inside the log; checked against the cost",
          zh("L409-log-sum", 409, ZH.S5, r"yz - [\ln((e^z) + (1 + e^{-z}))]",
             why="ln(u) + ln(v) = ln(u v): the '+' inside the log must be a product (as the translator's "
                 "note says), and the expression, like its neighbours, " + ZH.MINUS_L,
             note="注 (line 407): 中括号中的第一个加号应为乘号 -- 'the first plus sign inside the square "
                  "bracket should be a multiplication sign'"),
          correction=r"-(yz - [\ln((e^z) \cdot (1 + e^{-z}))])",
          fixed=Claim(COST_Z, -(y * z - log(exp(z) * (1 + e))))),
    check(Kind.EQUALS, Claim(COST_Z, y * z - log(1 + exp(z))),
          "e^z (1 + e^{-z}) multiplied out to 1 + e^z; checked against the cost",
          en("L434-log1p", 434, EN.S5, r"yz - [\ln(1 + e^z)]",
             why="the expression " + EN.MINUS_L),
          zh("L415-log1p", 415, ZH.S5, r"yz - [\ln(1 + e^z)]",
             why="the expression " + ZH.MINUS_L),
          correction=r"-(yz - [\ln(1 + e^z)]) = \ln(1 + e^z) - yz",
          fixed=Claim(COST_Z, log(1 + exp(z)) - y * z)),
    notation("a caption, an instruction rather than an equation (it names the exponent sum of "
             "e^z e^{-z}, which is e^{z-z} = 1, printed as z+z)",
          en("L436-caption", 436, EN.S5, r"\text{add } e^{z+z}")),
    check(Kind.EQUALS, Claim(COST_Z, NEG_LOGLIK),
          "yz pulled inside the bracket; checked against the cost",
          en("L440-bracket", 440, EN.S5, r"[yz - \ln(1 + e^z)]",
             why="the expression " + EN.MINUS_L),
          zh("L421-bracket", 421, ZH.S5, r"[yz - \ln(1 + e^z)]",
             says="rewritten ('重写得到'); checked against the cost",
             why="the expression " + ZH.MINUS_L),
          correction=r"-[yz - \ln(1 + e^z)]",
          fixed=Claim(COST_Z, -NEG_LOGLIK)),
    definition("restates the linear function z",
          en("L442-z-def", 442, EN.S5, r"z = Wx + b")),
    notation("an operator written as a product: 'take d/dw of the bracket', with dL/dw standing "
             "for d/dw; it asserts no value (the derivative is taken at line 450)",
          en("L444-operator", 444, EN.S5, r"\frac{\partial L}{\partial w} [yz - \ln(1 + e^z)]")),
    notation("an operator written as a product: 'take d/dw of the bracket', with dL/dw standing "
             "for d/dw (the prose calls it 'the cost's partial derivative w.r.t. W', the caption "
             "'take derivative w.r.t W'); it asserts no value (the derivative is taken at line 431)",
          zh("L425-operator", 425, ZH.S5, r"\frac{\partial L}{\partial w} [yz - \ln(1 + e^z)]")),
    check(Kind.DERIVATIVE, Claim(Derivative(NEG_LOGLIK.subs(z, LINEAR), w), y * x - x * exp(w * x) / (1 + exp(w * x))),
          "d/dw of the line-440 bracket [yz - ln(1 + e^z)] with z = w x + b (that bracket is -L, "
          "so this is -dL/dw); checked against that derivative",
          en("L450-dw-terms", 450, EN.S5, r"yx - \frac{x \cdot e^{wx}}{1+e^{wx}}",
             why="z = w x + b: the bias is dropped from both exponents",
             correction=r"yx - \frac{x \cdot e^{wx+b}}{1+e^{wx+b}}"),
          zh("L431-dw-terms", 431, ZH.S5, r"yx - \frac{x \cdot e^{wx}}{1 + e^{wx}}",
             says="d/dw of the line-421 bracket [yz - ln(1 + e^z)] with z = w x + b (that bracket is -L, "
                  "so this is -dL/dw); checked against that derivative",
             why="z = w x + b: the bias is dropped from both exponents (as in the original)",
             correction=r"yx - \frac{x \cdot e^{wx+b}}{1 + e^{wx+b}}"),
          fixed=Claim(Derivative(NEG_LOGLIK.subs(z, LINEAR), w),
                y * x - x * exp(LINEAR) / (1 + exp(LINEAR)))),
    check(Kind.DERIVATIVE, Claim(Derivative(log(1 + exp(LINEAR)), w), x * sw),
          "the second term, d/dw ln(1 + e^z) with z = w x + b, is x sigma(z); checked against that "
          "derivative (the term printed at line 450 dropped b, recorded there)",
          en("L456-second-term", 456, EN.S5, r"x \cdot \text{sig}(z)"),
          zh("L437-second-term", 437, ZH.S5, r"x \cdot \text{sig}(z)",
             says="the second term, d/dw ln(1 + e^z) with z = w x + b, is x sigma(z); checked against that "
                  "derivative (the term printed at line 431 dropped b, recorded there)")),
    check(Kind.DERIVATIVE, Claim(dL_dw, -(y * x - x * sw)),
          "'a final result': checked against dL/dw; the leading minus, lost at line 402, is back",
          en("L460-final", 460, EN.S5, r"-[yx - x \cdot \text{sig}(z)]"),
          zh("L441-final", 441, ZH.S5, r"- [yx - x \cdot \text{sig}(z)]",
             says="checked against dL/dw; the leading minus, lost at line 379, is back")),
    check(Kind.DERIVATIVE, Claim(dL_dw, -x * (y - sw)),
          "x pulled out; checked against dL/dw",
          en("L464-pull-x", 464, EN.S5, r"-x[y - \text{sig}(z)]"),
          zh("L445-pull-x", 445, ZH.S5, r"-x [y - \text{sig}(z)]")),
    check(Kind.DERIVATIVE, Claim(dL_dw, x * (sw - y)),
          "dL/dw = x(a - y), the final result of [5]",
          en("L468-dL-dw", 468, EN.S5, r"\frac{\partial L}{\partial w} = x [a - y]"),
          zh("L449-dL-dw", 449, ZH.S5, r"\frac{\partial L}{\partial w} = x [a - y]")),

    # ---- [6] -----------------------------------------------------------------------------------------
    notation("the section's picture: a bare symbol",
          en("L476-heading", 476, EN.S6, r"\frac{\partial L}{\partial b}"),
          zh("L455-heading", 455, ZH.S6, r"\frac{\partial L}{\partial b}")),
    check(Kind.DERIVATIVE, Claim(dL_db, dL_dz_at(LINEAR) * Derivative(LINEAR, b)),
          "the chain rule: dL/db = dL/dz (at z = w x + b) times dz/db",
          en("L482-chain", 482, EN.S6, r"\frac{\partial L}{\partial z} \cdot \frac{\partial z}{\partial b}"),
          zh("L461-chain", 461, ZH.S6, r"\frac{\partial L}{\partial z} \cdot \frac{\partial z}{\partial b}")),
    definition("restates z (the sentence adds that its derivative w.r.t. b is 1, checked at line 461)",
          zh("L465-z-def", 465, ZH.S6, r"z=wx+b")),
    check(Kind.DERIVATIVE, Claim(dL_db, dL_dz_at(LINEAR)),
          "'the derivative w.r.t b is simply' dL/dz, since dz/db = 1",
          en("L490-dL-dz", 490, EN.S6, r"\frac{\partial L}{\partial z}"),
          zh("L467-dL-dz", 467, ZH.S6, r"\frac{\partial L}{\partial z}",
             says="'so the result is the cost's derivative w.r.t. z': dL/db = dL/dz")),
    check(Kind.DERIVATIVE, Claim(dL_db, sw - y),
          "dL/db = a - y",
          en("L494-a-minus-y", 494, EN.S6, r"a - y"),
          zh("L471-a-minus-y", 471, ZH.S6, r"a - y")),
    definition("restates the linear function z",
          en("L496-z-def", 496, EN.S6, r"z = wX + b"),
          zh("L473-z-def", 473, ZH.S6, r"z = wx + b")),
    check(Kind.EQUALS, Claim(COST_Z, NEG_LOGLIK),
          "the line-440 expression, 'a step from the calculation for dw', to be differentiated "
          "as the cost; checked against the cost",
          en("L500-bracket", 500, EN.S6, r"[yz - \ln(1 + e^z)]",
             why="the expression " + EN.MINUS_L),
          zh("L477-bracket", 477, ZH.S6, r"[yz - \ln(1 + e^z)]",
             says="the line-421 expression, 'the intermediate result of the weight derivative', to be "
                  "differentiated as the cost; checked against the cost",
             why="the expression " + ZH.MINUS_L),
          correction=r"-[yz - \ln(1 + e^z)]",
          fixed=Claim(COST_Z, -NEG_LOGLIK)),
    definition("restates the linear function z",
          en("L502-z-def", 502, EN.S6, r"z = wX + b"),
          zh("L479-z-def", 479, ZH.S6, r"z = wx + b")),
    definition("restates the linear function z",
          en("L504-z-def", 504, EN.S6, r"z = wX + b")),
    notation("operators written as products: 'take d/db of each term', with dL/db standing for "
             "d/db; it asserts no value (the terms' derivatives follow at lines 516-526)",
          en("L506-operator", 506, EN.S6, r"\frac{\partial L}{\partial b} y(wX + b) - \frac{\partial L}{\partial b} \ln(1 + e^{wX+b})")),
    definition("restates z, to be substituted into the line above",
          zh("L481-z-def", 481, ZH.S6, r"z=wx+b")),
    notation("operators written as products: 'take d/db of each term', with dL/db standing for "
             "d/db; it asserts no value (the terms' derivatives follow at lines 491-501)",
          zh("L483-operator", 483, ZH.S6, r"\frac{\partial L}{\partial b} y(wx + b) - \frac{\partial L}{\partial b} \ln(1 + e^{wx+b})")),
    check(Kind.DERIVATIVE, Claim(Derivative(log(1 + exp(LINEAR)), b), exp(LINEAR) / (1 + exp(LINEAR))),
          "d/db ln(1 + e^{wX+b}), as the caption says",
          en("L516-dlog", 516, EN.S6, r"\frac{e^{wX+b}}{1 + e^{wX+b}}"),
          zh("L491-dlog", 491, ZH.S6, r"\frac{e^{wx+b}}{1 + e^{wx+b}}",
             says="d/db ln(1 + e^{wx+b}), as the caption says")),
    check(Kind.EQUALS, Claim(exp(LINEAR) / (1 + exp(LINEAR)), sw),
          "'this term is simply our original a' (plain text, not a formula in the source): "
          "e^z/(1 + e^z) = sigma(z)",
          en("L522-a", 522, EN.S6, r"a"),
          zh("L497-a", 497, ZH.S6, r"a",
             says="'dividing numerator and denominator by e^{wx+b} gives the activation (sigmoid)', a "
                  "(plain text in the source): e^z/(1 + e^z) = sigma(z)")),
    check(Kind.DERIVATIVE, Claim(dL_db, sw - y),
          "'final result': dL/db = a - y (as d/db of the line-500 bracket, -L, it would be y - a; "
          "the sign is restored silently here)",
          en("L526-final", 526, EN.S6, r"[a - y]"),
          zh("L501-final", 501, ZH.S6, r"[a - y]",
             says="'final result': dL/db = a - y (as d/db of the line-477 bracket, -L, it would be y - a; "
                  "the sign is restored silently here)")),
    check(Kind.DERIVATIVE, Claim(dL_db, dL_dz_at(LINEAR)),
          "'db' = 'dz': dL/db = dL/dz at z = w x + b",
          en("L532-db-dz", 532, EN.S6, r"\frac{\partial L}{\partial z}"),
          zh("L507-db-dz", 507, ZH.S6, r"\frac{\partial L}{\partial z}")),
    notation("lists the four derivatives computed; no values",
          en("L540-list", 540, EN.SUMMARY, r"\frac{\partial L}{\partial a} \frac{\partial L}{\partial z} \frac{\partial L}{\partial w} \frac{\partial L}{\partial b}"),
          zh("L513-list", 513, ZH.SUMMARY, r"\frac{\partial L}{\partial a} \frac{\partial L}{\partial z} \frac{\partial L}{\partial w} \frac{\partial L}{\partial b}")),

    # ---- Wrapping up ---------------------------------------------------------------------------------
    check(Kind.DERIVATIVE, Claim(DZ2, Derivative(cost_from(3, Z3_OF_Z2), W[3]) * dZ(3, Z3_OF_Z2) * g_prime(3, Z[2])),
          "dL/dZ^{[L-1]} (written dL^{[L-1]}/dZ) is claimed to be dW^{[L]T} dZ^{[L]} * "
          "g'^{[L]}(Z^{[L-1]}). " + SCALAR_NET,
          en("L550-dZL-1", 550, EN.WRAP, r"\frac{\partial L^{[L-1]}}{\partial Z} = dW^{[L]T} \cdot dZ^{[L]} * g'^{[L]}(Z^{[L-1]})",
             why="the factor dZ^{[L]}/dA^{[L-1]} is the weight W^{[L]}, not its gradient dW^{[L]} (line 570 "
                 "says so); and the activation derivative is layer L-1's, g'^{[L-1]}"),
          domain=NET_DOMAIN,
          correction=r"\frac{\partial L}{\partial Z^{[L-1]}} = W^{[L]T} \cdot dZ^{[L]} * g'^{[L-1]}(Z^{[L-1]})",
          fixed=Claim(DZ2, W[3] * dZ(3, Z3_OF_Z2) * g_prime(2, Z[2])),
          twin=coursera.dZ_back("L-1", "dW", "L", "L", "L", elementwise=True)),
    check(Kind.DERIVATIVE, Claim(DZ2, dL_da_at(G[3](Z3_OF_Z2)) * sigmoid_prime_at(Z3_OF_Z2)
          * Subs(Derivative(W[3] * A[2] + B[3], A[2]), A[2], G[2](Z[2]))
          * Derivative(G[2](Z[2]), Z[2])),
          "the chain rule for dL/dZ^{[L-1]}, each factor at its point. " + SCALAR_NET,
          en("L554-chain", 554, EN.WRAP, r"= \frac{\partial L}{\partial A^{[L]}} \cdot \frac{\partial A^{[L]}}{\partial Z^{[L]}} \cdot \frac{\partial Z^{[L]}}{\partial A^{[L-1]}} \cdot \frac{\partial A^{[L-1]}}{\partial Z^{[L-1]}}"),
          domain=NET_DOMAIN),
    check(Kind.DERIVATIVE,
          Claim(Derivative(cost_from(3, Z[3]), Z[3]), dL_da_at(G[3](Z[3])) * Derivative(G[3](Z[3]), Z[3])),
          "'is simply dz': dL/dA^{[L]} dA^{[L]}/dZ^{[L]} = dL/dZ^{[L]}. " + SCALAR_NET,
          en("L560-dz", 560, EN.WRAP, r"\frac{\partial L}{\partial A^{[L]}} \cdot \frac{\partial A^{[L]}}{\partial Z^{[L]}}"),
          domain=NET_DOMAIN),
    notation("names dz; the identity it stands in is checked at line 560",
          en("L564-dz", 564, EN.WRAP, r"\frac{\partial L}{\partial z}")),
    notation("names the factor; its value is claimed in the text of line 570",
          en("L568-dZ-dA", 568, EN.WRAP, r"\frac{\partial Z^{[L]}}{\partial A^{[L-1]}}")),
    check(Kind.DERIVATIVE, Claim(Derivative(Z3_OF_A2, A[2]), W[1]),
          "dZ^{[L]}/dA^{[L-1]} 'evaluates to W[1]' (inline). " + SCALAR_NET,
          en("L570-W1", 570, EN.WRAP, r"W[1]",
             why="Z^{[L]} = W^{[L]} A^{[L-1]} + b^{[L]}: the derivative is layer L's weight "
                 "(the same sentence says 'equals W'); as printed it names layer 1's (perhaps "
                 "an l read as 1 in extraction, but judged as printed)"),
          domain=NET_DOMAIN,
          correction=r"W^{[L]}",
          fixed=Claim(Derivative(Z3_OF_A2, A[2]), W[3])),
    definition("restates a layer's linear function",
          en("L570-Z-def", 570, EN.WRAP, r"Z = Wa + b")),
    notation("names the factor 'in blue'; its value is claimed at line 578",
          en("L574-dA-dZ", 574, EN.WRAP, r"\frac{\partial A^{[L-1]}}{\partial Z^{[L-1]}}")),
    check(Kind.DERIVATIVE, Claim(Derivative(sigmoid(Z[2]), Z[2]), sigmoid(Z[2]) * (1 - sigmoid(Z[2]))),
          "dA^{[L-1]}/dZ^{[L-1]} 'is simply da/dz, the derivative of the sigmoid' [2]: true for the "
          "document's network, whose activations are all sigmoids (line 80), so checked with "
          "g^{[L-1]} = sigmoid; for another g^{[L-1]} the factor is g'^{[L-1]}(Z^{[L-1]}), as the "
          "fixed line 586 has it",
          en("L578-da-dz", 578, EN.WRAP, r"\frac{\partial a}{\partial z}"),
          domain=NET_DOMAIN),
    check(Kind.DERIVATIVE, Claim(DZ2, W[3] * dZ(3, Z3_OF_Z2) * g_prime(3, Z[2])),
          "line 550 restated with W^{[L]T}: dL/dZ^{[L-1]} = W^{[L]T} dZ^{[L]} * g'^{[L]}(Z^{[L-1]}), "
          "* element-wise. " + SCALAR_NET,
          en("L586-dZL-1", 586, EN.WRAP, r"\frac{\partial L^{[L-1]}}{\partial Z} = W^{[L]T} \cdot dZ^{[L]} * g'^{[L]}(Z^{[L-1]})",
             why="A^{[L-1]} = g^{[L-1]}(Z^{[L-1]}): the activation derivative is layer L-1's, g'^{[L-1]}; "
                 "g'^{[L]} agrees only when both layers use the same activation (the same slip as line 38)"),
          domain=NET_DOMAIN,
          correction=r"\frac{\partial L}{\partial Z^{[L-1]}} = W^{[L]T} \cdot dZ^{[L]} * g'^{[L-1]}(Z^{[L-1]})",
          fixed=Claim(DZ2, W[3] * dZ(3, Z3_OF_Z2) * g_prime(2, Z[2])),
          twin=coursera.dZ_back("L-1", "W", "L", "L", "L", elementwise=True)),
)
