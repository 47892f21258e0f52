"""Document 000 (Patrick David, "All the Backpropagation derivatives"), step by step.

The verdicts come from ``decide``; the tests check that they are the recorded
ones, that a failure's counterexample is real (re-evaluated here with
``sympy.N``), that every correction holds, and that small rewrites of every
correct step are refuted.  The checks themselves live in ``tests/helpers.py``,
shared with the other documents.
"""
from __future__ import annotations

import pytest

from derivations import ALL, doc000
from tests.helpers import (
    assert_every_display_has_a_step, assert_fixed_holds, assert_kind_matches_claim,
    assert_latex_at_line, assert_mutant_fails, assert_mutant_kinds_apply,
    assert_mutant_kinds_exercised, assert_steps_in_document_order, assert_verdict_as_recorded,
    checkable, holding, mutant_params, step_params, with_errata,
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


def test_steps_in_document_order():
    assert_steps_in_document_order(D)


def test_every_display_has_a_step():
    assert_every_display_has_a_step(D)


@pytest.mark.parametrize("step", step_params(D))
def test_latex_verbatim_at_its_line(step):
    assert_latex_at_line(step)


@pytest.mark.parametrize("step", step_params(D))
def test_kind_matches_claim(step):
    assert_kind_matches_claim(step)


@pytest.mark.parametrize("step", step_params(D, checkable(D)))
def test_verdict_as_recorded(step):
    assert_verdict_as_recorded(step)


@pytest.mark.parametrize("step", step_params(D, with_errata(D)))
def test_fixed_claim_holds(step):
    assert_fixed_holds(step)


@pytest.mark.parametrize("step", step_params(D, holding(D)))
def test_mutant_kinds_apply(step):
    assert_mutant_kinds_apply(step)


@pytest.mark.parametrize(("step", "kind", "mutant"), mutant_params(D))
def test_mutant_fails(step, kind, mutant):
    assert_mutant_fails(step, kind, mutant)


def test_mutant_kinds_all_exercised():
    assert_mutant_kinds_exercised(D)
