"""Numbers and dates, once (icis/core/formats.py, icis/core/fields.py): "37,78" is 37.78 ha on a page, in
the API (a JSON number) and in an import cell; "abc" is refused naming the field, the stored value kept."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from icis.clusters.models import Cluster
from icis.core import fields, formats
from icis.core.imports import cells
from icis.testing.factories import make_cluster
from icis.testing.forms import browser_post

# --- reading -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("37,78", "37.78"),
        ("37.78", "37.78"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234,5", "1234.5"),
        ("  6,5 ", "6.5"),
        ("-0,5", "-0.5"),
        (",5", "0.5"),
        ("12", "12"),
        ("0", "0"),
    ],
)
def test_parse_decimal_reads_what_people_type(typed, number):
    assert formats.parse_decimal(typed) == Decimal(number)


@pytest.mark.parametrize(
    "typed", ["abc", "1,2,3", "1.2.3", "1.2,3", "1,23,456", "12a", "1e5", "NaN", "Infinity", "--1"]
)
def test_parse_decimal_refuses_what_it_cannot_read(typed):
    with pytest.raises(formats.NotANumber):
        formats.parse_decimal(typed)


def test_parse_decimal_blank_and_numbers():
    assert formats.parse_decimal("") is None
    assert formats.parse_decimal("   ") is None
    assert formats.parse_decimal(None) is None
    assert formats.parse_decimal(3) == 3
    assert formats.parse_decimal(0.1) == Decimal("0.1")
    with pytest.raises(formats.NotANumber):
        formats.parse_decimal(True)
    with pytest.raises(formats.NotANumber):
        formats.parse_decimal(float("nan"))


# --- writing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "value", "places", "text"),
    [
        ("vi", Decimal("1234.56"), None, "1.234,56"),
        ("en", Decimal("1234.56"), None, "1,234.56"),
        ("vi", Decimal("41.7000"), None, "41,7"),
        ("en", Decimal("41.7000"), None, "41.7"),
        ("vi", Decimal("3204.31"), 2, "3.204,31"),
        ("vi", Decimal("8"), 2, "8,00"),
        ("vi", Decimal("1234567"), None, "1.234.567"),
        ("vi", Decimal("-0.0001"), 2, "0,00"),
        ("en", 0.5, None, "0.5"),
        ("vi", None, None, "—"),
    ],
)
def test_number_per_language(language, value, places, text):
    assert formats.number(value, places, language=language) == text


def test_area_money_percent_date_per_language():
    assert formats.area(Decimal("6.2800"), language="vi") == "6,28"
    assert formats.area(Decimal("6.2800"), language="en", unit=True) == "6.28 ha"
    assert formats.area(7.300000000000001, language="vi") == "7,3"  # SQLite's float sums
    assert formats.money(1250000000, language="vi") == "1.250.000.000"
    assert formats.money(1250000000, language="en") == "1,250,000,000"
    assert formats.percent(Decimal("87.456"), language="vi") == "87,5 %"
    assert formats.date(datetime.date(2025, 7, 1)) == "01/07/2025"
    assert formats.date(None) == "—"
    with translation.override("en"):
        assert formats.number(Decimal("1234.5")) == "1,234.5"
        assert formats.date(datetime.date(2025, 7, 1)) == "01/07/2025"
    with translation.override("vi"):
        assert formats.number(Decimal("1234.5")) == "1.234,5"


def test_template_filters_use_the_formatter():
    from django.template import Context, Template

    template = Template("{% load icis %}{{ a|ha }} {{ m|money }} {{ n|num:2 }} {{ d|day }}")
    context = Context({"a": Decimal("41.7000"), "m": 1500000, "n": Decimal("2.5"), "d": datetime.date(2024, 3, 5)})
    with translation.override("vi"):
        assert template.render(context) == "41,7 1.500.000 2,50 05/03/2024"
    with translation.override("en"):
        assert template.render(context) == "41.7 1,500,000 2.50 05/03/2024"


# --- the form field ------------------------------------------------------------------------------------


class AreaForm(fields.LocalizedNumbersMixin, forms.Form):
    area_ha = forms.DecimalField(label="Area (ha)", max_digits=10, decimal_places=4, min_value=0)
    latitude = forms.FloatField(label="Latitude", required=False, widget=forms.NumberInput(attrs={"class": "x"}))


@pytest.mark.parametrize(("typed", "number"), [("37,78", "37.78"), ("37.78", "37.78"), ("1.234,5", "1234.5")])
def test_form_field_reads_the_decimal_comma(typed, number):
    form = AreaForm(data={"area_ha": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["area_ha"] == Decimal(number)


@pytest.mark.parametrize("typed", ["abc", "1,2,3"])
def test_form_field_refuses_naming_the_field(typed):
    form = AreaForm(data={"area_ha": typed})
    assert not form.is_valid()
    assert "Area (ha)" in form.errors["area_ha"][0]
    assert typed in form.errors["area_ha"][0]


def test_form_field_keeps_limits_and_renders_a_text_box():
    form = AreaForm(data={"area_ha": "-1", "latitude": "21,03"})
    assert not form.is_valid()
    assert "area_ha" in form.errors  # min_value kept
    assert form.cleaned_data["latitude"] == pytest.approx(21.03)
    html = str(form["area_ha"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and "min=" not in html
    assert 'class="x"' in str(form["latitude"])
    with translation.override("vi"):
        assert 'value="37,78"' in str(AreaForm(initial={"area_ha": Decimal("37.7800")})["area_ha"])
    with translation.override("en"):
        assert 'value="37.78"' in str(AreaForm(initial={"area_ha": Decimal("37.7800")})["area_ha"])


class LateFieldsForm(fields.LocalizedNumbersMixin, forms.Form):
    """A form that adds its number fields after the mixin ran (as the progress-report form does)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["percent"] = forms.DecimalField(label="Percent", max_digits=5, decimal_places=2)


def test_fields_added_after_init_are_read_the_same_way():
    assert 'inputmode="decimal"' in str(LateFieldsForm()["percent"])
    form = LateFieldsForm(data={"percent": "62,5"})
    assert form.is_valid() and form.cleaned_data["percent"] == Decimal("62.5")
    form = LateFieldsForm(data={"percent": "abc"})
    assert not form.is_valid() and "Percent" in form.errors["percent"][0]


def test_every_scoped_form_reads_numbers_this_way():
    from icis.core.forms import ScopedChoicesMixin

    assert issubclass(ScopedChoicesMixin, fields.LocalizedNumbersMixin)


# --- on the page, in the API, in an import cell ----------------------------------------------------------


@pytest.fixture
def cluster(hanoi):
    return make_cluster(name="Cụm số", area_ha=20, industrial_land_ha=14)


def _post_area(page, cluster, typed):
    url = reverse("clusters:cluster_edit", args=[cluster.pk])
    data = browser_post(page.get(url).context["form"])
    data["area_ha"] = typed
    return page.post(url, data)


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "number"), [("37,78", "37.78"), ("1.234,5", "1234.5"), ("37.78", "37.78")])
def test_page_saves_the_decimal_comma(page, cluster, typed, number):
    response = _post_area(page, cluster, typed)
    if response.status_code == 200:  # a plausibility warning for 1,234.5 ha: confirm it, as a user would
        data = browser_post(response.context["form"])
        data["area_ha"] = typed
        data["confirm_warnings"] = "on"
        response = page.post(reverse("clusters:cluster_edit", args=[cluster.pk]), data)
    assert response.status_code == 302
    assert Cluster.objects.get(pk=cluster.pk).area_ha == Decimal(number)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["abc", "1,2,3"])
def test_page_refuses_letters_naming_the_field_and_keeps_the_value(page, cluster, typed):
    response = _post_area(page, cluster, typed)
    assert response.status_code == 200
    form = response.context["form"]
    assert str(form.fields["area_ha"].label) in form.errors["area_ha"][0]
    assert Cluster.objects.get(pk=cluster.pk).area_ha == Decimal(20)


@pytest.mark.django_db
def test_api_keeps_json_numbers_and_refuses_letters_by_field(api, cluster):
    url = f"/api/clusters/{cluster.pk}/"
    response = api.patch(url, {"area_ha": 37.78}, format="json")
    assert response.status_code == 200, response.json()
    assert Cluster.objects.get(pk=cluster.pk).area_ha == Decimal("37.78")
    assert isinstance(api.get(url).json()["area_ha"], (int, float))
    response = api.patch(url, {"area_ha": "abc"}, format="json")
    assert response.status_code == 400
    assert "area_ha" in [error["field"] for error in response.json()["errors"]]
    assert Cluster.objects.get(pk=cluster.pk).area_ha == Decimal("37.78")


@pytest.mark.parametrize(("typed", "number"), [("37,78", "37.78"), ("1.234,5", "1234.5"), (37.78, "37.78")])
def test_import_cell_reads_the_decimal_comma(typed, number):
    assert cells.parse_decimal(typed) == Decimal(number)


@pytest.mark.parametrize("typed", ["abc", "1,2,3"])
def test_import_cell_refuses_letters(typed):
    with pytest.raises(cells.CellError) as refused:
        cells.parse_decimal(typed)
    assert typed in str(refused.value)


@pytest.mark.django_db
def test_the_administration_reads_the_decimal_comma_too(rf, admin_user):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = admin_user
    form_class = admin.site._registry[Cluster].get_form(request)
    assert isinstance(form_class.base_fields["area_ha"], fields.DecimalField)
    field = form_class.base_fields["area_ha"]
    assert field.clean("37,78") == Decimal("37.78")
    with pytest.raises(forms.ValidationError):
        field.clean("abc")
