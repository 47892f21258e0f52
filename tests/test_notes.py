"""Notes as their authors wrote them (NOTATION.md): each form, its verdict decided by hand.

Every expected verdict below is the mathematics of the line (worked by hand), never gradproof's own
output: a true identity holds, a slip (a dropped factor, a sign, a transposed index) fails.
"""
from __future__ import annotations

from gradproof.checks.reading import read_note
from gradproof.checks.runner import run
from gradproof.derivations.model import Kind
from gradproof.symbolic.equivalence import Status

H, F = Status.HOLDS, Status.FAILS


def verdicts(text: str) -> list[tuple[int, Status | str]]:
    reading = read_note(text, "n.md")
    assert reading.errors == (), reading.errors
    return [(r.step.cite.line, "definition" if r.step.kind is Kind.DEFINITION else r.verdict)
            for r in run(reading.derivation).results]


def errors(text: str) -> list[tuple[int, str]]:
    return [(e.line, e.message) for e in read_note(text, "n.md").errors]


# --------------------------------------------------------------------------
# sums (issue 7): one vector inside and outside a sum, checked at several sizes
# --------------------------------------------------------------------------

def test_a_sum_with_a_symbolic_bound_is_checked_not_a_crash():
    text = ("<!-- gradproof\nlet L = \\frac{1}{m} \\sum_{i=1}^{m} (w x^{(i)} + b - y^{(i)})^2\n-->\n"
            "$$\\frac{\\partial L}{\\partial b} = \\frac{2}{m} \\sum_{i=1}^{m} (w x^{(i)} + b - y^{(i)})$$\n"
            "$$\\frac{\\partial L}{\\partial b} = \\frac{1}{m} \\sum_{i=1}^{m} (w x^{(i)} + b - y^{(i)})$$\n")
    assert verdicts(text) == [(4, H), (5, F)]  # the second drops the factor 2 of the square


def test_an_indexed_name_is_one_vector_inside_and_outside_a_sum():
    text = ("<!-- gradproof\nlet L = \\sum_{i=1}^{3} x_i\n-->\n$$\\frac{\\partial L}{\\partial x_1} = 1$$\n"
            "$$L = x_1 + x_2 + x_3$$\n$$L = x_1 + x_2$$\n")
    assert verdicts(text) == [(4, H), (5, H), (6, F)]


def test_a_free_index_means_every_value_and_sizes_vary():
    text = ("<!-- gradproof\nindex i, k = 1..n\nlet p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}\n"
            "let L = -\\sum_k t_k \\ln p_k\nassume \\sum_k t_k = 1\n-->\n"
            "$$\\frac{\\partial L}{\\partial z_i} = p_i - t_i$$\n"
            "$$\\frac{\\partial L}{\\partial z_i} = p_i + t_i$$\n"
            "$$\\frac{\\partial}{\\partial x_i} \\sum_k x_k^2 = 2 x_i$$\n"
            "$$\\frac{\\partial}{\\partial x_i} \\sum_k x_k^2 = x_i$$\n"
            "$$\\sum_{k \\neq i} x_k = \\sum_k x_k - x_i$$\n")
    assert verdicts(text) == [(7, H), (8, F), (9, H), (10, F), (11, H)]


def test_a_sum_of_a_fixed_size_is_not_enough_for_a_claim_about_every_size():
    # true for n = 2 only: sizes 2, 3 and 4 are checked, so it fails
    text = "<!-- gradproof\nindex k = 1..n\n-->\n$$\\sum_k 1 = 2$$\n"
    assert verdicts(text) == [(4, F)]


def test_kronecker_delta_and_conditions_on_a_link():
    text = ("<!-- gradproof\nindex i, j, k = 1..n\nlet p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}\n-->\n"
            "$$\\frac{\\partial p_i}{\\partial z_j} = p_i (\\delta_{ij} - p_j)$$\n"
            "$$\\frac{\\partial p_i}{\\partial z_j} = p_i (1 - p_i), \\quad i = j$$\n"
            "$$\\frac{\\partial p_i}{\\partial z_j} = -p_i p_j \\quad (i \\neq j)$$\n"
            "$$\\frac{\\partial p_i}{\\partial z_j} = -p_i p_j \\quad \\text{if } i = j$$\n"
            "$$\\frac{\\partial p_i}{\\partial z_j} = p_i (\\mathbb{1}[i = j] - p_j)$$\n")
    assert verdicts(text) == [(5, H), (6, H), (7, H), (8, F), (9, H)]


def test_an_undeclared_index_outside_its_sum_is_an_error():
    text = "<!-- gradproof\n-->\n$$\\frac{\\partial}{\\partial x_i} \\sum_i x_i^2 = 2 x_i$$\n"
    ((line, message),) = errors(text)
    assert line == 3 and "index i = 1..n" in message
    text = "<!-- gradproof\nindex i, k = 1..n\nlet p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}\n-->\n" \
           "$$\\frac{\\partial p_i}{\\partial z_j} = 0$$\n"  # j undeclared: z_j is not an entry of z
    ((line, message),) = errors(text)
    assert line == 5 and "index j = 1..n" in message


def test_a_cases_right_hand_side_is_one_link():
    text = ("<!-- gradproof\nindex i, k = 1..n\nlet p_i = \\frac{e^{o_i}}{\\sum_k e^{o_k}}\n-->\n"
            "$$\\frac{\\partial p_i}{\\partial o_k} = \\begin{cases} p_k (1 - p_k) & \\text{if } i = k \\\\ "
            "-p_k p_i & \\text{otherwise} \\end{cases}$$\n"
            "$$\\frac{\\partial p_i}{\\partial o_k} = \\begin{cases} p_k (1 - p_k) & i = k \\\\ "
            "p_k p_i & i \\neq k \\end{cases}$$\n")
    assert verdicts(text) == [(5, H), (6, F)]  # the second drops the minus of the i != k branch
    assert read_note(text, "n.md").derivation.steps[0].latex.endswith("\\end{cases}")


def test_a_transpose_is_an_error_at_its_line_and_the_rest_is_checked():
    text = "<!-- gradproof\nlet L = (o-y)^T (o-y)\n-->\n$$L = 1$$\n$$1 + 1 = 2$$\n"
    reading = read_note(text, "n.md")
    assert [(e.line, e.col) for e in reading.errors] == [(2, 14), (4, 3)]
    assert "transpose" in reading.errors[0].message
    assert [s.cite.line for s in reading.derivation.steps] == [5]


# --------------------------------------------------------------------------
# primes and functions
# --------------------------------------------------------------------------

def test_primes_and_functions():
    text = ("<!-- gradproof\nlet f(x) = x^2 \\sin(x)\nlet g(x, y) = x y^2\nlet y = \\tanh(u)\n-->\n"
            "$$f'(x) = 2x \\sin(x) + x^2 \\cos(x)$$\n"
            "$$f'(x) = 2x \\cos(x)$$\n"
            "$$\\frac{\\partial g}{\\partial y} = 2 x y$$\n"
            "$$y' = 1 - y^2$$\n"
            "$$y'' = -2 y (1 - y^2)$$\n"
            "$$\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$$\n"
            "$$\\sigma’(z) = \\sigma(z)^2$$\n"
            "$$\\frac{d}{dx}\\operatorname{softplus}(x) = \\sigma(x)$$\n"
            "$$\\frac{d}{dx} f(x) = f'(x)$$\n")
    assert verdicts(text) == [(6, H), (7, F), (8, H), (9, H), (10, H), (11, H), (12, F), (13, H), (14, H)]


def test_a_prime_needs_one_variable_and_a_definition():
    text = ("<!-- gradproof\nlet q = x y\n-->\n$$q' = y$$\n$$h'(x) = 1$$\n")
    (first, second) = errors(text)
    assert first[0] == 4 and "depends on 2 variables (x, y)" in first[1]
    assert second[0] == 5 and "no let defines" in second[1]


def test_a_word_before_a_parenthesis_is_a_function_or_an_error():
    text = "<!-- gradproof\n-->\n$$sigmoid(x) = \\frac{1}{1 + e^{-x}}$$\n$$foo(x) + 1 = 1$$\n"
    reading = read_note(text, "n.md")
    assert [(e.line, e.message.split(":")[0]) for e in reading.errors] == [(4, "`foo(` is not a known function")]
    assert [r.verdict for r in run(reading.derivation).results] == [H]


def test_greek_letters_are_names_and_free_variables_are_listed():
    text = "<!-- gradproof\nlet a = \\sigma(z)\n-->\n$$\\lambda a + \\ell = \\ell + a \\lambda = \\hat{y}$$\n"
    reading = read_note(text, "n.md")
    assert reading.free_variables == ("ell", "lambda", "yhat", "z")
    assert [r.verdict for r in run(reading.derivation).results] == [H, F]


# --------------------------------------------------------------------------
# blocks: prose, layout, definitions, sections
# --------------------------------------------------------------------------

def test_prose_separates_chains():
    text = ("<!-- gradproof\n-->\n"
            "$$a + 0 = a \\Rightarrow 2a = a + a$$\n"
            "$$x = 1 \\text{ and so } x + 1 = 1 + x$$\n"
            "$$p = p + 0, \\quad q = 2 q - q$$\n")
    # x is new: "x = 1" names it (a definition, nothing asserted); p and q are used on both sides: claims
    assert verdicts(text) == [(3, H), (3, H), (4, "definition"), (4, H), (5, H), (5, H)]
    reading = read_note(text, "n.md")
    assert [s.latex for s in reading.derivation.steps] == [
        "a + 0 = a", "2a = a + a", "x = 1", "x + 1 = 1 + x", "p = p + 0", "q = 2 q - q"]


def test_layout_and_environments_are_ignored():
    text = ("<!-- gradproof\n-->\n$$\n\\begin{eqnarray}\n\\displaystyle y & = & \\boxed{x + x} \\tag{1}\\\\\n"
            "  & = & {\\color{red} 2x}, \\nonumber\n\\end{eqnarray}\n$$\n"
            "\\begin{align}\nu &= {\\rm e}^{0} \\\\\n  &= \\mathrm{e}^{0}.\n\\end{align}\n")
    # y and u are new names: their first links define them, the links between the formulas hold
    assert verdicts(text) == [(5, "definition"), (6, H), (10, "definition"), (11, H)]
    text = text.replace("\\displaystyle y", "\\displaystyle x").replace("u &=", "e^{1} - e + 1 &=")
    assert verdicts(text) == [(5, F), (6, H), (10, H), (11, H)]  # x = 2x is a claim: x is on both sides


def test_definitions_in_blocks_and_later_comments():
    text = ("<!-- gradproof\nlet f(x) = x^2\nlet g = f(t)\n-->\n$$\\frac{dg}{dt} = 2t$$\n"
            "<!-- gradproof\nlet f(x) = x^3\n-->\n$$\\frac{dg}{dt} = 3 t^2$$\n"
            "$$h(x) = e^{2x} \\Rightarrow h'(x) = 2 h(x)$$\n$$E := x + 1 = 1 + x$$\n$$E = 2$$\n")
    assert verdicts(text) == [(5, H), (9, H), (10, "definition"), (10, H), (11, "definition"), (11, H), (12, F)]


def test_a_block_starting_with_equals_continues_the_last_chain():
    text = "<!-- gradproof\n-->\n$$\nx (1 + x) =\n$$\nprose\n$$\n= x + x^2\n$$\n$$= x^2$$\n"
    assert verdicts(text) == [(8, H), (10, F)]


# --------------------------------------------------------------------------
# layers
# --------------------------------------------------------------------------

LAYERS = ("<!-- gradproof\nlayers l\nindex j, k = 1..n\nlet a^l_j = \\sigma(z^l_j)\n"
          "let z^{l+1}_k = \\sum_j w^{l+1}_{kj} a^l_j + b^{l+1}_k\n-->\n")


def test_layer_labels():
    text = LAYERS + ("$$\\frac{\\partial z^{l+1}_k}{\\partial a^l_j} = w^{l+1}_{kj}$$\n"
                     "$$\\frac{\\partial z^{l+1}_k}{\\partial a^l_j} = w^{l+1}_{jk}$$\n"
                     "$$\\frac{\\partial z^l_k}{\\partial b^l_k} = 1$$\n")
    assert verdicts(text) == [(7, H), (8, F), (9, H)]


def test_a_layer_label_or_a_power_is_an_error_without_layers():
    (error,) = errors("<!-- gradproof\n-->\n$$a^L_j = 1$$\n")
    assert error[0] == 3 and "layers l" in error[1]


# --------------------------------------------------------------------------
# functions of examples and of vectors (Andrew Ng's notation)
# --------------------------------------------------------------------------

def test_functions_of_an_example_and_of_a_vector():
    text = ("<!-- gradproof\nindex i = 1..m\nindex j = 1..n\n"
            "let h_{\\theta}(x^{(i)}) = \\sigma\\left(\\sum_j \\theta_j x_j^{(i)}\\right)\n"
            "let J(\\theta) = \\frac{1}{2} \\sum_{i=1}^{m} (h_{\\theta}(x^{(i)}) - y^{(i)})^2\n-->\n"
            "$$\\frac{\\partial J(\\theta)}{\\partial \\theta_j} = \\sum_{i=1}^{m} (h_{\\theta}(x^{(i)}) - y^{(i)}) "
            "h_{\\theta}(x^{(i)}) (1 - h_{\\theta}(x^{(i)})) x_j^{(i)}$$\n"
            "$$\\frac{\\partial J(\\theta)}{\\partial \\theta_j} = \\sum_{i=1}^{m} (h_{\\theta}(x^{(i)}) - y^{(i)}) x_j^{(i)}$$\n"
            "$$J(\\phi) = 0$$\n")
    reading = read_note(text, "n.md")
    assert [(e.line, "defined for" in e.message) for e in reading.errors] == [(9, True)]
    assert [(r.step.cite.line, r.verdict) for r in run(reading.derivation).results] == [(7, H), (8, F)]


def test_entries_of_two_examples_are_different_names():
    text = "<!-- gradproof\nindex j = 1..n\n-->\n$$\\sum_j x_j^{(1)} = \\sum_j x_j^{(2)}$$\n"
    assert verdicts(text) == [(4, F)]


def test_a_let_that_cannot_be_read_is_refused_where_it_is_used():
    text = "<!-- gradproof\nlet h_{\\theta}(x = 1\n-->\n$$h_{\\theta}(x) = 1$$\n$$1 = 1$$\n"
    reading = read_note(text, "n.md")
    assert [e.line for e in reading.errors] == [2, 4]
    assert [s.cite.line for s in reading.derivation.steps] == [5]


def test_an_unreadable_function_name_in_a_block_is_an_error_and_no_function_key():
    # \foo(x) := ... has no function key (_function_key gives None): it must be a FILE:LINE message,
    # and None must not enter the names of the functions a block defined
    from gradproof.checks.notes import _Note

    text = "<!-- gradproof\nlet y = 1\n-->\n$$\\foo(x) := x^2$$\n$$g(x) := x$$\n$$y = 1$$\n"
    note = _Note(text, "n.md")
    reading = note.read()
    assert [(e.line, e.message.split(":")[0]) for e in reading.errors] == \
        [(4, "cannot read the function `\\foo(x)`")]
    assert note.block_functions == {"g"}


# --------------------------------------------------------------------------
# forms of published notes the reader used to refuse or misread
# --------------------------------------------------------------------------

def test_a_sum_runs_to_the_end_of_its_product():
    """``\\sum_i a_i \\cdot b_i`` is the sum of the products (it was read ``b_i \\sum_i a_i``), and so with
    ``*`` (a scalar product in a note without shapes) and ``/``; a ``+`` ends the sum."""
    text = ("<!-- gradproof\nindex i = 1..n\nlet L = \\frac{1}{2} \\sum_{i=1}^{n} (w x_i - y_i)^2\n-->\n"
            "$$\\frac{\\partial L}{\\partial w} = \\sum_{i=1}^{n} (w x_i - y_i) \\cdot x_i$$\n"
            "$$\\frac{\\partial L}{\\partial w} = \\sum_{i=1}^{n} (w x_i - y_i) * x_i$$\n"
            "$$\\frac{\\partial L}{\\partial w} = \\sum_{i=1}^{n} (w x_i - y_i) \\cdot x_i + 1$$\n"
            "$$\\frac{\\partial L}{\\partial w} = \\sum_{i=1}^{n} (w x_i - y_i) \\cdot y_i$$\n"
            "$$\\frac{\\partial L}{\\partial w} = \\sum_{i=1}^{n} (w x_i - y_i) x_i^2 / x_i$$\n")
    assert verdicts(text) == [(5, H), (6, H), (7, F), (8, F), (9, H)]


def test_an_index_that_starts_at_zero():
    """``index i, j = 0..n`` (``x_0 = 1`` for a bias): every value from 0 is an entry, a bare sum starts at 0."""
    text = ("<!-- gradproof\nindex i, j = 0..n\nlet h = \\sum_{i=0}^{n} \\theta_i x_i\n"
            "let J = \\frac{1}{2} (h - y)^2\n-->\n"
            "$$\\frac{\\partial J}{\\partial \\theta_j} = (h - y) x_j$$\n"
            "$$\\frac{\\partial J}{\\partial \\theta_j} = (h - y) x_{j}^{2}$$\n"
            "$$h = \\sum_i \\theta_i x_i$$\n$$h = \\sum_{i=1}^{n} \\theta_i x_i$$\n")
    assert verdicts(text) == [(6, H), (7, F), (8, H), (9, F)]  # the last one drops theta_0 x_0
    assert errors("<!-- gradproof\nindex i = 2..n\n-->\n$$x = x$$\n") == [(2, "an index starts at 0 or 1, not 2")]


def test_a_function_named_with_a_greek_subscript():
    """``let h_\\theta(x) = ...`` and ``h_\\theta(x)``, ``h_{\\theta}(x)`` in the blocks: the function, not a product."""
    text = ("<!-- gradproof\nlet h_\\theta(x) = \\theta_0 + \\theta_1 x\n"
            "let J = \\frac{1}{2} (h_\\theta(x) - y)^2\n-->\n"
            "$$\\frac{\\partial J}{\\partial \\theta_1} = (h_\\theta(x) - y) x$$\n"
            "$$\\frac{\\partial J}{\\partial \\theta_1} = (h_{\\theta}(x) - y) * x$$\n"
            "$$\\frac{\\partial J}{\\partial \\theta_1} = (h_{\\theta}(x) - y)$$\n")
    assert verdicts(text) == [(5, H), (6, H), (7, F)]


def test_the_product_rule_written_with_primes():
    """``y' = x' \\sigma(x) + x \\sigma(x)'`` (a blog post's swish): ``\\sigma(x)'`` is ``\\sigma'(x)`` and ``x'``
    is ``dx/dx`` when every primed quantity is one of x; a prime on another free name is still an error."""
    text = ("<!-- gradproof\nlet y = x \\sigma(x)\n-->\n"
            "$$y' = x' \\sigma(x) + x \\sigma(x)'$$\n$$y' = x' \\sigma(x) - x \\sigma(x)'$$\n"
            "$$y' = y + \\sigma(x) (1 - y)$$\n$$y' = y + \\sigma(x) (1 + y)$$\n")
    assert verdicts(text) == [(4, H), (5, F), (6, H), (7, F)]
    assert "a prime on `t`" in errors("<!-- gradproof\nlet y = x \\sigma(x)\n-->\n$$y' = t'$$\n")[0][1]


def test_names_of_several_letters_with_a_subscript():
    """A well-known step-by-step post writes ``net_{o1}``, ``out_{o1}``, ``E_{total}``, ``target_{o1}``: three or
    more letters with a subscript are one name (a let may define it), two letters are still a product."""
    text = ("<!-- gradproof\nlet net_{o1} = w_5 out_{h1} + w_6 out_{h2} + b_2\n"
            "let out_{o1} = \\frac{1}{1+e^{-net_{o1}}}\n"
            "let E_{total} = \\frac{1}{2}(target_{o1} - out_{o1})^{2}\n-->\n"
            "$$\\frac{\\partial E_{total}}{\\partial w_{5}} = -(target_{o1} - out_{o1}) * out_{o1}(1 - out_{o1}) * "
            "out_{h1}$$\n"
            "$$\\frac{\\partial E_{total}}{\\partial w_{5}} = -(target_{o1} - out_{o1}) * out_{o1}(1 - out_{o1})$$\n"
            "$$\\frac{\\partial net_{o1}}{\\partial w_{5}} = 1 * out_{h1} * w_5^{(1 - 1)} + 0 + 0 = out_{h1}$$\n"
            "$$\\frac{\\partial}{\\partial w} wx_i = x_i$$\n")
    assert verdicts(text) == [(6, H), (7, F), (8, H), (8, H), (9, H)]
    reading = read_note(text, "n.md")
    assert {"target_o1", "out_h1"} <= set(reading.free_variables) and "t" not in reading.free_variables


def test_a_new_name_opening_a_chain_names_what_follows():
    """``\\delta_{o1} = A = B`` where the file never used ``\\delta_{o1}``: the first link defines it, the
    second is checked; a name used before is a claim as always."""
    text = ("<!-- gradproof\nlet a = \\sigma(z)\nlet L = -\\ln a\n-->\n"
            "$$\\delta = \\frac{\\partial L}{\\partial a} \\frac{\\partial a}{\\partial z} = a - 1$$\n"
            "$$\\delta = a$$\n"
            "$$\\frac{\\partial L}{\\partial z} = \\delta$$\n"
            "$$z = a$$\n")
    assert verdicts(text) == [(5, "definition"), (5, H), (6, F), (7, H), (8, F)]


def test_plain_tex_eqalign_and_a_side_that_cannot_be_read():
    """``\\eqalign{ L &= ... \\\\ &= ... }`` is a chain; a row with a stray bracket (as published) is one error
    at its line, and the links that do not touch it are still checked."""
    text = ("<!-- gradproof\nlet f = \\sigma(z)\n-->\n"
            "$$\n\\eqalign{ \\frac{\\partial f}{\\partial z} &= f(1 - f) \\\\ &= f - f^2] \\\\ &= f(1-f) \\\\"
            " &= f \\\\ }\n$$\n")
    reading = read_note(text, "n.md")
    assert [(e.line, e.message) for e in reading.errors] == [(5, "unexpected `]`")]
    assert [(r.step.cite.line, r.verdict) for r in run(reading.derivation).results] == [(5, H), (5, F)]


def test_a_function_named_in_a_font():
    """``let \\mathcal{L}(w) = ...`` (a loss in calligraphic type): the function, in ``\\frac{\\partial \\mathcal{L}}
    {\\partial w}`` and ``\\nabla_w \\mathcal{L}``; a refused ``let \\mathcal{L}`` refuses ``\\mathcal{L}`` where used."""
    text = ("<!-- gradproof\nlet \\mathcal{L}(w) = \\frac{1}{2}(w x - y)^2\n-->\n"
            "$$\\frac{\\partial \\mathcal{L}}{\\partial w} = (w x - y) \\times x$$\n"
            "$$\\nabla_w \\mathcal{L} = x(wx - y)$$\n$$\\nabla_w \\mathcal{L} = wx - y$$\n")
    assert verdicts(text) == [(4, H), (5, H), (6, F)]
    bad = "<!-- gradproof\nlet \\mathcal{L} = \\foo{w}\n-->\n$$\\frac{\\partial \\mathcal{L}}{\\partial w} = 1$$\n"
    assert [line for line, _ in errors(bad)] == [2, 4]


def test_cases_split_at_a_point():
    """``\\begin{cases} 1 & x > 0 \\\\ 0 & x < 0 \\end{cases}`` (ReLU', as notes write it): one piecewise link, the
    second condition the other side of the point (or ``otherwise``); branches swapped is a slip that fails."""
    text = ("<!-- gradproof\nlet f(x) = \\max(0, x)\n-->\n"
            "$$f'(x) = \\begin{cases} 1, & x > 0 \\\\ 0, & x < 0 \\end{cases}$$\n"
            "$$f'(x) = \\begin{cases} 1 & \\text{if } x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}$$\n"
            "$$f'(x) = \\begin{cases} 0 & x > 0 \\\\ 1 & x \\le 0 \\end{cases}$$\n")
    assert verdicts(text) == [(4, H), (5, H), (6, F)]
    overlapping = "<!-- gradproof\n-->\n$$y = \\begin{cases} 1 & x > 0 \\\\ 0 & x > 1 \\end{cases}$$\n"
    assert "is not supported yet" in errors(overlapping)[0][1]  # not two sides of one point: never guessed


def test_unicode_mathematics_and_a_subscripted_partial():
    """Pasted Unicode (``∂``, ``σ``, ``−``, ``·``, ``²``) is the LaTeX it stands for, and errors still point at
    the column of the note as written; ``\\partial_w L`` is ``\\frac{\\partial L}{\\partial w}``."""
    text = ("<!-- gradproof\nlet L(w) = (w x - y)^2\nlet a = \\sigma(z)\n-->\n"
            "$$\\frac{∂L}{∂w} = 2(wx − y)x$$\n$$\\frac{\\partial a}{\\partial z} = σ(z)(1 − σ(z)) = a · (1 - a)$$\n"
            "$$\\partial_w L = 2(wx - y)x$$\n$$\\partial_w L = 2(wx - y)x²$$\n")
    assert verdicts(text) == [(5, H), (6, H), (6, H), (7, H), (8, F)]
    assert errors("<!-- gradproof\n-->\n$$σ(z) = \\foo{z}$$\n") == [(3, "unknown command `\\foo`")]
    reading = read_note("<!-- gradproof\n-->\n$$σ(z) = \\foo{z}$$\n", "n.md")
    assert reading.errors[0].col == 10  # the column of \foo in the line as written (σ is one character there)


# --------------------------------------------------------------------------
# forms met in published notes (d2l.ai, Math.SE, AI.SE, Raschka's FAQ): each verdict by hand
# --------------------------------------------------------------------------

def _softmax_ce(assume: str) -> str:
    return ("<!-- gradproof\nindex i, k = 1..n\nlet p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}\n"
            "let L = -\\sum_k t_k \\ln p_k\n" + assume + "-->\n"
            "$$\\frac{\\partial L}{\\partial z_i} = p_i - t_i$$\n")


def test_an_assumed_equality_with_the_bounds_of_its_sum():
    # dL/dz_i = p_i sum_k t_k - t_i: p_i - t_i only where the labels sum to 1; the '=' of k=1 is not it
    assert verdicts(_softmax_ce("assume \\sum_{k=1}^{n} t_k = 1\n")) == [(7, H)]
    assert verdicts(_softmax_ce("")) == [(6, F)]


def test_softmax_of_a_vector_at_an_entry():
    text = ("<!-- gradproof\nindex j, k = 1..q\n-->\n"
            "$$\\mathrm{softmax}(\\mathbf{o})_j = \\frac{\\exp(o_j)}{\\sum_{k=1}^q \\exp(o_k)}$$\n"
            "$$\\operatorname{softmax}(o_j) = \\frac{e^{o_j}}{\\sum_k e^{o_k}}$$\n"
            "$$\\frac{\\partial}{\\partial o_j} \\mathrm{softmax}(\\mathbf{o})_j = "
            "\\mathrm{softmax}(\\mathbf{o})_j (1 - \\mathrm{softmax}(\\mathbf{o})_j)$$\n"
            "$$\\frac{\\partial}{\\partial o_j} \\mathrm{softmax}(\\mathbf{o})_j = \\mathrm{softmax}(\\mathbf{o})_j$$\n")
    assert verdicts(text) == [(4, H), (5, H), (6, H), (7, F)]  # the last forgets the factor 1 - s_j


def test_softmax_without_its_entry_is_an_error():
    text = ("<!-- gradproof\nindex j = 1..q\n-->\n$$\\mathrm{softmax}(\\mathbf{o}) = 1$$\n"
            "$$\\mathrm{softmax}(\\mathbf{o})_1 = 1$$\n$$\\mathrm{softmax}(o_j)_j = 1$$\n")
    found = errors(text)
    assert [line for line, _ in found] == [4, 5, 6]
    assert "needs its entry" in found[0][1] and "index letter" in found[1][1]


def test_a_bracketed_annotation_ends_a_row_and_the_chain_goes_on():
    text = ("<!-- gradproof\nlet y = (x+1)^2\n-->\n"
            "\\begin{align} y &= (x+1)^2 \\quad [\\text{definition}] \\\\\n"
            "&= x^2 + 2x + 1 \\quad (\\text{expanded}) \\\\\n\\text{and so} \\\\\n&= x^2 + 2x \\end{align}\n")
    assert verdicts(text) == [(4, H), (5, H), (7, F)]  # the last drops the 1


def test_a_sum_over_the_index_such_that_it_differs():
    text = ("<!-- gradproof\nindex i, j = 1..n\n-->\n"
            "$$\\sum_i x_i = x_j + \\sum_{i : i \\neq j} x_i$$\n"
            "$$\\sum_i x_i ~=~ \\sum_{i~:~i\\neq j} x_i$$\n")
    assert verdicts(text) == [(4, H), (5, F)]  # the second forgets x_j
    assert [line for line, _ in errors("<!-- gradproof\nindex i, j, k = 1..n\n-->\n"
                                       "$$\\sum_{i : k \\neq j} x_i = 1$$\n")] == [4]


def test_a_function_named_in_the_middle_of_a_chain():
    text = ("<!-- gradproof\nlet y = w_1 a + w_2 b\n-->\n"
            "$$y = f(w_1, w_2) = w_1 a + w_2 b$$\n$$\\frac{\\partial f}{\\partial w_2} = b$$\n"
            "$$y = g(w_1, w_2) = w_1 a$$\n")
    # y = f(w_1, w_2) holds once f is named by the next side; y = g(...) fails (g drops w_2 b)
    assert verdicts(text) == [(4, H), (4, "definition"), (5, H), (6, F), (6, "definition")]


def test_an_undeclared_greek_letter_before_a_parenthesis_is_refused():
    # read as a product, d phi(u) / du = phi would hold: phi is an activation the note leaves open
    text = "<!-- gradproof\nlet o = \\phi(u)\n-->\n$$\\frac{\\partial o}{\\partial u} = \\phi$$\n"
    found = errors(text)
    assert found and "function or a product" in found[0][1]
    assert all(v != H for _, v in _decided(text))
    declared = ("<!-- gradproof\nassume \\lambda > 0\n-->\n"
                "$$\\frac{\\partial}{\\partial u} \\lambda(u + 1) = \\lambda$$\n"
                "$$\\frac{\\partial}{\\partial u} \\lambda (u + 1) = 1$$\n")
    assert verdicts(declared) == [(4, H), (5, F)]  # a declared quantity: a product


def _decided(text):
    reading = read_note(text, "n.md")
    return [(r.step.cite.line, r.verdict) for r in run(reading.derivation).results]


def test_a_primed_function_without_its_argument_is_refused_and_the_links_before_it_stand():
    text = ("<!-- gradproof\nlet s = \\sigma(w x)\n-->\n"
            "$$\\frac{\\partial s}{\\partial w} = \\frac{\\partial \\sigma(w x)}{\\partial w} = \\sigma' x$$\n"
            "$$\\frac{\\partial s}{\\partial w} = \\sigma'(w x) x$$\n$$\\frac{\\partial s}{\\partial w} = x \\sigma'$$\n")
    found = errors(text)
    assert [line for line, _ in found] == [4, 6] and all("sigma'` without its argument" in m for _, m in found)
    assert _decided(text) == [(4, H), (5, H)]  # sigma' of the fraction would have made the first fail


def test_a_word_a_let_defines_is_one_name():
    text = ("<!-- gradproof\nlet Out = H W\nlet Loss = Out - Y\n-->\n"
            "$$\\dfrac{dLoss}{dW} = \\dfrac{dLoss}{dOut} \\times \\dfrac{dOut}{dW} = H$$\n"
            "$$\\dfrac{d}{dW}(Out - Y) = W$$\n"
            "$$\\frac{d}{dx} ab x = ab$$\n")
    # Loss and Out are names; ab, defined nowhere, is still a times b
    assert verdicts(text) == [(5, H), (5, H), (6, F), (7, H)]


def test_a_font_word_before_a_parenthesis_is_a_known_function_or_an_error():
    # read as a product, d foo(x) / dx = foo would hold; erf is known (d erf / dx = 2 e^{-x^2} / sqrt(pi))
    refused = "<!-- gradproof\n-->\n$$\\frac{d}{dx} \\operatorname{foo}(x) = \\operatorname{foo}$$\n"
    assert [line for line, _ in errors(refused)] == [3] and _decided(refused) == []
    known = ("<!-- gradproof\n-->\n$$\\frac{d}{dx} \\operatorname{erf}(x) = \\frac{2}{\\sqrt{\\pi}} e^{-x^2}$$\n"
             "$$\\frac{d}{dx} \\mathrm{erf}(x) = e^{-x^2}$$\n")
    assert verdicts(known) == [(3, H), (4, F)]


def test_a_letter_before_a_parenthesis_of_names_is_a_function_or_an_error():
    # f(x) with f undefined, read as f times x, would make d f(x)/dx = f hold; J(theta) after let J = ...
    # would be J times theta. a(1 - a) is still a product: its parenthesis is not a list of names.
    undefined = "<!-- gradproof\n-->\n$$\\frac{d}{dx} f(x) = f$$\n"
    assert [line for line, _ in errors(undefined)] == [3] and _decided(undefined) == []
    quantity = "<!-- gradproof\nlet J = \\theta^2\n-->\n$$J(\\theta) = \\theta^2$$\n"
    assert "is a quantity here" in errors(quantity)[0][1]
    product = ("<!-- gradproof\nlet a = \\sigma(z)\n-->\n$$\\frac{\\partial a}{\\partial z} = a(1 - a)$$\n"
               "$$\\frac{\\partial a}{\\partial z} = a (z)$$\n")
    assert verdicts(product) == [(4, H), (5, F)]  # a (z), with a space, is a product: a z
