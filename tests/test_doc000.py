"""Document 000 (Patrick David, "All the Backpropagation derivatives"), step by step.

What every document must satisfy (LaTeX verbatim, verdicts as recorded,
counterexamples re-evaluated independently, corrections holding, mutants
refuted) is tested over the registry in ``tests/test_registry.py``; here is
what is particular to this document: that its correct steps are rich enough
for the mutants to bite (its errata are listed in ``tests/test_errata.py``).
"""
from __future__ import annotations

import pytest

from gradproof.derivations import ALL, doc000
from tests.helpers import (
    assert_mutant_kinds_apply,
    assert_mutant_kinds_exercised,
    holding,
    step_params,
)

D = doc000.DERIVATION


def test_registered():
    assert D in ALL
    assert D.source == "000_5d11cb42887d6a8c.txt" and D.key == "000"
    assert doc000.__doc__ and "All the Backpropagation derivatives" in doc000.__doc__


@pytest.mark.parametrize("step", step_params(D, holding(D)))
def test_mutant_kinds_apply(step):
    assert_mutant_kinds_apply(step)


def test_mutant_kinds_all_exercised():
    assert_mutant_kinds_exercised(D)


# ---- the matrix reading of the Coursera lines (derivations/coursera.py) ------------------------


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
    from gradproof.checks.matrix import check_claim
    from gradproof.derivations import coursera
    from gradproof.symbolic.equivalence import Status

    at_2 = check_claim(coursera.dZ_back("1", "W", "L", "2", "1", elementwise=True, depths=(2,)).claim)
    assert at_2.verdict is Status.HOLDS and at_2.numeric.status is Status.HOLDS
    at_3 = check_claim(coursera.dZ_back("1", "W", "L", "2", "1", elementwise=True, depths=(3,)).claim)
    assert at_3.shapes.status is Status.FAILS
    assert at_3.shapes.reason == "W3^T (n2×1) · dZ2 (n2×m): inner dimensions 1 and n2 differ"


def test_the_g_prime_slip_of_line_586_needs_two_activations():
    """g'^{[L]}(Z^{[L-1]}) is right on the document's all-sigmoid network (line 80), wrong with tanh below."""
    from gradproof.checks.matrix import check_claim
    from gradproof.derivations import coursera
    from gradproof.derivations.matrix import MatrixClaim, deep_networks
    from gradproof.symbolic.equivalence import Status
    from gradproof.symbolic.layouts import Layout

    printed = D.step("L586-dZL-1-matrix").claim
    sigmoids = MatrixClaim(printed.says, printed.rhs, coursera.SIZES,
                           networks=deep_networks(Layout.COLUMN_MAJOR, "sigmoid", depths=(2, 3)),
                           wrt=printed.wrt, convention=printed.convention, layers=printed.layers)
    assert check_claim(sigmoids, numeric=False).verdict is Status.HOLDS
    r = check_claim(printed)
    assert r.shapes.status is Status.HOLDS and r.symbolic.status is Status.FAILS
    assert r.symbolic.counterexample and r.symbolic.lhs_value != r.symbolic.rhs_value
