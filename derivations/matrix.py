r"""Matrix claims: a closed form for a gradient (or a shape), with its layout and sizes.

A :class:`MatrixClaim` states

* the network it is about (:class:`symbolic.layouts.Network`: layout,
  widths as dimension names, activations), or a family of networks for a
  claim about every layer ``l`` of an L-layer network;
* what the closed form claims to be: the derivative of the cost by ``wrt``
  under a named :class:`~symbolic.layouts.Convention` (``per-example``:
  the cost is :math:`\sum_i \ell_i`, so ``dZ_i = \partial\ell_i/\partial Z_i``;
  ``batch-mean``: the cost is :math:`\frac1m\sum_i \ell_i`), or -- with
  ``wrt=None`` -- only a shape;
* the claimed closed form ``rhs(v)`` (``rhs(v, l)`` for a layer claim),
  written once with the names of :class:`~symbolic.layouts.Quantities`
  (``v.dZ2.T @ v.A1``, ``(1 / v.m) * v.dZ1.sum(0)``, ``v.g_prime(l, v.Z[l])``);
  the checks evaluate it with symbolic dimensions (shapes) and at every
  concrete size (values);
* the claimed shape, in dimension names (a gradient's defaults to the shape
  of ``wrt``);
* at least two concrete sizes, at least one with more than one example
  (a missing 1/m is invisible at m = 1).

The left-hand side is never the claimed formula: :meth:`MatrixClaim.lhs`
is the matrix of unevaluated ``Derivative(cost, W_ij)``, the cost computed by
SymPy from the forward pass at that size.

Examples
--------
>>> from gradproof.symbolic.layouts import Convention, Layout, Network
>>> net = Network(Layout.ROW_MAJOR, ("D", "h", "1"), ("tanh", "sigmoid"))
>>> claim = MatrixClaim(
...     says="dW2 = (1/m) dZ2^T A1", network=net, wrt="W2",
...     convention=Convention.BATCH_MEAN,
...     rhs=lambda v: (1 / v.m) * (v.dZ2.T @ v.A1),
...     sizes=({"m": 1, "D": 2, "h": 3}, {"m": 3, "D": 4, "h": 2}))
>>> claim.claimed_shape(net)
('1', 'h')
>>> claim.lhs(net, {"m": 1, "D": 2, "h": 3}).shape
(1, 3)
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import sympy as sp

from gradproof.symbolic.layouts import Batch, Convention, Layout, Mat, Network, Quantities

__all__ = ["DEEP_SIZES", "MatrixClaim", "deep_networks", "layer_recursion_claims"]


@dataclass(frozen=True, eq=False)
class MatrixClaim:
    """A matrix identity (or a shape) at symbolic dimensions, checked at concrete sizes.

    ``network`` is one network; ``networks`` a family (for a layer claim,
    with ``layers``: the layers ``l`` the claim is made for at depth L).
    ``wrt`` and ``shape`` may be functions of ``l`` in a layer claim.
    ``fixed`` pins dimensions the document fixes (a worked example's m = 3).
    """

    says: str
    rhs: Callable[..., Mat]
    sizes: tuple[Mapping[str, int], ...]
    network: Network | None = None
    networks: tuple[Network, ...] = ()
    wrt: str | Callable[[int], str] | None = None
    convention: Convention = Convention.PER_EXAMPLE
    shape: tuple[str, str] | Callable[[int], tuple[str, str]] | None = None
    name: str | Callable[[int], str] = ""  # what the closed form claims to be, for messages
    fixed: Mapping[str, int] = field(default_factory=dict)
    layers: Callable[[int], Iterable[int]] | None = None

    def __post_init__(self):
        nets = self.networks or ((self.network,) if self.network is not None else ())
        if not nets:
            raise ValueError(f"{self.says}: a matrix claim needs a network (or a family of networks)")
        object.__setattr__(self, "networks", tuple(nets))
        if self.wrt is None and self.shape is None:
            raise ValueError(f"{self.says}: a shape claim (wrt=None) needs the claimed shape")
        if len(self.sizes) < 2:
            raise ValueError(f"{self.says}: give at least two concrete sizes, got {len(self.sizes)}")
        for net in self.networks:
            if not any(int(s.get(net.batch, 0)) >= 2 for s in self.sizes):
                raise ValueError(f"{self.says}: at least one size needs {net.batch} >= 2 "
                                 f"(a missing 1/{net.batch} is invisible at {net.batch} = 1)")
            for s in self.sizes:
                missing = [d for d in net.dim_names() if d not in s]
                if missing:
                    raise ValueError(f"{self.says}: size {dict(s)} gives no value for {missing}")
                clash = [d for d, v in self.fixed.items() if int(s[d]) != int(v)]
                if clash:
                    raise ValueError(f"{self.says}: size {dict(s)} contradicts the fixed {clash}")

    # the parts, per layer ------------------------------------------------
    @property
    def layer_claim(self) -> bool:
        return self.layers is not None

    @property
    def shape_only(self) -> bool:
        return self.wrt is None

    def _at(self, x, l):
        return x(l) if callable(x) else x

    def wrt_at(self, l: int | None = None) -> str | None:
        return self._at(self.wrt, l)

    def name_at(self, l: int | None = None) -> str:
        name = self._at(self.name, l)
        if name:
            return name
        wrt = self.wrt_at(l)
        return f"d{wrt}" if wrt else "the result"

    def claimed_shape(self, net: Network, l: int | None = None) -> tuple[str, str]:
        shape, wrt = self._at(self.shape, l), self.wrt_at(l)
        if shape is not None:
            rows, cols = shape
            return str(rows), str(cols)
        if wrt is None:  # excluded by __post_init__
            raise ValueError(f"{self.says}: neither a shape nor a quantity to take it from")
        return net.shape(wrt)

    def start(self, l: int | None = None) -> str | None:
        """The node a batch starts at: ``wrt`` when it is an intermediate (Z, A)."""
        wrt = self.wrt_at(l)
        return wrt if wrt and wrt[0] in "ZA" else None

    def instances(self) -> Iterator[tuple[Network, int | None, Mapping[str, int]]]:
        """Every (network, layer, size) the claim is checked at."""
        for net in self.networks:
            for l in (self.layers(net.L) if self.layers else (None,)):
                for size in self.sizes:
                    yield net, l, size

    def evaluate(self, v: Quantities, l: int | None = None) -> Mat:
        """The closed form in the namespace ``v`` (symbolic, SymPy or NumPy)."""
        return self.rhs(v, l) if self.layer_claim else self.rhs(v)

    # the two sides at a concrete size ----------------------------------
    def batch(self, net: Network, size: Mapping[str, int], l: int | None = None) -> Batch:
        return Batch.of(net, size, self.start(l))

    def lhs(self, net: Network, size: Mapping[str, int], l: int | None = None) -> sp.Matrix:
        """``Derivative(cost, wrt_ij)`` entry by entry, unevaluated: the oracle's question."""
        wrt = self.wrt_at(l)
        if wrt is None:
            raise ValueError(f"{self.says}: a shape claim has no left-hand side")
        return self.batch(net, size, l).derivative(wrt, self.convention)

    def rhs_at(self, net: Network, size: Mapping[str, int], l: int | None = None) -> sp.Matrix:
        """The claimed closed form as an explicit SymPy matrix (may raise ShapeMismatch)."""
        return self.evaluate(Quantities(net, self.batch(net, size, l)), l).value


DEEP_SIZES: tuple[dict[str, int], ...] = (
    {"m": 1, "n0": 2, "n1": 3, "n2": 2, "n3": 3},
    {"m": 3, "n0": 3, "n1": 2, "n2": 3, "n3": 2},
)
"""Two sizes for the L-layer family, L <= 4; neighbouring widths differ, so a
transposed product is undefined at a concrete size too."""


def deep_networks(layout: Layout, hidden: str, output: str = "sigmoid",
                  depths: Iterable[int] = (2, 3, 4)) -> tuple[Network, ...]:
    """L-layer networks, widths n0 .. n_{L-1} and an output of width 1, one per depth.

    >>> [n.widths for n in deep_networks(Layout.COLUMN_MAJOR, "relu", depths=(2, 3))]
    [('n0', 'n1', '1'), ('n0', 'n1', 'n2', '1')]
    """
    return tuple(
        Network(layout, tuple(f"n{k}" for k in range(L)) + ("1",), (hidden,) * (L - 1) + (output,))
        for L in depths
    )



def layer_recursion_claims(layout: Layout, hidden: str, output: str = "sigmoid",
                           depths: Iterable[int] = (2, 3, 4), sizes=DEEP_SIZES,
                           gprime_layer: Callable[[int], int] = lambda l: l - 1,
                           ) -> dict[str, MatrixClaim]:
    r"""The backward recursion of an L-layer network, as claims over every layer.

    Column-major (row-major transposes every product):

    * ``dZ[L]``:   :math:`dZ^{[L]} = A^{[L]} - Y` (per example);
    * ``dZ[l-1]``: :math:`dZ^{[l-1]} = W^{[l]T} dZ^{[l]} \odot g'^{[l-1]}(Z^{[l-1]})`,
      l = 2 .. L (per example);
    * ``dW[l]``:   :math:`dW^{[l]} = \frac1m dZ^{[l]} A^{[l-1]T}`, l = 1 .. L (batch mean);
    * ``db[l]``:   :math:`db^{[l]} = \frac1m \sum_i dZ^{[l](i)}` (batch mean).

    ``dZ^{[l]}`` on a right-hand side is the true per-example derivative,
    so each claim checks one step of the recursion.  ``gprime_layer`` says
    whose derivative multiplies in the dZ[l-1] claim (the documents' slip
    g'^{[l]}(Z^{[l-1]}) is ``gprime_layer=lambda l: l``).

    >>> sorted(layer_recursion_claims(Layout.COLUMN_MAJOR, "tanh", depths=(2,)))
    ['dW[l]', 'dZ[L]', 'dZ[l-1]', 'db[l]']
    """
    nets = deep_networks(layout, hidden, output, depths)
    col = layout is Layout.COLUMN_MAJOR
    axis = layout.example_axis

    def back(v, l):
        prop = v.W[l].T @ v.dZ[l] if col else v.dZ[l] @ v.W[l]
        return prop.odot(v.g_prime(gprime_layer(l), v.Z[l - 1]))

    def dW(v, l):
        return (1 / v.m) * (v.dZ[l] @ v.A[l - 1].T if col else v.dZ[l].T @ v.A[l - 1])

    def db(v, l):
        return (1 / v.m) * v.dZ[l].sum(axis)

    def out(v, l):
        return v.A[l] - v.Y

    per, mean = Convention.PER_EXAMPLE, Convention.BATCH_MEAN
    return {
        "dZ[L]": MatrixClaim("dZ[L] = A[L] - Y", out, sizes, networks=nets, wrt=lambda l: f"Z{l}",
                             convention=per, layers=lambda L: (L,)),
        "dZ[l-1]": MatrixClaim("dZ[l-1] = W[l]^T dZ[l] * g'[l-1](Z[l-1])", back, sizes, networks=nets,
                               wrt=lambda l: f"Z{l - 1}", convention=per,
                               layers=lambda L: range(2, L + 1)),
        "dW[l]": MatrixClaim("dW[l] = (1/m) dZ[l] A[l-1]^T", dW, sizes, networks=nets,
                             wrt=lambda l: f"W{l}", convention=mean, layers=lambda L: range(1, L + 1)),
        "db[l]": MatrixClaim("db[l] = (1/m) sum_i dZ[l]", db, sizes, networks=nets,
                             wrt=lambda l: f"b{l}", convention=mean, layers=lambda L: range(1, L + 1)),
    }
