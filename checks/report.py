"""Rendering results: the rich terminal report and the stable JSON schema.

The edge of the program: rich is imported here and in the CLI only.  The JSON
schema is read by other tools and by the CI guard; fields may be added, never
renamed or removed:

.. code-block:: text

    {"gradproof": VERSION,
     "documents": [{"document": FILE NAME, "title": str, "steps": [
         {"id": str, "where": str, "line": int, "latex": LATEX AS WRITTEN, "kind": str,
          "symbolic": {"verdict": ..., "method": str, "seconds": float,
                       "counterexample": {VAR: value} | null, "residual": str | null},
          "numeric":  {"verdict": ..., "max_error": float | null},
          "erratum": {"correction": LATEX, "why": str} | null,
          "expected": bool}]}],
     "summary": {"steps": int, "holds": int, "fails": int, "undecided": int, "unexpected": int}}
"""
from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

import sympy as sp
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from gradproof.checks import cache  # [speed]
from gradproof.checks.runner import DocumentResult, StepResult
from gradproof.derivations.matrix import MatrixClaim
from gradproof.derivations.model import Claim
from gradproof.symbolic.equivalence import Status, Verdict

__all__ = ["VERSION", "claim_text", "render", "summary", "to_json"]

try:
    VERSION = version("gradproof")
except PackageNotFoundError:  # running from a checkout
    VERSION = "0.1.0"

PRETTY_MAX_NODES = 80
CLAIM_MAX_CHARS = 320  # the table shortens a long claim; the JSON has it whole

_STYLE = {
    Status.HOLDS: "bold green",
    Status.FAILS: "bold red",
    Status.UNDECIDED: "bold yellow",
    Status.SKIPPED: "dim",
}


# --------------------------------------------------------------------------
# plain data
# --------------------------------------------------------------------------

def claim_text(result: StepResult, pretty: bool = False) -> str:
    """The claim as ``lhs = rhs`` (SymPy's printers), or the reason a step is not checked."""
    step = result.step
    claim = step.claim
    if isinstance(claim, MatrixClaim):
        return _matrix_text(claim)
    if not isinstance(claim, Claim):
        return step.says or step.reason or ""
    # [speed] printed once per distinct claim, and remembered across runs (checks/cache.py)
    return cache.printed("pretty" if pretty else "sstr", (claim.lhs, claim.rhs),
                         lambda: _claim_text(claim, pretty))


def _claim_text(claim: Claim, pretty: bool) -> str:
    eq = sp.Eq(claim.lhs, claim.rhs, evaluate=False)
    # pretty-printing is slow and unreadable for large claims: those print as one line
    if pretty and sum(1 for _ in sp.preorder_traversal(eq)) <= PRETTY_MAX_NODES:
        text = sp.pretty(eq, use_unicode=True, wrap_line=False)
        if text.count("\n") < 6 and max(map(len, text.splitlines())) <= 70:
            return text
    return sp.sstr(eq)


def _matrix_text(c: MatrixClaim) -> str:
    """A matrix claim in words: what it says, its layout, its dZ convention, its sizes."""
    layouts = ", ".join(sorted({n.layout.value for n in c.networks}))
    sizes = "; ".join(", ".join(f"{k}={v}" for k, v in s.items()) for s in c.sizes)
    return f"{c.says}  [{layouts}, {c.convention.value} dZ; sizes {sizes}]"


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
        "cached": v.extra.get("cached") or False,  # [speed] "run" / "disk": reused, seconds are 0
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
        "cached": v.extra.get("cached") or False,  # [speed]
    }


def step_json(r: StepResult) -> dict:
    s = r.step
    out = {
        "id": s.id,
        "where": s.cite.where,
        "line": s.cite.line,
        "latex": s.latex,
        "kind": s.kind.value,
        "says": s.says or None,
        "claim": claim_text(r) if s.checkable else None,
        "symbolic": _symbolic_json(r.symbolic),
        "numeric": _numeric_json(r.numeric),
        "shapes": _symbolic_json(r.shapes) if r.shapes is not None else None,
        "erratum": None,
        "reason": s.reason or None,
        "note": s.note or None,
        "verdict": r.verdict.value,
        "disagreement": r.disagreement,
        "expected": r.expected,
    }
    if s.erratum is not None:
        out["erratum"] = {
            "correction": s.erratum.correction,
            "why": s.erratum.why,
            "correction_verdict": r.fixed.status.value if r.fixed is not None else None,
        }
    return out


def summary(results: Sequence[DocumentResult]) -> dict:
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
    }


def to_json(results: Sequence[DocumentResult]) -> dict:
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


# --------------------------------------------------------------------------
# rich
# --------------------------------------------------------------------------

def _verdict_cell(v: Verdict, numeric: bool = False) -> Text:
    if v.status is Status.SKIPPED:
        return Text("—", style="dim")
    label = {Status.HOLDS: "agrees" if numeric else "holds"}.get(v.status, v.status.value)
    text = Text(label, style=_STYLE[v.status])
    if numeric:
        err = v.extra.get("max_error")
        if err is not None:
            text.append(f"\nerr {err:.1e}", style="dim")
    else:
        text.append(f"\n{v.method}", style="dim")
        # [speed] a reused verdict shows no timing
        text.append(" (cached)" if v.extra.get("cached") else f" {v.seconds * 1000:.0f} ms", style="dim")
    return text


def _fmt(x) -> str:
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def _failure_detail(r: StepResult) -> Text | None:
    """Under a failure: the counterexample, both sides, the correction."""
    lines = Text()
    for label, v in (("shapes", r.shapes), ("symbolic", r.symbolic), ("numeric", r.numeric)):
        if v is None or v.status is not Status.FAILS:
            continue
        if v.counterexample:
            point = ", ".join(f"{k} = {_fmt(val)}" for k, val in v.counterexample.items())
            entry = f" entry {v.where}" if v.where else ""
            lines.append(f"{label}: at {point}{entry}: lhs = {_fmt(v.lhs_value)}, rhs = {_fmt(v.rhs_value)}\n")
        elif v.reason:
            lines.append(f"{label}: {v.reason}\n")
        if label == "symbolic" and v.residual:
            lines.append(f"  lhs − rhs = {v.residual}\n", style="dim")
    if r.symbolic.status is Status.UNDECIDED and r.symbolic.reason:
        lines.append(f"undecided: {r.symbolic.reason}\n", style="yellow")
    e = r.step.erratum
    if e is not None:
        fixed = f" (correction {r.fixed.status.value})" if r.fixed is not None else ""
        lines.append(f"correction{fixed}: {e.correction}\n", style="cyan")
        lines.append(f"why: {e.why}\n", style="cyan")
    if r.disagreement:
        lines.append("SYMBOLIC AND NUMERIC VERDICTS DISAGREE: a defect in the encoding or in gradproof\n",
                     style="bold white on red")
    if r.step.note:
        lines.append(f"note: {r.step.note}\n", style="dim")
    lines.rstrip()
    return lines if lines.plain else None


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…  (whole claim in --json)"


def _latex_line(latex: str, limit: int = 160) -> str:
    """The document's LaTeX on one line, as written (shortened only for display)."""
    one = " ".join(latex.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def document_table(d: DocumentResult) -> Table:
    der = d.derivation
    title = Text(der.title + "\n")
    title.append(f"{der.source} · {der.convention}", style="dim")  # Text: '[l]' is not markup here
    table = Table(title=title,
                  show_lines=True, expand=True, title_justify="left")
    table.add_column("where", ratio=2, overflow="fold")
    table.add_column("claim", ratio=5, overflow="fold")
    table.add_column("symbolic", ratio=2)
    table.add_column("numeric", ratio=2)
    table.add_column("", width=2)
    for r in d.results:
        s = r.step
        where = Text(f"{s.cite.line}", style="bold")
        where.append(f" {s.cite.where}\n", style="")
        where.append(s.id, style="dim")
        if s.checkable:
            claim = Text(_latex_line(s.latex) + "\n", style="cyan")
            claim.append(_shorten(claim_text(r, pretty=True), CLAIM_MAX_CHARS))
            if s.says:
                claim.append(f"\n{s.says}", style="dim italic")
        else:
            claim = Text(f"{s.kind.value}: ", style="dim")
            claim.append(s.reason or s.says or s.latex, style="dim")
        detail = _failure_detail(r) if s.checkable else None
        if detail is not None:
            claim = Group(claim, detail)
        mark = Text("✓", style="green") if r.expected else Text("✗", style="bold red")
        symbolic = _verdict_cell(r.symbolic)
        if r.shapes is not None and r.shapes.status is Status.FAILS:
            symbolic = Text("fails", style=_STYLE[Status.FAILS]).append("\nshapes", style="dim")
        table.add_row(where, claim, symbolic, _verdict_cell(r.numeric, numeric=True), mark)
    return table


def render(results: Sequence[DocumentResult], console: Console) -> None:
    for d in results:
        console.print(document_table(d))
        console.print()
    s = summary(results)
    body = Text()
    body.append(f"{s['steps']} steps: ")
    body.append(f"{s['holds']} hold", style=_STYLE[Status.HOLDS])
    body.append(", ")
    body.append(f"{s['fails']} fail", style=_STYLE[Status.FAILS])
    body.append(", ")
    body.append(f"{s['undecided']} undecided", style=_STYLE[Status.UNDECIDED])
    body.append(f", {s['notation']} notation or definitions\n")
    body.append(f"{s['errata']} known errata; numeric checks: {s['numeric_holds']} agree, "
                f"{s['numeric_fails']} fail; {s['disagreements']} symbolic/numeric disagreements\n")
    if s["unexpected"]:
        body.append(f"{s['unexpected']} verdicts are not as recorded", style="bold red")
    else:
        body.append("every verdict is as recorded", style="bold green")
    console.print(Panel(body, title="gradproof summary", expand=False))
