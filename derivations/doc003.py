"""Document 003: a Chinese translation of Patrick David's "All the Backpropagation derivatives".

Source: ``derivations/sources/003_3f7e5ed1d99ef393.txt``.  The same derivation as
document 000 (:mod:`derivations.doc000`): one logistic unit ``z = w x + b``,
``a = sigmoid(z)``, cross-entropy cost, dL/da, da/dz, dL/dz, dz/dw, dL/dw and
dL/db by the chain rule and directly, and the Coursera backward equations.
It has no "Wrapping up".

The translator added notes (注) pointing at errors in the original's pictures;
each is recorded in the ``note`` of the step it comments on.  A note that names
a fix does not make the printed formula right: every formula is judged as
printed.  The translation corrects some of the original's slips (the exponent
-2 of the sigmoid's outer derivative) and adds others (``dW^{[L]T}`` in the
backward equations, ``e^a + e^b = e^{a+b}``, a '+' for a product in a log).

Locators are the translation's own headings ("[3] 线性函数求导", ...) or, where
there is none, the picture's caption.  The checks follow the conventions of
:mod:`derivations.logistic`, as in document 000; each backward line is
checked again, right after, as matrices (:mod:`derivations.coursera`), in the
step ``<id>-matrix``.

Examples
--------
>>> DERIVATION.step("L409-log-sum").note.startswith("注 (line 407)")
True
"""
from __future__ import annotations

import sympy as sp
from sympy import Derivative, exp, log

from gradproof.derivations import coursera
from gradproof.derivations.coursera import with_twins
from gradproof.derivations.encoding import StepMaker
from gradproof.derivations.logistic import (
    B, COST_A, COST_Z, DEFINITIONS, DOMAIN, DZ2, G, LINEAR, LN_DOMAIN, NEG_LOGLIK, NET_DOMAIN,
    RULE_DOMAIN, SCALAR_NET, SOFTPLUS, W, Z, Z1_OF_X, Z2_OF_Z1, Z3_OF_A2, Z3_OF_Z2, A, a, b,
    cost_from, dL_da, dL_da_at, dL_db, dL_dw, dL_dz, dL_dz_at, dZ, ds, e, g_prime, pa, pb, ra, rb,
    s, sigmoid_prime_at, sw, w, x, xp, y, z,
)
from gradproof.derivations.model import Claim, Derivation, Erratum, Kind
from gradproof.symbolic.domain import Domain

__all__ = ["DERIVATION", "SOURCE"]

SOURCE = "003_3f7e5ed1d99ef393.txt"

# the translation's own locators
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

_make = StepMaker(SOURCE, DOMAIN)
_step, _notation, _definition = _make.step, _make.notation, _make.definition

STEPS = (
    _notation("L18-title", 18, TITLE, r"\frac{\partial L}{\partial w} \quad \frac{\partial L}{\partial b}",
              "the title picture: bare derivative symbols, no values"),
    _notation("L20-title", 20, TITLE, r"\frac{\partial L}{\partial z} \quad \frac{\partial L}{\partial a}",
              "the title picture: bare derivative symbols, no values"),

    # ---- Forwardpropagation Equations (one display per line here) ---------------------------
    _definition("L26-Z1", 26, FORWARD, r"Z^{[1]} = W^{[1]}X + b^{[1]}",
                "defines the first layer's linear part Z^{[1]}"),
    _definition("L28-A1", 28, FORWARD, r"A^{[1]} = g^{[1]}(Z^{[1]})",
                "defines the first layer's activation A^{[1]}"),
    _definition("L30-Z2", 30, FORWARD, r"Z^{[2]} = W^{[2]}A^{[1]} + b^{[2]}",
                "defines Z^{[2]} from A^{[1]}"),
    _definition("L32-A2", 32, FORWARD, r"A^{[2]} = g^{[2]}(Z^{[2]})",
                "defines A^{[2]}; each layer may have its own g^{[l]}"),
    _notation("L34-vdots", 34, FORWARD, r"\vdots",
              "an ellipsis (outside any display): the same two equations for every layer"),
    _definition("L36-AL", 36, FORWARD, r"A^{[L]} = g^{[L]}(Z^{[L]}) = \hat{Y}",
                "defines the output A^{[L]}, the prediction Y-hat"),

    # ---- Backpropagation Equations -----------------------------------------------------------
    _step("L43-dZL", 43, BACKPROP, r"dZ^{[L]} &= A^{[L]} - Y", Kind.DERIVATIVE,
          Claim(Derivative(cost_from(3, Z[3]), Z[3]), G[3](Z[3]) - y),
          "dZ^{[L]} = dL/dZ^{[L]} equals A^{[L]} - Y for a sigmoid output and BCE. " + SCALAR_NET,
          NET_DOMAIN),
    _step("L44-dWL", 44, BACKPROP, r"dW^{[L]} &= \frac{1}{m} dZ^{[L]} A^{[L]T}", Kind.DERIVATIVE,
          Claim(Derivative(cost_from(3, Z3_OF_A2), W[3]), dZ(3, Z3_OF_A2) * G[3](Z3_OF_A2)),
          "dW^{[L]} = dL/dW^{[L]} is claimed to be dZ^{[L]} times the layer's own output A^{[L]}. "
          + SCALAR_NET, NET_DOMAIN,
          erratum=Erratum(
              r"dW^{[L]} = \frac{1}{m} dZ^{[L]} A^{[L-1]T}",
              "Z^{[L]} = W^{[L]} A^{[L-1]} + b^{[L]}, so the factor is the layer's input A^{[L-1]}, "
              "not its output A^{[L]} (as in the original, 000 line 36)",
              Claim(Derivative(cost_from(3, Z3_OF_A2), W[3]), dZ(3, Z3_OF_A2) * A[2]))),
    _step("L45-dbL", 45, BACKPROP,
          r"db^{[L]} &= \frac{1}{m} np.sum(dZ^{[L]}, axis = 1, keepdims = True)", Kind.DERIVATIVE,
          Claim(Derivative(cost_from(3, Z3_OF_A2), B[3]), dZ(3, Z3_OF_A2)),
          "db^{[L]} = dL/db^{[L]} is dZ^{[L]} (summed over the batch, over m). " + SCALAR_NET,
          NET_DOMAIN),
    _step("L46-dZL-1", 46, BACKPROP, r"dZ^{[L-1]} &= dW^{[L]T} dZ^{[L]} g'^{[L]}(Z^{[L-1]})",
          Kind.DERIVATIVE,
          Claim(DZ2, Derivative(cost_from(3, Z3_OF_Z2), W[3]) * dZ(3, Z3_OF_Z2) * g_prime(3, Z[2])),
          "dZ^{[L-1]} = dL/dZ^{[L-1]} is claimed to be dW^{[L]T} dZ^{[L]} g'^{[L]}(Z^{[L-1]}). "
          + SCALAR_NET, NET_DOMAIN,
          erratum=Erratum(
              r"dZ^{[L-1]} = W^{[L]T} dZ^{[L]} * g'^{[L-1]}(Z^{[L-1]})",
              "the factor dZ^{[L]}/dA^{[L-1]} is the weight W^{[L]}, not its gradient dW^{[L]} (a "
              "slip of the translation; the original has W^{[L]T}), and the activation derivative "
              "is layer L-1's, g'^{[L-1]}, applied element-wise (as in the original)",
              Claim(DZ2, W[3] * dZ(3, Z3_OF_Z2) * g_prime(2, Z[2])))),
    _notation("L47-vdots", 47, BACKPROP, r"&\vdots", "an ellipsis: the same equations for layers L-2, ..., 2"),
    _step("L48-dZ1", 48, BACKPROP, r"dZ^{[1]} &= dW^{[L]T} dZ^{[2]} g'^{[1]}(Z^{[1]})",
          Kind.DERIVATIVE,
          Claim(Derivative(cost_from(1, Z[1]), Z[1]),
                Derivative(cost_from(1, Z[1]), W[3]) * dZ(2, Z2_OF_Z1) * g_prime(1, Z[1])),
          "dZ^{[1]} = dL/dZ^{[1]} is claimed to be dW^{[L]T} dZ^{[2]} g'^{[1]}(Z^{[1]}). "
          + SCALAR_NET, NET_DOMAIN,
          erratum=Erratum(
              r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g'^{[1]}(Z^{[1]})",
              "Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}, so the factor is the weight W^{[2]}: not a gradient "
              "(dW, a slip of the translation) and not layer L's (W^{[L]}, as in the original)",
              Claim(Derivative(cost_from(1, Z[1]), Z[1]), W[2] * dZ(2, Z2_OF_Z1) * g_prime(1, Z[1])))),
    _step("L49-dW1", 49, BACKPROP, r"dW^{[1]} &= \frac{1}{m} dZ^{[1]} A^{[1]T}", Kind.DERIVATIVE,
          Claim(Derivative(cost_from(1, Z1_OF_X), W[1]), dZ(1, Z1_OF_X) * G[1](Z1_OF_X)),
          "dW^{[1]} = dL/dW^{[1]} is claimed to be dZ^{[1]} times the layer's output A^{[1]}. "
          + SCALAR_NET, NET_DOMAIN,
          erratum=Erratum(
              r"dW^{[1]} = \frac{1}{m} dZ^{[1]} A^{[0]T} = \frac{1}{m} dZ^{[1]} X^T",
              "Z^{[1]} = W^{[1]} X + b^{[1]}, so the factor is the layer's input A^{[0]} = X, not "
              "A^{[1]} (the same slip as line 44)",
              Claim(Derivative(cost_from(1, Z1_OF_X), W[1]), dZ(1, Z1_OF_X) * x))),
    _step("L50-db1", 50, BACKPROP,
          r"db^{[1]} &= \frac{1}{m} np.sum(dZ^{[1]}, axis = 1, keepdims = True)", Kind.DERIVATIVE,
          Claim(Derivative(cost_from(1, Z1_OF_X), B[1]), dZ(1, Z1_OF_X)),
          "db^{[1]} = dL/db^{[1]} is dZ^{[1]} (summed over the batch, over m). " + SCALAR_NET,
          NET_DOMAIN),

    # ---- introduction ------------------------------------------------------------------------
    _step("L59-dz", 59, DZ_CAPTION, r"A - Y", Kind.DERIVATIVE, Claim(dL_dz, s - y),
          "the caption calls A - Y 'the derivative of our linear function - dz': checked as dL/dz "
          "= a - y with a = sigmoid(z), one example"),
    _step("L66-da", 66, DA_CAPTION, r"-\sum \left[\frac{y}{a} + \frac{(1-y)}{1-a} \right]",
          Kind.DERIVATIVE, Claim(dL_da, -(y / a + (1 - y) / (1 - a))),
          "the caption calls it 'the derivative of our activation function - da': checked as dL/da "
          "for one example (the sum has one term), a free in (0, 1)",
          erratum=Erratum(
              r"-\sum \left[\frac{y}{a} - \frac{(1-y)}{1-a} \right]",
              "d/da (1-y) ln(1-a) = -(1-y)/(1-a): inside the bracket the second term is subtracted "
              "(as line 174 has it); the original's line 66 reads -y/a + (1-y)/(1-a)",
              Claim(dL_da, -(y / a - (1 - y) / (1 - a))))),

    # ---- 神经网络 ----------------------------------------------------------------------------
    _notation("L80-cost-name", 80, NETWORK, r"L(a, y)", "names the cross-entropy cost; its formula follows at line 88"),
    _definition("L88-cost", 88, NETWORK,
                r"L(a, y) = -\frac{1}{m} \left[\sum_{i=1}^m y \ln(a) + (1 - y) \ln(1 - a) \right]",
                "defines the cost as the batch mean of -(y ln a + (1-y) ln(1-a)) (the summands "
                "carry no index i); per example it is symbolic.losses.bce(a, y)"),
    _notation("L94-cost-name", 94, NETWORK, r"L(a, y)", "names the cost function"),
    _notation("L100-list", 100, NETWORK,
              r"\frac{\partial L}{\partial a} \quad \frac{\partial L}{\partial z} \quad \frac{\partial L}{\partial w} \quad \frac{\partial L}{\partial b}",
              "lists the four derivatives to be computed; no values"),

    # ---- [1] ---------------------------------------------------------------------------------
    _notation("L114-heading", 114, S1, r"\frac{\partial L}{\partial a}", "the section's picture: a bare symbol"),
    _notation("L120-cost-name", 120, S1, r"L(a, y)", "names the cost function"),
    _notation("L124-a2", 124, S1, r"a^{[2]}", "names the activation ('激活函数定义为', the activation is)"),
    _step("L130-dL-da-cost", 130, S1,
          r"\frac{\partial L}{\partial a} = [y \ln(a) + (1 - y) \ln(1 - a)]", Kind.DERIVATIVE,
          Claim(dL_da, y * log(a) + (1 - y) * log(1 - a)),
          "claims dL/da equals the bracket; checked against dL/da of the cost",
          erratum=Erratum(
              r"\frac{\partial L}{\partial a} = \frac{\partial}{\partial a}\left(-[y \ln(a) + (1 - y) \ln(1 - a)]\right)",
              "the right side is the log-likelihood -L (the cost without its minus sign), not its "
              "derivative (as in the original, 000 line 130)",
              Claim(dL_da, Derivative(-(y * log(a) + (1 - y) * log(1 - a)), a))),
          note="注 (line 134): 上式图像有误 -- 'the picture of the formula above is wrong'; the note "
               "names no fix"),
    _step("L136-dL-da", 136, S1, r"= \left[y \frac{1}{a} - (1 - y) \frac{1}{(1 - a)} \right]",
          Kind.DERIVATIVE, Claim(dL_da, y / a - (1 - y) / (1 - a)),
          "continues line 130's dL/da = ... (caption: 'derivative of cost function w.r.t a2'); "
          "checked against dL/da",
          erratum=Erratum(
              r"= -\left[y \frac{1}{a} - (1 - y) \frac{1}{(1 - a)} \right]",
              "this is the derivative of the bracket of line 130, the log-likelihood -L, so it is "
              "-dL/da: the cost's minus sign is missing (line 174 puts it back)",
              Claim(dL_da, -(y / a - (1 - y) / (1 - a))))),
    _step("L142-log-chain", 142, S1, r"\frac{d}{dx} [\ln g(x)] = \frac{1}{g(x)} g'(x)",
          Kind.DERIVATIVE,
          Claim(Derivative(log(1 - xp), xp), Derivative(1 - xp, xp) / (1 - xp)),
          "the chain rule for a log; checked on the instance it is applied to, g(x) = 1 - x, "
          "x in (0, 1) (an undefined g would leave no point to refute a wrong rule)",
          Domain.of({xp: (0, 1)})),

    # ---- the proof that ln' = 1/x (one display per line here) -------------------------------
    _definition("L150-f-def", 150, PROOF, r"f(x) = \ln(x)", "defines f = ln, x > 0"),
    _definition("L150-goal", 150, PROOF, r"f'(x) = [\ln(x)]'", "names the goal: f' is the derivative of ln"),
    _step("L154-exp-f", 154, PROOF, r"e^{f(x)} = x", Kind.EQUALS,
          Claim(exp(log(xp)), xp), "exp inverts ln: e^{ln x} = x for x > 0", LN_DOMAIN),
    _step("L158-diff", 158, PROOF, r"[e^{f(x)}]' = [x]'", Kind.DERIVATIVE,
          Claim(Derivative(exp(log(xp)), xp), Derivative(xp, xp)),
          "both sides of e^{f(x)} = x differentiated, f = ln", LN_DOMAIN),
    _step("L160-chain", 160, PROOF, r"e^{f(x)} \cdot f'(x) = 1", Kind.DERIVATIVE,
          Claim(exp(log(xp)) * Derivative(log(xp), xp), 1),
          "the chain rule on the left: e^{f(x)} f'(x) = 1, f = ln", LN_DOMAIN),
    _step("L162-x", 162, PROOF, r"x \cdot f'(x) = 1", Kind.DERIVATIVE,
          Claim(xp * Derivative(log(xp), xp), 1), "e^{f(x)} replaced by x: x f'(x) = 1", LN_DOMAIN),
    _step("L166-solved", 166, PROOF, r"f'(x) = \frac{1}{x}", Kind.DERIVATIVE,
          Claim(Derivative(log(xp), xp), 1 / xp), "solved for f'(x), f = ln", LN_DOMAIN),
    _step("L168-ln", 168, PROOF, r"[\ln(x)]' = \frac{1}{x}", Kind.DERIVATIVE,
          Claim(Derivative(log(xp), xp), 1 / xp), "d/dx ln(x) = 1/x", LN_DOMAIN),
    _step("L174-dL-da", 174, S1, r"-\sum \left[\frac{y}{a} - \frac{(1-y)}{(1-a)} \right]",
          Kind.DERIVATIVE, Claim(dL_da, -(y / a - (1 - y) / (1 - a))),
          "'rewriting the result above' (caption: 'derivative of L(a,y) w.r.t a2'): dL/da for one "
          "example (the sum has one term)"),

    # ---- [2] ---------------------------------------------------------------------------------
    _notation("L182-heading", 182, S2, r"\frac{\partial a}{\partial z}", "the section's picture: a bare symbol"),
    _definition("L190-sigmoid", 190, S2, r"\frac{1}{1+e^{-z}}", "defines the sigmoid sigma(z)"),
    _step("L196-rearranged", 196, S2, r"(1 + e^{-z})^{-1}", Kind.EQUALS,
          Claim(s, (1 + e) ** -1), "the sigmoid rewritten as a power; checked against sigma(z)"),
    _step("L202-outer-inner", 202, S2, r"-(1 + e^{-z})^{-2} \cdot [e^{-z} \cdot -1]", Kind.DERIVATIVE,
          Claim(ds, -(1 + e) ** -2 * (e * -1)),
          "outer derivative times inner derivative: da/dz (the original's exponent -1, 000 line 210, "
          "is corrected here without a note)"),
    _step("L208-over", 208, S2, r"\frac{e^{-z}}{(1+e^{-z})^2}", Kind.DERIVATIVE,
          Claim(ds, e / (1 + e) ** 2), "da/dz, rearranged"),
    _step("L214-add-one", 214, S2, r"\frac{1}{1+e^{-z}} \cdot \frac{1+(e^{-z})-1}{(1+e^{-z})}",
          Kind.DERIVATIVE, Claim(ds, 1 / (1 + e) * ((1 + e - 1) / (1 + e))),
          "da/dz as a product of two fractions, with 1 added and taken away"),
    _step("L220-rhs", 220, S2, r"\left[1 - \frac{1}{1+e^{-z}}\right]", Kind.EQUALS,
          Claim((1 + e - 1) / (1 + e), 1 - 1 / (1 + e)),
          "the second fraction (1 + e^{-z} - 1)/(1 + e^{-z}) simplified; checked against it"),
    _step("L224-one-minus", 224, S2, r"(1 - \text{sig}(z))", Kind.EQUALS,
          Claim((1 + e - 1) / (1 + e), 1 - s),
          "the second fraction is 1 - sigma(z); checked against the fraction"),
    _step("L228-first-part", 228, S2, r"\text{sig}(z)", Kind.EQUALS,
          Claim(1 / (1 + e), s),
          "inline: 'the first part is sig(z)', 1/(1 + e^{-z}) = sigma(z)"),
    _step("L230-sig", 230, S2, r"\text{sig}(z) \cdot (1 - \text{sig}(z))", Kind.DERIVATIVE,
          Claim(ds, s * (1 - s)), "da/dz = sigma(z)(1 - sigma(z)), the final result of [2]"),
    _step("L234-a", 234, S2, r"a(1 - a)", Kind.DERIVATIVE,
          Claim(ds, s * (1 - s)), "da/dz = a(1 - a) with a = sigma(z)"),

    # ---- [3] ---------------------------------------------------------------------------------
    _notation("L240-heading", 240, S3, r"\frac{\partial L}{\partial z}", "the section's picture: a bare symbol"),
    _definition("L242-z-def", 242, S3, r"z = wX + b", "defines the linear function z"),
    _step("L250-der1-der2", 250, S3,
          r"- \left[\frac{y}{a} - \frac{(1 - y)}{(1 - a)} \right] \cdot a(1 - a)", Kind.DERIVATIVE,
          Claim(dL_dz, -(y / s - (1 - y) / (1 - s)) * s * (1 - s)),
          "[1] times [2] by the chain rule; checked against dL/dz, a = sigma(z)"),
    _step("L256-common", 256, S3,
          r"- \left[\frac{y(1-a)}{a(1-a)} - \frac{(a)(1-y)}{(a)(1-a)} \right] \cdot a(1-a)",
          Kind.DERIVATIVE,
          Claim(dL_dz, -(y * (1 - s) / (s * (1 - s)) - s * (1 - y) / (s * (1 - s))) * s * (1 - s)),
          "both fractions over a(1-a) ('通分'); checked against dL/dz"),
    _step("L262-common-one", 262, S3, r"- \left[\frac{y(1-a) + (a)1 - y}{a(1-a)} \right] \cdot a(1-a)",
          Kind.DERIVATIVE,
          Claim(dL_dz, -((y * (1 - s) + s * 1 - y) / (s * (1 - s))) * s * (1 - s)),
          "one fraction over the common denominator, as printed (numerator y(1-a) + a - y); "
          "checked against dL/dz",
          erratum=Erratum(
              r"\left[\frac{-y(1-a) + (a)(1-y)}{a(1-a)} \right] \cdot a(1-a)",
              "the numerator must be -y(1-a) + a(1-y) inside the bracket: as printed the minus is "
              "outside and (a)1 - y lacks the parentheses of (a)(1-y); the correction is the "
              "translator's own",
              Claim(dL_dz, ((-y * (1 - s) + s * (1 - y)) / (s * (1 - s))) * s * (1 - s))),
          note="注 (line 260): 下图有错误，负号应移入括号中，1-y也应有括号 -- 'the picture below is "
               "wrong: the minus sign should move into the bracket, and 1-y should have parentheses'"),
    _step("L268-numerator", 268, S3, r"-y(1-a) + (a)1 - y", Kind.DERIVATIVE,
          Claim(dL_dz, -y * (1 - s) + s * 1 - y),
          "the numerator left after a(1-a) cancels, as printed (-y(1-a) + a - y); checked against dL/dz",
          erratum=Erratum(r"-y(1-a) + (a)(1-y)",
                          "(a)1 - y must be (a)(1-y): as printed y is subtracted twice",
                          Claim(dL_dz, -y * (1 - s) + s * (1 - y))),
          note="注 (line 266): 1-y应有括号 -- '1-y should have parentheses'"),
    _step("L274-expanded", 274, S3, r"-y + ya + a - ay", Kind.DERIVATIVE,
          Claim(dL_dz, -y + y * s + s - s * y),
          "'expanded' ('展开得到'); right (it expands the corrected line 268, not the printed one)"),
    _step("L280-cancel", 280, S3, r"-y + a", Kind.DERIVATIVE, Claim(dL_dz, -y + s),
          "ya and ay cancel; checked against dL/dz"),
    _notation("L284-dL-dz", 284, S3, r"\frac{\partial L}{\partial z}",
              "names the result; its value follows at line 288"),
    _step("L288-a-minus-y", 288, S3, r"a - y", Kind.DERIVATIVE, Claim(dL_dz, s - y),
          "dL/dz = a - y, the final result of [3]"),
    _definition("L290-z-def", 290, S3, r"z = wX + b", "restates the linear function z"),

    # ---- [4] ---------------------------------------------------------------------------------
    _notation("L294-heading", 294, S4, r"\frac{\partial z}{\partial w}", "the section's picture: a bare symbol"),
    _definition("L300-z", 300, S4, r"W^T X + b",
                "defines z as W^T X + b (with a transpose, unlike line 242); the same as a scalar"),
    _step("L306-dz-dw", 306, S4, r"X", Kind.DERIVATIVE, Claim(Derivative(LINEAR, w), x),
          "dz/dw = X; checked as a scalar (d(w x + b)/dw = x)"),

    # ---- [5] ---------------------------------------------------------------------------------
    _notation("L312-heading", 312, S5, r"\frac{\partial L}{\partial w}", "the section's picture: a bare symbol"),
    _notation("L320-list", 320, S5,
              r"\frac{\partial L}{\partial a} \frac{\partial a}{\partial z} \frac{\partial z}{\partial w}",
              "lists three derivatives computed earlier; no values"),
    _notation("L327-dL-dz", 327, S5, r"\frac{\partial L}{\partial z}",
              "names the product of the first two derivatives; that product is checked at line 250"),
    _notation("L331-dz-dw", 331, S5, r"\frac{\partial z}{\partial w}", "names the next factor; no value"),
    _step("L335-chain", 335, S5, r"\frac{\partial L}{\partial z} \cdot x", Kind.DERIVATIVE,
          Claim(dL_dw, dL_dz_at(LINEAR) * x),
          "the chain rule: dL/dw = dL/dz (at z = w x + b) times x"),
    _step("L339-dw", 339, S5, r"x(a - y)", Kind.DERIVATIVE, Claim(dL_dw, x * (sw - y)),
          "dL/dw = x(a - y), a = sigma(w x + b)"),
    _step("L345-chain-long", 345, S5,
          r"\frac{\partial L}{\partial w} = \frac{\partial L}{\partial a} \cdot \frac{\partial a}{\partial z} \cdot \frac{\partial z}{\partial w}",
          Kind.DERIVATIVE,
          Claim(dL_dw, dL_da_at(sw) * sigmoid_prime_at(LINEAR) * Derivative(LINEAR, w)),
          "the chain rule written out, each factor at z = w x + b, a = sigma(z)"),
    _step("L351-cost", 351, S5, r"-\sum [y \ln(a) + (1 - y) \ln(1 - a)]", Kind.EQUALS,
          Claim(COST_A, -(y * log(a) + (1 - y) * log(1 - a))),
          "the cost, for one example (the sum has one term; the 1/m of line 88 is dropped here, "
          "the sum rather than the mean); checked against L(a, y)"),
    _step("L357-ln-a", 357, S5, r"\ln(1 + e^{-z})^{-1}", Kind.EQUALS,
          Claim(log(s), log((1 + e) ** -1)),
          "ln(a) with a = sigma(z); the exponent -1 read as applying to (1 + e^{-z}), as the next "
          "line shows is meant ((ln(1 + e^{-z}))^{-1} would be another, wrong, reading)"),
    _step("L363-ln-a", 363, S5, r"-\ln(1 + e^{-z})", Kind.EQUALS,
          Claim(log(s), -SOFTPLUS), "ln(a) = -ln(1 + e^{-z})"),
    _step("L367-ln-1-a", 367, S5, r"\ln \frac{e^{-z}}{(1 + e^{-z})}", Kind.EQUALS,
          Claim(log(1 - s), log(e / (1 + e))), "ln(1 - a) with a = sigma(z)"),
    _step("L373-ln-1-a", 373, S5, r"(-z - \ln(1 + e^{-z}))", Kind.EQUALS,
          Claim(log(1 - s), -z - SOFTPLUS), "ln(1 - a) = -z - ln(1 + e^{-z}), by the rule of logs"),
    _step("L379-plugged", 379, S5, r"\sum -y \ln(1 + e^{-z}) [(1 - y)(-z - \ln(1 + e^{-z}))]",
          Kind.EQUALS, Claim(COST_Z, -y * SOFTPLUS * ((1 - y) * (-z - SOFTPLUS))),
          "the two logs plugged back into the cost (as printed, the bracket multiplies the first "
          "term); checked against the cost L(sigma(z), y)",
          erratum=Erratum(
              r"-\sum \left[-y \ln(1 + e^{-z}) + (1 - y)(-z - \ln(1 + e^{-z}))\right]",
              "an operator is missing between -y ln(1 + e^{-z}) and the bracket (it is '+', as line "
              "387 expands it), and the cost's leading minus is lost (as in the original, 000 line "
              "402)",
              Claim(COST_Z, -(-y * SOFTPLUS + (1 - y) * (-z - SOFTPLUS))))),
    _step("L387-expanded", 387, S5,
          r"\sum -y \ln(1 + e^{-z}) - z - \ln(1 + e^{-z}) + yz + y \ln(1 + e^{-z})", Kind.EQUALS,
          Claim(COST_Z, -y * SOFTPLUS - z - SOFTPLUS + y * z + y * SOFTPLUS),
          "the bracket expanded; called the cost, checked against L(sigma(z), y)",
          erratum=Erratum(
              r"-\sum \left[-y \ln(1 + e^{-z}) - z - \ln(1 + e^{-z}) + yz + y \ln(1 + e^{-z})\right]",
              "the expression " + MINUS_L,
              Claim(COST_Z, -(-y * SOFTPLUS - z - SOFTPLUS + y * z + y * SOFTPLUS)))),
    _step("L393-cancel", 393, S5, r"-z - \ln(1 + e^{-z}) + yz", Kind.EQUALS,
          Claim(COST_Z, -z - SOFTPLUS + y * z),
          "the first and last terms cancelled; checked against the cost",
          erratum=Erratum(r"z + \ln(1 + e^{-z}) - yz", "the expression " + MINUS_L,
                          Claim(COST_Z, z + SOFTPLUS - y * z))),
    _step("L397-yz-out", 397, S5, r"yz - [z + \ln(1 + e^{-z})]", Kind.EQUALS,
          Claim(COST_Z, y * z - (z + SOFTPLUS)), "reordered; checked against the cost",
          erratum=Erratum(r"-(yz - [z + \ln(1 + e^{-z})])", "the expression " + MINUS_L,
                          Claim(COST_Z, -(y * z - (z + SOFTPLUS))))),
    _step("L401-ln-exp", 401, S5, r"yz - [\ln(e^z) + \ln(1 + e^{-z})]", Kind.EQUALS,
          Claim(COST_Z, y * z - (log(exp(z), evaluate=False) + SOFTPLUS)),
          "z written as ln(e^z); checked against the cost",
          erratum=Erratum(r"-(yz - [\ln(e^z) + \ln(1 + e^{-z})])", "the expression " + MINUS_L,
                          Claim(COST_Z, -(y * z - (log(exp(z), evaluate=False) + SOFTPLUS))))),
    _step("L405-log-rule", 405, S5, r"\ln(a) + \ln(b) = \ln(a.b)", Kind.EQUALS,
          Claim(log(pa) + log(pb), log(pa * pb)),
          "the rule of sums of logs, a, b > 0 generic (not the activation or the bias)", RULE_DOMAIN),
    _step("L405-exp-rule", 405, S5, r"e^a + e^b = e^{(a+b)}", Kind.EQUALS,
          Claim(exp(ra) + exp(rb), exp(ra + rb)),
          "'the rule of exp products', as printed a sum: e^a + e^b = e^{a+b}, a, b real generic",
          Domain(),
          erratum=Erratum(r"e^a \cdot e^b = e^{(a+b)}",
                          "exponents add under a product, not a sum (the original, 000 line 426, has "
                          "e^a * e^b)",
                          Claim(sp.Mul(exp(ra), exp(rb), evaluate=False), exp(ra + rb)))),
    _step("L409-log-sum", 409, S5, r"yz - [\ln((e^z) + (1 + e^{-z}))]", Kind.EQUALS,
          Claim(COST_Z, y * z - log(exp(z) + (1 + e))),
          "the logs summed, as printed with e^z + (1 + e^{-z}) inside the log; checked against the cost",
          erratum=Erratum(
              r"-(yz - [\ln((e^z) \cdot (1 + e^{-z}))])",
              "ln(u) + ln(v) = ln(u v): the '+' inside the log must be a product (as the translator's "
              "note says), and the expression, like its neighbours, " + MINUS_L,
              Claim(COST_Z, -(y * z - log(exp(z) * (1 + e))))),
          note="注 (line 407): 中括号中的第一个加号应为乘号 -- 'the first plus sign inside the square "
               "bracket should be a multiplication sign'"),
    _step("L415-log1p", 415, S5, r"yz - [\ln(1 + e^z)]", Kind.EQUALS,
          Claim(COST_Z, y * z - log(1 + exp(z))),
          "e^z (1 + e^{-z}) multiplied out to 1 + e^z; checked against the cost",
          erratum=Erratum(r"-(yz - [\ln(1 + e^z)]) = \ln(1 + e^z) - yz", "the expression " + MINUS_L,
                          Claim(COST_Z, log(1 + exp(z)) - y * z))),
    _step("L421-bracket", 421, S5, r"[yz - \ln(1 + e^z)]", Kind.EQUALS,
          Claim(COST_Z, NEG_LOGLIK), "rewritten ('重写得到'); checked against the cost",
          erratum=Erratum(r"-[yz - \ln(1 + e^z)]", "the expression " + MINUS_L,
                          Claim(COST_Z, -NEG_LOGLIK))),
    _notation("L425-operator", 425, S5, r"\frac{\partial L}{\partial w} [yz - \ln(1 + e^z)]",
              "an operator written as a product: 'take d/dw of the bracket', with dL/dw standing "
              "for d/dw (the prose calls it 'the cost's partial derivative w.r.t. W', the caption "
              "'take derivative w.r.t W'); it asserts no value (the derivative is taken at line 431)"),
    _step("L431-dw-terms", 431, S5, r"yx - \frac{x \cdot e^{wx}}{1 + e^{wx}}", Kind.DERIVATIVE,
          Claim(Derivative(NEG_LOGLIK.subs(z, LINEAR), w), y * x - x * exp(w * x) / (1 + exp(w * x))),
          "d/dw of the line-421 bracket [yz - ln(1 + e^z)] with z = w x + b (that bracket is -L, "
          "so this is -dL/dw); checked against that derivative",
          erratum=Erratum(r"yx - \frac{x \cdot e^{wx+b}}{1 + e^{wx+b}}",
                          "z = w x + b: the bias is dropped from both exponents (as in the original)",
                          Claim(Derivative(NEG_LOGLIK.subs(z, LINEAR), w),
                                y * x - x * exp(LINEAR) / (1 + exp(LINEAR))))),
    _step("L437-second-term", 437, S5, r"x \cdot \text{sig}(z)", Kind.DERIVATIVE,
          Claim(Derivative(log(1 + exp(LINEAR)), w), x * sw),
          "the second term, d/dw ln(1 + e^z) with z = w x + b, is x sigma(z); checked against that "
          "derivative (the term printed at line 431 dropped b, recorded there)"),
    _step("L441-final", 441, S5, r"- [yx - x \cdot \text{sig}(z)]", Kind.DERIVATIVE,
          Claim(dL_dw, -(y * x - x * sw)),
          "checked against dL/dw; the leading minus, lost at line 379, is back"),
    _step("L445-pull-x", 445, S5, r"-x [y - \text{sig}(z)]", Kind.DERIVATIVE,
          Claim(dL_dw, -x * (y - sw)), "x pulled out; checked against dL/dw"),
    _step("L449-dL-dw", 449, S5, r"\frac{\partial L}{\partial w} = x [a - y]", Kind.DERIVATIVE,
          Claim(dL_dw, x * (sw - y)), "dL/dw = x(a - y), the final result of [5]"),

    # ---- [6] ---------------------------------------------------------------------------------
    _notation("L455-heading", 455, S6, r"\frac{\partial L}{\partial b}", "the section's picture: a bare symbol"),
    _step("L461-chain", 461, S6, r"\frac{\partial L}{\partial z} \cdot \frac{\partial z}{\partial b}",
          Kind.DERIVATIVE, Claim(dL_db, dL_dz_at(LINEAR) * Derivative(LINEAR, b)),
          "the chain rule: dL/db = dL/dz (at z = w x + b) times dz/db"),
    _definition("L465-z-def", 465, S6, r"z=wx+b",
                "restates z (the sentence adds that its derivative w.r.t. b is 1, checked at line 461)"),
    _step("L467-dL-dz", 467, S6, r"\frac{\partial L}{\partial z}", Kind.DERIVATIVE,
          Claim(dL_db, dL_dz_at(LINEAR)), "'so the result is the cost's derivative w.r.t. z': dL/db = dL/dz"),
    _step("L471-a-minus-y", 471, S6, r"a - y", Kind.DERIVATIVE, Claim(dL_db, sw - y), "dL/db = a - y"),
    _definition("L473-z-def", 473, S6, r"z = wx + b", "restates the linear function z"),
    _step("L477-bracket", 477, S6, r"[yz - \ln(1 + e^z)]", Kind.EQUALS,
          Claim(COST_Z, NEG_LOGLIK),
          "the line-421 expression, 'the intermediate result of the weight derivative', to be "
          "differentiated as the cost; checked against the cost",
          erratum=Erratum(r"-[yz - \ln(1 + e^z)]", "the expression " + MINUS_L,
                          Claim(COST_Z, -NEG_LOGLIK))),
    _definition("L479-z-def", 479, S6, r"z = wx + b", "restates the linear function z"),
    _definition("L481-z-def", 481, S6, r"z=wx+b", "restates z, to be substituted into the line above"),
    _notation("L483-operator", 483, S6,
              r"\frac{\partial L}{\partial b} y(wx + b) - \frac{\partial L}{\partial b} \ln(1 + e^{wx+b})",
              "operators written as products: 'take d/db of each term', with dL/db standing for "
              "d/db; it asserts no value (the terms' derivatives follow at lines 491-501)"),
    _step("L491-dlog", 491, S6, r"\frac{e^{wx+b}}{1 + e^{wx+b}}", Kind.DERIVATIVE,
          Claim(Derivative(log(1 + exp(LINEAR)), b), exp(LINEAR) / (1 + exp(LINEAR))),
          "d/db ln(1 + e^{wx+b}), as the caption says"),
    _step("L497-a", 497, S6, r"a", Kind.EQUALS,
          Claim(exp(LINEAR) / (1 + exp(LINEAR)), sw),
          "'dividing numerator and denominator by e^{wx+b} gives the activation (sigmoid)', a "
          "(plain text in the source): e^z/(1 + e^z) = sigma(z)"),
    _step("L501-final", 501, S6, r"[a - y]", Kind.DERIVATIVE, Claim(dL_db, sw - y),
          "'final result': dL/db = a - y (as d/db of the line-477 bracket, -L, it would be y - a; "
          "the sign is restored silently here)"),
    _step("L507-db-dz", 507, S6, r"\frac{\partial L}{\partial z}", Kind.DERIVATIVE,
          Claim(dL_db, dL_dz_at(LINEAR)), "'db' = 'dz': dL/db = dL/dz at z = w x + b"),

    _notation("L513-list", 513, SUMMARY,
              r"\frac{\partial L}{\partial a} \frac{\partial L}{\partial z} \frac{\partial L}{\partial w} \frac{\partial L}{\partial b}",
              "lists the four derivatives computed; no values"),
)

# the matrix reading of the Coursera lines, each step right after its scalar one (as in 000)
STEPS = with_twins(STEPS, {
    "L43-dZL": coursera.dZ_out(),
    "L44-dWL": coursera.dW("L", "L"),
    "L45-dbL": coursera.db("L"),
    "L46-dZL-1": coursera.dZ_back("L-1", "dW", "L", "L", "L", elementwise=False),
    # L = 2 last: there dW^{[L]} is layer 2's and the gradient and the matrix product with g' fail
    "L48-dZ1": coursera.dZ_back("1", "dW", "L", "2", "1", elementwise=False, depths=(3, 4, 2)),
    "L49-dW1": coursera.dW("1", "1"),
    "L50-db1": coursera.db("1"),
})

DERIVATION = Derivation(
    title="All the Backpropagation derivatives (Patrick David, 2018), a Chinese translation with notes",
    source=SOURCE,
    convention="column-major: Z = W X + b, X is n x m; one logistic unit z = w x + b, a = sigmoid(z), "
               "L = BCE; the L-layer equations checked as scalars (m = 1, one unit per layer) and as "
               "matrices (L = 2, 3, 4, m up to 2)",
    steps=STEPS,
    definitions=DEFINITIONS,
)
