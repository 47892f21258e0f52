"""Document 000: Patrick David, "All the Backpropagation derivatives" (Medium, 7 June 2018).

Source: ``derivations/sources/000_5d11cb42887d6a8c.txt``.  One logistic unit,
``z = w x + b``, ``a = sigmoid(z)``, cross-entropy cost ``L(a, y)``; the
derivatives dL/da, da/dz, dL/dz, dz/dw, dL/dw and dL/db, each by the chain
rule and by direct computation; the Coursera L-layer forward and backward
equations at the top and in "Wrapping up".

Every displayed formula is a step, in document order, with its LaTeX exactly
as printed; so is every inline formula that claims something.  Lines of an
``aligned`` block are steps of their own.  A wrong line is encoded as written
and carries an :class:`~derivations.model.Erratum` with the corrected claim.

Conventions of the checks (see :mod:`derivations.logistic`):

* where the document works with ``a`` as a free variable (dL/da), ``a`` lies
  in (0, 1); where it works in ``z``, ``a = sigmoid(z)`` is substituted;
* every line of a chain is checked against the quantity the document says it
  equals (e.g. each line of [3] against dL/dz), and the direct-computation
  lines that the document calls the cost are checked against the cost;
* the vectorised Coursera equations are checked as scalars (one example, one
  unit per layer, three layers: tanh, identity, sigmoid), and each backward line
  again, right after, as matrices (:mod:`derivations.coursera`: column-major,
  L = 2, 3, 4, tanh hidden layers and a sigmoid output, m up to 2), in the step
  ``<id>-matrix``.

Examples
--------
>>> len(DERIVATION.steps) > 100
True
>>> print(DERIVATION.step("L210-outer-inner").erratum.correction)
-(1 + e^{-z})^{-2} \\cdot [e^{-z} \\cdot -1]
"""
from __future__ import annotations

import sympy as sp
from sympy import Derivative, Subs, exp, log

from gradproof.derivations import coursera
from gradproof.derivations.coursera import with_twins
from gradproof.derivations.encoding import StepMaker
from gradproof.derivations.logistic import (
    B, COST_A, COST_Z, DEFINITIONS, DOMAIN, DZ2, G, LINEAR, LN_DOMAIN, NEG_LOGLIK, NET_DOMAIN,
    RULE_DOMAIN, SCALAR_NET, SOFTPLUS, W, Z, Z1_OF_X, Z2_OF_Z1, Z3_OF_A2, Z3_OF_Z2, A, a, b,
    cost_from, dL_da, dL_da_at, dL_db, dL_dw, dL_dz, dL_dz_at, dZ, ds, e, g_prime, p, pa, pb, q,
    ra, rb, s, sigmoid_prime_at, sw, w, x, xp, y, z,
)
from gradproof.derivations.model import Claim, Derivation, Erratum, Kind
from gradproof.symbolic.activations import sigmoid
from gradproof.symbolic.domain import Domain

__all__ = ["DERIVATION", "SOURCE"]

SOURCE = "000_5d11cb42887d6a8c.txt"

# the document's own locators
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

_make = StepMaker(SOURCE, DOMAIN)
_step, _notation, _definition = _make.step, _make.notation, _make.definition


STEPS = (
    _notation("L13-title", 13, TITLE, r"\frac{\partial \mathcal{L}}{\partial a}",
              "the caption of the title picture: a bare derivative symbol, no value"),

    # ---- Forwardpropagation Equations -------------------------------------------------------
    _definition("L22-Z1", 22, FORWARD, r"Z^{[1]} &= W^{[1]}X + b^{[1]}",
                "defines the first layer's linear part Z^{[1]}"),
    _definition("L23-A1", 23, FORWARD, r"A^{[1]} &= g^{[1]}(Z^{[1]})",
                "defines the first layer's activation A^{[1]}"),
    _definition("L24-Z2", 24, FORWARD, r"Z^{[2]} &= W^{[2]}A^{[1]} + b^{[2]}",
                "defines Z^{[2]} from A^{[1]}"),
    _definition("L25-A2", 25, FORWARD, r"A^{[2]} &= g^{[2]}(Z^{[2]})",
                "defines A^{[2]}; each layer may have its own g^{[l]}"),
    _notation("L26-vdots", 26, FORWARD, r"&\vdots", "an ellipsis: the same two equations for every layer"),
    _definition("L27-AL", 27, FORWARD, r"A^{[L]} &= g^{[L]}(Z^{[L]}) = \hat{Y}",
                "defines the output A^{[L]}, the prediction Y-hat"),

    # ---- Backprop Equations ------------------------------------------------------------------
    _step("L35-dZL", 35, BACKPROP, r"dZ^{[L]} &= A^{[L]} - Y", Kind.DERIVATIVE,
          Claim(Derivative(cost_from(3, Z[3]), Z[3]), G[3](Z[3]) - y),
          "dZ^{[L]} = dL/dZ^{[L]} equals A^{[L]} - Y for a sigmoid output and BCE. " + SCALAR_NET,
          NET_DOMAIN),
    _step("L36-dWL", 36, BACKPROP, r"dW^{[L]} &= \frac{1}{m} dZ^{[L]} A^{[L]T}", Kind.DERIVATIVE,
          Claim(Derivative(cost_from(3, Z3_OF_A2), W[3]), dZ(3, Z3_OF_A2) * G[3](Z3_OF_A2)),
          "dW^{[L]} = dL/dW^{[L]} is claimed to be dZ^{[L]} times the layer's own output A^{[L]}. "
          + SCALAR_NET, NET_DOMAIN,
          erratum=Erratum(
              r"dW^{[L]} = \frac{1}{m} dZ^{[L]} A^{[L-1]T}",
              "Z^{[L]} = W^{[L]} A^{[L-1]} + b^{[L]}, so the factor is the layer's input A^{[L-1]}, "
              "not its output A^{[L]}",
              Claim(Derivative(cost_from(3, Z3_OF_A2), W[3]), dZ(3, Z3_OF_A2) * A[2]))),
    _step("L37-dbL", 37, BACKPROP,
          r"db^{[L]} &= \frac{1}{m} np.\text{sum}(dZ^{[L]}, axis = 1, keepdims = True)",
          Kind.DERIVATIVE,
          Claim(Derivative(cost_from(3, Z3_OF_A2), B[3]), dZ(3, Z3_OF_A2)),
          "db^{[L]} = dL/db^{[L]} is dZ^{[L]} (summed over the batch, over m). " + SCALAR_NET,
          NET_DOMAIN),
    _step("L38-dZL-1", 38, BACKPROP, r"dZ^{[L-1]} &= W^{[L]T} dZ^{[L]} g'^{[L]}(Z^{[L-1]})",
          Kind.DERIVATIVE,
          Claim(DZ2, W[3] * dZ(3, Z3_OF_Z2) * g_prime(3, Z[2])),
          "dZ^{[L-1]} = dL/dZ^{[L-1]} is claimed to be W^{[L]T} dZ^{[L]} times the derivative of "
          "layer L's activation at Z^{[L-1]}. " + SCALAR_NET, NET_DOMAIN,
          erratum=Erratum(
              r"dZ^{[L-1]} = W^{[L]T} dZ^{[L]} * g'^{[L-1]}(Z^{[L-1]})",
              "A^{[L-1]} = g^{[L-1]}(Z^{[L-1]}), so the factor is layer L-1's activation derivative "
              "g'^{[L-1]}, not g'^{[L]}; the product with it is element-wise (*), which a scalar "
              "check cannot show",
              Claim(DZ2, W[3] * dZ(3, Z3_OF_Z2) * g_prime(2, Z[2])))),
    _notation("L39-vdots", 39, BACKPROP, r"&\vdots", "an ellipsis: the same equations for layers L-2, ..., 2"),
    _step("L40-dZ1", 40, BACKPROP, r"dZ^{[1]} &= W^{[L]T} dZ^{[2]} g'^{[1]}(Z^{[1]})",
          Kind.DERIVATIVE,
          Claim(Derivative(cost_from(1, Z[1]), Z[1]), W[3] * dZ(2, Z2_OF_Z1) * g_prime(1, Z[1])),
          "dZ^{[1]} = dL/dZ^{[1]} is claimed to be W^{[L]T} dZ^{[2]} g'^{[1]}(Z^{[1]}). "
          + SCALAR_NET, NET_DOMAIN,
          erratum=Erratum(
              r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g'^{[1]}(Z^{[1]})",
              "Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}, so the weight is W^{[2]}; W^{[L]} is right only "
              "when L = 2",
              Claim(Derivative(cost_from(1, Z[1]), Z[1]), W[2] * dZ(2, Z2_OF_Z1) * g_prime(1, Z[1])))),
    _step("L41-dW1", 41, BACKPROP, r"dW^{[1]} &= \frac{1}{m} dZ^{[1]} A^{[1]T}", Kind.DERIVATIVE,
          Claim(Derivative(cost_from(1, Z1_OF_X), W[1]), dZ(1, Z1_OF_X) * G[1](Z1_OF_X)),
          "dW^{[1]} = dL/dW^{[1]} is claimed to be dZ^{[1]} times the layer's output A^{[1]}. "
          + SCALAR_NET, NET_DOMAIN,
          erratum=Erratum(
              r"dW^{[1]} = \frac{1}{m} dZ^{[1]} A^{[0]T} = \frac{1}{m} dZ^{[1]} X^T",
              "Z^{[1]} = W^{[1]} X + b^{[1]}, so the factor is the layer's input A^{[0]} = X, not "
              "A^{[1]} (the same slip as line 36)",
              Claim(Derivative(cost_from(1, Z1_OF_X), W[1]), dZ(1, Z1_OF_X) * x))),
    _step("L42-db1", 42, BACKPROP,
          r"db^{[1]} &= \frac{1}{m} np.\text{sum}(dZ^{[1]}, axis = 1, keepdims = True)",
          Kind.DERIVATIVE,
          Claim(Derivative(cost_from(1, Z1_OF_X), B[1]), dZ(1, Z1_OF_X)),
          "db^{[1]} = dL/db^{[1]} is dZ^{[1]} (summed over the batch, over m). " + SCALAR_NET,
          NET_DOMAIN),

    # ---- introduction ------------------------------------------------------------------------
    _step("L59-dz", 59, DZ_CAPTION, r"A - Y", Kind.DERIVATIVE,
          Claim(dL_dz, s - y),
          "the caption calls A - Y 'the derivative of our linear function - dz': checked as dL/dz "
          "= a - y with a = sigmoid(z), one example"),
    _step("L66-dL-da", 66, DA_CAPTION,
          r"\frac{\partial L}{\partial a} = \left[\frac{-y}{a} + \frac{(1-y)}{(1-a)} \right]",
          Kind.DERIVATIVE, Claim(dL_da, -y / a + (1 - y) / (1 - a)),
          "dL/da of the per-example cost, a free in (0, 1)"),

    # ---- Our Neural Network ------------------------------------------------------------------
    _notation("L82-cost-name", 82, NETWORK, r"\mathcal{L}(a, y)",
              "names the cross-entropy cost; its formula follows at line 90"),
    _definition("L90-cost", 90, NETWORK,
                r"L(a, y) = -\frac{1}{m} \left[\sum_{i=1}^m y \ln(a) + (1 - y) \ln(1 - a) \right]",
                "defines the cost as the batch mean of -(y ln a + (1-y) ln(1-a)) (the summands "
                "carry no index i); per example it is symbolic.losses.bce(a, y)"),
    _notation("L96-cost-name", 96, NETWORK, r"L(a, y)", "names the cost function"),
    _notation("L102-list", 102, NETWORK,
              r"\frac{\partial L}{\partial a} \frac{\partial L}{\partial z} \frac{\partial L}{\partial w} \frac{\partial L}{\partial b}",
              "lists the four derivatives to be computed; no values"),

    # ---- [1] ---------------------------------------------------------------------------------
    _notation("L114-heading", 114, S1, r"\frac{\partial L}{\partial a}",
              "the section's picture: a bare derivative symbol"),
    _notation("L120-cost-name", 120, S1, r"L(a, y)", "names the cost function"),
    _notation("L124-a2", 124, S1, r"a^{[2]}", "names the activation being differentiated against"),
    _step("L130-dL-da-cost", 130, S1,
          r"\frac{\partial L}{\partial a} = [y \ln(a) + (1 - y) \ln(1 - a)]", Kind.DERIVATIVE,
          Claim(dL_da, y * log(a) + (1 - y) * log(1 - a)),
          "claims dL/da equals the bracket; checked against dL/da of the cost",
          erratum=Erratum(
              r"\frac{\partial L}{\partial a} = \frac{\partial}{\partial a}\left(-[y \ln(a) + (1 - y) \ln(1 - a)]\right)",
              "the right side is the log-likelihood -L (the cost without its minus sign), not its "
              "derivative: the d/da is missing, and so is the minus that the next line 'moves'",
              Claim(dL_da, Derivative(-(y * log(a) + (1 - y) * log(1 - a)), a)))),
    _step("L136-distribute", 136, S1, r"[-y \ln(a) - (1 - y) \ln(1 - a)]", Kind.EQUALS,
          Claim(COST_A, -y * log(a) - (1 - y) * log(1 - a)),
          "the cost with the minus sign distributed; checked against L(a, y)"),
    _step("L142-lhs-deriv", 142, S1, r"\frac{-y}{\ln(a)}", Kind.DERIVATIVE,
          Claim(Derivative(-y * log(a), a), -y / log(a)),
          "the derivative of the left term -y ln(a) w.r.t. a",
          erratum=Erratum(r"\frac{-y}{a}", "d/da ln(a) = 1/a: the a became ln(a) in the denominator",
                          Claim(Derivative(-y * log(a), a), -y / a))),
    _notation("L148-not-1-over", 148, S1, r"1/(1-a)",
              "named as what the derivative of ln(1-a) is *not*: an inequality, which a claim cannot "
              "state; the derivative itself, -1/(1-a), is checked at lines 154-156"),
    _step("L150-log-chain", 150, S1, r"\frac{d}{dx} [\ln g(x)] = \frac{1}{g(x)} g'(x)",
          Kind.DERIVATIVE,
          Claim(Derivative(log(1 - xp), xp), Derivative(1 - xp, xp) / (1 - xp)),
          "the chain rule for a log; checked on the instance the document applies it to, "
          "g(x) = 1 - x, x in (0, 1) (an undefined g would leave no point to refute a wrong rule)",
          Domain.of({xp: (0, 1)})),
    _step("L154-inner", 154, S1, r"(1-a) = -1", Kind.DERIVATIVE,
          Claim(Derivative(1 - a, a), -1),
          "'The derivative of (1-a) = -1': d/da (1 - a) = -1"),
    _step("L156-dL-da-signs", 156, S1,
          r"\frac{\partial L}{\partial a} = \left[\frac{-y}{a} - (-) \frac{(1-y)}{(1-a)} \right]",
          Kind.DERIVATIVE, Claim(dL_da, -y / a - (-1) * (1 - y) / (1 - a)),
          "dL/da, with the inner derivative's sign shown as '(-)', read as (-1)"),
    _step("L160-dL-da", 160, S1,
          r"\frac{\partial L}{\partial a} = \left[\frac{-y}{a} + \frac{(1-y)}{(1-a)} \right]",
          Kind.DERIVATIVE, Claim(dL_da, -y / a + (1 - y) / (1 - a)), "dL/da, the final result of [1]"),
    _notation("L162-garbled", 162, S1, r"\partial a = a(1-a)",
              "garbled in extraction: the picture heading [2] (da/dz = a(1-a)) lost its dz; 'the "
              "differential da equals a(1-a)' is not what is meant, and is checked at line 242"),

    # ---- the proof that ln' = 1/x ------------------------------------------------------------
    _definition("L170-f-def", 170, PROOF, r"f(x) = \ln(x)", "defines f = ln, x > 0"),
    _definition("L170-goal", 170, PROOF, r"f'(x) = [\ln(x)]'", "names the goal: f' is the derivative of ln"),
    _step("L174-exp-f", 174, PROOF, r"e^{f(x)} = x", Kind.EQUALS,
          Claim(exp(log(xp)), xp), "exp inverts ln: e^{ln x} = x for x > 0", LN_DOMAIN),
    _step("L178-row1", 178, PROOF, r"[e^{f(x)}]' &= [x]'", Kind.DERIVATIVE,
          Claim(Derivative(exp(log(xp)), xp), Derivative(xp, xp)),
          "both sides of e^{f(x)} = x differentiated, f = ln", LN_DOMAIN),
    _step("L178-row2", 178, PROOF, r"e^{f(x)} \cdot f'(x) &= 1", Kind.DERIVATIVE,
          Claim(exp(log(xp)) * Derivative(log(xp), xp), 1),
          "the chain rule on the left: e^{f(x)} f'(x) = 1, f = ln", LN_DOMAIN),
    _step("L178-row3", 178, PROOF, r"x \cdot f'(x) &= 1", Kind.DERIVATIVE,
          Claim(xp * Derivative(log(xp), xp), 1), "e^{f(x)} replaced by x: x f'(x) = 1", LN_DOMAIN),
    _step("L182-row1", 182, PROOF, r"f'(x) &= \frac{1}{x}", Kind.DERIVATIVE,
          Claim(Derivative(log(xp), xp), 1 / xp), "solved for f'(x), f = ln", LN_DOMAIN),
    _step("L182-row2", 182, PROOF, r"[\ln(x)]' &= \frac{1}{x}", Kind.DERIVATIVE,
          Claim(Derivative(log(xp), xp), 1 / xp), "d/dx ln(x) = 1/x", LN_DOMAIN),

    # ---- [2] ---------------------------------------------------------------------------------
    _notation("L190-heading", 190, S2, r"\partial a",
              "garbled in extraction: the picture heading da/dz lost its denominator"),
    _definition("L198-sigmoid", 198, S2, r"\frac{1}{1+e^{-z}}", "defines the sigmoid sigma(z)"),
    _step("L204-rearranged", 204, S2, r"(1 + e^{-z})^{-1}", Kind.EQUALS,
          Claim(s, (1 + e) ** -1), "the sigmoid rewritten as a power; checked against sigma(z)"),
    _step("L210-outer-inner", 210, S2, r"-(1 + e^{-z})^{-1} \cdot [e^{-z} \cdot -1]", Kind.DERIVATIVE,
          Claim(ds, -(1 + e) ** -1 * (e * -1)),
          "outer derivative times inner derivative: claimed to be da/dz",
          erratum=Erratum(r"-(1 + e^{-z})^{-2} \cdot [e^{-z} \cdot -1]",
                          "the outer derivative of u^{-1} is -u^{-2}: the exponent must drop by one, "
                          "to -2 (the next line has the square)",
                          Claim(ds, -(1 + e) ** -2 * (e * -1)))),
    _step("L216-over", 216, S2, r"\frac{e^{-z}}{(1+e^{-z})^2}", Kind.DERIVATIVE,
          Claim(ds, e / (1 + e) ** 2), "da/dz, rearranged"),
    _step("L222-add-one", 222, S2, r"\frac{1}{1+e^{-z}} \cdot \frac{1+(e^{-z})-1}{(1+e^{-z})}",
          Kind.DERIVATIVE, Claim(ds, 1 / (1 + e) * ((1 + e - 1) / (1 + e))),
          "da/dz as a product of two fractions, with 1 added and taken away"),
    _step("L228-rhs", 228, S2, r"\left[1 - \frac{1}{1+e^{-z}} \right]", Kind.EQUALS,
          Claim((1 + e - 1) / (1 + e), 1 - 1 / (1 + e)),
          "the second fraction (1 + e^{-z} - 1)/(1 + e^{-z}) simplified; checked against it"),
    _step("L232-one-minus", 232, S2, r"(1 - \text{sig}(z))", Kind.EQUALS,
          Claim((1 + e - 1) / (1 + e), 1 - s),
          "the second fraction is 1 - sigma(z); checked against the fraction"),
    _step("L238-sig", 238, S2, r"\text{sig}(z) \cdot (1 - \text{sig}(z))", Kind.DERIVATIVE,
          Claim(ds, s * (1 - s)), "da/dz = sigma(z)(1 - sigma(z)), the final result of [2]"),
    _step("L242-a", 242, S2, r"a(1 - a)", Kind.DERIVATIVE,
          Claim(ds, s * (1 - s)), "da/dz = a(1 - a) with a = sigma(z)"),

    # ---- [3] ---------------------------------------------------------------------------------
    _notation("L250-garbled", 250, S3, r"\underline{\partial L}",
              "garbled in extraction: the numerator of the picture heading dL/dz"),
    _notation("L252-garbled", 252, S3, r"\partial z", "garbled in extraction: the denominator of dL/dz"),
    _definition("L254-z-def", 254, S3, r"z = wX + b", "defines the linear function z"),
    _step("L258-chain", 258, S3, r"\frac{\partial L}{\partial a} \cdot \frac{\partial a}{\partial z}",
          Kind.DERIVATIVE, Claim(dL_dz, dL_da_at(s) * ds),
          "the chain rule: dL/dz = dL/da (at a = sigma(z)) times da/dz"),
    _step("L262-der1-der2", 262, S3, r"-\left[\frac{y}{a} - \frac{(1-y)}{(1-a)} \right] \cdot a(1-a)",
          Kind.DERIVATIVE, Claim(dL_dz, -(y / s - (1 - y) / (1 - s)) * s * (1 - s)),
          "[1] times [2]; checked against dL/dz, a = sigma(z)"),
    _step("L270-common", 270, S3,
          r"-\left[\frac{y(1-a)}{a(1-a)} - \frac{(a)(1-y)}{(a)(1-a)} \right] \cdot a(1-a)",
          Kind.DERIVATIVE,
          Claim(dL_dz, -(y * (1 - s) / (s * (1 - s)) - s * (1 - y) / (s * (1 - s))) * s * (1 - s)),
          "both fractions over a(1-a); checked against dL/dz"),
    _step("L276-plus", 276, S3, r"-\left[\frac{y(1-a) + (a)(1-y)}{a(1-a)} \right] \cdot a(1-a)",
          Kind.DERIVATIVE, Claim(dL_dz, -((y * (1 - s) + s * (1 - y)) / (s * (1 - s))) * s * (1 - s)),
          "one fraction over the common denominator; checked against dL/dz",
          erratum=Erratum(r"-\left[\frac{y(1-a) - (a)(1-y)}{a(1-a)} \right] \cdot a(1-a)",
                          "the two fractions of line 270 are subtracted: the numerator's '+' must be '-'",
                          Claim(dL_dz, -((y * (1 - s) - s * (1 - y)) / (s * (1 - s))) * s * (1 - s)))),
    _step("L282-numerator", 282, S3, r"-y(1-a) + (a)(1-y)", Kind.DERIVATIVE,
          Claim(dL_dz, -y * (1 - s) + s * (1 - y)),
          "the numerator left after a(1-a) cancels; right again (it follows line 270, not line 276)"),
    _step("L288-expanded", 288, S3, r"-y + ya + a - ay", Kind.DERIVATIVE,
          Claim(dL_dz, -y + y * s + s - s * y), "expanded; checked against dL/dz"),
    _step("L294-cancel", 294, S3, r"-y + a", Kind.DERIVATIVE, Claim(dL_dz, -y + s),
          "ya and ay cancel; checked against dL/dz"),
    _notation("L298-dL-dz", 298, S3, r"\frac{\partial L}{\partial z}",
              "names the result; its value follows at line 304"),
    _step("L304-a-minus-y", 304, S3, r"a - y", Kind.DERIVATIVE, Claim(dL_dz, s - y),
          "dL/dz = a - y, the final result of [3]"),
    _definition("L306-z-def", 306, S3, r"z = wX + b", "restates the linear function z"),

    # ---- [4] ---------------------------------------------------------------------------------
    _notation("L312-heading", 312, S4, r"\frac{\partial z}{\partial w}", "the section's picture: a bare symbol"),
    _definition("L318-z", 318, S4, r"W^T X + b",
                "defines z as W^T X + b (with a transpose, unlike line 254); the same as a scalar"),
    _step("L324-dz-dw", 324, S4, r"X", Kind.DERIVATIVE, Claim(Derivative(LINEAR, w), x),
          "dz/dw = X; checked as a scalar (d(w x + b)/dw = x)"),

    # ---- [5] ---------------------------------------------------------------------------------
    _notation("L332-heading", 332, S5, r"\frac{\partial L}{\partial w}", "the section's picture: a bare symbol"),
    _notation("L340-list", 340, S5,
              r"\frac{\partial L}{\partial a} \quad \frac{\partial a}{\partial z} \quad \frac{\partial z}{\partial w}",
              "lists three derivatives computed earlier; no values"),
    _notation("L346-dL-dz", 346, S5, r"\frac{\partial L}{\partial z}",
              "names the product of the first two derivatives; that product is checked at line 258"),
    _notation("L350-dz-dw", 350, S5, r"\frac{\partial z}{\partial w}", "names the next factor; no value"),
    _step("L354-chain", 354, S5, r"\frac{\partial L}{\partial z} \cdot x", Kind.DERIVATIVE,
          Claim(dL_dw, dL_dz_at(LINEAR) * x),
          "the chain rule: dL/dw = dL/dz (at z = w x + b) times x"),
    _step("L358-dw", 358, S5, r"x(a - y)", Kind.DERIVATIVE, Claim(dL_dw, x * (sw - y)),
          "dL/dw = x(a - y), a = sigma(w x + b)"),
    _step("L364-chain-long", 364, S5,
          r"\frac{\partial L}{\partial w} = \frac{\partial L}{\partial a} \cdot \frac{\partial a}{\partial z} \cdot \frac{\partial z}{\partial w}",
          Kind.DERIVATIVE,
          Claim(dL_dw, dL_da_at(sw) * sigmoid_prime_at(LINEAR) * Derivative(LINEAR, w)),
          "the chain rule written out, each factor at z = w x + b, a = sigma(z)"),
    _step("L372-cost", 372, S5, r"-\sum [y \ln(a) + (1 - y) \ln(1 - a)]", Kind.EQUALS,
          Claim(COST_A, -(y * log(a) + (1 - y) * log(1 - a))),
          "the cost, for one example (the sum has one term; note the 1/m of line 90 is dropped "
          "here, the sum rather than the mean); checked against L(a, y)"),
    _step("L378-ln-a", 378, S5, r"\ln(1 + e^{-z})^{-1}", Kind.EQUALS,
          Claim(log(s), log((1 + e) ** -1)),
          "ln(a) with a = sigma(z); the exponent -1 read as applying to (1 + e^{-z}), as the next "
          "line shows is meant ((ln(1 + e^{-z}))^{-1} would be another, wrong, reading)"),
    _step("L384-ln-a", 384, S5, r"-\ln(1 + e^{-z})", Kind.EQUALS,
          Claim(log(s), -SOFTPLUS), "ln(a) = -ln(1 + e^{-z})"),
    _step("L388-ln-1-a", 388, S5, r"\ln \frac{e^{-z}}{(1 + e^{-z})}", Kind.EQUALS,
          Claim(log(1 - s), log(e / (1 + e))), "ln(1 - a) with a = sigma(z)"),
    _step("L394-ln-1-a", 394, S5, r"(-z - \ln(1 + e^{-z}))", Kind.EQUALS,
          Claim(log(1 - s), -z - SOFTPLUS), "ln(1 - a) = -z - ln(1 + e^{-z})"),
    _step("L398-log-rule", 398, S5, r"\log(p/q) = \log(p) - \log(q)", Kind.EQUALS,
          Claim(log(p / q), log(p) - log(q)), "the rule of logs, p, q > 0", RULE_DOMAIN),
    _step("L402-plugged", 402, S5, r"\sum -y \ln(1 + e^{-z}) [(1 - y)(-z - \ln(1 + e^{-z}))]",
          Kind.EQUALS, Claim(COST_Z, -y * SOFTPLUS * ((1 - y) * (-z - SOFTPLUS))),
          "the two logs plugged back into the cost (as printed, the bracket multiplies the first "
          "term); checked against the cost L(sigma(z), y)",
          erratum=Erratum(
              r"-\sum \left[-y \ln(1 + e^{-z}) + (1 - y)(-z - \ln(1 + e^{-z}))\right]",
              "an operator is missing between -y ln(1 + e^{-z}) and the bracket (it is '+', as line "
              "408 expands it), and the cost's leading minus is lost: what is printed is neither "
              "the cost nor the log-likelihood",
              Claim(COST_Z, -(-y * SOFTPLUS + (1 - y) * (-z - SOFTPLUS))))),
    _step("L408-expanded", 408, S5,
          r"\sum -y \ln(1 + e^{-z}) - z - \ln(1 + e^{-z}) + yz + y \ln(1 + e^{-z})", Kind.EQUALS,
          Claim(COST_Z, -y * SOFTPLUS - z - SOFTPLUS + y * z + y * SOFTPLUS),
          "the bracket expanded; called the cost, checked against L(sigma(z), y)",
          erratum=Erratum(
              r"-\sum \left[-y \ln(1 + e^{-z}) - z - \ln(1 + e^{-z}) + yz + y \ln(1 + e^{-z})\right]",
              "the expression " + MINUS_L,
              Claim(COST_Z, -(-y * SOFTPLUS - z - SOFTPLUS + y * z + y * SOFTPLUS)))),
    _step("L414-cancel", 414, S5, r"-z - \ln(1 + e^{-z}) + yz", Kind.EQUALS,
          Claim(COST_Z, -z - SOFTPLUS + y * z),
          "the y ln(1 + e^{-z}) terms cancelled; checked against the cost",
          erratum=Erratum(r"z + \ln(1 + e^{-z}) - yz", "the expression " + MINUS_L,
                          Claim(COST_Z, z + SOFTPLUS - y * z))),
    _step("L418-yz-out", 418, S5, r"yz - [z + \ln(1 + e^{-z})]", Kind.EQUALS,
          Claim(COST_Z, y * z - (z + SOFTPLUS)), "yz pulled out; checked against the cost",
          erratum=Erratum(r"-(yz - [z + \ln(1 + e^{-z})])", "the expression " + MINUS_L,
                          Claim(COST_Z, -(y * z - (z + SOFTPLUS))))),
    _step("L422-ln-exp", 422, S5, r"yz - [\ln(e^z) + \ln(1 + e^{-z})]", Kind.EQUALS,
          Claim(COST_Z, y * z - (log(exp(z), evaluate=False) + SOFTPLUS)),
          "z written as ln(e^z); checked against the cost",
          erratum=Erratum(r"-(yz - [\ln(e^z) + \ln(1 + e^{-z})])", "the expression " + MINUS_L,
                          Claim(COST_Z, -(y * z - (log(exp(z), evaluate=False) + SOFTPLUS))))),
    _step("L426-log-rule", 426, S5, r"\ln(a) + \ln(b) = \ln(a.b)", Kind.EQUALS,
          Claim(log(pa) + log(pb), log(pa * pb)),
          "the rule of sums of logs, a, b > 0 generic (not the activation or the bias)", RULE_DOMAIN),
    _step("L426-exp-rule", 426, S5, r"e^a * e^b = e^{a+b}", Kind.EQUALS,
          Claim(sp.Mul(exp(ra), exp(rb), evaluate=False), exp(ra + rb)),
          "the rule of products of exps, a, b real generic", Domain()),
    _step("L428-log-sum", 428, S5, r"yz - [\ln((e^z) \cdot (1 + e^{-z}))]", Kind.EQUALS,
          Claim(COST_Z, y * z - log(exp(z) * (1 + e))), "the logs summed; checked against the cost",
          erratum=Erratum(r"-(yz - [\ln((e^z) \cdot (1 + e^{-z}))])", "the expression " + MINUS_L,
                          Claim(COST_Z, -(y * z - log(exp(z) * (1 + e)))))),
    _step("L430-log-rule", 430, S5, r"\ln(a) + \ln(b) = \ln(a.b)", Kind.EQUALS,
          Claim(log(pa) + log(pb), log(pa * pb)),
          "the rule of sums of logs (a caption), a, b > 0 generic", RULE_DOMAIN),
    _step("L434-log1p", 434, S5, r"yz - [\ln(1 + e^z)]", Kind.EQUALS,
          Claim(COST_Z, y * z - log(1 + exp(z))),
          "e^z (1 + e^{-z}) multiplied out to 1 + e^z; checked against the cost",
          erratum=Erratum(r"-(yz - [\ln(1 + e^z)]) = \ln(1 + e^z) - yz", "the expression " + MINUS_L,
                          Claim(COST_Z, log(1 + exp(z)) - y * z))),
    _notation("L436-caption", 436, S5, r"\text{add } e^{z+z}",
              "a caption, an instruction rather than an equation (it names the exponent sum of "
              "e^z e^{-z}, which is e^{z-z} = 1, printed as z+z)"),
    _step("L440-bracket", 440, S5, r"[yz - \ln(1 + e^z)]", Kind.EQUALS,
          Claim(COST_Z, NEG_LOGLIK), "yz pulled inside the bracket; checked against the cost",
          erratum=Erratum(r"-[yz - \ln(1 + e^z)]", "the expression " + MINUS_L,
                          Claim(COST_Z, -NEG_LOGLIK))),
    _definition("L442-z-def", 442, S5, r"z = Wx + b", "restates the linear function z"),
    _notation("L444-operator", 444, S5, r"\frac{\partial L}{\partial w} [yz - \ln(1 + e^z)]",
              "an operator written as a product: 'take d/dw of the bracket', with dL/dw standing "
              "for d/dw; it asserts no value (the derivative is taken at line 450)"),
    _step("L450-dw-terms", 450, S5, r"yx - \frac{x \cdot e^{wx}}{1+e^{wx}}", Kind.DERIVATIVE,
          Claim(Derivative(NEG_LOGLIK.subs(z, LINEAR), w), y * x - x * exp(w * x) / (1 + exp(w * x))),
          "d/dw of the line-440 bracket [yz - ln(1 + e^z)] with z = w x + b (that bracket is -L, "
          "so this is -dL/dw); checked against that derivative",
          erratum=Erratum(r"yx - \frac{x \cdot e^{wx+b}}{1+e^{wx+b}}",
                          "z = w x + b: the bias is dropped from both exponents",
                          Claim(Derivative(NEG_LOGLIK.subs(z, LINEAR), w),
                                y * x - x * exp(LINEAR) / (1 + exp(LINEAR))))),
    _step("L456-second-term", 456, S5, r"x \cdot \text{sig}(z)", Kind.DERIVATIVE,
          Claim(Derivative(log(1 + exp(LINEAR)), w), x * sw),
          "the second term, d/dw ln(1 + e^z) with z = w x + b, is x sigma(z); checked against that "
          "derivative (the term printed at line 450 dropped b, recorded there)"),
    _step("L460-final", 460, S5, r"-[yx - x \cdot \text{sig}(z)]", Kind.DERIVATIVE,
          Claim(dL_dw, -(y * x - x * sw)),
          "'a final result': checked against dL/dw; the leading minus, lost at line 402, is back"),
    _step("L464-pull-x", 464, S5, r"-x[y - \text{sig}(z)]", Kind.DERIVATIVE,
          Claim(dL_dw, -x * (y - sw)), "x pulled out; checked against dL/dw"),
    _step("L468-dL-dw", 468, S5, r"\frac{\partial L}{\partial w} = x [a - y]", Kind.DERIVATIVE,
          Claim(dL_dw, x * (sw - y)), "dL/dw = x(a - y), the final result of [5]"),

    # ---- [6] ---------------------------------------------------------------------------------
    _notation("L476-heading", 476, S6, r"\frac{\partial L}{\partial b}", "the section's picture: a bare symbol"),
    _step("L482-chain", 482, S6, r"\frac{\partial L}{\partial z} \cdot \frac{\partial z}{\partial b}",
          Kind.DERIVATIVE, Claim(dL_db, dL_dz_at(LINEAR) * Derivative(LINEAR, b)),
          "the chain rule: dL/db = dL/dz (at z = w x + b) times dz/db"),
    _step("L490-dL-dz", 490, S6, r"\frac{\partial L}{\partial z}", Kind.DERIVATIVE,
          Claim(dL_db, dL_dz_at(LINEAR)), "'the derivative w.r.t b is simply' dL/dz, since dz/db = 1"),
    _step("L494-a-minus-y", 494, S6, r"a - y", Kind.DERIVATIVE, Claim(dL_db, sw - y),
          "dL/db = a - y"),
    _definition("L496-z-def", 496, S6, r"z = wX + b", "restates the linear function z"),
    _step("L500-bracket", 500, S6, r"[yz - \ln(1 + e^z)]", Kind.EQUALS,
          Claim(COST_Z, NEG_LOGLIK),
          "the line-440 expression, 'a step from the calculation for dw', to be differentiated "
          "as the cost; checked against the cost",
          erratum=Erratum(r"-[yz - \ln(1 + e^z)]", "the expression " + MINUS_L,
                          Claim(COST_Z, -NEG_LOGLIK))),
    _definition("L502-z-def", 502, S6, r"z = wX + b", "restates the linear function z"),
    _definition("L504-z-def", 504, S6, r"z = wX + b", "restates the linear function z"),
    _notation("L506-operator", 506, S6,
              r"\frac{\partial L}{\partial b} y(wX + b) - \frac{\partial L}{\partial b} \ln(1 + e^{wX+b})",
              "operators written as products: 'take d/db of each term', with dL/db standing for "
              "d/db; it asserts no value (the terms' derivatives follow at lines 516-526)"),
    _step("L516-dlog", 516, S6, r"\frac{e^{wX+b}}{1 + e^{wX+b}}", Kind.DERIVATIVE,
          Claim(Derivative(log(1 + exp(LINEAR)), b), exp(LINEAR) / (1 + exp(LINEAR))),
          "d/db ln(1 + e^{wX+b}), as the caption says"),
    _step("L522-a", 522, S6, r"a", Kind.EQUALS,
          Claim(exp(LINEAR) / (1 + exp(LINEAR)), sw),
          "'this term is simply our original a' (plain text, not a formula in the source): "
          "e^z/(1 + e^z) = sigma(z)"),
    _step("L526-final", 526, S6, r"[a - y]", Kind.DERIVATIVE, Claim(dL_db, sw - y),
          "'final result': dL/db = a - y (as d/db of the line-500 bracket, -L, it would be y - a; "
          "the sign is restored silently here)"),
    _step("L532-db-dz", 532, S6, r"\frac{\partial L}{\partial z}", Kind.DERIVATIVE,
          Claim(dL_db, dL_dz_at(LINEAR)), "'db' = 'dz': dL/db = dL/dz at z = w x + b"),

    _notation("L540-list", 540, SUMMARY,
              r"\frac{\partial L}{\partial a} \frac{\partial L}{\partial z} \frac{\partial L}{\partial w} \frac{\partial L}{\partial b}",
              "lists the four derivatives computed; no values"),

    # ---- Wrapping up -------------------------------------------------------------------------
    _step("L550-dZL-1", 550, WRAP,
          r"\frac{\partial L^{[L-1]}}{\partial Z} = dW^{[L]T} \cdot dZ^{[L]} * g'^{[L]}(Z^{[L-1]})",
          Kind.DERIVATIVE,
          Claim(DZ2, Derivative(cost_from(3, Z3_OF_Z2), W[3]) * dZ(3, Z3_OF_Z2) * g_prime(3, Z[2])),
          "dL/dZ^{[L-1]} (written dL^{[L-1]}/dZ) is claimed to be dW^{[L]T} dZ^{[L]} * "
          "g'^{[L]}(Z^{[L-1]}). " + SCALAR_NET, NET_DOMAIN,
          erratum=Erratum(
              r"\frac{\partial L}{\partial Z^{[L-1]}} = W^{[L]T} \cdot dZ^{[L]} * g'^{[L-1]}(Z^{[L-1]})",
              "the factor dZ^{[L]}/dA^{[L-1]} is the weight W^{[L]}, not its gradient dW^{[L]} (line 570 "
              "says so); and the activation derivative is layer L-1's, g'^{[L-1]}",
              Claim(DZ2, W[3] * dZ(3, Z3_OF_Z2) * g_prime(2, Z[2])))),
    _step("L554-chain", 554, WRAP,
          r"= \frac{\partial L}{\partial A^{[L]}} \cdot \frac{\partial A^{[L]}}{\partial Z^{[L]}} \cdot \frac{\partial Z^{[L]}}{\partial A^{[L-1]}} \cdot \frac{\partial A^{[L-1]}}{\partial Z^{[L-1]}}",
          Kind.DERIVATIVE,
          Claim(DZ2, dL_da_at(G[3](Z3_OF_Z2)) * sigmoid_prime_at(Z3_OF_Z2)
                * Subs(Derivative(W[3] * A[2] + B[3], A[2]), A[2], G[2](Z[2]))
                * Derivative(G[2](Z[2]), Z[2])),
          "the chain rule for dL/dZ^{[L-1]}, each factor at its point. " + SCALAR_NET, NET_DOMAIN),
    _step("L560-dz", 560, WRAP,
          r"\frac{\partial L}{\partial A^{[L]}} \cdot \frac{\partial A^{[L]}}{\partial Z^{[L]}}",
          Kind.DERIVATIVE,
          Claim(Derivative(cost_from(3, Z[3]), Z[3]), dL_da_at(G[3](Z[3])) * Derivative(G[3](Z[3]), Z[3])),
          "'is simply dz': dL/dA^{[L]} dA^{[L]}/dZ^{[L]} = dL/dZ^{[L]}. " + SCALAR_NET, NET_DOMAIN),
    _notation("L564-dz", 564, WRAP, r"\frac{\partial L}{\partial z}",
              "names dz; the identity it stands in is checked at line 560"),
    _notation("L568-dZ-dA", 568, WRAP, r"\frac{\partial Z^{[L]}}{\partial A^{[L-1]}}",
              "names the factor; its value is claimed in the text of line 570"),
    _step("L570-W1", 570, WRAP, r"W[1]", Kind.DERIVATIVE,
          Claim(Derivative(Z3_OF_A2, A[2]), W[1]),
          "dZ^{[L]}/dA^{[L-1]} 'evaluates to W[1]' (inline). " + SCALAR_NET, NET_DOMAIN,
          erratum=Erratum(r"W^{[L]}",
                          "Z^{[L]} = W^{[L]} A^{[L-1]} + b^{[L]}: the derivative is layer L's weight "
                          "(the same sentence says 'equals W'); as printed it names layer 1's (perhaps "
                          "an l read as 1 in extraction, but judged as printed)",
                          Claim(Derivative(Z3_OF_A2, A[2]), W[3]))),
    _definition("L570-Z-def", 570, WRAP, r"Z = Wa + b", "restates a layer's linear function"),
    _notation("L574-dA-dZ", 574, WRAP, r"\frac{\partial A^{[L-1]}}{\partial Z^{[L-1]}}",
              "names the factor 'in blue'; its value is claimed at line 578"),
    _step("L578-da-dz", 578, WRAP, r"\frac{\partial a}{\partial z}", Kind.DERIVATIVE,
          Claim(Derivative(sigmoid(Z[2]), Z[2]), sigmoid(Z[2]) * (1 - sigmoid(Z[2]))),
          "dA^{[L-1]}/dZ^{[L-1]} 'is simply da/dz, the derivative of the sigmoid' [2]: true for the "
          "document's network, whose activations are all sigmoids (line 80), so checked with "
          "g^{[L-1]} = sigmoid; for another g^{[L-1]} the factor is g'^{[L-1]}(Z^{[L-1]}), as the "
          "fixed line 586 has it", NET_DOMAIN),
    _step("L586-dZL-1", 586, WRAP,
          r"\frac{\partial L^{[L-1]}}{\partial Z} = W^{[L]T} \cdot dZ^{[L]} * g'^{[L]}(Z^{[L-1]})",
          Kind.DERIVATIVE,
          Claim(DZ2, W[3] * dZ(3, Z3_OF_Z2) * g_prime(3, Z[2])),
          "line 550 restated with W^{[L]T}: dL/dZ^{[L-1]} = W^{[L]T} dZ^{[L]} * g'^{[L]}(Z^{[L-1]}), "
          "* element-wise. " + SCALAR_NET, NET_DOMAIN,
          erratum=Erratum(
              r"\frac{\partial L}{\partial Z^{[L-1]}} = W^{[L]T} \cdot dZ^{[L]} * g'^{[L-1]}(Z^{[L-1]})",
              "A^{[L-1]} = g^{[L-1]}(Z^{[L-1]}): the activation derivative is layer L-1's, g'^{[L-1]}; "
              "g'^{[L]} agrees only when both layers use the same activation (the same slip as line 38)",
              Claim(DZ2, W[3] * dZ(3, Z3_OF_Z2) * g_prime(2, Z[2])))),
)

# the matrix reading of the Coursera lines, each step right after its scalar one
STEPS = with_twins(STEPS, {
    "L35-dZL": coursera.dZ_out(),
    "L36-dWL": coursera.dW("L", "L"),
    "L37-dbL": coursera.db("L"),
    "L38-dZL-1": coursera.dZ_back("L-1", "W", "L", "L", "L", elementwise=False),
    # L = 2 last: there W^{[L]} is W^{[2]} and only the matrix product with g' fails
    "L40-dZ1": coursera.dZ_back("1", "W", "L", "2", "1", elementwise=False, depths=(3, 4, 2)),
    "L41-dW1": coursera.dW("1", "1"),
    "L42-db1": coursera.db("1"),
    "L550-dZL-1": coursera.dZ_back("L-1", "dW", "L", "L", "L", elementwise=True),
    "L586-dZL-1": coursera.dZ_back("L-1", "W", "L", "L", "L", elementwise=True),
})

DERIVATION = Derivation(
    title="All the Backpropagation derivatives (Patrick David, 2018)",
    source=SOURCE,
    convention="column-major: Z = W X + b, X is n x m; one logistic unit z = w x + b, a = sigmoid(z), "
               "L = BCE; the L-layer equations checked as scalars (m = 1, one unit per layer) and as "
               "matrices (L = 2, 3, 4, m up to 2)",
    steps=STEPS,
    definitions=DEFINITIONS,
)
