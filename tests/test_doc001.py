"""Document 001 step by step: LaTeX verbatim, verdicts as recorded, errata failing, fixes holding."""
from __future__ import annotations

import functools
import re
import time

import pytest

from checks.runner import run
from derivations import ALL
from derivations.doc001 import DERIVATION
from derivations.matrix import MatrixClaim
from derivations.model import Kind, source_text
from symbolic.equivalence import Status

STEPS = DERIVATION.steps
IDS = [f"001/{s.id}" for s in STEPS]
LINES = source_text(DERIVATION.source).splitlines()


@functools.cache
def results():
    start = time.perf_counter()
    out = {r.step.id: r for r in run(DERIVATION).results}
    return out, time.perf_counter() - start


def test_registered():
    assert DERIVATION in ALL


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_latex_is_verbatim_at_its_line(step):
    assert 1 <= step.cite.line <= len(LINES)
    assert step.cite.document == DERIVATION.source
    first = step.latex.splitlines()[0]
    assert first in LINES[step.cite.line - 1], f"{step.id}: not on line {step.cite.line}"
    assert step.latex in "\n".join(LINES[step.cite.line - 1:])


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_cite_uses_the_documents_own_numbers(step):
    if step.cite.where.startswith("eq."):
        number = re.fullmatch(r"eq\. \((\d+)\)", step.cite.where).group(1)
        assert 1 <= int(number) <= 29


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_verdict_as_recorded(step):
    r = results()[0][step.id]
    assert r.expected, (step.id, r.verdict, r.symbolic, r.shapes)
    if step.checkable and step.erratum is None:
        assert r.verdict is Status.HOLDS
        assert r.symbolic.status is Status.HOLDS  # a proof, not only numeric agreement


@pytest.mark.parametrize("step", [s for s in STEPS if s.erratum is not None],
                         ids=[f"001/{s.id}" for s in STEPS if s.erratum is not None])
def test_erratum_fails_with_a_counterexample_and_its_fix_holds(step):
    r = results()[0][step.id]
    assert r.verdict is Status.FAILS
    assert r.symbolic.status is Status.FAILS
    assert r.symbolic.counterexample, "a failure carries its counterexample"
    if isinstance(step.claim, MatrixClaim):
        assert r.shapes.status is Status.FAILS
        assert re.search(r"\(\S+×\S+\)|\d×\d|\S×\S", r.shapes.reason), "shapes are named"
    assert r.fixed is not None and r.fixed.status is Status.HOLDS


@pytest.mark.parametrize("step", [s for s in STEPS if s.checkable],
                         ids=[f"001/{s.id}" for s in STEPS if s.checkable])
def test_numeric_agrees_with_symbolic(step):
    r = results()[0][step.id]
    assert not r.disagreement
    if step.kind is Kind.MATRIX:
        assert r.numeric.status is r.verdict
        if not step.claim.shape_only and r.numeric.status is Status.HOLDS:
            assert r.numeric.extra["max_error"] <= r.numeric.extra["tolerance"]
    else:  # scalar steps: the numeric check is the lead's (checks/numeric.py)
        assert r.numeric.status in (r.symbolic.status, Status.SKIPPED)


def test_the_errata_are_the_known_ones():
    assert sorted(s.id for s in STEPS if s.erratum) == ["eq15", "eq20-chain", "eq22", "eq9-chain"]


def test_every_equation_is_encoded():
    cited = {s.cite.where for s in STEPS}
    assert {f"eq. ({k})" for k in range(1, 30)} <= cited


def test_the_whole_document_checks_fast():
    _, seconds = results()
    print(f"001 checked in {seconds:.2f} s")
    assert seconds < 10  # target well under 2 s on a quiet machine; see bench/matrix.py
