"""JUnit XML from check results: one test suite per document, one test case per step.

CI servers (GitHub Actions reporters, GitLab, Jenkins) read this format.  A
step passes when its verdict is the one recorded (``StepResult.expected``: it
holds, or it fails as its erratum says); an undecided step is a failure unless
``allow_undecided``, then it is skipped; notation and definitions are skipped.
A disagreement between the symbolic and the numeric verdicts is an error.

Examples
--------
>>> print(to_junit_xml([]).splitlines()[1])
<testsuites name="gradproof" tests="0" failures="0" errors="0" skipped="0" time="0.000000" />

References
----------
The schema most tools accept: https://github.com/testmoapp/junitxml
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from gradproof.checks.explain import (
    DISAGREEMENT,
    ERROR,
    EXPECTED_FAILURE,
    FAILS,
    UNDECIDED,
    UNEXPECTED_HOLD,
    Explanation,
    explain,
)
from gradproof.symbolic.equivalence import Status

__all__ = ["to_junit_xml", "write_junit"]


def _failure_text(e: Explanation) -> str:
    claim = e.latex or e.claim
    return "\n".join([f"{e.step.cite}: {e.step.latex}", f"claim: {claim}",
                      f"verdict: {e.verdict} ({e.method})", *e.lines()])


def _file(result) -> str:
    """A path that resolves: the user's note as given, or the stored source of a built-in document.

    The line of a test case is a line of that file.
    """
    document = result.step.cite.document
    if Path(document).exists():
        return document
    from importlib import resources

    stored = resources.files("gradproof.derivations").joinpath("sources", Path(document).name)
    return str(stored) if stored.is_file() else document


def _seconds(result) -> float:
    """The time the checks of a step took (symbolic, numeric, shapes)."""
    return sum(v.seconds for v in (result.symbolic, result.numeric, result.shapes) if v is not None)


def _case(suite: ET.Element, result, allow_undecided: bool) -> str:
    step = result.step
    e = explain(result)
    seconds = _seconds(result)
    case = ET.SubElement(suite, "testcase", {
        "classname": step.cite.document, "name": f"{step.id}: {step.latex}",
        "file": _file(result), "line": str(step.cite.line),
        "time": f"{seconds:.6f}",
    })
    if not step.checkable:
        ET.SubElement(case, "skipped", {"message": step.reason or f"{step.kind}: nothing to check"})
        return "skipped"
    if e.outcome in (DISAGREEMENT, ERROR):
        err = ET.SubElement(case, "error", {"message": e.lines()[0], "type": e.outcome})
        err.text = _failure_text(e)
        return "errors"
    if e.outcome == EXPECTED_FAILURE:  # as pytest reports an xfail: skipped, with the reason
        skipped = ET.SubElement(case, "skipped", {"type": "pytest.xfail",
                                                  "message": f"expected failure: {e.why}"})
        skipped.text = _failure_text(e)
        return "skipped"
    if e.ok:
        return "passed"
    if result.verdict is Status.UNDECIDED and allow_undecided:
        ET.SubElement(case, "skipped", {"message": f"undecided: {e.undecided}"})
        return "skipped"
    message = {FAILS: "the step does not hold", UNDECIDED: f"undecided: {e.undecided}",
               UNEXPECTED_HOLD: "the step holds, but an erratum on record says it fails"}.get(
        e.outcome, f"verdict {e.verdict}")
    failure = ET.SubElement(case, "failure", {"message": message, "type": e.verdict})
    failure.text = _failure_text(e)
    return "failures"


def to_junit_xml(results: Sequence, allow_undecided: bool = False) -> str:
    """The JUnit XML of ``results`` (a list of :class:`checks.runner.DocumentResult`)."""
    root = ET.Element("testsuites", {"name": "gradproof"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    for doc in results:
        suite = ET.SubElement(root, "testsuite", {"name": doc.derivation.source})
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        case_time = 0.0
        for r in doc.results:
            outcome = _case(suite, r, allow_undecided)
            case_time += _seconds(r)
            counts["tests"] += 1
            if outcome != "passed":
                counts[outcome] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        seconds = doc.seconds or case_time  # a run of several documents times only the whole
        suite.set("time", f"{seconds:.6f}")
        total_time += seconds
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{total_time:.6f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(results: Sequence, path: str | Path, allow_undecided: bool = False) -> None:
    Path(path).write_text(to_junit_xml(results, allow_undecided), encoding="utf-8")
