r"""The one builder of the documents' steps: a citation source, a default domain.

Every document builds its steps with a :class:`StepMaker`.  A document that
shares its maths with another (a translation) writes each piece once as a
:class:`Fact` -- the kind, the claim, what it says and, for a wrong line, the
correction and the corrected claim -- with a :class:`Place` for each document
that prints it: the document's own id, line, locator and verbatim LaTeX, its
own words where they differ (``says``/``reason``), why the line is wrong there
(an erratum of its own, with its own correction where it differs), its own
note.  A wrong line is wrong in every document that prints it: a fact with a
corrected claim needs a ``why`` at each of its places.  A line that the documents also mean as matrices carries its
:class:`~derivations.coursera.Twin`, a step of its own right after each place.
:meth:`StepMaker.steps` takes one document's places, in table order.

Examples
--------
>>> from gradproof.derivations.model import Claim, Kind
>>> make = StepMaker("000_5d11cb42887d6a8c.txt")
>>> make.notation("L13-title", 13, "All the Backpropagation derivatives",
...               r"\frac{\partial \mathcal{L}}{\partial a}", "a caption").kind is Kind.NOTATION
True
>>> import sympy as sp
>>> u = sp.Symbol("u")
>>> fact = check(Kind.EQUALS, Claim(u + u, 3 * u), "u + u", Place("000", "L1", 1, "[1]", "u + u = 3u", why="2u"),
...              Place("003", "L2", 2, "[1]", "u+u=3u", why="2u, as in 000"), correction="2u",
...              fixed=Claim(u + u, 2 * u))
>>> step, = StepMaker("003_3f7e5ed1d99ef393.txt").steps([fact])
>>> step.id, step.latex, step.erratum.why, step.erratum.fixed.rhs
('L2', 'u+u=3u', '2u, as in 000', 2*u)
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from gradproof.derivations.coursera import Twin, twin_step
from gradproof.derivations.model import Cite, Erratum, Kind, Step
from gradproof.symbolic.domain import Domain

__all__ = ["Fact", "Place", "StepMaker", "check", "definition", "notation"]


@dataclass(frozen=True)
class Place:
    """Where one document prints a fact: the document's key, its step id, line, locator and LaTeX."""

    doc: str
    id: str
    line: int
    where: str
    latex: str
    says: str | None = None  # this document's words, where they differ from the fact's
    reason: str | None = None  # the same, for a notation step
    why: str | None = None  # why the line is wrong, in this document: an erratum
    correction: str | None = None  # the corrected LaTeX, where it differs from the fact's
    note: str = ""


@dataclass(frozen=True)
class Fact:
    """One piece of maths, as one or more documents print it."""

    kind: Kind
    claim: Any
    text: str  # ``says``, or a notation step's ``reason``
    places: tuple[Place, ...]
    domain: Domain | None = None
    correction: str | None = None  # the corrected LaTeX of a wrong line
    fixed: Any = None  # the corrected claim, checked to hold
    twin: Twin | None = None  # the line read as matrices: a step of its own right after each place


def check(kind: Kind, claim: Any, says: str, *places: Place, domain: Domain | None = None,
          correction: str | None = None, fixed: Any = None, twin: Twin | None = None) -> Fact:
    return Fact(kind, claim, says, places, domain, correction, fixed, twin)


def definition(says: str, *places: Place) -> Fact:
    return Fact(Kind.DEFINITION, None, says, places)


def notation(reason: str, *places: Place) -> Fact:
    return Fact(Kind.NOTATION, None, reason, places)


@dataclass(frozen=True)
class StepMaker:
    """Builds the steps of one source document."""

    source: str
    domain: Domain = field(default_factory=Domain)

    @property
    def key(self) -> str:
        return self.source.split("_", 1)[0]

    def step(self, id: str, line: int, where: str, latex: str, kind: Kind, claim: Any = None, says: str = "",
             domain: Domain | None = None, **kw: Any) -> Step:
        return Step(id=id, latex=latex, cite=Cite(self.source, where, line), kind=kind, claim=claim,
                    says=says, domain=self.domain if domain is None else domain, **kw)

    def notation(self, id: str, line: int, where: str, latex: str, reason: str, **kw: Any) -> Step:
        return self.step(id, line, where, latex, Kind.NOTATION, reason=reason, **kw)

    def definition(self, id: str, line: int, where: str, latex: str, says: str, **kw: Any) -> Step:
        return self.step(id, line, where, latex, Kind.DEFINITION, says=says, **kw)

    def steps(self, facts: Iterable[Fact]) -> tuple[Step, ...]:
        """This document's steps, one for each place of it among ``facts`` (and its twin), in order."""
        out = []
        for fact in facts:
            for p in fact.places:
                if p.doc == self.key:
                    out.append(self._placed(fact, p))
                    if fact.twin is not None:
                        out.append(twin_step(out[-1], fact.twin))
        return tuple(out)

    def _placed(self, fact: Fact, p: Place) -> Step:
        if (p.why is None) != (fact.fixed is None):
            raise ValueError(f"{self.source} {p.id}: a fact with a corrected claim needs a why at every "
                             "place, and a why needs the corrected claim")
        erratum = None
        if p.why is not None:
            correction = p.correction if p.correction is not None else fact.correction
            if correction is None:
                raise ValueError(f"{self.source} {p.id}: an erratum needs the corrected LaTeX")
            erratum = Erratum(correction, p.why, fact.fixed)
        if fact.kind is Kind.NOTATION:
            reason = fact.text if p.reason is None else p.reason
            return self.notation(p.id, p.line, p.where, p.latex, reason, note=p.note)
        says = fact.text if p.says is None else p.says
        return self.step(p.id, p.line, p.where, p.latex, fact.kind, fact.claim, says, fact.domain,
                         erratum=erratum, note=p.note)
