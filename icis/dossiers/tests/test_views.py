"""The dossier pages: the ladder as people read it, the forms, refusals on the page, and scoping."""

import datetime

import pytest
from django.test import Client

from icis.accounts.models import Organisation
from icis.documents.models import Document, DocumentType
from icis.dossiers.models import DossierStep

from .conftest import STEP_DATES, climb, doc

pytestmark = pytest.mark.django_db
D = datetime.date


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_dossier_page_shows_the_current_step_its_proof_and_the_next_step(page, dossier, boss):
    steps = climb(dossier, boss, 6)
    html = page.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert 'id="current-step"' in html and steps[5].document.number in html and "03/03/2025" in html
    assert 'id="next-step">7.' in html
    assert 'id="ladder"' in html and 'id="rung-11"' in html
    assert 'id="overdue-alert"' in html  # step 9 was due on 07/03/2025
    assert "07/03/2025" in html


def test_recording_a_step_behind_on_the_page_is_refused_with_the_position(page, dossier, boss):
    climb(dossier, boss, 6)
    letter = doc(DocumentType.OFFICIAL_LETTER, D(2025, 3, 10), cluster=dossier.cluster)
    response = page.post(f"/dossiers/{dossier.pk}/", {"action": "step", "step": 5, "document": letter.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "field-error" in html and "current step is 6" in html and "next valid step is 7" in html
    assert DossierStep.objects.filter(dossier=dossier).count() == 6


def test_amending_from_the_page(page, dossier, boss):
    steps = climb(dossier, boss, 6)
    form = page.get(f"/dossiers/{dossier.pk}/?amend={steps[4].pk}").content.decode()
    assert f'<option value="{steps[4].pk}" selected>' in form
    letter = doc(DocumentType.OFFICIAL_LETTER, D(2025, 3, 10), cluster=dossier.cluster)
    response = page.post(
        f"/dossiers/{dossier.pk}/", {"action": "step", "step": 5, "document": letter.pk, "amends": steps[4].pk}
    )
    assert response.status_code == 302
    assert DossierStep.objects.get(amends=steps[4]).document == letter


def test_a_new_document_is_entered_with_the_step(page, dossier, boss):
    climb(dossier, boss, 1)
    response = page.post(
        f"/dossiers/{dossier.pk}/",
        {
            "action": "step",
            "step": 2,
            "new_doc_type": "notice",
            "new_doc_number": "15/TB-UBND",
            "new_doc_date": "10/01/2025",
            "new_doc_issuer": "UBND xã Phú Xuyên",
        },
    )
    assert response.status_code == 302
    assert Document.objects.get(number="15/TB-UBND").clusters.get() == dossier.cluster
    duplicate = page.post(
        f"/dossiers/{dossier.pk}/",
        {
            "action": "step",
            "step": 3,
            "new_doc_type": "submission",
            "new_doc_number": "15/TB-UBND",
            "new_doc_date": "10/02/2025",
            "new_doc_issuer": "UBND xã Phú Xuyên",
        },
    )
    # Same number, year and issuer: the register already has it; the error sits on the number, nothing is recorded.
    assert duplicate.status_code == 200
    assert duplicate.context["forms"]["step"].errors["new_doc_number"]
    assert not DossierStep.objects.filter(dossier=dossier, step=3).exists()


def test_the_document_picker_offers_this_clusters_and_general_documents_only(page, dossier, boss, hanoi):
    from icis.testing.factories import make_cluster

    mine = doc(DocumentType.DECISION, D(2018, 1, 1), cluster=dossier.cluster, number="MINE")
    general = doc(DocumentType.DECISION, D(2018, 1, 1), number="GENERAL")
    foreign = doc(DocumentType.DECISION, D(2018, 1, 1), cluster=make_cluster(name="Khác"), number="FOREIGN")
    offered = set(page.get(f"/dossiers/{dossier.pk}/").context["forms"]["step"].fields["document"].queryset)
    assert mine in offered and general in offered and foreign not in offered


def test_a_commune_official_gets_a_403_with_the_reason_for_a_doit_step(dossier, boss, commune_official):
    climb(dossier, boss, 3)
    letter = doc(DocumentType.OFFICIAL_LETTER, STEP_DATES[4], cluster=dossier.cluster)
    response = signed_in(commune_official).post(
        f"/dossiers/{dossier.pk}/", {"action": "step", "step": 4, "document": letter.pk}
    )
    assert response.status_code == 403
    assert "Department of Industry and Trade" in response.content.decode()


def test_a_commune_official_of_another_commune_gets_404(dossier, other_commune_official):
    client = signed_in(other_commune_official)
    assert client.get(f"/dossiers/{dossier.pk}/").status_code == 404
    assert client.post(f"/dossiers/{dossier.pk}/", {"action": "step"}).status_code == 404
    assert dossier.cluster.name not in client.get("/dossiers/").content.decode()


def test_read_only_roles_see_no_forms_and_cannot_post(dossier, db):
    from icis.accounts import roles
    from icis.testing.factories import person

    client = signed_in(person("inspector", roles.INSPECTOR))
    html = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert 'id="ladder"' in html and 'id="step-form"' not in html and 'id="applicant-form"' not in html
    assert client.post(f"/dossiers/{dossier.pk}/", {"action": "step", "step": 1}).status_code == 403


def test_the_cluster_page_has_the_dossier_panel(page, dossier, boss):
    climb(dossier, boss, 2)
    html = page.get(f"/clusters/{dossier.cluster_id}/").content.decode()
    assert 'id="dossier-panel"' in html and f"/dossiers/{dossier.pk}/" in html


def test_the_list_shows_open_dossiers_and_their_overdue_steps(page, dossier, boss):
    climb(dossier, boss, 3)
    html = page.get("/dossiers/").content.decode()
    assert dossier.cluster.name in html and "table-danger" in html  # step 9 overdue since 07/03/2025
    assert dossier.cluster.name in page.get("/dossiers/", {"overdue": "true"}).content.decode()
    assert dossier.cluster.name not in page.get("/dossiers/", {"open": "false"}).content.decode()


def test_opening_a_dossier_from_the_page(page, cluster):
    form = page.get(f"/dossiers/new/?cluster={cluster.pk}")
    assert form.status_code == 200
    created = page.post("/dossiers/new/", {"cluster": cluster.pk, "kind": "establish", "opened_on": "06/01/2025"})
    assert created.status_code == 302
    again = page.post("/dossiers/new/", {"cluster": cluster.pk, "kind": "establish", "opened_on": "07/01/2025"})
    assert again.status_code == 200 and "field-error" in again.content.decode()


def test_applicants_scores_and_the_chair_on_the_page(page, dossier, boss):
    a = Organisation.objects.create(name="Cty A", kind="investor")
    b = Organisation.objects.create(name="Cty B", kind="investor")
    url = f"/dossiers/{dossier.pk}/"
    over = page.post(url, {"action": "applicant", "organisation": a.pk, "infrastructure_score": "16"})
    assert over.status_code == 200 and "field-error" in over.content.decode()
    for org in (a, b):
        response = page.post(
            url,
            {
                "action": "applicant",
                "organisation": org.pk,
                "infrastructure_score": "10",
                "environment_score": "10",
                "capacity_score": "20",
                "financial_score": "30",
            },
        )
        assert response.status_code == 302
    html = page.get(url).content.decode()
    assert 'id="chair-form"' in html and "alert-warning" in html
    chosen = dossier.applicants.get(organisation=b)
    assert page.post(url, {"action": "chair", "applicant": chosen.pk, "note": "Biên bản số 3"}).status_code == 302
    html = page.get(url).content.decode()
    assert "alert-success" in html and "Biên bản số 3" in html
    edit = page.get(f"/dossiers/applicants/{chosen.pk}/")
    assert edit.status_code == 200
    saved = page.post(
        f"/dossiers/applicants/{chosen.pk}/",
        {
            "infrastructure_score": "15",
            "environment_score": "10",
            "capacity_score": "20",
            "financial_score": "30",
            "version": chosen.version,
        },
    )
    assert saved.status_code == 302
    stale = page.post(f"/dossiers/applicants/{chosen.pk}/", {"infrastructure_score": "14", "version": chosen.version})
    assert stale.status_code == 200 and "version" in stale.content.decode()


def test_completing_and_closing_from_the_page(page, dossier, boss):
    climb(dossier, boss, 3)
    url = f"/dossiers/{dossier.pk}/"
    dossier.refresh_from_db()
    done = page.post(url, {"action": "complete", "complete_on": "10/03/2025", "version": dossier.version})
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.complete_on == D(2025, 3, 10)
    closed = page.post(url, {"action": "close", "outcome": "withdrawn", "date": "20/03/2025"})
    assert closed.status_code == 302
    dossier.refresh_from_db()
    assert dossier.outcome == "withdrawn"
    html = page.get(url).content.decode()
    assert 'id="step-form"' not in html
    assert 'id="dossier-status-history"' in html and "20/03/2025" in html
    assert dossier.status_changes.get().interface == "page"


def test_the_administration_shows_the_calendar_and_dossiers_read_only(page, dossier, boss):
    from icis.dossiers.models import PublicHoliday

    climb(dossier, boss, 2)
    holiday = PublicHoliday.objects.first()
    for url in (
        "/admin/dossiers/publicholiday/",
        f"/admin/dossiers/publicholiday/{holiday.pk}/change/",
        "/admin/dossiers/workingdayoverride/",
        "/admin/dossiers/scoringscheme/",
        "/admin/dossiers/dossier/",
        f"/admin/dossiers/dossier/{dossier.pk}/change/",
        "/admin/dossiers/applicant/",
    ):
        assert page.get(url).status_code == 200, url


def test_documents_a_step_cites_list_undated_ones_after_dated_on_every_database(hanoi, boss):
    # NULLs sort first in a descending order on PostgreSQL, last on SQLite
    from icis.dossiers.forms import documents_for
    from icis.testing.factories import make_cluster

    Document.objects.create(doc_type="decision", number="1/QĐ", year=2024, issuer="UBND thử")
    Document.objects.create(doc_type="decision", number="2/QĐ", year=2024, issuer="UBND thử", issued_on="2024-03-01")
    numbers = [d.number for d in documents_for(make_cluster(), boss) if d.number in ("1/QĐ", "2/QĐ")]
    assert numbers == ["2/QĐ", "1/QĐ"]
