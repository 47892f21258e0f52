r"""A checked derivation as a page a course can publish: Markdown or LaTeX.

The Markdown page is itself a gradproof note (``NOTATION.md``): a
``<!-- gradproof`` header with the ``let`` and ``assume`` lines the claims
need, then one display block per link, each followed by its verdict in prose
(:func:`~gradproof.checks.explain.explain`'s words).  ``gradproof check`` reads
the page back with the same verdicts.  The document's own LaTeX, its
locator and the correction of an erratum are prose around the block, so they
are shown but never read as claims.

How a claim is written in the note notation:

* names: ``W3`` is written ``W_{3}``; a name that lives in two domains
  across the document (``x > 0`` in one step, any real in another) is written
  with an accent the second time (``\tilde{x}``), with its own ``assume``;
* ``Subs(d/da F(a), a, G)`` -- the derivative by a quantity, then the
  quantity's definition -- is exactly what a ``let`` gives: the page says
  ``let u_{1} = G`` and writes ``\frac{\partial}{\partial u_{1}} F(u_{1})``;
* a claim that cannot be written so (a matrix claim, a substitution under a
  derivative by another variable, a name the notation has no spelling for)
  is a skipped block (``<!-- gradproof: skip -->``) with the reason, and the
  page says how many there are.

Before it is returned, the page is read back (:func:`~gradproof.checks.reading.read_note`):
a block the reader refuses becomes a skipped block with the reader's message.

Examples
--------
>>> import gradproof
>>> note = gradproof.load(r'''<!-- gradproof
... let a = \sigma(z)
... let L = -(y \ln a + (1 - y) \ln(1 - a))
... assume 0 < y < 1
... -->
... $$\frac{\partial L}{\partial a} = -\frac{y}{a} + \frac{1-y}{1-a}$$
... ''')
>>> page = note.check(jobs=1).to_markdown()
>>> print(page[page.index("<!--"):page.index("$$") + 150])  # doctest: +ELLIPSIS
<!-- gradproof
let a = \sigma\left(z\right)
assume 0 < y < 1
-->
...
$$
\frac{\partial}{\partial a} \left(- y \ln{\left(a \right)} - \left(1 - y\right) \ln{\left(1 - a \right)}\right) = ...
>>> [r.verdict.value for r in gradproof.load(page).check(jobs=1).steps]
['holds']
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy as sp
from sympy.printing.latex import LatexPrinter

from gradproof.checks.explain import EXPECTED_FAILURE, VERSION, Explanation, explain
from gradproof.checks.reading import read_note
from gradproof.derivations.model import Claim, Derivation, Step
from gradproof.symbolic.printing import markdown_inline as _inline
from gradproof.symbolic.printing import markdown_prose as _prose

__all__ = ["NotePage", "note_page", "to_latex", "to_markdown"]

ACCENTS = ("", r"\tilde", r"\bar", r"\hat")  # spellings of one name living in different domains
PLACEHOLDER_LETTERS = "uvtqkrs"  # for the lets of substitutions: the first letter the document does not use
SKIP = "<!-- gradproof: skip -->"


# --------------------------------------------------------------------------
# claims in the note notation
# --------------------------------------------------------------------------

class _NotePrinter(LatexPrinter):
    """SymPy's LaTeX, in the spellings the note reader reads (``\\ln``, ``\\sigma``, ``W_{3}``)."""

    def __init__(self, names: dict[sp.Symbol, str]):
        super().__init__({"ln_notation": True, "symbol_names": names})

    def _print_Derivative(self, expr):
        # the reader applies d/dv to the rest of a product: a derivative inside one is bracketed
        return rf"\left({super()._print_Derivative(expr)}\right)"

    def side(self, expr) -> str:
        """One side of a link: a derivative alone needs no bracket."""
        if isinstance(expr, sp.Derivative):
            return super()._print_Derivative(expr)
        return self.doprint(expr)

    def _print_Function(self, expr, exp=None):
        # the reader refuses \tanh^2 x: a power of a function call is bracketed
        inner = super()._print_Function(expr)
        return inner if exp is None else rf"\left({inner}\right)^{{{exp}}}"

    def _print_log(self, expr, exp=None):
        # the reader refuses \ln^2 x: a power of a logarithm is bracketed
        inner = rf"\ln{{\left({self._print(expr.args[0])} \right)}}"
        return inner if exp is None else rf"\left({inner}\right)^{{{exp}}}"

    def _print_identity(self, expr, exp=None):
        inner = rf"\left({self._print(expr.args[0])}\right)"
        return inner if exp is None else f"{inner}^{{{exp}}}"

    def _print_Subs(self, expr):  # pragma: no cover - substitutions become lets before printing
        raise _Unwritable("a substitution the note notation cannot say")


class _Unwritable(Exception):
    """A claim that the note notation cannot express: the block is skipped with this reason."""


# W3, v_0_0 (a matrix entry), Z_ij; more letters are a label: bL_0_0 is b^{[L]}_{00}
_NAME = re.compile(r"([A-Za-z])([A-Za-z]*)(\d*)((?:_[A-Za-z0-9]+)*)$")
_GREEK = set(r"""alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi rho tau upsilon
phi chi psi omega Gamma Delta Theta Lambda Xi Phi Psi Omega""".split())


def _spelling(name: str, accent: str) -> str:
    """The LaTeX the note reader reads as the symbol ``name`` (``accent``: a second domain's variant)."""
    m = _NAME.match(name)
    if name in _GREEK:
        letter, label, digits = "\\" + name, "", ""
    elif m:
        letter, label, digits = m.group(1), m.group(2), m.group(3) + m.group(4).replace("_", "")
    else:
        raise _Unwritable(f"the name {name!r} has no spelling in the note notation")
    if label and accent:
        raise _Unwritable(f"{name} lives in two domains")
    if label and re.search(r"[lL]", label):  # a layer label: the reader wants the note's 'layers' line
        raise _Unwritable(f"the name {name!r} has a layer label, which a note reads only with 'layers'")
    base = f"{accent}{{{letter}}}" if accent else letter
    base += f"^{{[{label}]}}" if label else ""
    return base + (f"_{{{digits}}}" if digits else "")


@dataclass
class _Names:
    """Symbols -> their spelling in the note, one domain per spelling, collected in document order."""

    free: frozenset = frozenset()  # the names of the document's free symbols
    letter: str = "u"
    spelled: dict[tuple, str] = field(default_factory=dict)  # (name, interval, positive) -> LaTeX name
    assume: list[tuple[str, tuple[float, float], bool]] = field(default_factory=list)
    lets: dict[str, tuple[str, str]] = field(default_factory=dict)  # LaTeX name -> (definition, step id)

    def spell(self, sym: sp.Symbol, step: Step) -> str:
        interval = step.domain.interval(sym)
        positive = bool(sym.is_positive)
        key = (sym.name, interval, positive)
        if key not in self.spelled:
            taken = sum(1 for k in self.spelled if k[0] == sym.name)
            if taken >= len(ACCENTS):
                raise _Unwritable(f"{sym.name} lives in more than {len(ACCENTS)} domains")
            spelling = _spelling(sym.name, ACCENTS[taken])
            if any(v == spelling and k[0] != sym.name for k, v in self.spelled.items()):
                raise _Unwritable(f"{sym.name} would be spelled {spelling}, as another name is")
            self.spelled[key] = spelling
            self.assume.append((self.spelled[key], interval, positive))
        return self.spelled[key]

    def let(self, name: str, definition: str, step: Step) -> str:
        """The let-defined name for a substitution: the variable's own name if free, else a fresh one."""
        try:
            own = _spelling(name, "") if name not in self.free else None
        except _Unwritable:
            own = None
        if own is not None and self.lets.get(own, (definition,))[0] == definition:
            self.lets.setdefault(own, (definition, step.id))
            return own
        for text, (d, _) in self.lets.items():
            if d == definition and text.startswith(self.letter + "_"):
                return text
        fresh = f"{self.letter}_{{{len(self.lets) + 1}}}"
        self.lets[fresh] = (definition, step.id)
        return fresh


def _symbols(derivation: Derivation) -> set:
    out = set()
    for s in derivation.steps:
        if isinstance(s.claim, Claim):
            out |= sp.sympify((s.claim.lhs, s.claim.rhs)).free_symbols
    return out


def _letter(used: set[str]) -> str:
    return next((c for c in PLACEHOLDER_LETTERS if c not in {n[0] for n in used}), "u")


def _without_subs(expr, names: _Names, step: Step, spelled: dict):
    """``expr`` with each ``Subs(E, v, G)`` as ``E`` in a let-defined name whose definition is ``G``.

    ``spelled`` gathers the LaTeX name of every symbol met, let-defined ones included.
    """
    if isinstance(expr, sp.Subs):
        inner = _without_subs(expr.expr, names, step, spelled)
        mapping = {}
        for v, point in zip(expr.variables, expr.point, strict=True):
            for d in inner.atoms(sp.Derivative):
                if v in d.expr.free_symbols and v not in d.variables:
                    raise _Unwritable(f"{v} is substituted under a derivative by another variable")
            definition = _without_subs(point, names, step, spelled)
            for sym in definition.free_symbols:
                if sym not in spelled:
                    spelled[sym] = names.spell(sym, step)
            text = names.let(v.name, _NotePrinter(spelled).side(definition), step)
            fresh = sp.Dummy(v.name)
            spelled[fresh] = text
            mapping[v] = fresh
        return inner.xreplace(mapping)
    if isinstance(expr, sp.Symbol) and expr not in spelled:
        spelled[expr] = names.spell(expr, step)
    if not expr.args:
        return expr
    return expr.func(*[_without_subs(a, names, step, spelled) for a in expr.args])


@dataclass(frozen=True)
class Block:
    """One link of the page: its LaTeX in the note notation, or why it is skipped."""

    step: Step
    latex: str = ""
    skipped: str = ""  # the reason the block cannot be read back


def _block(step: Step, names: _Names) -> Block:
    if not isinstance(step.claim, Claim):
        return Block(step, skipped="a matrix claim: the note notation of matrices is not read back yet")
    snapshot = (dict(names.spelled), list(names.assume), dict(names.lets))
    try:
        spelled: dict = {}
        lhs = _without_subs(sp.sympify(step.claim.lhs), names, step, spelled)
        rhs = _without_subs(sp.sympify(step.claim.rhs), names, step, spelled)
        printer = _NotePrinter(spelled)
        return Block(step, f"{printer.side(lhs)} = {printer.side(rhs)}")
    except _Unwritable as exc:
        names.spelled, names.assume, names.lets = snapshot
        return Block(step, skipped=str(exc))


def _assume_line(name: str, interval: tuple[float, float], positive: bool) -> str | None:
    from gradproof.symbolic.domain import DEFAULT_INTERVAL

    lo, hi = interval
    if positive and lo < 0:
        lo = 0.0
    if (lo, hi) == tuple(DEFAULT_INTERVAL) and not positive:
        return None
    return f"assume {_num(lo)} < {name} < {_num(hi)}"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


# --------------------------------------------------------------------------
# the page
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class NotePage:
    """A derivation as a note: header lines and one block per checkable step."""

    derivation: Derivation
    header: tuple[str, ...]
    blocks: tuple[Block, ...]
    owners: tuple[str, ...] = ()  # per header line: the step whose claim needs it ("" for assume)

    @property
    def skipped(self) -> int:
        return sum(1 for b in self.blocks if b.skipped)


def note_page(derivation: Derivation, refused: dict[str, str] | None = None) -> NotePage:
    """The note that says what ``derivation`` claims; ``refused`` steps become skipped blocks."""
    refused = refused or {}
    free = {x.name for x in _symbols(derivation)}
    names = _Names(frozenset(free), _letter(free))
    blocks = []
    for s in derivation.steps:
        if not s.checkable:
            continue
        block = _block(s, names) if s.id not in refused else Block(s, skipped=refused[s.id])
        if s.id in refused and not block.skipped:
            block = Block(s, block.latex, refused[s.id])
        blocks.append(block)
    lets = [(f"let {n} = {d}", owner) for n, (d, owner) in names.lets.items() if owner not in refused]
    assume = [(line, "") for n, i, p in names.assume if (line := _assume_line(n, i, p))]
    return NotePage(derivation, tuple(t for t, _ in lets + assume), tuple(blocks),
                    tuple(o for _, o in lets + assume))


def _verdict_words(e: Explanation | None) -> str:
    if e is None:
        return ""
    head = {EXPECTED_FAILURE: "**fails**, as the erratum on record says"}.get(e.outcome, f"**{e.outcome}**")
    how = f" ({e.method})" if e.method else ""
    out = [f"{head}{how}; numeric check: {e.numeric}."]
    out += [_prose(line) for line in e.lines() if not line.startswith(("correction", "why:"))]
    return "\n".join(f"> {line}  " for line in out)


def _markdown(page: NotePage, explanations: dict[str, Explanation] | None) -> str:
    d = page.derivation
    out = [f"# {_prose(d.title)}", ""]
    out += ["<!-- gradproof", *page.header, "-->", ""]
    blocks = {b.step.id: b for b in page.blocks}
    if explanations is not None:
        s = summary_words(list(explanations.values()))
        out += [f"Checked by gradproof {VERSION}: {s}.", ""]
    n_skipped = page.skipped
    if n_skipped:
        out += [f"{n_skipped} claims cannot be written in the note notation and are skipped blocks "
                "(each says why).", ""]
    out += [f"Source: `{d.source}` ({_prose(d.convention)}).", ""]
    where = None
    for step in d.steps:
        if step.cite.where and step.cite.where != where:
            where = step.cite.where
            out += [f"## {_prose(where)}", ""]
        e = explanations.get(step.id) if explanations is not None else None
        out.append(f"**line {step.cite.line}** · {_inline(step.latex)}")
        if not step.checkable:
            out += [f"*{step.kind.value}*: {_prose(step.reason or step.says)}", ""]
            continue
        if step.says:
            out.append(f"*{_prose(step.says)}*")
        block = blocks[step.id]
        reason = block.skipped
        out.append("")
        if reason:
            out += [f"Not read back: {_prose(reason)}.", "", SKIP, "$$", block.latex or _display(step.latex), "$$"]
        else:
            out += ["$$", block.latex, "$$"]
        out.append("")
        if e is not None:
            out += [_verdict_words(e), ""]
        if step.erratum is not None:
            out += [f"Correction: {_inline(step.erratum.correction)} — {_prose(step.erratum.why)}", ""]
    return "\n".join(out).rstrip() + "\n"


def _display(latex: str) -> str:
    return " ".join(latex.split()).replace("$$", "").replace("&", "")


def summary_words(es: Sequence[Explanation]) -> str:
    """``8 hold, 1 fails as its erratum says, ...``: the counts of a page or a notebook."""
    from collections import Counter

    counts = Counter(e.outcome for e in es if e.step.checkable)
    parts = [f"{n} {outcome}" for outcome, n in sorted(counts.items())]
    bad = sum(1 for e in es if not e.ok)
    parts.append("every verdict as recorded" if not bad else f"{bad} not as recorded")
    return ", ".join(parts)


def to_markdown(results: Sequence) -> str:
    """The page of each checked document (:class:`~gradproof.checks.runner.DocumentResult`), read back.

    Each document is a note of its own; pages of several documents are
    separated by a rule (a later document's header is then read as the
    note's second header, which the reader may refuse: export one document
    per file to read it back).
    """
    pages = []
    for d in results:
        explanations = {r.step.id: explain(r) for r in d.results}
        pages.append(_checked_markdown(d.derivation, explanations))
    return "\n---\n\n".join(pages)


MAX_READ_BACK_ROUNDS = 50  # a page with more unreadable blocks than this is returned as it is


def _checked_markdown(derivation: Derivation, explanations) -> str:
    """The page, read back: a block (or a let) the reader refuses becomes a skipped block, and again."""
    refused: dict[str, str] = {}
    for _ in range(MAX_READ_BACK_ROUNDS):
        page = note_page(derivation, refused)
        text = _markdown(page, explanations)
        errors = read_note(text, "page.md").errors
        if not errors:
            return text
        first = errors[0]
        step = _step_at(text, first.line, page)
        if step is None or step in refused:  # not a claim's: a defect in the export
            raise RuntimeError(f"gradproof's exported page does not read back: {first}")
        refused[step] = f"the note reader says: {first.col}: {first.message}"
    raise RuntimeError(f"gradproof's exported page still does not read back after {MAX_READ_BACK_ROUNDS} "
                       "blocks were skipped")


def _step_at(text: str, line: int, page: NotePage) -> str | None:
    """The step whose block (or whose let in the header) is at ``line`` of the page."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    header = {h: o for h, o in zip(page.header, page.owners, strict=True) if o}
    if lines[line - 1] in header:
        return header[lines[line - 1]]
    wanted = {b.latex: b.step.id for b in page.blocks if b.latex and not b.skipped}
    for k in range(line - 1, 0, -1):
        if lines[k] in wanted and lines[k - 1] == "$$":
            return wanted[lines[k]]
        if lines[k].startswith("-->"):
            return None
    return None


# --------------------------------------------------------------------------
# LaTeX
# --------------------------------------------------------------------------

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


# the symbols gradproof's own messages use, for pdfLaTeX (which reads no other non-ASCII maths)
_TEX_UNICODE = {"×": r"$\times$", "·": r"$\cdot$", "⊙": r"$\odot$", "∂": r"$\partial$", "σ": r"$\sigma$",
                "−": "-", "…": r"\ldots{}", "≠": r"$\neq$", "≤": r"$\leq$", "≥": r"$\geq$", "→": r"$\to$",
                "²": r"$^2$", "ℯ": "e"}


def _tex(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(c) or _TEX_UNICODE.get(c) or c for c in text)


def to_latex(results: Sequence) -> str:
    """A LaTeX document (article, amsmath): each step's claim in display maths with its verdict."""
    out = [r"\documentclass{article}", r"\usepackage{amsmath,amssymb}", r"\usepackage[T1]{fontenc}",
           r"\usepackage[utf8]{inputenc}", r"\begin{document}"]
    for d in results:
        der = d.derivation
        es = [explain(r) for r in d.results]
        page = note_page(der)
        blocks = {b.step.id: b for b in page.blocks}
        out += [rf"\section*{{{_tex(der.title)}}}", rf"\noindent\texttt{{{_tex(der.source)}}}: "
                rf"{_tex(summary_words(es))}.", ""]
        where = None
        for e in es:
            step = e.step
            if not step.checkable:
                continue
            if step.cite.where != where:
                where = step.cite.where
                out.append(rf"\subsection*{{{_tex(where)}}}")
            out.append(rf"\paragraph{{Line {step.cite.line}: {_tex(e.outcome)}.}}")
            block = blocks.get(step.id)
            latex = block.latex if block is not None and block.latex else e.latex
            if latex:
                out += [r"\begin{equation*}", latex, r"\end{equation*}"]
            else:  # a matrix claim, in words
                out.append(_tex(e.claim) + r"\\")
            for line in e.lines():
                out.append(_tex(line) + r"\\")
            out.append("")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"
