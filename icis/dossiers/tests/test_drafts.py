"""Drafts of the procedure's documents as DOCX, filled from the record; refused for a step the dossier
has already passed, with the current step and its proof named."""

import io

import pytest
from docx import Document as Docx

from icis.dossiers.models import DraftTemplate

from .conftest import climb

pytestmark = pytest.mark.django_db


def _text(body: bytes) -> str:
    document = Docx(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_default_templates_are_loaded(db):
    assert sorted(DraftTemplate.objects.filter(province__isnull=True).values_list("step", flat=True)) == [
        2,
        3,
        4,
        9,
        10,
    ]


def test_a_draft_for_the_next_step_is_filled_from_the_record(page, dossier, boss):
    steps = climb(dossier, boss, 3)
    response = page.get(f"/dossiers/{dossier.pk}/drafts/4/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    text = _text(response.content)
    assert "Cụm thử Phú Xuyên" in text and "30 ha" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "DỰ THẢO" in text and "Nơi nhận:" in text
    assert steps[2].document.number in text  # the proof of step 3 is cited
    assert "{" not in text  # every placeholder filled


def test_a_draft_for_a_step_already_passed_is_refused_with_the_step_and_its_proof(page, dossier, boss):
    steps = climb(dossier, boss, 4)
    response = page.get(f"/dossiers/{dossier.pk}/drafts/3/")
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="draft-refusal"' in html and steps[3].document.number in html


def test_the_dossier_page_offers_only_steps_not_passed(page, dossier, boss):
    climb(dossier, boss, 4)
    html = page.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert f'href="/dossiers/{dossier.pk}/drafts/9/"' in html
    assert f'href="/dossiers/{dossier.pk}/drafts/3/"' not in html


def test_a_province_adjusts_the_wording_and_unknown_placeholders_show(page, dossier, boss):
    template = DraftTemplate.objects.get(step=2, province__isnull=True)
    template.body = "Cụm {cluster} — {no_such_field} — {cluster.__class__}"
    template.save()
    text = _text(page.get(f"/dossiers/{dossier.pk}/drafts/2/").content)
    assert "Cụm Cụm thử Phú Xuyên — {no_such_field} — {cluster.__class__}" in text


def test_a_bad_step_is_404_and_out_of_scope_is_404(dossier, other_commune_official, client):
    client.force_login(other_commune_official)
    assert client.get(f"/dossiers/{dossier.pk}/drafts/4/").status_code == 404


def test_a_step_number_outside_the_ladder_is_404(page, dossier):
    assert page.get(f"/dossiers/{dossier.pk}/drafts/99/").status_code == 404


def test_a_provinces_own_template_is_listed_before_the_general_one_on_every_database(page):
    # the model's order (the admin's): NULLs first in an ascending order on SQLite, last on PostgreSQL
    own = DraftTemplate.objects.get(step=2, province__isnull=True)
    own.pk, own.province_id = None, "01"
    own.save()
    listed = page.get("/admin/dossiers/drafttemplate/").context["cl"].result_list
    assert [t.province_id for t in listed if t.step == 2] == ["01", None]
