"""The same input gives the same report, byte for byte, on a loaded machine and for every ``-j``.

Budgets count CPU time and what a report prints is bounded by size, so
neither the load of the machine nor the number of worker processes may
change a verdict, a counterexample or a residual.  Here the report of a
document with failures, residuals and matrix steps (003) is made twice at
once -- in this process with one worker, and in a fresh process with two --
while two other processes burn CPU on the same cores; the JSON, once its
``seconds`` fields are removed, must be identical.
"""
import difflib
import json
import subprocess
import sys

import pytest

DOCUMENT = "003"
BURN = "import time\nend = time.time() + 300\nwhile time.time() < end:\n    pass\n"


def _without_seconds(data):
    if isinstance(data, dict):
        return {k: _without_seconds(v) for k, v in data.items() if k != "seconds"}
    if isinstance(data, list):
        return [_without_seconds(v) for v in data]
    return data


@pytest.fixture
def loaded_machine():
    burners = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(2)]
    try:
        yield
    finally:
        for p in burners:
            p.kill()
            p.wait()


def test_the_report_is_identical_under_load_for_every_number_of_jobs(loaded_machine):
    from gradproof.checks.report import to_json
    from gradproof.checks.runner import run_all
    from gradproof.derivations import ALL

    # a fresh process with two workers, beside this one checking the same document alone
    other = subprocess.Popen([sys.executable, "-m", "gradproof", "--json", "-j", "2", DOCUMENT],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    here = to_json(run_all([d for d in ALL if d.key == DOCUMENT], jobs=1))
    out, err = other.communicate()
    assert other.returncode == 0 and "Traceback" not in err, err
    there = json.loads(out)
    assert here["documents"] and here["summary"]["unexpected"] == 0
    # byte for byte, once the seconds are gone
    a, b = (json.dumps(_without_seconds(x), indent=1, ensure_ascii=False) for x in (here, there))
    assert a == b, "\n".join(list(difflib.unified_diff(a.splitlines(), b.splitlines(), "here", "there",
                                                        lineterm=""))[:60])
