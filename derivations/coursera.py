r"""The Coursera L-layer backward equations quoted by documents 000 and 003, as matrix claims.

Both documents print the backward pass of the Coursera course (column-major:
``Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}``, ``A^{[l]}`` is n_l x m).  Each line is
encoded twice: as a scalar step (:mod:`derivations.logistic`: one example, one
unit per layer) and, right after it, as a ``Kind.MATRIX`` step built here -- same
LaTeX, same citation, id ``<scalar id>-matrix`` -- whose :class:`MatrixClaim` is
the line *as printed*, checked at concrete sizes over L-layer networks.

What is checked
---------------
* Networks of depth L = 2, 3, 4 (:func:`derivations.matrix.deep_networks`):
  tanh hidden layers, a sigmoid output of one unit, binary cross-entropy.  The
  hidden and output activations differ, so a layer-index slip in ``g'``
  (``g'^{[L]}`` for ``g'^{[L-1]}``) changes the value.  Every line names the
  last layer L or a fixed layer (1, 2), so each claim is made once per network,
  at l = L, and is general in L: a line right at L = 2 only (``W^{[L]T} dZ^{[2]}``)
  fails.
* Two sizes (:data:`SIZES`), one with m = 2 (a missing 1/m shows), widths 1--2
  with neighbouring widths different, so that a misplaced factor is mostly
  undefined at a concrete size too; the shape check itself is made with
  symbolic dimensions.
* The dZ convention of the documents: ``dZ^{[l]}`` is the *per-example*
  derivative (column i is :math:`\partial\ell_i/\partial Z^{[l](i)}`, so
  ``dZ^{[L]} = A^{[L]} - Y``); the 1/m belongs to dW and db, which are the
  derivatives of the batch mean :math:`J = \frac1m\sum_i \ell_i`.  A dZ line is
  checked per-example, a dW or db line batch-mean; each step's ``says`` names its
  convention.
* A juxtaposition in the backward block (``W^{[L]T} dZ^{[L]} g'^{[L]}(Z^{[L-1]})``)
  is a matrix product, as printed; the wrapping-up's ``*`` is element-wise, as its
  text says (000, line 588).  ``dW^{[L]}`` on a right-hand side is the gradient the
  documents define at their dW line, the batch-mean derivative of J by W^{[L]}.

Examples
--------
>>> t = dW("L", "L")
>>> t.fixed.says
'dW[L] = (1/m) dZ[L] A[L-1]^T'
>>> sorted({n.L for n in t.claim.networks})
[2, 3, 4]
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gradproof.derivations.matrix import MatrixClaim, deep_networks
from gradproof.derivations.model import Erratum, Kind, Step
from gradproof.symbolic.layouts import Convention, Layout

__all__ = ["DEPTHS", "HIDDEN", "OUTPUT", "SIZES", "Twin", "db", "dW", "dZ_back", "dZ_out", "twin_step"]

LAYOUT = Layout.COLUMN_MAJOR
HIDDEN, OUTPUT = "tanh", "sigmoid"
DEPTHS = (2, 3, 4)
SIZES: tuple[dict[str, int], ...] = (
    {"m": 1, "n0": 1, "n1": 2, "n2": 1, "n3": 2},
    {"m": 2, "n0": 2, "n1": 1, "n2": 2, "n3": 1},
)
"""The smallest sizes that show every slip: m = 2 in one (a missing 1/m), n0 != n1
(A^{[1]} for X), neighbouring widths different (a product of the wrong factors is
mostly undefined), widths of at most 2 (a step over L = 2, 3, 4 costs 0.1--0.5 s)."""

PER, MEAN = Convention.PER_EXAMPLE, Convention.BATCH_MEAN
_NETS = deep_networks(LAYOUT, HIDDEN, OUTPUT, DEPTHS)


def _layer(ref: str, L: int) -> int:
    """A layer as the documents name it: ``"L"``, ``"L-1"``, or a number."""
    if ref == "L":
        return L
    if ref == "L-1":
        return L - 1
    return int(ref)


def _claim(says: str, rhs, wrt: str, convention: Convention, depths: Iterable[int] | None = None) -> MatrixClaim:
    """A claim made once per network, at l = L; ``rhs(v, L)``, ``wrt`` a layer reference."""
    by_depth = {n.L: n for n in _NETS}
    return MatrixClaim(says, rhs, SIZES, networks=tuple(by_depth[d] for d in depths or DEPTHS),
                       wrt=lambda L: f"{wrt[0]}{_layer(wrt[1:], L)}", convention=convention,
                       layers=lambda L: (L,))


def _sizes_text() -> str:
    return "; ".join(", ".join(f"{k} = {v}" for k, v in s.items()) for s in SIZES)


def context(claim: MatrixClaim) -> str:
    """The layout, the networks, the sizes and the dZ convention of a claim, in words."""
    depths = ", ".join(str(n.L) for n in claim.networks)
    if claim.convention is PER:
        conv = ("per-example: the cost is the sum of the examples' losses, so dZ's column i is "
                "dl_i/dZ^{(i)}, the documents' dZ (no 1/m)")
    else:
        conv = ("batch-mean: the derivative of J = (1/m) sum_i l_i, the documents' dW and db (the 1/m "
                "written out), with the per-example dZ")
    return (f"Checked as matrices: column-major (Z^{{[l]}} = W^{{[l]}} A^{{[l-1]}} + b^{{[l]}}, A^{{[l]}} is "
            f"n_l x m), networks of depth L = {depths} with {HIDDEN} hidden layers, a {OUTPUT} output "
            f"of one unit and BCE, at the sizes {_sizes_text()} (every width symbolic in the shape "
            f"check); convention {conv}.")


@dataclass(frozen=True)
class Twin:
    """The matrix reading of a printed line: the claim, and the correction when it is wrong."""

    claim: MatrixClaim
    says: str
    fixed: MatrixClaim | None = None
    why: str = ""


# --------------------------------------------------------------------------
# the lines
# --------------------------------------------------------------------------

def dZ_out() -> Twin:
    """dZ^{[L]} = A^{[L]} - Y (per-example)."""
    claim = _claim("dZ[L] = A[L] - Y", lambda v, L: v.A[L] - v.Y, "ZL", PER)
    return Twin(claim, "dZ^{[L]} (1 x m) = A^{[L]} - Y for a sigmoid output and BCE. " + context(claim))


def dW(layer: str, factor: str) -> Twin:
    """dW^{[layer]} = (1/m) dZ^{[layer]} A^{[factor]T} (batch mean); the factor belongs to layer - 1."""
    def make(j: str) -> MatrixClaim:
        return _claim(f"dW[{layer}] = (1/m) dZ[{layer}] A[{j}]^T",
                      lambda v, L: (1 / v.m) * (v.dZ[_layer(layer, L)] @ v.A[_layer(j, L)].T),
                      f"W{layer}", MEAN)

    right = {"L": "L-1", "1": "0"}[layer]
    claim = make(factor)
    says = (f"dW^{{[{layer}]}} = (1/m) dZ^{{[{layer}]}} A^{{[{factor}]T}}, as printed: the derivative of J "
            f"by W^{{[{layer}]}}. " + context(claim))
    if factor == right:
        return Twin(claim, says)
    printed, want = {"L": ("(1 x m)(m x 1) = 1 x 1 (n_L x n_L, n_L = 1)", "1 x n_{L-1}"),
                     "1": ("(n_1 x m)(m x n_1) = n_1 x n_1", "n_1 x n_0")}[layer]
    return Twin(claim, says, make(right), why=(
        f"Z^{{[{layer}]}} = W^{{[{layer}]}} A^{{[{right}]}} + b^{{[{layer}]}}: the factor is the layer's input "
        f"A^{{[{right}]}}{' = X' if right == '0' else ''}, not its output A^{{[{factor}]}}. As matrices the "
        f"printed product dZ^{{[{layer}]}} A^{{[{factor}]T}} is {printed}, where dW^{{[{layer}]}} has the "
        f"shape of W^{{[{layer}]}}, {want}"))


def db(layer: str) -> Twin:
    """db^{[layer]} = (1/m) np.sum(dZ^{[layer]}, axis=1, keepdims=True) (batch mean)."""
    claim = _claim(f"db[{layer}] = (1/m) sum_i dZ[{layer}][:, i]",
                   lambda v, L: (1 / v.m) * v.dZ[_layer(layer, L)].sum(1), f"b{layer}", MEAN)
    return Twin(claim, f"db^{{[{layer}]}} (n_{layer} x 1) = (1/m) times the sum of dZ^{{[{layer}]}} over the "
                       "examples (np.sum along axis 1, the columns, dimensions kept). " + context(claim))


def dZ_back(to: str, weight: str, weight_layer: str, upstream: str, gprime: str, elementwise: bool,
            depths: Iterable[int] = DEPTHS) -> Twin:
    """dZ^{[to]} = (weight^{[weight_layer]})^T dZ^{[upstream]} (@ or *) g'^{[gprime]}(Z^{[to]}) (per-example).

    ``weight`` is ``"W"`` or ``"dW"`` (the batch-mean gradient (1/m) dJ/dW, as the
    documents define dW).  The correct line is W^{[to+1]T} dZ^{[to+1]} * g'^{[to]}(Z^{[to]}).
    """
    up_right = {"L-1": "L", "1": "2"}[to]

    def make(w: str, wl: str, g: str, odot: bool, ds=depths) -> MatrixClaim:
        def rhs(v, L):
            k = _layer(wl, L)
            Wk = v.W[k] if w == "W" else (1 / v.m) * v.dW[k]
            prop = Wk.T @ v.dZ[_layer(upstream, L)]
            gp = v.g_prime(_layer(g, L), v.Z[_layer(to, L)])
            return prop.odot(gp) if odot else prop @ gp
        op = "*" if odot else "@"
        return _claim(f"dZ[{to}] = {w}[{wl}]^T dZ[{upstream}] {op} g'[{g}](Z[{to}])", rhs, f"Z{to}", PER, ds)

    claim = make(weight, weight_layer, gprime, elementwise)
    prod = ("element-wise (*)" if elementwise
            else "a matrix product (juxtaposed, as printed in the backward block)")
    wname = "W" if weight == "W" else "dW (the gradient (1/m) dJ/dW, as the documents define it)"
    says = (f"dZ^{{[{to}]}} = {weight}^{{[{weight_layer}]T}} dZ^{{[{upstream}]}} g'^{{[{gprime}]}}(Z^{{[{to}]}}) "
            f"as printed, with {wname} and the product with g' {prod}: the derivative of the cost by "
            f"Z^{{[{to}]}}. " + context(claim))
    if upstream != up_right:
        raise ValueError(f"dZ[{to}] from dZ[{upstream}]: the documents' upstream dZ is dZ[{up_right}]")
    if list(depths) != sorted(depths):
        says += (f" The networks are taken in the order L = {', '.join(map(str, depths))}, so that the first "
                 "failure reported is the one at L > 2.")
    slips = []
    if weight != "W":
        slips.append(f"the factor dZ^{{[{up_right}]}}/dA^{{[{to}]}} is a weight, W^{{[{up_right}]}}, not a "
                     f"gradient dW")
    if weight_layer != up_right:
        slips.append(f"Z^{{[{up_right}]}} = W^{{[{up_right}]}} A^{{[{to}]}} + b^{{[{up_right}]}}, so the weight is "
                     f"layer {up_right}'s: {weight}^{{[{weight_layer}]}} is layer {up_right}'s at L = 2 only, and "
                     f"the line is made for every L (at L = 3, 4 {weight}^{{[L]T}} dZ^{{[{upstream}]}} is "
                     "(n_{L-1} x 1)(n_2 x m), undefined)")
    if gprime != to:
        slips.append(f"A^{{[{to}]}} = g^{{[{to}]}}(Z^{{[{to}]}}), so the derivative is g'^{{[{to}]}}, not "
                     f"g'^{{[{gprime}]}} (they differ here: {HIDDEN}' against {OUTPUT}')")
    if not elementwise:
        slips.append(f"the product with g' is element-wise: as a matrix product (n_{{{to}}} x m)(n_{{{to}}} x m) "
                     "is undefined")
    if not slips:
        return Twin(claim, says)
    return Twin(claim, says, make("W", up_right, to, True, DEPTHS), why="; ".join(slips))


# --------------------------------------------------------------------------
# the steps
# --------------------------------------------------------------------------

def twin_step(scalar: Step, twin: Twin) -> Step:
    """The matrix step right after a scalar one: same LaTeX and citation, id + "-matrix".

    A wrong line keeps the scalar step's corrected LaTeX; the why and the
    corrected claim are the matrix reading's.
    """
    erratum = None
    if twin.fixed is not None:
        if scalar.erratum is None:
            raise ValueError(f"{scalar.id}: the matrix reading is wrong but the scalar step has no erratum")
        erratum = Erratum(scalar.erratum.correction, twin.why, twin.fixed)
    elif scalar.erratum is not None:
        raise ValueError(f"{scalar.id}: the scalar step has an erratum but the matrix reading holds")
    return Step(id=f"{scalar.id}-matrix", latex=scalar.latex, cite=scalar.cite, kind=Kind.MATRIX,
                claim=twin.claim, says=twin.says, erratum=erratum)
