"""The registry zone: identifying data of reports, encrypted at rest, audited.

Public names (others are internal):

- :func:`open_registry` / :func:`upgrade`: open and migrate a registry database.
- :func:`import_file` / :func:`import_rows`: the one intake (files, API), all or nothing.
- :class:`ReportRecord` / :func:`validate_records`: the one validator.
- :func:`read_reports`: every report decrypted as an Arrow table (dedupe, extract).
- :func:`read_bsn`, :func:`find_reports_by_bsn`: the BSN, inside the registry zone only.
- :func:`withdraw_consent`, :func:`erase_identities`: erasure.
- :func:`append_audit`, :func:`verify_audit`: the hash-chained audit log.
"""

from zicht.registry.audit import append_audit, verify_audit
from zicht.registry.db import Registry, open_registry, upgrade
from zicht.registry.intake import ImportSummary, import_file, import_rows
from zicht.registry.record import ReportRecord, validate_records
from zicht.registry.reports import (
    erase_identities,
    find_reports_by_bsn,
    get_report,
    list_reports,
    read_bsn,
    read_reports,
    withdraw_consent,
)

__all__ = [
    "ImportSummary",
    "Registry",
    "ReportRecord",
    "append_audit",
    "erase_identities",
    "find_reports_by_bsn",
    "get_report",
    "import_file",
    "import_rows",
    "list_reports",
    "open_registry",
    "read_bsn",
    "read_reports",
    "upgrade",
    "validate_records",
    "verify_audit",
    "withdraw_consent",
]
