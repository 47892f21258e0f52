"""checks/cache.py: a claim decided once per run, remembered across runs, never at the cost of a verdict.

The oracle for "the same verdict" is a run without any cache; the engine is
replaced by a counter where a test must show that it was *not* called.
"""
import io
import json
import multiprocessing
import sqlite3
from dataclasses import replace

import pytest
import sympy as sp
from rich.console import Console

from gradproof import derivations
from gradproof.checks import cache
from gradproof.checks.cli import ExitCode, main
from gradproof.checks.runner import run_all
from gradproof.derivations.model import Cite, Claim, Derivation, Erratum, Kind, Step
from gradproof.symbolic import equivalence
from gradproof.symbolic.activations import sigmoid
from gradproof.symbolic.domain import Domain

z = sp.Symbol("z", real=True)
a = sp.Symbol("a", positive=True)
g = sp.Function("g")
DOC = "997_cache.txt"


def _step(i, claim, erratum=None):
    return Step(id=f"c{i}", latex=f"c_{i}", cite=Cite(DOC, "fixture", i), kind=Kind.DERIVATIVE,
                claim=claim, erratum=erratum, domain=Domain())


GOOD = Claim(sp.Derivative(sigmoid(z), z), sigmoid(z) * (1 - sigmoid(z)))
WRONG = Claim(sp.Derivative(sigmoid(z), z), sigmoid(z) * (1 + sigmoid(z)))
UNDECIDABLE = Claim(g(z), g(z) ** 2)  # an undefined function: no numeric test, no proof
# the same claims twice (as 003 repeats 000), an erratum whose correction is a claim met elsewhere
DOCUMENT = Derivation("Cache fixture", DOC, "scalar", (
    _step(1, GOOD), _step(2, WRONG, Erratum("x", "a slip", GOOD)), _step(3, UNDECIDABLE),
    _step(4, Claim(sp.log(a) + sp.log(a), sp.log(a**2))), _step(5, GOOD), _step(6, WRONG),
    _step(7, Claim(sp.Derivative(sigmoid(z), z), sigmoid(z) - sigmoid(z) ** 2))))


@pytest.fixture
def disk(monkeypatch, tmp_path):
    """The persistent cache on, in a fresh directory."""
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "cache"))
    cache.configure(disk=True)
    return tmp_path / "cache" / cache.FILE


def _verdicts(results):
    """Everything a verdict says but the time it took and whether it was reused."""
    out = []
    for d in results:
        for r in d.results:
            for v in (r.symbolic, r.numeric, r.shapes, r.fixed):
                out.append(None if v is None else (v.status, v.method, v.counterexample, v.lhs_value,
                                                   v.rhs_value, v.reason, v.where))
    return out


def _labels(results):
    return [(r.symbolic.extra.get("cached"), r.numeric.extra.get("cached")) for d in results for r in d.results]


def _rows(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0]


@pytest.fixture
def counted(monkeypatch):
    """Count the engine's decisions."""
    calls = []
    real = equivalence.decide

    def decide(*args, **kw):
        calls.append(args[:2])
        return real(*args, **kw)

    monkeypatch.setattr("gradproof.checks.results.decide", decide)
    return calls


def test_a_run_decides_each_distinct_claim_once(counted):
    fresh = run_all([DOCUMENT])
    distinct = {(cache.expr_key(l), cache.expr_key(r)) for l, r in counted}
    assert len(counted) == len(distinct) == 5  # GOOD, WRONG, UNDECIDABLE, the log claim, step 7
    labels = _labels(fresh)
    assert labels[0] == (None, None) and labels[4][0] == "run"
    # a reused verdict says so, and reports no time spent on it
    reused = fresh[0].results[4].symbolic
    assert reused.extra["cached"] == "run" and reused.seconds == 0.0
    assert fresh[0].results[1].fixed.extra["cached"] == "run"  # the correction is GOOD, met in step 1


def test_the_numeric_check_of_a_repeated_claim_is_reused():
    results = run_all([DOCUMENT])[0].results
    # steps 1 and 5 state the same claim: its points are seeded by the claim, so it is checked once
    assert results[0].numeric.extra.get("cached") is None
    assert results[4].numeric.extra["cached"] == "run" and results[4].numeric.seconds == 0.0
    assert results[4].numeric.counterexample == results[0].numeric.counterexample
    assert results[4].numeric.extra["max_error"] == results[0].numeric.extra["max_error"]


def test_verdicts_are_the_same_with_without_and_from_the_cache(disk, counted):
    cache.configure(disk=False)
    without = run_all([DOCUMENT])
    cache.configure(disk=True)
    first = run_all([DOCUMENT])
    assert disk.exists() and _rows(disk) > 0
    counted.clear()
    second = run_all([DOCUMENT])
    assert _verdicts(without) == _verdicts(first) == _verdicts(second)
    # only the undecided claim is decided again: it was never stored
    assert [l for l, _ in counted] == [UNDECIDABLE.lhs]
    labels = [r.symbolic.extra.get("cached") for r in second[0].results]
    assert labels == ["disk", "disk", None, "disk", "run", "run", "disk"]
    assert all(r.symbolic.seconds == 0.0 for r in second[0].results if r.symbolic.extra.get("cached"))


def test_undecided_is_never_stored(disk):
    only = Derivation("Undecided", DOC, "scalar", (_step(1, UNDECIDABLE),))
    (r,) = run_all([only])[0].results
    assert r.symbolic.status is equivalence.Status.UNDECIDED
    assert r.numeric.status is equivalence.Status.UNDECIDED
    assert _rows(disk) == 0


def test_a_different_source_hash_finds_nothing(disk, monkeypatch, counted):
    run_all([DOCUMENT])
    monkeypatch.setattr(cache, "_SOURCE_HASH", "another version of gradproof")
    counted.clear()
    run_all([DOCUMENT])
    assert len(counted) == 5


def test_keys_tell_apart_what_srepr_tells_apart():
    x, xr, xp = sp.Symbol("x"), sp.Symbol("x", real=True), sp.Symbol("x", positive=True)
    d1, d2 = sp.Dummy("op"), sp.Dummy("op")
    gr = sp.Function("g", real=True)
    exprs = [x, xr, xp, d1, d2, g(x), gr(x), sp.Float("0.5", 15), sp.Float("0.5", 30), sp.Rational(1, 2),
             x + 1, x * 1 + 2 - 1, sp.log(x), sp.log(xp), sp.Derivative(g(x), x), sp.Derivative(g(x), (x, 2))]
    keys = [cache.expr_key(e) for e in exprs]
    by_srepr = {}
    for e, k in zip(exprs, keys, strict=False):
        by_srepr.setdefault(sp.srepr(e), set()).add(k)
    assert all(len(ks) == 1 for ks in by_srepr.values())  # equal expressions, one key
    assert len(set(keys)) == len(by_srepr)  # distinct expressions, distinct keys
    assert cache.expr_key(sp.sin(z) + 1) == cache.expr_key(1 + sp.sin(z))


def test_matrix_claims_are_keyed_by_their_code_and_only_when_it_is_gradproofs():
    from gradproof.derivations.matrix import MatrixClaim, layer_recursion_claims
    from gradproof.symbolic.layouts import Convention, Layout, Network

    def step(claim):
        return Step(id="m", latex="m", cite=Cite(DOC, "m", 1), kind=Kind.MATRIX, claim=claim)

    one = layer_recursion_claims(Layout.COLUMN_MAJOR, "tanh", depths=(2,))
    two = layer_recursion_claims(Layout.COLUMN_MAJOR, "tanh", depths=(2,))
    slip = layer_recursion_claims(Layout.COLUMN_MAJOR, "tanh", depths=(2,), gprime_layer=lambda l: l)
    keys = {n: cache.matrix_key(step(c), 5.0) for n, c in one.items()}
    assert all(keys.values()) and len(set(keys.values())) == 4
    assert keys == {n: cache.matrix_key(step(c), 5.0) for n, c in two.items()}
    # a closure value that is not gradproof's own code (this test's lambda): never cached
    assert cache.matrix_key(step(slip["dZ[l-1]"]), 5.0) is None
    net = Network(Layout.ROW_MAJOR, ("D", "h", "1"), ("tanh", "sigmoid"))
    mine = MatrixClaim("dW2 = dZ2^T A1", lambda v: v.dZ2.T @ v.A1, ({"m": 1, "D": 2, "h": 3},
                       {"m": 3, "D": 4, "h": 2}), net, wrt="W2", convention=Convention.BATCH_MEAN)
    assert cache.matrix_key(step(mine), 5.0) is None


def test_the_schedule_keeps_equal_claims_in_one_chunk_and_document_order():
    steps = list(DOCUMENT.steps)
    chunks = cache.schedule(steps, 5.0, 2)
    assert sorted(i for c in chunks for i in c) == list(range(len(steps)))
    assert all(c == sorted(c) for c in chunks)
    where = {i: k for k, c in enumerate(chunks) for i in c}
    # 1, 2 (whose correction is GOOD), 5 and 6 share claims
    assert where[0] == where[1] == where[4] == where[5]


def test_parallel_workers_reuse_and_decide_alike(disk):
    one = run_all([DOCUMENT], jobs=1)
    cache.configure(disk=False)
    two = run_all([DOCUMENT], jobs=2)
    cache.configure(disk=True)
    warm = run_all([DOCUMENT], jobs=2)
    assert _verdicts(one) == _verdicts(two) == _verdicts(warm)
    assert _labels(one) == _labels(two)


def _hammer(args):
    folder, k = args
    import os

    os.environ[cache.ENV_DIR] = folder
    os.environ.pop(cache.ENV_OFF, None)
    cache.configure(disk=True)
    with cache.session():
        for i in range(40):
            cache.printed(f"writer {k}", [sp.Integer(i)], lambda i=i: f"{k}:{i}")
    return k


def test_concurrent_writers_lose_nothing(tmp_path):
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(3) as pool:
        assert sorted(pool.map(_hammer, [(str(tmp_path), k) for k in range(3)])) == [0, 1, 2]
    assert _rows(tmp_path / cache.FILE) == 120


# --------------------------------------------------------------------------
# the command line
# --------------------------------------------------------------------------

@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(derivations, "ALL", (DOCUMENT,))


def run(argv):
    out = io.StringIO()
    code = main(argv, Console(file=out, width=160, color_system=None), Console(file=io.StringIO()))
    return code, out.getvalue()


def test_cli_labels_reused_verdicts_and_no_cache_writes_nothing(disk, registry):
    run(["--json", "--no-cache"])
    assert not disk.exists()
    run(["--json"])
    code, text = run(["--json"])
    steps = json.loads(text)["documents"][0]["steps"]
    assert [s["symbolic"]["cached"] for s in steps] == ["disk", "disk", False, "disk", "run", "run", "disk"]
    assert all(s["symbolic"]["seconds"] == 0 for s in steps if s["symbolic"]["cached"])
    code, text = run(["--width", "160"])
    assert "(cached)" in text


def test_cache_clear_and_path(disk, registry, capsys):
    run(["--json"])
    assert disk.exists()
    assert main(["cache", "path"]) == ExitCode.OK
    assert str(disk) in capsys.readouterr().out
    assert main(["cache", "clear"]) == ExitCode.OK
    assert not disk.exists() and "removed" in capsys.readouterr().out
    assert main(["cache", "clear"]) == ExitCode.OK and "no cache" in capsys.readouterr().out
    assert main(["cache", "bogus"]) == ExitCode.USAGE_ERROR


def test_the_check_subcommand_reads_and_writes_the_cache(disk):
    first = run(["check", "examples/logistic.md"])
    second = run(["check", "examples/logistic.md", "--json"])
    third = run(["check", "examples/logistic.md", "--no-cache"])
    assert first[0] == second[0] == third[0] == ExitCode.UNEXPECTED_VERDICT
    assert "cached" not in first[1] and "cached" not in third[1]
    links = json.loads(second[1])["documents"][0]["steps"]
    assert links and all(s["symbolic"]["cached"] for s in links if s["symbolic"]["verdict"] != "undecided")


def test_a_damaged_cache_file_is_no_cache(disk):
    disk.parent.mkdir(parents=True)
    disk.write_bytes(b"not a database" * 100)
    without = run_all([DOCUMENT])
    assert _verdicts(without) == _verdicts(run_all([DOCUMENT]))
    assert all(r.symbolic.extra.get("cached") != "disk" for r in without[0].results)


def test_mutable_matrices_are_keyed_by_shape_and_entries():
    m = sp.Matrix([[z, 1], [2, sp.sin(z)]])
    assert cache.expr_key(m) == cache.expr_key(sp.Matrix([[z, 1], [2, sp.sin(z)]]))
    assert cache.expr_key(m) != cache.expr_key(sp.Matrix([[z, 1, 2, sp.sin(z)]]))
    assert cache.expr_key(m) != cache.expr_key(sp.Matrix([[z, 1], [2, sp.cos(z)]]))


def test_a_diagnosis_is_searched_once_and_read_back_the_same(disk, monkeypatch):
    from gradproof.checks import runner

    calls = []
    real = runner.diagnose_result

    def diagnose(step, result, **kw):
        calls.append(step.id)
        return real(step, result, **kw)

    monkeypatch.setattr(runner, "diagnose_result", diagnose)
    first = run_all([DOCUMENT])
    wrong = [r for r in first[0].results if r.step.claim == WRONG]
    # steps 2 and 6 state the same wrong claim, but their LaTeX differs: each is searched once
    assert sorted(calls) == ["c2", "c6"] and all(r.diagnosis is not None for r in wrong)
    assert wrong[0].diagnosis.slip == "sign"  # sigma(1 + sigma) for sigma(1 - sigma)
    calls.clear()
    again = run_all([DOCUMENT])  # a new run: the diagnoses come from the disk
    assert calls == []
    assert [r.diagnosis for r in again[0].results] == [r.diagnosis for r in first[0].results]


# --------------------------------------------------------------------------
# a whole run played back
# --------------------------------------------------------------------------

NOTE = r"""<!-- gradproof
let a = \sigma(z)
-->

$$\frac{d a}{d z} = a (1 - a) = a - a^2 = a + a^2$$
"""


def _fresh(monkeypatch):
    """Make any checking fail loudly: a run played back must check nothing."""
    from gradproof.checks import runner

    def refuse(*args, **kw):
        raise AssertionError("a step was checked")

    monkeypatch.setattr(runner, "run_all", refuse)


def _unlabelled(text: str) -> dict:
    """A JSON report without what differs between a fresh and a reused verdict: times, labels."""
    def strip(o):
        if isinstance(o, dict):
            return {k: strip(v) for k, v in o.items() if k not in ("seconds", "cached")}
        return [strip(v) for v in o] if isinstance(o, list) else o
    return strip(json.loads(text))


def _labels_of(text: str, parts=("symbolic", "numeric")) -> list:
    return [s[part]["cached"] for d in json.loads(text)["documents"] for s in d["steps"]
            for part in parts if s[part]["verdict"] != "skipped"]


def test_a_check_run_is_played_back_labelled_as_cached(disk, tmp_path, monkeypatch):
    note = tmp_path / "note.md"
    note.write_text(NOTE)
    fresh = run(["check", str(note), "--json"])
    assert fresh[0] == ExitCode.FAILED and False in _labels_of(fresh[1])
    _fresh(monkeypatch)
    again = run(["check", str(note), "--json"])
    assert again[0] == fresh[0]
    assert _unlabelled(again[1]) == _unlabelled(fresh[1])
    assert set(_labels_of(again[1])) <= {"disk", "run"} and "disk" in _labels_of(again[1])
    assert all(s["symbolic"]["seconds"] == 0 for d in json.loads(again[1])["documents"] for s in d["steps"])


def test_a_changed_note_or_other_options_are_checked_afresh(disk, tmp_path):
    note = tmp_path / "note.md"
    note.write_text(NOTE)
    run(["check", str(note), "--json"])
    text = run(["check", str(note)])  # another format: another run
    assert "2 hold, 1 fail" in text[1]
    assert "[holds, opaque (cached)]" in text[1]  # the verdicts were read from the disk: labelled
    assert run(["check", str(note)])[1] == text[1]  # and played back alike
    note.write_text(NOTE.replace("a + a^2", "a - a a"))  # the wrong link corrected
    code, out = run(["check", str(note), "--json"])
    assert code == ExitCode.OK and False in _labels_of(out)


def test_a_run_with_an_undecided_result_is_not_played_back(disk, tmp_path):
    note = tmp_path / "note.md"
    note.write_text(NOTE)
    first = run(["check", str(note), "--json", "--budget", "1e-9"])  # every budget spent at once
    assert json.loads(first[1])["summary"]["undecided"] > 0
    second = run(["check", str(note), "--json", "--budget", "1e-9"])
    assert set(_labels_of(second[1], ("symbolic",))) == {False}  # decided afresh (the numeric checks
    # have no budget: theirs are remembered claim by claim)


def test_no_cache_neither_plays_back_nor_records(disk, tmp_path, monkeypatch):
    note = tmp_path / "note.md"
    note.write_text(NOTE)
    run(["check", str(note), "--json", "--no-cache"])
    assert not disk.exists()
    run(["check", str(note), "--json"])
    code, out = run(["check", str(note), "--json", "--no-cache"])
    assert set(_labels_of(out)) <= {False, "run"}


def test_the_report_is_played_back_with_its_labels_and_exit_code(disk, monkeypatch):
    fresh = run(["001", "--json", "-j", "1"])
    run(["001", "-j", "1"])
    _fresh(monkeypatch)
    again = run(["001", "--json", "-j", "2"])  # the worker count changes no verdict: the same run
    assert again[0] == fresh[0] == ExitCode.OK
    assert _unlabelled(again[1]) == _unlabelled(fresh[1])
    assert "disk" in _labels_of(again[1]) and False not in _labels_of(again[1])
    shown = run(["001", "-j", "1"])
    assert shown[0] == ExitCode.OK and "(cached)" in shown[1] and "every verdict is as recorded" in shown[1]


def test_a_played_back_run_loads_neither_sympy_nor_the_reader(disk, tmp_path):
    import subprocess
    import sys

    note = tmp_path / "note.md"
    note.write_text(NOTE)
    probe = ("import sys; from gradproof.checks.cli import main; code = main(['check', sys.argv[1], '--json']); "
             "print(code, sorted(m for m in ('sympy', 'lark', 'gradproof.checks.notes') if m in sys.modules))")
    runs = [subprocess.run([sys.executable, "-c", probe, str(note)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[-1] for _ in range(2)]
    assert runs[0] == "1 ['gradproof.checks.notes', 'lark', 'sympy']"
    assert runs[1] == "1 []"


def test_results_as_a_run_from_the_cache_shows_them():
    from gradproof.checks.runner import as_reused, settled

    fresh = run_all([DOCUMENT])
    shown = as_reused(fresh)
    assert _verdicts(shown) == _verdicts(fresh) and shown[0].seconds == 0
    for before, after in zip(fresh[0].results, shown[0].results, strict=True):
        for v, w in ((before.symbolic, after.symbolic), (before.numeric, after.numeric)):
            if v.status is equivalence.Status.SKIPPED:
                assert w == v
            else:  # decided here -> "disk"; already reused in the run -> stays "run"; no time either way
                assert w.extra["cached"] == (v.extra.get("cached") or "disk") and w.seconds == 0
    assert not settled(fresh)  # UNDECIDABLE: never stored
    assert settled([replace(fresh[0], results=fresh[0].results[:2])])
