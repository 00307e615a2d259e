"""The backup and restore drill passes (PostgreSQL only: it uses pg_dump and pg_restore)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not URL.startswith(("postgres://", "postgresql://")),
    reason="the drill needs PostgreSQL (set DATABASE_URL)",
)


def test_a_backup_restores_to_an_identical_database():
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "scripts" / "backup_drill.py")],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": URL},
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "PASS"
    assert any(line.startswith("Tables: ") for line in lines)
    assert "DIFFERENT" not in result.stdout
