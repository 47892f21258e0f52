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

import hashlib
import math
import pickle
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import lark
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
    "rho varrho tau upsilon phi varphi chi psi omega varsigma varpi ell "
    "Gamma Delta Theta Lambda Xi Phi Psi Omega Sigma Pi Upsilon"
).split()


# mathematics typed or pasted as Unicode (a blog's editor, a PDF): the LaTeX it stands for
_UNICODE = {
    "∂": r"\partial", "−": "-", "–": "-", "·": r"\cdot", "⋅": r"\cdot", "×": r"\times", "∇": r"\nabla",
    "≤": r"\le", "≥": r"\ge", "≠": r"\neq", "∑": r"\sum", "√": r"\sqrt", "′": "'", "″": "''",
    "²": "^2", "³": "^3", "ŷ": r"\hat{y}", "ℓ": r"\ell", "π": r"\pi", "σ": r"\sigma",
    **{chr(c): "\\" + name for c, name in zip(
        range(0x3B1, 0x3CA), "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
        "omicron pi rho varsigma sigma tau upsilon phi chi psi omega".split(), strict=True)
       if name not in ("omicron", "pi", "sigma")},
    "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda", "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega",
}


def _from_unicode(text: str):
    """``text`` with Unicode mathematics spelled in LaTeX, and the map of an offset back to ``text``."""
    if text.isascii():
        return text, lambda offset: offset
    out, starts = [], []  # starts[k]: where the k-th character of the result came from
    for k, c in enumerate(text):
        spelled = _UNICODE.get(c)
        if spelled is None:
            out.append(c)
            starts.append(k)
            continue
        if spelled.startswith("\\") and spelled[1:].isalpha():
            spelled += " "  # \sigma z, not \sigmaz
        out.append(spelled)
        starts += [k] * len(spelled)
    result = "".join(out)
    return result, lambda offset: starts[offset] if 0 <= offset < len(starts) else len(text)


def _words_as_names(text: str, words: frozenset):
    """``text`` with each defined word (``Loss``) spelled ``\\mathrm{Loss}``, one name; ``dLoss`` opening a
    brace group (``\\frac{dLoss}{dOut}``) is ``d\\mathrm{Loss}``.  Returns the text and the map of an offset
    back to ``text``."""
    fonts = [(m.start(), m.end()) for m in _TEXT_GROUP.finditer(text)]
    out: list[str] = []
    starts: list[int] = []
    last = 0
    for m in re.finditer(r"(?<![\\a-zA-Z])[a-zA-Z]{2,}(?![a-zA-Z])", text):
        run, at = m.group(0), m.start()
        if any(a <= at < b for a, b in fonts):
            continue
        if run in words:
            lead = ""
        elif run[0] == "d" and run[1:] in words and text[:at].rstrip().endswith("{"):
            lead = "d"
        else:
            continue
        out.append(text[last:at])
        starts += range(last, at)
        spelled = lead + "\\mathrm{" + run[len(lead):] + "}"
        out.append(spelled)
        starts += [at] * len(spelled)
        last = m.end()
    out.append(text[last:])
    starts += range(last, len(text))
    return "".join(out), lambda offset: starts[offset] if 0 <= offset < len(starts) else len(text)


def _softplus(x):
    return sp.log(1 + sp.exp(x))


def _swish(x):
    return x * sigmoid(x)


def _max(*args):
    if len(args) == 2 and 0 in args:  # max(0, x) is ReLU, with ReLU's convention at the kink
        return relu(args[1] if args[0] == 0 else args[0])
    return sp.Max(*args)


FUNCTIONS: dict[str, Callable] = {
    "ln": sp.log, "log": sp.log, "exp": sp.exp, "sigma": sigmoid, "tanh": tanh,
    "sinh": sp.sinh, "cosh": sp.cosh, "sech": sp.sech, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
    "max": _max, "min": sp.Min,
}
def _softmax_marker(*args):
    """softmax is read where its entry is known (``_softmax_entry``); called any other way it is refused."""
    raise LatexError("softmax of a vector needs its entry: \\operatorname{softmax}(\\mathbf{z})_j or "
                     "\\operatorname{softmax}(z_j), with j an index (index j = 1..n)")


# functions known by a word: \text{...}, \operatorname{...}, \mathrm{...} or plain name(x), any case
TEXT_FUNCTIONS: dict[str, Callable] = {
    "softmax": _softmax_marker,
    "sig": sigmoid, "sigmoid": sigmoid, "σ": sigmoid, "sigma": sigmoid, "relu": relu,
    "tanh": tanh, "sinh": sp.sinh, "cosh": sp.cosh, "sech": sp.sech, "ln": sp.log, "log": sp.log,
    "exp": sp.exp, "softplus": _softplus, "swish": _swish, "silu": _swish, "max": _max, "min": sp.Min,
    "erf": sp.erf,
    "abs": sp.Abs, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
}
_TEXT_CMDS = ("text textrm textit textbf mathrm mathit operatorname rm mathbf boldsymbol bm mathcal "
              "mathsf mathtt mathnormal pmb").split()
_TEXT_GROUP = re.compile(r"\\(?:" + "|".join(sorted(_TEXT_CMDS, key=len, reverse=True)) + r")\s*\{[^{}]*\}")
_SIZED = r"\\(?:left|bigl|Bigl|biggl|Biggl|big|Big|bigg|Bigg)\s*"
_SIZEDR = r"\\(?:right|bigr|Bigr|biggr|Biggr|big|Big|bigg|Bigg)\s*"
_MATRIX_CMDS = {"odot", "top", "intercal", "otimes", "circ", "oslash", "vec", "Vert", "lVert",
                "rVert", "ast", "star"}
_KNOWN_CMDS = ({"frac", "dfrac", "tfrac", "sqrt", "cdot", "times", "partial", "sum", "pi", "hat", "bar",
                "tilde", "quad", "qquad", "displaystyle", "textstyle", "left", "right", "bigl", "bigr",
                "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", "big", "Big", "bigg", "Bigg", "neq", "ne",
                "prime", "lvert", "rvert", "vert", "mathbb", "nabla", "leq", "geq", "le", "ge", "lt", "gt", "limits", "nolimits", "cal", "bf", "it"}
               | set(GREEK) | set(FUNCTIONS) | set(_TEXT_CMDS))
_RELATIONS = {"approx", "equiv", "Rightarrow",
              "implies", "iff", "to", "rightarrow", "propto", "sim", "coloneqq"}

GRAMMAR = r"""
?start: expr
      | expr _EVAL LETTER _EQ expr "}"  -> evaluate

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
item: atom (sub | sup | PRIME)*
sub: SUBCHAR
   | "_" "{" expr "}"
   | "_" greek_juxt
   | "_" "{" LETTER _EQ expr "}"   -> sub_eq
   | "_" "{" LETTER _NEQ expr "}"  -> sub_neq
   | "_" "{" LETTER _COLON LETTER _NEQ expr "}"  -> sub_such_neq
   | "_" "{" expr (_COMMA expr)+ "}" -> sub_list
sup: SUPCHAR
   | "^" "{" expr "}"
// h_\theta without braces: read as h_{\theta}
greek_juxt: greek_item -> juxt
greek_item: greek_atom -> item
greek_atom: GREEK -> greek
?atom: NUMBER                        -> number
     | LETTER                        -> letter
     | GREEK                         -> greek
     | PI                            -> pi
     | ACCENT "{" (LETTER | GREEK | TEXT) "}"  -> accent
     | ACCENT LETTER                 -> accent
     | _LPAR expr _RPAR              -> paren
     | _LPAR expr (_COMMA expr)+ _RPAR -> tuple
     | _LBRACK expr _RBRACK          -> paren
     | _LBRACE_ESC expr _RBRACE_ESC  -> paren
     | _LBRACE_ESC expr (_COMMA expr)+ _RBRACE_ESC -> tuple
     | _LABS expr _RABS              -> abs
     | brace
     | FRAC arg arg                  -> frac
     | _SQRT arg                     -> sqrt
     | _SQRT _LBRACK expr _RBRACK arg -> root
     | FUNC                          -> func
     | TEXT                          -> text
     | WORD                          -> word
     | NAMEWORD                      -> nameword
     | _PARTIAL                      -> partial
     | _NABLA                        -> nabla
     | _SUM                          -> sumsign
     | INDICATOR _LBRACK LETTER _EQ LETTER _RBRACK -> indicator
     | INDICATOR _LPAR expr CMP expr _RPAR       -> indicator_cmp
     | INDICATOR _LBRACK expr CMP expr _RBRACK   -> indicator_cmp
     | INDICATOR "_" "{" LETTER _EQ LETTER "}"     -> indicator
brace: "{" expr "}"
?arg: brace
    | LETTER                        -> letter
    | NUMBER                        -> number
    | GREEK                         -> greek

NUMBER: /[0-9]+(\.[0-9]+)?|\.[0-9]+/
LETTER: /[a-zA-Z]/
// three or more letters with a subscript are one name (net_{h1}, out_{o1}, target_k), not a product
NAMEWORD.1: /[a-zA-Z]{3,}(?=\s*_)/
WORD.2: /[a-zA-Z]{2,}(?=\s*(['\u2019]|\\prime|\^\s*\{?\s*\\prime)*\s*(\(|\\left|\\big|\\Big))|(?i:sigmoid|softplus|relu|swish|silu|tanh|sinh|cosh|sech|softmax|logsumexp)(?![a-zA-Z])/
SUBCHAR: /_\s*[0-9a-zA-Z]/
SUPCHAR: /\^\s*[0-9a-zA-Z]/
PRIME.4: /['\u2019]+|\^\s*\{\s*(\\prime\s*)+\}|\^\s*\\prime(?![a-zA-Z])/
_PLUS: "+"
_MINUS: "-"
_DIV: "/"
_EQ: "="
_COMMA: ","
_COLON: ":"
CMP.3: /<=|>=|<|>|\\geq?(?![a-zA-Z])|\\leq?(?![a-zA-Z])|\\gt(?![a-zA-Z])|\\lt(?![a-zA-Z])/
_NEQ.3: /\\neq?(?![a-zA-Z])/
_MUL.3: /\\(cdot|times)(?![a-zA-Z])|\*/
_LPAR.3: /(SIZED)?\(/
_RPAR.3: /(SIZEDR)?\)/
_LBRACK.3: /(SIZED)?\[/
_RBRACK.3: /(SIZEDR)?\]/
_LBRACE_ESC.3: /(SIZED)?\\\{/
_RBRACE_ESC.3: /(SIZEDR)?\\\}/
_LABS.3: /(SIZED)?\u27e6|\\lvert(?![a-zA-Z])/
_RABS.3: /(SIZEDR)?\u27e7|\\rvert(?![a-zA-Z])/
_EVAL.4: /(SIZEDR)?\|\s*_\s*\{/
INDICATOR.4: /\\math(bb|bf|rm)\s*\{\s*1\s*\}|\\mathbb\s*1/
FRAC.3: /\\[dt]?frac(?![a-zA-Z])/
_SQRT.3: /\\sqrt(?![a-zA-Z])/
_PARTIAL.3: /\\partial(?![a-zA-Z])/
_NABLA.3: /\\nabla(?![a-zA-Z])/
_SUM.3: /\\sum(?![a-zA-Z])(\s*\\(no)?limits(?![a-zA-Z]))?/
PI.3: /\\pi(?![a-zA-Z])/
FUNC.3: /\\(FUNCS)(?![a-zA-Z])/
GREEK.3: /\\(GREEKS)(?![a-zA-Z])/
ACCENT.3: /\\(hat|bar|tilde|widehat|widetilde|overline|dot|check)(?![a-zA-Z])/
TEXT.3: /\\(TEXTS)\s*\{([^{}]|\{[^{}]*\})*\}|\{\s*\\(rm|bf|cal|it|sf|tt)(?![a-zA-Z])[^{}]*\}/
SPACE.3: /\\(quad|qquad|displaystyle|textstyle|limits|nolimits)(?![a-zA-Z])|\\[,;:! ]|~|(\\left|\\right)\s*\./
%ignore SPACE
%ignore /\s+/
"""


def _grammar() -> str:
    g = GRAMMAR
    for key, value in {
        "SIZEDR": _SIZEDR, "SIZED": _SIZED,
        "FUNCS": "|".join(sorted(FUNCTIONS, key=len, reverse=True)),
        "GREEKS": "|".join(sorted(GREEK, key=len, reverse=True)),
        "TEXTS": "|".join(sorted(_TEXT_CMDS, key=len, reverse=True)),
    }.items():
        g = g.replace(key, value)
    return g


_OPTIONS = {"parser": "lalr", "lexer": "basic", "propagate_positions": True, "maybe_placeholders": False}
# The LALR tables of the grammar, as lark saves them: building them costs 44 ms of CPU at every
# start (4% of `gradproof check` on the corpus), loading them 9 ms.  Part of the package, written by
# save_tables() (tests/test_latex.py says when they are out of date); never a file a user supplies.
TABLES = Path(__file__).with_name("latex_tables.pickle")


def _fingerprint(grammar: str) -> str:
    """What the saved tables were built from: the grammar, the options and lark's version."""
    return hashlib.sha256(f"{lark.__version__}\n{sorted(_OPTIONS.items())}\n{grammar}".encode()).hexdigest()


def _parser() -> Lark:
    """The parser: from the saved tables when they were built from this grammar, options and lark; else built."""
    grammar = _grammar()
    try:
        with TABLES.open("rb") as f:
            if f.readline().decode("ascii", "replace").strip() == _fingerprint(grammar):
                return Lark.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError):
        pass  # missing or unreadable: the same parser, built
    return Lark(grammar, **_OPTIONS)


def save_tables(path: Path = TABLES) -> None:
    """Write the parser's tables for :func:`_parser` to load (after a change to the grammar or to lark)."""
    grammar = _grammar()
    with path.open("wb") as f:
        f.write(f"{_fingerprint(grammar)}\n".encode("ascii"))
        Lark(grammar, **_OPTIONS).save(f)


_PARSER = _parser()


class LatexError(ValueError):
    """The text is not LaTeX this reader understands; ``offset`` is where, in the text."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message = message
        self.offset = offset


# --------------------------------------------------------------------------
# before parsing: bounded, with clear messages
# --------------------------------------------------------------------------

_PYTHON = re.compile(r"__|\"|(?<!\\)\b(?:import|lambda)\b|\bos\.|\bsys\.")
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
        raise LatexError(f"this looks like Python, not LaTeX (`{m.group(0)}`): gradproof reads "
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
            raise LatexError(f"matrix notation is not supported yet (`\\{name}`)", m.start())
        if name in _RELATIONS:
            raise LatexError(f"\\{name}: only chains of '=' are checked; put "
                             "<!-- gradproof: skip --> before this block", m.start())
        if name not in _KNOWN_CMDS:
            raise LatexError(f"unknown command `\\{name}`", m.start())
        if name in ("left", "right"):
            rest = text[m.end():].lstrip()
            if not rest or (rest[0] not in "()[].|" and not rest.startswith(("\\{", "\\}", "\\lvert", "\\rvert"))):
                raise LatexError(f"\\{name}{rest[:1]} is not supported (only ( ) [ ] \\{{ \\}})", m.start())
    # `*` is a product of scalars here (blog posts write h(x)*x); matrix notes read it as their header says
    for ch, message in (("!", "factorials are not supported"),
                        ):
        for m in re.finditer(re.escape(ch), text):
            if ch in ",;!:|" and m.start() > 0 and text[m.start() - 1] == "\\":
                continue  # \, \! are spaces
            raise LatexError(message, m.start())


_OPENS_BAR = set("+-=([{,/") | {"\u27e6"}


def _pair_bars(text: str) -> str:
    """``|x|`` with its two bars told apart (same length: offsets stay valid).

    A bar opens after an operator, an opening bracket or at the start; else it
    closes the innermost open bar.  ``|_{x=0}`` is an evaluation bar, left as is.
    """
    if "|" not in text:
        return text
    chars = list(text)
    open_bars = 0
    for k, ch in enumerate(text):
        if ch != "|" or (k > 0 and text[k - 1] == "\\"):
            continue
        if re.match(r"\|\s*_\s*\{", text[k:]) and open_bars == 0:
            continue
        before = re.sub(r"\\(left|right|big|Big|bigg|Bigg)[lr]?\s*$", "", text[:k]).rstrip()
        opening = not before or before[-1] in _OPENS_BAR or before.endswith(("\\cdot", "\\times")) \
            or open_bars == 0
        if opening:
            chars[k] = "\u27e6"
            open_bars += 1
        else:
            chars[k] = "\u27e7"
            open_bars -= 1
    return "".join(chars)


def parse(text: str) -> Tree:
    """The parse tree of one expression (no ``=``), or :class:`LatexError`."""
    _prescan(text)
    if not text.strip():
        raise LatexError("an empty side: expected an expression")
    text = re.sub(r"\^\s*\{\s*\}", lambda m: " " * len(m.group(0)), text)  # \sum_{k}^{ } is \sum_k
    try:
        return _PARSER.parse(_pair_bars(text))
    except UnexpectedCharacters as exc:
        # the basic lexer always says where; lark types the position Optional
        pos = exc.pos_in_stream if exc.pos_in_stream is not None else 0
        raise LatexError(f"unexpected character `{text[pos]}`", pos) from None
    except UnexpectedEOF:
        raise LatexError("the formula ends too early", len(text)) from None
    except UnexpectedToken as exc:
        tok = exc.token
        if tok.type == "$END":
            raise LatexError("the formula ends too early (a missing argument or closing bracket?)",
                             len(text)) from None
        raise LatexError(f"unexpected `{str(tok)}`", tok.start_pos or 0) from None
    except UnexpectedInput as exc:  # pragma: no cover - any other lark input error
        raise LatexError(f"cannot read this formula: {exc.__class__.__name__}",
                         getattr(exc, "pos_in_stream", 0) or 0) from None


# --------------------------------------------------------------------------
# the builder
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Function:
    """A function the note defines (``let f(x, y) = ...``): its body in its parameters."""

    name: str
    params: tuple  # one Dummy per parameter: a call never captures a name of the note
    body: sp.Expr
    names: tuple[str, ...]  # the parameters as written: bare ``f`` means ``f(x, y)``
    literal: tuple = ()  # a parameter that is an example (h(x^{(i)})): the only argument it takes

    def __call__(self, *args):
        if len(args) != len(self.params):
            raise LatexError(f"`{self.name}` takes {len(self.params)} argument(s), not {len(args)}")
        for given, only in zip(args, self.literal, strict=False):
            if only is not None and given != only:
                raise LatexError(f"`{self.name}` is defined for `{only}`, not `{given}`")
        return self.body.xreplace(dict(zip(self.params, args, strict=False)))


@dataclass(frozen=True)
class _Head:
    """A function head waiting for its argument."""

    fn: Callable
    offset: int
    power: Any = None  # \log_{b}: base
    order: int = 0  # primes: f'(x), f''(x)
    name: str = ""
    exponent: Any = None  # \tanh^2 x: a power of the value
    user: bool = False


@dataclass(frozen=True)
class _Operator:
    """``\\frac{d}{dv}`` or ``\\sum_{i=1}^{m}``: applies to the rest of the product."""

    kind: str  # "derivative" | "sum"
    offset: int
    variables: tuple = ()  # derivative: (v, count) pairs; sum: (index, lower, upper) triples
    exclude: tuple = ()  # sum: (index, value) pairs, \sum_{k \neq i}
    names: tuple = ()  # sum: the index letters


def _default_symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def _no_prime(value, order: int, offset: int):
    raise LatexError(f"a prime on `{value}`: define it in the header (let y = ...) or write \\frac{{d}}{{dx}}",
                     offset)


def _pos(node) -> int:
    if isinstance(node, Token):
        return node.start_pos or 0
    meta = getattr(node, "meta", None)
    return getattr(meta, "start_pos", 0) if meta is not None and not meta.empty else 0


def index_symbol(name: str) -> sp.Symbol:
    """The symbol of an index letter (an integer), the same in every reading."""
    return sp.Symbol(name, integer=True)


def implicit_size(name: str) -> sp.Symbol:
    """The size of an index with no range (``\\sum_k`` without ``index k = 1..n``)."""
    return sp.Symbol(f"|{name}|", integer=True, positive=True)


@dataclass
class Reader:
    """Builds SymPy from parse trees, with the document's symbol table.

    ``symbol`` maps a name (``"w_1"``, ``"W^[2]"``, ``"alpha"``, ``"yhat"``) to
    its SymPy symbol, so every occurrence in a document is the same object.
    ``functions`` are the note's own functions, ``indices`` the index letters
    in scope (``index i = 1..n`` and the sums around), ``ranges`` their upper
    bounds, ``first`` their first values where not 1, ``indexed`` the names whose entries are indexed (``let p_i``), and
    ``prime`` reads ``y'`` for a quantity ``y``.
    """

    symbol: Callable[[str], sp.Symbol] = _default_symbol
    indices: dict[str, sp.Symbol] = field(default_factory=dict)
    # a Function, or any callable with the parameters' ``names`` (a note's refused let)
    functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    ranges: dict[str, Any] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)  # an index's first value when not 1 (index i = 0..n)
    indexed: set = field(default_factory=set)
    prime: Callable = _no_prime
    layers: str = ""  # the layer letter of ``layers l``: superscripts l, l+1, L are labels
    # names the note declares as quantities (a let, an assume); when given, an undeclared Greek letter
    # before a parenthesis (\phi(z)) is refused: a function the note never defines, or a product?
    quantities: frozenset | None = None
    # names of several letters the note defines (let Loss = ..., let Out = ...): each is one name where it
    # is written as a whole word, and in dLoss of \frac{dLoss}{dOut}
    words: frozenset = frozenset()

    def read(self, text: str) -> sp.Expr:
        ascii_text, where = _from_unicode(text)
        if self.words:
            ascii_text, back = _words_as_names(ascii_text, self.words)
            where = (lambda first, second: lambda offset: first(second(offset)))(where, back)
        try:
            return self._read(ascii_text)
        except LatexError as exc:  # where the user's own text has it
            raise LatexError(exc.message, where(exc.offset)) from None

    def _read(self, text: str) -> sp.Expr:
        self._text = text
        tree = _fold_negated_sums(parse(text))
        if tree.data == "evaluate":  # E |_{x=a}
            expr, var, point = tree.children
            value = self.build(expr, 0)
            name = str(var)
            symbol = self.indices.get(name) or self.symbol(name)
            return sp.Subs(value, symbol, self.build(point, 1))
        return self.build(tree, 0)

    # ---- names ---------------------------------------------------------
    def _source(self, node) -> str:
        meta = node.meta
        return re.sub(r"\s+", "", self._text[meta.start_pos:meta.end_pos])

    def _script_text(self, script: Tree) -> str:
        child = script.children[0]
        if isinstance(child, Token):  # "_1", "^ i"
            return re.sub(r"\s+", "", str(child))[1:]
        if script.data == "sub_list":
            return "".join(self._source(c) for c in script.children)
        return self._source(child)

    def _base_name(self, atom: Tree) -> str | None:
        if atom.data in ("letter", "nameword"):
            return str(atom.children[0])
        if atom.data == "greek":
            return str(atom.children[0])[1:]
        if atom.data == "accent":
            inner = _token(atom.children[1])
            if inner.type == "GREEK":
                base = str(inner)[1:]
            elif inner.type == "TEXT":
                base = _text_content(inner)
                base = base[1:] if base.startswith("\\") else base
            else:
                base = str(inner)
            accent = str(atom.children[0])[1:].replace("wide", "").replace("overline", "bar")
            return base + accent  # \hat{y} -> "yhat", as SymPy prints
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
        if not (isinstance(node, Tree) and node.data == "paren"):
            return False
        # w^{(1 - 1)}: arithmetic of numbers in the parentheses is a power (a blog's exponent), x^{(1)} a label
        inner = node.children[0]
        arithmetic = isinstance(inner, Tree) and inner.data in ("add", "sub", "mul", "div")
        return not (arithmetic and all(t.type == "NUMBER" for t in inner.scan_values(lambda v: isinstance(v, Token))))

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
            chain = []  # the operands left to right, each with "divides?"
            while isinstance(node, Tree) and node.data in ("mul", "div"):
                chain.append((node.data == "div", node.children[1]))
                node = node.children[0]
            chain.append((False, node))
            return self._chain(chain[::-1], depth + 1)
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
        if kind == "folded":
            return self.build(node.children[0], depth + 1)
        if kind == "item":
            return self._juxt([node], depth + 1)
        raise LatexError(f"cannot read {kind!r} here", _pos(node))  # pragma: no cover

    @staticmethod
    def _nonzero(value, node):
        if value == 0:
            raise LatexError("division by zero", _pos(node))
        return value

    def _chain(self, chain: list, depth: int) -> sp.Expr:
        """Operands joined by ``*``, ``\\cdot``, ``\\times``, ``/``, left to right.

        A sum runs to the end of its product, as in ``\\sum_i a_i \\cdot b_i`` (that is
        ``\\sum_i (a_i b_i)``, not ``b_i \\sum_i a_i``): an operand that opens a sum
        takes the operands after it into the sum's body.
        """
        factors: list = []
        for k, (divides, node) in enumerate(chain):
            if not divides and isinstance(node, Tree) and node.data in ("juxt", "item"):
                value, consumed = self._juxt_scoped(node.children if node.data == "juxt" else [node], depth + 1,
                                                    chain[k + 1:])
                factors.append(value)
                if consumed:
                    break
                continue
            value = self.build(node, depth + 1)
            factors.append(1 / self._nonzero(value, node) if divides else value)
        return sp.Mul(*factors)

    def _juxt(self, items: list, depth: int, tail: list | tuple = ()) -> sp.Expr:
        """A juxtaposition; ``tail``: operands of ``*``/``/`` after it that a sum in it takes into its body."""
        value, consumed = self._juxt_scoped(items, depth, tail)
        return value if consumed or not tail else value * self._chain(list(tail), depth + 1)

    def _juxt_scoped(self, items: list, depth: int, tail: list | tuple) -> tuple[sp.Expr, bool]:
        """The juxtaposition, and whether a sum in it took ``tail`` into its body."""
        factors: list = []
        i = 0
        while i < len(items):
            self._refuse_greek_call(items, i)
            value = self._item(items[i], depth)
            if isinstance(value, _Operator):
                rest = items[i + 1:]
                if not rest:
                    raise LatexError("\\frac{d}{dv} or \\sum needs an expression after it", value.offset)
                if value.kind == "sum":
                    factors.append(self._apply_operator(value, rest, depth, tail))
                    return sp.Mul(*factors), True
                factors.append(self._apply_operator(value, rest, depth))
                break
            if isinstance(value, _Head):
                applied, i = self._apply_head(value, items, i + 1, depth)
                factors.append(applied)
                continue
            if isinstance(value, tuple):
                raise LatexError("a list (a, b) after something that is not a function: define the "
                                 "function in the header (let L(a, y) = ...)", _pos(items[i]))
            factors.append(value)
            i += 1
        return sp.Mul(*factors), False

    def _apply_operator(self, op: _Operator, rest: list, depth: int, tail: list | tuple = ()) -> sp.Expr:
        if op.kind == "derivative":
            return sp.Derivative(self._juxt(rest, depth + 1), *op.variables)
        previous = dict(self.indices)
        self.indices.update(dict(zip(op.names, (v[0] for v in op.variables), strict=False)))
        try:
            body = self._juxt(rest, depth + 1, tail)
        finally:
            self.indices = previous
        for k, other in op.exclude:
            body = body * (1 - sp.KroneckerDelta(k, other))
        return sp.Sum(body, *op.variables)

    def _apply_head(self, head: _Head, items: list, j: int, depth: int):
        if depth > MAX_DEPTH:
            raise LatexError(f"more than {MAX_DEPTH} nested functions", head.offset)
        if j >= len(items) or (head.user and not self._is_group(items[j])):
            if head.user:  # bare f: f(x, y) in its own parameters' names
                names: tuple[str, ...] = getattr(head.fn, "names", ())  # a note's function: its parameters
                args = [self.indices.get(n) or self.symbol(n) for n in names]
                return self._call(head, args, head.offset), j
            if head.order:
                raise LatexError(f"`{head.name}'` without its argument in parentheses: write {head.name}'(z)",
                                 head.offset)
            raise LatexError("a function needs an argument", head.offset)
        nxt = items[j]
        atom = nxt.children[0]
        if head.order and not self._is_group(nxt):
            # \sigma' \frac{\partial u}{\partial w}: sigma' at an argument left unsaid, times the fraction --
            # not sigma' of the fraction
            raise LatexError(f"`{head.name}'` without its argument in parentheses: write {head.name}'(z)", head.offset)
        if self._is_group(nxt) and head.fn is _softmax_marker and not head.order and head.exponent is None:
            return self._softmax_entry(nxt, depth), j + 1
        if self._is_group(nxt):
            scripts = nxt.children[1:]
            primes = [s for s in scripts if isinstance(s, Token) and s.type == "PRIME"]
            if primes and scripts[:len(primes)] == primes and head.order == 0:
                # \sigma(x)' is \sigma'(x): the derivative of a function, at its argument
                head = replace(head, order=sum(_prime_count(s) for s in primes))
                scripts = scripts[len(primes):]
            if any(not isinstance(s, Tree) or s.data != "sup" for s in scripts) or len(scripts) > 1:
                raise LatexError("a subscript or prime after a function call", _pos(nxt))
            if atom.data == "tuple":
                args = [self.build(c, depth + 1) for c in atom.children]
            else:
                args = [self.build(atom.children[0], depth + 1)]
            value = self._call(head, args, _pos(nxt))
            if scripts:
                value = self._power(value, self._script_value(scripts[0], depth), scripts[0])
            return value, j + 1
        first = self._item(nxt, depth + 1)
        if isinstance(first, _Head):  # \ln \ln x
            inner, k = self._apply_head(first, items, j + 1, depth + 1)
            return self._call(head, [inner], _pos(nxt)), k
        if isinstance(first, _Operator):
            return self._call(head, [self._apply_operator(first, items[j + 1:], depth + 1)], _pos(nxt)), len(items)
        run = [first]
        k = j + 1
        while k < len(items):
            if self._starts_head_or_operator(items[k]):
                break
            run.append(self._item(items[k], depth + 1))
            k += 1
        return self._call(head, [sp.Mul(*run)], _pos(nxt)), k

    def _refuse_greek_call(self, items: list, i: int) -> None:
        """``\\phi(z)`` with ``\\phi`` neither defined nor declared: an activation left open, or ``\\phi``
        times ``z``?  Reading it as a product would make ``\\partial \\phi(z) / \\partial z = \\phi`` hold."""
        atom = items[i].children[0]
        if len(items[i].children) != 1 or i + 1 >= len(items):
            return
        nxt = items[i + 1].children[0]
        if atom.data == "text" and isinstance(nxt, Tree) and nxt.data in ("paren", "tuple") \
                and self._text[_pos(nxt):].lstrip().startswith(("(", "\\left(")):
            try:
                word = self._word(atom)
            except LatexError:
                return
            if word[0] == "name" and len(word[1]) > 1:  # \operatorname{erfc}(x): not a product of erfc and x
                raise LatexError(f"`{word[1]}(` is not a known function: define it in the header "
                                 f"(let {word[1]}(x) = ...)", _pos(atom))
            return
        if self.quantities is not None and atom.data == "letter" and self._names_in_parentheses(items[i], nxt):
            name = str(atom.children[0])
            if name not in self.functions and name != "e":
                what = (f"{name} is a quantity here (a let), not a function: make it one (let {name}(...) = ...)"
                        if name in self.quantities else
                        f"a function the note does not define, or {name} times its argument? define it "
                        f"(let {name}(x) = ...), or write {name} \\cdot (...) for a product")
                raise LatexError(f"`{self._source(items[i])}{self._source(items[i + 1])}`: {what}", _pos(atom))
        if self.quantities is None or atom.data != "greek":
            return
        name = str(atom.children[0])[1:]
        if name in self.functions or name in self.quantities or not isinstance(nxt, Tree) \
                or nxt.data not in ("paren", "tuple") or not self._text[_pos(nxt):].lstrip().startswith(("(", "\\left(")):
            return
        raise LatexError(f"`\\{name}(...)`: a function or a product? define the function (let \\{name}(x) = ...), "
                         f"or declare \\{name} a quantity (let \\{name} = ... or assume \\{name} > 0)", _pos(atom))

    def _names_in_parentheses(self, item: Tree, group: Tree) -> bool:
        """``f(x)``, ``J(\\theta)``, ``f(w_1, w_2)``: a letter, then at once a parenthesis of names only."""
        if group.data not in ("paren", "tuple") or self._text[item.meta.end_pos:_pos(group)] != "" \
                or not self._text[_pos(group):].startswith("("):
            return False
        parts = group.children if group.data == "tuple" else [group.children[0]]
        for part in parts:
            items = _juxt_items(part)
            if not items or len(items) != 1:
                return False
            atom, scripts = items[0].children[0], items[0].children[1:]
            if not isinstance(atom, Tree) or atom.data not in ("letter", "greek", "accent", "nameword") \
                    or any(not isinstance(s, Tree) or s.data != "sub" for s in scripts):
                return False
        return True

    def _softmax_entry(self, item: Tree, depth: int) -> sp.Expr:
        """``\\operatorname{softmax}(\\mathbf{z})_j`` or ``softmax(z_j)``: entry ``j`` of the softmax of the
        vector ``z``, the sum running over the range of the index ``j``."""
        atom, scripts = item.children[0], item.children[1:]
        subs = [s for s in scripts if isinstance(s, Tree) and s.data == "sub"]
        if atom.data == "tuple" or len(subs) != len(scripts):
            raise LatexError("softmax takes one vector, and only a subscript after it: "
                             "\\operatorname{softmax}(\\mathbf{z})_j", _pos(item))
        arg = self.build(atom.children[0], depth + 1)
        if subs:  # softmax(z)_j: z a vector the note names nowhere else as a scalar
            if not isinstance(arg, sp.Symbol) or isinstance(arg, sp.Dummy) or arg.is_real is not True:
                raise LatexError("softmax(...)_j of something that is not the name of a vector", _pos(item))
            base, entry = str(arg), self._script_value(subs[0], depth)
        elif isinstance(arg, sp.Indexed) and len(arg.indices) == 1:  # softmax(z_j)
            base, entry = str(arg.base), arg.indices[0]
        else:
            raise LatexError("softmax of a vector needs its entry: \\operatorname{softmax}(\\mathbf{z})_j or "
                             "\\operatorname{softmax}(z_j)", _pos(item))
        letter = next((name for name, symbol in self.indices.items() if symbol == entry), None)
        if letter is None:
            raise LatexError("the entry of a softmax is an index letter (index j = 1..n): its range is "
                             "the vector's size", _pos(item))
        k = sp.Dummy(letter, integer=True)
        vector = sp.IndexedBase(base, real=True)
        upper = self.ranges.get(letter, implicit_size(letter))
        return sp.exp(vector[entry]) / sp.Sum(sp.exp(vector[k]), (k, sp.Integer(self.first.get(letter, 1)), upper))

    @staticmethod
    def _is_group(item: Tree) -> bool:
        atom = item.children[0]
        return isinstance(atom, Tree) and atom.data in ("paren", "brace", "tuple")

    def _starts_head_or_operator(self, item: Tree) -> bool:
        atom = item.children[0]
        if not isinstance(atom, Tree):
            return False
        if atom.data in ("func", "sumsign", "word"):
            return True
        if atom.data == "text":
            try:
                return self._word(atom)[0] == "head"
            except LatexError:
                return False
        if atom.data in ("letter", "greek"):
            return self._base_name(atom) in self.functions
        return atom.data == "frac" and _derivative_operator_shape(atom)

    def _call(self, head: _Head, args: list, offset: int):
        if head.power is not None:  # \log_{b} x
            if len(args) != 1:
                raise LatexError("\\log takes one argument", offset)
            return sp.log(args[0], head.power)
        if head.order:
            if len(args) != 1:
                raise LatexError(f"`{head.name}'` of a function of {len(args)} variables: write "
                                 "\\frac{\\partial f}{\\partial x}", offset)
            t = sp.Dummy("t", real=True)
            value = sp.Subs(sp.Derivative(self._apply_fn(head, [t], offset), (t, head.order)), t, args[0])
        else:
            value = self._apply_fn(head, args, offset)
        if head.exponent is not None:
            value = sp.Pow(value, head.exponent)
        return value

    @staticmethod
    def _apply_fn(head: _Head, args: list, offset: int):
        try:
            return head.fn(*args)
        except LatexError as exc:
            raise LatexError(exc.message, offset) from None
        except TypeError:
            raise LatexError(f"`{head.name}` does not take {len(args)} argument(s)", offset) from None

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

    def _word(self, atom: Tree):
        """A ``\\text{...}``, a font or a plain word: ``("head", fn, name)`` or ``("name", name)``."""
        token = atom.children[0]
        content = str(token) if atom.data == "word" else _text_content(_token(token), strip=False)
        key = content.strip()
        greek = re.fullmatch(r"\\(" + "|".join(GREEK) + r")", key)
        if greek:
            key = greek.group(1)
            if key in self.functions:
                return "head", self.functions[key], key
            return "name", key
        fn = self.functions.get(key) or self.functions.get(key.lower())
        if fn is not None:
            return "head", fn, key
        if len(key) == 1 and key.isalpha():
            return "name", key
        known = TEXT_FUNCTIONS.get(key.lower())
        if known is not None:
            return "head", known, key
        if atom.data == "word":
            raise LatexError(f"`{key}(` is not a known function: define it in the header "
                             f"(let {key}(x) = ...), or write a product with spaces", _pos(atom))
        prose = str(token).startswith("\\text") and content != content.strip()
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", key) and not prose:
            return "name", key  # \mathrm{MSE}: a name of several letters
        raise LatexError(f"prose inside a formula (`{str(token)}`): put it outside the formula", _pos(atom))

    def _item(self, node: Tree, depth: int):
        atom, scripts = node.children[0], node.children[1:]
        primes = sum(_prime_count(s) for s in scripts if isinstance(s, Token))
        scripts = [s for s in scripts if isinstance(s, Tree)]
        for k, s in enumerate(scripts):
            if s.data == "sub_such_neq":  # \sum_{i : i \neq j} is \sum_{i \neq j}
                letter, again, other = s.children
                if str(letter) != str(again):
                    raise LatexError(f"`{letter} : {again} \\neq ...`: the sum's index is {letter}", _pos(s))
                scripts[k] = Tree("sub_neq", [letter, other], s.meta)
        subs = [s for s in scripts if s.data in ("sub", "sub_eq", "sub_neq", "sub_list")]
        sups = [s for s in scripts if s.data == "sup"]
        if len(subs) > 1 or len(sups) > 1:
            raise LatexError("double subscript or superscript", _pos(node))
        sub, sup = (subs or [None])[0], (sups or [None])[0]
        if sub is not None and sub.data in ("sub_eq", "sub_neq") and atom.data != "sumsign":
            raise LatexError("'=' inside a subscript (only \\sum_{i=1}^{m} has one)", _pos(sub))

        if atom.data == "sumsign":
            return self._sum_operator(node, sub, sup, depth)
        if atom.data == "partial" and sub is None:
            raise LatexError("\\partial outside \\frac{\\partial X}{\\partial v} (or \\partial_w L)", _pos(node))
        if atom.data in ("nabla", "partial"):  # \nabla_{\theta_j} J, \partial_w L: the derivative in one scalar
            if sub is None or sub.data != "sub" or sup is not None:
                raise LatexError(f"\\{atom.data} needs the variable as a subscript: \\{atom.data}_{{w}} L (a "
                                 "gradient in a vector is matrix notation, not supported yet)", _pos(node))
            child = sub.children[0]
            variable = self._char(child) if isinstance(child, Token) else self.build(child, depth + 1)
            if not isinstance(variable, (sp.Symbol, sp.Indexed)):
                raise LatexError("\\nabla with respect to something that is not a name", _pos(sub))
            return _Operator("derivative", _pos(node), ((variable, 1),))
        if atom.data == "indicator_cmp":  # \mathbb{1}(x > 0): 1 where it holds, else 0
            left, op, right = atom.children[1:]
            a, b = self.build(left, depth + 1), self.build(right, depth + 1)
            op = str(op).lstrip("\\")
            relation = {"<": sp.Lt, "lt": sp.Lt, "<=": sp.Le, "le": sp.Le, "leq": sp.Le,
                        ">": sp.Gt, "gt": sp.Gt, ">=": sp.Ge, "ge": sp.Ge, "geq": sp.Ge}[op](a, b)
            return sp.Piecewise((1, relation), (0, True))
        if atom.data == "indicator":
            i, j = (self._index(str(t), node) for t in atom.children[1:])
            return sp.KroneckerDelta(i, j)
        if atom.data == "func":
            key = str(atom.children[0])[1:]
            if key in self.functions:
                return self._head(self.functions[key], key, sub, sup, primes, node, depth, user=True)
            return self._head(FUNCTIONS[key], key, sub, sup, primes, node, depth)
        if atom.data in ("text", "word"):
            word = self._word(atom)
            if word[0] == "head":
                return self._head(word[1], word[2], sub, sup, primes, node, depth,
                                  user=isinstance(word[1], Function))
            name = word[1]
        else:
            name = self._base_name(atom)
        if name is not None and name in self.functions and sub is None:
            return self._head(self.functions[name], name, sub, sup, primes, node, depth, user=True)
        if name is not None and sub is not None and sub.data == "sub":
            full = name + "_" + self._script_text(sub).strip("{}")
            if full in self.functions:  # h_\theta(x), f_c(x)
                return self._head(self.functions[full], full, None, sup, primes, node, depth, user=True)
        if name == "e" and sub is None and not primes:
            if sup is None:
                return sp.E
            return sp.exp(self._script_value(sup, depth))
        if name is not None:
            value = self._name(name, sub, sup if not primes else None, node, depth)
            if primes:
                value = self.prime(value, primes, _pos(node))
                if sup is not None:
                    value = self._power(value, self._script_value(sup, depth), sup)
            return value

        if primes:
            raise LatexError("a prime on something that is not a name or a function", _pos(node))
        if sub is not None:
            raise LatexError("a subscript on something that is not a name", _pos(sub))
        if sup is not None and self._is_transpose(sup):
            raise LatexError("a transpose (`^T`) is matrix notation, which is not supported yet: "
                             "write the sum of the entries", _pos(sup))
        value = self._atom(atom, depth)
        if isinstance(value, _Operator):
            if sup is not None:
                raise LatexError("a power of a derivative operator", _pos(sup))
            return value
        if sup is not None:
            return self._power(value, self._script_value(sup, depth), sup)
        return value

    def _index(self, name: str, node) -> sp.Symbol:
        if name not in self.indices:
            raise LatexError(f"`{name}` is not an index here: declare it in the header (index {name} = 1..n)",
                             _pos(node))
        return self.indices[name]

    def _subscript_indices(self, sub: Tree, depth: int) -> tuple | None:
        """The entries a subscript selects when it mentions an index (``x_i``, ``W_{jk}``), else None."""
        if sub.data == "sub_list":
            values = tuple(self.build(c, depth + 1) for c in sub.children)
        else:
            child = sub.children[0]
            if isinstance(child, Token):
                values = (self._char(child),)
            else:
                items = _juxt_items(child)
                letters = [_plain_letter(it) for it in items] if items else []
                known = [c for c in letters if c is not None and (c in self.indices or c.isdigit())]
                if len(letters) > 1 and len(known) == len(letters):
                    values = tuple(self.indices[c] if c in self.indices else sp.Integer(int(c))
                                   for c in known)
                else:
                    values = (self.build(child, depth + 1),)
        index_symbols = set(self.indices.values())
        if any(v.free_symbols & index_symbols for v in values):
            return values
        return None

    def _name(self, name: str, sub, sup, node, depth: int):
        label = None
        power = None
        if sup is not None:
            if self._is_transpose(sup):
                raise LatexError("a transpose (`^T`) is matrix notation, which is not supported yet: "
                                 "write the sum of the entries", _pos(sup))
            if self._is_label(sup):
                label = sup
            else:
                power = sup
        value = None
        layer = self._layer(label if label is not None else power, node, sub, depth)
        if layer is not None:
            layer_entries: tuple = ()
            if sub is not None:
                layer_entries = self._subscript_indices(sub, depth) or (self._script_value(sub, depth),) \
                    if sub.data != "sub_list" else tuple(self.build(c, depth + 1) for c in sub.children)
            return sp.IndexedBase(name + "^", real=True)[(layer, *layer_entries)]
        if sub is not None and label is None:
            entries = self._subscript_indices(sub, depth)
            if entries is None and name in self.indexed:
                entries = (self._script_value(sub, depth),) if sub.data == "sub" else None
            if entries is not None:
                if name == "delta" and len(entries) == 2 and name not in self.indexed:
                    value = sp.KroneckerDelta(*entries)
                else:
                    value = sp.IndexedBase(name, real=True)[entries]
        if value is None and label is not None and self._mentions_index(label):
            # x^{(i)}, x_j^{(i)}: the example first, then the entries
            example_entries: tuple = ()
            if sub is not None:
                example_entries = self._subscript_indices(sub, depth) or (self._script_value(sub, depth),)
            value = sp.IndexedBase(name + "^()", real=True)[(self.build(label.children[0], depth + 1),
                                                              *example_entries)]
        elif value is None and label is not None and sub is not None:
            entries = self._subscript_indices(sub, depth)
            if entries is not None:  # x_j^{(1)}: entries of the vector x^{(1)}
                value = sp.IndexedBase(name + "^" + self._script_text(label), real=True)[entries]
        if value is None:
            full = name
            if sub is not None:
                full += "_" + self._script_text(sub).replace(",", "")
            if label is not None:
                full += "^" + self._script_text(label)
            value = self.indices[full] if full in self.indices else self.symbol(full)
        if power is not None:
            return self._power(value, self._script_value(power, depth), power)
        return value

    def _layer(self, sup, node, sub, depth: int):
        """The layer of ``a^l_j``, ``z^{l+1}``, ``W^{[L]}`` (with ``layers l``), else None.

        Without ``layers`` in the header, ``a^l_j`` or ``a^L_j`` could be a power or a label: an error.
        """
        if sup is None:
            return None
        letters = set(re.findall(r"[a-zA-Z]", "".join(str(t) for t in sup.scan_values(lambda _: True))))
        if isinstance(sup.children[0], Token):
            letters = {str(sup.children[0])[-1]}
        layer_letters = {self.layers, self.layers.upper()} if self.layers else set()
        if not (letters & layer_letters):
            if not self.layers and letters & {"l", "L"} and (sub is not None or self._is_label(sup)):
                raise LatexError("a layer label or a power? declare layers in the header (layers l) so that "
                                 "a^l_j, z^{l+1}_k are labels", _pos(sup))
            return None
        if not letters <= layer_letters:
            raise LatexError("a layer label is l, l+1, l-1, L or L-1", _pos(sup))
        child = sup.children[0]
        if isinstance(child, Token):
            return self._char(child)
        node = child
        if self._is_label(sup):  # W^{[l]}: the bracket's content
            node = items[0].children[0].children[0] if (items := _juxt_items(child)) else child
        return self.build(node, depth + 1)

    def _mentions_index(self, node) -> bool:
        if not self.indices:
            return False
        if isinstance(node, Token):
            if node.type in ("SUBCHAR", "SUPCHAR"):
                return str(node)[-1] in self.indices
            return node.type == "LETTER" and str(node) in self.indices
        return any(self._mentions_index(c) for c in node.children)

    def _head(self, fn, name: str, sub, sup, primes: int, node, depth: int, user: bool = False) -> _Head:
        exponent = None
        if sup is not None:
            exponent = self._script_value(sup, depth)
            if exponent == -1:
                raise LatexError(f"`{name}^{{-1}}` is ambiguous (an inverse or 1/{name}): write "
                                 f"1/{name}(x)", _pos(sup))
        base = None
        if sub is not None:
            if fn is not sp.log:
                raise LatexError("a subscript on a function name", _pos(sub))
            base = self._script_value(sub, depth)
        return _Head(fn, _pos(node), base, primes, name, exponent, user)

    def _sum_operator(self, node, sub, sup, depth: int) -> _Operator:
        if sub is None:
            raise LatexError("a sum needs its index: \\sum_{i=1}^{m} or \\sum_i", _pos(node))
        exclude: tuple = ()
        written: list[str | None]  # the index letters, None for what is not a letter
        if sub.data == "sub_eq":
            written = [str(sub.children[0])]
            lower = self.build(sub.children[1], depth + 1)
        else:
            if sub.data == "sub_neq":
                written = [str(sub.children[0])]
            elif sub.data == "sub_list":
                written = [_plain_letter(items[0]) if (items := _juxt_items(c)) and len(items) == 1
                           else None for c in sub.children]
            else:
                child = sub.children[0]
                if isinstance(child, Token):
                    written = [str(child)[-1]]
                else:
                    items = _juxt_items(child) or []
                    written = [_plain_letter(it) for it in items]
            if not written or any(n is None or not n.isalpha() for n in written):
                raise LatexError("a sum over something that is not an index letter: \\sum_{i=1}^{m} or \\sum_i",
                                 _pos(sub))
            lower = None  # each index's own first value: 1, or 0 after ``index i = 0..n``
        names = [n for n in written if n is not None]  # all of them: checked above
        if "e" in names:
            raise LatexError("e is Euler's number, not an index", _pos(sub))
        variables = []
        for name in names:
            index = index_symbol(name)
            if sup is not None and len(names) == 1:
                upper = self._script_value(sup, depth)
            elif sup is not None:
                raise LatexError("one upper bound for several indices", _pos(sup))
            else:
                upper = self.ranges.get(name, implicit_size(name))
            variables.append((index, sp.Integer(self.first.get(name, 1)) if lower is None else lower, upper))
        if sub.data == "sub_neq":
            other = self.build(sub.children[1], depth + 1)
            exclude = ((variables[0][0], other),)
        return _Operator("sum", _pos(node), tuple(variables), exclude, tuple(names))

    def _atom(self, atom: Tree, depth: int):
        kind = atom.data
        if kind == "number":
            return _number(_token(atom.children[0]))
        if kind == "pi":
            return sp.pi
        if kind in ("paren", "brace"):
            return self.build(atom.children[0], depth + 1)
        if kind == "tuple":
            return tuple(self.build(c, depth + 1) for c in atom.children)
        if kind == "abs":
            return sp.Abs(self.build(atom.children[0], depth + 1))
        if kind == "frac":
            num, den = atom.children[1], atom.children[2]
            shape = _derivative_shape(num, den)
            if shape is not None:
                rest, variable_items = shape
                variables = tuple((self._variable(item, depth), count) for item, count in variable_items)
                if rest is None:
                    return _Operator("derivative", _pos(atom), variables)
                return sp.Derivative(self._juxt(rest, depth + 1), *variables)
            return self._arg(num, depth) / self._nonzero(self._arg(den, depth), den)
        if kind == "sqrt":
            return sp.sqrt(self._arg(atom.children[0], depth))
        if kind == "root":
            return sp.root(self._arg(atom.children[1], depth), self.build(atom.children[0], depth + 1))
        raise LatexError(f"cannot read {kind!r} here", _pos(atom))  # pragma: no cover

    def _arg(self, node, depth: int):
        if isinstance(node, Tree) and node.data == "brace":
            return self.build(node.children[0], depth + 1)
        if node.data not in ("letter", "greek"):
            return self._atom(node, depth)
        name = self._base_name(node)
        if name is None:  # pragma: no cover - a letter or a Greek letter always has a name
            raise LatexError(f"cannot read {node.data!r} here", _pos(node))
        return self._name(name, None, None, node, depth)

    def _variable(self, item: Tree, depth: int):
        value = self._item(item, depth + 1)
        if isinstance(value, _Head) and value.user:  # \frac{\partial L}{\partial f}: f as a quantity
            value = self._apply_head(value, [item], 1, depth + 1)[0]
        if not isinstance(value, (sp.Symbol, sp.Indexed)):
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


def _rightmost_juxt(node):
    while isinstance(node, Tree) and node.data in ("add", "sub"):
        node = node.children[1]
    return node if isinstance(node, Tree) and node.data == "juxt" else None


def _fold_negated_sums(tree: Tree) -> Tree:
    """``\\sum_j -x_j`` is the sum of ``-x_j`` (a binary minus cannot follow a bare sum sign)."""
    for node in tree.iter_subtrees():
        if node.data != "sub" or len(node.children) != 2:  # "sub" is also a subscript's rule
            continue
        left, right = node.children
        juxt = _rightmost_juxt(left)
        last = juxt.children[-1] if juxt is not None else None
        if last is not None and last.children[0].data == "sumsign" and \
                all(isinstance(s, Tree) for s in last.children[1:]):
            juxt.children.append(Tree("item", [Tree("paren", [Tree("neg", [right])])]))
            node.data, node.children = "folded", [left]
    return tree


def _prime_count(token: Token) -> int:
    text = str(token)
    return text.count("'") + text.count("\u2019") + text.count("\\prime")


def _plain_letter(item) -> str | None:
    """The letter or digit of an item that is only that (``i`` in ``W_{ij}``), else None."""
    if not (isinstance(item, Tree) and item.data == "item" and len(item.children) == 1):
        return None
    atom = item.children[0]
    if atom.data == "letter":
        return str(atom.children[0])
    if atom.data == "number" and str(atom.children[0]).isdigit() and len(str(atom.children[0])) == 1:
        return str(atom.children[0])
    return None


def _text_content(token: Token, strip: bool = True) -> str:
    text = str(token)
    old = re.fullmatch(r"\{\s*\\[a-z]+\s*(.*)\}", text, re.S)  # {\rm d}
    if old and not text.startswith("\\"):
        return old.group(1).strip()
    content = text[text.index("{") + 1:-1]
    return content.strip() if strip else content


def _number(token: Token) -> sp.Rational:
    digits = str(token)
    if len(digits) > MAX_DIGITS:
        raise LatexError(f"a number with more than {MAX_DIGITS} digits", token.start_pos or 0)
    whole, _, frac = digits.partition(".")
    return sp.Rational(int((whole or "0") + frac), 10 ** len(frac))


# --------------------------------------------------------------------------
# derivative shapes: \frac{\partial X}{\partial v}, \frac{dX}{dv}, \frac{d}{dv}
# --------------------------------------------------------------------------

def _token(node: Tree | Token) -> Token:
    """A child the grammar makes a terminal (lark types every child ``Tree | Token``)."""
    if not isinstance(node, Token):
        raise LatexError(f"cannot read {node.data!r} here: a token was expected", _pos(node))
    return node


def _juxt_items(node) -> list | None:
    """The items of a braced argument that is a bare product, else None."""
    if isinstance(node, Tree) and node.data == "brace":
        node = node.children[0]
    if isinstance(node, Tree) and node.data == "juxt":
        return list(node.children)
    return None


def _small_int(sup: Tree) -> int | None:
    child = sup.children[0]
    text = re.sub(r"\s+", "", str(child))[1:] if isinstance(child, Token) else None
    if text is None:
        items = _juxt_items(child)
        if items and len(items) == 1 and _plain_letter(items[0]) is not None:
            text = _plain_letter(items[0])
    return int(text) if text is not None and text.isdigit() and 0 < int(text) <= 9 else None


def _d_order(item) -> int | None:
    """The order of a differential sign (``\\partial``, ``d``, ``\\mathrm{d}``, with ``^n``), else None."""
    if not (isinstance(item, Tree) and item.data == "item"):
        return None
    atom, scripts = item.children[0], item.children[1:]
    is_d = atom.data == "partial" or (atom.data == "letter" and str(atom.children[0]) == "d") or \
        (atom.data == "text" and _text_content(_token(atom.children[0])) == "d")
    if not is_d:
        return None
    if not scripts:
        return 1
    if len(scripts) == 1 and isinstance(scripts[0], Tree) and scripts[0].data == "sup":
        n = _small_int(scripts[0])
        if n is not None:
            return n
    if atom.data == "partial":
        raise LatexError("cannot read this \\partial: write \\partial^2 L or \\partial z", _pos(item))
    return None  # d_1, d^{[2]}: a name


def _derivative_shape(num, den):
    """``(rest items or None, ((variable item, count), ...))`` when ``\\frac{num}{den}`` is a derivative."""
    den_items = _juxt_items(den)
    if not den_items or _d_order(den_items[0]) != 1 or len(den_items) < 2:
        return None
    num_items = _juxt_items(num)
    bare_d = isinstance(num, Tree) and num.data == "letter" and str(num.children[0]) == "d"
    if not bare_d and (not num_items or _d_order(num_items[0]) is None):
        return None
    pairs = []
    k = 0
    while k < len(den_items):
        if k + 1 >= len(den_items) or _d_order(den_items[k]) != 1:
            raise LatexError("cannot read the denominator of this derivative: write \\partial v or dv "
                             "for each variable", _pos(den_items[k]))
        var = den_items[k + 1]
        count = 1
        sups = [s for s in var.children[1:] if isinstance(s, Tree) and s.data == "sup"]
        if sups and not Reader._is_label(sups[0]) and _small_int(sups[0]):  # \partial z^2: the order
            count = _small_int(sups[0])
            var = Tree("item", [c for c in var.children if c is not sups[0]], var.meta)
        pairs.append((var, count))
        k += 2
    if bare_d:
        return None, tuple(pairs)  # \frac d{dx}: rare; same as \frac{d}{dx}
    order = sum(c for _, c in pairs)
    if _d_order(num_items[0]) != order:
        raise LatexError(f"the orders of this derivative differ: {_d_order(num_items[0])} above, "
                         f"{order} below", _pos(num_items[0]))
    rest = num_items[1:]
    return (rest or None), tuple(pairs)


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
    if value is sp.E:
        raise LatexError("e is Euler's number and cannot be defined")
    # a subscript word is tried letter by letter before the whole name is taken (E_{total}): the name
    # is the symbol read, provided it was asked for by name
    if not isinstance(value, sp.Symbol) or value.name not in names:
        raise LatexError(f"expected a single name, not {text.strip()!r}")
    return value.name


def is_name(text: str) -> bool:
    try:
        name_of(text)
    except LatexError:
        return False
    return True
