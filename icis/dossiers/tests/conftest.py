"""Fixtures: the tests' own working-day calendar (a Tết week, a year end, a swapped day and a working
Saturday) instead of the shipped one, a planned cluster in Xã Phú Xuyên and documents per step."""

import datetime
import itertools

import pytest

from icis.accounts import roles
from icis.clusters.choices import ClusterStatus
from icis.documents.models import Document
from icis.dossiers import ladder, services
from icis.dossiers.calendar import WorkingCalendar
from icis.dossiers.models import PublicHoliday, WorkingDayOverride
from icis.geo.models import Commune
from icis.testing.factories import english, make_cluster, person

D = datetime.date

# New Year 2025 on a Wednesday; Tết: Monday 27 to Friday 31 January 2025; 30/4–1/5 with Friday 2/5
# swapped for Saturday 26/4; and one unconfirmed day. Not the shipped file: the tests own these.
FIXTURE_HOLIDAYS = {
    D(2024, 1, 1): "Tết Dương lịch",
    D(2025, 1, 1): "Tết Dương lịch",
    **{D(2025, 1, day): "Tết Nguyên đán" for day in range(27, 32)},
    D(2025, 4, 30): "Ngày Chiến thắng",
    D(2025, 5, 1): "Quốc tế lao động",
    D(2025, 5, 2): "Nghỉ hoán đổi",
}
FIXTURE_WORKING_SATURDAYS = {D(2025, 4, 26)}
FIXTURE_UNCONFIRMED = {D(2025, 9, 1): "Quốc khánh (chưa xác nhận)"}


def fixture_calendar() -> WorkingCalendar:
    return WorkingCalendar(
        holidays=FIXTURE_HOLIDAYS, working_days=FIXTURE_WORKING_SATURDAYS, unconfirmed=FIXTURE_UNCONFIRMED
    )


@pytest.fixture
def calendar_rows(db):
    """The fixture calendar in the database (replacing what the data migration loaded)."""
    PublicHoliday.objects.all().delete()
    WorkingDayOverride.objects.all().delete()
    for day, name in FIXTURE_HOLIDAYS.items():
        PublicHoliday.objects.create(date=day, name=name, source="test fixture")
    for day in FIXTURE_WORKING_SATURDAYS:
        WorkingDayOverride.objects.create(date=day, decision="test fixture")
    for day, name in FIXTURE_UNCONFIRMED.items():
        PublicHoliday.objects.create(date=day, name=name, source="test fixture", confirmed=False)


@pytest.fixture
def cluster(hanoi, boss, calendar_rows):
    return make_cluster(
        name="Cụm thử Phú Xuyên",
        status=ClusterStatus.PLANNED,
        status_date=D(2019, 1, 1),
        area_ha=30,
        communes=[Commune.objects.get(code="10273")],
    )


_numbers = itertools.count(1)


def doc(doc_type: str, on: datetime.date, *, issuer="UBND", cluster=None, number=None) -> Document:
    document = Document.objects.create(
        doc_type=doc_type, number=number or f"{next(_numbers)}/TEST", year=on.year, issued_on=on, issuer=issuer
    )
    if cluster is not None:
        document.clusters.add(cluster)
    return document


def record(dossier, step, issued, actor, **kwargs):
    """Record `step` with a fresh document of the type the ladder expects, issued on `issued`."""
    kind = kwargs.pop("doc_type", ladder.step(step).document_type)
    return services.dossier_step_record(
        dossier=dossier, step=step, document=doc(kind, issued, cluster=dossier.cluster), actor=actor, **kwargs
    )


# A plausible dossier: first letter Monday 6/1/2025, steps in order through spring 2025.
STEP_DATES = {
    1: D(2018, 7, 10),
    2: D(2025, 1, 10),
    3: D(2025, 2, 10),
    4: D(2025, 2, 14),
    5: D(2025, 2, 20),
    6: D(2025, 3, 3),
    7: D(2025, 3, 5),
    8: D(2025, 3, 20),
    9: D(2025, 3, 28),
    10: D(2025, 4, 3),
    11: D(2025, 6, 1),
}


@pytest.fixture
def dossier(cluster, boss):
    return services.dossier_open(cluster=cluster, kind="establish", opened_on=D(2025, 1, 6), actor=boss)


def climb(dossier, actor, up_to: int):
    return [record(dossier, n, STEP_DATES[n], actor) for n in range(1, up_to + 1)]


@pytest.fixture
def officer(db):
    return person("officer", roles.DOIT_OFFICER)


@pytest.fixture
def commune_official(db, hanoi):
    return person("phu-xuyen", roles.COMMUNE_OFFICIAL, communes=["10273"])


@pytest.fixture
def other_commune_official(db, hanoi):
    return person("phu-nghia", roles.COMMUNE_OFFICIAL, communes=["10030"])


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests quote the English source messages."""
    yield from english(settings)
