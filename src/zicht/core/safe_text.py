"""Registry text on its way to a terminal or a spreadsheet: the one rule for both.

Names come from reporters; a name is data, never markup, a terminal command or a
formula. Intake refuses control characters (:data:`CONTROL`); output escapes them
anyway (:func:`printable`), since older rows predate the check, and neutralises cells
a spreadsheet would run as a formula (:func:`safe_cell`, OWASP's CSV-injection advice).
"""

from __future__ import annotations

import re
from typing import Any

#: C0 and C1 controls (NUL, ESC, ...) and the bidirectional overrides and isolates
#: (U+202A-U+202E, U+2066-U+2069) that make a terminal or sheet show other text.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: A cell starting with one of these is a formula to Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(value: object) -> str:
    """``value`` as text with every control character shown as an escape (``\\x1b``)."""
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), str(value))


def safe_cell(value: Any) -> Any:
    """A cell for CSV/XLSX: text that would start a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
