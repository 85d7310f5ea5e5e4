"""Reporting organisations: the one grammar of an organisation code (docs/access.md).

Every report belongs to exactly one organisation and every reporter key to exactly one;
the code is the scope of reads, re-sends and consent withdrawal, and ``report_ref`` is
unique per organisation. Codes by reporter (SCHEMA.md's reporter codes):

- ``police:<unit>``: a police unit of ``zicht.core.codes.POLICE_UNITS``;
- ``kmar``, ``inspectie_szw``, ``fairwork``: one national organisation each, the bare code;
- ``care_coordinator:<id>``, ``other:<id>``: one code covers many organisations (regional
  care coordinators; shelters, NGOs, lawyers, hospitals), so each carries its own ``id``:
  lower-case letters, digits and ``-``, 1 to 46 characters (``other:fier``,
  ``care_coordinator:noord-holland``). ``<code>:unassigned`` holds reports imported
  without an organisation; no key can be made for it, so only the registrar reads them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from zicht.core.codes import POLICE_UNITS, REPORTERS, codes

#: Reporter codes that stand for many organisations: their codes carry an id.
MULTI_ORG_REPORTERS: frozenset[str] = frozenset({"care_coordinator", "other"})
#: The id of reports imported without an organisation (no key may hold it).
UNASSIGNED = "unassigned"
_ID_LENGTH = 46  # the longest code, care_coordinator:<id>, fits the 64 of the column
_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,44}[a-z0-9])?$")


def org_problem(org: str) -> str | None:
    """What is wrong with organisation code ``org`` (None when it is well formed)."""
    reporter, sep, rest = org.partition(":")
    if reporter not in codes(REPORTERS):
        return (f"'{reporter}' is not a reporter code; expected one of "
                f"{', '.join(sorted(codes(REPORTERS)))}.")
    if reporter == "police":
        if rest not in codes(POLICE_UNITS):
            return ("a police organisation is police:<unit>, e.g. police:amsterdam; units: "
                    f"{', '.join(sorted(codes(POLICE_UNITS)))}.")
    elif reporter in MULTI_ORG_REPORTERS:
        if not sep or not _ID.match(rest):
            return (f"reporter code '{reporter}' covers many organisations: name one as "
                    f"{reporter}:<id>, the id in lower-case letters, digits and '-' "
                    f"(at most {_ID_LENGTH}), e.g. {reporter}:fier.")
    elif sep:
        return f"'{reporter}' is one organisation: use '{reporter}' without ':'."
    return None


@lru_cache(maxsize=4096)  # names repeat: one slug per organisation of a file
def org_slug(name: str) -> str:
    """An organisation id from a free-text name (``Zorgcoördinatie Noord`` ->
    ``zorgcoordinatie-noord``); empty when nothing is left."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:_ID_LENGTH].rstrip("-")


def derive_org(reporter: str, police_unit: str | None, reporter_org: str | None) -> str:
    """The organisation of a report that names none: from its reporter code and unit;
    for ``care_coordinator`` and ``other`` from ``reporter_org`` (its slug), else
    ``<code>:unassigned``."""
    if reporter == "police":
        return f"police:{police_unit}"
    if reporter in MULTI_ORG_REPORTERS:
        return f"{reporter}:{org_slug(reporter_org or '') or UNASSIGNED}"
    return reporter


def org_fits(org: str, reporter: str, police_unit: str | None) -> bool:
    """Whether organisation ``org`` may send a report of ``reporter`` (and ``police_unit``)."""
    code, _, rest = org.partition(":")
    if code != reporter:
        return False
    return reporter != "police" or rest == police_unit
