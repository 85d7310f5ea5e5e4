"""API keys (argon2, shown once, revocable) and the organisation rules of each role."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from zicht.cli import app
from zicht.core.errors import AccessDenied, AuthenticationError, ValidationError
from zicht.registry import open_registry
from zicht.registry.access import ACCESS, Action, Principal, Role, authorize, check_org
from zicht.registry.keys import KeyVerifier, create_key, list_keys, revoke_key
from zicht.registry.models import ApiKey

runner = CliRunner()


def test_key_lifecycle(sqlite_url: str) -> None:
    reg = open_registry(sqlite_url)
    verifier = KeyVerifier()
    with reg.begin() as conn:
        info, key = create_key(conn, role="reporter", org="police:amsterdam", actor="t")
        stored = conn.scalar(select(ApiKey.__table__.c.hash))
    assert stored is not None and stored.startswith("$argon2id$") and key not in stored
    with reg.read() as conn:
        who = verifier.authenticate(conn, key)
        assert (who.role, who.org, who.key_id) == (Role.REPORTER, "police:amsterdam", info.id)
        assert verifier.authenticate(conn, key) == who  # cached, still checked
        for wrong in (None, "", "zk_x", key[:-1] + ("A" if key[-1] != "A" else "B")):
            with pytest.raises(AuthenticationError):
                verifier.authenticate(conn, wrong)
    with reg.begin() as conn:
        revoke_key(conn, info.id, actor="t")
        assert list_keys(conn)[0].revoked_at is not None
    with reg.read() as conn, pytest.raises(AuthenticationError):
        verifier.authenticate(conn, key)
    reg.dispose()


def test_cli_prints_key_once_and_lists_without_secret(sqlite_url: str) -> None:
    out = runner.invoke(app, ["keys", "create", "--role", "reporter", "--org", "fairwork",
                              "--db", sqlite_url])
    assert out.exit_code == 0, out.output
    key = out.stdout.strip().splitlines()[-1]
    assert key.startswith("zk_")
    listed = runner.invoke(app, ["keys", "list", "--db", sqlite_url], terminal_width=200)
    assert listed.exit_code == 0 and "fairwork" in listed.stdout and key not in listed.stdout
    key_id = key.split("_")[1]
    assert runner.invoke(app, ["keys", "revoke", key_id, "--db", sqlite_url]).exit_code == 0
    assert runner.invoke(app, ["keys", "revoke", key_id, "--db", sqlite_url]).exit_code != 0


@pytest.mark.parametrize(("role", "org", "ok"), [
    (Role.REPORTER, "police:amsterdam", True), (Role.REPORTER, "fairwork", True),
    (Role.REPORTER, "police", False), (Role.REPORTER, "police:gotham", False),
    (Role.REPORTER, "fairwork:x", False), (Role.REPORTER, "ngo", False),
    (Role.MUNICIPALITY, "GM0363", True), (Role.MUNICIPALITY, "Amsterdam", False),
    (Role.ANALYST, "research-team", True), (Role.ADMIN, " ", False),
])
def test_organisation_rules(role: Role, org: str, ok: bool) -> None:
    if ok:
        assert check_org(role, org) == org
    else:
        with pytest.raises(ValidationError):
            check_org(role, org)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_authorize_follows_the_matrix(role: Role, action: Action) -> None:
    who = Principal(key_id="k", role=role, org="o")
    if role in ACCESS[action]:
        assert authorize(who, action) is who
    else:
        with pytest.raises(AccessDenied):
            authorize(who, action)


def test_analyst_never_reads_identities() -> None:
    identity_actions = {Action.REPORT_READ, Action.REGISTRY_READ_BULK, Action.REPORT_SUBMIT}
    assert all(Role.ANALYST not in ACCESS[a] for a in identity_actions)
    assert all(Role.MUNICIPALITY not in ACCESS[a] for a in identity_actions)


def test_access_doc_lists_every_action_and_role() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "access.md").read_text()
    rows = {line.split("|")[1].strip(" `"): line for line in doc.splitlines()
            if line.startswith("| `") and "." in line.split("|")[1]}
    for action in Action:
        assert action.value in rows, f"docs/access.md lacks {action.value}"
        cells = [c.strip() for c in rows[action.value].split("|")[2:7]]
        allowed = {role for role, cell in zip(Role, cells, strict=True) if cell != "-"}
        assert allowed == set(ACCESS[action]), f"docs/access.md row {action.value} drifted"
