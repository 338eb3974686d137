"""Two test runs at once never share a Redis database: the job and rate-limit tests empty
theirs, which would wipe the other run's queue, counters and channels."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REDIS_URL

ROOT = Path(__file__).resolve().parents[1]


def test_a_concurrent_run_gets_another_database():
    # This run holds its database; a second run started now, with the same settings, must
    # take a different one.
    other = subprocess.run(
        [sys.executable, "-c", "import tests.conftest as c; print(c.REDIS_URL)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    theirs = other.stdout.strip().splitlines()[-1]
    assert theirs.rsplit("/", 1)[0] == REDIS_URL.rsplit("/", 1)[0]
    assert theirs != REDIS_URL
