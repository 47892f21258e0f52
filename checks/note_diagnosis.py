r"""Diagnosis of a failing link of a users' matrix note: one slip of its right-hand side's parse tree.

A link of a matrix note is a :class:`checks.matrix_notes.NoteMatrixClaim`
whose sides are parse trees (:class:`symbolic.matrix_notation.Node`).  Its
right-hand side is mutated by exactly one slip at a time -- the sign, a
factor ``1/m``, ``m``, ``2`` or ``1/2`` added or dropped, a transpose added
to or dropped from a name or a parenthesised product, the operands of a
product swapped, the axis of ``np.sum``, an activation for its derivative or
``\sigma`` for ``\tanh``, a layer label one off, a factor of a product dropped
-- in a fixed order; each mutant is screened cheaply (the shapes with
symbolic sizes, then the float64 check) and the first whose full check
HOLDS (the exact entries included) is the proposal.  None proved: None.

The proposal is written in the note's own notation: the edited node's text
is replaced in the link's LaTeX where it occurs exactly once, else the
mutated tree is printed back (:func:`node_latex`).

>>> from gradproof.symbolic.matrix_notation import parse
>>> node_latex(Node("T", (parse("A^{[1]}", {"A[1]"}),)))
'A^{[1]T}'
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sympy as sp

from gradproof.checks.matrix_notes import NoteMatrixClaim
from gradproof.symbolic.equivalence import Status
from gradproof.symbolic.matrix_notation import Node, entry_indices
from gradproof.symbolic.printing import split_rhs

__all__ = ["node_latex", "note_candidates", "diagnose_note"]

_ONE = Node("num", (), "1", "1")
_TWO = Node("num", (), "2", "2")


@dataclass(frozen=True, eq=False)
class _Shifted(NoteMatrixClaim):
    """The claim at sizes one larger: the batch size is 2 at both of the check's assignments, where a
    proposed 1/m is indistinguishable from 1/2; a proposal must hold here too (float64)."""

    def size_assignments(self) -> list[dict]:
        return [{s: v + 1 for s, v in a.items()} for a in super().size_assignments()]


def _screened(*claims: NoteMatrixClaim) -> bool:
    """Cheap before exact, each test on every claim before the next: the shapes with symbolic sizes, float64
    at the check's sizes, float64 at larger ones."""
    from gradproof.checks.matrix_notes import _numeric, _shapes

    return all(_shapes(c).status is Status.HOLDS for c in claims) and \
        all(_numeric(c).status is Status.HOLDS for c in claims) and \
        all(_numeric(_Shifted(c.lhs, c.rhs, c.model, c.says)).status is Status.HOLDS for c in claims)


@dataclass(frozen=True)
class NoteCandidate:
    slip: str
    note: str
    rhs: Node  # the mutated right-hand side
    old: str = ""  # the text of the edited node as written ("" when the whole side changes)
    new: str = ""  # its corrected text


# --- printing a tree back to LaTeX ---------------------------------------------------------------

_TRANSPOSED = re.compile(r"\^\s*\{?\s*(?:\[[^\]]*\]\s*)?"
                         r"(?:T|\\top|\\intercal|\\mathsf\s*\{?T\}?|\\mathrm\s*\{?T\}?)\s*\}?$")
_FN_TEX = {"sigma": r"\sigma", "sigmoid": r"\sigma", "tanh": r"\tanh", "log": r"\log", "exp": r"\exp"}


def _name_tex(key: str) -> str:
    m = re.fullmatch(r"(.*?)\[([^\]]*)\](.*)", key)
    if m:
        return f"{_name_tex(m.group(1))}^{{[{m.group(2)}]}}{m.group(3)}"
    if key.startswith("hat "):
        return rf"\hat{{{key[4:]}}}"
    base, _, sub = key.partition("_")
    return f"{base}_{{{sub}}}" if sub else key


def _call(n: Node) -> tuple[str, int]:
    """A call node's function name and the order of its derivative (``g'`` is 1)."""
    fn, order = n.data if isinstance(n.data, tuple) else (None, None)
    if not isinstance(fn, str) or not isinstance(order, int):
        raise ValueError(f"a call node without a function: {n.data!r}")
    return fn, order


def node_latex(n: Node) -> str:
    """A node as written when it has its text, else composed from its children's texts."""
    if n.text and not (n.op == "name" and _TRANSPOSED.search(n.text)):
        return n.text
    a = n.args
    if n.op == "name":
        return _name_tex(str(n.data))
    if n.op == "num":
        return str(n.data)
    if n.op == "T":
        inner = node_latex(a[0])
        if a[0].op == "name" and inner.endswith("]}"):
            return inner[:-1] + "T}"
        if a[0].op in ("name", "paren"):
            return inner + "^T"
        return rf"\left({inner}\right)^T"
    if n.op == "paren":
        return rf"\left({node_latex(a[0])}\right)"
    if n.op == "matmul":
        return f"{_wrapped(a[0])} {_wrapped(a[1])}"
    if n.op == "had":
        return rf"{_wrapped(a[0])} \odot {_wrapped(a[1])}"
    if n.op == "hdiv":
        return rf"{_wrapped(a[0])} \oslash {_wrapped(a[1])}"
    if n.op in ("add", "sub"):
        right = _wrapped(a[1]) if n.op == "sub" else node_latex(a[1])
        return f"{node_latex(a[0])} {'+' if n.op == 'add' else '-'} {right}"
    if n.op == "neg":
        return f"-{_wrapped(a[0])}"
    if n.op == "frac":
        return rf"\frac{{{node_latex(a[0])}}}{{{node_latex(a[1])}}}"
    if n.op == "pow":
        return f"{_wrapped(a[0])}^{{{n.data}}}"
    if n.op == "sum":
        return rf"\operatorname{{np.sum}}({node_latex(a[0])}, axis={n.data}, keepdims=True)"
    if n.op == "entry":
        return f"{node_latex(a[0])}_{{{''.join(str(x) for x in entry_indices(n))}}}"
    if n.op == "bsum":
        low = f"{n.data}=1" if len(a) == 2 else str(n.data)
        return rf"\sum_{{{low}}}" + (f"^{{{node_latex(a[1])}}}" if len(a) == 2 else "") + f" {node_latex(a[0])}"
    if n.op == "call":
        fn, order = _call(n)
        return f"{_FN_TEX.get(fn, fn)}{chr(39) * order}({', '.join(node_latex(x) for x in a)})"
    raise ValueError(f"cannot print a {n.op} node")


def _wrapped(n: Node) -> str:
    s = node_latex(n)
    return rf"\left({s}\right)" if n.op in ("add", "sub", "neg") else s


# --- the slips ---------------------------------------------------------------------------------

def _subtrees(n: Node, path=()) -> Iterator[tuple[tuple, Node]]:
    yield path, n
    for i, x in enumerate(n.args):
        if isinstance(x, Node):
            yield from _subtrees(x, path + (i,))


def _put(n: Node, path, new: Node) -> Node:
    if not path:
        return new
    args = list(n.args)
    args[path[0]] = _put(args[path[0]], path[1:], new)
    return Node(n.op, tuple(args), n.data, "")  # changed: composed from its children when printed


def _strip(n: Node) -> Node:
    while n.op == "paren":
        n = n.args[0]
    return n


def _untransposed(t: Node) -> Node:
    """The operand of a transpose, with the text it has without its ^T."""
    inner = t.args[0]
    if inner.op == "name":
        label_t = r"\]\s*(?:T|\\top|\\intercal)\s*\}$"  # A^{[1]T}
        text = re.sub(label_t, "]}", t.text) if re.search(label_t, t.text) else _TRANSPOSED.sub("", t.text)
        return Node("name", (), inner.data, text if text and text != t.text else "")
    return inner


def _scalar(n: Node, sizes: set) -> bool:
    n = _strip(n)
    if n.op == "num":
        return True
    if n.op == "name":
        return n.data in sizes
    if n.op == "frac":
        return all(_scalar(x, sizes) for x in n.args)
    return False


def _factor(kind: str, batch: str) -> Node:
    m = Node("name", (), batch, batch)
    return {"1/m": Node("frac", (_ONE, m), None, ""), "m": m, "2": _TWO,
            "1/2": Node("frac", (_ONE, _TWO), None, "")}[kind]


def _batch(model) -> str | None:
    axis = 0 if model.layout == "rows" else 1
    count: dict = {}
    for shape in model.shapes.values():
        if isinstance(shape[axis], sp.Symbol):
            count[shape[axis]] = count.get(shape[axis], 0) + 1
    return str(max(sorted(count, key=str), key=lambda s: count[s])) if count else None


_SWAP_FN: dict[str, tuple[str, ...]] = {"sigma": ("tanh",), "sigmoid": ("tanh",), "tanh": ("sigma",)}


def note_candidates(rhs: Node, model, extra_names: frozenset = frozenset()) -> Iterator[NoteCandidate]:
    """Every single slip of ``rhs``, in a fixed order: the cheap and common first."""
    nodes = list(_subtrees(rhs))
    sizes = {str(s) for s in model.sizes}
    batch = _batch(model)
    # the axis of a sum
    for path, n in nodes:
        if n.op == "sum" and n.data in (0, 1):
            axis = re.findall(r"axis\s*=\s*[01]", n.text)
            text = n.text.replace(axis[0], axis[0][:-1] + str(1 - n.data)) if len(axis) == 1 else ""
            new = Node("sum", n.args, 1 - n.data, text)
            yield NoteCandidate("sum-axis", f"the sum along axis {1 - n.data} for axis {n.data}",
                                _put(rhs, path, new), n.text, node_latex(new))
    # transposes
    for path, n in nodes:
        if n.op == "T":
            new = _untransposed(n)
            yield NoteCandidate("transpose", f"{node_latex(new)} for {n.text or node_latex(n)}: an extra transpose",
                                _put(rhs, path, new), n.text, node_latex(new))
        elif n.op in ("name", "paren") and not _scalar(n, sizes) and \
                (not path or _at(rhs, path[:-1]).op not in ("T", "entry", "example")):  # not w in w_{jk}
            new = Node("T", (n,), None, "")
            yield NoteCandidate("transpose", f"{node_latex(new)} for {node_latex(n)}: a missing transpose",
                                _put(rhs, path, new), n.text, node_latex(new))
    # the two indices of an entry swapped (w_{kj} for w_{jk}: the transpose in index notation)
    for path, n in nodes:
        if n.op == "entry" and len(entry_indices(n)) == 2 and len(set(entry_indices(n))) == 2:
            a, b = (str(x) for x in entry_indices(n))
            subs = re.findall(rf"_\s*\{{\s*{a}\s*,?\s*{b}\s*\}}", n.text)
            if len(subs) == 1:
                text = n.text.replace(subs[0], subs[0].replace(a, "\0").replace(b, a).replace("\0", b))
                new = Node("entry", n.args, entry_indices(n)[::-1], text)
                yield NoteCandidate("transpose", f"{text} for {n.text}: the indices swapped (a transpose)",
                                    _put(rhs, path, new), n.text, text)
    # products
    for path, n in nodes:
        if n.op == "matmul" and not any(_scalar(x, sizes) for x in n.args):
            new = Node("matmul", n.args[::-1], None, "")
            yield NoteCandidate("product-order", f"{node_latex(new)} for {n.text}: the order of the product",
                                _put(rhs, path, new), n.text, node_latex(new))
    # the factor 1/m, m, 2, 1/2: dropped where written, or missing
    for path, n in nodes:
        if n.op == "matmul":
            for i in (0, 1):
                if _scalar(n.args[i], sizes):
                    kept = n.args[1 - i]
                    what = node_latex(n.args[i])
                    slip = "factor-m" if batch is not None and batch in what else "factor-2"
                    yield NoteCandidate(slip, f"no factor {what}: an extra factor {what}", _put(rhs, path, kept),
                                        n.text, node_latex(kept))
    wrapped = rhs if rhs.op not in ("add", "sub", "neg") else Node("paren", (rhs,), None, "")
    for kind, slip, words in (("1/m", "missing-1/m", "a missing factor 1/m"), ("m", "factor-m", "a missing factor m"),
                              ("2", "factor-2", "a missing factor 2"), ("1/2", "factor-2", "a missing factor 1/2")):
        if kind in ("1/m", "m") and batch is None:
            continue
        f = _factor(kind, batch or "m")
        yield NoteCandidate(slip, words.replace("1/m", f"1/{batch}").replace("factor m", f"factor {batch}"),
                            Node("matmul", (f, wrapped), None, ""))
    # signs
    for path, n in nodes:
        if n.op == "sub":
            new = Node("sub", n.args[::-1], None, "")
            yield NoteCandidate("sign", f"{node_latex(new)} for {n.text}: the operands of - swapped",
                                _put(rhs, path, new), n.text, node_latex(new))
    for path, n in nodes:
        if n.op in ("add", "sub"):
            new = Node("sub" if n.op == "add" else "add", n.args, None, "")
            yield NoteCandidate("sign", f"{'-' if n.op == 'add' else '+'} for {'+' if n.op == 'add' else '-'}",
                                _put(rhs, path, new), n.text, node_latex(new))
    if rhs.op == "neg":
        yield NoteCandidate("sign", "the opposite sign", rhs.args[0])
    else:
        yield NoteCandidate("sign", "the opposite sign", Node("neg", (wrapped,), None, ""))
    # activations: for their derivative, sigma for tanh
    fns = [k for k, (params, _) in sorted(model.functions.items()) if len(params) == 1]
    for path, n in nodes:
        if n.op == "call" and len(n.args) == 1:
            fn, order = _call(n)
            alts = [(fn, 1 - order)] if order in (0, 1) else []
            alts += [(f, order) for f in _SWAP_FN.get(fn, ()) + tuple(fns) if f != fn]
            if fn in fns:
                alts += [(f, order) for f in ("sigma", "tanh")]
            for new_fn, new_order in alts:
                new = Node("call", n.args, (new_fn, new_order), "")
                yield NoteCandidate("activation", f"{node_latex(new)} for {n.text or node_latex(n)}",
                                    _put(rhs, path, new), n.text, node_latex(new))
    # a layer label one off
    names = model.names() | extra_names
    for path, n in nodes:
        m = re.fullmatch(r"(.*)\[(\d+)\](.*)", str(n.data)) if n.op == "name" else None
        if m:
            for k in (int(m.group(2)) - 1, int(m.group(2)) + 1):
                key = f"{m.group(1)}[{k}]{m.group(3)}"
                if key in names:
                    new = Node("name", (), key, "")
                    old = f"[{m.group(2)}]"
                    # the name's text (with its ^T when transposed): its label edited where it is once
                    edited = n.text.replace(old, f"[{k}]") if n.text.count(old) == 1 else ""
                    yield NoteCandidate("layer-index", f"{node_latex(new)} for {_name_tex(str(n.data))}",
                                        _put(rhs, path, new), n.text if edited else "", edited)
    # a factor missing on one term of a sum: 2 (...) + \lambda \theta for 2 (...) + 2 \lambda \theta
    for path, n in nodes:
        if n.op in ("add", "sub"):
            for i in (0, 1):
                term = n.args[i]
                for kind in ("2", "1/2") + (("1/m", "m") if batch is not None else ()):
                    f = _factor(kind, batch or "m")
                    new = Node("matmul", (f, _wrapped_node(term)), None, "")
                    args = list(n.args)
                    args[i] = new
                    yield NoteCandidate("factor-m" if "m" in kind else "factor-2",
                                        f"{node_latex(new)} for {node_latex(term)}: a missing factor {node_latex(f)}",
                                        _put(rhs, path, Node(n.op, tuple(args), None, "")),
                                        term.text, node_latex(new) if term.text else "")
    # a factor too many: one operand of a product dropped (the chain rule's factor is then the other)
    for path, n in nodes:
        if n.op in ("matmul", "had") and not any(_scalar(x, sizes) for x in n.args):
            for i in (0, 1):
                kept = n.args[1 - i]
                yield NoteCandidate("extra-factor", f"{node_latex(kept)} for {n.text}: an extra factor "
                                    f"{node_latex(n.args[i])}", _put(rhs, path, kept), n.text, node_latex(kept))


def _wrapped_node(n: Node) -> Node:
    """``n`` in parentheses where a factor before it would bind to its first term only."""
    return Node("paren", (n,), None, "") if n.op in ("add", "sub", "neg") else n


def _at(n: Node, path) -> Node:
    for i in path:
        n = n.args[i]
    return n


def _size(n: Node) -> int:
    return sum(1 for _ in _subtrees(n))


def diagnose_note(claim, clock, budget: float, cap: int):
    """(slip, latex, note, mutant) of the first single slip whose full check holds, or None."""
    from gradproof.checks.matrix_notes import MatrixError, check_note_claim

    if _size(claim.rhs) > 150:
        return None
    seen: set = set()
    for k, c in enumerate(note_candidates(claim.rhs, claim.model)):
        if k >= cap or clock.left() <= 0:
            return None
        try:
            printed = node_latex(c.rhs)
        except ValueError:
            continue
        if printed in seen:
            continue
        seen.add(printed)
        mutant = NoteMatrixClaim(claim.lhs, c.rhs, claim.model, claim.says)
        try:
            if not _screened(mutant):
                continue
            r = check_note_claim(mutant, min(budget, max(clock.left(), 0.01)))
        except (MatrixError, ArithmeticError, ValueError, TypeError, IndexError, KeyError):
            continue
        if r.verdict is Status.HOLDS and r.symbolic.status is Status.HOLDS:
            return c.slip, _note_latex(claim, c), c.note, mutant
    return None


def _note_latex(claim, c: NoteCandidate) -> str:
    """``lhs = rhs`` as the note writes it: the edited node replaced in the right-hand side's text where it
    occurs exactly once, else the mutated right-hand side printed."""
    rhs = claim.rhs.text
    if c.old and rhs and rhs.count(c.old) == 1:
        return f"{claim.lhs.text} = {rhs.replace(c.old, c.new)}"
    return f"{claim.lhs.text} = {node_latex(c.rhs)}"


# --- a claim about every layer l ---------------------------------------------------------------

_K, _DEPTH = 50, 90  # the labels l and L are read as these (far from any real layer) to find the slip


def _back(text: str, letter: str, brackets: bool) -> str:
    """Sentinel labels back to the note's letters: ``[51]`` -> ``[l+1]`` (or ``{l+1}`` without brackets)."""
    names = {_K - 1: f"{letter}-1", _K: letter, _K + 1: f"{letter}+1", _DEPTH - 1: "L-1", _DEPTH: "L"}

    def lab(m):
        return names.get(int(m.group(1)), m.group(1))
    if not brackets:
        text = re.sub(r"([A-Za-z]+|\\[A-Za-z]+)\^\{\[(\d+)\]T\}",  # w^{[l+1]T}: (w^{l+1})^T
                      lambda m: f"({m.group(1)}^{{[{m.group(2)}]}})^T", text)
        text = re.sub(r"\^\{\[(\d+)\]\}", lambda m: "^{" + lab(m) + "}", text)
    text = re.sub(r"\[(\d+)\]", lambda m: "[" + lab(m) + "]", text)
    return re.sub(r"_\{(\d+)\}", lambda m: "_{" + lab(m) + "}", text)


def diagnose_layered(claim, latex: str, clock, budget: float, cap: int):
    """A layer-generic link: its right-hand side as written is mutated (read with sentinel labels), each
    proposal is read again at every depth and layer and checked as a whole; (slip, latex, note, claim)."""
    from gradproof.checks.matrix_notes import MatrixError, _bases, _layer_text, _layered_claim, _shapes
    from gradproof.symbolic.matrix_notation import parse

    head, rt = split_rhs(latex)
    lt = head.strip().removesuffix("=").strip()
    models: dict[Any, Any] = {}
    for L, _, c in claim.instances:
        models.setdefault(L, c.model)
    letters = dict.fromkeys(re.findall(r"[\^_]\s*\{?\s*\[?\s*([a-z])(?![a-zA-Z])", lt + " " + rt) + ["l"])
    letter = None
    for x in letters:  # the letter whose layers give back the claim as read
        try:
            again = _layered_claim(lt, rt, dict(models), x, claim.says)
        except (MatrixError, ValueError, KeyError, IndexError):
            continue
        if [(L, k, c.rhs) for L, k, c in again.instances] == [(L, k, c.rhs) for L, k, c in claim.instances]:
            letter = x
            break
    if letter is None:
        return None
    model = claim.instances[0][2].model
    sentinel = _layer_text(rt, letter, _K, _DEPTH)
    try:
        tree = parse(sentinel, model.names(), set(model.functions), model.elementwise, set(model.indices))
    except MatrixError:
        return None
    extra = frozenset(f"{b}[{j}]" for b in _bases(model) for j in (_K - 1, _K, _K + 1, _DEPTH - 1, _DEPTH))
    brackets = "^{[" in rt or "^{ [" in rt
    seen: set = set()
    for n, c in enumerate(note_candidates(tree, model, extra)):
        if n >= cap or clock.left() <= 0:
            return None
        if not c.old or sentinel.count(c.old) != 1:
            continue
        new_rt = _back(sentinel.replace(c.old, c.new), letter, brackets)
        if new_rt in seen:
            continue
        seen.add(new_rt)
        try:
            mutant = _layered_claim(lt, new_rt, dict(models), letter, claim.says)
            first = mutant.instances[0][2]
            if not all(_shapes(x).status is Status.HOLDS for _, _, x in mutant.instances) or not _screened(first):
                continue  # the shapes at every depth and layer, float64 at the first (each costs a second)
                continue
            r = mutant.check(min(budget, max(clock.left(), 0.01)))
        except (MatrixError, ArithmeticError, ValueError, TypeError, IndexError, KeyError):
            continue
        if r.verdict is Status.HOLDS and r.symbolic.status is Status.HOLDS:
            note = _back(c.note, letter, brackets)
            return c.slip, f"{lt} = {new_rt}", note, mutant
    return None
