"""Small builders for encoding a document: one citation source, a default domain.

>>> from gradproof.derivations.model import Kind
>>> make = StepMaker("000_5d11cb42887d6a8c.txt")
>>> make.notation("L13-title", 13, "All the Backpropagation derivatives",
...               r"\\frac{\\partial \\mathcal{L}}{\\partial a}", "a caption").kind is Kind.NOTATION
True
"""
from __future__ import annotations

from dataclasses import dataclass, field

from gradproof.derivations.model import Cite, Kind, Step
from gradproof.symbolic.domain import Domain

__all__ = ["StepMaker"]


@dataclass(frozen=True)
class StepMaker:
    """Builds the steps of one source document."""

    source: str
    domain: Domain = field(default_factory=Domain)

    def step(self, id, line, where, latex, kind, claim=None, says="", domain=None, **kw) -> Step:
        return Step(id=id, latex=latex, cite=Cite(self.source, where, line), kind=kind, claim=claim,
                    says=says, domain=self.domain if domain is None else domain, **kw)

    def notation(self, id, line, where, latex, reason, **kw) -> Step:
        return self.step(id, line, where, latex, Kind.NOTATION, reason=reason, **kw)

    def definition(self, id, line, where, latex, says, **kw) -> Step:
        return self.step(id, line, where, latex, Kind.DEFINITION, says=says, **kw)
