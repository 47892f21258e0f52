r"""The NumPy ``backpropagation`` of document 002, restored, and the ``relu`` it calls.

Document: Mukul Rathi, "Demystifying Deep Learning: Part 5" (2018),
``derivations/sources/002_5e682a3c2b7b752a.txt``, lines 163-175.

Restorations (recorded, not silent)
-----------------------------------
1. **Indentation.**  The extraction kept every line of the function and lost
   all its indentation.  :data:`SOURCE` restores it with four spaces per
   level: the body of ``def`` is indented once; the four lines after
   ``for l in range(L-1,0,-1):`` (file lines 171-174) are the loop body;
   ``return grads`` (line 175) is at function level.  The only reading that
   is a choice is where ``return`` stands: inside the loop it would return
   after the first hidden layer, and at L = 3 the caller would get no
   ``dW1``; the text says the function computes "the gradients" of every
   layer, and so does every other reading of the code.  Nothing else was
   changed: every restored line, stripped of its indentation, is the file's
   line character for character (:data:`LINES` maps them, and a test
   asserts it).
2. **relu.**  The document calls ``relu(x, deriv = True)`` but does not print
   it (it is "in the notebook").  :func:`relu` is written as the text at
   line 159 describes it: the derivative is 1 if x > 0 and 0 otherwise,
   and 0 at x = 0 ("in practice we take it to be 0").
3. **The forward pass and the cache.**  Not printed either.  The cache keys
   are the ones the function reads: ``"A0"`` (the input X), ``"Z<l>"``,
   ``"A<l>"``; parameters ``"W<l>"``, ``"b<l>"``.  :func:`forward` is ours:
   column-major, ReLU hidden layers, a sigmoid output layer -- the network
   the document's ``dZ = A - Y`` belongs to, with the batch-mean binary
   cross-entropy of :func:`cost`.

:data:`SOURCE` is our own shipped text; :func:`load` executes it with
``exec`` into a namespace holding only ``np`` and a ``relu``.

Examples
--------
>>> import numpy as np
>>> relu(np.array([-1.0, 0.0, 2.0]), deriv=True).tolist()
[0, 0, 1]
>>> backpropagation = load()
>>> params = init_parameters((2, 3, 1), seed=0)
>>> X, Y = np.ones((2, 4)), np.ones((1, 4))
>>> sorted(backpropagation(forward(X, params), Y, params))
['dA1', 'dW1', 'dW2', 'dZ1', 'dZ2', 'db1', 'db2']
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["FIRST_LINE", "LINES", "SOURCE", "cost", "forward", "init_parameters", "load", "relu"]

FIRST_LINE = 163  # "def backpropagation(cache,Y,parameters):" in the source file

SOURCE = '''\
def backpropagation(cache,Y,parameters):
    L = len(parameters)//2
    m = Y.shape[1]
    grads = {}
    grads["dZ" + str(L)]= cache["A" + str(L)] - Y
    grads["dW" + str(L)]= (1/m)*np.dot(grads["dZ" + str(L)],cache["A" + str(L-1)].T)
    grads["db" + str(L)]= (1/m)*np.sum(grads["dZ" + str(L)],axis=1,keepdims=True)
    for l in range(L-1,0,-1):
        grads["dA" + str(l)]= np.dot(parameters["W" + str(l+1)].T,grads["dZ" + str(l+1)])
        grads["dZ" + str(l)]= np.multiply(grads["dA" + str(l)], relu(cache["Z" + str(l)], deriv = True))
        grads["dW" + str(l)]= (1/m)*np.dot(grads["dZ" + str(l)],cache["A" + str(l-1)].T)
        grads["db" + str(l)]= (1/m)*np.sum(grads["dZ" + str(l)],axis=1,keepdims=True)
    return grads
'''

# (line in the source file, the restored line): stripped, each equals the file's line
LINES: tuple[tuple[int, str], ...] = tuple(
    (FIRST_LINE + i, text) for i, text in enumerate(SOURCE.splitlines())
)


def relu(x, deriv=False):
    """ReLU, or with ``deriv=True`` its derivative: 1 if x > 0, 0 otherwise (0 at x = 0).

    Works on float arrays and on object arrays of SymPy expressions whose
    sign SymPy can decide (it raises ``TypeError`` when it cannot).
    """
    x = np.asarray(x)
    if deriv:
        return np.where(x > 0, 1, 0)
    return np.where(x > 0, x, 0)


def load(source: str = SOURCE, relu: Callable = relu) -> Callable:
    """Execute ``source`` (ours, shipped) and return its ``backpropagation``."""
    namespace: dict = {"np": np, "relu": relu}
    exec(compile(source, "<document 002, backpropagation, restored>", "exec"), namespace)
    return namespace["backpropagation"]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def init_parameters(widths: Sequence[int], seed: int) -> dict:
    """Seeded ``W<l>`` (n_l x n_{l-1}) and ``b<l>`` (n_l x 1) for layer widths n_0 .. n_L."""
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(widths)):
        params[f"W{l}"] = rng.normal(0, 1, (widths[l], widths[l - 1]))
        params[f"b{l}"] = rng.normal(0, 0.5, (widths[l], 1))
    return params


def forward(X, parameters: dict, sigmoid: Callable = _sigmoid) -> dict:
    """The column-major forward pass: ReLU hidden layers, sigmoid output; the cache."""
    L = len(parameters) // 2
    cache = {"A0": X}
    for l in range(1, L + 1):
        Z = np.dot(parameters[f"W{l}"], cache[f"A{l - 1}"]) + parameters[f"b{l}"]
        cache[f"Z{l}"] = Z
        cache[f"A{l}"] = sigmoid(Z) if l == L else relu(Z)
    return cache


def cost(X, Y, parameters: dict) -> float:
    r"""Batch-mean binary cross-entropy :math:`-\frac1m\sum_i (y\ln a + (1-y)\ln(1-a))`."""
    A = forward(X, parameters)["A" + str(len(parameters) // 2)]
    return float(-np.mean(np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=0)))
