"""Synthetic names by origin and the identity noise reporters add to them.

The name lists are short and common on purpose: duplicates between different
persons are part of what a dedupe must survive. Noise (typos, case, lost diacritics,
moved or dropped particles, swapped given and family names) is what different
reporters make of the same person.
"""

from __future__ import annotations

import unicodedata

import numpy as np

_F, _M = "female", "male"
#: group -> (family names, female given names, male given names)
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "nl": (("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser",
            "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
            "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "van der Linden",
            "Kok", "Jacobs", "de Haan", "Vermeulen", "van der Heijden", "Schouten"),
           ("Sanne", "Lisa", "Anouk", "Fleur", "Sophie", "Emma", "Julia", "Lotte", "Noa",
            "Eva", "Iris", "Femke", "Romy", "Chloë", "Zoë", "Naomi", "Daphne", "Esmée"),
           ("Daan", "Sem", "Lucas", "Thijs", "Jesse", "Bram", "Ruben", "Niels", "Stijn",
            "Jeroen", "Mees", "Tim", "Joël", "Anouar", "Kevin", "Youssef", "Rick")),
    "pl": (("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński",
            "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski"),
           ("Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Joanna", "Magdalena"),
           ("Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Łukasz", "Marcin")),
    "ro": (("Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe",
            "Rusu", "Munteanu", "Matei", "Constantin", "Șerban"),
           ("Maria", "Elena", "Ioana", "Andreea", "Mihaela", "Alexandra", "Ștefania"),
           ("Andrei", "Mihai", "Ion", "Alexandru", "Florin", "Ionuț", "Gheorghe")),
    "bg": (("Ivanov", "Georgiev", "Dimitrov", "Petrov", "Nikolov", "Hristov", "Stoyanov",
            "Todorov", "Iliev", "Angelov"),
           ("Maria", "Ivana", "Elena", "Desislava", "Gergana", "Petya", "Yordanka"),
           ("Georgi", "Ivan", "Dimitar", "Nikolay", "Petar", "Hristo", "Stoyan")),
    "hu": (("Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár",
            "Németh", "Farkas", "Balogh"),
           ("Mária", "Erzsébet", "Katalin", "Éva", "Zsófia", "Anikó", "Réka"),
           ("László", "István", "József", "János", "Zoltán", "Sándor", "Gábor")),
    "ng": (("Okafor", "Adeyemi", "Okonkwo", "Eze", "Osagie", "Obi", "Igbinosa", "Ogbeide",
            "Edo", "Omoregie", "Nwosu", "Uwadia", "Aigbe", "Ehigiator"),
           ("Blessing", "Joy", "Precious", "Favour", "Gift", "Mercy", "Peace", "Osas",
            "Esohe", "Ifeoma", "Chioma", "Success"),
           ("Emeka", "Chinedu", "Osaro", "Ikenna", "Uche", "Godwin", "Friday", "Efosa")),
    "af": (("Diallo", "Bah", "Camara", "Touré", "Keita", "Tesfaye", "Haile", "Mensah",
            "Owusu", "Kamara", "Conteh", "Ouattara", "El Amrani", "Benali", "Ahmed",
            "Mohamed", "Abdi"),
           ("Fatoumata", "Aminata", "Mariama", "Hawa", "Aisha", "Selam", "Akosua", "Fatima",
            "Khadija", "Miriam"),
           ("Mamadou", "Ibrahima", "Ousmane", "Alpha", "Abdoulaye", "Yonas", "Kwame",
            "Mohammed", "Samuel", "Moussa")),
    "asia": (("Nguyen", "Tran", "Le", "Pham", "Wang", "Li", "Zhang", "Chen", "Liu",
              "Srisuk", "Saetang", "Kumar", "Singh", "Santos", "Reyes", "Cruz", "Wijaya",
              "Hosseini"),
             ("Linh", "Mai", "Thi Hoa", "Xiu", "Mei", "Ying", "Nok", "Siriporn", "Priya",
              "Maria", "Angelica", "Dewi", "Maryam"),
             ("Minh", "Duc", "Wei", "Jun", "Somchai", "Rahul", "Amit", "Jose", "Mark",
              "Budi", "Ali")),
    "latam": (("Silva", "Santos", "Oliveira", "Souza", "Rodríguez", "Gómez", "González",
               "Martínez", "Pérez", "Hernández", "García", "Díaz"),
              ("Ana", "Juliana", "Camila", "Valentina", "Daniela", "María José", "Lucía",
               "Gabriela"),
              ("João", "José", "Carlos", "Luis", "Juan", "Andrés", "Diego")),
    "east": (("Shevchenko", "Kovalenko", "Bondarenko", "Hoxha", "Krasniqi", "Rusu",
              "Jovanović", "Petrović", "Ivanova", "Smirnov"),
             ("Olena", "Iryna", "Natalia", "Elira", "Ana", "Jelena", "Svetlana"),
             ("Oleksandr", "Andriy", "Arben", "Dragan", "Nikola", "Sergei")),
    "eu": (("Kazlauskas", "Horváth", "Novák", "Ferreira", "Pereira", "López", "Sánchez"),
           ("Rūta", "Zuzana", "Ana", "Inês", "Carmen", "Lucie"),
           ("Tomas", "Peter", "Rui", "Pedro", "Javier", "Jan")),
}
GROUP_OF: dict[str, str] = {
    "NL": "nl", "PL": "pl", "RO": "ro", "MD": "ro", "BG": "bg", "HU": "hu", "NG": "ng",
    "UA": "east", "AL": "east", "RS": "east", "RU": "east",
    "BR": "latam", "CO": "latam", "VE": "latam", "DO": "latam", "SR": "nl",
    "CN": "asia", "TH": "asia", "VN": "asia", "IN": "asia", "PH": "asia", "ID": "asia",
    "IR": "asia", "LT": "eu", "SK": "eu", "CZ": "eu", "PT": "eu", "ES": "eu",
}
PARTICLES = ("van der", "van den", "van de", "van", "de", "den", "der", "ter", "te")


def group_for(nationality: str) -> str:
    """The name list used for a nationality (Africa and unknown share a list)."""
    return GROUP_OF.get(nationality, "af")


def draw_names(rng: np.random.Generator, nationalities: np.ndarray,
               sexes: np.ndarray) -> tuple[list[str], list[str]]:
    """A family and given name for each person, from the list of their origin."""
    family, given = [], []
    u = rng.random((len(nationalities), 3))
    for i, (nat, sex) in enumerate(zip(nationalities, sexes, strict=True)):
        fam, fem, mal = NAMES[group_for(str(nat))]
        first = fem if sex == _F else mal if sex == _M else fem + mal
        family.append(fam[int(u[i, 0] * len(fam))])
        name = first[int(u[i, 1] * len(first))]
        if u[i, 2] < 0.25:  # a second given name
            name = f"{name} {first[int(u[i, 2] * 4 * len(first)) % len(first)]}"
        given.append(name)
    return family, given


def strip_diacritics(text: str) -> str:
    """'Wiśniewski' -> 'Wisniewski' (what an ASCII-only form makes of a name)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c)).replace("ł", "l").replace("Ł", "L")


def add_typo(rng: np.random.Generator, text: str) -> str:
    """One keyboard slip: a dropped, doubled or swapped letter."""
    if len(text) < 4:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(3))
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]


def move_particle(rng: np.random.Generator, family: str) -> str:
    """'van den Berg' -> 'Berg, van den' / 'Van Den Berg' / 'Berg' / 'vd Berg'."""
    for p in PARTICLES:
        if family.lower().startswith(p + " "):
            rest = family[len(p) + 1:]
            kind = int(rng.integers(4))
            if kind == 0:
                return f"{rest}, {p}"
            if kind == 1:
                return " ".join(w.capitalize() for w in p.split()) + " " + rest
            if kind == 2:
                return rest
            return ("v.d. " if p.startswith("van d") else p + " ") + rest
    return family
