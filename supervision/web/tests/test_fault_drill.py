"""Nothing acknowledged is lost when PostgreSQL is killed mid-write, and no email is lost
or sent twice across a mail outage (scripts/fault_drill.py, with its own throw-away
PostgreSQL cluster). Runs in the PostgreSQL pass of the suite, as root."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    or os.geteuid() != 0
    or not Path("/usr/lib/postgresql/15/bin/initdb").exists(),
    reason="the drill runs in the PostgreSQL pass, as root, with PostgreSQL 15's server",
)


def test_postgresql_killed_mid_write_and_a_mail_outage_lose_nothing():
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "scripts" / "fault_drill.py"), "--seconds", "3"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=ROOT,
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert lines[-1] == "PASS"
    summary = next(line for line in lines if line.startswith("Writers: "))
    assert "lost: 0" in summary
    acknowledged = int(summary.split("acknowledged in all: ")[1].split(";")[0])
    assert acknowledged > 0
    outage = next(line for line in lines if line.startswith("Mail outage: "))
    assert outage.endswith("not delivered: 0; duplicates: 0")
