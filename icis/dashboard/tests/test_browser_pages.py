"""Every main page in a real browser, as a DoIT officer: on a phone (390×844) and a laptop (1366×768)
nothing overflows sideways and the menu folds behind its toggler on the phone; in Vietnamese (the
default) no common English UI word and no internal snake_case identifier shows in the visible text.

One browser and one sign-in per test. With ICIS_SCREENSHOTS set, full-page screenshots of every page
at both sizes go to /tmp/icis-shots/.
"""

import datetime
import os
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from icis.accounts import roles
from icis.accounts.models import Organisation, OrganisationKind
from icis.clusters.choices import ClusterStatus
from icis.dashboard.tests.test_browser import SHOTS, browser  # noqa: F401  (the shared fixture)
from icis.geo.models import LegacyDistrict, Province
from icis.planning.models import AnnualPlan, Target, Task
from icis.testing.factories import make_cluster, mini_hanoi, person

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

USERNAME = "doit-officer"
PASSWORD = "pages-test-password-2025"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# Common English UI words that must not reach a Vietnamese page (matched as whole words, case-sensitive
# where capitalised; " clusters" with its leading space as in "0 / 6 clusters").
ENGLISH_WORDS = [
    " clusters",
    "Cluster",
    "Status",
    "Save",
    "Edit",
    "Search",
    "Filter",
    "None",
    "True",
    "False",
    "Add",
    "Delete",
    "Cancel",
    "Submit",
    "Download",
    "Export",
    "Name",
    "Date",
    "Total",
    "Next",
    "Previous",
    "Back",
    "Yes",
    "No",
]
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
# Shown legitimately: e-mail addresses, file names, URLs, and the audit log's technical names of
# permissions and record kinds ("tenancy.view_submission", "clusters.Cluster"), which it shows beside
# their Vietnamese names for administrators.
LEGITIMATE = re.compile(
    r"\S+@\S+|\S+\.(?:xlsx|csv|pdf|docx|json|geojson|zip|png|jpg)\b|https?://\S+|\b[a-z_]+\.[A-Za-z_]+\b"
)


@pytest.fixture
def pages(transactional_db):
    """A small registry, one annual plan with a task, and a DoIT officer who can sign in: the URLs to walk."""
    roles.roles_sync()
    mini_hanoi()
    doit = Organisation.objects.create(name="Sở Công Thương (thử)", kind=OrganisationKind.DOIT)
    officer = person(USERNAME, roles.DOIT_OFFICER, organisation=doit, password=PASSWORD)
    # The audit log is the administrators' (accounts.view_auditlog); this officer is lent that one right.
    officer.user_permissions.add(Permission.objects.get(codename="view_auditlog"))
    chuong_my = LegacyDistrict.objects.get(name="Huyện Chương Mỹ")
    cluster = make_cluster(
        name="Đông Phú Yên",
        name_ascii="Dong Phu Yen",
        status=ClusterStatus.ESTABLISHED,
        status_date=datetime.date(2021, 3, 15),
        legacy_district=chuong_my,
        area_ha=42.5,
        latitude=Decimal("20.85"),
        longitude=Decimal("105.70"),
        actor=officer,
    )
    make_cluster(name="Phú Xuyên", name_ascii="Phu Xuyen", status=ClusterStatus.PLANNED, area_ha=30, actor=officer)
    make_cluster(name="Nam Phúc Thọ", name_ascii="Nam Phuc Tho", status=ClusterStatus.OPERATING, actor=officer)
    plan = AnnualPlan.objects.create(province=Province.objects.get(code="01"), year=2026, title="Kế hoạch 305 (thử)")
    Target.objects.create(
        plan=plan, indicator="infrastructure_completed", label="Hoàn thành hạ tầng 6 cụm", target_min=6, target_max=6
    )
    Task.objects.create(
        plan=plan,
        title="Rà soát các cụm chậm tiến độ",
        lead="Sở Công Thương",
        lead_organisation=doit,
        due_on=datetime.date(2026, 6, 30),
    )
    return {
        "dashboard": "/",
        "cluster-list": "/clusters/",
        "cluster": f"/clusters/{cluster.pk}/",
        "legal-gates": f"/legal/clusters/{cluster.pk}/",
        "cluster-progress": f"/construction/clusters/{cluster.pk}/",
        "obstacles": "/construction/obstacles/",
        "map": "/map/",
        "construction": "/construction/",
        "projects": "/tenancy/projects/",
        "occupancy": "/tenancy/occupancy/",
        "wastewater": "/environment/",
        "plans": "/planning/",
        "annual-plan": f"/planning/annual/{plan.pk}/",
        "plan-tasks": "/planning/tasks/",
        "plants": "/environment/plants/",
        "tenant-reports": "/tenancy/reports/",
        "reports": "/reports/",
        "dossiers": "/dossiers/",
        "form-04": "/reports/form-04/",
        "documents": "/documents/",
        "organisations": "/organisations/",
        "audit": "/audit/",
    }


def _signed_in(browser, live_server, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("form:has(input[name=username]) button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return context, page


def _open(page, url, failures, name):
    response = page.goto(url)
    page.wait_for_load_state("load")
    if response is None or response.status >= 400:
        failures.append(f"{name}: HTTP {response.status if response else '—'} for {url}")
        return False
    return True


def _shot(page, name):
    if os.environ.get("ICIS_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


# What sticks out past the right edge: the outermost such elements, to name in a failure.
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    let p = el.parentElement, inside = false;
    while (p && p !== document.body) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) { inside = true; break; }
      p = p.parentElement;
    }
    if (inside) continue;
    const id = el.id ? '#' + el.id : '';
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    out.push(`${el.tagName.toLowerCase()}${id}${cls} (right ${Math.round(r.right)})`);
    if (out.length >= 5) break;
  }
  return {scroll: document.documentElement.scrollWidth, inner: width, culprits: out};
}"""


def test_main_pages_fit_a_phone_and_a_laptop(browser, pages, live_server):  # noqa: F811
    failures = []
    for label, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        context, page = _signed_in(browser, live_server, viewport)
        for name, path in pages.items():
            if not _open(page, live_server.url + path, failures, f"{label} {name}"):
                continue
            layout = page.evaluate(OVERFLOW_JS)
            if layout["scroll"] > layout["inner"] + 1:
                failures.append(
                    f"{label} {name} ({path}): {layout['scroll']}px wide in a {layout['inner']}px window; "
                    f"sticking out: {', '.join(layout['culprits']) or '?'}"
                )
            if label == "phone":
                menu_open = page.locator("#main-nav").is_visible()
                toggler = page.locator("nav .navbar-toggler").is_visible()
                if menu_open or not toggler:
                    failures.append(f"phone {name}: the menu is not folded behind its toggler")
            _shot(page, f"{label}-{name}")
        if label == "phone":
            # The toggler opens the menu, and its links are then reachable.
            page.goto(live_server.url + "/")
            page.click("nav .navbar-toggler")
            page.wait_for_selector("#main-nav.show")
            page.click("#main-nav li[data-menu='clusters'] > a")  # the cluster list is in the Clusters drop-down
            if not page.locator("#main-nav a[href='/clusters/']").first.is_visible():
                failures.append("phone: the opened menu does not show the cluster list link")
        context.close()
    assert not failures, "\n".join(failures)


def _leaks(text):
    """English UI words and snake_case identifiers in a page's visible text, with a little context."""
    cleaned = LEGITIMATE.sub(" ", text)
    found = []
    for word in ENGLISH_WORDS:
        pattern = re.escape(word) if word.startswith(" ") else rf"\b{re.escape(word)}\b"
        for match in re.finditer(pattern, cleaned):
            found.append(f"{word.strip()!r} in …{cleaned[max(0, match.start() - 30) : match.end() + 30]!r}…")
    for match in SNAKE.finditer(cleaned):
        found.append(f"{match.group()!r} in …{cleaned[max(0, match.start() - 30) : match.end() + 30]!r}…")
    return found


def test_main_pages_in_vietnamese_show_no_english_or_internal_names(browser, pages, live_server):  # noqa: F811
    failures = []
    context, page = _signed_in(browser, live_server, LAPTOP)
    for name, path in pages.items():
        if not _open(page, live_server.url + path, failures, name):
            continue
        assert page.locator("html").get_attribute("lang") == "vi"
        text = page.evaluate("() => document.body.innerText")
        failures.extend(f"{name} ({path}): {leak}" for leak in _leaks(text))
    context.close()
    assert not failures, "\n".join(failures)


CARD_JS = """() => {
  const row = document.querySelector('#board-table tbody tr[data-cluster]');
  if (!row) return null;
  const cells = [...row.querySelectorAll('td')];
  return {
    row: getComputedStyle(row).display,
    cells: cells.map(td => getComputedStyle(td).display),
    labels: cells.map(td => getComputedStyle(td, '::before').content),
    width: Math.round(row.getBoundingClientRect().width),
    header: getComputedStyle(document.querySelector('#board-table thead')).position,
    sort: getComputedStyle(document.querySelector('#board-sort')).display,
  };
}"""


def test_construction_board_is_cards_on_a_phone_and_a_table_on_a_laptop(browser, pages, live_server):  # noqa: F811
    """390 px cannot hold seven columns: each cluster becomes a card, each figure under its column's name; the
    sort links move above the cards. On a laptop the table is unchanged."""
    context, page = _signed_in(browser, live_server, PHONE)
    page.goto(live_server.url + "/construction/")
    phone = page.evaluate(CARD_JS)
    _shot(page, "phone-construction-cards")
    context.close()
    assert phone is not None, "the board shows no cluster row"
    assert phone["row"] == "block" and set(phone["cells"]) <= {"block", "none"}, phone
    assert phone["width"] <= PHONE["width"], phone
    assert phone["labels"][1] == '"Giai đoạn"' and phone["labels"][0] == "none", phone["labels"]
    assert phone["header"] == "absolute" and phone["sort"] == "block", phone
    context, page = _signed_in(browser, live_server, LAPTOP)
    page.goto(live_server.url + "/construction/")
    laptop = page.evaluate(CARD_JS)
    context.close()
    assert laptop["row"] == "table-row" and set(laptop["cells"]) == {"table-cell"}, laptop
    assert laptop["sort"] == "none", laptop
