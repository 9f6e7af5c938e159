"""The processes of the job-queue tests (test_jobs.py), each run as `python -m icis.core.tests.job_roles
ROLE ...` against one database file or PostgreSQL database: a web process that uploads, another that
reads progress, and workers (one slowed down, so that it can be watched and killed mid-import).
Each role prints one JSON line."""

import json
import sys
import time


def _client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(get_user_model().objects.get(username="boss"))
    return client


def until(import_id: str, key: str, op: str, value: str, seconds: str = "90") -> dict:
    """Wait until the import's `status` (or its job's, with key `job`) is (==) or is no longer (!=) `value`."""
    from django.db import DatabaseError, connection

    deadline = time.monotonic() + float(seconds)
    while True:
        try:
            current = state(import_id)
        except DatabaseError:  # the test cut this process's connection too
            connection.close()
            time.sleep(0.3)
            continue
        actual = current["job"]["status"] if key == "job" else current[key]
        if (actual == value) == (op == "==") or time.monotonic() > deadline:
            return current
        time.sleep(0.3)


def seed() -> dict:
    from decimal import Decimal

    from icis.testing import factories

    factories.mini_hanoi()
    factories.superuser()
    cluster = factories.make_cluster(name="Cụm hàng đợi", area_ha=200, industrial_land_ha=Decimal("150"))
    return {"cluster": cluster.pk}


def tenant_csv(rows: int) -> bytes:
    lines = ["Tên doanh nghiệp,Mã số thuế,Tên dự án,Diện tích đất (ha),Ngày bắt đầu thuê"]
    lines += [f"Công ty Số {n},{1000000000 + n},Xưởng {n},0.1,01/01/2024" for n in range(rows)]
    return "\n".join(lines).encode()


def upload(rows: str, cluster: str = "") -> dict:
    """The upload page's POST (a seeded database first, unless a cluster is given)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    cluster = cluster or seed()["cluster"]
    data = {"cluster": int(cluster), "file": SimpleUploadedFile("danh-sach.csv", tenant_csv(int(rows)))}
    response = _client().post("/tenancy/imports/", data)
    assert response.status_code == 302, response.content[:2000]
    return {"import": int(response["Location"].rstrip("/").split("/")[-1])}


def commit(import_id: str) -> dict:
    response = _client().post(f"/tenancy/imports/{import_id}/commit/")
    return {"status": response.status_code}


def recheck(import_id: str) -> dict:
    response = _client().post(f"/tenancy/imports/{import_id}/check/")
    return {"status": response.status_code}


def state(import_id: str) -> dict:
    from django_tasks_db.models import DBTaskResult

    from icis.tenancy.models import TenantImport, TenantProject

    record = TenantImport.objects.select_related("job").get(pk=int(import_id))
    job = record.job
    task = DBTaskResult.objects.filter(id=job.task_id).first() if job and job.task_id else None
    return {
        "status": record.status,
        "errors": [error["message"] for error in record.errors],
        "job": job and {"status": job.status, "progress": job.progress, "message": job.message, "retry": job.retryable},
        "task": task and task.status,
        "projects": TenantProject.objects.count(),
    }


def watch(import_id: str, seconds: str) -> dict:
    """Poll the progress endpoint as the browser does, until the run ends; every answer seen."""
    client = _client()
    seen, deadline = [], time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        answer = client.get(f"/tenancy/imports/{import_id}/progress/").json()
        if not seen or seen[-1] != answer:
            seen.append(answer)
        if not answer["running"]:
            break
        time.sleep(0.2)
    return {"seen": seen, **state(import_id)}


def worker(per_row: str = "0", parse: str = "0") -> None:
    """`manage.py jobs_worker`, each row (and the file reading) slowed down to be watched."""
    from django.core.management import call_command

    from icis.tenancy import imports

    real_row, real_read = imports._Run.import_row, imports.read_table

    def slow_row(self, *args, **kwargs):
        time.sleep(float(per_row))
        return real_row(self, *args, **kwargs)

    def slow_read(*args, **kwargs):
        time.sleep(float(parse))
        return real_read(*args, **kwargs)

    imports._Run.import_row, imports.read_table = slow_row, slow_read
    call_command("jobs_worker", "--no-reload", "--interval=0.2", "--no-startup-delay", verbosity=0)


if __name__ == "__main__":
    import django

    django.setup()
    role, *args = sys.argv[1:]
    result = globals()[role](*args)
    if result is not None:
        print(json.dumps(result, default=str), flush=True)
