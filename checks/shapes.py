"""The shape check of a matrix step, with symbolic dimensions.

Every product and element-wise operation of the claimed closed form must be
defined -- with the dimensions as symbols (``m``, ``D``, ``h``), not only at
the sizes we happen to try -- and the result must have the shape of what it
claims to be.  The closed form is evaluated in the shape algebra of
:class:`symbolic.layouts.Mat`; a mismatch FAILS and names both operands::

    dZ2 (m×1) · A1 (m×h): inner dimensions 1 and m differ

:func:`numpy_shape` is the second opinion at a concrete size: the same closed
form on NumPy arrays of zeros, NumPy's own shape rules and errors.

Examples
--------
>>> from gradproof.derivations.matrix import MatrixClaim
>>> from gradproof.symbolic.layouts import Layout, Network
>>> net = Network(Layout.ROW_MAJOR, ("D", "h", "1"), ("tanh", "sigmoid"))
>>> sizes = ({"m": 1, "D": 2, "h": 3}, {"m": 3, "D": 4, "h": 2})
>>> check_shapes(MatrixClaim("dW2 = dZ2 A1", lambda v: v.dZ2 @ v.A1, sizes, net, wrt="W2")).reason
'dZ2 (m×1) · A1 (m×h): inner dimensions 1 and m differ'
>>> check_shapes(MatrixClaim("dW2 = dZ2^T A1", lambda v: v.dZ2.T @ v.A1, sizes, net, wrt="W2")).status
<Status.HOLDS: 'holds'>
"""
from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np

from gradproof.derivations.matrix import MatrixClaim
from gradproof.symbolic.equivalence import Status, Verdict
from gradproof.symbolic.layouts import Network, Quantities, ShapeMismatch

__all__ = ["check_shapes", "numpy_shape"]

METHOD = "shape algebra (symbolic dimensions)"


def _where(net: Network, l: int | None) -> str:
    return f"L = {net.L}, l = {l}" if l is not None else ""


def _fmt(shape) -> str:
    return f"{shape[0]}×{shape[1]}"


def check_shapes(claim: MatrixClaim) -> Verdict:
    """HOLDS when the closed form is defined and has the claimed shape, for symbolic dimensions."""
    start = time.perf_counter()

    def verdict(status, reason="", where="") -> Verdict:
        return Verdict(status, METHOD, round(time.perf_counter() - start, 6), reason=reason, where=where)

    seen = set()
    for net, l, _ in claim.instances():
        if (net, l) in seen:
            continue
        seen.add((net, l))
        v = Quantities(net, None, claim.fixed)
        name = claim.name_at(l)
        try:
            out = claim.evaluate(v, l)
        except ShapeMismatch as exc:
            return verdict(Status.FAILS, str(exc), _where(net, l))
        want = tuple(v.dim(d) for d in claim.claimed_shape(net, l))
        if out.shape != want:
            return verdict(Status.FAILS, f"{out.label} does not have the shape claimed for {name}: "
                                         f"{_fmt(want)}", _where(net, l))
        wrt = claim.wrt_at(l)
        if wrt is not None:
            own = tuple(v.dim(d) for d in net.shape(wrt))
            if own != want:
                return verdict(Status.FAILS, f"{name} is claimed {_fmt(want)}, but a derivative by "
                                             f"{wrt} has the shape of {wrt}: {_fmt(own)}", _where(net, l))
    return verdict(Status.HOLDS, "every product and element-wise operation is defined and the "
                                 "result has the claimed shape")


def numpy_shape(claim: MatrixClaim, net: Network, size: Mapping[str, int], l: int | None = None) -> str:
    """'' when NumPy evaluates the closed form at ``size`` to the claimed shape, else why not."""
    v = Quantities(net, numpy_size=size)
    try:
        out = claim.evaluate(v, l)
    except ValueError as exc:  # NumPy's own message
        return f"NumPy at {_size_text(size)}: {exc}"
    got = np.shape(out.value) if out.value is not None else tuple(int(x) for x in out.shape)
    want = tuple(int(v.dim(d)) for d in claim.claimed_shape(net, l))
    if tuple(got) != want:
        return (f"NumPy at {_size_text(size)}: {out.text} is {_fmt(got)}, "
                f"{claim.name_at(l)} is claimed {_fmt(want)}")
    return ""


def _size_text(size: Mapping[str, int]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in size.items())


