"""The roles an API key can have (``docs/access.md``).

Here, apart from the access matrix (``zicht.registry.access``), so that the command line
can offer them without importing the registry (``zicht keys --help`` stays instant).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Role"]


class Role(StrEnum):
    """A key's role (issue 9)."""

    REPORTER = "reporter"  # submits reports; sees its own organisation's reports
    REGISTRAR = "registrar"  # the registry zone: every report, dedupe review, consent
    ANALYST = "analyst"  # the research zone only: pseudonyms, never identities
    MUNICIPALITY = "municipality"  # published tables of its own region
    ADMIN = "admin"  # keys, retention, audit; no report content
