"""How the matrix checks' time grows with the batch and the layer sizes.

Runs the summary of document 001 (eqs. (24)-(29): dZ2, dW2, db2, dZ1, dW1, db1)
at one size after another (m, D, h up to 8, 4, 4), with cold caches at each
size, and prints the seconds of the shape check, the symbolic verdict and the
numeric verdict, and their ratios to the smallest size -- all measured in this
one run, since absolute times on a shared machine mean little.

    python bench/matrix.py        (with gradproof installed: pip install -e .)

Each claim is checked at the size shown and at m = 1, D = 1, h = 1 (a claim
needs two sizes; that one costs a few milliseconds).
"""
from __future__ import annotations

import dataclasses

import sympy as sp

from gradproof.checks import matrix as cm
from gradproof.checks.matrix import check_claim, prove_activation
from gradproof.derivations.doc001 import DERIVATION
from gradproof.symbolic import layouts

SIZES = [(2, 2, 2), (4, 2, 2), (8, 2, 2), (8, 3, 3), (8, 4, 4)]
TINY = {"m": 1, "D": 1, "h": 1}
SUMMARY = [DERIVATION.step(f"eq{k}").claim for k in range(24, 30)]


def measure(m: int, D: int, h: int) -> tuple[float, float, float, bool]:
    layouts._BATCHES.clear()
    cm._PROGRAMS.clear()  # keyed by the id of a batch: cleared with them
    sp.core.cache.clear_cache()
    size = {"m": m, "D": D, "h": h}
    shapes = symbolic = numeric = 0.0
    ok = True
    for claim in SUMMARY:
        c = dataclasses.replace(claim, sizes=(size, TINY))
        r = check_claim(c)
        shapes += r.shapes.seconds
        symbolic += r.symbolic.seconds
        numeric += r.numeric.seconds
        ok &= r.verdict.value == "holds" and r.numeric.status.value == "holds"
    return shapes, symbolic, numeric, ok


def main() -> None:
    for name in ("tanh", "sigmoid"):
        prove_activation(name)  # once per process, not part of any size
    check_claim(dataclasses.replace(SUMMARY[1], sizes=(TINY, {"m": 2, "D": 1, "h": 1})))  # warm lambdify
    rows = [(s, *measure(*s)) for s in SIZES]
    base = rows[0]
    print(f"{'m, D, h':>9} | {'shapes s':>9} | {'symbolic s':>10} {'ratio':>6} | {'numeric s':>9} {'ratio':>6} "
          f"| {'total s':>8} {'ratio':>6} | verdicts")
    for (s, sh, sy, nu, ok) in rows:
        total, btotal = sh + sy + nu, base[1] + base[2] + base[3]
        print(f"{', '.join(map(str, s)):>9} | {sh:9.4f} | {sy:10.3f} {sy / base[2]:6.1f} | {nu:9.3f} "
              f"{nu / base[3]:6.1f} | {total:8.3f} {total / btotal:6.1f} | {'as expected' if ok else 'WRONG'}")


if __name__ == "__main__":
    main()
