"""Derivation -> results: every step checked, in document order, on one core or several.

What a step's result holds, and which checker gives it, is :mod:`checks.results`
(re-exported here).  This module orders the work: :func:`run_all` checks the
steps one after another, or spreads them over forked worker processes
(``jobs``), with the same results in the same order either way.

Nothing raised while checking a step escapes: the step becomes undecided with
``internal error: ...`` (:attr:`StepResult.internal_error`) and the others are
checked -- also when a worker process dies (each of its steps is then checked
again in a process of its own, so the one that kills its process is named).
"""
from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from gradproof.checks import cache
from gradproof.checks.diagnosis import diagnose_result
from gradproof.checks.results import DocumentResult, StepResult, internal_error
from gradproof.checks.results import check_step as _verdicts_of
from gradproof.derivations.model import Derivation, Step
from gradproof.symbolic.equivalence import BUDGET, Status, Timeout, in_child

__all__ = ["DocumentResult", "StepResult", "as_reused", "check_step", "run", "run_all", "settled"]

_CHUNK = 4  # steps per task: small chunks in document order, since the expensive steps cluster
# CPU seconds a step checked on its own may use, in budgets: a matrix step is many claims
# (every size, every depth), each with a budget of its own
_ISOLATED_BUDGETS = 60


def run(derivation: Derivation, budget: float = BUDGET,
        progress: Callable[[Step], None] | None = None, jobs: int = 1) -> DocumentResult:
    return run_all([derivation], budget, progress, jobs)[0]


# The steps a forked worker checks: inherited through fork, never pickled (a
# matrix claim holds functions).  Workers send back the verdicts only.
_WORK: list[Step] = []


def _verdicts(r: StepResult) -> tuple:
    return (r.symbolic, r.numeric, r.shapes, r.fixed, r.internal_error, r.diagnosis)


def check_step(step: Step, budget: float = BUDGET) -> StepResult:
    """The verdicts of one step (:func:`checks.results.check_step`), and for a failure the single
    slip that makes it hold (:mod:`checks.diagnosis`); never raises."""
    r = _verdicts_of(step, budget)
    if r.verdict is not Status.FAILS or r.internal_error:
        return r
    try:
        return replace(r, diagnosis=cache.diagnosis(step, budget, lambda: diagnose_result(step, r, budget=budget)))
    except Exception:  # noqa: BLE001 -- a diagnosis is advice: its defect must not change a verdict
        return r


def _check_chunk(args: tuple[list[int], float]) -> list[tuple]:
    indices, budget = args  # a chunk of cache.schedule: equal claims go to one worker
    return [_verdicts(check_step(_WORK[i], budget)) for i in indices]


def _isolated(step: Step, budget: float) -> StepResult:
    """``check_step`` in a process of its own: a step that kills its process is an internal error."""
    try:
        return StepResult(step, *in_child(lambda: _verdicts(check_step(step, budget)),
                                          _ISOLATED_BUDGETS * budget))
    except Timeout:
        return internal_error(step, f"Timeout: the step used more than {_ISOLATED_BUDGETS} budgets "
                                    "of CPU time")
    except Exception as exc:
        return internal_error(step, f"{type(exc).__name__}: {exc}")


def _run_forked(steps: list[Step], budget: float, jobs: int):
    """The results of ``steps`` in order, from forked workers, as they come."""
    # small chunks in document order (the expensive steps cluster), equal claims in one chunk
    chunks = [(c, budget) for c in cache.schedule(steps, budget, _CHUNK)]
    _WORK[:] = steps
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_check_chunk, c) for c in chunks]
            for (indices, _), future in zip(chunks, futures, strict=False):
                try:
                    done = [StepResult(steps[i], *v) for i, v in zip(indices, future.result(), strict=False)]
                except Exception:  # a worker died, or its answer did not travel: step by step
                    done = [_isolated(steps[i], budget) for i in indices]
                yield from zip(indices, done, strict=False)
    finally:
        _WORK.clear()


@cache.session()  # one run: each distinct claim decided, and printed, once
def run_all(derivations: Iterable[Derivation], budget: float = BUDGET,
            progress: Callable[[Step], None] | None = None, jobs: int = 1) -> list[DocumentResult]:
    """Check every step of every derivation, in document order.

    ``jobs > 1`` spreads the steps over forked worker processes; the results
    are the same and come back in the same order (the points are seeded from
    each claim, not from a shared generator, and budgets count CPU time).
    Workers are forked, not spawned: they inherit the imported SymPy and the
    encodings instead of paying for them again.
    """
    derivations = list(derivations)
    steps = [s for d in derivations for s in d.steps]
    start = time.perf_counter()
    if jobs > 1 and len(steps) > 1:
        checked = _run_forked(steps, budget, jobs)
    else:
        checked = ((i, check_step(step, budget)) for i, step in enumerate(steps))
    slots: list[StepResult | None] = [None] * len(steps)
    for i, r in checked:
        slots[i] = r
        if progress is not None:
            progress(r.step)
    results = [r for r in slots if r is not None]
    seconds = round(time.perf_counter() - start, 6)
    out, k = [], 0
    for d in derivations:
        n = len(d.steps)
        out.append(DocumentResult(d, tuple(results[k:k + n]), seconds if len(derivations) == 1 else 0.0))
        k += n
    return out


def settled(results: Iterable[DocumentResult]) -> bool:
    """May these results be stored: no internal error, and no verdict left undecided by a CPU budget?

    The symbolic verdicts (a step's, its shapes', its correction's) have a
    budget: a faster or idler machine may decide what this one did not.  The
    numeric checks have none -- float64 at seeded points -- so theirs is the
    same everywhere (``cannot evaluate numerically`` stays so).
    """
    for d in results:
        for r in d.results:
            if r.internal_error or any(v is not None and v.status is Status.UNDECIDED
                                       for v in (r.symbolic, r.shapes, r.fixed)):
                return False
    return True


def as_reused(results: Iterable[DocumentResult]) -> list[DocumentResult]:
    """``results`` as a later run that finds them in the persistent cache shows them: each verdict
    decided here labelled ``cached: disk`` (one already reused in this run keeps ``run``), no time."""
    def label(v):
        if v is None or v.status is Status.SKIPPED or v.extra.get("cached"):
            return v
        return cache.reused(v, "disk")

    return [replace(d, seconds=0.0, results=tuple(
        replace(r, symbolic=label(r.symbolic), numeric=label(r.numeric), shapes=label(r.shapes),
                fixed=label(r.fixed)) for r in d.results)) for d in results]
