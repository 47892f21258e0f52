"""What checking a step gives, and which checker gives it.

Below both the runner (:mod:`checks.runner`, which orders the work and
spreads it over processes) and the checkers (:mod:`checks.numeric`,
:mod:`checks.matrix`): the records are plain data, and :data:`CHECKERS`
maps a step's kind to the function that checks it.

Each checkable step gets two independent verdicts, side by side:

* ``symbolic`` -- :func:`symbolic.equivalence.decide` (a proof, a confirmed
  counterexample, or undecided), or the matrix check's;
* ``numeric`` -- :func:`checks.numeric.check` (float64 evaluation and
  finite differences of the forward pass), or the matrix check's.

A step's verdict is *as recorded* ("expected") when a step with an erratum
fails and every other checkable step holds; notation and definitions are
skipped.  When the two verdicts contradict each other,
:attr:`StepResult.disagreement` is set: that is a defect in an encoding or in
gradproof, never to be averaged.  An exception while checking a step never
escapes: the step is undecided, :attr:`StepResult.internal_error` says why,
and the other steps are checked as usual.

Examples
--------
>>> import sympy as sp
>>> from gradproof.derivations.model import Cite, Claim, Kind, Step
>>> z = sp.Symbol("z", real=True)
>>> step = Step(id="s", latex="z^2", cite=Cite("notes.md", "", 1), kind=Kind.EQUALS,
...             claim=Claim(z**2, z*z))
>>> check_step(step).verdict
<Status.HOLDS: 'holds'>
>>> broken = Step(id="b", latex="?", cite=Cite("notes.md", "", 2), kind=Kind.EQUALS, claim="z")
>>> r = check_step(broken)
>>> r.verdict, r.internal_error
(<Status.UNDECIDED: 'undecided'>, "AttributeError: 'str' object has no attribute 'lhs'")
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gradproof.checks import cache
from gradproof.checks.matrix import check_claim, check_fixed
from gradproof.checks.numeric import check
from gradproof.derivations.matrix import MatrixClaim
from gradproof.derivations.model import Claim, Derivation, Kind, Step
from gradproof.symbolic.equivalence import BUDGET, Status, Verdict, decide

__all__ = ["CHECKERS", "DocumentResult", "SKIPPED", "StepResult", "check_step", "internal_error"]


@dataclass(frozen=True)
class StepResult:
    step: Step
    symbolic: Verdict
    numeric: Verdict
    shapes: Verdict | None = None  # matrix steps: are the products defined, the shape right?
    fixed: Verdict | None = None  # the erratum's corrected claim, which must hold
    internal_error: str = ""  # "ExcType: message" when checking the step raised: a defect of gradproof
    diagnosis: Any = None  # a failure's single slip, itself proved (checks.diagnosis.Diagnosis)

    @property
    def verdict(self) -> Status:
        """The step's overall verdict: the symbolic one, or a failed shape check."""
        if self.shapes is not None and self.shapes.status is Status.FAILS:
            return Status.FAILS
        return self.symbolic.status

    @property
    def expected(self) -> bool:
        """Is the verdict the one recorded in the encoding?"""
        if not self.step.checkable:
            return True
        if self.step.erratum is not None:
            return self.verdict is Status.FAILS
        return self.verdict is Status.HOLDS

    @property
    def disagreement(self) -> bool:
        """The symbolic and the numeric verdict contradict each other.

        One holds and the other fails, or the numeric check found a failing
        point while the symbolic check, which evaluates at 50 digits, could
        not decide: either the numeric tolerance or the symbolic witness is
        wrong, and a reader must know.
        """
        s, n = self.symbolic.status, self.numeric.status
        return {s, n} == {Status.HOLDS, Status.FAILS} or (s is Status.UNDECIDED and n is Status.FAILS)


@dataclass(frozen=True)
class DocumentResult:
    derivation: Derivation
    results: tuple[StepResult, ...]
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.step.checkable and r.verdict is status)


SKIPPED = Verdict(Status.SKIPPED, "not checkable")


def internal_error(step: Step, what: str) -> StepResult:
    """The result of a step whose check raised ``what`` (``"ExcType: message"``): undecided, loudly."""
    v = Verdict(Status.UNDECIDED, "internal error", reason=f"internal error: {what}")
    return StepResult(step, v, v, internal_error=what)


def _scalar_step(step: Step, budget: float) -> StepResult:
    # each distinct claim is decided once per run, and remembered across runs (checks/cache.py)
    claim: Claim = step.claim
    symbolic = cache.decide(claim.lhs, claim.rhs, step.domain, budget, decide)
    # seeded by the claim alone, as decide is: a claim another document repeats is checked once
    numeric = cache.numeric(claim.lhs, claim.rhs, step.domain, "", check)
    fixed = None
    if step.erratum is not None and isinstance(step.erratum.fixed, Claim):
        fix = step.erratum.fixed
        fixed = cache.decide(fix.lhs, fix.rhs, step.domain, budget, decide)
    return StepResult(step, symbolic, numeric, None, fixed)


def _matrix_step(step: Step, budget: float) -> StepResult:
    if not isinstance(step.claim, MatrixClaim):  # a matrix note's claim checks itself (checks.matrix_notes)
        result = step.claim.check(budget)
        return StepResult(step, result.symbolic, result.numeric, result.shapes, None)

    def fresh() -> StepResult:
        result = check_claim(step.claim, budget)
        fixed = None
        if step.erratum is not None and step.erratum.fixed is not None:
            fixed = check_fixed(step.erratum.fixed, step, budget)
        return StepResult(step, result.symbolic, result.numeric, result.shapes, fixed)

    return StepResult(step, *cache.matrix_step(step, budget, fresh))


CHECKERS: dict[Kind, Callable[[Step, float], StepResult]] = {
    Kind.EQUALS: _scalar_step,
    Kind.DERIVATIVE: _scalar_step,
    Kind.MATRIX: _matrix_step,
}


def check_step(step: Step, budget: float = BUDGET) -> StepResult:
    """Both verdicts for one step (and for its erratum's correction); never raises."""
    if not step.checkable:
        return StepResult(step, SKIPPED, SKIPPED)
    try:
        return CHECKERS[step.kind](step, budget)
    except Exception as exc:  # one step's defect must not stop the others, nor print a traceback
        return internal_error(step, f"{type(exc).__name__}: {exc}")
