r"""Batches of examples in either layout, as explicit matrices of real symbols.

Two layouts
-----------
``row-major``     one example per *row*: ``X`` is m x D, ``Z = A W^T + b`` with
                  ``b`` a 1 x n row broadcast along the rows (document 001).
``column-major``  one example per *column*: ``X`` is D x m, ``Z = W A + b`` with
                  ``b`` an n x 1 column broadcast along the columns (000, 002).

In both, ``W_l`` is n_l x n_{l-1}.

Two conventions for dZ
----------------------
The documents write ``dZ`` for "the derivative of the loss by Z".  Which loss
matters by a factor of m, so every matrix step names one:

``per-example``  the cost is the *sum* of the per-example losses
                 :math:`\sum_i \ell_i`.  For an intermediate ``Z`` this is
                 :math:`\partial \ell_i / \partial Z_i` row by row (column by
                 column): what the documents mean by ``dZ``.  For a parameter
                 it is the sum of the examples' contributions.
``batch-mean``   the cost is :math:`J = \frac{1}{m} \sum_i \ell_i`; every
                 derivative is 1/m times the per-example one.  The documents'
                 ``dW = (1/m) dZ ...`` is the batch-mean derivative written
                 with the per-example ``dZ``.

Concrete sizes
--------------
Matrices hold real symbols named by position (``X_0_1``, ``W1_1_0``, ...), so
that the same size always gives the same symbols.  A :class:`Batch` is the
forward pass of a :class:`Network` at one concrete size; it may *start* at an
intermediate node (``Z1``), whose entries are then free symbols: that is how a
derivative by an intermediate is taken.

The shape algebra
-----------------
:class:`Mat` carries a name (for messages), a shape -- symbolic dimensions
like ``m`` and ``h``, or integers -- and optionally a value (a SymPy matrix,
or a NumPy array).  Every product and element-wise operation checks its
shapes and raises :class:`ShapeMismatch` naming both operands, so that one
closed form, written once, is checked with symbolic dimensions and evaluated
at concrete sizes.

Examples
--------
>>> m, h = dims("m h")
>>> dZ2, A1 = Mat.shaped("dZ2", (m, 1)), Mat.shaped("A1", (m, h))
>>> (dZ2.T @ A1).shape
(1, h)
>>> dZ2 @ A1
Traceback (most recent call last):
...
gradproof.symbolic.layouts.ShapeMismatch: dZ2 (m×1) · A1 (m×h): inner dimensions 1 and m differ
>>> net = Network(Layout.ROW_MAJOR, ("D", "h", "1"), ("tanh", "sigmoid"))
>>> b = Batch.of(net, {"m": 2, "D": 2, "h": 3})
>>> b["Z1"].shape, b["W1"][0, 1]
((2, 3), W1_0_1)
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
import sympy as sp

from gradproof.symbolic.activations import ACTIVATIONS
from gradproof.symbolic.domain import Domain
from gradproof.symbolic.losses import bce
from gradproof.symbolic.reverse import Unsupported, gradient

__all__ = [
    "Batch",
    "Convention",
    "Layout",
    "Mat",
    "Network",
    "Quantities",
    "ShapeMismatch",
    "apply",
    "batch_mean",
    "broadcast",
    "dims",
    "matmul",
    "sum_axis",
    "symbol_matrix",
]


class Layout(str, Enum):
    ROW_MAJOR = "row-major"  # X is m x D, Z = A W^T + b
    COLUMN_MAJOR = "column-major"  # X is D x m, Z = W A + b

    def __str__(self) -> str:
        return self.value

    @property
    def example_axis(self) -> int:
        """The axis that runs over examples: 0 (rows) or 1 (columns)."""
        return 0 if self is Layout.ROW_MAJOR else 1


class Convention(str, Enum):
    PER_EXAMPLE = "per-example"  # cost = sum_i l_i ; dZ_i = d l_i / d Z_i
    BATCH_MEAN = "batch-mean"  # cost = (1/m) sum_i l_i ; 1/m times the above

    def __str__(self) -> str:
        return self.value


class ShapeMismatch(ValueError):
    """An operation on matrices whose shapes do not fit; the message names both."""


# --------------------------------------------------------------------------
# matrices of symbols, element-wise maps, sums, broadcasting
# --------------------------------------------------------------------------

def dims(names: str) -> tuple[sp.Symbol, ...]:
    """Symbolic dimensions: positive integer symbols (``dims("m h")``)."""
    out = sp.symbols(names, positive=True, integer=True, seq=True)
    return tuple(out)


def dim(name: str | int) -> sp.Expr:
    """One dimension from its name (``"h"``) or a literal (``"1"``, 3)."""
    if isinstance(name, int) or str(name).isdigit():
        return sp.Integer(int(name))
    return sp.Symbol(str(name), positive=True, integer=True)


def symbol_matrix(name: str, rows: int, cols: int) -> sp.Matrix:
    """A rows x cols matrix of real symbols ``name_i_j``.

    >>> symbol_matrix("X", 1, 2)
    Matrix([[X_0_0, X_0_1]])
    """
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}_{j}", real=True))


def matmul(A: sp.MatrixBase, B: sp.MatrixBase) -> sp.Matrix:
    """The matrix product ``A * B``, each entry one ``Add`` of its products.

    The same matrix as SymPy's ``A * B``, whose sparse product first asks of
    every entry whether ``0 * entry`` is 0 (an infinity would make it NaN):
    on the large entries of a forward pass or a gradient those questions cost
    ten times the product.  The entries here are finite by construction
    (real symbols, activations of them).

    >>> A = symbol_matrix("A", 2, 2)
    >>> matmul(A, A) == A * A
    True
    """
    if A.cols != B.rows:
        raise ShapeMismatch(f"cannot multiply {A.rows}×{A.cols} by {B.rows}×{B.cols}")
    n = A.cols
    return sp.Matrix(A.rows, B.cols, [sp.Add(*[A[i, k] * B[k, j] for k in range(n)])
                                      for i in range(A.rows) for j in range(B.cols)])


def apply(f: Callable, M: sp.MatrixBase) -> sp.Matrix:
    """``f`` applied entry by entry (an activation, its derivative, ...)."""
    return M.applyfunc(f)


def sum_axis(M: sp.MatrixBase, axis: int) -> sp.Matrix:
    """The sum along ``axis``, keeping dimensions: axis 0 gives a 1 x c row."""
    if axis == 0:
        return sp.Matrix(1, M.cols, lambda _, j: sp.Add(*M[:, j]))
    if axis == 1:
        return sp.Matrix(M.rows, 1, lambda i, _: sp.Add(*M[i, :]))
    raise ValueError(f"axis must be 0 or 1, got {axis!r}")


def batch_mean(M: sp.MatrixBase, layout: Layout) -> sp.Matrix:
    """The mean over the examples of a batch, keeping dimensions."""
    axis = layout.example_axis
    return sum_axis(M, axis) / M.shape[axis]


def broadcast(b: sp.MatrixBase, shape: tuple[int, int]) -> sp.Matrix:
    """A 1 x c row repeated along the rows, or an r x 1 column along the columns."""
    r, c = shape
    if b.shape == (r, c):
        return sp.Matrix(b)
    if b.rows == 1 and b.cols == c:
        return sp.Matrix(r, c, lambda i, j: b[0, j])
    if b.cols == 1 and b.rows == r:
        return sp.Matrix(r, c, lambda i, j: b[i, 0])
    raise ShapeMismatch(f"cannot broadcast {b.rows}×{b.cols} to {r}×{c}")


# --------------------------------------------------------------------------
# the shape algebra
# --------------------------------------------------------------------------

def _fmt(shape) -> str:
    return f"{shape[0]}×{shape[1]}"


def _scalar(x) -> bool:
    return not isinstance(x, Mat) and (isinstance(x, (int, float, sp.Expr)) and not isinstance(x, sp.MatrixBase))


class Mat:
    """A matrix with a name and a shape, and optionally a value.

    The value is ``None`` (shapes only, symbolic dimensions), a SymPy matrix
    (concrete size), or a NumPy array.  With a NumPy value every operation
    is left to NumPy -- its own shape rules, its own errors -- which makes
    it an independent second opinion on the shapes at a concrete size.

    Operators: ``@`` matrix product, ``.T``, ``+``/``-`` (with a bias row or
    column broadcast), ``*`` and ``/`` by a scalar, ``**`` and ``/`` between
    matrices element-wise (the documents' ``A^2`` and ``Y / A``),
    :meth:`odot` (Hadamard product), :meth:`sum` along an axis with kept
    dimensions, :meth:`apply` of a scalar function entry by entry.
    """

    __slots__ = ("text", "shape", "value", "atom")

    def __init__(self, text: str, shape: tuple[Any, Any], value: Any = None, atom: bool = True):
        self.text, self.shape, self.value, self.atom = text, (sp.sympify(shape[0]), sp.sympify(shape[1])), value, atom

    # constructors ---------------------------------------------------------
    @classmethod
    def shaped(cls, text: str, shape) -> Mat:
        return cls(text, shape)

    @classmethod
    def of(cls, text: str, rows: list[list[Any]]) -> Mat:
        """An explicit matrix written out entry by entry, e.g. a worked example's row."""
        if all(isinstance(x, (float, np.floating)) for r in rows for x in r):
            value = np.array(rows, dtype=float)  # numeric evaluation: stay in NumPy
            return cls(text, value.shape, value)
        value = sp.Matrix(rows)
        return cls(text, value.shape, value)

    def __repr__(self) -> str:
        return f"Mat({self.text!r}, {_fmt(self.shape)})"

    @property
    def label(self) -> str:
        """The name with its shape, as in the messages: ``dZ2 (m×1)``."""
        return f"{self.text} ({_fmt(self.shape)})"

    @property
    def _np(self) -> bool:
        return isinstance(self.value, np.ndarray)

    def _group(self) -> str:
        return self.text if self.atom else f"({self.text})"

    def _new(self, text, shape, value) -> Mat:
        if isinstance(value, np.ndarray):
            shape = value.shape if value.ndim == 2 else (1, 1)
        return Mat(text, shape, value, atom=False)

    # structure ------------------------------------------------------------
    @property
    def T(self) -> Mat:
        v = None if self.value is None else self.value.T
        return Mat(f"{self._group()}^T", (self.shape[1], self.shape[0]), v, atom=True)

    def __getitem__(self, ij):
        """One entry; with shapes only, a placeholder symbol of that name."""
        i, j = ij
        for k, n in zip((i, j), self.shape, strict=False):
            if n.is_Integer and not 0 <= k < int(n):
                raise ShapeMismatch(f"{self.label}: no entry [{i}, {j}]")
        if self.value is None:
            return sp.Symbol(f"{self.text}[{i},{j}]", real=True)
        return self.value[i, j]

    # products -------------------------------------------------------------
    def __matmul__(self, other: Mat) -> Mat:
        text = f"{self._group()} {other._group()}"
        if self._np or other._np:
            return self._new(text, None, np.matmul(self.value, other.value))  # NumPy's own check
        if self.shape[1] != other.shape[0]:
            raise ShapeMismatch(f"{self.label} · {other.label}: inner dimensions "
                                f"{self.shape[1]} and {other.shape[0]} differ")
        v = None if self.value is None else matmul(self.value, other.value)
        return self._new(text, (self.shape[0], other.shape[1]), v)

    def odot(self, other: Mat) -> Mat:
        """The Hadamard (element-wise) product; the shapes must be equal."""
        return self._elementwise(other, "⊙", lambda a, b: a * b)

    def _elementwise(self, other: Mat, op: str, f) -> Mat:
        text = f"{self._group()} {op} {other._group()}"
        if self._np or other._np:
            return self._new(text, None, f(self.value, other.value))
        if self.shape != other.shape:
            raise ShapeMismatch(f"{self.label} {op} {other.label}: element-wise operands must have "
                                f"one shape")
        v = None
        if self.value is not None:
            v = sp.Matrix(self.shape[0], self.shape[1], lambda i, j: f(self.value[i, j], other.value[i, j]))
        return self._new(text, self.shape, v)

    # sums -----------------------------------------------------------------
    def _add(self, other, sign: int, text: str) -> Mat:
        if _scalar(other):
            if self.value is None:
                v = None
            elif self._np:
                v = self.value + sign * float(other)
            else:
                v = self.value.applyfunc(lambda e: e + sign * other)
            return self._new(text, self.shape, v)
        if self._np or other._np:
            return self._new(text, None, self.value + sign * other.value)
        shape = _broadcast_shape(self, other, "+" if sign > 0 else "−")
        if self.value is None:
            return self._new(text, shape, None)
        r, c = (int(shape[0]), int(shape[1]))
        return self._new(text, shape, broadcast(self.value, (r, c)) + sign * broadcast(other.value, (r, c)))

    def __add__(self, other):
        return self._add(other, 1, f"{self.text} + {_text(other)}")

    def __radd__(self, other):
        return self._add(other, 1, f"{_text(other)} + {self.text}")

    def __sub__(self, other):
        return self._add(other, -1, f"{self.text} - {_group(other)}")

    def __rsub__(self, other):  # scalar - Mat
        return (-self)._add(other, 1, f"{_text(other)} - {self._group()}")

    def __neg__(self):
        v = None if self.value is None else -self.value
        return self._new(f"-{self._group()}", self.shape, v)

    # scalars and element-wise ---------------------------------------------
    def __mul__(self, other):
        if not _scalar(other):
            raise TypeError(f"{self.label} * {_text(other)}: write @ for the matrix product or "
                            f".odot() for the element-wise one")
        v = None if self.value is None else (self.value * (float(other) if self._np else other))
        return self._new(f"{_text(other)} {self._group()}", self.shape, v)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if _scalar(other):
            return self * (1 / sp.sympify(other) if not self._np else 1 / float(other))
        return self._elementwise(other, "/", lambda a, b: a / b)

    def __rtruediv__(self, other):  # scalar / Mat, element-wise
        if self.value is None:
            v = None
        elif self._np:
            v = float(other) / self.value
        else:
            v = self.value.applyfunc(lambda e: other / e)
        return self._new(f"{_text(other)} / {self._group()}", self.shape, v)

    def __pow__(self, k):
        """Element-wise power: the documents' ``A_1^2`` means the square of every entry."""
        if self.value is None:
            v = None
        elif self._np:
            v = self.value ** k
        else:
            v = self.value.applyfunc(lambda e: e ** k)
        out = self._new(f"{self._group()}^{k}", self.shape, v)
        out.atom = True
        return out

    def apply(self, f: Callable, name: str) -> Mat:
        """``f`` entry by entry; ``name`` is how the message writes it (``g_1'``)."""
        if self.value is None:
            return self._new(f"{name}({self.text})", self.shape, None)
        if self._np:
            rule = f(_W)
            if rule not in _NUMERIC:
                _NUMERIC[rule] = sp.lambdify(_W, rule, modules="numpy")
            fn = _NUMERIC[rule]
            return self._new(f"{name}({self.text})", self.shape,
                             np.broadcast_to(np.asarray(fn(self.value), dtype=float), self.value.shape))
        return self._new(f"{name}({self.text})", self.shape, self.value.applyfunc(f))

    def sum(self, axis: int) -> Mat:
        """The sum along ``axis`` (0: down the rows, giving 1 x c), dimensions kept."""
        shape = (sp.Integer(1), self.shape[1]) if axis == 0 else (self.shape[0], sp.Integer(1))
        text = f"sum_{'rows' if axis == 0 else 'cols'}({self.text})"
        if self.value is None:
            return self._new(text, shape, None)
        if self._np:
            return self._new(text, None, self.value.sum(axis=axis, keepdims=True))
        return self._new(text, shape, sum_axis(self.value, axis))


_W = sp.Dummy("w", real=True)
_NUMERIC: dict[sp.Expr, Callable] = {}  # element-wise maps, lambdified once


def _text(x) -> str:
    return x.text if isinstance(x, Mat) else str(x)


def _group(x) -> str:
    return x._group() if isinstance(x, Mat) else str(x)


def _broadcast_shape(a: Mat, b: Mat, op: str):
    """Equal shapes, or a bias: a 1 x c row along the rows, an r x 1 column along the columns."""
    if a.shape == b.shape:
        return a.shape
    for x, y in ((a, b), (b, a)):
        if x.shape[0] == 1 and x.shape[1] == y.shape[1]:
            return y.shape
        if x.shape[1] == 1 and x.shape[0] == y.shape[0]:
            return y.shape
    raise ShapeMismatch(f"{a.label} {op} {b.label}: shapes differ and neither operand is a row or "
                        f"column that broadcasts")


# --------------------------------------------------------------------------
# networks and their forward pass at a concrete size
# --------------------------------------------------------------------------

_NODE = re.compile(r"^(d?)(X|Y|W|b|Z|A)(\d*)$")


@dataclass(frozen=True)
class Network:
    """A fully connected network: layout, widths n_0 (input) .. n_L, activations g_1 .. g_L.

    Widths and the batch size are dimension *names* (``"D"``, ``"h"``) or
    literals (``"1"``); a concrete size maps the names to integers.  The loss
    is the binary cross-entropy of the output against ``Y``.
    """

    layout: Layout
    widths: tuple[str, ...]
    activations: tuple[str, ...]
    loss: str = "bce"
    batch: str = "m"

    def __post_init__(self):
        if len(self.widths) != len(self.activations) + 1 or not self.activations:
            raise ValueError(f"a network needs L + 1 widths for L activations, got {self.widths} "
                             f"and {self.activations}")
        unknown = [a for a in self.activations if a not in ACTIVATIONS]
        if unknown:
            raise ValueError(f"unknown activations {unknown}; known: {sorted(ACTIVATIONS)}")
        if self.loss != "bce":
            raise ValueError(f"unknown loss {self.loss!r}")

    @property
    def L(self) -> int:
        return len(self.activations)

    def activation(self, l: int):
        """The activation class of layer ``l`` (1-based)."""
        if not 1 <= l <= self.L:
            raise ValueError(f"layer {l} outside 1..{self.L}")
        return ACTIVATIONS[self.activations[l - 1]]

    def dim_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for n in (self.batch, *self.widths) if not n.isdigit()))

    def shape(self, name: str) -> tuple[str, str]:
        """The shape of a node or a gradient (``"W2"``, ``"dZ1"``) as dimension names."""
        hit = _NODE.match(name)
        if not hit:
            raise ValueError(f"no node {name!r}: nodes are X, Y, W<l>, b<l>, Z<l>, A<l>")
        _, kind, idx = hit.groups()
        m = self.batch
        if kind in "XY":
            n = self.widths[0] if kind == "X" else self.widths[-1]
            return (m, n) if self.layout is Layout.ROW_MAJOR else (n, m)
        l = int(idx) if idx else -1
        if kind == "A" and l == 0:
            return self.shape("X")
        if not 1 <= l <= self.L:
            raise ValueError(f"no node {name!r} in a network of {self.L} layers")
        n, prev = self.widths[l], self.widths[l - 1]
        if kind == "W":
            return (n, prev)
        if kind == "b":
            return ("1", n) if self.layout is Layout.ROW_MAJOR else (n, "1")
        return (m, n) if self.layout is Layout.ROW_MAJOR else (n, m)

    def concrete(self, name: str, size: Mapping[str, int]) -> tuple[int, int]:
        r, c = self.shape(name)
        return (_size(r, size), _size(c, size))

    def domain_interval(self, node: str) -> tuple[float, float]:
        """Where a free node's entries are sampled: labels in (0, 1), activations in their range."""
        kind, l = node[0], int(node[1:] or 0)
        if kind == "Y":
            return (0.0, 1.0)
        if kind == "A":
            return {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, 2.0)}.get(
                self.activations[l - 1], (-2.0, 2.0))
        return (-2.0, 2.0)


def _size(name: str, size: Mapping[str, int]) -> int:
    if str(name).isdigit():
        return int(name)
    try:
        return int(size[name])
    except KeyError:
        raise ValueError(f"no concrete value for dimension {name!r} in {dict(size)}") from None


_BATCHES: dict[tuple, Batch] = {}


class Batch:
    """The forward pass of a network at one concrete size, on matrices of symbols.

    ``start`` (``None``, ``"Z2"``, ``"A1"``, ...) makes that node's entries
    free symbols: the derivative by an intermediate is the derivative of the
    cost computed from there on.  Nodes upstream of ``start`` do not exist in
    such a batch.
    """

    def __init__(self, net: Network, size: Mapping[str, int], start: str | None = None):
        self.net, self.size, self.start = net, dict(size), start
        self.m = _size(net.batch, size)
        self.nodes: dict[str, sp.Matrix] = {}
        self.inputs: list[str] = []  # the nodes made of free symbols, in a stable order
        first = 1
        if start is None:
            self._free("X")
        else:
            kind, l = start[0], int(start[1:])
            if kind not in "ZA" or not 1 <= l <= net.L:
                raise ValueError(f"a batch starts at an intermediate Z<l> or A<l>, not {start!r}")
            self._free(start)
            first = l if kind == "Z" else l + 1
            if kind == "Z":
                self.nodes[f"A{l}"] = apply(net.activation(l), self.nodes[start])
                first = l + 1
        for l in range(first, net.L + 1):
            self._free(f"W{l}")
            self._free(f"b{l}")
            prev = self.nodes["X" if l == 1 else f"A{l - 1}"]
            W, b = self.nodes[f"W{l}"], self.nodes[f"b{l}"]
            Z = matmul(prev, W.T) if net.layout is Layout.ROW_MAJOR else matmul(W, prev)
            Z = Z + broadcast(b, Z.shape)
            self.nodes[f"Z{l}"] = Z
            self.nodes[f"A{l}"] = apply(net.activation(l), Z)
        self._free("Y")
        out, Y = self.nodes[f"A{net.L}"], self.nodes["Y"]
        if net.layout is Layout.COLUMN_MAJOR:  # one example per row, in either layout
            out, Y = out.T, Y.T
        self.losses = [sp.Add(*[bce(out[i, k], Y[i, k]) for k in range(out.cols)]) for i in range(self.m)]
        self._grads: dict[tuple[str, Convention], sp.Matrix] = {}
        self._adjoints: dict[Convention, dict | None] = {}
        self._stand_ins: frozenset[sp.Expr] | None = None
        self._symbols: tuple[sp.Symbol, ...] | None = None
        self._domain: Domain | None = None

    @classmethod
    def of(cls, net: Network, size: Mapping[str, int], start: str | None = None) -> Batch:
        """A cached batch: the same network, size and start give the same object."""
        key = (net, tuple(sorted((k, int(v)) for k, v in size.items())), start)
        if key not in _BATCHES:
            _BATCHES[key] = cls(net, size, start)
        return _BATCHES[key]

    def _free(self, name: str) -> None:
        r, c = self.net.concrete(name, self.size)
        self.nodes[name] = symbol_matrix(name, r, c)
        self.inputs.append(name)

    def __getitem__(self, name: str) -> sp.Matrix:
        if name == "A0":
            name = "X"
        try:
            return self.nodes[name]
        except KeyError:
            raise KeyError(f"{name} is not computed in a batch that starts at {self.start}") from None

    def cost(self, convention: Convention) -> sp.Expr:
        """The sum of the per-example losses, or their mean."""
        total = sp.Add(*self.losses)
        return total if convention is Convention.PER_EXAMPLE else total / self.m

    def stand_ins(self) -> frozenset[sp.Expr]:
        """The declared derivatives that are sums (tanh's ``1 - tanh(z)**2``) of this batch's activations.

        The zero test keeps each one whole as an opaque symbol
        (:func:`symbolic.fast.over_one_denominator`), as the opaque tier of
        :func:`symbolic.equivalence.ladder` does for the activations it finds.
        """
        if self._stand_ins is None:
            rules: set[sp.Expr] = set()
            for name, M in self.nodes.items():
                if name[0] == "A" and name not in self.inputs:
                    act = self.net.activation(int(name[1:]))
                    rules.update(r for r in (e.fdiff() for e in M if isinstance(e, act)) if r.is_Add)
            self._stand_ins = frozenset(rules)
        return self._stand_ins

    def symbols(self) -> list[sp.Symbol]:
        if self._symbols is None:
            self._symbols = tuple(s for n in self.inputs for s in self.nodes[n])
        return list(self._symbols)

    def intervals(self) -> dict[sp.Symbol, tuple[float, float]]:
        """Every free symbol's sampling interval."""
        return {s: self.net.domain_interval(n) for n in self.inputs for s in self.nodes[n]}

    def domain(self) -> Domain:
        """The sampling domain of the free symbols (:meth:`intervals`), made once."""
        if self._domain is None:
            self._domain = Domain.of(self.intervals())
        return self._domain

    def derivative(self, name: str, convention: Convention) -> sp.Matrix:
        """The unevaluated ``Derivative(cost, name_ij)`` entry by entry: the oracle's question."""
        if name not in self.inputs:
            raise ValueError(f"{name} is not a free node of this batch (free: {self.inputs})")
        cost = self.cost(convention)
        return self.nodes[name].applyfunc(lambda s: sp.Derivative(cost, s))

    def _reverse(self, convention: Convention) -> dict | None:
        """The cost's derivative by every free symbol, one backward pass (:mod:`symbolic.reverse`)."""
        if convention not in self._adjoints:
            try:
                self._adjoints[convention] = gradient(self.cost(convention), self.symbols())
            except Unsupported:
                self._adjoints[convention] = None
        return self._adjoints[convention]

    def grad(self, name: str, convention: Convention = Convention.PER_EXAMPLE) -> sp.Matrix:
        """The derivative of the cost by ``name``, differentiated, in this batch's symbols.

        For an intermediate node this batch computes, the derivative is taken in
        a batch that starts there, and the node's computed value substituted.
        """
        key = (name, convention)
        if key not in self._grads:
            if name in self.inputs:
                g = self._reverse(convention)
                if g is None:  # a node reverse mode has no rule for: SymPy's diff, entry by entry
                    g = self.derivative(name, convention).applyfunc(lambda d: d.doit())
                else:
                    g = self.nodes[name].applyfunc(lambda s: g[s])
            else:
                value = self[name]  # raises when upstream of the start
                child = Batch.of(self.net, self.size, name)
                sub = dict(zip(child[name], value, strict=False))
                g = _substitute(child.grad(name, convention), sub)
            self._grads[key] = g
        return self._grads[key]


def _substitute(M: sp.Matrix, rule: Mapping[sp.Basic, sp.Basic]) -> sp.Matrix:
    """``M.xreplace(rule)``, each distinct subtree rewritten once for all the entries.

    The same rebuilding as SymPy's ``xreplace`` (a node is rebuilt when a
    replacement happened below it), which walks a shared subtree once per
    occurrence, in every entry: the chain rule's entries share the layers
    behind them.  Remembered by object, not by SymPy's equality (which finds
    ``Subs(f(z), z, p)`` equal to ``Subs(f(u), u, p)``; symbolic/nodes.py).
    """
    done: dict[int, tuple[sp.Basic, sp.Basic, bool]] = {}  # id -> (node kept alive, result, changed)

    def walk(e: sp.Basic) -> tuple[sp.Basic, bool]:
        if e in rule:
            return rule[e], True
        hit = done.get(id(e))
        if hit is not None and hit[0] is e:
            return hit[1], hit[2]
        args, changed = [], False
        for a in e.args:
            new, c = walk(a)
            args.append(new)
            changed |= c
        out = (e.func(*args), True) if changed else (e, False)
        done[id(e)] = (e, *out)
        return out

    return M.applyfunc(lambda e: walk(e)[0])


# --------------------------------------------------------------------------
# the namespace a closed form is written in
# --------------------------------------------------------------------------

class _Layers:
    def __init__(self, q: Quantities, kind: str):
        self.q, self.kind = q, kind

    def __getitem__(self, l: int) -> Mat:
        return self.q.node(f"{self.kind}{l}")


class Quantities:
    """The names a closed form is written with: ``v.X``, ``v.W2``, ``v.dZ1``, ``v.W[l]``, ``v.m``.

    ``dX`` names are the *per-example* derivatives (what the documents mean by
    dZ); a batch-mean derivative is written with an explicit ``1 / v.m``.

    Modes: with ``batch=None`` every quantity has symbolic dimensions and no
    value (the shape check); with a batch, SymPy values at that size; with
    ``numpy_size`` instead, arrays of zeros of that size (NumPy's own shape check),
    or with ``numpy_values`` as well, the arrays it gives (a numeric evaluation).
    """

    def __init__(self, net: Network, batch: Batch | None = None, fixed: Mapping[str, int] | None = None,
                 numpy_size: Mapping[str, int] | None = None,
                 numpy_values: Callable[[str], np.ndarray] | None = None):
        self.net, self.batch = net, batch
        self.fixed = dict(fixed or {})
        self.size = dict(numpy_size) if numpy_size is not None else (batch.size if batch else None)
        self.numpy = numpy_size is not None
        self.numpy_values = numpy_values
        if numpy_values is not None and numpy_size is None:
            raise ValueError("numeric values need the concrete size (numpy_size)")
        if self.size is None:
            self.m = dim(self.fixed.get(net.batch, net.batch))
        else:
            self.m = sp.Integer(_size(net.batch, self.size))
        for kind in ("W", "b", "Z", "A", "dW", "db", "dZ", "dA"):
            setattr(self, kind, _Layers(self, kind))

    def __getattr__(self, name: str) -> Mat:
        if _NODE.match(name):
            return self.node(name)
        raise AttributeError(name)

    def dim(self, name: str) -> sp.Expr:
        if self.size is not None:
            return sp.Integer(_size(name, self.size))
        return dim(self.fixed.get(name, name))

    def node(self, name: str) -> Mat:
        if name == "A0":
            name = "X"
        r, c = self.net.shape(name)
        shape = (self.dim(r), self.dim(c))
        if self.size is None:
            return Mat(name, shape)
        if self.numpy:
            if self.numpy_values is not None:
                return Mat(name, shape, np.asarray(self.numpy_values(name), dtype=float))
            return Mat(name, shape, np.zeros(tuple(int(x) for x in shape)))
        batch = self.batch
        if batch is None:  # a size without numpy_size came from the batch: unreachable unless misbuilt
            raise ValueError(f"{name}: a concrete size without a batch or numpy_size")
        if name.startswith("d"):
            return Mat(name, shape, batch.grad(name[1:], Convention.PER_EXAMPLE))
        return Mat(name, shape, batch[name])

    def sum_examples(self, term: Callable[[int], Any]) -> Any:
        """:math:`\\sum_j` term(j) over the examples of the batch (a placeholder with shapes only)."""
        if self.size is None:
            return sp.Symbol("sum_j", real=True)
        return sum((term(j) for j in range(int(self.m))), sp.Integer(0) if not self.numpy else 0.0)

    def g(self, l: int, M: Mat) -> Mat:
        """Layer ``l``'s activation applied entry by entry to ``M``."""
        act = self.net.activation(l)
        return M.apply(act, f"g{l}")

    def g_prime(self, l: int, M: Mat) -> Mat:
        """Layer ``l``'s *declared* derivative applied to ``M`` (``g'^{[l]}(M)``)."""
        act = self.net.activation(l)
        z = sp.Dummy("z", real=True)
        rule = act(z).fdiff()
        return M.apply(lambda e: rule.xreplace({z: e}), f"g{l}'")

