"""Locust users for scripts/multiserver.py: demo officers reading pages and API lists and writing tenants
through the API, behind the load balancer.

Signing in costs a deliberately slow password hash (PBKDF2, about a second of CPU): before the load starts,
scripts/multiserver.py signs the demo officer in through the sign-in form and the token API a few times
through the load balancer and writes the sessions and tokens to ICIS_LOAD_SESSIONS; each simulated officer
works in one of them, as officers already signed in do. Every request of the run is still authenticated
by its session (pages) or token (API).

Every acknowledged write (201) is appended to the file named by ICIS_LOAD_ACKS, one tax code a line, so
the script can compare what the servers acknowledged with the rows in the database. Any other answer, a
redirect to the sign-in page, a refused connection or a timeout is a failure in Locust's statistics.
"""

import itertools
import json
import os
import threading

import urllib3
from locust import HttpUser, between, events, task

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # the run's own self-signed certificate

RUN_TAG = os.environ.get("ICIS_LOAD_RUN", "000")  # 3 digits: keeps tax codes unique across runs on one database
ACKS_PATH = os.environ.get("ICIS_LOAD_ACKS", "acks.txt")
SESSIONS_PATH = os.environ.get("ICIS_LOAD_SESSIONS", "sessions.json")
PAGES = ["/", "/clusters/", "/construction/", "/reports/form-04/"]
API_READS = ["/api/clusters/", "/api/tenants/", "/api/stats/summary/", "/api/tenant-projects/"]

_numbers = itertools.count(1)
_users = itertools.count()
_acks_lock = threading.Lock()
_acks: list[str] = []
_signed_in: list[tuple] = []


def _load_sessions() -> list[tuple]:
    with open(SESSIONS_PATH) as sessions:
        return [(entry["cookies"], entry["headers"]) for entry in json.load(sessions)]


@events.test_stop.add_listener
def _write_acks(environment, **kwargs):
    with _acks_lock, open(ACKS_PATH, "w") as out:
        out.write("".join(f"{code}\n" for code in _acks))


class Officer(HttpUser):
    wait_time = between(0.3, 1.2)

    def on_start(self):
        self.client.verify = False
        if not _signed_in:
            _signed_in.extend(_load_sessions())
        cookies, self.api_headers = _signed_in[next(_users) % len(_signed_in)]
        for name, value in cookies.items():
            self.client.cookies.set(name, value)

    @task(4)
    def page(self):
        for url in PAGES:
            with self.client.get(url, name=url, allow_redirects=False, catch_response=True) as response:
                if response.status_code != 200:  # a redirect to the sign-in page is a lost session
                    response.failure(f"page answered {response.status_code}")

    @task(4)
    def api_read(self):
        for url in API_READS:
            self.client.get(url, headers=self.api_headers, name=url)

    @task(2)
    def write_tenant(self):
        number = next(_numbers)
        tax_code = f"9{RUN_TAG[-3:]:0>3}{number:06d}"
        with self.client.post(
            "/api/tenants/",
            json={"name": f"Doanh nghiệp tải thử {RUN_TAG} số {number}", "tax_code": tax_code, "country": "VN"},
            headers=self.api_headers,
            name="POST /api/tenants/",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                with _acks_lock:
                    _acks.append(tax_code)
            else:
                answer = response.text[:200] if response.status_code else repr(response.error)[:300]
                response.failure(f"write answered {response.status_code}: {answer}")
