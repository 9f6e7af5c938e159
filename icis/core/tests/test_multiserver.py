"""The multi-server run, shortened (scripts/multiserver.py; docs/deployment.md): two gunicorn servers and
a job worker behind HAProxy on one PostgreSQL, 20 officers for 20 s of reads and writes, app server 1
stopped and started again mid-run: no error, no failed write, no lost one.

Runs in the PostgreSQL pass of the suite (DATABASE_URL postgres://...) when haproxy is installed; skipped
otherwise, unless ICIS_REQUIRE_POSTGRES is set in the PostgreSQL pass (CI), where a missing haproxy fails.
It uses its own database (icis_multiserver_test, made from a template built once) and ports 8690-8692."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[3]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))

pytestmark = pytest.mark.multiserver


def _requirements() -> str | None:
    if not ON_POSTGRES:
        return "the multi-server run needs PostgreSQL (it runs in the PostgreSQL pass)"
    for tool in ("haproxy", "openssl"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install -y {tool})"
    return None


def test_two_servers_and_a_worker_behind_haproxy_survive_a_restart():
    missing = _requirements()
    if missing:
        if ON_POSTGRES and os.environ.get("ICIS_REQUIRE_POSTGRES"):
            pytest.fail(missing)
        pytest.skip(missing)
    server = dj_database_url.parse(DATABASE_URL)
    auth = server["USER"] or "postgres"
    if server["PASSWORD"]:
        auth += f":{server['PASSWORD']}"
    pg = f"postgres://{auth}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}/"
    command = [sys.executable, "scripts/multiserver.py", "--users", "20", "--duration", "20", "--restart-at", "0.25"]
    command += ["--base-port", "8690", "--db", "icis_multiserver_test", "--pg", pg]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no summary; stderr:\n{run.stderr[-3000:]}"
    summary = json.loads(lines[-1])
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    assert summary["requests"] > 0, summary
    assert summary["errors"] == 0, summary["failures"]
    assert summary["writes_failed"] == 0, summary
    assert summary["writes_acknowledged"] > 0, summary
    assert summary["writes_lost"] == 0, summary
    assert summary["writes_in_database"] == summary["writes_acknowledged"], summary
    assert summary["app1_restarted"], summary
    assert summary["ok"] and run.returncode == 0, run.stderr[-3000:]
