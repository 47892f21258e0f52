"""The decision engine: sound verdicts, confirmed counterexamples, bounded time.

Oracles here are independent of the engine: counterexamples are re-evaluated
with SymPy's own ``N`` on the definitions, true identities are textbook ones.
"""
import time

import pytest
import sympy as sp

from gradproof.symbolic.activations import expand_definitions, relu, sigmoid, tanh
from gradproof.symbolic.domain import Domain
from gradproof.symbolic.equivalence import Status, Timeout, bounded, decide, in_child
from gradproof.symbolic.losses import bce

a, y = sp.symbols("a y", positive=True)
z, w, x, b = sp.symbols("z w x b", real=True)
u, v = sp.symbols("u v", real=True)
E = sp.exp
UNIT = Domain.of({a: (0, 1), y: (0, 1)})

TRUE = {
    "dbce/da": (sp.Derivative(bce(a, y), a), -y / a + (1 - y) / (1 - a)),
    "sigmoid'": (sp.Derivative(sigmoid(z), z), sigmoid(z) * (1 - sigmoid(z))),
    "sigmoid' exp": (sp.Derivative(sigmoid(z), z), E(-z) / (1 + E(-z)) ** 2),
    "tanh'": (sp.Derivative(tanh(z), z), 1 - tanh(z) ** 2),
    "dL/dz": (sp.Derivative(bce(sigmoid(z), y), z), sigmoid(z) - y),
    "dL/dw": (sp.Derivative(bce(sigmoid(w * x + b), y), w), x * (sigmoid(w * x + b) - y)),
    "log sigmoid": (sp.log(sigmoid(z)), -sp.log(1 + E(-z))),
    "log 1-sigmoid": (sp.log(1 - sigmoid(z)), -z - sp.log(1 + E(-z))),
    "softplus": (sp.log(E(z) * (1 + E(-z))), sp.log(1 + E(z))),
    "bce in z": (bce(sigmoid(z), y), -(y * z - sp.log(1 + E(z)))),
    "common denominator": (y / a - (1 - y) / (1 - a), (y * (1 - a) - a * (1 - y)) / (a * (1 - a))),
    "relu' off the kink": (sp.Derivative(relu(z), z) * z, relu(z)),
}

FALSE = {
    "ln in the denominator": (sp.Derivative(bce(a, y), a), -y / sp.log(a) + (1 - y) / (1 - a)),
    "exponent -1 for -2": (sp.Derivative(sigmoid(z), z), -(1 + E(-z)) ** -1 * (E(-z) * -1)),
    "sign inside bracket": (sp.Derivative(bce(sigmoid(z), y), z), -(y * (1 - sigmoid(z)) + sigmoid(z) * (1 - y))),
    "dropped bias": (sp.Derivative(y * (w * x + b) - sp.log(1 + E(w * x + b)), w), y * x - x * E(w * x) / (1 + E(w * x))),
    "tanh' as 1 - tanh": (sp.Derivative(tanh(z), z), 1 - tanh(z)),
    "cost sign": (bce(sigmoid(z), y), y * z - sp.log(1 + E(z))),
}


@pytest.mark.parametrize("name", sorted(TRUE))
def test_true_identities_hold_with_a_named_method(name):
    lhs, rhs = TRUE[name]
    v = decide(lhs, rhs, UNIT)
    assert v.status is Status.HOLDS, v
    assert v.method and v.counterexample is None


def _independent_value(expr, point):
    """SymPy's N on the definitions, derivatives taken by SymPy: not the engine's path."""
    e = expand_definitions(expr).doit()
    return sp.N(e.subs({sp.Symbol(k, **_assumptions(k)): sp.Rational(v) for k, v in point.items()}), 30)


def _assumptions(name):
    return {"positive": True} if name in ("a", "y") else {"real": True}


@pytest.mark.parametrize("name", sorted(FALSE))
def test_false_claims_fail_with_a_confirmed_counterexample(name):
    lhs, rhs = FALSE[name]
    v = decide(lhs, rhs, UNIT)
    assert v.status is Status.FAILS, v
    assert set(v.counterexample) == {str(s) for s in (lhs.free_symbols | rhs.free_symbols)}
    for k, val in v.counterexample.items():
        lo, hi = UNIT.interval(k)
        assert lo < val < hi
    lv, rv = _independent_value(lhs, v.counterexample), _independent_value(rhs, v.counterexample)
    assert abs(lv - rv) > 1e-6
    assert abs(float(lv) - v.lhs_value) < 1e-12 and abs(float(rv) - v.rhs_value) < 1e-12


def test_verdicts_are_deterministic():
    lhs, rhs = FALSE["dropped bias"]
    assert decide(lhs, rhs, UNIT).counterexample == decide(lhs, rhs, UNIT).counterexample


def test_log_rules_are_not_proved_over_the_reals_without_positivity():
    # log(uv) = log u + log v is false for u, v < 0: never "holds" here
    assert decide(sp.log(u * v), sp.log(u) + sp.log(v)).status is not Status.HOLDS
    p, q = sp.symbols("p q", positive=True)
    assert decide(sp.log(p * q), sp.log(p) + sp.log(q), Domain.of({p: (0, 3), q: (0, 3)})).status is Status.HOLDS


def test_undefined_functions_are_undecided_or_proved_never_refuted_by_numbers():
    g = sp.Function("g")
    assert decide(sp.Derivative(g(z) ** 2, z), 2 * g(z) * sp.Derivative(g(z), z)).status is Status.HOLDS
    v = decide(sp.Derivative(g(z), z), g(z))
    assert v.status is Status.UNDECIDED and v.reason


def _cpu_spin(seconds):
    """Burn ``seconds`` of this process's CPU time (the clock the budgets count)."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_heavy_claim_is_undecided_when_its_cpu_budget_is_spent(monkeypatch):
    # expanding a 60th power of four terms takes SymPy far more than 0.3 s of CPU time anywhere
    # (symengine, which would prove it at once, is switched off: the budget is what is tested)
    from gradproof.symbolic import fast

    monkeypatch.setattr(fast, "AVAILABLE", False)
    monkeypatch.setattr(fast, "opaque_zero", lambda expr, stand_ins=(): None)
    s = x + y + z + 1
    v = decide(s**60, (2 * x + 2 * y + 2 * z + 2) ** 60 / 2**60, budget=0.3)
    assert v.status is Status.UNDECIDED and "CPU budget of 0.3 s spent" in v.reason


def test_bounded_interrupts_python_loops():
    with pytest.raises(Timeout):  # without the timer this never ends
        bounded(lambda: [i for i in iter(int, 1)], 0.2)


def test_bounded_counts_cpu_time_not_waiting():
    # 0.3 s of sleep uses no CPU: a wall-clock budget of 0.1 s would end it, a CPU budget does not
    assert bounded(lambda: time.sleep(0.3) or 42, 0.1) == 42
    with pytest.raises(Timeout):
        bounded(lambda: _cpu_spin(5), 0.1)


def test_in_child_ends_a_computation_at_its_cpu_budget_even_inside_c_code():
    with pytest.raises(Timeout, match="CPU"):
        in_child(lambda: len(str(3 ** 10**8)), 0.3)  # big-integer arithmetic in C, ~seconds
    with pytest.raises(Timeout, match="CPU"):
        in_child(lambda: _cpu_spin(60), 0.3)
    assert in_child(lambda: 6 * 7, 5) == 42


def test_in_child_kills_a_hung_child_at_its_wall_clock_safety():
    with pytest.raises(Timeout, match="wall"):  # sleeping uses no CPU: only the safety ends it
        in_child(lambda: time.sleep(60), 5, wall=0.5)


def test_in_child_reports_an_exception_of_the_child():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        in_child(lambda: 1 / 0, 5)


def test_an_easy_refutation_needs_no_canonical_form(monkeypatch):
    # sqrt(x) is real on half of the default interval: whichever point comes first, the cheap
    # witness alone (the ladder is out of the way here) finds one where the sides differ
    import gradproof.symbolic.equivalence as equivalence

    def spent(*args, **kwargs):
        raise Timeout("opaque")

    monkeypatch.setattr(equivalence, "ladder", spent)
    for seed in range(12):
        v = decide(2 * sp.sqrt(x), sp.sqrt(x), seed=seed)
        assert v.status is Status.FAILS and v.counterexample["x"] > 0, seed


def test_a_dropped_factor_in_the_gradient_of_a_sum_fails():
    X, Y = sp.IndexedBase("x", real=True), sp.IndexedBase("y", real=True)
    i = sp.Symbol("i", integer=True)
    L = sp.Sum((w * X[i] + b - Y[i]) ** 2, (i, 1, 3))
    grad = 2 * sp.Sum(w * X[i] + b - Y[i], (i, 1, 3))
    assert decide(sp.Derivative(L, b), grad).status is Status.HOLDS
    v = decide(sp.Derivative(L, b), grad / 2)
    assert v.status is Status.FAILS
    assert set(v.counterexample) == {"b", "w", "x[1]", "x[2]", "x[3]", "y[1]", "y[2]", "y[3]"}
    # the sum written out by hand, evaluated by SymPy: twice the right side
    at = {b: v.counterexample["b"], w: v.counterexample["w"]}
    at |= {X[k]: v.counterexample[f"x[{k}]"] for k in (1, 2, 3)} | {Y[k]: v.counterexample[f"y[{k}]"] for k in (1, 2, 3)}
    by_hand = sum(2 * (w * X[k] + b - Y[k]) for k in (1, 2, 3))
    assert abs(float(by_hand.subs(at)) - v.lhs_value) < 1e-9
    assert abs(v.lhs_value - 2 * v.rhs_value) < 1e-9


def test_the_residual_of_a_failure_is_bounded_by_size_not_time():
    from gradproof.symbolic.equivalence import residual

    # by hand: (y(1 - a) - a(1 - y) - a(1 - a)) / (a(1 - a)) = (a^2 - 2a + y) / (a - a^2)
    assert residual(y / a - (1 - y) / (1 - a) - 1) == "(-a**2 + 2*a - y)/(a**2 - a)"
    big = sum(sp.exp(k * z) / (k + z) for k in range(1, 20))
    assert residual(big) is None  # too many nodes to help a reader
    assert residual((x + 1) ** 40 - x) is None  # a high power: its expansion is costly


def test_matrices_are_decided_entry_by_entry_and_name_the_entry():
    M = sp.Matrix([[sp.Derivative(sigmoid(z), z), z], [z, 1]])
    good = sp.Matrix([[sigmoid(z) * (1 - sigmoid(z)), z], [z, 1]])
    bad = sp.Matrix([[sigmoid(z) * (1 - sigmoid(z)), z], [z, 2]])
    assert decide(M, good).status is Status.HOLDS
    v = decide(M, bad)
    assert v.status is Status.FAILS and v.where == "[1, 1]"
    shape = decide(M, sp.Matrix([[1, 2]]))
    assert shape.status is Status.FAILS and "2x2 vs 1x2" in shape.reason


def test_text_is_never_evaluated():
    with pytest.raises(TypeError):
        decide("__import__('os').getcwd()", 1)
    assert decide(1, 1).status is Status.HOLDS  # plain numbers are fine


def test_a_timeout_is_not_lost_in_a_garbage_collector_callback():
    import gc

    def gc_callback(phase, info):  # the name hypothesis gives its gc timer; most time is spent here
        sum(range(300_000))

    def work():  # about 5 s of CPU, nearly all of it inside gc_callback: it ends without a Timeout
        return [[[] for _ in range(100)] for _ in range(7_000)]

    gc.callbacks.append(gc_callback)
    try:
        with pytest.raises(Timeout):
            bounded(work, 0.2)
    finally:
        gc.callbacks.remove(gc_callback)


def test_nested_budgets_keep_the_outer_deadline():
    def inner():
        bounded(lambda: sum(range(10)), 5)  # finishes at once; the outer timer must survive it
        _cpu_spin(3)  # without the outer deadline: 3 s, then no Timeout

    with pytest.raises(Timeout):
        bounded(inner, 0.3)


def test_the_oracle_takes_matrices_entry_by_entry():
    from gradproof.symbolic.equivalence import oracle

    M = oracle(sp.Matrix([[sp.Derivative(sigmoid(z), z), z]]))
    assert M.shape == (1, 2) and not M.has(sigmoid) and M[0, 1] == z


def test_nodes_kept_opaque_keep_a_proof_a_proof_and_prove_nothing_false():
    from gradproof.symbolic import fast

    if not fast.AVAILABLE:
        pytest.skip("symengine is not installed")
    x, a, b = sp.symbols("x a b", real=True)
    rule = 1 - sp.tanh(x) ** 2  # tanh's declared derivative, kept whole by the opaque tier
    # (opaque) * (a + b) - (opaque) * a - (opaque) * b is 0 for any value of the opaque node
    assert fast.opaque_zero(rule * (a + b) - rule * a - rule * b, frozenset({rule})) is True
    # a false claim stays unproved, whatever is kept whole
    assert fast.opaque_zero(rule - 1, frozenset({rule})) is None
    assert fast.opaque_zero(rule * a - a, frozenset({rule})) is None
    # an identity that needs the node's inside is not proved with the node kept whole (sound, weaker)
    assert fast.opaque_zero(rule * a + sp.tanh(x) ** 2 * a - a, frozenset({rule})) is None
    assert fast.opaque_zero(rule * a + sp.tanh(x) ** 2 * a - a) is True


@pytest.mark.parametrize("make", [
    lambda x, y, i: sp.exp(x * y) + sp.tanh(x) ** 2,
    lambda x, y, i: sp.Subs(sp.Derivative(sp.sin(x) * y, x), x, y ** 2),
    lambda x, y, i: sp.Sum(sp.IndexedBase("w")[i] * x, (i, 1, 3)) + y,
    lambda x, y, i: sp.Piecewise((x, x > y), (0, True)) + sp.Heaviside(y, 0),
    lambda x, y, i: sp.Derivative(sp.Function("f")(x), x) * y,
    lambda x, y, i: sp.IndexedBase("x")[1] * y + sp.Lambda(x, x ** 2)(y),
])
def test_free_symbols_from_the_distinct_nodes_are_sympys(make):
    from gradproof.symbolic.equivalence import _free_symbols
    from gradproof.symbolic.nodes import distinct_nodes

    x, y = sp.symbols("x y", real=True)
    e = make(x, y, sp.Symbol("i", integer=True))
    assert _free_symbols(e, distinct_nodes(e)) == e.free_symbols
