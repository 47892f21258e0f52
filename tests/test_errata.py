"""The errata of every document, written out by hand: a changed encoding is noticed.

Each list is (step id, line) in document order.  A step that gains or loses an
erratum, or moves, fails here first, whatever its verdict.
"""
import pytest

from gradproof.derivations import ALL

ERRATA = {
    "000": [
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
    ],
    "001": [
        ("eq9-chain", 58),
        ("eq15", 86),
        ("eq20-chain", 113),
        ("eq22", 122),
    ],
    "002": [
        ("dZ-matrix", 86),
        ("dZ-sanity-shape", 88),
        ("dW-entry-equals-matrix", 110),
        ("dA-prev-index-chain", 120),
        ("recap-dZ", 148),
    ],
    "003": [
        ("L44-dWL", 44),
        ("L44-dWL-matrix", 44),
        ("L46-dZL-1", 46),
        ("L46-dZL-1-matrix", 46),
        ("L48-dZ1", 48),
        ("L48-dZ1-matrix", 48),
        ("L49-dW1", 49),
        ("L49-dW1-matrix", 49),
        ("L66-da", 66),
        ("L130-dL-da-cost", 130),
        ("L136-dL-da", 136),
        ("L262-common-one", 262),
        ("L268-numerator", 268),
        ("L379-plugged", 379),
        ("L387-expanded", 387),
        ("L393-cancel", 393),
        ("L397-yz-out", 397),
        ("L401-ln-exp", 401),
        ("L405-exp-rule", 405),
        ("L409-log-sum", 409),
        ("L415-log1p", 415),
        ("L421-bracket", 421),
        ("L431-dw-terms", 431),
        ("L477-bracket", 477),
    ],
}


def test_every_registered_document_has_its_list():
    assert sorted(ERRATA) == sorted(d.key for d in ALL)


@pytest.mark.parametrize("doc", ALL, ids=[d.key for d in ALL])
def test_errata_are_the_listed_ones(doc):
    assert [(s.id, s.cite.line) for s in doc.steps if s.erratum is not None] == ERRATA[doc.key]
