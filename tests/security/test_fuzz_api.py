"""Bad input over HTTP: schemathesis fuzzes every operation of the served OpenAPI spec.

Against the real server (uvicorn on loopback) with a registrar key (it may call every
report operation) and a reporter key (scoped to one organisation): no 5xx, and every
response conforms to the spec (status code documented, content type, body schema).
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from security_figures import report_figure
from security_server import Seeded

from zicht.registry.access import Role

EXAMPLES = int(os.environ.get("ZICHT_FUZZ_EXAMPLES", "20"))
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance,
          checks.response_headers_conformance]


def fuzz_operation(operation: Any, seeded: Seeded, examples: int) -> int:
    """Run ``examples`` generated cases of one operation, keys alternating; count calls."""
    calls = 0

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        nonlocal calls
        role = (Role.REGISTRAR, Role.REPORTER)[calls % 2]  # alternate the two keys
        calls += 1
        case.call_and_validate(base_url=seeded.base_url, checks=CHECKS,
                               headers={"Authorization": f"Bearer {seeded.keys[role]}"})

    run()
    return calls


def test_no_server_error_and_no_schema_violation(seeded: Seeded) -> None:
    schema = schemathesis.openapi.from_url(f"{seeded.base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {op.label for op in operations}
    assert "POST /reports" in labels and "GET /reports/{report_id}" in labels
    failures = []
    calls = 0
    for op in operations:  # every operation, so one finding does not hide the next
        try:
            calls += fuzz_operation(op, seeded, EXAMPLES)
        except BaseException as exc:  # schemathesis raises a group of failures
            failures.append(f"{op.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    report_figure("schemathesis cases tried", calls, "requests", operations=len(operations),
                  examples_per_operation=EXAMPLES, violations=0)
