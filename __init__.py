r"""gradproof: a symbolic and numeric checker for the derivations of backpropagation.

The public API (``import gradproof`` is cheap: SymPy, the documents and the
checks load when first used):

``gradproof.load(path_or_text)``
    a Markdown note (a path, or the note's text) -> a :class:`Derivation`;
    writing a derivation in Python is writing a string in the note notation.
``Derivation.check(jobs=None)``
    -> a :class:`Report`: ``ok``, ``steps``, ``to_json()``, ``to_markdown()``
    (a page that is itself a note), ``to_latex()``.  ``Derivation``, ``Step``
    and ``Report`` display in Jupyter: each step as LaTeX with its verdict,
    the counterexample of a failure, the correction of an erratum.
``gradproof.DOCUMENTS``
    the built-in derivations (four published documents, encoded step by step).
``gradproof.decide(lhs, rhs, domain=None, budget=5.0)``
    the decision engine on two SymPy expressions: holds (with a proof), fails
    (with a counterexample) or undecided (with the reason).

The repository's top-level folders are this package's subpackages
(``pyproject.toml`` maps the repository root to ``gradproof``):
``gradproof.symbolic`` (the mathematics), ``gradproof.derivations`` (the
documents) and ``gradproof.checks`` (verification and the edges).

Examples
--------
>>> import gradproof
>>> note = gradproof.load(r'''
... <!-- gradproof
... let a = \sigma(z)
... let L = -(y \ln a + (1 - y) \ln(1 - a))
... assume 0 < y < 1
... -->
... $$\frac{\partial L}{\partial z} = a - y = a + y$$
... ''')
>>> report = note.check(jobs=1)
>>> report.ok
False
>>> [(r.step.cite.line, r.verdict.value) for r in report.steps]
[(7, 'holds'), (7, 'fails')]
>>> print(report.steps[1].step.latex)
a - y = a + y
>>> "$$" in report.to_markdown() and r"\begin{document}" in report.to_latex()
True
>>> [d.key for d in gradproof.DOCUMENTS]
['000', '001', '002', '003']
>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> gradproof.decide(sp.Derivative(x**3, x), 3 * x**2).status.value
'holds'
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from gradproof.checks.config import VERSION as __version__  # noqa: F401 -- the package's version, public

__all__ = ["DOCUMENTS", "Derivation", "NoteError", "Report", "Status", "Step", "decide", "load"]

if TYPE_CHECKING:  # pragma: no cover
    from gradproof.checks.api import Derivation, Report


def load(path_or_text: str | os.PathLike) -> Derivation:
    """A Markdown note -> a :class:`~gradproof.checks.api.Derivation` (a derivation that checks itself).

    A path (a :class:`~pathlib.Path`, or a string of one line) is read from
    disk; a string with a line break is the note itself.  An unreadable note
    raises :class:`NoteError` with ``FILE:LINE: message``.

    >>> import gradproof
    >>> try:
    ...     load("$$x = x$$\\n")
    ... except gradproof.NoteError as exc:
    ...     print(exc)
    <note>: no '<!-- gradproof' header comment: this file does not opt in
    """
    from gradproof.checks.api import load as _load

    return _load(path_or_text)


# the heavy names, imported when first used (PEP 562): `import gradproof` loads no SymPy and no rich
_LAZY = {
    "DOCUMENTS": ("gradproof.checks.api", "DOCUMENTS"),
    "Derivation": ("gradproof.checks.api", "Derivation"),
    "Step": ("gradproof.derivations.model", "Step"),
    "Report": ("gradproof.checks.api", "Report"),
    "NoteError": ("gradproof.checks.api", "NoteError"),
    "Status": ("gradproof.symbolic.equivalence", "Status"),
    "decide": ("gradproof.symbolic.equivalence", "decide"),
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'gradproof' has no attribute {name!r}")
    import importlib

    module, attribute = _LAZY[name]
    return getattr(importlib.import_module(module), attribute)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
