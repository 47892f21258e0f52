"""Activation functions: each definition sits beside its declared derivative.

Every activation is a SymPy ``Function`` with two faces:

* ``fdiff`` -- the derivative rule the documents *declare* (``a(1-a)`` for the
  sigmoid, ``1 - tanh^2`` for tanh, a step for ReLU);
* ``definition`` / ``rewrite(exp)`` -- what the function *is*.

``sigmoid(z).diff(z)`` only calls our own ``fdiff``, so a check that used it
would let the rule vouch for itself.  Oracles call :func:`expand_definitions`
first, which replaces every activation by its definition, and only then
differentiate.

Conventions
-----------
ReLU'(0) = 0, as in the documents (SymPy's ``Heaviside(0)`` is 1/2; we pass
``H0=0`` explicitly).

Examples
--------
>>> from sympy import Symbol, simplify
>>> z = Symbol("z", real=True)
>>> simplify(expand_definitions(sigmoid(z)).diff(z) - sigmoid(z).diff(z).rewrite("exp"))
0
"""
from __future__ import annotations

import sympy as sp

__all__ = [
    "ACTIVATIONS",
    "expand_definitions",
    "identity",
    "relu",
    "sigmoid",
    "tanh",
]


class _Activation(sp.Function):
    """An element-wise activation: a definition and a declared derivative."""

    nargs = 1

    @classmethod
    def definition(cls, x: sp.Expr) -> sp.Expr:  # pragma: no cover - abstract
        raise NotImplementedError

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return self.definition(x)

    def _numpycode(self, printer):
        # lambdify prints the *definition*, never the declared derivative.  The
        # parentheses matter: a printed function call binds tightest, so without
        # them tanh(x)**2 would print as (e^x - e^-x)/(e^x + e^-x)**2.
        return "(%s)" % printer._print(self.definition(self.args[0]))

    _mpmathcode = _numpycode
    _pythoncode = _numpycode


def _with_power(text: str, exp) -> str:
    # SymPy's LaTeX printer passes the exponent of a power of a function call
    return text if exp is None else r"\left(%s\right)^{%s}" % (text, exp)


class sigmoid(_Activation):
    r"""The logistic function :math:`\sigma(z) = 1 / (1 + e^{-z})`."""

    @classmethod
    def definition(cls, x):
        return 1 / (1 + sp.exp(-x))

    def fdiff(self, argindex=1):
        # declared: sigma' = sigma (1 - sigma)
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_is_positive(self):
        if self.args[0].is_real:
            return True

    def _latex(self, printer, exp=None):
        return _with_power(r"\sigma\left(%s\right)" % printer._print(self.args[0]), exp)

    def _pretty(self, printer):
        return printer._print_Function(self, func_name="σ")


class tanh(_Activation):
    r"""The hyperbolic tangent :math:`(e^z - e^{-z}) / (e^z + e^{-z})`."""

    @classmethod
    def definition(cls, x):
        return (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x))

    def fdiff(self, argindex=1):
        # declared: tanh' = 1 - tanh^2
        return 1 - tanh(self.args[0]) ** 2

    def _latex(self, printer, exp=None):
        return _with_power(r"\tanh\left(%s\right)" % printer._print(self.args[0]), exp)


class relu(_Activation):
    r"""The rectifier :math:`\max(0, z)`; its derivative at 0 is taken as 0."""

    @classmethod
    def definition(cls, x):
        return sp.Piecewise((x, x > 0), (0, True))

    def fdiff(self, argindex=1):
        # declared: relu' = step, with relu'(0) = 0 (the documents' convention)
        return sp.Heaviside(self.args[0], 0)

    def _eval_rewrite_as_Piecewise(self, x, **kwargs):
        return self.definition(x)

    def _latex(self, printer, exp=None):
        return _with_power(r"\operatorname{ReLU}\left(%s\right)" % printer._print(self.args[0]), exp)


class identity(_Activation):
    """The identity, the output activation of a regression network."""

    @classmethod
    def definition(cls, x):
        return x

    def fdiff(self, argindex=1):
        return sp.Integer(1)


ACTIVATIONS: dict[str, type[_Activation]] = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "identity": identity,
}


def expand_definitions(expr):
    """Replace every activation in ``expr`` by its definition.

    Works on scalars and on SymPy matrices (element-wise).  Unevaluated
    ``Derivative`` nodes stay unevaluated; call ``.doit()`` afterwards to
    differentiate the definitions, which is the oracle for declared rules.

    One bottom-up pass: arguments first, so nested activations (a deep
    network's layers) are expanded from the inside out, and a subtree that
    occurs many times as one object (the chain rule repeats each layer) is
    rebuilt once.  Remembered by object identity, not by SymPy's equality,
    which finds ``Subs`` at symbols of different assumptions equal.
    """
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(expand_definitions)
    if not expr.has(_Activation):
        return expr
    done: dict[int, tuple[sp.Basic, sp.Basic]] = {}  # id -> (the node, kept alive; its expansion)

    def walk(e):
        hit = done.get(id(e))
        if hit is not None and hit[0] is e:
            return hit[1]
        out = e
        if e.args:
            args = [walk(a) for a in e.args]
            if any(a is not b for a, b in zip(args, e.args, strict=True)):
                out = e.func(*args)
            if isinstance(out, _Activation):
                out = walk(out.func.definition(out.args[0]))
        done[id(e)] = (e, out)
        return out

    return walk(expr)
