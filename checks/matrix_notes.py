r"""Matrix notes (a header with ``shape``): each link becomes a :class:`NoteMatrixClaim`.

A link is decided as the built-in matrix steps are:

1. *shapes*, with the sizes as symbols (``n_1``, ``m``): every product, sum and
   element-wise operation must be defined and both sides must have one shape;
   a mismatch FAILS and names both shapes and the operation;
2. *entries*, at two concrete size assignments -- the first with pairwise
   distinct sizes of at least 2 (a transpose of a square block, or m = 1,
   cannot hide a slip), the second another permutation of them -- as explicit
   SymPy matrices, decided by :func:`symbolic.equivalence.decide`; a derivative
   ``\partial J / \partial W`` is the matrix of entry-wise ``sp.diff`` of the
   scalar ``J`` (never ``MatrixSymbol.diff``);
3. *float64*: NumPy evaluates both sides at a seeded point of the first
   assignment, every derivative by central differences of the forward pass.

>>> r = read_matrix_note('''<!-- gradproof
... shape X : n \\times m
... shape w : 1 \\times n
... let Z = w X
... let J = \\frac{1}{2} \\operatorname{sum}(Z \\odot Z)
... -->
... $$\\frac{\\partial J}{\\partial w} = Z X^T$$
... $$\\frac{\\partial J}{\\partial w} = X Z^T$$
... ''', "n.md")
>>> [check_note_claim(s.claim).verdict.value for s in r.derivation.steps]
['holds', 'fails']
"""
from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import time
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from gradproof.checks.tolerances import ATOL, EPS, RTOL
from gradproof.derivations.model import Cite, Derivation, Kind, Step
from gradproof.symbolic.activations import ACTIVATIONS, _Activation
from gradproof.symbolic.domain import DEFAULT_INTERVAL, Domain, stable_seed
from gradproof.symbolic.equivalence import BUDGET, Status, Timeout, Verdict, bounded, decide
from gradproof.symbolic.matrix_notation import (
    MATRIX_CELL,
    MATRIX_CLOSE,
    MATRIX_OPEN,
    MATRIX_ROW,
    MatrixError,
    Node,
    Unsupported,
    entry_indices,
    letter,
    name_key,
    parse,
)

__all__ = ["Model", "NoteMatrixClaim", "check_note_claim", "is_matrix_header", "read_matrix_note"]

ENTRY_BUDGET = 3  # budgets per size assignment: every entry of a matrix is decided, one by one
_z = sp.Symbol("z", real=True)
# the activations stay opaque: their declared derivatives are proved from their definitions
# (checks.matrix.prove_activation) before an entry verdict that used them is trusted


class expo(_Activation):
    r"""The exponential, opaque like an activation (softmax sums of them stay small): ``expo' = expo``."""

    @classmethod
    def definition(cls, x):
        return sp.exp(x)

    def fdiff(self, argindex=1):
        return expo(self.args[0])

    def _eval_is_positive(self):
        if self.args[0].is_real:
            return True


class logo(_Activation):
    r"""The natural logarithm, opaque: ``logo'(x) = 1 / x``."""

    @classmethod
    def definition(cls, x):
        return sp.log(x)

    def fdiff(self, argindex=1):
        return 1 / self.args[0]

    def _eval_is_real(self):
        return None


_OPAQUE = {"expo": expo, "logo": logo}
_KNOWN = {
    "exp": expo(_z), "log": logo(_z), "tanh": ACTIVATIONS["tanh"](_z), "sinh": sp.sinh(_z),
    "cosh": sp.cosh(_z), "sigmoid": ACTIVATIONS["sigmoid"](_z), "softplus": sp.log(1 + sp.exp(_z)),
    "relu": ACTIVATIONS["relu"](_z),
}


# --------------------------------------------------------------------------
# the model of a note: shapes, lets, functions
# --------------------------------------------------------------------------

@dataclass
class Model:
    shapes: dict = field(default_factory=dict)  # key -> (rows, cols) as SymPy size expressions
    lets: dict = field(default_factory=dict)  # key -> Node
    functions: dict = field(default_factory=dict)  # key -> (param key, Node)
    bounds: dict = field(default_factory=dict)  # key -> (lo, hi) for every entry
    layout: str = "columns"
    elementwise: bool = False
    simplex: dict = field(default_factory=dict)  # key -> axis along which the entries sum to 1
    indices: dict = field(default_factory=dict)  # letter -> its range's size (index i = 1..n)
    zero_based: frozenset = frozenset()  # names whose entries the note counts from 0 (theta_0, theta_1)
    entries: dict = field(default_factory=dict)  # key -> [(indices, Node)]: let X_{i1} = 1 defines entries

    def copy(self) -> Model:
        return Model(dict(self.shapes), dict(self.lets), dict(self.functions), dict(self.bounds),
                     self.layout, self.elementwise, dict(self.simplex), dict(self.indices), self.zero_based,
                     {k: list(v) for k, v in self.entries.items()})

    @property
    def sizes(self) -> list[sp.Symbol]:
        return sorted({s for r, c in self.shapes.values() for s in (r, c) if isinstance(s, sp.Symbol)}, key=str)

    def names(self) -> set:
        return set(self.shapes) | set(self.lets) | {str(s) for s in self.sizes}

    def parse(self, text: str) -> Node:
        return parse(text, self.names(), set(self.functions), self.elementwise, set(self.indices))


def _fmt(shape) -> str:
    return f"{shape[0]}×{shape[1]}"


# --------------------------------------------------------------------------
# one evaluator, three algebras
# --------------------------------------------------------------------------

class _Shapes:
    """Values are shapes (rows, cols) with symbolic sizes."""

    symbolic = True

    def shape(self, v):
        return v

    def input(self, key, shape, sizes):
        return shape

    def scalar(self, x):
        return (1, 1)

    def elem(self, op, a, b):
        return a if a != (1, 1) else b

    def matmul(self, a, b):
        return (a[0], b[1])

    def scale(self, a, b):
        return a if a != (1, 1) else b

    def T(self, a):
        return (a[1], a[0])

    def apply(self, fn, a):
        return a

    def power(self, a, k):
        return a

    def sum(self, a, axis):
        return (1, 1) if axis is None else ((1, a[1]) if axis == 0 else (a[0], 1))

    def example(self, a, i, rows):
        return (1, a[1]) if rows else (a[0], 1)


class _Values:
    """Explicit SymPy matrices at concrete sizes."""

    symbolic = False

    def shape(self, v):
        return v.shape

    def input(self, key, shape, sizes):
        r, c = (int(sp.sympify(x).subs(sizes)) for x in shape)
        return sp.Matrix(r, c, lambda i, j: sp.Symbol(f"{key}_{i}_{j}", real=True))

    def scalar(self, x):
        return sp.Matrix([[x]])

    def elem(self, op, a, b):
        if a.shape != b.shape:
            a, b = _broadcast(a, b)
        f = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "had": lambda x, y: x * y,
             "hdiv": lambda x, y: x / y}[op]
        return sp.Matrix(a.rows, a.cols, lambda i, j: f(a[i, j], b[i, j]))

    def matmul(self, a, b):
        return a * b

    def scale(self, a, b):
        s, m = (a, b) if a.shape == (1, 1) else (b, a)
        return m * s[0, 0]

    def T(self, a):
        return a.T

    def apply(self, fn, a):
        return a.applyfunc(lambda x: fn.xreplace({_z: x}))

    def power(self, a, k):
        return a.applyfunc(lambda x: x ** k)

    def sum(self, a, axis):
        if axis is None:
            return sp.Matrix([[sum(a)]])
        if axis == 0:
            return sp.Matrix(1, a.cols, lambda i, j: sum(a[:, j]))
        return sp.Matrix(a.rows, 1, lambda i, j: sum(a[i, :]))

    def example(self, a, i, rows):
        return a[i, :] if rows else a[:, i]


class _Floats(_Values):
    """NumPy float64."""

    def input(self, key, shape, sizes):
        raise AssertionError("float inputs are given")

    def scalar(self, x):
        return np.array([[float(x)]])

    def elem(self, op, a, b):
        return {"add": np.add, "sub": np.subtract, "had": np.multiply, "hdiv": np.divide}[op](a, b)

    def matmul(self, a, b):
        return a @ b

    def scale(self, a, b):
        s, m = (a, b) if a.shape == (1, 1) else (b, a)
        return m * s[0, 0]

    def apply(self, fn, a):
        f = sp.lambdify(_z, fn, modules="numpy")
        return np.vectorize(lambda x: float(f(x)))(a).astype(float).reshape(a.shape)

    def power(self, a, k):
        return a ** k

    def sum(self, a, axis):
        return np.sum(a).reshape(1, 1) if axis is None else np.sum(a, axis=axis, keepdims=True)

    def example(self, a, i, rows):
        return a[i:i + 1, :] if rows else a[:, i:i + 1]


def _broadcast_like(v, like):
    """A column or row sum repeated to the shape of ``like``."""
    if isinstance(v, np.ndarray):
        return np.broadcast_to(v, like.shape).copy()
    if isinstance(v, tuple):
        return like
    return _broadcast(v, like)[0]


def _broadcast(a, b):
    """SymPy matrices of one shape, a 1×1 or a bias vector repeated (the shapes were checked)."""
    def grow(x, shape):
        if x.shape == shape:
            return x
        return sp.Matrix(shape[0], shape[1], lambda i, j: x[i if x.rows > 1 else 0, j if x.cols > 1 else 0])
    shape = (max(a.rows, b.rows), max(a.cols, b.cols))
    return grow(a, shape), grow(b, shape)


def _simplex(M, axis):
    """``M`` with its last entry along ``axis`` replaced by 1 minus the others (assume np.sum = 1)."""
    if axis is None or isinstance(M, tuple):
        return M
    M = M.copy()
    if axis == 1:
        for i in range(M.shape[0]):
            M[i, M.shape[1] - 1] = 1 - sum(M[i, j] for j in range(M.shape[1] - 1))
    else:
        for j in range(M.shape[1]):
            M[M.shape[0] - 1, j] = 1 - sum(M[i, j] for i in range(M.shape[0] - 1))
    return M


class _Forced(Exception):
    """A header definition is defined only when a size is a given integer (``n_L = 1``).

    Not a :class:`MatrixError`: a definition's shape error becomes the link's refusal, a forced size
    goes up to :func:`_infer_sizes`, which fixes it in the model and reads the definitions again."""

    def __init__(self, size: sp.Symbol, value: sp.Integer, why: str):
        super().__init__(why)
        self.size, self.value, self.why = size, value, why
        self.where = ""


def _forced(a, b, sizes) -> dict | None:
    """The sizes that make the shapes ``a`` and ``b`` agree, when each differing pair is a size and an integer."""
    out: dict = {}
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if y in sizes and x.is_Integer:
            x, y = y, x
        if x not in sizes or not y.is_Integer or out.get(x, y) != y:
            return None
        out[x] = y
    return out or None


class _Probe:
    """An index bound by nothing that names its range: every size it runs along, where."""

    def __init__(self):
        self.seen: dict = {}  # letter -> {size: where}

    def saw(self, letter: str, dim, where: str):
        self.seen.setdefault(letter, {}).setdefault(dim, where)

    def size(self, letter: str):
        dims = self.seen.get(letter, {})
        if not dims:
            raise Unsupported(f"the index {letter} indexes nothing: its range is unknown")
        if len(dims) > 1:
            (d1, w1), (d2, w2) = sorted(dims.items(), key=lambda kv: str(kv[0]))[:2]
            raise MatrixError(f"the index {letter} runs over {d1} in {w1} but over {d2} in {w2}")
        return next(iter(dims))


class _Eval:
    def __init__(self, model: Model, alg, sizes: dict, inputs: dict | None = None, overrides=None, env=None,
                 free: set | None = None, infer: bool = False):
        self.model, self.alg, self.sizes = model, alg, sizes
        self.infer = infer  # a header's definitions: a size they force is reported (_Forced), not an error
        self.inputs = inputs if inputs is not None else {}
        self.overrides = overrides or {}
        self.env = env or {}
        self.memo: dict = {}
        self.free = free if free is not None else set()
        self.active: set = set()

    def child(self, overrides=None, env=None) -> _Eval:
        e = _Eval(self.model, self.alg, self.sizes, self.inputs, {**self.overrides, **(overrides or {})},
                  {**self.env, **(env or {})}, self.free, self.infer)
        if not overrides:  # the definitions do not depend on an index: what is known stays known
            e.memo = self.memo
        return e

    def shape(self, v):
        return self.alg.shape(v)

    def fail(self, node: Node, message: str):
        raise MatrixError(message)

    def mismatch(self, message: str, *pairs):
        """A shape error; while reading a header, first the sizes that would mend it (``pairs`` of shapes)."""
        if self.infer:
            for a, b in pairs:
                forced = _forced(a, b, set(self.model.sizes))
                if forced:
                    size, value = sorted(forced.items(), key=lambda kv: str(kv[0]))[0]
                    raise _Forced(size, value, message)
        raise MatrixError(message)

    def scalar_shape(self, s) -> bool:
        return tuple(s) == (1, 1)

    # ------------------------------------------------------------------
    def value(self, node: Node):
        return getattr(self, "op_" + node.op)(node)

    def lookup(self, key: str):
        if key in self.overrides:
            return self.overrides[key]
        if key in self.model.entries:
            if key not in self.memo:
                self.memo[key] = self.defined_entries(key)
            return self.memo[key]
        if key in self.model.shapes:
            if key not in self.inputs:
                self.inputs[key] = _simplex(self.alg.input(key, self.model.shapes[key], self.sizes),
                                            self.model.simplex.get(key))
            return self.inputs[key]
        if key in self.model.lets:
            if key in self.memo:
                return self.memo[key]
            if key in self.active:
                raise MatrixError(f"{key} is defined in terms of itself")
            self.active.add(key)
            try:
                v = self.value(self.model.lets[key])
            except _Forced as exc:
                exc.where = exc.where or key  # the innermost definition that forces the size
                raise
            except Unsupported:
                raise
            except MatrixError as exc:  # the header's fault, not the link's: the link is refused
                raise Unsupported(f"in the definition of {key}: {exc.message}") from None
            finally:
                self.active.discard(key)
            self.memo[key] = v
            return v
        size = sp.Symbol(key, positive=True, integer=True)
        if size in self.model.sizes:
            return self.alg.scalar(size if self.alg.symbolic else self.sizes[size])
        if key in self.env:
            raise MatrixError(f"the index {key} on its own")
        if "[" in key:  # W^{[3]} undeclared is a slip of the header, never a free scalar
            raise Unsupported(f"{key} is neither declared by shape nor defined by let")
        indexed = re.fullmatch(r"(.+)_([a-z])", key)
        if indexed and indexed.group(2) in self.env:  # v_i in a sum over i: an entry of v, which is undeclared
            raise Unsupported(f"{key} is indexed by {indexed.group(2)} but {indexed.group(1)} is not declared: "
                              f"shape {indexed.group(1)} : R \\times C")
        self.free.add(key)
        sym = sp.Symbol(key, real=True)
        if isinstance(self.alg, _Floats):
            return self.alg.scalar(self.inputs[key])
        if isinstance(self.alg, _Values):
            self.inputs.setdefault(key, sp.Matrix([[sym]]))
        return self.alg.scalar(sym)

    def defined_entries(self, key: str):
        """The matrix ``key`` built from the header's ``let X_{i1} = ...`` entry by entry."""
        shape = self.model.shapes[key]
        if isinstance(self.alg, _Shapes):  # every entry defined: checked where a literal could leave a gap
            literals = [x for items, _ in self.model.entries[key] for x in items if isinstance(x, int)]
            wide = max(literals, default=1) + 2
            R, C = (int(x) if x.is_Integer else wide for x in shape)
            for r in range(R):
                for c in range(C):
                    self.entry_let(key, shape, r, c)
            return shape
        R, C = (int(sp.sympify(x).subs(self.sizes)) for x in shape)
        cells = []
        for r in range(R):
            for c in range(C):
                items, body, env = self.entry_let(key, shape, r, c)
                v = self.child(env=env).value(body)
                if tuple(self.shape(v)) != (1, 1):
                    raise MatrixError(f"an entry of {key} is {_fmt(self.shape(v))}, not a number")
                cells.append(v[0, 0])
        if isinstance(self.alg, _Floats):
            return np.array(cells, float).reshape(R, C)
        return sp.Matrix(R, C, cells)

    def entry_let(self, key: str, shape, r: int, c: int):
        """The ``let`` that defines entry (r, c) of ``key`` (counted from 0), with its index letters bound."""
        first = 0 if key in self.model.zero_based else 1
        at = (r if shape[1] == 1 else c,) if 1 in (shape[0], shape[1]) else (r, c)
        for items, body in self.model.entries[key]:
            env: dict = {}
            if len(items) == len(at) and all(
                    (item - first == k) if isinstance(item, int) else env.setdefault(item, k) == k
                    for item, k in zip(items, at, strict=True)):
                return items, body, env
        raise Unsupported(f"no let defines the entry {key}_{{{','.join(str(k + first) for k in at)}}}")

    def op_matrix(self, node):
        """A matrix literal: every cell a number (1×1)."""
        rows, cols = node.data
        cells = [self.value(x) for x in node.args]
        for x, v in zip(node.args, cells, strict=True):
            if tuple(self.shape(v)) != (1, 1):
                raise MatrixError(f"the cell {x.text} of a matrix is {_fmt(self.shape(v))}, not a number")
        if isinstance(self.alg, _Shapes):
            return (sp.Integer(rows), sp.Integer(cols))
        if isinstance(self.alg, _Floats):
            return np.array([float(np.asarray(v).ravel()[0]) for v in cells]).reshape(rows, cols)
        return sp.Matrix(rows, cols, [v[0, 0] for v in cells])

    def op_name(self, node):
        return self.lookup(node.data)

    def op_num(self, node):
        return self.alg.scalar(sp.Rational(node.data))

    def op_paren(self, node):
        return self.value(node.args[0])

    def op_neg(self, node):
        return self.alg.scale(self.alg.scalar(-1), self.value(node.args[0]))

    def declared_1x1(self, node: Node) -> bool:
        """A name declared 1×1 by shape is a matrix, not a scalar: ``y \\log a^{[L]}`` needs a 1-wide output."""
        while node.op == "paren":
            node = node.args[0]
        return node.op == "name" and tuple(self.model.shapes.get(node.data, ())) == (1, 1)

    def scalar_like(self, node: Node, shape) -> bool:
        return self.scalar_shape(shape) and not self.declared_1x1(node)

    def _elementwise(self, node, op, symbol):
        a, b = (self.value(x) for x in node.args)
        sa, sb = self.shape(a), self.shape(b)
        if sa != sb and not (self.scalar_like(node.args[0], sa) or self.scalar_like(node.args[1], sb)):
            rows = self.model.layout == "rows"
            ok = op in ("add", "sub") and (
                (not rows and sa[0] == sb[0] and 1 in (sa[1], sb[1])) or
                (rows and sa[1] == sb[1] and 1 in (sa[0], sb[0])))
            if not ok:
                self.mismatch(f"{node.args[0].text} ({_fmt(sa)}) {symbol} {node.args[1].text} ({_fmt(sb)}): "
                              "the shapes differ" + (" (only a bias " + ("row 1×n" if rows else "column n×1") +
                                                     " is repeated along the batch)" if op in ("add", "sub")
                                                     else ""), (sa, sb))
        if self.scalar_shape(sa) and not self.scalar_shape(sb) and op in ("had",):
            return self.alg.scale(a, b)
        return self.alg.elem(op, a, b)

    def op_add(self, node):
        return self._elementwise(node, "add", "+")

    def op_sub(self, node):
        return self._elementwise(node, "sub", "-")

    def op_had(self, node):
        return self._elementwise(node, "had", "⊙")

    def op_hdiv(self, node):
        return self._elementwise(node, "hdiv", "⊘")

    def op_matmul(self, node):
        a, b = (self.value(x) for x in node.args)
        sa, sb = self.shape(a), self.shape(b)
        if self.scalar_like(node.args[0], sa) or self.scalar_like(node.args[1], sb) or \
                (self.scalar_shape(sa) and self.scalar_shape(sb)):
            return self.alg.scale(a, b)
        if sa[1] != sb[0]:
            self.mismatch(f"{node.args[0].text} ({_fmt(sa)}) · {node.args[1].text} ({_fmt(sb)}): "
                          f"inner dimensions {sa[1]} and {sb[0]} differ",
                          *([((sa[1],), (sb[0],))] if (1, 1) in (tuple(sa), tuple(sb)) else []))
        return self.alg.matmul(a, b)

    def op_frac(self, node):
        a, b = (self.value(x) for x in node.args)
        sa, sb = self.shape(a), self.shape(b)
        if self.scalar_shape(sb):
            if isinstance(self.alg, _Shapes):
                return sa
            inv = b.applyfunc(lambda x: 1 / x) if isinstance(b, sp.MatrixBase) else 1 / b
            return self.alg.scale(inv, a)
        if sa != sb:
            self.mismatch(f"\\frac of {node.args[0].text} ({_fmt(sa)}) by {node.args[1].text} ({_fmt(sb)}): "
                          "the shapes differ", (sa, sb))
        return self.alg.elem("hdiv", a, b)

    def op_T(self, node):
        return self.alg.T(self.value(node.args[0]))

    def op_pow(self, node):
        a = self.value(node.args[0])
        if not self.scalar_shape(self.shape(a)) and node.data < 0:
            raise Unsupported(f"{node.text}: a negative power of a matrix (an inverse) is not read yet")
        if not self.scalar_shape(self.shape(a)) and not self.model.elementwise:
            raise MatrixError(f"a power of the matrix {node.args[0].text} ({_fmt(self.shape(a))}): write "
                              "`elementwise *` in the header for element-wise powers")
        return self.alg.power(a, node.data)

    def op_sum(self, node):
        return self.alg.sum(self.value(node.args[0]), node.data)

    def op_example(self, node):
        inner = node.args[0]
        if inner.op == "name" and inner.data not in self.model.shapes and inner.data not in self.model.lets \
                and inner.data not in self.overrides:
            raise Unsupported(f"{node.text}: {inner.data} is not a declared matrix (shape {inner.data} : R \\times C)")
        a = self.value(inner)
        var = node.data
        if var not in self.env:
            raise MatrixError(f"{node.text}: the example index {var} is not bound by a sum")
        rows = self.model.layout == "rows"
        at = self.position(var, self.shape(a)[0 if rows else 1], node)
        return self.alg.example(a, at, rows)

    def position(self, item, dim, node: Node):
        """Where index ``item`` (a letter bound in ``env``, or an integer as written) points along ``dim``."""
        if isinstance(item, int):
            base = node.args[0]
            while base.op != "name":
                base = base.args[0]
            at = item - (0 if base.data in self.model.zero_based else 1)
        else:
            if item not in self.env:
                raise MatrixError(f"{node.text}: the index {item} is bound by nothing")
            at = self.env[item]
            if isinstance(at, _Probe):
                at.saw(item, dim, node.text)
                at = 0
        if at is None or isinstance(self.alg, _Shapes):
            return at
        if not 0 <= at < int(dim):
            raise MatrixError(f"{node.text}: there is no entry {item} along a size of {dim}")
        return at

    def op_entry(self, node):
        a = self.value(node.args[0])
        sa = self.shape(a)
        items = entry_indices(node)
        if len(items) == 1:
            if not (sa[0] == 1 or sa[1] == 1):
                raise MatrixError(f"{node.text}: {node.args[0].text} is {_fmt(sa)}, not a vector: write both "
                                  "indices, W_{jk}")
            axis = 0 if sa[1] == 1 and sa[0] != 1 else 1
            r, c = (self.position(items[0], sa[0], node), 0) if axis == 0 else (0, self.position(items[0], sa[1], node))
        else:
            r, c = self.position(items[0], sa[0], node), self.position(items[1], sa[1], node)
        if isinstance(self.alg, _Shapes):
            return (1, 1)
        return a[r:r + 1, c:c + 1]

    def op_bsum(self, node):
        var = node.data
        body = node.args[0]
        if isinstance(self.alg, _Shapes):
            return self.child(env={var: None}).value(body)
        if len(node.args) == 2:
            n = int(self.value(node.args[1])[0, 0])
        elif var in self.model.indices:
            n = int(sp.sympify(self.model.indices[var]).subs(self.sizes))
        else:  # \sum_k: k runs over what it indexes
            probe = _Probe()
            self.child(env={var: probe}).value(body)
            n = int(sp.sympify(probe.size(var)).subs(self.sizes))
        total = None
        for i in range(n):
            v = self.child(env={var: i}).value(body)
            total = v if total is None else self.alg.elem("add", total, v)
        return total

    def op_ind(self, node):
        a = self.value(node.args[0])
        if isinstance(self.alg, _Shapes):
            return a
        if isinstance(a, np.ndarray):
            return (a > 0).astype(float)
        return a.applyfunc(lambda x: sp.Heaviside(x, 0))

    def op_norm(self, node):
        a = self.value(node.args[0])
        if isinstance(self.alg, _Shapes):
            return (1, 1)
        sq = self.alg.sum(self.alg.elem("had", a, a), None)
        return sq.applyfunc(sp.sqrt) if isinstance(sq, sp.MatrixBase) else np.sqrt(sq)

    def op_call(self, node):
        fn, order = node.data
        if fn == "diag" and fn not in self.model.functions:
            a = self.value(node.args[0])
            sa = self.shape(a)
            if order or len(node.args) != 1 or 1 not in sa:
                raise Unsupported(f"{node.text}: diag of a vector only")
            n = sa[0] if sa[1] == 1 else sa[1]
            if isinstance(self.alg, _Shapes):
                return (n, n)
            if isinstance(a, np.ndarray):
                return np.diag(a.ravel())
            return sp.diag(*list(a))
        if fn == "softmax" and fn not in self.model.functions:
            if order or len(node.args) != 1:
                raise Unsupported("softmax' of a matrix: write the Jacobian out")
            a = self.value(node.args[0])
            if isinstance(self.alg, _Shapes):
                return a
            axis = 1 if self.model.layout == "rows" else 0  # along the class axis
            e = self.alg.apply(expo(_z), a)
            return self.alg.elem("hdiv", e, _broadcast_like(self.alg.sum(e, axis), e))
        if fn in self.model.functions and not order:  # by substitution: h(x) = x \theta takes a row
            params, body = self.model.functions[fn]
            if len(params) != len(node.args):
                raise MatrixError(f"{fn} takes {len(params)} arguments")
            vals = {p: self.value(a) for p, a in zip(params, node.args, strict=False)}
            return _Eval(self.model, self.alg, self.sizes, self.inputs, {**self.overrides, **vals}, self.env,
                         self.free).value(body)
        if len(node.args) != 1:
            raise Unsupported(f"{fn} of {len(node.args)} arguments is not supported in a matrix note")
        a = self.value(node.args[0])
        return self.alg.apply(self.function(fn, order), a)

    def function(self, fn: str, order: int):
        if fn in self.model.functions:
            params, body = self.model.functions[fn]
            if len(params) != 1:
                raise Unsupported(f"the derivative of {fn} of {len(params)} arguments")
            e = _Eval(self.model, _Values(), {}, overrides={params[0]: sp.Matrix([[_z]])}, free=self.free)
            v = e.value(body)
            if v.shape != (1, 1):
                raise MatrixError(f"the function {fn} is not element-wise")
            expr = v[0, 0]
        else:
            expr = _KNOWN[_FN_KEY.get(fn, fn)]
        return sp.diff(expr, _z, order) if order else expr

    def region(self, w: Node):
        """``w`` a name, an example ``X^{(i)}`` or an entry ``X_j^{(i)}`` of one: (name, rows, columns) it covers."""
        if w.op == "name":
            R, C = self.shape(self.lookup(letter(w)))
            return letter(w), (0, R), (0, C)
        if w.op not in ("example", "entry"):
            raise Unsupported(f"a derivative by {w.text}: the variable must be a name, an example or an entry")
        key, (r0, r1), (c0, c1) = self.region(w.args[0])
        sa = (r1 - r0, c1 - c0)
        if w.op == "example":
            rows = self.model.layout == "rows"
            at = self.position(letter(w), sa[0] if rows else sa[1], w)
            return (key, (r0 + at, r0 + at + 1), (c0, c1)) if rows else (key, (r0, r1), (c0 + at, c0 + at + 1))
        items = entry_indices(w)
        if len(items) == 1:
            if not (sa[0] == 1 or sa[1] == 1):
                raise MatrixError(f"{w.text}: {w.args[0].text} is {_fmt(sa)}, not a vector: write both indices")
            if sa[1] == 1 and sa[0] != 1:
                at = self.position(items[0], sa[0], w)
                return key, (r0 + at, r0 + at + 1), (c0, c1)
            at = self.position(items[0], sa[1], w)
            return key, (r0, r1), (c0 + at, c0 + at + 1)
        r, c = self.position(items[0], sa[0], w), self.position(items[1], sa[1], w)
        return key, (r0 + r, r0 + r + 1), (c0 + c, c0 + c + 1)

    def op_d(self, node):
        """A gradient shaped like ``w`` (scalar ``f``), or the Jacobian of vectors (one row per entry of ``f``).

        ``w`` may be an example or an entry of a matrix (``\\partial E / \\partial \\hat{Y}_j^{(i)}``): the
        derivative by those entries of it, the others held fixed."""
        f, w = node.args
        base = w
        while base.op in ("entry", "example"):
            base = base.args[0]
        if base.op != "name":
            raise Unsupported(f"a derivative by {w.text}: the variable must be a declared or defined name")
        if base.data not in self.model.shapes and base.data not in self.model.lets and \
                base.data not in self.overrides and base.data not in self.model.bounds:
            raise Unsupported(f"a derivative by {w.text}, which is neither declared by shape nor defined by let")
        if isinstance(self.alg, _Shapes):
            sw = self.shape(self.value(w))
            sf = self.shape(self.child().value(f))
            if self.scalar_shape(sf):
                return sw
            if 1 in sf and 1 in sw:  # a Jacobian of vectors
                return (sf[0] if sf[1] == 1 else sf[1], sw[0] if sw[1] == 1 else sw[1])
            raise Unsupported(f"\\partial {f.text} / \\partial {w.text}: {f.text} is {_fmt(sf)} and {w.text} is "
                              f"{_fmt(sw)}; the derivative of a matrix by a matrix is not read yet")
        key, (r0, r1), (c0, c1) = self.region(w)
        W = self.lookup(key)
        if w.op != "name":  # by entries of W: the gradient by all of W once, then its entries
            env = tuple((x, self.env.get(x)) for x in _free_letters(f))
            if all(isinstance(v, int) for _, v in env):
                memo = ("d", id(f), key, env)
                if memo not in self.memo:
                    self.memo[memo] = self.op_d(Node("d", (f, Node("name", (), key, key)), None, node.text))
                full = self.memo[memo]
                R, C = self.shape(W)
                if tuple(self.shape(full)) == (R, C):  # a gradient shaped like W
                    return full[r0:r1, c0:c1]
        cells = [(i, j) for i in range(r0, r1) for j in range(c0, c1)]
        shape = (r1 - r0, c1 - c0)
        if isinstance(self.alg, _Floats):
            cols = []
            for idx in cells:
                vals = []
                for h in (EPS, -EPS):
                    moved = W.copy()
                    moved[idx] += h
                    vals.append(np.asarray(self.child({key: moved}).value(f), float).ravel())
                cols.append((vals[0] - vals[1]) / (2 * EPS))
            grad = np.array(cols).T  # one row per entry of f, one column per entry of w
            return grad.reshape(shape) if grad.shape[0] == 1 else grad
        fresh = W.copy()
        for i, j in cells:
            fresh[i, j] = sp.Dummy(f"d{key}_{i}_{j}", real=True)
        F = self.child({key: fresh}).value(f)
        back = {fresh[i, j]: W[i, j] for i, j in cells}
        ws = [fresh[i, j] for i, j in cells]
        if F.shape == (1, 1):
            return sp.Matrix(shape[0], shape[1], lambda i, j: sp.diff(F[0, 0], ws[i * shape[1] + j]).xreplace(back))
        if 1 not in F.shape or 1 not in shape:
            raise Unsupported(f"\\partial {f.text} / \\partial {w.text}: the derivative of a matrix by a matrix")
        fs = list(F)
        return sp.Matrix(len(fs), len(ws), lambda i, j: sp.diff(fs[i], ws[j]).xreplace(back))


_FN_KEY = {"sigma": "sigmoid", "ln": "log"}


# --------------------------------------------------------------------------
# the claim
# --------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class NoteMatrixClaim:
    """``lhs = rhs`` of a matrix note, with the note's model (shapes, lets, layout)."""

    lhs: Node
    rhs: Node
    model: Model
    says: str

    def size_assignments(self) -> list[dict]:
        sizes = self.model.sizes
        # the batch size (the commonest size along the example axis) gets the smallest value: every
        # entry of a batch cost is a sum over it, and its denominators multiply when brought together
        axis = 0 if self.model.layout == "rows" else 1
        count = {s: sum(1 for shape in self.model.shapes.values() if shape[axis] == s) for s in sizes}
        order = sorted(sizes, key=lambda s: (-count[s], str(s)))
        # distinct from each other and from the integer sizes the note fixes (a 2×1 theta: no n = 2)
        fixed = {int(x) for shape in self.model.shapes.values() for x in shape if x.is_Integer}
        values = [v for v in range(2, 2 + len(sizes) + len(fixed) + 1) if v not in fixed]
        distinct = {s: values[order.index(s)] for s in sizes}
        # the second is small (its cost is the budget's): sizes 2, but the batch size differs from the
        # first's, so that a constant written for 1/m (1/2 at m = 2) cannot hold at both
        small = {s: 2 for s in sizes}
        if sizes:
            small[order[0]] = 3 if distinct[order[0]] != 3 else 2
        return [distinct, small] if sizes else [distinct]  # every size fixed by the note: one assignment

    def check(self, budget: float = BUDGET):
        return check_note_claim(self, budget)

    def sides(self, ev: _Eval):
        return _sides(ev, self.lhs, self.rhs)


def _free_letters(node: Node, bound: frozenset = frozenset()) -> list[str]:
    """The index letters of ``node`` that no sum binds (``X_j^{(i)}``: i and j), in order of appearance."""
    out: list[str] = []
    if node.op == "bsum":
        bound = bound | {letter(node)}
    if node.op == "example" and letter(node) not in bound:
        out.append(letter(node))
    if node.op == "entry":
        out += [x for x in entry_indices(node) if isinstance(x, str) and x not in bound]
    for a in node.args:
        if isinstance(a, Node):
            out += [x for x in _free_letters(a, bound) if x not in out]
    return list(dict.fromkeys(out))


def _sides(ev: _Eval, lhs: Node, rhs: Node):
    """Both sides' values; a link with free indices is a claim for each value of them, stacked in rows.

    The range of a free index is the size it runs along (``\\hat{Y}_j^{(i)}``: i over the examples, j
    over the classes); an index that runs along two different sizes is a shape error."""
    letters = list(dict.fromkeys(_free_letters(lhs) + _free_letters(rhs)))
    letters = [x for x in letters if x not in ev.env]
    if not letters:
        return ev.value(lhs), ev.value(rhs)
    probe = _Probe()
    if isinstance(ev.alg, _Shapes):
        probed = ev.child(env=dict.fromkeys(letters, probe))
        a, b = probed.value(lhs), probed.value(rhs)
        for x in letters:  # one range each, the one stated if any
            said = ev.model.indices.get(x)
            if probe.size(x) is not None and said is not None and sp.sympify(said).free_symbols and \
                    sp.sympify(said) != probe.size(x):
                raise MatrixError(f"the index {x} is said to run to {said} but it runs along a size of {probe.size(x)}")
        return a, b
    shapes = _Eval(ev.model, _Shapes(), {})
    probed = shapes.child(env=dict.fromkeys(letters, probe))
    probed.value(lhs), probed.value(rhs)
    ranges = []
    for x in letters:
        n = sp.sympify(probe.size(x)).subs(ev.sizes)
        said = sp.sympify(ev.model.indices[x]).subs(ev.sizes) if x in ev.model.indices else n
        if said.is_Integer and said != n:
            raise MatrixError(f"the index {x} is said to run to {ev.model.indices[x]} but it runs along a size "
                              f"of {probe.size(x)}")
        ranges.append(range(int(n)))
    left, right = [], []
    for values in itertools.product(*ranges):
        at = ev.child(env=dict(zip(letters, values, strict=True)))
        left.append(at.value(lhs))
        right.append(at.value(rhs))
    if isinstance(ev.alg, _Floats):
        return np.vstack([np.asarray(x, float) for x in left]), np.vstack([np.asarray(x, float) for x in right])
    return sp.Matrix.vstack(*left), sp.Matrix.vstack(*right)


def _size_text(size) -> str:
    return ", ".join(f"{k} = {v}" for k, v in size.items())


def _shapes(claim: NoteMatrixClaim) -> Verdict:
    start = time.perf_counter()
    method = "shape algebra (symbolic sizes)"
    ev = _Eval(claim.model, _Shapes(), {})
    # the counterexample of a shape failure: sizes at which the products are undefined too
    sizes = {str(k): float(v) for k, v in claim.size_assignments()[0].items()}
    try:
        a, b = claim.sides(ev)
    except Unsupported:
        raise  # notation not read is never a verdict
    except MatrixError as exc:
        return Verdict(Status.FAILS, method, time.perf_counter() - start, reason=exc.message,
                       counterexample=sizes)
    if tuple(a) != tuple(b):
        return Verdict(Status.FAILS, method, time.perf_counter() - start, counterexample=sizes,
                       reason=f"{claim.lhs.text} is {_fmt(a)} but {claim.rhs.text} is {_fmt(b)}")
    return Verdict(Status.HOLDS, method, time.perf_counter() - start,
                   reason="every product and element-wise operation is defined; both sides are " + _fmt(a))


def _domain(claim: NoteMatrixClaim, symbols) -> Domain:
    bounds = {}
    for s in symbols:
        key = str(s).rsplit("_", 2)[0]
        if key in claim.model.bounds:
            bounds[s] = claim.model.bounds[key]
        elif str(s) in claim.model.bounds:
            bounds[s] = claim.model.bounds[str(s)]
    return Domain.of(bounds)


def _opaque_zero(D: sp.Matrix) -> bool:
    """Is every entry 0 once each outermost activation application is an independent symbol?

    A proof (as in :mod:`checks.matrix`): a rational identity in independent
    symbols holds at the actual values wherever both sides are defined.  False
    proves nothing; :func:`decide` then looks for a witness.
    """
    for e in D:
        table: dict = {}
        while True:
            found = [f for f in e.atoms(_Activation) if f not in table]
            if not found:
                break
            for f in sorted(found, key=sp.default_sort_key):
                table[f] = sp.Dummy("act")
            e = e.xreplace(table)
        if sp.expand(e) == 0:
            continue
        if sp.expand(sp.fraction(sp.together(e))[0]) != 0:
            return False
    return True


@functools.cache
def _proved(name: str) -> Verdict:
    from gradproof.checks.matrix import prove_activation

    if name in _OPAQUE:
        z = sp.Symbol("z", positive=True)
        return decide(sp.Derivative(_OPAQUE[name](z), z), _OPAQUE[name](z).fdiff())
    return prove_activation(name)


def _entries(claim: NoteMatrixClaim, budget: float) -> Verdict:
    start = time.perf_counter()
    sizes = claim.size_assignments()
    last = None
    used: set = set()
    for size in sizes:
        ev = _Eval(claim.model, _Values(), size)
        try:
            a, b = claim.sides(ev)
        except Unsupported:
            raise
        except MatrixError as exc:
            return Verdict(Status.FAILS, "entries at concrete sizes", time.perf_counter() - start,
                           reason=f"at {_size_text(size)}: {exc.message}",
                           counterexample={str(k): float(v) for k, v in size.items()})
        if a.shape != b.shape:
            return Verdict(Status.FAILS, "entries at concrete sizes", time.perf_counter() - start,
                           reason=f"at {_size_text(size)}: {a.shape} vs {b.shape}")
        used |= {type(f).__name__ for e in list(a) + list(b) for f in e.atoms(_Activation)}
        symbols = set().union(*(e.free_symbols for e in list(a) + list(b))) if len(a) else set()
        try:
            proved = bounded(lambda: _opaque_zero(a - b), budget * ENTRY_BUDGET)
        except Timeout:
            proved = False
        if proved:
            last = Verdict(Status.HOLDS, "opaque activations, exact", time.perf_counter() - start)
            continue
        v = decide(a, b, _domain(claim, symbols), budget * ENTRY_BUDGET,
                   seed=stable_seed(claim.says, _size_text(size)))
        where = f"at {_size_text(size)}" + (f", entry {v.where}" if v.where else "")
        v = Verdict(v.status, v.method, v.seconds, v.counterexample, v.lhs_value, v.rhs_value, v.residual,
                    v.reason, where, v.extra)
        if v.status is not Status.HOLDS:
            return v
        last = v
    for name in sorted(used):
        proof = _proved(name)
        if proof.status is not Status.HOLDS:
            return Verdict(Status.UNDECIDED, "activation derivative", time.perf_counter() - start,
                           reason=f"the derivative of {name} is not proved from its definition: {proof.reason}")
    if last is None:  # size_assignments gives at least one: nothing checked is never a pass
        return Verdict(Status.UNDECIDED, "entries at concrete sizes", time.perf_counter() - start,
                       reason="no size assignment to check the entries at")
    return Verdict(Status.HOLDS, last.method + f" (entries at {len(sizes)} size assignments)",
                   time.perf_counter() - start, where="; ".join(_size_text(s) for s in sizes))


def _numeric(claim: NoteMatrixClaim) -> Verdict:
    start = time.perf_counter()
    method = "central differences vs the closed form (float64)"
    size = claim.size_assignments()[0]
    ev = _Eval(claim.model, _Values(), size)
    try:
        claim.sides(ev)  # to learn every input
    except Unsupported:
        raise
    except MatrixError as exc:
        return Verdict(Status.FAILS, method, time.perf_counter() - start, reason=exc.message)
    rng = np.random.default_rng(stable_seed(claim.says, "float64"))
    point, values = {}, {}
    for key in sorted(ev.inputs):
        M = ev.inputs[key]
        lo, hi = claim.model.bounds.get(key, DEFAULT_INTERVAL)
        # the middle of the interval: deep nets of sinh and softplus neither overflow nor saturate there
        # (log(1 - a) of a saturated sigmoid loses the digits a central difference needs)
        mid, half = (lo + hi) / 2, 0.15 * (hi - lo)
        arr = rng.uniform(mid - half, mid + half, size=M.shape)
        arr = _simplex(arr, claim.model.simplex.get(key))
        values[key] = arr if key in claim.model.shapes else float(arr[0, 0])
        point.update({f"{key}_{i}_{j}": float(arr[i, j]) for i in range(arr.shape[0]) for j in range(arr.shape[1])})
    fe = _Eval(claim.model, _Floats(), size, inputs=values)
    with np.errstate(all="ignore"):
        a, b = (np.asarray(x, float) for x in claim.sides(fe))
    err = np.abs(a - b)
    bound = ATOL + RTOL * np.abs(b) + 1e-6 * (1 + np.abs(b))  # central differences: O(EPS^2) plus rounding
    if not np.all(np.isfinite(a)) or not np.all(np.isfinite(b)):
        return Verdict(Status.UNDECIDED, method, time.perf_counter() - start, reason="not finite at the point")
    idx = np.unravel_index(np.argmax(err - bound), err.shape)
    if err[idx] > bound[idx]:
        return Verdict(Status.FAILS, method, time.perf_counter() - start, counterexample=point,
                       lhs_value=float(a[idx]), rhs_value=float(b[idx]),
                       where=f"at {_size_text(size)}, entry [{idx[0]}, {idx[1]}]")
    return Verdict(Status.HOLDS, method, time.perf_counter() - start,
                   extra={"max_error": float(err.max()), "eps": EPS})


_NOT_RUN = Verdict(Status.SKIPPED, "not run: the shapes fail")


def check_note_claim(claim: NoteMatrixClaim, budget: float = BUDGET):
    """Shapes, then entries at concrete sizes, then float64: a :class:`checks.matrix.ClaimResult`."""
    from gradproof.checks.matrix import ClaimResult

    try:
        shapes = _shapes(claim)
    except Unsupported as exc:
        v = Verdict(Status.UNDECIDED, "matrix note", reason=exc.message)
        return ClaimResult(v, v, v)
    if shapes.status is Status.FAILS:
        return ClaimResult(shapes, Verdict(Status.FAILS, shapes.method, reason=shapes.reason,
                                           counterexample=shapes.counterexample), _NOT_RUN)
    try:
        return ClaimResult(shapes, _entries(claim, budget), _numeric(claim))
    except (MatrixError, ArithmeticError, ValueError, TypeError, IndexError) as exc:  # never a traceback
        why = exc.message if isinstance(exc, MatrixError) else f"{type(exc).__name__}: {exc}"
        v = Verdict(Status.UNDECIDED, "matrix note", reason=why)
        return ClaimResult(shapes, v, v)


# --------------------------------------------------------------------------
# reading a note
# --------------------------------------------------------------------------

_UNREADABLE = (ValueError, IndexError, KeyError, TypeError, AttributeError, RecursionError, ArithmeticError)
_HEADER_MATRIX = re.compile(r"^\s*(?:shape\s|let\s+[^=]*\\in\s*\\mathbb\s*\{?R\}?\s*\^)", re.M)


def is_matrix_header(body: str) -> bool:
    """Does a gradproof comment declare shapes (a matrix note)?"""
    return bool(_HEADER_MATRIX.search(body))


def _dim(text: str):
    t = text.strip()
    if re.fullmatch(r"\d+", t):
        return sp.Integer(int(t))
    key = name_key(t)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", key):
        raise MatrixError(f"a size is a name or an integer, not `{t}`")
    return sp.Symbol(key, positive=True, integer=True)


def _header(body: str, at: int, model: Model, fail):
    from gradproof.checks.notes import header_lines

    for s, lead in header_lines(body, at):
        try:
            _header_line(s, model)
        except MatrixError as exc:
            fail(lead, exc.message)
        except _UNREADABLE as exc:  # never a traceback for a user's text
            fail(lead, f"cannot read `{s[:60]}` ({type(exc).__name__})")


def _shape_of(text: str):
    m = re.fullmatch(r"\s*(.+?)\s*\\times\s*(.+?)\s*", text)
    if m:
        return _dim(m.group(1)), _dim(m.group(2))
    return _dim(text), sp.Integer(1)


def _is_example(text: str) -> bool:
    return bool(re.search(r"\^\s*\{\s*\(", text))


def _function(model: Model, name: str, params: str, body: str):
    key = re.sub(r"\\(?:operatorname|mathrm|text)\s*\{\s*([a-zA-Z]+)\s*\}", r"\1", name.strip()).lstrip("\\")
    if "_" in key:  # C_{\text{ridge}}: its name's key
        key = name_key(name)
    keys = tuple(name_key(p) for p in params.split(","))
    model.functions[key] = (keys, parse(body, model.names() | set(keys), set(model.functions) | {key},
                                        model.elementwise, set(model.indices)))


def _entry_let(model: Model, key: str, sub: str, body: str):
    r"""``let X_{i1} = 1``, ``let X_{i2} = x_i``: entries of the declared ``X``, which is no longer an input.

    A name the body subscripts by one of the entry's index letters and that nothing declares
    (``x_i``) is a vector input, one entry per row (column) of ``X`` the letter runs along."""
    from gradproof.symbolic.matrix_notation import _entry_indices

    items = _entry_indices(sub)
    rows, cols = model.shapes[key]
    if items is None or (len(items) == 1 and 1 not in (rows, cols)):
        raise MatrixError(f"`let {key}_{{{sub.strip()}}}`: an entry of the {rows}×{cols} matrix {key} is "
                          "written X_{ij}, X_{i1} or X_{i,j}")
    dims = (rows if cols == 1 else cols,) if len(items) == 1 else (rows, cols)
    for m in re.finditer(r"(\\?[A-Za-z]+)\s*_\s*\{?\s*([a-z])\s*\}?", body):
        name = name_key(m.group(1))
        if m.group(2) in items and name not in model.names() and name not in model.functions:
            model.shapes[name] = (dims[items.index(m.group(2))], sp.Integer(1))
    model.entries.setdefault(key, []).append((items, model.parse(body)))


def _header_line(s: str, model: Model):
    m = re.fullmatch(r"shape\s+(.+?)\s*:\s*(.+)", s)
    if m:
        shape = _shape_of(m.group(2))
        for n in m.group(1).split(","):
            model.shapes[name_key(n)] = shape
        return
    m = re.fullmatch(r"let\s+(.+?)\s*\\in\s*\\mathbb\s*\{?R\}?\s*\^\s*\{(.+)\}\s*", s) or \
        re.fullmatch(r"let\s+(.+?)\s*\\in\s*\\mathbb\s*\{?R\}?\s*\^\s*(\S+)\s*", s)
    if m:
        shape = _shape_of(m.group(2))
        for n in m.group(1).split(","):
            model.shapes[name_key(n)] = shape
        return
    m = re.fullmatch(r"layout\s+(columns|rows)", s)
    if m:
        model.layout = m.group(1)
        return
    if re.fullmatch(r"elementwise\s+\*", s):
        model.elementwise = True
        return
    m = re.fullmatch(r"let\s+(.+?)\s*(?:\\qty|\\left)?\s*\(\s*([^()]+?)\s*(?:\\right)?\)\s*(?::=|=)(.*)", s)
    if m and name_key(m.group(1)) not in model.shapes and not _is_example(m.group(1)):
        _function(model, m.group(1), m.group(2), m.group(3))
        return
    m = re.fullmatch(r"let\s+(.+?)\s*\^\s*\{\s*\(\s*([a-z])\s*\)\s*\}\s*=\s*(.+?)\s*\^\s*\{\s*\(\s*\2\s*\)\s*\}\s*", s)
    if m:  # let x^{(i)} = X^{(i)}: x^{(i)} is example i of X
        model.lets[name_key(m.group(1))] = model.parse(m.group(3))
        return
    m = re.fullmatch(r"index\s+([a-z](?:\s*,\s*[a-z])*)\s*=\s*1\s*\.\.\s*(.+)", s)
    if m:  # x_i is entry i of the vector x; \sum_i runs over 1..n
        for letter in m.group(1).split(","):
            model.indices[letter.strip()] = _dim(m.group(2))
        return
    m = re.fullmatch(r"assume\s+\\text\s*\{\s*np\.sum\s*\}\s*\(\s*(.+?)\s*,\s*axis\s*=\s*([01])\s*"
                     r"(?:,\s*keepdims\s*=\s*True\s*)?\)\s*=\s*1\s*", s)
    if m:  # labels that are a distribution: the last entry of each row (column) is what the others leave
        key = name_key(m.group(1))
        if key not in model.shapes:
            raise MatrixError(f"assume np.sum({key}, ...) = 1: {key} is not a declared matrix")
        model.simplex[key] = int(m.group(2))
        return
    m = re.fullmatch(r"let\s+(.+?)\s*(?::=|=)(.*)", s)
    if m:
        key = name_key(m.group(1))
        base = re.fullmatch(r"(.+?)_\{?\s*([a-z0-9,\s]+?)\s*\}?", m.group(1).strip())
        if base and name_key(base.group(1)) in model.shapes:  # X_{i1} = 1: entries of a declared matrix
            _entry_let(model, name_key(base.group(1)), base.group(2), m.group(2))
            return
        model.lets[key] = model.parse(m.group(2))
        return
    m = re.fullmatch(r"assume\s+(-?[\d.]+)\s*<\s*(.+?)\s*<\s*(-?[\d.]+)", s)
    if m:
        model.bounds[name_key(m.group(2))] = (float(m.group(1)), float(m.group(3)))
        return
    m = re.fullmatch(r"assume\s+(\\?[a-zA-Z]+)\s*(?:>|\\gt|>=|\\geq?)\s*(-?[\d.]+)", s) or \
        re.fullmatch(r"assume\s+(-?[\d.]+)\s*(?:<|\\lt|<=|\\leq?)\s*(\\?[a-zA-Z]+)", s)
    if m:  # a scalar with a lower bound: sampled above it (the points never sit on the bound)
        name, low = (m.group(1), m.group(2)) if not m.group(1)[0].isdigit() and m.group(1)[0] != "-" \
            else (m.group(2), m.group(1))
        low = float(low)
        model.bounds[name_key(name)] = (low, max(DEFAULT_INTERVAL[1], low + 4.0))
        return
    word = s.split()[0]
    if word in ("layers", "index", "assume"):
        raise MatrixError(f"`{s[:50]}` in a matrix note is not supported yet")
    raise MatrixError(f"cannot read the header line `{s[:60]}`: expected shape NAME : R \\times C, layout, "
                      "elementwise *, let NAME = LATEX or assume")


def _infer_sizes(model: Model) -> list[str]:
    r"""Sizes the header's definitions force, fixed in ``model``: what was inferred, one sentence each.

    ``shape y : 1 \times 1`` and ``let L = -(y \log a^{[L]} + ...)`` leave the output width ``n_L``
    open in the shapes, but the definition is a product only when ``n_L = 1``: the note's network has
    one output, and its claims are checked in that network.  Only a size against an integer is
    inferred (two sizes are never made one), only where the operation leaves no other reading (an
    element-wise operation, or a product with a declared 1×1), and only from definitions, never from a
    link: ``x W`` with ``x`` d×1 and ``W`` n×d stays an error (``W x`` was meant, not n = 1)."""
    said = []
    for _ in range(len(model.sizes) + 1):  # each round fixes one size
        for key in sorted(model.lets):
            try:
                _Eval(model, _Shapes(), {}, infer=True).lookup(key)
            except _Forced as exc:
                model.shapes = {k: tuple(sp.sympify(x).subs(exc.size, exc.value) for x in v)
                                for k, v in model.shapes.items()}
                model.indices = {k: sp.sympify(v).subs(exc.size, exc.value) for k, v in model.indices.items()}
                said.append(f"{exc.size} = {exc.value}: the definition of {exc.where or key} needs it "
                            f"({exc.why})")
                break
            except (MatrixError, *_UNREADABLE):
                continue  # a definition that cannot be read refuses the links that use it, as before
        else:
            return said
    return said


_RANGE = re.compile(r"(?:\\forall\s*)?([a-z])\s*=\s*1\s*(?:,\s*(?:\\[lc]?dots|\.\.\.)\s*,|\.\.|\\ldots|\\dots)"
                    r"\s*(\\?[A-Za-z]\w*|\d+)")
_RANGES = re.compile(r"(?:\s|\\[:;, ]|\\quad|\\qquad)*,?(?:\s|\\[:;, ]|\\quad|\\qquad|\\text\s*\{\s*for\s*\})*"
                     rf"({_RANGE.pattern}(?:(?:\s|[:,;]|\\[:;, ]|\\quad|\\qquad|\\text\s*\{{\s*and\s*\}})+{_RANGE.pattern})*)"
                     r"\s*[.,]?\s*(?=\$\$|\\\]|\\end|$)")


_LOWER = re.compile(r",(?:\s|\\[:;, ]|\\quad|\\qquad)*(\\?[A-Za-z]+)\s*(\\geq?|\\geqslant|>=|>)\s*(-?\d+(?:\.\d+)?)"
                    r"\s*[.,]?\s*(?=\$\$|\\\]|\\end|$)")


def _ranges_stated(src: str) -> tuple[str, dict]:
    """A block's trailing ``, i=1,\\cdots,n : j=1,\\cdots,c``: the ranges of its free indices, blanked
    (a statement of ranges, not a link); each is checked against the size the index runs along."""
    m = _RANGES.search(src)
    if not m:
        return src, {}
    stated = {x.group(1): _dim(x.group(2)) for x in _RANGE.finditer(m.group(1))}
    return src[:m.start()] + " " * (m.end() - m.start()) + src[m.end():], stated


def _condition_stated(src: str, model: Model) -> tuple[str, Model]:
    r"""A block's trailing ``, \lambda \geq 0``: a condition on a scalar, blanked, and the links of the
    block checked where it holds (the scalar is sampled above its bound)."""
    m = _LOWER.search(src)
    if not m or name_key(m.group(1)) in model.shapes:
        return src, model
    model = model.copy()
    low, key = float(m.group(3)), name_key(m.group(1))
    lo, hi = model.bounds.get(key, (low, max(DEFAULT_INTERVAL[1], low + 4.0)))
    model.bounds[key] = (max(lo, low), hi)
    return src[:m.start()] + " " * (m.end() - m.start()) + src[m.end():], model


_ZERO = re.compile(r"(\\?[A-Za-z]+)\}?\s*_\s*(?:0(?!\d)|\{\s*0\s*[,}a-z]|\{\s*[a-z]\s*,?\s*0\s*\})")


def _zero_based(text: str) -> frozenset:
    r"""Names whose entries the file counts from 0: it writes ``\theta_0`` (then ``\theta_1`` is the second)."""
    return frozenset(name_key(m.group(1)) for m in _ZERO.finditer(text))


_MATRIX_ENV = re.compile(r"\\begin\s*\{([bpvBV]?matrix)\}(.*?)\\end\s*\{\1\}", re.S)


def _matrix_literals(src: str) -> str:
    r"""``\begin{bmatrix} a \\ b \end{bmatrix}`` kept at its columns in a form the chain reader passes by:
    its rows and cells marked by characters no LaTeX uses (the matrix parser reads them back)."""
    def mark(m):
        body = m.group(2).replace("\\\\", MATRIX_ROW * 2).replace("&", MATRIX_CELL)
        head = MATRIX_OPEN + " " * (m.start(2) - m.start() - 1)
        tail = MATRIX_CLOSE + " " * (m.end() - m.end(2) - 1)
        return head + body + tail
    return _MATRIX_ENV.sub(mark, src)


def _as_written(side: str, at: int, text: str) -> str:
    """A side as the file has it where the reader marked a matrix literal (the marks keep every column)."""
    if not any(c in side for c in (MATRIX_OPEN, MATRIX_CLOSE, MATRIX_CELL, MATRIX_ROW)):
        return side
    return text[at:at + len(side)]


def _rejoin(sides: list, text: str) -> list:
    """Sides split at an ``=`` inside parentheses (``np.sum(M, axis=1)``) joined again."""
    out: list = []
    for t, at, d in sides:
        if out and out[-1][0].count("(") > out[-1][0].count(")"):
            pt, pat, _ = out[-1]
            out[-1] = (text[pat:at + len(t)].strip(), pat, d)
        else:
            out.append((t, at, d))
    return out


DEPTHS = (2, 3, 4)  # a claim about layer l is checked in networks of these depths
_HIDDEN = ("\\tanh", "softplus", "\\sinh")  # g^{[l]} of the hidden layers, one per layer; the output's is sigma


def _layer_text(text: str, letter: str, k: int, L: int) -> str:
    r"""``text`` at layer ``k`` of depth ``L``: ``W^{[l-1]}``, ``a^l``, ``\delta^L``, ``n_{l-1}`` get numbers."""
    def val(m):
        e = re.sub(r"\s+", "", m.group(1))
        return str((L if e[0] == "L" else k) + (int(e[1:]) if len(e) > 1 else 0))
    lab = rf"(?:{letter}|L)(?:\s*[+-]\s*\d+)?"
    text = re.sub(rf"\^\s*\{{\s*\[\s*({lab})\s*\]", lambda m: "^{[" + val(m) + "]", text)
    text = re.sub(rf"\^\s*\{{\s*({lab})\s*\}}", lambda m: "^{[" + val(m) + "]}", text)
    text = re.sub(rf"\^\s*({letter}|L)(?![a-zA-Z])", lambda m: "^{[" + val(m) + "]}", text)
    text = re.sub(rf"_\s*\{{\s*({lab})\s*\}}", lambda m: "_{" + val(m) + "}", text)
    return re.sub(rf"_\s*({letter}|L)(?![a-zA-Z])", lambda m: "_{" + val(m) + "}", text)


def _layer_activations(text: str, L: int, bases: set) -> str:
    """``g^{[k]}(``, ``g'^{[k]}(``, ``g^{[k]\\prime}(``: an activation left open, a different one per layer."""
    def act(m):
        k = int(m.group(3))
        name = "\\sigma" if k == L else _HIDDEN[(k - 1) % len(_HIDDEN)]
        return name + ("'" if (m.group(2) or m.group(4)) else "")
    pattern = r"(?<![a-zA-Z\\])([a-zA-Z])(')?\^\{\[(\d+)\](\\prime|')?\}(?=\s*(?:\\left|\\big|\\Big)?\s*\()"
    return re.sub(pattern, lambda m: m.group(0) if m.group(1) in bases else act(m), text)


def _bases(model: Model) -> set:
    return {re.sub(r"\[.*", "", key) for key in set(model.shapes) | set(model.lets)}


def _layered_header(body: str, at: int, model: Model, letter: str, L: int, fail):
    """A header comment of a ``layers`` note at depth ``L``: a line about layer ``l`` once per layer."""
    offset = at
    for line in body.split("\n"):
        here = offset
        offset += len(line) + 1
        s = line.strip()
        lead = here + len(line) - len(line.lstrip())
        if not s or s.startswith("%") or re.fullmatch(r"layers\s+[a-z]", s):
            continue
        per_layer = _layer_text(s, letter, 1, L) != _layer_text(s, letter, 2, L)
        for k in (range(1, L + 1) if per_layer else (1,)):
            try:
                _header_line(_layer_activations(_layer_text(s, letter, k, L), L, _bases(model)), model)
            except MatrixError as exc:
                fail(lead, exc.message)
            except _UNREADABLE as exc:
                fail(lead, f"cannot read `{s[:60]}` ({type(exc).__name__})")
    # the input: a layer-0 name no line defines (Nielsen's a^0) is n_0 × (the width of layer 1's bias)
    width = next((c for key, (r, c) in sorted(model.shapes.items()) if key.endswith("[1]")
                  and r == sp.Symbol("n_1", positive=True, integer=True)
                  and c != sp.Symbol("n_0", positive=True, integer=True)), sp.Integer(1))
    for node in list(model.lets.values()):
        for key in _names_in(node):
            if key.endswith("[0]") and key not in model.shapes and key not in model.lets:
                model.shapes[key] = (sp.Symbol("n_0", positive=True, integer=True), width)


def _names_in(node: Node) -> set:
    out = {node.data} if node.op == "name" else set()
    for a in node.args:
        if isinstance(a, Node):
            out |= _names_in(a)
    return out


def _layered_claim(lt: str, rt: str, models: dict, letter: str, says: str) -> LayeredClaim:
    """Every (depth, layer) at which every name of the link exists; refused when there is none."""
    instances, texts = [], set()
    for L, model in models.items():
        for k in range(1, L + 1):
            a, b = (_layer_activations(_layer_text(t, letter, k, L), L, _bases(model)) for t in (lt, rt))
            if (L, a, b) in texts:
                continue
            texts.add((L, a, b))
            left, right = model.parse(a), model.parse(b)
            try:
                ev = _Eval(model, _Shapes(), {})
                _sides(ev, left, right)
            except Unsupported as exc:
                if "neither declared" in exc.message:
                    continue  # W^{[l+1]} at the last layer: not a layer this claim is about
                raise
            except MatrixError:
                pass  # a shape error: the claim fails with it
            instances.append((L, k, NoteMatrixClaim(left, right, model, f"{says} [L = {L}, l = {k}]")))
    if not instances:
        raise Unsupported("no layer of a network of depth 2, 3 or 4 has every name of this link")
    return LayeredClaim(tuple(instances), says)


@dataclass(frozen=True, eq=False)
class LayeredClaim:
    """A claim about layer ``l``: one :class:`NoteMatrixClaim` per (depth, layer); holds when all do."""

    instances: tuple
    says: str

    def check(self, budget: float = BUDGET):
        from gradproof.checks.matrix import ClaimResult

        last = None
        for L, l, claim in self.instances:
            r = check_note_claim(claim, budget)
            if r.verdict is not Status.HOLDS or r.numeric.status is Status.FAILS:
                return ClaimResult(*(dataclasses.replace(v, where=f"L = {L}, l = {l}" + (f", {v.where}" if v.where
                                                                                         else ""))
                                     for v in (r.shapes, r.symbolic, r.numeric)))
            last = r
        if last is None:  # _layered_claim makes none without an instance
            raise MatrixError("a layered claim with no layer to check")
        where = f"{len(self.instances)} layers at depths " + ", ".join(str(d) for d in
                                                                      sorted({L for L, _, _ in self.instances}))
        return ClaimResult(last.shapes, dataclasses.replace(last.symbolic, where=where), last.numeric)


def read_matrix_note(text: str, path: str):
    """A :class:`checks.notes.Reading` of a matrix note: one ``Kind.MATRIX`` step per link."""
    from gradproof.checks import notes as N

    lines = N._Lines(text)
    errors: list = []
    notes: list = []
    steps: list = []
    comments, blocks = N._scan(text, path, lines, errors)

    def fail(offset, message):
        errors.append(N.ReadError(path, lines.line(offset), lines.col(offset), message))

    letter = next((m.group(1) for c in comments for m in [re.search(r"^\s*layers\s+([a-z])\s*$", c.body, re.M)]
                   if m), None)
    models, model = {}, Model(zero_based=_zero_based(text))
    broken: dict[int, bool] = {}  # section -> a definition in force there could not be read
    layered: dict = {}  # depth -> section -> Model, in a `layers` note
    inferred: dict = {}  # (offset, sentence): sizes the definitions force, said once each, in order
    if letter:
        seen: set = set()

        def once(offset, message):
            if (offset, message) not in seen:
                seen.add((offset, message))
                fail(offset, message)

        for L in DEPTHS:
            model, layered[L] = Model(zero_based=_zero_based(text)), {}
            for k, c in enumerate(comments):
                model = model.copy()
                before = len(errors)
                _layered_header(c.body, c.start, model, letter, L, once)
                for said in _infer_sizes(model):
                    inferred.setdefault((c.start, said), None)
                layered[L][k + 1] = model
                broken[k + 1] = broken.get(k + 1, False) or broken.get(k, False) or len(errors) > before
        models = layered[DEPTHS[0]]
    for k, c in enumerate(comments if not letter else ()):
        model = model.copy()
        before = len(errors)
        _header(c.body, c.start, model, fail)
        for said in _infer_sizes(model):
            inferred.setdefault((c.start, said), None)
        models[k + 1] = model
        broken[k + 1] = broken.get(k, False) or len(errors) > before
    notes.extend(N.Note(lines.line(at), f"inferred {said}") for at, said in inferred)
    used: set = set()
    free: set = set()
    for block in blocks:
        src = text[block.start:block.end]
        model = models[block.section]
        if block.skip:
            notes.append(N.Note(lines.line(block.start), "skipped (<!-- gradproof: skip -->)"))
            continue
        if broken[block.section]:  # an undefined name would be read as a free scalar: never guess
            fail(block.start, "not checked: a definition in force here could not be read (see above)")
            continue
        # np.sum written \text{np.sum}: a call, not prose (padded to keep every column)
        src = re.sub(r"\\(?:text|mathrm|mathtt|texttt)\s*\{\s*(np\.(?:sum|power))\s*\}",
                     lambda m: " " * (len(m.group(0)) - len(m.group(1))) + m.group(1), src)
        src, stated = _ranges_stated(_matrix_literals(src))
        if stated:
            model = model.copy()
            model.indices.update(stated)
        src, model = _condition_stated(src, model)
        try:
            blanked, chains, _ = N._chains(src)
        except N.LatexError as exc:
            fail(block.start + exc.offset, exc.message)
            continue
        for chain in chains:
            sides = []
            for side in chain:
                b = N._strip_punctuation(blanked, side.start, side.end)
                piece = blanked[side.start:b]
                lead = side.start + len(piece) - len(piece.lstrip())
                sides.append((piece.strip(), block.start + lead, side.defines))
            sides = _rejoin(sides, text[:block.start] + blanked + text[block.start + len(blanked):])
            if len(sides) < 2:
                continue
            if letter:
                for k in range(len(sides) - 1):
                    (lt, lo, ldef), (rt, ro, _) = sides[k], sides[k + 1]
                    line = lines.line(ro)
                    sid = f"L{line}"
                    j = 2
                    while sid in used:
                        sid, j = f"L{line}.{j}", j + 1
                    where = block.heading or f"block {block.number}"
                    latex = f"{N._squash(_as_written(lt, lo, text))} = {N._squash(_as_written(rt, ro, text))}"
                    try:
                        claim: LayeredClaim | NoteMatrixClaim = _layered_claim(lt, rt, {L: layered[L][block.section] for L in DEPTHS}, letter,
                                               f"{path}:{sid}:{latex}")
                    except MatrixError as exc:
                        fail(ro, exc.message)
                        continue
                    except _UNREADABLE as exc:
                        fail(ro, f"cannot read this link ({type(exc).__name__})")
                        continue
                    used.add(sid)
                    steps.append(Step(id=sid, latex=latex, cite=Cite(path, where, line), kind=Kind.MATRIX,
                                      claim=claim, says=f"link {k + 1} of the chain in {where} (matrix note, "
                                                        f"every layer {letter} at depths 2, 3, 4)"))
                continue
            try:
                nodes = [model.parse(t) for t, _, _ in sides]
            except MatrixError as exc:
                fail(sides[0][1] + exc.offset, exc.message)
                continue
            except _UNREADABLE as exc:
                fail(sides[0][1], f"cannot read this chain ({type(exc).__name__})")
                continue
            for k in range(len(sides) - 1):
                (lt, lo, ldef), (rt, ro, _) = sides[k], sides[k + 1]
                line = lines.line(ro)
                sid = f"L{line}"
                j = 2
                while sid in used:
                    sid, j = f"L{line}.{j}", j + 1
                used.add(sid)
                where = block.heading or f"block {block.number}"
                latex = f"{N._squash(_as_written(lt, lo, text))} = {N._squash(_as_written(rt, ro, text))}"
                cite = Cite(path, where, line)
                left = nodes[k]
                head = re.fullmatch(r"\s*([a-zA-Z]+|\\[a-zA-Z]+)\s*(?:\\qty|\\left)?\s*\(\s*([^()]+?)\s*(?:\\right)?\)\s*",
                                    lt)
                if head and name_key(head.group(1)) not in model.names() and \
                        head.group(1).lstrip("\\") not in model.functions:  # f(x) = F defines f
                    try:
                        for sec in models:
                            if sec >= block.section:
                                models[sec] = models[sec].copy()
                                _function(models[sec], head.group(1), head.group(2), rt)
                    except MatrixError as exc:
                        fail(ro + exc.offset, exc.message)
                        break
                    model = models[block.section]
                    steps.append(Step(id=sid, latex=latex, cite=cite, kind=Kind.DEFINITION,
                                      says=f"a definition in {where}"))
                    continue
                if ldef or (left.op == "name" and left.data not in model.names()):
                    model = model.copy()
                    model.lets[left.data] = nodes[k + 1]
                    for sec in models:
                        if sec >= block.section:
                            models[sec] = models[sec].copy()
                            models[sec].lets[left.data] = nodes[k + 1]
                    steps.append(Step(id=sid, latex=latex, cite=cite, kind=Kind.DEFINITION,
                                      says=f"a definition in {where}"))
                    continue
                claim = NoteMatrixClaim(left, nodes[k + 1], model, f"{path}:{sid}:{latex}")
                ev = _Eval(model, _Shapes(), {}, free=free)
                try:  # free scalar names, for the file's result; notation not read yet is refused
                    _sides(ev, left, nodes[k + 1])
                except Unsupported as exc:
                    fail(ro, exc.message)
                    continue
                except MatrixError:
                    pass  # a shape error: the claim fails with it
                except _UNREADABLE as exc:
                    fail(ro, f"cannot read this link ({type(exc).__name__})")
                    continue
                steps.append(Step(id=sid, latex=latex, cite=cite, kind=Kind.MATRIX, claim=claim,
                                  says=f"link {k + 1} of the chain in {where} (matrix note)"))
    first = re.search(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$", text, re.M)
    from pathlib import Path
    title = first.group(1) if first else Path(path).name
    derivation = Derivation(title=title, source=path, convention="a Markdown matrix note (gradproof check)",
                            steps=tuple(steps))
    return N.Reading(derivation, tuple(notes), tuple(sorted(errors, key=lambda e: (e.line, e.col))),
                     tuple(sorted(free)))
