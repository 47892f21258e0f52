r"""Softmax, a vector function: its definition and its declared Jacobian side by side.

``softmax(k, z_0, ..., z_{K-1})`` is the ``k``-th component (0-based) of the
softmax of the vector ``z``:

* ``definition`` / ``rewrite(exp)`` -- what it *is*:
  :math:`e^{z_k} / \sum_j e^{z_j}`;
* ``fdiff`` -- the Jacobian the documents *declare*:
  :math:`\partial s_k / \partial z_j = s_k (\delta_{kj} - s_j)`.

Unlike the element-wise activations of :mod:`symbolic.activations`, softmax
is not applied entry by entry, so :func:`symbolic.activations.expand_definitions`
does not know it; claims about softmax are written with :func:`softmax_vector`
``(z, expand=True)`` -- the definition -- so that the oracle differentiates the
definition and never the declared Jacobian.  ``tests/test_doc002.py`` checks
the declared Jacobian against the derivative of the definition and against
finite differences.

Examples
--------
>>> import sympy as sp
>>> z = sp.symbols("z0:3", real=True)
>>> s = softmax(0, *z)
>>> sp.simplify(s.diff(z[1]) - (-s * softmax(1, *z)))
0
>>> softmax_vector(z, expand=True)[2]
exp(z2)/(exp(z0) + exp(z1) + exp(z2))

References
----------
J. S. Bridle, "Probabilistic interpretation of feedforward classification
network outputs", in *Neurocomputing*, Springer (1990) -- the name and the form.
"""
from __future__ import annotations

from collections.abc import Sequence

import sympy as sp
from sympy.core.function import ArgumentIndexError

__all__ = ["declared_jacobian", "softmax", "softmax_vector"]


class softmax(sp.Function):
    r"""Component ``k`` of the softmax of ``(z_0, ..., z_{K-1})``: :math:`e^{z_k}/\sum_j e^{z_j}`."""

    @classmethod
    def eval(cls, k, *z):
        if not (isinstance(k, sp.Integer) and 0 <= int(k) < len(z)):
            raise ValueError(f"softmax(k, *z) needs an integer 0 <= k < {len(z)}, got {k!r}")
        return None  # stays unevaluated: the definition is reached by rewrite(exp)

    @classmethod
    def definition(cls, k, *z) -> sp.Expr:
        return sp.exp(z[int(k)]) / sp.Add(*[sp.exp(zj) for zj in z])

    def fdiff(self, argindex=1):
        # declared: d s_k / d z_j = s_k (delta_kj - s_j); argument 1 is the index k
        if argindex == 1:
            raise ArgumentIndexError(self, argindex)
        k, z = self.args[0], self.args[1:]
        j = argindex - 2
        s_k, s_j = softmax(k, *z), softmax(j, *z)
        return s_k * ((1 if int(k) == j else 0) - s_j)

    def _eval_is_positive(self):
        if all(zj.is_real for zj in self.args[1:]):
            return True

    def _eval_is_real(self):
        return all(zj.is_real for zj in self.args[1:]) or None

    def _eval_rewrite_as_exp(self, k, *z, **kwargs):
        return self.definition(k, *z)

    def _numpycode(self, printer):
        # lambdify prints the definition, never the declared Jacobian
        return printer._print(self.definition(*self.args))

    _mpmathcode = _numpycode
    _pythoncode = _numpycode

    def _latex(self, printer):
        k, z = self.args[0], self.args[1:]
        return r"\operatorname{softmax}_{%s}\left(%s\right)" % (
            printer._print(k), ", ".join(printer._print(zj) for zj in z))


def softmax_vector(z: Sequence, expand: bool = False) -> sp.Matrix:
    """The K x 1 column of softmax components of ``z``; ``expand`` gives the definitions."""
    z = list(z)
    if not z:
        raise ValueError("softmax of an empty vector")
    comps = [softmax(k, *z) for k in range(len(z))]
    return sp.Matrix([c.rewrite(sp.exp) if expand else c for c in comps])


def declared_jacobian(z: Sequence) -> sp.Matrix:
    r"""The declared Jacobian :math:`J_{kj} = s_k(\delta_{kj} - s_j)` (``fdiff``), K x K."""
    z = list(z)
    s = softmax_vector(z)
    return sp.Matrix(len(z), len(z), lambda k, j: s[k].fdiff(j + 2))
