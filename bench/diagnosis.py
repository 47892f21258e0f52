"""How many of the built-in documents' recorded errata the diagnosis finds by itself.

For every step with an erratum: the diagnosis of the failing step (no use of the
erratum), and whether its proposal agrees with the recorded correction -- the
proposed claim and the erratum's corrected claim decided equal (scalar claims:
``decide`` of the two right-hand sides under the step's domain; matrix claims:
the proposal is proved against the oracle, as is the correction, so they agree
when both hold and the correction's closed form equals the proposal's at every
size).

    python bench/diagnosis.py [DOC-PREFIX ...]
    python bench/diagnosis.py --notes [PATH ...]

Prints one line per erratum, then the figures.  With ``--notes``: every failing
link of the scalar notes (default: tests/published/, tests/corpus/, examples/),
its diagnosis or "-", and per folder how many are diagnosed.  CPU seconds per
diagnosis are measured with ``time.process_time``; read them as ratios on a
shared machine.  Run with ``GRADPROOF_NO_CACHE=1`` to measure the search, not
the cache.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from gradproof.checks.diagnosis import _SEARCHED, agrees, diagnose
from gradproof.checks.runner import check_step
from gradproof.derivations import ALL
from gradproof.symbolic.equivalence import Status

ROOT = Path(__file__).resolve().parent.parent
NOTE_FOLDERS = ("tests/published", "tests/corpus", "examples")


def notes(paths: list[str]) -> int:
    """The failing links of scalar notes and their diagnoses, per folder."""
    from gradproof.checks.reading import InputError, read_file
    from gradproof.checks.results import check_step as verdicts

    files = [Path(p) for p in paths] or [f for d in NOTE_FOLDERS for f in sorted((ROOT / d).glob("*.md"))]
    figures: dict[str, list[tuple[bool, float]]] = {}
    for path in files:
        try:
            reading = read_file(path)
        except InputError:
            continue
        for step in reading.derivation.steps:
            if not step.checkable or step.kind.value == "matrix":
                continue
            result = verdicts(step)
            if result.verdict is not Status.FAILS:
                continue
            _SEARCHED.clear()  # measure the search, not the process's memo of it
            start = time.process_time()
            d = diagnose(step, fails=True)
            seconds = time.process_time() - start
            figures.setdefault(path.parent.name, []).append((d is not None, seconds))
            slip = d.slip if d else "-"
            print(f"{path.name}:{step.cite.line:<4} {slip:14s} {seconds:6.2f} s  {d.latex if d else step.latex}")
    for folder, rows in figures.items():
        times = sorted(t for _, t in rows)
        print(f"{folder}: failing links {len(rows)}; diagnosed {sum(1 for f, _ in rows if f)}; CPU s per "
              f"diagnosis: median {times[len(times) // 2]:.2f}, max {times[-1]:.2f}, total {sum(times):.1f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(argv if argv is not None else sys.argv[1:])
    if argv[:1] == ["--notes"]:
        return notes(argv[1:])
    keys = set(argv)
    rows = []
    for doc in ALL:
        if keys and doc.key not in keys:
            continue
        for step in doc.steps:
            if step.erratum is None:
                continue
            result = check_step(step)
            _SEARCHED.clear()  # measure the search, not the process's memo of it
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
