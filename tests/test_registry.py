"""Every step of every registered document: quoted verbatim, verdict as recorded.

Parametrized over ``derivations.ALL`` (ids ``document/step``), like JAX's
autodiff tests are driven by one table.
"""
import pytest

from checks.runner import check_step
from derivations import ALL, Kind, source_text
from symbolic.equivalence import Status

STEPS = [(d, s) for d in ALL for s in d.steps]
IDS = [f"{d.key}/{s.id}" for d, s in STEPS]


def _lines(source):
    return source_text(source).splitlines()


@pytest.mark.parametrize(("doc", "step"), STEPS, ids=IDS)
def test_latex_is_verbatim_at_its_line(doc, step):
    lines = _lines(doc.source)
    assert 1 <= step.cite.line <= len(lines), "line outside the document"
    rest = "\n".join(lines[step.cite.line - 1:])
    assert rest.find(step.latex) != -1, "LaTeX not found at or after its line"
    first = step.latex.splitlines()[0]
    assert first in lines[step.cite.line - 1], "the quote does not start on its cited line"


@pytest.mark.parametrize(("doc", "step"), [(d, s) for d, s in STEPS if s.checkable],
                         ids=[i for i, (_, s) in zip(IDS, STEPS) if s.checkable])
def test_verdicts_are_as_recorded(doc, step):
    r = check_step(step)
    if step.erratum is not None:
        assert r.verdict is Status.FAILS, r.symbolic
        failing = r.shapes if r.shapes is not None and r.shapes.status is Status.FAILS else r.symbolic
        assert failing.counterexample or failing.reason, "a failure must carry its evidence"
        if step.erratum.fixed is not None:
            assert r.fixed is not None and r.fixed.status is Status.HOLDS, r.fixed
    else:
        assert r.verdict is Status.HOLDS, r.symbolic
    # the numeric verdict is independent evidence and must not contradict
    assert not r.disagreement, (r.symbolic, r.numeric)


@pytest.mark.parametrize("doc", ALL, ids=[d.key for d in ALL])
def test_every_document_is_encoded_in_order(doc):
    lines = [s.cite.line for s in doc.steps]
    assert lines == sorted(lines), "steps must follow document order"
    assert all(s.kind is not Kind.NOTATION or s.reason for s in doc.steps)
