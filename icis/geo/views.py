from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from icis.core.scoping import home_province_code

from . import services
from .forms import ProvinceSettingsForm
from .models import Province, province_settings
from .selection import SESSION_KEY, page_province, switchable

SETTINGS_PERMISSION = "geo.change_own_province_settings"


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


@login_required
def settings_page(request):
    """The settings of the province the user acts on (a national user: the one chosen), for its administrator."""
    if not request.user.has_perm(SETTINGS_PERMISSION):
        raise PermissionDenied
    code = page_province(request) or home_province_code(request.user)
    province = Province.objects.get(code=code)
    row = province_settings(province)
    form = ProvinceSettingsForm(request.POST or None, instance=row, province=province)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS}
        try:
            services.province_settings_save(
                province=province,
                data=data,
                mountainous=list(form.cleaned_data["mountainous"]),
                mountainous_source=form.cleaned_data["mountainous_source"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The settings of %(province)s are saved.") % {"province": province.name})
            return redirect(request.get_full_path())
    return render(
        request, "geo/settings.html", {"form": form, "province": province}, status=400 if form.errors else 200
    )
