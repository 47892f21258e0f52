"""The source documents, encoded step by step: importable proofs for teaching material.

``ALL`` is the one registry that the report, the CLI and the tests iterate over.

>>> from gradproof.derivations import ALL
>>> [d.key for d in ALL]
['000', '001', '002', '003']
"""
from gradproof.derivations import doc000, doc001, doc002, doc003
from gradproof.derivations.matrix import MatrixClaim
from gradproof.derivations.model import Cite, Claim, Derivation, Erratum, Kind, Step, source_text

ALL: tuple[Derivation, ...] = (doc000.DERIVATION, doc001.DERIVATION, doc002.DERIVATION, doc003.DERIVATION)

__all__ = ["ALL", "Cite", "Claim", "Derivation", "Erratum", "Kind", "MatrixClaim", "Step", "source_text"]
