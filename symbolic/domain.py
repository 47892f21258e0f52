"""Where a claim's variables live, and seeded points drawn from there.

A :class:`Domain` maps symbols to open intervals.  Points are dyadic
rationals (k / 2**16), so that NumPy, mpmath and SymPy all see *exactly* the
same inputs: a counterexample printed in a report reproduces bit for bit.

Sampling stays inside the interval by a margin, so that ``ln(a)`` near 0,
``sigma(z)`` rounding to 1.0 for large ``z`` and similar edges are never hit by
accident (see MEASUREMENTS.md: sampling z in +-40 faked 36 failures in 1,000).
"""
from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import sympy as sp

__all__ = ["DEFAULT_INTERVAL", "Domain", "SEED", "seeds_from", "stable_seed"]

SEED = 20181130
DEFAULT_INTERVAL = (-2.0, 2.0)
_DENOMINATOR = 2**16
# keep clear of the interval ends and of 0 (ReLU's kink, sign changes)
_MARGIN = 0.05
_AWAY_FROM_ZERO = 1.0 / 64


DIGESTS_MAX = 200_000  # objects whose digest is remembered (a long session must not grow forever)
_DIGESTS: dict[int, tuple[object, str]] = {}


def digest(expr) -> str:
    """A digest of a SymPy object that is the same in every process, computed once per object.

    Like ``srepr`` it determines the expression -- ``expr == expr.func(*expr.args)``
    -- but costs a twentieth: a node is its class and its arguments' digests,
    a leaf (a symbol with its assumptions, a number with its precision) and an
    undefined function (whose class carries a name and assumptions) are
    their ``srepr``; a mutable matrix is its class, shape and entries.  The
    seeds of the symbolic and the numeric check, and the keys of the
    persistent cache, are made from it.

    Remembered by object identity (the object is kept alive meanwhile), never by
    SymPy's equality: that finds ``Subs(f(z), z, p)`` equal to ``Subs(f(u), u, p)``
    and would give one the other's digest -- and so other seeded points,
    depending on which was checked first in the process.

    >>> z = sp.Symbol("z")
    >>> digest(sp.sin(z) + 1) == digest(1 + sp.sin(z)) != digest(sp.sin(sp.Symbol("z", real=True)) + 1)
    True
    """
    from sympy.core.function import AppliedUndef

    if isinstance(expr, sp.MatrixBase) and not isinstance(expr, sp.Basic):  # a mutable matrix
        return _hash(f"{type(expr).__qualname__}({expr.rows},{expr.cols}," + ",".join(map(digest, expr)) + ")")
    if not isinstance(expr, sp.Basic):
        return _hash("srepr " + sp.srepr(expr))
    if len(_DIGESTS) > DIGESTS_MAX:
        _DIGESTS.clear()

    def walk(e) -> str:
        found = _DIGESTS.get(id(e))
        if found is not None and found[0] is e:
            return found[1]
        if not e.args or isinstance(e, AppliedUndef):
            text = sp.srepr(e)
        else:
            cls = type(e)
            text = f"{cls.__module__}.{cls.__qualname__}(" + ",".join(walk(a) for a in e.args) + ")"
        h = _hash(text)
        _DIGESTS[id(e)] = (e, h)
        return h

    return walk(expr)


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def stable_seed(*parts: object) -> int:
    """A seed from text that does not change between runs (unlike ``hash``)."""
    return zlib.crc32("\x1f".join(map(str, (SEED, *parts))).encode())


def seeds_from(*parts: object) -> Callable[..., int]:
    """``stable_seed(*parts, *more)`` for many ``more``, with ``parts`` printed once (a claim prints slowly).

    >>> seeds_from("diagnosis", "x + 1")("y") == stable_seed("diagnosis", "x + 1", "y")
    True
    """
    stem = zlib.crc32("\x1f".join(map(str, (SEED, *parts))).encode())  # crc32 continues from a prefix's
    return lambda *more: zlib.crc32("".join(f"\x1f{m}" for m in more).encode(), stem)


@dataclass(frozen=True)
class Domain:
    """Open intervals per symbol; any other symbol lives in ``default``.

    Examples
    --------
    >>> from sympy import Symbol
    >>> a = Symbol("a", positive=True)
    >>> d = Domain.of({a: (0, 1)})
    >>> d.interval(a)
    (0.0, 1.0)
    >>> p = d.sample([a], 3, seed=1)
    >>> all(0 < q[a] < 1 for q in p)
    True
    """

    bounds: tuple[tuple[str, float, float], ...] = ()
    default: tuple[float, float] = DEFAULT_INTERVAL

    @classmethod
    def of(cls, bounds: Mapping[sp.Symbol | str, tuple[float, float]] | None = None,
           default: tuple[float, float] = DEFAULT_INTERVAL) -> Domain:
        items = []
        for s, (lo, hi) in (bounds or {}).items():
            lo, hi = float(lo), float(hi)
            if not lo < hi:
                raise ValueError(f"empty interval for {s}: ({lo}, {hi})")
            items.append((str(s), lo, hi))
        return cls(tuple(sorted(items)), (float(default[0]), float(default[1])))

    def merged(self, other: Domain) -> Domain:
        """This domain with ``other``'s intervals taking precedence."""
        mine = {n: (lo, hi) for n, lo, hi in self.bounds}
        mine.update({n: (lo, hi) for n, lo, hi in other.bounds})
        return Domain.of(mine, self.default)

    def interval(self, symbol: sp.Symbol | str) -> tuple[float, float]:
        name = str(symbol)
        for n, lo, hi in self.bounds:
            if n == name:
                return (lo, hi)
        return self.default

    def sample(self, symbols: Iterable[sp.Symbol], n: int, seed: int) -> list[dict[sp.Symbol, sp.Rational]]:
        """``n`` seeded points, as exact dyadic rationals, in a stable order."""
        names = {s: str(s) for s in set(symbols)}  # (str prints: once per symbol)
        syms = sorted(names, key=lambda s: (names[s], s.sort_key()))
        rng = np.random.default_rng(seed)
        points: list[dict[sp.Symbol, sp.Rational]] = [{} for _ in range(n)]
        for s in syms:
            lo, hi = self.interval(names[s])
            u = rng.uniform(_MARGIN, 1 - _MARGIN, size=n)
            for p, ui in zip(points, u.tolist(), strict=False):
                v = lo + ui * (hi - lo)
                if abs(v) < _AWAY_FROM_ZERO and lo < -_AWAY_FROM_ZERO < hi:
                    v = _AWAY_FROM_ZERO if v >= 0 else -_AWAY_FROM_ZERO
                p[s] = sp.Rational(round(v * _DENOMINATOR), _DENOMINATOR)
        return points
