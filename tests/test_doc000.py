"""Document 000 (Patrick David, "All the Backpropagation derivatives"), step by step.

What every document must satisfy (LaTeX verbatim, verdicts as recorded,
counterexamples re-evaluated independently, corrections holding, mutants
refuted) is tested over the registry in ``tests/test_registry.py``; here is
what is particular to this document: its hand-written list of errata and
that its correct steps are rich enough for the mutants to bite.
"""
from __future__ import annotations

import pytest

from derivations import ALL, doc000
from tests.helpers import (
    assert_mutant_kinds_apply,
    assert_mutant_kinds_exercised, holding, step_params, with_errata,
)

D = doc000.DERIVATION

# Written out by hand, so that a changed encoding is noticed: (step id, line).
ERRATA = [
    ("L36-dWL", 36),
    ("L38-dZL-1", 38),
    ("L40-dZ1", 40),
    ("L41-dW1", 41),
    ("L130-dL-da-cost", 130),
    ("L142-lhs-deriv", 142),
    ("L210-outer-inner", 210),
    ("L276-plus", 276),
    ("L402-plugged", 402),
    ("L408-expanded", 408),
    ("L414-cancel", 414),
    ("L418-yz-out", 418),
    ("L422-ln-exp", 422),
    ("L428-log-sum", 428),
    ("L434-log1p", 434),
    ("L440-bracket", 440),
    ("L450-dw-terms", 450),
    ("L500-bracket", 500),
    ("L550-dZL-1", 550),
    ("L570-W1", 570),
    ("L586-dZL-1", 586),
]


def test_registered():
    assert D in ALL
    assert D.source == "000_5d11cb42887d6a8c.txt" and D.key == "000"
    assert doc000.__doc__ and "All the Backpropagation derivatives" in doc000.__doc__


def test_errata_are_the_listed_ones():
    assert [(s.id, s.cite.line) for s in with_errata(D)] == ERRATA


@pytest.mark.parametrize("step", step_params(D, holding(D)))
def test_mutant_kinds_apply(step):
    assert_mutant_kinds_apply(step)


def test_mutant_kinds_all_exercised():
    assert_mutant_kinds_exercised(D)
