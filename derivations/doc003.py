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

The steps are written side by side with the original's in :mod:`derivations.parallel`:
the maths once, each document's own lines, locators, errata and notes.

Examples
--------
>>> DERIVATION.step("L409-log-sum").note.startswith("注 (line 407)")
True
"""
from __future__ import annotations

from gradproof.derivations.encoding import StepMaker
from gradproof.derivations.logistic import DOMAIN
from gradproof.derivations.model import Derivation
from gradproof.derivations.parallel import CONVENTION, FACTS

__all__ = ["DERIVATION", "SOURCE"]

SOURCE = "003_3f7e5ed1d99ef393.txt"
DERIVATION = Derivation(
    "All the Backpropagation derivatives (Patrick David, 2018), a Chinese translation with notes",
    SOURCE, CONVENTION, StepMaker(SOURCE, DOMAIN).steps(FACTS))
