r"""Read a user's Markdown note into steps: the reading half of ``gradproof check``.

The contract is ``NOTATION.md``: a note opts in with a header comment, and is
read as its author wrote it::

    <!-- gradproof
    let a = \sigma(z)
    let z = w x + b
    let f(x) = \ln(1 + e^{x})
    index i, k = 1..n
    assume 0 < y < 1
    -->

The reader of notes without matrix shapes, :func:`read_scalar_note` (callers
use :func:`checks.reading.read_note`, which dispatches), returns a
:class:`Reading`: the :class:`~derivations.model.Derivation` (one step per
link), the errors -- one per block that could not be read, at
``FILE:LINE:COL``, the rest of the file still read -- the file's free variables
(names no ``let`` defines) and notes on what was skipped.  Nothing in the file
is ever executed: formulas go through :mod:`symbolic.latex`.

How a note becomes claims
-------------------------
* Every display block after the header is split into chains: rows that start
  with ``&=`` continue, rows with their own left side start a new chain, and
  prose (``\Rightarrow``, ``\text{...}``, ``\quad`` between two equations, a
  ``,`` before ``\quad`` or a line break) separates chains.  Each link of a
  chain is one step, cited at the line where its right-hand side starts.
* Both sides are expanded through the definitions in force at that block
  (later ``<!-- gradproof ... -->`` comments add or redefine names); a
  derivative keeps its variable while its body is expanded.
* A link with sums over indices, or with a free index, is checked at several
  concrete sizes (2, 3 and 4) and, for a free index, at every value of it; the
  instances are combined into one claim ``sum_c w_c lhs_c = sum_c w_c rhs_c``
  with independent weights ``w_c``, which holds exactly when every instance
  does.

Examples
--------
>>> r = read_scalar_note('''<!-- gradproof
... let a = \\sigma(z)
... -->
... $$\\frac{\\partial a}{\\partial z} = a(1 - a) = \\hat{y}$$
... ''', "note.md")
>>> [(s.id, s.kind.value, s.cite.line) for s in r.derivation.steps]
[('L4', 'derivative', 4), ('L4.2', 'equals', 4)]
>>> r.free_variables, r.errors
(('yhat', 'z'), ())
"""
from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import sympy as sp

from gradproof.derivations.model import Cite, Claim, Derivation, Kind, Step
from gradproof.symbolic.domain import DEFAULT_INTERVAL, Domain
from gradproof.symbolic.latex import GREEK, Function, LatexError, Reader, index_symbol, name_of
from gradproof.symbolic.nodes import distinct_nodes

__all__ = [
    "InputError",
    "MAX_FILE_BYTES",
    "Note",
    "ReadError",
    "Reading",
    "SIZES",
    "read_scalar_note",
]

MAX_FILE_BYTES = 5_000_000
MAX_LETS = 200
SIZES = (2, 3, 4)  # a sum over an index is checked at each of these sizes
LAYER_WIDTHS = (3, 2, 2)  # units per layer in the networks of depth 2, 3, 4 a layered claim is checked in
MAX_INSTANCES = 12  # concrete instances of one link (sizes x values of its free indices)
MAX_TERMS = 64  # terms of one unrolled sum


class InputError(Exception):
    """The file as a whole cannot be read (not UTF-8, too large, no header): ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path, self.line, self.message = path, line, message


class NoHeader(InputError):
    """The file has no ``<!-- gradproof`` header: it does not opt in (``gradproof check`` skips it)."""


@dataclass(frozen=True)
class ReadError:
    """A block or a header line that could not be read; the rest of the file still is."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True)
class Note:
    """Something the reader skipped, said once in the text report."""

    line: int
    message: str


@dataclass(frozen=True)
class Reading:
    """What :func:`checks.reading.read_note` makes of one file."""

    derivation: Derivation
    notes: tuple[Note, ...] = ()
    errors: tuple[ReadError, ...] = ()
    free_variables: tuple[str, ...] = ()  # names no let defines, sorted


class _Failed(Exception):
    """Stops reading one block or header line: carries its offset in the file."""

    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset, self.message = offset, message


class _Lines:
    def __init__(self, text: str):
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def col(self, offset: int) -> int:
        return offset - self.starts[self.line(offset) - 1] + 1


# --------------------------------------------------------------------------
# the Markdown layer: gradproof comments, headings, display blocks
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Block:
    start: int  # offset of the content in the file
    end: int
    number: int
    heading: str
    skip: bool
    section: int  # how many gradproof comments precede it


@dataclass(frozen=True)
class _Comment:
    start: int  # offset of the body (after "gradproof")
    body: str


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)[^\n]*$", re.M)
_SPECIAL = re.compile(r"[\n`<$\\]")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def _scan(text: str, path: str, lines: _Lines, errors: list):
    """The gradproof comments and the display blocks after the first one, in file order."""
    comments: list[_Comment] = []
    blocks: list[_Block] = []
    heading = ""
    skip_next = False
    i, n = 0, len(text)
    at_line_start = True

    def error(offset, message):
        errors.append(ReadError(path, lines.line(offset), lines.col(offset), message))

    while i < n:
        if at_line_start:
            eol = text.find("\n", i)
            eol = n if eol < 0 else eol
            line_text = text[i:eol]
            fence = _FENCE.match(line_text)
            if fence:
                marker, info = fence.group(1), fence.group(2).lower()
                fence_close = re.compile(r"^ {0,3}" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}\s*$", re.M)
                m = fence_close.search(text, eol + 1) if eol < n else None
                body_end = m.start() if m else n
                if info == "math" and comments:
                    blocks.append(_Block(eol + 1, body_end, len(blocks) + 1, heading, skip_next, len(comments)))
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
                error(i, "an HTML comment <!-- is never closed")
                break
            body = text[i + 4:close]
            word = body.strip()
            if word.startswith("gradproof"):
                if re.fullmatch(r"gradproof\s*:\s*skip", word):
                    skip_next = True
                elif word == "gradproof" or word[9:10].isspace():
                    start = i + 4 + len(body) - len(body.lstrip()) + 9
                    comments.append(_Comment(start, text[start:close]))
                else:
                    error(i, f"unknown gradproof comment `{word.splitlines()[0]}`: write <!-- gradproof "
                             "(a header) or <!-- gradproof: skip -->")
            i = close + 3
        elif text.startswith("\\$", i):
            i += 2
        elif text.startswith("$$", i) or text.startswith("\\[", i):
            closing = "$$" if c == "$" else "\\]"
            close = text.find(closing, i + 2)
            if close < 0:
                error(i, f"a display block opened with {text[i:i + 2]} is never closed")
                break
            if comments:
                blocks.append(_Block(i + 2, close, len(blocks) + 1, heading, skip_next, len(comments)))
                skip_next = False
            i = close + 2
        elif c == "$":  # inline maths, skipped whole; $\begin{aligned} ... $ is displayed all the same
            close = text.find("$", i + 1)
            if close < 0:
                i += 1
                continue
            if comments and "\\begin{" in text[i + 1:close]:
                blocks.append(_Block(i + 1, close, len(blocks) + 1, heading, skip_next, len(comments)))
                skip_next = False
            i = close + 1
        elif text.startswith("\\begin{", i) and comments and (environment := re.match(
                r"\\begin\{((?:equation|align|aligned|gather|gathered|multline|eqnarray)\*?)\}", text[i:])):
            env = environment.group(1)
            end = text.find("\\end{" + env + "}", i)
            if end < 0:
                error(i, f"\\begin{{{env}}} is never closed")
                break
            end += len("\\end{" + env + "}")
            blocks.append(_Block(i, end, len(blocks) + 1, heading, skip_next, len(comments)))
            skip_next = False
            i = end
        else:  # plain prose: jump to the next character that can matter
            m = _SPECIAL.search(text, i + 1)
            i = m.start() if m else n
    return comments, blocks


# --------------------------------------------------------------------------
# header comments: let, assume, index
# --------------------------------------------------------------------------

_RELATION = re.compile(r"\\leq?(?![a-zA-Z])|\\geq?(?![a-zA-Z])|\\lt(?![a-zA-Z])|\\gt(?![a-zA-Z])|<=|>=|<|>")
_FUNCTION_NAME = r"(?:[a-zA-Z]_(?:\{\s*\\?[a-zA-Z0-9]+\s*\}|[a-zA-Z0-9]|\\[a-zA-Z]+)|[a-zA-Z]+|\\[a-zA-Z]+|\\(?:operatorname|mathrm|text|mathit|mathcal|mathbf|mathsf|boldsymbol|bm|mathscr)\s*\{\s*[a-zA-Z]+\s*\})"
_FUNCTION_HEAD = re.compile(r"^(" + _FUNCTION_NAME + r")\s*(?:\\left)?\(((?:[^()]|\([^()]*\))*?)(?:\\right)?\)$")


def _function_key(name: str) -> str | None:
    """The key of a function name as written (``f``, ``\\phi``, ``softplus``), else None."""
    name = name.strip()
    m = re.fullmatch(r"\\(?:operatorname|mathrm|text|mathit|mathcal|mathbf|mathsf|boldsymbol|bm|mathscr)\s*"
                     r"\{\s*([a-zA-Z]+)\s*\}", name)
    if m:
        return m.group(1) if len(m.group(1)) == 1 else m.group(1).lower()
    if name.startswith("\\"):
        return name[1:] if name[1:] in GREEK or name[1:] in ("sigma", "phi") else None
    m = re.fullmatch(r"([a-zA-Z])_(?:\{\s*(\\?[a-zA-Z0-9]+)\s*\}|([a-zA-Z0-9]|\\[a-zA-Z]+))", name)
    if m:
        return f"{m.group(1)}_{m.group(2) or m.group(3)}"
    if len(name) == 1:
        return name
    return name.lower()


@dataclass
class _Scope:
    """The definitions in force at a point of the file (each comment and in-block definition adds)."""

    lets: dict = field(default_factory=dict)  # name -> (latex, offset)
    functions: dict = field(default_factory=dict)  # key -> (params as written, latex, offset)
    indexed: dict = field(default_factory=dict)  # base -> (index names, latex, offset)
    indices: dict = field(default_factory=dict)  # letter -> (last value's latex, offset, first value)
    equalities: list = field(default_factory=list)  # (lhs latex, rhs latex, offset)
    layers: str = ""  # the layer letter of "layers l"
    layered: dict = field(default_factory=dict)  # base -> [(label latex, index letters, latex, offset)]
    poisoned: set = field(default_factory=set)  # names of lets that could not be read
    built: _Definitions | Literal[False] | None = None  # the _Definitions of this scope, made on first use; False: failed
    refused: set = field(default_factory=set)  # the name of a let that could not be read, as written

    def copy(self) -> _Scope:
        return _Scope(dict(self.lets), dict(self.functions), dict(self.indexed), dict(self.indices),
                      list(self.equalities), self.layers, {k: list(v) for k, v in self.layered.items()},
                      set(self.poisoned), None, set(self.refused))


def header_lines(body: str, start: int) -> Iterator[tuple[str, int]]:
    """The entries of a header comment: each non-blank line, stripped, with the offset where it starts
    (a line starting ``%`` is a comment)."""
    offset = start
    for line in body.split("\n"):
        here = offset
        offset += len(line) + 1
        stripped = line.strip()
        if stripped and not stripped.startswith("%"):
            yield stripped, here + len(line) - len(line.lstrip())


def _header_entries(comment: _Comment, scope: _Scope, bounds: dict, fail):
    """Read one gradproof comment into ``scope`` and ``bounds``; ``fail(offset, message)`` records."""
    seen: dict[str, int] = {}
    for stripped, lead in header_lines(comment.body, comment.start):
        m = re.match(r"let\s+(.*?)\s*(?::=|=)", stripped)
        key = re.sub(r"\s+", "", m.group(1)) if m else None
        if key in seen:
            fail(lead, f"{key} is defined twice in one comment (a later <!-- gradproof --> comment "
                       "may redefine it)")
            continue
        if key:
            seen[key] = lead
        try:
            _header_line(stripped, lead, scope, bounds)
        except _Failed as exc:
            fail(exc.offset, exc.message)
            if key:  # whatever it named is refused where it is used, never read as something else
                scope.refused.add(key)  # as written: dZ^{[2]} must not come back as d times Z^{[2]}
                name = re.match(_FUNCTION_NAME, key) or re.match(r"\\?[a-zA-Z]+(?:_\{[^{}]*\}|_[a-zA-Z0-9])?", key)
                if name:
                    scope.poisoned.add(_function_key(name.group(0)) or name.group(0))


def _header_line(stripped: str, lead: int, scope: _Scope, bounds: dict):
    m = re.match(r"let\s+(.*?)\s*(?::=|=)(.*)$", stripped)
    if m:
        if len(scope.lets) + len(scope.functions) + len(scope.indexed) >= MAX_LETS:
            raise _Failed(lead, f"more than {MAX_LETS} let definitions")
        _define(m.group(1), m.group(2), lead + m.start(2), lead, scope)
        return
    m = re.match(r"index\s+(.*?)\s*=\s*(\d+)\s*\.\.\s*(.+)$", stripped)
    if m:
        if int(m.group(2)) > 1:  # notes count from 1, or from 0 (x_0 = 1 for a bias): anything else is a slip
            raise _Failed(lead + m.start(2), f"an index starts at 0 or 1, not {m.group(2)}")
        for letter in m.group(1).split(","):
            letter = letter.strip()
            if not re.fullmatch(r"[a-zA-Z]", letter) or letter == "e":
                raise _Failed(lead, f"an index is one letter, not `{letter}`: write index i, j = 1..n")
            scope.indices[letter] = (m.group(3), lead + m.start(3), int(m.group(2)))
        return
    m = re.match(r"assume\s+(.*)$", stripped)
    if m:
        at = lead + m.start(1)
        for part in _split_top(m.group(1), ","):
            if part.strip():
                equals = _top_equals(part)
                if equals is not None:  # \sum_{j=1}^q y_j = 1: the '=' outside the sum's bounds
                    left, right = part[:equals], part[equals + 1:]
                    scope.equalities.append((left, right, at, at + len(left) + 1))
                else:
                    _assumption(part, at, bounds)
            at += len(part) + 1
        return
    m = re.fullmatch(r"layers\s+([a-z])", stripped)
    if m:
        scope.layers = m.group(1)
        return
    word = stripped.split()[0]
    if word in ("layers", "shape", "layout", "elementwise"):
        raise _Failed(lead, f"`{word}` belongs to layer and matrix notes, which are not supported yet")
    raise _Failed(lead, f"cannot read the header line `{stripped[:60]}`: expected let NAME = LATEX, "
                        "let f(x) = LATEX, index i = 1..n or assume ...")


def _top_equals(text: str) -> int | None:
    """Where the ``=`` of an equality is: outside braces (``\\sum_{j=1}``), not part of ``<=`` or ``>=``."""
    depth = 0
    for k, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "=" and depth == 0 and text[k - 1:k] not in ("<", ">", "!") and text[k + 1:k + 2] != "=":
            return k
    return None


def _split_top(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` outside brackets and braces."""
    parts, depth, start = [], 0, 0
    for k, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[start:k])
            start = k + 1
    parts.append(text[start:])
    return parts


def _define(lhs: str, latex: str, offset: int, lead: int, scope: _Scope):
    """One definition (``let`` or ``:=`` in a block) into ``scope``."""
    lhs = lhs.strip()
    head = _FUNCTION_HEAD.match(lhs)
    if head:
        key = _function_key(head.group(1))
        params = tuple(p.strip() for p in head.group(2).split(","))
        if key is None or not all(_is_name(p) for p in params):
            raise _Failed(lead, f"cannot read the function `{lhs}`: write let f(x) = ... or let f(x, y) = ...")
        scope.functions[key] = (tuple(name_of(p) for p in params), latex, offset, params)
        scope.lets.pop(key, None)
        return
    if scope.layers and _define_layered(lhs, latex, offset, lead, scope):
        return
    m = re.fullmatch(r"(.+?)_\{?\s*([a-zA-Z](?:\s*,?\s*[a-zA-Z])*)\s*\}?", lhs)
    if m and scope.indices and all(c in scope.indices for c in re.findall(r"[a-zA-Z]", m.group(2))) \
            and _is_name(m.group(1)):
        scope.indexed[name_of(m.group(1))] = (tuple(re.findall(r"[a-zA-Z]", m.group(2))), latex, offset)
        return
    try:  # a word (let Loss = ..., let Out = ...) is one name: the blocks read it so
        name = lhs if re.fullmatch(r"[A-Za-z]{2,}", lhs) else name_of(lhs)
    except LatexError as exc:
        raise _Failed(lead, f"let: {exc.message}") from None
    scope.lets[name] = (latex, offset)
    scope.functions.pop(name, None)


_LAYERED = re.compile(r"(?P<base>\\?[a-zA-Z]+)\s*(?:\^\s*(?P<sup>\{[^{}]*\}|[a-zA-Z0-9]))?\s*"
                      r"(?:_\s*(?P<sub>\{[^{}]*\}|[a-zA-Z0-9]))?\s*(?:\^\s*(?P<sup2>\{[^{}]*\}|[a-zA-Z0-9]))?")


def _define_layered(lhs: str, latex: str, offset: int, lead: int, scope: _Scope) -> bool:
    """``let a^l_j = ...``, ``let z^{l+1}_k = ...``, ``let W^{[l]} = ...``: every layer the label covers."""
    m = _LAYERED.fullmatch(lhs)
    if not m or (m.group("sup") and m.group("sup2")):
        return False
    label = (m.group("sup") or m.group("sup2") or "").strip("{}").strip().strip("[]()").strip()
    if not label or not set(re.findall(r"[a-zA-Z]", label)) & {scope.layers, scope.layers.upper()}:
        return False
    if not re.fullmatch(r"[a-zA-Z]\s*([+-]\s*[0-9])?", label):
        raise _Failed(lead, f"a layer label is l, l+1, l-1, L or L-1, not `{label}`")
    letters = tuple(re.findall(r"[a-zA-Z]", (m.group("sub") or "").strip("{}")))
    if any(c not in scope.indices for c in letters):
        raise _Failed(lead, f"`{lhs}`: declare its subscripts as indices (index {', '.join(letters)} = 1..n)")
    base = m.group("base").lstrip("\\")
    scope.layered.setdefault(base, [])
    scope.layered[base] = [p for p in scope.layered[base] if p[0] != label] + [(label, letters, latex, offset)]
    return True


def _is_name(text: str) -> bool:
    try:
        name_of(text)
    except LatexError:
        return False
    return True


def _number(text: str, base: int) -> float:
    def no_names(name):
        raise LatexError(f"a bound must be a number, not `{name}`")

    try:
        value = Reader(no_names).read(text)
    except LatexError as exc:
        raise _Failed(base + exc.offset, exc.message) from None
    if not (value.is_number and value.is_finite and value.is_real):
        raise _Failed(base, f"a bound must be a real number, not `{text.strip()}`")
    return float(value)


def _assumption(part: str, base: int, bounds: dict):
    pieces = _RELATION.split(part)
    ops = [m.group(0) for m in _RELATION.finditer(part)]
    if not ops or len(pieces) > 3:
        raise _Failed(base, f"cannot read the assumption `{part.strip()}`: write e.g. 0 < y < 1 or x > 0")
    less = [op in ("<", "<=") or op.startswith(("\\le", "\\lt")) for op in ops]
    if len(set(less)) != 1:
        raise _Failed(base, f"mixed < and > in `{part.strip()}`")
    offsets, at = [], base
    for p, op in zip(pieces, ops + [""], strict=False):
        offsets.append(at)
        at += len(p) + len(op)
    names = [k for k, p in enumerate(pieces) if _is_name(p)]
    if len(names) != 1:
        raise _Failed(base, f"an assumption speaks of exactly one variable: `{part.strip()}`")
    k = names[0]
    name = name_of(pieces[k])
    lo, hi, where = bounds.get(name, (None, None, base))
    for j, p in enumerate(pieces):
        if j == k:
            continue
        value = _number(p, offsets[j])
        if (j < k) == less[0]:  # "0 < x" or "x > 0": a lower bound
            lo = value if lo is None else max(lo, value)
        else:
            hi = value if hi is None else min(hi, value)
    bounds[name] = (lo, hi, where)


def _interval(lo, hi) -> tuple[float, float]:
    d_lo, d_hi = DEFAULT_INTERVAL
    if lo is None:
        lo = min(d_lo, hi - (d_hi - d_lo))
    if hi is None:
        hi = max(d_hi, lo + (d_hi - d_lo))
    return lo, hi


# --------------------------------------------------------------------------
# symbols and definitions
# --------------------------------------------------------------------------

class _Symbols:
    """One symbol per name for the whole file, with the assumptions' signs."""

    def __init__(self, bounds: dict[str, tuple[float, float]]):
        self.bounds = bounds
        self.table: dict[str, sp.Symbol] = {}
        self.placeholders: dict[str, sp.Symbol] = {}  # defined names: no assumptions, a stand-in

    def bounds_of(self, name: str):
        if name in self.bounds:
            return self.bounds[name]
        m = re.fullmatch(r"(.+)_([0-9]+)", name)  # assume 0 < y_k < 1 speaks of every y_1, y_2, ...
        if m:
            for key, value in self.bounds.items():
                if re.fullmatch(re.escape(m.group(1)) + r"_[a-zA-Z]", key):
                    return value
        return None

    def independent(self, name: str) -> sp.Symbol:
        if name not in self.table:
            lo, hi = self.bounds_of(name) or (None, None)
            if lo is not None and lo >= 0:
                self.table[name] = sp.Symbol(name, positive=True)
            elif hi is not None and hi <= 0:
                self.table[name] = sp.Symbol(name, negative=True)
            else:
                self.table[name] = sp.Symbol(name, real=True)
        return self.table[name]

    def placeholder(self, name: str) -> sp.Symbol:
        if name not in self.placeholders:
            self.placeholders[name] = sp.Symbol(name)
        return self.placeholders[name]


class _Definitions:
    """The symbols and definitions of one scope, read once and expanded on demand."""

    def __init__(self, scope: _Scope, symbols: _Symbols):
        self.scope, self.symbols = scope, symbols
        self.defined = set(scope.lets)
        self.errors: list[_Failed] = []  # lets that could not be read: their names are refused
        self.poisoned: set[str] = set()
        self.indices = {k: index_symbol(k) for k in scope.indices}
        if scope.layers:
            self.indices[scope.layers] = index_symbol(scope.layers)
            self.indices[scope.layers.upper()] = sp.Symbol(scope.layers.upper(), integer=True, positive=True)
        self.ranges = {}  # letter -> the last value of the index (a size)
        self.first = {}  # letter -> its first value, 1 or 0
        for letter, (latex, offset, first) in scope.indices.items():
            self.ranges[letter] = self._read_plain(latex, offset)
            self.first[letter] = first
        self.functions: dict[str, Function | _Refused] = {}
        self.indexed: dict[str, tuple] = {}  # base -> (index symbols, body)
        self.poisoned |= scope.poisoned
        self._read_functions()
        for key in scope.poisoned:
            self.functions.setdefault(key, _Refused(key))
        self.raw: dict[sp.Symbol, sp.Expr] = {}
        for name, (latex, offset) in scope.lets.items():
            try:
                self.raw[symbols.placeholder(name)] = self.read(latex, offset)
            except _Failed as exc:
                self.errors.append(exc)
                self.poisoned.add(name)
        for base, (letters, latex, offset) in scope.indexed.items():
            self.indexed[base] = (tuple(index_symbol(c) for c in letters), self.read(latex, offset))
        self.layered: dict[str, list] = {}  # "a^" -> [(shift or None, fixed, index symbols, body)]
        for base, patterns in scope.layered.items():
            for label, letters, latex, offset in patterns:
                shift, fixed = _label(label, scope.layers)
                self.layered.setdefault(base + "^", []).append(
                    (shift, fixed, tuple(index_symbol(c) for c in letters), self.read(latex, offset)))
        self.exists = self._layers_that_exist()
        self._check_cycles()

    # ---- reading -------------------------------------------------------
    def symbol(self, name: str) -> sp.Symbol:
        if name in self.poisoned:
            raise LatexError(f"`{name}` is defined by a let that could not be read (see its line)")
        if name in self.defined:
            return self.symbols.placeholder(name)
        return self.symbols.independent(name)

    def reader(self, symbol=None) -> Reader:
        return Reader(symbol or self.symbol, indices=dict(self.indices), functions=self.functions,
                      ranges=self.ranges, first=self.first, indexed=set(self.scope.indexed),
                      prime=self.prime, layers=self.scope.layers,
                      quantities=frozenset(self.defined) | frozenset(self.symbols.bounds),
                      words=frozenset(n for n in self.defined if re.fullmatch(r"[A-Za-z]{2,}", n)))

    def _layers_that_exist(self) -> dict[str, tuple[int, int]]:
        """Where each layered name exists: layers ``1 + lo .. L + hi`` (``b^{l+1}`` in ``z^{l+1}``: 2..L)."""
        if not self.scope.layers:
            return {}
        layer = self.indices[self.scope.layers]
        spans: dict[str, list] = {}
        for base, patterns in self.layered.items():
            for shift, _, _, body in patterns:
                if shift is None:
                    continue
                lo, hi = max(0, -shift), -max(0, shift)  # l itself: 1 + lo .. L + hi
                spans.setdefault(base, []).append((lo + shift, hi + shift))
                for e in body.atoms(sp.Indexed):
                    if str(e.base).endswith("^") and e.indices[0].has(layer):
                        t = int(e.indices[0] - layer)
                        spans.setdefault(str(e.base), []).append((max(0, lo + t), min(0, hi + t)))
        return {base: (min(a for a, _ in v), max(b for _, b in v)) for base, v in spans.items()}

    def layer_body(self, base: str, values: tuple, depth):
        """The definition of entry ``values`` (layer first) of a layered name at network depth ``depth``."""
        layer_symbol = self.indices[self.scope.layers]
        for shift, fixed, symbols, body in self.layered.get(base, ()):
            v = int(values[0])
            if shift is not None:
                lv = v - shift
                if not (1 <= lv <= depth and 1 <= v <= depth):
                    continue
                mapping = {layer_symbol: sp.Integer(lv)}
            elif v != depth + fixed:
                continue
            else:
                mapping = {}
            if len(symbols) != len(values) - 1:
                raise LatexError(f"`{base}` takes {len(symbols)} subscript(s), not {len(values) - 1}")
            mapping.update(dict(zip(symbols, values[1:], strict=False)))
            return _substitute(body, mapping)
        return None

    def read(self, latex: str, offset: int) -> sp.Expr:
        compact = re.sub(r"\s+", "", latex)
        for name in sorted(self.scope.refused):
            if name in compact:
                raise _Failed(offset + max(latex.find(name), 0),
                              f"`{name}` is named by a let that could not be read (see its line)")
        try:
            return self.reader().read(latex)
        except LatexError as exc:
            raise _Failed(offset + exc.offset, exc.message) from None

    def _read_plain(self, latex: str, offset: int) -> sp.Expr:
        try:
            return Reader(self.symbol).read(latex)
        except LatexError as exc:
            raise _Failed(offset + exc.offset, exc.message) from None

    def _read_functions(self):
        """Function bodies may call each other in any order; a cycle is an error."""
        pending = dict(self.scope.functions)
        while pending:
            progress = False
            for key, (params, latex, offset, *written) in list(pending.items()):
                dummies = tuple(sp.Dummy(p, real=True) for p in params)
                local = dict(zip(params, dummies, strict=False))
                names = set(pending) - {key}

                def symbol(name, local=local, names=names):
                    if name in names:
                        raise _NotYet(name)
                    return local.get(name) or self.symbol(name)

                reader = self.reader(symbol)
                for other in names:
                    reader.functions = {**reader.functions, other: _Stub(other)}
                try:
                    body = reader.read(latex)
                except _NotYet:
                    continue
                except LatexError as exc:
                    raise _Failed(offset + exc.offset, exc.message) from None
                # a parameter the body uses only through its entries (J(\theta) with \theta_j, h(x^{(i)})
                # with x_j^{(i)}) takes no other argument than itself
                literal = tuple(self._example(p) if d not in body.free_symbols else None
                                for p, d in zip(written[0] if written else (), dummies, strict=False))
                self.functions[key] = Function(key, dummies, body, params, literal)
                del pending[key]
                progress = True
            if not progress:
                key, (_, _, offset, *_) = next(iter(pending.items()))
                raise _Failed(offset, f"the function {key} refers to itself (directly or through another)")

    def _example(self, param: str):
        """A parameter (``\\theta``, ``x^{(i)}``) as it reads in the note."""
        try:
            return self.reader().read(param)
        except LatexError:
            return None

    def prime(self, value, order: int, offset: int):
        """``y'``: the derivative of a quantity of one variable in that variable."""
        if value not in self.raw and value in self._primed_variables():
            return sp.Derivative(value, (value, order))  # x' where every primed quantity is one of x: 1
        if value not in self.raw:
            raise LatexError(f"a prime on `{value}`, which no let defines: define it (let {value} = ... or "
                             f"let {value}(x) = ...) or write \\frac{{d}}{{dx}}", offset)
        variables = sorted(self.expand(value).free_symbols - set(self.indices.values()), key=str)
        if len(variables) != 1:
            names = ", ".join(str(v) for v in variables) or "none"
            raise LatexError(f"`{value}'`: {value} depends on {len(variables)} variables ({names}); write "
                             f"\\frac{{\\partial {value}}}{{\\partial x}}", offset)
        return sp.Derivative(value, (variables[0], order))

    def _primed_variables(self) -> set:
        """The variable of the note's primes: ``{x}`` when every quantity of one variable is one of the same x.

        Then ``x'`` (the product rule written out, ``(x \\sigma(x))' = x' \\sigma(x) + ...``) is
        ``dx/dx``; with quantities of two different variables a prime on a variable is ambiguous.
        """
        found = set()
        for name in self.raw:
            try:
                variables = self.expand(name).free_symbols - set(self.indices.values())
            except (LatexError, _Failed):
                continue
            if len(variables) == 1:
                found |= variables
        return found if len(found) == 1 else set()

    def _check_cycles(self):
        state: dict[sp.Symbol, int] = {}

        def visit(p, trail):
            if state.get(p) == 2:
                return
            if state.get(p) == 1:
                cycle = trail[trail.index(p):] + [p]
                words = " -> ".join(str(s) for s in cycle)
                what = "refers to itself" if len(cycle) == 2 else f"refers to itself through {words}"
                raise _Failed(self.scope.lets[str(cycle[0])][1], f"let {cycle[0]} {what}")
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

    # ---- expanding -----------------------------------------------------
    def expand(self, expr, keep: frozenset = frozenset(), instance: _Instance | None = None):
        """``expr`` through the definitions, except the names in ``keep``.

        A derivative ``d X / d v`` keeps ``v`` while ``X`` is expanded, stays
        unevaluated, and gets ``v``'s definition substituted afterwards (a
        ``Subs``), so the oracle differentiates the definitions.  With an
        ``instance``, every definition pulled in is made concrete first.
        """
        memo: dict = {}

        def go(e, keep):
            key = (e, keep)
            if key in memo:
                return memo[key]
            if e in self.raw:
                out = e if e in keep else go(self._body(self.raw[e], instance), keep)
            elif instance is not None and e in instance.entries:
                base, values = instance.entries[e]
                if isinstance(values, tuple):
                    symbols, body = self.indexed[base]
                    body = _substitute(body, dict(zip(symbols, values, strict=False)))
                else:  # a layered entry: its body is already chosen
                    body = values
                out = e if e in keep else go(self._body(body, instance), keep)
            elif isinstance(e, sp.Indexed) and str(e.base) in self.indexed and instance is None:
                symbols, body = self.indexed[str(e.base)]
                out = e if e in keep else go(_substitute(body, dict(zip(symbols, e.indices, strict=False))), keep)
            elif isinstance(e, sp.Derivative):
                variables = [v for v, _ in e.variable_count]
                out = sp.Derivative(go(e.expr, keep | frozenset(variables)), *e.variable_count)
                for v in variables:
                    if v not in keep and (v in self.raw or (instance is not None and v in instance.entries)):
                        out = sp.Subs(out, v, go(v, keep))
            elif not e.args:
                out = e
            else:
                out = e.func(*[go(a, keep) for a in e.args])
            memo[key] = out
            return out

        return go(expr, keep)

    def _body(self, body, instance):
        return body if instance is None else instance.make(body)


def _label(label: str, letter: str):
    """``(shift, None)`` for l+shift, ``(None, d)`` for L+d."""
    m = re.fullmatch(r"([a-zA-Z])\s*(?:([+-])\s*([0-9]))?", label)
    if m is None:  # _define_layered let only these labels in
        raise LatexError(f"a layer label is l, l+1, l-1, L or L-1, not `{label}`")
    d = int(m.group(3) or 0) * (-1 if m.group(2) == "-" else 1)
    return (d, None) if m.group(1) == letter else (None, d)


@dataclass(frozen=True)
class _Refused:
    """A name whose let could not be read: any use of it is an error, never another reading."""

    name: str
    names: tuple = ()

    def __call__(self, *args):
        raise LatexError(f"`{self.name}` is defined by a let that could not be read (see its line)")


class _NotYet(Exception):
    """A function body calls a function not read yet: try again after it."""


@dataclass(frozen=True)
class _Stub:
    """A function whose body is not read yet."""

    name: str
    names: tuple = ()

    def __call__(self, *args):
        raise _NotYet(self.name)


# --------------------------------------------------------------------------
# concrete instances: sums unrolled at sizes 2, 3, 4, free indices given values
# --------------------------------------------------------------------------

class _Instance:
    """One concrete size and one value of each free index: unrolls sums, names entries."""

    def __init__(self, values: dict, defs: _Definitions, label: str):
        self.values, self.defs, self.label = values, defs, label
        self.entries: dict[sp.Symbol, tuple[str, tuple]] = {}  # placeholder of an indexed let's entry

    def make(self, expr):
        expr = _unroll(_substitute(expr, self.values))
        mapping = {}
        for e in expr.atoms(sp.Indexed):
            if not all(i.is_Integer for i in e.indices):
                raise LatexError(f"`{e}`: an index that is neither summed nor free")
            mapping[e] = self.entry(str(e.base), tuple(int(i) for i in e.indices))
        return expr.xreplace(mapping) if mapping else expr

    def entry(self, base: str, values: tuple) -> sp.Symbol:
        if base.endswith("^()"):  # x_j^{(i)}: example first
            subs = "".join(map(str, values[1:]))
            name = f"{base[:-3]}" + (f"_{subs}" if subs else "") + f"^({values[0]})"
        elif "^" in base and not base.endswith("^"):  # x_j^{(1)}
            head, label = base.split("^", 1)
            name = f"{head}_{''.join(map(str, values))}^{label}"
        else:
            name = f"{base}_{''.join(map(str, values))}" if max(values) < 10 else \
                f"{base}_{','.join(map(str, values))}"
        if base.endswith("^") and base in self.defs.layered:
            depth = self.values.get(self.defs.indices[self.defs.scope.layers.upper()])
            body = self.defs.layer_body(base, values, int(depth)) if depth is not None else None
            name = f"{base}{values[0]}" + (f"_{''.join(map(str, values[1:]))}" if values[1:] else "")
            if body is None:
                return self.defs.symbol(name)  # below the layers the note defines: an input
            symbol = self.defs.symbols.placeholder(name)
            self.entries[symbol] = (base, body)
            return symbol
        if base.endswith("^"):
            name = f"{base}{values[0]}" + (f"_{''.join(map(str, values[1:]))}" if values[1:] else "")
            return self.defs.symbol(name)
        if base in self.defs.indexed:
            symbol = self.defs.symbols.placeholder(name)
            self.entries[symbol] = (base, tuple(sp.Integer(v) for v in values))
            return symbol
        return self.defs.symbol(name)


def _substitute(expr, values: dict):
    """``expr`` with ``values`` put in, except where a sum binds the same letter."""
    if not values:
        return expr
    if isinstance(expr, sp.Sum):
        bound = {lim[0] for lim in expr.limits}
        inner = {k: v for k, v in values.items() if k not in bound}
        limits = [(lim[0], _substitute(lim[1], values), _substitute(lim[2], values)) for lim in expr.limits]
        return sp.Sum(_substitute(expr.function, inner), *limits)
    if not expr.args:
        return values.get(expr, expr)
    if not expr.has(*values):
        return expr
    return expr.func(*[_substitute(a, values) for a in expr.args])


def _unroll(expr):
    if isinstance(expr, sp.Sum):
        body = expr.function
        for index, lower, upper in expr.limits:
            if not (lower.is_Integer and upper.is_Integer):
                raise LatexError(f"a sum from {lower} to {upper}: its bounds are not sizes")
            if upper - lower + 1 > MAX_TERMS:
                raise LatexError(f"a sum of more than {MAX_TERMS} terms")
            body = sp.Add(*[_substitute(body, {index: sp.Integer(k)}) for k in range(int(lower), int(upper) + 1)])
        return _unroll(body)
    if not expr.args or not expr.has(sp.Sum):
        return expr
    return expr.func(*[_unroll(a) for a in expr.args])


def _is_index(s) -> bool:
    return isinstance(s, sp.Symbol) and s.is_integer and not s.is_positive and len(s.name) == 1


def _index_symbols(expr) -> set:
    """The index letters ``expr`` leaves free (a sum binds its own; a derivative's variable counts)."""
    if isinstance(expr, sp.Sum):
        bound = {lim[0] for lim in expr.limits}
        inner = _index_symbols(expr.function) - bound
        return inner.union(*(_index_symbols(lim[1]) | _index_symbols(lim[2]) for lim in expr.limits))
    if _is_index(expr):
        return {expr}
    return set().union(*(_index_symbols(a) for a in expr.args)) if expr.args else set()


def _of_type(exprs: list, kind) -> set:
    return {n for e in exprs for n in distinct_nodes(e) if isinstance(n, kind)}


def _sizes(expr) -> set:
    found = set()
    for s in _of_type([expr], sp.Sum):
        for _, lower, upper in s.limits:
            found |= (lower.free_symbols | upper.free_symbols) - _index_symbols(lower) - _index_symbols(upper)
    return found


def _same_letter_outside_sums(exprs: list, defs: _Definitions):
    """``x_j`` beside entries ``x_k`` of a vector, with ``j`` undeclared: it would be another name."""
    nodes = [n for e in exprs for n in distinct_nodes(e)]
    bound = {lim[0].name for s in nodes if isinstance(s, sp.Sum) for lim in s.limits} - set(defs.indices)
    bases = {str(i.base) for i in nodes if isinstance(i, sp.Indexed)}
    # (sorted: the first offending name is the one reported, on every run)
    for symbol in sorted({n for n in nodes if isinstance(n, sp.Symbol)}, key=str):  # a derivative's variable too
        m = re.fullmatch(r"(.+?)_\{?([a-zA-Z]+)\}?", str(symbol))
        if m and (m.group(1) in bases or set(m.group(2)) & bound):
            letter = m.group(2)
            raise LatexError(f"`{symbol}` beside the entries of a vector {m.group(1)}: declare the index in "
                             f"the header (index {', '.join(letter)} = 1..n) so that both are entries of one "
                             "vector")


def _sample(combos: list, n: int) -> list:
    """At most ``n`` of ``combos``: the first, the last, and those whose values differ most (so that
    a transposed index, ``w_{jk}`` for ``w_{kj}``, cannot hide behind ``j = k``)."""
    if len(combos) <= n:
        return combos
    spread = sorted(combos, key=lambda c: (-len(set(c)), c))
    chosen = [combos[0], combos[-1]]
    for c in spread:
        if len(chosen) >= n:
            break
        if c not in chosen:
            chosen.append(c)
    return sorted(chosen)


def _instances(sides: list, defs: _Definitions, different=(), expanded: list | None = None) -> list[_Instance]:
    """The concrete instances a link is checked at (one, plain, when it has no sum or index).

    ``different``: pairs of indices that must differ (a condition ``i \\neq j``).  ``expanded``:
    the sides through the definitions, when the caller has them.
    """
    expanded = [defs.expand(s) for s in sides] if expanded is None else expanded
    _same_letter_outside_sums(sides + expanded, defs)
    sizes = set().union(*(_sizes(e) for e in expanded))
    free = set().union(*(_index_symbols(e) for e in sides + expanded), *(set(p) for p in different))
    for s in free:
        sizes |= {x for x in defs.ranges.get(s.name, sp.S.Zero).free_symbols}
    layer, depth, shifts = None, None, []
    if defs.scope.layers:
        layer, depth = defs.indices[defs.scope.layers], defs.indices[defs.scope.layers.upper()]
        layered = [e for x in sides + expanded for e in x.atoms(sp.Indexed) if str(e.base).endswith("^")]
        if layered or any(x.has(depth) for x in sides + expanded):
            sizes.add(depth)
        # l + c of a name that exists at layers 1 + lo .. L + hi: lo + 1 - c <= l <= L + hi - c
        shifts = sorted({(int(e.indices[0] - layer), *defs.exists.get(str(e.base), (0, 0)))
                         for e in layered if e.indices[0].has(layer)})
    if not sizes and not free and not any(e.has(sp.Sum, sp.Indexed) for e in expanded):
        return [_Instance({}, defs, "")]
    sizes_sorted = sorted(sizes, key=str)
    free_sorted = sorted(free, key=str)
    out = []
    for k, n in enumerate(SIZES):
        values = {s: sp.Integer(SIZES[(k + j) % len(SIZES)]) for j, s in enumerate(sizes_sorted)}
        if depth in values:  # networks of depth 2, 3, 4; widths 3, 2, 2 keep the claim small enough to decide
            values = {s: sp.Integer(n if s == depth else LAYER_WIDTHS[k]) for s in sizes_sorted}
        ranges = []
        for index in free_sorted:
            if index == layer:  # l with labels l+c: every layer where all of them exist
                top = int(values[depth])
                ranges.append(range(max([1] + [1 + lo - c for c, lo, _ in shifts]),
                                    min([top] + [top + hi - c for c, _, hi in shifts]) + 1))
                continue
            upper = defs.ranges.get(index.name)
            if upper is None:
                raise LatexError(f"`{index}` is a free index without a range: declare it (index {index} = 1..n)")
            upper = upper.xreplace(values)
            if not upper.is_Integer:
                raise LatexError(f"the range of `{index}` is not a size: {upper}")
            ranges.append(range(defs.first.get(index.name, 1), int(upper) + 1))
        combos = [c for c in itertools.product(*ranges)
                  if all(c[free_sorted.index(a)] != c[free_sorted.index(b)] for a, b in different)]
        if not combos:
            continue
        if depth in values:  # a network is large: a few values of its indices
            combos = _sample(combos, 3)
        elif k:  # every value at the smallest size, a few at the others
            combos = _sample(combos, 5)
        for combo in combos:
            point = dict(values)
            point.update(dict(zip(free_sorted, (sp.Integer(v) for v in combo), strict=False)))
            label = ", ".join(f"{s} = {v}" for s, v in sorted(point.items(), key=lambda t: str(t[0])))
            out.append(_Instance(point, defs, label))
    if not out:
        raise LatexError("no value of the indices meets the condition")
    return out[:MAX_INSTANCES]


@dataclass(frozen=True, eq=False)
class NoteClaim(Claim):
    """A note's claim, with what was written: both sides as read (before the lets are expanded and
    the sums unrolled) and ``rebuild(rhs)``, the claim another right-hand side written there would
    make.  The diagnosis edits what was written (:mod:`checks.diagnosis`); equal as a ``Claim``."""

    written: Any = field(default=None, repr=False)  # (lhs, rhs) as read
    rebuild: Any = field(default=None, repr=False)  # rhs as read -> Claim (LatexError when it cannot be)


@dataclass(frozen=True)
class _Instantiate:
    """A link's sides at its concrete instances: one claim, weighted when there are several."""

    lhs: Any
    defs: _Definitions
    different: tuple
    assume: Any
    # the left side through the definitions: the diagnosis instantiates one link with hundreds of
    # right sides (the definitions never change once read)
    _lhs: list = field(default_factory=list, compare=False, repr=False)

    def __call__(self, rhs, first: bool = False) -> Claim:
        """The claim ``lhs = rhs`` at every instance; ``first``: at the first one alone (a screen)."""
        if not self._lhs:
            self._lhs.append(self.defs.expand(self.lhs))
        expanded = [self._lhs[0], self.defs.expand(rhs)]
        instances = _instances([self.lhs, rhs], self.defs, list(self.different), expanded)[:1 if first else None]
        # the plain instance: no size, no index, no sum, no entry -- nothing to make concrete
        plain = not any(e.has(sp.Sum, sp.Indexed) for e in expanded)
        pairs = []
        for inst in instances:
            if plain and not inst.values:
                left, right = expanded
            else:
                left = self.defs.expand(inst.make(self.lhs), instance=inst)
                right = self.defs.expand(inst.make(rhs), instance=inst)
            pairs.append((self.assume(left, self.defs, inst), self.assume(right, self.defs, inst)))
        if len(pairs) == 1:
            return Claim(*pairs[0])
        weights = [sp.Symbol(f"w[{inst.label}]", real=True) for inst in instances]
        return Claim(sp.Add(*[w * left for w, (left, _) in zip(weights, pairs, strict=False)]),
                     sp.Add(*[w * right for w, (_, right) in zip(weights, pairs, strict=False)]))


# --------------------------------------------------------------------------
# a block: rows, chains, links
# --------------------------------------------------------------------------

_ENVIRONMENT = re.compile(r"\\(begin|end)\s*\{([a-zA-Z*]+)\}(\{[^{}]*\})?")
_CHAIN_ENVS = {"array", "aligned", "align", "align*", "split", "gathered", "gather", "gather*", "equation",
               "equation*", "alignedat", "alignat", "alignat*", "eqnarray", "eqnarray*", "multline",
               "multline*", "flalign", "flalign*", "displaymath", "math"}
_BLANKED = re.compile(r"\\(tag\*?|label|hspace\*?|vspace\*?|color|textcolor|phantom|vphantom|hphantom)\s*"
                      r"\{[^{}]*\}|\\(nonumber|notag|displaystyle|textstyle|limits|nolimits|boxed|"
                      r"middle|nobreak|allowbreak|qquad|quad)(?![a-zA-Z])|\^\{\s*\}|(?<!\\)\\[,;:! ]")
_ARROWS = r"\\(Rightarrow|implies|therefore|because|rightarrow|to|Longrightarrow|longrightarrow|iff|" \
          r"Leftrightarrow|Longleftrightarrow|mapsto|leftarrow|Leftarrow|gets)(?![a-zA-Z])"
_NOT_EQUAL = r"\\(approx|neq|ne|leq|le|geq|ge|lt|gt|propto|sim|simeq|ll|gg|in|subset|cong)(?![a-zA-Z])|[<>]"
_DEFINES = r":=|\\coloneqq(?![a-zA-Z])|\\equiv(?![a-zA-Z])|\\triangleq(?![a-zA-Z])|\\doteq(?![a-zA-Z])|" \
           r"\\stackrel\s*\{[^{}]*\}\s*\{\s*=\s*\}|\\overset\s*\{[^{}]*\}\s*\{\s*=\s*\}"


def _blank(chars: list[str], start: int, end: int):
    for k in range(start, end):
        if chars[k] != "\n":
            chars[k] = " "


def _depths(text: str, brackets: str = "{") -> list[int]:
    """The depth at each character in ``brackets`` (braces; also ``(`` and ``[``), escapes not counted."""
    opening = brackets
    closing = brackets.translate(str.maketrans("{([", "})]"))
    out, depth, k = [0] * len(text), 0, 0
    while k < len(text):
        c = text[k]
        if c == "\\" and k + 1 < len(text) and not text[k + 1].isalpha():
            out[k] = depth
            if k + 1 < len(text):
                out[k + 1] = depth
            k += 2
            continue
        if c in opening:
            depth += 1
        elif c in closing:
            depth -= 1
        out[k] = depth
        k += 1
    return out


_ROW_END = r"(?=\s*(?:\\\\|\\end\s*\{|\Z))"
_RELATION_OF_INDICES = r"([a-zA-Z])\s*(=|\\neq(?![a-zA-Z])|\\ne(?![a-zA-Z]))\s*([a-zA-Z])"
_CONDITIONS = (
    # ", \quad i = j", "\text{if } i \neq j", "\quad \text{for } i = j" at the end of a row
    re.compile(r"(?:,\s*)?(?:(?:\\quad|\\qquad|\\hspace\*?\s*\{[^{}]*\}|\\[,;]|~)\s*)*"
               r"(?:\\(?:text|mbox|textrm)\s*\{\s*,?\s*(?:if|for|when|where)\s*\}\s*"
               r"|(?:,\s*)?(?:\\quad|\\qquad|\\hspace\*?\s*\{[^{}]*\})\s*)"
               r"\(?\s*" + _RELATION_OF_INDICES + r"\s*\)?\s*[.,;]?\s*" + _ROW_END),
    # "(i \neq j)" at the end of a row
    re.compile(r"(?<=[\s,])\(\s*" + _RELATION_OF_INDICES + r"\s*\)\s*[.,;]?\s*" + _ROW_END),
)


def _conditions(chars: list[str]) -> list[tuple[int, tuple[str, str, str]]]:
    """Conditions on a link (``i = j``, ``i \\neq j``) at the ends of rows, blanked in ``chars``."""
    found = []
    for pattern in _CONDITIONS:
        text = "".join(chars)
        for m in pattern.finditer(text):
            op = "=" if m.group(2) == "=" else "!="
            found.append((m.start(), (m.group(1), op, m.group(3))))
            _blank(chars, m.start(), m.end())
    return sorted(found)


_CASES = re.compile(r"\\begin\s*\{d?cases\}(.*?)\\end\s*\{d?cases\}", re.S)
_CASE_CONDITION = re.compile(r"^\s*(?:\\text\s*\{\s*(?:if|for|when)\s*\}|\\[,;:! ]|~|,|\\quad|\s)*(.*?)[\s.,;]*$", re.S)


_COMPARE = {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "\\lt": "<", "\\gt": ">", "\\le": "<=", "\\leq": "<=",
            "\\ge": ">=", "\\geq": ">=", "\\leqslant": "<=", "\\geqslant": ">="}
_FLIP = {"<": ">=", ">": "<=", "<=": ">", ">=": "<"}


def _comparison(text: str) -> tuple[str, str, str] | None:
    """``x > 0``, ``z \\le 0``, ``x \\geq c`` -> (left, operator, right) with the operator spelled < > <= >=."""
    m = re.fullmatch(r"\s*([^<>=\\]+?|\\?[a-zA-Z]+(?:_\{?[a-zA-Z0-9]+\}?)?)\s*"
                     r"(<=|>=|<|>|\\leqslant|\\geqslant|\\leq?|\\geq?|\\lt|\\gt)(?![a-zA-Z])\s*(-?\s*[0-9.]+|[a-zA-Z])\s*",
                     text)
    if not m:
        return None
    return _tight(m.group(1)), _COMPARE[m.group(2)], _tight(m.group(3))


def _opposite(c: tuple[str, str, str]) -> tuple[tuple[str, str, str], ...]:
    """The other side of the line, up to its boundary point: ``x > 0`` -> ``x <= 0`` or ``x < 0``."""
    flipped = _FLIP[c[1]]
    return (c[0], flipped, c[2]), (c[0], flipped.rstrip("="), c[2])


def _tight(latex: str) -> str:
    return re.sub(r"\s+(?![a-zA-Z])|(?<![a-zA-Z])\s+", "", latex.strip().rstrip(",").strip())


def _rewrite_cases(src: str, originals: dict | None = None) -> str:
    """A ``cases`` right-hand side of two branches, ``A`` where ``C`` and ``B`` where not (or
    ``otherwise``), as one expression ``1[C] (A) + (1 - 1[C]) (B)``; padded to its length so that
    the lines after it keep their numbers."""
    def one(m):
        rows = [r for r in re.split(r"\\\\", m.group(1)) if r.strip()]
        if len(rows) != 2 or any(r.count("&") != 1 for r in rows):
            raise LatexError("a `cases` with other than two branches `value & condition` is not supported yet",
                             m.start())
        (a, ca), (b, cb) = (r.split("&") for r in rows)
        ca = _CASE_CONDITION.match(ca).group(1).strip()
        cb = _CASE_CONDITION.match(cb).group(1).strip()
        index = re.fullmatch(_RELATION_OF_INDICES, ca)
        other = re.fullmatch(_RELATION_OF_INDICES, cb) if cb else None
        if index and (re.fullmatch(r"\\text\s*\{\s*otherwise\s*\}", cb) or
                      (other and other.group(1, 3) == index.group(1, 3) and (other.group(2) == "=") != (index.group(2) == "="))):
            i, j = index.group(1), index.group(3)
            one_if = f"\\mathbb{{1}}[{i}={j}]" if index.group(2) == "=" else f"(1-\\mathbb{{1}}[{i}={j}])"
            text = f"({one_if}({a.strip()})+(1-{one_if})({b.strip()}))"
        elif (compared := _comparison(ca)) and (re.fullmatch(r"\\text\s*\{\s*otherwise\s*\}", cb)
                                                or _comparison(cb) in _opposite(compared)):
            # ReLU', leaky ReLU': x > 0 and x \le 0 (or otherwise) split the line up to a boundary point
            one_if = "\\mathbb1(" + "".join(compared) + ")"
            text = f"({one_if}({_tight(a)})+(1-{one_if})({_tight(b)}))"
        else:
            raise LatexError("a `cases` whose conditions are not i = j and i \\neq j, or x > c and x \\le c "
                             "(or otherwise), is not supported yet", m.start())
        newlines = m.group(0).count("\n")
        if len(text) + newlines > len(m.group(0)):
            raise LatexError("this `cases` is too short to be rewritten in place", m.start())
        if originals is not None:  # the report quotes the note as written
            originals[_squash(text)] = _squash(m.group(0))
        return text + " " * (len(m.group(0)) - len(text) - newlines) + "\n" * newlines

    return _CASES.sub(one, src)


_BARE_NAME = re.compile(r"(?:\\?[a-zA-Z]+|\\(?:hat|bar|tilde)\s*\{\s*\\?[a-zA-Z]+\s*\})"
                        r"\s*(?:_\s*(?:\{[^{}]*\}|[a-zA-Z0-9]|\\[a-zA-Z]+))?\s*(?:\^\s*\{[^{}]*\})?")
_UNREAD = object()  # a side of a chain that could not be read (its error is reported once)


class _Skip(Exception):
    """A link with a side that could not be read: not checked, the chain goes on."""


def _closing_brace(src: str, opening: int) -> int | None:
    """The index of the ``}`` that closes the ``{`` at ``opening`` (escaped braces skipped)."""
    depth = 0
    k = opening
    while k < len(src):
        c = src[k]
        if c == "\\":
            k += 2
            continue
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth == 0:
            return k
        k += 1
    return None


def _layout(src: str, originals: dict | None = None):
    """``src`` with layout blanked; the row breaks; the separators ``(start, end, kind)``; conditions."""
    src = _rewrite_cases(src, originals)
    chars = list(src)
    for m in re.finditer(r"(?<!\\)%[^\n]*", src):
        _blank(chars, m.start(), m.end())
    for m in _ENVIRONMENT.finditer(src):
        env = m.group(2)
        if env not in _CHAIN_ENVS:
            word = "matrix notation is not supported yet" if "matrix" in env else "not supported"
            raise LatexError(f"\\begin{{{env}}}: {word}", m.start())
        _blank(chars, m.start(), m.end())
    for m in re.finditer(r"\\(eqalign|eqalignno|displaylines)\s*\{", src):  # plain TeX: \eqalign{ a &= b \\ ... }
        close = _closing_brace(src, m.end() - 1)
        if close is None:
            raise LatexError(f"\\{m.group(1)}{{ is never closed", m.start())
        _blank(chars, m.start(), m.end())
        _blank(chars, close, close + 1)
    conditions = _conditions(chars)
    separators: list[tuple[int, int, str]] = []
    text = "".join(chars)
    for m in re.finditer(r"\\(quad|qquad|hspace\*?\s*\{[^{}]*\})", text):
        separators.append((m.start(), m.end(), "space"))
    for m in _BLANKED.finditer(text):
        _blank(chars, m.start(), m.end())
    text = "".join(chars)
    breaks = []
    k = 0
    while k < len(chars):
        if chars[k] == "\\" and k + 1 < len(chars):
            if chars[k + 1] == "\\":
                breaks.append(k)
                chars[k] = chars[k + 1] = " "
                spacing = re.match(r"\s*\[[^\]]*\]", src[k + 2:])  # \\[4pt]
                if spacing:
                    _blank(chars, k + 2, k + 2 + spacing.end())
                k += 2
                continue
            k += 2  # \&, \{, ...: escaped
            continue
        if chars[k] == "&":
            chars[k] = " "
        k += 1
    text = "".join(chars)
    depth = _depths(text)
    nested = _depths(text, "{([")
    for pattern, kind in ((_ARROWS, "prose"), (_NOT_EQUAL, "relation"), (_DEFINES, "define")):
        for m in re.finditer(pattern, text):
            level = nested if kind == "relation" else depth
            if level[m.start()] == 0 and not (m.start() > 0 and text[m.start() - 1] == "\\"):
                separators.append((m.start(), m.end(), kind))
    for m in re.finditer(r"\\(text|textrm|textit|textbf|mbox|intertext)\s*\{([^{}]*)\}", text):
        start, end = m.start(), m.end()
        before, after = re.search(r"[\[(]\s*$", text[:start]), re.match(r"\s*[\])]", text[end:])
        # \quad [\text{chain rule}], \quad (\text{expanded}): an annotation, even of one word
        annotation = bool(before and after and "[(".index(before.group(0)[0]) == "])".index(after.group(0)[-1])
                          and re.search(r"\\q?quad\s*[\[(]\s*$", src[:start]))
        if depth[m.start()] == 0 and (annotation or not _is_function_word(m.group(2))):
            kind = "condition" if re.match(r"\s*(if|for|when|where|with|unless|otherwise)\b", m.group(2)) \
                else "prose"
            if kind == "prose" and before and after and "[(".index(before.group(0)[0]) == "])".index(
                    after.group(0)[-1]):  # [\text{chain rule}]: the bracket is part of the annotation
                start, end = before.start(), end + after.end()
            separators.append((start, end, kind))
    for m in re.finditer(r",(?=\s*(\\quad|\\qquad|\\hspace|$))", text, re.M):
        if nested[m.start()] == 0:
            separators.append((m.start(), m.end(), "comma"))
    return text, breaks, sorted(separators), conditions


_PROSE_WORDS = {"and", "or", "so", "thus", "hence", "then", "where", "since", "because", "therefore",
                "gives", "giving", "implies", "and so", "i.e.", "ie", "e.g.", "so that", "which", "is", "as"}


def _is_function_word(content: str) -> bool:
    """Is ``\\text{content}`` part of a formula (a function or a name), not prose?"""
    from gradproof.symbolic.latex import TEXT_FUNCTIONS

    word = content.strip()
    if word.lower() in _PROSE_WORDS:
        return False
    return word.lower() in TEXT_FUNCTIONS or (len(word) == 1 and word.isalpha()) or \
        bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", word) and content == word)


def _equals(text: str, start: int, end: int, depth: list[int]) -> list[int]:
    """The top-level ``=`` of ``text[start:end]`` (not inside braces, brackets or parentheses)."""
    return [k for k in range(start, end) if text[k] == "=" and depth[k] == 0 and
            not (k > 0 and text[k - 1] in ":\\!<>") and not (k + 1 < len(text) and text[k + 1] == "=")]


@dataclass
class _Side:
    start: int
    end: int
    defines: bool = False  # this side is defined by the next one (:=, \equiv)


def _chains(src: str, originals: dict | None = None):
    """The chains of a block (each a list of sides) and the conditions ``(offset, (a, op, b))``."""
    text, breaks, separators, conditions = _layout(src, originals)
    _check_braces(text)
    depth = _depths(text, "{([")
    if depth and depth[-1] != 0:  # unbalanced ( or [: only braces count
        depth = _depths(text)
    blanked = list(text)
    for a, b, kind in separators:
        if kind in ("prose", "relation", "comma", "condition", "define"):
            _blank(blanked, a, b)
    text = "".join(blanked)
    rows = list(zip([0] + [b + 2 for b in breaks], breaks + [len(text)], strict=False))
    chains: list[list[_Side]] = []
    open_chain = False  # may the next row continue the last chain?
    annotated = False  # the last row ended in prose ([\text{chain rule}]): a row "&= ..." still continues
    for row_start, row_end in rows:
        cuts = [(a, b, kind) for a, b, kind in separators if row_start <= a < row_end]
        # a space separates only two equations; a condition is not supported yet
        segments, seg_start = [], row_start
        for a, b, kind in cuts:
            if kind == "condition":
                raise LatexError(f"a condition on a link (`{src[a:b]}`) is not supported yet", a)
            if kind == "space":
                after = text[b:_next_cut(cuts, b, row_end)]
                if not (_equals(text, seg_start, a, depth) and "=" in after):
                    continue
            if kind == "define":
                continue
            segments.append((seg_start, a, kind))
            seg_start = b
        segments.append((seg_start, row_end, "end"))
        define_at = {a for a, _, kind in cuts if kind == "define"}
        continues, annotated = annotated, False
        for n_seg, (a, b, kind) in enumerate(segments):
            if not text[a:b].strip():
                if kind in ("prose", "relation"):
                    open_chain = False
                if kind == "end" and n_seg and segments[n_seg - 1][2] == "prose" and chains:
                    annotated = True  # nothing after the prose on this row
                continue
            marks = sorted([(e, e + 1, False) for e in _equals(text, a, b, depth)] +
                           [(d, next(bb for aa, bb, _ in separators if aa == d), True)
                            for d in define_at if a <= d < b])
            sides, cut = [], a
            for e_start, e_end, is_def in marks:
                sides.append(_Side(cut, e_start, is_def))
                cut = e_end
            sides.append(_Side(cut, b))
            if len(sides) == 1:
                if chains and open_chain and n_seg == 0:
                    chains[-1][-1].end = b  # a row that continues the last side
                else:
                    chains.append(sides)
            elif not text[sides[0].start:sides[0].end].strip() and chains and (open_chain or continues) \
                    and n_seg == 0:
                chains[-1][-1].defines = sides[0].defines
                chains[-1].extend(sides[1:])  # "&= ..." continues the chain
            else:
                chains.append(sides)
            open_chain = kind == "end"
    return text, chains, conditions


def _next_cut(cuts, after: int, end: int) -> int:
    for a, _, _ in cuts:
        if a >= after:
            return a
    return end


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


def _squash(text: str) -> str:
    return " ".join(text.split())


def _strip_punctuation(text: str, a: int, b: int) -> int:
    """The end of a side without a sentence's final ``.`` or ``,``."""
    while b > a and text[b - 1].isspace():
        b -= 1
    while b > a and text[b - 1] in ".,;" and not (b - 2 >= a and text[b - 2] == "\\"):
        b -= 1
        while b > a and text[b - 1].isspace():
            b -= 1
    return b


# --------------------------------------------------------------------------
# the note
# --------------------------------------------------------------------------

class _Note:
    """The state of one reading: scopes, symbols, steps, errors."""

    def __init__(self, text: str, path: str):
        self.text, self.path = text, path
        self.lines = _Lines(text)
        self.errors: list[ReadError] = []
        self.notes: list[Note] = []
        self.steps: list[Step] = []
        self.used_ids: set[str] = set()
        self.free: set[sp.Symbol] = set()
        self.last_end = 0  # where the last block ended: prose conditions are looked for after it
        # (text, offset, line, expr): a block starting with '=' continues it
        self.last_side: tuple[str, int, int, Any] | None = None
        self.block_functions: set[str] = set()  # functions a block defined (f(x) = ... redefines them)
        self.dangling: int | None = None  # where a block ended with "=": the next block must continue it
        self.originals: dict[str, str] = {}  # a rewritten cases -> as the note wrote it

    def fail(self, offset: int, message: str):
        self.errors.append(ReadError(self.path, self.lines.line(offset), self.lines.col(offset), message))

    def read(self) -> Reading:
        comments, blocks = _scan(self.text, self.path, self.lines, self.errors)
        if not comments:
            raise NoHeader(self.path, 0, "no '<!-- gradproof' header comment: this file does not opt in")
        raw_bounds: dict = {}
        scopes, scope = [], _Scope()
        for comment in comments:  # bounds are the file's; lets are the section's
            scope = scope.copy()
            _header_entries(comment, scope, raw_bounds, self.fail)
            scopes.append(scope)
        bounds = self._bounds(raw_bounds, scopes)
        self.symbols = _Symbols(bounds)
        self.domain = Domain.of({self.symbols.independent(n): b for n, b in bounds.items()})
        self.scope_of = {k + 1: s for k, s in enumerate(scopes)}
        for k in sorted(self.scope_of):
            self._definitions(k)  # a bad let is reported once, at its line
        for block in blocks:
            self._block(block)
        self._dangling(False)
        first = re.search(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$", self.text, re.M)
        title = first.group(1) if first else Path(self.path).name
        derivation = Derivation(title=title, source=self.path, convention="a Markdown note (gradproof check)",
                                steps=tuple(self.steps))
        names = sorted({str(s) for s in self.free})
        return Reading(derivation, tuple(self.notes), tuple(sorted(self.errors, key=lambda e: (e.line, e.col))),
                       tuple(names))

    def _bounds(self, raw_bounds: dict, scopes: list) -> dict:
        bounds = {}
        defined = set().union(*(set(s.lets) for s in scopes)) if scopes else set()
        for name, (lo, hi, where) in raw_bounds.items():
            if name in defined:
                self.fail(where, f"{name} is defined by let: assume is for independent variables")
                continue
            lo, hi = _interval(lo, hi)
            if not lo < hi:
                self.fail(where, f"the assumptions leave no room for {name}: ({lo}, {hi})")
                continue
            bounds[name] = (lo, hi)
        return bounds

    def _definitions(self, section: int) -> _Definitions | None:
        scope = self.scope_of[section]
        if scope.built is None:
            try:
                scope.built = _Definitions(scope, self.symbols)
                for exc in scope.built.errors:
                    if not any(e.line == self.lines.line(exc.offset) and e.message == exc.message
                               for e in self.errors):
                        self.fail(exc.offset, exc.message)
            except _Failed as exc:
                self.fail(exc.offset, exc.message)
                scope.built = False
        return scope.built or None

    def _block(self, block: _Block):
        src = self.text[block.start:block.end]
        first_line = self.lines.line(block.start + len(src) - len(src.lstrip()))
        if block.skip:
            self.notes.append(Note(first_line, "skipped (<!-- gradproof: skip -->)"))
            return
        defs = self._definitions(block.section)
        if defs is None:
            self.fail(block.start, "not checked: a definition in force here could not be read (see above)")
            return
        try:
            blanked, chains, conditions = _chains(src, self.originals)
            prose = self._prose_condition(block)
            continued = self._continues(blanked, chains)
            self._dangling(continued)
            if not any(len(chain) > 1 for chain in chains) and not continued:
                self.notes.append(Note(first_line, "skipped: no '=' in this block"))
                self.last_side = None
                return
            steps = []
            for n, chain in enumerate(chains):
                steps += self._chain(block, blanked, chain, conditions, prose, continued and n == 0)
        except LatexError as exc:
            self.fail(block.start + exc.offset, exc.message)
            return
        except _Failed as exc:
            self.fail(exc.offset, exc.message)
            return
        except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError,
                ZeroDivisionError, NotImplementedError) as exc:  # a defect: this block only, never a traceback
            self.fail(block.start, f"internal error while reading this block ({type(exc).__name__}: {exc}); "
                                   "please report it")
            return
        self.steps += steps

    _PROSE_CONDITION = re.compile(r"(?i)\b(?:if|when|for)\s+\$\s*" + _RELATION_OF_INDICES + r"\s*\$\s*[,:]?\s*$")

    def _prose_condition(self, block: _Block):
        """``If $i = k$,`` in the sentence just before a block: a condition on all its links."""
        gap = self.text[max(self.last_end, block.start - 300):block.start]
        gap = re.sub(r"(\$\$|\\\[|\\begin\{[a-z*]+\})\s*$", "", gap)
        m = self._PROSE_CONDITION.search(gap.rstrip())
        self.last_end = block.end
        if not m:
            return ()
        return ((m.group(1), "=" if m.group(2) == "=" else "!=", m.group(3)),)

    def _dangling(self, continued: bool):
        if self.dangling is not None and not continued:
            self.fail(self.dangling, "an empty side of '=': write the right-hand side, or start the next "
                                     "block with '= ...'")
        self.dangling = None

    def _continues(self, blanked: str, chains: list) -> bool:
        """A block that starts with ``= ...`` continues the last chain of the block before it."""
        if not chains or len(chains[0]) < 2 or blanked[chains[0][0].start:chains[0][0].end].strip():
            return False
        if self.last_side is None:
            raise LatexError("an empty side of '=': this block starts with '=' and no chain comes before it",
                             chains[0][0].start)
        return True

    def _chain(self, block: _Block, blanked: str, chain: list[_Side], conditions=(), prose=(),
               continued=False) -> list[Step]:
        where = block.heading or f"block {block.number}"
        if len(chain) == 1:
            self.notes.append(Note(self.lines.line(block.start + chain[0].start), "an expression with no '=': "
                                   "not checked"))
            return []
        texts: list[tuple[str, int, int]] = []
        sides: list = [None] * len(chain)
        for n, side in enumerate(chain):
            if continued and n == 0:  # the last side of the block before
                if self.last_side is None:  # _continues let no such block in
                    raise LatexError("an empty side of '=': this block starts with '=' and no chain comes "
                                     "before it", chain[0].start)
                text, offset, line, expr = self.last_side
                texts.append((text, offset, line))
                sides[0] = expr
                continue
            b = _strip_punctuation(blanked, side.start, side.end)
            piece = blanked[side.start:b]
            if not piece.strip() and n == len(chain) - 1 and n >= 1:
                self.dangling = block.start + side.start  # "E =": the next block must go on with "= ..."
                break
            if not piece.strip():
                raise LatexError("an empty side of '='", side.start)
            lead = side.start + len(piece) - len(piece.lstrip())
            texts.append((piece, block.start + side.start, self.lines.line(block.start + lead)))
        sides = sides[:len(texts)]
        steps = []
        named = set()  # x_6 = f(w_1, w_2) = w_1 y_1 + w_2 y_2: f is defined before x_6 = f(w_1, w_2) is read
        for k in range(1, len(texts) - 1):
            defs = self._definitions(block.section)
            if defs is not None and not (continued and k == 1) and self._defines_function(texts[k][0], defs):
                self._define_in_block(block, texts[k][0], texts[k + 1][0], texts[k][1], texts[k + 1][1])
                named.add(k)
        k = 0
        while k < len(texts) - 1:
            (ltext, lstart, _), (rtext, rstart, line) = texts[k], texts[k + 1]
            defs = self._definitions(block.section)
            if defs is None:  # a definition of this block could not be read
                raise _Failed(block.start, "not checked: a definition in force here could not be read (see above)")
            if k in named:
                steps.append(self._step(block, where, ltext, rtext, line, None, k))
                k += 1
                continue
            if chain[k].defines or self._defines_function(ltext, defs) or \
                    (k == 0 and self._names(ltext, rtext, rstart, defs)):
                self._define_in_block(block, ltext, rtext, lstart, rstart)
                steps.append(self._step(block, where, ltext, rtext, line, None, k))
                k += 1
                continue
            unread = None  # the side being read, while it is
            try:  # a side that cannot be read refuses its own links; the chain goes on after it
                for j in (k, k + 1):
                    if sides[j] is None:
                        unread = j
                        sides[j] = defs.read(texts[j][0], texts[j][1])
                        unread = None
                    if sides[j] is _UNREAD:
                        raise _Skip
                end = chain[k + 2].start if k + 2 < len(chain) else len(blanked) + 1
                own = tuple(c for off, c in conditions if chain[k + 1].start <= off < end)
                claim = self._claim(sides[k], sides[k + 1], defs, rstart, own or prose)
            except _Failed as exc:
                self.fail(exc.offset, exc.message)
                if unread is not None:  # else the link's claim was refused, and its sides stand
                    sides[unread] = _UNREAD
                k += 1
                continue
            except _Skip:
                k += 1
                continue
            steps.append(self._step(block, where, ltext, rtext, line, claim, k))
            k += 1
        if sides[-1] is _UNREAD:
            self.last_side = None
            return steps
        if sides[-1] is None:
            defs = self._definitions(block.section)
            if defs is None:
                raise _Failed(block.start, "not checked: a definition in force here could not be read (see above)")
            try:
                sides[-1] = defs.read(texts[-1][0], texts[-1][1])
            except _Failed as exc:  # only the links that touch it are lost: they are reported above
                self.fail(exc.offset, exc.message)
                self.last_side = None
                return steps
        self.last_side = (*texts[-1], sides[-1])
        return steps

    def _defines_function(self, ltext: str, defs: _Definitions) -> bool:
        """``f(x) = F`` where ``f`` is neither defined nor known: a definition."""
        head = _FUNCTION_HEAD.match(ltext.strip())
        if not head:
            return False
        key = _function_key(head.group(1))
        params = [p.strip() for p in head.group(2).split(",")]
        if key is None or not all(re.fullmatch(r"[a-zA-Z]|\\[a-zA-Z]+|[a-zA-Z]_(\{[a-zA-Z0-9]+\}|[a-zA-Z0-9])", p)
                                  for p in params):
            return False
        if key in defs.functions:  # redefined by a block, never a header's function
            return key in self.block_functions
        from gradproof.symbolic.latex import FUNCTIONS, TEXT_FUNCTIONS

        return key not in FUNCTIONS and key.lower() not in TEXT_FUNCTIONS and key not in defs.defined

    def _names(self, ltext: str, rtext: str, rstart: int, defs: _Definitions) -> bool:
        """``\\delta_{o1} = F`` opening a chain, with a name never seen before: the note names F (a definition).

        A name the file has used (in a let's body, a block, an assumption) or defines is a claim as always.
        """
        if not _BARE_NAME.fullmatch(ltext.strip()):  # a name as written, nothing applied to it
            return False
        try:
            name = name_of(ltext)
        except LatexError:
            return False
        base = re.split(r"[_^]", name)[0]
        if name in self.symbols.table or name in defs.defined or name in defs.functions or base in defs.indexed \
                or (defs.scope.layers and "^" in name) or len(name) == 1 and name in defs.indices:
            return False
        if re.search(re.escape(ltext.strip()) + r"(?![a-zA-Z])", rtext):
            return False  # x = x^2 - 2: an equation in x, not a name for the right side
        try:  # what cannot be read is reported by the link, once
            defs.read(rtext, rstart)
        except _Failed:
            return False
        return True

    def _define_in_block(self, block: _Block, ltext: str, rtext: str, lstart: int, rstart: int):
        """``E := F`` in a block: holds for the rest of the file (every later section)."""
        head = _FUNCTION_HEAD.match(ltext.strip())
        if head:
            key = _function_key(head.group(1))
            if key is not None:  # else _define below says the name cannot be read
                self.block_functions.add(key)
            base = re.fullmatch(r"([a-zA-Z])_\{?[a-zA-Z0-9]\}?", head.group(1).strip())
        for section in [s for s in self.scope_of if s >= block.section]:
            scope = self.scope_of[section].copy()
            _define(ltext, rtext, rstart, lstart, scope)
            if head and base:  # the gate f_c(x) = c + x: f is f_c until redefined
                scope.functions[base.group(1)] = scope.functions[key]
                self.block_functions.add(base.group(1))
            self.scope_of[section] = scope
        defs = self._definitions(block.section)
        if defs is None:
            raise _Failed(lstart, "this definition could not be read")

    def _claim(self, lhs, rhs, defs: _Definitions, offset: int, conditions=()) -> Claim:
        different = []
        for a, op, b in conditions:
            if a not in defs.indices or b not in defs.indices:
                raise _Failed(offset, f"the condition {a} {'=' if op == '=' else '≠'} {b} speaks of indices: "
                                      f"declare them in the header (index {a}, {b} = 1..n)")
            if op == "=":
                lhs = _substitute(lhs, {defs.indices[b]: defs.indices[a]})
                rhs = _substitute(rhs, {defs.indices[b]: defs.indices[a]})
            else:
                different.append((defs.indices[a], defs.indices[b]))
        build = _Instantiate(lhs, defs, tuple(different), self._assume)
        try:
            claim = build(rhs)
        except LatexError as exc:
            raise _Failed(offset, exc.message) from None
        for e in (claim.lhs, claim.rhs):
            self.free |= {s for s in e.free_symbols if s in self.symbols.table.values()}
        return NoteClaim(claim.lhs, claim.rhs, written=(lhs, rhs), rebuild=build)

    def _assume(self, expr, defs: _Definitions, inst: _Instance):
        """``assume \\sum_k y_k = 1``: at each size, the last entry is what the others leave."""
        for left, right, at, _ in (defs.scope.equalities if inst.values else ()):
            try:
                difference = inst.make(defs.read(left, at) - defs.read(right, at))
            except LatexError as exc:
                raise _Failed(at + exc.offset, exc.message) from None
            difference = defs.expand(difference, instance=inst)
            candidates = sorted((s for s in difference.free_symbols if sp.degree(difference, s) == 1), key=str)
            if not candidates:
                raise _Failed(at, "an assumed equality must be linear in one of its names")
            last = candidates[-1]
            value = sp.solve(difference, last)
            if len(value) != 1:
                raise _Failed(at, "cannot solve the assumed equality for one name")
            expr = expr.xreplace({last: value[0]})
        return expr

    def _step(self, block, where, ltext, rtext, line, claim, k) -> Step:
        sid = f"L{line}"
        j = 2
        while sid in self.used_ids:
            sid, j = f"L{line}.{j}", j + 1
        self.used_ids.add(sid)
        latex = f"{_squash(ltext)} = {_squash(rtext)}"
        for rewritten, original in self.originals.items():
            latex = latex.replace(rewritten, original)
        if claim is None:
            return Step(id=sid, latex=latex, cite=Cite(self.path, where, line), kind=Kind.DEFINITION,
                        says=f"a definition in {where}", domain=self.domain)
        derivative = claim.lhs.has(sp.Derivative, sp.Subs) or claim.rhs.has(sp.Derivative, sp.Subs)
        return Step(id=sid, latex=latex, cite=Cite(self.path, where, line),
                    kind=Kind.DERIVATIVE if derivative else Kind.EQUALS, claim=claim,
                    says=f"link {k + 1} of the chain in {where}", domain=self.domain)


def read_scalar_note(text: str, path: str) -> Reading:
    """Read a note without matrix shapes (``path`` names it in citations and errors).

    Callers read through :func:`checks.reading.read_note`, which sends a note
    whose header declares shapes to the matrix reader.  Raises :class:`InputError`
    only when the file has no gradproof header; everything else that cannot be
    read is in :attr:`Reading.errors`.
    """
    return _Note(text, path).read()
