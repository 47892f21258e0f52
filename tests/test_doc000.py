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
    ("L36-dWL-matrix", 36),
    ("L38-dZL-1", 38),
    ("L38-dZL-1-matrix", 38),
    ("L40-dZ1", 40),
    ("L40-dZ1-matrix", 40),
    ("L41-dW1", 41),
    ("L41-dW1-matrix", 41),
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
    ("L550-dZL-1-matrix", 550),
    ("L570-W1", 570),
    ("L586-dZL-1", 586),
    ("L586-dZL-1-matrix", 586),
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


# ---- the matrix reading of the Coursera lines (derivations/coursera.py) ------------------------

def test_coursera_doctests():
    import doctest

    from derivations import coursera

    result = doctest.testmod(coursera)
    assert result.failed == 0 and result.attempted > 0


def test_every_backward_line_has_its_matrix_twin_right_after_it():
    ids = [s.id for s in D.steps]
    for scalar in ("L35-dZL", "L36-dWL", "L37-dbL", "L38-dZL-1", "L40-dZ1", "L41-dW1", "L42-db1",
                   "L550-dZL-1", "L586-dZL-1"):
        twin = D.step(scalar + "-matrix")
        assert ids.index(twin.id) == ids.index(scalar) + 1
        assert (twin.latex, twin.cite) == (D.step(scalar).latex, D.step(scalar).cite)
        assert {n.L for n in twin.claim.networks} == {2, 3, 4}
        assert "column-major" in twin.says and str(twin.claim.convention) in twin.says


def test_W_L_in_line_40_is_right_at_L_2_only():
    """Line 40 read element-wise, W^{[L]T} dZ^{[2]} * g'^{[1]}(Z^{[1]}): W^{[L]} is W^{[2]} at L = 2 only."""
    from checks.matrix import check_claim
    from derivations import coursera
    from symbolic.equivalence import Status

    at_2 = check_claim(coursera.dZ_back("1", "W", "L", "2", "1", elementwise=True, depths=(2,)).claim)
    assert at_2.verdict is Status.HOLDS and at_2.numeric.status is Status.HOLDS
    at_3 = check_claim(coursera.dZ_back("1", "W", "L", "2", "1", elementwise=True, depths=(3,)).claim)
    assert at_3.shapes.status is Status.FAILS
    assert at_3.shapes.reason == "W3^T (n2×1) · dZ2 (n2×m): inner dimensions 1 and n2 differ"


def test_the_g_prime_slip_of_line_586_needs_two_activations():
    """g'^{[L]}(Z^{[L-1]}) is right on the document's all-sigmoid network (line 80), wrong with tanh below."""
    from checks.matrix import check_claim
    from derivations import coursera
    from derivations.matrix import MatrixClaim, deep_networks
    from symbolic.equivalence import Status
    from symbolic.layouts import Layout

    printed = D.step("L586-dZL-1-matrix").claim
    sigmoids = MatrixClaim(printed.says, printed.rhs, coursera.SIZES,
                           networks=deep_networks(Layout.COLUMN_MAJOR, "sigmoid", depths=(2, 3)),
                           wrt=printed.wrt, convention=printed.convention, layers=printed.layers)
    assert check_claim(sigmoids, numeric=False).verdict is Status.HOLDS
    r = check_claim(printed)
    assert r.shapes.status is Status.HOLDS and r.symbolic.status is Status.FAILS
    assert r.symbolic.counterexample and r.symbolic.lhs_value != r.symbolic.rhs_value
