"""`Authorization: Token <key>` for the API: keys expire, can be revoked, and a key obtained without a
one-time code stops working once the user has, or must have, a second factor."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from . import services


class ExpiringTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = services.token_for_key(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("Invalid or revoked token: ask for a new one at /api/auth/token/."), code="token_invalid"
            )
        if token.expired:
            expired = formats.date_format(timezone.localtime(token.expires_at), "DATETIME_FORMAT")
            raise exceptions.AuthenticationFailed(
                _("This token expired at %(time)s: ask for a new one at /api/auth/token/.") % {"time": expired},
                code="token_expired",
            )
        if not token.second_factor and (token.has_device or services.second_factor_required(token.user)):
            raise exceptions.AuthenticationFailed(
                _("This account signs in with a second factor: ask for a new token with your one-time code."),
                code="second_factor",
            )
        services.token_touch(token)
        return token.user, token
