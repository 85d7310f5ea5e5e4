"""Design matrices of Rcapture's closed-population models (``Xclosedp``), in zicht's cells.

Rows are zicht's observable histories 1 .. 2**k - 1 (bit ``j`` = list ``j`` = capture
occasion ``j + 1``); columns exclude the intercept, as Rcapture's ``mX.``. Rivest &
Baillargeon (2007) write every model as a Poisson log-linear model on the histories:
M0 has one column (the number of captures ``c`` of a history), Mt one per list; the
heterogeneity models add a column ``h(c)`` that depends on ``c`` only (Darroch
``c**2 / 2``, Poisson ``theta**c - 1``, Gamma ``log(theta) - log(theta + c)``) or,
for Chao's lower bound, ``max(c - j + 1, 0)`` for ``j = 3 .. k``. Mb and Mbh (the
behavioural models) read the lists as ordered occasions: their columns count the
occasions before the first capture and the recaptures after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zicht.core.errors import EstimationError

FloatArray = npt.NDArray[np.float64]

#: Rcapture's ``h`` values (lower case here) and their default ``theta``.
HETEROGENEITY = ("chao", "poisson", "darroch", "gamma", "normal")
DEFAULT_THETA = {"poisson": 2.0, "gamma": 3.5}
BASE_MODELS = ("M0", "Mt", "Mh", "Mth", "Mb", "Mbh")


@dataclass(frozen=True)
class Design:
    """``x`` (cells by columns, no intercept), column names as Rcapture's, ``nca``.

    ``nca`` counts the columns (with the intercept) that do not model heterogeneity:
    the Chao ``eta`` columns after them are the ones refitted away when negative.
    """

    x: FloatArray
    names: tuple[str, ...]
    nca: int
    heterogeneity: str | None


def capture_counts(k: int) -> npt.NDArray[np.int64]:
    """Number of lists that saw each history (Rcapture's ``nbcap``)."""
    h = np.arange(1, 2**k, dtype=np.int64)
    return np.array([int(v).bit_count() for v in h], dtype=np.int64)


def histories(k: int) -> FloatArray:
    """0/1 matrix of the histories, one column per list (Rcapture's ``histpos``)."""
    h = np.arange(1, 2**k, dtype=np.int64)
    return ((h[:, None] >> np.arange(k)) & 1).astype(np.float64)


def rcapture_row_order(k: int) -> npt.NDArray[np.int64]:
    """zicht's row of each of Rcapture's ``histpos`` rows (1...1 first, list 1 leading).

    Only where R's rounding path matters (:mod:`.linpack`): sums run in row order.
    """
    v = np.arange(2**k - 1, 0, -1, dtype=np.int64)  # list 1 = the highest bit in R
    h = np.zeros_like(v)
    for j in range(k):  # reversed bits: list 1 = bit 0 in zicht
        h |= ((v >> (k - 1 - j)) & 1) << j
    return h - 1


def heterogeneity_columns(k: int, kind: str,
                          theta: float | None) -> tuple[FloatArray, tuple[str, ...]]:
    """The column(s) ``h(c)`` of a heterogeneity model (Rcapture's ``hP``, ``hD``, ``hG``)."""
    c = capture_counts(k).astype(np.float64)
    if kind == "chao":
        if k < 3:
            return np.zeros((c.size, 1)), ("eta",)
        cols = np.column_stack([np.maximum(c - j + 1, 0) for j in range(3, k + 1)])
        return cols, tuple(f"eta{j}" for j in range(3, k + 1))
    if kind == "poisson":
        assert theta is not None
        return (theta**c - 1.0)[:, None], ("tau",)
    if kind == "darroch":
        return (c**2 / 2.0)[:, None], ("tau",)
    if kind == "gamma":
        assert theta is not None
        return (np.log(theta) - np.log(theta + c))[:, None], ("tau",)
    raise EstimationError(f"Unknown heterogeneity {kind!r}; expected one of "
                          f"{', '.join(HETEROGENEITY)}.")


def model_design(k: int, model: str, heterogeneity: str | None = None,
                 theta: float | None = None) -> Design:
    """Design of a named model: M0, Mt, Mb, Mbh, or Mh / Mth with a heterogeneity kind."""
    c = capture_counts(k).astype(np.float64)
    names: tuple[str, ...]
    if model in ("M0", "Mh"):
        x, names = c[:, None], ("beta",)
    elif model in ("Mt", "Mth"):
        x, names = histories(k), tuple(f"beta{j}" for j in range(1, k + 1))
    elif model in ("Mb", "Mbh"):
        h = np.arange(1, 2**k, dtype=np.int64)
        before = np.array([(int(v) & -int(v)).bit_length() - 1 for v in h], dtype=np.float64)
        if model == "Mb":
            x, names = np.column_stack([before, c - 1]), ("beta1", "beta2")
        else:
            x = np.column_stack([1.0 - (h & 1), before, c - 1])
            names = ("eta", "beta1", "beta2")
    else:
        raise EstimationError(f"Unknown model {model!r}; expected one of "
                              f"{', '.join(BASE_MODELS)}.")
    nca = x.shape[1] + 1
    if model in ("Mh", "Mth") and heterogeneity == "normal":  # sigma is not a column
        return Design(np.asarray(x, dtype=np.float64), names, nca, "normal")
    if model in ("Mh", "Mth"):
        if heterogeneity is None:
            raise EstimationError(f"Model {model} needs a heterogeneity kind "
                                  f"({', '.join(HETEROGENEITY)}).")
        hx, hnames = heterogeneity_columns(k, heterogeneity, theta)
        return Design(np.column_stack([x, hx]), names + hnames, nca, heterogeneity)
    return Design(np.asarray(x, dtype=np.float64), names, nca, None)


def user_design(k: int, columns: FloatArray, names: tuple[str, ...],
                heterogeneity: str | Callable[[FloatArray], FloatArray] | None,
                theta: float | None) -> Design:
    """A user's log-linear columns (Rcapture's ``mX``) plus optional heterogeneity columns.

    ``heterogeneity`` may be a function of the number of captures (R's ``h = function``):
    its values form one column ``tau``.
    """
    nca = columns.shape[1] + 1
    if heterogeneity is None:
        return Design(columns, names, nca, None)
    if heterogeneity == "normal":
        return Design(columns, names, nca, "normal")
    if callable(heterogeneity):
        c = capture_counts(k).astype(np.float64)
        col = np.asarray(heterogeneity(c), dtype=np.float64).reshape(-1)
        if col.shape != c.shape or not np.isfinite(col).all():
            raise EstimationError("The heterogeneity function must return one finite value "
                                  "per history for the array of capture counts.")
        return Design(np.column_stack([columns, col]), (*names, "tau"), nca, "function")
    hx, hnames = heterogeneity_columns(k, heterogeneity, theta)
    return Design(np.column_stack([columns, hx]), names + hnames, nca, heterogeneity)
