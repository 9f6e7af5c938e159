"""No page view scopes rows by hand: the generic views (icis/core/generic.py) call restrict() for them.

Reads the page-view modules of every app (views.py, *_views.py, views/*.py; the API has its own base
viewset) and fails on `.restrict(` outside the allowance below, each entry saying why.
"""

import re
from pathlib import Path

import icis

ROOT = Path(icis.__file__).parent
RESTRICT = re.compile(r"\.restrict\(")

# file (relative to icis/) -> why it may still call restrict() itself. Empty: every page view is on
# the generic views; an entry needs a reason a reviewer accepts.
ALLOWED: dict[str, str] = {}


def page_view_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        parts = relative.split("/")
        if "tests" in parts or "api" in parts or "migrations" in parts:
            continue
        if parts[-1] == "views.py" or parts[-1].endswith("_views.py") or (len(parts) > 2 and parts[-2] == "views"):
            yield relative, path


def test_it_finds_the_page_view_modules():
    found = {relative for relative, _path in page_view_modules()}
    assert {"clusters/views.py", "tenancy/views.py", "core/job_views.py", "planning/views.py"} <= found


def test_no_page_view_calls_restrict_itself():
    offenders = []
    for relative, path in page_view_modules():
        if relative in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if RESTRICT.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"icis/{relative}:{number}: {line.strip()}")
    assert not offenders, "Page views must leave scoping to icis/core/generic.py:\n" + "\n".join(offenders)
