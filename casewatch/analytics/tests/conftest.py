"""Fixtures for the data-plane tests (no Django: run with ``-p no:django``)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED = REPO_ROOT.parent / "shared"
LAW_FOLDER = SHARED / "data" / "laws"


@pytest.fixture(scope="session")
def spark():
    """The one Spark session of the test process (start-up takes ~10 s; keep Spark tests few)."""
    pytest.importorskip("pyspark")
    from casewatch.analytics.engines.spark_engine import spark_session

    return spark_session()


@pytest.fixture(scope="session")
def law_folder() -> Path:
    if not LAW_FOLDER.is_dir():
        pytest.skip(f"law texts not found at {LAW_FOLDER} (expected ../shared/data/laws beside the repo)")
    return LAW_FOLDER
