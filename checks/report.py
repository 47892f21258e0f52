"""The rich terminal report; the JSON schema (built in :mod:`gradproof.checks.explain`).

The edge of the program: rich is imported here and in the CLI only.  Every
detail printed under a step comes from :func:`~gradproof.checks.explain.explain`.
The JSON schema is read by other tools and by the CI guard; fields may be
added, never renamed or removed:

.. code-block:: text

    {"gradproof": VERSION,
     "documents": [{"document": FILE NAME, "title": str, "steps": [
         {"id": str, "where": str, "line": int, "latex": LATEX AS WRITTEN, "kind": str,
          "claim": LATEX OF THE CLAIM (a matrix claim: in words), "claim_text": one line,
          "symbolic": {"verdict": ..., "method": str, "seconds": float,
                       "counterexample": {VAR: value} | null, "residual": str | null},
          "numeric":  {"verdict": ..., "max_error": float | null},
          "erratum": {"correction": LATEX, "why": str} | null,
          "outcome": str, "explanation": [str], "expected": bool,
          "diagnosis": {"slip": NAME, "latex": CORRECTED, "note": str} | null}]}],
     "summary": {"steps": int, "holds": int, "fails": int, "undecided": int, "unexpected": int,
                 "not_as_recorded": [FILE:LINE]}}
"""
from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from gradproof.checks.explain import (
    EXPECTED_FAILURE,
    VERSION,
    claim_text,
    explain,
    summary,
    to_json,
)
from gradproof.checks.runner import DocumentResult
from gradproof.symbolic.equivalence import Status, Verdict

__all__ = ["VERSION", "claim_text", "render", "summary", "to_json"]

CLAIM_MAX_CHARS = 320  # the table shortens a long claim; the JSON has it whole
CLAIM_SHORT_CHARS = 160  # in -q/--failures

_STYLE = {
    Status.HOLDS: "bold green",
    Status.FAILS: "bold red",
    Status.UNDECIDED: "bold yellow",
    Status.SKIPPED: "dim",
}


# --------------------------------------------------------------------------
# rich
# --------------------------------------------------------------------------

def _verdict_cell(v: Verdict, numeric: bool = False) -> Text:
    if v.status is Status.SKIPPED:
        return Text("—", style="dim")
    label = {Status.HOLDS: "agrees" if numeric else "holds"}.get(v.status, v.status.value)
    text = Text(label, style=_STYLE.get(v.status, "bold white on red"))
    if numeric:
        err = v.extra.get("max_error")
        if err is not None:
            text.append(f"\nerr {err:.1e}", style="dim")
    else:  # no time here: nothing printed depends on a clock (the JSON has the seconds)
        text.append(f"\n{v.method}" + (" (cached)" if v.extra.get("cached") else ""), style="dim")
    return text


def _detail(lines: list[str]) -> Text | None:
    """Under a step: the lines of its explanation, styled by what they say."""
    if not lines:
        return None
    text = Text()
    for line in lines:
        style = ("bold white on red" if line.isupper() or line.startswith(("INTERNAL", "THE SYMBOLIC"))
                 else "cyan" if line.startswith(("correction", "why:"))
                 else "yellow" if line.startswith("undecided")
                 else "dim" if line.startswith(("note:", "  "))
                 else "red")
        text.append(line + "\n", style=style)
    text.rstrip()
    return text


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…  (whole claim in --json)"


def _latex_line(latex: str, limit: int = 160) -> str:
    """The document's LaTeX on one line, as written (shortened only for display)."""
    one = " ".join(latex.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def _mark(outcome: str, ok: bool) -> Text:
    if not ok:
        return Text("✗", style="bold red")
    if outcome == EXPECTED_FAILURE:
        return Text("xf", style="cyan")  # fails as its erratum says: not a green tick
    return Text("✓", style="green") if outcome != "skipped" else Text("·", style="dim")


def shown(d: DocumentResult, failures_only: bool = False) -> list:
    """The results a report shows: all, or (``failures_only``) what did not hold and the errata."""
    if not failures_only:
        return list(d.results)
    return [r for r in d.results if r.step.checkable
            and (r.verdict is not Status.HOLDS or r.step.erratum is not None or not r.expected)]


def document_table(d: DocumentResult, failures_only: bool = False) -> Table:
    der = d.derivation
    title = Text(der.title + "\n")
    title.append(f"{der.source} · {der.convention}", style="dim")  # Text: '[l]' is not markup here
    table = Table(title=title, show_lines=True, expand=True, title_justify="left")
    table.add_column("where", ratio=2, overflow="fold")
    table.add_column("claim", ratio=5, overflow="fold")
    table.add_column("symbolic", ratio=2)
    table.add_column("numeric", ratio=2)
    table.add_column("", width=2)
    for r in shown(d, failures_only):
        s = r.step
        e = explain(r)
        where = Text(f"{s.cite.line}", style="bold")
        where.append(f" {s.cite.where}\n", style="")
        where.append(s.id, style="dim")
        if s.checkable:
            claim = Text(_latex_line(s.latex) + "\n", style="cyan")
            claim.append(_shorten(claim_text(s, pretty=not failures_only),
                                  CLAIM_SHORT_CHARS if failures_only else CLAIM_MAX_CHARS))
            if s.says and not failures_only:  # -q: what failed and why; the words are in the full report
                claim.append(f"\n{s.says}", style="dim italic")
        else:
            claim = Text(f"{s.kind.value}: ", style="dim")
            claim.append(s.reason or s.says or s.latex, style="dim")
        detail = _detail(e.lines()) if s.checkable else None
        cell: Text | Group = claim if detail is None else Group(claim, detail)
        symbolic = _verdict_cell(r.symbolic)
        if r.shapes is not None and r.shapes.status is Status.FAILS:
            symbolic = Text("fails", style=_STYLE[Status.FAILS]).append("\nshapes", style="dim")
        table.add_row(where, cell, symbolic, _verdict_cell(r.numeric, numeric=True), _mark(e.outcome, e.ok))
    return table


SUMMARY_MAX_NAMED = 20  # the summary names at most this many steps not as recorded


def render(results: Sequence[DocumentResult], console: Console, failures_only: bool = False) -> None:
    """The report: a table per document (``failures_only``: only what did not hold, and the errata)."""
    for d in results:
        if failures_only and not shown(d, True):
            continue
        console.print(document_table(d, failures_only))
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
    bad = [explain(r) for d in results for r in d.results if not explain(r).ok]
    if bad:
        body.append(f"{len(bad)} {'verdict is' if len(bad) == 1 else 'verdicts are'} not as recorded:",
                    style="bold red")
        for e in bad[:SUMMARY_MAX_NAMED]:
            body.append(f"\n  {e.headline()}", style="red")
        if len(bad) > SUMMARY_MAX_NAMED:
            body.append(f"\n  ... and {len(bad) - SUMMARY_MAX_NAMED} more (all in --json)", style="red")
    else:
        body.append("every verdict is as recorded", style="bold green")
    console.print(Panel(body, title="gradproof summary", expand=False))


_TEXT_MARK = {"holds": "ok  ", "fails": "FAIL", "undecided": "??  ", EXPECTED_FAILURE: "xf  "}


def render_text(results: Sequence[DocumentResult], out, failures_only: bool = False,
                notes: Sequence[Sequence[tuple[int, str]]] = ()) -> None:
    """The plain-text report: one line per link, its explanation under it.

    ``notes`` gives, per document, ``(line, message)`` pairs for what the
    reader skipped.  ``failures_only`` prints only what did not hold.
    """
    totals = {s: 0 for s in Status}
    for k, res in enumerate(results):
        path = res.derivation.source
        lines = [(line, f"  skip  {path}:{line}  {message}")
                 for line, message in (notes[k] if k < len(notes) else ()) if not failures_only]
        keep = {id(r) for r in shown(res, failures_only)}
        for r in res.results:
            totals[r.verdict] += 1
            if id(r) not in keep or not r.step.checkable:
                continue
            e = explain(r)
            mark = _TEXT_MARK.get(e.outcome, "ERR!")
            # a verdict read from the persistent cache says so (one reused within the run does not)
            cached = " (cached)" if r.symbolic.extra.get("cached") == "disk" else ""
            text = [f"  {mark}  {e.locator}  {r.step.latex}   [{e.verdict}, {e.method}{cached}]"]
            text += [f"        {line}" for line in e.lines()]
            lines.append((r.step.cite.line, "\n".join(text)))
        print(path, file=out)
        for _, line in sorted(lines, key=lambda t: t[0]):
            print(line, file=out)
    print(f"{totals[Status.HOLDS]} hold, {totals[Status.FAILS]} fail, {totals[Status.UNDECIDED]} undecided",
          file=out)
    bad = [e for e in (explain(r) for d in results for r in d.results) if not e.ok]
    if bad:
        # a user's note records no errata: what is not as expected simply did not hold
        recorded = any(r.step.erratum is not None for d in results for r in d.results)
        named = ", ".join(e.locator for e in bad[:SUMMARY_MAX_NAMED])
        more = f" and {len(bad) - SUMMARY_MAX_NAMED} more" if len(bad) > SUMMARY_MAX_NAMED else ""
        print(("not as recorded: " if recorded else "did not hold: ") + named + more, file=out)
