"""Fixtures of the publication tests: sample releases built through the real gate."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.sample_releases import write_sample_releases

from zicht.publish.report import ReportFiles, build_report


@pytest.fixture(scope="session")
def releases_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_releases(tmp_path_factory.mktemp("releases"))


@pytest.fixture(scope="session")
def built_report(releases_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> ReportFiles:
    """The full report (HTML, PDF, XLSX) of the sample releases, in Dutch."""
    return build_report(releases_dir, tmp_path_factory.mktemp("report"), "nl")
