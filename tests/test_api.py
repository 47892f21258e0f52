"""The public API, the one explanation of a verdict, the export and its read-back, JUnit, the notebook.

Document 000 is checked once for the module (fixture ``doc000``); its page is
read back through the note reader and checked again, and the two sets of
verdicts must agree step for step -- the original encoding is the oracle of
the exported note.
"""
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

import gradproof
from gradproof.checks.api import NoteError, Report, check, read_note
from gradproof.checks.explain import EXPECTED_FAILURE, explain
from gradproof.checks.export import note_page
from gradproof.checks.junit import to_junit_xml
from gradproof.checks.runner import check_step
from gradproof.derivations import ALL

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "logistic.md"
REPR = re.compile(r"\b(Eq|Derivative|Subs|Symbol|Function|sigmoid)\(")
SMALL = r"""
<!-- gradproof
let a = \sigma(z)
let L = -(y \ln a + (1 - y) \ln(1 - a))
assume 0 < y < 1
-->
# Small

$$\frac{\partial L}{\partial a} = -\frac{y}{a} + \frac{1-y}{1-a}$$

$$\frac{\partial a}{\partial z} = a(1 - a) = a(1 + a)$$
"""


@pytest.fixture(scope="module")
def doc000():
    return check(ALL[0], jobs=2)


@pytest.fixture(scope="module")
def small():
    return gradproof.load(SMALL).check(jobs=1)


def test_import_is_cheap_and_lazy():
    code = ("import sys, gradproof; print(sorted(m for m in ('sympy', 'rich', 'gradproof.derivations', "
            "'gradproof.checks.runner') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert set(gradproof.__all__) <= set(dir(gradproof))


def test_public_names():
    assert gradproof.DOCUMENTS.keys() == ALL.keys()
    assert type(gradproof.DOCUMENTS[0]) is gradproof.Derivation and gradproof.Report is Report
    # the same derivation as the registry's record, with check(): the record itself stays data
    assert gradproof.DOCUMENTS[0] == gradproof.Derivation.of(ALL[0]) and not hasattr(ALL[0], "check")
    assert gradproof.DOCUMENTS[0] is gradproof.DOCUMENTS[0]  # built once
    from gradproof.symbolic.equivalence import decide
    assert gradproof.decide is decide
    with pytest.raises(AttributeError):
        _ = gradproof.no_such_name


def test_load_text_path_and_errors(tmp_path):
    from_text = gradproof.load(EXAMPLE.read_text())
    from_path = gradproof.load(EXAMPLE)
    assert [s.claim for s in from_text.steps] == [s.claim for s in from_path.steps]
    assert from_path.steps[0].cite.document == str(EXAMPLE) and from_text.steps[0].cite.document == "<note>"
    with pytest.raises(NoteError, match="no such file|No such file"):
        gradproof.load(tmp_path / "missing.md")
    with pytest.raises(NoteError, match=r"<note>:3:"):
        gradproof.load("<!-- gradproof\n-->\n$$a = \\nope{b}$$\n")


def test_report(small):
    assert not small.ok
    assert [(r.step.cite.line, r.verdict.value) for r in small.steps] == [(9, "holds"), (11, "holds"), (11, "fails")]
    data = json.loads(small.to_json())
    steps = data["documents"][0]["steps"]
    assert data["summary"]["not_as_recorded"] == ["<note>:11"]
    assert steps[2]["outcome"] == "fails" and any("left side" in line for line in steps[2]["explanation"])
    for s in steps:
        assert s["claim"].count(" = ") >= 1 and not REPR.search(s["claim"]) and "\\" in s["claim"]
    assert "NOT as recorded" in repr(small) and "<note>:11" in repr(small)


def test_jupyter_displays_latex_and_verdicts(small):
    md = small._repr_markdown_()
    assert md.count("$$") == 2 * 3 and "**holds**" in md and "**fails**" in md
    assert "left side = " in md and "right side = " in md  # the counterexample, both sides
    derivation = gradproof.load(SMALL)
    assert "$$" in derivation._repr_markdown_() and r"\sigma" in derivation._repr_markdown_()
    step_md = ALL[0].step("L210-outer-inner")._repr_markdown_()
    assert "$$" in step_md and "Erratum" in step_md and "-(1 + e^{-z})^{-2}" in step_md
    tex = small.to_latex()
    assert tex.startswith(r"\documentclass") and tex.count(r"\begin{equation*}") == 3


def test_matrix_failures_name_the_shapes_never_none():
    step = next(s for s in ALL[1].steps if s.id == "eq15")
    e = explain(check_step(step))
    assert e.outcome == EXPECTED_FAILURE and e.ok
    text = "\n".join(e.lines())
    assert "None" not in text and "×" in text and "db2" in text


def test_every_claim_is_mathematics_in_json(doc000):
    data = json.loads(doc000.to_json())
    claims = [s["claim"] for s in data["documents"][0]["steps"] if s["claim"]]
    assert claims and not [c for c in claims if REPR.search(c)]
    texts = [s["claim_text"] for s in data["documents"][0]["steps"] if s["claim_text"]]
    assert not [t for t in texts if REPR.search(t)]
    tex = doc000.to_latex()
    assert tex.isascii() and tex.count(r"\begin{equation*}") == 78  # pdfLaTeX reads it; matrix claims in words


def test_exported_page_of_000_reads_back_with_the_same_verdicts(doc000, tmp_path):
    page = doc000.to_markdown()
    scalar = [r for r in doc000.steps if r.step.checkable and r.step.kind.value != "matrix"]
    matrix = [r for r in doc000.steps if r.step.kind.value == "matrix"]
    assert page.count("<!-- gradproof: skip -->") == len(matrix)  # the matrix claims, marked, with why
    assert page.count("a matrix claim: the note notation of matrices is not read back yet") == len(matrix)
    back = read_note(page, "000.md")
    assert len(back.steps) == len(scalar) == 78
    again = check(back, jobs=2)
    assert [r.verdict for r in again.steps] == [r.verdict for r in scalar]
    # the page names every erratum's correction beside the block that fails
    for r in scalar:
        if r.step.erratum is not None:
            assert r.step.erratum.correction.split()[0] in page


def test_export_subcommand_writes_a_page_that_reads_back(tmp_path):
    from gradproof.checks.cli import ExitCode, main

    out = tmp_path / "page.md"
    console = Console(file=io.StringIO(), width=100, color_system=None)
    assert main(["export", str(EXAMPLE), "--markdown", "-o", str(out), "-j", "1"], console) == \
        ExitCode.UNEXPECTED_VERDICT  # the example has one wrong link, on purpose; the page is written
    original = check(gradproof.load(EXAMPLE), jobs=1)
    again = check(gradproof.load(out), jobs=1)
    assert [r.verdict for r in again.steps] == [r.verdict for r in original.steps]
    tex = tmp_path / "page.tex"
    assert main(["export", str(EXAMPLE), "--latex", "-o", str(tex), "-j", "1"], console) == 1
    assert r"\end{document}" in tex.read_text()
    for argv in (["export", "nope", "--latex"], ["export", str(EXAMPLE)], ["export", str(EXAMPLE), "--markdown",
                                                                           "--latex"]):
        err = io.StringIO()
        assert main(argv, Console(file=err, width=100)) == ExitCode.USAGE_ERROR
        assert "error" in err.getvalue() and "Traceback" not in err.getvalue()


def test_names_are_spelled_as_the_reader_reads_them():
    from gradproof.checks.export import _spelling, _Unwritable
    from gradproof.symbolic.latex import read

    for name, spelled in [("x", "x"), ("W3", "W_{3}"), ("v_0_1", "v_{01}"),
                          ("alpha", r"\alpha"), ("Z_ij", "Z_{ij}")]:
        assert _spelling(name, "") == spelled
        assert len(read(spelled).free_symbols) == 1
    with pytest.raises(_Unwritable, match="layer label"):  # b^{[L]}_{00}: a label or a power, without 'layers'
        _spelling("bL_0_0", "")


def test_note_page_spells_names_in_the_note_notation():
    page = note_page(ALL[0])
    assert any(line.startswith("let ") for line in page.header)
    assert any(r"\tilde{x}" in line for line in page.header)  # x > 0 in one step, any real in others
    assert page.skipped == sum(1 for s in ALL[0].steps if s.kind.value == "matrix")


def test_junit_errata_are_expected_failures_with_real_times_and_files(doc000):
    root = ET.fromstring(to_junit_xml(doc000.documents).split("\n", 1)[1])
    cases = list(root.iter("testcase"))
    errata = [c for c in cases if c.find("skipped") is not None
              and c.find("skipped").get("message", "").startswith("expected failure: ")]
    assert len(errata) == sum(1 for r in doc000.steps if r.step.erratum is not None)
    assert not [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
    assert all(Path(c.get("file")).is_file() for c in cases)
    assert sum(float(c.get("time")) for c in cases) > 0
    assert "left side" in errata[0].find("skipped").text


def test_failures_only_report_and_summary_by_locator(monkeypatch):
    import tests.test_cli as fixture
    from gradproof import derivations
    from gradproof.checks.cli import main

    monkeypatch.setattr(derivations, "ALL", (fixture.FIXTURE, fixture.UNRECORDED))
    out = io.StringIO()
    main(["-q", "--no-progress", "-j", "1"], Console(file=out, width=140, color_system=None))
    text = out.getvalue()
    assert "s2" in text and "xf" in text  # the erratum, marked as an expected failure
    assert "s1" not in text  # it holds: not shown with -q
    assert "999_fixture.txt:14  fails" in text.split("gradproof summary")[1]  # named in the summary


NOTE_OK = "<!-- gradproof\nlet a = \\sigma(z)\n-->\n$$\\frac{\\partial a}{\\partial z} = a(1-a) = a^2$$\n"


def _pytest(args, cwd):
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", *args],
                         cwd=cwd, capture_output=True, text=True)
    results = sorted(re.findall(r"^(PASSED|FAILED|ERROR) (\S+)", run.stdout, re.M))
    return run, results


@pytest.fixture
def notes(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "s.md").write_text(NOTE_OK)
    (tmp_path / "p.md").write_text("<!-- gradproof\n-->\n# Powers\n$$\\frac{d}{dx} x^2 = 2x = 3x$$\n")
    (tmp_path / "plain.md").write_text("# no header\n$$x = 1$$\n")
    return tmp_path


def test_pytest_plugin_one_item_per_link_same_under_xdist(notes):
    run, results = _pytest(["--gradproof"], notes)
    assert ("FAILED", "sub/s.md::line-4.2") in results and ("PASSED", "sub/s.md::line-4") in results
    assert ("PASSED", "p.md::line-4") in results and ("FAILED", "p.md::line-4.2") in results
    assert len(results) == 4
    assert "counterexample" in run.stdout or "left side = " in run.stdout
    assert "plain.md" not in run.stdout
    _, parallel = _pytest(["--gradproof", "-n", "2"], notes)
    assert parallel == results


def test_pytest_plugin_is_inert_without_the_option_and_reports_unreadable_notes(notes):
    run, results = _pytest([], notes)
    assert results == [] and "no tests ran" in run.stdout
    (notes / "bad.md").write_text("<!-- gradproof\nlet a = __import__(1)\n-->\n$$a = 1$$\n")
    run, _ = _pytest(["--gradproof"], notes)
    assert run.returncode == 2 and "ERROR collecting bad.md" in run.stdout
    assert "bad.md:2:" in run.stdout and "Traceback" not in run.stdout


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # jupyter_client's own, on some versions
def test_notebook_runs_headless():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(ROOT / "examples" / "notebook.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "examples")}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    markdown = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    assert len(markdown) == 3 and all("$$" in m for m in markdown)
    report = markdown[1]
    assert report.count("$$") >= 2 * 9 and "**holds**" in report and "**fails**" in report


def test_plain_text_report_renders_the_explanation(small):
    from gradproof.checks.report import render_text

    full, failures = io.StringIO(), io.StringIO()
    render_text(small.documents, full)
    render_text(small.documents, failures, failures_only=True)
    assert "ok    <note>:9" in full.getvalue() and "ok    <note>:9" not in failures.getvalue()
    for text in (full.getvalue(), failures.getvalue()):
        assert "FAIL  <note>:11" in text and "left side = " in text
        assert text.rstrip().endswith("did not hold: <note>:11")  # a note records no errata
