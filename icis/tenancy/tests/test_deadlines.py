"""Circular 14 Art 3.3 deadlines are "trước ngày …" (before the day): a Form 01/02 sent on the named
day is late, one sent the day before is on time; and Forms 01/02 carry the signed wording."""

import datetime
import re
from unittest import mock

import pytest
from django.utils import timezone, translation

from icis.tenancy import periods, report_forms, selectors, services
from icis.testing.law import law_block, law_items, law_text, squeeze

from .conftest import project
from .test_submissions import FORM_02

pytestmark = pytest.mark.django_db

H1 = periods.parse("2026-H1")


def named_day(text: str, point: str) -> tuple[int, int]:
    """The half-year day named after "trước ngày" in Art 3.3 point a/b (Forms 01/02)."""
    line = next(line for line in text.splitlines() if line.startswith(f"{point}) Định kỳ trước ngày"))
    day, month = re.search(r"trước ngày (\d+) tháng (\d+)", line).groups()
    return int(day), int(month)


def send_on(submission, day: datetime.date, actor):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return services.submission_submit(submission=submission, actor=actor)


@pytest.mark.parametrize(("form", "point"), [("01", "a"), ("02", "b")])
def test_the_deadline_is_the_day_the_circular_names_after_truoc_ngay(form, point):
    day, month = named_day(law_text(), point)
    assert H1.deadline(form) == datetime.date(2026, month, day)
    assert H1.deadline_text(form) == f"Trước ngày {day:02d}/{month:02d}/2026"
    assert H1.last_day_on_time(form) == datetime.date(2026, month, day - 1)


def test_a_form_02_sent_on_the_deadline_day_is_late_and_the_day_before_on_time(cluster20, boss):
    draft = services.submission_save(form="02", period="2026-H1", cluster=cluster20, data=FORM_02, actor=boss)
    assert selectors.sent_late(draft) is None
    on_time = send_on(draft, datetime.date(2026, 6, 19), boss)
    assert selectors.sent_late(on_time) is False
    services.submission_return(submission=on_time, reason="sửa chỉ tiêu 3", actor=boss)
    on_time.refresh_from_db()
    late = send_on(on_time, datetime.date(2026, 6, 20), boss)
    assert selectors.sent_late(late) is True


def test_a_form_01_sent_on_the_deadline_day_is_late(cluster20, tenant, boss):
    tenant_project = project(cluster20, tenant, 5, boss)
    data = {"revenue_bn_vnd": 1, "budget_paid_bn_vnd": 0.1, "employees": 10, "avg_income_m_vnd": 8}
    draft = services.submission_save(
        form="01", period="2026-H1", cluster=cluster20, tenant_project=tenant_project, data=data, actor=boss
    )
    assert selectors.sent_late(send_on(draft, datetime.date(2026, 6, 20), boss)) is True
    assert not H1.is_late("01", datetime.date(2026, 6, 19))
    assert H1.is_late("01", datetime.date(2026, 6, 21))


def test_an_unsent_report_is_overdue_on_the_deadline_day_not_the_day_before(cluster20, tenant, boss):
    from icis.clusters.models import Cluster

    tenant_project = project(cluster20, tenant, 5, boss)
    clusters = Cluster.objects.all()
    assert selectors.overdue(form="01", period=H1, clusters=clusters, today=datetime.date(2026, 6, 19)) == []
    overdue = selectors.overdue(form="01", period=H1, clusters=clusters, today=datetime.date(2026, 6, 20))
    assert [p.pk for p in overdue] == [tenant_project.pk]


def test_the_report_list_prints_the_deadline_as_before_a_day_and_marks_late_reports(client, cluster20, boss):
    draft = services.submission_save(form="02", period="2026-H1", cluster=cluster20, data=FORM_02, actor=boss)
    send_on(draft, datetime.date(2026, 6, 20), boss)
    client.force_login(boss)
    client.cookies["django_language"] = "en"  # pages are Vietnamese unless the user chose English
    page = client.get("/tenancy/reports/?period=2026-H1").content.decode()
    assert "Form 02 overdue (due before 20/06/2026)" in page  # Vietnamese: "(hạn: trước ngày 20/06/2026)"
    assert "sent late" in page


@pytest.mark.parametrize(
    ("form", "heading", "end"), [("01", "Biểu số 01.", "Biểu số 02."), ("02", "Biểu số 02.", "Biểu số 03.")]
)
def test_forms_01_and_02_carry_the_signed_wording(form, heading, end):
    block = law_block(law_text(), heading, end)
    signed = law_items(block)
    figures = report_forms.FORMS[form]
    assert [f.number for f in figures] == list(signed)
    for figure in figures:
        assert (figure.label_vi, figure.unit_vi) == signed[figure.number], figure.number
    text = report_forms.TEXTS[form]
    assert block[0] == f"Biểu số {form}. {text.title}"
    assert f"Đơn vị gửi báo cáo: {text.sender}" in block
    assert f"Đơn vị nhận báo cáo: {text.recipients}" in block
    assert f"Kỳ báo cáo: {text.period}" in block
    assert text.deadlines in block
    assert list(report_forms.COLUMNS) == block[block.index("TT") : block.index("TT") + 5]
    assert list(report_forms.COLUMN_NUMBERS) == block[block.index("(1)") : block.index("(1)") + 5]
    assert squeeze(text.place_date + text.signer + text.signer_hint) in squeeze("".join(block))


def test_the_english_page_shows_the_signed_wording_with_a_gloss():
    figure = report_forms.FORM_01[0]
    with translation.override("en"):
        assert figure.label == "Doanh thu của dự án trong kỳ báo cáo (Revenue)"
    with translation.override("vi"):
        assert figure.label == "Doanh thu của dự án trong kỳ báo cáo"


def test_the_report_page_heads_the_form_in_the_signed_wording_with_the_deadline(client, cluster20, boss):
    draft = services.submission_save(form="02", period="2026-H1", cluster=cluster20, data=FORM_02, actor=boss)
    client.force_login(boss)
    page = client.get(f"/tenancy/reports/{draft.pk}/").content.decode()
    assert "Biểu số 02. Tình hình hoạt động của dự án đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp" in page
    assert "Kỳ này: Trước ngày 20/06/2026" in page
    assert report_forms.TEXT_02.deadlines in page
