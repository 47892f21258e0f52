r"""GitHub annotations: ``--format github``.

One workflow command per link that needs a reader's eye, which GitHub Actions
turns into an annotation on that line of the pull request:

* ``::error`` for a link that fails (the message carries the counterexample),
  for a verdict that is not the one recorded, for a symbolic/numeric
  disagreement, and for a file or block that could not be read;
* ``::warning`` for an undecided link.

Paths are relative to the working directory, where the workflow checked out
the repository, so that the annotation lands on the file.  Data and properties
are escaped as GitHub's own toolkit does (``%``, ``\r``, ``\n``; in
properties ``:`` and ``,`` too).

Examples
--------
>>> print(command("error", "notes/a b.md", 3, "x = 1: 50% off\nnext", col=7))
::error file=notes/a b.md,line=3,col=7,title=gradproof::x = 1: 50%25 off%0Anext

References
----------
https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts (escapeData, escapeProperty)
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

__all__ = ["annotate", "command", "error_command", "relative"]

TITLE = "gradproof"
MAX_MESSAGE = 4000  # characters: an annotation is for a person, the whole claim is in --format json


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, path: str, line: int, message: str, col: int | None = None) -> str:
    """One workflow command ``::kind file=...,line=...,col=...,title=gradproof::message``."""
    props = [f"file={_property(path)}"]
    if line:
        props.append(f"line={line}")
    if col:
        props.append(f"col={col}")
    props.append(f"title={_property(TITLE)}")
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE - 1] + "…"
    return f"::{kind} {','.join(props)}::{_data(message)}"


def relative(path: str | Path) -> str:
    """``path`` relative to the working directory (as given when it cannot be)."""
    try:
        return Path(os.path.relpath(Path(path).resolve(), Path.cwd().resolve())).as_posix()
    except ValueError:  # another drive
        return str(path)


def error_command(path: str, line: int, message: str, col: int | None = None) -> str:
    """The annotation of something that could not be read."""
    return command("error", relative(path), line, message, col)


_HEADLINE = {"fails": "does not hold", "undecided": "undecided",
             "holds, but an erratum says it fails": "holds, but an erratum on record says it fails"}


def _message(result) -> str:
    """What a failing or undecided link says: the claim, the verdict, and :func:`checks.explain.explain`'s
    lines (the counterexample with both sides' values, the diagnosis, the correction on record)."""
    from gradproof.checks.explain import explain

    e = explain(result)
    head = f"{' '.join(result.step.latex.split())}  {_HEADLINE.get(e.outcome, e.outcome)}"
    return "\n".join([head, *e.lines()])


def _squashed(line: str) -> tuple[str, list[int]]:
    """``line`` with runs of white space as one space, and the column of each kept character."""
    out: list[str] = []
    cols: list[int] = []
    for k, c in enumerate(line):
        if c.isspace():
            if out and out[-1] == " ":
                continue
            c = " "
        out.append(c)
        cols.append(k + 1)
    return "".join(out), cols


def _column(text: str | None, line: int, latex: str) -> int | None:
    """The column on ``line`` where the link's right-hand side starts (best effort, None if unknown)."""
    if text is None or line < 1:
        return None
    lines = text.splitlines()
    if line > len(lines) or len(lines[line - 1]) > 10_000:
        return None
    squashed, cols = _squashed(lines[line - 1])
    rhs = latex.split(" = ", 1)[-1][:200]  # the reader squashes each side and joins them with " = "
    best, where = (0, False), None
    for k, c in enumerate(squashed):  # the longest stretch of the right side, best just after an '='
        if c != rhs[:1]:
            continue
        n = 0
        while n < len(rhs) and k + n < len(squashed) and squashed[k + n] == rhs[n]:
            n += 1
        score = (n, squashed[:k].rstrip(" &").endswith("="))
        if score > best:
            best, where = score, k
    return cols[where] if where is not None else None


def annotate(results: Sequence, path_of: Callable[[Any], str] | None = None) -> Iterator[str]:
    """The annotations of ``results`` (a list of :class:`checks.runner.DocumentResult`), in order.

    ``path_of(derivation)`` is the file a derivation was read from (default:
    its ``source``, the path a note was given by).
    """
    from gradproof.symbolic.equivalence import Status

    for doc in results:
        path = path_of(doc.derivation) if path_of else doc.derivation.source
        text = _read(path)
        shown = relative(path)
        for r in doc.results:
            if not r.step.checkable:
                continue
            if r.disagreement or not r.expected and r.verdict is not Status.UNDECIDED:
                kind = "error"
            elif r.verdict is Status.UNDECIDED:
                kind = "warning"
            else:
                continue
            line = r.step.cite.line
            yield command(kind, shown, line, _message(r), _column(text, line, r.step.latex))


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
