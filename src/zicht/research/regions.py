"""Nationality (ISO 3166-1 alpha-2) to origin region: the country lists behind the
origin-region rules of ``classify.ORIGIN_REGION``.

Data, not logic: a country moves region with a one-line diff. The United Kingdom is
listed under other Europe (it left the EU in 2020); Turkey under other Europe as the
rapporteur's figures do; the Caucasus under Asia. Anything not listed (North America,
Oceania, stateless, unknown) falls into ``other_unknown``.
"""

from __future__ import annotations

EU: tuple[str, ...] = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IE", "IT", "LV",
    "LT", "LU", "MT", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "HU",
)
OTHER_EUROPE: tuple[str, ...] = (
    "GB", "NO", "CH", "IS", "LI", "UA", "MD", "BY", "RU", "RS", "BA", "ME", "MK", "AL", "XK",
    "TR", "AD", "MC", "SM", "VA", "GI", "FO",
)
AFRICA: tuple[str, ...] = (
    "DZ", "AO", "BJ", "BW", "BF", "BI", "CV", "CM", "CF", "TD", "KM", "CG", "CD", "CI", "DJ",
    "EG", "GQ", "ER", "SZ", "ET", "GA", "GM", "GH", "GN", "GW", "KE", "LS", "LR", "LY", "MG",
    "MW", "ML", "MR", "MU", "MA", "MZ", "NA", "NE", "NG", "RW", "ST", "SN", "SC", "SL", "SO",
    "ZA", "SS", "SD", "TZ", "TG", "TN", "UG", "ZM", "ZW", "EH",
)
ASIA: tuple[str, ...] = (
    "AF", "AM", "AZ", "BH", "BD", "BT", "BN", "KH", "CN", "GE", "HK", "IN", "ID", "IR", "IQ",
    "IL", "JP", "JO", "KZ", "KW", "KG", "LA", "LB", "MO", "MY", "MV", "MN", "MM", "NP", "KP",
    "OM", "PK", "PS", "PH", "QA", "SA", "SG", "KR", "LK", "SY", "TW", "TJ", "TH", "TL", "TM",
    "AE", "UZ", "VN", "YE",
)
LATIN_AMERICA: tuple[str, ...] = (
    "AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "SV", "GT", "HT", "HN", "MX", "NI",
    "PA", "PY", "PE", "PR", "UY", "VE", "JM", "TT", "BS", "BB", "BZ", "GY", "SR", "DM", "GD",
    "LC", "VC", "KN", "AG", "CW", "AW", "SX", "BQ",
)


def sql_list(codes: tuple[str, ...]) -> str:
    """``('AT', 'BE', ...)`` for an SQL ``IN`` predicate (codes are fixed data, not input)."""
    return "(" + ", ".join(f"'{c}'" for c in codes) + ")"
