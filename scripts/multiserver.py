"""A multi-server run on loopback (docs/deployment.md, "A tested multi-server run").

Starts, on one PostgreSQL database of its own: two gunicorn app servers (config/gunicorn.conf.py,
production settings) and one job worker, behind HAProxy terminating TLS with a throwaway certificate;
then runs Locust headless (scripts/multiserver_locustfile.py): USERS demo officers signed in, reading
pages and API lists and writing tenants, for DURATION seconds, while app server 1 is stopped (SIGTERM,
as `systemctl stop` does) and started again mid-run. It then counts acknowledged writes against rows in
the database and prints one JSON summary (throughput, p95, errors, writes acknowledged / failed / lost).
Exit status 0 only when there was no error and no lost or failed write.

    .tools/bin/uv run --frozen --no-sync python scripts/multiserver.py --users 50 --duration 60

The database (default icis_prod_multi) is re-created on each run from a template database
(<name>_template) that is migrated and loaded with the demo once, and again whenever the migrations or
the demo change. Needs haproxy and openssl on PATH and PostgreSQL at --pg (the server, no database name).
"""

import argparse
import csv
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def log(message: str) -> None:
    print(f"[multiserver {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def template_fingerprint() -> str:
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("icis/*/migrations/*.py")) + sorted((ROOT / "icis/demo").rglob("*"))
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def admin_connection(server: dict):
    return psycopg.connect(
        host=server["HOST"] or "127.0.0.1",
        port=server["PORT"] or 5432,
        user=server["USER"] or "postgres",
        password=server["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def database_url(server: dict, name: str) -> str:
    auth = server["USER"] or "postgres"
    if server["PASSWORD"]:
        auth += f":{server['PASSWORD']}"
    return f"postgres://{auth}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}/{name}"


def prepare_database(server: dict, name: str, env: dict) -> str:
    """Re-create `name` from its template, building the template first when missing or stale."""
    template = f"{name}_template"
    fingerprint = template_fingerprint()
    with admin_connection(server) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template]
        ).fetchone()
        if row is None or row[0] != fingerprint:
            log(f"building template database {template} (migrate, demo): once per change of migrations or demo")
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(template)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
            build_env = {**env, "DATABASE_URL": database_url(server, template)}
            for command in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["load_demo"]):
                subprocess.run(
                    [PYTHON, "manage.py", *command], cwd=ROOT, env=build_env, check=True, stdout=subprocess.DEVNULL
                )
            conn.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(template), sql.Literal(fingerprint))
            )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
    return database_url(server, name)


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(host: str, username: str, password: str) -> dict:
    """A session (through the sign-in form) and an API token (through the token API) for a demo user."""
    import requests

    client = requests.Session()
    client.verify = False
    token = client.post(
        f"{host}/api/auth/token/", json={"username": username, "password": password}, timeout=60, verify=False
    )
    token.raise_for_status()
    form = client.get(f"{host}/accounts/login/", timeout=30, verify=False)
    csrf = CSRF.search(form.text)
    if not csrf:
        raise RuntimeError(f"no CSRF token on the sign-in page ({form.status_code})")
    signed = client.post(
        f"{host}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf.group(1)},
        headers={"Referer": f"{host}/accounts/login/"},
        allow_redirects=False,
        timeout=60,
        verify=False,
    )
    if signed.status_code != 302:
        raise RuntimeError(f"sign-in of {username} answered {signed.status_code}")
    return {"cookies": client.cookies.get_dict(), "headers": {"Authorization": f"Token {token.json()['token']}"}}


def wait_ready(url: str, timeout: float, context=None) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = str(exc)
        time.sleep(0.3)
    raise RuntimeError(f"{url} not ready after {timeout:.0f} s ({last})")


HAPROXY_CFG = """\
global
    maxconn 4000
    stats socket {workdir}/haproxy.sock mode 600 level admin
    log stdout format raw local0 info

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout http-request 30s
    timeout http-keep-alive 30s
    # A server that stops takes no new connection: the request is sent to the other one.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
    # The whole request (a small API write) is read before a server is chosen: a write whose server
    # closed without answering is replayed whole on another server, never cut half-way to the client.
    option http-buffer-request
    # One request per server connection: none is ever sent on a connection a stopping server closes.
    option http-server-close
    http-reuse never
    option forwardfor

frontend icis
    bind 127.0.0.1:{lb_port} ssl crt {workdir}/lb.pem
    http-request set-header X-Forwarded-Proto https
    http-request set-header X-Request-ID %[uuid()] unless {{ req.hdr(x-request-id) -m found }}
    default_backend app

backend app
    balance leastconn
    option httpchk
    http-check send meth GET uri /ready/ ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    timeout check 5s
    default-server inter 1s fall 3 rise 2
{servers}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--restart-at", type=float, default=0.4, help="fraction of the run when server 1 stops")
    parser.add_argument("--base-port", type=int, default=8600, help="LB on it, app servers on the next two")
    parser.add_argument("--db", default="icis_prod_multi")
    parser.add_argument("--pg", default=os.environ.get("ICIS_MULTISERVER_PG", "postgres://postgres@127.0.0.1:5432/"))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes per app server")
    parser.add_argument("--user", default="doit", help="the demo user (password demo) the officers act as")
    parser.add_argument("--signins", type=int, default=2, help="sessions and tokens made before the load")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, Locust CSV)")
    args = parser.parse_args()

    for tool in ("haproxy", "openssl"):
        if not shutil.which(tool):
            log(f"{tool} is not installed (apt-get install -y {tool})")
            return 2
    server = dj_database_url.parse(args.pg.rstrip("/") + "/postgres")
    workdir = Path(tempfile.mkdtemp(prefix="icis-multiserver-"))
    lb_port, app_ports = args.base_port, [args.base_port + 1, args.base_port + 2]
    run_tag = f"{secrets.randbelow(1000):03d}"
    base_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "GUNICORN_", "ICIS_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ICIS_TRUSTED_PROXIES": "127.0.0.1",
        "ICIS_REQUIRE_2FA": "0",  # demo officers have no authenticator; production keeps it on
        "ICIS_TOKEN_RATE": "100000/minute",  # every simulated officer fetches a token from one address
        "ICIS_LOG_JSON": "1",
        "DB_CONN_MAX_AGE": "60",
        "PYTHONUNBUFFERED": "1",
    }
    processes: dict[str, subprocess.Popen] = {}
    logs = []

    def start(name: str, command: list[str], env: dict) -> subprocess.Popen:
        out = open(workdir / f"{name}.log", "ab")  # noqa: SIM115  closed at the end
        logs.append(out)
        processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        return processes[name]

    def start_app(index: int) -> subprocess.Popen:
        env = {
            **base_env,
            "GUNICORN_BIND": f"127.0.0.1:{app_ports[index]}",
            "GUNICORN_WORKERS": str(args.workers),
            "GUNICORN_PROC_NAME": f"icis-app{index + 1}",
        }
        return start(f"app{index + 1}", [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py"], env)

    started_at = time.monotonic()
    summary: dict = {"users": args.users, "duration_s": args.duration}
    try:
        base_env["DATABASE_URL"] = prepare_database(server, args.db, base_env)
        summary["prepare_s"] = round(time.monotonic() - started_at, 1)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
            + ["-keyout", str(workdir / "lb.key"), "-out", str(workdir / "lb.crt")],
            check=True,
            capture_output=True,
        )
        (workdir / "lb.pem").write_bytes((workdir / "lb.crt").read_bytes() + (workdir / "lb.key").read_bytes())
        servers = "\n".join(f"    server app{i + 1} 127.0.0.1:{port} check" for i, port in enumerate(app_ports))
        (workdir / "haproxy.cfg").write_text(HAPROXY_CFG.format(workdir=workdir, lb_port=lb_port, servers=servers))
        start_app(0)
        start_app(1)
        start("worker", [PYTHON, "manage.py", "jobs_worker"], base_env)
        start("haproxy", ["haproxy", "-db", "-f", str(workdir / "haproxy.cfg")], base_env)
        for port in app_ports:
            wait_ready(f"http://127.0.0.1:{port}/ready/", 60)
        import ssl

        insecure = ssl.create_default_context()
        insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE
        wait_ready(f"https://127.0.0.1:{lb_port}/ready/", 20, context=insecure)
        time.sleep(2.5)  # both servers marked up by HAProxy's checks (rise 2, every second)
        log(f"2 app servers, 1 worker, HAProxy on https://127.0.0.1:{lb_port}; {args.users} users, {args.duration} s")

        import urllib3

        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        host = f"https://127.0.0.1:{lb_port}"
        sessions = [sign_in(host, args.user, "demo") for _ in range(args.signins)]
        (workdir / "sessions.json").write_text(json.dumps(sessions))
        acks = workdir / "acks.txt"
        locust_env = {
            **base_env,
            "ICIS_LOAD_ACKS": str(acks),
            "ICIS_LOAD_RUN": run_tag,
            "ICIS_LOAD_SESSIONS": str(workdir / "sessions.json"),
        }
        for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # would override verify=False in requests
            locust_env.pop(name, None)
        spawn_rate = max(1, args.users // 3)
        locust = subprocess.Popen(
            [str(BIN / "locust"), "-f", "scripts/multiserver_locustfile.py", "--headless"]
            + ["-u", str(args.users), "-r", str(spawn_rate), "-t", f"{args.duration}s"]
            + ["--host", f"https://127.0.0.1:{lb_port}", "--csv", str(workdir / "locust"), "--only-summary"]
            + ["--stop-timeout", "10", "--exit-code-on-error", "0", "--loglevel", "WARNING"],
            cwd=ROOT,
            env=locust_env,
            stdout=open(workdir / "locust.log", "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        locust_t = time.monotonic()
        # Stop app server 1 part-way (graceful: it finishes what it holds), then start it again.
        time.sleep(max(1.0, args.duration * args.restart_at))
        stop_t = time.monotonic()
        processes["app1"].send_signal(signal.SIGTERM)
        processes["app1"].wait(timeout=40)
        summary["app1_stopped_at_s"] = round(stop_t - locust_t, 1)
        log("app server 1 stopped (SIGTERM); starting it again")
        time.sleep(1)
        start_app(0)
        wait_ready(f"http://127.0.0.1:{app_ports[0]}/ready/", 60)
        summary["app1_back_after_s"] = round(time.monotonic() - stop_t, 1)
        log(f"app server 1 ready again after {summary['app1_back_after_s']} s")
        locust.wait(timeout=args.duration + 120)

        summary.update(read_locust(workdir / "locust_stats.csv"))
        summary["failures"] = read_failures(workdir / "locust_failures.csv")
        acknowledged = [line for line in acks.read_text().split() if line] if acks.exists() else []
        with psycopg.connect(base_env["DATABASE_URL"]) as conn:
            stored = {
                row[0]
                for row in conn.execute(
                    "SELECT tax_code FROM tenancy_tenant WHERE name LIKE %s", [f"Doanh nghiệp tải thử {run_tag} %"]
                )
            }
        summary["writes_acknowledged"] = len(acknowledged)
        summary["writes_in_database"] = len(stored)
        summary["writes_lost"] = len(set(acknowledged) - stored)
        summary["writes_unacknowledged_but_stored"] = len(stored - set(acknowledged))
        summary["writes_failed"] = summary.get("write_failures", 0)
        summary["app1_restarted"] = processes["app1"].poll() is None
        ok = (
            summary.get("requests", 0) > 0
            and summary.get("errors", 1) == 0
            and summary["writes_lost"] == 0
            and summary["writes_failed"] == 0
            and summary["writes_acknowledged"] > 0
            and summary["app1_restarted"]
        )
        summary["ok"] = ok
        return 0 if ok else 1
    finally:
        summary["wall_s"] = round(time.monotonic() - started_at, 1)
        for name in ("haproxy", "app1", "app2", "worker"):
            process = processes.get(name)
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for out in logs:
            out.close()
        summary["workdir"] = str(workdir) if args.keep or not summary.get("ok") else None
        if not args.keep and summary.get("ok"):
            shutil.rmtree(workdir, ignore_errors=True)
        print(json.dumps(summary, ensure_ascii=False))


def read_locust(path: Path) -> dict:
    figures: dict = {"write_failures": 0}
    if not path.exists():
        return {"errors": None, "requests": 0}
    with path.open() as stats:
        for row in csv.DictReader(stats):
            if row["Name"] == "POST /api/tenants/":
                figures["write_failures"] = int(row["Failure Count"])
            if row["Name"] == "Aggregated":
                figures.update(
                    requests=int(row["Request Count"]),
                    errors=int(row["Failure Count"]),
                    throughput_rps=round(float(row["Requests/s"]), 1),
                    p50_ms=_number(row["50%"]),
                    p95_ms=_number(row["95%"]),
                    p99_ms=_number(row["99%"]),
                )
    return figures


def _number(text: str):
    try:
        return float(text)
    except ValueError:
        return None


def read_failures(path: Path) -> list:
    if not path.exists():
        return []
    with path.open() as failures:
        return [
            {"request": f"{r['Method']} {r['Name']}", "error": r["Error"][:200], "count": int(r["Occurrences"])}
            for r in csv.DictReader(failures)
        ][:20]


if __name__ == "__main__":
    sys.exit(main())
