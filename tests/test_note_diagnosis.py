"""Diagnosis of failing links of users' matrix notes (checks/note_diagnosis.py).

Each slip is written into a link of the Coursera shallow network (column
layout); the expected proposal is the published equation, and the proposal
is re-read as a note and checked on its own (the oracle is the checker's
decision on the corrected text, not the diagnosis' search).
"""
from __future__ import annotations

import pytest

from gradproof.checks.diagnosis import diagnose, diagnose_result
from gradproof.checks.reading import read_note
from gradproof.checks.runner import check_step
from gradproof.symbolic.equivalence import Status
from tests.helpers import SHALLOW_NOTE

HEADER = SHALLOW_NOTE  # the Coursera shallow network, column layout


def _step(link: str):
    r = read_note(HEADER + "\n$$" + link + "$$\n", "note.md")
    assert r.errors == ()
    (step,) = r.derivation.steps
    return step


def _verdict(link: str) -> Status:
    return check_step(_step(link)).verdict


SLIPS = [
    (r"dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]}", "transpose", r"dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]T}"),
    (r"dW^{[1]} = dZ^{[1]} X^T", "missing-1/m", r"dW^{[1]} = \frac{1}{m} dZ^{[1]} X^T"),
    (r"db^{[1]} = \frac{1}{m} np.sum(dZ^{[1]}, axis=0, keepdims=True)", "sum-axis",
     r"db^{[1]} = \frac{1}{m} np.sum(dZ^{[1]}, axis=1, keepdims=True)"),
    (r"dZ^{[1]} = dZ^{[2]} W^{[2]T} * g'(Z^{[1]})", "product-order", r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g'(Z^{[1]})"),
    (r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * \sigma'(Z^{[1]})", "activation",
     r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * \tanh'(Z^{[1]})"),
    (r"dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[2]T}", "layer-index", r"dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]T}"),
    (r"dZ^{[2]} = Y - A^{[2]}", "sign", r"dZ^{[2]} = A^{[2]} - Y"),
]


@pytest.mark.parametrize(("link", "slip", "fixed"), SLIPS)
def test_a_single_slip_is_named_and_its_fix_proposed_in_the_notes_notation(link, slip, fixed):
    step = _step(link)
    r = check_step(step)
    assert r.verdict is Status.FAILS
    d = diagnose_result(step, r)
    assert d is not None
    assert (d.slip, d.latex) == (slip, fixed)
    assert d.note
    assert _verdict(d.latex) is Status.HOLDS  # the proposal, read back as written, holds on its own


def test_a_missing_transpose_says_so_in_words():
    d = diagnose(_step(r"dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]}"))
    assert d is not None and d.note == "A^{[1]T} for A^{[1]}: a missing transpose"


@pytest.mark.parametrize("link", [r"dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]T}",
                                  r"db^{[1]} = \frac{1}{m} np.sum(dZ^{[1]}, axis=1, keepdims=True)",
                                  r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g'(Z^{[1]})"])
def test_a_correct_link_is_never_diagnosed(link):
    assert _verdict(link) is Status.HOLDS
    assert diagnose(_step(link)) is None


@pytest.mark.parametrize("link", [r"dW^{[2]} = dZ^{[2]} A^{[1]}",  # 1/m and the transpose
                                  r"dZ^{[1]} = dZ^{[2]} W^{[2]T} * \sigma'(Z^{[1]})"])  # order and sigma'
def test_two_slips_get_no_diagnosis(link):
    step = _step(link)
    r = check_step(step)
    assert r.verdict is Status.FAILS
    assert diagnose_result(step, r) is None


def test_a_layer_generic_link_is_diagnosed_in_its_own_letters():
    from pathlib import Path

    path = Path(__file__).parent / "published_matrix" / "nielsen_vector_slips.md"
    r = read_note(path.read_text(), str(path))
    step = next(s for s in r.derivation.steps if s.claim is not None and s.cite.line == 21)
    res = check_step(step)
    assert res.verdict is Status.FAILS
    d = diagnose_result(step, res)
    assert d is not None
    assert d.slip == "transpose"
    assert d.latex == r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^{l})"


def test_swapped_indices_of_an_entry_are_diagnosed_as_a_transpose_in_index_notation():
    head = r"""<!-- gradproof
shape w : n \times d
shape x : d \times 1
let z = w x
let C = \frac{1}{2} \|z\|^2
-->
"""
    r = read_note(head + r"$$\frac{\partial C}{\partial x_k} = \sum_j w_{kj} z_j$$" + "\n", "idx.md")
    (step,) = r.derivation.steps
    res = check_step(step)
    assert res.verdict is Status.FAILS and "the index k runs over d in x_k but over n in" in res.shapes.reason
    d = diagnose_result(step, res)
    assert d is not None and (d.slip, d.latex) == ("transpose", r"\frac{\partial C}{\partial x_k} = \sum_j w_{jk} z_j")
    fixed = read_note(head + "$$" + d.latex + "$$\n", "fixed.md")
    assert check_step(fixed.derivation.steps[0]).verdict is Status.HOLDS  # re-read as written, it holds


def test_a_factor_missing_on_one_term_of_a_sum_is_diagnosed():
    head = r"""<!-- gradproof
layout rows
shape X : m \times n
shape \theta : n \times 1
shape y : m \times 1
let J = \frac{1}{2} \|X\theta - y\|^2 + \lambda \|\theta\|^2
-->
"""
    r = read_note(head + r"$$\nabla_\theta J = X^T (X\theta - y) + \lambda \theta$$" + "\n", "l2.md")
    (step,) = r.derivation.steps
    res = check_step(step)
    assert res.verdict is Status.FAILS
    d = diagnose_result(step, res)
    assert d is not None and (d.slip, d.latex) == ("factor-2", r"\nabla_\theta J = X^T (X\theta - y) + 2 \lambda \theta")
    fixed = read_note(head + "$$" + d.latex + "$$\n", "fixed.md")
    assert check_step(fixed.derivation.steps[0]).verdict is Status.HOLDS  # re-read as written, it holds
