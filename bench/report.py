"""Benchmark the report: run by hand, prints ratios measured in one run.

    python bench/report.py [DOC...]        (with gradproof installed: pip install -e .)

1. The full report's wall time (cold, a fresh process) beside the import floor
   ``python -c "import sympy, numpy"``.
2. The engine's total decision time beside naive ``simplify(lhs - rhs) == 0``
   on the same steps (each naive call bounded, so a hang cannot stall the
   benchmark), with the verdicts of both.  Both sides are differentiated
   once before either is timed (the oracle is common to both).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAIVE_BUDGET = 30.0


def wall(cmd: list[str], repeat: int = 3) -> float:
    times = []
    env = {**os.environ, "GRADPROOF_NO_CACHE": "1"}  # cold every time (bench/speed.py measures warm)
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    import sympy as sp

    from gradproof.derivations import ALL, Claim
    from gradproof.symbolic.equivalence import Status, Timeout, bounded, decide, oracle

    docs = [d for d in ALL if not argv or any(d.source.startswith(k) for k in argv)]
    floor = wall([sys.executable, "-c", "import sympy, numpy"])
    report = wall([sys.executable, "-m", "gradproof", "--no-progress", *argv])
    print(f"import sympy, numpy        {floor:7.3f} s")
    print(f"gradproof {' '.join(argv) or '(all)':<16} {report:7.3f} s   ratio {report / floor:5.2f}x the import floor")

    steps = [s for d in docs for s in d.steps if s.checkable and isinstance(s.claim, Claim)
             and not isinstance(s.claim.lhs, sp.MatrixBase) and not isinstance(s.claim.rhs, sp.MatrixBase)]
    engine = naive = 0.0
    worse, proved_naive, proved_engine = [], 0, 0
    for s in steps:
        # both sides differentiated once, outside both timings: decide() finds them in its cache
        L, R = oracle(s.claim.lhs), oracle(s.claim.rhs)
        t = time.perf_counter()
        v = decide(s.claim.lhs, s.claim.rhs, s.domain)
        engine += time.perf_counter() - t
        t = time.perf_counter()
        try:
            zero = bounded(lambda d=L - R: bool(sp.simplify(d) == 0), NAIVE_BUDGET)
        except Timeout:
            zero = None
        naive += time.perf_counter() - t
        proved_naive += bool(zero)
        proved_engine += v.status is Status.HOLDS
        # naive simplify can only prove; a nonzero result is not a refutation
        if zero and v.status is not Status.HOLDS:
            worse.append(s.id)
    print(f"{len(steps)} scalar steps: engine {engine:.3f} s ({proved_engine} proved, the rest refuted or "
          f"undecided), naive simplify(lhs - rhs) == 0 {naive:.3f} s ({proved_naive} proved); "
          f"ratio {naive / engine:.1f}x; steps naive proved that the engine did not: {worse or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
