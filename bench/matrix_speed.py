"""CPU seconds of the matrix steps inside the full report, and of the whole report.

    python bench/matrix_speed.py [--json OUT]     (with gradproof installed: pip install -e .)

Runs ``gradproof --json -j 1`` in this process, without the persistent cache,
and counts the CPU time (``time.process_time``) spent in the matrix steps of the
built-in documents (``check_claim`` and an erratum's ``check_fixed``) and in
the matrix checks the diagnosis of a failing step runs, beside the whole run
(imports included).  ``--json OUT`` writes the report, less times, for a
byte-for-byte comparison of verdicts between two versions.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time

_T0 = time.process_time()
os.environ["GRADPROOF_NO_CACHE"] = "1"

from gradproof.checks import cli, diagnosis, matrix, results  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from speed import verdicts  # noqa: E402

SPENT: dict[str, float] = {}
_DEPTH = [0]
PROFILE: list = []  # a cProfile.Profile enabled inside the matrix checks only, with --profile


def _timed(name, fn):
    def wrapper(*args, **kwargs):
        outer = _DEPTH[0] == 0
        _DEPTH[0] += 1
        if outer and PROFILE:
            PROFILE[0].enable()
        begun = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            _DEPTH[0] -= 1
            if outer and PROFILE:
                PROFILE[0].disable()
            SPENT[name] = SPENT.get(name, 0.0) + time.process_time() - begun
            if outer:
                SPENT["matrix, total"] = SPENT.get("matrix, total", 0.0) + time.process_time() - begun
    return wrapper


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--json", help="write the report's verdicts (less times) here")
    p.add_argument("--profile", help="write a cProfile of the matrix checks only here")
    args = p.parse_args(argv)
    if args.profile:
        import cProfile

        PROFILE.append(cProfile.Profile())
    results.check_claim = _timed("check_claim (steps)", matrix.check_claim)
    results.check_fixed = _timed("check_fixed (errata)", matrix.check_fixed)
    diagnosis.check_claim = _timed("check_claim (diagnosis)", matrix.check_claim)
    diagnosis._numeric = _timed("_numeric (diagnosis)", matrix._numeric)
    out = io.StringIO()
    begun = time.process_time()
    with contextlib.redirect_stdout(out):
        cli.main(["--json", "-j", "1"])
    run = time.process_time() - begun
    for k, v in sorted(SPENT.items()):
        print(f"{k:>26}: {v:7.3f} CPU s")
    print(f"{'report (after imports)':>26}: {run:7.3f} CPU s")
    print(f"{'process':>26}: {time.process_time():7.3f} CPU s (imports from {_T0:.3f})")
    if args.profile:
        PROFILE[0].dump_stats(args.profile)
    if args.json:
        with open(args.json, "w") as f:
            f.write(verdicts(out.getvalue()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
