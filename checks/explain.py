r"""What a step's verdict says, once, for every output.

:func:`explain` turns a :class:`~gradproof.checks.runner.StepResult` into an
:class:`Explanation`: plain strings and numbers, no rich, no SymPy objects.
The rich report, the plain text, the JSON, the JUnit XML, the exported page
and the Jupyter display all render an :class:`Explanation`; none of them reads
a :class:`~gradproof.symbolic.equivalence.Verdict` on its own.

Claims are printed as mathematics: LaTeX (:func:`claim_latex`, SymPy's LaTeX
printer) for JSON and pages, a compact one-line form or SymPy's pretty form
(:func:`claim_text`) for the terminal -- never a SymPy ``repr`` such as
``Eq(Derivative(...), ...)``.  A matrix claim is said in words with its
layout and sizes, and a matrix failure names the entry or the shapes that
failed, never ``lhs = None``.

Examples
--------
>>> import sympy as sp
>>> from gradproof.symbolic.activations import sigmoid
>>> z = sp.Symbol("z", real=True)
>>> compact(sp.Derivative(sigmoid(z), z))
'∂σ(z)/∂z'
>>> print(math_latex(sp.Derivative(sigmoid(z), z)))
\frac{d}{d z} \sigma\left(z\right)
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from gradproof.checks import cache
from gradproof.checks.config import VERSION
from gradproof.derivations.model import Claim, Step
from gradproof.symbolic.equivalence import Status, Verdict
from gradproof.symbolic.printing import compact, math_latex

__all__ = [
    "Explanation",
    "VERSION",
    "claim_latex",
    "claim_text",
    "compact",
    "explain",
    "math_latex",
    "step_json",
    "summary",
    "to_json",
]

PRETTY_MAX_NODES = 80  # larger claims print compact: pretty-printing them is slow and unreadable
PRETTY_MAX_LINES = 6
PRETTY_MAX_WIDTH = 70


# --------------------------------------------------------------------------
# claims as mathematics
# --------------------------------------------------------------------------

def _small(expr) -> bool:
    return sum(1 for _ in sp.preorder_traversal(expr)) <= PRETTY_MAX_NODES


def claim_latex(step: Step) -> str | None:
    """The claim of a scalar step as ``lhs = rhs`` in LaTeX; ``None`` for a matrix or unchecked step."""
    if not isinstance(step.claim, Claim):
        return None
    lhs, rhs = step.claim.lhs, step.claim.rhs
    # printing is a third of a warm run: once per distinct claim, remembered across runs (checks/cache.py)
    return cache.printed("latex", (lhs, rhs), lambda: f"{math_latex(lhs)} = {math_latex(rhs)}")


def claim_text(step: Step, pretty: bool = False) -> str:
    """The claim for a terminal: SymPy's pretty form if small, else one compact line.

    A matrix claim is said in words (what it says, its layout, its dZ
    convention, its sizes); a step with no claim gives why it has none.
    """
    claim = step.claim
    if claim is not None and not isinstance(claim, Claim) and hasattr(claim, "networks"):
        return _matrix_text(claim)
    if not isinstance(claim, Claim):
        return step.says or step.reason or ""
    return cache.printed("pretty" if pretty else "compact", (claim.lhs, claim.rhs),
                         lambda: _claim_text(claim, pretty))


def _claim_text(claim: Claim, pretty: bool) -> str:
    eq = sp.Eq(claim.lhs, claim.rhs, evaluate=False)
    if pretty and _small(eq):
        text = sp.pretty(eq, use_unicode=True, wrap_line=False)
        lines = text.splitlines()
        if len(lines) < PRETTY_MAX_LINES and max(map(len, lines)) <= PRETTY_MAX_WIDTH:
            return text
    return compact(eq)


def _matrix_text(c) -> str:
    layouts = ", ".join(sorted({n.layout.value for n in c.networks}))
    sizes = "; ".join(", ".join(f"{k}={v}" for k, v in s.items()) for s in c.sizes)
    return f"{c.says}  [{layouts}, {c.convention.value} dZ; sizes {sizes}]"


# --------------------------------------------------------------------------
# the explanation of one result
# --------------------------------------------------------------------------

def number(x: Any) -> str:
    """A value for people: 6 significant digits (the JSON keeps every digit)."""
    if isinstance(x, float):
        return f"{x:.6g}"
    return "?" if x is None else str(x)


@dataclass(frozen=True)
class Evidence:
    """What one check (symbolic, numeric or shapes) found, ready to print."""

    check: str  # "symbolic", "numeric", "shapes"
    verdict: str
    method: str
    point: tuple[tuple[str, str], ...] = ()  # the counterexample, names sorted
    lhs_value: str = ""  # "" when the check compared no values (a shape)
    rhs_value: str = ""
    entry: str = ""  # the matrix entry, or the size and layer, that decided
    reason: str = ""
    residual: str = ""

    def text(self) -> str:
        """One line: where it failed and why, with both sides' values when there are values."""
        where = f" {self.entry}:" if self.entry else ""
        point = ", ".join(f"{k} = {v}" for k, v in self.point)
        if self.lhs_value or self.rhs_value:
            at = f" counterexample at {point}:" if point else ""
            return (f"{self.check}:{where}{at} left side = {self.lhs_value or '?'}, "
                    f"right side = {self.rhs_value or '?'}")
        reason = self.reason or self.method
        head, sep, tail = reason.partition(": ")
        if sep and self.entry and head.removeprefix("NumPy ") in self.entry:  # the sizes said once
            reason = tail
        return f"{self.check}:{where} {reason}"


def _evidence(check: str, v: Verdict) -> Evidence:
    point = tuple((k, number(x)) for k, x in sorted((v.counterexample or {}).items()))
    if v.lhs_value is None and v.rhs_value is None:
        point = ()  # a shape failure's "point" is the sizes, already in its reason
    return Evidence(check, v.status.value, v.method, point,
                    "" if v.lhs_value is None else number(v.lhs_value),
                    "" if v.rhs_value is None else number(v.rhs_value),
                    v.where or "", v.reason or "", v.residual or "")


# outcomes, as a test runner says them
HOLDS, FAILS, UNDECIDED, SKIPPED = "holds", "fails", "undecided", "skipped"
EXPECTED_FAILURE = "expected failure"  # fails, as its erratum says (pytest's xfail)
UNEXPECTED_HOLD = "holds, but an erratum says it fails"
DISAGREEMENT = "disagreement"
ERROR = "internal error"


@dataclass(frozen=True)
class Explanation:
    """Everything a report says about one step, as plain text."""

    step: Step
    outcome: str  # one of the outcomes above
    verdict: str  # the step's verdict: holds, fails, undecided, skipped (or the engine's own)
    ok: bool  # as recorded: it holds, or it fails as its erratum says, or there was nothing to check
    method: str
    seconds: float
    latex: str | None  # the claim in LaTeX (None: a matrix claim or nothing to check)
    evidence: tuple[Evidence, ...]  # the checks that failed, shapes first
    numeric: str  # the numeric check, in a few words ("agrees, max error 1e-10")
    undecided: str = ""  # why it could not be decided
    correction: str = ""  # the erratum's corrected LaTeX
    why: str = ""
    correction_verdict: str = ""
    note: str = ""
    diagnosis: str = ""  # a failure's single slip, proved: "it holds with ...", or that none was found

    @property
    def locator(self) -> str:
        """``FILE:LINE``: where the step stands."""
        return f"{self.step.cite.document}:{self.step.cite.line}"

    @property
    def claim(self) -> str:
        return claim_text(self.step)

    def lines(self) -> list[str]:
        """The details under a step, one line each (empty for a step that holds as recorded)."""
        out = []
        if self.outcome == ERROR:
            out.append(f"INTERNAL ERROR in gradproof: {self.undecided or self.method}")
        if self.outcome == DISAGREEMENT:
            out.append("THE SYMBOLIC AND NUMERIC VERDICTS DISAGREE: a defect in the encoding or in gradproof")
        for e in self.evidence:
            out.append(e.text())
            if e.residual:
                out.append(f"  left - right = {e.residual}")
        if self.undecided and self.outcome != ERROR:
            out.append(f"undecided: {self.undecided}")
        if self.diagnosis:
            out.append(self.diagnosis)
        if self.correction:
            verdict = f" ({self.correction_verdict})" if self.correction_verdict else ""
            out.append(f"correction{verdict}: {self.correction}")
            out.append(f"why: {self.why}")
        if self.note:
            out.append(f"note: {self.note}")
        return out

    def headline(self) -> str:
        """``FILE:LINE  outcome (method)``: the one line a summary or a test runner shows."""
        how = f" ({self.method})" if self.method and self.step.checkable else ""
        return f"{self.locator}  {self.outcome}{how}"


def _is_error(v: Verdict) -> bool:
    return v.status.value == "error"  # an engine that reports its own failures


def explain(result) -> Explanation:
    r"""What a :class:`~gradproof.checks.runner.StepResult` says, for any output.

    Examples
    --------
    >>> import sympy as sp
    >>> from gradproof.checks.runner import check_step
    >>> from gradproof.derivations.model import Cite, Claim, Erratum, Kind, Step
    >>> x = sp.Symbol("x", real=True)
    >>> step = Step(id="s", latex="2x", cite=Cite("note.md", "", 3), kind=Kind.DERIVATIVE,
    ...             claim=Claim(sp.Derivative(x**2, x), 3 * x),
    ...             erratum=Erratum("2x", "the power rule", Claim(sp.Derivative(x**2, x), 2 * x)))
    >>> e = explain(check_step(step))
    >>> e.outcome, e.ok, e.latex
    ('expected failure', True, '\\frac{d}{d x} x^{2} = 3 x')
    >>> print("\n".join(e.lines()))  # doctest: +ELLIPSIS
    symbolic: counterexample at x = ...: left side = ..., right side = ...
    ...
    correction (holds): 2x
    why: the power rule
    """
    step = result.step
    sym, num, shapes = result.symbolic, result.numeric, result.shapes
    verdict = result.verdict
    erratum = step.erratum
    evidence = tuple(_evidence(name, v) for name, v in (("shapes", shapes), ("symbolic", sym), ("numeric", num))
                     if v is not None and v.status is Status.FAILS)
    if not step.checkable:
        outcome = SKIPPED
    elif result.internal_error or any(_is_error(v) for v in (sym, num, shapes) if v is not None):
        outcome = ERROR
    elif result.disagreement:
        outcome = DISAGREEMENT
    elif verdict is Status.FAILS:
        outcome = EXPECTED_FAILURE if erratum is not None else FAILS
    elif verdict is Status.HOLDS:
        outcome = UNEXPECTED_HOLD if erratum is not None else HOLDS
    else:
        outcome = verdict.value
    decided_by = shapes if shapes is not None and shapes.status is Status.FAILS else sym
    undecided = ""
    if outcome == ERROR:
        undecided = result.internal_error or next(
            v.reason for v in (sym, num, shapes) if v is not None and _is_error(v))
    elif verdict is Status.UNDECIDED:
        undecided = sym.reason or "no canonical form reached 0 and no counterexample was found"
    fixed = result.fixed
    return Explanation(
        step=step, outcome=outcome, verdict=verdict.value,
        ok=result.expected and outcome not in (DISAGREEMENT, ERROR),
        method=decided_by.method if step.checkable else "", seconds=sym.seconds,
        latex=claim_latex(step) if step.checkable else None, evidence=evidence,
        numeric=_numeric_words(num) if step.checkable else "",
        undecided=undecided,
        correction=erratum.correction if erratum is not None else "",
        why=erratum.why if erratum is not None else "",
        correction_verdict=fixed.status.value if erratum is not None and fixed is not None else "",
        note=step.note, diagnosis=_diagnosis_words(result) if outcome in (FAILS, EXPECTED_FAILURE) else "")


def _diagnosis_words(result) -> str:
    d = getattr(result, "diagnosis", None)
    if d is None:
        return "diagnosis: no single slip of those searched explains the failure"
    return f"diagnosis: it holds with {d.note} ({d.slip}): {d.latex}"


def _numeric_words(v: Verdict) -> str:
    if v.status is Status.SKIPPED:
        return "not run"
    label = "agrees" if v.status is Status.HOLDS else v.status.value
    err = v.extra.get("max_error")
    return f"{label}, max error {err:.1e}" if err is not None else label


# --------------------------------------------------------------------------
# the JSON schema
# --------------------------------------------------------------------------

def _symbolic_json(v: Verdict) -> dict:
    return {
        "verdict": v.status.value,
        "method": v.method,
        "seconds": v.seconds,
        "counterexample": v.counterexample,
        "residual": v.residual,
        "lhs_value": v.lhs_value,
        "rhs_value": v.rhs_value,
        "reason": v.reason or None,
        "entry": v.where or None,
        "cached": v.extra.get("cached") or False,  # "run" / "disk": reused, and its seconds are 0
    }


def _numeric_json(v: Verdict) -> dict:
    return {
        "verdict": v.status.value,
        "max_error": v.extra.get("max_error"),
        "tolerance": v.extra.get("tolerance"),
        "method": v.method,
        "counterexample": v.counterexample,
        "lhs_value": v.lhs_value,
        "rhs_value": v.rhs_value,
        "reason": v.reason or None,
        "cached": v.extra.get("cached") or False,
    }


def step_json(r) -> dict:
    """One step of the JSON report: the claim in LaTeX (``claim``) and as text (``claim_text``)."""
    s = r.step
    e = explain(r)
    out = {
        "id": s.id,
        "where": s.cite.where,
        "line": s.cite.line,
        "latex": s.latex,
        "kind": s.kind.value,
        "says": s.says or None,
        "claim": (e.latex or claim_text(s)) if s.checkable else None,
        "claim_text": claim_text(s) if s.checkable else None,
        "symbolic": _symbolic_json(r.symbolic),
        "numeric": _numeric_json(r.numeric),
        "shapes": _symbolic_json(r.shapes) if r.shapes is not None else None,
        "erratum": None,
        "reason": s.reason or None,
        "note": s.note or None,
        "verdict": r.verdict.value,
        "outcome": e.outcome,
        "explanation": e.lines(),
        "disagreement": r.disagreement,
        "expected": r.expected,
        "diagnosis": _diagnosis_json(r),
    }
    if s.erratum is not None:
        out["erratum"] = {
            "correction": s.erratum.correction,
            "why": s.erratum.why,
            "correction_verdict": e.correction_verdict or None,
        }
    return out


def _diagnosis_json(r) -> dict | None:
    d = getattr(r, "diagnosis", None)
    return {"slip": d.slip, "latex": d.latex, "note": d.note} if d is not None else None


def summary(results: Sequence) -> dict:
    """Counts over :class:`~gradproof.checks.runner.DocumentResult` s, and the steps not as recorded."""
    rs = [r for d in results for r in d.results]
    checkable = [r for r in rs if r.step.checkable]
    return {
        "steps": len(rs),
        "holds": sum(r.verdict is Status.HOLDS for r in checkable),
        "fails": sum(r.verdict is Status.FAILS for r in checkable),
        "undecided": sum(r.verdict is Status.UNDECIDED for r in checkable),
        "unexpected": sum(not r.expected for r in rs),
        "notation": sum(not r.step.checkable for r in rs),
        "errata": sum(r.step.erratum is not None for r in rs),
        "disagreements": sum(r.disagreement for r in rs),
        "numeric_holds": sum(r.numeric.status is Status.HOLDS for r in checkable),
        "numeric_fails": sum(r.numeric.status is Status.FAILS for r in checkable),
        "not_as_recorded": [f"{r.step.cite.document}:{r.step.cite.line}" for r in rs if not r.expected],
    }


def to_json(results: Sequence) -> dict:
    """The JSON report of :class:`~gradproof.checks.runner.DocumentResult` s (schema in checks.report)."""
    return {
        "gradproof": VERSION,
        "documents": [
            {
                "document": d.derivation.source,
                "title": d.derivation.title,
                "convention": d.derivation.convention,
                "seconds": d.seconds,
                "steps": [step_json(r) for r in d.results],
            }
            for d in results
        ],
        "summary": summary(results),
    }
