r"""The matrix check: shapes, a symbolic verdict and a numeric verdict for a matrix step.

``shapes``
    :func:`checks.shapes.check_shapes` -- the closed form at symbolic
    dimensions.  A failed shape check fails the step whatever the values say.

``symbolic``
    At every concrete size of the claim, the left-hand side is the matrix of
    ``Derivative(cost, W_ij)`` (the cost computed by SymPy from the forward
    pass) differentiated by SymPy's chain rule, and the right-hand side the
    claimed closed form; they are compared entry by entry.

    *Opaque activations.*  Differentiating the definitions of tanh and the
    sigmoid through a network and simplifying is hopeless (MEASUREMENTS.md:
    204 s at m = 8).  Instead the activations stay opaque: the chain rule
    uses each activation's declared derivative, and that derivative is first
    *proved* from the activation's definition (:func:`prove_activation`,
    with :func:`symbolic.equivalence.decide`, whose oracle differentiates the
    definition) -- so no rule vouches for itself.  Then each entry of
    ``lhs - rhs`` goes through the cheap tiers of the one ladder
    (:func:`symbolic.equivalence.ladder`): every activation application
    (``tanh(...)``, ``sigmoid(...)``, ``Heaviside(...)``) becomes an opaque
    symbol and the difference is expanded (then brought over one
    denominator); symengine expands it first, as a proof only
    (:func:`_zero`, :mod:`symbolic.fast`).  Reaching 0 is a proof: a rational identity in independent
    symbols holds at the actual values wherever both sides are defined.
    Anything else is not taken as a refutation: a failure needs a point of the
    real domain, in the original variables (``X_0_1``, ``W1_1_0``, ...), found
    and confirmed by the one witness (:func:`symbolic.equivalence.witness`):
    both sides at 30 digits from the activations' definitions, then again
    at 50 digits by SymPy's ``evalf`` from the exact inputs.

``numeric``
    Float64 only, independent of SymPy's calculus: NumPy evaluates the
    closed form's shapes, the left-hand side is the central difference of a
    NumPy forward pass of the cost (written here, not generated), the
    right-hand side is the closed form evaluated by NumPy on the nodes'
    values -- computed nodes layer by layer (:func:`_forward`), the
    per-example derivatives from SymPy's chain rule, evaluated by
    :class:`checks.numeric.Program` (a list of NumPy operations, no
    printing) -- at seeded points;
    ``extra["max_error"]`` and ``extra["tolerance"]`` report the worst entry
    (tolerances from :mod:`checks.tolerances`).  Points where a ReLU input
    sits within a difference step of its kink are redrawn.

Examples
--------
>>> from gradproof.derivations.matrix import MatrixClaim
>>> from gradproof.symbolic.layouts import Convention, Layout, Network
>>> net = Network(Layout.ROW_MAJOR, ("D", "h", "1"), ("tanh", "sigmoid"))
>>> sizes = ({"m": 1, "D": 2, "h": 3}, {"m": 3, "D": 4, "h": 2})
>>> ok = check_claim(MatrixClaim("dW2 = (1/m) dZ2^T A1", lambda v: (1 / v.m) * (v.dZ2.T @ v.A1),
...                              sizes, net, wrt="W2", convention=Convention.BATCH_MEAN))
>>> ok.shapes.status, ok.symbolic.status, ok.numeric.status
(<Status.HOLDS: 'holds'>, <Status.HOLDS: 'holds'>, <Status.HOLDS: 'holds'>)
>>> bad = check_claim(MatrixClaim("dW2 = dZ2^T A1", lambda v: v.dZ2.T @ v.A1,
...                               sizes, net, wrt="W2", convention=Convention.BATCH_MEAN))
>>> bad.symbolic.status, bad.symbolic.where, bad.numeric.status
(<Status.FAILS: 'fails'>, 'dW2[0, 0] at m = 3, D = 4, h = 2', <Status.FAILS: 'fails'>)
"""
from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from gradproof.checks.numeric import Program
from gradproof.checks.shapes import check_shapes, numpy_shape
from gradproof.checks.tolerances import ATOL, EPS, RTOL
from gradproof.derivations.matrix import DEEP_SIZES, MatrixClaim, layer_recursion_claims
from gradproof.derivations.model import Claim, Step
from gradproof.symbolic import fast
from gradproof.symbolic.activations import ACTIVATIONS
from gradproof.symbolic.domain import stable_seed
from gradproof.symbolic.equivalence import (
    BUDGET,
    CHEAP_TIERS,
    Status,
    Timeout,
    Verdict,
    bounded,
    decide,
    ladder,
    residual,
    witness,
)
from gradproof.symbolic.layouts import Batch, Convention, Layout, Network, Quantities, ShapeMismatch

__all__ = ["ClaimResult", "check_claim", "check_fixed", "check_layer_recursion", "np_cost",
           "prove_activation"]

POINTS = 1  # seeded numeric points per concrete size (a claim has two sizes or more)
REDRAWS = 20  # attempts at a point clear of every ReLU kink


@dataclass(frozen=True)
class ClaimResult:
    shapes: Verdict
    symbolic: Verdict
    numeric: Verdict

    @property
    def verdict(self) -> Status:
        if self.shapes.status is Status.FAILS:
            return Status.FAILS
        return self.symbolic.status


def _wrt(claim: MatrixClaim, l: int | None) -> str:
    """The quantity a derivative claim differentiates by (only shape claims have none; they return first)."""
    wrt = claim.wrt_at(l)
    if wrt is None:
        raise ValueError(f"{claim.says}: a derivative claim names no quantity to differentiate by")
    return wrt


def _size_text(size: Mapping[str, int]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in size.items())


def _place(claim: MatrixClaim, net: Network, l, size, entry: str = "") -> str:
    layer = f"L = {net.L}, l = {l}: " if l is not None else ""
    return f"{layer}{claim.name_at(l)}{entry} at {_size_text(size)}"


# --------------------------------------------------------------------------
# the activations' declared derivatives, proved from their definitions
# --------------------------------------------------------------------------

@functools.cache  # one proof per activation and process: the lemma does not change
def prove_activation(name: str, budget: float = BUDGET) -> Verdict:
    """Prove the declared derivative (``fdiff``) of an activation from its definition.

    ReLU is proved on either side of 0 (its derivative at 0 is the documents'
    convention, 0, which ``Heaviside(z, 0)`` states).

    >>> prove_activation("tanh").status
    <Status.HOLDS: 'holds'>
    """
    act = ACTIVATIONS[name]
    if name == "relu":
        verdicts = []
        for sign in ("positive", "negative"):
            z = sp.Symbol("z", **{sign: True})
            verdicts.append(decide(sp.Derivative(act(z), z), act(z).fdiff(), budget=budget))
        bad = [v for v in verdicts if v.status is not Status.HOLDS]
        v = bad[0] if bad else verdicts[0]
        return Verdict(v.status, f"{v.method}, z > 0 and z < 0; relu'(0) = 0 by convention",
                       sum(x.seconds for x in verdicts), reason=v.reason)
    z = sp.Symbol("z", real=True)
    return decide(sp.Derivative(act(z), z), act(z).fdiff(), budget=budget)


def _activations(claim: MatrixClaim) -> list[str]:
    return sorted({a for net in claim.networks for a in net.activations})


# --------------------------------------------------------------------------
# symbolic
# --------------------------------------------------------------------------

def _zero(d: sp.Expr, batch: Batch, left: Callable[[], float]) -> str | None:
    """The cheap tiers of the ladder on one entry's ``lhs - rhs``: the name of the tier that gives 0, or None.

    The opaque tier's proof by symengine comes first, on ``d`` as it is:
    every activation application an opaque symbol, each of the batch's
    declared derivatives that is a sum too (:meth:`Batch.stand_ins`), the
    difference expanded (:func:`symbolic.fast.opaque_zero`: a proof, never a
    refutation).  That is the test :func:`symbolic.equivalence.ladder`'s
    opaque tier starts with, without SymPy's walks of ``d`` to find the
    activations and replace them; when it does not reach 0, the ladder's
    cheap tiers run as before.
    """
    if d == 0:
        return "structural"
    if fast.AVAILABLE:
        try:
            if bounded(lambda: fast.opaque_zero(d, batch.stand_ins()), left()):
                return "opaque"
        except Timeout:
            raise Timeout("opaque") from None
    method, _ = ladder(d, left, CHEAP_TIERS)
    return method


def _symbolic(claim: MatrixClaim, shapes: Verdict, budget: float) -> Verdict:
    start = time.perf_counter()

    def verdict(status, method, **kw) -> Verdict:
        return Verdict(status, method, round(time.perf_counter() - start, 6), **kw)

    if claim.shape_only:
        return verdict(shapes.status, shapes.method, reason=shapes.reason, where=shapes.where)
    lemmas = {a: prove_activation(a) for a in _activations(claim)}
    unproved = [a for a, v in lemmas.items() if v.status is not Status.HOLDS]
    if unproved:
        return verdict(Status.UNDECIDED, "activation lemma",
                       reason=f"the declared derivative of {unproved} is not proved from its definition")
    # first the closed form at every size: an undefined product or a wrong shape
    # at one size fails the claim before any derivative is taken
    rhs = []
    for net, l, size in claim.instances():
        wrt = _wrt(claim, l)
        try:
            R = claim.rhs_at(net, size, l)
        except ShapeMismatch as exc:
            return verdict(Status.FAILS, "shapes at a concrete size",
                           counterexample={k: float(v) for k, v in size.items()},
                           reason=f"at {_size_text(size)}: {exc}", where=_place(claim, net, l, size))
        own = net.concrete(wrt, size)
        if R.shape != own:
            return verdict(Status.FAILS, "shapes at a concrete size",
                           counterexample={k: float(v) for k, v in size.items()},
                           reason=f"at {_size_text(size)}: d{wrt} is {own[0]}×{own[1]}, the closed form "
                                  f"{R.rows}×{R.cols}", where=_place(claim, net, l, size))
        rhs.append(R)
    methods: set[str] = set()
    undecided: Verdict | None = None
    sizes = []
    for (net, l, size), R in zip(claim.instances(), rhs, strict=False):
        # the CPU budget is per instance: a layer claim over L = 2, 3, 4 is many claims
        begun = time.process_time()

        def left() -> float:
            return budget - (time.process_time() - begun)

        sizes.append(_size_text(size))
        batch = claim.batch(net, size, l)
        wrt = _wrt(claim, l)
        try:
            # = claim.lhs(net, size, l).doit(), cached per batch
            Lm = bounded(lambda: batch.grad(wrt, claim.convention), left())
        except Timeout:
            return verdict(Status.UNDECIDED, "chain rule", reason=f"CPU budget of {budget:g} s spent "
                           f"differentiating the forward pass at {_size_text(size)}")
        if Lm.shape != R.shape:
            return verdict(Status.FAILS, "shapes at a concrete size",
                           counterexample={k: float(v) for k, v in size.items()},
                           reason=f"d{wrt} is {Lm.rows}×{Lm.cols}, the closed form {R.rows}×{R.cols}",
                           where=_place(claim, net, l, size))
        domain = batch.domain()
        for i in range(Lm.rows):
            for j in range(Lm.cols):
                where = _place(claim, net, l, size, f"[{i}, {j}]")
                d = Lm[i, j] - R[i, j]
                try:
                    # the activations are opaque symbols there, their declared derivatives proved above
                    method = _zero(d, batch, left)
                except Timeout as exc:
                    return verdict(Status.UNDECIDED, exc.args[0], where=where,
                                   reason=f"CPU budget of {budget:g} s spent in tier '{exc.args[0]}'")
                if method is not None:
                    methods.add(method)
                    continue
                seed = stable_seed(claim.says, _size_text(size), l, i, j)
                try:
                    found = bounded(lambda: witness(Lm[i, j], R[i, j], domain, seed), left())
                except Timeout:
                    found = None
                if found is not None:
                    point, lv, rv = found
                    return verdict(Status.FAILS, "numeric witness (mpmath, 50 digits)",
                                   counterexample={str(s): float(v) for s, v in point.items()},
                                   lhs_value=float(lv), rhs_value=float(rv), where=where, residual=residual(d))
                if undecided is None:
                    undecided = verdict(Status.UNDECIDED, "opaque activations + expand", where=where,
                                        reason="no canonical form reached 0 and no point separates the sides")
    if undecided is not None:
        return verdict(undecided.status, undecided.method, where=undecided.where, reason=undecided.reason)
    how = "+".join(sorted(methods)) or "structural"
    return verdict(Status.HOLDS, f"chain rule, opaque activations, {how}",
                   extra={"sizes": sizes, "lemmas": {a: v.method for a, v in lemmas.items()}})


# --------------------------------------------------------------------------
# numeric: a NumPy forward pass and central differences
# --------------------------------------------------------------------------

_NP: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "identity": lambda z: z,
}


def np_cost(net: Network, values: Mapping[str, np.ndarray], start: str | None,
            convention: Convention) -> tuple[float, tuple]:
    """The cost in float64 from ``values`` (the free nodes), and the signs of every ReLU input.

    Written independently of :class:`symbolic.layouts.Batch`: the same
    network, another implementation.
    """
    row = net.layout is Layout.ROW_MAJOR
    signs = []
    if start is None:
        A, first = values["X"], 1
    else:
        k = int(start[1:])
        if start[0] == "Z":
            Z = values[start]
            if net.activations[k - 1] == "relu":
                signs.append(tuple((Z > 0).ravel()))
            A = _NP[net.activations[k - 1]](Z)
        else:
            A = values[start]
        first = k + 1
    for l in range(first, net.L + 1):
        W, b = values[f"W{l}"], values[f"b{l}"]
        Z = (A @ W.T if row else W @ A) + b
        if net.activations[l - 1] == "relu":
            signs.append(tuple((Z > 0).ravel()))
        A = _NP[net.activations[l - 1]](Z)
    Y = values["Y"]
    losses = -(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    total = float(losses.sum())
    m = A.shape[0] if row else A.shape[1]
    return (total if convention is Convention.PER_EXAMPLE else total / m), tuple(signs)


# each activation's class -> its NumPy function, as np_cost computes it: what Program evaluates an activation by
_NP_CALLS = {ACTIVATIONS[k]: v for k, v in _NP.items()}


def _central(net, values, start, wrt, convention):
    """The central-difference gradient by ``wrt``, or None when a ReLU input crosses its kink."""
    _, signs = np_cost(net, values, start, convention)
    base = values[wrt]
    grad = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        out = []
        for h in (EPS, -EPS):
            moved = dict(values)
            moved[wrt] = base.copy()
            moved[wrt][idx] += h
            cost, s = np_cost(net, moved, start, convention)
            if s != signs:
                return None
            out.append(cost)
        grad[idx] = (out[0] - out[1]) / (2 * EPS)
    return grad


# (id of the batch, node) -> (the program of its entries, the matrix's shape, the batch starting at the node or
# None); the derivative by an intermediate node is keyed by the batch starting there, which every batch of that
# network and size shares
_PROGRAMS: dict[tuple[int, str], tuple[Program, tuple[int, int], Batch | None]] = {}


def _program(batch: Batch, name: str) -> tuple[Program, tuple[int, int], Batch | None]:
    """The NumPy program giving the entries of node or derivative ``name`` of ``batch``, its shape, and its batch.

    One :class:`checks.numeric.Program` for all the entries of the matrix:
    the chain rule repeats each layer as one object, computed once.
    """
    node = name[1:] if name.startswith("d") else None
    child = Batch.of(batch.net, batch.size, node) if node is not None and node not in batch.inputs else None
    key = (id(child if child is not None else batch), name)
    if key not in _PROGRAMS:
        if child is not None and node is not None:
            # the derivative by an intermediate, in the batch that starts there, composed with
            # the node's value: the same function as batch.grad(node), without the whole
            # forward pass in every entry
            M, own = child.grad(node, Convention.PER_EXAMPLE), child.symbols()
        else:
            M, own = (batch.grad(node, Convention.PER_EXAMPLE) if node else batch[name]), batch.symbols()
        _PROGRAMS[key] = (Program(list(own), list(M), _NP_CALLS), M.shape, child)
    return _PROGRAMS[key]


def _forward(batch: Batch, name: str, value: Callable[[str], np.ndarray],
             point: Mapping[str, np.ndarray]) -> np.ndarray | None:
    """A computed node ``Z<l>`` or ``A<l>`` of ``batch`` from the node before it, or None for any other name.

    The same floats as ``lambdify``'s code of the node, which evaluates, on
    one-element arrays, ``g(z)`` for an activation and, for a layer, the
    printed sum ``W_j_0*a_0 + W_j_1*a_1 + ... + b_j``: SymPy prints a sum's
    terms in lexicographic order of their symbols, which puts the term of
    ``W_j_k`` (or of ``A_i_k``, when the batch starts at ``A``) in the order
    of the names' ``k`` and the bias last, and Python adds them from the
    left.  Each layer is then one pass over small arrays instead of a
    lambdify of the whole forward pass up to it (tests/test_matrix.py
    compares both, bit for bit).
    """
    if name[0] not in "ZA" or not name[1:].isdigit() or name in batch.inputs or name not in batch.nodes:
        return None
    kind, l = name[0], int(name[1:])
    if kind == "A":
        g, z = _NP[batch.net.activations[l - 1]], value(f"Z{l}")
        return np.array([float(np.asarray(g(np.array([v])), dtype=float).reshape(-1)[0])
                         for v in z.ravel()]).reshape(z.shape)
    prev, W, b = value("X" if l == 1 else f"A{l - 1}"), point[f"W{l}"], point[f"b{l}"]
    row = batch.net.layout is Layout.ROW_MAJOR
    order = sorted(range(W.shape[1]), key=str)  # W{l}_j_10 sorts before W{l}_j_2, as SymPy sorts names
    acc = None
    for k in order:
        term = prev[:, [k]] * W[:, k][None, :] if row else W[:, [k]] * prev[k, :][None, :]
        acc = term if acc is None else acc + term
    return acc + b


def _values(batch, point: Mapping[str, np.ndarray]) -> Callable[[str], np.ndarray]:
    """The value of any quantity of ``batch`` at ``point``: inputs as drawn, the rest by NumPy.

    Computed nodes (``Z1``, ``A1``) layer by layer from the point
    (:func:`_forward`); the per-example derivatives (``dZ2``, from SymPy's
    chain rule) made a :class:`checks.numeric.Program` once per batch (or
    batch starting at the node) and shared by every step at that size; the closed form itself is then
    evaluated by NumPy.
    """
    args: list[np.ndarray] = []  # the point as the programs' arguments, made when a node needs them

    def value(name: str) -> np.ndarray:
        name = "X" if name == "A0" else name
        if name in point:
            return point[name]
        out = _forward(batch, name, value, point)
        if out is not None:
            return out
        f, shape, child = _program(batch, name)
        if child is None:
            if not args:  # one-element arrays: NumPy's select (a printed Piecewise) wants arrays
                args.extend(np.array([v]) for n in batch.inputs for v in point[n].ravel())
            at = args
        else:
            at = [np.array([v]) for n in child.inputs
                  for v in np.asarray(value(n) if n == child.start else point[n], dtype=float).ravel()]
        return np.array([float(np.asarray(e, dtype=float).reshape(-1)[0]) for e in f(*at)]).reshape(shape)

    return value


def _point(batch, seed: int) -> dict[str, np.ndarray]:
    syms = batch.symbols()
    p = batch.domain().sample(syms, 1, seed)[0]
    return {n: np.array([float(p[s]) for s in batch[n]]).reshape(batch[n].shape) for n in batch.inputs}


def _numeric(claim: MatrixClaim) -> Verdict:
    start = time.perf_counter()

    def verdict(status, method, **kw) -> Verdict:
        return Verdict(status, method, round(time.perf_counter() - start, 6), **kw)

    tolerance = {"rtol": RTOL, "atol": ATOL, "eps": EPS}
    worst = (-1.0, 0.0, ATOL)  # (error / bound, error, bound)
    # where the worst ratio was met: (network, layer, size, entry, point, lhs value, rhs value)
    worst_at: tuple[Network, int | None, Mapping[str, int], tuple[Any, ...], dict[str, np.ndarray],
                    float, float] | None = None
    for net, l, size in claim.instances():
        if claim.shape_only:
            why = numpy_shape(claim, net, size, l)
            if why:
                return verdict(Status.FAILS, "NumPy shapes", reason=why, where=_place(claim, net, l, size),
                               counterexample={k: float(v) for k, v in size.items()})
            continue
        batch = claim.batch(net, size, l)
        wrt = _wrt(claim, l)
        for k in range(POINTS):
            for attempt in range(REDRAWS):
                values = _point(batch, stable_seed(claim.says, _size_text(size), l, k, attempt))
                lhs = _central(net, values, batch.start, wrt, claim.convention)
                if lhs is not None:
                    break
            else:
                return verdict(Status.UNDECIDED, "central differences",
                               reason=f"no point clear of the ReLU kinks in {REDRAWS} draws")
            q = Quantities(net, numpy_size=size, numpy_values=_values(batch, values))
            try:
                out = claim.evaluate(q, l)
            except ValueError as exc:  # NumPy's own message
                return verdict(Status.FAILS, "NumPy shapes", reason=f"NumPy at {_size_text(size)}: {exc}",
                               where=_place(claim, net, l, size),
                               counterexample={k: float(v) for k, v in size.items()})
            rhs = np.asarray(out.value, dtype=float)
            if rhs.shape != lhs.shape:
                return verdict(Status.FAILS, "NumPy shapes", where=_place(claim, net, l, size),
                               reason=f"NumPy at {_size_text(size)}: the closed form is "
                                      f"{rhs.shape[0]}×{rhs.shape[1]}, d{wrt} is {lhs.shape[0]}×{lhs.shape[1]}",
                               counterexample={k: float(v) for k, v in size.items()})
            err = np.abs(lhs - rhs)
            bound = ATOL + RTOL * np.abs(rhs)
            idx = np.unravel_index(np.argmax(err / bound), err.shape)
            ratio = float(err[idx] / bound[idx])
            if ratio > worst[0]:
                worst = (ratio, float(err[idx]), float(bound[idx]))
                worst_at = (net, l, size, idx, values, float(lhs[idx]), float(rhs[idx]))
            if ratio > 1:
                if worst_at is None:  # a ratio above 1 is above every earlier worst (those were <= 1)
                    raise RuntimeError(f"{claim.says}: a failing ratio {ratio} without its place")
                net_, l_, size_, (i, j), vals, lv, rv = worst_at
                point = {f"{n}_{a}_{b}": float(vals[n][a, b]) for n in vals
                         for a in range(vals[n].shape[0]) for b in range(vals[n].shape[1])}
                return verdict(Status.FAILS, "central differences vs the closed form in NumPy (float64)",
                               counterexample=point, lhs_value=lv, rhs_value=rv,
                               where=_place(claim, net_, l_, size_, f"[{i}, {j}]"),
                               extra={"max_error": worst[1], "tolerance": worst[2], **tolerance})
    if claim.shape_only:
        return verdict(Status.HOLDS, "NumPy shapes", reason="NumPy evaluates the closed form to the "
                       "claimed shape at every size")
    return verdict(Status.HOLDS, "agrees numerically: central differences vs the closed form in NumPy (float64)",
                   extra={"max_error": worst[1], "tolerance": worst[2], **tolerance})


# --------------------------------------------------------------------------
# the entry points
# --------------------------------------------------------------------------

_NOT_RUN = Verdict(Status.SKIPPED, "not run")


def check_claim(claim: MatrixClaim, budget: float = BUDGET, numeric: bool = True) -> ClaimResult:
    """Shapes, the symbolic verdict and (unless ``numeric=False``) the numeric verdict of a claim."""
    shapes = check_shapes(claim)
    symbolic = _symbolic(claim, shapes, budget)
    return ClaimResult(shapes, symbolic, _numeric(claim) if numeric else _NOT_RUN)


def check_fixed(fix, step: Step, budget: float = BUDGET) -> Verdict:
    """The verdict of an erratum's correction of a matrix step (a matrix claim, or a scalar one)."""
    if isinstance(fix, MatrixClaim):
        r = check_claim(fix, budget, numeric=False)
        return r.shapes if r.shapes.status is Status.FAILS else r.symbolic
    if isinstance(fix, Claim):
        return decide(fix.lhs, fix.rhs, step.domain, budget)
    raise TypeError(f"an erratum's correction is a claim, not {type(fix).__name__}")


def check_layer_recursion(layout: Layout = Layout.COLUMN_MAJOR, hidden: str = "tanh",
                          output: str = "sigmoid", depths: Iterable[int] = (2, 3, 4),
                          sizes=DEEP_SIZES, budget: float = BUDGET, **mutations) -> dict[str, ClaimResult]:
    """Check the L-layer backward recursion for every layer of every depth.

    The claims are :func:`derivations.matrix.layer_recursion_claims`
    (``mutations`` are passed on, e.g. ``gprime_layer=lambda l: l`` to use
    g'^{[l]} where g'^{[l-1]} belongs).

    >>> r = check_layer_recursion(hidden="relu", depths=(2,))
    >>> sorted((k, v.verdict.value) for k, v in r.items())
    [('dW[l]', 'holds'), ('dZ[L]', 'holds'), ('dZ[l-1]', 'holds'), ('db[l]', 'holds')]
    """
    claims = layer_recursion_claims(layout, hidden, output, tuple(depths), sizes, **mutations)
    return {name: check_claim(c, budget) for name, c in claims.items()}
