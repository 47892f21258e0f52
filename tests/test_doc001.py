"""Document 001 beyond the registry tests: its errata, its equation numbers, every equation encoded."""
from __future__ import annotations

import re

import pytest

from gradproof.derivations import ALL
from gradproof.derivations.doc001 import DERIVATION

STEPS = DERIVATION.steps
IDS = [f"001/{s.id}" for s in STEPS]


def test_registered():
    assert DERIVATION in ALL


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_cite_uses_the_documents_own_numbers(step):
    if step.cite.where.startswith("eq."):
        number = re.fullmatch(r"eq\. \((\d+)\)", step.cite.where).group(1)
        assert 1 <= int(number) <= 29



def test_every_equation_is_encoded():
    cited = {s.cite.where for s in STEPS}
    assert {f"eq. ({k})" for k in range(1, 30)} <= cited
