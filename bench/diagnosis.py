"""How many of the built-in documents' recorded errata the diagnosis finds by itself.

For every step with an erratum: the diagnosis of the failing step (no use of the
erratum), and whether its proposal agrees with the recorded correction -- the
proposed claim and the erratum's corrected claim decided equal (scalar claims:
``decide`` of the two right-hand sides under the step's domain; matrix claims:
the proposal is proved against the oracle, as is the correction, so they agree
when both hold and the correction's closed form equals the proposal's at every
size).

    python bench/diagnosis.py [DOC-PREFIX ...]

Prints one line per erratum, then the figures.  CPU seconds per diagnosis are
measured with ``time.process_time``; read them as ratios on a shared machine.
"""
from __future__ import annotations

import sys
import time

from gradproof.checks.diagnosis import agrees, diagnose
from gradproof.checks.runner import check_step
from gradproof.derivations import ALL
from gradproof.symbolic.equivalence import Status


def main(argv: list[str] | None = None) -> int:
    keys = set(argv if argv is not None else sys.argv[1:])
    rows = []
    for doc in ALL:
        if keys and doc.key not in keys:
            continue
        for step in doc.steps:
            if step.erratum is None:
                continue
            result = check_step(step)
            start = time.process_time()
            d = diagnose(step, fails=True) if result.verdict is Status.FAILS else None
            seconds = time.process_time() - start
            agree = agrees(step, d) if d is not None else None
            rows.append((doc.key, step.id, d, agree, seconds))
            slip = d.slip if d else "-"
            mark = {True: "agrees", False: "differs", None: ""}[agree]
            print(f"{doc.key} {step.id:28s} {slip:14s} {mark:8s} {seconds:6.2f} s  {d.latex if d else ''}")
    found = sum(1 for r in rows if r[2] is not None)
    agreeing = sum(1 for r in rows if r[3])
    times = sorted(r[4] for r in rows)
    print(f"errata: {len(rows)}; found by the diagnosis alone: {found}; agreeing with the recorded "
          f"correction: {agreeing}")
    if times:
        print(f"CPU s per diagnosis: median {times[len(times) // 2]:.2f}, max {times[-1]:.2f}, "
              f"total {sum(times):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
