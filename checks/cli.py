"""``gradproof``: the command line, the one edge of every subcommand.

Usage::

    gradproof                 # every built-in document, rich report
    gradproof 000 003         # documents selected by file-name prefix
    gradproof --json          # the stable JSON schema (see checks.report)
    gradproof --junit-xml R.xml   # and a JUnit report for CI systems
    gradproof check NOTES.md  # your own Markdown derivations (see checks.markdown)

Every subcommand parses its options here, before anything heavy is imported,
and every exit code is an :class:`ExitCode` (a message, never a traceback).
"""
from __future__ import annotations

import argparse
import enum
import json
import os
import sys
from collections.abc import Sequence
from typing import IO

__all__ = ["ExitCode", "check_command", "main"]


class ExitCode(enum.IntEnum):
    """The exit codes of every subcommand (pytest's numbering where it has one)."""

    OK = 0  # every verdict is as expected
    FAILED = 1  # a link fails or is undecided; in the report, a verdict not as recorded
    UNEXPECTED_VERDICT = 1  # the report's name for FAILED
    USAGE_ERROR = 2  # a bad option or argument
    INPUT_ERROR = 2  # a file could not be read
    NO_INPUT = 5  # nothing to check (pytest: "no tests collected")


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() owns the exit code."""

    def error(self, message):
        raise _UsageError(message)


class _UsageError(Exception):
    pass


# --------------------------------------------------------------------------
# the report of the built-in documents
# --------------------------------------------------------------------------

def _report_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="gradproof", description="Check the derivations of backpropagation, step by step.")
    p.add_argument("documents", nargs="*", metavar="DOC",
                   help="documents to check, by file-name prefix (000, 001, ...); default: all")
    p.add_argument("--json", action="store_true", help="print the JSON report instead of the table")
    p.add_argument("--junit-xml", metavar="PATH", default=None,
                   help="also write a JUnit report: one test case per step, passing when as recorded")
    p.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                   help="time budget per claim (default 5)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="worker processes (default: the number of cores, at most 4)")
    p.add_argument("--width", type=int, default=None, help=argparse.SUPPRESS)
    return p


def _select(keys: Sequence[str]):
    from gradproof.derivations import ALL

    if not keys:
        return list(ALL)
    chosen = []
    for k in keys:
        match = [d for d in ALL if d.source.startswith(k)]
        if not match:
            known = ", ".join(d.key for d in ALL)
            raise _UsageError(f"no document matches {k!r} (known: {known})")
        chosen += [d for d in match if d not in chosen]
    return chosen


def _run(derivations, budget, console, progress: bool, jobs: int):
    from gradproof.checks.runner import run_all
    from gradproof.symbolic.equivalence import BUDGET

    budget = BUDGET if budget is None else budget
    if not progress:
        return run_all(derivations, budget, jobs=jobs)
    from rich.progress import Progress

    total = sum(len(d.steps) for d in derivations)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("checking", total=total)
        return run_all(derivations, budget, lambda step: bar.update(
            task, advance=1, description=f"{step.cite.document[:3]} {step.id}"), jobs=jobs)


def _report(argv: list[str], console, err) -> int:
    args = _report_parser().parse_args(argv)
    if args.budget is not None and not args.budget > 0:
        raise _UsageError("--budget must be a positive number of seconds")
    if args.jobs is not None and args.jobs < 1:
        raise _UsageError("--jobs must be at least 1")
    derivations = _select(args.documents)
    from gradproof.checks.report import render, summary, to_json

    if args.width:
        console.width = args.width
    jobs = args.jobs or min(4, os.cpu_count() or 1)
    results = _run(derivations, args.budget, console,
                   progress=console.is_terminal and not args.no_progress and not args.json, jobs=jobs)
    if args.junit_xml:
        from gradproof.checks.junit import write_junit

        try:
            write_junit(results, args.junit_xml)
        except OSError as exc:
            err.print(f"gradproof: error: cannot write {args.junit_xml}: {exc.strerror}", markup=False)
            return ExitCode.USAGE_ERROR
    if args.json:
        console.file.write(json.dumps(to_json(results), indent=1, ensure_ascii=False) + "\n")
    else:
        render(results, console)
    return ExitCode.OK if summary(results)["unexpected"] == 0 else ExitCode.FAILED


# --------------------------------------------------------------------------
# gradproof check: the user's own notes
# --------------------------------------------------------------------------

def _check_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="gradproof check", description="Check the derivations in your own Markdown notes.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="Markdown files or directories")
    p.add_argument("--json", action="store_true", help="write the JSON report to stdout")
    p.add_argument("--junit-xml", metavar="PATH", help="write a JUnit XML report, one test case per link")
    p.add_argument("--allow-undecided", action="store_true",
                   help="exit 0 when no link fails, even if some are undecided")
    p.add_argument("--budget", type=float, default=None, help="seconds per link (default: 5)")
    return p


def _check_exit_code(results, allow_undecided: bool) -> ExitCode:
    from gradproof.symbolic.equivalence import Status

    for doc in results:
        for r in doc.results:
            if not r.step.checkable:
                continue
            if r.verdict is Status.FAILS or (r.verdict is not Status.HOLDS and not allow_undecided):
                return ExitCode.FAILED
    return ExitCode.OK


def _check(argv: list[str], out: IO[str], err: IO[str]) -> int:
    args = _check_parser().parse_args(argv)
    from gradproof.checks.markdown import InputError, discover, render_text
    from gradproof.checks.report import to_json
    from gradproof.checks.runner import run
    from gradproof.symbolic.equivalence import BUDGET

    try:
        documents = discover(args.paths)
    except InputError as exc:
        print(str(exc), file=err)
        return ExitCode.INPUT_ERROR
    budget = BUDGET if args.budget is None else args.budget
    results = [run(doc.derivation, budget) for doc in documents]
    if args.junit_xml:
        from gradproof.checks.junit import write_junit

        write_junit(results, args.junit_xml, allow_undecided=args.allow_undecided)
    if args.json:
        json.dump(to_json(results), out, indent=2, ensure_ascii=False)
        print(file=out)
    else:
        render_text(documents, results, out)
    return _check_exit_code(results, args.allow_undecided)


def check_command(argv: Sequence[str], out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """``gradproof check ARGV...`` as a function, writing to ``out`` and ``err``."""
    from rich.console import Console

    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    return main(["check", *argv], Console(file=out, color_system=None), Console(file=err, color_system=None))


# --------------------------------------------------------------------------
# the edge
# --------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None, console=None, err=None) -> int:
    """Run gradproof; return an :class:`ExitCode`.

    ``console`` (stdout) and ``err`` (stderr) are rich consoles; by default
    the process's own streams, and ``err`` is ``console`` when only that is given.
    """
    from rich.console import Console

    argv = list(sys.argv[1:] if argv is None else argv)
    if console is None:
        console = Console()
        err = err or Console(stderr=True)
    err = err or console
    try:
        if argv[:1] == ["check"]:
            return int(_check(argv[1:], console.file, err.file))
        return int(_report(argv, console, err))
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except _UsageError as exc:
        err.print(f"gradproof: error: {exc}", markup=False, highlight=False)
        return ExitCode.USAGE_ERROR
