"""How far a claim overruns its CPU budget: run by hand, prints what it measured.

    python bench/budget.py

Claims that cannot be decided within their budget (a 60th power expanded in
the ladder; the same with ``simplify`` in its CPU-limited child) are decided
with budgets of 0.25 to 5 CPU seconds.  For each: the CPU seconds this
process used, the CPU seconds of the ``simplify`` child (``RUSAGE_CHILDREN``),
their sum, and the overrun in percent of the budget (the target is at most
10 %).  CPU time does not depend on the load of the machine, so the figures
hold on a busy runner too; the wall-clock time is printed beside them.
"""
from __future__ import annotations

import resource
import time


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> int:
    import sympy as sp

    from gradproof.symbolic.equivalence import decide, in_child

    x, y, z = sp.symbols("x y z", real=True)
    s = x + y + z + 1
    heavy = (s**60, (2 * x + 2 * y + 2 * z + 2) ** 60 / 2**60)
    decide(x, x)  # imports and first calls outside the measurement

    def spin():
        while True:
            pass

    print(f"{'claim':<28}{'budget':>8}{'process':>9}{'child':>8}{'total':>8}{'overrun':>9}{'wall':>8}")
    for budget in (0.25, 0.5, 1.0, 2.0, 5.0):
        for name, run in (("ladder (in process)", lambda: decide(*heavy, budget=budget, use_simplify=False)),
                          ("simplify child (spin)", lambda: _spent(in_child, spin, budget))):
            cpu, child, wall = time.process_time(), _children_cpu(), time.perf_counter()
            run()
            cpu, child = time.process_time() - cpu, _children_cpu() - child
            total = cpu + child
            print(f"{name:<28}{budget:>8.2f}{cpu:>9.3f}{child:>8.3f}{total:>8.3f}"
                  f"{100 * (total - budget) / budget:>8.1f}%{time.perf_counter() - wall:>8.2f}")
    return 0


def _spent(in_child, fn, budget):
    from gradproof.symbolic.equivalence import Timeout

    try:
        in_child(fn, budget)
    except Timeout:
        pass


if __name__ == "__main__":
    raise SystemExit(main())
