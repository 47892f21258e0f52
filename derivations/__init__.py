"""The source documents, encoded step by step: importable proofs for teaching material.

``ALL`` is the one registry that the report, the CLI and the tests iterate over.

>>> from derivations import ALL
>>> [d.key for d in ALL][:1]
['000']
"""
from derivations.model import Cite, Claim, Derivation, Erratum, Kind, Step, source_text
from derivations import doc002

ALL: tuple[Derivation, ...] = (doc002.DERIVATION,)

__all__ = ["ALL", "Cite", "Claim", "Derivation", "Erratum", "Kind", "Step", "source_text"]
