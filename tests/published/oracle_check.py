"""An oracle for the published corpus that does not use gradproof.

Every link of every file in ``tests/published/`` and ``tests/published_matrix/`` is stated here
again, by hand, as plain SymPy (scalar notes) or NumPy (matrix notes): the left and right side of
the link, with derivatives taken from the definitions (``sympy.diff``) or by central differences.
Each claim is evaluated at seeded random points; a link holds when both sides agree at every
point, and fails when they disagree at one.  The verdicts are compared with ``expected.toml``,
entry by entry and line by line; a definition or a link with no mathematical meaning is listed as
such and not evaluated.

Run ``python tests/published/oracle_check.py``: it prints one line per file and exits 1 on the
first disagreement.  ``tests/test_published.py`` runs it as a test.
"""
from __future__ import annotations

import functools
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import sympy as sp

HERE = Path(__file__).resolve().parent
FOLDERS = (HERE, HERE.parent / "published_matrix")
H, F, D, N = "holds", "fails", "definition", "not-a-claim"
POINTS = 4
SEED = 20261130

Pairs = list  # list of (lhs, rhs) SymPy expressions, or of (lhs, rhs) NumPy arrays


# --------------------------------------------------------------------------
# deciding one claim
# --------------------------------------------------------------------------

def _close(a, b, rtol):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    return bool(np.all(np.abs(a - b) <= rtol * (1.0 + np.abs(a) + np.abs(b))))


def decide_sympy(make: Callable[[], Pairs], positive=(), unit=()) -> str:
    """holds/fails for pairs of SymPy expressions, evaluated at seeded random points.

    ``positive`` names symbols drawn in (0.2, 3), ``unit`` symbols drawn in (0.05, 0.95);
    every other symbol is drawn in (-2, 2)."""
    pairs = make()
    rng = np.random.default_rng(SEED)
    symbols = sorted(set().union(*(sp.sympify(l).free_symbols | sp.sympify(r).free_symbols
                                   for l, r in pairs)), key=str)
    agree = True
    for _ in range(POINTS):
        point = {}
        for s in symbols:
            lo, hi = (0.2, 3.0) if str(s) in positive else (0.05, 0.95) if str(s) in unit else (-2.0, 2.0)
            point[s] = rng.uniform(lo, hi)
        for lhs, rhs in pairs:
            a = complex(sp.N(sp.sympify(lhs).subs(point)))
            b = complex(sp.N(sp.sympify(rhs).subs(point)))
            if abs(a - b) > 1e-6 * (1 + abs(a) + abs(b)):
                return F
            agree = agree and abs(a - b) <= 1e-9 * (1 + abs(a) + abs(b))
    if not agree:
        raise AssertionError("neither clearly equal nor clearly different")
    return H


def decide_numpy(make: Callable[[np.random.Generator], Pairs]) -> str:
    """holds/fails for pairs of arrays computed by ``make`` from seeded random draws (shape
    mismatch fails)."""
    rng = np.random.default_rng(SEED)
    for _ in range(POINTS):
        for lhs, rhs in make(rng):
            if np.shape(lhs) != np.shape(rhs) or not _close(lhs, rhs, 1e-5):
                return F
    return H


def chain(*exprs) -> Pairs:
    return list(zip(exprs, exprs[1:], strict=False))


# --------------------------------------------------------------------------
# scalar notes
# --------------------------------------------------------------------------

x, y, z, a, c = sp.symbols("x y z a c", real=True)


def sig(t):
    return 1 / (1 + sp.exp(-t))


def dx(e):
    return sp.diff(e, x)


E = sp.exp


def S(*pairs, **kw):
    return decide_sympy(lambda: list(pairs), **kw)


def sigmoid_chain_notesonai():
    u = 1 + E(-x)
    steps = [dx(sig(x)), dx(1 / u), dx(u ** -1), -u ** -2 * (-E(-x)), E(-x) / u ** 2,
             1 / u * E(-x) / u, 1 / u * (u - 1) / u, 1 / u * (u / u - 1 / u), 1 / u * (1 - 1 / u),
             sig(x) * (1 - sig(x))]
    return [S(p) for p in chain(*steps)]


def heaton():
    v = E(-x) + 1
    s1 = dx(sig(x))
    return [S((s1, dx(1 / v))), S((dx(1 / v), -dx(v) / v ** 2)), S((-dx(v) / v ** 2, -dx(E(-x)) / v ** 2)),
            S((-dx(E(-x)) / v ** 2, -(E(-x) * dx(-x)) / v ** 2)), S((-(E(-x) * dx(-x)) / v ** 2, -(-1) * E(-x) / v ** 2)),
            S((-(-1) * E(-x) / v ** 2, E(-x) / v ** 2)),
            S((E(-x) / v ** 2, (1 / v) * (-E(-x) / v))),
            S((s1, sig(x) * (1 - sig(x))))]


def neuralthreads_sigmoid():
    f = 1 / (1 + E(-x))
    u = 1 + E(-x)
    out = [S(p) for p in chain(f, sig(x), f, 1 / u)]
    out += [S(p) for p in chain(dx(f), dx(f), dx(1 / u), dx(u ** -1))]
    for rhs in (-1 * u ** -2 * (-E(-x)), E(-x) * u ** -2, E(-x) / (u * u), (1 / u) * (E(-x) / u),
                sig(x) * (1 - 1 / u), sig(x) * (1 - sig(x))):
        out.append(S((dx(f), rhs)))
    return out


def neuralthreads_tanh():
    p, m = E(x), E(-x)
    f = (p - m) / (p + m)
    out = [S(pr) for pr in chain(f, sig(x), f, (p - m) / (p + m))]
    out += [S(pr) for pr in chain(dx(f), dx(f), dx((p - m) / (p + m)), dx((1 + m) ** -1))]
    for rhs in ((p - (-m) * (p + m) - (p - m) * (p + (-m))) / (p + m) ** 2,
                ((p + m) * (p + m) - (p - m) * (p - m)) / (p + m) ** 2,
                ((p + m) ** 2 - (p - m) ** 2) / (p + m) ** 2,
                1 - (p - m) ** 2 / (p + m) ** 2, 1 - ((p - m) / (p + m)) ** 2, 1 - sp.tanh(x) ** 2):
        out.append(S((dx(f), rhs)))
    return out


def neuralthreads_softplus():
    f = sp.log(1 + E(x))
    out = [S(pr) for pr in chain(f, sp.log(1 + E(x)), f, sp.log(1 + E(x)))]
    out += [S(pr) for pr in chain(dx(f), dx(f), dx(sp.log(1 + E(x))))]
    for rhs in (E(x) / (1 + E(x)), (E(x) / E(x)) / (1 / E(x) + E(x) / E(x)), 1 / (1 + E(-x)), sig(x)):
        out.append(S((dx(f), rhs)))
    return out


def specialfunctions():
    t = sp.tanh(z)
    dz = lambda e: sp.diff(e, z)
    return [S((dz(t), sp.sech(z) ** 2)), S((t, sp.sinh(z) / sp.cosh(z)))] + [
        S(p) for p in chain(dz(t), dz(sp.sinh(z) / sp.cosh(z)),
                            (sp.cosh(z) ** 2 - sp.sinh(z) ** 2) / sp.cosh(z) ** 2, 1 / sp.cosh(z) ** 2,
                            sp.sech(z) ** 2)]


def cs231n():
    return [D, S((sp.diff(x * y, x), y)), S((sp.diff(x * y, y), x)),
            D, S((sp.diff(x + y, x), 1)), S((sp.diff(x + y, y), 1)),
            D, S((sp.diff(sp.Max(x, y), x), sp.Piecewise((1, x >= y), (0, True)))),
            S((sp.diff(sp.Max(x, y), y), sp.Piecewise((1, y >= x), (0, True)))),
            D, S((dx(1 / x), -1 / x ** 2)), D, S((dx(c + x), 1)), D, S((dx(E(x)), E(x))), D, S((dx(a * x), a)),
            S((sig(x), 1 / (1 + E(-x))))] + [
        S(p) for p in chain(dx(sig(x)), E(-x) / (1 + E(-x)) ** 2,
                            ((1 + E(-x) - 1) / (1 + E(-x))) * (1 / (1 + E(-x))), (1 - sig(x)) * sig(x))]


def cs231n_slips():
    return [D, S((dx(1 / x), 1 / x ** 2)), D, S((dx(E(-x)), E(-x))),
            S((dx(sig(x)), E(-x) / (1 + E(-x)) ** 3)), S((dx(sig(x)), (1 + sig(x)) * sig(x))),
            D, S((sp.diff(x * y, x), x))]


def sigmoid_slips(kind):
    s, ds = sig(x), dx(sig(x))
    table = {
        "notesonai": [(ds, E(-x) / (1 + E(-x)) ** 3), (ds, s * (1 + s)), (dx((1 + E(-x)) ** -1), -(1 + E(-x)) ** -2)],
        "heaton": [(ds, s), (ds, E(-x) / (E(-x) + 1) ** 3), (ds, s * (1 + s))],
        "neuralthreads": [(ds, s * (1 + s)), (ds, E(-x) * (1 + E(-x)) ** -1), (ds, 1 - sp.tanh(x) ** 2)],
        "tanh": [(dx(sp.tanh(x)), s * (1 - s)), (dx(sp.tanh(x)), 1 + sp.tanh(x) ** 2), (dx(sp.tanh(x)), 1 - sp.tanh(x))],
        "softplus": [(dx(sp.log(1 + E(x))), 1 / (1 + E(x))), (dx(sp.log(1 + E(x))), 1 / (1 + E(x)) * 1),
                     (dx(sp.log(1 + E(x))), sp.log(1 + E(x)))],
        "special": [(sp.diff(sp.tanh(z), z), sp.sech(z) ** 2 - 1), (sp.diff(sp.tanh(z), z), 1 / sp.cosh(z)),
                    (sp.diff(sp.sinh(z) / sp.cosh(z), z), (sp.cosh(z) ** 2 + sp.sinh(z) ** 2) / sp.cosh(z) ** 2)],
        "calculatorlib": [(dx(sp.log(1 + E(x))), 1 / (1 + E(x))), (dx(sp.log(1 + E(x))), x / (1 + E(x)))],
    }
    return [S(p) for p in table[kind]]


# ---- softmax and cross-entropy, at concrete sizes -------------------------

def softmax_setting(n, normalised):
    """o_1..o_n, y_1..y_n (summing to 1 when ``normalised``), p, L = -sum y log p."""
    o = sp.symbols(f"o1:{n + 1}", real=True)
    ys = list(sp.symbols(f"y1:{n + 1}", positive=True))
    if normalised:
        ys[-1] = 1 - sum(ys[:-1])
    den = sum(E(t) for t in o)
    p = [E(t) / den for t in o]
    L = -sum(yy * sp.log(pp) for yy, pp in zip(ys, p, strict=False))
    return o, ys, p, L


def for_all_indices(n_values, normalised, body):
    """body(o, y, p, L, n) -> pairs; the claim must hold at every size and every index."""
    def make():
        pairs = []
        for n in n_values:
            pairs += body(*softmax_setting(n, normalised), n)
        return pairs
    return make


def _unit_y(n):
    return {f"y{k}" for k in range(1, n + 1)}


def softmax_decide(body, normalised=True, n_values=(3, 4)):
    unit = set().union(*(_unit_y(n) for n in n_values))
    return decide_sympy(for_all_indices(n_values, normalised, body), unit=unit)


def mathse(slips=False):
    def dlogp(p, k, oi):
        return sp.diff(sp.log(p[k]), oi)

    def steps(o, y, p, L, n):
        out = []
        for i in range(n):
            oi = o[i]
            others = [k for k in range(n) if k != i]
            e = [sp.diff(L, oi),
                 -sum(y[k] * dlogp(p, k, oi) for k in range(n)),
                 -sum(y[k] / p[k] * sp.diff(p[k], oi) for k in range(n)),
                 -y[i] * (1 - p[i]) - sum(y[k] / p[k] * (-p[k] * p[i]) for k in others),
                 -y[i] * (1 - p[i]) + sum(y[k] * p[i] for k in others),
                 -y[i] + y[i] * p[i] + sum(y[k] * p[i] for k in others),
                 p[i] * sum(y) - y[i],
                 p[i] - y[i]]
            out.append(e)
        return out

    if not slips:
        return [softmax_decide(lambda o, y, p, L, n, k=k: [(e[k], e[k + 1]) for e in steps(o, y, p, L, n)])
                for k in range(7)]

    def slip(fn):
        return softmax_decide(lambda o, y, p, L, n: [fn(o, y, p, L, n, i) for i in range(n)])
    return [slip(lambda o, y, p, L, n, i: (sp.diff(L, o[i]), y[i] - p[i])),
            slip(lambda o, y, p, L, n, i: (sp.diff(L, o[i]), sum(p[k] * y[k] for k in range(n)) - y[i])),
            slip(lambda o, y, p, L, n, i: (-sum(y[k] / p[k] * sp.diff(p[k], o[i]) for k in range(n)),
                                            -y[i] * (1 - p[i]) - sum(y[k] * p[i] for k in range(n) if k != i))),
            slip(lambda o, y, p, L, n, i: (sp.diff(L, o[i]), 2 * (p[i] - y[i])))]


def jacobian_claims(pred, value, condition=lambda i, k: True):
    """dp_pred/do_wrt over all index pairs meeting ``condition``."""
    def body(o, y, p, L, n):
        return [(sp.diff(p[j], o[i]), value(p, i, j)) for i in range(n) for j in range(n) if condition(i, j)]
    return body


def blog(slips=False):
    def each(fn, cond=lambda i, j: True):
        return softmax_decide(lambda o, y, p, L, n: [fn(o, y, p, L, n, i, j) for i in range(n)
                                                     for j in range(n) if cond(i, j)])
    same, diff_ = (lambda i, j: i == j), (lambda i, j: i != j)
    if slips:
        return [each(lambda o, y, p, L, n, i, j: (sp.diff(p[j], o[i]), p[i] * (1 + p[i])), same),
                each(lambda o, y, p, L, n, i, j: (sp.diff(p[j], o[i]), p[i] * p[j]), diff_),
                each(lambda o, y, p, L, n, i, j: (sp.diff(L, o[i]), y[i] - p[i]), same),
                each(lambda o, y, p, L, n, i, j: (sp.diff(L, o[i]), -sum(y[k] * sp.diff(p[k], o[i]) for k in range(n))), same)]
    ms = mathse()
    return [H, H,  # the header's own definitions restated: identical expressions
            each(lambda o, y, p, L, n, i, j: (sp.diff(p[j], o[i]), p[i] * (1 - p[i])), same),
            each(lambda o, y, p, L, n, i, j: (sp.diff(p[j], o[i]), -p[i] * p[j]), diff_),
            ms[0], ms[1], ms[2],
            softmax_decide(lambda o, y, p, L, n: [(-y[i] * (1 - p[i]) - sum(y[k] / p[k] * (-p[k] * p[i]) for k in range(n) if k != i),
                                                   -y[i] + y[i] * p[i] + sum(y[k] * p[i] for k in range(n) if k != i)) for i in range(n)]),
            ms[5], softmax_decide(lambda o, y, p, L, n: [(sp.diff(L, o[i]), p[i] - y[i]) for i in range(n)])]


def sunhaozhe(slips=False):
    def each(fn, cond=lambda i, k: True, normalised=True):
        return softmax_decide(lambda o, y, p, L, n: [fn(o, y, p, L, n, i, k) for i in range(n)
                                                     for k in range(n) if cond(i, k)], normalised)
    den = lambda o: sum(E(t) for t in o)
    quot = lambda o, i, k: (sp.diff(E(o[i]), o[k]) * den(o) - sp.diff(den(o), o[k]) * E(o[i])) / den(o) ** 2
    same, other = (lambda i, k: i == k), (lambda i, k: i != k)
    if slips:
        return [each(lambda o, y, p, L, n, i, k: (sp.diff(p[i], o[k]), quot(o, i, k) * den(o))),
                each(lambda o, y, p, L, n, i, k: (sp.diff(p[i], o[k]), p[k] * (1 - p[k]) if i == k else p[k] * p[i])),
                each(lambda o, y, p, L, n, i, k: (sp.diff(L, o[k]), y[k] - p[k]), same),
                each(lambda o, y, p, L, n, i, k: (sp.diff(L, o[k]), -y[k] + sum(y[k] * p[j] for j in range(n))), same)]
    dL = lambda o, y, p, L, n, k: [sp.diff(L, o[k]),
                                   -sum(y[i] * sp.diff(sp.log(p[i]), o[k]) for i in range(n)),
                                   -sum(y[i] * (1 / p[i]) * sp.diff(p[i], o[k]) for i in range(n)),
                                   -sum(y[i] / p[i] * sp.diff(p[i], o[k]) for i in range(n)),
                                   -y[k] * (1 - p[k]) + sum(y[i] * p[k] for i in range(n) if i != k),
                                   -y[k] + sum(y[i] * p[k] for i in range(n)),
                                   p[k] - y[k]]
    return ([H, H,
             each(lambda o, y, p, L, n, i, k: (sp.diff(p[i], o[k]), sp.diff(E(o[i]) / den(o), o[k]))),
             each(lambda o, y, p, L, n, i, k: (sp.diff(E(o[i]) / den(o), o[k]), quot(o, i, k))),
             each(lambda o, y, p, L, n, i, k: (sp.diff(p[i], o[k]), (E(o[k]) * den(o) - E(o[k]) * E(o[k])) / den(o) ** 2), same),
             each(lambda o, y, p, L, n, i, k: ((E(o[k]) * den(o) - E(o[k]) ** 2) / den(o) ** 2,
                                               E(o[k]) / den(o) * (den(o) - E(o[k])) / den(o))),
             each(lambda o, y, p, L, n, i, k: (E(o[k]) / den(o) * (den(o) - E(o[k])) / den(o), p[k] * (1 - p[k]))),
             each(lambda o, y, p, L, n, i, k: (sp.diff(p[i], o[k]), quot(o, i, k))),
             each(lambda o, y, p, L, n, i, k: (quot(o, i, k), -E(o[k]) * E(o[i]) / (den(o) * den(o))), other),
             each(lambda o, y, p, L, n, i, k: (-E(o[k]) * E(o[i]) / (den(o) * den(o)), -p[k] * p[i])),
             each(lambda o, y, p, L, n, i, k: (sp.diff(p[i], o[k]), p[k] * (1 - p[k]) if i == k else -p[k] * p[i]))]
            + [each(lambda o, y, p, L, n, i, k, s=s: (dL(o, y, p, L, n, k)[s], dL(o, y, p, L, n, k)[s + 1]), same)
               for s in range(6)])


def zakariapz(slips=False):
    def body(fn):
        return softmax_decide(lambda o, y, p, L, n: [fn(o, y, p, L, n, i) for i in range(n)], normalised=False)
    # l_j = -y_j log p_j, differentiated with p_j held as a variable
    q = sp.Symbol("q", positive=True)
    dl = lambda y, p, j: sp.diff(-y[j] * sp.log(q), q).subs(q, p[j])
    kron = lambda i, j: 1 if i == j else 0
    if slips:
        return [softmax_decide(lambda o, y, p, L, n: [(sp.diff(p[j], o[i]), p[j] * (p[i] - kron(i, j)))
                                                      for i in range(n) for j in range(n)], normalised=False),
                body(lambda o, y, p, L, n, i: (sp.diff(L, o[i]), sum(dl(y, p, j) for j in range(n)))),
                body(lambda o, y, p, L, n, i: (sp.diff(L, o[i]), sum(p[j] * (y[i] - kron(i, j)) for j in range(n))))]
    return [H,
            body(lambda o, y, p, L, n, i: (L, -sum(-y[j] * sp.log(p[j]) for j in range(n)))),
            H,
            body(lambda o, y, p, L, n, i: (sp.diff(L, o[i]), -sum(dl(y, p, j) * sp.diff(p[j], o[i]) for j in range(n)))),
            H,  # d(-y_j log p_j)/dp_j written twice
            softmax_decide(lambda o, y, p, L, n: [(dl(y, p, j), -y[j] / p[j]) for j in range(n)], normalised=False),
            softmax_decide(lambda o, y, p, L, n: [(sp.diff(p[j], o[i]), p[j] * (kron(i, j) - p[i]))
                                                  for i in range(n) for j in range(n)], normalised=False),
            body(lambda o, y, p, L, n, i: (sp.diff(L, o[i]), sum(dl(y, p, j) * sp.diff(p[j], o[i]) for j in range(n)))),
            body(lambda o, y, p, L, n, i: (sum(dl(y, p, j) * sp.diff(p[j], o[i]) for j in range(n)),
                                           sum(-y[j] / p[j] * p[j] * (kron(i, j) - p[i]) for j in range(n)))),
            body(lambda o, y, p, L, n, i: (sum(-y[j] / p[j] * p[j] * (kron(i, j) - p[i]) for j in range(n)),
                                           sum(y[j] * (p[i] - kron(i, j)) for j in range(n))))]


def indii(slips=False):
    def body(fn):
        return softmax_decide(lambda o, y, p, L, n: [fn(o, p, n, i) for i in range(n)], normalised=False)
    lse = lambda o: sp.log(sum(E(t) for t in o))
    if slips:
        return [body(lambda o, p, n, i: (p[i], E(o[i] + lse(o)))),
                body(lambda o, p, n, i: (p[i], E(o[i] - sum(E(t) for t in o))))]
    steps = lambda o, p, n, i: [p[i], E(o[i]) / sum(E(t) for t in o), E(sp.log(E(o[i]) / sum(E(t) for t in o))),
                                E(o[i] - sp.log(sum(E(t) for t in o))), E(o[i] - lse(o))]
    return [D, D] + [body(lambda o, p, n, i, s=s: (steps(o, p, n, i)[s], steps(o, p, n, i)[s + 1])) for s in range(4)]


def logistic(slips=False):
    """J(theta) = -(1/m) sum_i [y log h + (1-y) log(1-h)], h = sigma(theta . x^(i)); m = 3, n = 2."""
    m, n = 3, 2
    th = sp.symbols(f"t1:{n + 1}", real=True)
    X = [[sp.Symbol(f"x{i}_{j}", real=True) for j in range(n)] for i in range(m)]
    Y = [sp.Symbol(f"y{i}", positive=True) for i in range(m)]
    h = [sig(sum(th[j] * X[i][j] for j in range(n))) for i in range(m)]
    J = -sp.Rational(1, m) * sum(Y[i] * sp.log(h[i]) + (1 - Y[i]) * sp.log(1 - h[i]) for i in range(m))
    unit = {str(v) for v in Y}

    def claim(rhs):
        return decide_sympy(lambda: [(sp.diff(J, th[j]), rhs(j)) for j in range(n)], unit=unit)
    if slips:
        return [claim(lambda j: sp.Rational(1, m) * sum((Y[i] - h[i]) * X[i][j] for i in range(m))),
                claim(lambda j: sp.Rational(1, m) * sum(h[i] - Y[i] for i in range(m))),
                claim(lambda j: sp.Rational(1, m) * sum((h[i] - Y[i]) * X[i][j] for i in range(m)))]
    return [H, claim(lambda j: sum((h[i] - Y[i]) * X[i][j] for i in range(m)))]


def jpark(slips=False):
    q = sp.Symbol("q", positive=True)
    dC_ds = lambda y, p, k: sp.diff(-y[k] * sp.log(q), q).subs(q, p[k])  # C with s_k held as a variable

    def body(fn):
        return softmax_decide(lambda o, y, p, L, n: [fn(o, y, p, L, n, i) for i in range(n)])
    if slips:
        return [body(lambda o, y, p, L, n, i: (sp.diff(L, o[i]), y[i] - p[i])),
                body(lambda o, y, p, L, n, i: (sp.diff(L, o[i]), sum(dC_ds(y, p, k) for k in range(n))))]
    chain_rule = lambda o, y, p, n, i: sum(dC_ds(y, p, k) * sp.diff(p[k], o[i]) for k in range(n))
    return [body(lambda o, y, p, L, n, i: (sp.diff(L, o[i]), chain_rule(o, y, p, n, i))),
            body(lambda o, y, p, L, n, i: (chain_rule(o, y, p, n, i), p[i] - y[i])),
            H]  # C restated as the header defines it


# ---- Nielsen's components: a network of depth 3, two units per layer ------

class Net:
    """Layers 1 (input) .. 3 (output), n units each, sigmoid, quadratic cost; w[l][k][j]."""

    def __init__(self, n=2, L=3):
        self.n, self.L = n, L
        self.w = {l: [[sp.Symbol(f"w{l}_{k}{j}", real=True) for j in range(n)] for k in range(n)] for l in range(2, L + 1)}
        self.b = {l: [sp.Symbol(f"b{l}_{k}", real=True) for k in range(n)] for l in range(2, L + 1)}
        self.y = [sp.Symbol(f"y{j}", real=True) for j in range(n)]
        self.x = [sp.Symbol(f"x{j}", real=True) for j in range(n)]
        self.a, self.z = {1: self.x}, {}
        for l in range(2, L + 1):
            self.z[l] = [sum(self.w[l][k][j] * self.a[l - 1][j] for j in range(n)) + self.b[l][k] for k in range(n)]
            self.a[l] = [sig(t) for t in self.z[l]]

    @functools.cache  # noqa: B019 -- one small Net per run
    def cost_of(self, layer, kind):
        """C as a function of fresh symbols standing for z^layer or a^layer; returns (C, symbols, values)."""
        n = self.n
        free = [sp.Symbol(f"{kind}{layer}_{j}", real=True) for j in range(n)]
        a = free if kind == "a" else [sig(t) for t in free]
        for l in range(layer + 1, self.L + 1):
            a = [sig(sum(self.w[l][k][j] * a[j] for j in range(n)) + self.b[l][k]) for k in range(n)]
        C = sp.Rational(1, 2) * sum((yy - aa) ** 2 for yy, aa in zip(self.y, a, strict=False))
        values = self.z[layer] if kind == "z" else self.a[layer]
        return C, free, dict(zip(free, values, strict=False))

    @functools.cache  # noqa: B019
    def dC(self, layer, kind, j):
        C, free, at = self.cost_of(layer, kind)
        return sp.diff(C, free[j]).subs(at)

    def C(self):
        return self.cost_of(self.L, "a")[0].subs(self.cost_of(self.L, "a")[2])

    def delta(self, l, j):
        return self.dC(l, "z", j)


def nielsen(slips=False):
    net = Net()
    n, L = net.n, net.L
    sp_ = lambda t: sig(t) * (1 - sig(t))  # sigma'
    C = net.C()

    def every(fn, layers):
        return decide_sympy(lambda: [fn(l, j, k) for l in layers for j in range(n) for k in range(n)])
    inner = range(2, L)        # claims with l+1
    all_l = range(2, L + 1)    # claims about any layer with a layer below
    if slips:
        return [every(lambda l, j, k: (net.delta(L, j), net.dC(L, "a", j)), [L]),
                every(lambda l, j, k: (sp.diff(C, net.w[l][j][k]), net.a[l][k] * net.delta(l, j)), all_l),
                every(lambda l, j, k: (net.delta(l, j), sum(net.w[l + 1][j][q] * net.delta(l + 1, q) for q in range(n))
                                       * sp_(net.z[l][j])), inner),
                every(lambda l, j, k: (net.dC(L, "a", j), net.y[j] - net.a[L][j]), [L]),
                every(lambda l, j, k: (sp.diff(C, net.b[l][j]), 2 * net.delta(l, j)), all_l),
                every(lambda l, j, k: (net.delta(l, j), sum(net.w[l + 1][q][j] * net.delta(l + 1, q) for q in range(n))
                                       * (1 - sp.tanh(net.z[l][j]) ** 2)), inner)]
    dz_next = lambda l, k, j: sp.diff(sum(net.w[l + 1][k][q] * sig(net.cost_of(l, "z")[1][q]) for q in range(n)) + net.b[l + 1][k],
                                      net.cost_of(l, "z")[1][j]).subs(net.cost_of(l, "z")[2])
    da_dz = lambda k, j: sp.diff(sig(net.cost_of(L, "z")[1][k]), net.cost_of(L, "z")[1][j]).subs(net.cost_of(L, "z")[2])
    return [
        every(lambda l, j, k: (net.delta(L, j), net.dC(L, "a", j) * sp_(net.z[L][j])), [L]),
        every(lambda l, j, k: (sp.diff(C, net.b[l][j]), net.delta(l, j)), all_l),
        every(lambda l, j, k: (sp.diff(C, net.w[l][j][k]), net.a[l - 1][k] * net.delta(l, j)), all_l),
        every(lambda l, j, k: (net.delta(L, j), net.dC(L, "z", j)), [L]),
        every(lambda l, j, k: (net.delta(L, j), sum(net.dC(L, "a", q) * da_dz(q, j) for q in range(n))), [L]),
        every(lambda l, j, k: (net.delta(L, j), net.dC(L, "a", j) * da_dz(j, j)), [L]),
        every(lambda l, j, k: (net.delta(L, j), net.dC(L, "a", j) * sp_(net.z[L][j])), [L]),
        every(lambda l, j, k: (net.delta(l, j), net.dC(l, "z", j)), inner),
        every(lambda l, j, k: (net.dC(l, "z", j), sum(net.dC(l + 1, "z", q) * dz_next(l, q, j) for q in range(n))), inner),
        every(lambda l, j, k: (sum(net.dC(l + 1, "z", q) * dz_next(l, q, j) for q in range(n)),
                               sum(dz_next(l, q, j) * net.delta(l + 1, q) for q in range(n))), inner),
        every(lambda l, j, k: (net.z[l + 1][k], sum(net.w[l + 1][k][q] * net.a[l][q] for q in range(n)) + net.b[l + 1][k]), inner),
        every(lambda l, j, k: (sum(net.w[l + 1][k][q] * net.a[l][q] for q in range(n)) + net.b[l + 1][k],
                               sum(net.w[l + 1][k][q] * sig(net.z[l][q]) for q in range(n)) + net.b[l + 1][k]), inner),
        every(lambda l, j, k: (dz_next(l, k, j), net.w[l + 1][k][j] * sp_(net.z[l][j])), inner),
        every(lambda l, j, k: (net.delta(l, j), sum(net.w[l + 1][q][j] * net.delta(l + 1, q) for q in range(n))
                               * sp_(net.z[l][j])), inner)]


# --------------------------------------------------------------------------
# matrix notes: NumPy, derivatives by central differences
# --------------------------------------------------------------------------

def npsig(t):
    return 1 / (1 + np.exp(-t))


def grad(f, X, h=1e-6):
    """Central differences of a scalar f at the array X, shaped like X."""
    G = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        Xp, Xm = X.copy(), X.copy()
        Xp[idx] += h
        Xm[idx] -= h
        G[idx] = (f(Xp) - f(Xm)) / (2 * h)
    return G


def shallow(slips=False):
    n0, n1, m = 3, 4, 5

    def make(rng, which):
        X = rng.normal(size=(n0, m))
        Y = rng.uniform(0.1, 0.9, size=(1, m))
        W1, b1 = rng.normal(size=(n1, n0)), rng.normal(size=(n1, 1))
        W2, b2 = rng.normal(size=(1, n1)), rng.normal(size=(1, 1))

        def fwd(W1=W1, b1=b1, W2=W2, b2=b2, Z1=None, Z2=None):
            Z1 = W1 @ X + b1 if Z1 is None else Z1
            A1 = np.tanh(Z1)
            Z2 = W2 @ A1 + b2 if Z2 is None else Z2
            A2 = npsig(Z2)
            return Z1, A1, Z2, A2, -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m
        Z1, A1, Z2, A2, _ = fwd()
        dZ2 = m * grad(lambda Z: fwd(Z2=Z)[4], Z2)
        dW2 = grad(lambda W: fwd(W2=W)[4], W2)
        db2 = grad(lambda b: fwd(b2=b)[4], b2)
        dZ1 = m * grad(lambda Z: fwd(Z1=Z)[4], Z1)
        dW1 = grad(lambda W: fwd(W1=W)[4], W1)
        db1 = grad(lambda b: fwd(b1=b)[4], b1)
        gp = 1 - np.tanh(Z1) ** 2
        claims = {
            0: (dZ2, A2 - Y), 1: (dW2, dZ2 @ A1.T / m), 2: (db2, np.sum(dZ2, axis=1, keepdims=True) / m),
            3: (dZ1, (W2.T @ dZ2) * gp), 4: (dW1, dZ1 @ X.T / m), 5: (db1, np.sum(dZ1, axis=1, keepdims=True) / m),
            # slips
            10: (dW2, _matmul(dZ2, A1) / m), 11: (dW1, dZ1 @ X.T),
            12: (db2, np.sum(dZ2, axis=0, keepdims=True) / m), 13: (dZ1, _mul(_matmul(dZ2, W2.T), gp)),
            14: (dZ2, Y - A2), 15: (dZ1, (W2.T @ dZ2) * npsig(Z1) * (1 - npsig(Z1))), 16: (dW2, _matmul(dZ2, A2.T) / m),
        }
        return [claims[which]]
    ids = [10, 11, 12, 13, 14, 15, 16] if slips else [0, 1, 2, 3, 4, 5]
    return [decide_numpy(lambda rng, w=w: make(rng, w)) for w in ids]


def _matmul(A, B):
    """A @ B, or an array of the wrong shape when the shapes do not multiply (the link fails)."""
    return A @ B if A.shape[-1] == B.shape[0] else np.full((A.shape[0] + B.shape[0] + 7, 1), np.nan)


def _mul(A, B):
    return A * B if A.shape == B.shape else np.full((A.shape[0] + B.shape[0] + 7, 1), np.nan)


ACTS = {  # one activation per layer, with its derivative
    1: (np.tanh, lambda t: 1 - np.tanh(t) ** 2),
    2: (lambda t: np.log1p(np.exp(t)), npsig),
    3: (npsig, lambda t: npsig(t) * (1 - npsig(t))),
}


def llayer(slips=False):
    """Depth L = 3 (tanh, softplus, sigmoid), sizes 3, 4, 2, 1; m = 5; claims at every layer."""
    sizes, m, L = [3, 4, 2, 1], 5, 3

    def make(rng, which):
        W = {l: rng.normal(size=(sizes[l], sizes[l - 1])) for l in range(1, L + 1)}
        b = {l: rng.normal(size=(sizes[l], 1)) for l in range(1, L + 1)}
        X, Y = rng.normal(size=(sizes[0], m)), rng.uniform(0.1, 0.9, size=(1, m))
        x, y = X[:, :1].copy(), Y[:, :1].copy()

        def forward(inp, tgt, over=None):
            """(cost, Z, A) with one quantity replaced: over = (kind, layer, value)."""
            hit = lambda kind, l: over is not None and over[:2] == (kind, l)
            A, Z = {0: over[2] if hit("A", 0) else inp}, {}
            for l in range(1, L + 1):
                Wl = over[2] if hit("W", l) else W[l]
                bl = over[2] if hit("b", l) else b[l]
                Z[l] = over[2] if hit("Z", l) else Wl @ A[l - 1] + bl
                A[l] = over[2] if hit("A", l) else ACTS[l][0](Z[l])
            cost = -np.sum(tgt * np.log(A[L]) + (1 - tgt) * np.log(1 - A[L])) / inp.shape[1]
            return cost, Z, A

        def g(inp, tgt, kind, l, base, scale):
            return scale * grad(lambda v: forward(inp, tgt, (kind, l, v))[0], base)
        out = []
        for l in range(1, L + 1):
            _, Z, A = forward(X, Y)
            _, z, a = forward(x, y)
            gp = ACTS[l][1]
            dZ, dA = g(X, Y, "Z", l, Z[l], m), g(X, Y, "A", l, A[l], m)
            dW, db = g(X, Y, "W", l, W[l], 1), g(X, Y, "b", l, b[l], 1)
            dz, da = g(x, y, "Z", l, z[l], 1), g(x, y, "A", l, a[l], 1)
            dw, dbe = g(x, y, "W", l, W[l], 1), g(x, y, "b", l, b[l], 1)
            da_prev = g(x, y, "A", l - 1, a[l - 1], 1)
            claims = {
                0: (z[l], W[l] @ A[l - 1] + b[l]), 1: (A[l], ACTS[l][0](Z[l])),
                2: (dz, da * gp(z[l])), 3: (dw, _matmul(dz, a[l - 1])), 4: (dbe, dz), 5: (da_prev, _matmul(dz, W[l].T)),
                6: (dZ, dA * gp(Z[l])), 7: (dW, dZ @ A[l - 1].T / m), 8: (db, np.sum(dZ, axis=1, keepdims=True) / m),
                10: (dW, _matmul(dZ, A[l - 1]) / m), 11: (dW, _matmul(dZ, A[l].T) / m), 12: (dW, m * dZ @ A[l - 1].T),
                13: (dZ, dA * ACTS[l][0](Z[l])), 14: (dw, dz @ a[l - 1].T), 15: (da_prev, W[l].T @ dz),
            }
            lhs, rhs = claims[which]
            out.append((lhs, rhs))
        return out
    ids = [10, 11, 12, 13, 14, 15] if slips else [0, 1, 2, 3, 4, 5, 6, 7, 8]
    return [decide_numpy(lambda rng, w=w: make(rng, w)) for w in ids]


def rowlayout(slips=False):
    """x 1 x Dx, W1 Dx x H, W2 H x Dy; softmax along the row, labels summing to 1."""
    Dx, Hh, Dy = 3, 4, 5

    def make(rng, which):
        x = rng.normal(size=(1, Dx))
        W1, b1 = rng.normal(size=(Dx, Hh)), rng.normal(size=(1, Hh))
        W2, b2 = rng.normal(size=(Hh, Dy)), rng.normal(size=(1, Dy))
        yv = rng.uniform(0.1, 1.0, size=(1, Dy))
        yv /= yv.sum()

        def softmax(t):
            e = np.exp(t - t.max())
            return e / e.sum()

        def J_of(h=None, z2=None, W2_=None):
            z1 = x @ W1 + b1
            h = npsig(z1) if h is None else h
            z2 = h @ (W2 if W2_ is None else W2_) + b2 if z2 is None else z2
            return -np.sum(yv * np.log(softmax(z2)))
        z1 = x @ W1 + b1
        h = npsig(z1)
        z2 = h @ W2 + b2
        yhat = softmax(z2)
        d1 = yhat - yv
        CE = -np.sum(yv * np.log(yhat))
        dJdz2, dJdh, dJdW2 = grad(lambda v: J_of(z2=v), z2), grad(lambda v: J_of(h=v), h), grad(lambda v: J_of(W2_=v), W2)
        jac = np.array([[grad(lambda v, k=k: (v @ W2 + b2)[0, k], h)[0, j] for j in range(Hh)] for k in range(Dy)])
        claims = {
            0: (J_of(), CE), 1: (CE, -np.sum(yv * np.log(yhat))), 2: (yhat, softmax(z2)), 3: (z2, h @ W2 + b2),
            4: (h, npsig(z1)), 5: (z1, x @ W1 + b1), 6: (dJdz2, yhat - yv), 7: (yhat - yv, d1),
            8: (dJdh, d1 @ jac), 9: (d1 @ jac, d1 @ W2.T),
            10: (dJdh, _matmul(W2.T, d1)), 11: (dJdW2, _matmul(d1, h.T)), 12: (dJdW2, h.T @ d1), 13: (dJdz2, yv - yhat),
        }
        return [claims[which]]
    if slips:
        return [decide_numpy(lambda rng, w=w: make(rng, w)) for w in (10, 11, 12, 13)]
    return [decide_numpy(lambda rng, w=w: make(rng, w)) for w in range(10)] + [N, N]


def nielsen_vector(slips=False):
    """Depth 3 (layers 1..3), sizes 3, 4, 2, sigmoid, quadratic cost; claims at l = 2 and L = 3."""
    sizes, L = {1: 3, 2: 4, 3: 2}, 3

    def make(rng, which):
        w = {l: rng.normal(size=(sizes[l], sizes[l - 1])) for l in (2, 3)}
        bb = {l: rng.normal(size=(sizes[l], 1)) for l in (2, 3)}
        x, yv = rng.normal(size=(sizes[1], 1)), rng.normal(size=(sizes[L], 1))

        def cost(layer=None, zl=None, aL=None):
            a, z = {1: x}, {}
            for l in (2, 3):
                z[l] = zl if layer == l else w[l] @ a[l - 1] + bb[l]
                a[l] = npsig(z[l])
            a3 = a[3] if aL is None else aL
            return 0.5 * np.sum((yv - a3) ** 2), z, a
        _, z, a = cost()
        sp_ = lambda t: npsig(t) * (1 - npsig(t))
        delta = {l: grad(lambda v, l=l: cost(l, v)[0], z[l]) for l in (2, 3)}
        nabla = grad(lambda v: cost(aL=v)[0], a[3])
        claims = {
            0: (delta[3], nabla * sp_(z[3])), 1: (delta[3], (a[3] - yv) * sp_(z[3])),
            2: (delta[2], (w[3].T @ delta[3]) * sp_(z[2])), 3: (delta[3], np.diag(sp_(z[3])[:, 0]) @ nabla),
            4: (delta[2], np.diag(sp_(z[2])[:, 0]) @ w[3].T @ delta[3]),
            10: (delta[2], _mul(_matmul(w[3], delta[3]), sp_(z[2]))),
            11: (delta[2], _mul(_matmul(w[2].T, delta[3]), sp_(z[2]))),
            12: (delta[3], (yv - a[3]) * sp_(z[3])), 13: (delta[3], a[3] - yv),
        }
        return [claims[which]]
    ids = (10, 11, 12, 13) if slips else range(5)
    return [decide_numpy(lambda rng, w_=w_: make(rng, w_)) for w_ in ids]


def aise(slips=False):
    """E = -sum(Y * log softmax_rows(X)), n = 4 samples, c = 3 classes, rows of Y summing to 1."""
    n, c = 4, 3

    def make(rng, which):
        X = rng.normal(size=(n, c))
        Y = rng.uniform(0.1, 1, size=(n, c))
        Y /= Y.sum(axis=1, keepdims=True)
        soft = lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
        Yh = soft(X)
        dE_dYh = grad(lambda V: -np.sum(Y * np.log(V)), Yh)  # Y-hat held as a variable
        dE_dX = grad(lambda Z: -np.sum(Y * np.log(soft(Z))), X)
        jac = [np.array([[grad(lambda Z, i=i, k=k: soft(Z)[i, k], X)[i, j] for j in range(c)] for k in range(c)])
               for i in range(n)]
        chained = np.array([[sum(dE_dYh[i, k] * jac[i][k, j] for k in range(c)) for j in range(c)] for i in range(n)])
        claims = {0: (dE_dYh, -Y / Yh), 1: (dE_dX, chained),
                  10: (dE_dYh, Y / Yh), 11: (dE_dX, Y - Yh), 12: (dE_dX, Yh - Y), 13: (dE_dYh, -Y)}
        return [claims[which]]
    ids = (10, 11, 12, 13) if slips else (0, 1)
    return [decide_numpy(lambda rng, w=w: make(rng, w)) for w in ids]


def least_squares(slips=False):
    nn, d = 6, 3

    def make(rng, which):
        X, th, yv, lam = rng.normal(size=(nn, d)), rng.normal(size=(d, 1)), rng.normal(size=(nn, 1)), rng.uniform(0.1, 2)
        half = 0.5 * np.sum((X @ th - yv) ** 2)
        r = X @ th - yv
        quad = (r.T @ r)[0, 0]
        g = grad(lambda t: 0.5 * ((X @ t - yv).T @ (X @ t - yv)).item(), th)
        g2 = grad(lambda t: 0.5 * ((X @ t - yv).T @ (X @ t - yv)).item() + 0.5 * lam * (t.T @ t).item(), th)
        claims = {0: (half, quad), 10: (half, 0.5 * quad), 11: (g, _matmul(X, r)), 12: (g, X.T @ r),
                  13: (g2, X.T @ r + 2 * lam * th), 14: (g2, X.T @ r + lam * th)}
        return [claims[which]]
    ids = (10, 11, 12, 13, 14) if slips else (0,)
    verdicts = [decide_numpy(lambda rng, w=w: make(rng, w)) for w in ids]
    return verdicts if slips else [D] + verdicts


def ridge(slips=False):
    """n = 100 points, X with rows (1, x_i), C = (1/n)||X theta - y||^2 + lambda ||theta||^2."""
    n = 100

    def make(rng, which):
        xs, ys = rng.uniform(0, 2, size=n), rng.normal(size=n)
        X, yv = np.column_stack([np.ones(n), xs]), ys[:, None]
        th, lam = rng.normal(size=(2, 1)), rng.uniform(0.1, 2)
        C = lambda t: (np.sum((X @ t - yv) ** 2) / n + lam * np.sum(t ** 2))
        g = grad(C, th)
        t0, t1 = th[0, 0], th[1, 0]
        written = 2 / n * np.array([[np.sum(t0 + t1 * xs - ys)], [np.sum(xs * (t0 + t1 * xs) - ys * xs)]]) + 2 * lam * th
        ols = grad(lambda t: np.sum((X @ t - yv) ** 2) / n, th)
        claims = {0: (C(th), np.sum((X @ th - yv) ** 2) / n + lam * np.sum(th ** 2)), 1: (g, written),
                  2: (written, 2 * (X.T @ (X @ th - yv) / n + lam * th)),
                  10: (g, 2 * (X.T @ (X @ th - yv) / n) + lam * th), 11: (g, 2 * (X.T @ (X @ th - yv) + lam * th)),
                  12: (g, _matmul(X, X @ th - yv))  # 100 x 2 times 100 x 1: no product, the link fails
                 , 13: (g, 2 * (X.T @ (yv - X @ th) / n + lam * th)),
                  14: (ols, 2 / n * X.T @ (X @ th - yv))}
        return [claims[which]]
    ids = (10, 11, 12, 13, 14) if slips else (0, 1, 2)
    return [decide_numpy(lambda rng, w=w: make(rng, w)) for w in ids]


# ---- notes added with the reader's generality round ----------------------

def d2l(slips=False):
    """d2l.ai 4.1: l = -sum_j y_j log softmax(o)_j, sum_j y_j = 1; at q = 3, 4, every j."""
    def make(which):
        def body(o, y, p, L, n):
            den = sum(E(t) for t in o)
            mixed = -sum(y[j] * sp.log(E(o[j]) / den) for j in range(n))
            split = sum(y[j] * sp.log(den) for j in range(n)) - sum(y[j] * o[j] for j in range(n))
            lse = sp.log(den) - sum(y[j] * o[j] for j in range(n))
            grad = [E(o[j]) / den - y[j] for j in range(n)]
            claims = {
                0: [(L, mixed)], 1: [(mixed, split)], 2: [(split, lse)],
                3: [(sp.diff(L, o[j]), grad[j]) for j in range(n)],
                4: [(grad[j], p[j] - y[j]) for j in range(n)],
                10: [(L, -mixed)],
                11: [(mixed, sum(y[j] * sp.log(den) for j in range(n)) + sum(y[j] * o[j] for j in range(n)))],
                12: [(split, sp.log(den) - sum(o))],
                13: [(sp.diff(L, o[j]), -grad[j]) for j in range(n)],
                14: [(grad[j], y[j] - p[j]) for j in range(n)],
                15: [(sp.diff(L, o[j]), p[j] - y[j]) for j in range(n)],
            }
            return claims[which]
        return body
    ids = range(10, 16) if slips else range(5)
    return [softmax_decide(make(w)) for w in ids]


def bce_sigmoid(slips=False):
    """Math.SE 4227931: L(u) = -p log sigma(u) - (1-p) log(1 - sigma(u)), 0 < p < 1."""
    u, p = sp.symbols("u p", real=True)
    e = E(u)
    L = -p * sp.log(sig(u)) - (1 - p) * sp.log(1 - sig(u))
    quotient = -p * sp.log(e / (1 + e)) - (1 - p) * sp.log(1 / (1 + e))
    kw = {"unit": {"p"}}
    if slips:
        return [D, S((L, -p * sp.log(e / (1 + e)) - (1 - p) * sp.log(e / (1 + e))), **kw),
                S((quotient, -p * u - sp.log(1 + e)), **kw), S((sp.diff(L, u), p - sig(u)), **kw),
                S((sp.diff(L, u), sig(u) - p), **kw)]
    return [D, S((L, quotient), **kw), S((quotient, -p * u + sp.log(1 + e)), **kw),
            S((sp.diff(L, u), sig(u) - p), **kw)]


def yanfenglee(slips=False):
    """a = softmax(z), L = -sum_k y_k log a_k, sum_k y_k = 1 (the README's notation, here o, p)."""
    def diag(fn):
        return softmax_decide(lambda o, y, p, L, n: [(sp.diff(p[i], o[i]), fn(p[i])) for i in range(n)])

    def off(fn):
        return softmax_decide(lambda o, y, p, L, n: [(sp.diff(p[j], o[i]), fn(p[i], p[j]))
                                                     for i in range(n) for j in range(n) if i != j])

    def steps(o, y, p, L, n, i):
        rest = [k for k in range(n) if k != i]
        return [sp.diff(L, o[i]),
                -sum(y[k] / p[k] * sp.diff(p[k], o[i]) for k in range(n)),
                -y[i] * (1 - p[i]) - sum(y[k] / p[k] * (-p[k] * p[i]) for k in rest),
                -y[i] * (1 - p[i]) + sum(y[k] * p[i] for k in rest),
                -y[i] + y[i] * p[i] + sum(y[k] * p[i] for k in rest),
                p[i] * sum(y) - y[i],
                p[i] - y[i]]

    def link(a, b=None, fn=None):
        def body(o, y, p, L, n):
            out = []
            for i in range(n):
                e = steps(o, y, p, L, n, i)
                rest = [k for k in range(n) if k != i]
                out.append((e[a], e[b] if fn is None else fn(o, y, p, i, rest)))
            return out
        return softmax_decide(body)
    if slips:
        return [D, D, diag(lambda a: a * (1 - -a)), off(lambda a, b: a * b),
                link(1, fn=lambda o, y, p, i, rest: -y[i] * (1 - p[i]) - sum(y[k] / p[k] * (p[k] * p[i]) for k in rest)),
                link(4, fn=lambda o, y, p, i, rest: p[i] * sum(y[k] for k in rest) - y[i]),
                link(5, fn=lambda o, y, p, i, rest: y[i] - p[i])]
    return [D, diag(lambda a: a * (1 - a)), off(lambda a, b: -a * b), D] + [link(k, k + 1) for k in range(6)]


def raschka(slips=False):
    """E = 1/(2n) sum_i (t_i - o_i)^2, o_i = sigma(net_i), net_i = sum_j w_j x_ij; n = 3 points, d = 2."""
    n, d = 3, 2
    w = sp.symbols(f"w1:{d + 1}", real=True)
    t = sp.symbols(f"t1:{n + 1}", real=True)
    xs = [[sp.Symbol(f"x{i}_{j}", real=True) for j in range(d)] for i in range(n)]
    net = [sum(w[j] * xs[i][j] for j in range(d)) for i in range(n)]
    o = [sig(v) for v in net]
    E_ = sp.Rational(1, 2 * n) * sum((t[i] - o[i]) ** 2 for i in range(n))
    v = sp.Symbol("v", real=True)
    dsig = [sp.diff(sig(v), v).subs(v, net[i]) for i in range(n)]

    def each(fn):
        return S(*[fn(j) for j in range(d)])

    def dw(e, j):
        return sp.diff(e, w[j])
    chain17 = [lambda j: dw(E_, j),
               lambda j: dw(sp.Rational(1, 2 * n) * sum((t[i] - o[i]) ** 2 for i in range(n)), j),
               lambda j: sp.Rational(1, 2 * n) * sum(dw((t[i] - o[i]) ** 2, j) for i in range(n)),
               lambda j: sp.Rational(1, 2 * n) * sum(2 * (t[i] - o[i]) * dw(t[i] - o[i], j) for i in range(n)),
               lambda j: sp.Rational(1, n) * sum((t[i] - o[i]) * (dw(t[i], j) - dw(o[i], j)) for i in range(n)),
               lambda j: -sp.Rational(1, n) * sum((t[i] - o[i]) * dw(o[i], j) for i in range(n))]
    through = lambda j: -sp.Rational(1, n) * sum((t[i] - o[i]) * dsig[i] * dw(net[i], j) for i in range(n))
    if slips:
        return [each(lambda j: (dw(E_, j), sp.Rational(1, n) * sum((t[i] - o[i]) * dw(o[i], j) for i in range(n)))),
                each(lambda j: (chain17[2](j), sp.Rational(1, 2 * n) * sum((t[i] - o[i]) * dw(t[i] - o[i], j) for i in range(n)))),
                each(lambda j: (dw(E_, j), 2 * chain17[5](j))),
                each(lambda j: (dw(E_, j), -sp.Rational(1, n) * sum((t[i] - o[i]) * dsig[i] for i in range(n))))]
    return [each(lambda j, k=k: (chain17[k](j), chain17[k + 1](j))) for k in range(5)] + [
        each(lambda j: (dw(E_, j), chain17[5](j))), each(lambda j: (chain17[5](j), through(j)))]


def sum_weight(slips=False):
    """d/dW_jk sum_i W_ik o_i, at n = 3 (i, j) and m = 2 (k), every j and k."""
    n, m = 3, 2
    W = [[sp.Symbol(f"W{i}_{k}", real=True) for k in range(m)] for i in range(n)]
    o = sp.symbols(f"o1:{n + 1}", real=True)

    def claim(rhs):
        pairs = []
        for j in range(n):
            for k in range(m):
                lhs = sp.diff(sum(W[i][k] * o[i] for i in range(n)), W[j][k])
                pairs.append((lhs, rhs(j, k)))
        return S(*pairs)
    split = lambda j, k: sp.diff(W[j][k] * o[j], W[j][k]) + sum(sp.diff(W[i][k] * o[i], W[j][k])
                                                               for i in range(n) if i != j)
    if slips:
        return [claim(lambda j, k: sum(o)), claim(lambda j, k: W[j][k]), claim(lambda j, k: o[j])]
    return [claim(split)]


def specific_weight(slips=False):
    """x_6 = w_16 y_1 + w_26 y_2 + w_36 y_3, then x_6 = sigma(...) (AI.SE 25522)."""
    w16, w26, w36, y1, y2, y3 = sp.symbols("w16 w26 w36 y1 y2 y3", real=True)
    f = w16 * y1 + w26 * y2 + w36 * y3
    v = sp.Symbol("v", real=True)
    dsig = sp.diff(sig(v), v).subs(v, f)  # sigma' at its argument, as the answer says
    d = lambda e: sp.diff(e, w26)
    terms = d(w16 * y1) + d(w26 * y2) + d(w36 * y3)
    if slips:
        return [S((d(f), w26)), S((d(f), y1 + y2 + y3)), S((d(sig(f)), y2 * sig(f))), S((d(sig(f)), y2 * dsig))]
    return [S((f, f)), D, S((d(f), terms)), S((terms, 0 + y2 * d(w26) + 0)), S((y2 * d(w26), y2)),
            S((sig(f), sig(f))), S((sig(f), sig(w16 * y1 + w26 * y2 + w36 * y3))), S((d(sig(f)), d(sig(f)))),
            S((d(sig(f)), dsig * d(w16 * y1) + dsig * d(w26 * y2) + dsig * d(w36 * y3))),
            S((dsig * d(w16 * y1) + dsig * d(w26 * y2) + dsig * d(w36 * y3), y2 * dsig))]


def third_layer(slips=False):
    """AI.SE 15808: identity activations, Loss = Out - Y (the case Delta >= 0)."""
    X1, X2, Y, H2, H3 = sp.symbols("X1 X2 Y H2 H3", real=True)
    Wt = sp.symbols("W1:15", real=True)
    W = dict(enumerate(Wt, start=1))
    H1 = X1 * W[1] + X2 * W[2]
    H4 = H1 * W[7] + H2 * W[8] + H3 * W[9]
    H5 = H1 * W[10] + H2 * W[11] + H3 * W[12]
    Out = H4 * W[13] + H5 * W[14]
    Loss = Out - Y
    o, h4 = sp.symbols("o h4", real=True)  # Out and H_4 as variables of their own, then put back
    local = (sp.diff(o - Y, o) * sp.diff(h4 * W[13] + H5 * W[14], h4)
             * sp.diff(H1 * W[7] + H2 * W[8] + H3 * W[9], W[7])).subs({o: Out, h4: H4})
    d = lambda e: sp.diff(e, W[1])
    chain19 = [d(Loss), d(Out - Y), d(Out), d(H4 * W[13] + H5 * W[14]), d(H4 * W[13]) + d(H5 * W[14]),
               W[13] * d(H4) + W[14] * d(H5),
               W[13] * d(H1 * W[7] + H2 * W[8] + H3 * W[9]) + W[14] * d(H1 * W[10] + H2 * W[11] + H3 * W[12]),
               W[13] * d(H1 * W[7]) + W[14] * d(H1 * W[10]),
               W[13] * W[7] * d(H1) + W[14] * W[10] * d(H1),
               (W[13] * W[7] + W[14] * W[10]) * d(X1 * W[1] + X2 * W[2]),
               (W[13] * W[7] + W[14] * W[10]) * X1]
    if slips:
        return [S((sp.diff(Loss, W[7]), -1 * W[13] * H1)), S((d(Loss), (W[13] * W[7] + W[14] * W[10]) * X2)),
                S((d(Loss), W[13] * W[7] * X1))]
    return [S((sp.diff(Loss, W[7]), local)), S((local, local)), S((local, 1 * W[13] * H1))] + [
        S(pair) for pair in chain(*chain19)]


def gelu(slips=False):
    """GELU(x) = x Phi(x), Phi the standard normal CDF (erf), phi its density; the integral by quadrature."""
    t = sp.Symbol("t", real=True)
    Phi = (1 + sp.erf(x / sp.sqrt(2))) / 2
    phi = sp.exp(-x ** 2 / 2) / sp.sqrt(2 * sp.pi)
    g = dx(x * Phi)
    if slips:
        return [D, S((g, Phi - x * phi)), S((g, Phi + phi)), S((g, (Phi + x * phi) / 2))]
    integral = sp.Integral(sp.exp(-t ** 2 / 2) / sp.sqrt(2 * sp.pi), (t, -sp.oo, x))
    return [D, S((Phi, integral)), S((g, Phi + x * phi))]


def l2_penalty(slips=False):
    """Math.SE 4607950: L(w_1, w_2) = cost + lambda (w_1^2 + w_2^2), lambda >= 0."""
    w1, w2 = sp.symbols("w1 w2", real=True)
    lam = sp.Symbol("lambda", positive=True)
    L = -6 * (sp.Rational(1, 10) * sp.cos(w1) - w1 ** 2 - sp.Rational(1, 2) * w2 ** 7 + sp.sin(w2)) \
        * E(-w1 ** 2 - w2 ** 2) + lam * (w1 ** 2 + w2 ** 2)
    pen = lam * (w1 ** 2 + w2 ** 2)
    written = 0 * (w1 ** 2 + w2 ** 2) + lam * 2 * w1
    kw = {"positive": {"lambda"}}
    if slips:
        return [D, S((written, lam * w1), **kw), S((sp.diff(pen, w1), 2 * lam * w1 + 2 * lam * w2), **kw),
                S((sp.diff(pen, w1), 2 * lam * w1), **kw), S((sp.diff(L, w1), L + 2 * lam * w1), **kw)]
    return [D, S((sp.diff(pen, w1), written), **kw), S((written, 2 * lam * w1), **kw)]


# --------------------------------------------------------------------------
# the table: file -> verdicts in file order
# --------------------------------------------------------------------------

ORACLE: dict[str, Callable[[], list[str]]] = {
    "nielsen_ch2_bp.md": nielsen, "nielsen_ch2_bp_slips.md": lambda: nielsen(True),
    "cs231n_backprop.md": cs231n, "cs231n_backprop_slips.md": cs231n_slips,
    "mathse_softmax_loss.md": mathse, "mathse_softmax_loss_slips.md": lambda: mathse(True),
    "softmax_loss_blog.md": blog, "softmax_loss_blog_slips.md": lambda: blog(True),
    "sunhaozhe_softmax_ce.md": sunhaozhe, "sunhaozhe_softmax_ce_slips.md": lambda: sunhaozhe(True),
    "zakariapz_softmax_ce.md": zakariapz, "zakariapz_softmax_ce_slips.md": lambda: zakariapz(True),
    "notesonai_sigmoid.md": sigmoid_chain_notesonai, "notesonai_sigmoid_slips.md": lambda: sigmoid_slips("notesonai"),
    "heatonresearch_sigmoid.md": heaton, "heatonresearch_sigmoid_slips.md": lambda: sigmoid_slips("heaton"),
    "neuralthreads_sigmoid.md": neuralthreads_sigmoid, "neuralthreads_sigmoid_slips.md": lambda: sigmoid_slips("neuralthreads"),
    "neuralthreads_tanh.md": neuralthreads_tanh, "neuralthreads_tanh_slips.md": lambda: sigmoid_slips("tanh"),
    "neuralthreads_softplus.md": neuralthreads_softplus, "neuralthreads_softplus_slips.md": lambda: sigmoid_slips("softplus"),
    "specialfunctions_tanh.md": specialfunctions, "specialfunctions_tanh_slips.md": lambda: sigmoid_slips("special"),
    "calculatorlib_softplus.md": lambda: [S(p) for p in chain(dx(sp.log(1 + E(x))), E(x) / (1 + E(x)), 1 / (1 + E(-x)))],
    "calculatorlib_softplus_slips.md": lambda: sigmoid_slips("calculatorlib"),
    "indii_logsumexp.md": indii, "indii_logsumexp_slips.md": lambda: indii(True),
    "aman_logistic.md": logistic, "aman_logistic_slips.md": lambda: logistic(True),
    "coursera_shallow.md": shallow, "coursera_shallow_slips.md": lambda: shallow(True),
    "coursera_llayer.md": llayer, "coursera_llayer_slips.md": lambda: llayer(True),
    "statsse_row_twolayer.md": rowlayout, "statsse_row_twolayer_slips.md": lambda: rowlayout(True),
    "nielsen_vector.md": nielsen_vector, "nielsen_vector_slips.md": lambda: nielsen_vector(True),
    "compphysics_ridge.md": ridge, "compphysics_ridge_slips.md": lambda: ridge(True),
    "jpark7ca_softmax.md": jpark, "jpark7ca_softmax_slips.md": lambda: jpark(True),
    "aise_softmax_rows.md": aise, "aise_softmax_rows_slips.md": lambda: aise(True),
    "jemoka_least_squares.md": least_squares, "jemoka_least_squares_slips.md": lambda: least_squares(True),
    "d2l_softmax.md": d2l, "d2l_softmax_slips.md": lambda: d2l(True),
    "mathse_bce_sigmoid.md": bce_sigmoid, "mathse_bce_sigmoid_slips.md": lambda: bce_sigmoid(True),
    "yanfenglee_softmax.md": yanfenglee, "yanfenglee_softmax_slips.md": lambda: yanfenglee(True),
    "raschka_mse.md": raschka, "raschka_mse_slips.md": lambda: raschka(True),
    "mathse_sum_weight.md": sum_weight, "mathse_sum_weight_slips.md": lambda: sum_weight(True),
    "aise_specific_weight.md": specific_weight, "aise_specific_weight_slips.md": lambda: specific_weight(True),
    "aise_third_layer.md": third_layer, "aise_third_layer_slips.md": lambda: third_layer(True),
    "trevor_gelu.md": gelu, "trevor_gelu_slips.md": lambda: gelu(True),
    "mathse_l2_penalty.md": l2_penalty, "mathse_l2_penalty_slips.md": lambda: l2_penalty(True),
}


def expected() -> dict[str, list[dict]]:
    table = {}
    for folder in FOLDERS:
        with open(folder / "expected.toml", "rb") as fh:
            table.update({name: entry["links"] for name, entry in tomllib.load(fh).items()})
    return table


def check(name: str, links: list[dict]) -> list[str]:
    """The disagreements between the oracle and expected.toml for one file."""
    got = ORACLE[name]()
    want = [link["verdict"] for link in links]
    if len(got) != len(want):
        return [f"{name}: the oracle states {len(got)} links, expected.toml lists {len(want)}"]
    return [f"{name}:{link['line']}: oracle says {g}, expected.toml says {w} ({link['why']})"
            for g, w, link in zip(got, want, links, strict=False) if g != w]


def main(argv: list[str] | None = None) -> int:
    table = expected()
    missing = sorted(set(table) ^ set(ORACLE))
    problems = [f"not covered by both the oracle and expected.toml: {missing}"] if missing else []
    for name in sorted(table):
        if name in ORACLE:
            found = check(name, table[name])
            problems += found
            print(f"{name}: {len(table[name])} links, {'ok' if not found else 'DISAGREES'}")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
