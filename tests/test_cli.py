"""The CLI through main(argv), rendered to a string, on a small fixture document."""
import io
import json

import pytest
import sympy as sp
from rich.console import Console

from gradproof import derivations
from gradproof.checks.cli import ExitCode, main
from gradproof.derivations.model import Cite, Claim, Derivation, Erratum, Kind, Step
from gradproof.symbolic.activations import sigmoid
from gradproof.symbolic.domain import Domain

z = sp.Symbol("z", real=True)
DOC = "999_fixture.txt"


def _step(i, latex, kind, claim=None, erratum=None, reason=""):
    return Step(id=f"s{i}", latex=latex, cite=Cite(DOC, "[2] sigmoid", 10 + i), kind=kind,
                claim=claim, erratum=erratum, reason=reason, says="d sigma / dz", domain=Domain())


GOOD = _step(1, r"\sigma(1-\sigma)", Kind.DERIVATIVE,
             Claim(sp.Derivative(sigmoid(z), z), sigmoid(z) * (1 - sigmoid(z))))
WRONG = _step(2, r"-(1 + e^{-z})^{-1}", Kind.DERIVATIVE,
              Claim(sp.Derivative(sigmoid(z), z), -(1 + sp.exp(-z)) ** -1 * (-sp.exp(-z))),
              Erratum(r"-(1 + e^{-z})^{-2}", "the outer derivative of u^{-1} is -u^{-2}",
                      Claim(sp.Derivative(sigmoid(z), z), (1 + sp.exp(-z)) ** -2 * sp.exp(-z))))
NOTE = _step(3, r"\partial a", Kind.NOTATION, reason="a heading [bold]b^{[l]}[/bold]")
FIXTURE = Derivation("Fixture", DOC, "scalar, Z^{[l]} = W^{[l]} A^{[l-1]}", (GOOD, WRONG, NOTE))
UNRECORDED = Derivation("Unrecorded", "998_unrecorded.txt", "scalar",
                        (_step(4, "x", Kind.EQUALS, Claim(z, z + 1)),))


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(derivations, "ALL", (FIXTURE, UNRECORDED))


def run(argv):
    out = io.StringIO()
    code = main(argv, Console(file=out, width=140, color_system=None))
    return code, out.getvalue()


def test_report_shows_every_step_counterexample_and_correction(registry):
    code, text = run(["999"])
    assert code == ExitCode.OK
    for needle in ("Fixture", "s1", "s2", "s3", "holds", "fails", "agrees", "Z^{[l]} = W^{[l]} A^{[l-1]}",
                   "notation: a heading [bold]b^{[l]}[/bold]",  # document text is never rich markup
                   "correction (holds)", "outer derivative", "every verdict is as recorded"):
        assert needle in text, needle
    assert "symbolic: counterexample at z = " in text and "left side = " in text and "right" in text


def test_json_schema(registry):
    code, text = run(["999", "--json"])
    data = json.loads(text)
    assert code == ExitCode.OK
    assert set(data) >= {"gradproof", "documents", "summary"}
    doc = data["documents"][0]
    assert doc["document"] == DOC and doc["title"] == "Fixture"
    steps = {s["id"]: s for s in doc["steps"]}
    for s in steps.values():
        assert {"id", "where", "line", "latex", "kind", "symbolic", "numeric", "erratum", "expected"} <= set(s)
        assert set(s["symbolic"]).issuperset({"verdict", "method", "seconds", "counterexample", "residual"})
        assert {"verdict", "max_error"} <= set(s["numeric"])
    assert steps["s1"]["symbolic"]["verdict"] == "holds" and steps["s1"]["numeric"]["verdict"] == "holds"
    wrong = steps["s2"]
    assert wrong["symbolic"]["verdict"] == "fails" and set(wrong["symbolic"]["counterexample"]) == {"z"}
    assert wrong["erratum"]["correction"] == r"-(1 + e^{-z})^{-2}" and wrong["expected"] is True
    assert wrong["latex"] == r"-(1 + e^{-z})^{-1}" and wrong["line"] == 12
    assert steps["s3"]["symbolic"]["verdict"] == "skipped"
    assert data["summary"] == {**data["summary"], "steps": 3, "holds": 1, "fails": 1, "undecided": 0,
                               "unexpected": 0}


def test_an_unrecorded_failure_exits_1(registry):
    code, text = run(["998"])
    assert code == ExitCode.UNEXPECTED_VERDICT
    assert "not as recorded" in text


@pytest.mark.parametrize("argv", [["nope"], ["--budget", "-1"], ["--bogus"]])
def test_usage_errors_exit_2_without_traceback(registry, argv):
    code, text = run(argv)
    assert code == ExitCode.USAGE_ERROR
    assert "gradproof: error:" in text and "Traceback" not in text


def test_help_exits_0(registry, capsys):
    assert main(["--help"]) == ExitCode.OK
    assert "usage: gradproof" in capsys.readouterr().out


def test_same_report_twice(registry):
    first, second = _strip_times(run(["--json"])[1]), _strip_times(run(["--json"])[1])
    assert first == second and first["documents"]


def _strip_times(text):
    data = json.loads(text)
    for d in data["documents"]:
        d.pop("seconds")
        for s in d["steps"]:
            s["symbolic"].pop("seconds")
    return data


def test_check_subcommand_runs_through_main():
    code, text = run(["check", "examples/logistic.md"])
    assert code == ExitCode.UNEXPECTED_VERDICT  # the example has one wrong link, on purpose
    assert "examples/logistic.md:45" in text and "counterexample" in text


def test_check_subcommand_usage_and_input_errors_exit_2(tmp_path):
    assert run(["check"])[0] == ExitCode.USAGE_ERROR
    bad = tmp_path / "bad.md"
    bad.write_text("<!-- gradproof\nlet a = __import__('os')\n-->\n$$a = 1$$\n")
    out = io.StringIO()
    code = main(["check", str(bad)], Console(file=out, width=100, color_system=None))
    assert code == ExitCode.USAGE_ERROR
    assert f"{bad}:2:" in out.getvalue() and "Traceback" not in out.getvalue()


def test_parallel_workers_give_the_same_report(registry):
    one, two = _strip_times(run(["--json", "-j", "1"])[1]), _strip_times(run(["--json", "-j", "2"])[1])
    assert one == two


def test_junit_report_of_the_built_in_documents(registry, tmp_path):
    import xml.etree.ElementTree as ET

    path = tmp_path / "report.xml"
    code, _ = run(["999", "998", "--junit-xml", str(path)])
    assert code == ExitCode.UNEXPECTED_VERDICT
    suites = ET.parse(path).getroot()
    cases = {c.get("name"): c for c in suites.iter("testcase")}
    assert len(cases) == 4
    failed = [name for name, c in cases.items() if c.find("failure") is not None]
    assert len(failed) == 1 and "s4" in failed[0]  # the unrecorded failure, not the erratum


def test_output_for_programs_does_not_import_rich(tmp_path):
    """``--json`` (and JUnit, annotations) is text for programs: rich, the terminal's renderer, is not loaded."""
    import subprocess
    import sys

    note = tmp_path / "n.md"
    note.write_text("<!-- gradproof\nlet a = \\sigma(z)\n-->\n$$\\frac{da}{dz} = a(1 - a)$$\n", encoding="utf-8")
    code = ("import json, sys; from gradproof.checks.cli import main; "
            f"rc = main(['check', {str(note)!r}, '--json', '--no-cache', '-j', '1']); "
            "sys.stderr.write(json.dumps([rc, 'rich' in sys.modules]))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stderr.splitlines()[-1] == "[0, false]"
    assert '"holds": 1' in run.stdout
