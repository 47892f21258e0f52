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

The steps are written side by side with those of its Chinese translation, document 003, in
:mod:`derivations.parallel`: the maths once, each document's own lines.

Examples
--------
>>> len(DERIVATION.steps) > 100
True
>>> print(DERIVATION.step("L210-outer-inner").erratum.correction)
-(1 + e^{-z})^{-2} \\cdot [e^{-z} \\cdot -1]
"""
from __future__ import annotations

from gradproof.derivations.encoding import StepMaker
from gradproof.derivations.logistic import DOMAIN
from gradproof.derivations.model import Derivation
from gradproof.derivations.parallel import CONVENTION, FACTS

__all__ = ["DERIVATION", "SOURCE"]

SOURCE = "000_5d11cb42887d6a8c.txt"
DERIVATION = Derivation(
    "All the Backpropagation derivatives (Patrick David, 2018)",
    SOURCE, CONVENTION, StepMaker(SOURCE, DOMAIN).steps(FACTS))
