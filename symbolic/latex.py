r"""Read the LaTeX of ML notes into SymPy, without ``eval``.

A small LALR grammar (lark) reads one side of an equation; a builder walks the
tree and makes SymPy objects directly -- numbers from their digits, symbols by
name -- so nothing in the user's text is ever executed: no ``eval``,
``sympify``, ``parse_expr`` or ``S("...")``.

What it reads
-------------
numbers (``2``, ``0.5``), names (``w``, ``w_1``, ``w_{12}``, ``W^{[2]}``,
``a^{(i)}``, ``\hat{y}``, ``\alpha``), ``+ - \cdot \times /``, implicit
multiplication, ``^`` and ``^{...}``, ``\frac``, ``( )``, ``[ ]``, ``{ }``,
``\left( \right)``, ``\sqrt`` and ``\sqrt[n]``, ``\ln``, ``\log`` (natural),
``\log_{b}``, ``\exp``, ``e`` (Euler's number; ``e^{x}`` is ``exp(x)``),
``\pi``, ``\sigma``, ``\text{sig}`` and ``\operatorname{sig}`` (sigmoid),
``\tanh``, ``\text{ReLU}``, ``\sin \cos \tan``, derivatives
``\frac{\partial X}{\partial v}``, ``\frac{dX}{dv}``, ``\frac{d}{dv} E`` and
sums ``\sum_{i=1}^{m} E`` over an index.

How juxtaposition is read
-------------------------
* Names are one letter: ``wx`` is ``w x``.  ``e`` is always Euler's number.
* A known function followed by a group is a call: ``\sigma(z)``,
  ``\ln(1-a)``, ``\exp{x}``; a power after the group applies to the call:
  ``\ln(x)^2`` is ``(\ln x)^2``.
* A known function followed by anything else takes the run of juxtaposed
  factors after it, up to the next operator (``+ - \cdot \times /``), the
  next function or the end: ``\ln a + b`` is ``\ln(a) + b``, ``\ln 2x`` is
  ``\ln(2x)``, ``\ln a \cdot b`` is ``\ln(a) b``, ``\ln a \ln b`` is
  ``\ln(a)\ln(b)``, ``\ln \ln x`` is ``\ln(\ln x)``.
* Juxtaposition binds tighter than ``/``, ``\cdot`` and ``\times``:
  ``1/2x`` is ``1/(2x)``, ``x / y z`` is ``x/(yz)``.
* Any other name followed by a group is a product: ``a(1-a)`` is
  ``a \cdot (1-a)``; there is no user-defined function notation.
* ``\frac{d}{dv}`` and ``\sum_{i=1}^{m}`` apply to the rest of the
  juxtaposed product: ``\frac{d}{dx} x^2 + 1`` is ``(x^2)' + 1``.
* On a name, a superscript in brackets or parentheses is a label, not a
  power: ``W^{[2]}``, ``a^{(i)}``.  ``^T`` on a name is a transpose.
* Inside ``\sum_{i=1}^{m}``, a name whose subscript or label mentions ``i``
  is indexed: ``x_i``, ``a^{(i)}``.

Matrix notation (``^T``, ``\odot``, ``*``, ``\top``, bold) is refused with a
clear error for now.

Examples
--------
>>> read(r"\frac{-y}{a} + \frac{(1-y)}{(1-a)}")
(1 - y)/(1 - a) - y/a
>>> read(r"\text{sig}(z) \cdot (1 - \text{sig}(z))")
(1 - sigmoid(z))*sigmoid(z)
>>> read(r"\ln 2x")
log(2*x)

References
----------
lark, "Parsers": https://lark-parser.readthedocs.io/en/latest/parsers.html
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from gradproof.symbolic.activations import relu, sigmoid, tanh

__all__ = [
    "LatexError",
    "MAX_CHARS",
    "MAX_DEPTH",
    "Reader",
    "is_name",
    "name_of",
    "parse",
    "read",
]

MAX_CHARS = 20_000  # one side of an equation; a longer one is refused before parsing
MAX_DEPTH = 100  # nesting of brackets, braces, unary signs and function heads
MAX_DIGITS = 60  # of a number literal
MAX_POWER_DIGITS = 2_000  # of an exact number raised to an exact power

GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "rho tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Phi Psi Omega"
).split()
FUNCTIONS: dict[str, Callable] = {
    "ln": sp.log, "log": sp.log, "exp": sp.exp, "sigma": sigmoid, "tanh": tanh,
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
}
# \text{...} / \operatorname{...} names
TEXT_FUNCTIONS: dict[str, Callable] = {
    "sig": sigmoid, "sigmoid": sigmoid, "σ": sigmoid, "ReLU": relu, "relu": relu, "Relu": relu,
    "tanh": tanh, "ln": sp.log, "log": sp.log, "exp": sp.exp,
}
_TEXT_CMDS = "text textrm textit mathrm mathit operatorname rm".split()
_SIZED = r"\\(?:left|bigl|Bigl|biggl|Biggl|big|Big|bigg|Bigg)\s*"
_SIZEDR = r"\\(?:right|bigr|Bigr|biggr|Biggr|big|Big|bigg|Bigg)\s*"
_MATRIX_CMDS = {"odot", "top", "intercal", "otimes", "circ", "mathbf", "boldsymbol", "bm",
                "nabla", "vec", "mathbb", "Vert", "lVert", "rVert", "ast", "star"}
_KNOWN_CMDS = ({"frac", "dfrac", "tfrac", "sqrt", "cdot", "times", "partial", "sum", "pi", "hat", "bar",
                "tilde", "quad", "qquad", "displaystyle", "textstyle", "left", "right", "bigl", "bigr",
                "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", "big", "Big", "bigg", "Bigg"}
               | set(GREEK) | set(FUNCTIONS) | set(_TEXT_CMDS))
_RELATIONS = {"approx", "neq", "ne", "equiv", "leq", "geq", "le", "ge", "lt", "gt", "Rightarrow",
              "implies", "iff", "to", "rightarrow", "propto", "sim", "coloneqq"}

GRAMMAR = r"""
?start: expr

?expr: expr _PLUS term      -> add
     | expr _MINUS term     -> sub
     | term
?term: term _MUL signed     -> mul
     | term _DIV signed     -> div
     | signed
?signed: _MINUS signed      -> neg
       | _PLUS signed       -> pos
       | juxt
juxt: item+
item: atom (sub | sup)*
sub: SUBCHAR
   | "_" "{" expr "}"
   | "_" "{" LETTER _EQ expr "}"   -> sub_eq
sup: SUPCHAR
   | "^" "{" expr "}"
?atom: NUMBER                        -> number
     | LETTER                        -> letter
     | GREEK                         -> greek
     | PI                            -> pi
     | ACCENT "{" LETTER "}"         -> accent
     | ACCENT LETTER                 -> accent
     | _LPAR expr _RPAR              -> paren
     | _LBRACK expr _RBRACK          -> paren
     | _LBRACE_ESC expr _RBRACE_ESC  -> paren
     | brace
     | FRAC arg arg                  -> frac
     | _SQRT arg                     -> sqrt
     | _SQRT _LBRACK expr _RBRACK arg -> root
     | FUNC                          -> func
     | TEXT                          -> text
     | _PARTIAL                      -> partial
     | _SUM                          -> sumsign
brace: "{" expr "}"
?arg: brace
    | LETTER                        -> letter
    | NUMBER                        -> number
    | GREEK                         -> greek

NUMBER: /[0-9]+(\.[0-9]+)?|\.[0-9]+/
LETTER: /[a-zA-Z]/
SUBCHAR: /_\s*[0-9a-zA-Z]/
SUPCHAR: /\^\s*[0-9a-zA-Z]/
_PLUS: "+"
_MINUS: "-"
_DIV: "/"
_EQ: "="
_MUL.3: /\\(cdot|times)(?![a-zA-Z])/
_LPAR.3: /(SIZED)?\(/
_RPAR.3: /(SIZEDR)?\)/
_LBRACK.3: /(SIZED)?\[/
_RBRACK.3: /(SIZEDR)?\]/
_LBRACE_ESC.3: /(SIZED)?\\\{/
_RBRACE_ESC.3: /(SIZEDR)?\\\}/
FRAC.3: /\\[dt]?frac(?![a-zA-Z])/
_SQRT.3: /\\sqrt(?![a-zA-Z])/
_PARTIAL.3: /\\partial(?![a-zA-Z])/
_SUM.3: /\\sum(?![a-zA-Z])/
PI.3: /\\pi(?![a-zA-Z])/
FUNC.3: /\\(FUNCS)(?![a-zA-Z])/
GREEK.3: /\\(GREEKS)(?![a-zA-Z])/
ACCENT.3: /\\(hat|bar|tilde)(?![a-zA-Z])/
TEXT.3: /\\(TEXTS)\s*\{[^{}]*\}/
SPACE.3: /\\(quad|qquad|displaystyle|textstyle)(?![a-zA-Z])|\\[,;:! ]|~|(\\left|\\right)\s*\./
%ignore SPACE
%ignore /\s+/
"""


def _grammar() -> str:
    g = GRAMMAR
    for key, value in {
        "SIZEDR": _SIZEDR, "SIZED": _SIZED,
        "FUNCS": "|".join(sorted(FUNCTIONS, key=len, reverse=True)),
        "GREEKS": "|".join(sorted(GREEK, key=len, reverse=True)),
        "TEXTS": "|".join(_TEXT_CMDS),
    }.items():
        g = g.replace(key, value)
    return g


_PARSER = Lark(_grammar(), parser="lalr", lexer="basic", propagate_positions=True,
               maybe_placeholders=False)


class LatexError(ValueError):
    """The text is not LaTeX this reader understands; ``offset`` is where, in the text."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message = message
        self.offset = offset


# --------------------------------------------------------------------------
# before parsing: bounded, with clear messages
# --------------------------------------------------------------------------

_PYTHON = re.compile(r"__|\"|'[^']*'|\bimport\b|\blambda\b|\bos\.|\bsys\.")
_CMD = re.compile(r"\\([a-zA-Z]+)")
# LaTeX reads x^12 as x^1 2 and \frac12 as \frac{1}{2}: refuse rather than guess
_AMBIGUOUS = (
    (re.compile(r"[_^]\s*[0-9][0-9]"), "{} is ambiguous (LaTeX reads one digit): use braces, e.g. x^{{12}}"),
    (re.compile(r"\\[dt]?frac\s*[0-9][0-9]"), "{} is ambiguous: write \\frac{{1}}{{2}}"),
)


def _prescan(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise LatexError(f"formula too long ({len(text):,} characters; the limit is {MAX_CHARS:,})")
    m = _PYTHON.search(text)
    if m:
        raise LatexError(f"this looks like Python, not LaTeX ({m.group(0)!r}): gradproof reads "
                         "LaTeX only and never runs code", m.start())
    for pattern, message in _AMBIGUOUS:
        m = pattern.search(text)
        if m:
            raise LatexError(message.format(m.group(0).replace(" ", "")), m.start())
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise LatexError(f"brackets nested more than {MAX_DEPTH} deep", i)
        elif ch in ")]}":
            depth -= 1
    for m in _CMD.finditer(text):
        name = m.group(1)
        if m.start() > 0 and text[m.start() - 1] == "\\":
            continue  # "\\" is a line break, handled by the Markdown reader
        if name in _MATRIX_CMDS:
            raise LatexError(f"matrix notation is not supported yet (\\{name})", m.start())
        if name in _RELATIONS:
            raise LatexError(f"\\{name}: only chains of '=' are checked; put "
                             "<!-- gradproof: skip --> before this block", m.start())
        if name not in _KNOWN_CMDS:
            raise LatexError(f"unknown command \\{name}", m.start())
        if name in ("left", "right"):
            rest = text[m.end():].lstrip()
            if not rest or (rest[0] not in "()[]." and not rest.startswith(("\\{", "\\}"))):
                raise LatexError(f"\\{name}{rest[:1]} is not supported (only ( ) [ ] \\{{ \\}})", m.start())
    for ch, message in (("*", "matrix notation is not supported yet ('*', element-wise product)"),
                        ("'", "primes (f') are not supported: write \\frac{d}{dx} f"),
                        (",", "a comma: function notation like L(a, y) and lists are not supported"),
                        ("|", "absolute values |x| are not supported"),
                        ("!", "factorials are not supported"),
                        ("<", "only chains of '=' are checked"), (">", "only chains of '=' are checked")):
        for m in re.finditer(re.escape(ch), text):
            if ch in ",;!:|" and m.start() > 0 and text[m.start() - 1] == "\\":
                continue  # \, \! are spaces
            raise LatexError(message, m.start())


def parse(text: str) -> Tree:
    """The parse tree of one expression (no ``=``), or :class:`LatexError`."""
    _prescan(text)
    if not text.strip():
        raise LatexError("an empty side: expected an expression")
    try:
        return _PARSER.parse(text)
    except UnexpectedCharacters as exc:
        raise LatexError(f"unexpected character {text[exc.pos_in_stream]!r}", exc.pos_in_stream) from None
    except UnexpectedEOF:
        raise LatexError("the formula ends too early", len(text)) from None
    except UnexpectedToken as exc:
        tok = exc.token
        if tok.type == "$END":
            raise LatexError("the formula ends too early (a missing argument or closing bracket?)",
                             len(text)) from None
        raise LatexError(f"unexpected {str(tok)!r}", tok.start_pos or 0) from None
    except UnexpectedInput as exc:  # pragma: no cover - any other lark input error
        raise LatexError(f"cannot read this formula: {exc.__class__.__name__}",
                         getattr(exc, "pos_in_stream", 0) or 0) from None


# --------------------------------------------------------------------------
# the builder
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Head:
    """A function head waiting for its argument."""

    fn: Callable
    offset: int
    power: Tree | None = None  # \log_{b}: base


@dataclass(frozen=True)
class _Operator:
    """``\\frac{d}{dv}`` or ``\\sum_{i=1}^{m}``: applies to the rest of the product."""

    kind: str  # "derivative" | "sum"
    offset: int
    variable: sp.Symbol
    bounds: tuple = ()
    index_name: str = ""


def _default_symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def _pos(node) -> int:
    if isinstance(node, Token):
        return node.start_pos or 0
    meta = getattr(node, "meta", None)
    return getattr(meta, "start_pos", 0) if meta is not None and not meta.empty else 0


@dataclass
class Reader:
    """Builds SymPy from parse trees, with the document's symbol table.

    ``symbol`` maps a name (``"w_1"``, ``"W^[2]"``, ``"alpha"``, ``"yhat"``) to
    its SymPy symbol, so every occurrence in a document is the same object.
    """

    symbol: Callable[[str], sp.Symbol] = _default_symbol
    indices: dict[str, sp.Symbol] = field(default_factory=dict)

    def read(self, text: str) -> sp.Expr:
        self._text = text
        return self.build(parse(text), 0)

    # ---- names ---------------------------------------------------------
    def _source(self, node) -> str:
        meta = node.meta
        return re.sub(r"\s+", "", self._text[meta.start_pos:meta.end_pos])

    def _script_text(self, script: Tree) -> str:
        child = script.children[0]
        if isinstance(child, Token):  # "_1", "^ i"
            return re.sub(r"\s+", "", str(child))[1:]
        return self._source(child)

    def _mentions_index(self, node) -> bool:
        if not self.indices:
            return False
        if isinstance(node, Token):
            if node.type in ("SUBCHAR", "SUPCHAR"):
                return str(node)[-1] in self.indices
            return node.type == "LETTER" and str(node) in self.indices
        return any(self._mentions_index(c) for c in node.children)

    @staticmethod
    def _base_name(atom: Tree) -> str | None:
        if atom.data == "letter":
            return str(atom.children[0])
        if atom.data == "greek":
            return str(atom.children[0])[1:]
        if atom.data == "accent":
            return str(atom.children[1]) + str(atom.children[0])[1:]  # \hat{y} -> "yhat", as SymPy prints
        return None

    @staticmethod
    def _is_label(sup: Tree) -> bool:
        child = sup.children[0]
        if isinstance(child, Token):
            return False
        node = child
        while isinstance(node, Tree) and node.data == "juxt" and len(node.children) == 1:
            node = node.children[0]
        if isinstance(node, Tree) and node.data == "item" and len(node.children) == 1:
            node = node.children[0]
        return isinstance(node, Tree) and node.data == "paren"

    @staticmethod
    def _is_transpose(sup: Tree) -> bool:
        child = sup.children[0]
        if isinstance(child, Token):
            return str(child)[-1] == "T"
        return re.fullmatch(r"\s*T\s*", "".join(str(t) for t in child.scan_values(lambda _: True))) is not None

    # ---- the walk ------------------------------------------------------
    def build(self, node, depth: int) -> sp.Expr:
        if depth > MAX_DEPTH:
            raise LatexError(f"the formula is nested more than {MAX_DEPTH} deep", _pos(node))
        kind = node.data
        if kind in ("add", "sub"):
            # walk the left spine in a loop: a + b + c + ... is deep but not nested
            terms = []
            while isinstance(node, Tree) and node.data in ("add", "sub"):
                right = self.build(node.children[1], depth + 1)
                terms.append(right if node.data == "add" else -right)
                node = node.children[0]
            terms.append(self.build(node, depth + 1))
            return sp.Add(*reversed(terms))
        if kind in ("mul", "div"):
            factors = []
            while isinstance(node, Tree) and node.data in ("mul", "div"):
                right = self.build(node.children[1], depth + 1)
                factors.append(right if node.data == "mul" else 1 / self._nonzero(right, node.children[1]))
                node = node.children[0]
            factors.append(self.build(node, depth + 1))
            return sp.Mul(*reversed(factors))
        if kind in ("neg", "pos"):
            sign = 1
            while isinstance(node, Tree) and node.data in ("neg", "pos"):
                sign = -sign if node.data == "neg" else sign
                node = node.children[0]
                depth += 1
                if depth > MAX_DEPTH:
                    raise LatexError(f"more than {MAX_DEPTH} signs in a row", _pos(node))
            return sign * self.build(node, depth + 1)
        if kind == "juxt":
            return self._juxt(node.children, depth + 1)
        if kind == "item":
            value = self._item(node, depth + 1)
            if isinstance(value, (_Head, _Operator)):
                what = "\\frac{d}{dv}" if isinstance(value, _Operator) else "a function"
                raise LatexError(f"{what} needs an argument after it", _pos(node))
            return value
        raise LatexError(f"cannot read {kind!r} here", _pos(node))  # pragma: no cover

    @staticmethod
    def _nonzero(value, node):
        if value == 0:
            raise LatexError("division by zero", _pos(node))
        return value

    def _juxt(self, items: list, depth: int) -> sp.Expr:
        factors: list = []
        i = 0
        while i < len(items):
            value = self._item(items[i], depth)
            if isinstance(value, _Operator):
                rest = items[i + 1:]
                if not rest:
                    raise LatexError("\\frac{d}{dv} or \\sum needs an expression after it", value.offset)
                factors.append(self._apply_operator(value, rest, depth))
                break
            if isinstance(value, _Head):
                applied, i = self._apply_head(value, items, i + 1, depth)
                factors.append(applied)
                continue
            factors.append(value)
            i += 1
        return sp.Mul(*factors)

    def _apply_operator(self, op: _Operator, rest: list, depth: int) -> sp.Expr:
        if op.kind == "derivative":
            return sp.Derivative(self._juxt(rest, depth + 1), op.variable)
        previous = dict(self.indices)
        self.indices[op.index_name] = op.variable
        try:
            body = self._juxt(rest, depth + 1)
        finally:
            self.indices = previous
        return sp.Sum(body, (op.variable, *op.bounds))

    def _apply_head(self, head: _Head, items: list, j: int, depth: int):
        if depth > MAX_DEPTH:
            raise LatexError(f"more than {MAX_DEPTH} nested functions", head.offset)
        if j >= len(items):
            raise LatexError("a function needs an argument", head.offset)
        nxt = items[j]
        atom = nxt.children[0]
        if isinstance(atom, Tree) and atom.data in ("paren", "brace"):
            scripts = nxt.children[1:]
            if any(s.data != "sup" for s in scripts) or len(scripts) > 1:
                raise LatexError("a subscript after a function call", _pos(nxt))
            value = self._call(head, self.build(atom.children[0], depth + 1), nxt)
            if scripts:
                value = self._power(value, self.build(scripts[0].children[0], depth + 1)
                                    if isinstance(scripts[0].children[0], Tree)
                                    else self._char(scripts[0].children[0]), scripts[0])
            return value, j + 1
        first = self._item(nxt, depth + 1)
        if isinstance(first, _Head):  # \ln \ln x
            inner, k = self._apply_head(first, items, j + 1, depth + 1)
            return self._call(head, inner, nxt), k
        if isinstance(first, _Operator):
            return self._call(head, self._apply_operator(first, items[j + 1:], depth + 1), nxt), len(items)
        run = [first]
        k = j + 1
        while k < len(items):
            if self._starts_head_or_operator(items[k]):
                break
            run.append(self._item(items[k], depth + 1))
            k += 1
        return self._call(head, sp.Mul(*run), nxt), k

    @staticmethod
    def _starts_head_or_operator(item: Tree) -> bool:
        atom = item.children[0]
        if not isinstance(atom, Tree):
            return False
        if atom.data in ("func", "sumsign"):
            return True
        if atom.data == "text":
            return TEXT_FUNCTIONS.get(_text_content(atom.children[0])) is not None
        return atom.data == "frac" and _derivative_operator_shape(atom)

    def _call(self, head: _Head, arg, node):
        if head.power is not None:  # \log_{b} x
            return sp.log(arg, head.power)
        return head.fn(arg)

    # ---- one item: an atom with its scripts ----------------------------
    def _char(self, token: Token) -> sp.Expr:
        c = re.sub(r"\s+", "", str(token))[1:]
        if c.isdigit():
            return sp.Integer(int(c))
        if c == "e":
            return sp.E
        if c in self.indices:
            return self.indices[c]
        return self.symbol(c)

    def _script_value(self, script: Tree, depth: int) -> sp.Expr:
        child = script.children[0]
        return self._char(child) if isinstance(child, Token) else self.build(child, depth + 1)

    def _item(self, node: Tree, depth: int):
        atom, scripts = node.children[0], node.children[1:]
        subs = [s for s in scripts if s.data in ("sub", "sub_eq")]
        sups = [s for s in scripts if s.data == "sup"]
        if len(subs) > 1 or len(sups) > 1:
            raise LatexError("double subscript or superscript", _pos(node))
        sub, sup = (subs or [None])[0], (sups or [None])[0]
        if sub is not None and sub.data == "sub_eq" and atom.data != "sumsign":
            raise LatexError("'=' inside a subscript (only \\sum_{i=1}^{m} has one)", _pos(sub))

        if atom.data == "sumsign":
            return self._sum_operator(node, sub, sup, depth)
        if atom.data == "partial":
            raise LatexError("\\partial outside \\frac{\\partial X}{\\partial v}", _pos(node))
        if atom.data in ("func", "text"):
            return self._head(atom, sub, sup, node, depth)

        name = self._base_name(atom)
        if name == "e" and sub is None:
            if sup is None:
                return sp.E
            return sp.exp(self._script_value(sup, depth))
        if name is not None:
            return self._name(name, sub, sup, node, depth)

        if sub is not None:
            raise LatexError("a subscript on something that is not a name", _pos(sub))
        value = self._atom(atom, depth)
        if isinstance(value, _Operator):
            if sup is not None:
                raise LatexError("a power of a derivative operator", _pos(sup))
            return value
        if sup is not None:
            return self._power(value, self._script_value(sup, depth), sup)
        return value

    def _name(self, name: str, sub, sup, node, depth: int):
        label = None
        power = None
        if sup is not None:
            if self._is_transpose(sup):
                raise LatexError("matrix notation is not supported yet (^T, a transpose)", _pos(sup))
            if self._is_label(sup):
                label = sup
            else:
                power = sup
        full = name
        if sub is not None:
            full += "_" + self._script_text(sub)
        if label is not None:
            full += "^" + self._script_text(label)
        indexed = any(s is not None and self._mentions_index(s) for s in (sub, label))
        if indexed:
            if sub is not None and label is not None:
                raise LatexError("a name with both a subscript and a label inside a sum", _pos(node))
            script = sub if sub is not None else label
            base_name = name + ("^()" if label is not None else "")
            index = self._script_value(script, depth) if sub is not None else \
                self.build(script.children[0], depth + 1)
            value = sp.IndexedBase(base_name, real=True)[index]
        elif full in self.indices:
            value = self.indices[full]
        else:
            value = self.symbol(full)
        if power is not None:
            return self._power(value, self._script_value(power, depth), power)
        return value

    def _head(self, atom: Tree, sub, sup, node, depth: int) -> _Head:
        if atom.data == "text":
            content = _text_content(atom.children[0])
            fn = TEXT_FUNCTIONS.get(content)
            if fn is None:
                if content == "e":
                    raise LatexError("\\mathrm{e}: write e", _pos(node))
                raise LatexError(f"unknown function {str(atom.children[0])!r}; prose belongs outside "
                                 "the formula", _pos(node))
        else:
            fn = FUNCTIONS[str(atom.children[0])[1:]]
        if sup is not None:
            raise LatexError("a power on a function name (\\ln^2 x): write (\\ln x)^2", _pos(sup))
        base = None
        if sub is not None:
            if fn is not sp.log:
                raise LatexError("a subscript on a function name", _pos(sub))
            base = self._script_value(sub, depth)
        return _Head(fn, _pos(node), base)

    def _sum_operator(self, node, sub, sup, depth: int) -> _Operator:
        if sub is None or sub.data != "sub_eq" or sup is None:
            raise LatexError("a sum needs its index and both bounds: \\sum_{i=1}^{m}", _pos(node))
        index_name = str(sub.children[0])
        if index_name == "e":
            raise LatexError("e is Euler's number, not an index", _pos(sub))
        index = sp.Symbol(index_name, integer=True)
        lower = self.build(sub.children[1], depth + 1)
        upper = self._script_value(sup, depth)
        return _Operator("sum", _pos(node), index, (lower, upper), index_name)

    def _atom(self, atom: Tree, depth: int):
        kind = atom.data
        if kind == "number":
            return _number(atom.children[0])
        if kind == "pi":
            return sp.pi
        if kind in ("paren", "brace"):
            return self.build(atom.children[0], depth + 1)
        if kind == "frac":
            num, den = atom.children[1], atom.children[2]
            shape = _derivative_shape(num, den)
            if shape is not None:
                rest, variable_node = shape
                variable = self._variable(variable_node, depth)
                if rest is None:
                    return _Operator("derivative", _pos(atom), variable)
                return sp.Derivative(self._juxt(rest, depth + 1), variable)
            return self._arg(num, depth) / self._nonzero(self._arg(den, depth), den)
        if kind == "sqrt":
            return sp.sqrt(self._arg(atom.children[0], depth))
        if kind == "root":
            return sp.root(self._arg(atom.children[1], depth), self.build(atom.children[0], depth + 1))
        raise LatexError(f"cannot read {kind!r} here", _pos(atom))  # pragma: no cover

    def _arg(self, node, depth: int):
        if isinstance(node, Tree) and node.data == "brace":
            return self.build(node.children[0], depth + 1)
        return self._atom(node, depth) if node.data not in ("letter", "greek") else \
            self._name(self._base_name(node), None, None, node, depth)

    def _variable(self, item: Tree, depth: int) -> sp.Symbol:
        value = self._item(item, depth + 1)
        if not isinstance(value, sp.Symbol):
            raise LatexError("a derivative with respect to something that is not a name", _pos(item))
        return value

    def _power(self, base, exponent, node):
        if base.is_number and exponent.is_number and base.is_Rational and exponent.is_Rational:
            size = abs(float(exponent)) * max(math.log10(max(abs(base.p), abs(base.q), 2)), 1)
            if size > MAX_POWER_DIGITS:
                raise LatexError("an exact power too large to compute", _pos(node))
            if base == 0 and exponent.is_negative:
                raise LatexError("division by zero (0 to a negative power)", _pos(node))
        return sp.Pow(base, exponent)


def _text_content(token: Token) -> str:
    text = str(token)
    return text[text.index("{") + 1:-1].strip()


def _number(token: Token) -> sp.Rational:
    digits = str(token)
    if len(digits) > MAX_DIGITS:
        raise LatexError(f"a number with more than {MAX_DIGITS} digits", token.start_pos or 0)
    whole, _, frac = digits.partition(".")
    return sp.Rational(int((whole or "0") + frac), 10 ** len(frac))


# --------------------------------------------------------------------------
# derivative shapes: \frac{\partial X}{\partial v}, \frac{dX}{dv}, \frac{d}{dv}
# --------------------------------------------------------------------------

def _juxt_items(node) -> list | None:
    """The items of a braced argument that is a bare product, else None."""
    if isinstance(node, Tree) and node.data == "brace":
        node = node.children[0]
    if isinstance(node, Tree) and node.data == "juxt":
        return list(node.children)
    return None


def _is_d(item) -> bool:
    """Is this item the differential sign: \\partial, d or \\mathrm{d}, without scripts?"""
    if not (isinstance(item, Tree) and item.data == "item") or len(item.children) != 1:
        if isinstance(item, Tree) and item.data == "item" and item.children[0].data == "partial":
            raise LatexError("higher derivatives (\\partial^2) are not supported yet", _pos(item))
        return False
    atom = item.children[0]
    if atom.data == "partial":
        return True
    if atom.data == "letter":
        return str(atom.children[0]) == "d"
    return atom.data == "text" and _text_content(atom.children[0]) == "d"


def _derivative_shape(num, den):
    """``(rest items or None, variable item)`` when ``\\frac{num}{den}`` is a derivative."""
    den_items = _juxt_items(den)
    if not den_items or len(den_items) != 2 or not _is_d(den_items[0]):
        if den_items and _is_d(den_items[0]) and len(den_items) > 2:
            raise LatexError("a derivative with respect to a product: write one name after \\partial",
                             _pos(den_items[0]))
        return None
    if isinstance(num, Tree) and num.data == "letter" and str(num.children[0]) == "d":
        return None, den_items[1]  # \frac d{dx}: rare; same as \frac{d}{dx}
    num_items = _juxt_items(num)
    if not num_items or not _is_d(num_items[0]):
        return None
    rest = num_items[1:]
    return (rest or None), den_items[1]


def _derivative_operator_shape(frac: Tree) -> bool:
    try:
        shape = _derivative_shape(frac.children[1], frac.children[2])
    except LatexError:
        return False
    return shape is not None and shape[0] is None


# --------------------------------------------------------------------------
# conveniences
# --------------------------------------------------------------------------

def read(text: str, symbol: Callable[[str], sp.Symbol] = _default_symbol) -> sp.Expr:
    r"""One side of an equation as SymPy; names are made by ``symbol``.

    >>> read(r"-(1 + e^{-z})^{-1} \cdot [e^{-z} \cdot -1]")
    exp(-z)/(1 + exp(-z))
    """
    return Reader(symbol).read(text)


def name_of(text: str) -> str:
    r"""The name a ``let`` or an ``assume`` speaks of (``"W^[2]"``), or :class:`LatexError`.

    >>> name_of(r"W^{[2]}"), name_of(r"\hat{y}"), name_of("w_{1}")
    ('W^[2]', 'yhat', 'w_1')
    """
    names: list[str] = []

    def record(name: str) -> sp.Symbol:
        names.append(name)
        return sp.Symbol(name)

    value = Reader(record).read(text)
    if not isinstance(value, sp.Symbol) or len(names) != 1:
        raise LatexError(f"expected a single name, not {text.strip()!r}")
    if names[0] == "e":
        raise LatexError("e is Euler's number and cannot be defined")
    return names[0]


def is_name(text: str) -> bool:
    try:
        name_of(text)
    except LatexError:
        return False
    return True
