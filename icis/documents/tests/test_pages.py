"""Documents get pages: register (with a file checked by content), link to clusters, search, edit
without dropping what the editor cannot see, and the API takes the file too."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from icis.accounts import roles
from icis.documents.models import Document
from icis.geo.models import Commune
from icis.testing import files
from icis.testing.factories import make_cluster, person

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "doc_type": "decision",
        "number": "1292/QĐ-UBND",
        "year": "",
        "issued_on": "15/03/2021",
        "issuer": "UBND Thành phố Hà Nội",
        "signer": "",
        "summary": "Thành lập cụm công nghiệp Đông Phú Yên",
        "url": "",
    }
    data.update(overrides)
    return data


def test_register_a_document_with_a_pdf_and_a_cluster(page, hanoi, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cluster = make_cluster(name="Đông Phú Yên")
    upload = SimpleUploadedFile("qd.pdf", files.pdf(), content_type="application/pdf")
    response = page.post(reverse("documents:document_add"), {**_form(), "clusters": [cluster.pk], "file": upload})
    assert response.status_code == 302, response.context["form"].errors
    document = Document.objects.get(number="1292/QĐ-UBND")
    assert document.year == 2021 and document.issued_on == datetime.date(2021, 3, 15)
    assert list(document.clusters.all()) == [cluster] and document.file
    html = page.get(response["Location"]).content.decode()
    assert "1292/QĐ-UBND" in html and "Đông Phú Yên" in html and 'id="document-file"' in html


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_written(page, hanoi, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    before = Document.objects.count()
    upload = SimpleUploadedFile("qd.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = page.post(reverse("documents:document_add"), {**_form(), "file": upload})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert Document.objects.count() == before


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"issued_on": "31/02/2021"}, "issued_on"),
        ({"issued_on": "", "year": ""}, "year"),
        ({"issued_on": "15/03/2021", "year": "2020"}, "year"),
        ({"number": ""}, "number"),
        ({"doc_type": "poem"}, "doc_type"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(page, hanoi, overrides, field):
    before = Document.objects.count()
    response = page.post(reverse("documents:document_add"), _form(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Document.objects.count() == before


def test_the_same_number_year_and_issuer_twice_is_refused(page, hanoi):
    page.post(reverse("documents:document_add"), _form())
    before = Document.objects.count()
    response = page.post(reverse("documents:document_add"), _form())
    assert response.status_code == 200 and response.context["form"].errors
    assert Document.objects.count() == before


def test_search_without_diacritics_and_export(page, hanoi):
    page.post(reverse("documents:document_add"), _form())
    page.post(reverse("documents:document_add"), _form(number="5/KH-UBND", summary="Kế hoạch phát triển"))
    html = page.get(reverse("documents:document_list"), {"q": "dong phu yen"}).content.decode()
    assert "1292/QĐ-UBND" in html and "5/KH-UBND" not in html
    export = page.get(reverse("documents:document_list"), {"q": "dong phu yen", "export": "csv"})
    text = export.content.decode("utf-8-sig")
    assert "1292/QĐ-UBND" in text and "5/KH-UBND" not in text


def test_an_edit_keeps_links_to_clusters_the_editor_cannot_see(client, hanoi, boss):
    mine = make_cluster(name="Của xã", communes=[Commune.objects.get(code="10273")])
    theirs = make_cluster(name="Xã khác", communes=[Commune.objects.get(code="10030")])
    from icis.documents import services

    document = services.document_create(
        data={"doc_type": "decision", "number": "7/QĐ", "year": 2022, "issuer": "UBND"},
        actor=boss,
        clusters=[mine, theirs],
    )
    official = person("xa", roles.COMMUNE_OFFICIAL, communes=["10273"])
    from django.contrib.auth.models import Permission

    official.user_permissions.add(Permission.objects.get(codename="change_document"))
    client.force_login(official)
    url = reverse("documents:document_edit", args=[document.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["clusters"].queryset) == [mine]
    response = client.post(
        url,
        _form(number="7/QĐ", year="2022", issued_on="", issuer="UBND", summary="Sửa", version=document.version),
    )
    assert response.status_code == 302, response.context["form"].errors
    document.refresh_from_db()
    assert document.summary == "Sửa"
    # "mine" was offered and left unticked (removed); "theirs" was never offered and stays linked
    assert set(document.clusters.all()) == {theirs}
    html = client.get(reverse("documents:document_detail", args=[document.pk])).content.decode()
    assert "Xã khác" not in html


def test_a_stale_edit_is_refused(page, hanoi, boss):
    from icis.documents import services

    document = services.document_create(
        data={"doc_type": "decision", "number": "7/QĐ", "year": 2022, "issuer": "UBND"}, actor=boss
    )
    url = reverse("documents:document_edit", args=[document.pk])
    stale = document.version
    page.post(url, _form(number="7/QĐ", year="2022", issued_on="", issuer="UBND", summary="A", version=stale))
    response = page.post(
        url, _form(number="7/QĐ", year="2022", issued_on="", issuer="UBND", summary="B", version=stale)
    )
    assert response.status_code == 200
    document.refresh_from_db()
    assert document.summary == "A"


def test_who_may_not_add_documents_gets_403(client, hanoi):
    investor = person("nhadautu", roles.INVESTOR)
    client.force_login(investor)
    assert client.get(reverse("documents:document_add")).status_code == 403
    before = Document.objects.count()
    assert client.post(reverse("documents:document_add"), _form()).status_code == 403
    assert Document.objects.count() == before


def test_the_api_takes_a_file(api, hanoi, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("qd.pdf", files.pdf(), content_type="application/pdf")
    response = api.post(
        "/api/documents/",
        {"doc_type": "decision", "number": "9/QĐ", "issued_on": "2023-01-02", "issuer": "UBND", "file": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["file"] and Document.objects.get(number="9/QĐ").file
    before = Document.objects.count()
    bad = SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")
    response = api.post(
        "/api/documents/",
        {"doc_type": "decision", "number": "10/QĐ", "issued_on": "2023-01-02", "issuer": "UBND", "file": bad},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.content.decode()
    assert Document.objects.count() == before


def test_undated_documents_come_after_the_dated_ones_of_their_year_on_every_database(page, api, hanoi):
    # the list page and the API read the model's order: NULLs first in a descending order on PostgreSQL
    Document.objects.create(doc_type="decision", number="1/QĐ", year=2024, issuer="UBND thử")
    Document.objects.create(doc_type="decision", number="2/QĐ", year=2024, issuer="UBND thử", issued_on="2024-03-01")
    ours = ("1/QĐ", "2/QĐ")
    listed = [d.number for d in page.get(reverse("documents:document_list")).context["object_list"]]
    assert [number for number in listed if number in ours] == ["2/QĐ", "1/QĐ"]
    listed = [row["number"] for row in api.get("/api/documents/", {"page_size": 1000}).json()["results"]]
    assert [number for number in listed if number in ours] == ["2/QĐ", "1/QĐ"]


def test_a_clusters_undated_sources_come_after_the_dated_ones_on_every_database(page, hanoi):
    # the detail page reads the model's order: NULLs first in an ascending order on SQLite
    from icis.documents.models import Source

    cluster = make_cluster(name="Đông Phú Yên")
    Source.objects.create(subject=cluster, title="Bài báo chưa rõ ngày")
    Source.objects.create(subject=cluster, title="Bài báo 2020", published_on=datetime.date(2020, 5, 4))
    html = page.get(reverse("clusters:cluster_detail", args=[cluster.pk])).content.decode()
    assert html.index("Bài báo 2020") < html.index("Bài báo chưa rõ ngày")
