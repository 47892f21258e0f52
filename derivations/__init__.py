"""The source documents, encoded step by step: importable proofs for teaching material.

``ALL`` is the one registry that the report, the CLI and the tests iterate over.
It is a sequence in a stable order whose documents are built on first use: building
one costs about as much as importing SymPy, so selecting a document builds only it.

>>> from gradproof.derivations import ALL
>>> ALL.keys()
('000', '001', '002', '003')
>>> [d.key for d in select(["001"])]
['001']
>>> [d.key for d in ALL]
['000', '001', '002', '003']
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import import_module
from typing import overload

from gradproof.derivations.matrix import MatrixClaim
from gradproof.derivations.model import Cite, Claim, Derivation, Erratum, Kind, Step, source_text

__all__ = ["ALL", "Cite", "Claim", "Derivation", "Erratum", "Kind", "MatrixClaim", "Registry", "Step", "select",
           "source_text"]


class Registry(Sequence[Derivation]):
    """The built-in documents, by source file name, each built (and kept) on first use."""

    def __init__(self, modules: dict[str, str]):
        self._modules = dict(modules)  # source file name -> module under gradproof.derivations
        self._sources = tuple(self._modules)
        self._built: dict[str, Derivation] = {}

    def keys(self) -> tuple[str, ...]:
        """The documents' keys (``000``, ...) in order, building nothing."""
        return tuple(s.split("_", 1)[0] for s in self._sources)

    def modules(self) -> dict[str, str]:
        """Source file name -> the module under ``gradproof.derivations`` that encodes it."""
        return dict(self._modules)

    def sources(self) -> tuple[str, ...]:
        """The documents' source file names in order, building nothing."""
        return self._sources

    def document(self, source: str) -> Derivation:
        if source not in self._built:
            doc = import_module(f"gradproof.derivations.{self._modules[source]}").DERIVATION
            if doc.source != source:
                raise ValueError(f"the registry names {source} for a document that cites {doc.source}")
            self._built[source] = doc
        return self._built[source]

    def matching(self, prefix: str) -> list[Derivation]:
        """The documents whose file name starts with ``prefix``; only they are built."""
        return [self.document(s) for s in self._sources if s.startswith(prefix)]

    @overload
    def __getitem__(self, index: int) -> Derivation: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Derivation]: ...

    def __getitem__(self, index: int | slice) -> Derivation | Sequence[Derivation]:
        if isinstance(index, slice):
            return tuple(self.document(s) for s in self._sources[index])
        return self.document(self._sources[index])

    def __len__(self) -> int:
        return len(self._sources)

    def __repr__(self) -> str:
        return f"Registry({', '.join(self.keys())})"


ALL = Registry({
    "000_5d11cb42887d6a8c.txt": "doc000",
    "001_13b4a7930836948c.txt": "doc001",
    "002_5e682a3c2b7b752a.txt": "doc002",
    "003_3f7e5ed1d99ef393.txt": "doc003",
})


def select(prefixes: Iterable[str], documents: Sequence[Derivation] | None = None) -> list[Derivation]:
    """The documents whose file name starts with one of ``prefixes`` (all when none), each once, in order.

    ``documents`` defaults to :data:`ALL`, of which only the selected are built.  An
    unknown prefix raises ``LookupError`` naming the known keys.
    """
    docs = ALL if documents is None else documents
    prefixes = list(prefixes)
    if not prefixes:
        return list(docs)
    chosen: list[Derivation] = []
    for k in prefixes:
        match = docs.matching(k) if isinstance(docs, Registry) else [d for d in docs if d.source.startswith(k)]
        if not match:
            known = docs.keys() if isinstance(docs, Registry) else [d.key for d in docs]
            raise LookupError(f"no document matches {k!r} (known: {', '.join(known)})")
        chosen += [d for d in match if d not in chosen]
    return chosen
