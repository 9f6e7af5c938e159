import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, ListView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from icis.core.views import safe_next

from . import services
from .models import ApiToken


class OtpForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("6-digit code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class _OtpView(LoginRequiredMixin, FormView):
    form_class = OtpForm

    def next_url(self):
        return safe_next(self.request)


class OtpVerifyView(_OtpView):
    """Second step of signing in for users with an authenticator."""

    template_name = "accounts/otp_verify.html"

    def form_valid(self, form):
        device = services.otp_verify(self.request.user, form.cleaned_data["token"])
        if device is None:
            services.audit_record(
                action="login_failed", user=self.request.user, request=self.request, subject="wrong one-time code"
            )
            form.add_error("token", _("That code is not valid. Check the time on your phone and try again."))
            return self.form_invalid(form)
        otp_login(self.request, device)
        return redirect(self.next_url())


class OtpSetupView(_OtpView):
    """Set up an authenticator app (TOTP): scan the QR code, then confirm with a code."""

    template_name = "accounts/otp_setup.html"

    def device(self) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=self.request.user, confirmed=False).first()
        return device or services.totp_device_start(user=self.request.user)

    def get_context_data(self, **kwargs):
        device = self.device()
        context = super().get_context_data(**kwargs)
        context.update(
            qr_svg=segno.make(device.config_url, error="m").svg_inline(scale=4),
            secret=base64.b32encode(device.bin_key).decode(),
            required=services.second_factor_required(self.request.user),
        )
        return context

    def form_valid(self, form):
        device = self.device()
        if not services.totp_device_confirm(device=device, token=form.cleaned_data["token"], request=self.request):
            form.add_error("token", _("That code is not valid. Scan the code again and enter the current 6 digits."))
            return self.form_invalid(form)
        otp_login(self.request, device)
        messages.success(self.request, _("Two-factor sign-in is on for your account."))
        return redirect(self.next_url())


class TokenListView(LoginRequiredMixin, ListView):
    """Your API tokens: when each was issued, last used and expires; revoke any of them."""

    template_name = "accounts/token_list.html"
    context_object_name = "tokens"

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "ttl_hours": settings.ICIS_TOKEN_TTL_HOURS}

    def post(self, request, *args, **kwargs):
        if "all" in request.POST:
            count = services.tokens_revoke(user=request.user, reason="revoked", actor=request.user, request=request)
            messages.success(
                request,
                ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
            )
            return redirect("accounts:token_list")
        token_id = request.POST.get("token", "")
        token = ApiToken.objects.filter(user=request.user, pk=int(token_id)).first() if token_id.isdigit() else None
        if token is None:
            messages.error(request, _("That token does not exist or was already revoked."))
        else:
            services.token_revoke(token=token, actor=request.user, request=request)
            messages.success(request, _("Token %(key)s revoked.") % {"key": str(token)})
        return redirect("accounts:token_list")
