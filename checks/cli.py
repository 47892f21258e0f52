"""``gradproof``: the verification report, and the CI guard.

Usage::

    gradproof                 # every built-in document, rich report
    gradproof 000 003         # documents selected by file-name prefix
    gradproof --json          # the stable JSON schema (see checks.report)
    gradproof --junit-xml R.xml   # and a JUnit report for CI systems
    gradproof check NOTES.md  # your own Markdown derivations (see checks.markdown)

Exit codes are :class:`ExitCode`: 0 when every verdict is as recorded (an
erratum fails, every other checkable step holds), 1 when one is not, 2 on a
usage or input error (a message, never a traceback).
"""
from __future__ import annotations

import argparse
import enum
import json
import os
import sys
from collections.abc import Sequence

from gradproof.checks import cache  # [speed]

__all__ = ["ExitCode", "main"]


class ExitCode(enum.IntEnum):
    OK = 0
    UNEXPECTED_VERDICT = 1
    USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() owns the exit code."""

    def error(self, message):
        raise _UsageError(message)


class _UsageError(Exception):
    pass


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
    return cache.add_argument(p)  # [speed] --no-cache


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


@cache.session()  # [speed] one run: each distinct claim decided, and printed, once
def main(argv: Sequence[str] | None = None, console=None) -> int:
    """Run gradproof; return an :class:`ExitCode`."""
    from rich.console import Console

    argv = list(sys.argv[1:] if argv is None else argv)
    console = console or Console()
    err = Console(stderr=True) if console.file is sys.stdout else console
    try:
        if argv[:1] == ["cache"]:  # [speed] gradproof cache clear
            return cache.cache_main(argv[1:], out=console.file, err=err.file)
        if argv[:1] == ["check"]:  # the user's own notes
            from gradproof.checks import markdown

            parser = cache.add_argument(markdown.add_arguments(_Parser(prog="gradproof check")))  # [speed]
            args = parser.parse_args(argv[1:])
            cache.apply_arguments(args)  # [speed]
            return int(markdown.main_check(args, out=console.file, err=err.file))
        args = _report_parser().parse_args(argv)
        cache.apply_arguments(args)  # [speed]
        if args.budget is not None and not args.budget > 0:
            raise _UsageError("--budget must be a positive number of seconds")
        if args.jobs is not None and args.jobs < 1:
            raise _UsageError("--jobs must be at least 1")
        derivations = _select(args.documents)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except _UsageError as exc:
        err.print(f"gradproof: error: {exc}", markup=False, highlight=False)
        return ExitCode.USAGE_ERROR
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
    return ExitCode.OK if summary(results)["unexpected"] == 0 else ExitCode.UNEXPECTED_VERDICT
