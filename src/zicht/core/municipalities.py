"""Municipalities by CBS code: their name and the police unit that covers each.

One place for the names the dashboard and the reports show instead of the bare CBS code
("Amsterdam", not "GM0363"). It lists the municipalities the synthetic world uses (36 real
ones standing for the country); a code not listed is shown as the code itself, so adding
a municipality is a one-line diff here.
"""

from __future__ import annotations

from zicht.core import codes as c

#: CBS code -> (name, police unit code of ``codes.POLICE_UNITS``).
MUNICIPALITIES: dict[str, tuple[str, str]] = {
    "GM0363": ("Amsterdam", "amsterdam"), "GM0599": ("Rotterdam", "rotterdam"),
    "GM0505": ("Dordrecht", "rotterdam"), "GM0518": ("'s-Gravenhage", "den-haag"),
    "GM0546": ("Leiden", "den-haag"), "GM0637": ("Zoetermeer", "den-haag"),
    "GM0503": ("Delft", "den-haag"), "GM0344": ("Utrecht", "midden-nederland"),
    "GM0307": ("Amersfoort", "midden-nederland"), "GM0402": ("Hilversum", "midden-nederland"),
    "GM0034": ("Almere", "midden-nederland"), "GM0014": ("Groningen", "noord-nederland"),
    "GM0080": ("Leeuwarden", "noord-nederland"), "GM0114": ("Emmen", "noord-nederland"),
    "GM0106": ("Assen", "noord-nederland"), "GM1740": ("Westerwolde", "noord-nederland"),
    "GM0772": ("Eindhoven", "oost-brabant"), "GM0796": ("'s-Hertogenbosch", "oost-brabant"),
    "GM0794": ("Helmond", "oost-brabant"), "GM0855": ("Tilburg", "zeeland-west-brabant"),
    "GM0758": ("Breda", "zeeland-west-brabant"), "GM0687": ("Middelburg", "zeeland-west-brabant"),
    "GM0718": ("Vlissingen", "zeeland-west-brabant"), "GM0268": ("Nijmegen", "oost-nederland"),
    "GM0202": ("Arnhem", "oost-nederland"), "GM0153": ("Enschede", "oost-nederland"),
    "GM0193": ("Zwolle", "oost-nederland"), "GM0200": ("Apeldoorn", "oost-nederland"),
    "GM0228": ("Ede", "oost-nederland"), "GM0392": ("Haarlem", "noord-holland"),
    "GM0479": ("Zaanstad", "noord-holland"), "GM0394": ("Haarlemmermeer", "noord-holland"),
    "GM0361": ("Alkmaar", "noord-holland"), "GM0935": ("Maastricht", "limburg"),
    "GM0917": ("Heerlen", "limburg"), "GM0983": ("Venlo", "limburg"),
}


def name(code: str) -> str:
    """The municipality's name, or the code itself when it is not listed."""
    entry = MUNICIPALITIES.get(code)
    return entry[0] if entry else code


def police_unit(code: str) -> str | None:
    """The code of the police unit that covers the municipality (None if not listed)."""
    entry = MUNICIPALITIES.get(code)
    return entry[1] if entry else None


def label(code: str, lang: str = "nl") -> str:
    """'Amsterdam (politie-eenheid Amsterdam)': name and police unit, for a heading."""
    unit = police_unit(code)
    if unit is None:
        return name(code)
    word = "politie-eenheid" if lang == "nl" else "police unit"
    return f"{name(code)} ({word} {c.label(c.POLICE_UNITS, unit, lang)})"
