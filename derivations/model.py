"""The records a derivation is made of: citations, claims, steps, derivations.

A step is what the document *wrote*, not what it meant to write: its LaTeX is
quoted verbatim, even when wrong or garbled, and a known mistake is recorded
beside it as an :class:`Erratum` -- the verdict is still computed.

Kinds of step
-------------
``equals``      the line is an expression that the document says equals a
                named quantity (``claim.lhs``): "which rearranged gives ...".
``derivative``  ``claim.lhs`` contains ``Derivative`` nodes of defined
                quantities; the oracle differentiates the definitions.
``matrix``      a matrix identity with shapes, checked at concrete sizes.
``definition``  introduces a quantity; asserts nothing to check.
``notation``    prose, a caption, an operator written as an equation, an abuse
                of notation: nothing checkable.  ``reason`` says why.

Examples
--------
>>> import sympy as sp
>>> a, y = sp.symbols("a y", positive=True)
>>> step = Step(
...     id="dL-da", latex=r"\\frac{\\partial L}{\\partial a}", kind=Kind.DERIVATIVE,
...     cite=Cite("000_5d11cb42887d6a8c.txt", "[1] Derivative w.r.t activation function", 160),
...     claim=Claim(sp.Derivative(-y * sp.log(a), a), -y / a), says="dL/da")
>>> step.checkable
True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gradproof.symbolic.domain import Domain
from gradproof.symbolic.printing import markdown_inline as inline
from gradproof.symbolic.printing import markdown_prose as prose
from gradproof.symbolic.printing import math_latex

__all__ = ["Cite", "Claim", "Derivation", "Erratum", "Kind", "Step"]


class Kind(StrEnum):
    EQUALS = "equals"
    DERIVATIVE = "derivative"
    MATRIX = "matrix"
    DEFINITION = "definition"
    NOTATION = "notation"


@dataclass(frozen=True)
class Cite:
    """Where a step stands: the document's file name, its own locator, the file line."""

    document: str
    where: str
    line: int

    def __str__(self) -> str:
        return f"{self.document}:{self.line} ({self.where})"


@dataclass(frozen=True)
class Claim:
    """``lhs = rhs`` as SymPy scalars.  ``rhs`` is the document's expression as printed."""

    lhs: Any
    rhs: Any


@dataclass(frozen=True)
class Erratum:
    """A known mistake: the corrected LaTeX, why, and the corrected claim (checked to hold)."""

    correction: str
    why: str
    fixed: Any = None  # a Claim (or a matrix claim) that must hold


@dataclass(frozen=True)
class Step:
    """One line of a document, as written, with what it claims."""

    id: str
    latex: str
    cite: Cite
    kind: Kind
    claim: Any = None  # Claim for scalar kinds; a matrix claim for Kind.MATRIX
    says: str = ""  # what the step claims, in words, and what it is checked against
    domain: Domain = field(default_factory=Domain)
    erratum: Erratum | None = None
    reason: str = ""  # why a notation step asserts nothing checkable
    note: str = ""  # e.g. a translator's note on this step

    def __post_init__(self):
        if not self.id or not self.latex:
            raise ValueError("a step needs an id and its LaTeX as written")
        if self.kind in (Kind.EQUALS, Kind.DERIVATIVE, Kind.MATRIX) and self.claim is None:
            raise ValueError(f"step {self.id}: a {self.kind} step needs a claim")
        if self.kind is Kind.NOTATION and not self.reason:
            raise ValueError(f"step {self.id}: a notation step needs the reason it asserts nothing")

    @property
    def checkable(self) -> bool:
        return self.kind in (Kind.EQUALS, Kind.DERIVATIVE, Kind.MATRIX)

    def _repr_markdown_(self) -> str:  # Jupyter: where it stands, the LaTeX as written, the claim, the erratum
        out = [f"**{prose(self.cite.document)}, line {self.cite.line}** ({prose(self.cite.where)}) · "
               f"{inline(self.latex)}", ""]
        if not self.checkable:
            out.append(f"*{self.kind.value}*: {prose(self.reason or self.says)}")
        elif isinstance(self.claim, Claim):
            out += ["$$", f"{math_latex(self.claim.lhs)} = {math_latex(self.claim.rhs)}", "$$"]
        else:  # a matrix claim is said in words
            out.append(f"*{prose(self.says or getattr(self.claim, 'says', ''))}*")
        if self.checkable and self.says and isinstance(self.claim, Claim):
            out += ["", f"*{prose(self.says)}*"]
        if self.erratum is not None:
            out += ["", f"Erratum: {inline(self.erratum.correction)} — {prose(self.erratum.why)}"]
        return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Derivation:
    """A document, encoded step by step in document order."""

    title: str
    source: str  # file name under derivations/sources/
    convention: str  # e.g. "column-major: Z = W X + b, X is n x m"
    steps: tuple[Step, ...]

    def __post_init__(self):
        ids = [s.id for s in self.steps]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"{self.source}: duplicate step ids {dupes}")

    @property
    def key(self) -> str:
        """The file-name prefix that selects this document (``000``)."""
        return self.source.split("_", 1)[0]

    def _repr_markdown_(self) -> str:  # Jupyter: the claims without verdicts (a checked one: Report)
        head = f"### {prose(self.title)}\n\n`{self.source}` · {prose(self.convention)}\n"
        return "\n".join([head] + [s._repr_markdown_() for s in self.steps])

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(f"{self.source}: no step {step_id!r}")


def source_text(source: str) -> str:
    """The stored text of a source document (shipped as package data)."""
    from importlib import resources

    return resources.files("gradproof.derivations").joinpath("sources", source).read_text(encoding="utf-8")

