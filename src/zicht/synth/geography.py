"""Municipalities (CBS codes) with weights and the police unit that covers each.

A deliberately small map: 36 real municipalities stand for the country, weighted by
rough population, so that regional views have something to show without a
342-row table to maintain.
"""

from __future__ import annotations

from zicht.core import municipalities as M

#: code -> weight ~ population in 10,000s (names and police units: zicht.core.municipalities)
WEIGHT: dict[str, float] = {
    "GM0363": 87, "GM0599": 64, "GM0505": 12, "GM0518": 54, "GM0546": 12, "GM0637": 12,
    "GM0503": 10, "GM0344": 35, "GM0307": 16, "GM0402": 9, "GM0034": 21, "GM0014": 23,
    "GM0080": 12, "GM0114": 11, "GM0106": 7, "GM1740": 3, "GM0772": 23, "GM0796": 15,
    "GM0794": 9, "GM0855": 22, "GM0758": 18, "GM0687": 5, "GM0718": 4, "GM0268": 18,
    "GM0202": 16, "GM0153": 16, "GM0193": 13, "GM0200": 16, "GM0228": 12, "GM0392": 16,
    "GM0479": 16, "GM0394": 16, "GM0361": 11, "GM0935": 12, "GM0917": 9, "GM0983": 10,
}
#: code -> (name, police unit, weight)
MUNICIPALITIES: dict[str, tuple[str, str, float]] = {
    code: (*M.MUNICIPALITIES[code], weight) for code, weight in WEIGHT.items()}
CODES: tuple[str, ...] = tuple(MUNICIPALITIES)
WEIGHTS: tuple[float, ...] = tuple(v[2] for v in MUNICIPALITIES.values())
UNIT_OF: dict[str, str] = {code: v[1] for code, v in MUNICIPALITIES.items()}
MUNICIPALITIES_OF_UNIT: dict[str, tuple[str, ...]] = {}
for _code, (_name, _unit, _w) in MUNICIPALITIES.items():
    MUNICIPALITIES_OF_UNIT[_unit] = (*MUNICIPALITIES_OF_UNIT.get(_unit, ()), _code)
