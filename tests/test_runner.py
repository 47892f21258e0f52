"""The runner: internal errors never escape, workers give the same results, disagreements are named."""
import os

import pytest
import sympy as sp

from gradproof.checks import results as results_module
from gradproof.checks.results import CHECKERS, SKIPPED, StepResult, check_step
from gradproof.checks.runner import run
from gradproof.derivations.model import Cite, Claim, Derivation, Kind, Step
from gradproof.symbolic.equivalence import Status, Verdict

z = sp.Symbol("z", real=True)


def _step(i, lhs, rhs):
    return Step(id=f"s{i}", latex=f"step {i}", cite=Cite("t.md", "", i), kind=Kind.EQUALS, claim=Claim(lhs, rhs))


# step 1 is the one whose checker misbehaves; the others hold or fail as they should
DOC = Derivation("T", "t.md", "scalar", (_step(0, z * z, z**2), _step(1, z, z), _step(2, z + z, 3 * z),
                                         _step(3, (z + 1) ** 2, z**2 + 2 * z + 1)))
EXPECTED = [Status.HOLDS, None, Status.FAILS, Status.HOLDS]


def _broken(how):
    def checker(step, budget):
        if step.id == "s1":
            how()
        return CHECKERS_BEFORE[Kind.EQUALS](step, budget)
    return checker


CHECKERS_BEFORE = dict(CHECKERS)


def _raise():
    raise ZeroDivisionError("a defect in a checker")


def _die():
    os._exit(3)  # the process ends without a word, as a crash in C code would end it


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_exception_makes_one_step_undecided_and_the_others_are_checked(monkeypatch, jobs):
    monkeypatch.setitem(CHECKERS, Kind.EQUALS, _broken(_raise))
    rs = run(DOC, jobs=jobs).results
    assert [r.verdict for r in rs] == [Status.HOLDS, Status.UNDECIDED, Status.FAILS, Status.HOLDS]
    bad = rs[1]
    assert bad.internal_error == "ZeroDivisionError: a defect in a checker"
    assert bad.symbolic.reason == "internal error: ZeroDivisionError: a defect in a checker"
    assert not bad.expected and not bad.disagreement
    assert [r.internal_error for r in rs if r is not bad] == ["", "", ""]


def test_a_worker_that_dies_costs_only_its_own_step(monkeypatch):
    monkeypatch.setitem(CHECKERS, Kind.EQUALS, _broken(_die))
    rs = run(DOC, jobs=2).results
    assert [r.verdict for r in rs] == [Status.HOLDS, Status.UNDECIDED, Status.FAILS, Status.HOLDS]
    assert "exit code 3" in rs[1].internal_error


def test_an_unknown_kind_is_an_internal_error_not_a_traceback(monkeypatch):
    monkeypatch.delitem(CHECKERS, Kind.EQUALS)
    r = check_step(DOC.steps[0])
    assert r.verdict is Status.UNDECIDED and r.internal_error.startswith("KeyError")


def test_the_same_results_for_every_number_of_jobs():
    one, two = run(DOC, jobs=1).results, run(DOC, jobs=2).results
    assert [(r.symbolic.status, r.symbolic.method, r.symbolic.counterexample, r.symbolic.residual)
            for r in one] == [(r.symbolic.status, r.symbolic.method, r.symbolic.counterexample,
                               r.symbolic.residual) for r in two]


def _result(symbolic, numeric):
    step = DOC.steps[0]
    return StepResult(step, Verdict(symbolic, "s"), Verdict(numeric, "n"))


@pytest.mark.parametrize("symbolic, numeric, disagree", [
    (Status.HOLDS, Status.FAILS, True),
    (Status.FAILS, Status.HOLDS, True),
    (Status.UNDECIDED, Status.FAILS, True),  # the numeric check saw a failure the engine could not decide
    (Status.UNDECIDED, Status.HOLDS, False),  # numeric agreement is evidence, not a contradiction
    (Status.HOLDS, Status.HOLDS, False),
    (Status.FAILS, Status.FAILS, False),
    (Status.HOLDS, Status.UNDECIDED, False),
])
def test_any_contradiction_is_a_disagreement(symbolic, numeric, disagree):
    assert _result(symbolic, numeric).disagreement is disagree


def test_steps_that_assert_nothing_are_skipped():
    note = Step(id="n", latex="x", cite=Cite("t.md", "", 9), kind=Kind.NOTATION, reason="prose")
    assert check_step(note).symbolic is SKIPPED


def test_the_checker_table_covers_every_checkable_kind():
    assert {k for k in Kind if Step(id="k", latex="x", cite=Cite("t", "", 1), kind=k,
                                    claim=Claim(z, z), reason="r").checkable} == set(results_module.CHECKERS)
