"""Which province a per-province page, report or API call shows (docs/provinces.md).

A provincial user sees their own province; `?province=<code>` may name another only if they reach
it. A national user (MoIT) chooses one with `?province=` or the switcher (kept in the session), and
without a choice sees the national roll-up (None).
"""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions

from icis.core.scoping import ProvinceNotVisible, is_national, province_for

SESSION_KEY = "icis_province"


def page_province(request) -> str | None:
    """The province code a page shows, or None for the national roll-up; 404 for one out of reach."""
    code = request.GET.get("province")
    if code is None and is_national(request.user):
        code = getattr(request, "session", {}).get(SESSION_KEY)
    try:
        return province_for(request.user, code or None)
    except ProvinceNotVisible:
        raise Http404(_("No such province in your scope.")) from None


def api_province(request) -> str | None:
    """The same for an API call (`?province=`; no session): 404 for a province out of reach."""
    try:
        return province_for(request.user, request.query_params.get("province") or None)
    except ProvinceNotVisible:
        raise exceptions.NotFound(_("No such province in your scope.")) from None


def switchable(user) -> bool:
    return bool(user.is_authenticated and is_national(user))
