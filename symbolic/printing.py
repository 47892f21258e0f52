"""How gradproof writes mathematics and text for people: one line, LaTeX, Markdown.

The lowest of the printing layers: it knows SymPy expressions and strings, not
steps or verdicts, so the records (``derivations.model``), the explanations
(``checks.explain``) and the pages (``checks.export``) all print through it.

>>> import sympy as sp
>>> z = sp.Symbol("z")
>>> compact(sp.Eq(sp.Derivative(sp.log(z), z), 1 / z, evaluate=False))
'∂ln(z)/∂z = 1/z'
>>> markdown_prose("costs $$5 <!-- no")
'costs $ $5 &lt;!-- no'
"""
from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.printer import Printer
from sympy.printing.str import StrPrinter

__all__ = ["compact", "markdown_inline", "markdown_prose", "math_latex", "split_rhs"]


MEMO_MAX = 50_000  # printed subtrees remembered, at most (a long notebook session must not grow forever)


class _Remembering(Printer):
    """Prints each distinct subtree once, for every expression this printer prints.

    The claims of one network repeat its forward pass in every line (and a
    translation repeats whole documents): SymPy's printers order the terms of
    every sum again each time they meet it.  A subtree's text does not depend
    on where it stands (a parent brackets the text it is given), so it is
    remembered -- by the object itself (kept alive meanwhile) and the printer's
    arguments, never by SymPy's equality, which finds ``Subs(f(z), z, p)``
    equal to ``Subs(f(u), u, p)``: the two print differently.
    """

    def __init__(self, settings=None):
        super().__init__(settings)
        self._memo: dict = {}

    def _print(self, expr, **kwargs) -> str:
        if not isinstance(expr, sp.Basic):
            return super()._print(expr, **kwargs)
        try:
            key = (id(expr), tuple(sorted(kwargs.items())))
            hit = self._memo.get(key)
        except TypeError:  # an unhashable argument
            return super()._print(expr, **kwargs)
        if hit is not None and hit[0] is expr:
            return hit[1]
        text = super()._print(expr, **kwargs)
        if len(self._memo) >= MEMO_MAX:
            self._memo.clear()
        self._memo[key] = (expr, text)
        return text


class _Latex(_Remembering, LatexPrinter):
    pass


class _Compact(_Remembering, StrPrinter):
    """SymPy's str printer, with derivatives, substitutions and activations as a reader writes them."""

    def _print_Derivative(self, expr):
        dvars = "".join(f"∂{self._print(v)}" + (f"^{n}" if n > 1 else "") for v, n in expr.variable_count)
        order = expr.derivative_count
        top = "∂" if order == 1 else f"∂^{order}"
        inner = self._print(expr.expr)
        if not (expr.expr.is_Symbol or expr.expr.is_Function):
            inner = f"({inner})"
        return f"{top}{inner}/{dvars}"

    def _print_Subs(self, expr):
        at = ", ".join(f"{self._print(v)} = {self._print(p)}" for v, p in zip(expr.variables, expr.point, strict=True))
        return f"[{self._print(expr.expr)}]|_({at})"

    def _print_sigmoid(self, expr):
        return f"σ({self._print(expr.args[0])})"

    def _print_relu(self, expr):
        return f"ReLU({self._print(expr.args[0])})"

    def _print_log(self, expr):
        return f"ln({self._print(expr.args[0])})"

    def _print_Equality(self, expr):
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"


_COMPACT = _Compact()
_LATEX = _Latex({"ln_notation": True})


def compact(expr) -> str:
    """``expr`` on one line, as mathematics (``∂σ(z)/∂z``), never a SymPy repr."""
    return _COMPACT.doprint(expr)


def math_latex(expr) -> str:
    """``expr`` in LaTeX (SymPy's printer; activations print as ``\\sigma``, ``\\tanh``)."""
    return _LATEX.doprint(expr)



def markdown_inline(latex: str) -> str:
    """The document's LaTeX as inline maths, or as code where the note reader could mistake it."""
    one = " ".join(latex.split()).replace("&", "")
    if any(t in one for t in ("$", "\\[", "\\]", "<!--", "`", "\\\\")):
        return f"`` {one} ``"
    return f"${one}$"


def markdown_prose(text: str) -> str:
    """Text from a document or a verdict, safe in the page: never a header, a block or a comment."""
    return text.replace("$$", "$ $").replace("<!--", "&lt;!--").replace("\\[", "\\\\[").replace("\\]", "\\\\]")


def split_rhs(latex: str) -> tuple[str, str]:
    """A step's LaTeX cut before its last top-level ``=``: (head with ``=``, right-hand side).

    >>> split_rhs(r"\\frac{a}{b} = c = d_{x=1}")
    ('\\\\frac{a}{b} = c = ', 'd_{x=1}')
    """
    depth, cut = 0, -1
    for i, ch in enumerate(latex):
        if ch in "{(" or latex.startswith("\\begin", i):  # an environment's conditions (cases) are inside
            depth += 1
        elif ch in "})" or latex.startswith("\\end", i):
            depth -= 1
        elif ch == "=" and depth == 0:
            cut = i
    if cut < 0:
        return "", latex
    return latex[:cut + 1] + " ", latex[cut + 1:].strip()
