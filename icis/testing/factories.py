"""Small, explicit builders for tests: a two-district slice of Hanoi and clusters in it."""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.geo.models import Province
from icis.geo.services import admin_units_load

MINI_HANOI = {
    "province": {"code": "01", "name": "Thành phố Hà Nội"},
    "units": [
        {
            "code": "10273",
            "name": "Xã Phú Xuyên",
            "merged_from": [
                {
                    "code": "10273",
                    "name": "Thị trấn Phú Xuyên",
                    "type": "full",
                    "legacy_district": "Huyện Phú Xuyên",
                    "legacy_district_code": "280",
                },
                {
                    "code": "10282",
                    "name": "Xã Nam Tiến",
                    "type": "full",
                    "legacy_district": "Huyện Phú Xuyên",
                    "legacy_district_code": "280",
                },
                {
                    "code": "10258",
                    "name": "Xã Tô Hiệu",
                    "type": "partial",
                    "legacy_district": "Huyện Thường Tín",
                    "legacy_district_code": "279",
                },
            ],
        },
        {
            "code": "10183",
            "name": "Xã Thường Tín",
            "merged_from": [
                {
                    "code": "10258",
                    "name": "Xã Tô Hiệu",
                    "type": "partial",
                    "legacy_district": "Huyện Thường Tín",
                    "legacy_district_code": "279",
                },
            ],
        },
        {
            "code": "10030",
            "name": "Xã Phú Nghĩa",
            "merged_from": [
                {
                    "code": "10030",
                    "name": "Xã Đông Phương Yên",
                    "type": "full",
                    "legacy_district": "Huyện Chương Mỹ",
                    "legacy_district_code": "277",
                },
                {
                    "code": "10045",
                    "name": "Xã Đông Sơn",
                    "type": "full",
                    "legacy_district": "Huyện Chương Mỹ",
                    "legacy_district_code": "277",
                },
            ],
        },
    ],
}

_numbers = itertools.count(1)


# Hanoi's own rule (Plan 305/KH-UBND): clusters established from 12/11/2025 need a compliant WWTP.
HANOI_SETTINGS = {
    "new_clusters_since": datetime.date(2025, 11, 12),
    "new_clusters_source": "Kế hoạch 305/KH-UBND ngày 12/11/2025 của UBND Thành phố Hà Nội",
}


def mini_hanoi() -> Province:
    from icis.geo.models import ProvinceSettings

    admin_units_load(payload=MINI_HANOI)
    province = Province.objects.get(code="01")
    ProvinceSettings.objects.get_or_create(province=province, defaults=HANOI_SETTINGS)
    return province


def superuser(username="boss"):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_superuser(username=username, password="not-a-real-password-123", email="")
    return user


def make_cluster(
    *,
    name=None,
    status=ClusterStatus.PLANNED,
    status_date=datetime.date(2020, 1, 1),
    actor=None,
    communes=(),
    **fields,
):
    province = Province.objects.filter(code="01").first() or mini_hanoi()
    number = next(_numbers)
    data = {"code": f"T-{number:04d}", "name": name or f"Cụm thử {number}", "province": province, **fields}
    if "area_ha" in data and data["area_ha"] is not None:
        data["area_ha"] = Decimal(str(data["area_ha"]))
    return cluster_services.cluster_create(
        data=data,
        actor=actor or superuser(),
        status=status,
        status_date=status_date,
        reason="test fixture",
        communes=communes,
    )


def person(username, role=None, *, organisation=None, communes=(), password="a-long-password-1"):
    """A user holding `role` (an accounts.roles.Role), scoped to `communes` (GSO codes)."""
    from django.contrib.auth.models import Group

    from icis.accounts.models import Scope

    user = get_user_model().objects.create_user(username=username, password=password, organisation=organisation)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.name))
    for code in communes:
        Scope.objects.create(user=user, commune_id=code)
    return user


def english(settings):
    """Run a test in English: its messages and pages (for test modules whose assertions quote
    the English source strings; the product itself is Vietnamese-first)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def api_token(user) -> str:
    """A fresh API token key for `user`, as if obtained with the one-time code where one applies.

    Marked as just used, so the once-a-minute "last used" write does not make the first request of a
    query-count test differ from the next."""
    from django.utils import timezone

    from icis.accounts.models import ApiToken
    from icis.accounts.services import token_issue

    token, key = token_issue(user=user, second_factor=True)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return key
