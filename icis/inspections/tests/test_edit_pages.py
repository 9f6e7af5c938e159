"""The edit pages of findings and violations: one field changed, every other field and link stays; an
untouched form writes nothing; the status moves only through follow-up results; bad input is refused on
its field and nothing is written."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from icis.accounts import roles
from icis.inspections import services
from icis.inspections.models import Finding, Violation
from icis.testing.factories import make_cluster, person
from icis.testing.files import png
from icis.testing.forms import browser_post

from .factories import done, make_inspection, make_violation

pytestmark = pytest.mark.django_db


def snapshot(obj) -> dict:
    model = type(obj)
    obj = model._default_manager.get(pk=obj.pk)
    state = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if f.name != "updated_at"}
    state["history rows"] = model.history.filter(id=obj.pk).count()
    return state


@pytest.fixture
def recorded(hanoi, boss):
    cluster = make_cluster(name="Cụm Phú Xuyên", area_ha=30)
    inspection = done(make_inspection(boss, cluster), boss, day=datetime.date(2026, 3, 2))
    item = inspection.checklists.get(topic="construction").items.first()
    finding = services.finding_create(
        inspection=inspection,
        data={
            "item": item,
            "topic": "construction",
            "description": "Tường rào chưa xây",
            "latitude": Decimal("20.712345"),
            "longitude": Decimal("105.912345"),
            "observed_at": timezone.now() - datetime.timedelta(hours=2),
        },
        actor=boss,
    )
    evidence = services.evidence_add(finding=finding, file=SimpleUploadedFile("a.png", png()), actor=boss)
    violation = make_violation(boss, inspection, deadline=datetime.date(2099, 1, 1))
    violation = services.violation_update(violation=violation, data={"finding": finding}, actor=boss)
    return {"inspection": inspection, "finding": finding, "evidence": evidence, "violation": violation, "item": item}


def test_an_untouched_edit_form_writes_nothing(page, recorded):
    for name, obj in (("finding_edit", recorded["finding"]), ("violation_edit", recorded["violation"])):
        url = reverse(f"inspections:{name}", args=[obj.pk])
        before = snapshot(obj)
        response = page.post(url, browser_post(page.get(url).context["form"]))
        assert response.status_code == 302, response.context and response.context["form"].errors
        assert snapshot(obj) == before, name


def test_editing_one_field_of_a_finding_keeps_every_other_field_link_and_evidence(page, recorded):
    finding = recorded["finding"]
    url = reverse("inspections:finding_edit", args=[finding.pk])
    before = snapshot(finding)
    data = browser_post(page.get(url).context["form"])
    data["description"] = "Tường rào xây một phần"
    assert page.post(url, data).status_code == 302
    after = snapshot(finding)
    assert after.pop("description") == "Tường rào xây một phần"
    assert after.pop("version") == before.pop("version") + 1
    assert after.pop("history rows") == before.pop("history rows") + 1
    before.pop("description")
    assert after == before  # inspection, item, topic, GPS, time to the microsecond, recorded by, client id
    assert list(Finding.objects.get(pk=finding.pk).evidence.all()) == [recorded["evidence"]]


def test_editing_one_field_of_a_violation_keeps_the_rest_and_never_its_status(page, recorded):
    violation = recorded["violation"]
    url = reverse("inspections:violation_edit", args=[violation.pk])
    before = snapshot(violation)
    data = browser_post(page.get(url).context["form"])
    data.update(deadline="30/06/2099", status="remedied", inspection=999999)
    assert page.post(url, data).status_code == 302
    after = snapshot(violation)
    assert after.pop("deadline") == datetime.date(2099, 6, 30)
    assert after.pop("version") == before.pop("version") + 1
    assert after.pop("history rows") == before.pop("history rows") + 1
    before.pop("deadline")
    assert after == before  # the finding link, inspection, status and its date unchanged
    assert Violation.objects.get(pk=violation.pk).status == "open"


def test_bad_edits_are_refused_on_their_field_and_nothing_is_written(page, recorded, boss):
    violation, finding = recorded["violation"], recorded["finding"]
    other = done(make_inspection(boss, make_cluster(name="Cụm khác")), boss, day=datetime.date(2026, 3, 2))
    foreign = services.finding_create(inspection=other, data={"topic": "construction", "description": "x"}, actor=boss)
    url = reverse("inspections:violation_edit", args=[violation.pk])
    form = browser_post(page.get(url).context["form"])
    before = snapshot(violation)
    for change, field in (({"deadline": "01/01/2026"}, "deadline"), ({"finding": foreign.pk}, "finding")):
        response = page.post(url, {**form, **change})
        assert response.status_code == 200 and field in response.context["form"].errors, change
    stale = page.post(url, {**form, "description": "khác", "version": before["version"] - 1 or 0})
    assert stale.status_code == 200
    assert snapshot(violation) == before
    url = reverse("inspections:finding_edit", args=[finding.pk])
    form = browser_post(page.get(url).context["form"])
    labour = services.current_checklists(["labour"])[0].items.first()
    before = snapshot(finding)
    for change, field in (({"item": labour.pk}, "item"), ({"latitude": "91"}, "latitude")):
        response = page.post(url, {**form, **change})
        assert response.status_code == 200 and field in response.context["form"].errors, change
    assert snapshot(finding) == before


def test_who_may_open_the_edit_pages(client, recorded, hanoi):
    url = reverse("inspections:violation_edit", args=[recorded["violation"].pk])
    client.force_login(person("lanh-dao", roles.CITY_LEADER))
    assert client.get(url).status_code == 403
    client.force_login(person("thanh-tra", roles.INSPECTOR))  # not on any team: out of reach
    assert client.get(url).status_code == 404
    recorded["inspection"].team.add(person("thanh-tra-2", roles.INSPECTOR))
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="thanh-tra-2"))
    assert client.get(url).status_code == 200
    assert client.get(reverse("inspections:finding_edit", args=[recorded["finding"].pk])).status_code == 200
