"""Roles and the access matrix: the one place that says who may do what.

Every API route names one :class:`Action` and calls :func:`authorize` through
``zicht.api.auth.require``; ``docs/access.md`` is this table in words, and the tests
walk every route against every role. Scope narrows further: a ``reporter`` acts only
on its own organisation's reports, a ``municipality`` only on its own region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from zicht.core.errors import AccessDenied, Problem, ValidationError
from zicht.core.roles import Role
from zicht.registry.organisations import UNASSIGNED, org_problem


class Action(StrEnum):
    """Something a route does; the matrix below says which roles may."""

    REPORT_SUBMIT = "report.submit"
    REPORT_READ = "report.read"  # one or a list, identifying fields included
    REPORT_WITHDRAW_CONSENT = "report.withdraw_consent"
    REGISTRY_READ_BULK = "registry.read_bulk"  # every report decrypted (dedupe, extract)
    REVIEW_DECIDE = "review.decide"  # dedupe review queue
    RESEARCH_READ = "research.read"  # pseudonymised research data
    PUBLISHED_READ = "published.read"  # disclosure-controlled tables and figures
    KEYS_MANAGE = "keys.manage"
    RETENTION_APPLY = "retention.apply"
    AUDIT_VERIFY = "audit.verify"


R = Role
#: The access matrix. A role not listed for an action is refused (403).
ACCESS: dict[Action, frozenset[Role]] = {
    Action.REPORT_SUBMIT: frozenset({R.REPORTER, R.REGISTRAR}),
    Action.REPORT_READ: frozenset({R.REPORTER, R.REGISTRAR}),
    Action.REPORT_WITHDRAW_CONSENT: frozenset({R.REPORTER, R.REGISTRAR}),
    Action.REGISTRY_READ_BULK: frozenset({R.REGISTRAR}),
    Action.REVIEW_DECIDE: frozenset({R.REGISTRAR}),
    Action.RESEARCH_READ: frozenset({R.ANALYST}),
    Action.PUBLISHED_READ: frozenset({R.ANALYST, R.MUNICIPALITY, R.REGISTRAR, R.ADMIN}),
    Action.KEYS_MANAGE: frozenset({R.ADMIN}),
    Action.RETENTION_APPLY: frozenset({R.ADMIN}),
    Action.AUDIT_VERIFY: frozenset({R.ADMIN, R.REGISTRAR}),
}

#: Roles whose reach is one organisation's reports / one region's tables.
ORG_SCOPED: frozenset[Role] = frozenset({Role.REPORTER})
REGION_SCOPED: frozenset[Role] = frozenset({Role.MUNICIPALITY})


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key id (the audit actor), its role and organisation."""

    key_id: str
    role: Role
    org: str

    @property
    def actor(self) -> str:
        return f"key:{self.key_id}"


def can(role: Role, action: Action) -> bool:
    """Whether ``role`` may perform ``action`` at all (scope is checked by the caller)."""
    return role in ACCESS[action]


def authorize(principal: Principal, action: Action) -> Principal:
    """Return ``principal`` if its role may perform ``action``; else raise AccessDenied."""
    if not can(principal.role, action):
        raise AccessDenied(
            f"A key with role '{principal.role}' may not do '{action}'. Allowed roles: "
            f"{', '.join(sorted(ACCESS[action]))}. Ask an admin for a key with such a role."
        )
    return principal


_CBS_CODE = re.compile(r"^GM\d{4}$")


def check_org(role: Role, org: str) -> str:
    """Validate a key's organisation for its role; return it normalised.

    ``reporter``: an organisation code of ``zicht.registry.organisations``
    (``police:amsterdam``, ``kmar``, ``other:fier``); ``municipality``: a CBS code
    ``GMxxxx``; others: a free name.
    """
    org = org.strip()
    message: str | None = None
    if role is Role.REPORTER:
        message = org_problem(org)
        if message is None and org.endswith(f":{UNASSIGNED}"):
            message = (f"'{org}' holds reports imported without an organisation; a key "
                       "names one organisation, e.g. other:fier.")
    elif role is Role.MUNICIPALITY and not _CBS_CODE.match(org):
        message = "A municipality key's organisation is its CBS code, e.g. GM0363."
    elif not org:
        message = "The organisation name is empty."
    if message:
        raise ValidationError(message, problems=[Problem(None, "org", message)])
    return org
