"""The job queue with real processes: web processes and workers (`manage.py jobs_worker`) that share
nothing but the database (a SQLite file copied from the test database, or a PostgreSQL database made
from it), so whatever one process sees of another's job came through the database, not a cache.

The processes are `icis/core/tests/job_roles.py`. Each test gets a fresh copy of the database.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
STALE_SECONDS = 4


@pytest.fixture
def database_url(transactional_db, tmp_path):
    """A copy of the migrated test database that other processes can open: a SQLite file, or a
    PostgreSQL database made from the test database as its template."""
    if connection.vendor == "sqlite":
        path = tmp_path / "jobs.sqlite3"
        connection.ensure_connection()
        connection.connection.execute("VACUUM INTO ?", (str(path),))
        yield f"sqlite:///{path}"
        return
    import psycopg

    params = connection.settings_dict
    source = params["NAME"]
    name = f"{source}_workers"[:63]
    connection.close()  # CREATE DATABASE ... TEMPLATE needs the template without sessions
    with psycopg.connect(
        dbname="postgres",
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
        yield f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Processes:
    """Starts the roles against one database and stops what is left at the end."""

    def __init__(self, url: str):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": url,
            "DEBUG": "0",
            "SECRET_KEY": "test-only-secret-key",
            "ALLOWED_HOSTS": "testserver",
            "ICIS_JOBS_SYNC": "0",
            "ICIS_DAILY_JOBS": "0",  # only the jobs each test queues (icis/core/periodic.py)
            "ICIS_JOB_HEARTBEAT_SECONDS": "1",
            "ICIS_JOB_STALE_SECONDS": str(STALE_SECONDS),
            "LOG_LEVEL": "WARNING",
        }
        self.running: list[subprocess.Popen] = []

    def call(self, *args: str, timeout: float = 120) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "icis.core.tests.job_roles", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start_worker(self, per_row: float = 0, parse: float = 0) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "icis.core.tests.job_roles", "worker", str(per_row), str(parse)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=tempfile.TemporaryFile("w+"),  # a file, not a pipe: a full pipe would block the worker
            text=True,
        )
        self.running.append(process)
        return process

    def wait_for(self, import_id: int, key: str, op: str, value: str, seconds: float = 90) -> dict:
        return self.call("until", str(import_id), key, op, value, str(seconds), timeout=seconds + 60)

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture
def processes(database_url):
    started = Processes(database_url)
    yield started
    started.stop_all()


def test_a_job_queued_by_one_web_process_is_run_by_a_worker_and_followed_from_another(processes):
    record = processes.call("upload", "120")["import"]
    # Web process 1 answered before any worker ran: the check waits in the queue, in the database.
    queued = processes.call("state", str(record))
    assert queued["status"] == "checking" and queued["job"]["status"] == "queued" and queued["task"] == "READY"
    processes.start_worker(per_row=0.05, parse=3)  # the rows themselves take milliseconds: 6 s to watch
    # Web process 2 follows it through the progress endpoint, as the page's progress bar does.
    watched = processes.call("watch", str(record), "120", timeout=180)
    running = [answer for answer in watched["seen"] if answer["running"]]
    assert any(0 < answer["progress"] < 100 for answer in running), watched["seen"]
    assert watched["seen"][-1] | {"label": ""} == {"status": "valid", "label": "", "progress": 100, "running": False}
    assert watched["job"]["status"] == "succeeded" and watched["task"] == "SUCCESSFUL"
    assert watched["projects"] == 0  # a check writes nothing
    processes.call("commit", str(record))
    done = processes.wait_for(record, "status", "!=", "importing")
    assert done["status"] == "imported" and done["projects"] == 120, done


def test_a_worker_killed_mid_import_leaves_the_job_failed_with_its_reason_and_no_rows(processes):
    record = processes.call("upload", "100")["import"]
    checker = processes.start_worker()
    assert processes.wait_for(record, "status", "!=", "checking")["status"] == "valid"
    processes.stop_all()  # SIGTERM: a worker between jobs just stops
    assert checker.returncode == 0
    processes.call("commit", str(record))
    worker = processes.start_worker(per_row=0.5)  # 100 rows: 50 s
    importing = processes.wait_for(record, "job", "==", "running")
    assert importing["status"] == "importing" and importing["job"]["status"] == "running"
    time.sleep(2)  # into the rows
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    # No worker is left: the page that shows the import notices the silent job within the stale time.
    watched = processes.call("watch", str(record), "60", timeout=120)
    assert watched["status"] == "failed" and watched["projects"] == 0, watched
    assert len(watched["errors"]) == 1 and "Hãy chạy lại" in watched["errors"][0]  # Vietnamese: the importer's language
    assert watched["job"]["status"] == "failed" and watched["job"]["retry"] and watched["task"] == "FAILED"


def test_a_restarted_worker_resolves_the_job_its_predecessor_left_running(processes):
    record = processes.call("upload", "40")["import"]
    worker = processes.start_worker(per_row=0.2)
    assert processes.wait_for(record, "job", "==", "running")["job"]["status"] == "running"
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    processes.start_worker()  # its sweeper, not a page, marks the job failed
    stopped = processes.wait_for(record, "status", "!=", "checking", seconds=STALE_SECONDS * 6)
    assert stopped["status"] == "failed" and stopped["job"]["status"] == "failed", stopped
    assert len(stopped["errors"]) == 1 and stopped["projects"] == 0
    # Retried, the same file is checked by the new worker.
    processes.call("recheck", str(record))
    assert processes.wait_for(record, "status", "!=", "checking")["status"] == "valid"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_an_import_whose_connection_is_cut_ends_with_one_error_and_can_be_retried(processes, database_url):
    import psycopg

    record = processes.call("upload", "150")["import"]
    processes.start_worker(per_row=0.05)
    assert processes.wait_for(record, "status", "!=", "checking")["status"] == "valid"
    processes.call("commit", str(record))
    processes.wait_for(record, "job", "==", "running")
    time.sleep(2)
    name = database_url.rsplit("/", 1)[1]
    params = connection.settings_dict
    with psycopg.connect(
        dbname="postgres", user=params["USER"], host=params["HOST"] or None, port=params["PORT"] or None
    ) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
    cut = processes.wait_for(record, "status", "!=", "importing")
    assert cut["status"] == "failed" and cut["projects"] == 0, cut
    assert len(cut["errors"]) == 1 and "Mất kết nối tới cơ sở dữ liệu" in cut["errors"][0]
    assert cut["job"]["retry"]
    processes.call("recheck", str(record))
    assert processes.wait_for(record, "status", "!=", "checking")["status"] == "valid"
    processes.call("commit", str(record))
    done = processes.wait_for(record, "status", "!=", "importing")
    assert done["status"] == "imported" and done["projects"] == 150, done
