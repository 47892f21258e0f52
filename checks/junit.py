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

from gradproof.symbolic.equivalence import Status

__all__ = ["to_junit_xml", "write_junit"]


def _fmt(value) -> str:
    return "?" if value is None else f"{value:.6g}"


def _failure_text(result) -> str:
    v = result.symbolic
    lines = [f"{result.step.cite}: {result.step.latex}", f"verdict: {result.verdict} ({v.method})"]
    if v.counterexample:
        lines.append("counterexample: " + ", ".join(f"{k} = {_fmt(x)}" for k, x in sorted(v.counterexample.items())))
        lines.append(f"left side = {_fmt(v.lhs_value)}, right side = {_fmt(v.rhs_value)}")
    if v.residual:
        lines.append(f"left - right = {v.residual}")
    if v.reason:
        lines.append(f"reason: {v.reason}")
    if result.step.erratum is not None:
        lines.append(f"erratum on record: {result.step.erratum.correction}")
    return "\n".join(lines)


def _case(suite: ET.Element, result, allow_undecided: bool) -> str:
    step = result.step
    case = ET.SubElement(suite, "testcase", {
        "classname": step.cite.document, "name": f"{step.id}: {step.latex}",
        "file": step.cite.document, "line": str(step.cite.line),
        "time": f"{result.symbolic.seconds:.6f}",
    })
    if not step.checkable:
        ET.SubElement(case, "skipped", {"message": step.reason or f"{step.kind}: nothing to check"})
        return "skipped"
    if result.disagreement:
        err = ET.SubElement(case, "error", {"message": "the symbolic and numeric verdicts disagree",
                                            "type": "disagreement"})
        err.text = _failure_text(result)
        return "errors"
    if result.expected:
        return "passed"
    if result.verdict is Status.UNDECIDED and allow_undecided:
        ET.SubElement(case, "skipped", {"message": f"undecided: {result.symbolic.reason}"})
        return "skipped"
    message = {Status.FAILS: "the step does not hold", Status.UNDECIDED: "undecided"}.get(
        result.verdict, f"verdict {result.verdict}")
    if result.verdict is Status.HOLDS:  # an erratum said it should fail
        message = "the step holds, but an erratum on record says it fails"
    failure = ET.SubElement(case, "failure", {"message": message, "type": str(result.verdict)})
    failure.text = _failure_text(result)
    return "failures"


def to_junit_xml(results: Sequence, allow_undecided: bool = False) -> str:
    """The JUnit XML of ``results`` (a list of :class:`checks.runner.DocumentResult`)."""
    root = ET.Element("testsuites", {"name": "gradproof"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    for doc in results:
        suite = ET.SubElement(root, "testsuite", {"name": doc.derivation.source})
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for r in doc.results:
            outcome = _case(suite, r, allow_undecided)
            counts["tests"] += 1
            if outcome != "passed":
                counts[outcome] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{doc.seconds:.6f}")
        total_time += doc.seconds
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{total_time:.6f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(results: Sequence, path: str | Path, allow_undecided: bool = False) -> None:
    Path(path).write_text(to_junit_xml(results, allow_undecided), encoding="utf-8")
