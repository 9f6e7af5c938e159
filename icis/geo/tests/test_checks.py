import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from icis.geo.checks import province_settings

pytestmark = pytest.mark.django_db


def test_the_home_province_is_accepted(settings):
    settings.ICIS_PROVINCE_CODE = "01"
    assert province_settings(None) == []


@pytest.mark.parametrize("value", ["", "1; DROP", "hanoi", None])
def test_a_malformed_code_stops_the_start_naming_the_setting(settings, value):
    settings.ICIS_PROVINCE_CODE = value
    errors = province_settings(None)
    assert [e.id for e in errors] == ["geo.E001"]
    assert "ICIS_PROVINCE_CODE" in errors[0].msg


def test_a_code_that_is_no_province_stops_the_start(settings):
    settings.ICIS_PROVINCE_CODE = "99"
    errors = province_settings(None)
    assert [e.id for e in errors] == ["geo.E002"]
    assert "ICIS_PROVINCE_CODE='99' is not a province in the database" in errors[0].msg
    with pytest.raises(SystemCheckError, match="geo.E002"):
        call_command("check")
