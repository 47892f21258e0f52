"""pytest plugin: ``pytest --gradproof [PATHS]`` checks Markdown notes, one test per link.

Registered through the ``pytest11`` entry point, so installing gradproof
installs it; without ``--gradproof`` it does nothing (a project's own test run
collects no Markdown).  With it, every ``*.md`` file that has a ``<!--
gradproof`` header is a test file, and every link of its chains a test item,
named by its line: ``notes/logistic.md::line-45`` (``line-45.2`` for the
second link that starts on that line).  A link that fails shows the
counterexample with both sides' values (:func:`~gradproof.checks.explain.explain`);
an undecided link fails (undecided never passes); a note that cannot be read
is a collection error with its ``FILE:LINE: message``.

The items are independent and named by the note alone, so ``pytest-xdist``
(``-n 2``) spreads them over workers with the same results.

Options: ``--gradproof`` (collect notes), ``--gradproof-budget SECONDS`` (per
link, default 5).
"""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

__all__ = ["LinkItem", "NoteFile"]

HEADER = "<!-- gradproof"


def pytest_addoption(parser):
    group = parser.getgroup("gradproof", "checking derivations in Markdown notes")
    group.addoption("--gradproof", action="store_true", default=False,
                    help="collect Markdown notes with a '<!-- gradproof' header: one test per link")
    group.addoption("--gradproof-budget", type=float, default=None, metavar="SECONDS",
                    help="time budget per link (default 5)")


def pytest_collect_file(file_path, parent):
    if not parent.config.getoption("gradproof") or file_path.suffix.lower() != ".md":
        return None
    try:
        text = file_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return NoteFile.from_parent(parent, path=file_path)  # the reader says why, as a collection error
    if HEADER not in text:
        return None  # a Markdown file that does not opt in
    return NoteFile.from_parent(parent, path=file_path)


class NoteFile(pytest.File):
    """A note: its links are the test items."""

    def collect(self) -> Iterator[LinkItem]:
        from gradproof.checks.api import NoteError, read_note

        name = os.path.relpath(self.path, self.config.invocation_params.dir)
        name = str(self.path) if name.startswith("..") else name  # cited as the user gave it
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError(name, 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except OSError as exc:
            raise NoteError(name, 0, exc.strerror or str(exc)) from None
        derivation = read_note(text, name)
        seen: dict[int, int] = {}
        for step in derivation.steps:
            if not step.checkable:
                continue
            line = step.cite.line
            seen[line] = seen.get(line, 0) + 1
            suffix = "" if seen[line] == 1 else f".{seen[line]}"
            yield LinkItem.from_parent(self, name=f"line-{line}{suffix}", step=step)

    def repr_failure(self, excinfo, style=None):
        from gradproof.checks.api import NoteError

        if isinstance(excinfo.value, NoteError):
            return f"gradproof cannot read this note: {excinfo.value}"
        return super().repr_failure(excinfo, style)


class LinkFailed(Exception):
    """A link that did not hold; carries its explanation."""

    def __init__(self, explanation):
        super().__init__(explanation.headline())
        self.explanation = explanation


class LinkItem(pytest.Item):
    """One link ``E(i) = E(i+1)`` of a chain."""

    def __init__(self, *, step, **kwargs):
        super().__init__(**kwargs)
        self.step = step

    def runtest(self):
        from gradproof.checks.explain import EXPECTED_FAILURE, explain
        from gradproof.checks.runner import check_step
        from gradproof.symbolic.equivalence import BUDGET

        budget = self.config.getoption("gradproof_budget") or BUDGET
        e = explain(check_step(self.step, budget))
        if e.outcome == EXPECTED_FAILURE:
            pytest.xfail(f"expected failure: {e.why}")
        if not e.ok:
            raise LinkFailed(e)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, LinkFailed):
            e = excinfo.value.explanation
            return "\n".join([e.headline(), f"  as written: {self.step.latex}", f"  checked:    {e.claim}",
                              *(f"  {line}" for line in e.lines())])
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.step.cite.line - 1, f"{self.name}: {self.step.latex}"
