"""Loss functions, written as the documents define them.

Binary cross-entropy is the negative log-likelihood of a Bernoulli label
``y`` under the prediction ``a`` (natural logarithm throughout).  The batch
form averages over the ``m`` examples: that 1/m is the convention that makes
``dW = (1/m) dZ A^T`` and is named wherever a step depends on it.

Examples
--------
>>> from sympy import symbols, diff, simplify
>>> a, y = symbols("a y", positive=True)
>>> simplify(diff(bce(a, y), a) - (-y / a + (1 - y) / (1 - a)))
0
"""
from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

__all__ = ["bce", "bce_mean", "mse"]


def bce(a, y):
    r"""Per-example binary cross-entropy :math:`-(y \ln a + (1-y) \ln(1-a))`."""
    return -(y * sp.log(a) + (1 - y) * sp.log(1 - a))


def bce_mean(a: Sequence, y: Sequence):
    r"""Batch mean :math:`\frac{1}{m}\sum_i \mathrm{bce}(a_i, y_i)` (the 1/m convention)."""
    a, y = list(a), list(y)
    if len(a) != len(y) or not a:
        raise ValueError(f"bce_mean needs two non-empty sequences of one length, got {len(a)} and {len(y)}")
    return sp.Add(*[bce(ai, yi) for ai, yi in zip(a, y, strict=False)]) / len(a)


def mse(a, y):
    r"""Per-example squared error :math:`\frac{1}{2}(a - y)^2`."""
    return (a - y) ** 2 / 2
