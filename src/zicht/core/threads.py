"""One BLAS thread, set before numpy is first imported.

zicht's linear algebra is on small matrices (log-linear designs of a few hundred
columns): BLAS threads only add overhead, and on a shared machine they made the
multi-year model's fits 50-100 times slower. A setting the user made wins.
"""

from __future__ import annotations

import os

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded_blas() -> None:
    """Default every BLAS library to one thread (effective only before numpy loads)."""
    for var in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(var, "1")
