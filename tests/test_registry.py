"""Every step of every registered document, driven by one table: ``derivations.ALL``.

Test ids read ``document/step``.  Each step is checked once (both verdicts,
cached) and the properties every encoding must have are asserted here; the
per-document test files hold only what is particular to a document (its
hand-written list of errata, its notes, its extra checks).

Oracles are independent of the engine: a scalar counterexample is
re-evaluated with ``sympy.N`` on the definitions (``tests/helpers.py``), and
the numeric verdict (finite differences) stands beside the symbolic one.
"""
import functools
import re

import pytest

from gradproof.checks.runner import StepResult, check_step
from gradproof.derivations import ALL, Claim, Kind, MatrixClaim
from gradproof.symbolic.equivalence import Status
from tests.helpers import (  # the helpers' exact re-evaluation
    _differ,
    _point_for,
    assert_every_display_has_a_step,
    assert_kind_matches_claim,
    assert_latex_at_line,
    assert_mutant_fails,
    assert_steps_in_document_order,
    independent_value,
    mutant_params,
)

STEPS = [pytest.param(d, s, id=f"{d.key}/{s.id}") for d in ALL for s in d.steps]
CHECKABLE = [p for p in STEPS if p.values[1].checkable]
ERRATA = [p for p in STEPS if p.values[1].erratum is not None]
DOCS = [pytest.param(d, id=d.key) for d in ALL]


@functools.cache
def result(key: str, step_id: str) -> StepResult:
    doc = next(d for d in ALL if d.key == key)
    return check_step(doc.step(step_id))


@pytest.mark.parametrize(("doc", "step"), STEPS)
def test_latex_is_verbatim_at_its_line(doc, step):
    assert step.cite.document == doc.source
    assert_latex_at_line(step)


@pytest.mark.parametrize(("doc", "step"), STEPS)
def test_kind_matches_claim(doc, step):
    if step.kind is Kind.MATRIX:
        assert isinstance(step.claim, MatrixClaim) and step.says
    else:
        assert_kind_matches_claim(step)


@pytest.mark.parametrize("doc", DOCS)
def test_steps_in_document_order_and_every_display_encoded(doc):
    assert_steps_in_document_order(doc)
    assert_every_display_has_a_step(doc)


@pytest.mark.parametrize(("doc", "step"), CHECKABLE)
def test_verdict_as_recorded_and_numeric_agrees(doc, step):
    r = result(doc.key, step.id)
    if step.erratum is None:
        # a proof, not numeric agreement alone
        assert r.verdict is Status.HOLDS and r.symbolic.status is Status.HOLDS, (r.symbolic, r.shapes)
    else:
        assert r.verdict is Status.FAILS, (r.symbolic, r.shapes)
    assert r.expected
    assert not r.disagreement, (r.symbolic, r.numeric)
    if r.numeric.status is Status.HOLDS and "max_error" in r.numeric.extra:
        assert r.numeric.extra["max_error"] <= max(r.numeric.extra["tolerance"], 1e-5)


@pytest.mark.parametrize(("doc", "step"), ERRATA)
def test_an_erratum_fails_with_evidence_and_its_correction_holds(doc, step):
    r = result(doc.key, step.id)
    if r.shapes is not None and r.shapes.status is Status.FAILS:
        # a matrix mistake names the shapes, e.g. "dZ2 (m×1) · A1 (m×h)"
        assert re.search(r"\S+×\S+|\d+x\d+", r.shapes.reason), r.shapes.reason
    elif r.symbolic.method == "shape":
        assert re.search(r"\d+x\d+ vs \d+x\d+", r.symbolic.reason), r.symbolic.reason
    else:
        v = r.symbolic
        assert v.status is Status.FAILS and v.counterexample, v
        assert v.lhs_value is not None and v.rhs_value is not None
        if isinstance(step.claim, Claim):
            # both sides re-evaluated at the point, independently of decide()
            point = _point_for((step.claim.lhs, step.claim.rhs), v.counterexample)
            lhs, rhs = independent_value(step.claim.lhs, point), independent_value(step.claim.rhs, point)
            assert _differ(lhs, rhs), (point, lhs, rhs)
    assert step.erratum.correction and step.erratum.why
    assert r.fixed is not None and r.fixed.status is Status.HOLDS, r.fixed


def test_nearly_every_checkable_step_has_a_numeric_verdict_that_agrees():
    rs = [result(d.key, s.id) for d in ALL for s in d.steps if s.checkable]
    agreeing = [r for r in rs if r.numeric.status is r.verdict]
    assert len(agreeing) >= 0.95 * len(rs), [r.step.id for r in rs if r not in agreeing]


@pytest.mark.parametrize(("step", "kind", "mutant"),
                         [p for d in ALL for p in mutant_params(d)])
def test_mutants_of_a_holding_step_fail(step, kind, mutant):
    assert_mutant_fails(step, kind, mutant)
