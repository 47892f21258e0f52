"""``gradproof``: the command line, the one edge of every subcommand.

Usage::

    gradproof                     # every built-in document, rich report
    gradproof 000 003             # documents selected by file-name prefix
    gradproof --format json       # the stable JSON schema (see checks.report); --json too
    gradproof --junit-xml R.xml   # and a JUnit report for CI systems
    gradproof check NOTES.md      # your own Markdown derivations (see checks.notes)
    gradproof check --format github   # annotations on the failing lines of a pull request
    gradproof export 000 --markdown -o 000.md   # a checked page to publish (see checks.export)

Every option is parsed and validated here before anything heavy is imported
(SymPy is never loaded for ``--help``, ``--version`` or a usage error), and
every exit is an :class:`ExitCode` with a message, never a traceback.
Settings come from the command line, then ``[tool.gradproof]``
(:mod:`checks.config`), then the defaults.  A new subcommand is one entry of
:data:`COMMANDS`.
"""
from __future__ import annotations

import argparse
import enum
import gc
import hashlib
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from gradproof.checks import cache
from gradproof.checks import config as _config

if TYPE_CHECKING:  # rich is imported when a console is made, not at startup
    from rich.console import Console

__all__ = ["COMMANDS", "Command", "ExitCode", "check_command", "color_enabled", "main"]


class ExitCode(enum.IntEnum):
    """The exit codes of every subcommand (pytest's numbers where it has one)."""

    OK = 0  # every verdict is as expected
    FAILED = 1  # a link fails or is undecided; in the report, a verdict not as recorded
    UNEXPECTED_VERDICT = 1  # the report's name for FAILED
    USAGE_ERROR = 2  # a bad option, argument or configuration
    INPUT_ERROR = 2  # a file or a block could not be read (the rest is still checked)
    INTERNAL_ERROR = 3  # a defect in gradproof: a one-line message instead of a traceback
    NO_INPUT = 5  # nothing to check: no file with a header (pytest: "no tests collected")


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() owns the exit code."""

    def error(self, message):
        raise _UsageError(message)


class _UsageError(Exception):
    pass


# --------------------------------------------------------------------------
# options that every subcommand shares, validated while parsing
# --------------------------------------------------------------------------

def _argument(check: Callable):
    """An argparse ``type`` from a validator that raises ValueError with a message."""
    def parse(text: str):
        try:
            return check(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    parse.__name__ = check.__name__
    return parse


def output_path(text: str) -> str:
    """A file that can be written: its folder exists and is writable, it is not a folder."""
    path = Path(text)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ValueError(f"cannot write {text!r}: it is a folder")
    if not folder.is_dir():
        raise ValueError(f"cannot write {text!r}: the folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ValueError(f"cannot write {text!r}: permission denied")
    return text


def _add_common(p: argparse.ArgumentParser, jobs_default: str) -> None:
    p.add_argument("--format", choices=_config.FORMATS, default=None,
                   help="text (default), json, junit (XML on stdout) or github (workflow annotations)")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    p.add_argument("--junit-xml", metavar="PATH", type=_argument(output_path), default=None,
                   help="also write a JUnit report to PATH, one test case per step")
    p.add_argument("--budget", type=_argument(_config.positive_seconds), default=None, metavar="SECONDS",
                   help="time budget per claim (default 5)")
    p.add_argument("--jobs", "-j", type=_argument(_config.positive_int), default=None, metavar="N",
                   help=f"worker processes (default: {jobs_default})")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour in the text output (auto: only on a terminal; NO_COLOR and FORCE_COLOR are read)")
    cache.add_argument(p)  # --no-cache


# --------------------------------------------------------------------------
# colour
# --------------------------------------------------------------------------

def color_enabled(choice: str, stream: IO[str], environ: Mapping[str, str] | None = None) -> bool:
    """Colour on ``stream``? ``--color`` wins, then ``NO_COLOR``, then ``FORCE_COLOR``, then a terminal.

    >>> import io
    >>> color_enabled("auto", io.StringIO(), {"FORCE_COLOR": "1"}), color_enabled("always", io.StringIO(), {})
    (True, True)
    >>> color_enabled("auto", io.StringIO(), {"NO_COLOR": "1", "FORCE_COLOR": "1"})
    False
    """
    env = os.environ if environ is None else environ
    if choice != "auto":
        return choice == "always"
    if env.get("NO_COLOR"):  # https://no-color.org: any non-empty value
        return False
    if env.get("FORCE_COLOR"):  # https://force-color.org
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _console(stream: IO[str], color: bool):
    """A rich console on ``stream``: no escape sequence at all without colour (bold and dim included)."""
    from rich.console import Console

    if not color:
        return Console(file=stream, color_system=None, no_color=True, highlight=False, emoji=False)
    if os.environ.get("COLORTERM", "") in ("truecolor", "24bit"):
        return Console(file=stream, force_terminal=True, color_system="truecolor", no_color=False, highlight=False)
    if "256" in os.environ.get("TERM", ""):
        return Console(file=stream, force_terminal=True, color_system="256", no_color=False, highlight=False)
    return Console(file=stream, force_terminal=True, color_system="standard", no_color=False, highlight=False)


def _interactive(console) -> bool:
    """A live progress bar only on a real terminal with colour (a pipe or NO_COLOR gets none)."""
    isatty = getattr(console.file, "isatty", None)
    return bool(isatty and isatty()) and console.color_system is not None


# --------------------------------------------------------------------------
# the subcommands
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Command:
    """A subcommand: ``run(argv, out, err)`` gets the arguments after its name and two consoles."""

    name: str
    help: str
    run: Callable[[list[str], Console, Console], int]


def _dump_json(data: dict, out: IO[str], indent: int) -> None:
    out.write(json.dumps(data, indent=indent, ensure_ascii=False) + "\n")


def _write_junit(results, path: str, err, **options) -> bool:
    from gradproof.checks.junit import write_junit

    try:
        write_junit(results, path, **options)
    except OSError as exc:
        err.print(f"gradproof: error: cannot write {path}: {exc.strerror or exc}", markup=False, soft_wrap=True)
        return False
    return True


# --------------------------------------------------------------------------
# the report of the built-in documents (no subcommand)
# --------------------------------------------------------------------------

def _report_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {c.name:<10}{c.help}" for c in COMMANDS.values())
    p = _Parser(prog="gradproof", formatter_class=argparse.RawDescriptionHelpFormatter,
                usage="gradproof [-h] [--version] [options] [DOC ...]\n       gradproof COMMAND [-h] ...",
                description="Check the derivations of backpropagation, step by step.\n\n"
                            "With no command: the verification report of the built-in documents.",
                epilog=f"commands:\n{commands}\n\n'gradproof COMMAND --help' describes a command; "
                       "the exit codes are in the README.")
    p.add_argument("documents", nargs="*", metavar="DOC",
                   help="documents to check, by file-name prefix (000, 001, ...); default: all")
    p.add_argument("--version", action="version", version=f"gradproof {_config.VERSION}")
    _add_common(p, jobs_default="the number of cores, at most 4")
    p.add_argument("-q", "--failures", action="store_true",
                   help="show only the steps that did not hold, and the errata")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--width", type=int, default=None, help=argparse.SUPPRESS)
    return p


def _sources_folder() -> Path:
    """derivations/sources, found without importing the encodings (and SymPy)."""
    import importlib.util

    spec = importlib.util.find_spec("gradproof.derivations")
    if spec is None or spec.submodule_search_locations is None:
        raise RuntimeError("gradproof.derivations is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "sources"


def _known_documents() -> list[str]:
    if "gradproof.derivations" in sys.modules:  # already loaded (or replaced, in the tests)
        loaded = sys.modules["gradproof.derivations"].ALL
        return list(loaded.sources()) if hasattr(loaded, "sources") else [d.source for d in loaded]
    return sorted(p.name for p in _sources_folder().glob("*.txt"))


def _select(keys: Sequence[str]) -> list[str]:
    """The documents' sources that ``keys`` (file-name prefixes) select, checked before loading any."""
    known = _known_documents()
    chosen: list[str] = []
    for k in keys or [""]:
        match = [s for s in known if s.startswith(k)]
        if not match:
            raise _UsageError(f"no document matches {k!r} (known: {', '.join(s[:3] for s in known)})")
        chosen += [s for s in match if s not in chosen]
    return chosen


def _run_report(derivations, budget: float, console, progress: bool, jobs: int):
    from gradproof.checks.runner import run_all

    if not progress:
        return run_all(derivations, budget, jobs=jobs)
    from rich.progress import Progress

    total = sum(len(d.steps) for d in derivations)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("checking", total=total)
        return run_all(derivations, budget, lambda step: bar.update(
            task, advance=1, description=f"{step.cite.document[:3]} {step.id}"), jobs=jobs)


def _builtin_documents() -> bool:
    """Are the documents gradproof's own (covered by its source hash), not a registry put in their place?"""
    loaded = sys.modules.get("gradproof.derivations")
    return loaded is None or type(loaded.ALL).__name__ == "Registry"


def _report(argv: list[str], console, err) -> int:
    args = _report_parser().parse_args(argv)
    cache.apply_arguments(args)
    sources = _select(args.documents)
    fmt = args.format or "text"
    if args.width:
        console.width = args.width
    # a run printed before is printed again, labelled as cached, without SymPy (a JUnit file is written afresh)
    key = None if args.junit_xml or not _builtin_documents() else cache.run_key(
        "report", sources, fmt, args.failures, args.budget, str(_sources_folder()), cache.looks(console),
        cache.looks(err))
    played = cache.play_back(key, console, err)
    if played is not None:
        return played
    # the work starts here: the encodings (and SymPy) are imported only now
    from gradproof.derivations import select
    from gradproof.symbolic.equivalence import BUDGET

    derivations = select(sources)  # builds only the chosen documents
    from gradproof.checks.runner import as_reused, settled

    jobs = args.jobs or min(4, os.cpu_count() or 1)
    progress = fmt == "text" and not args.no_progress and _interactive(console)
    results = _run_report(derivations, args.budget or BUDGET, console, progress, jobs)
    if args.junit_xml and not _write_junit(results, args.junit_xml, err):
        return ExitCode.USAGE_ERROR
    code = _print_report(results, fmt, args.failures, console)
    if settled(results):  # undecided results are never stored
        cache.record(key, console, err, lambda: _print_report(as_reused(results), fmt, args.failures, console))
    return code


def _print_report(results, fmt: str, failures: bool, console) -> int:
    """The report in ``fmt`` on ``console``; the exit code it gives."""
    from gradproof.checks.explain import summary, to_json  # rich only for the text

    if fmt == "json":
        _dump_json(to_json(results), console.file, indent=1)
    elif fmt == "junit":
        from gradproof.checks.junit import to_junit_xml

        console.file.write(to_junit_xml(results))
    elif fmt == "github":
        from gradproof.checks.annotations import annotate

        folder = _sources_folder()
        for annotation in annotate(results, path_of=lambda d: str(folder / d.source)):
            console.file.write(annotation + "\n")
    else:
        from gradproof.checks.report import render

        render(results, console, failures_only=failures)
    return ExitCode.OK if summary(results)["unexpected"] == 0 else ExitCode.FAILED


# --------------------------------------------------------------------------
# gradproof check: the user's own notes
# --------------------------------------------------------------------------

MARKDOWN_SUFFIXES = (".md", ".markdown")


def _check_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="gradproof check",
                description="Check the derivations in your own Markdown notes: every '=' of every display "
                            "block after a '<!-- gradproof' header. Files without a header are skipped.",
                epilog="Settings not given here are read from [tool.gradproof] in the nearest pyproject.toml "
                       "(or gradproof.toml): paths, exclude, budget, allow-undecided, jobs, format.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="Markdown files, or folders (their .md and .markdown files); "
                        "default: the configured paths")
    _add_common(p, jobs_default="1")
    p.add_argument("--allow-undecided", action=argparse.BooleanOptionalAction, default=None,
                   help="exit 0 when no link fails, even if some are undecided")
    p.add_argument("--allow-no-input", action="store_true",
                   help="exit 0, not 5, when no file has a header (for hooks that pass every changed file)")
    return p


SKIPPED_FOLDERS = frozenset({"node_modules", "venv", "__pycache__", "site-packages", "_build"})


def _markdown_below(folder: Path) -> list[Path]:
    """The Markdown files below ``folder``, sorted; hidden folders (``.git``, ``.venv``) and the
    folders of installed or built copies (:data:`SKIPPED_FOLDERS`) are not entered."""
    found = []
    for here, folders, files in os.walk(folder):
        folders[:] = [d for d in folders if not d.startswith(".") and d not in SKIPPED_FOLDERS]
        found += [Path(here, f) for f in files
                  if Path(f).suffix.lower() in MARKDOWN_SUFFIXES and Path(here, f).is_file()]
    return sorted(found)


@dataclass(frozen=True)
class Unreadable:
    """A file, or a block of one, that could not be read: ``FILE[:LINE[:COL]]: message``."""

    path: str
    line: int  # 0: the file as a whole
    col: int  # 0: not known
    message: str

    def __str__(self) -> str:
        where = ":".join([self.path] + [str(n) for n in (self.line, self.col) if n])
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class _Found:
    """What the paths hold: the files to read, the files left out (and why), the paths that cannot be read."""

    files: tuple[Path, ...]
    left_out: tuple[tuple[str, str], ...]
    missing: tuple[Unreadable, ...]


def _collect(paths: Sequence[str], settings: _config.Config) -> _Found:
    """Files in the order given (a folder's Markdown files sorted), each once, minus the excluded ones."""
    files: list[Path] = []
    left_out: list[tuple[str, str]] = []
    missing: list[Unreadable] = []
    seen: set[Path] = set()
    for given in paths:
        p = Path(given)
        if p.is_dir():
            found = _markdown_below(p)
        elif p.is_file():
            found = [p]
        else:  # a device or a pipe could be read forever
            what = "not a regular file" if p.exists() else "no such file or folder"
            missing.append(Unreadable(given, 0, 0, what))
            continue
        for f in found:
            key = f.resolve()
            if key in seen:
                continue
            seen.add(key)
            glob = _config.excluded(f, settings)
            if glob is not None:
                left_out.append((str(f), f"excluded by {glob!r}"))
            else:
                files.append(f)
    return _Found(tuple(files), tuple(left_out), tuple(missing))


def _shown(path: Path | str) -> str:
    """A configured path as the user will find it: relative to the working directory."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)


def _check_exit_code(results, allow_undecided: bool) -> ExitCode:
    from gradproof.symbolic.equivalence import Status

    for doc in results:
        for r in doc.results:
            if not r.step.checkable:
                continue
            if r.verdict is Status.FAILS or r.disagreement or (
                    r.verdict is not Status.HOLDS and not allow_undecided):
                return ExitCode.FAILED
    return ExitCode.OK


def _read_notes(found: _Found) -> tuple[list, list[tuple[str, str]], list[Unreadable]]:
    """The readings of the files that have a header; the files skipped (and why); what could not be read."""
    from gradproof.checks.reading import InputError, NoHeader
    from gradproof.checks.reading import read_file as read_document

    documents = []
    skipped = list(found.left_out)
    errors = list(found.missing)
    for f in found.files:
        try:
            document = read_document(str(f))
        except NoHeader:
            skipped.append((str(f), "no '<!-- gradproof' header"))
            continue
        except InputError as exc:
            errors.append(Unreadable(exc.path, exc.line, 0, exc.message))
            continue
        documents.append(document)
        # the blocks the reader could not read, when it reports them one by one (the rest is checked)
        errors += [Unreadable(e.path, e.line, e.col, e.message) for e in getattr(document, "errors", ())]
    return documents, skipped, errors


def _check_key(found: _Found, *options: object) -> str | None:
    """The key of a check run: the options, and each file's path and bytes (None: a file cannot be read)."""
    inputs = []
    for f in found.files:
        try:
            inputs.append((str(f), hashlib.sha256(f.read_bytes()).hexdigest()))
        except OSError:
            return None
    return cache.run_key("check", os.getcwd(), inputs, found.left_out, found.missing, *options)


def _check(argv: list[str], console, err) -> int:
    args = _check_parser().parse_args(argv)
    cache.apply_arguments(args)
    try:
        settings = _config.load()
    except _config.ConfigError as exc:
        raise _UsageError(str(exc)) from None
    paths = list(args.paths) or [_shown(p) for p in settings.paths]
    if not paths:
        raise _UsageError("no PATH given, and no 'paths' in [tool.gradproof] of a pyproject.toml "
                          "or gradproof.toml")
    fmt = args.format or settings.format or "text"
    allow_undecided = args.allow_undecided if args.allow_undecided is not None else bool(settings.allow_undecided)
    jobs = args.jobs or settings.jobs or 1
    found = _collect(paths, settings)
    budget = args.budget or settings.budget
    # notes checked before, byte for byte, are printed again, labelled as cached, without SymPy
    key = None if args.junit_xml or not cache.disk_enabled() else _check_key(
        found, fmt, allow_undecided, args.allow_no_input, budget, cache.looks(console), cache.looks(err))
    played = cache.play_back(key, console, err)
    if played is not None:
        return played

    # the work starts here: the reader (and SymPy) are imported only now
    documents, skipped, errors = _read_notes(found)
    _say_unread(skipped, errors, fmt, console, err)
    if not documents:
        if errors:
            return ExitCode.INPUT_ERROR
        count = len(found.files) + len(found.left_out)
        err.print(f"gradproof check: no file with a '<!-- gradproof' header to check "
                  f"({count} file{'s' * (count != 1)} skipped)",
                  markup=False, highlight=False, soft_wrap=True, style="bold")
        return ExitCode.OK if args.allow_no_input else ExitCode.NO_INPUT

    from gradproof.checks.runner import as_reused, run_all, settled
    from gradproof.symbolic.equivalence import BUDGET

    results = run_all([d.derivation for d in documents], budget or BUDGET, jobs=jobs)
    if args.junit_xml and not _write_junit(results, args.junit_xml, err, allow_undecided=allow_undecided):
        return ExitCode.USAGE_ERROR
    notes = [[(n.line, n.message) for n in d.notes] for d in documents]

    def emit(results) -> int:
        return _print_check(results, documents, skipped, errors, notes, fmt, allow_undecided, console, err)

    code = emit(results)
    if not errors and settled(results):  # undecided results are never stored

        def again() -> int:  # the whole output, as a run that finds it stored prints it
            _say_unread(skipped, errors, fmt, console, err)
            return emit(as_reused(results))

        cache.record(key, console, err, again)
    return code


def _say_unread(skipped, errors, fmt: str, console, err) -> None:
    """The files skipped and the blocks that could not be read, on stderr (and as annotations)."""
    for path, why in skipped:
        err.print(f"skipped {path}: {why}", markup=False, highlight=False, soft_wrap=True, style="dim")
    for e in errors:
        err.print(str(e), markup=False, highlight=False, soft_wrap=True)
    if fmt == "github":
        from gradproof.checks.annotations import error_command

        for e in errors:
            console.file.write(error_command(e.path, e.line, e.message, e.col) + "\n")


def _print_check(results, documents, skipped, errors, notes, fmt: str, allow_undecided: bool,
                 console, err) -> int:
    """The results of ``gradproof check`` in ``fmt``, then the count of files; the exit code."""
    out = console.file
    note = err if fmt != "text" else console  # stdout stays machine-readable in the other formats
    if fmt == "json":
        from gradproof.checks.explain import to_json

        data = to_json(results)
        data["skipped"] = [{"file": p, "reason": why} for p, why in skipped]
        data["errors"] = [{"file": e.path, "line": e.line, "col": e.col, "message": e.message} for e in errors]
        _dump_json(data, out, indent=2)
    elif fmt == "junit":
        from gradproof.checks.junit import to_junit_xml

        out.write(to_junit_xml(results, allow_undecided=allow_undecided))
    elif fmt == "github":
        from gradproof.checks.annotations import annotate

        for annotation in annotate(results):
            out.write(annotation + "\n")
    else:
        from gradproof.checks.report import render_text

        render_text(results, out, notes=notes)
    files = f"{len(documents)} file{'s' * (len(documents) != 1)} checked, {len(skipped)} skipped"
    if errors:
        files += f", {len(errors)} read error{'s' * (len(errors) != 1)}"
    note.print(files, markup=False, highlight=False, soft_wrap=True, style="bold red" if errors else "")
    if errors:
        return ExitCode.INPUT_ERROR
    return _check_exit_code(results, allow_undecided)


def check_command(argv: Sequence[str], out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """``gradproof check ARGV...`` as a function, writing plain text to ``out`` and ``err``."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    return main(["check", *argv], _console(out, False), _console(err, False))


# --------------------------------------------------------------------------
# gradproof export
# --------------------------------------------------------------------------

def _export_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="gradproof export", description="Write a checked derivation as a page to publish "
                "(see checks.export): 0 when every verdict is as recorded, 1 when one is not (the page is "
                "written either way), 2 on a usage or input error.")
    p.add_argument("source", metavar="DOC|FILE", help="a built-in document (000, 001, ...) or a Markdown note")
    fmt = p.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--markdown", action="store_true", help="a Markdown page that is itself a gradproof note")
    fmt.add_argument("--latex", action="store_true", help="a LaTeX document")
    p.add_argument("-o", "--output", metavar="PATH", type=_argument(output_path), default=None,
                   help="write the page here (default: stdout)")
    p.add_argument("--budget", type=_argument(_config.positive_seconds), default=None, metavar="SECONDS",
                   help="time budget per claim (default 5)")
    p.add_argument("--jobs", "-j", type=_argument(_config.positive_int), default=None, metavar="N",
                   help="worker processes (default: the number of cores, at most 4)")
    cache.add_argument(p)  # --no-cache
    return p


def _export_source(given: str):
    """A built-in document by prefix, else a note read from disk (a usage error if neither)."""
    from gradproof.checks.api import DOCUMENTS, NoteError, load

    if not Path(given).exists():
        sources = _known_documents()
        match = [k for k, s in enumerate(sources) if s.startswith(given)]
        if len(match) != 1:
            raise _UsageError(f"{given!r} is neither a file nor one built-in document "
                              f"(known: {', '.join(s[:3] for s in sources)})")
        return DOCUMENTS[match[0]]  # builds only that document
    try:
        return load(Path(given))
    except NoteError as exc:
        raise _UsageError(str(exc)) from None


def _export(argv: list[str], console, err) -> int:
    args = _export_parser().parse_args(argv)
    cache.apply_arguments(args)
    derivation = _export_source(args.source)
    from gradproof.checks.api import check
    from gradproof.symbolic.equivalence import BUDGET

    report = check(derivation, jobs=args.jobs, budget=BUDGET if args.budget is None else args.budget)
    page = report.to_markdown() if args.markdown else report.to_latex()
    if args.output:
        try:
            Path(args.output).write_text(page, encoding="utf-8")
        except OSError as exc:
            raise _UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        console.file.write(page)
    return ExitCode.OK if report.ok else ExitCode.UNEXPECTED_VERDICT


COMMANDS: dict[str, Command] = {
    "check": Command("check", "check the derivations in your own Markdown notes", _check),
    "export": Command("export", "write a checked derivation as a Markdown or LaTeX page to publish", _export),
    "cache": Command("cache", "the persistent cache of verdicts: 'clear' removes it, 'path' prints where it is",
                     lambda argv, out, err: cache.cache_main(argv, out=out.file, err=err.file)),
}


# --------------------------------------------------------------------------
# the edge
# --------------------------------------------------------------------------

def _color_choice(argv: Sequence[str]) -> str:
    """``--color`` from the raw arguments: the consoles exist before a parser has run."""
    choice = "auto"
    for k, a in enumerate(argv):
        if a == "--":
            break
        if a == "--color" and k + 1 < len(argv):
            choice = argv[k + 1]
        elif a.startswith("--color="):
            choice = a.split("=", 1)[1]
    return choice if choice in ("auto", "always", "never") else "auto"


def _machine_format(argv: Sequence[str]) -> bool:
    """Does the raw command line ask for output read by programs (``--json``, ``--format json|junit|github``)?"""
    for k, a in enumerate(argv):
        if a == "--":
            break
        if a == "--json" or a in ("--format=json", "--format=junit", "--format=github") or (
                a == "--format" and k + 1 < len(argv) and argv[k + 1] in ("json", "junit", "github")):
            return True
    return False


class _PlainConsole:
    """What a run for programs needs of a console: its stream and one-line messages (rich is not imported)."""

    color_system = None
    is_terminal = False
    no_color = True
    legacy_windows = False

    def __init__(self, file: IO[str]):
        self.file = file
        self.width = 80
        self.encoding = (getattr(file, "encoding", None) or "utf-8").lower()

    def print(self, *objects, sep: str = " ", end: str = "\n", **_ignored) -> None:
        self.file.write(sep.join(str(o) for o in objects) + end)


def _silence(stream: IO[str]) -> None:
    """Point a closed pipe at /dev/null, so that Python's flush at exit does not fail on it too."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    except (OSError, ValueError, AttributeError):  # not a file descriptor (a StringIO in the tests)
        pass


GC_YOUNG = 50_000  # allocations between collections of the youngest generation (Python's default: 700)
# entries of SymPy's memo of constructions and assumptions (its default: 1,000); the full report
# rebuilds and re-asks more than that, and 20,000 saved ~3% of its CPU for ~10 MB (measured)
SYMPY_CACHE_SIZE = 20_000


def entry() -> None:
    """The ``gradproof`` command (and ``python -m gradproof``): :func:`main`, then out at once.

    A run leaves a heap of expressions that Python would free object by object
    at exit: a seventh of the full report's CPU time (0.9 of 6.3 s, measured),
    for nothing.  So the process ends with ``os._exit`` once the streams are
    flushed -- there is nothing else to finish: the cache commits each write as
    it makes it, and the workers have been joined.  :func:`main` itself
    returns, for callers in Python.
    """
    # SymPy allocates millions of small objects that live for the whole run; collecting the young
    # generation every 700 allocations spent ~4% of the full report walking them (measured)
    gc.set_threshold(GC_YOUNG, 20, 100)
    if "sympy" not in sys.modules:  # read by SymPy when it is imported; a user's own setting stays
        os.environ.setdefault("SYMPY_CACHE_SIZE", str(SYMPY_CACHE_SIZE))
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, a closed stream: nothing to add
            pass
    os._exit(code)


@cache.session()  # one run: each distinct claim decided, and printed, once
def main(argv: Sequence[str] | None = None, console=None, err=None) -> int:
    """Run gradproof; return an :class:`ExitCode`.

    ``console`` (stdout) and ``err`` (stderr) are rich consoles; by default the
    process's own streams, coloured as ``--color``, ``NO_COLOR`` and
    ``FORCE_COLOR`` say.  ``err`` is ``console`` when only that is given.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if console is None and _machine_format(argv):  # JSON, JUnit, annotations: text for programs, no rich
        console, err = _PlainConsole(sys.stdout), err or _PlainConsole(sys.stderr)
    if console is None:
        choice = _color_choice(argv)
        console = _console(sys.stdout, color_enabled(choice, sys.stdout))
        err = err or _console(sys.stderr, color_enabled(choice, sys.stderr))
    err = err or console
    command = COMMANDS.get(argv[0]) if argv else None
    try:
        if command is not None:
            return int(command.run(argv[1:], console, err))
        return int(_report(argv, console, err))
    except SystemExit as exc:  # --help, --version
        return int(exc.code or 0)
    except _UsageError as exc:
        err.print(f"gradproof: error: {exc}", markup=False, highlight=False, soft_wrap=True)
        return ExitCode.USAGE_ERROR
    except BrokenPipeError:  # the reader went away (| head): not a defect, and nothing more to say
        _silence(console.file)
        return ExitCode.FAILED
    except Exception as exc:  # noqa: BLE001 -- the promise: never a traceback
        err.print(f"gradproof: internal error: {type(exc).__name__}: {exc} (a defect in gradproof; "
                  "please report it with the input)", markup=False, highlight=False, soft_wrap=True)
        return ExitCode.INTERNAL_ERROR
