"""Decide whether ``lhs = rhs`` on a domain: holds, fails, or undecided.

The answer is three-valued, like SymPy's ``Expr.equals``:

``holds``      only with a proof: some canonical form of ``lhs - rhs`` is
               exactly 0; ``method`` names the form that reached it.
``fails``      only with a counterexample: a point of the domain where the two
               sides differ, confirmed at 50 significant digits from the exact
               inputs by SymPy's ``evalf`` of the definitions, so round-off can
               never fake a failure.
``undecided``  otherwise, with the reason.  It never counts as a pass.

Before anything else both sides go through :func:`oracle`: activations are
replaced by their *definitions*, finite sums written out, and ``Derivative``
nodes evaluated on those, so a declared rule (``sigmoid' = sigmoid (1 -
sigmoid)``) is never used to check itself.

The decision, cheapest first (MEASUREMENTS.md has the figures behind the order):

1. structural -- the automatic canonical form is already 0;
2. a cheap witness -- seeded points, 30 digits by ``evalf``, until one point
   of the real domain agrees (a false claim is almost always false at the
   first such point; points outside the real domain are skipped, not lost);
3. the ladder of canonical forms (:data:`LADDER`, :func:`ladder`): opaque
   atoms, expand, rational, exp-as-symbol;
4. the witness again, at every one of its eight points, before the costliest tier;
5. simplify -- last, in a forked child process with a CPU limit (``simplify``
   has no timeout of its own: SymPy issues #26453, #21480).

The matrix check (:mod:`checks.matrix`) uses the same witness (:func:`witness`)
and the same ladder (:func:`ladder`, its cheap tiers).

Every claim has a budget of *CPU* seconds, so a busy machine gives the same
verdicts as a quiet one: the in-process tiers are interrupted by a profiling
timer (``ITIMER_PROF``), the ``simplify`` child is ended by the kernel when
its CPU time is spent.  Nothing printed depends on a clock: the residual of a
failure is bounded by the size of the difference.

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

import math
import multiprocessing
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache, partial
from typing import Any

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from gradproof.symbolic import fast
from gradproof.symbolic.activations import ACTIVATIONS, _Activation, expand_definitions
from gradproof.symbolic.differentiate import take_derivatives
from gradproof.symbolic.domain import Domain, digest, stable_seed
from gradproof.symbolic.nodes import distinct_nodes
from gradproof.symbolic.values import Values, real_value

__all__ = ["BUDGET", "CALL_PREFIX", "CHEAP_TIERS", "LADDER", "Status", "Timeout", "Verdict", "bounded", "decide",
           "in_child", "ladder", "named_calls", "oracle", "residual", "witness", "write_out_sums"]

BUDGET = 5.0  # CPU seconds per claim, enforced
# The simplify child is also killed after this much wall-clock time: a safety net for a child that
# sleeps or is starved, never met by a computing child (it runs out of CPU time long before).
CHILD_WALL_FACTOR = 20
CHILD_WALL_MIN = 120.0
RESIDUAL_MAX_NODES = 60  # larger differences are not rewritten for display ...
RESIDUAL_MAX_DEGREE = 12  # ... nor ones with high powers, whose expansion is costly
MAX_SUM_TERMS = 64  # a sum with concrete bounds is written out up to this many terms
WITNESS_POINTS = 8  # seeded points of every witness
WITNESS_FIRST_AGREEING = 1  # the cheap witness stops after this many points of agreement
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
    """A decision and its evidence (``seconds`` is wall-clock time, for information only)."""

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


class Timeout(Exception):
    """A computation ran out of its CPU budget (``args[0]``, when given, names the tier)."""


# --------------------------------------------------------------------------
# bounding CPU time
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
    """Run ``fn()`` in this process, raising :class:`Timeout` once it has used ``seconds`` of CPU time.

    CPU time, not wall-clock time: a claim decided on a quiet machine is
    decided the same way on a loaded one.  A profiling timer
    (``ITIMER_PROF``, signal ``SIGPROF``) counts this process's CPU time; it
    only works in the main thread, so off the main thread ``fn`` runs in a
    forked child (see :func:`in_child`).  Nested calls keep the outer budget.
    """
    if not seconds > 0:  # also NaN
        raise Timeout
    if threading.current_thread() is not threading.main_thread():
        return in_child(fn, seconds)
    # nested calls: the inner budget never outlives the outer one, which is re-armed after
    outer, _ = signal.getitimer(signal.ITIMER_PROF)
    outer_deadline = time.process_time() + outer if outer > 0 else None
    if outer > 0:
        seconds = min(seconds, outer)
    previous = signal.signal(signal.SIGPROF, _raise_timeout)
    tracer = sys.gettrace()  # a debugger's or coverage's, restored after a deadline's trace
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, signal.SIG_DFL if previous is None else previous)
        if sys.gettrace() is not tracer:
            sys.settrace(tracer)
        if outer_deadline is not None:
            signal.setitimer(signal.ITIMER_PROF, max(outer_deadline - time.process_time(), 1e-4))


def _limit_cpu(seconds: float) -> None:
    """In a child: end this process once it has used ``seconds`` of CPU time, even inside C code."""
    # the kernel delivers SIGPROF when the CPU time is spent; its default action ends the process
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    # a backstop in whole seconds (SIGXCPU, then SIGKILL), without a core file
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    soft = math.ceil(seconds) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard if hard != resource.RLIM_INFINITY else soft + 1))


def _child(conn, fn, seconds):
    try:
        _limit_cpu(seconds)
        conn.send(("ok", fn()))
    except BaseException as exc:  # report anything, never hang the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


_CPU_SIGNALS = frozenset({-signal.SIGPROF, -signal.SIGXCPU, -signal.SIGKILL})


def in_child(fn: Callable[[], Any], seconds: float, wall: float | None = None) -> Any:
    """Run ``fn()`` in a forked child limited to ``seconds`` of CPU time.

    The only way to stop SymPy inside C code or a runaway ``simplify``: the
    kernel ends the child when its CPU time is spent (``ITIMER_PROF``, with
    ``RLIMIT_CPU`` behind it), and :class:`Timeout` is raised here.  A child
    still running after ``wall`` seconds of wall-clock time (by default far
    beyond what its CPU budget allows) is killed as well, so nothing hangs.
    The result must be picklable.
    """
    if not seconds > 0:
        raise Timeout
    wall = max(CHILD_WALL_MIN, CHILD_WALL_FACTOR * seconds) if wall is None else wall
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, seconds), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(wall):
            raise Timeout("wall-clock safety")
        try:
            kind, value = parent.recv()
        except EOFError:  # the child ended without an answer
            proc.join(5)
            if proc.exitcode is None or proc.exitcode in _CPU_SIGNALS:
                raise Timeout("CPU budget") from None
            raise RuntimeError(f"the child process ended with exit code {proc.exitcode}") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
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
    if isinstance(x, sp.MatrixBase):
        return sp.ImmutableMatrix(x)  # hashable, like every other claim side
    if isinstance(x, sp.Basic):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return sp.sympify(x)
    raise TypeError(f"a claim side must be a SymPy expression or a number, not {type(x).__name__}")


def oracle(expr):
    """``expr`` with activations replaced by their definitions, finite sums written out, derivatives taken.

    This is what a claim is checked against: the derivative of the
    *definition*, never the declared rule.  Matrices entry by entry.
    """
    expr = as_expr(expr)
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(oracle)
    # remembered by the expression and its symbols: SymPy finds Subs(f(z), z, p) equal to
    # Subs(f(u), u, p), and one must not get the other's result (see domain.srepr)
    return _oracle(expr, frozenset(expr.atoms(sp.Symbol)))


@lru_cache(maxsize=1024)
def _oracle(expr, symbols):
    out = write_out_sums(expand_definitions(expr))
    if not out.has(sp.Derivative):
        return out
    # each distinct subtree differentiated once (symbolic/differentiate.py); SymPy's doit for
    # what that does not know
    taken = take_derivatives(out)
    return taken if taken is not None else out.doit()


def _finite(s: sp.Sum) -> bool:
    terms = 1
    for _, lo, hi in s.limits:
        if not (lo.is_Integer and hi.is_Integer):
            return False
        terms *= max(int(hi) - int(lo) + 1, 0)
    return terms <= MAX_SUM_TERMS


def write_out_sums(expr):
    """Every sum with concrete bounds (``\\sum_{i=1}^{3}``) as its terms, so the ladder can cancel them."""
    if not expr.has(sp.Sum):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Sum) and _finite(e), lambda e: e.doit())


def _variables(*exprs) -> list:
    """The variables of the claim: its symbols and its indexed entries with concrete indices (``x[1]``)."""
    # (lhs - rhs).free_symbols can be empty after cancellation: take both sides.
    found: set = set()
    for e in exprs:
        nodes = distinct_nodes(e)  # (atoms and free_symbols walk a deep network's tree, not its DAG)
        labels = {b.label for b in nodes if isinstance(b, sp.IndexedBase)}
        # a derivative's variable is a variable of the claim even where the expression lacks it
        taken = {v for d in nodes if isinstance(d, sp.Derivative) for v in d.variables}
        for s in _free_symbols(e, nodes) | taken:
            if isinstance(s, sp.Symbol) and s not in labels:
                found.add(s)
            elif isinstance(s, sp.Indexed) and all(i.is_Integer for i in s.indices):
                found.add(s)
    return sorted(found, key=lambda s: (str(s), s.sort_key()))


_PLAIN: dict[type, bool] = {}


def _binds_nothing(cls: type) -> bool:
    """Do the free symbols of a ``cls`` node come from its arguments alone (Basic's rule)?"""
    if cls not in _PLAIN:
        _PLAIN[cls] = next((k is sp.Basic for k in cls.__mro__ if "free_symbols" in k.__dict__), True)
    return _PLAIN[cls]


def _free_symbols(expr, nodes: list) -> set:
    """``expr.free_symbols``, from its distinct ``nodes`` when no node binds or hides a symbol."""
    if all(isinstance(n, sp.Symbol) or _binds_nothing(type(n)) for n in nodes):
        return {n for n in nodes if isinstance(n, sp.Symbol)}
    return expr.free_symbols


def _numeric_ok(expr) -> bool:
    return not any(isinstance(n, sp.Derivative | AppliedUndef) for n in distinct_nodes(expr))


# --------------------------------------------------------------------------
# the witness: seeded points, a candidate at 30 digits, confirmed at 50
# --------------------------------------------------------------------------

def _at_point(L, R, point) -> tuple:
    values = Values(lambda s: [point[s]] if s in point else None, 1, WITNESS_DIGITS)
    return values(L)[0], values(R)[0]


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


CALL_PREFIX = "gp_"


def named_calls(expr):
    """Activations (and ReLU's step) as calls of named functions ``gp_<name>``, for ``lambdify``.

    Printed inline, the definition of tanh repeats its argument four times, so
    a depth-4 network prints 4**4 copies of the input layer (and NumPy's
    ``select`` rejects the printed nested Piecewise of ReLU); as named calls
    with common subexpressions eliminated, every layer is computed once.
    """
    if not expr.has(_Activation, sp.Heaviside):
        return expr
    return expr.replace(lambda e: isinstance(e, (_Activation, sp.Heaviside)),
                        lambda e: sp.Function(f"{CALL_PREFIX}{type(e).__name__.lower()}")(*e.args))


@lru_cache(maxsize=1)
def _mp_functions() -> dict[str, Callable]:
    """The named calls of :func:`named_calls` in mpmath, from each activation's *definition*."""
    z = sp.Symbol("z", real=True)
    out = {f"{CALL_PREFIX}{k}": sp.lambdify(z, a.definition(z), modules="mpmath") for k, a in ACTIVATIONS.items()}
    out[f"{CALL_PREFIX}heaviside"] = lambda x, h0=0.5: (
        mpmath.mpf(1) if x > 0 else mpmath.mpf(0) if x < 0 else mpmath.mpf(h0))
    return out


def _compiled(L, R, syms):
    """``(L, R)`` as one mpmath function of ``syms``, or None when a printer cannot print them."""
    plain = [sp.Symbol(f"_gp_v{k}", real=True) for k in range(len(syms))]
    rename = dict(zip(syms, plain, strict=False))
    try:
        return sp.lambdify(plain, [named_calls(L.xreplace(rename)), named_calls(R.xreplace(rename))],
                           modules=[_mp_functions(), "mpmath"], cse=True, docstring_limit=0)
    except Exception:  # printers do not know every function: evalf instead
        return None


def witness(L, R, domain: Domain, seed: int, n: int = WITNESS_POINTS, *, compile: bool = True,
            enough: int | None = None, also: Sequence = ()):
    """A point of ``domain`` where ``L != R``, with both values, or None.

    One witness for every claim, scalar or a matrix entry.  Candidates:
    ``n`` seeded points (exact dyadic rationals), both sides at 30 digits --
    by a lambdified mpmath function (``compile=True``: cheaper for many
    points; activations by their definitions) or by a walk of both trees
    that evaluates each distinct subtree once (:mod:`symbolic.values`;
    cheaper for a point or two).  Points outside the real domain
    (a log of a negative, ...) are skipped.  ``enough``: stop after that
    many points where the sides are real and agree -- a cheap first look.
    ``also``: more variables the point gives a value (those of the claim as
    written, which differentiation may have removed: a reader wants them).

    A candidate is confirmed before it is returned, by another route: SymPy's
    ``evalf`` of the definitions at the exact point, 50 significant digits.
    """
    syms = sorted(set(_variables(L, R)) | set(also), key=lambda s: (str(s), s.sort_key()))
    points = domain.sample(syms, n, seed)
    f = _compiled(L, R, syms) if compile else None
    if f is None or L.has(_Activation) or R.has(_Activation):  # evalf needs the definitions
        L, R = expand_definitions(L), expand_definitions(R)
    agreeing = 0
    with mpmath.workdps(WITNESS_DIGITS):
        for p in points:
            try:
                if f is not None:
                    try:
                        lv, rv = map(_real, f(*[mpmath.mpf(p[s].p) / p[s].q for s in syms]))
                    except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                        raise
                    except Exception:  # printed code that does not run (a name it cannot print): evalf
                        f = None
                        L, R = expand_definitions(L), expand_definitions(R)
                if f is None:  # both sides at once, each distinct subtree once (they share most)
                    lv, rv = _at_point(L, R, p)
            except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                continue
            if lv is None or rv is None or not (mpmath.isfinite(lv) and mpmath.isfinite(rv)):
                continue  # outside the real domain: look at the next point
            if not _differs(lv, rv):
                agreeing += 1
                if enough is not None and agreeing >= enough:
                    return None
                continue
            # confirm with exact inputs at 50 digits, by evalf of the definitions, before saying "fails"
            lc, rc = real_value(L, p, CONFIRM_DIGITS), real_value(R, p, CONFIRM_DIGITS)
            if lc is not None and rc is not None:
                with mpmath.workdps(CONFIRM_DIGITS):
                    if _differs(lc, rc):
                        return p, lc, rc
    return None


# --------------------------------------------------------------------------
# the canonical forms
# --------------------------------------------------------------------------

def _opaque(d: sp.Expr) -> sp.Expr:
    """Transcendental nodes become opaque symbols; then polynomial, then rational cancellation.

    Sound: replacing a subexpression by a symbol everywhere keeps a proof a
    proof -- if the rational function of the opaque symbols is identically
    0, so is anything substituted into it.  Fast on the nested chain-rule
    products of deep networks, where ``expand`` would multiply out
    exponentials of sums (MEASUREMENTS.md: "opaque activations + expand").

    * An activation's declared derivative that is a sum (tanh's
      ``1 - tanh(x)**2``) gets a symbol of its own when it occurs whole (the
      matrix check's chain rule writes it), so that expanding a chain of them
      does not multiply out 2**depth terms.
    * ``exp(k u)`` with an integer ``k`` becomes ``t_u**k`` (an identity for
      every complex ``u``), so the softmax's ``exp(2 z)`` and ``exp(-z)``
      cancel against ``exp(z)``.
    * A polynomial identity in the opaque symbols (``expand`` reaches 0) is
      the same proof without bringing anything over one denominator.
    """
    rules: dict[sp.Expr, sp.Dummy] = {}  # a derivative rule that is a sum -> the symbol standing for it
    activations = [f for f in distinct_nodes(d) if isinstance(f, _Activation)]
    for f in sorted(activations, key=sp.default_sort_key):
        rule = f.fdiff()
        if isinstance(rule, sp.Add):
            rules.setdefault(rule, sp.Dummy("rule"))
    # symengine makes the same nodes opaque as below, and expands much faster, as a proof only
    # (symbolic/fast.py): most claims end here, without rebuilding the expression in SymPy
    if fast.opaque_zero(d, frozenset(rules)):
        return sp.S.Zero
    if rules:
        d = d.xreplace(rules)
    nodes = {}
    powers: dict[sp.Expr, sp.Dummy] = {}

    def opaque(node) -> bool:  # (what is inside an opaque node is replaced with it: not visited)
        if isinstance(node, sp.exp):
            # exp(k u) = exp(u)**k for every integer k and every u: one symbol per u
            k, u = node.args[0].as_coeff_Mul()
            if k.is_Integer and k != 0:
                nodes[node] = powers.setdefault(u, sp.Dummy("op")) ** k
                return True
        if isinstance(node, sp.Function) or (node.is_Pow and not node.exp.is_Integer):
            nodes[node] = sp.Dummy("op")
            return True
        return False

    distinct_nodes(d, stop=opaque)
    d = d.xreplace(nodes)
    # most differences cancel as polynomials in the opaque symbols: expanding first
    # proves those without ``together`` (whose gcd_terms was 2/3 of this tier's time)
    if not fast.AVAILABLE:
        flat = sp.expand(d)
        if flat == 0:
            return flat
    return sp.expand(sp.numer(sp.together(d)))


def _expand(d: sp.Expr) -> sp.Expr:
    return sp.expand(d)


def _rational(d: sp.Expr) -> sp.Expr:
    return sp.expand(sp.numer(sp.together(d)))


def _exp_as_symbol(d: sp.Expr) -> sp.Expr:
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


def _split_logs(d: sp.Expr) -> sp.Expr:
    """log(p q / r) -> log p + log q - log r, only when every factor is positive.

    ``expand_log(force=True)`` would also do it, and "prove" identities that
    are false over the complex numbers; here each factor's positivity is
    checked from the symbols' assumptions, which is what makes this sound.
    """
    mapping = {}
    for lg in d.atoms(sp.log):
        terms = []
        for part, sign in zip(sp.fraction(sp.together(lg.args[0])), (1, -1), strict=False):
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


def _simplify(d: sp.Expr) -> sp.Expr:
    return sp.simplify(d)


LADDER: tuple[tuple[str, Callable], ...] = (
    ("opaque", _opaque),
    ("expand", _expand),
    ("rational", _rational),
    ("exp-as-symbol", _exp_as_symbol),
)
CHEAP_TIERS = LADDER[:2]  # opaque symbols, then expand: what the matrix check can afford per entry
_NOT_APPLICABLE = (sp.PolynomialError, sp.CoercionFailed, ValueError, TypeError, RecursionError)


def ladder(d, left: Callable[[], float], tiers: Sequence[tuple[str, Callable]] = LADDER):
    """The name of the first canonical form of ``d`` that is exactly 0 (or None), and a form to show.

    Each tier runs within what ``left()`` says is left of the CPU budget;
    when it is spent, :class:`Timeout` is raised with the tier's name.  The
    form to show is the rational one when it was reached (ranking forms by
    ``count_ops`` was too slow), else ``d``.
    """
    if d == 0:
        return "structural", d
    shown = d
    for name, tier in tiers:
        try:
            out = bounded(partial(tier, d), left())
        except Timeout:
            raise Timeout(name) from None
        except _NOT_APPLICABLE:
            continue  # this canonical form does not apply to the claim
        if out == 0:
            return name, out
        if name == "rational":
            shown = out
    return None, shown


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
    """Decide ``lhs = rhs`` on ``domain`` within ``budget`` CPU seconds.

    ``lhs`` and ``rhs`` are SymPy scalars or matrices of one shape; they may
    contain activations and unevaluated ``Derivative`` nodes (see
    :func:`oracle`).  ``seed`` fixes the witness points; by default it is
    derived from the claim's text, so the same claim gets the same points.
    """
    start, cpu = time.perf_counter(), time.process_time()
    domain = domain or Domain()
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        return _decide_matrix(lhs, rhs, domain, budget, seed, use_simplify)
    lhs, rhs = as_expr(lhs), as_expr(rhs)
    seed = stable_seed(digest(lhs), digest(rhs)) if seed is None else seed

    def left() -> float:
        return budget - (time.process_time() - cpu)

    def verdict(status, method, **kw) -> Verdict:
        return Verdict(status, method, round(time.perf_counter() - start, 6), **kw)

    def spent(method: str, where: str, best) -> Verdict:
        return verdict(Status.UNDECIDED, method, residual=_short(best),
                       reason=f"CPU budget of {budget:g} s spent in {where}")

    try:
        L, R = bounded(lambda: (oracle(lhs), oracle(rhs)), left())
    except Timeout:
        return verdict(Status.UNDECIDED, "oracle", reason="budget spent differentiating the definitions")
    d = L - R
    if d == 0:
        return verdict(Status.HOLDS, "structural")
    written = _variables(write_out_sums(lhs), write_out_sums(rhs))

    def refuted(**how) -> Verdict | None:
        if not _numeric_ok(d):
            return None
        try:
            found = bounded(lambda: witness(L, R, domain, seed, also=written, **how), left())
        except Timeout:
            return None
        if found is None:
            return None
        point, lv, rv = found
        return verdict(Status.FAILS, "numeric witness (mpmath, 50 digits)",
                       counterexample=_floatify(point), lhs_value=float(lv), rhs_value=float(rv),
                       residual=residual(d))

    # a false claim is almost always false at the first point of its real domain:
    # refute it before any canonical form
    failed = refuted(compile=False, enough=WITNESS_FIRST_AGREEING)
    if failed is not None:
        return failed
    if not left() > 0:
        return spent("numeric witness", "the numeric witness", d)
    try:
        method, best = ladder(d, left)
    except Timeout as exc:
        return spent(exc.args[0], f"tier '{exc.args[0]}'", d)
    if method is not None:
        return verdict(Status.HOLDS, method)
    # no proof: look harder for a counterexample before the costliest tier
    failed = refuted(compile=True)
    if failed is not None:
        return failed
    if use_simplify:
        try:
            zero, _ = _simplify_in_child(d, left())
        except Timeout:
            return spent("simplify", "simplify", best)
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


def _nodes(expr) -> int:
    return sum(1 for _ in sp.preorder_traversal(expr))


def _high_powers(expr) -> bool:
    return any(p.exp.is_Integer and abs(p.exp) > RESIDUAL_MAX_DEGREE for p in expr.atoms(sp.Pow))


def residual(d) -> str | None:
    """``lhs - rhs`` over one denominator, for a failure's explanation; None when it is too large to help.

    Bounded by size, never by a clock, so the same claim prints the same
    text on any machine: differences of more than ``RESIDUAL_MAX_NODES``
    nodes (deep networks) or with powers above ``RESIDUAL_MAX_DEGREE`` are
    not rewritten.  Within those bounds the rewriting takes milliseconds; the
    CPU bound around it is only a safety net that they keep from being met.
    """
    if _nodes(d) > RESIDUAL_MAX_NODES or _high_powers(d):
        return None
    try:
        return _short(bounded(lambda: sp.cancel(sp.together(d)), BUDGET))
    except Exception:  # any failure here only costs the nicer form
        return _short(d)


def _decide_matrix(lhs, rhs, domain, budget, seed, use_simplify) -> Verdict:
    start, cpu = time.perf_counter(), time.process_time()

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
            remaining = budget - (time.process_time() - cpu)
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
