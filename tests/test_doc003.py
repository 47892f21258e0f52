"""Document 003 (a Chinese translation of document 000, with the translator's notes), step by step.

What every document must satisfy (LaTeX verbatim, verdicts as recorded,
counterexamples re-evaluated independently, corrections holding, mutants
refuted) is tested over the registry in ``tests/test_registry.py``; here is
what is particular to this document: that its correct steps are rich enough
for the mutants to bite (its errata are listed in ``tests/test_errata.py``).
"""
from __future__ import annotations

import pytest

from gradproof.derivations import ALL, doc003, source_text
from tests.helpers import (
    assert_mutant_kinds_apply,
    assert_mutant_kinds_exercised,
    holding,
    step_params,
)

D = doc003.DERIVATION

# The translator's notes (注), each on the step it comments on: (step id, the note's line).
NOTES = [
    ("L130-dL-da-cost", 134),
    ("L262-common-one", 260),
    ("L268-numerator", 266),
    ("L409-log-sum", 407),
]


def test_registered():
    assert D in ALL
    assert D.source == "003_3f7e5ed1d99ef393.txt" and D.key == "003"
    assert doc003.__doc__ and "Chinese translation" in doc003.__doc__


def test_translator_notes_on_their_steps():
    """Every 注 of the source that comments on a formula is in the note of that step, verbatim."""
    text = source_text(D.source).splitlines()
    # the translator's notes are parenthesised; line 108's bare 注 translates the author's "Note:"
    assert [i for i, line in enumerate(text, 1) if "（注：" in line] == [line for _, line in NOTES]
    noted = [(s.id, int(s.note.split("line ", 1)[1].split(")", 1)[0])) for s in D.steps if s.note]
    assert noted == NOTES
    for step_id, line in NOTES:
        remark = text[line - 1].split("注：", 1)[1].rstrip("）)")
        assert remark in D.step(step_id).note, (step_id, remark)


def test_a_note_does_not_make_a_formula_right():
    """Each noted formula is wrong as printed, and so carries an erratum."""
    assert all(D.step(step_id).erratum is not None for step_id, _ in NOTES)


@pytest.mark.parametrize("step", step_params(D, holding(D)))
def test_mutant_kinds_apply(step):
    assert_mutant_kinds_apply(step)


def test_mutant_kinds_all_exercised():
    assert_mutant_kinds_exercised(D)
