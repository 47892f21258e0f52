"""The source documents, encoded step by step: importable proofs for teaching material.

``ALL`` is the one registry that the report, the CLI and the tests iterate over.

>>> from derivations import ALL
>>> "001" in [d.key for d in ALL]
True
"""
from derivations.matrix import MatrixClaim
from derivations.model import Cite, Claim, Derivation, Erratum, Kind, Step, source_text
from derivations import doc001

ALL: tuple[Derivation, ...] = (doc001.DERIVATION,)

__all__ = ["ALL", "Cite", "Claim", "Derivation", "Erratum", "Kind", "MatrixClaim", "Step", "source_text"]
