r"""``gradproof check``: the command-line edge over :mod:`checks.notes`.

The reading of a note (header, blocks, chains, claims) is :mod:`checks.notes`;
this module keeps the names it always exported (``parse_markdown``,
``read_document``, ``load``, ``Document``, ``InputError``) and the ``check``
subcommand.  A block that cannot be read is printed as ``FILE:LINE:COL:
message``; every other link is still checked, and the exit code is 2.

Examples
--------
>>> doc = parse_markdown('''<!-- gradproof
... let a = \\sigma(z)
... -->
... $$\\frac{\\partial a}{\\partial z} = a(1 - a)$$
... ''', "note.md")
>>> [(s.id, s.kind.value, s.cite.line) for s in doc.derivation.steps]
[('L4', 'derivative', 4)]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from enum import IntEnum
from pathlib import Path
from typing import IO

from gradproof.checks.notes import InputError, Note, Reading, read_file, read_note
from gradproof.derivations.model import Derivation

__all__ = [
    "Document",
    "Exit",
    "InputError",
    "Note",
    "add_arguments",
    "check_command",
    "discover",
    "load",
    "main_check",
    "parse_markdown",
    "read_document",
]


class Exit(IntEnum):
    """Exit codes of ``gradproof check``."""

    OK = 0  # every link holds
    FAILED = 1  # some link fails or is undecided
    INPUT_ERROR = 2  # the input could not be read


Document = Reading  # the reading of one file: derivation, notes, errors, free variables
parse_markdown = read_note
read_document = read_file


def load(path: str | Path) -> Derivation:
    """The :class:`Derivation` of one Markdown file, ready for :func:`checks.runner.run`."""
    return read_file(path).derivation


def discover(paths: Iterable[str]) -> list[Document]:
    """Read files and directories (``*.md`` below them that have a header), in the order given."""
    documents = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for f in sorted(p.rglob("*.md")):
                try:
                    documents.append(read_file(f))
                except InputError as exc:
                    if "does not opt in" not in exc.message:
                        raise
        else:
            documents.append(read_file(given))
    return documents


# --------------------------------------------------------------------------
# the `check` subcommand
# --------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of ``gradproof check``."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="Markdown files or directories")
    parser.add_argument("--json", action="store_true", help="write the JSON report to stdout")
    parser.add_argument("--junit-xml", metavar="PATH", help="write a JUnit XML report, one test case per link")
    parser.add_argument("--allow-undecided", action="store_true",
                        help="exit 0 when no link fails, even if some are undecided")
    parser.add_argument("--budget", type=float, default=None, help="seconds per link (default: 5)")
    return parser


def _exit_code(results, allow_undecided: bool) -> Exit:
    from gradproof.symbolic.equivalence import Status

    for doc in results:
        for r in doc.results:
            if not r.step.checkable:
                continue
            if r.verdict is Status.FAILS or (r.verdict is not Status.HOLDS and not allow_undecided):
                return Exit.FAILED
    return Exit.OK


def _fmt(value) -> str:
    return "?" if value is None else f"{value:.6g}"


def render_text(documents: Sequence[Document], results, out: IO[str]) -> None:
    """A plain-text report: one line per link, details under a failure."""
    from gradproof.symbolic.equivalence import Status

    totals = {s: 0 for s in Status}
    for doc, res in zip(documents, results):
        path = doc.derivation.source
        lines = [(n.line, f"  skip  {path}:{n.line}  {n.message}") for n in doc.notes]
        for r in res.results:
            s, v = r.step, r.symbolic
            totals[r.verdict] += 1
            mark = {Status.HOLDS: "ok  ", Status.FAILS: "FAIL", Status.UNDECIDED: "??  "}.get(r.verdict, "skip")
            text = [f"  {mark}  {path}:{s.cite.line}  {s.latex}   [{r.verdict}, {v.method}, {v.seconds:.2f} s]"]
            if r.verdict is Status.FAILS:
                point = ", ".join(f"{k} = {_fmt(x)}" for k, x in sorted((v.counterexample or {}).items()))
                text.append(f"        counterexample: {point}")
                text.append(f"        left side = {_fmt(v.lhs_value)}, right side = {_fmt(v.rhs_value)}")
                if v.residual:
                    text.append(f"        left - right = {v.residual}")
            elif r.verdict is Status.UNDECIDED:
                text.append(f"        undecided: {v.reason}")
            lines.append((s.cite.line, "\n".join(text)))
        print(path, file=out)
        for _, line in sorted(lines, key=lambda t: t[0]):
            print(line, file=out)
    print(f"{totals[Status.HOLDS]} hold, {totals[Status.FAILS]} fail, {totals[Status.UNDECIDED]} undecided",
          file=out)


def main_check(args: argparse.Namespace, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Run ``gradproof check`` with parsed ``args``; returns an :class:`Exit` code."""
    from gradproof.checks.report import to_json
    from gradproof.checks.runner import run
    from gradproof.symbolic.equivalence import BUDGET

    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    try:
        documents = discover(args.paths)
    except InputError as exc:
        print(str(exc), file=err)
        return Exit.INPUT_ERROR
    budget = BUDGET if args.budget is None else args.budget
    errors = [e for doc in documents for e in doc.errors]
    for error in errors:  # the rest of each file is still checked
        print(str(error), file=err)
    results = [run(doc.derivation, budget) for doc in documents]
    if args.junit_xml:
        from gradproof.checks.junit import write_junit

        write_junit(results, args.junit_xml, allow_undecided=args.allow_undecided)
    if args.json:
        json.dump(to_json(results), out, indent=2, ensure_ascii=False)
        print(file=out)
    else:
        render_text(documents, results, out)
    return Exit.INPUT_ERROR if errors else _exit_code(results, args.allow_undecided)


def check_command(argv: Sequence[str], out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """``gradproof check ARGV...`` as a function (the CLI's ``check`` subcommand)."""
    parser = add_arguments(argparse.ArgumentParser(prog="gradproof check"))
    return main_check(parser.parse_args(list(argv)), out, err)
