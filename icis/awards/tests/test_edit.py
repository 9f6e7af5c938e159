"""The nomination edit page: one field changed, every other field and link of the nomination and its
achievement stays; an untouched form writes nothing; the status is not on the form; a decided nomination
is not edited; a cluster outside the editor's scope cannot be added, one already named is kept."""

import datetime

import pytest
from django.urls import reverse

from icis.accounts import roles
from icis.awards import services
from icis.awards.models import Achievement, Nomination
from icis.geo.models import Commune
from icis.testing.factories import make_cluster, person
from icis.testing.forms import browser_post

from .factories import awarded, collective, decision

pytestmark = pytest.mark.django_db


def snapshot(obj) -> dict:
    model = type(obj)
    obj = model._default_manager.get(pk=obj.pk)
    state = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if f.name != "updated_at"}
    for field in model._meta.many_to_many:
        state[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    state["history rows"] = model.history.filter(id=obj.pk).count()
    return state


@pytest.fixture
def nominated(hanoi, boss):
    here = make_cluster(name="Cụm Phú Xuyên", communes=[Commune.objects.get(code="10273")])
    there = make_cluster(name="Cụm Đông Phú Yên", communes=[Commune.objects.get(code="10030")])
    evidence = decision(cluster=here)
    nomination = collective(here, actor=boss, notes="ghi chú")
    services.nomination_update(
        nomination=nomination,
        title=nomination.title,
        year=nomination.year,
        notes="ghi chú",
        achievement_data={name: getattr(nomination.achievement, name) for name in services.ACHIEVEMENT_FIELDS},
        clusters=[here, there],
        evidence=[evidence],
        actor=boss,
    )
    return {"nomination": Nomination.objects.get(pk=nomination.pk), "here": here, "there": there}


def test_an_untouched_form_writes_nothing(page, nominated):
    nomination = nominated["nomination"]
    url = reverse("awards:nomination_edit", args=[nomination.pk])
    before = (snapshot(nomination), snapshot(nomination.achievement))
    response = page.post(url, browser_post(page.get(url).context["form"]))
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert (snapshot(nomination), snapshot(nomination.achievement)) == before


def test_editing_one_field_keeps_every_other_field_and_link(page, nominated):
    nomination = nominated["nomination"]
    url = reverse("awards:nomination_edit", args=[nomination.pk])
    before, achievement_before = snapshot(nomination), snapshot(nomination.achievement)
    data = browser_post(page.get(url).context["form"])
    data.update(description="Hoàn thành hạ tầng trước tiến độ", status="awarded")
    assert page.post(url, data).status_code == 302
    after = snapshot(nomination.achievement)
    assert after.pop("description") == "Hoàn thành hạ tầng trước tiến độ"
    assert after.pop("version") == achievement_before.pop("version") + 1
    after.pop("search_text"), achievement_before.pop("search_text")
    assert after.pop("history rows") == achievement_before.pop("history rows") + 1
    achievement_before.pop("description")
    assert after == achievement_before  # both clusters, the evidence, the province, the period
    assert snapshot(nomination) == before  # title, year, notes, status "drafted"


def test_a_commune_official_keeps_a_cluster_outside_their_scope_but_cannot_add_one(client, nominated, boss):
    official = person("xa", roles.COMMUNE_OFFICIAL, communes=["10273"])
    client.force_login(official)
    nomination = nominated["nomination"]
    url = reverse("awards:nomination_edit", args=[nomination.pk])
    data = browser_post(client.get(url).context["form"])
    assert str(nominated["there"].pk) in data["clusters"]  # kept as it is
    data["notes"] = "bổ sung"
    assert client.post(url, data).status_code == 302
    achievement = Achievement.objects.get(pk=nomination.achievement_id)
    assert set(achievement.clusters.all()) == {nominated["here"], nominated["there"]}
    # A third cluster outside their scope, by id: refused on the field, nothing written.
    elsewhere = make_cluster(name="Cụm khác", communes=[Commune.objects.get(code="10030")])
    before = snapshot(achievement)
    response = client.post(
        url, {**browser_post(client.get(url).context["form"]), "clusters": [*data["clusters"], elsewhere.pk]}
    )
    assert response.status_code == 200 and "clusters" in response.context["form"].errors
    assert snapshot(achievement) == before


def test_a_decided_nomination_is_not_edited_and_stale_versions_are_refused(page, nominated, boss):
    nomination = nominated["nomination"]
    url = reverse("awards:nomination_edit", args=[nomination.pk])
    form = browser_post(page.get(url).context["form"])
    stale = page.post(url, {**form, "notes": "x", "version": nomination.version - 1})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    done = awarded(nomination, actor=boss, document=decision(on=datetime.date(2026, 1, 10)))
    before = snapshot(done)
    refused = page.post(url, {**form, "notes": "y", "version": done.version})
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    assert snapshot(done) == before
