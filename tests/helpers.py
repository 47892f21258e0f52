"""Checks shared by the per-document tests (test_doc000, test_doc003, ...).

Each helper takes a step and asserts one property of its encoding:

* :func:`assert_latex_at_line` -- the LaTeX is verbatim in the source and
  starts on the cited line;
* :func:`independent_value` -- a side re-evaluated at a counterexample,
  independently of ``decide``, with ``sympy.N`` on the definitions;
* :func:`mutants` / :func:`assert_mutant_fails` -- small rewrites of a proved
  step's right side must all be refuted (the check is not vacuous).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import sympy as sp

from gradproof.derivations.model import Claim, Derivation, Kind, Step, source_text
from gradproof.symbolic.activations import expand_definitions
from gradproof.symbolic.equivalence import Status, decide

__all__ = [
    "MUTANT_KINDS", "assert_every_display_has_a_step",
    "assert_mutant_kinds_exercised", "assert_steps_in_document_order", "assert_kind_matches_claim", "assert_latex_at_line",
    "assert_mutant_fails", "assert_mutant_kinds_apply",
    "display_spans", "holding", "independent_value", "mutant_params", "mutants", "step_params",
]


# --------------------------------------------------------------------------
# parametrization
# --------------------------------------------------------------------------

def step_params(derivation: Derivation, steps: Iterable[Step] | None = None):
    """``pytest.param`` per step, with the id ``<document key>/<step id>``."""
    import pytest

    steps = derivation.steps if steps is None else steps
    return [pytest.param(s, id=f"{derivation.key}/{s.id}") for s in steps]


def holding(derivation: Derivation) -> list[Step]:
    """The checkable scalar steps recorded as correct."""
    return [s for s in derivation.steps
            if s.kind in (Kind.EQUALS, Kind.DERIVATIVE) and s.erratum is None]


# --------------------------------------------------------------------------
# the text
# --------------------------------------------------------------------------

def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def assert_latex_at_line(step: Step) -> None:
    """``step.latex`` occurs verbatim in the source, starting on ``step.cite.line``."""
    text = source_text(step.cite.document)
    starts = _line_starts(text)
    line = step.cite.line
    assert 1 <= line <= len(starts), f"{step.id}: line {line} is outside the file"
    begin = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    found = text.find(step.latex, begin)
    assert found != -1, f"{step.id}: {step.latex!r} is not in the file at or after line {line}"
    assert found < end, (f"{step.id}: {step.latex!r} first occurs at or after line {line} on line "
                         f"{text.count(chr(10), 0, found) + 1}, not on line {line}")


def assert_steps_in_document_order(derivation: Derivation) -> None:
    lines = [s.cite.line for s in derivation.steps]
    assert lines == sorted(lines), "steps out of document order"
    assert all(s.cite.document == derivation.source for s in derivation.steps)


def assert_every_display_has_a_step(derivation: Derivation) -> None:
    """Each ``$$ ... $$`` display of the source has a step citing one of its lines."""
    cited = [s.cite.line for s in derivation.steps]
    missing = [(a, b) for a, b in display_spans(derivation.source)
               if not any(a <= c <= b for c in cited)]
    assert not missing, f"displays without a step: {missing}"


def display_spans(source: str) -> list[tuple[int, int]]:
    """(first line, last line) of every ``$$ ... $$`` display in a source file."""
    text = source_text(source)
    spans = []
    for m in re.finditer(r"\$\$(.*?)\$\$", text, re.S):
        first = text.count("\n", 0, m.start()) + 1
        spans.append((first, first + m.group(0).count("\n")))
    return spans


# --------------------------------------------------------------------------
# verdicts, evaluated independently
# --------------------------------------------------------------------------

DIGITS = 30


def _point_for(exprs, named: dict[str, float]) -> dict[sp.Symbol, sp.Rational]:
    """A counterexample given by symbol names, mapped onto the expressions' symbols (exactly)."""
    syms = set()
    for e in exprs:
        syms |= e.free_symbols
    # the witness points are dyadic rationals, so the floats convert exactly
    return {s: sp.Rational(named[str(s)]) for s in syms if str(s) in named}


def independent_value(expr, point: dict[sp.Symbol, sp.Rational]) -> sp.Float:
    """``expr`` at ``point``: definitions expanded, derivatives taken, then ``sympy.N``."""
    value = sp.N(expand_definitions(expr).doit().subs(point), DIGITS)
    assert value.is_real and value.is_finite, f"{expr} is not a finite real at {point}: {value}"
    return value


def _differ(u, v) -> bool:
    return abs(u - v) > sp.Float("1e-15", DIGITS) * (1 + abs(u) + abs(v))



def assert_kind_matches_claim(step: Step) -> None:
    """DERIVATIVE iff the claim's left side has a Derivative; notation and definitions claim nothing."""
    if step.kind in (Kind.EQUALS, Kind.DERIVATIVE):
        has = step.claim.lhs.has(sp.Derivative)
        assert has == (step.kind is Kind.DERIVATIVE), (
            f"{step.id}: kind {step.kind} but the left side {'has' if has else 'has no'} Derivative")
        assert step.says, f"{step.id}: say what the step claims and what it is checked against"
    elif step.kind is Kind.NOTATION:
        assert step.claim is None and step.erratum is None and step.reason
    elif step.kind is Kind.DEFINITION:
        assert step.claim is None and step.erratum is None and step.says


# --------------------------------------------------------------------------
# mutants
# --------------------------------------------------------------------------

# nodes whose insides are never rewritten: the variables of a Derivative or
# a Subs are not expressions to perturb
_OPAQUE = (sp.Derivative, sp.Subs)


def _nodes(expr):
    """Preorder, outermost first, without entering Derivative or Subs."""
    yield expr
    if isinstance(expr, _OPAQUE) or expr.is_Atom:
        return
    for arg in expr.args:
        yield from _nodes(arg)


def _first(expr, test: Callable[[sp.Basic], bool]):
    return next((n for n in _nodes(expr) if test(n)), None)


def _is_factor_bearing(n) -> bool:
    return isinstance(n, sp.Mul) and any(not f.is_number for f in n.args)


def _drop_factor(rhs):
    mul = _first(rhs, _is_factor_bearing)
    if mul is None:
        return sp.Integer(1)  # the only factor dropped
    factors = list(mul.args)
    factors.remove(next(f for f in factors if not f.is_number))
    return rhs.xreplace({mul: sp.Mul(*factors)})


def _bump_exponent(rhs):
    power = _first(rhs, lambda n: isinstance(n, sp.Pow) and n.exp.is_number)
    if power is None:
        # x = x**1 -> x**2, for the first symbol, or for the whole side if it is one opaque node
        base = _first(rhs, lambda n: isinstance(n, (sp.Symbol, *_OPAQUE)))
        return None if base is None else rhs.xreplace({base: base ** 2})
    new = power.exp + 1 if power.exp + 1 != 0 else power.exp - 1
    return rhs.xreplace({power: sp.Pow(power.base, new)})


def _swap_add_mul(rhs):
    add = _first(rhs, lambda n: isinstance(n, sp.Add))
    if add is not None:
        return rhs.xreplace({add: sp.Mul(*add.args)})
    mul = _first(rhs, _is_factor_bearing)
    return None if mul is None else rhs.xreplace({mul: sp.Add(*mul.args)})


MUTANT_KINDS: dict[str, Callable] = {
    "negate": lambda r: -r,
    "double": lambda r: 2 * r,
    "drop-factor": _drop_factor,
    "exponent": _bump_exponent,
    "add-for-mul": _swap_add_mul,
}


def mutants(rhs) -> dict[str, sp.Expr]:
    """Each kind's rewrite of ``rhs``, where the kind applies and changes the expression."""
    rhs = sp.sympify(rhs)
    out = {}
    for kind, rewrite in MUTANT_KINDS.items():
        m = rewrite(rhs)
        if m is not None and m != rhs:
            out[kind] = m
    return out


def _equivalent_at_points(u, v, domain, seed: int = 7, n: int = 4) -> bool:
    """True if ``u`` and ``v`` agree at ``n`` sampled points (evaluated with sympy alone).

    Used only to *skip* a mutant that happens to equal the original; a point
    where either side is not a finite real tells nothing and is passed over.
    """
    syms = sorted(u.free_symbols | v.free_symbols, key=str)
    U, V = expand_definitions(u).doit(), expand_definitions(v).doit()
    told = False
    for p in domain.sample(syms, n, seed):
        a, b = sp.N(U.subs(p), DIGITS), sp.N(V.subs(p), DIGITS)
        if not (a.is_real and b.is_real and a.is_finite and b.is_finite):
            continue
        told = True
        if _differ(a, b):
            return False
    return told


MUTANT_BUDGET = 2.0  # seconds; the slowest refutation of a mutant took 0.6 s


def mutant_params(derivation: Derivation):
    """``pytest.param(step, kind, mutant)`` for every rewrite of every proved step's right side."""
    import pytest

    return [pytest.param(step, kind, m, id=f"{derivation.key}/{step.id}/{kind}")
            for step in holding(derivation)
            for kind, m in mutants(step.claim.rhs).items()]


def assert_mutant_fails(step: Step, kind: str, mutant) -> None:
    """A rewrite of a proved step's right side is refuted, unless it happens to be equivalent."""
    import pytest

    claim: Claim = step.claim
    if _equivalent_at_points(mutant, sp.sympify(claim.rhs), step.domain):
        pytest.skip(f"the '{kind}' rewrite equals the right side at every sampled point")
    # a refutation comes from the first tier (the numeric witness): the proof tiers and their
    # time are not needed, and a budget this size only caps the known-undecided cases
    verdict = decide(claim.lhs, mutant, step.domain, MUTANT_BUDGET, use_simplify=False)
    assert verdict.status is Status.FAILS, (
        f"{step.id}: the '{kind}' rewrite {mutant} was not refuted: {verdict.status} "
        f"({verdict.method}: {verdict.reason})")


def assert_mutant_kinds_exercised(derivation: Derivation, min_steps: int = 10) -> None:
    """Every kind of rewrite applies to at least ``min_steps`` of the document's proved steps."""
    counts = {k: 0 for k in MUTANT_KINDS}
    for step in holding(derivation):
        for kind in mutants(step.claim.rhs):
            counts[kind] += 1
    assert all(n >= min_steps for n in counts.values()), counts


def assert_mutant_kinds_apply(step: Step, min_kinds: int = 4) -> None:
    """At least ``min_kinds`` kinds of rewrite change the right side, and one is not equivalent.

    A right side that is a bare number (``x f'(x) = 1``) has no factor, exponent or
    sum to rewrite: only the sign and the scale apply to it.
    """
    rhs = sp.sympify(step.claim.rhs)
    found = mutants(rhs)
    if rhs.is_number:
        min_kinds = 2
    assert len(found) >= min_kinds, f"{step.id}: only {sorted(found)} apply to {rhs}"
    assert any(not _equivalent_at_points(m, rhs, step.domain) for m in found.values()), (
        f"{step.id}: every rewrite of {rhs} is equivalent to it")


# The header of the Coursera shallow network as a matrix note (column layout, tanh then sigmoid):
# the matrix-note tests and the diagnosis of matrix notes write their links under it.
SHALLOW_NOTE = r"""<!-- gradproof
layout columns
elementwise *
shape X : n_0 \times m
shape Y : 1 \times m
shape W^{[1]} : n_1 \times n_0
shape b^{[1]} : n_1 \times 1
shape W^{[2]} : 1 \times n_1
shape b^{[2]} : 1 \times 1
let g(z) = \tanh(z)
let Z^{[1]} = W^{[1]} X + b^{[1]}
let A^{[1]} = g(Z^{[1]})
let Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}
let A^{[2]} = \sigma(Z^{[2]})
let J = -\frac{1}{m} \operatorname{sum}(Y * \log A^{[2]} + (1 - Y) * \log(1 - A^{[2]}))
let dZ^{[2]} = m \frac{\partial J}{\partial Z^{[2]}}
let dW^{[2]} = \frac{\partial J}{\partial W^{[2]}}
let db^{[2]} = \frac{\partial J}{\partial b^{[2]}}
let dZ^{[1]} = m \frac{\partial J}{\partial Z^{[1]}}
let dW^{[1]} = \frac{\partial J}{\partial W^{[1]}}
let db^{[1]} = \frac{\partial J}{\partial b^{[1]}}
assume 0 < Y < 1
-->
"""
