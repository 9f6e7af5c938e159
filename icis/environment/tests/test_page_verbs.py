"""The environment pages' forms and verbs on the generic views, as an attacker would use them: another
scope is 404 before any permission is checked, a missing permission is 403, nothing is written."""

import pytest

from icis.environment.models import WastewaterPlant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("suffix", ["edit/", "transition/", "samples/new/", "requirements/new/"])
def test_a_plant_outside_the_scope_is_404_and_inside_it_403_without_the_permission(client, linked, suffix):
    client.force_login(linked["users"]["commune-official"])
    inside, outside = linked["plants"]["a"], linked["plants"]["b"]
    assert client.get(f"/environment/plants/{outside.pk}/{suffix}").status_code == 404
    assert client.post(f"/environment/plants/{outside.pk}/{suffix}", {"name": "X"}).status_code == 404
    assert client.get(f"/environment/plants/{inside.pk}/{suffix}").status_code == 403
    assert client.post(f"/environment/plants/{inside.pk}/{suffix}", {"name": "X"}).status_code == 403
    assert not WastewaterPlant.objects.filter(name="X").exists()


def test_a_stale_plant_edit_is_refused_above_the_form_and_writes_nothing(page, linked):
    plant = linked["plants"]["a"]
    url = f"/environment/plants/{plant.pk}/edit/"
    form = page.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name="Trạm đổi tên", clusters=[linked["a"].pk], version=plant.version - 1 if plant.version > 1 else 0)
    response = page.post(url, data)
    assert response.status_code == 200
    assert WastewaterPlant.objects.get(pk=plant.pk).name == plant.name


def test_an_unknown_export_format_is_refused(page, linked):
    for url in ("/environment/plants/", "/environment/connections/"):
        assert page.get(url, {"export": "pdf"}).status_code == 400
