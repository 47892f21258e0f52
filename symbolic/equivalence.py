"""Decide whether ``lhs = rhs`` on a domain: holds, fails, or undecided.

The answer is three-valued, like SymPy's ``Expr.equals``:

``holds``      only with a proof: some canonical form of ``lhs - rhs`` is
               exactly 0; ``method`` names the form that reached it.
``fails``      only with a counterexample: a point of the domain where the two
               sides differ, confirmed at 50 significant digits with mpmath,
               so round-off can never fake a failure.
``undecided``  otherwise, with the reason.  It never counts as a pass.

Before anything else both sides go through :func:`oracle`: activations are
replaced by their *definitions* and ``Derivative`` nodes are evaluated on
those, so a declared rule (``sigmoid' = sigmoid (1 - sigmoid)``) is never used
to check itself.

The ladder, cheapest first (MEASUREMENTS.md has the figures behind the order):

1. structural -- the automatic canonical form is already 0;
2. numeric witness -- one seeded point, 30 digits, a difference confirmed at
   50 (a false claim is almost always false at the first point);
3. opaque -- transcendental nodes as opaque symbols, then the numerator of
   ``together``, expanded;
4. expand -- ``expand(lhs - rhs)``;
5. rational -- numerator of ``together(lhs - rhs)``, expanded;
6. exp-as-symbol -- every ``exp(k u)`` becomes ``t_u**k`` with ``t_u > 0``,
   every log of a product of positive factors is split, then ``cancel``;
7. numeric witness again, at eight points, before the costliest tier;
8. simplify -- last, in a forked child process that is killed when the
   budget is spent (``simplify`` has no timeout of its own: SymPy issues
   #26453, #21480).

Every tier runs under the claim's time budget; the in-process tiers are
interrupted by a timer signal, the last by killing the child.

Examples
--------
>>> import sympy as sp
>>> from gradproof.symbolic.activations import sigmoid
>>> z = sp.Symbol("z", real=True)
>>> decide(sp.Derivative(sigmoid(z), z), sigmoid(z) * (1 - sigmoid(z))).status
<Status.HOLDS: 'holds'>
>>> v = decide(sp.Derivative(sigmoid(z), z), sigmoid(z) * (1 + sigmoid(z)))
>>> v.status, sorted(v.counterexample)
(<Status.FAILS: 'fails'>, ['z'])
"""
from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from gradproof.symbolic import fast  # [speed]
from gradproof.symbolic.activations import expand_definitions
from gradproof.symbolic.domain import Domain, srepr, stable_seed

__all__ = ["BUDGET", "Status", "Verdict", "decide", "oracle", "Timeout", "bounded"]

BUDGET = 5.0  # seconds per claim, enforced
RESIDUAL_BUDGET = 1.0  # seconds to put a failure's lhs - rhs (<= 60 nodes) over one denominator, for display
# [speed] was 0.03: on a busy machine the same claim printed another residual (the cache would keep either)
RESIDUAL_MAX_NODES = 60  # larger differences are not rewritten for display
WITNESS_FIRST_POINTS = 1  # checked before any canonical form
WITNESS_POINTS = 8  # checked when no canonical form reached 0
WITNESS_DIGITS = 30
CONFIRM_DIGITS = 50
# |lhs - rhs| above this (relative to the sides' size) at 30 digits is a
# candidate; exact identities evaluate to ~1e-29 there.
WITNESS_RTOL = mpmath.mpf("1e-20")


class Status(str, Enum):
    HOLDS = "holds"
    FAILS = "fails"
    UNDECIDED = "undecided"
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Verdict:
    """A decision and its evidence."""

    status: Status
    method: str
    seconds: float = 0.0
    counterexample: dict[str, float] | None = None
    lhs_value: float | None = None
    rhs_value: float | None = None
    residual: str | None = None
    reason: str = ""
    where: str = ""  # for matrices: the entry that decided, e.g. "[1, 0]"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status is Status.HOLDS


class Timeout(Exception):
    """A tier ran out of its time budget."""


# --------------------------------------------------------------------------
# bounding time
# --------------------------------------------------------------------------

# An exception raised inside a garbage-collector callback or a finalizer is
# swallowed ("Exception ignored in ..."), and the bounded computation would
# run on.  When the timer lands there, a trace function takes over: it raises
# at the next line executed outside such a frame (tracing costs time, but only
# between the deadline and that line).
_SWALLOWING = frozenset({"gc_callback", "__del__", "_remove", "callback"})


def _trace_to_timeout(frame, event, arg):
    if event == "line" and frame.f_code.co_name not in _SWALLOWING:
        sys.settrace(None)
        raise Timeout
    return _trace_to_timeout


def _raise_timeout(signum, frame):
    if frame is not None and frame.f_code.co_name in _SWALLOWING:
        f = frame
        while f is not None:  # line events in the frames already running
            f.f_trace = _trace_to_timeout
            f = f.f_back
        sys.settrace(_trace_to_timeout)
        return
    raise Timeout


def bounded(fn: Callable[[], Any], seconds: float) -> Any:
    """Run ``fn()`` in this process, raising :class:`Timeout` after ``seconds``.

    Uses a real-time timer signal, so it only works in the main thread; off
    the main thread it runs ``fn`` in a forked child (see :func:`in_child`).
    """
    if seconds <= 0:
        raise Timeout
    if threading.current_thread() is not threading.main_thread():
        return in_child(fn, seconds)
    # nested calls: the inner budget never outlives the outer one, which is re-armed after
    outer, _ = signal.getitimer(signal.ITIMER_REAL)
    outer_deadline = time.monotonic() + outer if outer > 0 else None
    if outer > 0:
        seconds = min(seconds, outer)
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    tracer = sys.gettrace()  # a debugger's or coverage's, restored after a deadline's trace
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if sys.gettrace() is not tracer:
            sys.settrace(tracer)
        if outer_deadline is not None:
            signal.setitimer(signal.ITIMER_REAL, max(outer_deadline - time.monotonic(), 1e-4))


def _child(conn, fn):
    try:
        conn.send(("ok", fn()))
    except BaseException as exc:  # report anything, never hang the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def in_child(fn: Callable[[], Any], seconds: float) -> Any:
    """Run ``fn()`` in a forked child and kill it after ``seconds``.

    The only way to stop SymPy inside C code or a runaway ``simplify``.  The
    result must be picklable.
    """
    if seconds <= 0:
        raise Timeout
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise Timeout
        kind, value = parent.recv()
    except EOFError:
        raise Timeout from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1)
        parent.close()
    if kind == "error":
        raise RuntimeError(value)
    return value


# --------------------------------------------------------------------------
# the oracle
# --------------------------------------------------------------------------

def as_expr(x):
    """A SymPy object from a SymPy object or a Python number; text is refused.

    ``sympify`` on a string is ``eval``: claims are built as SymPy objects,
    never parsed from text (the Markdown reader has its own grammar).
    """
    if isinstance(x, (sp.Basic, sp.MatrixBase)):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return sp.sympify(x)
    raise TypeError(f"a claim side must be a SymPy expression or a number, not {type(x).__name__}")


def oracle(expr):
    """``expr`` with activations replaced by their definitions and derivatives taken.

    This is what a claim is checked against: the derivative of the
    *definition*, never the declared rule.  Matrices entry by entry.
    """
    expr = as_expr(expr)
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(_oracle)
    return _oracle(expr)


@lru_cache(maxsize=1024)
def _oracle(expr):
    out = expand_definitions(expr)
    return out.doit() if out.has(sp.Derivative) else out


def _free(*exprs) -> list[sp.Symbol]:
    # (lhs - rhs).free_symbols can be empty after cancellation: take both sides.
    syms: set[sp.Symbol] = set()
    for e in exprs:
        syms |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
    return sorted(syms, key=lambda s: (str(s), s.sort_key()))


def _numeric_ok(expr) -> bool:
    return not (expr.has(sp.Derivative) or expr.atoms(AppliedUndef))


# --------------------------------------------------------------------------
# tier 1: a numeric witness, confirmed at high precision
# --------------------------------------------------------------------------

def _evalf(expr, point, digits):
    value = sp.N(expr.xreplace(point), digits)
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not value.is_number:
        return None
    re, im = value.as_real_imag()
    if im != 0 and abs(im) > 10 ** (-digits + 5) * (1 + abs(re)):
        return None  # outside the real domain: not a counterexample
    return mpmath.mpf(str(sp.Float(re, digits)))


def _real(value):
    """A real mpf, or None outside the real domain (log of a negative, ...)."""
    if isinstance(value, mpmath.mpc):
        return None
    try:
        return mpmath.mpf(value)
    except (TypeError, ValueError):
        return None


def _differs(lv, rv) -> bool:
    scale = max(mpmath.mpf(1), abs(lv), abs(rv))
    return abs(lv - rv) > WITNESS_RTOL * scale


def _witness(L, R, syms, domain: Domain, seed: int, n: int = WITNESS_POINTS, compile: bool = True):
    """A confirmed point where ``L != R`` among ``n`` seeded points, or None.

    ``compile=False`` evaluates with ``evalf`` instead of a lambdified
    function: cheaper for one or two points, dearer for many.
    """
    points = domain.sample(syms, n, seed)
    with mpmath.workdps(WITNESS_DIGITS):
        f = None
        if compile:
            try:
                f = sp.lambdify(syms, [L, R], modules="mpmath", cse=True, docstring_limit=0)
            except Exception:  # printers do not know every function: fall back to evalf
                f = None
        for p in points:
            try:
                if f is not None:
                    lv, rv = map(_real, f(*[mpmath.mpf(p[s].p) / p[s].q for s in syms]))
                    if lv is None or rv is None:
                        continue
                else:
                    lv, rv = _evalf(L, p, WITNESS_DIGITS), _evalf(R, p, WITNESS_DIGITS)
                    if lv is None or rv is None:
                        continue
            except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                continue
            if not (mpmath.isfinite(lv) and mpmath.isfinite(rv)) or not _differs(lv, rv):
                continue
            # confirm with exact inputs at 50 digits before saying "fails"
            lc, rc = _evalf(L, p, CONFIRM_DIGITS), _evalf(R, p, CONFIRM_DIGITS)
            if lc is not None and rc is not None:
                with mpmath.workdps(CONFIRM_DIGITS):
                    if _differs(lc, rc):
                        return p, lc, rc
    return None


# --------------------------------------------------------------------------
# the canonical forms
# --------------------------------------------------------------------------

def _opaque(d):
    """Every transcendental node becomes an opaque symbol; then rational cancellation.

    Sound: if the rational function of the opaque symbols is identically 0,
    so is anything substituted into it.  Fast on the nested chain-rule
    products of deep networks, where ``expand`` would multiply out
    exponentials of sums (MEASUREMENTS.md: "opaque activations + expand").
    A polynomial identity in the opaque symbols (``expand`` reaches 0) is the
    same proof without bringing anything over one denominator.  ``exp(k u)``
    with an integer ``k`` becomes ``t_u**k`` (an identity for every complex
    ``u``), so the softmax's ``exp(2 z)`` and ``exp(-z)`` cancel against ``exp(z)``.
    """
    if fast.opaque_zero(d):  # [speed] the same expansion by symengine: a proof only (symbolic/fast.py)
        return sp.S.Zero
    nodes = {}
    powers: dict[sp.Expr, sp.Dummy] = {}
    for node in sp.preorder_traversal(d):
        if node in nodes:
            continue
        if isinstance(node, sp.exp):
            # exp(k u) = exp(u)**k for every integer k and every u: one symbol per u
            k, u = node.args[0].as_coeff_Mul()
            if k.is_Integer and k != 0:
                nodes[node] = powers.setdefault(u, sp.Dummy("op")) ** k
                continue
        if isinstance(node, sp.Function) or (node.is_Pow and not node.exp.is_Integer):
            nodes[node] = sp.Dummy("op")
    d = d.xreplace(nodes)
    # most differences cancel as polynomials in the opaque symbols: expanding first
    # proves those without ``together`` (whose gcd_terms was 2/3 of this tier's time)
    if not fast.AVAILABLE:  # [speed] else symengine did this expansion above
        flat = sp.expand(d)
        if flat == 0:
            return flat
    return sp.expand(sp.numer(sp.together(d)))


def _expand(d):
    return sp.expand(d)


def _rational(d):
    return sp.expand(sp.numer(sp.together(d)))


def _exp_as_symbol(d):
    """exp(k u) -> t_u**k with t_u > 0; log of positive products split; cancel."""
    d = sp.expand(d, power_exp=True, mul=False, multinomial=False, log=False)
    tsyms: dict[sp.Expr, sp.Symbol] = {}
    mapping = {}
    for e in sorted(d.atoms(sp.exp), key=sp.default_sort_key):
        coeff, base = e.args[0].as_coeff_Mul()
        if not coeff.is_Rational or not base.is_real:
            continue
        t = tsyms.setdefault(base, sp.Dummy(f"t_{base}", positive=True))
        mapping[e] = t ** coeff
    d = d.xreplace(mapping)
    d = _split_logs(d)
    d = d.xreplace({sp.log(t): base for base, t in tsyms.items()})  # log(e^u) = u, u real
    return sp.expand(sp.numer(sp.cancel(sp.together(d))))


def _split_logs(d):
    """log(p q / r) -> log p + log q - log r, only when every factor is positive.

    ``expand_log(force=True)`` would also do it, and "prove" identities that
    are false over the complex numbers; here each factor's positivity is
    checked from the symbols' assumptions, which is what makes this sound.
    """
    mapping = {}
    for lg in d.atoms(sp.log):
        terms = []
        for part, sign in zip(sp.fraction(sp.together(lg.args[0])), (1, -1)):
            try:
                coeff, factors = sp.factor_list(part)
            except sp.PolynomialError:
                break
            if not (coeff.is_positive and all(b.is_positive for b, _ in factors)):
                break
            terms += [sign * sp.log(coeff)] + [sign * e * sp.log(b) for b, e in factors]
        else:
            mapping[lg] = sp.Add(*terms)
    return d.xreplace(mapping) if mapping else d


def _simplify(d):
    return sp.simplify(d)


LADDER: tuple[tuple[str, Callable], ...] = (
    ("opaque", _opaque),
    ("expand", _expand),
    ("rational", _rational),
    ("exp-as-symbol", _exp_as_symbol),
)


def _simplify_in_child(d, seconds):
    def job():
        r = _simplify(d)
        return (r == 0, str(r))

    return in_child(job, seconds)


# --------------------------------------------------------------------------
# decide
# --------------------------------------------------------------------------

def _floatify(point) -> dict[str, float]:
    return {str(s): float(v) for s, v in point.items()}


def decide(lhs, rhs, domain: Domain | None = None, budget: float = BUDGET,
           seed: int | None = None, *, use_simplify: bool = True) -> Verdict:
    """Decide ``lhs = rhs`` on ``domain`` within ``budget`` seconds.

    ``lhs`` and ``rhs`` are SymPy scalars or matrices of one shape; they may
    contain activations and unevaluated ``Derivative`` nodes (see
    :func:`oracle`).  ``seed`` fixes the witness points; by default it is
    derived from the claim's text, so the same claim gets the same points.
    """
    start = time.perf_counter()
    domain = domain or Domain()
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        return _decide_matrix(lhs, rhs, domain, budget, seed, start, use_simplify)
    lhs, rhs = as_expr(lhs), as_expr(rhs)
    seed = stable_seed(srepr(lhs), srepr(rhs)) if seed is None else seed

    def left() -> float:
        return budget - (time.perf_counter() - start)

    def verdict(status, method, **kw) -> Verdict:
        return Verdict(status, method, round(time.perf_counter() - start, 6), **kw)

    try:
        L, R = bounded(lambda: (oracle(lhs), oracle(rhs)), left())
    except Timeout:
        return verdict(Status.UNDECIDED, "oracle", reason="budget spent differentiating the definitions")
    syms = _free(L, R)
    d = L - R
    if d == 0:
        return verdict(Status.HOLDS, "structural")

    def refuted(n: int, compile: bool) -> Verdict | None:
        if not _numeric_ok(d):
            return None
        try:
            found = bounded(lambda: _witness(L, R, syms, domain, seed, n, compile), left())
        except Timeout:
            return None
        if found is None:
            return None
        point, lv, rv = found
        return verdict(Status.FAILS, "numeric witness (mpmath, 50 digits)",
                       counterexample=_floatify(point), lhs_value=float(lv), rhs_value=float(rv),
                       residual=_residual(d, min(RESIDUAL_BUDGET, max(left(), 0))))

    # a false claim is almost always false at the first point: refute it before any canonical form
    failed = refuted(WITNESS_FIRST_POINTS, compile=False)
    if failed is not None:
        return failed

    best = d
    for name, tier in LADDER:
        try:
            out = bounded(lambda tier=tier: tier(d), left())
        except Timeout:
            return verdict(Status.UNDECIDED, name, residual=_short(best),
                           reason=f"time budget of {budget:g} s spent in tier '{name}'")
        except (sp.PolynomialError, sp.CoercionFailed, ValueError, TypeError, RecursionError):
            continue  # this canonical form does not apply to the claim
        if out == 0:
            return verdict(Status.HOLDS, name)
        if name == "rational":  # the residual to show; ranking forms by count_ops was too slow
            best = out
    # no proof: look harder for a counterexample before the costliest tier
    failed = refuted(WITNESS_POINTS, compile=True)
    if failed is not None:
        return failed
    if use_simplify:
        try:
            zero, text = _simplify_in_child(d, left())
        except Timeout:
            return verdict(Status.UNDECIDED, "simplify", residual=_short(best),
                           reason=f"time budget of {budget:g} s spent in simplify")
        except RuntimeError as exc:
            return verdict(Status.UNDECIDED, "simplify", residual=_short(best), reason=str(exc))
        if zero:
            return verdict(Status.HOLDS, "simplify")
    reason = "no canonical form reached 0, and no point of the domain separates the sides"
    if not _numeric_ok(d):
        reason = "no canonical form reached 0; undefined functions leave no numeric test"
    return verdict(Status.UNDECIDED, "ladder exhausted", residual=_short(best), reason=reason)


def _short(expr, limit: int = 400) -> str:
    text = str(expr)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _residual(d, seconds: float) -> str | None:
    """The difference in a cheap simplest form, for a failure's explanation.

    Skipped for large differences (deep networks): factoring them costs the
    whole residual budget and prints nothing a reader could use.
    """
    if sum(1 for _ in sp.preorder_traversal(d)) > RESIDUAL_MAX_NODES:
        return None
    try:
        return _short(bounded(lambda: sp.cancel(sp.together(d)), seconds))
    except (Timeout, Exception):  # any failure here only costs the nicer form
        return _short(d)


def _decide_matrix(lhs, rhs, domain, budget, seed, start, use_simplify) -> Verdict:
    def elapsed() -> float:
        return round(time.perf_counter() - start, 6)

    if not (isinstance(lhs, sp.MatrixBase) and isinstance(rhs, sp.MatrixBase)):
        return Verdict(Status.FAILS, "shape", elapsed(),
                       reason="one side is a matrix and the other is not")
    if lhs.shape != rhs.shape:
        return Verdict(Status.FAILS, "shape", elapsed(),
                       reason=f"shapes differ: {lhs.shape[0]}x{lhs.shape[1]} vs {rhs.shape[0]}x{rhs.shape[1]}")
    methods: list[str] = []
    undecided: Verdict | None = None
    for i in range(lhs.rows):
        for j in range(lhs.cols):
            remaining = budget - (time.perf_counter() - start)
            v = decide(lhs[i, j], rhs[i, j], domain, remaining,
                       None if seed is None else seed + 7919 * i + j, use_simplify=use_simplify)
            if v.status is Status.FAILS:
                return Verdict(Status.FAILS, v.method, elapsed(), v.counterexample, v.lhs_value,
                               v.rhs_value, v.residual, v.reason, where=f"[{i}, {j}]")
            if v.status is Status.UNDECIDED and undecided is None:
                undecided = Verdict(Status.UNDECIDED, v.method, 0, None, None, None, v.residual,
                                    v.reason, where=f"[{i}, {j}]")
            if v.method not in methods:
                methods.append(v.method)
    if undecided is not None:
        return Verdict(undecided.status, undecided.method, elapsed(), residual=undecided.residual,
                       reason=undecided.reason, where=undecided.where)
    return Verdict(Status.HOLDS, "+".join(methods), elapsed())


def decide_all(pairs: Sequence[tuple[Any, Any]], domain: Domain | None = None,
               budget: float = BUDGET) -> list[Verdict]:
    """Decide several claims, each within its own budget."""
    return [decide(l, r, domain, budget) for l, r in pairs]
