"""Numeric tolerances and step sizes, named once (autograd's test_util keeps them together too).

Central differences in float64 have truncation error O(EPS**2) and round-off
error O(machine epsilon / EPS); their sum is smallest near EPS = 1e-5, where
MEASUREMENTS.md measured a best relative error of about 1e-10.  RTOL leaves
four orders of magnitude of head-room above that, and still catches every
slip a document can make (a dropped factor, a sign, an exponent): those are
errors of order one.  ATOL covers values that are exactly 0.
"""
EPS = 1e-5  # central-difference step, relative to max(1, |x|)
RTOL = 1e-6  # relative tolerance on a finite-difference comparison
ATOL = 1e-8  # absolute tolerance, for values at or near 0
EPS_HIGHER_ORDER = 1e-4  # nested central differences: round-off grows as 1/h**order
RTOL_HIGHER_ORDER = 1e-5  # second and higher derivatives by nested differences
ATOL_HIGHER_ORDER = 1e-6
CS_STEP = 1e-20  # complex step: no subtraction, so any tiny step is exact to round-off
POINTS = 16  # seeded points per numeric check
