"""Benchmark every figure of "Speed" (issue 11) in one run, as ratios to the import floor.

    python bench/speed.py [--repeat N] [--jobs 1,2]     (with gradproof installed: pip install -e .)

Each command runs in a fresh process, ``--repeat`` times; the figures are
medians.  CPU is user + sys of the children (``resource.getrusage(
RUSAGE_CHILDREN)`` before and after, so forked workers and the ``simplify``
children count), wall is elapsed time, peak memory the largest resident set of
the process tree (``os.wait4``).  The floor is ``python -c "import sympy,
numpy"``, measured in the same run, so the ratios hold on a busy machine.

* the full report (``gradproof --json``), cold (the persistent cache empty,
  in a directory of its own) and warm, at each ``--jobs``;
* ``gradproof check`` on the notes of ``tests/corpus`` and ``examples/``,
  cold and warm;
* ``gradproof check --help``;
* and whether the JSON reports, less times and the labels of reused results,
  are byte-identical cold, warm, and at every ``--jobs``.

A warm run plays the whole output back from the persistent cache
(``checks/cache.py``): it loads neither SymPy nor the documents.

gradproof's bytecode is compiled first, as ``pip install`` does for the
installed package and for SymPy and NumPy.  Without it, an editable install
under ``PYTHONDONTWRITEBYTECODE=1`` (set on the planning machine) compiles
gradproof's sources again in every run: about 0.1 CPU s that no installed
copy pays, and the floor does not.
"""
from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTES = ["tests/corpus", "examples"]

# "Done when": (figure, CPU ratio at most), peak memory below 300 MB
TARGETS = {
    "full report, cold": 10.0,
    "full report, warm": 1.5,
    "check notes, cold": 2.5,
    "check notes, warm": 1.5,
    "check --help": 0.3,
}
PEAK_MB = 300


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """(CPU s, wall s, peak MB, stdout) of one run of ``cmd`` and everything it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return cpu, wall, peak_mb, out


def verdicts(text: str) -> str:
    """The JSON report without what may differ between runs: times, and the labels of reused results.

    Compared byte for byte: every verdict, method, counterexample, explanation
    and diagnosis must be the same cold, warm and at every ``-j``.
    """
    def strip(o):
        if isinstance(o, dict):
            return {k: strip(v) for k, v in o.items() if k not in ("seconds", "cached")}
        return [strip(v) for v in o] if isinstance(o, list) else o

    try:
        return json.dumps(strip(json.loads(text)), ensure_ascii=False, indent=1)
    except json.JSONDecodeError:
        return "not JSON"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--jobs", default="1,2", help="worker counts of the full report, comma-separated")
    args = p.parse_args(argv)
    jobs = [int(j) for j in args.jobs.split(",")]
    spec = importlib.util.find_spec("gradproof")
    package = spec.submodule_search_locations[0] if spec and spec.submodule_search_locations else None
    if package is None or not compileall.compile_dir(package, quiet=1, rx=re.compile(r"/(tests|bench|build)/")):
        print(f"could not compile gradproof's bytecode in {package}: every run compiles its sources")
    gp = [sys.executable, "-m", "gradproof"]
    cache_dir = tempfile.mkdtemp(prefix="gradproof-bench-")
    env = {**os.environ, "GRADPROOF_CACHE_DIR": cache_dir}
    env.pop("GRADPROOF_NO_CACHE", None)

    def clear():
        shutil.rmtree(cache_dir, ignore_errors=True)
        os.makedirs(cache_dir)

    rows: dict[str, list[tuple[float, float, float]]] = {}
    outputs: dict[str, list[str]] = {}

    def record(name, cmd):
        cpu, wall, peak, out = measure(cmd, env)
        rows.setdefault(name, []).append((cpu, wall, peak))
        if "--json" in cmd:
            outputs.setdefault(name, []).append(verdicts(out))

    try:
        for _ in range(args.repeat):
            record("floor: import sympy, numpy", [sys.executable, "-c", "import sympy, numpy"])
            for j in jobs:
                clear()
                record(f"full report, cold, -j {j}", [*gp, "--json", "-j", str(j)])
                record(f"full report, warm, -j {j}", [*gp, "--json", "-j", str(j)])
            clear()
            record("check notes, cold", [*gp, "check", *NOTES, "--json"])
            record("check notes, warm", [*gp, "check", *NOTES, "--json"])
            record("check --help", [*gp, "check", "--help"])
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)

    med = {k: tuple(statistics.median(r[i] for r in v) for i in range(3)) for k, v in rows.items()}
    floor_cpu, floor_wall, _ = med["floor: import sympy, numpy"]
    print(f"{args.repeat} runs each, medians; floor = python -c 'import sympy, numpy': "
          f"{floor_cpu:.3f} CPU s, {floor_wall:.3f} wall s")
    print(f"{'command':<32} {'CPU s':>7} {'CPU x':>7} {'wall s':>7} {'wall x':>7} {'peak MB':>8}  target")
    worst_peak = 0.0
    for name, (cpu, wall, peak) in med.items():
        worst_peak = max(worst_peak, max(r[2] for r in rows[name]))
        target = next((t for k, t in TARGETS.items() if name.startswith(k)), None)
        mark = "" if target is None else f"<= {target:g}x CPU: {'met' if cpu / floor_cpu <= target else 'NOT met'}"
        print(f"{name:<32} {cpu:7.3f} {cpu / floor_cpu:7.2f} {wall:7.3f} {wall / floor_wall:7.2f} "
              f"{peak:8.0f}  {mark}")
    print(f"peak memory of any run: {worst_peak:.0f} MB (target < {PEAK_MB} MB: "
          f"{'met' if worst_peak < PEAK_MB else 'NOT met'})")
    groups = {"full report": [o for k, v in outputs.items() if k.startswith("full report") for o in v],
              "check notes": [o for k, v in outputs.items() if k.startswith("check notes") for o in v]}
    same = True
    for name, outs in groups.items():
        ok = all(o == outs[0] for o in outs) and bool(outs) and outs[0] != "not JSON"
        same &= ok
        print(f"JSON of {name} less times and cache labels: {'byte-identical' if ok else 'DIFFERENT'} cold, warm"
              f"{' and at -j ' + ', '.join(map(str, jobs)) if name == 'full report' else ''} "
              f"({len(outs[0]) if outs else 0} bytes, {len(outs)} runs)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
