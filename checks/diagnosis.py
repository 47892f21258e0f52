r"""Diagnosis of a failing step: name the single slip that explains it, propose the fix.

When a claim fails, people have usually made *one* of a small number of
slips: a sign, a factor of 2 or of ``m``, a missing ``1/m``, a dropped or an
extra transpose, the order of a product, ``@`` for ``\odot``, the axis of a
sum, ``l`` for ``l-1`` in a layer label, an activation for its derivative (or
another layer's), ``y`` swapped with ``a``, an exponent off by one, a
dropped chain-rule factor or term.  :func:`diagnose` builds every claim
that differs from the failing one by exactly one such slip, in a fixed
order, and reports the first that **holds** under the full decision
procedure -- :func:`symbolic.equivalence.decide` for a scalar claim, the
shape and entry checks of :func:`checks.matrix.check_claim` for a matrix
claim.  A proposal that is not proved is never shown: where no single slip
explains the failure the answer is ``None`` ("no single slip explains it").

Candidates are cheap to reject: a scalar candidate must first agree with the
oracle at two seeded points (30 digits), a matrix candidate must have the
right shapes with symbolic dimensions and agree with central differences in
float64, before the proof is attempted.  The search is bounded by a cap on
candidates and a budget of CPU time.

Matrix claims hold their closed form as a function (``rhs(v)``); it is
*traced* once in a namespace that records the operations instead of
performing them, the recorded tree is mutated, and each mutant becomes a new
closed form that replays the tree in a real namespace.  A layer label is
traced as a symbol (``l``; ``L`` for ``v.net.L``), so ``A^{[l-1]}`` for
``A^{[l]}`` is a change of one label for every depth at once.

Examples
--------
>>> import sympy as sp
>>> from gradproof.derivations.model import Claim
>>> from gradproof.symbolic.activations import sigmoid
>>> z = sp.Symbol("z", real=True)
>>> d = diagnose(Claim(sp.Derivative(sigmoid(z), z), sigmoid(z) * (1 + sigmoid(z))))
>>> d.slip
'sign'
>>> diagnose(Claim(sp.Derivative(sigmoid(z), z), sigmoid(z) * (1 - sigmoid(z)))) is None
True
"""
from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, cast

import sympy as sp
from sympy.printing.latex import LatexPrinter

from gradproof.checks.matrix import _numeric, check_claim
from gradproof.checks.shapes import check_shapes
from gradproof.derivations.matrix import MatrixClaim
from gradproof.derivations.model import Claim, Step
from gradproof.symbolic.activations import ACTIVATIONS, _Activation, expand_definitions, sigmoid, tanh
from gradproof.symbolic.domain import Domain, digest, seeds_from
from gradproof.symbolic.equivalence import BUDGET, Status, Timeout, bounded, decide, oracle
from gradproof.symbolic.layouts import Quantities
from gradproof.symbolic.printing import split_rhs
from gradproof.symbolic.values import Values

__all__ = ["DIAGNOSIS_BUDGET", "MAX_CANDIDATES", "Diagnosis", "ScalarNet", "SLIPS", "agrees", "diagnose",
           "diagnose_result"]

DIAGNOSIS_BUDGET = 5.0  # CPU seconds for one diagnosis: every screen and proof included
MAX_CANDIDATES = 400  # single slips generated per claim, at most
MAX_NODES = 150  # a longer right-hand side (a contraction of explicit matrices) is not a line a person
# wrote: its slips are not slips of notation, and searching them only spends the budget
SCREEN_POINTS = 2
SCREEN_DIGITS = 30
SCREEN_RTOL = 1e-15

SLIPS = ("sign", "factor-2", "factor-m", "missing-1/m", "sum-axis", "missing-sum", "extra-sum", "transpose",
         "product-order", "elementwise", "layer-index", "index", "activation", "swap-y-a", "exponent",
         "function", "chain-factor", "extra-factor", "dropped-term", "extra-term", "variable", "bracket",
         "missing-factor", "wrong-factor")
"""The slips searched, in the order they are tried."""


@dataclass(frozen=True)
class Diagnosis:
    """The single slip that makes a failing claim hold, and the corrected expression.

    ``slip`` is one of :data:`SLIPS`; ``latex`` the corrected step (the
    document's own LaTeX edited where the edit can be located, else the
    corrected right-hand side printed); ``note`` says what was changed.
    """

    slip: str
    latex: str
    note: str
    claim: Any = field(default=None, compare=False, repr=False)  # the corrected claim, proved


@dataclass(frozen=True)
class ScalarNet:
    """The layers of a scalar network, so that a slip of layer label can be named as one.

    ``g[k]`` is layer k's activation class, ``a[k]`` the symbol of its output
    (``a[0]`` the input).
    """

    g: Mapping[int, type]
    a: Mapping[int, sp.Symbol]


@dataclass(frozen=True)
class _Candidate:
    slip: str
    note: str
    value: Any  # a SymPy expression (scalar) or a traced tree (matrix)
    edit: tuple = ()  # a textual edit of the LaTeX: (old, new) or ("whole-sign",)


# --------------------------------------------------------------------------
# budgets
# --------------------------------------------------------------------------

class _Clock:
    """CPU time left of a diagnosis (a busy machine does not change what is found)."""

    def __init__(self, seconds: float):
        self.end = time.process_time() + seconds

    def left(self) -> float:
        return self.end - time.process_time()


# --------------------------------------------------------------------------
# scalar claims
# --------------------------------------------------------------------------

_OPAQUE = (sp.Derivative, sp.Subs, sp.Integral, sp.Indexed, sp.KroneckerDelta)


def _positions(expr, path=()) -> Iterator[tuple[tuple[int, ...], sp.Expr]]:
    """Every subexpression and its path, preorder; derivatives, evaluations and entries (``p_i``)
    are atoms, and a sum is edited in its body, never in its limits."""
    yield path, expr
    if isinstance(expr, _OPAQUE) or not expr.args:
        return
    if isinstance(expr, sp.Sum):
        yield from _positions(expr.function, path + (0,))
        return
    for i, arg in enumerate(expr.args):
        yield from _positions(arg, path + (i,))


def _at(expr, path):
    for i in path:
        expr = expr.args[i]
    return expr


def _replace_at(expr, path, new):
    if not path:
        return new
    args = list(expr.args)
    args[path[0]] = _replace_at(args[path[0]], path[1:], new)
    return expr.func(*args)


def _gprime_layer(node, net: ScalarNet | None) -> int | None:
    """``k`` when ``node`` is ``g'^{[k]}(v)``: ``Subs(Derivative(g_k(u), u), u, v)``."""
    if net is None or not isinstance(node, sp.Subs) or len(node.variables) != 1:
        return None
    d = node.expr
    if not (isinstance(d, sp.Derivative) and len(d.variables) == 1 and d.variables[0] == node.variables[0]):
        return None
    f = d.expr
    if not (isinstance(f, sp.Function) and f.args == (node.variables[0],)):
        return None
    hits = [k for k, g in net.g.items() if f.func is g]
    return hits[0] if len(hits) == 1 else None


def _activation_layer(node, net: ScalarNet | None) -> int | None:
    if net is None or not isinstance(node, _Activation):
        return None
    hits = [k for k, g in net.g.items() if node.func is g]
    return hits[0] if len(hits) == 1 else None


_LAYERED = re.compile(r"^([A-Za-z]+_?)\{?(\d+)\}?$")  # W3, x_1, w_{2}


def _latex(e) -> str:
    return _NotePrinter().doprint(e)


@dataclass(frozen=True)
class _Scalar:
    """What the scalar slips are made from: the claim's right-hand side and its parts."""

    lhs: Any
    rhs: sp.Expr
    positions: tuple
    syms: tuple
    net: ScalarNet | None
    oracle: Any = None  # the oracle of the left side, for the slips it helps to locate (expanded claims)
    clock: Any = None

    @classmethod
    def of(cls, claim: Claim, net: ScalarNet | None, oracle=None, clock=None) -> _Scalar:
        rhs = sp.sympify(claim.rhs)
        syms = sorted(rhs.free_symbols | sp.sympify(claim.lhs).free_symbols, key=sp.default_sort_key)
        return cls(claim.lhs, rhs, tuple(_positions(rhs)), tuple(syms), net, oracle, clock)

    @property
    def names(self) -> list:
        """The claim's quantities a slip may exchange: symbols that are no index, size or weight."""
        return [s for s in self.syms if not isinstance(s, sp.Dummy) and not _is_index(s)
                and not s.name.startswith("w[") and s.name not in ("m", "n") and not s.is_integer]

    def at(self, path, new) -> sp.Expr:
        return _replace_at(self.rhs, path, new)


def _signs(c: _Scalar) -> Iterator[_Candidate]:
    yield _Candidate("sign", "the opposite sign", -c.rhs, ("whole-sign",))
    for path, node in c.positions:
        if isinstance(node, sp.Add):
            for i, term in enumerate(node.args):
                yield _Candidate("sign", f"the opposite sign of the term {_latex(term)}", c.at(path + (i,), -term))
    # then any other part: an exponent (e^{x} for e^{-x}), a factor inside a sum
    for path, node in c.positions:
        if path and not node.is_number and not isinstance(_at(c.rhs, path[:-1]), sp.Add):
            yield _Candidate("sign", f"the opposite sign of {_latex(node)}", c.at(path, -node))


def _factors(c: _Scalar) -> Iterator[_Candidate]:
    rhs = c.rhs
    yield _Candidate("factor-2", "twice the right-hand side", 2 * rhs, ("wrap", "2"))
    yield _Candidate("factor-2", "half the right-hand side", rhs / 2, ("wrap", r"\frac{1}{2}"))
    for m in (s for s in c.syms if s.name == "m"):
        yield _Candidate("missing-1/m", "a factor 1/m: a missing 1/m", rhs / m, ("wrap", r"\frac{1}{m}"))
        yield _Candidate("factor-m", "m times the right-hand side", rhs * m, ("wrap", "m"))


def _layers(c: _Scalar) -> Iterator[_Candidate]:
    """Another member of a family of indexed symbols (W3 for W1, x_2 for x_1); with a scalar
    network, another layer's g' and the layer's input A^{[k-1]} for its output A^{[k]}."""
    net = c.net
    families: dict[str, dict[int, sp.Symbol]] = {}
    for s in c.syms:
        hit = _LAYERED.match(s.name)
        if hit:
            families.setdefault(hit.group(1), {})[int(hit.group(2))] = s
    if net is not None:
        for k, s in net.a.items():
            families.setdefault("A", {}).setdefault(k, s)
    depth = max(net.g) if net is not None else None
    for path, node in c.positions:
        hit = _LAYERED.match(node.name) if isinstance(node, sp.Symbol) else None
        if hit:
            for k, other in sorted(families.get(hit.group(1), {}).items()):
                if other != node:
                    named = _LAYERED.match(other.name)
                    edit = ("layer", hit.group(1), int(hit.group(2)), int(named.group(2)) if named else k, depth,
                            node, other)
                    yield _Candidate("layer-index", f"{_latex(other)} for {_latex(node)}", c.at(path, other), edit)
        if net is None:  # the layers of g' and A are known only from a network
            continue
        gk = _gprime_layer(node, net)
        if gk is not None:
            for j, g in sorted(net.g.items()):
                if j != gk and g is not net.g[gk]:
                    u = node.variables[0]
                    new = sp.Subs(sp.Derivative(g(u), u), node.variables, node.point)
                    yield _Candidate("layer-index", f"g'^{{[{j}]}} for g'^{{[{gk}]}}", c.at(path, new),
                                     ("layer", "g'", gk, j, depth))
        ak = _activation_layer(node, net)
        if ak is not None and ak - 1 in net.a:
            yield _Candidate("layer-index", f"A^{{[{ak - 1}]}} for A^{{[{ak}]}}", c.at(path, net.a[ak - 1]),
                             ("layer", "A", ak, ak - 1, depth))


_SWAPPED = ("sigmoid", "tanh")  # the activations a note confuses with one another


def _activations(c: _Scalar) -> Iterator[_Candidate]:
    """An activation for its derivative and back, sigma for tanh (or their derivatives)."""
    u = sp.Symbol("u", real=True)
    for path, node in c.positions:
        if isinstance(node, _Activation):
            f, (arg,) = node.func, node.args
            yield _Candidate("activation", f"the derivative {f.__name__}' for {f.__name__}",
                             c.at(path, sp.Subs(sp.Derivative(f(u), u), u, arg)))
            for name in _SWAPPED:
                if ACTIVATIONS[name] is not f:
                    yield _Candidate("activation", f"{name} for {f.__name__}", c.at(path, ACTIVATIONS[name](arg)))
        if (isinstance(node, sp.Subs) and isinstance(node.expr, sp.Derivative)
                and isinstance(node.expr.expr, _Activation) and len(node.point) == 1):
            f, arg = node.expr.expr.func, node.point[0]
            yield _Candidate("activation", f"{f.__name__} for its derivative {f.__name__}'", c.at(path, f(arg)))
            for name in _SWAPPED:
                g = ACTIVATIONS[name]
                if g is not f:
                    yield _Candidate("activation", f"{name}' for {f.__name__}'",
                                     c.at(path, sp.Subs(sp.Derivative(g(u), u), u, arg)))


def _swaps(c: _Scalar) -> Iterator[_Candidate]:
    """The label y and the activation a exchanged everywhere."""
    ys = [s for s in c.syms if s.name in ("y", "Y")]
    acts = sorted({s for s in c.syms if s.name == "a"} | set(c.rhs.atoms(_Activation)), key=sp.default_sort_key)
    for y in ys:
        for a in acts:
            # xreplace exchanges the two where they occur literally, simultaneously; subs(simultaneous=True)
            # gave the same candidates on every corpus and cost 20 ms a call on a network's output
            yield _Candidate("swap-y-a", f"{_latex(y)} and {_latex(a)} swapped", c.rhs.xreplace({y: a, a: y}))


def _exponents(c: _Scalar) -> Iterator[_Candidate]:
    """An integer exponent off by one, and a square written as a first power (1 - h for 1 - h^2)."""
    for path, node in c.positions:
        if isinstance(node, sp.Pow) and node.exp.is_Integer:
            for k in (node.exp - 1, node.exp + 1):
                if k != 0:
                    yield _Candidate("exponent", f"the exponent {k} for {node.exp}",
                                     c.at(path, sp.Pow(node.base, k)), (f"^{{{node.exp}}}", f"^{{{k}}}"))
    for path, node in c.positions:
        parent = _at(c.rhs, path[:-1]) if path else None
        if isinstance(node, (sp.Symbol, _Activation)) and not isinstance(parent, sp.Pow):
            yield _Candidate("exponent", f"{_latex(node ** 2)} for {_latex(node)}", c.at(path, node ** 2),
                             ("square", node))


def _functions(c: _Scalar) -> Iterator[_Candidate]:
    """A function applied to what should be its argument: ln(a) for a."""
    for path, node in c.positions:
        if isinstance(node, (sp.log, sp.exp)) and path:
            yield _Candidate("function", f"{_latex(node.args[0])} for {_latex(node)}", c.at(path, node.args[0]))


def _chain(c: _Scalar) -> Iterator[_Candidate]:
    """A dropped (or an extra) chain-rule factor; a dropped term of an inner argument."""
    for factor in _chain_factors(c.lhs):
        yield _Candidate("chain-factor", f"the dropped chain-rule factor {_latex(factor)}", c.rhs * factor,
                         ("wrap", _latex(factor)))
        yield _Candidate("extra-factor", f"the extra factor {_latex(factor)}", c.rhs / factor)
    # every occurrence of the argument: the same slip, repeated, as in e^{wx} / (1 + e^{wx})
    lost = sorted(sp.sympify(c.lhs).free_symbols - c.rhs.free_symbols, key=sp.default_sort_key)
    done: set = set()
    for _, node in c.positions:
        if (isinstance(node, sp.Function) and not isinstance(node, _OPAQUE) and len(node.args) == 1
                and node.args[0].free_symbols and node not in done):
            done.add(node)
            arg = node.args[0]
            for v in lost:
                yield _Candidate("dropped-term", f"{_latex(arg + v)} for {_latex(arg)}",
                                 c.rhs.xreplace({node: node.func(arg + v)}))


def _is_index(s) -> bool:
    """An index letter of a note (``i``, ``k``, a layer ``l``): an integer symbol of one letter."""
    return isinstance(s, sp.Symbol) and bool(s.is_integer) and not s.is_positive and len(s.name) == 1


def _bound(expr, path) -> list:
    """The indices the sums around ``path`` bind."""
    out = []
    for i in path:
        if isinstance(expr, sp.Sum):
            out += [lim[0] for lim in expr.limits]
        expr = expr.args[i]
    return out


def _indices(c: _Scalar) -> Iterator[_Candidate]:
    """An index slip in an entry a note wrote: a layer label one off (``a^{l}_k`` for ``a^{l-1}_k``),
    two indices swapped (``w_{kj}`` for ``w_{jk}``), one index for another (``p_k`` for ``p_i``)."""
    free = sorted({s for e in (c.lhs, c.rhs) for s in sp.sympify(e).free_symbols if _is_index(s)}, key=str)
    for path, node in c.positions:
        if not isinstance(node, sp.Indexed):
            continue
        idx = list(node.indices)
        start = 1 if str(node.base).endswith("^") else 0  # a^[l, k]: the layer first
        if start:
            for d in (-1, 1):
                new = node.base[(idx[0] + d, *idx[1:])]
                yield _Candidate("layer-index", f"{_note_tex(new)} for {_note_tex(node)}: a layer label",
                                 c.at(path, new))
        rest = idx[start:]
        for i, j in itertools.combinations(range(len(rest)), 2):
            if rest[i] != rest[j]:
                swapped = list(rest)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                new = node.base[tuple(idx[:start] + swapped)]
                yield _Candidate("index", f"{_note_tex(new)} for {_note_tex(node)}: the indices swapped",
                                 c.at(path, new))
        scope = sorted(set(free) | set(_bound(c.rhs, path)), key=str)
        for k, letter in enumerate(rest):
            for other in scope:
                if _is_index(letter) and other != letter:
                    changed = list(idx)
                    changed[start + k] = other
                    new = node.base[tuple(changed)]
                    yield _Candidate("index", f"{_note_tex(new)} for {_note_tex(node)}: an index", c.at(path, new))
    # two index letters exchanged in a term or a sum's body (y_k p_i for y_i p_k)
    targets: list[tuple] = [()] + [(i,) for i in range(len(c.rhs.args)) if isinstance(c.rhs, sp.Add)]
    targets += [path + (0,) for path, node in c.positions if isinstance(node, sp.Sum)]
    for path in targets:
        node = _at(c.rhs, path)
        letters = sorted({s for s in node.free_symbols if _is_index(s)}, key=str)
        for i, k in itertools.combinations(letters, 2):
            yield _Candidate("index", f"{_latex(i)} and {_latex(k)} exchanged in {_latex(node)}",
                             c.at(path, node.xreplace({i: k, k: i})))


def _bases(c: _Scalar) -> Iterator[_Candidate]:
    """The label y and a prediction exchanged where a note writes entries (``p_j (y_i - ...)``)."""
    bases = sorted({e.base: len(e.indices) for e in c.rhs.atoms(sp.Indexed)}.items(), key=lambda t: str(t[0]))
    ys = [(b, n) for b, n in bases if str(b).rstrip("^()") in ("y", "Y")]
    for y, n in ys:
        for other, k in bases:
            if other != y and k == n:
                yield _Candidate("swap-y-a", f"{_latex(y)} and {_latex(other)} swapped",
                                 c.rhs.xreplace({y: other, other: y}))


def _terms(c: _Scalar) -> Iterator[_Candidate]:
    """An extra term (sech^2 - 1 for sech^2)."""
    for path, node in c.positions:
        if isinstance(node, sp.Add):
            for term in node.args:
                yield _Candidate("extra-term", f"an extra term {_latex(term)}", c.at(path, node - term))


def _variables(c: _Scalar) -> Iterator[_Candidate]:
    """One quantity for another (x for y in d(xy)/dx)."""
    names = c.names
    if len(names) > 8:
        return
    for path, node in c.positions:
        if isinstance(node, sp.Symbol) and node in names:
            for other in names:
                if other != node:
                    yield _Candidate("variable", f"{_latex(other)} for {_latex(node)}", c.at(path, other))


def _brackets(c: _Scalar) -> Iterator[_Candidate]:
    """A bracket closed too early or too late: ``U - B C`` for ``(U - B) C`` and back."""
    for path, node in c.positions:
        if isinstance(node, sp.Add):
            for t in node.args:
                if not isinstance(t, sp.Mul):
                    continue
                for f in t.args:
                    if f.is_number:
                        continue
                    for u in node.args:
                        if u != t:
                            yield _Candidate("bracket", f"a bracket: {_latex(f)} multiplies {_latex(u)} too",
                                             c.at(path, node - u + u * f))
        elif isinstance(node, sp.Mul):
            for A in node.args:
                if isinstance(A, sp.Add):
                    rest = node / A
                    for u in A.args:
                        yield _Candidate("bracket", f"a bracket: {_latex(rest)} does not multiply {_latex(u)}",
                                         c.at(path, u + (A - u) * rest))


def _leaves(c: _Scalar) -> list:
    """Quantities a note may drop as a factor: its entries and names, at most 10."""
    out = sorted({e for e in c.rhs.atoms(sp.Indexed)} | set(c.names), key=sp.default_sort_key)
    return out[:10]


def _missing_factors(c: _Scalar) -> Iterator[_Candidate]:
    """A dropped factor of a quantity (``y_k / p_k`` written ``y_k``), of the whole side, of a
    term or of a sum's body; and an extra factor of a product."""
    for path, node in c.positions:
        if isinstance(node, sp.Mul):
            for f in node.args:
                if not f.is_number:
                    yield _Candidate("extra-factor", f"an extra factor {_latex(f)}", c.at(path, node / f))
    targets: list[tuple] = [()]
    if isinstance(c.rhs, sp.Add):
        targets += [(i,) for i in range(len(c.rhs.args))]
    targets += [path + (0,) for path, node in c.positions if isinstance(node, sp.Sum)]
    for path in targets:
        node = _at(c.rhs, path)
        for q in _leaves(c):
            for f, text in ((q, _note_tex(q)), (1 / q, rf"\frac{{1}}{{{_note_tex(q)}}}")):
                yield _Candidate("missing-factor", f"a dropped factor {text}", c.at(path, node * f))


def _derivative_chain(c: _Scalar) -> Iterator[_Candidate]:
    """A dropped chain-rule factor of a derivative a note wrote: ``dC/ds_k`` for ``dC/ds_k ds_k/dz_i``;
    and ``da/dz`` of a quantity ``a`` the right side is written in (what a note's ``let`` defines)."""
    lhs = sp.sympify(c.lhs)
    wrt = [v for d in sorted(lhs.atoms(sp.Derivative), key=sp.default_sort_key) for v in d.variables][:2]
    for v in wrt:
        for u in c.names:
            if u != v and not lhs.has(u):
                factor = sp.Derivative(u, v)
                yield _Candidate("chain-factor", f"the dropped chain-rule factor {_note_tex(factor)}",
                                 c.rhs * factor, ("wrap", _note_tex(factor)))
    for path, node in c.positions:
        if isinstance(node, sp.Derivative) and len(node.variables) == 1:
            u = node.variables[0]
            for v in wrt:
                if v != u:
                    factor = sp.Derivative(u, v)
                    yield _Candidate("chain-factor", f"the dropped chain-rule factor {_note_tex(factor)}",
                                     c.at(path, node * factor))


# a function and its derivative, as a note writes them (softplus is not an activation of its own)
_U = sp.Dummy("u", real=True)
_FORMS: tuple[tuple[str, Any, Any], ...] = (("\\sigma", sigmoid(_U), sigmoid(_U) * (1 - sigmoid(_U))),
          ("\\tanh", tanh(_U), 1 - tanh(_U) ** 2),
          ("softplus", sp.log(1 + sp.exp(_U)), sigmoid(_U)))


def _arguments(lhs) -> list:
    """What the left side differentiates by (``x`` in ``f'(x)``, ``dF/dx``)."""
    out = []
    for d in sorted(sp.sympify(lhs).atoms(sp.Subs, sp.Derivative), key=sp.default_sort_key):
        out += list(d.point) if isinstance(d, sp.Subs) else list(d.variables)
    return [u for u in dict.fromkeys(out) if not u.has(sp.Dummy)][:2]


def _recognized(c: _Scalar) -> Iterator[_Candidate]:
    """A part of the right side that *is* an activation or its derivative, for another: sigma'
    written where tanh' belongs, softplus for its derivative (screened numerically, proved later)."""
    args = _arguments(c.lhs)
    if not args:
        return
    for path, node in c.positions:
        if len(path) > 2 or node.is_Atom or node.has(sp.Derivative, sp.Subs) or sp.count_ops(node) < 2:
            continue
        for u in args:
            if not node.free_symbols <= u.free_symbols:
                continue
            for name, f, df in _FORMS:
                for kind, form in (("f", f), ("d", df)):
                    if not _same_numbers(node, form.xreplace({_U: u})):
                        continue
                    for other, g, dg in _FORMS:
                        if kind == "f":
                            alts = [(dg, f"{other}'({_latex(u)})")] if other == name else [(g, other)]
                        else:
                            alts = [(dg, f"{other}'")] if other != name else [(g, name)]
                        for new, text in alts:
                            what = f"{name}'" if kind == "d" else name
                            yield _Candidate("activation", f"{text} for {what}: {_latex(node)} is {what}",
                                             c.at(path, new.xreplace({_U: u})))


def _same_numbers(a, b) -> bool:
    """``a`` and ``b`` agree at three fixed points of their symbols (a screen, never a proof)."""
    syms = sorted(a.free_symbols | b.free_symbols, key=sp.default_sort_key)
    for t in (sp.Rational(3, 7), sp.Rational(-5, 4), sp.Rational(2, 1)):
        point = {s: t + k for k, s in enumerate(syms)}
        x, y = _value(expand_definitions(a), point, 15), _value(expand_definitions(b), point, 15)
        if x is None or y is None or abs(x - y) > 1e-9 * (1 + abs(y)):
            return False
    return True


def _from_oracle(c: _Scalar) -> Iterator[_Candidate]:
    """One factor or term of the right side that the oracle says is wrong, replaced by what makes
    the claim hold -- only when that is small (a slip, not the oracle written out)."""
    O, R = c.oracle, c.rhs
    if O is None or not R.free_symbols or R.has(sp.Derivative, sp.Subs) or not isinstance(R, sp.Mul):
        return
    if sum(1 for f in R.args if not f.is_number) < 2:
        return
    whole = _tidy(O)
    if whole is None:
        return
    factors = set(sp.Mul.make_args(whole))  # what the oracle multiplies: a proposal must be one of them
    for i, f in enumerate(R.args):
        if f.is_number:
            continue
        new = _tidy(O * f / R)
        if new is not None and new in factors and not new.is_number:
            yield _Candidate("wrong-factor", f"{_latex(new)} for the factor {_latex(f)}", c.at((i,), new))


def _tidy(e) -> sp.Expr | None:
    """``e`` over one denominator, cancelled, or None.

    (No ``simplify``: under a CPU budget it made a proposal depend on the
    machine, it cost half a second a factor, and the wrong factors it found
    were found without it.)
    """
    try:
        e = sp.cancel(sp.together(expand_definitions(e)))
    except Exception:  # a form SymPy cannot cancel: no candidate
        return None
    return None if e.has(sp.nan, sp.zoo, sp.Derivative) else e


_SCALAR_SLIPS = (_signs, _factors, _layers, _indices, _activations, _swaps, _bases, _exponents, _functions, _chain,
                 _derivative_chain, _terms, _variables, _brackets, _missing_factors, _recognized, _from_oracle)


def _scalar_candidates(claim: Claim, net: ScalarNet | None, oracle_=None, clock=None) -> Iterator[_Candidate]:
    """Every claim one slip away from ``claim``, in the order of :data:`SLIPS`."""
    c = _Scalar.of(claim, net, oracle_, clock)
    for slips in _SCALAR_SLIPS:
        yield from slips(c)


class _NotePrinter(LatexPrinter):
    """A note's entries as it writes them: ``p_{i}``, ``a^{l}_{k}``, ``y^{(i)}``, ``x_{j}^{(i)}``."""

    def _print_Indexed(self, expr):
        name = str(expr.base)
        idx = [self._print(i) for i in expr.indices]
        head = name.rstrip("^()").rstrip("^")
        head = {"ell": r"\ell"}.get(head, self._print(sp.Symbol(head)))
        if name.endswith("^()"):
            return head + (f"_{{{''.join(idx[1:])}}}" if idx[1:] else "") + f"^{{({idx[0]})}}"
        if name.endswith("^"):
            return f"{head}^{{{idx[0]}}}" + (f"_{{{''.join(idx[1:])}}}" if idx[1:] else "")
        return f"{head}_{{{''.join(idx)}}}"


    def _print_Derivative(self, expr):
        if (len(expr.variables) == 1 and expr.variable_count[0][1] == 1
                and isinstance(expr.expr, (sp.Symbol, sp.Indexed))):
            return rf"\frac{{\partial {self._print(expr.expr)}}}{{\partial {self._print(expr.variables[0])}}}"
        return super()._print_Derivative(expr)


    def _print_Subs(self, expr):
        d = expr.expr
        if (isinstance(d, sp.Derivative) and len(d.variables) == 1 and len(expr.point) == 1
                and isinstance(d.expr, sp.Function) and d.expr.args == (d.variables[0],) == expr.variables):
            name = self._print(d.expr.func(sp.Symbol("u"))).split(r"\left(")[0].rstrip("{")  # \sigma, \tanh
            return rf"{name}'\left({self._print(expr.point[0])}\right)"
        return super()._print_Subs(expr)


def _note_tex(e) -> str:
    return _NotePrinter().doprint(e)


def _chain_factors(lhs) -> list[sp.Expr]:
    """Small factors a chain rule multiplies in: d(inner)/dv for every function of the definition."""
    out: list[sp.Expr] = []
    lhs = sp.sympify(lhs)
    inside = {d: dict(zip(s.variables, s.point, strict=False))  # f'(w x + b): the factor at the point
              for s in lhs.atoms(sp.Subs) for d in s.expr.atoms(sp.Derivative)}
    for d in sorted(lhs.atoms(sp.Derivative), key=sp.default_sort_key):
        if len(d.variables) != 1:
            continue
        v = d.variables[0]
        if d in inside:
            out += [k for k in (f.xreplace(inside[d]) for f in _chain_factors(d)) if k not in out][:8 - len(out)]
            continue
        if not d.expr.atoms(sp.Function) and d.expr.count_ops() <= 10:
            k = d.doit()  # a factor the note wrote out, dz/dw of z = w x + b: x
            if k not in (0, 1, -1) and k not in out and len(out) < 8:
                out.append(k)
        for f in sorted(d.expr.atoms(sp.Function), key=sp.default_sort_key):
            for arg in f.args:
                if arg.has(v) and arg != v:
                    k = sp.diff(arg, v)
                    if k not in (0, 1, -1) and k not in out and len(out) < 8:
                        out.append(k)
            if isinstance(f, _Activation) and f.args[0].has(v):
                k = f.fdiff()
                if k not in out and len(out) < 8:
                    out.append(k)
        for p in sorted(d.expr.atoms(sp.Pow), key=sp.default_sort_key):  # (1 + e^{-x})^{-1}: -e^{-x}
            if p.base.has(v) and p.base != v:
                k = sp.diff(p.base, v)
                if k not in (0, 1, -1) and k not in out and len(out) < 8:
                    out.append(k)
    return out


def _value(expr, point, digits=SCREEN_DIGITS):
    try:
        out = sp.N(expr.xreplace(point), digits)
    except (TypeError, ValueError, ZeroDivisionError, RecursionError):
        return None
    if not out.is_number or out.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    re_, im = out.as_real_imag()
    if im != 0 and abs(im) > 1e-20 * (1 + abs(re_)):
        return None
    return re_


class _Screen:
    """Values at two seeded points, each symbol drawn once (so every candidate meets the same
    values): the cheap test a candidate passes before its proof.  Candidates share most of their
    subtrees, and each distinct subtree is evaluated once (:class:`symbolic.values.Values`);
    derivatives by the oracle, the derivative of the definitions."""

    def __init__(self, domain: Domain, seed: tuple):
        self.domain, self.seed = domain, seeds_from(*seed)  # the claim printed once, not once a symbol
        self.values_of = Values(self._draw, SCREEN_POINTS, SCREEN_DIGITS, expand=oracle)

    def _draw(self, s: sp.Symbol) -> list:
        return [p[s] for p in self.domain.sample({s}, SCREEN_POINTS, self.seed(s))]

    def values(self, expr, clock: _Clock):
        """The oracle's values of ``expr``; None where it has none (no screen then)."""
        return bounded(partial(self.values_of, expr), max(clock.left(), 0))

    def passes(self, claim: Claim, clock: _Clock) -> bool:
        lvals = self.values(claim.lhs, clock)
        if any(v is None for v in lvals):
            return True
        rvals = self.values(claim.rhs, clock)
        return not any(r is None or abs(r - v) > SCREEN_RTOL * (1 + abs(v)) for r, v in zip(rvals, lvals, strict=False))


def _search(claim: Claim, candidates: Iterator[_Candidate], make: Callable[..., Claim], domain: Domain,
            clock: _Clock, budget: float, cap: int, screen: _Screen,
            quick: Callable | None = None) -> tuple[_Candidate, Claim] | None:
    """The first candidate whose claim (``make(candidate.value)``) the full procedure proves;
    ``quick(value)``, when given, is a smaller claim it must pass first (one instance of many)."""
    seen: set = set()
    for n, c in enumerate(candidates):
        if n >= cap or clock.left() <= 0:
            return None
        try:
            if quick is not None:
                small = bounded(partial(quick, c.value), max(clock.left(), 0))
                if not screen.passes(small, clock):  # (one instance may not tell 1/2 from 1/m: no dedup here)
                    continue
            new = bounded(partial(make, c.value), max(clock.left(), 0))
            if new.rhs in seen or new.rhs == claim.rhs:
                continue  # nothing changed
            if new.rhs == new.lhs and c.edit[:1] not in (("whole-sign",), ("wrap",)):
                continue  # the left side written again (z = z + 1 -> z = z) names no slip
            seen.add(new.rhs)
            if quick is None and not screen.passes(new, clock):  # (instances are proved one by one)
                continue
        except Timeout:
            return None
        except Exception:  # an edit the reader cannot instantiate, or SymPy cannot evaluate: no proposal
            continue
        if _proved(new, domain, budget, clock):
            return c, new
    return None


def _instances_of(claim: Claim) -> list[tuple] | None:
    """The instances ``(lhs_c, rhs_c)`` of a weighted claim (every term carries exactly one weight,
    linearly), or None when it is not one."""
    weights = sorted({s for side in (claim.lhs, claim.rhs) for s in sp.sympify(side).free_symbols
                      if s.name.startswith("w[")}, key=str)
    if not weights:
        return None
    sides = []
    for side in (sp.sympify(claim.lhs), sp.sympify(claim.rhs)):
        parts: dict = {}
        for term in sp.Add.make_args(side):
            mine = [w for w in weights if term.has(w)]
            if len(mine) != 1 or term.coeff(mine[0]) * mine[0] != term or term.coeff(mine[0]).has(*weights):
                return None
            parts[mine[0]] = parts.get(mine[0], 0) + term.coeff(mine[0])
        sides.append(parts)
    if set(sides[0]) != set(weights) or set(sides[1]) != set(weights):
        return None
    return [(sides[0][w], sides[1][w]) for w in weights]


def _proved(claim: Claim, domain: Domain, budget: float, clock: _Clock) -> bool:
    """``decide`` proves the claim; a weighted claim instance by instance (it holds exactly when
    every instance does, and ten small proofs cost a tenth of one large one)."""
    pairs = _instances_of(claim) or [(claim.lhs, claim.rhs)]
    for lhs, rhs in pairs:
        if decide(lhs, rhs, domain, min(budget, max(clock.left(), 0.01))).status is not Status.HOLDS:
            return False
    return True


def _diagnose_scalar(claim: Claim, domain: Domain, clock: _Clock, budget: float,
                     net: ScalarNet | None, cap: int) -> tuple[_Candidate, Claim] | None:
    screen = _Screen(domain, ("diagnosis", claim.lhs, claim.rhs))
    try:
        O = bounded(lambda: oracle(claim.lhs), max(clock.left(), 0))
    except (Timeout, Exception):
        return None
    return _search(claim, _scalar_candidates(claim, net, O, clock), partial(Claim, claim.lhs), domain, clock,
                   budget, cap, screen)


def _diagnose_written(claim, domain: Domain, clock: _Clock, budget: float, cap: int):
    """A note's link, searched in what was written (before its lets are expanded and its sums
    unrolled): each edit is instantiated by the reader again, so one slip in ``\\sum_k p_k y_k``
    is the same slip at every size."""
    lhs, rhs = claim.written
    written = Claim(lhs, rhs)
    screen = _Screen(domain, ("diagnosis", claim.lhs, claim.rhs))
    quick = partial(claim.rebuild, first=True) if _is_weighted(claim) else None
    return _search(claim, _scalar_candidates(written, None, None, clock), claim.rebuild, domain, clock, budget,
                   cap, screen, quick)


def _scalar_latex(step_latex: str | None, c: _Candidate, printer: Callable = _latex) -> tuple[str, str]:
    """The step's LaTeX with the slip edited in, where the edit can be located; else printed."""
    if step_latex is None:
        return printer(c.value), c.note
    head, rhs = split_rhs(step_latex)
    head = head.replace("&=", "=")
    if c.edit == ("whole-sign",):
        return head + r"-\left(" + rhs.strip() + r"\right)", c.note
    if c.edit and c.edit[0] == "wrap":
        return head + c.edit[1] + r" \left(" + rhs.strip() + r"\right)", c.note
    if c.edit and c.edit[0] == "layer":
        kind, k, j, depth = c.edit[1:5]
        relabelled = _relabel(rhs, kind, k, j, depth, step_latex)
        if relabelled is not None:
            text, before, after = relabelled
            return head + text, f"{kind}^{{[{after}]}} for {kind}^{{[{before}]}}: a layer label"
        if len(c.edit) == 7:
            respelled = _respell(rhs, c.edit[5], lambda old: _spelled_like(old, c.edit[6]))
            if respelled is not None:
                return head + respelled, c.note
    if c.edit and c.edit[0] == "square" and isinstance(c.edit[1], sp.Symbol):
        squared = _respell(rhs, c.edit[1], lambda old: old + "^{2}")
        if squared is not None:
            return head + squared, c.note
    if len(c.edit) == 2 and rhs.count(c.edit[0]) == 1:
        old, new = c.edit
        npows = sum(1 for p in sp.preorder_traversal(c.value) if isinstance(p, sp.Pow)
                    and f"^{{{p.exp}}}" in (old, new))
        if npows == 1:
            return head + rhs.replace(old, new), c.note
    return head + printer(c.value), c.note


def _symbol_spellings(sym: sp.Symbol) -> list[str]:
    """How a note writes a symbol: ``x_1``, ``x_{1}``, ``h``."""
    name = sym.name
    out = [name]
    if "_" in name:
        base, sub = name.split("_", 1)
        out += [f"{base}_{{{sub}}}"] if not sub.startswith("{") else [f"{base}_{sub[1:-1]}"]
    return out


def _spelled_like(old: str, new: sp.Symbol) -> str:
    """``new`` written the way ``old`` was (``x_{1}`` -> ``x_{2}``)."""
    for spelling in _symbol_spellings(new):
        if ("{" in spelling) == ("{" in old):
            return spelling
    return new.name


def _respell(rhs: str, sym: sp.Symbol, new: Callable[[str], str]) -> str | None:
    """``rhs`` with the one occurrence of ``sym`` (as spelled) rewritten; None unless exactly one."""
    for spelling in _symbol_spellings(sym):
        pattern = r"(?<![\\A-Za-z_])" + re.escape(spelling) + r"(?![A-Za-z0-9_{])"
        hits = list(re.finditer(pattern, rhs))
        if len(hits) == 1:
            h = hits[0]
            return rhs[:h.start()] + new(spelling) + rhs[h.end():]
    return None


def _spellings(k: int, depth: int | None) -> list[str]:
    """How a document writes layer ``k`` of a network of ``depth`` layers: ``2``, ``L-1``, ``L - 1``."""
    out = [str(k)]
    if depth is not None and k == depth:
        out.append("L")
    elif depth is not None and 0 < depth - k:
        out += [f"L-{depth - k}", f"L - {depth - k}"]
    return out


def _relabel(rhs: str, kind: str, k: int, j: int, depth: int | None, whole: str) -> tuple | None:
    """``rhs`` with the one label of ``kind`` for layer ``k`` changed to ``j`` (and both labels as
    spelled); None unless the label occurs exactly once."""
    for before in _spellings(k, depth):
        pattern = r"(?<![A-Za-z])" + re.escape(kind) + r"(\^\{\[|\[)" + re.escape(before) + r"\]"
        hits = list(re.finditer(pattern, rhs))
        if len(hits) != 1:
            continue
        if depth is not None and j == depth:
            after = "L"
        elif f"[{j}]" in whole or before.isdigit() or depth is None or j <= 0:
            after = str(j)
        else:
            after = f"L-{depth - j}"
        h = hits[0]
        return rhs[:h.start()] + kind + h.group(1) + after + "]" + rhs[h.end():], before, after
    return None


# --------------------------------------------------------------------------
# matrix claims: a traced closed form
# --------------------------------------------------------------------------

_L = sp.Symbol("l", integer=True)  # the layer a layer claim is made for
_LNET = sp.Symbol("L", integer=True)  # the depth of the network (v.net.L)
_M = sp.Symbol("m", positive=True, integer=True)  # the batch size (v.m)
_NODE = re.compile(r"^(d?)(X|Y|W|b|Z|A)(\d*)$")


@dataclass(frozen=True)
class _T:
    """One node of a traced closed form: an operation and its arguments (nodes or scalars)."""

    op: str
    args: tuple


class _NotTraceable(Exception):
    pass


def _wrap(t: _T) -> _Traced:
    return _Traced(t)


def _arg(x):
    if isinstance(x, _Traced):
        return x.t
    if isinstance(x, (int, float, sp.Expr)) and not isinstance(x, bool):
        return sp.nsimplify(x) if isinstance(x, float) else sp.sympify(x)
    raise _NotTraceable(type(x).__name__)


class _Traced:
    """A closed form's value while it is traced: every operation is recorded."""

    __slots__ = ("t",)

    def __init__(self, t: _T):
        self.t = t

    @property
    def T(self):
        return _wrap(_T("T", (self.t,)))

    def __matmul__(self, o):
        return _wrap(_T("mm", (self.t, _arg(o))))

    def odot(self, o):
        return _wrap(_T("odot", (self.t, _arg(o))))

    def __add__(self, o):
        return _wrap(_T("add", (self.t, _arg(o))))

    def __radd__(self, o):
        return _wrap(_T("add", (_arg(o), self.t)))

    def __sub__(self, o):
        return _wrap(_T("sub", (self.t, _arg(o))))

    def __rsub__(self, o):
        return _wrap(_T("sub", (_arg(o), self.t)))

    def __neg__(self):
        return _wrap(_T("neg", (self.t,)))

    def __mul__(self, o):
        if isinstance(o, _Traced):
            raise _NotTraceable("* between matrices")
        return _wrap(_T("smul", (_arg(o), self.t)))

    __rmul__ = __mul__

    def __truediv__(self, o):
        return _wrap(_T("div", (self.t, _arg(o))))

    def __rtruediv__(self, o):
        return _wrap(_T("div", (_arg(o), self.t)))

    def __pow__(self, k):
        return _wrap(_T("pow", (self.t, _arg(k))))

    def sum(self, axis: int):
        return _wrap(_T("sum", (self.t, int(axis))))


class _TraceLayers:
    def __init__(self, kind: str):
        self.kind = kind

    def __getitem__(self, l):
        return _wrap(_T("leaf", (self.kind, sp.sympify(l))))


class _TraceNet:
    L = _LNET


class _Tracer:
    """The namespace of :class:`symbolic.layouts.Quantities`, recording instead of computing."""

    m = _M
    net = _TraceNet()

    def __init__(self):
        for kind in ("W", "b", "Z", "A", "dW", "db", "dZ", "dA"):
            setattr(self, kind, _TraceLayers(kind))

    def __getattr__(self, name: str):
        hit = _NODE.match(name)
        if not hit:
            raise _NotTraceable(name)
        d, kind, idx = hit.groups()
        return _wrap(_T("leaf", (d + kind, sp.Integer(int(idx)) if idx else None)))

    def g(self, l, M):
        return _wrap(_T("g", (sp.sympify(l), _arg(M))))

    def g_prime(self, l, M):
        return _wrap(_T("gp", (sp.sympify(l), _arg(M))))


def trace(claim: MatrixClaim) -> _T | None:
    """The closed form of ``claim`` as a tree, or None when it is not written in the namespace alone."""
    try:
        # the tracer stands in for Quantities (the same names); evaluate only hands it to the closed form
        out = claim.evaluate(cast(Quantities, _Tracer()), _L if claim.layer_claim else None)
    except Exception:  # an explicit matrix, a sum over examples, ...: not traceable
        return None
    return out.t if isinstance(out, _Traced) else None


def replay(t, v, env: Mapping[sp.Symbol, Any]):
    """The traced tree evaluated in a real namespace ``v`` (symbolic, SymPy or NumPy)."""
    if not isinstance(t, _T):
        return sp.sympify(t).xreplace(env) if isinstance(t, sp.Basic) else t
    a = t.args
    if t.op == "leaf":
        kind, idx = a
        if idx is None:
            return v.node(kind)
        k = idx.xreplace(env)
        if not k.is_Integer:
            raise ValueError(f"layer label {idx} is not a number")
        return v.node(f"{kind}{int(k)}")
    if t.op in ("g", "gp"):
        k = a[0].xreplace(env)
        M = replay(a[1], v, env)
        return v.g(int(k), M) if t.op == "g" else v.g_prime(int(k), M)
    x = [replay(y, v, env) for y in a]
    if t.op == "T":
        return x[0].T
    if t.op == "mm":
        return x[0] @ x[1]
    if t.op == "odot":
        return x[0].odot(x[1])
    if t.op == "add":
        return x[0] + x[1]
    if t.op == "sub":
        return x[0] - x[1]
    if t.op == "neg":
        return -x[0]
    if t.op == "smul":
        return x[0] * x[1]
    if t.op == "div":
        return x[0] / x[1]
    if t.op == "pow":
        return x[0] ** x[1]
    if t.op == "sum":
        return x[0].sum(a[1])
    raise ValueError(f"unknown traced operation {t.op!r}")


def _closed_form(t: _T, layer_claim: bool) -> Callable:
    def env_of(v, l):
        env = {_M: v.m, _LNET: sp.Integer(v.net.L)}
        if l is not None:
            env[_L] = sp.Integer(l)
        return env

    if layer_claim:
        return lambda v, l: replay(t, v, env_of(v, l))
    return lambda v: replay(t, v, env_of(v, None))


def _subtrees(t, path=()) -> Iterator[tuple[tuple[int, ...], Any]]:
    yield path, t
    if isinstance(t, _T) and t.op != "leaf":
        for i, a in enumerate(t.args):
            if isinstance(a, _T):
                yield from _subtrees(a, path + (i,))


def _put(t: _T, path, new) -> _T:
    if not path:
        return new
    args = list(t.args)
    args[path[0]] = _put(args[path[0]], path[1:], new)
    return _T(t.op, tuple(args))


def _labels(t) -> list[sp.Expr]:
    out: list[sp.Expr] = []
    for _, n in _subtrees(t):
        if isinstance(n, _T) and n.op in ("leaf", "g", "gp") and n.args[1 if n.op == "leaf" else 0] is not None:
            e = n.args[1] if n.op == "leaf" else n.args[0]
            if e not in out:
                out.append(e)
    return out


def _matrix_candidates(t: _T) -> Iterator[_Candidate]:
    nodes = list(_subtrees(t))
    labels = _labels(t)
    # sign and factors of the whole
    yield _Candidate("sign", "the opposite sign", _T("neg", (t,)), ("whole-sign",))
    for path, n in nodes:
        if n.op == "add":
            yield _Candidate("sign", "- for +", _put(t, path, _T("sub", n.args)))
        elif n.op == "sub":
            yield _Candidate("sign", "+ for -", _put(t, path, _T("add", n.args)))
    yield _Candidate("factor-2", "twice the right-hand side", _T("smul", (sp.Integer(2), t)), ("wrap", "2"))
    yield _Candidate("factor-2", "half the right-hand side", _T("smul", (sp.Rational(1, 2), t)),
                     ("wrap", r"\frac{1}{2}"))
    yield _Candidate("missing-1/m", "a factor 1/m: a missing 1/m", _T("smul", (1 / _M, t)), ("wrap", r"\frac{1}{m}"))
    yield _Candidate("factor-m", "m times the right-hand side", _T("smul", (_M, t)), ("wrap", "m"))
    # sums over an axis
    for path, n in nodes:
        if n.op == "sum":
            yield _Candidate("sum-axis", f"the sum along axis {1 - n.args[1]} for axis {n.args[1]}",
                             _put(t, path, _T("sum", (n.args[0], 1 - n.args[1]))))
            yield _Candidate("extra-sum", f"{_tex(n.args[0])} for {_tex(n)}: an extra sum",
                             _put(t, path, n.args[0]))
        else:
            for axis in (0, 1):
                yield _Candidate("missing-sum", f"{_tex(_T('sum', (n, axis)))} for {_tex(n)}: a missing sum "
                                 "over the batch", _put(t, path, _T("sum", (n, axis))))
    # transposes
    for path, n in nodes:
        if n.op == "T":
            yield _Candidate("transpose", f"{_tex(n.args[0])} for {_tex(n)}: an extra transpose",
                             _put(t, path, n.args[0]), ("untranspose", n.args[0]))
        else:
            yield _Candidate("transpose", f"{_tex(_T('T', (n,)))} for {_tex(n)}: a missing transpose",
                             _put(t, path, _T("T", (n,))), ("transpose", n))
    # products
    for path, n in nodes:
        if n.op == "mm":
            yield _Candidate("product-order", f"{_tex(_T('mm', n.args[::-1]))} for {_tex(n)}: the order "
                             "of the product", _put(t, path, _T("mm", n.args[::-1])))
            yield _Candidate("elementwise", "the element-wise product \\odot for the matrix product",
                             _put(t, path, _T("odot", n.args)))
        elif n.op == "odot":
            yield _Candidate("elementwise", "the matrix product for the element-wise product \\odot",
                             _put(t, path, _T("mm", n.args)))
    # layer labels
    for path, n in nodes:
        if n.op == "leaf" and n.args[1] is not None or n.op in ("g", "gp"):
            pos = 1 if n.op == "leaf" else 0
            old = n.args[pos]
            alts = [old - 1, old + 1] + [e for e in labels if e != old]
            if old.has(_LNET):
                alts.append(old.xreplace({_LNET: _L}))
            if old.has(_L):
                alts.append(old.xreplace({_L: _LNET}))
            done = set()
            for new in alts:
                if new == old or new in done:
                    continue
                done.add(new)
                args = list(n.args)
                args[pos] = new
                yield _Candidate("layer-index", f"{_tex(_T(n.op, tuple(args)))} for {_tex(n)}",
                                 _put(t, path, _T(n.op, tuple(args))), ("label", n, _T(n.op, tuple(args))))
    # an activation for its derivative, a dropped g' factor
    for path, n in nodes:
        if n.op in ("g", "gp"):
            other = _T("gp" if n.op == "g" else "g", n.args)
            yield _Candidate("activation", f"{_tex(other)} for {_tex(n)}", _put(t, path, other))
        if n.op == "odot":
            for keep in (0, 1):
                if isinstance(n.args[keep], _T):
                    yield _Candidate("extra-factor", f"{_tex(n.args[keep])} for {_tex(n)}: an extra factor",
                                     _put(t, path, n.args[keep]))
    for e in dict.fromkeys(x for k in labels for x in (k, k - 1)):  # the layer's own g', or the one below
        factor = _T("gp", (e, _T("leaf", ("Z", e))))
        yield _Candidate("chain-factor", f"the dropped chain-rule factor {_tex(factor)}",
                         _T("odot", (t, factor)))
    # Y swapped with the output
    for path, n in nodes:
        if n.op == "leaf" and n.args[0] == "Y":
            for e in [_LNET] + labels:
                yield _Candidate("swap-y-a", f"A^{{[{_label(e)}]}} for Y", _put(t, path, _T("leaf", ("A", e))))
        elif n.op == "leaf" and n.args[0] == "A":
            yield _Candidate("swap-y-a", f"Y for {_tex(n)}", _put(t, path, _T("leaf", ("Y", None))))
    # exponents
    for path, n in nodes:
        if n.op == "pow" and sp.sympify(n.args[1]).is_Integer:
            for k in (n.args[1] - 1, n.args[1] + 1):
                if k != 0:
                    yield _Candidate("exponent", f"the exponent {k} for {n.args[1]}",
                                     _put(t, path, _T("pow", (n.args[0], k))))


# --- LaTeX of a traced tree ---------------------------------------------------------

def _label(e) -> str:
    return str(e).replace(" ", "")


def _leaf_tex(kind: str, idx) -> str:
    if kind == "A" and idx is not None and idx == 0:
        return "X"
    if idx is None:
        return kind
    return f"{kind}^{{[{_label(idx)}]}}"


def _tex(t) -> str:
    if not isinstance(t, _T):
        return _latex(t)
    a = t.args
    if t.op == "leaf":
        return _leaf_tex(*a)
    if t.op == "g":
        return f"g^{{[{_label(a[0])}]}}({_tex(a[1])})"
    if t.op == "gp":
        return f"g'^{{[{_label(a[0])}]}}({_tex(a[1])})"
    if t.op == "T":
        inner = _tex(a[0])
        if isinstance(a[0], _T) and a[0].op == "leaf" and inner.endswith("]}"):
            return inner[:-1] + "T}"
        if isinstance(a[0], _T) and a[0].op == "leaf":
            return inner + "^T"
        return rf"\left({inner}\right)^T"
    if t.op == "mm":
        return f"{_paren(a[0])} {_paren(a[1])}"
    if t.op == "odot":
        return rf"{_paren(a[0])} \odot {_paren(a[1])}"
    if t.op == "add":
        return f"{_tex(a[0])} + {_tex(a[1])}"
    if t.op == "sub":
        return f"{_tex(a[0])} - {_paren(a[1])}"
    if t.op == "neg":
        return f"-{_paren(a[0])}"
    if t.op == "smul":
        return f"{_latex(a[0])} {_paren(a[1])}"
    if t.op == "div":
        return rf"{_paren(a[0])} \oslash {_paren(a[1])}"
    if t.op == "pow":
        return f"{_paren(a[0])}^{{{_latex(a[1])}}}"
    if t.op == "sum":
        return rf"\operatorname{{np.sum}}({_tex(a[0])}, axis = {a[1]}, keepdims = True)"
    return str(t)


def _paren(t) -> str:
    s = _tex(t)
    if isinstance(t, _T) and t.op in ("add", "sub", "neg", "odot", "smul"):
        return rf"\left({s}\right)"
    return s


def _label_spellings(e, lower: bool) -> list[str]:
    """How a document writes a layer label: ``L``, ``L-1``, ``l``, ``1``."""
    s = _label(e.xreplace({_L: sp.Symbol("l" if lower else "L")}) if isinstance(e, sp.Basic) else e)
    return [s, s.replace("-", " - ")]


def _matrix_latex(step: Step, c: _Candidate) -> tuple[str, str]:
    """The step's LaTeX with the slip edited in place when it can be located once, else printed;
    and the note, in the document's spelling of layers."""
    head, rhs = split_rhs(step.latex)
    head = head.replace("&=", "=")
    lower = bool(re.search(r"\[l(\]|-)", step.latex)) or any(
        isinstance(x, _T) and any(e.has(_LNET) for e in _labels(x)) for x in c.edit[1:])
    note = _styled(c.note, step.latex, lower)
    if c.edit == ("whole-sign",):
        return head + r"-\left(" + rhs + r"\right)", note
    if c.edit and c.edit[0] == "wrap":
        return head + c.edit[1] + r" \left(" + rhs + r"\right)", note
    if c.edit and c.edit[0] == "label":
        old, new = c.edit[1], c.edit[2]
        pos = 1 if old.op == "leaf" else 0
        kind = {"g": "g", "gp": "g'"}.get(old.op, old.args[0])
        for before in _label_spellings(old.args[pos], lower):
            after = _label_spellings(new.args[pos], lower)[0]
            hits = list(re.finditer(re.escape(kind) + r"\^\{\[" + re.escape(before) + r"\]", rhs))
            if len(hits) == 1:
                h = hits[0]
                return head + rhs[:h.start()] + f"{kind}^{{[{after}]" + rhs[h.end():], note
    if c.edit and c.edit[0] in ("transpose", "untranspose") and c.edit[1].op == "leaf":
        kind, idx = c.edit[1].args
        for label in _label_spellings(idx, lower) if idx is not None else ():
            plain, transposed = f"{kind}^{{[{label}]}}", f"{kind}^{{[{label}]T}}"
            old, new = (plain, transposed) if c.edit[0] == "transpose" else (transposed, plain)
            if rhs.count(old) == 1:
                return head + rhs.replace(old, new), note
    return head + _styled(_tex(c.value), step.latex, lower), note


def _styled(text: str, step_latex: str, lower: bool) -> str:
    """Layer labels as the document writes them: ``[L]`` or ``[l]``, superscripts or subscripts."""
    if not lower:
        text = text.replace("[l", "[L")
    if "^{[" not in step_latex:  # the document writes layers as subscripts: dZ_2, A_1
        text = re.sub(r"\^\{\[([^\]]*)\]T\}", r"_{\1}^T", text)
        text = re.sub(r"\^\{\[([^\]]*)\]\}", r"_{\1}", text)
    return text


def _diagnose_matrix(claim: MatrixClaim, clock: _Clock, budget: float, cap: int):
    t = trace(claim)
    if t is None:
        return None
    seen: set = set()
    for n, c in enumerate(_matrix_candidates(t)):
        if n >= cap or clock.left() <= 0:
            return None
        if c.value in seen or c.value == t:
            continue
        seen.add(c.value)
        mutant = replace(claim, rhs=_closed_form(c.value, claim.layer_claim), says=f"{claim.says} [{c.note}]")
        try:
            if check_shapes(mutant).status is not Status.HOLDS:
                continue
            if not claim.shape_only and _numeric(mutant).status is not Status.HOLDS:
                continue
            r = check_claim(mutant, min(budget, max(clock.left(), 0.01)), numeric=False)
        except Exception:  # a label outside the network, an operation NumPy refuses: no proposal
            continue
        if r.verdict is Status.HOLDS and (claim.shape_only or r.symbolic.status is Status.HOLDS):
            return c, mutant
    return None


# --------------------------------------------------------------------------
# the entry points
# --------------------------------------------------------------------------

def diagnose(step_or_claim, domain: Domain | None = None, *, budget: float = BUDGET,
             total: float = DIAGNOSIS_BUDGET, cap: int = MAX_CANDIDATES,
             net: ScalarNet | None = None, fails: bool = False) -> Diagnosis | None:
    """The single slip that makes a failing claim hold, proved; None when no single slip does.

    ``step_or_claim`` is a :class:`~derivations.model.Step` (its LaTeX is
    edited for the proposal) or a bare :class:`~derivations.model.Claim` or
    :class:`~derivations.matrix.MatrixClaim`.  ``budget`` bounds each proof,
    ``total`` the whole search (CPU seconds), ``cap`` the candidates.  The
    claim itself is decided first, unless the caller knows it ``fails``: a
    claim that does not fail is never diagnosed.
    """
    step = step_or_claim if isinstance(step_or_claim, Step) else None
    claim = step.claim if step is not None else step_or_claim
    if step is not None and domain is None:
        domain = step.domain
    domain = domain or Domain()
    clock = _Clock(total)
    if not fails and not _fails(claim, domain, budget):
        return None
    if _is_note_claim(claim):
        from gradproof.checks.note_diagnosis import diagnose_layered, diagnose_note

        if hasattr(claim, "instances"):  # every layer at three depths: the budget of three claims
            clock = _Clock(3 * total)
            hit = diagnose_layered(claim, step.latex, clock, budget, cap) if step is not None else None
        else:
            hit = diagnose_note(claim, clock, budget, cap)
        return None if hit is None else Diagnosis(*hit)
    if isinstance(claim, MatrixClaim):
        found = _searched(("matrix", id(claim), budget, cap), claim,
                          lambda: _diagnose_matrix(claim, clock, budget, cap))
        if found is None:
            return None
        c, mutant = found
        latex, note = _matrix_latex(step, c) if step is not None else (_tex(c.value), c.note)
        return Diagnosis(c.slip, latex, note, mutant)
    if isinstance(claim, Claim):
        if isinstance(claim.lhs, sp.MatrixBase) or isinstance(claim.rhs, sp.MatrixBase):
            return None  # explicit matrices of entries: no slip of notation to name
        if sum(1 for _ in sp.preorder_traversal(sp.sympify(_written_rhs(claim)))) > MAX_NODES:
            return None
        if net is None and step is not None:
            net = _scalar_net_of(claim)
        found, printer = None, _latex
        if _is_weighted(claim):  # several instances: the budget of three claims, as a layered matrix claim
            clock = _Clock(3 * total)
        if _is_written(claim):
            found, printer = _diagnose_written(claim, domain, clock, budget, cap), _note_tex
        if found is None and not _is_weighted(claim) and clock.left() > 0:
            key = ("scalar", digest(claim.lhs), digest(claim.rhs), repr(domain), budget, cap)
            found, printer = _searched(key, claim,
                                       lambda: _diagnose_scalar(claim, domain, clock, budget, net, cap)), _latex
        if found is None:
            return None
        c, proved = found
        latex, note = _scalar_latex(step.latex if step is not None else None, c, printer)
        return Diagnosis(c.slip, latex, note, Claim(proved.lhs, proved.rhs))
    return None


_SEARCHED: dict[tuple, tuple[Any, Any]] = {}  # key -> (the claim, kept alive; what the search found)
SEARCHED_MAX = 1000


def _searched(key: tuple, claim, search: Callable[[], Any]):
    """``search()`` once per claim and process: a translation repeats its original's errata (the
    proposal is then printed in each step's own LaTeX).  Keyed by digests and object identity,
    never by SymPy's equality."""
    hit = _SEARCHED.get(key)
    if hit is not None and (key[0] != "matrix" or hit[0] is claim):
        return hit[1]
    found = search()
    if len(_SEARCHED) >= SEARCHED_MAX:
        _SEARCHED.clear()
    _SEARCHED[key] = (claim, found)
    return found


def _is_written(claim) -> bool:
    """A note's claim that keeps what was written (``checks.notes.NoteClaim``), and differs from it."""
    written = getattr(claim, "written", None)
    return written is not None and callable(getattr(claim, "rebuild", None)) and tuple(written) != (
        claim.lhs, claim.rhs)


def _is_weighted(claim) -> bool:
    """A claim of several instances, ``sum_c w_c lhs_c = sum_c w_c rhs_c``: only what was written
    can be edited (an edit of one unrolled instance is not a slip of the line)."""
    return any(s.name.startswith("w[") for s in sp.sympify(claim.rhs).free_symbols)


def _written_rhs(claim):
    return claim.written[1] if _is_written(claim) else claim.rhs


def _is_note_claim(claim) -> bool:
    from gradproof.checks.matrix_notes import LayeredClaim, NoteMatrixClaim

    return isinstance(claim, NoteMatrixClaim | LayeredClaim)


def _fails(claim, domain: Domain, budget: float) -> bool:
    if _is_note_claim(claim):
        return claim.check(budget).verdict is Status.FAILS
    if isinstance(claim, MatrixClaim):
        return check_claim(claim, budget, numeric=False).verdict is Status.FAILS
    if isinstance(claim, Claim):
        return decide(claim.lhs, claim.rhs, domain, budget).status is Status.FAILS
    return False


def _scalar_net_of(claim: Claim) -> ScalarNet | None:
    """The scalar L-layer network of the built-in documents, when the claim is about it."""
    from gradproof.derivations import logistic

    syms = sp.sympify(claim.lhs).free_symbols | sp.sympify(claim.rhs).free_symbols
    if syms & set(logistic.W.values()):
        return ScalarNet(logistic.G, logistic.A)
    return None


def diagnose_result(step: Step, result, **kw) -> Diagnosis | None:
    """The runner's hook: a diagnosis for a checkable step whose verdict is FAILS, else None."""
    if not step.checkable or result.verdict is not Status.FAILS:
        return None
    d = diagnose(step, fails=True, **kw)
    return None if d is None else replace(d, claim=None)  # plain data: results travel between processes


def agrees(step: Step, diagnosis: Diagnosis, budget: float = BUDGET) -> bool:
    """Does the proposal say what the step's recorded correction says (decided, not compared as text)?

    Scalar claims: ``decide`` of the two right-hand sides on the step's domain
    (the left-hand sides must be the same quantity).  Matrix claims: the two
    closed forms decided equal, entry by entry, at every size and depth the
    proposal is checked at.
    """
    fixed = step.erratum.fixed if step.erratum is not None else None
    prop = diagnosis.claim
    if fixed is None or prop is None:
        return False
    if isinstance(prop, Claim) and isinstance(fixed, Claim):
        if sp.sympify(prop.lhs) != sp.sympify(fixed.lhs):
            return False
        return decide(prop.rhs, fixed.rhs, step.domain, budget).status is Status.HOLDS
    if isinstance(prop, MatrixClaim) and isinstance(fixed, MatrixClaim):
        nets = set(fixed.networks)
        for net, l, size in prop.instances():
            if net not in nets:
                continue
            try:
                mine, theirs = prop.rhs_at(net, size, l), fixed.rhs_at(net, size, l)
            except Exception:  # the correction is not defined where the proposal is
                return False
            if decide(mine, theirs, Domain(), budget).status is not Status.HOLDS:
                return False
        return True
    return False
