"""Numeric tolerances and the finite-difference step, named once for every numeric check.

Both the scalar check (:mod:`checks.numeric`) and the matrix check
(:mod:`checks.matrix`) compare a derivative measured by central differences
with a closed form evaluated in float64.  A comparison passes when

    |lhs - rhs| <= ATOL + RTOL * |rhs|        (NumPy's ``isclose`` rule)

Why these values
----------------
``EPS = 1e-5``
    The central difference ``(f(x + h) - f(x - h)) / 2h`` has a truncation
    error of about ``h**2 |f'''| / 6`` and a round-off error of about
    ``u |f| / h`` with ``u = 2**-53 ~ 1.1e-16`` (float64).  The sum is
    smallest near ``h = u**(1/3) ~ 5e-6``; at ``h = 1e-5`` both terms are
    about 1e-10 relative for the bounded functions we sample (measured in
    MEASUREMENTS.md: best relative error ~1e-10 at 1e-5, 3e-5 at 1e-2,
    8e-7 at 1e-9).
``RTOL = 1e-6``
    Four orders of magnitude above that error, so that a true identity never
    fails by round-off, and far below any slip a document makes (a missing
    1/m, 1 - A in place of 1 - A**2), which are errors of order 1e-2 or more.
``ATOL = 1e-8``
    For entries whose true value is 0 or tiny, where a relative bound means
    nothing; still 100 times the absolute error of the difference quotient.

Per-step overrides, when a step needs them, are passed explicitly to the
check; these are the defaults.

Examples
--------
>>> within(1.0 + 1e-9, 1.0)
True
>>> within(1.0 + 1e-3, 1.0)
False
"""
from __future__ import annotations

__all__ = ["ATOL", "EPS", "POINTS", "RTOL", "bound", "within"]

EPS = 1e-5
RTOL = 1e-6
ATOL = 1e-8
POINTS = 16  # seeded points per scalar numeric check (checks/numeric.py)


def bound(rhs: float, rtol: float = RTOL, atol: float = ATOL) -> float:
    """The largest ``|lhs - rhs|`` accepted for a closed-form value ``rhs``."""
    return atol + rtol * abs(rhs)


def within(lhs: float, rhs: float, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """``|lhs - rhs| <= ATOL + RTOL |rhs|``."""
    return abs(lhs - rhs) <= bound(rhs, rtol, atol)
