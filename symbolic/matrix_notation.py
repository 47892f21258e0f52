r"""Matrix notation of users' notes: LaTeX -> a small tree -> shapes, SymPy matrices or NumPy arrays.

A matrix note declares its matrices (``shape W^{[1]} : n_1 \times n_0``); a
formula is parsed (never evaluated as text) into :class:`Node` records, and
one evaluator computes a tree in one of three algebras:

* :class:`Shapes` -- shapes with symbolic sizes; an undefined product or
  element-wise operation raises :class:`MatrixError` naming both shapes;
* :class:`Values` -- explicit SymPy matrices at concrete sizes, every entry of
  an input an independent symbol; ``\partial J / \partial W`` is the matrix of
  the entry-wise derivatives of the scalar ``J`` (``sp.diff`` of scalars,
  never ``MatrixSymbol.diff``), by an intermediate through a fresh matrix;
* :class:`Floats` -- NumPy float64, derivatives by central differences of the
  forward pass (independent of SymPy's calculus).

Precedence: ``+ -`` < ``\odot * \oslash`` < the matrix product (juxtaposition,
``\cdot``) < transposes and powers.

>>> t = parse(r"\frac1m dZ^{[2]} A^{[1]T}", {"dZ[2]", "A[1]"})
>>> t.text
'\\frac1m dZ^{[2]} A^{[1]T}'
>>> t.op
'matmul'
"""
from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

__all__ = ["MATRIX_CELL", "MATRIX_CLOSE", "MATRIX_OPEN", "MATRIX_ROW", "MatrixError", "Node", "Unsupported",
           "entry_indices", "letter", "name_key", "parse"]

# a matrix literal \begin{bmatrix} a & b \\ c & d \end{bmatrix} as the note reader hands it over: one
# character each for its start, its end, a cell break and (twice) a row break, so that columns stay put
MATRIX_OPEN, MATRIX_CLOSE, MATRIX_CELL, MATRIX_ROW = "\u27e6", "\u27e7", "\u00a6", "\u00b6"


class MatrixError(Exception):
    """A formula that cannot be read, or an operation its shapes do not allow; ``offset`` in the text."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message, self.offset = message, offset


class Unsupported(MatrixError):
    """Notation the matrix checker does not read yet: the link is refused, never decided."""


@dataclass(frozen=True)
class Node:
    """``op`` with ``args`` (Nodes) and ``data`` (a name, a number, an axis...); ``text`` as written."""

    op: str
    args: tuple = ()
    data: object = None
    text: str = ""


GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "iota", "kappa",
         "lambda", "mu", "nu", "xi", "pi", "rho", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
         "Delta", "Theta", "Lambda", "Phi", "Psi", "Omega", "Sigma", "Gamma", "ell"}
FUNCTIONS = {"softmax": "softmax", "diag": "diag", "exp": "exp", "ln": "log", "log": "log", "tanh": "tanh",
             "sigma": "sigmoid", "sigmoid": "sigmoid",
             "relu": "relu", "sinh": "sinh", "cosh": "cosh", "softplus": "softplus"}
_TRANSPOSE = ("T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}", "\\mathsf T", "\\mathrm T")
_SKIP = re.compile(r"\\(?:,|;|!|:|quad|qquad|left|right|displaystyle|limits|big|Big|bigg|Bigg|bigl|bigr|Bigl|Bigr"
                   r"|biggl|biggr)(?![a-zA-Z])|\\ |\s+")
_FONT = re.compile(r"\\(?:mathbf|boldsymbol|bm|mathit|vec|mathrm|mathsf|mathcal)\s*(?=\{)")
_OPS = {"\\odot": "had", "\\circ": "had", "*": "star", "\\ast": "star", "\\oslash": "hdiv"}


def name_key(text: str) -> str:
    r"""The key of a name as written: ``W^{[1]}`` -> ``W[1]``, ``\hat{y}`` -> ``hat y``, ``W_{2}`` -> ``W_2``."""
    s = _FONT.sub("", text)
    s = re.sub(r"\\hat\s*\{\s*([^{}]*)\}|\\hat\s*(\\?[a-zA-Z]+)", lambda m: "hat " + (m.group(1) or m.group(2)), s)
    s = s.replace("\\", "")
    s = re.sub(r"\^\{?\s*\[\s*([^\]]*)\]\s*\}?", lambda m: "[" + re.sub(r"\s+", "", m.group(1)) + "]", s)
    s = re.sub(r"_\{\s*([^{}]*)\}", lambda m: "_" + re.sub(r"\s+", "", m.group(1)), s)
    s = re.sub(r"[{}]", "", s)
    return re.sub(r"\s+", "" if " " not in s.strip() or not s.startswith("hat ") else " ", s.strip())


class _Parser:
    def __init__(self, text: str, names: set, functions: set, elementwise: bool, indices=frozenset()):
        self.s, self.i = text, 0
        self.names, self.functions, self.elementwise = names, functions, elementwise
        self.norms = 0  # open norms: inside one, a bar closes it
        self.indices = indices  # letters declared by `index i = 1..n`

    # lexing helpers -------------------------------------------------------
    def ws(self):
        while True:
            m = _SKIP.match(self.s, self.i)
            if not m or m.end() == self.i:
                return
            self.i = m.end()

    def peek(self, *words) -> str | None:
        self.ws()
        for w in words:
            if self.s.startswith(w, self.i) and not (w[-1].isalpha() and w.startswith("\\") and
                                                      self.s[self.i + len(w):self.i + len(w) + 1].isalpha()):
                return w
        return None

    def take(self, *words) -> str | None:
        w = self.peek(*words)
        if w:
            self.i += len(w)
        return w

    def expect(self, w: str):
        if not self.take(w):
            raise MatrixError(f"expected `{w}`", self.i)

    def group(self) -> str:
        """A ``{...}`` group's text (or one character/command), advancing past it."""
        self.ws()
        if self.s.startswith("{", self.i):
            depth, j = 0, self.i
            while j < len(self.s):
                depth += {"{": 1, "}": -1}.get(self.s[j], 0)
                if depth == 0:
                    out = self.s[self.i + 1:j]
                    self.i = j + 1
                    return out
                j += 1
            raise MatrixError("an opening brace { is never closed", self.i)
        m = re.compile(r"\\[a-zA-Z]+|.").match(self.s, self.i)
        if m is None:  # only whitespace is left: x^, \frac{a}
            raise MatrixError("the formula ends too early (a missing argument?)", self.i)
        self.i = m.end()
        return m.group(0)

    def sub(self, text: str, at: int) -> Node:
        p = _Parser(text, self.names, self.functions, self.elementwise, self.indices)
        try:
            node = p.full()
        except MatrixError as exc:
            raise MatrixError(exc.message, at + exc.offset) from None
        return node

    def full(self) -> Node:
        node = self.expr()
        self.ws()
        if self.i < len(self.s):
            raise MatrixError(f"cannot read `{self.s[self.i:self.i + 20]}` here", self.i)
        return node

    def node(self, op, args, data, start) -> Node:
        return Node(op, tuple(args), data, self.s[start:self.i].strip())

    # grammar --------------------------------------------------------------
    def expr(self) -> Node:
        start = self.i
        self.ws()
        if self.take("-"):
            left = self.node("neg", [self.elem()], None, start)
        else:
            self.take("+")
            left = self.elem()
        while True:
            op = self.take("+", "-")
            if not op:
                return left
            right = self.elem()
            left = self.node("add" if op == "+" else "sub", [left, right], None, start)

    def elem(self) -> Node:
        start = self.i
        left = self.prod()
        while True:
            op = self.take(*_OPS)
            if not op:
                return left
            kind = _OPS[op]
            if kind == "star":
                if not self.elementwise:
                    raise MatrixError("`*` between matrices: write `elementwise *` in the header for the "
                                      "element-wise product, or use \\odot", self.i - len(op))
                kind = "had"
            right = self.prod()
            left = self.node(kind, [left, right], None, start)

    def prod(self) -> Node:
        start = self.i
        left = self.power()
        while True:
            if self.take("\\cdot", "\\times", "·"):
                left = self.node("matmul", [left, self.power()], None, start)
                continue
            self.ws()
            if self.i >= len(self.s) or self.s[self.i] in "+-*)]}=,&" or self.peek(*_OPS, "\\right", "\\\\") or \
                    (self.norms and self.peek("|", "\\|", "\\rVert", "\\Vert")):
                return left
            if self.s[self.i] == "-":
                return left
            right = self.power()
            left = self.node("matmul", [left, right], None, start)

    def power(self) -> Node:
        start = self.i
        node = self.atom()
        while self.peek("^", "'"):
            if self.take("'"):
                raise MatrixError("a prime on a matrix: define the derivative by let", self.i - 1)
            self.take("^")
            at = self.i
            sup = self.group().strip()
            node = self.superscript(node, sup, start, at)
        return node

    def superscript(self, node: Node, sup: str, start: int, at: int) -> Node:
        sup = re.sub(r"\s+", " ", sup)
        if sup in _TRANSPOSE or sup.replace(" ", "") in _TRANSPOSE:
            if sup == "T" and "T" in self.names:
                raise MatrixError("`^T` after a declared name T: a transpose or a power? write ^\\top", at)
            return self.node("T", [node], None, start)
        if re.fullmatch(r"-?\d+", sup):
            return self.node("pow", [node], int(sup), start)
        raise MatrixError(f"cannot read the superscript `{sup}` of a matrix expression", at)

    def args(self) -> list[tuple[str, int]]:
        """The comma-separated arguments of ``( ... )`` as (text, offset)."""
        self.ws()
        if not self.take("("):
            raise MatrixError("expected `(`", self.i)
        out, depth, a = [], 0, self.i
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in "({[":
                depth += 1
            elif c in ")}]":
                if depth == 0:
                    out.append((self.s[a:self.i], a))
                    self.i += 1
                    return out
                depth -= 1
            elif c == "," and depth == 0:
                out.append((self.s[a:self.i], a))
                a = self.i + 1
            self.i += 1
        raise MatrixError("a `(` is never closed", a)

    def atom(self) -> Node:
        self.ws()
        start = self.i
        s = self.s
        if self.i >= len(s):
            raise MatrixError("an expression ends too early", self.i)
        m = re.compile(r"\d+(\.\d+)?").match(s, self.i)
        if m:
            self.i = m.end()
            return self.node("num", [], m.group(0), start)
        ind = re.compile(r"\\(?:mathbb|mathbf|mathds)\s*\{\s*1\s*\}\s*(?:\\left|\\big|\\Big)?\s*[(\[]").match(s, self.i)
        if ind:  # the element-wise indicator 1(Z > 0)
            self.i = ind.end() - 1
            self.s = s = s[:self.i] + "(" + s[self.i + 1:]
            (text, at), = self.args()  # its bracket, made a parenthesis above
            cond = re.fullmatch(r"(.+?)\s*(>|\\gt)\s*0\s*[\])]?\s*", text + ("" if text.endswith("]") else ""))
            if not cond:
                raise Unsupported("an indicator is read as \\mathbb{1}(Z > 0)", at)
            return self.node("ind", [self.sub(cond.group(1), at)], None, start)
        bar = self.take("\\|", "||", "\\lVert", "\\Vert")
        if bar:
            close = {"\\lVert": "\\rVert"}.get(bar, bar)
            self.norms += 1
            inner = self.expr()
            self.norms -= 1
            if not self.take(close, "\\right" + close):
                raise MatrixError(f"a norm {bar} is never closed", start)
            if self.take("_"):
                if self.group().strip() != "2":
                    raise Unsupported("only the 2-norm is read in a matrix note", start)
            return self.node("norm", [inner], None, start)
        if self.take("(", "\\left(", "[", "\\qty(", "\\left (", "\\qty ("):
            inner = self.expr()
            if not self.take(")", "\\right)", "]", "\\right]"):
                raise MatrixError("a `(` is never closed", start)
            return Node("paren", (inner,), None, s[start:self.i])
        if self.take("{"):
            inner = self.expr()
            self.expect("}")
            return inner
        if self.take(MATRIX_OPEN, "\\begin{bmatrix}", "\\begin{pmatrix}"):
            return self.matrix(start)
        if self.take("\\frac", "\\dfrac", "\\tfrac"):
            at = self.i
            num = self.group()
            at2 = self.i
            den = self.group()
            d = re.fullmatch(r"\s*\\partial\s*(.+?)\s*", num)
            e = re.fullmatch(r"\s*\\partial\s*(.+?)\s*", den)
            if num.strip() == "\\partial" and e:  # the operator \frac{\partial}{\partial W} (...)
                w = self.sub(e.group(1), at2)
                return self.node("d", [self.prod(), w], None, start)
            if d and e:
                f = self.sub(d.group(1), at)
                w = self.sub(e.group(1), at2)
                return self.node("d", [f, w], None, start)
            return self.node("frac", [self.sub(num, at + 1), self.sub(den, at2 + 1)], None, start)
        named = re.compile(r"\\nabla\s*_\s*(?:\{[^{}]*\}|\\?[a-zA-Z])\s*\\?[a-zA-Z]+").match(s, self.i)
        if named and name_key(named.group(0)) in self.names:  # let \nabla_a C = ...: a name
            self.i = named.end()
            return self.node("name", [], name_key(named.group(0)), start)
        if self.take("\\nabla"):
            if not self.take("_"):
                raise MatrixError("\\nabla needs its variable: \\nabla_W J", self.i)
            at = self.i
            w = self.sub(self.group(), at)
            f = self.prod()  # \nabla_\theta \frac12 A^T A: the operator takes the whole product
            return self.node("d", [f, w], None, start)
        if self.take("\\sum"):
            return self.batch_sum(start)
        m = re.compile(r"(?:\\text\s*\{\s*|\\operatorname\s*\{\s*|\\mathrm\s*\{\s*)?(np\.sum|sum)\s*\}?").match(s, self.i)
        if m and (m.group(0).startswith("\\") or m.group(1) == "np.sum") and \
                s[m.end():].lstrip().startswith("("):
            self.i = m.end()
            return self.np_sum(start)
        m = re.compile(r"(?:\\text\s*\{\s*|\\operatorname\s*\{\s*|\\mathrm\s*\{\s*)?(np\.power)\s*\}?").match(s, self.i)
        if m:
            self.i = m.end()
            a = self.args()
            if len(a) != 2:
                raise MatrixError("np.power(A, k) takes two arguments", start)
            return self.node("pow", [self.sub(*a[0])], int(a[1][0].strip()), start)
        fn = self.function_name()
        if fn is not None:
            return self.function(fn, start)
        return self.name(start)

    def matrix(self, start: int) -> Node:
        r"""The cells of a matrix literal, row by row: ``Node("matrix", cells, (rows, cols))``."""
        end = self.s.find(MATRIX_CLOSE, self.i)
        close = MATRIX_CLOSE
        if end < 0:
            m = re.compile(r"\\end\s*\{[bp]matrix\}").search(self.s, self.i)
            if not m:
                raise MatrixError("a matrix \\begin{bmatrix} is never closed", start)
            end, close = m.start(), m.group(0)
        body, at = self.s[self.i:end], self.i
        self.i = end + len(close)
        row_break = MATRIX_ROW * 2 if MATRIX_ROW in body else "\\\\"
        cells, shape_rows, cols = [], 0, None
        offset = at
        for row in body.split(row_break):
            if not row.strip():
                offset += len(row) + len(row_break)
                continue
            parts = row.split(MATRIX_CELL if MATRIX_CELL in row else "&")
            if cols is not None and len(parts) != cols:
                raise MatrixError("the rows of a matrix have different numbers of cells", offset)
            cols = len(parts)
            here = offset
            for part in parts:
                cells.append(self.sub(part, here))
                here += len(part) + 1
            shape_rows += 1
            offset += len(row) + len(row_break)
        if not cells:
            raise MatrixError("an empty matrix", start)
        return self.node("matrix", cells, (shape_rows, cols), start)

    def function_name(self) -> str | None:
        sub = re.compile(r"[a-zA-Z]+_(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)?\}|\w)(?=\s*(?:\\qty|\\left)?\s*\()").match(self.s, self.i)
        if sub and name_key(sub.group(0)) in self.functions:  # C_{\text{ridge}}(\theta)
            self.i = sub.end()
            return name_key(sub.group(0))
        m = re.compile(r"\\(?:operatorname|mathrm|text)\s*\{\s*([a-zA-Z]+)\s*\}|\\([a-zA-Z]+)|([a-zA-Z]+)(?=\s*(?:\\qty|\\left)?\s*[('])"
                       ).match(self.s, self.i)
        if not m:
            return None
        word = m.group(1) or m.group(2) or m.group(3)
        if word + "'" in self.functions and self.s.startswith("'", m.end()):  # let \Sigma'(z) = ...
            self.i = m.end() + 1
            return word + "'"
        key = word.lower() if word.lower() in FUNCTIONS else word
        if key in FUNCTIONS or key in self.functions:
            if m.group(3) and key in self.names:
                return None
            self.i = m.end()
            return key
        if m.group(3) and len(word) > 1 and word not in self.names:
            for k in range(len(word)):  # a prefix that is a name: X\theta-like runs are products
                if word[:k + 1] in self.names:
                    return None
            raise Unsupported(f"`{word}(` is neither a known function nor defined: define it by let", self.i)
        return None

    def function(self, fn: str, start: int) -> Node:
        order = 0
        while self.take("'", "^\\prime", "^{\\prime}"):
            order += 1
        self.ws()
        if self.peek("(", "\\left(", "\\qty(", "\\bigl(", "\\Bigl(", "\\left (", "\\qty ("):
            self.take("\\left", "\\qty", "\\bigl", "\\Bigl")
            a = self.args()
            args = [self.sub(t, at) for t, at in a]
        else:
            args = [self.power()]
        return self.node("call", args, (fn, order), start)

    def batch_sum(self, start: int) -> Node:
        if not self.take("_"):
            raise MatrixError("a sum over the batch is written \\sum_{i=1}^{m} X^{(i)}", self.i)
        low = self.group()
        m = re.fullmatch(r"\s*([a-z])\s*=\s*1\s*", low)
        if re.fullmatch(r"\s*[a-z]\s*", low):  # \sum_i, \sum_k: over a declared index, or over what it indexes
            if self.take("^"):
                self.group()
            body = self.prod()
            return self.node("bsum", [body], low.strip(), start)
        if not m:
            raise Unsupported(f"cannot read the sum's range `{low}`: a sum over the batch is written "
                              "\\sum_{{i=1}}^{{m}}", self.i)
        if not self.take("^"):
            raise MatrixError("a sum over the batch needs its bound: \\sum_{i=1}^{m}", self.i)
        at = self.i
        upper = self.sub(self.group(), at)
        body = self.prod()
        return self.node("bsum", [body, upper], m.group(1), start)

    def np_sum(self, start: int) -> Node:
        a = self.args()
        arg = self.sub(*a[0])
        axis = None
        for text, at in a[1:]:
            k = re.fullmatch(r"\s*(axis|keepdims?)\s*=\s*(\w+)\s*", text.replace("\\_", "_"))
            if not k:
                raise MatrixError(f"cannot read `{text.strip()}` in np.sum: axis=0|1, keepdims=True", at)
            if k.group(1) == "axis":
                if k.group(2) not in ("0", "1"):
                    raise MatrixError("axis is 0 or 1", at)
                axis = int(k.group(2))
            # keepdims: a sum along an axis is kept as a row or a column either way (the notes'
            # db is a bias, added to a matrix), so keepdims=False is read like keepdims=True
        return self.node("sum", [arg], axis, start)

    def name(self, start: int) -> Node:
        s = self.s
        m = re.compile(r"\\hat\s*\{\s*\\?[a-zA-Z]+\s*\}|\\hat\s*\\?[a-zA-Z]+|\\(?:mathbf|boldsymbol|bm|vec|mathit|mathcal)"
                       r"\s*\{\s*\\?[a-zA-Z]+\s*\}|\\[a-zA-Z]+|[a-zA-Z]+").match(s, self.i)
        if not m:
            raise MatrixError(f"cannot read `{s[self.i:self.i + 10]}` here", self.i)
        word = m.group(0)
        if word.startswith("\\") and not word.startswith(("\\hat", "\\mathbf", "\\boldsymbol", "\\bm", "\\vec",
                                                          "\\mathit", "\\mathcal")):
            if word[1:] not in GREEK:
                raise Unsupported(f"`{word}` is not supported in a matrix note", self.i)
        if not word.startswith("\\") and len(word) > 1:
            # the longest prefix of a letter run that is a declared name; else one letter -- but never
            # split the base of a labelled name (dZ^{[3]} with only dZ^{[1]} defined is not d Z^{[3]})
            bases = {re.sub(r"\[.*", "", n) for n in self.names}
            for k in range(len(word), 0, -1) if word not in bases else ():
                cand = word[:k]
                full = cand + (self._suffix(m.end()) if k == len(word) else "")
                if name_key(full) in self.names or cand in self.names or k == 1:
                    word = cand
                    break
        self.i += len(word)
        key = name_key(word)
        sub = self.subscript()  # before or after the superscripts: x_i^{(k)}, w^{[2]}_{jk}
        label, example, rest, at = "", None, "", self.i
        while not rest:
            save = self.i
            if sub is None:
                sub = self.subscript()
            if not self.take("^"):
                break
            at = self.i
            sup = self.group().strip()
            lab = re.fullmatch(r"\[\s*([^\]]*)\]\s*(.*)", sup)
            if lab:
                label += "[" + re.sub(r"\s+", "", lab.group(1)) + "]"
                sup = lab.group(2).strip()
            ex = re.fullmatch(r"\(\s*([a-z])\s*\)\s*(.*)", sup)
            if ex:
                example = ex.group(1)
                sup = ex.group(2).strip()
            if not lab and not ex:
                self.i = save
                break
            rest = sup
        if sub is None and not rest:
            sub = self.subscript()
        entry = None
        if sub is not None:
            whole = key + "_" + re.sub(r"\s+", "", sub[0]) + label
            head, _, tail = re.sub(r"\s+", "", sub[0]).partition(",")
            if tail and whole not in self.names and key + "_" + head + label in self.names:
                key, sub = key + "_" + head, (tail, sub[1])  # \delta_{1,i}: entry i of \delta_1
            if key + "_" + re.sub(r"\s+", "", sub[0]) + label in self.names or key + label not in self.names:
                key = key + "_" + re.sub(r"\s+", "", sub[0])  # W_2, b_1, x_i of an undeclared x: part of the name
            else:
                entry = _entry_indices(sub[0])
                if entry is None:
                    raise Unsupported(f"cannot read the subscript `{sub[0].strip()}` of {key + label}: an entry "
                                      "is written x_i, W_{jk}, W_{j,k} or \\theta_0", sub[1])
        node = Node("name", (), key + label, s[start:self.i].strip())
        if example:
            node = Node("example", (node,), example, s[start:self.i].strip())
        if entry is not None:
            node = Node("entry", (node,), entry, s[start:self.i].strip())
        if rest:
            return self.superscript(node, rest, start, at)
        return node

    def subscript(self) -> tuple[str, int] | None:
        """``_x`` / ``_{...}`` at the cursor: its text and offset, advancing past it; else None."""
        if not self.peek("_"):
            return None
        self.take("_")
        at = self.i
        return self.group(), at

    def _suffix(self, j: int) -> str:
        m = re.compile(r"\^\{\s*(\[[^\]]*\])[^}]*\}|_\{[^}]*\}|_\w").match(self.s, j)
        if not m:
            return ""
        if m.group(1) is not None:  # ^{[l]...}: the bracket
            return "^{" + m.group(1) + "}"
        return m.group(0)


def entry_indices(node: Node) -> tuple:
    """The indices of an ``entry`` node (letters and integers as written), checked."""
    if node.op != "entry" or not isinstance(node.data, tuple):
        raise MatrixError(f"not an entry: {node.text}")
    return node.data


def letter(node: Node) -> str:
    """The key of a ``name`` node, or the index letter of an ``example`` / ``bsum`` node, checked."""
    if not isinstance(node.data, str):
        raise MatrixError(f"a {node.op} node without its name: {node.text}")
    return node.data


def _entry_indices(sub: str) -> tuple | None:
    """``i`` -> ('i',), ``jk`` / ``j,k`` -> ('j', 'k'), ``0`` -> (0,), ``i1`` -> ('i', 1): an entry's indices."""
    t = re.sub(r"\s+", "", sub)
    parts = t.split(",") if "," in t else re.findall(r"\d+|[a-z]", t)
    if not 1 <= len(parts) <= 2 or "".join(parts) != t.replace(",", ""):
        return None
    if not all(re.fullmatch(r"[a-z]|\d+", x) for x in parts):
        return None
    return tuple(int(x) if x.isdigit() else x for x in parts)


def parse(text: str, names: set, functions: AbstractSet[str] = frozenset(), elementwise: bool = False,
          indices=frozenset()) -> Node:
    """The tree of ``text``; ``names`` are the keys of declared or defined names (for letter runs)."""
    return _Parser(text, set(names), set(functions), elementwise, frozenset(indices)).full()
