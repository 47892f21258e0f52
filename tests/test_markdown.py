"""The Markdown reader and `gradproof check`: the corpus end to end, errors, exit codes, reports.

Each corpus link's expected verdict is written down here, by hand, in file order.
"""
from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sympy as sp

from gradproof import load
from gradproof.checks.cli import ExitCode, check_command
from gradproof.checks.junit import to_junit_xml
from gradproof.checks.reading import InputError
from gradproof.checks.reading import read_file as read_document
from gradproof.checks.reading import read_note as parse_markdown
from gradproof.checks.runner import run
from gradproof.derivations.model import Kind
from gradproof.symbolic.equivalence import Status

CORPUS = Path(__file__).parent / "corpus"
H, F, U = Status.HOLDS, Status.FAILS, Status.UNDECIDED

# (line of the right-hand side, verdict), in file order
EXPECTED = {
    "chain_rule.md": [(10, H), (12, H), (16, H), (17, H), (18, H), (19, H), (20, H), (24, H), (24, H),
                      (26, H), (30, F),  # missing factor x
                      (34, F),  # sign slip
                      (38, F)],  # chain rule: da/dz forgotten
    "exponents.md": [(11, H), (11, H), (16, F),  # exponent slip
                     (20, F),  # sign slip
                     (24, H), (26, F), (28, H), (30, H), (32, F)],  # missing factor 1/2
    "logs.md": [(8, H), (11, H), (13, F), (15, H), (17, F), (19, H), (21, H), (23, F), (25, H), (25, H),
                (27, H), (29, F), (31, H)],
    "activations.md": [(9, H), (9, H), (11, F), (13, H), (15, H), (17, F)],
    "mse.md": [(10, H), (12, H), (14, F), (16, F), (18, H), (29, H)],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_verdicts(name):
    result = run(load(CORPUS / name))
    got = [(r.step.cite.line, r.verdict) for r in result.results]
    assert got == EXPECTED[name]


def test_corpus_covers_every_file():
    assert sorted(p.name for p in CORPUS.glob("*.md")) == sorted(EXPECTED)


def test_example_for_the_readme():
    root = Path(__file__).parent.parent
    result = run(load(root / "examples" / "logistic.md"))
    verdicts = [r.verdict for r in result.results]
    assert verdicts.count(F) == 1 and verdicts.count(H) == len(verdicts) - 1


# --------------------------------------------------------------------------
# the reading of a file
# --------------------------------------------------------------------------

HEADER = "<!-- gradproof\nlet a = \\sigma(z)\nlet z = w x + b\n" \
         "let L = -\\left(y \\ln a + (1 - y) \\ln(1 - a)\\right)\nassume 0 < y < 1\n-->\n"


def test_steps_cite_the_line_of_the_right_hand_side():
    text = HEADER + "# Heading\n$$\n\\begin{aligned}\nL &= -y \\ln a - (1-y)\\ln(1-a) \\\\\n" \
                    "  &= -y \\ln a\n  - (1-y)\\ln(1-a)\n\\end{aligned}\n$$\n"
    doc = parse_markdown(text, "n.md")
    steps = doc.derivation.steps
    assert [s.cite.line for s in steps] == [10, 11]
    assert steps[0].cite == steps[0].cite.__class__("n.md", "Heading", 10)
    assert steps[1].latex == "-y \\ln a - (1-y)\\ln(1-a) = -y \\ln a - (1-y)\\ln(1-a)"
    assert all(s.kind is Kind.EQUALS for s in steps)


def test_derivative_keeps_its_variable_then_substitutes():
    doc = parse_markdown(HEADER + "$$\\frac{\\partial L}{\\partial a} = 0$$\n", "n.md")
    (step,) = doc.derivation.steps
    assert step.kind is Kind.DERIVATIVE
    lhs = step.claim.lhs
    assert isinstance(lhs, sp.Subs)  # d/da of L(a), then a := sigma(w x + b)
    (deriv,) = lhs.args[0].atoms(sp.Derivative)
    assert {str(v) for v in deriv.variables} == {"a"}
    assert "sigmoid(b + w*x)" in str(lhs.args[2])


def test_assumptions_make_positive_symbols_and_domains():
    doc = parse_markdown("<!-- gradproof\nassume 0 < y < 1, x > 0, u \\leq -1\n-->\n$$x + y + u = u + y + x$$\n", "n.md")
    (step,) = doc.derivation.steps
    syms = {str(s): s for s in step.claim.lhs.free_symbols}
    assert syms["x"].is_positive and syms["y"].is_positive and syms["u"].is_negative
    assert step.domain.interval("y") == (0.0, 1.0)
    assert step.domain.interval("x")[0] == 0.0
    assert step.domain.interval("u")[1] == -1.0


def test_blocks_before_the_header_and_in_code_are_ignored():
    text = "$$a = b$$\n```python\nx = '$$1 = 2$$'\n```\n`$$1 = 2$$`\n" + "<!-- gradproof\n-->\n" \
           "<!-- a comment $$1 = 2$$ -->\n$$1 + 1 = 2$$\n"
    doc = parse_markdown(text, "n.md")
    assert [s.latex for s in doc.derivation.steps] == ["1 + 1 = 2"]


def test_skips_and_notes():
    text = "<!-- gradproof\n-->\n<!-- gradproof: skip -->\n$$1 = 2$$\n$$x$$\n$$ 2 = 2. $$\n"
    doc = parse_markdown(text, "n.md")
    assert [n.message for n in doc.notes] == ["skipped (<!-- gradproof: skip -->)", "skipped: no '=' in this block"]
    assert [s.latex for s in doc.derivation.steps] == ["2 = 2"]  # the sentence's full stop is not maths


# --------------------------------------------------------------------------
# unreadable input: FILE:LINE: message, exit 2, promptly, nothing run
# --------------------------------------------------------------------------

BAD = {
    "python": ("<!-- gradproof\nlet L = __import__('os').system('touch pwned')\n-->\n$$L = 1$$\n", (2, "Python")),
    "python_block": ("<!-- gradproof\n-->\n\n$$\nx = __import__('os').system('touch pwned')\n$$\n", (5, "Python")),
    "unbalanced": ("<!-- gradproof\n-->\n$$\\frac{a}{b = c$$\n", (3, "never closed")),
    "unbalanced_paren": ("<!-- gradproof\n-->\n$$\n(a = b\n$$\n", (4, "ends too early")),
    "deep": ("<!-- gradproof\n-->\n$$\n1 = " + "(" * 10_000 + "x" + ")" * 10_000 + "\n$$\n", (4, "too long")),
    "nested": ("<!-- gradproof\n-->\n$$\n1 = " + "(" * 500 + "x" + ")" * 500 + "\n$$\n", (4, "nested")),
    "huge": ("<!-- gradproof\n-->\n\n$$ x = " + "x + " * 250_000 + "x $$\n", (4, "too long")),
    "self": ("<!-- gradproof\nlet a = 1\nlet b = b + 1\n-->\n$$b = 1$$\n", (3, "let b refers to itself")),
    "cycle": ("<!-- gradproof\nlet a = \\sigma(c)\nlet c = a + 1\n-->\n$$a = 1$$\n", (2, "a -> c -> a")),
    "unknown": ("<!-- gradproof\n-->\n$$\\foo{x} = 1$$\n", (3, "unknown command `\\foo`")),
    "matrix": ("<!-- gradproof\n-->\n\n\n$$dW = dZ A^T$$\n", (5, "matrix notation")),
    "odot": ("<!-- gradproof\n-->\n$$dZ = dA \\odot g(Z)$$\n", (3, "matrix notation")),
    "pmatrix": ("<!-- gradproof\n-->\n$$\\begin{pmatrix} 1 \\end{pmatrix} = 1$$\n", (3, "matrix notation")),
    "unclosed": ("<!-- gradproof\n-->\n\n$$ a = b\n", (4, "never closed")),
    "header_line": ("<!-- gradproof\nimport os\n-->\n", (2, "cannot read the header line")),
    "twice": ("<!-- gradproof\nlet a = 1\nlet a = 2\n-->\n", (3, "defined twice")),
    "assume_let": ("<!-- gradproof\nlet a = 1\nassume a > 0\n-->\n", (3, "assume is for independent")),
    "assume_bad": ("<!-- gradproof\nassume 0 < x < y\n-->\n", (2, "exactly one variable")),
    "empty_side": ("<!-- gradproof\n-->\n$$a = $$\n", (3, "empty side")),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_unreadable_input_is_file_line_col_message(case, tmp_path, monkeypatch):
    text, (line, words) = BAD[case]
    path = tmp_path / f"{case}.md"
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    if line == 0:  # the file as a whole
        with pytest.raises(InputError) as info:
            read_document(path)
        assert words in info.value.message
    else:
        doc = read_document(path)
        assert doc.errors, doc
        assert doc.errors[0].line == line and words in doc.errors[0].message, doc.errors
    out, err = io.StringIO(), io.StringIO()
    assert check_command([str(path)], out, err) == ExitCode.INPUT_ERROR
    prefix = f"{path}:{line}:" if line else f"{path}: "
    assert err.getvalue().startswith(prefix) and "Traceback" not in err.getvalue()
    assert not (tmp_path / "pwned").exists()


def test_an_unreadable_block_leaves_the_rest_checked(tmp_path):
    text = ("<!-- gradproof\nlet a = \\sigma(z)\n-->\n$$\\frac{da}{dz} = a(1 - a)$$\n"
            "$$\n  y = \\foo{x}\n$$\n$$a = \\frac{1}{1 + e^{-z}}$$\n")
    doc = parse_markdown(text, "n.md")
    assert [s.cite.line for s in doc.derivation.steps] == [4, 8]
    (error,) = doc.errors
    # line and column of the offending command, quoted once (no doubled backslashes)
    assert (error.line, error.col) == (6, 7) and str(error) == "n.md:6:7: unknown command `\\foo`"
    path = tmp_path / "n.md"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert check_command([str(path)], out, err) == ExitCode.INPUT_ERROR
    assert "2 hold, 0 fail" in out.getvalue()


def test_missing_file(tmp_path):
    err = io.StringIO()
    assert check_command([str(tmp_path / "nope.md")], io.StringIO(), err) == ExitCode.INPUT_ERROR
    assert err.getvalue().startswith(f"{tmp_path / 'nope.md'}: ")


# --------------------------------------------------------------------------
# exit codes and reports
# --------------------------------------------------------------------------

def _write(tmp_path, name, body):
    path = tmp_path / name
    path.write_text("<!-- gradproof\nlet a = \\sigma(z)\n-->\n" + body, encoding="utf-8")
    return str(path)


def test_exit_codes(tmp_path, monkeypatch):
    good = _write(tmp_path, "good.md", "$$\\frac{da}{dz} = a(1 - a)$$\n")
    bad = _write(tmp_path, "bad.md", "$$\\frac{da}{dz} = a(1 + a)$$\n")
    out = io.StringIO()
    assert check_command([good], out) == ExitCode.OK
    assert check_command([good, bad], out) == ExitCode.FAILED
    assert "counterexample at z = " in out.getvalue() and "left side = " in out.getvalue()

    # an undecided link: the budget is too small to decide anything but a structural zero
    from gradproof.symbolic.equivalence import Status, Verdict

    undecided = Verdict(Status.UNDECIDED, "ladder exhausted", reason="test")
    monkeypatch.setattr("gradproof.checks.results.decide", lambda *a, **k: undecided)
    assert check_command([good], io.StringIO()) == ExitCode.FAILED
    assert check_command([good, "--allow-undecided"], io.StringIO()) == ExitCode.OK


def test_directory_reads_opted_in_files(tmp_path):
    _write(tmp_path, "a.md", "$$1 = 1$$\n")
    (tmp_path / "README.md").write_text("# no header\n$$1 = 2$$\n", encoding="utf-8")
    out = io.StringIO()
    assert check_command([str(tmp_path)], out) == ExitCode.OK
    assert "a.md" in out.getvalue() and "README" not in out.getvalue()


def test_json_one_document_per_file_one_step_per_link(tmp_path):
    p = _write(tmp_path, "j.md", "$$\na = \\sigma(z)\n= \\frac{1}{1 + e^{-z}}\n$$\n$$x$$\n")
    out = io.StringIO()
    assert check_command([p, "--json"], out) == ExitCode.OK
    data = json.loads(out.getvalue())
    (doc,) = data["documents"]
    assert doc["document"] == p
    assert [(s["latex"], s["line"]) for s in doc["steps"]] == [
        ("a = \\sigma(z)", 5), ("\\sigma(z) = \\frac{1}{1 + e^{-z}}", 6)]


def test_junit_one_case_per_link(tmp_path):
    p = _write(tmp_path, "u.md", "$$\\frac{da}{dz} = a(1 - a) = a(1 + a)$$\n")
    xml_path = tmp_path / "r.xml"
    assert check_command([p, "--junit-xml", str(xml_path)], io.StringIO()) == ExitCode.FAILED
    root = ET.parse(xml_path).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == 2 and root.get("tests") == "2" and root.get("failures") == "1"
    failure = cases[1].find("failure")
    assert failure is not None and "counterexample" in failure.text
    assert cases[0].get("line") == "4" and cases[0].get("file") == p


def test_junit_of_nothing():
    assert ET.fromstring(to_junit_xml([]).split("\n", 1)[1]).get("tests") == "0"


def test_every_corpus_file_reads_without_errors():
    """Every corpus file goes through the grammar, the builder and the expansion (timings: bench/reading.py)."""
    for p in sorted(CORPUS.glob("*.md")):
        doc = read_document(p)
        assert doc.derivation.source == str(p) and doc.errors == (), p


def test_a_megabyte_of_prose_is_read():
    text = "<!-- gradproof\n-->\n" + "word " * 200_000 + "\n$$1 + 1 = 2$$\n"
    doc = parse_markdown(text, "big.md")
    assert [s.cite.line for s in doc.derivation.steps] == [4]
