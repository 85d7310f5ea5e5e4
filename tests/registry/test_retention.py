"""Retention: expired identities are erased, research data and recent identities are kept."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "security"))
from security_seed import KINDS, TEST_KEY, database, report_row

from zicht.cli import app
from zicht.core.errors import ConfigError
from zicht.registry import import_rows, open_registry, verify_audit
from zicht.registry.models import AuditEntry, Report, ReportHistory, ReportVictim, Victim
from zicht.registry.retention import RetentionPolicy, apply_retention, load_policy

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
R, H = Report.__table__, ReportHistory.__table__


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZICHT_ENCRYPTION_KEY", TEST_KEY)


def _seed(url: str) -> dict[str, int]:
    """Four reports: old, recent, old-but-same-victim-as-recent, old re-sent (history)."""
    reg = open_registry(url)
    rows = [report_row(i) for i in range(4)]
    import_rows(reg, rows, list(range(2, 6)), actor="test")
    import_rows(reg, [report_row(3, family_name="Znewname")], [2], actor="test")
    with reg.begin() as conn:
        ids = {r.report_ref: r.id for r in conn.execute(select(R.c.id, R.c.report_ref))}
        old = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
        recent = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        for ref in ("R0000000", "R0000002", "R0000003"):
            conn.execute(update(R).where(R.c.id == ids[ref]).values(updated_at=old))
        conn.execute(update(R).where(R.c.id == ids["R0000001"]).values(updated_at=recent))
        conn.execute(update(H).values(replaced_at=old))
        # R1 and R2 are the same victim: R2's identity lives as long as R1's report.
        vid = conn.execute(Victim.__table__.insert().values(created_at=old)).inserted_primary_key[0]
        conn.execute(ReportVictim.__table__.insert(), [
            {"report_id": ids["R0000001"], "victim_id": vid, "linked_at": old},
            {"report_id": ids["R0000002"], "victim_id": vid, "linked_at": old}])
    reg.dispose()
    return ids


@pytest.mark.parametrize("kind", KINDS)
def test_apply_erases_only_expired_identities_and_keeps_research_fields(
        kind: str, tmp_path: Path) -> None:
    with database(kind, tmp_path) as url:
        ids = _seed(url)
        reg = open_registry(url)
        with reg.begin() as conn:
            dry = apply_retention(conn, reg.cipher, RetentionPolicy(), actor="t", as_of=NOW,
                                  dry_run=True)
        assert (dry.reports, dry.history_versions) == (2, 1)
        with reg.begin() as conn:
            before = conn.scalar(select(R.c.family_name_enc).where(R.c.id == ids["R0000000"]))
        assert before is not None  # the dry run changed nothing
        with reg.begin() as conn:
            done = apply_retention(conn, reg.cipher, RetentionPolicy(), actor="t", as_of=NOW)
        assert sorted(done.report_ids) == sorted([ids["R0000000"], ids["R0000003"]])
        with reg.begin() as conn:
            rows = {r.report_ref: r for r in conn.execute(select(R))}
            history = conn.execute(select(H)).all()
            audit = conn.execute(select(AuditEntry.__table__)
                                 .where(AuditEntry.__table__.c.action == "retention.erase")).all()
            assert verify_audit(conn).ok
        for ref in ("R0000000", "R0000003"):
            r = rows[ref]
            assert (r.family_name_enc, r.given_names_enc, r.birth_date_enc, r.bsn_enc,
                    r.bsn_hash) == (None,) * 5
            assert r.erased_at is not None and not r.anonymous
            assert (r.sex, r.nationality, r.forms, r.municipality) == ("female", "NL",
                                                                       "sexual", "GM0363")
            birth_year = reg.cipher.decrypt("birth_year", r.birth_year_enc)
            assert birth_year is not None and birth_year.startswith("19")
        for ref in ("R0000001", "R0000002"):  # recent, and linked to a recent victim
            assert rows[ref].family_name_enc is not None and rows[ref].erased_at is None
        assert all(h.family_name_enc is None and h.bsn_hash is None for h in history)
        assert len(audit) == 3  # two reports + one for the history versions
        with reg.begin() as conn:  # idempotent: nothing left to erase
            again = apply_retention(conn, reg.cipher, RetentionPolicy(), actor="t", as_of=NOW)
        assert (again.reports, again.history_versions) == (0, 0)
        reg.dispose()


def test_policy_file_sets_years_and_rejects_unknown_types(tmp_path: Path) -> None:
    good = tmp_path / "policy.toml"
    good.write_text("[report]\nyears = 2\nkeep_birth_year = false\n"
                    "[report_history]\nyears = 0\n")
    assert load_policy(good) == RetentionPolicy(2, 0, False)
    assert load_policy(None) == RetentionPolicy()
    bad = tmp_path / "bad.toml"
    bad.write_text("[victims]\nyears = 2\n")
    with pytest.raises(ConfigError, match="unknown record type"):
        load_policy(bad)
    bad.write_text("[report]\nyears = -1\n")
    with pytest.raises(ConfigError, match="whole number"):
        load_policy(bad)


def test_cli_retention_apply_dry_run_then_apply(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    _seed(url)
    policy = tmp_path / "p.toml"
    policy.write_text("[report]\nyears = 5\nkeep_birth_year = false\n")
    runner = CliRunner()
    args = ["retention", "apply", "--db", url, "--policy", str(policy), "--as-of",
            "2026-06-01T00:00:00", "--json"]
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert '"reports_erased": 2' in dry.output and '"dry_run": true' in dry.output
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    reg = open_registry(url)
    with reg.begin() as conn:
        erased = conn.execute(select(R).where(R.c.erased_at.is_not(None))).all()
    reg.dispose()
    assert len(erased) == 2 and all(r.birth_year_enc is None for r in erased)
