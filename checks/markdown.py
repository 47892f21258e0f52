r"""Read a user's Markdown derivation into a :class:`~derivations.model.Derivation`.

``gradproof check PATH...`` checks one's own lecture notes line by line.  A
file opts in with a header comment::

    <!-- gradproof
    let a = \sigma(z)
    let z = w x + b
    let L = -\left(y \ln a + (1 - y) \ln(1 - a)\right)
    assume 0 < y < 1
    -->

* ``let NAME = LATEX`` defines a quantity; names not defined are independent
  real variables.  ``assume`` states where variables live: comma-separated
  inequalities (``0 < y < 1, x > 0``); a variable bounded below by 0 or more
  is a positive symbol.
* Every display block after the header -- ``$$ ... $$``, ``\[ ... \]`` or a
  fenced ``math`` block -- is a chain ``E0 = E1 = ... = En`` (``aligned``
  with ``&=`` and ``\\`` too).  Each link ``E(i) = E(i+1)`` is one step, cited
  at the line where its right-hand side starts.  A block with no ``=`` is
  skipped with a note; ``<!-- gradproof: skip -->`` skips the next block.  In
  ``aligned``, a row that begins with ``=`` continues the chain, a row with no
  ``=`` continues the previous side, any other row starts a new chain.
* Both sides are expanded through the definitions down to the independent
  variables.  ``\frac{\partial X}{\partial v}`` takes ``X`` expanded *keeping*
  ``v``, differentiates with respect to ``v`` (unevaluated: the oracle of
  :func:`symbolic.equivalence.decide` differentiates the definitions), then
  substitutes ``v``'s own definition.

Anything that cannot be read is an :class:`InputError` (``FILE:LINE:
message``); nothing in the file is ever executed.

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

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import sympy as sp

from gradproof.derivations.model import Cite, Claim, Derivation, Kind, Step
from gradproof.symbolic.domain import DEFAULT_INTERVAL, Domain
from gradproof.symbolic.latex import LatexError, Reader, name_of

__all__ = [
    "Document",
    "InputError",
    "NoHeader",
    "Note",
    "load",
    "parse_markdown",
    "read_document",
    "render_text",
]

MAX_FILE_BYTES = 5_000_000
MAX_LETS = 200


class InputError(Exception):
    """The file cannot be read as a gradproof derivation: ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path, self.line, self.message = path, line, message


class NoHeader(InputError):
    """The file has no ``<!-- gradproof`` header: it does not opt in (``gradproof check`` skips it)."""


@dataclass(frozen=True)
class Note:
    """Something the reader skipped, said once in the text report (never in the JSON)."""

    line: int
    message: str


@dataclass(frozen=True)
class Document:
    derivation: Derivation
    notes: tuple[Note, ...] = ()


# --------------------------------------------------------------------------
# the Markdown layer: header, headings, display blocks
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Block:
    start: int  # offset of the content in the file
    end: int
    number: int
    heading: str
    skip: bool


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)[^\n]*$", re.M)
_SPECIAL = re.compile(r"[\n`<$\\]")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")


class _Lines:
    def __init__(self, text: str):
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def _scan(text: str, path: str, lines: _Lines):
    """The header (offset, body) and the display blocks after it, in file order."""
    header = None
    blocks: list[_Block] = []
    heading = ""
    skip_next = False
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        if at_line_start:
            eol = text.find("\n", i)
            eol = n if eol < 0 else eol
            line_text = text[i:eol]
            fence = _FENCE.match(line_text)
            if fence:
                marker, info = fence.group(1), fence.group(2).lower()
                close = re.compile(r"^ {0,3}" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}\s*$", re.M)
                m = close.search(text, eol + 1) if eol < n else None
                body_end = m.start() if m else n
                if info == "math" and header is not None:
                    blocks.append(_Block(eol + 1, body_end, len(blocks) + 1, heading, skip_next))
                    skip_next = False
                i = m.end() if m else n
                at_line_start = False
                continue
            h = _HEADING.match(line_text)
            if h:
                heading = h.group(1)
        at_line_start = False
        c = text[i]
        if c == "\n":
            at_line_start = True
            i += 1
        elif c == "`":  # an inline code span: skip to the closing run of the same length
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            close = text.find("`" * run, i + run)
            i = i + run if close < 0 else close + run
        elif text.startswith("<!--", i):
            close = text.find("-->", i + 4)
            if close < 0:
                raise InputError(path, lines.line(i), "an HTML comment <!-- is never closed")
            body = text[i + 4:close]
            word = body.strip()
            if word.startswith("gradproof"):
                if re.fullmatch(r"gradproof\s*:\s*skip", word):
                    skip_next = True
                elif header is None and (word == "gradproof" or word[9:10].isspace()):
                    header = (i + 4 + len(body) - len(body.lstrip()) + 9, text[:close])
                else:
                    raise InputError(path, lines.line(i), f"unknown gradproof comment {word.splitlines()[0]!r}")
            i = close + 3
        elif text.startswith("\\$", i):
            i += 2
        elif text.startswith("$$", i) or text.startswith("\\[", i):
            closing = "$$" if c == "$" else "\\]"
            close = text.find(closing, i + 2)
            if close < 0:
                raise InputError(path, lines.line(i), f"a display block opened with {text[i:i + 2]} is never closed")
            if header is not None:
                blocks.append(_Block(i + 2, close, len(blocks) + 1, heading, skip_next))
                skip_next = False
            i = close + 2
        else:  # plain prose: jump to the next character that can matter
            m = _SPECIAL.search(text, i + 1)
            i = m.start() if m else n
    return header, blocks


# --------------------------------------------------------------------------
# the header: let and assume
# --------------------------------------------------------------------------

_RELATION = re.compile(r"\\leq?(?![a-zA-Z])|\\geq?(?![a-zA-Z])|\\lt(?![a-zA-Z])|\\gt(?![a-zA-Z])|<=|>=|<|>")


def _latex_error(path: str, lines: _Lines, base: int, exc: LatexError) -> InputError:
    return InputError(path, lines.line(base + exc.offset), exc.message)


def _number(text: str, path, lines, base) -> float:
    def no_names(name):
        raise LatexError(f"a bound must be a number, not {name!r}")

    try:
        value = Reader(no_names).read(text)
    except LatexError as exc:
        raise _latex_error(path, lines, base, exc) from None
    if not (value.is_number and value.is_finite and value.is_real):
        raise InputError(path, lines.line(base), f"a bound must be a real number, not {text.strip()!r}")
    return float(value)


def _assumption(part: str, base: int, path, lines, bounds: dict):
    pieces = _RELATION.split(part)
    ops = [m.group(0) for m in _RELATION.finditer(part)]
    if not ops or len(pieces) > 3:
        raise InputError(path, lines.line(base), f"cannot read the assumption {part.strip()!r}: "
                         "write e.g. 0 < y < 1 or x > 0")
    less = [op in ("<", "<=") or op.startswith(("\\le", "\\lt")) for op in ops]
    if len(set(less)) != 1:
        raise InputError(path, lines.line(base), f"mixed < and > in {part.strip()!r}")
    offsets, at = [], base
    for p in pieces:
        offsets.append(at)
        at += len(p) + 2
    names = [k for k, p in enumerate(pieces) if _is_name(p)]
    if len(names) != 1:
        raise InputError(path, lines.line(base), f"an assumption speaks of exactly one variable: {part.strip()!r}")
    k = names[0]
    name = name_of(pieces[k])
    lo, hi = bounds.get(name, (None, None))
    for j, p in enumerate(pieces):
        if j == k:
            continue
        value = _number(p, path, lines, offsets[j])
        below = (j < k) == less[0]  # "0 < x" or "x > 0": value is a lower bound
        if below:
            lo = value if lo is None else max(lo, value)
        else:
            hi = value if hi is None else min(hi, value)
    bounds[name] = (lo, hi)


def _is_name(text: str) -> bool:
    try:
        name_of(text)
    except LatexError:
        return False
    return True


def _interval(lo, hi) -> tuple[float, float]:
    d_lo, d_hi = DEFAULT_INTERVAL
    if lo is None:
        lo = min(d_lo, hi - (d_hi - d_lo))
    if hi is None:
        hi = max(d_hi, lo + (d_hi - d_lo))
    return lo, hi


@dataclass
class _Header:
    lets: dict[str, tuple[str, int]]  # name -> (latex, offset of the latex)
    let_lines: dict[str, int]
    bounds: dict[str, tuple[float, float]]


def _read_header(body: str, base: int, path: str, lines: _Lines) -> _Header:
    lets: dict[str, tuple[str, int]] = {}
    let_lines: dict[str, int] = {}
    raw_bounds: dict[str, tuple] = {}
    offset = base
    for line in body.split("\n"):
        here = offset
        offset += len(line) + 1
        stripped = line.strip()
        lead = here + len(line) - len(line.lstrip())
        if not stripped or stripped.startswith("%"):
            continue
        m = re.match(r"let\s+(.*?)\s*=(.*)$", stripped)
        if m:
            if len(lets) >= MAX_LETS:
                raise InputError(path, lines.line(here), f"more than {MAX_LETS} let definitions")
            try:
                name = name_of(m.group(1))
            except LatexError as exc:
                raise InputError(path, lines.line(here), f"let: {exc.message}") from None
            if name in lets:
                raise InputError(path, lines.line(here), f"{name} is defined twice (first on line {let_lines[name]})")
            lets[name] = (m.group(2), lead + m.start(2))
            let_lines[name] = lines.line(here)
            continue
        m = re.match(r"assume\s+(.*)$", stripped)
        if m:
            at = lead + m.start(1)
            for part in m.group(1).split(","):
                if part.strip():
                    _assumption(part, at, path, lines, raw_bounds)
                at += len(part) + 1
            continue
        raise InputError(path, lines.line(here), f"cannot read the header line {stripped[:60]!r}: "
                         "expected 'let NAME = LATEX' or 'assume ...'")
    bounds = {}
    for name, (lo, hi) in raw_bounds.items():
        if name in lets:
            raise InputError(path, let_lines[name], f"{name} is defined by let: assume is for independent variables")
        lo, hi = _interval(lo, hi)
        if not lo < hi:
            raise InputError(path, lines.line(base), f"the assumptions leave no room for {name}: ({lo}, {hi})")
        bounds[name] = (lo, hi)
    return _Header(lets, let_lines, bounds)


# --------------------------------------------------------------------------
# definitions: symbols, expansion keeping a variable
# --------------------------------------------------------------------------

class _Definitions:
    """The document's symbols and its ``let`` definitions, expanded on demand."""

    def __init__(self, header: _Header, path: str, lines: _Lines, text: str):
        self.path, self.lines = path, lines
        self.bounds = header.bounds
        self.placeholders = {name: sp.Symbol(name) for name in header.lets}  # no assumptions: a stand-in
        self.independent: dict[str, sp.Symbol] = {}
        self.raw: dict[sp.Symbol, sp.Expr] = {}
        for name, (latex, offset) in header.lets.items():
            self.raw[self.placeholders[name]] = self.read(latex, offset)
        self._check_cycles(header)
        self._memo: dict[tuple, sp.Expr] = {}

    def symbol(self, name: str) -> sp.Symbol:
        if name in self.placeholders:
            return self.placeholders[name]
        if name not in self.independent:
            lo, hi = self.bounds.get(name, (None, None))
            if lo is not None and lo >= 0:
                self.independent[name] = sp.Symbol(name, positive=True)
            elif hi is not None and hi <= 0:
                self.independent[name] = sp.Symbol(name, negative=True)
            else:
                self.independent[name] = sp.Symbol(name, real=True)
        return self.independent[name]

    def read(self, latex: str, offset: int) -> sp.Expr:
        try:
            return Reader(self.symbol).read(latex)
        except LatexError as exc:
            raise _latex_error(self.path, self.lines, offset, exc) from None

    def _check_cycles(self, header: _Header):
        state: dict[sp.Symbol, int] = {}

        def visit(p, trail):
            if state.get(p) == 2:
                return
            if state.get(p) == 1:
                cycle = trail[trail.index(p):] + [p]
                words = " -> ".join(str(s) for s in cycle)
                what = "refers to itself" if len(cycle) == 2 else f"refers to itself through {words}"
                raise InputError(self.path, header.let_lines[str(cycle[0])], f"let {cycle[0]} {what}")
            state[p] = 1
            for q in sorted(self._deps(self.raw[p]), key=str):
                visit(q, trail + [p])
            state[p] = 2

        for p in self.raw:
            visit(p, [])

    def _deps(self, expr) -> set:
        found = {s for s in expr.atoms(sp.Symbol) if s in self.raw}
        for d in expr.atoms(sp.Derivative):
            found |= {v for v in d.variables if v in self.raw}
        return found

    def expand(self, expr, keep: frozenset = frozenset()):
        """``expr`` through the definitions, except the names in ``keep``.

        A derivative ``d X / d v`` keeps ``v`` while ``X`` is expanded, stays
        unevaluated, and gets ``v``'s definition substituted afterwards (a
        ``Subs``), so the oracle differentiates the definitions.
        """
        key = (expr, keep)
        if key in self._memo:
            return self._memo[key]
        if expr in self.raw:
            out = expr if expr in keep else self.expand(self.raw[expr], keep)
        elif isinstance(expr, sp.Derivative):
            (v, count), = expr.variable_count
            out = sp.Derivative(self.expand(expr.expr, keep | {v}), (v, count))
            if v in self.raw and v not in keep:
                out = sp.Subs(out, v, self.expand(v, keep))
        elif not expr.args or not (expr.free_symbols & set(self.raw) or expr.has(sp.Derivative)):
            out = expr
        else:
            out = expr.func(*[self.expand(a, keep) for a in expr.args])
        self._memo[key] = out
        return out

    def domain(self) -> Domain:
        return Domain.of({self.symbol(name): bounds for name, bounds in self.bounds.items()})


# --------------------------------------------------------------------------
# a block: rows, chains, links
# --------------------------------------------------------------------------

_ENVIRONMENT = re.compile(r"\\(begin|end)\s*\{([a-zA-Z*]+)\}")
_CHAIN_ENVS = {"aligned", "align", "align*", "split", "gathered", "gather", "gather*", "equation",
               "equation*", "alignedat", "eqnarray", "eqnarray*"}
_BLANKED = re.compile(r"\\(tag|label)\s*\{[^{}]*\}|\\(nonumber|notag)(?![a-zA-Z])")


def _blank(chars: list[str], start: int, end: int):
    for k in range(start, end):
        if chars[k] != "\n":
            chars[k] = " "


def _split_block(src: str) -> tuple[str, list[int]]:
    """``src`` with environments, ``&`` and comments blanked; the offsets of the row breaks."""
    chars = list(src)
    for m in re.finditer(r"(?<!\\)%[^\n]*", src):
        _blank(chars, m.start(), m.end())
    for m in _ENVIRONMENT.finditer(src):
        env = m.group(2)
        if env not in _CHAIN_ENVS:
            word = "matrix notation is not supported yet" if "matrix" in env else "not supported"
            raise LatexError(f"\\begin{{{env}}}: {word}", m.start())
        _blank(chars, m.start(), m.end())
    for m in _BLANKED.finditer(src):
        _blank(chars, m.start(), m.end())
    breaks = []
    k = 0
    while k < len(chars):
        if chars[k] == "\\" and k + 1 < len(chars):
            if chars[k + 1] == "\\":
                breaks.append(k)
                chars[k] = chars[k + 1] = " "
                m = re.match(r"\s*\[[^\]]*\]", src[k + 2:])  # \\[4pt]
                if m:
                    _blank(chars, k + 2, k + 2 + m.end())
                k += 2
                continue
            k += 2  # \&, \{, ...: escaped
            continue
        if chars[k] == "&":
            chars[k] = " "
        k += 1
    return "".join(chars), breaks


def _check_braces(text: str) -> None:
    opened = []
    k = 0
    while k < len(text):
        if text[k] == "\\":
            k += 2
            continue
        if text[k] == "{":
            opened.append(k)
        elif text[k] == "}":
            if not opened:
                raise LatexError("a closing brace } without its opening {", k)
            opened.pop()
        k += 1
    if opened:
        raise LatexError("an opening brace { is never closed", opened[-1])


def _equals(text: str, start: int, end: int) -> list[int]:
    depth, found = 0, []
    k = start
    while k < end:
        c = text[k]
        if c == "\\":
            k += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "=" and depth == 0:
            found.append(k)
        k += 1
    return found


def _chains(src: str) -> tuple[str, list[list[tuple[int, int]]]]:
    """The chains of a block: each a list of sides, each side a span ``(start, end)``."""
    text, breaks = _split_block(src)
    _check_braces(text)
    rows = list(zip([0] + [b + 2 for b in breaks], breaks + [len(text)]))
    chains: list[list[list[int]]] = []
    for start, end in rows:
        if not text[start:end].strip():
            continue
        eqs = _equals(text, start, end)
        cuts = [start] + [e + 1 for e in eqs]
        pieces = [[a, b] for a, b in zip(cuts, [e for e in eqs] + [end])]
        if not eqs:
            if chains:
                chains[-1][-1][1] = end  # a row that continues the last side
            else:
                chains.append([[start, end]])
        elif not text[pieces[0][0]:pieces[0][1]].strip() and chains:
            chains[-1].extend(pieces[1:])  # "&= ..." continues the chain
        else:
            chains.append(pieces)
    return text, [[(a, b) for a, b in chain] for chain in chains]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _strip_punctuation(text: str, a: int, b: int) -> int:
    """The end of a side without a sentence's final ``.`` or ``,``."""
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a and text[b - 1] in ".," and not (b - 2 >= a and text[b - 2] == "\\"):
        b -= 1
    return b


# --------------------------------------------------------------------------
# the document
# --------------------------------------------------------------------------

def parse_markdown(text: str, path: str) -> Document:
    """The derivation a Markdown text encodes (``path`` is only used in citations and errors)."""
    lines = _Lines(text)
    header, blocks = _scan(text, path, lines)
    if header is None:
        raise NoHeader(path, 0, "no '<!-- gradproof' header comment: this file does not opt in")
    body_start, header_text = header
    parsed = _read_header(header_text[body_start:], body_start, path, lines)
    defs = _Definitions(parsed, path, lines, text)
    domain = defs.domain()
    first = re.search(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$", text, re.M)
    title = first.group(1) if first else Path(path).name
    steps: list[Step] = []
    notes: list[Note] = []
    used_ids: set[str] = set()
    for block in blocks:
        src = text[block.start:block.end]
        first_line = lines.line(block.start + len(src) - len(src.lstrip()))
        if block.skip:
            notes.append(Note(first_line, "skipped (<!-- gradproof: skip -->)"))
            continue
        try:
            blanked, chains = _chains(src)
        except LatexError as exc:
            raise _latex_error(path, lines, block.start, exc) from None
        if not any(len(chain) > 1 for chain in chains):
            notes.append(Note(first_line, "skipped: no '=' in this block"))
            continue
        where = block.heading or f"block {block.number}"
        for chain in chains:
            if len(chain) == 1:
                notes.append(Note(lines.line(block.start + chain[0][0]), "an expression with no '=': not checked"))
                continue
            sides = []
            for a, b in chain:
                b = _strip_punctuation(blanked, a, b)
                side = blanked[a:b]
                if not side.strip():
                    raise InputError(path, lines.line(block.start + a), "an empty side of '='")
                lead = a + len(side) - len(side.lstrip())
                raw = defs.read(side, block.start + a)
                sides.append((raw, _squash(side), lines.line(block.start + lead)))
            for k in range(len(sides) - 1):
                (lraw, ltext, _), (rraw, rtext, line) = sides[k], sides[k + 1]
                sid = f"L{line}"
                j = 2
                while sid in used_ids:
                    sid, j = f"L{line}.{j}", j + 1
                used_ids.add(sid)
                derivative = lraw.has(sp.Derivative) or rraw.has(sp.Derivative)
                steps.append(Step(
                    id=sid, latex=f"{ltext} = {rtext}", cite=Cite(path, where, line),
                    kind=Kind.DERIVATIVE if derivative else Kind.EQUALS,
                    claim=Claim(defs.expand(lraw), defs.expand(rraw)),
                    says=f"link {k + 1} of the chain in {where}", domain=domain))
    derivation = Derivation(title=title, source=path, convention="a Markdown derivation (gradproof check)",
                            steps=tuple(steps))
    return Document(derivation, tuple(notes))


def read_document(path: str | Path) -> Document:
    """Read a Markdown file (``path`` as given is the document's name)."""
    name = str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(name, 0, f"file too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(name, 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(name, 0, exc.strerror or str(exc)) from None
    return parse_markdown(text, name)


def load(path: str | Path) -> Derivation:
    """The :class:`Derivation` of one Markdown file, ready for :func:`checks.runner.run`."""
    return read_document(path).derivation


# --------------------------------------------------------------------------
# plain text (the `check` subcommand's edge is checks/cli.py)
# --------------------------------------------------------------------------

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
            took = "cached" if v.extra.get("cached") else f"{v.seconds:.2f} s"  # [speed] no fresh-looking time
            text = [f"  {mark}  {path}:{s.cite.line}  {s.latex}   [{r.verdict}, {v.method}, {took}]"]
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
