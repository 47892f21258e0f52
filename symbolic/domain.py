"""Where a claim's variables live, and seeded points drawn from there.

A :class:`Domain` maps symbols to open intervals.  Points are dyadic
rationals (k / 2**16), so that NumPy, mpmath and SymPy all see *exactly* the
same inputs: a counterexample printed in a report reproduces bit for bit.

Sampling stays inside the interval by a margin, so that ``ln(a)`` near 0,
``sigma(z)`` rounding to 1.0 for large ``z`` and similar edges are never hit by
accident (see MEASUREMENTS.md: sampling z in +-40 faked 36 failures in 1,000).
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

__all__ = ["DEFAULT_INTERVAL", "Domain", "SEED", "stable_seed"]

SEED = 20181130
DEFAULT_INTERVAL = (-2.0, 2.0)
_DENOMINATOR = 2**16
# keep clear of the interval ends and of 0 (ReLU's kink, sign changes)
_MARGIN = 0.05
_AWAY_FROM_ZERO = 1.0 / 64


def srepr(expr) -> str:
    """``sympy.srepr``, remembered: the symbolic and the numeric check seed from the same claim.

    Remembered by the expression *and its symbols*: SymPy finds ``Subs(f(z), z, p)`` equal to
    ``Subs(f(u), u, p)`` (the bound name does not matter to it), and a cache keyed by the
    expression alone would give one the other's text -- and so other seeded points, depending on
    which was checked first in the process.
    """
    if not isinstance(expr, sp.Basic):  # a mutable matrix: nothing to remember it by
        return sp.srepr(expr)
    return _srepr(expr, frozenset(expr.atoms(sp.Symbol)))


@lru_cache(maxsize=4096)
def _srepr(expr, symbols) -> str:
    return sp.srepr(expr)


def stable_seed(*parts: object) -> int:
    """A seed from text that does not change between runs (unlike ``hash``)."""
    return zlib.crc32("\x1f".join(map(str, (SEED, *parts))).encode())


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
        syms = sorted(set(symbols), key=lambda s: (str(s), s.sort_key()))
        rng = np.random.default_rng(seed)
        points: list[dict[sp.Symbol, sp.Rational]] = [{} for _ in range(n)]
        for s in syms:
            lo, hi = self.interval(s)
            u = rng.uniform(_MARGIN, 1 - _MARGIN, size=n)
            for p, ui in zip(points, u, strict=False):
                v = lo + ui * (hi - lo)
                if abs(v) < _AWAY_FROM_ZERO and lo < -_AWAY_FROM_ZERO < hi:
                    v = _AWAY_FROM_ZERO if v >= 0 else -_AWAY_FROM_ZERO
                p[s] = sp.Rational(round(v * _DENOMINATOR), _DENOMINATOR)
        return points
