"""Derivation -> results: plain data, no rendering.

Each checkable step gets two independent verdicts, side by side:

* ``symbolic`` -- :func:`symbolic.equivalence.decide` (a proof, a confirmed
  counterexample, or undecided);
* ``numeric`` -- :func:`checks.numeric.check` (float64 evaluation and
  finite differences of the forward pass).

A step's verdict is *as recorded* ("expected") when a step with an erratum
fails and every other checkable step holds; notation and definitions are
skipped.  When the two verdicts disagree, :attr:`StepResult.disagreement` is
set: that is a defect in an encoding or in gradproof, never to be averaged.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from gradproof.checks.diagnosis import diagnose_result
from gradproof.derivations.model import Claim, Derivation, Kind, Step
from gradproof.symbolic.equivalence import BUDGET, Status, Verdict, decide

__all__ = ["DocumentResult", "StepResult", "check_step", "run", "run_all"]


@dataclass(frozen=True)
class StepResult:
    step: Step
    symbolic: Verdict
    numeric: Verdict
    shapes: Verdict | None = None  # matrix steps: are the products defined, the shape right?
    fixed: Verdict | None = None  # the erratum's corrected claim, which must hold
    diagnosis: Any = None  # a failing step's single slip, proved (checks.diagnosis.Diagnosis)

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
        """Symbolic and numeric verdicts contradict each other (holds vs fails)."""
        pair = {self.symbolic.status, self.numeric.status}
        return pair == {Status.HOLDS, Status.FAILS}


@dataclass(frozen=True)
class DocumentResult:
    derivation: Derivation
    results: tuple[StepResult, ...]
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.step.checkable and r.verdict is status)


_SKIPPED = Verdict(Status.SKIPPED, "not checkable")


def _decide_claim(claim, step: Step, budget: float) -> Verdict:
    return decide(claim.lhs, claim.rhs, step.domain, budget)


def _numeric_claim(claim, step: Step) -> Verdict:
    from gradproof.checks.numeric import check

    return check(claim.lhs, claim.rhs, step.domain, seed_text=step.id)


def check_step(step: Step, budget: float = BUDGET) -> StepResult:
    """Both verdicts for one step (its erratum's correction, and a failure's diagnosis)."""
    r = _check_step(step, budget)
    return replace(r, diagnosis=diagnose_result(step, r))


def _check_step(step: Step, budget: float) -> StepResult:
    if not step.checkable:
        return StepResult(step, _SKIPPED, _SKIPPED)
    if step.kind is Kind.MATRIX:
        from gradproof.checks.matrix import check_matrix_step

        return check_matrix_step(step, budget)
    claim: Claim = step.claim
    symbolic = _decide_claim(claim, step, budget)
    numeric = _numeric_claim(claim, step)
    fixed = None
    if step.erratum is not None and isinstance(step.erratum.fixed, Claim):
        fixed = _decide_claim(step.erratum.fixed, step, budget)
    return StepResult(step, symbolic, numeric, None, fixed)


def run(derivation: Derivation, budget: float = BUDGET,
        progress: Callable[[Step], None] | None = None, jobs: int = 1) -> DocumentResult:
    return run_all([derivation], budget, progress, jobs)[0]


# The steps a forked worker checks: inherited through fork, never pickled (a
# matrix claim holds functions).  Workers send back the verdicts only.
_WORK: list[Step] = []


def _check_chunk(args: tuple[int, int, float]) -> list[tuple]:
    start, stop, budget = args
    out = []
    for step in _WORK[start:stop]:
        r = check_step(step, budget)
        out.append((r.symbolic, r.numeric, r.shapes, r.fixed, r.diagnosis))
    return out


def run_all(derivations: Iterable[Derivation], budget: float = BUDGET,
            progress: Callable[[Step], None] | None = None, jobs: int = 1) -> list[DocumentResult]:
    """Check every step of every derivation, in document order.

    ``jobs > 1`` spreads the steps over forked worker processes; the results
    are the same and come back in the same order (the points are seeded from
    each claim, not from a shared generator).  Workers are forked, not spawned:
    they inherit the imported SymPy and the encodings instead of paying for
    them again.
    """
    derivations = list(derivations)
    steps = [s for d in derivations for s in d.steps]
    start = time.perf_counter()
    results: list[StepResult] = []
    if jobs > 1 and len(steps) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # small chunks in document order: the expensive steps cluster together
        chunks = [(i, min(i + _CHUNK, len(steps)), budget) for i in range(0, len(steps), _CHUNK)]
        _WORK[:] = steps
        ctx = multiprocessing.get_context("fork")
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
                for (i, j, _), done in zip(chunks, pool.map(_check_chunk, chunks)):
                    for step, verdicts in zip(steps[i:j], done):
                        results.append(StepResult(step, *verdicts))
                        if progress is not None:
                            progress(step)
        finally:
            _WORK.clear()
    else:
        for step in steps:
            results.append(check_step(step, budget))
            if progress is not None:
                progress(step)
    seconds = round(time.perf_counter() - start, 6)
    out, k = [], 0
    for d in derivations:
        n = len(d.steps)
        out.append(DocumentResult(d, tuple(results[k:k + n]), seconds if len(derivations) == 1 else 0.0))
        k += n
    return out


_CHUNK = 4
