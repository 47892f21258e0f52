r"""Categorical cross-entropy, the loss of a softmax output layer.

:math:`\ell(a, y) = -\sum_k y_k \ln a_k` for a prediction ``a`` (a probability
vector) and a label ``y`` (one-hot, or any probability vector).  With
``a = softmax(z)`` its gradient is :math:`a \sum_k y_k - y`, which is
:math:`a - y` *only because* :math:`\sum_k y_k = 1`; claims that use this
write the last label as :func:`simplex_label` does.

Examples
--------
>>> import sympy as sp
>>> y0, y1 = sp.symbols("y0 y1", positive=True)
>>> simplex_label([y0, y1])
[y0, y1, -y0 - y1 + 1]
>>> cce([sp.Rational(1, 2), sp.Rational(1, 2)], [1, 0])
log(2)
"""
from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

__all__ = ["cce", "cce_mean", "simplex_label"]


def cce(a: Sequence, y: Sequence):
    r"""Per-example categorical cross-entropy :math:`-\sum_k y_k \ln a_k`."""
    a, y = list(a), list(y)
    if len(a) != len(y) or not a:
        raise ValueError(f"cce needs two non-empty vectors of one length, got {len(a)} and {len(y)}")
    return -sp.Add(*[yk * sp.log(ak) for ak, yk in zip(a, y, strict=False)])


def cce_mean(A: sp.MatrixBase, Y: sp.MatrixBase):
    r"""Batch mean over the columns (examples) of K x m matrices: :math:`\frac1m\sum_i \ell(a^{(i)}, y^{(i)})`."""
    if A.shape != Y.shape:
        raise ValueError(f"cce_mean needs two matrices of one shape, got {A.shape} and {Y.shape}")
    m = A.cols
    return sp.Add(*[cce(A[:, i], Y[:, i]) for i in range(m)]) / m


def simplex_label(free: Sequence) -> list:
    """A label on the probability simplex: the given K-1 entries and 1 minus their sum."""
    free = list(free)
    return free + [1 - sp.Add(*free)]
