r"""The library's face: load a note, check a derivation, read the report.

``gradproof`` re-exports these (see its docstring); they live here so that
``import gradproof`` stays cheap.  Nothing here imports rich.

* :func:`load` -- a Markdown note (a path, or the text itself) -> a
  :class:`Derivation`;
* :class:`Derivation` -- the derivation record of
  :mod:`gradproof.derivations.model`, with ``check(jobs)`` -> a :class:`Report`;
* :data:`DOCUMENTS` -- the built-in derivations as :class:`Derivation` s,
  each built when first used;
* :func:`check` -- check one or more derivations -> a :class:`Report`;
* :class:`Report` -- ``ok``, ``steps``, ``to_json()``, ``to_markdown()``,
  ``to_latex()``, and its display in Jupyter.

Why ``check`` is here and not on the record: the record is built by the
documents and by the note reader, below the checker; a method of it that ran
the checker would be an import pointing upward (a cycle).  So the record stays
data, and this module, above the checker, gives it ``check``.

Examples
--------
>>> report = load('''<!-- gradproof
... let a = \\sigma(z)
... -->
... $$\\frac{\\partial a}{\\partial z} = a(1 - a) = a + 1$$
... ''').check(jobs=1)
>>> report.ok
False
>>> [(r.step.cite.line, r.verdict.value) for r in report.steps]
[(4, 'holds'), (4, 'fails')]
>>> import json
>>> json.loads(report.to_json())["summary"]["not_as_recorded"]
['<note>:4']
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, fields
from pathlib import Path
from typing import cast

from gradproof.checks.explain import explain, summary, to_json
from gradproof.checks.export import to_latex, to_markdown
from gradproof.checks.reading import InputError as NoteError  # .path, .line, .message
from gradproof.checks.reading import read_note as _read
from gradproof.checks.runner import DocumentResult, StepResult, run_all
from gradproof.derivations import ALL, Registry, model
from gradproof.symbolic.equivalence import BUDGET

__all__ = ["DOCUMENTS", "Derivation", "NoteError", "Report", "check", "load", "read_note"]

MAX_JOBS = 4
TEXT_NAME = "<note>"  # the name in citations of a note given as text


# --------------------------------------------------------------------------
# derivations that check themselves
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Derivation(model.Derivation):
    """A derivation (the record of :mod:`gradproof.derivations.model`) that can check itself."""

    @classmethod
    def of(cls, record: model.Derivation) -> Derivation:
        """The same derivation, able to check itself."""
        if isinstance(record, cls):
            return record
        return cls(**{f.name: getattr(record, f.name) for f in fields(record)})

    def check(self, jobs: int | None = None) -> Report:
        """Check every step -> a :class:`Report` (``jobs``: worker processes; ``None``: :func:`default_jobs`)."""
        return check(self, jobs=jobs)


class Documents(Registry):
    """The built-in documents (:data:`gradproof.derivations.ALL`) as :class:`Derivation` s, built on first use.

    The registry's sequence, keys and prefix matching, with each record made able to check itself.
    """

    def __init__(self, registry: Registry):
        super().__init__(registry.modules())
        self._registry = registry

    def document(self, source: str) -> Derivation:
        if source not in self._built:
            self._built[source] = Derivation.of(self._registry.document(source))
        return cast(Derivation, self._built[source])

    def __repr__(self) -> str:
        return f"DOCUMENTS({', '.join(self.keys())})"


DOCUMENTS = Documents(ALL)


# --------------------------------------------------------------------------
# the one contact with the note reader
# --------------------------------------------------------------------------

def read_note(text: str, path: str) -> Derivation:
    """The derivation a Markdown note encodes; :class:`NoteError` (``path:line: message``) if unreadable.

    A library caller gets no half-read note: the first block that cannot be read
    raises (``gradproof check`` instead reports every such block and checks the rest).
    """
    reading = _read(text, path)
    if reading.errors:
        first = reading.errors[0]
        more = f" (and {len(reading.errors) - 1} more)" if len(reading.errors) > 1 else ""
        raise NoteError(first.path, first.line, f"{first.col}: {first.message}{more}")
    return Derivation.of(reading.derivation)


def load(path_or_text: str | os.PathLike) -> Derivation:
    """A Markdown note -> a :class:`Derivation`.

    A :class:`~pathlib.Path`, or a string of one line, is a file to read; a
    string with a line break is the note itself (cited as ``<note>``).  This
    is also the way to write a derivation in Python: a string in the note
    notation.
    """
    if isinstance(path_or_text, str) and "\n" in path_or_text:
        return read_note(path_or_text, TEXT_NAME)
    name = os.fspath(path_or_text)
    try:
        text = Path(name).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _note_error(name, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise _note_error(name, exc.strerror or str(exc)) from None
    return read_note(text, name)


def _note_error(path: str, message: str) -> NoteError:
    return NoteError(path, 0, message)


def default_jobs() -> int:
    """Worker processes for ``jobs=None``: the cores (at most 4), or 1 in a threaded process.

    Forking a process that runs other threads (a Jupyter kernel does) can
    deadlock the child, so there the steps are checked in this process.
    """
    if threading.active_count() > 1:
        return 1
    return max(1, min(MAX_JOBS, os.cpu_count() or 1))


def check(derivations: model.Derivation | list[model.Derivation] | tuple[model.Derivation, ...],
          jobs: int | None = None, budget: float = BUDGET) -> Report:
    """Check every step of one or more derivations -> a :class:`Report` (what ``Derivation.check`` calls)."""
    many = list(derivations) if isinstance(derivations, (list, tuple)) else [derivations]
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    return Report(tuple(run_all(many, budget, jobs=jobs)))


# --------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    """The checked steps of one or more derivations, and their renderings."""

    documents: tuple[DocumentResult, ...]

    @property
    def steps(self) -> tuple[StepResult, ...]:
        """Every step's result, in document order (``.step``, ``.verdict``, ``.symbolic``, ...)."""
        return tuple(r for d in self.documents for r in d.results)

    @property
    def ok(self) -> bool:
        """Is every verdict as recorded: each checkable step holds, or fails as its erratum says?"""
        return all(explain(r).ok for r in self.steps)

    def summary(self) -> dict:
        return summary(self.documents)

    def to_json(self) -> str:
        """The JSON report (the schema of ``gradproof --json``), as text."""
        return json.dumps(to_json(self.documents), indent=1, ensure_ascii=False)

    def to_markdown(self) -> str:
        """A page to publish, which is also a note: ``gradproof check`` reads it back with the same verdicts."""
        return to_markdown(self.documents)

    def to_latex(self) -> str:
        """A LaTeX document: each step's claim in display maths, its verdict and evidence."""
        return to_latex(self.documents)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __repr__(self) -> str:
        s = summary(self.documents)
        names = ", ".join(d.derivation.source for d in self.documents)
        return (f"<Report {names}: {s['holds']} hold, {s['fails']} fail, {s['undecided']} undecided; "
                f"{'ok' if self.ok else 'NOT as recorded: ' + ', '.join(s['not_as_recorded'])}>")
