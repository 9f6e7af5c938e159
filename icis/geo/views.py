from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Province
from .selection import SESSION_KEY, switchable


@login_required
@require_POST
def switch_province(request):
    """A national user chooses the province the pages show (empty: the whole country)."""
    if not switchable(request.user):
        raise Http404
    code = (request.POST.get("province") or "").strip()
    if code and not Province.objects.filter(code=code).exists():
        raise Http404
    if code:
        request.session[SESSION_KEY] = code
    else:
        request.session.pop(SESSION_KEY, None)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    # drop an explicit ?province= so the choice just made shows
    return redirect(target.split("?")[0] if "province=" in target else target)
