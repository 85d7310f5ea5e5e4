"""Citizen service numbers (BSN) that pass the eleven-test, one per register slot.

``bsn_for_slots`` is a bijection from slot numbers to valid BSNs: a slot is spread
over 36 million codes by an affine permutation, the code picks a 7-digit prefix and
one of four valid (8th, 9th) digit endings. So every resident has a distinct BSN,
the same slot always has the same BSN, and neighbouring rows do not get neighbouring
numbers.
"""

from __future__ import annotations

import numpy as np

_CODES = 36_000_000  # 9,000,000 prefixes x 4 endings
_A, _B = 7_919_237, 12_345_679  # gcd(_A, _CODES) == 1
_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3], dtype=np.int64)


def _endings() -> np.ndarray:
    """For each prefix residue r (mod 11), four digits d8 for which d9 is a digit."""
    table = np.zeros((11, 4), dtype=np.int64)
    for r in range(11):
        ok = [d8 for d8 in range(10) if (r + 2 * d8) % 11 <= 9]
        table[r] = ok[:4]
    return table


_ENDINGS = _endings()


def bsn_for_slots(slots: np.ndarray) -> np.ndarray:
    """The BSN (as int64) of each slot number in ``slots`` (0 <= slot < 36,000,000)."""
    code = (slots.astype(np.int64) * _A + _B) % _CODES
    prefix = 1_000_000 + code // 4
    variant = code % 4
    digits = np.stack([(prefix // 10 ** (6 - i)) % 10 for i in range(7)], axis=1)
    residue = (digits @ _WEIGHTS) % 11
    d8 = _ENDINGS[residue, variant]
    d9 = (residue + 2 * d8) % 11
    return np.asarray(prefix * 100 + d8 * 10 + d9, dtype=np.int64)


def is_valid_bsn(value: str) -> bool:
    """The eleven-test: 9 digits, 9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11."""
    if len(value) != 9 or not value.isdigit():
        return False
    d = [int(c) for c in value]
    return (sum((9 - i) * d[i] for i in range(8)) - d[8]) % 11 == 0
