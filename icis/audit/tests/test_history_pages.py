"""The history page of every record type opens: one object of each model with a history, as an admin."""

import pytest

from icis.audit import selectors
from icis.testing.factories import english, superuser

from .rows import one_of_each

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    yield from english(settings)


def test_every_audited_model_has_a_working_history_page(client):
    client.force_login(superuser())
    answers = {}
    for model, obj in one_of_each().items():
        response = client.get(f"/audit/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/")
        answers[model._meta.label] = response.status_code
    assert len(answers) == len(selectors.audited_models())
    assert {label: status for label, status in answers.items() if status != 200} == {}
