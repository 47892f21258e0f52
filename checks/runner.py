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
from dataclasses import dataclass

from gradproof.checks import cache  # [speed]
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
    return cache.decide(claim.lhs, claim.rhs, step.domain, budget, decide)  # [speed] once per claim


def _numeric_claim(claim, step: Step) -> Verdict:
    return cache.numeric(claim.lhs, claim.rhs, step.domain, step.id)  # [speed] numeric.check, once


def check_step(step: Step, budget: float = BUDGET) -> StepResult:
    """Both verdicts for one step (and for its erratum's correction)."""
    if not step.checkable:
        return StepResult(step, _SKIPPED, _SKIPPED)
    if step.kind is Kind.MATRIX:
        from gradproof.checks.matrix import check_matrix_step

        return StepResult(step, *cache.matrix_step(step, budget, lambda: check_matrix_step(step, budget)))  # [speed]
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


def _check_chunk(args: tuple[list[int], float]) -> list[tuple]:
    indices, budget = args  # [speed] a chunk of cache.schedule
    out = []
    for step in (_WORK[i] for i in indices):
        r = check_step(step, budget)
        out.append((r.symbolic, r.numeric, r.shapes, r.fixed))
    return out


@cache.session()  # [speed] the run's memo and the persistent cache
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

        # [speed] small chunks in document order, equal claims in one chunk (one worker decides them)
        chunks = [(c, budget) for c in cache.schedule(steps, budget, _CHUNK)]
        results = [None] * len(steps)
        _WORK[:] = steps
        ctx = multiprocessing.get_context("fork")
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
                for (indices, _), done in zip(chunks, pool.map(_check_chunk, chunks)):
                    for i, verdicts in zip(indices, done):  # [speed]
                        results[i] = StepResult(steps[i], *verdicts)
                        if progress is not None:
                            progress(steps[i])
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
