"""Municipalities (CBS codes) with weights and the police unit that covers each.

A deliberately small map: 36 real municipalities stand for the country, weighted by
rough population, so that regional views have something to show without a
342-row table to maintain.
"""

from __future__ import annotations

#: code -> (name, police unit, weight ~ population in 10,000s)
MUNICIPALITIES: dict[str, tuple[str, str, float]] = {
    "GM0363": ("Amsterdam", "amsterdam", 87), "GM0599": ("Rotterdam", "rotterdam", 64),
    "GM0505": ("Dordrecht", "rotterdam", 12), "GM0518": ("'s-Gravenhage", "den-haag", 54),
    "GM0546": ("Leiden", "den-haag", 12), "GM0637": ("Zoetermeer", "den-haag", 12),
    "GM0503": ("Delft", "den-haag", 10), "GM0344": ("Utrecht", "midden-nederland", 35),
    "GM0307": ("Amersfoort", "midden-nederland", 16),
    "GM0402": ("Hilversum", "midden-nederland", 9), "GM0034": ("Almere", "midden-nederland", 21),
    "GM0014": ("Groningen", "noord-nederland", 23),
    "GM0080": ("Leeuwarden", "noord-nederland", 12), "GM0114": ("Emmen", "noord-nederland", 11),
    "GM0106": ("Assen", "noord-nederland", 7), "GM1740": ("Westerwolde", "noord-nederland", 3),
    "GM0772": ("Eindhoven", "oost-brabant", 23), "GM0796": ("'s-Hertogenbosch", "oost-brabant", 15),
    "GM0794": ("Helmond", "oost-brabant", 9), "GM0855": ("Tilburg", "zeeland-west-brabant", 22),
    "GM0758": ("Breda", "zeeland-west-brabant", 18),
    "GM0687": ("Middelburg", "zeeland-west-brabant", 5),
    "GM0718": ("Vlissingen", "zeeland-west-brabant", 4),
    "GM0268": ("Nijmegen", "oost-nederland", 18), "GM0202": ("Arnhem", "oost-nederland", 16),
    "GM0153": ("Enschede", "oost-nederland", 16), "GM0193": ("Zwolle", "oost-nederland", 13),
    "GM0200": ("Apeldoorn", "oost-nederland", 16), "GM0228": ("Ede", "oost-nederland", 12),
    "GM0392": ("Haarlem", "noord-holland", 16), "GM0479": ("Zaanstad", "noord-holland", 16),
    "GM0394": ("Haarlemmermeer", "noord-holland", 16), "GM0361": ("Alkmaar", "noord-holland", 11),
    "GM0935": ("Maastricht", "limburg", 12), "GM0917": ("Heerlen", "limburg", 9),
    "GM0983": ("Venlo", "limburg", 10),
}
CODES: tuple[str, ...] = tuple(MUNICIPALITIES)
WEIGHTS: tuple[float, ...] = tuple(v[2] for v in MUNICIPALITIES.values())
UNIT_OF: dict[str, str] = {code: v[1] for code, v in MUNICIPALITIES.items()}
MUNICIPALITIES_OF_UNIT: dict[str, tuple[str, ...]] = {}
for _code, (_name, _unit, _w) in MUNICIPALITIES.items():
    MUNICIPALITIES_OF_UNIT[_unit] = (*MUNICIPALITIES_OF_UNIT.get(_unit, ()), _code)
